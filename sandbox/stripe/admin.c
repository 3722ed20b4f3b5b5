/* Stripe's admin calls: live activity, forgetting idempotency keys, the checksums and
 * the ledger sums that let other components prove they mirror the sandbox. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/stripe/stripe.h"

static void admin_error(struct sbx_result *r, int status, const char *msg)
{
	sbx_result_error(r, status, "invalid_request_error", NULL, NULL, "%s", msg);
}

static void create(struct sbx *s, struct sbx_params *p, struct sbx_result *r)
{
	static const char *const kinds[] = {"charges", "refunds", "disputes", "dispute_updates",
	                                    "payouts"};
	int counts[5];
	struct sbx_buf ids[5];
	int k, i, rc = 0;

	for (k = 0; k < 5; k++) {
		if (sbx_admin_count(p, kinds[k], 0, 100000, &counts[k]) != 0) {
			admin_error(r, 400, "counts must be integers from 0 to 100000");
			return;
		}
		sbx_buf_init(&ids[k]);
	}
	if (sbx_params_unused(p)) {
		admin_error(r, 400,
		            "unknown parameter; use charges, refunds, disputes, "
		            "dispute_updates, payouts");
		return;
	}
	if (sbx_exec(s, "BEGIN IMMEDIATE") != 0) {
		admin_error(r, 500, "the store is busy");
		return;
	}
	for (i = 0; rc == 0 && i < counts[0]; i++)
		rc = sbx_live_charge(s, &ids[0]);
	for (i = 0; rc == 0 && i < counts[1]; i++)
		rc = sbx_live_refund(s, &ids[1], (int)sbx_rng_below(&s->rng, 5));
	for (i = 0; rc == 0 && i < counts[2]; i++)
		rc = sbx_live_dispute(s, &ids[2], (int)sbx_rng_below(&s->rng, 5));
	for (i = 0; rc == 0 && i < counts[3]; i++)
		rc = sbx_live_dispute_update(s, &ids[3], i);
	if (rc == 0 && counts[4] > 0)
		rc = sbx_live_payouts(s, &ids[4], counts[4]);
	/* 1 means "nothing eligible left": what was created so far stands. */
	if (rc < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		admin_error(r, 500, sqlite3_errmsg(s->db));
	} else if (sbx_exec(s, "COMMIT") != 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		admin_error(r, 500, "could not commit");
	} else {
		r->status = 200;
		sbx_buf_puts(&r->body, "{");
		for (k = 0; k < 5; k++) {
			sbx_buf_printf(&r->body, "%s\"%s\":[%s]", k ? "," : "", kinds[k],
			               ids[k].data ? ids[k].data : "");
		}
		sbx_buf_puts(&r->body, "}");
	}
	for (k = 0; k < 5; k++)
		sbx_buf_free(&ids[k]);
}

static void checksum(struct sbx *s, struct sbx_result *r)
{
	struct sbx_buf *b = &r->body;
	int rc = 0;

	sbx_buf_puts(b, "{");
	rc |= sbx_checksum_table(
	        s, "charges",
	        "SELECT id, amount, currency, status, amount_refunded,"
	        " CASE WHEN amount > 0 AND amount_refunded >= amount THEN 1 ELSE 0 END,"
	        " disputed FROM charges ORDER BY id",
	        b);
	sbx_buf_puts(b, ",");
	rc |= sbx_checksum_table(
	        s, "refunds",
	        "SELECT id, charge, amount, currency, status FROM refunds ORDER BY id", b);
	sbx_buf_puts(b, ",");
	rc |= sbx_checksum_table(s, "disputes",
	                         "SELECT id, charge, amount, currency, status, reason FROM disputes"
	                         " ORDER BY id",
	                         b);
	sbx_buf_puts(b, ",");
	rc |= sbx_checksum_table(s, "payouts",
	                         "SELECT id, amount, currency, status, arrival_date FROM payouts"
	                         " ORDER BY id",
	                         b);
	sbx_buf_puts(b, ",");
	rc |= sbx_checksum_table(s, "balance_transactions",
	                         "SELECT id, amount, fee, net, currency, type, source FROM"
	                         " balance_transactions ORDER BY id",
	                         b);
	sbx_buf_puts(b, ",");
	rc |= sbx_checksum_table(s, "fx",
	                         "SELECT id, exchange_rate, fx_fee FROM balance_transactions"
	                         " WHERE exchange_rate IS NOT NULL ORDER BY id",
	                         b);
	sbx_buf_puts(b, "}");
	if (rc != 0) {
		admin_error(r, 500, "checksum failed");
		return;
	}
	r->status = 200;
}

static void ledger(struct sbx *s, struct sbx_params *p, struct sbx_result *r)
{
	const char *from_s = sbx_params_get(p, "from");
	const char *to_s = sbx_params_get(p, "to");
	sqlite3_stmt *st;
	char cur[8] = "";
	char *end1 = NULL, *end2 = NULL;
	long long from, to;
	int first_type = 1;

	if (from_s == NULL || to_s == NULL) {
		admin_error(r, 400, "from and to (unix seconds) are required");
		return;
	}
	from = strtoll(from_s, &end1, 10);
	to = strtoll(to_s, &end2, 10);
	if (*from_s == '\0' || *end1 != '\0' || *to_s == '\0' || *end2 != '\0') {
		admin_error(r, 400, "from and to must be integers");
		return;
	}
	st = sbx_prepare(s, "SELECT currency, type, count(*), SUM(amount), SUM(fee), SUM(net)"
	                    " FROM balance_transactions WHERE created >= ? AND created < ?"
	                    " GROUP BY currency, type ORDER BY currency, type");
	if (st == NULL) {
		admin_error(r, 500, "query failed");
		return;
	}
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	sbx_buf_puts(&r->body, "{");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(st, 0);

		if (strcmp(c, cur) != 0) {
			sbx_buf_printf(&r->body, "%s\"%s\":{", cur[0] ? "}," : "", c);
			snprintf(cur, sizeof(cur), "%s", c);
			first_type = 1;
		}
		sbx_buf_printf(
		        &r->body,
		        "%s\"%s\":{\"count\":%lld,\"amount\":%lld,\"fee\":%lld,\"net\":%lld}",
		        first_type ? "" : ",", (const char *)sqlite3_column_text(st, 1),
		        (long long)sqlite3_column_int64(st, 2),
		        (long long)sqlite3_column_int64(st, 3),
		        (long long)sqlite3_column_int64(st, 4),
		        (long long)sqlite3_column_int64(st, 5));
		first_type = 0;
	}
	sqlite3_finalize(st);
	sbx_buf_puts(&r->body, cur[0] ? "}}" : "}");
	r->status = 200;
}

int sbx_stripe_admin(struct sbx *s, struct sbx_request *rq, struct sbx_result *r)
{
	const char *m = rq->method;
	const char *path = rq->path;
	struct sbx_params *p = strcmp(m, "GET") == 0 ? rq->query : rq->form;

	if (strcmp(path, "/_admin/create") == 0 && strcmp(m, "POST") == 0) {
		create(s, p, r);
	} else if (strcmp(path, "/_admin/forget_keys") == 0 && strcmp(m, "POST") == 0) {
		if (sbx_exec(s, "DELETE FROM idempotency WHERE in_flight = 0") != 0) {
			admin_error(r, 500, "could not forget the keys");
			return 1;
		}
		r->status = 200;
		sbx_buf_printf(&r->body, "{\"forgotten\":%d}", sqlite3_changes(s->db));
	} else if (strcmp(path, "/_admin/checksum") == 0 && strcmp(m, "GET") == 0) {
		checksum(s, r);
	} else if (strcmp(path, "/_admin/ledger") == 0 && strcmp(m, "GET") == 0) {
		ledger(s, p, r);
	} else {
		return 0;
	}
	return 1;
}
