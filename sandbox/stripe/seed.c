/* Deterministic seeding: COUNT orders over the last D days with refunds, disputes in every
 * status, daily automatic payouts per currency and the balance transactions that tie them
 * together. The same --seed/--orders/--days/--now always yields the same objects. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/stripe/stripe.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* A balance transaction kept in memory until payouts are assigned. */
struct pending_bt {
	char id[32];
	char source[32];
	const char *type;
	const char *category;
	int64_t created;
	int64_t available_on;
	int64_t amount;
	int64_t fee;
	int cur;
	int payout; /* index into the payout array, or -1 */
	char description[48];
	int64_t fx_fee;
	char rate[24]; /* "" when not converted */
};

struct seed_state {
	struct sbx *s;
	struct sbx_rng *r;
	struct pending_bt *bts;
	size_t bts_n, bts_cap;
	sqlite3_stmt *ins_refund;
	sqlite3_stmt *ins_dispute;
	unsigned next_status; /* disputes cycle through every status in turn */
	unsigned next_due;    /* and open ones alternate future and past deadlines */
};

static const char *const currencies[] = {"cny", "eur", "gbp", "jpy", "usd"};
#define NCUR 5

static int cur_index(const char *c)
{
	int i;

	for (i = 0; i < NCUR; i++)
		if (strcmp(currencies[i], c) == 0)
			return i;
	return 0;
}

/* Books a movement of `amount` in the charge's currency (converted to the settlement
 * currency when the account does not settle in it). */
static struct pending_bt *add_bt(struct seed_state *st, const char *source, int64_t created,
                                 int64_t amount, enum sbx_fee fee, const char *currency,
                                 const char *type, const char *category, const char *desc)
{
	struct pending_bt *b;
	struct sbx_booked k;

	if (st->bts_n == st->bts_cap) {
		size_t cap = st->bts_cap ? st->bts_cap * 2 : 4096;
		struct pending_bt *p = realloc(st->bts, cap * sizeof(*p));

		if (p == NULL) {
			fprintf(stderr, "paydesk-sandbox: out of memory while seeding\n");
			return NULL;
		}
		st->bts = p;
		st->bts_cap = cap;
	}
	b = &st->bts[st->bts_n++];
	sbx_rng_id(st->r, "txn_", b->id, sizeof(b->id));
	snprintf(b->source, sizeof(b->source), "%s", source);
	b->type = type;
	b->category = category;
	b->created = created;
	b->available_on = sbx_day_start(created) + 2 * 86400;
	sbx_fx_book(st->s, currency, amount, created, fee, &k);
	b->amount = k.amount;
	b->fee = k.fee;
	b->fx_fee = k.fx_fee;
	snprintf(b->rate, sizeof b->rate, "%s", k.rate);
	b->cur = cur_index(k.currency);
	b->payout = -1;
	snprintf(b->description, sizeof(b->description), "%s", desc ? desc : "");
	return b;
}

static int insert_refund(struct seed_state *st, const struct sbx_charge_gen *c, int64_t created,
                         int64_t amount, const char *reason)
{
	char id[40];
	struct pending_bt *b;
	sqlite3_stmt *ins = st->ins_refund;

	sbx_rng_id(st->r, "re_", id, sizeof(id));
	b = add_bt(st, id, created, -amount, SBX_FEE_NONE, c->currency, "refund", "refund",
	           "REFUND FOR CHARGE");
	if (b == NULL)
		return -1;
	sqlite3_reset(ins);
	sqlite3_bind_text(ins, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 2, created);
	sqlite3_bind_text(ins, 3, c->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 4, amount);
	sqlite3_bind_text(ins, 5, c->currency, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 6, "succeeded", -1, SQLITE_STATIC);
	if (reason)
		sqlite3_bind_text(ins, 7, reason, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(ins, 7);
	sqlite3_bind_text(ins, 8, "{}", -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 9, b->id, -1, SQLITE_STATIC);
	if (sqlite3_step(ins) != SQLITE_DONE) {
		fprintf(stderr, "paydesk-sandbox: cannot store a refund: %s\n",
		        sqlite3_errmsg(st->s->db));
		return -1;
	}
	return 0;
}

static const char *const dispute_statuses[] = {
        "warning_needs_response",
        "warning_under_review",
        "warning_closed",
        "needs_response",
        "under_review",
        "won",
        "lost",
        "prevented",
};
static const char *const dispute_reasons[] = {
        "general",
        "fraudulent",
        "product_not_received",
        "duplicate",
        "subscription_canceled",
        "product_unacceptable",
        "credit_not_processed",
        "unrecognized",
};

static const char *reason_code(const char *brand, const char *reason)
{
	int fraud = strcmp(reason, "fraudulent") == 0;

	if (strcmp(brand, "visa") == 0)
		return fraud ? "10.4" : "13.1";
	if (strcmp(brand, "mastercard") == 0)
		return fraud ? "4837" : "4853";
	if (strcmp(brand, "amex") == 0)
		return fraud ? "F29" : "C08";
	return fraud ? "4540" : "4544";
}

/* Inserts a dispute on charge c in status number `k` of dispute_statuses, with the
 * balance transactions the status implies. */
static int insert_dispute(struct seed_state *st, const struct sbx_charge_gen *c, int64_t created,
                          int k, int64_t now)
{
	char id[40];
	const char *status = dispute_statuses[k];
	const char *reason = dispute_reasons[sbx_rng_below(st->r, NELEM(dispute_reasons))];
	int inquiry = strncmp(status, "warning_", 8) == 0;
	int submitted = strcmp(status, "under_review") == 0 ||
	                strcmp(status, "warning_under_review") == 0 || strcmp(status, "won") == 0 ||
	                (strcmp(status, "lost") == 0 && sbx_rng_below(st->r, 3) != 0);
	int has_due = strcmp(status, "prevented") != 0 && strcmp(status, "warning_closed") != 0;
	int64_t due = created + 7 * 86400 + (int64_t)sbx_rng_below(st->r, 14 * 86400);
	struct sbx_buf ev;
	char desc[80];
	sqlite3_stmt *ins = st->ins_dispute;
	int rc = 0;

	sbx_rng_id(st->r, "dp_", id, sizeof(id));
	if (strcmp(status, "needs_response") == 0 ||
	    strcmp(status, "warning_needs_response") == 0) {
		/* Half overdue, half still open, so deadline sorting has both. */
		if (st->next_due++ % 2 == 0)
			due = now + 86400 + (int64_t)sbx_rng_below(st->r, 10 * 86400);
		else
			due = now - 3600 - (int64_t)sbx_rng_below(st->r, 5 * 86400);
		if (due <= created)
			due = created + 3600;
	}
	sbx_buf_init(&ev);
	if (submitted) {
		static const char *const names[] = {"customer_name", "product_description",
		                                    "uncategorized_text"};
		const char *values[3];

		values[0] = c->name;
		values[1] = c->description;
		values[2] = "Delivered and signed for; tracking attached to the order.";
		sbx_evidence_json(&ev, names, values, 3);
	} else {
		sbx_evidence_json(&ev, NULL, NULL, 0);
	}
	if (ev.failed) {
		sbx_buf_free(&ev);
		return -1;
	}
	sqlite3_reset(ins);
	sqlite3_bind_text(ins, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 2, created);
	sqlite3_bind_text(ins, 3, c->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 4, c->amount);
	sqlite3_bind_text(ins, 5, c->currency, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 6, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 7, reason, -1, SQLITE_STATIC);
	if (has_due)
		sqlite3_bind_int64(ins, 8, due);
	else
		sqlite3_bind_null(ins, 8);
	sqlite3_bind_int(ins, 9, submitted ? 1 : 0);
	sqlite3_bind_text(ins, 10, ev.data, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 11, "{}", -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 12, reason_code(c->brand, reason), -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 13, c->brand, -1, SQLITE_STATIC);
	if (sqlite3_step(ins) != SQLITE_DONE) {
		fprintf(stderr, "paydesk-sandbox: cannot store a dispute: %s\n",
		        sqlite3_errmsg(st->s->db));
		rc = -1;
	}
	sbx_buf_free(&ev);
	if (rc != 0 || inquiry)
		return rc;
	/* A chargeback withdraws the amount plus the dispute fee; a won one returns both. */
	snprintf(desc, sizeof(desc), "Chargeback withdrawal for %s", c->id);
	if (add_bt(st, id, created, -c->amount, SBX_FEE_DISPUTE, c->currency, "adjustment",
	           "dispute", desc) == NULL)
		return -1;
	if (strcmp(status, "won") == 0) {
		int64_t t = created + 15 * 86400;

		if (t > now - 120)
			t = now - 120;
		snprintf(desc, sizeof(desc), "Chargeback reversal for %s", c->id);
		if (add_bt(st, id, t, c->amount, SBX_FEE_DISPUTE_RETURNED, c->currency,
		           "adjustment", "dispute_reversal", desc) == NULL)
			return -1;
	}
	return 0;
}

static int cmp_bt_avail(const void *a, const void *b)
{
	const struct pending_bt *x = *(const struct pending_bt *const *)a;
	const struct pending_bt *y = *(const struct pending_bt *const *)b;

	if (x->cur != y->cur)
		return x->cur - y->cur;
	if (x->available_on != y->available_on)
		return x->available_on < y->available_on ? -1 : 1;
	return x < y ? -1 : x > y ? 1 : 0;
}

struct seed_payout {
	char id[40];
	char bt[32];
	int64_t created;
	int64_t amount;
	int cur;
};

/* Daily automatic payouts per currency: the payout of day A (05:00 UTC) pays out every
 * transaction available by A that no earlier payout took; a non-positive total waits. */
static int make_payouts(struct seed_state *st, int64_t now, struct seed_payout **out, size_t *out_n)
{
	struct pending_bt **order = malloc((st->bts_n + 1) * sizeof(*order));
	struct seed_payout *pos = NULL;
	size_t pos_n = 0, pos_cap = 0;
	size_t i = 0;

	if (order == NULL)
		return -1;
	for (i = 0; i < st->bts_n; i++)
		order[i] = &st->bts[i];
	qsort(order, st->bts_n, sizeof(*order), cmp_bt_avail);
	i = 0;
	while (i < st->bts_n) {
		int cur = order[i]->cur;
		size_t first_unpaid = i;
		int64_t acc = 0;

		while (i < st->bts_n && order[i]->cur == cur) {
			int64_t day = order[i]->available_on;
			int64_t when = day + 5 * 3600;

			if (when > now - 60) {
				while (i < st->bts_n && order[i]->cur == cur)
					i++;
				break;
			}
			while (i < st->bts_n && order[i]->cur == cur &&
			       order[i]->available_on == day) {
				acc += order[i]->amount - order[i]->fee;
				i++;
			}
			if (acc > 0) {
				struct seed_payout *p;
				size_t j;

				if (pos_n == pos_cap) {
					size_t cap = pos_cap ? pos_cap * 2 : 256;
					struct seed_payout *np = realloc(pos, cap * sizeof(*np));

					if (np == NULL) {
						free(pos);
						free(order);
						return -1;
					}
					pos = np;
					pos_cap = cap;
				}
				p = &pos[pos_n];
				sbx_rng_id(st->r, "po_", p->id, sizeof(p->id));
				sbx_rng_id(st->r, "txn_", p->bt, sizeof(p->bt));
				p->created = when;
				p->amount = acc;
				p->cur = cur;
				for (j = first_unpaid; j < i; j++)
					order[j]->payout = (int)pos_n;
				pos_n++;
				first_unpaid = i;
				acc = 0;
			}
		}
	}
	free(order);
	*out = pos;
	*out_n = pos_n;
	return 0;
}

static int insert_payouts_and_bts(struct seed_state *st, struct seed_payout *pos, size_t n,
                                  int64_t now)
{
	sqlite3_stmt *ins_bt = sbx_prepare(st->s, SBX_INSERT_BT_SQL);
	sqlite3_stmt *ins_po = sbx_prepare(st->s, "INSERT INTO payouts(" SBX_PAYOUT_COLS
	                                          ") VALUES (?,?,?,?,?,?,?,?)");
	size_t i;
	int rc = -1;

	if (ins_bt == NULL || ins_po == NULL)
		goto out;
	for (i = 0; i < st->bts_n; i++) {
		struct pending_bt *b = &st->bts[i];

		if (sbx_insert_bt(st->s, ins_bt, b->id, b->created, b->available_on, b->amount,
		                  b->fee, currencies[b->cur], b->type, b->category, b->source,
		                  b->description[0] ? b->description : NULL,
		                  b->rate[0] ? b->rate : NULL, b->fx_fee,
		                  b->payout >= 0 ? pos[b->payout].id : NULL) != 0)
			goto out;
	}
	for (i = 0; i < n; i++) {
		struct seed_payout *p = &pos[i];
		int64_t arrival = sbx_day_start(p->created) + 86400;

		if (sbx_insert_bt(st->s, ins_bt, p->bt, p->created, p->created, -p->amount, 0,
		                  currencies[p->cur], "payout", "payout", p->id, "STRIPE PAYOUT",
		                  NULL, 0, NULL) != 0)
			goto out;
		sqlite3_reset(ins_po);
		sqlite3_bind_text(ins_po, 1, p->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins_po, 2, p->created);
		sqlite3_bind_int64(ins_po, 3, p->amount);
		sqlite3_bind_text(ins_po, 4, currencies[p->cur], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_po, 5, arrival <= now ? "paid" : "in_transit", -1,
		                  SQLITE_STATIC);
		sqlite3_bind_int64(ins_po, 6, arrival);
		sqlite3_bind_text(ins_po, 7, p->bt, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_po, 8, "{}", -1, SQLITE_STATIC);
		if (sqlite3_step(ins_po) != SQLITE_DONE) {
			fprintf(stderr, "paydesk-sandbox: cannot store a payout: %s\n",
			        sqlite3_errmsg(st->s->db));
			goto out;
		}
	}
	rc = 0;
out:
	sqlite3_finalize(ins_bt);
	sqlite3_finalize(ins_po);
	return rc;
}

/* Refunds and disputes of one seeded charge, decided when the charge is drawn. */
static int seed_one(struct seed_state *st, sqlite3_stmt *ins_charge, struct sbx_charge_gen *c,
                    int64_t now, long i)
{
	struct sbx_rng *r = st->r;
	int64_t refunded = 0;
	int disputed = 0;
	struct pending_bt *cb = NULL;
	char btid[32] = "";
	uint64_t k;

	if (strcmp(c->status, "succeeded") == 0) {
		cb = add_bt(st, c->id, c->created, c->amount, SBX_FEE_CHARGE, c->currency, "charge",
		            "charge", c->description);
		if (cb == NULL)
			return -1;
		snprintf(btid, sizeof(btid), "%s", cb->id);
		k = sbx_rng_below(r, 1000);
		if (k < 50) {
			/* ~5% refunded: 60% in full, the rest partially in one or two steps. */
			int64_t t = c->created + 3600 + (int64_t)sbx_rng_below(r, 10 * 86400);
			static const char *const reasons[] = {"requested_by_customer", "duplicate",
			                                      "fraudulent", NULL};
			const char *reason = reasons[sbx_rng_below(r, 4)];

			if (t < now - 120) {
				if (k < 30) {
					if (insert_refund(st, c, t, c->amount, reason) != 0)
						return -1;
					refunded = c->amount;
				} else {
					int64_t part = 1 + (int64_t)sbx_rng_below(
					                           r, (uint64_t)c->amount / 2);

					if (insert_refund(st, c, t, part, reason) != 0)
						return -1;
					refunded = part;
					t += 3600 + (int64_t)sbx_rng_below(r, 86400);
					if (k % 2 == 0 && t < now - 120) {
						int64_t more =
						        1 +
						        (int64_t)sbx_rng_below(
						                r,
						                (uint64_t)(c->amount - part) / 2);

						if (insert_refund(st, c, t, more, NULL) != 0)
							return -1;
						refunded += more;
					}
				}
			}
		} else if (k < 55 || (i % 2000) == 1999) {
			/* ~0.5% disputed, cycling through every status. */
			int64_t t = c->created + 86400 + (int64_t)sbx_rng_below(r, 20 * 86400);

			if (t >= now - 120)
				t = c->created + (now - 120 - c->created) / 2;
			if (insert_dispute(st, c, t,
			                   (int)(st->next_status++ % NELEM(dispute_statuses)),
			                   now) != 0)
				return -1;
			disputed = 1;
		}
	}
	return sbx_insert_charge(st->s, ins_charge, c, refunded, disputed, btid[0] ? btid : NULL);
}

int sbx_seed(struct sbx *s)
{
	struct sbx_rng r;
	struct seed_state st;
	struct sbx_charge_gen *c = malloc(sizeof(*c));
	struct seed_payout *pos = NULL;
	size_t pos_n = 0;
	sqlite3_stmt *ins_charge = NULL;
	int64_t now = s->opt.now;
	int64_t span = (int64_t)s->opt.days * 86400;
	int64_t start = now - span;
	long i;
	int rc = -1;
	char v[64];

	memset(&st, 0, sizeof(st));
	if (c == NULL)
		return -1;
	sbx_rng_seed(&r, s->opt.seed);
	st.s = s;
	st.r = &r;
	/* Without a journal a failed or interrupted seeding cannot roll back: start from
	 * empty tables, so seeding again after one always works. */
	if (sbx_exec(s, "PRAGMA journal_mode=OFF; BEGIN; DELETE FROM charges; DELETE FROM refunds;"
	                "DELETE FROM disputes; DELETE FROM payouts;"
	                "DELETE FROM balance_transactions; DELETE FROM events;") != 0)
		goto out;
	ins_charge = sbx_prepare(s, SBX_INSERT_CHARGE_SQL);
	st.ins_refund = sbx_prepare(s, "INSERT INTO refunds(" SBX_REFUND_COLS
	                               ") VALUES (?,?,?,?,?,?,?,?,?)");
	st.ins_dispute = sbx_prepare(s, "INSERT INTO disputes(" SBX_DISPUTE_COLS
	                                ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (ins_charge == NULL || st.ins_refund == NULL || st.ins_dispute == NULL)
		goto out;
	for (i = 0; i < s->opt.orders; i++) {
		/* Evenly spread, jittered within the slot, strictly before the start clock. */
		if ((i & 0xffff) == 0xffff && sbx_stop_requested()) {
			rc = -2;
			goto out;
		}
		int64_t slot = span / (s->opt.orders + 1);
		int64_t created = start + slot * i +
		                  (slot > 1 ? (int64_t)sbx_rng_below(&r, (uint64_t)slot) : 0);

		if (created >= now - 60)
			created = now - 61;
		sbx_gen_charge(&r, &s->opt, i + 1, created, c);
		if (seed_one(&st, ins_charge, c, now, i) != 0)
			goto out;
	}
	if (make_payouts(&st, now, &pos, &pos_n) != 0)
		goto out;
	if (insert_payouts_and_bts(&st, pos, pos_n, now) != 0)
		goto out;
	snprintf(v, sizeof(v), "%ld", s->opt.orders);
	if (sbx_meta_set(s, "orders", v) != 0)
		goto out;
	snprintf(v, sizeof(v), "%lld", (long long)now);
	if (sbx_meta_set(s, "now", v) != 0 || sbx_meta_set(s, "seeded", "1") != 0)
		goto out;
	if (sbx_exec(s, "COMMIT") != 0)
		goto out;
	if (sbx_store_create_indices(s) != 0)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(ins_charge);
	sqlite3_finalize(st.ins_refund);
	sqlite3_finalize(st.ins_dispute);
	if (rc != 0)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	if (rc == -1 && sbx_stop_requested())
		rc = -2;
	if (sbx_exec(s, "PRAGMA journal_mode=WAL") != 0)
		rc = -1;
	free(st.bts);
	free(pos);
	free(c);
	return rc;
}
