/* Fault injection and the request log over real HTTP: 500/502/503, 429 with Retry-After,
 * connection reset mid-body, truncated JSON, stalls, commit-then-reset, matching by path,
 * method and count, the rate limiter, and what the request log records. */
#include "config.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/sandbox/sbt.h"

static const char *str(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

static void fault(struct sbt_server *srv, const char *spec)
{
	struct sbt_resp r;

	sbt_request(srv, "POST", "/_admin/faults", spec, NULL, NULL, 0, &r);
	if (r.status != 200)
		sbt_diag("fault %s refused: %ld %s", spec, r.status, r.body ? r.body : "");
	sbt_resp_free(&r);
}

static void check_status_faults(struct sbt_server *srv)
{
	static const char *const kinds[] = {"500", "502", "503"};
	struct sbt_resp r;
	size_t i;
	char spec[128];

	for (i = 0; i < 3; i++) {
		snprintf(spec, sizeof(spec), "kind=%s&count=1&path=/v1/charges", kinds[i]);
		fault(srv, spec);
		sbt_get(srv, "/v1/charges?limit=1", &r);
		sbt_ok(r.status == atol(kinds[i]) &&
		               strcmp(str(json_object_get(r.json, "error"), "type"), "api_error") ==
		                       0 &&
		               strcmp(r.should_retry, "true") == 0 && r.request_id[0],
		       "fault %s: status, api_error body, Stripe-Should-Retry and Request-Id",
		       kinds[i]);
		sbt_resp_free(&r);
		sbt_get(srv, "/v1/charges?limit=1", &r);
		sbt_ok(r.status == 200, "after fault %s the next request succeeds", kinds[i]);
		sbt_resp_free(&r);
	}
	fault(srv, "kind=429&count=2&retry_after=7&path=/v1/refunds");
	sbt_get(srv, "/v1/charges?limit=1", &r);
	sbt_ok(r.status == 200, "a fault on another path leaves this one alone");
	sbt_resp_free(&r);
	sbt_get(srv, "/v1/refunds?limit=1", &r);
	sbt_ok(r.status == 429 && strcmp(r.retry_after, "7") == 0 &&
	               strcmp(str(json_object_get(r.json, "error"), "code"), "rate_limit") == 0,
	       "fault 429 carries Retry-After: 7 and code rate_limit");
	sbt_resp_free(&r);
	sbt_get(srv, "/v1/refunds?limit=1", &r);
	sbt_ok(r.status == 429, "count=2 hits the second request too");
	sbt_resp_free(&r);
	sbt_get(srv, "/v1/refunds?limit=1", &r);
	sbt_ok(r.status == 200, "and not a third");
	sbt_resp_free(&r);
	fault(srv, "kind=500&count=1&path=/v1/refunds&method=POST");
	sbt_get(srv, "/v1/refunds?limit=1", &r);
	sbt_ok(r.status == 200, "a POST-only fault leaves GET alone");
	sbt_resp_free(&r);
	fault(srv, "kind=503&count=5&path=/v1/balance");
	sbt_request(srv, "DELETE", "/_admin/faults", NULL, NULL, NULL, 0, &r);
	sbt_resp_free(&r);
	sbt_get(srv, "/v1/balance", &r);
	sbt_ok(r.status == 200, "DELETE /_admin/faults clears pending faults");
	sbt_resp_free(&r);
}

static void check_transport_faults(struct sbt_server *srv)
{
	struct sbt_resp r;
	json_t *c;
	char body[128];
	char path[128];
	long long before;

	fault(srv, "kind=reset&count=1&path=/v1/charges");
	sbt_get(srv, "/v1/charges?limit=5", &r);
	sbt_ok(r.curl_error != CURLE_OK && r.json == NULL,
	       "reset: the connection drops mid-body (curl error %d)", r.curl_error);
	sbt_resp_free(&r);

	fault(srv, "kind=truncate&count=1&path=/v1/charges");
	sbt_get(srv, "/v1/charges?limit=5", &r);
	sbt_ok(r.status == 200 && r.curl_error == CURLE_OK && r.json == NULL && r.len > 0 &&
	               (long)r.len == r.content_length,
	       "truncate: a complete 200 reply whose JSON is cut (%zu bytes)", r.len);
	sbt_resp_free(&r);

	fault(srv, "kind=stall&seconds=3&count=1&path=/v1/balance");
	sbt_request(srv, "GET", "/v1/balance", NULL, SBT_KEY, NULL, 500, &r);
	sbt_ok(r.curl_error == CURLE_OPERATION_TIMEDOUT,
	       "stall: a client with a short timeout gives up");
	sbt_resp_free(&r);
	fault(srv, "kind=stall&seconds=1&count=1&path=/v1/balance");
	sbt_request(srv, "GET", "/v1/balance", NULL, SBT_KEY, NULL, 20000, &r);
	sbt_ok(r.status == 200 && r.json != NULL, "stall: a patient client gets the normal answer");
	sbt_resp_free(&r);

	/* commit_then_reset: the refund happens, the reply never comes; the retry with the
	 * same key gets the stored result instead of a second refund. */
	sbt_get(srv, "/v1/charges?limit=100", &r);
	c = NULL;
	{
		size_t i;

		for (i = 0; i < json_array_size(json_object_get(r.json, "data")); i++) {
			json_t *x = json_array_get(json_object_get(r.json, "data"), i);

			if (strcmp(str(x, "status"), "succeeded") == 0 &&
			    json_integer_value(json_object_get(x, "amount_refunded")) == 0 &&
			    !json_is_true(json_object_get(x, "disputed"))) {
				c = json_incref(x);
				break;
			}
		}
	}
	sbt_resp_free(&r);
	snprintf(body, sizeof(body), "charge=%s&amount=10", str(c, "id"));
	before = json_integer_value(json_object_get(c, "amount_refunded"));
	fault(srv, "kind=commit_then_reset&count=1&path=/v1/refunds&method=POST");
	sbt_request(srv, "POST", "/v1/refunds", body, SBT_KEY, "ctr-key-1", 0, &r);
	sbt_ok(r.curl_error != CURLE_OK && r.status == 0,
	       "commit_then_reset: no reply (curl error %d)", r.curl_error);
	sbt_resp_free(&r);
	snprintf(path, sizeof(path), "/v1/charges/%s", str(c, "id"));
	sbt_get(srv, path, &r);
	sbt_ok(json_integer_value(json_object_get(r.json, "amount_refunded")) == before + 10,
	       "commit_then_reset: the refund was made");
	sbt_resp_free(&r);
	sbt_request(srv, "POST", "/v1/refunds", body, SBT_KEY, "ctr-key-1", 0, &r);
	sbt_ok(r.status == 200 && strcmp(r.replayed, "true") == 0,
	       "the retry with the same key is a replay");
	sbt_resp_free(&r);
	sbt_get(srv, path, &r);
	sbt_ok(json_integer_value(json_object_get(r.json, "amount_refunded")) == before + 10,
	       "and no second refund was made");
	sbt_resp_free(&r);
	json_decref(c);
}

static void check_log(struct sbt_server *srv)
{
	struct sbt_resp r;
	json_t *data, *last;
	size_t n;

	sbt_request(srv, "DELETE", "/_admin/requests", NULL, NULL, NULL, 0, &r);
	sbt_resp_free(&r);
	sbt_request(srv, "POST", "/v1/refunds", "charge=ch_none&amount=5", SBT_KEY, "log-key-9", 0,
	            &r);
	sbt_resp_free(&r);
	sbt_get(srv, "/v1/charges?limit=2", &r);
	sbt_resp_free(&r);
	sbt_get(srv, "/_admin/requests", &r);
	data = json_object_get(r.json, "data");
	n = json_array_size(data);
	last = json_array_get(data, n - 1);
	sbt_ok(n == 2, "the request log holds the two API requests (admin calls are not logged)");
	sbt_ok(strcmp(str(json_array_get(data, 0), "method"), "POST") == 0 &&
	               strcmp(str(json_array_get(data, 0), "body"), "charge=ch_none&amount=5") ==
	                       0 &&
	               strcmp(str(json_array_get(data, 0), "idempotency_key"), "log-key-9") == 0 &&
	               json_integer_value(json_object_get(json_array_get(data, 0), "status")) ==
	                       404,
	       "log entry: method, body, idempotency key and status");
	sbt_ok(strcmp(str(last, "path"), "/v1/charges") == 0 &&
	               strcmp(str(last, "query"), "limit=2") == 0,
	       "log entry: path and query");
	sbt_ok(strstr(str(last, "key"), "0001") != NULL &&
	               strstr(str(last, "key"), "sk_test_") == str(last, "key") &&
	               strstr(r.body, SBT_KEY) == NULL,
	       "log shows the key's prefix and last 4 characters only (%s)", str(last, "key"));
	sbt_ok(json_integer_value(json_object_get(last, "seq")) >
	               json_integer_value(json_object_get(json_array_get(data, 0), "seq")),
	       "log entries are numbered in order");
	sbt_resp_free(&r);
}

static void check_rate_limit(void)
{
	struct sbt_server rl;
	static const char *const args[] = {"--orders", "20", "--rate-limit", "2", NULL};
	struct sbt_resp r;
	int ok = 0, limited = 0, with_retry = 0;
	int i;

	sbt_start(&rl, args);
	for (i = 0; i < 30; i++) {
		sbt_get(&rl, "/v1/balance", &r);
		if (r.status == 200)
			ok++;
		if (r.status == 429) {
			limited++;
			if (r.retry_after[0] &&
			    strcmp(str(json_object_get(r.json, "error"), "code"), "rate_limit") ==
			            0)
				with_retry++;
		}
		sbt_resp_free(&r);
	}
	sbt_ok(ok >= 2 && limited > 0 && with_retry == limited,
	       "--rate-limit 2: %d served, %d refused with 429 and Retry-After", ok, limited);
	sbt_stop(&rl);
}

int main(void)
{
	struct sbt_server srv;
	static const char *const args[] = {"--seed", "9",     "--orders", "500",
	                                   "--now",  SBT_NOW, NULL};

	sbt_start(&srv, args);
	check_status_faults(&srv);
	check_transport_faults(&srv);
	check_log(&srv);
	sbt_ok(sbt_stop(&srv) == 0, "clean exit after faults");
	check_rate_limit();
	return sbt_done();
}
