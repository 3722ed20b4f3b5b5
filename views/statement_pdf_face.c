/* Text of the PDF statement: faces with a glyph cache, cells set glyph by glyph into runs
 * that cairo shows a page at a time, and pango for whatever the face cannot set.
 *
 * Columns of figures must line up: a face's digits are its tabular figures (OpenType "tnum",
 * asked of the font through pango once) and, should a font have none, each digit is centred
 * in the width of the widest, which is what tabular figures are. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views/statement.h"
#include "views/statement_pdf.h"

#define NO_GLYPH 0xffffffffu

/* The digits' glyphs as the font's tabular figures, when pango finds them in this face. */
static void tabular_digits(struct pdf_face *f, PangoLayout *layout, PangoFont *font)
{
	PangoAttrList *attrs = pango_attr_list_new();
	pango_attr_list_insert(attrs, pango_attr_font_features_new("tnum 1"));
	pango_layout_set_font_description(layout, f->desc);
	pango_layout_set_attributes(layout, attrs);
	pango_layout_set_text(layout, "0123456789", 10);
	PangoLayoutLine *line = pango_layout_get_line_readonly(layout, 0);
	PangoGlyphItem *run = line && line->runs ? line->runs->data : NULL;
	PangoFontDescription *want = pango_font_describe(font);
	PangoFontDescription *got = run ? pango_font_describe(run->item->analysis.font) : NULL;
	/* Only a run of ten glyphs in this very face gives one glyph per digit. */
	if (run && !line->runs->next && run->glyphs->num_glyphs == 10 && got &&
	    pango_font_description_equal(want, got)) {
		for (int i = 0; i < 10; i++) {
			const PangoGlyphInfo *g = &run->glyphs->glyphs[i];
			if (g->glyph & PANGO_GLYPH_UNKNOWN_FLAG)
				continue;
			f->glyph['0' + i] = g->glyph;
			f->advance['0' + i] = (float)g->geometry.width / PANGO_SCALE;
		}
	}
	if (got)
		pango_font_description_free(got);
	pango_font_description_free(want);
	pango_layout_set_attributes(layout, NULL);
	pango_attr_list_unref(attrs);
}

/* The glyph of cp (its UTF-8 at s, n bytes) in the face, looked up on first use. */
static uint32_t face_glyph(struct pdf_face *f, unsigned cp, const char *s, size_t n)
{
	if (cp >= 0x10000 || !f->scaled)
		return NO_GLYPH;
	if (f->glyph[cp])
		return f->glyph[cp];
	cairo_glyph_t *glyphs = NULL;
	int count = 0;
	uint32_t g = NO_GLYPH;
	if (cairo_scaled_font_text_to_glyphs(f->scaled, 0, 0, s, (int)n, &glyphs, &count, NULL,
	                                     NULL, NULL) == CAIRO_STATUS_SUCCESS &&
	    count == 1 && glyphs[0].index != 0) {
		g = (uint32_t)glyphs[0].index;
		cairo_text_extents_t te;
		cairo_scaled_font_glyph_extents(f->scaled, glyphs, 1, &te);
		f->advance[cp] = (float)te.x_advance;
	}
	cairo_glyph_free(glyphs);
	f->glyph[cp] = g;
	return g;
}

bool pdf_face_open(struct pdf_face *f, PangoLayout *layout, const char *desc)
{
	memset(f, 0, sizeof *f);
	f->desc = pango_font_description_from_string(desc);
	f->glyph = calloc(0x10000, sizeof *f->glyph);
	f->advance = calloc(0x10000, sizeof *f->advance);
	if (!f->desc || !f->glyph || !f->advance)
		return false;
	/* Line metrics from pango, which the pango path uses too. */
	pango_layout_set_font_description(layout, f->desc);
	pango_layout_set_text(layout, "0", 1);
	f->ascent = (double)pango_layout_get_baseline(layout) / PANGO_SCALE;
	PangoRectangle logical;
	pango_layout_get_extents(layout, NULL, &logical);
	f->height = (double)logical.height / PANGO_SCALE;
	PangoFont *font = pango_context_load_font(pango_layout_get_context(layout), f->desc);
	if (!font)
		return true;
	cairo_scaled_font_t *scaled = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font));
	if (scaled && cairo_scaled_font_status(scaled) == CAIRO_STATUS_SUCCESS) {
		/* The scaled font belongs to the PangoFont: keep a reference of our own. */
		f->scaled = cairo_scaled_font_reference(scaled);
		tabular_digits(f, layout, font);
	}
	g_object_unref(font);
	if (!f->scaled)
		return true;
	f->tabular = true;
	for (int i = 0; i < 10; i++) {
		char d = (char)('0' + i);
		if (face_glyph(f, (unsigned)d, &d, 1) == NO_GLYPH) {
			f->tabular = false;
			continue;
		}
		if (f->advance[(unsigned)d] > f->digit)
			f->digit = f->advance[(unsigned)d];
	}
	for (int i = 0; i < 10 && f->tabular; i++)
		if (f->advance['0' + i] < f->digit - 0.001)
			f->tabular = false;
	return true;
}

void pdf_face_close(struct pdf_face *f)
{
	if (f->desc)
		pango_font_description_free(f->desc);
	if (f->scaled)
		cairo_scaled_font_destroy(f->scaled);
	free(f->glyph);
	free(f->advance);
	memset(f, 0, sizeof *f);
}

/* The next character of text: its code point and length (ASCII without a call). */
static size_t next_char(const char *s, unsigned *cp)
{
	if ((unsigned char)*s < 0x80) {
		*cp = (unsigned char)*s;
		return 1;
	}
	return statement_utf8_next(s, cp);
}

/* The advance of cp in the face: a digit takes the widest digit's. */
static double advance_of(const struct pdf_face *f, unsigned cp)
{
	return cp >= '0' && cp <= '9' ? f->digit : f->advance[cp];
}

double pdf_face_width(struct pdf_face *f, const char *text, size_t len)
{
	double w = 0;
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n = next_char(text + i, &cp);
		if (face_glyph(f, cp, text + i, n) == NO_GLYPH)
			return -1;
		w += advance_of(f, cp);
		i += n;
	}
	return w;
}

/* The pango layout set for text in the face, without a width. */
static void layout_text(PangoLayout *layout, const struct pdf_face *f, const char *text)
{
	pango_layout_set_font_description(layout, f->desc);
	pango_layout_set_width(layout, -1);
	pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_NONE);
	pango_layout_set_text(layout, text, -1);
}

double pdf_text_width(struct pdf_face *f, struct pdf_face *alt, PangoLayout *layout,
                      const char *text)
{
	size_t len = strlen(text);
	double w = pdf_face_width(f, text, len);
	if (w < 0 && alt)
		w = pdf_face_width(alt, text, len);
	if (w >= 0)
		return w;
	layout_text(layout, f, text);
	PangoRectangle logical;
	pango_layout_get_extents(layout, NULL, &logical);
	return (double)logical.width / PANGO_SCALE;
}

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
		size_t cap = r->utf8_cap ? r->utf8_cap : 65536;
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

/* Adds the glyphs of text[0, len) from x on the baseline; returns the pen's end. Every
 * glyph is known to be in the face. */
static double run_add(struct pdf_run *r, const char *text, size_t len, double x, double baseline)
{
	if (!run_reserve(r, len + 1, len + 3)) {
		r->failed = true;
		return x;
	}
	struct pdf_face *f = r->face;
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n = next_char(text + i, &cp);
		cairo_glyph_t *g = &r->glyphs[r->n];
		g->index = f->glyph[cp];
		g->y = baseline;
		if (cp >= '0' && cp <= '9' && !f->tabular) {
			g->x = x + (f->digit - f->advance[cp]) / 2;
			x += f->digit;
		} else {
			g->x = x;
			x += f->advance[cp];
		}
		r->clusters[r->n].num_bytes = (int)n;
		r->clusters[r->n].num_glyphs = 1;
		r->n++;
		memcpy(r->utf8 + r->utf8_len, text + i, n);
		r->utf8_len += n;
		i += n;
	}
	return x;
}

/* The longest start of text that fits in width, in bytes. */
static size_t fit_prefix(const struct pdf_face *f, const char *text, size_t len, double width)
{
	double w = 0;
	size_t i = 0;
	while (i < len) {
		unsigned cp;
		size_t n = next_char(text + i, &cp);
		if (w + advance_of(f, cp) > width)
			break;
		w += advance_of(f, cp);
		i += n;
	}
	return i;
}

/* Sets text from the run's glyph cache on baseline, in [x, x + width), cut with "…" when
 * too long. false when the face lacks one of its glyphs. */
static bool cell_glyphs(struct pdf_run *run, const char *text, size_t len, double x, double width,
                        double baseline, enum pdf_align align)
{
	static const char ellipsis[] = "\xe2\x80\xa6";
	struct pdf_face *f = run->face;
	double w = pdf_face_width(f, text, len);
	if (w < 0)
		return false;
	if (w <= width) {
		run_add(run, text, len, align == PDF_RIGHT ? x + width - w : x, baseline);
		return true;
	}
	double ew = pdf_face_width(f, ellipsis, 3);
	if (ew < 0)
		return false;
	/* Too long: as much as fits, then "…", from the cell's left. */
	size_t keep = fit_prefix(f, text, len, width - ew);
	double end = run_add(run, text, keep, x, baseline);
	run_add(run, ellipsis, 3, end, baseline);
	return true;
}

void pdf_cell(struct pdf_run *run, struct pdf_run *alt, cairo_t *cr, PangoLayout *layout,
              const char *text, double x, double width, double y, enum pdf_align align)
{
	struct pdf_face *f = run->face;
	size_t len = strlen(text);
	if (len == 0)
		return;
	/* Both faces on the first face's baseline. */
	double baseline = y + f->ascent;
	if (cell_glyphs(run, text, len, x, width, baseline, align) ||
	    (alt && cell_glyphs(alt, text, len, x, width, baseline, align)))
		return;
	layout_text(layout, f, text);
	cairo_set_source_rgb(cr, run->rgb[0], run->rgb[1], run->rgb[2]);
	pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
	pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
	PangoRectangle logical;
	pango_layout_get_extents(layout, NULL, &logical);
	double lw = (double)logical.width / PANGO_SCALE;
	double top = baseline - (double)pango_layout_get_baseline(layout) / PANGO_SCALE;
	cairo_move_to(cr, align == PDF_RIGHT && lw < width ? x + width - lw : x, top);
	pango_cairo_show_layout(cr, layout);
	pango_layout_set_width(layout, -1);
	pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_NONE);
}

void pdf_run_show(struct pdf_run *run, cairo_t *cr)
{
	if (run->n == 0 || !run->face->scaled)
		return;
	run->utf8[run->utf8_len] = '\0';
	cairo_set_source_rgb(cr, run->rgb[0], run->rgb[1], run->rgb[2]);
	cairo_set_scaled_font(cr, run->face->scaled);
	cairo_show_text_glyphs(cr, run->utf8, (int)run->utf8_len, run->glyphs, (int)run->n,
	                       run->clusters, (int)run->n, 0);
	run->n = 0;
	run->utf8_len = 0;
}

void pdf_run_free(struct pdf_run *run)
{
	free(run->glyphs);
	free(run->clusters);
	free(run->utf8);
	memset(run, 0, sizeof *run);
}
