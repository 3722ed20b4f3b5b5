/* Growable byte buffer and the JSON emitters the sandbox renders every object with.
 * Rendering by hand (instead of building jansson trees) keeps list pages cheap. */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sandbox.h"

void sbx_buf_init(struct sbx_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->failed = 0;
}

void sbx_buf_free(struct sbx_buf *b)
{
	free(b->data);
	sbx_buf_init(b);
}

/* Makes room for `extra` more bytes plus a NUL. Returns 0, or -1 (and marks the buffer
 * failed) when memory runs out. */
int sbx_buf_reserve(struct sbx_buf *b, size_t extra)
{
	size_t need;
	size_t cap;
	char *p;

	if (b->failed)
		return -1;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	p = realloc(b->data, cap);
	if (p == NULL) {
		b->failed = 1;
		return -1;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

void sbx_buf_put_slow(struct sbx_buf *b, const char *s, size_t n)
{
	if (sbx_buf_reserve(b, n) != 0)
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void sbx_buf_puts(struct sbx_buf *b, const char *s)
{
	sbx_buf_put(b, s, strlen(s));
}

void sbx_buf_printf(struct sbx_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || sbx_buf_reserve(b, (size_t)n) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void sbx_buf_i64(struct sbx_buf *b, int64_t v)
{
	char tmp[24];
	char *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	sbx_buf_put(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

void sbx_buf_jstrn(struct sbx_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;
	size_t run = 0;

	if (sbx_buf_reserve(b, n + 2) != 0)
		return;
	b->data[b->len++] = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6];
		size_t elen = 0;

		if (c == 0xc0 && i + 1 < n && (unsigned char)s[i + 1] == 0x80) {
			/* The store keeps a NUL as C0 80 (a C string cannot hold one); on the
			 * wire it is the JSON escape \u0000. */
			sbx_buf_put(b, s + run, i - run);
			sbx_buf_put(b, "\\u0000", 6);
			run = ++i + 1;
			continue;
		}
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		sbx_buf_put(b, s + run, i - run);
		run = i + 1;
		esc[0] = '\\';
		switch (c) {
		case '"':
			esc[1] = '"';
			elen = 2;
			break;
		case '\\':
			esc[1] = '\\';
			elen = 2;
			break;
		case '\n':
			esc[1] = 'n';
			elen = 2;
			break;
		case '\r':
			esc[1] = 'r';
			elen = 2;
			break;
		case '\t':
			esc[1] = 't';
			elen = 2;
			break;
		default:
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			elen = 6;
			break;
		}
		sbx_buf_put(b, esc, elen);
	}
	sbx_buf_put(b, s + run, n - run);
	sbx_buf_put(b, "\"", 1);
}

void sbx_buf_jstr(struct sbx_buf *b, const char *s)
{
	if (s == NULL)
		sbx_buf_put(b, "null", 4);
	else
		sbx_buf_jstrn(b, s, strlen(s));
}

static void put_key_n(struct sbx_buf *b, const char *key, size_t n)
{
	if (sbx_buf_reserve(b, n + 3) != 0)
		return;
	b->data[b->len++] = '"';
	memcpy(b->data + b->len, key, n);
	b->len += n;
	b->data[b->len++] = '"';
	b->data[b->len++] = ':';
	b->data[b->len] = '\0';
}

static void put_key(struct sbx_buf *b, const char *key)
{
	put_key_n(b, key, strlen(key));
}

void sbx_buf_kstr_n(struct sbx_buf *b, const char *key, size_t klen, const char *s)
{
	put_key_n(b, key, klen);
	sbx_buf_jstr(b, s);
}

void sbx_buf_ki64_n(struct sbx_buf *b, const char *key, size_t klen, int64_t v)
{
	put_key_n(b, key, klen);
	sbx_buf_i64(b, v);
}

void sbx_buf_kstr(struct sbx_buf *b, const char *key, const char *s)
{
	put_key(b, key);
	sbx_buf_jstr(b, s);
}

void sbx_buf_ki64(struct sbx_buf *b, const char *key, int64_t v)
{
	put_key(b, key);
	sbx_buf_i64(b, v);
}

void sbx_buf_kraw(struct sbx_buf *b, const char *key, const char *raw)
{
	put_key(b, key);
	sbx_buf_puts(b, raw ? raw : "null");
}

char *sbx_buf_take(struct sbx_buf *b, size_t *len)
{
	char *p = b->data;

	if (len)
		*len = b->len;
	sbx_buf_init(b);
	return p;
}
