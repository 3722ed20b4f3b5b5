/* WeChat Pay's request pipeline: every /v3 request passes, in order, the request log,
 * fault injection, the Accept and User-Agent check, the WECHATPAY2-SHA256-RSA2048
 * signature, the rate limit and the API; every reply but a file download is signed
 * (Wechatpay-Timestamp/-Nonce/-Signature/-Serial) with the key the request asks for:
 * the platform public key's (public-key mode) or a platform certificate's. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sandbox/wechatpay/wechatpay.h"

#define AUTH_SCHEME "WECHATPAY2-SHA256-RSA2048 "

void wx_error(struct wx_reply *r, int status, const char *code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sbx_buf_free(&r->body);
	r->status = status;
	r->content_type = NULL;
	r->unsigned_reply = 0;
	sbx_buf_puts(&r->body, "{");
	SBX_KSTR(&r->body, "code", code);
	sbx_buf_puts(&r->body, ",");
	SBX_KSTR(&r->body, "message", msg);
	sbx_buf_puts(&r->body, "}");
}

void wx_error_required(struct wx_reply *r, const char *where, const char *label)
{
	wx_error(r, 400, "PARAM_ERROR",
	         "输入源“%s”映射到字段“%s”必填性规则校验失败，此字段为必填项", where, label);
}

struct auth {
	char mchid[32];
	char nonce[64];
	char timestamp[24];
	char serial[64];
	char signature[1024];
};

/* Parses the Authorization value: the scheme, then key="value" pairs in any order.
 * Returns 0 when all five are present and fit. */
static int parse_auth(const char *h, struct auth *a)
{
	const char *p;

	memset(a, 0, sizeof(*a));
	if (h == NULL || strncmp(h, AUTH_SCHEME, strlen(AUTH_SCHEME)) != 0)
		return -1;
	p = h + strlen(AUTH_SCHEME);
	while (*p) {
		char key[16];
		size_t kn = 0, vn;
		const char *v;
		char *dst = NULL;
		size_t cap = 0;

		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		while ((p[kn] >= 'a' && p[kn] <= 'z') || p[kn] == '_')
			kn++;
		if (kn == 0 || kn >= sizeof(key) || p[kn] != '=' || p[kn + 1] != '"')
			return -1;
		memcpy(key, p, kn);
		key[kn] = '\0';
		v = p + kn + 2;
		vn = strcspn(v, "\"");
		if (v[vn] != '"')
			return -1;
		if (strcmp(key, "mchid") == 0)
			dst = a->mchid, cap = sizeof(a->mchid);
		else if (strcmp(key, "nonce_str") == 0)
			dst = a->nonce, cap = sizeof(a->nonce);
		else if (strcmp(key, "timestamp") == 0)
			dst = a->timestamp, cap = sizeof(a->timestamp);
		else if (strcmp(key, "serial_no") == 0)
			dst = a->serial, cap = sizeof(a->serial);
		else if (strcmp(key, "signature") == 0)
			dst = a->signature, cap = sizeof(a->signature);
		if (dst) {
			if (vn == 0 || vn >= cap)
				return -1;
			memcpy(dst, v, vn);
			dst[vn] = '\0';
		}
		p = v + vn + 1;
	}
	return a->mchid[0] && a->nonce[0] && a->timestamp[0] && a->serial[0] && a->signature[0]
	               ? 0
	               : -1;
}

/* The part of a multipart upload the request signature covers: the `meta` part. */
static int signed_body(struct wx_req *rq, const char **body, size_t *len)
{
	const char *ct = rq->content_type;

	*body = rq->body ? rq->body : "";
	*len = rq->body ? rq->body_len : 0;
	if (ct == NULL || strncmp(ct, "multipart/form-data", 19) != 0)
		return 0;
	return wx_multipart_part(ct, rq->body, rq->body_len, "meta", body, len, NULL, 0);
}

static void sign_error(struct wx_reply *r, const char *method, const char *uri, const char *msg,
                       size_t msg_len)
{
	size_t shown = msg_len < 128 ? msg_len : 128;

	/* Cut at a character boundary: the message may hold UTF-8. */
	while (shown > 0 && shown < msg_len && ((unsigned char)msg[shown] & 0xc0) == 0x80)
		shown--;
	wx_error(r, 401, "SIGN_ERROR", "错误的签名，验签失败");
	r->body.len--; /* reopen the object for the detail */
	sbx_buf_puts(&r->body, ",\"detail\":{\"detail\":{\"issue\":\"sign not match\"},"
	                       "\"field\":\"signature\",\"location\":\"authorization\","
	                       "\"sign_information\":{");
	SBX_KSTR(&r->body, "method", method);
	sbx_buf_puts(&r->body, ",");
	SBX_KI64(&r->body, "sign_message_length", (int64_t)msg_len);
	sbx_buf_puts(&r->body, ",\"truncated_sign_message\":");
	sbx_buf_jstrn(&r->body, msg, shown);
	sbx_buf_puts(&r->body, ",");
	SBX_KSTR(&r->body, "url", uri);
	sbx_buf_puts(&r->body, "}}}");
}

/* Checks the request signature. 0, or fills a 401 and returns -1. */
static int authenticate(struct sbx *s, struct wx_req *rq, const char *header, struct wx_reply *r)
{
	struct wx_state *w = wx_state(s);
	struct auth a;
	struct sbx_buf msg;
	const char *body;
	size_t body_len;
	unsigned char *sig = NULL;
	size_t sig_len = 0;
	char *end;
	long long ts;
	int ok;

	if (parse_auth(header, &a) != 0) {
		wx_error(r, 401, "SIGN_ERROR",
		         "Http头Authorization值格式错误，请参考《微信支付商户REST API签名规则》");
		return -1;
	}
	if (strcmp(a.mchid, w->mchid) != 0) {
		wx_error(r, 401, "SIGN_ERROR", "商户号mchid不存在或与商户证书不匹配");
		return -1;
	}
	ts = strtoll(a.timestamp, &end, 10);
	if (*end != '\0' || ts < sbx_now(s) - 300 || ts > sbx_now(s) + 300) {
		wx_error(r, 401, "SIGN_ERROR",
		         "Http头Authorization中的timestamp与发起请求的时间不得超过5分钟");
		return -1;
	}
	if (strcmp(a.serial, w->merchant_serial) != 0) {
		wx_error(r, 401, "SIGN_ERROR", "商户证书序列号有误。");
		return -1;
	}
	if (signed_body(rq, &body, &body_len) != 0) {
		wx_error(r, 400, "PARAM_ERROR", "图片上传的meta字段缺失或格式错误");
		return -1;
	}
	sbx_buf_init(&msg);
	sbx_buf_printf(&msg, "%s\n%s\n%s\n%s\n", rq->method, rq->uri, a.timestamp, a.nonce);
	sbx_buf_put(&msg, body, body_len);
	sbx_buf_put(&msg, "\n", 1);
	ok = !msg.failed && wx_unb64(a.signature, strlen(a.signature), &sig, &sig_len) == 0 &&
	     wx_verify(w->merchant_pub, msg.data, msg.len, sig, sig_len);
	free(sig);
	if (!ok)
		sign_error(r, rq->method, rq->uri, msg.data ? msg.data : "", msg.len);
	sbx_buf_free(&msg);
	return ok ? 0 : -1;
}

static const char *after(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(path, prefix, n) == 0 ? path + n : NULL;
}

static void route(struct sbx *s, struct wx_req *rq, struct wx_reply *r)
{
	const char *p = rq->path;
	const char *rest;
	int get = strcmp(rq->method, "GET") == 0;
	int post = strcmp(rq->method, "POST") == 0;

	/* Unknown paths and wrong methods answer as WeChat's gateway does: an empty body. */
	r->status = 404;
	if (strcmp(p, "/v3/certificates") == 0) {
		if (get)
			wx_api_certificates(s, rq, r);
		else
			r->status = 405;
	} else if ((rest = after(p, "/v3/pay/transactions/id/")) != NULL ||
	           (rest = after(p, "/v3/pay/transactions/out-trade-no/")) != NULL) {
		if (*rest == '\0' || strchr(rest, '/'))
			return;
		if (get)
			wx_api_order(s, rq, p[21] == 'i', rest, r);
		else
			r->status = 405;
	} else if (strcmp(p, "/v3/refund/domestic/refunds") == 0) {
		if (post)
			wx_api_refund_create(s, rq, r);
		else
			r->status = 405;
	} else if ((rest = after(p, "/v3/refund/domestic/refunds/")) != NULL) {
		if (*rest == '\0' || strchr(rest, '/'))
			return;
		if (get)
			wx_api_refund_get(s, rq, rest, r);
		else
			r->status = 405;
	} else if (strcmp(p, "/v3/bill/tradebill") == 0 ||
	           strcmp(p, "/v3/bill/fundflowbill") == 0) {
		if (get)
			wx_api_bill(s, rq, p[9] == 'f', r);
		else
			r->status = 405;
	} else if (strcmp(p, "/v3/billdownload/file") == 0) {
		if (get)
			wx_api_bill_download(s, rq, r);
		else
			r->status = 405;
	} else if (strcmp(p, "/v3/merchant-service/images/upload") == 0) {
		if (post)
			wx_api_image_upload(s, rq, r);
		else
			r->status = 405;
	} else if ((rest = after(p, "/v3/merchant-service/images/")) != NULL) {
		if (*rest == '\0' || strchr(rest, '/'))
			return;
		if (get)
			wx_api_image_get(s, rq, rest, r);
		else
			r->status = 405;
	} else if (after(p, "/v3/merchant-service/complaints-v2") != NULL) {
		wx_api_complaints(s, rq, r);
	}
}

/* Changes the signed reply so that it no longer verifies: the last digit of the first
 * amount ("total":…), else of any number, else the nonce (a 204 has no body). */
static void tamper(struct wx_reply *r, char *nonce)
{
	char *b = r->body.data;
	char *p = b ? strstr(b, "\"total\":") : NULL;
	size_t i;

	if (p) {
		p += 8;
		while (p[1] >= '0' && p[1] <= '9')
			p++;
		if (*p >= '0' && *p <= '9') {
			*p = (char)(*p == '9' ? '8' : *p + 1);
			return;
		}
	}
	for (i = r->body.len; b && i > 0; i--) {
		if (b[i - 1] >= '0' && b[i - 1] <= '9') {
			b[i - 1] = (char)(b[i - 1] == '9' ? '8' : b[i - 1] + 1);
			return;
		}
	}
	nonce[0] = nonce[0] == 'a' ? 'b' : 'a';
}

struct signing {
	EVP_PKEY *key; /* a reference of our own */
	char serial[64];
	int64_t now;
};

static enum MHD_Result send_reply(struct MHD_Connection *con, struct wx_reply *r,
                                  const char *request_id, struct signing *sg, int fault,
                                  int retry_after, size_t cut)
{
	struct sbx_header h[7];
	size_t n = 0;
	char ts[24], nonce[40], num[16];
	struct sbx_buf sig, msg;
	size_t len;
	char *data;
	const char *ctype = r->content_type ? r->content_type : "application/json";
	enum MHD_Result ret;

	sbx_buf_init(&sig);
	sbx_buf_init(&msg);
	if (r->body.data == NULL)
		sbx_buf_puts(&r->body, "");
	h[n++] = (struct sbx_header){"Request-ID", request_id};
	if (!r->unsigned_reply && sg->key) {
		snprintf(ts, sizeof(ts), "%lld",
		         (long long)(sg->now - (fault == WX_FAULT_STALE ? 600 : 0)));
		wx_random_hex(nonce, 32, 0);
		sbx_buf_printf(&msg, "%s\n%s\n", ts, nonce);
		sbx_buf_put(&msg, r->body.data, r->body.len);
		sbx_buf_put(&msg, "\n", 1);
		if (fault == WX_FAULT_SIGNTEST) {
			unsigned char junk[256];

			if (RAND_bytes(junk, sizeof(junk)) != 1)
				memset(junk, 0x42, sizeof(junk));
			sbx_buf_puts(&sig, "WECHATPAY/SIGNTEST/");
			wx_b64(junk, sizeof(junk), &sig);
		} else if (msg.failed || wx_sign(sg->key, msg.data, msg.len, &sig) != 0) {
			sbx_buf_free(&sig);
			sbx_buf_puts(&sig, "");
		}
		if (fault == WX_FAULT_TAMPER)
			tamper(r, nonce);
		h[n++] = (struct sbx_header){"Wechatpay-Nonce", nonce};
		h[n++] = (struct sbx_header){"Wechatpay-Signature", sig.data ? sig.data : ""};
		h[n++] = (struct sbx_header){"Wechatpay-Timestamp", ts};
		h[n++] = (struct sbx_header){"Wechatpay-Serial", sg->serial};
	}
	if (retry_after > 0) {
		snprintf(num, sizeof(num), "%d", retry_after);
		h[n++] = (struct sbx_header){"Retry-After", num};
	}
	data = sbx_buf_take(&r->body, &len);
	/* An empty 204 or 404/405 body carries no Content-Type. */
	ret = sbx_send(con, r->status, len || r->status == 200 ? ctype : NULL, data, len, cut, h,
	               n);
	sbx_buf_free(&sig);
	sbx_buf_free(&msg);
	EVP_PKEY_free(sg->key);
	sg->key = NULL;
	return ret;
}

/* The key this reply is signed with: the public key's when the request's Wechatpay-Serial
 * names its PUB_KEY_ID, and always for a public-key-only merchant; otherwise (no
 * Wechatpay-Serial, as a client of the certificate days sends, or a certificate's serial)
 * a platform certificate's: the one named while valid, else the newest valid. The
 * wrongkey fault swaps in a key the merchant never saw. Lock held. */
static void choose_key(struct sbx *s, struct MHD_Connection *con, int fault, struct signing *sg)
{
	struct wx_state *w = wx_state(s);
	const char *want = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Wechatpay-Serial");
	const struct wx_cert *c = NULL;
	EVP_PKEY *key = w->platform_key;

	sg->now = sbx_now(s);
	snprintf(sg->serial, sizeof(sg->serial), "%s", w->pub_key_id);
	if (!(want && strcmp(want, w->pub_key_id) == 0) && !w->public_key_only)
		c = wx_pick_cert(w, want && want[0] ? want : NULL, sg->now);
	if (c) {
		key = c->key;
		snprintf(sg->serial, sizeof(sg->serial), "%s", c->serial);
	}
	if (fault == WX_FAULT_WRONGKEY) {
		if (w->wrong_key == NULL)
			w->wrong_key = wx_rsa_new();
		if (w->wrong_key)
			key = w->wrong_key;
	}
	sg->key = key;
	if (key)
		EVP_PKEY_up_ref(key);
}

enum MHD_Result wx_serve(struct sbx *s, struct MHD_Connection *con, struct sbx_conn *c,
                         const char *method, const char *path, const char *query,
                         struct sbx_params *qp, struct sbx_params *form)
{
	struct wx_reply r;
	struct wx_req rq;
	struct signing sg;
	struct auth a;
	char request_id[64], key[96], summary[96];
	const char *auth = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Authorization");
	const char *accept = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Accept");
	const char *ua = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "User-Agent");
	const char *logged;
	int fault, retry_after = 0, seconds = 0;
	size_t cut = 0;
	int64_t seq;
	unsigned char rid[20];
	size_t i;

	(void)form;
	memset(&r, 0, sizeof(r));
	memset(&rq, 0, sizeof(rq));
	memset(&sg, 0, sizeof(sg));
	sbx_buf_init(&r.body);
	rq.method = method;
	rq.path = path;
	rq.uri = c->uri;
	rq.qp = qp;
	rq.body = c->body.data;
	rq.body_len = c->body.len;
	rq.content_type = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Type");
	sbx_local_base(s, con, rq.base, sizeof(rq.base));
	/* Request ids look like WeChat's: hex, a dash, digits. */
	if (RAND_bytes(rid, sizeof(rid)) != 1)
		memset(rid, 0x11, sizeof(rid));
	for (i = 0; i < 20; i++)
		snprintf(request_id + 2 * i, 3, "%02X", rid[i]);
	snprintf(request_id + 40, sizeof(request_id) - 40, "-%u",
	         (unsigned)(rid[0] << 16 | rid[1] << 8 | rid[2]) % 900000000u + 100000000u);
	/* The log shows who signed, masked: the mchid and the serial's last four digits. */
	key[0] = '\0';
	if (parse_auth(auth, &a) == 0)
		snprintf(key, sizeof(key), "mch_%.16s_%.40s", a.mchid, a.serial);
	logged = c->body.data;
	if (rq.content_type && strncmp(rq.content_type, "multipart/form-data", 19) == 0) {
		snprintf(summary, sizeof(summary), "(multipart/form-data, %zu bytes)", c->body.len);
		logged = summary;
	}
	pthread_mutex_lock(&s->lock);
	seq = sbx_log_request(s, method, path, query, logged, NULL, key[0] ? key : NULL);
	fault = sbx_take_fault(s, method, path, &retry_after, &seconds);
	rq.fault = fault;
	if (fault == SBX_FAULT_500 || fault == SBX_FAULT_502 || fault == SBX_FAULT_503) {
		int st = fault == SBX_FAULT_500 ? 500 : fault == SBX_FAULT_502 ? 502 : 503;

		wx_error(&r, st, "SYSTEM_ERROR", st == 500 ? "系统错误" : "系统繁忙，请稍后重试");
		retry_after = 0;
		goto reply;
	}
	if (fault == SBX_FAULT_429) {
		wx_error(&r, 429, "FREQUENCY_LIMITED", "请求频率超过限制，请降低频率后重试");
		goto reply; /* retry_after=0 asked for: no Retry-After (the default is 1) */
	}
	retry_after = 0;
	if (fault == SBX_FAULT_RESET) {
		struct sbx_header h[] = {{"Content-Type", "application/json"},
		                         {"Request-ID", request_id}};

		sbx_log_status(s, seq, 200);
		pthread_mutex_unlock(&s->lock);
		return sbx_send_reset(con, "{\"code\":\"", h, 2);
	}
	if (accept == NULL || ua == NULL || ua[0] == '\0' ||
	    (strstr(accept, "application/json") == NULL && strstr(accept, "*/*") == NULL)) {
		wx_error(&r, 400, "INVALID_REQUEST", "Http头缺少Accept或User-Agent");
		goto reply;
	}
	if (authenticate(s, &rq, auth, &r) != 0)
		goto reply;
	if (!sbx_rate_ok(s)) {
		wx_error(&r, 429, "FREQUENCY_LIMITED", "请求频率超过限制，请降低频率后重试");
		retry_after = 1;
		goto reply;
	}
	if (wx_catch_up(s) != 0) {
		wx_error(&r, 500, "SYSTEM_ERROR", "系统错误");
		goto reply;
	}
	if (fault == SBX_FAULT_STALL && seconds > 0) {
		pthread_mutex_unlock(&s->lock);
		sbx_sleep(s, seconds);
		pthread_mutex_lock(&s->lock);
	}
	route(s, &rq, &r);
	if (fault == SBX_FAULT_TRUNCATE && r.body.len > 1)
		cut = r.body.len / 2;
reply:
	if (r.status == 0)
		wx_error(&r, 500, "SYSTEM_ERROR", "系统错误");
	sbx_log_status(s, seq, fault == SBX_FAULT_COMMIT_THEN_RESET ? 0 : r.status);
	choose_key(s, con, fault, &sg);
	pthread_mutex_unlock(&s->lock);
	if (fault == SBX_FAULT_COMMIT_THEN_RESET) {
		EVP_PKEY_free(sg.key);
		sbx_buf_free(&r.body);
		return MHD_NO; /* done and committed; the client never hears of it */
	}
	return send_reply(con, &r, request_id, &sg, fault, retry_after, cut);
}
