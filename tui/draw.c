/* Drawing: the tab bar, column titles laid out by display width, the rows
 * of the window, the detail pane, the status and message lines, the
 * too-small notice, colours or attributes, and the screen dump. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui/private.h"

#define MIN_COLS  80
#define MIN_LINES 24

static bool use_color;

/* The detail pane: shown under a table whose view can describe a row.
 * Its lines are kept for the row they describe. */
bool tui_pane_on;
static struct tui_lines *pane_lines;
static char *pane_key;
static const struct tui_view *pane_view;
static attr_t style_attr(int style);

static bool pane_shown(const struct tui_view *view)
{
	return tui_pane_on && view->ops->detail && view->state->columns;
}

/* Rows of the pane, its separator line included. */
int tui_pane_height(const struct tui_view *view)
{
	return pane_shown(view) ? (LINES - 4) / 2 : 0;
}

void tui_pane_forget(void)
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
	int height = tui_pane_height(view);
	const struct tui_row *row = tui_view_selected_row(view);
	if (!row) {
		tui_pane_forget();
	} else if (pane_view != view || !pane_key || !row->key || strcmp(pane_key, row->key) != 0) {
		tui_pane_forget();
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

/* The attribute of the selected row. */
static attr_t cursor_attr(void)
{
	return A_REVERSE;
}

void tui_init_colors(void)
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

/* The attribute of blanks next to text drawn in attr: no colour and no
 * underline (blanks that look alike are alike to curses too, so it can
 * skip or erase them), but reverse, bold and dim kept, so that a row in
 * one style is one run of one attribute on the terminal. */
static attr_t blank_attr(attr_t attr)
{
	return attr & (A_REVERSE | A_DIM | A_BOLD);
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
	attr_t attr;
	short pair;
	attr_get(&attr, &pair, NULL);
	move(y, x);
	if (lead > 0) {
		attr_set(blank_attr(attr), 0, NULL);
		for (int i = 0; i < lead; i++)
			addch(' ');
		attr_set(attr, pair, NULL);
	}
	addstr(fitted);
	if (pad && used + lead < width) {
		attr_set(blank_attr(attr), 0, NULL);
		for (int i = used + lead; i < width; i++)
			addch(' ');
		attr_set(attr, pair, NULL);
	}
	return pad ? width : used;
}

/* Column widths for the screen width (see struct tui_column).  The columns
 * shown are those that fit with their minimum, from the left; then each gets
 * what it needs (its whole title, a figure its widest cell seen); when that
 * is too much, columns without a maximum (free text) give up to half of
 * theirs, and only after that is the rightmost column shown hidden (width 0).  The space left goes first to the columns with a
 * maximum whose cells are wider (an id is worth more whole than a name),
 * then by flex up to each maximum. */
static void layout(const struct tui_view_state *st, int total, int *widths)
{
	int n = st->n_columns;
	int need[TUI_MAX_COLUMNS], floor[TUI_MAX_COLUMNS];
	int shown = 0, used = 0;
	for (int i = 0; i < n; i++) {
		const struct tui_column *col = &st->columns[i];
		int title = tui_text_width(_(col->title));
		int base = col->min > title ? col->min : title;
		need[i] = base;
		if (col->align == TUI_ALIGN_RIGHT && st->seen_width[i] > need[i])
			need[i] = st->seen_width[i];
		floor[i] = need[i];
		if (col->max == 0 && col->align != TUI_ALIGN_RIGHT) {
			int half = (need[i] + 1) / 2;
			floor[i] = half > title ? half : title;
		}
		if (shown == i && used + col->min + (i ? 1 : 0) <= total) {
			used += col->min + (i ? 1 : 0);
			shown++;
		}
	}
	for (;;) {
		int sum = 0;
		for (int i = 0; i < shown; i++)
			sum += need[i] + (i ? 1 : 0);
		for (int i = shown - 1; i >= 0 && sum > total; i--) {
			int give = need[i] - floor[i];
			if (give > sum - total)
				give = sum - total;
			need[i] -= give;
			sum -= give;
		}
		if (sum <= total || shown <= 1)
			break;
		shown--;
	}
	used = 0;
	for (int i = 0; i < n; i++) {
		widths[i] = i < shown ? need[i] : 0;
		used += i < shown ? need[i] + (i ? 1 : 0) : 0;
	}
	n = shown;
	int left = total - used;
	for (int i = 0; i < n && left > 0; i++) {
		const struct tui_column *col = &st->columns[i];
		int want = st->seen_width[i] < col->max ? st->seen_width[i] : col->max;
		if (col->max && want > widths[i]) {
			int add = want - widths[i] < left ? want - widths[i] : left;
			widths[i] += add;
			left -= add;
		}
	}
	bool grew = true;
	while (left > 0 && grew) {
		grew = false;
		int flex_total = 0;
		for (int i = 0; i < n; i++)
			if (!st->columns[i].max || widths[i] < st->columns[i].max)
				flex_total += st->columns[i].flex;
		int share_left = left;
		for (int i = 0; i < n && left > 0 && flex_total > 0; i++) {
			const struct tui_column *col = &st->columns[i];
			if (!col->flex || (col->max && widths[i] >= col->max))
				continue;
			int add = share_left * col->flex / flex_total;
			if (add == 0)
				add = 1;
			if (col->max && widths[i] + add > col->max)
				add = col->max - widths[i];
			if (add > left)
				add = left;
			widths[i] += add;
			left -= add;
			grew = grew || add > 0;
		}
	}
}

/* Remembers the widest cell of each column among the rows shown (free-text
 * columns excepted: they take what is left). */
static void measure_cells(struct tui_view_state *st)
{
	char clean[512];
	for (int c = 0; c < st->n_columns; c++) {
		if (st->columns[c].align != TUI_ALIGN_RIGHT && st->columns[c].max == 0)
			continue;
		for (int r = 0; r < st->n_rows; r++) {
			const char *cell = st->rows[r].cells[c];
			if (!cell)
				continue;
			tui_sanitize(cell, strlen(cell), clean, sizeof clean, 0);
			int w = tui_text_width(clean);
			if (w > st->seen_width[c])
				st->seen_width[c] = w;
		}
	}
}

/* The label of main tab I: its number and title, or its number alone when SHORT (and it is
 * not the current one). */
static void tab_label(int i, bool current, bool short_, char *label, size_t size)
{
	const struct tui_view_ops *ops = tui_main_ops_at(i);
	if (current)
		snprintf(label, size, "[%d %s]", i + 1, _(ops->title));
	else if (short_)
		snprintf(label, size, " %d ", i + 1);
	else
		snprintf(label, size, " %d %s ", i + 1, _(ops->title));
}

/* The top line: the program, the main tabs, and the title of a view pushed over them. When
 * the tabs and that title do not both fit, the tabs other than the current one show only
 * their number (the key that opens them). */
static void draw_tabs(void)
{
	struct tui_view *top = tui_top_view();
	attrset(A_REVERSE);
	move(0, 0);
	for (int i = 0; i < COLS; i++)
		addch(' ');
	int x = 1;
	x += tui_put_text(0, x, tui_opts.program ? tui_opts.program : "tui", 20, false, false) + 2;
	int n = tui_main_count();
	const struct tui_view_ops *bottom = tui_view_bottom() ? tui_view_bottom()->ops : NULL;
	const char *title = top && tui_main_index(top->ops) < 0 ? _(top->ops->title) : NULL;
	bool short_ = false;
	if (title) {
		int need = x + tui_text_width(title) + 2;
		char label[128];
		for (int i = 0; i < n; i++) {
			tab_label(i, tui_main_ops_at(i) == bottom, false, label, sizeof label);
			need += tui_text_width(label) + 1;
		}
		short_ = need > COLS;
	}
	for (int i = 0; i < n && x < COLS; i++) {
		bool current = tui_main_ops_at(i) == bottom;
		char label[128];
		tab_label(i, current, short_, label, sizeof label);
		attrset(current ? A_BOLD : A_REVERSE);
		x += tui_put_text(0, x, label, COLS - x, false, false) + 1;
		attrset(A_REVERSE);
	}
	if (title && x < COLS - 4) {
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
	/* Tables mark the selected row with a '>' in a one-column margin (a
	 * column at 80 is dear); text pages (help, details, a statement laid
	 * out for 80 columns) have no column to spare and keep the bar. */
	int margin = tui_opts.bar_cursor || !st->columns ? 0 : 1;
	if (st->columns) {
		measure_cells(st);
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
			addch(cursor ? '>' : ' ');
			x = margin;
			cursor = false;
		}
		/* The selected row is drawn in one attribute from end to end, no
		 * cell styles inside it: a change of attribute costs the terminal
		 * an escape sequence, and this row is rewritten on every move. */
		attr_t bar = cursor ? cursor_attr() : blank_attr(style_attr(row->style));
		for (int c = 0; c < st->n_columns; c++) {
			if (!widths[c])
				continue;
			int style = row->cell_style[c] ? row->cell_style[c] : row->style;
			attrset(cursor ? bar : style_attr(style));
			bool right = st->columns && st->columns[c].align == TUI_ALIGN_RIGHT;
			const char *cell = row->cells[c];
			const char *newline = st->columns && cell ? strchr(cell, '\n') : NULL;
			if (newline) {
				/* A cell of several lines shows its first, marked as cut. */
				char first[1024];
				snprintf(first, sizeof first, "%.*s~", (int)(newline - cell), cell);
				tui_put_text(y, x, first, widths[c], true, right);
			} else {
				tui_put_text(y, x, cell, widths[c], true, right);
			}
			x += widths[c];
			if (x < COLS) {
				attrset(bar);
				addch(' ');
				x++;
			}
		}
		attrset(bar);
		while (x < COLS) {
			addch(' ');
			x++;
		}
		attrset(A_NORMAL);
	}
}

/* The bottom lines as laid out for the next paint: the status line's text
 * (sanitized), its two sides, and how many lines status and message take. */
#define MAX_MESSAGE_LINES 4
static char status_left[640];
static char status_right[320];
static const char *status_right_shown = "";
static size_t status_left_break; /* where the second status line starts */
static int status_rows = 1;
static int message_rows = 1;

int tui_bottom_lines(void)
{
	return status_rows + message_rows;
}

/* The right side's fields (two blanks apart) that fit in `room` columns,
 * the first ones dropped first: the last is the freshest fact. */
static const char *right_fitting(const char *right, int room)
{
	const char *r = right;
	while (*r && tui_text_width(r) > room) {
		const char *gap = strstr(r, "  ");
		if (!gap)
			return "";
		r = gap;
		while (*r == ' ')
			r++;
	}
	return r;
}

/* Composes the status line and lays out the bottom: the left side (the
 * view's title, position, filters) never yields to the right side (profile,
 * online, data age), whose fields are dropped from the left instead; a left
 * side too long for one line takes two.  A long message takes up to
 * MAX_MESSAGE_LINES lines. */
static void layout_bottom(struct tui_view *view)
{
	char left[640] = "", right[320] = "", extra[400] = "";
	if (view) {
		struct tui_view_state *st = view->state;
		long count = st->source.count ? st->count : -1;
		if (view->ops->status)
			view->ops->status(view, extra, sizeof extra);
		long at = st->n_rows ? st->top + st->cursor + 1 : 0;
		if (st->lines) {
			long last = st->top + st->n_rows;
			count = st->lines->count;
			snprintf(left, sizeof left, _("%s  lines %ld-%ld of %ld%s%s"),
			         _(view->ops->title), st->n_rows ? st->top + 1 : 0, last, count,
			         extra[0] ? "  " : "", extra);
		} else if (count >= 0) {
			snprintf(left, sizeof left, _("%s  row %ld of %ld%s%s"),
			         _(view->ops->title), at, count, extra[0] ? "  " : "", extra);
		} else if (count == TUI_COUNT_UNKNOWN) {
			snprintf(left, sizeof left, _("%s  row %ld%s%s"), _(view->ops->title), at,
			         extra[0] ? "  " : "", extra);
		} else {
			snprintf(left, sizeof left, "%s%s%s", _(view->ops->title),
			         extra[0] ? "  " : "", extra);
		}
	}
	if (tui_opts.hooks.status)
		tui_opts.hooks.status(right, sizeof right);
	tui_sanitize(left, strlen(left), status_left, sizeof status_left, 0);
	tui_sanitize(right, strlen(right), status_right, sizeof status_right, 0);
	/* One blank at each edge and between the sides; what does not fit on
	 * one line takes two, the right side at the end of the second. */
	int lw = tui_text_width(status_left);
	status_rows = 1;
	status_left_break = strlen(status_left);
	status_right_shown = status_right;
	if (lw + tui_text_width(status_right) + 3 > COLS) {
		size_t starts[2];
		status_rows = 2;
		int tail = 0;
		/* Between two of its parts (two blanks apart) when one fits, so that a
		 * filter and its value stay on one line. */
		size_t gap = 0;
		for (const char *p = strstr(status_left, "  "); p; p = strstr(p + 2, "  ")) {
			char head[640];
			snprintf(head, sizeof head, "%.*s", (int)(p - status_left), status_left);
			if (tui_text_width(head) > COLS - 2)
				break;
			gap = (size_t)(p - status_left);
		}
		size_t next = gap;
		while (next > 0 && status_left[next] == ' ')
			next++;
		if (lw > COLS - 2 && gap > 0 && tui_text_width(status_left + next) <= COLS - 2) {
			status_left_break = next;
			tail = tui_text_width(status_left + next);
		} else if (tui_wrap(status_left, COLS - 2, 0, starts, 2) == 2) {
			status_left_break = starts[1];
			tail = tui_text_width(status_left + starts[1]);
		}
		status_right_shown = right_fitting(status_right, COLS - tail - 3);
	}
	message_rows = 1;
	if (tui_message_text[0]) {
		char clean[1024];
		size_t starts[MAX_MESSAGE_LINES];
		tui_sanitize(tui_message_text, strlen(tui_message_text), clean, sizeof clean, 0);
		message_rows = tui_wrap(clean, COLS, 0, starts, MAX_MESSAGE_LINES);
	}
}

static void draw_status(void)
{
	int y = LINES - message_rows - status_rows;
	attrset(A_REVERSE);
	for (int row = 0; row < status_rows; row++) {
		move(y + row, 0);
		for (int i = 0; i < COLS; i++)
			addch(' ');
	}
	if (status_rows == 2) {
		char first[640];
		snprintf(first, sizeof first, "%.*s", (int)status_left_break, status_left);
		size_t end = strlen(first);
		while (end > 0 && first[end - 1] == ' ')
			first[--end] = '\0';
		tui_put_text(y, 1, first, COLS - 2, false, false);
	}
	const char *last = status_rows == 2 ? status_left + status_left_break : status_left;
	int rw = tui_text_width(status_right_shown);
	int at = y + status_rows - 1;
	tui_put_text(at, 1, last, rw ? COLS - rw - 3 : COLS - 2, false, false);
	if (rw > 0)
		tui_put_text(at, COLS - rw - 1, status_right_shown, rw, false, false);
	attrset(A_NORMAL);
	y += status_rows;
	for (int row = 0; row < message_rows; row++) {
		move(y + row, 0);
		clrtoeol();
	}
	if (!tui_message_text[0])
		return;
	char clean[1024];
	size_t starts[MAX_MESSAGE_LINES];
	tui_sanitize(tui_message_text, strlen(tui_message_text), clean, sizeof clean, 0);
	int n = tui_wrap(clean, COLS, 0, starts, MAX_MESSAGE_LINES);
	for (int i = 0; i < n && i < message_rows; i++) {
		size_t end = i + 1 < n ? starts[i + 1] : strlen(clean);
		char piece[1024];
		snprintf(piece, sizeof piece, "%.*s", (int)(end - starts[i]), clean + starts[i]);
		tui_put_text(y + i, 0, piece, COLS, false, false);
	}
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
		tui_put_text(y + 1, 0, _("Enlarge the window, or press q to quit."), COLS, false,
		             false);
}

bool tui_too_small(void)
{
	return COLS < MIN_COLS || LINES < MIN_LINES;
}

/* Paints everything into curses' buffer (no output yet). */
static void paint(void)
{
	if (tui_too_small()) {
		draw_too_small();
		return;
	}
	struct tui_view *view = tui_top_view();
	draw_tabs();
	layout_bottom(view);
	if (view) {
		/* A view behind others catches up with data that changed meanwhile
		 * when it comes to the front. */
		if (tui_view_stale(view))
			tui_view_refresh(view);
		tui_view_rewrap(view);
		if (!view->state->loaded || view->state->height != tui_data_height(view))
			tui_table_fill(view, tui_data_height(view));
		/* The position shown may lengthen the status line. */
		int bottom = tui_bottom_lines();
		layout_bottom(view);
		if (bottom != tui_bottom_lines())
			tui_table_fill(view, tui_data_height(view));
		draw_rows(view);
		if (pane_shown(view))
			draw_pane(view, 2 + tui_data_height(view));
	}
	draw_status();
}

void tui_draw_now(void)
{
	paint();
	refresh();
	/* The count comes after the first paint: the rows show at once and
	 * the total follows (before the next key is read). */
	struct tui_view *view = tui_top_view();
	if (view && !tui_too_small() && view->state->source.count &&
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

/* Forgets the pane's lines if they describe a row of `view`. */
void tui_pane_forget_view(const struct tui_view *view)
{
	if (pane_view == view)
		tui_pane_forget();
}
