/* paydesk statement: the settlement statement of a day or a range from the cache, to the
 * terminal, a file or a printer; made to run from cron (no terminal needed). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/client.h"
#include "views/commands.h"
#include "views/statement.h"

static void statement_usage(FILE *out)
{
	fputs(_("Usage: paydesk statement --date DATE | --from DATE --to DATE [OPTION]...\n"), out);
	fputs(_("Produce the settlement statement of a day or a range of days from the cache:\n"
	        "balances, sales, refunds, disputes, fees, payouts reconciled against their\n"
	        "transactions, and every transaction. A day is today, yesterday, -7d (seven\n"
	        "days ago) or YYYY-MM-DD in the time zone; --to is the last day included.\n"),
	      out);
	fputs("\n", out);
	fputs(_("  -d, --date DATE        one day ('yesterday' and 'today' work too)\n"
	        "      --from DATE        first day of a range\n"
	        "      --to DATE          last day of a range\n"
	        "  -c, --currency CODE    only this currency\n"
	        "  -f, --format FORMAT    txt (default), csv, json or pdf\n"
	        "  -o, --output FILE      write to FILE (default: standard output; a PDF\n"
	        "                         goes to a file named after the statement)\n"
	        "      --print            also print it through CUPS (as a PDF)\n"
	        "      --printer NAME     the CUPS queue (default: the profile's, else lp's)\n"
	        "      --copies N         copies to print (default 1)\n"
	        "      --timezone TZ      time zone of the days (default: the profile's; for\n"
	        "                         WeChat Pay and Alipay the zone of their bills)\n"
	        "      --cache FILE       read this cache file (default: the profile's)\n"
	        "  -h, --help             display this help and exit\n"),
	      out);
	fputs("\n", out);
	fputs(_("From cron, yesterday's statement printed every morning at 6:\n"
	        "  0 6 * * * paydesk statement --date yesterday --print -o \"$HOME/statement.pdf\" "
	        "-f pdf\n"),
	      out);
}

/* The local date (YYYY-MM-DD) of a time, in the time zone in force. */
static void date_of(time_t t, char *out, size_t size)
{
	struct tm tm;
	if (!localtime_r(&t, &tm) || strftime(out, size, "%Y-%m-%d", &tm) == 0)
		snprintf(out, size, "?");
}

/* Reads the days of --date (a day or a range) or --from and --to (a day each) with the one
 * date reader, in the statement's time zone, into the first and the last day (YYYY-MM-DD).
 * Returns false with the reason on stderr. */
static bool read_days(const char *date, const char *from, const char *to, const char *tz,
                      char *first, char *last, size_t size)
{
	char saved[128], why[400];
	statement_tz_enter(tz, saved, sizeof saved);
	time_t now = paydesk_now(), start = 0, end = 0, start2, end2;
	const char *option = date ? "--date" : "--from";
	const char *text = date ? date : from;
	enum paydesk_date_status st = paydesk_dates_parse(text, now, &start, &end);
	if (st == PAYDESK_DATE_OK && !date && strstr(text, ".."))
		st = PAYDESK_DATE_BAD;
	if (st == PAYDESK_DATE_OK && !date) {
		option = "--to";
		text = to;
		st = paydesk_dates_parse(to, now, &start2, &end2);
		if (st == PAYDESK_DATE_OK && strstr(to, ".."))
			st = PAYDESK_DATE_BAD;
		if (st == PAYDESK_DATE_OK && end2 <= start) {
			char range[200];
			snprintf(range, sizeof range, "%s..%s", from, to);
			paydesk_dates_message(PAYDESK_DATE_REVERSED, range, why, sizeof why);
			statement_tz_leave(saved);
			cli_error("--from/--to: %s", why);
			return false;
		}
		end = end2;
	}
	/* FROM.. runs to the end of today. */
	time_t today_start, today_end;
	if (st == PAYDESK_DATE_OK && start > 0 && end == 0 &&
	    paydesk_dates_parse("today", now, &today_start, &today_end) == PAYDESK_DATE_OK)
		end = today_end > start ? today_end : 0;
	bool ok = st == PAYDESK_DATE_OK && start > 0 && end > 0;
	if (ok) {
		date_of(start, first, size);
		date_of(end - 1, last, size);
	}
	statement_tz_leave(saved);
	if (!ok) {
		if (st == PAYDESK_DATE_OK)
			snprintf(why, sizeof why,
			         _("a statement's range needs its first day (FROM..TO, or FROM.. "
			           "for up to today), not '%s'"),
			         text);
		else
			paydesk_dates_message(st, text, why, sizeof why);
		cli_error("%s: %s", option, why);
	}
	return ok;
}

struct statement_args {
	const char *date, *from, *to, *currency, *output, *printer, *timezone, *cache;
	enum statement_format format;
	bool print;
	int copies;
};

static int parse_args(int argc, char **argv, struct statement_args *a)
{
	enum { OPT_FROM = 256, OPT_TO, OPT_PRINT, OPT_PRINTER, OPT_COPIES, OPT_TZ, OPT_CACHE };
	static const struct option options[] = {
	        {"date", required_argument, NULL, 'd'},
	        {"from", required_argument, NULL, OPT_FROM},
	        {"to", required_argument, NULL, OPT_TO},
	        {"currency", required_argument, NULL, 'c'},
	        {"format", required_argument, NULL, 'f'},
	        {"output", required_argument, NULL, 'o'},
	        {"print", no_argument, NULL, OPT_PRINT},
	        {"printer", required_argument, NULL, OPT_PRINTER},
	        {"copies", required_argument, NULL, OPT_COPIES},
	        {"timezone", required_argument, NULL, OPT_TZ},
	        {"cache", required_argument, NULL, OPT_CACHE},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	a->copies = 1;
	int c;
	while ((c = getopt_long(argc, argv, "d:c:f:o:h", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			a->date = optarg;
			break;
		case OPT_FROM:
			a->from = optarg;
			break;
		case OPT_TO:
			a->to = optarg;
			break;
		case 'c':
			a->currency = optarg;
			break;
		case 'f':
			if (!statement_format_parse(optarg, &a->format)) {
				cli_error(_("unknown format '%s': use txt, csv, json or pdf"),
				          optarg);
				return EXIT_USAGE;
			}
			break;
		case 'o':
			a->output = optarg;
			break;
		case OPT_PRINT:
			a->print = true;
			break;
		case OPT_PRINTER:
			a->printer = optarg;
			break;
		case OPT_COPIES: {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || n < 1 || n > 100) {
				cli_error(_("--copies takes a number from 1 to 100, not '%s'"),
				          optarg);
				return EXIT_USAGE;
			}
			a->copies = (int)n;
			break;
		}
		case OPT_TZ:
			a->timezone = optarg;
			break;
		case OPT_CACHE:
			a->cache = optarg;
			break;
		case 'h':
			statement_usage(stdout);
			return -1;
		default:
			fputs(_("Try 'paydesk statement --help' for more information.\n"), stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_error(_("unexpected argument '%s'"), argv[optind]);
		return EXIT_USAGE;
	}
	if ((a->date != NULL) == (a->from != NULL || a->to != NULL) ||
	    (!a->date && (!a->from || !a->to))) {
		cli_error("%s", _("give either --date DATE or both --from DATE and --to DATE"));
		return EXIT_USAGE;
	}
	if (a->currency && !money_currency_valid(a->currency)) {
		cli_error(_("'%s' is not a three-letter currency code"), a->currency);
		return EXIT_USAGE;
	}
	/* Three letters are not enough: a mistyped code would give an empty statement that
	 * looks like a quiet day. */
	if (a->currency && !money_currency_known(a->currency)) {
		cli_error(_("'%s' is not an ISO 4217 currency code (such as USD, EUR or CNY)"),
		          a->currency);
		return EXIT_USAGE;
	}
	if (a->printer && !a->print) {
		cli_error("%s", _("--printer needs --print"));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* Tells, on stderr, what a clerk must not miss: stale data and payouts that do not add
 * up. Cron mails stderr to its owner. */
static void report_warnings(const struct statement *st)
{
	const struct ledger_statement *d = st->data;
	if (d->stale)
		cli_error("%s", _("warning: the cache was not synced after the end of this period; "
		                  "run 'paydesk sync' for a complete statement"));
	for (size_t i = 0; i < d->n_currencies; i++) {
		const struct ledger_currency *c = &d->currencies[i];
		char code[4];
		money_currency_upper(c->currency, code);
		if (c->mismatches > 0)
			cli_error(P_("warning: %lld %s payout does not reconcile with its "
			             "transactions",
			             "warning: %lld %s payouts do not reconcile with their "
			             "transactions",
			             c->mismatches),
			          (long long)c->mismatches, code);
		if (c->before_history > 0)
			cli_error(P_("note: %lld %s withdrawal pays out a balance from before the "
			             "cache's history and cannot be reconciled from it",
			             "note: %lld %s withdrawals pay out a balance from before the "
			             "cache's history and cannot be reconciled from it",
			             c->before_history),
			          (long long)c->before_history, code);
	}
	const struct ledger_bills *b = d->bills;
	if (b && b->differences > 0)
		cli_error(
		        P_("warning: %lld figure of the platform's bills differs from the cache's",
		           "warning: %lld figures of the platform's bills differ from the cache's",
		           b->differences),
		        (long long)b->differences);
	if (b && b->missing > 0)
		cli_error(
		        P_("warning: the bills of %lld day of this period are not checked (not in "
		           "the cache)",
		           "warning: the bills of %lld days of this period are not checked (not "
		           "in the cache)",
		           b->missing),
		        (long long)b->missing);
}

/* Saves a PDF for the printer (unless the output already is one) and prints it. */
static int print_statement(struct statement *st, const struct statement_args *a)
{
	char err[1024], path[4096], job[256], dir[2048];
	if (a->format == STATEMENT_PDF && a->output && strcmp(a->output, "-") != 0) {
		snprintf(path, sizeof path, "%s", a->output);
	} else {
		if (statement_dir(dir, sizeof dir, err, sizeof err) != 0) {
			cli_error("%s", err);
			return EXIT_FAILED;
		}
		statement_default_name(st, STATEMENT_PDF, dir, path, sizeof path);
		if (statement_save(st, STATEMENT_PDF, path, err, sizeof err) != 0) {
			cli_error("%s", err);
			return EXIT_FAILED;
		}
	}
	char title[256];
	statement_default_name(st, STATEMENT_PDF, NULL, title, sizeof title);
	if (statement_print(path, a->printer, title, a->copies, job, sizeof job, err, sizeof err) !=
	    0) {
		cli_error("%s", err);
		cli_error(_("the statement is saved in %s; print it when the printer is back"),
		          path);
		return EXIT_FAILED;
	}
	fprintf(stderr, _("paydesk: printed %s as job %s\n"), path, job);
	return EXIT_OK;
}

static int run_statement(struct statement_args *args, struct ledger *ledger, const char *tz);

int cmd_statement(int argc, char **argv, const struct cli_globals *globals)
{
	struct statement_args a = {0};
	int r = parse_args(argc, argv, &a);
	if (r != EXIT_OK)
		return r < 0 ? EXIT_OK : r;

	/* The profile gives the cache, the time zone and the printer; --cache (or
	 * PAYDESK_CACHE) reads a cache without one, e.g. a copy handed to the accountant. */
	struct profile profile;
	const char *cache = cli_read_cache(globals, a.cache, &profile);
	if (!cache)
		return EXIT_FAILED;
	if (!a.printer && profile.printer[0])
		a.printer = profile.printer;
	const char *tz = a.timezone ? a.timezone : profile.timezone;
	char why[400];
	if (profile_check_timezone(tz, why, sizeof why) != 0) {
		cli_error("--timezone: %s", why);
		profile_clear(&profile);
		return EXIT_USAGE;
	}
	struct ledger *ledger = NULL;
	enum ledger_status ls = ledger_open(cache, &ledger);
	if (ls != LEDGER_OK) {
		cli_error("%s: %s", cache, ledger_status_message(ls));
		profile_clear(&profile);
		return EXIT_FAILED;
	}
	/* A platform whose history is daily bills counts its days in the zone of its bills
	 * (China Standard Time), whatever the profile's: --timezone says otherwise. */
	const struct provider_platform *pl = ledger_platform(ledger);
	if (!a.timezone && pl && pl->history == PROVIDER_HISTORY_BILLS && pl->day_zone &&
	    profile_check_timezone(pl->day_zone, why, sizeof why) == 0)
		tz = pl->day_zone;
	int rc = run_statement(&a, ledger, tz);
	ledger_close(&ledger);
	profile_clear(&profile);
	return rc;
}

/* Everything after the options: dates, the ledger, the output and the printer. */
static int run_statement(struct statement_args *args, struct ledger *ledger, const char *tz)
{
	struct statement_args a = *args;
	char d1[32], d2[32];
	if (!read_days(a.date, a.from, a.to, tz, d1, d2, sizeof d1))
		return EXIT_USAGE;
	struct statement_options opt = {.timezone = tz, .currency = a.currency};
	if (statement_day_start(d1, tz, 0, &opt.from) != 0) {
		cli_error(_("'%s' is not a date: write it as YYYY-MM-DD"), d1);
		return EXIT_USAGE;
	}
	if (statement_day_start(d2, tz, 1, &opt.to) != 0) {
		cli_error(_("'%s' is not a date: write it as YYYY-MM-DD"), d2);
		return EXIT_USAGE;
	}
	if (opt.to <= opt.from) {
		cli_error("%s", ledger_status_message(LEDGER_BAD_RANGE));
		return EXIT_USAGE;
	}
	opt.single_day = strcmp(d1, d2) == 0;
	/* Text and PDF print every item: read them once, with the sums. */
	opt.keep_items = a.format == STATEMENT_TXT || a.format == STATEMENT_PDF || a.print;
	/* The PDF names each line's order. */
	opt.keep_orders = a.format == STATEMENT_PDF || a.print;
	char who[128];
	statement_operator(who, sizeof who);
	opt.operator_name = who;
	opt.generated_at = paydesk_now();

	char err[1024];
	/* The sums and the items of CSV and JSON come from two passes: one snapshot for both. */
	enum ledger_status ls = ledger_snapshot_begin(ledger);
	if (ls != LEDGER_OK) {
		cli_error("%s: %s", ledger_status_message(ls), ledger_last_error(ledger));
		return EXIT_FAILED;
	}
	struct statement *st = NULL;
	if (statement_build(ledger, &opt, &st, err, sizeof err) != 0) {
		cli_error("%s", err);
		return EXIT_FAILED;
	}
	int status = EXIT_OK;
	char path[4096];
	const char *out = a.output;
	if (!out && a.format == STATEMENT_PDF) {
		statement_default_name(st, STATEMENT_PDF, NULL, path, sizeof path);
		out = path;
	}
	/* With --print and no --output, the PDF kept for the printer is the copy (cron mails
	 * whatever reaches standard output). */
	bool write_output = !(a.print && !a.output);
	if (write_output) {
		if (statement_save(st, a.format, out ? out : "-", err, sizeof err) != 0) {
			cli_error("%s", err);
			status = EXIT_FAILED;
		} else if (out && strcmp(out, "-") != 0) {
			fprintf(stderr, _("paydesk: statement written to %s\n"), out);
		}
	}
	report_warnings(st);
	if (status == EXIT_OK && a.print)
		status = print_statement(st, &a);
	statement_free(&st);
	return status;
}
