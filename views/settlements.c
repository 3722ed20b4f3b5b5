/* The Settlements screen: payouts (arrival, amount, currency, status); on
 * Enter the balance transactions a payout paid out, with gross, fee and net
 * and whether the nets add up to the payout; and `d` for the per-day,
 * per-currency summary. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/client.h"
#include "views/views.h"

enum {
	SETTLE_REQ_DAYS = TUI_REQ_VIEW_BASE,
	SETTLE_REQ_STATEMENT,
};

#define SETTLE_REQ_STATEMENT_INFO                                                                  \
	{                                                                                          \
		SETTLE_REQ_STATEMENT, "statement", "s",                                            \
		        N_("Preview the day's statement (p print, x export)"), TUI_NEED_SELECTION  \
	}

static const struct tui_request_info settlements_requests[] = {
        {TUI_REQ_ENTER, "open", "<Enter>", N_("Open the payout: its transactions, fees and nets"),
         TUI_NEED_SELECTION},
        {SETTLE_REQ_DAYS, "days", "d", N_("Show the per-day summary per currency"), 0},
        SETTLE_REQ_STATEMENT_INFO,
};

static const struct tui_request_info days_requests[] = {
        SETTLE_REQ_STATEMENT_INFO,
};

/* Opens the statement preview of the selected row's day: the payout's
 * arrival day, or the summary row's day.  Both keys start with the day's
 * unix time; the date is the local one, as the lists show it. */
static int open_statement_of(struct tui_view *view)
{
	const char *key = tui_view_selected_key(view);
	char *end = NULL;
	long long t = key ? strtoll(key, &end, 10) : 0;
	struct tm tm;
	char day[16];
	time_t when = (time_t)t;
	if (!key || end == key || *end != '|' || t <= 0 || !localtime_r(&when, &tm) ||
	    strftime(day, sizeof day, "%Y-%m-%d", &tm) == 0) {
		tui_message("%s", _("This line has no day to make a statement of."));
		return TUI_HANDLED;
	}
	tui_view_push("statement", day);
	return TUI_HANDLED;
}

/* Payouts are told apart by day, amount and currency; the platform's id
 * (cell 6, which Enter reads) comes last and is whole on wider screens. */
static const struct tui_column payout_columns[] = {
        {N_("Arrival"), 10, 10, TUI_ALIGN_LEFT, 0}, {N_("Amount"), 10, 18, TUI_ALIGN_RIGHT, 0},
        {N_("CCY"), 3, 3, TUI_ALIGN_LEFT, 0},       {N_("Status"), 10, 12, TUI_ALIGN_LEFT, 0},
        {N_("Method"), 8, 10, TUI_ALIGN_LEFT, 0},   {N_("Description"), 13, 0, TUI_ALIGN_LEFT, 1},
        {N_("Payout"), 14, 30, TUI_ALIGN_LEFT, 2},
};

/* A list's cached count and fetch buffer. */
struct list_state {
	long count;
	unsigned long generation;
	void *buf;
	int buf_cap;
	char id[QUERY_ID]; /* the payout, for the entries view */
	int64_t amount;    /* the payout's amount */
	char currency[8];
	int64_t sum_gross, sum_fee, sum_net;
	long entries;
	int64_t converted; /* entries converted from another currency */
};

static int payouts_fetch(void *ctx, const char *key, bool after, int max, struct tui_row *out)
{
	struct list_state *s = ctx;
	struct query_payout_row *rows = views_rows_reserve(s->buf, &s->buf_cap, max, sizeof *rows);
	if (!rows)
		return -1;
	s->buf = rows;
	int n = query_payouts_page(views_app.query, key, after, max, rows);
	if (n < 0) {
		tui_message("%s", query_error(views_app.query));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const struct query_payout_row *p = &rows[i];
		struct tui_row *row = &out[i];
		char text[128], label[64];
		query_payout_key(p, text, sizeof text);
		tui_row_set_key(row, text);
		views_date(p->arrival_date, text, sizeof text);
		tui_row_set(row, 0, text);
		views_money(p->amount, p->currency, text, sizeof text);
		tui_row_set(row, 1, text);
		views_currency(p->currency, text, sizeof text);
		tui_row_set(row, 2, text);
		tui_row_set(row, 3, views_label(p->status, label, sizeof label));
		tui_row_set(row, 4, views_label(p->method, label, sizeof label));
		tui_row_set(row, 5, p->description);
		tui_row_set(row, 6, p->id);
		row->cell_style[3] = views_status_style(p->status);
	}
	return n;
}

static long payouts_count(void *ctx)
{
	struct list_state *s = ctx;
	if (s->count < 0 || s->generation != views_app.generation) {
		s->count = query_payouts_count(views_app.query);
		s->generation = views_app.generation;
	}
	return s->count;
}

static void list_close(struct tui_view *view)
{
	struct list_state *s = view->data;
	if (s)
		free(s->buf);
	free(s);
	view->data = NULL;
}

static struct list_state *list_new(void)
{
	struct list_state *s = calloc(1, sizeof *s);
	if (!s)
		tui_message("%s", _("Out of memory."));
	else
		s->count = -1;
	return s;
}

static int settlements_open(struct tui_view *view, const char *arg)
{
	struct list_state *s = list_new();
	if (!s)
		return -1;
	view->data = s;
	struct tui_row_source source = {payouts_fetch, payouts_count, s};
	tui_view_set_table(view, payout_columns, sizeof payout_columns / sizeof payout_columns[0],
	                   &source);
	return 0;
}

static int settlements_request(struct tui_view *view, int request)
{
	const struct tui_row *row = tui_view_selected_row(view);
	switch (request) {
	case TUI_REQ_ENTER:
		if (row)
			tui_view_push("payout", row->cells[6]);
		return TUI_HANDLED;
	case SETTLE_REQ_DAYS:
		tui_view_push("days", NULL);
		return TUI_HANDLED;
	case SETTLE_REQ_STATEMENT:
		return open_statement_of(view);
	default:
		return TUI_PASS;
	}
}

const struct tui_view_ops view_settlements_ops = {
        .name = "settlements",
        .title = N_("Settlements"),
        .main_screen = true,
        .requests = settlements_requests,
        .n_requests = sizeof settlements_requests / sizeof settlements_requests[0],
        .open = settlements_open,
        .close = list_close,
        .request = settlements_request,
};

/* ---- One payout: its balance transactions ---- */

/* The order an entry is about is named by the merchant's number (what the shop knows it
 * by); the platform's id of its source follows on wider screens (i shows it anywhere). */
static const struct tui_column entry_columns[] = {
        {N_("Date"), 11, 11, TUI_ALIGN_LEFT, 0},       {N_("Type"), 10, 14, TUI_ALIGN_LEFT, 0},
        {N_("Order"), 11, 22, TUI_ALIGN_LEFT, 1},      {N_("Gross"), 10, 16, TUI_ALIGN_RIGHT, 0},
        {N_("Fee"), 8, 14, TUI_ALIGN_RIGHT, 0},        {N_("Net"), 10, 16, TUI_ALIGN_RIGHT, 0},
        {N_("Cur"), 4, 4, TUI_ALIGN_LEFT, 0},          {N_("Source"), 14, 30, TUI_ALIGN_LEFT, 2},
        {N_("Description"), 10, 0, TUI_ALIGN_LEFT, 2},
};

/* A payout with entries converted from another currency shows what their customers paid. */
static const struct tui_column entry_fx_columns[] = {
        {N_("Date"), 11, 11, TUI_ALIGN_LEFT, 0},
        {N_("Type"), 10, 14, TUI_ALIGN_LEFT, 0},
        {N_("Gross"), 10, 16, TUI_ALIGN_RIGHT, 0},
        {N_("Fee"), 8, 14, TUI_ALIGN_RIGHT, 0},
        {N_("Net"), 10, 16, TUI_ALIGN_RIGHT, 0},
        {N_("Cur"), 4, 4, TUI_ALIGN_LEFT, 0},
        /* TRANSLATORS: a column: what the customer paid, in its own currency, of an
         * entry converted into the payout's currency */
        {N_("Customer paid"), 14, 20, TUI_ALIGN_RIGHT, 1},
        {N_("Order"), 11, 22, TUI_ALIGN_LEFT, 1},
        {N_("Source"), 14, 30, TUI_ALIGN_LEFT, 2},
        {N_("Description"), 10, 0, TUI_ALIGN_LEFT, 2},
};

static int entries_fetch(void *ctx, const char *key, bool after, int max, struct tui_row *out)
{
	struct list_state *s = ctx;
	struct query_balance_row *rows = views_rows_reserve(s->buf, &s->buf_cap, max, sizeof *rows);
	if (!rows)
		return -1;
	s->buf = rows;
	int n = query_payout_entries_page(views_app.query, s->id, key, after, max, rows);
	if (n < 0) {
		tui_message("%s", query_error(views_app.query));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const struct query_balance_row *b = &rows[i];
		struct tui_row *row = &out[i];
		char text[128], label[64], paid[160];
		query_balance_key(b, text, sizeof text);
		tui_row_set_key(row, text);
		views_datetime_short(b->created, text, sizeof text);
		tui_row_set(row, 0, text);
		tui_row_set(row, 1, views_label(b->type, label, sizeof label));
		/* A payout with conversions has what the customer paid before the order. */
		const int fx = s->converted > 0 ? 1 : 0;
		const char *order = b->order_ref[0] ? b->order_ref : "-";
		if (!fx)
			tui_row_set(row, 2, order);
		views_money(b->amount, b->currency, text, sizeof text);
		tui_row_set(row, 3 - fx, text);
		views_money(b->fee, b->currency, text, sizeof text);
		tui_row_set(row, 4 - fx, text);
		views_money(b->net, b->currency, text, sizeof text);
		tui_row_set(row, 5 - fx, text);
		views_currency(b->currency, text, sizeof text);
		tui_row_set(row, 6 - fx, text);
		int at = 7;
		if (fx) {
			paid[0] = '\0';
			if (b->converted) {
				char cur[8];
				views_money(b->presentment_amount, b->presentment_currency, text,
				            sizeof text);
				views_currency(b->presentment_currency, cur, sizeof cur);
				snprintf(paid, sizeof paid, "%s %s", text, cur);
			}
			tui_row_set(row, 6, paid);
			tui_row_set(row, 7, order);
			at = 8;
		}
		tui_row_set(row, at++, b->source);
		tui_row_set(row, at, b->description);
		if (b->net < 0)
			row->cell_style[5 - fx] = TUI_STYLE_WARN;
	}
	return n;
}

static long entries_count(void *ctx)
{
	struct list_state *s = ctx;
	if (s->count < 0 || s->generation != views_app.generation) {
		s->entries = query_payout_totals(views_app.query, s->id, &s->sum_gross, &s->sum_fee,
		                                 &s->sum_net, &s->converted);
		s->count = s->entries;
		s->generation = views_app.generation;
	}
	return s->count;
}

static int payout_open(struct tui_view *view, const char *arg)
{
	struct query_payout_row p;
	int found = arg ? query_payout_get(views_app.query, arg, &p) : 0;
	if (found <= 0) {
		tui_message(found < 0 ? "%s" : _("The payout %s is not in the cache."),
		            found < 0 ? query_error(views_app.query) : (arg ? arg : "?"));
		return -1;
	}
	struct list_state *s = list_new();
	if (!s)
		return -1;
	snprintf(s->id, sizeof s->id, "%s", p.id);
	snprintf(s->currency, sizeof s->currency, "%s", p.currency);
	s->amount = p.amount;
	view->data = s;
	entries_count(s);
	struct tui_row_source source = {entries_fetch, entries_count, s};
	if (s->converted > 0)
		tui_view_set_table(view, entry_fx_columns,
		                   sizeof entry_fx_columns / sizeof entry_fx_columns[0], &source);
	else
		tui_view_set_table(view, entry_columns,
		                   sizeof entry_columns / sizeof entry_columns[0], &source);
	return 0;
}

/* The status line says what the payout adds up to, and whether it does. */
static void payout_status(struct tui_view *view, char *buf, size_t size)
{
	struct list_state *s = view->data;
	entries_count(s);
	char gross[64], fee[64], net[64], amount[64];
	views_money_sym(s->sum_gross, s->currency, gross, sizeof gross);
	views_money_sym(s->sum_fee, s->currency, fee, sizeof fee);
	views_money_sym(s->sum_net, s->currency, net, sizeof net);
	views_money_sym(s->amount, s->currency, amount, sizeof amount);
	if (s->entries <= 0)
		snprintf(buf, size, _("payout %s: no transactions cached yet"), amount);
	else if (s->sum_net == s->amount)
		snprintf(buf, size, _("gross %s  fees %s  net %s = payout"), gross, fee, net);
	else
		snprintf(buf, size, _("net %s differs from the payout %s: sync to complete"), net,
		         amount);
}

const struct tui_view_ops view_payout_ops = {
        .name = "payout",
        .title = N_("Payout"),
        .open = payout_open,
        .close = list_close,
        .status = payout_status,
};

/* ---- Per-day, per-currency summary ---- */

static const struct tui_column day_columns[] = {
        {N_("Day"), 10, 10, TUI_ALIGN_LEFT, 0},       {N_("Cur"), 4, 4, TUI_ALIGN_LEFT, 0},
        {N_("Sales"), 11, 18, TUI_ALIGN_RIGHT, 1},    {N_("Refunds"), 10, 18, TUI_ALIGN_RIGHT, 1},
        {N_("Disputes"), 10, 18, TUI_ALIGN_RIGHT, 1}, {N_("Fees"), 9, 18, TUI_ALIGN_RIGHT, 1},
        {N_("Net"), 11, 18, TUI_ALIGN_RIGHT, 1},      {N_("Entries"), 7, 8, TUI_ALIGN_RIGHT, 0},
};

static int days_fetch(void *ctx, const char *key, bool after, int max, struct tui_row *out)
{
	struct list_state *s = ctx;
	struct query_day_row *rows = views_rows_reserve(s->buf, &s->buf_cap, max, sizeof *rows);
	if (!rows)
		return -1;
	s->buf = rows;
	int n = query_days_page(views_app.query, key, after, max, rows);
	if (n < 0) {
		tui_message("%s", query_error(views_app.query));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const struct query_day_row *d = &rows[i];
		struct tui_row *row = &out[i];
		char text[128];
		query_day_key(d, text, sizeof text);
		tui_row_set_key(row, text);
		views_date(d->day, text, sizeof text);
		tui_row_set(row, 0, text);
		views_currency(d->currency, text, sizeof text);
		tui_row_set(row, 1, text);
		views_money(d->sales, d->currency, text, sizeof text);
		tui_row_set(row, 2, text);
		views_money(d->refunds, d->currency, text, sizeof text);
		tui_row_set(row, 3, text);
		views_money(d->disputes, d->currency, text, sizeof text);
		tui_row_set(row, 4, text);
		views_money(d->fees, d->currency, text, sizeof text);
		tui_row_set(row, 5, text);
		views_money(d->net, d->currency, text, sizeof text);
		tui_row_set(row, 6, text);
		tui_row_setf(row, 7, "%ld", d->count);
	}
	return n;
}

static int days_open(struct tui_view *view, const char *arg)
{
	struct list_state *s = list_new();
	if (!s)
		return -1;
	view->data = s;
	/* No count: the number of days would cost a full scan. */
	struct tui_row_source source = {days_fetch, NULL, s};
	tui_view_set_table(view, day_columns, sizeof day_columns / sizeof day_columns[0], &source);
	return 0;
}

static int days_request(struct tui_view *view, int request)
{
	return request == SETTLE_REQ_STATEMENT ? open_statement_of(view) : TUI_PASS;
}

static void days_status(struct tui_view *view, char *buf, size_t size)
{
	snprintf(buf, size, "%s",
	         _("per day and currency, newest first; nothing is summed across currencies"));
}

const struct tui_view_ops view_days_ops = {
        .name = "days",
        .title = N_("Daily summary"),
        .requests = days_requests,
        .n_requests = sizeof days_requests / sizeof days_requests[0],
        .open = days_open,
        .request = days_request,
        .close = list_close,
        .status = days_status,
};
