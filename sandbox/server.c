/* The HTTP side of the sandbox: libmicrohttpd on 127.0.0.1, one thread per connection.
 * Every /v1 request passes, in order: request log, fault injection, authentication, rate
 * limit, routing, restricted-key permissions, idempotency, the API itself. */
#include "config.h"

#include <microhttpd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/sandbox.h"

#define MAX_BODY (20 * 1024 * 1024)
#define LOG_CAP  200000

struct conn {
	char *uri;
	struct sbx_buf body;
	int started;
	int too_large;
};

int64_t sbx_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The clock runs from --now with real elapsed time, plus whatever /_admin/advance added. */
int64_t sbx_now(struct sbx *s)
{
	return s->base_now + (sbx_mono_ms() - s->base_mono) / 1000 + s->advanced;
}

static void *uri_logger(void *cls, const char *uri, struct MHD_Connection *con)
{
	struct conn *c = calloc(1, sizeof(*c));

	(void)cls;
	(void)con;
	if (c == NULL)
		return NULL;
	c->uri = strdup(uri ? uri : "");
	sbx_buf_init(&c->body);
	return c;
}

static void completed(void *cls, struct MHD_Connection *con, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
	struct conn *c = *con_cls;

	(void)cls;
	(void)con;
	(void)toe;
	if (c == NULL)
		return;
	free(c->uri);
	sbx_buf_free(&c->body);
	free(c);
	*con_cls = NULL;
}

/* "sk_test_…abcd": the key's prefix up to its second '_' and its last 4 characters. */
static void mask_key(const char *key, char *out, size_t n)
{
	const char *u1 = strchr(key, '_');
	const char *u2 = u1 ? strchr(u1 + 1, '_') : NULL;
	size_t len = strlen(key);
	int plen = u2 ? (int)(u2 - key + 1) : 0;

	if (len < 12) {
		snprintf(out, n, "%.*s…", plen, key);
		return;
	}
	snprintf(out, n, "%.*s…%s", plen, key, key + len - 4);
}

static struct sbx_log_entry *log_add(struct sbx *s, const char *method, const char *path,
                                     const char *query, const char *body, const char *idem,
                                     const char *key)
{
	struct sbx_log_entry *e;
	char masked[64];

	if (s->log_n == LOG_CAP) {
		/* Keep the newer half; tests read recent requests. */
		size_t i, half = LOG_CAP / 2;

		for (i = 0; i < half; i++) {
			free(s->log[i].method);
			free(s->log[i].path);
			free(s->log[i].query);
			free(s->log[i].body);
			free(s->log[i].idempotency_key);
			free(s->log[i].key);
		}
		memmove(s->log, s->log + half, (s->log_n - half) * sizeof(*s->log));
		s->log_n -= half;
	}
	if (s->log_n == s->log_cap) {
		size_t cap = s->log_cap ? s->log_cap * 2 : 256;
		struct sbx_log_entry *p = realloc(s->log, cap * sizeof(*p));

		if (p == NULL)
			return NULL;
		s->log = p;
		s->log_cap = cap;
	}
	e = &s->log[s->log_n++];
	e->seq = ++s->log_seq;
	e->method = strdup(method);
	e->path = strdup(path);
	e->query = query ? strdup(query) : NULL;
	e->body = body ? strdup(body) : NULL;
	e->idempotency_key = idem ? strdup(idem) : NULL;
	if (key) {
		mask_key(key, masked, sizeof(masked));
		e->key = strdup(masked);
	} else {
		e->key = NULL;
	}
	e->status = 0;
	return e;
}

void sbx_log_free(struct sbx *s)
{
	size_t i;

	for (i = 0; i < s->log_n; i++) {
		free(s->log[i].method);
		free(s->log[i].path);
		free(s->log[i].query);
		free(s->log[i].body);
		free(s->log[i].idempotency_key);
		free(s->log[i].key);
	}
	free(s->log);
	s->log = NULL;
	s->log_n = 0;
	s->log_cap = 0;
}

static void log_status(struct sbx *s, int64_t seq, int status)
{
	size_t i = s->log_n;

	while (i > 0) {
		i--;
		if (s->log[i].seq == seq) {
			s->log[i].status = status;
			return;
		}
		if (s->log[i].seq < seq)
			return;
	}
}

/* Takes one use of the first fault matching this request; SBX_FAULT_NONE when none. */
static enum sbx_fault_kind take_fault(struct sbx *s, const char *method, const char *path,
                                      int *retry_after, int *seconds)
{
	size_t i;

	for (i = 0; i < s->faults_n; i++) {
		struct sbx_fault *f = &s->faults[i];

		if (f->remaining <= 0)
			continue;
		if (strncmp(path, f->path, strlen(f->path)) != 0)
			continue;
		if (f->method[0] && strcmp(f->method, method) != 0)
			continue;
		f->remaining--;
		*retry_after = f->retry_after;
		*seconds = f->seconds;
		return f->kind;
	}
	return SBX_FAULT_NONE;
}

static const char *const perm_names[SBX_RES_COUNT] = {
        "charge",  "payment_intent", "refund",  "dispute", "payout", "balance_transaction",
        "balance", "event",          "account", "file",
};

/* Checks the bearer key. Returns 0 and sets *restricted (NULL for a full key), or fills
 * a 401 reply and returns -1. */
static int authenticate(struct sbx *s, const char *auth, const char **key_out,
                        const struct sbx_restricted **restricted, struct sbx_result *r)
{
	const char *key;
	char masked[64];
	size_t i;

	*restricted = NULL;
	*key_out = NULL;
	if (auth == NULL || strncmp(auth, "Bearer ", 7) != 0 || auth[7] == '\0') {
		sbx_result_error(r, 401, "invalid_request_error", NULL, NULL,
		                 "You did not provide an API key. You need to provide your API key "
		                 "in the Authorization header, using Bearer auth (e.g. "
		                 "'Authorization: Bearer YOUR_SECRET_KEY').");
		return -1;
	}
	key = auth + 7;
	*key_out = key;
	for (i = 0; i < s->restricted_n; i++) {
		if (strcmp(s->restricted[i].key, key) == 0) {
			*restricted = &s->restricted[i];
			return 0;
		}
	}
	if (s->keys) {
		for (i = 0; i < s->keys_n; i++)
			if (strcmp(s->keys[i], key) == 0 && strncmp(key, "sk_test_", 8) == 0)
				return 0;
	} else if (strncmp(key, "sk_test_", 8) == 0 && strlen(key) > 8) {
		return 0;
	}
	mask_key(key, masked, sizeof(masked));
	sbx_result_error(r, 401, "invalid_request_error", "api_key_invalid", NULL,
	                 "Invalid API Key provided: %s", masked);
	return -1;
}

static int permitted(const struct sbx_restricted *rk, int res, int write, const char *key,
                     struct sbx *s, struct sbx_result *r)
{
	char masked[64];

	if (rk == NULL || res < 0)
		return 1;
	if ((int)rk->perm[res] >= (write ? SBX_PERM_WRITE : SBX_PERM_READ))
		return 1;
	mask_key(key, masked, sizeof(masked));
	sbx_result_error(r, 403, "invalid_request_error", "permission_error", NULL,
	                 "The provided key '%s' does not have the required permissions for this "
	                 "endpoint on account '%s'. Having the 'rak_%s_%s' permission would allow "
	                 "this request to continue.",
	                 masked, s->account_id, perm_names[res], write ? "write" : "read");
	return 0;
}

/* Token bucket: rate_limit requests per second, bursts up to one second's worth. */
static int rate_ok(struct sbx *s)
{
	int64_t now = sbx_mono_ms();
	int64_t cap = (int64_t)s->opt.rate_limit * 1000;

	if (s->opt.rate_limit <= 0)
		return 1;
	s->bucket_tokens_milli += (now - s->bucket_last_ms) * s->opt.rate_limit;
	s->bucket_last_ms = now;
	if (s->bucket_tokens_milli > cap)
		s->bucket_tokens_milli = cap;
	if (s->bucket_tokens_milli < 1000)
		return 0;
	s->bucket_tokens_milli -= 1000;
	return 1;
}

enum idem_outcome { IDEM_NONE, IDEM_NEW, IDEM_REPLAY, IDEM_REFUSED };

/* Looks the key up: a new key is reserved (in flight); a finished one is replayed when
 * the request matches; otherwise the reply is a 409 or 400. */
static enum idem_outcome idem_begin(struct sbx *s, const char *key, const char *request,
                                    const char *request_id, struct sbx_result *r, char *orig_req,
                                    size_t orig_n)
{
	sqlite3_stmt *st = sbx_prepare(s, "SELECT request, in_flight, status, body, request_id "
	                                  "FROM idempotency WHERE key = ?");
	enum idem_outcome out = IDEM_NEW;

	if (st == NULL)
		return IDEM_NONE;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *req = (const char *)sqlite3_column_text(st, 0);

		if (sqlite3_column_int(st, 1)) {
			sbx_result_error(
			        r, 409, "idempotency_error", "idempotency_key_in_use", NULL,
			        "There is currently another in-progress request using this "
			        "Idempotent Key (that probably means you submitted twice, "
			        "and the other request is still going through): %s. Please "
			        "try again later.",
			        key);
			r->should_retry = 1;
			out = IDEM_REFUSED;
		} else if (strcmp(req, request) != 0) {
			sbx_result_error(
			        r, 400, "idempotency_error", NULL, NULL,
			        "Keys for idempotent requests can only be used with the "
			        "same parameters they were first used with. Try using a key "
			        "other than '%s' if you meant to execute a different "
			        "request.",
			        key);
			out = IDEM_REFUSED;
		} else {
			r->status = sqlite3_column_int(st, 2);
			sbx_buf_free(&r->body);
			sbx_buf_puts(&r->body, (const char *)sqlite3_column_text(st, 3));
			snprintf(orig_req, orig_n, "%s",
			         sqlite3_column_text(st, 4)
			                 ? (const char *)sqlite3_column_text(st, 4)
			                 : "");
			out = IDEM_REPLAY;
		}
		sqlite3_finalize(st);
		return out;
	}
	sqlite3_finalize(st);
	st = sbx_prepare(s, "INSERT INTO idempotency(key, request, in_flight, request_id, created) "
	                    "VALUES (?, ?, 1, ?, ?)");
	if (st == NULL)
		return IDEM_NONE;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, request, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, request_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, sbx_now(s));
	if (sqlite3_step(st) != SQLITE_DONE)
		out = IDEM_NONE;
	sqlite3_finalize(st);
	return out;
}

/* Stores the result for replay, or forgets the key when Stripe would not keep it
 * (authentication, rate limit and parameter validation failures). */
static void idem_finish(struct sbx *s, const char *key, const struct sbx_result *r)
{
	sqlite3_stmt *st;
	int keep = r->status != 401 && r->status != 429 &&
	           !(r->status == 400 && r->body.data &&
	             strstr(r->body.data, "\"code\":\"parameter_") != NULL);

	if (keep)
		st = sbx_prepare(s, "UPDATE idempotency SET in_flight = 0, status = ?, body = ? "
		                    "WHERE key = ?");
	else
		st = sbx_prepare(s, "DELETE FROM idempotency WHERE key = ?");
	if (st == NULL)
		return;
	if (keep) {
		sqlite3_bind_int(st, 1, r->status);
		sqlite3_bind_text(st, 2, r->body.data ? r->body.data : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, key, -1, SQLITE_STATIC);
	} else {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		fprintf(stderr, "paydesk-sandbox: cannot store an idempotent result: %s\n",
		        sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
}

static ssize_t reset_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	static const char part[] = "{\"object\":\"list\",\"data\":[{\"id\":\"ch_";
	size_t n = sizeof(part) - 1;

	(void)cls;
	if (pos != 0)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	if (n > max)
		n = max;
	memcpy(buf, part, n);
	return (ssize_t)n;
}

static enum MHD_Result send_result(struct MHD_Connection *con, struct sbx_result *r,
                                   const char *request_id, int retry_after, size_t cut,
                                   const char *orig_req)
{
	struct MHD_Response *resp;
	size_t len;
	char *data;
	enum MHD_Result ret;
	char num[32];

	if (r->body.data == NULL)
		sbx_buf_puts(&r->body, "{}");
	data = sbx_buf_take(&r->body, &len);
	if (data == NULL)
		return MHD_NO;
	if (cut > 0 && cut < len)
		len = cut;
	resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(data);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", "application/json");
	MHD_add_response_header(resp, "Request-Id", request_id);
	MHD_add_response_header(resp, "Stripe-Version", "2024-06-20");
	if (r->should_retry >= 0)
		MHD_add_response_header(resp, "Stripe-Should-Retry",
		                        r->should_retry ? "true" : "false");
	if (retry_after > 0) {
		snprintf(num, sizeof(num), "%d", retry_after);
		MHD_add_response_header(resp, "Retry-After", num);
	}
	if (orig_req) {
		MHD_add_response_header(resp, "Idempotent-Replayed", "true");
		if (orig_req[0])
			MHD_add_response_header(resp, "Original-Request", orig_req);
	}
	ret = MHD_queue_response(con, (unsigned int)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void sleep_interruptible(struct sbx *s, int seconds)
{
	int64_t until = sbx_mono_ms() + (int64_t)seconds * 1000;

	while (!s->stopping && sbx_mono_ms() < until) {
		struct timespec ts = {0, 20 * 1000 * 1000};

		nanosleep(&ts, NULL);
	}
}

static void new_request_id(struct sbx *s, char *out, size_t n)
{
	char id[40];

	sbx_rng_id(&s->rng, "req_", id, sizeof(id));
	/* Stripe's request ids are req_ plus 14 characters. */
	snprintf(out, n, "%.18s", id);
}

static enum MHD_Result handle_v1(struct sbx *s, struct MHD_Connection *con, struct conn *c,
                                 const char *method, const char *path, const char *query,
                                 struct sbx_params *qp, struct sbx_params *form)
{
	struct sbx_result r;
	char request_id[32];
	char orig_req[40] = "";
	const char *auth = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Authorization");
	const char *idem = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Idempotency-Key");
	const char *key = NULL;
	const struct sbx_restricted *rk = NULL;
	struct sbx_log_entry *e;
	int64_t seq = 0;
	enum sbx_fault_kind fault;
	int retry_after = 0, seconds = 0;
	enum idem_outcome io = IDEM_NONE;
	int post = strcmp(method, "POST") == 0;
	size_t cut = 0;
	struct sbx_request rq;
	enum MHD_Result ret;
	int res;
	char *request_text = NULL;

	memset(&r, 0, sizeof(r));
	sbx_buf_init(&r.body);
	r.should_retry = -1;
	pthread_mutex_lock(&s->lock);
	new_request_id(s, request_id, sizeof(request_id));
	if (auth && strncmp(auth, "Bearer ", 7) == 0)
		key = auth + 7;
	{
		/* Multipart bodies (file uploads) are logged as a summary, not as bytes. */
		const char *ct = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Type");
		char summary[96];
		const char *logged = c->body.data;

		if (ct && strncmp(ct, "multipart/form-data", 19) == 0) {
			snprintf(summary, sizeof(summary), "(multipart/form-data, %zu bytes)",
			         c->body.len);
			logged = summary;
		}
		e = log_add(s, method, path, query, logged, idem, key);
	}
	if (e)
		seq = e->seq;
	fault = take_fault(s, method, path, &retry_after, &seconds);
	if (fault == SBX_FAULT_500 || fault == SBX_FAULT_502 || fault == SBX_FAULT_503) {
		int st = fault == SBX_FAULT_500 ? 500 : fault == SBX_FAULT_502 ? 502 : 503;

		sbx_result_error(&r, st, "api_error", NULL, NULL,
		                 "An error occurred with our connection to Stripe. (injected %d)",
		                 st);
		r.should_retry = 1;
		log_status(s, seq, st);
		pthread_mutex_unlock(&s->lock);
		return send_result(con, &r, request_id, 0, 0, NULL);
	}
	if (fault == SBX_FAULT_429) {
		sbx_result_error(&r, 429, "invalid_request_error", "rate_limit", NULL,
		                 "Too many requests hit the API too quickly. We recommend an "
		                 "exponential backoff of your requests.");
		r.should_retry = 1;
		log_status(s, seq, 429);
		pthread_mutex_unlock(&s->lock);
		return send_result(con, &r, request_id, retry_after > 0 ? retry_after : 1, 0, NULL);
	}
	if (fault == SBX_FAULT_RESET) {
		struct MHD_Response *resp;

		log_status(s, seq, 200);
		pthread_mutex_unlock(&s->lock);
		resp = MHD_create_response_from_callback(65536, 1024, reset_reader, NULL, NULL);
		if (resp == NULL)
			return MHD_NO;
		MHD_add_response_header(resp, "Content-Type", "application/json");
		MHD_add_response_header(resp, "Request-Id", request_id);
		ret = MHD_queue_response(con, 200, resp);
		MHD_destroy_response(resp);
		return ret;
	}
	rq.method = method;
	rq.path = path;
	rq.query = qp;
	rq.form = form;
	rq.content_type = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Type");
	rq.body = c->body.data;
	rq.body_len = c->body.len;
	rq.info.request_id = request_id;
	rq.info.idempotency_key = post ? idem : NULL;
	if (authenticate(s, auth, &key, &rk, &r) != 0)
		goto reply;
	if (!rate_ok(s)) {
		sbx_result_error(&r, 429, "invalid_request_error", "rate_limit", NULL,
		                 "Too many requests hit the API too quickly. We recommend an "
		                 "exponential backoff of your requests.");
		r.should_retry = 1;
		retry_after = 1;
		goto reply;
	}
	res = sbx_api_resource(method, path);
	if (res >= 0 && !permitted(rk, res, post, key, s, &r))
		goto reply;
	if (post && idem && res >= 0) {
		struct sbx_buf req;
		char *canon = NULL;

		/* A retried upload has a new multipart boundary: compare the parts instead. */
		if (rq.content_type && strncmp(rq.content_type, "multipart/form-data", 19) == 0)
			canon = sbx_multipart_canonical(rq.content_type, c->body.data, c->body.len);
		sbx_buf_init(&req);
		sbx_buf_printf(&req, "%s %s\n%s", method, path,
		               canon ? canon : (c->body.data ? c->body.data : ""));
		free(canon);
		request_text = sbx_buf_take(&req, NULL);
		io = request_text ? idem_begin(s, idem, request_text, request_id, &r, orig_req,
		                               sizeof(orig_req))
		                  : IDEM_NONE;
		if (io == IDEM_REFUSED || io == IDEM_REPLAY)
			goto reply;
	}
	if (fault == SBX_FAULT_STALL && seconds > 0) {
		pthread_mutex_unlock(&s->lock);
		sleep_interruptible(s, seconds);
		pthread_mutex_lock(&s->lock);
	}
	sbx_api_handle(s, &rq, &r);
	if (io == IDEM_NEW)
		idem_finish(s, idem, &r);
	if (fault == SBX_FAULT_TRUNCATE && r.body.len > 1)
		cut = r.body.len / 2;
reply:
	free(request_text);
	if (r.status == 0)
		sbx_result_error(&r, 500, "api_error", NULL, NULL, "The sandbox failed.");
	log_status(s, seq, fault == SBX_FAULT_COMMIT_THEN_RESET ? 0 : r.status);
	pthread_mutex_unlock(&s->lock);
	if (fault == SBX_FAULT_COMMIT_THEN_RESET) {
		sbx_buf_free(&r.body);
		return MHD_NO; /* the change is committed; the client never hears of it */
	}
	return send_result(con, &r, request_id, retry_after, cut,
	                   io == IDEM_REPLAY ? orig_req : NULL);
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *con, const char *url,
                                      const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **con_cls)
{
	struct sbx *s = cls;
	struct conn *c = *con_cls;
	const char *q;
	struct sbx_params qp = {0}, form = {0};
	enum MHD_Result ret;
	const char *ctype;
	int multipart;

	(void)version;
	if (c == NULL)
		return MHD_NO;
	if (!c->started) {
		c->started = 1;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (c->body.len + *upload_data_size > MAX_BODY)
			c->too_large = 1;
		else
			sbx_buf_put(&c->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	q = strchr(c->uri, '?');
	if (q && sbx_params_parse(&qp, q + 1, strlen(q + 1)) != 0)
		return MHD_NO;
	ctype = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Type");
	multipart = ctype && strncmp(ctype, "multipart/form-data", 19) == 0;
	if (c->body.data && !multipart && sbx_params_parse(&form, c->body.data, c->body.len) != 0) {
		sbx_params_free(&qp);
		return MHD_NO;
	}
	if (c->too_large || c->body.failed) {
		struct sbx_result r;

		memset(&r, 0, sizeof(r));
		r.should_retry = 0;
		sbx_result_error(&r, 413, "invalid_request_error", NULL, NULL,
		                 "The request body is too large.");
		ret = send_result(con, &r, "req_toolarge", 0, 0, NULL);
	} else if (strncmp(url, "/_admin/", 8) == 0) {
		struct sbx_result r;
		struct sbx_request rq;
		char request_id[32];

		memset(&r, 0, sizeof(r));
		memset(&rq, 0, sizeof(rq));
		r.should_retry = -1;
		rq.method = method;
		rq.path = url;
		rq.query = &qp;
		rq.form = &form;
		pthread_mutex_lock(&s->lock);
		new_request_id(s, request_id, sizeof(request_id));
		sbx_admin_handle(s, &rq, &r);
		pthread_mutex_unlock(&s->lock);
		ret = send_result(con, &r, request_id, 0, 0, NULL);
	} else {
		ret = handle_v1(s, con, c, method, url, q ? q + 1 : NULL, &qp, &form);
	}
	sbx_params_free(&qp);
	sbx_params_free(&form);
	return ret;
}

static struct MHD_Daemon *daemon_handle;
static char *tls_pem[2]; /* certificate and key of an HTTPS daemon */

/* A whole small file as a string, or NULL. */
static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(65536);
	size_t n = buf ? fread(buf, 1, 65535, f) : 0;
	int bad = ferror(f) || n == 0;
	fclose(f);
	if (bad) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

int sbx_server_run(struct sbx *s)
{
	struct sockaddr_in addr;
	const union MHD_DaemonInfo *info;

	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)s->opt.port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	unsigned int flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
	                     (s->opt.quiet ? 0 : MHD_USE_ERROR_LOG);
	char *cert = NULL, *key = NULL;
	if (s->opt.tls_cert) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			fprintf(stderr, "paydesk-sandbox: this libmicrohttpd cannot serve HTTPS\n");
			return -1;
		}
		cert = read_file(s->opt.tls_cert);
		key = read_file(s->opt.tls_key);
		if (!cert || !key) {
			fprintf(stderr, "paydesk-sandbox: cannot read %s\n",
			        cert ? s->opt.tls_key : s->opt.tls_cert);
			free(cert);
			free(key);
			return -1;
		}
		flags |= MHD_USE_TLS;
	}
	/* Injected resets make libmicrohttpd complain; --quiet keeps stderr clean. The TLS
	 * options come last: without a certificate they end the list. */
	daemon_handle = MHD_start_daemon(
	        flags, (uint16_t)s->opt.port, NULL, NULL, access_handler, s, MHD_OPTION_SOCK_ADDR,
	        (struct sockaddr *)&addr, MHD_OPTION_URI_LOG_CALLBACK, uri_logger, s,
	        MHD_OPTION_NOTIFY_COMPLETED, completed, s, MHD_OPTION_CONNECTION_TIMEOUT,
	        (unsigned int)120, cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert,
	        MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_END);
	/* libmicrohttpd keeps pointing at them: freed when the daemon stops. */
	tls_pem[0] = cert;
	tls_pem[1] = key;
	if (daemon_handle == NULL) {
		fprintf(stderr,
		        "paydesk-sandbox: cannot listen on 127.0.0.1:%d (is the port in "
		        "use?%s)\n",
		        s->opt.port, cert ? " do the certificate and key match?" : "");
		return -1;
	}
	info = MHD_get_daemon_info(daemon_handle, MHD_DAEMON_INFO_BIND_PORT);
	if (info == NULL || info->port == 0) {
		fprintf(stderr, "paydesk-sandbox: cannot tell which port was bound\n");
		MHD_stop_daemon(daemon_handle);
		return -1;
	}
	printf("%u\n", (unsigned)info->port);
	fflush(stdout);
	return 0;
}

void sbx_server_stop(void)
{
	if (daemon_handle) {
		MHD_stop_daemon(daemon_handle);
		daemon_handle = NULL;
	}
	free(tls_pem[0]);
	free(tls_pem[1]);
	tls_pem[0] = tls_pem[1] = NULL;
}
