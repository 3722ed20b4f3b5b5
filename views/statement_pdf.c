/* The PDF statement, as a clerk files it: A4 pages, each with a header saying whose
 * statement it is, of which period, in which time zone, and page n of m; a summary of every
 * currency side by side (never summed together); then one section per currency, flowing one
 * after the other: the payouts arriving in the period and every transaction with the
 * merchant's order number, in aligned columns under real rules, with the totals set apart.
 *
 * It reads only the statement (its figures and, through its source, its lines), so any
 * source of figures and lines prints the same way. The lines are read once to plan the
 * columns; then the document is laid out twice by the same code, first without drawing to
 * count the pages (a transaction's row has one height, so its rows are counted, not read),
 * then drawn knowing their number. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>

#include "client/client.h"
#include "tui/tui.h"
#include "views/statement.h"
#include "views/statement_pdf.h"

static const struct {
	enum face_id face;
	double rgb[3];
} run_styles[R_COUNT] = {
        [R_BODY] = {F_BODY, {0, 0, 0}},
        [R_BOLD] = {F_BOLD, {0, 0, 0}},
        [R_GREY] = {F_BODY, {0.35, 0.35, 0.35}},
        [R_ALERT] = {F_BOLD, {0.70, 0.05, 0.05}},
        [R_SMALL] = {F_SMALL, {0.35, 0.35, 0.35}},
        [R_HEAD] = {F_HEAD, {0, 0, 0}},
        [R_TITLE] = {F_TITLE, {0, 0, 0}},
};

/* ---- Drawing, skipped in the counting pass ---- */

void pdf_put(struct pdf_doc *d, enum run_id r, const char *text, double x, double w, double y,
             enum pdf_align align)
{
	if (d->draw)
		pdf_cell(&d->run[r], &d->cjk_run[r], d->cr, d->layout, text, x, w, y, align);
}

double pdf_width(struct pdf_doc *d, enum face_id f, const char *text)
{
	return pdf_text_width(&d->face[f], &d->cjk[f], d->layout, text);
}

void pdf_rule(struct pdf_doc *d, double y, double x, double w, double width, double grey)
{
	if (!d->draw)
		return;
	cairo_set_source_rgb(d->cr, grey, grey, grey);
	cairo_set_line_width(d->cr, width);
	cairo_move_to(d->cr, x, y);
	cairo_line_to(d->cr, x + w, y);
	cairo_stroke(d->cr);
}

void pdf_band(struct pdf_doc *d, double x, double y, double w, double h, double grey)
{
	if (!d->draw)
		return;
	cairo_set_source_rgb(d->cr, grey, grey, grey);
	cairo_rectangle(d->cr, x, y, w, h);
	cairo_fill(d->cr);
}

/* The top of text of face f centred in a row of height h at y. */
double pdf_top(const struct pdf_doc *d, enum run_id r, double y, double h)
{
	return y + (h - d->face[run_styles[r].face].height) / 2;
}

/* ---- Pages ---- */

static void page_header(struct pdf_doc *d)
{
	double y = MARGIN_TOP;
	char page[64];
	snprintf(page, sizeof page, _("Page %zu of %zu"), d->page, d->pages);
	pdf_put(d, R_TITLE, _("Settlement statement"), MARGIN_X, CONTENT_W * 0.7, y, PDF_LEFT);
	/* The page number on the title's baseline. */
	double base = d->face[F_TITLE].ascent - d->face[F_BODY].ascent;
	pdf_put(d, R_BODY, page, MARGIN_X + CONTENT_W * 0.7, CONTENT_W * 0.3, y + base, PDF_RIGHT);
	y += 21;
	pdf_put(d, R_HEAD, d->account, MARGIN_X, CONTENT_W, y, PDF_LEFT);
	y += 15;
	double x = MARGIN_X;
	const char *label = _("Period:");
	double lw = pdf_width(d, F_BODY, label);
	pdf_put(d, R_GREY, label, x, lw, y, PDF_LEFT);
	x += lw + 4;
	double vw = pdf_width(d, F_BODY, d->period);
	pdf_put(d, R_BODY, d->period, x, vw, y, PDF_LEFT);
	x += vw + 18;
	label = _("Time zone:");
	lw = pdf_width(d, F_BODY, label);
	pdf_put(d, R_GREY, label, x, lw, y, PDF_LEFT);
	x += lw + 4;
	pdf_put(d, R_BODY, d->zone, x, max_d(MARGIN_X + CONTENT_W - x, 0), y, PDF_LEFT);
	pdf_rule(d, MARGIN_TOP + HEADER_H - 9, MARGIN_X, CONTENT_W, 0.9, 0.2);
	double fy = PAGE_H - MARGIN_BOTTOM - FOOTER_H + 4;
	pdf_rule(d, fy, MARGIN_X, CONTENT_W, 0.4, GREY_RULE);
	pdf_put(d, R_SMALL, d->footer, MARGIN_X, CONTENT_W, fy + 3, PDF_LEFT);
}

static void page_open(struct pdf_doc *d)
{
	d->page++;
	d->y = BODY_TOP;
	d->row_on_page = 0;
	page_header(d);
}

/* Draws the shaded band that ends at the current row. */
void pdf_shade_flush(struct pdf_doc *d)
{
	if (d->shade_top > 0)
		pdf_band(d, MARGIN_X, d->shade_top, CONTENT_W, d->y - d->shade_top, GREY_SHADE);
	d->shade_top = 0;
}

static void page_close(struct pdf_doc *d)
{
	pdf_shade_flush(d);
	if (!d->draw)
		return;
	for (int r = 0; r < R_COUNT; r++) {
		pdf_run_show(&d->run[r], d->cr);
		pdf_run_show(&d->cjk_run[r], d->cr);
		d->failed |= d->run[r].failed || d->cjk_run[r].failed;
	}
	cairo_show_page(d->cr);
}

/* Makes room for h points, on a new page when this one is full. */
void pdf_need(struct pdf_doc *d, double h)
{
	if (d->y + h <= BODY_BOTTOM || d->y <= BODY_TOP)
		return;
	page_close(d);
	page_open(d);
	if (d->resume)
		d->resume(d);
}

/* Text wrapped in the content's width; its height is pango's in both passes. */
void pdf_paragraph(struct pdf_doc *d, enum run_id r, const char *text, double indent)
{
	const struct pdf_face *f = &d->face[run_styles[r].face];
	pango_layout_set_font_description(d->layout, f->desc);
	pango_layout_set_width(d->layout, (int)((CONTENT_W - indent) * PANGO_SCALE));
	pango_layout_set_wrap(d->layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(d->layout, text, -1);
	PangoRectangle logical;
	pango_layout_get_extents(d->layout, NULL, &logical);
	double h = (double)logical.height / PANGO_SCALE;
	pdf_need(d, h);
	if (d->draw) {
		const double *c = run_styles[r].rgb;
		cairo_set_source_rgb(d->cr, c[0], c[1], c[2]);
		cairo_move_to(d->cr, MARGIN_X + indent, d->y);
		pango_cairo_show_layout(d->cr, d->layout);
	}
	pango_layout_set_width(d->layout, -1);
	d->y += h + 3;
}

/* A heading kept with at least `with` points of what follows it. */
void pdf_heading(struct pdf_doc *d, enum run_id r, const char *text, double with)
{
	pdf_need(d, HEADING_H + with);
	pdf_put(d, r, text, MARGIN_X, CONTENT_W, pdf_top(d, r, d->y, HEADING_H), PDF_LEFT);
	d->y += HEADING_H;
}

/* ---- Summary: every currency side by side ---- */

struct sum_row {
	const char *label;
	int64_t (*value)(const struct ledger_currency *c);
	enum run_id style;
	double rule_above; /* its width, 0 for none */
	bool shaded;
	bool count; /* a number of transactions, not an amount */
	bool fee;   /* a fee: with the fees' decimals */
};

static int64_t v_opening(const struct ledger_currency *c)
{
	return c->opening;
}
static int64_t v_sales(const struct ledger_currency *c)
{
	return c->cat[LEDGER_CAT_SALES].amount;
}
static int64_t v_refunds(const struct ledger_currency *c)
{
	return c->cat[LEDGER_CAT_REFUNDS].amount;
}
static int64_t v_disputes(const struct ledger_currency *c)
{
	return c->cat[LEDGER_CAT_DISPUTES].amount;
}
static int64_t v_reversals(const struct ledger_currency *c)
{
	return c->cat[LEDGER_CAT_REVERSALS].amount;
}
static int64_t v_fees(const struct ledger_currency *c)
{
	return c->fees;
}
static int64_t v_adjustments(const struct ledger_currency *c)
{
	return c->cat[LEDGER_CAT_ADJUSTMENTS].amount;
}
static int64_t v_net(const struct ledger_currency *c)
{
	return c->net_activity;
}
static int64_t v_payouts(const struct ledger_currency *c)
{
	return c->payouts_net;
}
static int64_t v_closing(const struct ledger_currency *c)
{
	return c->closing;
}
static int64_t v_items(const struct ledger_currency *c)
{
	return c->items;
}

static void format_value(const struct pdf_doc *d, const struct sum_row *row,
                         const struct ledger_currency *c, char *buf, size_t size)
{
	if (row->count) {
		snprintf(buf, size, "%lld", (long long)row->value(c));
		return;
	}
	struct statement_money m;
	statement_money_init(&m, c->currency, money_locale_current());
	int extra = row->fee ? statement_fee_extra(d->st, c->currency) : 0;
	statement_money_put_fine(&m, row->value(c), 0, extra, buf, size);
}

void pdf_fee(struct pdf_doc *d, int64_t v, char *buf, size_t size)
{
	statement_money_put_fine(&d->money, v, 0, d->fee_extra, buf, size);
}

static void summary(struct pdf_doc *d)
{
	const struct sum_row rows[] = {
	        {_("Opening balance"), v_opening, R_BODY, 0, false, false, false},
	        {_("Sales"), v_sales, R_BODY, 0, false, false, false},
	        {_("Refunds"), v_refunds, R_BODY, 0, false, false, false},
	        {_("Disputes"), v_disputes, R_BODY, 0, false, false, false},
	        {_("Dispute reversals"), v_reversals, R_BODY, 0, false, false, false},
	        {_("Fees"), v_fees, R_BODY, 0, false, false, true},
	        {_("Adjustments"), v_adjustments, R_BODY, 0, false, false, false},
	        {_("Net activity"), v_net, R_BOLD, 0.5, false, false, false},
	        {_("Paid out from the balance"), v_payouts, R_BODY, 0, false, false, false},
	        {_("Closing balance"), v_closing, R_BOLD, 1.0, true, false, false},
	        {_("Number of transactions"), v_items, R_GREY, 0, false, true, false},
	};
	const size_t n_rows = sizeof rows / sizeof *rows;
	const struct ledger_statement *data = d->st->data;
	double label_w = 0;
	for (size_t r = 0; r < n_rows; r++)
		label_w = max_d(label_w, pdf_width(d, F_BOLD, rows[r].label));
	label_w += GAP;
	pdf_heading(d, R_HEAD, _("Summary"), SUM_ROW_H * (double)(n_rows + 1));
	/* Columns as wide as their widest figure; as many side by side as the page takes. */
	size_t first = 0;
	while (first < data->n_currencies) {
		double col_w[16], used = label_w;
		size_t n = 0;
		while (first + n < data->n_currencies && n < 16) {
			const struct ledger_currency *c = &data->currencies[first + n];
			char code[4], buf[64];
			money_currency_upper(c->currency, code);
			double w = pdf_width(d, F_BOLD, code);
			for (size_t r = 0; r < n_rows; r++) {
				format_value(d, &rows[r], c, buf, sizeof buf);
				w = max_d(w, pdf_width(d, F_BOLD, buf));
			}
			w = max_d(w + 2 * GAP, 64);
			if (n > 0 && used + w > CONTENT_W)
				break;
			col_w[n++] = w;
			used += w;
		}
		pdf_need(d, SUM_ROW_H * (double)(n_rows + 1) + 4);
		double x = MARGIN_X + label_w;
		for (size_t i = 0; i < n; i++) {
			char code[4];
			money_currency_upper(data->currencies[first + i].currency, code);
			pdf_put(d, R_BOLD, code, x, col_w[i], pdf_top(d, R_BOLD, d->y, SUM_ROW_H),
			        PDF_RIGHT);
			x += col_w[i];
		}
		d->y += SUM_ROW_H;
		pdf_rule(d, d->y, MARGIN_X, used, 0.6, GREY_RULE);
		for (size_t r = 0; r < n_rows; r++) {
			if (rows[r].rule_above > 0)
				pdf_rule(d, d->y, MARGIN_X, used, rows[r].rule_above, 0.2);
			if (rows[r].shaded)
				pdf_band(d, MARGIN_X, d->y + 0.6, used, SUM_ROW_H, GREY_BAND);
			double top = pdf_top(d, rows[r].style, d->y, SUM_ROW_H);
			pdf_put(d, rows[r].style, rows[r].label, MARGIN_X, label_w, top, PDF_LEFT);
			x = MARGIN_X + label_w;
			for (size_t i = 0; i < n; i++) {
				char buf[64];
				format_value(d, &rows[r], &data->currencies[first + i], buf,
				             sizeof buf);
				pdf_put(d, rows[r].style, buf, x, col_w[i], top, PDF_RIGHT);
				x += col_w[i];
			}
			d->y += SUM_ROW_H;
		}
		pdf_rule(d, d->y, MARGIN_X, used, 1.0, 0.2);
		d->y += 8;
		first += n;
	}
	for (size_t i = 0; i < data->n_currencies; i++) {
		const struct ledger_currency *c = &data->currencies[i];
		if (c->inconsistent == 0)
			continue;
		char code[4], buf[512];
		money_currency_upper(c->currency, code);
		int n = snprintf(buf, sizeof buf, "%s: ", code);
		snprintf(buf + n, sizeof buf - (size_t)n,
		         P_("WARNING: %lld transaction has a net that is not its amount minus its "
		            "fee; the lines above do not add up to the net activity.",
		            "WARNING: %lld transactions have a net that is not their amount minus "
		            "their fee; the lines above do not add up to the net activity.",
		            c->inconsistent),
		         (long long)c->inconsistent);
		pdf_paragraph(d, R_ALERT, buf, 0);
	}
	for (size_t i = 0; i < data->n_currencies; i++) {
		char from[600];
		if (statement_balance_from(d->st, data->currencies[i].currency, from, sizeof from))
			pdf_paragraph(d, R_SMALL, from, 0);
	}
	pdf_paragraph(d, R_SMALL,
	              _("Payouts are listed by the day they arrive at the bank, as the bank "
	                "statement shows them; the balance counts each payout on the day it "
	                "leaves the balance."),
	              0);
}

static enum ledger_status sections(struct pdf_doc *d)
{
	const struct ledger_statement *data = d->st->data;
	for (size_t i = 0; i < data->n_currencies; i++) {
		const struct ledger_currency *c = &data->currencies[i];
		d->cur = c;
		statement_money_init(&d->money, c->currency, money_locale_current());
		d->fee_extra = statement_fee_extra(d->st, c->currency);
		char code[4], count[64];
		money_currency_upper(c->currency, code);
		snprintf(count, sizeof count, P_("%lld transaction", "%lld transactions", c->items),
		         (long long)c->items);
		/* The currency's band, kept with its first lines. */
		d->y += 6;
		pdf_need(d, 18 + HEADING_H + 3 * SUM_ROW_H);
		pdf_band(d, MARGIN_X, d->y, CONTENT_W, 18, GREY_BAND);
		pdf_put(d, R_HEAD, code, MARGIN_X + 4, CONTENT_W / 2, pdf_top(d, R_HEAD, d->y, 18),
		        PDF_LEFT);
		pdf_put(d, R_GREY, count, MARGIN_X + CONTENT_W / 2, CONTENT_W / 2 - 4,
		        pdf_top(d, R_GREY, d->y, 18), PDF_RIGHT);
		d->y += 18 + 2;
		pdf_payouts(d);
		pdf_conversions(d);
		enum ledger_status r = pdf_items(d, i);
		if (r != LEDGER_OK)
			return r;
	}
	if (data->n_currencies == 0)
		pdf_paragraph(d, R_BODY, _("No balance and no transactions in this period."), 0);
	return LEDGER_OK;
}

static enum ledger_status layout(struct pdf_doc *d)
{
	d->page = 0;
	page_open(d);
	const struct ledger_statement *data = d->st->data;
	if (data->stale) {
		char when[32], warn[1024];
		statement_time(data->last_sync, false, when, sizeof when);
		if (data->last_sync > 0)
			snprintf(
			        warn, sizeof warn,
			        _("WARNING: the data was last synced at %s, before the end of this "
			          "period; later transactions are missing. Run 'paydesk sync' and "
			          "produce the statement again."),
			        when);
		else
			snprintf(warn, sizeof warn, "%s",
			         _("WARNING: this cache was never synced completely; the statement "
			           "may "
			           "be missing transactions. Run 'paydesk sync' first."));
		pdf_paragraph(d, R_ALERT, warn, 0);
		d->y += 4;
	}
	if (data->n_currencies > 0)
		summary(d);
	pdf_bills(d);
	enum ledger_status r = sections(d);
	page_close(d);
	return r;
}

/* ---- The file ---- */

/* True when text holds a CJK character: the statement is written in Chinese. */
static bool has_cjk(const char *text)
{
	for (const char *s = text; *s;) {
		unsigned cp;
		s += statement_utf8_next(s, &cp);
		if ((cp >= 0x2e80 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7a3) ||
		    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xff00 && cp <= 0xffef))
			return true;
	}
	return false;
}

/* The faces: a proportional sans serif with tabular figures, DejaVu Sans for Latin text
 * and figures (its named glyphs stay searchable through a print queue's PostScript round
 * trip, cups-pdf) and Noto Sans CJK SC for Chinese, as a Chinese document pairs a Latin face
 * for its figures with a Han face. Text that neither has is set by pango, with fallback. */
static bool open_faces(struct pdf_doc *d)
{
	static const struct {
		const char *style;
		double size;
	} faces[F_COUNT] = {
	        [F_BODY] = {"", 7.4},      [F_BOLD] = {"Bold", 7.4},   [F_SMALL] = {"", 6.6},
	        [F_HEAD] = {"Bold", 10.0}, [F_TITLE] = {"Bold", 14.0},
	};
	for (int f = 0; f < F_COUNT; f++) {
		char desc[160];
		snprintf(desc, sizeof desc, "DejaVu Sans, Noto Sans CJK SC, sans-serif %s %.1f",
		         faces[f].style, faces[f].size);
		if (!pdf_face_open(&d->face[f], d->layout, desc))
			return false;
		snprintf(desc, sizeof desc, "Noto Sans CJK SC, sans-serif %s %.1f", faces[f].style,
		         faces[f].size);
		if (!pdf_face_open(&d->cjk[f], d->layout, desc))
			return false;
	}
	for (int r = 0; r < R_COUNT; r++) {
		d->run[r].face = &d->face[run_styles[r].face];
		d->cjk_run[r].face = &d->cjk[run_styles[r].face];
		memcpy(d->run[r].rgb, run_styles[r].rgb, sizeof d->run[r].rgb);
		memcpy(d->cjk_run[r].rgb, run_styles[r].rgb, sizeof d->cjk_run[r].rgb);
	}
	return true;
}

/* The header's and footer's text, the same on every page. */
static void doc_texts(struct pdf_doc *d)
{
	const struct statement *st = d->st;
	const struct ledger_statement *data = st->data;
	if (st->account_name[0] && st->account_id[0])
		snprintf(d->account, sizeof d->account, "%s (%s)", st->account_name,
		         st->account_id);
	else if (st->account_name[0] || st->account_id[0])
		snprintf(d->account, sizeof d->account, "%s",
		         st->account_name[0] ? st->account_name : st->account_id);
	else
		snprintf(d->account, sizeof d->account, "%s", _("(unknown: not synced yet)"));
	char from[32], to[32], gen[32], sync[32], generated[256], asof[256];
	statement_time(data->from, false, from, sizeof from);
	statement_time(data->to, false, to, sizeof to);
	snprintf(d->period, sizeof d->period, _("%s to %s"), from, to);
	snprintf(d->zone, sizeof d->zone, "%s", st->zone_label);
	statement_time(st->opt.generated_at, false, gen, sizeof gen);
	if (st->operator_name[0])
		snprintf(generated, sizeof generated, _("%s by %s"), gen, st->operator_name);
	else
		snprintf(generated, sizeof generated, "%s", gen);
	statement_time(data->last_sync, false, sync, sizeof sync);
	if (data->last_sync > 0)
		snprintf(asof, sizeof asof, _("%s (last sync)"), sync);
	else
		snprintf(asof, sizeof asof, "%s", _("never synced"));
	snprintf(d->footer, sizeof d->footer, "%s %s    %s %s", _("Generated:"), generated,
	         _("Data as of:"), asof);
	d->cat_label[LEDGER_CAT_SALES] = _("sale");
	d->cat_label[LEDGER_CAT_REFUNDS] = _("refund");
	d->cat_label[LEDGER_CAT_DISPUTES] = _("dispute");
	d->cat_label[LEDGER_CAT_REVERSALS] = _("reversal");
	d->cat_label[LEDGER_CAT_FEES] = _("fee");
	d->cat_label[LEDGER_CAT_ADJUSTMENTS] = _("adjustment");
	d->cat_label[LEDGER_CAT_PAYOUTS] = _("payout");
}

/* The pango context for print: points, no hinting, no rounding of glyph positions. */
static void setup_context(PangoLayout *layout, bool cjk)
{
	PangoContext *ctx = pango_layout_get_context(layout);
	pango_cairo_context_set_resolution(ctx, 72.0);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	pango_cairo_context_set_font_options(ctx, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_round_glyph_positions(ctx, FALSE);
	pango_context_set_language(ctx, pango_language_from_string(cjk ? "zh-cn" : "en"));
	pango_layout_context_changed(layout);
}

int statement_write_pdf(struct statement *st, const char *path, const char *title, char *err,
                        size_t err_size)
{
	cairo_surface_t *surface = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
	if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
		snprintf(err, err_size, _("cannot create the PDF %s: %s"), path,
		         cairo_status_to_string(cairo_surface_status(surface)));
		cairo_surface_destroy(surface);
		return -1;
	}
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, PACKAGE_STRING);
	struct pdf_doc d = {.st = st};
	d.cr = cairo_create(surface);
	d.layout = pango_cairo_create_layout(d.cr);
	const bool cjk = has_cjk(_("Settlement statement"));
	setup_context(d.layout, cjk);
	d.lines = calloc(st->data->n_currencies + 1, sizeof *d.lines);
	char saved[128];
	statement_tz_enter(st->timezone, saved, sizeof saved);
	enum ledger_status r = d.lines && open_faces(&d) ? LEDGER_OK : LEDGER_NOMEM;
	if (r == LEDGER_OK) {
		doc_texts(&d);
		r = pdf_plan_columns(&d);
	}
	if (r == LEDGER_OK) {
		d.draw = false;
		r = layout(&d);
	}
	if (r == LEDGER_OK) {
		d.pages = d.page;
		d.draw = true;
		r = layout(&d);
	}
	statement_tz_leave(saved);
	if (r == LEDGER_OK && d.failed)
		r = LEDGER_NOMEM;
	for (int i = 0; i < R_COUNT; i++) {
		pdf_run_free(&d.run[i]);
		pdf_run_free(&d.cjk_run[i]);
	}
	for (int i = 0; i < F_COUNT; i++) {
		pdf_face_close(&d.face[i]);
		pdf_face_close(&d.cjk[i]);
	}
	free(d.lines);
	g_object_unref(d.layout);
	cairo_destroy(d.cr);
	cairo_surface_finish(surface);
	cairo_status_t status = cairo_surface_status(surface);
	cairo_surface_destroy(surface);
	if (r != LEDGER_OK) {
		statement_items_error(st, r, err, err_size);
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
