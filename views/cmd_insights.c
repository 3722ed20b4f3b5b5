/* The `insights` subcommand: the Insights screen's figures for scripts and cron, per
 * currency and day, against the span of the same length before. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "client/client.h"
#include "client/insights.h"
#include "client/profile.h"
#include "tui/sanitize.h"
#include "tui/tui.h"
#include "views/commands.h"
#include "views/insights_view.h"

static void insights_usage(FILE *out)
{
	fprintf(out,
	        _("Usage: %s insights [--days N | --from DAY --to DAY] [--format txt|csv|json]\n"),
	        PACKAGE_NAME);
	fputs(_("Print how the business went, from the local cache alone: per currency, the\n"
	        "span's gross volume, refunds, net, payments, average ticket, refund and dispute\n"
	        "rates and fees, against the span of the same length just before, then each day.\n"
	        "Currencies are never added together.\n"
	        "\n"
	        "  -d, --days N         the last N days, today included (default 30)\n"
	        "      --from DAY       first day: today, yesterday, -7d or YYYY-MM-DD\n"
	        "      --to DAY         last day (default today)\n"
	        "  -f, --format F       txt (default), csv or json\n"
	        "      --cache FILE     read this cache instead of the profile's\n"
	        "      --timezone TZ    time zone of the days (default: the profile's)\n"
	        "  -h, --help           display this help and exit\n"),
	      out);
}

/* A day given to --from or --to: its local midnight, or -1 with a message. */
static int64_t day_start(const char *text, const char *option)
{
	time_t from = 0, to = 0;
	enum paydesk_date_status st = paydesk_dates_parse(text, paydesk_now(), &from, &to);
	if (st == PAYDESK_DATE_OK && !strstr(text, "..") && from > 0)
		return (int64_t)from;
	char why[400];
	if (st == PAYDESK_DATE_OK)
		snprintf(why, sizeof why, _("%s takes one day, not the range '%s'"), option, text);
	else
		paydesk_dates_message(st, text, why, sizeof why);
	cli_error("%s: %s", option, why);
	return -1;
}

enum format { FMT_TXT, FMT_CSV, FMT_JSON };

static void day_name(int64_t t, char *buf, size_t size)
{
	time_t when = (time_t)t;
	struct tm tm;
	if (!localtime_r(&when, &tm) || strftime(buf, size, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, size, "%lld", (long long)t);
}

/* One line of CSV: kind, currency, day, every measure (plain), then the sums. */
static void csv_line(const char *kind, const char *currency, const char *day,
                     const struct insights_sums *s)
{
	cli_csv_field(stdout, kind, false, false);
	cli_csv_field(stdout, currency, false, false);
	cli_csv_field(stdout, day, false, false);
	for (int m = 0; m < INSIGHTS_MEASURE_COUNT; m++) {
		char v[64];
		insights_view_plain(s, m, currency, v, sizeof v);
		cli_csv_field(stdout, v, true, false);
	}
	printf("%lld,%lld,%lld\n", (long long)s->failed, (long long)s->refunds,
	       (long long)s->disputes);
}

static json_t *json_sums(const struct insights_sums *s, const char *currency)
{
	json_t *o = json_object();
	for (int m = 0; m < INSIGHTS_MEASURE_COUNT; m++) {
		char v[64];
		insights_view_plain(s, m, currency, v, sizeof v);
		/* Counts are numbers; money and rates decimal strings, never floats. */
		json_object_set_new(o, insights_measures[m].name,
		                    !v[0] ? json_null()
		                    : insights_measures[m].unit == INSIGHTS_COUNT
		                            ? json_integer(atoll(v))
		                            : json_string(v));
	}
	json_object_set_new(o, "failed", json_integer(s->failed));
	json_object_set_new(o, "refund_count", json_integer(s->refunds));
	json_object_set_new(o, "dispute_count", json_integer(s->disputes));
	return o;
}

static int print_insights(const struct insights *cur, const struct insights *prev,
                          const int64_t *bounds, const int64_t *prev_bounds, int n_days,
                          enum format fmt, const struct provider_platform *pl)
{
	char d1[16], d2[16], p1[16], p2[16];
	day_name(bounds[0], d1, sizeof d1);
	day_name(bounds[n_days] - 1, d2, sizeof d2);
	day_name(prev_bounds[0], p1, sizeof p1);
	day_name(prev_bounds[n_days] - 1, p2, sizeof p2);
	static const struct insights_sums none;
	if (fmt == FMT_JSON) {
		json_t *root = json_object(), *list = json_array();
		json_object_set_new(root, "from", json_string(d1));
		json_object_set_new(root, "to", json_string(d2));
		json_object_set_new(root, "days", json_integer(n_days));
		json_object_set_new(root, "previous_from", json_string(p1));
		json_object_set_new(root, "previous_to", json_string(p2));
		for (int i = 0; i < cur->n_series; i++) {
			const struct insights_series *s = &cur->series[i];
			const struct insights_series *b = insights_series_of(prev, s->currency);
			char *ccy = tui_sanitize_dup(s->currency, 0);
			json_t *c = json_object(), *days = json_array();
			json_object_set_new(c, "currency", json_string(ccy ? ccy : ""));
			json_object_set_new(c, "span", json_sums(&s->total, s->currency));
			json_object_set_new(c, "previous",
			                    json_sums(b ? &b->total : &none, s->currency));
			for (int d = 0; d < n_days; d++) {
				char day[16];
				day_name(bounds[d], day, sizeof day);
				json_t *o = json_sums(&s->days[d], s->currency);
				json_object_set_new(o, "day", json_string(day));
				json_array_append_new(days, o);
			}
			json_object_set_new(c, "by_day", days);
			/* What the span's payments settled as, by the currency paid in. */
			json_t *paid = json_array();
			for (int k = 0; k < s->n_paid; k++) {
				const struct insights_paid *p = &s->paid[k];
				char amount[64], share[32] = "", fx[64];
				struct insights_sums fs = {.fx_fees_fine = p->fx_fees_fine};
				int64_t bp;
				money_format(p->settled, s->currency, NULL, MONEY_FMT_PLAIN, amount,
				             sizeof amount);
				if (insights_paid_share(s, k, &bp))
					snprintf(share, sizeof share, "%lld.%02lld",
					         (long long)(bp / 100), (long long)(bp % 100));
				insights_view_plain(&fs, INSIGHTS_FX_FEES, s->currency, fx,
				                    sizeof fx);
				json_array_append_new(paid,
				                      json_pack("{s:s,s:I,s:s,s:s,s:s}", "currency",
				                                p->currency, "payments",
				                                (json_int_t)p->payments, "settled",
				                                amount, "share_percent", share,
				                                "conversion_fees", fx));
			}
			json_object_set_new(c, "paid_in", paid);
			json_array_append_new(list, c);
			free(ccy);
		}
		json_object_set_new(root, "currencies", list);
		int rc = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(root);
		return rc == 0 ? EXIT_OK : EXIT_FAILED;
	}
	if (fmt == FMT_CSV) {
		fputs("kind,currency,day", stdout);
		for (int m = 0; m < INSIGHTS_MEASURE_COUNT; m++)
			printf(",%s", insights_measures[m].name);
		puts(",failed,refund_count,dispute_count");
		for (int i = 0; i < cur->n_series; i++) {
			const struct insights_series *s = &cur->series[i];
			const struct insights_series *b = insights_series_of(prev, s->currency);
			char span[40];
			snprintf(span, sizeof span, "%s..%s", d1, d2);
			csv_line("span", s->currency, span, &s->total);
			snprintf(span, sizeof span, "%s..%s", p1, p2);
			csv_line("previous", s->currency, span, b ? &b->total : &none);
			for (int d = 0; d < n_days; d++) {
				char day[16];
				day_name(bounds[d], day, sizeof day);
				csv_line("day", s->currency, day, &s->days[d]);
			}
		}
		return EXIT_OK;
	}
	printf(_("Insights %s to %s (%d days), against %s to %s\n"), d1, d2, n_days, p1, p2);
	if (cur->n_series == 0)
		printf("\n%s\n", _("Nothing in the cache for these days."));
	for (int i = 0; i < cur->n_series; i++) {
		const struct insights_series *s = &cur->series[i];
		const struct insights_series *b = insights_series_of(prev, s->currency);
		char ccy[8];
		money_currency_upper(s->currency, ccy);
		putchar('\n');
		cli_put_untrusted(stdout, ccy);
		printf("\n");
		for (int m = 0; m < INSIGHTS_MEASURE_COUNT; m++) {
			char now[64], before[64], change[32];
			insights_view_format(&s->total, m, s->currency, now, sizeof now);
			insights_view_format(b ? &b->total : &none, m, s->currency, before,
			                     sizeof before);
			insights_view_change(b ? &b->total : &none, &s->total, m, false, change,
			                     sizeof change);
			const char *title = insights_view_title(m, pl);
			int pad = 32 - tui_text_width(title);
			printf("  %s%*s %16s %16s  %s\n", title, pad > 0 ? pad : 0, "", now, before,
			       change);
		}
		if (insights_has_converted(s)) {
			printf("\n  ");
			printf(_("Paid in, over the span (as settled in %s)"), ccy);
			putchar('\n');
			for (int k = 0; k < s->n_paid; k++) {
				char code[4], line[256];
				money_currency_upper(s->paid[k].currency, code);
				insights_view_paid(s, k, line, sizeof line);
				printf("    %-4s %s\n", code, line);
			}
		}
		printf("\n  %-10s %9s %16s %16s %18s %14s\n", _("Day"), _("Payments"), _("Gross"),
		       _("Refunds"), _("Net"), _("Fees"));
		for (int d = 0; d < n_days; d++) {
			const struct insights_sums *v = &s->days[d];
			char day[16], g[64], r[64], net[64], fees[64];
			day_name(bounds[d], day, sizeof day);
			insights_view_format(v, INSIGHTS_GROSS, s->currency, g, sizeof g);
			insights_view_format(v, INSIGHTS_REFUNDED, s->currency, r, sizeof r);
			insights_view_format(v, INSIGHTS_NET, s->currency, net, sizeof net);
			insights_view_format(v, INSIGHTS_FEES, s->currency, fees, sizeof fees);
			printf("  %-10s %9lld %16s %16s %18s %14s\n", day, (long long)v->payments,
			       g, r, net, fees);
		}
	}
	return EXIT_OK;
}

int cmd_insights(int argc, char **argv, const struct cli_globals *globals)
{
	enum { OPT_FROM = 256, OPT_TO, OPT_CACHE, OPT_TZ };
	static const struct option options[] = {
	        {"days", required_argument, NULL, 'd'},
	        {"from", required_argument, NULL, OPT_FROM},
	        {"to", required_argument, NULL, OPT_TO},
	        {"format", required_argument, NULL, 'f'},
	        {"cache", required_argument, NULL, OPT_CACHE},
	        {"timezone", required_argument, NULL, OPT_TZ},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	const char *from_text = NULL, *to_text = NULL, *cache = NULL, *tz = NULL;
	long days = 0;
	enum format fmt = FMT_TXT;
	int c;
	while ((c = getopt_long(argc, argv, "d:f:h", options, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'd':
			days = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || days < 1 || days > INSIGHTS_VIEW_MAX_DAYS) {
				cli_error(_("--days takes a number of days from 1 to %d, not '%s'"),
				          INSIGHTS_VIEW_MAX_DAYS, optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_FROM:
			from_text = optarg;
			break;
		case OPT_TO:
			to_text = optarg;
			break;
		case OPT_CACHE:
			cache = optarg;
			break;
		case OPT_TZ:
			tz = optarg;
			break;
		case 'f':
			fmt = !strcmp(optarg, "csv")    ? FMT_CSV
			      : !strcmp(optarg, "json") ? FMT_JSON
			                                : FMT_TXT;
			if (fmt == FMT_TXT && strcmp(optarg, "txt") && strcmp(optarg, "text")) {
				cli_error(_("--format takes txt, csv or json, not '%s'"), optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			insights_usage(stdout);
			return EXIT_OK;
		default:
			insights_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc || (days && (from_text || to_text))) {
		if (days && (from_text || to_text))
			cli_error("%s", _("--days and --from/--to say the same thing: give one"));
		insights_usage(stderr);
		return EXIT_USAGE;
	}
	struct profile profile;
	cache = cli_read_cache(globals, cache, &profile);
	if (!cache)
		return EXIT_FAILED;
	if (!tz)
		tz = profile.timezone;
	char why[400];
	if (profile_check_timezone(tz, why, sizeof why) != 0) {
		cli_error("--timezone: %s", why);
		profile_clear(&profile);
		return EXIT_USAGE;
	}
	if (tz && *tz) {
		setenv("TZ", tz, 1);
		tzset();
	}
	int status = EXIT_USAGE;
	int64_t today = 0, first = 0, last = 0, probe[2];
	int n_days = days ? (int)days : 30;
	insights_day_bounds((int64_t)paydesk_now(), 0, 0, &today);
	if (to_text && (last = day_start(to_text, "--to")) < 0)
		goto out;
	if (!to_text)
		last = today;
	if (from_text && (first = day_start(from_text, "--from")) < 0)
		goto out;
	if (!from_text) {
		insights_day_bounds(last, 1 - n_days, 0, probe);
		first = probe[0];
	} else if (last < first) {
		cli_error("%s", _("--to is before --from"));
		goto out;
	} else {
		/* Whole days by the calendar, whatever daylight saving makes of their length. */
		for (n_days = 1; n_days <= INSIGHTS_VIEW_MAX_DAYS; n_days++) {
			insights_day_bounds(first, n_days, 0, probe);
			if (probe[0] > last)
				break;
		}
		if (n_days > INSIGHTS_VIEW_MAX_DAYS) {
			cli_error(_("a span is at most %d days"), INSIGHTS_VIEW_MAX_DAYS);
			goto out;
		}
	}
	char err[600];
	struct query *q = query_open(cache, err, sizeof err);
	if (!q) {
		cli_error("%s", err);
		status = EXIT_FAILED;
		goto out;
	}
	int64_t bounds[INSIGHTS_VIEW_MAX_DAYS + 1], prev_bounds[INSIGHTS_VIEW_MAX_DAYS + 1];
	insights_day_bounds(first, 0, n_days, bounds);
	insights_day_bounds(first, -n_days, n_days, prev_bounds);
	struct insights cur, prev;
	if (query_insights(q, bounds, n_days, &cur) != 0 ||
	    query_insights(q, prev_bounds, n_days, &prev) != 0) {
		cli_error("%s", query_error(q));
		insights_free(&cur);
		query_close(&q);
		status = EXIT_FAILED;
		goto out;
	}
	status = print_insights(&cur, &prev, bounds, prev_bounds, n_days, fmt,
	                        profile.platform[0] ? provider_platform_find(profile.platform)
	                                            : NULL);
	insights_free(&cur);
	insights_free(&prev);
	query_close(&q);
out:
	profile_clear(&profile);
	return status;
}
