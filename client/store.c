/* The cache's upserts, one prepared statement per table. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/store.h"

enum {
	ST_ORDER,
	ST_PI,
	ST_REFUND,
	ST_DISPUTE,
	ST_DISPUTED_ORDER,
	ST_PAYOUT,
	ST_BTX,
	ST_RAW,
	ST_EVENT,
	ST_BTX_PAYOUT,
	ST_COUNT
};

static const char *const sql[ST_COUNT] = {
        [ST_ORDER] =
                "INSERT INTO orders(id, created, amount, amount_refunded, currency, status,"
                " platform_status, order_ref, customer_name, customer_email, description,"
                " payment_intent, balance_transaction, card_brand, card_last4, card_exp_month,"
                " card_exp_year, risk_level, failure_message, disputed, metadata, refunded)"
                " VALUES "
                "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22)"
                " ON CONFLICT(id) DO UPDATE SET created=?2, amount=?3, amount_refunded=?4,"
                " currency=?5, status=?6, platform_status=?7, order_ref=?8, customer_name=?9,"
                " customer_email=?10, description=?11, payment_intent=?12, balance_transaction=?13,"
                " card_brand=?14, card_last4=?15, card_exp_month=?16, card_exp_year=?17,"
                " risk_level=?18, failure_message=?19, disputed=?20, metadata=?21, refunded=?22",
        [ST_PI] =
                "INSERT INTO payment_intents(id, created, amount, currency, status, latest_charge,"
                " description) VALUES (?1,?2,?3,?4,?5,?6,?7)"
                " ON CONFLICT(id) DO UPDATE SET created=?2, amount=?3, currency=?4, status=?5,"
                " latest_charge=?6, description=?7",
        [ST_REFUND] = "INSERT INTO refunds(id, created, order_id, payment_intent, amount, "
                      "currency, status,"
                      " reason, balance_transaction, failure_reason, action_id, metadata)"
                      " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)"
                      " ON CONFLICT(id) DO UPDATE SET created=?2, order_id=?3, payment_intent=?4,"
                      " amount=?5, currency=?6, status=?7, reason=?8, balance_transaction=?9,"
                      " failure_reason=?10, action_id=?11, metadata=?12",
        [ST_DISPUTE] =
                "INSERT INTO disputes(id, created, order_id, payment_intent, amount, currency, "
                "status,"
                " reason, due_by, has_evidence, past_due, submission_count, is_charge_refundable,"
                " evidence, metadata) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)"
                " ON CONFLICT(id) DO UPDATE SET created=?2, order_id=?3, payment_intent=?4,"
                " amount=?5, currency=?6, status=?7, reason=?8, due_by=?9, has_evidence=?10,"
                " past_due=?11, submission_count=?12, is_charge_refundable=?13, evidence=?14,"
                " metadata=?15",
        /* A disputed charge stays disputed on the platform, whatever the outcome. */
        [ST_DISPUTED_ORDER] = "UPDATE orders SET disputed = 1, status = 'disputed' WHERE id = ?1 "
                              "AND disputed = 0",
        [ST_PAYOUT] =
                "INSERT INTO payouts(id, created, arrival_date, amount, currency, status, "
                "automatic,"
                " method, balance_transaction, description) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)"
                " ON CONFLICT(id) DO UPDATE SET created=?2, arrival_date=?3, amount=?4, "
                "currency=?5,"
                " status=?6, automatic=?7, method=?8, balance_transaction=?9, description=?10",
        /* payout_id comes from listing by payout, never from the object itself: keep it. */
        [ST_BTX] = "INSERT INTO balance_transactions(id, created, available_on, amount, fee, net,"
                   " currency, type, reporting_category, source, status, description)"
                   " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)"
                   " ON CONFLICT(id) DO UPDATE SET created=?2, available_on=?3, amount=?4, fee=?5,"
                   " net=?6, currency=?7, type=?8, reporting_category=?9, source=?10, status=?11,"
                   " description=?12",
        [ST_RAW] = "INSERT OR REPLACE INTO raw_objects(id, kind, json) VALUES (?1, ?2, ?3)",
        [ST_EVENT] = "INSERT OR IGNORE INTO events(id, created, type, object_id)"
                     " VALUES (?1, ?2, ?3, ?4)",
        [ST_BTX_PAYOUT] = "UPDATE balance_transactions SET payout_id = ?2 WHERE id = ?1",
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
};

struct store *store_new(sqlite3 *db, char *err, size_t err_size)
{
	struct store *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	s->db = db;
	for (int i = 0; i < ST_COUNT; i++) {
		if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->st[i],
		                       NULL) != SQLITE_OK) {
			snprintf(err, err_size, "%s", sqlite3_errmsg(db));
			store_free(&s);
			return NULL;
		}
	}
	return s;
}

void store_free(struct store **ps)
{
	struct store *s = *ps;
	if (!s)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	free(s);
	*ps = NULL;
}

static void text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void int_or_null(sqlite3_stmt *st, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static int run(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static const char *kind_name(enum model_kind k)
{
	switch (k) {
	case MODEL_ORDER:
		return "order";
	case MODEL_PAYMENT_INTENT:
		return "payment_intent";
	case MODEL_REFUND:
		return "refund";
	case MODEL_DISPUTE:
		return "dispute";
	case MODEL_PAYOUT:
		return "payout";
	case MODEL_BALANCE_TX:
		return "balance_transaction";
	case MODEL_NONE:
		break;
	}
	return "";
}

int store_object(struct store *s, const struct model_object *m)
{
	sqlite3_stmt *st;
	int rc;
	switch (m->kind) {
	case MODEL_NONE:
		return SQLITE_OK;
	case MODEL_ORDER: {
		const struct model_order *o = &m->u.order;
		st = s->st[ST_ORDER];
		text(st, 1, m->id);
		sqlite3_bind_int64(st, 2, m->created);
		sqlite3_bind_int64(st, 3, o->amount);
		sqlite3_bind_int64(st, 4, o->amount_refunded);
		text(st, 5, o->currency);
		text(st, 6, model_order_status(o));
		text(st, 7, o->platform_status ? o->platform_status : "");
		text(st, 8, o->order_ref);
		text(st, 9, o->customer_name);
		text(st, 10, o->customer_email);
		text(st, 11, o->description);
		text(st, 12, o->payment_intent);
		text(st, 13, o->balance_transaction);
		text(st, 14, o->card_brand);
		text(st, 15, o->card_last4);
		int_or_null(st, 16, o->card_exp_month);
		int_or_null(st, 17, o->card_exp_year);
		text(st, 18, o->risk_level);
		text(st, 19, o->failure_message);
		sqlite3_bind_int(st, 20, o->disputed);
		text(st, 21, m->metadata);
		sqlite3_bind_int(st, 22, o->refunded);
		rc = run(st);
		break;
	}
	case MODEL_PAYMENT_INTENT: {
		const struct model_payment_intent *p = &m->u.payment_intent;
		st = s->st[ST_PI];
		text(st, 1, m->id);
		sqlite3_bind_int64(st, 2, m->created);
		sqlite3_bind_int64(st, 3, p->amount);
		text(st, 4, p->currency);
		text(st, 5, p->status ? p->status : "");
		text(st, 6, p->latest_charge);
		text(st, 7, p->description);
		rc = run(st);
		break;
	}
	case MODEL_REFUND: {
		const struct model_refund *r = &m->u.refund;
		st = s->st[ST_REFUND];
		text(st, 1, m->id);
		sqlite3_bind_int64(st, 2, m->created);
		text(st, 3, r->order_id);
		text(st, 4, r->payment_intent);
		sqlite3_bind_int64(st, 5, r->amount);
		text(st, 6, r->currency);
		text(st, 7, r->status ? r->status : "");
		text(st, 8, r->reason);
		text(st, 9, r->balance_transaction);
		text(st, 10, r->failure_reason);
		text(st, 11, r->action_id);
		text(st, 12, m->metadata);
		rc = run(st);
		break;
	}
	case MODEL_DISPUTE: {
		const struct model_dispute *d = &m->u.dispute;
		st = s->st[ST_DISPUTE];
		text(st, 1, m->id);
		sqlite3_bind_int64(st, 2, m->created);
		text(st, 3, d->order_id);
		text(st, 4, d->payment_intent);
		sqlite3_bind_int64(st, 5, d->amount);
		text(st, 6, d->currency);
		text(st, 7, d->status ? d->status : "");
		text(st, 8, d->reason);
		int_or_null(st, 9, d->due_by);
		sqlite3_bind_int(st, 10, d->has_evidence);
		sqlite3_bind_int(st, 11, d->past_due);
		sqlite3_bind_int64(st, 12, d->submission_count);
		sqlite3_bind_int(st, 13, d->is_charge_refundable);
		text(st, 14, m->evidence);
		text(st, 15, m->metadata);
		rc = run(st);
		if (rc == SQLITE_OK && d->order_id) {
			text(s->st[ST_DISPUTED_ORDER], 1, d->order_id);
			rc = run(s->st[ST_DISPUTED_ORDER]);
		}
		break;
	}
	case MODEL_PAYOUT: {
		const struct model_payout *p = &m->u.payout;
		st = s->st[ST_PAYOUT];
		text(st, 1, m->id);
		sqlite3_bind_int64(st, 2, m->created);
		sqlite3_bind_int64(st, 3, p->arrival_date);
		sqlite3_bind_int64(st, 4, p->amount);
		text(st, 5, p->currency);
		text(st, 6, p->status ? p->status : "");
		sqlite3_bind_int(st, 7, p->automatic);
		text(st, 8, p->method);
		text(st, 9, p->balance_transaction);
		text(st, 10, p->description);
		rc = run(st);
		break;
	}
	case MODEL_BALANCE_TX: {
		const struct model_balance_tx *b = &m->u.balance_tx;
		st = s->st[ST_BTX];
		text(st, 1, m->id);
		sqlite3_bind_int64(st, 2, m->created);
		int_or_null(st, 3, b->available_on);
		sqlite3_bind_int64(st, 4, b->amount);
		sqlite3_bind_int64(st, 5, b->fee);
		sqlite3_bind_int64(st, 6, b->net);
		text(st, 7, b->currency);
		text(st, 8, b->type ? b->type : "");
		text(st, 9, b->reporting_category);
		text(st, 10, b->source);
		text(st, 11, b->status);
		text(st, 12, b->description);
		rc = run(st);
		break;
	}
	default:
		return SQLITE_MISUSE;
	}
	if (rc != SQLITE_OK || !m->raw)
		return rc;
	st = s->st[ST_RAW];
	text(st, 1, m->id);
	text(st, 2, kind_name(m->kind));
	text(st, 3, m->raw);
	return run(st);
}

int store_event(struct store *s, const struct model_event *e)
{
	sqlite3_stmt *st = s->st[ST_EVENT];
	text(st, 1, e->id);
	sqlite3_bind_int64(st, 2, e->created);
	text(st, 3, e->type);
	text(st, 4, e->object_id);
	return run(st);
}

int store_btx_payout(struct store *s, const char *btx_id, const char *payout_id)
{
	sqlite3_stmt *st = s->st[ST_BTX_PAYOUT];
	text(st, 1, btx_id);
	text(st, 2, payout_id);
	return run(st);
}
