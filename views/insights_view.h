/* How the Insights figures are written, on the screen and by `paydesk insights`. */
#ifndef PAYDESK_INSIGHTS_VIEW_H
#define PAYDESK_INSIGHTS_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "client/insights.h"

/* The longest span a screen or the command reads. */
#define INSIGHTS_VIEW_MAX_DAYS 366

struct provider_platform;
/* The title of measure m (translated), in the words of platform pl where they differ
 * (WeChat Pay's and Alipay's complaints); pl NULL: the neutral words. */
const char *insights_view_title(enum insights_measure m, const struct provider_platform *pl);

/* A measure of s in the locale's money format ("1,234.56", a fee to its finer digits when
 * they are not zeros), a count, or a rate ("1.25%"); "-" when it has no value. */
/* One line of what a series' payments settled as from paid[i]: the amount, its share and
 * its payments (and conversion fees). */
void insights_view_paid(const struct insights_series *ser, int i, char *buf, size_t size);
void insights_view_format(const struct insights_sums *s, enum insights_measure m,
                          const char *currency, char *buf, size_t size);
/* The same for CSV and JSON: "1234.56", "1.25" (rates in percent), "" for no value. */
void insights_view_plain(const struct insights_sums *s, enum insights_measure m,
                         const char *currency, char *buf, size_t size);
/* The change from before to now: "+12.5%" ("↑12.5%" with arrows), rates in points
 * ("+0.20 pt"); "" when there is nothing to compare with. */
void insights_view_change(const struct insights_sums *before, const struct insights_sums *now,
                          enum insights_measure m, bool arrows, char *buf, size_t size);

#endif
