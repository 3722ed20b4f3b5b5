/* The text statement: 80 columns, aligned by display width (CJK characters take two
 * columns), split into pages with a footer. The same lines feed the terminal, cron's mail
 * and the TUI preview; the PDF (statement_pdf.c) is laid out from the same figures. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client.h"
#include "tui/tui.h"
#include "views/statement.h"
#include "views/statement_doc.h"

#define LINE_NEW_PAGE 0x1u /* the line starts a new page when paginating */

size_t statement_utf8_next(const char *s, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if ((u[0] & 0xe0) == 0xc0 && u[1]) {
		*cp = ((unsigned)(u[0] & 0x1f) << 6) | (u[1] & 0x3f);
		return 2;
	}
	if ((u[0] & 0xf0) == 0xe0 && u[1] && u[2]) {
		*cp = ((unsigned)(u[0] & 0x0f) << 12) | ((unsigned)(u[1] & 0x3f) << 6) |
		      (u[2] & 0x3f);
		return 3;
	}
	if ((u[0] & 0xf8) == 0xf0 && u[1] && u[2] && u[3]) {
		*cp = ((unsigned)(u[0] & 0x07) << 18) | ((unsigned)(u[1] & 0x3f) << 12) |
		      ((unsigned)(u[2] & 0x3f) << 6) | (u[3] & 0x3f);
		return 4;
	}
	*cp = 0xfffd;
	return 1;
}

/* Display columns of a code point, independent of the process's locale (a statement is
 * UTF-8 whatever LC_CTYPE says): East Asian wide and fullwidth ranges take two, combining
 * marks none. */
static int cp_width(unsigned cp)
{
	if (cp == 0)
		return 0;
	if ((cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x1ab0 && cp <= 0x1aff) ||
	    (cp >= 0x20d0 && cp <= 0x20ff) || (cp >= 0xfe20 && cp <= 0xfe2f))
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) ||
	    (cp >= 0x3041 && cp <= 0x33ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
	    (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
	    (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

static int text_width(const char *s)
{
	int w = 0;
	while (*s) {
		unsigned cp;
		s += statement_utf8_next(s, &cp);
		w += cp_width(cp);
	}
	return w;
}

static void line_reset(struct statement_line *l)
{
	l->len = 0;
	l->width = 0;
	l->buf[0] = '\0';
}

static void line_spaces(struct statement_line *l, int n)
{
	while (n-- > 0 && l->len + 1 < sizeof l->buf) {
		l->buf[l->len++] = ' ';
		l->width++;
	}
	l->buf[l->len] = '\0';
}

/* Appends text in a cell of `width` columns, padded left or right; text wider than the
 * cell is cut at a character boundary and ends with "…". */
static int fast_width(const char *s);

static void line_cell(struct statement_line *l, const char *text, int width, int align)
{
	int w = fast_width(text);
	if (w <= width) {
		if (align == TUI_ALIGN_RIGHT)
			line_spaces(l, width - w);
		size_t n = strlen(text);
		if (l->len + n + 1 > sizeof l->buf)
			n = sizeof l->buf - l->len - 1;
		memcpy(l->buf + l->len, text, n);
		l->len += n;
		l->buf[l->len] = '\0';
		l->width += w;
		if (align != TUI_ALIGN_RIGHT)
			line_spaces(l, width - w);
		return;
	}
	int used = 0;
	const char *s = text;
	while (*s) {
		unsigned cp;
		size_t n = statement_utf8_next(s, &cp);
		int cw = cp_width(cp);
		if (used + cw > width - 1 || l->len + n + 4 > sizeof l->buf)
			break;
		memcpy(l->buf + l->len, s, n);
		l->len += n;
		used += cw;
		s += n;
	}
	if (width > 0) {
		memcpy(l->buf + l->len, "\xe2\x80\xa6", 3); /* … */
		l->len += 3;
		used++;
	}
	l->buf[l->len] = '\0';
	l->width += used;
	line_spaces(l, width - used);
}

/* Makes room for `lines` more lines and `bytes` more bytes of text. Returns 0 or -1. */
static int doc_reserve(struct statement_doc *doc, size_t lines, size_t bytes)
{
	if (doc->n_lines + lines > doc->cap_lines) {
		size_t cap = doc->cap_lines ? doc->cap_lines * 2 : 256;
		while (cap < doc->n_lines + lines)
			cap *= 2;
		size_t *off = realloc(doc->line_off, cap * sizeof *off);
		if (!off)
			return -1;
		doc->line_off = off;
		unsigned char *fl = realloc(doc->line_flags, cap);
		if (!fl)
			return -1;
		doc->line_flags = fl;
		doc->cap_lines = cap;
	}
	if (doc->text_len + bytes > doc->text_cap) {
		size_t cap = doc->text_cap ? doc->text_cap * 2 : 16384;
		while (cap < doc->text_len + bytes)
			cap *= 2;
		char *t = realloc(doc->text, cap);
		if (!t)
			return -1;
		doc->text = t;
		doc->text_cap = cap;
	}
	return 0;
}

/* Appends a line. */
static int doc_push(struct statement_doc *doc, const char *text, size_t len, unsigned flags)
{
	if (doc_reserve(doc, 1, len + 1) != 0)
		return -1;
	/* Trailing blanks are padding only: printers and diff tools do better without. */
	while (len > 0 && text[len - 1] == ' ')
		len--;
	memcpy(doc->text + doc->text_len, text, len);
	doc->line_off[doc->n_lines] = doc->text_len;
	doc->line_flags[doc->n_lines] = (unsigned char)flags;
	doc->text_len += len;
	doc->text[doc->text_len++] = '\0';
	doc->n_lines++;
	return 0;
}

static int doc_line(struct statement_doc *doc, const struct statement_line *l, unsigned flags)
{
	return doc_push(doc, l->buf, l->len, flags);
}

static int doc_text(struct statement_doc *doc, const char *text)
{
	return doc_push(doc, text, strlen(text), 0);
}

/* Adds text wrapped at STATEMENT_WIDTH columns (at spaces when possible; CJK text anywhere),
 * continuation lines indented by `indent`. */
static int doc_wrapped(struct statement_doc *doc, const char *text, int indent)
{
	struct statement_line l;
	line_reset(&l);
	const char *s = text;
	while (*s) {
		/* Take the longest run that fits, preferring to end it at a space. */
		const char *p = s, *cut = NULL;
		int w = l.width;
		while (*p) {
			unsigned cp;
			size_t n = statement_utf8_next(p, &cp);
			if (w + cp_width(cp) > STATEMENT_WIDTH)
				break;
			w += cp_width(cp);
			p += n;
			if (cp == ' ')
				cut = p;
		}
		const char *end = *p && cut ? cut : p;
		if (end == s) /* a single character wider than the room: take it anyway */
			end = s + statement_utf8_next(s, &(unsigned){0});
		size_t n = (size_t)(end - s);
		if (l.len + n + 1 > sizeof l.buf)
			n = sizeof l.buf - l.len - 1;
		memcpy(l.buf + l.len, s, n);
		l.len += n;
		l.buf[l.len] = '\0';
		if (doc_line(doc, &l, 0) != 0)
			return -1;
		s = end;
		while (*s == ' ')
			s++;
		line_reset(&l);
		line_spaces(&l, indent);
	}
	return 0;
}

/* Everything a section needs to format amounts of one currency. */
struct cur_fmt {
	const char *code;
	const struct money_locale *loc;
	struct statement_money fast;
	int fee_extra; /* decimals beyond the currency's of its fees (statement_fee_extra) */
};

static void fmt_money(const struct cur_fmt *f, int64_t v, char *buf, size_t size)
{
	statement_money_format(&f->fast, v, buf, size);
}

/* A fee (in minor units) with the platform's decimals: 0.08 yuan of WeChat Pay as 0.08000. */
static void fmt_fee(const struct cur_fmt *f, int64_t v, char *buf, size_t size)
{
	if (f->fee_extra > 0)
		statement_money_put_fine(&f->fast, v, 0, f->fee_extra, buf, size);
	else
		statement_money_format(&f->fast, v, buf, size);
}

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

/* Header: account, period, time zone, generated, data as of, and the staleness warning. */
static int build_header(struct statement *st, struct statement_doc *doc)
{
	const struct ledger_statement *d = st->data;
	char from[32], to[32], gen[32], sync[32], buf[512];
	statement_time(d->from, false, from, sizeof from);
	statement_time(d->to, false, to, sizeof to);
	statement_time(st->opt.generated_at, false, gen, sizeof gen);
	statement_time(d->last_sync, false, sync, sizeof sync);

	const char *labels[] = {_("Account:"), _("Period:"), _("Time zone:"), _("Generated:"),
	                        _("Data as of:")};
	int lw = 0;
	for (size_t i = 0; i < sizeof labels / sizeof *labels; i++)
		lw = max_int(lw, text_width(labels[i]));
	lw += 2;

	struct statement_line l;
	line_reset(&l);
	line_cell(&l, _("Settlement statement"), STATEMENT_WIDTH, TUI_ALIGN_LEFT);
	if (doc_line(doc, &l, 0) != 0 || doc_text(doc, "") != 0)
		return -1;

	if (st->account_name[0] && st->account_id[0])
		snprintf(buf, sizeof buf, "%s (%s)", st->account_name, st->account_id);
	else if (st->account_name[0] || st->account_id[0])
		snprintf(buf, sizeof buf, "%s",
		         st->account_name[0] ? st->account_name : st->account_id);
	else
		snprintf(buf, sizeof buf, "%s", _("(unknown: not synced yet)"));
	const char *values[5];
	char period[128], generated[256], asof[256];
	snprintf(period, sizeof period, _("%s to %s"), from, to);
	if (st->operator_name[0])
		snprintf(generated, sizeof generated, _("%s by %s"), gen, st->operator_name);
	else
		snprintf(generated, sizeof generated, "%s", gen);
	if (d->last_sync > 0)
		snprintf(asof, sizeof asof, _("%s (last sync)"), sync);
	else
		snprintf(asof, sizeof asof, "%s", _("never synced"));
	values[0] = buf;
	values[1] = period;
	values[2] = st->zone_label;
	values[3] = generated;
	values[4] = asof;
	for (int i = 0; i < 5; i++) {
		line_reset(&l);
		line_cell(&l, labels[i], lw, TUI_ALIGN_LEFT);
		line_cell(&l, values[i], STATEMENT_WIDTH - lw, TUI_ALIGN_LEFT);
		if (doc_line(doc, &l, 0) != 0)
			return -1;
	}
	/* Said once: the two ways of counting a payout differ by a day or more. */
	if (doc_text(doc, "") != 0 ||
	    doc_wrapped(doc,
	                _("Payouts are listed by the day they arrive at the bank, as the bank "
	                  "statement shows them; the balance counts each payout on the day it "
	                  "leaves the balance."),
	                0) != 0)
		return -1;
	if (d->stale) {
		char warn[1024];
		if (d->last_sync > 0)
			snprintf(
			        warn, sizeof warn,
			        _("WARNING: the data was last synced at %s, before the end of this "
			          "period; later transactions are missing. Run 'paydesk sync' and "
			          "produce the statement again."),
			        sync);
		else
			snprintf(warn, sizeof warn, "%s",
			         _("WARNING: this cache was never synced completely; the statement "
			           "may "
			           "be missing transactions. Run 'paydesk sync' first."));
		if (doc_text(doc, "") != 0 || doc_wrapped(doc, warn, 9) != 0)
			return -1;
	}
	return 0;
}

/* One summary line: label, optional count, amount (a fee: with the fees' decimals). */
static int summary_line_of(struct statement_doc *doc, const struct cur_fmt *f, const char *label,
                           int64_t count, bool show_count, int64_t amount, bool fee)
{
	char c[64] = "", a[64];
	if (show_count)
		snprintf(c, sizeof c, P_("%lld transaction", "%lld transactions", count),
		         (long long)count);
	if (fee)
		fmt_fee(f, amount, a, sizeof a);
	else
		fmt_money(f, amount, a, sizeof a);
	struct statement_line l;
	line_reset(&l);
	line_spaces(&l, 2);
	line_cell(&l, label, 30, TUI_ALIGN_LEFT);
	line_cell(&l, c, 22, TUI_ALIGN_RIGHT);
	line_cell(&l, a, 26, TUI_ALIGN_RIGHT);
	return doc_line(doc, &l, 0);
}

static int summary_line(struct statement_doc *doc, const struct cur_fmt *f, const char *label,
                        int64_t count, bool show_count, int64_t amount)
{
	return summary_line_of(doc, f, label, count, show_count, amount, false);
}

static int rule(struct statement_doc *doc, char ch)
{
	char buf[STATEMENT_WIDTH + 1];
	memset(buf, ch, STATEMENT_WIDTH);
	buf[STATEMENT_WIDTH] = '\0';
	return doc_text(doc, buf);
}

static int build_summary(struct statement *st, const struct ledger_currency *c,
                         const struct cur_fmt *f, struct statement_doc *doc)
{
	char code[4], buf[256];
	money_currency_upper(c->currency, code);
	snprintf(buf, sizeof buf, _("Currency: %s"), code);
	if (doc_text(doc, "") != 0 || doc_text(doc, buf) != 0 || rule(doc, '=') != 0)
		return -1;
	const struct ledger_sum *k = c->cat;
	int r = 0;
	r |= summary_line(doc, f, _("Opening balance"), 0, false, c->opening);
	r |= summary_line(doc, f, _("Sales"), k[LEDGER_CAT_SALES].count, true,
	                  k[LEDGER_CAT_SALES].amount);
	r |= summary_line(doc, f, _("Refunds"), k[LEDGER_CAT_REFUNDS].count, true,
	                  k[LEDGER_CAT_REFUNDS].amount);
	r |= summary_line(doc, f, _("Disputes"), k[LEDGER_CAT_DISPUTES].count, true,
	                  k[LEDGER_CAT_DISPUTES].amount);
	r |= summary_line(doc, f, _("Dispute reversals"), k[LEDGER_CAT_REVERSALS].count, true,
	                  k[LEDGER_CAT_REVERSALS].amount);
	r |= summary_line_of(doc, f, _("Fees"), 0, false, c->fees, true);
	r |= summary_line(doc, f, _("Adjustments"), k[LEDGER_CAT_ADJUSTMENTS].count, true,
	                  k[LEDGER_CAT_ADJUSTMENTS].amount);
	r |= rule(doc, '-');
	r |= summary_line(doc, f, _("Net activity"), 0, false, c->net_activity);
	r |= summary_line(doc, f, _("Paid out from the balance"), k[LEDGER_CAT_PAYOUTS].count, true,
	                  c->payouts_net);
	r |= rule(doc, '-');
	r |= summary_line(doc, f, _("Closing balance"), 0, false, c->closing);
	if (r != 0)
		return -1;
	char from[600], line[604];
	if (statement_balance_from(st, c->currency, from, sizeof from)) {
		snprintf(line, sizeof line, "  %s", from);
		if (doc_wrapped(doc, line, 2) != 0)
			return -1;
	}
	if (c->inconsistent > 0) {
		snprintf(buf, sizeof buf,
		         P_("WARNING: %lld transaction has a net that is not its amount minus its "
		            "fee; the lines above do not add up to the net activity.",
		            "WARNING: %lld transactions have a net that is not their amount minus "
		            "their fee; the lines above do not add up to the net activity.",
		            c->inconsistent),
		         (long long)c->inconsistent);
		if (doc_wrapped(doc, buf, 9) != 0)
			return -1;
	}
	(void)st;
	return 0;
}

static int build_payouts(struct statement *st, const struct ledger_currency *c,
                         const struct cur_fmt *f, struct statement_doc *doc)
{
	(void)st;
	char buf[512], code[4];
	money_currency_upper(c->currency, code);
	snprintf(buf, sizeof buf, _("Payouts arriving in this period (%s)"), code);
	if (doc_text(doc, "") != 0 || doc_text(doc, buf) != 0)
		return -1;
	if (c->n_payouts == 0)
		return doc_text(doc, _("  No payouts arrive in this period."));
	struct statement_line l;
	line_reset(&l);
	line_spaces(&l, 2);
	line_cell(&l, _("Payout"), 28, TUI_ALIGN_LEFT);
	line_spaces(&l, 1);
	line_cell(&l, _("Arrival"), 10, TUI_ALIGN_LEFT);
	line_spaces(&l, 1);
	line_cell(&l, _("Amount"), 14, TUI_ALIGN_RIGHT);
	line_spaces(&l, 1);
	line_cell(&l, _("Status"), 10, TUI_ALIGN_LEFT);
	line_spaces(&l, 1);
	line_cell(&l, _("Check"), 12, TUI_ALIGN_LEFT);
	if (doc_line(doc, &l, 0) != 0)
		return -1;
	for (size_t i = 0; i < c->n_payouts; i++) {
		const struct ledger_payout *p = &c->payouts[i];
		char id[256], status[128], arrival[32], amount[64], check[64];
		tui_sanitize(p->id, strlen(p->id), id, sizeof id, 0);
		statement_payout_status(p->status, status, sizeof status);
		statement_arrival_day(p->arrival_date, arrival, sizeof arrival);
		fmt_money(f, p->amount, amount, sizeof amount);
		statement_payout_check(p, check, sizeof check);
		line_reset(&l);
		line_spaces(&l, 2);
		line_cell(&l, id, 28, TUI_ALIGN_LEFT);
		line_spaces(&l, 1);
		line_cell(&l, arrival, 10, TUI_ALIGN_LEFT);
		line_spaces(&l, 1);
		line_cell(&l, amount, 14, TUI_ALIGN_RIGHT);
		line_spaces(&l, 1);
		line_cell(&l, status, 10, TUI_ALIGN_LEFT);
		line_spaces(&l, 1);
		line_cell(&l, check, 12, TUI_ALIGN_LEFT);
		if (doc_line(doc, &l, 0) != 0)
			return -1;
		if (p->recon == LEDGER_RECON_MISMATCH) {
			char sum[64], diff[64];
			fmt_money(f, p->txn_net, sum, sizeof sum);
			fmt_money(f, p->difference, diff, sizeof diff);
			snprintf(buf, sizeof buf,
			         P_("    MISMATCH: its %lld transaction sums to %s, not %s; "
			            "difference %s.",
			            "    MISMATCH: its %lld transactions sum to %s, not %s; "
			            "difference %s.",
			            p->txn_count),
			         (long long)p->txn_count, sum, amount, diff);
			if (doc_wrapped(doc, buf, 6) != 0)
				return -1;
		} else if (p->recon == LEDGER_RECON_UNKNOWN) {
			if (doc_wrapped(doc,
			                _("    NOT CHECKED: none of its transactions is in the "
			                  "cache; run "
			                  "'paydesk sync'."),
			                6) != 0)
				return -1;
		} else if (p->recon == LEDGER_RECON_BEFORE_HISTORY) {
			char why[480];
			statement_payout_before_history(st, why, sizeof why);
			snprintf(buf, sizeof buf, "    %s", why);
			if (doc_wrapped(doc, buf, 6) != 0)
				return -1;
		}
		if (p->recon != LEDGER_RECON_MATCH && p->recon != LEDGER_RECON_BEFORE_HISTORY &&
		    !p->sync_complete) {
			if (doc_wrapped(
			            doc,
			            _("    (the cache does not yet hold every transaction of this "
			              "payout)"),
			            6) != 0)
				return -1;
		}
	}
	if (c->n_payouts < 2)
		return 0;
	/* What the bank statement shows in all, under the amounts. */
	char total[64];
	fmt_money(f, c->payouts_arriving, total, sizeof total);
	line_reset(&l);
	line_spaces(&l, 2);
	line_cell(&l, _("Total arriving"), 28 + 1 + 10, TUI_ALIGN_LEFT);
	line_spaces(&l, 1);
	line_cell(&l, total, 14, TUI_ALIGN_RIGHT);
	return doc_line(doc, &l, 0);
}

/* The conversions into this settlement currency, per day and presentment currency: what
 * customers paid, what it became, the conversion fees and the effective rate. */
static int build_fx(const struct ledger_currency *c, const struct cur_fmt *f,
                    struct statement_doc *doc)
{
	if (c->n_fx == 0)
		return 0;
	char buf[512], code[4];
	money_currency_upper(c->currency, code);
	snprintf(buf, sizeof buf, _("Currency conversions into %s"), code);
	if (doc_text(doc, "") != 0 || doc_text(doc, buf) != 0)
		return -1;
	static const int widths[STATEMENT_FX_CELLS] = {10, 4, 6, 16, 14, 10, 10};
	char cells[STATEMENT_FX_CELLS][64];
	for (size_t i = 0; i <= c->n_fx; i++) {
		/* The titles, then a line a day and currency. */
		for (int k = 0; k < STATEMENT_FX_CELLS; k++)
			if (i == 0)
				snprintf(cells[k], sizeof cells[k], "%s",
				         _(statement_fx_titles[k]));
		if (i > 0)
			statement_fx_cells(&c->fx[i - 1], c->currency, &f->fast, cells);
		struct statement_line l;
		line_reset(&l);
		line_spaces(&l, 2);
		for (int k = 0; k < STATEMENT_FX_CELLS; k++) {
			if (k)
				line_spaces(&l, 1);
			line_cell(&l, cells[k], widths[k],
			          k <= STATEMENT_FX_FROM ? TUI_ALIGN_LEFT : TUI_ALIGN_RIGHT);
		}
		if (doc_line(doc, &l, 0) != 0)
			return -1;
	}
	char fees[64];
	fmt_money(f, -c->fx_fees, fees, sizeof fees);
	snprintf(buf, sizeof buf,
	         _("  Conversion fees are part of the fee line above (%s in this period); the "
	           "rate is what the amounts give, in %s per unit of the currency paid."),
	         fees, code);
	return doc_wrapped(doc, buf, 2);
}

/* The appendix: one line per balance transaction, a section per currency. Items kept by
 * the pass that summed them are read once per currency, straight into the document. Else
 * the items of every currency come in one query over the range (ordered by time) and are
 * routed to their currency's section, which is then appended to the document.
 *
 * A day can hold 100,000 items, so an item line is laid out directly from cells prepared
 * once per section (the padded type labels) and amounts formatted in place; any cell that
 * is not plain ASCII of a known width (an id the sanitizer would change, a non-ASCII id,
 * a locale with non-ASCII marks) takes the general cell path, which gives the same text. */
struct items_section {
	struct statement_doc doc;  /* the section, when items of all currencies come at once */
	struct statement_doc *out; /* where its lines go: doc, or the statement itself */
	struct cur_fmt f;
	int w_time, w_type, w_id, w_amount, w_fee, w_net;
	struct statement_line type_cell[LEDGER_CAT_COUNT]; /* each label padded to w_type */
};

struct items_ctx {
	struct statement *st;
	struct items_section *sec;
	size_t n_sec;
	const char *cat_label[LEDGER_CAT_COUNT];
	time_t minute; /* the minute `when` was formatted for */
	char when[32];
	size_t when_len;
	int failed;
};

/* The width in columns of plain ASCII text (the common case), else of UTF-8. */
static int fast_width(const char *s)
{
	const char *p = s;
	while (*p && (unsigned char)*p < 0x80)
		p++;
	return *p ? text_width(s) : (int)(p - s);
}

/* Appends n spaces to p (no bounds check: the caller sized the line). */
static char *put_spaces(char *p, int n)
{
	if (n > 0) {
		memset(p, ' ', (size_t)n);
		p += n;
	}
	return p;
}

/* Appends an amount right-aligned in a cell of `width` columns, or returns NULL when it does
 * not fit that way (the caller then takes the general path). */
static char *put_amount(char *p, const struct cur_fmt *f, int64_t v, int width)
{
	char a[STATEMENT_MONEY_MAX + 16];
	size_t n = statement_money_put(&f->fast, v, a, sizeof a);
	if (n > (size_t)width)
		return NULL;
	p = put_spaces(p, width - (int)n);
	memcpy(p, a, n);
	return p + n;
}

/* A fee as put_amount puts an amount, with the fees' decimals. */
static char *put_fee(char *p, const struct cur_fmt *f, int64_t v, int width)
{
	if (f->fee_extra == 0)
		return put_amount(p, f, v, width);
	char a[STATEMENT_MONEY_MAX + 16];
	size_t n = statement_money_put_fine(&f->fast, v, 0, f->fee_extra, a, sizeof a);
	if (n > (size_t)width)
		return NULL;
	p = put_spaces(p, width - (int)n);
	memcpy(p, a, n);
	return p + n;
}

/* True when an id prints as it is: clean for the sanitizer and plain ASCII. */
static bool id_plain(const char *id, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)id[i] >= 0x80)
			return false;
	return tui_sanitize_is_clean(id, len, 0) != 0;
}

/* The fast layout of an item line (see above). Returns the line's length, or 0 when a cell
 * needs the general path. */
static size_t item_line_fast(const struct items_section *sec, const char *when, size_t when_len,
                             int cat, const struct ledger_item *it, char *buf, size_t size)
{
	size_t id_len = strlen(it->id);
	if (!sec->f.fast.ready || !sec->f.fast.ascii || when_len != (size_t)sec->w_time ||
	    sec->w_id < 1 || !id_plain(it->id, id_len))
		return 0;
	/* Every cell is at most its width in bytes, except the label (measured) and a cut id
	 * (two more bytes for the "…"). */
	size_t most = when_len + sec->type_cell[cat].len + (size_t)sec->w_id + 2 +
	              (size_t)sec->w_amount + (size_t)sec->w_fee + (size_t)sec->w_net + 5;
	if (most >= size)
		return 0;
	char *p = buf;
	memcpy(p, when, when_len);
	p += when_len;
	*p++ = ' ';
	memcpy(p, sec->type_cell[cat].buf, sec->type_cell[cat].len);
	p += sec->type_cell[cat].len;
	*p++ = ' ';
	if (id_len <= (size_t)sec->w_id) {
		memcpy(p, it->id, id_len);
		p = put_spaces(p + id_len, sec->w_id - (int)id_len);
	} else {
		/* Cut as line_cell cuts: the columns but one, then "…". */
		memcpy(p, it->id, (size_t)sec->w_id - 1);
		p += sec->w_id - 1;
		memcpy(p, "\xe2\x80\xa6", 3);
		p += 3;
	}
	*p++ = ' ';
	if (!(p = put_amount(p, &sec->f, it->amount, sec->w_amount)))
		return 0;
	*p++ = ' ';
	/* A fee is shown as what it takes from the amount (amount + fee = net), as the
	 * summary's fee line and the Settlements screen show fees. */
	if (!(p = put_fee(p, &sec->f, -it->fee, sec->w_fee)))
		return 0;
	*p++ = ' ';
	if (!(p = put_amount(p, &sec->f, it->net, sec->w_net)))
		return 0;
	return (size_t)(p - buf);
}

/* The general layout of an item line, cell by cell. */
static void item_line_cells(const struct items_section *sec, const char *when, const char *label,
                            const struct ledger_item *it, struct statement_line *l)
{
	char id[256], a[64], fee[64], net[64];
	size_t id_len = strlen(it->id);
	if (tui_sanitize_is_clean(it->id, id_len, 0))
		snprintf(id, sizeof id, "%s", it->id);
	else
		tui_sanitize(it->id, id_len, id, sizeof id, 0);
	fmt_money(&sec->f, it->amount, a, sizeof a);
	fmt_fee(&sec->f, -it->fee, fee, sizeof fee);
	fmt_money(&sec->f, it->net, net, sizeof net);
	line_reset(l);
	line_cell(l, when, sec->w_time, TUI_ALIGN_LEFT);
	line_spaces(l, 1);
	line_cell(l, label, sec->w_type, TUI_ALIGN_LEFT);
	line_spaces(l, 1);
	line_cell(l, id, sec->w_id, TUI_ALIGN_LEFT);
	line_spaces(l, 1);
	line_cell(l, a, sec->w_amount, TUI_ALIGN_RIGHT);
	line_spaces(l, 1);
	line_cell(l, fee, sec->w_fee, TUI_ALIGN_RIGHT);
	line_spaces(l, 1);
	line_cell(l, net, sec->w_net, TUI_ALIGN_RIGHT);
}

/* A converted item's second line: what the customer paid, at which rate, the fee. */
static int item_fx_line(const struct items_section *sec, const struct ledger_item *it)
{
	char what[300], buf[320];
	statement_fx_item(it, &sec->f.fast, what, sizeof what);
	snprintf(buf, sizeof buf, "      %s", what);
	return doc_text(sec->out, buf);
}

static int item_line(const struct ledger_item *it, void *vctx)
{
	struct items_ctx *x = vctx;
	struct items_section *sec = NULL;
	for (size_t i = 0; i < x->n_sec; i++) {
		if (strncmp(x->sec[i].f.code, it->currency, sizeof it->currency) == 0) {
			sec = &x->sec[i];
			break;
		}
	}
	if (!sec)
		return 0; /* a currency the statement does not cover (cannot happen: same range) */
	/* Items come in time order: one localtime_r per minute, not per item. */
	time_t minute = it->created - it->created % 60;
	if (minute != x->minute || !x->when[0]) {
		struct tm tm;
		if (localtime_r(&it->created, &tm) == NULL ||
		    strftime(x->when, sizeof x->when, "%m-%d %H:%M", &tm) == 0)
			snprintf(x->when, sizeof x->when, "?");
		x->minute = minute;
		x->when_len = strlen(x->when);
	}
	const char *when = x->when;
	size_t when_len = x->when_len;
	if (sec->w_time == 5 && when_len > 6) {
		when += 6;
		when_len -= 6;
	}
	int cat = it->category >= 0 && it->category < LEDGER_CAT_COUNT ? (int)it->category
	                                                               : LEDGER_CAT_ADJUSTMENTS;
	struct statement_line l;
	size_t len = item_line_fast(sec, when, when_len, cat, it, l.buf, sizeof l.buf);
	int r;
	if (len > 0) {
		r = doc_push(sec->out, l.buf, len, 0);
	} else {
		item_line_cells(sec, when, x->cat_label[cat], it, &l);
		r = doc_line(sec->out, &l, 0);
	}
	if (r == 0 && it->exchange_rate && it->exchange_rate[0])
		r = item_fx_line(sec, it);
	if (r != 0) {
		x->failed = 1;
		return 1;
	}
	return 0;
}

/* The heading and column titles of one currency's section, and the cells its item lines
 * share. */
static int section_start(struct statement *st, const struct ledger_currency *c,
                         const struct items_ctx *x, struct items_section *sec)
{
	char buf[256], code[4], widest[64];
	money_currency_upper(c->currency, code);
	snprintf(buf, sizeof buf, _("Transactions (%s)"), code);
	if (doc_push(sec->out, "", 0, LINE_NEW_PAGE) != 0 || doc_text(sec->out, buf) != 0)
		return -1;
	if (c->items == 0)
		return doc_text(sec->out, _("  No transactions in this period."));
	fmt_money(&sec->f, c->max_abs > 0 ? -c->max_abs : -1, widest, sizeof widest);
	int wn = text_width(widest);
	/* Fees with more decimals (WeChat Pay's 5) get a column as wide as they are. */
	if (sec->f.fee_extra > 0)
		fmt_fee(&sec->f, c->max_fee > 0 ? -c->max_fee : -1, widest, sizeof widest);
	int wf = text_width(widest);
	sec->w_time = st->opt.single_day ? 5 : 11;
	sec->w_type = 10;
	sec->w_amount = max_int(wn, text_width(_("Amount")));
	sec->w_fee = max_int(wf, text_width(_("Fee")));
	sec->w_net = max_int(wn, text_width(_("Net")));
	sec->w_id = STATEMENT_WIDTH - sec->w_time - sec->w_type - sec->w_amount - sec->w_fee -
	            sec->w_net - 5;
	/* Amounts so wide that the id would vanish: the line grows past 80 columns rather
	 * than hide a digit. */
	if (sec->w_id < 8)
		sec->w_id = 8;
	for (int k = 0; k < LEDGER_CAT_COUNT; k++) {
		line_reset(&sec->type_cell[k]);
		line_cell(&sec->type_cell[k], x->cat_label[k], sec->w_type, TUI_ALIGN_LEFT);
	}
	/* Room for the items at once: a day's lines are copied once, not at every doubling. */
	size_t items = (size_t)c->items;
	if (doc_reserve(sec->out, items + 1, items * (STATEMENT_WIDTH + 1) + 1024) != 0)
		return -1;
	struct statement_line l;
	line_reset(&l);
	line_cell(&l, _("Time"), sec->w_time, TUI_ALIGN_LEFT);
	line_spaces(&l, 1);
	line_cell(&l, _("Type"), sec->w_type, TUI_ALIGN_LEFT);
	line_spaces(&l, 1);
	line_cell(&l, _("ID"), sec->w_id, TUI_ALIGN_LEFT);
	line_spaces(&l, 1);
	line_cell(&l, _("Amount"), sec->w_amount, TUI_ALIGN_RIGHT);
	line_spaces(&l, 1);
	line_cell(&l, _("Fee"), sec->w_fee, TUI_ALIGN_RIGHT);
	line_spaces(&l, 1);
	line_cell(&l, _("Net"), sec->w_net, TUI_ALIGN_RIGHT);
	return doc_line(sec->out, &l, 0);
}

/* Appends every line of src to doc, flags kept: one copy of the text and the offsets moved. */
static int doc_append(struct statement_doc *doc, const struct statement_doc *src)
{
	if (doc_reserve(doc, src->n_lines, src->text_len) != 0)
		return -1;
	if (src->text_len > 0)
		memcpy(doc->text + doc->text_len, src->text, src->text_len);
	for (size_t i = 0; i < src->n_lines; i++)
		doc->line_off[doc->n_lines + i] = doc->text_len + src->line_off[i];
	if (src->n_lines > 0)
		memcpy(doc->line_flags + doc->n_lines, src->line_flags, src->n_lines);
	doc->n_lines += src->n_lines;
	doc->text_len += src->text_len;
	return 0;
}

static int build_items(struct statement *st, const struct money_locale *loc,
                       struct statement_doc *doc, char *err, size_t err_size)
{
	size_t n = st->data->n_currencies;
	if (n == 0)
		return 0;
	struct items_section *sec = calloc(n, sizeof *sec);
	if (!sec)
		return -1;
	struct items_ctx x = {.st = st, .sec = sec, .n_sec = n};
	x.cat_label[LEDGER_CAT_SALES] = _("sale");
	x.cat_label[LEDGER_CAT_REFUNDS] = _("refund");
	x.cat_label[LEDGER_CAT_DISPUTES] = _("dispute");
	x.cat_label[LEDGER_CAT_REVERSALS] = _("reversal");
	x.cat_label[LEDGER_CAT_FEES] = _("fee");
	x.cat_label[LEDGER_CAT_ADJUSTMENTS] = _("adjustment");
	x.cat_label[LEDGER_CAT_PAYOUTS] = _("payout");
	/* Kept items: each currency's pass writes into the document itself. */
	const bool kept = st->data->kept != NULL;
	int64_t items = 0;
	for (size_t i = 0; i < n; i++)
		items += st->data->currencies[i].items;
	int r = 0;
	for (size_t i = 0; r == 0 && i < n; i++) {
		const struct ledger_currency *c = &st->data->currencies[i];
		sec[i].out = kept ? doc : &sec[i].doc;
		sec[i].f.code = c->currency;
		sec[i].f.loc = loc;
		statement_money_init(&sec[i].f.fast, sec[i].f.code, loc);
		sec[i].f.fee_extra = statement_fee_extra(st, c->currency);
		r = section_start(st, c, &x, &sec[i]);
		enum ledger_status ls = LEDGER_OK;
		if (r == 0 && kept && c->items > 0) {
			x.sec = &sec[i];
			x.n_sec = 1;
			ls = statement_items(st, c->currency, LEDGER_ITEMS_BRIEF, item_line, &x);
		} else if (r == 0 && !kept && i == n - 1 && items > 0) {
			ls = statement_items(st, n == 1 ? sec[0].f.code : NULL, LEDGER_ITEMS_BRIEF,
			                     item_line, &x);
		}
		if (r == 0 && x.failed) {
			r = -1;
		} else if (r == 0 && ls != LEDGER_OK) {
			statement_items_error(st, ls, err, err_size);
			r = -2;
		}
	}
	for (size_t i = 0; r == 0 && !kept && i < n; i++)
		r = doc_append(doc, &sec[i].doc);
	for (size_t i = 0; i < n; i++)
		statement_doc_clear(&sec[i].doc);
	free(sec);
	return r;
}

/* Splits the lines into pages of page_lines - 2 body lines (a blank and the footer end each
 * page); a line flagged LINE_NEW_PAGE starts a page unless it already does. */
static int paginate(struct statement_doc *doc)
{
	size_t body = doc->page_lines > 2 ? (size_t)doc->page_lines - 2 : SIZE_MAX;
	size_t cap = 16, n = 0;
	size_t *pages = malloc(cap * sizeof *pages);
	if (!pages)
		return -1;
	pages[n++] = 0;
	size_t on_page = 0;
	for (size_t i = 0; i < doc->n_lines; i++) {
		bool forced =
		        doc->page_lines > 0 && (doc->line_flags[i] & LINE_NEW_PAGE) && on_page > 0;
		if (forced || on_page == body) {
			if (n == cap) {
				cap *= 2;
				size_t *grown = realloc(pages, cap * sizeof *grown);
				if (!grown) {
					free(pages);
					return -1;
				}
				pages = grown;
			}
			pages[n++] = i;
			on_page = 0;
		}
		on_page++;
	}
	free(doc->page_first);
	doc->page_first = pages;
	doc->n_pages = n;
	return 0;
}

int statement_doc_build(struct statement *st, int page_lines, struct statement_doc *doc, char *err,
                        size_t err_size)
{
	memset(doc, 0, sizeof *doc);
	doc->page_lines = page_lines;
	snprintf(doc->footer_name, sizeof doc->footer_name, "%s", st->operator_name);
	char saved[128];
	statement_tz_enter(st->timezone, saved, sizeof saved);
	int r = build_header(st, doc);
	const struct money_locale *loc = money_locale_current();
	for (size_t i = 0; r == 0 && i < st->data->n_currencies; i++) {
		const struct ledger_currency *c = &st->data->currencies[i];
		struct cur_fmt f = {.code = c->currency,
		                    .loc = loc,
		                    .fee_extra = statement_fee_extra(st, c->currency)};
		statement_money_init(&f.fast, c->currency, loc);
		r = build_summary(st, c, &f, doc);
		if (r == 0)
			r = build_payouts(st, c, &f, doc);
		if (r == 0)
			r = build_fx(c, &f, doc);
	}
	if (r == 0 && st->data->n_currencies == 0)
		r = (doc_text(doc, "") != 0 ||
		     doc_text(doc, _("No balance and no transactions in this period.")) != 0)
		            ? -1
		            : 0;
	if (r == 0)
		r = statement_bills_text(st, doc);
	if (r == 0)
		r = build_items(st, loc, doc, err, err_size);
	statement_tz_leave(saved);
	if (r == 0)
		r = paginate(doc);
	if (r != 0) {
		if (r == -1)
			snprintf(err, err_size, "%s", ledger_status_message(LEDGER_NOMEM));
		statement_doc_clear(doc);
		return -1;
	}
	return 0;
}

void statement_doc_clear(struct statement_doc *doc)
{
	free(doc->text);
	free(doc->line_off);
	free(doc->line_flags);
	free(doc->page_first);
	memset(doc, 0, sizeof *doc);
}

const char *statement_doc_line(const struct statement_doc *doc, size_t i)
{
	return i < doc->n_lines ? doc->text + doc->line_off[i] : "";
}

size_t statement_doc_page(const struct statement_doc *doc, size_t p, size_t *count)
{
	if (p >= doc->n_pages) {
		*count = 0;
		return doc->n_lines;
	}
	size_t first = doc->page_first[p];
	size_t end = p + 1 < doc->n_pages ? doc->page_first[p + 1] : doc->n_lines;
	*count = end - first;
	return first;
}

void statement_doc_footer(const struct statement_doc *doc, size_t p, char *buf, size_t size)
{
	char left[256] = "", right[64];
	if (doc->footer_name[0])
		snprintf(left, sizeof left, _("Operator: %s"), doc->footer_name);
	snprintf(right, sizeof right, _("Page %zu of %zu"), p + 1, doc->n_pages);
	struct statement_line l;
	line_reset(&l);
	int rw = text_width(right);
	line_cell(&l, left, STATEMENT_WIDTH - rw - 1, TUI_ALIGN_LEFT);
	line_spaces(&l, 1);
	line_cell(&l, right, rw, TUI_ALIGN_LEFT);
	snprintf(buf, size, "%s", l.buf);
}

/* Output gathered in large blocks: a day of 100,000 lines is a few dozen writes. */
struct out_buf {
	FILE *out;
	char *buf;
	size_t len, cap;
	bool failed;
	int error; /* errno of the failed write */
};

static void out_flush(struct out_buf *o)
{
	if (o->len > 0 && !o->failed && fwrite(o->buf, 1, o->len, o->out) != o->len) {
		o->failed = true;
		o->error = errno;
	}
	o->len = 0;
}

static void out_put(struct out_buf *o, const char *text, size_t len)
{
	if (o->len + len > o->cap)
		out_flush(o);
	if (len > o->cap) {
		if (!o->failed && fwrite(text, 1, len, o->out) != len) {
			o->failed = true;
			o->error = errno;
		}
		return;
	}
	memcpy(o->buf + o->len, text, len);
	o->len += len;
}

int statement_write_text(const struct statement_doc *doc, FILE *out, char *err, size_t err_size)
{
	char small[4096];
	struct out_buf o = {.out = out, .buf = malloc(1 << 18), .cap = 1 << 18};
	if (!o.buf) {
		o.buf = small;
		o.cap = sizeof small;
	}
	for (size_t p = 0; p < doc->n_pages && !o.failed; p++) {
		size_t count, first = statement_doc_page(doc, p, &count);
		if (p > 0)
			out_put(&o, "\f", 1);
		/* Lines lie one after the other in the text, each ending in a NUL: a line's
		 * length is the distance to the next one. */
		for (size_t i = first; i < first + count; i++) {
			size_t end = i + 1 < doc->n_lines ? doc->line_off[i + 1] : doc->text_len;
			out_put(&o, doc->text + doc->line_off[i], end - doc->line_off[i] - 1);
			out_put(&o, "\n", 1);
		}
		char footer[512];
		statement_doc_footer(doc, p, footer, sizeof footer);
		out_put(&o, "\n", 1);
		out_put(&o, footer, strlen(footer));
		out_put(&o, "\n", 1);
	}
	out_flush(&o);
	if (o.buf != small)
		free(o.buf);
	if (!o.failed)
		return 0;
	snprintf(err, err_size, _("writing the statement failed: %s"), strerror(o.error));
	return -1;
}

/* ---- For the other sections' files (views/statement_doc.h) ---- */

void statement_line_reset(struct statement_line *l)
{
	line_reset(l);
}

void statement_line_spaces(struct statement_line *l, int n)
{
	line_spaces(l, n);
}

void statement_line_cell(struct statement_line *l, const char *text, int width, int align)
{
	line_cell(l, text, width, align);
}

int statement_text_width(const char *s)
{
	return text_width(s);
}

int statement_doc_add_line(struct statement_doc *doc, const struct statement_line *l)
{
	return doc_line(doc, l, 0);
}

int statement_doc_add_text(struct statement_doc *doc, const char *text)
{
	return doc_text(doc, text);
}

int statement_doc_add_wrapped(struct statement_doc *doc, const char *text, int indent)
{
	return doc_wrapped(doc, text, indent);
}
