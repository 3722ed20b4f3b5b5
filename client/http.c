/* The HTTP layer: libcurl easy handle reused across calls (keep-alive), the platform's
 * authentication and reply checks (its struct http_wire), JSON replies or streamed files,
 * retries with exponential backoff and full jitter. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "client/client.h"
#include "client/http.h"

#define HTTP_MAX_BODY (64u * 1024u * 1024u)

/* Reply headers a wire may keep, and how long each may be. */
#define HTTP_KEEP_MAX   8
#define HTTP_KEEP_VALUE 768

struct http_client {
	CURL *curl;
	struct curl_slist *headers; /* the platform's fixed ones, Accept, Expect */
	char base[256];
	char ca_file[512];
	long timeout_s;
	struct http_retry retry;
	const volatile int *cancel;
	unsigned seed;
	const struct http_wire *wire; /* NULL: none */
	time_t last_date;             /* the Date of the last reply that had one, 0 = none */
};

/* What one transfer brought back. */
struct http_reply {
	char *body;
	size_t len, cap;
	bool too_large;
	char request_id[64];
	long retry_after; /* seconds, 0 = none */
	int should_retry; /* Stripe-Should-Retry: -1 absent, 0 false, 1 true */
	time_t date;      /* the Date header, 0 = none */
	/* the wire's headers, by index of its keep list; "" when absent */
	const struct http_wire *wire;
	char kept[HTTP_KEEP_MAX][HTTP_KEEP_VALUE];
	bool has[HTTP_KEEP_MAX];
	/* a streamed reply: its 2xx body goes to the sink */
	CURL *h;
	const struct http_request *rq;
	size_t sunk;       /* bytes the sink took */
	bool sink_stopped; /* the sink took fewer than it was given */
};

static pthread_once_t http_once = PTHREAD_ONCE_INIT;
static CURLcode http_global_rc;

static void http_global_init(void)
{
	http_global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static const struct http_retry http_default_retry = {
        .max_attempts = 5,
        .base_ms = 250,
        .cap_ms = 8000,
        .budget_ms = 60000,
};

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wipes and frees a header list (one of them carries the key). */
static void free_headers(struct curl_slist **list)
{
	for (struct curl_slist *h = *list; h; h = h->next)
		if (h->data)
			memset(h->data, 0, strlen(h->data));
	curl_slist_free_all(*list);
	*list = NULL;
}

static size_t on_body(char *data, size_t size, size_t n, void *userdata)
{
	struct http_reply *r = userdata;
	size_t len = size * n;
	if (r->rq && r->rq->sink) {
		long status = 0;
		curl_easy_getinfo(r->h, CURLINFO_RESPONSE_CODE, &status);
		if (status >= 200 && status < 300) {
			size_t took = r->rq->sink(r->rq->sink_user, data, len);
			r->sunk += took;
			if (took != len)
				r->sink_stopped = true;
			return took;
		}
	}
	if (r->len + len + 1 > HTTP_MAX_BODY) {
		r->too_large = true;
		return 0;
	}
	if (r->len + len + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 16384;
		while (cap < r->len + len + 1)
			cap *= 2;
		char *b = realloc(r->body, cap);
		if (!b)
			return 0;
		r->body = b;
		r->cap = cap;
	}
	memcpy(r->body + r->len, data, len);
	r->len += len;
	r->body[r->len] = '\0';
	return len;
}

/* Copies a header's value (after "Name:") without surrounding blanks. */
static void header_value(const char *line, size_t len, size_t name_len, char *out, size_t size)
{
	size_t i = name_len;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	size_t j = len;
	while (j > i && (line[j - 1] == '\r' || line[j - 1] == '\n' || line[j - 1] == ' '))
		j--;
	size_t n = j - i < size - 1 ? j - i : size - 1;
	memcpy(out, line + i, n);
	out[n] = '\0';
}

static size_t on_header(char *line, size_t size, size_t n, void *userdata)
{
	struct http_reply *r = userdata;
	size_t len = size * n;
	char value[64];
	if (len > 11 && strncasecmp(line, "Request-Id:", 11) == 0) {
		header_value(line, len, 11, r->request_id, sizeof r->request_id);
	} else if (len > 12 && strncasecmp(line, "Retry-After:", 12) == 0) {
		header_value(line, len, 12, value, sizeof value);
		char *end;
		long v = strtol(value, &end, 10);
		r->retry_after = end != value && v > 0 ? v : 0;
	} else if (len > 20 && strncasecmp(line, "Stripe-Should-Retry:", 20) == 0) {
		header_value(line, len, 20, value, sizeof value);
		r->should_retry = strcasecmp(value, "true") == 0 ? 1 : 0;
	} else if (len > 5 && strncasecmp(line, "Date:", 5) == 0) {
		header_value(line, len, 5, value, sizeof value);
		time_t t = curl_getdate(value, NULL);
		r->date = t > 0 ? t : 0;
	}
	for (size_t i = 0; r->wire && i < r->wire->n_keep && i < HTTP_KEEP_MAX; i++) {
		size_t nl = strlen(r->wire->keep[i]);
		if (len > nl && line[nl] == ':' && strncasecmp(line, r->wire->keep[i], nl) == 0) {
			header_value(line, len, nl + 1, r->kept[i], sizeof r->kept[i]);
			r->has[i] = true;
		}
	}
	return len;
}

/* struct http_reply_view's header(): a kept header's value, NULL when absent. */
static const char *view_header(const struct http_reply_view *v, const char *name)
{
	const struct http_reply *r = v->priv;
	for (size_t i = 0; r->wire && i < r->wire->n_keep && i < HTTP_KEEP_MAX; i++)
		if (r->has[i] && strcasecmp(r->wire->keep[i], name) == 0)
			return r->kept[i];
	return NULL;
}

static int on_progress(void *userdata, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	(void)dt, (void)dn, (void)ut, (void)un;
	const struct http_client *c = userdata;
	return c->cancel && *c->cancel ? 1 : 0;
}

/* Sets the options every transfer of this client shares. */
static int configure_handle(struct http_client *c, CURL *h)
{
	CURLcode rc = CURLE_OK;
	long connect_s = c->timeout_s < 10 ? c->timeout_s : 10;
	/* TLS verification is never turned off; a private CA is added, not a bypass. */
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (rc == CURLE_OK && c->ca_file[0])
		rc = curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, connect_s);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_TIMEOUT, c->timeout_s * 2);
	/* A stalled transfer (no byte for timeout_s) is abandoned well before the total limit. */
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, c->timeout_s);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_HTTPHEADER, c->headers);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
	return rc == CURLE_OK ? 0 : -1;
}

struct http_client *http_open(const struct http_options *o, char *err, size_t err_size)
{
	pthread_once(&http_once, http_global_init);
	if (http_global_rc != CURLE_OK) {
		snprintf(err, err_size, _("the HTTP library could not start: %s"),
		         curl_easy_strerror(http_global_rc));
		return NULL;
	}
	if (profile_check_api_base(o->base, err, err_size) != 0)
		return NULL;
	struct http_client *c = calloc(1, sizeof *c);
	if (!c) {
		snprintf(err, err_size, _("out of memory"));
		return NULL;
	}
	snprintf(c->base, sizeof c->base, "%s", o->base);
	snprintf(c->ca_file, sizeof c->ca_file, "%s", o->ca_file ? o->ca_file : "");
	c->timeout_s = o->timeout > 0 ? o->timeout : 30;
	c->retry = http_default_retry;
	c->seed = (unsigned)time(NULL) ^ (unsigned)getpid() ^ (unsigned)(uintptr_t)c;
	c->wire = o->wire;

	bool ok = true;
	for (size_t i = 0; ok && i < o->n_headers; i++) {
		struct curl_slist *h = curl_slist_append(c->headers, o->headers[i]);
		ok = h != NULL;
		if (h)
			c->headers = h;
	}
	static const char *const common[] = {"Accept: application/json", "Expect:"};
	for (size_t i = 0; ok && i < sizeof common / sizeof *common; i++) {
		struct curl_slist *h = curl_slist_append(c->headers, common[i]);
		ok = h != NULL;
		if (h)
			c->headers = h;
	}
	c->curl = ok ? curl_easy_init() : NULL;
	if (!c->curl || configure_handle(c, c->curl) != 0) {
		snprintf(err, err_size, _("the HTTP library could not start"));
		http_close(&c);
		return NULL;
	}
	return c;
}

void http_close(struct http_client **pc)
{
	struct http_client *c = *pc;
	if (!c)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	free_headers(&c->headers);
	free(c);
	*pc = NULL;
}

void http_set_cancel(struct http_client *c, const volatile int *cancel)
{
	c->cancel = cancel;
}

void http_set_retry(struct http_client *c, const struct http_retry *retry)
{
	c->retry = *retry;
}

long http_backoff_ms(const struct http_retry *retry, int attempt, long retry_after_s,
                     unsigned *seed)
{
	long ceiling = retry->base_ms;
	for (int i = 1; i < attempt && ceiling < retry->cap_ms; i++)
		ceiling *= 2;
	if (ceiling > retry->cap_ms)
		ceiling = retry->cap_ms;
	/* Jitter: anywhere in [ceiling/2, ceiling], so parallel clients spread out. */
	long wait = ceiling / 2 + (long)(rand_r(seed) % (unsigned)(ceiling / 2 + 1));
	if (retry_after_s > 0) {
		long ra = retry_after_s * 1000;
		if (ra > 30000)
			ra = 30000;
		if (ra > wait)
			wait = ra;
	}
	return wait;
}

int http_should_retry(const struct provider_result *r, int should_retry_header)
{
	if (should_retry_header == 0)
		return 0;
	switch (r->outcome) {
	case PROVIDER_OFFLINE:
	case PROVIDER_TIMEOUT:
	case PROVIDER_RATE_LIMITED:
	case PROVIDER_SERVER_ERROR:
	case PROVIDER_BAD_REPLY:
		return 1;
	case PROVIDER_IDEMPOTENCY:
		/* 409: a request with this key is still in flight; it will settle. */
		return r->http_status == 409 || should_retry_header == 1;
	default:
		return 0;
	}
}

/* Copies a JSON string member into a fixed buffer, "" when absent. */
static void copy_member(const struct jval *obj, const char *name, char *out, size_t size)
{
	const char *s = jval_str(jval_get(obj, name));
	snprintf(out, size, "%s", s ? s : "");
}

enum provider_outcome http_status_outcome(long status)
{
	if (status == 429)
		return PROVIDER_RATE_LIMITED;
	if (status >= 500)
		return PROVIDER_SERVER_ERROR;
	if (status == 401)
		return PROVIDER_AUTH;
	if (status == 403)
		return PROVIDER_FORBIDDEN;
	if (status == 409)
		return PROVIDER_IDEMPOTENCY;
	if (status >= 400)
		return PROVIDER_INVALID;
	return PROVIDER_BAD_REPLY;
}

/* Stripe's errors: {"error":{"type","code","message","param"}}. */
static void stripe_classify(long status, const struct jval *root, struct provider_result *r)
{
	if (status >= 200 && status < 300)
		return;
	const struct jval *e = jval_get(root, "error");
	copy_member(e, "type", r->error_type, sizeof r->error_type);
	copy_member(e, "code", r->error_code, sizeof r->error_code);
	copy_member(e, "param", r->error_param, sizeof r->error_param);
	copy_member(e, "message", r->message, sizeof r->message);
	r->outcome = http_status_outcome(status);
	if (r->outcome == PROVIDER_INVALID && strcmp(r->error_type, "idempotency_error") == 0)
		r->outcome = PROVIDER_IDEMPOTENCY;
}

/* Turns a finished transfer into an outcome; *reply gets the JSON object on success. The
 * body is handed to the parser (hr->body NULL afterwards). */
/* Whether body is one whole JSON text (read from a copy, which the reader takes over). */
static bool json_complete(const char *body, size_t len, char *err, size_t err_size)
{
	char *copy = malloc(len + 1);
	if (!copy) {
		snprintf(err, err_size, "%s", _("out of memory"));
		return false;
	}
	memcpy(copy, body, len);
	struct jdoc *doc = jdoc_parse(copy, len, err, err_size);
	bool ok = doc != NULL;
	jdoc_free(&doc);
	return ok;
}

static void classify(const struct http_client *c, const struct http_request *rq, long status,
                     CURLcode code, struct http_reply *hr, struct provider_result *r,
                     struct jdoc **reply)
{
	r->http_status = (int)status;
	snprintf(r->request_id, sizeof r->request_id, "%s", hr->request_id);
	if (code == CURLE_WRITE_ERROR && hr->sink_stopped) {
		r->outcome = PROVIDER_CANCELLED;
		snprintf(r->message, sizeof r->message, "%s",
		         provider_outcome_message(PROVIDER_CANCELLED));
		return;
	}
	if (code != CURLE_OK) {
		r->http_status = 0;
		switch (code) {
		case CURLE_COULDNT_CONNECT:
		case CURLE_COULDNT_RESOLVE_HOST:
		case CURLE_COULDNT_RESOLVE_PROXY:
			r->outcome = PROVIDER_OFFLINE;
			break;
		case CURLE_ABORTED_BY_CALLBACK:
			r->outcome = PROVIDER_CANCELLED;
			break;
		case CURLE_PEER_FAILED_VERIFICATION:
		case CURLE_SSL_CONNECT_ERROR:
		case CURLE_SSL_CACERT_BADFILE:
			/* A certificate problem will not heal by retrying: report it as is. */
			r->outcome = PROVIDER_OFFLINE;
			snprintf(r->error_type, sizeof r->error_type, "%s", HTTP_ERROR_TLS);
			break;
		default:
			r->outcome = hr->too_large ? PROVIDER_BAD_REPLY : PROVIDER_TIMEOUT;
			break;
		}
		snprintf(r->message, sizeof r->message, "%s", curl_easy_strerror(code));
		return;
	}
	bool ok_status = status >= 200 && status < 300;
	const struct http_wire *w = c->wire;
	/* A signed platform's success is checked before a byte of it is read. Its errors
	 * are only ever shown, never stored, and some (an injected 5xx, a proxy's 502) are
	 * not signed at all. */
	if (ok_status && w && w->verify && !rq->unsigned_reply) {
		struct http_reply_view v = {.status = status,
		                            .body = hr->body ? hr->body : "",
		                            .len = hr->len,
		                            .header = view_header,
		                            .priv = hr};
		if (w->verify(w->ctx, rq, &v, r) != 0) {
			r->http_status = (int)status;
			snprintf(r->request_id, sizeof r->request_id, "%s", hr->request_id);
			r->outcome = PROVIDER_FORGED;
			/* A JSON answer cut on the way fails its signature too; it is a broken
			 * answer, read again, rather than a forged one. */
			char jerr[96];
			if (!rq->sink && hr->len &&
			    !json_complete(hr->body, hr->len, jerr, sizeof jerr)) {
				r->outcome = PROVIDER_BAD_REPLY;
				snprintf(r->message, sizeof r->message,
				         _("the platform's answer is not valid JSON: %s (of %d "
				           "bytes)"),
				         jerr, (int)hr->len);
			}
			return;
		}
	}
	if (ok_status && rq->sink) {
		r->outcome = PROVIDER_OK;
		return;
	}
	char jerr[96] = "";
	struct jdoc *doc = NULL;
	if (hr->len) {
		doc = jdoc_parse(hr->body, hr->len, jerr, sizeof jerr);
		hr->body = NULL;
	}
	if (ok_status && !hr->len && status == 204) {
		r->outcome = PROVIDER_OK;
		return;
	}
	if (ok_status && !jval_is(jdoc_root(doc), J_OBJECT)) {
		/* Say what the reader found, and where: a cut reply ("unterminated string
		 * at byte 4096") reads differently from a broken one. */
		r->outcome = PROVIDER_BAD_REPLY;
		if (!hr->len)
			snprintf(r->message, sizeof r->message, "%s",
			         _("the platform's answer is empty"));
		else if (doc)
			snprintf(r->message, sizeof r->message,
			         _("the platform's answer is JSON but not an object (%d "
			           "bytes)"),
			         (int)hr->len);
		else
			snprintf(r->message, sizeof r->message,
			         _("the platform's answer is not valid JSON: %s (of %d "
			           "bytes)"),
			         jerr, (int)hr->len);
		jdoc_free(&doc);
		return;
	}
	if (status >= 400 && status < 500 && hr->len && !jval_is(jdoc_root(doc), J_OBJECT)) {
		/* A refusal whose words cannot be read (cut on the way) is not known to be one:
		 * what the platform meant (an empty bill day, a bad field) is in those words. */
		r->outcome = PROVIDER_BAD_REPLY;
		snprintf(r->message, sizeof r->message,
		         _("the platform's error answer (HTTP status %ld) could not be read: %s"),
		         status, doc ? _("not an object") : jerr);
		jdoc_free(&doc);
		return;
	}
	r->outcome = ok_status ? PROVIDER_OK : PROVIDER_BAD_REPLY;
	if (w && w->classify)
		w->classify(w->ctx, rq, status, jdoc_root(doc), r);
	else
		stripe_classify(status, jdoc_root(doc), r);
	if (r->outcome == PROVIDER_OK) {
		*reply = doc;
		return;
	}
	jdoc_free(&doc);
	if (!r->message[0])
		snprintf(r->message, sizeof r->message, _("HTTP status %ld"), status);
}

/* Points a handle at url with hr (cleared) receiving the reply. */
static CURLcode start_transfer(const struct http_client *c, CURL *h, const char *url,
                               const struct http_request *rq, struct http_reply *hr)
{
	memset(hr, 0, sizeof *hr);
	hr->should_retry = -1;
	hr->wire = c->wire;
	hr->h = h;
	hr->rq = rq;
	CURLcode rc = curl_easy_setopt(h, CURLOPT_URL, url);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_WRITEDATA, hr);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_HEADERDATA, hr);
	return rc;
}

/* The headers of one try: the client's own, then the request's (idempotency key, content
 * type), then the wire's authentication (fresh for every try: a signature carries its
 * time and nonce). 0, or -1 with r filled. */
static int try_headers(const struct http_client *c, const struct http_request *rq,
                       struct curl_slist **out, struct provider_result *r)
{
	struct curl_slist *list = NULL;
	char line[300];
	bool ok = true;
	for (struct curl_slist *h = c->headers; ok && h; h = h->next) {
		struct curl_slist *t = curl_slist_append(list, h->data);
		ok = t != NULL;
		if (t)
			list = t;
	}
	if (ok && rq->idempotency_key && *rq->idempotency_key) {
		snprintf(line, sizeof line, "Idempotency-Key: %s", rq->idempotency_key);
		struct curl_slist *t = curl_slist_append(list, line);
		ok = t != NULL;
		if (t)
			list = t;
	}
	if (ok && rq->content_type && !rq->mime) {
		snprintf(line, sizeof line, "Content-Type: %s", rq->content_type);
		struct curl_slist *t = curl_slist_append(list, line);
		ok = t != NULL;
		if (t)
			list = t;
	}
	if (!ok) {
		free_headers(&list);
		memset(r, 0, sizeof *r);
		r->outcome = PROVIDER_BAD_REPLY;
		snprintf(r->message, sizeof r->message, "%s", _("out of memory"));
		return -1;
	}
	if (c->wire && c->wire->authorize) {
		const char *body = rq->signed_body ? rq->signed_body : rq->body ? rq->body : "";
		char err[400] = "";
		if (c->wire->authorize(c->wire->ctx, rq, rq->path_query, body, &list, err,
		                       sizeof err) != 0) {
			free_headers(&list);
			memset(r, 0, sizeof *r);
			r->outcome = PROVIDER_AUTH;
			snprintf(r->message, sizeof r->message, "%s", err);
			return -1;
		}
	}
	*out = list;
	return 0;
}

/* One transfer on the client's handle. The mime or body selects the method's payload. */
static void perform_once(struct http_client *c, const struct http_request *rq, const char *url,
                         struct http_reply *hr, struct provider_result *r, struct jdoc **reply)
{
	CURL *h = c->curl;
	memset(r, 0, sizeof *r);
	*reply = NULL;
	struct curl_slist *headers = NULL;
	if (try_headers(c, rq, &headers, r) != 0) {
		memset(hr, 0, sizeof *hr);
		return;
	}
	CURLcode rc = start_transfer(c, h, url, rq, hr);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	/* A file streamed to a sink (a bill, a report of a big account) may take longer than any
	 * reply: no total limit, but a transfer stalled for timeout_s is still abandoned. */
	if (rc == CURLE_OK && rq->sink)
		rc = curl_easy_setopt(h, CURLOPT_TIMEOUT, 0L);
	if (rc == CURLE_OK) {
		if (rq->mime) {
			rc = curl_easy_setopt(h, CURLOPT_MIMEPOST, rq->mime);
		} else if (strcmp(rq->method, "POST") == 0) {
			rc = curl_easy_setopt(h, CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
		} else {
			rc = curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
			if (rc == CURLE_OK && strcmp(rq->method, "GET") != 0)
				rc = curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, rq->method);
		}
	}
	if (rc == CURLE_OK)
		rc = curl_easy_perform(h);
	long status = 0;
	if (rc == CURLE_OK || rc == CURLE_WRITE_ERROR)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	/* Leave the handle neutral for the next call: no stale pointer to this call's body
	 * (freed by the caller) may survive into the next transfer. */
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);
	curl_easy_setopt(h, CURLOPT_MIMEPOST, NULL);
	curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, c->headers);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, c->timeout_s * 2);
	free_headers(&headers);
	if (hr->date > 0)
		c->last_date = hr->date;
	classify(c, rq, status, rc, hr, r, reply);
	free(hr->body);
	hr->body = NULL;
}

/* How long to wait before another try after failed try number `attempt` of a call begun
 * at start_ms, or -1 when the call is to give up. */
static long retry_wait(struct http_client *c, const struct http_request *rq,
                       const struct provider_result *r, const struct http_reply *hr, int attempt,
                       long start_ms)
{
	if (attempt >= c->retry.max_attempts || !http_should_retry(r, hr->should_retry))
		return -1;
	/* Only what surely did not reach the platform, or was turned away, is sent again. */
	if (rq->once && r->outcome != PROVIDER_OFFLINE && r->outcome != PROVIDER_RATE_LIMITED)
		return -1;
	/* What a sink took is gone: the caller must start that file again. */
	if (hr->sunk > 0)
		return -1;
	long wait = http_backoff_ms(&c->retry, attempt, hr->retry_after, &c->seed);
	return now_ms() - start_ms + wait > c->retry.budget_ms ? -1 : wait;
}

int http_request(struct http_client *c, const struct http_request *rq, struct jdoc **reply,
                 struct provider_result *r)
{
	*reply = NULL;
	char url[4096];
	if (rq->absolute) {
		char err[300];
		if (profile_check_api_base(rq->path_query, err, sizeof err) != 0) {
			memset(r, 0, sizeof *r);
			r->outcome = PROVIDER_BAD_REPLY;
			snprintf(r->message, sizeof r->message, "%s", err);
			return -1;
		}
	}
	int n = rq->absolute ? snprintf(url, sizeof url, "%s", rq->path_query)
	                     : snprintf(url, sizeof url, "%s%s", c->base, rq->path_query);
	if (n < 0 || (size_t)n >= sizeof url) {
		memset(r, 0, sizeof *r);
		r->outcome = PROVIDER_INVALID;
		snprintf(r->message, sizeof r->message, _("request too long"));
		return -1;
	}
	long start = now_ms();
	struct http_reply hr;
	for (int attempt = 1;; attempt++) {
		perform_once(c, rq, url, &hr, r, reply);
		if (r->outcome == PROVIDER_OK)
			break;
		if (c->cancel && *c->cancel) {
			r->outcome = PROVIDER_CANCELLED;
			break;
		}
		long wait = retry_wait(c, rq, r, &hr, attempt, start);
		if (wait < 0)
			break;
		/* Sleep in slices so that a cancel is noticed quickly. */
		for (long slept = 0; slept < wait; slept += 50) {
			if (c->cancel && *c->cancel)
				break;
			sleep_ms(wait - slept < 50 ? wait - slept : 50);
		}
	}
	return r->outcome == PROVIDER_OK ? 0 : -1;
}

int http_call(struct http_client *c, const char *method, const char *path_query,
              const char *form_body, const char *idempotency_key, struct jdoc **reply,
              struct provider_result *result)
{
	struct http_request rq = {.method = method,
	                          .path_query = path_query,
	                          .body = form_body,
	                          .idempotency_key = idempotency_key};
	return http_request(c, &rq, reply, result);
}

curl_mime *http_mime_new(struct http_client *c)
{
	return curl_mime_init(c->curl);
}

int http_upload(struct http_client *c, const char *path_query, const char *file_field,
                const char *file_path, const char *const *fields, size_t n_fields,
                const char *idempotency_key, struct jdoc **reply, struct provider_result *result)
{
	curl_mime *mime = curl_mime_init(c->curl);
	int rc = -1;
	if (!mime)
		goto fail;
	for (size_t i = 0; i + 1 < n_fields * 2; i += 2) {
		curl_mimepart *part = curl_mime_addpart(mime);
		if (!part || curl_mime_name(part, fields[i]) != CURLE_OK ||
		    curl_mime_data(part, fields[i + 1], CURL_ZERO_TERMINATED) != CURLE_OK)
			goto fail;
	}
	curl_mimepart *part = curl_mime_addpart(mime);
	if (!part || curl_mime_name(part, file_field) != CURLE_OK ||
	    curl_mime_filedata(part, file_path) != CURLE_OK)
		goto fail;
	struct http_request rq = {.method = "POST",
	                          .path_query = path_query,
	                          .mime = mime,
	                          .idempotency_key = idempotency_key};
	rc = http_request(c, &rq, reply, result);
	curl_mime_free(mime);
	return rc;
fail:
	curl_mime_free(mime);
	memset(result, 0, sizeof *result);
	result->outcome = PROVIDER_BAD_REPLY;
	snprintf(result->message, sizeof result->message, _("cannot prepare the upload of %s"),
	         file_path);
	*reply = NULL;
	return -1;
}

/* One stream of http_get_streams. */
struct stream {
	CURL *h;
	struct http_reply hr;
	struct http_request rq;
	char path[3800];
	struct curl_slist *headers; /* of the transfer under way */
	char url[4096];
	int attempt;
	long start_ms, wake_ms;
	enum { STREAM_IDLE, STREAM_RUNNING, STREAM_WAITING, STREAM_FINISHED } state;
};

/* A transfer that libcurl could not start (no memory): stream functions return this. */
#define STREAM_NOT_STARTED (-2)

/* Starts (or starts again) the stream's transfer, with the headers of this try. */
static int stream_start(struct http_client *c, CURLM *m, struct stream *st)
{
	struct provider_result r;
	free_headers(&st->headers);
	if (try_headers(c, &st->rq, &st->headers, &r) != 0 ||
	    start_transfer(c, st->h, st->url, &st->rq, &st->hr) != CURLE_OK ||
	    curl_easy_setopt(st->h, CURLOPT_HTTPHEADER, st->headers) != CURLE_OK ||
	    curl_multi_add_handle(m, st->h) != CURLM_OK)
		return STREAM_NOT_STARTED;
	st->state = STREAM_RUNNING;
	return 0;
}

/* Asks for stream i's next request and starts it; the stream is finished when there is
 * none. Returns STREAM_NOT_STARTED when the transfer cannot be started. */
static int stream_next(struct http_client *c, CURLM *m, struct stream *st, size_t i,
                       const struct http_stream_ops *ops, void *user)
{
	if (ops->next(user, i, st->path, sizeof st->path) != 1) {
		st->state = STREAM_FINISHED;
		return 0;
	}
	snprintf(st->url, sizeof st->url, "%s%s", c->base, st->path);
	st->rq = (struct http_request){.method = "GET", .path_query = st->path};
	st->attempt = 1;
	st->start_ms = now_ms();
	return stream_start(c, m, st);
}

/* A finished transfer of stream i: hands the reply over, schedules a retry, or gives up.
 * Returns -1 (or STREAM_NOT_STARTED) to stop every stream. */
static int stream_done(struct http_client *c, CURLM *m, struct stream *st, size_t i, CURLcode code,
                       const struct http_stream_ops *ops, void *user)
{
	curl_multi_remove_handle(m, st->h);
	long status = 0;
	if (code == CURLE_OK)
		curl_easy_getinfo(st->h, CURLINFO_RESPONSE_CODE, &status);
	struct provider_result r;
	memset(&r, 0, sizeof r);
	struct jdoc *doc = NULL;
	classify(c, &st->rq, status, code, &st->hr, &r, &doc);
	free(st->hr.body);
	st->hr.body = NULL;
	if (r.outcome == PROVIDER_OK) {
		st->state = STREAM_IDLE;
		if (ops->done(user, i, doc, &r) != 0)
			return -1;
		return stream_next(c, m, st, i, ops, user);
	}
	if (c->cancel && *c->cancel)
		r.outcome = PROVIDER_CANCELLED;
	long wait = r.outcome == PROVIDER_CANCELLED
	                    ? -1
	                    : retry_wait(c, &st->rq, &r, &st->hr, st->attempt, st->start_ms);
	if (wait >= 0) {
		st->attempt++;
		st->wake_ms = now_ms() + wait;
		st->state = STREAM_WAITING;
		return 0;
	}
	st->state = STREAM_FINISHED;
	ops->done(user, i, NULL, &r);
	return -1;
}

int http_get_streams(struct http_client *c, size_t n, const struct http_stream_ops *ops, void *user,
                     struct provider_result *result)
{
	memset(result, 0, sizeof *result);
	CURLM *m = curl_multi_init();
	struct stream *sts = calloc(n ? n : 1, sizeof *sts);
	int rc = m && sts ? 0 : STREAM_NOT_STARTED;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		sts[i].h = curl_easy_init();
		if (!sts[i].h || configure_handle(c, sts[i].h) != 0 ||
		    curl_easy_setopt(sts[i].h, CURLOPT_PRIVATE, &sts[i]) != CURLE_OK)
			rc = STREAM_NOT_STARTED;
	}
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = stream_next(c, m, &sts[i], i, ops, user);
	while (rc == 0) {
		int running = 0;
		curl_multi_perform(m, &running);
		CURLMsg *msg;
		int queued;
		while (rc == 0 && (msg = curl_multi_info_read(m, &queued))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			struct stream *st = NULL;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&st);
			CURLcode code = msg->data.result;
			rc = stream_done(c, m, st, (size_t)(st - sts), code, ops, user);
		}
		/* Nothing more to hand over for now: the caller may use the wait. */
		if (rc == 0 && ops->idle && ops->idle(user) != 0)
			rc = -1;
		long now = now_ms(), timeout = 100;
		bool active = false;
		for (size_t i = 0; rc == 0 && i < n; i++) {
			struct stream *st = &sts[i];
			if (st->state == STREAM_WAITING && st->wake_ms <= now &&
			    stream_start(c, m, st) != 0)
				rc = STREAM_NOT_STARTED;
			if (st->state == STREAM_WAITING && st->wake_ms - now < timeout)
				timeout = st->wake_ms - now;
			active = active || st->state == STREAM_RUNNING ||
			         st->state == STREAM_WAITING;
		}
		if (rc != 0 || !active)
			break;
		if (c->cancel && *c->cancel) {
			result->outcome = PROVIDER_CANCELLED;
			snprintf(result->message, sizeof result->message, "%s",
			         provider_outcome_message(PROVIDER_CANCELLED));
			rc = -1;
			break;
		}
		curl_multi_poll(m, NULL, 0, (int)timeout, NULL);
	}
	for (size_t i = 0; sts && i < n; i++) {
		if (sts[i].h) {
			if (sts[i].state == STREAM_RUNNING)
				curl_multi_remove_handle(m, sts[i].h);
			curl_easy_cleanup(sts[i].h);
		}
		free(sts[i].hr.body);
		free_headers(&sts[i].headers);
	}
	free(sts);
	if (m)
		curl_multi_cleanup(m);
	if (rc == STREAM_NOT_STARTED) {
		result->outcome = PROVIDER_BAD_REPLY;
		snprintf(result->message, sizeof result->message,
		         _("the HTTP library could not start"));
	}
	return rc == 0 ? 0 : -1;
}

time_t http_last_date(const struct http_client *c)
{
	return c->last_date;
}

const char *http_base(const struct http_client *c)
{
	return c->base;
}
