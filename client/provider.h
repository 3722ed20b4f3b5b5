/* The platform provider interface: what a platform is and offers (struct provider_platform,
 * one per platform, listed in client/platforms.c) and a table of operations the rest of
 * paydesk calls without knowing which platform answers (struct provider_ops). Each
 * platform is a folder of client/ (client/stripe/, client/wechatpay/, ...) and nothing
 * outside it names its endpoints or resources. Objects come back mapped into the
 * provider-neutral model of the cache. */
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
	PROVIDER_FORGED,       /* a reply whose signature does not verify (or a probe, or too
	                        * old): nothing in it was read */
	PROVIDER_NOT_YET,      /* what was asked for does not exist yet (tomorrow's bill) */
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
	const char *order_id;        /* the charge, the transaction */
	int64_t amount;              /* minor units; 0 = all that is left */
	int64_t order_amount;        /* the order's whole amount (platforms that want it) */
	int64_t left;                /* what is left to refund, as the cache knows */
	const char *currency;        /* for checks and the audit; the platform uses the charge's */
	const char *reason;          /* duplicate | fraudulent | requested_by_customer | NULL */
	const char *note;            /* metadata[paydesk_note], may be NULL */
	const char *action_id;       /* finds the refund again later: Stripe's metadata,
	                              * WeChat Pay's out_refund_no, Alipay's out_request_no */
	const char *idempotency_key; /* stored in the outbox before the call */
};

struct provider_dispute_update {
	const char *dispute_id;
	const struct provider_evidence_field *fields;
	size_t n_fields;
	bool submit; /* false: stage only (submit=false) */
	const char *idempotency_key;
};

/* A reply to a complaint: words, and images already uploaded (their ids). */
struct provider_complaint_reply {
	const char *complaint_id;
	const char *text;
	const char *const *images;
	size_t n_images;
	const char *code; /* a platform's kind of answer (Alipay's feedback code), or NULL */
	const char *idempotency_key;
};

/* A decision on a complaint's refund request. */
struct provider_complaint_refund {
	const char *complaint_id;
	bool approve;
	int refund_in_days; /* approve: when the refund will be made (days from now) */
	const char *reason; /* reject: why */
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
	struct jdoc *doc;  /* the parsed reply the strings point into */
	struct jdoc *doc2; /* a second reply some pages are made of (an order's refunds) */
};

/* Frees a page's contents and clears it. */
void provider_page_free(struct provider_page *page);

/* The resource's name as Stripe's permissions and messages spell it ("charges", ...): the
 * names of the sync state's rows too. */
const char *provider_resource_name(enum provider_resource r);

/* ---- What a platform is and offers ---- */

/* How a platform's history is read: each kind has its sync driver. */
enum provider_history {
	PROVIDER_HISTORY_LISTS = 0, /* cursor lists and an event feed (Stripe) */
	PROVIDER_HISTORY_BILLS,     /* daily bills, dated lists, point queries (WeChat Pay,
	                             * Alipay) */
};

/* The actions a platform offers. A request the profile's platform cannot do has no key, help
 * line or command (the same mechanism as roles). */
enum provider_action {
	PROVIDER_ACT_REFUND = 1u << 0,
	PROVIDER_ACT_EVIDENCE = 1u << 1,        /* write and submit dispute evidence (files) */
	PROVIDER_ACT_ACCEPT = 1u << 2,          /* accept a dispute: the money is lost */
	PROVIDER_ACT_REPLY = 1u << 3,           /* answer a complaint in words and images */
	PROVIDER_ACT_COMPLETE = 1u << 4,        /* mark a complaint handled */
	PROVIDER_ACT_REFUND_DECISION = 1u << 5, /* approve or reject a complaint's refund
	                                         * request */
	PROVIDER_ACT_LOOKUP = 1u << 6,          /* fetch one order from the platform now */
};

/* A list a LISTS platform backfills, with its rough share of a store's objects (for the
 * estimate) and whether it is listed in parallel created windows. */
struct provider_list_spec {
	enum provider_resource res;
	int weight;
	bool windows;
};

/* A dated list a BILLS platform reads after its bills: how long one request's window may
 * be, and how far back (0 = as far as the bills). */
struct provider_dated_spec {
	enum provider_resource res;
	int max_span_days;
	int back_days;
	bool after_bills; /* covers only what the bills do not yet: from the end of the last bill
	                   * day in the cache (a near-real-time account log) */
};

/* One answer a platform offers for "what was done" about a complaint. */
struct provider_feedback_code {
	const char *code;  /* as sent: "02" */
	const char *label; /* N_(): "refunded another way" */
};

struct provider_platform {
	const char *name;  /* as profiles spell it: "stripe", "wechatpay" */
	const char *title; /* N_(): "Stripe", "WeChat Pay" */
	enum provider_history history;
	unsigned actions;     /* PROVIDER_ACT_* */
	int fee_decimals;     /* decimals of fees in the major unit (WeChat Pay's bills: 5);
	                         * 0 = the currency's own */
	const char *day_zone; /* the zone of its days and bills ("Asia/Shanghai"); NULL: the
	                         * profile's */
	int day_utc_offset;   /* with day_zone: its fixed offset east of UTC in seconds (China
	                         * Standard Time has no daylight saving: +8 h all year) */
	int history_days;     /* how many days back its history reaches (bills kept); 0 = all */
	int clock_skew;       /* how far (seconds) the machine's clock may be off the platform's
	                         before its signatures are refused; 0 = they never are */
	const char *default_api_base;
	/* Its words where they differ from the neutral ones (N_() texts, NULL = neutral). */
	const char *order_id_label;     /* "Transaction ID" */
	const char *order_ref_label;    /* "Merchant order no." */
	const char *dispute_noun;       /* "complaint" */
	const char *disputes_title;     /* "Complaints" */
	const char *dispute_rate_title; /* "Complaint rate" */
	/* What its lists are called in messages ("complaints", "the fund flow"), by resource;
	 * NULL: the API's name ("charges"). */
	const char *resource_words[PROVIDER_RESOURCE_COUNT];
	/* The first request's name in messages (the account, the certificates); NULL: the
	 * resource word of charges. */
	const char *account_word;
	/* What to check when the platform refuses the profile's credentials, and when its
	 * replies fail their signature check (NULL: the generic advice). */
	const char *credentials_hint;
	const char *verify_hint;
	/* What marking a complaint handled must say, where the platform asks (Alipay's
	 * feedback codes, the first the default; with a text of 1 to 200 characters); none:
	 * marking it handled is all. */
	const struct provider_feedback_code *feedback_codes;
	size_t n_feedback_codes;
	/* LISTS: the lists backfilled, in order; the event feed; what lists without events
	 * (entries newer than the newest cached); what each settlement paid out. */
	const struct provider_list_spec *lists;
	size_t n_lists;
	/* BILLS: the dated lists read after the bills. */
	const struct provider_dated_spec *dated;
	size_t n_dated;
	/* Checks the profile's settings for this platform (ids present, key files private and
	 * well formed). 0, or -1 with a translated reason that says how to fix it. */
	int (*check_profile)(const struct profile *p, char *err, size_t err_size);
	/* Opens a connection to the platform: see provider_open. */
	struct provider *(*open)(const struct profile *p, struct cache *cache, char *err,
	                         size_t err_size);
};

/* What the platform calls a resource in messages (translated). */
const char *provider_resource_word(const struct provider_platform *pl, enum provider_resource r);

/* The platform named ("stripe"), or NULL. */
const struct provider_platform *provider_platform_find(const char *name);
/* "stripe, wechatpay, alipay" for messages. Static. */
const char *provider_platform_names(void);

/* Opens the platform named by the profile. Replies of write operations are stored in
 * `cache` (may be NULL: nothing is stored). Returns NULL with err filled on failure (no key,
 * unknown platform, bad api_base). Free with provider_close. */
struct provider *provider_open(const struct profile *profile, struct cache *cache, char *err,
                               size_t err_size);
void provider_close(struct provider **p);
/* The provider's operations and platform. */
const struct provider_ops *provider_get_ops(const struct provider *p);
const struct provider_platform *provider_get_platform(const struct provider *p);
/* The platform's clock as the Date header of its last reply said it (Unix seconds), or 0
 * when no reply had one yet. */
int64_t provider_last_date(const struct provider *p);
/* A flag that, when it becomes non-zero, stops requests in progress (PROVIDER_CANCELLED). */
void provider_set_cancel(struct provider *p, const volatile int *cancel);
/* The waits between tries of a request: the first (doubling, with jitter) and the longest.
 * For programs that script many faults; paydesk itself keeps the defaults. */
void provider_set_backoff(struct provider *p, long base_ms, long cap_ms);

/* The callbacks of list_parallel, for list i of n: next() fills the query of the list's next
 * page and returns 1, or returns 0 when the list is done; page() receives each page in turn
 * (it frees it) and returns 0 to go on, -1 to stop every list; idle() (may be NULL) is
 * called when every page that arrived has been handed over, before waiting for more. */
struct provider_parallel_ops {
	int (*next)(void *user, size_t i, struct provider_list_query *q);
	int (*page)(void *user, size_t i, struct provider_page *pg);
	int (*idle)(void *user);
};

/* What a bill day's rows go to (BILLS platforms): each row mapped into the model, then each
 * bill's summary as the platform wrote it. The objects are valid during the call only. Each
 * returns 0 to go on, -1 to stop. */
struct provider_bill_sink {
	int (*object)(void *user, const struct model_object *m);
	/* bill: "trade", "fundflow", ...; summary: a JSON object of the summary row's columns
	 * as written (numbers as text); rows: its detail rows. */
	int (*summary)(void *user, const char *bill, const char *summary, int64_t rows,
	               const char *hash);
};

/* The operations of one platform. An operation the platform does not have is NULL. Each
 * returns 0 when the platform accepted the request, or -1 with result filled in. On success the platform's reply object has been written to the
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
	/* LISTS, where the platform has a report of what its automatic payouts paid out
	 * (Stripe's payout reconciliation report): one run of it for the payouts arriving in
	 * [from, to), clamped to what the report's data covers, which *covered_from and
	 * *covered_to receive (equal when it covers none of it yet); link() gets each entry
	 * and payout in turn and returns 0 to go on, -1 to stop (the call then fails with
	 * PROVIDER_CANCELLED). 0 when the whole report was read; -1 with result filled. NULL:
	 * payouts are reconciled by listing what each paid out. */
	int (*payout_report)(struct provider *p, int64_t from, int64_t to, int64_t *covered_from,
	                     int64_t *covered_to,
	                     int (*link)(void *user, const char *entry, const char *payout),
	                     void *user, struct provider_result *result);
	/* The account's id (64 bytes) and creation time. */
	int (*account)(struct provider *p, char *account_id, int64_t *created,
	               struct provider_result *result);

	/* BILLS: reads every bill of one day (YYYY-MM-DD in the platform's day zone) into the
	 * sink, each verified (hash) before this returns 0. A day whose bill is not made yet
	 * returns -1 with outcome PROVIDER_NOT_YET; a day with no business is 0 with no rows. */
	int (*bill_day)(struct provider *p, const char *day, const struct provider_bill_sink *sink,
	                void *user, struct provider_result *result);
	/* BILLS: one page of a dated list within [from, to) Unix seconds, from offset. */
	int (*list_dated)(struct provider *p, enum provider_resource r, int64_t from, int64_t to,
	                  int64_t offset, struct provider_page *page,
	                  struct provider_result *result);
	/* One order by either of its ids (the platform's or the merchant's own), with its
	 * refunds: 1 and the page filled (and stored in the cache), 0 when the platform has no
	 * such order, -1 on failure. */
	int (*lookup_order)(struct provider *p, const char *id, struct provider_page *page,
	                    struct provider_result *result);
	/* Complaints: the history of one (page of MODEL_DISPUTE_EVENT objects, stored too). */
	int (*complaint_history)(struct provider *p, const char *complaint_id,
	                         struct provider_page *page, struct provider_result *result);
	int (*complaint_reply)(struct provider *p, const struct provider_complaint_reply *req,
	                       struct provider_result *result);
	/* Tells the platform the complaint is handled; some platforms (Alipay) want it said
	 * in words with a code of what was done, which req carries. */
	int (*complaint_complete)(struct provider *p, const struct provider_complaint_reply *req,
	                          struct provider_result *result);
	int (*complaint_refund)(struct provider *p, const struct provider_complaint_refund *req,
	                        struct provider_result *result);
	/* Uploads an image for a complaint reply; image_id (128 bytes) receives its id. */
	int (*upload_image)(struct provider *p, const char *path, const char *idempotency_key,
	                    char *image_id, struct provider_result *result);
	/* Decrypts a field the platform sent encrypted to the merchant (a complainant's phone
	 * number) into out; never stored. 0 or -1. */
	int (*decrypt_field)(struct provider *p, const char *ciphertext, char *out, size_t size,
	                     struct provider_result *result);
};

#endif
