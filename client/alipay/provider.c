/* The Alipay provider: the app's keys from the profile's files, and the operations of the
 * back office through the gateway - the day's bills (trades, the account statement), the
 * account log for what the bills do not hold yet, trade complaints, one trade by either
 * number, refunds by out_request_no. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "client/client.h"
#include "client/crypto.h"
#include "client/days.h"
#include "client/provider_private.h"
#include "client/alipay/alipay.h"

static struct alp *alp_of(struct provider *p)
{
	return p->impl;
}

static int alp_check_profile(const struct profile *p, char *err, size_t err_size)
{
	if (!p->merchant_id[0] || !p->private_key_file[0] || !p->platform_key_file[0]) {
		snprintf(err, err_size,
		         _("profile [%s] (Alipay) needs app_id, app_private_key_file (the app's "
		           "private key, mode 0600) and alipay_public_key_file (Alipay's public "
		           "key)"),
		         p->name);
		return -1;
	}
	return 0;
}

static int load_keys(struct alp *a, const struct profile *p, char *err, size_t err_size)
{
	char sub[600];
	size_t len;
	char *pem = profile_read_file(p->private_key_file, 64 * 1024, true, &len, sub, sizeof sub);
	if (!pem) {
		snprintf(err, err_size, "app_private_key_file: %s", sub);
		return -1;
	}
	a->key = crypto_private_key(pem, len, sub, sizeof sub);
	memset(pem, 0, len);
	free(pem);
	if (!a->key) {
		snprintf(err, err_size, "app_private_key_file %s: %s", p->private_key_file, sub);
		return -1;
	}
	char *pub =
	        profile_read_file(p->platform_key_file, 64 * 1024, false, &len, sub, sizeof sub);
	if (!pub) {
		snprintf(err, err_size, "alipay_public_key_file: %s", sub);
		return -1;
	}
	a->pub = crypto_public_key(pub, len, sub, sizeof sub);
	free(pub);
	if (!a->pub) {
		snprintf(err, err_size, "alipay_public_key_file %s: %s", p->platform_key_file, sub);
		return -1;
	}
	/* The classic mistake: the app's own public key where Alipay's belongs. Every reply
	 * would then fail its check. */
	if (crypto_same_key(a->pub, a->key)) {
		snprintf(
		        err, err_size,
		        _("alipay_public_key_file %s is the app's own public key (the one you "
		          "uploaded to Alipay); it must be Alipay's public key (支付宝公钥), shown "
		          "beside it on the open platform's key settings"),
		        p->platform_key_file);
		return -1;
	}
	return 0;
}

static void alp_free(void *impl)
{
	struct alp *a = impl;
	if (!a)
		return;
	EVP_PKEY_free(a->key);
	EVP_PKEY_free(a->pub);
	free(a);
}

static const struct provider_ops alp_ops;

static struct provider *alp_open(const struct profile *profile, struct cache *cache, char *err,
                                 size_t err_size)
{
	struct provider *p = provider_new(&alipay_platform, &alp_ops, cache);
	struct alp *a = p ? calloc(1, sizeof *a) : NULL;
	if (!a) {
		free(p);
		snprintf(err, err_size, _("out of memory"));
		return NULL;
	}
	p->impl = a;
	p->impl_free = alp_free;
	snprintf(a->app_id, sizeof a->app_id, "%s", profile->merchant_id);
	if (load_keys(a, profile, err, err_size) != 0) {
		provider_close(&p);
		return NULL;
	}
	alp_wire_init(a);
	struct http_options o = {.base = profile->api_base,
	                         .ca_file = profile->ca_file,
	                         .timeout = profile->timeout,
	                         .wire = &a->wire};
	p->http = http_open(&o, err, err_size);
	if (!p->http) {
		provider_close(&p);
		return NULL;
	}
	return p;
}

static int call(struct provider *p, const char *method, json_t *biz, struct jdoc **doc,
                const struct jval **node, struct provider_result *r)
{
	return alp_call(alp_of(p), p->http, method, biz, doc, node, r);
}

/* Fen as the yuan string Alipay takes ("12.34"). */
static void yuan_text(int64_t fen, char *out, size_t size)
{
	snprintf(out, size, "%s%" PRId64 ".%02" PRId64, fen < 0 ? "-" : "",
	         (fen < 0 ? -fen : fen) / 100, (fen < 0 ? -fen : fen) % 100);
}

/* A signed call that the platform answers "no such trade" proves that it takes the app's
 * signature and that its answers verify with the configured key. */
static int alp_account(struct provider *p, char *account_id, int64_t *created,
                       struct provider_result *r)
{
	snprintf(account_id, 64, "%s", alp_of(p)->app_id);
	*created = 0;
	struct jdoc *doc = NULL;
	const struct jval *node;
	json_t *biz = json_pack("{s:s}", "out_trade_no", "paydesk-connection-check");
	if (call(p, "alipay.trade.query", biz, &doc, &node, r) == 0) {
		jdoc_free(&doc);
		return 0;
	}
	return r->outcome == PROVIDER_INVALID ? 0 : -1;
}

/* Tries of a bill whose transfer breaks. */
#define ALP_BILL_TRIES 3

/* ---- bills ---- */

struct download {
	int fd;
	bool failed;
};

static size_t to_file(void *user, const char *data, size_t n)
{
	struct download *d = user;
	size_t done = 0;
	while (done < n) {
		ssize_t w = write(d->fd, data + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			d->failed = true;
			return done;
		}
		done += (size_t)w;
	}
	return n;
}

/* One try of read_bill. */
static int read_bill_once(struct provider *p, const char *type, const char *day,
                          const struct provider_bill_sink *sink, void *user,
                          struct provider_result *r)
{
	json_t *biz = json_pack("{s:s, s:s}", "bill_type", type, "bill_date", day);
	struct jdoc *doc = NULL;
	const struct jval *node;
	if (call(p, "alipay.data.dataservice.bill.downloadurl.query", biz, &doc, &node, r) != 0) {
		if (strstr(r->error_code, "BILL_NOT_EXIST") ||
		    strstr(r->error_code, "bill_not_exist"))
			return 1;
		if (strstr(r->error_code, "NOT_READY") || strstr(r->error_code, "not_ready") ||
		    strstr(r->error_code, "GENERATING"))
			r->outcome = PROVIDER_NOT_YET;
		return -1;
	}
	const char *url = jval_str(jval_get(node, "bill_download_url"));
	char download[2048];
	snprintf(download, sizeof download, "%s", url ? url : "");
	jdoc_free(&doc);
	if (!download[0]) {
		provider_fail(r, PROVIDER_BAD_REPLY,
		              _("the platform's bill answer has no address"));
		return -1;
	}
	const char *tmp = getenv("TMPDIR");
	char path[512];
	snprintf(path, sizeof path, "%s/paydesk-bill-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	struct download d = {.fd = mkstemp(path)};
	if (d.fd < 0) {
		char why[600];
		snprintf(why, sizeof why, _("the bill cannot be kept while it is read: %s"),
		         strerror(errno));
		provider_fail(r, PROVIDER_BAD_REPLY, why);
		return -1;
	}
	/* The address came inside a verified answer; the file itself is not signed. */
	struct http_request rq = {.method = "GET",
	                          .path_query = download,
	                          .absolute = true,
	                          .unsigned_reply = true,
	                          .sink = to_file,
	                          .sink_user = &d};
	struct jdoc *none = NULL;
	int rc = http_request(p->http, &rq, &none, r);
	if (close(d.fd) != 0 || d.failed) {
		if (rc == 0)
			provider_fail(r, PROVIDER_BAD_REPLY,
			              _("the bill could not be kept while it is read"));
		rc = -1;
	}
	if (rc == 0)
		rc = alp_bill_read(path, type, day, sink, user, r);
	unlink(path);
	return rc;
}

/* Downloads one bill of day (zip) and reads it into the sink. 0, 1 when the platform has
 * no such bill (no business), -1 with r. A broken transfer is asked for and read again
 * from the start (a new link: the old may have expired); the rows already handed over are
 * stored again, the same. */
static int read_bill(struct provider *p, const char *type, const char *day,
                     const struct provider_bill_sink *sink, void *user, struct provider_result *r)
{
	for (int attempt = 1;; attempt++) {
		int rc = read_bill_once(p, type, day, sink, user, r);
		if (rc >= 0 || !provider_outcome_transient(r->outcome) || attempt >= ALP_BILL_TRIES)
			return rc;
	}
}

static int alp_bill_day(struct provider *p, const char *day, const struct provider_bill_sink *sink,
                        void *user, struct provider_result *r)
{
	memset(r, 0, sizeof *r);
	static const char *const types[] = {"trade", "signcustomer"};
	for (size_t i = 0; i < 2; i++) {
		int rc = read_bill(p, types[i], day, sink, user, r);
		if (rc < 0)
			return -1;
		if (rc == 1 && sink->summary(user, types[i], NULL, 0, NULL) != 0) {
			provider_fail(r, PROVIDER_BAD_REPLY,
			              _("the cache could not take the bill's rows"));
			return -1;
		}
	}
	return 0;
}

/* ---- pages ---- */

/* A page with room for cap objects; the page takes the document over. */
static int page_new(struct provider_page *page, struct jdoc *doc, size_t cap,
                    struct provider_result *r)
{
	memset(page, 0, sizeof *page);
	page->doc = doc;
	page->objects = calloc(cap ? cap : 1, sizeof *page->objects);
	if (!page->objects) {
		provider_page_free(page);
		provider_fail(r, PROVIDER_BAD_REPLY, _("out of memory"));
		return -1;
	}
	return 0;
}

static int unreadable(struct provider_page *page, struct provider_result *r, const char *err)
{
	char msg[400];
	snprintf(msg, sizeof msg, _("the platform sent an object paydesk cannot read: %s"), err);
	provider_page_free(page);
	provider_fail(r, PROVIDER_BAD_REPLY, msg);
	return -1;
}

/* Complaints of [from, to), 20 a page (the most Alipay gives). */
static int list_complaints(struct provider *p, int64_t from, int64_t to, int64_t offset,
                           struct provider_page *page, struct provider_result *r)
{
	char begin[20], end[20];
	alp_format_time(from, begin);
	alp_format_time(to - 1, end);
	json_t *biz = json_pack("{s:s, s:s, s:I, s:i}", "begin_time", begin, "end_time", end,
	                        "page_num", (json_int_t)(offset / 20 + 1), "page_size", 20);
	struct jdoc *doc = NULL;
	const struct jval *node;
	if (call(p, "alipay.merchant.tradecomplain.batchquery", biz, &doc, &node, r) != 0)
		return -1;
	const struct jval *list = jval_get(node, "trade_complain_infos");
	size_t n = jval_is(list, J_ARRAY) ? list->len : 0;
	const struct jval *pages = jval_get(node, "total_page_num");
	if (page_new(page, doc, n, r) != 0)
		return -1;
	const struct jval *c;
	uint32_t i;
	if (n)
		JVAL_EACH(c, i, list)
		{
			char err[256];
			if (alp_map_complaint(c, &page->objects[page->n], err, sizeof err) != 0)
				return unreadable(page, r, err);
			page->n++;
		}
	/* total_page_num as a number or a string; pages are of 20. */
	const char *pt = jval_str(pages);
	int64_t npages = jval_is(pages, J_INT) ? pages->v.i : pt ? strtoll(pt, NULL, 10) : 0;
	page->has_more = n > 0 && offset / 20 + 1 < npages;
	return 0;
}

/* The account log of [from, to), 2000 entries a page. */
static int list_account_log(struct provider *p, int64_t from, int64_t to, int64_t offset,
                            struct provider_page *page, struct provider_result *r)
{
	char begin[20], end[20];
	alp_format_time(from, begin);
	alp_format_time(to, end);
	json_t *biz = json_pack("{s:s, s:s, s:s, s:s}", "start_time", begin, "end_time", end,
	                        "page_no", "1", "page_size", "2000");
	char page_no[24];
	snprintf(page_no, sizeof page_no, "%" PRId64, offset / 2000 + 1);
	if (biz)
		json_object_set_new(biz, "page_no", json_string(page_no));
	struct jdoc *doc = NULL;
	const struct jval *node;
	if (call(p, "alipay.data.bill.accountlog.query", biz, &doc, &node, r) != 0)
		return -1;
	const struct jval *list = jval_get(node, "detail_list");
	size_t n = jval_is(list, J_ARRAY) ? list->len : 0;
	const char *total = jval_str(jval_get(node, "total_size"));
	const struct jval *total_int = jval_get(node, "total_size");
	int64_t all = total                       ? strtoll(total, NULL, 10)
	              : jval_is(total_int, J_INT) ? total_int->v.i
	                                          : 0;
	if (page_new(page, doc, 3 * n, r) != 0)
		return -1;
	const struct jval *c;
	uint32_t i;
	if (n)
		JVAL_EACH(c, i, list)
		{
			char err[256];
			int k = alp_map_account_entry(c, &page->objects[page->n], err, sizeof err);
			if (k < 0)
				return unreadable(page, r, err);
			page->n += (size_t)k;
		}
	page->has_more = offset + (int64_t)n < all && n > 0;
	return 0;
}

static int alp_list_dated(struct provider *p, enum provider_resource res, int64_t from, int64_t to,
                          int64_t offset, struct provider_page *page, struct provider_result *r)
{
	memset(page, 0, sizeof *page);
	if (res == PROVIDER_DISPUTES)
		return list_complaints(p, from, to, offset, page, r);
	if (res == PROVIDER_BALANCE_TRANSACTIONS)
		return list_account_log(p, from, to, offset, page, r);
	provider_fail(r, PROVIDER_INVALID, _("the platform has no such list"));
	return -1;
}

static int alp_complaint_history(struct provider *p, const char *complaint_id,
                                 struct provider_page *page, struct provider_result *r)
{
	json_t *biz = json_pack("{s:s}", "complain_event_id", complaint_id);
	struct jdoc *doc = NULL;
	const struct jval *node;
	if (call(p, "alipay.merchant.tradecomplain.query", biz, &doc, &node, r) != 0)
		return -1;
	const struct jval *replies = jval_get(node, "reply_detail_infos");
	size_t n = jval_is(replies, J_ARRAY) ? replies->len : 0;
	if (page_new(page, doc, n + 1, r) != 0)
		return -1;
	char err[256];
	if (alp_map_complaint(node, &page->objects[0], err, sizeof err) != 0)
		return unreadable(page, r, err);
	page->n = 1;
	page->n += alp_map_replies(node, complaint_id, page->objects + 1, n);
	provider_store(p, page->objects, page->n);
	return 0;
}

static int complaint_call(struct provider *p, const char *method, json_t *biz,
                          const char *complaint_id, struct provider_result *r)
{
	struct jdoc *doc = NULL;
	const struct jval *node;
	int rc = call(p, method, biz, &doc, &node, r);
	jdoc_free(&doc);
	if (rc == 0) {
		struct provider_page pg;
		struct provider_result ignored;
		if (alp_complaint_history(p, complaint_id, &pg, &ignored) == 0)
			provider_page_free(&pg);
	}
	return rc;
}

/* The images' ids as the complaint methods take them: one string, comma-separated. */
static json_t *image_list(const struct provider_complaint_reply *req)
{
	char ids[1024] = "";
	size_t len = 0;
	for (size_t i = 0; i < req->n_images && len < sizeof ids; i++) {
		int n = snprintf(ids + len, sizeof ids - len, "%s%s", i ? "," : "", req->images[i]);
		if (n < 0)
			break;
		len += (size_t)n;
	}
	return json_string(ids);
}

static int alp_complaint_reply(struct provider *p, const struct provider_complaint_reply *req,
                               struct provider_result *r)
{
	json_t *biz = json_pack("{s:s, s:s}", "complain_event_id", req->complaint_id,
	                        "reply_content", req->text ? req->text : "");
	if (biz && req->n_images)
		json_object_set_new(biz, "reply_images", image_list(req));
	return complaint_call(p, "alipay.merchant.tradecomplain.reply.submit", biz,
	                      req->complaint_id, r);
}

static int alp_complaint_complete(struct provider *p, const struct provider_complaint_reply *req,
                                  struct provider_result *r)
{
	json_t *biz = json_pack("{s:s, s:s, s:s}", "complain_event_id", req->complaint_id,
	                        "feedback_code", req->code ? req->code : "04", "feedback_content",
	                        req->text ? req->text : "");
	if (biz && req->n_images)
		json_object_set_new(biz, "feedback_images", image_list(req));
	return complaint_call(p, "alipay.merchant.tradecomplain.feedback.submit", biz,
	                      req->complaint_id, r);
}

/* ---- one trade ---- */

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static int alp_lookup_order(struct provider *p, const char *id, struct provider_page *page,
                            struct provider_result *r)
{
	memset(page, 0, sizeof *page);
	bool trade_first = all_digits(id) && strlen(id) >= 20;
	for (int k = 0; k < 2; k++) {
		bool by_trade = (k == 0) == trade_first;
		json_t *biz = json_pack("{s:s}", by_trade ? "trade_no" : "out_trade_no", id);
		struct jdoc *doc = NULL;
		const struct jval *node;
		if (call(p, "alipay.trade.query", biz, &doc, &node, r) == 0) {
			if (page_new(page, doc, 1, r) != 0)
				return -1;
			char err[256];
			if (alp_map_trade(node, &page->objects[0], err, sizeof err) != 0)
				return unreadable(page, r, err);
			page->n = 1;
			provider_store(p, page->objects, 1);
			return 1;
		}
		if (strcmp(r->error_code, "ACQ.TRADE_NOT_EXIST") != 0)
			return -1;
	}
	return 0;
}

/* ---- refunds ---- */

/* Stores a refund of a trade by its request number and names it. */
static void store_refund(struct provider *p, const char *trade_no, const char *out_trade_no,
                         const char *request_no, int64_t amount, char *object_id)
{
	struct model_object m;
	memset(&m, 0, sizeof m);
	m.kind = MODEL_REFUND;
	if (!model_set_own_id(&m, "%s/%s", trade_no, request_no))
		return;
	m.created = (int64_t)paydesk_now();
	struct model_refund *rf = &m.u.refund;
	rf->amount = amount;
	rf->currency = "cny";
	rf->order_id = trade_no;
	rf->order_ref = out_trade_no;
	rf->refund_ref = request_no;
	if (strncmp(request_no, "act_", 4) == 0)
		rf->action_id = request_no;
	rf->status = "succeeded";
	rf->settle_amount = rf->coupon_refund = rf->fee_fine = MODEL_UNKNOWN;
	rf->derive_order = true;
	if (object_id)
		snprintf(object_id, 64, "%s", m.id);
	provider_store(p, &m, 1);
	model_object_clear(&m);
}

static int alp_create_refund(struct provider *p, const struct provider_refund_request *req,
                             char *object_id, struct provider_result *r)
{
	if (!req->action_id || !*req->action_id) {
		provider_fail(r, PROVIDER_INVALID,
		              _("a change was about to be sent without an idempotency key"));
		return -1;
	}
	int64_t amount = req->amount > 0 ? req->amount : req->left;
	char yuan[40];
	yuan_text(amount, yuan, sizeof yuan);
	json_t *biz = json_pack("{s:s, s:s, s:s}", "trade_no", req->order_id, "refund_amount", yuan,
	                        "out_request_no", req->action_id);
	const char *reason = req->note && *req->note ? req->note : req->reason;
	if (biz && reason)
		json_object_set_new(biz, "refund_reason", json_string(reason));
	struct jdoc *doc = NULL;
	const struct jval *node;
	if (call(p, "alipay.trade.refund", biz, &doc, &node, r) != 0)
		return -1;
	const char *out_trade_no = jval_str(jval_get(node, "out_trade_no"));
	char ref[128];
	snprintf(ref, sizeof ref, "%s", out_trade_no ? out_trade_no : "");
	jdoc_free(&doc);
	store_refund(p, req->order_id, ref[0] ? ref : NULL, req->action_id, amount, object_id);
	return 0;
}

/* The refund's request number is the action's id: the query by it finds whether it was
 * made (code 10000 alone does not mean refunded: refund_status does). */
static int alp_find_refund(struct provider *p, const char *order_id, const char *action_id,
                           char *object_id, struct provider_result *r)
{
	json_t *biz = json_pack("{s:s, s:s}", "trade_no", order_id, "out_request_no", action_id);
	struct jdoc *doc = NULL;
	const struct jval *node;
	if (call(p, "alipay.trade.fastpay.refund.query", biz, &doc, &node, r) != 0)
		return strcmp(r->error_code, "ACQ.TRADE_NOT_EXIST") == 0 ? 0 : -1;
	const char *status = jval_str(jval_get(node, "refund_status"));
	const char *amount = jval_str(jval_get(node, "refund_amount"));
	const char *out_trade_no = jval_str(jval_get(node, "out_trade_no"));
	int64_t fen = 0;
	bool done = status && strcmp(status, "REFUND_SUCCESS") == 0 && amount &&
	            alp_yuan(amount, strlen(amount), &fen) == 0;
	char ref[128];
	snprintf(ref, sizeof ref, "%s", out_trade_no ? out_trade_no : "");
	jdoc_free(&doc);
	if (!done)
		return 0;
	store_refund(p, order_id, ref[0] ? ref : NULL, action_id, fen, object_id);
	return 1;
}

static int alp_upload_image(struct provider *p, const char *path, const char *idempotency_key,
                            char *image_id, struct provider_result *r)
{
	(void)idempotency_key;
	const char *dot = strrchr(path, '.');
	const char *type = dot && dot[1] ? dot + 1 : "jpg";
	const char *slash = strrchr(path, '/');
	curl_mime *mime = http_mime_new(p->http);
	curl_mimepart *t = mime ? curl_mime_addpart(mime) : NULL;
	curl_mimepart *f = mime ? curl_mime_addpart(mime) : NULL;
	if (!t || !f || curl_mime_name(t, "image_type") != CURLE_OK ||
	    curl_mime_data(t, type, CURL_ZERO_TERMINATED) != CURLE_OK ||
	    curl_mime_name(f, "image_content") != CURLE_OK ||
	    curl_mime_filedata(f, path) != CURLE_OK ||
	    curl_mime_filename(f, slash ? slash + 1 : path) != CURLE_OK) {
		curl_mime_free(mime);
		provider_fail(r, PROVIDER_INVALID, _("the file cannot be read"));
		return -1;
	}
	struct jdoc *doc = NULL;
	const struct jval *node;
	int rc = alp_call_upload(alp_of(p), p->http, "alipay.merchant.image.upload", NULL,
	                         "image_type", type, mime, &doc, &node, r);
	curl_mime_free(mime);
	if (rc != 0)
		return -1;
	const char *id = jval_str(jval_get(node, "image_id"));
	if (!id) {
		jdoc_free(&doc);
		provider_fail(r, PROVIDER_BAD_REPLY, _("the platform sent no image id"));
		return -1;
	}
	snprintf(image_id, 128, "%s", id);
	jdoc_free(&doc);
	return 0;
}

static const struct provider_ops alp_ops = {
        .name = "alipay",
        .create_refund = alp_create_refund,
        .find_refund_by_action = alp_find_refund,
        .account = alp_account,
        .bill_day = alp_bill_day,
        .list_dated = alp_list_dated,
        .lookup_order = alp_lookup_order,
        .complaint_history = alp_complaint_history,
        .complaint_reply = alp_complaint_reply,
        .complaint_complete = alp_complaint_complete,
        .upload_image = alp_upload_image,
};

/* Complaints by date, back as far as the bills; the account log for what the bills do not
 * hold yet (today), 31 days a request at most. */
static const struct provider_dated_spec alp_dated[] = {
        {PROVIDER_BALANCE_TRANSACTIONS, 31, 0, true},
        {PROVIDER_DISPUTES, 30, 0, false},
};

/* feedback.submit's codes (00, the guarantee-fund refund, is in older documentation only). */
static const struct provider_feedback_code alp_feedback_codes[] = {
        {"04", N_("other")},
        {"02", N_("refunded another way")},
        {"03", N_("shipped")},
        {"05", N_("after-sales service done")},
        {"06", N_("not the merchant's responsibility")},
};

const struct provider_platform alipay_platform = {
        .name = "alipay",
        .title = N_("Alipay"),
        .history = PROVIDER_HISTORY_BILLS,
        .actions = PROVIDER_ACT_REFUND | PROVIDER_ACT_REPLY | PROVIDER_ACT_COMPLETE |
                   PROVIDER_ACT_LOOKUP,
        .fee_decimals = 2,
        .day_zone = "Asia/Shanghai",
        .day_utc_offset = ALP_UTC_OFFSET,
        .history_days = 90,
        .clock_skew = 300, /* the gateway refuses a timestamp five minutes off */
        .default_api_base = "https://openapi.alipay.com",
        .order_id_label = N_("Alipay trade no."),
        .order_ref_label = N_("Merchant order no."),
        .dispute_noun = N_("complaint"),
        .disputes_title = N_("Complaints"),
        .dispute_rate_title = N_("Complaint rate"),
        .resource_words = {[PROVIDER_CHARGES] = N_("orders"),
                           [PROVIDER_REFUNDS] = N_("refunds"),
                           [PROVIDER_DISPUTES] = N_("complaints"),
                           [PROVIDER_PAYOUTS] = N_("withdrawals"),
                           [PROVIDER_BALANCE_TRANSACTIONS] = N_("the account log")},
        .account_word = N_("the account"),
        .credentials_hint = N_("check app_id and app_private_key_file (the app's private key, "
                               "whose public key is the one uploaded to Alipay)"),
        .verify_hint = N_("check alipay_public_key_file: it must hold Alipay's public key, "
                          "not the app's own"),
        .feedback_codes = alp_feedback_codes,
        .n_feedback_codes = sizeof alp_feedback_codes / sizeof *alp_feedback_codes,
        .dated = alp_dated,
        .n_dated = sizeof alp_dated / sizeof *alp_dated,
        .check_profile = alp_check_profile,
        .open = alp_open,
};
