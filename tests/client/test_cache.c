/* The cache file: creation, migrations, damaged and foreign files set aside, upserts. */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "client/cache_private.h"
#include "client/cache_schema.h"
#include "client/client.h"
#include "client/stripe/stripe.h"
#include "client/store.h"

static char tmpdir[256];
static char path[512];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "%s/paydesk-cache.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A fresh path per test, in a sub-directory that does not exist yet. */
static int fresh(void **state)
{
	(void)state;
	static int n;
	snprintf(path, sizeof path, "%s/d%d/sub/p.db", tmpdir, ++n);
	return 0;
}

static int count_broken(void)
{
	char dir[512];
	snprintf(dir, sizeof dir, "%s", path);
	*strrchr(dir, '/') = '\0';
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strstr(e->d_name, "p.db.broken-") && !strstr(e->d_name, "-wal") &&
		    !strstr(e->d_name, "-shm"))
			n++;
	closedir(d);
	return n;
}

static int64_t scalar(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void test_new_cache(void **state)
{
	(void)state;
	char err[512] = "";
	struct cache *c = cache_open(path, err, sizeof err);
	assert_non_null(c);
	assert_string_equal(cache_notice(c), "");
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	char dir[512];
	snprintf(dir, sizeof dir, "%s", path);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	sqlite3 *db = cache_db(c);
	assert_int_equal(scalar(db, "PRAGMA user_version"), cache_schema_latest());
	assert_int_equal(scalar(db, "PRAGMA application_id"), CACHE_APPLICATION_ID);
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
	sqlite3_finalize(s);
	struct cache_info info;
	assert_int_equal(cache_info(c, &info, err, sizeof err), 0);
	assert_int_equal(info.counts[CACHE_ORDERS], 0);
	assert_int_equal(info.last_sync, 0);
	assert_true(info.file_bytes > 0);
	cache_close(&c);
	assert_null(c);
	/* reopening is a no-op */
	c = cache_open(path, err, sizeof err);
	assert_non_null(c);
	assert_string_equal(cache_notice(c), "");
	cache_close(&c);
}

static void test_tightens_mode(void **state)
{
	(void)state;
	char err[512];
	struct cache *c = cache_open(path, err, sizeof err);
	assert_non_null(c);
	cache_close(&c);
	assert_int_equal(chmod(path, 0644), 0);
	c = cache_open(path, err, sizeof err);
	assert_non_null(c);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	cache_close(&c);
}

/* A cache of schema 1, as the first release wrote it, with data: migrated, data kept. */
static void test_migration_from_v1(void **state)
{
	(void)state;
	char err[512] = "";
	struct cache *c = cache_open(path, err, sizeof err); /* makes the directories */
	assert_non_null(c);
	cache_close(&c);
	unlink(path);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, cache_schema_sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(
	        sqlite3_exec(db,
	                     "PRAGMA user_version = 1;"
	                     "INSERT INTO orders(id, created, amount, currency, status,"
	                     " platform_status) VALUES ('ch_1', 5, 100, 'usd', 'paid',"
	                     " 'succeeded');"
	                     "INSERT INTO raw_objects VALUES ('ch_1', 'order', '{\"a\":1}');"
	                     "INSERT INTO orders(id, created, amount, currency, status,"
	                     " platform_status, description) VALUES ('ch_esc', 20, 100, 'usd',"
	                     " 'paid', 'succeeded', 'x' || char(27) || '[1my');",
	                     NULL, NULL, NULL),
	        SQLITE_OK);
	sqlite3_close(db);
	c = cache_open(path, err, sizeof err);
	assert_non_null(c);
	assert_string_equal(cache_notice(c), "");
	db = cache_db(c);
	assert_int_equal(scalar(db, "PRAGMA user_version"), cache_schema_latest());
	assert_int_equal(
	        scalar(db, "SELECT count(*) FROM orders WHERE id = 'ch_1' AND refunded = 0"), 1);
	/* schema 10: what the cache held is flagged where its text holds an escape */
	assert_int_equal(scalar(db, "SELECT count(*) FROM orders WHERE has_escapes = 1 AND id ="
	                            " 'ch_esc'"),
	                 1);
	assert_int_equal(scalar(db, "SELECT count(*) FROM orders WHERE has_escapes = 1"), 1);
	/* schema 7: the raw JSON moved into its object's row */
	assert_int_equal(scalar(db, "SELECT count(*) FROM orders WHERE raw = '{\"a\":1}'"), 1);
	assert_int_equal(
	        scalar(db, "SELECT count(*) FROM sqlite_master WHERE name = 'raw_objects'"), 0);
	/* schema 5: the indices on `created` are descending, and still serve the date order */
	assert_int_equal(scalar(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
	                            " AND name IN ('payouts_by_created', 'payouts_by_arrival',"
	                            " 'payouts_by_status', 'refunds_by_created',"
	                            " 'refunds_by_status') AND (sql LIKE '%created DESC, id DESC)'"
	                            " OR sql LIKE '%arrival_date DESC, id DESC)')"),
	                 5);
	/* schema 7: the big tables' sort indices hold no id */
	assert_int_equal(scalar(db,
	                        "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
	                        " AND name IN ('orders_by_created', 'orders_by_status',"
	                        " 'orders_by_currency', 'orders_by_amount', 'balance_by_created',"
	                        " 'balance_by_payout') AND sql NOT LIKE '%id)'"
	                        " AND sql NOT LIKE '%id DESC)'"),
	                 6);
	assert_int_equal(scalar(db, "SELECT count(*) FROM (SELECT id FROM orders INDEXED BY"
	                            " orders_by_created WHERE created BETWEEN 1 AND 9"
	                            " ORDER BY created, id)"),
	                 1);
	/* schema 6: the search index has no column sizes, and holds the order from before */
	assert_int_equal(scalar(db, "SELECT count(*) FROM sqlite_master WHERE name = 'orders_fts'"
	                            " AND sql LIKE '%columnsize=0%'"),
	                 1);
	assert_int_equal(
	        scalar(db, "SELECT count(*) FROM orders_fts WHERE orders_fts MATCH 'ch_1'"), 1);
	/* schema 9: amounts indexed within their currency; the card's last four digits are
	 * searchable, from before and from now on; orders with escapes and the dispute queue
	 * have indices of their own */
	assert_int_equal(scalar(db, "SELECT count(*) FROM sqlite_master WHERE name ="
	                            " 'orders_by_amount' AND sql LIKE '%(currency, amount)'"),
	                 1);
	assert_int_equal(scalar(db, "SELECT count(*) FROM sqlite_master WHERE name IN"
	                            " ('orders_with_escapes', 'disputes_by_queue')"),
	                 2);
	assert_int_equal(sqlite3_exec(db,
	                              "UPDATE orders SET card_last4 = '4242' WHERE id = 'ch_1';"
	                              "INSERT INTO orders(id, created, amount, currency, status,"
	                              " platform_status, card_last4) VALUES ('ch_2', 6, 100,"
	                              " 'usd', 'paid', 'succeeded', '1881');",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	assert_int_equal(
	        scalar(db, "SELECT count(*) FROM orders_fts WHERE orders_fts MATCH '4242'"), 1);
	assert_int_equal(
	        scalar(db, "SELECT count(*) FROM orders_fts WHERE orders_fts MATCH '1881'"), 1);
	assert_int_equal(scalar(db, "SELECT count(*) FROM orders_fts WHERE orders_fts MATCH"
	                            " 'ch_1'"),
	                 1);
	cache_close(&c);
}

static void test_newer_schema_refused(void **state)
{
	(void)state;
	char err[512] = "";
	struct cache *c = cache_open(path, err, sizeof err);
	assert_non_null(c);
	assert_int_equal(sqlite3_exec(cache_db(c), "PRAGMA user_version = 999", NULL, NULL, NULL),
	                 SQLITE_OK);
	cache_close(&c);
	c = cache_open(path, err, sizeof err);
	assert_null(c);
	assert_non_null(strstr(err, "newer"));
	assert_int_equal(count_broken(), 0); /* not ours to throw away */
}

static void test_damaged_file_set_aside(void **state)
{
	(void)state;
	char err[512] = "";
	struct cache *c = cache_open(path, err, sizeof err);
	assert_non_null(c);
	cache_close(&c);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 1000; i++)
		fputs("this is not a database at all ", f);
	fclose(f);
	c = cache_open(path, err, sizeof err);
	assert_non_null(c);
	assert_non_null(strstr(cache_notice(c), "damaged"));
	assert_non_null(strstr(cache_notice(c), ".broken-"));
	assert_int_equal(count_broken(), 1);
	assert_int_equal(scalar(cache_db(c), "SELECT count(*) FROM orders"), 0);
	cache_close(&c);
}

static void test_foreign_file_set_aside(void **state)
{
	(void)state;
	char err[512] = "";
	struct cache *c = cache_open(path, err, sizeof err);
	assert_non_null(c);
	cache_close(&c);
	unlink(path);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
	        sqlite3_exec(db, "CREATE TABLE photos(id, data); INSERT INTO photos VALUES (1, 2);",
	                     NULL, NULL, NULL),
	        SQLITE_OK);
	sqlite3_close(db);
	c = cache_open(path, err, sizeof err);
	assert_non_null(c);
	assert_non_null(strstr(cache_notice(c), "not a paydesk cache"));
	assert_int_equal(count_broken(), 1);
	cache_close(&c);
}

/* A cache that is busy (another process holds it exclusively) is not damaged: it is
 * reported, never set aside. */
static void test_busy_is_not_damage(void **state)
{
	(void)state;
	char err[512] = "";
	struct cache *c = cache_open(path, err, sizeof err);
	assert_non_null(c);
	cache_close(&c);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;"
	                              " INSERT INTO meta VALUES ('k', 'v');",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	c = cache_open(path, err, sizeof err);
	assert_null(c);
	assert_non_null(strstr(err, "right now"));
	assert_int_equal(count_broken(), 0);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	c = cache_open(path, err, sizeof err);
	assert_non_null(c);
	assert_string_equal(cache_notice(c), "");
	cache_close(&c);
}

static void store_json(struct store *s, const char *text)
{
	char err[256];
	struct jdoc *d = jdoc_parse(strdup(text), strlen(text), err, sizeof err);
	assert_non_null(d);
	struct model_object m;
	assert_int_equal(stripe_map_object(jdoc_root(d), &m, err, sizeof err), 0);
	assert_int_equal(store_object(s, &m), SQLITE_OK);
	model_object_clear(&m);
	jdoc_free(&d);
}

static void test_upserts(void **state)
{
	(void)state;
	char err[512] = "";
	struct cache *c = cache_open(path, err, sizeof err);
	assert_non_null(c);
	sqlite3 *db = cache_db(c);
	struct store *s = store_new(db, err, sizeof err);
	assert_non_null(s);
	const char *charge =
	        "{\"id\":\"ch_A\",\"object\":\"charge\",\"created\":10,\"amount\":500,"
	        "\"amount_refunded\":0,\"currency\":\"jpy\",\"status\":\"succeeded\","
	        "\"billing_details\":{\"name\":\"Zhang Wei\",\"email\":\"zw@example.com\"},"
	        "\"metadata\":{\"order_id\":\"ORD-9\"},\"disputed\":false}";
	store_json(s, charge);
	store_json(s, charge);
	assert_int_equal(scalar(db, "SELECT count(*) FROM orders"), 1);
	assert_int_equal(
	        scalar(db,
	               "SELECT count(*) FROM orders WHERE status = 'paid' AND order_ref = 'ORD-9'"),
	        1);
	/* a partial refund, then a dispute on the same charge */
	store_json(s, "{\"id\":\"ch_A\",\"object\":\"charge\",\"created\":10,\"amount\":500,"
	              "\"amount_refunded\":200,\"currency\":\"jpy\",\"status\":\"succeeded\","
	              "\"billing_details\":{\"name\":\"Zhang Wei\"}}");
	assert_int_equal(
	        scalar(db, "SELECT count(*) FROM orders WHERE status = 'partially_refunded'"), 1);
	store_json(s, "{\"id\":\"re_A\",\"object\":\"refund\",\"created\":11,\"amount\":200,"
	              "\"currency\":\"jpy\",\"charge\":\"ch_A\",\"status\":\"succeeded\","
	              "\"metadata\":{\"paydesk_action\":\"act-1\"}}");
	assert_int_equal(scalar(db, "SELECT count(*) FROM refunds WHERE action_id = 'act-1' AND "
	                            "order_id = 'ch_A'"),
	                 1);
	store_json(s, "{\"id\":\"dp_A\",\"object\":\"dispute\",\"created\":12,\"amount\":300,"
	              "\"currency\":\"jpy\",\"charge\":\"ch_A\",\"status\":\"needs_response\","
	              "\"reason\":\"fraudulent\",\"evidence_details\":{\"due_by\":null}}");
	assert_int_equal(
	        scalar(db,
	               "SELECT count(*) FROM orders WHERE status = 'disputed' AND disputed = 1"),
	        1);
	assert_int_equal(scalar(db, "SELECT count(*) FROM disputes WHERE due_by IS NULL"), 1);
	/* full-text search follows the updates */
	assert_int_equal(
	        scalar(db, "SELECT count(*) FROM orders_fts WHERE orders_fts MATCH 'zhang'"), 1);
	assert_int_equal(
	        scalar(db, "SELECT (SELECT count(*) FROM orders WHERE id = 'ch_A' AND raw > '')"
	                   " + (SELECT count(*) FROM refunds WHERE id = 're_A' AND raw > '')"
	                   " + (SELECT count(*) FROM disputes WHERE id = 'dp_A' AND raw > '')"),
	        3);
	/* payout_id set by reconciliation survives a later upsert of the same entry */
	store_json(s,
	           "{\"id\":\"txn_A\",\"object\":\"balance_transaction\",\"created\":10,"
	           "\"amount\":500,\"fee\":20,\"net\":480,\"currency\":\"jpy\",\"type\":\"charge\","
	           "\"source\":\"ch_A\"}");
	assert_int_equal(store_btx_payout(s, "txn_A", "po_A"), SQLITE_OK);
	store_json(s,
	           "{\"id\":\"txn_A\",\"object\":\"balance_transaction\",\"created\":10,"
	           "\"amount\":500,\"fee\":20,\"net\":480,\"currency\":\"jpy\",\"type\":\"charge\","
	           "\"source\":\"ch_A\"}");
	assert_int_equal(
	        scalar(db, "SELECT count(*) FROM balance_transactions WHERE payout_id = 'po_A'"),
	        1);
	struct cache_info info;
	assert_int_equal(cache_info(c, &info, err, sizeof err), 0);
	assert_int_equal(info.counts[CACHE_ORDERS], 1);
	assert_int_equal(info.counts[CACHE_REFUNDS], 1);
	assert_int_equal(info.counts[CACHE_DISPUTES], 1);
	assert_int_equal(info.counts[CACHE_BALANCE_TRANSACTIONS], 1);
	store_free(&s);
	cache_close(&c);
}

/* An order or a refund of a bill platform, whose order's refunded amount the cache derives. */
static void order_object(struct model_object *m, const char *id, int64_t amount, bool merge)
{
	memset(m, 0, sizeof *m);
	m->kind = MODEL_ORDER;
	m->id = id;
	m->created = 100;
	m->merge = merge;
	m->u.order.amount = amount;
	m->u.order.currency = "cny";
	m->u.order.platform_status = "succeeded";
}

static void put_order(struct store *s, const char *id, int64_t amount, bool merge)
{
	struct model_object m;
	order_object(&m, id, amount, merge);
	struct model_order *o = &m.u.order;
	o->order_ref = "ORD-1";
	o->description = "龙井茶礼盒";
	o->settle_amount = amount;
	o->fee_fine = amount * 6;
	o->bill_day = "2026-11-20";
	o->derive_refunded = true;
	assert_int_equal(store_object(s, &m), SQLITE_OK);
}

static void put_refund(struct store *s, const char *id, const char *order_id, int64_t amount,
                       const char *status)
{
	struct model_object m;
	memset(&m, 0, sizeof m);
	m.kind = MODEL_REFUND;
	m.id = id;
	m.created = 200;
	struct model_refund *r = &m.u.refund;
	r->amount = amount;
	r->currency = "cny";
	r->order_id = order_id;
	r->status = status;
	r->settle_amount = r->coupon_refund = r->fee_fine = MODEL_UNKNOWN;
	r->bill_day = "2026-11-20";
	r->derive_order = true;
	assert_int_equal(store_object(s, &m), SQLITE_OK);
}

/* One bill's rows into a cache with what came before (refunds before their orders, an order
 * cached already, failed refunds, more orders than a deferral holds), derived row by row or
 * deferred: the caches must end alike. Returns the orders' (id, refunded, status), hashed. */
static uint64_t bill_into(const char *file, bool deferred, sqlite3 **out_db, struct cache **out)
{
	char err[512] = "";
	struct cache *c = cache_open(file, err, sizeof err);
	assert_non_null(c);
	sqlite3 *db = cache_db(c);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	struct store *s = store_new(db, err, sizeof err);
	assert_non_null(s);
	/* before the bill: a refund whose order is not cached, an order and its refund */
	put_refund(s, "R0", "X1", 200, "succeeded");
	put_order(s, "X2", 1000, false);
	put_refund(s, "R1", "X2", 300, "succeeded");
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	if (deferred)
		store_defer(s);
	put_order(s, "X1", 500, false);
	put_order(s, "X3", 800, false);
	put_refund(s, "R2", "X3", 800, "succeeded");
	put_order(s, "X2", 1000, false); /* cached: the bill says nothing was refunded */
	put_order(s, "X4", 900, false);
	put_refund(s, "R3", "X4", 900, "failed");
	put_refund(s, "R4", "X5", 50, "succeeded");
	put_order(s, "X5", 400, false);
	put_order(s, "X6", 300, true);
	char id[32], rid[32];
	for (int i = 0; i < 20000; i++) {
		snprintf(id, sizeof id, "Y%05d", (i * 7919) % 20000);
		snprintf(rid, sizeof rid, "RY%05d", i);
		if (i % 97 == 0)
			put_refund(s, rid, id, 10 + i % 50, "succeeded");
		put_order(s, id, 100 + i % 1000, false);
		if (i % 89 == 0)
			put_refund(s, rid, id, 100 + i % 1000, i % 2 ? "succeeded" : "canceled");
	}
	if (deferred)
		assert_int_equal(store_flush(s), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	store_free(&s);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT id || '|' || amount_refunded || '|' || status"
	                                    " FROM orders ORDER BY id",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	uint64_t h = 0xcbf29ce484222325ULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		for (int i = 0; i < sqlite3_column_bytes(st, 0); i++)
			h = (h ^ t[i]) * 0x100000001b3ULL;
		h = (h ^ '\n') * 0x100000001b3ULL;
	}
	sqlite3_finalize(st);
	*out_db = db;
	*out = c;
	return h;
}

/* An order with a description and a customer's name, stored as a sync stores it. */
static void put_text_order(struct store *s, const char *id, const char *description,
                           const char *name, bool merge)
{
	struct model_object m;
	order_object(&m, id, 100, merge);
	m.u.order.description = description;
	m.u.order.customer_name = name;
	assert_int_equal(store_object(s, &m), SQLITE_OK);
}

static int escapes_flag(sqlite3 *db, const char *id)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT has_escapes FROM orders WHERE id = '%s'", id);
	return scalar(db, sql);
}

/* Whether an order's text holds an escape is kept with the row: by the store on a sync's
 * connection (no triggers), by the triggers on any other, through upserts and merges, and
 * for what an older cache held; the search's index of such orders holds exactly them. */
static void test_escape_flag(void **state)
{
	(void)state;
	char err[512] = "";
	for (int sync_conn = 0; sync_conn < 2; sync_conn++) {
		unlink(path);
		struct cache *c = cache_open(path, err, sizeof err);
		assert_non_null(c);
		sqlite3 *db = cache_db(c);
		if (sync_conn)
			sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
		struct store *s = store_new(db, err, sizeof err);
		assert_non_null(s);
		put_text_order(s, "E1", "plain tea", "Ann", false);
		put_text_order(s, "E2", "\x1b[1mBold tea", "Ann", false);
		put_text_order(s, "E3", "tea",
		               "\xc2\x9b"
		               "2JBob",
		               false);
		assert_int_equal(escapes_flag(db, "E1"), 0);
		assert_int_equal(escapes_flag(db, "E2"), 1);
		assert_int_equal(escapes_flag(db, "E3"), 1);
		/* stored again: the new text decides */
		put_text_order(s, "E2", "Bold tea", "Ann", false);
		put_text_order(s, "E1", "plain \x1b tea", "Ann", false);
		assert_int_equal(escapes_flag(db, "E2"), 0);
		assert_int_equal(escapes_flag(db, "E1"), 1);
		/* a merge keeps the cached name where it brings none: the escape in it stays */
		put_text_order(s, "E3", "green tea", NULL, true);
		assert_int_equal(escapes_flag(db, "E3"), 1);
		put_text_order(s, "E3", "green tea", "Bob", true);
		assert_int_equal(escapes_flag(db, "E3"), 0);
		assert_int_equal(scalar(db, "SELECT count(*) FROM orders WHERE has_escapes IS NOT"
		                            " " CACHE_ORDER_HAS_ESCAPES_SQL),
		                 0);
		store_free(&s);
		cache_close(&c);
	}
}

static void test_deferred_derivation(void **state)
{
	(void)state;
	char other[600];
	snprintf(other, sizeof other, "%s-rowwise.db", path);
	sqlite3 *a, *b;
	struct cache *ca, *cb;
	uint64_t rowwise = bill_into(other, false, &a, &ca);
	uint64_t deferred = bill_into(path, true, &b, &cb);
	assert_true(rowwise == deferred);
	assert_int_equal(scalar(b, "SELECT amount_refunded FROM orders WHERE id = 'X1'"), 200);
	assert_int_equal(scalar(b, "SELECT status = 'partially_refunded' FROM orders"
	                           " WHERE id = 'X1'"),
	                 1);
	assert_int_equal(scalar(b, "SELECT status = 'refunded' FROM orders WHERE id = 'X3'"), 1);
	assert_int_equal(scalar(b, "SELECT amount_refunded FROM orders WHERE id = 'X2'"), 300);
	assert_int_equal(scalar(b, "SELECT status = 'paid' FROM orders WHERE id = 'X4'"), 1);
	assert_int_equal(scalar(b, "SELECT amount_refunded FROM orders WHERE id = 'X5'"), 50);
	assert_int_equal(scalar(b, "SELECT count(*) FROM orders WHERE amount_refunded > 0"),
	                 scalar(a, "SELECT count(*) FROM orders WHERE amount_refunded > 0"));
	assert_int_equal(scalar(b, "SELECT count(*) FROM orders_fts WHERE orders_fts MATCH 'ORD'"),
	                 20006);
	cache_close(&ca);
	cache_close(&cb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_new_cache, fresh),
	        cmocka_unit_test_setup(test_tightens_mode, fresh),
	        cmocka_unit_test_setup(test_migration_from_v1, fresh),
	        cmocka_unit_test_setup(test_newer_schema_refused, fresh),
	        cmocka_unit_test_setup(test_damaged_file_set_aside, fresh),
	        cmocka_unit_test_setup(test_foreign_file_set_aside, fresh),
	        cmocka_unit_test_setup(test_upserts, fresh),
	        cmocka_unit_test_setup(test_busy_is_not_damage, fresh),
	        cmocka_unit_test_setup(test_deferred_derivation, fresh),
	        cmocka_unit_test_setup(test_escape_flag, fresh),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
