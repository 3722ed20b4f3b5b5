/* Private to the ledger's files (client/ledger.c, client/ledger_bills.c): the handle and the
 * helpers every query of it uses. */
#ifndef PAYDESK_LEDGER_PRIVATE_H
#define PAYDESK_LEDGER_PRIVATE_H

#include <stdbool.h>

#include <sqlite3.h>

#include "client/ledger.h"

struct ledger {
	sqlite3 *db;
	bool owns_db;
	bool in_snapshot; /* ledger_snapshot_begin opened a read transaction */
	bool has_orders;  /* the cache has the orders, refunds and disputes tables */
	bool has_bills;   /* and the bill days of the platforms whose history is daily bills */
	bool has_fx;      /* and the conversions of balance transactions (schema 12) */
	const struct provider_platform *platform; /* the cache's platform; NULL when unknown */
	char error[256];
};

/* Prepares sql; on failure records SQLite's message and returns LEDGER_DB. */
enum ledger_status ledger_prepare_sql(struct ledger *l, const char *sql, sqlite3_stmt **st);
/* Maps the end of a stepping loop to a status: SQLITE_DONE is success, an integer overflow
 * in sum() is LEDGER_OVERFLOW, anything else LEDGER_DB (message recorded). */
enum ledger_status ledger_step_end(struct ledger *l, int rc);

/* The bills of the statement's days (ledger_bills.c), for a cache of a platform whose
 * history is daily bills; s->bills stays NULL for any other. Inside the load's read
 * transaction. */
enum ledger_status ledger_bills_load(struct ledger *l, struct ledger_statement *s,
                                     const char *currency);
void ledger_bills_free(struct ledger_bills **bills);
/* Marks the withdrawals of s that pay out a balance from before the cache's history
 * (LEDGER_RECON_BEFORE_HISTORY). */
enum ledger_status ledger_bills_payouts(struct ledger *l, struct ledger_statement *s);

#endif
