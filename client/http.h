/* The HTTP layer on libcurl, private to client/: one connection reused across requests,
 * timeouts, TLS verification always on, retries with backoff and jitter, JSON replies. */
#ifndef PAYDESK_HTTP_H
#define PAYDESK_HTTP_H

#include <stddef.h>

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

/* Opens a client for the profile's api_base and key. The key is copied into the client and
 * wiped on close. Returns NULL with err filled on failure. Free with http_close. */
struct http_client *http_open(const struct profile *p, char *err, size_t err_size);
void http_close(struct http_client **c);

/* Requests that a long call stop: checked between tries and during transfers. */
void http_set_cancel(struct http_client *c, const volatile int *cancel);
void http_set_retry(struct http_client *c, const struct http_retry *retry);

/* Performs METHOD path_query (e.g. "/v1/charges?limit=100") with an optional form body and
 * Idempotency-Key (required for POST). Retries as the policy says. On a 2xx answer with a
 * JSON object returns 0 and *reply (owned by the caller, jdoc_free) and fills result's
 * request id; otherwise returns -1, *reply NULL, and result says why. */
int http_call(struct http_client *c, const char *method, const char *path_query,
              const char *form_body, const char *idempotency_key, struct jdoc **reply,
              struct provider_result *result);

/* Same with a multipart body of one file field plus text fields (for file uploads). */
int http_upload(struct http_client *c, const char *path_query, const char *file_field,
                const char *file_path, const char *const *fields, size_t n_fields,
                const char *idempotency_key, struct jdoc **reply, struct provider_result *result);

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

/* Milliseconds to wait before try number `attempt` (1-based, after a failure), with jitter,
 * honouring a Retry-After of retry_after_s seconds when > 0. */
long http_backoff_ms(const struct http_retry *retry, int attempt, long retry_after_s,
                     unsigned *seed);

/* Whether a failed result is worth another try. */
int http_should_retry(const struct provider_result *result, int should_retry_header);

#endif
