/* The signing platforms' cryptography on OpenSSL 3's EVP interfaces; see crypto.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "client/client.h"
#include "client/crypto.h"

/* "what: OpenSSL's reason" into err, and the library's error queue emptied. */
static void ssl_fail(char *err, size_t err_size, const char *what)
{
	unsigned long e = ERR_get_error();
	char reason[256] = "";
	if (e)
		ERR_error_string_n(e, reason, sizeof reason);
	ERR_clear_error();
	if (reason[0])
		snprintf(err, err_size, "%s (%s)", what, reason);
	else
		snprintf(err, err_size, "%s", what);
}

EVP_PKEY *crypto_private_key(const char *pem, size_t len, char *err, size_t err_size)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	if (!key)
		ssl_fail(err, err_size, _("not a PEM private key"));
	return key;
}

EVP_PKEY *crypto_public_key(const char *pem, size_t len, char *err, size_t err_size)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	EVP_PKEY *key = NULL;
	if (bio && strstr(pem, "BEGIN CERTIFICATE")) {
		X509 *x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
		key = x ? X509_get_pubkey(x) : NULL;
		X509_free(x);
	} else if (bio) {
		key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	}
	BIO_free(bio);
	if (!key)
		ssl_fail(err, err_size, _("not a PEM public key or certificate"));
	return key;
}

bool crypto_same_key(EVP_PKEY *a, EVP_PKEY *b)
{
	return a && b && EVP_PKEY_eq(a, b) == 1;
}

/* An ASN.1 time as Unix seconds. */
static int64_t asn1_unix(const ASN1_TIME *t)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return (int64_t)timegm(&tm);
}

int crypto_certificate(const char *pem, size_t len, EVP_PKEY **key, char *serial,
                       size_t serial_size, int64_t *not_before, int64_t *not_after, char *err,
                       size_t err_size)
{
	*key = NULL;
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	if (!x) {
		ssl_fail(err, err_size, _("not a PEM certificate"));
		return -1;
	}
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	*key = X509_get_pubkey(x);
	int rc = hex && *key ? 0 : -1;
	if (rc == 0) {
		snprintf(serial, serial_size, "%s", hex);
		*not_before = asn1_unix(X509_get0_notBefore(x));
		*not_after = asn1_unix(X509_get0_notAfter(x));
	} else {
		ssl_fail(err, err_size, _("the certificate cannot be read"));
		EVP_PKEY_free(*key);
		*key = NULL;
	}
	OPENSSL_free(hex);
	BN_free(bn);
	X509_free(x);
	return rc;
}

int crypto_sign(EVP_PKEY *key, const void *msg, size_t len, char *out, size_t out_size, char *err,
                size_t err_size)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char sig[1024];
	size_t sig_len = sizeof sig;
	int rc = -1;
	if (ctx && EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestSign(ctx, sig, &sig_len, msg, len) == 1 &&
	    crypto_base64_encode(sig, sig_len, out, out_size) > 0)
		rc = 0;
	else
		ssl_fail(err, err_size, _("the request could not be signed"));
	EVP_MD_CTX_free(ctx);
	OPENSSL_cleanse(sig, sizeof sig);
	return rc;
}

int crypto_verify(EVP_PKEY *key, const void *msg, size_t len, const char *sig_b64, char *err,
                  size_t err_size)
{
	unsigned char sig[1024];
	long n = crypto_base64_decode(sig_b64, strlen(sig_b64), sig, sizeof sig);
	if (n <= 0)
		return 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) != 1) {
		ssl_fail(err, err_size, _("the signature could not be checked"));
		EVP_MD_CTX_free(ctx);
		return -1;
	}
	int ok = EVP_DigestVerify(ctx, sig, (size_t)n, msg, len);
	EVP_MD_CTX_free(ctx);
	/* A signature that does not verify leaves a reason in the queue: not ours to show. */
	ERR_clear_error();
	return ok == 1 ? 1 : 0;
}

char *crypto_aes_gcm_decrypt(const unsigned char key[32], const char *nonce, const char *aad,
                             const char *b64, size_t *len, char *err, size_t err_size)
{
	size_t in_len = strlen(b64);
	unsigned char *ct = malloc(in_len + 1);
	char *out = malloc(in_len + 1);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	long n = ct ? crypto_base64_decode(b64, in_len, ct, in_len + 1) : -1;
	int outl = 0, finl = 0;
	bool ok = ct && out && ctx && n > 16;
	size_t body = ok ? (size_t)n - 16 : 0;
	ok = ok && EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, (int)strlen(nonce), NULL) == 1 &&
	     EVP_DecryptInit_ex(ctx, NULL, NULL, key, (const unsigned char *)nonce) == 1 &&
	     EVP_DecryptUpdate(ctx, NULL, &outl, (const unsigned char *)aad, (int)strlen(aad)) ==
	             1 &&
	     EVP_DecryptUpdate(ctx, (unsigned char *)out, &outl, ct, (int)body) == 1 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, ct + body) == 1 &&
	     EVP_DecryptFinal_ex(ctx, (unsigned char *)out + outl, &finl) == 1;
	EVP_CIPHER_CTX_free(ctx);
	free(ct);
	if (!ok) {
		ssl_fail(
		        err, err_size,
		        _("the encrypted text does not decrypt with the APIv3 key (a wrong key, or "
		          "not the platform's text)"));
		free(out);
		return NULL;
	}
	*len = (size_t)(outl + finl);
	out[*len] = '\0';
	return out;
}

int crypto_oaep_decrypt(EVP_PKEY *key, const char *b64, char *out, size_t out_size, char *err,
                        size_t err_size)
{
	unsigned char ct[1024];
	long n = crypto_base64_decode(b64, strlen(b64), ct, sizeof ct);
	EVP_PKEY_CTX *ctx = n > 0 ? EVP_PKEY_CTX_new(key, NULL) : NULL;
	unsigned char plain[1024];
	size_t plain_len = sizeof plain;
	bool ok = ctx && EVP_PKEY_decrypt_init(ctx) == 1 &&
	          EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
	          EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha1()) == 1 &&
	          EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha1()) == 1 &&
	          EVP_PKEY_decrypt(ctx, plain, &plain_len, ct, (size_t)n) == 1 &&
	          plain_len < out_size;
	EVP_PKEY_CTX_free(ctx);
	if (!ok) {
		ssl_fail(err, err_size, _("the field does not decrypt with the merchant's key"));
		OPENSSL_cleanse(plain, sizeof plain);
		return -1;
	}
	memcpy(out, plain, plain_len);
	out[plain_len] = '\0';
	OPENSSL_cleanse(plain, sizeof plain);
	return 0;
}

size_t crypto_base64_encode(const void *in, size_t len, char *out, size_t out_size)
{
	size_t need = (len + 2) / 3 * 4 + 1;
	if (out_size < need || len > (size_t)INT32_MAX) {
		if (out_size)
			out[0] = '\0';
		return 0;
	}
	int n = EVP_EncodeBlock((unsigned char *)out, in, (int)len);
	return n < 0 ? 0 : (size_t)n;
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long crypto_base64_decode(const char *in, size_t len, unsigned char *out, size_t out_size)
{
	while (len > 0 && (in[len - 1] == '\n' || in[len - 1] == '\r'))
		len--;
	if (len % 4 != 0)
		return -1;
	size_t o = 0;
	for (size_t i = 0; i < len; i += 4) {
		int v[4];
		int pad = 0;
		for (int k = 0; k < 4; k++) {
			unsigned char c = (unsigned char)in[i + k];
			if (c == '=' && i + 4 == len && k >= 2) {
				v[k] = 0;
				pad++;
			} else if (pad || (v[k] = b64_value(c)) < 0) {
				return -1;
			}
		}
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 |
		             (uint32_t)v[3];
		size_t take = 3 - (size_t)pad;
		if (o + take > out_size)
			return -1;
		out[o++] = (unsigned char)(w >> 16);
		if (take > 1)
			out[o++] = (unsigned char)(w >> 8);
		if (take > 2)
			out[o++] = (unsigned char)w;
	}
	return (long)o;
}

int crypto_digest_init(struct crypto_digest *d, bool sha256)
{
	d->ctx = EVP_MD_CTX_new();
	if (!d->ctx || EVP_DigestInit_ex(d->ctx, sha256 ? EVP_sha256() : EVP_sha1(), NULL) != 1) {
		EVP_MD_CTX_free(d->ctx);
		d->ctx = NULL;
		return -1;
	}
	return 0;
}

void crypto_digest_update(struct crypto_digest *d, const void *data, size_t len)
{
	if (d->ctx)
		EVP_DigestUpdate(d->ctx, data, len);
}

void crypto_digest_hex(struct crypto_digest *d, char *hex, size_t size)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (size)
		hex[0] = '\0';
	if (d->ctx && EVP_DigestFinal_ex(d->ctx, md, &n) == 1) {
		for (unsigned int i = 0; i < n && 2 * i + 2 < size; i++)
			snprintf(hex + 2 * i, 3, "%02x", md[i]);
	}
	crypto_digest_free(d);
}

void crypto_digest_free(struct crypto_digest *d)
{
	EVP_MD_CTX_free(d->ctx);
	d->ctx = NULL;
}

void crypto_sha256_hex(const void *data, size_t len, char hex[65])
{
	struct crypto_digest d;
	hex[0] = '\0';
	if (crypto_digest_init(&d, true) != 0)
		return;
	crypto_digest_update(&d, data, len);
	crypto_digest_hex(&d, hex, 65);
}

int crypto_random_alnum(char *out, size_t n)
{
	static const char alphabet[] =
	        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	for (size_t i = 0; i < n;) {
		unsigned char b;
		if (RAND_bytes(&b, 1) != 1)
			return -1;
		/* 248 = 4 * 62: rejecting above keeps the letters uniform. */
		if (b < 248)
			out[i++] = alphabet[b % 62];
	}
	out[n] = '\0';
	return 0;
}
