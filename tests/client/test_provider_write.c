/* The Stripe provider's write operations against paydesk-sandbox over loopback: refunds
 * with idempotency keys and action ids, finding a refund again, dispute evidence, closing a
 * dispute, evidence files; replies land in the cache. Prints TAP. */
#include "config.h"

#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "client/cache_private.h"
#include "client/client.h"

static int n_test, n_failed;
static pid_t sandbox_pid;
static char base[64];

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("%sok %d - ", cond ? "" : "not ", ++n_test);
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	if (!cond)
		n_failed++;
	fflush(stdout);
}

static void stop_sandbox(void)
{
	if (sandbox_pid > 0) {
		kill(sandbox_pid, SIGTERM);
		waitpid(sandbox_pid, NULL, 0);
		sandbox_pid = 0;
	}
}

static int start_sandbox(void)
{
	const char *bin = getenv("PAYDESK_SANDBOX");
	int fds[2];
	if (!bin || pipe(fds) != 0)
		return -1;
	sandbox_pid = fork();
	if (sandbox_pid == 0) {
		/* Dies with this test, even when the test itself crashes. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		execl(bin, bin, "--port", "0", "--orders", "200", "--seed", "9", "--now",
		      "1790000000", "--quiet", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	FILE *f = fdopen(fds[0], "r");
	int port = 0;
	if (!f || fscanf(f, "%d", &port) != 1)
		return -1;
	fclose(f);
	snprintf(base, sizeof base, "http://127.0.0.1:%d", port);
	return 0;
}

static size_t collect(char *data, size_t size, size_t n, void *user)
{
	json_t **out = user;
	static char buf[1 << 20];
	static size_t len;
	if (!*out && len == 0)
		buf[0] = '\0';
	size_t add = size * n;
	if (len + add < sizeof buf) {
		memcpy(buf + len, data, add);
		len += add;
		buf[len] = '\0';
		json_decref(*out);
		*out = json_loads(buf, 0, NULL);
		if (*out)
			len = 0;
	}
	return add;
}

/* Calls the sandbox (admin API, or the platform API with a key); returns the JSON reply
 * (caller decrefs) or NULL. */
static json_t *call_sandbox(const char *method, const char *path, const char *form,
                            const char *auth)
{
	CURL *c = curl_easy_init();
	struct curl_slist *headers = NULL;
	if (auth) {
		headers = curl_slist_append(NULL, auth);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	}
	char url[256];
	snprintf(url, sizeof url, "%s%s", base, path);
	json_t *reply = NULL;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (form)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply);
	curl_easy_perform(c);
	curl_easy_cleanup(c);
	curl_slist_free_all(headers);
	return reply;
}

static json_t *admin(const char *method, const char *path, const char *form)
{
	return call_sandbox(method, path, form, NULL);
}

static int64_t scalar(struct cache *c, const char *sql, const char *arg)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	if (sqlite3_prepare_v2(cache_db(c), sql, -1, &st, NULL) != SQLITE_OK)
		return -2;
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* How many logged requests have this method, path and idempotency key. */
static int count_requests(const char *method, const char *path, const char *key)
{
	json_t *log = admin("GET", "/_admin/requests", NULL);
	size_t i;
	json_t *r;
	int n = 0;
	json_array_foreach(json_object_get(log, "data"), i, r)
	{
		const char *m = json_string_value(json_object_get(r, "method"));
		const char *p = json_string_value(json_object_get(r, "path"));
		const char *k = json_string_value(json_object_get(r, "idempotency_key"));
		if (m && p && strcmp(m, method) == 0 && strcmp(p, path) == 0 &&
		    (!key || (k && strcmp(k, key) == 0)))
			n++;
	}
	json_decref(log);
	return n;
}

static char tmp[] = "/tmp/paydesk-write.XXXXXX";

/* Removes the test's directory and stops the sandbox, on every way out of main. */
static void clean_up(void)
{
	stop_sandbox();
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "# could not remove %s\n", tmp);
}

int main(void)
{
	if (!mkdtemp(tmp))
		return 99;
	atexit(clean_up);
	if (start_sandbox() != 0) {
		printf("Bail out! cannot start the sandbox\n");
		stop_sandbox();
		return 99;
	}
	printf("1..20\n");
	struct profile prof;
	char err[1024] = "", path[256];
	snprintf(path, sizeof path, "%s/w.db", tmp);
	setenv("PAYDESK_API_KEY", "sk_test_write", 1);
	profile_demo(base, path, &prof, err, sizeof err);
	struct cache *cache = cache_open(path, err, sizeof err);
	struct provider *p = provider_open(&prof, cache, err, sizeof err);
	ok(cache && p, "provider and cache open (%s)", err);
	if (!cache || !p) {
		stop_sandbox();
		return 1;
	}
	const struct provider_ops *ops = provider_get_ops(p);

	json_t *made = admin("POST", "/_admin/create", "charges=10&disputes=1");
	/* Some new charges fail, as in life: refund one that succeeded. */
	const char *charge = NULL;
	size_t ci;
	json_t *cid;
	json_array_foreach(json_object_get(made, "charges"), ci, cid)
	{
		char cpath[128];
		snprintf(cpath, sizeof cpath, "/v1/charges/%s", json_string_value(cid));
		json_t *ch =
		        call_sandbox("GET", cpath, NULL, "Authorization: Bearer sk_test_write");
		const char *status = json_string_value(json_object_get(ch, "status"));
		bool good = status && strcmp(status, "succeeded") == 0;
		json_decref(ch);
		if (good) {
			charge = json_string_value(cid);
			break;
		}
	}
	const char *dispute =
	        json_string_value(json_array_get(json_object_get(made, "disputes"), 0));
	ok(charge && dispute, "the sandbox made a charge and a dispute");
	if (!charge || !dispute) {
		stop_sandbox();
		return 1;
	}

	struct provider_result r;
	char id[64] = "", id2[64] = "";
	struct provider_refund_request req = {
	        .order_id = charge,
	        .amount = 1,
	        .currency = "usd",
	        .reason = "requested_by_customer",
	        .note = "test note",
	        .action_id = "act-test-1",
	        .idempotency_key = "idem-test-1",
	};
	/* One injected 500: retried with the same key. */
	json_decref(
	        admin("POST", "/_admin/faults", "kind=500&count=1&path=/v1/refunds&method=POST"));
	json_decref(admin("DELETE", "/_admin/requests", NULL));
	int rc = ops->create_refund(p, &req, id, &r);
	ok(rc == 0 && strncmp(id, "re_", 3) == 0, "create_refund succeeds after a 500 (%s %s)", id,
	   r.message);
	ok(count_requests("POST", "/v1/refunds", "idem-test-1") == 2,
	   "the retry carried the same idempotency key");
	ok(r.request_id[0] != '\0', "the platform's request id is kept (%s)", r.request_id);
	ok(scalar(cache, "SELECT count(*) FROM refunds WHERE id = ?1 AND action_id = 'act-test-1'",
	          id) == 1,
	   "the refund is in the cache with its action id");
	ok(scalar(cache,
	          "SELECT count(*) FROM orders WHERE id = ?1 AND status = 'partially_refunded'",
	          charge) == 1,
	   "the order's status follows the refund");

	rc = ops->create_refund(p, &req, id2, &r);
	ok(rc == 0 && strcmp(id, id2) == 0, "the same key replays the same refund (%s)", id2);
	req.amount = 2;
	rc = ops->create_refund(p, &req, id2, &r);
	ok(rc == -1 && r.outcome == PROVIDER_IDEMPOTENCY,
	   "the same key with another amount is refused (%s)", r.message);

	json_decref(admin("DELETE", "/_admin/requests", NULL));
	req.amount = 999999999;
	req.idempotency_key = "idem-test-2";
	req.action_id = "act-test-2";
	rc = ops->create_refund(p, &req, id2, &r);
	ok(rc == -1 && r.outcome == PROVIDER_INVALID && r.message[0],
	   "too large a refund is refused: %s", r.message);
	ok(count_requests("POST", "/v1/refunds", "idem-test-2") == 1,
	   "a validation error is not retried");

	req.idempotency_key = NULL;
	rc = ops->create_refund(p, &req, id2, &r);
	ok(rc == -1 && count_requests("POST", "/v1/refunds", NULL) == 1,
	   "a POST without an idempotency key never leaves");

	rc = ops->find_refund_by_action(p, charge, "act-test-1", id2, &r);
	ok(rc == 1 && strcmp(id, id2) == 0, "find_refund_by_action finds the refund again");
	rc = ops->find_refund_by_action(p, charge, "act-nothing", id2, &r);
	ok(rc == 0, "find_refund_by_action says when there is none");

	struct provider_evidence_field fields[] = {
	        {"customer_name", "Li Na"},
	        {"uncategorized_text", "Delivered on 3 May & signed."},
	};
	struct provider_dispute_update up = {
	        .dispute_id = dispute,
	        .fields = fields,
	        .n_fields = 2,
	        .submit = false,
	        .idempotency_key = "idem-test-3",
	};
	rc = ops->update_dispute(p, &up, &r);
	ok(rc == 0, "update_dispute stages evidence (%s)", r.message);
	ok(scalar(cache,
	          "SELECT count(*) FROM disputes WHERE id = ?1 AND evidence LIKE '%signed.%'",
	          dispute) == 1,
	   "the staged evidence is in the cache");

	char file[300], file_id[64] = "";
	snprintf(file, sizeof file, "%s/receipt.txt", tmp);
	FILE *f = fopen(file, "w");
	if (f) {
		fputs("receipt: order 42, delivered\n", f);
		fclose(f);
	}
	rc = ops->upload_evidence_file(p, file, "idem-test-4", file_id, &r);
	ok(rc == 0 && strncmp(file_id, "file_", 5) == 0,
	   "upload_evidence_file returns a file id (%s %s)", file_id, r.message);

	rc = ops->close_dispute(p, dispute, "idem-test-5", &r);
	ok(rc == 0, "close_dispute accepts the loss (%s)", r.message);
	ok(scalar(cache, "SELECT count(*) FROM disputes WHERE id = ?1 AND status = 'lost'",
	          dispute) == 1,
	   "the closed dispute is lost in the cache");
	rc = ops->close_dispute(p, "dp_doesnotexist", "idem-test-6", &r);
	ok(rc == -1 && r.outcome == PROVIDER_INVALID, "closing an unknown dispute is refused (%s)",
	   r.message);

	json_decref(made);
	provider_close(&p);
	cache_close(&cache);
	profile_clear(&prof);
	return n_failed ? 1 : 0;
}
