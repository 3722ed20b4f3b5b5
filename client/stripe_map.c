/* Stripe v1 JSON objects mapped into the provider-neutral model. Unknown fields are ignored,
 * nulls are absent values, and an expanded reference ({"id": ...}) counts as its id. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "client/client.h"
#include "client/stripe.h"

static const char *str(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	if (json_is_string(v))
		return json_string_value(v);
	/* An expanded object stands for its id. */
	if (json_is_object(v))
		return json_string_value(json_object_get(v, "id"));
	return NULL;
}

static int64_t num(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static bool flag(const json_t *obj, const char *key)
{
	return json_is_true(json_object_get(obj, key));
}

static bool has_int(const json_t *obj, const char *key)
{
	return json_is_integer(json_object_get(obj, key));
}

/* Metadata as compact JSON text, NULL when absent or empty. *failed on out of memory. */
static char *metadata_text(const json_t *obj, bool *failed)
{
	const json_t *md = json_object_get(obj, "metadata");
	if (!json_is_object(md) || json_object_size(md) == 0)
		return NULL;
	char *s = json_dumps(md, JSON_COMPACT | JSON_SORT_KEYS);
	if (!s)
		*failed = true;
	return s;
}

static const char *metadata_str(const json_t *obj, const char *key)
{
	return str(json_object_get(obj, "metadata"), key);
}

/* The top-level keys of each kind that live in columns and are left out of the raw JSON. */
static const char *const order_cols[] = {
        "amount",
        "amount_refunded",
        "currency",
        "status",
        "refunded",
        "disputed",
        "created",
        "description",
        "payment_intent",
        "balance_transaction",
        "failure_message",
        "metadata",
        "refunds",
        "object",
        "id",
        "billing_details.name",
        "billing_details.email",
        "receipt_email",
        "payment_method_details.card.brand",
        "payment_method_details.card.last4",
        "payment_method_details.card.exp_month",
        "payment_method_details.card.exp_year",
        "outcome.risk_level",
        /* Boilerplate every card charge carries, which no screen shows. */
        "livemode",
        "calculated_statement_descriptor",
        "payment_method_details.card.network_token",
        "payment_method_details.card.overcapture",
        "payment_method_details.card.multicapture",
        "payment_method_details.card.incremental_authorization",
        "payment_method_details.card.extended_authorization",
        "payment_method_details.card.regulated_status",
        "payment_method_details.card.amount_authorized",
        "payment_method_details.card.checks",
        "payment_method_details.card.network",
        "payment_method",
        "outcome.network_status",
        "outcome.type",
};
static const char *const pi_cols[] = {
        "amount",  "currency", "status", "latest_charge", "description",
        "created", "metadata", "object", "charges",       "id",
};
static const char *const refund_cols[] = {
        "amount",
        "currency",
        "charge",
        "payment_intent",
        "status",
        "reason",
        "balance_transaction",
        "failure_reason",
        "created",
        "metadata",
        "object",
        "id",
};
static const char *const dispute_cols[] = {
        "amount",  "currency", "charge",   "payment_intent",       "status", "reason",
        "created", "metadata", "evidence", "is_charge_refundable", "object", "id",
};
static const char *const payout_cols[] = {
        "amount",
        "currency",
        "arrival_date",
        "status",
        "automatic",
        "method",
        "balance_transaction",
        "description",
        "created",
        "object",
        "id",
};
static const char *const btx_cols[] = {
        "amount", "fee",    "net",         "currency", "type",         "reporting_category",
        "source", "status", "description", "created",  "available_on", "object",
        "id",
};

#define N(a) (sizeof a / sizeof *a)

static void map_order(const json_t *o, struct model_order *m)
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
	const json_t *billing = json_object_get(o, "billing_details");
	m->customer_name = str(billing, "name");
	m->customer_email = str(billing, "email");
	if (!m->customer_email)
		m->customer_email = str(o, "receipt_email");
	m->description = str(o, "description");
	m->payment_intent = str(o, "payment_intent");
	m->balance_transaction = str(o, "balance_transaction");
	const json_t *card = json_object_get(json_object_get(o, "payment_method_details"), "card");
	m->card_brand = str(card, "brand");
	m->card_last4 = str(card, "last4");
	m->card_exp_month = num(card, "exp_month");
	m->card_exp_year = num(card, "exp_year");
	m->risk_level = str(json_object_get(o, "outcome"), "risk_level");
	m->failure_message = str(o, "failure_message");
}

static void map_dispute(const json_t *o, struct model_dispute *m)
{
	m->amount = num(o, "amount");
	m->currency = str(o, "currency");
	m->order_id = str(o, "charge");
	m->payment_intent = str(o, "payment_intent");
	m->status = str(o, "status");
	m->reason = str(o, "reason");
	const json_t *d = json_object_get(o, "evidence_details");
	m->due_by = num(d, "due_by");
	m->has_evidence = flag(d, "has_evidence");
	m->past_due = flag(d, "past_due");
	m->submission_count = num(d, "submission_count");
	m->is_charge_refundable = flag(o, "is_charge_refundable");
}

int stripe_map_object(const json_t *obj, struct model_object *m, char *err, size_t err_size)
{
	memset(m, 0, sizeof *m);
	const char *type = str(obj, "object");
	if (!json_is_object(obj) || !type) {
		snprintf(err, err_size, _("an object without a type"));
		return -1;
	}
	const char *const *drop = NULL;
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
		p->automatic = !json_is_false(json_object_get(obj, "automatic"));
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
		const json_t *ev = json_object_get(obj, "evidence");
		if (json_is_object(ev)) {
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

int stripe_map_event(const json_t *ev, struct model_event *e, struct model_object *m, char *err,
                     size_t err_size)
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
	const json_t *obj = json_object_get(json_object_get(ev, "data"), "object");
	if (!json_is_object(obj))
		return 0;
	e->object_id = str(obj, "id");
	return stripe_map_object(obj, m, err, err_size);
}
