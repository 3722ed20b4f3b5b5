/* The public interface of client/: platform access, cache and sync. Knows nothing of curses.
 * Other layers include only this header; each module's header is listed once below. */
#ifndef PAYDESK_CLIENT_H
#define PAYDESK_CLIENT_H

#include <stddef.h>
#include <time.h>

#include "client/i18n.h"
#include "client/money.h"
#include "client/audit.h"
#include "client/outbox.h"
#include "client/actions.h"
#include "client/ledger.h"
#include "client/profile.h"
#include "client/provider.h"
#include "client/cache.h"
#include "client/sync.h"

/* The current time in Unix seconds; the environment variable PAYDESK_NOW (Unix seconds)
 * overrides it so that tests and screen dumps are reproducible. */
time_t paydesk_now(void);

/* What paydesk_dates_parse made of what was typed. */
enum paydesk_date_status {
	PAYDESK_DATE_OK = 0,
	PAYDESK_DATE_EMPTY,    /* nothing was given */
	PAYDESK_DATE_BAD,      /* not a day paydesk reads */
	PAYDESK_DATE_REVERSED, /* a range that ends before it starts: refused, never empty */
};

/* The one reader of dates people type, everywhere (screens, audit, statement): a day or a
 * range of days in local time (TZ). A day is "today", "yesterday", "-7d" (seven days before
 * today; "-7" too) or YYYY-MM-DD; a range is FROM..TO of those, both included, and either
 * may be left out (open). On PAYDESK_DATE_OK, *from is the local midnight starting the
 * first day and *to the one after the last day; 0 for an open side. now is the clock
 * (paydesk_now()). Nothing is written on failure. */
enum paydesk_date_status paydesk_dates_parse(const char *text, time_t now, time_t *from,
                                             time_t *to);
/* A translated sentence for a status, quoting text (into buf; "" for OK). */
void paydesk_dates_message(enum paydesk_date_status status, const char *text, char *buf,
                           size_t size);

#endif
