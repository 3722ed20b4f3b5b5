/* Helpers for the sandbox's integration tests: start the real paydesk-sandbox on a
 * loopback port, talk HTTP to it with libcurl, parse replies with jansson, print TAP. */
#ifndef PAYDESK_TESTS_SBT_H
#define PAYDESK_TESTS_SBT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sbt_server {
	pid_t pid;
	int port;
	char base[64];
};

struct sbt_resp {
	long status;
	int curl_error; /* CURLcode of the transfer; 0 when a full reply arrived */
	char *body;
	size_t len;
	char request_id[64];
	char retry_after[16];
	char replayed[16];
	char should_retry[16];
	long content_length;
	json_t *json; /* parsed body, or NULL when it is not JSON */
};

/* Starts the sandbox with extra arguments (NULL-terminated); aborts the test on failure. */
void sbt_start(struct sbt_server *srv, const char *const *args);
/* Sends SIGTERM and returns the exit status (or -1 if it did not exit cleanly). */
int sbt_stop(struct sbt_server *srv);

/* One request. key may be NULL (no Authorization), idem NULL (no Idempotency-Key),
 * body NULL for GET. timeout_ms 0 means the default (30 s). Caller frees with
 * sbt_resp_free. */
void sbt_request(struct sbt_server *srv, const char *method, const char *path, const char *body,
                 const char *key, const char *idem, long timeout_ms, struct sbt_resp *r);
void sbt_resp_free(struct sbt_resp *r);
/* POST /v1/files as multipart/form-data with a `purpose` part and a `file` part; idem may
 * be NULL. */
void sbt_upload(struct sbt_server *srv, const char *key, const char *purpose, const char *data,
                size_t len, const char *filename, const char *idem, struct sbt_resp *r);
/* GET with the default test key; returns the parsed JSON (owned by r). */
json_t *sbt_get(struct sbt_server *srv, const char *path, struct sbt_resp *r);

/* TAP */
void sbt_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sbt_done(void);
void sbt_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Walks a whole list newest-first (limit 100) appending each object to `out` (a JSON
 * array). `query` is extra parameters ("" or "type=charge&"). Returns the page count,
 * or -1 on a failed page. */
int sbt_walk(struct sbt_server *srv, const char *path, const char *query, json_t *out);
/* Walks the other way: ending_before from `oldest_id` up to the newest object, then
 * appends everything newer than oldest_id newest-first (the cursor object excluded). */
int sbt_walk_back(struct sbt_server *srv, const char *path, const char *query,
                  const char *oldest_id, json_t *out);

#define SBT_KEY "sk_test_sandboxtests0001"
#define SBT_NOW "1767225600"

#endif
