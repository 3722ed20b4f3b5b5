/* Payout reconciliation: which entries each payout paid out. Where the platform has a report
 * of it (Stripe's payout reconciliation report) and many automatic payouts wait, as after a
 * backfill, one run of the report links them all: each entry is marked with its payout in
 * batched transactions, then, in one more, every payout the report covered as reconciled
 * (but a payout with an entry the cache lacks). What is left - payouts newer than the
 * report's data, manual ones, a report refused or failed - is listed by payout
 * (?payout=po_...): each entry is marked with its payout, then the payout as reconciled.
 * SYNC_STREAMS payouts are listed at once on libcurl multi, as the backfill's windows are,
 * and their pages are stored by the sync's one connection in batched transactions. A
 * payout's last page and its mark are in the same transaction, so an interrupted run leaves
 * every payout either reconciled or to be listed again (marking an entry twice changes
 * nothing). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client.h"
#include "client/sync_private.h"

struct reconciling {
	struct sync *s;
	struct {
		char payout[128]; /* "" when the stream needs a payout */
		char after[128];  /* the cursor within it */
	} st[SYNC_STREAMS];
	char taken[128]; /* payouts are taken in id order, after this one */
	sqlite3_stmt *next_payout, *mark;
	struct sync_batch batch;
	bool failed;
};

/* The next payout not yet reconciled nor taken: 1 with its id, 0 when none, -1 on failure. */
static int take_payout(struct reconciling *rc, char *id, size_t size)
{
	sqlite3_stmt *st = rc->next_payout;
	sqlite3_bind_text(st, 1, rc->taken, -1, SQLITE_STATIC);
	int r = sqlite3_step(st);
	int got = r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -1;
	if (got == 1) {
		snprintf(id, size, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(rc->taken, sizeof rc->taken, "%s", id);
	}
	sqlite3_reset(st);
	if (got < 0)
		sync_db_fail(rc->s);
	return got;
}

static int payout_next(void *user, size_t i, struct provider_list_query *q)
{
	struct reconciling *rc = user;
	if (!rc->st[i].payout[0]) {
		int got =
		        rc->failed ? 0 : take_payout(rc, rc->st[i].payout, sizeof rc->st[i].payout);
		if (got < 0)
			rc->failed = true;
		if (got <= 0)
			return 0;
		rc->st[i].after[0] = '\0';
	}
	q->payout = rc->st[i].payout;
	q->starting_after = rc->st[i].after[0] ? rc->st[i].after : NULL;
	return 1;
}

/* Stores a page of one payout's entries, each marked with the payout, and after its last
 * page the payout as reconciled. The caller holds the transaction. */
static int store_payout_page(struct reconciling *rc, size_t i, const struct provider_page *pg)
{
	struct sync *s = rc->s;
	const char *payout = rc->st[i].payout;
	int r = sync_store_page(s, pg, PROVIDER_BALANCE_TRANSACTIONS);
	for (size_t k = 0; r == SQLITE_OK && k < pg->n; k++)
		if (pg->objects[k].kind == MODEL_BALANCE_TX)
			r = store_btx_payout(s->store, pg->objects[k].id, payout);
	bool more = pg->has_more && pg->n > 0 && pg->objects[pg->n - 1].id;
	if (r == SQLITE_OK && !more) {
		sqlite3_bind_text(rc->mark, 1, payout, -1, SQLITE_STATIC);
		r = sqlite3_step(rc->mark) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
		sqlite3_reset(rc->mark);
	}
	if (r != SQLITE_OK) {
		if (!s->result->message[0])
			sync_db_fail(s);
		return -1;
	}
	if (more)
		snprintf(rc->st[i].after, sizeof rc->st[i].after, "%s", pg->objects[pg->n - 1].id);
	else
		rc->st[i].payout[0] = '\0';
	return 0;
}

static int payout_page(void *user, size_t i, struct provider_page *pg)
{
	struct reconciling *rc = user;
	int r = sync_batch_add(rc->s, &rc->batch);
	if (r == 0 && store_payout_page(rc, i, pg) != 0) {
		sync_batch_abandon(rc->s, &rc->batch);
		r = -1;
	}
	if (r == 0)
		r = sync_batch_done(rc->s, &rc->batch, false);
	provider_page_free(pg);
	if (r == 0)
		sync_report(rc->s, SYNC_PHASE_RECONCILE, PROVIDER_PAYOUTS, 0, 0);
	return r;
}

static int payout_idle(void *user)
{
	struct reconciling *rc = user;
	return sync_batch_idle(rc->s, &rc->batch);
}

/* Fewer automatic payouts waiting than this are listed one by one: a report run is at least
 * four requests (its type, the run, a poll, the file) and its data lags a day. */
#define REPORT_MIN_PAYOUTS 16
/* Entries linked per transaction while a report is read. */
#define REPORT_LINKS_PER_COMMIT 16384

struct linking {
	struct sync *s;
	sqlite3_stmt *exists;
	int64_t in_batch, linked;
	/* Payouts with an entry the cache does not have: listed instead (ids, newest last). */
	char **missing;
	size_t n_missing, cap_missing;
	bool failed; /* a write failed (recorded) */
};

static int note_missing(struct linking *lk, const char *payout)
{
	if (lk->n_missing && strcmp(lk->missing[lk->n_missing - 1], payout) == 0)
		return 0;
	if (lk->n_missing == lk->cap_missing) {
		size_t cap = lk->cap_missing ? lk->cap_missing * 2 : 16;
		char **v = realloc(lk->missing, cap * sizeof *v);
		if (!v)
			return -1;
		lk->missing = v;
		lk->cap_missing = cap;
	}
	if (!(lk->missing[lk->n_missing] = strdup(payout)))
		return -1;
	lk->n_missing++;
	return 0;
}

/* One row of the report: the entry marked with its payout (unless it is already), or the
 * payout noted when the cache has no such entry. */
static int link_entry(void *user, const char *entry, const char *payout)
{
	struct linking *lk = user;
	struct sync *s = lk->s;
	if (sync_cancelled(s))
		return -1;
	if (lk->in_batch == 0 && sync_exec(s, "BEGIN IMMEDIATE") != SQLITE_OK) {
		lk->failed = true;
		return -1;
	}
	lk->in_batch++;
	int r = store_btx_payout(s->store, entry, payout);
	if (r == SQLITE_OK && sqlite3_changes(s->db) == 0) {
		/* Linked already, or not cached at all. */
		sqlite3_bind_text(lk->exists, 1, entry, -1, SQLITE_STATIC);
		int st = sqlite3_step(lk->exists);
		sqlite3_reset(lk->exists);
		if (st == SQLITE_DONE)
			r = note_missing(lk, payout) == 0 ? SQLITE_OK : SQLITE_NOMEM;
		else if (st != SQLITE_ROW)
			r = st;
	}
	if (r == SQLITE_OK)
		lk->linked++;
	if (r == SQLITE_OK && lk->in_batch >= REPORT_LINKS_PER_COMMIT) {
		r = sync_exec(s, "COMMIT");
		lk->in_batch = 0;
		if (r == SQLITE_OK)
			sync_report(s, SYNC_PHASE_RECONCILE, PROVIDER_PAYOUTS, 0, 0);
	}
	if (r != SQLITE_OK) {
		if (!s->result->message[0])
			sync_db_fail(s);
		lk->failed = true;
		return -1;
	}
	return 0;
}

/* Marks reconciled the automatic payouts arriving in [from, to) but those noted missing,
 * in the transaction that links the report's last entries. 0 or -1 (recorded). */
static int mark_covered(struct linking *lk, int64_t from, int64_t to)
{
	struct sync *s = lk->s;
	if (lk->in_batch == 0 && sync_exec(s, "BEGIN IMMEDIATE") != SQLITE_OK)
		return -1;
	lk->in_batch = 0;
	sqlite3_stmt *all = NULL, *one = NULL;
	int r = sqlite3_prepare_v2(
	        s->db,
	        "UPDATE payouts SET reconciled = 1 WHERE reconciled = 0"
	        " AND automatic = 1 AND arrival_date >= ?1 AND arrival_date < ?2",
	        -1, &all, NULL);
	if (r == SQLITE_OK)
		r = sqlite3_prepare_v2(s->db, "UPDATE payouts SET reconciled = 0 WHERE id = ?1", -1,
		                       &one, NULL);
	if (r == SQLITE_OK) {
		sqlite3_bind_int64(all, 1, from);
		sqlite3_bind_int64(all, 2, to);
		r = sqlite3_step(all) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
	}
	for (size_t i = 0; r == SQLITE_OK && i < lk->n_missing; i++) {
		sqlite3_bind_text(one, 1, lk->missing[i], -1, SQLITE_STATIC);
		r = sqlite3_step(one) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
		sqlite3_reset(one);
	}
	sqlite3_finalize(all);
	sqlite3_finalize(one);
	if (r == SQLITE_OK)
		r = sync_exec(s, "COMMIT");
	if (r != SQLITE_OK) {
		if (!s->result->message[0])
			sync_db_fail(s);
		sync_rollback(s);
		return -1;
	}
	return 0;
}

/* Reconciles the automatic payouts waiting by one report of the platform's, when it has
 * one and enough wait. 0 when done or not tried (the listing does the rest), -1 on a
 * failure of the cache or a cancel (recorded). */
static int reconcile_by_report(struct sync *s)
{
	if (!s->ops->payout_report)
		return 0;
	sqlite3_stmt *st = NULL;
	int64_t waiting = 0, first = 0;
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT count(*), min(arrival_date) FROM payouts"
	                       " WHERE reconciled = 0 AND automatic = 1",
	                       -1, &st, NULL) != SQLITE_OK) {
		sync_db_fail(s);
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		waiting = sqlite3_column_int64(st, 0);
		first = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (waiting < REPORT_MIN_PAYOUTS)
		return 0;
	struct linking lk = {.s = s};
	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM balance_transactions WHERE id = ?1", -1,
	                       &lk.exists, NULL) != SQLITE_OK) {
		sync_db_fail(s);
		return -1;
	}
	sync_report(s, SYNC_PHASE_RECONCILE, PROVIDER_PAYOUTS, 0, 0);
	struct provider_result r;
	int64_t from = 0, to = 0;
	int got = s->ops->payout_report(s->provider, first, INT64_MAX, &from, &to, link_entry, &lk,
	                                &r);
	int rc = 0;
	if (lk.failed || sync_cancelled(s)) {
		sync_rollback(s);
		rc = -1;
	} else if (got != 0) {
		/* What was linked stays; the listing does the rest, and says why if it fails too. */
		size_t len = strlen(s->result->notice);
		const char *why = r.outcome == PROVIDER_FORBIDDEN
		                          ? _("the API key may not run reports: a restricted key "
		                              "needs the \"Report runs\" permission")
		                  : r.message[0] ? r.message
		                                 : provider_outcome_message(r.outcome);
		snprintf(s->result->notice + len, sizeof s->result->notice - len,
		         _("%sthe payout reconciliation report could not be used (%s); each "
		           "payout's "
		           "entries were listed instead"),
		         len ? "; " : "", why);
		if (lk.in_batch && sync_exec(s, "COMMIT") != SQLITE_OK) {
			sync_rollback(s);
			rc = -1;
		}
	} else if (from < to) {
		rc = mark_covered(&lk, from, to);
	} else if (lk.in_batch && sync_exec(s, "COMMIT") != SQLITE_OK) {
		sync_rollback(s);
		rc = -1;
	}
	sqlite3_finalize(lk.exists);
	for (size_t i = 0; i < lk.n_missing; i++)
		free(lk.missing[i]);
	free(lk.missing);
	return rc;
}

int sync_reconcile(struct sync *s)
{
	if (s->forbidden[PROVIDER_BALANCE_TRANSACTIONS] || s->forbidden[PROVIDER_PAYOUTS])
		return 0;
	if (reconcile_by_report(s) != 0)
		return -1;
	struct reconciling rc;
	memset(&rc, 0, sizeof rc);
	rc.s = s;
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT id FROM payouts WHERE reconciled = 0 AND id > ?1"
	                       " ORDER BY id LIMIT 1",
	                       -1, &rc.next_payout, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "UPDATE payouts SET reconciled = 1 WHERE id = ?1", -1,
	                       &rc.mark, NULL) != SQLITE_OK) {
		sync_db_fail(s);
		sqlite3_finalize(rc.next_payout);
		return -1;
	}
	static const struct provider_parallel_ops ops = {
	        .next = payout_next, .page = payout_page, .idle = payout_idle};
	struct provider_result r;
	int listed = s->ops->list_parallel(s->provider, PROVIDER_BALANCE_TRANSACTIONS, SYNC_STREAMS,
	                                   &ops, &rc, &r);
	/* What was stored before a failure is kept: whole payouts, or entries marked again
	 * by the next run. */
	int committed = sync_batch_done(s, &rc.batch, true);
	sqlite3_finalize(rc.next_payout);
	sqlite3_finalize(rc.mark);
	if (committed != 0 || rc.failed)
		return -1;
	if (listed != 0) {
		if (r.outcome == PROVIDER_FORBIDDEN) {
			sync_forbid(s, PROVIDER_BALANCE_TRANSACTIONS, &r);
			return 0;
		}
		if (r.outcome != PROVIDER_OK) /* else a page's store has said why */
			sync_fail_request(s, PROVIDER_BALANCE_TRANSACTIONS, &r);
		return -1;
	}
	return 0;
}
