/* Sync of one account into its cache: what every kind of history shares (failures,
 * progress, the sync state, batched transactions, the account), and the run that opens the
 * platform and the cache and hands over to the driver of the platform's kind of history:
 * sync_lists.c (cursor lists and events) or sync_bills.c (daily bills and dated lists). */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/cache_private.h"
#include "client/client.h"
#include "client/http.h"
#include "client/model.h"
#include "client/store.h"
#include "client/sync.h"
#include "client/sync_private.h"

/* The sync connection's page cache, in KiB: bounded, so memory stays flat in the store's size. */
#define SYNC_CACHE_KIB "8192"

void sync_fail(struct sync *s, enum provider_outcome outcome, const char *fmt, ...)
{
	s->result->outcome = outcome;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->result->message, sizeof s->result->message, fmt, ap);
	va_end(ap);
}

/* Reports a failed request: the outcome's sentence, plus the platform's words if any. */
void sync_fail_request(struct sync *s, enum provider_resource res, const struct provider_result *r)
{
	snprintf(s->result->request_id, sizeof s->result->request_id, "%s", r->request_id);
	if (r->outcome == PROVIDER_CANCELLED) {
		sync_fail(s, r->outcome, "%s",
		          _("sync stopped; the next sync continues from here"));
		return;
	}
	sync_fail_named(s, provider_resource_word(s->platform, res), r);
}

void sync_fail_named(struct sync *s, const char *what, const struct provider_result *r)
{
	const struct provider_platform *pl = s->platform;
	/* Forged replies and refused credentials say which settings of this platform to check. */
	const char *hint = !pl                             ? NULL
	                   : r->outcome == PROVIDER_FORGED ? pl->verify_hint
	                   : r->outcome == PROVIDER_AUTH   ? pl->credentials_hint
	                                                   : NULL;
	char extra[600] = "";
	if (hint && r->outcome == PROVIDER_FORGED) {
		sync_fail(s, r->outcome,
		          _("reading %s: the platform's answer failed its signature check, so "
		            "nothing in it was used (%s); if it happens again, %s"),
		          what, r->message[0] ? r->message : "?", _(hint));
		return;
	}
	if (hint)
		snprintf(extra, sizeof extra, "; %s", _(hint));
	if (r->message[0] && r->outcome != PROVIDER_OFFLINE)
		sync_fail(s, r->outcome, _("reading %s: %s (%s)%s"), what,
		          provider_outcome_message(r->outcome), r->message, extra);
	else
		sync_fail(s, r->outcome, _("reading %s: %s%s"), what,
		          provider_outcome_message(r->outcome), extra);
}

static int64_t elapsed_ms(const struct sync *s)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - s->start.tv_sec) * 1000 +
	       (now.tv_nsec - s->start.tv_nsec) / 1000000;
}

/* Updates the figures and calls the progress callback. cur_created is the oldest object of
 * the page just stored, for the backfill's estimate (0 when not backfilling). */
void sync_report(struct sync *s, enum sync_phase phase, enum provider_resource res,
                 int64_t cur_created, int weight)
{
	struct sync_progress *p = &s->progress;
	p->phase = phase;
	p->resource = res;
	if (phase != SYNC_PHASE_BILLS)
		snprintf(p->what, sizeof p->what, "%s", provider_resource_name(res));
	p->elapsed_ms = elapsed_ms(s);
	p->per_second = p->elapsed_ms > 0 ? p->objects * 1000 / p->elapsed_ms : 0;
	p->permille = -1;
	p->eta_s = -1;
	if (phase == SYNC_PHASE_BACKFILL && s->total_weight > 0) {
		/* Newest-first: the share of the time span from now back to the account's
		 * creation that this resource has covered. */
		int64_t span = s->newest_created - s->account_created;
		int64_t covered = s->newest_created - cur_created;
		int64_t part = span > 0 && cur_created > 0 ? covered * 1000 / span : 0;
		if (part < 0)
			part = 0;
		if (part > 1000)
			part = 1000;
		int64_t done = (int64_t)s->done_weight * 1000 + part * weight;
		p->permille = (int)(done / s->total_weight);
		if (p->permille > 0 && p->permille < 1000)
			p->eta_s = p->elapsed_ms * (1000 - p->permille) / p->permille / 1000;
	}
	if (phase == SYNC_PHASE_BILLS && s->total_weight > 0) {
		/* Days: done_weight of total_weight bill days are in. */
		p->permille = (int)((int64_t)s->done_weight * 1000 / s->total_weight);
		if (p->permille > 0 && p->permille < 1000)
			p->eta_s = p->elapsed_ms * (1000 - p->permille) / p->permille / 1000;
	}
	if (phase == SYNC_PHASE_DONE) {
		p->permille = 1000;
		p->eta_s = 0;
	}
	if (s->progress_fn)
		s->progress_fn(p, s->user);
}

int sync_exec(struct sync *s, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		sync_fail(s, PROVIDER_BAD_REPLY,
		          _("the cache could not be written (%s); nothing was lost, "
		            "run the sync again once fixed"),
		          msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
	}
	return rc;
}

/* Reports a failed cache statement. */
int sync_db_fail(struct sync *s)
{
	sync_fail(s, PROVIDER_BAD_REPLY, _("the cache could not be read (%s)"),
	          sqlite3_errmsg(s->db));
	return -1;
}

void sync_rollback(struct sync *s)
{
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Ensures every resource has a sync_state row. */
int sync_init_state(struct sync *s)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO sync_state(resource) VALUES (?1)", -1,
	                       &st, NULL) != SQLITE_OK)
		return sync_db_fail(s);
	for (int r = 0; r < PROVIDER_RESOURCE_COUNT; r++) {
		sqlite3_bind_text(st, 1, provider_resource_name(r), -1, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return 0;
}

int sync_load_state(struct sync *s, const char *key, struct sync_state_row *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db,
	                            "SELECT backfill_cursor, backfill_done, last_event_id,"
	                            " last_event_created, last_success, window_lo, window_hi"
	                            " FROM sync_state WHERE resource = ?1",
	                            -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sync_db_fail(s);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		snprintf(out->backfill_cursor, sizeof out->backfill_cursor, "%s",
		         t ? (const char *)t : "");
		out->backfill_done = sqlite3_column_int(st, 1) != 0;
		t = sqlite3_column_text(st, 2);
		snprintf(out->last_event_id, sizeof out->last_event_id, "%s",
		         t ? (const char *)t : "");
		out->has_mark = sqlite3_column_type(st, 3) != SQLITE_NULL;
		out->last_event_created = sqlite3_column_int64(st, 3);
		out->last_success = sqlite3_column_int64(st, 4);
		out->window_lo = sqlite3_column_int64(st, 5);
		out->window_hi = sqlite3_column_int64(st, 6);
	}
	sqlite3_finalize(st);
	return 0;
}

int sync_update_state(struct sync *s, const char *sql, const char *key, const char *text, int64_t a,
                      int64_t b)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		if (text)
			sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 2);
		sqlite3_bind_int64(st, 3, a);
		sqlite3_bind_int64(st, 4, b);
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
		sqlite3_finalize(st);
	}
	if (rc != SQLITE_OK)
		sync_fail(s, PROVIDER_BAD_REPLY,
		          _("the cache could not be written (%s); nothing was lost, "
		            "run the sync again once fixed"),
		          sqlite3_errmsg(s->db));
	return rc;
}

/* Stores a page's objects; the caller holds the transaction. */
int sync_store_page(struct sync *s, const struct provider_page *pg, enum provider_resource res)
{
	for (size_t i = 0; i < pg->n; i++) {
		int rc = store_object(s->store, &pg->objects[i]);
		if (rc != SQLITE_OK) {
			sync_fail(s, PROVIDER_BAD_REPLY,
			          _("the cache could not be written (%s); nothing was "
			            "lost, run the sync again once fixed"),
			          sqlite3_errmsg(s->db));
			return rc;
		}
		if (pg->objects[i].kind != MODEL_NONE) {
			s->progress.objects++;
			s->progress.per_resource[res]++;
			s->result->objects++;
		}
	}
	return SQLITE_OK;
}

bool sync_cancelled(struct sync *s)
{
	if (s->cancel && *s->cancel) {
		sync_fail(s, PROVIDER_CANCELLED, "%s",
		          _("sync stopped; the next sync continues from here"));
		return true;
	}
	return false;
}

/* A request refused for lack of permission: note it, skip the resource, go on. */
void sync_forbid(struct sync *s, enum provider_resource res, const struct provider_result *r)
{
	s->forbidden[res] = true;
	s->result->partial = true;
	snprintf(s->result->request_id, sizeof s->result->request_id, "%s", r->request_id);
	const char *name = provider_resource_name(res);
	sync_fail(s, PROVIDER_FORBIDDEN,
	          _("the API key lacks the permission to read %s (a restricted key needs "
	            "\"%s: read\"); %s were not synced. Ask the account owner for a key with that "
	            "permission."),
	          name, name, name);
}

int sync_list_page(struct sync *s, enum provider_resource res, const struct provider_list_query *q,
                   struct provider_page *pg)
{
	struct provider_result r;
	if (s->ops->list(s->provider, res, q, pg, &r) == 0)
		return 1;
	if (r.outcome == PROVIDER_FORBIDDEN) {
		sync_forbid(s, res, &r);
		return 0;
	}
	sync_fail_request(s, res, &r);
	return -1;
}

int sync_put_page(struct sync *s, enum provider_resource res, const char *key,
                  const struct provider_page *pg, bool *done)
{
	int rc = sync_store_page(s, pg, res);
	const char *last = pg->n ? pg->objects[pg->n - 1].id : NULL;
	/* A page of objects paydesk does not keep still moves the cursor. */
	*done = !pg->has_more || !last;
	if (rc == SQLITE_OK)
		rc = sync_update_state(s,
		                       "UPDATE sync_state SET backfill_cursor = ?2,"
		                       " backfill_done = ?3 WHERE resource = ?1",
		                       key, *done ? NULL : last, *done, 0);
	return rc == SQLITE_OK ? 0 : -1;
}

/* sync_put_page in a transaction of its own. */
static int commit_page(struct sync *s, enum provider_resource res, const char *key,
                       const struct provider_page *pg, bool *done)
{
	if (sync_exec(s, "BEGIN IMMEDIATE") != SQLITE_OK)
		return -1;
	if (sync_put_page(s, res, key, pg, done) != 0 || sync_exec(s, "COMMIT") != SQLITE_OK) {
		sync_rollback(s);
		return -1;
	}
	return 0;
}

static long held_ms(const struct sync_batch *b)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - b->began.tv_sec) * 1000 +
	       (now.tv_nsec - b->began.tv_nsec) / 1000000;
}

int sync_batch_add(struct sync *s, struct sync_batch *b)
{
	if (b->pages == 0) {
		if (sync_exec(s, "BEGIN IMMEDIATE") != SQLITE_OK)
			return -1;
		clock_gettime(CLOCK_MONOTONIC, &b->began);
	}
	b->pages++;
	return 0;
}

int sync_batch_done(struct sync *s, struct sync_batch *b, bool now)
{
	if (b->pages == 0 ||
	    (!now && b->pages < SYNC_PAGES_PER_COMMIT && held_ms(b) < SYNC_COMMIT_MS))
		return 0;
	b->pages = 0;
	if (sync_exec(s, "COMMIT") != SQLITE_OK) {
		sync_rollback(s);
		return -1;
	}
	return 0;
}

int sync_batch_idle(struct sync *s, struct sync_batch *b)
{
	return b->pages > 0 && held_ms(b) >= SYNC_COMMIT_MS ? sync_batch_done(s, b, true) : 0;
}

void sync_batch_abandon(struct sync *s, struct sync_batch *b)
{
	if (b->pages > 0)
		sync_rollback(s);
	b->pages = 0;
}

int sync_backfill_range(struct sync *s, enum provider_resource res, const char *key, int64_t lo,
                        int64_t hi, int weight)
{
	struct sync_state_row st;
	if (sync_load_state(s, key, &st) != 0)
		return -1;
	if (st.backfill_done)
		return 0;
	char cursor[128];
	snprintf(cursor, sizeof cursor, "%s", st.backfill_cursor);
	s->newest_created = 0;
	for (;;) {
		if (sync_cancelled(s))
			return -1;
		struct provider_list_query q = {.starting_after = cursor[0] ? cursor : NULL,
		                                .created_gte = lo,
		                                .created_lt = hi};
		struct provider_page pg;
		int got = sync_list_page(s, res, &q, &pg);
		if (got <= 0)
			return got < 0 ? -1 : 0;
		bool done;
		if (commit_page(s, res, key, &pg, &done) != 0) {
			provider_page_free(&pg);
			return -1;
		}
		int64_t oldest = pg.n ? pg.objects[pg.n - 1].created : 0;
		if (pg.n && !s->newest_created)
			s->newest_created = pg.objects[0].created;
		if (pg.n && pg.objects[pg.n - 1].id)
			snprintf(cursor, sizeof cursor, "%s", pg.objects[pg.n - 1].id);
		provider_page_free(&pg);
		sync_report(s, SYNC_PHASE_BACKFILL, res, done ? s->account_created : oldest,
		            weight);
		if (done)
			return 0;
	}
}

/* Records the account in the cache's meta table. */
static int store_account(struct sync *s, const char *account_id)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db,
	                       "INSERT INTO meta(key, value) VALUES ('account', ?1), "
	                       "('provider', ?2), ('profile', ?3) ON CONFLICT(key) DO UPDATE "
	                       "SET value = excluded.value",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, account_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, s->profile->platform, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, s->profile->name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The account the cache holds, "" when none yet. */
static void cached_account(struct sync *s, char *out, size_t size)
{
	sqlite3_stmt *st;
	out[0] = '\0';
	if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'account'", -1, &st,
	                       NULL) != SQLITE_OK)
		return;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

int sync_run(const struct profile *profile, const struct sync_options *options,
             sync_progress_fn *progress, void *user, const volatile int *cancel,
             struct sync_result *result)
{
	memset(result, 0, sizeof *result);
	struct sync s = {.profile = profile,
	                 .cancel = cancel,
	                 .progress_fn = progress,
	                 .user = user,
	                 .result = result};
	struct sync_options defaults = {0};
	if (!options)
		options = &defaults;
	clock_gettime(CLOCK_MONOTONIC, &s.start);
	char err[1024];
	int rc = -1;

	/* The platform first: offline, or with a refused key, the cache is not touched. */
	s.provider = provider_open(profile, NULL, err, sizeof err);
	if (!s.provider) {
		sync_fail(&s, PROVIDER_AUTH, "%s", err);
		return -1;
	}
	provider_set_cancel(s.provider, cancel);
	s.ops = provider_get_ops(s.provider);
	s.platform = provider_get_platform(s.provider);
	sync_report(&s, SYNC_PHASE_START, PROVIDER_CHARGES, 0, 0);
	char account[64] = "";
	struct provider_result r;
	if (s.ops->account(s.provider, account, &s.account_created, &r) != 0) {
		if (r.outcome != PROVIDER_FORBIDDEN) {
			snprintf(result->request_id, sizeof result->request_id, "%s", r.request_id);
			if (r.outcome == PROVIDER_OFFLINE &&
			    strcmp(r.error_type, HTTP_ERROR_TLS) == 0)
				sync_fail(&s, r.outcome,
				          _("the TLS certificate of %s could not be verified "
				            "(%s); the cache was not changed. If the platform "
				            "uses a private certificate authority, name its "
				            "certificate with ca_file in profile [%s]."),
				          profile->api_base, r.message, profile->name);
			else if (r.outcome == PROVIDER_OFFLINE)
				sync_fail(&s, r.outcome,
				          _("offline: %s cannot be reached (%s); the cache was not "
				            "changed. Check the network and run the sync again."),
				          profile->api_base, r.message);
			else if (r.outcome == PROVIDER_AUTH && s.platform->credentials_hint)
				sync_fail(&s, r.outcome,
				          _("the platform refused the credentials of profile [%s] "
				            "(%s); %s"),
				          profile->name, r.message,
				          _(s.platform->credentials_hint));
			else if (r.outcome == PROVIDER_AUTH)
				sync_fail(
				        &s, r.outcome,
				        _("the platform refused the API key of profile [%s] (%s); "
				          "check the key file or PAYDESK_API_KEY"),
				        profile->name, r.message);
			else if (s.platform->account_word)
				sync_fail_named(&s, _(s.platform->account_word), &r);
			else
				sync_fail_request(&s, PROVIDER_CHARGES, &r);
			goto out;
		}
		/* A restricted key may not read the account; the lists say what it may read. */
	}

	s.cache = cache_open(profile->cache_path, err, sizeof err);
	if (!s.cache) {
		sync_fail(&s, PROVIDER_BAD_REPLY, "%s", err);
		goto out;
	}
	snprintf(result->notice, sizeof result->notice, "%s", cache_notice(s.cache));
	s.db = cache_db(s.cache);
	/* This connection is the sync's own: its store keeps orders_fts itself (store_new). */
	sqlite3_db_config(s.db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	/* Every page is a commit that rewrites the leaves of the id indices it touches: a page
	 * cache that holds them, and checkpoints rare enough that a leaf rewritten by many
	 * commits is copied into the file once, keep that from costing more than the rest of
	 * the sync. The WAL file is cut back to 64 MiB after each checkpoint. */
	sqlite3_exec(s.db,
	             "PRAGMA cache_size = -" SYNC_CACHE_KIB "; PRAGMA wal_autocheckpoint = 16384;"
	             " PRAGMA journal_size_limit = 67108864;",
	             NULL, NULL, NULL);
	s.store = store_new(s.db, err, sizeof err);
	if (!s.store) {
		sync_fail(&s, PROVIDER_BAD_REPLY, _("cannot prepare the cache: %s"), err);
		goto out;
	}
	/* What the cache held before: what the sync adds to it is told apart from what it
	 * rewrites (an object may be stored more than once). */
	int64_t held = cache_objects(s.cache);
	if (account[0]) {
		char have[64];
		cached_account(&s, have, sizeof have);
		if (have[0] && strcmp(have, account) != 0) {
			sync_fail(&s, PROVIDER_INVALID,
			          _("the cache %s holds account %s but the key belongs to account "
			            "%s; use "
			            "another profile for that account"),
			          profile->cache_path, have, account);
			goto out;
		}
		if (store_account(&s, account) != 0) {
			sync_fail(&s, PROVIDER_BAD_REPLY, _("the cache could not be written (%s)"),
			          sqlite3_errmsg(s.db));
			goto out;
		}
	}
	rc = s.platform->history == PROVIDER_HISTORY_BILLS ? sync_bills_run(&s, options)
	                                                   : sync_lists_run(&s, options);
	/* What changed is folded into the Insights sums. Should that fail (a full disk), the
	 * marks stay and readers count those quarters from the objects: nothing is wrong,
	 * only slower until the next sync folds them. */
	cache_insights_fold(s.db);
	if (rc == 0)
		result->outcome = PROVIDER_OK;
	int64_t now_held = held >= 0 ? cache_objects(s.cache) : -1;
	result->objects_new = now_held > held ? now_held - held : 0;
	if (result->objects_new > result->objects)
		result->objects_new = result->objects;
out:
	store_free(&s.store);
	cache_close(&s.cache);
	provider_close(&s.provider);
	return rc;
}
