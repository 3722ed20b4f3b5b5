/* The `risk` subcommand: what the risk rules find in the cache, as text, CSV or JSON, read
 * offline; exit status 4 when a card network's monitoring threshold is crossed, so that a
 * cron job can mail it. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "client/client.h"
#include "client/query.h"
#include "client/risk.h"
#include "tui/sanitize.h"
#include "views/commands.h"

/* The exit status when a monitoring threshold is crossed. */
#define EXIT_THRESHOLD 4

enum risk_format { FORMAT_TXT, FORMAT_CSV, FORMAT_JSON };

static void risk_usage(FILE *out)
{
	fprintf(out, _("Usage: %s risk [--format txt|csv|json]\n"), PACKAGE_NAME);
	fputs(_("Print the orders and patterns of the local cache that deserve a look, each\n"
	        "with its reason: the platform's own risk ratings, dispute ratios per card\n"
	        "network against the networks' monitoring thresholds, payments and failed\n"
	        "attempts in quick succession from one card or customer, refund spikes,\n"
	        "unusual amounts, refunds of risky payments, customers paying from many\n"
	        "countries. Read from the cache only: nothing is sent to the platform.\n"
	        "\n"
	        "  -p, --profile NAME   the profile whose cache to read\n"
	        "  -f, --format F       txt (default), csv or json\n"
	        "  -h, --help           display this help and exit\n"
	        "\n"
	        "The thresholds are the profile's risk_* settings (see paydesk.conf(5)).\n"
	        "\n"
	        "Exit status: 0 when no monitoring threshold is crossed (warnings may still be\n"
	        "printed), 4 when a card network's monitoring threshold is crossed, 1 when the\n"
	        "cache cannot be read, 2 for a usage error.\n"),
	      out);
}

/* "2026-11-30T14:05:00Z" */
static void iso_time(time_t t, char *buf, size_t size)
{
	struct tm tm;
	if (!t || !gmtime_r(&t, &tm) || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		buf[0] = '\0';
}

static void amount_plain(const struct risk_finding *f, char *amount, size_t size, char cur[4])
{
	amount[0] = cur[0] = '\0';
	if (!f->has_amount)
		return;
	money_format(f->amount, f->currency, money_locale_get("C"), MONEY_FMT_PLAIN, amount, size);
	money_currency_upper(f->currency, cur);
}

static void print_txt(const struct risk_findings *f)
{
	if (f->n == 0) {
		puts(_("Nothing to look at: no risk rule found anything in the cache."));
		return;
	}
	for (int i = 0; i < f->n; i++) {
		const struct risk_finding *x = &f->items[i];
		char amount[64], cur[4];
		amount_plain(x, amount, sizeof amount, cur);
		printf("%-5s  %-17s  ", risk_severity_name(x->severity), x->rule);
		cli_put_untrusted(stdout, x->order_id[0] ? x->order_id : "-");
		if (amount[0])
			printf("  %s %s", amount, cur);
		fputs("  ", stdout);
		cli_put_untrusted(stdout, x->reason);
		fputs("\n", stdout);
	}
	if (f->truncated)
		puts(_("(a rule found more than it reports: the most recent are shown)"));
	if (risk_findings_cross(f))
		puts(_("A card network's monitoring threshold is crossed."));
}

static void print_csv(const struct risk_findings *f)
{
	puts("severity,rule,order_id,amount,currency,time,crosses_threshold,reason");
	for (int i = 0; i < f->n; i++) {
		const struct risk_finding *x = &f->items[i];
		char amount[64], cur[4], when[32];
		amount_plain(x, amount, sizeof amount, cur);
		iso_time(x->when, when, sizeof when);
		const char *fields[] = {x->severity == RISK_ALERT ? "alert" : "warn",
		                        x->rule,
		                        x->order_id,
		                        amount,
		                        cur,
		                        when,
		                        x->crosses_threshold ? "yes" : "no",
		                        x->reason};
		size_t n = sizeof fields / sizeof *fields;
		for (size_t k = 0; k < n; k++)
			cli_csv_field(stdout, fields[k], false, k + 1 == n);
	}
}

/* A sanitized JSON string. */
static json_t *clean_string(const char *text)
{
	char *clean = tui_sanitize_dup(text ? text : "", 0);
	json_t *v = json_string(clean ? clean : "");
	free(clean);
	return v;
}

static int print_json(const struct risk_findings *f)
{
	json_t *root = json_object(), *items = json_array();
	if (!root || !items) {
		json_decref(root);
		json_decref(items);
		return -1;
	}
	for (int i = 0; i < f->n; i++) {
		const struct risk_finding *x = &f->items[i];
		char when[32], cur[4] = "";
		iso_time(x->when, when, sizeof when);
		if (x->has_amount)
			money_currency_upper(x->currency, cur);
		json_t *o = json_object();
		json_object_set_new(o, "rule", json_string(x->rule));
		json_object_set_new(o, "severity",
		                    json_string(x->severity == RISK_ALERT ? "alert" : "warn"));
		json_object_set_new(o, "order_id",
		                    x->order_id[0] ? clean_string(x->order_id) : json_null());
		/* Minor units of the currency, as the platforms count them. */
		json_object_set_new(o, "amount",
		                    x->has_amount ? json_integer((json_int_t)x->amount)
		                                  : json_null());
		json_object_set_new(o, "currency", x->has_amount ? json_string(cur) : json_null());
		json_object_set_new(o, "time", when[0] ? json_string(when) : json_null());
		json_object_set_new(o, "crosses_threshold", json_boolean(x->crosses_threshold));
		json_object_set_new(o, "reason", clean_string(x->reason));
		json_array_append_new(items, o);
	}
	json_object_set_new(root, "findings", items);
	json_object_set_new(root, "threshold_crossed", json_boolean(risk_findings_cross(f)));
	json_object_set_new(root, "truncated", json_boolean(f->truncated));
	int rc = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	json_decref(root);
	fputs("\n", stdout);
	return rc;
}

int cmd_risk(int argc, char **argv, const struct cli_globals *globals)
{
	const char *profile_name = globals->profile;
	enum risk_format format = FORMAT_TXT;
	static const struct option options[] = {
	        {"profile", required_argument, NULL, 'p'},
	        {"format", required_argument, NULL, 'f'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "p:f:h", options, NULL)) != -1) {
		switch (c) {
		case 'p':
			profile_name = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "txt") == 0 || strcmp(optarg, "text") == 0) {
				format = FORMAT_TXT;
			} else if (strcmp(optarg, "csv") == 0) {
				format = FORMAT_CSV;
			} else if (strcmp(optarg, "json") == 0) {
				format = FORMAT_JSON;
			} else {
				cli_error(_("--format takes txt, csv or json, not '%s'"), optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			risk_usage(stdout);
			return EXIT_OK;
		default:
			risk_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		risk_usage(stderr);
		return EXIT_USAGE;
	}
	struct profile profile;
	char err[1024];
	if (profile_load(profile_name, &profile, err, sizeof err) != 0) {
		cli_error("%s", err);
		return EXIT_FAILED;
	}
	/* Days and months are the profile's, as on the screens and in statements. */
	if (profile.timezone[0]) {
		setenv("TZ", profile.timezone, 1);
		tzset();
	}
	struct stat st;
	if (stat(profile.cache_path, &st) != 0) {
		cli_error(_("profile [%s] has no cache yet (%s): run '%s sync' first"),
		          profile.name, profile.cache_path, PACKAGE_NAME);
		profile_clear(&profile);
		return EXIT_FAILED;
	}
	struct query *q = query_open(profile.cache_path, err, sizeof err);
	if (!q) {
		cli_error("%s", err);
		profile_clear(&profile);
		return EXIT_FAILED;
	}
	struct risk_findings findings = {0};
	int n = risk_run_query(q, &profile.risk, paydesk_now(), &findings, err, sizeof err);
	query_close(&q);
	profile_clear(&profile);
	if (n < 0) {
		cli_error("%s", err);
		return EXIT_FAILED;
	}
	int status = EXIT_OK;
	if (format == FORMAT_CSV)
		print_csv(&findings);
	else if (format == FORMAT_JSON && print_json(&findings) != 0)
		status = EXIT_FAILED;
	else if (format == FORMAT_TXT)
		print_txt(&findings);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error("%s", _("the findings could not be written"));
		status = EXIT_FAILED;
	}
	if (status == EXIT_OK && risk_findings_cross(&findings))
		status = EXIT_THRESHOLD;
	risk_findings_free(&findings);
	return status;
}
