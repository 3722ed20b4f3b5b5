/* The sandbox's form and query decoder (sandbox/form.c) on any bytes: the parameters are
 * the non-empty pieces between '&', each a name and a value split at the first '=', with
 * '+' a space and %XX a byte (a malformed escape kept as written), as worked out here again;
 * lookups find the first of a name; what sbx_url_encode writes reads back the same. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>

#include "sandbox/sandbox.h"
#include "tests/fuzz/fuzz.h"

static int hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Whether got (a decoded C string of its buffer) is s[0..n) decoded. */
static bool decoded_is(const char *got, const char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++, o++) {
		char want = s[i];
		if (s[i] == '+') {
			want = ' ';
		} else if (s[i] == '%' && n - i > 2 && hex((unsigned char)s[i + 1]) >= 0 &&
		           hex((unsigned char)s[i + 2]) >= 0) {
			want = (char)(hex((unsigned char)s[i + 1]) * 16 +
			              hex((unsigned char)s[i + 2]));
			i += 2;
		}
		if (got[o] != want)
			return false;
	}
	return got[o] == '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_copy_exact(data, size);
	struct sbx_params p = {0};
	CHECK(sbx_params_parse(&p, s, size) == 0);

	/* the pieces, again */
	size_t k = 0;
	for (size_t i = 0; i <= size;) {
		size_t end = i;
		while (end < size && s[end] != '&')
			end++;
		if (end > i) {
			size_t eq = i;
			while (eq < end && s[eq] != '=')
				eq++;
			CHECK(k < p.n);
			CHECK(decoded_is(p.v[k].name, s + i, eq - i));
			CHECK(eq < end ? decoded_is(p.v[k].value, s + eq + 1, end - eq - 1)
			               : p.v[k].value[0] == '\0');
			k++;
		}
		i = end + 1;
	}
	CHECK(k == p.n);

	/* lookups: the first of a name, marked used */
	CHECK(sbx_params_unused(&p) == (p.n ? &p.v[0] : NULL));
	for (size_t i = 0; i < p.n && i < 32; i++) {
		size_t first = 0;
		while (strcmp(p.v[first].name, p.v[i].name) != 0)
			first++;
		CHECK(sbx_params_get(&p, p.v[i].name) == p.v[first].value && p.v[first].used);
	}
	CHECK(sbx_params_get(NULL, "x") == NULL && sbx_params_unused(NULL) == NULL);

	/* encoded again, read back the same */
	for (size_t i = 0; i < p.n && i < 16; i++) {
		struct sbx_buf b;
		sbx_buf_init(&b);
		sbx_url_encode(&b, p.v[i].name);
		sbx_buf_put(&b, "=", 1);
		sbx_url_encode(&b, p.v[i].value);
		struct sbx_params q = {0};
		CHECK(sbx_params_parse(&q, b.data, b.len) == 0 && q.n == 1);
		CHECK(strcmp(q.v[0].name, p.v[i].name) == 0 &&
		      strcmp(q.v[0].value, p.v[i].value) == 0);
		sbx_params_free(&q);
		sbx_buf_free(&b);
	}

	/* parsing appends */
	size_t before = p.n;
	CHECK(sbx_params_parse(&p, s, size) == 0 && p.n == before * 2);
	sbx_params_free(&p);
	CHECK(p.n == 0 && p.v == NULL);
	free(s);
	return 0;
}
