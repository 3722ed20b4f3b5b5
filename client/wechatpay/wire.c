/* WeChat Pay's wire: every request signed with the merchant's API key (WECHATPAY2-SHA256-
 * RSA2048), every reply's signature checked with the platform's public key or certificate
 * before anything in it is read, and the platform's errors read into outcomes. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "client/client.h"
#include "client/crypto.h"
#include "client/profile.h"
#include "client/provider_private.h"
#include "client/wechatpay/wechatpay.h"

/* Signature probes: replies whose signature starts so must fail verification. */
#define WXP_PROBE "WECHATPAY/SIGNTEST/"

const char WXP_CALL_CERTIFICATES[] = "certificates";

static const char *const kept_headers[] = {
        "Wechatpay-Timestamp",
        "Wechatpay-Nonce",
        "Wechatpay-Signature",
        "Wechatpay-Serial",
};

const char *wxp_verify_serial(const struct wxp *w)
{
	if (w->pub)
		return w->pub_id;
	int64_t now = (int64_t)paydesk_now();
	for (size_t i = 0; i < w->n_certs; i++)
		if (w->certs[i].not_before <= now && now < w->certs[i].not_after)
			return w->certs[i].serial;
	return "";
}

/* Appends a header line; 0 or -1. */
static int add_header(struct curl_slist **headers, const char *line)
{
	struct curl_slist *t = curl_slist_append(*headers, line);
	if (!t)
		return -1;
	*headers = t;
	return 0;
}

static int authorize(void *ctx, const struct http_request *rq, const char *path_query,
                     const char *body, struct curl_slist **headers, char *err, size_t err_size)
{
	struct wxp *w = ctx;
	char nonce[33];
	if (crypto_random_alnum(nonce, 32) != 0) {
		snprintf(err, err_size, "%s", _("no random numbers for the request's nonce"));
		return -1;
	}
	long long ts = (long long)paydesk_now();
	size_t blen = strlen(body);
	size_t mlen = strlen(rq->method) + strlen(w->base_path) + strlen(path_query) + blen + 80;
	char *msg = malloc(mlen);
	if (!msg) {
		snprintf(err, err_size, "%s", _("out of memory"));
		return -1;
	}
	/* METHOD\nURL\ntimestamp\nnonce\nbody\n, URL being the path and query as sent. */
	int n = snprintf(msg, mlen, "%s\n%s%s\n%lld\n%s\n%s\n", rq->method, w->base_path,
	                 path_query, ts, nonce, body);
	char sig[800];
	int rc = n > 0 && (size_t)n < mlen
	                 ? crypto_sign(w->key, msg, (size_t)n, sig, sizeof sig, err, err_size)
	                 : -1;
	free(msg);
	if (rc != 0)
		return -1;
	char line[1200];
	snprintf(line, sizeof line,
	         "Authorization: WECHATPAY2-SHA256-RSA2048 mchid=\"%s\",nonce_str=\"%s\","
	         "timestamp=\"%lld\",serial_no=\"%s\",signature=\"%s\"",
	         w->mchid, nonce, ts, w->serial, sig);
	rc = add_header(headers, line);
	const char *serial = wxp_verify_serial(w);
	if (rc == 0 && serial[0]) {
		/* Which key paydesk will check the reply with. */
		snprintf(line, sizeof line, "Wechatpay-Serial: %s", serial);
		rc = add_header(headers, line);
	}
	if (rc != 0)
		snprintf(err, err_size, "%s", _("out of memory"));
	return rc;
}

/* The key the reply names: the public key by its id, or a certificate by its serial. */
static EVP_PKEY *key_for(struct wxp *w, const char *serial)
{
	if (w->pub && strcmp(serial, w->pub_id) == 0)
		return w->pub;
	for (size_t i = 0; i < w->n_certs; i++)
		if (strcasecmp(w->certs[i].serial, serial) == 0)
			return w->certs[i].key;
	return NULL;
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
	(void)rq;
	struct wxp *w = ctx;
	const char *ts = v->header(v, "Wechatpay-Timestamp");
	const char *nonce = v->header(v, "Wechatpay-Nonce");
	const char *sig = v->header(v, "Wechatpay-Signature");
	const char *serial = v->header(v, "Wechatpay-Serial");
	if (!ts || !nonce || !sig || !serial)
		return forged(r, _("the platform's answer is not signed"));
	if (strncmp(sig, WXP_PROBE, strlen(WXP_PROBE)) == 0)
		return forged(r, _("the platform's answer carries a test signature (a signature "
		                   "probe), which must not be trusted"));
	char *end;
	long long t = strtoll(ts, &end, 10);
	long long now = (long long)paydesk_now();
	if (*ts == '\0' || *end != '\0' || t - now >= WXP_CLOCK_SKEW || now - t >= WXP_CLOCK_SKEW) {
		char why[300];
		snprintf(why, sizeof why,
		         _("the platform's answer was signed at %s, more than five minutes from "
		           "this machine's clock; check the clock (signatures fail beyond five "
		           "minutes)"),
		         ts);
		return forged(r, why);
	}
	EVP_PKEY *key = key_for(w, serial);
	struct wxp fresh;
	bool have_fresh = false;
	if (!key && rq->call == WXP_CALL_CERTIFICATES) {
		/* The first download: the answer is signed with one of the certificates it
		 * carries, each authenticated by decrypting with the APIv3 key. */
		memset(&fresh, 0, sizeof fresh);
		memcpy(fresh.apiv3, w->apiv3, sizeof fresh.apiv3);
		fresh.has_apiv3 = w->has_apiv3;
		char *copy = malloc(v->len + 1);
		char jerr[96];
		struct jdoc *doc = NULL;
		if (copy) {
			memcpy(copy, v->body, v->len);
			doc = jdoc_parse(copy, v->len, jerr, sizeof jerr);
		}
		struct provider_result ignored;
		if (doc && wxp_certificates_update(&fresh, jdoc_root(doc), &ignored) == 0) {
			have_fresh = true;
			key = key_for(&fresh, serial);
		}
		jdoc_free(&doc);
	}
	if (!key) {
		if (have_fresh)
			wxp_free_keys(&fresh);
		w->certs_stale = true;
		char why[300];
		snprintf(why, sizeof why,
		         _("the platform signed its answer with key %s, which paydesk does not "
		           "know; check wechatpay_public_key_id, or let the next sync fetch the "
		           "platform's certificates"),
		         serial);
		return forged(r, why);
	}
	size_t mlen = strlen(ts) + strlen(nonce) + v->len + 4;
	char *msg = malloc(mlen);
	if (!msg)
		return forged(r, _("out of memory"));
	int n = snprintf(msg, mlen, "%s\n%s\n", ts, nonce);
	memcpy(msg + n, v->body, v->len);
	msg[(size_t)n + v->len] = '\n';
	char err[300] = "";
	int ok = crypto_verify(key, msg, (size_t)n + v->len + 1, sig, err, sizeof err);
	free(msg);
	if (have_fresh)
		wxp_free_keys(&fresh);
	if (ok != 1)
		return forged(r, ok < 0 ? err
		                        : _("the platform's answer does not match its signature: "
		                            "it was changed on the way, or not sent by the "
		                            "platform"));
	return 0;
}

/* {"code":"...","message":"...","detail":{...}} */
static void classify(void *ctx, const struct http_request *rq, long status, const struct jval *root,
                     struct provider_result *r)
{
	(void)ctx, (void)rq;
	if (status >= 200 && status < 300)
		return;
	const char *code = jval_str(jval_get(root, "code"));
	const char *msg = jval_str(jval_get(root, "message"));
	snprintf(r->error_code, sizeof r->error_code, "%s", code ? code : "");
	snprintf(r->message, sizeof r->message, "%s", msg ? msg : "");
	r->outcome = http_status_outcome(status);
	/* 403 NOT_ENOUGH is a short balance, not a missing permission. */
	if (status == 403 && code && strcmp(code, "NOT_ENOUGH") == 0)
		r->outcome = PROVIDER_INVALID;
	if (code && (strcmp(code, "SIGN_ERROR") == 0))
		r->outcome = PROVIDER_AUTH;
}

void wxp_wire_init(struct wxp *w)
{
	w->wire = (struct http_wire){.authorize = authorize,
	                             .verify = verify,
	                             .classify = classify,
	                             .ctx = w,
	                             .keep = kept_headers,
	                             .n_keep = sizeof kept_headers / sizeof *kept_headers};
}

static void free_certs(struct wxp *w)
{
	for (size_t i = 0; i < w->n_certs; i++)
		EVP_PKEY_free(w->certs[i].key);
	w->n_certs = 0;
}

void wxp_free_keys(struct wxp *w)
{
	EVP_PKEY_free(w->key);
	EVP_PKEY_free(w->pub);
	w->key = w->pub = NULL;
	free_certs(w);
	OPENSSL_cleanse(w->apiv3, sizeof w->apiv3);
}

/* Adds certificates from PEM text (one or more), newest first. */
static void add_certificates(struct wxp *w, const char *pem)
{
	for (const char *p = strstr(pem, "-----BEGIN CERTIFICATE-----");
	     p && w->n_certs < WXP_MAX_CERTS; p = strstr(p + 1, "-----BEGIN CERTIFICATE-----")) {
		const char *e = strstr(p, "-----END CERTIFICATE-----");
		if (!e)
			break;
		e += strlen("-----END CERTIFICATE-----");
		struct wxp_cert c;
		char err[200];
		if (crypto_certificate(p, (size_t)(e - p), &c.key, c.serial, sizeof c.serial,
		                       &c.not_before, &c.not_after, err, sizeof err) != 0)
			continue;
		size_t at = 0;
		while (at < w->n_certs && w->certs[at].not_before >= c.not_before)
			at++;
		memmove(&w->certs[at + 1], &w->certs[at], (w->n_certs - at) * sizeof c);
		w->certs[at] = c;
		w->n_certs++;
	}
}

int wxp_certificates_load(struct wxp *w)
{
	char err[300];
	size_t len;
	char *pem = profile_read_file(w->certs_path, 256 * 1024, false, &len, err, sizeof err);
	if (!pem)
		return -1;
	free_certs(w);
	add_certificates(w, pem);
	free(pem);
	return w->n_certs ? 0 : -1;
}

int wxp_certificates_update(struct wxp *w, const struct jval *root, struct provider_result *r)
{
	const struct jval *data = jval_get(root, "data");
	if (!jval_is(data, J_ARRAY) || !w->has_apiv3) {
		provider_fail(r, PROVIDER_BAD_REPLY,
		              w->has_apiv3 ? _("the platform's certificates are not in its answer")
		                           : _("the platform's certificates are encrypted with the "
		                               "APIv3 key: name its file with apiv3_key_file"));
		return -1;
	}
	size_t cap = 64 * 1024, len = 0;
	char *all = malloc(cap);
	if (!all) {
		provider_fail(r, PROVIDER_BAD_REPLY, _("out of memory"));
		return -1;
	}
	all[0] = '\0';
	const struct jval *c;
	uint32_t i;
	int good = 0;
	JVAL_EACH(c, i, data)
	{
		const struct jval *enc = jval_get(c, "encrypt_certificate");
		const char *nonce = jval_str(jval_get(enc, "nonce"));
		const char *aad = jval_str(jval_get(enc, "associated_data"));
		const char *ct = jval_str(jval_get(enc, "ciphertext"));
		if (!nonce || !ct)
			continue;
		size_t n;
		char err[300];
		char *pem = crypto_aes_gcm_decrypt(w->apiv3, nonce, aad ? aad : "", ct, &n, err,
		                                   sizeof err);
		if (!pem) {
			free(all);
			provider_fail(r, PROVIDER_FORGED, err);
			return -1;
		}
		if (len + n + 2 < cap) {
			memcpy(all + len, pem, n);
			len += n;
			all[len++] = '\n';
			all[len] = '\0';
			good++;
		}
		OPENSSL_cleanse(pem, n);
		free(pem);
	}
	if (!good) {
		free(all);
		provider_fail(r, PROVIDER_BAD_REPLY, _("the platform sent no certificate"));
		return -1;
	}
	free_certs(w);
	add_certificates(w, all);
	w->certs_stale = false;
	/* Kept for the next run: written whole, then renamed over the old file. */
	if (!w->certs_path[0]) {
		free(all);
		return 0;
	}
	char tmp[1200];
	snprintf(tmp, sizeof tmp, "%s.tmp", w->certs_path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	bool written = fd >= 0 && write(fd, all, len) == (ssize_t)len;
	if (fd >= 0 && close(fd) != 0)
		written = false;
	if (written)
		rename(tmp, w->certs_path);
	else
		unlink(tmp);
	free(all);
	return 0;
}
