/* Private to the PDF statement: statement_pdf_face.c sets its text (faces with a glyph
 * cache, runs of glyphs shown a page at a time); statement_pdf.c and statement_pdf_lines.c
 * lay out the document. */
#ifndef PAYDESK_STATEMENT_PDF_H
#define PAYDESK_STATEMENT_PDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "views/statement.h"

/* A font at one size and weight. Text of the Basic Multilingual Plane that the font covers
 * is set from a glyph cache, glyph by glyph (a day of 100,000 lines is millions of glyphs,
 * and shaping each cell would take minutes); anything else is laid out by pango, with font
 * fallback. Statement text is numbers, ids and short labels: no kerning or shaping is lost. */
struct pdf_face {
	PangoFontDescription *desc;
	cairo_scaled_font_t *scaled; /* NULL: every text goes through pango */
	double ascent;               /* baseline below the top of a line */
	double height;               /* the font's line height */
	uint32_t *glyph;             /* [0x10000]: 0 = not looked up yet */
	float *advance;              /* [0x10000] */
	double digit;                /* the advance of the widest digit */
	bool tabular;                /* every digit has that advance */
};

/* A page's glyphs of one face, with their text (so the PDF stays searchable). */
struct pdf_run {
	struct pdf_face *face;
	double rgb[3]; /* its colour */
	cairo_glyph_t *glyphs;
	cairo_text_cluster_t *clusters;
	char *utf8;
	size_t n, cap, utf8_len, utf8_cap;
	bool failed; /* out of memory: the statement fails */
};

enum pdf_align { PDF_LEFT, PDF_RIGHT };

/* Opens the face of desc (a pango font description) in the layout's context, with the
 * font's tabular figures ("tnum") for digits. Returns false when out of memory. */
bool pdf_face_open(struct pdf_face *f, PangoLayout *layout, const char *desc);
void pdf_face_close(struct pdf_face *f);

/* The width of text set in the face, or a negative number when a character needs pango. */
double pdf_face_width(struct pdf_face *f, const char *text, size_t len);
/* The width of text however it is set: in f, else in alt (NULL: none), else by pango. */
double pdf_text_width(struct pdf_face *f, struct pdf_face *alt, PangoLayout *layout,
                      const char *text);

/* Sets text in a cell [x, x + width) with its top at y, aligned, cut with "…" when it does
 * not fit: from run's glyph cache when its face has every glyph, else from alt's (NULL:
 * none), on the same baseline, else with pango (drawn at once in run's colour). */
void pdf_cell(struct pdf_run *run, struct pdf_run *alt, cairo_t *cr, PangoLayout *layout,
              const char *text, double x, double width, double y, enum pdf_align align);
/* Shows and empties the run (the end of a page). */
void pdf_run_show(struct pdf_run *run, cairo_t *cr);
void pdf_run_free(struct pdf_run *run);

/* ---- The document (statement_pdf.c: pages, summary; statement_pdf_lines.c: payouts,
 * transactions) ---- */

/* A4 in points. */
#define PAGE_W        595.276
#define PAGE_H        841.89
#define MARGIN_X      40.0
#define MARGIN_TOP    34.0
#define MARGIN_BOTTOM 30.0
#define CONTENT_W     (PAGE_W - 2 * MARGIN_X)
#define HEADER_H      60.0 /* from the top margin to the body */
#define FOOTER_H      16.0
#define BODY_TOP      (MARGIN_TOP + HEADER_H)
#define BODY_BOTTOM   (PAGE_H - MARGIN_BOTTOM - FOOTER_H)
#define ROW_H         10.4 /* a transaction */
#define SUM_ROW_H     12.0 /* a line of the summary or of the payouts */
#define GAP           8.0  /* between columns */
#define HEADING_H     16.0

enum face_id { F_BODY, F_BOLD, F_SMALL, F_HEAD, F_TITLE, F_COUNT };
/* A run per face and colour; runs are shown at the end of each page. */
enum run_id { R_BODY, R_BOLD, R_GREY, R_ALERT, R_SMALL, R_HEAD, R_TITLE, R_COUNT };

/* Greys of rules, bands and the shading of rows. Rows are shaded in bands of three, every
 * other band, as on ledger paper: the eye keeps its row across the page, at a sixth of the
 * drawing that shading every other row costs. */
#define GREY_RULE  0.45
#define GREY_BAND  0.90
#define GREY_SHADE 0.95
#define SHADE_ROWS 3

struct col {
	double x, w;
	enum pdf_align align;
};

/* The columns of the transactions, the same in every currency's section. */
enum { C_TIME, C_TYPE, C_ORDER, C_ID, C_AMOUNT, C_FEE, C_NET, C_COUNT };

/* What the first pass learns of each currency's lines. */
struct cur_lines {
	int64_t count;
	int64_t max_amount, max_fee, max_net; /* largest magnitudes */
};

struct pdf_doc {
	struct statement *st;
	cairo_t *cr;
	PangoLayout *layout;
	struct pdf_face face[F_COUNT]; /* Latin, and DejaVu Sans ... */
	struct pdf_face cjk[F_COUNT];  /* ... for Han, Noto Sans CJK SC */
	struct pdf_run run[R_COUNT];
	struct pdf_run cjk_run[R_COUNT];
	bool draw; /* false: the pass that counts the pages */
	size_t page, pages;
	double y;
	int row_on_page;
	double shade_top; /* the top of the shaded band of rows being drawn; 0: none */
	/* Called after a page break inside a table, to repeat its heading. */
	void (*resume)(struct pdf_doc *d);
	const struct ledger_currency *cur; /* the section being laid out */
	struct statement_money money;      /* its amounts */
	int fee_extra;                     /* its fees' decimals beyond the currency's */
	struct cur_lines *lines;           /* [n_currencies] */
	struct col item[C_COUNT];
	bool with_orders;
	const char *cat_label[LEDGER_CAT_COUNT];
	char account[512], period[160], zone[352], footer[1024];
	struct col bill_col[4]; /* the bills' table: figure, bill, cache, check */
	time_t minute;
	char when[32];
	bool failed;
};

static inline double max_d(double a, double b)
{
	return a > b ? a : b;
}

static inline int64_t magnitude(int64_t v)
{
	return v == INT64_MIN ? INT64_MAX : v < 0 ? -v : v;
}

/* Drawing, skipped in the counting pass: text in a cell of run r's style, a rule of a
 * width and grey, a filled band. */
void pdf_put(struct pdf_doc *d, enum run_id r, const char *text, double x, double w, double y,
             enum pdf_align align);
void pdf_rule(struct pdf_doc *d, double y, double x, double w, double width, double grey);
void pdf_band(struct pdf_doc *d, double x, double y, double w, double h, double grey);
/* The width of text in face f (Latin, else Han, else pango). */
double pdf_width(struct pdf_doc *d, enum face_id f, const char *text);
/* The top of text of run r's face centred in a row of height h at y. */
double pdf_top(const struct pdf_doc *d, enum run_id r, double y, double h);
/* Makes room for h points, on a new page when this one is full (then d->resume repeats the
 * heading of the table that goes on). */
void pdf_need(struct pdf_doc *d, double h);
/* Text wrapped in the content's width, indented. */
void pdf_paragraph(struct pdf_doc *d, enum run_id r, const char *text, double indent);
/* A heading kept with at least `with` points of what follows it. */
void pdf_heading(struct pdf_doc *d, enum run_id r, const char *text, double with);
/* Draws the shaded band of rows that ends at the current row. */
void pdf_shade_flush(struct pdf_doc *d);

/* statement_pdf_lines.c: the columns of the transactions, from a pass over the lines (which
 * also counts them per currency into d->lines); the current currency's payouts arriving in
 * the period; its transactions (currency index `index`), read in the drawing pass only. */
enum ledger_status pdf_plan_columns(struct pdf_doc *d);
/* A fee of the current currency with its decimals (statement_fee_extra). */
void pdf_fee(struct pdf_doc *d, int64_t v, char *buf, size_t size);
/* statement_pdf_bills.c: the bills of a bill platform's days against the cache. */
void pdf_bills(struct pdf_doc *d);
void pdf_payouts(struct pdf_doc *d);
/* The current currency's conversions per day and presentment currency (nothing when none). */
void pdf_conversions(struct pdf_doc *d);
enum ledger_status pdf_items(struct pdf_doc *d, size_t index);

#endif
