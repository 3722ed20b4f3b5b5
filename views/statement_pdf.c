/* The PDF statement: the text statement's pages set in a monospaced CJK-capable font with
 * pango and cairo, one PDF page per text page, so the printed figures are the very lines the
 * terminal shows. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "client/client.h"
#include "views/statement.h"

/* A4 in points; 80 columns of a 9.5 pt monospaced font fit with room to spare. */
#define PDF_WIDTH 595.276
#define PDF_HEIGHT 841.89
#define PDF_MARGIN_X 56.0
#define PDF_MARGIN_Y 48.0
/* Text with CJK characters is set in a CJK monospaced font, whose wide glyphs are exactly
 * two Latin advances, so columns stay aligned. Other text is set in DejaVu Sans Mono: its
 * named glyphs keep the text searchable even after a print queue's PostScript round trip
 * (cups-pdf), which CID-keyed CJK fonts do not survive. */
#define PDF_FONT_CJK "Noto Sans Mono CJK SC, Noto Sans Mono, DejaVu Sans Mono, monospace 9.5"
#define PDF_FONT_LATIN "DejaVu Sans Mono, Noto Sans Mono CJK SC, monospace 9.5"

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
	PangoFontDescription *font = pango_font_description_from_string(doc->has_wide ? PDF_FONT_CJK : PDF_FONT_LATIN);
	pango_layout_set_font_description(layout, font);
	pango_font_description_free(font);
	/* Fonts differ in line height (CJK fonts are tall): measure it and tighten the spacing
	 * so that a page of page_lines lines always fits the paper. */
	pango_layout_set_text(layout, "X\nX", -1);
	PangoRectangle logical;
	pango_layout_get_extents(layout, NULL, &logical);
	double natural = (double)logical.height / PANGO_SCALE / 2.0;
	int lines = doc->page_lines > 0 ? doc->page_lines : STATEMENT_PAGE_LINES;
	double room = (PDF_HEIGHT - 2 * PDF_MARGIN_Y) / lines;
	if (natural > room && natural > 0)
		pango_layout_set_line_spacing(layout, (float)(room / natural));

	int rc = 0;
	size_t cap = 8192;
	char *text = malloc(cap);
	if (!text)
		rc = -1;
	for (size_t p = 0; rc == 0 && p < doc->n_pages; p++) {
		size_t count, first = statement_doc_page(doc, p, &count);
		size_t len = 0;
		char footer[512];
		statement_doc_footer(doc, p, footer, sizeof footer);
		/* Body lines, blank lines up to the footer position, the footer. */
		size_t body = doc->page_lines > 2 ? (size_t)doc->page_lines - 2 : count;
		for (size_t i = 0; i < body + 2 && rc == 0; i++) {
			const char *line = i < count ? statement_doc_line(doc, first + i)
			                   : i == body + 1 ? footer
			                                   : "";
			size_t n = strlen(line);
			if (len + n + 2 > cap) {
				while (len + n + 2 > cap)
					cap *= 2;
				char *grown = realloc(text, cap);
				if (!grown) {
					rc = -1;
					break;
				}
				text = grown;
			}
			memcpy(text + len, line, n);
			len += n;
			text[len++] = '\n';
		}
		if (rc != 0)
			break;
		pango_layout_set_text(layout, text, (int)len);
		cairo_move_to(cr, PDF_MARGIN_X, PDF_MARGIN_Y);
		pango_cairo_show_layout(cr, layout);
		cairo_show_page(cr);
	}
	free(text);
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
