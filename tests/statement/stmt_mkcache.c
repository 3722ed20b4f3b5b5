/* Creates an empty paydesk cache for the statement tests: the real schema, and the sync
 * state of the settlement resources marked complete at a given time. With --latest, the
 * schema of today's paydesk (every migration applied: the bill days, the bills' columns)
 * rather than the first one.
 * Usage: stmt_mkcache FILE LAST_SYNC_UNIX [--latest] */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "client/cache_private.h"
#include "client/cache_schema.h"

int main(int argc, char **argv)
{
	bool latest = argc == 4 && strcmp(argv[3], "--latest") == 0;
	if (argc != 3 && !latest) {
		fprintf(stderr, "usage: %s FILE LAST_SYNC_UNIX [--latest]\n", argv[0]);
		return 2;
	}
	sqlite3 *db = NULL;
	if (sqlite3_open(argv[1], &db) != SQLITE_OK) {
		fprintf(stderr, "stmt_mkcache: %s: %s\n", argv[1], sqlite3_errmsg(db));
		sqlite3_close(db);
		return 1;
	}
	char sql[512], why[256] = "";
	int n = latest ? 0
	               : snprintf(sql, sizeof sql, "PRAGMA user_version = %d;",
	                          CACHE_SCHEMA_VERSION);
	snprintf(sql + n, sizeof sql - (size_t)n,
	         "INSERT INTO sync_state(resource, backfill_done, last_success) VALUES"
	         " ('balance_transactions', 1, %lld), ('payouts', 1, %lld);",
	         atoll(argv[2]), atoll(argv[2]));
	char *err = NULL;
	int rc = latest ? (cache_migrate(db, why, sizeof why) == 0 ? SQLITE_OK : SQLITE_ERROR)
	                : sqlite3_exec(db, cache_schema_sql, NULL, NULL, &err);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		fprintf(stderr, "stmt_mkcache: %s\n", err ? err : latest ? why : "failed");
		sqlite3_free(err);
		sqlite3_close(db);
		return 1;
	}
	sqlite3_close(db);
	return 0;
}
