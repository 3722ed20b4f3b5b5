/* Deterministic seeding of a Chinese shop's WeChat Pay history: COUNT orders over the last
 * D days (every trade state, coupons, three fee rates), refunds on about 5% of the paid
 * ones, complaints on about 0.5%, and the BASIC account: a credit per payment, a debit per
 * refund and the automatic withdrawal at 05:00 Shanghai time each day. The same
 * --seed/--orders/--days/--now always yields the same store. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/wechatpay/wechatpay.h"

/* A movement of the BASIC account, kept until all are known and sorted by time. */
struct event {
	int64_t at;
	int64_t ref; /* order seq, refund seq or day number */
	int64_t aux; /* the order's creation time (its out_trade_no) */
	int64_t amount, gross, fee;
	int kind;
};

struct seeding {
	struct sbx *s;
	struct sbx_rng r;
	uint64_t salt;
	struct event *ev;
	size_t ev_n, ev_cap;
	sqlite3_stmt *ins_order, *ins_refund, *ins_flow;
	int64_t refund_seq, complaint_seq, log_seq;
	int64_t end;
};

static int push(struct seeding *sd, int kind, int64_t at, int64_t ref, int64_t aux, int64_t amount,
                int64_t gross, int64_t fee)
{
	struct event *e;

	if (sd->ev_n == sd->ev_cap) {
		size_t cap = sd->ev_cap ? sd->ev_cap * 2 : 65536;
		struct event *p = realloc(sd->ev, cap * sizeof(*p));

		if (p == NULL) {
			fprintf(stderr, "paydesk-sandbox: out of memory while seeding\n");
			return -1;
		}
		sd->ev = p;
		sd->ev_cap = cap;
	}
	e = &sd->ev[sd->ev_n++];
	e->kind = kind;
	e->at = at;
	e->ref = ref;
	e->aux = aux;
	e->amount = amount;
	e->gross = gross;
	e->fee = fee;
	return 0;
}

static int refund(struct seeding *sd, struct wx_order *o, int64_t at, int64_t amount)
{
	struct wx_refund_in in;
	char no[40];
	int64_t discount, settle, fee;

	memset(&in, 0, sizeof(in));
	in.seq = ++sd->refund_seq;
	in.order = o;
	in.created = at;
	in.amount = amount;
	wx_out_refund_no(in.seq, at, no);
	in.out_refund_no = no;
	in.reason = sbx_rng_below(&sd->r, 3) ? "用户申请退款" : "商品缺货";
	if (wx_insert_refund(sd->s, sd->ins_refund, &in, sd->salt) != 0)
		return -1;
	o->refunded += amount;
	o->refunds++;
	wx_refund_split(o, amount, &discount, &settle);
	fee = wx_e5_to_fen(wx_fee_e5(settle, o->rate_bp));
	return push(sd, WX_FLOW_REFUND, at, in.seq, 0, -(settle - fee), settle, fee);
}

/* Refunds of about 5% of the paid orders: whole or partial, some in two steps, all
 * accepted before the end of the seeded history. */
static int refunds_for(struct seeding *sd, struct wx_order *o)
{
	int64_t t1, t2, first;

	if (o->state != WX_SUCCESS || sbx_rng_below(&sd->r, 100) >= 5)
		return 0;
	t1 = o->success_time + 600 + (int64_t)sbx_rng_below(&sd->r, 10 * 86400);
	if (t1 >= sd->end)
		return 0;
	if (sbx_rng_below(&sd->r, 10) < 7)
		return refund(sd, o, t1,
		              sbx_rng_below(&sd->r, 2) || o->total < 2 ? o->total : o->total / 2);
	first = o->total / 3 > 0 ? o->total / 3 : o->total;
	if (refund(sd, o, t1, first) != 0)
		return -1;
	t2 = t1 + 3600 + (int64_t)sbx_rng_below(&sd->r, 5 * 86400);
	if (t2 >= sd->end || o->refunded >= o->total)
		return 0;
	return refund(sd, o, t2,
	              sbx_rng_below(&sd->r, 2) ? o->total - o->refunded
	                                       : (o->total - o->refunded + 1) / 2);
}

static int cmp_event(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind - y->kind;
	return x->ref < y->ref ? -1 : x->ref > y->ref;
}

/* The account entries in time order, each with the balance it leaves. */
static int write_flows(struct seeding *sd)
{
	int64_t balance = 0;
	size_t i;

	qsort(sd->ev, sd->ev_n, sizeof(sd->ev[0]), cmp_event);
	for (i = 0; i < sd->ev_n; i++) {
		const struct event *e = &sd->ev[i];
		char a[40], b[48];
		int rc;

		if (e->kind == WX_FLOW_PAYMENT) {
			wx_transaction_id(sd->salt, e->ref, e->at, a);
			wx_out_trade_no(e->ref, e->aux, b);
		} else if (e->kind == WX_FLOW_REFUND) {
			wx_refund_id(sd->salt, e->ref, e->at, a);
			wx_out_refund_no(e->ref, e->at, b);
		} else {
			if (balance <= 0)
				continue;
			wx_withdrawal_id(e->ref, e->at, a);
			snprintf(b, sizeof(b), "%s", a);
			rc = wx_add_flow(sd->s, sd->ins_flow, e->at, e->kind, a, b, -balance,
			                 balance, 0, &balance);
			if (rc != 0)
				return -1;
			continue;
		}
		if (wx_add_flow(sd->s, sd->ins_flow, e->at, e->kind, a, b, e->amount, e->gross,
		                e->fee, &balance) != 0)
			return -1;
	}
	return 0;
}

static int seed_orders(struct seeding *sd, int64_t start, int64_t span, long n, int64_t payers)
{
	struct sbx *s = sd->s;
	struct wx_order o;
	long i;

	for (i = 0; i < n; i++) {
		/* Evenly spread over the whole span (i * span / n: no slot rounded down to
		 * whole seconds), jittered within the slot, paid before the end of history. */
		int64_t slot = span / n;
		int64_t t = start + span * i / n +
		            (slot > 1 ? (int64_t)sbx_rng_below(&sd->r, (uint64_t)slot) : 0);

		if ((i & 0xffff) == 0xffff && sbx_stop_requested())
			return -2;
		wx_gen_order(&sd->r, sd->salt, payers, i + 1, t, 0, &o);
		if (refunds_for(sd, &o) != 0)
			return -1;
		if (o.state == WX_SUCCESS && sbx_rng_below(&sd->r, 1000) < 5) {
			int64_t at =
			        o.success_time + 1800 + (int64_t)sbx_rng_below(&sd->r, 5 * 86400);

			if (at < sd->end && wx_gen_complaint(s, &sd->r, &o, ++sd->complaint_seq, at,
			                                     sd->end, &sd->log_seq, 0) != 0)
				return -1;
		}
		if (wx_insert_order(sd->ins_order, &o) != 0) {
			fprintf(stderr, "paydesk-sandbox: cannot store an order: %s\n",
			        sqlite3_errmsg(s->db));
			return -1;
		}
		if (o.state == WX_SUCCESS) {
			int64_t settle = wx_settle_total(&o);
			int64_t fee = wx_e5_to_fen(wx_fee_e5(settle, o.rate_bp));

			if (push(sd, WX_FLOW_PAYMENT, o.success_time, o.seq, o.created,
			         settle - fee, settle, fee) != 0)
				return -1;
		}
	}
	return 0;
}

int wx_seed(struct sbx *s)
{
	struct wx_state *w = wx_state(s);
	struct seeding sd;
	int64_t now = s->opt.now;
	int64_t span = (int64_t)s->opt.days * 86400;
	int64_t start = now - span;
	int64_t payers = s->opt.orders / 4 + 50;
	int64_t d, next;
	int rc = -1;
	char v[64];

	memset(&sd, 0, sizeof(sd));
	sd.s = s;
	sd.salt = w->salt;
	/* Seeded history ends 60 s before --now (the clock starts there), with room for an
	 * order placed in the last slot to be paid. */
	sd.end = now - 60;
	sbx_rng_seed(&sd.r, s->opt.seed);
	/* Without a journal a failed or interrupted seeding cannot roll back: start from
	 * empty tables, so seeding again after one always works. */
	if (sbx_exec(s, "PRAGMA journal_mode=OFF; BEGIN; DELETE FROM wx_orders;"
	                "DELETE FROM wx_refunds; DELETE FROM wx_flows; DELETE FROM wx_complaints;"
	                "DELETE FROM wx_complaint_log; DELETE FROM wx_media;") != 0)
		goto out;
	sd.ins_order = sbx_prepare(s, "INSERT INTO wx_orders(" WX_ORDER_COLS ") VALUES "
	                              "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	sd.ins_refund = sbx_prepare(s, WX_INSERT_REFUND_SQL);
	sd.ins_flow = sbx_prepare(s, WX_INSERT_FLOW_SQL);
	if (sd.ins_order == NULL || sd.ins_refund == NULL || sd.ins_flow == NULL)
		goto out;
	rc = seed_orders(&sd, start, span - 200, s->opt.orders, payers);
	if (rc != 0)
		goto out;
	rc = -1;
	/* The daily withdrawal at 05:00 of every day of the history, up to now. */
	for (d = wx_day(start); d <= wx_day(now); d++) {
		int64_t t = wx_day_start(d) + WX_WITHDRAW_AT;

		if (t > start && t <= now && push(&sd, WX_FLOW_WITHDRAWAL, t, d, 0, 0, 0, 0) != 0)
			goto out;
	}
	if (write_flows(&sd) != 0)
		goto out;
	next = wx_day_start(wx_day(now)) + WX_WITHDRAW_AT;
	if (next <= now)
		next += 86400;
	w->next_withdrawal = next;
	w->payers = payers;
	snprintf(v, sizeof(v), "%lld", (long long)next);
	if (sbx_meta_set(s, "wx_next_withdrawal", v) != 0)
		goto out;
	snprintf(v, sizeof(v), "%lld", (long long)payers);
	if (sbx_meta_set(s, "wx_payers", v) != 0)
		goto out;
	snprintf(v, sizeof(v), "%llu", (unsigned long long)w->salt);
	if (sbx_meta_set(s, "wx_salt", v) != 0 || sbx_meta_set(s, "wx_appid", w->appid) != 0)
		goto out;
	snprintf(v, sizeof(v), "%ld", s->opt.orders);
	if (sbx_meta_set(s, "orders", v) != 0)
		goto out;
	snprintf(v, sizeof(v), "%lld", (long long)now);
	if (sbx_meta_set(s, "now", v) != 0 || sbx_meta_set(s, "seeded", "1") != 0)
		goto out;
	if (sbx_exec(s, "COMMIT") != 0 || wx_indices(s) != 0)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(sd.ins_order);
	sqlite3_finalize(sd.ins_refund);
	sqlite3_finalize(sd.ins_flow);
	if (rc != 0)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	if (rc == -1 && sbx_stop_requested())
		rc = -2;
	if (sbx_exec(s, "PRAGMA journal_mode=WAL") != 0)
		rc = -1;
	free(sd.ev);
	return rc;
}
