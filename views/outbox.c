/* The Outbox screen: actions saved and not yet answered (queued offline, or sent without an
 * answer), newest first; each is sent or discarded by the user, never silently. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views/actions_ui.h"
#include "views/views.h"

static const struct tui_request_info outbox_requests[] = {
        {ACTIONS_REQ_SEND, "send", "S",
         N_("Send the selected action (a retry never does it twice)"),
         TUI_NEED_SELECTION | VIEWS_NEED_ROLE_REFUND},
        {ACTIONS_REQ_DISCARD, "discard", "D", N_("Discard the selected queued action"),
         TUI_NEED_SELECTION | VIEWS_NEED_ROLE_REFUND},
        {TUI_REQ_VIEW_BASE, "show-all", "a", N_("Show every action, or only open ones"), 0},
};

static const struct tui_column outbox_columns[] = {
        {N_("Date"), 16, 16, TUI_ALIGN_LEFT, 0},    {N_("Action"), 12, 28, TUI_ALIGN_LEFT, 1},
        {N_("Kind"), 8, 14, TUI_ALIGN_LEFT, 0},     {N_("Object"), 10, 28, TUI_ALIGN_LEFT, 1},
        {N_("Amount"), 10, 16, TUI_ALIGN_RIGHT, 0}, {N_("Cur"), 4, 4, TUI_ALIGN_LEFT, 0},
        {N_("State"), 8, 12, TUI_ALIGN_LEFT, 0},    {N_("Result"), 8, 0, TUI_ALIGN_LEFT, 2},
};

struct outbox_view {
	bool all;
	struct outbox_item *buf;
	int buf_cap;
};

static int outbox_fetch(void *ctx, const char *key, bool after, int max, struct tui_row *out)
{
	struct outbox_view *v = ctx;
	struct actions_session *s = actions_ui_session();
	if (!s)
		return 0;
	struct outbox_item *grown = views_rows_reserve(v->buf, &v->buf_cap, max, sizeof *grown);
	if (!grown)
		return -1;
	v->buf = grown;
	int n = outbox_page(s->db, v->all ? OUTBOX_MASK_ALL : OUTBOX_MASK_OPEN, key, after, max,
	                    v->buf);
	if (n < 0) {
		tui_message("%s", _("the outbox could not be read"));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		struct outbox_item *it = &v->buf[i];
		struct tui_row *row = &out[i];
		char text[128];
		tui_row_set_key(row, it->action_id);
		views_datetime(it->created, text, sizeof text);
		tui_row_set(row, 0, text);
		tui_row_set(row, 1, it->action_id);
		tui_row_set(row, 2, it->kind);
		tui_row_set(row, 3, it->object_id);
		if (it->has_amount && it->currency[0]) {
			views_money(it->amount, it->currency, text, sizeof text);
			tui_row_set(row, 4, text);
			views_currency(it->currency, text, sizeof text);
			tui_row_set(row, 5, text);
		}
		tui_row_set(row, 6, outbox_state_label(it->state));
		tui_row_set(row, 7, it->result_id[0] ? it->result_id : it->message);
		row->cell_style[6] = it->state == OUTBOX_QUEUED    ? TUI_STYLE_WARN
		                     : it->state == OUTBOX_SENDING ? TUI_STYLE_ALERT
		                     : it->state == OUTBOX_DONE    ? TUI_STYLE_GOOD
		                                                   : TUI_STYLE_DIM;
		outbox_item_clear(it);
	}
	return n;
}

static long outbox_rows(void *ctx)
{
	struct outbox_view *v = ctx;
	struct actions_session *s = actions_ui_session();
	return s ? outbox_count(s->db, v->all ? OUTBOX_MASK_ALL : OUTBOX_MASK_OPEN) : 0;
}

static int outbox_open(struct tui_view *view, const char *arg)
{
	(void)arg;
	struct outbox_view *v = calloc(1, sizeof *v);
	if (!v) {
		tui_message("%s", _("there was not enough memory for this action"));
		return -1;
	}
	view->data = v;
	struct tui_row_source source = {outbox_fetch, outbox_rows, v};
	tui_view_set_table(view, outbox_columns, sizeof outbox_columns / sizeof outbox_columns[0],
	                   &source);
	return 0;
}

static void outbox_close(struct tui_view *view)
{
	struct outbox_view *v = view->data;
	if (v)
		free(v->buf);
	free(v);
	view->data = NULL;
}

/* Confirms and sends or discards the selected action. */
static int outbox_act(struct tui_view *view, bool send)
{
	struct actions_session *s = actions_ui_session();
	const char *id = tui_view_selected_key(view);
	if (!s || !id)
		return TUI_HANDLED;
	struct outbox_item it;
	if (outbox_get(s->db, id, &it) <= 0) {
		tui_message("%s", _("there is no such action in the outbox"));
		return TUI_HANDLED;
	}
	char money[64] = "", details[1024], object[160];
	if (it.has_amount && it.currency[0])
		money_format(it.amount, it.currency, money_locale_current(), MONEY_FMT_CODE, money,
		             sizeof money);
	tui_sanitize(it.object_id, strlen(it.object_id), object, sizeof object, 0);
	snprintf(details, sizeof details,
	         _("Action:  %s (%s)\nObject:  %s\nAmount:  %s\nState:   %s"), it.action_id,
	         it.kind, object, money, outbox_state_label(it.state));
	outbox_item_clear(&it);
	bool yes = send ? tui_confirm(s->provider ? _("Send this action to the platform now?")
	                                          : _("Offline: this action cannot be sent now."),
	                              details)
	                : tui_confirm(_("Discard this action? It is never sent."), details);
	if (!yes) {
		tui_message("%s", _("Nothing was done."));
		return TUI_HANDLED;
	}
	char action_id[OUTBOX_ID_SIZE];
	snprintf(action_id, sizeof action_id, "%s", id);
	struct actions_outcome out;
	if (send)
		actions_send(s, action_id, &out);
	else
		actions_discard(s, action_id, &out);
	char line[2048];
	actions_outcome_line(&out, line, sizeof line);
	tui_message("%s", line);
	views_data_changed();
	return TUI_RELOAD;
}

static int outbox_request(struct tui_view *view, int request)
{
	struct outbox_view *v = view->data;
	switch (request) {
	case ACTIONS_REQ_SEND:
		return outbox_act(view, true);
	case ACTIONS_REQ_DISCARD:
		return outbox_act(view, false);
	case TUI_REQ_VIEW_BASE:
		v->all = !v->all;
		return TUI_RELOAD;
	default:
		return TUI_PASS;
	}
}

static void outbox_status(struct tui_view *view, char *buf, size_t size)
{
	struct outbox_view *v = view->data;
	snprintf(buf, size, "%s", v->all ? _("every action") : _("queued and unanswered"));
}

const struct tui_view_ops view_outbox_ops = {
        .name = "outbox",
        .title = N_("Outbox"),
        .requests = outbox_requests,
        .n_requests = sizeof outbox_requests / sizeof outbox_requests[0],
        .open = outbox_open,
        .close = outbox_close,
        .request = outbox_request,
        .status = outbox_status,
};
