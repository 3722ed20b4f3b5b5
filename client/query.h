/* Read-only queries the screens need, over the cache.  All screen SQL lives
 * here; callers get structs and row iterators, never a statement.  Lists
 * page by keyset: a row's key (query_*_key) names its place in the sort, and
 * a page is "the rows after (or before) this key", so a list never loads a
 * whole table.  Strings in rows are cut to their buffer at a character
 * boundary; they are the platform's text and must be sanitized for display. */
#ifndef PAYDESK_QUERY_H
#define PAYDESK_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct query;

#define QUERY_ID   72
#define QUERY_TEXT 160
#define QUERY_KEY  128

/* Opens the cache file read-only for queries (WAL lets a sync write
 * meanwhile).  On failure returns NULL and writes a translated reason into
 * err.  The caller frees with query_close. */
struct query *query_open(const char *path, char *err, size_t err_size);
/* Forgets what was computed from the data (search matches): call after a
 * sync committed new rows. */
void query_invalidate(struct query *q);
/* Closes and clears *q; safe on NULL. */
void query_close(struct query **q);
/* The last error (translated, with SQLite's words), never NULL. */
const char *query_error(const struct query *q);

/* ---- Orders ---- */
enum query_order_sort {
	QUERY_SORT_DATE_DESC = 0,
	QUERY_SORT_DATE_ASC,
	QUERY_SORT_AMOUNT_DESC,
	QUERY_SORT_AMOUNT_ASC,
	QUERY_SORT_COUNT
};

/* Empty strings and 0 / -1 mean "no filter" as noted. */
struct query_order_filter {
	char status[24];     /* paid, pending, failed, refunded, partially_refunded, disputed */
	char currency[8];    /* lower-case ISO 4217 */
	time_t created_from; /* 0 = open; inclusive */
	time_t created_to;   /* 0 = open; exclusive */
	/* Amounts in thousandths of a major unit, so that one bound is read in every
	 * currency's own units: 100000 is 100.00 USD, 100 JPY and 100.000 KWD. -1 = open;
	 * both inclusive; a bound finer than a currency's minor unit is rounded inward. */
	int64_t amount_min_milli;
	int64_t amount_max_milli;
	char search[128]; /* words, all of which must match (see query_orders_page); "" = none */
	int sort;         /* enum query_order_sort */
	/* The settled side: amounts and currencies as the account was credited (an order
	 * converted from another currency by its converted amount) for the rows, the currency
	 * and amount filters and the sort by amount. false: as the customers paid. */
	bool settled;
};

struct query_order_row {
	char id[QUERY_ID];
	time_t created;
	int64_t amount;
	int64_t amount_refunded;
	char currency[8];
	char status[24];
	char platform_status[24];
	char order_ref[QUERY_TEXT];
	char customer_name[QUERY_TEXT];
	char customer_email[QUERY_TEXT];
	char description[QUERY_TEXT];
	char card_brand[24];
	char card_last4[8];
	char risk_level[24];
	char payment_intent[QUERY_ID];
	char balance_transaction[QUERY_ID];
	char failure_message[QUERY_TEXT];
	char channel[32]; /* how it was paid, where the platform says (JSAPI, 交易) */
	/* On the settled side, amount and currency are the settled ones and these what the
	 * customer paid; on the other, these are what it settled as. Equal when not
	 * converted. */
	int64_t other_amount;
	char other_currency[8];
};

/* What a bill platform's bill says of an order (columns NULL elsewhere: MODEL_UNKNOWN and
 * ""). */
struct query_order_bill {
	char payer[QUERY_TEXT];  /* openid, the buyer's account as the bill masks it */
	char channel[32];        /* JSAPI, NATIVE...; 交易 */
	int64_t settle_amount;   /* what the merchant is paid for it */
	int64_t discount_amount; /* the platform's or the shop's discount */
	int64_t fee_fine;        /* the fee in thousandths of the minor unit */
	char fee_rate[16];       /* "0.60%" */
	char bill_day[11];       /* the bill it came in, "" while only a point query told it */
};
/* Reads an order's bill facts: 1, 0 when not cached, -1 (see query_error). */
int query_order_bill_get(struct query *q, const char *id, struct query_order_bill *out);

/* Resets a filter to "everything, newest first". */
void query_order_filter_init(struct query_order_filter *f);
/* Up to max orders after (after=true) or before `key` (NULL = from the
 * start / the end) in display order.  Returns the count or -1 (see
 * query_error).  Sorted by amount, the orders go by currency (A to Z), then by
 * amount within each: amounts of different currencies are never compared.
 * A search matches an order when every word does: as the prefix of a word of
 * its ids, order number, customer, description, metadata or card's last four
 * digits; a word that reads as an amount ("12.50") also as the order's amount in
 * its own currency's units; and as a substring of text that holds escapes. */
int query_orders_page(struct query *q, const struct query_order_filter *f, const char *key,
                      bool after, int max, struct query_order_row *out);
/* Orders matching the filter; -1 on failure. */
long query_orders_count(struct query *q, const struct query_order_filter *f);
/* The currencies of the orders (A to Z), as they paid or as they settled; the count or
 * -1. */
int query_order_currencies(struct query *q, bool settled, char (*out)[8], int max);
/* The keyset key of a row under a sort. */
void query_order_key(const struct query_order_row *row, int sort, char *buf, size_t size);
/* The object id a keyset key ends with (after its last '|'), or NULL. */
const char *query_key_id(const char *key);
/* One order by id; 1 found, 0 not found, -1 failure. */
int query_order_get(struct query *q, const char *id, struct query_order_row *out);
/* The orders `text` names: by platform id, else by the merchant's order number
 * (order_ref), newest first. Writes up to max ids; returns how many there are, or -1. */
int query_order_find(struct query *q, const char *text, char (*ids)[QUERY_ID], int max);

/* ---- Refunds ---- */
struct query_refund_row {
	char id[QUERY_ID];
	time_t created;
	char order_id[QUERY_ID];
	int64_t amount;
	char currency[8];
	char status[24];
	char reason[48];
	char balance_transaction[QUERY_ID];
	char failure_reason[48];
	char customer_name[QUERY_TEXT]; /* of the order, when cached */
	char order_ref[QUERY_ID];       /* the merchant's reference of the order, when cached */
};

/* Newest first; order_id "" = every refund. */
int query_refunds_page(struct query *q, const char *order_id, const char *key, bool after, int max,
                       struct query_refund_row *out);
long query_refunds_count(struct query *q, const char *order_id);
void query_refund_key(const struct query_refund_row *row, char *buf, size_t size);
int query_refund_get(struct query *q, const char *id, struct query_refund_row *out);

/* ---- Disputes ---- */
struct query_dispute_filter {
	char status[32]; /* "" = any */
	char reason[48]; /* "" = any */
};

struct query_dispute_row {
	char id[QUERY_ID];
	time_t created;
	char order_id[QUERY_ID];
	int64_t amount;
	char currency[8];
	char status[32];
	char reason[48];
	time_t due_by; /* 0 when the platform gives no deadline */
	bool has_evidence;
	bool past_due;
	int submission_count;
	bool is_charge_refundable;
	char customer_name[QUERY_TEXT];
	char order_ref[QUERY_ID]; /* the merchant's reference of the order, when cached */
};

/* The queue: first the disputes waiting for a response, then those under review, then the
 * closed ones (won, lost, ...), each by response deadline, soonest first, those without one
 * last. */
int query_disputes_page(struct query *q, const struct query_dispute_filter *f, const char *key,
                        bool after, int max, struct query_dispute_row *out);
long query_disputes_count(struct query *q, const struct query_dispute_filter *f);
void query_dispute_key(const struct query_dispute_row *row, char *buf, size_t size);
int query_dispute_get(struct query *q, const char *id, struct query_dispute_row *out);

/* ---- Settlements ---- */
struct query_payout_row {
	char id[QUERY_ID];
	time_t created;
	time_t arrival_date;
	int64_t amount;
	char currency[8];
	char status[24];
	char method[24];
	char description[QUERY_TEXT];
	bool reconciled;
};

/* Newest arrival first. */
int query_payouts_page(struct query *q, const char *key, bool after, int max,
                       struct query_payout_row *out);
long query_payouts_count(struct query *q);
void query_payout_key(const struct query_payout_row *row, char *buf, size_t size);
int query_payout_get(struct query *q, const char *id, struct query_payout_row *out);

struct query_balance_row {
	char id[QUERY_ID];
	time_t created;
	time_t available_on;
	int64_t amount;
	int64_t fee;
	int64_t net;
	char currency[8];
	char type[32];
	char reporting_category[40];
	char source[QUERY_ID];
	char description[QUERY_TEXT];
	char order_ref
	        [QUERY_TEXT]; /* the merchant's number of the order it is about, when cached */
	/* A converted movement: the rate as the platform wrote it, the conversion fee (part of
	 * fee) and what the customer paid (signed like amount). */
	bool converted;
	char exchange_rate[40];
	int64_t fx_fee;
	int64_t presentment_amount;
	char presentment_currency[8];
};

/* The balance transactions a payout paid out (the payout's own entry
 * excluded), newest first. */
int query_payout_entries_page(struct query *q, const char *payout_id, const char *key, bool after,
                              int max, struct query_balance_row *out);
void query_balance_key(const struct query_balance_row *row, char *buf, size_t size);
/* Sums of gross, fee and net of a payout's entries, and how many of them were converted
 * from another currency; returns the number of entries or -1. */
long query_payout_totals(struct query *q, const char *payout_id, int64_t *gross, int64_t *fee,
                         int64_t *net, int64_t *converted);
/* One balance transaction by id; 1 found, 0 not, -1 failure. */
int query_balance_get(struct query *q, const char *id, struct query_balance_row *out);

/* One day and currency of activity (day in local time, TZ). */
struct query_day_row {
	time_t day; /* local midnight */
	char currency[8];
	int64_t sales;    /* charges and payments, gross */
	int64_t refunds;  /* negative */
	int64_t disputes; /* dispute withdrawals and reinstatements */
	int64_t fees;     /* the statement's fee line: negative is what the platform kept */
	int64_t net;      /* everything but payouts */
	long count;
};

/* Per-day per-currency summary, newest day first. */
int query_days_page(struct query *q, const char *key, bool after, int max,
                    struct query_day_row *out);
void query_day_key(const struct query_day_row *row, char *buf, size_t size);

/* ---- Details ---- */
/* Calls fn for each row; stops early when fn returns non-zero.  Return
 * the number of rows visited or -1. */
int query_each_order_refund(struct query *q, const char *order_id,
                            int (*fn)(void *ctx, const struct query_refund_row *row), void *ctx);
int query_each_order_dispute(struct query *q, const char *order_id,
                             int (*fn)(void *ctx, const struct query_dispute_row *row), void *ctx);

struct query_event_row {
	char id[QUERY_ID];
	time_t created;
	char type[64];
};
/* The events about one object (and, for an order, its refunds and
 * disputes), oldest first. */
int query_each_event(struct query *q, const char *object_id,
                     int (*fn)(void *ctx, const struct query_event_row *row), void *ctx);

/* The platform's JSON of an object, newly allocated (caller frees), or
 * NULL when not cached or on failure. */
char *query_raw_json(struct query *q, const char *id);
/* An order's metadata as the merchant's shop set it (a JSON object), newly
 * allocated, or NULL when it has none or on failure. */
char *query_order_metadata(struct query *q, const char *id);
/* The evidence JSON of a dispute and any local draft; newly allocated or
 * NULL. */
char *query_dispute_evidence(struct query *q, const char *id);

/* ---- Complaints (the disputes of WeChat Pay and Alipay) ---- */
struct query_complaint_filter {
	char status[32]; /* awaiting_reply | in_progress | resolved; "" = any */
	char reason[48]; /* "" = any */
};

struct query_complaint_row {
	char id[QUERY_ID];
	time_t created;
	char order_id[QUERY_ID];
	char order_ref[QUERY_ID];
	int64_t amount;
	char currency[8];
	char status[32];
	char reason[48];
	char detail[1200];        /* the complainant's words */
	char contact[700];        /* as the platform sent it: encrypted */
	int64_t refund_requested; /* 0 when none */
	int history;              /* entries of its history in the cache */
	int64_t sort;             /* its place in the queue */
};

/* The queue: waiting for an answer, oldest first; then being handled; then closed, newest
 * first. */
int query_complaints_page(struct query *q, const struct query_complaint_filter *f, const char *key,
                          bool after, int max, struct query_complaint_row *out);
long query_complaints_count(struct query *q, const struct query_complaint_filter *f);
void query_complaint_key(const struct query_complaint_row *row, char *buf, size_t size);
int query_complaint_get(struct query *q, const char *id, struct query_complaint_row *out);

/* One entry of a complaint's history. */
struct query_history_row {
	time_t time;
	char actor[QUERY_TEXT];
	char kind[64];
	char text[1200];
	char images[600]; /* JSON array, "" when none */
};
/* A complaint's history, oldest first; the count, or -1. */
int query_each_complaint_entry(struct query *q, const char *id,
                               int (*fn)(void *ctx, const struct query_history_row *row),
                               void *ctx);

/* The last day whose bills are all in the cache (bill platforms): 1 and day, 0 when none,
 * -1 on failure. */
int query_bills_through(struct query *q, char *day, size_t size);

/* When the cache last completed a sync (0 = never); -1 on failure. */
time_t query_last_sync(struct query *q);
/* Distinct currencies of orders, for filter prompts: writes up to max
 * codes; returns the count or -1. */
int query_currencies(struct query *q, char (*out)[8], int max);

#endif
