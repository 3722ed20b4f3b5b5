/* Stripe v1 JSON objects mapped into the provider-neutral model. Unknown fields are ignored,
 * nulls are absent values, and an expanded reference ({"id": ...}) counts as its id. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "client/client.h"
#include "client/stripe/stripe.h"

static const char *str(const struct jval *obj, const char *key)
{
	const struct jval *v = jval_get(obj, key);
	if (jval_is(v, J_STRING))
		return v->v.s;
	/* An expanded object stands for its id. */
	if (jval_is(v, J_OBJECT))
		return jval_str(jval_get(v, "id"));
	return NULL;
}

static int64_t num(const struct jval *obj, const char *key)
{
	const struct jval *v = jval_get(obj, key);
	return jval_is(v, J_INT) ? v->v.i : 0;
}

static bool flag(const struct jval *obj, const char *key)
{
	return jval_is(jval_get(obj, key), J_TRUE);
}

static bool has_int(const struct jval *obj, const char *key)
{
	return jval_is(jval_get(obj, key), J_INT);
}

/* Metadata as compact JSON text with sorted keys, NULL when absent or empty. *failed on
 * out of memory. */
static char *metadata_text(const struct jval *obj, bool *failed)
{
	const struct jval *md = jval_get(obj, "metadata");
	if (!jval_is(md, J_OBJECT) || md->len == 0)
		return NULL;
	char *s = model_metadata_json(md);
	if (!s)
		*failed = true;
	return s;
}

static const char *metadata_str(const struct jval *obj, const char *key)
{
	return str(jval_get(obj, "metadata"), key);
}

/* The top-level keys of each kind that live in columns and are left out of the raw JSON. */
static const struct model_drop order_cols[] = {
        MODEL_DROP("amount"),
        MODEL_DROP("amount_refunded"),
        MODEL_DROP("currency"),
        MODEL_DROP("status"),
        MODEL_DROP("refunded"),
        MODEL_DROP("disputed"),
        MODEL_DROP("created"),
        MODEL_DROP("description"),
        MODEL_DROP("payment_intent"),
        MODEL_DROP("balance_transaction"),
        MODEL_DROP("failure_message"),
        MODEL_DROP("metadata"),
        MODEL_DROP("refunds"),
        MODEL_DROP("object"),
        MODEL_DROP("id"),
        MODEL_DROP("billing_details.name"),
        MODEL_DROP("billing_details.email"),
        MODEL_DROP("receipt_email"),
        MODEL_DROP("payment_method_details.card.brand"),
        MODEL_DROP("payment_method_details.card.last4"),
        MODEL_DROP("payment_method_details.card.exp_month"),
        MODEL_DROP("payment_method_details.card.exp_year"),
        MODEL_DROP("outcome.risk_level"),
        /* Boilerplate every card charge carries, which no screen shows. */
        MODEL_DROP("livemode"),
        MODEL_DROP("calculated_statement_descriptor"),
        MODEL_DROP("payment_method_details.card.network_token"),
        MODEL_DROP("payment_method_details.card.overcapture"),
        MODEL_DROP("payment_method_details.card.multicapture"),
        MODEL_DROP("payment_method_details.card.incremental_authorization"),
        MODEL_DROP("payment_method_details.card.extended_authorization"),
        MODEL_DROP("payment_method_details.card.regulated_status"),
        MODEL_DROP("payment_method_details.card.amount_authorized"),
        MODEL_DROP("payment_method_details.card.checks"),
        MODEL_DROP("payment_method_details.card.network"),
        MODEL_DROP("payment_method"),
        MODEL_DROP("outcome.network_status"),
        MODEL_DROP("outcome.type"),
};
static const struct model_drop pi_cols[] = {
        MODEL_DROP("amount"),      MODEL_DROP("currency"),
        MODEL_DROP("status"),      MODEL_DROP("latest_charge"),
        MODEL_DROP("description"), MODEL_DROP("created"),
        MODEL_DROP("metadata"),    MODEL_DROP("object"),
        MODEL_DROP("charges"),     MODEL_DROP("id"),
};
static const struct model_drop refund_cols[] = {
        MODEL_DROP("amount"),
        MODEL_DROP("currency"),
        MODEL_DROP("charge"),
        MODEL_DROP("payment_intent"),
        MODEL_DROP("status"),
        MODEL_DROP("reason"),
        MODEL_DROP("balance_transaction"),
        MODEL_DROP("failure_reason"),
        MODEL_DROP("created"),
        MODEL_DROP("metadata"),
        MODEL_DROP("object"),
        MODEL_DROP("id"),
};
static const struct model_drop dispute_cols[] = {
        MODEL_DROP("amount"),   MODEL_DROP("currency"),
        MODEL_DROP("charge"),   MODEL_DROP("payment_intent"),
        MODEL_DROP("status"),   MODEL_DROP("reason"),
        MODEL_DROP("created"),  MODEL_DROP("metadata"),
        MODEL_DROP("evidence"), MODEL_DROP("is_charge_refundable"),
        MODEL_DROP("object"),   MODEL_DROP("id"),
};
static const struct model_drop payout_cols[] = {
        MODEL_DROP("amount"),
        MODEL_DROP("currency"),
        MODEL_DROP("arrival_date"),
        MODEL_DROP("status"),
        MODEL_DROP("automatic"),
        MODEL_DROP("method"),
        MODEL_DROP("balance_transaction"),
        MODEL_DROP("description"),
        MODEL_DROP("created"),
        MODEL_DROP("object"),
        MODEL_DROP("id"),
};
static const struct model_drop btx_cols[] = {
        MODEL_DROP("amount"),   MODEL_DROP("fee"),          MODEL_DROP("net"),
        MODEL_DROP("currency"), MODEL_DROP("type"),         MODEL_DROP("reporting_category"),
        MODEL_DROP("source"),   MODEL_DROP("status"),       MODEL_DROP("description"),
        MODEL_DROP("created"),  MODEL_DROP("available_on"), MODEL_DROP("object"),
        MODEL_DROP("id"),
};

#define N(a) (sizeof a / sizeof *a)

/* The exchange rate exactly as Stripe wrote it, and the conversion fee among the fee
 * details (a stripe_fee whose description names the conversion). */
static void map_fx(const struct jval *obj, struct model_balance_tx *b)
{
	const struct jval *rate = jval_get(obj, "exchange_rate");
	if (jval_is(rate, J_REAL)) {
		b->exchange_rate = jval_real_text(rate);
	} else if (jval_is(rate, J_INT)) {
		b->exchange_rate_whole = rate->v.i;
		b->rate_whole = true;
	}
	const struct jval *fees = jval_get(obj, "fee_details"), *f;
	uint32_t i;
	if (!jval_is(fees, J_ARRAY))
		return;
	JVAL_EACH(f, i, fees)
	{
		const char *d = str(f, "description");
		if (d && (strstr(d, "conversion") || strstr(d, "Conversion")))
			b->fx_fee += num(f, "amount");
	}
}

static void map_order(const struct jval *o, struct model_order *m)
{
	m->amount = num(o, "amount");
	m->amount_refunded = num(o, "amount_refunded");
	m->currency = str(o, "currency");
	m->platform_status = str(o, "status");
	m->refunded = flag(o, "refunded");
	m->disputed = flag(o, "disputed");
	m->order_ref = metadata_str(o, "order_id");
	if (!m->order_ref)
		m->order_ref = metadata_str(o, "order_ref");
	const struct jval *billing = jval_get(o, "billing_details");
	m->customer_name = str(billing, "name");
	m->customer_email = str(billing, "email");
	if (!m->customer_email)
		m->customer_email = str(o, "receipt_email");
	m->description = str(o, "description");
	m->payment_intent = str(o, "payment_intent");
	m->balance_transaction = str(o, "balance_transaction");
	const struct jval *card = jval_get(jval_get(o, "payment_method_details"), "card");
	m->card_brand = str(card, "brand");
	m->card_last4 = str(card, "last4");
	m->card_exp_month = num(card, "exp_month");
	m->card_exp_year = num(card, "exp_year");
	m->risk_level = str(jval_get(o, "outcome"), "risk_level");
	m->failure_message = str(o, "failure_message");
}

static void map_dispute(const struct jval *o, struct model_dispute *m)
{
	m->amount = num(o, "amount");
	m->currency = str(o, "currency");
	m->order_id = str(o, "charge");
	m->payment_intent = str(o, "payment_intent");
	m->status = str(o, "status");
	m->reason = str(o, "reason");
	const struct jval *d = jval_get(o, "evidence_details");
	m->due_by = num(d, "due_by");
	m->has_evidence = flag(d, "has_evidence");
	m->past_due = flag(d, "past_due");
	m->submission_count = num(d, "submission_count");
	m->is_charge_refundable = flag(o, "is_charge_refundable");
}

int stripe_map_object(const struct jval *obj, struct model_object *m, char *err, size_t err_size)
{
	memset(m, 0, sizeof *m);
	const char *type = str(obj, "object");
	if (!jval_is(obj, J_OBJECT) || !type) {
		snprintf(err, err_size, _("an object without a type"));
		return -1;
	}
	const struct model_drop *drop = NULL;
	size_t n_drop = 0;
	if (strcmp(type, "charge") == 0) {
		m->kind = MODEL_ORDER;
		map_order(obj, &m->u.order);
		drop = order_cols, n_drop = N(order_cols);
	} else if (strcmp(type, "payment_intent") == 0) {
		m->kind = MODEL_PAYMENT_INTENT;
		struct model_payment_intent *p = &m->u.payment_intent;
		p->amount = num(obj, "amount");
		p->currency = str(obj, "currency");
		p->status = str(obj, "status");
		p->latest_charge = str(obj, "latest_charge");
		p->description = str(obj, "description");
		drop = pi_cols, n_drop = N(pi_cols);
	} else if (strcmp(type, "refund") == 0) {
		m->kind = MODEL_REFUND;
		struct model_refund *r = &m->u.refund;
		r->amount = num(obj, "amount");
		r->currency = str(obj, "currency");
		r->order_id = str(obj, "charge");
		r->payment_intent = str(obj, "payment_intent");
		r->status = str(obj, "status");
		r->reason = str(obj, "reason");
		r->balance_transaction = str(obj, "balance_transaction");
		r->failure_reason = str(obj, "failure_reason");
		r->action_id = metadata_str(obj, "paydesk_action");
		drop = refund_cols, n_drop = N(refund_cols);
	} else if (strcmp(type, "dispute") == 0) {
		m->kind = MODEL_DISPUTE;
		map_dispute(obj, &m->u.dispute);
		drop = dispute_cols, n_drop = N(dispute_cols);
	} else if (strcmp(type, "payout") == 0) {
		m->kind = MODEL_PAYOUT;
		struct model_payout *p = &m->u.payout;
		p->amount = num(obj, "amount");
		p->currency = str(obj, "currency");
		p->arrival_date = num(obj, "arrival_date");
		p->status = str(obj, "status");
		p->automatic = !jval_is(jval_get(obj, "automatic"), J_FALSE);
		p->method = str(obj, "method");
		p->balance_transaction = str(obj, "balance_transaction");
		p->description = str(obj, "description");
		drop = payout_cols, n_drop = N(payout_cols);
	} else if (strcmp(type, "balance_transaction") == 0) {
		m->kind = MODEL_BALANCE_TX;
		struct model_balance_tx *b = &m->u.balance_tx;
		b->amount = num(obj, "amount");
		b->fee = num(obj, "fee");
		b->net = num(obj, "net");
		b->available_on = num(obj, "available_on");
		b->currency = str(obj, "currency");
		b->type = str(obj, "type");
		b->reporting_category = str(obj, "reporting_category");
		b->source = str(obj, "source");
		b->status = str(obj, "status");
		b->description = str(obj, "description");
		map_fx(obj, b);
		drop = btx_cols, n_drop = N(btx_cols);
	} else {
		return 0; /* MODEL_NONE: not kept */
	}

	m->id = str(obj, "id");
	m->created = num(obj, "created");
	/* What every row needs; anything else may be null or missing. */
	const char *currency = NULL;
	bool amount_ok = has_int(obj, "amount");
	switch (m->kind) {
	case MODEL_ORDER:
		currency = m->u.order.currency;
		break;
	case MODEL_PAYMENT_INTENT:
		currency = m->u.payment_intent.currency;
		break;
	case MODEL_REFUND:
		currency = m->u.refund.currency;
		break;
	case MODEL_DISPUTE:
		currency = m->u.dispute.currency;
		break;
	case MODEL_PAYOUT:
		currency = m->u.payout.currency;
		break;
	case MODEL_BALANCE_TX:
		currency = m->u.balance_tx.currency;
		amount_ok = amount_ok && has_int(obj, "net");
		break;
	case MODEL_NONE:
	case MODEL_DISPUTE_EVENT: /* Stripe has none */
		break;
	}
	if (!m->id || !*m->id || !has_int(obj, "created") || !amount_ok || !currency ||
	    !money_currency_valid(currency)) {
		snprintf(err, err_size, _("a %s without id, created, amount or currency (%s)"),
		         type, m->id ? m->id : "?");
		memset(m, 0, sizeof *m);
		return -1;
	}

	bool failed = false;
	m->metadata = metadata_text(obj, &failed);
	if (m->kind == MODEL_DISPUTE) {
		const struct jval *ev = jval_get(obj, "evidence");
		if (jval_is(ev, J_OBJECT)) {
			m->evidence = model_compact_json(ev, NULL, 0);
			failed = failed || !m->evidence;
		}
	}
	/* Payment intents and balance transactions are fully described by their columns;
	 * their JSON would double the cache's size for nothing a screen shows. */
	if (m->kind != MODEL_PAYMENT_INTENT && m->kind != MODEL_BALANCE_TX) {
		m->raw = model_compact_json(obj, drop, n_drop);
		failed = failed || !m->raw;
	}
	if (failed) {
		model_object_clear(m);
		snprintf(err, err_size, _("out of memory"));
		return -1;
	}
	return 0;
}

int stripe_map_event(const struct jval *ev, struct model_event *e, struct model_object *m,
                     char *err, size_t err_size)
{
	memset(e, 0, sizeof *e);
	memset(m, 0, sizeof *m);
	e->id = str(ev, "id");
	e->type = str(ev, "type");
	e->created = num(ev, "created");
	if (!e->id || !e->type || !has_int(ev, "created")) {
		snprintf(err, err_size, _("an event without id, type or created"));
		return -1;
	}
	const struct jval *obj = jval_get(jval_get(ev, "data"), "object");
	if (!jval_is(obj, J_OBJECT))
		return 0;
	e->object_id = str(obj, "id");
	return stripe_map_object(obj, m, err, err_size);
}
