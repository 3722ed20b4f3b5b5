/* The tests' own WeChat Pay v3 client (see wxt.h). */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "tests/sandbox/wxt.h"

static int64_t clock_offset;

int wxt_init_merchant(const char *dir)
{
	const char *bin = getenv("PAYDESK_SANDBOX");
	pid_t pid;
	int st = 0;

	if (bin == NULL)
		bin = "./paydesk-sandbox";
	pid = fork();
	if (pid == 0) {
		execl(bin, bin, "--platform", "wechatpay", "--init-merchant", dir, "--quiet",
		      (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int read_line(const char *dir, const char *name, char *out, size_t n)
{
	char path[700];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	if (fgets(out, (int)n, f) == NULL)
		out[0] = '\0';
	fclose(f);
	out[strcspn(out, "\r\n")] = '\0';
	return out[0] ? 0 : -1;
}

static EVP_PKEY *read_key(const char *dir, const char *name, int private_key)
{
	char path[700];
	BIO *bio;
	EVP_PKEY *k;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	bio = BIO_new_file(path, "r");
	if (bio == NULL)
		return NULL;
	k = private_key ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)
	                : PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	return k;
}

int wxt_load(struct wxt_merchant *m, const char *dir)
{
	char v[64];

	memset(m, 0, sizeof(*m));
	snprintf(m->dir, sizeof(m->dir), "%s", dir);
	if (read_line(dir, "mchid", m->mchid, sizeof(m->mchid)) != 0 ||
	    read_line(dir, "merchant_serial", m->serial, sizeof(m->serial)) != 0 ||
	    read_line(dir, "apiv3_key", v, sizeof(v)) != 0 || strlen(v) != 32 ||
	    read_line(dir, "wechatpay_public_key_id", m->pub_key_id, sizeof(m->pub_key_id)) != 0)
		return -1;
	memcpy(m->apiv3, v, 33);
	m->key = read_key(dir, "apiclient_key.pem", 1);
	m->wxpub = read_key(dir, "wechatpay_public_key.pem", 0);
	return m->key && m->wxpub ? 0 : -1;
}

void wxt_free(struct wxt_merchant *m)
{
	EVP_PKEY_free(m->key);
	EVP_PKEY_free(m->wxpub);
	m->key = m->wxpub = NULL;
}

void wxt_sync_clock(struct sbt_server *srv)
{
	struct sbt_resp r;

	sbt_request(srv, "GET", "/_admin/now", NULL, NULL, NULL, 0, &r);
	if (r.json)
		clock_offset =
		        json_integer_value(json_object_get(r.json, "now")) - (int64_t)time(NULL);
	sbt_resp_free(&r);
}

int64_t wxt_now(void)
{
	return (int64_t)time(NULL) + clock_offset;
}

static char *b64(const unsigned char *in, size_t n)
{
	char *out = malloc(4 * ((n + 2) / 3) + 1);

	if (out)
		EVP_EncodeBlock((unsigned char *)out, in, (int)n);
	return out;
}

static unsigned char *unb64(const char *in, size_t *n)
{
	size_t len = strlen(in);
	unsigned char *out;
	int got;

	*n = 0;
	if (len == 0 || len % 4)
		return NULL;
	out = malloc(len / 4 * 3 + 1);
	if (out == NULL)
		return NULL;
	got = EVP_DecodeBlock(out, (const unsigned char *)in, (int)len);
	if (got < 0) {
		free(out);
		return NULL;
	}
	*n = (size_t)got - (in[len - 1] == '=') - (in[len - 2] == '=');
	return out;
}

/* base64 SHA256withRSA of msg; caller frees. */
static char *sign(EVP_PKEY *key, const char *msg, size_t n)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char sig[512];
	size_t len = sizeof(sig);
	char *out = NULL;

	if (ctx && EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestSign(ctx, sig, &len, (const unsigned char *)msg, n) == 1)
		out = b64(sig, len);
	EVP_MD_CTX_free(ctx);
	return out;
}

struct grow {
	char *p;
	size_t n;
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct grow *g = ud;
	size_t add = size * nmemb;
	char *np = realloc(g->p, g->n + add + 1);

	if (np == NULL)
		return 0;
	memcpy(np + g->n, ptr, add);
	g->p = np;
	g->n += add;
	g->p[g->n] = '\0';
	return add;
}

static void header(const char *line, size_t n, const char *name, char *out, size_t on)
{
	size_t ln = strlen(name), i;

	if (n <= ln + 1 || strncasecmp(line, name, ln) != 0 || line[ln] != ':')
		return;
	line += ln + 1;
	n -= ln + 1;
	while (n && *line == ' ') {
		line++;
		n--;
	}
	while (n && (line[n - 1] == '\r' || line[n - 1] == '\n'))
		n--;
	for (i = 0; i < n && i + 1 < on; i++)
		out[i] = line[i];
	out[i] = '\0';
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct wxt_resp *r = ud;
	size_t n = size * nmemb;

	header(ptr, n, "Request-ID", r->request_id, sizeof(r->request_id));
	header(ptr, n, "Wechatpay-Timestamp", r->ts, sizeof(r->ts));
	header(ptr, n, "Wechatpay-Nonce", r->nonce, sizeof(r->nonce));
	header(ptr, n, "Wechatpay-Serial", r->serial, sizeof(r->serial));
	header(ptr, n, "Wechatpay-Signature", r->signature, sizeof(r->signature));
	header(ptr, n, "Content-Type", r->content_type, sizeof(r->content_type));
	header(ptr, n, "Retry-After", r->retry_after, sizeof(r->retry_after));
	return n;
}

static void request(struct sbt_server *srv, const struct wxt_merchant *m, const char *method,
                    const char *target, const char *body, size_t body_len, const char *ctype,
                    const char *signed_body, const char *wechatpay_serial, int flags,
                    struct wxt_resp *r)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hdr = NULL;
	struct grow g = {NULL, 0};
	char url[4096], line[2048], nonce[33], ts[24];
	const char *uri = target;
	char *msg = NULL, *sig = NULL;
	size_t msg_len;
	int i;

	memset(r, 0, sizeof(*r));
	if (h == NULL) {
		r->curl_error = -1;
		return;
	}
	if (strncmp(target, "http://", 7) == 0) {
		snprintf(url, sizeof(url), "%s", target);
		uri = strchr(target + 7, '/');
		if (uri == NULL)
			uri = "/";
	} else {
		snprintf(url, sizeof(url), "%s%s", srv->base, target);
	}
	for (i = 0; i < 32; i++)
		nonce[i] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[rand() % 32];
	nonce[32] = '\0';
	snprintf(ts, sizeof(ts), "%lld", (long long)(wxt_now() - (flags & WXT_STALE ? 400 : 0)));
	msg_len = strlen(method) + strlen(uri) + strlen(ts) + strlen(nonce) +
	          strlen(signed_body ? signed_body : "") + 6;
	msg = malloc(msg_len);
	if (msg) {
		snprintf(msg, msg_len, "%s\n%s\n%s\n%s\n%s\n", method, uri, ts, nonce,
		         signed_body ? signed_body : "");
		sig = sign(m->key, msg, strlen(msg));
	}
	if (sig && (flags & WXT_BAD_SIG))
		sig[10] = sig[10] == 'A' ? 'B' : 'A';
	if (!(flags & WXT_NO_AUTH)) {
		snprintf(line, sizeof(line),
		         "Authorization: WECHATPAY2-SHA256-RSA2048 mchid=\"%s\",nonce_str=\"%s\","
		         "signature=\"%s\",timestamp=\"%s\",serial_no=\"%s\"",
		         flags & WXT_WRONG_MCHID ? "1900000001" : m->mchid, nonce, sig ? sig : "",
		         ts,
		         flags & WXT_WRONG_SERIAL ? "1234567890ABCDEF1234567890ABCDEF12345678"
		                                  : m->serial);
		hdr = curl_slist_append(hdr, line);
	}
	hdr = curl_slist_append(hdr,
	                        flags & WXT_NO_ACCEPT ? "Accept:" : "Accept: application/json");
	hdr = curl_slist_append(hdr,
	                        flags & WXT_NO_UA ? "User-Agent:" : "User-Agent: paydesk-tests/1");
	/* A client of the public key names it, unless told otherwise. */
	if (!wechatpay_serial && !(flags & WXT_NO_SERIAL))
		wechatpay_serial = m->pub_key_id;
	if (wechatpay_serial) {
		snprintf(line, sizeof(line), "Wechatpay-Serial: %s", wechatpay_serial);
		hdr = curl_slist_append(hdr, line);
	}
	if (ctype) {
		snprintf(line, sizeof(line), "Content-Type: %s", ctype);
		hdr = curl_slist_append(hdr, line);
	}
	hdr = curl_slist_append(hdr, "Expect:");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	if (body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)body_len);
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &g);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 60000L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	r->curl_error = (int)curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	free(msg);
	free(sig);
	r->body = g.p ? g.p : calloc(1, 1);
	r->len = g.n;
	if (r->body && r->curl_error == 0 && r->len)
		r->json = json_loadb(r->body, r->len, 0, NULL);
}

void wxt_call(struct sbt_server *srv, const struct wxt_merchant *m, const char *method,
              const char *target, const char *body, const char *wechatpay_serial, int flags,
              struct wxt_resp *r)
{
	request(srv, m, method, target, body, body ? strlen(body) : 0,
	        body ? "application/json" : NULL, body, wechatpay_serial, flags, r);
}

void wxt_upload(struct sbt_server *srv, const struct wxt_merchant *m, const char *filename,
                const void *data, size_t len, const char *meta, int flags, struct wxt_resp *r)
{
	char sha[65], own[512], head[1024], ctype[128];
	const char *boundary = "paydeskTestBoundary7MA4YWxkTrZu0gW";
	size_t hn, total;
	char *body;
	static const char tail_fmt[] = "\r\n--%s--\r\n";
	char tail[96];

	wxt_hex("SHA256", data, len, sha);
	if (meta == NULL) {
		snprintf(own, sizeof(own), "{\"filename\":\"%s\",\"sha256\":\"%s\"}", filename,
		         sha);
		meta = own;
	}
	hn = (size_t)snprintf(head, sizeof(head),
	                      "--%s\r\nContent-Disposition: form-data; name=\"meta\"\r\n"
	                      "Content-Type: application/json\r\n\r\n%s\r\n--%s\r\n"
	                      "Content-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
	                      "Content-Type: image/png\r\n\r\n",
	                      boundary, meta, boundary, filename);
	snprintf(tail, sizeof(tail), tail_fmt, boundary);
	total = hn + len + strlen(tail);
	body = malloc(total);
	if (body == NULL) {
		memset(r, 0, sizeof(*r));
		r->curl_error = -1;
		return;
	}
	memcpy(body, head, hn);
	memcpy(body + hn, data, len);
	memcpy(body + hn + len, tail, strlen(tail));
	snprintf(ctype, sizeof(ctype), "multipart/form-data; boundary=%s", boundary);
	request(srv, m, "POST", "/v3/merchant-service/images/upload", body, total, ctype, meta,
	        NULL, flags, r);
	free(body);
}

void wxt_resp_free(struct wxt_resp *r)
{
	free(r->body);
	json_decref(r->json);
	memset(r, 0, sizeof(*r));
}

int wxt_verify(const struct wxt_resp *r, EVP_PKEY *key)
{
	size_t sig_len = 0, n;
	unsigned char *sig = unb64(r->signature, &sig_len);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	char *msg;
	int ok = 0;

	n = strlen(r->ts) + strlen(r->nonce) + r->len + 3;
	msg = malloc(n + 1);
	if (sig && ctx && msg && r->ts[0] && r->nonce[0]) {
		size_t a = (size_t)snprintf(msg, n + 1, "%s\n%s\n", r->ts, r->nonce);

		memcpy(msg + a, r->body, r->len);
		msg[a + r->len] = '\n';
		ok = EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
		     EVP_DigestVerify(ctx, sig, sig_len, (unsigned char *)msg, a + r->len + 1) == 1;
	}
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	free(sig);
	free(msg);
	return ok;
}

char *wxt_gcm_open(const unsigned char key[32], const char *nonce, const char *aad,
                   const char *b64in, size_t *len)
{
	size_t n = 0;
	unsigned char *ct = unb64(b64in, &n);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	char *out = NULL;
	int a = 0, b = 0;

	if (ct == NULL || ctx == NULL || n < 16)
		goto done;
	out = malloc(n + 1);
	if (out == NULL || EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, (int)strlen(nonce), NULL) != 1 ||
	    EVP_DecryptInit_ex(ctx, NULL, NULL, key, (const unsigned char *)nonce) != 1 ||
	    EVP_DecryptUpdate(ctx, NULL, &a, (const unsigned char *)aad, (int)strlen(aad)) != 1 ||
	    EVP_DecryptUpdate(ctx, (unsigned char *)out, &a, ct, (int)(n - 16)) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, ct + n - 16) != 1 ||
	    EVP_DecryptFinal_ex(ctx, (unsigned char *)out + a, &b) != 1) {
		free(out);
		out = NULL;
		goto done;
	}
	out[a + b] = '\0';
	*len = (size_t)(a + b);
done:
	ERR_clear_error();
	EVP_CIPHER_CTX_free(ctx);
	free(ct);
	return out;
}

EVP_PKEY *wxt_cert_key(const char *pem, char *serial, size_t n)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	BIGNUM *bn = x ? ASN1_INTEGER_to_BN(X509_get_serialNumber(x), NULL) : NULL;
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	EVP_PKEY *key = x ? X509_get_pubkey(x) : NULL;

	snprintf(serial, n, "%s", hex ? hex : "");
	OPENSSL_free(hex);
	BN_free(bn);
	X509_free(x);
	BIO_free(bio);
	return key;
}

char *wxt_oaep_open(EVP_PKEY *key, const char *b64in)
{
	size_t n = 0, out_len = 512;
	unsigned char *ct = unb64(b64in, &n);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
	unsigned char *out = malloc(513);
	char *res = NULL;

	if (ct && ctx && out && EVP_PKEY_decrypt_init(ctx) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
	    EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha1()) == 1 &&
	    EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha1()) == 1 &&
	    EVP_PKEY_decrypt(ctx, out, &out_len, ct, n) == 1) {
		out[out_len] = '\0';
		res = (char *)out;
		out = NULL;
	}
	ERR_clear_error();
	EVP_PKEY_CTX_free(ctx);
	free(ct);
	free(out);
	return res;
}

int wxt_gunzip(const char *in, size_t n, char **out, size_t *out_len)
{
	z_stream z;
	size_t cap = n * 8 + 1024;
	char *buf = malloc(cap);
	int rc;

	*out = NULL;
	memset(&z, 0, sizeof(z));
	if (buf == NULL || inflateInit2(&z, 16 + 15) != Z_OK) {
		free(buf);
		return -1;
	}
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)n;
	do {
		if (z.total_out == cap) {
			char *nb = realloc(buf, cap * 2);

			if (nb == NULL)
				break;
			buf = nb;
			cap *= 2;
		}
		z.next_out = (Bytef *)buf + z.total_out;
		z.avail_out = (uInt)(cap - z.total_out);
		rc = inflate(&z, Z_NO_FLUSH);
	} while (rc == Z_OK);
	inflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(buf);
		return -1;
	}
	*out = buf;
	*out_len = z.total_out;
	return 0;
}

void wxt_hex(const char *md, const void *data, size_t n, char *out)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;
	EVP_MD *type = EVP_MD_fetch(NULL, md, NULL);

	out[0] = '\0';
	if (type && EVP_Digest(data, n, d, &len, type, NULL) == 1)
		for (i = 0; i < len; i++)
			snprintf(out + 2 * i, 3, "%02x", d[i]);
	EVP_MD_free(type);
}

int wxt_lines(const char *bill, size_t n, char ***lines, char **copy)
{
	char *c = malloc(n + 1);
	char **v = NULL;
	int count = 0, cap = 0;
	char *p, *e;

	*lines = NULL;
	*copy = c;
	if (c == NULL)
		return 0;
	memcpy(c, bill, n);
	c[n] = '\0';
	p = c;
	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (*p) {
		e = strstr(p, "\r\n");
		if (count == cap) {
			char **nv = realloc(v, (size_t)(cap = cap ? cap * 2 : 256) * sizeof(*nv));

			if (nv == NULL)
				break;
			v = nv;
		}
		v[count++] = p;
		if (e == NULL)
			break;
		*e = '\0';
		p = e + 2;
	}
	*lines = v;
	return count;
}

int wxt_cells(char *line, char **cells, int max)
{
	int n = 0;
	char *p = line;

	while (n < max) {
		char *e = strchr(p, ',');

		if (e)
			*e = '\0';
		cells[n++] = *p == '`' ? p + 1 : p;
		if (e == NULL)
			break;
		p = e + 1;
	}
	return n;
}

static int64_t decimal(const char *v, int places)
{
	int64_t whole = 0, frac = 0;
	int neg = *v == '-', i;
	const char *p = v + neg;

	if (*p < '0' || *p > '9')
		return INT64_MIN;
	while (*p >= '0' && *p <= '9')
		whole = whole * 10 + (*p++ - '0');
	if (*p++ != '.')
		return INT64_MIN;
	for (i = 0; i < places; i++) {
		if (p[i] < '0' || p[i] > '9')
			return INT64_MIN;
		frac = frac * 10 + (p[i] - '0');
	}
	if (p[places] != '\0')
		return INT64_MIN;
	for (i = 0; i < places; i++)
		whole *= 10;
	return neg ? -(whole + frac) : whole + frac;
}

int64_t wxt_fen(const char *v)
{
	return decimal(v, 2);
}

int64_t wxt_e5(const char *v)
{
	return decimal(v, 5);
}

uint64_t wxt_fnv(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}
