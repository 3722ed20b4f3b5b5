/* The sync of a platform whose history is cursor lists and an event feed (Stripe):
 * backfill every list newest-first (the big ones in parallel created windows), then apply
 * the events since the mark, re-scanning when they are no longer kept; entries without
 * events are listed from the newest cached; then what each settlement paid out. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "client/client.h"
#include "client/model.h"
#include "client/store.h"
#include "client/sync_private.h"

/* The platform keeps events this long; older gaps need a re-scan. */
#define SYNC_EVENT_RETENTION (30 * 86400)
/* Balance transactions have no events: each sync lists those newer than the newest cached
 * one, less this margin for objects created in the same seconds. */
#define SYNC_BTX_OVERLAP 120

/* Lists one resource, in parallel created windows for the big lists. */
static int backfill(struct sync *s, const struct provider_list_spec *l)
{
	if (l->windows)
		return sync_backfill_windows(s, l->res, l->weight);
	return sync_backfill_range(s, l->res, provider_resource_name(l->res), 0, 0, l->weight);
}

/* Takes the event mark: the newest event before a (re)scan starts, so that everything that
 * happens during the scan is applied afterwards. Stored in the same transaction as `reset`
 * (SQL run first, e.g. to restart the backfill). */
static int take_mark(struct sync *s, const char *reset)
{
	struct provider_list_query q = {.limit = 1};
	struct provider_page pg;
	struct provider_result r;
	const char *id = "";
	int64_t created = 0;
	bool have_page = false;
	if (s->ops->list(s->provider, PROVIDER_EVENTS, &q, &pg, &r) != 0) {
		if (r.outcome != PROVIDER_FORBIDDEN) {
			sync_fail_request(s, PROVIDER_EVENTS, &r);
			return -1;
		}
		/* Without events every sync lists everything again. */
		s->forbidden[PROVIDER_EVENTS] = true;
	} else {
		have_page = true;
		if (pg.n) {
			id = pg.events[0].id;
			created = pg.events[0].created;
		}
	}
	int rc = sync_exec(s, "BEGIN IMMEDIATE");
	if (rc == SQLITE_OK && reset)
		rc = sync_exec(s, reset);
	if (rc == SQLITE_OK && !s->forbidden[PROVIDER_EVENTS])
		rc = sync_update_state(
		        s,
		        "UPDATE sync_state SET last_event_id = ?2, last_event_created = ?3"
		        " WHERE resource = ?1",
		        "events", id, created, 0);
	if (rc == SQLITE_OK)
		rc = sync_exec(s, "COMMIT");
	else
		sync_rollback(s);
	if (have_page)
		provider_page_free(&pg);
	return rc == SQLITE_OK ? 0 : -1;
}

/* Applies a page of events oldest first, with the new mark, in one transaction. */
static int apply_events(struct sync *s, struct provider_page *pg)
{
	if (sync_exec(s, "BEGIN IMMEDIATE") != SQLITE_OK)
		return -1;
	int rc = SQLITE_OK;
	for (size_t k = pg->n; k-- > 0 && rc == SQLITE_OK;) {
		struct model_object *m = &pg->objects[k];
		rc = store_object(s->store, m);
		if (rc == SQLITE_OK)
			rc = store_event(s->store, &pg->events[k]);
		if (rc == SQLITE_OK && m->kind != MODEL_NONE) {
			s->progress.objects++;
			s->progress.per_resource[PROVIDER_EVENTS]++;
			s->result->objects++;
		}
		s->result->events++;
	}
	if (rc != SQLITE_OK)
		sync_fail(s, PROVIDER_BAD_REPLY,
		          _("the cache could not be written (%s); nothing was lost, "
		            "run the sync again once fixed"),
		          sqlite3_errmsg(s->db));
	if (rc == SQLITE_OK && pg->n)
		rc = sync_update_state(
		        s,
		        "UPDATE sync_state SET last_event_id = ?2, last_event_created = ?3"
		        " WHERE resource = ?1",
		        "events", pg->events[0].id, pg->events[0].created, 0);
	if (rc == SQLITE_OK)
		rc = sync_exec(s, "COMMIT");
	if (rc != SQLITE_OK) {
		sync_rollback(s);
		return -1;
	}
	sync_report(s, SYNC_PHASE_EVENTS, PROVIDER_EVENTS, 0, 0);
	return 0;
}

enum { EVENTS_OK = 0, EVENTS_FAILED = -1, EVENTS_GAP = 1 };

/* Applies the events since the mark. Returns EVENTS_GAP when they are no longer kept. */
static int incremental(struct sync *s)
{
	struct sync_state_row st;
	if (sync_load_state(s, "events", &st) != 0)
		return EVENTS_FAILED;
	int64_t now = paydesk_now();
	if (st.last_event_created > 0 && now - st.last_event_created > SYNC_EVENT_RETENTION &&
	    st.last_success > 0 && now - st.last_success > SYNC_EVENT_RETENTION)
		return EVENTS_GAP;
	char cursor[128];
	snprintf(cursor, sizeof cursor, "%s", st.last_event_id);
	if (!cursor[0]) {
		/* No event existed at the mark: all the platform keeps are new. Find the oldest
		 * page, apply it, then walk forward from it. */
		if (st.last_success > 0 && now - st.last_success > SYNC_EVENT_RETENTION)
			return EVENTS_GAP;
		char after[128] = "";
		for (;;) {
			if (sync_cancelled(s))
				return EVENTS_FAILED;
			struct provider_list_query q = {.starting_after = after[0] ? after : NULL};
			struct provider_page pg;
			struct provider_result r;
			if (s->ops->list(s->provider, PROVIDER_EVENTS, &q, &pg, &r) != 0) {
				sync_fail_request(s, PROVIDER_EVENTS, &r);
				return EVENTS_FAILED;
			}
			if (pg.n == 0) {
				provider_page_free(&pg);
				return EVENTS_OK;
			}
			if (!pg.has_more) {
				int rc = apply_events(s, &pg);
				if (rc == 0)
					snprintf(cursor, sizeof cursor, "%s", pg.events[0].id);
				provider_page_free(&pg);
				if (rc != 0)
					return EVENTS_FAILED;
				break;
			}
			snprintf(after, sizeof after, "%s", pg.events[pg.n - 1].id);
			provider_page_free(&pg);
		}
	}
	/* The platform drops events older than its retention: when the mark's own time is no
	 * longer listed, events after it may be gone too, and only a re-scan is exact. */
	if (st.last_event_created > 0) {
		struct provider_list_query q = {.created_lt = st.last_event_created + 1,
		                                .limit = 1};
		struct provider_page pg;
		struct provider_result r;
		if (s->ops->list(s->provider, PROVIDER_EVENTS, &q, &pg, &r) != 0) {
			sync_fail_request(s, PROVIDER_EVENTS, &r);
			return EVENTS_FAILED;
		}
		size_t n = pg.n;
		provider_page_free(&pg);
		if (n == 0)
			return EVENTS_GAP;
	}
	for (;;) {
		if (sync_cancelled(s))
			return EVENTS_FAILED;
		struct provider_list_query q = {.ending_before = cursor};
		struct provider_page pg;
		struct provider_result r;
		if (s->ops->list(s->provider, PROVIDER_EVENTS, &q, &pg, &r) != 0) {
			/* The mark's event is gone: the gap is older than the platform keeps. */
			if (r.outcome == PROVIDER_INVALID &&
			    strcmp(r.error_param, "ending_before") == 0)
				return EVENTS_GAP;
			sync_fail_request(s, PROVIDER_EVENTS, &r);
			return EVENTS_FAILED;
		}
		if (pg.n == 0) {
			provider_page_free(&pg);
			return EVENTS_OK;
		}
		int rc = apply_events(s, &pg);
		bool more = pg.has_more;
		snprintf(cursor, sizeof cursor, "%s", pg.events[0].id);
		provider_page_free(&pg);
		if (rc != 0)
			return EVENTS_FAILED;
		if (!more)
			return EVENTS_OK;
	}
}

static int64_t query_int(struct sync *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = 0;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return v;
}

/* Balance transactions come without events: list those newer than the newest cached. */
static int new_balance_transactions(struct sync *s)
{
	if (s->forbidden[PROVIDER_BALANCE_TRANSACTIONS])
		return 0;
	int64_t since = query_int(s, "SELECT max(created) FROM balance_transactions");
	since = since > SYNC_BTX_OVERLAP ? since - SYNC_BTX_OVERLAP : 0;
	char after[128] = "";
	for (;;) {
		if (sync_cancelled(s))
			return -1;
		struct provider_list_query q = {.starting_after = after[0] ? after : NULL,
		                                .created_gte = since};
		struct provider_page pg;
		int got = sync_list_page(s, PROVIDER_BALANCE_TRANSACTIONS, &q, &pg);
		if (got <= 0)
			return got < 0 ? -1 : 0;
		int rc = sync_exec(s, "BEGIN IMMEDIATE");
		if (rc == SQLITE_OK)
			rc = sync_store_page(s, &pg, PROVIDER_BALANCE_TRANSACTIONS);
		if (rc == SQLITE_OK)
			rc = sync_exec(s, "COMMIT");
		else
			sync_rollback(s);
		bool more = pg.has_more && pg.n > 0;
		if (more)
			snprintf(after, sizeof after, "%s", pg.objects[pg.n - 1].id);
		provider_page_free(&pg);
		if (rc != SQLITE_OK)
			return -1;
		sync_report(s, SYNC_PHASE_BACKFILL, PROVIDER_BALANCE_TRANSACTIONS, 0, 0);
		if (!more)
			return 0;
	}
}

static const char restart_backfill[] =
        "DELETE FROM sync_state WHERE resource LIKE '%@%';"
        "UPDATE sync_state SET backfill_done = 0, backfill_cursor = NULL"
        " WHERE resource <> 'events'";

/* Backfills every list not yet complete. */
static int backfill_all(struct sync *s)
{
	s->total_weight = 0;
	s->done_weight = 0;
	for (size_t i = 0; i < s->platform->n_lists; i++)
		s->total_weight += s->platform->lists[i].weight;
	for (size_t i = 0; i < s->platform->n_lists; i++) {
		if (backfill(s, &s->platform->lists[i]) != 0)
			return -1;
		s->done_weight += s->platform->lists[i].weight;
	}
	return 0;
}

int sync_lists_run(struct sync *s, const struct sync_options *options)
{
	if (sync_init_state(s) != 0)
		return -1;
	struct sync_state_row ev;
	if (sync_load_state(s, "events", &ev) != 0)
		return -1;
	if (options->full || !ev.has_mark) {
		if (take_mark(s, restart_backfill) != 0)
			return -1;
	}
	if (backfill_all(s) != 0)
		return -1;
	if (s->forbidden[PROVIDER_EVENTS]) {
		/* Without events the next sync must list everything again. */
		if (sync_exec(s, restart_backfill) != SQLITE_OK)
			return -1;
	} else {
		int rc = incremental(s);
		if (rc == EVENTS_GAP) {
			s->result->rescanned = true;
			if (take_mark(s, restart_backfill) != 0 || backfill_all(s) != 0)
				return -1;
			rc = incremental(s);
		}
		if (rc != EVENTS_OK)
			return -1;
	}
	/* Also after a backfill: entries made while it ran have no events to bring them. */
	if (new_balance_transactions(s) != 0)
		return -1;
	if (sync_reconcile(s) != 0)
		return -1;
	if (s->result->partial)
		return -1;
	char sql[160];
	snprintf(sql, sizeof sql, "UPDATE sync_state SET last_success = %" PRId64,
	         (int64_t)paydesk_now());
	if (sync_exec(s, sql) != SQLITE_OK)
		return -1;
	sync_report(s, SYNC_PHASE_DONE, PROVIDER_EVENTS, 0, 0);
	return 0;
}
