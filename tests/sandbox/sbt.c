/* Test helpers shared by the sandbox's integration tests (see sbt.h). */
#include "config.h"

#include <curl/curl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/sandbox/sbt.h"

static int tap_n;
static int tap_failed;
static struct sbt_server *servers[8];

static void kill_all(void)
{
	int i;

	for (i = 0; i < 8; i++) {
		if (servers[i] && servers[i]->pid > 0) {
			kill(servers[i]->pid, SIGKILL);
			waitpid(servers[i]->pid, NULL, 0);
			servers[i]->pid = 0;
		}
	}
}

static void on_alarm(int sig)
{
	(void)sig;
	kill_all();
	printf("Bail out! test timed out\n");
	_exit(1);
}

void sbt_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%s %d - ", cond ? "ok" : "not ok", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		tap_failed++;
}

void sbt_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

int sbt_done(void)
{
	kill_all();
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

void sbt_start(struct sbt_server *srv, const char *const *args)
{
	const char *bin = getenv("PAYDESK_SANDBOX");
	const char *argv[64];
	int fds[2];
	int n = 0;
	int i;
	char line[32];
	FILE *f;
	static int init;

	if (!init) {
		init = 1;
		signal(SIGALRM, on_alarm);
		alarm(170);
		atexit(kill_all);
		curl_global_init(CURL_GLOBAL_DEFAULT);
	}
	if (bin == NULL)
		bin = "./paydesk-sandbox";
	argv[n++] = bin;
	argv[n++] = "--port";
	argv[n++] = "0";
	argv[n++] = "--quiet";
	for (i = 0; args && args[i] && n < 62; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if (pipe(fds) != 0) {
		printf("Bail out! pipe failed\n");
		exit(1);
	}
	srv->pid = fork();
	if (srv->pid < 0) {
		printf("Bail out! fork failed\n");
		exit(1);
	}
	if (srv->pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	for (i = 0; i < 8; i++) {
		if (servers[i] == NULL) {
			servers[i] = srv;
			break;
		}
	}
	f = fdopen(fds[0], "r");
	if (f == NULL || fgets(line, sizeof(line), f) == NULL) {
		printf("Bail out! %s did not print its port\n", bin);
		kill_all();
		exit(1);
	}
	fclose(f);
	srv->port = atoi(line);
	snprintf(srv->base, sizeof(srv->base), "http://127.0.0.1:%d", srv->port);
}

int sbt_stop(struct sbt_server *srv)
{
	int st = 0;
	int i;

	for (i = 0; i < 8; i++)
		if (servers[i] == srv)
			servers[i] = NULL; /* the struct may go out of scope after this */
	if (srv->pid <= 0)
		return -1;
	kill(srv->pid, SIGTERM);
	if (waitpid(srv->pid, &st, 0) < 0)
		st = -1;
	srv->pid = 0;
	if (st < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

struct grow {
	char *p;
	size_t n;
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct grow *g = ud;
	size_t add = size * nmemb;
	char *np = realloc(g->p, g->n + add + 1);

	if (np == NULL)
		return 0;
	memcpy(np + g->n, ptr, add);
	g->p = np;
	g->n += add;
	g->p[g->n] = '\0';
	return add;
}

static void header_value(const char *line, size_t n, const char *name, char *out, size_t on)
{
	size_t ln = strlen(name);
	size_t i;

	if (n <= ln + 1 || strncasecmp(line, name, ln) != 0 || line[ln] != ':')
		return;
	line += ln + 1;
	n -= ln + 1;
	while (n && *line == ' ') {
		line++;
		n--;
	}
	while (n && (line[n - 1] == '\r' || line[n - 1] == '\n'))
		n--;
	for (i = 0; i < n && i + 1 < on; i++)
		out[i] = line[i];
	out[i] = '\0';
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct sbt_resp *r = ud;
	size_t n = size * nmemb;
	char cl[32] = "";

	header_value(ptr, n, "Request-Id", r->request_id, sizeof(r->request_id));
	header_value(ptr, n, "Retry-After", r->retry_after, sizeof(r->retry_after));
	header_value(ptr, n, "Idempotent-Replayed", r->replayed, sizeof(r->replayed));
	header_value(ptr, n, "Stripe-Should-Retry", r->should_retry, sizeof(r->should_retry));
	header_value(ptr, n, "Content-Length", cl, sizeof(cl));
	if (cl[0])
		r->content_length = atol(cl);
	return n;
}

/* Sends the request set up on h (URL, method, body) with the key and idempotency key (either
 * may be NULL) and fills r: status, headers, body and its JSON. Cleans up h. */
static void perform(CURL *h, const char *key, const char *idem, long timeout_ms, struct sbt_resp *r)
{
	struct curl_slist *hdr = NULL;
	struct grow g = {NULL, 0};
	char line[512];

	if (key) {
		snprintf(line, sizeof(line), "Authorization: Bearer %s", key);
		hdr = curl_slist_append(hdr, line);
	}
	if (idem) {
		snprintf(line, sizeof(line), "Idempotency-Key: %s", idem);
		hdr = curl_slist_append(hdr, line);
	}
	hdr = curl_slist_append(hdr, "Expect:");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &g);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 30000L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	r->curl_error = (int)curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	r->body = g.p;
	r->len = g.n;
	if (r->body && r->curl_error == 0)
		r->json = json_loadb(r->body, r->len, JSON_ALLOW_NUL, NULL);
}

void sbt_request(struct sbt_server *srv, const char *method, const char *path, const char *body,
                 const char *key, const char *idem, long timeout_ms, struct sbt_resp *r)
{
	CURL *h = curl_easy_init();
	char url[4096];

	memset(r, 0, sizeof(*r));
	r->content_length = -1;
	if (h == NULL) {
		r->curl_error = -1;
		return;
	}
	snprintf(url, sizeof(url), "%s%s", srv->base, path);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	if (body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	}
	perform(h, key, idem, timeout_ms, r);
}

void sbt_resp_free(struct sbt_resp *r)
{
	free(r->body);
	json_decref(r->json);
	memset(r, 0, sizeof(*r));
}

json_t *sbt_get(struct sbt_server *srv, const char *path, struct sbt_resp *r)
{
	sbt_request(srv, "GET", path, NULL, SBT_KEY, NULL, 0, r);
	return r->json;
}

int sbt_walk(struct sbt_server *srv, const char *path, const char *query, json_t *out)
{
	char url[1024];
	char last[128] = "";
	int pages = 0;

	for (;;) {
		struct sbt_resp r;
		json_t *data;
		size_t i;
		int more;

		if (last[0])
			snprintf(url, sizeof(url), "%s?%slimit=100&starting_after=%s", path, query,
			         last);
		else
			snprintf(url, sizeof(url), "%s?%slimit=100", path, query);
		sbt_get(srv, url, &r);
		if (r.status != 200 || r.json == NULL) {
			sbt_diag("walk %s failed: %ld %s", url, r.status, r.body ? r.body : "");
			sbt_resp_free(&r);
			return -1;
		}
		pages++;
		data = json_object_get(r.json, "data");
		for (i = 0; i < json_array_size(data); i++)
			json_array_append(out, json_array_get(data, i));
		more = json_is_true(json_object_get(r.json, "has_more"));
		if (json_array_size(data) > 0)
			snprintf(last, sizeof(last), "%s",
			         json_string_value(json_object_get(
			                 json_array_get(data, json_array_size(data) - 1), "id")));
		sbt_resp_free(&r);
		if (!more)
			return pages;
		if (pages > 100000)
			return -1;
	}
}

int sbt_walk_back(struct sbt_server *srv, const char *path, const char *query,
                  const char *oldest_id, json_t *out)
{
	char url[1024];
	char first[128];
	int pages = 0;
	json_t *rev = json_array();

	snprintf(first, sizeof(first), "%s", oldest_id);
	for (;;) {
		struct sbt_resp r;
		json_t *data;
		size_t i;
		int more;

		snprintf(url, sizeof(url), "%s?%slimit=100&ending_before=%s", path, query, first);
		sbt_get(srv, url, &r);
		if (r.status != 200 || r.json == NULL) {
			sbt_diag("walk back %s failed: %ld", url, r.status);
			sbt_resp_free(&r);
			json_decref(rev);
			return -1;
		}
		pages++;
		data = json_object_get(r.json, "data");
		/* Pages arrive newest-first; collect them oldest-first, then flip. */
		for (i = json_array_size(data); i > 0; i--)
			json_array_append(rev, json_array_get(data, i - 1));
		more = json_is_true(json_object_get(r.json, "has_more")) &&
		       json_array_size(data) > 0;
		if (json_array_size(data) > 0)
			snprintf(first, sizeof(first), "%s",
			         json_string_value(json_object_get(json_array_get(data, 0), "id")));
		sbt_resp_free(&r);
		if (!more)
			break;
	}
	/* The cursor object itself is not part of the result. */
	{
		size_t i;

		for (i = json_array_size(rev); i > 0; i--)
			json_array_append(out, json_array_get(rev, i - 1));
	}
	json_decref(rev);
	return pages;
}

void sbt_upload(struct sbt_server *srv, const char *key, const char *purpose, const char *data,
                size_t len, const char *filename, const char *idem, struct sbt_resp *r)
{
	CURL *h = curl_easy_init();
	curl_mime *mime;
	curl_mimepart *part;
	char url[512];

	memset(r, 0, sizeof(*r));
	r->content_length = -1;
	if (h == NULL) {
		r->curl_error = -1;
		return;
	}
	mime = curl_mime_init(h);
	part = curl_mime_addpart(mime);
	curl_mime_name(part, "purpose");
	curl_mime_data(part, purpose, CURL_ZERO_TERMINATED);
	part = curl_mime_addpart(mime);
	curl_mime_name(part, "file");
	curl_mime_data(part, data, len);
	curl_mime_filename(part, filename);
	snprintf(url, sizeof(url), "%s/v1/files", srv->base);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_MIMEPOST, mime);
	perform(h, key, idem, 0, r);
	curl_mime_free(mime);
}
