/* The Risk screen: what the risk rules find in the cache (client/risk.h), most severe
 * first, each with its reason; `v` shows the rule's explanation and settings, Enter opens
 * the order a finding is about. Not a main screen: `:risk` and the Insights screen open it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client.h"
#include "client/risk.h"
#include "views/views.h"

struct risk_view {
	struct risk_findings findings;
	struct risk_settings settings;
	unsigned long generation;
	bool loaded;
};

/* The reason takes what is left; the order id (cell 2) is whole on wider screens. */
static const struct tui_column risk_columns[] = {
        {N_("Sev"), 5, 5, TUI_ALIGN_LEFT, 0},     {N_("Rule"), 10, 18, TUI_ALIGN_LEFT, 0},
        {N_("Order"), 10, 28, TUI_ALIGN_LEFT, 1}, {N_("Amount"), 9, 18, TUI_ALIGN_RIGHT, 0},
        {N_("Reason"), 20, 0, TUI_ALIGN_LEFT, 4},
};

static const struct tui_request_info risk_requests[] = {
        {TUI_REQ_ENTER, "open", "<Enter>", N_("Open the order the finding is about"),
         TUI_NEED_SELECTION},
};

/* Runs the rules again when the cache changed since they last ran. */
static void load(struct risk_view *v)
{
	if (v->loaded && v->generation == views_app.generation)
		return;
	char err[512];
	if (risk_run_query(views_app.query, &v->settings, paydesk_now(), &v->findings, err,
	                   sizeof err) < 0)
		tui_message("%s", err);
	v->loaded = true;
	v->generation = views_app.generation;
}

/* The finding a row's key names ("index|order"), or NULL. */
static const struct risk_finding *finding_of(struct risk_view *v, const char *key)
{
	char *end = NULL;
	long i = key ? strtol(key, &end, 10) : -1;
	if (!key || end == key || *end != '|' || i < 0 || i >= v->findings.n)
		return NULL;
	return &v->findings.items[i];
}

static int risk_fetch(void *ctx, const char *key, bool after, int max, struct tui_row *out)
{
	struct risk_view *v = ctx;
	load(v);
	int total = v->findings.n, from, to;
	const struct risk_finding *at = finding_of(v, key);
	int here = at ? (int)(at - v->findings.items) : -1;
	if (after) {
		from = here + 1;
		to = from + max < total ? from + max : total;
	} else {
		to = here >= 0 ? here : total;
		from = to - max > 0 ? to - max : 0;
	}
	int n = 0;
	for (int i = from; i < to; i++, n++) {
		const struct risk_finding *f = &v->findings.items[i];
		struct tui_row *row = &out[n];
		char text[160];
		snprintf(text, sizeof text, "%d|%s", i, f->order_id);
		tui_row_set_key(row, text);
		tui_row_set(row, 0, risk_severity_name(f->severity));
		tui_row_set(row, 1, risk_rule_title(risk_rule_find(f->rule)));
		tui_row_set(row, 2, f->order_id[0] ? f->order_id : "-");
		if (f->has_amount) {
			views_money_sym(f->amount, f->currency, text, sizeof text);
			tui_row_set(row, 3, text);
		}
		tui_row_set(row, 4, f->reason);
		row->cell_style[0] = f->severity == RISK_ALERT ? TUI_STYLE_ALERT : TUI_STYLE_WARN;
		if (f->crosses_threshold)
			row->style = TUI_STYLE_ALERT;
	}
	return n;
}

static long risk_count(void *ctx)
{
	struct risk_view *v = ctx;
	load(v);
	return v->findings.n;
}

static int risk_open(struct tui_view *view, const char *arg)
{
	(void)arg;
	struct risk_view *v = calloc(1, sizeof *v);
	if (!v) {
		tui_message("%s", _("Out of memory."));
		return -1;
	}
	/* The profile's thresholds; the demo has none but the defaults. */
	struct profile profile;
	char err[512];
	if (!views_app.demo && profile_load(views_app.profile, &profile, err, sizeof err) == 0) {
		v->settings = profile.risk;
		profile_clear(&profile);
	}
	view->data = v;
	struct tui_row_source source = {risk_fetch, risk_count, v};
	tui_view_set_table(view, risk_columns, sizeof risk_columns / sizeof risk_columns[0],
	                   &source);
	return 0;
}

static void risk_close(struct tui_view *view)
{
	struct risk_view *v = view->data;
	if (v)
		risk_findings_free(&v->findings);
	free(v);
	view->data = NULL;
}

static int risk_request(struct tui_view *view, int request)
{
	struct risk_view *v = view->data;
	if (request != TUI_REQ_ENTER)
		return TUI_PASS;
	const struct risk_finding *f = finding_of(v, tui_view_selected_key(view));
	if (!f)
		return TUI_HANDLED;
	if (!f->order_id[0]) {
		tui_message("%s", _("This finding is about many orders, not one: v shows its "
		                    "detail."));
		return TUI_HANDLED;
	}
	tui_view_push("order", f->order_id);
	return TUI_HANDLED;
}

/* Adds text as lines of at most `width` columns, broken at spaces where there are any (and
 * between characters in a language written without them), indented by two. */
static void add_wrapped(struct tui_lines *lines, int style, const char *text, int width)
{
	char line[1024];
	size_t len = 0, last_space = 0;
	int w = 0;
	for (const char *s = text; *s;) {
		size_t n = 1;
		while (s[n] && ((unsigned char)s[n] & 0xC0) == 0x80)
			n++;
		char ch[8] = "";
		memcpy(ch, s, n < sizeof ch ? n : sizeof ch - 1);
		int cw = tui_text_width(ch);
		if ((w + cw > width || len + n >= sizeof line) && len > 0) {
			/* A space far back (Chinese text quoting a Latin name) would leave the
			 * line half empty: cut there only when little follows it. */
			if (last_space && tui_text_width(line + last_space) > width / 3)
				last_space = 0;
			size_t cut = last_space ? last_space : len;
			char rest[1024];
			size_t rest_len = len - cut - (last_space ? 1 : 0);
			memcpy(rest, line + len - rest_len, rest_len);
			line[cut] = '\0';
			tui_lines_addf(lines, style, "  %s", line);
			memcpy(line, rest, rest_len);
			len = rest_len;
			line[len] = '\0';
			w = tui_text_width(line);
			last_space = 0;
		}
		if (*s == ' ' && len == 0) {
			s += n;
			continue;
		}
		if (*s == ' ')
			last_space = len;
		memcpy(line + len, s, n);
		len += n;
		line[len] = '\0';
		w += cw;
		s += n;
	}
	if (len > 0)
		tui_lines_addf(lines, style, "  %s", line);
}

static struct tui_lines *risk_detail(struct tui_view *view, const struct tui_row *row)
{
	struct risk_view *v = view->data;
	const struct risk_finding *f = finding_of(v, row ? row->key : NULL);
	struct tui_lines *lines = f ? tui_lines_new() : NULL;
	if (!lines)
		return NULL;
	int rule = risk_rule_find(f->rule);
	char text[128];
	tui_lines_addf(lines, TUI_STYLE_HEADER, "%s (%s)", risk_rule_title(rule), f->rule);
	add_wrapped(lines, f->severity == RISK_ALERT ? TUI_STYLE_ALERT : TUI_STYLE_WARN, f->reason,
	            74);
	views_field(lines, _("Severity"), risk_severity_name(f->severity));
	if (f->crosses_threshold)
		views_field(lines, _("Threshold"), _("crossed: paydesk risk exits 4"));
	views_field(lines, _("Order"), f->order_id);
	if (f->has_amount) {
		views_money_sym(f->amount, f->currency, text, sizeof text);
		views_field(lines, _("Amount"), text);
	}
	views_datetime(f->when, text, sizeof text);
	views_field(lines, _("When"), text);
	tui_lines_add(lines, TUI_STYLE_NORMAL, "");
	tui_lines_add(lines, TUI_STYLE_HEADER, _("What the rule looks for"));
	add_wrapped(lines, TUI_STYLE_NORMAL, risk_rule_explanation(rule), 74);
	char looks[128];
	snprintf(looks, sizeof looks, _("It reads the last %d days of the cache."),
	         risk_rule_days(rule));
	add_wrapped(lines, TUI_STYLE_DIM, looks, 74);
	const struct risk_param *p = risk_rule_params(rule);
	for (int i = 0; i < RISK_RULE_PARAMS && p[i].key; i++) {
		char value[32];
		risk_setting_text(&p[i], risk_setting(&v->settings, rule, i), value, sizeof value);
		tui_lines_addf(lines, TUI_STYLE_DIM, "  %s = %s  (%s)", p[i].key, value,
		               _(p[i].help));
	}
	return lines;
}

static void risk_status(struct tui_view *view, char *buf, size_t size)
{
	struct risk_view *v = view->data;
	load(v);
	if (v->findings.n == 0)
		snprintf(buf, size, "%s", _("nothing found by the risk rules"));
	else if (risk_findings_cross(&v->findings))
		snprintf(buf, size, "%s", _("a monitoring threshold is crossed"));
	else
		snprintf(buf, size, "%s", _("most severe first; v: why"));
}

static struct tui_lines *risk_reload(struct tui_view *view)
{
	load(view->data);
	return NULL;
}

const struct tui_view_ops view_risk_ops = {
        .name = "risk",
        .title = N_("Risk"),
        .main_screen = false,
        .requests = risk_requests,
        .n_requests = sizeof risk_requests / sizeof risk_requests[0],
        .open = risk_open,
        .close = risk_close,
        .request = risk_request,
        .status = risk_status,
        .detail = risk_detail,
        .reload = risk_reload,
};
