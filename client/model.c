/* The provider-neutral model: display status, and compact JSON for the detail view. */
#include "config.h"

#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
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
	free(m->own_id);
	memset(m, 0, sizeof *m);
}

#define STR(field) offsetof(struct model_object, field)
/* The strings of each kind of object, by offset. */
static const size_t common_strs[] = {STR(id), STR(raw), STR(metadata), STR(evidence), STR(own_id)};
static const size_t order_strs[] = {STR(u.order.currency),       STR(u.order.platform_status),
                                    STR(u.order.order_ref),      STR(u.order.customer_name),
                                    STR(u.order.customer_email), STR(u.order.description),
                                    STR(u.order.payment_intent), STR(u.order.balance_transaction),
                                    STR(u.order.card_brand),     STR(u.order.card_last4),
                                    STR(u.order.risk_level),     STR(u.order.failure_message),
                                    STR(u.order.payer),          STR(u.order.channel),
                                    STR(u.order.fee_rate),       STR(u.order.bill_day)};
static const size_t intent_strs[] = {STR(u.payment_intent.currency), STR(u.payment_intent.status),
                                     STR(u.payment_intent.latest_charge),
                                     STR(u.payment_intent.description)};
static const size_t refund_strs[] = {
        STR(u.refund.currency),       STR(u.refund.order_id),  STR(u.refund.payment_intent),
        STR(u.refund.status),         STR(u.refund.reason),    STR(u.refund.balance_transaction),
        STR(u.refund.failure_reason), STR(u.refund.action_id), STR(u.refund.order_ref),
        STR(u.refund.refund_ref),     STR(u.refund.bill_day)};
static const size_t dispute_strs[] = {STR(u.dispute.currency),       STR(u.dispute.order_id),
                                      STR(u.dispute.payment_intent), STR(u.dispute.status),
                                      STR(u.dispute.reason),         STR(u.dispute.order_ref),
                                      STR(u.dispute.detail),         STR(u.dispute.contact)};
static const size_t payout_strs[] = {STR(u.payout.currency), STR(u.payout.status),
                                     STR(u.payout.method), STR(u.payout.balance_transaction),
                                     STR(u.payout.description)};
static const size_t balance_strs[] = {STR(u.balance_tx.currency),
                                      STR(u.balance_tx.type),
                                      STR(u.balance_tx.reporting_category),
                                      STR(u.balance_tx.source),
                                      STR(u.balance_tx.status),
                                      STR(u.balance_tx.description),
                                      STR(u.balance_tx.bill_day),
                                      STR(u.balance_tx.exchange_rate),
                                      STR(u.balance_tx.presentment_currency)};
static const size_t event_strs[] = {STR(u.dispute_event.dispute_id), STR(u.dispute_event.actor),
                                    STR(u.dispute_event.kind), STR(u.dispute_event.text)};
#undef STR

/* Adds the strings' length to *size (with at NULL), or copies them to *at and points the
 * fields there. Fields are read and set with memcpy: some are const char *, some char *. */
static void copy_strs(struct model_object *m, const size_t *offs, size_t n, size_t *size, char **at)
{
	for (size_t i = 0; i < n; i++) {
		const char *f;
		memcpy(&f, (char *)m + offs[i], sizeof f);
		if (!f)
			continue;
		size_t len = strlen(f) + 1;
		if (!at) {
			*size += len;
			continue;
		}
		memcpy(*at, f, len);
		memcpy((char *)m + offs[i], at, sizeof *at);
		*at += len;
	}
}

struct model_object *model_object_copy(const struct model_object *m)
{
	static const struct {
		const size_t *offs;
		size_t n;
	} kinds[] = {
	        [MODEL_ORDER] = {order_strs, sizeof order_strs / sizeof *order_strs},
	        [MODEL_PAYMENT_INTENT] = {intent_strs, sizeof intent_strs / sizeof *intent_strs},
	        [MODEL_REFUND] = {refund_strs, sizeof refund_strs / sizeof *refund_strs},
	        [MODEL_DISPUTE] = {dispute_strs, sizeof dispute_strs / sizeof *dispute_strs},
	        [MODEL_PAYOUT] = {payout_strs, sizeof payout_strs / sizeof *payout_strs},
	        [MODEL_BALANCE_TX] = {balance_strs, sizeof balance_strs / sizeof *balance_strs},
	        [MODEL_DISPUTE_EVENT] = {event_strs, sizeof event_strs / sizeof *event_strs},
	};
	struct model_object tmp = *m;
	size_t k = (size_t)m->kind < sizeof kinds / sizeof *kinds ? (size_t)m->kind : 0;
	size_t size = sizeof tmp;
	copy_strs(&tmp, common_strs, sizeof common_strs / sizeof *common_strs, &size, NULL);
	copy_strs(&tmp, kinds[k].offs, kinds[k].n, &size, NULL);
	struct model_object *c = malloc(size);
	if (!c)
		return NULL;
	*c = *m;
	char *at = (char *)(c + 1);
	copy_strs(c, common_strs, sizeof common_strs / sizeof *common_strs, NULL, &at);
	copy_strs(c, kinds[k].offs, kinds[k].n, NULL, &at);
	return c;
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

/* Room for n more bytes and the terminating NUL; false (o failed) when memory ran out. */
static bool reserve(struct out *o, size_t n)
{
	if (o->failed)
		return false;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 512;
		while (cap < o->len + n + 1)
			cap *= 2;
		char *b = realloc(o->buf, cap);
		if (!b) {
			o->failed = 1;
			return false;
		}
		o->buf = b;
		o->cap = cap;
	}
	return true;
}

static void put(struct out *o, const char *s, size_t n)
{
	if (!reserve(o, n))
		return;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

/* Keys never kept anywhere: secrets, and anything that could carry a card number. */
static int secret_key(const char *k)
{
	switch (k[0]) {
	case 'c':
		return strcmp(k, "client_secret") == 0 || strcmp(k, "cvc") == 0;
	case 'n':
		return strcmp(k, "number") == 0;
	case 's':
		return strcmp(k, "secret") == 0;
	case 'f':
		return strcmp(k, "fingerprint") == 0;
	default:
		return 0;
	}
}

/* Writes a JSON string literal, escaping what JSON requires. */
static void put_string(struct out *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	put(o, "\"", 1);
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		/* eight bytes at a time through what needs no escape */
		for (uint64_t v; n - i >= 8 && (memcpy(&v, s + i, 8), !jdoc_needs_escape8(v));)
			i += 8;
		if (i >= n)
			break;
		unsigned char c = (unsigned char)s[i];
		if (c == 0xc0 && i + 1 < n && (unsigned char)s[i + 1] == 0x80) {
			/* JDOC_NUL: the \u0000 the platform sent */
			put(o, s + start, i - start);
			put(o, "\\u0000", 6);
			start = ++i + 1;
			continue;
		}
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
/* Whether the JSON number s[0..n) is beyond a double's range (as "1e999"): valid JSON,
 * which jansson, the screens' reader of the cache's JSON, refuses whole. Only long numbers
 * and those with an exponent are parsed. */
static bool real_overflows(const char *s, size_t n)
{
	if (n < 300 && !memchr(s, 'e', n) && !memchr(s, 'E', n))
		return false;
	static locale_t c_locale;
	if (!c_locale)
		c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	char buf[512];
	if (n >= sizeof buf || !c_locale) {
		/* so long: beyond range when its integer part has more than 309 digits */
		size_t i = n > 0 && s[0] == '-', start = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		return i - start > 309;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	return isinf(strtod_l(buf, NULL, c_locale));
}

static void put_scalar(struct out *o, const struct jval *v)
{
	char num[24];
	int n;
	switch (v->type) {
	case J_STRING:
		put_string(o, v->v.s, v->len);
		return;
	case J_INT:
		n = snprintf(num, sizeof num, "%" PRId64, v->v.i);
		put(o, num, (size_t)n);
		return;
	case J_REAL:
		/* the number as the platform wrote it; beyond a double's range, its text */
		if (real_overflows(v->v.s, v->len))
			put_string(o, v->v.s, v->len);
		else
			put(o, v->v.s, v->len);
		return;
	case J_TRUE:
		put(o, "true", 4);
		return;
	case J_FALSE:
		put(o, "false", 5);
		return;
	default:
		put(o, "null", 4);
	}
}

/* Writes "k": — a NUL in a member name (JDOC_NUL, the escape \u0000) as U+2400, the symbol
 * for it, since jansson, the screens' reader of the cache's JSON, refuses a NUL in a name
 * whole (in values it keeps it). */
static void put_key(struct out *o, const char *k, size_t len)
{
	const char *nul = len >= JDOC_NUL_LEN ? memmem(k, len, JDOC_NUL, JDOC_NUL_LEN) : NULL;
	if (!nul) {
		put_string(o, k, len);
	} else {
		char *copy = malloc(len / JDOC_NUL_LEN * 3 + len + 1);
		size_t n = 0;
		for (size_t i = 0; copy && i < len;) {
			if (len - i >= JDOC_NUL_LEN && memcmp(k + i, JDOC_NUL, JDOC_NUL_LEN) == 0) {
				memcpy(copy + n, "\xe2\x90\x80", 3);
				n += 3, i += JDOC_NUL_LEN;
			} else {
				copy[n++] = k[i++];
			}
		}
		if (copy)
			put_string(o, copy, n);
		else
			o->failed = true;
		free(copy);
	}
	put(o, ":", 1);
}

/* What the drop list says of the member at path (dotted, e.g. "outcome.risk_level"): left
 * out, something below it left out, or neither (its subtree is written whole). */
enum drop_state { KEEP_ALL, KEEP_SOME, DROP };

static enum drop_state drop_state(const char *path, size_t len, const struct model_drop *drop,
                                  size_t n_drop)
{
	enum drop_state state = KEEP_ALL;
	for (size_t i = 0; i < n_drop; i++) {
		if (drop[i].len < len || drop[i].path[0] != path[0] ||
		    memcmp(path, drop[i].path, len) != 0)
			continue;
		if (drop[i].len == len)
			return DROP;
		if (drop[i].path[len] == '.')
			state = KEEP_SOME;
	}
	return state;
}

/* Writes v found at path; returns 0 when nothing was written (null or empty after
 * compaction). */
static int write_value(struct out *o, const struct jval *v, char *path, size_t path_len,
                       const struct model_drop *drop, size_t n_drop)
{
	size_t mark = o->len;
	const struct jval *item;
	uint32_t i;
	switch (v->type) {
	case J_NULL:
		return 0;
	case J_OBJECT: {
		int n = 0;
		put(o, "{", 1);
		JVAL_EACH(item, i, v)
		{
			const char *k = item->key;
			if (secret_key(k))
				continue;
			/* path grows in place; a path too long for the buffer is never in a list */
			size_t klen = item->key_len;
			size_t sub_len = path_len + (path_len ? 1 : 0) + klen;
			const struct model_drop *sub_drop = NULL;
			size_t sub_n = 0;
			if (drop && sub_len < MODEL_PATH_MAX) {
				if (path_len)
					path[path_len] = '.';
				memcpy(path + path_len + (path_len ? 1 : 0), k, klen + 1);
				enum drop_state state = drop_state(path, sub_len, drop, n_drop);
				if (state == DROP) {
					path[path_len] = '\0';
					continue;
				}
				if (state == KEEP_SOME)
					sub_drop = drop, sub_n = n_drop;
			}
			size_t before = o->len;
			if (n)
				put(o, ",", 1);
			put_key(o, k, klen);
			if (write_value(o, item, path, sub_drop ? sub_len : path_len, sub_drop,
			                sub_n))
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
	case J_ARRAY: {
		int n = 0;
		put(o, "[", 1);
		JVAL_EACH(item, i, v)
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

char *model_compact_json(const struct jval *obj, const struct model_drop *drop, size_t n_drop)
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

static int by_key(const void *a, const void *b)
{
	const struct jval *const *x = a, *const *y = b;
	return strcmp((*x)->key, (*y)->key);
}

/* Writes v as it is, object members in name order. */
static void write_sorted(struct out *o, const struct jval *v)
{
	const struct jval *item;
	uint32_t i;
	if (v->type == J_ARRAY) {
		put(o, "[", 1);
		JVAL_EACH(item, i, v)
		{
			if (i)
				put(o, ",", 1);
			write_sorted(o, item);
		}
		put(o, "]", 1);
		return;
	}
	if (v->type != J_OBJECT) {
		put_scalar(o, v);
		return;
	}
	const struct jval **members = malloc((v->len ? v->len : 1) * sizeof *members);
	if (!members) {
		o->failed = 1;
		return;
	}
	JVAL_EACH(item, i, v)
	members[i] = item;
	qsort(members, v->len, sizeof *members, by_key);
	put(o, "{", 1);
	for (i = 0; i < v->len; i++) {
		if (i)
			put(o, ",", 1);
		put_key(o, members[i]->key, members[i]->key_len);
		write_sorted(o, members[i]);
	}
	put(o, "}", 1);
	free(members);
}

char *model_metadata_json(const struct jval *v)
{
	struct out o = {0};
	write_sorted(&o, v);
	if (o.failed || !o.buf) {
		free(o.buf);
		return NULL;
	}
	return o.buf;
}

void model_json_begin(struct model_json *j)
{
	memset(j, 0, sizeof *j);
}

/* Whether s[0..n) goes into a JSON string as it is (put_string would escape nothing). */
static bool plain_string(const char *s, size_t n)
{
	size_t i = 0;
	for (uint64_t v; n - i >= 8 && (memcpy(&v, s + i, 8), !jdoc_needs_escape8(v));)
		i += 8;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == '"' || c == '\\' ||
		    (c == 0xc0 && i + 1 < n && (unsigned char)s[i + 1] == 0x80))
			return false;
	}
	return true;
}

void model_json_str(struct model_json *j, const char *key, size_t key_len, const char *value,
                    size_t value_len)
{
	struct out o = {j->buf, j->len, j->cap, j->failed};
	const char *sep = j->n++ ? "," : "{";
	/* A bill's columns and values rarely need an escape: written in one go. */
	if (!plain_string(key, key_len) || !plain_string(value, value_len)) {
		put(&o, sep, 1);
		put_string(&o, key, key_len);
		put(&o, ":", 1);
		put_string(&o, value, value_len);
	} else if (reserve(&o, key_len + value_len + 6)) {
		char *p = o.buf + o.len;
		*p++ = *sep;
		*p++ = '"';
		memcpy(p, key, key_len);
		p += key_len;
		memcpy(p, "\":\"", 3);
		p += 3;
		memcpy(p, value, value_len);
		p += value_len;
		*p++ = '"';
		*p = '\0';
		o.len = (size_t)(p - o.buf);
	}
	j->buf = o.buf, j->len = o.len, j->cap = o.cap, j->failed = o.failed;
}

char *model_json_end(struct model_json *j)
{
	struct out o = {j->buf, j->len, j->cap, j->failed};
	put(&o, j->n ? "}" : "{}", j->n ? 1 : 2);
	if (o.failed) {
		free(o.buf);
		memset(j, 0, sizeof *j);
		return NULL;
	}
	memset(j, 0, sizeof *j);
	return o.buf;
}

const char *model_set_own_id(struct model_object *m, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	free(m->own_id);
	m->own_id = strdup(buf);
	m->id = m->own_id;
	return m->id;
}
