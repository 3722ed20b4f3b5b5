/* Shared by the bill readers' harnesses: a sink that checks every object a reader hands
 * over (an id, a time, a currency of three lower-case letters, JSON that jansson reads,
 * valid UTF-8 included, in what goes to the cache as JSON) and hashes what it was given, so
 * that two readings can be compared. */
#ifndef PAYDESK_TESTS_FUZZ_BILLS_H
#define PAYDESK_TESTS_FUZZ_BILLS_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client/model.h"
#include "client/provider.h"
#include "tests/fuzz/fuzz.h"

/* What one reading gave: a hash of every object handed over, and the summary. */
struct seen {
	uint64_t hash;
	long objects, summaries;
	int64_t summary_rows;
};

static void mix(struct seen *s, const void *p, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		s->hash = (s->hash ^ c[i]) * 0x100000001b3u;
}

static void mix_str(struct seen *s, const char *str)
{
	if (str)
		mix(s, str, strlen(str) + 1);
	else
		mix(s, "\xff", 1);
}

static void mix_int(struct seen *s, int64_t v)
{
	mix(s, &v, sizeof v);
}

static void check_json(const char *text)
{
	if (!text)
		return;
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);
	if (!j)
		fprintf(stderr, "fuzz: not JSON (%s): %s\n", err.text, text);
	CHECK(j && json_is_object(j));
	json_decref(j);
}

static void check_currency(const char *c)
{
	CHECK(c && strlen(c) == 3);
	for (int i = 0; i < 3; i++)
		CHECK(c[i] >= 'a' && c[i] <= 'z');
}

static int on_object(void *user, const struct model_object *m)
{
	struct seen *s = user;
	s->objects++;
	CHECK(m->id && *m->id && m->created != 0);
	check_json(m->raw);
	check_json(m->metadata);
	mix_int(s, m->kind);
	mix_str(s, m->id);
	mix_int(s, m->created);
	mix_str(s, m->raw);
	mix_str(s, m->metadata);
	switch (m->kind) {
	case MODEL_ORDER: {
		const struct model_order *o = &m->u.order;
		check_currency(o->currency);
		mix_int(s, o->amount), mix_int(s, o->settle_amount), mix_int(s, o->discount_amount);
		mix_int(s, o->fee_fine);
		mix_str(s, o->currency), mix_str(s, o->order_ref), mix_str(s, o->payer);
		mix_str(s, o->channel), mix_str(s, o->description), mix_str(s, o->fee_rate);
		mix_str(s, o->bill_day);
		break;
	}
	case MODEL_REFUND: {
		const struct model_refund *r = &m->u.refund;
		check_currency(r->currency);
		mix_int(s, r->amount), mix_int(s, r->settle_amount), mix_int(s, r->coupon_refund);
		mix_int(s, r->fee_fine);
		mix_str(s, r->currency), mix_str(s, r->order_id), mix_str(s, r->order_ref);
		mix_str(s, r->refund_ref), mix_str(s, r->status), mix_str(s, r->action_id);
		break;
	}
	case MODEL_BALANCE_TX: {
		const struct model_balance_tx *x = &m->u.balance_tx;
		check_currency(x->currency);
		mix_int(s, x->amount), mix_int(s, x->net);
		mix_str(s, x->type), mix_str(s, x->source), mix_str(s, x->description);
		break;
	}
	case MODEL_PAYOUT: {
		const struct model_payout *p = &m->u.payout;
		check_currency(p->currency);
		CHECK(p->amount >= 0);
		mix_int(s, p->amount);
		mix_str(s, p->balance_transaction), mix_str(s, p->description);
		break;
	}
	default:
		CHECK(!"a kind a bill does not hold");
	}
	return 0;
}

static int on_summary(void *user, const char *bill, const char *summary, int64_t rows,
                      const char *hash)
{
	struct seen *s = user;
	s->summaries++;
	s->summary_rows = rows;
	CHECK(strcmp(bill, "trade") == 0 || strcmp(bill, "fundflow") == 0 ||
	      strcmp(bill, "signcustomer") == 0);
	CHECK(!hash || strlen(hash) == 40);
	check_json(summary);
	mix_str(s, summary);
	if (getenv("PAYDESK_FUZZ_VERBOSE"))
		fprintf(stderr, "fuzz: a %s bill of %lld rows, %ld objects\n", bill,
		        (long long)rows, s->objects);
	return 0;
}

static const struct provider_bill_sink bill_sink = {on_object, on_summary};

static void seen_init(struct seen *s)
{
	memset(s, 0, sizeof *s);
	s->hash = 0xcbf29ce484222325u;
}

#endif
