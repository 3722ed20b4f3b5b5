/* Small helpers shared by the command-line subcommands. */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client.h"
#include "tui/tui.h"
#include "views/commands.h"
#include "views/statement.h"

void cli_put_untrusted(FILE *out, const char *text)
{
	char buf[1024];
	size_t len = text ? strlen(text) : 0;
	/* Sanitize in slices so that any length works without a large allocation; a slice
	 * boundary inside a UTF-8 sequence would break it, so cut at a character start. */
	while (len > 0) {
		size_t take = len < sizeof buf / TUI_SANITIZE_GROWTH
		                      ? len
		                      : sizeof buf / TUI_SANITIZE_GROWTH;
		while (take < len && take > 1 && ((unsigned char)text[take] & 0xc0) == 0x80)
			take--;
		tui_sanitize(text, take, buf, sizeof buf, 0);
		fputs(buf, out);
		text += take;
		len -= take;
	}
}

void cli_csv_field(FILE *out, const char *text, bool is_number, bool last)
{
	char *clean = tui_sanitize_dup(text ? text : "", 0);
	statement_csv_cell(out, clean ? clean : "", is_number);
	fputc(last ? '\n' : ',', out);
	free(clean);
}

const char *cli_read_cache(const struct cli_globals *globals, const char *cache,
                           struct profile *profile)
{
	memset(profile, 0, sizeof *profile);
	if (!cache)
		cache = getenv("PAYDESK_CACHE");
	if (cache && *cache)
		return cache;
	char perr[512];
	if (profile_load(globals->profile, profile, perr, sizeof perr) != 0) {
		cli_error("%s", perr);
		cli_error("%s", _("no cache to read: set up a profile, or give --cache FILE"));
		return NULL;
	}
	return profile->cache_path;
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("paydesk: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_profile_options(int argc, char **argv, const struct cli_globals *globals,
                        void (*usage)(FILE *out), int operands, const char **profile)
{
	static const struct option options[] = {
	        {"profile", required_argument, NULL, 'p'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	*profile = globals->profile;
	int c;
	while ((c = getopt_long(argc, argv, "p:h", options, NULL)) != -1) {
		switch (c) {
		case 'p':
			*profile = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != operands) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return -1;
}
