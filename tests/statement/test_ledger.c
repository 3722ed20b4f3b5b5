/* Unit tests of the ledger and the statement model on hand-made caches: categories, opening
 * and closing balances, payout reconciliation, overflow, failures, day boundaries across DST
 * changes, the CSV guard and 80-column CJK text. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "client/cache_schema.h"
#include "client/client.h"
#include "client/query.h"
#include "views/statement.h"

#define DAY 1763942400 /* 2025-11-24 00:00 UTC */

#if defined(__SANITIZE_ADDRESS__)
/* This program writes PDFs too: the libraries' known leaks, as views/main.c names them. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\nleak:libcairo.so\n";
}
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif

static char unit_cache[256];

static int teardown(void **state);

/* A new cache at unit_cache with the schema and `rows` (SQL). */
static void make_cache(const char *rows)
{
	snprintf(unit_cache, sizeof unit_cache, "%s/stmt-unit-%d.db",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	teardown(NULL);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(unit_cache, &db), SQLITE_OK);
	/* WAL, as the client's caches: readers never block the sync's commits. */
	assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, cache_schema_sql, NULL, NULL, NULL), SQLITE_OK);
	char *err = NULL;
	int rc = sqlite3_exec(db, rows, NULL, NULL, &err);
	if (rc != SQLITE_OK)
		fail_msg("%s", err);
	sqlite3_close(db);
}

static int teardown(void **state)
{
	(void)state;
	char side[300];
	snprintf(side, sizeof side, "%s-wal", unit_cache);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", unit_cache);
	unlink(side);
	unlink(unit_cache);
	return 0;
}

static const char base_rows[] =
        "INSERT INTO meta VALUES ('account', 'acct_1'), ('account_name', '测试商店 Test Shop');"
        "INSERT INTO sync_state(resource, last_success) VALUES ('balance_transactions', "
        "1764115200),"
        " ('payouts', 1764115200);"
        "INSERT INTO balance_transactions(id, created, amount, fee, net, currency, type,"
        " reporting_category, payout_id) VALUES"
        " ('t0', 1763900000, 10000, 320, 9680, 'usd', 'charge', 'charge', 'po_a'),"
        " ('t1', 1763950000, 5000, 175, 4825, 'usd', 'charge', 'charge', 'po_b'),"
        " ('t2', 1763950100, -1000, 0, -1000, 'usd', 'refund', 'refund', 'po_b'),"
        " ('t3', 1763950200, -2000, 1500, -3500, 'usd', 'adjustment', 'dispute', NULL),"
        " ('t4', 1763950300, 2000, -1500, 3500, 'usd', 'adjustment', 'dispute_reversal', NULL),"
        " ('t5', 1763950400, -300, 0, -300, 'usd', 'stripe_fee', 'fee', NULL),"
        " ('t6', 1763950500, 77, 0, 77, 'usd', 'transfer', 'transfer', NULL),"
        " ('t7', 1763950600, -9680, 0, -9680, 'usd', 'payout', 'payout', NULL),"
        " ('t8', 1763950700, 120000, 4000, 116000, 'JPY', 'charge', 'charge', NULL),"
        " ('t9', 1764030000, 999, 0, 999, 'usd', 'charge', 'charge', NULL);"
        "INSERT INTO payouts(id, created, arrival_date, amount, currency, status,"
        " balance_transaction, reconciled) VALUES"
        " ('po_a', 1763950600, 1764028800, 9680, 'usd', 'paid', 't7', 1),"
        " ('po_b', 1763950650, 1764028800, 3800, 'usd', 'in_transit', NULL, 1),"
        " ('po_c', 1763950660, 1764028800, 500, 'usd', 'paid', NULL, 0);";

static void test_categories(void **state)
{
	(void)state;
	assert_int_equal(ledger_categorize("charge", "charge"), LEDGER_CAT_SALES);
	assert_int_equal(ledger_categorize("payment", NULL), LEDGER_CAT_SALES);
	assert_int_equal(ledger_categorize("payment_refund", NULL), LEDGER_CAT_REFUNDS);
	assert_int_equal(ledger_categorize("adjustment", "dispute"), LEDGER_CAT_DISPUTES);
	assert_int_equal(ledger_categorize("adjustment", "dispute_reversal"), LEDGER_CAT_REVERSALS);
	assert_int_equal(ledger_categorize("stripe_fee", "fee"), LEDGER_CAT_FEES);
	assert_int_equal(ledger_categorize("payout_failure", NULL), LEDGER_CAT_PAYOUTS);
	assert_int_equal(ledger_categorize("adjustment", "other_adjustment"),
	                 LEDGER_CAT_ADJUSTMENTS);
	assert_int_equal(ledger_categorize(NULL, NULL), LEDGER_CAT_ADJUSTMENTS);
}

static const struct ledger_currency *find(const struct ledger_statement *s, const char *c)
{
	for (size_t i = 0; i < s->n_currencies; i++)
		if (strcmp(s->currencies[i].currency, c) == 0)
			return &s->currencies[i];
	return NULL;
}

static void test_sums_and_balances(void **state)
{
	(void)state;
	make_cache(base_rows);
	struct ledger *l;
	assert_int_equal(ledger_open(unit_cache, &l), LEDGER_OK);
	struct ledger_statement *s;
	assert_int_equal(ledger_statement_load(l, DAY, DAY + 86400, NULL, &s), LEDGER_OK);
	assert_string_equal(s->account_id, "acct_1");
	assert_false(s->stale);
	assert_int_equal(s->n_currencies, 2);
	assert_string_equal(s->currencies[0].currency, "jpy"); /* lower-cased, sorted */
	const struct ledger_currency *u = find(s, "usd");
	assert_non_null(u);
	assert_int_equal(u->opening, 9680);
	assert_int_equal(u->cat[LEDGER_CAT_SALES].count, 1);
	assert_int_equal(u->cat[LEDGER_CAT_SALES].amount, 5000);
	assert_int_equal(u->cat[LEDGER_CAT_REFUNDS].amount, -1000);
	assert_int_equal(u->cat[LEDGER_CAT_DISPUTES].amount, -2000);
	assert_int_equal(u->cat[LEDGER_CAT_REVERSALS].amount, 2000);
	assert_int_equal(u->cat[LEDGER_CAT_ADJUSTMENTS].amount, 77);
	/* Fees: the fee transaction's -300 less 175 + 1500 - 1500 of fees on the others. */
	assert_int_equal(u->fees, -300 - 175);
	assert_int_equal(u->net_activity, 4825 - 1000 - 3500 + 3500 - 300 + 77);
	assert_int_equal(u->payouts_net, -9680);
	assert_int_equal(u->closing, 9680 + u->net_activity - 9680);
	assert_int_equal(u->items, 7);
	assert_int_equal(u->inconsistent, 0);
	/* The lines add up to the net activity. */
	assert_int_equal(u->cat[LEDGER_CAT_SALES].amount + u->cat[LEDGER_CAT_REFUNDS].amount +
	                         u->cat[LEDGER_CAT_DISPUTES].amount +
	                         u->cat[LEDGER_CAT_REVERSALS].amount +
	                         u->cat[LEDGER_CAT_ADJUSTMENTS].amount + u->fees,
	                 u->net_activity);
	const struct ledger_currency *j = find(s, "jpy");
	assert_int_equal(j->cat[LEDGER_CAT_SALES].net, 116000);
	ledger_statement_free(&s);
	assert_null(s);

	/* One currency, named in upper case. */
	assert_int_equal(ledger_statement_load(l, DAY, DAY + 86400, "JPY", &s), LEDGER_OK);
	assert_int_equal(s->n_currencies, 1);
	assert_string_equal(s->currencies[0].currency, "jpy");
	ledger_statement_free(&s);
	ledger_close(&l);
	assert_null(l);
}

static void test_reconciliation(void **state)
{
	(void)state;
	make_cache(base_rows);
	struct ledger *l;
	assert_int_equal(ledger_open(unit_cache, &l), LEDGER_OK);
	struct ledger_statement *s;
	/* The payouts were created on the 24th and arrive on the 25th: the 24th lists none. */
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(ledger_statement_load(l, DAY, DAY + 86400, "usd", &s), LEDGER_OK);
	assert_int_equal(s->currencies[0].n_payouts, 0);
	ledger_statement_free(&s);
	assert_int_equal(ledger_statement_load(l, DAY + 86400, DAY + 2 * 86400, "usd", &s),
	                 LEDGER_OK);
	const struct ledger_currency *u = &s->currencies[0];
	assert_int_equal(u->n_payouts, 3);
	assert_int_equal(u->payouts_arriving, 9680 + 3800 + 500);
	assert_string_equal(u->payouts[0].id, "po_a");
	assert_int_equal(u->payouts[0].recon, LEDGER_RECON_MATCH);
	assert_int_equal(u->payouts[0].txn_count, 1);
	/* po_b: 4825 - 1000 = 3825 against 3800. */
	assert_int_equal(u->payouts[1].recon, LEDGER_RECON_MISMATCH);
	assert_int_equal(u->payouts[1].txn_net, 3825);
	assert_int_equal(u->payouts[1].difference, -25);
	assert_int_equal(u->payouts[2].recon, LEDGER_RECON_UNKNOWN);
	assert_false(u->payouts[2].sync_complete);
	assert_int_equal(u->mismatches, 2);
	ledger_statement_free(&s);
	ledger_close(&l);
}

static void test_stale_and_inconsistent(void **state)
{
	(void)state;
	make_cache("INSERT INTO sync_state(resource, last_success) VALUES ('payouts', 1763990000);"
	           "INSERT INTO balance_transactions(id, created, amount, fee, net, currency, type)"
	           " VALUES ('x', 1763950000, 100, 10, 95, 'eur', 'charge');");
	struct ledger *l;
	assert_int_equal(ledger_open(unit_cache, &l), LEDGER_OK);
	struct ledger_statement *s;
	assert_int_equal(ledger_statement_load(l, DAY, DAY + 86400, NULL, &s), LEDGER_OK);
	assert_true(s->stale);
	assert_int_equal(s->last_sync, 1763990000);
	assert_int_equal(s->currencies[0].inconsistent, 1);
	assert_string_equal(s->account_id, "");
	ledger_statement_free(&s);
	ledger_close(&l);
}

static void test_overflow_and_failures(void **state)
{
	(void)state;
	make_cache("INSERT INTO balance_transactions(id, created, amount, fee, net, currency, type)"
	           " VALUES ('a', 1763950000, 9223372036854775000, 0, 9223372036854775000, 'usd',"
	           " 'charge'), ('b', 1763950001, 9223372036854775000, 0, 9223372036854775000,"
	           " 'usd', 'charge');");
	struct ledger *l;
	assert_int_equal(ledger_open(unit_cache, &l), LEDGER_OK);
	struct ledger_statement *s = (void *)1;
	assert_int_equal(ledger_statement_load(l, DAY, DAY + 86400, NULL, &s), LEDGER_OVERFLOW);
	assert_null(s);
	assert_int_equal(ledger_statement_load(l, DAY, DAY, NULL, &s), LEDGER_BAD_RANGE);
	ledger_close(&l);

	assert_int_equal(ledger_open("/nonexistent/dir/cache.db", &l), LEDGER_NO_CACHE);
	assert_null(l);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(unit_cache, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE payouts", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(ledger_open(unit_cache, &l), LEDGER_NOT_CACHE);
	assert_non_null(ledger_status_message(LEDGER_NOT_CACHE));
}

static int count_item(const struct ledger_item *it, void *ctx)
{
	(void)it;
	(*(int *)ctx)++;
	return 0;
}

/* A sync committing between the sums and the items pass does not split the statement. */
static void test_snapshot(void **state)
{
	(void)state;
	make_cache(base_rows);
	struct ledger *l;
	assert_int_equal(ledger_open(unit_cache, &l), LEDGER_OK);
	assert_int_equal(ledger_snapshot_begin(l), LEDGER_OK);
	struct ledger_statement *s;
	assert_int_equal(ledger_statement_load(l, DAY, DAY + 86400, "usd", &s), LEDGER_OK);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(unit_cache, &db), SQLITE_OK);
	assert_int_equal(
	        sqlite3_exec(db,
	                     "INSERT INTO balance_transactions(id, created, amount, fee, net,"
	                     " currency, type) VALUES ('late', 1763960000, 5, 0, 5, 'usd',"
	                     " 'charge')",
	                     NULL, NULL, NULL),
	        SQLITE_OK);
	int n = 0;
	assert_int_equal(ledger_items(l, "usd", DAY, DAY + 86400, 0, count_item, &n), LEDGER_OK);
	assert_int_equal(n, s->currencies[0].items);
	ledger_snapshot_end(l);
	n = 0;
	assert_int_equal(ledger_items(l, "usd", DAY, DAY + 86400, 0, count_item, &n), LEDGER_OK);
	assert_int_equal(n, s->currencies[0].items + 1);
	sqlite3_close(db);
	ledger_statement_free(&s);
	ledger_close(&l);
}

static void test_day_boundaries(void **state)
{
	(void)state;
	time_t a, b;
	assert_int_equal(statement_day_start("2026-03-08", "America/New_York", 0, &a), 0);
	assert_int_equal(statement_day_start("2026-03-08", "America/New_York", 1, &b), 0);
	assert_int_equal(b - a, 23 * 3600);
	assert_int_equal(a, 1772946000); /* 2026-03-08 00:00 EST */
	assert_int_equal(statement_day_start("2026-11-01", "America/New_York", 0, &a), 0);
	assert_int_equal(statement_day_start("2026-11-01", "America/New_York", 1, &b), 0);
	assert_int_equal(b - a, 25 * 3600);
	assert_int_equal(statement_day_start("2025-11-24", "Asia/Shanghai", 0, &a), 0);
	assert_int_equal(a, DAY - 8 * 3600);
	assert_int_equal(statement_day_start("2026-02-30", "UTC", 0, &a), -1);
	assert_int_equal(statement_day_start("2026-2-3", "UTC", 0, &a), -1);
	assert_int_equal(statement_day_start("2026-02-03x", "UTC", 0, &a), -1);
	assert_int_equal(statement_day_start(NULL, "UTC", 0, &a), -1);
}

/* The Settlements screen's daily summary and the statement of the same day say the same:
 * the same categories, and fees with the same sign (negative: what the platform took). */
static void test_daily_summary_is_the_statement(void **state)
{
	(void)state;
	make_cache(base_rows);
	setenv("TZ", "UTC", 1);
	tzset();
	char err[256];
	struct query *q = query_open(unit_cache, err, sizeof err);
	assert_non_null(q);
	struct query_day_row rows[16];
	int n = query_days_page(q, NULL, true, 16, rows);
	assert_true(n >= 3);
	struct ledger *l;
	assert_int_equal(ledger_open(unit_cache, &l), LEDGER_OK);
	int seen = 0;
	for (int i = 0; i < n; i++) {
		struct ledger_statement *s;
		assert_int_equal(ledger_statement_load(l, rows[i].day, rows[i].day + 86400,
		                                       rows[i].currency, &s),
		                 LEDGER_OK);
		const struct ledger_currency *c = &s->currencies[0];
		assert_int_equal(rows[i].sales, c->cat[LEDGER_CAT_SALES].amount);
		assert_int_equal(rows[i].refunds, c->cat[LEDGER_CAT_REFUNDS].amount);
		assert_int_equal(rows[i].disputes, c->cat[LEDGER_CAT_DISPUTES].amount +
		                                           c->cat[LEDGER_CAT_REVERSALS].amount);
		assert_int_equal(rows[i].fees, c->fees);
		assert_int_equal(rows[i].net, c->net_activity);
		assert_int_equal(rows[i].count, c->items - c->cat[LEDGER_CAT_PAYOUTS].count);
		if (rows[i].day == DAY && strcmp(rows[i].currency, "usd") == 0) {
			/* The 24th in USD: 175 charged on the sale, the fee transaction's 300. */
			assert_int_equal(rows[i].fees, -475);
			seen++;
		}
		ledger_statement_free(&s);
	}
	assert_int_equal(seen, 1);
	ledger_close(&l);
	query_close(&q);
}

static char *csv_of(const char *text, bool number)
{
	static char buf[256];
	FILE *f = fmemopen(buf, sizeof buf, "w");
	assert_non_null(f);
	statement_csv_cell(f, text, number);
	fclose(f);
	return buf;
}

static void test_csv_cells(void **state)
{
	(void)state;
	assert_string_equal(csv_of("=1+1", false), "\"'=1+1\"");
	assert_string_equal(csv_of("+cmd", false), "\"'+cmd\"");
	assert_string_equal(csv_of("-2+3", false), "\"'-2+3\"");
	assert_string_equal(csv_of("@SUM(A1)", false), "\"'@SUM(A1)\"");
	assert_string_equal(csv_of("-12.50", true), "-12.50");
	assert_string_equal(csv_of("a,b", false), "\"a,b\"");
	assert_string_equal(csv_of("say \"hi\"", false), "\"say \"\"hi\"\"\"");
	assert_string_equal(csv_of("line\nbreak", false), "\"line\nbreak\"");
	assert_string_equal(csv_of("plain", false), "plain");
}

/* The statement's fast formatter writes exactly what money_format writes. */
static void test_fast_money(void **state)
{
	(void)state;
	static const char *const locales[] = {"C",           "en_US.UTF-8", "zh_CN.UTF-8",
	                                      "de_DE.UTF-8", "fr_FR.UTF-8", "ja_JP.UTF-8"};
	static const char *const currencies[] = {"usd", "jpy", "kwd", "eur", "cny", "krw"};
	static const int64_t fixed[] = {
	        0,    1,    -1,     9,       10,        99,        100,       999,
	        1000, 1001, 123456, -123456, 999999999, INT64_MAX, INT64_MIN, INT64_MIN + 1};
	uint64_t x = 88172645463325252ull;
	for (size_t li = 0; li < sizeof locales / sizeof *locales; li++) {
		const struct money_locale *loc = money_locale_get(locales[li]);
		for (size_t ci = 0; ci < sizeof currencies / sizeof *currencies; ci++) {
			struct statement_money m;
			statement_money_init(&m, currencies[ci], loc);
			assert_true(m.ready);
			for (int i = 0; i < 2000; i++) {
				int64_t v;
				if (i < (int)(sizeof fixed / sizeof *fixed)) {
					v = fixed[i];
				} else {
					x ^= x << 13, x ^= x >> 7, x ^= x << 17;
					v = (int64_t)(x >> (x % 60));
					if (x & 1)
						v = -v;
				}
				char want[128], got[128];
				assert_true(money_format(v, currencies[ci], loc, MONEY_FMT_NUMBER,
				                         want, sizeof want) > 0);
				statement_money_format(&m, v, got, sizeof got);
				assert_string_equal(got, want);
				assert_int_equal(statement_money_put(&m, v, got, sizeof got),
				                 strlen(want));
				assert_string_equal(got, want);
			}
		}
	}
}

/* Display columns of UTF-8 text where CJK ideographs take two. */
/* A statement of the test day in UTC, as a clerk would make it. */
static struct statement_options day_options(void)
{
	struct statement_options opt = {.from = DAY,
	                                .to = DAY + 86400,
	                                .timezone = "UTC",
	                                .operator_name = "clerk",
	                                .generated_at = 1764115200,
	                                .single_day = true};
	return opt;
}

static int columns(const char *s)
{
	int w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xc0) == 0x80)
			continue;
		w += *p >= 0xe3 && *p <= 0xe9 ? 2 : 1;
	}
	return w;
}

/* A payout's arrival is a date: the payouts of a local day are those whose arrival date is
 * that calendar day, in any time zone (Stripe gives the day as its 00:00 UTC). */
static void test_arrival_days(void **state)
{
	(void)state;
	static const struct {
		const char *tz;
		const char *date;
	} cases[] = {{"UTC", "2025-11-24"},
	             {"Asia/Shanghai", "2025-11-24"},
	             {"America/Los_Angeles", "2025-11-24"},
	             {"Pacific/Kiritimati", "2025-11-24"},
	             {"America/New_York", "2026-03-08"}};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		time_t from, to, af, at;
		assert_int_equal(statement_day_start(cases[i].date, cases[i].tz, 0, &from), 0);
		assert_int_equal(statement_day_start(cases[i].date, cases[i].tz, 1, &to), 0);
		setenv("TZ", cases[i].tz, 1);
		tzset();
		ledger_arrival_days(from, to, &af, &at);
		char day[16];
		statement_arrival_day(af, day, sizeof day);
		assert_string_equal(day, cases[i].date);
		assert_int_equal(af % 86400, 0);
		assert_int_equal(at - af, 86400);
	}
	/* A week: seven arrival days. */
	time_t from, to, af, at;
	assert_int_equal(statement_day_start("2025-11-17", "Asia/Shanghai", 0, &from), 0);
	assert_int_equal(statement_day_start("2025-11-23", "Asia/Shanghai", 1, &to), 0);
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	ledger_arrival_days(from, to, &af, &at);
	assert_int_equal(af, DAY - 7 * 86400);
	assert_int_equal(at, DAY);
	setenv("TZ", "UTC", 1);
	tzset();

	/* In Los Angeles a payout arriving on the 25th (00:00 UTC, the 24th at 16:00 local) is
	 * on the statement of the 25th, not the 24th. */
	make_cache(base_rows);
	struct ledger *l;
	assert_int_equal(ledger_open(unit_cache, &l), LEDGER_OK);
	struct statement_options opt = day_options();
	opt.timezone = "America/Los_Angeles";
	struct statement *st;
	char err[256];
	for (int d = 24; d <= 25; d++) {
		char date[16];
		snprintf(date, sizeof date, "2025-11-%d", d);
		assert_int_equal(statement_day_start(date, opt.timezone, 0, &opt.from), 0);
		assert_int_equal(statement_day_start(date, opt.timezone, 1, &opt.to), 0);
		assert_int_equal(statement_build(l, &opt, &st, err, sizeof err), 0);
		size_t n = 0;
		for (size_t i = 0; i < st->data->n_currencies; i++)
			n += st->data->currencies[i].n_payouts;
		assert_int_equal(n, d == 25 ? 3 : 0);
		statement_free(&st);
	}
	ledger_close(&l);
}

struct refs {
	char text[512];
};

static int collect_ref(const struct ledger_item *it, void *ctx)
{
	struct refs *r = ctx;
	size_t n = strlen(r->text);
	snprintf(r->text + n, sizeof r->text - n, "%s=%s;", it->id, it->order_ref);
	return 0;
}

/* A line's order number: its charge's, or that of the charge a refund or dispute is on; the
 * same from the kept items and from a query; none without the orders tables. */
static void test_order_numbers(void **state)
{
	(void)state;
	make_cache("INSERT INTO orders(id, created, amount, currency, status, platform_status,"
	           " order_ref) VALUES ('ch_1', 1763950000, 1000, 'usd', 'paid', 'succeeded',"
	           " 'ORD-1'), ('ch_2', 1763950000, 2000, 'usd', 'paid', 'succeeded', NULL);"
	           "INSERT INTO refunds(id, created, order_id, amount, currency, status) VALUES"
	           " ('re_1', 1763950100, 'ch_1', 300, 'usd', 'succeeded');"
	           "INSERT INTO disputes(id, created, order_id, amount, currency, status) VALUES"
	           " ('du_1', 1763950200, 'ch_1', 700, 'usd', 'lost');"
	           "INSERT INTO balance_transactions(id, created, amount, fee, net, currency, type,"
	           " reporting_category, source) VALUES"
	           " ('t1', 1763950000, 1000, 59, 941, 'usd', 'charge', 'charge', 'ch_1'),"
	           " ('t2', 1763950001, 2000, 88, 1912, 'usd', 'charge', 'charge', 'ch_2'),"
	           " ('t3', 1763950100, -300, 0, -300, 'usd', 'refund', 'refund', 're_1'),"
	           " ('t4', 1763950200, -700, 1500, -2200, 'usd', 'adjustment', 'dispute', 'du_1'),"
	           " ('t5', 1763950300, -50, 0, -50, 'usd', 'stripe_fee', 'fee', NULL);");
	const char *want = "t1=ORD-1;t2=;t3=ORD-1;t4=ORD-1;t5=;";
	struct ledger *l;
	assert_int_equal(ledger_open(unit_cache, &l), LEDGER_OK);
	struct refs r = {""};
	assert_int_equal(ledger_items(l, NULL, DAY, DAY + 86400,
	                              LEDGER_ITEMS_BRIEF | LEDGER_ITEMS_ORDER, collect_ref, &r),
	                 LEDGER_OK);
	assert_string_equal(r.text, want);
	/* Without the flag: none asked, none given. */
	r.text[0] = '\0';
	assert_int_equal(ledger_items(l, NULL, DAY, DAY + 86400, 0, collect_ref, &r), LEDGER_OK);
	assert_string_equal(r.text, "t1=;t2=;t3=;t4=;t5=;");

	struct statement_options opt = day_options();
	opt.keep_items = true;
	struct statement *st;
	char err[256];
	/* Kept without their order numbers: the statement asks the cache for them. */
	assert_int_equal(statement_build(l, &opt, &st, err, sizeof err), 0);
	assert_int_equal(ledger_statement_items(st->data, NULL,
	                                        LEDGER_ITEMS_BRIEF | LEDGER_ITEMS_ORDER,
	                                        collect_ref, &r),
	                 LEDGER_BAD_RANGE);
	r.text[0] = '\0';
	assert_int_equal(
	        statement_items(st, NULL, LEDGER_ITEMS_BRIEF | LEDGER_ITEMS_ORDER, collect_ref, &r),
	        LEDGER_OK);
	assert_string_equal(r.text, want);
	statement_free(&st);
	opt.keep_orders = true;
	assert_int_equal(statement_build(l, &opt, &st, err, sizeof err), 0);
	r.text[0] = '\0';
	assert_int_equal(ledger_statement_items(st->data, NULL,
	                                        LEDGER_ITEMS_BRIEF | LEDGER_ITEMS_ORDER,
	                                        collect_ref, &r),
	                 LEDGER_OK);
	assert_string_equal(r.text, want);
	statement_free(&st);
	ledger_close(&l);

	/* A cache without the orders: lines without order numbers, and no failure. */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(unit_cache, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE disputes", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(ledger_open(unit_cache, &l), LEDGER_OK);
	assert_int_equal(statement_build(l, &opt, &st, err, sizeof err), 0);
	r.text[0] = '\0';
	assert_int_equal(statement_items(st, NULL, LEDGER_ITEMS_ORDER, collect_ref, &r), LEDGER_OK);
	assert_string_equal(r.text, "t1=;t2=;t3=;t4=;t5=;");
	statement_free(&st);
	ledger_close(&l);
}

/* A source of lines other than the cache (as a platform's daily bills will be): figures
 * made here, lines from an array; the writers print them without a ledger. */
static const struct ledger_item other_lines[] = {
        {.id = "bill-1",
         .order_ref = "ORD-9",
         .currency = "cny",
         .created = DAY + 3600,
         .amount = 10000,
         .fee = 60,
         .net = 9940,
         .category = LEDGER_CAT_SALES},
        {.id = "bill-2",
         .order_ref = "",
         .currency = "cny",
         .created = DAY + 7200,
         .amount = -2000,
         .fee = 0,
         .net = -2000,
         .category = LEDGER_CAT_REFUNDS},
};

static enum ledger_status other_items(void *ctx, const struct ledger_statement *data,
                                      const char *currency, unsigned flags, ledger_item_fn *fn,
                                      void *fn_ctx)
{
	(void)data;
	(void)flags;
	int *calls = ctx;
	(*calls)++;
	for (size_t i = 0; i < sizeof other_lines / sizeof *other_lines; i++) {
		struct ledger_item it = other_lines[i];
		it.type = it.reporting_category = it.source = it.description = it.payout_id =
		        it.status = "";
		if (currency && strcmp(currency, it.currency) != 0)
			continue;
		if (fn(&it, fn_ctx) != 0)
			return LEDGER_STOPPED;
	}
	return LEDGER_OK;
}

static void test_other_source(void **state)
{
	(void)state;
	struct ledger_statement *data = calloc(1, sizeof *data);
	assert_non_null(data);
	data->from = DAY;
	data->to = DAY + 86400;
	data->arrival_from = DAY;
	data->arrival_to = DAY + 86400;
	data->last_sync = DAY + 86400;
	data->account_id = strdup("1900000001");
	data->account_name = strdup("微信支付商户");
	data->currencies = calloc(1, sizeof *data->currencies);
	assert_non_null(data->currencies);
	data->n_currencies = 1;
	struct ledger_currency *c = &data->currencies[0];
	memcpy(c->currency, "cny", 4);
	c->cat[LEDGER_CAT_SALES] = (struct ledger_sum){1, 10000, 60, 9940};
	c->cat[LEDGER_CAT_REFUNDS] = (struct ledger_sum){1, -2000, 0, -2000};
	c->fees = -60;
	c->net_activity = 9940 - 2000;
	c->closing = c->net_activity;
	c->items = 2;
	int calls = 0;
	struct statement_source source = {other_items, NULL, &calls};
	struct statement_options opt = day_options();
	opt.timezone = "Asia/Shanghai";
	struct statement *st;
	char err[256];
	assert_int_equal(statement_build_from(&source, &data, &opt, &st, err, sizeof err), 0);
	assert_null(data);
	char path[300];
	snprintf(path, sizeof path, "%s.json", unit_cache);
	assert_int_equal(statement_save(st, STATEMENT_JSON, path, err, sizeof err), 0);
	char text[8192];
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	assert_non_null(strstr(text, "\"id\":\"bill-1\""));
	assert_non_null(strstr(text, "\"order\":\"ORD-9\""));
	assert_non_null(strstr(text, "\"fees_total\":-60"));
	unlink(path);
	snprintf(path, sizeof path, "%s.pdf", unit_cache);
	assert_int_equal(statement_save(st, STATEMENT_PDF, path, err, sizeof err), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_true(fread(text, 1, 5, f) == 5 && memcmp(text, "%PDF-", 5) == 0);
	fclose(f);
	unlink(path);
	/* JSON once, the PDF twice (its columns, then its rows): every line came from it. */
	assert_int_equal(calls, 3);
	statement_free(&st);
}

static void test_text_width_and_pages(void **state)
{
	(void)state;
	make_cache(base_rows);
	struct ledger *l;
	assert_int_equal(ledger_open(unit_cache, &l), LEDGER_OK);
	/* The day the payouts arrive. */
	struct statement_options opt = day_options();
	opt.from += 86400;
	opt.to += 86400;
	struct statement *st;
	char err[256];
	assert_int_equal(statement_build(l, &opt, &st, err, sizeof err), 0);
	struct statement_doc doc;
	assert_int_equal(statement_doc_build(st, 20, &doc, err, sizeof err), 0);
	assert_true(doc.n_pages >= 3);
	bool seen_mismatch = false, seen_name = false;
	for (size_t i = 0; i < doc.n_lines; i++) {
		const char *line = statement_doc_line(&doc, i);
		assert_true(columns(line) <= STATEMENT_WIDTH);
		seen_mismatch |= strstr(line, "MISMATCH: its 2 transactions sum to 38.25") != NULL;
		seen_name |= strstr(line, "测试商店 Test Shop (acct_1)") != NULL;
	}
	assert_true(seen_mismatch);
	assert_true(seen_name);
	for (size_t p = 0; p < doc.n_pages; p++) {
		size_t count;
		statement_doc_page(&doc, p, &count);
		assert_true(count <= 18);
	}
	char footer[256];
	statement_doc_footer(&doc, 1, footer, sizeof footer);
	assert_non_null(strstr(footer, "Operator: clerk"));
	assert_non_null(strstr(footer, "Page 2 of "));
	assert_int_equal(columns(footer), STATEMENT_WIDTH);
	statement_doc_clear(&doc);
	statement_free(&st);
	ledger_close(&l);
}

/* Item lines: whatever path lays them out (plain ASCII cells, or cell by cell for ids that
 * are cut, sanitized or CJK), every line of a section ends at column 80, and the items
 * kept from the summing pass give the same text as a second query. */
static void test_item_lines(void **state)
{
	(void)state;
	make_cache("INSERT INTO meta VALUES ('account_name', 'Shop');"
	           "INSERT INTO balance_transactions(id, created, amount, fee, net, currency, type,"
	           " reporting_category) VALUES"
	           " ('txn_plain', 1763950000, 123456, 3610, 119846, 'usd', 'charge', 'charge'),"
	           " ('txn_0123456789abcdefghijklmnopqrstuvwxyz', 1763950060, -500, 0, -500, 'usd',"
	           "  'refund', 'refund'),"
	           " ('txn_' || char(27) || '[2J_esc', 1763950120, 700, 50, 650, 'usd', 'charge',"
	           "  'charge'),"
	           " ('txn_订单_1', 1763950180, 800, 0, 800, 'usd', 'charge', 'charge'),"
	           " ('txn_é', 1763950240, 900, 0, 900, 'usd', 'transfer', 'transfer');");
	struct ledger *l;
	assert_int_equal(ledger_open(unit_cache, &l), LEDGER_OK);
	struct statement_options opt = day_options();
	struct statement *st, *kept;
	char err[256];
	assert_int_equal(statement_build(l, &opt, &st, err, sizeof err), 0);
	opt.keep_items = true;
	assert_int_equal(statement_build(l, &opt, &kept, err, sizeof err), 0);
	struct statement_doc doc, doc_kept;
	assert_int_equal(statement_doc_build(st, 0, &doc, err, sizeof err), 0);
	assert_int_equal(statement_doc_build(kept, 0, &doc_kept, err, sizeof err), 0);
	assert_int_equal(doc.n_lines, doc_kept.n_lines);
	size_t items = 0, first = doc.n_lines;
	for (size_t i = 0; i < doc.n_lines; i++) {
		const char *line = statement_doc_line(&doc, i);
		assert_string_equal(line, statement_doc_line(&doc_kept, i));
		if (strncmp(line, "Time  Type ", 11) == 0)
			first = i + 1;
		if (i >= first && line[0]) {
			assert_int_equal(columns(line), STATEMENT_WIDTH);
			assert_null(strchr(line, 27));
			items++;
		}
	}
	assert_int_equal(items, 5);
	bool cut = false, cjk = false;
	for (size_t i = first; i < doc.n_lines; i++) {
		const char *line = statement_doc_line(&doc, i);
		const char *ell = strstr(line, "\xe2\x80\xa6");
		cut |= strstr(line, "txn_0123456789") != NULL && ell && ell[3] == ' ';
		cjk |= strstr(line, "txn_订单_1 ") != NULL;
	}
	assert_true(cut);
	assert_true(cjk);
	/* A fee reads as what it takes: amount, -fee, net. */
	bool fee_sign = false;
	for (size_t i = first; i < doc.n_lines; i++)
		fee_sign |= strstr(statement_doc_line(&doc, i), " 1,234.56    -36.10  1,198.46") !=
		            NULL;
	assert_true(fee_sign);
	statement_doc_clear(&doc);
	statement_doc_clear(&doc_kept);
	statement_free(&st);
	statement_free(&kept);
	ledger_close(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_categories),
	        cmocka_unit_test_teardown(test_sums_and_balances, teardown),
	        cmocka_unit_test_teardown(test_reconciliation, teardown),
	        cmocka_unit_test_teardown(test_stale_and_inconsistent, teardown),
	        cmocka_unit_test_teardown(test_overflow_and_failures, teardown),
	        cmocka_unit_test_teardown(test_snapshot, teardown),
	        cmocka_unit_test(test_day_boundaries),
	        cmocka_unit_test_teardown(test_arrival_days, teardown),
	        cmocka_unit_test_teardown(test_daily_summary_is_the_statement, teardown),
	        cmocka_unit_test_teardown(test_order_numbers, teardown),
	        cmocka_unit_test_teardown(test_other_source, teardown),
	        cmocka_unit_test(test_csv_cells),
	        cmocka_unit_test(test_fast_money),
	        cmocka_unit_test_teardown(test_text_width_and_pages, teardown),
	        cmocka_unit_test_teardown(test_item_lines, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
