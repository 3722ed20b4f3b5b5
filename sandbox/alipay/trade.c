/* alipay.trade.query, alipay.trade.refund and alipay.trade.fastpay.refund.query. A
 * refund happens exactly once per out_request_no; what it takes from the merchant and
 * what fee comes back follow ali_refund_split. Lock held, in a transaction. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sandbox/alipay/alipay.h"

#define TRADE_COLS                                                                                 \
	"rowid, trade_no, out_trade_no, created, paid, total, mdiscount, discount, coupon, point," \
	" fee, refunded, sent_back, fee_back, subject, store, op, terminal, logon, party,"         \
	" buyer_id, channel, voucher"

struct trade {
	int64_t rowid, created, paid, total, mdiscount, discount, coupon, point, fee;
	int64_t refunded, sent_back, fee_back;
	int store;
	char trade_no[32], out_trade_no[72], logon[64], buyer_id[20], channel[16];
	char terminal[24];
};

const char *ali_trade_status(int64_t paid, int64_t created, int64_t total, int64_t refunded,
                             int64_t now)
{
	if (paid == 0)
		return now < created + ALI_UNPAID_CLOSE ? "WAIT_BUYER_PAY" : "TRADE_CLOSED";
	if (refunded >= total)
		return "TRADE_CLOSED";
	if (now >= paid + (int64_t)ALI_REFUND_DAYS * 86400)
		return "TRADE_FINISHED";
	return "TRADE_SUCCESS";
}

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t n)
{
	const unsigned char *v = sqlite3_column_text(st, col);

	snprintf(out, n, "%s", v ? (const char *)v : "");
}

/* Finds the trade named by trade_no (preferred, as Alipay does) or out_trade_no.
 * 1 when found, 0 when not, -1 on a store error. */
static int find_trade(struct sbx *s, const char *trade_no, const char *out_trade_no,
                      struct trade *t)
{
	sqlite3_stmt *st = sbx_prepare(
	        s, trade_no ? "SELECT " TRADE_COLS " FROM ali_trades WHERE trade_no = ?"
	                    : "SELECT " TRADE_COLS " FROM ali_trades WHERE out_trade_no = ?");
	int rc = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, trade_no ? trade_no : out_trade_no, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		t->rowid = sqlite3_column_int64(st, 0);
		copy_col(st, 1, t->trade_no, sizeof(t->trade_no));
		copy_col(st, 2, t->out_trade_no, sizeof(t->out_trade_no));
		t->created = sqlite3_column_int64(st, 3);
		t->paid = sqlite3_column_int64(st, 4);
		t->total = sqlite3_column_int64(st, 5);
		t->mdiscount = sqlite3_column_int64(st, 6);
		t->discount = sqlite3_column_int64(st, 7);
		t->coupon = sqlite3_column_int64(st, 8);
		t->point = sqlite3_column_int64(st, 9);
		t->fee = sqlite3_column_int64(st, 10);
		t->refunded = sqlite3_column_int64(st, 11);
		t->sent_back = sqlite3_column_int64(st, 12);
		t->fee_back = sqlite3_column_int64(st, 13);
		t->store = sqlite3_column_int(st, 15);
		copy_col(st, 17, t->terminal, sizeof(t->terminal));
		copy_col(st, 18, t->logon, sizeof(t->logon));
		copy_col(st, 20, t->buyer_id, sizeof(t->buyer_id));
		copy_col(st, 21, t->channel, sizeof(t->channel));
		rc = 1;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Reads trade_no / out_trade_no from the biz_content and finds the trade; on failure
 * fills r and returns 0. */
static int lookup(struct ali_call *c, struct ali_reply *r, struct trade *t, char *tno, char *otn)
{
	const char *trade_no = ali_biz(c, "trade_no", tno, 64);
	const char *out_trade_no = ali_biz(c, "out_trade_no", otn, 72);
	int found;

	if (trade_no == NULL && out_trade_no == NULL) {
		ali_fail(r, 40004, "ACQ.INVALID_PARAMETER",
		         "参数无效：out_trade_no与trade_no不能同时为空");
		return 0;
	}
	found = find_trade(c->s, trade_no, out_trade_no, t);
	if (found < 0) {
		ali_fail(r, 40004, "ACQ.SYSTEM_ERROR", "系统错误");
		return 0;
	}
	if (found == 0) {
		struct ali_obj o = {&r->body, 1};

		ali_fail(r, 40004, "ACQ.TRADE_NOT_EXIST", "交易不存在");
		ali_yuan_member(&o, "buyer_pay_amount", 0);
		ali_yuan_member(&o, "invoice_amount", 0);
		ali_str(&o, "out_trade_no", out_trade_no);
		ali_yuan_member(&o, "point_amount", 0);
		ali_yuan_member(&o, "receipt_amount", 0);
		return 0;
	}
	return 1;
}

static void fund_bill(struct ali_obj *list, const char *channel, int64_t amount, int bank)
{
	struct ali_obj o;

	if (amount <= 0)
		return;
	if (list->n++)
		sbx_buf_put(list->b, ",", 1);
	ali_obj_begin(&o, list->b);
	ali_str(&o, "fund_channel", channel);
	ali_yuan_member(&o, "amount", amount);
	if (bank) {
		ali_yuan_member(&o, "real_amount", amount);
		ali_str(&o, "fund_type", "DEBIT_CARD");
	}
	ali_obj_end(&o);
}

void ali_trade_query(struct ali_call *c, struct ali_reply *r)
{
	struct trade t;
	char tno[64], otn[72];
	struct ali_obj o = {&r->body, 1};
	int64_t buyer_pay;

	if (!lookup(c, r, &t, tno, otn))
		return;
	buyer_pay = t.paid ? t.total - t.mdiscount - t.discount - t.coupon - t.point : 0;
	ali_str(&o, "trade_no", t.trade_no);
	ali_str(&o, "out_trade_no", t.out_trade_no);
	if (t.paid) {
		ali_str(&o, "buyer_logon_id", t.logon);
		ali_str(&o, "buyer_user_id", t.buyer_id);
	}
	ali_str(&o, "trade_status",
	        ali_trade_status(t.paid, t.created, t.total, t.refunded, c->now));
	ali_yuan_member(&o, "total_amount", t.total);
	ali_yuan_member(&o, "receipt_amount", t.paid ? t.total - t.mdiscount : 0);
	ali_yuan_member(&o, "buyer_pay_amount", buyer_pay);
	ali_yuan_member(&o, "point_amount", t.paid ? t.point : 0);
	ali_yuan_member(&o, "invoice_amount", buyer_pay);
	if (t.paid) {
		struct ali_obj list;

		ali_yuan_member(&o, "discount_amount", t.discount);
		ali_yuan_member(&o, "mdiscount_amount", t.mdiscount);
		ali_time_member(&o, "send_pay_date", t.paid);
		ali_key(&o, "fund_bill_list");
		sbx_buf_put(o.b, "[", 1);
		list.b = o.b;
		list.n = 0;
		fund_bill(&list, t.channel, buyer_pay, strcmp(t.channel, "BANKCARD") == 0);
		fund_bill(&list, "COUPON", t.coupon, 0);
		fund_bill(&list, "POINT", t.point, 0);
		fund_bill(&list, "DISCOUNT", t.discount, 0);
		fund_bill(&list, "MDISCOUNT", t.mdiscount, 0);
		sbx_buf_put(o.b, "]", 1);
	}
	if (t.store >= 0 && (size_t)t.store < ali_n_stores) {
		ali_str(&o, "store_id", ali_stores[t.store].id);
		ali_str(&o, "store_name", ali_stores[t.store].name);
		ali_str(&o, "terminal_id", t.terminal);
	}
}

static int refund_rows(struct sbx *s, int64_t rowid, const char *out_request_no, int64_t amount,
                       const char *reason, int64_t now, const struct ali_split *sp,
                       int64_t refunded, int64_t *refund_id);

int ali_do_refund(struct sbx *s, int64_t rowid, const char *out_request_no, int64_t amount,
                  const char *reason, int64_t now, int64_t *refund_id)
{
	sqlite3_stmt *st = sbx_prepare(s, "SELECT total, mdiscount, fee, refunded, sent_back,"
	                                  " fee_back FROM ali_trades WHERE rowid = ?");
	int64_t total = 0, mdiscount = 0, fee = 0, refunded = 0, sent = 0, fee_back = 0;
	struct ali_split sp;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, rowid);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return -1;
	}
	total = sqlite3_column_int64(st, 0);
	mdiscount = sqlite3_column_int64(st, 1);
	fee = sqlite3_column_int64(st, 2);
	refunded = sqlite3_column_int64(st, 3);
	sent = sqlite3_column_int64(st, 4);
	fee_back = sqlite3_column_int64(st, 5);
	sqlite3_finalize(st);
	ali_refund_split(total, mdiscount, fee, sent, fee_back, amount, &sp);
	/* All of it or nothing: the caller's transaction goes on after a failure here. */
	if (sbx_exec(s, "SAVEPOINT refund") != 0)
		return -1;
	if (refund_rows(s, rowid, out_request_no, amount, reason, now, &sp, refunded, refund_id) !=
	    0) {
		sqlite3_exec(s->db, "ROLLBACK TO refund; RELEASE refund", NULL, NULL, NULL);
		return -1;
	}
	return sbx_exec(s, "RELEASE refund");
}

/* The rows a refund writes: itself, the trade's sums and the account-log entries. */
static int refund_rows(struct sbx *s, int64_t rowid, const char *out_request_no, int64_t amount,
                       const char *reason, int64_t now, const struct ali_split *sp,
                       int64_t refunded, int64_t *refund_id)
{
	if (sbx_run(s,
	            "INSERT INTO ali_refunds(trade, out_request_no, created, amount, sent_back,"
	            " fee_back, refund_total, reason) VALUES (?,?,?,?,?,?,?,?)",
	            "isiiiiis", rowid, out_request_no, now, amount, sp->sent_back, sp->fee_back,
	            refunded + amount, reason) != 0)
		return -1;
	*refund_id = sqlite3_last_insert_rowid(s->db);
	if (sbx_run(s,
	            "UPDATE ali_trades SET refunded = refunded + ?, sent_back = sent_back + ?,"
	            " fee_back = fee_back + ? WHERE rowid = ?",
	            "iiii", amount, sp->sent_back, sp->fee_back, rowid) != 0)
		return -1;
	if (ali_add_entry(s, now, ALI_E_REFUND, -sp->sent_back, rowid, *refund_id, NULL, NULL) != 0)
		return -1;
	if (sp->fee_back > 0 &&
	    ali_add_entry(s, now, ALI_E_FEE_BACK, sp->fee_back, rowid, *refund_id, NULL, NULL) != 0)
		return -1;
	return 0;
}

/* The answer to a refund, new (fund_change Y) or replayed (N). */
static void refund_reply(struct ali_reply *r, const struct trade *t, int64_t refund_fee,
                         int64_t when, int64_t sent_back, int replay)
{
	struct ali_obj o = {&r->body, 1};

	ali_str(&o, "trade_no", t->trade_no);
	ali_str(&o, "out_trade_no", t->out_trade_no);
	ali_str(&o, "buyer_logon_id", t->logon);
	ali_str(&o, "fund_change", replay ? "N" : "Y");
	ali_yuan_member(&o, "refund_fee", refund_fee);
	ali_time_member(&o, "gmt_refund_pay", when);
	ali_yuan_member(&o, "send_back_fee", sent_back);
	if (t->store >= 0 && (size_t)t->store < ali_n_stores)
		ali_str(&o, "store_name", ali_stores[t->store].name);
	ali_str(&o, "buyer_user_id", t->buyer_id);
}

void ali_trade_refund(struct ali_call *c, struct ali_reply *r)
{
	struct sbx *s = c->s;
	struct trade t;
	char tno[64], otn[72], av[32], req[80], reason[300];
	const char *amount_s = ali_biz(c, "refund_amount", av, sizeof(av));
	const char *request = ali_biz(c, "out_request_no", req, sizeof(req));
	const char *why = ali_biz(c, "refund_reason", reason, sizeof(reason));
	int64_t amount;
	const char *status;
	sqlite3_stmt *st;
	struct ali_split sp;
	int64_t refund_id;
	int given = request != NULL;

	if (amount_s == NULL || ali_parse_yuan(amount_s, &amount) != 0 || amount <= 0) {
		ali_fail(r, 40004, "ACQ.INVALID_PARAMETER",
		         "参数无效：refund_amount须为大于0的金额，单位为元，最多两位小数");
		return;
	}
	if (!lookup(c, r, &t, tno, otn))
		return;
	/* Exactly once per out_request_no, which defaults to the merchant's order number. */
	if (request == NULL)
		request = t.out_trade_no;
	st = sbx_prepare(s, "SELECT amount, created, sent_back FROM ali_refunds WHERE trade = ?"
	                    " AND out_request_no = ?");
	if (st == NULL) {
		ali_fail(r, 40004, "ACQ.SYSTEM_ERROR", "系统错误");
		return;
	}
	sqlite3_bind_int64(st, 1, t.rowid);
	sqlite3_bind_text(st, 2, request, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		int64_t was = sqlite3_column_int64(st, 0);
		int64_t when = sqlite3_column_int64(st, 1);
		int64_t sent = sqlite3_column_int64(st, 2);

		sqlite3_finalize(st);
		if (was != amount)
			ali_fail(r, 40004, "ACQ.DISCORDANT_REPEAT_REQUEST", "请求信息不一致");
		else
			refund_reply(r, &t, t.refunded, when, sent, 1);
		return;
	}
	sqlite3_finalize(st);
	status = ali_trade_status(t.paid, t.created, t.total, t.refunded, c->now);
	if (t.paid == 0 && strcmp(status, "WAIT_BUYER_PAY") == 0) {
		ali_fail(r, 40004, "ACQ.TRADE_STATUS_ERROR", "交易状态非法");
		return;
	}
	if (strcmp(status, "TRADE_CLOSED") == 0) {
		ali_fail(r, 40004, "ACQ.TRADE_HAS_CLOSE", "交易已关闭");
		return;
	}
	if (strcmp(status, "TRADE_FINISHED") == 0) {
		ali_fail(r, 40004, "ACQ.TRADE_HAS_FINISHED", "交易已完结");
		return;
	}
	if (amount > t.total || (!given && amount != t.total)) {
		ali_fail(r, 40004, "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限");
		return;
	}
	if (t.refunded + amount > t.total) {
		ali_fail(r, 40004, "ACQ.REASON_TRADE_REFUND_FEE_ERR", "退款金额无效");
		return;
	}
	ali_refund_split(t.total, t.mdiscount, t.fee, t.sent_back, t.fee_back, amount, &sp);
	if (sp.sent_back > ali_balance(s)) {
		ali_fail(r, 40004, "ACQ.SELLER_BALANCE_NOT_ENOUGH", "卖家余额不足");
		return;
	}
	if (ali_do_refund(s, t.rowid, request, amount, why, c->now, &refund_id) != 0) {
		ali_fail(r, 40004, "ACQ.SYSTEM_ERROR", "系统错误");
		return;
	}
	refund_reply(r, &t, t.refunded + amount, c->now, sp.sent_back, 0);
}

/* Whether the biz_content's query_options array names option. */
static int has_option(struct ali_call *c, const char *option)
{
	json_t *opts = c->biz ? json_object_get(c->biz, "query_options") : NULL;
	size_t i;

	for (i = 0; i < json_array_size(opts); i++) {
		const char *v = json_string_value(json_array_get(opts, i));

		if (v && strcmp(v, option) == 0)
			return 1;
	}
	return 0;
}

void ali_refund_query(struct ali_call *c, struct ali_reply *r)
{
	struct trade t;
	char tno[64], otn[72], req[80];
	const char *request = ali_biz(c, "out_request_no", req, sizeof(req));
	struct ali_obj o = {&r->body, 1};
	sqlite3_stmt *st;

	if (request == NULL) {
		ali_fail(r, 40004, "ACQ.INVALID_PARAMETER", "参数无效：out_request_no不能为空");
		return;
	}
	if (!lookup(c, r, &t, tno, otn))
		return;
	ali_str(&o, "trade_no", t.trade_no);
	ali_str(&o, "out_trade_no", t.out_trade_no);
	ali_str(&o, "out_request_no", request);
	st = sbx_prepare(c->s, "SELECT amount, created, sent_back, reason FROM ali_refunds"
	                       " WHERE trade = ? AND out_request_no = ?");
	if (st == NULL)
		return;
	sqlite3_bind_int64(st, 1, t.rowid);
	sqlite3_bind_text(st, 2, request, -1, SQLITE_STATIC);
	/* No such refund: still 10000, without refund_status. */
	if (sqlite3_step(st) == SQLITE_ROW) {
		ali_yuan_member(&o, "total_amount", t.total);
		ali_yuan_member(&o, "refund_amount", sqlite3_column_int64(st, 0));
		ali_str(&o, "refund_status", "REFUND_SUCCESS");
		ali_str(&o, "refund_reason", (const char *)sqlite3_column_text(st, 3));
		if (has_option(c, "gmt_refund_pay"))
			ali_time_member(&o, "gmt_refund_pay", sqlite3_column_int64(st, 1));
		if (has_option(c, "refund_detail_item_list"))
			ali_yuan_member(&o, "send_back_fee", sqlite3_column_int64(st, 2));
	}
	sqlite3_finalize(st);
}
