/* paydesk-sandbox internals: the header every part of the sandbox shares. The sandbox is
 * one program with one store, clock, seeding, admin API and fault injection, and a folder
 * per platform it can be (sandbox/stripe/, ...), each filling one struct sbx_platform
 * (platforms.c lists them). Nothing outside sandbox/ includes this. */
#ifndef PAYDESK_SANDBOX_H
#define PAYDESK_SANDBOX_H

#include <microhttpd.h>
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

/* Faults every platform injects; a platform's own kinds (a forged signature, ...) are
 * numbered from SBX_FAULT_PLATFORM and named in its struct sbx_platform. */
enum sbx_fault_kind {
	SBX_FAULT_500,
	SBX_FAULT_502,
	SBX_FAULT_503,
	SBX_FAULT_429,
	SBX_FAULT_RESET,
	SBX_FAULT_TRUNCATE,
	SBX_FAULT_STALL,
	SBX_FAULT_COMMIT_THEN_RESET,
	SBX_FAULT_NONE,
	SBX_FAULT_PLATFORM = 100
};

/* A fault kind as the admin API names it. */
struct sbx_fault_name {
	const char *name;
	int kind;
};

struct sbx_fault {
	int kind; /* enum sbx_fault_kind, or a platform's own */
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

/* Per-resource permission of a restricted key (Stripe's --restricted). */
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
	SBX_RES_REPORT_RUNS, /* the Reporting API: report types, runs and their files */
	SBX_RES_COUNT
};

struct sbx_restricted {
	char *key;
	enum sbx_perm perm[SBX_RES_COUNT];
};

struct sbx_options {
	const char *platform;     /* --platform: "stripe" (default), ... */
	const char *merchant_dir; /* --merchant: a signing platform's merchant files */
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
	/* Stripe --settlement: the currencies the account settles in, comma-separated (the
	 * first takes every other currency, converted); NULL: each its own. Kept in the
	 * store's meta once seeded (settlement_buf then holds it). */
	const char *settlement;
	char settlement_buf[64];
};

struct sbx_platform;

/* The statements a platform keeps prepared across requests (sbx_cached). */
enum sbx_cached_stmt { SBX_CACHED_CHARGE_REFUNDS, SBX_CACHED_SOURCE_BTS, SBX_CACHED_COUNT };

struct sbx {
	struct sbx_options opt;
	const struct sbx_platform *platform;
	void *pstate; /* the platform's own state (its open(), close()) */
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
	/* Stripe: statements reused for every object of a page, on db (guarded by lock);
	 * a thread's reader has its own (sbx_cached). */
	sqlite3_stmt *cached[SBX_CACHED_COUNT];
	volatile int stopping;
	char account_id[40];
};

/* Sandbox clock in unix seconds (call with the lock held or not: reads are atomic enough
 * for seconds; `advanced` only changes under the lock). */
int64_t sbx_now(struct sbx *s);
int64_t sbx_mono_ms(void);

/* ---- store (store.c) ---- */

/* Opens (creating if needed) the SQLite store, its meta table and the platform's schema.
 * A store seeded as another platform is refused. Returns 0, or -1 after printing why. */
int sbx_store_open(struct sbx *s, const char *path);
void sbx_store_close(struct sbx *s);
/* Returns 1 when the store holds no seeded data yet. */
int sbx_store_empty(struct sbx *s);
int sbx_exec(struct sbx *s, const char *sql);

/* Reads outside the lock. A request that only reads (a GET) is served on its thread's own
 * read-only connection, in a transaction of its own (one snapshot of the store), while the
 * lock is free for other requests: WAL lets readers run beside each other and beside the
 * writer. sbx_reader_begin opens the thread's connection the first time (it is closed
 * when the thread ends) and begins the transaction: 0, or -1 (then serve under the lock).
 * Until sbx_reader_end, sbx_db, sbx_prepare, sbx_exec and sbx_cached use it. */
int sbx_reader_begin(struct sbx *s);
void sbx_reader_end(void);
/* The connection this thread uses now: its reader between begin and end, else db. */
sqlite3 *sbx_db(struct sbx *s);
/* The slot of a statement kept prepared on that connection (NULL until prepared). */
sqlite3_stmt **sbx_cached(struct sbx *s, enum sbx_cached_stmt which);
/* Prepares `sql`; returns NULL after printing the SQLite error. */
sqlite3_stmt *sbx_prepare(struct sbx *s, const char *sql);
/* Reads meta value `k` into out (size n); returns 0 when found. */
int sbx_meta_get(struct sbx *s, const char *k, char *out, size_t n);
int sbx_meta_set(struct sbx *s, const char *k, const char *v);
/* Runs a statement that changes rows, binding arguments described by `fmt` ('s' text or
 * NULL, 'i' int64_t). Returns 0, or -1 on error. */
int sbx_run(struct sbx *s, const char *sql, const char *fmt, ...);
/* Returns 1 when SIGINT or SIGTERM is pending (both are blocked from the start): seeding
 * polls it. */
int sbx_stop_requested(void);
/* Midnight UTC at or before t. */
int64_t sbx_day_start(int64_t t);

/* ---- requests and replies ---- */

/* The outcome of an API call: HTTP status plus the body (owned by the result). */
struct sbx_result {
	int status;
	struct sbx_buf body;
	int should_retry; /* -1 unset, 0 false, 1 true */
	int stored;       /* whether an idempotent replay may return it */
	const char *content_type; /* of the body when it is not JSON (a file), or NULL */
};

/* Fills r with status and a Stripe-shaped error body (also the admin API's errors). */
void sbx_result_error(struct sbx_result *r, int status, const char *type, const char *code,
                      const char *param, const char *fmt, ...)
        __attribute__((format(printf, 6, 7)));

/* Request context that events record. */
struct sbx_reqinfo {
	const char *request_id;
	const char *idempotency_key;
};

struct sbx_request {
	const char *method;
	const char *path;
	struct sbx_params *query;
	struct sbx_params *form;
	struct sbx_reqinfo info;
	const char *content_type; /* of the body, or NULL */
	const char *body;         /* raw body (may hold NUL bytes), or NULL */
	size_t body_len;
	char base[64]; /* http://127.0.0.1:PORT, for URLs that point back here */
	int fault;     /* the fault taken for this request (a platform's own kinds act here) */
};

/* One connection's request as the server gathered it. */
struct sbx_conn {
	char *uri;
	struct sbx_buf body;
	int started;
	int too_large;
};

/* ---- platforms (platforms.c; one folder each) ---- */

struct sbx_platform {
	const char *name;    /* --platform NAME */
	const char *summary; /* one line for --help */
	/* Creates its tables (IF NOT EXISTS) on an open store; 0 or -1 (printed). */
	int (*schema)(struct sbx *s);
	/* Creates its indices (after seeding, or on a reused store); 0 or -1. */
	int (*indices)(struct sbx *s);
	/* Fills an empty store in one transaction: 0, -1 after printing why, -2 when
	 * SIGINT/SIGTERM asked to stop (nothing is kept). */
	int (*seed)(struct sbx *s);
	/* Prepares what serving needs (keys from --merchant, ...) once the store is open;
	 * may be NULL. 0 or -1 after printing why. */
	int (*open)(struct sbx *s);
	void (*close)(struct sbx *s);
	/* Writes a merchant's files (keys, ids) into dir for a profile of this platform, then
	 * the sandbox exits (--init-merchant DIR); NULL when the platform has no such files. */
	int (*init_merchant)(struct sbx *s, const char *dir);
	/* Serves one API request (anything not under /_admin/), lock not held. */
	enum MHD_Result (*serve)(struct sbx *s, struct MHD_Connection *con, struct sbx_conn *c,
	                         const char *method, const char *path, const char *query,
	                         struct sbx_params *qp, struct sbx_params *form);
	/* Its admin calls (create, checksum, ...), lock held: fills r and returns 1, or
	 * returns 0 when path is not one of them. */
	int (*admin)(struct sbx *s, struct sbx_request *rq, struct sbx_result *r);
	/* Runs when /_admin/advance moved the clock (lock held, in a transaction); may be
	 * NULL. 0 or -1. */
	int (*advanced)(struct sbx *s);
	/* Its own fault kinds, beyond the common ones. */
	const struct sbx_fault_name *faults;
	size_t n_faults;
	/* The path prefix a fault matches when POST /_admin/faults names none; NULL means
	 * "/v1/". */
	const char *fault_path;
};

extern const struct sbx_platform sbx_platform_stripe;
extern const struct sbx_platform sbx_platform_wechatpay;
extern const struct sbx_platform sbx_platform_alipay;
/* The platform named, or NULL. */
const struct sbx_platform *sbx_platform_find(const char *name);
/* "stripe, wechatpay, ..." for messages. */
const char *sbx_platform_names(void);

/* ---- the server's parts that every platform's serve() uses (server.c) ---- */

/* Logs a request (body as given, may be a summary); returns its sequence number, 0 when
 * it could not be logged. Lock held. */
int64_t sbx_log_request(struct sbx *s, const char *method, const char *path, const char *query,
                        const char *body, const char *idempotency_key, const char *key);
/* Records the status a logged request got (0: dropped without a reply). Lock held. */
void sbx_log_status(struct sbx *s, int64_t seq, int status);
/* Takes one use of the first pending fault matching the request; SBX_FAULT_NONE when none.
 * Lock held. */
int sbx_take_fault(struct sbx *s, const char *method, const char *path, int *retry_after,
                   int *seconds);
/* The token bucket of --rate-limit: 1 when the request may go on. Lock held. */
int sbx_rate_ok(struct sbx *s);
/* Sleeps up to seconds, less when the sandbox stops. Lock not held. */
void sbx_sleep(struct sbx *s, int seconds);
/* A new request id: prefix plus random characters, cut to size. Lock held. */
void sbx_new_request_id(struct sbx *s, const char *prefix, char *out, size_t n);
/* A response header. */
struct sbx_header {
	const char *name, *value;
};
/* Sends status and body[0..len) (cut to `cut` bytes when 0 < cut < len) with the headers
 * (n of them) and Content-Type; takes the body's memory. */
enum MHD_Result sbx_send(struct MHD_Connection *con, int status, const char *content_type,
                         char *body, size_t len, size_t cut, const struct sbx_header *headers,
                         size_t n_headers);
/* This connection's own address as a URL base ("http://127.0.0.1:PORT"), for URLs in replies
 * that point back here. */
void sbx_local_base(struct sbx *s, struct MHD_Connection *con, char *out, size_t n);
/* Sends a 200 whose body stops after `prefix` and then breaks off (the reset fault). */
enum MHD_Result sbx_send_reset(struct MHD_Connection *con, const char *prefix,
                               const struct sbx_header *headers, size_t n_headers);
/* "sk_test_…abcd": a key as logs and messages may show it. */
void sbx_mask_key(const char *key, char *out, size_t n);

/* ---- admin API (admin.c) ---- */

void sbx_admin_handle(struct sbx *s, struct sbx_request *rq, struct sbx_result *r);
/* Reads an optional integer parameter in [0, max] (def when absent); 0, or -1 when bad. */
int sbx_admin_count(struct sbx_params *p, const char *name, int def, int max, int *out);
/* Appends "name":{"count":N,"fnv":"…"}: 64-bit FNV-1a over one line per row of sql,
 * columns joined by '|', each line ending in '\n'. 0 or -1. */
int sbx_checksum_table(struct sbx *s, const char *name, const char *sql, struct sbx_buf *b);

/* ---- server (server.c) ---- */

/* Starts serving on 127.0.0.1 in background threads and prints the bound port as the
 * first line of stdout. Returns 0, or -1 after printing why. */
int sbx_server_run(struct sbx *s);
/* Stops serving (waits for connections in progress). */
void sbx_server_stop(void);
void sbx_log_free(struct sbx *s);

#endif
