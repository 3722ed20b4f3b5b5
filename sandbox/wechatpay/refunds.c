/* Refunds: POST /v3/refund/domestic/refunds and the query by out_refund_no. The merchant's
 * out_refund_no names a refund once and for all: the same number with the same order and
 * amounts answers with that refund again, never a second one. A refund is PROCESSING for
 * WX_REFUND_DELAY seconds of sandbox clock, then SUCCESS, or ABNORMAL for one number in
 * WX_ABNORMAL_ONE_IN; the status is worked out when read, so nothing has to run. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/wechatpay/wechatpay.h"

#define REFUND_COLS                                                                                \
	"seq,refund_id,out_refund_no,order_seq,created,amount,discount,settle,fee_e5,abnormal,"    \
	"reason,funds_account,status_at"

int wx_insert_refund(struct sbx *s, sqlite3_stmt *ins, struct wx_refund_in *in, uint64_t salt)
{
	int64_t discount, settle;

	wx_refund_id(salt, in->seq, in->created, in->refund_id);
	wx_refund_split(in->order, in->amount, &discount, &settle);
	sqlite3_reset(ins);
	sqlite3_bind_int64(ins, 1, in->seq);
	sqlite3_bind_text(ins, 2, in->refund_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 3, in->out_refund_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(ins, 4, in->order->seq);
	sqlite3_bind_int64(ins, 5, in->created);
	sqlite3_bind_int64(ins, 6, in->amount);
	sqlite3_bind_int64(ins, 7, discount);
	sqlite3_bind_int64(ins, 8, settle);
	sqlite3_bind_int64(ins, 9, wx_fee_e5(settle, in->order->rate_bp));
	sqlite3_bind_int(ins, 10, wx_fnv(in->out_refund_no) % WX_ABNORMAL_ONE_IN == 0);
	if (in->reason && in->reason[0])
		sqlite3_bind_text(ins, 11, in->reason, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(ins, 11);
	sqlite3_bind_text(ins, 12, in->funds_account ? in->funds_account : "AVAILABLE", -1,
	                  SQLITE_TRANSIENT);
	sqlite3_bind_int64(ins, 13, in->created + WX_REFUND_DELAY);
	if (sqlite3_step(ins) != SQLITE_DONE) {
		fprintf(stderr, "paydesk-sandbox: cannot store a refund: %s\n",
		        sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

int wx_do_refund(struct sbx *s, struct wx_order *o, int64_t amount, const char *out_refund_no,
                 const char *reason, const char *funds_account, char *refund_id)
{
	sqlite3_stmt *q = sbx_prepare(s, "SELECT COALESCE(MAX(seq), 0) FROM wx_refunds");
	sqlite3_stmt *ins = sbx_prepare(s, WX_INSERT_REFUND_SQL);
	struct wx_refund_in in;
	int64_t discount, settle, fee, bal;
	int rc = -1;

	memset(&in, 0, sizeof(in));
	if (q == NULL || ins == NULL)
		goto out;
	in.seq = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) + 1 : 1;
	in.order = o;
	in.created = sbx_now(s);
	in.amount = amount;
	in.out_refund_no = out_refund_no;
	in.reason = reason;
	in.funds_account = funds_account;
	if (wx_insert_refund(s, ins, &in, wx_state(s)->salt) != 0)
		goto out;
	if (sbx_run(s,
	            "UPDATE wx_orders SET refunded = refunded + ?, refunds = refunds + 1 WHERE "
	            "seq = ?",
	            "ii", amount, o->seq) != 0)
		goto out;
	o->refunded += amount;
	o->refunds++;
	/* The BASIC account gives back the settlement refund less the fee returned with it. */
	wx_refund_split(o, amount, &discount, &settle);
	fee = wx_e5_to_fen(wx_fee_e5(settle, o->rate_bp));
	bal = wx_balance(s);
	if (wx_add_flow(s, NULL, in.created, WX_FLOW_REFUND, in.refund_id, out_refund_no,
	                -(settle - fee), settle, fee, &bal) != 0)
		goto out;
	snprintf(refund_id, 40, "%s", in.refund_id);
	rc = 0;
out:
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	return rc;
}

/* Renders the refund of row st (REFUND_COLS then the order's WX_ORDER_COLS at 13). */
static void render_refund(struct sbx *s, sqlite3_stmt *st, struct sbx_buf *b)
{
	struct wx_order o;
	int64_t now = sbx_now(s);
	int64_t created = sqlite3_column_int64(st, 4);
	int64_t amount = sqlite3_column_int64(st, 5);
	int64_t discount = sqlite3_column_int64(st, 6);
	int64_t settle = sqlite3_column_int64(st, 7);
	int64_t fee_e5 = sqlite3_column_int64(st, 8);
	int abnormal = sqlite3_column_int(st, 9);
	int64_t status_at = sqlite3_column_int64(st, 12);
	const char *status = now < status_at ? "PROCESSING" : abnormal ? "ABNORMAL" : "SUCCESS";
	char t[40], account[96];

	wx_read_order(st, 13, &o);
	sbx_buf_printf(b,
	               "{\"amount\":{\"currency\":\"CNY\",\"discount_refund\":%lld,\"from\":[],"
	               "\"payer_refund\":%lld,\"payer_total\":%lld,\"refund\":%lld,"
	               "\"refund_fee\":%lld,\"settlement_refund\":%lld,\"settlement_total\":%lld,"
	               "\"total\":%lld},\"channel\":\"ORIGINAL\",",
	               (long long)discount, (long long)(amount - discount),
	               (long long)(o.total - o.coupon), (long long)amount,
	               (long long)wx_e5_to_fen(fee_e5), (long long)settle,
	               (long long)wx_settle_total(&o), (long long)o.total);
	wx_rfc3339(created, t);
	SBX_KSTR(b, "create_time", t);
	sbx_buf_puts(b, ",");
	SBX_KSTR(b, "funds_account", (const char *)sqlite3_column_text(st, 11));
	sbx_buf_puts(b, ",");
	SBX_KSTR(b, "out_refund_no", (const char *)sqlite3_column_text(st, 2));
	sbx_buf_puts(b, ",");
	SBX_KSTR(b, "out_trade_no", o.out_trade_no);
	if (o.coupon > 0)
		sbx_buf_printf(b,
		               ",\"promotion_detail\":[{\"amount\":%lld,\"goods_detail\":[],"
		               "\"promotion_id\":\"%010lld\",\"refund_amount\":%lld,\"scope\":"
		               "\"GLOBAL\",\"type\":\"%s\"}]",
		               (long long)o.coupon, (long long)(o.seq * 7919 % 10000000000LL),
		               (long long)discount,
		               o.coupon_type == WX_COUPON_CASH ? "COUPON" : "DISCOUNT");
	sbx_buf_puts(b, ",");
	SBX_KSTR(b, "refund_id", (const char *)sqlite3_column_text(st, 1));
	sbx_buf_puts(b, ",");
	SBX_KSTR(b, "status", status);
	if (strcmp(status, "SUCCESS") == 0) {
		wx_rfc3339(status_at, t);
		sbx_buf_puts(b, ",");
		SBX_KSTR(b, "success_time", t);
	}
	sbx_buf_puts(b, ",");
	SBX_KSTR(b, "transaction_id", o.transaction_id);
	/* Cards show their last four digits, as 招商银行信用卡0403 does. */
	if (strstr(wx_bank_account(o.bank), "卡"))
		snprintf(account, sizeof(account), "%s%04lld", wx_bank_account(o.bank),
		         (long long)(o.payer * 37 % 10000));
	else
		snprintf(account, sizeof(account), "%s", wx_bank_account(o.bank));
	sbx_buf_puts(b, ",");
	SBX_KSTR(b, "user_received_account", account);
	sbx_buf_puts(b, "}");
}

/* Renders the refund named out_refund_no into b; 0, or -1 when there is none. */
static int render_by_number(struct sbx *s, const char *out_refund_no, struct sbx_buf *b,
                            int64_t *order_seq, int64_t *amount)
{
	sqlite3_stmt *st = sbx_prepare(
	        s, "SELECT r.seq,r.refund_id,r.out_refund_no,r.order_seq,r.created,r.amount,"
	           "r.discount,r.settle,r.fee_e5,r.abnormal,r.reason,r.funds_account,r.status_at,"
	           "o.seq,o.transaction_id,o.out_trade_no,o.created,o.success_time,o.trade_type,"
	           "o.state,o.bank,o.rate,o.product,o.attach,o.device,o.coupon_type,o.payer,"
	           "o.total,o.coupon,o.refunded,o.refunds FROM wx_refunds r JOIN wx_orders o ON "
	           "o.seq = r.order_seq WHERE r.out_refund_no = ?");
	int rc = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, out_refund_no, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (order_seq)
			*order_seq = sqlite3_column_int64(st, 3);
		if (amount)
			*amount = sqlite3_column_int64(st, 5);
		if (b)
			render_refund(s, st, b);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

void wx_api_refund_get(struct sbx *s, struct wx_req *rq, const char *out_refund_no,
                       struct wx_reply *r)
{
	(void)rq;
	if (render_by_number(s, out_refund_no, &r->body, NULL, NULL) != 0) {
		wx_error(r, 404, "RESOURCE_NOT_EXISTS", "退款单不存在");
		return;
	}
	r->status = 200;
}

static int valid_refund_no(const char *v)
{
	size_t n = strlen(v);
	size_t i;

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'z') ||
		      (v[i] >= 'A' && v[i] <= 'Z') || strchr("_-|*@", v[i])))
			return 0;
	return 1;
}

/* Reads and checks the request; NULL after filling the 400 reply. */
static json_t *refund_request(struct wx_req *rq, struct wx_reply *r)
{
	json_t *j = rq->body ? json_loadb(rq->body, rq->body_len, 0, NULL) : NULL;
	json_t *amount = json_object_get(j, "amount");
	const char *no = wx_jstr(j, "out_refund_no");
	const char *reason = wx_jstr(j, "reason");
	const char *funds = wx_jstr(j, "funds_account");
	const char *cur = wx_jstr(amount, "currency");

	if (!json_is_object(j))
		wx_error(r, 400, "PARAM_ERROR", "请求的body不是合法的JSON");
	else if (no == NULL)
		wx_error_required(r, "/body/out_refund_no", "商户退款单号");
	else if (!valid_refund_no(no))
		wx_error(r, 400, "PARAM_ERROR",
		         "商户退款单号out_refund_no格式错误，长度不超过64，只能是数字、大小写字母_-"
		         "|*@");
	else if (wx_jstr(j, "transaction_id") == NULL && wx_jstr(j, "out_trade_no") == NULL)
		wx_error(r, 400, "PARAM_ERROR", "transaction_id和out_trade_no必须二选一进行传参");
	else if (!json_is_object(amount))
		wx_error_required(r, "/body/amount", "金额信息");
	else if (!json_is_integer(json_object_get(amount, "refund")))
		wx_error_required(r, "/body/amount/refund", "退款金额");
	else if (!json_is_integer(json_object_get(amount, "total")))
		wx_error_required(r, "/body/amount/total", "原订单金额");
	else if (cur == NULL)
		wx_error_required(r, "/body/amount/currency", "退款币种");
	else if (strcmp(cur, "CNY") != 0)
		wx_error(r, 400, "PARAM_ERROR", "退款币种currency仅支持CNY");
	else if (json_integer_value(json_object_get(amount, "refund")) <= 0)
		wx_error(r, 400, "PARAM_ERROR", "退款金额amount.refund必须大于0");
	else if (reason && wx_utf8_len(reason) > 80)
		wx_error(r, 400, "PARAM_ERROR", "退款原因reason长度不能超过80个字符");
	else if (funds && strcmp(funds, "AVAILABLE") != 0)
		wx_error(r, 400, "PARAM_ERROR", "退款资金来源funds_account仅支持AVAILABLE");
	else
		return j;
	json_decref(j);
	return NULL;
}

void wx_api_refund_create(struct sbx *s, struct wx_req *rq, struct wx_reply *r)
{
	json_t *j = refund_request(rq, r);
	json_t *amount;
	const char *tid, *no;
	struct wx_order o;
	int64_t refund, total, prev_order = 0, prev_amount = 0;
	int found;
	char refund_id[40];

	if (j == NULL)
		return;
	amount = json_object_get(j, "amount");
	refund = json_integer_value(json_object_get(amount, "refund"));
	total = json_integer_value(json_object_get(amount, "total"));
	no = wx_jstr(j, "out_refund_no");
	tid = wx_jstr(j, "transaction_id");
	found = tid ? wx_find_order(s, 1, tid, &o) == 0
	            : wx_find_order(s, 0, wx_jstr(j, "out_trade_no"), &o) == 0;
	if (render_by_number(s, no, NULL, &prev_order, &prev_amount) == 0) {
		/* A retry of the same refund is answered with it; anything else is refused. */
		if (found && prev_order == o.seq && prev_amount == refund && total == o.total) {
			r->status = 200;
			render_by_number(s, no, &r->body, NULL, NULL);
		} else {
			wx_error(r, 400, "INVALID_REQUEST",
			         "订单金额或退款金额与之前请求不一致，请核实后再试");
		}
		goto out;
	}
	if (!found || o.success_time == 0) {
		wx_error(r, 404, "RESOURCE_NOT_EXISTS", "订单不存在");
	} else if (total != o.total) {
		wx_error(r, 400, "INVALID_REQUEST",
		         "订单金额total与原订单金额不一致，请核实后再试");
	} else if (o.success_time < sbx_now(s) - 365 * 86400) {
		wx_error(r, 400, "INVALID_REQUEST", "交易时间超过一年的订单无法提交退款");
	} else if (o.refunds >= WX_MAX_REFUNDS) {
		wx_error(r, 400, "INVALID_REQUEST", "该笔订单的退款次数已达上限（50次）");
	} else if (o.refunded >= o.total) {
		wx_error(r, 400, "INVALID_REQUEST", "订单已全额退款");
	} else if (refund > o.total - o.refunded) {
		wx_error(r, 400, "INVALID_REQUEST", "申请退款金额超过订单可退金额");
	} else if (sbx_exec(s, "BEGIN IMMEDIATE") != 0) {
		wx_error(r, 500, "SYSTEM_ERROR", "系统错误");
	} else if (wx_do_refund(s, &o, refund, no, wx_jstr(j, "reason"),
	                        wx_jstr(j, "funds_account"), refund_id) != 0 ||
	           sbx_exec(s, "COMMIT") != 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		wx_error(r, 500, "SYSTEM_ERROR", "系统错误");
	} else {
		r->status = 200;
		render_by_number(s, no, &r->body, NULL, NULL);
	}
out:
	json_decref(j);
}

int wx_live_refund(struct sbx *s, int nth, struct sbx_buf *ids)
{
	sqlite3_stmt *q =
	        sbx_prepare(s, "SELECT " WX_ORDER_COLS " FROM wx_orders WHERE "
	                       "success_time IS NOT NULL AND refunded < total AND "
	                       "refunds < 50 ORDER BY success_time DESC LIMIT 1 OFFSET ?");
	sqlite3_stmt *n = sbx_prepare(s, "SELECT COALESCE(MAX(seq), 0) + 1 FROM wx_refunds");
	struct wx_order o;
	int64_t amount, seq = 1;
	char no[40], id[40];
	int rc = -1;

	if (q == NULL || n == NULL)
		goto out;
	sqlite3_bind_int(q, 1, nth);
	if (sqlite3_step(q) != SQLITE_ROW) {
		rc = 1; /* nothing left to refund */
		goto out;
	}
	wx_read_order(q, 0, &o);
	if (sqlite3_step(n) == SQLITE_ROW)
		seq = sqlite3_column_int64(n, 0);
	amount = o.total - o.refunded;
	if (sbx_rng_below(&s->rng, 2) && amount > 1)
		amount /= 2;
	wx_out_refund_no(seq, sbx_now(s), no);
	if (wx_do_refund(s, &o, amount, no, "用户申请退款", NULL, id) != 0)
		goto out;
	if (ids->len)
		sbx_buf_puts(ids, ",");
	sbx_buf_jstr(ids, id);
	rc = 0;
out:
	sqlite3_finalize(q);
	sqlite3_finalize(n);
	return rc;
}
