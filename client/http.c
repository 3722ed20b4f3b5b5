/* The HTTP layer: libcurl easy handle reused across calls (keep-alive), bearer key,
 * form bodies, JSON replies, retries with exponential backoff and full jitter. */
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

struct http_client {
	CURL *curl;
	struct curl_slist *headers; /* Authorization, Accept, User-Agent */
	char base[256];
	char ca_file[512];
	long timeout_s;
	struct http_retry retry;
	const volatile int *cancel;
	unsigned seed;
};

/* What one transfer brought back. */
struct http_reply {
	char *body;
	size_t len, cap;
	bool too_large;
	char request_id[64];
	long retry_after; /* seconds, 0 = none */
	int should_retry; /* Stripe-Should-Retry: -1 absent, 0 false, 1 true */
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
	}
	return len;
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

struct http_client *http_open(const struct profile *p, char *err, size_t err_size)
{
	pthread_once(&http_once, http_global_init);
	if (http_global_rc != CURLE_OK) {
		snprintf(err, err_size, _("the HTTP library could not start: %s"),
		         curl_easy_strerror(http_global_rc));
		return NULL;
	}
	if (profile_check_api_base(p->api_base, err, err_size) != 0)
		return NULL;
	if (!p->key[0]) {
		snprintf(err, err_size,
		         _("profile [%s] has no API key: name a key file (mode 0600) with key_file "
		           "in the configuration, or set PAYDESK_API_KEY"),
		         p->name);
		return NULL;
	}
	struct http_client *c = calloc(1, sizeof *c);
	if (!c) {
		snprintf(err, err_size, _("out of memory"));
		return NULL;
	}
	snprintf(c->base, sizeof c->base, "%s", p->api_base);
	snprintf(c->ca_file, sizeof c->ca_file, "%s", p->ca_file);
	c->timeout_s = p->timeout > 0 ? p->timeout : 30;
	c->retry = http_default_retry;
	c->seed = (unsigned)time(NULL) ^ (unsigned)getpid() ^ (unsigned)(uintptr_t)c;

	char auth[300];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", p->key);
	struct curl_slist *h = curl_slist_append(NULL, auth);
	memset(auth, 0, sizeof auth);
	if (h)
		c->headers = h;
	if (h)
		h = curl_slist_append(c->headers, "Accept: application/json");
	if (h)
		h = curl_slist_append(c->headers, "Expect:");
	c->curl = h ? curl_easy_init() : NULL;
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

/* Turns a finished transfer into an outcome; *reply gets the JSON object on success. The
 * body is handed to the parser (hr->body NULL afterwards). */
static void classify(long status, CURLcode code, struct http_reply *hr, struct provider_result *r,
                     struct jdoc **reply)
{
	r->http_status = (int)status;
	snprintf(r->request_id, sizeof r->request_id, "%s", hr->request_id);
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
	char jerr[96] = "";
	struct jdoc *doc = NULL;
	if (hr->len) {
		doc = jdoc_parse(hr->body, hr->len, jerr, sizeof jerr);
		hr->body = NULL;
	}
	if (status >= 200 && status < 300) {
		if (!jval_is(jdoc_root(doc), J_OBJECT)) {
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
		r->outcome = PROVIDER_OK;
		*reply = doc;
		return;
	}
	const struct jval *e = jval_get(jdoc_root(doc), "error");
	copy_member(e, "type", r->error_type, sizeof r->error_type);
	copy_member(e, "code", r->error_code, sizeof r->error_code);
	copy_member(e, "param", r->error_param, sizeof r->error_param);
	copy_member(e, "message", r->message, sizeof r->message);
	jdoc_free(&doc);
	if (status == 429)
		r->outcome = PROVIDER_RATE_LIMITED;
	else if (status >= 500)
		r->outcome = PROVIDER_SERVER_ERROR;
	else if (status == 401)
		r->outcome = PROVIDER_AUTH;
	else if (status == 403)
		r->outcome = PROVIDER_FORBIDDEN;
	else if (status == 409 || strcmp(r->error_type, "idempotency_error") == 0)
		r->outcome = PROVIDER_IDEMPOTENCY;
	else if (status >= 400)
		r->outcome = PROVIDER_INVALID;
	else
		r->outcome = PROVIDER_BAD_REPLY;
	if (!r->message[0])
		snprintf(r->message, sizeof r->message, _("HTTP status %ld"), status);
}

/* Points a handle at url with hr (cleared) receiving the reply. */
static CURLcode start_transfer(CURL *h, const char *url, struct http_reply *hr)
{
	memset(hr, 0, sizeof *hr);
	hr->should_retry = -1;
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

/* One transfer on the client's handle. The mime or body selects the method's payload. */
static void perform_once(struct http_client *c, const char *method, const char *url,
                         const char *body, curl_mime *mime, struct curl_slist *extra,
                         struct http_reply *hr, struct provider_result *r, struct jdoc **reply)
{
	CURL *h = c->curl;
	memset(r, 0, sizeof *r);
	*reply = NULL;
	CURLcode rc = start_transfer(h, url, hr);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_HTTPHEADER, extra ? extra : c->headers);
	if (rc == CURLE_OK) {
		if (mime) {
			rc = curl_easy_setopt(h, CURLOPT_MIMEPOST, mime);
		} else if (strcmp(method, "POST") == 0) {
			rc = curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
		} else {
			rc = curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
			if (rc == CURLE_OK && strcmp(method, "GET") != 0)
				rc = curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
		}
	}
	if (rc == CURLE_OK)
		rc = curl_easy_perform(h);
	long status = 0;
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	/* Leave the handle neutral for the next call: no stale pointer to this call's body
	 * (freed by the caller) may survive into the next transfer. */
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);
	curl_easy_setopt(h, CURLOPT_MIMEPOST, NULL);
	curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, c->headers);
	classify(status, rc, hr, r, reply);
	free(hr->body);
	hr->body = NULL;
}

/* How long to wait before another try after failed try number `attempt` of a call begun
 * at start_ms, or -1 when the call is to give up. */
static long retry_wait(struct http_client *c, const struct provider_result *r,
                       const struct http_reply *hr, int attempt, long start_ms)
{
	if (attempt >= c->retry.max_attempts || !http_should_retry(r, hr->should_retry))
		return -1;
	long wait = http_backoff_ms(&c->retry, attempt, hr->retry_after, &c->seed);
	return now_ms() - start_ms + wait > c->retry.budget_ms ? -1 : wait;
}

/* The retry loop shared by http_call and http_upload. */
static int call(struct http_client *c, const char *method, const char *path_query, const char *body,
                curl_mime *mime, const char *idempotency_key, struct jdoc **reply,
                struct provider_result *r)
{
	*reply = NULL;
	char url[4096];
	int n = snprintf(url, sizeof url, "%s%s", c->base, path_query);
	if (n < 0 || (size_t)n >= sizeof url) {
		memset(r, 0, sizeof *r);
		r->outcome = PROVIDER_INVALID;
		snprintf(r->message, sizeof r->message, _("request too long"));
		return -1;
	}
	struct curl_slist *extra = NULL;
	if (idempotency_key && *idempotency_key) {
		char line[200];
		snprintf(line, sizeof line, "Idempotency-Key: %s", idempotency_key);
		/* A copy of the shared headers plus this one. */
		for (struct curl_slist *h = c->headers; h; h = h->next) {
			struct curl_slist *t = curl_slist_append(extra, h->data);
			if (!t)
				goto oom;
			extra = t;
		}
		struct curl_slist *t = curl_slist_append(extra, line);
		if (!t)
			goto oom;
		extra = t;
	}
	long start = now_ms();
	struct http_reply hr;
	for (int attempt = 1;; attempt++) {
		perform_once(c, method, url, body, mime, extra, &hr, r, reply);
		if (r->outcome == PROVIDER_OK)
			break;
		if (c->cancel && *c->cancel) {
			r->outcome = PROVIDER_CANCELLED;
			break;
		}
		long wait = retry_wait(c, r, &hr, attempt, start);
		if (wait < 0)
			break;
		/* Sleep in slices so that a cancel is noticed quickly. */
		for (long slept = 0; slept < wait; slept += 50) {
			if (c->cancel && *c->cancel)
				break;
			sleep_ms(wait - slept < 50 ? wait - slept : 50);
		}
	}
	free_headers(&extra);
	return r->outcome == PROVIDER_OK ? 0 : -1;
oom:
	free_headers(&extra);
	memset(r, 0, sizeof *r);
	r->outcome = PROVIDER_BAD_REPLY;
	snprintf(r->message, sizeof r->message, _("out of memory"));
	return -1;
}

int http_call(struct http_client *c, const char *method, const char *path_query,
              const char *form_body, const char *idempotency_key, struct jdoc **reply,
              struct provider_result *result)
{
	return call(c, method, path_query, form_body, NULL, idempotency_key, reply, result);
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
	rc = call(c, "POST", path_query, NULL, mime, idempotency_key, reply, result);
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
	char url[4096];
	int attempt;
	long start_ms, wake_ms;
	enum { STREAM_IDLE, STREAM_RUNNING, STREAM_WAITING, STREAM_FINISHED } state;
};

/* A transfer that libcurl could not start (no memory): stream functions return this. */
#define STREAM_NOT_STARTED (-2)

/* Asks for stream i's next request and starts it; the stream is finished when there is
 * none. Returns STREAM_NOT_STARTED when the transfer cannot be started. */
static int stream_next(struct http_client *c, CURLM *m, struct stream *st, size_t i,
                       const struct http_stream_ops *ops, void *user)
{
	char path[3800];
	if (ops->next(user, i, path, sizeof path) != 1) {
		st->state = STREAM_FINISHED;
		return 0;
	}
	snprintf(st->url, sizeof st->url, "%s%s", c->base, path);
	st->attempt = 1;
	st->start_ms = now_ms();
	if (start_transfer(st->h, st->url, &st->hr) != CURLE_OK ||
	    curl_multi_add_handle(m, st->h) != CURLM_OK)
		return STREAM_NOT_STARTED;
	st->state = STREAM_RUNNING;
	return 0;
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
	classify(status, code, &st->hr, &r, &doc);
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
	                    : retry_wait(c, &r, &st->hr, st->attempt, st->start_ms);
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
			if (st->state == STREAM_WAITING && st->wake_ms <= now) {
				if (start_transfer(st->h, st->url, &st->hr) != CURLE_OK ||
				    curl_multi_add_handle(m, st->h) != CURLM_OK)
					rc = STREAM_NOT_STARTED;
				else
					st->state = STREAM_RUNNING;
			}
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

const char *http_base(const struct http_client *c)
{
	return c->base;
}
