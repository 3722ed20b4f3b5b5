/* The one sanitizer for untrusted text (everything that comes from the platform).
 * Output is valid UTF-8 in which nothing can act on a terminal, a file viewer or a printer:
 * C0 controls and DEL become their visible Control Pictures (ESC -> U+241B), C1 controls,
 * bidi overrides/isolates/marks, zero-width and other invisible format characters become
 * the text "\u202E", and bytes that are not valid UTF-8 become the text "\xE9". A NUL that
 * came as the JSON escape \u0000 is held as the two bytes C0 80 (which valid UTF-8 never
 * holds) and is shown as the Control Picture for NUL, U+2400, as a raw NUL would be. */
#ifndef PAYDESK_TUI_SANITIZE_H
#define PAYDESK_TUI_SANITIZE_H

#include <stddef.h>

enum tui_sanitize_flags {
	TUI_SANITIZE_MULTILINE = 1 << 0, /* keep '\n' (and fold "\r\n" to '\n'); tab -> spaces */
};

/* Worst-case growth: one input byte becomes at most this many output bytes. */
#define TUI_SANITIZE_GROWTH 6

/* Sanitizes len bytes of in (NULL is treated as "") into out, always NUL-terminated when
 * size > 0, cut at a character boundary when out is too small. Returns the bytes written,
 * not counting the NUL. */
size_t tui_sanitize(const char *in, size_t len, char *out, size_t size, unsigned flags);

/* Same, into a new string the caller frees; NULL only when memory runs out. */
char *tui_sanitize_dup(const char *in, unsigned flags);

/* True when the string would come out of the sanitizer unchanged (fast path for callers). */
int tui_sanitize_is_clean(const char *in, size_t len, unsigned flags);

#endif
