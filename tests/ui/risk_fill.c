/* A cache for the Risk tests of the real program: made by the client's own cache_open, with
 * orders that trip the rules as of NOW: 100 Visa payments today and 2 disputes on them (a
 * 2.00% ratio), a paid payment the platform rated highest risk whose message holds terminal
 * escapes, and five declines of one card within ten minutes.
 * Usage: risk_fill CACHE NOW */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "client/cache.h"

static int exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "risk_fill: %s\n", err ? err : sql);
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: risk_fill CACHE NOW\n");
		return 2;
	}
	long long now = atoll(argv[2]);
	char err[512];
	struct cache *c = cache_open(argv[1], err, sizeof err);
	if (!c) {
		fprintf(stderr, "risk_fill: %s\n", err);
		return 1;
	}
	cache_close(&c);
	sqlite3 *db;
	if (sqlite3_open(argv[1], &db) != SQLITE_OK)
		return 1;
	char sql[1024];
	int rc = exec(db, "BEGIN");
	for (int i = 0; rc == 0 && i < 100; i++) {
		snprintf(
		        sql, sizeof sql,
		        "INSERT INTO orders(id, created, amount, currency, status, platform_status,"
		        " customer_name, customer_email, card_brand, card_last4, card_exp_month,"
		        " card_exp_year, risk_level) VALUES ('ch_visa_%03d', %lld, %d, 'usd', "
		        "'paid',"
		        " 'succeeded', 'Buyer %d', 'buyer%d@example.com', 'visa', '%04d', %d, 2030,"
		        " 'normal')",
		        i, now - 3600 - i * 300LL, 2000 + i % 40, i, i, 1000 + i, 1 + i % 12);
		rc = exec(db, sql);
	}
	for (int i = 1; rc == 0 && i <= 2; i++) {
		snprintf(sql, sizeof sql,
		         "INSERT INTO disputes(id, created, order_id, amount, currency, status, "
		         "reason)"
		         " VALUES ('dp_%d', %lld, 'ch_visa_%03d', 2000, 'usd', 'needs_response',"
		         " 'fraudulent')",
		         i, now - 600LL * i, i);
		rc = exec(db, sql);
	}
	if (rc == 0) {
		snprintf(
		        sql, sizeof sql,
		        "INSERT INTO orders(id, created, amount, currency, status, platform_status,"
		        " customer_name, risk_level, raw) VALUES ('ch_risky_1', %lld, 25000, 'usd',"
		        " 'paid', 'succeeded', 'Mallory', 'highest', "
		        "'{\"outcome\":{\"seller_message\":"
		        "\"\\u001b]0;owned\\u0007Payment complete.\\u001b[31m\"}}')",
		        now - 1800);
		rc = exec(db, sql);
	}
	for (int i = 0; rc == 0 && i < 5; i++) {
		snprintf(
		        sql, sizeof sql,
		        "INSERT INTO orders(id, created, amount, currency, status, platform_status,"
		        " card_brand, card_last4, card_exp_month, card_exp_year, failure_message)"
		        " VALUES ('ch_burst_%d', %lld, 100, 'usd', 'failed', 'failed', "
		        "'mastercard',"
		        " '5555', 1, 2031, 'Your card was declined.')",
		        i, now - 7200 + i * 120LL);
		rc = exec(db, sql);
	}
	if (rc == 0)
		rc = exec(db, "COMMIT");
	sqlite3_close(db);
	return rc == 0 ? 0 : 1;
}
