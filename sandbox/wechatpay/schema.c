/* WeChat Pay's tables in the sandbox's store, the reads and writes every part shares, and
 * the BASIC account: its entries (wx_flows) carry the running balance, and the daily
 * automatic withdrawal at 05:00 Shanghai time is made when the clock has passed it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/wechatpay/wechatpay.h"

/* Orders keep small codes (trade type, bank, product, ...) that gen.c names: a bill of
 * 10,000 orders is read from narrow rows. */
static const char schema_sql[] =
        "CREATE TABLE IF NOT EXISTS wx_orders("
        " seq INTEGER PRIMARY KEY, transaction_id TEXT, out_trade_no TEXT NOT NULL,"
        " created INTEGER NOT NULL, success_time INTEGER, trade_type INTEGER NOT NULL,"
        " state INTEGER NOT NULL, bank INTEGER NOT NULL, rate INTEGER NOT NULL,"
        " product INTEGER NOT NULL, attach INTEGER NOT NULL, device INTEGER NOT NULL,"
        " coupon_type INTEGER NOT NULL, payer INTEGER NOT NULL, total INTEGER NOT NULL,"
        " coupon INTEGER NOT NULL, refunded INTEGER NOT NULL, refunds INTEGER NOT NULL);"
        "CREATE TABLE IF NOT EXISTS wx_refunds("
        " seq INTEGER PRIMARY KEY, refund_id TEXT NOT NULL, out_refund_no TEXT NOT NULL,"
        " order_seq INTEGER NOT NULL, created INTEGER NOT NULL, amount INTEGER NOT NULL,"
        " discount INTEGER NOT NULL, settle INTEGER NOT NULL, fee_e5 INTEGER NOT NULL,"
        " abnormal INTEGER NOT NULL, reason TEXT, funds_account TEXT,"
        " status_at INTEGER NOT NULL);"
        "CREATE TABLE IF NOT EXISTS wx_flows("
        " seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, kind INTEGER NOT NULL,"
        " business_no TEXT NOT NULL, voucher TEXT NOT NULL, amount INTEGER NOT NULL,"
        " balance INTEGER NOT NULL, gross INTEGER NOT NULL, fee INTEGER NOT NULL);"
        "CREATE TABLE IF NOT EXISTS wx_complaints("
        " seq INTEGER PRIMARY KEY, complaint_id TEXT NOT NULL, order_seq INTEGER NOT NULL,"
        " created INTEGER NOT NULL, state INTEGER NOT NULL, problem INTEGER NOT NULL,"
        " detail TEXT NOT NULL, description TEXT NOT NULL, apply_refund INTEGER NOT NULL,"
        " times INTEGER NOT NULL, incoming INTEGER NOT NULL, immediate INTEGER NOT NULL,"
        " phone TEXT NOT NULL, media TEXT, refund_decided INTEGER NOT NULL);"
        "CREATE TABLE IF NOT EXISTS wx_complaint_log("
        " seq INTEGER PRIMARY KEY, complaint_seq INTEGER NOT NULL, log_id TEXT NOT NULL,"
        " at INTEGER NOT NULL, operator TEXT NOT NULL, type TEXT NOT NULL, details TEXT,"
        " images TEXT);"
        "CREATE TABLE IF NOT EXISTS wx_media("
        " media_id TEXT PRIMARY KEY, created INTEGER NOT NULL, filename TEXT NOT NULL,"
        " size INTEGER NOT NULL, sha256 TEXT NOT NULL, content BLOB);";

/* Built once after seeding: cheaper than keeping them up to date across a million inserts. */
static const char index_sql[] =
        "CREATE UNIQUE INDEX IF NOT EXISTS wx_orders_tid ON wx_orders(transaction_id);"
        "CREATE UNIQUE INDEX IF NOT EXISTS wx_orders_otn ON wx_orders(out_trade_no);"
        "CREATE INDEX IF NOT EXISTS wx_orders_paid ON wx_orders(success_time);"
        "CREATE UNIQUE INDEX IF NOT EXISTS wx_refunds_orn ON wx_refunds(out_refund_no);"
        "CREATE UNIQUE INDEX IF NOT EXISTS wx_refunds_rid ON wx_refunds(refund_id);"
        "CREATE INDEX IF NOT EXISTS wx_refunds_order ON wx_refunds(order_seq);"
        "CREATE INDEX IF NOT EXISTS wx_refunds_created ON wx_refunds(created);"
        "CREATE INDEX IF NOT EXISTS wx_flows_at ON wx_flows(at);"
        "CREATE UNIQUE INDEX IF NOT EXISTS wx_complaints_id ON wx_complaints(complaint_id);"
        "CREATE INDEX IF NOT EXISTS wx_complaints_created ON wx_complaints(created);"
        "CREATE INDEX IF NOT EXISTS wx_complaints_order ON wx_complaints(order_seq);"
        "CREATE INDEX IF NOT EXISTS wx_clog_complaint ON wx_complaint_log(complaint_seq, at);";

int wx_schema(struct sbx *s)
{
	return sbx_exec(s, schema_sql);
}

int wx_indices(struct sbx *s)
{
	return sbx_exec(s, index_sql);
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v && v[0])
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

int wx_insert_order(sqlite3_stmt *ins, const struct wx_order *o)
{
	sqlite3_reset(ins);
	sqlite3_bind_int64(ins, 1, o->seq);
	bind_text_or_null(ins, 2, o->transaction_id);
	sqlite3_bind_text(ins, 3, o->out_trade_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(ins, 4, o->created);
	if (o->success_time)
		sqlite3_bind_int64(ins, 5, o->success_time);
	else
		sqlite3_bind_null(ins, 5);
	sqlite3_bind_int(ins, 6, o->trade_type);
	sqlite3_bind_int(ins, 7, o->state);
	sqlite3_bind_int(ins, 8, o->bank);
	sqlite3_bind_int(ins, 9, o->rate_bp);
	sqlite3_bind_int(ins, 10, o->product);
	sqlite3_bind_int(ins, 11, o->attach);
	sqlite3_bind_int(ins, 12, o->device);
	sqlite3_bind_int(ins, 13, o->coupon_type);
	sqlite3_bind_int64(ins, 14, o->payer);
	sqlite3_bind_int64(ins, 15, o->total);
	sqlite3_bind_int64(ins, 16, o->coupon);
	sqlite3_bind_int64(ins, 17, o->refunded);
	sqlite3_bind_int64(ins, 18, o->refunds);
	return sqlite3_step(ins) == SQLITE_DONE ? 0 : -1;
}

void wx_read_order(sqlite3_stmt *st, int col, struct wx_order *o)
{
	const char *tid = (const char *)sqlite3_column_text(st, col + 1);

	memset(o, 0, sizeof(*o));
	o->seq = sqlite3_column_int64(st, col);
	snprintf(o->transaction_id, sizeof(o->transaction_id), "%s", tid ? tid : "");
	snprintf(o->out_trade_no, sizeof(o->out_trade_no), "%s",
	         (const char *)sqlite3_column_text(st, col + 2));
	o->created = sqlite3_column_int64(st, col + 3);
	o->success_time = sqlite3_column_int64(st, col + 4);
	o->trade_type = sqlite3_column_int(st, col + 5);
	o->state = sqlite3_column_int(st, col + 6);
	o->bank = sqlite3_column_int(st, col + 7);
	o->rate_bp = sqlite3_column_int(st, col + 8);
	o->product = sqlite3_column_int(st, col + 9);
	o->attach = sqlite3_column_int(st, col + 10);
	o->device = sqlite3_column_int(st, col + 11);
	o->coupon_type = sqlite3_column_int(st, col + 12);
	o->payer = sqlite3_column_int64(st, col + 13);
	o->total = sqlite3_column_int64(st, col + 14);
	o->coupon = sqlite3_column_int64(st, col + 15);
	o->refunded = sqlite3_column_int64(st, col + 16);
	o->refunds = sqlite3_column_int64(st, col + 17);
	/* Codes index tables in gen.c: a hand-edited store must not index past them. */
	if (o->trade_type < 0 || o->trade_type > 3)
		o->trade_type = 0;
	if (o->state < 0 || o->state > 5)
		o->state = 0;
	if (o->bank < 0 || (size_t)o->bank >= wx_n_banks)
		o->bank = 0;
	if (o->product < 0 || (size_t)o->product >= wx_n_products)
		o->product = 0;
}

int wx_find_order(struct sbx *s, int by_id, const char *key, struct wx_order *o)
{
	sqlite3_stmt *st = sbx_prepare(
	        s, by_id ? "SELECT " WX_ORDER_COLS " FROM wx_orders WHERE transaction_id = ?"
	                 : "SELECT " WX_ORDER_COLS " FROM wx_orders WHERE out_trade_no = ?");
	int rc = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		wx_read_order(st, 0, o);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int wx_add_flow(struct sbx *s, sqlite3_stmt *ins, int64_t at, int kind, const char *business_no,
                const char *voucher, int64_t amount, int64_t gross, int64_t fee, int64_t *balance)
{
	sqlite3_stmt *own = NULL;
	int rc;

	if (ins == NULL) {
		own = sbx_prepare(s, WX_INSERT_FLOW_SQL);
		if (own == NULL)
			return -1;
		ins = own;
	}
	*balance += amount;
	sqlite3_reset(ins);
	sqlite3_bind_int64(ins, 1, at);
	sqlite3_bind_int(ins, 2, kind);
	sqlite3_bind_text(ins, 3, business_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 4, voucher, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(ins, 5, amount);
	sqlite3_bind_int64(ins, 6, *balance);
	sqlite3_bind_int64(ins, 7, gross);
	sqlite3_bind_int64(ins, 8, fee);
	rc = sqlite3_step(ins) == SQLITE_DONE ? 0 : -1;
	if (rc != 0)
		fprintf(stderr, "paydesk-sandbox: cannot store an account entry: %s\n",
		        sqlite3_errmsg(s->db));
	sqlite3_finalize(own);
	return rc;
}

int64_t wx_balance(struct sbx *s)
{
	sqlite3_stmt *st = sbx_prepare(s, "SELECT balance FROM wx_flows ORDER BY seq DESC LIMIT 1");
	int64_t b = 0;

	if (st && sqlite3_step(st) == SQLITE_ROW)
		b = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return b;
}

/* The withdrawal moves the whole balance to the merchant's bank account; a balance of zero
 * or less (refunds after the last withdrawal) is left for the next day. */
static int withdraw(struct sbx *s, int64_t t)
{
	int64_t bal = wx_balance(s);
	char id[40];

	if (bal <= 0)
		return 0;
	wx_withdrawal_id(wx_day(t), t, id);
	return wx_add_flow(s, NULL, t, WX_FLOW_WITHDRAWAL, id, id, -bal, bal, 0, &bal);
}

int wx_advanced(struct sbx *s)
{
	struct wx_state *w = wx_state(s);
	int64_t now = sbx_now(s);
	int moved = 0;
	char v[32];

	while (w->next_withdrawal <= now) {
		if (withdraw(s, w->next_withdrawal) != 0)
			return -1;
		w->next_withdrawal += 86400;
		moved = 1;
	}
	if (!moved)
		return 0;
	snprintf(v, sizeof(v), "%lld", (long long)w->next_withdrawal);
	return sbx_meta_set(s, "wx_next_withdrawal", v);
}

int wx_catch_up(struct sbx *s)
{
	struct wx_state *w = wx_state(s);
	int64_t was = w->next_withdrawal;

	if (w->next_withdrawal > sbx_now(s))
		return 0;
	if (sbx_exec(s, "BEGIN IMMEDIATE") != 0)
		return -1;
	if (wx_advanced(s) != 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		w->next_withdrawal = was; /* tried again on the next request */
		return -1;
	}
	return sbx_exec(s, "COMMIT");
}
