/* The one sanitizer for untrusted text; see sanitize.h for what becomes what. */
#include "config.h"

#include "tui/sanitize.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decodes one UTF-8 sequence at s (n bytes available). Returns its length and sets *cp, or
 * returns 0 when the bytes are not valid, shortest-form UTF-8 of a scalar value. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t len;
	uint32_t v, min;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, v = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, v = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* Code points that are invisible or reorder text: shown as "\uXXXX". */
static int is_hidden_format(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) ||       /* C1 controls */
	       cp == 0xad ||                       /* soft hyphen */
	       cp == 0x061c ||                     /* Arabic letter mark */
	       cp == 0x115f || cp == 0x1160 ||     /* Hangul fillers */
	       cp == 0x180e ||                     /* Mongolian vowel separator */
	       (cp >= 0x200b && cp <= 0x200f) ||   /* zero-width, LRM, RLM */
	       (cp >= 0x2028 && cp <= 0x202e) ||   /* line/para separators, bidi embeddings */
	       (cp >= 0x2060 && cp <= 0x206f) ||   /* word joiner, invisible ops, isolates */
	       cp == 0x3164 || cp == 0xffa0 ||     /* Hangul fillers */
	       cp == 0xfeff ||                     /* zero-width no-break space / BOM */
	       (cp >= 0xfff9 && cp <= 0xfffb) ||   /* interlinear annotation */
	       (cp >= 0x1d173 && cp <= 0x1d17a) || /* musical formatting */
	       (cp >= 0xe0000 && cp <= 0xe007f);   /* tags */
}

struct sink {
	char *out;
	size_t size;
	size_t len;
	int full;
};

/* Appends n bytes unless they do not fit whole (then the sink is full for good). */
static void emit(struct sink *k, const char *s, size_t n)
{
	if (k->full)
		return;
	if (k->size == 0 || k->len + n > k->size - 1) {
		k->full = 1;
		return;
	}
	memcpy(k->out + k->len, s, n);
	k->len += n;
}

static void emit_control_picture(struct sink *k, unsigned char c)
{
	/* U+2400 + c for C0, U+2421 for DEL: three bytes E2 90 xx. */
	uint32_t cp = c == 0x7f ? 0x2421 : 0x2400 + c;
	char b[3] = {(char)(0xe0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3f)),
	             (char)(0x80 | (cp & 0x3f))};
	emit(k, b, 3);
}

static size_t run(const char *in, size_t len, struct sink *k, unsigned flags)
{
	const unsigned char *s = (const unsigned char *)(in ? in : "");
	if (!in)
		len = 0;
	size_t i = 0;
	while (i < len && !k->full) {
		unsigned char c = s[i];
		if (c >= 0x20 && c < 0x7f) {
			/* Copy a run of printable ASCII at once. */
			size_t j = i + 1;
			while (j < len && s[j] >= 0x20 && s[j] < 0x7f)
				j++;
			emit(k, (const char *)s + i, j - i);
			i = j;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			if ((flags & TUI_SANITIZE_MULTILINE) && c == '\n') {
				emit(k, "\n", 1);
			} else if ((flags & TUI_SANITIZE_MULTILINE) && c == '\r' && i + 1 < len &&
			           s[i + 1] == '\n') {
				/* "\r\n" folds to the '\n' that follows */
			} else if ((flags & TUI_SANITIZE_MULTILINE) && c == '\t') {
				emit(k, "    ", 4);
			} else {
				emit_control_picture(k, c);
			}
			i++;
			continue;
		}
		if (c == 0xc0 && i + 1 < len && s[i + 1] == 0x80) {
			/* a NUL as the client keeps it (see sanitize.h) */
			emit_control_picture(k, 0);
			i += 2;
			continue;
		}
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (n == 0) {
			char b[8];
			snprintf(b, sizeof b, "\\x%02X", c);
			emit(k, b, 4);
			i++;
			continue;
		}
		if (is_hidden_format(cp)) {
			char b[16];
			int w = snprintf(b, sizeof b, cp > 0xffff ? "\\U%06X" : "\\u%04X",
			                 (unsigned)cp);
			emit(k, b, (size_t)w);
		} else {
			emit(k, (const char *)s + i, n);
		}
		i += n;
	}
	if (k->size > 0)
		k->out[k->len] = '\0';
	return k->len;
}

size_t tui_sanitize(const char *in, size_t len, char *out, size_t size, unsigned flags)
{
	struct sink k = {out, size, 0, 0};
	return run(in, len, &k, flags);
}

char *tui_sanitize_dup(const char *in, unsigned flags)
{
	size_t len = in ? strlen(in) : 0;
	if (len > (SIZE_MAX - 1) / TUI_SANITIZE_GROWTH)
		return NULL;
	size_t size = len * TUI_SANITIZE_GROWTH + 1;
	char *out = malloc(size);
	if (!out)
		return NULL;
	tui_sanitize(in, len, out, size, flags);
	return out;
}

int tui_sanitize_is_clean(const char *in, size_t len, unsigned flags)
{
	const unsigned char *s = (const unsigned char *)(in ? in : "");
	size_t i = 0;
	if (!in)
		len = 0;
	while (i < len) {
		unsigned char c = s[i];
		if (c >= 0x20 && c < 0x7f) {
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			if ((flags & TUI_SANITIZE_MULTILINE) && c == '\n') {
				i++;
				continue;
			}
			return 0;
		}
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (n == 0 || is_hidden_format(cp))
			return 0;
		i += n;
	}
	return 1;
}
