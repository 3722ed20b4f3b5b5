/* paydesk: a terminal back office for merchants of a payment platform.
 * This file parses the global options and hands over to a subcommand or the TUI. */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "client/client.h"
#include "views/app.h"
#include "views/commands.h"

#if defined(__SANITIZE_ADDRESS__)
/* A sanitizer build (--enable-sanitizers) reports leaks at exit. fontconfig keeps its
 * pattern cache for the life of the process (pango's default font map holds it, and there
 * is no safe way to tear it down while pango may still need it): not ours to fix, and
 * known here so that the program runs without anyone setting LSAN_OPTIONS. Likewise
 * cairo 1.16's PDF font subsetting, run when the surface is finished, loses a block for
 * each CFF font it embeds (the Chinese statement's Noto Sans CJK; any program embedding
 * one loses it). cairo carries no symbols and no frame pointers, so the only name its
 * blocks' stacks give is the library's; the cairo objects paydesk makes are few and all
 * freed in statement_write_pdf. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\nleak:libcairo.so\n";
}
/* ... and quietly: a known suppression is no news on stderr. */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif

struct command {
	const char *name;
	cli_command_fn *run;
	const char *summary; /* N_() text */
};

static int cmd_version(int argc, char **argv, const struct cli_globals *globals);

/* The subcommands, one line each. */
static const struct command commands[] = {
        {"sync", cmd_sync, N_("bring the local cache up to date with the platform")},
        {"cache", cmd_cache, N_("describe the local cache (cache info)")},
        {"refund", cmd_refund, N_("refund an order, in full or in part, exactly once")},
        {"lookup", cmd_lookup, N_("fetch one order from the platform now (bill platforms)")},
        {"outbox", cmd_outbox, N_("list, send or discard the actions saved in the outbox")},
        {"audit", cmd_audit, N_("print the audit log of actions (text or CSV)")},
        {"insights", cmd_insights,
         N_("print gross, refunds, net, rates and fees per day and currency, offline")},
        {"risk", cmd_risk, N_("list the orders and patterns that deserve a look, offline")},
        {"statement", cmd_statement,
         N_("produce, export or print the settlement statement of a day")},
        {"doctor", cmd_doctor, N_("check the configuration, keys, cache, platform and clock")},
        {"version", cmd_version, N_("print the version and exit")},
};

static void print_version(void)
{
	printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
	puts(_("A terminal back office for merchants: orders, refunds, disputes, settlements."));
}

static int cmd_version(int argc, char **argv, const struct cli_globals *globals)
{
	(void)argc, (void)argv, (void)globals;
	print_version();
	return EXIT_OK;
}

static void print_help(FILE *out)
{
	fprintf(out, _("Usage: %s [OPTION]... [COMMAND [ARG]...]\n"), PACKAGE_NAME);
	fputs(_("Browse and act on a merchant's orders, refunds, disputes and settlements.\n"
	        "Without a command, open the terminal back office on the local cache.\n"),
	      out);
	fputs("\n", out);
	fputs(_("Options:\n"), out);
	fputs(_("  -p, --profile NAME   use this profile of the configuration file\n"
	        "                       (default: $PAYDESK_PROFILE, or the only profile)\n"
	        "      --offline        never touch the network; show the cache only\n"
	        "      --demo           open a demonstration store on a local sandbox\n"
	        "      --platform NAME  with --demo: stripe (default), wechatpay or alipay\n"
	        "      --script FILE    run the screens headless with keys from FILE (tests)\n"
	        "  -h, --help           display this help and exit\n"
	        "  -V, --version        output version information and exit\n"),
	      out);
	fputs("\n", out);
	fputs(_("Commands:\n"), out);
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		fprintf(out, "  %-20s %s\n", commands[i].name, _(commands[i].summary));
	fputs("\n", out);
	fputs(_("API keys are read from the profile's key file (mode 0600) or from\n"
	        "$PAYDESK_API_KEY, never from the command line.\n"),
	      out);
	fprintf(out, _("Run '%s COMMAND --help' for a command's options.\n"), PACKAGE_NAME);
}

#ifdef ENABLE_NLS
/* Where the message catalogs are: $PAYDESK_LOCALEDIR when set; for the program as built,
 * not installed, the tree the build makes beside it (locale-tree/, which an installed
 * program's directory does not have); for a program installed under a staging root
 * (make install DESTDIR=ROOT, a package being built), the catalogs under the same root:
 * ROOT/BINDIR/paydesk finds ROOT/LOCALEDIR; else the installed LOCALEDIR. */
static const char *catalog_dir(char *buf, size_t size)
{
	const char *dir = getenv("PAYDESK_LOCALEDIR");
	if (dir && *dir)
		return dir;
	char self[1024];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return LOCALEDIR;
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	if (!slash)
		return LOCALEDIR;
	*slash = '\0';
	struct stat st;
	int len = snprintf(buf, size, "%s/locale-tree", self);
	if (len > 0 && (size_t)len < size && stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
		return buf;
	size_t dir_len = strlen(self), bin_len = strlen(BINDIR);
	if (dir_len > bin_len && !strcmp(self + dir_len - bin_len, BINDIR)) {
		len = snprintf(buf, size, "%.*s%s", (int)(dir_len - bin_len), self, LOCALEDIR);
		if (len > 0 && (size_t)len < size && stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
			return buf;
	}
	return LOCALEDIR;
}
#endif

static void setup_i18n(void)
{
	setlocale(LC_ALL, "");
#ifdef ENABLE_NLS
	char buf[1100];
	bindtextdomain(PACKAGE, catalog_dir(buf, sizeof buf));
	bind_textdomain_codeset(PACKAGE, "UTF-8");
	textdomain(PACKAGE);
#endif
}

/* Runs the back office's screens (views/app.c). */
static int run_screens(const struct cli_globals *globals)
{
	return app_run(globals);
}

int main(int argc, char **argv)
{
	setup_i18n();
	/* SQLite's memory statistics take a global lock on every allocation; nothing reads
	 * them. Must precede any other SQLite call. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);

	struct cli_globals globals = {0};
	const char *env_profile = getenv("PAYDESK_PROFILE");
	if (env_profile && *env_profile)
		globals.profile = env_profile;

	enum { OPT_OFFLINE = 256, OPT_DEMO, OPT_SCRIPT, OPT_PLATFORM };
	static const struct option options[] = {
	        {"profile", required_argument, NULL, 'p'},
	        {"offline", no_argument, NULL, OPT_OFFLINE},
	        {"demo", no_argument, NULL, OPT_DEMO},
	        {"script", required_argument, NULL, OPT_SCRIPT},
	        {"platform", required_argument, NULL, OPT_PLATFORM},
	        {"help", no_argument, NULL, 'h'},
	        {"version", no_argument, NULL, 'V'},
	        {NULL, 0, NULL, 0},
	};
	/* '+': stop at the first non-option, which is the subcommand. */
	int c;
	while ((c = getopt_long(argc, argv, "+p:hV", options, NULL)) != -1) {
		switch (c) {
		case 'p':
			globals.profile = optarg;
			break;
		case OPT_OFFLINE:
			globals.offline = true;
			break;
		case OPT_DEMO:
			globals.demo = true;
			break;
		case OPT_SCRIPT:
			globals.script = optarg;
			break;
		case OPT_PLATFORM:
			globals.platform = optarg;
			break;
		case 'h':
			print_help(stdout);
			return EXIT_OK;
		case 'V':
			print_version();
			return EXIT_OK;
		default:
			fprintf(stderr, _("Try '%s --help' for more information.\n"), PACKAGE_NAME);
			return EXIT_USAGE;
		}
	}

	if (globals.platform && !globals.demo) {
		cli_error("%s", _("--platform goes with --demo; a profile names its own platform"));
		return EXIT_USAGE;
	}
	if (globals.platform && !provider_platform_find(globals.platform)) {
		cli_error(_("unknown platform '%s' (known: %s)"), globals.platform,
		          provider_platform_names());
		return EXIT_USAGE;
	}
	if (optind >= argc)
		return run_screens(&globals);

	const char *name = argv[optind];
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
		if (strcmp(name, commands[i].name) == 0) {
			int sub_argc = argc - optind;
			char **sub_argv = argv + optind;
			optind =
			        0; /* glibc: the subcommand's getopt starts afresh at its argv[1] */
			return commands[i].run(sub_argc, sub_argv, &globals);
		}
	}
	cli_error(_("unknown command '%s'"), name);
	fprintf(stderr, _("Try '%s --help' for more information.\n"), PACKAGE_NAME);
	return EXIT_USAGE;
}
