/* WeChat Pay's admin calls: live activity, the checksums that let a client prove it mirrors
 * what the bills and the API show, certificate rotation, public-key-only mode, and a look
 * at the merchant the sandbox serves. Lock held. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/wechatpay/wechatpay.h"

static void admin_error(struct sbx_result *r, int status, const char *msg)
{
	sbx_result_error(r, status, "invalid_request_error", NULL, NULL, "%s", msg);
}

static void create(struct sbx *s, struct sbx_params *p, struct sbx_result *r)
{
	static const char *const kinds[] = {"orders", "refunds", "complaints", "complaint_updates"};
	int counts[4];
	struct sbx_buf ids[4];
	int k, i, rc = 0;

	for (k = 0; k < 4; k++) {
		if (sbx_admin_count(p, kinds[k], 0, 100000, &counts[k]) != 0) {
			admin_error(r, 400, "counts must be integers from 0 to 100000");
			return;
		}
		sbx_buf_init(&ids[k]);
	}
	if (sbx_params_unused(p)) {
		admin_error(r, 400,
		            "unknown parameter; use orders, refunds, complaints, "
		            "complaint_updates");
		return;
	}
	/* Withdrawals due before now come first, so entries stay in time order. */
	if (wx_catch_up(s) != 0 || sbx_exec(s, "BEGIN IMMEDIATE") != 0) {
		admin_error(r, 500, "the store is busy");
		return;
	}
	for (i = 0; rc == 0 && i < counts[0]; i++)
		rc = wx_live_order(s, &ids[0]);
	for (i = 0; rc == 0 && i < counts[1]; i++)
		rc = wx_live_refund(s, (int)sbx_rng_below(&s->rng, 5), &ids[1]);
	for (i = 0; rc == 0 && i < counts[2]; i++)
		rc = wx_live_complaint(s, (int)sbx_rng_below(&s->rng, 5), &ids[2]);
	for (i = 0; rc == 0 && i < counts[3]; i++)
		rc = wx_live_complaint_update(s, i, &ids[3]);
	/* 1 means "nothing eligible left": what was made so far stands. */
	if (rc < 0 || sbx_exec(s, "COMMIT") != 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		admin_error(r, 500, "could not create the objects");
	} else {
		r->status = 200;
		sbx_buf_puts(&r->body, "{");
		for (k = 0; k < 4; k++)
			sbx_buf_printf(&r->body, "%s\"%s\":[%s]", k ? "," : "", kinds[k],
			               ids[k].data ? ids[k].data : "");
		sbx_buf_puts(&r->body, "}");
	}
	for (k = 0; k < 4; k++)
		sbx_buf_free(&ids[k]);
}

/* Each resource as the bills of the last WX_BILL_DAYS complete Shanghai days show it:
 * bill days today-90 .. yesterday. The lines are documented in sandbox/wechatpay/README.md. */
static void checksum(struct sbx *s, struct sbx_result *r)
{
	struct wx_state *w = wx_state(s);
	int64_t today = wx_day(sbx_now(s));
	long long from = (long long)wx_day_start(today - WX_BILL_DAYS);
	long long to = (long long)wx_day_start(today);
	char sql[1024], flow_id[160];
	struct sbx_buf *b = &r->body;
	int rc = 0;

	snprintf(flow_id, sizeof(flow_id),
	         "'%s' || strftime('%%Y%%m%%d', at + %d, 'unixepoch') || printf('%%010d', seq)",
	         w->mchid, WX_TZ_OFFSET);
	sbx_buf_puts(b, "{");
	snprintf(
	        sql, sizeof(sql),
	        "SELECT transaction_id, out_trade_no, total, 'CNY', (SELECT COALESCE(SUM(r.amount),"
	        " 0) FROM wx_refunds r WHERE r.order_seq = o.seq AND r.created < %lld) FROM "
	        "wx_orders o WHERE success_time >= %lld AND success_time < %lld ORDER BY "
	        "transaction_id",
	        to, from, to);
	rc |= sbx_checksum_table(s, "orders", sql, b);
	sbx_buf_puts(b, ",");
	snprintf(
	        sql, sizeof(sql),
	        "SELECT r.refund_id, r.out_refund_no, o.transaction_id, r.amount FROM wx_refunds r "
	        "JOIN wx_orders o ON o.seq = r.order_seq WHERE r.created >= %lld AND r.created < "
	        "%lld ORDER BY r.refund_id",
	        from, to);
	rc |= sbx_checksum_table(s, "refunds", sql, b);
	sbx_buf_puts(b, ",");
	snprintf(sql, sizeof(sql),
	         "SELECT c.complaint_id, o.transaction_id, CASE c.state WHEN 0 THEN 'PENDING' WHEN "
	         "1 "
	         "THEN 'PROCESSING' ELSE 'PROCESSED' END, o.total FROM wx_complaints c JOIN "
	         "wx_orders o ON o.seq = c.order_seq WHERE c.created >= %lld AND c.created < %lld "
	         "ORDER BY c.complaint_id",
	         from, to);
	rc |= sbx_checksum_table(s, "complaints", sql, b);
	sbx_buf_puts(b, ",");
	snprintf(sql, sizeof(sql),
	         "SELECT %s, amount, CASE kind WHEN 1 THEN '交易' WHEN 2 THEN '退款' ELSE '提现' "
	         "END, business_no FROM wx_flows WHERE at >= %lld AND at < %lld ORDER BY 1",
	         flow_id, from, to);
	rc |= sbx_checksum_table(s, "fundflow", sql, b);
	sbx_buf_puts(b, ",");
	snprintf(sql, sizeof(sql),
	         "SELECT %s, -amount, strftime('%%Y-%%m-%%d', at + %d, 'unixepoch') FROM wx_flows "
	         "WHERE kind = 3 AND at >= %lld AND at < %lld ORDER BY 1",
	         flow_id, WX_TZ_OFFSET, from, to);
	rc |= sbx_checksum_table(s, "withdrawals", sql, b);
	sbx_buf_puts(b, "}");
	if (rc != 0) {
		admin_error(r, 500, "checksum failed");
		return;
	}
	r->status = 200;
}

static void merchant(struct sbx *s, struct sbx_result *r)
{
	struct wx_state *w = wx_state(s);
	int64_t now = sbx_now(s);
	size_t i;

	sbx_buf_puts(&r->body, "{");
	SBX_KSTR(&r->body, "mchid", w->mchid);
	sbx_buf_puts(&r->body, ",");
	SBX_KSTR(&r->body, "appid", w->appid);
	sbx_buf_puts(&r->body, ",");
	SBX_KSTR(&r->body, "merchant_serial", w->merchant_serial);
	sbx_buf_puts(&r->body, ",");
	SBX_KSTR(&r->body, "public_key_id", w->pub_key_id);
	sbx_buf_printf(&r->body, ",\"public_key_only\":%s,\"certificates\":[",
	               w->public_key_only ? "true" : "false");
	for (i = 0; i < w->n_certs; i++) {
		const struct wx_cert *c = &w->certs[i];
		char a[40], b[40];

		wx_rfc3339(c->effective, a);
		wx_rfc3339(c->expire, b);
		sbx_buf_printf(&r->body,
		               "%s{\"serial_no\":\"%s\",\"effective_time\":\"%s\",\"expire_time\":"
		               "\"%s\",\"valid\":%s}",
		               i ? "," : "", c->serial, a, b,
		               c->effective <= now && now < c->expire ? "true" : "false");
	}
	sbx_buf_puts(&r->body, "]}");
	r->status = 200;
}

/* Orders in a trade state, newest first: the only way to reach an unpaid order, which no
 * bill lists (real merchants know their own out_trade_no). */
static void orders_in_state(struct sbx *s, struct sbx_params *p, struct sbx_result *r)
{
	const char *state = sbx_params_get(p, "trade_state");
	sqlite3_stmt *st;
	int limit, code = -1, i, n = 0;

	for (i = 0; state && i < 6; i++)
		if (strcmp(state, wx_trade_states[i]) == 0)
			code = i;
	if (state && strcmp(state, "REFUND") == 0)
		code = 6;
	if (code < 0 || sbx_admin_count(p, "limit", 10, 1000, &limit) != 0) {
		admin_error(r, 400,
		            "trade_state must be a trade state (SUCCESS, REFUND, NOTPAY, "
		            "CLOSED, REVOKED, USERPAYING, PAYERROR); limit 0 to 1000");
		return;
	}
	st = sbx_prepare(s, "SELECT out_trade_no, transaction_id FROM wx_orders WHERE state = ? "
	                    "AND (? = 0 OR (refunds > 0) = (? = 2)) ORDER BY seq DESC LIMIT ?");
	if (st == NULL) {
		admin_error(r, 500, "query failed");
		return;
	}
	sqlite3_bind_int(st, 1, code == 6 ? 0 : code);
	sqlite3_bind_int(st, 2, code == 0 || code == 6);
	sqlite3_bind_int(st, 3, code == 6 ? 2 : 1);
	sqlite3_bind_int(st, 4, limit);
	sbx_buf_puts(&r->body, "{\"data\":[");
	while (sqlite3_step(st) == SQLITE_ROW) {
		sbx_buf_puts(&r->body, n++ ? ",{" : "{");
		SBX_KSTR(&r->body, "out_trade_no", (const char *)sqlite3_column_text(st, 0));
		sbx_buf_puts(&r->body, ",");
		SBX_KSTR(&r->body, "transaction_id", (const char *)sqlite3_column_text(st, 1));
		sbx_buf_puts(&r->body, "}");
	}
	sqlite3_finalize(st);
	sbx_buf_puts(&r->body, "]}");
	r->status = 200;
}

int wx_admin(struct sbx *s, struct sbx_request *rq, struct sbx_result *r)
{
	const char *m = rq->method;
	const char *path = rq->path;
	int post = strcmp(m, "POST") == 0;

	if (strcmp(path, "/_admin/create") == 0 && post) {
		create(s, rq->form, r);
	} else if (strcmp(path, "/_admin/checksum") == 0 && strcmp(m, "GET") == 0) {
		if (wx_catch_up(s) != 0)
			admin_error(r, 500, "could not bring the store up to now");
		else
			checksum(s, r);
	} else if (strcmp(path, "/_admin/wechatpay/rotate") == 0 && post) {
		if (wx_rotate(s, &r->body) != 0) {
			admin_error(r, 500, "could not make a new platform certificate");
			return 1;
		}
		r->status = 200;
	} else if (strcmp(path, "/_admin/wechatpay/mode") == 0 && post) {
		/* public_key_only may come in the query or the form. */
		const char *v = sbx_params_get(rq->query, "public_key_only");

		if (v == NULL)
			v = sbx_params_get(rq->form, "public_key_only");
		if (v == NULL || (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)) {
			admin_error(r, 400, "public_key_only must be 0 or 1");
			return 1;
		}
		if (wx_set_public_key_only(s, v[0] == '1') != 0) {
			admin_error(r, 500, "could not record the mode in the merchant folder");
			return 1;
		}
		r->status = 200;
		sbx_buf_printf(&r->body, "{\"public_key_only\":%s}",
		               v[0] == '1' ? "true" : "false");
	} else if (strcmp(path, "/_admin/wechatpay/merchant") == 0 && strcmp(m, "GET") == 0) {
		merchant(s, r);
	} else if (strcmp(path, "/_admin/wechatpay/orders") == 0 && strcmp(m, "GET") == 0) {
		orders_in_state(s, rq->query, r);
	} else {
		return 0;
	}
	return 1;
}
