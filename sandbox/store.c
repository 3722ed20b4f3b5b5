/* The sandbox's own state: one SQLite file holding every object it serves.
 * Lists page through (created, rowid) indices, so a page costs the same at any depth. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sandbox/sandbox.h"

static const char schema_sql[] =
        "CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT NOT NULL);"
        "CREATE TABLE IF NOT EXISTS charges("
        " id TEXT NOT NULL, created INTEGER NOT NULL, amount INTEGER NOT NULL,"
        " currency TEXT NOT NULL, status TEXT NOT NULL, amount_refunded INTEGER NOT NULL,"
        " disputed INTEGER NOT NULL, name TEXT, email TEXT, description TEXT,"
        " metadata TEXT NOT NULL, brand TEXT, last4 TEXT, exp_month INTEGER, exp_year INTEGER,"
        " country TEXT, funding TEXT, risk_level TEXT, risk_score INTEGER, fingerprint TEXT,"
        " bt TEXT);"
        "CREATE TABLE IF NOT EXISTS refunds("
        " id TEXT NOT NULL, created INTEGER NOT NULL, charge TEXT NOT NULL,"
        " amount INTEGER NOT NULL, currency TEXT NOT NULL, status TEXT NOT NULL, reason TEXT,"
        " metadata TEXT NOT NULL, bt TEXT);"
        "CREATE TABLE IF NOT EXISTS disputes("
        " id TEXT NOT NULL, created INTEGER NOT NULL, charge TEXT NOT NULL,"
        " amount INTEGER NOT NULL, currency TEXT NOT NULL, status TEXT NOT NULL,"
        " reason TEXT NOT NULL, due_by INTEGER, submission_count INTEGER NOT NULL,"
        " evidence TEXT NOT NULL, metadata TEXT NOT NULL, network_reason_code TEXT, brand TEXT);"
        "CREATE TABLE IF NOT EXISTS payouts("
        " id TEXT NOT NULL, created INTEGER NOT NULL, amount INTEGER NOT NULL,"
        " currency TEXT NOT NULL, status TEXT NOT NULL, arrival_date INTEGER NOT NULL,"
        " bt TEXT NOT NULL, metadata TEXT NOT NULL);"
        "CREATE TABLE IF NOT EXISTS balance_transactions("
        " id TEXT NOT NULL, created INTEGER NOT NULL, available_on INTEGER NOT NULL,"
        " amount INTEGER NOT NULL, fee INTEGER NOT NULL, net INTEGER NOT NULL,"
        " currency TEXT NOT NULL, type TEXT NOT NULL, reporting_category TEXT NOT NULL,"
        " source TEXT, description TEXT, payout TEXT);"
        "CREATE TABLE IF NOT EXISTS events("
        " id TEXT NOT NULL, created INTEGER NOT NULL, type TEXT NOT NULL, object TEXT NOT NULL,"
        " previous TEXT, request_id TEXT, idempotency_key TEXT);"
        "CREATE TABLE IF NOT EXISTS idempotency("
        " key TEXT PRIMARY KEY, request TEXT NOT NULL, in_flight INTEGER NOT NULL,"
        " status INTEGER, body TEXT, request_id TEXT, created INTEGER NOT NULL);"
        "CREATE TABLE IF NOT EXISTS files("
        " id TEXT NOT NULL, created INTEGER NOT NULL, purpose TEXT NOT NULL, filename TEXT,"
        " size INTEGER NOT NULL, type TEXT, content BLOB);";

/* Indices are created after seeding: building them once is far cheaper than maintaining
 * them across a million inserts. */
static const char index_sql[] =
        "CREATE UNIQUE INDEX IF NOT EXISTS charges_id ON charges(id);"
        "CREATE INDEX IF NOT EXISTS charges_created ON charges(created);"
        "CREATE UNIQUE INDEX IF NOT EXISTS refunds_id ON refunds(id);"
        "CREATE INDEX IF NOT EXISTS refunds_created ON refunds(created);"
        "CREATE INDEX IF NOT EXISTS refunds_charge ON refunds(charge, created);"
        "CREATE UNIQUE INDEX IF NOT EXISTS disputes_id ON disputes(id);"
        "CREATE INDEX IF NOT EXISTS disputes_created ON disputes(created);"
        "CREATE INDEX IF NOT EXISTS disputes_charge ON disputes(charge, created);"
        "CREATE UNIQUE INDEX IF NOT EXISTS payouts_id ON payouts(id);"
        "CREATE INDEX IF NOT EXISTS payouts_created ON payouts(created);"
        "CREATE UNIQUE INDEX IF NOT EXISTS bts_id ON balance_transactions(id);"
        "CREATE INDEX IF NOT EXISTS bts_created ON balance_transactions(created);"
        "CREATE INDEX IF NOT EXISTS bts_payout ON balance_transactions(payout, created);"
        "CREATE INDEX IF NOT EXISTS bts_source ON balance_transactions(source, created);"
        "CREATE UNIQUE INDEX IF NOT EXISTS events_id ON events(id);"
        "CREATE INDEX IF NOT EXISTS events_created ON events(created);"
        "CREATE UNIQUE INDEX IF NOT EXISTS files_id ON files(id);";

int sbx_exec(struct sbx *s, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "paydesk-sandbox: database error: %s\n", err ? err : "?");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

sqlite3_stmt *sbx_prepare(struct sbx *s, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "paydesk-sandbox: database error: %s\n", sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

/* Opens the store, applies the schema and the pragmas that make seeding fast.
 * NOMUTEX: the sandbox's own lock already serializes every use of the connection.
 * Durability is traded for speed (synchronous=OFF): the sandbox is a test platform. */
int sbx_store_open(struct sbx *s, const char *path)
{
	if (sqlite3_open_v2(path, &s->db,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK) {
		fprintf(stderr, "paydesk-sandbox: cannot open database %s: %s\n", path,
		        s->db ? sqlite3_errmsg(s->db) : "out of memory");
		sqlite3_close(s->db);
		s->db = NULL;
		return -1;
	}
	sqlite3_busy_timeout(s->db, 5000);
	if (sbx_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
	                "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
	                "PRAGMA mmap_size=4294967296;") != 0)
		return -1;
	if (sbx_exec(s, schema_sql) != 0)
		return -1;
	return 0;
}

void sbx_store_close(struct sbx *s)
{
	sqlite3_finalize(s->st_charge_refunds);
	sqlite3_finalize(s->st_source_bts);
	s->st_charge_refunds = NULL;
	s->st_source_bts = NULL;
	if (s->db) {
		sqlite3_close(s->db);
		s->db = NULL;
	}
}

int sbx_store_create_indices(struct sbx *s)
{
	return sbx_exec(s, index_sql);
}

int sbx_store_empty(struct sbx *s)
{
	char v[16];

	return sbx_meta_get(s, "seeded", v, sizeof(v)) != 0;
}

int sbx_meta_get(struct sbx *s, const char *k, char *out, size_t n)
{
	sqlite3_stmt *st = sbx_prepare(s, "SELECT v FROM meta WHERE k = ?");
	int rc = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int sbx_meta_set(struct sbx *s, const char *k, const char *v)
{
	sqlite3_stmt *st = sbx_prepare(s, "INSERT OR REPLACE INTO meta(k, v) VALUES (?, ?)");
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, v, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	if (rc != 0)
		fprintf(stderr, "paydesk-sandbox: database error: %s\n", sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	return rc;
}
