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
	MODEL_DISPUTE_EVENT, /* an entry of a complaint's history */
};

/* An amount the platform did not give (stored as NULL). */
#define MODEL_UNKNOWN INT64_MIN

/* Fees finer than the minor unit (WeChat Pay's bills write them to 5 decimals of a yuan)
 * are kept in thousandths of the minor unit: "0.07854" CNY is 7854. */
#define MODEL_FEE_FINE_DIGITS 3

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
	/* The bill platforms' facts (NULL / MODEL_UNKNOWN where a platform has none): */
	const char *payer;       /* WeChat Pay's openid, Alipay's buyer logon id */
	const char *channel;     /* how it was paid: JSAPI, NATIVE, ... */
	int64_t settle_amount;   /* what the merchant is paid for it (应结订单金额) */
	int64_t discount_amount; /* coupons, discounts */
	int64_t fee_fine;        /* the fee charged, in thousandths of the minor unit */
	const char *fee_rate;    /* "0.60%", as the platform writes it */
	const char *bill_day;    /* YYYY-MM-DD of the bill the row came from */
	/* amount_refunded is derived from the cached refunds (platforms whose orders do not
	 * say it) */
	bool derive_refunded;
};

struct model_payment_intent {
	int64_t amount;
	const char *currency, *status, *latest_charge, *description;
};

struct model_refund {
	int64_t amount;
	const char *currency, *order_id, *payment_intent, *status, *reason;
	const char *balance_transaction, *failure_reason, *action_id;
	/* The bill platforms' facts (NULL / MODEL_UNKNOWN where a platform has none): */
	const char *order_ref;  /* the merchant's order number */
	const char *refund_ref; /* the merchant's refund number */
	int64_t settle_amount;  /* what the settlement gives back (应结退款金额) */
	int64_t coupon_refund;  /* of recharge coupons (充值券退款金额) */
	int64_t fee_fine;       /* the fee, thousandths of the minor unit: < 0 returned */
	const char *bill_day;
	/* the order's refunded amount is derived from the cached refunds */
	bool derive_order;
};

struct model_dispute {
	int64_t amount;
	const char *currency, *order_id, *payment_intent, *status, *reason;
	int64_t due_by; /* 0 = no deadline */
	bool has_evidence, past_due, is_charge_refundable;
	int64_t submission_count;
	/* Complaints: */
	const char *order_ref;    /* the merchant's order number */
	const char *detail;       /* the complainant's words */
	const char *contact;      /* the contact as the platform sent it (encrypted: never
	                           * decrypted into the cache) */
	int64_t refund_requested; /* MODEL_UNKNOWN when no refund was asked for */
	bool complaint;           /* a complaint rather than a chargeback: its order is not
	                           * marked disputed */
};

/* One entry of a complaint's history: who did what, when, in which words. */
struct model_dispute_event {
	const char *dispute_id;
	const char *actor, *kind, *text;
	/* images: m->metadata holds them as a JSON array (owned) */
};

struct model_payout {
	int64_t amount, arrival_date;
	const char *currency, *status, *method, *balance_transaction, *description;
	bool automatic;
};

/* A movement of the balance, in the currency it settles in (amount, fee, net, currency).
 * A converted movement also says the rate the platform applied, exactly as it wrote it,
 * and the conversion fee (part of fee); the side the customer paid (presentment) comes
 * from the platform where it gives it, else from the source object (see the cache's
 * balance_fx view). */
struct model_balance_tx {
	int64_t amount, fee, net, available_on;
	const char *currency, *type, *reporting_category, *source, *status, *description;
	const char *bill_day;        /* the bill it came from, NULL for none */
	const char *exchange_rate;   /* decimal text as sent, NULL when nothing was converted */
	int64_t exchange_rate_whole; /* a rate sent as a JSON integer, with rate_whole */
	bool rate_whole;
	int64_t fx_fee;                   /* the conversion fee, in the settlement currency */
	int64_t presentment_amount;       /* signed like amount; with presentment_currency */
	const char *presentment_currency; /* NULL when the platform does not say it */
};

struct model_object {
	enum model_kind kind;
	const char *id;
	int64_t created;
	char *raw;      /* compacted JSON for the detail view (owned); NULL for kinds whose
	                  * columns say everything (payment intents, balance transactions) */
	char *metadata; /* JSON object text, NULL when empty (owned) */
	char *evidence; /* disputes: JSON of the non-empty evidence fields (owned) */
	char *own_id;   /* an id the platform does not give, made by paydesk (owned); id points
	                 * to it */
	/* The object says only part of what the cache may hold (a point query knows less than
	 * the bill row before it): fields it leaves empty keep their cached values. Orders. */
	bool merge;
	union {
		struct model_order order;
		struct model_payment_intent payment_intent;
		struct model_refund refund;
		struct model_dispute dispute;
		struct model_payout payout;
		struct model_balance_tx balance_tx;
		struct model_dispute_event dispute_event;
	} u;
};

/* One platform event: what happened to which object, when. */
struct model_event {
	const char *id, *type, *object_id;
	int64_t created;
};

/* Frees what the object owns and clears it. */
void model_object_clear(struct model_object *m);

/* A copy of m in one allocation, its strings with it (for another thread to store): free it
 * with free(), never model_object_clear. NULL when memory ran out. */
struct model_object *model_object_copy(const struct model_object *m);

/* Gives the object an id of paydesk's own making (printf-style), owned by the object; NULL
 * when memory ran out. */
const char *model_set_own_id(struct model_object *m, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

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

/* A JSON object of string members built one at a time (a bill row's columns). */
struct model_json {
	char *buf;
	size_t len, cap;
	int failed;
	int n;
};
void model_json_begin(struct model_json *j);
void model_json_str(struct model_json *j, const char *key, size_t key_len, const char *value,
                    size_t value_len);
/* The object's text (the caller frees), or NULL when memory ran out. */
char *model_json_end(struct model_json *j);

#endif
