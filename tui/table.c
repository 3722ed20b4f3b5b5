/* The table widget's window over a row source: it holds only the rows on
 * screen and pages with keyset calls (rows after the last key, rows before
 * the first), so a million rows cost what a hundred do. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui/private.h"

/* Frees every string of a row and clears it. */
void tui_row_clear(struct tui_row *row)
{
	free(row->key);
	for (int i = 0; i < TUI_MAX_COLUMNS; i++)
		free(row->cells[i]);
	memset(row, 0, sizeof *row);
}

/* Replaces a cell with a copy of text.  Returns 0, or -1 when out of
 * memory or the column is out of range (the cell is then unchanged). */
int tui_row_set(struct tui_row *row, int column, const char *text)
{
	if (column < 0 || column >= TUI_MAX_COLUMNS)
		return -1;
	char *copy = NULL;
	if (text) {
		copy = strdup(text);
		if (!copy) {
			row->failed = true;
			return -1;
		}
	}
	free(row->cells[column]);
	row->cells[column] = copy;
	return 0;
}

/* printf into a cell; same results as tui_row_set. */
int tui_row_setf(struct tui_row *row, int column, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return tui_row_set(row, column, buf);
}

/* Replaces the row's key with a copy.  Returns 0 or -1 (out of memory). */
int tui_row_set_key(struct tui_row *row, const char *key)
{
	char *copy = strdup(key ? key : "");
	if (!copy) {
		row->failed = true;
		return -1;
	}
	free(row->key);
	row->key = copy;
	return 0;
}

/* Frees the window's rows (not the array). */
void tui_table_free_rows(struct tui_view_state *state)
{
	for (int i = 0; i < state->n_rows; i++)
		tui_row_clear(&state->rows[i]);
	state->n_rows = 0;
}

/* Makes room for at least n rows.  Returns 0 or -1 (out of memory). */
static int reserve(struct tui_view_state *state, int n)
{
	if (n <= state->cap)
		return 0;
	struct tui_row *grown = realloc(state->rows, (size_t)n * sizeof *grown);
	if (!grown)
		return -1;
	memset(grown + state->cap, 0, (size_t)(n - state->cap) * sizeof *grown);
	state->rows = grown;
	state->cap = n;
	return 0;
}

/* A scratch array of n cleared rows; NULL when out of memory. */
static struct tui_row *scratch(int n)
{
	return calloc((size_t)(n > 0 ? n : 1), sizeof(struct tui_row));
}

/* Calls a source function into a scratch array; returns the count (<= 0 on
 * nothing or failure, with *out NULL on failure). */
static int fetch(struct tui_view_state *st, bool after, const char *key, int max,
                 struct tui_row **out)
{
	*out = NULL;
	if (max <= 0 || !st->source.rows)
		return 0;
	struct tui_row *rows = scratch(max);
	if (!rows) {
		tui_message("%s", _("Out of memory."));
		return -1;
	}
	int n = st->source.rows(st->source.ctx, key, after, max, rows);
	bool failed = n < 0 || n > max;
	for (int i = 0; !failed && i < n; i++)
		failed = rows[i].failed;
	if (failed) {
		if (n >= 0 && n <= max)
			tui_message("%s", _("Out of memory."));
		for (int i = 0; i < max; i++)
			tui_row_clear(&rows[i]);
		free(rows);
		return -1;
	}
	*out = rows;
	return n;
}

/* Loads the first rows of the source. */
void tui_table_load_first(struct tui_view *view, int height)
{
	struct tui_view_state *st = view->state;
	tui_table_free_rows(st);
	st->cursor = 0;
	st->top = 0;
	st->height = height;
	st->loaded = true;
	st->count = TUI_COUNT_UNKNOWN;
	struct tui_row *rows;
	int n = fetch(st, true, NULL, height, &rows);
	if (n <= 0 || reserve(st, height) < 0) {
		free(rows);
		return;
	}
	memcpy(st->rows, rows, (size_t)n * sizeof *rows);
	st->n_rows = n;
	free(rows);
}

/* Loads the last rows of the source, cursor on the very last. */
void tui_table_load_last(struct tui_view *view, int height)
{
	struct tui_view_state *st = view->state;
	struct tui_row *rows;
	int n = fetch(st, false, NULL, height, &rows);
	if (n < 0 || reserve(st, height) < 0) {
		free(rows);
		return;
	}
	tui_table_free_rows(st);
	st->height = height;
	st->loaded = true;
	memcpy(st->rows, rows, (size_t)n * sizeof *rows);
	st->n_rows = n;
	free(rows);
	st->cursor = n > 0 ? n - 1 : 0;
	long count = tui_table_count(view);
	st->top = count >= n ? count - n : 0;
}

/* Appends rows after the window's last row, dropping as many from the top
 * as needed to keep at most `height` rows.  Returns rows appended. */
static int append_rows(struct tui_view_state *st, int want)
{
	if (st->n_rows == 0)
		return 0;
	struct tui_row *rows;
	int n = fetch(st, true, st->rows[st->n_rows - 1].key, want, &rows);
	if (n <= 0) {
		free(rows);
		return 0;
	}
	if (reserve(st, st->height > st->n_rows + n ? st->height : st->n_rows + n) < 0) {
		for (int i = 0; i < n; i++)
			tui_row_clear(&rows[i]);
		free(rows);
		return 0;
	}
	memcpy(st->rows + st->n_rows, rows, (size_t)n * sizeof *rows);
	st->n_rows += n;
	free(rows);
	int drop = st->n_rows - st->height;
	if (drop > 0) {
		for (int i = 0; i < drop; i++)
			tui_row_clear(&st->rows[i]);
		memmove(st->rows, st->rows + drop, (size_t)(st->n_rows - drop) * sizeof *st->rows);
		memset(st->rows + st->n_rows - drop, 0, (size_t)drop * sizeof *st->rows);
		st->n_rows -= drop;
		st->top += drop;
		st->cursor -= drop;
		if (st->cursor < 0)
			st->cursor = 0;
	}
	return n;
}

/* Prepends rows before the window's first row, dropping rows at the
 * bottom beyond `height`.  Returns rows prepended. */
static int prepend_rows(struct tui_view_state *st, int want)
{
	if (st->n_rows == 0)
		return 0;
	struct tui_row *rows;
	int n = fetch(st, false, st->rows[0].key, want, &rows);
	if (n <= 0) {
		free(rows);
		return 0;
	}
	int total = st->n_rows + n;
	if (reserve(st, total) < 0) {
		for (int i = 0; i < n; i++)
			tui_row_clear(&rows[i]);
		free(rows);
		return 0;
	}
	memmove(st->rows + n, st->rows, (size_t)st->n_rows * sizeof *st->rows);
	memcpy(st->rows, rows, (size_t)n * sizeof *rows);
	free(rows);
	st->n_rows = total;
	st->cursor += n;
	st->top -= n;
	if (st->top < 0)
		st->top = 0;
	while (st->n_rows > st->height) {
		tui_row_clear(&st->rows[st->n_rows - 1]);
		st->n_rows--;
	}
	if (st->cursor >= st->n_rows)
		st->cursor = st->n_rows - 1;
	return n;
}

/* Adapts the window to a new height: fills below, then above, or trims
 * while keeping the cursor visible. */
void tui_table_fill(struct tui_view *view, int height)
{
	struct tui_view_state *st = view->state;
	if (!st->loaded) {
		tui_table_load_first(view, height);
		return;
	}
	st->height = height;
	/* Rows go from the bottom while the cursor stays visible, so that a
	 * window made shorter for a moment (a long message) does not scroll. */
	while (st->n_rows > height) {
		if (st->cursor >= height) {
			tui_row_clear(&st->rows[0]);
			memmove(st->rows, st->rows + 1,
			        (size_t)(st->n_rows - 1) * sizeof *st->rows);
			memset(&st->rows[st->n_rows - 1], 0, sizeof *st->rows);
			st->cursor--;
			st->top++;
		} else {
			tui_row_clear(&st->rows[st->n_rows - 1]);
		}
		st->n_rows--;
	}
	if (st->n_rows == 0) {
		tui_table_load_first(view, height);
		return;
	}
	if (st->n_rows < height)
		append_rows(st, height - st->n_rows);
	if (st->n_rows < height)
		prepend_rows(st, height - st->n_rows);
}

/* Reloads the rows on screen from the source (data changed in place),
 * keeping the window's position and the cursor's line. */
void tui_table_reload_here(struct tui_view *view, int height)
{
	struct tui_view_state *st = view->state;
	if (st->n_rows == 0) {
		tui_table_load_first(view, height);
		return;
	}
	if (st->top == 0) {
		/* At the start, rows that arrived before the first one belong on
		 * screen; the cursor stays on the row it was on when still there. */
		char *selected = st->rows[st->cursor].key ? strdup(st->rows[st->cursor].key) : NULL;
		int cursor = st->cursor;
		tui_table_load_first(view, height);
		st->cursor = cursor < st->n_rows ? cursor : (st->n_rows > 0 ? st->n_rows - 1 : 0);
		for (int i = 0; selected && i < st->n_rows; i++) {
			if (st->rows[i].key && !strcmp(st->rows[i].key, selected)) {
				st->cursor = i;
				break;
			}
		}
		free(selected);
		return;
	}
	int cursor = st->cursor;
	long top = st->top;
	st->count = TUI_COUNT_UNKNOWN;
	struct tui_row *before;
	int n = fetch(st, false, st->rows[0].key, 1, &before);
	char *anchor = NULL;
	if (n == 1) {
		anchor = before[0].key;
		before[0].key = NULL;
		tui_row_clear(&before[0]);
	}
	free(before);
	struct tui_row *rows;
	n = fetch(st, true, anchor, height, &rows);
	free(anchor);
	if (n < 0)
		return;
	tui_table_free_rows(st);
	if (reserve(st, height) < 0) {
		for (int i = 0; i < n; i++)
			tui_row_clear(&rows[i]);
		free(rows);
		return;
	}
	memcpy(st->rows, rows, (size_t)n * sizeof *rows);
	free(rows);
	st->n_rows = n;
	st->height = height;
	st->top = top;
	st->cursor = cursor < n ? cursor : (n > 0 ? n - 1 : 0);
	if (n < height)
		prepend_rows(st, height - n);
}

/* Moves the cursor down by `lines` (a page when lines == height), paging
 * the window.  Returns true when anything moved. */
bool tui_table_down(struct tui_view *view, int lines)
{
	struct tui_view_state *st = view->state;
	if (st->n_rows == 0)
		return false;
	if (lines <= 1) {
		if (st->cursor < st->n_rows - 1) {
			st->cursor++;
			return true;
		}
		int cursor_before = st->cursor;
		long top_before = st->top;
		if (append_rows(st, 1) == 0)
			return false;
		st->cursor = st->n_rows - 1;
		return st->cursor != cursor_before || st->top != top_before;
	}
	/* A page: the rows after the window replace it; the cursor keeps
	 * its line, or goes to the last row at the end. */
	int keep = st->cursor;
	int got = append_rows(st, lines);
	if (got == 0) {
		if (st->cursor == st->n_rows - 1)
			return false;
		st->cursor = st->n_rows - 1;
		return true;
	}
	st->cursor = keep < st->n_rows ? keep : st->n_rows - 1;
	if (got < lines)
		st->cursor = st->n_rows - 1;
	return true;
}

/* Moves the cursor up by `lines` (see tui_table_down). */
bool tui_table_up(struct tui_view *view, int lines)
{
	struct tui_view_state *st = view->state;
	if (st->n_rows == 0)
		return false;
	if (lines <= 1) {
		if (st->cursor > 0) {
			st->cursor--;
			return true;
		}
		if (prepend_rows(st, 1) == 0)
			return false;
		st->cursor = 0;
		return true;
	}
	int keep = st->cursor;
	int got = prepend_rows(st, lines);
	if (got == 0) {
		if (st->cursor == 0)
			return false;
		st->cursor = 0;
		return true;
	}
	st->cursor = keep;
	if (got < lines)
		st->cursor = 0;
	if (st->cursor >= st->n_rows)
		st->cursor = st->n_rows - 1;
	return true;
}

/* Puts line `line` (from the start, pager views) at the top of the window
 * with the cursor on it.  Returns 0 or -1 when there is no such line. */
int tui_table_jump(struct tui_view *view, int line, int height)
{
	struct tui_view_state *st = view->state;
	char key[24];
	if (line > 0)
		snprintf(key, sizeof key, "%010d", line - 1);
	struct tui_row *rows;
	int n = fetch(st, true, line > 0 ? key : NULL, height, &rows);
	if (n <= 0) {
		free(rows);
		return -1;
	}
	tui_table_free_rows(st);
	if (reserve(st, height) < 0) {
		for (int i = 0; i < n; i++)
			tui_row_clear(&rows[i]);
		free(rows);
		return -1;
	}
	memcpy(st->rows, rows, (size_t)n * sizeof *rows);
	free(rows);
	st->n_rows = n;
	st->height = height;
	st->cursor = 0;
	st->top = line;
	if (n < height) {
		int got = prepend_rows(st, height - n);
		st->cursor = got;
	}
	return 0;
}

/* Rows in the source (or its estimate), -1 when it cannot say.  Asks the
 * source once per change of the data. */
long tui_table_count(struct tui_view *view)
{
	struct tui_view_state *st = view->state;
	if (!st->source.count)
		return -1;
	if (st->count == TUI_COUNT_UNKNOWN)
		st->count = st->source.count(st->source.ctx);
	return st->count;
}

/* Copies as much of text as fits in `width` display columns into out,
 * ending with '~' when cut.  Characters without a width (non-printable)
 * become '?'; text should already be sanitized.  Returns the bytes written
 * and the display width in *used. */
int tui_fit_text(const char *text, int width, char *out, size_t size, int *used)
{
	size_t len = strlen(text);
	int total = tui_text_width(text);
	int limit = total <= width ? width : width - 1;
	size_t o = 0;
	int w = 0;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	const char *s = text;
	if (size == 0)
		return 0;
	while (len > 0) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, len, &st);
		int cw;
		const char *piece = s;
		size_t piece_len = n;
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof st);
			n = 1;
			piece = "?";
			piece_len = 1;
			cw = 1;
		} else {
			cw = wcwidth(wc);
			if (cw < 0) {
				piece = "?";
				piece_len = 1;
				cw = 1;
			}
		}
		if (w + cw > limit || o + piece_len + 2 > size)
			break;
		memcpy(out + o, piece, piece_len);
		o += piece_len;
		w += cw;
		s += n;
		len -= n;
	}
	if (total > width && width > 0 && o + 1 < size) {
		out[o++] = '~';
		w++;
	}
	out[o] = '\0';
	if (used)
		*used = w;
	return (int)o;
}

/* Display width of UTF-8 text; bytes that do not decode count 1 each. */
int tui_text_width(const char *text)
{
	size_t len = strlen(text);
	mbstate_t st;
	memset(&st, 0, sizeof st);
	int w = 0;
	while (len > 0) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, text, len, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof st);
			w++;
			text++;
			len--;
			continue;
		}
		int cw = wcwidth(wc);
		w += cw < 0 ? 1 : cw;
		text += n;
		len -= n;
	}
	return w;
}
