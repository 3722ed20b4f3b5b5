/* Alipay's OpenAPI gateway for a merchant app (client/alipay/): what its files share.
 * Private to client/alipay/; the rest of paydesk knows only alipay_platform. */
#ifndef PAYDESK_ALIPAY_H
#define PAYDESK_ALIPAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "client/http.h"
#include "client/jdoc.h"
#include "client/model.h"
#include "client/provider.h"

extern const struct provider_platform alipay_platform;

/* China Standard Time: the zone of Alipay's days, times and bills. */
#define ALP_UTC_OFFSET (8 * 3600)

/* One app's keys. */
struct alp {
	char app_id[64];
	EVP_PKEY *key; /* the app's private key: requests are signed with it */
	EVP_PKEY *pub; /* Alipay's public key: replies are checked with it */
	struct http_wire wire;
};

/* What the wire's hooks know of one call: its method, whose reply node is
 * "<method with dots as underscores>_response". */
struct alp_call {
	const char *method;
	char node[128];
};

/* ---- wire.c ---- */

void alp_wire_init(struct alp *a);
/* Where the value of the reply's top-level member name (an object) lies in the raw reply,
 * as sent: 1 found once, 0 absent, -1 when the top holds that name more than once, however
 * it is written ("m\u005fresponse" is "m_response"): an answer holding its node twice is
 * refused, so the node verified is the node read. */
int alp_find_node(const char *body, size_t len, const char *name, const char **start, size_t *n);
/* Calls a gateway method with biz_content (taken over; NULL for none): signed request,
 * verified reply. On success returns 0, *doc the reply (caller frees) and *node its response
 * object; -1 with r filled otherwise (an answer that is not code 10000 included). */
int alp_call(struct alp *a, struct http_client *http, const char *method, json_t *biz,
             struct jdoc **doc, const struct jval **node, struct provider_result *r);
/* The same with one more signed parameter and a multipart body (a file is sent in it and
 * is not signed, as the gateway wants). */
int alp_call_upload(struct alp *a, struct http_client *http, const char *method, json_t *biz,
                    const char *extra_key, const char *extra_value, curl_mime *mime,
                    struct jdoc **doc, const struct jval **node, struct provider_result *r);
/* "yyyy-MM-dd HH:mm:ss" of Unix time t in China Standard Time. */
void alp_format_time(int64_t t, char out[20]);

/* ---- map.c ---- */

/* "yyyy-MM-dd HH:mm:ss" (China Standard Time) to Unix seconds; 0 when not such a time. */
int64_t alp_time(const char *s, size_t len);
/* Yuan as Alipay writes them ("12.34", "-0.50") to fen; 0, or -1 when not an amount. */
int alp_yuan(const char *s, size_t len, int64_t *fen);
/* A trade of alipay.trade.query. */
int alp_map_trade(const struct jval *node, struct model_object *m, char *err, size_t err_size);
/* A complaint of the trade-complaint queries. */
int alp_map_complaint(const struct jval *obj, struct model_object *m, char *err, size_t err_size);
/* The entries of a complaint's replies (reply_detail_infos) into out (at most max). */
size_t alp_map_replies(const struct jval *obj, const char *complaint_id, struct model_object *out,
                       size_t max);
/* An entry of the account log: a balance entry, and for today's payments and refunds the
 * order or refund it is about (which tomorrow's bill completes). Returns the objects
 * written to out (at most 3), or -1 with err. */
int alp_map_account_entry(const struct jval *obj, struct model_object *out, char *err,
                          size_t err_size);
/* The refund id paydesk gives an Alipay refund, which has none of its own: trade number
 * and request number. */
void alp_refund_id(const char *trade_no, const char *request_no, char *out, size_t size);

/* ---- bill.c ---- */

/* Reads a downloaded bill zip of day (its GBK CSVs) into the sink. bill: "trade" or
 * "signcustomer". 0, or -1 with r filled. */
int alp_bill_read(const char *zip_path, const char *bill, const char *day,
                  const struct provider_bill_sink *sink, void *user, struct provider_result *r);

#endif
