/* The sandbox as WeChat Pay API v3 for a direct merchant (sandbox/wechatpay/): what its
 * files share. Money is int64 fen; fees are int64 in 10^-5 yuan ("e5"), the precision the
 * bills print. Days are Asia/Shanghai days (UTC+8, no daylight saving). */
#ifndef PAYDESK_SANDBOX_WECHATPAY_H
#define PAYDESK_SANDBOX_WECHATPAY_H

#include <jansson.h>
#include <openssl/evp.h>

#include "sandbox/sandbox.h"

#define WX_TZ_OFFSET     (8 * 3600)
#define WX_MAX_CERTS     16
#define WX_MAX_TOKENS    1024
#define WX_TOKEN_SECONDS 30
/* A refund is PROCESSING for this long (sandbox clock), then SUCCESS or ABNORMAL. */
#define WX_REFUND_DELAY 5
/* One refund in WX_ABNORMAL_ONE_IN ends ABNORMAL: FNV-1a-64(out_refund_no) % N == 0. */
#define WX_ABNORMAL_ONE_IN 50
#define WX_MAX_REFUNDS     50
/* Bills exist for the 90 complete days before today (Shanghai). */
#define WX_BILL_DAYS 90
/* The daily automatic withdrawal, seconds after Shanghai midnight. */
#define WX_WITHDRAW_AT (5 * 3600)
/* Yesterday's bills are STATEMENT_CREATING before this time of day (Shanghai). */
#define WX_BILL_READY_AT (10 * 3600)

/* The platform's own fault kinds (besides the common ones of sandbox.h). */
enum wx_fault {
	WX_FAULT_SIGNTEST = SBX_FAULT_PLATFORM,
	WX_FAULT_TAMPER,
	WX_FAULT_STALE,
	WX_FAULT_WRONGKEY,
	WX_FAULT_BADHASH
};

/* A platform certificate and the key it certifies. */
struct wx_cert {
	char serial[41];
	int64_t effective, expire;
	EVP_PKEY *key;
	char *pem;
};

/* A bill download token: which file, until when (sandbox clock). */
struct wx_token {
	char token[48];
	int fund;    /* 0 trade bill, 1 fund flow bill */
	int type;    /* trade: 0 ALL, 1 SUCCESS, 2 REFUND */
	int gz;      /* served gzip'd */
	int64_t day; /* Shanghai day number */
	int64_t expires;
};

struct wx_state {
	char dir[512];
	char mchid[16];
	char merchant_serial[48];
	unsigned char apiv3_key[32];
	char pub_key_id[64];
	char appid[24];
	uint64_t salt;          /* from --seed: the ids' fixed digits */
	EVP_PKEY *merchant_pub; /* verifies requests; encrypts payer_phone */
	EVP_PKEY *platform_key; /* signs replies in public-key mode */
	EVP_PKEY *wrong_key;    /* the wrongkey fault's, made on first use */
	struct wx_cert certs[WX_MAX_CERTS];
	size_t n_certs;
	int public_key_only;
	struct wx_token tokens[WX_MAX_TOKENS];
	size_t n_tokens;
	int64_t next_withdrawal; /* the next 05:00 Shanghai not yet processed */
	int64_t payers;          /* how many customers the seeded orders come from */
};

static inline struct wx_state *wx_state(struct sbx *s)
{
	return (struct wx_state *)s->pstate;
}

/* ---- one request and its reply (serve.c) ---- */

struct wx_req {
	const char *method;
	const char *path; /* decoded path */
	const char *uri;  /* path?query exactly as sent */
	struct sbx_params *qp;
	const char *body;
	size_t body_len;
	const char *content_type;
	int fault;
	char base[64]; /* http://127.0.0.1:PORT, for URLs that point back here */
};

struct wx_reply {
	int status;
	struct sbx_buf body;
	const char *content_type; /* NULL: application/json (none for 204) */
	int unsigned_reply;       /* the bill file and image downloads are not signed */
};

/* Fills r with WeChat's error body {"code","message"}. */
void wx_error(struct wx_reply *r, int status, const char *code, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
/* The required-field message: 输入源“/body/NAME”映射到字段“LABEL”必填性规则校验失败… */
void wx_error_required(struct wx_reply *r, const char *where, const char *label);

/* ---- cryptography (crypto.c); every EVP object is freed on every path ---- */

void wx_b64(const unsigned char *in, size_t n, struct sbx_buf *out);
/* Decodes standard base64; the caller frees *out. Returns 0, or -1 when malformed. */
int wx_unb64(const char *in, size_t n, unsigned char **out, size_t *out_len);
/* Appends base64(SHA256withRSA PKCS#1 v1.5 over msg). 0 or -1. */
int wx_sign(EVP_PKEY *key, const void *msg, size_t n, struct sbx_buf *sig_b64);
/* 1 when sig verifies over msg with key, else 0. */
int wx_verify(EVP_PKEY *key, const void *msg, size_t n, const unsigned char *sig, size_t sig_len);
/* base64(AES-256-GCM ciphertext || 16-byte tag). 0 or -1. */
int wx_aes_gcm(const unsigned char key[32], const char *nonce, const char *aad, const void *pt,
               size_t n, struct sbx_buf *b64);
/* base64(RSAES-OAEP with SHA-1 and MGF1-SHA-1). 0 or -1. */
int wx_oaep(EVP_PKEY *pub, const char *pt, struct sbx_buf *b64);
/* Lower-case hex digest into hex (2 * digest size + 1 bytes). */
void wx_hex_digest(const char *md_name, const void *data, size_t n, char *hex);
void wx_random_hex(char *out, size_t n_digits, int upper);
/* n random letters and digits (n <= 64), NUL-terminated. */
void wx_random_alnum(char *out, size_t n);
EVP_PKEY *wx_rsa_new(void);
/* Reads a PEM key; on failure prints why (with OpenSSL's reason) and returns NULL. */
EVP_PKEY *wx_read_key(const char *path, int private_key);
/* Writes a PEM key (PKCS#8 for a private one, then mode 0600). 0 or -1 (printed). */
int wx_write_key(EVP_PKEY *key, const char *path, int private_key);
/* A self-signed X.509 certificate (PEM, caller frees) for key with this serial. */
char *wx_make_cert(EVP_PKEY *key, const char *serial_hex, int64_t not_before, int64_t not_after);

/* ---- merchant files and platform certificates (merchant.c) ---- */

int wx_init_merchant(struct sbx *s, const char *dir);
int wx_load_merchant(struct sbx *s);
void wx_free_merchant(struct wx_state *w);
/* The valid certificate named serial, else the newest valid one, else NULL. */
struct wx_cert *wx_pick_cert(struct wx_state *w, const char *serial, int64_t now);
/* Adds a certificate effective now; the previous newest expires in 10 days. 0 or -1. */
int wx_rotate(struct sbx *s, struct sbx_buf *out);
int wx_set_public_key_only(struct sbx *s, int on);
void wx_api_certificates(struct sbx *s, struct wx_req *rq, struct wx_reply *r);

/* ---- time, ids and generated data (gen.c) ---- */

int64_t wx_day(int64_t t);
int64_t wx_day_start(int64_t day);
/* "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS", RFC 3339 "+08:00" (size >= 32). */
void wx_date(int64_t t, char *out);
void wx_datetime(int64_t t, char *out);
void wx_rfc3339(int64_t t, char *out);
void wx_rfc3339_ms(int64_t t, int ms, char *out);
/* Parses YYYY-MM-DD into a Shanghai day number; 0 or -1. */
int wx_parse_date(const char *s, int64_t *day);
/* "12.34" / "-0.01" and "0.07854" / "-0.00785". */
void wx_yuan(int64_t fen, char *out);
void wx_fee5(int64_t e5, char *out);
int64_t wx_fee_e5(int64_t fen, int rate_bp);
int64_t wx_e5_to_fen(int64_t e5);
uint64_t wx_fnv(const char *s);

void wx_transaction_id(uint64_t salt, int64_t seq, int64_t t, char *out);
void wx_out_trade_no(int64_t seq, int64_t t, char *out);
void wx_refund_id(uint64_t salt, int64_t seq, int64_t t, char *out);
void wx_out_refund_no(int64_t seq, int64_t t, char *out);
void wx_complaint_id(int64_t seq, int64_t t, char *out);
void wx_log_id(int64_t seq, int64_t t, char *out);
void wx_withdrawal_id(int64_t n, int64_t t, char *out);
void wx_openid(uint64_t salt, int64_t payer, char *out);
void wx_media_id(uint64_t salt, int64_t n, const char *ext, char *out);

enum wx_state_code { WX_SUCCESS, WX_NOTPAY, WX_CLOSED, WX_REVOKED, WX_USERPAYING, WX_PAYERROR };
enum wx_coupon { WX_COUPON_NONE, WX_COUPON_CASH, WX_COUPON_NOCASH };

extern const char *const wx_trade_types[4];
extern const char *const wx_trade_states[6];
extern const char *const wx_state_desc[6];
extern const char *const wx_banks[];
extern const size_t wx_n_banks;
extern const char *const wx_products[];
extern const size_t wx_n_products;
const char *wx_bank_account(int bank); /* user_received_account of a refund */

/* One order as stored (wx_orders). */
struct wx_order {
	int64_t seq;
	char transaction_id[32];
	char out_trade_no[40];
	int64_t created, success_time; /* success_time 0 when never paid */
	int trade_type, state, bank, rate_bp, product, attach, device, coupon_type;
	int64_t payer, total, coupon, refunded, refunds;
};
/* Draws an order created at t (its seq set by the caller). */
void wx_gen_order(struct sbx_rng *r, uint64_t salt, int64_t payers, int64_t seq, int64_t t,
                  int live, struct wx_order *o);
/* The settlement amount (应结订单金额): the total less a no-cash (免充值) coupon. */
int64_t wx_settle_total(const struct wx_order *o);
/* Splits a refund of `amount` into its coupon part and its settlement part. */
void wx_refund_split(const struct wx_order *o, int64_t amount, int64_t *discount, int64_t *settle);
void wx_attach_text(int attach, char *out, size_t n);
void wx_device_text(int device, char *out, size_t n);

/* ---- store (schema.c, store.c) ---- */

int wx_schema(struct sbx *s);
int wx_indices(struct sbx *s);
#define WX_ORDER_COLS                                                                              \
	"seq,transaction_id,out_trade_no,created,success_time,trade_type,state,bank,rate,"         \
	"product,attach,device,coupon_type,payer,total,coupon,refunded,refunds"
int wx_insert_order(sqlite3_stmt *ins, const struct wx_order *o);
void wx_read_order(sqlite3_stmt *st, int col, struct wx_order *o);
/* Finds an order by transaction_id (by_id) or out_trade_no; 0, or -1 when absent. */
int wx_find_order(struct sbx *s, int by_id, const char *key, struct wx_order *o);

enum wx_flow_kind { WX_FLOW_PAYMENT = 1, WX_FLOW_REFUND = 2, WX_FLOW_WITHDRAWAL = 3 };
/* Appends a BASIC account entry at time at; *balance is updated. 0 or -1. */
int wx_add_flow(struct sbx *s, sqlite3_stmt *ins, int64_t at, int kind, const char *business_no,
                const char *voucher, int64_t amount, int64_t gross, int64_t fee, int64_t *balance);
#define WX_INSERT_FLOW_SQL                                                                         \
	"INSERT INTO wx_flows(at,kind,business_no,voucher,amount,balance,gross,fee) "              \
	"VALUES (?,?,?,?,?,?,?,?)"
/* The account balance after the last entry. */
int64_t wx_balance(struct sbx *s);
/* Makes the withdrawals of every 05:00 passed (lock held, in a transaction). 0 or -1. */
int wx_catch_up(struct sbx *s);
/* The advanced hook: wx_catch_up inside the caller's transaction. */
int wx_advanced(struct sbx *s);

/* ---- seeding (seed.c) ---- */

int wx_seed(struct sbx *s);
/* A refund as seeding and the API create it; fills refund_id. 0 or -1. */
struct wx_refund_in {
	const struct wx_order *order;
	int64_t seq, created, amount;
	const char *out_refund_no;
	const char *reason;
	const char *funds_account;
	char refund_id[40];
};
int wx_insert_refund(struct sbx *s, sqlite3_stmt *ins, struct wx_refund_in *in, uint64_t salt);
#define WX_INSERT_REFUND_SQL                                                                       \
	"INSERT INTO wx_refunds(seq,refund_id,out_refund_no,order_seq,created,amount,discount,"    \
	"settle,fee_e5,abnormal,reason,funds_account,status_at) VALUES "                           \
	"(?,?,?,?,?,?,?,?,?,?,?,?,?)"

/* ---- complaints (complaints.c, cgen.c) ---- */

/* Draws a complaint on order o made at t with every later step up to `until`. 0 or -1. */
int wx_gen_complaint(struct sbx *s, struct sbx_rng *r, const struct wx_order *o, int64_t seq,
                     int64_t t, int64_t until, int64_t *log_seq, int live);
/* Finds the part `name` of a multipart/form-data body: its bytes (within body) and, when
 * filename is given, its file name. 0, or -1 when absent or malformed. */
int wx_multipart_part(const char *ctype, const char *body, size_t len, const char *name,
                      const char **data, size_t *n, char *filename, size_t fn_size);
void wx_api_complaints(struct sbx *s, struct wx_req *rq, struct wx_reply *r);
/* Appends a step to a complaint's negotiation history (images: media ids, or NULL). */
int wx_add_complaint_log(struct sbx *s, int64_t complaint_seq, int64_t *log_seq, int64_t at,
                         const char *op, const char *type, const char *text, const char *images);
int wx_media_exists(struct sbx *s, const char *media_id);
void wx_api_image_upload(struct sbx *s, struct wx_req *rq, struct wx_reply *r);
void wx_api_image_get(struct sbx *s, struct wx_req *rq, const char *media_id, struct wx_reply *r);
/* Live: the user writes again, or the complaint moves on. 0, 1 when none is left, -1. */
int wx_live_complaint_update(struct sbx *s, int nth, struct sbx_buf *ids);
int wx_live_complaint(struct sbx *s, int nth, struct sbx_buf *ids);

/* ---- API (orders.c, refunds.c, bills.c) ---- */

void wx_api_order(struct sbx *s, struct wx_req *rq, int by_id, const char *key, struct wx_reply *r);
void wx_api_refund_create(struct sbx *s, struct wx_req *rq, struct wx_reply *r);
void wx_api_refund_get(struct sbx *s, struct wx_req *rq, const char *out_refund_no,
                       struct wx_reply *r);
void wx_api_bill(struct sbx *s, struct wx_req *rq, int fund, struct wx_reply *r);
void wx_api_bill_download(struct sbx *s, struct wx_req *rq, struct wx_reply *r);
/* Renders a day's bill into b (uncompressed). 0, 1 when it has no rows, -1. */
int wx_render_trade_bill(struct sbx *s, int64_t day, int type, struct sbx_buf *b);
int wx_render_fund_bill(struct sbx *s, int64_t day, struct sbx_buf *b);
/* gzip (RFC 1952) of in into out. 0 or -1. */
int wx_gzip(const char *in, size_t n, struct sbx_buf *out);
int wx_live_order(struct sbx *s, struct sbx_buf *ids);
int wx_live_refund(struct sbx *s, int nth, struct sbx_buf *ids);
/* Creates a refund now (checks done); fills the new refund id. 0 or -1. */
int wx_do_refund(struct sbx *s, struct wx_order *o, int64_t amount, const char *out_refund_no,
                 const char *reason, const char *funds_account, char *refund_id);

/* ---- serving and admin (serve.c, admin.c, platform.c) ---- */

enum MHD_Result wx_serve(struct sbx *s, struct MHD_Connection *con, struct sbx_conn *c,
                         const char *method, const char *path, const char *query,
                         struct sbx_params *qp, struct sbx_params *form);
int wx_admin(struct sbx *s, struct sbx_request *rq, struct sbx_result *r);

/* Helpers over jansson for request bodies. */
const char *wx_jstr(json_t *o, const char *k);
/* Counts the characters (code points) of UTF-8 text. */
size_t wx_utf8_len(const char *s);

#endif
