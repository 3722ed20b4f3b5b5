/* Every Stripe fixture of the synced resources maps cleanly into the model; unknown fields
 * and nulls never break the mapping; the raw JSON kept holds no secret. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <jansson.h>

#include "client/jdoc.h"
#include "client/stripe/stripe.h"

static json_t *fixtures;

/* The documents handed to the mapping: the model borrows their strings, so they live until
 * the end. */
static struct jdoc *docs[64];
static size_t n_docs;

/* A jansson value (a fixture, or one edited by a test) as paydesk's own reader sees it. */
static const struct jval *jv(const json_t *j)
{
	char *text = json_dumps(j, JSON_COMPACT);
	assert_non_null(text);
	char err[96];
	struct jdoc *d = jdoc_parse(text, strlen(text), err, sizeof err);
	if (!d)
		fail_msg("%s", err);
	assert_true(n_docs < sizeof docs / sizeof *docs);
	docs[n_docs++] = d;
	return jdoc_root(d);
}

static int load_fixtures(void **state)
{
	(void)state;
	const char *dir = getenv("PAYDESK_FIXTURES");
	char path[1024];
	snprintf(path, sizeof path, "%s/stripe/fixtures3.json", dir ? dir : "tests/fixtures");
	json_error_t err;
	fixtures = json_load_file(path, 0, &err);
	if (!fixtures) {
		fprintf(stderr, "# cannot read %s: %s\n", path, err.text);
		return -1;
	}
	return 0;
}

static int free_fixtures(void **state)
{
	(void)state;
	json_decref(fixtures);
	for (size_t i = 0; i < n_docs; i++)
		jdoc_free(&docs[i]);
	return 0;
}

static const json_t *fixture(const char *name)
{
	const json_t *r = json_object_get(fixtures, "resources");
	const json_t *f = json_object_get(r ? r : fixtures, name);
	assert_non_null(f);
	return f;
}

/* Maps a fixture and checks the common part against the JSON itself. */
static void map(const char *name, enum model_kind kind, struct model_object *m)
{
	char err[256] = "";
	const json_t *f = fixture(name);
	int rc = stripe_map_object(jv(f), m, err, sizeof err);
	if (rc != 0)
		fail_msg("%s: %s", name, err);
	assert_int_equal(m->kind, kind);
	assert_string_equal(m->id, json_string_value(json_object_get(f, "id")));
	assert_int_equal(m->created, json_integer_value(json_object_get(f, "created")));
	if (kind != MODEL_PAYMENT_INTENT && kind != MODEL_BALANCE_TX) {
		assert_non_null(m->raw);
		json_error_t jerr;
		json_t *raw = json_loads(m->raw, 0, &jerr);
		assert_non_null(raw);
		json_decref(raw);
		assert_null(strstr(m->raw, "null"));
	}
}

static void test_charge(void **state)
{
	(void)state;
	struct model_object m;
	map("charge", MODEL_ORDER, &m);
	const struct model_order *o = &m.u.order;
	assert_int_equal(o->amount, 100);
	assert_string_equal(o->currency, "usd");
	assert_string_equal(o->platform_status, "succeeded");
	assert_string_equal(o->customer_name, "Jenny Rosen");
	assert_null(o->customer_email); /* null in the fixture */
	assert_string_equal(o->card_brand, "visa");
	assert_int_equal(o->card_exp_year, 2030);
	assert_false(o->disputed);
	assert_string_equal(model_order_status(o), "paid");
	assert_null(m.metadata); /* {} is no metadata */
	/* columns are not repeated in the raw JSON */
	assert_null(strstr(m.raw, "\"amount_refunded\""));
	assert_null(strstr(m.raw, "Jenny Rosen"));
	model_object_clear(&m);
}

/* Found by fuzzing: a number beyond a double's range, or a NUL in a member name, is valid
 * JSON, which jansson (the screens' reader of raw) refuses whole; raw keeps the number as
 * its text, the NUL as U+2400. */
static void test_real_beyond_double(void **state)
{
	(void)state;
	static const char text[] = "{\"id\":\"ch_big\",\"object\":\"charge\",\"amount\":100,"
	                           "\"currency\":\"usd\",\"created\":1700000000,\"status\":"
	                           "\"succeeded\",\"paid\":true,\"big\":569e987,\"small\":1.5e3,"
	                           "\"tiny\":1e-999,\"a\\u0000b\":1}";
	char err[96];
	struct jdoc *d = jdoc_parse(strdup(text), strlen(text), err, sizeof err);
	assert_non_null(d);
	struct model_object m;
	assert_int_equal(stripe_map_object(jdoc_root(d), &m, err, sizeof err), 0);
	assert_non_null(strstr(m.raw, "\"big\":\"569e987\""));
	assert_non_null(strstr(m.raw, "\"small\":1.5e3"));
	assert_non_null(strstr(m.raw, "\"tiny\":1e-999"));
	/* and a NUL in a member name, which jansson refuses too, as the symbol for NUL */
	assert_non_null(strstr(m.raw, "\"a\xe2\x90\x80"
	                              "b\":1"));
	json_t *j = json_loads(m.raw, JSON_ALLOW_NUL, NULL);
	assert_non_null(j);
	json_decref(j);
	model_object_clear(&m);
	jdoc_free(&d);
}

static void test_payment_intent(void **state)
{
	(void)state;
	struct model_object m;
	map("payment_intent", MODEL_PAYMENT_INTENT, &m);
	assert_int_equal(m.u.payment_intent.amount, 1099);
	assert_string_equal(m.u.payment_intent.status, "requires_payment_method");
	assert_null(m.u.payment_intent.latest_charge);
	model_object_clear(&m);
}

static void test_refund(void **state)
{
	(void)state;
	struct model_object m;
	map("refund", MODEL_REFUND, &m);
	assert_string_equal(m.u.refund.order_id, "ch_1PgafuB7WZ01zgkWXYmPNZs8");
	assert_int_equal(m.u.refund.amount, 100);
	assert_null(m.u.refund.reason);
	assert_null(m.u.refund.action_id);
	model_object_clear(&m);
}

static void test_dispute(void **state)
{
	(void)state;
	struct model_object m;
	map("dispute", MODEL_DISPUTE, &m);
	const struct model_dispute *d = &m.u.dispute;
	assert_string_equal(d->status, "warning_needs_response");
	assert_int_equal(d->due_by, 1723679999);
	assert_string_equal(d->reason, "general");
	assert_true(d->is_charge_refundable);
	/* the evidence is all nulls: nothing is kept */
	assert_string_equal(m.evidence, "{}");
	model_object_clear(&m);
}

static void test_payout(void **state)
{
	(void)state;
	struct model_object m;
	map("payout", MODEL_PAYOUT, &m);
	assert_int_equal(m.u.payout.amount, 1100);
	assert_int_equal(m.u.payout.arrival_date, 1234567890);
	assert_string_equal(m.u.payout.status, "in_transit");
	assert_true(m.u.payout.automatic);
	model_object_clear(&m);
}

static void test_balance_transaction(void **state)
{
	(void)state;
	struct model_object m;
	map("balance_transaction", MODEL_BALANCE_TX, &m);
	const struct model_balance_tx *b = &m.u.balance_tx;
	assert_int_equal(b->amount, 100);
	assert_int_equal(b->net, 100);
	assert_int_equal(b->fee, 0);
	assert_string_equal(b->type, "charge");
	assert_string_equal(b->source, "ch_1PgafuB7WZ01zgkWXYmPNZs8");
	model_object_clear(&m);
}

static void test_event(void **state)
{
	(void)state;
	struct model_event e;
	struct model_object m;
	char err[256];
	/* The fixture's event carries a plan: kept as an event, its object is not kept. */
	assert_int_equal(stripe_map_event(jv(fixture("event")), &e, &m, err, sizeof err), 0);
	assert_string_equal(e.type, "plan.created");
	assert_int_equal(m.kind, MODEL_NONE);
	/* An event carrying a charge maps the charge. */
	json_t *ev = json_deep_copy(fixture("event"));
	json_object_set(json_object_get(ev, "data"), "object", (json_t *)fixture("charge"));
	assert_int_equal(stripe_map_event(jv(ev), &e, &m, err, sizeof err), 0);
	assert_int_equal(m.kind, MODEL_ORDER);
	assert_string_equal(e.object_id, "ch_1PgafuB7WZ01zgkWXYmPNZs8");
	model_object_clear(&m);
	json_decref(ev);
}

/* Every synced resource's fixture with every field set to null, with unknown fields, and
 * with expanded references: the mapping never crashes, and says why it refuses. */
static void test_nulls_and_unknown_fields(void **state)
{
	(void)state;
	static const char *const names[] = {"charge",  "payment_intent", "refund",
	                                    "dispute", "payout",         "balance_transaction"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		json_t *o = json_deep_copy(fixture(names[i]));
		json_object_set_new(o, "some_future_field", json_pack("{s:[i,s]}", "x", 1, "y"));
		struct model_object m;
		char err[256];
		assert_int_equal(stripe_map_object(jv(o), &m, err, sizeof err), 0);
		model_object_clear(&m);
		const char *k;
		json_t *v;
		json_t *nulls = json_object();
		json_object_foreach(o, k, v) json_object_set_new(nulls, k, json_null());
		json_object_set_new(nulls, "object",
		                    json_string(json_string_value(json_object_get(o, "object"))));
		err[0] = '\0';
		assert_int_equal(stripe_map_object(jv(nulls), &m, err, sizeof err), -1);
		assert_non_null(strstr(err, names[i]));
		json_decref(nulls);
		json_decref(o);
	}
	/* expanded references count as their ids */
	json_t *o = json_deep_copy(fixture("refund"));
	json_object_set_new(o, "charge", json_pack("{s:s,s:s}", "id", "ch_X", "object", "charge"));
	struct model_object m;
	char err[256];
	assert_int_equal(stripe_map_object(jv(o), &m, err, sizeof err), 0);
	assert_string_equal(m.u.refund.order_id, "ch_X");
	model_object_clear(&m);
	json_decref(o);
}

static void test_secrets_never_kept(void **state)
{
	(void)state;
	json_t *o = json_deep_copy(fixture("charge"));
	json_t *card = json_object_get(json_object_get(o, "payment_method_details"), "card");
	json_object_set_new(card, "number", json_string("4242424242424242"));
	json_object_set_new(card, "cvc", json_string("987"));
	json_object_set_new(o, "client_secret", json_string("pi_x_secret_y"));
	struct model_object m;
	char err[256];
	assert_int_equal(stripe_map_object(jv(o), &m, err, sizeof err), 0);
	assert_null(strstr(m.raw, "4242424242424242"));
	assert_null(strstr(m.raw, "\"cvc\""));
	assert_null(strstr(m.raw, "secret"));
	model_object_clear(&m);
	json_decref(o);
}

/* The compact JSON is valid JSON with the same values, whatever the strings hold. */
static void test_compact_round_trip(void **state)
{
	(void)state;
	const char *text = "{\"a\":\"line\\nbreak \\\"quoted\\\" back\\\\slash \\u0001 \\u00e9\","
	                   "\"n\":-12,\"t\":true,\"f\":false,\"z\":null,\"e\":{},\"l\":[],"
	                   "\"deep\":{\"x\":{\"y\":null}},\"arr\":[1,null,\"s\"],"
	                   "\"we\\u0001ird key\":1,\"drop\":{\"me\":1,\"keep\":2}}";
	json_error_t err;
	json_t *in = json_loads(text, 0, &err);
	assert_non_null(in);
	static const struct model_drop drop[] = {MODEL_DROP("drop.me")};
	char *out = model_compact_json(jv(in), drop, 1);
	assert_non_null(out);
	json_t *back = json_loads(out, 0, &err);
	if (!back)
		fail_msg("not JSON: %s (%s)", out, err.text);
	assert_string_equal(json_string_value(json_object_get(back, "a")),
	                    json_string_value(json_object_get(in, "a")));
	assert_int_equal(json_integer_value(json_object_get(back, "n")), -12);
	assert_true(json_is_true(json_object_get(back, "t")));
	assert_true(json_is_false(json_object_get(back, "f")));
	assert_null(json_object_get(back, "z"));
	assert_null(json_object_get(back, "e"));
	assert_null(json_object_get(back, "l"));
	assert_null(json_object_get(back, "deep")); /* empty once its nulls are gone */
	assert_int_equal(json_array_size(json_object_get(back, "arr")), 2);
	assert_non_null(json_object_get(back, "we\001ird key"));
	assert_null(json_object_get(json_object_get(back, "drop"), "me"));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(back, "drop"), "keep")),
	                 2);
	free(out);
	json_decref(back);
	json_decref(in);
}

static void test_order_status(void **state)
{
	(void)state;
	struct model_order o = {.amount = 1000, .platform_status = "succeeded"};
	assert_string_equal(model_order_status(&o), "paid");
	o.amount_refunded = 1;
	assert_string_equal(model_order_status(&o), "partially_refunded");
	o.amount_refunded = 1000;
	assert_string_equal(model_order_status(&o), "refunded");
	o.disputed = true;
	assert_string_equal(model_order_status(&o), "disputed");
	struct model_order p = {.amount = 5, .platform_status = "pending"};
	assert_string_equal(model_order_status(&p), "pending");
	struct model_order f = {.amount = 5, .platform_status = "failed"};
	assert_string_equal(model_order_status(&f), "failed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_charge),
	        cmocka_unit_test(test_real_beyond_double),
	        cmocka_unit_test(test_payment_intent),
	        cmocka_unit_test(test_refund),
	        cmocka_unit_test(test_dispute),
	        cmocka_unit_test(test_payout),
	        cmocka_unit_test(test_balance_transaction),
	        cmocka_unit_test(test_event),
	        cmocka_unit_test(test_nulls_and_unknown_fields),
	        cmocka_unit_test(test_secrets_never_kept),
	        cmocka_unit_test(test_order_status),
	        cmocka_unit_test(test_compact_round_trip),
	};
	return cmocka_run_group_tests(tests, load_fixtures, free_fixtures);
}
