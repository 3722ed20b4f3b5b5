/* How the business went, day by day and per currency, from the cache alone: the figures of
 * the Insights screen and of `paydesk insights`. Never summed across currencies; money in
 * integer minor units, fees in thousandths of them (a bill's own precision), rates in basis
 * points. */
#ifndef PAYDESK_INSIGHTS_H
#define PAYDESK_INSIGHTS_H

#include <stdbool.h>
#include <stdint.h>

#include "client/query.h"

/* One day's (or span's) sums in one currency. */
struct insights_sums {
	int64_t payments;  /* orders paid */
	int64_t gross;     /* their amounts */
	int64_t failed;    /* failed payment attempts */
	int64_t refunds;   /* refunds made (succeeded or pending) */
	int64_t refunded;  /* their amounts */
	int64_t disputes;  /* disputes or complaints opened */
	int64_t disputed;  /* their amounts */
	int64_t fees_fine; /* fees charged (+) or returned (-), thousandths of the minor unit */
	/* of fees_fine, what converting payments into this currency cost (thousandths) */
	int64_t fx_fees_fine;
};

/* What the span's payments settled as in a series' currency, by the currency they were paid
 * in (the series' own for payments not converted): the share of each, in one currency. */
struct insights_paid {
	char currency[8]; /* paid in */
	int64_t payments;
	int64_t settled;   /* minor units of the series' currency */
	int64_t presented; /* what the customers paid, minor units of `currency` */
	int64_t fx_fees_fine;
};

struct insights_series {
	char currency[8];
	struct insights_sums *days; /* one per day */
	struct insights_sums total; /* the span's */
	struct insights_paid *paid; /* by currency paid in, largest settled first */
	int n_paid;
};

struct insights {
	int n_days;
	int n_series;
	struct insights_series *series; /* by currency code */
};

/* The figures of each day i < n_days, [bounds[i], bounds[i + 1]) in Unix seconds (bounds
 * ascending), per currency with anything in the span. Returns 0, or -1 with query_error set
 * (out is then empty). Free with insights_free. */
int query_insights(struct query *q, const int64_t *bounds, int n_days, struct insights *out);
void insights_free(struct insights *in);

/* The local midnights (TZ) of n_days + 1 days in a row into bounds, the first `offset` days
 * after the day that begins at first (offset may be negative). */
void insights_day_bounds(int64_t first, int offset, int n_days, int64_t *bounds);

/* Whether some of a series' payments were paid in another currency and converted. */
bool insights_has_converted(const struct insights_series *s);
/* The share of paid[i] in what the series' payments settled as, in basis points (rounded
 * half up); false when nothing settled. */
bool insights_paid_share(const struct insights_series *s, int i, int64_t *bp);

/* The series of a currency, or NULL. */
const struct insights_series *insights_series_of(const struct insights *in, const char *currency);

/* What a measure's value is. Net is gross - refunds - fees; the refund rate is refunds over
 * gross, the dispute rate disputes opened over payments (as card networks count). */
enum insights_unit {
	INSIGHTS_MONEY,      /* minor units */
	INSIGHTS_MONEY_FINE, /* thousandths of the minor unit */
	INSIGHTS_COUNT,
	INSIGHTS_BASIS_POINTS, /* 1/100 of a percent */
};

#define INSIGHTS_MEASURES(X)                                                                       \
	X(GROSS, "gross", N_("Gross volume"), INSIGHTS_MONEY)                                      \
	X(NET, "net", N_("Net"), INSIGHTS_MONEY_FINE)                                              \
	X(REFUNDED, "refunds", N_("Refunds"), INSIGHTS_MONEY)                                      \
	X(PAYMENTS, "payments", N_("Payments"), INSIGHTS_COUNT)                                    \
	X(AVERAGE, "average", N_("Average ticket"), INSIGHTS_MONEY)                                \
	X(REFUND_RATE, "refund_rate", N_("Refund rate"), INSIGHTS_BASIS_POINTS)                    \
	X(DISPUTE_RATE, "dispute_rate", N_("Dispute rate"), INSIGHTS_BASIS_POINTS)                 \
	X(FEES, "fees", N_("Fees"), INSIGHTS_MONEY_FINE)                                           \
	X(FX_FEES, "conversion_fees", N_("Conversion fees"), INSIGHTS_MONEY_FINE)

enum insights_measure {
#define INSIGHTS_ENUM_(id, name, title, unit) INSIGHTS_##id,
	INSIGHTS_MEASURES(INSIGHTS_ENUM_)
#undef INSIGHTS_ENUM_
	        INSIGHTS_MEASURE_COUNT
};

struct insights_measure_info {
	const char *name;  /* for --format csv/json and `:` */
	const char *title; /* N_() */
	enum insights_unit unit;
};

extern const struct insights_measure_info insights_measures[INSIGHTS_MEASURE_COUNT];

/* A measure of sums into *value. A rate or an average of nothing (no payments, no gross)
 * has no value: false. False too when the figure does not fit 64 bits. */
bool insights_value(const struct insights_sums *s, enum insights_measure m, int64_t *value);

/* The change from before to now in tenths of a percent (+125 is +12.5%); false when there
 * is nothing to compare with (before is 0) or it does not fit. */
bool insights_change(int64_t before, int64_t now, int64_t *tenths);

/* Adds b to a; false (a unchanged) when a figure would overflow. */
bool insights_add(struct insights_sums *a, const struct insights_sums *b);

#endif
