/* The PDF statement's tables of lines: a currency's payouts arriving in the period, and its
 * transactions, in columns planned once for every currency from a pass over the lines. A
 * day can hold 100,000 transactions: a row is set from the glyph cache (statement_pdf_face.c)
 * cell by cell, and the counting pass counts rows rather than reading them. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client.h"
#include "tui/tui.h"
#include "views/statement.h"
#include "views/statement_pdf.h"

static int64_t max_i64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* ---- A currency's payouts ---- */

enum { P_ID, P_CREATED, P_ARRIVAL, P_STATUS, P_CHECK, P_AMOUNT, P_COUNT };

void pdf_payouts(struct pdf_doc *d)
{
	const struct ledger_currency *c = d->cur;
	pdf_heading(d, R_BOLD, _("Payouts arriving at the bank in this period"), SUM_ROW_H * 2);
	if (c->n_payouts == 0) {
		const char *none = _("  No payouts arrive in this period.");
		while (*none == ' ')
			none++;
		pdf_put(d, R_GREY, none, MARGIN_X, CONTENT_W, pdf_top(d, R_GREY, d->y, SUM_ROW_H),
		        PDF_LEFT);
		d->y += SUM_ROW_H + 4;
		return;
	}
	const char *titles[P_COUNT] = {_("Payout"), _("Created"), _("Arrival"),
	                               _("Status"), _("Check"),   _("Amount")};
	double w[P_COUNT];
	for (int k = 0; k < P_COUNT; k++)
		w[k] = pdf_width(d, F_BOLD, titles[k]);
	w[P_CREATED] = max_d(w[P_CREATED], pdf_width(d, F_BODY, "0000-00-00 00:00"));
	w[P_ARRIVAL] = max_d(w[P_ARRIVAL], pdf_width(d, F_BODY, "0000-00-00"));
	for (size_t i = 0; i < c->n_payouts; i++) {
		const struct ledger_payout *p = &c->payouts[i];
		char id[256], status[128], check[64], amount[64];
		tui_sanitize(p->id, strlen(p->id), id, sizeof id, 0);
		statement_payout_status(p->status, status, sizeof status);
		statement_payout_check(p, check, sizeof check);
		statement_money_put(&d->money, p->amount, amount, sizeof amount);
		w[P_ID] = max_d(w[P_ID], pdf_width(d, F_BODY, id));
		w[P_STATUS] = max_d(w[P_STATUS], pdf_width(d, F_BODY, status));
		w[P_CHECK] = max_d(w[P_CHECK], pdf_width(d, F_BOLD, check));
		w[P_AMOUNT] = max_d(w[P_AMOUNT], pdf_width(d, F_BOLD, amount));
	}
	char total[64];
	statement_money_put(&d->money, c->payouts_arriving, total, sizeof total);
	w[P_AMOUNT] = max_d(w[P_AMOUNT], pdf_width(d, F_BOLD, total));
	/* Each column as wide as it needs, the amount against the right edge; the id gives
	 * way when they do not all fit. */
	double others = 0;
	for (int k = P_CREATED; k < P_COUNT; k++)
		others += w[k] + GAP;
	if (w[P_ID] + others > CONTENT_W)
		w[P_ID] = max_d(CONTENT_W - others, 40);
	double x[P_COUNT], at = MARGIN_X;
	for (int k = 0; k < P_COUNT; k++) {
		x[k] = at;
		at += w[k] + GAP;
	}
	x[P_AMOUNT] = MARGIN_X + CONTENT_W - w[P_AMOUNT];
	pdf_need(d, SUM_ROW_H * 2);
	for (int k = 0; k < P_COUNT; k++)
		pdf_put(d, R_BOLD, titles[k], x[k], w[k], pdf_top(d, R_BOLD, d->y, SUM_ROW_H),
		        k == P_AMOUNT ? PDF_RIGHT : PDF_LEFT);
	d->y += SUM_ROW_H;
	pdf_rule(d, d->y, MARGIN_X, CONTENT_W, 0.6, GREY_RULE);
	for (size_t i = 0; i < c->n_payouts; i++) {
		const struct ledger_payout *p = &c->payouts[i];
		char id[256], status[128], check[64], amount[64], created[32], arrival[16];
		tui_sanitize(p->id, strlen(p->id), id, sizeof id, 0);
		statement_payout_status(p->status, status, sizeof status);
		statement_payout_check(p, check, sizeof check);
		statement_money_put(&d->money, p->amount, amount, sizeof amount);
		statement_time(p->created, false, created, sizeof created);
		statement_arrival_day(p->arrival_date, arrival, sizeof arrival);
		pdf_need(d, SUM_ROW_H);
		double top = pdf_top(d, R_BODY, d->y, SUM_ROW_H);
		pdf_put(d, R_BODY, id, x[P_ID], w[P_ID], top, PDF_LEFT);
		pdf_put(d, R_BODY, created, x[P_CREATED], w[P_CREATED], top, PDF_LEFT);
		pdf_put(d, R_BODY, arrival, x[P_ARRIVAL], w[P_ARRIVAL], top, PDF_LEFT);
		pdf_put(d, R_BODY, status, x[P_STATUS], w[P_STATUS], top, PDF_LEFT);
		pdf_put(d, p->recon == LEDGER_RECON_MATCH ? R_BODY : R_ALERT, check, x[P_CHECK],
		        w[P_CHECK], top, PDF_LEFT);
		pdf_put(d, R_BODY, amount, x[P_AMOUNT], w[P_AMOUNT], top, PDF_RIGHT);
		d->y += SUM_ROW_H;
		char why[512] = "";
		if (p->recon == LEDGER_RECON_MISMATCH) {
			char sum[64], diff[64];
			statement_money_put(&d->money, p->txn_net, sum, sizeof sum);
			statement_money_put(&d->money, p->difference, diff, sizeof diff);
			snprintf(why, sizeof why,
			         P_("    MISMATCH: its %lld transaction sums to %s, not %s; "
			            "difference %s.",
			            "    MISMATCH: its %lld transactions sum to %s, not %s; "
			            "difference %s.",
			            p->txn_count),
			         (long long)p->txn_count, sum, amount, diff);
		} else if (p->recon == LEDGER_RECON_UNKNOWN) {
			snprintf(why, sizeof why, "%s",
			         _("    NOT CHECKED: none of its transactions is in the cache; run "
			           "'paydesk sync'."));
		} else if (p->recon == LEDGER_RECON_BEFORE_HISTORY) {
			statement_payout_before_history(d->st, why, sizeof why);
		}
		/* The text statement's sentences, without their indent. */
		if (why[0]) {
			const char *text = why;
			while (*text == ' ')
				text++;
			pdf_paragraph(d, R_ALERT, text, 12);
		}
		if (p->recon != LEDGER_RECON_MATCH && p->recon != LEDGER_RECON_BEFORE_HISTORY &&
		    !p->sync_complete) {
			const char *text =
			        _("    (the cache does not yet hold every transaction of "
			          "this payout)");
			while (*text == ' ')
				text++;
			pdf_paragraph(d, R_GREY, text, 12);
		}
	}
	if (c->n_payouts > 1) {
		pdf_need(d, SUM_ROW_H);
		pdf_rule(d, d->y, x[P_AMOUNT], w[P_AMOUNT], 0.6, 0.2);
		double top = pdf_top(d, R_BOLD, d->y, SUM_ROW_H);
		pdf_put(d, R_BOLD, _("Total arriving"), x[P_ID], w[P_ID], top, PDF_LEFT);
		pdf_put(d, R_BOLD, total, x[P_AMOUNT], w[P_AMOUNT], top, PDF_RIGHT);
		d->y += SUM_ROW_H;
	}
	d->y += 4;
}

/* ---- A currency's conversions ---- */

void pdf_conversions(struct pdf_doc *d)
{
	const struct ledger_currency *c = d->cur;
	if (c->n_fx == 0)
		return;
	char code[4], heading[160];
	money_currency_upper(c->currency, code);
	snprintf(heading, sizeof heading, _("Currency conversions into %s"), code);
	pdf_heading(d, R_BOLD, heading, SUM_ROW_H * 2);
	enum { N = STATEMENT_FX_CELLS, FIGURES = STATEMENT_FX_COUNT };
	double w[N];
	for (int k = 0; k < N; k++)
		w[k] = pdf_width(d, F_BOLD, _(statement_fx_titles[k]));
	w[STATEMENT_FX_DAY] = max_d(w[STATEMENT_FX_DAY], pdf_width(d, F_BODY, "0000-00-00"));
	w[STATEMENT_FX_FROM] = max_d(w[STATEMENT_FX_FROM], pdf_width(d, F_BODY, "WWW"));
	char cells[N][64];
	for (size_t i = 0; i < c->n_fx; i++) {
		statement_fx_cells(&c->fx[i], c->currency, &d->money, cells);
		for (int k = FIGURES; k < N; k++)
			w[k] = max_d(w[k], pdf_width(d, F_BODY, cells[k]));
	}
	/* Day and currency on the left, the figures against the right edge. */
	double x[N], at = MARGIN_X + CONTENT_W;
	for (int k = N - 1; k >= FIGURES; k--) {
		at -= w[k];
		x[k] = at;
		at -= GAP;
	}
	x[STATEMENT_FX_DAY] = MARGIN_X;
	x[STATEMENT_FX_FROM] = MARGIN_X + w[STATEMENT_FX_DAY] + GAP;
	pdf_need(d, SUM_ROW_H * 2);
	for (int k = 0; k < N; k++)
		pdf_put(d, R_BOLD, _(statement_fx_titles[k]), x[k], w[k],
		        pdf_top(d, R_BOLD, d->y, SUM_ROW_H), k >= FIGURES ? PDF_RIGHT : PDF_LEFT);
	d->y += SUM_ROW_H;
	pdf_rule(d, d->y, MARGIN_X, CONTENT_W, 0.6, GREY_RULE);
	for (size_t i = 0; i < c->n_fx; i++) {
		statement_fx_cells(&c->fx[i], c->currency, &d->money, cells);
		pdf_need(d, SUM_ROW_H);
		double top = pdf_top(d, R_BODY, d->y, SUM_ROW_H);
		for (int k = 0; k < N; k++)
			pdf_put(d, R_BODY, cells[k], x[k], w[k], top,
			        k >= FIGURES ? PDF_RIGHT : PDF_LEFT);
		d->y += SUM_ROW_H;
	}
	char fees[64], note[400];
	statement_money_put(&d->money, -c->fx_fees, fees, sizeof fees);
	snprintf(note, sizeof note,
	         _("  Conversion fees are part of the fee line above (%s in this period); the "
	           "rate is what the amounts give, in %s per unit of the currency paid."),
	         fees, code);
	const char *text = note;
	while (*text == ' ')
		text++;
	pdf_paragraph(d, R_GREY, text, 0);
	d->y += 4;
}

/* ---- A currency's transactions ---- */

static void items_titles(struct pdf_doc *d)
{
	const char *titles[C_COUNT] = {_("Time"),   _("Type"), _("Order number"), _("Transaction"),
	                               _("Amount"), _("Fee"),  _("Net")};
	for (int k = 0; k < C_COUNT; k++) {
		if (d->item[k].w <= 0)
			continue;
		pdf_put(d, R_BOLD, titles[k], d->item[k].x, d->item[k].w,
		        pdf_top(d, R_BOLD, d->y, SUM_ROW_H), d->item[k].align);
	}
	d->y += SUM_ROW_H;
	pdf_rule(d, d->y, MARGIN_X, CONTENT_W, 0.6, GREY_RULE);
	d->y += 1;
}

/* After a page break in the middle of a currency's transactions. */
static void items_resume(struct pdf_doc *d)
{
	char code[4], buf[128];
	money_currency_upper(d->cur->currency, code);
	snprintf(buf, sizeof buf, _("%s transactions (continued)"), code);
	pdf_put(d, R_SMALL, buf, MARGIN_X, CONTENT_W, pdf_top(d, R_SMALL, d->y, SUM_ROW_H),
	        PDF_LEFT);
	d->y += SUM_ROW_H;
	items_titles(d);
}

/* A cell's text as the sanitizer gives it, without a copy when it is clean already. */
static const char *clean(const char *text, char *buf, size_t size)
{
	size_t len = strlen(text);
	if (tui_sanitize_is_clean(text, len, 0))
		return text;
	tui_sanitize(text, len, buf, size, 0);
	return buf;
}

static void item_row(struct pdf_doc *d, const struct ledger_item *it)
{
	pdf_need(d, ROW_H);
	int row = d->row_on_page++;
	if (row % SHADE_ROWS == 0) {
		pdf_shade_flush(d);
		if (row / SHADE_ROWS % 2 == 1)
			d->shade_top = d->y;
	}
	/* Items come in time order: one localtime_r per minute, not per item. */
	time_t minute = it->created - it->created % 60;
	if (minute != d->minute || !d->when[0]) {
		struct tm tm;
		if (!localtime_r(&it->created, &tm) ||
		    strftime(d->when, sizeof d->when,
		             d->st->opt.single_day ? "%H:%M" : "%m-%d %H:%M", &tm) == 0)
			snprintf(d->when, sizeof d->when, "?");
		d->minute = minute;
	}
	double top = pdf_top(d, R_BODY, d->y, ROW_H);
	const struct col *c = d->item;
	char id[256], order[256], a[STATEMENT_MONEY_MAX + 16];
	int cat = it->category >= 0 && it->category < LEDGER_CAT_COUNT ? (int)it->category
	                                                               : LEDGER_CAT_ADJUSTMENTS;
	pdf_put(d, R_BODY, d->when, c[C_TIME].x, c[C_TIME].w, top, PDF_LEFT);
	pdf_put(d, R_BODY, d->cat_label[cat], c[C_TYPE].x, c[C_TYPE].w, top, PDF_LEFT);
	if (c[C_ORDER].w > 0)
		pdf_put(d, R_BODY, clean(it->order_ref, order, sizeof order), c[C_ORDER].x,
		        c[C_ORDER].w, top, PDF_LEFT);
	pdf_put(d, R_BODY, clean(it->id, id, sizeof id), c[C_ID].x, c[C_ID].w, top, PDF_LEFT);
	statement_money_put(&d->money, it->amount, a, sizeof a);
	pdf_put(d, R_BODY, a, c[C_AMOUNT].x, c[C_AMOUNT].w, top, PDF_RIGHT);
	/* A fee as what it takes from the amount: amount + fee = net. */
	pdf_fee(d, -it->fee, a, sizeof a);
	pdf_put(d, R_BODY, a, c[C_FEE].x, c[C_FEE].w, top, PDF_RIGHT);
	statement_money_put(&d->money, it->net, a, sizeof a);
	pdf_put(d, R_BODY, a, c[C_NET].x, c[C_NET].w, top, PDF_RIGHT);
	d->y += ROW_H;
	if (it->exchange_rate && it->exchange_rate[0]) {
		/* Under a converted line: what the customer paid, the rate, the fee. */
		char text[320];
		statement_fx_item(it, &d->money, text, sizeof text);
		pdf_need(d, ROW_H);
		d->row_on_page++;
		pdf_put(d, R_GREY, text, c[C_ID].x, c[C_NET].x + c[C_NET].w - c[C_ID].x,
		        pdf_top(d, R_GREY, d->y, ROW_H), PDF_LEFT);
		d->y += ROW_H;
	}
}

static int item_cb(const struct ledger_item *it, void *ctx)
{
	struct pdf_doc *d = ctx;
	item_row(d, it);
	return d->failed ? 1 : 0;
}

/* The sums of every line of a currency (payouts too): amount, fee as a cost, net. */
static bool line_totals(const struct ledger_currency *c, int64_t *amount, int64_t *fee,
                        int64_t *net)
{
	*amount = *fee = *net = 0;
	for (int k = 0; k < LEDGER_CAT_COUNT; k++)
		if (!money_add(*amount, c->cat[k].amount, amount) ||
		    !money_sub(*fee, c->cat[k].fee, fee) || !money_add(*net, c->cat[k].net, net))
			return false;
	return true;
}

enum ledger_status pdf_items(struct pdf_doc *d, size_t index)
{
	const struct ledger_currency *c = d->cur;
	int64_t count = d->lines[index].count;
	pdf_heading(d, R_BOLD, _("Transactions"), SUM_ROW_H + 2 * ROW_H);
	if (count == 0) {
		const char *none = _("  No transactions in this period.");
		while (*none == ' ')
			none++;
		pdf_put(d, R_GREY, none, MARGIN_X, CONTENT_W, pdf_top(d, R_GREY, d->y, SUM_ROW_H),
		        PDF_LEFT);
		d->y += SUM_ROW_H;
		return LEDGER_OK;
	}
	items_titles(d);
	d->resume = items_resume;
	d->row_on_page = 0;
	d->minute = 0;
	d->when[0] = '\0';
	enum ledger_status r = LEDGER_OK;
	if (d->draw) {
		r = statement_items(d->st, c->currency, LEDGER_ITEMS_BRIEF | LEDGER_ITEMS_ORDER,
		                    item_cb, d);
	} else {
		for (int64_t i = 0; i < count; i++) {
			pdf_need(d, ROW_H);
			d->row_on_page++;
			d->y += ROW_H;
		}
	}
	d->resume = NULL;
	pdf_shade_flush(d);
	int64_t amount, fee, net;
	if (r == LEDGER_OK && line_totals(c, &amount, &fee, &net)) {
		pdf_need(d, SUM_ROW_H + 2);
		pdf_rule(d, d->y + 0.5, MARGIN_X, CONTENT_W, 0.8, 0.2);
		d->y += 1;
		double top = pdf_top(d, R_BOLD, d->y, SUM_ROW_H);
		char buf[STATEMENT_MONEY_MAX + 16];
		pdf_put(d, R_BOLD, _("Total"), d->item[C_TIME].x,
		        d->item[C_ID].x - d->item[C_TIME].x, top, PDF_LEFT);
		statement_money_put(&d->money, amount, buf, sizeof buf);
		pdf_put(d, R_BOLD, buf, d->item[C_AMOUNT].x, d->item[C_AMOUNT].w, top, PDF_RIGHT);
		pdf_fee(d, fee, buf, sizeof buf);
		pdf_put(d, R_BOLD, buf, d->item[C_FEE].x, d->item[C_FEE].w, top, PDF_RIGHT);
		statement_money_put(&d->money, net, buf, sizeof buf);
		pdf_put(d, R_BOLD, buf, d->item[C_NET].x, d->item[C_NET].w, top, PDF_RIGHT);
		d->y += SUM_ROW_H;
	}
	return r == LEDGER_STOPPED && d->failed ? LEDGER_NOMEM : r;
}

/* ---- Measuring the lines, and the columns they need ---- */

struct measure {
	struct pdf_doc *d;
	double order_w, id_w;
	size_t last; /* the currency of the previous line */
};

static int measure_cb(const struct ledger_item *it, void *ctx)
{
	struct measure *m = ctx;
	const struct ledger_statement *data = m->d->st->data;
	if (m->last >= data->n_currencies ||
	    strncmp(data->currencies[m->last].currency, it->currency, 4) != 0) {
		for (m->last = 0; m->last < data->n_currencies; m->last++)
			if (strncmp(data->currencies[m->last].currency, it->currency, 4) == 0)
				break;
		if (m->last == data->n_currencies)
			return 0; /* not a currency of the statement */
	}
	struct cur_lines *l = &m->d->lines[m->last];
	l->count++;
	if (magnitude(it->amount) > l->max_amount)
		l->max_amount = magnitude(it->amount);
	if (magnitude(it->fee) > l->max_fee)
		l->max_fee = magnitude(it->fee);
	if (magnitude(it->net) > l->max_net)
		l->max_net = magnitude(it->net);
	char buf[256];
	if (it->order_ref[0])
		m->order_w = max_d(m->order_w,
		                   pdf_width(m->d, F_BODY, clean(it->order_ref, buf, sizeof buf)));
	m->id_w = max_d(m->id_w, pdf_width(m->d, F_BODY, clean(it->id, buf, sizeof buf)));
	return 0;
}

/* The widest amount of magnitude v in the currency (its negative, which is wider), written
 * with `extra` decimals more (fees). */
static double amount_width(struct pdf_doc *d, const char *currency, int64_t v, int extra)
{
	struct statement_money m;
	char buf[STATEMENT_MONEY_MAX + 16];
	statement_money_init(&m, currency, money_locale_current());
	statement_money_put_fine(&m, v > 0 ? -v : -1, 0, extra, buf, sizeof buf);
	return pdf_width(d, F_BOLD, buf);
}

enum ledger_status pdf_plan_columns(struct pdf_doc *d)
{
	const struct ledger_statement *data = d->st->data;
	struct measure m = {.d = d, .last = (size_t)-1};
	enum ledger_status r = LEDGER_OK;
	if (data->n_currencies > 0)
		r = statement_items(d->st, NULL, LEDGER_ITEMS_BRIEF | LEDGER_ITEMS_ORDER,
		                    measure_cb, &m);
	if (r != LEDGER_OK)
		return r;
	double w[C_COUNT] = {0};
	w[C_TIME] = max_d(pdf_width(d, F_BOLD, _("Time")),
	                  pdf_width(d, F_BODY, d->st->opt.single_day ? "00:00" : "00-00 00:00"));
	w[C_TYPE] = pdf_width(d, F_BOLD, _("Type"));
	for (int k = 0; k < LEDGER_CAT_COUNT; k++)
		w[C_TYPE] = max_d(w[C_TYPE], pdf_width(d, F_BODY, d->cat_label[k]));
	w[C_AMOUNT] = pdf_width(d, F_BOLD, _("Amount"));
	w[C_FEE] = pdf_width(d, F_BOLD, _("Fee"));
	w[C_NET] = pdf_width(d, F_BOLD, _("Net"));
	for (size_t i = 0; i < data->n_currencies; i++) {
		const struct ledger_currency *c = &data->currencies[i];
		const struct cur_lines *l = &d->lines[i];
		/* The totals row: the sums of every category. */
		int64_t ta, tf, tn;
		if (!line_totals(c, &ta, &tf, &tn))
			ta = tf = tn = 0;
		w[C_AMOUNT] =
		        max_d(w[C_AMOUNT], amount_width(d, c->currency,
		                                        max_i64(l->max_amount, magnitude(ta)), 0));
		w[C_FEE] = max_d(w[C_FEE],
		                 amount_width(d, c->currency, max_i64(l->max_fee, magnitude(tf)),
		                              statement_fee_extra(d->st, c->currency)));
		w[C_NET] = max_d(w[C_NET], amount_width(d, c->currency,
		                                        max_i64(l->max_net, magnitude(tn)), 0));
	}
	d->with_orders = m.order_w > 0;
	double fixed = w[C_TIME] + w[C_TYPE] + w[C_AMOUNT] + w[C_FEE] + w[C_NET] +
	               GAP * (d->with_orders ? 6 : 5);
	double rest = max_d(CONTENT_W - fixed, 60);
	double order_w =
	        d->with_orders ? max_d(m.order_w, pdf_width(d, F_BOLD, _("Order number"))) : 0;
	double id_w = max_d(m.id_w, pdf_width(d, F_BOLD, _("Transaction")));
	/* Both whole when they fit (the id column takes what is left); else the id gives way
	 * first, down to what is left after at most two fifths for the order. */
	if (order_w + id_w > rest && order_w > rest * 0.4)
		order_w = rest * 0.4;
	w[C_ORDER] = order_w;
	w[C_ID] = rest - order_w;
	double x = MARGIN_X;
	for (int k = 0; k < C_COUNT; k++) {
		d->item[k].x = x;
		d->item[k].w = w[k];
		d->item[k].align = k >= C_AMOUNT ? PDF_RIGHT : PDF_LEFT;
		if (w[k] > 0)
			x += w[k] + GAP;
	}
	return LEDGER_OK;
}
