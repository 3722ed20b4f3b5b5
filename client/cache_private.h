/* Internals of the cache shared by client/ modules only (query, ledger, actions, sync). */
#ifndef PAYDESK_CACHE_PRIVATE_H
#define PAYDESK_CACHE_PRIVATE_H

#include <sqlite3.h>

#include "client/cache.h"

/* The connection of an open cache; owned by the cache, valid until cache_close. */
sqlite3 *cache_db(struct cache *c);

/* Runs the migration steps from the file's user_version up to the latest, each step in its
 * own transaction. Returns 0, or -1 with err filled (the file keeps its old version). */
int cache_migrate(sqlite3 *db, char *err, size_t err_size);

/* PRAGMA application_id of a paydesk cache ("PYDK"). */
#define CACHE_APPLICATION_ID 0x5059444b

#endif
