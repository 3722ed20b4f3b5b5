/* UTF-8 as RFC 3629 has it, for the readers of the platforms' bytes (the JSON reader, the
 * bill readers, the editor's text). Private to client/ and views/. */
#ifndef PAYDESK_CLIENT_UTF8_H
#define PAYDESK_CLIENT_UTF8_H

#include <stddef.h>

/* The length of the UTF-8 character at s[0..n) whose first byte is not ASCII, or 0 when it
 * is not well formed: no overlong forms, no surrogates, nothing above U+10FFFF. */
static inline size_t utf8_char_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t k;
	unsigned char lo = 0x80, hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		k = 2;
	else if (c >= 0xe0 && c <= 0xef)
		k = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
	else if (c >= 0xf0 && c <= 0xf4)
		k = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
	else
		return 0;
	if (n < k || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < k; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return k;
}

#endif
