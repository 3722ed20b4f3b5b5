/* Private to the text statement's files (statement_text.c, statement_bills.c): lines
 * assembled cell by cell, aligned by display width, and added to the document. */
#ifndef PAYDESK_STATEMENT_DOC_H
#define PAYDESK_STATEMENT_DOC_H

#include <stddef.h>

#include "views/statement.h"

/* A line being assembled; lines never exceed a few hundred bytes. */
struct statement_line {
	char buf[1024];
	size_t len;
	int width;
};

void statement_line_reset(struct statement_line *l);
void statement_line_spaces(struct statement_line *l, int n);
/* Appends text in a cell of `width` columns, aligned (TUI_ALIGN_LEFT, TUI_ALIGN_RIGHT);
 * text wider than the cell is cut at a character and ends with "…". */
void statement_line_cell(struct statement_line *l, const char *text, int width, int align);
/* Display columns of UTF-8 text (CJK characters take two). */
int statement_text_width(const char *s);
/* Adds a line, a text, or a text wrapped at STATEMENT_WIDTH columns (continuation lines
 * indented by indent) to the document. Each returns 0, or -1 when out of memory. */
int statement_doc_add_line(struct statement_doc *doc, const struct statement_line *l);
int statement_doc_add_text(struct statement_doc *doc, const char *text);
int statement_doc_add_wrapped(struct statement_doc *doc, const char *text, int indent);

/* The bills section of the text statement (statement_bills.c): for a cache of a platform
 * whose history is daily bills, each bill day's figures against the cache's. 0 or -1. */
int statement_bills_text(struct statement *st, struct statement_doc *doc);

#endif
