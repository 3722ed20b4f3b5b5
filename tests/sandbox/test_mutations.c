/* The sandbox's business rules over real HTTP: refunds and their limits, idempotency
 * (replay, mismatch, conflict), the dispute state machine, payout sums, events for each
 * mutation, live activity, the clock, restricted keys and a fixed key list. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/sandbox/sbt.h"

static const char *const seed_args[] = {
        "--seed",
        "11",
        "--orders",
        "2000",
        "--days",
        "45",
        "--now",
        SBT_NOW,
        "--restricted",
        "rk_test_support1:charges=read,refunds=read,disputes=write,events=read",
        NULL};

static const char *str(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

static json_int_t num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* The newest succeeded, undisputed, unrefunded charge at or after position `skip`. */
static json_t *pick_charge(struct sbt_server *srv, int skip)
{
	struct sbt_resp r;
	json_t *found = NULL;
	size_t i;

	sbt_get(srv, "/v1/charges?limit=100", &r);
	for (i = 0; i < json_array_size(json_object_get(r.json, "data")); i++) {
		json_t *c = json_array_get(json_object_get(r.json, "data"), i);

		if (strcmp(str(c, "status"), "succeeded") == 0 && num(c, "amount_refunded") == 0 &&
		    !json_is_true(json_object_get(c, "disputed")) && num(c, "amount") > 100 &&
		    skip-- == 0) {
			found = json_incref(c);
			break;
		}
	}
	sbt_resp_free(&r);
	return found;
}

static json_t *fetch(struct sbt_server *srv, const char *kind, const char *id)
{
	struct sbt_resp r;
	char path[256];
	json_t *o;

	snprintf(path, sizeof(path), "/v1/%s/%s", kind, id);
	sbt_get(srv, path, &r);
	o = json_incref(r.json);
	sbt_resp_free(&r);
	return o;
}

static void post(struct sbt_server *srv, const char *path, const char *body, const char *idem,
                 struct sbt_resp *r)
{
	sbt_request(srv, "POST", path, body, SBT_KEY, idem, 0, r);
}

/* Counts events of `type` about object `id` (and with request id `req` if not NULL). */
static int count_events(struct sbt_server *srv, const char *type, const char *id, const char *req)
{
	json_t *all = json_array();
	char q[128];
	size_t i;
	int n = 0;

	snprintf(q, sizeof(q), "type=%s&", type);
	sbt_walk(srv, "/v1/events", q, all);
	for (i = 0; i < json_array_size(all); i++) {
		json_t *e = json_array_get(all, i);
		json_t *obj = json_object_get(json_object_get(e, "data"), "object");

		if (strcmp(str(e, "type"), type) != 0)
			continue;
		if (strcmp(str(obj, "id"), id) != 0)
			continue;
		if (req && strcmp(str(json_object_get(e, "request"), "id"), req) != 0)
			continue;
		n++;
	}
	json_decref(all);
	return n;
}

static void check_refunds(struct sbt_server *srv)
{
	json_t *c = pick_charge(srv, 0);
	const char *id = str(c, "id");
	json_int_t amount = num(c, "amount");
	char body[256];
	struct sbt_resp r;
	json_t *after;
	json_t *bts = json_array();
	const char *re_id;
	char re_copy[64] = "";

	snprintf(body, sizeof(body),
	         "charge=%s&amount=%lld&reason=requested_by_customer&metadata[ticket]=T-1", id,
	         (long long)(amount - 50));
	post(srv, "/v1/refunds", body, NULL, &r);
	re_id = str(r.json, "id");
	snprintf(re_copy, sizeof(re_copy), "%s", re_id);
	sbt_ok(r.status == 200 && strcmp(str(r.json, "object"), "refund") == 0 &&
	               num(r.json, "amount") == amount - 50 &&
	               strcmp(str(json_object_get(r.json, "metadata"), "ticket"), "T-1") == 0,
	       "partial refund created with its metadata");
	sbt_ok(count_events(srv, "refund.created", re_copy, r.request_id) == 1 &&
	               count_events(srv, "charge.refunded", id, r.request_id) == 1,
	       "refund.created and charge.refunded events carry the request id");
	sbt_resp_free(&r);
	after = fetch(srv, "charges", id);
	sbt_ok(num(after, "amount_refunded") == amount - 50 &&
	               !json_is_true(json_object_get(after, "refunded")),
	       "charge shows amount_refunded and is not fully refunded");
	json_decref(after);
	{
		char q[128];

		snprintf(q, sizeof(q), "source=%s&", re_copy);
		sbt_walk(srv, "/v1/balance_transactions", q, bts);
		sbt_ok(json_array_size(bts) == 1 &&
		               num(json_array_get(bts, 0), "net") == -(amount - 50) &&
		               strcmp(str(json_array_get(bts, 0), "type"), "refund") == 0,
		       "the refund has a balance transaction of -amount");
	}
	snprintf(body, sizeof(body), "charge=%s&amount=51", id);
	post(srv, "/v1/refunds", body, NULL, &r);
	sbt_ok(r.status == 400 &&
	               strcmp(str(json_object_get(r.json, "error"), "code"), "amount_too_large") ==
	                       0 &&
	               strcmp(str(json_object_get(r.json, "error"), "param"), "amount") == 0,
	       "refund above what is left is refused (amount_too_large)");
	sbt_resp_free(&r);
	snprintf(body, sizeof(body), "payment_intent=%s", str(c, "payment_intent"));
	post(srv, "/v1/refunds", body, NULL, &r);
	sbt_ok(r.status == 200 && num(r.json, "amount") == 50,
	       "refund by payment_intent without amount refunds the rest");
	sbt_resp_free(&r);
	after = fetch(srv, "charges", id);
	sbt_ok(num(after, "amount_refunded") == amount &&
	               json_is_true(json_object_get(after, "refunded")) &&
	               json_array_size(
	                       json_object_get(json_object_get(after, "refunds"), "data")) == 2,
	       "charge is fully refunded and lists both refunds");
	json_decref(after);
	snprintf(body, sizeof(body), "charge=%s&amount=1", id);
	post(srv, "/v1/refunds", body, NULL, &r);
	sbt_ok(r.status == 400 && strcmp(str(json_object_get(r.json, "error"), "code"),
	                                 "charge_already_refunded") == 0,
	       "refunding a fully refunded charge is refused");
	sbt_resp_free(&r);
	post(srv, "/v1/refunds", "charge=ch_doesnotexist", NULL, &r);
	sbt_ok(r.status == 404 && strcmp(str(json_object_get(r.json, "error"), "code"),
	                                 "resource_missing") == 0,
	       "refund of an unknown charge: 404 resource_missing");
	sbt_resp_free(&r);
	post(srv, "/v1/refunds", "amount=5", NULL, &r);
	sbt_ok(r.status == 400 && strcmp(str(json_object_get(r.json, "error"), "code"),
	                                 "parameter_missing") == 0,
	       "refund without a charge: 400 parameter_missing");
	sbt_resp_free(&r);
	snprintf(body, sizeof(body), "charge=%s&amount=-3", id);
	post(srv, "/v1/refunds", body, NULL, &r);
	sbt_ok(r.status == 400 &&
	               strcmp(str(json_object_get(r.json, "error"), "param"), "amount") == 0,
	       "negative refund amount refused");
	sbt_resp_free(&r);
	{
		/* A failed charge cannot be refunded. */
		json_t *all = json_array();
		size_t i;
		const char *failed = NULL;

		sbt_walk(srv, "/v1/charges", "", all);
		for (i = 0; i < json_array_size(all) && failed == NULL; i++)
			if (strcmp(str(json_array_get(all, i), "status"), "failed") == 0)
				failed = str(json_array_get(all, i), "id");
		snprintf(body, sizeof(body), "charge=%s", failed ? failed : "none");
		post(srv, "/v1/refunds", body, NULL, &r);
		sbt_ok(failed && r.status == 400, "refund of a failed charge is refused");
		sbt_resp_free(&r);
		json_decref(all);
	}
	json_decref(bts);
	json_decref(c);
}

struct bg_post {
	struct sbt_server *srv;
	const char *body;
	const char *idem;
	struct sbt_resp r;
};

static void *bg_post_run(void *arg)
{
	struct bg_post *b = arg;

	sbt_request(b->srv, "POST", "/v1/refunds", b->body, SBT_KEY, b->idem, 0, &b->r);
	return NULL;
}

/* Waits (bounded) until the request log holds a request with this idempotency key. */
static int wait_logged(struct sbt_server *srv, const char *idem)
{
	int tries;

	for (tries = 0; tries < 500; tries++) {
		struct sbt_resp r;
		int found;

		sbt_get(srv, "/_admin/requests", &r);
		found = r.body && strstr(r.body, idem) != NULL;
		sbt_resp_free(&r);
		if (found)
			return 1;
		usleep(10000);
	}
	return 0;
}

static void check_idempotency(struct sbt_server *srv)
{
	json_t *c = pick_charge(srv, 0);
	json_t *c2 = pick_charge(srv, 1);
	char body[256], body2[256];
	struct sbt_resp a, b, x;
	json_t *refunds = json_array();
	char q[128];

	snprintf(body, sizeof(body), "charge=%s&amount=100", str(c, "id"));
	snprintf(body2, sizeof(body2), "charge=%s&amount=101", str(c, "id"));
	post(srv, "/v1/refunds", body, "idem-key-1", &a);
	post(srv, "/v1/refunds", body, "idem-key-1", &b);
	sbt_ok(a.status == 200 && b.status == 200 && a.body && b.body &&
	               strcmp(a.body, b.body) == 0 && strcmp(b.replayed, "true") == 0,
	       "same key and parameters: the stored reply is replayed");
	snprintf(q, sizeof(q), "charge=%s&", str(c, "id"));
	sbt_walk(srv, "/v1/refunds", q, refunds);
	sbt_ok(json_array_size(refunds) == 1, "a replay creates no second refund");
	post(srv, "/v1/refunds", body2, "idem-key-1", &x);
	sbt_ok(x.status == 400 && strcmp(str(json_object_get(x.json, "error"), "type"),
	                                 "idempotency_error") == 0,
	       "same key, other parameters: 400 idempotency_error");
	sbt_resp_free(&a);
	sbt_resp_free(&b);
	sbt_resp_free(&x);

	/* Validation failures are not stored: the key can be used again. */
	post(srv, "/v1/refunds", "charge=ch_x&amount=abc", "idem-key-2", &a);
	post(srv, "/v1/refunds", body, "idem-key-2", &b);
	sbt_ok(a.status == 400 && b.status == 200 && b.replayed[0] == '\0',
	       "a request that failed validation does not keep its key");
	sbt_resp_free(&a);
	sbt_resp_free(&b);

	/* forget_keys: as if 24 h passed. */
	sbt_request(srv, "POST", "/_admin/forget_keys", "", NULL, NULL, 0, &x);
	sbt_resp_free(&x);
	post(srv, "/v1/refunds", body2, "idem-key-1", &a);
	sbt_ok(a.status == 200 && a.replayed[0] == '\0', "after forget_keys the key is new again");
	sbt_resp_free(&a);

	/* Conflict: the first request stalls while holding the key. */
	{
		struct bg_post bg;
		pthread_t t;
		char body3[256];

		snprintf(body3, sizeof(body3), "charge=%s&amount=77", str(c2, "id"));
		sbt_request(srv, "POST", "/_admin/faults",
		            "kind=stall&seconds=2&count=1&path=/v1/refunds&method=POST", NULL, NULL,
		            0, &x);
		sbt_resp_free(&x);
		sbt_request(srv, "DELETE", "/_admin/requests", NULL, NULL, NULL, 0, &x);
		sbt_resp_free(&x);
		memset(&bg, 0, sizeof(bg));
		bg.srv = srv;
		bg.body = body3;
		bg.idem = "idem-key-3";
		pthread_create(&t, NULL, bg_post_run, &bg);
		sbt_ok(wait_logged(srv, "idem-key-3"), "the stalled request reached the sandbox");
		post(srv, "/v1/refunds", body3, "idem-key-3", &a);
		sbt_ok(a.status == 409 &&
		               strcmp(str(json_object_get(a.json, "error"), "type"),
		                      "idempotency_error") == 0 &&
		               strcmp(a.should_retry, "true") == 0,
		       "a concurrent request with the key in flight: 409 (got %ld)", a.status);
		sbt_resp_free(&a);
		pthread_join(t, NULL);
		sbt_ok(bg.r.status == 200, "the stalled request then completes");
		post(srv, "/v1/refunds", body3, "idem-key-3", &b);
		sbt_ok(b.status == 200 && bg.r.body && b.body && strcmp(b.body, bg.r.body) == 0,
		       "and its reply is replayed afterwards");
		sbt_resp_free(&b);
		sbt_resp_free(&bg.r);
	}
	json_decref(refunds);
	json_decref(c);
	json_decref(c2);
}

/* The first dispute with this status, or NULL. */
/* Eight refunds of one cent on a charge, one after the other, beside the reads below. */
struct writer {
	struct sbt_server *srv;
	const char *charge;
	int created;
};

static void *write_refunds(void *arg)
{
	struct writer *w = arg;

	for (int i = 0; i < 8; i++) {
		char body[128];
		struct sbt_resp r;

		snprintf(body, sizeof(body), "charge=%s&amount=1", w->charge);
		post(w->srv, "/v1/refunds", body, NULL, &r);
		w->created += r.status == 200;
		sbt_resp_free(&r);
	}
	return NULL;
}

/* The sum of the refunds a charge embeds, or -1 when the list is not whole. */
static json_int_t embedded_refunds(json_t *charge)
{
	json_t *list = json_object_get(charge, "refunds");
	json_int_t sum = 0;

	if (!json_is_array(json_object_get(list, "data")) ||
	    json_is_true(json_object_get(list, "has_more")))
		return -1;
	for (size_t i = 0; i < json_array_size(json_object_get(list, "data")); i++)
		sum += num(json_array_get(json_object_get(list, "data"), i), "amount");
	return sum;
}

/* Reads are served beside writes, each from one snapshot of the store: a charge read while
 * its refunds are being created says as much refunded as the refunds it lists, never less
 * than before, and, the writes done, what they wrote. */
static void check_reads_beside_writes(struct sbt_server *srv)
{
	json_t *c = pick_charge(srv, 0);
	char id[64];
	struct writer w = {srv, id, 0};
	pthread_t t;
	int reads = 0, whole = 1, ordered = 1;
	json_int_t seen = 0;

	snprintf(id, sizeof(id), "%s", str(c, "id"));
	json_decref(c);
	pthread_create(&t, NULL, write_refunds, &w);
	for (int i = 0; i < 200; i++) {
		json_t *now = fetch(srv, "charges", id);
		json_int_t refunded = num(now, "amount_refunded");

		reads += now != NULL;
		whole &= now != NULL && embedded_refunds(now) == refunded;
		ordered &= refunded >= seen;
		seen = refunded;
		json_decref(now);
	}
	pthread_join(t, NULL);
	c = fetch(srv, "charges", id);
	sbt_ok(reads == 200 && whole && ordered,
	       "200 reads beside 8 refunds: each charge as refunded as the refunds it lists, "
	       "never less than the read before");
	sbt_ok(w.created == 8 && num(c, "amount_refunded") == 8 && embedded_refunds(c) == 8,
	       "the writes done, a read shows all 8");
	json_decref(c);
}

static json_t *dispute_in(struct sbt_server *srv, const char *status, int skip)
{
	json_t *all = json_array();
	json_t *found = NULL;
	size_t i;

	sbt_walk(srv, "/v1/disputes", "", all);
	for (i = 0; i < json_array_size(all); i++) {
		json_t *d = json_array_get(all, i);

		if (strcmp(str(d, "status"), status) == 0 && skip-- == 0) {
			found = json_incref(d);
			break;
		}
	}
	json_decref(all);
	return found;
}

static void check_disputes(struct sbt_server *srv)
{
	json_t *d = dispute_in(srv, "needs_response", 0);
	char path[128], cpath[160];
	struct sbt_resp r;
	json_t *ed;
	char id[64];

	sbt_ok(d != NULL, "a dispute needing a response exists");
	if (d == NULL)
		return;
	snprintf(id, sizeof(id), "%s", str(d, "id"));
	snprintf(path, sizeof(path), "/v1/disputes/%s", id);
	snprintf(cpath, sizeof(cpath), "/v1/disputes/%s/close", id);
	post(srv, path,
	     "evidence[customer_name]=Jenny%20Rosen&evidence[uncategorized_text]=Signed%20for&"
	     "submit=false&metadata[case]=42",
	     NULL, &r);
	ed = json_object_get(r.json, "evidence_details");
	sbt_ok(r.status == 200 && strcmp(str(r.json, "status"), "needs_response") == 0 &&
	               strcmp(str(json_object_get(r.json, "evidence"), "customer_name"),
	                      "Jenny Rosen") == 0 &&
	               json_is_true(json_object_get(ed, "has_evidence")) &&
	               num(ed, "submission_count") == 0 &&
	               strcmp(str(json_object_get(r.json, "metadata"), "case"), "42") == 0,
	       "evidence staged with submit=false: status unchanged, evidence kept");
	sbt_ok(count_events(srv, "charge.dispute.updated", id, r.request_id) == 1,
	       "staging emits charge.dispute.updated");
	sbt_resp_free(&r);
	post(srv, path, "evidence[colour]=blue", NULL, &r);
	sbt_ok(r.status == 400 && strcmp(str(json_object_get(r.json, "error"), "param"),
	                                 "evidence[colour]") == 0,
	       "an unknown evidence field is refused, naming the parameter");
	sbt_resp_free(&r);
	post(srv, path, "evidence[product_description]=Mug", NULL, &r);
	ed = json_object_get(r.json, "evidence_details");
	sbt_ok(r.status == 200 && strcmp(str(r.json, "status"), "under_review") == 0 &&
	               num(ed, "submission_count") == 1 &&
	               strcmp(str(json_object_get(r.json, "evidence"), "customer_name"),
	                      "Jenny Rosen") == 0 &&
	               strcmp(str(json_object_get(r.json, "evidence"), "product_description"),
	                      "Mug") == 0,
	       "submitting (the default) moves it to under_review and keeps staged evidence");
	sbt_resp_free(&r);
	post(srv, path, "evidence[receipt]=none&submit=false", NULL, &r);
	sbt_ok(r.status == 400, "evidence can no longer change once submitted");
	sbt_resp_free(&r);
	post(srv, cpath, "", NULL, &r);
	sbt_ok(r.status == 400, "a dispute under review cannot be closed");
	sbt_resp_free(&r);
	json_decref(d);

	d = dispute_in(srv, "needs_response", 0);
	sbt_ok(d != NULL, "another dispute needing a response exists");
	if (d == NULL)
		return;
	snprintf(id, sizeof(id), "%s", str(d, "id"));
	snprintf(cpath, sizeof(cpath), "/v1/disputes/%s/close", id);
	post(srv, cpath, "", NULL, &r);
	sbt_ok(r.status == 200 && strcmp(str(r.json, "status"), "lost") == 0,
	       "closing accepts the loss");
	sbt_ok(count_events(srv, "charge.dispute.closed", id, r.request_id) == 1,
	       "closing emits charge.dispute.closed");
	sbt_resp_free(&r);
	post(srv, cpath, "", NULL, &r);
	sbt_ok(r.status == 400, "closing cannot be repeated or undone");
	sbt_resp_free(&r);
	snprintf(path, sizeof(path), "/v1/disputes/%s", id);
	post(srv, path, "evidence[customer_name]=x", NULL, &r);
	sbt_ok(r.status == 400, "a lost dispute takes no evidence");
	sbt_resp_free(&r);
	json_decref(d);

	d = dispute_in(srv, "warning_needs_response", 0);
	if (d) {
		snprintf(cpath, sizeof(cpath), "/v1/disputes/%s/close", str(d, "id"));
		post(srv, cpath, "", NULL, &r);
		sbt_ok(r.status == 200 && strcmp(str(r.json, "status"), "warning_closed") == 0,
		       "closing an inquiry moves it to warning_closed");
		sbt_resp_free(&r);
		json_decref(d);
	} else {
		sbt_ok(0, "an inquiry needing a response exists");
	}
	post(srv, "/v1/disputes/dp_doesnotexist/close", "", NULL, &r);
	sbt_ok(r.status == 404, "closing an unknown dispute: 404");
	sbt_resp_free(&r);
	{
		json_t *c = NULL;
		json_t *won = dispute_in(srv, "under_review", 0);
		char body[128];

		/* A charge with an open chargeback cannot be refunded. */
		if (won)
			c = fetch(srv, "charges", str(won, "charge"));
		snprintf(body, sizeof(body), "charge=%s&amount=1", c ? str(c, "id") : "none");
		post(srv, "/v1/refunds", body, NULL, &r);
		sbt_ok(won && r.status == 400 &&
		               strcmp(str(json_object_get(r.json, "error"), "code"),
		                      "charge_disputed") == 0,
		       "a disputed charge cannot be refunded");
		sbt_resp_free(&r);
		json_decref(c);
		json_decref(won);
	}
}

static void check_payouts(struct sbt_server *srv, int *checked_out)
{
	json_t *payouts = json_array();
	size_t i;
	int bad = 0, checked = 0, own_in_list = 0;

	sbt_walk(srv, "/v1/payouts", "", payouts);
	for (i = 0; i < json_array_size(payouts); i++) {
		json_t *p = json_array_get(payouts, i);
		json_t *bts = json_array();
		char q[128];
		long long sum = 0;
		size_t k;

		snprintf(q, sizeof(q), "payout=%s&", str(p, "id"));
		sbt_walk(srv, "/v1/balance_transactions", q, bts);
		for (k = 0; k < json_array_size(bts); k++) {
			json_t *b = json_array_get(bts, k);

			sum += num(b, "net");
			if (strcmp(str(b, "type"), "payout") == 0)
				own_in_list++;
			if (strcmp(str(b, "currency"), str(p, "currency")) != 0)
				bad++;
		}
		if (sum != num(p, "amount") || json_array_size(bts) == 0)
			bad++;
		checked++;
		json_decref(bts);
	}
	sbt_ok(checked > 0 && bad == 0 && own_in_list == 0,
	       "for each of %d payouts, the net of its balance transactions sums to its amount",
	       checked);
	*checked_out = checked;
	json_decref(payouts);
}

static int64_t newest_created(struct sbt_server *srv, const char *path)
{
	struct sbt_resp r;
	int64_t c;

	sbt_get(srv, path, &r);
	c = num(json_array_get(json_object_get(r.json, "data"), 0), "created");
	sbt_resp_free(&r);
	return c;
}

static void check_live(struct sbt_server *srv)
{
	struct sbt_resp r, adv;
	json_t *ids;
	size_t i;
	int ok_events = 1;
	int64_t before = newest_created(srv, "/v1/charges?limit=1");
	json_t *evs = json_array();
	int payouts_before = 0, payouts_after = 0;
	char dispute_id[64] = "";

	check_payouts(srv, &payouts_before);
	/* Two days later the newest charges are available and can be paid out. */
	sbt_request(srv, "POST", "/_admin/advance", "seconds=259200", NULL, NULL, 0, &adv);
	sbt_ok(adv.status == 200 && num(adv.json, "now") >= atol(SBT_NOW) + 259200,
	       "advance moves the clock");
	sbt_resp_free(&adv);
	sbt_request(srv, "POST", "/_admin/create",
	            "charges=5&refunds=2&disputes=2&dispute_updates=3&payouts=5", NULL, NULL, 0,
	            &r);
	sbt_ok(r.status == 200 && json_array_size(json_object_get(r.json, "charges")) == 5 &&
	               json_array_size(json_object_get(r.json, "refunds")) == 2 &&
	               json_array_size(json_object_get(r.json, "disputes")) == 2 &&
	               json_array_size(json_object_get(r.json, "dispute_updates")) == 3 &&
	               json_array_size(json_object_get(r.json, "payouts")) >= 1,
	       "admin create makes charges, refunds, disputes, updates and payouts");
	sbt_ok(newest_created(srv, "/v1/charges?limit=1") > before,
	       "new charges are newer than every seeded one");
	ids = json_object_get(r.json, "charges");
	for (i = 0; i < json_array_size(ids); i++) {
		const char *id = json_string_value(json_array_get(ids, i));
		json_t *c = fetch(srv, "charges", id);
		const char *st = str(c, "status");
		char type[64];

		snprintf(type, sizeof(type), "charge.%s", st);
		if (count_events(srv, type, id, NULL) != 1)
			ok_events = 0;
		json_decref(c);
	}
	sbt_ok(ok_events, "each new charge has its charge.<status> event");
	ids = json_object_get(r.json, "disputes");
	snprintf(dispute_id, sizeof(dispute_id), "%s", json_string_value(json_array_get(ids, 0)));
	sbt_ok(count_events(srv, "charge.dispute.created", dispute_id, NULL) == 1,
	       "a new dispute has its charge.dispute.created event");
	ids = json_object_get(r.json, "payouts");
	sbt_ok(count_events(srv, "payout.created", json_string_value(json_array_get(ids, 0)),
	                    NULL) == 1,
	       "a new payout has its payout.created event");
	{
		int all_ok = 1;

		ids = json_object_get(r.json, "refunds");
		for (i = 0; i < json_array_size(ids); i++)
			if (count_events(srv, "refund.created",
			                 json_string_value(json_array_get(ids, i)), NULL) != 1)
				all_ok = 0;
		sbt_ok(all_ok && json_array_size(ids) > 0,
		       "each new refund has its refund.created event");
		all_ok = 1;
		ids = json_object_get(r.json, "dispute_updates");
		for (i = 0; i < json_array_size(ids); i++) {
			const char *d = json_string_value(json_array_get(ids, i));

			if (count_events(srv, "charge.dispute.updated", d, NULL) +
			            count_events(srv, "charge.dispute.closed", d, NULL) <
			    1)
				all_ok = 0;
		}
		sbt_ok(all_ok && json_array_size(ids) > 0,
		       "each dispute update has its charge.dispute.updated or .closed event");
	}
	{
		/* Two more days: the new payout arrives and is paid, with its event. */
		char po[64];
		struct sbt_resp a2;

		snprintf(po, sizeof(po), "%s",
		         json_string_value(json_array_get(json_object_get(r.json, "payouts"), 0)));
		sbt_request(srv, "POST", "/_admin/advance", "seconds=172800", NULL, NULL, 0, &a2);
		sbt_resp_free(&a2);
		{
			json_t *p = fetch(srv, "payouts", po);

			sbt_ok(strcmp(str(p, "status"), "paid") == 0 &&
			               count_events(srv, "payout.paid", po, NULL) == 1,
			       "after its arrival date a payout is paid, with payout.paid");
			json_decref(p);
		}
	}
	sbt_resp_free(&r);
	check_payouts(srv, &payouts_after);
	sbt_ok(payouts_after > payouts_before, "payout sums still hold with the new payouts");

	/* Event filters. */
	sbt_walk(srv, "/v1/events", "type=charge.dispute.*&", evs);
	for (i = 0, ok_events = json_array_size(evs) > 0; i < json_array_size(evs); i++)
		if (strncmp(str(json_array_get(evs, i), "type"), "charge.dispute.", 15) != 0)
			ok_events = 0;
	sbt_ok(ok_events, "events type filter with a wildcard");
	json_array_clear(evs);
	sbt_walk(srv, "/v1/events", "types[]=payout.created&types[]=refund.created&", evs);
	for (i = 0, ok_events = json_array_size(evs) > 0; i < json_array_size(evs); i++) {
		const char *t = str(json_array_get(evs, i), "type");

		if (strcmp(t, "payout.created") != 0 && strcmp(t, "refund.created") != 0)
			ok_events = 0;
	}
	sbt_ok(ok_events, "events types[] filter");
	json_array_clear(evs);
	/* Thirty-one days on, every event so far is too old to be served. */
	sbt_request(srv, "POST", "/_admin/advance", "seconds=2678400", NULL, NULL, 0, &adv);
	sbt_resp_free(&adv);
	sbt_walk(srv, "/v1/events", "", evs);
	{
		json_int_t now = atol(SBT_NOW) + 259200 + 172800 + 2678400;
		int old = 0;

		for (i = 0; i < json_array_size(evs); i++)
			if (num(json_array_get(evs, i), "created") < now - 30 * 86400)
				old++;
		sbt_ok(old == 0 &&
		               count_events(srv, "charge.dispute.created", dispute_id, NULL) == 0,
		       "events older than 30 days are no longer served (%zu newer left)",
		       json_array_size(evs));
	}
	json_decref(evs);
}

static void check_restricted(struct sbt_server *srv)
{
	struct sbt_resp r;
	const char *msg;
	json_t *c = pick_charge(srv, 2);
	char body[128];

	sbt_request(srv, "GET", "/v1/charges?limit=1", NULL, "rk_test_support1", NULL, 0, &r);
	sbt_ok(r.status == 200, "restricted key reads charges");
	sbt_resp_free(&r);
	snprintf(body, sizeof(body), "charge=%s", str(c, "id"));
	sbt_request(srv, "POST", "/v1/refunds", body, "rk_test_support1", NULL, 0, &r);
	msg = str(json_object_get(r.json, "error"), "message");
	sbt_ok(r.status == 403 && strstr(msg, "rak_refund_write") != NULL &&
	               strcmp(str(json_object_get(r.json, "error"), "type"),
	                      "invalid_request_error") == 0,
	       "restricted key cannot refund: 403 naming rak_refund_write");
	sbt_resp_free(&r);
	json_decref(c);
	c = fetch(srv, "charges", str(c, "id"));
	sbt_ok(num(c, "amount_refunded") == 0, "the refused refund changed nothing");
	json_decref(c);
	sbt_request(srv, "GET", "/v1/payouts", NULL, "rk_test_support1", NULL, 0, &r);
	sbt_ok(r.status == 403 &&
	               strstr(str(json_object_get(r.json, "error"), "message"), "rak_payout_read"),
	       "restricted key without payouts cannot list them: 403 naming rak_payout_read");
	sbt_resp_free(&r);
	sbt_request(srv, "POST", "/v1/disputes/dp_doesnotexist/close", "", "rk_test_support1", NULL,
	            0, &r);
	sbt_ok(r.status == 404, "restricted key with dispute write reaches the dispute endpoint");
	sbt_resp_free(&r);
}

static void check_files(struct sbt_server *srv)
{
	static const char pdf[] = "%PDF-1.4\n\x00\x01binary receipt\r\n--not-a-boundary\n";
	struct sbt_resp r, g;
	char file_id[64] = "";
	char path[128], body[256];
	json_t *d;

	sbt_upload(srv, SBT_KEY, "dispute_evidence", pdf, sizeof(pdf) - 1, "receipt.pdf", NULL, &r);
	snprintf(file_id, sizeof(file_id), "%s", str(r.json, "id"));
	sbt_ok(r.status == 200 && strncmp(file_id, "file_", 5) == 0 &&
	               strcmp(str(r.json, "object"), "file") == 0 &&
	               strcmp(str(r.json, "purpose"), "dispute_evidence") == 0 &&
	               num(r.json, "size") == (json_int_t)(sizeof(pdf) - 1) &&
	               strcmp(str(r.json, "filename"), "receipt.pdf") == 0 &&
	               strcmp(str(r.json, "type"), "pdf") == 0,
	       "a multipart upload (binary bytes included) makes a file object of the right size");
	snprintf(path, sizeof(path), "/v1/files/%s", file_id);
	sbt_get(srv, path, &g);
	sbt_ok(g.status == 200 && json_equal(g.json, r.json), "GET /v1/files/:id returns it");
	sbt_resp_free(&g);
	sbt_resp_free(&r);
	sbt_upload(srv, SBT_KEY, "dispute_evidence", pdf, 10, "a.pdf", "upload-key-1", &r);
	sbt_upload(srv, SBT_KEY, "dispute_evidence", pdf, 10, "a.pdf", "upload-key-1", &g);
	sbt_ok(r.status == 200 && g.status == 200 && strcmp(g.replayed, "true") == 0 &&
	               strcmp(str(r.json, "id"), str(g.json, "id")) == 0,
	       "a retried upload with the same key (new multipart boundary) is replayed");
	sbt_resp_free(&g);
	sbt_upload(srv, SBT_KEY, "dispute_evidence", pdf, 11, "a.pdf", "upload-key-1", &g);
	sbt_ok(g.status == 400 && strcmp(str(json_object_get(g.json, "error"), "type"),
	                                 "idempotency_error") == 0,
	       "the same key with another file is an idempotency_error");
	sbt_resp_free(&g);
	sbt_resp_free(&r);
	sbt_upload(srv, SBT_KEY, "identity_document", pdf, sizeof(pdf) - 1, "id.pdf", NULL, &r);
	sbt_ok(r.status == 400 &&
	               strcmp(str(json_object_get(r.json, "error"), "param"), "purpose") == 0,
	       "an upload for another purpose is refused");
	sbt_resp_free(&r);
	post(srv, "/v1/files", "purpose=dispute_evidence&file=abc", NULL, &r);
	sbt_ok(r.status == 400, "a form-encoded upload is refused");
	sbt_resp_free(&r);
	sbt_upload(srv, "rk_test_support1", "dispute_evidence", pdf, 4, "r.pdf", NULL, &r);
	sbt_ok(r.status == 403 &&
	               strstr(str(json_object_get(r.json, "error"), "message"), "rak_file_write"),
	       "a restricted key without files write cannot upload");
	sbt_resp_free(&r);
	d = dispute_in(srv, "needs_response", 0);
	if (d == NULL)
		d = dispute_in(srv, "warning_needs_response", 0);
	snprintf(path, sizeof(path), "/v1/disputes/%s", d ? str(d, "id") : "none");
	snprintf(body, sizeof(body), "evidence[receipt]=%s&submit=false", file_id);
	post(srv, path, body, NULL, &r);
	sbt_ok(r.status == 200 &&
	               strcmp(str(json_object_get(r.json, "evidence"), "receipt"), file_id) == 0,
	       "dispute evidence takes the uploaded file's id");
	sbt_resp_free(&r);
	post(srv, path, "evidence[receipt]=file_doesnotexist&submit=false", NULL, &r);
	sbt_ok(r.status == 400 && strcmp(str(json_object_get(r.json, "error"), "param"),
	                                 "evidence[receipt]") == 0,
	       "an unknown file id as evidence is refused");
	sbt_resp_free(&r);
	json_decref(d);
}

static void check_key_file(void)
{
	char path[] = "/tmp/sbt-keys-XXXXXX";
	int fd = mkstemp(path);
	const char *args2[] = {"--keys", path, "--orders", "50", NULL};
	struct sbt_server k;
	struct sbt_resp r;
	FILE *f;

	f = fdopen(fd, "w");
	fputs("# team keys\nsk_test_onlythisone42\n\n", f);
	fclose(f);
	sbt_start(&k, args2);
	sbt_request(&k, "GET", "/v1/charges?limit=1", NULL, "sk_test_onlythisone42", NULL, 0, &r);
	sbt_ok(r.status == 200, "a listed key is accepted");
	sbt_resp_free(&r);
	sbt_request(&k, "GET", "/v1/charges?limit=1", NULL, SBT_KEY, NULL, 0, &r);
	sbt_ok(r.status == 401 &&
	               strstr(str(json_object_get(r.json, "error"), "message"), SBT_KEY) == NULL,
	       "another sk_test_ key is refused, and the reply does not echo it in full");
	sbt_resp_free(&r);
	sbt_stop(&k);
	unlink(path);
}

/* --db keeps the state across restarts, live activity included. */
static void check_persistence(void)
{
	char dir[] = "/tmp/sbt-db-XXXXXX";
	char db[128], f[160];
	const char *args[] = {"--db", db, "--orders", "100", "--now", SBT_NOW, NULL};
	struct sbt_server a;
	struct sbt_resp r, c1, c2;
	char id[64] = "";
	char path[128];

	if (mkdtemp(dir) == NULL) {
		sbt_ok(0, "temporary directory");
		return;
	}
	snprintf(db, sizeof(db), "%s/state.db", dir);
	sbt_start(&a, args);
	sbt_request(&a, "POST", "/_admin/create", "charges=2", NULL, NULL, 0, &r);
	snprintf(id, sizeof(id), "%s",
	         json_string_value(json_array_get(json_object_get(r.json, "charges"), 1))
	                 ? json_string_value(json_array_get(json_object_get(r.json, "charges"), 1))
	                 : "");
	sbt_resp_free(&r);
	sbt_get(&a, "/_admin/checksum", &c1);
	sbt_ok(sbt_stop(&a) == 0, "the sandbox with --db stops cleanly");
	sbt_start(&a, args);
	sbt_get(&a, "/_admin/checksum", &c2);
	snprintf(path, sizeof(path), "/v1/charges/%s", id);
	sbt_get(&a, path, &r);
	sbt_ok(c1.body && c2.body && strcmp(c1.body, c2.body) == 0 && r.status == 200 &&
	               json_integer_value(json_object_get(json_object_get(c2.json, "charges"),
	                                                  "count")) == 102,
	       "restarted on the same --db it serves the same state, live charges included");
	sbt_resp_free(&r);
	sbt_resp_free(&c1);
	sbt_resp_free(&c2);
	sbt_stop(&a);
	unlink(db);
	snprintf(f, sizeof(f), "%s-wal", db);
	unlink(f);
	snprintf(f, sizeof(f), "%s-shm", db);
	unlink(f);
	rmdir(dir);
}

int main(void)
{
	struct sbt_server srv;

	sbt_start(&srv, seed_args);
	check_refunds(&srv);
	check_idempotency(&srv);
	check_reads_beside_writes(&srv);
	check_disputes(&srv);
	check_files(&srv);
	check_restricted(&srv);
	check_live(&srv);
	sbt_stop(&srv);
	check_key_file();
	check_persistence();
	return sbt_done();
}
