/* The one reader of typed dates (paydesk_dates_parse): days and ranges in local time,
 * daylight saving days, open ends, and what is refused with a reason. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "client/client.h"

/* 2026-09-21 14:13:20 in Berlin (CEST, UTC+2). */
#define NOW ((time_t)1790000000)

/* The local midnight of a day in the zone of the test (TZ). */
static time_t midnight(int y, int m, int d)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_isdst = -1};
	return mktime(&tm);
}

static void parses(const char *text, time_t from, time_t to)
{
	time_t f = -5, t = -5;
	assert_int_equal(paydesk_dates_parse(text, NOW, &f, &t), PAYDESK_DATE_OK);
	assert_int_equal(f, from);
	assert_int_equal(t, to);
}

static void test_days(void **state)
{
	(void)state;
	parses("today", midnight(2026, 9, 21), midnight(2026, 9, 22));
	parses("yesterday", midnight(2026, 9, 20), midnight(2026, 9, 21));
	parses("-7d", midnight(2026, 9, 14), midnight(2026, 9, 15));
	parses("-7", midnight(2026, 9, 14), midnight(2026, 9, 15));
	parses("-0d", midnight(2026, 9, 21), midnight(2026, 9, 22));
	parses("2026-09-01", midnight(2026, 9, 1), midnight(2026, 9, 2));
	parses("  2026-09-01 ", midnight(2026, 9, 1), midnight(2026, 9, 2));
	/* Across the end of a month and a year. */
	parses("-21d", midnight(2026, 8, 31), midnight(2026, 9, 1));
	parses("2025-12-31", midnight(2025, 12, 31), midnight(2026, 1, 1));
}

static void test_ranges(void **state)
{
	(void)state;
	parses("2026-09-01..2026-09-10", midnight(2026, 9, 1), midnight(2026, 9, 11));
	parses("-7d..today", midnight(2026, 9, 14), midnight(2026, 9, 22));
	parses("-7d..", midnight(2026, 9, 14), 0);
	parses("..yesterday", 0, midnight(2026, 9, 21));
	parses("2026-09-10 .. 2026-09-10", midnight(2026, 9, 10), midnight(2026, 9, 11));
}

static void test_daylight_saving_days(void **state)
{
	(void)state;
	/* Berlin's spring day has 23 hours, its autumn day 25: whole local days either way. */
	time_t f, t;
	assert_int_equal(paydesk_dates_parse("2026-03-29", NOW, &f, &t), PAYDESK_DATE_OK);
	assert_int_equal(t - f, 23 * 3600);
	assert_int_equal(paydesk_dates_parse("2026-10-25", NOW, &f, &t), PAYDESK_DATE_OK);
	assert_int_equal(t - f, 25 * 3600);
	assert_int_equal(paydesk_dates_parse("2026-03-28..2026-03-30", NOW, &f, &t),
	                 PAYDESK_DATE_OK);
	assert_int_equal(t - f, 3 * 86400 - 3600);
}

static void test_refused(void **state)
{
	(void)state;
	time_t f = 7, t = 7;
	assert_int_equal(paydesk_dates_parse("2026-09-10..2026-09-01", NOW, &f, &t),
	                 PAYDESK_DATE_REVERSED);
	assert_int_equal(paydesk_dates_parse("today..-1d", NOW, &f, &t), PAYDESK_DATE_REVERSED);
	const char *bad[] = {"2026-02-30", "2026-13-01", "2026-9-1",    "tomorrow",  "-7x",
	                     "..",         "1790000000", "today..soon", "09/21/2026"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(paydesk_dates_parse(bad[i], NOW, &f, &t), PAYDESK_DATE_BAD);
	assert_int_equal(paydesk_dates_parse("", NOW, &f, &t), PAYDESK_DATE_EMPTY);
	assert_int_equal(paydesk_dates_parse("  ", NOW, &f, &t), PAYDESK_DATE_EMPTY);
	/* Nothing is written when the text is refused. */
	assert_int_equal(f, 7);
	assert_int_equal(t, 7);
}

static void test_messages(void **state)
{
	(void)state;
	char buf[256];
	paydesk_dates_message(PAYDESK_DATE_REVERSED, "2026-09-10..2026-09-01", buf, sizeof buf);
	assert_non_null(strstr(buf, "'2026-09-10..2026-09-01' ends before it starts"));
	paydesk_dates_message(PAYDESK_DATE_BAD, "soon", buf, sizeof buf);
	assert_non_null(strstr(buf, "'soon' is not a date: write it as YYYY-MM-DD"));
	assert_non_null(strstr(buf, "-7d"));
}

int main(void)
{
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_days),
	        cmocka_unit_test(test_ranges),
	        cmocka_unit_test(test_daylight_saving_days),
	        cmocka_unit_test(test_refused),
	        cmocka_unit_test(test_messages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
