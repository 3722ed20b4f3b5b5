/* Deterministic seeding: COUNT trades spread over the last D days, ~3% never paid, ~5%
 * of the paid ones refunded (some partially, some in two steps), ~0.5% complained about
 * in every complaint status, and the account log that all of this makes: each trade's
 * 商家实收 and 服务费, each refund, and a withdrawal every day at 05:00. The same
 * --seed/--orders/--days/--now always give the same rows. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/alipay/alipay.h"

/* A movement of the balance, kept until all are known and can be put in time order. */
struct event {
	int64_t t;
	int64_t amount;
	int32_t trade;
	int32_t refund;
	uint32_t seq;
	int32_t kind;
};

struct seeder {
	struct sbx *s;
	struct sbx_rng r;
	struct event *ev;
	size_t n, cap;
	sqlite3_stmt *ins_trade, *ins_refund, *ins_complaint, *ins_reply, *ins_entry;
	unsigned next_status;
	long complaints;
};

static int add_event(struct seeder *sd, int64_t t, int kind, int64_t amount, int64_t trade,
                     int64_t refund)
{
	struct event *e;

	if (sd->n == sd->cap) {
		size_t cap = sd->cap ? sd->cap * 2 : 65536;
		struct event *p = realloc(sd->ev, cap * sizeof(*p));

		if (p == NULL) {
			fprintf(stderr, "paydesk-sandbox: out of memory while seeding\n");
			return -1;
		}
		sd->ev = p;
		sd->cap = cap;
	}
	e = &sd->ev[sd->n];
	e->t = t;
	e->amount = amount;
	e->trade = (int32_t)trade;
	e->refund = (int32_t)refund;
	e->seq = (uint32_t)sd->n;
	e->kind = kind;
	sd->n++;
	return 0;
}

static int cmp_event(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* A refund decided at seeding time. */
struct plan {
	int64_t t, amount;
	char req[48];
	const char *reason;
	struct ali_split sp;
};

static const char *const refund_reasons[] = {"买家申请退款", "商品缺货", "重复付款", "顾客不满意",
                                             NULL};

/* Draws the refunds of trade g (at most two); returns how many. */
static int plan_refunds(struct seeder *sd, const struct ali_trade_gen *g, uint64_t k, int64_t now,
                        struct plan *p)
{
	struct sbx_rng *r = &sd->r;
	int64_t t = g->paid + 3600 + (int64_t)sbx_rng_below(r, 10 * 86400);
	const char *reason = refund_reasons[sbx_rng_below(r, 5)];
	int64_t sent = 0, fee = 0;
	int n = 0;

	if (t >= now - 120)
		return 0;
	if (k < 30) {
		/* In full, without out_request_no: it defaults to out_trade_no. */
		p[0].amount = g->total;
		snprintf(p[0].req, sizeof(p[0].req), "%s", g->out_trade_no);
		p[0].t = t;
		p[0].reason = reason;
		n = 1;
	} else {
		p[0].amount = 1 + (int64_t)sbx_rng_below(r, (uint64_t)g->total / 2);
		snprintf(p[0].req, sizeof(p[0].req), "%sR1", g->out_trade_no);
		p[0].t = t;
		p[0].reason = reason;
		n = 1;
		t += 3600 + (int64_t)sbx_rng_below(r, 86400);
		if (k % 2 == 0 && t < now - 120 && g->total - p[0].amount >= 2) {
			p[1].amount = 1 + (int64_t)sbx_rng_below(
			                          r, (uint64_t)(g->total - p[0].amount) / 2);
			snprintf(p[1].req, sizeof(p[1].req), "%sR2", g->out_trade_no);
			p[1].t = t;
			p[1].reason = NULL;
			n = 2;
		}
	}
	for (int i = 0; i < n; i++) {
		ali_refund_split(g->total, g->mdiscount, g->fee, sent, fee, p[i].amount, &p[i].sp);
		sent += p[i].sp.sent_back;
		fee += p[i].sp.fee_back;
	}
	return n;
}

static const char *const complaint_statuses[] = {
        "MERCHANT_PROCESSING", "MERCHANT_FEEDBACKED", "FINISHED", "CANCELLED",
        "PLATFORM_PROCESSING", "PLATFORM_FINISH",     "CLOSED",
};

static int add_reply(struct seeder *sd, const char *id, int64_t t, const char *role,
                     const char *name, const char *content)
{
	sqlite3_stmt *st = sd->ins_reply;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, t);
	sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, content, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, "", -1, SQLITE_STATIC);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

/* A complaint on trade g in status number k of complaint_statuses, with the
 * negotiation that led there. */
static int seed_complaint(struct seeder *sd, const struct ali_trade_gen *g, int64_t trade,
                          int64_t now)
{
	struct sbx_rng *r = &sd->r;
	unsigned k = sd->next_status++ % 7;
	const char *status = complaint_statuses[k];
	int64_t t = g->paid + 86400 + (int64_t)sbx_rng_below(r, 10 * 86400);
	int64_t step = 3600 + (int64_t)sbx_rng_below(r, 86400);
	int64_t modified;
	char id[40], date[16], phone[24];
	unsigned text = (unsigned)sbx_rng_below(r, 6);
	sqlite3_stmt *st = sd->ins_complaint;
	int finished = k == 2 || k == 3 || k == 5 || k == 6;
	int rc = 0;

	if (t >= now - 120)
		t = g->paid + (now - 120 - g->paid) / 2;
	if (t + 3 * step >= now - 60)
		step = (now - 60 - t) / 4 > 1 ? (now - 60 - t) / 4 : 1;
	modified = t;
	ali_fmt_compact_date(t, date, sizeof(date));
	snprintf(id, sizeof(id), "%.8s00102%015ld", date, ++sd->complaints);
	ali_complain_phone(r, phone, sizeof(phone));
	if (k == 1 || k == 2 || k == 4 || k == 5) {
		modified += step;
		rc |= add_reply(sd, id, modified, "MERCHANT", g->op[0] ? g->op : "商家客服",
		                "您好，已核实订单情况，我们将尽快为您处理。");
	}
	if (k >= 2) {
		static const char *const role[] = {"",       "",        "SYSTEM", "USER",
		                                   "SYSTEM", "AUDITOR", "SYSTEM"};
		static const char *const said[] = {"",
		                                   "",
		                                   "投诉已完结",
		                                   "用户撤销投诉",
		                                   "平台介入处理中",
		                                   "平台已处理完结",
		                                   "投诉超时关闭"};

		modified += step;
		rc |= add_reply(sd, id, modified, role[k], k == 3 ? "用户" : "支付宝", said[k]);
	}
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, trade);
	sqlite3_bind_int64(st, 3, t);
	sqlite3_bind_int64(st, 4, modified);
	if (finished)
		sqlite3_bind_int64(st, 5, modified);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_text(st, 6, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, ali_complain_reason(text), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, ali_complain_content(text), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, sbx_rng_below(r, 3) == 0 ? "seed0001,seed0002" : "", -1,
	                  SQLITE_STATIC);
	sqlite3_bind_text(st, 10, phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, ali_complain_leaf(text), -1, SQLITE_STATIC);
	if (rc != 0 || sqlite3_step(st) != SQLITE_DONE) {
		fprintf(stderr, "paydesk-sandbox: cannot store a complaint: %s\n",
		        sqlite3_errmsg(sd->s->db));
		return -1;
	}
	return 0;
}

/* One seeded trade with its refunds, complaint and balance movements. */
static int seed_one(struct seeder *sd, struct ali_trade_gen *g, long i, int64_t now)
{
	struct plan p[2];
	int n = 0, j;
	int64_t trade, refunded = 0, sent = 0, fee = 0;
	uint64_t k = 1000;
	sqlite3_stmt *st = sd->ins_refund;

	if (g->paid) {
		k = sbx_rng_below(&sd->r, 1000);
		if (k < 50)
			n = plan_refunds(sd, g, k, now, p);
	}
	if (ali_insert_trade(sd->s, sd->ins_trade, g, &trade) != 0)
		return -1;
	if (!g->paid)
		return 0;
	if (add_event(sd, g->paid, ALI_E_TRADE, g->total - g->mdiscount, trade, 0) != 0 ||
	    (g->fee > 0 && add_event(sd, g->paid, ALI_E_FEE, -g->fee, trade, 0) != 0))
		return -1;
	for (j = 0; j < n; j++) {
		int64_t refund;

		refunded += p[j].amount;
		sent += p[j].sp.sent_back;
		fee += p[j].sp.fee_back;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, trade);
		sqlite3_bind_text(st, 2, p[j].req, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, p[j].t);
		sqlite3_bind_int64(st, 4, p[j].amount);
		sqlite3_bind_int64(st, 5, p[j].sp.sent_back);
		sqlite3_bind_int64(st, 6, p[j].sp.fee_back);
		sqlite3_bind_int64(st, 7, refunded);
		if (p[j].reason)
			sqlite3_bind_text(st, 8, p[j].reason, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 8);
		if (sqlite3_step(st) != SQLITE_DONE) {
			fprintf(stderr, "paydesk-sandbox: cannot store a refund: %s\n",
			        sqlite3_errmsg(sd->s->db));
			return -1;
		}
		refund = sqlite3_last_insert_rowid(sd->s->db);
		if (add_event(sd, p[j].t, ALI_E_REFUND, -p[j].sp.sent_back, trade, refund) != 0 ||
		    (p[j].sp.fee_back > 0 &&
		     add_event(sd, p[j].t, ALI_E_FEE_BACK, p[j].sp.fee_back, trade, refund) != 0))
			return -1;
	}
	if (n > 0 && sbx_run(sd->s,
	                     "UPDATE ali_trades SET refunded = ?, sent_back = ?, fee_back = ? "
	                     "WHERE rowid = ?",
	                     "iiii", refunded, sent, fee, trade) != 0)
		return -1;
	if ((k >= 50 && k < 55) || i % 2000 == 1999)
		return seed_complaint(sd, g, trade, now);
	return 0;
}

static int insert_entry(struct seeder *sd, int64_t id, int64_t t, int kind, int64_t amount,
                        int64_t balance, int64_t trade, int64_t refund, const char *order_no)
{
	sqlite3_stmt *st = sd->ins_entry;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, t);
	sqlite3_bind_int(st, 3, kind);
	sqlite3_bind_int64(st, 4, amount);
	sqlite3_bind_int64(st, 5, balance);
	if (trade > 0)
		sqlite3_bind_int64(st, 6, trade);
	else
		sqlite3_bind_null(st, 6);
	if (refund > 0)
		sqlite3_bind_int64(st, 7, refund);
	else
		sqlite3_bind_null(st, 7);
	if (order_no)
		sqlite3_bind_text(st, 8, order_no, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 8);
	if (sqlite3_step(st) != SQLITE_DONE) {
		fprintf(stderr, "paydesk-sandbox: cannot store an account entry: %s\n",
		        sqlite3_errmsg(sd->s->db));
		return -1;
	}
	return 0;
}

/* Puts the movements in time order, numbers them, and makes the daily withdrawals
 * between them; records the last withdrawal time for ali_settle. */
static int write_log(struct seeder *sd, int64_t start, int64_t now)
{
	int64_t balance = ALI_RESERVE, id = 0;
	int64_t slot = ali_day_start(start) + ALI_WITHDRAW_AT;
	size_t i = 0;
	char v[32];

	if (slot <= start)
		slot += 86400;
	qsort(sd->ev, sd->n, sizeof(*sd->ev), cmp_event);
	for (;;) {
		int64_t t = i < sd->n ? sd->ev[i].t : now + 1;

		while (slot <= t && slot <= now) {
			if (balance > ALI_RESERVE) {
				char no[40], date[16];

				ali_fmt_compact_date(slot, date, sizeof(date));
				snprintf(no, sizeof(no), "%.8s200040011%011lld", date,
				         (long long)((slot + ALI_TZ) / 86400));
				if (insert_entry(sd, ++id, slot, ALI_E_WITHDRAW,
				                 -(balance - ALI_RESERVE), ALI_RESERVE, 0, 0,
				                 no) != 0)
					return -1;
				balance = ALI_RESERVE;
			}
			slot += 86400;
		}
		if (i == sd->n)
			break;
		balance += sd->ev[i].amount;
		if (insert_entry(sd, ++id, t, sd->ev[i].kind, sd->ev[i].amount, balance,
		                 sd->ev[i].trade, sd->ev[i].refund, NULL) != 0)
			return -1;
		i++;
	}
	snprintf(v, sizeof(v), "%lld", (long long)(slot - 86400));
	return sbx_meta_set(sd->s, "ali_withdrawn_until", v);
}

/* The pictures seeded complaints show: a 1x1 PNG under two ids. */
static int seed_images(struct sbx *s, int64_t t)
{
	static const unsigned char png[] = {
	        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
	        0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
	        0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78,
	        0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99,
	        0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
	};
	sqlite3_stmt *st = sbx_prepare(s, "INSERT INTO ali_images(image_id, created, type, content)"
	                                  " VALUES (?, ?, 'png', ?)");
	int rc = 0;

	if (st == NULL)
		return -1;
	for (int i = 1; i <= 2 && rc == 0; i++) {
		char id[16];

		snprintf(id, sizeof(id), "seed%04d", i);
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, t);
		sqlite3_bind_blob(st, 3, png, sizeof(png), SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_finalize(st);
	return rc;
}

int ali_seed(struct sbx *s)
{
	struct seeder sd;
	struct ali_trade_gen *g = malloc(sizeof(*g));
	int64_t now = s->opt.now;
	int64_t span = (int64_t)s->opt.days * 86400;
	int64_t start = now - span;
	int64_t slot = span / (s->opt.orders + 1);
	long i;
	int rc = -1;
	char v[32];

	memset(&sd, 0, sizeof(sd));
	if (g == NULL)
		return -1;
	sd.s = s;
	sbx_rng_seed(&sd.r, s->opt.seed ^ 0xa11ba7ULL);
	/* Without a journal a failed seeding cannot roll back: start from empty tables. */
	if (sbx_exec(s, "PRAGMA journal_mode=OFF; BEGIN; DELETE FROM ali_trades;"
	                "DELETE FROM ali_refunds; DELETE FROM ali_accountlog;"
	                "DELETE FROM ali_complaints; DELETE FROM ali_replies;"
	                "DELETE FROM ali_images; DELETE FROM ali_bill_links;") != 0)
		goto out;
	sd.ins_trade = sbx_prepare(s, ALI_INSERT_TRADE_SQL);
	sd.ins_refund = sbx_prepare(s, "INSERT INTO ali_refunds(trade, out_request_no, created,"
	                               " amount, sent_back, fee_back, refund_total, reason)"
	                               " VALUES (?,?,?,?,?,?,?,?)");
	sd.ins_complaint = sbx_prepare(s, "INSERT INTO ali_complaints(event_id, trade, created,"
	                                  " modified, finished, status, reason, content, images,"
	                                  " phone, leaf) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
	sd.ins_reply = sbx_prepare(s, "INSERT INTO ali_replies(event_id, created, role, name,"
	                              " content, images) VALUES (?,?,?,?,?,?)");
	sd.ins_entry =
	        sbx_prepare(s, "INSERT INTO ali_accountlog(id, created, kind, amount,"
	                       " balance, trade, refund, order_no) VALUES (?,?,?,?,?,?,?,?)");
	if (!sd.ins_trade || !sd.ins_refund || !sd.ins_complaint || !sd.ins_reply ||
	    !sd.ins_entry || seed_images(s, start) != 0)
		goto out;
	for (i = 0; i < s->opt.orders; i++) {
		/* Evenly over the whole span (span * i / orders, not i * (span / orders), which
		 * would leave the last days empty), jittered within the slot. */
		int64_t created = start + span * i / s->opt.orders +
		                  (slot > 1 ? (int64_t)sbx_rng_below(&sd.r, (uint64_t)slot) : 0);
		int paid = sbx_rng_below(&sd.r, 100) >= 3;

		if ((i & 0xffff) == 0xffff && sbx_stop_requested()) {
			rc = -2;
			goto out;
		}
		/* Everything seeded happens at least a minute before the clock starts. */
		if (created >= now - 120)
			created = now - 121;
		ali_gen_trade(&sd.r, i + 1, created, paid, g);
		if (g->paid >= now - 60)
			g->paid = now - 61;
		if (seed_one(&sd, g, i, now) != 0)
			goto out;
	}
	if (write_log(&sd, start, now) != 0)
		goto out;
	snprintf(v, sizeof(v), "%ld", s->opt.orders);
	if (sbx_meta_set(s, "orders", v) != 0)
		goto out;
	snprintf(v, sizeof(v), "%lld", (long long)now);
	if (sbx_meta_set(s, "now", v) != 0 || sbx_meta_set(s, "seeded", "1") != 0 ||
	    sbx_exec(s, "COMMIT") != 0 || ali_indices(s) != 0)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(sd.ins_trade);
	sqlite3_finalize(sd.ins_refund);
	sqlite3_finalize(sd.ins_complaint);
	sqlite3_finalize(sd.ins_reply);
	sqlite3_finalize(sd.ins_entry);
	if (rc != 0)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	if (rc == -1 && sbx_stop_requested())
		rc = -2;
	if (sbx_exec(s, "PRAGMA journal_mode=WAL") != 0)
		rc = -1;
	free(sd.ev);
	free(g);
	return rc;
}
