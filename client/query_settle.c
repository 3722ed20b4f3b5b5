/* Read-only queries of the Settlements screen: payouts, the balance
 * transactions a payout paid out, and the per-day per-currency summary. */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cache_schema.h"
#include "client/i18n.h"
#include "client/ledger.h"
#include "client/money.h"
#include "client/query.h"
#include "client/query_private.h"

/* ---- Settlements ---- */

#define PAYOUT_COLUMNS                                                                             \
	"p.id, p.created, p.arrival_date, p.amount, p.currency, p.status, p.method, "              \
	"p.description, p.reconciled"

static void read_payout(sqlite3_stmt *s, void *out)
{
	struct query_payout_row *r = out;
	query_col_text(s, 0, r->id, sizeof r->id);
	r->created = (time_t)sqlite3_column_int64(s, 1);
	r->arrival_date = (time_t)sqlite3_column_int64(s, 2);
	r->amount = sqlite3_column_int64(s, 3);
	query_col_text(s, 4, r->currency, sizeof r->currency);
	query_col_text(s, 5, r->status, sizeof r->status);
	query_col_text(s, 6, r->method, sizeof r->method);
	query_col_text(s, 7, r->description, sizeof r->description);
	r->reconciled = sqlite3_column_int(s, 8) != 0;
}

int query_payouts_page(struct query *q, const char *key, bool after, int max,
                       struct query_payout_row *out)
{
	struct page_spec p = {
	        .select = "SELECT " PAYOUT_COLUMNS " FROM payouts p",
	        .sort = "p.arrival_date",
	        .tiebreak = "p.id",
	        .desc = true,
	        .row_size = sizeof *out,
	        .read = read_payout,
	};
	return query_run_page(q, &p, key, after, max, out);
}

long query_payouts_count(struct query *q)
{
	struct page_spec p = {0};
	return query_run_count(q, "SELECT count(*) FROM payouts p", &p);
}

void query_payout_key(const struct query_payout_row *row, char *buf, size_t size)
{
	snprintf(buf, size, "%lld|%s", (long long)row->arrival_date, row->id);
}

int query_payout_get(struct query *q, const char *id, struct query_payout_row *out)
{
	return query_get_one(q, "SELECT " PAYOUT_COLUMNS " FROM payouts p WHERE p.id = ?", id,
	                     read_payout, out, sizeof *out);
}

/* The order an entry is about: its source is the order (a charge), one of its refunds or
 * one of its disputes. */
#define BALANCE_COLUMNS                                                                            \
	"b.id, b.created, b.available_on, b.amount, b.fee, b.net, b.currency, b.type, "            \
	"b.reporting_category, b.source, b.description, "                                          \
	"coalesce((SELECT order_ref FROM orders WHERE id = b.source),"                             \
	" (SELECT o.order_ref FROM refunds r JOIN orders o ON o.id = r.order_id"                   \
	"  WHERE r.id = b.source),"                                                                \
	" (SELECT o.order_ref FROM disputes d JOIN orders o ON o.id = d.order_id"                  \
	"  WHERE d.id = b.source)), "                                                              \
	"b.exchange_rate, b.fx_fee, "                                                              \
	"CASE WHEN b.exchange_rate IS NOT NULL THEN " CACHE_FX_PRESENTMENT_AMOUNT_SQL " END, "     \
	"CASE WHEN b.exchange_rate IS NOT NULL THEN " CACHE_FX_PRESENTMENT_CURRENCY_SQL " END"

static void read_balance(sqlite3_stmt *s, void *out)
{
	struct query_balance_row *r = out;
	query_col_text(s, 0, r->id, sizeof r->id);
	r->created = (time_t)sqlite3_column_int64(s, 1);
	r->available_on = (time_t)sqlite3_column_int64(s, 2);
	r->amount = sqlite3_column_int64(s, 3);
	r->fee = sqlite3_column_int64(s, 4);
	r->net = sqlite3_column_int64(s, 5);
	query_col_text(s, 6, r->currency, sizeof r->currency);
	query_col_text(s, 7, r->type, sizeof r->type);
	query_col_text(s, 8, r->reporting_category, sizeof r->reporting_category);
	query_col_text(s, 9, r->source, sizeof r->source);
	query_col_text(s, 10, r->description, sizeof r->description);
	query_col_text(s, 11, r->order_ref, sizeof r->order_ref);
	query_col_text(s, 12, r->exchange_rate, sizeof r->exchange_rate);
	r->fx_fee = sqlite3_column_int64(s, 13);
	r->presentment_amount = sqlite3_column_int64(s, 14);
	query_col_text(s, 15, r->presentment_currency, sizeof r->presentment_currency);
	/* Both sides, or it is shown as not converted. */
	r->converted = r->exchange_rate[0] && r->presentment_currency[0] &&
	               sqlite3_column_type(s, 14) == SQLITE_INTEGER;
}

static void entries_spec(struct page_spec *p, const char *payout_id)
{
	p->select = "SELECT " BALANCE_COLUMNS " FROM balance_transactions b";
	p->sort = "b.created";
	p->tiebreak = "b.id";
	p->desc = true;
	p->row_size = sizeof(struct query_balance_row);
	p->read = read_balance;
	query_add_where(p, "b.payout_id = ? AND b.type <> 'payout'");
	query_add_text(p, payout_id);
}

int query_payout_entries_page(struct query *q, const char *payout_id, const char *key, bool after,
                              int max, struct query_balance_row *out)
{
	struct page_spec p = {0};
	entries_spec(&p, payout_id);
	return query_run_page(q, &p, key, after, max, out);
}

void query_balance_key(const struct query_balance_row *row, char *buf, size_t size)
{
	snprintf(buf, size, "%lld|%s", (long long)row->created, row->id);
}

int query_balance_get(struct query *q, const char *id, struct query_balance_row *out)
{
	return query_get_one(
	        q, "SELECT " BALANCE_COLUMNS " FROM balance_transactions b WHERE b.id = ?", id,
	        read_balance, out, sizeof *out);
}

long query_payout_totals(struct query *q, const char *payout_id, int64_t *gross, int64_t *fee,
                         int64_t *net, int64_t *converted)
{
	/* sum() of integers is exact integer arithmetic (total() would be a
	 * float); it fails on overflow rather than rounding. */
	const char *sql = "SELECT count(*), coalesce(sum(amount), 0), coalesce(sum(fee), 0), "
	                  "coalesce(sum(net), 0), count(exchange_rate) FROM balance_transactions "
	                  "WHERE payout_id = ? AND type <> 'payout'";
	sqlite3_stmt *stmt = query_prepare_id(q, sql, payout_id);
	if (!stmt)
		return -1;
	long n = -1;
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		n = (long)sqlite3_column_int64(stmt, 0);
		*gross = sqlite3_column_int64(stmt, 1);
		*fee = sqlite3_column_int64(stmt, 2);
		*net = sqlite3_column_int64(stmt, 3);
		*converted = sqlite3_column_int64(stmt, 4);
	} else {
		query_set_error(q, "step");
	}
	sqlite3_finalize(stmt);
	return n;
}

/* Local midnight of the day holding t (TZ), and of the day after. */
static time_t day_start(time_t t)
{
	struct tm tm;
	localtime_r(&t, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static time_t next_day(time_t day)
{
	struct tm tm;
	localtime_r(&day, &tm);
	tm.tm_mday++;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* The day with activity nearest before `before` (older=true) or at/after
 * `from` (older=false); 0 when none, -1 on failure. */
static time_t neighbour_day(struct query *q, time_t edge, bool older)
{
	const char *sql = older ? "SELECT max(created) FROM balance_transactions "
	                          "WHERE created < ? AND type <> 'payout'"
	                        : "SELECT min(created) FROM balance_transactions "
	                          "WHERE created >= ? AND type <> 'payout'";
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(q->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		query_set_error(q, "prepare");
		return -1;
	}
	if (sqlite3_bind_int64(stmt, 1, (sqlite3_int64)edge) != SQLITE_OK) {
		query_set_error(q, "bind");
		sqlite3_finalize(stmt);
		return -1;
	}
	time_t day = -1;
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		day = sqlite3_column_type(stmt, 0) == SQLITE_NULL
		              ? 0
		              : day_start((time_t)sqlite3_column_int64(stmt, 0));
	} else {
		query_set_error(q, "step");
	}
	sqlite3_finalize(stmt);
	return day;
}

/* Adds one group of a day's rows into a currency's category sums; false on overflow. */
static bool add_group(struct ledger_sum *sum, int64_t count, int64_t amount, int64_t fee,
                      int64_t net)
{
	return money_add(sum->count, count, &sum->count) &&
	       money_add(sum->amount, amount, &sum->amount) &&
	       money_add(sum->fee, fee, &sum->fee) && money_add(sum->net, net, &sum->net);
}

/* A currency's row of the day from its category sums, with the statement's lines: the
 * same categories (ledger_categorize) and the same fee line and net (ledger_activity_of),
 * so the day reads as that day's statement does. false on overflow. */
static bool finish_day_row(struct query_day_row *r, const struct ledger_sum *cat)
{
	int64_t disputes;
	if (!money_add(cat[LEDGER_CAT_DISPUTES].amount, cat[LEDGER_CAT_REVERSALS].amount,
	               &disputes) ||
	    !ledger_activity_of(cat, &r->fees, &r->net))
		return false;
	r->sales = cat[LEDGER_CAT_SALES].amount;
	r->refunds = cat[LEDGER_CAT_REFUNDS].amount;
	r->disputes = disputes;
	int64_t count = 0;
	for (int k = 0; k < LEDGER_CAT_COUNT; k++)
		if (k != LEDGER_CAT_PAYOUTS)
			count += cat[k].count;
	r->count = (long)count;
	return true;
}

/* The currencies of one day, currency descending (display order), into
 * out.  Returns the count (at most max) or -1. The sums come by type: a day holds a
 * handful of types, and each is put in its category here. */
static int day_rows(struct query *q, time_t day, struct query_day_row *out, int max)
{
	const char *sql = "SELECT currency, type, reporting_category, count(*), sum(amount),"
	                  " sum(fee), sum(net) FROM balance_transactions"
	                  " WHERE created >= ? AND created < ?"
	                  " GROUP BY currency, type, reporting_category ORDER BY currency DESC";
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(q->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		query_set_error(q, "prepare");
		return -1;
	}
	if (sqlite3_bind_int64(stmt, 1, (sqlite3_int64)day) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)next_day(day)) != SQLITE_OK) {
		query_set_error(q, "bind");
		sqlite3_finalize(stmt);
		return -1;
	}
	struct ledger_sum cat[LEDGER_CAT_COUNT];
	int n = 0, rc;
	bool ok = true, open = false;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		char currency[8];
		query_col_text(stmt, 0, currency, sizeof currency);
		if (!open || strcmp(currency, out[n - 1].currency) != 0) {
			if (open && !(ok = finish_day_row(&out[n - 1], cat)))
				break;
			if (n == max) {
				open = false;
				break;
			}
			struct query_day_row *r = &out[n++];
			memset(r, 0, sizeof *r);
			memset(cat, 0, sizeof cat);
			r->day = day;
			snprintf(r->currency, sizeof r->currency, "%s", currency);
			open = true;
		}
		enum ledger_category k =
		        ledger_categorize((const char *)sqlite3_column_text(stmt, 1),
		                          (const char *)sqlite3_column_text(stmt, 2));
		if (!(ok = add_group(&cat[k], sqlite3_column_int64(stmt, 3),
		                     sqlite3_column_int64(stmt, 4), sqlite3_column_int64(stmt, 5),
		                     sqlite3_column_int64(stmt, 6))))
			break;
	}
	if (ok && open)
		ok = finish_day_row(&out[n - 1], cat);
	if (ok && rc != SQLITE_ROW && rc != SQLITE_DONE) {
		query_set_error(q, "step");
		sqlite3_finalize(stmt);
		return -1;
	}
	sqlite3_finalize(stmt);
	if (!ok) {
		snprintf(q->err, sizeof q->err, "%s", ledger_status_message(LEDGER_OVERFLOW));
		return -1;
	}
	/* Only the payouts moved this currency: no activity, no row. */
	int kept = 0;
	for (int i = 0; i < n; i++)
		if (out[i].count > 0)
			out[kept++] = out[i];
	return kept;
}

int query_days_page(struct query *q, const char *key, bool after, int max,
                    struct query_day_row *out)
{
	int64_t key_day = 0;
	const char *key_cur = "";
	bool keyed = key && query_parse_key(key, &key_day, &key_cur);
	struct query_day_row day[32];
	int n = 0;
	if (after) {
		/* Older days: first the rest of the key's day, then day by day. */
		time_t d = keyed ? (time_t)key_day : neighbour_day(q, (time_t)INT64_MAX / 2, true);
		if (!keyed && d <= 0)
			return d < 0 ? -1 : 0;
		while (n < max && d > 0) {
			int k = day_rows(q, d, day, 32);
			if (k < 0)
				return -1;
			for (int i = 0; i < k && n < max; i++)
				if (!keyed || d != (time_t)key_day ||
				    strcmp(day[i].currency, key_cur) < 0)
					out[n++] = day[i];
			d = neighbour_day(q, d, true);
			if (d < 0)
				return -1;
		}
		return n;
	}
	/* Newer days, nearest first, then reversed into display order. */
	time_t d = keyed ? (time_t)key_day : 0;
	struct query_day_row *tmp = calloc((size_t)max, sizeof *tmp);
	if (!tmp) {
		snprintf(q->err, sizeof q->err, "%s", _("Out of memory."));
		return -1;
	}
	if (!keyed) {
		/* From the very end: the oldest days, walked from the oldest. */
		free(tmp);
		time_t oldest = neighbour_day(q, 0, false);
		if (oldest <= 0)
			return oldest < 0 ? -1 : 0;
		struct query_day_row *rows = calloc((size_t)max, sizeof *rows);
		if (!rows) {
			snprintf(q->err, sizeof q->err, "%s", _("Out of memory."));
			return -1;
		}
		/* Collect oldest-first, keep the last max in display order. */
		int have = 0;
		time_t cur = oldest;
		while (have < max && cur > 0) {
			int k = day_rows(q, cur, day, 32);
			if (k < 0) {
				free(rows);
				return -1;
			}
			for (int i = k - 1; i >= 0 && have < max; i--)
				rows[have++] = day[i];
			cur = neighbour_day(q, next_day(cur), false);
			if (cur < 0) {
				free(rows);
				return -1;
			}
		}
		for (int i = 0; i < have; i++)
			out[i] = rows[have - 1 - i];
		free(rows);
		return have;
	}
	while (n < max && d > 0) {
		int k = day_rows(q, d, day, 32);
		if (k < 0) {
			free(tmp);
			return -1;
		}
		for (int i = k - 1; i >= 0 && n < max; i--)
			if (d != (time_t)key_day || strcmp(day[i].currency, key_cur) > 0)
				tmp[n++] = day[i];
		d = neighbour_day(q, next_day(d), false);
		if (d < 0) {
			free(tmp);
			return -1;
		}
	}
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	free(tmp);
	return n;
}

void query_day_key(const struct query_day_row *row, char *buf, size_t size)
{
	snprintf(buf, size, "%lld|%s", (long long)row->day, row->currency);
}
