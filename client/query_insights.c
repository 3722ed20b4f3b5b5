/* The Insights figures: per day and currency, from the cache's sums per quarter hour
 * (insights_buckets), and from the objects themselves for the quarters whose sums are not
 * folded yet (insights_dirty) or that a day's bound cuts (a time zone off the quarter hour,
 * a span from a given second). See CACHE_INSIGHTS_TABLES_SQL. */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/cache_schema.h"
#include "client/i18n.h"
#include "client/insights.h"
#include "client/money.h"
#include "client/query_private.h"

const struct insights_measure_info insights_measures[INSIGHTS_MEASURE_COUNT] = {
#define INSIGHTS_INFO_(id, name, title, unit) {name, title, unit},
        INSIGHTS_MEASURES(INSIGHTS_INFO_)
#undef INSIGHTS_INFO_
};

#define Q CACHE_INSIGHTS_BUCKET_S

/* The quarter of time t, as the cache's SQL numbers it (created / 900). */
static int64_t bucket_of(int64_t t)
{
	return t / Q;
}

static int oom(struct query *q)
{
	snprintf(q->err, sizeof q->err, "%s", _("Out of memory."));
	return -1;
}

bool insights_add(struct insights_sums *a, const struct insights_sums *b)
{
	struct insights_sums s;
	if (!money_add(a->payments, b->payments, &s.payments) ||
	    !money_add(a->gross, b->gross, &s.gross) ||
	    !money_add(a->failed, b->failed, &s.failed) ||
	    !money_add(a->refunds, b->refunds, &s.refunds) ||
	    !money_add(a->refunded, b->refunded, &s.refunded) ||
	    !money_add(a->disputes, b->disputes, &s.disputes) ||
	    !money_add(a->disputed, b->disputed, &s.disputed) ||
	    !money_add(a->fees_fine, b->fees_fine, &s.fees_fine) ||
	    !money_add(a->fx_fees_fine, b->fx_fees_fine, &s.fx_fees_fine))
		return false;
	*a = s;
	return true;
}

/* a * 10000 / b, rounded half away from zero; false when b is 0 or it does not fit. */
static bool ratio_bp(int64_t a, int64_t b, int64_t *out)
{
	int64_t scaled;
	if (b == 0 || !money_mul(a, 10000, &scaled))
		return false;
	int64_t q = scaled / b, r = scaled % b;
	if (r < 0)
		r = -r;
	if (r >= (b < 0 ? -b : b) - r)
		q += (scaled < 0) != (b < 0) ? -1 : 1;
	*out = q;
	return true;
}

bool insights_value(const struct insights_sums *s, enum insights_measure m, int64_t *value)
{
	int64_t g, r;
	switch (m) {
	case INSIGHTS_GROSS:
		*value = s->gross;
		return true;
	case INSIGHTS_NET:
		return money_mul(s->gross, 1000, &g) && money_mul(s->refunded, 1000, &r) &&
		       money_sub(g, r, &g) && money_sub(g, s->fees_fine, value);
	case INSIGHTS_REFUNDED:
		*value = s->refunded;
		return true;
	case INSIGHTS_PAYMENTS:
		*value = s->payments;
		return true;
	case INSIGHTS_AVERAGE:
		if (s->payments <= 0)
			return false;
		*value = s->gross / s->payments;
		g = s->gross % s->payments; /* rounded half away from zero */
		if (g < 0 ? -g >= s->payments + g : g >= s->payments - g)
			*value += g < 0 ? -1 : 1;
		return true;
	case INSIGHTS_REFUND_RATE:
		return s->gross > 0 && ratio_bp(s->refunded, s->gross, value);
	case INSIGHTS_DISPUTE_RATE:
		return s->payments > 0 && ratio_bp(s->disputes, s->payments, value);
	case INSIGHTS_FEES:
		*value = s->fees_fine;
		return true;
	case INSIGHTS_FX_FEES:
		*value = s->fx_fees_fine;
		return true;
	case INSIGHTS_MEASURE_COUNT:
		break;
	}
	return false;
}

bool insights_change(int64_t before, int64_t now, int64_t *tenths)
{
	int64_t d;
	if (before == 0 || !money_sub(now, before, &d))
		return false;
	int64_t bp;
	if (!ratio_bp(d, before < 0 ? -before : before, &bp))
		return false;
	*tenths = bp / 10 + (bp % 10 >= 5) - (bp % 10 <= -5);
	return true;
}

void insights_day_bounds(int64_t first, int offset, int n_days, int64_t *bounds)
{
	time_t t = (time_t)first;
	struct tm day;
	localtime_r(&t, &day);
	for (int i = 0; i <= n_days; i++) {
		struct tm tm = day;
		tm.tm_mday += offset + i;
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		bounds[i] = (int64_t)mktime(&tm);
	}
}

void insights_free(struct insights *in)
{
	for (int i = 0; i < in->n_series; i++) {
		free(in->series[i].days);
		free(in->series[i].paid);
	}
	free(in->series);
	memset(in, 0, sizeof *in);
}

const struct insights_series *insights_series_of(const struct insights *in, const char *currency)
{
	for (int i = 0; i < in->n_series; i++)
		if (!strcmp(in->series[i].currency, currency))
			return &in->series[i];
	return NULL;
}

/* The series of a currency, added when new; NULL when out of memory. */
static struct insights_series *series_for(struct insights *in, const char *currency)
{
	for (int i = 0; i < in->n_series; i++)
		if (!strcmp(in->series[i].currency, currency))
			return &in->series[i];
	struct insights_series *grown =
	        realloc(in->series, (size_t)(in->n_series + 1) * sizeof *in->series);
	if (!grown)
		return NULL;
	in->series = grown;
	struct insights_series *s = &in->series[in->n_series];
	memset(s, 0, sizeof *s);
	s->days = calloc((size_t)in->n_days, sizeof *s->days);
	if (!s->days)
		return NULL;
	snprintf(s->currency, sizeof s->currency, "%s", currency);
	in->n_series++;
	return s;
}

/* The day of time t: the i with bounds[i] <= t < bounds[i + 1], or -1. */
static int day_of(const int64_t *bounds, int n_days, int64_t t)
{
	if (t < bounds[0] || t >= bounds[n_days])
		return -1;
	int lo = 0, hi = n_days - 1;
	while (lo < hi) {
		int mid = lo + (hi - lo + 1) / 2;
		if (bounds[mid] <= t)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* The quarters counted from their objects rather than their sums: marked, or cut by a
 * day's bound. */
struct quarters {
	int64_t *live; /* ascending, each once */
	size_t n, cap;
};

static bool quarters_add(struct quarters *qs, int64_t b)
{
	if (qs->n && qs->live[qs->n - 1] >= b) {
		/* Kept sorted and unique: the inputs come in order, a bound's quarter may repeat
		 * or fall among the marks. */
		for (size_t i = 0; i < qs->n; i++)
			if (qs->live[i] == b)
				return true;
	}
	if (qs->n == qs->cap) {
		size_t cap = qs->cap ? qs->cap * 2 : 64;
		int64_t *grown = realloc(qs->live, cap * sizeof *grown);
		if (!grown)
			return false;
		qs->live = grown;
		qs->cap = cap;
	}
	size_t at = qs->n;
	while (at > 0 && qs->live[at - 1] > b) {
		qs->live[at] = qs->live[at - 1];
		at--;
	}
	qs->live[at] = b;
	qs->n++;
	return true;
}

static bool quarters_has(const struct quarters *qs, int64_t b)
{
	size_t lo = 0, hi = qs->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (qs->live[mid] < b)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < qs->n && qs->live[lo] == b;
}

/* Adds the sums of a row (currency in column 1, the eight sums from column 2) to day d. */
static int add_row(struct query *q, struct insights *in, sqlite3_stmt *st, int d)
{
	const char *currency = (const char *)sqlite3_column_text(st, 1);
	if (d < 0 || !currency)
		return 0;
	struct insights_series *s = series_for(in, currency);
	if (!s)
		return oom(q);
	struct insights_sums v = {sqlite3_column_int64(st, 2),
	                          sqlite3_column_int64(st, 3),
	                          sqlite3_column_int64(st, 4),
	                          sqlite3_column_int64(st, 5),
	                          sqlite3_column_int64(st, 6),
	                          sqlite3_column_int64(st, 7),
	                          sqlite3_column_int64(st, 8),
	                          sqlite3_column_int64(st, 9),
	                          0};
	if (!insights_add(&s->days[d], &v) || !insights_add(&s->total, &v)) {
		snprintf(q->err, sizeof q->err, "%s",
		         _("The figures of the span are too large to add up."));
		return -1;
	}
	return 0;
}

/* The paid-in entry of series s for currency paid, added when new; NULL when out of
 * memory. */
static struct insights_paid *paid_for(struct insights_series *s, const char *paid)
{
	for (int i = 0; i < s->n_paid; i++)
		if (!strcmp(s->paid[i].currency, paid))
			return &s->paid[i];
	struct insights_paid *grown = realloc(s->paid, (size_t)(s->n_paid + 1) * sizeof *grown);
	if (!grown)
		return NULL;
	s->paid = grown;
	struct insights_paid *p = &grown[s->n_paid++];
	memset(p, 0, sizeof *p);
	snprintf(p->currency, sizeof p->currency, "%s", paid);
	return p;
}

/* Adds a row of what converted payments settled as (settlement currency in column 1, paid
 * currency, payments, settled, presented, conversion fees from column 2) to its series'
 * span and day d. */
static int add_paid(struct query *q, struct insights *in, sqlite3_stmt *st, int d)
{
	const char *currency = (const char *)sqlite3_column_text(st, 1);
	const char *paid = (const char *)sqlite3_column_text(st, 2);
	if (d < 0 || !currency || !paid)
		return 0;
	struct insights_series *s = series_for(in, currency);
	if (!s)
		return oom(q);
	struct insights_paid *p = paid_for(s, paid);
	if (!p)
		return oom(q);
	int64_t fx = sqlite3_column_int64(st, 6);
	if (!money_add(p->payments, sqlite3_column_int64(st, 3), &p->payments) ||
	    !money_add(p->settled, sqlite3_column_int64(st, 4), &p->settled) ||
	    !money_add(p->presented, sqlite3_column_int64(st, 5), &p->presented) ||
	    !money_add(p->fx_fees_fine, fx, &p->fx_fees_fine) ||
	    !money_add(s->days[d].fx_fees_fine, fx, &s->days[d].fx_fees_fine) ||
	    !money_add(s->total.fx_fees_fine, fx, &s->total.fx_fees_fine)) {
		snprintf(q->err, sizeof q->err, "%s",
		         _("The figures of the span are too large to add up."));
		return -1;
	}
	return 0;
}

bool insights_has_converted(const struct insights_series *s)
{
	for (int i = 0; i < s->n_paid; i++)
		if (strcmp(s->paid[i].currency, s->currency) != 0)
			return true;
	return false;
}

bool insights_paid_share(const struct insights_series *s, int i, int64_t *bp)
{
	int64_t total = 0;
	for (int k = 0; k < s->n_paid; k++)
		if (!money_add(total, s->paid[k].settled, &total))
			return false;
	return i >= 0 && i < s->n_paid && total > 0 && ratio_bp(s->paid[i].settled, total, bp);
}

/* Each series' payments that were not converted, as its own paid-in entry: its payments
 * and gross less those converted into another currency (insights_paid keeps converted
 * payments only). */
static int add_own_paid(struct query *q, struct insights *in)
{
	for (int i = 0; i < in->n_series; i++) {
		struct insights_series *c = &in->series[i];
		int64_t payments = c->total.payments, settled = c->total.gross;
		for (int k = 0; k < in->n_series; k++) {
			const struct insights_series *s = &in->series[k];
			for (int j = 0; k != i && j < s->n_paid; j++)
				if (!strcmp(s->paid[j].currency, c->currency) &&
				    (!money_sub(payments, s->paid[j].payments, &payments) ||
				     !money_sub(settled, s->paid[j].presented, &settled))) {
					snprintf(q->err, sizeof q->err, "%s",
					         _("The figures of the span are too large to add "
					           "up."));
					return -1;
				}
		}
		if (payments <= 0 && settled == 0)
			continue;
		struct insights_paid *p = paid_for(c, c->currency);
		if (!p)
			return oom(q);
		p->payments += payments;
		p->settled += settled;
		p->presented += settled;
	}
	return 0;
}

static int by_settled(const void *a, const void *b)
{
	const struct insights_paid *x = a, *y = b;
	if (x->settled != y->settled)
		return x->settled > y->settled ? -1 : 1;
	return strcmp(x->currency, y->currency);
}

static int by_currency(const void *a, const void *b)
{
	return strcmp(((const struct insights_series *)a)->currency,
	              ((const struct insights_series *)b)->currency);
}

typedef int add_fn(struct query *q, struct insights *in, sqlite3_stmt *st, int d);

static const char objects_sql[] = CACHE_INSIGHTS_ROWS_SQL("", "created >= ?1 AND created < ?2");
static const char paid_sql[] = CACHE_INSIGHTS_PAID_ROWS_SQL("", "created >= ?1 AND created < ?2");

/* The rows of sql (objects_sql, paid_sql) of [from, to) one by one, each to its day. */
static int count_objects(struct query *q, struct insights *in, const int64_t *bounds, int64_t from,
                         int64_t to, const char *sql, add_fn *add)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK) {
		query_set_error(q, "insights");
		return -1;
	}
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	int rc, r = 0;
	while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		r = add(q, in, st, day_of(bounds, in->n_days, sqlite3_column_int64(st, 0)));
	if (r == 0 && rc != SQLITE_DONE) {
		query_set_error(q, "insights");
		r = -1;
	}
	sqlite3_finalize(st);
	return r;
}

/* The folded sums of the span's quarters but the live ones (sql: the bucket, then what add
 * reads), each to its day. */
static int read_folded(struct query *q, struct insights *in, const int64_t *bounds,
                       const struct quarters *live, const char *sql, add_fn *add)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK) {
		query_set_error(q, "insights");
		return -1;
	}
	sqlite3_bind_int64(st, 1, bucket_of(bounds[0]));
	sqlite3_bind_int64(st, 2, bucket_of(bounds[in->n_days] - 1) + 1);
	int rc, r = 0;
	while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t b = sqlite3_column_int64(st, 0);
		if (!quarters_has(live, b))
			r = add(q, in, st, day_of(bounds, in->n_days, b * Q));
	}
	if (r == 0 && rc != SQLITE_DONE) {
		query_set_error(q, "insights");
		r = -1;
	}
	sqlite3_finalize(st);
	return r;
}

int query_insights(struct query *q, const int64_t *bounds, int n_days, struct insights *out)
{
	memset(out, 0, sizeof *out);
	if (n_days <= 0)
		return 0;
	out->n_days = n_days;
	int64_t lo = bucket_of(bounds[0]), hi = bucket_of(bounds[n_days] - 1) + 1;
	struct quarters live = {0};
	int r = 0;
	/* The quarters marked, then those a bound cuts. */
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(q->db,
	                       "SELECT bucket FROM insights_dirty"
	                       " WHERE bucket >= ?1 AND bucket < ?2 ORDER BY bucket",
	                       -1, &st, NULL) != SQLITE_OK) {
		query_set_error(q, "insights_dirty");
		r = -1;
	}
	if (st) {
		sqlite3_bind_int64(st, 1, lo);
		sqlite3_bind_int64(st, 2, hi);
		int rc;
		while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
			if (!quarters_add(&live, sqlite3_column_int64(st, 0)))
				r = oom(q);
		if (r == 0 && rc != SQLITE_DONE) {
			query_set_error(q, "insights_dirty");
			r = -1;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	for (int i = 0; i <= n_days && r == 0; i++)
		if (bounds[i] % Q != 0 && !quarters_add(&live, bucket_of(bounds[i])))
			r = oom(q);
	/* The folded quarters: the figures, then what the payments settled as. */
	if (r == 0)
		r = read_folded(
		        q, out, bounds, &live,
		        "SELECT bucket, currency, payments, gross, failed, refunds, refunded,"
		        " disputes, disputed, fees_fine FROM insights_buckets"
		        " WHERE bucket >= ?1 AND bucket < ?2",
		        add_row);
	if (r == 0)
		r = read_folded(q, out, bounds, &live,
		                "SELECT bucket, currency, paid_currency, payments, settled,"
		                " presented, fx_fees_fine FROM insights_paid WHERE bucket >= ?1 "
		                "AND bucket < ?2",
		                add_paid);
	/* The others from their objects, runs of quarters at a time. */
	for (size_t i = 0; i < live.n && r == 0;) {
		size_t j = i + 1;
		while (j < live.n && live.live[j] == live.live[j - 1] + 1)
			j++;
		int64_t from = live.live[i] * Q, to = (live.live[j - 1] + 1) * Q;
		r = count_objects(q, out, bounds, from, to, objects_sql, add_row);
		if (r == 0)
			r = count_objects(q, out, bounds, from, to, paid_sql, add_paid);
		i = j;
	}
	if (r == 0)
		r = add_own_paid(q, out);
	for (int i = 0; i < out->n_series && r == 0; i++)
		if (out->series[i].n_paid > 1) /* (a series may have none: no array) */
			qsort(out->series[i].paid, (size_t)out->series[i].n_paid,
			      sizeof *out->series[i].paid, by_settled);
	free(live.live);
	if (r != 0) {
		insights_free(out);
		return -1;
	}
	if (out->n_series > 1)
		qsort(out->series, (size_t)out->n_series, sizeof *out->series, by_currency);
	return 0;
}
