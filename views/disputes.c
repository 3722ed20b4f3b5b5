/* The Disputes screen: a queue of what needs work first (disputes awaiting
 * a response, then under review, then closed), each by response deadline,
 * days left shown, past-due and due-within-72-hours rows highlighted,
 * filters by status and reason; and a dispute's detail with its evidence. */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client.h"
#include "views/actions_ui.h"
#include "views/views.h"

enum {
	DISPUTES_REQ_STATUS = TUI_REQ_VIEW_BASE,
	DISPUTES_REQ_REASON,
	DISPUTES_REQ_CLEAR,
	DISPUTES_REQ_ORDER,
};

static const struct tui_request_info disputes_requests[] = {
        {TUI_REQ_ENTER, "open", "<Enter>", N_("Open the dispute: reason, evidence, submission"),
         TUI_NEED_SELECTION},
        {DISPUTES_REQ_ORDER, "open-order", "o", N_("Open the disputed order"), TUI_NEED_SELECTION},
        {DISPUTES_REQ_STATUS, "filter-status", "f",
         N_("Filter by status (press again for the next)"), 0},
        {DISPUTES_REQ_REASON, "filter-reason", "w",
         N_("Filter by reason (press again for the next)"), 0},
        {DISPUTES_REQ_CLEAR, "clear-filters", "x", N_("Clear the filters"), 0},
        ACTIONS_UI_REQ_EVIDENCE,
        ACTIONS_UI_REQ_SUBMIT,
        ACTIONS_UI_REQ_ACCEPT,
};

static const struct tui_column disputes_columns[] = {
        {N_("Due"), 11, 11, TUI_ALIGN_LEFT, 0},     {N_("Left"), 8, 9, TUI_ALIGN_RIGHT, 0},
        {N_("Status"), 16, 18, TUI_ALIGN_LEFT, 0},  {N_("Reason"), 12, 22, TUI_ALIGN_LEFT, 3},
        {N_("Amount"), 9, 16, TUI_ALIGN_RIGHT, 0},  {N_("CCY"), 3, 3, TUI_ALIGN_LEFT, 0},
        {N_("Customer"), 10, 0, TUI_ALIGN_LEFT, 2}, {N_("Dispute"), 12, 30, TUI_ALIGN_LEFT, 1},
};

static const char *const dispute_statuses[] = {
        "",    "needs_response", "warning_needs_response", "under_review", "warning_under_review",
        "won", "lost",           "warning_closed",         "prevented",
};

static const char *const dispute_reasons[] = {
        "",
        "fraudulent",
        "product_not_received",
        "product_unacceptable",
        "duplicate",
        "subscription_canceled",
        "credit_not_processed",
        "unrecognized",
        "general",
        "bank_cannot_process",
};

struct disputes {
	struct query_dispute_filter filter;
	long count;
	unsigned long generation;
	struct query_dispute_row *buf;
	int buf_cap;
};

static int disputes_fetch(void *ctx, const char *key, bool after, int max, struct tui_row *out)
{
	struct disputes *d = ctx;
	struct query_dispute_row *grown =
	        views_rows_reserve(d->buf, &d->buf_cap, max, sizeof *grown);
	if (!grown)
		return -1;
	d->buf = grown;
	int n = query_disputes_page(views_app.query, &d->filter, key, after, max, d->buf);
	if (n < 0) {
		tui_message("%s", query_error(views_app.query));
		return -1;
	}
	time_t now = paydesk_now();
	for (int i = 0; i < n; i++) {
		const struct query_dispute_row *f = &d->buf[i];
		struct tui_row *row = &out[i];
		char text[128], label[64];
		int style;
		query_dispute_key(f, text, sizeof text);
		tui_row_set_key(row, text);
		/* A deadline only matters while a response is possible. */
		bool open = !strcmp(f->status, "needs_response") ||
		            !strcmp(f->status, "warning_needs_response");
		if (open)
			views_datetime_short(f->due_by, text, sizeof text);
		else
			snprintf(text, sizeof text, "-");
		tui_row_set(row, 0, text);
		if (open) {
			views_deadline(f->due_by, now, text, sizeof text, &style);
		} else {
			snprintf(text, sizeof text, "-");
			style = TUI_STYLE_NORMAL;
		}
		tui_row_set(row, 1, text);
		tui_row_set(row, 2, views_label(f->status, label, sizeof label));
		tui_row_set(row, 3, views_label(f->reason, label, sizeof label));
		views_money(f->amount, f->currency, text, sizeof text);
		tui_row_set(row, 4, text);
		views_currency(f->currency, text, sizeof text);
		tui_row_set(row, 5, text);
		tui_row_set(row, 6, f->customer_name);
		tui_row_set(row, 7, f->id);
		row->style = style;
		row->cell_style[2] = style ? style : views_status_style(f->status);
		/* Evidence or an acceptance waiting in the outbox shows on its row. */
		const char *pending = actions_ui_pending_label(f->id);
		if (pending) {
			tui_row_set(row, 2, pending);
			row->cell_style[2] = TUI_STYLE_WARN;
		}
	}
	return n;
}

static long disputes_count(void *ctx)
{
	struct disputes *d = ctx;
	if (d->count < 0 || d->generation != views_app.generation) {
		d->count = query_disputes_count(views_app.query, &d->filter);
		d->generation = views_app.generation;
	}
	return d->count;
}

static int disputes_open(struct tui_view *view, const char *arg)
{
	struct disputes *d = calloc(1, sizeof *d);
	if (!d) {
		tui_message("%s", _("Out of memory."));
		return -1;
	}
	d->count = -1;
	view->data = d;
	struct tui_row_source source = {disputes_fetch, disputes_count, d};
	tui_view_set_table(view, disputes_columns,
	                   sizeof disputes_columns / sizeof disputes_columns[0], &source);
	return 0;
}

static void disputes_close(struct tui_view *view)
{
	struct disputes *d = view->data;
	if (d)
		free(d->buf);
	free(d);
	view->data = NULL;
}

static int disputes_request(struct tui_view *view, int request)
{
	struct disputes *d = view->data;
	const struct tui_row *row = tui_view_selected_row(view);
	switch (request) {
	case ACTIONS_REQ_EVIDENCE:
	case ACTIONS_REQ_SUBMIT:
	case ACTIONS_REQ_ACCEPT:
		return actions_ui_request(view, request);
	case TUI_REQ_ENTER:
		if (row)
			tui_view_push("dispute", row->cells[7]);
		return TUI_HANDLED;
	case DISPUTES_REQ_ORDER: {
		struct query_dispute_row full;
		if (row && query_dispute_get(views_app.query, row->cells[7], &full) > 0 &&
		    full.order_id[0])
			tui_view_push("order", full.order_id);
		return TUI_HANDLED;
	}
	case DISPUTES_REQ_STATUS:
		views_cycle(d->filter.status, sizeof d->filter.status, dispute_statuses,
		            sizeof dispute_statuses / sizeof dispute_statuses[0]);
		d->count = -1;
		return TUI_RELOAD;
	case DISPUTES_REQ_REASON:
		views_cycle(d->filter.reason, sizeof d->filter.reason, dispute_reasons,
		            sizeof dispute_reasons / sizeof dispute_reasons[0]);
		d->count = -1;
		return TUI_RELOAD;
	case DISPUTES_REQ_CLEAR:
		memset(&d->filter, 0, sizeof d->filter);
		d->count = -1;
		return TUI_RELOAD;
	default:
		return TUI_PASS;
	}
}

static bool dispute_lines_only(struct tui_lines *lines, const char *id)
{
	return views_dispute_lines(lines, id, NULL, 0);
}

static struct tui_lines *disputes_detail(struct tui_view *view, const struct tui_row *row)
{
	return views_detail_of(dispute_lines_only, row->cells[7]);
}

static void disputes_status(struct tui_view *view, char *buf, size_t size)
{
	struct disputes *d = view->data;
	char a[64], b[64];
	buf[0] = '\0';
	size_t len = 0;
	len += (size_t)snprintf(buf, size, "%s", _("open first, by deadline"));
	if (d->filter.status[0] && len < size)
		len += (size_t)snprintf(buf + len, size - len, _("  status: %s"),
		                        views_label(d->filter.status, a, sizeof a));
	if (d->filter.reason[0] && len < size)
		snprintf(buf + len, size - len, _("  reason: %s"),
		         views_label(d->filter.reason, b, sizeof b));
}

const struct tui_view_ops view_disputes_ops = {
        .name = "disputes",
        .title = N_("Disputes"),
        .main_screen = true,
        .requests = disputes_requests,
        .n_requests = sizeof disputes_requests / sizeof disputes_requests[0],
        .open = disputes_open,
        .close = disputes_close,
        .request = disputes_request,
        .status = disputes_status,
        .detail = disputes_detail,
};

/* ---- One dispute ---- */

/* The evidence fields a response can carry, in the platform's names. */
static const char *const evidence_fields[] = {
        "product_description",
        "customer_name",
        "customer_email_address",
        "billing_address",
        "shipping_address",
        "shipping_date",
        "shipping_carrier",
        "shipping_tracking_number",
        "receipt",
        "customer_communication",
        "refund_policy",
        "refund_refusal_explanation",
        "cancellation_policy",
        "service_date",
        "uncategorized_text",
};

/* Adds one evidence field: its name, then its text, every line of it (the screen wraps
 * long ones under the text). */
static void add_evidence_field(struct tui_lines *lines, const char *name, const char *text)
{
	const char *p = text[0] ? text : "-";
	bool first = true;
	do {
		size_t n = strcspn(p, "\n");
		size_t size = n + 40;
		char *line = malloc(size);
		if (!line)
			return;
		snprintf(line, size, "  %-26s  %.*s", first ? name : "", (int)n, p);
		tui_lines_add(lines, TUI_STYLE_NORMAL, line);
		free(line);
		first = false;
		p += n;
	} while (*p == '\n' && *++p);
}

/* Adds the evidence section from the dispute's evidence JSON. */
static void add_evidence(struct tui_lines *lines, const char *json)
{
	json_t *root = json ? json_loads(json, JSON_ALLOW_NUL, NULL) : NULL;
	int filled = 0;
	for (size_t i = 0; i < sizeof evidence_fields / sizeof evidence_fields[0]; i++) {
		json_t *v = root ? json_object_get(root, evidence_fields[i]) : NULL;
		size_t size = json_is_string(v) ? json_string_length(v) * 2 + 1 : 1;
		char *text = calloc(1, size);
		if (!text)
			break;
		if (json_is_string(v))
			views_json_text(v, text, size);
		if (text[0])
			filled++;
		add_evidence_field(lines, evidence_fields[i], text);
		free(text);
	}
	tui_lines_addf(lines, filled ? TUI_STYLE_NORMAL : TUI_STYLE_WARN, "  %s",
	               filled ? _("Some evidence is filled in.")
	                      : _("No evidence is filled in yet."));
	json_decref(root);
}

bool views_dispute_lines(struct tui_lines *lines, const char *id, char *order_id,
                         size_t order_id_size)
{
	struct query_dispute_row d;
	int found = id ? query_dispute_get(views_app.query, id, &d) : 0;
	if (found <= 0) {
		tui_message(found < 0 ? "%s" : _("The dispute %s is not in the cache."),
		            found < 0 ? query_error(views_app.query) : (id ? id : "?"));
		return false;
	}
	if (order_id)
		snprintf(order_id, order_id_size, "%s", d.order_id);
	char text[256], a[64], label[64];
	int style;
	tui_lines_addf(lines, TUI_STYLE_HEADER, _("Dispute %s"), d.id);
	views_field(lines, _("Reason"), views_label(d.reason, label, sizeof label));
	views_money_sym(d.amount, d.currency, a, sizeof a);
	views_currency(d.currency, label, sizeof label);
	snprintf(text, sizeof text, "%s (%s)", a, label);
	views_field(lines, _("Amount"), text);
	views_field(lines, _("Status"), views_label(d.status, label, sizeof label));
	views_datetime(d.created, text, sizeof text);
	views_field(lines, _("Opened"), text);
	/* A deadline only matters while a response is possible. */
	bool open =
	        !strcmp(d.status, "needs_response") || !strcmp(d.status, "warning_needs_response");
	if (open) {
		views_datetime(d.due_by, text, sizeof text);
		views_deadline(d.due_by, paydesk_now(), a, sizeof a, &style);
		snprintf(text + strlen(text), sizeof text - strlen(text), "  (%s)", a);
		views_field(lines, _("Respond by"), text);
	}
	if (d.submission_count > 0)
		snprintf(text, sizeof text, _("submitted %d time(s)"), d.submission_count);
	else
		snprintf(text, sizeof text, "%s",
		         d.has_evidence ? _("evidence staged, not submitted") : _("not submitted"));
	views_field(lines, _("Submission"), text);
	views_field(lines, _("Order"), d.order_id);
	views_field(lines, _("Customer"), d.customer_name);
	views_field(lines, _("Refundable"), d.is_charge_refundable ? _("yes") : _("no"));
	tui_lines_add(lines, TUI_STYLE_NORMAL, "");
	tui_lines_add(lines, TUI_STYLE_HEADER, _("Evidence"));
	char *evidence = query_dispute_evidence(views_app.query, d.id);
	add_evidence(lines, evidence);
	free(evidence);
	return true;
}

/* A dispute's screen: which dispute, and its order for `o`. */
struct dispute_view {
	char id[QUERY_ID];
	char order_id[QUERY_ID];
};

/* Every line of the screen; NULL when the dispute is not cached (message set). */
static struct tui_lines *dispute_build(struct dispute_view *d)
{
	struct tui_lines *lines = tui_lines_new();
	if (!lines) {
		tui_message("%s", _("Out of memory."));
		return NULL;
	}
	if (!views_dispute_lines(lines, d->id, d->order_id, sizeof d->order_id)) {
		tui_lines_free(lines);
		return NULL;
	}
	tui_lines_add(lines, TUI_STYLE_NORMAL, "");
	tui_lines_addf(lines, TUI_STYLE_DIM, "  %s", _("Press o to open the order."));
	return lines;
}

static int dispute_open(struct tui_view *view, const char *arg)
{
	struct dispute_view *d = calloc(1, sizeof *d);
	if (!d) {
		tui_message("%s", _("Out of memory."));
		return -1;
	}
	snprintf(d->id, sizeof d->id, "%s", arg ? arg : "");
	struct tui_lines *lines = dispute_build(d);
	if (!lines) {
		free(d);
		return -1;
	}
	view->data = d;
	tui_view_set_lines(view, lines);
	return 0;
}

static void dispute_close(struct tui_view *view)
{
	free(view->data);
	view->data = NULL;
}

/* The dispute as the cache has it now (after evidence, an acceptance, a sync). */
static struct tui_lines *dispute_reload(struct tui_view *view)
{
	return dispute_build(view->data);
}

/* The same actions as on the Disputes list, on the dispute shown (no line to select). */
static const struct tui_request_info dispute_requests[] = {
        {TUI_REQ_VIEW_BASE, "open-order", "o", N_("Open the disputed order"), 0},
        {ACTIONS_REQ_EVIDENCE, "write-evidence", "E",
         N_("Write the dispute's evidence, submit or accept"), VIEWS_NEED_ROLE_DISPUTE},
        {ACTIONS_REQ_SUBMIT, "submit", "S",
         N_("Submit the dispute's evidence as drafted (once: it cannot be changed)"),
         VIEWS_NEED_ROLE_DISPUTE},
        {ACTIONS_REQ_ACCEPT, "accept", "A", N_("Accept the dispute: the money is lost"),
         VIEWS_NEED_ROLE_DISPUTE},
};

static int dispute_request(struct tui_view *view, int request)
{
	const struct dispute_view *d = view->data;
	switch (request) {
	case ACTIONS_REQ_EVIDENCE:
		return actions_ui_evidence(d->id);
	case ACTIONS_REQ_SUBMIT:
		return actions_ui_submit_draft(d->id);
	case ACTIONS_REQ_ACCEPT:
		return actions_ui_accept(d->id);
	case TUI_REQ_VIEW_BASE:
		break;
	default:
		return TUI_PASS;
	}
	if (d->order_id[0])
		tui_view_push("order", d->order_id);
	else
		tui_message("%s", _("This dispute names no order."));
	return TUI_HANDLED;
}

const struct tui_view_ops view_dispute_ops = {
        .name = "dispute",
        .title = N_("Dispute"),
        .requests = dispute_requests,
        .n_requests = sizeof dispute_requests / sizeof dispute_requests[0],
        .open = dispute_open,
        .close = dispute_close,
        .request = dispute_request,
        .reload = dispute_reload,
};
