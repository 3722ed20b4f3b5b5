/* The `refund` subcommand: refund an order from a script or a shell, exactly once. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/sanitize.h"
#include "views/actions_ui.h"
#include "views/commands.h"

static void refund_usage(FILE *out)
{
	fprintf(out, _("Usage: %s refund ORDER [--amount A] [--reason R] [--note TEXT] [--yes]\n"),
	        PACKAGE_NAME);
	fputs(_("Refund an order, all that is left of it or a part. ORDER is the platform's id\n"
	        "(ch_...) or the merchant's order number (ORD-...).\n"
	        "\n"
	        "  -a, --amount A       the amount as written in the order's currency\n"
	        "                       (12.50 for USD, 1200 for JPY); default: all that is left\n"
	        "  -r, --reason R       duplicate, fraudulent or requested_by_customer\n"
	        "  -n, --note TEXT      a note kept in the refund's metadata\n"
	        "  -y, --yes            do not ask for confirmation (scripts)\n"
	        "  -q, --queue          save it in the outbox without sending it\n"
	        "  -h, --help           display this help and exit\n"
	        "\n"
	        "With --offline the refund is saved in the outbox; send it later with\n"
	        "'paydesk outbox send ACTION_ID'. Exit status: 0 done or queued, 1 refused or\n"
	        "failed, 3 no answer (it may have happened: 'paydesk outbox send' resolves it).\n"),
	      out);
}

/* Asks on the terminal; true only for an explicit yes. */
static bool ask_yes(const char *question)
{
	fprintf(stderr, "%s ", question);
	fflush(stderr);
	char line[32];
	if (!fgets(line, sizeof line, stdin))
		return false;
	/* The question shows [y/N] in every language. */
	return line[0] == 'y' || line[0] == 'Y';
}

int cmd_refund(int argc, char **argv, const struct cli_globals *globals)
{
	const char *amount_text = NULL, *reason = NULL, *note = NULL;
	bool yes = false, queue = false;
	static const struct option options[] = {
	        {"amount", required_argument, NULL, 'a'},
	        {"reason", required_argument, NULL, 'r'},
	        {"note", required_argument, NULL, 'n'},
	        {"yes", no_argument, NULL, 'y'},
	        {"queue", no_argument, NULL, 'q'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "a:r:n:yqh", options, NULL)) != -1) {
		switch (c) {
		case 'a':
			amount_text = optarg;
			break;
		case 'r':
			reason = optarg;
			break;
		case 'n':
			note = optarg;
			break;
		case 'y':
			yes = true;
			break;
		case 'q':
			queue = true;
			break;
		case 'h':
			refund_usage(stdout);
			return EXIT_OK;
		default:
			refund_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		cli_error("%s", _("name one order to refund"));
		refund_usage(stderr);
		return EXIT_USAGE;
	}
	const char *order_id = argv[optind];
	if (reason && strcmp(reason, "duplicate") != 0 && strcmp(reason, "fraudulent") != 0 &&
	    strcmp(reason, "requested_by_customer") != 0) {
		cli_error("%s",
		          _("the reason must be duplicate, fraudulent or requested_by_customer"));
		return EXIT_USAGE;
	}

	struct actions_env env;
	char err[1024];
	if (actions_env_open(&env, globals->profile, globals->offline || queue, err, sizeof err) !=
	    0) {
		cli_error("%s", err);
		return EXIT_FAILED;
	}
	int status = EXIT_FAILED;
	if (env.profile.role == PROFILE_ROLE_CLERK) {
		/* For a clerk the command does not exist: nothing is checked, stored or sent. */
		cli_error("%s", _("the refund command is not available to the clerk role"));
		status = EXIT_USAGE;
		goto out;
	}
	/* The platform's id or the merchant's order number ("ORD-..."). */
	char ids[3][72];
	int named = actions_order_find(env.session.db, order_id, ids, 3);
	if (named > 1) {
		char shown[2][72 * TUI_SANITIZE_GROWTH];
		for (int i = 0; i < 2; i++)
			tui_sanitize(ids[i], strlen(ids[i]), shown[i], sizeof shown[i], 0);
		cli_error(P_("the order number %s belongs to %d orders (%s, %s%s); name one by "
		             "its id",
		             "the order number %s belongs to %d orders (%s, %s%s); name one by "
		             "its id",
		             named),
		          order_id, named, shown[0], shown[1], named > 2 ? ", ..." : "");
		status = EXIT_USAGE;
		goto out;
	}
	struct actions_order order;
	int found = named == 1 ? actions_order_get(env.session.db, ids[0], &order) : named;
	if (found <= 0) {
		cli_error("%s",
		          found < 0
		                  ? _("the cache could not be read")
		                  : _("this order is not in the cache (neither as an id nor as an "
		                      "order number); sync, then try again"));
		goto out;
	}
	int64_t amount = 0;
	if (amount_text) {
		enum money_status ms = money_parse(amount_text, order.currency, 0, &amount);
		if (ms != MONEY_OK) {
			cli_error(_("the amount '%s': %s"), amount_text, money_status_message(ms));
			status = EXIT_USAGE;
			goto out;
		}
		if (amount == 0) {
			cli_error("%s", _("a refund amount must be more than zero"));
			status = EXIT_USAGE;
			goto out;
		}
	}
	char why[1024];
	int64_t effective = 0;
	const char *refusal =
	        actions_check_refund(&env.session, &order, amount, &effective, why, sizeof why);
	if (!refusal) {
		char summary[2048];
		actions_refund_summary(&order, effective, reason, note, summary, sizeof summary);
		if (!yes) {
			if (!isatty(STDIN_FILENO)) {
				cli_error(
				        "%s",
				        _("not confirmed: add --yes to refund without a question"));
				status = EXIT_USAGE;
				goto out;
			}
			fprintf(stderr, "%s\n", summary);
			if (!ask_yes(_("Refund this amount? It cannot be undone. [y/N]"))) {
				fprintf(stderr, "%s\n", _("Nothing was done."));
				status = EXIT_FAILED;
				goto out;
			}
		}
	}
	/* The check runs again inside actions_refund, which also records a refusal. */
	struct actions_refund_params params = {.order_id = order.id,
	                                       .amount = effective ? effective : amount,
	                                       .reason = reason,
	                                       .note = note};
	struct actions_outcome result;
	actions_refund(&env.session, &params, globals->offline || queue, &result);
	status = actions_report_outcome(&result);
out:
	actions_env_close(&env);
	return status;
}
