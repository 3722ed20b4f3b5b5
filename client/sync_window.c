/* Parallel created windows: a big list is cut into time windows listed at the same time,
 * each by a thread with its own HTTP connection and cache connection, so that the sync uses
 * the platform's rate limit rather than one connection's round trips. Each window keeps its
 * own cursor in sync_state ("charges@0" ...), so an interrupted run resumes every window. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/cache_private.h"
#include "client/client.h"
#include "client/sync_private.h"

/* Windows per list. Four connections stay well inside a live account's read limit. */
#define SYNC_WINDOWS 4
/* The marker in the list's own row that its windows are planned. */
#define SYNC_PLANNED "@windows"

struct window {
	char key[80];
	int64_t lo, hi;
	bool done;
	struct sync w;             /* the worker's own sync */
	struct sync_result result; /* the worker's own outcome */
	pthread_t thread;
	bool started;
	enum provider_resource res;
	int weight;
	volatile int finished;
};

/* A worker: opens its own connections and lists its window. */
static void *run_window(void *arg)
{
	struct window *win = arg;
	struct sync *w = &win->w;
	char err[1024];
	w->cache = cache_attach(w->profile->cache_path, err, sizeof err);
	if (w->cache) {
		w->db = cache_db(w->cache);
		/* The window's own connection: its store keeps orders_fts itself (store_new). */
		sqlite3_db_config(w->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
		w->store = store_new(w->db, err, sizeof err);
	}
	if (w->store)
		w->provider = provider_open(w->profile, NULL, err, sizeof err);
	bool done = false;
	if (!w->provider) {
		sync_fail(w, PROVIDER_BAD_REPLY, "%s", err);
	} else {
		provider_set_cancel(w->provider, w->cancel);
		w->ops = provider_get_ops(w->provider);
		int rc = sync_backfill_range(w, win->res, win->key, win->lo, win->hi, win->weight);
		done = rc == 0 && !w->forbidden[win->res];
	}
	provider_close(&w->provider);
	store_free(&w->store);
	cache_close(&w->cache);
	pthread_mutex_lock(w->lock);
	win->done = done;
	win->finished = 1;
	pthread_mutex_unlock(w->lock);
	return NULL;
}

/* Plans the windows: the newest object's time, back to the account's creation, cut in
 * equal spans; the oldest window is open at the bottom and the newest ends just after the
 * newest object (anything newer comes with the events). Returns 1 when the list is empty
 * (and marked done), 0 when planned, -1 on failure. */
static int plan(struct sync *s, enum provider_resource res, const char *name)
{
	struct provider_list_query q = {.limit = 1};
	struct provider_page pg;
	int got = sync_list_page(s, res, &q, &pg);
	if (got <= 0)
		return got < 0 ? -1 : 1;
	bool empty = pg.n == 0;
	int64_t newest = empty ? 0 : pg.objects[0].created;
	provider_page_free(&pg);
	if (sync_exec(s, "BEGIN IMMEDIATE") != SQLITE_OK)
		return -1;
	int rc = SQLITE_OK;
	if (empty) {
		rc = sync_update_state(
		        s,
		        "UPDATE sync_state SET backfill_done = 1, backfill_cursor = ?2"
		        " WHERE resource = ?1",
		        name, NULL, 0, 0);
	} else {
		int64_t oldest = s->account_created > 0 && s->account_created < newest
		                         ? s->account_created
		                         : newest - 400 * 86400;
		int64_t top = newest + 1;
		sqlite3_stmt *st = NULL;
		rc = sqlite3_prepare_v2(s->db,
		                        "INSERT OR REPLACE INTO sync_state(resource, backfill_done,"
		                        " window_lo, window_hi) VALUES (?1, 0, ?2, ?3)",
		                        -1, &st, NULL);
		for (int i = 0; rc == SQLITE_OK && i < SYNC_WINDOWS; i++) {
			char key[80];
			snprintf(key, sizeof key, "%s@%d", name, i);
			int64_t lo = i == 0 ? 0 : oldest + (top - oldest) * i / SYNC_WINDOWS;
			int64_t hi = oldest + (top - oldest) * (i + 1) / SYNC_WINDOWS;
			sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(st, 2, lo);
			sqlite3_bind_int64(st, 3, hi);
			rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
			sqlite3_reset(st);
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_OK)
			sync_db_fail(s);
		if (rc == SQLITE_OK)
			rc = sync_update_state(
			        s, "UPDATE sync_state SET backfill_cursor = ?2 WHERE resource = ?1",
			        name, SYNC_PLANNED, 0, 0);
	}
	if (rc == SQLITE_OK)
		rc = sync_exec(s, "COMMIT");
	if (rc != SQLITE_OK) {
		sync_rollback(s);
		return -1;
	}
	return empty ? 1 : 0;
}

/* Reports for all windows from this (the sync_run) thread: objects, rate, and the share of
 * the time span covered. */
static void report_windows(struct sync *s, pthread_mutex_t *lock, struct window *wins, int n,
                           enum provider_resource res, int weight)
{
	int64_t covered = 0, span = 0, lo_bound = s->account_created;
	pthread_mutex_lock(lock);
	for (int i = 0; i < n; i++) {
		int64_t lo = wins[i].lo > lo_bound ? wins[i].lo : lo_bound;
		int64_t len = wins[i].hi > lo ? wins[i].hi - lo : 0;
		span += len;
		int64_t c = wins[i].done ? len : wins[i].w.covered;
		covered += c < len ? c : len;
	}
	/* Under the lock: the workers add to the same figures. */
	s->newest_created = s->account_created + span;
	sync_report(s, SYNC_PHASE_BACKFILL, res, span > 0 ? s->newest_created - covered : 0,
	            weight);
	pthread_mutex_unlock(lock);
}

int sync_backfill_windows(struct sync *s, enum provider_resource res, int weight)
{
	const char *name = provider_resource_name(res);
	struct sync_state_row st;
	if (sync_load_state(s, name, &st) != 0)
		return -1;
	if (st.backfill_done)
		return 0;
	/* A list started without windows (by an older run) is finished the same way. */
	if (st.backfill_cursor[0] && strcmp(st.backfill_cursor, SYNC_PLANNED) != 0)
		return sync_backfill_range(s, res, name, 0, 0, weight);
	if (!st.backfill_cursor[0]) {
		int rc = plan(s, res, name);
		if (rc != 0)
			return rc > 0 ? 0 : -1;
	}

	struct window wins[SYNC_WINDOWS];
	memset(wins, 0, sizeof wins);
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	int n = 0;
	for (int i = 0; i < SYNC_WINDOWS; i++) {
		struct window *win = &wins[n];
		snprintf(win->key, sizeof win->key, "%s@%d", name, i);
		struct sync_state_row ws;
		if (sync_load_state(s, win->key, &ws) != 0)
			return -1;
		win->lo = ws.window_lo;
		win->hi = ws.window_hi;
		win->done = ws.backfill_done;
		win->res = res;
		win->weight = weight;
		if (win->hi == 0) /* no such row: nothing planned here */
			continue;
		n++;
	}
	int failed = 0;
	for (int i = 0; i < n; i++) {
		struct window *win = &wins[i];
		if (win->done)
			continue;
		win->w = (struct sync){
		        .profile = s->profile,
		        .cancel = s->cancel,
		        .result = &win->result,
		        .account_created = s->account_created,
		        .parent = s,
		        .lock = &lock,
		};
		clock_gettime(CLOCK_MONOTONIC, &win->w.start);
		if (pthread_create(&win->thread, NULL, run_window, win) != 0) {
			sync_fail(s, PROVIDER_BAD_REPLY, "%s", _("cannot start a sync thread"));
			failed = 1;
			break;
		}
		win->started = true;
	}
	/* Report while the windows run; join them all whatever happens. */
	for (;;) {
		int running = 0;
		pthread_mutex_lock(&lock);
		for (int i = 0; i < n; i++)
			running += wins[i].started && !wins[i].finished;
		pthread_mutex_unlock(&lock);
		report_windows(s, &lock, wins, n, res, weight);
		if (!running)
			break;
		struct timespec ts = {0, 100 * 1000000L};
		nanosleep(&ts, NULL);
	}
	bool all_done = !failed;
	for (int i = 0; i < n; i++) {
		struct window *win = &wins[i];
		if (win->started)
			pthread_join(win->thread, NULL);
		if (win->started && win->w.forbidden[res] && !s->forbidden[res]) {
			s->forbidden[res] = true;
			s->result->partial = true;
			s->result->outcome = win->result.outcome;
			snprintf(s->result->message, sizeof s->result->message, "%s",
			         win->result.message);
		}
		if (!win->done) {
			all_done = false;
			if (win->started && !failed && !s->forbidden[res]) {
				failed = 1;
				s->result->outcome = win->result.outcome;
				snprintf(s->result->message, sizeof s->result->message, "%s",
				         win->result.message);
				snprintf(s->result->request_id, sizeof s->result->request_id, "%s",
				         win->result.request_id);
			}
		}
	}
	pthread_mutex_destroy(&lock);
	if (s->forbidden[res])
		return 0;
	if (failed || !all_done)
		return -1;
	int rc = sync_exec(s, "BEGIN IMMEDIATE");
	if (rc == SQLITE_OK)
		rc = sync_update_state(
		        s,
		        "UPDATE sync_state SET backfill_done = 1, backfill_cursor = ?2"
		        " WHERE resource = ?1",
		        name, NULL, 0, 0);
	if (rc == SQLITE_OK) {
		char sql[160];
		snprintf(sql, sizeof sql, "DELETE FROM sync_state WHERE resource LIKE '%s@%%'",
		         name);
		rc = sync_exec(s, sql);
	}
	if (rc == SQLITE_OK)
		rc = sync_exec(s, "COMMIT");
	if (rc != SQLITE_OK) {
		sync_rollback(s);
		return -1;
	}
	return 0;
}
