/* The signed envelopes' readers: where an Alipay reply's response node lies in the raw bytes
 * (client/alipay/wire.c, alp_find_node), whose signature is checked before anything in the
 * node is read, and base64 (client/crypto.c), which carries every signature and ciphertext.
 *
 * The first byte picks the reader; the rest is its input.
 * - Node, checked against the JSON reader: when the finder says the node is there once, the
 *   reply as jdoc reads it must have exactly one member of that name at its top, and that
 *   member must be the bytes the finder gave (read on their own, the same value). Otherwise
 *   a reply could carry one node that is verified and another that is read.
 * - Base64: any bytes encode and decode back to themselves, a buffer one byte short is
 *   refused; text that decodes encodes to text that decodes to the same bytes. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>

#include "client/alipay/alipay.h"
#include "client/crypto.h"
#include "client/jdoc.h"
#include "tests/fuzz/fuzz.h"

/* Whether two read values are the same (members in order, names and all). */
static bool same_value(const struct jval *a, const struct jval *b)
{
	if (a->type != b->type || a->len != b->len)
		return false;
	switch (a->type) {
	case J_INT:
		return a->v.i == b->v.i;
	case J_REAL:
	case J_STRING:
		return memcmp(a->v.s, b->v.s, a->len) == 0;
	case J_ARRAY:
	case J_OBJECT: {
		const struct jval *x = a + 1, *y = b + 1;
		for (uint32_t i = 0; i < a->len; i++, x += x->span, y += y->span) {
			if (a->type == J_OBJECT &&
			    (x->key_len != y->key_len || memcmp(x->key, y->key, x->key_len) != 0))
				return false;
			if (!same_value(x, y))
				return false;
		}
		return true;
	}
	default:
		return true;
	}
}

static struct jdoc *parse(const char *s, size_t n)
{
	char err[96];
	return jdoc_parse(fuzz_copy((const uint8_t *)s, n), n, err, sizeof err);
}

static void check_node(const uint8_t *data, size_t size, const char *name)
{
	char *body = fuzz_copy_exact(data, size);
	const char *start = NULL;
	size_t n = 0;
	int found = alp_find_node(body, size, name, &start, &n);
	CHECK(found >= -1 && found <= 1);
	if (found == 1) {
		CHECK(start >= body && n >= 2 && n <= size && (size_t)(start - body) <= size - n);
		CHECK(start[0] == '{' && start[n - 1] == '}');
		struct jdoc *whole = parse(body, size);
		const struct jval *root = jdoc_root(whole);
		if (root && root->type == J_OBJECT) {
			const struct jval *c, *member = NULL;
			uint32_t i, count = 0;
			JVAL_EACH(c, i, root)
			{
				if (strcmp(c->key, name) == 0) {
					member = member ? member : c;
					count++;
				}
			}
			/* What is read (jval_get: the first member of the name) is what was found,
			 * and there is no other. */
			CHECK(count == 1 && member == jval_get(root, name));
			struct jdoc *node = parse(start, n);
			CHECK(node);
			CHECK(same_value(member, jdoc_root(node)));
			jdoc_free(&node);
		}
		jdoc_free(&whole);
	}
	free(body);
}

static void check_base64(const uint8_t *data, size_t size)
{
	/* The bytes, encoded and decoded back. */
	size_t enc_size = (size + 2) / 3 * 4 + 1;
	char *enc = malloc(enc_size);
	unsigned char *dec = malloc(size + 1);
	CHECK(enc && dec);
	size_t elen = crypto_base64_encode(data, size, enc, enc_size);
	CHECK(elen == enc_size - 1 && enc[elen] == '\0');
	CHECK(crypto_base64_encode(data, size, enc, enc_size - 1) == 0);
	CHECK(crypto_base64_encode(data, size, enc, enc_size) == elen);
	CHECK(crypto_base64_decode(enc, elen, dec, size) == (long)size);
	CHECK(size == 0 || memcmp(dec, data, size) == 0);
	if (size > 0)
		CHECK(crypto_base64_decode(enc, elen, dec, size - 1) == -1);
	free(enc);
	free(dec);

	/* The bytes as base64 text. */
	char *text = fuzz_copy_exact(data, size);
	unsigned char *out = malloc(size + 1);
	CHECK(out);
	long got = crypto_base64_decode(text, size, out, size);
	if (got >= 0) {
		CHECK((size_t)got <= size / 4 * 3);
		size_t again_size = ((size_t)got + 2) / 3 * 4 + 1;
		char *again = malloc(again_size);
		unsigned char *back = malloc((size_t)got + 1);
		CHECK(again && back);
		size_t alen = crypto_base64_encode(out, (size_t)got, again, again_size);
		CHECK(alen == again_size - 1);
		CHECK(crypto_base64_decode(again, alen, back, (size_t)got) == got);
		CHECK(got == 0 || memcmp(back, out, (size_t)got) == 0);
		free(again);
		free(back);
	}
	free(out);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"alipay_trade_query_response", "error_response",
	                                    "m_response"};
	if (size < 1)
		return 0;
	uint8_t pick = data[0] % 4;
	if (pick < 3)
		check_node(data + 1, size - 1, names[pick]);
	else
		check_base64(data + 1, size - 1);
	return 0;
}
