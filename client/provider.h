/* The platform provider interface: a table of operations the rest of paydesk calls without
 * knowing which platform answers (Stripe v1 first; WeChat Pay and Alipay later).
 * Objects come back mapped into the provider-neutral model of the cache. */
#ifndef PAYDESK_PROVIDER_H
#define PAYDESK_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What happened to one request, for the status line, the audit log and retries. */
enum provider_outcome {
	PROVIDER_OK = 0,
	PROVIDER_OFFLINE,      /* no connection could be made: nothing reached the platform */
	PROVIDER_TIMEOUT,      /* sent, but no answer: the platform may have acted */
	PROVIDER_RATE_LIMITED, /* 429 after every retry */
	PROVIDER_SERVER_ERROR, /* 5xx after every retry */
	PROVIDER_BAD_REPLY,    /* an answer that is not the JSON expected */
	PROVIDER_AUTH,         /* 401: the key is wrong or revoked */
	PROVIDER_FORBIDDEN,    /* 403: the key lacks a permission (message names it) */
	PROVIDER_INVALID,      /* 400/402/404 validation error: never retried */
	PROVIDER_IDEMPOTENCY,  /* the key was reused with other parameters, or is in flight */
	PROVIDER_CANCELLED,    /* stopped by the caller */
};

/* The details of one request's result. Strings from the platform are untrusted: sanitize
 * before showing them. */
struct provider_result {
	enum provider_outcome outcome;
	int http_status;     /* 0 when no answer came */
	char request_id[64]; /* the platform's Request-Id, "" when none */
	char error_type[48]; /* e.g. invalid_request_error */
	char error_code[64]; /* e.g. charge_already_refunded */
	char error_param[64];
	char message[512]; /* the platform's message, or ours */
};

/* A translated sentence for an outcome, for the status line. Static string. */
const char *provider_outcome_message(enum provider_outcome outcome);

/* One evidence field of a dispute: name as the platform spells it, e.g. "customer_name",
 * "uncategorized_text", "receipt" (a file id for file fields). */
struct provider_evidence_field {
	const char *name;
	const char *value;
};

struct provider_refund_request {
	const char *order_id;        /* the charge */
	int64_t amount;              /* minor units; 0 = all that is left */
	const char *currency;        /* for checks and the audit; the platform uses the charge's */
	const char *reason;          /* duplicate | fraudulent | requested_by_customer | NULL */
	const char *note;            /* metadata[paydesk_note], may be NULL */
	const char *action_id;       /* metadata[paydesk_action]: finds the refund again later */
	const char *idempotency_key; /* stored in the outbox before the call */
};

struct provider_dispute_update {
	const char *dispute_id;
	const struct provider_evidence_field *fields;
	size_t n_fields;
	bool submit; /* false: stage only (submit=false) */
	const char *idempotency_key;
};

struct provider;
struct profile;
struct cache;
struct model_object;
struct model_event;
struct jdoc;

/* The lists sync reads, by their platform-neutral names (also the permission names of a
 * restricted key). */
enum provider_resource {
	PROVIDER_CHARGES = 0,
	PROVIDER_PAYMENT_INTENTS,
	PROVIDER_REFUNDS,
	PROVIDER_DISPUTES,
	PROVIDER_PAYOUTS,
	PROVIDER_BALANCE_TRANSACTIONS,
	PROVIDER_EVENTS,
	PROVIDER_RESOURCE_COUNT
};

/* One page request; NULL/0 fields are left out. */
struct provider_list_query {
	const char *starting_after; /* older than this id (newest-first paging) */
	const char *ending_before;  /* newer than this id */
	int64_t created_gte;        /* 0 = open */
	int64_t created_lt;         /* 0 = open */
	const char *payout;         /* balance transactions paid out by this payout */
	int limit;                  /* 1..100; 0 = 100 */
};

/* One page of a list, newest first, mapped into the model (client/ internal). */
struct provider_page {
	size_t n;
	struct model_object *objects; /* n objects (kind MODEL_NONE for those not kept) */
	struct model_event *events;   /* for PROVIDER_EVENTS: n events, objects[i] their data */
	bool has_more;
	struct jdoc *doc; /* the parsed reply the strings point into */
};

/* Frees a page's contents and clears it. */
void provider_page_free(struct provider_page *page);

/* The resource's name as permissions and messages spell it ("charges", ...). */
const char *provider_resource_name(enum provider_resource r);

/* Opens the platform named by the profile. Replies of write operations are stored in
 * `cache` (may be NULL: nothing is stored). Returns NULL with err filled on failure (no key,
 * unknown platform, bad api_base). Free with provider_close. */
struct provider *provider_open(const struct profile *profile, struct cache *cache, char *err,
                               size_t err_size);
void provider_close(struct provider **p);
/* The provider's operations. */
const struct provider_ops *provider_get_ops(const struct provider *p);
/* A flag that, when it becomes non-zero, stops requests in progress (PROVIDER_CANCELLED). */
void provider_set_cancel(struct provider *p, const volatile int *cancel);

/* The callbacks of list_parallel, for list i of n: next() fills the query of the list's next
 * page and returns 1, or returns 0 when the list is done; page() receives each page in turn
 * (it frees it) and returns 0 to go on, -1 to stop every list; idle() (may be NULL) is
 * called when every page that arrived has been handed over, before waiting for more. */
struct provider_parallel_ops {
	int (*next)(void *user, size_t i, struct provider_list_query *q);
	int (*page)(void *user, size_t i, struct provider_page *pg);
	int (*idle)(void *user);
};

/* The operations of one platform. Each returns 0 when the platform accepted the request, or
 * -1 with result filled in. On success the platform's reply object has been written to the
 * cache (the same upsert that sync uses) before the function returns, so the screens show
 * the new state, and `object_id` (when not NULL, at least 64 bytes) receives the id of the
 * object created or changed. Never retried on a 4xx; retried with backoff on network errors,
 * 429 and 5xx, always with the same idempotency key. */
struct provider_ops {
	const char *name; /* "stripe" */
	int (*create_refund)(struct provider *p, const struct provider_refund_request *req,
	                     char *object_id, struct provider_result *result);
	/* Looks for a refund of order_id whose metadata carries action_id (past the platform's
	 * 24 h idempotency window). Returns 1 and fills object_id when found (and caches it),
	 * 0 when there is none, -1 on failure. */
	int (*find_refund_by_action)(struct provider *p, const char *order_id,
	                             const char *action_id, char *object_id,
	                             struct provider_result *result);
	int (*update_dispute)(struct provider *p, const struct provider_dispute_update *req,
	                      struct provider_result *result);
	/* Accepts the loss; cannot be undone. */
	int (*close_dispute)(struct provider *p, const char *dispute_id,
	                     const char *idempotency_key, struct provider_result *result);
	/* Uploads a local file as dispute evidence; file_id (64 bytes) receives its id. */
	int (*upload_evidence_file)(struct provider *p, const char *path,
	                            const char *idempotency_key, char *file_id,
	                            struct provider_result *result);

	/* Read side, for sync. One page of a list; 0 or -1 with result filled. */
	int (*list)(struct provider *p, enum provider_resource r,
	            const struct provider_list_query *q, struct provider_page *page,
	            struct provider_result *result);
	/* n lists of one resource at once (created windows), each on its own connection, all
	 * driven together in the calling thread; each retries as list does. Returns 0 when
	 * every list is done; -1 when one failed for good (result says why), when page()
	 * stopped them (result's outcome PROVIDER_OK) or on a cancel. */
	int (*list_parallel)(struct provider *p, enum provider_resource r, size_t n,
	                     const struct provider_parallel_ops *ops, void *user,
	                     struct provider_result *result);
	/* The account's id (64 bytes) and creation time. */
	int (*account)(struct provider *p, char *account_id, int64_t *created,
	               struct provider_result *result);
};

#endif
