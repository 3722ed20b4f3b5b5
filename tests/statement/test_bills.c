/* Unit tests of the statement of a platform whose history is daily bills, on hand-made caches
 * of the latest schema: each bill day's summary as WeChat Pay and Alipay write it (counts as
 * "4" or "4.0", fees to 5 or 2 decimals, Alipay's 合计 row and its '#' total lines) against
 * the cached rows of that day; equal figures, each kind of difference, a day without a bill,
 * days not in the cache, the decimals of fees, the zone of the days, withdrawals that began
 * before the cache's history, and every format. */
#include "config.h"

#include <locale.h>
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

#include "client/cache_private.h"
#include "client/client.h"
#include "views/statement.h"

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

/* 2025-11-24 00:00 in China Standard Time (UTC+8). */
#define CST_DAY 1763913600
/* "Now" for the tests: 2025-12-01 12:00 CST, so that the bills of late November exist. */
#define NOW "1764561600"

static char unit_cache[256];

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

/* A new cache of the latest schema at unit_cache holding `rows` (SQL). */
static void make_cache(const char *rows)
{
	snprintf(unit_cache, sizeof unit_cache, "%s/stmt-bills-%d.db",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	teardown(NULL);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(unit_cache, &db), SQLITE_OK);
	char err[256];
	if (cache_migrate(db, err, sizeof err) != 0)
		fail_msg("%s", err);
	char *msg = NULL;
	if (sqlite3_exec(db, rows, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s", msg);
	sqlite3_close(db);
}

/* Runs sql on the test's cache. */
static void exec_sql(const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(unit_cache, &db), SQLITE_OK);
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s", msg);
	sqlite3_close(db);
}

/* A WeChat Pay merchant's 2025-11-24: three payments (one with a coupon, one whose fee has
 * five decimals: 0.07404) and a refund in the trade bill; the fund flow of the day. The
 * summaries are those the rows make. The 25th had no business; the 26th is not cached. */
#define WXP_META                                                                                   \
	"INSERT INTO meta VALUES ('account', '1900000109'), ('account_name', '测试商户'),"     \
	" ('provider', 'wechatpay');"                                                              \
	"INSERT INTO sync_state(resource, last_success) VALUES ('events', " NOW ");"

#define WXP_TRADE_SUMMARY                                                                                          \
	"'{\"总交易单数\":\"4\",\"应结订单总金额\":\"157.34\",\"退款总金额\":\"20.00\","          \
	"\"充值券退款总金额\":\"0.00\",\"手续费总金额\":\"0.82404\",\"订单总金额\":\"162.34\"," \
	"\"申请退款总金额\":\"20.00\"}'"

#define WXP_FLOW_SUMMARY                                                                                         \
	"'{\"资金流水总笔数\":\"4\",\"收入笔数\":\"3\",\"收入金额\":\"156.52\",\"支出笔数\":" \
	"\"1\","                                                                                                 \
	"\"支出金额\":\"19.88\"}'"

static const char wxp_rows[] = WXP_META
        "INSERT INTO orders(id, created, amount, currency, status, platform_status, order_ref,"
        " settle_amount, discount_amount, fee_fine, fee_rate, bill_day) VALUES"
        " ('4200001', 1763920000, 10000, 'cny', 'paid', 'succeeded', 'W-1', 10000, 0, 60000,"
        "  '0.60%', '2025-11-24'),"
        " ('4200002', 1763930000, 5000, 'cny', 'paid', 'succeeded', 'W-2', 4500, 500, 27000,"
        "  '0.60%', '2025-11-24'),"
        " ('4200003', 1763940000, 1234, 'cny', 'paid', 'succeeded', 'W-3', 1234, 0, 7404,"
        "  '0.60%', '2025-11-24');"
        "INSERT INTO refunds(id, created, order_id, amount, currency, status, order_ref,"
        " settle_amount, coupon_refund, fee_fine, bill_day) VALUES"
        " ('5030001', 1763950000, '4200001', 2000, 'cny', 'succeeded', 'W-1', 2000, 0, -12000,"
        "  '2025-11-24');"
        "INSERT INTO balance_transactions(id, created, amount, fee, net, currency, type,"
        " reporting_category, source, bill_day) VALUES"
        " ('f1', 1763920000, 9940, 0, 9940, 'cny', 'charge', 'charge', '4200001', '2025-11-24'),"
        " ('f2', 1763930000, 4473, 0, 4473, 'cny', 'charge', 'charge', '4200002', '2025-11-24'),"
        " ('f3', 1763940000, 1239, 0, 1239, 'cny', 'charge', 'charge', '4200003', '2025-11-24'),"
        " ('f4', 1763950000, -1988, 0, -1988, 'cny', 'refund', 'refund', '5030001',"
        "  '2025-11-24');"
        "INSERT INTO bill_days(day, bill, rows, summary, hash, fetched) VALUES"
        " ('2025-11-24', 'trade', 4, " WXP_TRADE_SUMMARY ", 'h1', " NOW "),"
        " ('2025-11-24', 'fundflow', 4, " WXP_FLOW_SUMMARY ", 'h2', " NOW "),"
        " ('2025-11-24', '*', 8, NULL, NULL, " NOW "),"
        " ('2025-11-25', 'trade', 0, NULL, NULL, " NOW "),"
        " ('2025-11-25', 'fundflow', 0, NULL, NULL, " NOW "),"
        " ('2025-11-25', '*', 0, NULL, NULL, " NOW ");";

/* The statement data of days [first, first + n) of the cache. */
static struct ledger_statement *load(int first, int n)
{
	struct ledger *l;
	assert_int_equal(ledger_open(unit_cache, &l), LEDGER_OK);
	struct ledger_statement *s;
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	assert_int_equal(ledger_statement_load(l, CST_DAY + first * 86400,
	                                       CST_DAY + (first + n) * 86400, NULL, &s),
	                 LEDGER_OK);
	ledger_close(&l);
	return s;
}

static const struct ledger_bill *bill_of(const struct ledger_statement *s, const char *day,
                                         const char *bill)
{
	assert_non_null(s->bills);
	for (size_t i = 0; i < s->bills->n_bills; i++) {
		const struct ledger_bill *b = &s->bills->bills[i];
		if (strcmp(b->day, day) == 0 && b->bill && strcmp(b->bill, bill) == 0)
			return b;
	}
	fail_msg("no %s bill of %s", bill, day);
	return NULL;
}

/* The entry of days beginning on day that stands for every bill of them. */
static const struct ledger_bill *days_of(const struct ledger_statement *s, const char *day)
{
	assert_non_null(s->bills);
	for (size_t i = 0; i < s->bills->n_bills; i++) {
		const struct ledger_bill *b = &s->bills->bills[i];
		if (strcmp(b->day, day) == 0 && !b->bill)
			return b;
	}
	fail_msg("no entry of the days from %s", day);
	return NULL;
}

static const struct ledger_figure *figure_of(const struct ledger_bill *b, const char *key)
{
	for (size_t i = 0; i < b->n_figures; i++)
		if (strcmp(b->figures[i].key, key) == 0)
			return &b->figures[i];
	fail_msg("no figure %s", key);
	return NULL;
}

static void test_decimal(void **state)
{
	(void)state;
	int64_t v;
	assert_true(ledger_decimal("45.0", 4, 0, &v));
	assert_int_equal(v, 45);
	assert_true(ledger_decimal("48", 2, 0, &v));
	assert_int_equal(v, 48);
	assert_true(ledger_decimal("0.07854", 7, 5, &v));
	assert_int_equal(v, 7854);
	assert_true(ledger_decimal("-0.17", 5, 2, &v));
	assert_int_equal(v, -17);
	assert_true(ledger_decimal("0.01000", 7, 2, &v));
	assert_int_equal(v, 1);
	assert_true(ledger_decimal("12", 2, 2, &v));
	assert_int_equal(v, 1200);
	assert_true(ledger_decimal(".5", 2, 2, &v));
	assert_int_equal(v, 50);
	/* Never rounded: a digit beyond the precision that is not a zero is no figure. */
	assert_false(ledger_decimal("0.078541", 8, 5, &v));
	assert_false(ledger_decimal("45.5", 4, 0, &v));
	assert_false(ledger_decimal("", 0, 2, &v));
	assert_false(ledger_decimal("-", 1, 2, &v));
	assert_false(ledger_decimal("1,234.00", 8, 2, &v));
	assert_false(ledger_decimal(" 1.00", 5, 2, &v));
	assert_false(ledger_decimal("1.2.3", 5, 2, &v));
	assert_false(ledger_decimal("99999999999999999999", 20, 0, &v));
}

static void test_wechat_equal(void **state)
{
	(void)state;
	setenv("PAYDESK_NOW", NOW, 1);
	make_cache(wxp_rows);
	struct ledger_statement *s = load(0, 1);
	assert_non_null(s->platform);
	assert_string_equal(s->bills->first_day, "2025-11-24");
	assert_int_equal(s->bills->days, 1);
	assert_int_equal(s->bills->differences, 0);
	assert_int_equal(s->bills->missing, 0);
	const struct ledger_bill *t = bill_of(s, "2025-11-24", "trade");
	assert_int_equal(t->state, LEDGER_BILL_IN_CACHE);
	assert_int_equal(t->n_figures, 7);
	for (size_t i = 0; i < t->n_figures; i++)
		assert_int_equal(t->figures[i].check, LEDGER_CHECK_EQUAL);
	const struct ledger_figure *fee = figure_of(t, "fee_total");
	/* To the bill's full precision: 0.82404 yuan is 82404 at scale 5. */
	assert_int_equal(fee->scale, 5);
	assert_int_equal(fee->decimals, 5);
	assert_int_equal(fee->cache, 82404);
	assert_int_equal(fee->bill, 82404);
	assert_string_equal(fee->name, "手续费总金额");
	assert_int_equal(figure_of(t, "rows")->cache, 4);
	assert_int_equal(figure_of(t, "settlement_total")->cache, 15734);
	const struct ledger_bill *f = bill_of(s, "2025-11-24", "fundflow");
	for (size_t i = 0; i < f->n_figures; i++)
		assert_int_equal(f->figures[i].check, LEDGER_CHECK_EQUAL);
	assert_int_equal(figure_of(f, "expense_total")->cache, 1988);
	ledger_statement_free(&s);
}

/* Each kind of difference: a row missing from the cache, a fee changed at its fifth
 * decimal, a figure with more decimals than the bill's precision. */
static void test_wechat_differences(void **state)
{
	(void)state;
	setenv("PAYDESK_NOW", NOW, 1);
	make_cache(wxp_rows);
	exec_sql("DELETE FROM orders WHERE id = '4200003';");
	struct ledger_statement *s = load(0, 1);
	const struct ledger_bill *t = bill_of(s, "2025-11-24", "trade");
	const struct ledger_figure *rows = figure_of(t, "rows");
	assert_int_equal(rows->check, LEDGER_CHECK_DIFFERENT);
	assert_int_equal(rows->bill, 4);
	assert_int_equal(rows->cache, 3);
	assert_int_equal(rows->difference, -1);
	assert_int_equal(figure_of(t, "settlement_total")->difference, -1234);
	assert_int_equal(figure_of(t, "fee_total")->difference, -7404);
	assert_int_equal(figure_of(t, "order_total")->difference, -1234);
	assert_int_equal(figure_of(t, "refund_total")->check, LEDGER_CHECK_EQUAL);
	assert_int_equal(t->differences, 4);
	assert_int_equal(s->bills->differences, 4);
	ledger_statement_free(&s);

	/* One digit at the fifth decimal of the fee total. */
	make_cache(wxp_rows);
	exec_sql("UPDATE bill_days SET summary = json_set(summary, '$.手续费总金额', '0.82405')"
	         " WHERE day = '2025-11-24' AND bill = 'trade';");
	s = load(0, 1);
	const struct ledger_figure *fee = figure_of(bill_of(s, "2025-11-24", "trade"), "fee_total");
	assert_int_equal(fee->check, LEDGER_CHECK_DIFFERENT);
	assert_true(fee->bill_valid);
	assert_int_equal(fee->bill, 82405);
	assert_int_equal(fee->difference, -1);
	assert_int_equal(s->bills->differences, 1);
	ledger_statement_free(&s);

	/* A sixth decimal that is not a zero is a difference, not a figure rounded. */
	make_cache(wxp_rows);
	exec_sql("UPDATE bill_days SET summary = json_set(summary, '$.手续费总金额', '0.824041')"
	         " WHERE day = '2025-11-24' AND bill = 'trade';");
	s = load(0, 1);
	fee = figure_of(bill_of(s, "2025-11-24", "trade"), "fee_total");
	assert_int_equal(fee->check, LEDGER_CHECK_DIFFERENT);
	assert_false(fee->bill_valid);
	assert_string_equal(fee->bill_text, "0.824041");
	ledger_statement_free(&s);

	/* A fee of a cached row changed at its fifth decimal. */
	make_cache(wxp_rows);
	exec_sql("UPDATE orders SET fee_fine = 7405 WHERE id = '4200003';");
	s = load(0, 1);
	fee = figure_of(bill_of(s, "2025-11-24", "trade"), "fee_total");
	assert_int_equal(fee->check, LEDGER_CHECK_DIFFERENT);
	assert_int_equal(fee->difference, 1);
	ledger_statement_free(&s);
}

/* Summaries as real WeChat Pay samples write them: counts as "4.0", amounts as "0.0", the fee
 * total to 2 decimals (the fees being whole fen written with 5 decimals); and an older
 * summary's names (总交易额, 总退款金额). */
static void test_wechat_sample_style(void **state)
{
	(void)state;
	setenv("PAYDESK_NOW", NOW, 1);
	make_cache(wxp_rows);
	exec_sql("UPDATE orders SET fee_fine = 7000 WHERE id = '4200003';"
	         "UPDATE bill_days SET summary = '{\"总交易单数\":\"4.0\",\"总交易额\":\"157.34\","
	         "\"总退款金额\":\"20.0\",\"充值券退款总金额\":\"0.0\",\"手续费总金额\":\"0.82\","
	         "\"订单总金额\":\"162.34\",\"申请退款总金额\":\"20.00\"}'"
	         " WHERE day = '2025-11-24' AND bill = 'trade';"
	         "UPDATE bill_days SET summary = '{\"资金流水总笔数\":\"4.0\",\"收入笔数\":\"3.0\","
	         "\"收入金额\":\"156.52\",\"支出笔数\":\"1.0\",\"支出金额\":\"19.88\"}'"
	         " WHERE day = '2025-11-24' AND bill = 'fundflow';");
	struct ledger_statement *s = load(0, 1);
	const struct ledger_bill *t = bill_of(s, "2025-11-24", "trade");
	for (size_t i = 0; i < t->n_figures; i++)
		assert_int_equal(t->figures[i].check, LEDGER_CHECK_EQUAL);
	const struct ledger_figure *fee = figure_of(t, "fee_total");
	assert_int_equal(fee->bill, 82000);
	assert_string_equal(fee->bill_text, "0.82");
	assert_int_equal(figure_of(t, "settlement_total")->bill, 15734);
	assert_int_equal(s->bills->differences, 0);
	ledger_statement_free(&s);

	/* 2 decimals do not round the fifth away: 0.82404 of fees is not "0.82". */
	exec_sql("UPDATE orders SET fee_fine = 7404 WHERE id = '4200003';");
	s = load(0, 1);
	fee = figure_of(bill_of(s, "2025-11-24", "trade"), "fee_total");
	assert_int_equal(fee->check, LEDGER_CHECK_DIFFERENT);
	assert_int_equal(fee->difference, 404);
	ledger_statement_free(&s);
}

/* A day without a bill (no business) and days not in the cache; a summary without a figure
 * and with one paydesk does not know. */
static void test_days_without_bills(void **state)
{
	(void)state;
	setenv("PAYDESK_NOW", NOW, 1);
	make_cache(wxp_rows);
	/* 2025-11-24 .. 2025-11-28: the 26th to the 28th are not in the cache. */
	struct ledger_statement *s = load(0, 5);
	assert_int_equal(s->bills->days, 5);
	assert_int_equal(s->bills->missing, 3);
	/* No business: every bill of the day said once, not as missing. */
	const struct ledger_bill *none = days_of(s, "2025-11-25");
	assert_int_equal(none->state, LEDGER_BILL_NONE);
	assert_string_equal(none->last_day, "2025-11-25");
	assert_int_equal(none->differences, 0);
	const struct ledger_bill *gap = &s->bills->bills[s->bills->n_bills - 1];
	assert_null(gap->bill);
	assert_int_equal(gap->state, LEDGER_BILL_MISSING);
	assert_string_equal(gap->day, "2025-11-26");
	assert_string_equal(gap->last_day, "2025-11-28");
	ledger_statement_free(&s);

	/* Today's and older than 90 days: not made yet, gone from the platform. */
	setenv("PAYDESK_NOW", "1764561600", 1); /* 2025-12-01 12:00 CST */
	s = load(7, 1);
	assert_int_equal(s->bills->bills[0].state, LEDGER_BILL_NOT_YET);
	ledger_statement_free(&s);
	s = load(-100, 1);
	assert_int_equal(s->bills->bills[0].state, LEDGER_BILL_EXPIRED);
	ledger_statement_free(&s);

	/* Rows of a day the platform had no bill of: a difference. */
	exec_sql("UPDATE orders SET bill_day = '2025-11-25' WHERE id = '4200003';");
	s = load(1, 1);
	none = bill_of(s, "2025-11-25", "trade");
	assert_int_equal(none->state, LEDGER_BILL_NONE);
	assert_true(none->differences > 0);
	assert_int_equal(figure_of(none, "rows")->cache, 1);
	ledger_statement_free(&s);

	/* A summary without 申请退款总金额 but with a figure paydesk does not know. */
	make_cache(wxp_rows);
	exec_sql("UPDATE bill_days SET summary = json_set(json_remove(summary, '$.申请退款总金额'),"
	         " '$.新的合计', '1.00') WHERE day = '2025-11-24' AND bill = 'trade';");
	s = load(0, 1);
	const struct ledger_bill *t = bill_of(s, "2025-11-24", "trade");
	assert_int_equal(figure_of(t, "applied_refund_total")->check, LEDGER_CHECK_ABSENT);
	const struct ledger_figure *other = &t->figures[t->n_figures - 1];
	assert_int_equal(other->check, LEDGER_CHECK_NOT_CHECKED);
	assert_string_equal(other->name, "新的合计");
	assert_string_equal(other->bill_text, "1.00");
	assert_int_equal(s->bills->differences, 0);
	ledger_statement_free(&s);
}

/* An Alipay merchant's day: two trades (one with a merchant discount and an Alipay
 * discount) and a refund, the 汇总's 合计 row, the #交易合计 and #退款合计 lines, and the
 * account statement's 合计. */
#define ALP_META                                                                                        \
	"INSERT INTO meta VALUES ('account', '2088102000000001'), ('account_name', '支付宝商户')," \
	" ('provider', 'alipay');"                                                                      \
	"INSERT INTO sync_state(resource, last_success) VALUES ('events', " NOW ");"

#define ALP_TRADE_SUMMARY                                                                                                \
	"'{\"交易订单总笔数\":\"2\",\"退款订单总笔数\":\"1\",\"订单金额（元）\":\"124.00\","        \
	"\"商家实收（元）\":\"115.00\",\"支付宝优惠（元）\":\"2.00\",\"商家优惠（元）\":\"9.00\"," \
	"\"卡消费金额（元）\":\"0.00\",\"服务费（元）\":\"-0.66\",\"分润（元）\":\"0.00\","           \
	"\"实收净额（元）\":\"114.34\",\"交易合计\":\"2笔，商家实收共140.00元，商家优惠共10."   \
	"00元\","                                                                                                       \
	"\"退款合计\":\"1笔，商家实收退款共-25.00元，商家优惠退款共-1.00元\"}'"

#define ALP_ACCOUNT_SUMMARY                                                                           \
	"'{\"业务类型\":\"合计\",\"收入笔数\":\"2\",\"收入金额（+元）\":\"140.00\"," \
	"\"支出笔数\":\"3\",\"支出金额（-元）\":\"-25.84\",\"总金额（元）\":\"114.16\"}'"

static const char alp_rows[] = ALP_META
        "INSERT INTO orders(id, created, amount, currency, status, platform_status, order_ref,"
        " settle_amount, discount_amount, fee_fine, bill_day, raw) VALUES"
        " ('2025112422001', 1763920000, 10000, 'cny', 'paid', 'succeeded', 'A-1', 9000, 1000,"
        "  60000, '2025-11-24',"
        "  "
        "'{\"支付宝优惠（元）\":\"2.00\",\"卡消费金额（元）\":\"0.00\",\"分润（元）\":\"0.00\"}'),"
        " ('2025112422002', 1763930000, 5000, 'cny', 'paid', 'succeeded', 'A-2', 5000, 0,"
        "  30000, '2025-11-24',"
        "  "
        "'{\"支付宝优惠（元）\":\"0.00\",\"卡消费金额（元）\":\"0.00\",\"分润（元）\":\"0.00\"}');"
        "INSERT INTO refunds(id, created, order_id, amount, currency, status, order_ref,"
        " fee_fine, bill_day, raw) VALUES"
        " ('2025112422002/R1', 1763950000, '2025112422002', 2600, 'cny', 'succeeded', 'A-2',"
        "  -24000, '2025-11-24',"
        "  '{\"支付宝优惠（元）\":\"0.00\",\"卡消费金额（元）\":\"0.00\",\"分润（元）\":\"0.00\","
        "\"商家实收（元）\":\"-25.00\",\"商家优惠（元）\":\"-1.00\"}');"
        "INSERT INTO balance_transactions(id, created, amount, fee, net, currency, type,"
        " reporting_category, bill_day) VALUES"
        " ('a1', 1763920000, 9000, 0, 9000, 'cny', 'charge', 'charge', '2025-11-24'),"
        " ('a2', 1763920001, -60, 0, -60, 'cny', 'fee', 'fee', '2025-11-24'),"
        " ('a3', 1763930000, 5000, 0, 5000, 'cny', 'charge', 'charge', '2025-11-24'),"
        " ('a4', 1763930001, -30, 0, -30, 'cny', 'fee', 'fee', '2025-11-24'),"
        " ('a5', 1763950000, -2494, 0, -2494, 'cny', 'refund', 'refund', '2025-11-24');"
        "INSERT INTO bill_days(day, bill, rows, summary, hash, fetched) VALUES"
        " ('2025-11-24', 'trade', 3, " ALP_TRADE_SUMMARY ", NULL, " NOW "),"
        " ('2025-11-24', 'signcustomer', 5, " ALP_ACCOUNT_SUMMARY ", NULL, " NOW "),"
        " ('2025-11-24', '*', 8, NULL, NULL, " NOW ");";

static void test_alipay_totals(void **state)
{
	(void)state;
	setenv("PAYDESK_NOW", NOW, 1);
	make_cache(alp_rows);
	struct ledger_statement *s = load(0, 1);
	const struct ledger_bill *t = bill_of(s, "2025-11-24", "trade");
	for (size_t i = 0; i < t->n_figures; i++)
		if (t->figures[i].check != LEDGER_CHECK_EQUAL)
			fail_msg("%s: %s, bill %s, cache %lld", t->figures[i].key,
			         ledger_check_key(t->figures[i].check),
			         t->figures[i].bill_text ? t->figures[i].bill_text : "-",
			         (long long)t->figures[i].cache);
	/* The 合计 row's ten columns and the two lines' three figures each. */
	assert_int_equal(t->n_figures, 16);
	const struct ledger_figure *fee = figure_of(t, "fee_total");
	assert_int_equal(fee->decimals, 2);
	assert_int_equal(fee->cache, -66000);
	assert_int_equal(figure_of(t, "order_total")->cache, 15000 - 2600);
	assert_int_equal(figure_of(t, "trade_line_received")->cache, 14000);
	assert_int_equal(figure_of(t, "refund_line_received")->cache, -2500);
	assert_int_equal(figure_of(t, "net_received")->cache, 11434);
	const struct ledger_bill *a = bill_of(s, "2025-11-24", "signcustomer");
	assert_int_equal(a->n_figures, 5);
	for (size_t i = 0; i < a->n_figures; i++)
		assert_int_equal(a->figures[i].check, LEDGER_CHECK_EQUAL);
	assert_int_equal(s->bills->differences, 0);
	ledger_statement_free(&s);

	/* The #交易合计 line differs from the rows; a refund's receipt is not kept. */
	exec_sql("UPDATE bill_days SET summary = json_set(summary, '$.交易合计',"
	         " '2笔，商家实收共140.01元，商家优惠共10.00元') WHERE bill = 'trade';"
	         "UPDATE refunds SET raw = json_remove(raw, '$.商家实收（元）');");
	s = load(0, 1);
	t = bill_of(s, "2025-11-24", "trade");
	const struct ledger_figure *line = figure_of(t, "trade_line_received");
	assert_int_equal(line->check, LEDGER_CHECK_DIFFERENT);
	assert_string_equal(line->bill_text, "140.01");
	assert_int_equal(line->difference, -1);
	assert_int_equal(figure_of(t, "received_total")->check, LEDGER_CHECK_NOT_KEPT);
	assert_false(figure_of(t, "received_total")->cache_valid);
	assert_int_equal(figure_of(t, "refund_line_received")->check, LEDGER_CHECK_NOT_KEPT);
	assert_int_equal(figure_of(t, "net_received")->check, LEDGER_CHECK_NOT_KEPT);
	assert_int_equal(figure_of(t, "merchant_discount_total")->check, LEDGER_CHECK_EQUAL);
	assert_int_equal(s->bills->differences, 1);
	ledger_statement_free(&s);
}

/* The first withdrawal the cache holds pays out a balance that began before its history:
 * not a mismatch. A later one that does not add up is. */
static void test_withdrawal_before_history(void **state)
{
	(void)state;
	setenv("PAYDESK_NOW", NOW, 1);
	make_cache(wxp_rows);
	exec_sql("INSERT INTO balance_transactions(id, created, amount, fee, net, currency, type,"
	         " reporting_category, bill_day) VALUES"
	         " ('w1', 1763928000, -30000, 0, -30000, 'cny', 'payout', 'payout', '2025-11-24'),"
	         " ('w2', 1763960000, -10000, 0, -10000, 'cny', 'payout', 'payout', '2025-11-24');"
	         "INSERT INTO payouts(id, created, arrival_date, amount, currency, status,"
	         " balance_transaction, reconciled) VALUES"
	         " ('1050w1', 1763928000, 1763928000, 30000, 'cny', 'paid', 'w1', 1),"
	         " ('1050w2', 1763960000, 1763960000, 10000, 'cny', 'paid', 'w2', 1);"
	         "UPDATE balance_transactions SET payout_id = '1050w1' WHERE id = 'f1';"
	         "UPDATE balance_transactions SET payout_id = '1050w2' WHERE id IN ('f2', 'f3',"
	         " 'f4');");
	struct ledger_statement *s = load(0, 1);
	const struct ledger_currency *c = &s->currencies[0];
	assert_int_equal(c->n_payouts, 2);
	assert_int_equal(c->payouts[0].recon, LEDGER_RECON_BEFORE_HISTORY);
	assert_int_equal(c->payouts[1].recon, LEDGER_RECON_MISMATCH);
	assert_int_equal(c->mismatches, 1);
	assert_int_equal(c->before_history, 1);
	ledger_statement_free(&s);

	/* With the day before in the cache, the first withdrawal's gap is a mismatch. */
	exec_sql("INSERT INTO bill_days VALUES ('2025-11-23', '*', 0, NULL, NULL, " NOW ");");
	s = load(0, 1);
	assert_int_equal(s->currencies[0].payouts[0].recon, LEDGER_RECON_MISMATCH);
	ledger_statement_free(&s);
}

/* Display columns of a line (CJK characters take two). */
static int statement_text_width_of(const char *s)
{
	int w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xc0) == 0x80)
			continue;
		w += *p >= 0xe3 && *p <= 0xe9 ? 2 : 1; /* U+3000..U+9FFF: wide */
	}
	return w;
}

/* Reads a whole small file. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char text[1 << 17];
	size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	return text;
}

/* The ledger the statement of build() reads its lines from, closed by done(). */
static struct ledger *open_ledger;

static struct statement *build(int first, int n, const char *zone, bool keep)
{
	assert_int_equal(ledger_open(unit_cache, &open_ledger), LEDGER_OK);
	struct statement_options opt = {
	        .from = CST_DAY + first * 86400,
	        .to = CST_DAY + (first + n) * 86400,
	        .timezone = zone,
	        .operator_name = "clerk",
	        .generated_at = 1764561600,
	        .single_day = n == 1,
	        .keep_items = keep,
	        .keep_orders = keep,
	};
	struct statement *st;
	char err[256];
	if (statement_build(open_ledger, &opt, &st, err, sizeof err) != 0)
		fail_msg("%s", err);
	return st;
}

static void done(struct statement **st)
{
	statement_free(st);
	ledger_close(&open_ledger);
}

static void test_formats(void **state)
{
	(void)state;
	setenv("PAYDESK_NOW", NOW, 1);
	make_cache(wxp_rows);
	exec_sql("UPDATE bill_days SET summary = json_set(summary, '$.手续费总金额', '0.82405')"
	         " WHERE day = '2025-11-24' AND bill = 'trade';");
	/* PAYDESK_TEST_KEEP=DIR keeps a copy of the cache (and the PDF) to look at. */
	const char *keep = getenv("PAYDESK_TEST_KEEP");
	if (keep) {
		char sql[512];
		snprintf(sql, sizeof sql, "VACUUM INTO '%s/wechatpay.db'", keep);
		exec_sql(sql);
	}
	struct statement *st = build(0, 3, "Asia/Shanghai", true);
	struct statement_doc doc;
	char err[256];
	assert_int_equal(statement_doc_build(st, 0, &doc, err, sizeof err), 0);
	bool fee = false, equal = false;
	static char text[1 << 16];
	size_t len = 0;
	for (size_t i = 0; i < doc.n_lines; i++) {
		const char *line = statement_doc_line(&doc, i);
		assert_true(statement_text_width_of(line) <= STATEMENT_WIDTH);
		fee |= strstr(line, "手续费总金额 (Fees less fees refunded)") &&
		       strstr(line, "0.82405") && strstr(line, "0.82404") &&
		       strstr(line, "MISMATCH");
		equal |= strstr(line, "总交易单数 (Rows: orders and refunds)") &&
		         strstr(line, "equal");
		/* The text as one paragraph, for sentences wrapped over lines. */
		while (*line == ' ')
			line++;
		len += (size_t)snprintf(text + len, sizeof text - len, "%s ", line);
	}
	assert_true(fee);
	assert_true(equal);
	assert_non_null(strstr(text, "Asia/Shanghai, the days of WeChat Pay's bills"));
	assert_non_null(strstr(text, "MISMATCH: the bill says 0.82405, the cached rows give "
	                             "0.82404; difference -0.00001."));
	assert_non_null(strstr(text, "2025-11-25  No bills: WeChat Pay made none of this day (no "
	                             "business), and the cache holds no rows of it."));
	assert_non_null(strstr(text,
	                       "2025-11-26  NOT CHECKED: the bills of this day are not in the "
	                       "cache; run 'paydesk sync'."));
	statement_doc_clear(&doc);
	char result[256];
	statement_bills_result(st, result, sizeof result);
	assert_string_equal(result, "1 figure of the bills differs from the cache's. The bills of "
	                            "1 day are not checked.");

	char path[300];
	snprintf(path, sizeof path, "%s.csv", unit_cache);
	assert_int_equal(statement_save(st, STATEMENT_CSV, path, err, sizeof err), 0);
	const char *csv = slurp(path);
	assert_non_null(strstr(csv, "bill_figure,CNY,fee_total,trade,2025-11-24,,0.82405,,0.82404,"
	                            "different,手续费总金额,0.82405"));
	assert_non_null(strstr(csv, "bill,CNY,,,2025-11-25,0,,,,none,,,,,,,,\r\n"));
	assert_non_null(strstr(csv, "bill,CNY,,,2025-11-26,0,,,,missing,"));
	unlink(path);

	snprintf(path, sizeof path, "%s.json", unit_cache);
	assert_int_equal(statement_save(st, STATEMENT_JSON, path, err, sizeof err), 0);
	const char *json = slurp(path);
	assert_non_null(strstr(json, "\"key\":\"fee_total\",\"name\":\"手续费总金额\","
	                             "\"unit\":\"fee\",\"scale\":5,\"decimals\":5,"
	                             "\"check\":\"different\",\"bill_text\":\"0.82405\","
	                             "\"bill\":82405,\"cache\":82404,\"difference\":-1"));
	assert_non_null(strstr(json, "\"differences\":1,\"days_not_checked\":1"));
	unlink(path);

	snprintf(path, sizeof path, "%s.pdf", unit_cache);
	assert_int_equal(statement_save(st, STATEMENT_PDF, path, err, sizeof err), 0);
	assert_true(memcmp(slurp(path), "%PDF-", 5) == 0);
	unlink(path);
	done(&st);

	/* In another zone the header says whose days the bills are. */
	st = build(0, 1, "Europe/Berlin", false);
	assert_string_equal(st->zone_label,
	                    "Europe/Berlin (WeChat Pay's bills are of Asia/Shanghai days)");
	done(&st);
}

/* Fees of a WeChat Pay statement read to 5 decimals wherever it shows them. */
static void test_fee_decimals(void **state)
{
	(void)state;
	setenv("PAYDESK_NOW", NOW, 1);
	make_cache(wxp_rows);
	exec_sql("INSERT INTO balance_transactions(id, created, amount, fee, net, currency, type,"
	         " reporting_category, bill_day) VALUES ('f5', 1763951000, -8, 0, -8, 'cny', 'fee',"
	         " 'fee', '2025-11-24');");
	struct statement *st = build(0, 1, "Asia/Shanghai", true);
	assert_int_equal(statement_fee_extra(st, "cny"), 3);
	assert_int_equal(st->data->currencies[0].fees, -8);
	struct statement_doc doc;
	char err[256];
	assert_int_equal(statement_doc_build(st, 0, &doc, err, sizeof err), 0);
	bool summary = false, item = false;
	for (size_t i = 0; i < doc.n_lines; i++) {
		const char *line = statement_doc_line(&doc, i);
		summary |= strncmp(line, "  Fees ", 7) == 0 && strstr(line, "-0.08000");
		item |= strstr(line, "f5") && strstr(line, "0.00000") && strstr(line, "-0.08");
	}
	assert_true(summary);
	assert_true(item);
	statement_doc_clear(&doc);
	char path[300];
	snprintf(path, sizeof path, "%s.csv", unit_cache);
	assert_int_equal(statement_save(st, STATEMENT_CSV, path, err, sizeof err), 0);
	const char *csv = slurp(path);
	assert_non_null(strstr(csv, "summary,CNY,fees_total,,,,-0.08000,"));
	assert_non_null(strstr(csv, "transaction,CNY,fee,f5,"));
	unlink(path);
	done(&st);

	/* The formatter itself: never a digit hidden. */
	struct statement_money m;
	statement_money_init(&m, "cny", money_locale_get("C"));
	char buf[64];
	statement_money_put_fine(&m, 7854, 3, 3, buf, sizeof buf);
	assert_string_equal(buf, "0.07854");
	statement_money_put_fine(&m, -17000, 3, 0, buf, sizeof buf);
	assert_string_equal(buf, "-0.17");
	statement_money_put_fine(&m, -17001, 3, 0, buf, sizeof buf);
	assert_string_equal(buf, "-0.17001");
	statement_money_put_fine(&m, 123456789, 0, 3, buf, sizeof buf);
	assert_string_equal(buf, "1,234,567.89000");
	statement_plain_fine(-8, "cny", 0, 3, buf, sizeof buf);
	assert_string_equal(buf, "-0.08000");
	statement_plain_fine(INT64_MIN, "cny", 3, 3, buf, sizeof buf);
	assert_string_equal(buf, "-92233720368547.75808");
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_decimal),
	        cmocka_unit_test_teardown(test_wechat_equal, teardown),
	        cmocka_unit_test_teardown(test_wechat_differences, teardown),
	        cmocka_unit_test_teardown(test_wechat_sample_style, teardown),
	        cmocka_unit_test_teardown(test_days_without_bills, teardown),
	        cmocka_unit_test_teardown(test_alipay_totals, teardown),
	        cmocka_unit_test_teardown(test_withdrawal_before_history, teardown),
	        cmocka_unit_test_teardown(test_formats, teardown),
	        cmocka_unit_test_teardown(test_fee_decimals, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
