/* Acting on money: refunds, dispute evidence, submission and acceptance. Each action
 * happens exactly once, only by a role allowed to, and leaves a trace:
 *   - the role and the amount are checked before anything is written or sent;
 *   - an action id and an idempotency key go into the outbox, with a write-ahead audit
 *     row, before the request leaves; a retry reuses both;
 *   - a refund carries its action id in its metadata, so a retry after a lost answer (or
 *     past the platform's 24 h key lifetime) first looks for the refund bearing that id
 *     and never creates a second one;
 *   - the outcome is recorded in the outbox and the audit log after the answer.
 * Offline, an action is saved as queued and sent only when the user says so. */
#ifndef PAYDESK_ACTIONS_H
#define PAYDESK_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "client/audit.h"
#include "client/cache.h"
#include "client/outbox.h"
#include "client/profile.h"
#include "client/provider.h"

struct sqlite3;

enum actions_kind {
	ACTIONS_REFUND = 0,
	ACTIONS_DISPUTE_DRAFT,      /* stage evidence on the platform (submit=false) */
	ACTIONS_DISPUTE_SUBMIT,     /* send the evidence; happens once */
	ACTIONS_DISPUTE_CLOSE,      /* accept the loss; cannot be undone */
	ACTIONS_EVIDENCE_FILE,      /* upload a file as dispute evidence */
	ACTIONS_COMPLAINT_REPLY,    /* answer a complaint in words (and images) */
	ACTIONS_COMPLAINT_COMPLETE, /* tell the platform the complaint is handled */
	ACTIONS_COMPLAINT_REFUND,   /* approve or reject a complaint's refund request */
	ACTIONS_COMPLAINT_IMAGE,    /* upload an image for a complaint's answer */
	ACTIONS_KIND_COUNT
};

/* The word stored in the outbox and the audit log ("refund", ...). Static. */
const char *actions_kind_name(enum actions_kind kind);
/* -1 when unknown. */
int actions_kind_parse(const char *name);

/* What one attempt came to. */
enum actions_status {
	ACTIONS_DONE = 0,  /* the platform acted (or an earlier attempt had: found again) */
	ACTIONS_QUEUED,    /* saved, not sent (offline, or nothing reached the platform) */
	ACTIONS_UNCERTAIN, /* sent, no answer: the platform may have acted; retry resolves it */
	ACTIONS_REFUSED,   /* refused here before any request: role, amount, deadline, state */
	ACTIONS_FAILED,    /* the platform refused it, or the cache could not record it */
};

/* The result of one call, for the screen and the command line. message is translated and
 * may quote the platform's words (sanitize before display). */
struct actions_outcome {
	enum actions_status status;
	char action_id[OUTBOX_ID_SIZE];
	char result_id[72]; /* refund id, dispute id or file id when done */
	struct provider_result result;
	char message[768];
};

/* Who acts, where, with which connection. The caller owns every pointer; the profile's
 * name, role and limit are copied. */
struct actions_session {
	struct sqlite3 *db;             /* the cache (read-write) */
	struct provider *provider;      /* NULL: offline, actions are queued */
	const struct provider_ops *ops; /* NULL with provider */
	char profile[64];               /* profile name, for the audit log */
	enum profile_role role;
	int64_t refund_limit;          /* support: most one refund may move; -1 = none */
	char refund_limit_currency[4]; /* lower-case */
	struct audit_identity who;
};

/* Fills a session from an open cache, a loaded profile (role, limit), a provider (NULL:
 * offline) and the process's identity. Everything stays owned by the caller. */
void actions_session_init(struct actions_session *s, struct cache *cache,
                          const struct profile *profile, struct provider *provider);
/* The same on a database connection and an operations table (tests, benchmarks). */
void actions_session_init_db(struct actions_session *s, struct sqlite3 *db,
                             const struct profile *profile, struct provider *provider,
                             const struct provider_ops *ops);

/* NULL when the session's role may take actions of this kind at all, else a translated
 * reason. Refund limits are checked by actions_check_refund. */
const char *actions_role_refusal(enum profile_role role, enum actions_kind kind);

/* What the cache knows of an order, for checks and the confirmation. */
struct actions_order {
	char id[72];
	int64_t amount;
	int64_t amount_refunded;
	char currency[8];         /* lower-case */
	char platform_status[24]; /* succeeded | pending | failed */
	char customer_name[160];
	char customer_email[160];
	char description[160];
	char order_ref[160]; /* the merchant's own order number, "" when it has none */
	char status[24];     /* paydesk's: paid, refunded, part_refunded, ... */
	time_t created;
};

/* Reads an order. Returns 1, 0 when not cached, -1 on failure. */
int actions_order_get(struct sqlite3 *db, const char *id, struct actions_order *out);

/* The orders that `text` names: the order whose platform id it is, else those whose
 * merchant's order number (order_ref, "ORD-...") it is, newest first. Writes up to max ids
 * and returns how many orders it names (possibly more than max), or -1 on failure. */
int actions_order_find(struct sqlite3 *db, const char *text, char (*ids)[72], int max);

/* Ids of paid, undisputed orders with at least min_left minor units left to refund, most
 * left first (scripts and benchmarks). Returns the count written (at most max) or -1. */
int actions_refundable_orders(struct sqlite3 *db, char (*ids)[72], int max, int64_t min_left);

/* Checks a refund of `amount` (0 = all that is left) before anything is written: the
 * order's state, what is left, the role and its limit. Returns NULL and the amount that
 * will be refunded in *effective, or a translated reason (into reason_buf). */
const char *actions_check_refund(const struct actions_session *s, const struct actions_order *o,
                                 int64_t amount, int64_t *effective, char *reason_buf,
                                 size_t reason_size);

struct actions_refund_params {
	const char *order_id;
	int64_t amount;     /* minor units; 0 = all that is left */
	const char *reason; /* duplicate | fraudulent | requested_by_customer | NULL */
	const char *note;   /* into metadata, may be NULL */
};

/* Refunds an order: checks, then outbox and audit, then (online and unless queue_only) the
 * request. Returns out->status. */
enum actions_status actions_refund(struct actions_session *s,
                                   const struct actions_refund_params *params, bool queue_only,
                                   struct actions_outcome *out);

/* What the cache knows of a dispute. */
struct actions_dispute {
	char id[72];
	char order_id[72];
	int64_t amount;
	char currency[8];
	char status[32];
	char reason[48];
	time_t due_by; /* 0 = no deadline */
	bool past_due;
	int submission_count;
};

/* Reads a dispute. Returns 1, 0 when not cached, -1 on failure. */
int actions_dispute_get(struct sqlite3 *db, const char *id, struct actions_dispute *out);

/* The platform's evidence object of a cached dispute (JSON), newly allocated (caller
 * frees), or NULL when there is none or on failure. */
char *actions_dispute_evidence_json(struct sqlite3 *db, const char *id);

/* NULL when the dispute can take this kind of action now (still waiting for a response,
 * not past its deadline for a submission), else a translated reason into buf. */
const char *actions_check_dispute(const struct actions_session *s, const struct actions_dispute *d,
                                  enum actions_kind kind, char *buf, size_t size);

/* Stages (submit=false) or submits the dispute's evidence: fields_json is a JSON object of
 * evidence fields {"customer_name": "...", "receipt": "file_..."}. On a submission that
 * the platform took, the local draft is deleted. Returns out->status. */
enum actions_status actions_dispute_evidence(struct actions_session *s, const char *dispute_id,
                                             const char *fields_json, bool submit, bool queue_only,
                                             struct actions_outcome *out);

/* Accepts the dispute (closes it: the money is lost). Returns out->status. */
enum actions_status actions_dispute_close(struct actions_session *s, const char *dispute_id,
                                          bool queue_only, struct actions_outcome *out);

/* Uploads a file as dispute evidence (purpose dispute_evidence); the file id lands in
 * out->result_id. Never queued: a file must be read when the user chose it. */
enum actions_status actions_evidence_file(struct actions_session *s, const char *dispute_id,
                                          const char *path, struct actions_outcome *out);

/* What the cache knows of a complaint. */
struct actions_complaint {
	char id[72];
	char order_id[72];
	int64_t amount;
	char currency[8];
	char status[32];          /* awaiting_reply | in_progress | resolved | cancelled */
	int64_t refund_requested; /* 0 when none was asked for */
};

/* Reads a complaint. Returns 1, 0 when not cached, -1 on failure. */
int actions_complaint_get(struct sqlite3 *db, const char *id, struct actions_complaint *out);

/* The longest answer to a complaint, in characters as the platforms count them (one per
 * character, whatever the script). */
#define ACTIONS_REPLY_MAX 200
/* Characters (code points) of a UTF-8 text. */
size_t actions_text_length(const char *text);

/* NULL when the complaint can take this kind of action now, else a translated reason. */
const char *actions_check_complaint(const struct actions_session *s,
                                    const struct actions_complaint *c, enum actions_kind kind,
                                    char *buf, size_t size);

/* Answers a complaint: text (at most ACTIONS_REPLY_MAX characters) and the ids of images
 * already uploaded (images_json: a JSON array, or NULL). Returns out->status. */
enum actions_status actions_complaint_reply(struct actions_session *s, const char *complaint_id,
                                            const char *text, const char *images_json,
                                            bool queue_only, struct actions_outcome *out);
/* Tells the platform the complaint is handled; code and text (NULL for none) say what was
 * done, for a platform that wants it said (Alipay's feedback). */
enum actions_status actions_complaint_complete(struct actions_session *s, const char *complaint_id,
                                               const char *code, const char *text, bool queue_only,
                                               struct actions_outcome *out);
/* Approves (the refund to be made within days) or rejects (with a reason) the complaint's
 * refund request. */
enum actions_status actions_complaint_refund(struct actions_session *s, const char *complaint_id,
                                             bool approve, int days, const char *reason,
                                             bool queue_only, struct actions_outcome *out);
/* Uploads an image for an answer; its id lands in out->result_id. Never queued. */
enum actions_status actions_complaint_image(struct actions_session *s, const char *complaint_id,
                                            const char *path, struct actions_outcome *out);

/* Fetches one order from the platform now, by either of its numbers, and stores it (the
 * platforms whose history comes in tomorrow's bill): 1 with its id in found_id (72
 * bytes), 0 when the platform has no such order, -1 with result filled (also when the
 * platform has no point queries or the session is offline). */
int actions_lookup_order(struct actions_session *s, const char *id, char *found_id,
                         struct provider_result *result);

/* Sends (or retries) an action of the outbox by id, with its stored key: a refund that may
 * already exist is looked for first. A done action returns DONE without any request.
 * Returns out->status. */
enum actions_status actions_send(struct actions_session *s, const char *action_id,
                                 struct actions_outcome *out);

/* Throws away a queued action (never sent). Returns out->status: DONE when discarded,
 * REFUSED when the action is not queued. */
enum actions_status actions_discard(struct actions_session *s, const char *action_id,
                                    struct actions_outcome *out);

/* Saves the local evidence draft of a dispute (survives restarts). Returns 0 or -1. */
int actions_draft_save(struct actions_session *s, const char *dispute_id, const char *fields_json);

#endif
