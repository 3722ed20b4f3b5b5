/* The screens' side of acting on money: the session the screens share, the role check of
 * the app's need hook, and the refund, submit and accept handlers with their prompts and
 * confirmations. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views/actions_ui.h"
#include "views/views.h"

static struct actions_env env;
static bool env_open;

int actions_ui_open(const struct profile *profile, bool offline, char *err, size_t err_size)
{
	if (actions_env_open_profile(&env, profile, offline, err, err_size) != 0)
		return -1;
	env_open = true;
	return 0;
}

void actions_ui_close(void)
{
	if (env_open)
		actions_env_close(&env);
	env_open = false;
}

void actions_ui_announce(void)
{
	if (!env_open)
		return;
	long queued = outbox_count(env.session.db, OUTBOX_MASK(OUTBOX_QUEUED));
	long unanswered = outbox_count(env.session.db, OUTBOX_MASK(OUTBOX_SENDING));
	if (queued > 0 || unanswered > 0)
		tui_message(_("The outbox holds %ld queued and %ld unanswered actions; review them "
		              "with :outbox."),
		            queued > 0 ? queued : 0, unanswered > 0 ? unanswered : 0);
}

struct actions_session *actions_ui_session(void)
{
	return env_open ? &env.session : NULL;
}

const char *actions_ui_check_need(unsigned need)
{
	if (!(need & (VIEWS_NEED_ROLE_REFUND | VIEWS_NEED_ROLE_DISPUTE)))
		return NULL;
	if (!env_open)
		return _("Actions are not available: the cache could not be opened for writing.");
	if (env.profile.role == PROFILE_ROLE_CLERK)
		return _("There is no such action for the clerk role: clerks only read and print.");
	return NULL;
}

bool actions_ui_available(unsigned need)
{
	if (!views_platform_offers(need))
		return false;
	if (!(need & (VIEWS_NEED_ROLE_REFUND | VIEWS_NEED_ROLE_DISPUTE)))
		return true;
	return !env_open || env.profile.role != PROFILE_ROLE_CLERK;
}

const char *actions_ui_pending_label(const char *object_id)
{
	if (!env_open || !object_id)
		return NULL;
	switch (outbox_open_state_of(env.session.db, object_id)) {
	case OUTBOX_QUEUED:
		return _("action queued");
	case OUTBOX_SENDING:
		return _("no answer yet");
	default:
		return NULL;
	}
}

/* Shows an outcome on the status line and tells the screens the data changed: the provider
 * stored the platform's answer in the cache before returning, so every screen shows the
 * action's result at once (this one now, the others when they come to the front). */
static int show_outcome(const struct actions_outcome *out)
{
	char line[2048];
	actions_outcome_line(out, line, sizeof line);
	tui_message("%s", line);
	views_data_changed();
	return TUI_REFRESH;
}

/* Maps what the user typed to a refund reason: a number, the word, or nothing. Returns
 * false for anything else. */
static bool parse_reason(const char *text, const char **reason)
{
	static const char *const reasons[] = {"duplicate", "fraudulent", "requested_by_customer"};
	*reason = NULL;
	if (!*text)
		return true;
	for (int i = 0; i < 3; i++) {
		char digit[2] = {(char)('1' + i), '\0'};
		if (strcmp(text, digit) == 0 || strcmp(text, reasons[i]) == 0) {
			*reason = reasons[i];
			return true;
		}
	}
	return false;
}

int actions_ui_refund(const char *order_id)
{
	if (!env_open || !order_id || !*order_id) {
		tui_message("%s", _("Select an order to refund."));
		return TUI_HANDLED;
	}
	struct actions_session *s = &env.session;
	struct actions_order o;
	int found = actions_order_get(s->db, order_id, &o);
	if (found <= 0) {
		tui_message("%s", found < 0 ? _("The cache could not be read.")
		                            : _("This order is not in the cache yet; sync first."));
		return TUI_HANDLED;
	}
	/* Refuse at once what cannot be refunded at all, before asking anything. */
	char why[1024];
	int64_t left = 0;
	const char *refusal = actions_check_refund(s, &o, 0, &left, why, sizeof why);
	int64_t most;
	if (refusal &&
	    (s->role != PROFILE_ROLE_SUPPORT || !money_sub(o.amount, o.amount_refunded, &most) ||
	     most <= 0 || s->refund_limit <= 0)) {
		tui_message("%s", refusal);
		return TUI_HANDLED;
	}
	if (refusal) {
		/* Support: what is left is above the limit; a part within it may still go. */
		most = most < s->refund_limit ? most : s->refund_limit;
	} else {
		most = left;
	}
	char plain[64], shown[64], cur[4], label[160], text[128];
	money_currency_upper(o.currency, cur);
	money_format(most, o.currency, money_locale_get("C"), MONEY_FMT_PLAIN, plain, sizeof plain);
	money_format(most, o.currency, money_locale_current(), MONEY_FMT_CODE, shown, sizeof shown);
	snprintf(label, sizeof label, _("Amount to refund in %s (at most %s): "), cur, shown);
	if (!tui_prompt(label, plain, text, sizeof text))
		return TUI_HANDLED;
	int64_t amount;
	enum money_status ms = money_parse(text, o.currency, MONEY_PARSE_ALLOW_GROUPING, &amount);
	if (ms != MONEY_OK || amount <= 0) {
		tui_message("%s", ms != MONEY_OK ? money_status_message(ms)
		                                 : _("a refund amount must be more than zero"));
		return TUI_HANDLED;
	}
	int64_t effective;
	refusal = actions_check_refund(s, &o, amount, &effective, why, sizeof why);
	if (refusal) {
		tui_message("%s", refusal);
		return TUI_HANDLED;
	}
	char reason_text[64];
	const char *reason;
	if (!tui_prompt(_("Reason: 1 duplicate, 2 fraudulent, 3 requested by customer, "
	                  "Enter none: "),
	                "", reason_text, sizeof reason_text))
		return TUI_HANDLED;
	if (!parse_reason(reason_text, &reason)) {
		tui_message("%s",
		            _("the reason must be duplicate, fraudulent or requested_by_customer"));
		return TUI_HANDLED;
	}
	char note[256];
	if (!tui_prompt(_("Note for the refund (optional): "), "", note, sizeof note))
		return TUI_HANDLED;
	char summary[2048];
	actions_refund_summary(&o, effective, reason, note, summary, sizeof summary);
	bool online = s->provider != NULL;
	if (!tui_confirm(online ? _("Refund this amount? It cannot be undone.")
	                        : _("Offline: save this refund in the outbox? It is sent only when "
	                            "you send it from the Outbox screen."),
	                 summary)) {
		tui_message("%s", _("Nothing was done."));
		return TUI_HANDLED;
	}
	struct actions_refund_params params = {
	        .order_id = o.id, .amount = effective, .reason = reason, .note = note};
	struct actions_outcome out;
	actions_refund(s, &params, !online, &out);
	return show_outcome(&out);
}

/* The confirmation details of a dispute action: dispute, order, amount, deadline. */
static void dispute_summary(const struct actions_dispute *d, char *buf, size_t size)
{
	char money[64], due[64] = "", id[160], order[160];
	money_format(d->amount, d->currency, money_locale_current(), MONEY_FMT_CODE, money,
	             sizeof money);
	if (d->due_by > 0)
		views_datetime(d->due_by, due, sizeof due);
	tui_sanitize(d->id, strlen(d->id), id, sizeof id, 0);
	tui_sanitize(d->order_id, strlen(d->order_id), order, sizeof order, 0);
	snprintf(buf, size,
	         _("Dispute:  %s\n"
	           "Order:    %s\n"
	           "Amount:   %s\n"
	           "Respond by: %s"),
	         id, order, money, due[0] ? due : _("no deadline"));
}

/* Loads a dispute and checks it can take `kind`; shows why not. Returns true when it can. */
static bool dispute_ready(const char *dispute_id, enum actions_kind kind, struct actions_dispute *d)
{
	if (!env_open || !dispute_id || !*dispute_id) {
		tui_message("%s", _("Select a dispute."));
		return false;
	}
	int found = actions_dispute_get(env.session.db, dispute_id, d);
	if (found <= 0) {
		tui_message("%s", found < 0
		                          ? _("The cache could not be read.")
		                          : _("This dispute is not in the cache yet; sync first."));
		return false;
	}
	char why[512];
	const char *refusal = actions_check_dispute(&env.session, d, kind, why, sizeof why);
	if (refusal) {
		tui_message("%s", refusal);
		return false;
	}
	return true;
}

int actions_ui_accept(const char *dispute_id)
{
	struct actions_dispute d;
	if (!dispute_ready(dispute_id, ACTIONS_DISPUTE_CLOSE, &d))
		return TUI_HANDLED;
	char summary[1024];
	dispute_summary(&d, summary, sizeof summary);
	if (!tui_confirm(_("Accept this dispute? The money is lost and this cannot be undone."),
	                 summary)) {
		tui_message("%s", _("Nothing was done."));
		return TUI_HANDLED;
	}
	struct actions_outcome out;
	actions_dispute_close(&env.session, d.id, env.session.provider == NULL, &out);
	return show_outcome(&out);
}

int actions_ui_submit(const char *dispute_id, const char *fields_json)
{
	struct actions_dispute d;
	if (!dispute_ready(dispute_id, ACTIONS_DISPUTE_SUBMIT, &d))
		return TUI_HANDLED;
	char summary[1024];
	dispute_summary(&d, summary, sizeof summary);
	if (!tui_confirm(_("Submit the evidence? The platform takes it once: it cannot be changed "
	                   "or sent again afterwards."),
	                 summary)) {
		tui_message("%s", _("Nothing was done."));
		return TUI_HANDLED;
	}
	struct actions_outcome out;
	actions_dispute_evidence(&env.session, d.id, fields_json, true,
	                         env.session.provider == NULL, &out);
	return show_outcome(&out);
}

int actions_ui_submit_draft(const char *dispute_id)
{
	if (!env_open || !dispute_id || !*dispute_id) {
		tui_message("%s", _("Select a dispute."));
		return TUI_HANDLED;
	}
	bool found = false;
	char *draft = outbox_draft_load(env.session.db, dispute_id, &found);
	int rc = actions_ui_submit(dispute_id, draft && found ? draft : "{}");
	free(draft);
	return rc;
}

int actions_ui_evidence(const char *dispute_id)
{
	if (!dispute_id || !*dispute_id) {
		tui_message("%s", _("Select a dispute."));
		return TUI_HANDLED;
	}
	tui_view_push("evidence", dispute_id);
	return TUI_HANDLED;
}

int actions_ui_stage(const char *dispute_id, const char *fields_json)
{
	struct actions_dispute d;
	if (!dispute_ready(dispute_id, ACTIONS_DISPUTE_DRAFT, &d))
		return TUI_HANDLED;
	struct actions_outcome out;
	actions_dispute_evidence(&env.session, d.id, fields_json, false,
	                         env.session.provider == NULL, &out);
	return show_outcome(&out);
}

/* The order id an Orders row key ends with. */
static const char *orders_row_id(struct tui_view *view)
{
	return query_key_id(tui_view_selected_key(view));
}

/* The dispute id of a Disputes row (its last column). */
static const char *disputes_row_id(struct tui_view *view)
{
	const struct tui_row *row = tui_view_selected_row(view);
	return row ? row->cells[7] : NULL;
}

int actions_ui_request(struct tui_view *view, int request)
{
	const char *screen = view->ops->name;
	switch (request) {
	case ACTIONS_REQ_REFUND:
		if (strcmp(screen, "orders") == 0)
			return actions_ui_refund(orders_row_id(view));
		if (strcmp(screen, "order") == 0)
			return actions_ui_refund(view->data);
		return TUI_PASS;
	case ACTIONS_REQ_EVIDENCE:
		if (strcmp(screen, "disputes") == 0)
			return actions_ui_evidence(disputes_row_id(view));
		return TUI_PASS;
	case ACTIONS_REQ_SUBMIT:
		if (strcmp(screen, "disputes") == 0)
			return actions_ui_submit_draft(disputes_row_id(view));
		return TUI_PASS;
	case ACTIONS_REQ_ACCEPT:
		if (strcmp(screen, "disputes") == 0)
			return actions_ui_accept(disputes_row_id(view));
		return TUI_PASS;
	default:
		return TUI_PASS;
	}
}
