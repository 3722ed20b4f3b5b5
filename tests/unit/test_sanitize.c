/* The sanitizer: nothing from the platform can act on a terminal. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tui/tui.h"

static void san_is(const char *in, unsigned flags, const char *want)
{
	char out[256];
	size_t n = tui_sanitize(in, strlen(in), out, sizeof out, flags);
	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
	assert_int_equal(tui_sanitize_is_clean(in, strlen(in), flags), strcmp(in, want) == 0);
}

/* No byte of the output may be a C0/C1 control, DEL, or start a bidi/zero-width character. */
static void assert_inert(const char *s, unsigned flags)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n' && (flags & TUI_SANITIZE_MULTILINE))
			continue;
		assert_false(*p < 0x20 || *p == 0x7f);
		if (p[0] == 0xc2)
			assert_false(p[1] >= 0x80 && p[1] <= 0x9f);
		if (p[0] == 0xe2 && p[1] == 0x80)
			assert_false((p[2] >= 0x8b && p[2] <= 0x8f) ||
			             (p[2] >= 0xaa && p[2] <= 0xae));
		if (p[0] == 0xe2 && p[1] == 0x81)
			assert_false(p[2] >= 0xa0 && p[2] <= 0xaf);
	}
}

static void test_plain_text_unchanged(void **state)
{
	(void)state;
	san_is("Hello, World! 123", 0, "Hello, World! 123");
	san_is("王小明", 0, "王小明");
	san_is("José Müller", 0, "José Müller");
	san_is("e\xcc\x81", 0, "e\xcc\x81"); /* combining acute stays */
	san_is("", 0, "");
}

static void test_controls_visible(void **state)
{
	(void)state;
	san_is("\x1b[31mred", 0, "\xe2\x90\x9b[31mred"); /* ESC -> U+241B */
	san_is("a\x07"
	       "b",
	       0,
	       "a\xe2\x90\x87"
	       "b");                                         /* BEL -> U+2407 */
	san_is("x\x7fy", 0, "x\xe2\x90\xa1y");               /* DEL -> U+2421 */
	san_is("line1\nline2", 0, "line1\xe2\x90\x8aline2"); /* LF -> U+240A on one line */
	san_is("line1\r\nline2", TUI_SANITIZE_MULTILINE, "line1\nline2");
	san_is("a\tb", TUI_SANITIZE_MULTILINE, "a    b");
	san_is("\xc2\x9b"
	       "31m",
	       0, "\\u009B31m"); /* C1 CSI */
	san_is("\x1b]0;title\x07", 0, "\xe2\x90\x9b]0;title\xe2\x90\x87");
}

static void test_invisible_and_bidi(void **state)
{
	(void)state;
	san_is("abc\xe2\x80\xaexyz", 0, "abc\\u202Exyz"); /* RLO */
	san_is("a\xe2\x81\xa6"
	       "b",
	       0, "a\\u2066b"); /* LRI */
	san_is("a\xe2\x80\x8b"
	       "b",
	       0, "a\\u200Bb");                       /* ZWSP */
	san_is("\xef\xbb\xbfx", 0, "\\uFEFFx");       /* BOM */
	san_is("t\xf3\xa0\x80\x81", 0, "t\\U0E0001"); /* tag */
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	san_is("Jos\xe9", 0, "Jos\\xE9");
	san_is("\xc0\xaf", 0, "\\xC0\\xAF");                   /* overlong '/' */
	san_is("\xed\xa0\x80", 0, "\\xED\\xA0\\x80");          /* surrogate */
	san_is("\xf4\x90\x80\x80", 0, "\\xF4\\x90\\x80\\x80"); /* > U+10FFFF */
	san_is("\xe4\xb8", 0, "\\xE4\\xB8");                   /* truncated */
}

/* A NUL kept from the JSON escape \u0000 (C0 80) shows as the symbol for NUL, as a raw NUL
 * byte does; a lone C0 is still just an invalid byte. */
static void test_kept_nul_visible(void **state)
{
	(void)state;
	san_is("A\xc0\x80"
	       "B",
	       0,
	       "A\xe2\x90\x80"
	       "B");
	san_is("\xc0\x80", TUI_SANITIZE_MULTILINE, "\xe2\x90\x80");
	san_is("x\xc0", 0, "x\\xC0");
	san_is("\xc0\x81", 0, "\\xC0\\x81");
	char out[16];
	assert_int_equal(tui_sanitize("a\0b", 3, out, sizeof out, 0), 5);
	assert_string_equal(out, "a\xe2\x90\x80"
	                         "b");
	assert_false(tui_sanitize_is_clean("\xc0\x80", 2, 0));
}

static void test_truncation_at_boundary(void **state)
{
	(void)state;
	char out[8];
	/* "王" is 3 bytes: 7 usable bytes hold two of them, never a half. */
	tui_sanitize("王王王", 9, out, sizeof out, 0);
	assert_string_equal(out, "王王");
	tui_sanitize("\x1b\x1b\x1b", 3, out, sizeof out, 0);
	assert_string_equal(out, "\xe2\x90\x9b\xe2\x90\x9b");
	tui_sanitize("abc", 3, out, 1, 0);
	assert_string_equal(out, "");
}

static void test_every_byte_is_inert(void **state)
{
	(void)state;
	/* All byte pairs, and random strings: the output is always inert and valid. */
	char in[3] = {0};
	char out[64];
	for (int a = 1; a < 256; a++) {
		for (int b = 1; b < 256; b++) {
			in[0] = (char)a, in[1] = (char)b;
			tui_sanitize(in, 2, out, sizeof out, 0);
			assert_inert(out, 0);
		}
	}
	unsigned seed = 12345;
	char big[200];
	for (int round = 0; round < 2000; round++) {
		for (size_t i = 0; i + 1 < sizeof big; i++) {
			seed = seed * 1103515245u + 12345u;
			big[i] = (char)((seed >> 16) & 0xff);
		}
		big[sizeof big - 1] = '\0';
		char *dup = tui_sanitize_dup(big, TUI_SANITIZE_MULTILINE);
		assert_non_null(dup);
		assert_inert(dup, TUI_SANITIZE_MULTILINE);
		free(dup);
	}
	char *empty = tui_sanitize_dup(NULL, 0);
	assert_non_null(empty);
	assert_string_equal(empty, "");
	free(empty);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_plain_text_unchanged),
	        cmocka_unit_test(test_controls_visible),
	        cmocka_unit_test(test_invisible_and_bidi),
	        cmocka_unit_test(test_invalid_utf8),
	        cmocka_unit_test(test_kept_nul_visible),
	        cmocka_unit_test(test_truncation_at_boundary),
	        cmocka_unit_test(test_every_byte_is_inert),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
