#include "config.h"

#include "client/lines.h"

#include <stdarg.h>
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
