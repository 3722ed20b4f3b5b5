/* The ledger: statement figures from the cache. Sums are done by SQLite in 64-bit integers
 * (its sum() raises an error rather than overflow) and combined here with the
 * overflow-checked money_add, so every figure is exact or the statement is refused. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "client/client.h"
#include "client/ledger.h"
#include "client/cache_schema.h"
#include "client/ledger_private.h"

/* Items kept from the summing pass: ids (and order numbers) in one buffer, the rest in an
 * array. */
struct ledger_kept_item {
	size_t id_off;
	size_t order_off; /* the order number's offset; meaningful when with_orders */
	time_t created;
	int64_t amount, fee, net;
	enum ledger_category category;
	char currency[4];
	char presentment_currency[4]; /* "" when not converted */
	size_t rate_off;              /* the rate's offset; meaningful when converted */
	int64_t fx_fee, presentment;
};

struct ledger_kept {
	char *ids;
	size_t ids_len, ids_cap;
	struct ledger_kept_item *items;
	size_t n, cap;
	bool with_orders; /* each item's order number was kept too */
};

/* The merchant's order number of balance transaction b: its order's (a charge's), or the
 * order of the refund or dispute it comes from; '' when none is known. */
/* The conversion of balance transaction b: its rate, conversion fee and presentment side,
 * NULLs when it was not converted (the presentment is looked up only then). */
#define LEDGER_FX_SQL                                                                              \
	"b.exchange_rate, b.fx_fee, CASE WHEN b.exchange_rate IS NOT NULL "                        \
	"THEN " CACHE_FX_PRESENTMENT_AMOUNT_SQL                                                    \
	" END, CASE WHEN b.exchange_rate IS NOT NULL THEN " CACHE_FX_PRESENTMENT_CURRENCY_SQL      \
	" END"
/* The same columns for a cache from before conversions were kept. */
#define LEDGER_NO_FX_SQL "NULL, 0, NULL, NULL"

#define LEDGER_ORDER_REF_SQL                                                                       \
	"coalesce((SELECT o.order_ref FROM orders o WHERE o.id = b.source), "                      \
	"(SELECT o.order_ref FROM refunds r JOIN orders o ON o.id = r.order_id "                   \
	"WHERE r.id = b.source), "                                                                 \
	"(SELECT o.order_ref FROM disputes d JOIN orders o ON o.id = d.order_id "                  \
	"WHERE d.id = b.source), '')"

const char *ledger_status_message(enum ledger_status status)
{
	switch (status) {
	case LEDGER_OK:
		return _("success");
	case LEDGER_NO_CACHE:
		return _("the cache could not be opened; run 'paydesk sync' first");
	case LEDGER_NOT_CACHE:
		return _("the file is not a paydesk cache");
	case LEDGER_DB:
		return _("reading the cache failed");
	case LEDGER_OVERFLOW:
		return _("a total is too large to be computed exactly");
	case LEDGER_NOMEM:
		return _("out of memory");
	case LEDGER_BAD_RANGE:
		return _("the date range is empty: its end must be after its start");
	case LEDGER_STOPPED:
		return _("stopped");
	}
	return _("unknown error");
}

static const char *const category_keys[LEDGER_CAT_COUNT] = {
        [LEDGER_CAT_SALES] = "sales",       [LEDGER_CAT_REFUNDS] = "refunds",
        [LEDGER_CAT_DISPUTES] = "disputes", [LEDGER_CAT_REVERSALS] = "dispute_reversals",
        [LEDGER_CAT_FEES] = "fees",         [LEDGER_CAT_ADJUSTMENTS] = "adjustments",
        [LEDGER_CAT_PAYOUTS] = "payouts",
};

const char *ledger_category_key(enum ledger_category cat)
{
	if ((int)cat < 0 || cat >= LEDGER_CAT_COUNT)
		return "adjustments";
	return category_keys[cat];
}

const char *ledger_recon_key(enum ledger_recon recon)
{
	switch (recon) {
	case LEDGER_RECON_MATCH:
		return "match";
	case LEDGER_RECON_MISMATCH:
		return "mismatch";
	case LEDGER_RECON_BEFORE_HISTORY:
		return "before_history";
	case LEDGER_RECON_UNKNOWN:
		break;
	}
	return "unknown";
}

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

/* The one definition of the categories; SQL uses it through ledger_category(). */
enum ledger_category ledger_categorize(const char *type, const char *reporting_category)
{
	static const char *const sales[] = {"charge", "payment", NULL};
	static const char *const refunds[] = {"refund",           "payment_refund",
	                                      "refund_failure",   "payment_failure_refund",
	                                      "payment_reversal", NULL};
	/* "fee": the bill platforms' fees booked as entries of their own (扣除交易手续费, 收费). */
	static const char *const fees[] = {"stripe_fee", "tax_fee", "fee", NULL};
	static const char *const payouts[] = {"payout", "payout_cancel", "payout_failure", NULL};
	const char *rc = reporting_category ? reporting_category : "";
	if (!type)
		type = "";
	/* The common case first, without walking the lists. */
	if (type[0] == 'c' && strcmp(type, "charge") == 0)
		return LEDGER_CAT_SALES;
	if (in_list(type, sales))
		return LEDGER_CAT_SALES;
	if (in_list(type, refunds))
		return LEDGER_CAT_REFUNDS;
	if (in_list(type, fees))
		return LEDGER_CAT_FEES;
	if (in_list(type, payouts))
		return LEDGER_CAT_PAYOUTS;
	if (strcmp(type, "dispute_reversal") == 0 || strcmp(rc, "dispute_reversal") == 0)
		return LEDGER_CAT_REVERSALS;
	if (strcmp(type, "dispute") == 0 || strcmp(rc, "dispute") == 0)
		return LEDGER_CAT_DISPUTES;
	return LEDGER_CAT_ADJUSTMENTS;
}

/* SQL function ledger_category(type, reporting_category) -> integer category. */
static void sql_category(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *type = (const char *)sqlite3_value_text(argv[0]);
	const char *rc = (const char *)sqlite3_value_text(argv[1]);
	sqlite3_result_int(ctx, (int)ledger_categorize(type, rc));
}

static void set_error(struct ledger *l)
{
	snprintf(l->error, sizeof l->error, "%s", l->db ? sqlite3_errmsg(l->db) : "");
}

enum ledger_status ledger_snapshot_begin(struct ledger *ledger)
{
	if (ledger->in_snapshot || sqlite3_get_autocommit(ledger->db) == 0)
		return LEDGER_OK;
	/* A deferred transaction takes its snapshot at the first read. */
	if (sqlite3_exec(ledger->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		set_error(ledger);
		return LEDGER_DB;
	}
	ledger->in_snapshot = true;
	return LEDGER_OK;
}

void ledger_snapshot_end(struct ledger *ledger)
{
	if (!ledger || !ledger->in_snapshot)
		return;
	sqlite3_exec(ledger->db, "COMMIT", NULL, NULL, NULL);
	ledger->in_snapshot = false;
}

const char *ledger_last_error(const struct ledger *ledger)
{
	return ledger ? ledger->error : "";
}

const struct provider_platform *ledger_platform(const struct ledger *ledger)
{
	return ledger ? ledger->platform : NULL;
}

/* How many schema objects match `where` (a constant condition on sqlite_master): 0, or -1
 * with the error kept. */
static int schema_count(struct ledger *l, const char *where, int *out)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM sqlite_master WHERE %s", where);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK) {
		set_error(l);
		return -1;
	}
	*out = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return 0;
}

/* Checks the tables statements read and registers ledger_category(). */
static enum ledger_status ledger_prepare_db(struct ledger *l)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(
	        l->db,
	        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
	        "name IN ('balance_transactions', 'payouts', 'meta', 'sync_state')",
	        -1, &st, NULL);
	if (rc != SQLITE_OK) {
		set_error(l);
		return LEDGER_NOT_CACHE;
	}
	rc = sqlite3_step(st);
	int tables = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	if (tables < 0) {
		set_error(l);
		return LEDGER_NOT_CACHE;
	}
	if (tables != 4)
		return LEDGER_NOT_CACHE;
	/* The order numbers come from the orders, which a cache made for statements alone
	 * may lack: then the lines have none. The bill days, and the columns of the bills'
	 * rows, came with the bill platforms (schema 8): an older cache has neither.
	 * Conversions came with schema 12 (the balance_fx view beside their columns). */
	int n_orders, n_bills, n_fx;
	if (schema_count(l, "type = 'table' AND name IN ('orders', 'refunds', 'disputes')",
	                 &n_orders) != 0 ||
	    schema_count(l, "type = 'table' AND name = 'bill_days'", &n_bills) != 0 ||
	    schema_count(l, "type = 'view' AND name = 'balance_fx'", &n_fx) != 0)
		return LEDGER_DB;
	l->has_orders = n_orders == 3;
	l->has_bills = l->has_orders && n_bills == 1;
	l->has_fx = l->has_orders && n_fx == 1;
	rc = sqlite3_prepare_v2(l->db, "SELECT value FROM meta WHERE key = 'provider'", -1, &st,
	                        NULL);
	if (rc != SQLITE_OK) {
		set_error(l);
		return LEDGER_DB;
	}
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		l->platform = provider_platform_find((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	rc = sqlite3_create_function(l->db, "ledger_category", 2,
	                             SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_category, NULL,
	                             NULL);
	if (rc != SQLITE_OK) {
		set_error(l);
		return LEDGER_DB;
	}
	return LEDGER_OK;
}

enum ledger_status ledger_open(const char *path, struct ledger **out)
{
	*out = NULL;
	struct ledger *l = calloc(1, sizeof *l);
	if (!l)
		return LEDGER_NOMEM;
	l->owns_db = true;
	/* Read-only: a statement never changes the cache, and a running sync may hold it. */
	/* One thread uses the handle: no per-call mutex (it shows on 100,000-row days). */
	int rc = sqlite3_open_v2(path, &l->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		set_error(l);
		ledger_close(&l);
		return LEDGER_NO_CACHE;
	}
	sqlite3_busy_timeout(l->db, 5000);
	/* A day of 100,000 entries reads tens of megabytes: map the file rather than copy
	 * it page by page, and keep the pages that the sums and the items both read. */
	sqlite3_exec(l->db, "PRAGMA mmap_size = 268435456; PRAGMA cache_size = -65536", NULL, NULL,
	             NULL);
	enum ledger_status s = ledger_prepare_db(l);
	if (s != LEDGER_OK) {
		ledger_close(&l);
		return s;
	}
	*out = l;
	return LEDGER_OK;
}

enum ledger_status ledger_open_db(struct sqlite3 *db, struct ledger **out)
{
	*out = NULL;
	struct ledger *l = calloc(1, sizeof *l);
	if (!l)
		return LEDGER_NOMEM;
	l->db = db;
	enum ledger_status s = ledger_prepare_db(l);
	if (s != LEDGER_OK) {
		ledger_close(&l);
		return s;
	}
	*out = l;
	return LEDGER_OK;
}

void ledger_close(struct ledger **ledger)
{
	if (!ledger || !*ledger)
		return;
	ledger_snapshot_end(*ledger);
	if ((*ledger)->owns_db && (*ledger)->db)
		sqlite3_close((*ledger)->db);
	free(*ledger);
	*ledger = NULL;
}

void ledger_statement_free(struct ledger_statement **st)
{
	if (!st || !*st)
		return;
	struct ledger_statement *s = *st;
	for (size_t i = 0; i < s->n_currencies; i++) {
		struct ledger_currency *c = &s->currencies[i];
		for (size_t j = 0; j < c->n_payouts; j++) {
			free(c->payouts[j].id);
			free(c->payouts[j].status);
		}
		free(c->payouts);
		free(c->fx);
	}
	free(s->currencies);
	if (s->kept) {
		free(s->kept->ids);
		free(s->kept->items);
		free(s->kept);
	}
	ledger_bills_free(&s->bills);
	free(s->account_id);
	free(s->account_name);
	free(s);
	*st = NULL;
}

/* Lower-cases a currency code into out[4]; "" for NULL or empty. */
static void currency_lower(const char *in, char out[4])
{
	size_t i = 0;
	for (; in && in[i] && i < 3; i++)
		out[i] = (char)((in[i] >= 'A' && in[i] <= 'Z') ? in[i] - 'A' + 'a' : in[i]);
	out[i] = '\0';
}

/* The currency entry for code, appended when new. NULL when out of memory. */
static struct ledger_currency *currency_slot(struct ledger_statement *s, const char *code)
{
	char lower[4];
	currency_lower(code, lower);
	for (size_t i = 0; i < s->n_currencies; i++)
		if (strcmp(s->currencies[i].currency, lower) == 0)
			return &s->currencies[i];
	struct ledger_currency *grown =
	        realloc(s->currencies, (s->n_currencies + 1) * sizeof *grown);
	if (!grown)
		return NULL;
	s->currencies = grown;
	struct ledger_currency *c = &grown[s->n_currencies++];
	memset(c, 0, sizeof *c);
	memcpy(c->currency, lower, sizeof c->currency);
	return c;
}

static char *dup_column(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return strdup(t ? (const char *)t : "");
}

/* Prepares sql; on failure records SQLite's message. */
static enum ledger_status prepare(struct ledger *l, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(l->db, sql, -1, st, NULL) != SQLITE_OK) {
		set_error(l);
		*st = NULL;
		return LEDGER_DB;
	}
	return LEDGER_OK;
}

/* Maps the end of a stepping loop to a status: SQLITE_DONE is success, an integer overflow
 * in sum() is LEDGER_OVERFLOW, anything else LEDGER_DB. */
static enum ledger_status step_end(struct ledger *l, int rc)
{
	if (rc == SQLITE_DONE)
		return LEDGER_OK;
	set_error(l);
	if (strstr(l->error, "overflow"))
		return LEDGER_OVERFLOW;
	return LEDGER_DB;
}

enum ledger_status ledger_prepare_sql(struct ledger *l, const char *sql, sqlite3_stmt **st)
{
	return prepare(l, sql, st);
}

enum ledger_status ledger_step_end(struct ledger *l, int rc)
{
	return step_end(l, rc);
}

static enum ledger_status load_meta(struct ledger *l, struct ledger_statement *s)
{
	sqlite3_stmt *st;
	enum ledger_status r = prepare(l,
	                               "SELECT key, value FROM meta WHERE key IN "
	                               "('account', 'account_id', 'account_name') "
	                               "ORDER BY key = 'account_id'",
	                               &st);
	if (r != LEDGER_OK)
		return r;
	int rc;
	/* The sync stores the account id as 'account'; 'account_id' wins when both exist. */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 0);
		char **slot =
		        key && strcmp(key, "account_name") != 0 ? &s->account_id : &s->account_name;
		free(*slot);
		*slot = dup_column(st, 1);
		if (!*slot) {
			sqlite3_finalize(st);
			return LEDGER_NOMEM;
		}
	}
	r = step_end(l, rc);
	sqlite3_finalize(st);
	if (r != LEDGER_OK)
		return r;
	if (!s->account_id)
		s->account_id = strdup("");
	if (!s->account_name)
		s->account_name = strdup("");
	if (!s->account_id || !s->account_name)
		return LEDGER_NOMEM;

	/* The settlement data is as fresh as the older of its two resources; a cache whose sync
	 * state names neither falls back on the oldest sync of any resource. */
	r = prepare(l,
	            "SELECT coalesce((SELECT min(last_success) FROM sync_state WHERE resource IN "
	            "('balance_transactions', 'payouts')), (SELECT min(last_success) FROM "
	            "sync_state), 0)",
	            &st);
	if (r != LEDGER_OK)
		return r;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		s->last_sync = (time_t)sqlite3_column_int64(st, 0);
		rc = SQLITE_DONE;
	}
	r = step_end(l, rc);
	sqlite3_finalize(st);
	return r;
}

/* Adds b into *a, checking for overflow. */
static bool add_to(int64_t *a, int64_t b)
{
	return money_add(*a, b, a);
}

static const char *text_or_empty(sqlite3_stmt *st, int col);

/* Appends text and its NUL to the kept strings; false when out of memory. */
static bool keep_text(struct ledger_kept *k, const char *text, size_t *off)
{
	size_t len = strlen(text) + 1;
	if (k->ids_len + len > k->ids_cap) {
		size_t cap = k->ids_cap ? k->ids_cap * 2 : 65536;
		while (cap < k->ids_len + len)
			cap *= 2;
		char *grown = realloc(k->ids, cap);
		if (!grown)
			return false;
		k->ids = grown;
		k->ids_cap = cap;
	}
	memcpy(k->ids + k->ids_len, text, len);
	*off = k->ids_len;
	k->ids_len += len;
	return true;
}

/* Appends an item to the kept list. false when out of memory. */
static bool keep_item(struct ledger_kept *k, const char *id, const char *order, time_t created,
                      int64_t amount, int64_t fee, int64_t net, enum ledger_category cat,
                      const char *currency, const struct ledger_item *fx)
{
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 1024;
		struct ledger_kept_item *grown = realloc(k->items, cap * sizeof *grown);
		if (!grown)
			return false;
		k->items = grown;
		k->cap = cap;
	}
	struct ledger_kept_item *it = &k->items[k->n];
	if (!keep_text(k, id, &it->id_off))
		return false;
	it->order_off = 0;
	if (k->with_orders && !keep_text(k, order, &it->order_off))
		return false;
	k->n++;
	it->created = created;
	it->amount = amount;
	it->fee = fee;
	it->net = net;
	it->category = cat;
	memcpy(it->currency, currency, sizeof it->currency);
	it->presentment_currency[0] = '\0';
	if (fx && fx->exchange_rate[0]) {
		if (!keep_text(k, fx->exchange_rate, &it->rate_off))
			return false;
		memcpy(it->presentment_currency, fx->presentment_currency,
		       sizeof it->presentment_currency);
		it->fx_fee = fx->fx_fee;
		it->presentment = fx->presentment_amount;
	}
	return true;
}

/* A converted row's fields (columns col.. of LEDGER_FX_SQL) into it; false when the row
 * was not converted (or its presentment side is not in the cache). */
static bool read_fx(sqlite3_stmt *st, int col, struct ledger_item *it)
{
	it->exchange_rate = "";
	it->fx_fee = 0;
	it->presentment_amount = 0;
	it->presentment_currency[0] = '\0';
	if (sqlite3_column_type(st, col) == SQLITE_NULL ||
	    sqlite3_column_type(st, col + 2) != SQLITE_INTEGER ||
	    sqlite3_column_type(st, col + 3) == SQLITE_NULL)
		return false;
	it->exchange_rate = (const char *)sqlite3_column_text(st, col);
	it->fx_fee = sqlite3_column_int64(st, col + 1);
	it->presentment_amount = sqlite3_column_int64(st, col + 2);
	currency_lower((const char *)sqlite3_column_text(st, col + 3), it->presentment_currency);
	return it->exchange_rate != NULL;
}

static int64_t abs64(int64_t v)
{
	return v < 0 ? -v : v;
}

/* Counts a converted movement into its day's conversions from its presentment currency. */
static bool add_fx(struct ledger_currency *c, time_t created, const struct ledger_item *it,
                   int64_t amount)
{
	struct tm tm;
	char day[11] = "";
	if (localtime_r(&created, &tm))
		strftime(day, sizeof day, "%Y-%m-%d", &tm);
	struct ledger_fx *x = NULL;
	/* Rows come by time: the day's entries are at the end. */
	for (size_t i = c->n_fx; i-- > 0 && strcmp(c->fx[i].day, day) == 0;)
		if (strcmp(c->fx[i].from, it->presentment_currency) == 0)
			x = &c->fx[i];
	if (!x) {
		struct ledger_fx *grown = realloc(c->fx, (c->n_fx + 1) * sizeof *grown);
		if (!grown)
			return false;
		c->fx = grown;
		x = &grown[c->n_fx++];
		memset(x, 0, sizeof *x);
		memcpy(x->day, day, sizeof x->day);
		memcpy(x->from, it->presentment_currency, sizeof x->from);
	}
	if (amount == INT64_MIN || it->presentment_amount == INT64_MIN)
		return false;
	return add_to(&x->count, 1) && add_to(&x->presented, abs64(it->presentment_amount)) &&
	       add_to(&x->settled, abs64(amount)) && add_to(&x->fees, it->fx_fee) &&
	       add_to(&c->fx_fees, it->fx_fee);
}

void ledger_fx_rate(const struct ledger_fx *fx, const char *to, char *buf, size_t size)
{
	if (fx->presented <= 0) {
		snprintf(buf, size, "-");
		return;
	}
	/* settled / 10^e(to) / (presented / 10^e(from)), in millionths */
	__int128 num = (__int128)fx->settled * 1000000;
	__int128 den = fx->presented;
	for (int e = money_exponent(fx->from); e > 0; e--)
		num *= 10;
	for (int e = money_exponent(to); e > 0; e--)
		den *= 10;
	__int128 q = (2 * num + den) / (2 * den);
	snprintf(buf, size, "%lld.%06lld", (long long)(q / 1000000), (long long)(q % 1000000));
}

/* Opening balances and the category sums of the range, for every currency (or one). */
static enum ledger_status load_sums(struct ledger *l, struct ledger_statement *s,
                                    const char *currency)
{
	sqlite3_stmt *st;
	enum ledger_status r = prepare(l,
	                               "SELECT lower(currency), sum(net) FROM balance_transactions "
	                               "WHERE created < ?1 AND (?2 = '' OR lower(currency) = ?2) "
	                               "GROUP BY lower(currency)",
	                               &st);
	if (r != LEDGER_OK)
		return r;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)s->from);
	sqlite3_bind_text(st, 2, currency, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ledger_currency *c =
		        currency_slot(s, (const char *)sqlite3_column_text(st, 0));
		if (!c) {
			sqlite3_finalize(st);
			return LEDGER_NOMEM;
		}
		c->opening = sqlite3_column_int64(st, 1);
	}
	r = step_end(l, rc);
	sqlite3_finalize(st);
	if (r != LEDGER_OK)
		return r;

	/* The range's rows are summed here rather than with GROUP BY: grouping on a computed
	 * category makes SQLite sort every row, which costs more than the sums themselves. */
	const bool orders = s->kept && s->kept->with_orders && l->has_orders;
	/* [with order numbers][with conversions] */
#define SUMS_SQL(order, fx)                                                                        \
	"SELECT b.currency, b.type, b.reporting_category, b.amount, b.fee, b.net, b.id, "          \
	"b.created, " order ", " fx " FROM balance_transactions b WHERE b.created >= ?1 AND "      \
	"b.created < ?2 AND (?3 = '' OR lower(b.currency) = ?3) ORDER BY b.created, b.id"
	static const char *const sums_sql[2][2] = {
	        {SUMS_SQL("''", LEDGER_NO_FX_SQL), SUMS_SQL("''", LEDGER_FX_SQL)},
	        {SUMS_SQL(LEDGER_ORDER_REF_SQL, LEDGER_NO_FX_SQL),
	         SUMS_SQL(LEDGER_ORDER_REF_SQL, LEDGER_FX_SQL)},
	};
#undef SUMS_SQL
	r = prepare(l, sums_sql[orders][l->has_fx], &st);
	if (r != LEDGER_OK)
		return r;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)s->from);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)s->to);
	sqlite3_bind_text(st, 3, currency, -1, SQLITE_STATIC);
	struct ledger_currency *c = NULL;
	char last_type[32] = "", last_rc[32] = "";
	enum ledger_category last_cat = LEDGER_CAT_ADJUSTMENTS;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 0);
		char lower[4];
		currency_lower(code, lower);
		if (!c || strcmp(c->currency, lower) != 0) {
			c = currency_slot(s, lower);
			if (!c) {
				sqlite3_finalize(st);
				return LEDGER_NOMEM;
			}
		}
		const char *type = (const char *)sqlite3_column_text(st, 1);
		const char *rcat = (const char *)sqlite3_column_text(st, 2);
		if (!type)
			type = "";
		if (!rcat)
			rcat = "";
		/* Consecutive rows mostly share their type: categorize once per change. */
		if (strcmp(type, last_type) != 0 || strcmp(rcat, last_rc) != 0 || !last_type[0]) {
			last_cat = ledger_categorize(type, rcat);
			snprintf(last_type, sizeof last_type, "%s", type);
			snprintf(last_rc, sizeof last_rc, "%s", rcat);
			if (strlen(type) >= sizeof last_type || strlen(rcat) >= sizeof last_rc)
				last_type[0] =
				        '\0'; /* too long to remember: categorize every time */
		}
		struct ledger_sum *sum = &c->cat[last_cat];
		int64_t amount = sqlite3_column_int64(st, 3);
		int64_t fee = sqlite3_column_int64(st, 4);
		int64_t net = sqlite3_column_int64(st, 5);
		int64_t expect;
		/* A fee is shown negated (as a cost): the one fee that cannot be is refused. */
		if (fee == INT64_MIN) {
			sqlite3_finalize(st);
			return LEDGER_OVERFLOW;
		}
		bool ok = add_to(&sum->count, 1) && add_to(&sum->amount, amount) &&
		          add_to(&sum->fee, fee) && add_to(&sum->net, net) && add_to(&c->items, 1);
		if (ok && (!money_sub(amount, fee, &expect) || expect != net))
			ok = add_to(&c->inconsistent, 1);
		const int64_t values[3] = {amount, fee, net};
		for (int k = 0; k < 3; k++) {
			int64_t m = values[k] == INT64_MIN ? INT64_MAX
			            : values[k] < 0        ? -values[k]
			                                   : values[k];
			if (m > c->max_abs)
				c->max_abs = m;
			if (k == 1 && m > c->max_fee)
				c->max_fee = m;
		}
		if (!ok) {
			sqlite3_finalize(st);
			return LEDGER_OVERFLOW;
		}
		struct ledger_item fx;
		const bool converted = read_fx(st, 9, &fx);
		if (converted && !add_fx(c, (time_t)sqlite3_column_int64(st, 7), &fx, amount)) {
			sqlite3_finalize(st);
			return LEDGER_OVERFLOW;
		}
		if (s->kept && !keep_item(s->kept, text_or_empty(st, 6), text_or_empty(st, 8),
		                          (time_t)sqlite3_column_int64(st, 7), amount, fee, net,
		                          last_cat, c->currency, converted ? &fx : NULL)) {
			sqlite3_finalize(st);
			return LEDGER_NOMEM;
		}
	}
	r = step_end(l, rc);
	sqlite3_finalize(st);
	return r;
}

/* The payouts arriving in the range and, for each, the count and net sum of the balance
 * transactions that list it as their payout (the payout's own transaction excluded). Both
 * come from one pass over each payout's transactions (a join grouped by payout; grouped in
 * the order of payouts_by_arrival so that only the range's payouts are read). */
static enum ledger_status load_payouts(struct ledger *l, struct ledger_statement *s,
                                       const char *currency)
{
	sqlite3_stmt *st;
	enum ledger_status r = prepare(
	        l,
	        "SELECT p.id, lower(p.currency), p.status, p.created, p.arrival_date, p.amount, "
	        "p.reconciled, count(b.payout_id), coalesce(sum(b.net), 0) "
	        "FROM payouts p LEFT JOIN balance_transactions b ON b.payout_id = p.id "
	        "   AND b.id IS NOT p.balance_transaction AND ledger_category(b.type, NULL) != ?4 "
	        "WHERE p.arrival_date >= ?1 AND p.arrival_date < ?2 "
	        "AND (?3 = '' OR lower(p.currency) = ?3) "
	        "GROUP BY p.arrival_date, p.id, p.rowid ORDER BY p.arrival_date, p.id",
	        &st);
	if (r != LEDGER_OK)
		return r;
	/* A bill platform's withdrawal is dated by the instant it left (its fund flow's time),
	 * not by a day's 00:00 UTC: its days are those of the platform's zone. */
	const struct provider_platform *pl = l->platform;
	const int64_t offset = l->has_bills && pl && pl->history == PROVIDER_HISTORY_BILLS
	                               ? pl->day_utc_offset
	                               : 0;
	const bool instants = l->has_bills && pl && pl->history == PROVIDER_HISTORY_BILLS;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)s->arrival_from - offset);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)s->arrival_to - offset);
	sqlite3_bind_text(st, 3, currency, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, LEDGER_CAT_PAYOUTS);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ledger_currency *c =
		        currency_slot(s, (const char *)sqlite3_column_text(st, 1));
		if (!c) {
			sqlite3_finalize(st);
			return LEDGER_NOMEM;
		}
		struct ledger_payout *grown =
		        realloc(c->payouts, (c->n_payouts + 1) * sizeof *grown);
		if (!grown) {
			sqlite3_finalize(st);
			return LEDGER_NOMEM;
		}
		c->payouts = grown;
		struct ledger_payout *p = &grown[c->n_payouts];
		memset(p, 0, sizeof *p);
		p->id = dup_column(st, 0);
		p->status = dup_column(st, 2);
		if (!p->id || !p->status) {
			free(p->id);
			free(p->status);
			sqlite3_finalize(st);
			return LEDGER_NOMEM;
		}
		c->n_payouts++;
		p->created = (time_t)sqlite3_column_int64(st, 3);
		p->arrival_date = (time_t)sqlite3_column_int64(st, 4);
		if (instants) {
			/* As a date: the 00:00 UTC of its day in the platform's zone. */
			int64_t local = (int64_t)p->arrival_date + offset;
			int64_t day = local / 86400 - (local % 86400 < 0);
			p->arrival_date = (time_t)(day * 86400);
		}
		p->amount = sqlite3_column_int64(st, 5);
		if (!add_to(&c->payouts_arriving, p->amount)) {
			sqlite3_finalize(st);
			return LEDGER_OVERFLOW;
		}
		p->sync_complete = sqlite3_column_int(st, 6) != 0;
		p->txn_count = sqlite3_column_int64(st, 7);
		p->txn_net = sqlite3_column_int64(st, 8);
		if (!money_sub(p->amount, p->txn_net, &p->difference)) {
			sqlite3_finalize(st);
			return LEDGER_OVERFLOW;
		}
		if (p->difference == 0)
			p->recon = LEDGER_RECON_MATCH;
		else if (p->txn_count == 0)
			p->recon = LEDGER_RECON_UNKNOWN;
		else
			p->recon = LEDGER_RECON_MISMATCH;
		if (p->recon != LEDGER_RECON_MATCH)
			c->mismatches++;
	}
	r = step_end(l, rc);
	sqlite3_finalize(st);
	return r;
}

static int compare_currency(const void *a, const void *b)
{
	return strcmp(((const struct ledger_currency *)a)->currency,
	              ((const struct ledger_currency *)b)->currency);
}

bool ledger_activity_of(const struct ledger_sum cat[], int64_t *fees, int64_t *net)
{
	int64_t f = cat[LEDGER_CAT_FEES].amount, n = 0;
	for (int k = 0; k < LEDGER_CAT_COUNT; k++) {
		if (k == LEDGER_CAT_PAYOUTS)
			continue;
		if (!money_sub(f, cat[k].fee, &f) || !money_add(n, cat[k].net, &n))
			return false;
	}
	*fees = f;
	*net = n;
	return true;
}

/* Derived lines of each currency: fees, net activity, payouts, closing. */
static enum ledger_status finish_currencies(struct ledger_statement *s)
{
	for (size_t i = 0; i < s->n_currencies; i++) {
		struct ledger_currency *c = &s->currencies[i];
		int64_t fees, net;
		if (!ledger_activity_of(c->cat, &fees, &net))
			return LEDGER_OVERFLOW;
		c->fees = fees;
		c->net_activity = net;
		c->payouts_net = c->cat[LEDGER_CAT_PAYOUTS].net;
		int64_t closing = c->opening;
		if (!add_to(&closing, c->net_activity) || !add_to(&closing, c->payouts_net))
			return LEDGER_OVERFLOW;
		c->closing = closing;
	}
	/* No currency, no array: qsort must not be handed a null pointer, even for nothing. */
	if (s->n_currencies > 1)
		qsort(s->currencies, s->n_currencies, sizeof *s->currencies, compare_currency);
	return LEDGER_OK;
}

enum ledger_status ledger_statement_load(struct ledger *ledger, time_t from, time_t to,
                                         const char *currency, struct ledger_statement **out)
{
	return ledger_statement_load_flags(ledger, from, to, currency, 0, out);
}

void ledger_arrival_days(time_t from, time_t to, time_t *arrival_from, time_t *arrival_to)
{
	struct tm first, last;
	time_t end = to > from ? to - 1 : from;
	if (!localtime_r(&from, &first) || !localtime_r(&end, &last)) {
		*arrival_from = from;
		*arrival_to = to;
		return;
	}
	/* timegm reads the fields as UTC and normalises the day after the last. */
	struct tm a = {.tm_year = first.tm_year, .tm_mon = first.tm_mon, .tm_mday = first.tm_mday};
	struct tm b = {.tm_year = last.tm_year, .tm_mon = last.tm_mon, .tm_mday = last.tm_mday + 1};
	*arrival_from = timegm(&a);
	*arrival_to = timegm(&b);
}

enum ledger_status ledger_statement_load_flags(struct ledger *ledger, time_t from, time_t to,
                                               const char *currency, unsigned flags,
                                               struct ledger_statement **out)
{
	struct ledger_period period = {.from = from, .to = to};
	ledger_arrival_days(from, to, &period.arrival_from, &period.arrival_to);
	return ledger_statement_load_period(ledger, &period, currency, flags, out);
}

enum ledger_status ledger_statement_load_period(struct ledger *ledger,
                                                const struct ledger_period *period,
                                                const char *currency, unsigned flags,
                                                struct ledger_statement **out)
{
	*out = NULL;
	const time_t from = period->from, to = period->to;
	if (to <= from || period->arrival_to < period->arrival_from)
		return LEDGER_BAD_RANGE;
	char cur[4];
	currency_lower(currency, cur);
	struct ledger_statement *s = calloc(1, sizeof *s);
	if (!s)
		return LEDGER_NOMEM;
	s->from = from;
	s->to = to;
	s->arrival_from = period->arrival_from;
	s->arrival_to = period->arrival_to;
	if (flags & (LEDGER_KEEP_ITEMS | LEDGER_KEEP_ORDERS)) {
		s->kept = calloc(1, sizeof *s->kept);
		if (!s->kept) {
			ledger_statement_free(&s);
			return LEDGER_NOMEM;
		}
		s->kept->with_orders = (flags & LEDGER_KEEP_ORDERS) != 0;
	}
	/* One read transaction: a sync committing meanwhile cannot split the figures. A
	 * borrowed handle already inside a transaction is read as it stands. */
	const bool own_txn = sqlite3_get_autocommit(ledger->db) != 0;
	if (own_txn && sqlite3_exec(ledger->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		set_error(ledger);
		ledger_statement_free(&s);
		return LEDGER_DB;
	}
	enum ledger_status r = load_meta(ledger, s);
	if (r == LEDGER_OK)
		r = load_sums(ledger, s, cur);
	if (r == LEDGER_OK)
		r = load_payouts(ledger, s, cur);
	s->platform = ledger->platform;
	if (r == LEDGER_OK)
		r = ledger_bills_payouts(ledger, s);
	if (r == LEDGER_OK)
		r = ledger_bills_load(ledger, s, cur);
	if (own_txn)
		sqlite3_exec(ledger->db, "COMMIT", NULL, NULL, NULL);
	if (r == LEDGER_OK)
		r = finish_currencies(s);
	if (r != LEDGER_OK) {
		ledger_statement_free(&s);
		return r;
	}
	/* A currency asked for by name is shown even without any transaction. */
	if (cur[0] && s->n_currencies == 0 && !currency_slot(s, cur)) {
		ledger_statement_free(&s);
		return LEDGER_NOMEM;
	}
	s->stale = s->last_sync < to;
	*out = s;
	return LEDGER_OK;
}

static const char *text_or_empty(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? (const char *)t : "";
}

#define ITEMS_FULL(fx)                                                                             \
	"SELECT b.id, b.type, b.reporting_category, b.source, b.description, b.payout_id, "        \
	"b.status, b.created, b.available_on, b.amount, b.fee, b.net, b.currency, " fx ", "
#define ITEMS_BRIEF(fx)                                                                            \
	"SELECT b.id, b.type, b.reporting_category, '', '', '', '', b.created, 0, b.amount, "      \
	"b.fee, b.net, b.currency, " fx ", "
#define ITEMS_RANGE                                                                                \
	" FROM balance_transactions b WHERE b.created >= ?1 AND b.created < ?2 "                   \
	"AND (?3 = '' OR lower(b.currency) = ?3) ORDER BY b.created, b.id"

enum ledger_status ledger_items(struct ledger *ledger, const char *currency, time_t from, time_t to,
                                unsigned flags, ledger_item_fn *fn, void *ctx)
{
	/* [brief][with conversions][with order numbers] */
#define ITEMS(select, fx)                                                                          \
	{                                                                                          \
		select(fx) "''" ITEMS_RANGE, select(fx) LEDGER_ORDER_REF_SQL ITEMS_RANGE           \
	}
	static const char *const sql[2][2][2] = {
	        {ITEMS(ITEMS_FULL, LEDGER_NO_FX_SQL), ITEMS(ITEMS_FULL, LEDGER_FX_SQL)},
	        {ITEMS(ITEMS_BRIEF, LEDGER_NO_FX_SQL), ITEMS(ITEMS_BRIEF, LEDGER_FX_SQL)},
	};
#undef ITEMS
	char cur[4];
	currency_lower(currency, cur);
	const bool brief = flags & LEDGER_ITEMS_BRIEF;
	const bool orders = (flags & LEDGER_ITEMS_ORDER) && ledger->has_orders;
	sqlite3_stmt *st;
	enum ledger_status r = prepare(ledger, sql[brief][ledger->has_fx][orders], &st);
	if (r != LEDGER_OK)
		return r;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)from);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)to);
	sqlite3_bind_text(st, 3, cur, -1, SQLITE_STATIC);
	int rc;
	char last_type[32] = "", last_rc[32] = "";
	enum ledger_category last_cat = LEDGER_CAT_ADJUSTMENTS;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ledger_item it = {
		        .id = text_or_empty(st, 0),
		        .type = text_or_empty(st, 1),
		        .reporting_category = text_or_empty(st, 2),
		        .source = text_or_empty(st, 3),
		        .description = text_or_empty(st, 4),
		        .payout_id = text_or_empty(st, 5),
		        .status = text_or_empty(st, 6),
		        .created = (time_t)sqlite3_column_int64(st, 7),
		        .available_on = (time_t)sqlite3_column_int64(st, 8),
		        .amount = sqlite3_column_int64(st, 9),
		        .fee = sqlite3_column_int64(st, 10),
		        .net = sqlite3_column_int64(st, 11),
		        .order_ref = text_or_empty(st, 17),
		};
		currency_lower(text_or_empty(st, 12), it.currency);
		read_fx(st, 13, &it);
		/* Consecutive rows mostly share their type: categorize once per change. */
		if (strcmp(it.type, last_type) != 0 ||
		    strcmp(it.reporting_category, last_rc) != 0 || !last_type[0]) {
			last_cat = ledger_categorize(it.type, it.reporting_category);
			if (strlen(it.type) < sizeof last_type &&
			    strlen(it.reporting_category) < sizeof last_rc) {
				snprintf(last_type, sizeof last_type, "%s", it.type);
				snprintf(last_rc, sizeof last_rc, "%s", it.reporting_category);
			} else {
				last_type[0] = '\0';
			}
		}
		it.category = last_cat;
		if (fn(&it, ctx) != 0) {
			sqlite3_finalize(st);
			return LEDGER_STOPPED;
		}
	}
	r = step_end(ledger, rc);
	sqlite3_finalize(st);
	return r;
}

enum ledger_status ledger_statement_items(const struct ledger_statement *st, const char *currency,
                                          unsigned flags, ledger_item_fn *fn, void *ctx)
{
	if (!st->kept || ((flags & LEDGER_ITEMS_ORDER) && !st->kept->with_orders))
		return LEDGER_BAD_RANGE;
	char cur[4];
	currency_lower(currency, cur);
	for (size_t i = 0; i < st->kept->n; i++) {
		const struct ledger_kept_item *k = &st->kept->items[i];
		if (cur[0] && strcmp(cur, k->currency) != 0)
			continue;
		struct ledger_item it = {
		        .id = st->kept->ids + k->id_off,
		        .order_ref = st->kept->with_orders ? st->kept->ids + k->order_off : "",
		        .type = "",
		        .reporting_category = "",
		        .source = "",
		        .description = "",
		        .payout_id = "",
		        .status = "",
		        .created = k->created,
		        .amount = k->amount,
		        .fee = k->fee,
		        .net = k->net,
		        .category = k->category,
		        .exchange_rate =
		                k->presentment_currency[0] ? st->kept->ids + k->rate_off : "",
		        .fx_fee = k->presentment_currency[0] ? k->fx_fee : 0,
		        .presentment_amount = k->presentment_currency[0] ? k->presentment : 0,
		};
		memcpy(it.currency, k->currency, sizeof it.currency);
		memcpy(it.presentment_currency, k->presentment_currency,
		       sizeof it.presentment_currency);
		if (fn(&it, ctx) != 0)
			return LEDGER_STOPPED;
	}
	return LEDGER_OK;
}
