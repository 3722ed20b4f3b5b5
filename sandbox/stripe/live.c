/* Live activity for the admin API: new charges, refunds, disputes, dispute progress and
 * payouts made "now", each with the events Stripe would send. Callers hold the lock and
 * wrap a batch in one transaction. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/stripe/stripe.h"

static void add_id(struct sbx_buf *ids, const char *id)
{
	if (ids->len > 0)
		sbx_buf_puts(ids, ",");
	sbx_buf_jstr(ids, id);
}

int sbx_live_charge(struct sbx *s, struct sbx_buf *ids)
{
	struct sbx_charge_gen *c = malloc(sizeof(*c));
	sqlite3_stmt *ins = sbx_prepare(s, SBX_INSERT_CHARGE_SQL);
	sqlite3_stmt *q = sbx_prepare(s, "SELECT count(*) FROM charges");
	char bt[40];
	long seq = 1;
	int succeeded;
	int rc = -1;
	int64_t now = sbx_now(s);

	if (c == NULL || ins == NULL || q == NULL)
		goto out;
	if (sqlite3_step(q) == SQLITE_ROW)
		seq = (long)sqlite3_column_int64(q, 0) + 1;
	sbx_gen_charge(&s->rng, &s->opt, seq, now, c);
	succeeded = strcmp(c->status, "succeeded") == 0;
	sbx_rng_id(&s->rng, "txn_", bt, sizeof(bt));
	if (sbx_insert_charge(s, ins, c, 0, 0, succeeded ? bt : NULL) != 0)
		goto out;
	if (succeeded) {
		struct sbx_booked k;

		sbx_fx_book(s, c->currency, c->amount, now, SBX_FEE_CHARGE, &k);
		if (sbx_fx_insert_bt(s, bt, now, sbx_day_start(now) + 2 * 86400, &k, "charge",
		                     "charge", c->id, c->description, NULL) != 0)
			goto out;
	}
	if (sbx_emit_event(s,
	                   succeeded                          ? "charge.succeeded"
	                   : strcmp(c->status, "failed") == 0 ? "charge.failed"
	                                                      : "charge.pending",
	                   "charges", c->id, NULL, NULL) != 0)
		goto out;
	add_id(ids, c->id);
	rc = 0;
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(q);
	free(c);
	return rc;
}

int sbx_live_refund(struct sbx *s, struct sbx_buf *ids, int nth)
{
	sqlite3_stmt *q = sbx_prepare(
	        s, "SELECT id, currency, amount, amount_refunded FROM charges WHERE status = "
	           "'succeeded' AND disputed = 0 AND amount_refunded < amount ORDER BY created "
	           "DESC, rowid DESC LIMIT 1 OFFSET ?");
	char id[40], chid[40], cur[8];
	int64_t amount, refunded, amt;
	int rc = -1;

	if (q == NULL)
		return -1;
	sqlite3_bind_int(q, 1, nth);
	if (sqlite3_step(q) != SQLITE_ROW) {
		sqlite3_finalize(q);
		return 1; /* nothing left to refund */
	}
	snprintf(chid, sizeof(chid), "%s", (const char *)sqlite3_column_text(q, 0));
	snprintf(cur, sizeof(cur), "%s", (const char *)sqlite3_column_text(q, 1));
	amount = sqlite3_column_int64(q, 2);
	refunded = sqlite3_column_int64(q, 3);
	sqlite3_finalize(q);
	amt = amount - refunded;
	if (sbx_rng_below(&s->rng, 2) && amt > 1)
		amt = 1 + (int64_t)sbx_rng_below(&s->rng, (uint64_t)amt - 1);
	if (sbx_do_refund(s, chid, cur, amt, refunded, amount, "requested_by_customer", "{}", NULL,
	                  id) == 0) {
		add_id(ids, id);
		rc = 0;
	}
	return rc;
}

static int insert_dispute_bt(struct sbx *s, const char *dispute, const char *charge,
                             const char *cur, int64_t amount, int reversal)
{
	char bt[40];
	char desc[96];
	int64_t now = sbx_now(s);
	struct sbx_booked k;

	sbx_rng_id(&s->rng, "txn_", bt, sizeof(bt));
	snprintf(desc, sizeof(desc), "Chargeback %s for %s", reversal ? "reversal" : "withdrawal",
	         charge);
	sbx_fx_book(s, cur, reversal ? amount : -amount, now,
	            reversal ? SBX_FEE_DISPUTE_RETURNED : SBX_FEE_DISPUTE, &k);
	return sbx_fx_insert_bt(s, bt, now, sbx_day_start(now) + 2 * 86400, &k, "adjustment",
	                        reversal ? "dispute_reversal" : "dispute", dispute, desc, NULL);
}

int sbx_live_dispute(struct sbx *s, struct sbx_buf *ids, int nth)
{
	sqlite3_stmt *q = sbx_prepare(
	        s, "SELECT id, currency, amount, brand FROM charges WHERE status = 'succeeded' AND "
	           "disputed = 0 AND amount_refunded = 0 ORDER BY created DESC, rowid DESC LIMIT 1 "
	           "OFFSET ?");
	char id[40], chid[40], cur[8], brand[32];
	int64_t amount, now = sbx_now(s);
	struct sbx_buf ev;
	int rc = -1;

	if (q == NULL)
		return -1;
	sqlite3_bind_int(q, 1, nth);
	if (sqlite3_step(q) != SQLITE_ROW) {
		sqlite3_finalize(q);
		return 1;
	}
	snprintf(chid, sizeof(chid), "%s", (const char *)sqlite3_column_text(q, 0));
	snprintf(cur, sizeof(cur), "%s", (const char *)sqlite3_column_text(q, 1));
	amount = sqlite3_column_int64(q, 2);
	snprintf(brand, sizeof(brand), "%s", (const char *)sqlite3_column_text(q, 3));
	sqlite3_finalize(q);
	sbx_rng_id(&s->rng, "dp_", id, sizeof(id));
	sbx_buf_init(&ev);
	sbx_evidence_json(&ev, NULL, NULL, 0);
	if (ev.failed)
		goto out;
	if (sbx_run(s,
	            "INSERT INTO disputes(" SBX_DISPUTE_COLS ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
	            "sisisssiissss", id, now, chid, amount, cur, "needs_response", "fraudulent",
	            now + 7 * 86400, (int64_t)0, ev.data, "{}",
	            strcmp(brand, "visa") == 0 ? "10.4" : "4837", brand) != 0)
		goto out;
	if (sbx_run(s, "UPDATE charges SET disputed = 1 WHERE id = ?", "s", chid) != 0)
		goto out;
	if (insert_dispute_bt(s, id, chid, cur, amount, 0) != 0)
		goto out;
	if (sbx_emit_event(s, "charge.dispute.created", "disputes", id, NULL, NULL) != 0 ||
	    sbx_emit_event(s, "charge.dispute.funds_withdrawn", "disputes", id, NULL, NULL) != 0)
		goto out;
	add_id(ids, id);
	rc = 0;
out:
	sbx_buf_free(&ev);
	return rc;
}

int sbx_live_dispute_update(struct sbx *s, struct sbx_buf *ids, int nth)
{
	sqlite3_stmt *q = sbx_prepare(
	        s, "SELECT id, status, charge, currency, amount FROM disputes WHERE status IN "
	           "('needs_response','warning_needs_response','under_review',"
	           "'warning_under_review') ORDER BY created DESC, rowid DESC LIMIT 1 OFFSET ?");
	char id[40], status[40], chid[40], cur[8], prev[128];
	const char *to;
	const char *type = "charge.dispute.updated";
	int64_t amount;
	int submit = 0;

	if (q == NULL)
		return -1;
	sqlite3_bind_int(q, 1, nth);
	if (sqlite3_step(q) != SQLITE_ROW) {
		sqlite3_finalize(q);
		return 1;
	}
	snprintf(id, sizeof(id), "%s", (const char *)sqlite3_column_text(q, 0));
	snprintf(status, sizeof(status), "%s", (const char *)sqlite3_column_text(q, 1));
	snprintf(chid, sizeof(chid), "%s", (const char *)sqlite3_column_text(q, 2));
	snprintf(cur, sizeof(cur), "%s", (const char *)sqlite3_column_text(q, 3));
	amount = sqlite3_column_int64(q, 4);
	sqlite3_finalize(q);
	if (strcmp(status, "needs_response") == 0) {
		to = "under_review";
		submit = 1;
	} else if (strcmp(status, "warning_needs_response") == 0) {
		to = "warning_under_review";
		submit = 1;
	} else if (strcmp(status, "warning_under_review") == 0) {
		to = "warning_closed";
		type = "charge.dispute.closed";
	} else {
		to = (nth % 2 == 0) ? "won" : "lost";
		type = "charge.dispute.closed";
	}
	snprintf(prev, sizeof(prev), "{\"status\":\"%s\"}", status);
	if (sbx_run(s,
	            "UPDATE disputes SET status = ?, submission_count = submission_count + ? "
	            "WHERE id = ?",
	            "sis", to, (int64_t)submit, id) != 0)
		return -1;
	if (strcmp(to, "won") == 0) {
		if (insert_dispute_bt(s, id, chid, cur, amount, 1) != 0 ||
		    sbx_emit_event(s, "charge.dispute.funds_reinstated", "disputes", id, NULL,
		                   NULL) != 0)
			return -1;
	}
	if (sbx_emit_event(s, type, "disputes", id, prev, NULL) != 0)
		return -1;
	add_id(ids, id);
	return 0;
}

int sbx_live_payouts(struct sbx *s, struct sbx_buf *ids, int max)
{
	sqlite3_stmt *q = sbx_prepare(
	        s, "SELECT currency, SUM(net) FROM balance_transactions WHERE payout IS NULL AND "
	           "type != 'payout' AND available_on <= ? GROUP BY currency ORDER BY currency");
	char curs[8][8];
	int64_t sums[8];
	int n = 0, i, made = 0;
	int64_t now = sbx_now(s);

	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, now);
	while (n < 8 && sqlite3_step(q) == SQLITE_ROW) {
		snprintf(curs[n], sizeof(curs[n]), "%s", (const char *)sqlite3_column_text(q, 0));
		sums[n] = sqlite3_column_int64(q, 1);
		n++;
	}
	sqlite3_finalize(q);
	for (i = 0; i < n && made < max; i++) {
		char po[40], bt[40];

		if (sums[i] <= 0)
			continue;
		sbx_rng_id(&s->rng, "po_", po, sizeof(po));
		sbx_rng_id(&s->rng, "txn_", bt, sizeof(bt));
		if (sbx_run(s,
		            "UPDATE balance_transactions SET payout = ? WHERE payout IS NULL AND "
		            "type != 'payout' AND currency = ? AND available_on <= ?",
		            "ssi", po, curs[i], now) != 0)
			return -1;
		struct sbx_booked k = {.amount = -sums[i]};

		snprintf(k.currency, sizeof k.currency, "%s", curs[i]);
		if (sbx_fx_insert_bt(s, bt, now, now, &k, "payout", "payout", po, "STRIPE PAYOUT",
		                     NULL) != 0)
			return -1;
		if (sbx_run(s, "INSERT INTO payouts(" SBX_PAYOUT_COLS ") VALUES (?,?,?,?,?,?,?,?)",
		            "siississ", po, now, sums[i], curs[i], "in_transit",
		            sbx_day_start(now) + 86400, bt, "{}") != 0)
			return -1;
		if (sbx_emit_event(s, "payout.created", "payouts", po, NULL, NULL) != 0)
			return -1;
		add_id(ids, po);
		made++;
	}
	return 0;
}

int sbx_settle_payouts(struct sbx *s)
{
	sqlite3_stmt *q = sbx_prepare(s, "SELECT id FROM payouts WHERE status = 'in_transit' AND "
	                                 "arrival_date <= ? ORDER BY created, rowid");
	char ids[64][40];
	int n = 0, i;

	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, sbx_now(s));
	while (n < 64 && sqlite3_step(q) == SQLITE_ROW) {
		snprintf(ids[n], sizeof(ids[n]), "%s", (const char *)sqlite3_column_text(q, 0));
		n++;
	}
	sqlite3_finalize(q);
	for (i = 0; i < n; i++) {
		if (sbx_run(s, "UPDATE payouts SET status = 'paid' WHERE id = ?", "s", ids[i]) !=
		            0 ||
		    sbx_emit_event(s, "payout.paid", "payouts", ids[i],
		                   "{\"status\":\"in_transit\"}", NULL) != 0)
			return -1;
	}
	return n == 64 ? sbx_settle_payouts(s) : 0;
}
