/* The provider-neutral model: display status, and compact JSON for the detail view. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/model.h"

/* Longest dotted path a drop list can name. */
#define MODEL_PATH_MAX 128

void model_object_clear(struct model_object *m)
{
	free(m->raw);
	free(m->metadata);
	free(m->evidence);
	memset(m, 0, sizeof *m);
}

const char *model_order_status(const struct model_order *o)
{
	if (o->disputed)
		return "disputed";
	if (o->refunded || (o->amount > 0 && o->amount_refunded >= o->amount))
		return "refunded";
	if (o->amount_refunded > 0)
		return "partially_refunded";
	const char *s = o->platform_status ? o->platform_status : "";
	if (strcmp(s, "succeeded") == 0)
		return "paid";
	if (strcmp(s, "pending") == 0)
		return "pending";
	if (strcmp(s, "failed") == 0)
		return "failed";
	return s[0] ? s : "pending";
}

/* A growable output buffer; failed is sticky. */
struct out {
	char *buf;
	size_t len, cap;
	int failed;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->failed)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 512;
		while (cap < o->len + n + 1)
			cap *= 2;
		char *b = realloc(o->buf, cap);
		if (!b) {
			o->failed = 1;
			return;
		}
		o->buf = b;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

/* Keys never kept anywhere: secrets, and anything that could carry a card number. */
static int secret_key(const char *k)
{
	static const char *const secret[] = {"client_secret", "number", "cvc", "secret",
	                                     "fingerprint"};
	for (size_t i = 0; i < sizeof secret / sizeof *secret; i++)
		if (strcmp(k, secret[i]) == 0)
			return 1;
	return 0;
}

/* Writes a JSON string literal, escaping what JSON requires. */
static void put_string(struct out *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	put(o, "\"", 1);
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(o, s + start, i - start);
		char esc[6] = {'\\', (char)c, 0, 0, 0, 0};
		size_t len = 2;
		switch (c) {
		case '"':
		case '\\':
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\t':
			esc[1] = 't';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\b':
			esc[1] = 'b';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		default:
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			len = 6;
		}
		put(o, esc, len);
		start = i + 1;
	}
	put(o, s + start, n - start);
	put(o, "\"", 1);
}

/* Writes a scalar without allocating (this runs for every field of every object). */
static void put_scalar(struct out *o, const json_t *v)
{
	char num[64];
	int n;
	switch (json_typeof(v)) {
	case JSON_STRING:
		put_string(o, json_string_value(v), json_string_length(v));
		return;
	case JSON_INTEGER:
		n = snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		put(o, num, (size_t)n);
		return;
	case JSON_TRUE:
		put(o, "true", 4);
		return;
	case JSON_FALSE:
		put(o, "false", 5);
		return;
	default: {
		/* reals (rare here): jansson's own formatting */
		char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		if (!s) {
			o->failed = 1;
			return;
		}
		put(o, s, strlen(s));
		free(s);
	}
	}
}

/* Writes "k": (keys are almost always plain ASCII; others go through jansson). */
static void put_key(struct out *o, const char *k)
{
	const unsigned char *p = (const unsigned char *)k;
	while (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
		p++;
	if (*p == '\0') {
		put(o, "\"", 1);
		put(o, k, (size_t)(p - (const unsigned char *)k));
		put(o, "\":", 2);
		return;
	}
	put_string(o, k, strlen(k));
	put(o, ":", 1);
}

/* Whether the member at path (dotted, e.g. "outcome.risk_level") is to be left out. */
static int dropped(const char *path, const char *const *drop, size_t n_drop)
{
	for (size_t i = 0; i < n_drop; i++)
		if (path[0] == drop[i][0] && strcmp(path, drop[i]) == 0)
			return 1;
	return 0;
}

/* Writes v found at path; returns 0 when nothing was written (null or empty after
 * compaction). */
static int write_value(struct out *o, const json_t *v, char *path, size_t path_len,
                       const char *const *drop, size_t n_drop)
{
	size_t mark = o->len;
	switch (json_typeof(v)) {
	case JSON_NULL:
		return 0;
	case JSON_OBJECT: {
		const char *k;
		json_t *item;
		int n = 0;
		put(o, "{", 1);
		json_object_foreach((json_t *)v, k, item)
		{
			if (secret_key(k))
				continue;
			/* path grows in place; a path too long for the buffer is never in a list */
			size_t klen = strlen(k);
			size_t sub_len = path_len + (path_len ? 1 : 0) + klen;
			bool fits = sub_len < MODEL_PATH_MAX;
			if (fits) {
				if (path_len)
					path[path_len] = '.';
				memcpy(path + path_len + (path_len ? 1 : 0), k, klen + 1);
				if (dropped(path, drop, n_drop)) {
					path[path_len] = '\0';
					continue;
				}
			}
			size_t before = o->len;
			if (n)
				put(o, ",", 1);
			put_key(o, k);
			if (write_value(o, item, path, fits ? sub_len : path_len,
			                fits ? drop : NULL, fits ? n_drop : 0))
				n++;
			else if (!o->failed)
				o->len = before;
			path[path_len] = '\0';
		}
		if (n == 0) {
			o->len = mark;
			if (o->buf)
				o->buf[mark] = '\0';
			return 0;
		}
		put(o, "}", 1);
		return 1;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *item;
		int n = 0;
		put(o, "[", 1);
		json_array_foreach(v, i, item)
		{
			size_t before = o->len;
			if (n)
				put(o, ",", 1);
			if (write_value(o, item, path, path_len, NULL, 0))
				n++;
			else if (!o->failed)
				o->len = before;
		}
		if (n == 0) {
			o->len = mark;
			if (o->buf)
				o->buf[mark] = '\0';
			return 0;
		}
		put(o, "]", 1);
		return 1;
	}
	default:
		put_scalar(o, v);
		return 1;
	}
}

char *model_compact_json(const json_t *obj, const char *const *drop, size_t n_drop)
{
	struct out o = {0};
	char path[MODEL_PATH_MAX] = "";
	if (!write_value(&o, obj, path, 0, drop, n_drop))
		put(&o, "{}", 2);
	if (o.failed) {
		free(o.buf);
		return NULL;
	}
	return o.buf;
}
