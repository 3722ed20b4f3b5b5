/* Money: parsing, formatting per locale, exponents and overflow-safe arithmetic. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "client/client.h"

static void parse_ok(const char *text, const char *cur, unsigned flags, int64_t want)
{
	int64_t got = -777;
	enum money_status st = money_parse(text, cur, flags, &got);
	if (st != MONEY_OK)
		fail_msg("parse '%s' %s: status %d", text, cur, (int)st);
	assert_int_equal(got, want);
}

static void parse_err(const char *text, const char *cur, unsigned flags, enum money_status want)
{
	int64_t got = 4242;
	assert_int_equal(money_parse(text, cur, flags, &got), want);
	assert_int_equal(got, 4242); /* untouched on failure */
}

static void test_exponents(void **state)
{
	(void)state;
	assert_int_equal(money_exponent("usd"), 2);
	assert_int_equal(money_exponent("EUR"), 2);
	assert_int_equal(money_exponent("jpy"), 0);
	assert_int_equal(money_exponent("KRW"), 0);
	assert_int_equal(money_exponent("vnd"), 0);
	assert_int_equal(money_exponent("xof"), 0);
	assert_int_equal(money_exponent("kwd"), 3);
	assert_int_equal(money_exponent("BHD"), 3);
	assert_int_equal(money_exponent("jod"), 3);
	assert_int_equal(money_exponent("omr"), 3);
	assert_int_equal(money_exponent("tnd"), 3);
	assert_int_equal(money_exponent("cny"), 2);
	assert_true(money_currency_valid("gbp"));
	assert_false(money_currency_valid("gb"));
	assert_false(money_currency_valid("gbpx"));
	assert_false(money_currency_valid("g1p"));
	assert_false(money_currency_valid(NULL));
	char up[4];
	money_currency_upper("cny", up);
	assert_string_equal(up, "CNY");
}

static void test_parse(void **state)
{
	(void)state;
	parse_ok("12.50", "usd", 0, 1250);
	parse_ok("12.5", "usd", 0, 1250);
	parse_ok("12", "usd", 0, 1200);
	parse_ok("0.01", "usd", 0, 1);
	parse_ok(".99", "usd", 0, 99);
	parse_ok(" 7.00 ", "eur", 0, 700);
	parse_ok("1200", "jpy", 0, 1200);
	parse_ok("1200.00", "jpy", 0, 1200); /* trailing zeros are exact */
	parse_ok("1.234", "kwd", 0, 1234);
	parse_ok("0.5", "bhd", 0, 500);
	parse_ok("12.500", "usd", 0, 1250);
	parse_ok("1,234.50", "usd", MONEY_PARSE_ALLOW_GROUPING, 123450);
	parse_ok("1,234,567", "jpy", MONEY_PARSE_ALLOW_GROUPING, 1234567);
	parse_ok("-3.10", "gbp", MONEY_PARSE_ALLOW_NEGATIVE, -310);
	parse_ok("-0", "gbp", 0, 0);
	parse_ok("+4", "gbp", 0, 400);
	parse_ok("92233720368547758.07", "usd", 0, INT64_MAX);
	parse_ok("-92233720368547758.08", "usd", MONEY_PARSE_ALLOW_NEGATIVE, INT64_MIN);
}

static void test_parse_errors(void **state)
{
	(void)state;
	parse_err("", "usd", 0, MONEY_EMPTY);
	parse_err("   ", "usd", 0, MONEY_EMPTY);
	parse_err(NULL, "usd", 0, MONEY_EMPTY);
	parse_err("abc", "usd", 0, MONEY_SYNTAX);
	parse_err("12.", "usd", 0, MONEY_SYNTAX);
	parse_err("1e5", "usd", 0, MONEY_SYNTAX);
	parse_err("12.3.4", "usd", 0, MONEY_SYNTAX);
	parse_err("12 50", "usd", 0, MONEY_SYNTAX);
	parse_err("0x10", "usd", 0, MONEY_SYNTAX);
	parse_err("-", "usd", 0, MONEY_SYNTAX);
	parse_err("1,234.50", "usd", 0, MONEY_SYNTAX);
	parse_err("12,34", "usd", MONEY_PARSE_ALLOW_GROUPING, MONEY_SYNTAX);
	parse_err("1234,567", "usd", MONEY_PARSE_ALLOW_GROUPING, MONEY_SYNTAX);
	parse_err(",123", "usd", MONEY_PARSE_ALLOW_GROUPING, MONEY_SYNTAX);
	parse_err("12.505", "usd", 0, MONEY_TOO_MANY_DECIMALS);
	parse_err("1200.5", "jpy", 0, MONEY_TOO_MANY_DECIMALS);
	parse_err("1.2345", "kwd", 0, MONEY_TOO_MANY_DECIMALS);
	parse_err("-5", "usd", 0, MONEY_NEGATIVE);
	parse_err("92233720368547758.08", "usd", 0, MONEY_OVERFLOW);
	parse_err("99999999999999999999999", "jpy", 0, MONEY_OVERFLOW);
	parse_err("-92233720368547758.09", "usd", MONEY_PARSE_ALLOW_NEGATIVE, MONEY_OVERFLOW);
	parse_err("10", "us", 0, MONEY_BAD_CURRENCY);
	parse_err("10", NULL, 0, MONEY_BAD_CURRENCY);
	for (int s = MONEY_OK; s <= MONEY_BAD_CURRENCY; s++)
		assert_true(strlen(money_status_message((enum money_status)s)) > 0);
}

static void fmt_is(int64_t amount, const char *cur, const char *loc, unsigned flags,
                   const char *want)
{
	char buf[64];
	size_t n = money_format(amount, cur, money_locale_get(loc), flags, buf, sizeof buf);
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void test_format(void **state)
{
	(void)state;
	fmt_is(123456, "usd", "en_US.UTF-8", MONEY_FMT_NUMBER, "1,234.56");
	fmt_is(123456, "usd", "en_US.UTF-8", MONEY_FMT_SYMBOL, "$1,234.56");
	fmt_is(-5, "usd", "en_US.UTF-8", MONEY_FMT_SYMBOL, "-$0.05");
	fmt_is(0, "usd", "C", MONEY_FMT_SYMBOL, "$0.00");
	fmt_is(1200, "jpy", "en_US", MONEY_FMT_SYMBOL, "¥1,200");
	fmt_is(1234567, "kwd", "en_US", MONEY_FMT_CODE, "1,234.567 KWD");
	fmt_is(1234567, "kwd", "en_US", MONEY_FMT_SYMBOL, "KWD 1,234.567");
	fmt_is(99900, "cny", "en_US", MONEY_FMT_SYMBOL, "CN¥999.00");
	fmt_is(99900, "cny", "zh_CN.UTF-8", MONEY_FMT_SYMBOL, "¥999.00");
	fmt_is(123456, "usd", "zh_CN.UTF-8", MONEY_FMT_SYMBOL, "US$1,234.56");
	fmt_is(1200, "jpy", "zh_CN.UTF-8", MONEY_FMT_SYMBOL, "JP¥1,200");
	fmt_is(123456, "eur", "de_DE.UTF-8", MONEY_FMT_SYMBOL, "1.234,56 €");
	fmt_is(-123456, "eur", "de_DE.UTF-8", MONEY_FMT_SYMBOL, "-1.234,56 €");
	fmt_is(123456, "eur", "fr_FR.UTF-8", MONEY_FMT_NUMBER, "1\u202f234,56");
	fmt_is(123456, "eur", "de_DE", MONEY_FMT_PLAIN, "1234.56");
	fmt_is(-1, "kwd", "en", MONEY_FMT_PLAIN, "-0.001");
	fmt_is(INT64_MAX, "usd", "en", MONEY_FMT_PLAIN, "92233720368547758.07");
	fmt_is(INT64_MIN, "usd", "en", MONEY_FMT_PLAIN, "-92233720368547758.08");
	fmt_is(INT64_MIN, "jpy", "en", MONEY_FMT_NUMBER, "-9,223,372,036,854,775,808");
	fmt_is(500, "xyz", "en", MONEY_FMT_SYMBOL, "XYZ 5.00");

	/* Too small a buffer gives "" and 0, never a cut number. */
	char small[5];
	assert_int_equal(money_format(123456, "usd", money_locale_get("en"), MONEY_FMT_SYMBOL,
	                              small, sizeof small),
	                 0);
	assert_string_equal(small, "");
}

static void test_round_trip(void **state)
{
	(void)state;
	const char *curs[] = {"usd", "jpy", "kwd", "eur"};
	const int64_t values[] = {0, 1, 9, 10, 99, 100, 101, 12345, 1000000, INT64_MAX, -7};
	for (size_t c = 0; c < 4; c++) {
		for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
			char buf[64];
			int64_t back = 0;
			assert_true(money_format(values[i], curs[c], money_locale_get("en"),
			                         MONEY_FMT_PLAIN, buf, sizeof buf) > 0);
			assert_int_equal(
			        money_parse(buf, curs[c], MONEY_PARSE_ALLOW_NEGATIVE, &back),
			        MONEY_OK);
			assert_int_equal(back, values[i]);
		}
	}
}

static void test_arithmetic(void **state)
{
	(void)state;
	int64_t r = 0;
	assert_true(money_add(1250, 750, &r));
	assert_int_equal(r, 2000);
	assert_false(money_add(INT64_MAX, 1, &r));
	assert_int_equal(r, 2000);
	assert_false(money_add(INT64_MIN, -1, &r));
	assert_true(money_sub(100, 250, &r));
	assert_int_equal(r, -150);
	assert_false(money_sub(INT64_MIN, 1, &r));
	assert_true(money_mul(333, 3, &r));
	assert_int_equal(r, 999);
	assert_false(money_mul(INT64_MAX / 2 + 1, 2, &r));
}

/* ISO 4217 codes are known in either case; three letters that name no currency are not. */
static void test_known_currencies(void **state)
{
	(void)state;
	static const char *const known[] = {
	        "aed", "AFN", "bif", "bhd", "chf", "clp", "cny", "djf", "eur", "gbp", "gnf",
	        "hkd", "jod", "JPY", "kmf", "krw", "kwd", "mga", "omr", "pyg", "rwf", "tnd",
	        "ugx", "usd", "Usd", "vnd", "vuv", "xaf", "xof", "xpf", "zar", "zmw", "zwl"};
	for (size_t i = 0; i < sizeof known / sizeof *known; i++)
		if (!money_currency_known(known[i]))
			fail_msg("%s is ISO 4217", known[i]);
	static const char *const unknown[] = {"xyz",  "XYZ", "xts", "xxx", "abc",
	                                      "usdx", "us",  "",    "u$d", "eu1"};
	for (size_t i = 0; i < sizeof unknown / sizeof *unknown; i++)
		if (money_currency_known(unknown[i]))
			fail_msg("%s is not ISO 4217", unknown[i]);
	assert_false(money_currency_known(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_exponents),        cmocka_unit_test(test_parse),
	        cmocka_unit_test(test_parse_errors),     cmocka_unit_test(test_format),
	        cmocka_unit_test(test_round_trip),       cmocka_unit_test(test_arithmetic),
	        cmocka_unit_test(test_known_currencies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
