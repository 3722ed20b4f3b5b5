/* The cryptography of the signing platforms (WeChat Pay, Alipay) on OpenSSL 3's EVP
 * interfaces, private to client/: keys from PEM, SHA256withRSA signatures, AES-256-GCM,
 * RSA-OAEP, digests, base64, nonces. Every function reports OpenSSL's own reason in err
 * when it fails; secrets passed in are never kept. */
#ifndef PAYDESK_CRYPTO_H
#define PAYDESK_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/* A private key from PEM text (PKCS#8 or traditional RSA). NULL with err filled. Free with
 * EVP_PKEY_free. */
EVP_PKEY *crypto_private_key(const char *pem, size_t len, char *err, size_t err_size);
/* A public key from PEM text: a SubjectPublicKeyInfo ("BEGIN PUBLIC KEY"), or the key of an
 * X.509 certificate. NULL with err filled. */
EVP_PKEY *crypto_public_key(const char *pem, size_t len, char *err, size_t err_size);
/* Whether two keys are the same key (a private key and a public one compare by their
 * public parts). */
bool crypto_same_key(EVP_PKEY *a, EVP_PKEY *b);

/* An X.509 certificate from PEM: its key, its serial in upper-case hex, its validity. 0, or
 * -1 with err filled. */
int crypto_certificate(const char *pem, size_t len, EVP_PKEY **key, char *serial,
                       size_t serial_size, int64_t *not_before, int64_t *not_after, char *err,
                       size_t err_size);

/* SHA256withRSA (PKCS#1 v1.5) of msg, base64 into out (at least 700 bytes for 4096-bit
 * keys). 0, or -1 with err filled. */
int crypto_sign(EVP_PKEY *key, const void *msg, size_t len, char *out, size_t out_size, char *err,
                size_t err_size);
/* Checks a base64 SHA256withRSA signature: 1 valid, 0 not (or not base64), -1 on an error
 * of the library (err filled). */
int crypto_verify(EVP_PKEY *key, const void *msg, size_t len, const char *sig_b64, char *err,
                  size_t err_size);

/* AES-256-GCM decryption of base64(ciphertext || 16-byte tag) with a 32-byte key, a nonce
 * and associated data, as WeChat Pay encrypts its certificates. Returns the plaintext
 * (NUL-terminated, caller frees) and its length, or NULL with err filled (also when the tag
 * does not verify: the text was not the platform's). */
char *crypto_aes_gcm_decrypt(const unsigned char key[32], const char *nonce, const char *aad,
                             const char *b64, size_t *len, char *err, size_t err_size);

/* RSA-OAEP (SHA-1, MGF1-SHA-1) decryption of base64 text with a private key into out
 * (NUL-terminated). 0, or -1 with err filled. */
int crypto_oaep_decrypt(EVP_PKEY *key, const char *b64, char *out, size_t out_size, char *err,
                        size_t err_size);

/* Base64 (standard alphabet, padded). encode returns the length written (out NUL-terminated)
 * or 0 when out is too small; decode returns the bytes written, or -1 when the text is not
 * base64 or out is too small. */
size_t crypto_base64_encode(const void *in, size_t len, char *out, size_t out_size);
long crypto_base64_decode(const char *in, size_t len, unsigned char *out, size_t out_size);

/* SHA-1 and SHA-256, whole or incremental; hex digests lower-case. */
struct crypto_digest {
	EVP_MD_CTX *ctx;
};
int crypto_digest_init(struct crypto_digest *d, bool sha256);
void crypto_digest_update(struct crypto_digest *d, const void *data, size_t len);
/* Writes the hex digest (41 or 65 bytes with the NUL) and frees the context. */
void crypto_digest_hex(struct crypto_digest *d, char *hex, size_t size);
void crypto_digest_free(struct crypto_digest *d);
void crypto_sha256_hex(const void *data, size_t len, char hex[65]);

/* n random letters and digits (a nonce) into out[n + 1]. 0 or -1. */
int crypto_random_alnum(char *out, size_t n);

#endif
