/* The `doctor` subcommand: one line for each thing paydesk needs - the configuration, the
 * key files, the cache, the platform, the clock, the locale and the printer queue - each
 * marked ok, warning or FAILED, and for a problem what to do about it. Nothing is changed:
 * the cache is read only, and no secret is ever printed. */
#include "config.h"

#include <langinfo.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <wchar.h>

#include "client/client.h"
#include "tui/tui.h"
#include "views/commands.h"
#include "views/statement.h"

extern char **environ;

enum mark { MARK_OK = 0, MARK_WARNING, MARK_FAILED };

static const char *const marks[] = {N_("ok"), N_("warning"), N_("FAILED")};

struct doctor {
	int width; /* of the widest mark, in columns */
	bool failed;
};

static void doctor_usage(FILE *out)
{
	fprintf(out, _("Usage: %s doctor [--profile NAME]\n"), PACKAGE_NAME);
	fputs(_("Check the configuration, the key files, the cache, the platform, the clock,\n"
	        "the locale and the printer queue, one line each, saying what to do about any\n"
	        "problem. Nothing is changed. With --offline the platform is not asked.\n"
	        "\n"
	        "  -p, --profile NAME   the profile to check\n"
	        "  -h, --help           display this help and exit\n"
	        "\n"
	        "Exit status: 0 all is well, 1 a check failed (each failure says what to do),\n"
	        "2 usage error.\n"),
	      out);
}

/* Columns that text takes on a terminal (its bytes when it is not text of the locale). */
static int columns(const char *text)
{
	wchar_t wide[64];
	size_t n = mbstowcs(wide, text, sizeof wide / sizeof *wide);
	int w = n == (size_t)-1 || n == sizeof wide / sizeof *wide ? -1 : wcswidth(wide, n);
	return w < 0 ? (int)strlen(text) : w;
}

/* One line: the mark, padded, then what was checked and, for a problem, what to do. */
static void say(struct doctor *d, enum mark m, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void say(struct doctor *d, enum mark m, const char *fmt, ...)
{
	const char *mark = _(marks[m]);
	printf("%s%*s  ", mark, d->width - columns(mark), "");
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (m == MARK_FAILED)
		d->failed = true;
}

/* 1. The configuration file, and the profile chosen. */
static bool check_config(struct doctor *d, const char *name, struct profile *p)
{
	char err[1400];
	if (profile_load(name, p, err, sizeof err) != 0) {
		say(d, MARK_FAILED, _("the configuration: %s"), err);
		return false;
	}
	const struct provider_platform *pl = provider_platform_find(p->platform);
	say(d, MARK_OK, _("the configuration: profile [%s], %s at %s, role %s"), p->name,
	    _(pl->title), p->api_base, profile_role_name(p->role));
	return true;
}

/* Stripe's key: its kind, from its prefix; never a character more of it. */
static void check_api_key(struct doctor *d, const char *key)
{
	if (strncmp(key, "sk_", 3) == 0)
		say(d, MARK_OK, "%s", _("the API key: a secret key (sk_)"));
	else if (strncmp(key, "rk_", 3) == 0)
		say(d, MARK_OK, "%s", _("the API key: a restricted key (rk_)"));
	else if (strncmp(key, "pk_", 3) == 0)
		say(d, MARK_FAILED, "%s",
		    _("the API key is a publishable key (pk_), which cannot read the account: "
		      "use a secret key (sk_) or a restricted key (rk_) from the Dashboard"));
	else
		say(d, MARK_FAILED, "%s",
		    _("the API key does not look like a Stripe secret key (sk_) or restricted key "
		      "(rk_): copy it again from the Dashboard's API keys page"));
}

static bool check_key_file(struct doctor *d, const char *what, const char *path,
                           enum profile_key_kind kind)
{
	char err[1400];
	if (!path[0])
		return true;
	if (profile_check_key_file(path, kind, err, sizeof err) != 0) {
		say(d, MARK_FAILED, _("%s: %s"), what, err);
		return false;
	}
	if (kind == PROFILE_KEY_PUBLIC)
		say(d, MARK_OK, _("%s %s: present and well formed"), what, path);
	else
		say(d, MARK_OK, _("%s %s: present, private to its owner and well formed"), what,
		    path);
	return true;
}

/* 2. The key files (or Stripe's key), as the platform's loader reads them. */
static bool check_keys(struct doctor *d, const struct profile *p)
{
	const struct provider_platform *pl = provider_platform_find(p->platform);
	char err[1400];
	if (pl->check_profile && pl->check_profile(p, err, sizeof err) != 0) {
		say(d, MARK_FAILED, _("the keys: %s"), err);
		return false;
	}
	bool ok = true;
	if (p->key[0])
		check_api_key(d, p->key);
	ok &= check_key_file(d, _("the private key"), p->private_key_file, PROFILE_KEY_PRIVATE);
	ok &= check_key_file(d, _("the APIv3 key"), p->secret_file, PROFILE_KEY_APIV3);
	ok &= check_key_file(d, _("the platform's public key"), p->platform_key_file,
	                     PROFILE_KEY_PUBLIC);
	return ok;
}

/* 3. The cache, read only. */
static void check_cache(struct doctor *d, const struct profile *p)
{
	struct cache_info info;
	char err[1400];
	int rc = cache_check(p->cache_path, &info, err, sizeof err);
	if (rc == 0) {
		say(d, MARK_WARNING, _("the cache: there is none yet at %s: run 'paydesk sync'"),
		    p->cache_path);
		return;
	}
	if (rc < 0) {
		say(d, MARK_FAILED,
		    _("%s: move the file aside (mv %s %s.broken) and run 'paydesk sync' to build "
		      "a new cache"),
		    err, p->cache_path, p->cache_path);
		return;
	}
	if (info.schema_version > info.schema_latest) {
		say(d, MARK_FAILED,
		    _("the cache %s has schema %d, newer than this paydesk's %d: use the newer "
		      "paydesk that wrote it"),
		    p->cache_path, info.schema_version, info.schema_latest);
		return;
	}
	char size[32];
	snprintf(size, sizeof size, "%.1f MiB", (double)info.file_bytes / (1024.0 * 1024.0));
	say(d, info.schema_version < info.schema_latest ? MARK_WARNING : MARK_OK,
	    _("the cache %s: intact, schema %d (this paydesk writes %d), %s on disk, %lld "
	      "orders"),
	    p->cache_path, info.schema_version, info.schema_latest, size,
	    (long long)info.counts[CACHE_ORDERS]);
}

/* What the platform said, sanitized, into buf. */
static const char *untrusted(const char *text, char *buf, size_t size)
{
	tui_sanitize(text, strlen(text), buf, size, 0);
	return buf;
}

/* 4. The platform: one cheap authenticated request (the account), over the program's own
 * HTTP client with TLS verified. Returns the provider (to read its clock), or NULL. */
static struct provider *check_platform(struct doctor *d, const struct profile *p)
{
	char err[1400];
	struct provider *prov = provider_open(p, NULL, err, sizeof err);
	if (!prov) {
		say(d, MARK_FAILED, _("the platform: %s"), err);
		return NULL;
	}
	provider_set_backoff(prov, 100, 500);
	const struct provider_platform *pl = provider_get_platform(prov);
	struct provider_result r;
	char account[64] = "", msg[1100], acct[200];
	int64_t created = 0;
	bool tls = strncmp(p->api_base, "https://", 8) == 0;
	if (provider_get_ops(prov)->account(prov, account, &created, &r) == 0) {
		untrusted(account, acct, sizeof acct);
		if (tls)
			say(d, MARK_OK,
			    _("the platform at %s answers, its TLS certificate verified "
			      "(account %s)"),
			    p->api_base, acct);
		else
			say(d, MARK_OK,
			    _("the platform at %s answers, plain HTTP on this machine "
			      "(account %s)"),
			    p->api_base, acct);
		return prov;
	}
	untrusted(r.message, msg, sizeof msg);
	if (strcmp(r.error_type, "tls") == 0)
		say(d, MARK_FAILED,
		    _("the platform at %s: its TLS certificate could not be verified (%s): "
		      "install the authority that signed it, or name it with ca_file"),
		    p->api_base, msg);
	else if (r.outcome == PROVIDER_OFFLINE || r.outcome == PROVIDER_TIMEOUT)
		say(d, MARK_FAILED,
		    _("the platform at %s cannot be reached (%s): check the network, any proxy, "
		      "and api_base"),
		    p->api_base, msg);
	else if (r.outcome == PROVIDER_AUTH || r.outcome == PROVIDER_FORBIDDEN)
		say(d, MARK_FAILED,
		    _("the platform at %s refused the credentials (HTTP %d: %s): %s"), p->api_base,
		    r.http_status, msg,
		    pl->credentials_hint ? _(pl->credentials_hint)
		                         : _("check the key and the ids in the profile"));
	else if (r.outcome == PROVIDER_FORGED)
		say(d, MARK_FAILED,
		    _("the platform at %s: its answer failed the signature check "
		      "(%s): %s"),
		    p->api_base, msg,
		    pl->verify_hint ? _(pl->verify_hint)
		                    : _("check the platform's public key in the profile"));
	else
		say(d, MARK_FAILED, _("the platform at %s: %s (HTTP %d: %s): try again later"),
		    p->api_base, provider_outcome_message(r.outcome), r.http_status, msg);
	return prov;
}

/* 5. The clock against the Date of the platform's last reply. */
static void check_clock(struct doctor *d, struct provider *prov)
{
	int64_t date = provider_last_date(prov);
	if (date == 0) {
		say(d, MARK_WARNING, "%s",
		    _("the clock: the platform's reply had no Date header, so it was not "
		      "compared"));
		return;
	}
	long long off = (long long)paydesk_now() - date;
	long long gap = off < 0 ? -off : off;
	int skew = provider_get_platform(prov)->clock_skew;
	char line[400];
	snprintf(line, sizeof line,
	         off >= 0 ? _("the clock: this machine's clock is %lld s ahead of the platform's")
	                  : _("the clock: this machine's clock is %lld s behind the platform's"),
	         gap);
	if (gap <= 60)
		say(d, MARK_OK, "%s", line);
	else if (skew > 0 && gap > skew)
		say(d, MARK_FAILED,
		    _("%s; the platform refuses signatures more than %d s off: set the clock right "
		      "(timedatectl set-ntp true)"),
		    line, skew);
	else
		say(d, MARK_WARNING, _("%s: set the clock right (timedatectl set-ntp true)"), line);
}

/* 6. The locale: UTF-8, and for Chinese, the catalog. */
static void check_locale(struct doctor *d)
{
	const char *name = setlocale(LC_CTYPE, NULL);
	const char *codeset = nl_langinfo(CODESET);
	if (strcmp(codeset, "UTF-8") == 0)
		say(d, MARK_OK, _("the locale %s: UTF-8"), name);
	else
		say(d, MARK_WARNING,
		    _("the locale %s uses %s, not UTF-8: set LANG to a UTF-8 locale (en_US.UTF-8, "
		      "zh_CN.UTF-8)"),
		    name, codeset);
	const char *messages = setlocale(LC_MESSAGES, NULL);
	if (strncmp(messages, "zh", 2) != 0)
		return;
	if (strcmp(_(marks[MARK_OK]), marks[MARK_OK]) != 0)
		say(d, MARK_OK, "%s", _("the Chinese messages: found"));
	else
		say(d, MARK_WARNING,
		    _("the Chinese messages (%s) are not found: install paydesk's translations, "
		      "or name their directory in PAYDESK_LOCALEDIR"),
		    messages);
}

/* 7. The printer queue, when the profile names one: lpstat -p, in the C locale. */
static void check_printer(struct doctor *d, const char *printer)
{
	if (!printer[0]) {
		say(d, MARK_OK, "%s", _("the printer: none configured"));
		return;
	}
	size_t n = 0;
	while (environ[n])
		n++;
	char **envp = calloc(n + 2, sizeof *envp);
	if (!envp) {
		say(d, MARK_WARNING, _("the printer %s: not checked (out of memory)"), printer);
		return;
	}
	size_t k = 0;
	envp[k++] = "LC_ALL=C";
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "LC_ALL=", 7) != 0 &&
		    strncmp(environ[i], "LANGUAGE=", 9) != 0)
			envp[k++] = environ[i];
	const char *argv[] = {"lpstat", "-p", printer, NULL};
	char out[2048], line[600];
	int status = 0;
	int rc = statement_cups_run(argv, envp, out, sizeof out, &status);
	free(envp);
	tui_sanitize(out, strcspn(out, "\n"), line, sizeof line, 0);
	if (rc != 0)
		say(d, MARK_WARNING,
		    _("the printer %s: lpstat was not found, so the queue was not checked: "
		      "install cups-client"),
		    printer);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !strstr(out, "printer "))
		say(d, MARK_FAILED,
		    _("the printer %s: CUPS has no such queue (%s): name one of 'lpstat -p' in "
		      "the profile's printer"),
		    printer, line);
	else if (strstr(out, "disabled"))
		say(d, MARK_FAILED,
		    _("the printer %s does not accept jobs (%s): enable it with cupsenable %s"),
		    printer, line, printer);
	else
		say(d, MARK_OK, _("the printer %s: the queue exists and accepts jobs"), printer);
}

int cmd_doctor(int argc, char **argv, const struct cli_globals *globals)
{
	const char *profile_name;
	int rc = cli_profile_options(argc, argv, globals, doctor_usage, 0, &profile_name);
	if (rc >= 0)
		return rc;
	struct doctor d = {0};
	for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
		if (columns(_(marks[i])) > d.width)
			d.width = columns(_(marks[i]));

	struct profile p;
	if (check_config(&d, profile_name, &p)) {
		bool keys = check_keys(&d, &p);
		check_cache(&d, &p);
		if (globals->offline)
			say(&d, MARK_WARNING, "%s",
			    _("the platform and the clock: not checked (--offline)"));
		else if (!keys)
			say(&d, MARK_WARNING, "%s",
			    _("the platform and the clock: not checked until the keys are fixed"));
		else {
			struct provider *prov = check_platform(&d, &p);
			if (prov)
				check_clock(&d, prov);
			provider_close(&prov);
		}
	} else {
		say(&d, MARK_WARNING, "%s",
		    _("the keys, the cache, the platform, the clock and the printer: not checked "
		      "until the configuration is fixed"));
	}
	check_locale(&d);
	if (p.name[0])
		check_printer(&d, p.printer);
	profile_clear(&p);
	return d.failed ? EXIT_FAILED : EXIT_OK;
}
