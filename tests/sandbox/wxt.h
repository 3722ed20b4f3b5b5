/* A WeChat Pay API v3 client for the sandbox's tests, written from the protocol and
 * independent of paydesk's client: it signs requests (WECHATPAY2-SHA256-RSA2048) with the
 * merchant's key, verifies reply signatures, decrypts what the platform encrypts
 * (AES-256-GCM certificates, RSA-OAEP fields) and unpacks gzip'd bills. libcrypto, libcurl,
 * jansson and zlib; TAP and the sandbox process come from sbt.h. */
#ifndef PAYDESK_TESTS_WXT_H
#define PAYDESK_TESTS_WXT_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/sandbox/sbt.h"

struct wxt_merchant {
	char dir[512];
	char mchid[16];
	char serial[48];
	unsigned char apiv3[33];
	char pub_key_id[64];
	EVP_PKEY *key;   /* apiclient_key.pem */
	EVP_PKEY *wxpub; /* wechatpay_public_key.pem */
};

struct wxt_resp {
	long status;
	int curl_error;
	char *body;
	size_t len;
	char request_id[96];
	char ts[32];
	char nonce[80];
	char serial[80];
	char signature[1100];
	char content_type[128];
	char retry_after[16];
	json_t *json;
};

/* What to get wrong on purpose. */
enum {
	WXT_NO_UA = 1,
	WXT_NO_ACCEPT = 2,
	WXT_BAD_SIG = 4,
	WXT_STALE = 8,
	WXT_WRONG_SERIAL = 16,
	WXT_NO_AUTH = 32,
	WXT_WRONG_MCHID = 64,
	WXT_NO_SERIAL = 128 /* no Wechatpay-Serial (else the merchant's PUB_KEY_ID) */
};

/* Runs the sandbox's --init-merchant into dir; 0 when it succeeded. */
int wxt_init_merchant(const char *dir);
int wxt_load(struct wxt_merchant *m, const char *dir);
void wxt_free(struct wxt_merchant *m);
/* Reads the sandbox clock so that requests are signed with its time (after /_admin/advance). */
void wxt_sync_clock(struct sbt_server *srv);
int64_t wxt_now(void);

/* A signed request. target is path?query as it goes on the wire, or a full http:// URL
 * (a download_url). wechatpay_serial, if given, is sent as Wechatpay-Serial. */
void wxt_call(struct sbt_server *srv, const struct wxt_merchant *m, const char *method,
              const char *target, const char *body, const char *wechatpay_serial, int flags,
              struct wxt_resp *r);
/* POST /v3/merchant-service/images/upload: meta (NULL: the right one) and the file. */
void wxt_upload(struct sbt_server *srv, const struct wxt_merchant *m, const char *filename,
                const void *data, size_t len, const char *meta, int flags, struct wxt_resp *r);
void wxt_resp_free(struct wxt_resp *r);
/* 1 when the reply's Wechatpay-Signature verifies over "ts\nnonce\nbody\n" with key. */
int wxt_verify(const struct wxt_resp *r, EVP_PKEY *key);

/* AES-256-GCM (ciphertext || tag, base64); caller frees; NULL when it does not open. */
char *wxt_gcm_open(const unsigned char key[32], const char *nonce, const char *aad, const char *b64,
                   size_t *len);
/* The public key of a PEM certificate and its serial as 40 upper-case hex digits. */
EVP_PKEY *wxt_cert_key(const char *pem, char *serial, size_t n);
/* RSA-OAEP (SHA-1) decryption of base64 with the merchant's key; caller frees. */
char *wxt_oaep_open(EVP_PKEY *key, const char *b64);
/* Inflates a gzip stream (a zlib stream is refused); 0 or -1. */
int wxt_gunzip(const char *in, size_t n, char **out, size_t *out_len);
void wxt_hex(const char *md, const void *data, size_t n, char *out);

/* Splits a bill into lines (CRLF, the BOM dropped) and a line into its cells (backticks
 * dropped). Both return counts; the pieces point into a copy the caller frees. */
int wxt_lines(const char *bill, size_t n, char ***lines, char **copy);
int wxt_cells(char *line, char **cells, int max);
/* "12.34" -> 1234 (fen); "-0.07854" -> -7854 (10^-5 yuan). */
int64_t wxt_fen(const char *v);
int64_t wxt_e5(const char *v);

/* 64-bit FNV-1a, as the sandbox's checksums use. */
uint64_t wxt_fnv(uint64_t h, const char *s);

#endif
