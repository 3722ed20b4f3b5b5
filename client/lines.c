#include "config.h"

#include "client/lines.h"
#include "client/utf8.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/i18n.h"

static int fail(char *err, size_t err_size, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t err_size, const char *fmt, ...)
{
	if (!err[0]) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, err_size, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int lines_feed(struct lines *l, const char *data, size_t n,
               int (*each)(void *ctx, char *line, size_t len), void *ctx, char *err,
               size_t err_size)
{
	while (n > 0) {
		const char *nl = memchr(data, '\n', n);
		size_t part = nl ? (size_t)(nl - data) : n;
		if (l->len + part + 1 > l->cap) {
			size_t cap = l->cap ? l->cap : 4096;
			while (cap < l->len + part + 1)
				cap *= 2;
			if (cap > LINES_MAX)
				return fail(err, err_size,
				            _("a line of the bill is longer than %d bytes"),
				            LINES_MAX);
			char *grown = realloc(l->line, cap);
			if (!grown)
				return fail(err, err_size, "%s", _("out of memory"));
			l->line = grown;
			l->cap = cap;
		}
		memcpy(l->line + l->len, data, part);
		l->len += part;
		l->line[l->len] = '\0';
		if (!nl)
			break;
		int rc = each(ctx, l->line, l->len);
		l->len = 0;
		if (rc != 0)
			return -1;
		data += part + 1;
		n -= part + 1;
	}
	return 0;
}

int lines_finish(struct lines *l, int (*each)(void *ctx, char *line, size_t len), void *ctx)
{
	if (l->len == 0)
		return 0;
	int rc = each(ctx, l->line, l->len);
	l->len = 0;
	return rc != 0 ? -1 : 0;
}

void lines_free(struct lines *l)
{
	free(l->line);
	memset(l, 0, sizeof *l);
}

size_t lines_text_end(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	for (size_t i = 0; i < len;) {
		/* eight bytes at a time through ASCII without a NUL */
		for (uint64_t v;
		     len - i >= 8 && (memcpy(&v, s + i, 8), !((v | ((v - ones) & ~v)) & highs));)
			i += 8;
		if (i >= len)
			break;
		if (s[i] >= 0x01 && s[i] < 0x80) {
			i++;
			continue;
		}
		size_t k = s[i] ? utf8_char_len(s + i, len - i) : 0;
		if (!k)
			return i;
		i += k;
	}
	return len;
}

int lines_check_text(const char *line, size_t len, long long rows, char *err, size_t err_size)
{
	size_t bad = lines_text_end(line, len);
	if (bad == len)
		return 0;
	unsigned char c = (unsigned char)line[bad];
	if (c == 0)
		snprintf(err, err_size,
		         _("the bill is damaged after row %lld: it holds a NUL byte, which no bill "
		           "has"),
		         rows);
	else
		snprintf(err, err_size,
		         _("the bill is damaged after row %lld: it holds a byte that is not UTF-8 "
		           "text (0x%02x)"),
		         rows, c);
	return -1;
}

int lines_split_csv(char *line, size_t len, struct lines_field *out, int max, bool *unclosed)
{
	int n = 0;
	size_t i = 0;
	if (unclosed)
		*unclosed = false;
	while (n < max) {
		char *w = line + i, *start = w;
		if (i < len && line[i] == '"') {
			bool closed = false;
			i++;
			while (i < len) {
				if (line[i] == '"' && i + 1 < len && line[i + 1] == '"') {
					*w++ = '"';
					i += 2;
				} else if (line[i] == '"') {
					i++;
					closed = true;
					break;
				} else {
					*w++ = line[i++];
				}
			}
			if (!closed && unclosed)
				*unclosed = true;
			while (i < len && line[i] != ',')
				i++;
		} else {
			while (i < len && line[i] != ',')
				*w++ = line[i++];
		}
		size_t flen = (size_t)(w - start);
		while (flen > 0 && (start[flen - 1] == '\t' || start[flen - 1] == ' '))
			flen--;
		while (flen > 0 && (*start == '\t' || *start == ' ')) {
			start++;
			flen--;
		}
		out[n].s = start;
		out[n].n = flen;
		n++;
		if (i >= len)
			break;
		i++; /* the comma */
	}
	return n;
}
