/* The screens' queries over a small cache made by the client's own cache_open: the amount
 * filter and sort compare like with like (each order in its own currency's units, sorted by
 * currency, then amount, paged both ways), the search finds a card's last four digits, an
 * amount and a word glued to an escape, and the dispute queue puts what needs work first. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "client/cache.h"
#include "client/query.h"

static char path[300];
static struct query *q;

/* id, amount, currency, customer name, last4 */
static const struct {
	const char *id;
	long long amount;
	const char *currency;
	const char *name;
	const char *last4;
} orders[] = {
        {"ch_usd_1", 1250, "usd", "Ann Lee", "4242"},
        {"ch_usd_2", 15000, "usd", "Bob Ray", "1111"},
        {"ch_usd_3", 20000, "usd", "Cy Dee", "2222"},
        {"ch_usd_4", 20001, "usd", "Di Eve", "3333"},
        {"ch_jpy_1", 18155, "jpy", "佐藤 花子", "5555"},
        {"ch_jpy_2", 150, "jpy", "Kim Min-jun", "6666"},
        {"ch_jpy_3", 1250, "jpy", "Zoë Ång", "7777"},
        {"ch_kwd_1", 12500, "kwd", "Omar Ali", "8888"},
        {"ch_eur_1", 9999, "eur", "Émilie Dubois", "9999"},
        {"ch_esc_1", 500, "usd", "\x1b[1mBold\x1b[0m Buyer", "0000"},
};
#define N_ORDERS ((int)(sizeof orders / sizeof orders[0]))

static int setup(void **state)
{
	(void)state;
	snprintf(path, sizeof path, "%s/paydesk-query.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(path))
		return -1;
	strncat(path, "/cache.db", sizeof path - strlen(path) - 1);
	char err[512];
	/* The client makes the cache (schema, migrations); rows go in as a sync leaves them. */
	struct cache *c = cache_open(path, err, sizeof err);
	if (!c)
		return -1;
	cache_close(&c);
	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	sqlite3_stmt *ins;
	if (sqlite3_prepare_v2(db,
	                       "INSERT INTO orders(id, created, amount, currency, status,"
	                       " platform_status, customer_name, card_brand, card_last4)"
	                       " VALUES (?, ?, ?, ?, 'paid', 'succeeded', ?, 'visa', ?)",
	                       -1, &ins, NULL) != SQLITE_OK)
		return -1;
	for (int i = 0; i < N_ORDERS; i++) {
		sqlite3_bind_text(ins, 1, orders[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 2, 1000 + i);
		sqlite3_bind_int64(ins, 3, orders[i].amount);
		sqlite3_bind_text(ins, 4, orders[i].currency, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 5, orders[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 6, orders[i].last4, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			return -1;
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	/* Disputes in every state, deadlines in an order that differs from the queue's. */
	if (sqlite3_exec(
	            db,
	            "INSERT INTO disputes(id, created, amount, currency, status, due_by) VALUES"
	            " ('dp_won', 1, 100, 'usd', 'won', 100),"
	            " ('dp_lost', 1, 100, 'usd', 'lost', 150),"
	            " ('dp_review', 1, 100, 'usd', 'under_review', 120),"
	            " ('dp_open_late', 1, 100, 'usd', 'needs_response', 900),"
	            " ('dp_open_soon', 1, 100, 'usd', 'needs_response', 500),"
	            " ('dp_inquiry', 1, 100, 'usd', 'warning_needs_response', 700),"
	            " ('dp_open_none', 1, 100, 'usd', 'needs_response', NULL);",
	            NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	sqlite3_close(db);
	q = query_open(path, err, sizeof err);
	return q ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	query_close(&q);
	char cmd[400];
	*strrchr(path, '/') = '\0';
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	return system(cmd) == 0 ? 0 : -1;
}

/* The ids of every order the filter shows, in display order, paged `page` at a time
 * forward (or backward from the end), as "a b c". */
static const char *walk(const struct query_order_filter *f, int page, bool backward)
{
	static char out[2048];
	struct query_order_row rows[16];
	char key[QUERY_KEY] = "";
	char ids[64][QUERY_ID];
	int total = 0;
	for (;;) {
		int n = query_orders_page(q, f, key[0] ? key : NULL, !backward, page, rows);
		assert_true(n >= 0);
		if (n == 0)
			break;
		if (backward) {
			memmove(ids + n, ids, (size_t)total * sizeof ids[0]);
			for (int i = 0; i < n; i++)
				snprintf(ids[i], sizeof ids[i], "%.71s", rows[i].id);
			query_order_key(&rows[0], f->sort, key, sizeof key);
		} else {
			for (int i = 0; i < n; i++)
				snprintf(ids[total + i], sizeof ids[0], "%.71s", rows[i].id);
			query_order_key(&rows[n - 1], f->sort, key, sizeof key);
		}
		total += n;
		assert_true(total < 64);
	}
	out[0] = '\0';
	for (int i = 0; i < total; i++) {
		strncat(out, i ? " " : "", sizeof out - strlen(out) - 1);
		strncat(out, ids[i], sizeof out - strlen(out) - 1);
	}
	return out;
}

static void test_amount_filter_in_own_units(void **state)
{
	(void)state;
	struct query_order_filter f;
	query_order_filter_init(&f);
	f.sort = QUERY_SORT_DATE_ASC;
	/* 100-200: 100.00-200.00 USD, 100-200 JPY; never 18,155 JPY. */
	f.amount_min_milli = 100000;
	f.amount_max_milli = 200000;
	assert_string_equal(walk(&f, 4, false), "ch_usd_2 ch_usd_3 ch_jpy_2");
	assert_int_equal(query_orders_count(q, &f), 3);
	/* A bound finer than a currency's unit is rounded inward: 12.5-12.5 is 12.50 USD and
	 * 12.500 KWD, and no JPY amount. */
	f.amount_min_milli = f.amount_max_milli = 12500;
	assert_string_equal(walk(&f, 4, false), "ch_usd_1 ch_kwd_1");
	/* With the currency filter, in that currency only. */
	snprintf(f.currency, sizeof f.currency, "jpy");
	f.amount_min_milli = 100000;
	f.amount_max_milli = -1;
	assert_string_equal(walk(&f, 4, false), "ch_jpy_1 ch_jpy_2 ch_jpy_3");
}

static void test_amount_sort_by_currency(void **state)
{
	(void)state;
	struct query_order_filter f;
	query_order_filter_init(&f);
	f.sort = QUERY_SORT_AMOUNT_DESC;
	const char *largest = "ch_eur_1 ch_jpy_1 ch_jpy_3 ch_jpy_2 ch_kwd_1"
	                      " ch_usd_4 ch_usd_3 ch_usd_2 ch_usd_1 ch_esc_1";
	/* Pages of every size, forward and back, across the currencies' borders. */
	for (int page = 1; page <= 11; page++) {
		assert_string_equal(walk(&f, page, false), largest);
		assert_string_equal(walk(&f, page, true), largest);
	}
	f.sort = QUERY_SORT_AMOUNT_ASC;
	const char *smallest = "ch_eur_1 ch_jpy_2 ch_jpy_3 ch_jpy_1 ch_kwd_1"
	                       " ch_esc_1 ch_usd_1 ch_usd_2 ch_usd_3 ch_usd_4";
	for (int page = 1; page <= 4; page++) {
		assert_string_equal(walk(&f, page, false), smallest);
		assert_string_equal(walk(&f, page, true), smallest);
	}
	/* A search and a sort by amount together. */
	snprintf(f.search, sizeof f.search, "ch");
	assert_string_equal(walk(&f, 3, false), smallest);
}

static const char *found(const char *text)
{
	struct query_order_filter f;
	query_order_filter_init(&f);
	f.sort = QUERY_SORT_DATE_ASC;
	snprintf(f.search, sizeof f.search, "%s", text);
	return walk(&f, 16, false);
}

static void test_search(void **state)
{
	(void)state;
	assert_string_equal(found("4242"), "ch_usd_1");
	/* An amount in each currency's own units: 12.50 USD and 12.500 KWD, not 1,250 JPY. */
	assert_string_equal(found("12.50"), "ch_usd_1 ch_kwd_1");
	assert_string_equal(found("1,250"), "ch_jpy_3");
	assert_string_equal(found("18155"), "ch_jpy_1");
	/* A word glued to an escape, alone and with another word. */
	assert_string_equal(found("Bold"), "ch_esc_1");
	assert_string_equal(found("bold buyer"), "ch_esc_1");
	assert_string_equal(found("Buyer"), "ch_esc_1");
	/* Every word must match. */
	assert_string_equal(found("Ann 12.50"), "ch_usd_1");
	assert_string_equal(found("Bob 12.50"), "");
	assert_string_equal(found("花子"), "ch_jpy_1");
	assert_string_equal(found("zoe"), "ch_jpy_3");
	/* FTS syntax is just text. */
	assert_string_equal(found("\"Ann OR"), "");
}

static void test_dispute_queue(void **state)
{
	(void)state;
	struct query_dispute_row rows[16];
	char order[512] = "";
	struct query_dispute_filter f = {0};
	char key[QUERY_KEY] = "";
	/* Two at a time, so the keys carry the queue's order across pages. */
	for (;;) {
		int n = query_disputes_page(q, &f, key[0] ? key : NULL, true, 2, rows);
		assert_true(n >= 0);
		if (n == 0)
			break;
		for (int i = 0; i < n; i++) {
			strncat(order, " ", sizeof order - strlen(order) - 1);
			strncat(order, rows[i].id, sizeof order - strlen(order) - 1);
		}
		query_dispute_key(&rows[n - 1], key, sizeof key);
	}
	assert_string_equal(order, " dp_open_soon dp_inquiry dp_open_late dp_open_none dp_review"
	                           " dp_won dp_lost");
	assert_int_equal(query_disputes_count(q, &f), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_amount_filter_in_own_units),
	        cmocka_unit_test(test_amount_sort_by_currency),
	        cmocka_unit_test(test_search),
	        cmocka_unit_test(test_dispute_queue),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
