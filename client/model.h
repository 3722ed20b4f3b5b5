/* The provider-neutral model of platform objects, between a provider's mapping (JSON in)
 * and the cache's store (SQL out). Private to client/. Strings are borrowed from the parsed
 * reply, which must outlive the model object; raw and metadata are owned. */
#ifndef PAYDESK_MODEL_H
#define PAYDESK_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "client/jdoc.h"

enum model_kind {
	MODEL_NONE = 0, /* an object paydesk does not keep */
	MODEL_ORDER,
	MODEL_PAYMENT_INTENT,
	MODEL_REFUND,
	MODEL_DISPUTE,
	MODEL_PAYOUT,
	MODEL_BALANCE_TX,
};

struct model_order {
	int64_t amount, amount_refunded;
	const char *currency;
	const char *platform_status; /* succeeded | pending | failed */
	bool refunded, disputed;
	const char *order_ref, *customer_name, *customer_email, *description;
	const char *payment_intent, *balance_transaction;
	const char *card_brand, *card_last4;
	int64_t card_exp_month, card_exp_year; /* 0 = unknown */
	const char *risk_level, *failure_message;
};

struct model_payment_intent {
	int64_t amount;
	const char *currency, *status, *latest_charge, *description;
};

struct model_refund {
	int64_t amount;
	const char *currency, *order_id, *payment_intent, *status, *reason;
	const char *balance_transaction, *failure_reason, *action_id;
};

struct model_dispute {
	int64_t amount;
	const char *currency, *order_id, *payment_intent, *status, *reason;
	int64_t due_by; /* 0 = no deadline */
	bool has_evidence, past_due, is_charge_refundable;
	int64_t submission_count;
};

struct model_payout {
	int64_t amount, arrival_date;
	const char *currency, *status, *method, *balance_transaction, *description;
	bool automatic;
};

struct model_balance_tx {
	int64_t amount, fee, net, available_on;
	const char *currency, *type, *reporting_category, *source, *status, *description;
};

struct model_object {
	enum model_kind kind;
	const char *id;
	int64_t created;
	char *raw;      /* compacted JSON for the detail view (owned); NULL for kinds whose
	                  * columns say everything (payment intents, balance transactions) */
	char *metadata; /* JSON object text, NULL when empty (owned) */
	char *evidence; /* disputes: JSON of the non-empty evidence fields (owned) */
	union {
		struct model_order order;
		struct model_payment_intent payment_intent;
		struct model_refund refund;
		struct model_dispute dispute;
		struct model_payout payout;
		struct model_balance_tx balance_tx;
	} u;
};

/* One platform event: what happened to which object, when. */
struct model_event {
	const char *id, *type, *object_id;
	int64_t created;
};

/* Frees what the object owns and clears it. */
void model_object_clear(struct model_object *m);

/* The display status of an order, derived from the platform's facts. Static string. */
const char *model_order_status(const struct model_order *o);

/* Serialises a JSON value compactly without nulls, empty objects/arrays, the members named
 * by dotted paths in drop ("amount", "outcome.risk_level": already in columns, or noise),
 * and anything that could hold a secret or a card number. Returns a string the caller frees, or NULL when out of memory. */
struct model_drop {
	const char *path;
	size_t len;
};
#define MODEL_DROP(p)                                                                              \
	{                                                                                          \
		p, sizeof p - 1                                                                    \
	}
char *model_compact_json(const struct jval *obj, const struct model_drop *drop, size_t n_drop);

/* Serialises a JSON value compactly as it is, object members sorted by name (metadata). */
char *model_metadata_json(const struct jval *v);

#endif
