/* Parallel created windows: a big list is cut into time windows listed at the same time,
 * each on its own HTTP connection, all driven together by one libcurl multi handle in the
 * sync's thread, so that the sync uses the platform's rate limit rather than one
 * connection's round trips. Pages are stored by the sync's one cache connection as they
 * arrive. Each window keeps its own cursor in sync_state ("charges@0" ...), so an
 * interrupted run resumes every window. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/cache_private.h"
#include "client/client.h"
#include "client/sync_private.h"

/* Windows per list: one per stream. */
#define SYNC_WINDOWS SYNC_STREAMS
/* The marker in the list's own row that its windows are planned. */
#define SYNC_PLANNED "@windows"

struct window {
	char key[80];
	int64_t lo, hi;
	bool done;
	char cursor[128];
	int64_t covered; /* seconds of the window listed so far */
};

/* The windows of one list being backfilled. */
struct windows {
	struct sync *s;
	enum provider_resource res;
	int weight;
	struct window all[SYNC_WINDOWS];
	int n;
	struct window *open[SYNC_WINDOWS]; /* list i of list_parallel: the windows not done */
	struct sync_batch batch;
};

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

/* Reports for all windows: objects, rate, and the share of the time span covered. */
static void report_windows(struct windows *ws)
{
	struct sync *s = ws->s;
	int64_t covered = 0, span = 0, lo_bound = s->account_created;
	for (int i = 0; i < ws->n; i++) {
		const struct window *w = &ws->all[i];
		int64_t lo = w->lo > lo_bound ? w->lo : lo_bound;
		int64_t len = w->hi > lo ? w->hi - lo : 0;
		span += len;
		int64_t c = w->done ? len : w->covered;
		covered += c < len ? c : len;
	}
	s->newest_created = s->account_created + span;
	sync_report(s, SYNC_PHASE_BACKFILL, ws->res, span > 0 ? s->newest_created - covered : 0,
	            ws->weight);
}

static int window_next(void *user, size_t i, struct provider_list_query *q)
{
	struct windows *ws = user;
	const struct window *w = ws->open[i];
	if (w->done)
		return 0;
	q->starting_after = w->cursor[0] ? w->cursor : NULL;
	q->created_gte = w->lo;
	q->created_lt = w->hi;
	return 1;
}

/* A window's page: stored with the window's cursor in the same transaction. A transaction
 * holds several pages, whichever windows they come from. */
static int window_page(void *user, size_t i, struct provider_page *pg)
{
	struct windows *ws = user;
	struct window *w = ws->open[i];
	bool done;
	int rc = sync_batch_add(ws->s, &ws->batch);
	if (rc == 0 && sync_put_page(ws->s, ws->res, w->key, pg, &done) != 0) {
		sync_batch_abandon(ws->s, &ws->batch);
		rc = -1;
	}
	if (rc == 0)
		rc = sync_batch_done(ws->s, &ws->batch, false);
	if (rc == 0) {
		int64_t oldest = pg->n ? pg->objects[pg->n - 1].created : 0;
		if (pg->n && pg->objects[pg->n - 1].id)
			snprintf(w->cursor, sizeof w->cursor, "%s", pg->objects[pg->n - 1].id);
		w->done = done;
		w->covered =
		        done || !oldest ? w->hi - w->lo : w->hi - (oldest > w->lo ? oldest : w->lo);
		report_windows(ws);
	}
	provider_page_free(pg);
	return rc;
}

static int window_idle(void *user)
{
	struct windows *ws = user;
	return sync_batch_idle(ws->s, &ws->batch);
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

	struct windows ws;
	memset(&ws, 0, sizeof ws);
	ws.s = s;
	ws.res = res;
	ws.weight = weight;
	size_t n_open = 0;
	for (int i = 0; i < SYNC_WINDOWS; i++) {
		struct window *w = &ws.all[ws.n];
		snprintf(w->key, sizeof w->key, "%s@%d", name, i);
		struct sync_state_row row;
		if (sync_load_state(s, w->key, &row) != 0)
			return -1;
		if (row.window_hi == 0) /* no such row: nothing planned here */
			continue;
		w->lo = row.window_lo;
		w->hi = row.window_hi;
		w->done = row.backfill_done;
		snprintf(w->cursor, sizeof w->cursor, "%s", row.backfill_cursor);
		if (!w->done)
			ws.open[n_open++] = w;
		ws.n++;
	}
	static const struct provider_parallel_ops ops = {
	        .next = window_next, .page = window_page, .idle = window_idle};
	struct provider_result r;
	int listed =
	        n_open > 0 ? s->ops->list_parallel(s->provider, res, n_open, &ops, &ws, &r) : 0;
	/* What was stored before a failure is kept: each page is there with its cursor. */
	if (sync_batch_done(s, &ws.batch, true) != 0)
		return -1;
	if (listed != 0) {
		if (r.outcome == PROVIDER_FORBIDDEN) {
			sync_forbid(s, res, &r);
			return 0;
		}
		if (r.outcome != PROVIDER_OK) /* else window_page has said why */
			sync_fail_request(s, res, &r);
		return -1;
	}
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
