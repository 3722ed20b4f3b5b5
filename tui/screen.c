/* The screen: terminal set-up and teardown, the view registry and stack,
 * drawing (tab bar, column titles, rows, status and message lines), the
 * main loop with its key dispatch, and the headless script mode. */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "tui/private.h"

#define MAX_VIEW_TYPES 32
#define MAX_STACK 16
#define MIN_COLS 80
#define MIN_LINES 24

static const struct tui_view_ops *registry[MAX_VIEW_TYPES];
static size_t n_registry;

/* Main screens stay open while the program runs so they keep their place. */
static struct tui_view *main_views[MAX_VIEW_TYPES];
static struct tui_view *stack[MAX_STACK];
static int depth;

static struct tui_options opts;
static SCREEN *screen;
static FILE *term_out;
static FILE *term_in;
static bool initialised;
static bool use_color;
static int wake_fds[2] = {-1, -1};
static char message[512];
static bool quit_requested;

/* Script mode: the file, the keys left of the current line, a command
 * waiting to run, the line number for error messages, and failures. */
static FILE *script;
static int script_keys[256];
static int script_n;
static int script_pos;
static char script_command[1024];
static bool script_has_command;
static int script_line;
static int script_failures;

#define TUI_KEY_EOF (-2)

/* Prompts and dialogs open (script commands then run without repainting). */
int tui_modal_depth;

static const struct tui_view_ops help_ops;

/* The detail pane: shown under a table whose view can describe a row.
 * Its lines are kept for the row they describe. */
static bool pane_on;
static struct tui_lines *pane_lines;
static char *pane_key;
static const struct tui_view *pane_view;
static void pane_forget(void);
static attr_t style_attr(int style);

/* Registers a view type.  Returns 0, or -1 when full or a duplicate. */
int tui_register_view(const struct tui_view_ops *ops)
{
	if (n_registry == MAX_VIEW_TYPES)
		return -1;
	for (size_t i = 0; i < n_registry; i++)
		if (!strcmp(registry[i]->name, ops->name))
			return -1;
	registry[n_registry++] = ops;
	return 0;
}

/* The registry (for completion and the help screen). */
const struct tui_view_ops *const *tui_registry(size_t *count)
{
	*count = n_registry;
	return registry;
}

static const struct tui_view_ops *find_ops(const char *name)
{
	for (size_t i = 0; i < n_registry; i++)
		if (!strcmp(registry[i]->name, name))
			return registry[i];
	if (!strcmp(name, help_ops.name))
		return &help_ops;
	return NULL;
}

/* Index of a main screen among main screens, -1 if not one. */
static int main_index(const struct tui_view_ops *ops)
{
	int n = 0;
	for (size_t i = 0; i < n_registry; i++) {
		if (!registry[i]->main_screen)
			continue;
		if (registry[i] == ops)
			return n;
		n++;
	}
	return -1;
}

static const struct tui_view_ops *main_ops_at(int index)
{
	int n = 0;
	for (size_t i = 0; i < n_registry; i++) {
		if (!registry[i]->main_screen)
			continue;
		if (n == index)
			return registry[i];
		n++;
	}
	return NULL;
}

static int main_count(void)
{
	int n = 0;
	for (size_t i = 0; i < n_registry; i++)
		n += registry[i]->main_screen;
	return n;
}

struct tui_view *tui_top_view(void)
{
	return depth > 0 ? stack[depth - 1] : NULL;
}

/* Shows a message on the status line until the next key. */
void tui_message(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
}

/* Writes a byte to the wake-up pipe (any thread). */
int tui_wakeup_fd(void)
{
	return wake_fds[1];
}

void tui_request_redraw(void)
{
	if (wake_fds[1] >= 0) {
		char c = 'r';
		if (write(wake_fds[1], &c, 1) < 0) {
			/* A full pipe already holds a wake-up: nothing is lost. */
		}
	}
}

/* Frees a view: its ops' close, its rows, its lines, itself. */
static void view_free(struct tui_view *view)
{
	if (!view)
		return;
	if (pane_view == view)
		pane_forget();
	if (view->ops->close)
		view->ops->close(view);
	tui_table_free_rows(view->state);
	free(view->state->rows);
	tui_lines_free(view->state->lines);
	free(view->state->search);
	free(view->state);
	free(view);
}

/* Creates and opens a view of a type.  NULL on failure (message set). */
static struct tui_view *view_new(const struct tui_view_ops *ops, const char *arg)
{
	struct tui_view *view = calloc(1, sizeof *view);
	if (!view) {
		tui_message("%s", _("Out of memory."));
		return NULL;
	}
	view->state = calloc(1, sizeof *view->state);
	if (!view->state) {
		free(view);
		tui_message("%s", _("Out of memory."));
		return NULL;
	}
	view->ops = ops;
	if (ops->open && ops->open(view, arg) < 0) {
		tui_table_free_rows(view->state);
		free(view->state->rows);
		tui_lines_free(view->state->lines);
		free(view->state);
		free(view);
		return NULL;
	}
	return view;
}

void tui_view_set_table(struct tui_view *view, const struct tui_column *columns, int n_columns,
			const struct tui_row_source *source)
{
	struct tui_view_state *st = view->state;
	st->columns = columns;
	st->n_columns = n_columns > TUI_MAX_COLUMNS ? TUI_MAX_COLUMNS : n_columns;
	st->source = *source;
	tui_table_free_rows(st);
	st->loaded = false;
	st->count = TUI_COUNT_UNKNOWN;
}

void tui_view_set_lines(struct tui_view *view, struct tui_lines *lines)
{
	struct tui_view_state *st = view->state;
	tui_lines_free(st->lines);
	st->lines = lines;
	st->columns = NULL;
	st->n_columns = 1;
	st->source = tui_lines_source_template;
	st->source.ctx = lines;
	tui_table_free_rows(st);
	st->loaded = false;
	st->count = TUI_COUNT_UNKNOWN;
}

const struct tui_row *tui_view_selected_row(struct tui_view *view)
{
	struct tui_view_state *st = view->state;
	if (st->n_rows == 0 || st->cursor < 0 || st->cursor >= st->n_rows)
		return NULL;
	return &st->rows[st->cursor];
}

const char *tui_view_selected_key(struct tui_view *view)
{
	const struct tui_row *row = tui_view_selected_row(view);
	return row ? row->key : NULL;
}

/* Rows available for data in a view: the whole screen less the tab bar,
 * the column titles (tables only), the status and message lines. */

static bool pane_shown(const struct tui_view *view)
{
	return pane_on && view->ops->detail && view->state->columns;
}

/* Rows of the pane, its separator line included. */
static int pane_height(const struct tui_view *view)
{
	return pane_shown(view) ? (LINES - 4) / 2 : 0;
}

int tui_data_height(const struct tui_view *view)
{
	int h = LINES - 3 - (view->state->columns ? 1 : 0) - pane_height(view);
	return h > 1 ? h : 1;
}

static void pane_forget(void)
{
	tui_lines_free(pane_lines);
	pane_lines = NULL;
	free(pane_key);
	pane_key = NULL;
	pane_view = NULL;
}

/* Draws the pane under the rows: a separator, then the detail's first
 * lines (Enter opens the whole detail). */
static void draw_pane(struct tui_view *view, int y)
{
	int height = pane_height(view);
	const struct tui_row *row = tui_view_selected_row(view);
	if (!row) {
		pane_forget();
	} else if (pane_view != view || !pane_key || !row->key || strcmp(pane_key, row->key) != 0) {
		pane_forget();
		pane_lines = view->ops->detail(view, row);
		pane_key = row->key ? strdup(row->key) : NULL;
		pane_view = view;
	}
	attrset(A_REVERSE | A_DIM);
	move(y, 0);
	for (int i = 0; i < COLS; i++)
		addch(' ');
	tui_put_text(y, 1, _("Detail (v hides it, Enter opens it)"), COLS - 2, false, false);
	attrset(A_NORMAL);
	for (int i = 1; i < height; i++) {
		move(y + i, 0);
		clrtoeol();
		if (pane_lines && i - 1 < pane_lines->count) {
			attrset(style_attr(pane_lines->style[i - 1]));
			tui_put_text(y + i, 0, pane_lines->text[i - 1], COLS, false, false);
			attrset(A_NORMAL);
		}
	}
}

void tui_view_reload(struct tui_view *view)
{
	tui_table_load_first(view, tui_data_height(view));
}

/* Shows a main screen (opened on first use) as the only view. */
static int switch_main(const struct tui_view_ops *ops)
{
	size_t slot;
	for (slot = 0; slot < n_registry; slot++)
		if (registry[slot] == ops)
			break;
	if (slot == n_registry)
		return -1;
	if (!main_views[slot]) {
		main_views[slot] = view_new(ops, NULL);
		if (!main_views[slot])
			return -1;
	}
	while (depth > 0) {
		struct tui_view *view = stack[--depth];
		if (main_index(view->ops) < 0)
			view_free(view);
	}
	stack[depth++] = main_views[slot];
	struct tui_view *view = main_views[slot];
	if (view->ops->show)
		view->ops->show(view);
	tui_table_fill(view, tui_data_height(view));
	return 0;
}

int tui_view_push(const char *name, const char *arg)
{
	const struct tui_view_ops *ops = find_ops(name);
	if (!ops) {
		tui_message(_("There is no screen called \"%s\"."), name);
		return -1;
	}
	if (ops->main_screen)
		return switch_main(ops);
	if (depth == MAX_STACK) {
		tui_message("%s", _("Too many screens are open; close one with q."));
		return -1;
	}
	struct tui_view *view = view_new(ops, arg);
	if (!view)
		return -1;
	stack[depth++] = view;
	tui_table_fill(view, tui_data_height(view));
	return 0;
}

/* ------------------------------------------------------------------ */
/* Drawing */

static attr_t style_attr(int style)
{
	static const attr_t mono[TUI_STYLE_COUNT] = {
		[TUI_STYLE_NORMAL] = A_NORMAL, [TUI_STYLE_HEADER] = A_BOLD,
		[TUI_STYLE_DIM] = A_DIM,       [TUI_STYLE_GOOD] = A_NORMAL,
		[TUI_STYLE_WARN] = A_BOLD,     [TUI_STYLE_ALERT] = A_BOLD | A_UNDERLINE,
	};
	if (style < 0 || style >= TUI_STYLE_COUNT)
		style = TUI_STYLE_NORMAL;
	attr_t attr = mono[style];
	if (use_color && style != TUI_STYLE_NORMAL && style != TUI_STYLE_DIM)
		attr = (style == TUI_STYLE_HEADER ? A_BOLD : A_NORMAL) | COLOR_PAIR(style);
	return attr;
}

static void init_colors(void)
{
	use_color = false;
	const char *no_color = getenv("NO_COLOR");
	if ((no_color && *no_color) || !has_colors())
		return;
	if (start_color() == ERR)
		return;
	use_default_colors();
	init_pair(TUI_STYLE_HEADER, COLOR_CYAN, -1);
	init_pair(TUI_STYLE_GOOD, COLOR_GREEN, -1);
	init_pair(TUI_STYLE_WARN, COLOR_YELLOW, -1);
	init_pair(TUI_STYLE_ALERT, COLOR_RED, -1);
	use_color = true;
}

/* Draws untrusted text at (y, x) in at most `width` columns, padded with
 * blanks to exactly `width` when pad is set.  Returns the columns used. */
int tui_put_text(int y, int x, const char *text, int width, bool pad, bool right)
{
	if (width <= 0)
		return 0;
	char clean_buf[1024];
	char fitted[1024];
	tui_sanitize(text ? text : "", text ? strlen(text) : 0, clean_buf, sizeof clean_buf, 0);
	int used = 0;
	tui_fit_text(clean_buf, width, fitted, sizeof fitted, &used);
	int lead = right && pad ? width - used : 0;
	/* Padding is drawn without colour: blanks that look alike are alike
	 * to curses too, so it can skip or erase them instead of rewriting. */
	attr_t attr;
	short pair;
	attr_get(&attr, &pair, NULL);
	move(y, x);
	if (lead > 0) {
		attr_set(attr & A_REVERSE, 0, NULL);
		for (int i = 0; i < lead; i++)
			addch(' ');
		attr_set(attr, pair, NULL);
	}
	addstr(fitted);
	if (pad && used + lead < width) {
		attr_set(attr & A_REVERSE, 0, NULL);
		for (int i = used + lead; i < width; i++)
			addch(' ');
		attr_set(attr, pair, NULL);
	}
	return pad ? width : used;
}

/* Column widths for the screen width: every column gets its minimum, the
 * space left goes by flex up to each maximum; columns that do not fit at
 * all are hidden (width 0). */
static void layout(const struct tui_view_state *st, int total, int *widths)
{
	int used = 0;
	int n = st->n_columns;
	for (int i = 0; i < n; i++) {
		int need = st->columns[i].min + (i ? 1 : 0);
		if (used + need > total) {
			for (int j = i; j < n; j++)
				widths[j] = 0;
			n = i;
			break;
		}
		widths[i] = st->columns[i].min;
		used += need;
	}
	int flex_total = 0;
	for (int i = 0; i < n; i++)
		flex_total += st->columns[i].flex;
	int left = total - used;
	for (int pass = 0; pass < 2 && left > 0 && flex_total > 0; pass++) {
		int share_left = left;
		for (int i = 0; i < n && left > 0; i++) {
			if (!st->columns[i].flex)
				continue;
			int add = share_left * st->columns[i].flex / flex_total;
			if (add == 0)
				add = 1;
			if (st->columns[i].max && widths[i] + add > st->columns[i].max)
				add = st->columns[i].max - widths[i];
			if (add > left)
				add = left;
			widths[i] += add;
			left -= add;
		}
	}
}

static void draw_tabs(void)
{
	struct tui_view *top = tui_top_view();
	attrset(A_REVERSE);
	move(0, 0);
	for (int i = 0; i < COLS; i++)
		addch(' ');
	int x = 1;
	x += tui_put_text(0, x, opts.program ? opts.program : "tui", 20, false, false) + 2;
	int n = main_count();
	for (int i = 0; i < n && x < COLS; i++) {
		const struct tui_view_ops *ops = main_ops_at(i);
		bool current = false;
		for (int d = 0; d < depth; d++)
			if (stack[d]->ops == ops)
				current = true;
		char label[128];
		snprintf(label, sizeof label, current ? "[%d %s]" : " %d %s ", i + 1, _(ops->title));
		attrset(current ? A_BOLD : A_REVERSE);
		x += tui_put_text(0, x, label, COLS - x, false, false) + 1;
		attrset(A_REVERSE);
	}
	if (top && main_index(top->ops) < 0 && x < COLS - 4) {
		const char *title = _(top->ops->title);
		int w = tui_text_width(title);
		int room = COLS - x - 2;
		int at = w < room ? COLS - 1 - w : x + 1;
		tui_put_text(0, at, title, room, false, false);
	}
	attrset(A_NORMAL);
}

static void draw_rows(struct tui_view *view)
{
	struct tui_view_state *st = view->state;
	int widths[TUI_MAX_COLUMNS] = {0};
	int y = 1;
	int margin = opts.arrow_cursor ? 2 : 0;
	if (st->columns) {
		layout(st, COLS - margin, widths);
		attrset(style_attr(TUI_STYLE_HEADER));
		int x = margin;
		move(y, 0);
		clrtoeol();
		for (int c = 0; c < st->n_columns; c++) {
			if (!widths[c])
				continue;
			tui_put_text(y, x, _(st->columns[c].title), widths[c], true,
				 st->columns[c].align == TUI_ALIGN_RIGHT);
			x += widths[c] + 1;
		}
		attrset(A_NORMAL);
		y++;
	} else {
		widths[0] = COLS - margin;
	}
	int height = tui_data_height(view);
	for (int r = 0; r < height; r++, y++) {
		move(y, 0);
		if (r >= st->n_rows) {
			attrset(A_NORMAL);
			clrtoeol();
			continue;
		}
		const struct tui_row *row = &st->rows[r];
		bool cursor = r == st->cursor;
		int x = 0;
		if (margin) {
			attrset(cursor ? A_BOLD : A_NORMAL);
			addstr(cursor ? "> " : "  ");
			x = margin;
			cursor = false;
		}
		for (int c = 0; c < st->n_columns; c++) {
			if (!widths[c])
				continue;
			int style = row->cell_style[c] ? row->cell_style[c] : row->style;
			attr_t attr = style_attr(style);
			if (cursor)
				attr |= A_REVERSE;
			attrset(attr);
			bool right = st->columns && st->columns[c].align == TUI_ALIGN_RIGHT;
			tui_put_text(y, x, row->cells[c], widths[c], true, right);
			x += widths[c];
			if (x < COLS) {
				attrset(cursor ? A_REVERSE : A_NORMAL);
				addch(' ');
				x++;
			}
		}
		attrset(cursor ? A_REVERSE : A_NORMAL);
		while (x < COLS) {
			addch(' ');
			x++;
		}
		attrset(A_NORMAL);
	}
}

static void draw_status(struct tui_view *view)
{
	char left[256] = "";
	char right[256] = "";
	char extra[200] = "";
	if (view) {
		struct tui_view_state *st = view->state;
		long count = st->source.count ? st->count : -1;
		if (view->ops->status)
			view->ops->status(view, extra, sizeof extra);
		long at = st->n_rows ? st->top + st->cursor + 1 : 0;
		if (st->lines) {
			long last = st->top + st->n_rows;
			count = st->lines->count;
			snprintf(left, sizeof left, _("%s  lines %ld-%ld of %ld%s%s"), _(view->ops->title),
				 st->n_rows ? st->top + 1 : 0, last, count, extra[0] ? "  " : "", extra);
		} else if (count >= 0) {
			snprintf(left, sizeof left, _("%s  row %ld of %ld%s%s"), _(view->ops->title), at,
				 count, extra[0] ? "  " : "", extra);
		} else if (count == TUI_COUNT_UNKNOWN) {
			snprintf(left, sizeof left, _("%s  row %ld%s%s"), _(view->ops->title), at,
				 extra[0] ? "  " : "", extra);
		} else {
			snprintf(left, sizeof left, "%s%s%s", _(view->ops->title), extra[0] ? "  " : "",
				 extra);
		}
	}
	if (opts.hooks.status)
		opts.hooks.status(right, sizeof right);
	int y = LINES - 2;
	attrset(A_REVERSE);
	move(y, 0);
	for (int i = 0; i < COLS; i++)
		addch(' ');
	int rw = tui_text_width(right);
	if (rw > COLS / 2)
		rw = COLS / 2;
	tui_put_text(y, 1, left, COLS - rw - 3, false, false);
	if (rw > 0)
		tui_put_text(y, COLS - rw - 1, right, rw, false, false);
	attrset(A_NORMAL);
	move(LINES - 1, 0);
	clrtoeol();
	if (message[0])
		tui_put_text(LINES - 1, 0, message, COLS, false, false);
}

static void draw_too_small(void)
{
	erase();
	char text[256];
	snprintf(text, sizeof text, _("The terminal is %dx%d; paydesk needs at least %dx%d."), COLS,
		 LINES, MIN_COLS, MIN_LINES);
	int y = LINES / 2 - 1;
	if (y < 0)
		y = 0;
	tui_put_text(y, 0, text, COLS, false, false);
	if (y + 1 < LINES)
		tui_put_text(y + 1, 0, _("Enlarge the window, or press q to quit."), COLS, false, false);
}

static bool too_small(void)
{
	return COLS < MIN_COLS || LINES < MIN_LINES;
}

/* Paints everything into curses' buffer (no output yet). */
static void paint(void)
{
	if (too_small()) {
		draw_too_small();
		return;
	}
	struct tui_view *view = tui_top_view();
	draw_tabs();
	if (view) {
		if (!view->state->loaded || view->state->height != tui_data_height(view))
			tui_table_fill(view, tui_data_height(view));
		draw_rows(view);
		if (pane_shown(view))
			draw_pane(view, 2 + tui_data_height(view));
	}
	draw_status(view);
}

void tui_draw_now(void)
{
	paint();
	refresh();
	/* The count comes after the first paint: the rows show at once and
	 * the total follows (before the next key is read). */
	struct tui_view *view = tui_top_view();
	if (view && !too_small() && view->state->source.count &&
	    view->state->count == TUI_COUNT_UNKNOWN && view->state->loaded) {
		tui_table_count(view);
		paint();
		refresh();
	}
}

void tui_draw(void)
{
	tui_draw_now();
}

/* ------------------------------------------------------------------ */
/* Screen dump */

/* Writes the text of every screen line to path (UTF-8, trailing blanks
 * removed).  Returns 0, or -1 with errno set. */
int tui_save_display(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	for (int y = 0; y < LINES; y++) {
		wchar_t wline[1024];
		int n = mvinnwstr(y, 0, wline, 1023);
		if (n == ERR)
			n = 0;
		wline[n] = L'\0';
		int end = n;
		while (end > 0 && wline[end - 1] == L' ')
			end--;
		wline[end] = L'\0';
		char mb[4096];
		mbstate_t st;
		memset(&st, 0, sizeof st);
		const wchar_t *src = wline;
		size_t len = wcsrtombs(mb, &src, sizeof mb - 1, &st);
		if (len == (size_t)-1)
			len = 0;
		mb[len] = '\0';
		fprintf(f, "%s\n", mb);
	}
	if (fclose(f) != 0)
		return -1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Keys */

/* Waits until background work is idle (script mode: no sleeps, no races).
 * Returns when hooks.busy says idle. */
static void wait_idle(void)
{
	bool changed = false;
	while (opts.hooks.busy && opts.hooks.busy()) {
		struct pollfd p = {.fd = wake_fds[0], .events = POLLIN};
		int rc = poll(&p, 1, 1000);
		if (rc > 0) {
			char buf[64];
			while (read(wake_fds[0], buf, sizeof buf) > 0) {
			}
		}
		if (opts.hooks.poll && opts.hooks.poll())
			changed = true;
	}
	if (opts.hooks.poll && opts.hooks.poll())
		changed = true;
	if (changed) {
		pane_forget();
		struct tui_view *view = tui_top_view();
		if (view && view->state->loaded && !too_small())
			tui_table_reload_here(view, tui_data_height(view));
		if (!tui_modal_depth)
			tui_draw_now();
	}
}

/* Reads the next script line into keys or a command.  Returns false at
 * the end of the script. */
static bool script_next_line(void)
{
	char line[1024];
	while (fgets(line, sizeof line, script)) {
		script_line++;
		size_t len = strlen(line);
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		if (line[0] == ':') {
			snprintf(script_command, sizeof script_command, "%s", line + 1);
			script_has_command = true;
			return true;
		}
		script_n = 0;
		script_pos = 0;
		const char *s = line;
		while (*s && script_n < (int)(sizeof script_keys / sizeof script_keys[0])) {
			int key = tui_key_parse(&s);
			if (key == TUI_KEY_NONE) {
				fprintf(stderr, _("script line %d: unknown key at \"%s\"\n"), script_line, s);
				script_failures++;
				break;
			}
			script_keys[script_n++] = key;
		}
		if (script_n > 0)
			return true;
	}
	return false;
}

/* Runs a script command line; a failure counts against the script. */
static void script_run_command(void)
{
	script_has_command = false;
	message[0] = '\0';
	if (tui_run_command(script_command) < 0) {
		fprintf(stderr, _("script line %d: %s\n"), script_line, message);
		script_failures++;
	}
}

/* Next key from the script (after background work is idle), or
 * TUI_KEY_EOF.  Command lines run on the way: inside a prompt or dialog
 * without repainting (so a dump shows the dialog), else followed by a
 * repaint. */
static int script_key(void)
{
	for (;;) {
		wait_idle();
		if (script_pos < script_n)
			return script_keys[script_pos++];
		if (!script_next_line())
			return TUI_KEY_EOF;
		if (script_has_command) {
			script_run_command();
			if (!tui_modal_depth)
				tui_draw_now();
			if (quit_requested)
				return TUI_KEY_EOF;
		}
	}
}

/* Next key from the terminal, watching the wake-up pipe meanwhile. */
static int terminal_key(void)
{
	for (;;) {
		wint_t wc;
		timeout(0);
		int rc = get_wch(&wc);
		if (rc == KEY_CODE_YES)
			return TUI_KEY_FN((int)wc);
		if (rc == OK)
			return wc == '\n' || wc == KEY_ENTER ? TUI_KEY_ENTER : (int)wc;
		struct pollfd p[2] = {{.fd = STDIN_FILENO, .events = POLLIN},
				      {.fd = wake_fds[0], .events = POLLIN}};
		int n = poll(p, 2, -1);
		if (n < 0 && errno != EINTR)
			return TUI_KEY_EOF;
		if (n > 0 && (p[0].revents & (POLLHUP | POLLERR)) && !(p[0].revents & POLLIN))
			return TUI_KEY_EOF;
		if (n > 0 && (p[1].revents & POLLIN)) {
			char buf[64];
			while (read(wake_fds[0], buf, sizeof buf) > 0) {
			}
			if (opts.hooks.poll && opts.hooks.poll()) {
				pane_forget();
				struct tui_view *view = tui_top_view();
				if (view && main_index(view->ops) >= 0)
					tui_table_reload_here(view, tui_data_height(view));
			}
			tui_draw_now();
		}
	}
}

/* The next key, from the script or the terminal. */
int tui_read_key(void)
{
	if (script)
		return script_key();
	return terminal_key();
}

/* ------------------------------------------------------------------ */
/* Dispatch */

static int do_search(struct tui_view *view, int direction, bool ask)
{
	struct tui_view_state *st = view->state;
	if (ask) {
		char text[256];
		if (!tui_prompt("/", "", text, sizeof text))
			return TUI_HANDLED;
		free(st->search);
		st->search = strdup(text);
		if (view->ops->search)
			return view->ops->search(view, text) | TUI_HANDLED;
	} else if (view->ops->search) {
		if (direction > 0)
			tui_table_down(view, 1);
		else
			tui_table_up(view, 1);
		return TUI_HANDLED;
	}
	if (!st->lines || !st->search || !st->search[0])
		return TUI_HANDLED;
	long from = st->n_rows ? st->top + st->cursor : 0;
	if (ask)
		from -= direction;
	int found = tui_lines_find(st->lines, (int)from, st->search, direction);
	if (found < 0) {
		tui_message(_("No line matches \"%s\"."), st->search);
		return TUI_HANDLED;
	}
	tui_table_jump(view, found, tui_data_height(view));
	/* Keep the match under the cursor even when the page ends early. */
	for (int i = 0; i < st->n_rows; i++)
		if (atoi(st->rows[i].key) == found)
			st->cursor = i;
	return TUI_HANDLED;
}

static int switch_relative(int step)
{
	struct tui_view *bottom = depth > 0 ? stack[0] : NULL;
	int n = main_count();
	if (n == 0)
		return TUI_HANDLED;
	int at = bottom ? main_index(bottom->ops) : 0;
	if (at < 0)
		at = 0;
	switch_main(main_ops_at(((at + step) % n + n) % n));
	return TUI_HANDLED;
}

/* The generic handler: movement, paging, search, help, screens. */
static int generic_request(struct tui_view *view, int request)
{
	int height = tui_data_height(view);
	switch (request) {
	case TUI_REQ_MOVE_DOWN:
		tui_table_down(view, 1);
		return TUI_HANDLED;
	case TUI_REQ_MOVE_UP:
		tui_table_up(view, 1);
		return TUI_HANDLED;
	case TUI_REQ_PAGE_DOWN:
		tui_table_down(view, height);
		return TUI_HANDLED;
	case TUI_REQ_PAGE_UP:
		tui_table_up(view, height);
		return TUI_HANDLED;
	case TUI_REQ_FIRST:
		tui_table_load_first(view, height);
		return TUI_HANDLED;
	case TUI_REQ_LAST:
		tui_table_load_last(view, height);
		return TUI_HANDLED;
	case TUI_REQ_BACK:
		if (depth > 1) {
			struct tui_view *top = stack[--depth];
			if (main_index(top->ops) < 0)
				view_free(top);
			struct tui_view *under = tui_top_view();
			if (under->ops->show)
				under->ops->show(under);
			return TUI_HANDLED;
		}
		return TUI_QUIT;
	case TUI_REQ_QUIT:
		return TUI_QUIT;
	case TUI_REQ_SEARCH:
		return do_search(view, 1, true);
	case TUI_REQ_FIND_NEXT:
		return do_search(view, 1, false);
	case TUI_REQ_FIND_PREV:
		return do_search(view, -1, false);
	case TUI_REQ_PROMPT: {
		char line[512];
		if (tui_prompt(":", "", line, sizeof line) && line[0])
			tui_run_command(line);
		return TUI_HANDLED;
	}
	case TUI_REQ_HELP:
		tui_view_push(help_ops.name, view->ops->name);
		return TUI_HANDLED;
	case TUI_REQ_NEXT_VIEW:
		return switch_relative(1);
	case TUI_REQ_PREV_VIEW:
		return switch_relative(-1);
	case TUI_REQ_VIEW_1:
	case TUI_REQ_VIEW_2:
	case TUI_REQ_VIEW_3:
	case TUI_REQ_VIEW_4:
	case TUI_REQ_VIEW_5:
	case TUI_REQ_VIEW_6: {
		const struct tui_view_ops *ops = main_ops_at(request - TUI_REQ_VIEW_1);
		if (ops)
			switch_main(ops);
		return TUI_HANDLED;
	}
	case TUI_REQ_REFRESH: {
		const char *msg = opts.hooks.sync_now ? opts.hooks.sync_now() : NULL;
		if (msg)
			tui_message("%s", msg);
		return TUI_HANDLED;
	}
	case TUI_REQ_REDRAW:
		clearok(curscr, TRUE);
		return TUI_HANDLED;
	case TUI_REQ_ARROW_CURSOR:
		opts.arrow_cursor = !opts.arrow_cursor;
		return TUI_HANDLED;
	case TUI_REQ_PANE:
		if (!view->ops->detail || !view->state->columns) {
			tui_message("%s", _("This screen has no detail pane."));
			return TUI_HANDLED;
		}
		pane_on = !pane_on;
		pane_forget();
		tui_table_fill(view, tui_data_height(view));
		return TUI_HANDLED;
	default:
		return TUI_PASS;
	}
}

/* Checks a request's needs; returns NULL when it may run, else why not. */
static const char *need_refusal(struct tui_view *view, int request)
{
	const struct tui_req_entry *entry = tui_request_find(view->ops, request);
	if (!entry)
		return NULL;
	if ((entry->need & TUI_NEED_SELECTION) && !tui_view_selected_row(view))
		return _("Nothing is selected.");
	if ((entry->need & ~(TUI_NEED_APP - 1)) && opts.hooks.check_need)
		return opts.hooks.check_need(entry->need);
	return NULL;
}

/* Runs a request on the top view: needs, the view's handler, then the
 * generic one.  Returns the resulting flags. */
static int dispatch(int request)
{
	struct tui_view *view = tui_top_view();
	if (!view)
		return TUI_QUIT;
	const char *refusal = need_refusal(view, request);
	if (refusal) {
		tui_message("%s", refusal);
		return TUI_HANDLED;
	}
	int flags = TUI_PASS;
	if (view->ops->request)
		flags = view->ops->request(view, request);
	if (flags == TUI_PASS)
		flags = generic_request(view, request);
	view = tui_top_view();
	if (flags & (TUI_RELOAD | TUI_REFRESH))
		pane_forget();
	if (view && (flags & TUI_RELOAD))
		tui_table_load_first(view, tui_data_height(view));
	else if (view && (flags & TUI_REFRESH))
		tui_table_reload_here(view, tui_data_height(view));
	if (flags & TUI_QUIT)
		quit_requested = true;
	return flags;
}

int tui_do_request(int request)
{
	int flags = dispatch(request);
	tui_draw_now();
	return flags;
}

/* Handles a terminal resize: curses already knows the new size. */
static void resized(void)
{
	struct tui_view *view = tui_top_view();
	clear();
	if (view && !too_small())
		tui_table_fill(view, tui_data_height(view));
}

int tui_run_command(const char *line)
{
	while (*line == ' ' || *line == ':')
		line++;
	char name[64];
	size_t n = 0;
	while (line[n] && line[n] != ' ' && n + 1 < sizeof name) {
		name[n] = line[n];
		n++;
	}
	name[n] = '\0';
	const char *arg = line + n;
	while (*arg == ' ')
		arg++;
	struct tui_view *view = tui_top_view();
	if (!strcmp(name, "save-display")) {
		if (!*arg || tui_save_display(arg) < 0) {
			tui_message(_("Could not save the display to \"%s\": %s"), arg, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (!strcmp(name, "resize")) {
		int cols = 0, rows = 0;
		if (sscanf(arg, "%dx%d", &cols, &rows) != 2 || cols < 1 || rows < 1) {
			tui_message("%s", _("Usage: resize COLUMNSxLINES"));
			return -1;
		}
		resizeterm(rows, cols);
		resized();
		return 0;
	}
	if (!strcmp(name, "search") && view) {
		free(view->state->search);
		view->state->search = strdup(arg);
		if (view->ops->search) {
			int flags = view->ops->search(view, arg);
			if (flags & TUI_RELOAD)
				tui_table_load_first(view, tui_data_height(view));
			return 0;
		}
		do_search(view, 1, false);
		return 0;
	}
	if (!strcmp(name, "q") || !strcmp(name, "quit")) {
		quit_requested = true;
		return 0;
	}
	const struct tui_view_ops *ops = find_ops(name);
	if (ops && ops != &help_ops)
		return tui_view_push(name, *arg ? arg : NULL);
	if (view) {
		int request = tui_request_by_name(view->ops, name);
		if (request != TUI_REQ_NONE) {
			dispatch(request);
			return 0;
		}
	}
	tui_message(_("Unknown command \"%s\"; press Tab after : to see the commands."), name);
	return -1;
}

/* Candidate `:` commands: screens, the top view's requests, built-ins. */
int tui_command_complete(const char *prefix, char *out, size_t size, char *list, size_t list_size)
{
	const char *names[128];
	int n = 0;
	static const char *const builtins[] = {"save-display", "search", "quit"};
	for (size_t i = 0; i < n_registry && n < 128; i++)
		names[n++] = registry[i]->name;
	struct tui_view *view = tui_top_view();
	for (size_t i = 0; view && i < view->ops->n_requests && n < 128; i++)
		names[n++] = view->ops->requests[i].name;
	size_t n_generic;
	const struct tui_req_entry *generic = tui_generic_requests(&n_generic);
	for (size_t i = 0; i < n_generic && n < 128; i++)
		names[n++] = generic[i].name;
	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0] && n < 128; i++)
		names[n++] = builtins[i];

	size_t plen = strlen(prefix);
	int matches = 0;
	size_t common = 0;
	size_t used = 0;
	if (list_size)
		list[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (strncmp(names[i], prefix, plen))
			continue;
		if (matches == 0) {
			snprintf(out, size, "%s", names[i]);
			common = strlen(out);
		} else {
			size_t k = 0;
			while (k < common && out[k] == names[i][k])
				k++;
			common = k;
			out[common] = '\0';
		}
		int w = snprintf(list + used, list_size - used, "%s%s", matches ? " " : "", names[i]);
		if (w > 0 && (size_t)w < list_size - used)
			used += (size_t)w;
		matches++;
	}
	if (matches == 0)
		snprintf(out, size, "%s", prefix);
	return matches;
}

/* ------------------------------------------------------------------ */
/* The help screen, generated from the keymaps and request tables. */

static void help_add(struct tui_lines *lines, const struct tui_view_ops *ops,
		     const struct tui_req_entry *entry)
{
	char keys[128];
	if (tui_keymap_keys(ops, entry->code, keys, sizeof keys) == 0)
		snprintf(keys, sizeof keys, ":%s", entry->name);
	char pad_keys[160];
	int w = tui_text_width(keys);
	snprintf(pad_keys, sizeof pad_keys, "%s%*s", keys, w < 24 ? 24 - w : 1, "");
	tui_lines_addf(lines, TUI_STYLE_NORMAL, "  %s%s  (:%s)", pad_keys, _(entry->help),
		       entry->name);
}

static int help_open(struct tui_view *view, const char *arg)
{
	const struct tui_view_ops *ops = arg ? find_ops(arg) : NULL;
	struct tui_lines *lines = tui_lines_new();
	if (!lines) {
		tui_message("%s", _("Out of memory."));
		return -1;
	}
	if (ops && ops->n_requests) {
		tui_lines_addf(lines, TUI_STYLE_HEADER, _("Keys of the %s screen"), _(ops->title));
		for (size_t i = 0; i < ops->n_requests; i++) {
			struct tui_req_entry entry = {ops->requests[i].code, ops->requests[i].name,
						      ops->requests[i].keys, ops->requests[i].help,
						      ops->requests[i].need};
			help_add(lines, ops, &entry);
		}
		tui_lines_add(lines, TUI_STYLE_NORMAL, "");
	}
	tui_lines_add(lines, TUI_STYLE_HEADER, _("Keys of every screen"));
	size_t n;
	const struct tui_req_entry *generic = tui_generic_requests(&n);
	for (size_t i = 0; i < n; i++) {
		if (generic[i].code >= TUI_REQ_VIEW_1 + main_count() &&
		    generic[i].code <= TUI_REQ_VIEW_6)
			continue;
		bool overridden = false;
		for (size_t j = 0; ops && j < ops->n_requests; j++)
			if (ops->requests[j].code == generic[i].code)
				overridden = true;
		if (!overridden)
			help_add(lines, ops, &generic[i]);
	}
	tui_lines_add(lines, TUI_STYLE_NORMAL, "");
	tui_lines_add(lines, TUI_STYLE_HEADER, _("Screens"));
	for (int i = 0; i < main_count(); i++) {
		const struct tui_view_ops *m = main_ops_at(i);
		tui_lines_addf(lines, TUI_STYLE_NORMAL, "  %d  %s  (:%s)", i + 1, _(m->title), m->name);
	}
	tui_view_set_lines(view, lines);
	return 0;
}

static const struct tui_view_ops help_ops = {
	.name = "help",
	.title = N_("Help"),
	.open = help_open,
};

/* ------------------------------------------------------------------ */
/* Set-up, main loop, teardown */

int tui_init(const struct tui_options *options)
{
	opts = *options;
	message[0] = '\0';
	script_n = script_pos = script_line = script_failures = 0;
	script_has_command = false;
	depth = 0;
	if (pipe2(wake_fds, O_NONBLOCK | O_CLOEXEC) < 0) {
		fprintf(stderr, _("Could not create a pipe: %s\n"), strerror(errno));
		return -1;
	}
	const char *term = getenv("TERM");
	if (!term || !*term)
		term = "xterm";
	if (opts.script) {
		script = fopen(opts.script, "r");
		if (!script) {
			fprintf(stderr, _("Could not open the script \"%s\": %s\n"), opts.script,
				strerror(errno));
			return -1;
		}
		term_out = fopen("/dev/null", "w");
		term_in = fopen("/dev/null", "r");
		if (!term_out || !term_in) {
			fprintf(stderr, _("Could not open /dev/null: %s\n"), strerror(errno));
			return -1;
		}
		screen = newterm(term, term_out, term_in);
	} else {
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			fprintf(stderr, "%s\n", _("paydesk needs a terminal; for scripts use --script FILE."));
			return -1;
		}
		screen = newterm(NULL, stdout, stdin);
	}
	if (!screen) {
		fprintf(stderr, _("The terminal type \"%s\" is unknown; set TERM (e.g. TERM=xterm-256color).\n"),
			term);
		return -1;
	}
	initialised = true;
	set_term(screen);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	idlok(stdscr, TRUE);
	scrollok(stdscr, FALSE);
	/* The cursor is hidden: leave it where the last change was rather
	 * than spend bytes moving it after every update. */
	leaveok(stdscr, TRUE);
	curs_set(0);
	init_colors();
	return 0;
}

int tui_run(const char *first)
{
	quit_requested = false;
	if (tui_view_push(first, NULL) < 0 && depth == 0) {
		if (main_count() > 0)
			switch_main(main_ops_at(0));
		if (depth == 0)
			return 1;
	}
	tui_draw_now();
	while (!quit_requested) {
		int key = tui_read_key();
		if (key == TUI_KEY_EOF)
			break;
		message[0] = '\0';
		if (key == TUI_KEY_FN(KEY_RESIZE)) {
			resized();
			tui_draw_now();
			continue;
		}
		if (too_small()) {
			if (key == 'q' || key == 'Q')
				break;
			tui_draw_now();
			continue;
		}
		struct tui_view *view = tui_top_view();
		int request = tui_keymap_lookup(view->ops, key);
		if (request == TUI_REQ_NONE) {
			char name[32];
			tui_key_name(key, name, sizeof name);
			tui_message(_("The key %s does nothing here; press ? for help."), name);
		} else {
			dispatch(request);
		}
		if (depth == 0)
			break;
		tui_draw_now();
	}
	return script_failures ? 1 : 0;
}

void tui_exit(void)
{
	if (!initialised)
		return;
	initialised = false;
	while (depth > 0) {
		struct tui_view *view = stack[--depth];
		if (main_index(view->ops) < 0)
			view_free(view);
	}
	for (size_t i = 0; i < MAX_VIEW_TYPES; i++) {
		view_free(main_views[i]);
		main_views[i] = NULL;
	}
	pane_forget();
	pane_on = false;
	endwin();
	delscreen(screen);
	screen = NULL;
	if (term_out)
		fclose(term_out);
	if (term_in)
		fclose(term_in);
	term_out = term_in = NULL;
	if (script)
		fclose(script);
	script = NULL;
	for (int i = 0; i < 2; i++) {
		if (wake_fds[i] >= 0)
			close(wake_fds[i]);
		wake_fds[i] = -1;
	}
	tui_keymaps_free();
	n_registry = 0;
}
