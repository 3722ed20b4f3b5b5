/* The WeChat Pay provider: the merchant's keys from the profile's files, and the operations
 * of the back office - the day's bills, complaints by date, one order by either id, refunds
 * by out_refund_no, and the answers to a complaint. */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "client/cache_private.h"
#include "client/client.h"
#include "client/crypto.h"
#include "client/days.h"
#include "client/form.h"
#include "client/provider_private.h"
#include "client/wechatpay/wechatpay.h"

/* A bill whose download breaks is fetched again, from a new download URL, this often. */
#define WXP_BILL_TRIES 3

static struct wxp *wxp_of(struct provider *p)
{
	return p->impl;
}

/* ---- opening ---- */

static int wxp_check_profile(const struct profile *p, char *err, size_t err_size)
{
	if (!p->merchant_id[0] || !p->merchant_serial[0] || !p->private_key_file[0]) {
		snprintf(err, err_size,
		         _("profile [%s] (WeChat Pay) needs mchid, merchant_serial and "
		           "private_key_file (the merchant API key, mode 0600)"),
		         p->name);
		return -1;
	}
	if (!p->platform_key_file[0] && !p->secret_file[0]) {
		snprintf(err, err_size,
		         _("profile [%s] (WeChat Pay) needs the platform's public key "
		           "(wechatpay_public_key_file and wechatpay_public_key_id), or the APIv3 "
		           "key (apiv3_key_file) to download the platform's certificates"),
		         p->name);
		return -1;
	}
	if (p->platform_key_file[0] && !p->platform_key_id[0]) {
		snprintf(err, err_size,
		         _("profile [%s]: wechatpay_public_key_file needs wechatpay_public_key_id "
		           "(PUB_KEY_ID_...), the id the platform signs with"),
		         p->name);
		return -1;
	}
	return 0;
}

/* Reads the merchant's key files into w. 0, or -1 with err saying which file and why. */
static int load_keys(struct wxp *w, const struct profile *p, char *err, size_t err_size)
{
	char sub[600];
	size_t len;
	char *pem = profile_read_file(p->private_key_file, 64 * 1024, true, &len, sub, sizeof sub);
	if (!pem) {
		snprintf(err, err_size, "private_key_file: %s", sub);
		return -1;
	}
	w->key = crypto_private_key(pem, len, sub, sizeof sub);
	OPENSSL_cleanse(pem, len);
	free(pem);
	if (!w->key) {
		snprintf(err, err_size, "private_key_file %s: %s", p->private_key_file, sub);
		return -1;
	}
	if (p->secret_file[0]) {
		char *k = profile_read_file(p->secret_file, 4096, true, &len, sub, sizeof sub);
		if (!k) {
			snprintf(err, err_size, "apiv3_key_file: %s", sub);
			return -1;
		}
		while (len > 0 && isspace((unsigned char)k[len - 1]))
			len--;
		bool ok = len == sizeof w->apiv3;
		if (ok)
			memcpy(w->apiv3, k, sizeof w->apiv3);
		OPENSSL_cleanse(k, len);
		free(k);
		if (!ok) {
			snprintf(err, err_size,
			         _("apiv3_key_file %s does not hold an APIv3 key (32 characters)"),
			         p->secret_file);
			return -1;
		}
		w->has_apiv3 = true;
	}
	if (p->platform_key_file[0]) {
		char *pub = profile_read_file(p->platform_key_file, 64 * 1024, false, &len, sub,
		                              sizeof sub);
		if (!pub) {
			snprintf(err, err_size, "wechatpay_public_key_file: %s", sub);
			return -1;
		}
		w->pub = crypto_public_key(pub, len, sub, sizeof sub);
		free(pub);
		if (!w->pub) {
			snprintf(err, err_size, "wechatpay_public_key_file %s: %s",
			         p->platform_key_file, sub);
			return -1;
		}
		if (crypto_same_key(w->pub, w->key)) {
			snprintf(err, err_size,
			         _("wechatpay_public_key_file %s is the merchant's own key; it "
			           "must be "
			           "the platform's public key (from the merchant platform's API "
			           "security page)"),
			         p->platform_key_file);
			return -1;
		}
		snprintf(w->pub_id, sizeof w->pub_id, "%s", p->platform_key_id);
	}
	return 0;
}

static void wxp_free(void *impl)
{
	struct wxp *w = impl;
	if (!w)
		return;
	wxp_free_keys(w);
	OPENSSL_cleanse(w, sizeof *w);
	free(w);
}

static const struct provider_ops wxp_ops;

static struct provider *wxp_open(const struct profile *profile, struct cache *cache, char *err,
                                 size_t err_size)
{
	struct provider *p = provider_new(&wechatpay_platform, &wxp_ops, cache);
	struct wxp *w = p ? calloc(1, sizeof *w) : NULL;
	if (!w) {
		free(p);
		snprintf(err, err_size, _("out of memory"));
		return NULL;
	}
	p->impl = w;
	p->impl_free = wxp_free;
	snprintf(w->mchid, sizeof w->mchid, "%s", profile->merchant_id);
	snprintf(w->serial, sizeof w->serial, "%s", profile->merchant_serial);
	/* The signed URL is the path as sent: api_base's own path, then the request's. */
	const char *host = strstr(profile->api_base, "://");
	const char *path = host ? strchr(host + 3, '/') : NULL;
	snprintf(w->base_path, sizeof w->base_path, "%s", path ? path : "");
	snprintf(w->certs_path, sizeof w->certs_path, "%s.wechatpay-certificates",
	         profile->cache_path);
	if (load_keys(w, profile, err, err_size) != 0) {
		provider_close(&p);
		return NULL;
	}
	if (!w->pub)
		wxp_certificates_load(w);
	wxp_wire_init(w);
	struct http_options o = {.base = profile->api_base,
	                         .ca_file = profile->ca_file,
	                         .timeout = profile->timeout,
	                         .wire = &w->wire};
	p->http = http_open(&o, err, err_size);
	if (!p->http) {
		provider_close(&p);
		return NULL;
	}
	return p;
}

/* ---- requests ---- */

static int get(struct provider *p, const char *path, const void *call, struct jdoc **doc,
               struct provider_result *r)
{
	struct http_request rq = {.method = "GET", .path_query = path, .call = call};
	return http_request(p->http, &rq, doc, r);
}

/* POSTs a JSON body (taken over and freed); once: see struct http_request. */
static int post_as(struct provider *p, const char *path, json_t *body, bool once, struct jdoc **doc,
                   struct provider_result *r)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (!text) {
		provider_fail(r, PROVIDER_INVALID, _("out of memory"));
		return -1;
	}
	struct http_request rq = {.method = "POST",
	                          .path_query = path,
	                          .body = text,
	                          .content_type = "application/json",
	                          .once = once};
	int rc = http_request(p->http, &rq, doc, r);
	free(text);
	return rc;
}

/* A POST the platform makes safe to repeat (a refund under its out_refund_no). */
static int post(struct provider *p, const char *path, json_t *body, struct jdoc **doc,
                struct provider_result *r)
{
	return post_as(p, path, body, false, doc, r);
}

/* Percent-encodes s for a path segment or a query value. */
static void enc(const char *s, char *out, size_t size)
{
	form_encode(s, false, out, size);
}

/* The platform's certificates, fetched and kept (certificate mode); in public-key mode
 * this request proves that the platform takes the merchant's signature. */
static int wxp_account(struct provider *p, char *account_id, int64_t *created,
                       struct provider_result *r)
{
	struct wxp *w = wxp_of(p);
	snprintf(account_id, 64, "%s", w->mchid);
	*created = 0;
	struct jdoc *doc = NULL;
	if (get(p, "/v3/certificates", WXP_CALL_CERTIFICATES, &doc, r) != 0) {
		/* A merchant on public keys alone has no certificates to download. */
		if (w->pub && r->outcome == PROVIDER_INVALID && r->http_status == 404)
			return 0;
		return -1;
	}
	int rc = 0;
	if (!w->pub)
		rc = wxp_certificates_update(w, jdoc_root(doc), r);
	jdoc_free(&doc);
	return rc;
}

/* ---- bills ---- */

/* Asks for one bill of day and reads it into the sink. 0, 1 when the platform has no such
 * bill (no business that day), -1 with r filled. */
static int read_bill(struct provider *p, enum wxp_bill_kind kind, const char *day,
                     const struct provider_bill_sink *sink, void *user, struct provider_result *r)
{
	char path[256];
	if (kind == WXP_BILL_TRADE)
		snprintf(path, sizeof path,
		         "/v3/bill/tradebill?bill_date=%s&bill_type=ALL&tar_type=GZIP", day);
	else
		snprintf(path, sizeof path,
		         "/v3/bill/fundflowbill?bill_date=%s&account_type=BASIC&tar_type=GZIP",
		         day);
	const char *base = http_base(p->http);
	for (int attempt = 1;; attempt++) {
		struct jdoc *doc = NULL;
		if (get(p, path, NULL, &doc, r) != 0) {
			if (strcmp(r->error_code, "NO_STATEMENT_EXIST") == 0)
				return 1;
			if (strcmp(r->error_code, "STATEMENT_CREATING") == 0)
				r->outcome = PROVIDER_NOT_YET;
			return -1;
		}
		const char *url = jval_str(jval_get(jdoc_root(doc), "download_url"));
		const char *hash = jval_str(jval_get(jdoc_root(doc), "hash_value"));
		const char *type = jval_str(jval_get(jdoc_root(doc), "hash_type"));
		/* The signed download goes to the platform's own host and nowhere else. */
		size_t blen = strlen(base);
		if (!url || !hash || strncmp(url, base, blen) != 0 || url[blen] != '/' ||
		    (type && strcasecmp(type, "SHA1") != 0)) {
			jdoc_free(&doc);
			provider_fail(r, PROVIDER_BAD_REPLY,
			              _("the platform's bill answer has no download address on its "
			                "own host, or no SHA-1"));
			return -1;
		}
		char download[2048], want[64];
		snprintf(download, sizeof download, "%s", url + blen);
		snprintf(want, sizeof want, "%s", hash);
		jdoc_free(&doc);
		struct wxp_bill *bill = wxp_bill_new(kind, day, true, sink, user);
		if (!bill) {
			provider_fail(r, PROVIDER_BAD_REPLY, _("out of memory"));
			return -1;
		}
		struct http_request rq = {.method = "GET",
		                          .path_query = download,
		                          .unsigned_reply = true,
		                          .sink = wxp_bill_feed,
		                          .sink_user = bill};
		struct jdoc *none = NULL;
		int rc = http_request(p->http, &rq, &none, r);
		if (rc != 0 && wxp_bill_error(bill)[0])
			provider_fail(r, PROVIDER_BAD_REPLY, wxp_bill_error(bill));
		else if (rc == 0)
			rc = wxp_bill_finish(bill, want, r);
		wxp_bill_free(&bill);
		if (rc == 0)
			return 0;
		/* A broken transfer is read again from the start: the rows already handed over
		 * are stored again, the same. A file that is not what the platform described
		 * is not. */
		if (!provider_outcome_transient(r->outcome) || attempt >= WXP_BILL_TRIES)
			return -1;
	}
}

static int wxp_bill_day(struct provider *p, const char *day, const struct provider_bill_sink *sink,
                        void *user, struct provider_result *r)
{
	memset(r, 0, sizeof *r);
	static const enum wxp_bill_kind kinds[] = {WXP_BILL_TRADE, WXP_BILL_FUNDFLOW};
	static const char *const names[] = {"trade", "fundflow"};
	for (size_t i = 0; i < 2; i++) {
		int rc = read_bill(p, kinds[i], day, sink, user, r);
		if (rc < 0)
			return -1;
		if (rc == 1 && sink->summary(user, names[i], NULL, 0, NULL) != 0) {
			provider_fail(r, PROVIDER_BAD_REPLY,
			              _("the cache could not take the bill's rows"));
			return -1;
		}
	}
	return 0;
}

/* ---- pages of objects ---- */

typedef int map_fn(const struct jval *obj, struct model_object *m, char *err, size_t err_size);

/* A page of n objects mapped from the array data of doc (which the page takes over). */
static int page_of(const struct jval *data, struct jdoc *doc, map_fn *map, const char *parent,
                   struct provider_page *page, struct provider_result *r)
{
	memset(page, 0, sizeof *page);
	page->doc = doc;
	size_t n = jval_is(data, J_ARRAY) ? data->len : 0;
	page->objects = calloc(n ? n : 1, sizeof *page->objects);
	if (!page->objects) {
		provider_page_free(page);
		provider_fail(r, PROVIDER_BAD_REPLY, _("out of memory"));
		return -1;
	}
	const struct jval *c;
	uint32_t i;
	if (n)
		JVAL_EACH(c, i, data)
		{
			char err[256];
			int rc = parent ? wxp_map_history(c, parent, &page->objects[i], err,
			                                  sizeof err)
			                : map(c, &page->objects[i], err, sizeof err);
			page->n = i + 1;
			if (rc != 0) {
				char msg[400];
				snprintf(msg, sizeof msg,
				         _("the platform sent an object paydesk cannot read: %s"),
				         err);
				provider_page_free(page);
				provider_fail(r, PROVIDER_BAD_REPLY, msg);
				return -1;
			}
		}
	return 0;
}

static int wxp_list_dated(struct provider *p, enum provider_resource res, int64_t from, int64_t to,
                          int64_t offset, struct provider_page *page, struct provider_result *r)
{
	memset(page, 0, sizeof *page);
	if (res != PROVIDER_DISPUTES) {
		provider_fail(r, PROVIDER_INVALID, _("the platform has no such list"));
		return -1;
	}
	char begin[11], end[11], path[256];
	days_format(from, WXP_UTC_OFFSET, begin);
	days_format(to - 1, WXP_UTC_OFFSET, end);
	snprintf(path, sizeof path,
	         "/v3/merchant-service/complaints-v2?limit=50&offset=%" PRId64
	         "&begin_date=%s&end_date=%s",
	         offset, begin, end);
	struct jdoc *doc = NULL;
	if (get(p, path, NULL, &doc, r) != 0)
		return -1;
	const struct jval *root = jdoc_root(doc);
	const struct jval *total = jval_get(root, "total_count");
	if (page_of(jval_get(root, "data"), doc, wxp_map_complaint, NULL, page, r) != 0)
		return -1;
	page->has_more = jval_is(total, J_INT) && offset + (int64_t)page->n < total->v.i;
	return 0;
}

static int wxp_complaint_history(struct provider *p, const char *complaint_id,
                                 struct provider_page *page, struct provider_result *r)
{
	char id[160], path[320];
	enc(complaint_id, id, sizeof id);
	snprintf(path, sizeof path,
	         "/v3/merchant-service/complaints-v2/%s/negotiation-historys?limit=300&offset=0",
	         id);
	struct jdoc *doc = NULL;
	if (get(p, path, NULL, &doc, r) != 0)
		return -1;
	if (page_of(jval_get(jdoc_root(doc), "data"), doc, NULL, complaint_id, page, r) != 0)
		return -1;
	provider_store(p, page->objects, page->n);
	return 0;
}

/* Fetches one complaint again and stores it (after an answer changed it). */
static void refresh_complaint(struct provider *p, const char *complaint_id)
{
	char id[160], path[320];
	enc(complaint_id, id, sizeof id);
	snprintf(path, sizeof path, "/v3/merchant-service/complaints-v2/%s", id);
	struct jdoc *doc = NULL;
	struct provider_result r;
	if (get(p, path, NULL, &doc, &r) == 0) {
		struct model_object m;
		char err[256];
		if (wxp_map_complaint(jdoc_root(doc), &m, err, sizeof err) == 0) {
			provider_store(p, &m, 1);
			model_object_clear(&m);
		}
	}
	jdoc_free(&doc);
	struct provider_page pg;
	if (wxp_complaint_history(p, complaint_id, &pg, &r) == 0)
		provider_page_free(&pg);
}

/* ---- one order ---- */

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static int wxp_lookup_order(struct provider *p, const char *id, struct provider_page *page,
                            struct provider_result *r)
{
	memset(page, 0, sizeof *page);
	struct wxp *w = wxp_of(p);
	char e[200], mch[80], path[400];
	enc(id, e, sizeof e);
	enc(w->mchid, mch, sizeof mch);
	/* WeChat Pay's own numbers are all digits (28 of them); the merchant's rarely are.
	 * Whichever is tried first, the other is tried when it is not found. */
	bool platform_first = all_digits(id) && strlen(id) >= 20;
	for (int k = 0; k < 2; k++) {
		bool by_platform = (k == 0) == platform_first;
		snprintf(path, sizeof path, "/v3/pay/transactions/%s/%s?mchid=%s",
		         by_platform ? "id" : "out-trade-no", e, mch);
		struct jdoc *doc = NULL;
		if (get(p, path, NULL, &doc, r) == 0) {
			const struct jval *root = jdoc_root(doc);
			if (!jval_str(jval_get(root, "transaction_id"))) {
				/* Not paid: WeChat Pay gives it no number of its own yet, and the
				 * cache keeps paid orders only. */
				const char *state = jval_str(jval_get(root, "trade_state"));
				const char *desc = jval_str(jval_get(root, "trade_state_desc"));
				char why[400];
				snprintf(why, sizeof why, _("the order %s is not paid (%s%s%s)"),
				         id, state ? state : "?", desc ? ": " : "",
				         desc ? desc : "");
				jdoc_free(&doc);
				provider_fail(r, PROVIDER_NOT_YET, why);
				return -1;
			}
			page->doc = doc;
			page->objects = calloc(1, sizeof *page->objects);
			char err[256];
			if (!page->objects || wxp_map_transaction(jdoc_root(doc), &page->objects[0],
			                                          err, sizeof err) != 0) {
				provider_page_free(page);
				provider_fail(r, PROVIDER_BAD_REPLY, err);
				return -1;
			}
			page->n = 1;
			provider_store(p, page->objects, 1);
			return 1;
		}
		if (r->http_status != 404)
			return -1;
	}
	return 0;
}

/* ---- refunds ---- */

/* Stores the refund of a reply and names it in object_id. */
static int store_refund(struct provider *p, const struct jval *obj, char *object_id,
                        struct provider_result *r)
{
	struct model_object m;
	char err[256];
	if (wxp_map_refund(obj, &m, err, sizeof err) != 0) {
		provider_fail(r, PROVIDER_BAD_REPLY, err);
		return -1;
	}
	if (object_id)
		snprintf(object_id, 64, "%s", m.id);
	provider_store(p, &m, 1);
	model_object_clear(&m);
	return 0;
}

/* A reason as WeChat Pay takes it: at most 80 characters of words. */
static const char *refund_reason(const struct provider_refund_request *req)
{
	if (req->note && *req->note)
		return req->note;
	if (!req->reason)
		return NULL;
	if (strcmp(req->reason, "duplicate") == 0)
		return "重复支付";
	if (strcmp(req->reason, "fraudulent") == 0)
		return "疑似欺诈";
	return "买家要求退款";
}

static int wxp_create_refund(struct provider *p, const struct provider_refund_request *req,
                             char *object_id, struct provider_result *r)
{
	if (!req->action_id || !*req->action_id) {
		provider_fail(r, PROVIDER_INVALID,
		              _("a change was about to be sent without an idempotency key"));
		return -1;
	}
	int64_t amount = req->amount > 0 ? req->amount : req->left;
	json_t *body =
	        json_pack("{s:s, s:s, s:{s:I, s:I, s:s}}", "transaction_id", req->order_id,
	                  "out_refund_no", req->action_id, "amount", "refund", (json_int_t)amount,
	                  "total", (json_int_t)req->order_amount, "currency", "CNY");
	const char *reason = refund_reason(req);
	if (body && reason)
		json_object_set_new(body, "reason", json_string(reason));
	struct jdoc *doc = NULL;
	if (post(p, "/v3/refund/domestic/refunds", body, &doc, r) != 0)
		return -1;
	int rc = store_refund(p, jdoc_root(doc), object_id, r);
	jdoc_free(&doc);
	return rc;
}

/* The refund's number is the action's id: a query by it finds whether it was made. */
static int wxp_find_refund(struct provider *p, const char *order_id, const char *action_id,
                           char *object_id, struct provider_result *r)
{
	(void)order_id;
	char e[200], path[300];
	enc(action_id, e, sizeof e);
	snprintf(path, sizeof path, "/v3/refund/domestic/refunds/%s", e);
	struct jdoc *doc = NULL;
	if (get(p, path, NULL, &doc, r) != 0)
		return r->http_status == 404 ? 0 : -1;
	int rc = store_refund(p, jdoc_root(doc), object_id, r);
	jdoc_free(&doc);
	return rc == 0 ? 1 : -1;
}

/* ---- complaints ---- */

static int complaint_post(struct provider *p, const char *complaint_id, const char *what,
                          json_t *body, struct provider_result *r)
{
	char id[160], path[320];
	enc(complaint_id, id, sizeof id);
	snprintf(path, sizeof path, "/v3/merchant-service/complaints-v2/%s/%s", id, what);
	struct jdoc *doc = NULL;
	/* An answer sent twice is shown twice: the outbox resolves a lost reply. */
	int rc = post_as(p, path, body, true, &doc, r);
	jdoc_free(&doc);
	if (rc == 0)
		refresh_complaint(p, complaint_id);
	return rc;
}

static int wxp_complaint_reply(struct provider *p, const struct provider_complaint_reply *req,
                               struct provider_result *r)
{
	json_t *images = json_array();
	for (size_t i = 0; images && i < req->n_images; i++)
		json_array_append_new(images, json_string(req->images[i]));
	json_t *body = json_pack("{s:s, s:s}", "complainted_mchid", wxp_of(p)->mchid,
	                         "response_content", req->text ? req->text : "");
	if (body && images && req->n_images)
		json_object_set(body, "response_images", images);
	json_decref(images);
	return complaint_post(p, req->complaint_id, "response", body, r);
}

static int wxp_complaint_complete(struct provider *p, const struct provider_complaint_reply *req,
                                  struct provider_result *r)
{
	json_t *body = json_pack("{s:s}", "complainted_mchid", wxp_of(p)->mchid);
	return complaint_post(p, req->complaint_id, "complete", body, r);
}

static int wxp_complaint_refund(struct provider *p, const struct provider_complaint_refund *req,
                                struct provider_result *r)
{
	json_t *body = req->approve
	                       ? json_pack("{s:s, s:i}", "action", "APPROVE", "launch_refund_day",
	                                   req->refund_in_days > 0 ? req->refund_in_days : 0)
	                       : json_pack("{s:s, s:s}", "action", "REJECT", "reject_reason",
	                                   req->reason ? req->reason : "");
	return complaint_post(p, req->complaint_id, "update-refund-progress", body, r);
}

static int wxp_upload_image(struct provider *p, const char *path, const char *idempotency_key,
                            char *image_id, struct provider_result *r)
{
	(void)idempotency_key;
	char err[600];
	size_t len;
	char *data = profile_read_file(path, 5 * 1024 * 1024, false, &len, err, sizeof err);
	if (!data) {
		provider_fail(r, PROVIDER_INVALID, err);
		return -1;
	}
	char sha[65];
	crypto_sha256_hex(data, len, sha);
	const char *slash = strrchr(path, '/');
	json_t *meta_obj =
	        json_pack("{s:s, s:s}", "filename", slash ? slash + 1 : path, "sha256", sha);
	char *meta = meta_obj ? json_dumps(meta_obj, JSON_COMPACT) : NULL;
	json_decref(meta_obj);
	curl_mime *mime = meta ? http_mime_new(p->http) : NULL;
	curl_mimepart *m1 = mime ? curl_mime_addpart(mime) : NULL;
	curl_mimepart *m2 = mime ? curl_mime_addpart(mime) : NULL;
	bool ok = m1 && m2 && curl_mime_name(m1, "meta") == CURLE_OK &&
	          curl_mime_data(m1, meta, CURL_ZERO_TERMINATED) == CURLE_OK &&
	          curl_mime_type(m1, "application/json") == CURLE_OK &&
	          curl_mime_name(m2, "file") == CURLE_OK &&
	          curl_mime_data(m2, data, len) == CURLE_OK &&
	          curl_mime_filename(m2, slash ? slash + 1 : path) == CURLE_OK;
	free(data);
	int rc = -1;
	if (ok) {
		struct http_request rq = {.method = "POST",
		                          .path_query = "/v3/merchant-service/images/upload",
		                          .mime = mime,
		                          .signed_body = meta};
		struct jdoc *doc = NULL;
		rc = http_request(p->http, &rq, &doc, r);
		const char *id = rc == 0 ? jval_str(jval_get(jdoc_root(doc), "media_id")) : NULL;
		if (rc == 0 && !id) {
			provider_fail(r, PROVIDER_BAD_REPLY, _("the platform sent no image id"));
			rc = -1;
		} else if (rc == 0) {
			snprintf(image_id, 128, "%s", id);
		}
		jdoc_free(&doc);
	} else {
		provider_fail(r, PROVIDER_BAD_REPLY, _("out of memory"));
	}
	curl_mime_free(mime);
	free(meta);
	return rc;
}

static int wxp_decrypt_field(struct provider *p, const char *ciphertext, char *out, size_t size,
                             struct provider_result *r)
{
	char err[300];
	if (crypto_oaep_decrypt(wxp_of(p)->key, ciphertext, out, size, err, sizeof err) != 0) {
		provider_fail(r, PROVIDER_INVALID, err);
		return -1;
	}
	return 0;
}

static const struct provider_ops wxp_ops = {
        .name = "wechatpay",
        .create_refund = wxp_create_refund,
        .find_refund_by_action = wxp_find_refund,
        .account = wxp_account,
        .bill_day = wxp_bill_day,
        .list_dated = wxp_list_dated,
        .lookup_order = wxp_lookup_order,
        .complaint_history = wxp_complaint_history,
        .complaint_reply = wxp_complaint_reply,
        .complaint_complete = wxp_complaint_complete,
        .complaint_refund = wxp_complaint_refund,
        .upload_image = wxp_upload_image,
        .decrypt_field = wxp_decrypt_field,
};

/* Complaints are listed by date, 30 days a request at most, back as far as the bills. */
static const struct provider_dated_spec wxp_dated[] = {
        {PROVIDER_DISPUTES, 30, 0, false},
};

const struct provider_platform wechatpay_platform = {
        .name = "wechatpay",
        .title = N_("WeChat Pay"),
        .history = PROVIDER_HISTORY_BILLS,
        .actions = PROVIDER_ACT_REFUND | PROVIDER_ACT_REPLY | PROVIDER_ACT_COMPLETE |
                   PROVIDER_ACT_REFUND_DECISION | PROVIDER_ACT_LOOKUP,
        .fee_decimals = 5,
        .day_zone = "Asia/Shanghai",
        .day_utc_offset = WXP_UTC_OFFSET,
        .history_days = 90,
        .clock_skew = WXP_CLOCK_SKEW,
        .default_api_base = "https://api.mch.weixin.qq.com",
        .order_id_label = N_("WeChat Pay order no."),
        .order_ref_label = N_("Merchant order no."),
        .dispute_noun = N_("complaint"),
        .disputes_title = N_("Complaints"),
        .dispute_rate_title = N_("Complaint rate"),
        .resource_words = {[PROVIDER_CHARGES] = N_("orders"),
                           [PROVIDER_REFUNDS] = N_("refunds"),
                           [PROVIDER_DISPUTES] = N_("complaints"),
                           [PROVIDER_PAYOUTS] = N_("withdrawals"),
                           [PROVIDER_BALANCE_TRANSACTIONS] = N_("the fund flow")},
        .account_word = N_("the platform's certificates"),
        .credentials_hint = N_("check mchid, merchant_serial (the serial of the merchant API "
                               "certificate) and private_key_file (its private key)"),
        .verify_hint = N_("check wechatpay_public_key_file and wechatpay_public_key_id, or "
                          "leave both out to use the platform's certificates"),
        .dated = wxp_dated,
        .n_dated = sizeof wxp_dated / sizeof *wxp_dated,
        .check_profile = wxp_check_profile,
        .open = wxp_open,
};
