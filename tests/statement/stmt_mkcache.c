/* Creates an empty paydesk cache for the statement tests: the real schema, and the sync
 * state of the settlement resources marked complete at a given time.
 * Usage: stmt_mkcache FILE LAST_SYNC_UNIX */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "client/cache_schema.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s FILE LAST_SYNC_UNIX\n", argv[0]);
		return 2;
	}
	sqlite3 *db = NULL;
	if (sqlite3_open(argv[1], &db) != SQLITE_OK) {
		fprintf(stderr, "stmt_mkcache: %s: %s\n", argv[1], sqlite3_errmsg(db));
		sqlite3_close(db);
		return 1;
	}
	char sql[512];
	snprintf(sql, sizeof sql,
	         "PRAGMA user_version = %d;"
	         "INSERT INTO sync_state(resource, backfill_done, last_success) VALUES"
	         " ('balance_transactions', 1, %lld), ('payouts', 1, %lld);",
	         CACHE_SCHEMA_VERSION, atoll(argv[2]), atoll(argv[2]));
	char *err = NULL;
	if (sqlite3_exec(db, cache_schema_sql, NULL, NULL, &err) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "stmt_mkcache: %s\n", err ? err : "failed");
		sqlite3_free(err);
		sqlite3_close(db);
		return 1;
	}
	sqlite3_close(db);
	return 0;
}
