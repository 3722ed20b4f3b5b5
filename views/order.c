/* The order detail: every field, who paid (billing, shipping) and the shop's
 * metadata, its refunds and disputes, its balance transaction (gross, fee,
 * net), the event timeline and the platform's own fields.  Enter on a refund
 * or dispute line opens it. */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client.h"
#include "client/model.h"
#include "views/actions_ui.h"
#include "views/views.h"

static const struct tui_request_info order_requests[] = {
        {TUI_REQ_ENTER, "open", "<Enter>", N_("Open the refund or dispute under the cursor"),
         TUI_NEED_SELECTION},
        ACTIONS_UI_REQ_REFUND,
};

/* Line text prefixes that Enter follows: "  re_..." and "  dp_..." lines
 * carry the object id as their first word after the date. */
struct order_ctx {
	struct tui_lines *lines;
	int refunds;
	int disputes;
};

static int add_refund(void *ctx, const struct query_refund_row *r)
{
	struct order_ctx *c = ctx;
	char when[64], amount[64], label[64], reason[64];
	views_datetime(r->created, when, sizeof when);
	views_money_sym(r->amount, r->currency, amount, sizeof amount);
	tui_lines_addf(c->lines, views_status_style(r->status), "  %s  %s  %s  %s  %s", when, r->id,
	               amount, views_label(r->status, label, sizeof label),
	               r->reason[0] ? views_label(r->reason, reason, sizeof reason) : "");
	c->refunds++;
	return 0;
}

static int add_dispute(void *ctx, const struct query_dispute_row *d)
{
	struct order_ctx *c = ctx;
	char when[64], amount[64], label[64], reason[64], left[64];
	int style;
	views_datetime(d->created, when, sizeof when);
	views_money_sym(d->amount, d->currency, amount, sizeof amount);
	views_deadline(d->due_by, paydesk_now(), left, sizeof left, &style);
	tui_lines_addf(c->lines, style ? style : views_status_style(d->status),
	               "  %s  %s  %s  %s  %s  %s", when, d->id, amount,
	               views_label(d->status, label, sizeof label),
	               views_label(d->reason, reason, sizeof reason), left);
	c->disputes++;
	return 0;
}

static int add_event(void *ctx, const struct query_event_row *e)
{
	struct order_ctx *c = ctx;
	char when[64];
	views_datetime(e->created, when, sizeof when);
	tui_lines_addf(c->lines, TUI_STYLE_NORMAL, "  %s  %s  %s", when, e->type, e->id);
	return 0;
}

/* The text of a string member of obj (NUL kept visible), "" when absent. */
static void member_text(json_t *obj, const char *name, char *buf, size_t size)
{
	json_t *v = json_object_get(obj, name);
	if (json_is_string(v))
		views_json_text(v, buf, size);
	else if (size)
		buf[0] = '\0';
}

/* An address object as one line: "line1, line2, postal_code city, state, country". */
static void address_line(json_t *address, char *buf, size_t size)
{
	static const char *const parts[] = {"line1", "line2", "", "state", "country"};
	char postal[96], city[192], text[256];
	member_text(address, "postal_code", postal, sizeof postal);
	member_text(address, "city", city, sizeof city);
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
		if (parts[i][0])
			member_text(address, parts[i], text, sizeof text);
		else
			snprintf(text, sizeof text, "%s%s%s", postal,
			         postal[0] && city[0] ? " " : "", city);
		if (text[0] && used < size)
			used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
			                         text);
	}
}

/* Adds a section of who paid or where it goes (billing_details, shipping) from the
 * platform's JSON; name and email may come from the order's columns. */
static void add_party(struct tui_lines *lines, const char *title, json_t *party, const char *name,
                      const char *email)
{
	char text[512], phone[96], tax[96], own_name[192];
	member_text(party, "name", own_name, sizeof own_name);
	address_line(json_object_get(party, "address"), text, sizeof text);
	member_text(party, "phone", phone, sizeof phone);
	member_text(party, "tax_id", tax, sizeof tax);
	if (!name || !name[0])
		name = own_name;
	tui_lines_add(lines, TUI_STYLE_NORMAL, "");
	tui_lines_add(lines, TUI_STYLE_HEADER, title);
	if (!name[0] && !(email && email[0]) && !text[0] && !phone[0] && !tax[0]) {
		tui_lines_addf(lines, TUI_STYLE_DIM, "  %s", _("none given"));
		return;
	}
	if (name[0])
		views_field(lines, _("Name"), name);
	if (email && email[0])
		views_field(lines, _("Email"), email);
	if (phone[0])
		views_field(lines, _("Phone"), phone);
	if (text[0])
		views_field(lines, _("Address"), text);
	if (tax[0])
		views_field(lines, _("Tax id"), tax);
}

/* Billing details (and shipping, when the order has it) and the shop's metadata: what the
 * merchant needs to recognise the order, before the platform's own fields. */
static void add_customer_sections(struct tui_lines *lines, const struct query_order_row *o)
{
	char *raw = query_raw_json(views_app.query, o->id);
	json_t *root = raw ? json_loads(raw, JSON_ALLOW_NUL, NULL) : NULL;
	free(raw);
	/* The bill platforms know no billing details: the payer is in the facts above. */
	if (!(views_app.platform && views_app.platform->history == PROVIDER_HISTORY_BILLS))
		add_party(lines, _("Billing"), json_object_get(root, "billing_details"),
		          o->customer_name, o->customer_email);
	json_t *shipping = json_object_get(root, "shipping");
	if (json_is_object(shipping))
		add_party(lines, _("Shipping"), shipping, NULL, NULL);
	json_decref(root);

	tui_lines_add(lines, TUI_STYLE_NORMAL, "");
	tui_lines_add(lines, TUI_STYLE_HEADER, _("Metadata"));
	char *text = query_order_metadata(views_app.query, o->id);
	json_t *metadata = text ? json_loads(text, JSON_ALLOW_NUL, NULL) : NULL;
	free(text);
	const char *key;
	json_t *value;
	int shown = 0;
	json_object_foreach(metadata, key, value)
	{
		char v[1024];
		if (json_is_string(value)) {
			views_json_text(value, v, sizeof v);
		} else {
			char *dumped = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
			snprintf(v, sizeof v, "%s", dumped ? dumped : "?");
			free(dumped);
		}
		views_field(lines, key, v);
		shown++;
	}
	json_decref(metadata);
	if (!shown)
		tui_lines_addf(lines, TUI_STYLE_DIM, "  %s", _("none"));
}

/* Under the amount, when the charge was converted: what it settled as, in the account's
 * currency, net of fees. */
static void add_settled(struct tui_lines *lines, const char *id)
{
	struct query_balance_row b;
	if (!id[0] || query_balance_get(views_app.query, id, &b) <= 0 || !b.converted)
		return;
	char net[64], cur[8], text[160];
	views_money_sym(b.net, b.currency, net, sizeof net);
	views_currency(b.currency, cur, sizeof cur);
	/* TRANSLATORS: what a converted charge credited: "$197.61 (USD) net, converted" */
	snprintf(text, sizeof text, _("%s (%s) net, converted"), net, cur);
	views_field(lines, _("Credited"), text);
}

/* Adds the balance transaction section (gross, fee, net). */
static void add_balance(struct tui_lines *lines, const char *id)
{
	struct query_balance_row b;
	char gross[64], fee[64], net[64], avail[64];
	tui_lines_add(lines, TUI_STYLE_NORMAL, "");
	tui_lines_add(lines, TUI_STYLE_HEADER, _("Balance transaction"));
	int found = id[0] ? query_balance_get(views_app.query, id, &b) : 0;
	if (found <= 0) {
		tui_lines_addf(lines, TUI_STYLE_DIM, "  %s",
		               id[0] ? _("not in the cache yet (it arrives with the next sync)")
		                     : _("none"));
		return;
	}
	views_money_sym(b.amount, b.currency, gross, sizeof gross);
	views_money_sym(b.fee, b.currency, fee, sizeof fee);
	views_money_sym(b.net, b.currency, net, sizeof net);
	views_date(b.available_on, avail, sizeof avail);
	views_field(lines, _("Id"), b.id);
	views_field(lines, _("Gross"), gross);
	views_field(lines, _("Fee"), fee);
	views_field(lines, _("Net"), net);
	views_field(lines, _("Available on"), avail);
	if (b.converted) {
		/* What the customer paid, what the account was credited, the rate between. */
		char paid[64], rate[160], fx[64], from[8], to[8];
		views_money_sym(b.presentment_amount, b.presentment_currency, paid, sizeof paid);
		views_money_sym(b.fx_fee, b.currency, fx, sizeof fx);
		views_currency(b.presentment_currency, from, sizeof from);
		views_currency(b.currency, to, sizeof to);
		/* TRANSLATORS: an exchange rate: 1 EUR = 1.0832 USD */
		snprintf(rate, sizeof rate, _("1 %s = %s %s"), from, b.exchange_rate, to);
		views_field(lines, _("Customer paid"), paid);
		views_field(lines, _("Converted to"), gross);
		views_field(lines, _("Exchange rate"), rate);
		views_field(lines, _("Conversion fee"), fx);
	}
}

/* Builds every line of an order's detail; false when it is not cached
 * (then a message says so). */
/* A fee to the bill's precision: thousandths of the minor unit ("¥0.07854"). */
static void fee_fine_text(int64_t fine, const char *currency, char *buf, size_t size)
{
	int64_t abs = fine < 0 ? -fine : fine;
	char whole[64];
	views_money_sym(abs / 1000, currency, whole, sizeof whole);
	size_t n = strlen(whole);
	if (n && whole[n - 1] >= '0' && whole[n - 1] <= '9')
		snprintf(buf, size, "%s%s%03d", fine < 0 ? "-" : "", whole, (int)(abs % 1000));
	else
		snprintf(buf, size, "%s%s", fine < 0 ? "-" : "", whole);
}

/* What the bill says of the order: payer, how it was paid, settlement, discount, fee. */
static void add_bill_facts(struct tui_lines *lines, const struct query_order_row *o)
{
	struct query_order_bill b;
	if (query_order_bill_get(views_app.query, o->id, &b) <= 0)
		return;
	char text[128];
	views_field(lines, _("Payer"), b.payer);
	views_field(lines, _("Paid via"), b.channel);
	if (b.settle_amount != MODEL_UNKNOWN) {
		views_money_sym(b.settle_amount, o->currency, text, sizeof text);
		views_field(lines, _("Settlement"), text);
	}
	if (b.discount_amount != MODEL_UNKNOWN && b.discount_amount) {
		views_money_sym(b.discount_amount, o->currency, text, sizeof text);
		views_field(lines, _("Discount"), text);
	}
	if (b.fee_fine != MODEL_UNKNOWN) {
		char fee[80];
		fee_fine_text(b.fee_fine, o->currency, fee, sizeof fee);
		if (b.fee_rate[0])
			snprintf(text, sizeof text, "%s (%s)", fee, b.fee_rate);
		else
			snprintf(text, sizeof text, "%s", fee);
		views_field(lines, _("Fee"), text);
	}
	views_field(lines, _("In the bill of"), b.bill_day[0] ? b.bill_day : _("not yet"));
}

bool views_order_lines(struct tui_lines *lines, const char *id)
{
	struct query_order_row o;
	int found = query_order_get(views_app.query, id, &o);
	if (found <= 0) {
		tui_message(found < 0 ? "%s" : _("The order %s is not in the cache."),
		            found < 0 ? query_error(views_app.query) : id);
		return false;
	}
	char text[512], a[64], b[64], label[64];
	const struct provider_platform *pl = views_app.platform;
	bool bills = pl && pl->history == PROVIDER_HISTORY_BILLS;
	tui_lines_addf(lines, TUI_STYLE_HEADER, _("Order %s"), o.id);
	views_datetime(o.created, text, sizeof text);
	views_field(lines, _("Date"), text);
	views_field(lines, views_word(pl ? pl->order_ref_label : NULL, N_("Order ref")),
	            o.order_ref);
	if (bills) {
		views_field(lines, views_word(pl->order_id_label, N_("Order")), o.id);
	} else {
		snprintf(text, sizeof text, "%s%s%s%s", o.customer_name,
		         o.customer_email[0] ? " <" : "", o.customer_email,
		         o.customer_email[0] ? ">" : "");
		views_field(lines, _("Customer"), text);
	}
	views_money_sym(o.amount, o.currency, a, sizeof a);
	views_currency(o.currency, b, sizeof b);
	snprintf(text, sizeof text, "%s (%s)", a, b);
	views_field(lines, _("Amount"), text);
	add_settled(lines, o.balance_transaction);
	views_money_sym(o.amount_refunded, o.currency, a, sizeof a);
	views_field(lines, _("Refunded"), a);
	views_money_sym(o.amount - o.amount_refunded, o.currency, a, sizeof a);
	views_field(lines, _("Left to refund"), a);
	snprintf(text, sizeof text, "%s", views_label(o.status, label, sizeof label));
	views_field(lines, _("Status"), text);
	if (!bills)
		views_field(lines, _("Platform status"), o.platform_status);
	if (bills) {
		add_bill_facts(lines, &o);
	} else {
		if (o.card_last4[0])
			snprintf(text, sizeof text, "%s **** %s", o.card_brand, o.card_last4);
		else
			text[0] = '\0';
		views_field(lines, _("Card"), text);
		views_field(lines, _("Risk level"), views_label(o.risk_level, label, sizeof label));
	}
	views_field(lines, _("Description"), o.description);
	if (!bills)
		views_field(lines, _("Payment intent"), o.payment_intent);
	if (o.failure_message[0])
		views_field(lines, _("Failure"), o.failure_message);
	add_customer_sections(lines, &o);

	struct order_ctx c = {lines, 0, 0};
	tui_lines_add(lines, TUI_STYLE_NORMAL, "");
	tui_lines_add(lines, TUI_STYLE_HEADER, _("Refunds"));
	query_each_order_refund(views_app.query, o.id, add_refund, &c);
	if (!c.refunds)
		tui_lines_addf(lines, TUI_STYLE_DIM, "  %s", _("none"));
	tui_lines_add(lines, TUI_STYLE_NORMAL, "");
	tui_lines_add(lines, TUI_STYLE_HEADER,
	              views_word(pl ? pl->disputes_title : NULL, N_("Disputes")));
	query_each_order_dispute(views_app.query, o.id, add_dispute, &c);
	if (!c.disputes)
		tui_lines_addf(lines, TUI_STYLE_DIM, "  %s", _("none"));
	add_balance(lines, o.balance_transaction);
	tui_lines_add(lines, TUI_STYLE_NORMAL, "");
	tui_lines_add(lines, TUI_STYLE_HEADER, _("Timeline"));
	if (query_each_event(views_app.query, o.id, add_event, &c) <= 0)
		tui_lines_addf(lines, TUI_STYLE_DIM, "  %s", _("no events cached"));
	views_raw_fields(lines, o.id);
	return true;
}

bool views_order_id(const char *text, char *id, size_t size)
{
	char ids[3][QUERY_ID];
	int n = query_order_find(views_app.query, text, ids, 3);
	if (n < 0) {
		tui_message("%s", query_error(views_app.query));
		return false;
	}
	if (n == 0 && views_platform_offers(VIEWS_NEED_ACT_LOOKUP) && !views_app.offline) {
		/* Not in the bills yet (paid today): the platform's point query, now. */
		struct actions_session *s = actions_ui_session();
		struct provider_result r;
		char fetched[72];
		int rc = s && s->provider ? actions_lookup_order(s, text, fetched, &r) : -1;
		if (rc == 1) {
			views_data_changed();
			snprintf(id, size, "%s", fetched);
			return true;
		}
		if (rc == 0)
			tui_message(_("Neither the cache nor the platform has an order %s."), text);
		else
			tui_message(
			        _("No order in the cache has the id or the order number %s, and "
			          "the platform could not be asked: %s"),
			        text,
			        s && s->provider ? provider_outcome_message(r.outcome)
			                         : _("offline"));
		return false;
	}
	if (n == 0) {
		tui_message(_("No order in the cache has the id or the order number %s."), text);
		return false;
	}
	if (n > 1) {
		tui_message(P_("The order number %s belongs to %d orders (%s, %s%s); open one by "
		               "its id.",
		               "The order number %s belongs to %d orders (%s, %s%s); open one by "
		               "its id.",
		               n),
		            text, n, ids[0], ids[1], n > 2 ? ", ..." : "");
		return false;
	}
	snprintf(id, size, "%s", ids[0]);
	return true;
}

static int order_open(struct tui_view *view, const char *arg)
{
	if (!arg || !*arg) {
		tui_message("%s", _("Which order? Give its id or its order number, e.g. :order "
		                    "ORD-0001234 or :order ch_123."));
		return -1;
	}
	char found[QUERY_ID];
	if (!views_order_id(arg, found, sizeof found))
		return -1;
	char *id = strdup(found);
	struct tui_lines *lines = tui_lines_new();
	if (!id || !lines) {
		free(id);
		tui_lines_free(lines);
		tui_message("%s", _("Out of memory."));
		return -1;
	}
	if (!views_order_lines(lines, id)) {
		free(id);
		tui_lines_free(lines);
		return -1;
	}
	view->data = id;
	tui_view_set_lines(view, lines);
	return 0;
}

static void order_close(struct tui_view *view)
{
	free(view->data);
	view->data = NULL;
}

/* The order as the cache has it now (after a refund, a sync). */
static struct tui_lines *order_reload(struct tui_view *view)
{
	struct tui_lines *lines = tui_lines_new();
	if (lines && !views_order_lines(lines, view->data)) {
		tui_lines_free(lines);
		return NULL;
	}
	return lines;
}

/* Opens the refund or dispute whose id is on the selected line. */
static int order_request(struct tui_view *view, int request)
{
	if (request == ACTIONS_REQ_REFUND)
		return actions_ui_request(view, request);
	if (request != TUI_REQ_ENTER)
		return TUI_PASS;
	const char *text = tui_view_selected_line(view);
	const char *re = text ? strstr(text, "  re_") : NULL;
	const char *dp = text ? strstr(text, "  dp_") : NULL;
	const char *du = text ? strstr(text, "  du_") : NULL;
	const char *at = re ? re : dp ? dp : du;
	if (!at) {
		tui_message("%s", _("Move the cursor to a refund or a dispute to open it."));
		return TUI_HANDLED;
	}
	char id[QUERY_ID];
	size_t n = strcspn(at + 2, " ");
	snprintf(id, sizeof id, "%.*s", (int)n, at + 2);
	tui_view_push(re ? "refund" : "dispute", id);
	return TUI_HANDLED;
}

const struct tui_view_ops view_order_ops = {
        .name = "order",
        .title = N_("Order"),
        .requests = order_requests,
        .n_requests = sizeof order_requests / sizeof order_requests[0],
        .open = order_open,
        .close = order_close,
        .request = order_request,
        .reload = order_reload,
};
