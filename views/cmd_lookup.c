/* The `lookup` subcommand: one order fetched from the platform now, by the platform's
 * number or the merchant's own, with what the cache knows of its refunds - for the
 * platforms whose history comes in tomorrow's bill. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>

#include "client/client.h"
#include "views/actions_ui.h"
#include "views/commands.h"
#include "views/views.h"

static void lookup_usage(FILE *out)
{
	fprintf(out, _("Usage: %s lookup [--profile NAME] ORDER\n"), PACKAGE_NAME);
	fputs(_("Fetch one order from the platform now, by the platform's number or the\n"
	        "merchant's own order number, store it in the cache and print it.\n"
	        "\n"
	        "  -p, --profile NAME   the profile to use\n"
	        "  -h, --help           display this help and exit\n"
	        "\n"
	        "Exit status: 0 found, 1 not found or failed (the reason is printed), 2 usage\n"
	        "error.\n"),
	      out);
}

/* "label: value" with the value sanitized. */
static void field(const char *label, const char *value)
{
	printf("%-22s ", label);
	cli_put_untrusted(stdout, value && *value ? value : "-");
	putchar('\n');
}

int cmd_lookup(int argc, char **argv, const struct cli_globals *globals)
{
	const char *profile_name;
	int rc = cli_profile_options(argc, argv, globals, lookup_usage, 1, &profile_name);
	if (rc >= 0)
		return rc;
	if (globals->offline) {
		cli_error(_("--offline and lookup do not go together: lookup asks the platform"));
		return EXIT_USAGE;
	}
	const char *wanted = argv[optind];
	struct actions_env env;
	char err[1024];
	if (actions_env_open(&env, profile_name, false, err, sizeof err) != 0) {
		cli_error("%s", err);
		return EXIT_FAILED;
	}
	const struct provider_platform *pl = provider_get_platform(env.provider);
	struct provider_result r;
	char id[72];
	rc = actions_lookup_order(&env.session, wanted, id, &r);
	if (rc <= 0) {
		if (rc == 0)
			cli_error(_("the platform has no order %s"), wanted);
		else
			cli_error("%s (%s)", provider_outcome_message(r.outcome), r.message);
		actions_env_close(&env);
		return EXIT_FAILED;
	}
	struct actions_order o;
	if (actions_order_get(env.session.db, id, &o) <= 0) {
		cli_error(_("the order %s was fetched but could not be stored in the cache"), id);
		actions_env_close(&env);
		return EXIT_FAILED;
	}
	char money[64], refunded[64], when[64], status[64];
	money_format(o.amount, o.currency, money_locale_current(), MONEY_FMT_CODE, money,
	             sizeof money);
	money_format(o.amount_refunded, o.currency, money_locale_current(), MONEY_FMT_CODE,
	             refunded, sizeof refunded);
	field(views_word(pl->order_id_label, N_("Order")), o.id);
	field(views_word(pl->order_ref_label, N_("Order number")), o.order_ref);
	views_datetime(o.created, when, sizeof when);
	field(_("Date"), when);
	field(_("Amount"), money);
	field(_("Refunded"), refunded);
	field(_("Status"), views_label(o.status, status, sizeof status));
	field(_("Description"), o.description);
	actions_env_close(&env);
	return EXIT_OK;
}
