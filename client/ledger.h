/* The ledger: settlement figures computed from the cache's balance transactions and payouts
 * for a statement. Every sum is exact integer minor units, per currency; currencies are
 * never mixed. All statement SQL lives here; callers get structs and a row callback. */
#ifndef PAYDESK_LEDGER_H
#define PAYDESK_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum ledger_status {
	LEDGER_OK = 0,
	LEDGER_NO_CACHE,  /* the cache file does not exist or cannot be opened */
	LEDGER_NOT_CACHE, /* the file is not a paydesk cache (tables missing) */
	LEDGER_DB,        /* SQLite failed while reading */
	LEDGER_OVERFLOW,  /* a sum does not fit in 64-bit minor units */
	LEDGER_NOMEM,     /* out of memory */
	LEDGER_BAD_RANGE, /* the range is empty or reversed */
	LEDGER_STOPPED,   /* the row callback asked to stop */
};

/* A translated sentence for a status (static string). */
const char *ledger_status_message(enum ledger_status status);

/* Where each balance transaction goes on a statement. */
enum ledger_category {
	LEDGER_CAT_SALES = 0,   /* charge, payment */
	LEDGER_CAT_REFUNDS,     /* refund, payment_refund, refund_failure, ... */
	LEDGER_CAT_DISPUTES,    /* adjustment for a dispute, dispute */
	LEDGER_CAT_REVERSALS,   /* dispute reversal */
	LEDGER_CAT_FEES,        /* stripe_fee, tax_fee: fees billed as their own transaction */
	LEDGER_CAT_ADJUSTMENTS, /* every other adjustment and unknown type */
	LEDGER_CAT_PAYOUTS,     /* payout, payout_cancel, payout_failure */
	LEDGER_CAT_COUNT
};

/* Stable ASCII name of a category ("sales", "refunds", ...) for CSV and JSON. */
const char *ledger_category_key(enum ledger_category cat);
/* Category of a balance transaction by its type and reporting category. */
enum ledger_category ledger_categorize(const char *type, const char *reporting_category);

/* Sums of one category in a range. */
struct ledger_sum {
	int64_t count;
	int64_t amount; /* gross */
	int64_t fee;    /* fees charged on these transactions (positive = a cost) */
	int64_t net;    /* amount - fee, as the platform states it */
};

/* The fee line and the net activity of a period's category sums, as a statement shows them:
 * fees = what fee transactions took (their amounts, negative) less the fees charged on every
 * other transaction but payouts, so a cost is negative like every other amount that leaves
 * the balance; net = the sum of the nets of every category but payouts. false on overflow.
 * The one definition: the statement and the Settlements screen's daily summary use it. */
bool ledger_activity_of(const struct ledger_sum cat[], int64_t *fees, int64_t *net);

enum ledger_recon {
	LEDGER_RECON_MATCH = 0, /* the payout's transactions sum exactly to its amount */
	LEDGER_RECON_MISMATCH,  /* they do not: the difference is printed */
	LEDGER_RECON_UNKNOWN,   /* none of its transactions is in the cache */
	/* A withdrawal of a bill platform that pays out a balance begun before the first bill
	 * day the cache holds: its earlier entries cannot be in the cache, so it cannot be
	 * reconciled from it (not a mismatch). */
	LEDGER_RECON_BEFORE_HISTORY,
};

/* Stable ASCII name of a reconciliation result ("match", "mismatch", "unknown",
 * "before_history"). */
const char *ledger_recon_key(enum ledger_recon recon);

/* A payout arriving in the range (by its arrival date, as the bank statement shows it),
 * reconciled against its balance transactions. */
struct ledger_payout {
	char *id;     /* untrusted platform text: sanitize before output */
	char *status; /* untrusted */
	time_t created;
	time_t arrival_date; /* the arrival day's 00:00 UTC: a date, not an instant */
	int64_t amount;
	bool sync_complete; /* the cache says every transaction of it was fetched */
	int64_t txn_count;  /* its balance transactions in the cache */
	int64_t txn_net;    /* the sum of their net */
	int64_t difference; /* amount - txn_net */
	enum ledger_recon recon;
};

/* What one day converted from one presentment currency into a settlement currency: every
 * converted movement of that day counted by its size (charges and refunds alike), so that
 * the volume and the effective rate are of what crossed the exchange. */
struct ledger_fx {
	char day[11];      /* YYYY-MM-DD in the statement's time zone */
	char from[4];      /* the presentment currency, lower case */
	int64_t count;     /* converted movements */
	int64_t presented; /* sum of |presentment amount|, minor units of `from` */
	int64_t settled;   /* sum of |settlement amount|, minor units of the settlement currency */
	int64_t fees;      /* conversion fees, minor units of the settlement currency */
};

/* The effective rate of a day's conversions: settled / presented in major units, to 6
 * decimals, rounded half away from zero ("1.083215"); "-" when nothing was presented. */
void ledger_fx_rate(const struct ledger_fx *fx, const char *to, char *buf, size_t size);

/* The statement of one currency. */
struct ledger_currency {
	char currency[4]; /* lower-case ISO 4217 code */
	int64_t opening;  /* sum of net of everything created before the range */
	struct ledger_sum cat[LEDGER_CAT_COUNT];
	int64_t fees;                  /* fee line: fee transactions' amounts minus fees charged */
	int64_t net_activity;          /* sum of net of every non-payout transaction in the range */
	int64_t payouts_net;           /* sum of net of the payout transactions in the range */
	int64_t closing;               /* opening + net_activity + payouts_net */
	int64_t inconsistent;          /* transactions whose net is not amount - fee */
	int64_t max_abs;               /* largest |amount|, |fee| or |net| in the range (layout) */
	int64_t max_fee;               /* largest |fee| in the range (layout) */
	int64_t items;                 /* transactions in the range */
	int64_t mismatches;            /* payouts whose reconciliation failed */
	int64_t before_history;        /* payouts that cannot be reconciled from the cache */
	struct ledger_payout *payouts; /* arriving in the range, by arrival date then id */
	size_t n_payouts;
	int64_t payouts_arriving; /* the sum of their amounts */
	/* Conversions into this (settlement) currency in the range, by day then presentment
	 * currency, and their fees. */
	struct ledger_fx *fx;
	size_t n_fx;
	int64_t fx_fees;
};

/* ---- The bills of a platform whose history is daily bills (WeChat Pay, Alipay) ----
 *
 * For each bill day of a statement, every figure of each bill's summary as the platform
 * wrote it, computed again from the bill's rows in the cache and compared exactly. */

/* What a figure is: a number of rows, an amount, or a fee (fees may be finer than the
 * currency's minor unit: WeChat Pay writes them to 5 decimals of a yuan). */
enum ledger_unit {
	LEDGER_UNIT_COUNT = 0,
	LEDGER_UNIT_MONEY,
	LEDGER_UNIT_FEE,
};

enum ledger_check {
	LEDGER_CHECK_EQUAL = 0, /* the cached rows give the bill's figure exactly */
	/* they give another figure, or the bill's is not a number at its precision */
	LEDGER_CHECK_DIFFERENT,
	LEDGER_CHECK_ABSENT,      /* the bill's summary does not state this figure */
	LEDGER_CHECK_NOT_KEPT,    /* the cache does not keep what this figure sums */
	LEDGER_CHECK_NOT_CHECKED, /* a figure of the summary paydesk does not know */
};

/* Stable ASCII name of a check ("equal", "different", "absent", "not_kept",
 * "not_checked"). */
const char *ledger_check_key(enum ledger_check check);

/* One figure of a bill's summary. Values are integers in units of 10^-scale of the major
 * unit (scale 0 for counts, the currency's exponent for amounts, that plus 3 for fees);
 * `decimals` is the precision the platform states it with (WeChat Pay's fees: 5, Alipay's:
 * 2). */
struct ledger_figure {
	char *name;        /* the platform's words for it (UTF-8; owned); untrusted platform text
	                    * for NOT_CHECKED */
	const char *gloss; /* N_() English words for it; NULL for NOT_CHECKED */
	const char *key;   /* stable ASCII key ("fee_total"); "" for NOT_CHECKED */
	enum ledger_unit unit;
	int scale, decimals;
	enum ledger_check check;
	char *bill_text;    /* as the bill writes it (untrusted); NULL when it has no bill or no
	                  * such figure */
	bool bill_valid;    /* the bill's figure is a number of at most `decimals` decimals */
	int64_t bill;       /* its value; 0 for a day without a bill */
	bool cache_valid;   /* the cache keeps what it sums: cache is its figure */
	int64_t cache;      /* the cached rows' value (when cache_valid) */
	int64_t difference; /* cache - bill when both are numbers */
};

enum ledger_bill_state {
	LEDGER_BILL_IN_CACHE = 0, /* the bill and its rows are in the cache */
	LEDGER_BILL_NONE,         /* the platform made no bill: no business that day */
	LEDGER_BILL_MISSING,      /* not in the cache (paydesk sync fetches it) */
	LEDGER_BILL_NOT_YET,      /* the day is not over on the platform: no bill yet */
	LEDGER_BILL_EXPIRED,      /* older than the platform keeps bills, and not cached */
};

/* Stable ASCII name of a bill state ("in_cache", "none", "missing", "not_yet",
 * "expired"). */
const char *ledger_bill_state_key(enum ledger_bill_state state);

/* One bill of one day, or (bill NULL) every bill of the days [day, last_day] that are all
 * in the same state other than in the cache: not in the cache, or (LEDGER_BILL_NONE) days
 * without any bill and without any row in the cache. */
struct ledger_bill {
	char day[11], last_day[11]; /* YYYY-MM-DD, days of the platform's zone */
	const char *bill;           /* "trade", "fundflow", "signcustomer"; NULL: every bill */
	const char *name;           /* the platform's name for it ("交易账单") */
	const char *gloss;          /* N_() English words for it */
	enum ledger_bill_state state;
	int64_t rows; /* detail rows the sync stored from it */
	struct ledger_figure *figures;
	size_t n_figures;
	int64_t differences; /* figures DIFFERENT */
};

struct ledger_bills {
	char currency[4];          /* the bills' currency, lower case */
	char first_day[11];        /* the first bill day the cache holds; "" when none */
	struct ledger_bill *bills; /* by day, then in the platform's order of bills */
	size_t n_bills;
	int64_t days;        /* bill days of the period */
	int64_t differences; /* figures that differ, over every bill */
	int64_t missing;     /* days whose bills are not in the cache */
};

struct provider_platform;

/* Everything a statement says, except the itemized transactions (see ledger_items). */
struct ledger_statement {
	time_t from, to;                 /* [from, to) in Unix seconds */
	time_t arrival_from, arrival_to; /* [,) of the payouts' arrival dates (00:00 UTC) */
	char *account_id;   /* from the cache's meta table; "" when unknown; untrusted */
	char *account_name; /* idem */
	time_t last_sync;   /* oldest complete sync of the settlement data; 0 = never */
	bool stale;         /* last_sync is before `to` */
	struct ledger_currency *currencies; /* sorted by code */
	size_t n_currencies;
	struct ledger_kept *kept; /* the range's items when loaded with LEDGER_KEEP_ITEMS */
	/* The cache's platform (its meta 'provider'); NULL when the cache does not say. */
	const struct provider_platform *platform;
	/* The bills of the period's days, for a platform whose history is daily bills; NULL
	 * for any other (and for a currency other than the bills'). */
	struct ledger_bills *bills;
};

/* ledger_statement_load_flags flags. */
enum ledger_load_flags {
	/* Keep the range's items (as LEDGER_ITEMS_BRIEF gives them) from the pass that sums
	 * them, for ledger_statement_items: the printed statement then reads the day once. */
	LEDGER_KEEP_ITEMS = 1 << 0,
	/* Keep the items with their order numbers (LEDGER_ITEMS_ORDER), for the PDF. */
	LEDGER_KEEP_ORDERS = 1 << 1,
};

struct ledger;
struct sqlite3;

/* Opens a cache file read-only for statements. On success *out is the caller's (free with
 * ledger_close); on failure *out is NULL and the status says why. */
enum ledger_status ledger_open(const char *path, struct ledger **out);
/* Uses a database handle the caller keeps open (the TUI's cache); the handle is not closed
 * by ledger_close. */
enum ledger_status ledger_open_db(struct sqlite3 *db, struct ledger **out);
/* Closes and clears *ledger; NULL is fine. */
void ledger_close(struct ledger **ledger);
/* Holds one read snapshot of the cache from ledger_snapshot_begin to ledger_snapshot_end, so
 * that the sums and a later ledger_items pass see the same rows even while a sync commits.
 * Both are no-ops on a handle already inside a transaction. */
enum ledger_status ledger_snapshot_begin(struct ledger *ledger);
void ledger_snapshot_end(struct ledger *ledger);
/* SQLite's message for the last LEDGER_DB failure (static until the next call). */
const char *ledger_last_error(const struct ledger *ledger);
/* The platform the cache holds (its meta 'provider'), NULL when it does not say: a bill
 * platform's statement counts its days in the platform's day zone. */
const struct provider_platform *ledger_platform(const struct ledger *ledger);

/* A decimal as a platform writes it ("45.0", "-0.17", "0.07854") as an integer in units of
 * 10^-precision: digits beyond the precision must be zeros ("45.0" is 45 at precision 0;
 * "0.078541" at 5 is refused, never rounded). No floating point. Returns false for anything
 * else (empty, signs alone, grouping, spaces, overflow). */
bool ledger_decimal(const char *text, size_t len, int precision, int64_t *out);

/* The period of a statement. Balance activity is counted by the instant it happened, in
 * [from, to). A payout's arrival date is a calendar date (the platform gives it as that
 * day's 00:00 UTC), so the payouts of a period are those whose arrival date falls on one of
 * its local calendar days: [arrival_from, arrival_to) are the 00:00 UTC of its first day
 * and of the day after its last (ledger_arrival_days). */
struct ledger_period {
	time_t from, to;
	time_t arrival_from, arrival_to;
};

/* The arrival bounds of [from, to) in the process's time zone (TZ): the calendar days from
 * the day of `from` to the day of `to - 1`, as 00:00 UTC of the first and of the day after
 * the last. */
void ledger_arrival_days(time_t from, time_t to, time_t *arrival_from, time_t *arrival_to);

/* Computes the statement of [from, to), its payouts by arrival in the days of the range in
 * the process's time zone. currency (lower or upper case) limits it to one currency; NULL
 * or "" means every currency with a balance or activity. On success *out is the caller's
 * (ledger_statement_free); on failure *out is NULL. */
enum ledger_status ledger_statement_load(struct ledger *ledger, time_t from, time_t to,
                                         const char *currency, struct ledger_statement **out);
/* The same with flags (LEDGER_KEEP_ITEMS). */
enum ledger_status ledger_statement_load_flags(struct ledger *ledger, time_t from, time_t to,
                                               const char *currency, unsigned flags,
                                               struct ledger_statement **out);
/* The same for a period given whole. */
enum ledger_status ledger_statement_load_period(struct ledger *ledger,
                                                const struct ledger_period *period,
                                                const char *currency, unsigned flags,
                                                struct ledger_statement **out);
/* Frees and clears *st; NULL is fine. */
void ledger_statement_free(struct ledger_statement **st);

/* One balance transaction of the itemized appendix. Strings are untrusted platform text
 * and valid only during the callback. */
struct ledger_item {
	const char *id;
	const char *order_ref; /* the merchant's order number ("" when unknown or not asked) */
	const char *type;
	const char *reporting_category;
	const char *source;
	const char *description;
	const char *payout_id;
	const char *status;
	char currency[4]; /* lower-case code */
	time_t created;
	time_t available_on;
	int64_t amount;
	int64_t fee;
	int64_t net;
	enum ledger_category category;
	/* A converted movement: the rate as the platform wrote it ("" when not converted), the
	 * conversion fee (part of fee) and what the customer paid (signed like amount). */
	const char *exchange_rate;
	int64_t fx_fee;
	int64_t presentment_amount;
	char presentment_currency[4];
};

/* Called for each item; return 0 to go on, anything else to stop (LEDGER_STOPPED). */
typedef int ledger_item_fn(const struct ledger_item *item, void *ctx);

/* Calls fn for every balance transaction of `currency` (NULL or "": of every currency)
 * created in [from, to), ordered by created then id. Returns LEDGER_OK, LEDGER_STOPPED, or a
 * failure. */
enum ledger_status ledger_items(struct ledger *ledger, const char *currency, time_t from, time_t to,
                                unsigned flags, ledger_item_fn *fn, void *ctx);

/* Calls fn for the kept items of `currency` (NULL: all), in the order ledger_items gives,
 * filled as with LEDGER_ITEMS_BRIEF (and the order number with LEDGER_ITEMS_ORDER).
 * LEDGER_BAD_RANGE when the statement kept none, or none with order numbers when flags ask
 * for them (loaded without LEDGER_KEEP_ITEMS, LEDGER_KEEP_ORDERS); LEDGER_STOPPED when fn
 * stopped. */
enum ledger_status ledger_statement_items(const struct ledger_statement *st, const char *currency,
                                          unsigned flags, ledger_item_fn *fn, void *ctx);

/* ledger_items flags. */
enum ledger_items_flags {
	/* Only id, created, amount, fee, net, category and currency are filled; the other
	 * strings are "" (the printed appendix needs no more, and a day of 100,000 rows reads
	 * faster without them). */
	LEDGER_ITEMS_BRIEF = 1 << 0,
	/* Fill order_ref: the merchant's order number of the line's order, refund or dispute. */
	LEDGER_ITEMS_ORDER = 1 << 1,
};

#endif
