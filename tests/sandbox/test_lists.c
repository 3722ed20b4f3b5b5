/* The sandbox's lists over real HTTP: pagination both ways, created filters, parameter
 * validation, authentication, object shapes against Stripe's fixtures, determinism of
 * seeding, the admin checksum and ledger, and hostile data. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/sandbox/sbt.h"

static const char *const seed_args[] = {"--seed", "3",     "--orders", "2500", "--days",
                                        "60",     "--now", SBT_NOW,    NULL};

/* Every id once, created non-increasing; returns 1 when the list is well ordered. */
static int ordered_unique(json_t *arr)
{
	json_t *seen = json_object();
	size_t i;
	int ok = 1;
	json_int_t prev = 0;

	for (i = 0; i < json_array_size(arr); i++) {
		json_t *o = json_array_get(arr, i);
		const char *id = json_string_value(json_object_get(o, "id"));
		json_int_t c = json_integer_value(json_object_get(o, "created"));

		if (id == NULL || json_object_get(seen, id) != NULL)
			ok = 0;
		else
			json_object_set_new(seen, id, json_true());
		if (i > 0 && c > prev)
			ok = 0;
		prev = c;
	}
	json_decref(seen);
	return ok;
}

static int same_ids(json_t *a, size_t a_from, json_t *b)
{
	size_t i;

	if (json_array_size(a) - a_from != json_array_size(b))
		return 0;
	for (i = 0; i < json_array_size(b); i++) {
		const char *x =
		        json_string_value(json_object_get(json_array_get(a, i + a_from), "id"));
		const char *y = json_string_value(json_object_get(json_array_get(b, i), "id"));

		if (x == NULL || y == NULL || strcmp(x, y) != 0)
			return 0;
	}
	return 1;
}

static void check_walk(struct sbt_server *srv, const char *path, long expect)
{
	json_t *fwd = json_array();
	json_t *back = json_array();
	int pages = sbt_walk(srv, path, "", fwd);
	size_t n = json_array_size(fwd);

	sbt_ok(pages > 0 && ordered_unique(fwd),
	       "%s: forward walk sees each object once, newest first (%zu objects, %d pages)", path,
	       n, pages);
	if (expect >= 0)
		sbt_ok((long)n == expect, "%s: forward walk sees all %ld objects", path, expect);
	if (n > 1) {
		const char *oldest =
		        json_string_value(json_object_get(json_array_get(fwd, n - 1), "id"));

		pages = sbt_walk_back(srv, path, "", oldest, back);
		/* Backward from the oldest: every object but the cursor, in the same order. */
		if (json_array_size(back) != n - 1)
			sbt_diag("backward: %d pages, %zu objects", pages, json_array_size(back));
		sbt_ok(pages > 0 && json_array_size(back) == n - 1,
		       "%s: backward walk returns %zu objects", path, n - 1);
		{
			json_t *fwd_head = json_array();
			size_t i;

			for (i = 0; i + 1 < n; i++)
				json_array_append(fwd_head, json_array_get(fwd, i));
			sbt_ok(same_ids(fwd_head, 0, back),
			       "%s: backward walk matches forward order", path);
			json_decref(fwd_head);
		}
	}
	json_decref(fwd);
	json_decref(back);
}

/* Every key path of the fixture exists in the served object (a null may stand for an
 * object, as for a merchant without Connect). Reports the first missing path. */
static int shape_covers(json_t *fixture, json_t *served, const char *where, char *missing,
                        size_t mn)
{
	const char *k;
	json_t *v;

	if (!json_is_object(fixture))
		return 1;
	if (json_is_null(served))
		return 1;
	if (!json_is_object(served)) {
		snprintf(missing, mn, "%s (not an object)", where);
		return 0;
	}
	json_object_foreach(fixture, k, v)
	{
		json_t *s = json_object_get(served, k);
		char path[512];

		snprintf(path, sizeof(path), "%s.%s", where, k);
		if (s == NULL) {
			snprintf(missing, mn, "%s", path);
			return 0;
		}
		if (json_is_object(v) && !shape_covers(v, s, path, missing, mn))
			return 0;
	}
	return 1;
}

static json_t *fixtures(void)
{
	const char *dir = getenv("PAYDESK_FIXTURES");
	char path[1024];
	json_t *root;

	snprintf(path, sizeof(path), "%s/stripe/fixtures3.json", dir ? dir : "tests/fixtures");
	root = json_load_file(path, 0, NULL);
	if (root == NULL) {
		sbt_diag("cannot read %s", path);
		return NULL;
	}
	return json_object_get(json_object_get(root, "resources"), "charge") ? root : NULL;
}

static void check_shapes(struct sbt_server *srv)
{
	static const struct {
		const char *fixture;
		const char *path;
		int list;
	} cases[] = {
	        {"charge", "/v1/charges?limit=1", 1},
	        {"payment_intent", "/v1/payment_intents?limit=1", 1},
	        {"refund", "/v1/refunds?limit=1", 1},
	        {"dispute", "/v1/disputes?limit=1", 1},
	        {"payout", "/v1/payouts?limit=1", 1},
	        {"balance_transaction", "/v1/balance_transactions?limit=1", 1},
	        {"balance", "/v1/balance", 0},
	        {"account", "/v1/account", 0},
	};
	json_t *root = fixtures();
	json_t *res = json_object_get(root, "resources");
	size_t i;

	sbt_ok(root != NULL, "Stripe fixtures readable");
	for (i = 0; root && i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sbt_resp r;
		json_t *obj;
		char missing[600] = "";

		sbt_get(srv, cases[i].path, &r);
		obj = cases[i].list ? json_array_get(json_object_get(r.json, "data"), 0) : r.json;
		sbt_ok(obj && shape_covers(json_object_get(res, cases[i].fixture), obj,
		                           cases[i].fixture, missing, sizeof(missing)),
		       "%s has every field of Stripe's fixture %s", cases[i].fixture, missing);
		sbt_resp_free(&r);
	}
	json_decref(root);
}

static long count_in(json_t *arr, json_int_t gte, json_int_t lt)
{
	size_t i;
	long n = 0;

	for (i = 0; i < json_array_size(arr); i++) {
		json_int_t c =
		        json_integer_value(json_object_get(json_array_get(arr, i), "created"));

		if (c >= gte && c < lt)
			n++;
	}
	return n;
}

/* The objects of arr created in [gte, lt), in arr's order (a new array). */
static json_t *in_window(json_t *arr, json_int_t gte, json_int_t lt)
{
	json_t *out = json_array();
	size_t i;

	for (i = 0; i < json_array_size(arr); i++) {
		json_t *o = json_array_get(arr, i);
		json_int_t c = json_integer_value(json_object_get(o, "created"));

		if (c >= gte && c < lt)
			json_array_append(out, o);
	}
	return out;
}

static void check_created(struct sbt_server *srv)
{
	json_t *all = json_array();
	json_t *part = json_array();
	json_t *eq = json_array();
	json_int_t now = atol(SBT_NOW);
	json_int_t gte = now - 20 * 86400, lt = now - 10 * 86400;
	char q[128];
	json_int_t one;

	sbt_walk(srv, "/v1/charges", "", all);
	snprintf(q, sizeof(q), "created[gte]=%lld&created[lt]=%lld&", (long long)gte,
	         (long long)lt);
	sbt_walk(srv, "/v1/charges", q, part);
	sbt_ok((long)json_array_size(part) == count_in(all, gte, lt) && json_array_size(part) > 0,
	       "created[gte]/[lt] selects exactly the charges in the window (%zu)",
	       json_array_size(part));
	{
		/* Paged by the cursor within the window, both ways: the window narrowed to the
		 * cursor gives the same objects in the same order as the whole list cut to it. */
		json_t *want = in_window(all, gte, lt);
		json_t *back = json_array();
		size_t n = json_array_size(want);

		sbt_ok(n > 200 && same_ids(want, 0, part),
		       "paging a window of %zu charges by starting_after gives the list's own", n);
		sbt_walk_back(srv, "/v1/charges", q,
		              json_string_value(json_object_get(json_array_get(want, n - 1), "id")),
		              back);
		json_array_remove(want, n - 1);
		sbt_ok(same_ids(want, 0, back),
		       "paging a window back by ending_before gives the list's own (%zu)",
		       json_array_size(back));
		json_decref(want);
		json_decref(back);
	}
	json_array_clear(part);
	snprintf(q, sizeof(q), "created[gt]=%lld&created[lte]=%lld&", (long long)gte,
	         (long long)lt);
	sbt_walk(srv, "/v1/charges", q, part);
	sbt_ok((long)json_array_size(part) == count_in(all, gte + 1, lt + 1),
	       "created[gt]/[lte] selects exactly the charges in the window");
	one = json_integer_value(json_object_get(json_array_get(all, 100), "created"));
	snprintf(q, sizeof(q), "created=%lld&", (long long)one);
	sbt_walk(srv, "/v1/charges", q, eq);
	sbt_ok((long)json_array_size(eq) == count_in(all, one, one + 1) && json_array_size(eq) >= 1,
	       "created= selects the charges of that second");
	json_decref(all);
	json_decref(part);
	json_decref(eq);
}

static void check_other_filters(struct sbt_server *srv)
{
	json_t *all = json_array();
	json_t *part = json_array();
	json_int_t cut;
	long expect = 0;
	size_t i;
	char q[128];
	struct sbt_resp r;
	json_t *c;

	sbt_walk(srv, "/v1/payouts", "", all);
	cut = json_integer_value(
	        json_object_get(json_array_get(all, json_array_size(all) / 2), "arrival_date"));
	for (i = 0; i < json_array_size(all); i++)
		if (json_integer_value(json_object_get(json_array_get(all, i), "arrival_date")) >=
		    cut)
			expect++;
	snprintf(q, sizeof(q), "arrival_date[gte]=%lld&", (long long)cut);
	sbt_walk(srv, "/v1/payouts", q, part);
	sbt_ok(expect > 0 && (long)json_array_size(part) == expect,
	       "payouts arrival_date[gte] selects exactly the later payouts (%ld)", expect);
	sbt_get(srv, "/v1/charges?limit=5", &r);
	c = json_array_get(json_object_get(r.json, "data"), 3);
	snprintf(q, sizeof(q), "/v1/charges?payment_intent=%s",
	         json_string_value(json_object_get(c, "payment_intent")));
	{
		struct sbt_resp one;

		sbt_get(srv, q, &one);
		sbt_ok(one.status == 200 &&
		               json_array_size(json_object_get(one.json, "data")) == 1 &&
		               json_equal(json_array_get(json_object_get(one.json, "data"), 0), c),
		       "charges payment_intent filter finds that charge only");
		sbt_resp_free(&one);
	}
	sbt_resp_free(&r);
	json_decref(all);
	json_decref(part);
}

static void expect_error(struct sbt_server *srv, const char *path, const char *key, long status,
                         const char *type, const char *what)
{
	struct sbt_resp r;
	json_t *err;

	sbt_request(srv, "GET", path, NULL, key, NULL, 0, &r);
	err = json_object_get(r.json, "error");
	sbt_ok(r.status == status && err &&
	               strcmp(json_string_value(json_object_get(err, "type"))
	                              ? json_string_value(json_object_get(err, "type"))
	                              : "",
	                      type) == 0 &&
	               json_string_value(json_object_get(err, "message")) && r.request_id[0],
	       "%s: %ld %s with message and Request-Id (got %ld)", what, status, type, r.status);
	sbt_resp_free(&r);
}

static void check_validation(struct sbt_server *srv)
{
	struct sbt_resp r;

	expect_error(srv, "/v1/charges?limit=0", SBT_KEY, 400, "invalid_request_error", "limit=0");
	expect_error(srv, "/v1/charges?limit=101", SBT_KEY, 400, "invalid_request_error",
	             "limit=101");
	expect_error(srv, "/v1/charges?limit=ten", SBT_KEY, 400, "invalid_request_error",
	             "limit=ten");
	expect_error(srv, "/v1/charges?starting_after=ch_x&ending_before=ch_y", SBT_KEY, 400,
	             "invalid_request_error", "both cursors");
	expect_error(srv, "/v1/charges?starting_after=ch_doesnotexist", SBT_KEY, 400,
	             "invalid_request_error", "unknown cursor");
	expect_error(srv, "/v1/charges?colour=blue", SBT_KEY, 400, "invalid_request_error",
	             "unknown parameter");
	expect_error(srv, "/v1/charges/ch_doesnotexist", SBT_KEY, 404, "invalid_request_error",
	             "missing charge");
	expect_error(srv, "/v1/widgets", SBT_KEY, 404, "invalid_request_error", "unknown endpoint");
	expect_error(srv, "/v1/charges", NULL, 401, "invalid_request_error", "no key");
	expect_error(srv, "/v1/charges", "sk_live_realkeysneverwork1", 401, "invalid_request_error",
	             "live key");
	expect_error(srv, "/v1/charges", "rk_test_notconfigured1", 401, "invalid_request_error",
	             "unconfigured restricted key");
	sbt_get(srv, "/v1/charges", &r);
	sbt_ok(r.status == 200 && json_array_size(json_object_get(r.json, "data")) == 10,
	       "default limit is 10");
	sbt_resp_free(&r);
	sbt_get(srv, "/v1/charges?limit=3&expand[]=data.customer", &r);
	sbt_ok(r.status == 200 && json_array_size(json_object_get(r.json, "data")) == 3,
	       "expand[] is accepted");
	sbt_resp_free(&r);
}

static void check_retrieve(struct sbt_server *srv)
{
	struct sbt_resp r, one;
	json_t *c;
	char path[256];
	const char *pi;

	sbt_get(srv, "/v1/charges?limit=1", &r);
	c = json_array_get(json_object_get(r.json, "data"), 0);
	snprintf(path, sizeof(path), "/v1/charges/%s", json_string_value(json_object_get(c, "id")));
	sbt_get(srv, path, &one);
	sbt_ok(one.status == 200 && json_equal(one.json, c),
	       "GET /v1/charges/:id equals the listed object");
	sbt_resp_free(&one);
	pi = json_string_value(json_object_get(c, "payment_intent"));
	snprintf(path, sizeof(path), "/v1/payment_intents/%s", pi ? pi : "none");
	sbt_get(srv, path, &one);
	sbt_ok(one.status == 200 &&
	               strcmp(json_string_value(json_object_get(one.json, "latest_charge"))
	                              ? json_string_value(
	                                        json_object_get(one.json, "latest_charge"))
	                              : "",
	                      json_string_value(json_object_get(c, "id"))) == 0,
	       "the charge's payment intent points back at it");
	sbt_resp_free(&one);
	sbt_ok(json_object_get(c, "billing_details") &&
	               json_object_get(json_object_get(c, "outcome"), "risk_level") &&
	               json_string_value(json_object_get(
	                       json_object_get(json_object_get(c, "payment_method_details"),
	                                       "card"),
	                       "last4")) &&
	               json_object_get(json_object_get(c, "metadata"), "order_id"),
	       "a charge carries name, risk level, last4 and order id");
	sbt_resp_free(&r);
}

/* What the seeded data must contain. */
static void check_variety(struct sbt_server *srv)
{
	json_t *all = json_array();
	json_t *disputes = json_array();
	static const char *const curs[] = {"usd", "eur", "cny", "jpy", "gbp"};
	static const char *const dstat[] = {"warning_needs_response",
	                                    "warning_under_review",
	                                    "warning_closed",
	                                    "needs_response",
	                                    "under_review",
	                                    "won",
	                                    "lost",
	                                    "prevented"};
	int cur_seen[5] = {0};
	int cjk = 0, accented = 0, failed = 0, pending = 0, partial = 0, full = 0;
	int past = 0, future = 0;
	size_t i, k;
	json_int_t now = atol(SBT_NOW);

	sbt_walk(srv, "/v1/charges", "", all);
	for (i = 0; i < json_array_size(all); i++) {
		json_t *c = json_array_get(all, i);
		const char *cur = json_string_value(json_object_get(c, "currency"));
		const char *name = json_string_value(
		        json_object_get(json_object_get(c, "billing_details"), "name"));
		const char *st = json_string_value(json_object_get(c, "status"));
		json_int_t amt = json_integer_value(json_object_get(c, "amount"));
		json_int_t ref = json_integer_value(json_object_get(c, "amount_refunded"));

		for (k = 0; k < 5; k++)
			if (cur && strcmp(cur, curs[k]) == 0)
				cur_seen[k]++;
		if (name && (unsigned char)name[0] >= 0xe3)
			cjk++;
		if (name && strstr(name, "\xc3"))
			accented++;
		if (st && strcmp(st, "failed") == 0)
			failed++;
		if (st && strcmp(st, "pending") == 0)
			pending++;
		if (ref > 0 && ref < amt)
			partial++;
		if (ref > 0 && ref == amt)
			full++;
	}
	sbt_ok(cur_seen[0] && cur_seen[1] && cur_seen[2] && cur_seen[3] && cur_seen[4],
	       "orders in usd, eur, cny, jpy and gbp");
	sbt_ok(cjk > 0 && accented > 0, "customers with CJK (%d) and accented (%d) names", cjk,
	       accented);
	sbt_ok(failed > 0 && pending > 0, "failed (%d) and pending (%d) charges", failed, pending);
	sbt_ok(partial > 0 && full > 0 && partial + full > 2500 / 50,
	       "refunded charges, some partially (%d) some fully (%d)", partial, full);
	sbt_walk(srv, "/v1/disputes", "", disputes);
	for (k = 0; k < 8; k++) {
		int seen = 0;

		for (i = 0; i < json_array_size(disputes); i++) {
			json_t *d = json_array_get(disputes, i);

			if (strcmp(json_string_value(json_object_get(d, "status")), dstat[k]) == 0)
				seen++;
		}
		sbt_ok(seen > 0, "a dispute in status %s", dstat[k]);
	}
	for (i = 0; i < json_array_size(disputes); i++) {
		json_t *d = json_array_get(disputes, i);
		const char *st = json_string_value(json_object_get(d, "status"));
		json_t *due = json_object_get(json_object_get(d, "evidence_details"), "due_by");

		if (strstr(st, "needs_response") == NULL)
			continue;
		if (json_integer_value(due) < now)
			past++;
		else
			future++;
	}
	sbt_ok(past > 0 && future > 0,
	       "disputes needing a response with past (%d) and future (%d) deadlines", past,
	       future);
	json_decref(all);
	json_decref(disputes);
}

/* FNV-1a of "id|amount|currency|status|amount_refunded|refunded|disputed\n" lines,
 * computed here from the API, must equal the sandbox's own checksum. */
static void check_checksum(struct sbt_server *srv)
{
	json_t *all = json_array();
	json_t *sorted;
	struct sbt_resp r;
	unsigned long long h = 0xcbf29ce484222325ULL;
	char line[512];
	char hex[32];
	size_t i, j;
	const char **ids;
	size_t n;

	sbt_walk(srv, "/v1/charges", "", all);
	n = json_array_size(all);
	ids = calloc(n, sizeof(*ids));
	sorted = json_object();
	for (i = 0; i < n; i++) {
		json_t *c = json_array_get(all, i);

		ids[i] = json_string_value(json_object_get(c, "id"));
		json_object_set(sorted, ids[i], c);
	}
	/* Ascending byte order of the ids (insertion sort: a few thousand ids). */
	for (i = 1; i < n; i++) {
		const char *x = ids[i];

		for (j = i; j > 0 && strcmp(ids[j - 1], x) > 0; j--)
			ids[j] = ids[j - 1];
		ids[j] = x;
	}
	for (i = 0; i < n; i++) {
		json_t *c = json_object_get(sorted, ids[i]);
		int len = snprintf(
		        line, sizeof(line), "%s|%lld|%s|%s|%lld|%d|%d\n", ids[i],
		        (long long)json_integer_value(json_object_get(c, "amount")),
		        json_string_value(json_object_get(c, "currency")),
		        json_string_value(json_object_get(c, "status")),
		        (long long)json_integer_value(json_object_get(c, "amount_refunded")),
		        json_is_true(json_object_get(c, "refunded")),
		        json_is_true(json_object_get(c, "disputed")));

		for (j = 0; j < (size_t)len; j++) {
			h ^= (unsigned char)line[j];
			h *= 0x100000001b3ULL;
		}
	}
	snprintf(hex, sizeof(hex), "%016llx", h);
	sbt_get(srv, "/_admin/checksum", &r);
	sbt_ok(r.status == 200 &&
	               strcmp(json_string_value(
	                              json_object_get(json_object_get(r.json, "charges"), "fnv"))
	                              ? json_string_value(json_object_get(
	                                        json_object_get(r.json, "charges"), "fnv"))
	                              : "",
	                      hex) == 0 &&
	               json_integer_value(json_object_get(json_object_get(r.json, "charges"),
	                                                  "count")) == (json_int_t)n,
	       "admin checksum of charges equals the one computed from the API (%s)", hex);
	sbt_resp_free(&r);
	free(ids);
	json_decref(sorted);
	json_decref(all);
}

static void check_ledger(struct sbt_server *srv)
{
	json_t *bts = json_array();
	struct sbt_resp r;
	json_int_t now = atol(SBT_NOW);
	json_int_t from = now - 30 * 86400, to = now - 10 * 86400;
	long long net = 0, amount = 0, fee = 0;
	long count = 0;
	char path[128];
	size_t i;
	json_t *v;

	sbt_walk(srv, "/v1/balance_transactions", "currency=eur&type=charge&", bts);
	for (i = 0; i < json_array_size(bts); i++) {
		json_t *b = json_array_get(bts, i);
		json_int_t c = json_integer_value(json_object_get(b, "created"));

		if (strcmp(json_string_value(json_object_get(b, "currency")), "eur") != 0 ||
		    strcmp(json_string_value(json_object_get(b, "type")), "charge") != 0) {
			count = -1000000;
			break;
		}
		if (c < from || c >= to)
			continue;
		count++;
		amount += json_integer_value(json_object_get(b, "amount"));
		fee += json_integer_value(json_object_get(b, "fee"));
		net += json_integer_value(json_object_get(b, "net"));
	}
	snprintf(path, sizeof(path), "/_admin/ledger?from=%lld&to=%lld", (long long)from,
	         (long long)to);
	sbt_get(srv, path, &r);
	v = json_object_get(json_object_get(r.json, "eur"), "charge");
	sbt_ok(count > 0 && json_integer_value(json_object_get(v, "count")) == count &&
	               json_integer_value(json_object_get(v, "amount")) == amount &&
	               json_integer_value(json_object_get(v, "fee")) == fee &&
	               json_integer_value(json_object_get(v, "net")) == net && amount - fee == net,
	       "ledger eur charges equal the sums of the filtered balance transactions (%ld)",
	       count);
	sbt_resp_free(&r);
	json_decref(bts);
}

static void check_determinism(void)
{
	struct sbt_server a, b, c;
	static const char *const other[] = {"--seed", "4",     "--orders", "300", "--days",
	                                    "30",     "--now", SBT_NOW,    NULL};
	static const char *const same[] = {"--seed", "3",     "--orders", "300", "--days",
	                                   "30",     "--now", SBT_NOW,    NULL};
	struct sbt_resp ra, rb, rc, pa, pb;

	sbt_start(&a, same);
	sbt_start(&b, same);
	sbt_start(&c, other);
	sbt_get(&a, "/_admin/checksum", &ra);
	sbt_get(&b, "/_admin/checksum", &rb);
	sbt_get(&c, "/_admin/checksum", &rc);
	sbt_ok(ra.body && rb.body && strcmp(ra.body, rb.body) == 0,
	       "same seed and arguments give the same data");
	sbt_ok(ra.body && rc.body && strcmp(ra.body, rc.body) != 0,
	       "another seed gives other data");
	sbt_get(&a, "/v1/charges?limit=100", &pa);
	sbt_get(&b, "/v1/charges?limit=100", &pb);
	sbt_ok(pa.body && pb.body && pa.len == pb.len && memcmp(pa.body, pb.body, pa.len) == 0,
	       "same seed gives byte-identical pages");
	sbt_resp_free(&ra);
	sbt_resp_free(&rb);
	sbt_resp_free(&rc);
	sbt_resp_free(&pa);
	sbt_resp_free(&pb);
	sbt_ok(sbt_stop(&a) == 0 && sbt_stop(&b) == 0 && sbt_stop(&c) == 0,
	       "SIGTERM stops the sandbox cleanly (exit 0)");
}

static void check_hostile(void)
{
	struct sbt_server h;
	static const char *const args[] = {"--seed",    "5",     "--orders", "400",
	                                   "--hostile", "--now", SBT_NOW,    NULL};
	json_t *all = json_array();
	int esc = 0, bidi = 0, longs = 0, ctrl = 0, nuls = 0;
	size_t i;
	int pages;

	sbt_start(&h, args);
	pages = sbt_walk(&h, "/v1/charges", "", all);
	sbt_ok(pages > 0 && json_array_size(all) == 400, "hostile data still lists as valid JSON");
	for (i = 0; i < json_array_size(all); i++) {
		json_t *c = json_array_get(all, i);
		const json_t *values[3];
		const char *fields[3];
		int k;

		values[0] = json_object_get(json_object_get(c, "billing_details"), "name");
		values[1] = json_object_get(c, "description");
		values[2] = json_object_get(json_object_get(c, "metadata"), "note");
		for (k = 0; k < 3; k++) {
			fields[k] = json_string_value(values[k]);
			if (fields[k] == NULL)
				continue;
			if (json_string_length(values[k]) != strlen(fields[k]))
				nuls++; /* a \u0000 inside */
			if (strchr(fields[k], 0x1b))
				esc++;
			if (strstr(fields[k], "\xe2\x80\xae"))
				bidi++;
			if (strlen(fields[k]) > 4000)
				longs++;
			if (strchr(fields[k], 0x07) || strchr(fields[k], '\n'))
				ctrl++;
		}
	}
	sbt_ok(esc > 0 && bidi > 0 && longs > 0 && ctrl > 0 && nuls > 0,
	       "hostile strings: escapes %d, bidi overrides %d, long %d, controls %d, NULs %d", esc,
	       bidi, longs, ctrl, nuls);
	json_decref(all);
	sbt_stop(&h);
}

/* --invalid-utf8: pages hold bytes that are not UTF-8, which a validating parser rejects
 * (the page is still a complete 200 reply). */
static void check_invalid_utf8(void)
{
	struct sbt_server h;
	static const char *const args[] = {"--seed", "5",         "--orders",
	                                   "400",    "--hostile", "--invalid-utf8",
	                                   "--now",  SBT_NOW,     NULL};
	int bad = 0, good = 0, page;
	char url[256];
	char last[64] = "";

	sbt_start(&h, args);
	for (page = 0; page < 4; page++) {
		struct sbt_resp r;

		if (last[0])
			snprintf(url, sizeof(url), "/v1/charges?limit=100&starting_after=%s", last);
		else
			snprintf(url, sizeof(url), "/v1/charges?limit=100");
		sbt_get(&h, url, &r);
		if (r.status == 200 && r.json)
			good++;
		else if (r.status == 200)
			bad++;
		/* Find the cursor without validating UTF-8: the last "id":"ch_ in the page. */
		{
			const char *p = r.body, *found = NULL;

			while (p && (p = strstr(p, "{\"id\":\"ch_")) != NULL)
				found = p++;
			if (found)
				snprintf(last, sizeof(last), "%.27s", found + 7);
		}
		sbt_resp_free(&r);
	}
	sbt_ok(bad > 0 && good + bad == 4,
	       "--invalid-utf8: %d of 4 pages hold bytes a validating JSON parser rejects", bad);
	sbt_stop(&h);
}

int main(void)
{
	struct sbt_server srv;
	static const char *const paths[] = {"/v1/refunds", "/v1/disputes", "/v1/payouts",
	                                    "/v1/balance_transactions", "/v1/payment_intents"};
	size_t i;

	sbt_start(&srv, seed_args);
	check_walk(&srv, "/v1/charges", 2500);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		check_walk(&srv, paths[i], -1);
	check_created(&srv);
	check_other_filters(&srv);
	check_validation(&srv);
	check_retrieve(&srv);
	check_shapes(&srv);
	check_variety(&srv);
	check_checksum(&srv);
	check_ledger(&srv);
	sbt_stop(&srv);
	check_determinism();
	check_hostile();
	check_invalid_utf8();
	return sbt_done();
}
