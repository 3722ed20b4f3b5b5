/* Text lines in memory, shown through the same table widget as any row
 * source (pager views: details, help).  A line's key is its index. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui/private.h"

/* A new, empty set of lines; NULL when out of memory. */
struct tui_lines *tui_lines_new(void)
{
	return calloc(1, sizeof(struct tui_lines));
}

/* Appends a copy of text with a style.  Returns 0 or -1 (out of memory). */
int tui_lines_add(struct tui_lines *lines, int style, const char *text)
{
	if (!lines)
		return -1;
	if (lines->count == lines->cap) {
		int cap = lines->cap ? lines->cap * 2 : 32;
		char **text_grown = realloc(lines->text, (size_t)cap * sizeof *text_grown);
		if (!text_grown)
			return -1;
		lines->text = text_grown;
		int *style_grown = realloc(lines->style, (size_t)cap * sizeof *style_grown);
		if (!style_grown)
			return -1;
		lines->style = style_grown;
		lines->cap = cap;
	}
	char *copy = strdup(text ? text : "");
	if (!copy)
		return -1;
	lines->text[lines->count] = copy;
	lines->style[lines->count] = style;
	lines->count++;
	return 0;
}

/* printf variant of tui_lines_add (lines longer than 1 KiB are cut). */
int tui_lines_addf(struct tui_lines *lines, int style, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return tui_lines_add(lines, style, buf);
}

/* Frees the lines and their text. */
void tui_lines_free(struct tui_lines *lines)
{
	if (!lines)
		return;
	for (int i = 0; i < lines->count; i++)
		free(lines->text[i]);
	free(lines->text);
	free(lines->style);
	free(lines->origin);
	free(lines);
}

/* The display width of one character at s (len bytes left) and its length
 * in *n; characters without a width count 1, as tui_fit_text draws them. */
static int char_width(const char *s, size_t len, size_t *n)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	wchar_t wc;
	size_t k = mbrtowc(&wc, s, len, &st);
	if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
		*n = 1;
		return 1;
	}
	*n = k;
	int w = wcwidth(wc);
	return w < 0 ? 1 : w;
}

int tui_wrap(const char *text, int width, int hang, size_t *starts, int max)
{
	size_t len = strlen(text);
	int pieces = 0;
	size_t at = 0;
	if (width < 2)
		width = 2;
	if (hang > width / 2)
		hang = width / 2;
	while (pieces < max) {
		starts[pieces++] = at;
		int room = pieces == 1 ? width : width - hang;
		int used = 0;
		size_t i = at, cut = 0;
		/* The last blank that fits is the break; without one the piece is
		 * cut where it is full (CJK text has no blanks between words).  The
		 * blanks before a first piece's hang column are its layout, not a
		 * place to break. */
		while (i < len) {
			size_t n;
			int w = char_width(text + i, len - i, &n);
			if (used + w > room)
				break;
			if (text[i] == ' ' && i > at && (pieces > 1 || used > hang))
				cut = i;
			used += w;
			i += n;
		}
		if (i >= len)
			break;
		size_t next = cut > at ? cut : i;
		while (next < len && text[next] == ' ')
			next++;
		if (next >= len)
			break;
		at = next;
	}
	return pieces;
}

int tui_hang_of(const char *text, int width)
{
	const char *s = text;
	while (*s == ' ')
		s++;
	int indent = (int)(s - text);
	/* "  Label    value": the value's column, after a gap of two blanks or
	 * more, when the label is short enough to leave the value some room. */
	const char *gap = strstr(s, "  ");
	if (gap) {
		const char *value = gap;
		while (*value == ' ')
			value++;
		char head[512];
		snprintf(head, sizeof head, "%.*s", (int)(value - text), text);
		int column = tui_text_width(head);
		if (*value && column <= width / 2)
			return column;
	}
	/* A line of its own under a value keeps to its column; other text hangs by two. */
	if (indent >= 4)
		return indent <= width / 2 ? indent : 0;
	return indent + 2;
}

struct tui_lines *tui_lines_wrap(const struct tui_lines *lines, int width)
{
	struct tui_lines *out = tui_lines_new();
	if (!out)
		return NULL;
	out->of = lines;
	int cap = 0;
	for (int i = 0; lines && i < lines->count; i++) {
		char *clean = tui_sanitize_dup(lines->text[i], 0);
		if (!clean)
			goto oom;
		size_t starts[64];
		int hang = tui_hang_of(clean, width);
		int n = tui_wrap(clean, width, hang, starts, 64);
		for (int p = 0; p < n; p++) {
			size_t end = p + 1 < n ? starts[p + 1] : strlen(clean);
			/* The blanks at the break stay at the end of the piece: drop them. */
			while (end > starts[p] && clean[end - 1] == ' ' && p + 1 < n)
				end--;
			int lead = p ? hang : 0;
			size_t size = (size_t)lead + (end - starts[p]) + 1;
			char *piece = malloc(size);
			if (piece)
				snprintf(piece, size, "%*s%.*s", lead, "", (int)(end - starts[p]),
				         clean + starts[p]);
			int rc = piece ? tui_lines_add(out, lines->style[i], piece) : -1;
			free(piece);
			if (rc < 0) {
				free(clean);
				goto oom;
			}
			if (out->count > cap) {
				int grown = out->cap;
				int *origin = realloc(out->origin, (size_t)grown * sizeof *origin);
				if (!origin) {
					free(clean);
					goto oom;
				}
				out->origin = origin;
				cap = grown;
			}
			out->origin[out->count - 1] = i;
		}
		free(clean);
	}
	return out;
oom:
	tui_lines_free(out);
	return NULL;
}

/* Fills one row from line i: its text, and in cell 1 the whole line it is
 * a piece of (tui_view_selected_line).  Returns 0 or -1 (out of memory). */
static int line_row(const struct tui_lines *lines, int i, struct tui_row *row)
{
	char key[24];
	snprintf(key, sizeof key, "%010d", i);
	const char *whole = lines->of && lines->origin ? lines->of->text[lines->origin[i]] : NULL;
	if (tui_row_set_key(row, key) < 0 || tui_row_set(row, 0, lines->text[i]) < 0 ||
	    (whole && tui_row_set(row, 1, whole) < 0)) {
		tui_row_clear(row);
		return -1;
	}
	row->style = lines->style[i];
	return 0;
}

static int lines_rows(void *ctx, const char *key, bool after, int max, struct tui_row *out)
{
	const struct tui_lines *lines = ctx;
	int start, end;
	if (after) {
		start = key ? atoi(key) + 1 : 0;
		end = start + max < lines->count ? start + max : lines->count;
	} else {
		end = key ? atoi(key) : lines->count;
		start = end - max < 0 ? 0 : end - max;
	}
	int n = 0;
	for (int i = start; i < end; i++, n++)
		if (line_row(lines, i, &out[n]) < 0)
			return -1;
	return n;
}

static long lines_count(void *ctx)
{
	const struct tui_lines *lines = ctx;
	return lines->count;
}

const struct tui_row_source tui_lines_source_template = {
        .rows = lines_rows,
        .count = lines_count,
};

/* Index of the next line containing text (case-insensitive for ASCII),
 * searching from `from` in `direction` (+1 or -1) and wrapping around;
 * -1 when no line matches. */
int tui_lines_find(const struct tui_lines *lines, int from, const char *text, int direction)
{
	if (!lines || lines->count == 0 || !text || !*text)
		return -1;
	for (int step = 1; step <= lines->count; step++) {
		int i = ((from + direction * step) % lines->count + lines->count) % lines->count;
		if (strcasestr(lines->text[i], text))
			return i;
	}
	return -1;
}
