/* The sandbox as the Alipay OpenAPI gateway of one merchant app (sandbox/alipay/): what its
 * files share. Money is int64_t fen throughout; times are unix seconds, shown in
 * Asia/Shanghai (UTC+8, no daylight saving since 1991). */
#ifndef PAYDESK_SANDBOX_ALIPAY_H
#define PAYDESK_SANDBOX_ALIPAY_H

#include <jansson.h>
#include <openssl/evp.h>

#include "sandbox/sandbox.h"

#define ALI_TZ           (8 * 3600)
#define ALI_RESERVE      1000000              /* fen the daily withdrawal leaves: 10,000.00 */
#define ALI_WITHDRAW_AT  (5 * 3600)           /* 05:00 Shanghai */
#define ALI_REFUND_DAYS  90                   /* after this a paid trade is TRADE_FINISHED */
#define ALI_UNPAID_CLOSE 7200                 /* an unpaid trade closes after two hours */
#define ALI_LOG_ID_BASE  300000000000000000LL /* account_log_id = base + row id (18 digits) */
#define ALI_MAX_YUAN     10000000000LL        /* 100,000,000.00 yuan in fen */

/* Kinds of account-log entries (ali_accountlog.kind). */
enum ali_entry {
	ALI_E_TRADE = 0,    /* 在线支付: a trade's 商家实收 */
	ALI_E_FEE = 1,      /* 收费: its service fee */
	ALI_E_REFUND = 2,   /* 交易退款 */
	ALI_E_FEE_BACK = 3, /* 收费: the fee given back with a refund */
	ALI_E_WITHDRAW = 4  /* 提现: the daily withdrawal to the bank */
};

/* Fault kinds of this platform, beyond the common ones. */
enum {
	ALI_FAULT_BADSIGN = SBX_FAULT_PLATFORM,
	ALI_FAULT_DUPNODE,
	ALI_FAULT_TAMPER,
	ALI_FAULT_20000
};

/* The merchant the sandbox serves (platform.c loads it from --merchant). */
struct ali_state {
	char app_id[24];
	char pid[24];
	EVP_PKEY *app_public;     /* verifies the app's requests */
	EVP_PKEY *alipay_private; /* signs every reply */
};

static inline struct ali_state *ali_state(struct sbx *s)
{
	return (struct ali_state *)s->pstate;
}

/* ---- keys and signatures (crypto.c) ---- */

/* Reads a PEM private key (any format OpenSSL reads) / an SPKI public key. NULL after
 * printing why. The caller frees with EVP_PKEY_free. */
EVP_PKEY *ali_read_private(const char *path);
EVP_PKEY *ali_read_public(const char *path);
/* SHA256withRSA over data, base64 without line breaks into out (NUL-terminated, out
 * size >= 512). 0, or -1. */
int ali_sign(EVP_PKEY *key, const char *data, size_t len, char *out, size_t n);
/* 1 when sig (base64) is a valid SHA256withRSA signature of data by key, else 0. */
int ali_verify(EVP_PKEY *key, const char *data, size_t len, const char *sig);
/* Writes a new merchant's files into dir (--init-merchant). 0, or -1 after printing. */
int ali_init_merchant(struct sbx *s, const char *dir);
/* Loads s->opt.merchant_dir into a new ali_state. 0, or -1 after printing. */
int ali_load_merchant(struct sbx *s, struct ali_state *st);

/* ---- text helpers (util.c) ---- */

/* Members of one JSON object being written: the first needs no comma. Strings are
 * escaped as Alipay does, "/" included (as "\/"). */
struct ali_obj {
	struct sbx_buf *b;
	int n;
};
void ali_jstr(struct sbx_buf *b, const char *s);
void ali_obj_begin(struct ali_obj *o, struct sbx_buf *b);
void ali_obj_end(struct ali_obj *o);
void ali_key(struct ali_obj *o, const char *key);
void ali_str(struct ali_obj *o, const char *key, const char *v);
void ali_yuan_member(struct ali_obj *o, const char *key, int64_t fen);
void ali_time_member(struct ali_obj *o, const char *key, int64_t t);
/* "12.34" / "-0.05" into out (size >= 24). */
void ali_yuan(int64_t fen, char *out, size_t n);
/* Parses "12.34" (1 or 2 decimals optional, no sign) into fen; 0, or -1. */
int ali_parse_yuan(const char *s, int64_t *fen);
/* Midnight Shanghai at or before t. */
int64_t ali_day_start(int64_t t);
/* "yyyy-MM-dd HH:mm:ss" / "yyyy-MM-dd" / "yyyyMMdd" of t in Shanghai. */
void ali_fmt_time(int64_t t, char *out, size_t n);
void ali_fmt_date(int64_t t, char *out, size_t n);
void ali_fmt_compact_date(int64_t t, char *out, size_t n);
/* "2026年01月02日 06:12:34" of t in Shanghai. */
void ali_fmt_cn_time(int64_t t, char *out, size_t n);
/* Unix time of a Shanghai civil time; days from 1970-01-01 of a civil date. */
int64_t ali_civil_days(int y, int m, int d);
int64_t ali_civil_time(int y, int m, int d, int hh, int mm, int ss);
void ali_civil_from_days(int64_t days, int *y, int *m, int *d);
/* Strict "yyyy-MM-dd HH:mm:ss" (Shanghai) into *t; 0, or -1. */
int ali_parse_time(const char *s, int64_t *t);
/* A buyer's logon id masked as Alipay shows it in replies (138****8000,
 * abc***@163.com), and name(account) as bills and the account log show it. */
void ali_mask_logon(const char *account, char *out, size_t n);
void ali_mask_party(const char *name, const char *account, char *out, size_t n);
/* The value of a top-level member of raw JSON text as written (a number's digits, a
 * string without its quotes and unescaped only if it holds no escapes); 0, or -1. */
int ali_raw_member(const char *json, const char *key, char *out, size_t n);

/* ---- store (schema.c) ---- */

int ali_schema(struct sbx *s);
int ali_indices(struct sbx *s);
/* The merchant's balance after the newest account-log entry (the opening reserve
 * when there is none). */
int64_t ali_balance(struct sbx *s);
/* Appends an account-log entry dated t (>= every earlier entry); trade and refund are
 * row ids or 0. Writes the new row id into *id when id is not NULL. 0, or -1. */
int ali_add_entry(struct sbx *s, int64_t t, int kind, int64_t amount, int64_t trade, int64_t refund,
                  const char *order_no, int64_t *id);
/* Makes the daily withdrawals whose time (05:00 Shanghai) has come. Lock held, in a
 * transaction. 0, or -1. */
int ali_settle(struct sbx *s);
/* Runs ali_settle in its own transaction (before serving a request). */
int ali_settle_now(struct sbx *s);

/* ---- generated data (gen.c) ---- */

struct ali_store {
	const char *id;
	const char *name;
	int fee_bp; /* service fee in basis points of 商家实收 */
};
extern const struct ali_store ali_stores[];
extern const size_t ali_n_stores;

/* One trade as drawn by the generator. */
struct ali_trade_gen {
	char trade_no[32];
	char out_trade_no[40];
	int64_t created;
	int64_t paid; /* 0: never paid */
	int64_t total, mdiscount, discount, coupon, point, fee;
	int store; /* index into ali_stores, or -1 for none */
	char subject[96];
	char voucher[48];
	char op[24];
	char terminal[24];
	char logon[64]; /* masked buyer_logon_id */
	char party[96]; /* masked 对方账户 */
	char buyer_id[20];
	const char *channel;
};
/* Draws trade number seq created at `created`; paid says whether it was paid. */
void ali_gen_trade(struct sbx_rng *r, long seq, int64_t created, int paid, struct ali_trade_gen *g);
/* Service fee, rounded half up to the fen, of receipt at fee_bp. */
int64_t ali_fee(int64_t receipt, int fee_bp);
/* Inserts a generated trade; *rowid receives its row id. 0, or -1. */
#define ALI_INSERT_TRADE_SQL                                                                       \
	"INSERT INTO ali_trades(trade_no,out_trade_no,created,paid,total,mdiscount,discount,"      \
	"coupon,point,fee,refunded,sent_back,fee_back,subject,store,op,terminal,logon,party,"      \
	"buyer_id,channel,voucher) VALUES (?,?,?,?,?,?,?,?,?,?,0,0,0,?,?,?,?,?,?,?,?,?)"
int ali_insert_trade(struct sbx *s, sqlite3_stmt *ins, const struct ali_trade_gen *g,
                     int64_t *rowid);
/* A refund's split: what the merchant sends back and how much fee returns, given
 * what the trade has already had refunded. */
struct ali_split {
	int64_t sent_back;
	int64_t fee_back;
};
void ali_refund_split(int64_t total, int64_t mdiscount, int64_t fee, int64_t sent_before,
                      int64_t fee_before, int64_t amount, struct ali_split *sp);
/* Complaint texts, drawn by index. */
const char *ali_complain_reason(unsigned k);
const char *ali_complain_content(unsigned k);
const char *ali_complain_leaf(unsigned k);
/* The phone number of complaint k, masked as replies show it. */
void ali_complain_phone(struct sbx_rng *r, char *out, size_t n);

/* ---- seeding (seed.c) ---- */

int ali_seed(struct sbx *s);

/* ---- the gateway (gateway.c) ---- */

/* One OpenAPI call being served. */
struct ali_call {
	struct sbx *s;
	const char *method;
	struct sbx_params *params; /* query and form (or multipart text parts) together */
	json_t *biz;               /* parsed biz_content, or NULL */
	const char *biz_raw;
	int parts;        /* business parameters come as multipart parts */
	const char *file; /* multipart image_content, or NULL */
	size_t file_len;
	int port; /* the loopback port the request arrived on */
	int64_t now;
};

/* What a method answers: the code, and the members after code and msg. */
struct ali_reply {
	int code;
	const char *sub_code;
	struct sbx_buf sub_msg;
	struct sbx_buf body; /* ",\"trade_no\":..." members, or empty */
};

/* Business failure (40004) or another code with its sub_code and sub_msg. */
void ali_fail(struct ali_reply *r, int code, const char *sub_code, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
/* A member of the biz_content as text (strings as they are, integers in decimal);
 * NULL when absent or empty. out must hold n bytes. */
const char *ali_biz(struct ali_call *c, const char *key, char *out, size_t n);

enum MHD_Result ali_serve(struct sbx *s, struct MHD_Connection *con, struct sbx_conn *c,
                          const char *method, const char *path, const char *query,
                          struct sbx_params *qp, struct sbx_params *form);

/* ---- methods (trade.c, ledger.c, bill.c, complain.c) ---- */

void ali_trade_query(struct ali_call *c, struct ali_reply *r);
void ali_trade_refund(struct ali_call *c, struct ali_reply *r);
void ali_refund_query(struct ali_call *c, struct ali_reply *r);
void ali_accountlog_query(struct ali_call *c, struct ali_reply *r);
void ali_bill_url_query(struct ali_call *c, struct ali_reply *r);
void ali_complain_batchquery(struct ali_call *c, struct ali_reply *r);
void ali_complain_query(struct ali_call *c, struct ali_reply *r);
void ali_complain_feedback(struct ali_call *c, struct ali_reply *r);
void ali_complain_reply(struct ali_call *c, struct ali_reply *r);
void ali_image_upload(struct ali_call *c, struct ali_reply *r);

/* The trade_status of a trade row, given the clock. */
const char *ali_trade_status(int64_t paid, int64_t created, int64_t total, int64_t refunded,
                             int64_t now);
/* Refunds `amount` of trade row `rowid` now as out_request_no (checks done by the
 * caller); fills the new refund's row id. 0, or -1. */
int ali_do_refund(struct sbx *s, int64_t rowid, const char *out_request_no, int64_t amount,
                  const char *reason, int64_t now, int64_t *refund_id);

/* ---- files served outside the gateway (bill.c, billfile.c, complain.c) ---- */

/* A reply that is a file: a bill's zip (GET /downloadBillFile.resource, unsigned, the
 * link expires) or an image (GET /_img/ID). A bill is read from the store with the lock
 * held and packed (GBK, zip) after it is released. */
struct ali_file {
	int status;
	const char *ctype;
	struct sbx_buf body;
	char disposition[160];
	int pack;              /* a bill waiting for ali_bill_pack */
	struct sbx_buf csv[2]; /* its files, UTF-8 */
	char names[2][128];    /* their names, UTF-8 */
	int64_t mtime;         /* the time its files carry */
};
void ali_file_free(struct ali_file *f);
/* Lock held: fills f from the link's query (an expired or unknown link is a 403/404). */
void ali_bill_prepare(struct sbx *s, struct sbx_params *qp, struct ali_file *f);
/* Lock not held: GBK-encodes the files and zips them into f->body. 0, or -1. */
int ali_bill_pack(struct ali_file *f);
/* Lock held: the CSV files of a bill, type "trade" or "signcustomer", for the Shanghai
 * period [from, to), a day or (month) a month. */
int ali_bill_csv(struct sbx *s, const char *type, int64_t from, int64_t to, int month,
                 struct ali_file *f);
/* Lock held: an image a complaint shows or the merchant uploaded. */
void ali_image_prepare(struct sbx *s, const char *path, struct ali_file *f);

/* ---- admin (admin.c) ---- */

int ali_admin(struct sbx *s, struct sbx_request *rq, struct sbx_result *r);
/* Creates one trade now (paid, or waiting for the buyer); appends its number to ids as
 * a JSON string. 0, or -1. */
int ali_live_trade(struct sbx *s, int paid, struct sbx_buf *ids);

#endif
