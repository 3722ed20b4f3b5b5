/* Machine-readable statements: CSV (RFC 4180, UTF-8, formula injection guarded) and JSON
 * (amounts as integer minor units beside their currency code). Both stream the itemized
 * transactions so that a day of 100,000 entries costs no more memory than a day of ten. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client/client.h"
#include "tui/tui.h"
#include "views/statement.h"

/* ISO 8601 local time with its offset ("2026-11-20T14:03:00+08:00") in the current TZ. */
static void iso_time(time_t t, char *buf, size_t size)
{
	struct tm tm;
	char off[8];
	if (!localtime_r(&t, &tm) || strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm) == 0 ||
	    strftime(off, sizeof off, "%z", &tm) == 0) {
		snprintf(buf, size, "%lld", (long long)t);
		return;
	}
	size_t n = strlen(buf);
	/* %z gives +0800; RFC 3339 wants +08:00. */
	if (strlen(off) == 5)
		snprintf(buf + n, size - n, "%.3s:%.2s", off, off + 3);
}

static void plain(int64_t v, const char *currency, char *buf, size_t size)
{
	if (money_format(v, currency, NULL, MONEY_FMT_PLAIN, buf, size) == 0)
		snprintf(buf, size, "%lld", (long long)v);
}

/* Sanitized copy of platform text into buf. */
static const char *clean(const char *text, char *buf, size_t size)
{
	tui_sanitize(text, text ? strlen(text) : 0, buf, size, 0);
	return buf;
}

void statement_csv_cell(FILE *out, const char *text, bool is_number)
{
	if (!text)
		text = "";
	/* A text cell a spreadsheet would evaluate gets an apostrophe; numbers we formatted
	 * ourselves ("-12.50") are numbers, and guarding them would make them text. */
	bool guard = !is_number && (text[0] == '=' || text[0] == '+' || text[0] == '-' ||
	                            text[0] == '@' || text[0] == '\t' || text[0] == '\r');
	bool quote = guard || text[0] == ' ' || strpbrk(text, ",\"\r\n") != NULL;
	if (!quote) {
		fputs(text, out);
		return;
	}
	fputc('"', out);
	if (guard)
		fputc('\'', out);
	for (const char *p = text; *p; p++) {
		if (*p == '"')
			fputc('"', out);
		fputc(*p, out);
	}
	fputc('"', out);
}

/* One CSV record of the 18 columns; NULL cells are empty. The last four are a converted
 * movement's other side: what the customer paid, in which currency, at which rate, and the
 * conversion fee (part of fee). */
struct csv_rec {
	const char *record, *currency, *name, *id, *date, *count, *amount, *fee, *net, *status,
	        *detail, *source, *payout, *order, *paid, *paid_currency, *rate, *fx_fee;
};

static void csv_row(FILE *out, const struct csv_rec *r)
{
	const char *cells[] = {r->record,        r->currency, r->name,   r->id,    r->date,
	                       r->count,         r->amount,   r->fee,    r->net,   r->status,
	                       r->detail,        r->source,   r->payout, r->order, r->paid,
	                       r->paid_currency, r->rate,     r->fx_fee};
	const bool number[] = {false, false, false, false, false, true, true,  true,  true,
	                       false, false, false, false, false, true, false, false, true};
	for (size_t i = 0; i < sizeof cells / sizeof *cells; i++) {
		if (i)
			fputc(',', out);
		statement_csv_cell(out, cells[i], number[i]);
	}
	fputs("\r\n", out);
}

struct csv_items {
	FILE *out;
	const char *code;
	const char *currency;
	int fee_extra; /* the fees' decimals beyond the currency's */
};

static int csv_item(const struct ledger_item *it, void *vctx)
{
	struct csv_items *x = vctx;
	char id[256], type[128], date[40], a[32], f[32], n[32], rc[128], desc[2048], src[256],
	        po[256], order[256], paid[32] = "", paid_code[4] = "", rate[64] = "", fxf[32] = "";
	iso_time(it->created, date, sizeof date);
	if (it->exchange_rate && it->exchange_rate[0]) {
		plain(it->presentment_amount, it->presentment_currency, paid, sizeof paid);
		money_currency_upper(it->presentment_currency, paid_code);
		clean(it->exchange_rate, rate, sizeof rate);
		plain(it->fx_fee, x->currency, fxf, sizeof fxf);
	}
	plain(it->amount, x->currency, a, sizeof a);
	statement_plain_fine(it->fee, x->currency, 0, x->fee_extra, f, sizeof f);
	plain(it->net, x->currency, n, sizeof n);
	struct csv_rec r = {
	        .record = "transaction",
	        .currency = x->code,
	        .name = clean(it->type, type, sizeof type),
	        .id = clean(it->id, id, sizeof id),
	        .date = date,
	        .amount = a,
	        .fee = f,
	        .net = n,
	        .status = clean(it->reporting_category, rc, sizeof rc),
	        .detail = clean(it->description, desc, sizeof desc),
	        .source = clean(it->source, src, sizeof src),
	        .payout = clean(it->payout_id, po, sizeof po),
	        .order = clean(it->order_ref, order, sizeof order),
	        .paid = paid,
	        .paid_currency = paid_code,
	        .rate = rate,
	        .fx_fee = fxf,
	};
	csv_row(x->out, &r);
	return ferror(x->out) ? 1 : 0;
}

static void csv_sum(FILE *out, const char *code, const char *cur, int fee_extra, const char *name,
                    const struct ledger_sum *s, int64_t amount)
{
	char c[32], a[32], f[32], n[32];
	struct csv_rec r = {.record = "summary", .currency = code, .name = name};
	if (!s && strcmp(name, "fees_total") == 0)
		statement_plain_fine(amount, cur, 0, fee_extra, a, sizeof a);
	else
		plain(s ? s->amount : amount, cur, a, sizeof a);
	r.amount = a;
	if (s) {
		snprintf(c, sizeof c, "%lld", (long long)s->count);
		statement_plain_fine(s->fee, cur, 0, fee_extra, f, sizeof f);
		plain(s->net, cur, n, sizeof n);
		r.count = c;
		r.fee = f;
		r.net = n;
	}
	csv_row(out, &r);
}

/* The bills of a bill platform's days: a "bill" record per bill of each day (its state,
 * rows), a "bill_figure" record per figure of its summary: name = the figure's key, detail =
 * the platform's words for it, amount = the bill's figure, net = the cache's, status = the
 * check, source = the bill's text as written. */
static void csv_bills(const struct statement *st, FILE *out)
{
	const struct ledger_bills *bs = st->data->bills;
	if (!bs)
		return;
	char code[4];
	money_currency_upper(bs->currency, code);
	for (size_t i = 0; i < bs->n_bills; i++) {
		const struct ledger_bill *b = &bs->bills[i];
		char day[11];
		memcpy(day, b->day, sizeof day);
		/* Days not in the cache come in runs: one record per day. */
		for (;;) {
			char rows[32];
			snprintf(rows, sizeof rows, "%lld", (long long)b->rows);
			csv_row(out, &(struct csv_rec){.record = "bill",
			                               .currency = code,
			                               .name = b->bill ? b->bill : "",
			                               .date = day,
			                               .count = rows,
			                               .status = ledger_bill_state_key(b->state),
			                               .detail = b->name ? b->name : ""});
			if (strcmp(day, b->last_day) >= 0 || statement_next_day(day) != 0)
				break;
		}
		for (size_t j = 0; j < b->n_figures; j++) {
			const struct ledger_figure *f = &b->figures[j];
			char name[256], text[256], bill[64] = "", cache[64] = "";
			if (f->bill_valid)
				statement_figure_plain(f, bs->currency, f->bill, bill, sizeof bill);
			if (f->cache_valid)
				statement_figure_plain(f, bs->currency, f->cache, cache,
				                       sizeof cache);
			csv_row(out,
			        &(struct csv_rec){.record = "bill_figure",
			                          .currency = code,
			                          .name = f->key,
			                          .id = b->bill,
			                          .date = b->day,
			                          .amount = bill,
			                          .net = cache,
			                          .status = ledger_check_key(f->check),
			                          .detail = clean(f->name, name, sizeof name),
			                          .source = f->bill_text ? clean(f->bill_text, text,
			                                                         sizeof text)
			                                                 : ""});
		}
	}
}

int statement_write_csv(struct statement *st, FILE *out, char *err, size_t err_size)
{
	const struct ledger_statement *d = st->data;
	char saved[128], from[40], to[40], gen[40], sync[40];
	statement_tz_enter(st->timezone, saved, sizeof saved);
	iso_time(d->from, from, sizeof from);
	iso_time(d->to, to, sizeof to);
	iso_time(st->opt.generated_at, gen, sizeof gen);
	if (d->last_sync > 0)
		iso_time(d->last_sync, sync, sizeof sync);
	else
		sync[0] = '\0';
	csv_row(out, &(struct csv_rec){"record", "currency", "name", "id", "date", "count",
	                               "amount", "fee", "net", "status", "detail", "source",
	                               "payout", "order", "presentment_amount",
	                               "presentment_currency", "exchange_rate", "conversion_fee"});
	csv_row(out, &(struct csv_rec){.record = "header",
	                               .name = "account",
	                               .id = st->account_id,
	                               .detail = st->account_name});
	csv_row(out, &(struct csv_rec){.record = "header", .name = "period_start", .date = from});
	csv_row(out, &(struct csv_rec){.record = "header", .name = "period_end", .date = to});
	csv_row(out,
	        &(struct csv_rec){.record = "header", .name = "timezone", .detail = st->zone_name});
	csv_row(out, &(struct csv_rec){.record = "header",
	                               .name = "generated_at",
	                               .date = gen,
	                               .detail = st->operator_name});
	csv_row(out, &(struct csv_rec){.record = "header",
	                               .name = "data_as_of",
	                               .date = sync,
	                               .status = d->stale ? "stale" : "current"});
	int rc = 0;
	for (size_t i = 0; i < d->n_currencies && rc == 0; i++) {
		const struct ledger_currency *c = &d->currencies[i];
		char code[4];
		money_currency_upper(c->currency, code);
		const int fx = statement_fee_extra(st, c->currency);
		csv_sum(out, code, c->currency, fx, "opening_balance", NULL, c->opening);
		for (int k = 0; k < LEDGER_CAT_COUNT; k++)
			csv_sum(out, code, c->currency, fx,
			        ledger_category_key((enum ledger_category)k), &c->cat[k], 0);
		csv_sum(out, code, c->currency, fx, "fees_total", NULL, c->fees);
		csv_sum(out, code, c->currency, fx, "net_activity", NULL, c->net_activity);
		csv_sum(out, code, c->currency, fx, "payouts_total", NULL, c->payouts_net);
		csv_sum(out, code, c->currency, fx, "closing_balance", NULL, c->closing);
		csv_sum(out, code, c->currency, fx, "payouts_arriving", NULL, c->payouts_arriving);
		for (size_t j = 0; j < c->n_payouts; j++) {
			const struct ledger_payout *p = &c->payouts[j];
			char id[256], status[128], arrival[40], cnt[32], a[32], n[32];
			/* The arrival is a calendar date, not a moment of the time zone. */
			statement_arrival_day(p->arrival_date, arrival, sizeof arrival);
			snprintf(cnt, sizeof cnt, "%lld", (long long)p->txn_count);
			plain(p->amount, c->currency, a, sizeof a);
			plain(p->txn_net, c->currency, n, sizeof n);
			csv_row(out,
			        &(struct csv_rec){.record = "payout",
			                          .currency = code,
			                          .id = clean(p->id, id, sizeof id),
			                          .date = arrival,
			                          .count = cnt,
			                          .amount = a,
			                          .net = n,
			                          .status = clean(p->status, status, sizeof status),
			                          .detail = ledger_recon_key(p->recon)});
		}
		/* A day's conversions from one currency: amount is what they became, the
		 * presentment columns what customers paid, the rate the effective one. */
		for (size_t j = 0; j < c->n_fx; j++) {
			const struct ledger_fx *v = &c->fx[j];
			char cnt[32], a[32], f[32], paid[32], fcode[4], rate[32];
			snprintf(cnt, sizeof cnt, "%lld", (long long)v->count);
			plain(v->settled, c->currency, a, sizeof a);
			plain(v->fees, c->currency, f, sizeof f);
			plain(v->presented, v->from, paid, sizeof paid);
			money_currency_upper(v->from, fcode);
			ledger_fx_rate(v, c->currency, rate, sizeof rate);
			csv_row(out, &(struct csv_rec){.record = "conversion",
			                               .currency = code,
			                               .name = "conversions",
			                               .date = v->day,
			                               .count = cnt,
			                               .amount = a,
			                               .paid = paid,
			                               .paid_currency = fcode,
			                               .rate = rate,
			                               .fx_fee = f});
		}
		if (c->n_fx) {
			char f[32];
			plain(c->fx_fees, c->currency, f, sizeof f);
			csv_row(out, &(struct csv_rec){.record = "summary",
			                               .currency = code,
			                               .name = "conversion_fees_total",
			                               .amount = f,
			                               .fx_fee = f});
		}
		struct csv_items x = {
		        .out = out, .code = code, .currency = c->currency, .fee_extra = fx};
		enum ledger_status r =
		        statement_items(st, c->currency, LEDGER_ITEMS_ORDER, csv_item, &x);
		if (r != LEDGER_OK) {
			if (r == LEDGER_STOPPED)
				snprintf(err, err_size, _("writing the statement failed: %s"),
				         strerror(errno));
			else
				statement_items_error(st, r, err, err_size);
			rc = -1;
		}
	}
	if (rc == 0)
		csv_bills(st, out);
	statement_tz_leave(saved);
	if (rc == 0 && ferror(out)) {
		snprintf(err, err_size, _("writing the statement failed: %s"), strerror(errno));
		rc = -1;
	}
	return rc;
}

/* Writes a jansson value compactly; false when the stream failed. */
static bool dump(FILE *out, json_t *v)
{
	if (!v)
		return false;
	int r = json_dumpf(v, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(v);
	return r == 0;
}

static json_t *sum_json(const struct ledger_sum *s)
{
	return json_pack("{s:I,s:I,s:I,s:I}", "count", (json_int_t)s->count, "amount",
	                 (json_int_t)s->amount, "fee", (json_int_t)s->fee, "net",
	                 (json_int_t)s->net);
}

struct json_items {
	FILE *out;
	const char *code;
	bool first;
	bool failed;
};

static int json_item(const struct ledger_item *it, void *vctx)
{
	struct json_items *x = vctx;
	char id[256], type[128], rc[128], desc[2048], src[256], po[256], date[40], order[256];
	iso_time(it->created, date, sizeof date);
	json_t *o = json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:s,s:s,s:s,s:s,s:s}", "id",
	                      clean(it->id, id, sizeof id), "created", (json_int_t)it->created,
	                      "created_local", date, "type", clean(it->type, type, sizeof type),
	                      "reporting_category", clean(it->reporting_category, rc, sizeof rc),
	                      "category", ledger_category_key(it->category), "amount",
	                      (json_int_t)it->amount, "fee", (json_int_t)it->fee, "net",
	                      (json_int_t)it->net, "currency", x->code, "source",
	                      clean(it->source, src, sizeof src), "description",
	                      clean(it->description, desc, sizeof desc), "payout",
	                      clean(it->payout_id, po, sizeof po), "order",
	                      clean(it->order_ref, order, sizeof order));
	if (o && it->exchange_rate && it->exchange_rate[0]) {
		char rate[64];
		json_object_set_new(o, "conversion",
		                    json_pack("{s:I,s:s,s:s,s:I}", "presentment_amount",
		                              (json_int_t)it->presentment_amount,
		                              "presentment_currency", it->presentment_currency,
		                              "exchange_rate",
		                              clean(it->exchange_rate, rate, sizeof rate), "fee",
		                              (json_int_t)it->fx_fee));
	} else if (o) {
		json_object_set_new(o, "conversion", json_null());
	}
	if ((!x->first && fputc(',', x->out) == EOF) || !dump(x->out, o)) {
		x->failed = true;
		return 1;
	}
	x->first = false;
	return 0;
}

/* The statement of one currency without its transactions. */
static json_t *currency_json(const struct ledger_currency *c)
{
	json_t *o = json_object();
	json_t *payouts = json_array();
	if (!o || !payouts) {
		json_decref(o);
		json_decref(payouts);
		return NULL;
	}
	json_object_set_new(o, "currency", json_string(c->currency));
	json_object_set_new(o, "opening_balance", json_integer(c->opening));
	for (int k = 0; k < LEDGER_CAT_COUNT; k++)
		json_object_set_new(o, ledger_category_key((enum ledger_category)k),
		                    sum_json(&c->cat[k]));
	json_object_set_new(o, "fees_total", json_integer(c->fees));
	json_object_set_new(o, "net_activity", json_integer(c->net_activity));
	json_object_set_new(o, "payouts_total", json_integer(c->payouts_net));
	json_object_set_new(o, "closing_balance", json_integer(c->closing));
	json_object_set_new(o, "inconsistent_transactions", json_integer(c->inconsistent));
	for (size_t j = 0; j < c->n_payouts; j++) {
		const struct ledger_payout *p = &c->payouts[j];
		char id[256], status[128], day[16];
		statement_arrival_day(p->arrival_date, day, sizeof day);
		json_array_append_new(
		        payouts,
		        json_pack("{s:s,s:I,s:I,s:s,s:I,s:s,s:s,s:{s:s,s:I,s:I,s:I,s:b}}", "id",
		                  clean(p->id, id, sizeof id), "created", (json_int_t)p->created,
		                  "arrival_date", (json_int_t)p->arrival_date, "arrival_day", day,
		                  "amount", (json_int_t)p->amount, "currency", c->currency,
		                  "status", clean(p->status, status, sizeof status),
		                  "reconciliation", "result", ledger_recon_key(p->recon),
		                  "transactions", (json_int_t)p->txn_count, "net",
		                  (json_int_t)p->txn_net, "difference", (json_int_t)p->difference,
		                  "sync_complete", p->sync_complete));
	}
	/* The payouts arriving in the period (by arrival date), and their sum. */
	json_object_set_new(o, "payouts_list", payouts);
	json_object_set_new(o, "payouts_arriving_total", json_integer(c->payouts_arriving));
	/* What each day converted into this currency from each presentment currency. */
	json_t *fx = json_array();
	for (size_t j = 0; fx && j < c->n_fx; j++) {
		const struct ledger_fx *v = &c->fx[j];
		char rate[32];
		ledger_fx_rate(v, c->currency, rate, sizeof rate);
		json_array_append_new(fx, json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:s}", "day",
		                                    v->day, "from", v->from, "to", c->currency,
		                                    "count", (json_int_t)v->count, "presented",
		                                    (json_int_t)v->presented, "settled",
		                                    (json_int_t)v->settled, "fees",
		                                    (json_int_t)v->fees, "effective_rate", rate));
	}
	json_object_set_new(o, "conversions", fx ? fx : json_null());
	json_object_set_new(o, "conversion_fees_total", json_integer(c->fx_fees));
	return o;
}

static json_t *figure_json(const struct ledger_figure *f)
{
	char name[256], text[256];
	json_t *o = json_pack("{s:s,s:s,s:s,s:i,s:i,s:s}", "key", f->key, "name",
	                      clean(f->name, name, sizeof name), "unit",
	                      f->unit == LEDGER_UNIT_COUNT   ? "count"
	                      : f->unit == LEDGER_UNIT_MONEY ? "amount"
	                                                     : "fee",
	                      "scale", f->scale, "decimals", f->decimals, "check",
	                      ledger_check_key(f->check));
	if (!o)
		return NULL;
	json_object_set_new(o, "bill_text",
	                    f->bill_text ? json_string(clean(f->bill_text, text, sizeof text))
	                                 : json_null());
	json_object_set_new(o, "bill", f->bill_valid ? json_integer(f->bill) : json_null());
	bool computed = f->cache_valid;
	json_object_set_new(o, "cache", computed ? json_integer(f->cache) : json_null());
	json_object_set_new(o, "difference",
	                    computed && f->bill_valid && f->check != LEDGER_CHECK_ABSENT
	                            ? json_integer(f->difference)
	                            : json_null());
	return o;
}

/* The bills of a bill platform's days: values are integers in units of 10^-scale of the
 * major unit (a WeChat Pay fee of 0.07854 yuan is 7854 at scale 5). */
static json_t *bills_json(const struct statement *st)
{
	const struct ledger_bills *bs = st->data->bills;
	json_t *list = json_array();
	json_t *o =
	        json_pack("{s:s,s:s,s:I,s:I,s:I}", "currency", bs->currency, "first_day",
	                  bs->first_day, "days", (json_int_t)bs->days, "differences",
	                  (json_int_t)bs->differences, "days_not_checked", (json_int_t)bs->missing);
	if (!o || !list) {
		json_decref(o);
		json_decref(list);
		return NULL;
	}
	for (size_t i = 0; i < bs->n_bills; i++) {
		const struct ledger_bill *b = &bs->bills[i];
		json_t *figures = json_array();
		json_t *bj = json_pack("{s:s,s:s,s:s?,s:s?,s:s,s:I,s:I}", "day", b->day, "last_day",
		                       b->last_day, "bill", b->bill, "name", b->name, "state",
		                       ledger_bill_state_key(b->state), "rows", (json_int_t)b->rows,
		                       "differences", (json_int_t)b->differences);
		for (size_t j = 0; figures && j < b->n_figures; j++)
			json_array_append_new(figures, figure_json(&b->figures[j]));
		if (bj && figures)
			json_object_set_new(bj, "figures", figures);
		else
			json_decref(figures);
		json_array_append_new(list, bj);
	}
	json_object_set_new(o, "list", list);
	return o;
}

int statement_write_json(struct statement *st, FILE *out, char *err, size_t err_size)
{
	const struct ledger_statement *d = st->data;
	char saved[128], from[40], to[40], gen[40], sync[40] = "";
	statement_tz_enter(st->timezone, saved, sizeof saved);
	iso_time(d->from, from, sizeof from);
	iso_time(d->to, to, sizeof to);
	iso_time(st->opt.generated_at, gen, sizeof gen);
	if (d->last_sync > 0)
		iso_time(d->last_sync, sync, sizeof sync);
	/* The calendar days whose arriving payouts the statement lists. */
	char first_day[16], last_day[16];
	statement_arrival_day(d->arrival_from, first_day, sizeof first_day);
	statement_arrival_day(d->arrival_to - 86400, last_day, sizeof last_day);
	json_t *head = json_pack(
	        "{s:{s:s,s:s},s:{s:I,s:I,s:s,s:s,s:s,s:s,s:s},s:I,s:s,s:s,s:I,s:s,s:b}", "account",
	        "id", st->account_id, "name", st->account_name, "period", "from",
	        (json_int_t)d->from, "to", (json_int_t)d->to, "from_local", from, "to_local", to,
	        "payouts_arriving_from", first_day, "payouts_arriving_to", last_day, "timezone",
	        st->zone_name, "generated_at", (json_int_t)st->opt.generated_at,
	        "generated_at_local", gen, "operator", st->operator_name, "data_as_of",
	        (json_int_t)d->last_sync, "data_as_of_local", sync, "stale", d->stale);
	char *text = head ? json_dumps(head, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(head);
	bool ok = text != NULL;
	/* The head object's closing brace is replaced by the currencies array. */
	if (ok) {
		text[strlen(text) - 1] = '\0';
		ok = fprintf(out, "%s,\"currencies\":[", text) >= 0;
	}
	free(text);
	enum ledger_status lr = LEDGER_OK;
	for (size_t i = 0; ok && i < d->n_currencies; i++) {
		const struct ledger_currency *c = &d->currencies[i];
		json_t *cj = currency_json(c);
		char *ctext = cj ? json_dumps(cj, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		json_decref(cj);
		if (!ctext) {
			ok = false;
			break;
		}
		ctext[strlen(ctext) - 1] = '\0';
		ok = fprintf(out, "%s%s,\"transactions\":[", i ? "," : "", ctext) >= 0;
		free(ctext);
		struct json_items x = {.out = out, .code = c->currency, .first = true};
		if (ok)
			lr = statement_items(st, c->currency, LEDGER_ITEMS_ORDER, json_item, &x);
		if (lr != LEDGER_OK || x.failed) {
			ok = false;
			break;
		}
		ok = fputs("]}", out) != EOF;
	}
	if (ok)
		ok = fputs("]", out) != EOF;
	if (ok && st->data->bills) {
		json_t *bills = bills_json(st);
		if (!bills || fputs(",\"bills\":", out) == EOF) {
			json_decref(bills);
			ok = false;
		} else {
			ok = dump(out, bills);
		}
	}
	if (ok)
		ok = fputs("}\n", out) != EOF;
	statement_tz_leave(saved);
	if (!ok) {
		if (lr != LEDGER_OK && lr != LEDGER_STOPPED)
			statement_items_error(st, lr, err, err_size);
		else
			snprintf(err, err_size, _("writing the statement failed: %s"),
			         errno ? strerror(errno) : ledger_status_message(LEDGER_NOMEM));
		return -1;
	}
	return 0;
}
