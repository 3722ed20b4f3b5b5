/* Alipay's trades, refunds, account log and complaints over real HTTP: trade.query,
 * refunds exactly once per out_request_no and their errors, fastpay.refund.query, the
 * account log's pages, 31-day limit, near real time and daily withdrawal, and the trade
 * complaint calls with image upload. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/sandbox/alit.h"

static const char *const seed_args[] = {"--seed", "7",     "--orders", "3000", "--days",
                                        "40",     "--now", SBT_NOW,    NULL};

static void created(struct alit *a, const char *form, const char *kind, int i, char *out, size_t n)
{
	json_t *j = alit_admin(a, "/_admin/create", form);
	json_t *v = json_array_get(json_object_get(j, kind), (size_t)i);

	snprintf(out, n, "%s", json_is_string(v) ? json_string_value(v) : "");
	json_decref(j);
}

static void call(struct alit *a, const char *method, struct alit_reply *r, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static void call(struct alit *a, const char *method, struct alit_reply *r, const char *fmt, ...)
{
	char biz[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(biz, sizeof(biz), fmt, ap);
	va_end(ap);
	alit_call(a, method, biz, r);
	if (!r->verified && r->sign)
		sbt_diag("%s: reply does not verify", method);
}

static void check_query(struct alit *a)
{
	struct alit_reply r, q;
	char trade_no[64];
	long long total, receipt, buyer;

	created(a, "orders=1", "orders", 0, trade_no, sizeof(trade_no));
	call(a, "alipay.trade.query", &r, "{\"trade_no\":\"%s\"}", trade_no);
	total = alit_fen(alit_str(&r, "total_amount"));
	receipt = alit_fen(alit_str(&r, "receipt_amount"));
	buyer = alit_fen(alit_str(&r, "buyer_pay_amount"));
	sbt_ok(strcmp(r.code, "10000") == 0 && total > 0 && receipt > 0 && receipt <= total &&
	               buyer > 0 && buyer <= receipt &&
	               alit_fen(alit_str(&r, "point_amount")) != ALIT_BAD &&
	               alit_fen(alit_str(&r, "invoice_amount")) != ALIT_BAD &&
	               strlen(alit_str(&r, "send_pay_date")) == 19 &&
	               json_array_size(json_object_get(r.json, "fund_bill_list")) >= 1,
	       "trade.query: yuan strings, receipt <= total, send_pay_date, fund_bill_list");
	sbt_ok(strstr(alit_str(&r, "buyer_logon_id"), "***") != NULL ||
	               strstr(alit_str(&r, "buyer_logon_id"), "****") != NULL,
	       "the buyer's logon id is masked (%s)", alit_str(&r, "buyer_logon_id"));
	call(a, "alipay.trade.query", &q, "{\"out_trade_no\":\"%s\"}",
	     alit_str(&r, "out_trade_no"));
	sbt_ok(q.node && r.node && strcmp(q.node, r.node) == 0,
	       "by out_trade_no the same trade, byte for byte");
	alit_reply_free(&q);
	call(a, "alipay.trade.query", &q, "{}");
	sbt_ok(strcmp(q.sub_code, "ACQ.INVALID_PARAMETER") == 0,
	       "neither trade_no nor out_trade_no: ACQ.INVALID_PARAMETER");
	alit_reply_free(&q);
	alit_reply_free(&r);
}

static void check_refunds(struct alit *a)
{
	struct alit_reply r;
	char trade_no[64], out_trade_no[64];
	long long total, half;
	char amt[32], rest[32], one[32];

	created(a, "orders=1", "orders", 0, trade_no, sizeof(trade_no));
	call(a, "alipay.trade.query", &r, "{\"trade_no\":\"%s\"}", trade_no);
	total = alit_fen(alit_str(&r, "total_amount"));
	snprintf(out_trade_no, sizeof(out_trade_no), "%s", alit_str(&r, "out_trade_no"));
	alit_reply_free(&r);
	half = total / 2;
	snprintf(amt, sizeof(amt), "%lld.%02lld", half / 100, half % 100);
	snprintf(rest, sizeof(rest), "%lld.%02lld", (total - half) / 100, (total - half) % 100);
	snprintf(one, sizeof(one), "%lld.%02lld", (total + 1) / 100, (total + 1) % 100);

	call(a, "alipay.trade.refund", &r, "{\"trade_no\":\"%s\",\"refund_amount\":\"%s\"}",
	     trade_no, amt);
	sbt_ok(strcmp(r.sub_code, "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL") == 0,
	       "a partial refund without out_request_no: ACQ.REFUND_AMT_NOT_EQUAL_TOTAL");
	alit_reply_free(&r);
	call(a, "alipay.trade.refund", &r,
	     "{\"trade_no\":\"%s\",\"refund_amount\":\"%s\",\"out_request_no\":\"x\"}", trade_no,
	     one);
	sbt_ok(strcmp(r.sub_code, "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL") == 0,
	       "more than the trade's total: ACQ.REFUND_AMT_NOT_EQUAL_TOTAL");
	alit_reply_free(&r);
	call(a, "alipay.trade.refund", &r,
	     "{\"out_trade_no\":\"%s\",\"refund_amount\":\"%s\",\"out_request_no\":\"rq1\","
	     "\"refund_reason\":\"顾客不想要了\"}",
	     out_trade_no, amt);
	sbt_ok(strcmp(r.code, "10000") == 0 && strcmp(alit_str(&r, "fund_change"), "Y") == 0 &&
	               alit_fen(alit_str(&r, "refund_fee")) == half &&
	               alit_fen(alit_str(&r, "send_back_fee")) > 0 &&
	               strlen(alit_str(&r, "gmt_refund_pay")) == 19 &&
	               strcmp(alit_str(&r, "trade_no"), trade_no) == 0,
	       "a partial refund with out_request_no: fund_change Y, refund_fee = what was "
	       "refunded");
	alit_reply_free(&r);
	call(a, "alipay.trade.refund", &r,
	     "{\"trade_no\":\"%s\",\"refund_amount\":\"%s\",\"out_request_no\":\"rq1\"}", trade_no,
	     amt);
	sbt_ok(strcmp(r.code, "10000") == 0 && strcmp(alit_str(&r, "fund_change"), "N") == 0 &&
	               alit_fen(alit_str(&r, "refund_fee")) == half,
	       "the same out_request_no and amount again: the earlier result, fund_change N");
	alit_reply_free(&r);
	call(a, "alipay.trade.refund", &r,
	     "{\"trade_no\":\"%s\",\"refund_amount\":\"0.01\",\"out_request_no\":\"rq1\"}",
	     trade_no);
	sbt_ok(strcmp(r.sub_code, "ACQ.DISCORDANT_REPEAT_REQUEST") == 0,
	       "the same out_request_no with another amount: ACQ.DISCORDANT_REPEAT_REQUEST");
	alit_reply_free(&r);
	call(a, "alipay.trade.refund", &r,
	     "{\"trade_no\":\"%s\",\"refund_amount\":\"%s\",\"out_request_no\":\"rq2\"}", trade_no,
	     rest);
	sbt_ok(strcmp(r.code, "10000") == 0 && alit_fen(alit_str(&r, "refund_fee")) == total,
	       "a second step refunds the rest: refund_fee is the total so far");
	alit_reply_free(&r);
	call(a, "alipay.trade.refund", &r,
	     "{\"trade_no\":\"%s\",\"refund_amount\":\"0.01\",\"out_request_no\":\"rq3\"}",
	     trade_no);
	sbt_ok(strcmp(r.sub_code, "ACQ.TRADE_HAS_CLOSE") == 0,
	       "a fully refunded trade is TRADE_CLOSED: a further refund gets ACQ.TRADE_HAS_CLOSE");
	alit_reply_free(&r);
	call(a, "alipay.trade.query", &r, "{\"trade_no\":\"%s\"}", trade_no);
	sbt_ok(strcmp(alit_str(&r, "trade_status"), "TRADE_CLOSED") == 0,
	       "trade.query shows TRADE_CLOSED after the full refund");
	alit_reply_free(&r);

	call(a, "alipay.trade.fastpay.refund.query", &r,
	     "{\"trade_no\":\"%s\",\"out_request_no\":\"rq1\",\"query_options\":[\"gmt_refund_"
	     "pay\"]}",
	     trade_no);
	sbt_ok(strcmp(r.code, "10000") == 0 &&
	               strcmp(alit_str(&r, "refund_status"), "REFUND_SUCCESS") == 0 &&
	               alit_fen(alit_str(&r, "refund_amount")) == half &&
	               alit_fen(alit_str(&r, "total_amount")) == total &&
	               strlen(alit_str(&r, "gmt_refund_pay")) == 19,
	       "fastpay.refund.query: REFUND_SUCCESS, refund_amount, total_amount");
	alit_reply_free(&r);
	call(a, "alipay.trade.fastpay.refund.query", &r,
	     "{\"trade_no\":\"%s\",\"out_request_no\":\"never\"}", trade_no);
	sbt_ok(strcmp(r.code, "10000") == 0 && json_object_get(r.json, "refund_status") == NULL,
	       "a refund never made: still 10000, without refund_status");
	alit_reply_free(&r);

	/* In full without out_request_no: it defaults to out_trade_no. */
	created(a, "orders=1", "orders", 0, trade_no, sizeof(trade_no));
	call(a, "alipay.trade.query", &r, "{\"trade_no\":\"%s\"}", trade_no);
	snprintf(amt, sizeof(amt), "%s", alit_str(&r, "total_amount"));
	snprintf(out_trade_no, sizeof(out_trade_no), "%s", alit_str(&r, "out_trade_no"));
	alit_reply_free(&r);
	call(a, "alipay.trade.refund", &r, "{\"trade_no\":\"%s\",\"refund_amount\":\"%s\"}",
	     trade_no, amt);
	sbt_ok(strcmp(alit_str(&r, "fund_change"), "Y") == 0,
	       "a full refund without out_request_no");
	alit_reply_free(&r);
	call(a, "alipay.trade.fastpay.refund.query", &r,
	     "{\"trade_no\":\"%s\",\"out_request_no\":\"%s\"}", trade_no, out_trade_no);
	sbt_ok(strcmp(alit_str(&r, "refund_status"), "REFUND_SUCCESS") == 0,
	       "is found under out_request_no = out_trade_no");
	alit_reply_free(&r);

	created(a, "unpaid=1", "unpaid", 0, trade_no, sizeof(trade_no));
	call(a, "alipay.trade.query", &r, "{\"trade_no\":\"%s\"}", trade_no);
	sbt_ok(strcmp(alit_str(&r, "trade_status"), "WAIT_BUYER_PAY") == 0 &&
	               strcmp(alit_str(&r, "receipt_amount"), "0.00") == 0,
	       "an unpaid trade: WAIT_BUYER_PAY, nothing received");
	alit_reply_free(&r);
	call(a, "alipay.trade.refund", &r,
	     "{\"trade_no\":\"%s\",\"refund_amount\":\"0.01\","
	     "\"out_request_no\":\"u1\"}",
	     trade_no);
	sbt_ok(strcmp(r.sub_code, "ACQ.TRADE_STATUS_ERROR") == 0,
	       "refunding it: ACQ.TRADE_STATUS_ERROR");
	alit_reply_free(&r);
	json_decref(alit_admin(a, "/_admin/advance", "seconds=7300"));
	call(a, "alipay.trade.query", &r, "{\"trade_no\":\"%s\"}", trade_no);
	sbt_ok(strcmp(alit_str(&r, "trade_status"), "TRADE_CLOSED") == 0,
	       "two hours later it is TRADE_CLOSED (timed out)");
	alit_reply_free(&r);
	call(a, "alipay.trade.refund", &r,
	     "{\"trade_no\":\"%s\",\"refund_amount\":\"0.01\","
	     "\"out_request_no\":\"u1\"}",
	     trade_no);
	sbt_ok(strcmp(r.sub_code, "ACQ.TRADE_HAS_CLOSE") == 0, "refunding it: ACQ.TRADE_HAS_CLOSE");
	alit_reply_free(&r);
	call(a, "alipay.trade.refund", &r, "{\"trade_no\":\"%s\",\"refund_amount\":\"1.005\"}",
	     trade_no);
	sbt_ok(strcmp(r.sub_code, "ACQ.INVALID_PARAMETER") == 0,
	       "an amount with three decimals: ACQ.INVALID_PARAMETER");
	alit_reply_free(&r);
}

/* Walks the account log over [from, to) in pages of `size`; returns the entries. */
static json_t *walk_log(struct alit *a, const char *from, const char *to, int size, int *pages,
                        long long *total)
{
	json_t *all = json_array();
	int page;

	*total = -1;
	for (page = 1; page < 10000; page++) {
		struct alit_reply r;
		json_t *list;
		size_t got;

		call(a, "alipay.data.bill.accountlog.query", &r,
		     "{\"start_time\":\"%s\",\"end_time\":\"%s\",\"page_no\":\"%d\","
		     "\"page_size\":\"%d\"}",
		     from, to, page, size);
		list = json_object_get(r.json, "detail_list");
		*total = atoll(alit_str(&r, "total_size"));
		if (strcmp(r.code, "10000") != 0 || !r.verified) {
			alit_reply_free(&r);
			json_decref(all);
			return NULL;
		}
		json_array_extend(all, list);
		got = json_array_size(list);
		alit_reply_free(&r);
		if (got < (size_t)size)
			break;
	}
	*pages = page;
	return all;
}

static void check_accountlog(struct alit *a)
{
	long long now = alit_now(a), total;
	char from[32], to[32], far[32], trade_no[64];
	int pages = 0, ok = 1, withdrawals = 0;
	json_t *log;
	struct alit_reply r;
	size_t i;

	alit_time(alit_day(now) - 20 * 86400LL, from, sizeof(from));
	alit_time(alit_day(now), to, sizeof(to));
	log = walk_log(a, from, to, 1000, &pages, &total);
	for (i = 0; log && i < json_array_size(log); i++) {
		json_t *e = json_array_get(log, i);
		const char *id = json_string_value(json_object_get(e, "account_log_id"));
		const char *prev = i ? json_string_value(json_object_get(json_array_get(log, i - 1),
		                                                         "account_log_id"))
		                     : NULL;
		long long amount = alit_fen(json_string_value(json_object_get(e, "trans_amount")));
		const char *dir = json_string_value(json_object_get(e, "direction"));
		const char *type = json_string_value(json_object_get(e, "type"));

		if (id == NULL || (prev && strcmp(prev, id) >= 0) || amount == ALIT_BAD || !dir ||
		    strcmp(dir, amount >= 0 ? "收入" : "支出") != 0)
			ok = 0;
		if (type && strcmp(type, "提现") == 0) {
			const char *dt = json_string_value(json_object_get(e, "trans_dt"));

			withdrawals++;
			if (!dt || strcmp(dt + 11, "05:00:00") != 0 || amount >= 0)
				ok = 0;
		}
	}
	sbt_ok(log && pages > 1 && (long long)json_array_size(log) == total && ok,
	       "the account log's pages of 1000 add up to total_size (%lld), ids ascending, "
	       "收入/支出 by sign",
	       total);
	sbt_ok(withdrawals >= 19, "a withdrawal (提现) at 05:00 every day (%d in 20 days)",
	       withdrawals);
	json_decref(log);

	alit_time(alit_day(now) - 32 * 86400LL, far, sizeof(far));
	call(a, "alipay.data.bill.accountlog.query", &r,
	     "{\"start_time\":\"%s\",\"end_time\":\"%s\"}", far, to);
	sbt_ok(strcmp(r.code, "40002") == 0 && strcmp(r.sub_code, "isv.invalid-parameter") == 0,
	       "more than 31 days: 40002 isv.invalid-parameter");
	alit_reply_free(&r);
	alit_time(alit_day(now) - 31 * 86400LL, far, sizeof(far));
	call(a, "alipay.data.bill.accountlog.query", &r,
	     "{\"start_time\":\"%s\",\"end_time\":\"%s\",\"page_size\":\"2000\"}", far, to);
	sbt_ok(strcmp(r.code, "10000") == 0, "exactly 31 days is allowed");
	alit_reply_free(&r);
	call(a, "alipay.data.bill.accountlog.query", &r,
	     "{\"start_time\":\"%s\",\"end_time\":\"%s\",\"page_size\":\"999\"}", from, to);
	sbt_ok(strcmp(r.code, "40002") == 0, "page_size below 1000 is refused");
	alit_reply_free(&r);
	call(a, "alipay.data.bill.accountlog.query", &r,
	     "{\"start_time\":\"%s\",\"end_time\":\"%s\",\"page_no\":\"999\"}", from, to);
	sbt_ok(strcmp(r.code, "10000") == 0 && json_object_get(r.json, "detail_list") == NULL &&
	               atoll(alit_str(&r, "total_size")) > 0,
	       "a page past the end: no detail_list, total_size still given");
	alit_reply_free(&r);

	created(a, "orders=1", "orders", 0, trade_no, sizeof(trade_no));
	alit_time(alit_day(alit_now(a)), from, sizeof(from));
	alit_time(alit_now(a) + 60, to, sizeof(to));
	call(a, "alipay.data.bill.accountlog.query", &r,
	     "{\"alipay_order_no\":\"%s\",\"start_time\":\"%s\",\"end_time\":\"%s\"}", trade_no,
	     from, to);
	{
		json_t *list = json_object_get(r.json, "detail_list");
		json_t *e0 = json_array_get(list, 0);

		sbt_ok(json_array_size(list) >= 1 &&
		               strcmp(json_string_value(json_object_get(e0, "type")), "交易") ==
		                       0 &&
		               strcmp(json_string_value(json_object_get(e0, "alipay_order_no")),
		                      trade_no) == 0,
		       "near real time: a trade made a moment ago is in today's account log "
		       "(交易, then its 收费)");
	}
	alit_reply_free(&r);

	/* Past 05:00 the day's withdrawal appears. */
	{
		long long t = alit_now(a), next = alit_day(t) + 5 * 3600;
		char body[64];
		long long before, after;

		if (next <= t)
			next += 86400;
		alit_time(alit_day(t) - 86400, from, sizeof(from));
		alit_time(next + 86400, to, sizeof(to));
		log = walk_log(a, from, to, 2000, &pages, &before);
		json_decref(log);
		snprintf(body, sizeof(body), "seconds=%lld", next - t + 1);
		json_decref(alit_admin(a, "/_admin/advance", body));
		log = walk_log(a, from, to, 2000, &pages, &after);
		{
			json_t *e = json_array_get(log, json_array_size(log) - 1);

			sbt_ok(after == before + 1 &&
			               strcmp(json_string_value(json_object_get(e, "type")),
			                      "提现") == 0 &&
			               strcmp(json_string_value(json_object_get(e, "balance")),
			                      "10000.00") == 0,
			       "moving the clock past 05:00 makes the day's withdrawal, leaving "
			       "10000.00");
		}
		json_decref(log);
	}
}

static void check_complaints(struct alit *a)
{
	static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
	                                    0,    0,   0,   13,  'I',  'H',  'D',  'R'};
	struct alit_reply r;
	char begin[32], end[32], id[64], image[64], fb[160];
	long long now = alit_now(a);
	int total, seen = 0, page;

	alit_time(now - 60 * 86400LL, begin, sizeof(begin));
	alit_time(now, end, sizeof(end));
	call(a, "alipay.merchant.tradecomplain.batchquery", &r,
	     "{\"begin_time\":\"%s\",\"end_time\":\"%s\",\"page_num\":1,\"page_size\":21}", begin,
	     end);
	sbt_ok(strcmp(r.code, "40002") == 0, "batchquery: page_size above 20 is refused");
	alit_reply_free(&r);
	call(a, "alipay.merchant.tradecomplain.batchquery", &r,
	     "{\"begin_time\":\"%s\",\"end_time\":\"%s\",\"page_num\":1,\"page_size\":5}", begin,
	     end);
	total = (int)json_integer_value(json_object_get(r.json, "total_num"));
	alit_reply_free(&r);
	for (page = 1; page <= (total + 4) / 5; page++) {
		call(a, "alipay.merchant.tradecomplain.batchquery", &r,
		     "{\"begin_time\":\"%s\",\"end_time\":\"%s\",\"page_num\":%d,\"page_size\":5}",
		     begin, end, page);
		seen += (int)json_array_size(json_object_get(r.json, "trade_complain_infos"));
		alit_reply_free(&r);
	}
	sbt_ok(total >= 7 && seen == total,
	       "batchquery pages of 5 add up to total_num (%d seeded complaints)", total);
	call(a, "alipay.merchant.tradecomplain.batchquery", &r,
	     "{\"begin_time\":\"%s\",\"end_time\":\"%s\",\"status\":\"FINISHED\"}", begin, end);
	{
		json_t *list = json_object_get(r.json, "trade_complain_infos");
		int ok = json_array_size(list) > 0;

		for (size_t i = 0; i < json_array_size(list); i++)
			if (strcmp(json_string_value(
			                   json_object_get(json_array_get(list, i), "status")),
			           "FINISHED") != 0)
				ok = 0;
		sbt_ok(ok, "the status filter keeps one status");
	}
	alit_reply_free(&r);

	created(a, "complaints=1", "complaints", 0, id, sizeof(id));
	call(a, "alipay.merchant.tradecomplain.query", &r, "{\"complain_event_id\":\"%s\"}", id);
	sbt_ok(strcmp(r.code, "10000") == 0 &&
	               strcmp(alit_str(&r, "status"), "MERCHANT_PROCESSING") == 0 &&
	               strlen(alit_str(&r, "trade_no")) == 28 &&
	               alit_fen(alit_str(&r, "trade_amount")) > 0 &&
	               strstr(alit_str(&r, "phone_no"), "****") &&
	               json_is_array(json_object_get(r.json, "reply_detail_infos")),
	       "a new complaint: MERCHANT_PROCESSING, trade_no, trade_amount, masked phone_no");
	alit_reply_free(&r);

	alit_upload(a, "png", png, sizeof(png), 0, &r);
	snprintf(image, sizeof(image), "%s", alit_str(&r, "image_id"));
	sbt_ok(strcmp(r.code, "10000") == 0 && strlen(image) == 32 && r.verified,
	       "image.upload (multipart, signed over its text parts): an image_id");
	alit_reply_free(&r);
	alit_upload(a, "png", png, sizeof(png), 1, &r);
	sbt_ok(strcmp(r.sub_code, "isv.invalid-signature") == 0,
	       "image_type changed after signing: isv.invalid-signature");
	alit_reply_free(&r);
	alit_upload(a, "jpg", png, sizeof(png), 0, &r);
	sbt_ok(strcmp(r.code, "40002") == 0, "a PNG sent as jpg is refused");
	alit_reply_free(&r);
	{
		struct sbt_resp g;
		char path[128];

		snprintf(path, sizeof(path), "/_img/%s", image);
		sbt_request(&a->srv, "GET", path, NULL, NULL, NULL, 0, &g);
		sbt_ok(g.status == 200 && g.len == sizeof(png) && memcmp(g.body, png, g.len) == 0,
		       "the uploaded image is served back at its link");
		sbt_resp_free(&g);
	}

	call(a, "alipay.merchant.tradecomplain.feedback.submit", &r,
	     "{\"complain_event_id\":\"%s\",\"feedback_code\":\"01\",\"feedback_content\":\"x\"}",
	     id);
	sbt_ok(strcmp(r.code, "40002") == 0, "feedback_code 01 is not a feedback code");
	alit_reply_free(&r);
	call(a, "alipay.merchant.tradecomplain.feedback.submit", &r,
	     "{\"complain_event_id\":\"%s\",\"feedback_code\":\"02\",\"feedback_content\":"
	     "\"已退款\","
	     "\"operator\":\"一二三四五六七\"}",
	     id);
	sbt_ok(strcmp(r.code, "40002") == 0, "an operator of 7 characters is refused (at most 6)");
	alit_reply_free(&r);
	{
		char longtext[700];
		size_t n = 0;

		for (int i = 0; i < 201; i++)
			n += (size_t)snprintf(longtext + n, sizeof(longtext) - n, "退");
		call(a, "alipay.merchant.tradecomplain.feedback.submit", &r,
		     "{\"complain_event_id\":\"%s\",\"feedback_code\":\"02\","
		     "\"feedback_content\":\"%s\"}",
		     id, longtext);
		sbt_ok(strcmp(r.code, "40002") == 0,
		       "feedback_content of 201 characters is refused");
		alit_reply_free(&r);
	}
	snprintf(fb, sizeof(fb), "%s,nosuchimage", image);
	call(a, "alipay.merchant.tradecomplain.feedback.submit", &r,
	     "{\"complain_event_id\":\"%s\",\"feedback_code\":\"02\",\"feedback_content\":"
	     "\"已退款\","
	     "\"feedback_images\":\"%s\"}",
	     id, fb);
	sbt_ok(strcmp(r.code, "40002") == 0, "an image id never uploaded is refused");
	alit_reply_free(&r);
	call(a, "alipay.merchant.tradecomplain.feedback.submit", &r,
	     "{\"complain_event_id\":\"%s\",\"feedback_code\":\"02\",\"feedback_content\":"
	     "\"已通过其他方式退款，请查收\",\"feedback_images\":\"%s\",\"operator\":\"王芳\"}",
	     id, image);
	sbt_ok(strcmp(r.code, "10000") == 0 && r.verified,
	       "feedback.submit with an uploaded image");
	alit_reply_free(&r);
	call(a, "alipay.merchant.tradecomplain.feedback.submit", &r,
	     "{\"complain_event_id\":\"%s\",\"feedback_code\":\"04\",\"feedback_content\":"
	     "\"again\"}",
	     id);
	sbt_ok(strcmp(r.code, "40004") == 0, "a second feedback is refused (MERCHANT_FEEDBACKED)");
	alit_reply_free(&r);
	call(a, "alipay.merchant.tradecomplain.reply.submit", &r,
	     "{\"complain_event_id\":\"%s\",\"reply_content\":\"如有问题请联系我们\"}", id);
	sbt_ok(strcmp(r.code, "10000") == 0, "reply.submit on a complaint with feedback");
	alit_reply_free(&r);
	call(a, "alipay.merchant.tradecomplain.query", &r, "{\"complain_event_id\":\"%s\"}", id);
	{
		json_t *replies = json_object_get(r.json, "reply_detail_infos");
		json_t *first = json_array_get(replies, 0);
		json_t *pics = json_object_get(first, "images");

		sbt_ok(strcmp(alit_str(&r, "status"), "MERCHANT_FEEDBACKED") == 0 &&
		               json_array_size(replies) == 2 &&
		               strcmp(json_string_value(json_object_get(first, "replier_role")),
		                      "MERCHANT") == 0 &&
		               strcmp(json_string_value(json_object_get(first, "replier_name")),
		                      "王芳") == 0 &&
		               json_array_size(pics) == 1 &&
		               strstr(json_string_value(json_array_get(pics, 0)), image) &&
		               strstr(r.node, "http:\\/\\/127.0.0.1:"),
		       "query: MERCHANT_FEEDBACKED, the feedback and the reply in "
		       "reply_detail_infos");
	}
	alit_reply_free(&r);
	{
		json_t *j = alit_admin(a, "/_admin/create", "complaint_updates=30");

		json_decref(j);
	}
	call(a, "alipay.merchant.tradecomplain.query", &r, "{\"complain_event_id\":\"%s\"}", id);
	sbt_ok(strcmp(alit_str(&r, "status"), "FINISHED") == 0 &&
	               strlen(alit_str(&r, "gmt_finished")) == 19,
	       "complaint_updates move it on: the buyer accepts, FINISHED");
	alit_reply_free(&r);
	call(a, "alipay.merchant.tradecomplain.reply.submit", &r,
	     "{\"complain_event_id\":\"%s\",\"reply_content\":\"late\"}", id);
	sbt_ok(strcmp(r.code, "40004") == 0, "no reply to a finished complaint");
	alit_reply_free(&r);
	call(a, "alipay.merchant.tradecomplain.query", &r, "{\"complain_event_id\":\"nosuch\"}");
	sbt_ok(strcmp(r.code, "40004") == 0 && strcmp(r.sub_code, "COMPLAIN_NOT_EXIST") == 0,
	       "no such complaint: 40004 COMPLAIN_NOT_EXIST");
	alit_reply_free(&r);
}

int main(void)
{
	struct alit a;

	alit_make_merchant(&a);
	alit_start(&a, seed_args);
	check_query(&a);
	check_refunds(&a);
	check_accountlog(&a);
	check_complaints(&a);
	alit_stop(&a);
	alit_free(&a);
	return sbt_done();
}
