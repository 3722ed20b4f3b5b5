/* The `sync` and `cache` subcommands: fill the cache from the platform, describe it. */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "client/client.h"
#include "views/commands.h"

static volatile sig_atomic_t sync_interrupted;
static volatile int sync_cancel;

static void on_interrupt(int sig)
{
	(void)sig;
	sync_interrupted = 1;
	sync_cancel = 1;
}

/* Groups digits by thousands: 1234567 -> "1,234,567" (numbers only, no locale needed). */
static void group(int64_t v, char *out, size_t size)
{
	char digits[32];
	snprintf(digits, sizeof digits, "%" PRId64, v < 0 ? -v : v);
	size_t n = strlen(digits), o = 0;
	if (v < 0 && o + 1 < size)
		out[o++] = '-';
	for (size_t i = 0; i < n && o + 2 < size; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

struct bar {
	bool tty;
	int64_t last_ms;
};

/* Draws the progress bar on stderr when it is a terminal: numbers only. */
static void draw_progress(const struct sync_progress *p, void *user)
{
	struct bar *bar = user;
	if (!bar->tty)
		return;
	if (p->phase != SYNC_PHASE_DONE && p->elapsed_ms - bar->last_ms < 100 && bar->last_ms)
		return;
	bar->last_ms = p->elapsed_ms ? p->elapsed_ms : 1;
	char objects[32], rate[32], eta[32] = "--:--";
	group(p->objects, objects, sizeof objects);
	group(p->per_second, rate, sizeof rate);
	if (p->eta_s >= 0)
		snprintf(eta, sizeof eta, "%" PRId64 ":%02" PRId64, p->eta_s / 60, p->eta_s % 60);
	char cells[21];
	int filled = p->permille >= 0 ? p->permille / 50 : 0;
	for (int i = 0; i < 20; i++)
		cells[i] = i < filled ? '#' : '.';
	cells[20] = '\0';
	char pct[16] = " --%";
	if (p->permille >= 0)
		snprintf(pct, sizeof pct, "%3d%%", p->permille / 10);
	fprintf(stderr, "\r[%s] %s  %s %s  %s %s/s  %s %s \033[K", cells, pct, objects,
	        _("objects"), rate, _("obj"), _("ETA"), eta);
	fflush(stderr);
}

static void sync_usage(FILE *out)
{
	fprintf(out, _("Usage: %s sync [--full] [--profile NAME]\n"), PACKAGE_NAME);
	fputs(_("Bring the local cache up to date with the platform.\n"
	        "\n"
	        "  -f, --full           list everything again instead of applying changes\n"
	        "  -p, --profile NAME   the profile to sync\n"
	        "  -h, --help           display this help and exit\n"
	        "\n"
	        "Exit status: 0 synced, 1 failed (the reason is printed), 2 usage error.\n"),
	      out);
}

/* Loads the profile named by the option, the global option or the environment. */
static int load_profile(const char *name, struct profile *p)
{
	char err[1024];
	if (profile_load(name, p, err, sizeof err) != 0) {
		cli_error("%s", err);
		return -1;
	}
	return 0;
}

int cmd_sync(int argc, char **argv, const struct cli_globals *globals)
{
	static const struct option options[] = {
	        {"full", no_argument, NULL, 'f'},
	        {"profile", required_argument, NULL, 'p'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct sync_options opts = {0};
	const char *profile_name = globals->profile;
	int c;
	while ((c = getopt_long(argc, argv, "fp:h", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			opts.full = true;
			break;
		case 'p':
			profile_name = optarg;
			break;
		case 'h':
			sync_usage(stdout);
			return EXIT_OK;
		default:
			sync_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_error(_("sync takes no arguments ('%s')"), argv[optind]);
		sync_usage(stderr);
		return EXIT_USAGE;
	}
	if (globals->offline) {
		cli_error(_("--offline and sync do not go together: sync needs the network"));
		return EXIT_USAGE;
	}
	struct profile profile;
	if (load_profile(profile_name, &profile) != 0)
		return EXIT_FAILED;

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	struct bar bar = {.tty = isatty(STDERR_FILENO) == 1};
	struct sync_result result;
	int rc = sync_run(&profile, &opts, draw_progress, &bar, &sync_cancel, &result);
	profile_clear(&profile);
	if (bar.tty && bar.last_ms)
		fputc('\n', stderr);
	if (result.notice[0]) {
		fputs("paydesk: ", stderr);
		cli_put_untrusted(stderr, result.notice);
		fputc('\n', stderr);
	}
	char objects[32];
	group(result.objects, objects, sizeof objects);
	if (rc != 0) {
		fputs("paydesk: ", stderr);
		cli_put_untrusted(stderr, result.message);
		if (result.request_id[0]) {
			fprintf(stderr, " [");
			cli_put_untrusted(stderr, result.request_id);
			fputc(']', stderr);
		}
		fputc('\n', stderr);
		if (result.objects > 0)
			fprintf(stderr,
			        P_("paydesk: %s object was stored before that; it is kept\n",
			           "paydesk: %s objects were stored before that; they are kept\n",
			           (unsigned long)result.objects),
			        objects);
		return EXIT_FAILED;
	}
	if (result.rescanned)
		printf("%s\n", _("the last sync was too long ago for the platform's event history; "
		                 "everything was listed again"));
	/* What the cache gained and what it had rewritten (an object may be stored more than
	 * once in a sync), each count in its own plural form. */
	char fresh[32], rewritten[32], added[128], updated[128], applied[128];
	int64_t updates = result.objects - result.objects_new;
	group(result.objects_new, fresh, sizeof fresh);
	group(updates, rewritten, sizeof rewritten);
	snprintf(added, sizeof added,
	         P_("%s new object", "%s new objects", (unsigned long)result.objects_new), fresh);
	snprintf(updated, sizeof updated, P_("%s update", "%s updates", (unsigned long)updates),
	         rewritten);
	snprintf(applied, sizeof applied,
	         P_("%" PRId64 " event applied", "%" PRId64 " events applied",
	            (unsigned long)result.events),
	         result.events);
	/* TRANSLATORS: "synced: 6,616 new objects, 2,992 updates (0 events applied)". */
	printf(_("synced: %s, %s (%s)\n"), added, updated, applied);
	if (result.bills_through[0])
		printf(_("bills: in the cache through %s%s\n"), result.bills_through,
		       result.bill_pending ? _("; the next day's bill is not made yet") : "");
	return EXIT_OK;
}

static void cache_usage(FILE *out)
{
	fprintf(out, _("Usage: %s cache info [--profile NAME]\n"), PACKAGE_NAME);
	fputs(_("Describe the local cache: objects per resource, last sync, size, schema.\n"), out);
}

static void human_size(int64_t bytes, char *out, size_t size)
{
	if (bytes < 10 * 1024)
		snprintf(out, size, "%" PRId64 " B", bytes);
	else if (bytes < 10 * 1024 * 1024)
		snprintf(out, size, "%" PRId64 " KiB", bytes / 1024);
	else
		snprintf(out, size, "%" PRId64 " MiB", bytes / (1024 * 1024));
}

int cmd_cache(int argc, char **argv, const struct cli_globals *globals)
{
	const char *profile_name;
	int rc = cli_profile_options(argc, argv, globals, cache_usage, 1, &profile_name);
	if (rc >= 0)
		return rc;
	if (strcmp(argv[optind], "info") != 0) {
		cache_usage(stderr);
		return EXIT_USAGE;
	}
	struct profile profile;
	if (load_profile(profile_name, &profile) != 0)
		return EXIT_FAILED;
	struct stat st;
	if (stat(profile.cache_path, &st) != 0) {
		cli_error(_("profile [%s] has no cache yet (%s); run '%s sync' to build it"),
		          profile.name, profile.cache_path, PACKAGE_NAME);
		profile_clear(&profile);
		return EXIT_FAILED;
	}
	char err[1400];
	struct cache *cache = cache_open(profile.cache_path, err, sizeof err);
	if (!cache) {
		cli_error("%s", err);
		profile_clear(&profile);
		return EXIT_FAILED;
	}
	if (cache_notice(cache)[0])
		cli_error("%s", cache_notice(cache));
	struct cache_info info;
	rc = cache_info(cache, &info, err, sizeof err);
	if (rc != 0) {
		cli_error("%s", err);
		cache_close(&cache);
		profile_clear(&profile);
		return EXIT_FAILED;
	}
	char size[32], when[64];
	human_size(info.file_bytes, size, sizeof size);
	if (info.last_sync > 0) {
		struct tm tm;
		time_t t = info.last_sync;
		gmtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
	} else {
		snprintf(when, sizeof when, "%s", _("never"));
	}
	printf("%-22s %s\n", _("Profile:"), profile.name);
	printf("%-22s %s\n", _("File:"), cache_path(cache));
	printf("%-22s %s (%" PRId64 " %s)\n", _("Size:"), size, info.file_bytes, _("bytes"));
	printf("%-22s %d (%s %d)\n", _("Schema:"), info.schema_version, _("latest"),
	       info.schema_latest);
	printf("%-22s ", _("Account:"));
	cli_put_untrusted(stdout, info.account[0] ? info.account : "-");
	putchar('\n');
	printf("%-22s %s\n", _("Last sync:"), when);
	for (int r = 0; r < CACHE_RESOURCE_COUNT; r++) {
		char n[32];
		group(info.counts[r], n, sizeof n);
		printf("%-22s %12s\n", cache_resource_name(r), n);
	}
	cache_close(&cache);
	profile_clear(&profile);
	return EXIT_OK;
}
