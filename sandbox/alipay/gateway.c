/* The OpenAPI gateway, POST|GET /gateway.do. Every call passes, in order: the request
 * log, fault injection, the common parameters, the app's signature, the rate limit, the
 * method, and the reply: {"<method>_response":{...},"sign":"..."}, signed with Alipay's
 * key over the node's bytes exactly as sent (with "/" escaped as "\/"). Replies are
 * HTTP 200 whatever the outcome; what went wrong is in code/sub_code. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sandbox/alipay/alipay.h"

#define MAX_IMAGE (5 * 1024 * 1024)

typedef void (*method_fn)(struct ali_call *c, struct ali_reply *r);

static const struct method {
	const char *name;
	method_fn fn;
	int multipart; /* takes a file (multipart/form-data), not biz_content */
} methods[] = {
        {"alipay.trade.query", ali_trade_query, 0},
        {"alipay.trade.refund", ali_trade_refund, 0},
        {"alipay.trade.fastpay.refund.query", ali_refund_query, 0},
        {"alipay.data.dataservice.bill.downloadurl.query", ali_bill_url_query, 0},
        {"alipay.data.bill.accountlog.query", ali_accountlog_query, 0},
        {"alipay.merchant.tradecomplain.batchquery", ali_complain_batchquery, 0},
        {"alipay.merchant.tradecomplain.query", ali_complain_query, 0},
        {"alipay.merchant.tradecomplain.feedback.submit", ali_complain_feedback, 0},
        {"alipay.merchant.tradecomplain.reply.submit", ali_complain_reply, 0},
        {"alipay.merchant.image.upload", ali_image_upload, 1},
};

/* Real methods this app has not signed up for: Alipay answers 40006. */
static const char *const not_granted[] = {
        "alipay.trade.pay",
        "alipay.trade.precreate",
        "alipay.trade.create",
        "alipay.trade.close",
        "alipay.trade.cancel",
        "alipay.trade.page.pay",
        "alipay.trade.wap.pay",
        "alipay.trade.app.pay",
        "alipay.fund.trans.uni.transfer",
        "alipay.data.bill.balance.query",
        "alipay.system.oauth.token",
        "alipay.user.info.share",
};

static const char *code_msg(int code)
{
	switch (code) {
	case 10000:
		return "Success";
	case 20000:
		return "Service Currently Unavailable";
	case 20001:
		return "Insufficient Token Permissions";
	case 40001:
		return "Missing Required Arguments";
	case 40002:
		return "Invalid Arguments";
	case 40003:
		return "Insufficient Conditions";
	case 40004:
		return "Business Failed";
	case 40006:
		return "Insufficient Permissions";
	default:
		return "Unknown";
	}
}

void ali_fail(struct ali_reply *r, int code, const char *sub_code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->code = code;
	r->sub_code = sub_code;
	sbx_buf_free(&r->sub_msg);
	sbx_buf_puts(&r->sub_msg, msg);
	sbx_buf_free(&r->body);
}

const char *ali_biz(struct ali_call *c, const char *key, char *out, size_t n)
{
	json_t *v = c->biz ? json_object_get(c->biz, key) : NULL;

	if (c->parts) {
		/* A multipart call carries its business parameters as parts. */
		const char *p = sbx_params_get(c->params, key);

		if (p && *p && strlen(p) < n) {
			snprintf(out, n, "%s", p);
			return out;
		}
		return NULL;
	}
	if (json_is_string(v)) {
		const char *p = json_string_value(v);

		if (*p == '\0' || strlen(p) >= n)
			return NULL;
		snprintf(out, n, "%s", p);
		return out;
	}
	if (json_is_integer(v)) {
		snprintf(out, n, "%lld", (long long)json_integer_value(v));
		return out;
	}
	/* A number with a fraction: its digits as written, never through a double. */
	if (json_is_real(v) && c->biz_raw && ali_raw_member(c->biz_raw, key, out, n) == 0)
		return out;
	return NULL;
}

/* The loopback port this connection came in on (for links the reply hands out). */
static int local_port(struct MHD_Connection *con)
{
	const union MHD_ConnectionInfo *ci =
	        MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	if (ci == NULL || getsockname(ci->connect_fd, (struct sockaddr *)&a, &len) != 0 ||
	    a.sin_family != AF_INET)
		return 0;
	return ntohs(a.sin_port);
}

/* Finds `needle` (n bytes) in the first `len` bytes of hay. */
static const char *find(const char *hay, size_t len, const char *needle, size_t n)
{
	for (size_t i = 0; n && i + n <= len; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, n) == 0)
			return hay + i;
	return NULL;
}

/* Splits a multipart/form-data body: text parts are added to p (not URL-decoded: they
 * are sent raw), the part named image_content becomes the file. 0, or -1 malformed. */
static int parse_multipart(const char *ctype, const char *body, size_t len, struct sbx_params *p,
                           struct ali_call *c)
{
	const char *b = ctype ? strstr(ctype, "boundary=") : NULL;
	char delim[200];
	size_t dlen;
	const char *at;

	if (b == NULL || body == NULL)
		return -1;
	b += 9;
	if (*b == '"')
		b++;
	dlen = strcspn(b, "\";");
	if (dlen == 0 || dlen + 4 >= sizeof(delim))
		return -1;
	delim[0] = '\r';
	delim[1] = '\n';
	delim[2] = '-';
	delim[3] = '-';
	memcpy(delim + 4, b, dlen);
	dlen += 4;
	/* The first delimiter has no CRLF before it. */
	at = find(body, len, delim + 2, dlen - 2);
	if (at == NULL)
		return -1;
	at += dlen - 2;
	for (;;) {
		const char *hdr_end, *next, *name, *data;
		char field[64];
		size_t nlen;

		if ((size_t)(at - body) + 2 > len || (at[0] == '-' && at[1] == '-'))
			return 0;
		at += 2; /* CRLF after the delimiter */
		hdr_end = find(at, len - (size_t)(at - body), "\r\n\r\n", 4);
		if (hdr_end == NULL)
			return -1;
		name = find(at, (size_t)(hdr_end - at), "name=\"", 6);
		if (name == NULL)
			return -1;
		name += 6;
		nlen = strcspn(name, "\"");
		if (nlen == 0 || nlen >= sizeof(field))
			return -1;
		memcpy(field, name, nlen);
		field[nlen] = '\0';
		data = hdr_end + 4;
		next = find(data, len - (size_t)(data - body), delim, dlen);
		if (next == NULL)
			return -1;
		if (strcmp(field, "image_content") == 0) {
			c->file = data;
			c->file_len = (size_t)(next - data);
		} else {
			struct sbx_buf kv;
			int rc;

			/* Reuse the form parser's storage: encode, then let it decode. */
			sbx_buf_init(&kv);
			sbx_url_encode(&kv, field);
			sbx_buf_put(&kv, "=", 1);
			{
				char *raw = strndup(data, (size_t)(next - data));

				if (raw == NULL) {
					sbx_buf_free(&kv);
					return -1;
				}
				sbx_url_encode(&kv, raw);
				free(raw);
			}
			rc = kv.failed ? -1 : sbx_params_parse(p, kv.data, kv.len);
			sbx_buf_free(&kv);
			if (rc != 0)
				return -1;
		}
		at = next + dlen;
	}
}

/* The string the app signed: every parameter but sign, empty ones dropped, sorted by
 * name, name=value joined by '&' (values raw, as decoded). */
static void sign_content(struct sbx_params *p, struct sbx_buf *out)
{
	size_t *order = malloc((p->n + 1) * sizeof(*order));
	size_t n = 0, i, j;

	if (order == NULL) {
		out->failed = 1;
		return;
	}
	for (i = 0; i < p->n; i++) {
		int dup = 0;

		if (strcmp(p->v[i].name, "sign") == 0 || p->v[i].value[0] == '\0')
			continue;
		for (j = 0; j < n; j++)
			if (strcmp(p->v[order[j]].name, p->v[i].name) == 0)
				dup = 1;
		if (!dup)
			order[n++] = i;
	}
	/* Insertion sort: a call has a dozen parameters. */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(p->v[order[j - 1]].name, p->v[order[j]].name) > 0;
		     j--) {
			size_t t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (i = 0; i < n; i++) {
		if (i)
			sbx_buf_put(out, "&", 1);
		sbx_buf_puts(out, p->v[order[i]].name);
		sbx_buf_put(out, "=", 1);
		sbx_buf_puts(out, p->v[order[i]].value);
	}
	free(order);
}

/* Escapes text as the gateway shows it inside sub_msg (the sign content): & < >. */
static void html_escape(struct sbx_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			sbx_buf_puts(b, "&amp;");
		else if (*s == '<')
			sbx_buf_puts(b, "&lt;");
		else if (*s == '>')
			sbx_buf_puts(b, "&gt;");
		else
			sbx_buf_put(b, s, 1);
	}
}

/* How the reply is wrapped. */
enum wrap { WRAP_SIGNED, WRAP_UNSIGNED, WRAP_ERROR_RESPONSE };

/* Checks the common parameters and the signature; fills r and returns the wrapping
 * when the call cannot go on, or -1 when it may. Lock held. */
static int check_common(struct sbx *s, struct sbx_params *p, const struct method **m,
                        struct ali_reply *r)
{
	struct ali_state *st = ali_state(s);
	const char *method = sbx_params_get(p, "method");
	const char *app_id = sbx_params_get(p, "app_id");
	const char *ts = sbx_params_get(p, "timestamp");
	const char *sign_type = sbx_params_get(p, "sign_type");
	const char *sign = sbx_params_get(p, "sign");
	const char *charset = sbx_params_get(p, "charset");
	const char *format = sbx_params_get(p, "format");
	const char *token = sbx_params_get(p, "app_auth_token");
	int64_t t;
	size_t i;

	*m = NULL;
	if (method == NULL || *method == '\0') {
		ali_fail(r, 40001, "isv.missing-method", "缺少方法名参数");
		return WRAP_ERROR_RESPONSE;
	}
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(methods[i].name, method) == 0)
			*m = &methods[i];
	for (i = 0; *m == NULL && i < sizeof(not_granted) / sizeof(not_granted[0]); i++)
		if (strcmp(not_granted[i], method) == 0)
			break;
	if (*m == NULL && i == sizeof(not_granted) / sizeof(not_granted[0])) {
		ali_fail(r, 40002, "isv.invalid-method", "不存在的方法名");
		return WRAP_ERROR_RESPONSE;
	}
	if (app_id == NULL || *app_id == '\0') {
		ali_fail(r, 40001, "isv.missing-app-id", "缺少appId参数");
		return WRAP_UNSIGNED;
	}
	if (strcmp(app_id, st->app_id) != 0) {
		ali_fail(r, 40002, "isv.invalid-app-id", "无效的AppID参数");
		return WRAP_UNSIGNED;
	}
	if (ts == NULL || *ts == '\0') {
		ali_fail(r, 40001, "isv.missing-timestamp", "缺少时间戳参数");
		return WRAP_SIGNED;
	}
	if (ali_parse_time(ts, &t) != 0) {
		ali_fail(r, 40002, "isv.invalid-timestamp", "非法的时间戳参数");
		return WRAP_SIGNED;
	}
	if (sbx_params_get(p, "version") == NULL) {
		ali_fail(r, 40001, "isv.missing-version", "缺少版本参数");
		return WRAP_SIGNED;
	}
	if (sign_type == NULL || *sign_type == '\0') {
		ali_fail(r, 40001, "isv.missing-signature-type", "缺少签名类型参数");
		return WRAP_SIGNED;
	}
	if (strcmp(sign_type, "RSA") == 0) {
		ali_fail(r, 40002, "isv.missing-signature-config",
		         "验签出错, 未配置对应签名算法的公钥或者证书");
		return WRAP_SIGNED;
	}
	if (strcmp(sign_type, "RSA2") != 0) {
		ali_fail(r, 40002, "isv.invalid-signature-type", "无效的签名类型");
		return WRAP_SIGNED;
	}
	if (sign == NULL || *sign == '\0') {
		ali_fail(r, 40001, "isv.missing-signature", "缺少签名参数");
		return WRAP_SIGNED;
	}
	if (charset && strcasecmp(charset, "utf-8") != 0) {
		ali_fail(r, 40002, "isv.invalid-charset", "字符集错误");
		return WRAP_SIGNED;
	}
	if (format && strcasecmp(format, "json") != 0) {
		ali_fail(r, 40002, "isv.invalid-format", "无效的数据格式");
		return WRAP_SIGNED;
	}
	{
		struct sbx_buf content;
		int ok;

		sbx_buf_init(&content);
		sign_content(p, &content);
		ok = !content.failed && ali_verify(st->app_public, content.data ? content.data : "",
		                                   content.len, sign);
		if (!ok) {
			ali_fail(r, 40002, "isv.invalid-signature",
			         "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，"
			         "网关生成的验签字符串为：");
			html_escape(&r->sub_msg, content.data ? content.data : "");
		}
		sbx_buf_free(&content);
		if (!ok)
			return WRAP_SIGNED;
	}
	if (token && *token) {
		ali_fail(r, 20001, "aop.invalid-app-auth-token", "无效的应用授权令牌");
		return WRAP_SIGNED;
	}
	if (*m == NULL) {
		ali_fail(r, 40006, "isv.insufficient-isv-permissions",
		         "ISV权限不足，建议在开发者中心检查对应功能是否已经添加");
		return WRAP_SIGNED;
	}
	return -1;
}

/* The reply's node: {"code":...,"msg":...[,"sub_code","sub_msg"]<members>}. */
static void build_node(const struct ali_reply *r, struct sbx_buf *node)
{
	struct ali_obj o;
	char code[16];

	snprintf(code, sizeof(code), "%d", r->code);
	ali_obj_begin(&o, node);
	ali_str(&o, "code", code);
	ali_str(&o, "msg", code_msg(r->code));
	if (r->code != 10000) {
		ali_str(&o, "sub_code", r->sub_code);
		ali_str(&o, "sub_msg", r->sub_msg.data ? r->sub_msg.data : "");
	}
	if (r->body.data)
		sbx_buf_put(node, r->body.data, r->body.len);
	ali_obj_end(&o);
}

/* Changes one byte inside the node after signing (the tamper fault): the last digit,
 * so that the reply stays valid JSON. */
static void tamper(char *node, size_t len)
{
	for (size_t i = len; i > 0; i--) {
		char *c = &node[i - 1];

		if (*c >= '0' && *c <= '9') {
			*c = *c == '9' ? '8' : (char)(*c + 1);
			return;
		}
	}
}

/* The whole reply body for a node (the caller frees). Lock not held: signing is the
 * slow part and needs nothing from the store. */
static char *wrap_reply(struct sbx *s, const char *method, const struct ali_reply *r, int wrap,
                        int fault, size_t *len)
{
	struct sbx_buf node, out;
	char root[160], sig[600] = "";
	const char *nm = method && *method ? method : "error";
	size_t i;

	sbx_buf_init(&node);
	sbx_buf_init(&out);
	build_node(r, &node);
	if (wrap == WRAP_ERROR_RESPONSE) {
		snprintf(root, sizeof(root), "error_response");
	} else {
		snprintf(root, sizeof(root), "%s_response", nm);
		for (i = 0; root[i]; i++)
			if (root[i] == '.')
				root[i] = '_';
	}
	if (wrap == WRAP_SIGNED && !node.failed) {
		if (fault == ALI_FAULT_BADSIGN) {
			/* A real signature, but of other bytes. */
			sbx_buf_put(&node, " ", 1);
			ali_sign(ali_state(s)->alipay_private, node.data, node.len, sig,
			         sizeof(sig));
			node.data[--node.len] = '\0';
		} else {
			ali_sign(ali_state(s)->alipay_private, node.data, node.len, sig,
			         sizeof(sig));
		}
	}
	sbx_buf_put(&out, "{", 1);
	ali_jstr(&out, root);
	sbx_buf_put(&out, ":", 1);
	if (fault == ALI_FAULT_TAMPER)
		tamper(node.data, node.len);
	sbx_buf_put(&out, node.data, node.len);
	if (fault == ALI_FAULT_DUPNODE) {
		/* A second node with other content after the signed one: a JSON parser keeps
		 * the last, which is not what was signed. */
		tamper(node.data, node.len);
		sbx_buf_put(&out, ",", 1);
		ali_jstr(&out, root);
		sbx_buf_put(&out, ":", 1);
		sbx_buf_put(&out, node.data, node.len);
	}
	if (sig[0]) {
		/* The signature itself is not escaped: base64's "/" stays as it is. */
		sbx_buf_puts(&out, ",\"sign\":\"");
		sbx_buf_puts(&out, sig);
		sbx_buf_puts(&out, "\"");
	}
	sbx_buf_put(&out, "}", 1);
	sbx_buf_free(&node);
	if (out.failed) {
		sbx_buf_free(&out);
		return NULL;
	}
	return sbx_buf_take(&out, len);
}

/* 29 characters, like the gateway's trace ids. Lock held (it draws from the rng). */
static void trace_id(struct sbx *s, char *out)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t w = 0;

	for (int i = 0; i < 29; i++) {
		if (i % 16 == 0)
			w = sbx_rng_next(&s->rng);
		out[i] = hex[w & 15];
		w >>= 4;
	}
	out[29] = '\0';
}

static enum MHD_Result send_text(struct MHD_Connection *con, int status, const char *ctype,
                                 const char *text, const struct sbx_header *h, size_t nh)
{
	char *body = strdup(text);

	return sbx_send(con, status, ctype, body, body ? strlen(body) : 0, 0, h, nh);
}

/* The common faults that answer before anything runs; returns 1 when it answered. */
static int early_fault(struct sbx *s, int fault, int retry_after, int64_t seq,
                       struct MHD_Connection *con, enum MHD_Result *ret)
{
	static const char reset_prefix[] =
	        "{\"alipay_data_bill_accountlog_query_response\":{\"code\":\"10000\",\"msg\":"
	        "\"Success\",\"detail_list\":[{\"account_log_id\":\"3000";
	char html[160], num[16];
	struct sbx_header h = {"Retry-After", num};

	if (fault == SBX_FAULT_500 || fault == SBX_FAULT_502 || fault == SBX_FAULT_503) {
		int st = fault == SBX_FAULT_500 ? 500 : fault == SBX_FAULT_502 ? 502 : 503;

		snprintf(html, sizeof(html),
		         "<html><head><title>%d</title></head><body><h1>%d</h1></body></html>", st,
		         st);
		sbx_log_status(s, seq, st);
		pthread_mutex_unlock(&s->lock);
		*ret = send_text(con, st, "text/html", html, NULL, 0);
		return 1;
	}
	if (fault == SBX_FAULT_429) {
		/* retry_after=0: no Retry-After, as for the other platforms. */
		snprintf(num, sizeof(num), "%d", retry_after);
		sbx_log_status(s, seq, 429);
		pthread_mutex_unlock(&s->lock);
		*ret = send_text(con, 429, "text/html",
		                 "<html><body>429 Too Many Requests</body></html>", &h,
		                 retry_after > 0 ? 1 : 0);
		return 1;
	}
	if (fault == SBX_FAULT_RESET) {
		struct sbx_header ct = {"Content-Type", "text/html;charset=utf-8"};

		sbx_log_status(s, seq, 200);
		pthread_mutex_unlock(&s->lock);
		*ret = sbx_send_reset(con, reset_prefix, &ct, 1);
		return 1;
	}
	return 0;
}

/* GET /downloadBillFile.resource and GET /_img/ID: unsigned files. */
static enum MHD_Result serve_file(struct sbx *s, struct MHD_Connection *con, const char *path,
                                  const char *query, struct sbx_params *qp)
{
	struct ali_file f;
	int64_t seq;
	int fault, retry_after = 0, seconds = 0;
	enum MHD_Result ret;
	size_t len, cut = 0;
	char *body;
	struct sbx_header h[1];
	size_t nh = 0;

	memset(&f, 0, sizeof(f));
	pthread_mutex_lock(&s->lock);
	seq = sbx_log_request(s, "GET", path, query, NULL, NULL, NULL);
	fault = sbx_take_fault(s, "GET", path, &retry_after, &seconds);
	if (early_fault(s, fault, retry_after, seq, con, &ret))
		return ret;
	if (fault == SBX_FAULT_STALL && seconds > 0) {
		pthread_mutex_unlock(&s->lock);
		sbx_sleep(s, seconds);
		pthread_mutex_lock(&s->lock);
	}
	if (strcmp(path, "/downloadBillFile.resource") == 0)
		ali_bill_prepare(s, qp, &f);
	else
		ali_image_prepare(s, path, &f);
	sbx_log_status(s, seq, fault == SBX_FAULT_COMMIT_THEN_RESET ? 0 : f.status);
	pthread_mutex_unlock(&s->lock);
	if (f.pack && ali_bill_pack(&f) != 0) {
		f.status = 500;
		f.ctype = "text/plain";
		sbx_buf_free(&f.body);
		sbx_buf_puts(&f.body, "bill packing failed\n");
	}
	if (fault == SBX_FAULT_COMMIT_THEN_RESET) {
		ali_file_free(&f);
		return MHD_NO;
	}
	if (f.disposition[0])
		h[nh++] = (struct sbx_header){"Content-Disposition", f.disposition};
	body = sbx_buf_take(&f.body, &len);
	if (fault == SBX_FAULT_TRUNCATE && len > 1)
		cut = len / 2;
	ret = sbx_send(con, f.status, f.ctype, body, len, cut, h, nh);
	ali_file_free(&f);
	return ret;
}

/* Parses biz_content (when the method takes one); fills r when it is not a JSON
 * object. */
static int parse_biz(struct ali_call *c, struct ali_reply *r)
{
	const char *raw = sbx_params_get(c->params, "biz_content");
	json_error_t err;

	c->biz_raw = raw;
	if (raw == NULL || *raw == '\0')
		return 0;
	c->biz = json_loads(raw, JSON_REJECT_DUPLICATES, &err);
	if (c->biz == NULL || !json_is_object(c->biz)) {
		ali_fail(r, 40002, "isv.invalid-parameter",
		         "参数无效：biz_content不是合法的JSON对象");
		return -1;
	}
	return 0;
}

static enum MHD_Result gateway(struct sbx *s, struct MHD_Connection *con, struct sbx_conn *sc,
                               const char *method, const char *path, const char *query,
                               struct sbx_params *qp, struct sbx_params *form)
{
	const char *ctype = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Type");
	int multipart = ctype && strncmp(ctype, "multipart/form-data", 19) == 0;
	struct sbx_params all = {0};
	struct ali_call call;
	struct ali_reply r;
	const struct method *m = NULL;
	char summary[96], fault_path[200], trace[32];
	const char *name;
	int64_t seq;
	int fault, retry_after = 0, seconds = 0, wrap = WRAP_SIGNED;
	enum MHD_Result ret;
	char *body;
	size_t len, cut = 0;
	struct sbx_header h[1];

	memset(&call, 0, sizeof(call));
	memset(&r, 0, sizeof(r));
	r.code = 10000;
	call.s = s;
	call.params = &all;
	call.port = local_port(con);
	/* Query first, then the form: the first occurrence of a name is the one used. */
	if (query && sbx_params_parse(&all, query, strlen(query)) != 0)
		ali_fail(&r, 20000, "isp.unknown-error", "系统繁忙，请稍后再试");
	(void)qp;
	if (multipart) {
		call.parts = 1;
		if (parse_multipart(ctype, sc->body.data, sc->body.len, &all, &call) != 0)
			ali_fail(&r, 40002, "isv.invalid-parameter",
			         "参数无效：multipart请求体格式错误");
	} else if (sc->body.data) {
		sbx_params_parse(&all, sc->body.data, sc->body.len);
	}
	(void)form;
	name = sbx_params_get(&all, "method");
	snprintf(fault_path, sizeof(fault_path), "%s/%s", path, name ? name : "");
	pthread_mutex_lock(&s->lock);
	trace_id(s, trace);
	h[0] = (struct sbx_header){"trace_id", trace};
	snprintf(summary, sizeof(summary), "(multipart/form-data, %zu bytes)", sc->body.len);
	seq = sbx_log_request(s, method, path, query, multipart ? summary : sc->body.data, NULL,
	                      sbx_params_get(&all, "app_id"));
	fault = sbx_take_fault(s, method, fault_path, &retry_after, &seconds);
	if (early_fault(s, fault, retry_after, seq, con, &ret)) {
		sbx_params_free(&all);
		sbx_buf_free(&r.sub_msg);
		return ret;
	}
	call.now = sbx_now(s);
	if (r.code == 10000) {
		int w = check_common(s, &all, &m, &r);

		if (w >= 0)
			wrap = w;
	}
	if (r.code == 10000 && !sbx_rate_ok(s))
		ali_fail(&r, 20000, "isp.unknown-error", "系统繁忙，请稍后再试");
	if (r.code == 10000 && fault == ALI_FAULT_20000)
		ali_fail(&r, 20000, "isp.unknown-error", "服务暂不可用（业务系统不可用）");
	if (r.code == 10000 && !m->multipart)
		parse_biz(&call, &r);
	if (r.code == 10000 && m->multipart && call.file == NULL)
		ali_fail(&r, 40002, "isv.invalid-parameter", "参数无效：缺少image_content");
	if (r.code == 10000 && call.file_len > MAX_IMAGE)
		ali_fail(&r, 40002, "isv.invalid-file-size", "文件大小无效：最大为5M");
	if (r.code == 10000 && fault == SBX_FAULT_STALL && seconds > 0) {
		pthread_mutex_unlock(&s->lock);
		sbx_sleep(s, seconds);
		pthread_mutex_lock(&s->lock);
		call.now = sbx_now(s);
	}
	if (r.code == 10000) {
		call.method = m->name;
		if (ali_settle_now(s) != 0 || sbx_exec(s, "BEGIN IMMEDIATE") != 0) {
			ali_fail(&r, 20000, "isp.unknown-error", "系统繁忙，请稍后再试");
		} else {
			m->fn(&call, &r);
			if (sbx_exec(s, "COMMIT") != 0) {
				sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
				ali_fail(&r, 20000, "isp.unknown-error", "系统繁忙，请稍后再试");
			}
		}
	}
	sbx_log_status(s, seq, fault == SBX_FAULT_COMMIT_THEN_RESET ? 0 : 200);
	pthread_mutex_unlock(&s->lock);
	body = wrap_reply(s, name, &r, wrap, fault, &len);
	json_decref(call.biz);
	sbx_params_free(&all);
	sbx_buf_free(&r.sub_msg);
	sbx_buf_free(&r.body);
	if (fault == SBX_FAULT_COMMIT_THEN_RESET) {
		free(body);
		return MHD_NO; /* done and committed; the client never hears of it */
	}
	if (body == NULL)
		return MHD_NO;
	if (fault == SBX_FAULT_TRUNCATE && len > 1)
		cut = len / 2;
	return sbx_send(con, 200, "text/html;charset=utf-8", body, len, cut, h, 1);
}

enum MHD_Result ali_serve(struct sbx *s, struct MHD_Connection *con, struct sbx_conn *c,
                          const char *method, const char *path, const char *query,
                          struct sbx_params *qp, struct sbx_params *form)
{
	int get = strcmp(method, "GET") == 0;

	if (strcmp(path, "/gateway.do") == 0 && (get || strcmp(method, "POST") == 0))
		return gateway(s, con, c, method, path, query, qp, form);
	if (get &&
	    (strcmp(path, "/downloadBillFile.resource") == 0 || strncmp(path, "/_img/", 6) == 0))
		return serve_file(s, con, path, query, qp);
	return send_text(con, 404, "text/html", "<html><body>404 Not Found</body></html>", NULL, 0);
}
