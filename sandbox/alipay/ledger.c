/* The merchant's Alipay balance and its account log (账务明细): every trade credits its
 * 商家实收 and debits its 服务费 as a separate 收费 entry, as Alipay's account log shows
 * them; a refund debits what the merchant sends back and credits the fee that comes back;
 * every day at 05:00 Shanghai an automatic withdrawal (提现) takes all but a reserve of
 * 10,000.00 to the bank. Entries are numbered in time order without gaps, so that a time
 * window is a range of row ids and a page of it costs the same at any depth. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/alipay/alipay.h"

int64_t ali_balance(struct sbx *s)
{
	sqlite3_stmt *st = sbx_prepare(s, "SELECT balance FROM ali_accountlog ORDER BY id DESC "
	                                  "LIMIT 1");
	int64_t b = ALI_RESERVE;

	if (st && sqlite3_step(st) == SQLITE_ROW)
		b = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return b;
}

int ali_add_entry(struct sbx *s, int64_t t, int kind, int64_t amount, int64_t trade, int64_t refund,
                  const char *order_no, int64_t *id)
{
	int64_t balance = ali_balance(s) + amount;
	sqlite3_stmt *st = sbx_prepare(s, "INSERT INTO ali_accountlog(created, kind, amount, "
	                                  "balance, trade, refund, order_no) "
	                                  "VALUES (?,?,?,?,?,?,?)");
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, t);
	sqlite3_bind_int(st, 2, kind);
	sqlite3_bind_int64(st, 3, amount);
	sqlite3_bind_int64(st, 4, balance);
	if (trade > 0)
		sqlite3_bind_int64(st, 5, trade);
	if (refund > 0)
		sqlite3_bind_int64(st, 6, refund);
	if (order_no)
		sqlite3_bind_text(st, 7, order_no, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	if (rc == 0 && id)
		*id = sqlite3_last_insert_rowid(s->db);
	if (rc != 0)
		fprintf(stderr, "paydesk-sandbox: cannot store an account entry: %s\n",
		        sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	return rc;
}

int ali_settle(struct sbx *s)
{
	char v[32];
	int64_t last, now = sbx_now(s);
	int moved = 0;

	if (sbx_meta_get(s, "ali_withdrawn_until", v, sizeof(v)) != 0)
		return 0;
	last = strtoll(v, NULL, 10);
	while (last + 86400 <= now) {
		int64_t at = last + 86400;
		int64_t amount = ali_balance(s) - ALI_RESERVE;

		if (amount > 0) {
			char no[40], date[16];

			ali_fmt_compact_date(at, date, sizeof(date));
			snprintf(no, sizeof(no), "%.8s200040011%011lld", date,
			         (long long)((at + ALI_TZ) / 86400));
			if (ali_add_entry(s, at, ALI_E_WITHDRAW, -amount, 0, 0, no, NULL) != 0)
				return -1;
		}
		last = at;
		moved = 1;
	}
	if (moved) {
		snprintf(v, sizeof(v), "%lld", (long long)last);
		return sbx_meta_set(s, "ali_withdrawn_until", v);
	}
	return 0;
}

int ali_settle_now(struct sbx *s)
{
	if (sbx_exec(s, "BEGIN IMMEDIATE") != 0)
		return -1;
	if (ali_settle(s) != 0 || sbx_exec(s, "COMMIT") != 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

/* The first entry id at or after time t (one past the last entry when none). */
static int64_t first_id_at(struct sbx *s, int64_t t)
{
	/* Ids grow with time, so the first by (created, id) is the smallest; min(id) would
	 * walk the ids from the start instead of seeking the time index. */
	sqlite3_stmt *st = sbx_prepare(s, "SELECT id FROM ali_accountlog WHERE created >= ?"
	                                  " ORDER BY created, id LIMIT 1");
	int64_t id = 0;

	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, t);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (id == 0) {
		st = sbx_prepare(s, "SELECT coalesce(max(id), 0) + 1 FROM ali_accountlog");
		if (st && sqlite3_step(st) == SQLITE_ROW)
			id = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return id;
}

static const char *const entry_type[] = {"交易", "收费", "退款", "收费", "提现"};
static const char *const entry_desc[] = {"交易收款", "交易服务费", "交易退款", "服务费退回",
                                         "提现"};

#define ENTRY_SQL                                                                                  \
	"SELECT a.id, a.created, a.kind, a.amount, a.balance, t.trade_no, t.out_trade_no,"         \
	" r.out_request_no, t.party, t.store, a.order_no, r.reason, t.subject"                     \
	" FROM ali_accountlog a LEFT JOIN ali_trades t ON t.rowid = a.trade"                       \
	" LEFT JOIN ali_refunds r ON r.rowid = a.refund"

/* Appends one entry (a row of ENTRY_SQL) as an account_log_item_result. */
static void render_entry(struct sbx *s, sqlite3_stmt *row, struct ali_obj *list)
{
	struct ali_obj o;
	char v[64];
	int kind = sqlite3_column_int(row, 2);
	int64_t amount = sqlite3_column_int64(row, 3);
	const char *trade_no = (const char *)sqlite3_column_text(row, 5);
	int store = sqlite3_column_type(row, 9) == SQLITE_NULL ? -1 : sqlite3_column_int(row, 9);

	if (kind < 0 || kind > ALI_E_WITHDRAW)
		kind = ALI_E_TRADE;
	if (list->n++)
		sbx_buf_put(list->b, ",", 1);
	ali_obj_begin(&o, list->b);
	snprintf(v, sizeof(v), "%lld", (long long)(ALI_LOG_ID_BASE + sqlite3_column_int64(row, 0)));
	ali_str(&o, "account_log_id", v);
	ali_str(&o, "alipay_order_no",
	        trade_no ? trade_no : (const char *)sqlite3_column_text(row, 10));
	ali_str(&o, "merchant_order_no", (const char *)sqlite3_column_text(row, 6));
	if (kind == ALI_E_REFUND || kind == ALI_E_FEE_BACK)
		ali_str(&o, "merchant_out_refund_no", (const char *)sqlite3_column_text(row, 7));
	ali_time_member(&o, "trans_dt", sqlite3_column_int64(row, 1));
	ali_yuan_member(&o, "trans_amount", amount);
	ali_yuan_member(&o, "balance", sqlite3_column_int64(row, 4));
	ali_str(&o, "direction", amount >= 0 ? "收入" : "支出");
	ali_str(&o, "type", entry_type[kind]);
	ali_str(&o, "biz_desc", entry_desc[kind]);
	if (kind == ALI_E_TRADE || kind == ALI_E_REFUND) {
		ali_str(&o, "other_account", (const char *)sqlite3_column_text(row, 8));
	} else if (kind == ALI_E_WITHDRAW) {
		snprintf(v, sizeof(v), "招商银行(尾号%.4s)", ali_state(s)->pid + 12);
		ali_str(&o, "other_account", v);
	} else {
		ali_str(&o, "other_account", "支付宝（中国）网络技术有限公司");
	}
	if (store >= 0 && (size_t)store < ali_n_stores)
		ali_str(&o, "store_name", ali_stores[store].name);
	if (kind == ALI_E_REFUND && sqlite3_column_text(row, 11))
		ali_str(&o, "trans_memo", (const char *)sqlite3_column_text(row, 11));
	else if (kind == ALI_E_TRADE)
		ali_str(&o, "trans_memo", (const char *)sqlite3_column_text(row, 12));
	ali_obj_end(&o);
}

/* An integer member given as a string or a number; def when absent. 0, or -1 when it is
 * not a positive integer. */
static int biz_int(struct ali_call *c, const char *key, long def, long *out)
{
	char v[32];
	char *end;
	const char *p = ali_biz(c, key, v, sizeof(v));

	*out = def;
	if (p == NULL)
		return 0;
	*out = strtol(p, &end, 10);
	return *p && *end == '\0' && *out > 0 ? 0 : -1;
}

void ali_accountlog_query(struct ali_call *c, struct ali_reply *r)
{
	struct sbx *s = c->s;
	char sv[32], ev[32], ono[80], mno[80];
	const char *start = ali_biz(c, "start_time", sv, sizeof(sv));
	const char *end = ali_biz(c, "end_time", ev, sizeof(ev));
	const char *order_no = ali_biz(c, "alipay_order_no", ono, sizeof(ono));
	const char *merchant_no = ali_biz(c, "merchant_order_no", mno, sizeof(mno));
	int64_t from = 0, to = INT64_MAX, total = 0;
	long page_no, page_size;
	sqlite3_stmt *st;
	struct ali_obj list;
	struct sbx_buf items;

	if (order_no && merchant_no) {
		ali_fail(r, 40002, "isv.invalid-parameter",
		         "参数无效：alipay_order_no与merchant_order_no不能同时传入");
		return;
	}
	if ((start || !(order_no || merchant_no)) && ali_parse_time(start, &from) != 0) {
		ali_fail(r, 40002, "isv.invalid-parameter",
		         "参数无效：start_time须为yyyy-MM-dd HH:mm:ss");
		return;
	}
	if ((end || !(order_no || merchant_no)) && ali_parse_time(end, &to) != 0) {
		ali_fail(r, 40002, "isv.invalid-parameter",
		         "参数无效：end_time须为yyyy-MM-dd HH:mm:ss");
		return;
	}
	if (to <= from || (start && end && to - from > 31 * 86400)) {
		ali_fail(r, 40002, "isv.invalid-parameter",
		         "参数无效：end_time须晚于start_time，且间隔不超过31天");
		return;
	}
	if (start && from < c->now - 366 * 86400) {
		ali_fail(r, 40002, "isv.invalid-parameter", "参数无效：只能查询一年内的记录");
		return;
	}
	if (biz_int(c, "page_no", 1, &page_no) != 0 ||
	    biz_int(c, "page_size", 2000, &page_size) != 0 || page_size < 1000 ||
	    page_size > 2000 || page_no > 100000) {
		ali_fail(r, 40002, "isv.invalid-parameter",
		         "参数无效：page_no从1开始，page_size须在1000到2000之间");
		return;
	}
	sbx_buf_init(&items);
	list.b = &items;
	list.n = 0;
	if (order_no || merchant_no) {
		/* A precise query: the trade's entries, or a withdrawal's. */
		int64_t trade = 0;

		st = sbx_prepare(s,
		                 order_no ? "SELECT rowid FROM ali_trades WHERE trade_no = ?"
		                          : "SELECT rowid FROM ali_trades WHERE out_trade_no = ?");
		if (st) {
			sqlite3_bind_text(st, 1, order_no ? order_no : merchant_no, -1,
			                  SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_ROW)
				trade = sqlite3_column_int64(st, 0);
		}
		sqlite3_finalize(st);
		st = sbx_prepare(s, trade ? ENTRY_SQL " WHERE a.trade = ?1 AND a.created >= ?3 AND"
		                                      " a.created < ?4 ORDER BY a.id"
		                          : ENTRY_SQL
		                            " WHERE a.order_no = ?2 AND a.created >= ?3 AND"
		                            " a.created < ?4 ORDER BY a.id");
		if (st == NULL) {
			ali_fail(r, 20000, "isp.unknown-error", "系统繁忙");
			return;
		}
		sqlite3_bind_int64(st, 1, trade);
		sqlite3_bind_text(st, 2, order_no ? order_no : "", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, from);
		sqlite3_bind_int64(st, 4, to);
		while (sqlite3_step(st) == SQLITE_ROW) {
			total++;
			if (total > (page_no - 1) * page_size && total <= page_no * page_size)
				render_entry(s, st, &list);
		}
	} else {
		int64_t lo = first_id_at(s, from);
		int64_t hi = first_id_at(s, to);
		int64_t a = lo + (int64_t)(page_no - 1) * page_size;
		int64_t b = a + page_size < hi ? a + page_size : hi;

		total = hi - lo;
		st = sbx_prepare(s, ENTRY_SQL " WHERE a.id >= ? AND a.id < ? ORDER BY a.id");
		if (st == NULL) {
			ali_fail(r, 20000, "isp.unknown-error", "系统繁忙");
			return;
		}
		sqlite3_bind_int64(st, 1, a);
		sqlite3_bind_int64(st, 2, b);
		while (sqlite3_step(st) == SQLITE_ROW)
			render_entry(s, st, &list);
	}
	sqlite3_finalize(st);
	/* detail_list is left out when the page is empty, as Alipay does. */
	if (list.n) {
		sbx_buf_puts(&r->body, ",\"detail_list\":[");
		sbx_buf_put(&r->body, items.data, items.len);
		sbx_buf_puts(&r->body, "]");
	}
	sbx_buf_printf(&r->body,
	               ",\"page_no\":\"%ld\",\"page_size\":\"%ld\",\"total_size\":\"%lld\"",
	               page_no, page_size, (long long)total);
	sbx_buf_free(&items);
}
