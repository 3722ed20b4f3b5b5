/* Sync: mirrors the platform's data into the cache. Backfill newest-first with every page
 * and its cursor committed together (resumable, never half-written), then incremental from
 * the platform's events, re-scanning when the events needed are no longer kept. */
#ifndef PAYDESK_SYNC_H
#define PAYDESK_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "client/profile.h"
#include "client/provider.h"

struct sync_options {
	bool full; /* fetch everything again (the cache keeps what it has meanwhile) */
};

enum sync_phase {
	SYNC_PHASE_START = 0,
	SYNC_PHASE_BACKFILL,  /* listing a resource */
	SYNC_PHASE_EVENTS,    /* applying events */
	SYNC_PHASE_RECONCILE, /* listing what each payout paid out */
	SYNC_PHASE_BILLS,     /* reading a day's bills */
	SYNC_PHASE_DONE,
};

struct sync_progress {
	enum sync_phase phase;
	enum provider_resource resource; /* the list being read */
	char what[80];                   /* what is being read, in words ("charges", "bill of
	                                  * 2026-11-20"), translated */
	int64_t objects;                 /* stored in this run */
	int64_t per_resource[PROVIDER_RESOURCE_COUNT];
	int64_t elapsed_ms;
	int64_t per_second; /* objects per second so far */
	int permille;       /* estimated share done, -1 unknown */
	int64_t eta_s;      /* estimated seconds left, -1 unknown */
};

/* Called after every committed page, from the thread running sync_run. */
typedef void sync_progress_fn(const struct sync_progress *progress, void *user);

struct sync_result {
	enum provider_outcome outcome; /* PROVIDER_OK when everything was synced */
	char message[1024];            /* translated reason when not OK; may quote the
	                                 * platform's words: sanitize before showing */
	char notice[1400];             /* what opening the cache had to do, or "" */
	char request_id[64];           /* of the request that failed, "" when none */
	int64_t objects;               /* objects stored (an object stored twice counts twice) */
	int64_t objects_new;           /* objects the cache did not hold before */
	int64_t events;                /* events applied */
	bool rescanned;                /* events were too old: everything was listed again */
	bool partial;                  /* a resource was skipped (permission) */
	char bills_through[16];        /* bill platforms: the last day whose bills are in the
	                                * cache, "" when none */
	bool bill_pending;             /* the next day's bill is not made yet (not a failure) */
};

/* Runs one sync of the profile's account into its cache. Thread-safe: opens its own cache
 * connection and HTTP client, so a caller may run it in a thread while reading the cache.
 * progress may be NULL; cancel (may be NULL) stops it between requests when non-zero.
 * Returns 0 when everything was synced, -1 otherwise; result says what happened. The cache
 * is consistent whatever happens, and a later sync continues where this one stopped. */
int sync_run(const struct profile *profile, const struct sync_options *options,
             sync_progress_fn *progress, void *user, const volatile int *cancel,
             struct sync_result *result);

#endif
