/* application/x-www-form-urlencoded parsing for query strings and POST bodies.
 * Names keep their bracket nesting as written ("metadata[order_id]"); handlers look them
 * up by full name, which is all the endpoints here need. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sandbox/sandbox.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes n bytes of s ('+' is a space, %XX a byte) into a new string the caller frees;
 * a malformed escape is kept literally. Returns NULL when memory runs out. */
static char *decode(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	size_t i;
	size_t o = 0;

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		           hexval(s[i + 2]) >= 0) {
			out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

int sbx_params_parse(struct sbx_params *p, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t end = i;
		size_t eq;
		struct sbx_param *np;

		while (end < n && s[end] != '&')
			end++;
		eq = i;
		while (eq < end && s[eq] != '=')
			eq++;
		if (end > i) {
			if (p->n == p->cap) {
				size_t cap = p->cap ? p->cap * 2 : 8;

				np = realloc(p->v, cap * sizeof(*np));
				if (np == NULL)
					return -1;
				p->v = np;
				p->cap = cap;
			}
			np = &p->v[p->n];
			np->name = decode(s + i, eq - i);
			np->value = eq < end ? decode(s + eq + 1, end - eq - 1) : decode("", 0);
			np->used = 0;
			if (np->name == NULL || np->value == NULL) {
				free(np->name);
				free(np->value);
				return -1;
			}
			p->n++;
		}
		i = end + 1;
	}
	return 0;
}

void sbx_params_free(struct sbx_params *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].name);
		free(p->v[i].value);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
	p->cap = 0;
}

const char *sbx_params_get(struct sbx_params *p, const char *name)
{
	size_t i;

	if (p == NULL)
		return NULL;
	for (i = 0; i < p->n; i++) {
		if (strcmp(p->v[i].name, name) == 0) {
			p->v[i].used = 1;
			return p->v[i].value;
		}
	}
	return NULL;
}

const struct sbx_param *sbx_params_unused(const struct sbx_params *p)
{
	size_t i;

	if (p == NULL)
		return NULL;
	for (i = 0; i < p->n; i++)
		if (!p->v[i].used)
			return &p->v[i];
	return NULL;
}

void sbx_url_encode(struct sbx_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			sbx_buf_put(b, (const char *)&c, 1);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};

			sbx_buf_put(b, e, 3);
		}
	}
}
