/* The program's clock, which tests can pin with PAYDESK_NOW, and the one reader of the
 * dates people type: days and ranges of days in local time. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client.h"

time_t paydesk_now(void)
{
	const char *pinned = getenv("PAYDESK_NOW");
	if (pinned && *pinned) {
		char *end;
		errno = 0;
		long long v = strtoll(pinned, &end, 10);
		if (errno == 0 && *end == '\0' && v > 0)
			return (time_t)v;
	}
	return time(NULL);
}

/* The local midnight that starts day y-m-d plus `add` days, or -1. Days are counted at
 * noon, which no daylight saving change reaches, then the day's start is asked for. */
static time_t day_start(int y, int m, int d, int add)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + add, .tm_hour = 12};
	tm.tm_isdst = -1;
	if (mktime(&tm) == (time_t)-1)
		return -1;
	tm.tm_hour = 0;
	tm.tm_min = 0;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* Trims blanks off both ends of text into out. */
static void trimmed(const char *text, size_t len, char *out, size_t size)
{
	while (len > 0 && isspace((unsigned char)*text)) {
		text++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)text[len - 1]))
		len--;
	snprintf(out, size, "%.*s", (int)len, text);
}

/* One day: "today", "yesterday", "-N" or "-Nd" (N days ago), or YYYY-MM-DD. Returns the
 * local midnight that starts it, or -1 when text is none of those. */
static time_t one_day(const char *text, time_t now)
{
	struct tm today;
	if (!localtime_r(&now, &today))
		return -1;
	int y = today.tm_year + 1900, m = today.tm_mon + 1, d = today.tm_mday;
	if (strcmp(text, "today") == 0)
		return day_start(y, m, d, 0);
	if (strcmp(text, "yesterday") == 0)
		return day_start(y, m, d, -1);
	if (text[0] == '-' && isdigit((unsigned char)text[1])) {
		char *end;
		errno = 0;
		long back = strtol(text + 1, &end, 10);
		if (errno != 0 || back > 36600 || (*end && strcmp(end, "d") != 0))
			return -1;
		return day_start(y, m, d, -(int)back);
	}
	int n = 0;
	if (sscanf(text, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || text[n] != '\0' ||
	    y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	/* mktime would make 2026-02-30 into March: a day that does not exist is refused. */
	struct tm check = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
	check.tm_isdst = -1;
	if (mktime(&check) == (time_t)-1 || check.tm_mon != m - 1 || check.tm_mday != d)
		return -1;
	return day_start(y, m, d, 0);
}

enum paydesk_date_status paydesk_dates_parse(const char *text, time_t now, time_t *from, time_t *to)
{
	char a[64], b[64];
	const char *dots = text ? strstr(text, "..") : NULL;
	if (!text)
		text = "";
	if (dots) {
		trimmed(text, (size_t)(dots - text), a, sizeof a);
		trimmed(dots + 2, strlen(dots + 2), b, sizeof b);
		if (!a[0] && !b[0])
			return PAYDESK_DATE_BAD;
	} else {
		trimmed(text, strlen(text), a, sizeof a);
		if (!a[0])
			return PAYDESK_DATE_EMPTY;
		snprintf(b, sizeof b, "%s", a);
	}
	time_t first = 0, last = 0;
	if (a[0] && (first = one_day(a, now)) == (time_t)-1)
		return PAYDESK_DATE_BAD;
	if (b[0] && (last = one_day(b, now)) == (time_t)-1)
		return PAYDESK_DATE_BAD;
	if (a[0] && b[0] && last < first)
		return PAYDESK_DATE_REVERSED;
	time_t end = 0;
	if (b[0]) {
		struct tm tm;
		if (!localtime_r(&last, &tm) || (end = day_start(tm.tm_year + 1900, tm.tm_mon + 1,
		                                                 tm.tm_mday, 1)) == (time_t)-1)
			return PAYDESK_DATE_BAD;
	}
	*from = first;
	*to = end;
	return PAYDESK_DATE_OK;
}

void paydesk_dates_message(enum paydesk_date_status status, const char *text, char *buf,
                           size_t size)
{
	switch (status) {
	case PAYDESK_DATE_OK:
		snprintf(buf, size, "%s", "");
		break;
	case PAYDESK_DATE_EMPTY:
		snprintf(buf, size, "%s", _("no date was given"));
		break;
	case PAYDESK_DATE_BAD:
		snprintf(buf, size,
		         _("'%s' is not a date: write it as YYYY-MM-DD, today, yesterday or -7d "
		           "(seven days ago), and a range as FROM..TO"),
		         text);
		break;
	case PAYDESK_DATE_REVERSED:
		snprintf(buf, size,
		         _("the range '%s' ends before it starts: write the earlier day first"),
		         text);
		break;
	}
}
