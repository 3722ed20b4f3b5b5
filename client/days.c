/* Calendar days at a fixed offset from UTC; see days.h. The civil-date conversion is the
 * well-known one of Howard Hinnant's date algorithms (eras of 400 years). */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "client/days.h"

int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;                                  /* [0, 399] */
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1; /* [0, 365] */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* [0, 146096] */
	return era * 146097 + doe - 719468;
}

/* The date of a day number (days since 1970-01-01). */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static void format_day_number(int64_t z, char out[11])
{
	int64_t y;
	int m, d;
	civil_from_days(z, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999;
	snprintf(out, 11, "%04d-%02d-%02d", (int)y, m, d);
}

void days_format(int64_t t, int offset_s, char out[11])
{
	format_day_number(floor_div(t + offset_s, 86400), out);
}

/* The day number of "YYYY-MM-DD"; 0, or -1 when it is not a real date. */
static int day_number(const char *day, int64_t *z)
{
	int y, m, d;
	char tail;
	if (!day || strlen(day) != 10 || day[4] != '-' || day[7] != '-' ||
	    sscanf(day, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1)
		return -1;
	static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > month_days[m - 1] + (m == 2 && leap))
		return -1;
	*z = days_from_civil(y, m, d);
	return 0;
}

int days_start(const char *day, int offset_s, int64_t *start)
{
	int64_t z;
	if (day_number(day, &z) != 0)
		return -1;
	*start = z * 86400 - offset_s;
	return 0;
}

int days_add(const char *day, int n, char out[11])
{
	int64_t z;
	if (day_number(day, &z) != 0)
		return -1;
	format_day_number(z + n, out);
	return 0;
}
