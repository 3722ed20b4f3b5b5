/* The Audit screen: every attempt at an action, newest first: when, who and from where,
 * what, on which object, how much, and what came of it. Read-only, for every role. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views/actions_ui.h"
#include "views/views.h"

static const struct tui_column audit_columns[] = {
        {N_("Time"), 16, 19, TUI_ALIGN_LEFT, 0},  {N_("User"), 6, 16, TUI_ALIGN_LEFT, 1},
        {N_("From"), 4, 24, TUI_ALIGN_LEFT, 1},   {N_("Action"), 14, 14, TUI_ALIGN_LEFT, 0},
        {N_("Object"), 8, 28, TUI_ALIGN_LEFT, 2}, {N_("Amount"), 8, 16, TUI_ALIGN_RIGHT, 0},
        {N_("Cur"), 3, 4, TUI_ALIGN_LEFT, 0},     {N_("Outcome"), 9, 9, TUI_ALIGN_LEFT, 0},
        {N_("Request"), 3, 0, TUI_ALIGN_LEFT, 1},
};

struct audit_view {
	struct audit_row *buf;
	int buf_cap;
};

static int audit_fetch(void *ctx, const char *key, bool after, int max, struct tui_row *out)
{
	struct audit_view *v = ctx;
	struct actions_session *s = actions_ui_session();
	if (!s)
		return 0;
	struct audit_row *grown = views_rows_reserve(v->buf, &v->buf_cap, max, sizeof *grown);
	if (!grown)
		return -1;
	v->buf = grown;
	long long seq = key ? strtoll(key, NULL, 10) : 0;
	int n = audit_page(s->db, seq, after, max, v->buf);
	if (n < 0) {
		tui_message("%s", _("the audit log could not be read"));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const struct audit_row *r = &v->buf[i];
		struct tui_row *row = &out[i];
		char text[128];
		snprintf(text, sizeof text, "%lld", r->seq);
		tui_row_set_key(row, text);
		views_datetime(r->time, text, sizeof text);
		tui_row_set(row, 0, text);
		tui_row_set(row, 1, r->os_user);
		tui_row_set(row, 2, r->ssh_client);
		tui_row_set(row, 3, r->action);
		tui_row_set(row, 4, r->object_id);
		if (r->has_amount && r->currency[0]) {
			views_money(r->amount, r->currency, text, sizeof text);
			tui_row_set(row, 5, text);
			views_currency(r->currency, text, sizeof text);
			tui_row_set(row, 6, text);
		}
		tui_row_set(row, 7, r->outcome);
		tui_row_set(row, 8, r->request_id[0] ? r->request_id : r->message);
		row->cell_style[7] =
		        !strcmp(r->outcome, AUDIT_SUCCEEDED) || !strcmp(r->outcome, AUDIT_FOUND)
		                ? TUI_STYLE_GOOD
		        : !strcmp(r->outcome, AUDIT_FAILED) || !strcmp(r->outcome, AUDIT_UNKNOWN)
		                ? TUI_STYLE_ALERT
		        : !strcmp(r->outcome, AUDIT_REFUSED) ? TUI_STYLE_WARN
		                                             : TUI_STYLE_DIM;
	}
	return n;
}

static long audit_rows(void *ctx)
{
	(void)ctx;
	struct actions_session *s = actions_ui_session();
	return s ? audit_count(s->db) : 0;
}

static int audit_open(struct tui_view *view, const char *arg)
{
	(void)arg;
	struct audit_view *v = calloc(1, sizeof *v);
	if (!v) {
		tui_message("%s", _("there was not enough memory for this action"));
		return -1;
	}
	view->data = v;
	struct tui_row_source source = {audit_fetch, audit_rows, v};
	tui_view_set_table(view, audit_columns, sizeof audit_columns / sizeof audit_columns[0],
	                   &source);
	return 0;
}

static void audit_close(struct tui_view *view)
{
	struct audit_view *v = view->data;
	if (v)
		free(v->buf);
	free(v);
	view->data = NULL;
}

const struct tui_view_ops view_audit_ops = {
        .name = "audit",
        .title = N_("Audit log"),
        .open = audit_open,
        .close = audit_close,
};
