/* Stripe's request pipeline: every /v1 request passes, in order, the request log, fault
 * injection, authentication, rate limit, routing, restricted-key permissions, idempotency,
 * and the API itself (api.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/stripe/stripe.h"

static const char *const perm_names[SBX_RES_COUNT] = {
        "charge",  "payment_intent", "refund",  "dispute", "payout",     "balance_transaction",
        "balance", "event",          "account", "file",    "report_run",
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
	sbx_mask_key(key, masked, sizeof(masked));
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
	sbx_mask_key(key, masked, sizeof(masked));
	sbx_result_error(r, 403, "invalid_request_error", "permission_error", NULL,
	                 "The provided key '%s' does not have the required permissions for this "
	                 "endpoint on account '%s'. Having the 'rak_%s_%s' permission would allow "
	                 "this request to continue.",
	                 masked, s->account_id, perm_names[res], write ? "write" : "read");
	return 0;
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

static enum MHD_Result send_result(struct MHD_Connection *con, struct sbx_result *r,
                                   const char *request_id, int retry_after, size_t cut,
                                   const char *orig_req)
{
	size_t len;
	char *data;
	char num[32];
	struct sbx_header h[6];
	size_t n = 0;

	if (r->body.data == NULL)
		sbx_buf_puts(&r->body, "{}");
	data = sbx_buf_take(&r->body, &len);
	if (data == NULL)
		return MHD_NO;
	h[n++] = (struct sbx_header){"Request-Id", request_id};
	h[n++] = (struct sbx_header){"Stripe-Version", "2024-06-20"};
	if (r->should_retry >= 0)
		h[n++] = (struct sbx_header){"Stripe-Should-Retry",
		                             r->should_retry ? "true" : "false"};
	if (retry_after > 0) {
		snprintf(num, sizeof(num), "%d", retry_after);
		h[n++] = (struct sbx_header){"Retry-After", num};
	}
	if (orig_req) {
		h[n++] = (struct sbx_header){"Idempotent-Replayed", "true"};
		if (orig_req[0])
			h[n++] = (struct sbx_header){"Original-Request", orig_req};
	}
	return sbx_send(con, r->status, r->content_type ? r->content_type : "application/json",
	                data, len, cut, h, n);
}

enum MHD_Result sbx_stripe_serve(struct sbx *s, struct MHD_Connection *con, struct sbx_conn *c,
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
	int64_t seq = 0;
	int fault;
	int retry_after = 0, seconds = 0;
	enum idem_outcome io = IDEM_NONE;
	int post = strcmp(method, "POST") == 0;
	size_t cut = 0;
	struct sbx_request rq;
	int res;
	char *request_text = NULL;

	memset(&r, 0, sizeof(r));
	sbx_buf_init(&r.body);
	r.should_retry = -1;
	pthread_mutex_lock(&s->lock);
	/* Stripe's request ids are req_ plus 14 characters. */
	sbx_new_request_id(s, "req_", request_id, 19);
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
		seq = sbx_log_request(s, method, path, query, logged, idem, key);
	}
	fault = sbx_take_fault(s, method, path, &retry_after, &seconds);
	if (fault == SBX_FAULT_500 || fault == SBX_FAULT_502 || fault == SBX_FAULT_503) {
		int st = fault == SBX_FAULT_500 ? 500 : fault == SBX_FAULT_502 ? 502 : 503;

		sbx_result_error(&r, st, "api_error", NULL, NULL,
		                 "An error occurred with our connection to Stripe. (injected %d)",
		                 st);
		r.should_retry = 1;
		sbx_log_status(s, seq, st);
		pthread_mutex_unlock(&s->lock);
		return send_result(con, &r, request_id, 0, 0, NULL);
	}
	if (fault == SBX_FAULT_429) {
		sbx_result_error(&r, 429, "invalid_request_error", "rate_limit", NULL,
		                 "Too many requests hit the API too quickly. We recommend an "
		                 "exponential backoff of your requests.");
		r.should_retry = 1;
		sbx_log_status(s, seq, 429);
		pthread_mutex_unlock(&s->lock);
		/* retry_after=0 asked for: no Retry-After (the default is 1). */
		return send_result(con, &r, request_id, retry_after, 0, NULL);
	}
	if (fault == SBX_FAULT_RESET) {
		struct sbx_header h[] = {{"Content-Type", "application/json"},
		                         {"Request-Id", request_id}};

		sbx_log_status(s, seq, 200);
		pthread_mutex_unlock(&s->lock);
		return sbx_send_reset(con, "{\"object\":\"list\",\"data\":[{\"id\":\"ch_", h, 2);
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
	sbx_local_base(s, con, rq.base, sizeof(rq.base));
	rq.fault = fault;
	if (authenticate(s, auth, &key, &rk, &r) != 0)
		goto reply;
	if (!sbx_rate_ok(s)) {
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
		sbx_sleep(s, seconds);
		pthread_mutex_lock(&s->lock);
	}
	if (!post && sbx_reader_begin(s) == 0) {
		/* A read: on this thread's own connection, beside the other requests. */
		pthread_mutex_unlock(&s->lock);
		sbx_api_handle(s, &rq, &r);
		sbx_reader_end();
		pthread_mutex_lock(&s->lock);
	} else {
		sbx_api_handle(s, &rq, &r);
	}
	if (io == IDEM_NEW)
		idem_finish(s, idem, &r);
	if (fault == SBX_FAULT_TRUNCATE && r.body.len > 1)
		cut = r.body.len / 2;
reply:
	free(request_text);
	if (r.status == 0)
		sbx_result_error(&r, 500, "api_error", NULL, NULL, "The sandbox failed.");
	sbx_log_status(s, seq, fault == SBX_FAULT_COMMIT_THEN_RESET ? 0 : r.status);
	pthread_mutex_unlock(&s->lock);
	if (fault == SBX_FAULT_COMMIT_THEN_RESET) {
		sbx_buf_free(&r.body);
		return MHD_NO; /* the change is committed; the client never hears of it */
	}
	return send_result(con, &r, request_id, retry_after, cut,
	                   io == IDEM_REPLAY ? orig_req : NULL);
}
