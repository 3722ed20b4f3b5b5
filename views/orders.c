/* The Orders screen: every order, newest first, with filters (status,
 * currency, dates, amounts), full-text search and sorting; Enter opens the
 * order's detail. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client.h"
#include "views/actions_ui.h"
#include "views/views.h"

enum {
	ORDERS_REQ_SORT = TUI_REQ_VIEW_BASE,
	ORDERS_REQ_STATUS,
	ORDERS_REQ_CURRENCY,
	ORDERS_REQ_DATES,
	ORDERS_REQ_AMOUNTS,
	ORDERS_REQ_CLEAR,
	ORDERS_REQ_SIDE,
};

static const struct tui_request_info orders_requests[] = {
        {TUI_REQ_ENTER, "open", "<Enter>",
         N_("Open the order: every field, refunds, disputes, fees, events"), TUI_NEED_SELECTION},
        {ORDERS_REQ_SORT, "sort", "s",
         N_("Sort: newest, oldest, largest, smallest first (amounts by currency, then within "
            "each)"),
         0},
        {ORDERS_REQ_STATUS, "filter-status", "f", N_("Filter by status (press again for the next)"),
         0},
        {ORDERS_REQ_CURRENCY, "filter-currency", "c",
         N_("Filter by currency (press again for the next)"), 0},
        {ORDERS_REQ_DATES, "filter-dates", "d",
         N_("Filter by dates: a day (today, yesterday, -7d, 2026-09-01) or FROM..TO"), 0},
        {ORDERS_REQ_AMOUNTS, "filter-amount", "a",
         N_("Filter by amount: MIN-MAX in each order's own currency (100-200 is 100.00 USD or "
            "100 JPY and up), either may be empty"),
         0},
        {ORDERS_REQ_CLEAR, "clear-filters", "x", N_("Clear every filter and the search"), 0},
        {ORDERS_REQ_SIDE, "amount-side", "$",
         N_("Amounts as settled (converted into the account's currency) or as customers paid: "
            "the currency filter and the sort by amount follow"),
         0},
        ACTIONS_UI_REQ_REFUND,
};

/* Every column fits at 80 (79 after the cursor's margin: 72 of cells and 7
 * gaps): a short date, a card as brand abbreviation and last4, risk and
 * status as short words.  Wider screens give the room to the customer. */
static const struct tui_column orders_columns[] = {
        {N_("Date"), 11, 11, TUI_ALIGN_LEFT, 0},    {N_("Order"), 11, 22, TUI_ALIGN_LEFT, 1},
        {N_("Customer"), 10, 0, TUI_ALIGN_LEFT, 4}, {N_("Amount"), 9, 16, TUI_ALIGN_RIGHT, 1},
        {N_("CCY"), 3, 3, TUI_ALIGN_LEFT, 0},       {N_("Status"), 13, 16, TUI_ALIGN_LEFT, 0},
        {N_("Card"), 9, 16, TUI_ALIGN_LEFT, 1},     {N_("Risk"), 6, 12, TUI_ALIGN_LEFT, 0},
};

/* The bill platforms' orders have no card or risk: what was bought and how it was paid
 * (JSAPI, NATIVE... or the bill's kind) instead. */
static const struct tui_column bill_orders_columns[] = {
        {N_("Date"), 11, 11, TUI_ALIGN_LEFT, 0},    {N_("Order"), 11, 26, TUI_ALIGN_LEFT, 2},
        {N_("Item"), 10, 0, TUI_ALIGN_LEFT, 4},     {N_("Amount"), 9, 16, TUI_ALIGN_RIGHT, 1},
        {N_("CCY"), 3, 3, TUI_ALIGN_LEFT, 0},       {N_("Status"), 13, 16, TUI_ALIGN_LEFT, 0},
        {N_("Paid via"), 8, 10, TUI_ALIGN_LEFT, 0},
};

static bool bill_platform(void)
{
	return views_app.platform && views_app.platform->history == PROVIDER_HISTORY_BILLS;
}

/* Card brands as the list shows them: the platform's name shortened. */
static const struct {
	const char *brand;
	const char *shown;
} card_brands[] = {
        {"visa", "visa"},     {"mastercard", "mc"}, {"amex", "amex"}, {"unionpay", "up"},
        {"discover", "disc"}, {"diners", "dc"},     {"jcb", "jcb"},   {"cartes_bancaires", "cb"},
};

/* The list's short words for a risk level (at most 6 columns); other values
 * as views_label spells them (statuses fit 13 as they are). */
static const char *short_label(const char *value, char *buf, size_t size)
{
	static const struct {
		const char *value;
		const char *label;
	} shorter[] = {
	        /* TRANSLATORS: a risk level in a 6-column list cell. */
	        {"elevated", N_("elev.")},
	        /* TRANSLATORS: a risk level in a 6-column list cell. */
	        {"highest", N_("high")},
	        /* TRANSLATORS: a risk level (not assessed) in a 6-column list cell. */
	        {"not_assessed", N_("n/a")},
	};
	for (size_t i = 0; value && i < sizeof shorter / sizeof shorter[0]; i++)
		if (!strcmp(shorter[i].value, value))
			return _(shorter[i].label);
	return views_label(value, buf, size);
}

/* "visa 3884", "mc 4228": the brand shortened, then the last four digits. */
static void card_cell(const char *brand, const char *last4, char *buf, size_t size)
{
	const char *shown = brand;
	for (size_t i = 0; i < sizeof card_brands / sizeof card_brands[0]; i++)
		if (!strcmp(card_brands[i].brand, brand))
			shown = card_brands[i].shown;
	snprintf(buf, size, "%s %s", shown, last4);
}

static const char *const status_cycle[] = {
        "", "paid", "pending", "failed", "refunded", "partially_refunded", "disputed",
};

struct orders {
	struct query_order_filter filter;
	char amount_text[128];    /* the amount filter as typed, for the status line */
	long count;               /* cached; -1 = recount */
	unsigned long generation; /* data generation the count belongs to */
	struct query_order_row *buf;
	int buf_cap;
};

/* Fills a table row from an order. */
static void order_to_row(const struct query_order_row *r, int sort, struct tui_row *row)
{
	char text[128], label[64];
	query_order_key(r, sort, text, sizeof text);
	tui_row_set_key(row, text);
	views_datetime_short(r->created, text, sizeof text);
	tui_row_set(row, 0, text);
	tui_row_set(row, 1, r->order_ref[0] ? r->order_ref : r->id);
	if (bill_platform())
		tui_row_set(row, 2, r->description);
	else
		tui_row_set(row, 2, r->customer_name[0] ? r->customer_name : r->customer_email);
	views_money(r->amount, r->currency, text, sizeof text);
	tui_row_set(row, 3, text);
	views_currency(r->currency, text, sizeof text);
	tui_row_set(row, 4, text);
	tui_row_set(row, 5, short_label(r->status, label, sizeof label));
	if (bill_platform()) {
		tui_row_set(row, 6, r->channel);
	} else {
		if (r->card_last4[0]) {
			card_cell(r->card_brand, r->card_last4, text, sizeof text);
			tui_row_set(row, 6, text);
		}
		tui_row_set(row, 7, short_label(r->risk_level, label, sizeof label));
	}
	row->style = views_status_style(r->status) == TUI_STYLE_GOOD
	                     ? TUI_STYLE_NORMAL
	                     : views_status_style(r->status);
	row->cell_style[5] = views_status_style(r->status);
	/* A refund waiting in the outbox (queued offline, or sent without an
	 * answer) shows on its row until it resolves: the status cell says so
	 * instead of a state the platform may already have changed. */
	const char *pending = actions_ui_pending_label(r->id);
	if (pending) {
		tui_row_set(row, 5, pending);
		row->cell_style[5] = TUI_STYLE_WARN;
	}
	if (!strcmp(r->risk_level, "highest") || !strcmp(r->risk_level, "elevated"))
		row->cell_style[7] = TUI_STYLE_WARN;
}

static int orders_fetch(void *ctx, const char *key, bool after, int max, struct tui_row *out)
{
	struct orders *o = ctx;
	struct query_order_row *grown = views_rows_reserve(o->buf, &o->buf_cap, max, sizeof *grown);
	if (!grown)
		return -1;
	o->buf = grown;
	int n = query_orders_page(views_app.query, &o->filter, key, after, max, o->buf);
	if (n < 0) {
		tui_message("%s", query_error(views_app.query));
		return -1;
	}
	for (int i = 0; i < n; i++)
		order_to_row(&o->buf[i], o->filter.sort, &out[i]);
	return n;
}

static long orders_count(void *ctx)
{
	struct orders *o = ctx;
	if (o->count < 0 || o->generation != views_app.generation) {
		o->count = query_orders_count(views_app.query, &o->filter);
		o->generation = views_app.generation;
	}
	return o->count;
}

static int orders_open(struct tui_view *view, const char *arg)
{
	struct orders *o = calloc(1, sizeof *o);
	if (!o) {
		tui_message("%s", _("Out of memory."));
		return -1;
	}
	query_order_filter_init(&o->filter);
	o->count = -1;
	view->data = o;
	struct tui_row_source source = {orders_fetch, orders_count, o};
	if (bill_platform())
		tui_view_set_table(view, bill_orders_columns,
		                   sizeof bill_orders_columns / sizeof bill_orders_columns[0],
		                   &source);
	else
		tui_view_set_table(view, orders_columns,
		                   sizeof orders_columns / sizeof orders_columns[0], &source);
	return 0;
}

static void orders_close(struct tui_view *view)
{
	struct orders *o = view->data;
	if (o)
		free(o->buf);
	free(o);
	view->data = NULL;
}

/* Splits "A<sep>B" into a and b (each size bytes); text without sep gives it as both. */
static void split_range(const char *text, const char *sep, char *a, char *b, size_t size)
{
	const char *at = strstr(text, sep);
	if (at) {
		snprintf(a, size, "%.*s", (int)(at - text), text);
		snprintf(b, size, "%s", at + strlen(sep));
	} else {
		snprintf(a, size, "%s", text);
		snprintf(b, size, "%s", text);
	}
}

/* A day or a range (paydesk_dates_parse: today, -7d, 2026-09-01, FROM..TO) into the
 * filter.  Returns false with a message when it is not one, or ends before it starts. */
static bool set_dates(struct query_order_filter *f, const char *text)
{
	time_t from, to;
	enum paydesk_date_status st = paydesk_dates_parse(text, paydesk_now(), &from, &to);
	if (st != PAYDESK_DATE_OK) {
		char why[256];
		paydesk_dates_message(st, text, why, sizeof why);
		tui_message("%s", why);
		return false;
	}
	f->created_from = from;
	f->created_to = to;
	return true;
}

/* An amount as typed into thousandths of a major unit: in the filter's currency when there
 * is one (so 100.5 is refused for JPY), else with up to three decimals, to be read in each
 * order's own currency. */
static enum money_status amount_milli(const char *text, const char *currency, int64_t *out)
{
	if (!currency[0])
		return money_parse(text, "kwd", MONEY_PARSE_ALLOW_GROUPING, out);
	int64_t minor;
	enum money_status st = money_parse(text, currency, MONEY_PARSE_ALLOW_GROUPING, &minor);
	if (st != MONEY_OK)
		return st;
	int e = money_exponent(currency);
	if (!money_mul(minor, e == 0 ? 1000 : e == 3 ? 1 : 10, out))
		return MONEY_OVERFLOW;
	return MONEY_OK;
}

/* "MIN-MAX" (either may be empty) into the filter, each order's amount read in its own
 * currency's units: 100-200 is 100.00-200.00 USD and 100-200 JPY, never 18,155 JPY. */
static bool set_amounts(struct orders *o, const char *text)
{
	struct query_order_filter *f = &o->filter;
	char a[128], b[128];
	split_range(text, "-", a, b, sizeof a);
	int64_t lo = -1, hi = -1;
	enum money_status st = MONEY_OK;
	if (a[0])
		st = amount_milli(a, f->currency, &lo);
	if (st == MONEY_OK && b[0])
		st = amount_milli(b, f->currency, &hi);
	if (st != MONEY_OK) {
		tui_message("%s", money_status_message(st));
		return false;
	}
	if (lo >= 0 && hi >= 0 && lo > hi) {
		tui_message(_("\"%s\" starts above where it ends: write the smaller amount first."),
		            text);
		return false;
	}
	f->amount_min_milli = lo;
	f->amount_max_milli = hi;
	snprintf(o->amount_text, sizeof o->amount_text, "%s", text);
	return true;
}

/* Moves to the next value of the currency filter ("" = all). */
static void next_currency(struct query_order_filter *f)
{
	char codes[32][8];
	int n = query_order_currencies(views_app.query, f->settled, codes, 32);
	if (n <= 0) {
		f->currency[0] = '\0';
		return;
	}
	int at = -1;
	for (int i = 0; i < n; i++)
		if (!strcmp(codes[i], f->currency))
			at = i;
	if (at + 1 >= n)
		f->currency[0] = '\0';
	else
		snprintf(f->currency, sizeof f->currency, "%s", codes[at + 1]);
}

static int orders_request(struct tui_view *view, int request)
{
	struct orders *o = view->data;
	struct query_order_filter *f = &o->filter;
	char text[128];
	switch (request) {
	case ACTIONS_REQ_REFUND:
		return actions_ui_request(view, request);
	case TUI_REQ_ENTER: {
		const char *id = query_key_id(tui_view_selected_key(view));
		if (id)
			tui_view_push("order", id);
		return TUI_HANDLED;
	}
	case ORDERS_REQ_SORT:
		f->sort = (f->sort + 1) % QUERY_SORT_COUNT;
		return TUI_RELOAD;
	case ORDERS_REQ_STATUS:
		views_cycle(f->status, sizeof f->status, status_cycle,
		            sizeof status_cycle / sizeof status_cycle[0]);
		o->count = -1;
		return TUI_RELOAD;
	case ORDERS_REQ_CURRENCY:
		next_currency(f);
		o->count = -1;
		return TUI_RELOAD;
	case ORDERS_REQ_DATES:
		if (!tui_prompt(_("Dates (today, -7d, YYYY-MM-DD, FROM..TO; empty = all): "), "",
		                text, sizeof text))
			return TUI_HANDLED;
		if (!text[0]) {
			f->created_from = f->created_to = 0;
		} else if (!set_dates(f, text)) {
			return TUI_HANDLED;
		}
		o->count = -1;
		return TUI_RELOAD;
	case ORDERS_REQ_AMOUNTS:
		if (!tui_prompt(_("Amount (MIN-MAX, empty = all): "), "", text, sizeof text))
			return TUI_HANDLED;
		if (!text[0]) {
			f->amount_min_milli = f->amount_max_milli = -1;
		} else if (!set_amounts(o, text)) {
			return TUI_HANDLED;
		}
		o->count = -1;
		return TUI_RELOAD;
	case ORDERS_REQ_SIDE:
		/* A currency of one side may not be one of the other's: the filter starts over. */
		f->settled = !f->settled;
		f->currency[0] = '\0';
		o->count = -1;
		return TUI_RELOAD;
	case ORDERS_REQ_CLEAR: {
		int sort = f->sort;
		bool settled = f->settled;
		query_order_filter_init(f);
		f->sort = sort;
		f->settled = settled;
		o->amount_text[0] = '\0';
		o->count = -1;
		return TUI_RELOAD;
	}
	default:
		return TUI_PASS;
	}
}

static int orders_search(struct tui_view *view, const char *text)
{
	struct orders *o = view->data;
	snprintf(o->filter.search, sizeof o->filter.search, "%s", text);
	o->count = -1;
	return TUI_RELOAD;
}

/* Appends "; part" to buf. */
static void status_part(char *buf, size_t size, const char *part)
{
	size_t len = strlen(buf);
	snprintf(buf + len, size - len, "%s%s", len ? "  " : "", part);
}

static void orders_status(struct tui_view *view, char *buf, size_t size)
{
	static const char *const sorts[] = {N_("newest first"), N_("oldest first"),
	                                    N_("by currency, largest first"),
	                                    N_("by currency, smallest first")};
	struct orders *o = view->data;
	const struct query_order_filter *f = &o->filter;
	char part[200], a[64], b[64];
	buf[0] = '\0';
	status_part(buf, size, _(sorts[f->sort % QUERY_SORT_COUNT]));
	if (f->settled)
		status_part(buf, size, _("as settled"));
	if (f->status[0]) {
		snprintf(part, sizeof part, _("status: %s"), views_label(f->status, a, sizeof a));
		status_part(buf, size, part);
	}
	if (f->currency[0]) {
		views_currency(f->currency, a, sizeof a);
		snprintf(part, sizeof part, _("currency: %s"), a);
		status_part(buf, size, part);
	}
	if (f->created_from || f->created_to) {
		views_date(f->created_from, a, sizeof a);
		views_date(f->created_to ? f->created_to - 1 : 0, b, sizeof b);
		if (f->created_from && f->created_to && strcmp(a, b) == 0)
			snprintf(part, sizeof part, _("date: %s"), a);
		else
			snprintf(part, sizeof part, _("dates: %s..%s"), f->created_from ? a : "",
			         f->created_to ? b : "");
		status_part(buf, size, part);
	}
	if (f->amount_min_milli >= 0 || f->amount_max_milli >= 0) {
		if (f->currency[0]) {
			views_currency(f->currency, a, sizeof a);
			snprintf(part, sizeof part, _("amount: %s %s"), o->amount_text, a);
		} else {
			snprintf(part, sizeof part, _("amount: %s in each currency"),
			         o->amount_text);
		}
		status_part(buf, size, part);
	}
	if (f->search[0]) {
		snprintf(part, sizeof part, _("search: %s"), f->search);
		status_part(buf, size, part);
	}
}

static struct tui_lines *orders_detail(struct tui_view *view, const struct tui_row *row)
{
	const char *id = query_key_id(row->key);
	return id ? views_detail_of(views_order_lines, id) : NULL;
}

const struct tui_view_ops view_orders_ops = {
        .name = "orders",
        .title = N_("Orders"),
        .main_screen = true,
        .requests = orders_requests,
        .n_requests = sizeof orders_requests / sizeof orders_requests[0],
        .open = orders_open,
        .close = orders_close,
        .request = orders_request,
        .search = orders_search,
        .status = orders_status,
        .detail = orders_detail,
};
