/* Payout reconciliation: what each payout paid out is listed by payout (?payout=po_...),
 * each entry is marked with its payout, then the payout as reconciled. SYNC_STREAMS payouts
 * are listed at once on libcurl multi, as the backfill's windows are, and their pages are
 * stored by the sync's one connection in batched transactions. A payout's last page and
 * its mark are in the same transaction, so an interrupted run leaves every payout either
 * reconciled or to be listed again (marking an entry twice changes nothing). */
#include "config.h"

#include <stdio.h>
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

int sync_reconcile(struct sync *s)
{
	if (s->forbidden[PROVIDER_BALANCE_TRANSACTIONS] || s->forbidden[PROVIDER_PAYOUTS])
		return 0;
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
