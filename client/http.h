/* The HTTP layer on libcurl, private to client/: one connection reused across requests,
 * timeouts, TLS verification always on, retries with backoff and jitter, JSON replies.
 * What differs between platforms - how a request is authenticated, whether and how a reply
 * is signed, how an error reads - is the platform's struct http_wire. */
#ifndef PAYDESK_HTTP_H
#define PAYDESK_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <curl/curl.h>

#include "client/jdoc.h"
#include "client/profile.h"
#include "client/provider.h"

struct http_client;

/* result->error_type of a request that failed because the server's certificate could not
 * be verified (outcome PROVIDER_OFFLINE: nothing reached the platform). */
#define HTTP_ERROR_TLS "tls"

/* Retry policy: at most max_attempts tries and budget_ms of waiting in all. */
struct http_retry {
	int max_attempts;
	long base_ms;   /* first backoff; doubles each time, with jitter */
	long cap_ms;    /* longest single wait */
	long budget_ms; /* total time one call may spend waiting between tries */
};

/* One request. */
struct http_request {
	const char *method;          /* "GET", "POST" */
	const char *path_query;      /* after the base ("/v1/charges?limit=100"), or a whole URL
	                              * when absolute */
	bool absolute;               /* path_query is a URL of its own (a file the platform
	                              * serves from another host): https, or http to loopback */
	const char *body;            /* POST body, NULL for none */
	const char *content_type;    /* of the body; NULL: form-urlencoded */
	const char *idempotency_key; /* Idempotency-Key header (Stripe), NULL for none */
	curl_mime *mime;             /* a multipart body instead of body */
	const char *signed_body;     /* what the signature covers when not the body (WeChat Pay's
	                              * image upload signs its meta part), or NULL */
	const void *call;            /* what the wire's hooks need to know of this call */
	bool unsigned_reply;         /* the platform does not sign this reply (bill files) */
	bool once;                   /* not to be sent twice (no key makes it safe): not tried
	                              * again once the platform may have acted on it (no
	                              * answer, a 5xx, an answer that cannot be read); the
	                              * caller resolves those */
	/* A reply that is not JSON (a file): its 2xx body goes to sink as it arrives (return
	 * the bytes taken; fewer stops the transfer), and nothing is retried once a byte went
	 * there. NULL: the reply is JSON. */
	size_t (*sink)(void *user, const char *data, size_t n);
	void *sink_user;
};

/* What a finished transfer brought back, for a wire's hooks. */
struct http_reply_view {
	long status;
	const char *body; /* not NUL-terminated inside; len bytes */
	size_t len;
	/* The reply headers the wire asked to keep, by name (case-insensitive), NULL when
	 * absent. */
	const char *(*header)(const struct http_reply_view *r, const char *name);
	const void *priv;
};

/* How one platform talks over HTTP. Every hook may be NULL. */
struct http_wire {
	/* Appends the request's authentication headers (curl_slist_append) for METHOD
	 * path_query with body; 0, or -1 with a translated reason in err. */
	int (*authorize)(void *ctx, const struct http_request *rq, const char *path_query,
	                 const char *body, struct curl_slist **headers, char *err, size_t err_size);
	/* Checks a reply before anything in it is read: 0, or -1 with r filled (outcome
	 * PROVIDER_FORGED and why). Not called for unsigned replies or failed transfers. */
	int (*verify)(void *ctx, const struct http_request *rq, const struct http_reply_view *reply,
	              struct provider_result *r);
	/* Reads a parsed JSON reply: for a 2xx, whether it is a success (r->outcome stays
	 * PROVIDER_OK) or an error in a 200 (Alipay); otherwise the error's fields and its
	 * outcome. root may be NULL (no JSON). NULL: Stripe's {"error":{...}} shape. */
	void (*classify)(void *ctx, const struct http_request *rq, long status,
	                 const struct jval *root, struct provider_result *r);
	void *ctx;
	/* Names of reply headers verify reads (Request-Id, Retry-After and
	 * Stripe-Should-Retry are always read). */
	const char *const *keep;
	size_t n_keep;
};

/* What a client is opened with. */
struct http_options {
	const char *base;    /* api_base: https, or http to loopback */
	const char *ca_file; /* "" or NULL: the system's CA store */
	int timeout;         /* seconds for one request; 0 = 30 */
	/* Headers of every request ("Authorization: Bearer ..."): copied, wiped on close. */
	const char *const *headers;
	size_t n_headers;
	const struct http_wire *wire; /* NULL: no hooks (Stripe) */
};

/* Opens a client. Returns NULL with err filled on failure. Free with http_close. */
struct http_client *http_open(const struct http_options *o, char *err, size_t err_size);
void http_close(struct http_client **c);

/* Requests that a long call stop: checked between tries and during transfers. */
void http_set_cancel(struct http_client *c, const volatile int *cancel);
void http_set_retry(struct http_client *c, const struct http_retry *retry);

/* Performs one request, retrying as the policy says. A JSON reply that the platform counts
 * as a success: 0 and *reply (owned by the caller, jdoc_free; NULL for a reply without a
 * body, or with a sink) and result's request id; otherwise -1, *reply NULL, result says
 * why. */
int http_request(struct http_client *c, const struct http_request *rq, struct jdoc **reply,
                 struct provider_result *result);

/* Performs METHOD path_query (e.g. "/v1/charges?limit=100") with an optional form body and
 * Idempotency-Key (required for POST): http_request for the simple case. */
int http_call(struct http_client *c, const char *method, const char *path_query,
              const char *form_body, const char *idempotency_key, struct jdoc **reply,
              struct provider_result *result);

/* Same with a multipart body of one file field plus text fields (for file uploads). */
int http_upload(struct http_client *c, const char *path_query, const char *file_field,
                const char *file_path, const char *const *fields, size_t n_fields,
                const char *idempotency_key, struct jdoc **reply, struct provider_result *result);

/* A multipart body for rq.mime on this client's handle; NULL without memory. */
curl_mime *http_mime_new(struct http_client *c);

/* Several GET streams at once, each on its own connection, driven together by one libcurl
 * multi handle in the calling thread. For stream i, next() fills the path of its next
 * request and returns 1, or returns 0 when the stream is finished; done() receives each
 * reply (doc owned by done) or, with doc NULL, the failure that ended the stream after its
 * retries (each stream retries as http_call does, without holding the others up). done
 * returns 0 to go on, -1 to stop every stream. idle (may be NULL) is called whenever the
 * replies that arrived have been handed over, before waiting for more; it returns 0 or -1
 * to stop. Returns 0 when every stream finished, -1 when stopped: by done or idle, by a
 * cancel (result says so), or for lack of memory (result). */
struct http_stream_ops {
	int (*next)(void *user, size_t i, char *path, size_t size);
	int (*done)(void *user, size_t i, struct jdoc *doc, const struct provider_result *r);
	int (*idle)(void *user);
};
int http_get_streams(struct http_client *c, size_t n, const struct http_stream_ops *ops, void *user,
                     struct provider_result *result);

const char *http_base(const struct http_client *c);

/* The time in the Date header of the last reply this client's requests received, whatever
 * its status (a refused signature too), or 0 when none had one. */
time_t http_last_date(const struct http_client *c);

/* Milliseconds to wait before try number `attempt` (1-based, after a failure), with jitter,
 * honouring a Retry-After of retry_after_s seconds when > 0. */
long http_backoff_ms(const struct http_retry *retry, int attempt, long retry_after_s,
                     unsigned *seed);

/* Whether a failed result is worth another try. */
int http_should_retry(const struct provider_result *result, int should_retry_header);

/* The outcome an HTTP error status means on most platforms (429 rate limited, 5xx server,
 * 401 auth, 403 forbidden, 409 idempotency, other 4xx invalid). */
enum provider_outcome http_status_outcome(long status);

#endif
