/* The tui framework driven headless by scripts, with row sources made
 * here (the framework's real user in this test): paging by window, column
 * alignment with wide and combining characters, the sanitizer at the
 * terminal boundary, help generated from the request tables, `:` commands
 * with completion, prompts, confirmations, needs, resize and the minimum
 * size. */
#include "config.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include <cmocka.h>

#include "tui/tui.h"

#define N_(s) (s)

static char dir[256];
static long total_rows = 1000;
static int largest_request; /* the most rows the framework asked for at once */
static long rows_served;    /* rows handed out since the test started */
static int confirmed = -1;  /* what the confirmation answered */
static char prompted[128];  /* what the prompt returned */

static const char *const names[] = {"王小明", "Zoë e\xcc\x81", "Evil\x1b[31mRED\x1b]0;t\x07",
                                    "plain"};
static int data_version;        /* bumped by the `C` request: the data changed */
static bool huge_amount;        /* row 1's amount is wider than its column's maximum */
static const char *status_text; /* the list's own status text */
static const char *message;     /* what the `M` request says */

/* Row i of the synthetic source: number, name, amount. */
static void make_row(long i, struct tui_row *row)
{
	char key[32];
	snprintf(key, sizeof key, "%08ld", i);
	tui_row_set_key(row, key);
	tui_row_setf(row, 0, "%ld", i);
	if (data_version)
		tui_row_setf(row, 1, "v%d %s", data_version, names[i % 4]);
	else
		tui_row_set(row, 1, names[i % 4]);
	if (huge_amount && i == 1)
		tui_row_set(row, 2, "12,345,678,901.23");
	else
		tui_row_setf(row, 2, "%ld.%02ld", i * 7 / 100, i * 7 % 100);
	rows_served++;
}

static int src_rows(void *ctx, const char *key, bool after, int max, struct tui_row *out)
{
	long start, end;
	if (after) {
		start = key ? atol(key) + 1 : 0;
		end = start + max < total_rows ? start + max : total_rows;
	} else {
		end = key ? atol(key) : total_rows;
		start = end - max < 0 ? 0 : end - max;
	}
	int n = 0;
	if (max > largest_request)
		largest_request = max;
	for (long i = start; i < end; i++)
		make_row(i, &out[n++]);
	return n;
}

static long src_count(void *ctx)
{
	return total_rows;
}

static const struct tui_column columns[] = {
        {N_("No"), 6, 8, TUI_ALIGN_RIGHT, 0},
        {N_("Name"), 10, 0, TUI_ALIGN_LEFT, 1},
        {N_("Amount"), 10, 12, TUI_ALIGN_RIGHT, 0},
};

enum { REQ_ASK = TUI_REQ_VIEW_BASE, REQ_NAME, REQ_DETAIL, REQ_CHANGE, REQ_SAY, REQ_ASK_LONG };

static const struct tui_request_info list_requests[] = {
        {REQ_ASK, "ask", "A", N_("Ask for confirmation"), TUI_NEED_SELECTION},
        {REQ_NAME, "name", "e", N_("Type a name"), 0},
        {REQ_DETAIL, "detail", "<Enter>", N_("Open the detail"), TUI_NEED_SELECTION},
        {REQ_CHANGE, "change", "C", N_("Change the data"), 0},
        {REQ_SAY, "say", "M", N_("Say something long"), 0},
        {REQ_ASK_LONG, "ask-long", "L", N_("Ask a long question"), 0},
};

/* The data changed under the views, as an action's result or a sync would. */
static int change_data(void)
{
	data_version++;
	tui_data_changed();
	return TUI_HANDLED;
}

static int list_open(struct tui_view *view, const char *arg)
{
	struct tui_row_source source = {src_rows, src_count, NULL};
	tui_view_set_table(view, columns, 3, &source);
	return 0;
}

static int list_request(struct tui_view *view, int request)
{
	switch (request) {
	case REQ_ASK:
		confirmed = tui_confirm("Really?", "Row one\nRow two") ? 1 : 0;
		return TUI_HANDLED;
	case REQ_NAME:
		if (!tui_prompt("Name: ", "", prompted, sizeof prompted))
			snprintf(prompted, sizeof prompted, "(cancelled)");
		return TUI_HANDLED;
	case REQ_DETAIL:
		tui_view_push("detail", tui_view_selected_key(view));
		return TUI_HANDLED;
	case REQ_CHANGE:
		return change_data();
	case REQ_SAY:
		tui_message("%s", message);
		return TUI_HANDLED;
	case REQ_ASK_LONG:
		confirmed =
		        tui_confirm("Submit the evidence? The platform takes it once: it cannot "
		                    "be changed or sent again afterwards, whatever happens.",
		                    "Dispute:  dp_1\nNote:     a note long enough to need a second "
		                    "line in the dialog, which wraps it under its value")
		                ? 1
		                : 0;
		return TUI_HANDLED;
	default:
		return TUI_PASS;
	}
}

static void list_status(struct tui_view *view, char *buf, size_t size)
{
	snprintf(buf, size, "%s", status_text ? status_text : "");
}

/* The pane under the list describes the selected row. */
static struct tui_lines *list_detail(struct tui_view *view, const struct tui_row *row)
{
	struct tui_lines *lines = tui_lines_new();
	tui_lines_addf(lines, TUI_STYLE_HEADER, "Pane of %s", row->key);
	tui_lines_add(lines, TUI_STYLE_NORMAL, row->cells[1]);
	return lines;
}

static const struct tui_view_ops list_ops = {
        .name = "list",
        .title = N_("List"),
        .main_screen = true,
        .requests = list_requests,
        .n_requests = sizeof list_requests / sizeof list_requests[0],
        .open = list_open,
        .request = list_request,
        .status = list_status,
        .detail = list_detail,
};

static int other_open(struct tui_view *view, const char *arg)
{
	struct tui_row_source source = {src_rows, src_count, NULL};
	tui_view_set_table(view, columns, 3, &source);
	return 0;
}

static const struct tui_view_ops other_ops = {
        .name = "other",
        .title = N_("Other"),
        .main_screen = true,
        .open = other_open,
};

static struct tui_lines *detail_lines(const char *arg)
{
	struct tui_lines *lines = tui_lines_new();
	tui_lines_addf(lines, TUI_STYLE_HEADER, "Detail of %s, version %d", arg ? arg : "?",
	               data_version);
	for (int i = 0; i < 100; i++)
		tui_lines_addf(lines, TUI_STYLE_NORMAL, "line %d%s", i,
		               i % 30 == 29 ? " needle" : "");
	tui_lines_add(lines, TUI_STYLE_NORMAL,
	              "  A label    and a value long enough to be wrapped at eighty columns, "
	              "which continues under the value rather than under the label");
	return lines;
}

static int detail_open(struct tui_view *view, const char *arg)
{
	view->data = strdup(arg ? arg : "?");
	tui_view_set_lines(view, detail_lines(arg));
	return 0;
}

static void detail_close(struct tui_view *view)
{
	free(view->data);
}

static const struct tui_request_info detail_requests[] = {
        {REQ_CHANGE, "change", "C", N_("Change the data"), 0},
};

static int detail_request(struct tui_view *view, int request)
{
	return request == REQ_CHANGE ? change_data() : TUI_PASS;
}

static struct tui_lines *detail_reload(struct tui_view *view)
{
	return detail_lines(view->data);
}

static const struct tui_view_ops detail_ops = {
        .name = "detail",
        .title = N_("Detail"),
        .requests = detail_requests,
        .n_requests = 1,
        .open = detail_open,
        .close = detail_close,
        .request = detail_request,
        .reload = detail_reload,
};

/* Runs a script (lines joined by '\n') at a size; returns tui_run's code. */
static int run_script(int cols, int lines, const char *script)
{
	char path[300], size[16];
	snprintf(path, sizeof path, "%s/script", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(script, f);
	fclose(f);
	snprintf(size, sizeof size, "%d", cols);
	setenv("COLUMNS", size, 1);
	snprintf(size, sizeof size, "%d", lines);
	setenv("LINES", size, 1);
	largest_request = 0;
	rows_served = 0;
	assert_int_equal(tui_register_view(&list_ops), 0);
	assert_int_equal(tui_register_view(&other_ops), 0);
	assert_int_equal(tui_register_view(&detail_ops), 0);
	/* The bar cursor: the layout tests count columns from the left edge. */
	struct tui_options options = {.script = path, .program = "test", .bar_cursor = true};
	assert_int_equal(tui_init(&options), 0);
	int rc = tui_run("list");
	tui_exit();
	return rc;
}

/* Reads a dump into a static buffer. */
static const char *dump(const char *name)
{
	static char text[65536];
	char path[300];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(text, 1, sizeof text - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

/* Line `index` (0-based) of a dump. */
static const char *dump_line(const char *text, int index, char *out, size_t size)
{
	for (int i = 0; i < index && text; i++) {
		text = strchr(text, '\n');
		if (text)
			text++;
	}
	assert_non_null(text);
	size_t len = strcspn(text, "\n");
	snprintf(out, size, "%.*s", (int)len, text);
	return out;
}

/* Display column where `needle` starts in a UTF-8 line, -1 if absent. */
static int column_of(const char *line, const char *needle)
{
	const char *at = strstr(line, needle);
	if (!at)
		return -1;
	char prefix[1024];
	snprintf(prefix, sizeof prefix, "%.*s", (int)(at - line), line);
	wchar_t wide[1024];
	size_t n = mbstowcs(wide, prefix, 1024);
	assert_true(n != (size_t)-1);
	return wcswidth(wide, n);
}

static char script_buf[4096];

/* Formats a script with the test directory substituted for %s. */
static const char *script(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(script_buf, sizeof script_buf, fmt, ap);
	va_end(ap);
	return script_buf;
}

static void test_first_page_and_status(void **state)
{
	assert_int_equal(run_script(80, 24, script(":save-display %s/d1\n", dir)), 0);
	const char *d = dump("d1");
	char line[512];
	/* 24 lines: tabs, titles, 20 rows, status, message. */
	assert_non_null(strstr(dump_line(d, 0, line, sizeof line), "[1 List]"));
	assert_non_null(strstr(dump_line(d, 1, line, sizeof line), "Name"));
	assert_non_null(strstr(dump_line(d, 2, line, sizeof line), " 0 "));
	assert_non_null(strstr(dump_line(d, 21, line, sizeof line), "19 "));
	assert_non_null(strstr(dump_line(d, 22, line, sizeof line), "row 1 of 1000"));
	/* Only a window was ever asked for. */
	assert_true(largest_request <= 20);
	assert_true(rows_served <= 40);
}

static void test_paging_keys(void **state)
{
	assert_int_equal(run_script(80, 24,
	                            script("jjj\n:save-display %s/a\n<PgDn>\n:save-display %s/b\n"
	                                   "G\n:save-display %s/c\nk\n:save-display %s/d\n"
	                                   "g\n:save-display %s/e\n",
	                                   dir, dir, dir, dir, dir)),
	                 0);
	char line[512];
	assert_non_null(strstr(dump_line(dump("a"), 22, line, sizeof line), "row 4 of 1000"));
	/* A page down keeps the cursor on its line: row 4 + 20. */
	assert_non_null(strstr(dump_line(dump("b"), 22, line, sizeof line), "row 24 of 1000"));
	assert_non_null(strstr(dump_line(dump("b"), 2, line, sizeof line), "20 "));
	assert_non_null(strstr(dump_line(dump("c"), 21, line, sizeof line), "999 "));
	assert_non_null(strstr(dump_line(dump("c"), 22, line, sizeof line), "row 1000 of 1000"));
	assert_non_null(strstr(dump_line(dump("d"), 22, line, sizeof line), "row 999 of 1000"));
	assert_non_null(strstr(dump_line(dump("e"), 2, line, sizeof line), " 0 "));
	assert_non_null(strstr(dump_line(dump("e"), 22, line, sizeof line), "row 1 of 1000"));
	assert_true(largest_request <= 20);
}

static void test_scroll_one_line_at_bottom(void **state)
{
	/* 19 moves reach the last row on screen; the 20th scrolls by one. */
	assert_int_equal(
	        run_script(80, 24, script("jjjjjjjjjjjjjjjjjjjj\n:save-display %s/s\n", dir)), 0);
	char line[512];
	const char *d = dump("s");
	assert_non_null(strstr(dump_line(d, 2, line, sizeof line), " 1 "));
	assert_non_null(strstr(dump_line(d, 21, line, sizeof line), "20 "));
	assert_non_null(strstr(dump_line(d, 22, line, sizeof line), "row 21 of 1000"));
}

static void test_wide_characters_keep_columns(void **state)
{
	assert_int_equal(run_script(80, 24, script(":save-display %s/w\n", dir)), 0);
	const char *d = dump("w");
	char line[512];
	int amount_col = -1;
	for (int y = 2; y < 10; y++) {
		dump_line(d, y, line, sizeof line);
		/* The amount is the last field: it must end at the same column. */
		char *last_space = strrchr(line, ' ');
		assert_non_null(last_space);
		int col = column_of(line, last_space + 1);
		wchar_t wide[256];
		size_t n = mbstowcs(wide, last_space + 1, 256);
		int end = col + wcswidth(wide, n);
		if (amount_col < 0)
			amount_col = end;
		assert_int_equal(end, amount_col);
	}
	assert_int_equal(amount_col, 80);
	assert_non_null(strstr(d, "王小明"));
	/* The combining accent stays on its letter. */
	assert_non_null(strstr(d, "Zoë e\xcc\x81"));
}

static void test_hostile_text_is_inert(void **state)
{
	assert_int_equal(run_script(80, 24, script(":save-display %s/h\n", dir)), 0);
	const char *d = dump("h");
	assert_null(strchr(d, '\x1b'));
	assert_null(strchr(d, '\x07'));
	/* Shown, not obeyed: the escape is visible as a symbol. */
	assert_non_null(strstr(d, "Evil\xe2\x90\x9b[31mRED"));
}

static void test_help_from_tables(void **state)
{
	assert_int_equal(run_script(120, 40, script("?\n:save-display %s/help\n", dir)), 0);
	const char *d = dump("help");
	assert_non_null(strstr(d, "Keys of the List screen"));
	assert_non_null(strstr(d, "Ask for confirmation"));
	assert_non_null(strstr(d, "(:ask)"));
	assert_non_null(strstr(d, "<Down> j"));
	assert_non_null(strstr(d, "Move the cursor down one line"));
	/* Enter belongs to the view's own request here: the generic one is
	 * left with its command name only. */
	const char *generic = strstr(d, "Open the selected line");
	assert_non_null(generic);
	const char *line_start = generic;
	while (line_start > d && line_start[-1] != '\n')
		line_start--;
	assert_null(memmem(line_start, (size_t)(generic - line_start), "<Enter>", 7));
	assert_non_null(strstr(d, "<Enter>               Open the detail"));
}

static void test_command_completion_and_switch(void **state)
{
	assert_int_equal(run_script(80, 24,
	                            script("<Colon><Tab><Esc>\n<Colon>ot<Tab><Enter>\n"
	                                   ":save-display %s/o\n<Tab>\n:save-display %s/t\n"
	                                   "2\n:save-display %s/n\n",
	                                   dir, dir, dir)),
	                 0);
	char line[512];
	/* A script line starting with ':' runs directly; <Colon> types ':'
	 * and opens the prompt, where Tab completes "ot" to "other". */
	assert_non_null(strstr(dump_line(dump("o"), 0, line, sizeof line), "[2 Other]"));
	assert_non_null(strstr(dump_line(dump("t"), 0, line, sizeof line), "[1 List]"));
	assert_non_null(strstr(dump_line(dump("n"), 0, line, sizeof line), "[2 Other]"));
}

static void test_unknown_command_fails_script(void **state)
{
	assert_int_equal(run_script(80, 24, ":no-such-command\n"), 1);
}

static void test_confirm_and_prompt(void **state)
{
	confirmed = -1;
	assert_int_equal(run_script(80, 24, script("A\n:save-display %s/c\ny\n", dir)), 0);
	assert_int_equal(confirmed, 1);
	assert_non_null(strstr(dump("c"), "Really?"));
	assert_non_null(strstr(dump("c"), "Row two"));
	confirmed = -1;
	assert_int_equal(run_script(80, 24, "A\nx\nn\n"), 0);
	assert_int_equal(confirmed, 0);
	confirmed = -1;
	assert_int_equal(run_script(80, 24, "A\n<Esc>\n"), 0);
	assert_int_equal(confirmed, 0);
	assert_int_equal(run_script(80, 24, "eabc<Backspace>d 王<Enter>\n"), 0);
	assert_string_equal(prompted, "abd 王");
	assert_int_equal(run_script(80, 24, "exyz<Esc>\n"), 0);
	assert_string_equal(prompted, "(cancelled)");
}

static void test_need_selection(void **state)
{
	long saved = total_rows;
	total_rows = 0;
	confirmed = -1;
	int rc = run_script(80, 24, script("A\n:save-display %s/e\n", dir));
	total_rows = saved;
	assert_int_equal(rc, 0);
	assert_int_equal(confirmed, -1);
	assert_non_null(strstr(dump("e"), "Nothing is selected."));
	assert_non_null(strstr(dump("e"), "row 0 of 0"));
}

static void test_pager_search_and_back(void **state)
{
	assert_int_equal(run_script(80, 24,
	                            script("jj<Enter>\n:save-display %s/p1\n/needle<Enter>\n"
	                                   ":save-display %s/p2\nn\n:save-display %s/p3\n"
	                                   "q\n:save-display %s/p4\n",
	                                   dir, dir, dir, dir)),
	                 0);
	char line[512];
	assert_non_null(strstr(dump("p1"), "Detail of 00000002"));
	assert_non_null(strstr(dump_line(dump("p2"), 1, line, sizeof line), "line 29 needle"));
	assert_non_null(strstr(dump_line(dump("p3"), 1, line, sizeof line), "line 59 needle"));
	assert_non_null(strstr(dump_line(dump("p4"), 22, line, sizeof line), "row 3 of 1000"));
}

static void test_too_small_and_resize(void **state)
{
	assert_int_equal(run_script(80, 24,
	                            script(":resize 70x20\n:save-display %s/r1\n"
	                                   "j\n:resize 120x40\n:save-display %s/r2\n",
	                                   dir, dir)),
	                 0);
	assert_non_null(strstr(dump("r1"), "The terminal is 70x20"));
	assert_non_null(strstr(dump("r1"), "80x24"));
	const char *d = dump("r2");
	char line[512];
	/* The bigger window shows 36 rows; keys were ignored while too small. */
	assert_non_null(strstr(dump_line(d, 37, line, sizeof line), "35 "));
	assert_non_null(strstr(dump_line(d, 38, line, sizeof line), "row 1 of 1000"));
	assert_true(column_of(dump_line(d, 1, line, sizeof line), "Amount") > 100);
}

static void test_arrow_cursor(void **state)
{
	assert_int_equal(run_script(80, 24, script(":bar-cursor\njj\n:save-display %s/ar\n", dir)),
	                 0);
	char line[512];
	const char *d = dump("ar");
	/* The bar was on (these tests' options): :bar-cursor turns it off, and
	 * the arrow takes one column for its marker, then the table as before. */
	assert_true(strncmp(dump_line(d, 2, line, sizeof line), "      0 王小明", 16) == 0);
	assert_int_equal(column_of(line, "0.00") + 4, 80);
	assert_true(strncmp(dump_line(d, 4, line, sizeof line), ">     2", 7) == 0);
	assert_non_null(strstr(dump_line(d, 22, line, sizeof line), "row 3 of 1000"));
}

static void test_detail_pane(void **state)
{
	assert_int_equal(run_script(80, 24,
	                            script("v\njj\n:save-display %s/p1\nv\n:save-display %s/p2\n"
	                                   "2\nv\n:save-display %s/p3\n",
	                                   dir, dir, dir)),
	                 0);
	char line[512];
	const char *d = dump("p1");
	/* 24 lines: 10 for the pane, 10 rows of the list above it. */
	assert_non_null(strstr(dump_line(d, 11, line, sizeof line), " 9 "));
	assert_non_null(strstr(dump_line(d, 12, line, sizeof line), "Detail"));
	assert_string_equal(dump_line(d, 13, line, sizeof line), "Pane of 00000002");
	assert_string_equal(dump_line(d, 14, line, sizeof line),
	                    "Evil\xe2\x90\x9b[31mRED\xe2\x90\x9b]0;t\xe2\x90\x87");
	d = dump("p2");
	assert_null(strstr(d, "Pane of"));
	assert_non_null(strstr(dump_line(d, 21, line, sizeof line), "19 "));
	assert_non_null(strstr(dump("p3"), "This screen has no detail pane."));
}

static void test_escape_closes_but_never_quits(void **state)
{
	assert_int_equal(run_script(80, 24,
	                            script("<Enter>\n<Esc>\n:save-display %s/e1\n<Esc>\n"
	                                   ":save-display %s/e2\n",
	                                   dir, dir)),
	                 0);
	char line[512];
	/* The detail closed, then the list stayed. */
	assert_non_null(strstr(dump_line(dump("e1"), 22, line, sizeof line), "row 1 of 1000"));
	assert_non_null(strstr(dump_line(dump("e2"), 22, line, sizeof line), "row 1 of 1000"));
}

static void test_unknown_key_message(void **state)
{
	assert_int_equal(run_script(80, 24, script("z\n:save-display %s/k\n", dir)), 0);
	assert_non_null(strstr(dump("k"), "The key z does nothing here; press ? for help."));
}

static void test_data_change_is_shown_at_once(void **state)
{
	data_version = 0;
	int rc = run_script(80, 24,
	                    script("jj<Enter>\njjjjj\nC\n:save-display %s/c1\nq\n"
	                           ":save-display %s/c2\n2\n1\nC\n:save-display %s/c3\n",
	                           dir, dir, dir));
	data_version = 0;
	assert_int_equal(rc, 0);
	char line[512];
	/* The detail in front re-read its lines, at the same place. */
	const char *d = dump("c1");
	assert_non_null(strstr(d, "Detail of 00000002, version 1"));
	assert_non_null(strstr(dump_line(d, 22, line, sizeof line), "lines 1-21 of"));
	assert_true(strncmp(dump_line(d, 6, line, sizeof line), "line 4", 6) == 0);
	/* The list behind it caught up when it came to the front. */
	assert_non_null(strstr(dump_line(dump("c2"), 4, line, sizeof line), "v1 Evil"));
	assert_non_null(strstr(dump_line(dump("c2"), 22, line, sizeof line), "row 3 of 1000"));
	/* A request that changes the data shows the change at once. */
	assert_non_null(strstr(dump_line(dump("c3"), 4, line, sizeof line), "v2 Evil"));
}

static void test_long_lines_wrap(void **state)
{
	assert_int_equal(run_script(80, 24, script("<Enter>\nG\n:save-display %s/w\n", dir)), 0);
	const char *d = dump("w");
	char line[512];
	/* The last line of the detail is wrapped under its value, nothing cut. */
	assert_null(strchr(d, '~'));
	assert_true(strncmp(dump_line(d, 20, line, sizeof line), "  A label    and a value", 24) ==
	            0);
	assert_true(strncmp(dump_line(d, 21, line, sizeof line), "             ", 13) == 0);
	assert_non_null(strstr(d, "rather than under the label"));
}

static void test_long_message_wraps(void **state)
{
	message = "The statement was not printed: the printer \"office\" refused the job "
	          "(lp: Error - The printer or class does not exist.); it is kept as "
	          "statement-acct_1-2026-09-22-all.pdf in the statements folder.";
	assert_int_equal(run_script(80, 24, script("jj\nM\n:save-display %s/m\n", dir)), 0);
	const char *d = dump("m");
	char line[512];
	/* Three lines of message under the status line, which moved up. */
	assert_non_null(strstr(dump_line(d, 20, line, sizeof line), "row 3 of 1000"));
	assert_non_null(strstr(dump_line(d, 21, line, sizeof line), "The statement was not"));
	assert_non_null(strstr(d, "in the statements folder."));
	assert_null(strchr(d, '~'));
	/* The rows kept their place: the cursor's row is still the third. */
	assert_true(strncmp(dump_line(d, 4, line, sizeof line), "     2 ", 7) == 0);
}

static void test_status_line_is_never_cut(void **state)
{
	status_text = "currency: EUR  dates: 2026-09-01..2026-09-10  amount: 100.00-200.00  "
	              "search: ORD-001234";
	int rc = run_script(80, 24, script(":save-display %s/s\n", dir));
	status_text = NULL;
	assert_int_equal(rc, 0);
	const char *d = dump("s");
	assert_null(strchr(d, '~'));
	assert_non_null(strstr(d, "2026-09-01..2026-09-10"));
	assert_non_null(strstr(d, "search: ORD-001234"));
}

static void test_figures_are_never_cut(void **state)
{
	huge_amount = true;
	int rc = run_script(80, 24, script(":save-display %s/f\n", dir));
	huge_amount = false;
	assert_int_equal(rc, 0);
	char line[512];
	const char *d = dump("f");
	/* Wider than the column's maximum: the column widens, the name gives way. */
	assert_non_null(strstr(dump_line(d, 3, line, sizeof line), "12,345,678,901.23"));
	assert_non_null(strstr(dump_line(d, 1, line, sizeof line), "Amount"));
}

static void test_show_row_in_full(void **state)
{
	assert_int_equal(run_script(80, 24, script("jj\ni\n:save-display %s/i\n", dir)), 0);
	const char *d = dump("i");
	assert_non_null(strstr(d, "every cell in full"));
	assert_non_null(strstr(d, "  Name    Evil\xe2\x90\x9b[31mRED"));
	assert_non_null(strstr(d, "  Amount  0.14"));
}

static void test_long_question_wraps(void **state)
{
	confirmed = -1;
	assert_int_equal(run_script(80, 24, script("L\n:save-display %s/q\nn\n", dir)), 0);
	const char *d = dump("q");
	assert_non_null(strstr(d, "whatever happens."));
	assert_non_null(strstr(d, "which wraps it under its value"));
	assert_null(strchr(d, '~'));
	assert_int_equal(confirmed, 0);
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	setenv("TERM", "xterm", 1);
	unsetenv("NO_COLOR");
	snprintf(dir, sizeof dir, "%s/paydesk-tui.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir))
		return 99;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_first_page_and_status),
	        cmocka_unit_test(test_paging_keys),
	        cmocka_unit_test(test_scroll_one_line_at_bottom),
	        cmocka_unit_test(test_wide_characters_keep_columns),
	        cmocka_unit_test(test_hostile_text_is_inert),
	        cmocka_unit_test(test_help_from_tables),
	        cmocka_unit_test(test_command_completion_and_switch),
	        cmocka_unit_test(test_unknown_command_fails_script),
	        cmocka_unit_test(test_confirm_and_prompt),
	        cmocka_unit_test(test_need_selection),
	        cmocka_unit_test(test_pager_search_and_back),
	        cmocka_unit_test(test_too_small_and_resize),
	        cmocka_unit_test(test_arrow_cursor),
	        cmocka_unit_test(test_detail_pane),
	        cmocka_unit_test(test_escape_closes_but_never_quits),
	        cmocka_unit_test(test_unknown_key_message),
	        cmocka_unit_test(test_data_change_is_shown_at_once),
	        cmocka_unit_test(test_long_lines_wrap),
	        cmocka_unit_test(test_long_message_wraps),
	        cmocka_unit_test(test_status_line_is_never_cut),
	        cmocka_unit_test(test_figures_are_never_cut),
	        cmocka_unit_test(test_show_row_in_full),
	        cmocka_unit_test(test_long_question_wraps),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "# could not remove %s\n", dir);
	return failed;
}
