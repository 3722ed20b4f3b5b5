/* WeChat Pay API v3 for a direct merchant (client/wechatpay/): what its files share.
 * Private to client/wechatpay/; the rest of paydesk knows only wechatpay_platform. */
#ifndef PAYDESK_WECHATPAY_H
#define PAYDESK_WECHATPAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "client/http.h"
#include "client/jdoc.h"
#include "client/model.h"
#include "client/provider.h"

extern const struct provider_platform wechatpay_platform;

/* China Standard Time: the zone of WeChat Pay's days, times and bills. */
#define WXP_UTC_OFFSET (8 * 3600)
/* The platform refuses a request whose time is off by five minutes; its SDKs refuse a
 * reply the same way. */
#define WXP_CLOCK_SKEW 300

/* One platform certificate (certificate mode). */
struct wxp_cert {
	char serial[80];
	EVP_PKEY *key;
	int64_t not_before, not_after;
};

#define WXP_MAX_CERTS 8

/* One merchant's keys, and how the platform's replies are checked. */
struct wxp {
	char mchid[64];
	char serial[80]; /* the merchant API certificate's serial: serial_no */
	EVP_PKEY *key;   /* the merchant API private key */
	unsigned char apiv3[32];
	bool has_apiv3;
	/* Public-key mode: the platform's public key and its id (PUB_KEY_ID_...). */
	EVP_PKEY *pub;
	char pub_id[80];
	/* Certificate mode: the platform's certificates, newest first, as last downloaded. */
	struct wxp_cert certs[WXP_MAX_CERTS];
	size_t n_certs;
	char certs_path[1100]; /* where they are kept between runs (public data) */
	char base_path[256];   /* the path of api_base, which the signed URL begins with */
	struct http_wire wire;
	/* A reply's signature was made with a key paydesk does not know: certificates are
	 * fetched again before the next request. */
	bool certs_stale;
};

/* ---- wire.c: signing requests, checking replies, errors ---- */

/* http_request.call of GET /v3/certificates: its answer may be signed with a certificate
 * it carries. */
extern const char WXP_CALL_CERTIFICATES[];

/* Sets up w->wire for this merchant (hooks into w). */
void wxp_wire_init(struct wxp *w);
/* The serial of the key replies are to be signed with (Wechatpay-Serial): the public key's
 * id, or the newest valid certificate's serial; "" when there is none yet. */
const char *wxp_verify_serial(const struct wxp *w);
/* Reads, checks and keeps the certificates of GET /v3/certificates (each decrypted with the
 * APIv3 key, which authenticates it), then writes them to certs_path. 0, or -1 with r. */
int wxp_certificates_update(struct wxp *w, const struct jval *root, struct provider_result *r);
/* Loads the certificates kept from an earlier run; 0 when there were some. */
int wxp_certificates_load(struct wxp *w);
void wxp_free_keys(struct wxp *w);

/* ---- map.c: the API's JSON into the model ---- */

/* A transaction (GET /v3/pay/transactions/...). */
int wxp_map_transaction(const struct jval *obj, struct model_object *m, char *err, size_t err_size);
/* A refund (POST /v3/refund/domestic/refunds and its query). */
int wxp_map_refund(const struct jval *obj, struct model_object *m, char *err, size_t err_size);
/* A complaint of the complaints list or its detail. */
int wxp_map_complaint(const struct jval *obj, struct model_object *m, char *err, size_t err_size);
/* An entry of a complaint's negotiation history. */
int wxp_map_history(const struct jval *obj, const char *complaint_id, struct model_object *m,
                    char *err, size_t err_size);
/* RFC 3339 ("2026-11-20T10:34:56+08:00") to Unix seconds; 0 when not such a time. */
int64_t wxp_time(const char *s);
/* "2019-02-19 05:01:46" in China Standard Time to Unix seconds; 0 when not such a time. */
int64_t wxp_local_time(const char *s, size_t len);
/* WeChat Pay's refund status as paydesk's neutral one. */
const char *wxp_refund_status(const char *status);

/* ---- bill.c: the bills as WeChat Pay writes them ---- */

enum wxp_bill_kind { WXP_BILL_TRADE, WXP_BILL_FUNDFLOW };

/* A bill read as it arrives (gzip), row by row into a sink. */
struct wxp_bill;
/* A reader of one bill of day into sink. NULL without memory. */
struct wxp_bill *wxp_bill_new(enum wxp_bill_kind kind, const char *day, bool gzip,
                              const struct provider_bill_sink *sink, void *user);
/* Feeds bytes of the file as they arrive; returns n, or 0 to stop (the reason is kept). */
size_t wxp_bill_feed(void *bill, const char *data, size_t n);
/* Ends the file: checks that it was whole, that its SHA-1 is want_sha1 (hex), and hands the
 * summary to the sink. 0, or -1 with r filled (PROVIDER_FORGED for a file that is not the
 * one the platform described, PROVIDER_BAD_REPLY for one that cannot be read). */
int wxp_bill_finish(struct wxp_bill *b, const char *want_sha1, struct provider_result *r);
/* The reason the reader stopped (feed returned 0), "" otherwise. */
const char *wxp_bill_error(const struct wxp_bill *b);
/* Detail rows read so far. */
int64_t wxp_bill_rows(const struct wxp_bill *b);
void wxp_bill_free(struct wxp_bill **b);

#endif
