/* A one-pass, in-place JSON reader for the platform's replies (see jdoc.h). Recursive
 * descent over RFC 8259; values are appended to one array, a container's size fixed once
 * its last child is read. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/jdoc.h"
#include "client/utf8.h"

/* Deeper nesting than this is refused (the platform's objects are a few levels deep). */
#define JDOC_MAX_DEPTH 512

struct parser {
	unsigned char *p, *end, *start;
	struct jdoc *d;
	char *err;
	size_t err_size;
	int depth;
	bool failed;
};

static int fail(struct parser *ps, const char *what)
{
	if (!ps->failed)
		snprintf(ps->err, ps->err_size, "%s at byte %ld", what, (long)(ps->p - ps->start));
	ps->failed = true;
	return -1;
}

/* Bytes a string may hold as they are: printable ASCII but the quote and the backslash. */
static const unsigned char plain[256] = {
        ['\x20'] = 1, ['!'] = 1, ['#'] = 1,    ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1,
        ['('] = 1,    [')'] = 1, ['*'] = 1,    ['+'] = 1, [','] = 1, ['-'] = 1, ['.'] = 1,
        ['/'] = 1,    ['0'] = 1, ['1'] = 1,    ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
        ['6'] = 1,    ['7'] = 1, ['8'] = 1,    ['9'] = 1, [':'] = 1, [';'] = 1, ['<'] = 1,
        ['='] = 1,    ['>'] = 1, ['?'] = 1,    ['@'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1,
        ['D'] = 1,    ['E'] = 1, ['F'] = 1,    ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
        ['K'] = 1,    ['L'] = 1, ['M'] = 1,    ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1,
        ['R'] = 1,    ['S'] = 1, ['T'] = 1,    ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
        ['Y'] = 1,    ['Z'] = 1, ['['] = 1,    [']'] = 1, ['^'] = 1, ['_'] = 1, ['`'] = 1,
        ['a'] = 1,    ['b'] = 1, ['c'] = 1,    ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
        ['h'] = 1,    ['i'] = 1, ['j'] = 1,    ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
        ['o'] = 1,    ['p'] = 1, ['q'] = 1,    ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
        ['v'] = 1,    ['w'] = 1, ['x'] = 1,    ['y'] = 1, ['z'] = 1, ['{'] = 1, ['|'] = 1,
        ['}'] = 1,    ['~'] = 1, ['\x7f'] = 1,
};

/* Whether any of the 8 bytes in v ends a plain run: a byte to escape, or one of a
 * multibyte sequence (to validate). */
static bool special8(uint64_t v)
{
	return jdoc_needs_escape8(v) || (v & 0x8080808080808080u) != 0;
}

static void skip_space(struct parser *ps)
{
	while (ps->p < ps->end &&
	       (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '\t'))
		ps->p++;
}

/* Appends a value; returns its index, or -1 when out of memory. */
static long new_val(struct parser *ps, enum jtype type, const char *key, uint32_t key_len)
{
	struct jdoc *d = ps->d;
	if (d->n == d->cap) {
		size_t cap = d->cap * 2;
		struct jval *v = cap > UINT32_MAX ? NULL : realloc(d->vals, cap * sizeof *v);
		if (!v)
			return fail(ps, "out of memory");
		d->vals = v;
		d->cap = cap;
	}
	struct jval *v = &d->vals[d->n];
	v->key = key;
	v->key_len = key_len;
	v->v.i = 0;
	v->len = 0;
	v->span = 1;
	v->type = (uint8_t)type;
	return (long)d->n++;
}

static int hex4(const unsigned char *p, const unsigned char *end, unsigned *out)
{
	if (end - p < 4)
		return -1;
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		unsigned c = p[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			return -1;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

static unsigned char *put_utf8(unsigned char *w, unsigned cp)
{
	if (cp < 0x80) {
		*w++ = (unsigned char)cp;
	} else if (cp < 0x800) {
		*w++ = (unsigned char)(0xc0 | cp >> 6);
		*w++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*w++ = (unsigned char)(0xe0 | cp >> 12);
		*w++ = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		*w++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else {
		*w++ = (unsigned char)(0xf0 | cp >> 18);
		*w++ = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
		*w++ = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		*w++ = (unsigned char)(0x80 | (cp & 0x3f));
	}
	return w;
}

/* Decodes the escape at r (just after the backslash) to w; returns the new r, or NULL. */
static unsigned char *unescape(struct parser *ps, unsigned char *r, unsigned char **w)
{
	if (r >= ps->end)
		return NULL;
	unsigned char c = *r++;
	switch (c) {
	case '"':
	case '\\':
	case '/':
		*(*w)++ = c;
		return r;
	case 'b':
		*(*w)++ = '\b';
		return r;
	case 'f':
		*(*w)++ = '\f';
		return r;
	case 'n':
		*(*w)++ = '\n';
		return r;
	case 'r':
		*(*w)++ = '\r';
		return r;
	case 't':
		*(*w)++ = '\t';
		return r;
	case 'u':
		break;
	default:
		return NULL;
	}
	unsigned cp, lo;
	if (hex4(r, ps->end, &cp) != 0 || (cp >= 0xdc00 && cp <= 0xdfff))
		return NULL;
	r += 4;
	if (cp == 0) {
		/* A NUL is data: kept as JDOC_NUL so that the text stays a C string. */
		*(*w)++ = 0xc0;
		*(*w)++ = 0x80;
		return r;
	}
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (ps->end - r < 6 || r[0] != '\\' || r[1] != 'u' ||
		    hex4(r + 2, ps->end, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff)
			return NULL;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		r += 6;
	}
	*w = put_utf8(*w, cp);
	return r;
}

/* Reads the string whose opening quote is at ps->p, unescaping it in place and ending it
 * with NUL where its closing quote was. */
static char *parse_string(struct parser *ps, uint32_t *len)
{
	unsigned char *start = ps->p + 1, *r = start, *w = start, *end = ps->end;
	for (;;) {
		unsigned char *run = r;
		/* eight bytes at a time through the long plain runs */
		for (uint64_t v; end - r >= 8 && (memcpy(&v, r, 8), !special8(v));)
			r += 8;
		while (r < end && plain[*r])
			r++;
		if (w != run)
			memmove(w, run, (size_t)(r - run));
		w += r - run;
		if (r >= end) {
			ps->p = r;
			fail(ps, "unterminated string");
			return NULL;
		}
		if (*r == '"')
			break;
		if (*r == '\\') {
			unsigned char *next = unescape(ps, r + 1, &w);
			if (!next) {
				ps->p = r;
				fail(ps, "invalid escape");
				return NULL;
			}
			r = next;
		} else if (*r >= 0x80) {
			int n = (int)utf8_char_len(r, (size_t)(end - r));
			if (n == 0) {
				ps->p = r;
				fail(ps, "invalid UTF-8");
				return NULL;
			}
			memmove(w, r, (size_t)n);
			w += n, r += n;
		} else {
			ps->p = r;
			fail(ps, "control character in a string");
			return NULL;
		}
	}
	*w = '\0';
	*len = (uint32_t)(w - start);
	ps->p = r + 1;
	return (char *)start;
}

static bool digit(const struct parser *ps)
{
	return ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9';
}

static int parse_number(struct parser *ps, const char *key, uint32_t key_len)
{
	unsigned char *s = ps->p;
	bool neg = *ps->p == '-', real = false;
	if (neg)
		ps->p++;
	if (!digit(ps))
		return fail(ps, "invalid number");
	if (*ps->p == '0')
		ps->p++;
	else
		while (digit(ps))
			ps->p++;
	if (ps->p < ps->end && *ps->p == '.') {
		real = true;
		ps->p++;
		if (!digit(ps))
			return fail(ps, "invalid number");
		while (digit(ps))
			ps->p++;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		real = true;
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (!digit(ps))
			return fail(ps, "invalid number");
		while (digit(ps))
			ps->p++;
	}
	long i = new_val(ps, real ? J_REAL : J_INT, key, key_len);
	if (i < 0)
		return -1;
	struct jval *v = &ps->d->vals[i];
	if (real) {
		v->v.s = (const char *)s;
		v->len = (uint32_t)(ps->p - s);
		return 0;
	}
	uint64_t u = 0;
	for (unsigned char *q = s + neg; q < ps->p; q++) {
		unsigned d = *q - '0';
		if (u > (UINT64_MAX - d) / 10)
			return fail(ps, "integer too big");
		u = u * 10 + d;
	}
	if (u > (uint64_t)INT64_MAX + neg)
		return fail(ps, "integer too big");
	v->v.i = neg ? (int64_t)(0 - u) : (int64_t)u;
	return 0;
}

static int literal(struct parser *ps, const char *word, size_t n, enum jtype type, const char *key,
                   uint32_t key_len)
{
	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
		return fail(ps, "invalid literal");
	ps->p += n;
	return new_val(ps, type, key, key_len) < 0 ? -1 : 0;
}

static int parse_value(struct parser *ps, const char *key, uint32_t key_len);

/* An object or array: its members, then its size and span. */
static int parse_container(struct parser *ps, const char *key, uint32_t key_len, bool object)
{
	if (++ps->depth > JDOC_MAX_DEPTH)
		return fail(ps, "too deeply nested");
	long at = new_val(ps, object ? J_OBJECT : J_ARRAY, key, key_len);
	if (at < 0)
		return -1;
	unsigned char close = object ? '}' : ']';
	uint32_t count = 0;
	ps->p++;
	skip_space(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
	} else {
		for (;;) {
			const char *name = NULL;
			uint32_t len = 0;
			if (object) {
				if (ps->p >= ps->end || *ps->p != '"')
					return fail(ps, "member name expected");
				name = parse_string(ps, &len);
				if (!name)
					return -1;
				skip_space(ps);
				if (ps->p >= ps->end || *ps->p != ':')
					return fail(ps, "':' expected");
				ps->p++;
				skip_space(ps);
			}
			if (parse_value(ps, name, len) != 0)
				return -1;
			if (++count == UINT32_MAX)
				return fail(ps, "too many items");
			skip_space(ps);
			if (ps->p < ps->end && *ps->p == ',') {
				ps->p++;
				skip_space(ps);
				continue;
			}
			if (ps->p < ps->end && *ps->p == close) {
				ps->p++;
				break;
			}
			return fail(ps, object ? "',' or '}' expected" : "',' or ']' expected");
		}
	}
	struct jval *v = &ps->d->vals[at];
	v->len = count;
	v->span = (uint32_t)(ps->d->n - (size_t)at);
	ps->depth--;
	return 0;
}

static int parse_value(struct parser *ps, const char *key, uint32_t key_len)
{
	if (ps->p >= ps->end)
		return fail(ps, "value expected");
	switch (*ps->p) {
	case '{':
		return parse_container(ps, key, key_len, true);
	case '[':
		return parse_container(ps, key, key_len, false);
	case '"': {
		uint32_t len;
		char *s = parse_string(ps, &len);
		if (!s)
			return -1;
		long i = new_val(ps, J_STRING, key, key_len);
		if (i < 0)
			return -1;
		ps->d->vals[i].v.s = s;
		ps->d->vals[i].len = len;
		return 0;
	}
	case 't':
		return literal(ps, "true", 4, J_TRUE, key, key_len);
	case 'f':
		return literal(ps, "false", 5, J_FALSE, key, key_len);
	case 'n':
		return literal(ps, "null", 4, J_NULL, key, key_len);
	default:
		if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
			return parse_number(ps, key, key_len);
		return fail(ps, "value expected");
	}
}

struct jdoc *jdoc_parse(char *text, size_t len, char *err, size_t err_size)
{
	struct jdoc *d = calloc(1, sizeof *d);
	if (d) {
		d->text = text;
		/* About one value per twenty bytes in the platform's objects. */
		d->cap = len / 20 + 16;
		d->vals = malloc(d->cap * sizeof *d->vals);
	}
	if (!d || !d->vals) {
		snprintf(err, err_size, "out of memory");
		if (d)
			jdoc_free(&d);
		else
			free(text);
		return NULL;
	}
	struct parser ps = {.p = (unsigned char *)text,
	                    .end = (unsigned char *)text + len,
	                    .start = (unsigned char *)text,
	                    .d = d,
	                    .err = err,
	                    .err_size = err_size};
	skip_space(&ps);
	if (ps.p >= ps.end || (*ps.p != '{' && *ps.p != '['))
		fail(&ps, "an object or array expected");
	else if (parse_value(&ps, NULL, 0) == 0) {
		skip_space(&ps);
		if (ps.p != ps.end)
			fail(&ps, "end of text expected");
	}
	if (ps.failed) {
		jdoc_free(&d);
		return NULL;
	}
	return d;
}

void jdoc_free(struct jdoc **pd)
{
	struct jdoc *d = *pd;
	if (!d)
		return;
	free(d->text);
	free(d->vals);
	free(d);
	*pd = NULL;
}

const struct jval *jval_get(const struct jval *v, const char *key)
{
	if (!v || v->type != J_OBJECT)
		return NULL;
	const struct jval *c;
	uint32_t i;
	JVAL_EACH(c, i, v)
	{
		if (c->key[0] == key[0] && strcmp(c->key, key) == 0)
			return c;
	}
	return NULL;
}

const char *jval_str(const struct jval *v)
{
	return v && v->type == J_STRING ? v->v.s : NULL;
}

const char *jval_real_text(const struct jval *v)
{
	if (!v || v->type != J_REAL)
		return NULL;
	char *t = (char *)v->v.s;
	t[v->len] = '\0';
	return t;
}

bool jval_is(const struct jval *v, enum jtype type)
{
	return v && v->type == type;
}
