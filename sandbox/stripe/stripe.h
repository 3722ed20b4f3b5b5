/* The sandbox as Stripe's v1 API (sandbox/stripe/): what its files share. */
#ifndef PAYDESK_SANDBOX_STRIPE_H
#define PAYDESK_SANDBOX_STRIPE_H

#include "sandbox/sandbox.h"

/* ---- store (schema.c) ---- */

int sbx_stripe_schema(struct sbx *s);
int sbx_store_create_indices(struct sbx *s);

/* Column lists; the render functions read rows selected with exactly these. */
#define SBX_CHARGE_COLS                                                                            \
	"id,created,amount,currency,status,amount_refunded,disputed,name,email,description,"       \
	"metadata,brand,last4,exp_month,exp_year,country,funding,risk_level,risk_score,"           \
	"fingerprint,bt"
#define SBX_REFUND_COLS "id,created,charge,amount,currency,status,reason,metadata,bt"
#define SBX_DISPUTE_COLS                                                                           \
	"id,created,charge,amount,currency,status,reason,due_by,submission_count,evidence,"        \
	"metadata,network_reason_code,brand"
#define SBX_PAYOUT_COLS "id,created,amount,currency,status,arrival_date,bt,metadata"
#define SBX_BT_COLS                                                                                \
	"id,created,available_on,amount,fee,net,currency,type,reporting_category,source,"          \
	"description,exchange_rate,fx_fee"
#define SBX_EVENT_COLS "id,created,type,object,previous,request_id,idempotency_key"

/* ---- rendering (render.c): append one object as JSON, from a row of the columns above. */

void sbx_render_charge(struct sbx *s, sqlite3_stmt *row, struct sbx_buf *b);
/* While set (by the thread serving a request that asks for it), a charge renders its payment
 * intent expanded: expand[]=payment_intent, or data.payment_intent in a list. */
extern __thread int sbx_expand_payment_intent;
void sbx_render_payment_intent(struct sbx *s, sqlite3_stmt *row, struct sbx_buf *b);
void sbx_render_refund(struct sbx *s, sqlite3_stmt *row, struct sbx_buf *b);
void sbx_render_dispute(struct sbx *s, sqlite3_stmt *row, struct sbx_buf *b);
void sbx_render_payout(struct sbx *s, sqlite3_stmt *row, struct sbx_buf *b);
void sbx_render_bt(struct sbx *s, sqlite3_stmt *row, struct sbx_buf *b);
void sbx_render_event(struct sbx *s, sqlite3_stmt *row, struct sbx_buf *b);
void sbx_render_balance(struct sbx *s, struct sbx_buf *b);
void sbx_render_account(struct sbx *s, struct sbx_buf *b);
/* Renders the object with this id from `table` into b; returns 0, or -1 if missing. */
int sbx_render_by_id(struct sbx *s, const char *table, const char *id, struct sbx_buf *b);
/* The payment intent id that goes with a charge id (and back); out size >= 40. */
void sbx_pi_for_charge(const char *charge_id, char *out, size_t n);
void sbx_charge_for_pi(const char *pi_id, char *out, size_t n);
/* Dispute fee in minor units for a currency. */
int64_t sbx_dispute_fee(const char *currency);
/* Processing fee for a charge amount in a currency. */
int64_t sbx_charge_fee(int64_t amount, const char *currency);

/* ---- seeding (seed.c) ---- */

/* Fills an empty store with deterministic data in one transaction; returns 0, -1 after
 * printing why, or -2 when SIGINT/SIGTERM asked to stop (nothing is kept). */
int sbx_seed(struct sbx *s);
/* One generated order (charge); the large text fields are sized for hostile data. */
struct sbx_charge_gen {
	char id[40];
	int64_t created;
	int64_t amount;
	const char *currency;
	const char *status;
	char name[6144];
	char email[256];
	char description[12288];
	char metadata[16384];
	const char *brand;
	char last4[8];
	int exp_month;
	int exp_year;
	const char *country;
	const char *funding;
	const char *risk_level;
	int risk_score;
	char fingerprint[24];
};

/* Draws a random order number `seq` created at `created` (shared by seeding and live
 * activity, so both look alike). */
void sbx_gen_charge(struct sbx_rng *r, const struct sbx_options *o, long seq, int64_t created,
                    struct sbx_charge_gen *c);
/* Inserts a generated charge (amount_refunded and disputed as given); bt may be NULL. */
int sbx_insert_charge(struct sbx *s, sqlite3_stmt *ins, const struct sbx_charge_gen *c,
                      int64_t amount_refunded, int disputed, const char *bt);
#define SBX_INSERT_CHARGE_SQL                                                                      \
	"INSERT INTO charges(" SBX_CHARGE_COLS ") VALUES "                                         \
	"(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
/* Inserts a balance transaction; rate is NULL when nothing was converted. */
int sbx_insert_bt(struct sbx *s, sqlite3_stmt *ins, const char *id, int64_t created,
                  int64_t available_on, int64_t amount, int64_t fee, const char *currency,
                  const char *type, const char *category, const char *source,
                  const char *description, const char *rate, int64_t fx_fee, const char *payout);
#define SBX_INSERT_BT_SQL                                                                          \
	"INSERT INTO balance_transactions(" SBX_BT_COLS ",payout) VALUES "                         \
	"(?,?,?,?,?,?,?,?,?,?,?,?,?,?)"

/* ---- settlement currencies and conversion (fx.c) ---- */

/* Whether a --settlement list is valid: 0, or -1 with why filled. */
int sbx_fx_check(const char *list, char *why, size_t why_size);
/* The fee a movement pays. */
enum sbx_fee { SBX_FEE_NONE, SBX_FEE_CHARGE, SBX_FEE_DISPUTE, SBX_FEE_DISPUTE_RETURNED };
/* A movement as the balance books it: in the settlement currency, converted or not. */
struct sbx_booked {
	int64_t amount, fee; /* fee includes fx_fee */
	int64_t fx_fee;      /* the conversion fee, 0 when nothing was converted */
	char currency[8];
	char rate[24]; /* the exchange rate as sent, "" when nothing was converted */
};
/* Books `amount` (signed minor units of `cur`, the presentment side) at time t. */
void sbx_fx_book(const struct sbx *s, const char *cur, int64_t amount, int64_t t, enum sbx_fee fee,
                 struct sbx_booked *out);
/* Inserts the balance transaction of a booked movement (net = amount - fee). */
int sbx_fx_insert_bt(struct sbx *s, const char *id, int64_t created, int64_t available_on,
                     const struct sbx_booked *b, const char *type, const char *category,
                     const char *source, const char *description, const char *payout);
/* Appends the JSON evidence object with every field null except those given. */
void sbx_evidence_json(struct sbx_buf *b, const char *const *names, const char *const *values,
                       size_t n);
extern const char *const sbx_evidence_fields[];

/* ---- mutations (mutate.c); all run with the lock held inside a transaction ---- */

/* Creates a refund of `amount` on a charge (checks done by the caller) with its balance
 * transaction and events; writes the new id into id_out (size >= 40). Returns 0 or -1. */
int sbx_do_refund(struct sbx *s, const char *charge_id, const char *currency, int64_t amount,
                  int64_t old_refunded, int64_t charge_amount, const char *reason,
                  const char *metadata, const struct sbx_reqinfo *ri, char *id_out);
int sbx_emit_event(struct sbx *s, const char *type, const char *table, const char *id,
                   const char *previous, const struct sbx_reqinfo *ri);
void sbx_refund_create(struct sbx *s, struct sbx_params *p, const struct sbx_reqinfo *ri,
                       struct sbx_result *r);
void sbx_dispute_update(struct sbx *s, const char *id, struct sbx_params *p,
                        const struct sbx_reqinfo *ri, struct sbx_result *r);
void sbx_dispute_close(struct sbx *s, const char *id, const struct sbx_reqinfo *ri,
                       struct sbx_result *r);
/* Live activity for the admin API; each appends created ids to `ids` as a JSON array body. */
int sbx_live_charge(struct sbx *s, struct sbx_buf *ids);
int sbx_live_refund(struct sbx *s, struct sbx_buf *ids, int nth);
int sbx_live_dispute(struct sbx *s, struct sbx_buf *ids, int nth);
int sbx_live_dispute_update(struct sbx *s, struct sbx_buf *ids, int nth);
int sbx_live_payouts(struct sbx *s, struct sbx_buf *ids, int max);
/* Moves in-transit payouts whose arrival date passed to paid (with events). */
int sbx_settle_payouts(struct sbx *s);

/* ---- HTTP API (api.c) ---- */

/* Resource a /v1 path belongs to, or -1 when no route matches. */
int sbx_api_resource(const char *method, const char *path);
void sbx_api_handle(struct sbx *s, struct sbx_request *rq, struct sbx_result *r);

/* ---- files (files.c) ---- */

#define SBX_FILE_COLS "id,created,purpose,filename,size,type"
void sbx_render_file(struct sbx *s, sqlite3_stmt *row, struct sbx_buf *b);
/* The same with its url absolute at base (a report's file); base NULL: relative. */
void sbx_render_file_at(struct sbx *s, sqlite3_stmt *row, const char *base, struct sbx_buf *b);

/* ---- the Reporting API (reports.c) ---- */

/* Stripe's own fault kinds: the next report run created fails; a finished run's file is
 * named on another host. */
enum { SBX_FAULT_REPORT_FAILED = SBX_FAULT_PLATFORM, SBX_FAULT_REPORT_ELSEWHERE };
/* Whether METHOD /v1/reporting/... is a call the sandbox has: 0 or -1. */
int sbx_reporting_route(const char *method, const char *path);
/* Serves a /v1/reporting/ call (a POST within the caller's transaction). */
void sbx_reporting_handle(struct sbx *s, struct sbx_request *rq, struct sbx_result *r);
/* GET /v1/files/ID/contents: a report's file. */
void sbx_file_contents(struct sbx *s, const char *id, struct sbx_params *q, struct sbx_result *r);
/* POST /v1/files: a multipart upload with `purpose` and `file`. */
void sbx_file_create(struct sbx *s, struct sbx_request *rq, struct sbx_result *r);
/* What identifies a multipart request for idempotency: its parts' names, file names,
 * sizes and content hashes, not the random boundary. Caller frees; NULL without memory. */
char *sbx_multipart_canonical(const char *ctype, const char *body, size_t len);
/* Returns 1 when `id` names an uploaded file with purpose dispute_evidence. */
int sbx_file_is_evidence(struct sbx *s, const char *id);
/* Evidence fields whose value is a file id. */
int sbx_evidence_is_file_field(const char *name);

/* ---- serving (serve.c, admin.c) ---- */

enum MHD_Result sbx_stripe_serve(struct sbx *s, struct MHD_Connection *con, struct sbx_conn *c,
                                 const char *method, const char *path, const char *query,
                                 struct sbx_params *qp, struct sbx_params *form);
int sbx_stripe_admin(struct sbx *s, struct sbx_request *rq, struct sbx_result *r);

#endif
