/* paydesk's JSON reader against jansson as the oracle: the same texts accepted and refused,
 * and what is accepted read into the same values. Hand-picked edge cases, every prefix of
 * a fixture, and thousands of byte mutations of the Stripe fixtures. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "client/jdoc.h"

/* Whether v (ours) and j (jansson's) hold the same value; false on any difference. */
static bool same(const struct jval *v, const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_NULL:
		return v->type == J_NULL;
	case JSON_TRUE:
		return v->type == J_TRUE;
	case JSON_FALSE:
		return v->type == J_FALSE;
	case JSON_INTEGER:
		return v->type == J_INT && v->v.i == (int64_t)json_integer_value(j);
	case JSON_REAL:
		return v->type == J_REAL && v->len > 0;
	case JSON_STRING: {
		/* Ours keeps each NUL (\u0000) as the two bytes of JDOC_NUL. */
		if (v->type != J_STRING || v->v.s[v->len] != '\0')
			return false;
		const char *js = json_string_value(j);
		size_t jn = json_string_length(j), o = 0;
		for (size_t k = 0; k < jn; k++) {
			if (js[k] == '\0') {
				if (o + 2 > v->len || memcmp(v->v.s + o, JDOC_NUL, 2) != 0)
					return false;
				o += 2;
			} else if (o >= v->len || v->v.s[o++] != js[k]) {
				return false;
			}
		}
		return o == v->len;
	}
	case JSON_ARRAY: {
		if (v->type != J_ARRAY || v->len != json_array_size(j))
			return false;
		const struct jval *c;
		uint32_t i;
		JVAL_EACH(c, i, v)
		{
			if (c->key || !same(c, json_array_get(j, i)))
				return false;
		}
		return true;
	}
	case JSON_OBJECT: {
		if (v->type != J_OBJECT || v->len != json_object_size(j))
			return false;
		const struct jval *c;
		uint32_t i;
		JVAL_EACH(c, i, v)
		{
			const json_t *m = json_object_get(j, c->key);
			if (!m || !same(c, m) || jval_get(v, c->key) != c ||
			    c->key_len != strlen(c->key))
				return false;
		}
		return true;
	}
	}
	return false;
}

/* Parses text[0..len) with both; returns 1 when both accept with the same values, 0 when
 * both refuse, -1 when they disagree (with a message). */
static int compare(const char *text, size_t len)
{
	json_error_t jerr;
	json_t *j = json_loadb(text, len, JSON_ALLOW_NUL, &jerr);
	char *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, text, len);
	char err[96] = "";
	struct jdoc *d = jdoc_parse(copy, len, err, sizeof err);
	int rc;
	if (j && d)
		rc = same(jdoc_root(d), j) ? 1 : -1;
	else if (!j && d && strstr(jerr.text, "NUL byte in object key"))
		rc = 1; /* valid JSON that jansson declines to read (see test_nul) */
	else if (!j && !d)
		rc = 0;
	else
		rc = -1;
	if (rc < 0)
		print_message("# disagree on %.*s: jansson %s, ours %s\n",
		              (int)(len > 200 ? 200 : len), text, j ? "accepts" : jerr.text,
		              d ? "accepts" : err);
	json_decref(j);
	jdoc_free(&d);
	return rc;
}

static void test_accepted(void **state)
{
	(void)state;
	static const char *const ok[] = {
	        "{}",
	        "[]",
	        " \t\r\n{ \"a\" : [ 1 , -2 , 0 , true , false , null ] } \n",
	        "{\"s\":\"plain\",\"e\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\",\"u\":\"\\u00e9\\u4e2d\"}",
	        "{\"pair\":\"\\ud83d\\ude00\",\"raw\":\"\xf0\x9f\x98\x80 \xe4\xb8\xad \xc3\xa9\"}",
	        "[9223372036854775807,-9223372036854775808,0,-0]",
	        "[1.5,-0.25,1e10,1E-3,2.5e+7]",
	        "{\"deep\":{\"a\":{\"b\":{\"c\":[[[{}]]]}}},\"after\":1}",
	        "{\"\":\"empty key\",\"k\\u0001\":\"control in a key, escaped\"}",
	        "[\"\x7f\"]",
	        "[\"\\u0000\"]",
	        "{\"name\":\"a\\u0000b\",\"n\":\"\\u0000\\u0000\",\"after\":\"x\\u0000\"}",
	};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
		assert_int_equal(compare(ok[i], strlen(ok[i])), 1);
}

/* \u0000 is valid JSON anywhere a string may be, a member name included: every such text is
 * read, each NUL kept as JDOC_NUL, and the rest of the string with it. */
static void test_nul(void **state)
{
	(void)state;
	char text[] = "{\"k\\u0000ey\":\"Ann\\u0000Lee\",\"x\":1}";
	char *copy = strdup(text);
	assert_non_null(copy);
	char err[96];
	struct jdoc *d = jdoc_parse(copy, strlen(text), err, sizeof err);
	assert_non_null(d);
	const struct jval *m = jval_get(jdoc_root(d), "k" JDOC_NUL "ey");
	assert_non_null(m);
	assert_int_equal(m->len, 8);
	assert_memory_equal(m->v.s, "Ann" JDOC_NUL "Lee", 9);
	assert_int_equal(jval_get(jdoc_root(d), "x")->v.i, 1);
	jdoc_free(&d);
	/* jansson (the oracle) reads it in strings and refuses it in a member name. */
	assert_int_equal(compare(text, strlen(text)), 1);
	static const char bad[] = "[\"a\\u000\"]";
	copy = strdup(bad);
	assert_null(jdoc_parse(copy, strlen(bad), err, sizeof err));
	assert_non_null(strstr(err, "byte 3"));
}

static void test_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {
	        "",
	        "   ",
	        "1",
	        "\"a string root\"",
	        "{",
	        "{\"a\"}",
	        "{\"a\":}",
	        "{\"a\":1,}",
	        "[1,]",
	        "[1 2]",
	        "{a:1}",
	        "[01]",
	        "[-]",
	        "[1.]",
	        "[.5]",
	        "[1e]",
	        "[+1]",
	        "[9223372036854775808]",
	        "[-9223372036854775809]",
	        "[tru]",
	        "[nul]",
	        "[\"unterminated]",
	        "[\"tab\tinside\"]",
	        "[\"nl\ninside\"]",
	        "[\"\\ud800\"]",
	        "[\"\\udc00\"]",
	        "[\"\\ud800\\u0041\"]",
	        "[\"\\x\"]",
	        "[\"\\u12\"]",
	        "[\"\xc0\x80\"]",         /* overlong NUL */
	        "[\"\xe0\x80\xaf\"]",     /* overlong slash */
	        "[\"\xed\xa0\x80\"]",     /* a surrogate in UTF-8 */
	        "[\"\xf4\x90\x80\x80\"]", /* above U+10FFFF */
	        "[\"\xf5\"]",
	        "[\"\xe4\xb8\"]", /* cut short */
	        "[\"\x80\"]",
	        "{} {}",
	        "[] x",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (compare(bad[i], strlen(bad[i])) != 0)
			fail_msg("case %zu", i);
	}
	/* A NUL byte inside the text. */
	assert_int_equal(compare("[\"a\0b\"]", 7), 0);
	/* A raw NUL after a number or a literal: jansson 2.14 skips it (it reads "[1\0]" as
	 * [1]), JSON allows none there; checked on ours alone. */
	static const struct {
		const char *s;
		size_t n;
	} nul_after[] = {{"[1\0]", 4}, {"[null\0]", 7}, {"{\"a\":true\0}", 11}, {"[-2.5\0 ]", 8}};
	for (size_t i = 0; i < sizeof nul_after / sizeof *nul_after; i++) {
		char e[96];
		char *t = malloc(nul_after[i].n);
		assert_non_null(t);
		memcpy(t, nul_after[i].s, nul_after[i].n);
		struct jdoc *nd = jdoc_parse(t, nul_after[i].n, e, sizeof e);
		if (nd)
			fail_msg("raw NUL case %zu read", i);
	}
	/* Nesting deeper than the limit is refused; within it, read. */
	char err[96];
	char *copy = malloc(1200);
	assert_non_null(copy);
	memset(copy, '[', 600);
	memset(copy + 600, ']', 600);
	struct jdoc *d = jdoc_parse(copy, 1200, err, sizeof err);
	assert_null(d);
	assert_non_null(strstr(err, "deep"));
	copy = malloc(400);
	assert_non_null(copy);
	memset(copy, '[', 200);
	memset(copy + 200, ']', 200);
	d = jdoc_parse(copy, 400, err, sizeof err);
	assert_non_null(d);
	assert_int_equal(d->n, 200);
	jdoc_free(&d);
}

static char *fixtures_text(size_t *len)
{
	const char *dir = getenv("PAYDESK_FIXTURES");
	char path[1024];
	snprintf(path, sizeof path, "%s/stripe/fixtures3.json", dir ? dir : "tests/fixtures");
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot read %s", path);
	char *text = malloc(8u << 20);
	assert_non_null(text);
	*len = fread(text, 1, (8u << 20) - 1, f);
	fclose(f);
	return text;
}

/* One fixture object's text: small enough for every prefix and many mutations. */
static char *charge_text(size_t *len)
{
	size_t n;
	char *text = fixtures_text(&n);
	json_error_t jerr;
	json_t *all = json_loadb(text, n, 0, &jerr);
	free(text);
	assert_non_null(all);
	json_t *r = json_object_get(all, "resources");
	char *out = json_dumps(json_object_get(r ? r : all, "charge"), JSON_INDENT(1));
	json_decref(all);
	assert_non_null(out);
	*len = strlen(out);
	return out;
}

/* The whole fixture file reads the same; every proper prefix of a charge is refused. */
static void test_fixtures_and_prefixes(void **state)
{
	(void)state;
	size_t len;
	char *text = fixtures_text(&len);
	assert_int_equal(compare(text, len), 1);
	free(text);
	text = charge_text(&len);
	assert_int_equal(compare(text, len), 1);
	for (size_t i = 0; i < len; i++) {
		/* trailing blanks after the closing brace would make a complete document */
		if (compare(text, i) != 0)
			fail_msg("prefix of %zu bytes", i);
	}
	free(text);
}

/* Random byte changes of a charge: both parsers agree on every one. */
static void test_mutations(void **state)
{
	(void)state;
	size_t len;
	char *text = charge_text(&len);
	char *work = malloc(len);
	assert_non_null(work);
	static const char pool[] =
	        "{}[],:\"\\u0123456789abcdef-+.eE tfnrl\x01\x7f\x80\xc3\xa9\xed\xff";
	unsigned seed = 20261126;
	int accepted = 0, disagreements = 0;
	for (int round = 0; round < 5000; round++) {
		memcpy(work, text, len);
		int changes = 1 + round % 3;
		for (int k = 0; k < changes; k++) {
			size_t at = (size_t)rand_r(&seed) % len;
			work[at] = pool[(size_t)rand_r(&seed) % (sizeof pool - 1)];
		}
		json_error_t jerr;
		json_t *j = json_loadb(work, len, 0, &jerr);
		/* jansson refuses reals it cannot hold; paydesk keeps their text */
		bool skip = !j && strstr(jerr.text, "overflow");
		/* duplicate keys: jansson keeps one, paydesk both */
		json_decref(j);
		if (skip)
			continue;
		int rc = compare(work, len);
		if (rc < 0) {
			/* a duplicated key is the one legitimate difference */
			char *copy = malloc(len);
			memcpy(copy, work, len);
			char err[96];
			struct jdoc *d = jdoc_parse(copy, len, err, sizeof err);
			json_t *jj = json_loadb(work, len, 0, &jerr);
			bool dup = d && jj && d->vals[0].len != json_object_size(jj);
			jdoc_free(&d);
			json_decref(jj);
			if (!dup)
				disagreements++;
		}
		accepted += rc == 1;
	}
	print_message("# %d of 5000 mutations still valid JSON\n", accepted);
	assert_int_equal(disagreements, 0);
	assert_true(accepted > 100); /* the test reaches both outcomes */
	free(work);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_accepted),  cmocka_unit_test(test_refused),
	        cmocka_unit_test(test_nul),       cmocka_unit_test(test_fixtures_and_prefixes),
	        cmocka_unit_test(test_mutations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
