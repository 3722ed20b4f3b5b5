/* Alipay's gateway on the wire: every call's parameters signed with the app's key (RSA2:
 * SHA256withRSA over the sorted key=value pairs), every reply checked over the exact bytes
 * of its response node with Alipay's key before anything in it is read, errors (which come
 * with HTTP 200) read from the node's code. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client.h"
#include "client/crypto.h"
#include "client/days.h"
#include "client/form.h"
#include "client/provider_private.h"
#include "client/alipay/alipay.h"

void alp_format_time(int64_t t, char out[20])
{
	char day[11];
	days_format(t, ALP_UTC_OFFSET, day);
	int64_t start;
	days_start(day, ALP_UTC_OFFSET, &start);
	unsigned s = (unsigned)(t - start) % 86400u;
	char buf[40];
	snprintf(buf, sizeof buf, "%s %02u:%02u:%02u", day, s / 3600u, s / 60u % 60u, s % 60u);
	memcpy(out, buf, 19);
	out[19] = '\0';
}

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

/* The end of the string that starts at p (its opening quote): just past the closing quote,
 * or NULL when it does not end. */
static const char *skip_string(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return NULL;
}

/* The end of the value that starts at p: an object or array up to its closing bracket
 * (brackets in strings skipped; a bracket closed by the other kind is no JSON: NULL), a string, or a number or literal up to the next
 * delimiter. NULL when it does not end. Not a validator: the reply is parsed after. */
static const char *skip_value(const char *p, const char *end)
{
	if (p >= end)
		return NULL;
	if (*p == '"')
		return skip_string(p, end);
	if (*p != '{' && *p != '[') {
		while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n' &&
		       *p != '\r' && *p != '\t')
			p++;
		return p;
	}
	/* the brackets open, each closed by its own kind (as deep as the JSON reader goes) */
	char open[512];
	size_t depth = 0;
	for (; p < end; p++) {
		if (*p == '"') {
			p = skip_string(p, end);
			if (!p)
				return NULL;
			p--;
		} else if (*p == '{' || *p == '[') {
			if (depth == sizeof open)
				return NULL;
			open[depth++] = *p == '{' ? '}' : ']';
		} else if (*p == '}' || *p == ']') {
			if (open[--depth] != *p)
				return NULL;
			if (depth == 0)
				return p + 1;
		}
	}
	return NULL;
}

/* Whether the member name written in the reply as key[0..len) (between its quotes, escapes
 * as sent) is name, as a JSON reader reads it: "a\u005fb" is "a_b". */
static bool key_is(const char *key, size_t len, const char *name)
{
	size_t i = 0;
	for (; *name; name++) {
		if (i >= len)
			return false;
		unsigned char c = (unsigned char)key[i++];
		if (c == '\\') {
			if (i >= len)
				return false;
			c = (unsigned char)key[i++];
			if (c == 'u') {
				unsigned v = 0;
				for (int k = 0; k < 4; k++, i++) {
					int h = i < len ? key[i] : 0;
					int d = h >= '0' && h <= '9'   ? h - '0'
					        : h >= 'a' && h <= 'f' ? h - 'a' + 10
					        : h >= 'A' && h <= 'F' ? h - 'A' + 10
					                               : -1;
					if (d < 0)
						return false;
					v = v << 4 | (unsigned)d;
				}
				if (v >= 0x80)
					return false;
				c = (unsigned char)v;
			} else if (c != '"' && c != '\\' && c != '/') {
				return false; /* \b \f \n \r \t: not in a method's name */
			}
		}
		if (c != (unsigned char)*name)
			return false;
	}
	return i == len;
}

/* Where the response node's value lies in the raw reply: the value of the member of that
 * name at the top of the reply, the only member a JSON reader finds by that name, however
 * its name is written. 1 found once, 0 absent (or not an object), -1 when the top holds the
 * name more than once (an answer that holds its node twice is refused whatever it says: one
 * copy could be verified and the other read). */
int alp_find_node(const char *body, size_t len, const char *name, const char **start, size_t *n)
{
	const char *p = body, *end = body + len, *found = NULL, *found_end = NULL;
	int count = 0;
	p = skip_space(p, end);
	if (p >= end || *p != '{')
		return 0;
	p = skip_space(p + 1, end);
	while (p < end && *p == '"') {
		const char *key_end = skip_string(p, end);
		if (!key_end)
			return 0;
		const char *v = skip_space(key_end, end);
		if (v >= end || *v != ':')
			return 0;
		v = skip_space(v + 1, end);
		const char *v_end = skip_value(v, end);
		if (!v_end)
			return 0;
		if (key_is(p + 1, (size_t)(key_end - 1 - (p + 1)), name)) {
			count++;
			found = v;
			found_end = v_end;
		}
		p = skip_space(v_end, end);
		if (p < end && *p == ',')
			p = skip_space(p + 1, end);
		else
			break;
	}
	if (count > 1)
		return -1;
	if (count == 0 || *found != '{')
		return 0;
	*start = found;
	*n = (size_t)(found_end - found);
	return 1;
}

static int forged(struct provider_result *r, const char *why)
{
	r->outcome = PROVIDER_FORGED;
	snprintf(r->message, sizeof r->message, "%s", why);
	return -1;
}

static int verify(void *ctx, const struct http_request *rq, const struct http_reply_view *v,
                  struct provider_result *r)
{
	struct alp *a = ctx;
	const struct alp_call *call = rq->call;
	if (!call)
		return 0;
	const char *node = NULL, *err_node = NULL;
	size_t n = 0, err_n = 0;
	int found = alp_find_node(v->body, v->len, call->node, &node, &n);
	int err_found = alp_find_node(v->body, v->len, "error_response", &err_node, &err_n);
	if (found < 0 || err_found < 0 || (found && err_found))
		return forged(r, _("the platform's answer holds its response twice, which the "
		                   "platform never does: it was tampered with"));
	/* The sign, unescaped ("\\/" is "/"), from a copy: parsing rewrites the text. */
	char *copy = malloc(v->len + 1);
	if (!copy)
		return forged(r, _("out of memory"));
	memcpy(copy, v->body, v->len);
	char jerr[96];
	struct jdoc *doc = jdoc_parse(copy, v->len, jerr, sizeof jerr);
	const char *sign = jval_str(jval_get(jdoc_root(doc), "sign"));
	const char *code = jval_str(
	        jval_get(jval_get(jdoc_root(doc), found ? call->node : "error_response"), "code"));
	int rc = 0;
	if (!found && !err_found) {
		rc = forged(r, _("the platform's answer has no response for the call"));
	} else if (!sign) {
		/* An error may come unsigned; it is only shown, never stored. A success never
		 * does. */
		if (!code || strcmp(code, "10000") == 0)
			rc = forged(r, _("the platform's answer is not signed"));
	} else {
		char err[300] = "";
		int ok = crypto_verify(a->pub, found ? node : err_node, found ? n : err_n, sign,
		                       err, sizeof err);
		if (ok != 1)
			rc = forged(r,
			            ok < 0 ? err
			                   : _("the platform's answer does not match its "
			                       "signature: it was changed on the way, not sent by "
			                       "the platform, or alipay_public_key_file is not "
			                       "Alipay's public key"));
	}
	jdoc_free(&doc);
	return rc;
}

/* Errors come with HTTP 200: the node's code says. */
static void classify(void *ctx, const struct http_request *rq, long status, const struct jval *root,
                     struct provider_result *r)
{
	(void)ctx;
	const struct alp_call *call = rq->call;
	if (status < 200 || status >= 300) {
		r->outcome = http_status_outcome(status);
		return;
	}
	const struct jval *node = call ? jval_get(root, call->node) : NULL;
	if (!node)
		node = jval_get(root, "error_response");
	const char *code = jval_str(jval_get(node, "code"));
	if (!code) {
		r->outcome = PROVIDER_BAD_REPLY;
		snprintf(r->message, sizeof r->message, "%s",
		         _("the platform's answer has no code"));
		return;
	}
	if (strcmp(code, "10000") == 0)
		return;
	const char *sub = jval_str(jval_get(node, "sub_code"));
	const char *msg = jval_str(jval_get(node, "sub_msg"));
	if (!msg)
		msg = jval_str(jval_get(node, "msg"));
	snprintf(r->error_code, sizeof r->error_code, "%s", sub ? sub : code);
	snprintf(r->error_type, sizeof r->error_type, "%s", code);
	snprintf(r->message, sizeof r->message, "%s", msg ? msg : code);
	if (strcmp(code, "20000") == 0)
		r->outcome = PROVIDER_SERVER_ERROR;
	else if (strcmp(code, "20001") == 0 || (sub && strcmp(sub, "isv.invalid-signature") == 0) ||
	         (sub && strcmp(sub, "isv.invalid-app-id") == 0))
		r->outcome = PROVIDER_AUTH;
	else if (strcmp(code, "40006") == 0)
		r->outcome = PROVIDER_FORBIDDEN;
	else
		r->outcome = PROVIDER_INVALID;
}

void alp_wire_init(struct alp *a)
{
	a->wire = (struct http_wire){.verify = verify, .classify = classify, .ctx = a};
}

/* A parameter of a call. */
struct param {
	const char *key;
	const char *value;
};

static int by_key(const void *x, const void *y)
{
	return strcmp(((const struct param *)x)->key, ((const struct param *)y)->key);
}

/* Appends s to a growable buffer; false when memory ran out. */
static bool put(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);
	if (*len + n + 1 > *cap) {
		size_t c = *cap ? *cap * 2 : 1024;
		while (c < *len + n + 1)
			c *= 2;
		char *b = realloc(*buf, c);
		if (!b)
			return false;
		*buf = b;
		*cap = c;
	}
	memcpy(*buf + *len, s, n + 1);
	*len += n;
	return true;
}

/* s percent-encoded, into a new string (caller frees). */
static char *encoded(const char *s)
{
	size_t cap = strlen(s) * 3 + 1;
	char *out = malloc(cap);
	if (out)
		form_encode(s, false, out, cap);
	return out;
}

/* The methods with no number of the merchant's that makes a repeat harmless (a refund has
 * its out_request_no; an answer to a complaint sent twice shows twice): not tried again by
 * the HTTP layer once Alipay may have acted; the outbox resolves them. */
static bool sent_once(const char *method)
{
	static const char *const once[] = {"alipay.merchant.tradecomplain.reply.submit",
	                                   "alipay.merchant.tradecomplain.feedback.submit"};
	for (size_t i = 0; i < sizeof once / sizeof *once; i++)
		if (!strcmp(method, once[i]))
			return true;
	return false;
}

int alp_call(struct alp *a, struct http_client *http, const char *method, json_t *biz,
             struct jdoc **doc, const struct jval **node, struct provider_result *r)
{
	return alp_call_upload(a, http, method, biz, NULL, NULL, NULL, doc, node, r);
}

int alp_call_upload(struct alp *a, struct http_client *http, const char *method, json_t *biz,
                    const char *extra_key, const char *extra_value, curl_mime *mime,
                    struct jdoc **doc, const struct jval **node, struct provider_result *r)
{
	*doc = NULL;
	*node = NULL;
	char *biz_text = biz ? json_dumps(biz, JSON_COMPACT) : NULL;
	json_decref(biz);
	char ts[20];
	alp_format_time((int64_t)paydesk_now(), ts);
	struct param params[] = {
	        {"app_id", a->app_id}, {"method", method},    {"format", "JSON"},
	        {"charset", "utf-8"},  {"sign_type", "RSA2"}, {"timestamp", ts},
	        {"version", "1.0"},    {"biz_content", NULL}, {NULL, NULL},
	};
	size_t n = 7;
	if (biz_text)
		params[n++] = (struct param){"biz_content", biz_text};
	if (extra_key)
		params[n++] = (struct param){extra_key, extra_value};
	qsort(params, n, sizeof *params, by_key);
	/* The signed text: every parameter but sign, sorted, raw key=value joined by &. */
	char *text = NULL, *query = NULL, *body = NULL;
	size_t tl = 0, tc = 0, ql = 0, qc = 0, bl = 0, bc = 0;
	bool ok = true;
	for (size_t i = 0; ok && i < n; i++) {
		ok = (i == 0 || put(&text, &tl, &tc, "&")) && put(&text, &tl, &tc, params[i].key) &&
		     put(&text, &tl, &tc, "=") && put(&text, &tl, &tc, params[i].value);
	}
	char sig[800], err[300];
	int rc = -1;
	if (ok && crypto_sign(a->key, text, tl, sig, sizeof sig, err, sizeof err) != 0) {
		provider_fail(r, PROVIDER_AUTH, err);
		goto out;
	}
	/* The common parameters and the signature in the query, biz_content in the body. */
	ok = ok && put(&query, &ql, &qc, "/gateway.do?");
	for (size_t i = 0; ok && i < n; i++) {
		if (strcmp(params[i].key, "biz_content") == 0)
			continue;
		char *v = encoded(params[i].value);
		ok = v && put(&query, &ql, &qc, params[i].key) && put(&query, &ql, &qc, "=") &&
		     put(&query, &ql, &qc, v) && put(&query, &ql, &qc, "&");
		free(v);
	}
	char *sv = ok ? encoded(sig) : NULL;
	ok = sv && put(&query, &ql, &qc, "sign=") && put(&query, &ql, &qc, sv);
	free(sv);
	char *bv = ok && biz_text ? encoded(biz_text) : NULL;
	ok = ok && (!biz_text ||
	            (bv && put(&body, &bl, &bc, "biz_content=") && put(&body, &bl, &bc, bv)));
	free(bv);
	if (!ok) {
		provider_fail(r, PROVIDER_BAD_REPLY, _("out of memory"));
		goto out;
	}
	struct alp_call call = {.method = method};
	snprintf(call.node, sizeof call.node, "%s_response", method);
	for (char *c = call.node; *c; c++)
		if (*c == '.')
			*c = '_';
	struct http_request rq = {.method = "POST",
	                          .path_query = query,
	                          .body = body ? body : "",
	                          .content_type = "application/x-www-form-urlencoded;charset=utf-8",
	                          .mime = mime,
	                          .once = sent_once(method),
	                          .call = &call};
	rc = http_request(http, &rq, doc, r);
	if (rc == 0) {
		*node = jval_get(jdoc_root(*doc), call.node);
		if (!*node) {
			jdoc_free(doc);
			provider_fail(r, PROVIDER_BAD_REPLY,
			              _("the platform's answer has no response for the call"));
			rc = -1;
		}
	}
out:
	free(text);
	free(query);
	free(body);
	free(biz_text);
	return rc;
}
