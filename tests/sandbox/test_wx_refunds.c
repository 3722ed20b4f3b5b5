/* --platform wechatpay orders and refunds: the point queries (every trade state, coupons),
 * out_refund_no's semantics (the same number refunds once; another amount is refused),
 * the limits (what is left, the order's total, 50 refunds), PROCESSING -> SUCCESS or
 * ABNORMAL on the sandbox clock, live activity, and a refund in its day's bills. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/sandbox/wxt.h"

#define NOON "1767240000" /* 2026-01-01 12:00 Shanghai */

static struct wxt_merchant m;
static char dir[512];
static struct sbt_server srv;

static const char *str(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

static long long num(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static json_t *admin_get(const char *path)
{
	struct sbt_resp r;
	json_t *j;

	sbt_request(&srv, "GET", path, NULL, NULL, NULL, 0, &r);
	j = json_incref(r.json);
	sbt_resp_free(&r);
	return j;
}

static void advance(int seconds)
{
	struct sbt_resp r;
	char body[32];

	snprintf(body, sizeof(body), "seconds=%d", seconds);
	sbt_request(&srv, "POST", "/_admin/advance", body, NULL, NULL, 0, &r);
	sbt_resp_free(&r);
	wxt_sync_clock(&srv);
}

/* GET an order by transaction_id (by_id) or out_trade_no; caller frees. */
static json_t *order(int by_id, const char *key)
{
	struct wxt_resp r;
	char path[256];
	json_t *j;

	snprintf(path, sizeof(path), "/v3/pay/transactions/%s/%s?mchid=%s",
	         by_id ? "id" : "out-trade-no", key, m.mchid);
	wxt_call(&srv, &m, "GET", path, NULL, NULL, 0, &r);
	j = r.status == 200 && wxt_verify(&r, m.wxpub) ? json_incref(r.json) : NULL;
	wxt_resp_free(&r);
	return j;
}

static void refund(const char *tid, const char *no, long long amount, long long total,
                   const char *extra, struct wxt_resp *r)
{
	char body[1024];

	snprintf(body, sizeof(body),
	         "{\"transaction_id\":\"%s\",\"out_refund_no\":\"%s\",\"amount\":{\"refund\":%lld,"
	         "\"total\":%lld,\"currency\":\"CNY\"}%s}",
	         tid, no, amount, total, extra ? extra : "");
	wxt_call(&srv, &m, "POST", "/v3/refund/domestic/refunds", body, NULL, 0, r);
}

static int is_error(const struct wxt_resp *r, long status, const char *code, const char *msg)
{
	return r->status == status && strcmp(str(r->json, "code"), code) == 0 &&
	       (msg == NULL || strcmp(str(r->json, "message"), msg) == 0) && wxt_verify(r, m.wxpub);
}

static void check_orders(void)
{
	static const char *const states[] = {"NOTPAY", "CLOSED", "REVOKED", "USERPAYING",
	                                     "PAYERROR"};
	struct sbt_resp a;
	struct wxt_resp r;
	json_t *o, *o2, *list;
	char tid[64], path[256];
	size_t i;
	int coupon = 0, bad = 0;

	sbt_request(&srv, "POST", "/_admin/create", "orders=2", NULL, NULL, 0, &a);
	snprintf(tid, sizeof(tid), "%s",
	         json_string_value(json_array_get(json_object_get(a.json, "orders"), 0)));
	sbt_ok(json_array_size(json_object_get(a.json, "orders")) == 2 && strlen(tid) == 28,
	       "create orders=2: two transaction ids (28 digits)");
	sbt_resp_free(&a);
	o = order(1, tid);
	sbt_ok(o && strcmp(str(o, "transaction_id"), tid) == 0 &&
	               strcmp(str(o, "mchid"), m.mchid) == 0 &&
	               strncmp(str(o, "appid"), "wx", 2) == 0 &&
	               strcmp(str(o, "trade_state"), "SUCCESS") == 0 &&
	               strcmp(str(o, "trade_state_desc"), "支付成功") == 0 &&
	               strncmp(str(o, "success_time"), "2026-01-01T", 11) == 0 &&
	               strstr(str(o, "success_time"), "+08:00") &&
	               strlen(str(json_object_get(o, "payer"), "openid")) == 28 &&
	               str(o, "bank_type")[0] && str(o, "trade_type")[0] &&
	               strcmp(str(json_object_get(o, "amount"), "currency"), "CNY") == 0 &&
	               strcmp(str(json_object_get(o, "amount"), "payer_currency"), "CNY") == 0 &&
	               num(json_object_get(o, "amount"), "total") > 0,
	       "an order paid today: the official fields, success_time in +08:00, fen");
	o2 = o ? order(0, str(o, "out_trade_no")) : NULL;
	sbt_ok(o2 && json_equal(o, o2), "the same order by out_trade_no");
	json_decref(o2);
	json_decref(o);
	snprintf(path, sizeof(path), "/v3/pay/transactions/id/%s", tid);
	wxt_call(&srv, &m, "GET", path, NULL, NULL, 0, &r);
	sbt_ok(is_error(&r, 400, "PARAM_ERROR", NULL), "no mchid: 400 PARAM_ERROR");
	wxt_resp_free(&r);
	snprintf(path, sizeof(path),
	         "/v3/pay/transactions/id/4200000000202601010000000000?mchid=%s", m.mchid);
	wxt_call(&srv, &m, "GET", path, NULL, NULL, 0, &r);
	sbt_ok(is_error(&r, 404, "ORDER_NOT_EXIST", NULL), "an unknown order: 404 ORDER_NOT_EXIST");
	wxt_resp_free(&r);
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		json_t *x;
		int paid_fields;

		snprintf(path, sizeof(path), "/_admin/wechatpay/orders?trade_state=%s&limit=1",
		         states[i]);
		list = admin_get(path);
		x = order(0, str(json_array_get(json_object_get(list, "data"), 0), "out_trade_no"));
		paid_fields = x && json_object_get(x, "success_time") != NULL;
		sbt_ok(x && strcmp(str(x, "trade_state"), states[i]) == 0 && !paid_fields &&
		               (i >= 2) == (json_object_get(x, "transaction_id") != NULL),
		       "a seeded %s order: no success_time%s", states[i],
		       i >= 2 ? ", a transaction_id" : ", no transaction_id");
		json_decref(x);
		json_decref(list);
	}
	list = admin_get("/_admin/wechatpay/orders?trade_state=SUCCESS&limit=300");
	for (i = 0; i < json_array_size(json_object_get(list, "data")) && coupon < 3; i++) {
		json_t *x = order(
		        0, str(json_array_get(json_object_get(list, "data"), i), "out_trade_no"));
		json_t *p = json_array_get(json_object_get(x, "promotion_detail"), 0);

		if (p) {
			coupon++;
			bad += num(json_object_get(x, "amount"), "payer_total") !=
			               num(json_object_get(x, "amount"), "total") -
			                       num(p, "amount") ||
			       (strcmp(str(p, "type"), "CASH") != 0 &&
			        strcmp(str(p, "type"), "NOCASH") != 0);
		}
		json_decref(x);
	}
	json_decref(list);
	sbt_ok(coupon > 0 && bad == 0,
	       "coupon orders: promotion_detail (CASH or NOCASH) and payer_total = total - coupon");
}

/* A paid, unrefunded order of at least `min` fen other than `avoid`: its transaction_id and
 * total. The newest orders include live ones of random amounts, so the two picks must not
 * rely on the order of the list to differ. */
static int fresh_order(long long min, const char *avoid, char *tid, long long *total)
{
	json_t *list = admin_get("/_admin/wechatpay/orders?trade_state=SUCCESS&limit=200");
	size_t i;
	int found = 0;

	for (i = 0; !found && i < json_array_size(json_object_get(list, "data")); i++) {
		json_t *e = json_array_get(json_object_get(list, "data"), i);
		json_t *o = order(1, str(e, "transaction_id"));

		if (o && num(json_object_get(o, "amount"), "total") >= min &&
		    json_object_get(o, "promotion_detail") == NULL &&
		    (avoid == NULL || strcmp(str(o, "transaction_id"), avoid) != 0)) {
			snprintf(tid, 64, "%s", str(o, "transaction_id"));
			*total = num(json_object_get(o, "amount"), "total");
			found = 1;
		}
		json_decref(o);
	}
	json_decref(list);
	return found;
}

static void check_refunds(void)
{
	struct wxt_resp r, again;
	char tid[64], tid2[64], no[80], reason[512];
	long long total, total2;
	json_t *o;
	int i;

	if (!fresh_order(300, NULL, tid, &total) || !fresh_order(100, tid, tid2, &total2)) {
		sbt_ok(0, "found orders to refund");
		return;
	}
	refund(tid, "RF-A_1|*@", 100, total, ",\"reason\":\"商品已售完\"", &r);
	sbt_ok(r.status == 200 && wxt_verify(&r, m.wxpub) &&
	               strcmp(str(r.json, "status"), "PROCESSING") == 0 &&
	               strlen(str(r.json, "refund_id")) == 29 &&
	               strcmp(str(r.json, "transaction_id"), tid) == 0 &&
	               strcmp(str(r.json, "channel"), "ORIGINAL") == 0 &&
	               str(r.json, "create_time")[0] && str(r.json, "user_received_account")[0] &&
	               num(json_object_get(r.json, "amount"), "refund") == 100 &&
	               num(json_object_get(r.json, "amount"), "total") == total &&
	               num(json_object_get(r.json, "amount"), "settlement_refund") == 100 &&
	               num(json_object_get(r.json, "amount"), "payer_refund") == 100 &&
	               json_object_get(json_object_get(r.json, "amount"), "refund_fee") &&
	               json_object_get(r.json, "success_time") == NULL,
	       "a refund: PROCESSING, the refund object's fields and amounts");
	refund(tid, "RF-A_1|*@", 100, total, ",\"reason\":\"商品已售完\"", &again);
	sbt_ok(again.status == 200 &&
	               strcmp(str(again.json, "refund_id"), str(r.json, "refund_id")) == 0,
	       "the same out_refund_no with the same amounts returns the same refund");
	wxt_resp_free(&again);
	wxt_resp_free(&r);
	refund(tid, "RF-A_1|*@", 101, total, NULL, &r);
	sbt_ok(is_error(&r, 400, "INVALID_REQUEST",
	                "订单金额或退款金额与之前请求不一致，请核实后再试"),
	       "the same out_refund_no with another amount: 400 INVALID_REQUEST");
	wxt_resp_free(&r);
	refund(tid, "RF-A2", total - 99, total, NULL, &r);
	sbt_ok(is_error(&r, 400, "INVALID_REQUEST", "申请退款金额超过订单可退金额"),
	       "more than is left (the retry refunded once): 申请退款金额超过订单可退金额");
	wxt_resp_free(&r);
	refund(tid, "RF-A3", 1, total + 1, NULL, &r);
	sbt_ok(is_error(&r, 400, "INVALID_REQUEST", NULL), "a total unlike the order's: 400");
	wxt_resp_free(&r);
	refund("4200000000202601010000000000", "RF-X", 1, 100, NULL, &r);
	sbt_ok(is_error(&r, 404, "RESOURCE_NOT_EXISTS", NULL), "an unknown order: 404");
	wxt_resp_free(&r);
	refund(tid, "has space", 1, total, NULL, &r);
	sbt_ok(is_error(&r, 400, "PARAM_ERROR", NULL),
	       "an out_refund_no with a space: PARAM_ERROR");
	wxt_resp_free(&r);
	memset(no, 'x', 65);
	no[65] = '\0';
	refund(tid, no, 1, total, NULL, &r);
	sbt_ok(is_error(&r, 400, "PARAM_ERROR", NULL),
	       "an out_refund_no of 65 characters: PARAM_ERROR");
	wxt_resp_free(&r);
	{
		size_t len = (size_t)snprintf(reason, sizeof(reason), ",\"reason\":\"");

		for (i = 0; i < 81 && len + 4 < sizeof(reason); i++)
			len += (size_t)snprintf(reason + len, sizeof(reason) - len, "退");
		snprintf(reason + len, sizeof(reason) - len, "\"");
	}
	refund(tid, "RF-A4", 1, total, reason, &r);
	sbt_ok(is_error(&r, 400, "PARAM_ERROR", NULL), "a reason of 81 characters: PARAM_ERROR");
	wxt_resp_free(&r);
	wxt_call(&srv, &m, "POST", "/v3/refund/domestic/refunds", "{\"out_refund_no\":\"RF-A5\"}",
	         NULL, 0, &r);
	sbt_ok(is_error(&r, 400, "PARAM_ERROR", NULL), "no order and no amount: PARAM_ERROR");
	wxt_resp_free(&r);
	o = order(1, tid);
	sbt_ok(o && strcmp(str(o, "trade_state"), "REFUND") == 0, "a refunded order is in REFUND");
	json_decref(o);
	advance(6);
	wxt_call(&srv, &m, "GET", "/v3/refund/domestic/refunds/RF-A_1%7C*@", NULL, NULL, 0, &r);
	sbt_ok(r.status == 200 && strcmp(str(r.json, "status"), "SUCCESS") == 0 &&
	               str(r.json, "success_time")[0] && wxt_verify(&r, m.wxpub),
	       "a few seconds of sandbox clock later the refund is SUCCESS, with success_time");
	wxt_resp_free(&r);
	refund(tid, "RF-A6", total - 100, total, NULL, &r);
	wxt_resp_free(&r);
	refund(tid, "RF-A7", 1, total, NULL, &r);
	sbt_ok(is_error(&r, 400, "INVALID_REQUEST", NULL), "a fully refunded order takes no more");
	wxt_resp_free(&r);
	wxt_call(&srv, &m, "GET", "/v3/refund/domestic/refunds/NO-SUCH", NULL, NULL, 0, &r);
	sbt_ok(is_error(&r, 404, "RESOURCE_NOT_EXISTS", NULL), "an unknown out_refund_no: 404");
	wxt_resp_free(&r);
	/* One number in 50 ends ABNORMAL: FNV-1a-64 of out_refund_no divisible by 50. */
	for (i = 0; i < 100000; i++) {
		snprintf(no, sizeof(no), "AB-%d", i);
		if (wxt_fnv(0xcbf29ce484222325ULL, no) % 50 == 0)
			break;
	}
	refund(tid2, no, 1, total2, NULL, &r);
	wxt_resp_free(&r);
	advance(6);
	snprintf(reason, sizeof(reason), "/v3/refund/domestic/refunds/%s", no);
	wxt_call(&srv, &m, "GET", reason, NULL, NULL, 0, &r);
	sbt_ok(strcmp(str(r.json, "status"), "ABNORMAL") == 0, "%s ends ABNORMAL", no);
	wxt_resp_free(&r);
	for (i = 1; i <= 50; i++) {
		snprintf(no, sizeof(no), "L-%d", i);
		refund(tid2, no, 1, total2, NULL, &r);
		if (r.status != 200)
			break;
		wxt_resp_free(&r);
	}
	sbt_ok(i == 50 && is_error(&r, 400, "INVALID_REQUEST", NULL),
	       "an order takes at most 50 refunds (the 51st is refused)");
	wxt_resp_free(&r);
}

static void check_live_and_bills(void)
{
	struct sbt_resp a;
	struct wxt_resp r, d;
	json_t *before, *after;
	char *bill;
	long long n_before, n_after;
	int found = 0, flows = 0;

	before = admin_get("/_admin/checksum");
	sbt_request(&srv, "POST", "/_admin/create",
	            "orders=3&refunds=2&complaints=2&complaint_updates=2", NULL, NULL, 0, &a);
	sbt_ok(a.status == 200 && json_array_size(json_object_get(a.json, "orders")) == 3 &&
	               json_array_size(json_object_get(a.json, "refunds")) == 2 &&
	               json_array_size(json_object_get(a.json, "complaints")) == 2 &&
	               json_array_size(json_object_get(a.json, "complaint_updates")) == 2,
	       "create orders=3&refunds=2&complaints=2&complaint_updates=2 returns their ids");
	sbt_resp_free(&a);
	sbt_request(&srv, "POST", "/_admin/create", "orders=1&bogus=2", NULL, NULL, 0, &a);
	sbt_ok(a.status == 400, "an unknown parameter is refused");
	sbt_resp_free(&a);
	/* To tomorrow 10:30: today's refunds are in yesterday's bills now. */
	advance(81000);
	after = admin_get("/_admin/checksum");
	n_before = num(json_object_get(before, "refunds"), "count");
	n_after = num(json_object_get(after, "refunds"), "count");
	sbt_ok(n_after >= n_before + 54,
	       "the checksum counts the refunds of the last complete day (%lld -> %lld)", n_before,
	       n_after);
	json_decref(before);
	json_decref(after);
	wxt_call(&srv, &m, "GET", "/v3/bill/tradebill?bill_date=2026-01-01&bill_type=REFUND", NULL,
	         NULL, 0, &r);
	wxt_call(&srv, &m, "GET", str(r.json, "download_url"), NULL, NULL, 0, &d);
	bill = d.body ? d.body : "";
	found = strstr(bill, "`RF-A_1|*@,") != NULL && strstr(bill, "`L-49,") != NULL &&
	        strstr(bill, "`ABNORMAL,") != NULL;
	sbt_ok(d.status == 200 && found,
	       "yesterday's REFUND bill lists the refunds made, ABNORMAL ones too");
	wxt_resp_free(&d);
	wxt_resp_free(&r);
	wxt_call(&srv, &m, "GET", "/v3/bill/fundflowbill?bill_date=2026-01-01", NULL, NULL, 0, &r);
	wxt_call(&srv, &m, "GET", str(r.json, "download_url"), NULL, NULL, 0, &d);
	for (bill = d.body; bill && (bill = strstr(bill, ",`退款,`退款,`支出,")) != NULL; bill++)
		flows++;
	sbt_ok(d.status == 200 && flows >= 54, "and the fund flow bill debits them (%d)", flows);
	wxt_resp_free(&d);
	wxt_resp_free(&r);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	const char *args[] = {"--platform", "wechatpay", "--merchant", dir,  "--orders", "3000",
	                      "--days",     "30",        "--now",      NOON, NULL};
	char cmd[600];

	snprintf(dir, sizeof(dir), "%s/wx-refunds.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL || rmdir(dir) != 0 || wxt_init_merchant(dir) != 0 ||
	    wxt_load(&m, dir) != 0) {
		printf("Bail out! cannot make a merchant in %s\n", dir);
		return 1;
	}
	sbt_start(&srv, args);
	wxt_sync_clock(&srv);
	check_orders();
	check_refunds();
	check_live_and_bills();
	sbt_ok(sbt_stop(&srv) == 0, "the sandbox exits cleanly");
	wxt_free(&m);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		sbt_diag("could not remove %s", dir);
	return sbt_done();
}
