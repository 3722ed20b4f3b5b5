/* The Insights screen: how the days went, per currency, from the cache alone. One line per
 * day, newest first, with the chosen measure's value and a bar (block characters in a
 * UTF-8 terminal, '#' otherwise) scaled to the span's largest day, whose figure heads the
 * chart. The status line gives the span's total against the span of the same length
 * before; `v` shows every measure of the day under the cursor. m/M switch the measure, c
 * the currency, s the span (7, 30, 90 days), f reads any FROM..TO, R opens the Risk screen.
 * Also the figures' formats, which `paydesk insights` shares. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/client.h"
#include "views/insights_view.h"
#include "views/statement.h"
#include "views/views.h"

/* ---- The figures' formats ---- */

/* A rate or a difference of rates in basis points as "1.25". */
static void put_bp(int64_t bp, char *buf, size_t size)
{
	int64_t mag = bp < 0 ? -bp : bp;
	snprintf(buf, size, "%s%lld.%02lld", bp < 0 ? "-" : "", (long long)(mag / 100),
	         (long long)(mag % 100));
}

const char *insights_view_title(enum insights_measure m, const struct provider_platform *pl)
{
	return views_word(m == INSIGHTS_DISPUTE_RATE && pl ? pl->dispute_rate_title : NULL,
	                  insights_measures[m].title);
}

void insights_view_format(const struct insights_sums *s, enum insights_measure m,
                          const char *currency, char *buf, size_t size)
{
	int64_t v;
	if (!insights_value(s, m, &v)) {
		snprintf(buf, size, "-");
		return;
	}
	struct statement_money money;
	switch (insights_measures[m].unit) {
	case INSIGHTS_MONEY:
		views_money(v, currency, buf, size);
		break;
	case INSIGHTS_MONEY_FINE:
		statement_money_init(&money, currency, money_locale_current());
		statement_money_put_fine(&money, v, 3, 0, buf, size);
		break;
	case INSIGHTS_COUNT:
		snprintf(buf, size, "%lld", (long long)v);
		break;
	case INSIGHTS_BASIS_POINTS: {
		char n[32];
		put_bp(v, n, sizeof n);
		snprintf(buf, size, "%s%%", n);
		break;
	}
	}
}

void insights_view_plain(const struct insights_sums *s, enum insights_measure m,
                         const char *currency, char *buf, size_t size)
{
	int64_t v;
	if (!insights_value(s, m, &v)) {
		snprintf(buf, size, "%s", "");
		return;
	}
	switch (insights_measures[m].unit) {
	case INSIGHTS_MONEY:
		statement_plain_fine(v, currency, 0, 0, buf, size);
		break;
	case INSIGHTS_MONEY_FINE:
		statement_plain_fine(v, currency, 3, 0, buf, size);
		break;
	case INSIGHTS_COUNT:
		snprintf(buf, size, "%lld", (long long)v);
		break;
	case INSIGHTS_BASIS_POINTS:
		put_bp(v, buf, size);
		break;
	}
}

void insights_view_change(const struct insights_sums *before, const struct insights_sums *now,
                          enum insights_measure m, bool arrows, char *buf, size_t size)
{
	int64_t a, b, d;
	buf[0] = '\0';
	if (!insights_value(before, m, &a) || !insights_value(now, m, &b))
		return;
	const char *up = arrows ? "↑" : "+", *down = arrows ? "↓" : "-";
	if (insights_measures[m].unit == INSIGHTS_BASIS_POINTS) {
		char n[32];
		put_bp(b - a < 0 ? a - b : b - a, n, sizeof n);
		snprintf(buf, size, _("%s%s pt"), b < a ? down : up, n);
		return;
	}
	if (!insights_change(a, b, &d))
		return;
	int64_t mag = d < 0 ? -d : d;
	snprintf(buf, size, "%s%lld.%lld%%", d < 0 ? down : up, (long long)(mag / 10),
	         (long long)(mag % 10));
}

/* ---- The screen ---- */

enum {
	INS_REQ_MEASURE = TUI_REQ_VIEW_BASE,
	INS_REQ_MEASURE_BACK,
	INS_REQ_CURRENCY,
	INS_REQ_SPAN,
	INS_REQ_DATES,
	INS_REQ_RISK,
};

static const struct tui_request_info insights_requests[] = {
        {INS_REQ_MEASURE, "measure", "m", N_("Show the next measure"), 0},
        {INS_REQ_MEASURE_BACK, "measure-back", "M", N_("Show the previous measure"), 0},
        {INS_REQ_CURRENCY, "currency", "c", N_("Show the next currency"), 0},
        {INS_REQ_SPAN, "span", "s", N_("Show the last 7, 30 or 90 days"), 0},
        {INS_REQ_DATES, "dates", "f", N_("Show the days FROM..TO"), 0},
        {INS_REQ_RISK, "risk", "R", N_("Open the Risk screen: what deserves a look"), 0},
};

/* Day, the measure's value, the chart; the chart's title is the span's largest value. */
enum { COL_DAY, COL_VALUE, COL_CHART, N_COLS };
#define VALUE_WIDTH 18

struct insights_screen {
	struct tui_column columns[N_COLS];
	char value_title[96], chart_title[96];
	int measure;
	char currency[8];
	int span;         /* days */
	int64_t from, to; /* a span read with f; 0: the last `span` days */
	int n_days;
	int64_t bounds[INSIGHTS_VIEW_MAX_DAYS + 1];
	struct insights cur, prev;
	char error[400];
};

static const struct insights_series *shown(const struct insights_screen *s)
{
	return s->currency[0] ? insights_series_of(&s->cur, s->currency) : NULL;
}

/* Reads the figures of the span and the span before; keeps the currency when it is there. */
static void load(struct insights_screen *s)
{
	insights_free(&s->cur);
	insights_free(&s->prev);
	s->error[0] = '\0';
	int64_t first = s->from;
	s->n_days = s->span;
	if (!first) {
		int64_t today;
		insights_day_bounds((int64_t)paydesk_now(), 0, 0, &today);
		insights_day_bounds(today, 1 - s->span, 0, &first);
	}
	int64_t prev[INSIGHTS_VIEW_MAX_DAYS + 1];
	insights_day_bounds(first, 0, s->n_days, s->bounds);
	insights_day_bounds(first, -s->n_days, s->n_days, prev);
	if (query_insights(views_app.query, s->bounds, s->n_days, &s->cur) != 0 ||
	    query_insights(views_app.query, prev, s->n_days, &s->prev) != 0) {
		snprintf(s->error, sizeof s->error, "%s", query_error(views_app.query));
		insights_free(&s->cur);
		tui_message("%s", s->error);
	}
	if (!shown(s))
		snprintf(s->currency, sizeof s->currency, "%s",
		         s->cur.n_series ? s->cur.series[0].currency : "");
}

/* The bar of v against the largest value top, in at most width columns. */
static void bar(int64_t v, int64_t top, int width, char *buf, size_t size)
{
	static const char *const eighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
	bool utf8 = tui_utf8();
	buf[0] = '\0';
	if (v <= 0 || top <= 0 || width <= 0)
		return;
	/* In eighths of a column; v <= top, and both fit 63 bits. */
	int64_t units = utf8 ? 8 : 1;
	__int128 scaled = (__int128)v * width * units / top;
	int64_t n = (int64_t)scaled;
	if (n == 0)
		n = 1; /* something, however small, shows */
	size_t len = 0;
	for (int64_t i = 0; i < n / units && len + 4 < size; i++) {
		const char *full = utf8 ? "█" : "#";
		size_t l = strlen(full);
		memcpy(buf + len, full, l);
		len += l;
	}
	const char *part = utf8 ? eighths[n % units] : "";
	if (len + strlen(part) < size) {
		memcpy(buf + len, part, strlen(part));
		len += strlen(part);
	}
	buf[len] = '\0';
}

static int64_t top_of(const struct insights_screen *s, const struct insights_series *ser)
{
	int64_t top = 0, v;
	for (int d = 0; ser && d < s->n_days; d++)
		if (insights_value(&ser->days[d], s->measure, &v) && v > top)
			top = v;
	return top;
}

static void day_text(int64_t t, char *buf, size_t size)
{
	views_date((time_t)t, buf, size);
}

/* Row i is day n_days - 1 - i (newest first); its key is i. */
static int insights_rows(void *ctx, const char *key, bool after, int max, struct tui_row *out)
{
	struct insights_screen *s = ctx;
	const struct insights_series *ser = shown(s);
	if (!ser)
		return 0;
	long at = key ? strtol(key, NULL, 10) : -1;
	long first, last;
	if (after) {
		first = key ? at + 1 : 0;
		last = first + max - 1;
	} else {
		last = key ? at - 1 : s->n_days - 1;
		first = last - max + 1;
	}
	if (first < 0)
		first = 0;
	if (last > s->n_days - 1)
		last = s->n_days - 1;
	int64_t top = top_of(s, ser);
	int width = tui_screen_columns() - 1 - 10 - 1 - VALUE_WIDTH - 1;
	int n = 0;
	for (long i = first; i <= last; i++, n++) {
		int d = s->n_days - 1 - (int)i;
		struct tui_row *row = &out[n];
		char text[512], k[24];
		snprintf(k, sizeof k, "%ld", i);
		tui_row_set_key(row, k);
		day_text(s->bounds[d], text, sizeof text);
		tui_row_set(row, COL_DAY, text);
		insights_view_format(&ser->days[d], s->measure, ser->currency, text, sizeof text);
		tui_row_set(row, COL_VALUE, text);
		int64_t v;
		if (insights_value(&ser->days[d], s->measure, &v))
			bar(v, top, width, text, sizeof text);
		else
			text[0] = '\0';
		tui_row_set(row, COL_CHART, text);
		row->cell_style[COL_CHART] = TUI_STYLE_GOOD;
	}
	return n;
}

static long insights_count(void *ctx)
{
	struct insights_screen *s = ctx;
	return shown(s) ? s->n_days : 0;
}

/* The titles: the measure over the values, the span's largest value over the chart. */
static void set_titles(struct insights_screen *s)
{
	const struct insights_series *ser = shown(s);
	snprintf(s->value_title, sizeof s->value_title, "%s",
	         insights_view_title(s->measure, views_app.platform));
	char top[64] = "";
	if (ser) {
		struct insights_sums one = {0};
		int64_t t = top_of(s, ser);
		/* The figure of the largest day, written as the measure writes its values. */
		for (int d = 0; d < s->n_days; d++) {
			int64_t v;
			if (insights_value(&ser->days[d], s->measure, &v) && v == t) {
				one = ser->days[d];
				break;
			}
		}
		insights_view_format(&one, s->measure, ser->currency, top, sizeof top);
	}
	snprintf(s->chart_title, sizeof s->chart_title, _("0 .. %s"), top);
	s->columns[COL_VALUE].title = s->value_title;
	s->columns[COL_CHART].title = s->chart_title;
}

static int insights_open(struct tui_view *view, const char *arg)
{
	(void)arg;
	struct insights_screen *s = calloc(1, sizeof *s);
	if (!s) {
		tui_message("%s", _("Out of memory."));
		return -1;
	}
	s->columns[COL_DAY] = (struct tui_column){N_("Day"), 10, 10, TUI_ALIGN_LEFT, 0};
	s->columns[COL_VALUE] =
	        (struct tui_column){"", VALUE_WIDTH, VALUE_WIDTH, TUI_ALIGN_RIGHT, 0};
	s->columns[COL_CHART] = (struct tui_column){"", 10, 0, TUI_ALIGN_LEFT, 1};
	s->span = 30;
	load(s);
	set_titles(s);
	view->data = s;
	struct tui_row_source src = {insights_rows, insights_count, s};
	tui_view_set_table(view, s->columns, N_COLS, &src);
	return 0;
}

static void insights_close(struct tui_view *view)
{
	struct insights_screen *s = view->data;
	if (s) {
		insights_free(&s->cur);
		insights_free(&s->prev);
	}
	free(s);
	view->data = NULL;
}

static int insights_request(struct tui_view *view, int request)
{
	struct insights_screen *s = view->data;
	switch (request) {
	case INS_REQ_MEASURE:
	case INS_REQ_MEASURE_BACK:
		s->measure = (s->measure + (request == INS_REQ_MEASURE ? 1 : -1) +
		              INSIGHTS_MEASURE_COUNT) %
		             INSIGHTS_MEASURE_COUNT;
		set_titles(s);
		return TUI_REFRESH;
	case INS_REQ_CURRENCY: {
		int i = 0;
		while (i < s->cur.n_series && strcmp(s->cur.series[i].currency, s->currency))
			i++;
		if (s->cur.n_series < 2) {
			tui_message("%s", _("These days have one currency only."));
			return TUI_HANDLED;
		}
		snprintf(s->currency, sizeof s->currency, "%s",
		         s->cur.series[(i + 1) % s->cur.n_series].currency);
		set_titles(s);
		return TUI_RELOAD;
	}
	case INS_REQ_SPAN:
		s->span = s->from ? 7 : s->span == 7 ? 30 : s->span == 30 ? 90 : 7;
		s->from = s->to = 0;
		load(s);
		set_titles(s);
		return TUI_RELOAD;
	case INS_REQ_DATES: {
		char text[128];
		if (!tui_prompt(_("Days (today, -7d, YYYY-MM-DD, FROM..TO): "), "", text,
		                sizeof text) ||
		    !text[0])
			return TUI_HANDLED;
		time_t from = 0, to = 0;
		enum paydesk_date_status st = paydesk_dates_parse(text, paydesk_now(), &from, &to);
		if (st == PAYDESK_DATE_OK && !from) {
			tui_message("%s", _("Give the first day: FROM..TO or FROM.."));
			return TUI_HANDLED;
		}
		if (st != PAYDESK_DATE_OK) {
			char why[400];
			paydesk_dates_message(st, text, why, sizeof why);
			tui_message("%s", why);
			return TUI_HANDLED;
		}
		if (!to) {
			int64_t today;
			insights_day_bounds((int64_t)paydesk_now(), 1, 0, &today);
			to = (time_t)today;
		}
		int n = 0;
		int64_t probe;
		do
			insights_day_bounds(from, ++n, 0, &probe);
		while (probe < to && n < INSIGHTS_VIEW_MAX_DAYS + 1);
		if (n > INSIGHTS_VIEW_MAX_DAYS) {
			tui_message(_("A span is at most %d days."), INSIGHTS_VIEW_MAX_DAYS);
			return TUI_HANDLED;
		}
		s->from = from;
		s->to = to;
		s->span = n;
		load(s);
		set_titles(s);
		return TUI_RELOAD;
	}
	case INS_REQ_RISK:
		tui_view_push("risk", NULL);
		return TUI_HANDLED;
	default:
		return TUI_PASS;
	}
}

static void insights_status(struct tui_view *view, char *buf, size_t size)
{
	struct insights_screen *s = view->data;
	const struct insights_series *ser = shown(s);
	if (!ser) {
		snprintf(buf, size, _("%d days: nothing in the cache"), s->n_days);
		return;
	}
	const struct insights_series *b = insights_series_of(&s->prev, ser->currency);
	static const struct insights_sums none;
	char ccy[4], total[64], change[48];
	money_currency_upper(ser->currency, ccy);
	insights_view_format(&ser->total, s->measure, ser->currency, total, sizeof total);
	insights_view_change(b ? &b->total : &none, &ser->total, s->measure, tui_utf8(), change,
	                     sizeof change);
	snprintf(buf, size, _("%s %s, %d days: %s %s"),
	         insights_view_title(s->measure, views_app.platform), ccy, s->n_days, total,
	         change);
}

/* What the span's payments settled as in the series' currency, by the currency customers
 * paid in, with each one's share: shown once some were converted. */
void insights_view_paid(const struct insights_series *ser, int i, char *buf, size_t size)
{
	const struct insights_paid *p = &ser->paid[i];
	char amount[64], share[48] = "-", fx[64];
	views_money(p->settled, ser->currency, amount, sizeof amount);
	int64_t bp;
	if (insights_paid_share(ser, i, &bp)) {
		put_bp(bp, share, sizeof share - 1);
		strcat(share, "%");
	}
	if (p->fx_fees_fine) {
		struct insights_sums s = {.fx_fees_fine = p->fx_fees_fine};
		insights_view_format(&s, INSIGHTS_FX_FEES, ser->currency, fx, sizeof fx);
		snprintf(buf, size,
		         P_("%s  %s  (%lld payment, conv. fees %s)",
		            "%s  %s  (%lld payments, conv. fees %s)", p->payments),
		         amount, share, (long long)p->payments, fx);
	} else {
		snprintf(buf, size,
		         P_("%s  %s  (%lld payment)", "%s  %s  (%lld payments)", p->payments),
		         amount, share, (long long)p->payments);
	}
}

static void add_paid_in(struct tui_lines *lines, const struct insights_series *ser)
{
	if (!insights_has_converted(ser))
		return;
	char ccy[4], text[256];
	money_currency_upper(ser->currency, ccy);
	tui_lines_add(lines, TUI_STYLE_NORMAL, "");
	snprintf(text, sizeof text, _("Paid in, over the span (as settled in %s)"), ccy);
	tui_lines_add(lines, TUI_STYLE_HEADER, text);
	for (int i = 0; i < ser->n_paid; i++) {
		char code[4];
		money_currency_upper(ser->paid[i].currency, code);
		insights_view_paid(ser, i, text, sizeof text);
		views_field(lines, code, text);
	}
}

/* Every measure of the day, and of the span, each against the span before. */
static struct tui_lines *insights_detail(struct tui_view *view, const struct tui_row *row)
{
	struct insights_screen *s = view->data;
	const struct insights_series *ser = shown(s);
	if (!ser || !row || !row->key)
		return NULL;
	int d = s->n_days - 1 - atoi(row->key);
	if (d < 0 || d >= s->n_days)
		return NULL;
	const struct insights_series *b = insights_series_of(&s->prev, ser->currency);
	static const struct insights_sums none;
	struct tui_lines *lines = tui_lines_new();
	if (!lines)
		return NULL;
	char day[32], ccy[4];
	day_text(s->bounds[d], day, sizeof day);
	money_currency_upper(ser->currency, ccy);
	tui_lines_addf(lines, TUI_STYLE_HEADER, _("%s, %s  (span: %d days, against the %d before)"),
	               day, ccy, s->n_days, s->n_days);
	/* The day's values and the span's totals each right-aligned in a column. */
	char v[INSIGHTS_MEASURE_COUNT][64], t[INSIGHTS_MEASURE_COUNT][64];
	int wv = 0, wt = 0;
	for (int m = 0; m < INSIGHTS_MEASURE_COUNT; m++) {
		insights_view_format(&ser->days[d], m, ser->currency, v[m], sizeof v[m]);
		insights_view_format(&ser->total, m, ser->currency, t[m], sizeof t[m]);
		wv = tui_text_width(v[m]) > wv ? tui_text_width(v[m]) : wv;
		wt = tui_text_width(t[m]) > wt ? tui_text_width(t[m]) : wt;
	}
	for (int m = 0; m < INSIGHTS_MEASURE_COUNT; m++) {
		char c[48], pv[80], pt[80], text[256];
		insights_view_change(b ? &b->total : &none, &ser->total, m, tui_utf8(), c,
		                     sizeof c);
		snprintf(pv, sizeof pv, "%*s%s", wv - tui_text_width(v[m]), "", v[m]);
		snprintf(pt, sizeof pt, "%*s%s", wt - tui_text_width(t[m]), "", t[m]);
		snprintf(text, sizeof text, _("%s   span %s %s"), pv, pt, c);
		views_field(lines, insights_view_title(m, views_app.platform), text);
	}
	add_paid_in(lines, ser);
	return lines;
}

static struct tui_lines *insights_reload(struct tui_view *view)
{
	struct insights_screen *s = view->data;
	load(s);
	set_titles(s);
	return NULL;
}

const struct tui_view_ops view_insights_ops = {
        .name = "insights",
        .title = N_("Insights"),
        .main_screen = true,
        .requests = insights_requests,
        .n_requests = sizeof insights_requests / sizeof insights_requests[0],
        .open = insights_open,
        .close = insights_close,
        .request = insights_request,
        .status = insights_status,
        .detail = insights_detail,
        .reload = insights_reload,
};
