/* Cutting a stream of bytes into lines, for the bill readers: the bytes come in pieces of
 * any size, each complete line is handed on whole, the rest waits for the next piece. */
#ifndef PAYDESK_CLIENT_LINES_H
#define PAYDESK_CLIENT_LINES_H

#include <stdbool.h>
#include <stddef.h>

/* The longest line taken (a bill's row of 29 values with a long product name fits many
 * times over); a longer one stops the reading. */
#define LINES_MAX (64 * 1024)

/* The line being gathered: line[0..len) so far, NUL-terminated, in a buffer of cap. */
struct lines {
	char *line;
	size_t len, cap;
};

/* Adds data[0..n): each line it completes (without its '\n') goes to each(ctx, line, len),
 * which may change the line in place and returns 0 to go on. Returns 0; or -1 when each
 * refused a line, or, with err set unless it holds a reason already, when a line is longer
 * than LINES_MAX or memory ran out. */
int lines_feed(struct lines *l, const char *data, size_t n,
               int (*each)(void *ctx, char *line, size_t len), void *ctx, char *err,
               size_t err_size);

/* Hands on the last line when the stream did not end with '\n': as lines_feed. */
int lines_finish(struct lines *l, int (*each)(void *ctx, char *line, size_t len), void *ctx);

void lines_free(struct lines *l);

/* One cell of a CSV line: s[0..n), not NUL-terminated. */
struct lines_field {
	const char *s;
	size_t n;
};

/* Splits a CSV line (RFC 4180 quoting: a cell in double quotes may hold commas and "") into
 * at most max cells, rewriting it in place (quotes taken out); each cell is trimmed of
 * spaces and tabs (the tab Alipay puts after ids). Returns how many; *unclosed (may be NULL)
 * is set when a quote is not closed by the line's end. */
int lines_split_csv(char *line, size_t len, struct lines_field *out, int max, bool *unclosed);

/* Where text[0..len) stops being text: the offset of its first byte that is not part of a
 * UTF-8 character (RFC 3629: no overlong form, surrogate or code point beyond U+10FFFF) or is
 * NUL; len when it is text throughout. */
size_t lines_text_end(const char *text, size_t len);

/* Whether a line of a bill is text (lines_text_end; no bill holds a NUL, which would cut a
 * value short). 0; or -1 with err saying what byte follows row `rows` of the bill. */
int lines_check_text(const char *line, size_t len, long long rows, char *err, size_t err_size);

#endif
