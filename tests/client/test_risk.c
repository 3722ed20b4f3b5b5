/* The risk rules over a real cache (made by the client's own cache_open, rows inserted as a
 * sync leaves them): for every rule, data that triggers it and data that does not; the
 * dispute ratio's warning before the threshold and its monitoring threshold crossed; the
 * settings as a profile writes them, and their refusals. */
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

#include "client/client.h"
#include "client/risk.h"

/* 2026-09-21 14:13:20 UTC */
#define NOW 1790000000LL
#define MIN 60LL
#define DAY 86400LL

static char dir[256];
static char path[320];
static sqlite3 *db;
static struct risk_settings settings;
static struct risk_findings found;

static int setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	snprintf(dir, sizeof dir, "%s/paydesk-risk.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A fresh cache per test, open for the test's inserts. */
static int fresh(void **state)
{
	(void)state;
	static int n;
	snprintf(path, sizeof path, "%s/c%d.db", dir, ++n);
	char err[512];
	struct cache *c = cache_open(path, err, sizeof err);
	if (!c)
		return -1;
	cache_close(&c);
	memset(&settings, 0, sizeof settings);
	risk_findings_free(&found);
	return sqlite3_open(path, &db) == SQLITE_OK ? 0 : -1;
}

static int done(void **state)
{
	(void)state;
	sqlite3_close(db);
	db = NULL;
	risk_findings_free(&found);
	return 0;
}

static void exec(const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, err ? err : "?");
}

/* One order as a sync stores it; NULL columns where the platform has none. */
struct order {
	const char *id;
	long long created;
	long long amount;
	const char *currency;
	const char *platform_status; /* succeeded, failed, pending */
	const char *brand, *last4;
	int exp_month, exp_year;
	const char *risk_level;
	const char *email;
	const char *raw;
};

static void insert(const struct order *o)
{
	sqlite3_stmt *st;
	assert_int_equal(
	        sqlite3_prepare_v2(db,
	                           "INSERT INTO orders(id, created, amount, currency, status,"
	                           " platform_status, card_brand, card_last4, card_exp_month,"
	                           " card_exp_year, risk_level, customer_email, raw)"
	                           " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
	                           -1, &st, NULL),
	        SQLITE_OK);
	const char *ps = o->platform_status ? o->platform_status : "succeeded";
	sqlite3_bind_text(st, 1, o->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, o->created);
	sqlite3_bind_int64(st, 3, o->amount ? o->amount : 1000);
	sqlite3_bind_text(st, 4, o->currency ? o->currency : "usd", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, strcmp(ps, "succeeded") == 0 ? "paid" : ps, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, ps, -1, SQLITE_STATIC);
	if (o->brand)
		sqlite3_bind_text(st, 7, o->brand, -1, SQLITE_STATIC);
	if (o->last4)
		sqlite3_bind_text(st, 8, o->last4, -1, SQLITE_STATIC);
	if (o->exp_month)
		sqlite3_bind_int(st, 9, o->exp_month);
	if (o->exp_year)
		sqlite3_bind_int(st, 10, o->exp_year);
	if (o->risk_level)
		sqlite3_bind_text(st, 11, o->risk_level, -1, SQLITE_STATIC);
	if (o->email)
		sqlite3_bind_text(st, 12, o->email, -1, SQLITE_STATIC);
	if (o->raw)
		sqlite3_bind_text(st, 13, o->raw, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/* n plain orders of a brand, ids prefix-0..., one every `step` seconds back from `from`. */
static void orders_of(const char *prefix, int n, long long from, long long step, const char *brand)
{
	exec("BEGIN");
	for (int i = 0; i < n; i++) {
		char id[64], last4[8];
		snprintf(id, sizeof id, "%s%d", prefix, i);
		snprintf(last4, sizeof last4, "%04d", i % 10000);
		struct order o = {.id = id,
		                  .created = from - i * step,
		                  .amount = 1000 + i % 50,
		                  .brand = brand,
		                  .last4 = last4,
		                  .exp_month = 1 + i % 12,
		                  .exp_year = 2030};
		insert(&o);
	}
	exec("COMMIT");
}

static void dispute(const char *id, const char *order_id, long long created, const char *status)
{
	char sql[400];
	snprintf(sql, sizeof sql,
	         "INSERT INTO disputes(id, created, order_id, amount, currency, status, reason)"
	         " VALUES ('%s', %lld, '%s', 1000, 'usd', '%s', 'fraudulent')",
	         id, created, order_id, status);
	exec(sql);
}

static void refund(const char *id, const char *order_id, long long created, long long amount,
                   const char *status)
{
	char sql[400];
	snprintf(sql, sizeof sql,
	         "INSERT INTO refunds(id, created, order_id, amount, currency, status)"
	         " VALUES ('%s', %lld, '%s', %lld, 'usd', '%s')",
	         id, created, order_id, amount, status);
	exec(sql);
}

/* Runs the rules on a read-only connection, as the screens and the command do. */
static void run(void)
{
	sqlite3 *ro;
	assert_int_equal(sqlite3_open_v2(path, &ro, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	char err[512] = "";
	int n = risk_run(ro, &settings, (time_t)NOW, &found, err, sizeof err);
	if (n < 0)
		fail_msg("risk_run: %s", err);
	sqlite3_close(ro);
}

static int count_of(const char *rule)
{
	int n = 0;
	for (int i = 0; i < found.n; i++)
		n += strcmp(found.items[i].rule, rule) == 0;
	return n;
}

static const struct risk_finding *first_of(const char *rule)
{
	for (int i = 0; i < found.n; i++)
		if (strcmp(found.items[i].rule, rule) == 0)
			return &found.items[i];
	fail_msg("no finding of %s", rule);
	return NULL;
}

static void set(const char *key, const char *value)
{
	char why[1400];
	if (risk_setting_parse(&settings, key, value, why, sizeof why) != 1)
		fail_msg("%s = %s: %s", key, value, why);
}

/* ---- The dispute ratio ---- */

static void test_dispute_ratio_visa(void **state)
{
	(void)state;
	/* 100 Visa payments this month, 2 disputes: 2.00%, over VAMP's 1.50%. */
	orders_of("v", 100, NOW - MIN, 600, "visa");
	dispute("dp_1", "v1", NOW - 10 * MIN, "needs_response");
	dispute("dp_2", "v2", NOW - 20 * MIN, "lost");
	/* An inquiry is no chargeback. */
	dispute("dp_3", "v3", NOW - 30 * MIN, "warning_needs_response");
	run();
	assert_int_equal(count_of("dispute_ratio"), 1);
	const struct risk_finding *f = first_of("dispute_ratio");
	/* Above the ratio, but far from the program's 1,501 disputes: a warning. */
	assert_int_equal(f->severity, RISK_WARN);
	assert_false(f->crosses_threshold);
	assert_false(risk_findings_cross(&found));
	assert_string_equal(f->order_id, "");
	assert_non_null(strstr(f->reason, "2 disputes on 100 payments"));
	assert_non_null(strstr(f->reason, "2.00%"));
	assert_non_null(strstr(f->reason, "1.50%"));
	assert_non_null(strstr(f->reason, "1501"));

	/* With the profile's minimum at 2 disputes, the threshold is crossed. */
	set("risk_dispute_count_visa", "2");
	run();
	f = first_of("dispute_ratio");
	assert_int_equal(f->severity, RISK_ALERT);
	assert_true(f->crosses_threshold);
	assert_true(risk_findings_cross(&found));
	/* ... and not with a higher ratio set in the profile. */
	set("risk_dispute_ratio_visa", "3%");
	run();
	assert_int_equal(count_of("dispute_ratio"), 0);
	assert_false(risk_findings_cross(&found));
}

static void test_dispute_ratio_warns_before(void **state)
{
	(void)state;
	/* 1 dispute on 80 payments: 1.25%, past 75% of 1.50% (1.125%) and below it. */
	orders_of("v", 80, NOW - MIN, 600, "visa");
	dispute("dp_1", "v1", NOW - 10 * MIN, "needs_response");
	set("risk_dispute_count_visa", "1");
	run();
	assert_int_equal(count_of("dispute_ratio"), 1);
	const struct risk_finding *f = first_of("dispute_ratio");
	assert_int_equal(f->severity, RISK_WARN);
	assert_false(f->crosses_threshold);
	assert_non_null(strstr(f->reason, "1.25%"));
	assert_non_null(strstr(f->reason, "nearing"));
	/* Warned from 90% of the threshold on, 1.25% is not yet worth a word. */
	set("risk_dispute_warn_at", "90%");
	run();
	assert_int_equal(count_of("dispute_ratio"), 0);
}

static void test_dispute_ratio_below(void **state)
{
	(void)state;
	/* 1 dispute on 100: 1.00%, below 75% of the threshold. */
	orders_of("v", 100, NOW - MIN, 600, "visa");
	dispute("dp_1", "v1", NOW - 10 * MIN, "needs_response");
	set("risk_dispute_count_visa", "1");
	run();
	assert_int_equal(count_of("dispute_ratio"), 0);
}

static void test_dispute_ratio_mastercard_month_before(void **state)
{
	(void)state;
	/* Mastercard divides this month's chargebacks by last month's payments: 100 payments
	 * in August, 2 chargebacks in September on this month's orders. */
	orders_of("aug", 100, NOW - 25 * DAY, 600, "mastercard");
	orders_of("sep", 5, NOW - MIN, 600, "mastercard");
	dispute("dp_1", "sep1", NOW - 10 * MIN, "needs_response");
	dispute("dp_2", "sep2", NOW - 20 * MIN, "needs_response");
	set("risk_dispute_count_mastercard", "2");
	run();
	assert_int_equal(count_of("dispute_ratio"), 1);
	const struct risk_finding *f = first_of("dispute_ratio");
	assert_true(f->crosses_threshold);
	assert_non_null(strstr(f->reason, "2 chargebacks on 100 payments of the month before"));
}

static void test_dispute_ratio_from_sums(void **state)
{
	(void)state;
	/* August's 150 Mastercard payments folded into the cache's sums per quarter hour;
	 * then 30 more in quarters already folded and one of the first failed, both only marked
	 * (as between a sync's store and its fold): the month before counts 179. */
	orders_of("aug", 150, NOW - 25 * DAY, 600, "mastercard");
	assert_int_equal(cache_insights_fold(db), SQLITE_OK);
	orders_of("late", 30, NOW - 25 * DAY - 300, 600, "mastercard");
	exec("UPDATE orders SET platform_status = 'failed' WHERE id = 'aug7'");
	orders_of("sep", 3, NOW - MIN, 600, "mastercard");
	dispute("dp_1", "sep0", NOW - 10 * MIN, "needs_response");
	dispute("dp_2", "sep1", NOW - 20 * MIN, "needs_response");
	dispute("dp_3", "sep2", NOW - 30 * MIN, "needs_response");
	set("risk_dispute_count_mastercard", "2");
	run();
	assert_int_equal(count_of("dispute_ratio"), 1);
	assert_non_null(strstr(first_of("dispute_ratio")->reason,
	                       "3 chargebacks on 179 payments of the month before"));
	/* Folded, the same. */
	assert_int_equal(cache_insights_fold(db), SQLITE_OK);
	run();
	assert_int_equal(count_of("dispute_ratio"), 1);
	assert_non_null(strstr(first_of("dispute_ratio")->reason,
	                       "3 chargebacks on 179 payments of the month before"));
}

static void test_dispute_ratio_mastercard_no_month_before(void **state)
{
	(void)state;
	/* The same chargebacks with no payments the month before: no ratio to speak of (the
	 * same month's 5 payments are not the program's denominator). */
	orders_of("sep", 5, NOW - MIN, 600, "mastercard");
	dispute("dp_1", "sep1", NOW - 10 * MIN, "needs_response");
	dispute("dp_2", "sep2", NOW - 20 * MIN, "needs_response");
	set("risk_dispute_count_mastercard", "2");
	run();
	assert_int_equal(count_of("dispute_ratio"), 0);
}

/* ---- The platform's own rating ---- */

static void test_platform_risk(void **state)
{
	(void)state;
	struct order orders[] = {
	        {.id = "ch_high",
	         .created = NOW - DAY,
	         .risk_level = "highest",
	         .raw = "{\"outcome\":{\"seller_message\":\"Payment complete.\"}}"},
	        {.id = "ch_elev", .created = NOW - 2 * DAY, .risk_level = "elevated"},
	        {.id = "ch_block",
	         .created = NOW - 3 * DAY,
	         .risk_level = "highest",
	         .platform_status = "failed"},
	        {.id = "ch_norm", .created = NOW - DAY, .risk_level = "normal"},
	        {.id = "ch_old", .created = NOW - 40 * DAY, .risk_level = "highest"},
	};
	for (size_t i = 0; i < sizeof orders / sizeof *orders; i++)
		insert(&orders[i]);
	run();
	assert_int_equal(count_of("platform_risk"), 3);
	const struct risk_finding *f = first_of("platform_risk");
	/* The paid one of the highest risk comes first, as an alert. */
	assert_string_equal(f->order_id, "ch_high");
	assert_int_equal(f->severity, RISK_ALERT);
	assert_true(f->has_amount);
	assert_int_equal(f->amount, 1000);
	assert_string_equal(f->currency, "usd");
	assert_non_null(strstr(f->reason, "highest"));
	assert_non_null(strstr(f->reason, "Payment complete."));
	for (int i = 0; i < found.n; i++) {
		assert_string_not_equal(found.items[i].order_id, "ch_norm");
		assert_string_not_equal(found.items[i].order_id, "ch_old");
		if (!strcmp(found.items[i].order_id, "ch_block")) {
			assert_int_equal(found.items[i].severity, RISK_WARN);
			assert_non_null(strstr(found.items[i].reason, "refused"));
		}
	}
}

static void test_truncated(void **state)
{
	(void)state;
	/* More risky payments than a rule reports: the most recent are kept, and it says so. */
	exec("BEGIN");
	for (int i = 0; i < 205; i++) {
		char id[32];
		snprintf(id, sizeof id, "ch_r%03d", i);
		struct order o = {.id = id, .created = NOW - 1000 - i, .risk_level = "elevated"};
		insert(&o);
	}
	exec("COMMIT");
	run();
	assert_int_equal(count_of("platform_risk"), 200);
	assert_true(found.truncated);
	assert_string_equal(first_of("platform_risk")->order_id, "ch_r000");
	for (int i = 0; i < found.n; i++)
		assert_string_not_equal(found.items[i].order_id, "ch_r204");
}

/* ---- Velocity ---- */

static void card_attempts(const char *prefix, int n, long long step, const char *status,
                          int exp_year)
{
	for (int i = 0; i < n; i++) {
		char id[32];
		snprintf(id, sizeof id, "%s%d", prefix, i);
		struct order o = {.id = id,
		                  .created = NOW - DAY + i * step,
		                  .platform_status = status,
		                  .brand = "visa",
		                  .last4 = "4242",
		                  .exp_month = 12,
		                  .exp_year = exp_year};
		insert(&o);
	}
}

static void test_card_velocity(void **state)
{
	(void)state;
	/* Five payments with one card in 40 minutes. */
	card_attempts("ch_a", 5, 10 * MIN, NULL, 2030);
	run();
	assert_int_equal(count_of("card_velocity"), 1);
	const struct risk_finding *f = first_of("card_velocity");
	assert_int_equal(f->severity, RISK_WARN);
	assert_string_equal(f->order_id, "ch_a4");
	assert_non_null(strstr(f->reason, "5 attempts within 60 minutes"));
	assert_non_null(strstr(f->reason, "4242"));
	assert_non_null(strstr(f->reason, "12/2030"));
}

static void test_card_velocity_failures(void **state)
{
	(void)state;
	/* Three declines in 10 minutes: card testing, an alert. */
	card_attempts("ch_f", 3, 5 * MIN, "failed", 2030);
	run();
	assert_int_equal(count_of("card_velocity"), 1);
	const struct risk_finding *f = first_of("card_velocity");
	assert_int_equal(f->severity, RISK_ALERT);
	assert_non_null(strstr(f->reason, "3 of them failed"));
}

static void test_card_velocity_quiet(void **state)
{
	(void)state;
	/* Five payments two hours apart; and four cards that differ in their expiry only. */
	card_attempts("ch_s", 5, 120 * MIN, NULL, 2030);
	for (int y = 0; y < 4; y++) {
		char prefix[16];
		snprintf(prefix, sizeof prefix, "ch_y%d_", y);
		card_attempts(prefix, 1, MIN, "failed", 2031 + y);
	}
	run();
	assert_int_equal(count_of("card_velocity"), 0);
	/* A narrower profile window keeps the burst below too. */
	card_attempts("ch_b", 5, 10 * MIN, NULL, 2040);
	set("risk_card_window", "30");
	run();
	assert_int_equal(count_of("card_velocity"), 0);
}

static void test_customer_velocity(void **state)
{
	(void)state;
	/* One customer object behind five emails; another customer by email only. */
	for (int i = 0; i < 5; i++) {
		char id[32], email[64];
		snprintf(id, sizeof id, "ch_c%d", i);
		snprintf(email, sizeof email, "buyer%d@example.com", i);
		struct order o = {.id = id,
		                  .created = NOW - DAY + i * MIN,
		                  .email = email,
		                  .raw = "{\"customer\":\"cus_TEST1\"}"};
		insert(&o);
	}
	for (int i = 0; i < 5; i++) {
		char id[32];
		snprintf(id, sizeof id, "ch_e%d", i);
		struct order o = {
		        .id = id, .created = NOW - 2 * DAY + i * MIN, .email = "same@example.com"};
		insert(&o);
	}
	run();
	assert_int_equal(count_of("customer_velocity"), 2);
	bool by_object = false, by_email = false;
	for (int i = 0; i < found.n; i++) {
		if (strcmp(found.items[i].rule, "customer_velocity") != 0)
			continue;
		by_object |= strstr(found.items[i].reason, "cus_TEST1") != NULL;
		by_email |= strstr(found.items[i].reason, "same@example.com") != NULL;
	}
	assert_true(by_object);
	assert_true(by_email);
}

static void test_customer_velocity_quiet(void **state)
{
	(void)state;
	/* Five customers once each, and one customer four times. */
	for (int i = 0; i < 9; i++) {
		char id[32], email[64];
		snprintf(id, sizeof id, "ch_q%d", i);
		snprintf(email, sizeof email, "buyer%d@example.com", i < 5 ? i : 9);
		struct order o = {.id = id, .created = NOW - DAY + i * MIN, .email = email};
		insert(&o);
	}
	run();
	assert_int_equal(count_of("customer_velocity"), 0);
}

/* ---- Refund spikes ---- */

/* 14 days of 100 payments; `spike` refunds on day 2 (two days ago), 1 on the others. */
static void refund_days(int spike)
{
	exec("BEGIN");
	for (int d = 0; d < 14; d++) {
		for (int i = 0; i < 100; i++) {
			char id[32];
			snprintf(id, sizeof id, "ch_d%d_%d", d, i);
			struct order o = {.id = id, .created = NOW - (d + 1) * DAY + i * MIN};
			insert(&o);
			int refunds = d == 2 ? spike : 1;
			if (i < refunds) {
				char rid[32];
				snprintf(rid, sizeof rid, "re_d%d_%d", d, i);
				refund(rid, id, NOW - (d + 1) * DAY + i * MIN + 60, 500,
				       "succeeded");
			}
		}
	}
	exec("COMMIT");
}

static void test_refund_spike(void **state)
{
	(void)state;
	refund_days(20);
	run();
	assert_int_equal(count_of("refund_spike"), 1);
	const struct risk_finding *f = first_of("refund_spike");
	assert_string_equal(f->order_id, "");
	assert_false(f->has_amount);
	assert_non_null(strstr(f->reason, "20 refunds on 100 orders (20.00%)"));
	assert_non_null(strstr(f->reason, "1.00%"));
}

static void test_refund_spike_quiet(void **state)
{
	(void)state;
	/* Two refunds on a day of 100 is within the usual. */
	refund_days(2);
	run();
	assert_int_equal(count_of("refund_spike"), 0);
}

/* ---- Unusual amounts ---- */

/* 100 USD payments around 10.00 over the last 60 days, and JPY ones around 10,000. */
static void usual_tickets(void)
{
	exec("BEGIN");
	for (int i = 0; i < 100; i++) {
		char id[32];
		snprintf(id, sizeof id, "ch_u%d", i);
		struct order o = {.id = id,
		                  .created = NOW - 10 * DAY - i * 12 * 3600LL,
		                  .amount = 900 + (i * 37) % 200};
		insert(&o);
		snprintf(id, sizeof id, "ch_j%d", i);
		struct order j = {.id = id,
		                  .created = NOW - 10 * DAY - i * 12 * 3600LL,
		                  .amount = 9000 + (i * 37) % 2000,
		                  .currency = "jpy"};
		insert(&j);
	}
	exec("COMMIT");
}

static void test_amount_outlier(void **state)
{
	(void)state;
	usual_tickets();
	/* 10,000.00 USD yesterday; 100,000 JPY is also unusual in yen, and 500.00 USD, while
	 * a number below the yen's usual, is not compared with yen. */
	struct order big = {.id = "ch_big", .created = NOW - DAY, .amount = 1000000};
	struct order yen = {
	        .id = "ch_yen", .created = NOW - DAY, .amount = 100000, .currency = "jpy"};
	insert(&big);
	insert(&yen);
	run();
	assert_int_equal(count_of("amount_outlier"), 2);
	for (int i = 0; i < found.n; i++) {
		const struct risk_finding *f = &found.items[i];
		if (strcmp(f->rule, "amount_outlier") != 0)
			continue;
		assert_true(f->has_amount);
		if (!strcmp(f->order_id, "ch_big")) {
			assert_string_equal(f->currency, "usd");
			assert_int_equal(f->amount, 1000000);
			assert_non_null(strstr(f->reason, "USD"));
		} else {
			assert_string_equal(f->order_id, "ch_yen");
			assert_string_equal(f->currency, "jpy");
			assert_non_null(strstr(f->reason, "JPY"));
		}
	}
}

static void test_amount_outlier_quiet(void **state)
{
	(void)state;
	usual_tickets();
	/* 15.00 USD, 12,000 JPY: within the usual; a big payment that failed moved no money. */
	struct order a = {.id = "ch_a", .created = NOW - DAY, .amount = 1500};
	struct order b = {.id = "ch_b", .created = NOW - DAY, .amount = 12000, .currency = "jpy"};
	struct order c = {
	        .id = "ch_c", .created = NOW - DAY, .amount = 1000000, .platform_status = "failed"};
	insert(&a);
	insert(&b);
	insert(&c);
	run();
	assert_int_equal(count_of("amount_outlier"), 0);
	/* Too few payments make no usual: nothing is flagged on a new shop. */
}

static void test_amount_outlier_wide_tickets(void **state)
{
	(void)state;
	/* A shop that sells 10.00 items and, one order in twenty, 50.00 ones: 50.00 is above
	 * the median plus ten deviations, and yet no more than its latest payments have held. */
	exec("BEGIN");
	for (int i = 0; i < 100; i++) {
		char id[32];
		snprintf(id, sizeof id, "ch_w%d", i);
		struct order o = {.id = id,
		                  .created = NOW - 10 * DAY - i * 3600LL,
		                  .amount = i % 20 == 0 ? 5000 : 1000 + i % 7};
		insert(&o);
	}
	exec("COMMIT");
	struct order big = {.id = "ch_fifty", .created = NOW - DAY, .amount = 5000};
	insert(&big);
	run();
	assert_int_equal(count_of("amount_outlier"), 0);
	/* Measured on the share the profile sets (90%), it stands out. */
	set("risk_amount_percentile", "90%");
	run();
	assert_int_equal(count_of("amount_outlier"), 1);
	assert_string_equal(first_of("amount_outlier")->order_id, "ch_fifty");
}

/* ---- Refunds of risky payments ---- */

static void test_risky_refund(void **state)
{
	(void)state;
	struct order risky = {.id = "ch_risky",
	                      .created = NOW - 5 * DAY,
	                      .amount = 5000,
	                      .risk_level = "highest",
	                      .platform_status = "succeeded"};
	struct order plain = {.id = "ch_plain", .created = NOW - 5 * DAY, .risk_level = "normal"};
	insert(&risky);
	insert(&plain);
	refund("re_1", "ch_risky", NOW - 4 * DAY, 2500, "succeeded");
	refund("re_2", "ch_plain", NOW - 4 * DAY, 1000, "succeeded");
	refund("re_3", "ch_risky", NOW - 3 * DAY, 2500, "failed");
	run();
	assert_int_equal(count_of("risky_refund"), 1);
	const struct risk_finding *f = first_of("risky_refund");
	assert_string_equal(f->order_id, "ch_risky");
	assert_int_equal(f->severity, RISK_ALERT);
	assert_int_equal(f->amount, 2500);
	assert_non_null(strstr(f->reason, "25.00"));
	assert_non_null(strstr(f->reason, "50.00"));
}

static void test_risky_refund_quiet(void **state)
{
	(void)state;
	struct order plain = {.id = "ch_plain", .created = NOW - 5 * DAY, .risk_level = "normal"};
	struct order risky = {.id = "ch_risky", .created = NOW - 5 * DAY, .risk_level = "elevated"};
	insert(&plain);
	insert(&risky);
	refund("re_1", "ch_plain", NOW - 4 * DAY, 1000, "succeeded");
	refund("re_2", "ch_risky", NOW - 4 * DAY, 1000, "canceled");
	run();
	assert_int_equal(count_of("risky_refund"), 0);
}

/* ---- Many countries ---- */

static void test_geo_spread(void **state)
{
	(void)state;
	static const char *const raws[] = {
	        "{\"payment_method_details\":{\"card\":{\"country\":\"US\"}}}",
	        "{\"payment_method_details\":{\"card\":{\"country\":\"GB\"}}}",
	        "{\"billing_details\":{\"address\":{\"country\":\"NG\"}}}",
	};
	for (int i = 0; i < 3; i++) {
		char id[32];
		snprintf(id, sizeof id, "ch_g%d", i);
		struct order o = {.id = id,
		                  .created = NOW - (3 - i) * DAY,
		                  .email = "traveller@example.com",
		                  .raw = raws[i]};
		insert(&o);
	}
	run();
	assert_int_equal(count_of("geo_spread"), 1);
	const struct risk_finding *f = first_of("geo_spread");
	assert_string_equal(f->order_id, "ch_g2");
	assert_non_null(strstr(f->reason, "3 countries (US, GB, NG)"));
	assert_non_null(strstr(f->reason, "traveller@example.com"));
}

static void test_geo_spread_quiet(void **state)
{
	(void)state;
	/* Three payments from one country in one currency; and three countries of three
	 * different customers. */
	for (int i = 0; i < 3; i++) {
		char id[32], email[64];
		snprintf(id, sizeof id, "ch_h%d", i);
		struct order o = {
		        .id = id,
		        .created = NOW - DAY,
		        .email = "home@example.com",
		        .raw = "{\"payment_method_details\":{\"card\":{\"country\":\"US\"}}}"};
		insert(&o);
		snprintf(id, sizeof id, "ch_k%d", i);
		snprintf(email, sizeof email, "k%d@example.com", i);
		static const char *const raws[] = {
		        "{\"payment_method_details\":{\"card\":{\"country\":\"US\"}}}",
		        "{\"payment_method_details\":{\"card\":{\"country\":\"GB\"}}}",
		        "{\"payment_method_details\":{\"card\":{\"country\":\"NG\"}}}",
		};
		struct order k = {.id = id, .created = NOW - DAY, .email = email, .raw = raws[i]};
		insert(&k);
	}
	run();
	assert_int_equal(count_of("geo_spread"), 0);
}

/* ---- Every platform ---- */

static void test_bill_platform_orders(void **state)
{
	(void)state;
	/* WeChat Pay's orders have no card, no risk level, no raw JSON: the card and rating
	 * rules find nothing, and nothing fails. */
	exec("BEGIN");
	for (int i = 0; i < 50; i++) {
		char id[40];
		snprintf(id, sizeof id, "4200000000%04d", i);
		struct order o = {.id = id, .created = NOW - i * MIN, .currency = "cny"};
		insert(&o);
	}
	exec("COMMIT");
	run();
	assert_int_equal(found.n, 0);
}

static void test_empty_cache(void **state)
{
	(void)state;
	run();
	assert_int_equal(found.n, 0);
	assert_false(risk_findings_cross(&found));
}

static void test_old_schema(void **state)
{
	(void)state;
	/* A cache of an older paydesk is not migrated by a reader: it is told to sync. */
	char old[400];
	snprintf(old, sizeof old, "%s/old.db", dir);
	sqlite3 *o;
	assert_int_equal(sqlite3_open(old, &o), SQLITE_OK);
	assert_int_equal(sqlite3_exec(o, "PRAGMA user_version = 3; CREATE TABLE orders(id TEXT);",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	char err[512] = "";
	assert_int_equal(risk_run(o, &settings, (time_t)NOW, &found, err, sizeof err), -1);
	assert_non_null(strstr(err, "older paydesk (schema 3)"));
	assert_non_null(strstr(err, "paydesk sync"));
	sqlite3_close(o);
}

/* ---- Settings ---- */

static void test_settings(void **state)
{
	(void)state;
	int visa = risk_rule_find("dispute_ratio");
	assert_true(visa >= 0);
	assert_int_equal(risk_setting(&settings, visa, 0), 150);
	char why[1400];
	assert_int_equal(
	        risk_setting_parse(&settings, "risk_dispute_ratio_visa", "0.9%", why, sizeof why),
	        1);
	assert_int_equal(risk_setting(&settings, visa, 0), 90);
	assert_int_equal(
	        risk_setting_parse(&settings, "risk_dispute_ratio_visa", "1.25", why, sizeof why),
	        1);
	assert_int_equal(risk_setting(&settings, visa, 0), 125);
	static const char *const bad[] = {"", "abc", "1.255%", "-1%", "0", "101%", "1.5%%", "1e3"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		why[0] = '\0';
		assert_int_equal(risk_setting_parse(&settings, "risk_dispute_ratio_visa", bad[i],
		                                    why, sizeof why),
		                 -1);
		assert_non_null(strstr(why, "risk_dispute_ratio_visa must be a percentage"));
		assert_non_null(strstr(why, "1.5%"));
	}
	assert_int_equal(risk_setting(&settings, visa, 0), 125);
	int card = risk_rule_find("card_velocity");
	assert_int_equal(risk_setting_parse(&settings, "risk_card_window", "15", why, sizeof why),
	                 1);
	assert_int_equal(risk_setting(&settings, card, 0), 15);
	assert_int_equal(risk_setting_parse(&settings, "risk_card_window", "15.5", why, sizeof why),
	                 -1);
	assert_non_null(strstr(why, "minutes"));
	int spike = risk_rule_find("refund_spike");
	assert_int_equal(
	        risk_setting_parse(&settings, "risk_refund_spike_factor", "3.5", why, sizeof why),
	        1);
	assert_int_equal(risk_setting(&settings, spike, 0), 35);
	assert_int_equal(risk_setting_parse(&settings, "risk_velocity", "3", why, sizeof why), -1);
	assert_non_null(strstr(why, "unknown risk setting 'risk_velocity'"));
	assert_non_null(strstr(why, "risk_card_window"));
	assert_int_equal(risk_setting_parse(&settings, "timeout", "3", why, sizeof why), 0);
	/* Every setting's default lies within its own bounds and reads back as written. */
	for (int r = 0; r < risk_rule_count(); r++) {
		const struct risk_param *p = risk_rule_params(r);
		for (int i = 0; i < RISK_RULE_PARAMS && p[i].key; i++) {
			char text[32];
			struct risk_settings s = {0};
			assert_true(p[i].def >= p[i].min && p[i].def <= p[i].max);
			risk_setting_text(&p[i], p[i].def, text, sizeof text);
			assert_int_equal(risk_setting_parse(&s, p[i].key, text, why, sizeof why),
			                 1);
			assert_int_equal(risk_setting(&s, r, i), p[i].def);
		}
	}
}

static void test_profile_keys(void **state)
{
	(void)state;
	struct profile p;
	char err[1600] = "";
	setenv("HOME", dir, 1);
	setenv("XDG_DATA_HOME", dir, 1);
	int rc = profile_parse("[shop]\nrisk_dispute_ratio_visa = 0.9%\n"
	                       "risk_dispute_ratio_mastercard = 1%\nrisk_card_payments = 8\n",
	                       dir, NULL, &p, err, sizeof err);
	assert_int_equal(rc, 0);
	int ratio = risk_rule_find("dispute_ratio");
	assert_int_equal(risk_setting(&p.risk, ratio, 0), 90);
	assert_int_equal(risk_setting(&p.risk, ratio, 2), 100);
	assert_int_equal(risk_setting(&p.risk, ratio, 1), 1501);
	assert_int_equal(risk_setting(&p.risk, risk_rule_find("card_velocity"), 1), 8);
	profile_clear(&p);
	rc = profile_parse("[shop]\n\nrisk_dispute_ratio_visa = lots\n", dir, NULL, &p, err,
	                   sizeof err);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "line 3: risk_dispute_ratio_visa must be a percentage"));
	rc = profile_parse("[shop]\nrisk_nonsense = 1\n", dir, NULL, &p, err, sizeof err);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "line 2: unknown risk setting 'risk_nonsense'"));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fresh, done)
	const struct CMUnitTest tests[] = {
	        T(test_dispute_ratio_visa),
	        T(test_dispute_ratio_warns_before),
	        T(test_dispute_ratio_below),
	        T(test_dispute_ratio_mastercard_month_before),
	        T(test_dispute_ratio_mastercard_no_month_before),
	        T(test_dispute_ratio_from_sums),
	        T(test_platform_risk),
	        T(test_truncated),
	        T(test_card_velocity),
	        T(test_card_velocity_failures),
	        T(test_card_velocity_quiet),
	        T(test_customer_velocity),
	        T(test_customer_velocity_quiet),
	        T(test_refund_spike),
	        T(test_refund_spike_quiet),
	        T(test_amount_outlier),
	        T(test_amount_outlier_quiet),
	        T(test_amount_outlier_wide_tickets),
	        T(test_risky_refund),
	        T(test_risky_refund_quiet),
	        T(test_geo_spread),
	        T(test_geo_spread_quiet),
	        T(test_bill_platform_orders),
	        T(test_empty_cache),
	        T(test_old_schema),
	        T(test_settings),
	        T(test_profile_keys),
	};
#undef T
	return cmocka_run_group_tests(tests, setup, teardown);
}
