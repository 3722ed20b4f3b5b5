/* The bills of a platform whose history is daily bills (WeChat Pay, Alipay) on the
 * statement: the words and figures every format shares, and the section of the text
 * statement. Each bill day's summary as the platform wrote it beside the same figures
 * computed from the cache's rows; a difference is printed with both figures and marks the
 * statement, a day whose bills the cache lacks is said to be so. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client.h"
#include "tui/tui.h"
#include "views/statement.h"
#include "views/statement_doc.h"

void statement_figure_format(const struct ledger_figure *f, const char *currency,
                             const struct money_locale *loc, int64_t v, char *buf, size_t size)
{
	if (f->unit == LEDGER_UNIT_COUNT) {
		snprintf(buf, size, "%lld", (long long)v);
		return;
	}
	struct statement_money m;
	statement_money_init(&m, currency, loc);
	int exponent = money_exponent(currency);
	statement_money_put_fine(&m, v, f->scale - exponent, f->decimals - exponent, buf, size);
}

void statement_figure_plain(const struct ledger_figure *f, const char *currency, int64_t v,
                            char *buf, size_t size)
{
	if (f->unit == LEDGER_UNIT_COUNT) {
		snprintf(buf, size, "%lld", (long long)v);
		return;
	}
	int exponent = money_exponent(currency);
	statement_plain_fine(v, currency, f->scale - exponent, f->decimals - exponent, buf, size);
}

void statement_figure_bill(const struct ledger_figure *f, const char *currency,
                           const struct money_locale *loc, char *buf, size_t size)
{
	if (f->bill_valid)
		statement_figure_format(f, currency, loc, f->bill, buf, size);
	else if (f->bill_text)
		tui_sanitize(f->bill_text, strlen(f->bill_text), buf, size, 0);
	else if (size)
		buf[0] = '\0';
}

void statement_figure_name(const char *name, const char *gloss, char *buf, size_t size)
{
	char clean[256];
	tui_sanitize(name ? name : "", name ? strlen(name) : 0, clean, sizeof clean, 0);
	/* A catalog that translates the gloss into the platform's own words needs no gloss. */
	const char *words = gloss ? _(gloss) : NULL;
	if (!words || strcmp(words, clean) == 0)
		snprintf(buf, size, "%s", clean);
	else
		snprintf(buf, size, "%s (%s)", clean, words);
}

const char *statement_check_word(enum ledger_check check)
{
	switch (check) {
	case LEDGER_CHECK_EQUAL:
		return _("equal");
	case LEDGER_CHECK_DIFFERENT:
		return _("MISMATCH");
	case LEDGER_CHECK_ABSENT:
		return _("not in the bill");
	case LEDGER_CHECK_NOT_KEPT:
		return _("not kept");
	case LEDGER_CHECK_NOT_CHECKED:
		break;
	}
	return _("not checked");
}

const char *statement_platform_title(const struct statement *st)
{
	const struct provider_platform *pl = st->data->platform;
	return pl && pl->title ? _(pl->title) : "";
}

void statement_bill_absent(const struct statement *st, const struct ledger_bill *b, char *buf,
                           size_t size)
{
	const struct provider_platform *pl = st->data->platform;
	bool range = strcmp(b->day, b->last_day) != 0;
	switch (b->state) {
	case LEDGER_BILL_NOT_YET:
		snprintf(buf, size, "%s",
		         range ? _("NOT CHECKED: these days are not over on the platform, which "
		                   "makes a day's bills the next morning.")
		               : _("NOT CHECKED: this day is not over on the platform, which makes "
		                   "a day's bills the next morning."));
		return;
	case LEDGER_BILL_EXPIRED:
		snprintf(buf, size,
		         range ? _("NOT CHECKED: %s keeps bills for %d days; the bills of these "
		                   "days are older and not in the cache.")
		               : _("NOT CHECKED: %s keeps bills for %d days; the bills of this day "
		                   "are older and not in the cache."),
		         statement_platform_title(st),
		         pl && pl->history_days ? pl->history_days : 90);
		return;
	case LEDGER_BILL_MISSING:
		if (b->bill)
			snprintf(buf, size, "%s",
			         _("NOT CHECKED: this bill is not in the cache; run 'paydesk sync "
			           "--full'."));
		else
			snprintf(buf, size, "%s",
			         range ? _("NOT CHECKED: the bills of these days are not in the "
			                   "cache; run 'paydesk sync'.")
			               : _("NOT CHECKED: the bills of this day are not in the "
			                   "cache; "
			                   "run 'paydesk sync'."));
		return;
	case LEDGER_BILL_NONE:
		if (b->differences > 0)
			snprintf(buf, size,
			         _("MISMATCH: %s made no such bill of this day (no business), yet "
			           "the "
			           "cache holds rows of it."),
			         statement_platform_title(st));
		else if (b->bill)
			snprintf(buf, size,
			         _("No bill: %s made none of this day (no business), and the cache "
			           "holds no rows of it."),
			         statement_platform_title(st));
		else
			snprintf(
			        buf, size,
			        range ? _("No bills: %s made none of these days (no business), and "
			                  "the cache holds no rows of them.")
			              : _("No bills: %s made none of this day (no business), and "
			                  "the "
			                  "cache holds no rows of it."),
			        statement_platform_title(st));
		return;
	case LEDGER_BILL_IN_CACHE:
		break;
	}
	if (size)
		buf[0] = '\0';
}

void statement_bill_heading(const struct ledger_bill *b, char *buf, size_t size)
{
	char name[256];
	statement_figure_name(b->name, b->gloss, name, sizeof name);
	snprintf(buf, size, P_("%s: %lld row", "%s: %lld rows", b->rows), name, (long long)b->rows);
}

void statement_figure_mismatch(const struct ledger_figure *f, const char *currency,
                               const struct money_locale *loc, char *buf, size_t size)
{
	char bill[128], cache[64], diff[64];
	statement_figure_bill(f, currency, loc, bill, sizeof bill);
	statement_figure_format(f, currency, loc, f->cache, cache, sizeof cache);
	if (f->bill_valid) {
		statement_figure_format(f, currency, loc, f->difference, diff, sizeof diff);
		snprintf(buf, size,
		         _("MISMATCH: the bill says %s, the cached rows give %s; difference %s."),
		         bill, cache, diff);
	} else {
		snprintf(buf, size,
		         _("MISMATCH: the bill says \"%s\", which is not a figure of %d decimals; "
		           "the "
		           "cached rows give %s."),
		         bill, f->decimals, cache);
	}
}

void statement_bills_result(const struct statement *st, char *buf, size_t size)
{
	const struct ledger_bills *bs = st->data->bills;
	int64_t figures = 0;
	for (size_t i = 0; i < bs->n_bills; i++)
		for (size_t j = 0; j < bs->bills[i].n_figures; j++)
			figures += bs->bills[i].figures[j].check == LEDGER_CHECK_EQUAL ||
			           bs->bills[i].figures[j].check == LEDGER_CHECK_DIFFERENT;
	int n = 0;
	if (bs->differences > 0)
		n = snprintf(buf, size,
		             P_("%lld figure of the bills differs from the cache's.",
		                "%lld figures of the bills differ from the cache's.",
		                bs->differences),
		             (long long)bs->differences);
	else if (figures > 0)
		n = snprintf(buf, size,
		             P_("The %lld figure checked equals the cache's.",
		                "All %lld figures checked equal the cache's.", figures),
		             (long long)figures);
	if (n < 0 || (size_t)n >= size || bs->missing == 0)
		return;
	/* Sentences are set apart by a space, except after a full stop that is one (。). */
	if (n > 0 && !(n >= 3 && strcmp(buf + n - 3, "\xe3\x80\x82") == 0) &&
	    (size_t)n + 1 < size) {
		buf[n++] = ' ';
		buf[n] = '\0';
	}
	snprintf(buf + n, size - (size_t)n,
	         P_("The bills of %lld day are not checked.",
	            "The bills of %lld days are not checked.", bs->missing),
	         (long long)bs->missing);
}

bool statement_balance_from(const struct statement *st, const char *currency, char *buf,
                            size_t size)
{
	const struct ledger_bills *bs = st->data->bills;
	if (!bs || !bs->first_day[0] || strcmp(bs->currency, currency) != 0)
		return false;
	char code[4];
	money_currency_upper(currency, code);
	snprintf(buf, size,
	         _("%s balances count the entries of the bills the cache holds, from %s: a balance "
	           "carried into that day is not in them."),
	         code, bs->first_day);
	return true;
}

/* ---- The text statement's section ---- */

/* The widths of the section's columns: the figures' and the check words'. */
struct bills_cols {
	int label, value, check;
};

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

static void plan(const struct statement *st, const struct money_locale *loc, struct bills_cols *c)
{
	const struct ledger_bills *bs = st->data->bills;
	c->value = max_int(statement_text_width(_("Bill")), statement_text_width(_("Cache")));
	c->value = max_int(c->value, 10);
	c->check = statement_text_width(_("Check"));
	for (size_t i = 0; i < bs->n_bills; i++) {
		const struct ledger_bill *b = &bs->bills[i];
		for (size_t j = 0; j < b->n_figures; j++) {
			const struct ledger_figure *f = &b->figures[j];
			char buf[128];
			statement_figure_bill(f, bs->currency, loc, buf, sizeof buf);
			c->value = max_int(c->value, statement_text_width(buf));
			if (f->cache_valid)
				statement_figure_format(f, bs->currency, loc, f->cache, buf,
				                        sizeof buf);
			c->value = max_int(c->value, statement_text_width(buf));
			c->check = max_int(c->check,
			                   statement_text_width(statement_check_word(f->check)));
		}
	}
	/* The figures whole; the label takes what is left of 80 columns, 20 at least. */
	c->label = max_int(STATEMENT_WIDTH - 4 - 2 * c->value - c->check - 3, 20);
}

static int figure_line(struct statement_doc *doc, const struct ledger_bills *bs,
                       const struct ledger_figure *f, const struct money_locale *loc,
                       const struct bills_cols *c)
{
	char name[384], bill[128] = "", cache[64] = "";
	statement_figure_name(f->name, f->gloss, name, sizeof name);
	/* The platform's words whole: without the gloss when both do not fit. */
	if (statement_text_width(name) > c->label)
		statement_figure_name(f->name, NULL, name, sizeof name);
	if (f->check != LEDGER_CHECK_ABSENT)
		statement_figure_bill(f, bs->currency, loc, bill, sizeof bill);
	if (f->cache_valid)
		statement_figure_format(f, bs->currency, loc, f->cache, cache, sizeof cache);
	struct statement_line l;
	statement_line_reset(&l);
	statement_line_spaces(&l, 4);
	statement_line_cell(&l, name, c->label, TUI_ALIGN_LEFT);
	statement_line_spaces(&l, 1);
	statement_line_cell(&l, bill, c->value, TUI_ALIGN_RIGHT);
	statement_line_spaces(&l, 1);
	statement_line_cell(&l, cache, c->value, TUI_ALIGN_RIGHT);
	statement_line_spaces(&l, 1);
	statement_line_cell(&l, statement_check_word(f->check), c->check, TUI_ALIGN_LEFT);
	if (statement_doc_add_line(doc, &l) != 0)
		return -1;
	if (f->check != LEDGER_CHECK_DIFFERENT)
		return 0;
	char why[512], line[560];
	statement_figure_mismatch(f, bs->currency, loc, why, sizeof why);
	snprintf(line, sizeof line, "      %s", why);
	return statement_doc_add_wrapped(doc, line, 8);
}

int statement_bills_text(struct statement *st, struct statement_doc *doc)
{
	const struct ledger_bills *bs = st->data->bills;
	if (!bs)
		return 0;
	const struct money_locale *loc = money_locale_current();
	char buf[1024], code[4];
	money_currency_upper(bs->currency, code);
	snprintf(buf, sizeof buf, _("Bills of %s against the cache (%s)"),
	         statement_platform_title(st), code);
	char rule[STATEMENT_WIDTH + 1];
	memset(rule, '=', STATEMENT_WIDTH);
	rule[STATEMENT_WIDTH] = '\0';
	if (statement_doc_add_text(doc, "") != 0 || statement_doc_add_text(doc, buf) != 0 ||
	    statement_doc_add_text(doc, rule) != 0)
		return -1;
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
	if (statement_doc_add_wrapped(doc, buf, 0) != 0)
		return -1;
	struct bills_cols c;
	plan(st, loc, &c);
	for (size_t i = 0; i < bs->n_bills; i++) {
		const struct ledger_bill *b = &bs->bills[i];
		char day[40];
		if (strcmp(b->day, b->last_day) != 0)
			snprintf(day, sizeof day, "%s .. %s", b->day, b->last_day);
		else
			snprintf(day, sizeof day, "%s", b->day);
		if (b->state != LEDGER_BILL_IN_CACHE &&
		    !(b->state == LEDGER_BILL_NONE && b->differences > 0)) {
			char why[512];
			statement_bill_absent(st, b, why, sizeof why);
			if (b->bill) {
				char head[256];
				statement_figure_name(b->name, b->gloss, head, sizeof head);
				snprintf(buf, sizeof buf, "  %s  %s: %s", day, head, why);
			} else {
				snprintf(buf, sizeof buf, "  %s  %s", day, why);
			}
			if (statement_doc_add_text(doc, "") != 0 ||
			    statement_doc_add_wrapped(doc, buf, 14) != 0)
				return -1;
			continue;
		}
		char head[320];
		statement_bill_heading(b, head, sizeof head);
		snprintf(buf, sizeof buf, "  %s  %s", day, head);
		if (statement_doc_add_text(doc, "") != 0 || statement_doc_add_wrapped(doc, buf, 14))
			return -1;
		if (b->state == LEDGER_BILL_NONE) {
			char why[512];
			statement_bill_absent(st, b, why, sizeof why);
			snprintf(buf, sizeof buf, "    %s", why);
			if (statement_doc_add_wrapped(doc, buf, 6) != 0)
				return -1;
		}
		{
			struct statement_line l;
			statement_line_reset(&l);
			statement_line_spaces(&l, 4);
			statement_line_cell(&l, _("Figure"), c.label, TUI_ALIGN_LEFT);
			statement_line_spaces(&l, 1);
			statement_line_cell(&l, _("Bill"), c.value, TUI_ALIGN_RIGHT);
			statement_line_spaces(&l, 1);
			statement_line_cell(&l, _("Cache"), c.value, TUI_ALIGN_RIGHT);
			statement_line_spaces(&l, 1);
			statement_line_cell(&l, _("Check"), c.check, TUI_ALIGN_LEFT);
			if (statement_doc_add_line(doc, &l) != 0)
				return -1;
		}
		for (size_t j = 0; j < b->n_figures; j++)
			if (figure_line(doc, bs, &b->figures[j], loc, &c) != 0)
				return -1;
	}
	bool not_kept = false;
	for (size_t i = 0; i < bs->n_bills && !not_kept; i++)
		for (size_t j = 0; j < bs->bills[i].n_figures && !not_kept; j++)
			not_kept = bs->bills[i].figures[j].check == LEDGER_CHECK_NOT_KEPT;
	if (not_kept &&
	    (statement_doc_add_text(doc, "") != 0 ||
	     statement_doc_add_wrapped(doc,
	                               _("not kept: the cache does not keep what this figure "
	                                 "sums for every row of the bill, so it is not "
	                                 "compared."),
	                               2) != 0))
		return -1;
	statement_bills_result(st, buf, sizeof buf);
	if (buf[0] &&
	    (statement_doc_add_text(doc, "") != 0 || statement_doc_add_wrapped(doc, buf, 0) != 0))
		return -1;
	return 0;
}
