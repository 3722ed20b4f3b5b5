/* The Refunds screen (every refund, newest first) and a refund's detail,
 * linked to its order. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client.h"
#include "views/views.h"

static const struct tui_request_info refunds_requests[] = {
        {TUI_REQ_ENTER, "open", "<Enter>", N_("Open the refund"), TUI_NEED_SELECTION},
        {TUI_REQ_VIEW_BASE, "open-order", "o", N_("Open the refunded order"), TUI_NEED_SELECTION},
};

/* At 80 columns: date, the order's reference, customer, amount, currency,
 * status, reason; the platform's ids (cells 7 and 8, which the requests
 * read) show on wider screens. */
static const struct tui_column refunds_columns[] = {
        {N_("Date"), 11, 11, TUI_ALIGN_LEFT, 0},     {N_("Order"), 11, 22, TUI_ALIGN_LEFT, 0},
        {N_("Customer"), 10, 0, TUI_ALIGN_LEFT, 3},  {N_("Amount"), 9, 16, TUI_ALIGN_RIGHT, 1},
        {N_("CCY"), 3, 3, TUI_ALIGN_LEFT, 0},        {N_("Status"), 9, 12, TUI_ALIGN_LEFT, 0},
        {N_("Reason"), 10, 22, TUI_ALIGN_LEFT, 2},   {N_("Refund"), 14, 30, TUI_ALIGN_LEFT, 1},
        {N_("Order id"), 14, 30, TUI_ALIGN_LEFT, 1},
};

struct refunds {
	long count;
	unsigned long generation;
	struct query_refund_row *buf;
	int buf_cap;
};

static int refunds_fetch(void *ctx, const char *key, bool after, int max, struct tui_row *out)
{
	struct refunds *r = ctx;
	struct query_refund_row *grown =
	        views_rows_reserve(r->buf, &r->buf_cap, max, sizeof *grown);
	if (!grown)
		return -1;
	r->buf = grown;
	int n = query_refunds_page(views_app.query, "", key, after, max, r->buf);
	if (n < 0) {
		tui_message("%s", query_error(views_app.query));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const struct query_refund_row *f = &r->buf[i];
		struct tui_row *row = &out[i];
		char text[128], label[64];
		query_refund_key(f, text, sizeof text);
		tui_row_set_key(row, text);
		views_datetime_short(f->created, text, sizeof text);
		tui_row_set(row, 0, text);
		tui_row_set(row, 1, f->order_ref[0] ? f->order_ref : f->order_id);
		tui_row_set(row, 2, f->customer_name);
		views_money(f->amount, f->currency, text, sizeof text);
		tui_row_set(row, 3, text);
		views_currency(f->currency, text, sizeof text);
		tui_row_set(row, 4, text);
		tui_row_set(row, 5, views_label(f->status, label, sizeof label));
		tui_row_set(row, 6,
		            f->reason[0] ? views_label(f->reason, label, sizeof label) : "");
		tui_row_set(row, 7, f->id);
		tui_row_set(row, 8, f->order_id);
		row->cell_style[5] = views_status_style(f->status);
	}
	return n;
}

static long refunds_count(void *ctx)
{
	struct refunds *r = ctx;
	if (r->count < 0 || r->generation != views_app.generation) {
		r->count = query_refunds_count(views_app.query, "");
		r->generation = views_app.generation;
	}
	return r->count;
}

static int refunds_open(struct tui_view *view, const char *arg)
{
	struct refunds *r = calloc(1, sizeof *r);
	if (!r) {
		tui_message("%s", _("Out of memory."));
		return -1;
	}
	r->count = -1;
	view->data = r;
	struct tui_row_source source = {refunds_fetch, refunds_count, r};
	tui_view_set_table(view, refunds_columns,
	                   sizeof refunds_columns / sizeof refunds_columns[0], &source);
	return 0;
}

static void refunds_close(struct tui_view *view)
{
	struct refunds *r = view->data;
	if (r)
		free(r->buf);
	free(r);
	view->data = NULL;
}

static int refunds_request(struct tui_view *view, int request)
{
	const struct tui_row *row = tui_view_selected_row(view);
	if (!row)
		return TUI_PASS;
	if (request == TUI_REQ_ENTER) {
		tui_view_push("refund", row->cells[7]);
		return TUI_HANDLED;
	}
	if (request == TUI_REQ_VIEW_BASE) {
		if (row->cells[8] && row->cells[8][0])
			tui_view_push("order", row->cells[8]);
		return TUI_HANDLED;
	}
	return TUI_PASS;
}

const struct tui_view_ops view_refunds_ops = {
        .name = "refunds",
        .title = N_("Refunds"),
        .main_screen = true,
        .requests = refunds_requests,
        .n_requests = sizeof refunds_requests / sizeof refunds_requests[0],
        .open = refunds_open,
        .close = refunds_close,
        .request = refunds_request,
};

/* ---- One refund ---- */

static const struct tui_request_info refund_requests[] = {
        {TUI_REQ_VIEW_BASE, "open-order", "o <Enter>", N_("Open the refunded order"), 0},
};

/* A refund's screen: which refund, and its order for `o`. */
struct refund_view {
	char id[QUERY_ID];
	char order_id[QUERY_ID];
};

/* Every line of the screen; NULL when the refund is not cached (message set). */
static struct tui_lines *refund_build(struct refund_view *v)
{
	struct query_refund_row r;
	int found = query_refund_get(views_app.query, v->id, &r);
	if (found <= 0) {
		tui_message(found < 0 ? "%s" : _("The refund %s is not in the cache."),
		            found < 0 ? query_error(views_app.query) : v->id);
		return NULL;
	}
	struct tui_lines *lines = tui_lines_new();
	if (!lines) {
		tui_message("%s", _("Out of memory."));
		return NULL;
	}
	snprintf(v->order_id, sizeof v->order_id, "%s", r.order_id);
	char text[256], a[64], label[64];
	tui_lines_addf(lines, TUI_STYLE_HEADER, _("Refund %s"), r.id);
	views_datetime(r.created, text, sizeof text);
	views_field(lines, _("Date"), text);
	views_money_sym(r.amount, r.currency, a, sizeof a);
	views_currency(r.currency, label, sizeof label);
	snprintf(text, sizeof text, "%s (%s)", a, label);
	views_field(lines, _("Amount"), text);
	views_field(lines, _("Status"), views_label(r.status, label, sizeof label));
	views_field(lines, _("Reason"),
	            r.reason[0] ? views_label(r.reason, label, sizeof label) : "");
	views_field(lines, _("Order"), r.order_id);
	views_field(lines, _("Customer"), r.customer_name);
	views_field(lines, _("Balance transaction"), r.balance_transaction);
	if (r.failure_reason[0])
		views_field(lines, _("Failure"), r.failure_reason);
	tui_lines_add(lines, TUI_STYLE_NORMAL, "");
	tui_lines_addf(lines, TUI_STYLE_DIM, "  %s", _("Press o or Enter to open the order."));
	views_raw_fields(lines, r.id);
	return lines;
}

static int refund_open(struct tui_view *view, const char *arg)
{
	struct refund_view *v = calloc(1, sizeof *v);
	if (!v) {
		tui_message("%s", _("Out of memory."));
		return -1;
	}
	snprintf(v->id, sizeof v->id, "%s", arg ? arg : "?");
	struct tui_lines *lines = refund_build(v);
	if (!lines) {
		free(v);
		return -1;
	}
	view->data = v;
	tui_view_set_lines(view, lines);
	return 0;
}

static void refund_close(struct tui_view *view)
{
	free(view->data);
	view->data = NULL;
}

/* The refund as the cache has it now (a pending refund that succeeded meanwhile). */
static struct tui_lines *refund_reload(struct tui_view *view)
{
	return refund_build(view->data);
}

static int refund_request(struct tui_view *view, int request)
{
	if (request != TUI_REQ_VIEW_BASE)
		return TUI_PASS;
	const struct refund_view *v = view->data;
	if (v->order_id[0])
		tui_view_push("order", v->order_id);
	else
		tui_message("%s", _("This refund names no order."));
	return TUI_HANDLED;
}

const struct tui_view_ops view_refund_ops = {
        .name = "refund",
        .title = N_("Refund"),
        .requests = refund_requests,
        .n_requests = sizeof refund_requests / sizeof refund_requests[0],
        .open = refund_open,
        .close = refund_close,
        .request = refund_request,
        .reload = refund_reload,
};
