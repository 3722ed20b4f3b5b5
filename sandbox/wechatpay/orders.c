/* Orders (transactions): the point queries by transaction_id and by out_trade_no, and
 * orders paid "now" for the admin API. There is no list: history is in the bills. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/wechatpay/wechatpay.h"

static void render_order(struct sbx *s, const struct wx_order *o, struct sbx_buf *b)
{
	struct wx_state *w = wx_state(s);
	int paid = o->success_time > 0;
	int attempted = o->transaction_id[0] != '\0';
	int refunded = paid && o->refunds > 0;
	char t[40], text[160];

	sbx_buf_puts(b, "{\"amount\":{\"currency\":\"CNY\"");
	if (attempted)
		sbx_buf_puts(b, ",\"payer_currency\":\"CNY\"");
	if (paid) {
		sbx_buf_puts(b, ",");
		SBX_KI64(b, "payer_total", o->total - o->coupon);
	}
	sbx_buf_puts(b, ",");
	SBX_KI64(b, "total", o->total);
	sbx_buf_puts(b, "},");
	SBX_KSTR(b, "appid", w->appid);
	wx_attach_text(o->attach, text, sizeof(text));
	if (text[0]) {
		sbx_buf_puts(b, ",");
		SBX_KSTR(b, "attach", text);
	}
	if (attempted) {
		sbx_buf_puts(b, ",");
		SBX_KSTR(b, "bank_type", wx_banks[o->bank]);
	}
	sbx_buf_puts(b, ",");
	SBX_KSTR(b, "mchid", w->mchid);
	sbx_buf_puts(b, ",");
	SBX_KSTR(b, "out_trade_no", o->out_trade_no);
	if (attempted) {
		wx_openid(w->salt, o->payer, text);
		sbx_buf_printf(b, ",\"payer\":{\"openid\":\"%s\"}", text);
	}
	if (o->coupon > 0) {
		/* A 代金券: the merchant funds both kinds; CASH settles to it, NOCASH does not. */
		sbx_buf_printf(
		        b,
		        ",\"promotion_detail\":[{\"amount\":%lld,\"coupon_id\":\"%010lld\","
		        "\"currency\":\"CNY\",\"merchant_contribute\":%lld,\"name\":\"%s\","
		        "\"other_contribute\":0,\"scope\":\"GLOBAL\",\"stock_id\":\"1227%06d\","
		        "\"type\":\"%s\",\"wechatpay_contribute\":0}]",
		        (long long)o->coupon, (long long)(o->seq * 7919 % 10000000000LL),
		        (long long)o->coupon,
		        o->coupon_type == WX_COUPON_CASH ? "店铺充值代金券" : "满减代金券",
		        (int)(o->coupon % 1000000),
		        o->coupon_type == WX_COUPON_CASH ? "CASH" : "NOCASH");
	}
	if (paid) {
		wx_rfc3339(o->success_time, t);
		sbx_buf_puts(b, ",");
		SBX_KSTR(b, "success_time", t);
	}
	sbx_buf_puts(b, ",");
	SBX_KSTR(b, "trade_state", refunded ? "REFUND" : wx_trade_states[o->state]);
	sbx_buf_puts(b, ",");
	SBX_KSTR(b, "trade_state_desc", refunded ? "转入退款" : wx_state_desc[o->state]);
	sbx_buf_puts(b, ",");
	SBX_KSTR(b, "trade_type", wx_trade_types[o->trade_type]);
	if (attempted) {
		sbx_buf_puts(b, ",");
		SBX_KSTR(b, "transaction_id", o->transaction_id);
	}
	sbx_buf_puts(b, "}");
}

void wx_api_order(struct sbx *s, struct wx_req *rq, int by_id, const char *key, struct wx_reply *r)
{
	struct wx_state *w = wx_state(s);
	const char *mchid = sbx_params_get(rq->qp, "mchid");
	struct wx_order o;

	if (mchid == NULL || mchid[0] == '\0') {
		wx_error_required(r, "/query/mchid", "直连商户号");
		return;
	}
	if (strcmp(mchid, w->mchid) != 0) {
		wx_error(r, 400, "INVALID_REQUEST", "请求的商户号mchid与签名的商户号不一致");
		return;
	}
	if (wx_find_order(s, by_id, key, &o) != 0) {
		wx_error(r, 404, "ORDER_NOT_EXIST", "订单不存在");
		return;
	}
	r->status = 200;
	render_order(s, &o, &r->body);
}

int wx_live_order(struct sbx *s, struct sbx_buf *ids)
{
	struct wx_state *w = wx_state(s);
	sqlite3_stmt *q = sbx_prepare(s, "SELECT COALESCE(MAX(seq), 0) FROM wx_orders");
	sqlite3_stmt *ins = sbx_prepare(s, "INSERT INTO wx_orders(" WX_ORDER_COLS ") VALUES "
	                                   "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	int64_t now = sbx_now(s);
	int64_t seq = 1, settle, fee, bal;
	struct wx_order o;
	int rc = -1;

	if (q == NULL || ins == NULL)
		goto out;
	if (sqlite3_step(q) == SQLITE_ROW)
		seq = sqlite3_column_int64(q, 0) + 1;
	/* Paid now: placed a few seconds ago, success_time is the sandbox's now. */
	wx_gen_order(&s->rng, w->salt, w->payers, seq, now, 1, &o);
	o.created = now - 3 - (int64_t)sbx_rng_below(&s->rng, 30);
	wx_out_trade_no(seq, o.created, o.out_trade_no);
	if (wx_insert_order(ins, &o) != 0)
		goto out;
	settle = wx_settle_total(&o);
	fee = wx_e5_to_fen(wx_fee_e5(settle, o.rate_bp));
	bal = wx_balance(s);
	if (wx_add_flow(s, NULL, now, WX_FLOW_PAYMENT, o.transaction_id, o.out_trade_no,
	                settle - fee, settle, fee, &bal) != 0)
		goto out;
	if (ids->len)
		sbx_buf_puts(ids, ",");
	sbx_buf_jstr(ids, o.transaction_id);
	rc = 0;
out:
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	return rc;
}
