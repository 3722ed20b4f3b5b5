/* The JSON reader (client/jdoc.c) against jansson as the oracle. Both must accept and
 * refuse the same texts, and read what they accept into the same values: the same types,
 * strings byte for byte, the same integers, reals that convert to the same double. Where
 * jdoc differs on purpose, the rule is written here with where it comes from; any other
 * difference, or a broken invariant of jdoc's tree, aborts. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "client/jdoc.h"
#include "tests/fuzz/fuzz.h"

/* jdoc.c: JDOC_MAX_DEPTH, "too deeply nested" beyond it. jansson's own limit is 2048. */
#define JDOC_DEPTH_LIMIT 512

/* How jansson's strings stand for jdoc's JDOC_NUL (the escape \u0000): as a NUL byte
 * (JSON_ALLOW_NUL), or, when \u0000 stood in a member name, which jansson refuses ("NUL
 * byte in object key not supported") and the text was read again with every \u0000
 * rewritten as \uE000, as U+E000. */
static const char *nul_as = "";
static size_t nul_as_len = 1;
/* Whether the reals too big for a double were read by jansson as 0e0 (see below). */
static bool huge_as_zero;

/* Whether jdoc's bytes a[0..an) are jansson's b[0..bn), JDOC_NUL for nul_as. */
static bool same_bytes(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, k = 0;
	while (i < an && k < bn) {
		if (an - i >= JDOC_NUL_LEN && memcmp(a + i, JDOC_NUL, JDOC_NUL_LEN) == 0) {
			if (bn - k < nul_as_len || memcmp(b + k, nul_as, nul_as_len) != 0)
				return false;
			i += JDOC_NUL_LEN, k += nul_as_len;
		} else if (a[i++] != b[k++]) {
			return false;
		}
	}
	return i == an && k == bn;
}

/* Deepest nesting of containers in a jansson tree (1 for "[]"). */
static int depth_of(const json_t *j)
{
	int deepest = 0;
	if (json_is_array(j)) {
		for (size_t i = 0; i < json_array_size(j); i++) {
			int d = depth_of(json_array_get(j, i));
			deepest = d > deepest ? d : deepest;
		}
		return deepest + 1;
	}
	if (json_is_object(j)) {
		const char *k;
		const json_t *m;
		json_object_foreach((json_t *)j, k, m)
		{
			int d = depth_of(m);
			deepest = d > deepest ? d : deepest;
		}
		return deepest + 1;
	}
	return 0;
}

/* jdoc's tree alone: spans add up, keys and strings are C strings of their length, and the
 * accessors agree with the walk. Returns the span of v. */
static uint32_t check_tree(const struct jdoc *d, const struct jval *v, bool in_object)
{
	CHECK(v >= d->vals && (size_t)(v - d->vals) < d->n);
	CHECK((size_t)(v - d->vals) + v->span <= d->n);
	if (in_object) {
		CHECK(v->key && strlen(v->key) == v->key_len);
	} else {
		CHECK(!v->key);
	}
	CHECK(jval_is(v, (enum jtype)v->type));
	CHECK((jval_str(v) != NULL) == (v->type == J_STRING));
	switch (v->type) {
	case J_NULL:
	case J_FALSE:
	case J_TRUE:
	case J_INT:
		CHECK(v->span == 1);
		return 1;
	case J_REAL:
		CHECK(v->span == 1 && v->len > 0 && v->v.s);
		return 1;
	case J_STRING:
		CHECK(v->span == 1 && strlen(v->v.s) == v->len);
		return 1;
	case J_ARRAY:
	case J_OBJECT: {
		uint32_t total = 1, i;
		const struct jval *c;
		JVAL_EACH(c, i, v)
		{
			total += check_tree(d, c, v->type == J_OBJECT);
			if (v->type == J_OBJECT) {
				/* jval_get finds the first member of a name */
				const struct jval *first = v + 1;
				uint32_t k = 0;
				while (strcmp(first->key, c->key) != 0)
					first += first->span, k++;
				CHECK(k <= i && jval_get(v, c->key) == first);
			}
		}
		CHECK(total == v->span);
		CHECK(v->type == J_OBJECT || jval_get(v, "") == NULL);
		return total;
	}
	}
	CHECK(!"unknown type");
	return 0;
}

/* A real's text as jdoc keeps it, as strtod reads it; *overflow when it is beyond double. */
static double real_value(const struct jval *v, bool *overflow)
{
	char buf[512];
	char *text = v->len < sizeof buf ? buf : malloc(v->len + 1);
	CHECK(text);
	memcpy(text, v->v.s, v->len);
	text[v->len] = '\0';
	errno = 0;
	char *end;
	double x = strtod(text, &end);
	CHECK(*end == '\0');
	*overflow = errno == ERANGE && isinf(x);
	if (text != buf)
		free(text);
	return x;
}

/* Whether any real in jdoc's tree is too big for a double (jansson refuses those: "real
 * number overflow"; jdoc keeps a real as its text, see jdoc.h's struct jval). */
static bool has_huge_real(const struct jdoc *d)
{
	for (size_t i = 0; i < d->n; i++) {
		bool overflow = false;
		if (d->vals[i].type == J_REAL)
			real_value(&d->vals[i], &overflow);
		if (overflow)
			return true;
	}
	return false;
}

static void same(const struct jval *v, const json_t *j);

static void same_object(const struct jval *v, const json_t *j)
{
	/* Duplicate names: jdoc keeps every member (jval_get finds the first), jansson keeps
	 * the last one's value. So the names without duplicates must be as many as jansson's
	 * members, and each name's last member must hold jansson's value. */
	uint32_t distinct = 0, i;
	const struct jval *c;
	JVAL_EACH(c, i, v)
	{
		const struct jval *later = c + c->span;
		bool last = true;
		for (uint32_t k = i + 1; k < v->len && last; k++, later += later->span)
			last = strcmp(later->key, c->key) != 0;
		if (!last)
			continue;
		distinct++;
		/* jansson's name for it */
		char *name = malloc(c->key_len * 2 + 1);
		CHECK(name);
		size_t n = 0;
		for (size_t r = 0; r < c->key_len;) {
			if (c->key_len - r >= JDOC_NUL_LEN &&
			    memcmp(c->key + r, JDOC_NUL, JDOC_NUL_LEN) == 0) {
				memcpy(name + n, nul_as, nul_as_len);
				n += nul_as_len, r += JDOC_NUL_LEN;
			} else {
				name[n++] = c->key[r++];
			}
		}
		const json_t *m = json_object_getn(j, name, n);
		free(name);
		CHECK(m);
		same(c, m);
	}
	CHECK(distinct == json_object_size(j));
}

/* The values of jdoc's v and jansson's j are the same. */
static void same(const struct jval *v, const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_NULL:
		CHECK(v->type == J_NULL);
		return;
	case JSON_TRUE:
		CHECK(v->type == J_TRUE);
		return;
	case JSON_FALSE:
		CHECK(v->type == J_FALSE);
		return;
	case JSON_INTEGER:
		CHECK(v->type == J_INT && v->v.i == (int64_t)json_integer_value(j));
		return;
	case JSON_REAL: {
		CHECK(v->type == J_REAL);
		bool overflow;
		double x = real_value(v, &overflow), y = json_real_value(j);
		if (overflow) /* read again as 0e0: see LLVMFuzzerTestOneInput */
			CHECK(huge_as_zero && y == 0.0);
		else
			CHECK(memcmp(&x, &y, sizeof x) == 0);
		return;
	}
	case JSON_STRING:
		CHECK(v->type == J_STRING);
		CHECK(same_bytes(v->v.s, v->len, json_string_value(j), json_string_length(j)));
		return;
	case JSON_ARRAY: {
		CHECK(v->type == J_ARRAY && v->len == json_array_size(j));
		const struct jval *c;
		uint32_t i;
		JVAL_EACH(c, i, v)
		same(c, json_array_get(j, i));
		return;
	}
	case JSON_OBJECT:
		CHECK(v->type == J_OBJECT);
		same_object(v, j);
		return;
	}
	CHECK(!"unknown jansson type");
}

/* Rewrites each escape \u0000 of s[0..size) as \uE000, in place; false when the text
 * already holds U+E000 (escaped or raw), which would make the two stand for each other. */
static bool rewrite_nul(char *s, size_t size)
{
	for (size_t i = 0; i < size; i++) {
		if (i + 2 < size && (uint8_t)s[i] == 0xee && (uint8_t)s[i + 1] == 0x80 &&
		    (uint8_t)s[i + 2] == 0x80)
			return false;
		if (s[i] != '\\' || i + 1 >= size)
			continue;
		if (s[i + 1] == 'u' && i + 5 < size) {
			if (memcmp(s + i + 2, "0000", 4) == 0)
				memcpy(s + i + 2, "E000", 4);
			else if ((s[i + 2] | 0x20) == 'e' && memcmp(s + i + 3, "000", 3) == 0)
				return false;
		}
		i++; /* the escaped character is not a backslash that starts an escape */
	}
	return true;
}

/* Rewrites each real of jdoc's tree that is beyond double's range as "0e0" and spaces, in
 * place in s (the text jdoc read: numbers stay where they were, see parse_number). */
static void rewrite_huge_reals(const struct jdoc *d, char *s)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct jval *v = &d->vals[i];
		bool overflow = false;
		if (v->type == J_REAL)
			real_value(v, &overflow);
		if (!overflow)
			continue;
		size_t at = (size_t)(v->v.s - d->text);
		CHECK(v->len >= 3);
		memcpy(s + at, "0e0", 3);
		memset(s + at + 3, ' ', v->len - 3);
	}
}

/* jdoc_needs_escape8 may err towards true, never towards false. */
static void check_escape8(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i + 8 <= size && i < 256; i++) {
		uint64_t v;
		memcpy(&v, data + i, 8);
		bool needs = false;
		for (int k = 0; k < 8; k++) {
			uint8_t c = data[i + k];
			needs = needs || c == '"' || c == '\\' || c < 0x20 || c == 0xc0;
		}
		CHECK(!needs || jdoc_needs_escape8(v));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_escape8(data, size);

	char err[128] = "";
	struct jdoc *d = jdoc_parse(fuzz_copy_exact(data, size), size, err, sizeof err);
	if (d) {
		CHECK(d->n > 0 && d->vals[0].span == d->n);
		CHECK(jdoc_root(d)->type == J_OBJECT || jdoc_root(d)->type == J_ARRAY);
		check_tree(d, jdoc_root(d), false);
	} else {
		CHECK(err[0] != '\0');
	}

	/* The root must be an object or an array in both: no JSON_DECODE_ANY. */
	json_error_t jerr;
	char *text = fuzz_copy(data, size);
	/* jansson 2.14 skips a raw NUL byte after a number or a literal ("[1\0]" and
	 * "[null\0]" are read as [1] and [null]), where JSON allows no NUL outside strings
	 * and no raw one in them, as jdoc refuses. It gets 0x01 instead, which it refuses
	 * everywhere as it should. */
	for (size_t i = 0; i < size; i++)
		if (text[i] == '\0')
			text[i] = '\x01';
	bool nul_rewritten = false, gave_up = false;
	nul_as = "", nul_as_len = 1, huge_as_zero = false;
	json_t *j = json_loadb(text, size, JSON_ALLOW_NUL, &jerr);
	/* Two things jdoc reads that jansson refuses; the text is read again without them:
	 * - \u0000 in a member name (jdoc.h: a NUL is kept as JDOC_NUL, names included); jansson:
	 *   "NUL byte in object key not supported";
	 * - a real beyond double's range (jdoc keeps a real as its text, struct jval); jansson:
	 *   "real number overflow". */
	for (int round = 0; round < 2 && !j && d; round++) {
		if (json_error_code(&jerr) == json_error_null_byte_in_key && !nul_rewritten) {
			if (!rewrite_nul(text, size)) {
				gave_up = true; /* U+E000 already in the text: nothing to compare */
				break;
			}
			nul_rewritten = true;
			nul_as = "\xee\x80\x80", nul_as_len = 3;
		} else if (json_error_code(&jerr) == json_error_numeric_overflow && !huge_as_zero &&
		           has_huge_real(d)) {
			rewrite_huge_reals(d, text);
			huge_as_zero = true;
		} else {
			break;
		}
		j = json_loadb(text, size, JSON_ALLOW_NUL, &jerr);
	}
	free(text);

	if (d && j) {
		same(jdoc_root(d), j);
	} else if (d) {
		/* jdoc accepts what jansson refuses: nothing but the above */
		CHECK(gave_up);
	} else if (j) {
		/* jansson accepts what jdoc refuses: only nesting deeper than jdoc's limit */
		CHECK(strstr(err, "too deeply nested") && depth_of(j) > JDOC_DEPTH_LIMIT);
	}
	json_decref(j);
	jdoc_free(&d);
	return 0;
}
