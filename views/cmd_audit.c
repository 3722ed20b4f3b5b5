/* The `audit` subcommand: print the audit log of actions, as text or CSV. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/client.h"
#include "tui/sanitize.h"
#include "views/actions_ui.h"
#include "views/commands.h"

static void audit_usage(FILE *out)
{
	fprintf(out, _("Usage: %s audit [--since DATE] [--format text|csv]\n"), PACKAGE_NAME);
	fputs(_("Print the audit log: every attempt at an action, who made it, from where, and\n"
	        "what came of it. Oldest first.\n"
	        "\n"
	        "  -s, --since DATE     only entries from DATE on: today, yesterday, -7d or\n"
	        "                       YYYY-MM-DD in the profile's time zone, or Unix seconds\n"
	        "  -f, --format F       text (default) or csv\n"
	        "  -h, --help           display this help and exit\n"),
	      out);
}

/* A day as paydesk_dates_parse reads it (its local midnight), or Unix seconds. Returns 0,
 * or -1 with the reason in why. */
static int parse_since(const char *text, time_t *out, char *why, size_t why_size)
{
	time_t from, to;
	enum paydesk_date_status st = paydesk_dates_parse(text, paydesk_now(), &from, &to);
	if (st == PAYDESK_DATE_OK && strstr(text, "..") == NULL) {
		*out = from;
		return 0;
	}
	char *end;
	long long v = strtoll(text, &end, 10);
	if (*text && *end == '\0' && v >= 0) {
		*out = (time_t)v;
		return 0;
	}
	if (st == PAYDESK_DATE_OK)
		snprintf(why, why_size, _("--since takes one day, not the range '%s'"), text);
	else
		paydesk_dates_message(st, text, why, why_size);
	return -1;
}

struct printer {
	bool csv;
};

static int print_row(void *ctx, const struct audit_row *r)
{
	const struct printer *p = ctx;
	char when[32];
	struct tm tm;
	time_t t = r->time;
	if (localtime_r(&t, &tm))
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	else
		snprintf(when, sizeof when, "%lld", (long long)r->time);
	char amount[64] = "", cur[4] = "";
	if (r->has_amount && r->currency[0]) {
		money_format(r->amount, r->currency, money_locale_get("C"), MONEY_FMT_PLAIN, amount,
		             sizeof amount);
		money_currency_upper(r->currency, cur);
	}
	if (p->csv) {
		const char *fields[] = {when,          r->os_user, r->ssh_client,
		                        r->profile,    r->action,  r->object_id,
		                        amount,        cur,        r->idempotency_key,
		                        r->request_id, r->outcome, r->message};
		size_t n = sizeof fields / sizeof *fields;
		for (size_t i = 0; i < n; i++)
			cli_csv_field(stdout, fields[i], false, i + 1 == n);
		return 0;
	}
	printf("%s  ", when);
	cli_put_untrusted(stdout, r->os_user);
	if (r->ssh_client[0]) {
		fputs("@", stdout);
		cli_put_untrusted(stdout, r->ssh_client);
	}
	fputs("  ", stdout);
	cli_put_untrusted(stdout, r->profile);
	printf("  %s  ", r->action);
	cli_put_untrusted(stdout, r->object_id);
	if (amount[0])
		printf("  %s %s", amount, cur);
	printf("  %s", r->outcome);
	if (r->request_id[0]) {
		fputs("  ", stdout);
		cli_put_untrusted(stdout, r->request_id);
	}
	if (r->message[0]) {
		fputs("  ", stdout);
		cli_put_untrusted(stdout, r->message);
	}
	fputs("\n", stdout);
	return 0;
}

int cmd_audit(int argc, char **argv, const struct cli_globals *globals)
{
	time_t since = 0;
	const char *since_text = NULL;
	struct printer printer = {false};
	static const struct option options[] = {
	        {"since", required_argument, NULL, 's'},
	        {"format", required_argument, NULL, 'f'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "s:f:h", options, NULL)) != -1) {
		switch (c) {
		case 's':
			since_text = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "csv") == 0) {
				printer.csv = true;
			} else if (strcmp(optarg, "text") != 0) {
				cli_error(_("--format takes text or csv, not '%s'"), optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			audit_usage(stdout);
			return EXIT_OK;
		default:
			audit_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		audit_usage(stderr);
		return EXIT_USAGE;
	}
	struct actions_env env;
	char err[1024];
	/* Reading the log never needs the platform. */
	if (actions_env_open(&env, globals->profile, true, err, sizeof err) != 0) {
		cli_error("%s", err);
		return EXIT_FAILED;
	}
	/* Days and times are the profile's, as on the screens and in statements. */
	if (env.profile.timezone[0]) {
		setenv("TZ", env.profile.timezone, 1);
		tzset();
	}
	if (since_text && parse_since(since_text, &since, err, sizeof err) != 0) {
		cli_error("--since: %s", err);
		actions_env_close(&env);
		return EXIT_USAGE;
	}
	if (printer.csv)
		puts("time,os_user,ssh_client,profile,action,object_id,amount,currency,"
		     "idempotency_key,request_id,outcome,message");
	int n = audit_each(env.session.db, since, print_row, &printer);
	int status = EXIT_OK;
	if (n < 0) {
		cli_error("%s", _("the audit log could not be read"));
		status = EXIT_FAILED;
	}
	actions_env_close(&env);
	return status;
}
