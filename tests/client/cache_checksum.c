/* Test helper: prints the checksums of a cache in the shape of the sandbox's
 * GET /_admin/checksum; given that reply in a file too, compares them (exit 3 when they
 * differ). With --integrity it runs PRAGMA integrity_check and FTS5's integrity-check of
 * orders_fts against the orders table instead. Exit 0 on success, 1 when
 * the cache cannot be read or is not intact. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

/* One resource: the SQL yields the '|'-joined line of each object in ascending id order,
 * as the sandbox of the cache's platform (meta 'provider') joins it for GET
 * /_admin/checksum (sandbox/README.md and each platform's README define the lines). */
struct resource {
	const char *name;
	const char *sql;
};

static const struct resource stripe[] = {
        {"charges", "SELECT id || '|' || amount || '|' || currency || '|' || platform_status"
                    " || '|' || amount_refunded || '|' || refunded || '|' || disputed"
                    " FROM orders ORDER BY id"},
        {"refunds", "SELECT id || '|' || ifnull(order_id, '') || '|' || amount || '|' || currency"
                    " || '|' || status FROM refunds ORDER BY id"},
        {"disputes", "SELECT id || '|' || ifnull(order_id, '') || '|' || amount || '|' || currency"
                     " || '|' || status || '|' || ifnull(reason, '') FROM disputes ORDER BY id"},
        {"payouts", "SELECT id || '|' || amount || '|' || currency || '|' || status || '|'"
                    " || arrival_date FROM payouts ORDER BY id"},
        {"balance_transactions", "SELECT id || '|' || amount || '|' || fee || '|' || net || '|'"
                                 " || currency || '|' || type || '|' || ifnull(source, '')"
                                 " FROM balance_transactions ORDER BY id"},
        {"fx", "SELECT id || '|' || exchange_rate || '|' || fx_fee FROM balance_transactions"
               " WHERE exchange_rate IS NOT NULL ORDER BY id"},
        {NULL, NULL},
};

/* The window of the platforms' checksums: the 90 bill days up to the last one the cache
 * holds (days are Shanghai's, UTC+8); what the cache has of today, or of days that have
 * since left the platform's 90, is left out. */
#define LAST_DAY      "(SELECT max(day) FROM bill_days WHERE bill = '*')"
#define FIRST_DAY     "(SELECT date(max(day), '-89 days') FROM bill_days WHERE bill = '*')"
#define BILLS_START   "(CAST(strftime('%s', " FIRST_DAY ") AS INTEGER) - 28800)"
#define BILLS_END     "(CAST(strftime('%s', " LAST_DAY ", '+1 day') AS INTEGER) - 28800)"
#define IN_BILLS(col) " " col " >= " BILLS_START " AND " col " < " BILLS_END " "
#define IN_BILL_DAYS  " bill_day >= " FIRST_DAY " AND bill_day <= " LAST_DAY " "
/* An order's refunded amount less its refunds of today (the platforms' checksums count the
 * refunds made before today; the cache has today's too, from the account log or paydesk). */
#define REFUNDED_BEFORE                                                                            \
	"(amount_refunded - (SELECT coalesce(sum(r.amount), 0) FROM refunds r WHERE"               \
	" r.order_id = orders.id AND r.created >= " BILLS_END                                      \
	" AND r.status NOT IN ('failed', 'canceled')))"
/* A neutral complaint state as the platform words it. */
#define WECHAT_STATE                                                                               \
	"CASE status WHEN 'awaiting_reply' THEN 'PENDING' WHEN 'in_progress' THEN 'PROCESSING'"    \
	" ELSE 'PROCESSED' END"
/* Alipay's own word, kept in raw: the neutral state folds several. */
#define ALIPAY_STATE "ifnull(json_extract(raw, '$.status'), '')"
/* A balance entry's neutral type as the bills word it (业务类型). */
#define FLOW_TYPE                                                                                       \
	"CASE type WHEN 'charge' THEN '交易' WHEN 'refund' THEN '退款' WHEN 'payout' THEN '提现'" \
	" ELSE '收费' END"

static const struct resource wechatpay[] = {
        {"orders", "SELECT id || '|' || ifnull(order_ref, '') || '|' || amount || '|'"
                   " || upper(currency) || '|' || " REFUNDED_BEFORE " FROM orders"
                   " WHERE" IN_BILL_DAYS "ORDER BY id"},
        {"refunds", "SELECT id || '|' || ifnull(refund_ref, '') || '|' || ifnull(order_id, '')"
                    " || '|' || amount FROM refunds WHERE" IN_BILL_DAYS "ORDER BY id"},
        {"complaints", "SELECT id || '|' || ifnull(order_id, '') || '|' || " WECHAT_STATE
                       " || '|' || amount FROM disputes WHERE" IN_BILLS("created") "ORDER BY id"},
        {"fundflow",
         "SELECT id || '|' || amount || '|' || " FLOW_TYPE " || '|' ||"
         " ifnull(source, '') FROM balance_transactions WHERE" IN_BILL_DAYS "ORDER BY id"},
        {"withdrawals", "SELECT balance_transaction || '|' || amount || '|' ||"
                        " date(arrival_date + 28800, 'unixepoch') FROM payouts"
                        " WHERE" IN_BILLS("arrival_date") "ORDER BY balance_transaction"},
        {NULL, NULL},
};

/* Alipay's account log and withdrawals run up to now (the account log is near real time). */
static const struct resource alipay[] = {
        {"orders", "SELECT id || '|' || ifnull(order_ref, '') || '|' || amount || '|'"
                   " || lower(currency) || '|' || " REFUNDED_BEFORE " FROM orders"
                   " WHERE" IN_BILLS("created") "ORDER BY id"},
        {"refunds",
         "SELECT ifnull(order_id, '') || '|' || ifnull(refund_ref, '') || '|' ||"
         " amount FROM refunds WHERE" IN_BILLS("created") "ORDER BY order_id, refund_ref"},
        {"complaints", "SELECT id || '|' || ifnull(order_id, '') || '|' || " ALIPAY_STATE
                       " || '|' || amount FROM disputes WHERE" IN_BILLS("created") "ORDER BY id"},
        {"accountlog", "SELECT id || '|' || amount || '|' || " FLOW_TYPE " || '|' ||"
                       " ifnull(source, '') FROM balance_transactions"
                       " WHERE created >= " BILLS_START " ORDER BY id"},
        {"withdrawals", "SELECT balance_transaction || '|' || amount || '|' ||"
                        " date(arrival_date + 28800, 'unixepoch') FROM payouts"
                        " WHERE arrival_date >= " BILLS_START " ORDER BY balance_transaction"},
        {NULL, NULL},
};

static const struct resource *resources_of(sqlite3 *db)
{
	const struct resource *r = stripe;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'provider'", -1, &st,
	                       NULL) != SQLITE_OK)
		return r;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(st, 0);
		if (p && strcmp(p, "wechatpay") == 0)
			r = wechatpay;
		else if (p && strcmp(p, "alipay") == 0)
			r = alipay;
	}
	sqlite3_finalize(st);
	return r;
}

static uint64_t fnv(uint64_t h, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int integrity(sqlite3 *db)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "integrity_check: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	int ok = 1, rows = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		printf("%s\n", t ? t : "");
		ok = ok && t && strcmp(t, "ok") == 0;
		rows++;
	}
	sqlite3_finalize(st);
	if (!ok || rows != 1)
		return 1;
	/* A cache killed before its creation committed holds no schema at all, which the next
	 * open creates: intact. (Creation is one transaction: there is nothing in between.) */
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL) !=
	    SQLITE_OK)
		return 1;
	int objects = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	if (objects == 0) {
		printf("no schema yet\n");
		return 0;
	}
	/* The full-text index against its content table, row by row (the sync keeps it without
	 * triggers). The command writes nothing but needs a writable connection. */
	char *msg = NULL;
	if (sqlite3_exec(db,
	                 "INSERT INTO orders_fts(orders_fts, rank) VALUES('integrity-check', 1)",
	                 NULL, NULL, &msg) != SQLITE_OK) {
		printf("orders_fts: %s\n", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int check = argc == 3 && strcmp(argv[1], "--integrity") == 0;
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: %s [--integrity] CACHE.db | CACHE.db EXPECTED.json\n",
		        argv[0]);
		return 2;
	}
	const char *path = check ? argv[2] : argv[1];
	sqlite3 *db;
	if (sqlite3_open_v2(path, &db, check ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY,
	                    NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return 1;
	}
	if (check) {
		int rc = integrity(db);
		sqlite3_close(db);
		return rc;
	}
	char out[2048];
	size_t o = 0;
	o += (size_t)snprintf(out + o, sizeof out - o, "{");
	const struct resource *resources = resources_of(db);
	for (size_t r = 0; resources[r].name; r++) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db, resources[r].sql, -1, &st, NULL) != SQLITE_OK) {
			fprintf(stderr, "%s: %s\n", resources[r].name, sqlite3_errmsg(db));
			sqlite3_close(db);
			return 1;
		}
		uint64_t h = 0xcbf29ce484222325ULL;
		int64_t count = 0;
		while (sqlite3_step(st) == SQLITE_ROW) {
			const unsigned char *line = sqlite3_column_text(st, 0);
			if (!line)
				continue;
			h = fnv(h, line, (size_t)sqlite3_column_bytes(st, 0));
			h = fnv(h, (const unsigned char *)"\n", 1);
			count++;
		}
		sqlite3_finalize(st);
		o += (size_t)snprintf(out + o, sizeof out - o,
		                      "%s\"%s\":{\"count\":%" PRId64 ",\"fnv\":\"%016" PRIx64 "\"}",
		                      r ? "," : "", resources[r].name, count, h);
	}
	snprintf(out + o, sizeof out - o, "}");
	sqlite3_close(db);
	printf("%s\n", out);
	if (argc == 2)
		return 0;
	json_error_t err;
	json_t *want = json_load_file(argv[2], 0, &err);
	json_t *got = json_loads(out, 0, &err);
	int same = want && got && json_equal(want, got);
	if (!same) {
		char *w = want ? json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		fprintf(stderr, "cache:    %s\nplatform: %s\n", out, w ? w : "(unreadable)");
		free(w);
	}
	json_decref(want);
	json_decref(got);
	return same ? 0 : 3;
}
