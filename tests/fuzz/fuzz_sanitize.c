/* The sanitizer (tui/sanitize.c), with each flag: the first byte picks the flags and the
 * size of a short output buffer, the rest is the untrusted text. Its output is valid UTF-8
 * without C0 or C1 controls, DEL, ESC, bidi embeddings, overrides, isolates or marks, and
 * the other invisible characters sanitize.h lists; tui_sanitize_is_clean accepts it, and it
 * comes out of a second pass unchanged; is_clean holds exactly for the texts that come out
 * unchanged; a short buffer gets a prefix of the whole output cut between characters. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>

#include "tests/fuzz/fuzz.h"
#include "tui/sanitize.h"

/* Whether a code point may reach the terminal (what sanitize.h promises away). */
static bool allowed(uint32_t cp, unsigned flags)
{
	if (cp == '\n')
		return flags & TUI_SANITIZE_MULTILINE;
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return false; /* C0, DEL, C1 */
	if ((cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x206f) || cp == 0x061c || cp == 0xfeff || cp == 0xad)
		return false; /* zero-width, marks, separators, embeddings, overrides, isolates */
	return true;
}

/* Strict UTF-8 of allowed code points: no overlong forms, surrogates or values past
 * U+10FFFF (and so never the C0 80 of a NUL as the client keeps it). */
static void check_output(const unsigned char *s, size_t n, unsigned flags)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		uint32_t cp;
		size_t len;
		if (c < 0x80)
			cp = c, len = 1;
		else if (c >= 0xc2 && c <= 0xdf)
			cp = c & 0x1f, len = 2;
		else if (c >= 0xe0 && c <= 0xef)
			cp = c & 0x0f, len = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			cp = c & 0x07, len = 4;
		else
			abort();
		CHECK(n - i >= len);
		for (size_t k = 1; k < len; k++) {
			CHECK((s[i + k] & 0xc0) == 0x80);
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
		CHECK(cp >= min[len] && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff));
		CHECK(allowed(cp, flags));
		i += len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const unsigned flags = data[0] & 1 ? TUI_SANITIZE_MULTILINE : 0;
	const size_t short_size = data[0] >> 1;
	const size_t len = size - 1;
	char *in = fuzz_copy_exact(data + 1, len);

	size_t cap = len * TUI_SANITIZE_GROWTH + 1;
	char *out = malloc(cap);
	CHECK(out);
	size_t n = tui_sanitize(in, len, out, cap, flags);
	CHECK(n < cap && out[n] == '\0' && strlen(out) == n);
	check_output((const unsigned char *)out, n, flags);
	CHECK(tui_sanitize_is_clean(out, n, flags));

	/* a second pass changes nothing */
	char *again = malloc(n * TUI_SANITIZE_GROWTH + 1);
	CHECK(again);
	size_t m = tui_sanitize(out, n, again, n * TUI_SANITIZE_GROWTH + 1, flags);
	CHECK(m == n && memcmp(again, out, n) == 0);
	free(again);

	/* is_clean: exactly the texts that come out as they went in */
	bool unchanged = n == len && memcmp(out, in, len) == 0;
	CHECK(!!tui_sanitize_is_clean(in, len, flags) == unchanged);

	/* a short buffer: a prefix of the whole, itself clean, cut between characters */
	char *part = malloc(short_size ? short_size : 1);
	CHECK(part);
	size_t k = tui_sanitize(in, len, part, short_size, flags);
	if (short_size == 0) {
		CHECK(k == 0);
	} else {
		CHECK(k < short_size && part[k] == '\0' && k <= n && memcmp(part, out, k) == 0);
		check_output((const unsigned char *)part, k, flags);
		CHECK(n < short_size ? k == n : 1);
	}
	free(part);

	/* the C-string form reads up to the first NUL */
	char *cstr = fuzz_copy(data + 1, len);
	char *dup = tui_sanitize_dup(cstr, flags);
	CHECK(dup);
	size_t clen = strlen(cstr);
	char *ref = malloc(clen * TUI_SANITIZE_GROWTH + 1);
	CHECK(ref);
	tui_sanitize(cstr, clen, ref, clen * TUI_SANITIZE_GROWTH + 1, flags);
	CHECK(strcmp(dup, ref) == 0);
	free(ref);
	free(dup);
	free(cstr);

	/* NULL is "" */
	char empty[4] = "x";
	CHECK(tui_sanitize(NULL, len, empty, sizeof empty, flags) == 0 && empty[0] == '\0');
	CHECK(tui_sanitize_is_clean(NULL, len, flags));

	free(out);
	free(in);
	return 0;
}
