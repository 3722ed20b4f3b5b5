/* Text lines in memory, shown through the same table widget as any row
 * source (pager views: details, help).  A line's key is its index. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	free(lines);
}

/* Fills one row from line i.  Returns 0 or -1 (out of memory). */
static int line_row(const struct tui_lines *lines, int i, struct tui_row *row)
{
	char key[24];
	snprintf(key, sizeof key, "%010d", i);
	if (tui_row_set_key(row, key) < 0 || tui_row_set(row, 0, lines->text[i]) < 0) {
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
