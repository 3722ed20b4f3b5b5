/* The `outbox` subcommand: list the actions waiting in the outbox, send or discard one. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views/actions_ui.h"
#include "views/commands.h"

static void outbox_usage(FILE *out)
{
	fprintf(out,
	        _("Usage: %s outbox [--all] | outbox send ACTION_ID | outbox discard ACTION_ID\n"),
	        PACKAGE_NAME);
	fputs(_("List the actions saved in the outbox (queued, or sent without an answer),\n"
	        "send one (a retry never does it twice) or discard a queued one.\n"
	        "\n"
	        "  -a, --all            list every action, also those done, failed or discarded\n"
	        "  -h, --help           display this help and exit\n"),
	      out);
}

static int list(struct actions_env *env, bool all)
{
	unsigned mask = all ? OUTBOX_MASK_ALL : OUTBOX_MASK_OPEN;
	struct outbox_item items[64];
	const char *key = NULL;
	char last[OUTBOX_ID_SIZE] = "";
	long listed = 0;
	for (;;) {
		int n = outbox_page(env->session.db, mask, key, true, 64, items);
		if (n < 0) {
			cli_error("%s", _("the outbox could not be read"));
			return EXIT_FAILED;
		}
		for (int i = 0; i < n; i++) {
			char money[64] = "";
			if (items[i].has_amount)
				money_format(items[i].amount, items[i].currency,
				             money_locale_current(), MONEY_FMT_CODE, money,
				             sizeof money);
			printf("%s\t%s\t%s\t", items[i].action_id,
			       outbox_state_name(items[i].state), items[i].kind);
			cli_put_untrusted(stdout, items[i].object_id);
			printf("\t%s\t", money);
			cli_put_untrusted(stdout, items[i].result_id);
			printf("\n");
		}
		listed += n;
		if (n > 0)
			snprintf(last, sizeof last, "%s", items[n - 1].action_id);
		for (int i = 0; i < n; i++)
			outbox_item_clear(&items[i]);
		if (n < 64)
			break;
		key = last;
	}
	/* Said on stderr: standard output stays one line per action for scripts. */
	if (listed == 0)
		fprintf(stderr, "%s\n",
		        all ? _("The outbox is empty: no action was ever saved in it.")
		            : _("The outbox is empty: no action is queued or waiting for an answer "
		                "(--all lists those done, failed or discarded)."));
	return EXIT_OK;
}

int cmd_outbox(int argc, char **argv, const struct cli_globals *globals)
{
	bool all = false;
	static const struct option options[] = {
	        {"all", no_argument, NULL, 'a'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "+ah", options, NULL)) != -1) {
		switch (c) {
		case 'a':
			all = true;
			break;
		case 'h':
			outbox_usage(stdout);
			return EXIT_OK;
		default:
			outbox_usage(stderr);
			return EXIT_USAGE;
		}
	}
	const char *verb = optind < argc ? argv[optind] : NULL;
	bool send = verb && strcmp(verb, "send") == 0;
	bool discard = verb && strcmp(verb, "discard") == 0;
	if ((verb && !send && !discard) || ((send || discard) && optind + 2 != argc)) {
		outbox_usage(stderr);
		return EXIT_USAGE;
	}
	struct actions_env env;
	char err[1024];
	/* Listing and discarding never need the platform. */
	if (actions_env_open(&env, globals->profile, globals->offline || !send, err, sizeof err) !=
	    0) {
		cli_error("%s", err);
		return EXIT_FAILED;
	}
	int status;
	if (!verb) {
		status = list(&env, all);
	} else if (env.profile.role == PROFILE_ROLE_CLERK) {
		cli_error("%s",
		          _("this profile's role (clerk) cannot change anything on the platform"));
		status = EXIT_USAGE;
	} else {
		struct actions_outcome result;
		if (send)
			actions_send(&env.session, argv[optind + 1], &result);
		else
			actions_discard(&env.session, argv[optind + 1], &result);
		status = actions_report_outcome(&result);
	}
	actions_env_close(&env);
	return status;
}
