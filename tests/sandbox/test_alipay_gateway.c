/* The Alipay gateway over real HTTP: a correctly signed call is served and its reply
 * verifies over the node's raw bytes with Alipay's key (and not with the app's own key,
 * the classic mistake); what a bad signature, a wrong app_id and the other bad common
 * parameters get; every fault kind; the request log. */
#include "config.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/sandbox/alit.h"

static const char *const seed_args[] = {"--seed", "5",     "--orders", "400", "--days",
                                        "20",     "--now", SBT_NOW,    NULL};

/* A paid trade of the seeded store, new and unrefunded. */
static void new_trade(struct alit *a, char *out, size_t n)
{
	json_t *j = alit_admin(a, "/_admin/create", "orders=1");

	snprintf(out, n, "%s", json_string_value(json_array_get(json_object_get(j, "orders"), 0)));
	json_decref(j);
}

static void check_signed_call(struct alit *a, const char *trade_no)
{
	struct alit_reply r;
	char biz[128];

	snprintf(biz, sizeof(biz), "{\"trade_no\":\"%s\"}", trade_no);
	alit_call(a, "alipay.trade.query", biz, &r);
	sbt_ok(r.http.status == 200 && strcmp(r.code, "10000") == 0 &&
	               strcmp(alit_str(&r, "msg"), "Success") == 0 &&
	               strcmp(r.root, "alipay_trade_query_response") == 0,
	       "a signed alipay.trade.query is served: 10000 Success in "
	       "alipay_trade_query_response");
	sbt_ok(r.verified, "the reply verifies over the node's raw bytes with Alipay's public key");
	sbt_ok(r.node && r.sign && !alit_verify(a->app_public, r.node, strlen(r.node), r.sign),
	       "verified with the app's own public key (the classic mistake) it fails");
	sbt_ok(strcmp(alit_str(&r, "trade_no"), trade_no) == 0 &&
	               strcmp(alit_str(&r, "trade_status"), "TRADE_SUCCESS") == 0,
	       "the node is the trade asked for");
	alit_reply_free(&r);

	/* A node holding "/" (a link): a re-serialised node is not what was signed. */
	alit_call(a, "alipay.data.dataservice.bill.downloadurl.query",
	          "{\"bill_type\":\"trade\",\"bill_date\":\"2025-12-30\"}", &r);
	{
		char *again =
		        r.json ? json_dumps(r.json, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

		sbt_ok(r.verified && strstr(r.node, "http:\\/\\/127.0.0.1:") && again &&
		               strcmp(again, r.node) != 0 &&
		               !alit_verify(a->alipay_public, again, strlen(again), r.sign),
		       "\"/\" is sent as \"\\/\": the node re-serialised by a JSON library does "
		       "not verify");
		free(again);
	}
	alit_reply_free(&r);

	{
		struct alit_opts o = {0};

		o.all_in_form = 1;
		alit_call_opts(a, "alipay.trade.query", biz, &o, &r);
		sbt_ok(strcmp(r.code, "10000") == 0 && r.verified,
		       "the common parameters may come in the form instead of the query");
		alit_reply_free(&r);
	}
}

static void check_bad_calls(struct alit *a, const char *trade_no)
{
	struct alit_reply r;
	struct alit_opts o;
	char biz[128];

	snprintf(biz, sizeof(biz), "{\"trade_no\":\"%s\"}", trade_no);
	memset(&o, 0, sizeof(o));
	o.corrupt_sign = 1;
	alit_call_opts(a, "alipay.trade.query", biz, &o, &r);
	sbt_ok(strcmp(r.code, "40002") == 0 && strcmp(r.sub_code, "isv.invalid-signature") == 0 &&
	               strcmp(alit_str(&r, "msg"), "Invalid Arguments") == 0 &&
	               strstr(r.sub_msg, "验签出错") && strstr(r.sub_msg, "&amp;method=") &&
	               strcmp(r.root, "alipay_trade_query_response") == 0 && r.verified,
	       "a bad signature: 40002 isv.invalid-signature, the gateway's sign string in "
	       "sub_msg, signed");
	alit_reply_free(&r);

	memset(&o, 0, sizeof(o));
	o.sign_without_type = 1;
	alit_call_opts(a, "alipay.trade.query", biz, &o, &r);
	sbt_ok(strcmp(r.sub_code, "isv.invalid-signature") == 0,
	       "sign_type is part of the signed string: leaving it out fails");
	alit_reply_free(&r);

	memset(&o, 0, sizeof(o));
	o.app_id = "2021000000000000";
	alit_call_opts(a, "alipay.trade.query", biz, &o, &r);
	sbt_ok(strcmp(r.code, "40002") == 0 && strcmp(r.sub_code, "isv.invalid-app-id") == 0 &&
	               r.sign == NULL && strcmp(r.root, "alipay_trade_query_response") == 0,
	       "a wrong app_id: 40002 isv.invalid-app-id in the method's node, unsigned");
	alit_reply_free(&r);

	memset(&o, 0, sizeof(o));
	o.method = "";
	alit_call_opts(a, "alipay.trade.query", biz, &o, &r);
	sbt_ok(strcmp(r.root, "error_response") == 0 && strcmp(r.code, "40001") == 0 &&
	               strcmp(r.sub_code, "isv.missing-method") == 0 && r.sign == NULL,
	       "no method: error_response 40001 isv.missing-method, unsigned");
	alit_reply_free(&r);

	alit_call(a, "alipay.trade.nosuchthing", biz, &r);
	sbt_ok(strcmp(r.root, "error_response") == 0 &&
	               strcmp(r.sub_code, "isv.invalid-method") == 0,
	       "an unknown method: error_response 40002 isv.invalid-method");
	alit_reply_free(&r);

	memset(&o, 0, sizeof(o));
	o.timestamp = "2026/01/01 08:00:00";
	alit_call_opts(a, "alipay.trade.query", biz, &o, &r);
	sbt_ok(strcmp(r.code, "40002") == 0 && strcmp(r.sub_code, "isv.invalid-timestamp") == 0 &&
	               r.verified,
	       "a timestamp not yyyy-MM-dd HH:mm:ss: 40002 isv.invalid-timestamp");
	alit_reply_free(&r);

	memset(&o, 0, sizeof(o));
	o.no_sign = 1;
	alit_call_opts(a, "alipay.trade.query", biz, &o, &r);
	sbt_ok(strcmp(r.code, "40001") == 0 && strcmp(r.sub_code, "isv.missing-signature") == 0,
	       "no sign: 40001 isv.missing-signature");
	alit_reply_free(&r);

	memset(&o, 0, sizeof(o));
	o.sign_type = "RSA";
	alit_call_opts(a, "alipay.trade.query", biz, &o, &r);
	sbt_ok(strcmp(r.sub_code, "isv.missing-signature-config") == 0,
	       "sign_type RSA for an app with an RSA2 key only: isv.missing-signature-config");
	alit_reply_free(&r);

	memset(&o, 0, sizeof(o));
	o.extra_name = "app_auth_token";
	o.extra_value = "202601BB0000000000000000000000000000";
	alit_call_opts(a, "alipay.trade.query", biz, &o, &r);
	sbt_ok(strcmp(r.code, "20001") == 0 &&
	               strcmp(r.sub_code, "aop.invalid-app-auth-token") == 0,
	       "an app_auth_token this merchant never issued: 20001");
	alit_reply_free(&r);

	alit_call(a, "alipay.trade.pay", "{}", &r);
	sbt_ok(strcmp(r.code, "40006") == 0 &&
	               strcmp(r.sub_code, "isv.insufficient-isv-permissions") == 0 && r.verified,
	       "a real method the app has not signed up for: 40006");
	alit_reply_free(&r);

	alit_call(a, "alipay.trade.query", "{\"trade_no\":", &r);
	sbt_ok(strcmp(r.code, "40002") == 0 && strcmp(r.sub_code, "isv.invalid-parameter") == 0,
	       "biz_content that is not JSON: 40002 isv.invalid-parameter");
	alit_reply_free(&r);

	alit_call(a, "alipay.trade.query", "{\"trade_no\":\"2026010122001000000000000000\"}", &r);
	sbt_ok(strcmp(r.code, "40004") == 0 && strcmp(r.sub_code, "ACQ.TRADE_NOT_EXIST") == 0 &&
	               strcmp(alit_str(&r, "msg"), "Business Failed") == 0 && r.verified,
	       "no such trade: 40004 ACQ.TRADE_NOT_EXIST, signed");
	alit_reply_free(&r);
}

static void fault(struct alit *a, const char *spec)
{
	json_t *j = alit_admin(a, "/_admin/faults", spec);

	json_decref(j);
}

static void check_faults(struct alit *a, const char *trade_no)
{
	static const char *const kinds[] = {"500", "502", "503"};
	struct alit_reply r;
	char biz[160], spec[128];
	double t0;
	struct timespec ts;

	snprintf(biz, sizeof(biz), "{\"trade_no\":\"%s\"}", trade_no);
	for (int i = 0; i < 3; i++) {
		snprintf(spec, sizeof(spec), "kind=%s&count=1", kinds[i]);
		fault(a, spec);
		alit_call(a, "alipay.trade.query", biz, &r);
		sbt_ok(r.http.status == atol(kinds[i]) && r.node == NULL,
		       "fault %s (default path /gateway.do): HTTP %s, no node", kinds[i], kinds[i]);
		alit_reply_free(&r);
	}
	fault(a, "kind=429&count=1&retry_after=3");
	alit_call(a, "alipay.trade.query", biz, &r);
	sbt_ok(r.http.status == 429 && strcmp(r.http.retry_after, "3") == 0,
	       "fault 429 carries Retry-After");
	alit_reply_free(&r);
	alit_call(a, "alipay.trade.query", biz, &r);
	sbt_ok(strcmp(r.code, "10000") == 0, "after the faults the next call is served");
	alit_reply_free(&r);

	fault(a, "kind=reset&count=1");
	alit_call(a, "alipay.trade.query", biz, &r);
	sbt_ok(r.http.curl_error != 0, "reset: the connection breaks off mid-body");
	alit_reply_free(&r);

	fault(a, "kind=20000&count=1&path=/gateway.do/alipay.trade.refund");
	alit_call(a, "alipay.trade.query", biz, &r);
	sbt_ok(strcmp(r.code, "10000") == 0, "a fault on /gateway.do/<method> leaves others alone");
	alit_reply_free(&r);
	snprintf(biz, sizeof(biz),
	         "{\"trade_no\":\"%s\",\"refund_amount\":\"0.01\","
	         "\"out_request_no\":\"f1\"}",
	         trade_no);
	alit_call(a, "alipay.trade.refund", biz, &r);
	sbt_ok(strcmp(r.code, "20000") == 0 && strcmp(r.sub_code, "isp.unknown-error") == 0 &&
	               r.verified,
	       "fault 20000: Service Currently Unavailable, signed");
	alit_reply_free(&r);
	alit_call(a, "alipay.trade.refund", biz, &r);
	sbt_ok(strcmp(alit_str(&r, "fund_change"), "Y") == 0,
	       "and nothing was done: the retry refunds (fund_change Y)");
	alit_reply_free(&r);

	fault(a, "kind=truncate&count=1");
	snprintf(biz, sizeof(biz),
	         "{\"trade_no\":\"%s\",\"refund_amount\":\"0.01\","
	         "\"out_request_no\":\"f2\"}",
	         trade_no);
	alit_call(a, "alipay.trade.refund", biz, &r);
	sbt_ok(r.http.status == 200 && r.http.json == NULL && r.http.len > 0 &&
	               (long)r.http.len == r.http.content_length,
	       "truncate: a 200 whose JSON is cut in half (Content-Length matches)");
	alit_reply_free(&r);
	alit_call(a, "alipay.trade.refund", biz, &r);
	sbt_ok(strcmp(alit_str(&r, "fund_change"), "N") == 0,
	       "the truncated refund was made: the retry answers fund_change N");
	alit_reply_free(&r);

	fault(a, "kind=commit_then_reset&count=1");
	snprintf(biz, sizeof(biz),
	         "{\"trade_no\":\"%s\",\"refund_amount\":\"0.01\","
	         "\"out_request_no\":\"f3\"}",
	         trade_no);
	alit_call(a, "alipay.trade.refund", biz, &r);
	sbt_ok(r.http.curl_error != 0 && r.node == NULL, "commit_then_reset: no reply at all");
	alit_reply_free(&r);
	alit_call(a, "alipay.trade.refund", biz, &r);
	sbt_ok(strcmp(alit_str(&r, "fund_change"), "N") == 0 &&
	               strcmp(alit_str(&r, "refund_fee"), "0.03") == 0,
	       "but the refund was committed: the retry answers fund_change N, refund_fee 0.03");
	alit_reply_free(&r);

	fault(a, "kind=stall&count=1&seconds=1");
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	snprintf(biz, sizeof(biz), "{\"trade_no\":\"%s\"}", trade_no);
	alit_call(a, "alipay.trade.query", biz, &r);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	sbt_ok(strcmp(r.code, "10000") == 0 &&
	               (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - t0 >= 0.9,
	       "stall: the reply comes after the pause, and is served");
	alit_reply_free(&r);

	fault(a, "kind=badsign&count=1");
	alit_call(a, "alipay.trade.query", biz, &r);
	sbt_ok(strcmp(r.code, "10000") == 0 && r.sign && !r.verified,
	       "badsign: a well-formed reply whose signature does not verify");
	alit_reply_free(&r);

	fault(a, "kind=tamper&count=1");
	alit_call(a, "alipay.trade.query", biz, &r);
	sbt_ok(r.json && r.sign && !r.verified,
	       "tamper: a byte of the node changed after signing; it no longer verifies");
	alit_reply_free(&r);

	fault(a, "kind=dupnode&count=1");
	alit_call(a, "alipay.trade.query", biz, &r);
	{
		json_error_t e;
		json_t *strict = json_loadb(r.http.body, r.http.len, JSON_REJECT_DUPLICATES, &e);

		sbt_ok(r.duplicated && r.verified && strict == NULL,
		       "dupnode: the signed node, then the same name again with other content "
		       "(EasySDK's check finds it; a strict parser refuses it)");
		json_decref(strict);
	}
	alit_reply_free(&r);

	{
		json_t *j = alit_admin(a, "/_admin/faults", "kind=nosuch");

		sbt_ok(j && strstr(json_string_value(
		                           json_object_get(json_object_get(j, "error"), "message")),
		                   "badsign, dupnode, tamper, 20000") != NULL,
		       "an unknown fault kind is refused and the platform's kinds are named");
		json_decref(j);
	}
}

static void check_request_log(struct alit *a)
{
	json_t *j = alit_admin(a, "/_admin/requests", NULL);
	json_t *data = json_object_get(j, "data");
	json_t *last = json_array_get(data, json_array_size(data) - 1);
	const char *key = json_string_value(json_object_get(last, "key"));
	char tail[16];

	snprintf(tail, sizeof(tail), "…%s", a->app_id + 12);
	sbt_ok(key && strcmp(key, tail) == 0 &&
	               strcmp(json_string_value(json_object_get(last, "path")), "/gateway.do") == 0,
	       "the request log shows the app_id masked as the key (%s)", key ? key : "null");
	json_decref(j);
}

int main(void)
{
	struct alit a;
	char trade_no[64];

	alit_make_merchant(&a);
	alit_start(&a, seed_args);
	new_trade(&a, trade_no, sizeof(trade_no));
	check_signed_call(&a, trade_no);
	check_bad_calls(&a, trade_no);
	check_faults(&a, trade_no);
	check_request_log(&a);
	sbt_ok(sbt_stop(&a.srv) == 0, "SIGTERM: the sandbox exits 0");
	alit_free(&a);
	return sbt_done();
}
