/* The PDF statement: the text statement's pages set in a monospaced font with cairo, one PDF
 * page per text page, so the printed figures are the very lines the terminal shows.
 *
 * A statement is a grid of fixed-width cells, so a line needs no shaping: each character is
 * looked up once in the font (glyph cache) and placed at its column, and a whole page goes
 * to cairo in one call with its text, which keeps the PDF searchable. A line holding a
 * character the font lacks is laid out by pango instead, with font fallback. This is what
 * makes a 1,700-page statement take seconds rather than minutes. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "client/client.h"
#include "views/statement.h"

/* A4 in points; 80 columns of a 9.5 pt monospaced font fit with room to spare. */
#define PDF_WIDTH    595.276
#define PDF_HEIGHT   841.89
#define PDF_MARGIN_X 56.0
#define PDF_MARGIN_Y 48.0
/* Text with CJK characters is set in a CJK monospaced font, whose wide glyphs are exactly
 * two Latin advances, so columns stay aligned. Other text is set in DejaVu Sans Mono: its
 * named glyphs keep the text searchable even after a print queue's PostScript round trip
 * (cups-pdf), which CID-keyed CJK fonts do not survive. */
#define PDF_FONT_CJK   "Noto Sans Mono CJK SC, Noto Sans Mono, DejaVu Sans Mono, monospace 9.5"
#define PDF_FONT_LATIN "DejaVu Sans Mono, Noto Sans Mono CJK SC, monospace 9.5"

/* Glyph indices of the Basic Multilingual Plane in the primary font, looked up on first use:
 * 0 = not looked up yet, GLYPH_MISSING = the font has none. */
#define GLYPH_MISSING 0xffffffffu

struct pdf_font {
	cairo_scaled_font_t *scaled;
	double cell; /* advance of one column */
	double ascent;
	unsigned *glyph; /* 0x10000 entries */
};

/* The glyph of cp in the primary font, or GLYPH_MISSING. */
static unsigned font_glyph(struct pdf_font *f, unsigned cp, const char *utf8, size_t len)
{
	if (cp >= 0x10000)
		return GLYPH_MISSING;
	if (f->glyph[cp])
		return f->glyph[cp];
	cairo_glyph_t *glyphs = NULL;
	int n = 0;
	unsigned g = GLYPH_MISSING;
	if (cairo_scaled_font_text_to_glyphs(f->scaled, 0, 0, utf8, (int)len, &glyphs, &n, NULL,
	                                     NULL, NULL) == CAIRO_STATUS_SUCCESS &&
	    n == 1 && glyphs[0].index != 0)
		g = (unsigned)glyphs[0].index;
	cairo_glyph_free(glyphs);
	f->glyph[cp] = g;
	return g;
}

/* East Asian wide characters take two columns (as in the text statement). */
static int cp_columns(unsigned cp)
{
	return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) ||
	                       (cp >= 0x3041 && cp <= 0x33ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
	                       (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
	                       (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	                       (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	                       (cp >= 0xffe0 && cp <= 0xffe6)
	               ? 2
	               : 1;
}

/* A page's glyphs, text and clusters, reused from page to page. */
struct pdf_run {
	cairo_glyph_t *glyphs;
	cairo_text_cluster_t *clusters;
	char *utf8;
	size_t n, cap, utf8_len, utf8_cap;
};

static bool run_reserve(struct pdf_run *r, size_t glyphs, size_t bytes)
{
	if (r->n + glyphs > r->cap) {
		size_t cap = r->cap ? r->cap : 8192;
		while (cap < r->n + glyphs)
			cap *= 2;
		cairo_glyph_t *g = realloc(r->glyphs, cap * sizeof *g);
		if (!g)
			return false;
		r->glyphs = g;
		cairo_text_cluster_t *c = realloc(r->clusters, cap * sizeof *c);
		if (!c)
			return false;
		r->clusters = c;
		r->cap = cap;
	}
	if (r->utf8_len + bytes + 1 > r->utf8_cap) {
		size_t cap = r->utf8_cap ? r->utf8_cap : 16384;
		while (cap < r->utf8_len + bytes + 1)
			cap *= 2;
		char *u = realloc(r->utf8, cap);
		if (!u)
			return false;
		r->utf8 = u;
		r->utf8_cap = cap;
	}
	return true;
}

/* Adds a line at baseline y to the page's run. Returns 1 when done, 0 when the line needs
 * pango (a character the font lacks), -1 when out of memory. */
static int run_add_line(struct pdf_run *r, struct pdf_font *f, const char *line, double y)
{
	size_t len = strlen(line);
	size_t start_n = r->n, start_len = r->utf8_len;
	if (!run_reserve(r, len, len))
		return -1;
	int col = 0;
	cairo_glyph_t *glyph = r->glyphs + r->n;
	cairo_text_cluster_t *cluster = r->clusters + r->n;
	for (const char *s = line; *s;) {
		unsigned cp;
		size_t n;
		if ((unsigned char)*s < 0x80) {
			/* ASCII, most of a statement: one byte, one column. */
			cp = (unsigned char)*s;
			n = 1;
		} else {
			n = statement_utf8_next(s, &cp);
		}
		unsigned g = cp < 0x10000 && f->glyph[cp] ? f->glyph[cp] : font_glyph(f, cp, s, n);
		if (g == GLYPH_MISSING) {
			r->n = start_n;
			r->utf8_len = start_len;
			return 0;
		}
		glyph->index = g;
		glyph->x = PDF_MARGIN_X + col * f->cell;
		glyph->y = y;
		glyph++;
		cluster->num_bytes = (int)n;
		cluster->num_glyphs = 1;
		cluster++;
		col += n == 1 ? 1 : cp_columns(cp);
		s += n;
	}
	/* The line's text is the line itself, byte for byte. */
	memcpy(r->utf8 + r->utf8_len, line, len);
	r->utf8_len += len;
	r->n = (size_t)(glyph - r->glyphs);
	return 1;
}

static void run_show(cairo_t *cr, struct pdf_font *f, struct pdf_run *r)
{
	if (r->n == 0)
		return;
	r->utf8[r->utf8_len] = '\0';
	cairo_set_scaled_font(cr, f->scaled);
	cairo_show_text_glyphs(cr, r->utf8, (int)r->utf8_len, r->glyphs, (int)r->n, r->clusters,
	                       (int)r->n, 0);
	r->n = 0;
	r->utf8_len = 0;
}

/* Sets up the primary font of the layout's font description. Returns false when no font
 * could be loaded (then every line goes through pango). */
static bool font_open(PangoLayout *layout, const PangoFontDescription *desc, struct pdf_font *f)
{
	PangoFont *font = pango_context_load_font(pango_layout_get_context(layout), desc);
	if (!font)
		return false;
	cairo_scaled_font_t *scaled = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font));
	if (!scaled || cairo_scaled_font_status(scaled) != CAIRO_STATUS_SUCCESS) {
		g_object_unref(font);
		return false;
	}
	f->glyph = calloc(0x10000, sizeof *f->glyph);
	if (!f->glyph) {
		g_object_unref(font);
		return false;
	}
	/* The scaled font belongs to the PangoFont; keep our own reference to it. */
	f->scaled = cairo_scaled_font_reference(scaled);
	g_object_unref(font);
	cairo_font_extents_t fe;
	cairo_scaled_font_extents(f->scaled, &fe);
	f->ascent = fe.ascent;
	unsigned zero = font_glyph(f, '0', "0", 1);
	cairo_glyph_t g = {.index = zero == GLYPH_MISSING ? 0 : zero};
	cairo_text_extents_t te;
	cairo_scaled_font_glyph_extents(f->scaled, &g, 1, &te);
	f->cell = te.x_advance > 0 ? te.x_advance : 5.7;
	return true;
}

int statement_write_pdf(const struct statement_doc *doc, const char *path, const char *title,
                        char *err, size_t err_size)
{
	cairo_surface_t *surface = cairo_pdf_surface_create(path, PDF_WIDTH, PDF_HEIGHT);
	if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
		snprintf(err, err_size, _("cannot create the PDF %s: %s"), path,
		         cairo_status_to_string(cairo_surface_status(surface)));
		cairo_surface_destroy(surface);
		return -1;
	}
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, PACKAGE_STRING);
	cairo_t *cr = cairo_create(surface);
	PangoLayout *layout = pango_cairo_create_layout(cr);
	/* Font sizes in points on a surface measured in points (pango assumes 96 dpi). */
	pango_cairo_context_set_resolution(pango_layout_get_context(layout), 72.0);
	pango_layout_context_changed(layout);
	PangoFontDescription *desc =
	        pango_font_description_from_string(doc->has_wide ? PDF_FONT_CJK : PDF_FONT_LATIN);
	pango_layout_set_font_description(layout, desc);

	/* Fonts differ in line height (CJK fonts are tall): lines are spaced by the font's own
	 * height, tightened when a page of page_lines lines would not fit the paper. */
	pango_layout_set_text(layout, "X", -1);
	PangoRectangle logical;
	pango_layout_get_extents(layout, NULL, &logical);
	double natural = (double)logical.height / PANGO_SCALE;
	double pango_ascent = (double)pango_layout_get_baseline(layout) / PANGO_SCALE;
	int lines = doc->page_lines > 0 ? doc->page_lines : STATEMENT_PAGE_LINES;
	double room = (PDF_HEIGHT - 2 * PDF_MARGIN_Y) / lines;
	double line_h = natural > 0 && natural < room ? natural : room;

	struct pdf_font font = {0};
	bool fast = font_open(layout, desc, &font);
	if (!fast)
		font.ascent = pango_ascent;
	pango_font_description_free(desc);
	struct pdf_run run = {0};
	int rc = 0;
	for (size_t p = 0; rc == 0 && p < doc->n_pages; p++) {
		size_t count, first = statement_doc_page(doc, p, &count);
		char footer[512];
		statement_doc_footer(doc, p, footer, sizeof footer);
		/* Body lines, then the footer on the page's last line. */
		size_t body = doc->page_lines > 2 ? (size_t)doc->page_lines - 2 : count;
		for (size_t i = 0; i < body + 2 && rc == 0; i++) {
			const char *line = i < count       ? statement_doc_line(doc, first + i)
			                   : i == body + 1 ? footer
			                                   : "";
			if (!*line)
				continue;
			double top = PDF_MARGIN_Y + (double)i * line_h;
			int added = fast ? run_add_line(&run, &font, line, top + font.ascent) : 0;
			if (added < 0) {
				rc = -1;
			} else if (added == 0) {
				pango_layout_set_text(layout, line, -1);
				cairo_move_to(cr, PDF_MARGIN_X, top + (font.ascent - pango_ascent));
				pango_cairo_show_layout(cr, layout);
			}
		}
		if (rc == 0) {
			run_show(cr, &font, &run);
			cairo_show_page(cr);
		}
	}
	free(run.glyphs);
	free(run.clusters);
	free(run.utf8);
	free(font.glyph);
	if (font.scaled)
		cairo_scaled_font_destroy(font.scaled);
	g_object_unref(layout);
	cairo_destroy(cr);
	cairo_surface_finish(surface);
	cairo_status_t status = cairo_surface_status(surface);
	cairo_surface_destroy(surface);
	if (rc != 0) {
		snprintf(err, err_size, "%s", ledger_status_message(LEDGER_NOMEM));
		return -1;
	}
	if (status != CAIRO_STATUS_SUCCESS) {
		/* A full disk shows here: cairo writes the file as it goes. */
		snprintf(err, err_size, _("writing the PDF %s failed: %s"), path,
		         cairo_status_to_string(status));
		return -1;
	}
	return 0;
}
