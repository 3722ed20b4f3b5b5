/* The cryptography WeChat Pay API v3 uses, on OpenSSL 3's EVP interfaces only: SHA256withRSA
 * (PKCS#1 v1.5) signatures, AES-256-GCM for the certificates' envelope, RSAES-OAEP
 * (SHA-1, MGF1-SHA-1) for sensitive fields, RSA keys and self-signed X.509 certificates.
 * Every EVP object is freed on every path. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/wechatpay/wechatpay.h"

void wx_b64(const unsigned char *in, size_t n, struct sbx_buf *out)
{
	size_t need = 4 * ((n + 2) / 3);

	if (sbx_buf_reserve(out, need) != 0)
		return;
	/* EVP_EncodeBlock writes no line breaks, which is what the headers want. */
	out->len += (size_t)EVP_EncodeBlock((unsigned char *)out->data + out->len, in, (int)n);
	out->data[out->len] = '\0';
}

int wx_unb64(const char *in, size_t n, unsigned char **out, size_t *out_len)
{
	unsigned char *buf;
	int len;
	size_t pad = 0;

	*out = NULL;
	*out_len = 0;
	if (n == 0 || n % 4 != 0 || n > (1u << 26))
		return -1;
	buf = malloc(n / 4 * 3 + 1);
	if (buf == NULL)
		return -1;
	len = EVP_DecodeBlock(buf, (const unsigned char *)in, (int)n);
	if (len < 0) {
		free(buf);
		return -1;
	}
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	if (in[n - 1] == '=')
		pad++;
	if (in[n - 2] == '=')
		pad++;
	*out = buf;
	*out_len = (size_t)len - pad;
	return 0;
}

int wx_sign(EVP_PKEY *key, const void *msg, size_t n, struct sbx_buf *sig_b64)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char sig[1024];
	size_t sig_len = sizeof(sig);
	int rc = -1;

	if (ctx && EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestSign(ctx, sig, &sig_len, msg, n) == 1) {
		wx_b64(sig, sig_len, sig_b64);
		rc = sig_b64->failed ? -1 : 0;
	}
	EVP_MD_CTX_free(ctx);
	return rc;
}

int wx_verify(EVP_PKEY *key, const void *msg, size_t n, const unsigned char *sig, size_t sig_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = 0;

	if (ctx && EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1)
		ok = EVP_DigestVerify(ctx, sig, sig_len, msg, n) == 1;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error(); /* a bad signature leaves its reason queued */
	return ok;
}

int wx_aes_gcm(const unsigned char key[32], const char *nonce, const char *aad, const void *pt,
               size_t n, struct sbx_buf *b64)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	unsigned char *out = malloc(n + 16);
	int len = 0, fin = 0;
	int rc = -1;

	if (ctx == NULL || out == NULL)
		goto done;
	if (EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, (int)strlen(nonce), NULL) != 1 ||
	    EVP_EncryptInit_ex(ctx, NULL, NULL, key, (const unsigned char *)nonce) != 1 ||
	    EVP_EncryptUpdate(ctx, NULL, &len, (const unsigned char *)aad, (int)strlen(aad)) != 1 ||
	    EVP_EncryptUpdate(ctx, out, &len, pt, (int)n) != 1 ||
	    EVP_EncryptFinal_ex(ctx, out + len, &fin) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out + len + fin) != 1)
		goto done;
	wx_b64(out, (size_t)(len + fin) + 16, b64);
	rc = b64->failed ? -1 : 0;
done:
	EVP_CIPHER_CTX_free(ctx);
	free(out);
	return rc;
}

int wx_oaep(EVP_PKEY *pub, const char *pt, struct sbx_buf *b64)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pub, NULL);
	unsigned char out[512];
	size_t out_len = sizeof(out);
	int rc = -1;

	if (ctx && EVP_PKEY_encrypt_init(ctx) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
	    EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha1()) == 1 &&
	    EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha1()) == 1 &&
	    EVP_PKEY_encrypt(ctx, out, &out_len, (const unsigned char *)pt, strlen(pt)) == 1) {
		wx_b64(out, out_len, b64);
		rc = b64->failed ? -1 : 0;
	}
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

void wx_hex_digest(const char *md_name, const void *data, size_t n, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_MD *type = EVP_MD_fetch(NULL, md_name, NULL);
	unsigned int i;

	hex[0] = '\0';
	if (type == NULL)
		return;
	if (EVP_Digest(data, n, md, &len, type, NULL) == 1) {
		for (i = 0; i < len; i++) {
			hex[2 * i] = digits[md[i] >> 4];
			hex[2 * i + 1] = digits[md[i] & 15];
		}
		hex[2 * len] = '\0';
	}
	EVP_MD_free(type);
}

void wx_random_hex(char *out, size_t n_digits, int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	unsigned char raw[64];
	size_t i;

	if (n_digits > 2 * sizeof(raw))
		n_digits = 2 * sizeof(raw);
	if (RAND_bytes(raw, (int)sizeof(raw)) != 1)
		memset(raw, 0x5a, sizeof(raw));
	for (i = 0; i < n_digits; i++)
		out[i] = digits[(raw[i / 2] >> (i % 2 ? 0 : 4)) & 15];
	out[n_digits] = '\0';
}

void wx_random_alnum(char *out, size_t n)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char raw[64];
	size_t i;

	if (n > sizeof(raw))
		n = sizeof(raw);
	/* 256 % 62 leaves a slight bias towards the first letters; harmless for nonces. */
	if (RAND_bytes(raw, (int)n) != 1)
		memset(raw, 7, n);
	for (i = 0; i < n; i++)
		out[i] = a[raw[i] % 62];
	out[n] = '\0';
}

EVP_PKEY *wx_rsa_new(void)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *key = NULL;

	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048) != 1 || EVP_PKEY_keygen(ctx, &key) != 1) {
		EVP_PKEY_free(key);
		key = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	return key;
}

/* OpenSSL's reason for the last failure, for a message a person reads. */
static const char *ssl_reason(void)
{
	static __thread char buf[256];
	unsigned long e = ERR_get_error();

	if (e == 0)
		return "unknown error";
	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return buf;
}

EVP_PKEY *wx_read_key(const char *path, int private_key)
{
	BIO *bio = BIO_new_file(path, "r");
	EVP_PKEY *key = NULL;

	if (bio == NULL) {
		fprintf(stderr, "paydesk-sandbox: cannot read %s: %s\n", path, strerror(errno));
		ERR_clear_error();
		return NULL;
	}
	key = private_key ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)
	                  : PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (key == NULL)
		fprintf(stderr, "paydesk-sandbox: %s is not a PEM %s key: %s\n", path,
		        private_key ? "private" : "public", ssl_reason());
	return key;
}

int wx_write_key(EVP_PKEY *key, const char *path, int private_key)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, private_key ? 0600 : 0644);
	BIO *bio;
	int ok;

	if (fd < 0) {
		fprintf(stderr, "paydesk-sandbox: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	/* The mode is set on the descriptor: the key is never readable by others. */
	if (fchmod(fd, private_key ? 0600 : 0644) != 0) {
		close(fd);
		return -1;
	}
	bio = BIO_new_fd(fd, BIO_CLOSE);
	if (bio == NULL) {
		close(fd);
		return -1;
	}
	ok = private_key ? PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL)
	                 : PEM_write_bio_PUBKEY(bio, key);
	BIO_free(bio);
	if (!ok) {
		fprintf(stderr, "paydesk-sandbox: cannot write %s: %s\n", path, ssl_reason());
		return -1;
	}
	return 0;
}

char *wx_make_cert(EVP_PKEY *key, const char *serial_hex, int64_t not_before, int64_t not_after)
{
	X509 *x = X509_new();
	X509_NAME *name = NULL;
	BIGNUM *bn = NULL;
	ASN1_INTEGER *serial = NULL;
	BIO *mem = NULL;
	char *pem = NULL;
	char *data;
	long len;

	if (x == NULL || BN_hex2bn(&bn, serial_hex) == 0)
		goto done;
	serial = BN_to_ASN1_INTEGER(bn, NULL);
	name = X509_NAME_new();
	if (serial == NULL || name == NULL || X509_set_version(x, 2) != 1 ||
	    X509_set_serialNumber(x, serial) != 1 ||
	    ASN1_TIME_set(X509_getm_notBefore(x), (time_t)not_before) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), (time_t)not_after) == NULL ||
	    X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, (const unsigned char *)"CN", -1, -1,
	                               0) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
	                               (const unsigned char *)"Tenpay.com (paydesk sandbox)", -1,
	                               -1, 0) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "OU", MBSTRING_ASC,
	                               (const unsigned char *)"Tenpay.com CA Center", -1, -1,
	                               0) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"Tenpay",
	                               -1, -1, 0) != 1 ||
	    X509_set_subject_name(x, name) != 1 || X509_set_issuer_name(x, name) != 1 ||
	    X509_set_pubkey(x, key) != 1 || X509_sign(x, key, EVP_sha256()) == 0)
		goto done;
	mem = BIO_new(BIO_s_mem());
	if (mem == NULL || PEM_write_bio_X509(mem, x) != 1)
		goto done;
	len = BIO_get_mem_data(mem, &data);
	pem = len > 0 ? strndup(data, (size_t)len) : NULL;
done:
	BIO_free(mem);
	X509_NAME_free(name);
	ASN1_INTEGER_free(serial);
	BN_free(bn);
	X509_free(x);
	ERR_clear_error();
	return pem;
}
