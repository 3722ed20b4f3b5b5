/* Configuration parsing: profiles, defaults, errors with line numbers, key files. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "client/client.h"

static char tmpdir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "%s/paydesk-profile.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	setenv("HOME", tmpdir, 1);
	setenv("XDG_DATA_HOME", tmpdir, 1);
	setenv("XDG_CONFIG_HOME", tmpdir, 1);
	unsetenv("PAYDESK_API_KEY");
	unsetenv("PAYDESK_PROFILE");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *name, const char *text, mode_t mode)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_single_profile_is_default(void **state)
{
	(void)state;
	struct profile p;
	char err[512] = "";
	setenv("PAYDESK_API_KEY", "sk_test_env", 1);
	int rc = profile_parse("# comment\n\n[shop]\nrole = support\nrefund_limit = 50.00 usd\n"
	                       "timezone = Asia/Shanghai\nprinter = lp0\n",
	                       tmpdir, NULL, &p, err, sizeof err);
	assert_int_equal(rc, 0);
	assert_string_equal(p.name, "shop");
	assert_string_equal(p.platform, "stripe");
	assert_string_equal(p.api_base, "https://api.stripe.com");
	assert_string_equal(p.key, "sk_test_env");
	assert_int_equal(p.role, PROFILE_ROLE_SUPPORT);
	assert_int_equal(p.refund_limit, 5000);
	assert_string_equal(p.refund_limit_currency, "usd");
	assert_string_equal(p.timezone, "Asia/Shanghai");
	char want[600];
	snprintf(want, sizeof want, "%s/paydesk/shop.db", tmpdir);
	assert_string_equal(p.cache_path, want);
	profile_clear(&p);
	assert_string_equal(p.key, "");
	unsetenv("PAYDESK_API_KEY");
}

static void test_choice_among_several(void **state)
{
	(void)state;
	const char *text = "[a]\napi_base = http://127.0.0.1:9/\n[b]\nrole = clerk\n";
	struct profile p;
	char err[512] = "";
	assert_int_equal(profile_parse(text, tmpdir, NULL, &p, err, sizeof err), -1);
	assert_non_null(strstr(err, "--profile"));
	assert_int_equal(profile_parse(text, tmpdir, "a", &p, err, sizeof err), 0);
	assert_string_equal(p.api_base, "http://127.0.0.1:9"); /* trailing slash dropped */
	assert_int_equal(profile_parse(text, tmpdir, "b", &p, err, sizeof err), 0);
	assert_int_equal(p.role, PROFILE_ROLE_CLERK);
	assert_int_equal(profile_parse(text, tmpdir, "c", &p, err, sizeof err), -1);
	assert_non_null(strstr(err, "[c]"));
}

static void test_errors_name_the_line(void **state)
{
	(void)state;
	static const struct {
		const char *text, *needle;
	} cases[] = {
	        {"[a]\nrole = boss\n", "line 2"},
	        {"[a]\n\n\nnonsense\n", "line 4"},
	        {"key = x\n[a]\n", "line 1"},
	        {"[a]\nbogus = 1\n", "unknown setting 'bogus'"},
	        {"[a\n", "line 1"},
	        {"[a]\n[a]\n", "defined twice"},
	        {"[a]\napi_key = sk_test_x\n", "key_file"},
	        {"[a]\napi_base = http://example.com\n", "127.0.0.1"},
	        {"[a]\napi_base = ftp://example.com\n", "https"},
	        {"[a]\nplatform = paypal\n", "unknown platform"},
	        {"[a]\ntimeout = 0\n", "timeout"},
	        {"[a]\nrefund_limit = lots\n", "refund_limit"},
	        {"# only comments\n", "no profile"},
	        {"[b@d]\n", "not a valid profile name"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct profile p;
		char err[512] = "";
		assert_int_equal(profile_parse(cases[i].text, tmpdir, NULL, &p, err, sizeof err),
		                 -1);
		if (!strstr(err, cases[i].needle))
			fail_msg("case %zu: '%s' lacks '%s'", i, err, cases[i].needle);
	}
}

static void test_key_file(void **state)
{
	(void)state;
	write_file("good.key", "  sk_test_fromfile \n", 0600);
	write_file("open.key", "sk_test_open\n", 0644);
	write_file("empty.key", "\n", 0600);
	struct profile p;
	char err[1024] = "";
	setenv("PAYDESK_API_KEY", "sk_test_env", 1);
	assert_int_equal(
	        profile_parse("[a]\nkey_file = good.key\n", tmpdir, NULL, &p, err, sizeof err), 0);
	assert_string_equal(p.key, "sk_test_fromfile"); /* the file wins over the environment */
	assert_int_equal(
	        profile_parse("[a]\nkey_file = open.key\n", tmpdir, NULL, &p, err, sizeof err), -1);
	assert_non_null(strstr(err, "chmod 600"));
	assert_non_null(strstr(err, "644"));
	assert_string_equal(p.key, "");
	assert_int_equal(
	        profile_parse("[a]\nkey_file = empty.key\n", tmpdir, NULL, &p, err, sizeof err),
	        -1);
	assert_int_equal(
	        profile_parse("[a]\nkey_file = missing.key\n", tmpdir, NULL, &p, err, sizeof err),
	        -1);
	assert_non_null(strstr(err, "missing.key"));
	unsetenv("PAYDESK_API_KEY");
}

static void test_load_from_xdg(void **state)
{
	(void)state;
	char dir[512];
	snprintf(dir, sizeof dir, "%s/paydesk", tmpdir);
	mkdir(dir, 0700);
	write_file("paydesk/config", "[one]\nrole = merchant\n[two]\nrole = clerk\n", 0600);
	struct profile p;
	char err[1024] = "";
	setenv("PAYDESK_PROFILE", "two", 1);
	assert_int_equal(profile_load(NULL, &p, err, sizeof err), 0);
	assert_string_equal(p.name, "two");
	assert_int_equal(profile_load("one", &p, err, sizeof err), 0); /* --profile wins */
	assert_string_equal(p.name, "one");
	unsetenv("PAYDESK_PROFILE");
	assert_int_equal(profile_load(NULL, &p, err, sizeof err), -1);
	assert_non_null(strstr(err, "config"));
}

static void test_demo_and_api_base(void **state)
{
	(void)state;
	struct profile p;
	char err[512] = "";
	assert_int_equal(profile_demo("http://127.0.0.1:4242", "/tmp/x.db", &p, err, sizeof err),
	                 0);
	assert_string_equal(p.api_base, "http://127.0.0.1:4242");
	assert_true(p.key[0] != '\0');
	assert_int_equal(profile_demo("http://10.0.0.1:4242", "/tmp/x.db", &p, err, sizeof err),
	                 -1);
	assert_int_equal(profile_check_api_base("http://localhost:1", err, sizeof err), 0);
	assert_int_equal(profile_check_api_base("http://[::1]:1/", err, sizeof err), 0);
	assert_int_equal(profile_check_api_base("http://127.0.0.1.evil.com", err, sizeof err), -1);
	assert_int_equal(profile_check_api_base("https://api.stripe.com", err, sizeof err), 0);
}

/* Zones of the database and POSIX TZ values are accepted, whatever their shape; names that
 * are neither are refused (days would otherwise be counted in UTC without a word). */
static void test_timezones(void **state)
{
	(void)state;
	char err[512];
	static const char *const good[] = {"Asia/Shanghai",
	                                   "Europe/Berlin",
	                                   "UTC",
	                                   "America/Argentina/Buenos_Aires",
	                                   "CST-8",
	                                   "<+08>-8",
	                                   "EST5EDT,M3.2.0,M11.1.0",
	                                   ":Asia/Tokyo",
	                                   ""};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		err[0] = '\0';
		if (profile_check_timezone(good[i], err, sizeof err) != 0)
			fail_msg("'%s' refused: %s", good[i], err);
	}
	static const char *const bad[] = {"Mars/Olympus",          "Europe/Berln", "/etc/passwd",
	                                  "Asia/../../etc/passwd", "Shanghai",     "XY-8"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (profile_check_timezone(bad[i], err, sizeof err) != -1)
			fail_msg("'%s' accepted", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_single_profile_is_default),
	        cmocka_unit_test(test_choice_among_several),
	        cmocka_unit_test(test_errors_name_the_line),
	        cmocka_unit_test(test_key_file),
	        cmocka_unit_test(test_load_from_xdg),
	        cmocka_unit_test(test_demo_and_api_base),
	        cmocka_unit_test(test_timezones),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
