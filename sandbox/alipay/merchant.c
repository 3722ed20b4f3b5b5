/* The merchant's files: what --init-merchant writes and --merchant serves with.
 *
 *   DIR/app_id                     16 digits, one line
 *   DIR/pid                        the 2088... partner id, 16 digits, one line
 *   DIR/app_private_key.pem        the app's RSA 2048 private key, PKCS#8 PEM, 0600
 *   DIR/app_public_key.pem         the app's public key (SPKI PEM): what the merchant
 *                                  uploads to Alipay, so Alipay verifies with it
 *   DIR/alipay_public_key.pem      Alipay's public key (SPKI PEM): replies verify with it
 *   DIR/platform/alipay_private_key.pem   what only Alipay holds, 0600
 *
 * Keys are random; ids too (the seeded data does not depend on them). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/alipay/alipay.h"

/* Writes len bytes to dir/name, created new with exactly `mode`. 0, or -1 printed. */
static int write_file(const char *dir, const char *name, const char *data, size_t len, mode_t mode)
{
	char path[4096];
	int fd;
	size_t off = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		fprintf(stderr, "paydesk-sandbox: cannot create %s: %s\n", path, strerror(errno));
		return -1;
	}
	/* umask may have taken bits away; the mode is part of the contract. */
	if (fchmod(fd, mode) != 0)
		goto fail;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		off += (size_t)w;
	}
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	fprintf(stderr, "paydesk-sandbox: cannot write %s: %s\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Writes a key as PEM (private: PKCS#8; public: SPKI) to dir/name. */
static int write_key(EVP_PKEY *key, int private_part, const char *dir, const char *name)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL;
	long len;
	int rc = -1;

	if (bio == NULL)
		return -1;
	if (private_part ? PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL) == 1
	                 : PEM_write_bio_PUBKEY(bio, key) == 1) {
		len = BIO_get_mem_data(bio, &data);
		if (len > 0)
			rc = write_file(dir, name, data, (size_t)len, private_part ? 0600 : 0644);
	} else {
		fprintf(stderr, "paydesk-sandbox: cannot encode %s\n", name);
	}
	BIO_free(bio);
	ERR_clear_error();
	return rc;
}

/* prefix followed by random digits up to 16 in all, plus a newline. */
static int random_id(const char *prefix, char *out, size_t n)
{
	unsigned char r[16];
	size_t p = strlen(prefix);
	size_t i;

	if (n < 18 || p > 16 || RAND_bytes(r, sizeof(r)) != 1)
		return -1;
	memcpy(out, prefix, p);
	for (i = p; i < 16; i++)
		out[i] = (char)('0' + r[i] % 10);
	out[16] = '\n';
	out[17] = '\0';
	return 0;
}

/* Makes dir (0700), or takes an existing empty one; refuses anything else so that no
 * key is ever overwritten. */
static int make_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0700) == 0)
		return chmod(dir, 0700);
	if (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
		char probe[4096];

		snprintf(probe, sizeof(probe), "%s/app_id", dir);
		if (access(probe, F_OK) == 0) {
			fprintf(stderr,
			        "paydesk-sandbox: %s already holds a merchant; choose a new "
			        "directory\n",
			        dir);
			return -1;
		}
		return chmod(dir, 0700);
	}
	fprintf(stderr, "paydesk-sandbox: cannot create %s: %s\n", dir, strerror(errno));
	return -1;
}

int ali_init_merchant(struct sbx *s, const char *dir)
{
	EVP_PKEY *app = NULL, *alipay = NULL;
	char app_id[24], pid[24];
	char platform[4096];
	int rc = -1;

	(void)s;
	if (make_dir(dir) != 0)
		return -1;
	snprintf(platform, sizeof(platform), "%s/platform", dir);
	if (mkdir(platform, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "paydesk-sandbox: cannot create %s: %s\n", platform,
		        strerror(errno));
		return -1;
	}
	app = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	alipay = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	if (app == NULL || alipay == NULL || random_id("2021", app_id, sizeof(app_id)) != 0 ||
	    random_id("2088", pid, sizeof(pid)) != 0) {
		fprintf(stderr, "paydesk-sandbox: cannot make keys\n");
		goto out;
	}
	if (write_file(dir, "app_id", app_id, 17, 0644) != 0 ||
	    write_file(dir, "pid", pid, 17, 0644) != 0 ||
	    write_key(app, 1, dir, "app_private_key.pem") != 0 ||
	    write_key(app, 0, dir, "app_public_key.pem") != 0 ||
	    write_key(alipay, 0, dir, "alipay_public_key.pem") != 0 ||
	    write_key(alipay, 1, platform, "alipay_private_key.pem") != 0)
		goto out;
	if (!s->opt.quiet)
		fprintf(stderr, "paydesk-sandbox: wrote a merchant (app_id %.16s) into %s\n",
		        app_id, dir);
	rc = 0;
out:
	EVP_PKEY_free(app);
	EVP_PKEY_free(alipay);
	ERR_clear_error();
	return rc;
}

/* Reads a one-line id of 16 digits starting with prefix from dir/name into out. */
static int read_id(const char *dir, const char *name, const char *prefix, char *out, size_t n)
{
	char path[4096];
	char line[64];
	FILE *f;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "paydesk-sandbox: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	len = strcspn(line, "\r\n");
	line[len] = '\0';
	if (len != 16 || strspn(line, "0123456789") != 16 ||
	    strncmp(line, prefix, strlen(prefix)) != 0) {
		fprintf(stderr, "paydesk-sandbox: %s is not a 16-digit id starting with %s\n", path,
		        prefix);
		return -1;
	}
	snprintf(out, n, "%s", line);
	return 0;
}

int ali_load_merchant(struct sbx *s, struct ali_state *st)
{
	const char *dir = s->opt.merchant_dir;
	char path[4096];
	struct stat sb;

	if (dir == NULL) {
		fprintf(stderr,
		        "paydesk-sandbox: --platform alipay needs --merchant DIR; make one with "
		        "'paydesk-sandbox --platform alipay --init-merchant DIR' first\n");
		return -1;
	}
	if (read_id(dir, "app_id", "", st->app_id, sizeof(st->app_id)) != 0 ||
	    read_id(dir, "pid", "2088", st->pid, sizeof(st->pid)) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/platform/alipay_private_key.pem", dir);
	if (stat(path, &sb) == 0 && (sb.st_mode & 077) != 0) {
		fprintf(stderr,
		        "paydesk-sandbox: %s is readable by others (mode %03o); it must be "
		        "0600\n",
		        path, (unsigned)(sb.st_mode & 0777));
		return -1;
	}
	st->alipay_private = ali_read_private(path);
	snprintf(path, sizeof(path), "%s/app_public_key.pem", dir);
	st->app_public = st->alipay_private ? ali_read_public(path) : NULL;
	if (st->alipay_private == NULL || st->app_public == NULL) {
		EVP_PKEY_free(st->alipay_private);
		EVP_PKEY_free(st->app_public);
		st->alipay_private = st->app_public = NULL;
		return -1;
	}
	return 0;
}
