/* The platforms' JSON into the model and the model into the cache: each mapping of
 * client/stripe/map.c, client/wechatpay/map.c and client/alipay/map.c on any JSON the reader
 * accepts, and every object it keeps stored in a real cache (client/store.c, in a
 * transaction rolled back after each input).
 *
 * The first byte picks the mapping; the rest is the JSON. Checked: a mapping keeps an object
 * whole (an id; a currency where the kind has one) or refuses it with a reason; what it
 * keeps, the cache takes; its JSON (raw, metadata, evidence) is JSON that jansson reads; its
 * copy (model_object_copy, for the sync thread) is the same object. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "client/alipay/alipay.h"
#include "client/cache.h"
#include "client/cache_private.h"
#include "client/jdoc.h"
#include "client/model.h"
#include "client/store.h"
#include "client/stripe/stripe.h"
#include "client/wechatpay/wechatpay.h"
#include "tests/fuzz/fuzz.h"

static char dir[256];
static char path[300];
static struct cache *cache;
static struct store *store;

static void cleanup(void)
{
	store_free(&store);
	cache_close(&cache);
	fuzz_remove_db(path, dir);
}

static void setup(void)
{
	if (cache)
		return;
	fuzz_private_dir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/cache.db", dir);
	char err[256];
	cache = cache_open(path, err, sizeof err);
	if (!cache)
		fprintf(stderr, "fuzz_map: %s\n", err);
	CHECK(cache);
	store = store_new(cache_db(cache), err, sizeof err);
	CHECK(store);
	atexit(cleanup);
}

static void check_json_allow_nul(const char *text)
{
	if (!text)
		return;
	json_error_t err;
	json_t *j = json_loads(text, JSON_ALLOW_NUL, &err);
	if (!j)
		fprintf(stderr, "fuzz_map: not JSON (%s): %s\n", err.text, text);
	CHECK(j);
	json_decref(j);
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* A kept object: whole, storable, and copied as it is. */
static void check_kept(const struct model_object *m)
{
	CHECK(m->id && *m->id);
	if (getenv("PAYDESK_FUZZ_VERBOSE"))
		fprintf(stderr, "fuzz_map: kept a %d, %s\n", (int)m->kind, m->id);
	check_json_allow_nul(m->raw);
	check_json_allow_nul(m->metadata);
	check_json_allow_nul(m->evidence);
	switch (m->kind) {
	case MODEL_ORDER:
		CHECK(m->u.order.currency && *m->u.order.currency);
		break;
	case MODEL_REFUND:
		CHECK(m->u.refund.currency && *m->u.refund.currency);
		break;
	case MODEL_PAYOUT:
		CHECK(m->u.payout.currency && *m->u.payout.currency);
		break;
	case MODEL_BALANCE_TX:
		CHECK(m->u.balance_tx.currency && *m->u.balance_tx.currency);
		break;
	case MODEL_DISPUTE_EVENT:
		CHECK(m->u.dispute_event.dispute_id && *m->u.dispute_event.dispute_id);
		break;
	default:
		break;
	}
	struct model_object *copy = model_object_copy(m);
	CHECK(copy);
	CHECK(copy->kind == m->kind && copy->created == m->created && same_str(copy->id, m->id));
	CHECK(same_str(copy->raw, m->raw) && same_str(copy->metadata, m->metadata));
	CHECK(same_str(copy->evidence, m->evidence));
	free(copy);
	int rc = store_object(store, m);
	if (rc != SQLITE_OK && rc != SQLITE_DONE)
		fprintf(stderr, "fuzz_map: the cache refused a mapped object: %s\n",
		        sqlite3_errmsg(cache_db(cache)));
	CHECK(rc == SQLITE_OK || rc == SQLITE_DONE);
}

typedef int (*map_fn)(const struct jval *obj, struct model_object *m, char *err, size_t err_size);

static void one(map_fn fn, const struct jval *obj)
{
	struct model_object m;
	char err[300] = "";
	int rc = fn(obj, &m, err, sizeof err);
	CHECK(rc == 0 || rc == -1);
	if (rc == 0) {
		if (m.kind != MODEL_NONE)
			check_kept(&m);
		model_object_clear(&m);
	} else {
		CHECK(err[0] != '\0');
	}
}

static int wxp_history(const struct jval *obj, struct model_object *m, char *err, size_t size)
{
	return wxp_map_history(obj, "200000020261120000001", m, err, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const map_fn maps[] = {stripe_map_object, wxp_map_transaction, wxp_map_refund,
	                              wxp_map_complaint, wxp_history,         alp_map_trade,
	                              alp_map_complaint};
	enum { N_MAPS = sizeof maps / sizeof *maps };
	if (size < 1)
		return 0;
	setup();
	unsigned pick = data[0] % (N_MAPS + 3);
	char err[96];
	struct jdoc *doc = jdoc_parse(fuzz_copy(data + 1, size - 1), size - 1, err, sizeof err);
	if (!doc)
		return 0;
	const struct jval *root = jdoc_root(doc);
	sqlite3 *db = cache_db(cache);
	CHECK(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK);
	if (pick < N_MAPS) {
		one(maps[pick], root);
	} else if (pick == N_MAPS) {
		struct model_event e;
		struct model_object m;
		char why[300] = "";
		int rc = stripe_map_event(root, &e, &m, why, sizeof why);
		CHECK(rc == 0 || rc == -1);
		if (rc == 0) {
			if (m.kind != MODEL_NONE)
				check_kept(&m);
			model_object_clear(&m);
		} else {
			CHECK(why[0] != '\0');
		}
	} else if (pick == N_MAPS + 1) {
		struct model_object out[8];
		size_t n = alp_map_replies(root, "2026112000000001", out, 8);
		CHECK(n <= 8);
		for (size_t i = 0; i < n; i++) {
			check_kept(&out[i]);
			model_object_clear(&out[i]);
		}
	} else {
		struct model_object out[3];
		char why[300] = "";
		int n = alp_map_account_entry(root, out, why, sizeof why);
		CHECK(n >= -1 && n <= 3);
		if (n < 0)
			CHECK(why[0] != '\0');
		for (int i = 0; i < n; i++) {
			check_kept(&out[i]);
			model_object_clear(&out[i]);
		}
	}
	CHECK(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK);
	store_discard(store);
	jdoc_free(&doc);
	return 0;
}
