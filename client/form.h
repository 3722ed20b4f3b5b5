/* Form encoding of request bodies (application/x-www-form-urlencoded) with the platform's
 * bracket nesting: metadata[order_id]=42, evidence[receipt]=file_1, expand[]=charge.
 * Private to client/. */
#ifndef PAYDESK_FORM_H
#define PAYDESK_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct form {
	char *buf; /* NUL-terminated body; owned, freed by form_free */
	size_t len;
	size_t cap;
	bool failed; /* an allocation failed: the body is incomplete, do not send it */
};

void form_init(struct form *f);
void form_free(struct form *f);

/* Appends name=value, percent-encoding both (brackets in the name are kept as written).
 * Returns 0, or -1 (and sets failed) when memory runs out. */
int form_add(struct form *f, const char *name, const char *value);

/* Appends a JSON value under a name with bracket nesting: objects as name[key], arrays of
 * scalars as name[], arrays of objects as name[0][key]; true/false as words, null as an
 * empty value (which unsets a field). Returns 0, or -1 on failure. */
int form_add_json(struct form *f, const char *name, const json_t *value);

/* Percent-encodes src into dst (RFC 3986 unreserved characters stay); brackets are kept when
 * keep_brackets. Returns the length, or 0 with dst "" when dst is too small. */
size_t form_encode(const char *src, bool keep_brackets, char *dst, size_t dst_size);

#endif
