/* The risk rules' functions (the table that names them is in risk.c): each reads its
 * window of the cache and adds its findings, with the reason in plain words. */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/i18n.h"
#include "client/money.h"
#include "client/cache_schema.h"
#include "client/risk_private.h"

/* ---- Helpers of the rules ---- */

static void set_sql_error(struct risk_ctx *c, const char *rule)
{
	snprintf(c->err, c->err_size, _("The cache could not be read (%s: %s)."), rule,
	         sqlite3_errmsg(c->db));
}

/* sql prepared with ?1 the window's start and ?2 now; NULL with the error set. */
static sqlite3_stmt *prepare_window(struct risk_ctx *c, const struct risk_rule *r, const char *sql,
                                    time_t since)
{
	sqlite3_stmt *stmt = NULL;
	if (sqlite3_prepare_v2(c->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		set_sql_error(c, r->name);
		return NULL;
	}
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)since);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)c->now);
	return stmt;
}

/* A new finding of rule r, or NULL when the rule has reported all it may (out->truncated
 * is then set) or memory ran out (err set, *failed true). */
static struct risk_finding *add(struct risk_ctx *c, const struct risk_rule *r,
                                enum risk_severity severity, bool *failed)
{
	struct risk_findings *f = c->out;
	if (c->found >= RISK_PER_RULE) {
		f->truncated = true;
		return NULL;
	}
	if (f->n == f->cap) {
		int cap = f->cap ? f->cap * 2 : 32;
		struct risk_finding *items = realloc(f->items, (size_t)cap * sizeof *items);
		if (!items) {
			snprintf(c->err, c->err_size, "%s", _("Out of memory."));
			*failed = true;
			return NULL;
		}
		f->items = items;
		f->cap = cap;
	}
	struct risk_finding *x = &f->items[f->n++];
	memset(x, 0, sizeof *x);
	x->rule = r->name;
	x->severity = severity;
	c->found++;
	return x;
}

static void col_text(sqlite3_stmt *s, int col, char *out, size_t size)
{
	const char *t = (const char *)sqlite3_column_text(s, col);
	size_t len = t ? (size_t)sqlite3_column_bytes(s, col) : 0;
	if (len >= size) {
		len = size - 1;
		while (len > 0 && ((unsigned char)t[len] & 0xC0) == 0x80)
			len--;
	}
	if (len)
		memcpy(out, t, len);
	out[len] = '\0';
}

static void money_text(int64_t amount, const char *currency, char *buf, size_t size)
{
	if (money_format(amount, currency, money_locale_current(), MONEY_FMT_CODE, buf, size) ==
	    0) {
		char cur[4];
		money_currency_upper(currency, cur);
		snprintf(buf, size, "%lld %s", (long long)amount, cur);
	}
}

/* Basis points as a percentage with two decimals ("1.25%"). */
static void bp_text(int64_t bp, char *buf, size_t size)
{
	snprintf(buf, size, "%lld.%02lld%%", (long long)(bp / 100), (long long)(bp % 100));
}

/* A local date and time ("2026-11-30 14:05"); with short_form only the time. */
static void time_text(time_t t, bool short_form, char *buf, size_t size)
{
	struct tm tm;
	if (!localtime_r(&t, &tm) ||
	    strftime(buf, size, short_form ? "%H:%M" : "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, size, "%lld", (long long)t);
}

static const char *level_word(const char *level)
{
	if (strcmp(level, "highest") == 0)
		return _("highest");
	if (strcmp(level, "elevated") == 0)
		return _("elevated");
	return level;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The median of v[0..n) (sorted in place; the lower middle for an even n), and the median
 * absolute deviation around it into *mad. n > 0. */
static int64_t median_mad(int64_t *v, int n, int64_t *mad)
{
	qsort(v, (size_t)n, sizeof *v, cmp_i64);
	int64_t med = v[(n - 1) / 2];
	for (int i = 0; i < n; i++)
		v[i] = v[i] > med ? v[i] - med : med - v[i];
	qsort(v, (size_t)n, sizeof *v, cmp_i64);
	*mad = v[(n - 1) / 2];
	return med;
}

/* ---- The rules ---- */

/* A rule whose statement lists orders: id, created, currency, amount, severity, then what
 * its reason quotes. */
int risk_run_listing(struct risk_ctx *c, const struct risk_rule *r, const int64_t *p)
{
	(void)p;
	sqlite3_stmt *s = prepare_window(c, r, r->sql, c->now - (time_t)r->days * RISK_DAY);
	if (!s)
		return -1;
	bool failed = false;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct risk_finding *x =
		        add(c, r, sqlite3_column_int(s, 4) == 2 ? RISK_ALERT : RISK_WARN, &failed);
		if (!x)
			break;
		col_text(s, 0, x->order_id, sizeof x->order_id);
		x->when = (time_t)sqlite3_column_int64(s, 1);
		col_text(s, 2, x->currency, sizeof x->currency);
		x->amount = sqlite3_column_int64(s, 3);
		x->has_amount = x->currency[0] != '\0';
		char level[24];
		col_text(s, 5, level, sizeof level);
		if (strcmp(r->name, "platform_risk") == 0) {
			char status[24], message[200];
			col_text(s, 6, status, sizeof status);
			col_text(s, 7, message, sizeof message);
			const char *outcome = strcmp(status, "succeeded") == 0 ? _("it was paid")
			                      : strcmp(status, "failed") == 0  ? _("it was refused")
			                                                       : _("it is pending");
			if (message[0])
				snprintf(x->reason, sizeof x->reason,
				         _("the platform rated its risk %s; %s (\"%s\")"),
				         level_word(level), outcome, message);
			else
				snprintf(x->reason, sizeof x->reason,
				         _("the platform rated its risk %s; %s"), level_word(level),
				         outcome);
		} else {
			char refund[64], paid[64], cur[8];
			col_text(s, 7, cur, sizeof cur);
			money_text(x->amount, x->currency, refund, sizeof refund);
			money_text(sqlite3_column_int64(s, 6), cur, paid, sizeof paid);
			snprintf(x->reason, sizeof x->reason,
			         _("%s refunded on a payment of %s the platform rated %s risk"),
			         refund, paid, level_word(level));
		}
	}
	if (!failed && rc != SQLITE_ROW && rc != SQLITE_DONE)
		set_sql_error(c, r->name), failed = true;
	sqlite3_finalize(s);
	return failed ? -1 : 0;
}

/* Local midnight of the first day of the month `back` months before t's. */
static time_t month_start(time_t t, int back)
{
	struct tm tm;
	localtime_r(&t, &tm);
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mon -= back;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static void month_text(time_t start, char *buf, size_t size)
{
	struct tm tm;
	if (!localtime_r(&start, &tm) || strftime(buf, size, "%Y-%m", &tm) == 0)
		snprintf(buf, size, "?");
}

/* What the dispute ratio knows of a card network's program. */
static const struct network {
	const char *brand; /* as the cache spells card_brand, lower case */
	bool same_month;   /* divides by the same month's payments (else the month before's) */
	int ratio_param, count_param;
} networks[] = {
        {"visa", true, 0, 1},
        {"mastercard", false, 2, 3},
};

enum ratio_kind { RATIO_CROSSED, RATIO_FEW, RATIO_NEARING };

/* The reason of a dispute ratio finding of network n: the month, the disputes, the payments
 * they are divided by, the ratio, the threshold, and the program's fewest disputes. */
static void ratio_reason(char *buf, size_t size, int n, enum ratio_kind kind, const char *month,
                         int64_t disputes, int64_t payments, const char *ratio,
                         const char *threshold, int64_t fewest)
{
	long long d = (long long)disputes, p = (long long)payments, f = (long long)fewest;
	if (n == 0 && kind == RATIO_CROSSED)
		snprintf(buf, size,
		         _("Visa %s: %lld disputes on %lld payments of the same month, %s, at or "
		           "above VAMP's %s"),
		         month, d, p, ratio, threshold);
	else if (n == 0 && kind == RATIO_FEW)
		snprintf(buf, size,
		         _("Visa %s: %lld disputes on %lld payments of the same month, %s, at or "
		           "above VAMP's %s (which applies from %lld disputes a month)"),
		         month, d, p, ratio, threshold, f);
	else if (n == 0)
		snprintf(buf, size,
		         _("Visa %s: %lld disputes on %lld payments of the same month, %s, nearing "
		           "VAMP's %s"),
		         month, d, p, ratio, threshold);
	else if (kind == RATIO_CROSSED)
		snprintf(buf, size,
		         _("Mastercard %s: %lld chargebacks on %lld payments of the month before, "
		           "%s, at or above the Excessive Chargeback Merchant line of %s"),
		         month, d, p, ratio, threshold);
	else if (kind == RATIO_FEW)
		snprintf(buf, size,
		         _("Mastercard %s: %lld chargebacks on %lld payments of the month before, "
		           "%s, at or above the Excessive Chargeback Merchant line of %s (which "
		           "applies from %lld chargebacks a month)"),
		         month, d, p, ratio, threshold, f);
	else
		snprintf(buf, size,
		         _("Mastercard %s: %lld chargebacks on %lld payments of the month before, "
		           "%s, nearing the Excessive Chargeback Merchant line of %s"),
		         month, d, p, ratio, threshold);
}
#define N_NETWORKS ((int)(sizeof networks / sizeof networks[0]))

/* Counts per month (0 = this one, 1 = the one before, 2 = the one before that) and network
 * from a statement whose columns are month and brand and count. */
static int month_counts(struct risk_ctx *c, const struct risk_rule *r, sqlite3_stmt *s,
                        int64_t counts[3][N_NETWORKS])
{
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int m = sqlite3_column_int(s, 0);
		char brand[24];
		col_text(s, 1, brand, sizeof brand);
		for (int n = 0; n < N_NETWORKS; n++)
			if (m >= 0 && m < 3 && strcmp(brand, networks[n].brand) == 0)
				counts[m][n] += sqlite3_column_int64(s, 2);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		set_sql_error(c, r->name);
		return -1;
	}
	return 0;
}

/* The succeeded payments of a network between from and to: the cache's sums per quarter
 * (insights_cards) for the whole quarters that no mark says are stale, the orders themselves
 * for the others and for the cut quarters at either end; -1 on failure. */
static int64_t card_payments(struct risk_ctx *c, const struct risk_rule *r, const char *brand,
                             time_t from, time_t to)
{
	/* ?1 from, ?2 to, ?3 the brand, ?4 the first whole quarter, ?5 the end of the last. */
	static const char sql[] =
	        "SELECT (SELECT coalesce(sum(payments), 0) FROM insights_cards WHERE brand = ?3"
	        "  AND bucket >= ?4 AND bucket < ?5 AND bucket NOT IN (SELECT bucket"
	        "  FROM insights_dirty WHERE bucket >= ?4 AND bucket < ?5))"
	        " + (SELECT count(*) FROM insights_dirty d CROSS JOIN orders o"
	        "  WHERE d.bucket >= ?4 AND d.bucket < ?5 AND o.created >= d.bucket * 900"
	        "  AND o.created < d.bucket * 900 + 900 AND " CACHE_INSIGHTS_CARD_SQL " = ?3"
	        "  AND " CACHE_INSIGHTS_CARD_PAYMENT_SQL ")"
	        " + (SELECT count(*) FROM orders WHERE created >= ?1 AND created < min(?2, ?4 * "
	        "900)"
	        "  AND " CACHE_INSIGHTS_CARD_SQL " = ?3 AND " CACHE_INSIGHTS_CARD_PAYMENT_SQL ")"
	        " + (SELECT count(*) FROM orders WHERE created >= max(?1, ?5 * 900) AND created < "
	        "?2"
	        "  AND created >= ?4 * 900 AND " CACHE_INSIGHTS_CARD_SQL
	        " = ?3 AND " CACHE_INSIGHTS_CARD_PAYMENT_SQL ")";
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK) {
		set_sql_error(c, r->name);
		return -1;
	}
	int64_t lo = ((int64_t)from + CACHE_INSIGHTS_BUCKET_S - 1) / CACHE_INSIGHTS_BUCKET_S;
	int64_t hi = (int64_t)to / CACHE_INSIGHTS_BUCKET_S;
	if (hi < lo)
		hi = lo;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)from);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)to);
	sqlite3_bind_text(s, 3, brand, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, lo);
	sqlite3_bind_int64(s, 5, hi);
	int64_t n = -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	else
		set_sql_error(c, r->name);
	sqlite3_finalize(s);
	return n;
}

int risk_run_dispute_ratio(struct risk_ctx *c, const struct risk_rule *r, const int64_t *p)
{
	time_t start[3] = {month_start(c->now, 0), month_start(c->now, 1), month_start(c->now, 2)};
	time_t end[3] = {c->now + 1, start[0], start[1]};
	int64_t disputes[3][N_NETWORKS] = {{0}};
	/* ?1 start of last month, ?2 now, ?3 this month's start, ?4 last month's. Inquiries
	 * (warning_*) are not chargebacks; complaints have no card. */
	static const char disputes_sql[] =
	        "SELECT CASE WHEN d.created >= ?3 THEN 0 WHEN d.created >= ?4 THEN 1 ELSE 2 END AS "
	        "m,"
	        " lower(o.card_brand) AS b, count(*) FROM disputes d JOIN orders o"
	        " ON o.id = d.order_id WHERE d.created >= ?1 AND d.created <= ?2"
	        " AND d.status NOT LIKE 'warning%' AND o.card_brand IS NOT NULL GROUP BY m, b";
	sqlite3_stmt *s = prepare_window(c, r, disputes_sql, start[1]);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 3, (sqlite3_int64)start[0]);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)start[1]);
	if (month_counts(c, r, s, disputes) != 0)
		return -1;
	bool failed = false;
	for (int n = 0; n < N_NETWORKS; n++) {
		const struct network *w = &networks[n];
		int64_t threshold = p[w->ratio_param], min_count = p[w->count_param];
		int64_t warn_at = threshold * p[4] / 10000;
		if (warn_at < 1)
			warn_at = 1;
		for (int m = 0; m < 2; m++) {
			int64_t d = disputes[m][n];
			if (d == 0)
				continue;
			int bm = w->same_month ? m : m + 1;
			int64_t base = card_payments(c, r, w->brand, start[bm], end[bm]);
			if (base < 0)
				return -1;
			if (base == 0)
				continue;
			int64_t ratio = d * 10000 / base;
			if (ratio < warn_at)
				continue;
			bool over = ratio >= threshold, enough = d >= min_count;
			struct risk_finding *x =
			        add(c, r, over && enough ? RISK_ALERT : RISK_WARN, &failed);
			if (!x)
				return failed ? -1 : 0;
			x->when = start[m];
			x->crosses_threshold = over && enough;
			char month[32], ratio_s[32], threshold_s[32];
			month_text(start[m], month, sizeof month);
			bp_text(ratio, ratio_s, sizeof ratio_s);
			bp_text(threshold, threshold_s, sizeof threshold_s);
			ratio_reason(x->reason, sizeof x->reason, n,
			             over && enough ? RATIO_CROSSED
			             : over         ? RATIO_FEW
			                            : RATIO_NEARING,
			             month, d, base, ratio_s, threshold_s, min_count);
		}
	}
	return 0;
}

/* One attempt of a card or customer. */
struct attempt {
	time_t created;
	bool failed;
	char id[72];
};

/* The busiest window of one key's attempts (oldest first) and the one with the most
 * failures, and a finding when either reaches its threshold. */
static int velocity_key(struct risk_ctx *c, const struct risk_rule *r, const int64_t *p,
                        const struct attempt *a, int n, const char *who)
{
	int64_t window = p[0] * 60;
	int most = 0, most_failed = 0, most_at = 0, fails_at = 0, fails_failed_in_most = 0;
	int start_most = 0, start_fails = 0, fails_count = 0;
	for (int i = 0, j = 0, failed = 0; j < n; j++) {
		failed += a[j].failed;
		while (a[j].created - a[i].created > window)
			failed -= a[i++].failed;
		int count = j - i + 1;
		if (count > most) {
			most = count, most_at = j, start_most = i, fails_failed_in_most = failed;
		}
		if (failed > most_failed) {
			most_failed = failed, fails_at = j, start_fails = i, fails_count = count;
		}
	}
	bool alert = most_failed >= p[2];
	if (!alert && most < p[1])
		return 0;
	int first = alert ? start_fails : start_most, last = alert ? fails_at : most_at;
	int count = alert ? fails_count : most, failed = alert ? most_failed : fails_failed_in_most;
	bool oom = false;
	struct risk_finding *x = add(c, r, alert ? RISK_ALERT : RISK_WARN, &oom);
	if (!x)
		return oom ? -1 : 1;
	snprintf(x->order_id, sizeof x->order_id, "%s", a[last].id);
	x->when = a[last].created;
	char from[32], to[32];
	time_text(a[first].created, false, from, sizeof from);
	time_text(a[last].created, true, to, sizeof to);
	snprintf(x->reason, sizeof x->reason,
	         _("%d attempts within %lld minutes %s, %d of them failed, from %s to %s"), count,
	         (long long)p[0], who, failed, from, to);
	return 0;
}

int risk_run_velocity(struct risk_ctx *c, const struct risk_rule *r, const int64_t *p)
{
	sqlite3_stmt *s = prepare_window(c, r, r->sql, c->now - (time_t)r->days * RISK_DAY);
	if (!s)
		return -1;
	bool card = strcmp(r->name, "card_velocity") == 0;
	struct attempt *a = NULL;
	int n = 0, cap = 0, rc, result = 0;
	char key[300] = "", who[400] = "";
	for (;;) {
		rc = sqlite3_step(s);
		const char *k = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 0) : NULL;
		if (rc == SQLITE_ROW && !k)
			continue;
		if (n > 0 && (!k || strcmp(k, key) != 0)) {
			result = velocity_key(c, r, p, a, n, who);
			n = 0;
			if (result != 0)
				break;
		}
		if (rc != SQLITE_ROW)
			break;
		if (n == 0) {
			snprintf(key, sizeof key, "%s", k);
			if (card) {
				char brand[24], last4[8];
				col_text(s, 4, brand, sizeof brand);
				col_text(s, 5, last4, sizeof last4);
				snprintf(who, sizeof who,
				         _("with the %s card ending %s (expires %02d/%04d)"), brand,
				         last4, sqlite3_column_int(s, 6), sqlite3_column_int(s, 7));
			} else {
				snprintf(who, sizeof who, _("from customer %s"), key);
			}
		}
		if (n == cap) {
			int grown = cap ? cap * 2 : 64;
			struct attempt *more = realloc(a, (size_t)grown * sizeof *a);
			if (!more) {
				snprintf(c->err, c->err_size, "%s", _("Out of memory."));
				result = -1;
				break;
			}
			a = more, cap = grown;
		}
		a[n].created = (time_t)sqlite3_column_int64(s, 1);
		col_text(s, 2, a[n].id, sizeof a[n].id);
		a[n].failed = sqlite3_column_int(s, 3) != 0;
		n++;
	}
	if (result == 0 && rc != SQLITE_DONE) {
		set_sql_error(c, r->name);
		result = -1;
	}
	sqlite3_finalize(s);
	free(a);
	return result < 0 ? -1 : 0;
}

/* A local day's payments and refunds. */
struct day {
	char date[11];
	int64_t payments, refunds;
	time_t first_refund;
};

int risk_run_refund_spike(struct risk_ctx *c, const struct risk_rule *r, const int64_t *p)
{
	struct day days[40];
	int n = 0;
	/* Counted per local day between midnights: a count over the created index alone, which
	 * reads no order itself. Every order of the day counts, failed attempts too. */
	static const char orders_sql[] =
	        "SELECT count(*) FROM orders WHERE created >= ?1 AND created < ?2";
	static const char refunds_sql[] =
	        "SELECT count(*), min(created) FROM refunds WHERE created >= ?1 AND created < ?2"
	        " AND status NOT IN ('failed', 'canceled')";
	sqlite3_stmt *so = NULL, *sr = NULL;
	if (sqlite3_prepare_v2(c->db, orders_sql, -1, &so, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(c->db, refunds_sql, -1, &sr, NULL) != SQLITE_OK) {
		set_sql_error(c, r->name);
		sqlite3_finalize(so);
		return -1;
	}
	struct tm tm;
	localtime_r(&c->now, &tm);
	for (int back = 0; back <= r->days && n < (int)(sizeof days / sizeof *days); back++) {
		struct tm d = tm;
		d.tm_mday -= back;
		d.tm_hour = d.tm_min = d.tm_sec = 0;
		d.tm_isdst = -1;
		time_t from = mktime(&d);
		d = tm;
		d.tm_mday -= back - 1;
		d.tm_hour = d.tm_min = d.tm_sec = 0;
		d.tm_isdst = -1;
		time_t to = mktime(&d);
		if (to > c->now + 1)
			to = c->now + 1;
		struct day *x = &days[n];
		memset(x, 0, sizeof *x);
		struct tm local;
		if (!localtime_r(&from, &local) ||
		    strftime(x->date, sizeof x->date, "%Y-%m-%d", &local) == 0)
			continue;
		sqlite3_reset(so);
		sqlite3_bind_int64(so, 1, (sqlite3_int64)from);
		sqlite3_bind_int64(so, 2, (sqlite3_int64)to);
		sqlite3_reset(sr);
		sqlite3_bind_int64(sr, 1, (sqlite3_int64)from);
		sqlite3_bind_int64(sr, 2, (sqlite3_int64)to);
		if (sqlite3_step(so) != SQLITE_ROW || sqlite3_step(sr) != SQLITE_ROW) {
			set_sql_error(c, r->name);
			sqlite3_finalize(so);
			sqlite3_finalize(sr);
			return -1;
		}
		x->payments = sqlite3_column_int64(so, 0);
		x->refunds = sqlite3_column_int64(sr, 0);
		x->first_refund = (time_t)sqlite3_column_int64(sr, 1);
		/* A day without orders has no rate. */
		if (x->payments > 0)
			n++;
	}
	sqlite3_finalize(so);
	sqlite3_finalize(sr);
	/* A usual day needs days to be measured on. */
	if (n < 7)
		return 0;
	int64_t rates[40], scratch[40];
	for (int i = 0; i < n; i++)
		scratch[i] = rates[i] = days[i].refunds * 10000 / days[i].payments;
	int64_t mad;
	int64_t median = median_mad(scratch, n, &mad);
	if (mad < 50)
		mad = 50;
	int64_t line = median + p[0] * mad / 10;
	bool failed = false;
	for (int i = 0; i < n; i++) {
		if (rates[i] <= line || days[i].refunds < p[1])
			continue;
		struct risk_finding *x = add(c, r, RISK_WARN, &failed);
		if (!x)
			return failed ? -1 : 0;
		x->when = days[i].first_refund;
		char rate[32], usual[32], line_s[32];
		bp_text(rates[i], rate, sizeof rate);
		bp_text(median, usual, sizeof usual);
		bp_text(line, line_s, sizeof line_s);
		snprintf(x->reason, sizeof x->reason,
		         _("%s: %lld refunds on %lld orders (%s), where a usual day of the last "
		           "%d has %s; above %s is a spike"),
		         days[i].date, (long long)days[i].refunds, (long long)days[i].payments,
		         rate, n, usual, line_s);
	}
	return 0;
}

int risk_run_amount_outlier(struct risk_ctx *c, const struct risk_rule *r, const int64_t *p)
{
	time_t since = c->now - (time_t)r->days * RISK_DAY;
	/* One seek per currency on the (currency, created) index. */
	static const char currency_sql[] = "SELECT min(currency) FROM orders WHERE currency > ?";
	static const char history_sql[] =
	        "SELECT amount FROM orders WHERE currency = ?3 AND created <= ?2"
	        " AND platform_status = 'succeeded' ORDER BY created DESC LIMIT ?4";
	static const char outlier_sql[] =
	        "SELECT id, created, amount FROM orders WHERE currency = ?3 AND amount > ?4"
	        " AND created >= ?1 AND created <= ?2 AND platform_status = 'succeeded'"
	        " ORDER BY amount DESC LIMIT 50";
	int64_t *v = malloc((size_t)p[1] * sizeof *v);
	sqlite3_stmt *cur = NULL, *hist = NULL, *out = NULL;
	if (!v) {
		snprintf(c->err, c->err_size, "%s", _("Out of memory."));
		return -1;
	}
	int result = -1;
	if (sqlite3_prepare_v2(c->db, currency_sql, -1, &cur, NULL) != SQLITE_OK ||
	    !(hist = prepare_window(c, r, history_sql, since)) ||
	    !(out = prepare_window(c, r, outlier_sql, since))) {
		set_sql_error(c, r->name);
		goto done;
	}
	char currency[8] = "";
	for (int guard = 0; guard < 200; guard++) {
		sqlite3_reset(cur);
		sqlite3_bind_text(cur, 1, currency, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(cur) != SQLITE_ROW || sqlite3_column_type(cur, 0) == SQLITE_NULL)
			break;
		col_text(cur, 0, currency, sizeof currency);
		sqlite3_reset(hist);
		sqlite3_bind_text(hist, 3, currency, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(hist, 4, p[1]);
		int n = 0;
		while (n < p[1] && sqlite3_step(hist) == SQLITE_ROW)
			v[n++] = sqlite3_column_int64(hist, 0);
		if (n < 30)
			continue;
		/* The percentile first: median_mad leaves deviations in v. */
		qsort(v, (size_t)n, sizeof *v, cmp_i64);
		int64_t top = v[(int64_t)(n - 1) * p[2] / 10000];
		int64_t mad;
		int64_t median = median_mad(v, n, &mad);
		if (mad < median / 10)
			mad = median / 10;
		if (mad < 1)
			mad = 1;
		int64_t line = median + p[0] * mad / 10;
		if (line < top)
			line = top;
		sqlite3_reset(out);
		sqlite3_bind_text(out, 3, currency, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(out, 4, line);
		int rc;
		bool failed = false;
		while ((rc = sqlite3_step(out)) == SQLITE_ROW) {
			struct risk_finding *x = add(c, r, RISK_WARN, &failed);
			if (!x)
				break;
			col_text(out, 0, x->order_id, sizeof x->order_id);
			x->when = (time_t)sqlite3_column_int64(out, 1);
			x->amount = sqlite3_column_int64(out, 2);
			x->has_amount = true;
			snprintf(x->currency, sizeof x->currency, "%s", currency);
			char amount[64], usual[64], line_s[64], code[4];
			money_text(x->amount, currency, amount, sizeof amount);
			money_text(median, currency, usual, sizeof usual);
			money_text(line, currency, line_s, sizeof line_s);
			money_currency_upper(currency, code);
			snprintf(x->reason, sizeof x->reason,
			         _("%s is %lld times the usual %s payment (median %s of the latest "
			           "%d; above %s is unusual)"),
			         amount, (long long)(median > 0 ? x->amount / median : 0), code,
			         usual, n, line_s);
		}
		if (failed)
			goto done;
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			set_sql_error(c, r->name);
			goto done;
		}
	}
	result = 0;
done:
	sqlite3_finalize(cur);
	sqlite3_finalize(hist);
	sqlite3_finalize(out);
	free(v);
	return result;
}

/* Adds s to the distinct values list[0..*n) (at most max kept); true when it was new. */
static bool add_distinct(char (*list)[8], int *n, int max, const char *s)
{
	if (!*s)
		return false;
	for (int i = 0; i < *n; i++)
		if (strcmp(list[i], s) == 0)
			return false;
	if (*n < max)
		snprintf(list[*n], sizeof list[0], "%s", s);
	(*n)++;
	return true;
}

static void join_list(char (*list)[8], int n, int max, bool upper, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (int i = 0; i < n && i < max; i++) {
		char item[8];
		snprintf(item, sizeof item, "%s", list[i]);
		for (char *ch = item; upper && *ch; ch++)
			if (*ch >= 'a' && *ch <= 'z')
				*ch = (char)(*ch - 'a' + 'A');
		len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s%s",
		                        i ? ", " : "", item);
	}
	if (n > max && len < size)
		snprintf(buf + len, size - len, ", …");
}

int risk_run_geo_spread(struct risk_ctx *c, const struct risk_rule *r, const int64_t *p)
{
	sqlite3_stmt *s = prepare_window(c, r, r->sql, c->now - (time_t)r->days * RISK_DAY);
	if (!s)
		return -1;
	enum { KEEP = 12 };
	char key[300] = "", countries[KEEP][8], currencies[KEEP][8], last_id[72] = "";
	int n_countries = 0, n_currencies = 0, rows = 0, rc, result = 0;
	time_t last = 0;
	for (;;) {
		rc = sqlite3_step(s);
		const char *k = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 0) : NULL;
		if (rc == SQLITE_ROW && !k)
			continue;
		if (rows > 0 && (!k || strcmp(k, key) != 0)) {
			bool many_countries = n_countries >= p[0],
			     many_currencies = n_currencies >= p[1];
			if (many_countries || many_currencies) {
				bool failed = false;
				struct risk_finding *x = add(
				        c, r,
				        many_countries && many_currencies ? RISK_ALERT : RISK_WARN,
				        &failed);
				if (!x) {
					result = failed ? -1 : 0;
					break;
				}
				snprintf(x->order_id, sizeof x->order_id, "%s", last_id);
				x->when = last;
				char cl[120], ml[120];
				join_list(countries, n_countries, KEEP, true, cl, sizeof cl);
				join_list(currencies, n_currencies, KEEP, true, ml, sizeof ml);
				snprintf(x->reason, sizeof x->reason,
				         _("customer %s paid from %d countries (%s) in %d "
				           "currencies "
				           "(%s) within %d days"),
				         key, n_countries, n_countries ? cl : "-", n_currencies, ml,
				         r->days);
			}
			rows = n_countries = n_currencies = 0;
		}
		if (rc != SQLITE_ROW)
			break;
		if (rows == 0)
			snprintf(key, sizeof key, "%s", k);
		char currency[8], country[8];
		col_text(s, 3, currency, sizeof currency);
		col_text(s, 4, country, sizeof country);
		add_distinct(currencies, &n_currencies, KEEP, currency);
		add_distinct(countries, &n_countries, KEEP, country);
		col_text(s, 2, last_id, sizeof last_id);
		last = (time_t)sqlite3_column_int64(s, 1);
		rows++;
	}
	if (result == 0 && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		set_sql_error(c, r->name);
		result = -1;
	}
	sqlite3_finalize(s);
	return result;
}
