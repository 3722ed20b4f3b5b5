/* Internals of sync shared by sync.c and sync_window.c (private to client/). */
#ifndef PAYDESK_SYNC_PRIVATE_H
#define PAYDESK_SYNC_PRIVATE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "client/cache.h"
#include "client/store.h"
#include "client/sync.h"

/* One sync in progress. */
struct sync {
	const struct profile *profile;
	struct cache *cache;
	sqlite3 *db;
	struct store *store;
	struct provider *provider;
	const struct provider_ops *ops;
	const struct provider_platform *platform;
	const volatile int *cancel;
	sync_progress_fn *progress_fn;
	void *user;
	struct sync_progress progress;
	struct sync_result *result;
	struct timespec start;
	int64_t account_created;
	int64_t newest_created;        /* of the resource being backfilled */
	int done_weight, total_weight; /* of the backfill, for ETA */
	bool forbidden[PROVIDER_RESOURCE_COUNT];
};

/* A row of sync_state: where a list's backfill stands, and the event mark. */
struct sync_state_row {
	char backfill_cursor[128];
	bool backfill_done;
	bool has_mark; /* an event mark was taken (last_event_created not NULL) */
	char last_event_id[128];
	int64_t last_event_created;
	int64_t last_success;
	int64_t window_lo, window_hi;
};

/* The drivers of each kind of history: sync_lists.c and sync_bills.c. Each returns 0 when
 * everything was synced, -1 with the failure recorded. */
int sync_lists_run(struct sync *s, const struct sync_options *options);
int sync_bills_run(struct sync *s, const struct sync_options *options);
/* Ensures every resource has a sync_state row. 0 or -1. */
int sync_init_state(struct sync *s);

void sync_fail(struct sync *s, enum provider_outcome outcome, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
void sync_fail_request(struct sync *s, enum provider_resource res, const struct provider_result *r);
/* The same, for a request named by a (translated) word of its own. */
void sync_fail_named(struct sync *s, const char *what, const struct provider_result *r);
void sync_forbid(struct sync *s, enum provider_resource res, const struct provider_result *r);
/* Lists one page of res into *pg (the caller frees it). Returns 1 with a page, 0 when the
 * key may not read res (recorded with sync_forbid: the sync goes on without it), -1 on
 * any other failure (recorded with sync_fail_request). */
int sync_list_page(struct sync *s, enum provider_resource res, const struct provider_list_query *q,
                   struct provider_page *pg);
bool sync_cancelled(struct sync *s);
void sync_report(struct sync *s, enum sync_phase phase, enum provider_resource res,
                 int64_t cur_created, int weight);
/* Runs SQL on the sync's connection; on failure records why and returns the SQLite code. */
int sync_exec(struct sync *s, const char *sql);
int sync_db_fail(struct sync *s);
void sync_rollback(struct sync *s);
/* Reads the sync_state row named key ("charges", "charges@2", "events"). */
int sync_load_state(struct sync *s, const char *key, struct sync_state_row *out);
/* Runs an UPDATE of sync_state with ?1 = key, text ?2 and integers ?3 ?4. */
int sync_update_state(struct sync *s, const char *sql, const char *key, const char *text, int64_t a,
                      int64_t b);
/* Stores a page's objects; the caller holds the transaction. */
int sync_store_page(struct sync *s, const struct provider_page *pg, enum provider_resource res);

/* Stores a page and moves the cursor of the sync_state row `key` past it; *done when it was
 * the list's last page. The caller holds the transaction. 0, or -1 with the failure
 * recorded. */
int sync_put_page(struct sync *s, enum provider_resource res, const char *key,
                  const struct provider_page *pg, bool *done);
/* Lists one resource newest-first within created [lo, hi) (0 = open), from the cursor of the
 * sync_state row `key`, a page and its cursor per transaction. 0 when done (or skipped for
 * lack of permission), -1 on failure. */
int sync_backfill_range(struct sync *s, enum provider_resource res, const char *key, int64_t lo,
                        int64_t hi, int weight);

/* Parallel lists, one connection each, on libcurl multi (sync_window.c, sync_reconcile.c).
 * Streams at once: four stay well inside a live account's read limit. */
#define SYNC_STREAMS 4

/* Pages stored by several transactions' worth of work in one: a transaction holds at most
 * SYNC_PAGES_PER_COMMIT pages and lasts at most SYNC_COMMIT_MS. Every commit rewrites the
 * index leaves its objects touch, so fewer commits write fewer pages; the screens' own
 * writes (an outbox row before a refund) wait at most that long, and a kill loses at most
 * that much work. Each page is stored with its cursor in the same transaction. */
#define SYNC_PAGES_PER_COMMIT 64
#define SYNC_COMMIT_MS        250
struct sync_batch {
	int pages;             /* pages in the open transaction; 0 = none open */
	struct timespec began; /* when it was opened */
};
/* Before storing a page: opens the transaction if none is. 0 or -1 (failure recorded). */
int sync_batch_add(struct sync *s, struct sync_batch *b);
/* After storing a page: commits when the batch is full or old enough, or always when
 * `now`. 0 or -1 (failure recorded). */
int sync_batch_done(struct sync *s, struct sync_batch *b, bool now);
/* While waiting for the network: commits a batch that is old enough. */
int sync_batch_idle(struct sync *s, struct sync_batch *b);
/* After a failed store: rolls the whole batch back (the next run fetches it again). */
void sync_batch_abandon(struct sync *s, struct sync_batch *b);

/* Lists what every payout not yet reconciled paid out (SYNC_STREAMS payouts at once), marks
 * each entry with its payout and then the payout as reconciled. 0, or -1 with the failure
 * recorded (what was committed stays: the next run goes on from there). */
int sync_reconcile(struct sync *s);

/* Lists one resource in parallel created windows, each on its own connection, driven
 * together in this thread; resumes the windows of an interrupted run. Same results as
 * sync_backfill_range. */
int sync_backfill_windows(struct sync *s, enum provider_resource res, int weight);

#endif
