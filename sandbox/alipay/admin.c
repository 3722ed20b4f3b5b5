/* Alipay's admin calls: live activity made "now" (trades, refunds, complaints and their
 * progress) and the checksums that let a client prove it mirrors what the bills and the
 * API show. Lock held. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/alipay/alipay.h"

static void admin_error(struct sbx_result *r, int status, const char *msg)
{
	sbx_result_error(r, status, "invalid_request_error", NULL, NULL, "%s", msg);
}

int ali_live_trade(struct sbx *s, int paid, struct sbx_buf *ids)
{
	struct ali_trade_gen g;
	sqlite3_stmt *ins = sbx_prepare(s, ALI_INSERT_TRADE_SQL);
	sqlite3_stmt *q = sbx_prepare(s, "SELECT coalesce(max(rowid), 0) + 1 FROM ali_trades");
	int64_t now = sbx_now(s), rowid;
	long seq = 1;
	int rc = -1;

	if (ins == NULL || q == NULL)
		goto out;
	if (sqlite3_step(q) == SQLITE_ROW)
		seq = (long)sqlite3_column_int64(q, 0);
	ali_gen_trade(&s->rng, seq, now - 20, paid, &g);
	/* Paid now, so that its entries are the newest of the account log. */
	if (paid)
		g.paid = now;
	if (ali_insert_trade(s, ins, &g, &rowid) != 0)
		goto out;
	if (paid &&
	    (ali_add_entry(s, now, ALI_E_TRADE, g.total - g.mdiscount, rowid, 0, NULL, NULL) != 0 ||
	     (g.fee > 0 && ali_add_entry(s, now, ALI_E_FEE, -g.fee, rowid, 0, NULL, NULL) != 0)))
		goto out;
	if (ids->len)
		sbx_buf_puts(ids, ",");
	sbx_buf_jstr(ids, g.trade_no);
	rc = 0;
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(q);
	return rc;
}

/* Refunds a recent refundable trade in full or in part. 1 when none is left. */
static int live_refund(struct sbx *s, struct sbx_buf *ids)
{
	int64_t now = sbx_now(s);
	sqlite3_stmt *st = sbx_prepare(s, "SELECT rowid, trade_no, total, refunded FROM ali_trades"
	                                  " WHERE paid >= ? AND refunded < total ORDER BY paid DESC"
	                                  " LIMIT 1 OFFSET ?");
	int64_t rowid, total, refunded, amount, refund;
	char trade_no[40], req[40];
	int rc = 1;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now - (ALI_REFUND_DAYS - 1) * 86400LL);
	sqlite3_bind_int64(st, 2, (int64_t)sbx_rng_below(&s->rng, 20));
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		/* Fewer than 20 candidates: take the newest. */
		st = sbx_prepare(
		        s, "SELECT rowid, trade_no, total, refunded FROM ali_trades"
		           " WHERE paid >= ? AND refunded < total ORDER BY paid DESC LIMIT 1");
		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, now - (ALI_REFUND_DAYS - 1) * 86400LL);
		if (sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_finalize(st);
			return 1;
		}
	}
	rowid = sqlite3_column_int64(st, 0);
	snprintf(trade_no, sizeof(trade_no), "%s", (const char *)sqlite3_column_text(st, 1));
	total = sqlite3_column_int64(st, 2);
	refunded = sqlite3_column_int64(st, 3);
	sqlite3_finalize(st);
	amount = total - refunded;
	if (amount > 1 && sbx_rng_below(&s->rng, 2))
		amount = 1 + (int64_t)sbx_rng_below(&s->rng, (uint64_t)amount / 2);
	snprintf(req, sizeof(req), "RF%010llu",
	         (unsigned long long)sbx_rng_below(&s->rng, 10000000000ULL));
	if (amount <= ali_balance(s)) {
		rc = ali_do_refund(s, rowid, req, amount, "买家申请退款", now, &refund);
		if (rc == 0)
			sbx_buf_printf(ids, "%s{\"trade_no\":\"%s\",\"out_request_no\":\"%s\"}",
			               ids->len ? "," : "", trade_no, req);
	}
	return rc;
}

/* A new complaint (MERCHANT_PROCESSING) on a recent paid trade that has none. */
static int live_complaint(struct sbx *s, struct sbx_buf *ids)
{
	int64_t now = sbx_now(s), trade;
	sqlite3_stmt *st =
	        sbx_prepare(s, "SELECT t.rowid FROM ali_trades t WHERE t.paid IS NOT NULL"
	                       " AND NOT EXISTS(SELECT 1 FROM ali_complaints c WHERE"
	                       " c.trade = t.rowid) ORDER BY t.paid DESC LIMIT 1 OFFSET ?");
	sqlite3_stmt *q = sbx_prepare(s, "SELECT coalesce(max(rowid), 0) + 1 FROM ali_complaints");
	char id[40], date[16], phone[24];
	unsigned text = (unsigned)sbx_rng_below(&s->rng, 6);
	int rc = 1;

	if (st == NULL || q == NULL) {
		sqlite3_finalize(st);
		sqlite3_finalize(q);
		return -1;
	}
	sqlite3_bind_int64(st, 1, (int64_t)sbx_rng_below(&s->rng, 10));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_step(q) == SQLITE_ROW) {
		trade = sqlite3_column_int64(st, 0);
		ali_fmt_compact_date(now, date, sizeof(date));
		snprintf(id, sizeof(id), "%.8s00102%015lld", date,
		         (long long)sqlite3_column_int64(q, 0));
		ali_complain_phone(&s->rng, phone, sizeof(phone));
		rc = sbx_run(
		        s,
		        "INSERT INTO ali_complaints(event_id, trade, created, modified, finished,"
		        " status, reason, content, images, phone, leaf) VALUES (?,?,?,?,NULL,"
		        " 'MERCHANT_PROCESSING',?,?,'',?,?)",
		        "siiissss", id, trade, now, now, ali_complain_reason(text),
		        ali_complain_content(text), phone, ali_complain_leaf(text));
		if (rc == 0) {
			if (ids->len)
				sbx_buf_puts(ids, ",");
			sbx_buf_jstr(ids, id);
		}
	}
	sqlite3_finalize(st);
	sqlite3_finalize(q);
	return rc;
}

/* Moves the open complaint waiting longest one step on: the merchant let it run out
 * (平台介入), the buyer accepted the feedback, or the platform finished. */
static int live_complaint_update(struct sbx *s, struct sbx_buf *ids)
{
	int64_t now = sbx_now(s);
	sqlite3_stmt *st =
	        sbx_prepare(s, "SELECT event_id, status FROM ali_complaints WHERE status"
	                       " IN ('MERCHANT_PROCESSING', 'MERCHANT_FEEDBACKED',"
	                       " 'PLATFORM_PROCESSING') ORDER BY modified, event_id LIMIT 1");
	char id[40], status[32];
	const char *next, *role, *said;
	int rc = 1;

	if (st == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(id, sizeof(id), "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(status, sizeof(status), "%s", (const char *)sqlite3_column_text(st, 1));
		if (strcmp(status, "MERCHANT_PROCESSING") == 0) {
			next = "PLATFORM_PROCESSING";
			role = "SYSTEM";
			said = "商家超时未处理，平台介入处理中";
		} else if (strcmp(status, "MERCHANT_FEEDBACKED") == 0) {
			next = "FINISHED";
			role = "USER";
			said = "问题已解决，谢谢";
		} else {
			next = "PLATFORM_FINISH";
			role = "AUDITOR";
			said = "平台已处理完结";
		}
		rc = sbx_run(
		        s,
		        "INSERT INTO ali_replies(event_id, created, role, name, content, images)"
		        " VALUES (?,?,?,?,?,'')",
		        "sisss", id, now, role, strcmp(role, "USER") == 0 ? "用户" : "支付宝",
		        said);
		if (rc == 0)
			rc = sbx_run(s,
			             "UPDATE ali_complaints SET status = ?, modified = ?, finished "
			             "= CASE"
			             " WHEN ? = 'PLATFORM_PROCESSING' THEN NULL ELSE ? END WHERE "
			             "event_id = ?",
			             "sisis", next, now, next, now, id);
		if (rc == 0) {
			if (ids->len)
				sbx_buf_puts(ids, ",");
			sbx_buf_jstr(ids, id);
		}
	}
	sqlite3_finalize(st);
	return rc;
}

static void create(struct sbx *s, struct sbx_params *p, struct sbx_result *r)
{
	static const char *const kinds[] = {"orders", "unpaid", "refunds", "complaints",
	                                    "complaint_updates"};
	int counts[5], k, i, rc = 0;
	struct sbx_buf ids[5];

	for (k = 0; k < 5; k++) {
		if (sbx_admin_count(p, kinds[k], 0, 100000, &counts[k]) != 0) {
			admin_error(r, 400, "counts must be integers from 0 to 100000");
			return;
		}
		sbx_buf_init(&ids[k]);
	}
	if (sbx_params_unused(p)) {
		admin_error(r, 400,
		            "unknown parameter; use orders, unpaid, refunds, complaints, "
		            "complaint_updates");
		return;
	}
	if (sbx_exec(s, "BEGIN IMMEDIATE") != 0) {
		admin_error(r, 500, "the store is busy");
		return;
	}
	rc = ali_settle(s);
	for (i = 0; rc == 0 && i < counts[0]; i++)
		rc = ali_live_trade(s, 1, &ids[0]);
	for (i = 0; rc == 0 && i < counts[1]; i++)
		rc = ali_live_trade(s, 0, &ids[1]);
	for (i = 0; rc == 0 && i < counts[2]; i++)
		rc = live_refund(s, &ids[2]);
	for (i = 0; rc == 0 && i < counts[3]; i++)
		rc = live_complaint(s, &ids[3]);
	for (i = 0; rc == 0 && i < counts[4]; i++)
		rc = live_complaint_update(s, &ids[4]);
	/* 1 means "nothing eligible left": what was made so far stands. */
	if (rc < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		admin_error(r, 500, sqlite3_errmsg(s->db));
	} else if (sbx_exec(s, "COMMIT") != 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		admin_error(r, 500, "could not commit");
	} else {
		r->status = 200;
		sbx_buf_puts(&r->body, "{");
		for (k = 0; k < 5; k++)
			sbx_buf_printf(&r->body, "%s\"%s\":[%s]", k ? "," : "", kinds[k],
			               ids[k].data ? ids[k].data : "");
		sbx_buf_puts(&r->body, "}");
	}
	for (k = 0; k < 5; k++)
		sbx_buf_free(&ids[k]);
}

/* The lines are defined in sandbox/alipay/README.md ("Checksums"); keep both in step. */
static void checksum(struct sbx *s, struct sbx_result *r)
{
	struct sbx_buf *b = &r->body;
	int64_t today = ali_day_start(sbx_now(s));
	int64_t first = today - 90 * 86400LL;
	char sql[1024];
	int rc;

	if (ali_settle_now(s) != 0) {
		admin_error(r, 500, "could not bring the store up to the clock");
		return;
	}
	sbx_buf_puts(b, "{");
	snprintf(sql, sizeof(sql),
	         "SELECT t.trade_no, t.out_trade_no, t.total, 'cny',"
	         " (SELECT coalesce(sum(r.amount), 0) FROM ali_refunds r WHERE r.trade = t.rowid"
	         " AND r.created < %lld) FROM ali_trades t WHERE t.paid >= %lld AND t.paid < %lld"
	         " ORDER BY t.trade_no",
	         (long long)today, (long long)first, (long long)today);
	rc = sbx_checksum_table(s, "orders", sql, b);
	sbx_buf_puts(b, ",");
	snprintf(
	        sql, sizeof(sql),
	        "SELECT t.trade_no, r.out_request_no, r.amount FROM ali_refunds r JOIN ali_trades t"
	        " ON t.rowid = r.trade WHERE r.created >= %lld AND r.created < %lld"
	        " ORDER BY t.trade_no, r.out_request_no",
	        (long long)first, (long long)today);
	rc |= sbx_checksum_table(s, "refunds", sql, b);
	sbx_buf_puts(b, ",");
	snprintf(sql, sizeof(sql),
	         "SELECT c.event_id, t.trade_no, c.status, t.total FROM ali_complaints c JOIN"
	         " ali_trades t ON t.rowid = c.trade WHERE c.created >= %lld AND c.created < %lld"
	         " ORDER BY c.event_id",
	         (long long)first, (long long)today);
	rc |= sbx_checksum_table(s, "complaints", sql, b);
	sbx_buf_puts(b, ",");
	snprintf(sql, sizeof(sql),
	         "SELECT a.id + %lld, a.amount, CASE a.kind WHEN 0 THEN '交易' WHEN 2 THEN '退款'"
	         " WHEN 4 THEN '提现' ELSE '收费' END, coalesce(t.trade_no, a.order_no)"
	         " FROM ali_accountlog a LEFT JOIN ali_trades t ON t.rowid = a.trade"
	         " WHERE a.created >= %lld ORDER BY a.id",
	         ALI_LOG_ID_BASE, (long long)first);
	rc |= sbx_checksum_table(s, "accountlog", sql, b);
	sbx_buf_puts(b, ",");
	snprintf(sql, sizeof(sql),
	         "SELECT id + %lld, -amount, date(created + %d, 'unixepoch') FROM ali_accountlog"
	         " WHERE kind = 4 AND created >= %lld ORDER BY id",
	         ALI_LOG_ID_BASE, ALI_TZ, (long long)first);
	rc |= sbx_checksum_table(s, "withdrawals", sql, b);
	sbx_buf_puts(b, "}");
	if (rc != 0) {
		admin_error(r, 500, "checksum failed");
		return;
	}
	r->status = 200;
}

int ali_admin(struct sbx *s, struct sbx_request *rq, struct sbx_result *r)
{
	const char *m = rq->method;
	struct sbx_params *p = strcmp(m, "GET") == 0 ? rq->query : rq->form;

	if (strcmp(rq->path, "/_admin/create") == 0 && strcmp(m, "POST") == 0)
		create(s, p, r);
	else if (strcmp(rq->path, "/_admin/checksum") == 0 && strcmp(m, "GET") == 0)
		checksum(s, r);
	else
		return 0;
	return 1;
}
