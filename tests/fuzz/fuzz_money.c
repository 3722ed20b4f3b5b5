/* The money parser (client/money.c): the first byte picks a currency (one of each exponent
 * class, either case, and an invalid code) and the parse flags; the rest is the amount.
 * Checked: failure leaves the output alone; a parsed amount is the value of its digits
 * (worked out here in 128 bits), in range, signed only when allowed; an amount written as
 * an amount (the digits, a sign, ',' groups, a '.' and up to the currency's decimals) is
 * read; money_format writes it back so that money_parse reads the same value; more
 * permissive flags never change a value read. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>

#include "client/money.h"
#include "tests/fuzz/fuzz.h"

/* Exponents 2, 0, 2, 3, 3, 0, 2 (upper case), and a code that is not three letters. */
static const char *const currencies[8] = {"usd", "jpy", "cny", "kwd", "bhd", "krw", "USD", "u5d"};

/* The amount as a person writes it: [blanks][sign]digits with ',' groups of three[.digits]
 * [blanks]. Sets the value in minor units (saturated far beyond 64 bits), whether it had a
 * sign, a ',' and a decimal past the currency's. False for anything else. */
static bool reference(const char *s, int exponent, __int128 *value, bool *neg, bool *grouped,
                      bool *extra)
{
	const __int128 cap = (__int128)1 << 100;
	__int128 v = 0;
	int digits = 0, frac = 0, run = -1;
	*neg = *grouped = *extra = false;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '-' || *s == '+')
		*neg = *s++ == '-';
	for (; (*s >= '0' && *s <= '9') || *s == ','; s++) {
		if (*s == ',') {
			if (digits == 0 || (run >= 0 && run != 3) || (run < 0 && digits > 3))
				return false;
			*grouped = true;
			run = 0;
			continue;
		}
		v = v > cap ? v : v * 10 + (*s - '0');
		digits++;
		if (run >= 0)
			run++;
	}
	if (run >= 0 && run != 3)
		return false;
	if (*s == '.') {
		s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		for (; *s >= '0' && *s <= '9'; s++) {
			if (frac < exponent) {
				v = v > cap ? v : v * 10 + (*s - '0');
				frac++;
			} else if (*s != '0') {
				*extra = true;
			}
		}
	}
	if (digits == 0 && frac == 0 && !*extra)
		return false;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s)
		return false;
	for (; frac < exponent; frac++)
		v = v > cap ? v : v * 10;
	*value = *neg ? -v : v;
	return true;
}

/* money_format, checked: it fits, and a buffer one byte short is refused whole. */
static size_t format(int64_t v, const char *cur, const char *locale, unsigned flags, char *buf,
                     size_t size)
{
	const struct money_locale *loc = money_locale_get(locale);
	size_t n = money_format(v, cur, loc, flags, buf, size);
	CHECK(n > 0 && n < size && strlen(buf) == n);
	char small[128];
	CHECK(n < sizeof small);
	CHECK(money_format(v, cur, loc, flags, small, n) == 0 && small[0] == '\0');
	CHECK(money_format(v, cur, loc, flags, small, n + 1) == n && strcmp(small, buf) == 0);
	return n;
}

static void check_ok(const char *text, const char *cur, unsigned flags, int64_t v)
{
	const int exponent = money_exponent(cur);
	__int128 ref;
	bool neg, grouped, extra;
	CHECK(reference(text, exponent, &ref, &neg, &grouped, &extra));
	CHECK(ref == v && !extra);
	CHECK(v >= 0 || (flags & MONEY_PARSE_ALLOW_NEGATIVE));
	CHECK(!grouped || (flags & MONEY_PARSE_ALLOW_GROUPING));

	/* more permissive flags read the same value */
	int64_t w = 0;
	CHECK(money_parse(text, cur,
	                  flags | MONEY_PARSE_ALLOW_NEGATIVE | MONEY_PARSE_ALLOW_GROUPING,
	                  &w) == MONEY_OK &&
	      w == v);

	/* written back, read again: plain (CSV, JSON, CLI) and grouped in English */
	char buf[128];
	format(v, cur, "C", MONEY_FMT_PLAIN, buf, sizeof buf);
	w = 0;
	CHECK(money_parse(buf, cur, MONEY_PARSE_ALLOW_NEGATIVE, &w) == MONEY_OK && w == v);
	format(v, cur, "en_US.UTF-8", MONEY_FMT_NUMBER, buf, sizeof buf);
	w = 0;
	CHECK(money_parse(buf, cur, MONEY_PARSE_ALLOW_NEGATIVE | MONEY_PARSE_ALLOW_GROUPING, &w) ==
	              MONEY_OK &&
	      w == v);
	/* the decorated forms fit and are refused whole when they do not */
	static const char *const locales[] = {"en_US", "zh_CN.UTF-8", "de_DE", "fr_FR", "xx"};
	for (size_t i = 0; i < sizeof locales / sizeof *locales; i++)
		for (unsigned f = 0; f <= (MONEY_FMT_SYMBOL | MONEY_FMT_CODE); f++)
			format(v, cur, locales[i], f, buf, sizeof buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *cur = currencies[data[0] & 7];
	const unsigned flags = (data[0] >> 3) & 3;
	char *text = fuzz_copy(data + 1, size - 1);

	const int64_t untouched = 0x5eed5eed5eed5eed;
	int64_t v = untouched;
	enum money_status st = money_parse(text, cur, flags, &v);
	CHECK(st >= MONEY_OK && st <= MONEY_BAD_CURRENCY);
	CHECK(money_status_message(st) != NULL);
	CHECK(st == MONEY_OK || v == untouched);
	CHECK((st == MONEY_BAD_CURRENCY) == !money_currency_valid(cur));

	if (st == MONEY_OK) {
		check_ok(text, cur, flags, v);
	} else if (st != MONEY_BAD_CURRENCY) {
		/* refused: then it is no amount, or one these flags forbid, or out of range */
		__int128 ref;
		bool neg, grouped, extra;
		if (reference(text, money_exponent(cur), &ref, &neg, &grouped, &extra))
			CHECK(extra || (grouped && !(flags & MONEY_PARSE_ALLOW_GROUPING)) ||
			      (ref < 0 && !(flags & MONEY_PARSE_ALLOW_NEGATIVE)) ||
			      ref > INT64_MAX || ref < INT64_MIN);
	}
	free(text);
	return 0;
}
