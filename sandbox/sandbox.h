/* paydesk-sandbox internals: one private header shared by the sandbox's modules.
 * The sandbox is a local Stripe v1 look-alike; nothing outside sandbox/ includes this. */
#ifndef PAYDESK_SANDBOX_H
#define PAYDESK_SANDBOX_H

#include <pthread.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- growable byte buffer (buf.c) ---- */

/* A byte buffer that owns its memory; `data` is always NUL-terminated when non-NULL. */
struct sbx_buf {
	char *data;
	size_t len;
	size_t cap;
	int failed; /* set once an allocation failed; later appends are no-ops */
};

void sbx_buf_init(struct sbx_buf *b);
void sbx_buf_free(struct sbx_buf *b);
int sbx_buf_reserve(struct sbx_buf *b, size_t extra);
void sbx_buf_put_slow(struct sbx_buf *b, const char *s, size_t n);
/* Appends n bytes; the common case (room left) stays inline because rendering a page
 * makes thousands of small appends. */
static inline void sbx_buf_put(struct sbx_buf *b, const char *s, size_t n)
{
	if (b->len + n < b->cap) {
		memcpy(b->data + b->len, s, n);
		b->len += n;
		b->data[b->len] = '\0';
		return;
	}
	sbx_buf_put_slow(b, s, n);
}
void sbx_buf_puts(struct sbx_buf *b, const char *s);
void sbx_buf_printf(struct sbx_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbx_buf_i64(struct sbx_buf *b, int64_t v);
/* Appends `s` as a JSON string literal (with quotes); NULL appends `null`. */
void sbx_buf_jstr(struct sbx_buf *b, const char *s);
void sbx_buf_jstrn(struct sbx_buf *b, const char *s, size_t n);
/* Appends `"key":` then a JSON string / integer / null / raw JSON value. */
void sbx_buf_kstr(struct sbx_buf *b, const char *key, const char *s);
void sbx_buf_ki64(struct sbx_buf *b, const char *key, int64_t v);
void sbx_buf_kraw(struct sbx_buf *b, const char *key, const char *raw);
/* The same for a literal key: the key's length is known at compile time. */
void sbx_buf_kstr_n(struct sbx_buf *b, const char *key, size_t klen, const char *s);
void sbx_buf_ki64_n(struct sbx_buf *b, const char *key, size_t klen, int64_t v);
#define SBX_KSTR(b, lit, s) sbx_buf_kstr_n((b), (lit), sizeof(lit) - 1, (s))
#define SBX_KI64(b, lit, v) sbx_buf_ki64_n((b), (lit), sizeof(lit) - 1, (v))
/* Gives the data to the caller (who frees it with free()) and resets the buffer. */
char *sbx_buf_take(struct sbx_buf *b, size_t *len);

/* ---- form and query parsing (form.c) ---- */

struct sbx_param {
	char *name;  /* decoded, e.g. "metadata[order_id]" */
	char *value; /* decoded */
	int used;    /* set by lookups so unknown parameters can be reported */
};

struct sbx_params {
	struct sbx_param *v;
	size_t n;
	size_t cap;
};

/* Parses an application/x-www-form-urlencoded string into `p` (appending).
 * Returns 0, or -1 on allocation failure. */
int sbx_params_parse(struct sbx_params *p, const char *s, size_t n);
void sbx_params_free(struct sbx_params *p);
/* Returns the value of the first parameter named `name` (marking it used), or NULL. */
const char *sbx_params_get(struct sbx_params *p, const char *name);
/* Returns the first parameter that no lookup has used, or NULL. */
const struct sbx_param *sbx_params_unused(const struct sbx_params *p);
/* Percent-encodes `s` onto `b` (form style). */
void sbx_url_encode(struct sbx_buf *b, const char *s);

/* ---- pseudo-random numbers and ids (rng.c) ---- */

struct sbx_rng {
	uint64_t s[4];
};

void sbx_rng_seed(struct sbx_rng *r, uint64_t seed);
uint64_t sbx_rng_next(struct sbx_rng *r);
/* Uniform integer in [0, n); n > 0. */
uint64_t sbx_rng_below(struct sbx_rng *r, uint64_t n);
/* Writes `prefix` + 24 base62 characters into `out` (size >= 40). */
void sbx_rng_id(struct sbx_rng *r, const char *prefix, char *out, size_t size);

/* ---- the sandbox state ---- */

enum sbx_fault_kind {
	SBX_FAULT_500,
	SBX_FAULT_502,
	SBX_FAULT_503,
	SBX_FAULT_429,
	SBX_FAULT_RESET,
	SBX_FAULT_TRUNCATE,
	SBX_FAULT_STALL,
	SBX_FAULT_COMMIT_THEN_RESET,
	SBX_FAULT_NONE
};

struct sbx_fault {
	enum sbx_fault_kind kind;
	int remaining;
	char path[256];
	char method[16];
	int retry_after;
	int seconds;
};

struct sbx_log_entry {
	int64_t seq;
	char *method;
	char *path;
	char *query;
	char *body;
	char *idempotency_key;
	char *key;
	int status;
};

/* Per-resource permission of a restricted key. */
enum sbx_perm { SBX_PERM_NONE = 0, SBX_PERM_READ = 1, SBX_PERM_WRITE = 2 };

enum sbx_resource {
	SBX_RES_CHARGES,
	SBX_RES_PAYMENT_INTENTS,
	SBX_RES_REFUNDS,
	SBX_RES_DISPUTES,
	SBX_RES_PAYOUTS,
	SBX_RES_BALANCE_TRANSACTIONS,
	SBX_RES_BALANCE,
	SBX_RES_EVENTS,
	SBX_RES_ACCOUNT,
	SBX_RES_FILES,
	SBX_RES_COUNT
};

struct sbx_restricted {
	char *key;
	enum sbx_perm perm[SBX_RES_COUNT];
};

struct sbx_options {
	int port;
	const char *db_path;
	uint64_t seed;
	long orders;
	int days;
	int64_t now;
	int now_given;
	int hostile;
	int invalid_utf8;
	int rate_limit;
	const char *keys_file;
	const char *tls_cert; /* PEM files: serve HTTPS instead of HTTP */
	const char *tls_key;
	int quiet;
};

struct sbx {
	struct sbx_options opt;
	sqlite3 *db;
	pthread_mutex_t lock; /* guards db, clock, log, faults, rate limiter, rng */
	/* Clock: sandbox now = base_now + (monotonic elapsed) + advanced. */
	int64_t base_now;
	int64_t base_mono;
	int64_t advanced;
	struct sbx_rng rng; /* ids and data of objects created while running */
	int64_t request_counter;
	/* request log */
	struct sbx_log_entry *log;
	size_t log_n, log_cap;
	int64_t log_seq;
	/* faults */
	struct sbx_fault *faults;
	size_t faults_n;
	/* rate limiter: a token bucket refilled rate_limit tokens per second */
	int64_t bucket_tokens_milli;
	int64_t bucket_last_ms;
	/* keys */
	char **keys; /* fixed list from --keys, or NULL for "any sk_test_" */
	size_t keys_n;
	struct sbx_restricted *restricted;
	size_t restricted_n;
	/* Statements reused for every object of a page (guarded by lock). */
	sqlite3_stmt *st_charge_refunds;
	sqlite3_stmt *st_source_bts;
	volatile int stopping;
	char account_id[40];
};

/* Sandbox clock in unix seconds (call with the lock held or not: reads are atomic enough
 * for seconds; `advanced` only changes under the lock). */
int64_t sbx_now(struct sbx *s);
int64_t sbx_mono_ms(void);

/* ---- store (store.c) ---- */

/* Opens (creating if needed) the SQLite store and its schema.
 * Returns 0, or -1 after printing why to stderr. */
int sbx_store_open(struct sbx *s, const char *path);
void sbx_store_close(struct sbx *s);
/* Returns 1 when the store holds no seeded data yet. */
int sbx_store_empty(struct sbx *s);
int sbx_exec(struct sbx *s, const char *sql);
/* Prepares `sql`; returns NULL after printing the SQLite error. */
sqlite3_stmt *sbx_prepare(struct sbx *s, const char *sql);
/* Reads meta value `k` into out (size n); returns 0 when found. */
int sbx_meta_get(struct sbx *s, const char *k, char *out, size_t n);
int sbx_meta_set(struct sbx *s, const char *k, const char *v);

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
	"description"
#define SBX_EVENT_COLS "id,created,type,object,previous,request_id,idempotency_key"

/* ---- rendering (render.c): append one object as JSON, from a row of the columns above. */

void sbx_render_charge(struct sbx *s, sqlite3_stmt *row, struct sbx_buf *b);
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
/* Midnight UTC at or before t. */
int64_t sbx_day_start(int64_t t);

/* ---- seeding (seed.c) ---- */

/* Fills an empty store with deterministic data in one transaction; returns 0, -1 after
 * printing why, or -2 when SIGINT/SIGTERM asked to stop (nothing is kept). */
int sbx_seed(struct sbx *s);
/* Returns 1 when SIGINT or SIGTERM is pending (both are blocked from the start). */
int sbx_stop_requested(void);
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
int sbx_insert_bt(struct sbx *s, sqlite3_stmt *ins, const char *id, int64_t created,
                  int64_t available_on, int64_t amount, int64_t fee, const char *currency,
                  const char *type, const char *category, const char *source,
                  const char *description, const char *payout);
#define SBX_INSERT_BT_SQL                                                                          \
	"INSERT INTO balance_transactions(" SBX_BT_COLS ",payout) VALUES "                         \
	"(?,?,?,?,?,?,?,?,?,?,?,?)"
int sbx_store_create_indices(struct sbx *s);
/* Appends the JSON evidence object with every field null except those given. */
void sbx_evidence_json(struct sbx_buf *b, const char *const *names, const char *const *values,
                       size_t n);
extern const char *const sbx_evidence_fields[];

/* ---- mutations (mutate.c); all run with the lock held inside a transaction ---- */

/* The outcome of an API call: HTTP status plus the JSON body (owned by the result). */
struct sbx_result {
	int status;
	struct sbx_buf body;
	int should_retry; /* -1 unset, 0 false, 1 true */
	int stored;       /* whether an idempotent replay may return it */
};

void sbx_result_error(struct sbx_result *r, int status, const char *type, const char *code,
                      const char *param, const char *fmt, ...)
        __attribute__((format(printf, 6, 7)));

/* Request context that events record. */
struct sbx_reqinfo {
	const char *request_id;
	const char *idempotency_key;
};

/* Runs a statement that changes rows, binding arguments described by `fmt` ('s' text or
 * NULL, 'i' int64_t). Returns 0, or -1 on error. */
int sbx_run(struct sbx *s, const char *sql, const char *fmt, ...);
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

struct sbx_request {
	const char *method;
	const char *path;
	struct sbx_params *query;
	struct sbx_params *form;
	struct sbx_reqinfo info;
	const char *content_type; /* of the body, or NULL */
	const char *body;         /* raw body (may hold NUL bytes), or NULL */
	size_t body_len;
};

/* Resource a /v1 path belongs to, or -1 when no route matches. */
int sbx_api_resource(const char *method, const char *path);
void sbx_api_handle(struct sbx *s, struct sbx_request *rq, struct sbx_result *r);

/* ---- files (files.c) ---- */

#define SBX_FILE_COLS "id,created,purpose,filename,size,type"
void sbx_render_file(struct sbx *s, sqlite3_stmt *row, struct sbx_buf *b);
/* POST /v1/files: a multipart upload with `purpose` and `file`. */
void sbx_file_create(struct sbx *s, struct sbx_request *rq, struct sbx_result *r);
/* What identifies a multipart request for idempotency: its parts' names, file names,
 * sizes and content hashes, not the random boundary. Caller frees; NULL without memory. */
char *sbx_multipart_canonical(const char *ctype, const char *body, size_t len);
/* Returns 1 when `id` names an uploaded file with purpose dispute_evidence. */
int sbx_file_is_evidence(struct sbx *s, const char *id);
/* Evidence fields whose value is a file id. */
int sbx_evidence_is_file_field(const char *name);

/* ---- admin API (admin.c) ---- */

void sbx_admin_handle(struct sbx *s, struct sbx_request *rq, struct sbx_result *r);

/* ---- server (server.c) ---- */

/* Starts serving on 127.0.0.1 in background threads and prints the bound port as the
 * first line of stdout. Returns 0, or -1 after printing why. */
int sbx_server_run(struct sbx *s);
/* Stops serving (waits for connections in progress). */
void sbx_server_stop(void);
void sbx_log_free(struct sbx *s);

#endif
