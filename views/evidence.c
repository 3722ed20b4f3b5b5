/* The Evidence screen of a dispute: every evidence field the platform takes, with the value
 * of the local draft (saved at each edit, so it survives a restart) or else the platform's.
 * Short fields are edited inline, long ones in $EDITOR, file fields by uploading a file.
 * From here the evidence is staged (submit=false), submitted once, or the dispute accepted. */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "views/actions_ui.h"
#include "views/views.h"

enum field_kind { FIELD_SHORT, FIELD_LONG, FIELD_FILE };

/* The evidence object's fields, as the platform spells them. */
static const struct {
	const char *name;
	enum field_kind kind;
} fields[] = {
        {"product_description", FIELD_LONG},
        {"customer_name", FIELD_SHORT},
        {"customer_email_address", FIELD_SHORT},
        {"customer_purchase_ip", FIELD_SHORT},
        {"billing_address", FIELD_SHORT},
        {"receipt", FIELD_FILE},
        {"customer_communication", FIELD_FILE},
        {"customer_signature", FIELD_FILE},
        {"shipping_address", FIELD_SHORT},
        {"shipping_carrier", FIELD_SHORT},
        {"shipping_date", FIELD_SHORT},
        {"shipping_tracking_number", FIELD_SHORT},
        {"shipping_documentation", FIELD_FILE},
        {"service_date", FIELD_SHORT},
        {"service_documentation", FIELD_FILE},
        {"access_activity_log", FIELD_LONG},
        {"cancellation_policy", FIELD_FILE},
        {"cancellation_policy_disclosure", FIELD_LONG},
        {"cancellation_rebuttal", FIELD_LONG},
        {"refund_policy", FIELD_FILE},
        {"refund_policy_disclosure", FIELD_LONG},
        {"refund_refusal_explanation", FIELD_LONG},
        {"duplicate_charge_id", FIELD_SHORT},
        {"duplicate_charge_explanation", FIELD_LONG},
        {"duplicate_charge_documentation", FIELD_FILE},
        {"uncategorized_text", FIELD_LONG},
        {"uncategorized_file", FIELD_FILE},
};
#define N_FIELDS ((int)(sizeof fields / sizeof fields[0]))
/* The key of the first row, which shows the dispute's state rather than a field. */
#define STATUS_KEY "-"

static const struct tui_request_info evidence_requests[] = {
        {ACTIONS_REQ_EDIT, "edit", "<Enter>",
         N_("Edit the field (long texts open $EDITOR, files are uploaded)"),
         TUI_NEED_SELECTION | VIEWS_NEED_ROLE_DISPUTE},
        {ACTIONS_REQ_STAGE, "save-draft", "w",
         N_("Save the draft on the platform without submitting it"), VIEWS_NEED_ROLE_DISPUTE},
        {ACTIONS_REQ_SUBMIT, "submit", "S", N_("Submit the evidence (once: it cannot be changed)"),
         VIEWS_NEED_ROLE_DISPUTE},
        {ACTIONS_REQ_ACCEPT, "accept", "A", N_("Accept the dispute: the money is lost"),
         VIEWS_NEED_ROLE_DISPUTE},
};

static const struct tui_column evidence_columns[] = {
        {N_("Field"), 22, 30, TUI_ALIGN_LEFT, 1},
        {N_("Kind"), 4, 6, TUI_ALIGN_LEFT, 0},
        {N_("From"), 8, 10, TUI_ALIGN_LEFT, 0},
        {N_("Value"), 10, 0, TUI_ALIGN_LEFT, 2},
};

struct evidence {
	char dispute_id[72];
	json_t *platform; /* the platform's evidence object (never NULL) */
	json_t *draft;    /* the local draft's fields (never NULL) */
};

/* Index of a field by name, -1 when unknown. */
static int field_index(const char *name)
{
	for (int i = 0; name && i < N_FIELDS; i++)
		if (strcmp(fields[i].name, name) == 0)
			return i;
	return -1;
}

/* The value shown for field i and where it comes from. */
static const char *field_value(const struct evidence *e, int i, const char **from)
{
	const char *v = json_string_value(json_object_get(e->draft, fields[i].name));
	if (v) {
		*from = _("draft");
		return v;
	}
	v = json_string_value(json_object_get(e->platform, fields[i].name));
	*from = v ? _("platform") : "";
	return v ? v : "";
}

/* The first row: where the dispute stands, and why it cannot be submitted when it cannot. */
static void status_row(const struct evidence *e, struct tui_row *row)
{
	struct actions_session *s = actions_ui_session();
	struct actions_dispute d;
	tui_row_set_key(row, STATUS_KEY);
	tui_row_set(row, 0, _("Submission"));
	if (!s || actions_dispute_get(s->db, e->dispute_id, &d) <= 0)
		return;
	char why[512], due[64] = "", text[640];
	const char *refusal = actions_check_dispute(s, &d, ACTIONS_DISPUTE_SUBMIT, why, sizeof why);
	if (d.due_by > 0)
		views_datetime(d.due_by, due, sizeof due);
	if (refusal) {
		snprintf(text, sizeof text, _("cannot be submitted: %s"), refusal);
		row->style = TUI_STYLE_ALERT;
	} else {
		snprintf(text, sizeof text, _("respond by %s"), due[0] ? due : _("no deadline"));
	}
	tui_row_set(row, 3, text);
}

static int evidence_fetch(void *ctx, const char *key, bool after, int max, struct tui_row *out)
{
	struct evidence *e = ctx;
	/* Rows are numbered -1 (the status row) to N_FIELDS - 1. */
	int at = !key                           ? (after ? -2 : N_FIELDS)
	         : strcmp(key, STATUS_KEY) == 0 ? -1
	                                        : field_index(key);
	int first, last;
	if (after) {
		first = at + 1;
		last = first + max < N_FIELDS ? first + max : N_FIELDS;
	} else {
		last = at;
		first = last - max > -1 ? last - max : -1;
	}
	int n = 0;
	for (int i = first; i < last; i++, n++) {
		struct tui_row *row = &out[n];
		if (i < 0) {
			status_row(e, row);
			continue;
		}
		char label[64];
		const char *from;
		const char *value = field_value(e, i, &from);
		tui_row_set_key(row, fields[i].name);
		tui_row_set(row, 0, views_label(fields[i].name, label, sizeof label));
		tui_row_set(row, 1,
		            fields[i].kind == FIELD_FILE   ? _("file")
		            : fields[i].kind == FIELD_LONG ? _("text")
		                                           : _("line"));
		tui_row_set(row, 2, from);
		/* The whole text: the table shows its first line, `i` all of it. */
		tui_row_set(row, 3, value);
		if (*from && strcmp(from, _("draft")) == 0)
			row->cell_style[2] = TUI_STYLE_WARN;
	}
	return n;
}

static long evidence_count(void *ctx)
{
	(void)ctx;
	return N_FIELDS + 1;
}

/* Reads the platform's evidence and the local draft into e. Returns 0 or -1. */
static int evidence_load(struct evidence *e)
{
	struct actions_session *s = actions_ui_session();
	json_decref(e->platform);
	json_decref(e->draft);
	e->platform = NULL;
	e->draft = NULL;
	if (s) {
		char *platform = actions_dispute_evidence_json(s->db, e->dispute_id);
		if (platform)
			e->platform = json_loads(platform, JSON_ALLOW_NUL, NULL);
		free(platform);
		bool found;
		char *draft = outbox_draft_load(s->db, e->dispute_id, &found);
		if (draft)
			e->draft = json_loads(draft, 0, NULL);
		free(draft);
	}
	if (!json_is_object(e->platform)) {
		json_decref(e->platform);
		e->platform = json_object();
	}
	if (!json_is_object(e->draft)) {
		json_decref(e->draft);
		e->draft = json_object();
	}
	return e->platform && e->draft ? 0 : -1;
}

static int evidence_open(struct tui_view *view, const char *arg)
{
	struct actions_session *s = actions_ui_session();
	struct actions_dispute d;
	if (!s || !arg || actions_dispute_get(s->db, arg, &d) <= 0) {
		tui_message("%s", _("This dispute is not in the cache yet; sync first."));
		return -1;
	}
	struct evidence *e = calloc(1, sizeof *e);
	if (!e) {
		tui_message("%s", _("there was not enough memory for this action"));
		return -1;
	}
	snprintf(e->dispute_id, sizeof e->dispute_id, "%s", d.id);
	if (evidence_load(e) != 0) {
		json_decref(e->platform);
		json_decref(e->draft);
		free(e);
		tui_message("%s", _("there was not enough memory for this action"));
		return -1;
	}
	view->data = e;
	struct tui_row_source source = {evidence_fetch, evidence_count, e};
	tui_view_set_table(view, evidence_columns,
	                   sizeof evidence_columns / sizeof evidence_columns[0], &source);
	return 0;
}

/* The platform's evidence and the draft as the cache has them now (after a submission,
 * a sync); the framework then re-reads the rows. */
static struct tui_lines *evidence_reload(struct tui_view *view)
{
	evidence_load(view->data);
	return NULL;
}

static void evidence_close(struct tui_view *view)
{
	struct evidence *e = view->data;
	if (e) {
		json_decref(e->platform);
		json_decref(e->draft);
	}
	free(e);
	view->data = NULL;
}

/* Stores the draft with one field changed, locally at once. Returns 0 or -1. */
static int draft_set(struct evidence *e, const char *name, const char *value)
{
	struct actions_session *s = actions_ui_session();
	if (json_object_set_new(e->draft, name, json_string(value)) != 0)
		return -1;
	char *text = json_dumps(e->draft, JSON_COMPACT | JSON_SORT_KEYS);
	int rc = text && s ? actions_draft_save(s, e->dispute_id, text) : -1;
	free(text);
	return rc;
}

/* Edits the selected field. */
static int evidence_edit(struct tui_view *view)
{
	struct evidence *e = view->data;
	int i = field_index(tui_view_selected_key(view));
	if (i < 0)
		return TUI_HANDLED;
	const char *from;
	const char *current = field_value(e, i, &from);
	char label[160], text[512];
	char name[64];
	views_label(fields[i].name, name, sizeof name);
	if (fields[i].kind == FIELD_SHORT) {
		snprintf(label, sizeof label, "%s: ", name);
		if (!tui_prompt(label, current, text, sizeof text))
			return TUI_HANDLED;
		if (draft_set(e, fields[i].name, text) != 0) {
			tui_message("%s", _("The draft could not be saved."));
			return TUI_HANDLED;
		}
	} else if (fields[i].kind == FIELD_LONG) {
		char *edited = NULL;
		if (!views_edit_text(current, &edited))
			return TUI_REFRESH;
		int rc = draft_set(e, fields[i].name, edited);
		free(edited);
		if (rc != 0) {
			tui_message("%s", _("The draft could not be saved."));
			return TUI_REFRESH;
		}
	} else {
		snprintf(label, sizeof label, _("File to upload as %s: "), name);
		if (!tui_prompt(label, "", text, sizeof text) || !text[0])
			return TUI_HANDLED;
		struct actions_outcome out;
		actions_evidence_file(actions_ui_session(), e->dispute_id, text, &out);
		if (out.status != ACTIONS_DONE) {
			char line[2048];
			actions_outcome_line(&out, line, sizeof line);
			tui_message("%s", line);
			return TUI_HANDLED;
		}
		if (draft_set(e, fields[i].name, out.result_id) != 0) {
			tui_message("%s", _("The draft could not be saved."));
			return TUI_HANDLED;
		}
	}
	tui_message("%s", _("Saved in the local draft; w saves it on the platform, S submits it."));
	return TUI_REFRESH;
}

static int evidence_request(struct tui_view *view, int request)
{
	struct evidence *e = view->data;
	int rc;
	char *text;
	switch (request) {
	case ACTIONS_REQ_EDIT:
	case TUI_REQ_ENTER:
		return evidence_edit(view);
	case ACTIONS_REQ_STAGE:
	case ACTIONS_REQ_SUBMIT:
		text = json_dumps(e->draft, JSON_COMPACT | JSON_SORT_KEYS);
		if (!text)
			return TUI_HANDLED;
		rc = request == ACTIONS_REQ_SUBMIT ? actions_ui_submit(e->dispute_id, text)
		                                   : actions_ui_stage(e->dispute_id, text);
		free(text);
		return rc;
	case ACTIONS_REQ_ACCEPT:
		return actions_ui_accept(e->dispute_id);
	default:
		return TUI_PASS;
	}
}

const struct tui_view_ops view_evidence_ops = {
        .name = "evidence",
        .title = N_("Evidence"),
        .requests = evidence_requests,
        .n_requests = sizeof evidence_requests / sizeof evidence_requests[0],
        .open = evidence_open,
        .close = evidence_close,
        .request = evidence_request,
        .reload = evidence_reload,
};
