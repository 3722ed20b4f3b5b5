/* Helpers for the Alipay sandbox's integration tests: a merchant made with
 * --init-merchant, a signer of its own (libcrypto, independent of any client code), and
 * calls to the gateway whose replies are checked the way Alipay's SDKs check them. */
#ifndef PAYDESK_TESTS_ALIT_H
#define PAYDESK_TESTS_ALIT_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stddef.h>

#include "tests/sandbox/sbt.h"

struct alit {
	struct sbt_server srv;
	char dir[512];
	char app_id[32];
	char pid[32];
	EVP_PKEY *app_private;   /* signs requests */
	EVP_PKEY *alipay_public; /* verifies replies */
	EVP_PKEY *app_public;    /* the classic mistake: verifying with the app's own key */
};

/* One gateway reply taken apart. */
struct alit_reply {
	struct sbt_resp http;
	char root[160];   /* the node's name found in the body */
	char *node;       /* the node's raw bytes as sent (owned), or NULL */
	char *sign;       /* the sign member (owned), or NULL */
	int verified;     /* node and sign verify with Alipay's public key */
	int duplicated;   /* the root name occurs again after the node (EasySDK's check) */
	json_t *json;     /* the node parsed, or NULL */
	const char *code; /* members of json, or "" */
	const char *sub_code;
	const char *sub_msg;
};

/* Makes a merchant with --init-merchant in a new temporary directory. */
void alit_make_merchant(struct alit *a);
/* Starts the sandbox for the merchant with extra arguments (NULL-terminated). */
void alit_start(struct alit *a, const char *const *args);
void alit_stop(struct alit *a);
/* Removes the merchant's directory and frees the keys. */
void alit_free(struct alit *a);

/* SHA256withRSA of data by key, base64; the caller frees. */
char *alit_sign(EVP_PKEY *key, const char *data, size_t len);
int alit_verify(EVP_PKEY *key, const char *data, size_t len, const char *sig_b64);

/* How a call deviates from a correct one. */
struct alit_opts {
	const char *app_id;     /* instead of the merchant's ("" leaves it out) */
	const char *timestamp;  /* instead of a valid one */
	const char *sign_type;  /* instead of RSA2 ("" leaves it out) */
	const char *method;     /* instead of the call's ("" leaves it out) */
	const char *extra_name; /* one more signed parameter */
	const char *extra_value;
	EVP_PKEY *key;         /* sign with this key instead */
	int no_sign;           /* send no sign at all */
	int sign_without_type; /* leave sign_type out of the signed string */
	int all_in_form;       /* every parameter in the form, none in the query */
	int corrupt_sign;      /* change the signature after signing */
};

/* Calls method with biz_content (NULL for none) and fills out (free with
 * alit_reply_free). */
void alit_call(struct alit *a, const char *method, const char *biz, struct alit_reply *out);
void alit_call_opts(struct alit *a, const char *method, const char *biz, const struct alit_opts *o,
                    struct alit_reply *out);
/* alipay.merchant.image.upload: a multipart call with image_type and image_content;
 * tamper_type sends another image_type than the one signed. */
void alit_upload(struct alit *a, const char *type, const void *data, size_t len, int tamper_type,
                 struct alit_reply *out);
/* Takes a raw reply body apart (what alit_call does with the body). */
void alit_parse(struct alit *a, const char *method, const char *body, size_t len,
                struct alit_reply *out);
void alit_reply_free(struct alit_reply *r);

/* A member of the node as a string ("" when absent). */
const char *alit_str(const struct alit_reply *r, const char *key);
#define ALIT_BAD (-9223372036854775807LL - 1)
/* "12.34" or "-0.05" as fen; ALIT_BAD when it is not such an amount. */
long long alit_fen(const char *yuan);
/* The path part ("/downloadBillFile.resource?...") of a link the sandbox handed out;
 * unescapes nothing (the JSON parser already did). */
const char *alit_path_of(const char *url);
/* POST /_admin/... with a form body; returns the parsed JSON (caller decrefs). */
json_t *alit_admin(struct alit *a, const char *path, const char *form);
/* GET /_admin/now. */
long long alit_now(struct alit *a);
/* "yyyy-MM-dd HH:mm:ss" / "yyyy-MM-dd" of t in Shanghai. */
void alit_time(long long t, char *out, size_t n);
void alit_date(long long t, char *out, size_t n);
/* Midnight Shanghai at or before t. */
long long alit_day(long long t);

/* ---- bills ---- */

/* One bill downloaded: its two files' names and contents, in UTF-8. */
struct alit_bill {
	char *name[2];
	char *text[2];
	char *raw; /* the zip as downloaded */
	size_t raw_len;
	int gbk_names; /* the zip's UTF-8 flag is off (the names are GBK bytes) */
};

/* Asks for a bill's link (free the reply). */
void alit_bill_ask(struct alit *a, const char *type, const char *date, struct alit_reply *r);
/* Asks for the link, downloads it and unpacks the zip; 0, or -1. */
int alit_bill_fetch(struct alit *a, const char *type, const char *date, struct alit_bill *b);
void alit_bill_free(struct alit_bill *b);
/* Splits text in place into lines at CRLF (at most max); *lf_only is set when a line
 * ends in a bare LF. Returns the count. */
int alit_lines(char *text, char **out, int max, int *lf_only);
/* Splits a line in place at commas (Alipay's bills quote nothing); returns the number
 * of cells, of which at most max are stored. */
int alit_cells(char *line, char **out, int max);
int alit_ends_tab(const char *s);
/* Removes one trailing tab in place. */
char *alit_strip_tab(char *s);

#endif
