/* RSA2 as Alipay uses it: SHA256withRSA (PKCS#1 v1.5) over UTF-8 bytes, signatures in
 * base64 on one line. OpenSSL 3's EVP interface only; every EVP object is freed on every
 * path. */
#include "config.h"

#include <errno.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>

#include "sandbox/alipay/alipay.h"

/* Prints what OpenSSL said last, so that a bad key file says why it is bad. */
static void print_openssl(const char *what, const char *path)
{
	char msg[256] = "unknown error";
	unsigned long e = ERR_get_error();

	if (e)
		ERR_error_string_n(e, msg, sizeof(msg));
	fprintf(stderr, "paydesk-sandbox: %s %s: %s\n", what, path, msg);
	ERR_clear_error();
}

EVP_PKEY *ali_read_private(const char *path)
{
	BIO *bio = BIO_new_file(path, "r");
	EVP_PKEY *key;

	if (bio == NULL) {
		fprintf(stderr, "paydesk-sandbox: cannot read %s: %s\n", path, strerror(errno));
		ERR_clear_error();
		return NULL;
	}
	key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (key == NULL)
		print_openssl("not a PEM private key:", path);
	return key;
}

EVP_PKEY *ali_read_public(const char *path)
{
	BIO *bio = BIO_new_file(path, "r");
	EVP_PKEY *key;

	if (bio == NULL) {
		fprintf(stderr, "paydesk-sandbox: cannot read %s: %s\n", path, strerror(errno));
		ERR_clear_error();
		return NULL;
	}
	key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (key == NULL)
		print_openssl("not a PEM public key:", path);
	return key;
}

int ali_sign(EVP_PKEY *key, const char *data, size_t len, char *out, size_t n)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char sig[1024];
	size_t siglen = sizeof(sig);
	int rc = -1;

	if (ctx == NULL)
		return -1;
	if (EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestSign(ctx, sig, &siglen, (const unsigned char *)data, len) == 1 &&
	    4 * ((siglen + 2) / 3) < n) {
		EVP_EncodeBlock((unsigned char *)out, sig, (int)siglen);
		rc = 0;
	}
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return rc;
}

/* Decodes one-line base64 into out; returns the length, or -1 when it is not base64. */
static int unbase64(const char *s, unsigned char *out, size_t n)
{
	size_t len = strlen(s);
	int got;
	int pad = 0;

	if (len == 0 || len % 4 != 0 || len / 4 * 3 > n)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '+' || c == '/' || (c == '=' && i >= len - 2)))
			return -1;
	}
	if (s[len - 1] == '=')
		pad++;
	if (s[len - 2] == '=')
		pad++;
	got = EVP_DecodeBlock(out, (const unsigned char *)s, (int)len);
	if (got < 0)
		return -1;
	return got - pad;
}

int ali_verify(EVP_PKEY *key, const char *data, size_t len, const char *sig)
{
	unsigned char raw[1024];
	int rawlen = unbase64(sig, raw, sizeof(raw));
	EVP_MD_CTX *ctx;
	int ok = 0;

	if (rawlen <= 0)
		return 0;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL)
		return 0;
	if (EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestVerify(ctx, raw, (size_t)rawlen, (const unsigned char *)data, len) == 1)
		ok = 1;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}
