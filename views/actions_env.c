/* Opening the session for actions, and the text of refund confirmations and results,
 * shared by the screens and the command line. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tui/sanitize.h"
#include "views/actions_ui.h"

int actions_env_open_profile(struct actions_env *env, const struct profile *profile, bool offline,
                             char *err, size_t err_size)
{
	memset(env, 0, sizeof *env);
	env->profile = *profile;
	env->cache = cache_open(env->profile.cache_path, err, err_size);
	if (!env->cache) {
		profile_clear(&env->profile);
		return -1;
	}
	if (!offline) {
		env->provider = provider_open(&env->profile, env->cache, err, err_size);
		if (!env->provider) {
			actions_env_close(env);
			return -1;
		}
	}
	actions_session_init(&env->session, env->cache, &env->profile, env->provider);
	return 0;
}

int actions_env_open(struct actions_env *env, const char *profile_name, bool offline, char *err,
                     size_t err_size)
{
	struct profile p;
	if (profile_load(profile_name, &p, err, err_size) != 0) {
		memset(env, 0, sizeof *env);
		return -1;
	}
	int rc = actions_env_open_profile(env, &p, offline, err, err_size);
	profile_clear(&p);
	return rc;
}

void actions_env_close(struct actions_env *env)
{
	provider_close(&env->provider);
	cache_close(&env->cache);
	profile_clear(&env->profile);
	memset(&env->session, 0, sizeof env->session);
}

/* The translated words of a refund reason. */
static const char *reason_label(const char *reason)
{
	if (!reason || !*reason)
		return _("none given");
	if (strcmp(reason, "duplicate") == 0)
		return _("duplicate payment");
	if (strcmp(reason, "fraudulent") == 0)
		return _("fraudulent payment");
	if (strcmp(reason, "requested_by_customer") == 0)
		return _("requested by the customer");
	return reason;
}

void actions_refund_summary(const struct actions_order *o, int64_t amount, const char *reason,
                            const char *note, char *buf, size_t size)
{
	char money[64], total[64], cur[4];
	money_currency_upper(o->currency, cur);
	if (money_format(amount, o->currency, money_locale_current(), MONEY_FMT_CODE, money,
	                 sizeof money) == 0)
		snprintf(money, sizeof money, "%lld %s", (long long)amount, cur);
	if (money_format(o->amount, o->currency, money_locale_current(), MONEY_FMT_CODE, total,
	                 sizeof total) == 0)
		snprintf(total, sizeof total, "%lld %s", (long long)o->amount, cur);
	char id[160], ref[480], name[480], email[480], note_s[480], order[1000], who[1000];
	tui_sanitize(o->id, strlen(o->id), id, sizeof id, 0);
	tui_sanitize(o->order_ref, strlen(o->order_ref), ref, sizeof ref, 0);
	tui_sanitize(o->customer_name, strlen(o->customer_name), name, sizeof name, 0);
	tui_sanitize(o->customer_email, strlen(o->customer_email), email, sizeof email, 0);
	tui_sanitize(note ? note : "", note ? strlen(note) : 0, note_s, sizeof note_s, 0);
	/* The merchant's order number first (what the customer quotes), then the platform's. */
	if (ref[0])
		snprintf(order, sizeof order, "%s (%s)", ref, id);
	else
		snprintf(order, sizeof order, "%s", id);
	if (email[0])
		snprintf(who, sizeof who, "%s <%s>", name[0] ? name : _("(no name)"), email);
	else
		snprintf(who, sizeof who, "%s", name[0] ? name : _("(no name)"));
	int n = snprintf(buf, size,
	                 _("Order:    %s\n"
	                   "Customer: %s\n"
	                   "Paid:     %s\n"
	                   "Refund:   %s\n"
	                   "Reason:   %s"),
	                 order, who, total, money, reason_label(reason));
	if (note_s[0] && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, _("\nNote:     %s"), note_s);
}

void actions_outcome_line(const struct actions_outcome *out, char *buf, size_t size)
{
	char message[1024], result[160];
	tui_sanitize(out->message, strlen(out->message), message, sizeof message, 0);
	tui_sanitize(out->result_id, strlen(out->result_id), result, sizeof result, 0);
	switch (out->status) {
	case ACTIONS_DONE:
		if (result[0])
			snprintf(buf, size, _("Done: %s (%s)"), result, message);
		else
			snprintf(buf, size, _("Done: %s"), message);
		break;
	case ACTIONS_QUEUED:
		snprintf(buf, size, _("Queued as %s: %s"), out->action_id, message);
		break;
	case ACTIONS_UNCERTAIN:
		snprintf(buf, size, _("No answer for %s: %s"), out->action_id, message);
		break;
	case ACTIONS_REFUSED:
		snprintf(buf, size, _("Refused: %s"), message);
		break;
	case ACTIONS_FAILED:
		snprintf(buf, size, _("Failed: %s"), message);
		break;
	}
}

/* Exit status for an outcome. */
int actions_report_outcome(const struct actions_outcome *result)
{
	char line[2048];
	actions_outcome_line(result, line, sizeof line);
	if (result->status == ACTIONS_DONE || result->status == ACTIONS_QUEUED)
		printf("%s\n", line);
	else
		cli_error("%s", line);
	switch (result->status) {
	case ACTIONS_DONE:
	case ACTIONS_QUEUED:
		return EXIT_OK;
	case ACTIONS_UNCERTAIN:
		return 3;
	default:
		return EXIT_FAILED;
	}
}
