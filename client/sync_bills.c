/* The sync of a platform whose history is daily bills (WeChat Pay, Alipay): the days the
 * platform keeps whose bills the cache lacks, oldest first, each day's bills read row by row
 * into one transaction with the day's mark (a killed sync loses at most the day it was
 * reading). The bills are read in a thread of their own, a bounded queue of rows ahead of
 * the thread that stores them: the next day's bills are fetched, and the platform makes
 * them, while this day's are stored. Then the dated lists (complaints, an account log) over
 * the window they cover.
 * Single orders come from point queries (provider lookup_order), not from here. */
#include "config.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client.h"
#include "client/days.h"
#include "client/model.h"
#include "client/store.h"
#include "client/sync_private.h"

/* A dated list is read again back to this many days before the last sync, so that a
 * complaint's later states (answered, closed) reach the cache. */
#define SYNC_DATED_OVERLAP_DAYS 30

/* The mark of a day whose bills are all in: a bill_days row of this name. */
#define DAY_DONE "*"

/* One bill day being stored. */
struct day_sink {
	struct sync *s;
	const char *day;
	int64_t rows;
	sqlite3_stmt *summary;
};

static int sink_object(void *user, const struct model_object *m)
{
	struct day_sink *d = user;
	int rc = store_object(d->s->store, m);
	if (rc != SQLITE_OK) {
		sync_fail(d->s, PROVIDER_BAD_REPLY,
		          _("the cache could not be written (%s); nothing was lost, run the "
		            "sync again once fixed"),
		          sqlite3_errmsg(d->s->db));
		return -1;
	}
	d->rows++;
	if (m->kind != MODEL_NONE) {
		d->s->progress.objects++;
		d->s->result->objects++;
	}
	return 0;
}

/* Records a bill's summary as the platform wrote it (the statement reconciles against it). */
static int put_summary(struct day_sink *d, const char *bill, const char *summary, int64_t rows,
                       const char *hash)
{
	sqlite3_stmt *st = d->summary;
	sqlite3_bind_text(st, 1, d->day, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, bill, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, rows);
	if (summary)
		sqlite3_bind_text(st, 4, summary, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	if (hash)
		sqlite3_bind_text(st, 5, hash, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_int64(st, 6, (int64_t)paydesk_now());
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		sync_fail(d->s, PROVIDER_BAD_REPLY,
		          _("the cache could not be written (%s); nothing was lost, run the "
		            "sync again once fixed"),
		          sqlite3_errmsg(d->s->db));
		return -1;
	}
	return 0;
}

/* A withdrawal to the bank pays out the balance entries before it that no earlier one paid
 * out: the bills name no payout on an entry, so the order of the entries does. Entries of
 * the withdrawals themselves (their own balance entry) are not paid out. Today's entries
 * and withdrawal (Alipay's account log) are linked as they come: they keep their ids in
 * tomorrow's bill. A payout is reconciled once its own entry is in a bill. */
static int link_settlements(struct sync *s)
{
	return sync_exec(
	        s, "UPDATE balance_transactions SET payout_id = ("
	           "  SELECT p.id FROM payouts p WHERE p.created > balance_transactions.created"
	           "  ORDER BY p.created, p.id LIMIT 1)"
	           " WHERE payout_id IS NULL AND type <> 'payout'"
	           " AND EXISTS (SELECT 1 FROM payouts p"
	           "  WHERE p.created > balance_transactions.created);"
	           /* each payout's entry looked up by id: an IN list of the bills' entries
	            * was every entry of every day, read again each day */
	           "UPDATE payouts SET reconciled = 1 WHERE reconciled = 0 AND EXISTS"
	           " (SELECT 1 FROM balance_transactions b WHERE b.id = payouts.balance_transaction"
	           " AND b.bill_day IS NOT NULL)");
}

/* Whether the cache holds every bill of day. */
static int day_done(struct sync *s, const char *day, bool *done)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM bill_days WHERE day = ?1 AND bill = ?2", -1,
	                       &st, NULL) != SQLITE_OK)
		return sync_db_fail(s);
	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, DAY_DONE, -1, SQLITE_STATIC);
	*done = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return 0;
}

/* Rows read and not yet stored at most: what the reader thread may be ahead by, in memory
 * (a few MiB) whatever a bill's size. */
#define RELAY_ITEMS 4096

/* What the reader hands over: a row, a bill's summary, or the end of a day's bills. */
struct relay_item {
	enum { ITEM_OBJECT, ITEM_SUMMARY, ITEM_DAY_END } kind;
	struct model_object *object; /* model_object_copy */
	char *bill, *summary, *hash; /* the summary's */
	int64_t rows;
	int rc; /* the day's bill_day and its result */
	struct provider_result result;
};

/* The bills' reader thread and its queue. The reader has the provider to itself until it is
 * joined. */
struct relay {
	struct sync *s;
	char (*days)[11];
	const bool *done; /* days cached already: not read */
	size_t n_days;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct relay_item *items; /* a ring of RELAY_ITEMS */
	size_t head, n;
	bool stop;   /* the storing side gave up: the reader stops at its next row */
	bool ended;  /* the reader is done */
	bool failed; /* the reader could not queue (memory) */
};

static void item_free(struct relay_item *it)
{
	free(it->object);
	free(it->bill);
	free(it->summary);
	free(it->hash);
	memset(it, 0, sizeof *it);
}

/* Queues an item, waiting for room. -1 when the storing side stopped. */
static int relay_put(struct relay *rl, struct relay_item *it)
{
	pthread_mutex_lock(&rl->lock);
	while (rl->n == RELAY_ITEMS && !rl->stop)
		pthread_cond_wait(&rl->changed, &rl->lock);
	int rc = rl->stop ? -1 : 0;
	if (rc == 0) {
		rl->items[(rl->head + rl->n) % RELAY_ITEMS] = *it;
		rl->n++;
		pthread_cond_broadcast(&rl->changed);
	}
	pthread_mutex_unlock(&rl->lock);
	if (rc != 0)
		item_free(it);
	return rc;
}

/* Takes the next item, waiting for one. -1 when the reader ended without one. */
static int relay_take(struct relay *rl, struct relay_item *it)
{
	pthread_mutex_lock(&rl->lock);
	while (rl->n == 0 && !rl->ended)
		pthread_cond_wait(&rl->changed, &rl->lock);
	int rc = rl->n ? 0 : -1;
	if (rc == 0) {
		*it = rl->items[rl->head];
		rl->head = (rl->head + 1) % RELAY_ITEMS;
		rl->n--;
		pthread_cond_broadcast(&rl->changed);
	}
	pthread_mutex_unlock(&rl->lock);
	return rc;
}

static int relay_object(void *user, const struct model_object *m)
{
	struct relay *rl = user;
	struct relay_item it = {.kind = ITEM_OBJECT, .object = model_object_copy(m)};
	if (!it.object) {
		rl->failed = true;
		return -1;
	}
	return relay_put(rl, &it);
}

static char *dup_or_null(const char *s, bool *failed)
{
	char *d = s ? strdup(s) : NULL;
	if (s && !d)
		*failed = true;
	return d;
}

static int relay_summary(void *user, const char *bill, const char *summary, int64_t rows,
                         const char *hash)
{
	struct relay *rl = user;
	bool failed = false;
	struct relay_item it = {.kind = ITEM_SUMMARY,
	                        .bill = dup_or_null(bill, &failed),
	                        .summary = dup_or_null(summary, &failed),
	                        .hash = dup_or_null(hash, &failed),
	                        .rows = rows};
	if (failed) {
		item_free(&it);
		rl->failed = true;
		return -1;
	}
	return relay_put(rl, &it);
}

/* The reader: each day's bills in turn, each day ended by an ITEM_DAY_END; it stops after a
 * day that did not read (not made yet, or failed). */
static void *relay_main(void *arg)
{
	struct relay *rl = arg;
	static const struct provider_bill_sink sink = {.object = relay_object,
	                                               .summary = relay_summary};
	for (size_t i = 0; i < rl->n_days; i++) {
		if (rl->done[i])
			continue;
		struct relay_item it = {.kind = ITEM_DAY_END};
		it.rc = rl->s->ops->bill_day(rl->s->provider, rl->days[i], &sink, rl, &it.result);
		bool go_on = it.rc == 0;
		if (relay_put(rl, &it) != 0 || !go_on)
			break;
	}
	pthread_mutex_lock(&rl->lock);
	rl->ended = true;
	pthread_cond_broadcast(&rl->changed);
	pthread_mutex_unlock(&rl->lock);
	return NULL;
}

/* Stops the reader, waits for it and drops what it queued. */
static void relay_end(struct relay *rl, pthread_t thread)
{
	pthread_mutex_lock(&rl->lock);
	rl->stop = true;
	pthread_cond_broadcast(&rl->changed);
	pthread_mutex_unlock(&rl->lock);
	pthread_join(thread, NULL);
	for (; rl->n; rl->n--, rl->head = (rl->head + 1) % RELAY_ITEMS)
		item_free(&rl->items[rl->head]);
}

/* Hands one day's queued bills to the sink, to their end: 0 with the day's bill_day result in
 * *rc and *r, -1 when storing failed (recorded) or the reader ended early. */
static int relay_day(struct relay *rl, struct day_sink *d, int *rc, struct provider_result *r)
{
	for (;;) {
		struct relay_item it;
		if (relay_take(rl, &it) != 0) {
			sync_fail(d->s, PROVIDER_BAD_REPLY, _("reading the bills of %s: %s (%s)"),
			          d->day, provider_outcome_message(PROVIDER_BAD_REPLY),
			          _("out of memory"));
			return -1;
		}
		int stored = 0;
		if (it.kind == ITEM_OBJECT)
			stored = sink_object(d, it.object);
		else if (it.kind == ITEM_SUMMARY)
			stored = put_summary(d, it.bill, it.summary, it.rows, it.hash);
		else {
			*rc = it.rc;
			*r = it.result;
			if (it.rc != 0 && rl->failed) {
				r->outcome = PROVIDER_BAD_REPLY;
				snprintf(r->message, sizeof r->message, "%s", _("out of memory"));
			}
		}
		bool end = it.kind == ITEM_DAY_END;
		item_free(&it);
		if (stored != 0) {
			/* as the bill's reader says when its sink refuses a row */
			sync_fail(d->s, PROVIDER_BAD_REPLY, _("reading the bills of %s: %s (%s)"),
			          d->day, provider_outcome_message(PROVIDER_BAD_REPLY),
			          _("the cache could not take the bill's rows"));
			return -1;
		}
		if (end)
			return 0;
	}
}

/* Stores one day's bills, as the reader queues them, in one transaction with the day's
 * mark. 0 stored, 1 not made yet (nothing stored), -1 failed (failure recorded, nothing
 * stored). */
static int sync_day(struct sync *s, const char *day, struct relay *rl)
{
	struct day_sink d = {.s = s, .day = day};
	if (sqlite3_prepare_v2(s->db,
	                       "INSERT INTO bill_days(day, bill, rows, summary, hash, fetched)"
	                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(day, bill) DO UPDATE"
	                       " SET rows = ?3, summary = ?4, hash = ?5, fetched = ?6",
	                       -1, &d.summary, NULL) != SQLITE_OK)
		return sync_db_fail(s);
	if (sync_exec(s, "BEGIN IMMEDIATE") != SQLITE_OK) {
		sqlite3_finalize(d.summary);
		return -1;
	}
	struct provider_result r;
	memset(&r, 0, sizeof r);
	int64_t before = s->result->objects;
	/* The orders' refunded amounts are derived once each, when the day's rows are in. */
	store_defer(s->store);
	int rc = -1;
	bool stored = relay_day(rl, &d, &rc, &r) == 0;
	if (stored && rc == 0 && store_flush(s->store) != SQLITE_OK) {
		sync_fail(s, PROVIDER_BAD_REPLY,
		          _("the cache could not be written (%s); nothing was lost, run the "
		            "sync again once fixed"),
		          sqlite3_errmsg(s->db));
		rc = -1;
	}
	if (stored && rc == 0)
		rc = put_summary(&d, DAY_DONE, NULL, d.rows, NULL);
	if (stored && rc == 0 && link_settlements(s) != SQLITE_OK)
		rc = -1;
	if (stored && rc == 0 && sync_exec(s, "COMMIT") != SQLITE_OK)
		rc = -1;
	sqlite3_finalize(d.summary);
	if (stored && rc == 0)
		return 0;
	store_discard(s->store);
	sync_rollback(s);
	/* What this day stored is gone with the rollback. */
	s->progress.objects -= s->result->objects - before;
	s->result->objects = before;
	if (!stored)
		return -1;
	if (r.outcome == PROVIDER_NOT_YET)
		return 1;
	if (r.outcome != PROVIDER_OK) {
		snprintf(s->result->request_id, sizeof s->result->request_id, "%s", r.request_id);
		if (r.outcome == PROVIDER_CANCELLED)
			sync_fail(s, r.outcome, "%s",
			          _("sync stopped; the next sync continues from here"));
		else {
			char what[96];
			snprintf(what, sizeof what, _("the bills of %s"), day);
			sync_fail_named(s, what, &r);
		}
	}
	return -1;
}

/* The days from the first the platform keeps: those not cached are fetched by the reader
 * and stored here, in order. */
static int store_days(struct sync *s, char (*days)[11], const bool *done, size_t n_days)
{
	struct relay rl = {.s = s, .days = days, .done = done, .n_days = n_days};
	rl.items = calloc(RELAY_ITEMS, sizeof *rl.items);
	if (!rl.items) {
		sync_fail(s, PROVIDER_BAD_REPLY, "%s", _("out of memory"));
		return -1;
	}
	pthread_mutex_init(&rl.lock, NULL);
	pthread_cond_init(&rl.changed, NULL);
	pthread_t thread;
	bool started = pthread_create(&thread, NULL, relay_main, &rl) == 0;
	int rc = 0;
	if (!started) {
		sync_fail(s, PROVIDER_BAD_REPLY, "%s", _("out of memory"));
		rc = -1;
	}
	for (size_t i = 0; rc == 0 && i < n_days; i++) {
		if (sync_cancelled(s)) {
			rc = -1;
			break;
		}
		if (!done[i]) {
			snprintf(s->progress.what, sizeof s->progress.what, _("bills of %s"),
			         days[i]);
			sync_report(s, SYNC_PHASE_BILLS, PROVIDER_CHARGES, 0, 0);
			int day = sync_day(s, days[i], &rl);
			if (day < 0) {
				rc = -1;
				break;
			}
			if (day > 0) {
				/* Not made yet: the days after it are not either. */
				s->result->bill_pending = true;
				break;
			}
			s->done_weight++;
			sync_report(s, SYNC_PHASE_BILLS, PROVIDER_CHARGES, 0, 0);
		}
		snprintf(s->result->bills_through, sizeof s->result->bills_through, "%s", days[i]);
	}
	if (started)
		relay_end(&rl, thread);
	pthread_cond_destroy(&rl.changed);
	pthread_mutex_destroy(&rl.lock);
	free(rl.items);
	return rc;
}

/* The bill days the platform keeps, oldest first, up to yesterday in its zone. */
static int sync_days(struct sync *s, const struct sync_options *options)
{
	const struct provider_platform *pl = s->platform;
	char today[11], first[11], day[11];
	days_format((int64_t)paydesk_now(), pl->day_utc_offset, today);
	if (days_add(today, -(pl->history_days > 0 ? pl->history_days : 90), first) != 0)
		return -1;
	if (options->full && sync_exec(s, "DELETE FROM bill_days") != SQLITE_OK)
		return -1;
	/* Which are cached first: the progress bar counts the days missing. */
	char(*days)[11] = NULL;
	bool *done = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	s->total_weight = 0;
	s->done_weight = 0;
	for (snprintf(day, sizeof day, "%s", first); rc == 0 && strcmp(day, today) < 0;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 128;
			char(*more)[11] = realloc(days, cap * sizeof *days);
			bool *more_done = more ? realloc(done, cap * sizeof *done) : NULL;
			if (more)
				days = more;
			if (more_done)
				done = more_done;
			if (!more || !more_done) {
				sync_fail(s, PROVIDER_BAD_REPLY, "%s", _("out of memory"));
				rc = -1;
				break;
			}
		}
		done[n] = false;
		if (day_done(s, day, &done[n]) != 0) {
			rc = -1;
			break;
		}
		s->total_weight += !done[n];
		memcpy(days[n++], day, sizeof day);
		char next[11];
		days_add(day, 1, next);
		memcpy(day, next, sizeof day);
	}
	if (rc == 0 && n)
		rc = store_days(s, days, done, n);
	free(days);
	free(done);
	return rc;
}

/* The history of each complaint of a page that still needs work, so that the queue shows
 * it offline too (closed ones are fetched when opened). Each in a transaction of its own.
 * SQLITE_OK, or an SQLite code with the failure recorded. */
static int sync_histories(struct sync *s, const struct provider_page *pg)
{
	if (!s->ops->complaint_history)
		return SQLITE_OK;
	for (size_t i = 0; i < pg->n; i++) {
		const struct model_object *m = &pg->objects[i];
		if (m->kind != MODEL_DISPUTE || !m->u.dispute.complaint || !m->u.dispute.status ||
		    (strcmp(m->u.dispute.status, "awaiting_reply") != 0 &&
		     strcmp(m->u.dispute.status, "in_progress") != 0))
			continue;
		struct provider_page h;
		struct provider_result r;
		if (s->ops->complaint_history(s->provider, m->id, &h, &r) != 0) {
			sync_fail_request(s, PROVIDER_DISPUTES, &r);
			return SQLITE_ERROR;
		}
		int rc = sync_exec(s, "BEGIN IMMEDIATE");
		if (rc == SQLITE_OK)
			rc = sync_store_page(s, &h, PROVIDER_DISPUTES);
		if (rc == SQLITE_OK)
			rc = sync_exec(s, "COMMIT");
		else
			sync_rollback(s);
		provider_page_free(&h);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

/* Reads one dated list over [from, now), in windows the platform allows, each page stored
 * in a transaction of its own. */
static int sync_dated(struct sync *s, const struct provider_dated_spec *spec, int64_t from,
                      int64_t now)
{
	int64_t span = (int64_t)(spec->max_span_days > 0 ? spec->max_span_days : 30) * 86400;
	for (int64_t lo = from; lo < now; lo += span) {
		int64_t hi = lo + span < now ? lo + span : now;
		for (int64_t offset = 0;;) {
			if (sync_cancelled(s))
				return -1;
			struct provider_page pg;
			struct provider_result r;
			if (s->ops->list_dated(s->provider, spec->res, lo, hi, offset, &pg, &r) !=
			    0) {
				if (r.outcome == PROVIDER_FORBIDDEN) {
					sync_forbid(s, spec->res, &r);
					return 0;
				}
				sync_fail_request(s, spec->res, &r);
				return -1;
			}
			int rc = sync_exec(s, "BEGIN IMMEDIATE");
			if (rc == SQLITE_OK)
				rc = sync_store_page(s, &pg, spec->res);
			if (rc == SQLITE_OK && spec->res != PROVIDER_DISPUTES)
				rc = link_settlements(s);
			if (rc == SQLITE_OK)
				rc = sync_exec(s, "COMMIT");
			else
				sync_rollback(s);
			bool more = pg.has_more && pg.n > 0;
			offset += (int64_t)pg.n;
			if (rc == SQLITE_OK && spec->res == PROVIDER_DISPUTES)
				rc = sync_histories(s, &pg);
			provider_page_free(&pg);
			if (rc != SQLITE_OK)
				return -1;
			sync_report(s, SYNC_PHASE_BACKFILL, spec->res, 0, 0);
			if (!more)
				break;
		}
	}
	return 0;
}

int sync_bills_run(struct sync *s, const struct sync_options *options)
{
	if (sync_init_state(s) != 0)
		return -1;
	if (sync_days(s, options) != 0)
		return -1;
	/* The lists run up to the end of this very second: what was made in it is listed. */
	int64_t now = (int64_t)paydesk_now() + 1;
	const struct provider_platform *pl = s->platform;
	for (size_t i = 0; i < pl->n_dated; i++) {
		const struct provider_dated_spec *spec = &pl->dated[i];
		const char *key = provider_resource_name(spec->res);
		struct sync_state_row st;
		if (sync_load_state(s, key, &st) != 0)
			return -1;
		int back = spec->back_days > 0 ? spec->back_days
		                               : (pl->history_days > 0 ? pl->history_days : 90);
		/* The day the window starts, at the platform's midnight. */
		char today[11], first[11];
		int64_t from;
		days_format(now, pl->day_utc_offset, today);
		days_add(today, -back, first);
		days_start(first, pl->day_utc_offset, &from);
		if (spec->after_bills && s->result->bills_through[0]) {
			char next[11];
			days_add(s->result->bills_through, 1, next);
			days_start(next, pl->day_utc_offset, &from);
		} else if (!options->full && st.last_success > 0) {
			int64_t again = st.last_success - (int64_t)SYNC_DATED_OVERLAP_DAYS * 86400;
			if (again > from)
				from = again;
		}
		if (sync_dated(s, spec, from, now) != 0)
			return -1;
		if (s->forbidden[spec->res])
			continue;
		if (sync_update_state(s,
		                      "UPDATE sync_state SET last_success = ?3 WHERE resource = ?1",
		                      key, NULL, now, 0) != SQLITE_OK)
			return -1;
	}
	if (s->result->partial)
		return -1;
	char sql[160];
	snprintf(sql, sizeof sql,
	         "UPDATE sync_state SET last_success = %" PRId64 " WHERE resource = 'events'", now);
	if (sync_exec(s, sql) != SQLITE_OK)
		return -1;
	sync_report(s, SYNC_PHASE_DONE, PROVIDER_EVENTS, 0, 0);
	return 0;
}
