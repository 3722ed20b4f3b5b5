/* The statement preview: the text statement of a day or a range, as it will print, with `p`
 * to print it through CUPS and `x` to export it (format and path asked). Opened with
 * ":statement [DATE [LAST-DATE]]" (default: yesterday), dates in the profile's time zone. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "client/client.h"
#include "views/actions_ui.h"
#include "views/statement.h"
#include "views/views.h"

enum {
	STATEMENT_REQ_PRINT = TUI_REQ_VIEW_BASE + 0x200,
	STATEMENT_REQ_EXPORT,
};

static const struct tui_request_info statement_requests[] = {
        {STATEMENT_REQ_PRINT, "print", "p", N_("Print the statement through CUPS"), 0},
        {STATEMENT_REQ_EXPORT, "export", "x", N_("Export the statement: txt, csv, json or pdf"), 0},
};

struct statement_view {
	struct ledger *ledger;
	struct statement *st;
	char printer[128];
	char timezone[64];
	char range[64]; /* "2026-09-20" or "2026-09-14 .. 2026-09-20", for the status line */
};

static void statement_view_free(struct statement_view *v)
{
	if (!v)
		return;
	statement_free(&v->st);
	ledger_close(&v->ledger);
	free(v);
}

/* Opens the ledger on the screens' cache connection, or else on the profile's cache file;
 * fills the printer from the profile. Returns 0 or -1 with a message set. */
static int open_ledger(struct statement_view *v)
{
	struct profile profile;
	char err[512];
	bool have_profile =
	        !views_app.demo && profile_load(views_app.profile, &profile, err, sizeof err) == 0;
	if (have_profile) {
		snprintf(v->printer, sizeof v->printer, "%s", profile.printer);
		snprintf(v->timezone, sizeof v->timezone, "%s", profile.timezone);
	}
	enum ledger_status ls = LEDGER_NO_CACHE;
	struct actions_session *session = actions_ui_session();
	if (session && session->db)
		ls = ledger_open_db(session->db, &v->ledger);
	else if (have_profile)
		ls = ledger_open(profile.cache_path, &v->ledger);
	if (have_profile)
		profile_clear(&profile);
	if (ls != LEDGER_OK) {
		tui_message("%s", ledger_status_message(ls));
		return -1;
	}
	return 0;
}

/* "DATE" or "DATE LAST-DATE" (or nothing: yesterday) into a range of days of the zone
 * (NULL: local time, which the app has set to the profile's time zone). */
static int parse_range(const char *arg, const char *zone, struct statement_options *opt,
                       char *label, size_t label_size)
{
	char first[32] = "", last[32] = "";
	if (arg && *arg) {
		int n = sscanf(arg, "%31s %31s", first, last);
		if (n < 2)
			snprintf(last, sizeof last, "%s", first);
	} else {
		time_t yesterday = paydesk_now() - 86400;
		char saved[128];
		statement_tz_enter(zone, saved, sizeof saved);
		statement_time(yesterday, true, first, sizeof first);
		statement_tz_leave(saved);
		snprintf(last, sizeof last, "%s", first);
	}
	if (statement_day_start(first, zone, 0, &opt->from) != 0 ||
	    statement_day_start(last, zone, 1, &opt->to) != 0 || opt->to <= opt->from) {
		tui_message(_("Give a day or a range as YYYY-MM-DD [YYYY-MM-DD], not \"%s\"."),
		            arg ? arg : "");
		return -1;
	}
	opt->single_day = strcmp(first, last) == 0;
	if (opt->single_day)
		snprintf(label, label_size, "%s", first);
	else
		snprintf(label, label_size, "%s .. %s", first, last);
	return 0;
}

static int statement_view_open(struct tui_view *view, const char *arg)
{
	struct statement_view *v = calloc(1, sizeof *v);
	if (!v) {
		tui_message("%s", ledger_status_message(LEDGER_NOMEM));
		return -1;
	}
	char who[128];
	statement_operator(who, sizeof who);
	struct statement_options opt = {
	        .operator_name = who,
	        .generated_at = paydesk_now(),
	        .keep_items = true,
	        .keep_orders = true}; /* p prints the PDF, which names each line's order */
	if (open_ledger(v) != 0) {
		statement_view_free(v);
		return -1;
	}
	/* A platform whose history is daily bills: the days of its bills (China Standard
	 * Time), as 'paydesk statement' counts them. */
	const struct provider_platform *pl = ledger_platform(v->ledger);
	if (pl && pl->history == PROVIDER_HISTORY_BILLS && pl->day_zone)
		snprintf(v->timezone, sizeof v->timezone, "%s", pl->day_zone);
	if (parse_range(arg, v->timezone[0] ? v->timezone : NULL, &opt, v->range,
	                sizeof v->range) != 0) {
		statement_view_free(v);
		return -1;
	}
	opt.timezone = v->timezone;
	char err[1024];
	struct statement_doc doc;
	if (statement_build(v->ledger, &opt, &v->st, err, sizeof err) != 0 ||
	    statement_doc_build(v->st, 0, &doc, err, sizeof err) != 0) {
		tui_message("%s", err);
		statement_view_free(v);
		return -1;
	}
	struct tui_lines *lines = tui_lines_new();
	bool ok = lines != NULL;
	for (size_t i = 0; ok && i < doc.n_lines; i++) {
		const char *line = statement_doc_line(&doc, i);
		int style = TUI_STYLE_NORMAL;
		if (strstr(line, _("MISMATCH")) || strstr(line, _("NOT CHECKED")) ||
		    strstr(line, _("WARNING")))
			style = TUI_STYLE_ALERT;
		ok = tui_lines_add(lines, style, line) == 0;
	}
	char footer[512];
	statement_doc_footer(&doc, 0, footer, sizeof footer);
	ok = ok && tui_lines_add(lines, TUI_STYLE_DIM, "") == 0 &&
	     tui_lines_add(lines, TUI_STYLE_DIM, footer) == 0;
	statement_doc_clear(&doc);
	if (!ok) {
		tui_message("%s", ledger_status_message(LEDGER_NOMEM));
		statement_view_free(v);
		return -1;
	}
	view->data = v;
	tui_view_set_lines(view, lines);
	return 0;
}

static void statement_view_close(struct tui_view *view)
{
	statement_view_free(view->data);
	view->data = NULL;
}

/* Where the view keeps the statements it saves: the statements directory, or in the demo
 * the demo's throwaway directory, which the demo removes when it ends (a demo leaves
 * nothing behind). Returns 0, or -1 with err set. */
static int saving_dir(char *buf, size_t size, char *err, size_t err_size)
{
	if (!views_app.demo)
		return statement_dir(buf, size, err, err_size);
	if (!views_app.demo_dir ||
	    snprintf(buf, size, "%s/statements", views_app.demo_dir) >= (int)size) {
		snprintf(err, err_size, "%s", _("the output file name is too long"));
		return -1;
	}
	if (mkdir(buf, 0700) != 0 && errno != EEXIST) {
		snprintf(err, err_size, _("cannot create %s: %s"), buf, strerror(errno));
		return -1;
	}
	return 0;
}

/* `p`: saves the PDF and prints it, saying where the file is. */
static void do_print(struct statement_view *v)
{
	char dir[2048], path[4096], title[256], job[256], err[1024];
	if (saving_dir(dir, sizeof dir, err, sizeof err) != 0) {
		tui_message("%s", err);
		return;
	}
	statement_default_name(v->st, STATEMENT_PDF, dir, path, sizeof path);
	statement_default_name(v->st, STATEMENT_PDF, NULL, title, sizeof title);
	if (statement_save(v->st, STATEMENT_PDF, path, err, sizeof err) != 0) {
		tui_message("%s", err);
		return;
	}
	if (statement_print(path, v->printer, title, 1, job, sizeof job, err, sizeof err) != 0) {
		if (views_app.demo)
			tui_message(_("Not printed; the PDF is kept as %s until the demo ends: %s"),
			            path, err);
		else
			tui_message(_("Not printed; the PDF is saved as %s: %s"), path, err);
		return;
	}
	tui_message(_("Printed as job %s (saved in %s)."), job, path);
}

/* `x`: asks for a format and a path, then writes the file. In the demo the file goes to the
 * demo's directory under the name given, whatever directory the path names. */
static void do_export(struct statement_view *v)
{
	char answer[64], path[4096], err[1024], dir[2048] = "";
	if (!tui_prompt(_("Format (txt, csv, json, pdf): "), "pdf", answer, sizeof answer))
		return;
	enum statement_format format;
	if (!statement_format_parse(answer, &format)) {
		tui_message(_("Unknown format \"%s\": use txt, csv, json or pdf."), answer);
		return;
	}
	if (views_app.demo && saving_dir(dir, sizeof dir, err, sizeof err) != 0) {
		tui_message("%s", err);
		return;
	}
	char suggested[4096];
	statement_default_name(v->st, format, dir[0] ? dir : NULL, suggested, sizeof suggested);
	/* "-" would mean standard output, which is the screen here. */
	if (!tui_prompt(_("Save as: "), suggested, path, sizeof path) || !path[0] ||
	    strcmp(path, "-") == 0)
		return;
	if (views_app.demo) {
		const char *slash = strrchr(path, '/');
		const char *base = slash ? slash + 1 : path;
		char name[4096];
		if (!*base)
			statement_default_name(v->st, format, NULL, name, sizeof name);
		else
			snprintf(name, sizeof name, "%s", base);
		if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
			tui_message("%s", _("the output file name is too long"));
			return;
		}
	}
	if (statement_save(v->st, format, path, err, sizeof err) != 0) {
		tui_message("%s", err);
		return;
	}
	if (views_app.demo)
		tui_message(_("Statement saved in %s; the demo removes it when it ends."), path);
	else
		tui_message(_("Statement saved in %s."), path);
}

static int statement_view_request(struct tui_view *view, int request)
{
	struct statement_view *v = view->data;
	switch (request) {
	case STATEMENT_REQ_PRINT:
		do_print(v);
		return TUI_HANDLED;
	case STATEMENT_REQ_EXPORT:
		do_export(v);
		return TUI_HANDLED;
	default:
		return TUI_PASS;
	}
}

static void statement_view_status(struct tui_view *view, char *buf, size_t size)
{
	struct statement_view *v = view->data;
	snprintf(buf, size, "%s", v ? v->range : "");
}

const struct tui_view_ops view_statement_ops = {
        .name = "statement",
        .title = N_("Statement"),
        .requests = statement_requests,
        .n_requests = sizeof statement_requests / sizeof statement_requests[0],
        .open = statement_view_open,
        .close = statement_view_close,
        .request = statement_view_request,
        .status = statement_view_status,
};
