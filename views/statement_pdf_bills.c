/* The PDF statement's bills of a platform whose history is daily bills: for each bill day,
 * each bill's summary as the platform wrote it beside the same figures from the cache, the
 * differences in red with both figures, the days the cache lacks said so. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "client/client.h"
#include "views/statement.h"
#include "views/statement_pdf.h"

enum { B_NAME, B_BILL, B_CACHE, B_CHECK };

static void bills_titles(struct pdf_doc *d)
{
	const char *titles[4] = {_("Figure"), _("Bill"), _("Cache"), _("Check")};
	for (int k = 0; k < 4; k++)
		pdf_put(d, R_BOLD, titles[k], d->bill_col[k].x, d->bill_col[k].w,
		        pdf_top(d, R_BOLD, d->y, SUM_ROW_H), d->bill_col[k].align);
	d->y += SUM_ROW_H;
	pdf_rule(d, d->y, d->bill_col[B_NAME].x, MARGIN_X + CONTENT_W - d->bill_col[B_NAME].x, 0.6,
	         GREY_RULE);
	d->y += 1;
}

/* After a page break in the middle of a bill's figures. */
static void bills_resume(struct pdf_doc *d)
{
	char buf[256];
	snprintf(buf, sizeof buf, _("Bills of %s (continued)"), statement_platform_title(d->st));
	pdf_put(d, R_SMALL, buf, MARGIN_X, CONTENT_W, pdf_top(d, R_SMALL, d->y, SUM_ROW_H),
	        PDF_LEFT);
	d->y += SUM_ROW_H;
	bills_titles(d);
}

/* The columns: the figures as wide as the widest, the check words too, the name the rest. */
static void plan(struct pdf_doc *d, const struct ledger_bills *bs, const struct money_locale *loc)
{
	double vw = max_d(pdf_width(d, F_BOLD, _("Bill")), pdf_width(d, F_BOLD, _("Cache")));
	double cw = pdf_width(d, F_BOLD, _("Check"));
	for (size_t i = 0; i < bs->n_bills; i++) {
		const struct ledger_bill *b = &bs->bills[i];
		for (size_t j = 0; j < b->n_figures; j++) {
			const struct ledger_figure *f = &b->figures[j];
			char buf[128];
			statement_figure_bill(f, bs->currency, loc, buf, sizeof buf);
			vw = max_d(vw, pdf_width(d, F_BODY, buf));
			if (f->cache_valid)
				statement_figure_format(f, bs->currency, loc, f->cache, buf,
				                        sizeof buf);
			vw = max_d(vw, pdf_width(d, F_BODY, buf));
			cw = max_d(cw, pdf_width(d, F_BOLD, statement_check_word(f->check)));
		}
	}
	vw = max_d(vw, 60);
	double x = MARGIN_X + 12;
	double name_w = max_d(MARGIN_X + CONTENT_W - x - 2 * vw - cw - 3 * GAP, 80);
	d->bill_col[B_NAME] = (struct col){x, name_w, PDF_LEFT};
	x += name_w + GAP;
	d->bill_col[B_BILL] = (struct col){x, vw, PDF_RIGHT};
	x += vw + GAP;
	d->bill_col[B_CACHE] = (struct col){x, vw, PDF_RIGHT};
	x += vw + GAP;
	d->bill_col[B_CHECK] = (struct col){x, max_d(MARGIN_X + CONTENT_W - x, cw), PDF_LEFT};
}

static void figure_row(struct pdf_doc *d, const struct ledger_bills *bs,
                       const struct ledger_figure *f, const struct money_locale *loc)
{
	char name[384], bill[128] = "", cache[64] = "";
	statement_figure_name(f->name, f->gloss, name, sizeof name);
	if (f->check != LEDGER_CHECK_ABSENT)
		statement_figure_bill(f, bs->currency, loc, bill, sizeof bill);
	if (f->cache_valid)
		statement_figure_format(f, bs->currency, loc, f->cache, cache, sizeof cache);
	pdf_need(d, SUM_ROW_H);
	const struct col *c = d->bill_col;
	const bool bad = f->check == LEDGER_CHECK_DIFFERENT;
	const enum run_id quiet = f->check == LEDGER_CHECK_EQUAL ? R_BODY : R_GREY;
	double top = pdf_top(d, R_BODY, d->y, SUM_ROW_H);
	pdf_put(d, R_BODY, name, c[B_NAME].x, c[B_NAME].w, top, PDF_LEFT);
	pdf_put(d, bad ? R_ALERT : R_BODY, bill, c[B_BILL].x, c[B_BILL].w, top, PDF_RIGHT);
	pdf_put(d, bad ? R_ALERT : R_BODY, cache, c[B_CACHE].x, c[B_CACHE].w, top, PDF_RIGHT);
	pdf_put(d, bad ? R_ALERT : quiet, statement_check_word(f->check), c[B_CHECK].x,
	        c[B_CHECK].w, top, PDF_LEFT);
	d->y += SUM_ROW_H;
	if (bad) {
		char why[512];
		statement_figure_mismatch(f, bs->currency, loc, why, sizeof why);
		pdf_paragraph(d, R_ALERT, why, 24);
	}
}

void pdf_bills(struct pdf_doc *d)
{
	const struct ledger_bills *bs = d->st->data->bills;
	if (!bs)
		return;
	const struct money_locale *loc = money_locale_current();
	plan(d, bs, loc);
	char buf[1024], code[4];
	money_currency_upper(bs->currency, code);
	snprintf(buf, sizeof buf, _("Bills of %s against the cache (%s)"),
	         statement_platform_title(d->st), code);
	d->y += 4;
	pdf_heading(d, R_HEAD, buf, SUM_ROW_H * 4);
	if (bs->first_day[0])
		snprintf(buf, sizeof buf,
		         _("Each figure of the summary the platform wrote in its bill, computed "
		           "again from the bill's rows in the cache. The cache holds the bills "
		           "from %s."),
		         bs->first_day);
	else
		snprintf(
		        buf, sizeof buf, "%s",
		        _("Each figure of the summary the platform wrote in its bill, computed "
		          "again from the bill's rows in the cache. The cache holds no bill yet."));
	pdf_paragraph(d, R_SMALL, buf, 0);
	bool not_kept = false;
	for (size_t i = 0; i < bs->n_bills; i++) {
		const struct ledger_bill *b = &bs->bills[i];
		char day[40];
		if (strcmp(b->day, b->last_day) != 0)
			snprintf(day, sizeof day, "%s .. %s", b->day, b->last_day);
		else
			snprintf(day, sizeof day, "%s", b->day);
		bool figures = b->state == LEDGER_BILL_IN_CACHE ||
		               (b->state == LEDGER_BILL_NONE && b->differences > 0);
		char head[256], why[512];
		if (!figures) {
			/* A day (or days) not checked, or without business: one line. */
			statement_bill_absent(d->st, b, why, sizeof why);
			if (b->bill) {
				statement_figure_name(b->name, b->gloss, head, sizeof head);
				snprintf(buf, sizeof buf, "%s  %s: %s", day, head, why);
			} else {
				snprintf(buf, sizeof buf, "%s  %s", day, why);
			}
			d->y += 3;
			pdf_paragraph(d, b->state == LEDGER_BILL_NONE ? R_GREY : R_ALERT, buf, 0);
			continue;
		}
		statement_bill_heading(b, head, sizeof head);
		snprintf(buf, sizeof buf, "%s  %s", day, head);
		d->y += 3;
		pdf_heading(d, R_BOLD, buf, SUM_ROW_H * 3);
		if (b->state == LEDGER_BILL_NONE) {
			statement_bill_absent(d->st, b, why, sizeof why);
			pdf_paragraph(d, R_ALERT, why, 12);
		}
		bills_titles(d);
		d->resume = bills_resume;
		for (size_t j = 0; j < b->n_figures; j++) {
			figure_row(d, bs, &b->figures[j], loc);
			not_kept |= b->figures[j].check == LEDGER_CHECK_NOT_KEPT;
		}
		d->resume = NULL;
	}
	if (not_kept)
		pdf_paragraph(d, R_SMALL,
		              _("not kept: the cache does not keep what this figure sums for every "
		                "row of the bill, so it is not compared."),
		              0);
	statement_bills_result(d->st, buf, sizeof buf);
	if (buf[0]) {
		d->y += 2;
		pdf_paragraph(d, bs->differences > 0 || bs->missing > 0 ? R_ALERT : R_BOLD, buf, 0);
	}
	d->y += 4;
}
