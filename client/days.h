/* Calendar days at a fixed offset from UTC, computed without the process's time zone (TZ),
 * so that a sync thread may use them while the screens format dates. The bill days of the
 * Chinese platforms are days of China Standard Time, UTC+8 all year, for which a fixed
 * offset is exact. Private to client/. */
#ifndef PAYDESK_DAYS_H
#define PAYDESK_DAYS_H

#include <stdint.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (any year). */
int64_t days_from_civil(int64_t y, int m, int d);

/* "YYYY-MM-DD" (11 bytes with the NUL) of the day that Unix time t falls in, at offset_s
 * seconds east of UTC. */
void days_format(int64_t t, int offset_s, char out[11]);

/* The Unix time at which day "YYYY-MM-DD" begins at offset_s east of UTC. 0, or -1 when day
 * is not such a date. */
int days_start(const char *day, int offset_s, int64_t *start);

/* The day n days after day (n may be negative) into out[11]. 0, or -1 when day is not a
 * date. */
int days_add(const char *day, int n, char out[11]);

#endif
