/* The public interface of client/: platform access, cache and sync. Knows nothing of curses.
 * Other layers include only this header; each module's header is listed once below. */
#ifndef PAYDESK_CLIENT_H
#define PAYDESK_CLIENT_H

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

#endif
