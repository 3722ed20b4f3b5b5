/* The platform's JSON replies, read in one pass: every value lands in one array in
 * document order, and strings are unescaped in place in the reply's own buffer. A page of
 * a hundred charges is a few allocations instead of thousands, which is what keeps the
 * client's CPU per synced object small. Strict like a validating parser: malformed JSON,
 * bytes that are not UTF-8, raw control characters in strings, lone surrogates and
 * integers beyond 64 bits are refused; every valid JSON text is read. Private to client/.
 *
 * The escape \u0000 is legal JSON and may stand in any text a merchant wrote: a string
 * keeps it as the two bytes C0 80 (JDOC_NUL, the "modified UTF-8" of Java and Tcl, which no
 * valid UTF-8 text contains), so that strings stay NUL-terminated C strings and nothing is
 * lost. The serialisers of the model write it back as \u0000; the sanitizer shows it as the
 * visible symbol for NUL. */
#ifndef PAYDESK_JDOC_H
#define PAYDESK_JDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jtype { J_NULL, J_FALSE, J_TRUE, J_INT, J_REAL, J_STRING, J_ARRAY, J_OBJECT };

struct jval {
	const char *key; /* member name (NUL-terminated), NULL for array items and the root */
	union {
		const char *s; /* J_STRING: the text, NUL-terminated; J_REAL: the number's text */
		int64_t i;     /* J_INT */
	} v;
	uint32_t len;     /* J_STRING, J_REAL: bytes; J_ARRAY, J_OBJECT: items */
	uint32_t key_len; /* bytes of key */
	uint32_t span; /* values in this subtree, itself included: the next sibling is this+span */
	uint8_t type;  /* enum jtype */
};

struct jdoc {
	char *text;        /* the reply, modified in place (owned) */
	struct jval *vals; /* vals[0] is the root */
	size_t n, cap;
};

/* Parses text[0..len), which it takes over (malloc'd; freed by jdoc_free, also on
 * failure). The root must be an object or an array. Returns NULL with err filled when the
 * text is not valid JSON or memory runs out. */
struct jdoc *jdoc_parse(char *text, size_t len, char *err, size_t err_size);
void jdoc_free(struct jdoc **d);

static inline const struct jval *jdoc_root(const struct jdoc *d)
{
	return d ? d->vals : NULL;
}

/* How a string holds the escape \u0000 (see above). */
#define JDOC_NUL     "\xc0\x80"
#define JDOC_NUL_LEN 2

/* Whether any of the 8 bytes in v must be escaped in a JSON string: a quote, a backslash,
 * a control character or the first byte of JDOC_NUL (no false negatives). */
static inline bool jdoc_needs_escape8(uint64_t v)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	uint64_t q = v ^ (ones * '"'), b = v ^ (ones * '\\'), z = v ^ (ones * 0xc0);
	return (((q - ones) & ~q) | ((b - ones) & ~b) | ((z - ones) & ~z) |
	        ((v - ones * 0x20) & ~v)) &
	       highs;
}

/* The member named key of an object; NULL when v is not an object or has no such member. */
const struct jval *jval_get(const struct jval *v, const char *key);
/* The string's text, NULL for anything else. */
const char *jval_str(const struct jval *v);
/* A number with a fraction or exponent (J_REAL) as it was written, NUL-terminated in the
 * reply's buffer (the byte after a number is a delimiter the parse no longer needs); NULL
 * for anything else. */
const char *jval_real_text(const struct jval *v);
bool jval_is(const struct jval *v, enum jtype type);

/* Walks the items of an array or the members of an object: c is each child in turn. */
#define JVAL_EACH(c, i, parent)                                                                    \
	for ((i) = 0, (c) = (parent) + 1; (i) < (parent)->len; (i)++, (c) += (c)->span)

#endif
