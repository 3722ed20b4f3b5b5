/* The Complaints screen of the platforms whose disputes are consumer complaints (WeChat
 * Pay's 消费者投诉, Alipay's trade complaints): the queue with what needs an answer first,
 * oldest first, the complainant's words and the history of the case, and the answers -
 * in words from $EDITOR with images, "handled", and a decision on a refund request. */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client.h"
#include "views/actions_ui.h"
#include "views/views.h"

/* The complaint vocabulary as the cache spells it (see the platforms' mapping). */
static const struct {
	const char *value, *label;
} complaint_labels[] = {
        {"awaiting_reply", N_("awaiting reply")},
        {"in_progress", N_("in progress")},
        {"resolved", N_("resolved")},
        {"cancelled", N_("withdrawn")},
        {"refund_request", N_("refund request")},
        {"service_not_working", N_("service not working")},
        {"other", N_("other")},
        {"complaint_created", N_("complaint made")},
        {"customer_wrote", N_("customer wrote")},
        {"platform_wrote", N_("platform wrote")},
        {"merchant_reply", N_("our answer")},
        {"merchant_complete", N_("marked handled")},
        {"refund_approved", N_("refund approved")},
        {"refund_rejected", N_("refund refused")},
        {"complaint_cancelled", N_("complaint withdrawn")},
};

static const char *label(const char *value, char *buf, size_t size)
{
	for (size_t i = 0; value && i < sizeof complaint_labels / sizeof *complaint_labels; i++)
		if (!strcmp(complaint_labels[i].value, value))
			return _(complaint_labels[i].label);
	return views_label(value, buf, size);
}

static int status_style(const char *status)
{
	if (!strcmp(status, "awaiting_reply"))
		return TUI_STYLE_ALERT;
	if (!strcmp(status, "in_progress"))
		return TUI_STYLE_WARN;
	return TUI_STYLE_DIM;
}

/* "3 d", "5 h", "12 min" since t. */
static void age(time_t t, time_t now, char *buf, size_t size)
{
	long s = (long)(now - t);
	if (s < 0)
		s = 0;
	if (s >= 2 * 86400)
		/* TRANSLATORS: days since a complaint was made. */
		snprintf(buf, size, _("%ld d"), s / 86400);
	else if (s >= 3600)
		/* TRANSLATORS: hours since a complaint was made. */
		snprintf(buf, size, _("%ld h"), s / 3600);
	else
		/* TRANSLATORS: minutes since a complaint was made. */
		snprintf(buf, size, _("%ld min"), s / 60);
}

enum {
	COMPLAINTS_REQ_STATUS = TUI_REQ_VIEW_BASE,
	COMPLAINTS_REQ_REASON,
	COMPLAINTS_REQ_CLEAR,
	COMPLAINTS_REQ_ORDER,
	COMPLAINT_REQ_PHONE,
	COMPLAINT_REQ_HISTORY,
};

#define REQ_REPLY                                                                                  \
	{                                                                                          \
		ACTIONS_REQ_REPLY, "reply", "E",                                                   \
		        N_("Answer the customer (in $EDITOR, with images if you like)"),           \
		        TUI_NEED_SELECTION | VIEWS_NEED_ROLE_DISPUTE | VIEWS_NEED_ACT_REPLY        \
	}
#define REQ_COMPLETE                                                                               \
	{                                                                                          \
		ACTIONS_REQ_COMPLETE, "mark-handled", "C",                                         \
		        N_("Tell the platform the complaint is handled"),                          \
		        TUI_NEED_SELECTION | VIEWS_NEED_ROLE_DISPUTE | VIEWS_NEED_ACT_COMPLETE     \
	}
#define REQ_APPROVE                                                                                \
	{                                                                                          \
		ACTIONS_REQ_APPROVE, "approve-refund", "Y",                                        \
		        N_("Approve the customer's refund request"),                               \
		        TUI_NEED_SELECTION | VIEWS_NEED_ROLE_REFUND |                              \
		                VIEWS_NEED_ACT_REFUND_DECISION                                     \
	}
#define REQ_REJECT                                                                                 \
	{                                                                                          \
		ACTIONS_REQ_REJECT, "reject-refund", "N",                                          \
		        N_("Refuse the customer's refund request, with a reason"),                 \
		        TUI_NEED_SELECTION | VIEWS_NEED_ROLE_DISPUTE |                             \
		                VIEWS_NEED_ACT_REFUND_DECISION                                     \
	}

static const struct tui_request_info complaints_requests[] = {
        {TUI_REQ_ENTER, "open", "<Enter>",
         N_("Open the complaint: the customer's words, the history, the answers"),
         TUI_NEED_SELECTION},
        {COMPLAINTS_REQ_ORDER, "open-order", "o", N_("Open the order complained of"),
         TUI_NEED_SELECTION},
        {COMPLAINTS_REQ_STATUS, "filter-status", "f",
         N_("Filter by state (press again for the next)"), 0},
        {COMPLAINTS_REQ_REASON, "filter-problem", "w",
         N_("Filter by problem (press again for the next)"), 0},
        {COMPLAINTS_REQ_CLEAR, "clear-filters", "x", N_("Clear the filters"), 0},
        REQ_REPLY,
        REQ_COMPLETE,
        REQ_APPROVE,
        REQ_REJECT,
};

/* At 80 columns the state and the problem are whole; the numbers of the order and of the
 * complaint (whole on the complaint's screen) take what is left. */
static const struct tui_column complaints_columns[] = {
        {N_("Received"), 11, 11, TUI_ALIGN_LEFT, 0}, {N_("Age"), 6, 7, TUI_ALIGN_RIGHT, 0},
        {N_("State"), 14, 16, TUI_ALIGN_LEFT, 0},    {N_("Problem"), 14, 22, TUI_ALIGN_LEFT, 2},
        {N_("Amount"), 9, 16, TUI_ALIGN_RIGHT, 0},   {N_("CCY"), 3, 3, TUI_ALIGN_LEFT, 0},
        {N_("Order"), 6, 0, TUI_ALIGN_LEFT, 2},      {N_("Complaint"), 6, 32, TUI_ALIGN_LEFT, 1},
};

static const char *const complaint_statuses[] = {"", "awaiting_reply", "in_progress", "resolved"};
static const char *const complaint_reasons[] = {"", "refund_request", "service_not_working",
                                                "other"};

struct complaints {
	struct query_complaint_filter filter;
	long count;
	unsigned long generation;
	struct query_complaint_row *buf;
	int buf_cap;
};

static int complaints_fetch(void *ctx, const char *key, bool after, int max, struct tui_row *out)
{
	struct complaints *c = ctx;
	struct query_complaint_row *grown =
	        views_rows_reserve(c->buf, &c->buf_cap, max, sizeof *grown);
	if (!grown)
		return -1;
	c->buf = grown;
	int n = query_complaints_page(views_app.query, &c->filter, key, after, max, c->buf);
	if (n < 0) {
		tui_message("%s", query_error(views_app.query));
		return -1;
	}
	time_t now = paydesk_now();
	for (int i = 0; i < n; i++) {
		const struct query_complaint_row *f = &c->buf[i];
		struct tui_row *row = &out[i];
		char text[128], lab[64];
		query_complaint_key(f, text, sizeof text);
		tui_row_set_key(row, text);
		views_datetime_short(f->created, text, sizeof text);
		tui_row_set(row, 0, text);
		bool open =
		        strcmp(f->status, "resolved") != 0 && strcmp(f->status, "cancelled") != 0;
		if (open)
			age(f->created, now, text, sizeof text);
		else
			snprintf(text, sizeof text, "-");
		tui_row_set(row, 1, text);
		tui_row_set(row, 2, label(f->status, lab, sizeof lab));
		tui_row_set(row, 3, label(f->reason, lab, sizeof lab));
		views_money(f->amount, f->currency, text, sizeof text);
		tui_row_set(row, 4, text);
		views_currency(f->currency, text, sizeof text);
		tui_row_set(row, 5, text);
		tui_row_set(row, 6, f->order_ref[0] ? f->order_ref : f->order_id);
		tui_row_set(row, 7, f->id);
		row->cell_style[2] = status_style(f->status);
		if (!open)
			row->style = TUI_STYLE_DIM;
		const char *pending = actions_ui_pending_label(f->id);
		if (pending) {
			tui_row_set(row, 2, pending);
			row->cell_style[2] = TUI_STYLE_WARN;
		}
	}
	return n;
}

static long complaints_count(void *ctx)
{
	struct complaints *c = ctx;
	if (c->count < 0 || c->generation != views_app.generation) {
		c->count = query_complaints_count(views_app.query, &c->filter);
		c->generation = views_app.generation;
	}
	return c->count;
}

static int complaints_open(struct tui_view *view, const char *arg)
{
	(void)arg;
	struct complaints *c = calloc(1, sizeof *c);
	if (!c) {
		tui_message("%s", _("Out of memory."));
		return -1;
	}
	c->count = -1;
	view->data = c;
	struct tui_row_source source = {complaints_fetch, complaints_count, c};
	tui_view_set_table(view, complaints_columns,
	                   sizeof complaints_columns / sizeof complaints_columns[0], &source);
	return 0;
}

static void complaints_close(struct tui_view *view)
{
	struct complaints *c = view->data;
	if (c)
		free(c->buf);
	free(c);
	view->data = NULL;
}

/* ---- answering ---- */

/* Loads a complaint and checks it can take `kind`; shows why not. */
static bool complaint_ready(const char *id, enum actions_kind kind, struct actions_complaint *c)
{
	struct actions_session *s = actions_ui_session();
	if (!s || !id || !*id) {
		tui_message("%s", _("Select a complaint."));
		return false;
	}
	int found = actions_complaint_get(s->db, id, c);
	if (found <= 0) {
		tui_message("%s",
		            found < 0 ? _("The cache could not be read.")
		                      : _("This complaint is not in the cache yet; sync first."));
		return false;
	}
	char why[512];
	const char *refusal = actions_check_complaint(s, c, kind, why, sizeof why);
	if (refusal) {
		tui_message("%s", refusal);
		return false;
	}
	return true;
}

static void summary(const struct actions_complaint *c, char *buf, size_t size)
{
	char money[64];
	views_money_sym(c->amount, c->currency, money, sizeof money);
	snprintf(buf, size, _("Complaint: %s\nOrder:     %s\nAmount:    %s"), c->id,
	         c->order_id[0] ? c->order_id : "-", money);
}

static int show(const struct actions_outcome *out)
{
	char line[2048];
	actions_outcome_line(out, line, sizeof line);
	tui_message("%s", line);
	views_app.generation++;
	query_invalidate(views_app.query);
	return TUI_REFRESH;
}

/* Uploads the images named (paths separated by spaces) and returns their ids as a JSON
 * array (caller frees), or NULL with a message when one failed. */
static char *upload_images(struct actions_session *s, const char *id, char *paths)
{
	json_t *ids = json_array();
	char *save = NULL;
	for (char *p = strtok_r(paths, " ", &save); ids && p; p = strtok_r(NULL, " ", &save)) {
		if (json_array_size(ids) == 4) {
			tui_message("%s", _("An answer takes at most 4 images."));
			json_decref(ids);
			return NULL;
		}
		struct actions_outcome out;
		if (actions_complaint_image(s, id, p, &out) != ACTIONS_DONE) {
			char line[1024];
			actions_outcome_line(&out, line, sizeof line);
			tui_message(_("The image %s was not sent: %s"), p, line);
			json_decref(ids);
			return NULL;
		}
		json_array_append_new(ids, json_string(out.result_id));
	}
	char *text = ids ? json_dumps(ids, JSON_COMPACT) : NULL;
	json_decref(ids);
	return text;
}

static int do_reply(const char *id)
{
	struct actions_complaint c;
	if (!complaint_ready(id, ACTIONS_COMPLAINT_REPLY, &c))
		return TUI_HANDLED;
	char *text = NULL;
	if (!views_edit_text("", &text))
		return TUI_HANDLED;
	size_t n = actions_text_length(text);
	if (n == 0 || n > ACTIONS_REPLY_MAX) {
		tui_message(
		        _("An answer has from 1 to %d characters; this one has %zu. Nothing was "
		          "sent."),
		        ACTIONS_REPLY_MAX, n);
		free(text);
		return TUI_HANDLED;
	}
	struct actions_session *s = actions_ui_session();
	char paths[1024] = "", *images = NULL;
	if (s->provider &&
	    !tui_prompt(_("Images to attach (paths separated by spaces, empty for none): "), "",
	                paths, sizeof paths)) {
		free(text);
		tui_message("%s", _("Nothing was done."));
		return TUI_HANDLED;
	}
	if (paths[0] && !(images = upload_images(s, c.id, paths))) {
		free(text);
		return TUI_HANDLED;
	}
	char details[2048], head[512];
	summary(&c, head, sizeof head);
	snprintf(details, sizeof details, _("%s\nAnswer (%zu of %d characters):\n%s"), head, n,
	         ACTIONS_REPLY_MAX, text);
	if (!tui_confirm(_("Send this answer to the customer? It cannot be taken back."),
	                 details)) {
		free(text);
		free(images);
		tui_message("%s", _("Nothing was done."));
		return TUI_HANDLED;
	}
	struct actions_outcome out;
	actions_complaint_reply(s, c.id, text, images, s->provider == NULL, &out);
	free(text);
	free(images);
	return show(&out);
}

/* Where the platform wants it said what was done (Alipay's feedback): its code, asked
 * with the choices listed, and a text from the editor. true with both, or false with a
 * message shown. */
static bool ask_feedback(const struct provider_platform *pl, const char **code, char **text)
{
	char choices[1024], answer[16];
	size_t len = 0;
	for (size_t i = 0; i < pl->n_feedback_codes && len < sizeof choices; i++) {
		int n = snprintf(choices + len, sizeof choices - len, "%s%s %s", i ? ", " : "",
		                 pl->feedback_codes[i].code, _(pl->feedback_codes[i].label));
		if (n < 0)
			break;
		len += (size_t)n;
	}
	char question[1200];
	snprintf(question, sizeof question, _("What was done (%s)? "), choices);
	if (!tui_prompt(question, pl->feedback_codes[0].code, answer, sizeof answer)) {
		tui_message("%s", _("Nothing was done."));
		return false;
	}
	*code = NULL;
	for (size_t i = 0; i < pl->n_feedback_codes; i++)
		if (!strcmp(answer, pl->feedback_codes[i].code))
			*code = pl->feedback_codes[i].code;
	if (!*code) {
		tui_message(_("%s is none of the platform's answers (%s). Nothing was sent."),
		            answer, choices);
		return false;
	}
	if (!views_edit_text("", text))
		return false;
	size_t n = actions_text_length(*text);
	if (n == 0 || n > ACTIONS_REPLY_MAX) {
		tui_message(
		        _("An answer has from 1 to %d characters; this one has %zu. Nothing was "
		          "sent."),
		        ACTIONS_REPLY_MAX, n);
		free(*text);
		*text = NULL;
		return false;
	}
	return true;
}

static int do_complete(const char *id)
{
	struct actions_complaint c;
	if (!complaint_ready(id, ACTIONS_COMPLAINT_COMPLETE, &c))
		return TUI_HANDLED;
	const struct provider_platform *pl = views_app.platform;
	const char *code = NULL;
	char *text = NULL;
	if (pl && pl->n_feedback_codes && !ask_feedback(pl, &code, &text))
		return TUI_HANDLED;
	char details[1024], head[512];
	summary(&c, head, sizeof head);
	const char *done = "";
	for (size_t i = 0; code && i < pl->n_feedback_codes; i++)
		if (!strcmp(code, pl->feedback_codes[i].code))
			done = _(pl->feedback_codes[i].label);
	if (text)
		snprintf(details, sizeof details, _("%s\nWhat was done: %s %s\n%s"), head, code,
		         done, text);
	else
		snprintf(details, sizeof details, "%s", head);
	if (!tui_confirm(_("Mark this complaint handled? The customer is told it is resolved."),
	                 details)) {
		free(text);
		tui_message("%s", _("Nothing was done."));
		return TUI_HANDLED;
	}
	struct actions_session *s = actions_ui_session();
	struct actions_outcome out;
	actions_complaint_complete(s, c.id, code, text, s->provider == NULL, &out);
	free(text);
	return show(&out);
}

static int do_refund_decision(const char *id, bool approve)
{
	struct actions_complaint c;
	if (!complaint_ready(id, ACTIONS_COMPLAINT_REFUND, &c))
		return TUI_HANDLED;
	char answer[256] = "";
	int days = 0;
	if (approve) {
		if (!tui_prompt(_("Refund within how many days (0 = today)? "), "0", answer,
		                sizeof answer))
			return TUI_HANDLED;
		char *end;
		long d = strtol(answer, &end, 10);
		if (*answer == '\0' || *end != '\0' || d < 0 || d > 30) {
			tui_message("%s", _("Write a number of days from 0 to 30."));
			return TUI_HANDLED;
		}
		days = (int)d;
	} else if (!tui_prompt(_("Why is the refund refused (the customer reads it)? "), "", answer,
	                       sizeof answer) ||
	           !answer[0]) {
		tui_message("%s", _("Nothing was done."));
		return TUI_HANDLED;
	}
	char details[1024], head[512], money[64];
	summary(&c, head, sizeof head);
	views_money_sym(c.refund_requested, c.currency, money, sizeof money);
	if (approve)
		if (days == 0)
			snprintf(details, sizeof details,
			         _("%s\nRefund asked for: %s\nThen refund the order (R) today."),
			         head, money);
		else
			snprintf(details, sizeof details,
			         P_("%s\nRefund asked for: %s\nThen refund the order (R) within %d "
			            "day.",
			            "%s\nRefund asked for: %s\nThen refund the order (R) within %d "
			            "days.",
			            (unsigned long)days),
			         head, money, days);
	else
		snprintf(details, sizeof details, _("%s\nRefund asked for: %s\nReason: %s"), head,
		         money, answer);
	if (!tui_confirm(approve ? _("Approve the refund request?")
	                         : _("Refuse the refund request?"),
	                 details)) {
		tui_message("%s", _("Nothing was done."));
		return TUI_HANDLED;
	}
	struct actions_session *s = actions_ui_session();
	struct actions_outcome out;
	actions_complaint_refund(s, c.id, approve, days, approve ? NULL : answer,
	                         s->provider == NULL, &out);
	return show(&out);
}

/* The actions of both complaint screens on the complaint id. */
static int complaint_action(int request, const char *id)
{
	switch (request) {
	case ACTIONS_REQ_REPLY:
		return do_reply(id);
	case ACTIONS_REQ_COMPLETE:
		return do_complete(id);
	case ACTIONS_REQ_APPROVE:
		return do_refund_decision(id, true);
	case ACTIONS_REQ_REJECT:
		return do_refund_decision(id, false);
	default:
		return TUI_PASS;
	}
}

static int complaints_request(struct tui_view *view, int request)
{
	struct complaints *c = view->data;
	const struct tui_row *row = tui_view_selected_row(view);
	const char *id = row ? row->cells[7] : NULL;
	switch (request) {
	case TUI_REQ_ENTER:
		if (id)
			tui_view_push("complaint", id);
		return TUI_HANDLED;
	case COMPLAINTS_REQ_ORDER: {
		struct query_complaint_row full;
		if (id && query_complaint_get(views_app.query, id, &full) > 0 && full.order_id[0])
			tui_view_push("order", full.order_id);
		return TUI_HANDLED;
	}
	case COMPLAINTS_REQ_STATUS:
		views_cycle(c->filter.status, sizeof c->filter.status, complaint_statuses,
		            sizeof complaint_statuses / sizeof *complaint_statuses);
		c->count = -1;
		return TUI_RELOAD;
	case COMPLAINTS_REQ_REASON:
		views_cycle(c->filter.reason, sizeof c->filter.reason, complaint_reasons,
		            sizeof complaint_reasons / sizeof *complaint_reasons);
		c->count = -1;
		return TUI_RELOAD;
	case COMPLAINTS_REQ_CLEAR:
		memset(&c->filter, 0, sizeof c->filter);
		c->count = -1;
		return TUI_RELOAD;
	default:
		return complaint_action(request, id);
	}
}

static void complaints_status(struct tui_view *view, char *buf, size_t size)
{
	struct complaints *c = view->data;
	char a[64], b[64];
	size_t len = (size_t)snprintf(buf, size, "%s", _("oldest unanswered first"));
	if (c->filter.status[0] && len < size)
		len += (size_t)snprintf(buf + len, size - len, _("  state: %s"),
		                        label(c->filter.status, a, sizeof a));
	if (c->filter.reason[0] && len < size)
		snprintf(buf + len, size - len, _("  problem: %s"),
		         label(c->filter.reason, b, sizeof b));
}

/* ---- one complaint ---- */

static int add_entry(void *ctx, const struct query_history_row *h)
{
	struct tui_lines *lines = ctx;
	char when[64], lab[64];
	views_datetime(h->time, when, sizeof when);
	tui_lines_addf(lines, TUI_STYLE_NORMAL, "  %s  %s  %s", when,
	               label(h->kind, lab, sizeof lab), h->actor[0] ? h->actor : "");
	if (h->text[0])
		tui_lines_addf(lines, TUI_STYLE_DIM, "      %s", h->text);
	if (h->images[0])
		tui_lines_addf(lines, TUI_STYLE_DIM, _("      images: %s"), h->images);
	return 0;
}

static bool complaint_lines(struct tui_lines *lines, const char *id)
{
	struct query_complaint_row c;
	int found = id ? query_complaint_get(views_app.query, id, &c) : 0;
	if (found <= 0) {
		tui_message(found < 0 ? "%s" : _("The complaint %s is not in the cache."),
		            found < 0 ? query_error(views_app.query) : (id ? id : "?"));
		return false;
	}
	char text[256], a[64], lab[64];
	tui_lines_addf(lines, TUI_STYLE_HEADER, _("Complaint %s"), c.id);
	views_datetime(c.created, text, sizeof text);
	views_field(lines, _("Received"), text);
	views_field(lines, _("State"), label(c.status, lab, sizeof lab));
	views_field(lines, _("Problem"), label(c.reason, lab, sizeof lab));
	views_money_sym(c.amount, c.currency, a, sizeof a);
	views_currency(c.currency, lab, sizeof lab);
	snprintf(text, sizeof text, "%s (%s)", a, lab);
	views_field(lines, _("Amount"), text);
	if (c.refund_requested > 0) {
		views_money_sym(c.refund_requested, c.currency, a, sizeof a);
		views_field(lines, _("Refund asked"), a);
	}
	const struct provider_platform *pl = views_app.platform;
	views_field(lines, pl && pl->order_ref_label ? _(pl->order_ref_label) : _("Order ref"),
	            c.order_ref[0] ? c.order_ref : "-");
	views_field(lines, pl && pl->order_id_label ? _(pl->order_id_label) : _("Order"),
	            c.order_id[0] ? c.order_id : "-");
	views_field(lines, _("Customer phone"),
	            c.contact[0] ? _("encrypted (P decrypts it, shown once, never kept)") : "-");
	tui_lines_add(lines, TUI_STYLE_NORMAL, "");
	tui_lines_add(lines, TUI_STYLE_HEADER, _("The customer's words"));
	tui_lines_addf(lines, TUI_STYLE_NORMAL, "  %s", c.detail[0] ? c.detail : "-");
	tui_lines_add(lines, TUI_STYLE_NORMAL, "");
	tui_lines_addf(lines, TUI_STYLE_HEADER, _("History (%d)"), c.history);
	if (c.history == 0)
		tui_lines_addf(lines, TUI_STYLE_DIM, "  %s",
		               _("not in the cache yet: H fetches it from the platform"));
	else
		query_each_complaint_entry(views_app.query, c.id, add_entry, lines);
	return true;
}

static const struct tui_request_info complaint_requests[] = {
        {COMPLAINTS_REQ_ORDER, "open-order", "o", N_("Open the order complained of"), 0},
        {COMPLAINT_REQ_PHONE, "show-phone", "P",
         N_("Decrypt the customer's phone number and show it once"),
         VIEWS_NEED_ROLE_DISPUTE | VIEWS_NEED_ONLINE},
        {COMPLAINT_REQ_HISTORY, "fetch-history", "H",
         N_("Fetch the complaint's history from the platform"), VIEWS_NEED_ONLINE},
        REQ_REPLY,
        REQ_COMPLETE,
        REQ_APPROVE,
        REQ_REJECT,
};

/* Rebuilds the detail's lines (after an answer or a fetch). */
static void complaint_reload(struct tui_view *view)
{
	struct tui_lines *lines = tui_lines_new();
	if (lines && complaint_lines(lines, view->data))
		tui_view_set_lines(view, lines);
	else
		tui_lines_free(lines);
}

static int complaint_open(struct tui_view *view, const char *arg)
{
	view->data = arg ? strdup(arg) : NULL;
	struct tui_lines *lines = tui_lines_new();
	if (!view->data || !lines) {
		tui_lines_free(lines);
		free(view->data);
		view->data = NULL;
		tui_message("%s", _("Out of memory."));
		return -1;
	}
	if (!complaint_lines(lines, arg)) {
		tui_lines_free(lines);
		free(view->data);
		view->data = NULL;
		return -1;
	}
	tui_view_set_lines(view, lines);
	return 0;
}

static void complaint_close(struct tui_view *view)
{
	free(view->data);
	view->data = NULL;
}

/* Decrypts the phone number for one look: on the status line, never stored. */
static int show_phone(const char *id)
{
	struct actions_session *s = actions_ui_session();
	struct query_complaint_row c;
	if (!s || !s->provider || !s->ops->decrypt_field) {
		tui_message("%s", _("The number can be decrypted only while connected."));
		return TUI_HANDLED;
	}
	if (query_complaint_get(views_app.query, id, &c) <= 0 || !c.contact[0]) {
		tui_message("%s", _("This complaint has no phone number."));
		return TUI_HANDLED;
	}
	char phone[128];
	struct provider_result r;
	if (s->ops->decrypt_field(s->provider, c.contact, phone, sizeof phone, &r) != 0) {
		tui_message(_("The number could not be decrypted: %s"), r.message);
		return TUI_HANDLED;
	}
	/* Who looked at a customer's number is recorded, as any other act on their data. */
	struct audit_record rec = {.who = &s->who,
	                           .profile = s->profile,
	                           .action = "show_contact",
	                           .object_id = c.id,
	                           .outcome = AUDIT_SUCCEEDED};
	audit_append(s->db, &rec);
	tui_message(_("Customer phone: %s (shown once; not kept)"), phone);
	memset(phone, 0, sizeof phone);
	return TUI_HANDLED;
}

static int fetch_history(struct tui_view *view)
{
	struct actions_session *s = actions_ui_session();
	if (!s || !s->provider || !s->ops->complaint_history) {
		tui_message("%s", _("The history can be fetched only while connected."));
		return TUI_HANDLED;
	}
	struct provider_page pg;
	struct provider_result r;
	if (s->ops->complaint_history(s->provider, view->data, &pg, &r) != 0) {
		tui_message(_("The history could not be fetched: %s"),
		            r.message[0] ? r.message : provider_outcome_message(r.outcome));
		return TUI_HANDLED;
	}
	tui_message(_("%zu entries of history."), pg.n);
	provider_page_free(&pg);
	query_invalidate(views_app.query);
	complaint_reload(view);
	return TUI_REFRESH;
}

static int complaint_request(struct tui_view *view, int request)
{
	const char *id = view->data;
	switch (request) {
	case COMPLAINTS_REQ_ORDER: {
		struct query_complaint_row c;
		if (query_complaint_get(views_app.query, id, &c) > 0 && c.order_id[0])
			tui_view_push("order", c.order_id);
		else
			tui_message("%s", _("This complaint names no order."));
		return TUI_HANDLED;
	}
	case COMPLAINT_REQ_PHONE:
		return show_phone(id);
	case COMPLAINT_REQ_HISTORY:
		return fetch_history(view);
	default: {
		int rc = complaint_action(request, id);
		if (rc == TUI_REFRESH)
			complaint_reload(view);
		return rc;
	}
	}
}

static void complaint_show(struct tui_view *view)
{
	complaint_reload(view);
}

const struct tui_view_ops view_complaints_ops = {
        .name = "complaints",
        .title = N_("Complaints"),
        .main_screen = true,
        .requests = complaints_requests,
        .n_requests = sizeof complaints_requests / sizeof complaints_requests[0],
        .open = complaints_open,
        .close = complaints_close,
        .request = complaints_request,
        .status = complaints_status,
};

const struct tui_view_ops view_complaint_ops = {
        .name = "complaint",
        .title = N_("Complaint"),
        .requests = complaint_requests,
        .n_requests = sizeof complaint_requests / sizeof complaint_requests[0],
        .open = complaint_open,
        .close = complaint_close,
        .request = complaint_request,
        .show = complaint_show,
};
