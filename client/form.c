/* Form encoding with bracket nesting, for POST bodies and query strings. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/form.h"

void form_init(struct form *f)
{
	memset(f, 0, sizeof *f);
}

void form_free(struct form *f)
{
	free(f->buf);
	memset(f, 0, sizeof *f);
}

static bool unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

size_t form_encode(const char *src, bool keep_brackets, char *dst, size_t dst_size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	for (const unsigned char *s = (const unsigned char *)src; *s; s++) {
		bool plain = unreserved(*s) || (keep_brackets && (*s == '[' || *s == ']'));
		size_t need = plain ? 1 : 3;
		if (o + need >= dst_size) {
			if (dst_size)
				dst[0] = '\0';
			return 0;
		}
		if (plain) {
			dst[o++] = (char)*s;
		} else {
			dst[o++] = '%';
			dst[o++] = hex[*s >> 4];
			dst[o++] = hex[*s & 15];
		}
	}
	if (dst_size)
		dst[o] = '\0';
	return o;
}

/* Makes room for `more` bytes plus the terminator. */
static int reserve(struct form *f, size_t more)
{
	if (f->failed)
		return -1;
	if (f->len + more + 1 <= f->cap)
		return 0;
	size_t cap = f->cap ? f->cap : 256;
	while (cap < f->len + more + 1)
		cap *= 2;
	char *b = realloc(f->buf, cap);
	if (!b) {
		f->failed = true;
		return -1;
	}
	f->buf = b;
	f->cap = cap;
	return 0;
}

static int append_encoded(struct form *f, const char *s, bool keep_brackets)
{
	size_t worst = strlen(s) * 3;
	if (reserve(f, worst) != 0)
		return -1;
	f->len += form_encode(s, keep_brackets, f->buf + f->len, f->cap - f->len);
	f->buf[f->len] = '\0';
	return 0;
}

int form_add(struct form *f, const char *name, const char *value)
{
	if (reserve(f, 2) != 0)
		return -1;
	if (f->len > 0)
		f->buf[f->len++] = '&';
	f->buf[f->len] = '\0';
	if (append_encoded(f, name, true) != 0 || reserve(f, 1) != 0)
		return -1;
	f->buf[f->len++] = '=';
	f->buf[f->len] = '\0';
	return append_encoded(f, value ? value : "", false);
}

/* Builds "name[sub]" into a new string the caller frees; NULL when out of memory. */
static char *nest(const char *name, const char *sub)
{
	size_t n = strlen(name) + strlen(sub) + 3;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%s[%s]", name, sub);
	return s;
}

int form_add_json(struct form *f, const char *name, const json_t *value)
{
	char num[32];
	switch (json_typeof(value)) {
	case JSON_OBJECT: {
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)value, k, v)
		{
			char *sub = nest(name, k);
			if (!sub) {
				f->failed = true;
				return -1;
			}
			int rc = form_add_json(f, sub, v);
			free(sub);
			if (rc != 0)
				return -1;
		}
		return 0;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *v;
		json_array_foreach(value, i, v)
		{
			char *sub;
			if (json_is_object(v) || json_is_array(v)) {
				snprintf(num, sizeof num, "%zu", i);
				sub = nest(name, num);
			} else {
				sub = nest(name, "");
			}
			if (!sub) {
				f->failed = true;
				return -1;
			}
			int rc = form_add_json(f, sub, v);
			free(sub);
			if (rc != 0)
				return -1;
		}
		return 0;
	}
	case JSON_STRING:
		return form_add(f, name, json_string_value(value));
	case JSON_INTEGER:
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
		return form_add(f, name, num);
	case JSON_REAL:
		/* Amounts are integers on this API; a real here is a caller's mistake. */
		f->failed = true;
		return -1;
	case JSON_TRUE:
		return form_add(f, name, "true");
	case JSON_FALSE:
		return form_add(f, name, "false");
	case JSON_NULL:
		return form_add(f, name, "");
	}
	return -1;
}
