/* The cache's upserts, one prepared statement per table. */
#include "config.h"

#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cache_schema.h"
#include "client/store.h"

enum {
	ST_ORDER,
	ST_PI,
	ST_REFUND,
	ST_DISPUTE,
	ST_DISPUTED_ORDER,
	ST_PAYOUT,
	ST_BTX,
	ST_EVENT,
	ST_BTX_PAYOUT,
	ST_ORDER_SETTLED,
	ST_DISPUTE_EVENT,
	ST_ORDER_REFUNDS,
	ST_ORDER_FACTS,
	ST_ORDER_SET_REFUNDED,
	ST_ORDER_MERGE,
	ST_ORDER_ESCAPES,
	ST_REFUNDED_ORDERS,
	ST_COUNT,
	/* Only when the connection runs no triggers (see store_new): */
	ST_ORDER_OLD = ST_COUNT,
	ST_ORDER_NEW,
	ST_FTS_DELETE,
	ST_FTS_INSERT,
	ST_INSIGHTS_MARK,
	ST_ALL
};

/* What a new order settled as, when its balance transaction came first and was converted
 * (else ST_ORDER_SETTLED sets it when that transaction comes); no lookup for an order
 * without one (a bill's). */
#define ORDER_SETTLED_OF(col)                                                                      \
	"CASE WHEN ?13 IS NOT NULL THEN (SELECT " col " FROM balance_transactions WHERE id = ?13"  \
	" AND exchange_rate IS NOT NULL AND type = 'charge') END"

/* An order's row as bind_order binds it (?1 to ?31); each statement says what to do with one
 * cached already. */
#define ORDER_INSERT_SQL                                                                           \
	"INSERT INTO orders(id, created, amount, amount_refunded, currency, status,"               \
	" platform_status, order_ref, customer_name, customer_email, description,"                 \
	" payment_intent, balance_transaction, card_brand, card_last4, card_exp_month,"            \
	" card_exp_year, risk_level, failure_message, disputed, metadata, refunded, raw,"          \
	" payer, channel, settle_amount, discount_amount, fee_fine, fee_rate, bill_day,"           \
	" has_escapes, settled_amount, settled_currency) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,"  \
	"?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27,?28,?29,?30,?"        \
	"31," ORDER_SETTLED_OF("amount") "," ORDER_SETTLED_OF("currency") ")"

static const char *const sql[ST_ALL] = {
        [ST_ORDER] = ORDER_INSERT_SQL
        " ON CONFLICT(id) DO UPDATE SET created=?2, amount=?3, amount_refunded=?4,"
        " currency=?5, status=?6, platform_status=?7, order_ref=?8, customer_name=?9,"
        " customer_email=?10, description=?11, payment_intent=?12, balance_transaction=?13,"
        " card_brand=?14, card_last4=?15, card_exp_month=?16, card_exp_year=?17,"
        " risk_level=?18, failure_message=?19, disputed=?20, metadata=?21, refunded=?22,"
        " raw=?23,"
        /* A point query knows less than the bill row it follows: keep the bill's
                 * facts where the new version has none. */
        " payer=COALESCE(?24, payer), channel=COALESCE(?25, channel),"
        " settle_amount=COALESCE(?26, settle_amount),"
        " discount_amount=COALESCE(?27, discount_amount),"
        " fee_fine=COALESCE(?28, fee_fine), fee_rate=COALESCE(?29, fee_rate),"
        " bill_day=COALESCE(?30, bill_day), has_escapes=?31",
        [ST_PI] =
                "INSERT INTO payment_intents(id, created, amount, currency, status, latest_charge,"
                " description) VALUES (?1,?2,?3,?4,?5,?6,?7)"
                " ON CONFLICT(id) DO UPDATE SET created=?2, amount=?3, currency=?4, status=?5,"
                " latest_charge=?6, description=?7",
        [ST_REFUND] = "INSERT INTO refunds(id, created, order_id, payment_intent, amount, "
                      "currency, status,"
                      " reason, balance_transaction, failure_reason, action_id, metadata, raw,"
                      " order_ref, refund_ref, settle_amount, coupon_refund, fee_fine, bill_day)"
                      " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,"
                      "?19)"
                      " ON CONFLICT(id) DO UPDATE SET created=?2, order_id=?3, payment_intent=?4,"
                      " amount=?5, currency=?6, status=?7, reason=?8, balance_transaction=?9,"
                      " failure_reason=?10, action_id=?11, metadata=?12,"
                      " raw=?13, order_ref=COALESCE(?14, order_ref),"
                      " refund_ref=COALESCE(?15, refund_ref),"
                      " settle_amount=COALESCE(?16, settle_amount),"
                      " coupon_refund=COALESCE(?17, coupon_refund),"
                      " fee_fine=COALESCE(?18, fee_fine), bill_day=COALESCE(?19, bill_day)",
        [ST_DISPUTE] =
                "INSERT INTO disputes(id, created, order_id, payment_intent, amount, currency, "
                "status,"
                " reason, due_by, has_evidence, past_due, submission_count, is_charge_refundable,"
                " evidence, metadata, raw, order_ref, detail, contact, refund_requested)"
                " VALUES (?1,?2,?3,?4,"
                /* A complaint listed without its amount is for its order's. */
                " coalesce(?5, (SELECT amount FROM orders WHERE id = ?3), 0),"
                " ?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20)"
                " ON CONFLICT(id) DO UPDATE SET created=?2, order_id=?3, payment_intent=?4,"
                " amount=coalesce(?5, nullif(amount, 0), (SELECT amount FROM orders WHERE id = ?3),"
                " 0), currency=?6, status=?7, reason=?8, due_by=?9, has_evidence=?10,"
                " past_due=?11, submission_count=?12, is_charge_refundable=?13, evidence=?14,"
                " metadata=?15, raw=?16, order_ref=?17, detail=?18, contact=?19,"
                " refund_requested=?20",
        /* A disputed charge stays disputed on the platform, whatever the outcome. */
        [ST_DISPUTED_ORDER] = "UPDATE orders SET disputed = 1, status = 'disputed' WHERE id = ?1 "
                              "AND disputed = 0",
        [ST_PAYOUT] =
                "INSERT INTO payouts(id, created, arrival_date, amount, currency, status, "
                "automatic,"
                " method, balance_transaction, description, raw)"
                " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)"
                " ON CONFLICT(id) DO UPDATE SET created=?2, arrival_date=?3, amount=?4, "
                "currency=?5,"
                " status=?6, automatic=?7, method=?8, balance_transaction=?9, description=?10,"
                " raw=?11",
        /* payout_id comes from listing by payout, never from the object itself: keep it. */
        [ST_BTX] = "INSERT INTO balance_transactions(id, created, available_on, amount, fee, net,"
                   " currency, type, reporting_category, source, status, description, bill_day,"
                   " exchange_rate, fx_fee, presentment_amount, presentment_currency)"
                   " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)"
                   " ON CONFLICT(id) DO UPDATE SET created=?2, available_on=?3, amount=?4, fee=?5,"
                   " net=?6, currency=?7, type=?8, reporting_category=?9, source=?10, status=?11,"
                   " description=?12, bill_day=COALESCE(?13, bill_day), exchange_rate=?14,"
                   " fx_fee=?15, presentment_amount=?16, presentment_currency=?17"
                   /* Reconciliation lists every entry again: an unchanged row is not
                    * rewritten (nor its indices). */
                   " WHERE (created, available_on, amount, fee, net, currency, type,"
                   " reporting_category, source, status, description, exchange_rate, fx_fee,"
                   " presentment_amount, presentment_currency)"
                   " IS NOT (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?14, ?15, ?16, ?17)",
        [ST_EVENT] = "INSERT OR IGNORE INTO events(id, created, type, object_id)"
                     " VALUES (?1, ?2, ?3, ?4)",
        [ST_ORDER_SETTLED] = "UPDATE orders SET settled_amount = ?2, settled_currency = ?3"
                             " WHERE id = ?1"
                             " AND (settled_amount, settled_currency) IS NOT (?2, ?3)",
        [ST_BTX_PAYOUT] = "UPDATE balance_transactions SET payout_id = ?2 WHERE id = ?1"
                          " AND payout_id IS NOT ?2",
        [ST_DISPUTE_EVENT] = "INSERT INTO dispute_history(dispute_id, entry_id, time, actor,"
                             " kind, text, images) VALUES (?1,?2,?3,?4,?5,?6,?7)"
                             " ON CONFLICT(dispute_id, entry_id) DO UPDATE SET time=?3,"
                             " actor=?4, kind=?5, text=?6, images=?7",
        /* Platforms whose orders do not say what was refunded: the cached refunds do. */
        [ST_ORDER_REFUNDS] = "SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE order_id = ?1"
                             " AND status NOT IN ('failed', 'canceled')",
        [ST_ORDER_FACTS] = "SELECT amount, amount_refunded, platform_status, disputed, refunded"
                           " FROM orders WHERE id = ?1",
        [ST_ORDER_SET_REFUNDED] = "UPDATE orders SET amount_refunded = ?2, status = ?3"
                                  " WHERE id = ?1 AND (amount_refunded, status) IS NOT (?2, ?3)",
        [ST_ORDER_MERGE] = ORDER_INSERT_SQL
        " ON CONFLICT(id) DO UPDATE SET created=?2, amount=?3, currency=?5,"
        " platform_status=?7, order_ref=COALESCE(?8, order_ref),"
        " customer_name=COALESCE(?9, customer_name),"
        " customer_email=COALESCE(?10, customer_email),"
        " description=COALESCE(?11, description),"
        " metadata=COALESCE(?21, metadata), raw=COALESCE(?23, raw),"
        " payer=COALESCE(?24, payer), channel=COALESCE(?25, channel)",
        /* A merge keeps the cached text where the new version has none: whether the row's
         * text holds an escape is asked of the row. */
        [ST_ORDER_ESCAPES] = "UPDATE orders SET has_escapes = " CACHE_ORDER_HAS_ESCAPES_SQL
                             " WHERE id = ?1 AND has_escapes IS NOT " CACHE_ORDER_HAS_ESCAPES_SQL,
        /* The orders of an interval of ids that have refunds: one walk of an index for the
         * orders inserted while derivations were deferred (see derive_deferred). */
        [ST_REFUNDED_ORDERS] = "SELECT order_id FROM refunds WHERE order_id BETWEEN ?1 AND ?2",
        /* The orders_fts triggers' work, done by hand: see store_new. */
        [ST_ORDER_OLD] = "SELECT rowid, order_ref, customer_name, customer_email, description,"
                         " metadata, card_last4 FROM orders WHERE id = ?1",
        /* An order not cached yet, tried first: a new row needs no old terms looked up. */
        [ST_ORDER_NEW] = ORDER_INSERT_SQL " ON CONFLICT(id) DO NOTHING",
        [ST_FTS_DELETE] = "INSERT INTO orders_fts(orders_fts, rowid, " CACHE_ORDERS_FTS_COLUMNS
                          ") VALUES ('delete', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        [ST_FTS_INSERT] = "INSERT INTO orders_fts(rowid, " CACHE_ORDERS_FTS_COLUMNS
                          ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        /* The insights_* triggers' work, done by hand (see mark_insights). */
        [ST_INSIGHTS_MARK] = "INSERT OR IGNORE INTO insights_dirty(bucket) VALUES (?1)",
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *st[ST_ALL];
	int n_st;        /* statements prepared */
	bool manual_fts; /* the connection runs no triggers: keep orders_fts here */
	/* Deferred derivations (store_defer): the orders to derive, and the orders inserted
	 * meanwhile, which need it only if they have refunds. */
	bool defer;
	struct ids {
		char **v;
		size_t n, cap;
		bool unsorted; /* not appended in order */
	} derive, fresh;
	/* The quarter hours marked for the Insights sums in the running transaction, newest
	 * last (a ring): objects come in time order, so most are in one already marked. The
	 * connection's commit and rollback hooks empty it; a store made while another is open
	 * on the same connection chains to it (under), and they are freed in reverse order. */
	int64_t marked[8];
	int n_marked;
	struct store *under;
};

/* Hooks of a connection whose stores mark by hand: a transaction's end, whichever way,
 * forgets what it marked. Only stores set these hooks. */
static int marks_forget(void *arg)
{
	for (struct store *s = arg; s; s = s->under)
		s->n_marked = 0;
	return 0;
}

static void marks_forget_rollback(void *arg)
{
	marks_forget(arg);
}

struct store *store_new(sqlite3 *db, char *err, size_t err_size)
{
	struct store *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	s->db = db;
	/* A write through the orders_fts triggers is a multi-row statement, which opens a
	 * statement savepoint, on which FTS5 writes its pending terms to disk: one small segment
	 * per order, to be merged again later. A sync connection turns triggers off and keeps
	 * the index here, with single-row statements whose terms FTS5 writes once per
	 * transaction. Other connections keep the triggers. */
	int triggers = 1;
	if (sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, -1, &triggers) != SQLITE_OK)
		triggers = 1;
	s->manual_fts = !triggers;
	s->n_st = s->manual_fts ? ST_ALL : ST_COUNT;
	if (s->manual_fts) {
		s->under = sqlite3_commit_hook(db, marks_forget, s);
		sqlite3_rollback_hook(db, marks_forget_rollback, s);
	}
	for (int i = 0; i < s->n_st; i++) {
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
	store_discard(s);
	if (s->manual_fts) {
		sqlite3_commit_hook(s->db, s->under ? marks_forget : NULL, s->under);
		sqlite3_rollback_hook(s->db, s->under ? marks_forget_rollback : NULL, s->under);
	}
	for (int i = 0; i < ST_ALL; i++)
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

/* A bill's fact (settlement, discount, fee...): NULL when not known, and outside a bill
 * (a list platform's object knows none); a bill's 0 is a 0 the statement sums. */
static void bill_fact(sqlite3_stmt *st, int i, int64_t v, const char *bill_day)
{
	if (v == MODEL_UNKNOWN || (!bill_day && v == 0))
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, v);
}

static void int_or_null(sqlite3_stmt *st, int i, int64_t v)
{
	if (v && v != MODEL_UNKNOWN)
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

/* Whether a column's text equals v (both may be absent). */
static bool same_text(sqlite3_stmt *st, int col, const char *v)
{
	const char *c = (const char *)sqlite3_column_text(st, col);
	if (!c || !v)
		return !c && !v;
	return strcmp(c, v) == 0;
}

/* An order's indexed columns in orders_fts' order (after the id). */
static void fts_values(const struct model_object *m, const char *v[6])
{
	const struct model_order *o = &m->u.order;
	v[0] = o->order_ref;
	v[1] = o->customer_name;
	v[2] = o->customer_email;
	v[3] = o->description;
	v[4] = m->metadata;
	v[5] = o->card_last4;
}

/* Binds an order's indexed columns, from ?first on, in orders_fts' order. */
static void bind_fts(sqlite3_stmt *st, int first, const char *id, const char *const v[6])
{
	text(st, first, id);
	for (int c = 0; c < 6; c++)
		text(st, first + 1 + c, v[c]);
}

static bool has_escape(const char *text)
{
	return text && (strchr(text, '\x1b') || strstr(text, "\xc2\x9b"));
}

/* Whether the order's searchable text holds an escape, ESC or CSI (U+009B, in UTF-8): what
 * CACHE_ORDER_HAS_ESCAPES_SQL says of the row. */
static bool order_has_escapes(const struct model_object *m)
{
	const struct model_order *o = &m->u.order;
	return has_escape(o->order_ref) || has_escape(o->customer_name) ||
	       has_escape(o->customer_email) || has_escape(o->description) ||
	       has_escape(m->metadata);
}

/* Binds an order's columns to an insert or upsert of the orders table (?1 to ?31). */
static void bind_order(sqlite3_stmt *st, const struct model_object *m)
{
	const struct model_order *o = &m->u.order;
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
	text(st, 23, m->raw);
	text(st, 24, o->payer);
	text(st, 25, o->channel);
	bill_fact(st, 26, o->settle_amount, o->bill_day);
	bill_fact(st, 27, o->discount_amount, o->bill_day);
	bill_fact(st, 28, o->fee_fine, o->bill_day);
	text(st, 29, o->fee_rate);
	text(st, 30, o->bill_day);
	sqlite3_bind_int(st, 31, order_has_escapes(m));
}

/* Stores an order with upsert up, and does what the orders_fts triggers would: the old terms
 * out, the new ones in, nothing when the indexed text is unchanged. An order not cached yet
 * is inserted as it is, its terms added, without looking for old ones; *fresh is then its
 * rowid (else 0). Returns an SQLite code; the caller's transaction keeps the two consistent. */
static int store_order_fts(struct store *s, const struct model_object *m, sqlite3_stmt *up,
                           sqlite3_int64 *fresh)
{
	*fresh = 0;
	const char *v[6];
	fts_values(m, v);
	sqlite3_stmt *new_row = s->st[ST_ORDER_NEW];
	bind_order(new_row, m);
	int rc = run(new_row);
	if (rc != SQLITE_OK)
		return rc;
	if (sqlite3_changes(s->db) == 1) {
		sqlite3_int64 rowid = sqlite3_last_insert_rowid(s->db);
		sqlite3_stmt *ins = s->st[ST_FTS_INSERT];
		sqlite3_bind_int64(ins, 1, rowid);
		bind_fts(ins, 2, m->id, v);
		rc = run(ins);
		if (rc == SQLITE_OK)
			*fresh = rowid;
		return rc;
	}
	/* Cached already: the upsert, with the old row's terms out first if they change. */
	bind_order(up, m);
	sqlite3_stmt *old = s->st[ST_ORDER_OLD];
	text(old, 1, m->id);
	rc = sqlite3_step(old);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sqlite3_reset(old);
		sqlite3_reset(up);
		sqlite3_clear_bindings(up);
		return rc;
	}
	bool existed = rc == SQLITE_ROW;
	sqlite3_int64 rowid = existed ? sqlite3_column_int64(old, 0) : 0;
	/* A merge keeps the cached text where the object has none: index what the row will
	 * hold (copies: the old row's text goes with the reset below). */
	char *kept[6] = {NULL};
	for (int c = 0; existed && m->merge && c < 6; c++)
		if (!v[c] && sqlite3_column_text(old, c + 1))
			v[c] = kept[c] = strdup((const char *)sqlite3_column_text(old, c + 1));
	bool changed = !existed;
	for (int c = 0; !changed && c < 6; c++)
		changed = !same_text(old, c + 1, v[c]);
	rc = SQLITE_OK;
	if (existed && changed) {
		/* 'delete' must be given exactly the text that was indexed. */
		sqlite3_stmt *del = s->st[ST_FTS_DELETE];
		sqlite3_bind_int64(del, 1, rowid);
		text(del, 2, m->id);
		for (int c = 1; c <= 6; c++) {
			const char *t = (const char *)sqlite3_column_text(old, c);
			if (t)
				sqlite3_bind_text(del, 2 + c, t, sqlite3_column_bytes(old, c),
				                  SQLITE_TRANSIENT);
			else
				sqlite3_bind_null(del, 2 + c);
		}
		rc = run(del);
	}
	sqlite3_reset(old);
	sqlite3_clear_bindings(old);
	if (rc == SQLITE_OK)
		rc = run(up);
	else {
		sqlite3_reset(up);
		sqlite3_clear_bindings(up);
	}
	if (rc == SQLITE_OK && changed) {
		sqlite3_stmt *ins = s->st[ST_FTS_INSERT];
		sqlite3_bind_int64(ins, 1, existed ? rowid : sqlite3_last_insert_rowid(s->db));
		bind_fts(ins, 2, m->id, v);
		rc = run(ins);
	}
	for (int c = 0; c < 6; c++)
		free(kept[c]);
	return rc;
}

/* Sets an order's refunded amount (and so its status) from the cached refunds, for the
 * platforms whose orders do not carry it. Nothing happens while the order is not cached. */
static int derive_refunded(struct store *s, const char *order_id)
{
	if (!order_id)
		return SQLITE_OK;
	sqlite3_stmt *sum = s->st[ST_ORDER_REFUNDS];
	text(sum, 1, order_id);
	int rc = sqlite3_step(sum);
	int64_t refunded = rc == SQLITE_ROW ? sqlite3_column_int64(sum, 0) : 0;
	sqlite3_reset(sum);
	sqlite3_clear_bindings(sum);
	if (rc != SQLITE_ROW)
		return rc;
	sqlite3_stmt *facts = s->st[ST_ORDER_FACTS];
	text(facts, 1, order_id);
	rc = sqlite3_step(facts);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(facts);
		sqlite3_clear_bindings(facts);
		return rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	struct model_order o = {
	        .amount = sqlite3_column_int64(facts, 0),
	        .amount_refunded = refunded,
	        .platform_status = (const char *)sqlite3_column_text(facts, 2),
	        .disputed = sqlite3_column_int(facts, 3) != 0,
	        .refunded = sqlite3_column_int(facts, 4) != 0,
	};
	sqlite3_stmt *up = s->st[ST_ORDER_SET_REFUNDED];
	text(up, 1, order_id);
	sqlite3_bind_int64(up, 2, refunded);
	sqlite3_bind_text(up, 3, model_order_status(&o), -1, SQLITE_TRANSIENT);
	sqlite3_reset(facts);
	sqlite3_clear_bindings(facts);
	return run(up);
}

/* Orders deferred at most, of either kind: what a flush holds in memory stays bounded
 * whatever a bill's size. */
#define DEFER_MAX 8192

/* Appends a copy of id. */
static int ids_add(struct ids *l, const char *id)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		char **v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return SQLITE_NOMEM;
		l->v = v;
		l->cap = cap;
	}
	if (!(l->v[l->n] = strdup(id)))
		return SQLITE_NOMEM;
	if (l->n && strcmp(l->v[l->n - 1], id) > 0)
		l->unsorted = true;
	l->n++;
	return SQLITE_OK;
}

static void ids_clear(struct ids *l, bool release)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	l->n = 0;
	l->unsorted = false;
	if (release) {
		free(l->v);
		l->v = NULL;
		l->cap = 0;
	}
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Derives what waited, each order once; keeps deferring. A new order is derived when it has
 * refunds (cached before it, as a refund made today, or in the same bill): without, the
 * derivation would give what its row was inserted with. Which of them have refunds is one
 * walk of the refunds' index over the interval of their ids. */
static int derive_deferred(struct store *s)
{
	int rc = SQLITE_OK;
	struct ids *f = &s->fresh, *d = &s->derive;
	if (f->n) {
		if (f->unsorted)
			qsort(f->v, f->n, sizeof *f->v, by_text);
		sqlite3_stmt *st = s->st[ST_REFUNDED_ORDERS];
		text(st, 1, f->v[0]);
		text(st, 2, f->v[f->n - 1]);
		while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *id = (const char *)sqlite3_column_text(st, 0);
			rc = SQLITE_OK;
			if (id && bsearch(&id, f->v, f->n, sizeof *f->v, by_text))
				rc = ids_add(d, id);
		}
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	if (d->unsorted)
		qsort(d->v, d->n, sizeof *d->v, by_text);
	for (size_t i = 0; rc == SQLITE_OK && i < d->n; i++)
		if (i == 0 || strcmp(d->v[i], d->v[i - 1]) != 0)
			rc = derive_refunded(s, d->v[i]);
	ids_clear(f, false);
	ids_clear(d, false);
	return rc;
}

/* Notes an order whose derivation waits (fresh: inserted meanwhile, as it is, with nothing
 * refunded); derives what waited when the notes are full. */
static int defer_order(struct store *s, const char *order_id, bool fresh)
{
	if (!order_id)
		return SQLITE_OK;
	int rc = ids_add(fresh ? &s->fresh : &s->derive, order_id);
	if (rc == SQLITE_OK && s->fresh.n + s->derive.n >= DEFER_MAX)
		rc = derive_deferred(s);
	return rc;
}

void store_defer(struct store *s)
{
	store_discard(s);
	s->defer = true;
}

int store_flush(struct store *s)
{
	int rc = derive_deferred(s);
	store_discard(s);
	return rc;
}

void store_discard(struct store *s)
{
	ids_clear(&s->fresh, true);
	ids_clear(&s->derive, true);
	s->defer = false;
}

/* Whether storing m could change what a deferred derivation reads or writes otherwise than
 * the derivations do (an order or refund without one, a dispute): what waited is derived
 * first, so that the cache ends as if each had been derived at once. */
static bool ends_deferral(const struct model_object *m)
{
	return (m->kind == MODEL_ORDER && !m->u.order.derive_refunded) ||
	       (m->kind == MODEL_REFUND && !m->u.refund.derive_order) || m->kind == MODEL_DISPUTE;
}

/* Marks the quarter hour of an object whose figures count in the Insights sums
 * (CACHE_INSIGHTS_TABLES_SQL), once per transaction. */
static int mark_insights(struct store *s, int64_t created)
{
	int64_t bucket = created / CACHE_INSIGHTS_BUCKET_S;
	int n = s->n_marked < 8 ? s->n_marked : 8;
	for (int i = 0; i < n; i++)
		if (s->marked[i] == bucket)
			return SQLITE_OK;
	sqlite3_bind_int64(s->st[ST_INSIGHTS_MARK], 1, bucket);
	int rc = run(s->st[ST_INSIGHTS_MARK]);
	if (rc == SQLITE_OK)
		s->marked[s->n_marked++ % 8] = bucket;
	return rc;
}

static int store_kind(struct store *s, const struct model_object *m);

int store_object(struct store *s, const struct model_object *m)
{
	int rc = store_kind(s, m);
	if (rc == SQLITE_OK && s->manual_fts &&
	    (m->kind == MODEL_ORDER || m->kind == MODEL_REFUND || m->kind == MODEL_DISPUTE ||
	     m->kind == MODEL_BALANCE_TX))
		rc = mark_insights(s, m->created);
	return rc;
}

/* Stores m in its table. */
static int store_kind(struct store *s, const struct model_object *m)
{
	if (s->defer && ends_deferral(m)) {
		int d = derive_deferred(s);
		if (d != SQLITE_OK)
			return d;
	}
	sqlite3_stmt *st;
	int rc;
	switch (m->kind) {
	case MODEL_NONE:
		return SQLITE_OK;
	case MODEL_ORDER: {
		st = s->st[m->merge ? ST_ORDER_MERGE : ST_ORDER];
		sqlite3_int64 fresh = 0;
		if (s->manual_fts) {
			rc = store_order_fts(s, m, st, &fresh);
		} else {
			bind_order(st, m);
			rc = run(st);
		}
		if (rc == SQLITE_OK && m->merge && !fresh) {
			text(s->st[ST_ORDER_ESCAPES], 1, m->id);
			rc = run(s->st[ST_ORDER_ESCAPES]);
		}
		if (rc == SQLITE_OK && m->u.order.derive_refunded)
			rc = !s->defer
			             ? derive_refunded(s, m->id)
			             : defer_order(s, m->id, fresh && !m->u.order.amount_refunded);
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
		text(st, 13, m->raw);
		text(st, 14, r->order_ref);
		text(st, 15, r->refund_ref);
		bill_fact(st, 16, r->settle_amount, r->bill_day);
		bill_fact(st, 17, r->coupon_refund, r->bill_day);
		bill_fact(st, 18, r->fee_fine, r->bill_day);
		text(st, 19, r->bill_day);
		rc = run(st);
		if (rc == SQLITE_OK && r->derive_order)
			rc = s->defer ? defer_order(s, r->order_id, false)
			              : derive_refunded(s, r->order_id);
		break;
	}
	case MODEL_DISPUTE: {
		const struct model_dispute *d = &m->u.dispute;
		st = s->st[ST_DISPUTE];
		text(st, 1, m->id);
		sqlite3_bind_int64(st, 2, m->created);
		text(st, 3, d->order_id);
		text(st, 4, d->payment_intent);
		if (d->amount == MODEL_UNKNOWN)
			sqlite3_bind_null(st, 5);
		else
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
		text(st, 16, m->raw);
		text(st, 17, d->order_ref);
		text(st, 18, d->detail);
		text(st, 19, d->contact);
		int_or_null(st, 20, d->refund_requested);
		rc = run(st);
		if (rc == SQLITE_OK && d->order_id && !d->complaint) {
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
		text(st, 11, m->raw);
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
		text(st, 13, b->bill_day);
		char whole[24];
		if (b->rate_whole)
			snprintf(whole, sizeof whole, "%" PRId64, b->exchange_rate_whole);
		sqlite3_bind_text(st, 14, b->rate_whole ? whole : b->exchange_rate, -1,
		                  SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 15, b->fx_fee);
		if (b->presentment_currency)
			sqlite3_bind_int64(st, 16, b->presentment_amount);
		else
			sqlite3_bind_null(st, 16);
		text(st, 17, b->presentment_currency);
		rc = run(st);
		/* A converted charge: its order settled as this amount and currency. */
		if (rc == SQLITE_OK && (b->rate_whole || b->exchange_rate) && b->source &&
		    b->type && strcmp(b->type, "charge") == 0) {
			sqlite3_stmt *u = s->st[ST_ORDER_SETTLED];
			text(u, 1, b->source);
			sqlite3_bind_int64(u, 2, b->amount);
			text(u, 3, b->currency);
			rc = run(u);
		}
		break;
	}
	case MODEL_DISPUTE_EVENT: {
		const struct model_dispute_event *e = &m->u.dispute_event;
		st = s->st[ST_DISPUTE_EVENT];
		text(st, 1, e->dispute_id);
		text(st, 2, m->id);
		sqlite3_bind_int64(st, 3, m->created);
		text(st, 4, e->actor);
		text(st, 5, e->kind);
		text(st, 6, e->text);
		text(st, 7, m->metadata);
		rc = run(st);
		break;
	}
	default:
		return SQLITE_MISUSE;
	}
	return rc;
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
