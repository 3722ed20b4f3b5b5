/* A merchant's files (--init-merchant writes them, --merchant serves with them) and the
 * platform's certificates. The folder holds what a real merchant has (mchid, its API
 * private key and certificate serial, the APIv3 key, WeChat Pay's public key and its id)
 * and, under platform/, what only the platform holds: its private keys, its certificates,
 * and the merchant's public key. Keys are random; the mchid follows --seed. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/wechatpay/wechatpay.h"

#define YEAR (365 * 86400)

static int write_text(const char *dir, const char *name, const char *text, mode_t mode)
{
	char path[768];
	int fd;
	size_t n = strlen(text);
	ssize_t put;

	snprintf(path, sizeof(path), "%.500s/%.200s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0 || fchmod(fd, mode) != 0) {
		fprintf(stderr, "paydesk-sandbox: cannot write %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	put = write(fd, text, n);
	if (close(fd) != 0 || put != (ssize_t)n) {
		fprintf(stderr, "paydesk-sandbox: cannot write %s\n", path);
		return -1;
	}
	return 0;
}

/* The first line of dir/name into out (size n), without its line end; 0 or -1 (printed). */
static int read_line(const char *dir, const char *name, char *out, size_t n)
{
	char path[768];
	FILE *f;

	snprintf(path, sizeof(path), "%.500s/%.200s", dir, name);
	f = fopen(path, "r");
	if (f == NULL || fgets(out, (int)n, f) == NULL) {
		fprintf(stderr, "paydesk-sandbox: cannot read %s: %s\n", path,
		        f ? "empty file" : strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

static int all_of(const char *s, size_t len, int (*cls)(int))
{
	size_t i;

	if (strlen(s) != len)
		return 0;
	for (i = 0; i < len; i++)
		if (!cls((unsigned char)s[i]))
			return 0;
	return 1;
}

static int is_upper_hex(int c)
{
	return isdigit(c) || (c >= 'A' && c <= 'F');
}

/* A 40-digit serial whose first digit keeps the ASN.1 integer positive and 20 bytes long. */
static void new_serial(char *out)
{
	wx_random_hex(out, 40, 1);
	out[0] = "1234567"[(unsigned char)out[1] % 7];
}

static int save_cert(const char *dir, struct wx_cert *c)
{
	char name[128];

	snprintf(name, sizeof(name), "platform/cert_%s.pem", c->serial);
	return write_text(dir, name, c->pem, 0644);
}

/* Makes a certificate valid over [from, until) with a new key, in memory and on disk. */
static int add_cert(const char *dir, struct wx_state *w, int64_t from, int64_t until)
{
	struct wx_cert *c;
	char path[768];

	if (w->n_certs == WX_MAX_CERTS)
		return -1;
	c = &w->certs[w->n_certs];
	memset(c, 0, sizeof(*c));
	new_serial(c->serial);
	c->effective = from;
	c->expire = until;
	c->key = wx_rsa_new();
	c->pem = c->key ? wx_make_cert(c->key, c->serial, from, until) : NULL;
	snprintf(path, sizeof(path), "%.500s/platform/cert_%s_key.pem", dir, c->serial);
	if (c->pem == NULL || wx_write_key(c->key, path, 1) != 0 || save_cert(dir, c) != 0) {
		EVP_PKEY_free(c->key);
		free(c->pem);
		memset(c, 0, sizeof(*c));
		return -1;
	}
	w->n_certs++;
	return 0;
}

int wx_init_merchant(struct sbx *s, const char *dir)
{
	struct wx_state *w = calloc(1, sizeof(*w));
	char sub[768], path[768], text[128];
	uint64_t h = s->opt.seed * 0x9e3779b97f4a7c15ULL + 0x6d636869ULL;
	int64_t now = s->opt.now_given ? s->opt.now : (int64_t)time(NULL);
	EVP_PKEY *merchant = NULL;
	DIR *d;
	int rc = -1, i;

	if (w == NULL)
		return -1;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "paydesk-sandbox: cannot create %s: %s\n", dir, strerror(errno));
		free(w);
		return -1;
	}
	d = opendir(dir);
	if (d) {
		const struct dirent *e;
		int used = 0;

		while ((e = readdir(d)) != NULL)
			used |= strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
		closedir(d);
		if (used) {
			fprintf(stderr,
			        "paydesk-sandbox: %s is not empty; --init-merchant writes a new "
			        "merchant into an empty or new folder\n",
			        dir);
			free(w);
			return -1;
		}
	}
	snprintf(sub, sizeof(sub), "%.500s/platform", dir);
	if (chmod(dir, 0700) != 0 || mkdir(sub, 0700) != 0) {
		fprintf(stderr, "paydesk-sandbox: cannot prepare %s: %s\n", dir, strerror(errno));
		free(w);
		return -1;
	}
	/* The mchid follows --seed (a fixture's merchant number stays put); keys are random. */
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	snprintf(w->mchid, sizeof(w->mchid), "1%c%08llu", "56789"[h % 5],
	         (unsigned long long)((h >> 8) % 100000000ULL));
	new_serial(w->merchant_serial);
	wx_random_alnum(text, 32);
	text[32] = '\n';
	text[33] = '\0';
	if (write_text(dir, "apiv3_key", text, 0600) != 0)
		goto out;
	snprintf(text, sizeof(text), "%s\n", w->mchid);
	if (write_text(dir, "mchid", text, 0644) != 0)
		goto out;
	snprintf(text, sizeof(text), "%s\n", w->merchant_serial);
	if (write_text(dir, "merchant_serial", text, 0644) != 0)
		goto out;
	wx_random_hex(path, 12, 0);
	for (i = 0; i < 12; i++)
		path[i] = (char)('0' + (unsigned char)path[i] % 10);
	snprintf(text, sizeof(text), "PUB_KEY_ID_0114%.10s%.12s\n", w->mchid, path);
	if (write_text(dir, "wechatpay_public_key_id", text, 0644) != 0)
		goto out;
	merchant = wx_rsa_new();
	w->platform_key = wx_rsa_new();
	if (merchant == NULL || w->platform_key == NULL) {
		fprintf(stderr, "paydesk-sandbox: cannot make RSA keys\n");
		goto out;
	}
	snprintf(path, sizeof(path), "%.500s/apiclient_key.pem", dir);
	if (wx_write_key(merchant, path, 1) != 0)
		goto out;
	snprintf(path, sizeof(path), "%.600s/merchant_public_key.pem", sub);
	if (wx_write_key(merchant, path, 0) != 0)
		goto out;
	snprintf(path, sizeof(path), "%.600s/wechatpay_private_key.pem", sub);
	if (wx_write_key(w->platform_key, path, 1) != 0)
		goto out;
	snprintf(path, sizeof(path), "%.500s/wechatpay_public_key.pem", dir);
	if (wx_write_key(w->platform_key, path, 0) != 0)
		goto out;
	/* Ten years around the time of writing, so any --now near it finds it valid. */
	if (add_cert(dir, w, now - 5 * (int64_t)YEAR, now + 5 * (int64_t)YEAR) != 0) {
		fprintf(stderr, "paydesk-sandbox: cannot make the platform certificate\n");
		goto out;
	}
	rc = 0;
	if (!s->opt.quiet)
		fprintf(stderr, "paydesk-sandbox: merchant %s written to %s\n", w->mchid, dir);
out:
	EVP_PKEY_free(merchant);
	wx_free_merchant(w);
	free(w);
	return rc;
}

static int64_t asn1_unix(const ASN1_TIME *t)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return (int64_t)timegm(&tm);
}

/* Loads platform/cert_SERIAL.pem and its key. 0, or -1 after printing why. */
static int load_cert(struct wx_state *w, const char *serial)
{
	char path[768];
	struct wx_cert *c;
	X509 *x = NULL;
	BIO *bio;
	char *data;
	long len;

	if (w->n_certs == WX_MAX_CERTS)
		return 0;
	c = &w->certs[w->n_certs];
	memset(c, 0, sizeof(*c));
	snprintf(c->serial, sizeof(c->serial), "%s", serial);
	snprintf(path, sizeof(path), "%s/platform/cert_%s.pem", w->dir, serial);
	bio = BIO_new_file(path, "r");
	if (bio)
		x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (x == NULL) {
		fprintf(stderr, "paydesk-sandbox: %s is not a PEM certificate\n", path);
		ERR_clear_error();
		return -1;
	}
	c->effective = asn1_unix(X509_get0_notBefore(x));
	c->expire = asn1_unix(X509_get0_notAfter(x));
	bio = BIO_new(BIO_s_mem());
	if (bio && PEM_write_bio_X509(bio, x) == 1 && (len = BIO_get_mem_data(bio, &data)) > 0)
		c->pem = strndup(data, (size_t)len);
	BIO_free(bio);
	X509_free(x);
	snprintf(path, sizeof(path), "%s/platform/cert_%s_key.pem", w->dir, serial);
	c->key = c->pem ? wx_read_key(path, 1) : NULL;
	if (c->key == NULL) {
		free(c->pem);
		return -1;
	}
	w->n_certs++;
	return 0;
}

static int cmp_cert(const void *a, const void *b)
{
	const struct wx_cert *x = a, *y = b;

	return x->effective < y->effective ? -1 : x->effective > y->effective;
}

int wx_load_merchant(struct sbx *s)
{
	struct wx_state *w = wx_state(s);
	char line[128], path[768];
	DIR *d;
	const struct dirent *e;

	if (s->opt.merchant_dir == NULL) {
		fprintf(stderr,
		        "paydesk-sandbox: --platform wechatpay signs with a merchant's keys: run "
		        "'paydesk-sandbox --platform wechatpay --init-merchant DIR' first, then "
		        "start it with --merchant DIR\n");
		return -1;
	}
	snprintf(w->dir, sizeof(w->dir), "%s", s->opt.merchant_dir);
	if (read_line(w->dir, "mchid", w->mchid, sizeof(w->mchid)) != 0 ||
	    read_line(w->dir, "merchant_serial", w->merchant_serial, sizeof(w->merchant_serial)) !=
	            0 ||
	    read_line(w->dir, "apiv3_key", line, sizeof(line)) != 0 ||
	    read_line(w->dir, "wechatpay_public_key_id", w->pub_key_id, sizeof(w->pub_key_id)) != 0)
		return -1;
	if (!all_of(w->mchid, 10, isdigit) || !all_of(w->merchant_serial, 40, is_upper_hex) ||
	    !all_of(line, 32, isalnum) || strncmp(w->pub_key_id, "PUB_KEY_ID_", 11) != 0) {
		fprintf(stderr,
		        "paydesk-sandbox: %s does not hold a merchant made by --init-merchant "
		        "(mchid, merchant_serial, apiv3_key or wechatpay_public_key_id is "
		        "malformed)\n",
		        w->dir);
		return -1;
	}
	memcpy(w->apiv3_key, line, 32);
	snprintf(path, sizeof(path), "%s/platform/merchant_public_key.pem", w->dir);
	w->merchant_pub = wx_read_key(path, 0);
	snprintf(path, sizeof(path), "%s/platform/wechatpay_private_key.pem", w->dir);
	w->platform_key = w->merchant_pub ? wx_read_key(path, 1) : NULL;
	if (w->platform_key == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/platform", w->dir);
	d = opendir(path);
	if (d == NULL) {
		fprintf(stderr, "paydesk-sandbox: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		char serial[41];

		if (n != 49 || strncmp(e->d_name, "cert_", 5) != 0 ||
		    strcmp(e->d_name + 45, ".pem") != 0)
			continue;
		memcpy(serial, e->d_name + 5, 40);
		serial[40] = '\0';
		if (all_of(serial, 40, is_upper_hex) && load_cert(w, serial) != 0) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	qsort(w->certs, w->n_certs, sizeof(w->certs[0]), cmp_cert);
	snprintf(path, sizeof(path), "%s/platform/public_key_only", w->dir);
	w->public_key_only = access(path, F_OK) == 0;
	return 0;
}

void wx_free_merchant(struct wx_state *w)
{
	size_t i;

	EVP_PKEY_free(w->merchant_pub);
	EVP_PKEY_free(w->platform_key);
	EVP_PKEY_free(w->wrong_key);
	for (i = 0; i < w->n_certs; i++) {
		EVP_PKEY_free(w->certs[i].key);
		free(w->certs[i].pem);
	}
	w->merchant_pub = w->platform_key = w->wrong_key = NULL;
	w->n_certs = 0;
}

static int valid(const struct wx_cert *c, int64_t now)
{
	return c->effective <= now && now < c->expire;
}

struct wx_cert *wx_pick_cert(struct wx_state *w, const char *serial, int64_t now)
{
	struct wx_cert *newest = NULL;
	size_t i;

	for (i = 0; i < w->n_certs; i++) {
		if (!valid(&w->certs[i], now))
			continue;
		if (serial && strcmp(serial, w->certs[i].serial) == 0)
			return &w->certs[i];
		newest = &w->certs[i]; /* sorted by effective time */
	}
	return newest;
}

int wx_rotate(struct sbx *s, struct sbx_buf *out)
{
	struct wx_state *w = wx_state(s);
	int64_t now = sbx_now(s);
	struct wx_cert *prev;
	char a[40], b[40];
	size_t i, keep = 0;

	/* Room for the new one: certificates that have expired make way. */
	if (w->n_certs == WX_MAX_CERTS) {
		for (i = 0; i < w->n_certs; i++) {
			if (w->certs[i].expire <= now) {
				EVP_PKEY_free(w->certs[i].key);
				free(w->certs[i].pem);
				continue;
			}
			w->certs[keep++] = w->certs[i];
		}
		w->n_certs = keep;
	}
	prev = wx_pick_cert(w, NULL, now);
	if (prev && prev->expire > now + 10 * 86400) {
		/* The old certificate is issued again (same serial and key) to expire in ten
		 * days, so its X.509 dates say what /v3/certificates says. */
		char *pem =
		        wx_make_cert(prev->key, prev->serial, prev->effective, now + 10 * 86400);

		if (pem == NULL)
			return -1;
		free(prev->pem);
		prev->pem = pem;
		prev->expire = now + 10 * 86400;
		if (save_cert(w->dir, prev) != 0)
			return -1;
	}
	/* prev stays valid: certificates live in a fixed array and add_cert appends. */
	if (add_cert(w->dir, w, now, now + 5 * (int64_t)YEAR) != 0)
		return -1;
	wx_rfc3339(w->certs[w->n_certs - 1].effective, a);
	wx_rfc3339(w->certs[w->n_certs - 1].expire, b);
	sbx_buf_printf(out,
	               "{\"serial_no\":\"%s\",\"effective_time\":\"%s\",\"expire_time\":\"%s\"",
	               w->certs[w->n_certs - 1].serial, a, b);
	if (prev) {
		wx_rfc3339(prev->expire, b);
		sbx_buf_printf(out, ",\"previous\":{\"serial_no\":\"%s\",\"expire_time\":\"%s\"}",
		               prev->serial, b);
	}
	sbx_buf_puts(out, "}");
	return 0;
}

int wx_set_public_key_only(struct sbx *s, int on)
{
	struct wx_state *w = wx_state(s);
	char path[768];

	snprintf(path, sizeof(path), "%s/platform/public_key_only", w->dir);
	if (on && write_text(w->dir, "platform/public_key_only", "1\n", 0644) != 0)
		return -1;
	if (!on && unlink(path) != 0 && errno != ENOENT)
		return -1;
	w->public_key_only = on;
	return 0;
}

void wx_api_certificates(struct sbx *s, struct wx_req *rq, struct wx_reply *r)
{
	struct wx_state *w = wx_state(s);
	int64_t now = sbx_now(s);
	size_t i;
	int n = 0;

	(void)rq;
	if (w->public_key_only || wx_pick_cert(w, NULL, now) == NULL) {
		wx_error(r, 404, "RESOURCE_NOT_EXISTS",
		         "无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥。可查看指引"
		         "https://pay.weixin.qq.com/docs/merchant/products/platform-certificate/"
		         "wxp-pub-key-guide.html");
		return;
	}
	r->status = 200;
	sbx_buf_puts(&r->body, "{\"data\":[");
	for (i = w->n_certs; i > 0; i--) {
		const struct wx_cert *c = &w->certs[i - 1];
		char eff[40], exp[40], nonce[13];

		if (!valid(c, now))
			continue;
		wx_rfc3339(c->effective, eff);
		wx_rfc3339(c->expire, exp);
		wx_random_alnum(nonce, 12);
		sbx_buf_printf(
		        &r->body,
		        "%s{\"serial_no\":\"%s\",\"effective_time\":\"%s\",\"expire_time\":"
		        "\"%s\",\"encrypt_certificate\":{\"algorithm\":\"AEAD_AES_256_GCM\","
		        "\"nonce\":\"%s\",\"associated_data\":\"certificate\",\"ciphertext\":\"",
		        n++ ? "," : "", c->serial, eff, exp, nonce);
		if (wx_aes_gcm(w->apiv3_key, nonce, "certificate", c->pem, strlen(c->pem),
		               &r->body) != 0) {
			wx_error(r, 500, "SYSTEM_ERROR", "系统错误");
			return;
		}
		sbx_buf_puts(&r->body, "\"}}");
	}
	sbx_buf_puts(&r->body, "]}");
}
