/* The configuration reader (client/profile.c, profile_parse) on any text, in a private
 * configuration folder that holds a key file of mode 0600 and one that others may read.
 * The first byte picks the profile asked for (none, "shop", "support"); the rest is the
 * file. Checked: a profile read is whole and valid (a profile name, a known platform, an
 * API base that profile_check_api_base accepts, every field a C string of its buffer); a
 * refusal says why and leaves nothing behind; the same text reads the same twice, also when
 * the profile read is asked for by name; a short err buffer is cut, never overrun. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/money.h"
#include "client/profile.h"
#include "tests/fuzz/fuzz.h"

static char dir[256];
static char config_dir[300];

static void put_file(const char *name, const char *text, mode_t mode)
{
	char path[400];
	snprintf(path, sizeof path, "%s/%s", config_dir, name);
	FILE *f = fopen(path, "w");
	CHECK(f && fputs(text, f) >= 0 && fclose(f) == 0 && chmod(path, mode) == 0);
}

static void cleanup(void)
{
	static const char *const files[] = {"shop.key", "open.key", "empty.key"};
	char path[400];
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		snprintf(path, sizeof path, "%s/%s", config_dir, files[i]);
		unlink(path);
	}
	rmdir(config_dir);
	rmdir(dir);
}

/* A private folder for the configuration and the data, made once. */
static void setup(void)
{
	if (dir[0])
		return;
	fuzz_private_dir(dir, sizeof dir);
	snprintf(config_dir, sizeof config_dir, "%s/config", dir);
	CHECK(mkdir(config_dir, 0700) == 0);
	put_file("shop.key", "sk_test_4eC39HqLyjWDarjtT1zdp7dc\n", 0600);
	put_file("open.key", "sk_test_readable\n", 0644);
	put_file("empty.key", "", 0600);
	setenv("HOME", dir, 1);
	setenv("XDG_DATA_HOME", dir, 1);
	unsetenv("PAYDESK_API_KEY");
	atexit(cleanup);
}

#define C_STRING(field) CHECK(memchr((field), '\0', sizeof(field)) != NULL)

static void check_profile(const struct profile *p, const char *name)
{
	C_STRING(p->name);
	C_STRING(p->platform);
	C_STRING(p->api_base);
	C_STRING(p->key);
	C_STRING(p->merchant_id);
	C_STRING(p->merchant_serial);
	C_STRING(p->private_key_file);
	C_STRING(p->secret_file);
	C_STRING(p->platform_key_file);
	C_STRING(p->platform_key_id);
	C_STRING(p->refund_limit_currency);
	C_STRING(p->timezone);
	C_STRING(p->printer);
	C_STRING(p->ca_file);
	C_STRING(p->cache_path);
	CHECK(p->name[0] && strspn(p->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                                    "0123456789-_.") == strlen(p->name));
	CHECK(!name || strcmp(p->name, name) == 0);
	CHECK(strcmp(p->platform, "stripe") == 0 || strcmp(p->platform, "wechatpay") == 0 ||
	      strcmp(p->platform, "alipay") == 0);
	char err[256];
	CHECK(profile_check_api_base(p->api_base, err, sizeof err) == 0);
	size_t blen = strlen(p->api_base);
	CHECK(blen > 0 && p->api_base[blen - 1] != '/');
	CHECK(p->role == PROFILE_ROLE_MERCHANT || p->role == PROFILE_ROLE_SUPPORT ||
	      p->role == PROFILE_ROLE_CLERK);
	CHECK(p->refund_limit == -1 ||
	      (p->refund_limit >= 0 && money_currency_valid(p->refund_limit_currency)));
	CHECK(p->timeout >= 0 && p->timeout <= 600);
	char tail[80];
	snprintf(tail, sizeof tail, "/paydesk/%s.db", p->name);
	size_t clen = strlen(p->cache_path), tlen = strlen(tail);
	CHECK(clen > tlen && strcmp(p->cache_path + clen - tlen, tail) == 0);
}

/* Field by field: padding need not be copied. */
static bool same_profile(const struct profile *a, const struct profile *b)
{
#define SAME_S(f) (strcmp(a->f, b->f) == 0)
	return SAME_S(name) && SAME_S(platform) && SAME_S(api_base) && SAME_S(key) &&
	       SAME_S(merchant_id) && SAME_S(merchant_serial) && SAME_S(private_key_file) &&
	       SAME_S(secret_file) && SAME_S(platform_key_file) && SAME_S(platform_key_id) &&
	       a->role == b->role && a->refund_limit == b->refund_limit &&
	       SAME_S(refund_limit_currency) && SAME_S(timezone) && SAME_S(printer) &&
	       SAME_S(ca_file) && SAME_S(cache_path) && a->timeout == b->timeout;
#undef SAME_S
}

/* Cleared: every byte but the padding, which profile_clear zeroes too. */
static bool all_zero(const struct profile *p)
{
	static const struct profile zero;
	return memcmp(p, &zero, sizeof zero) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	setup();
	static const char *const names[3] = {NULL, "shop", "support"};
	const char *name = names[data[0] % 3];
	char *text = fuzz_copy(data + 1, size - 1);

	struct profile *p = malloc(sizeof *p), *q = malloc(sizeof *q);
	CHECK(p && q);
	memset(p, 0xa5, sizeof *p);
	char err[512] = "";
	int rc = profile_parse(text, config_dir, name, p, err, sizeof err);
	CHECK(rc == 0 || rc == -1);
	if (rc == 0) {
		check_profile(p, name);
	} else {
		CHECK(err[0] && memchr(err, '\0', sizeof err));
		CHECK(all_zero(p));
	}

	/* the same again, with a short err buffer */
	memset(q, 0x5a, sizeof *q);
	char small[12];
	memset(small, 'x', sizeof small);
	CHECK(profile_parse(text, config_dir, name, q, small, sizeof small) == rc);
	CHECK(rc == 0 || memchr(small, '\0', sizeof small));
	CHECK(rc != 0 || same_profile(p, q));
	CHECK(rc == 0 || all_zero(q));

	/* the profile read, asked for by its name: the same */
	if (rc == 0 && !name) {
		CHECK(profile_parse(text, config_dir, p->name, q, err, sizeof err) == 0);
		CHECK(same_profile(p, q));
	}

	profile_clear(p);
	profile_clear(q);
	CHECK(all_zero(p));
	free(p);
	free(q);
	free(text);
	return 0;
}
