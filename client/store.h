/* Writing model objects into the cache: the one upsert that sync and the write actions
 * share. Private to client/. The caller owns the transaction. */
#ifndef PAYDESK_STORE_H
#define PAYDESK_STORE_H

#include <sqlite3.h>
#include <stddef.h>

#include "client/model.h"

struct store;

/* Prepares the statements on db. NULL with err filled on failure; free with store_free. */
struct store *store_new(sqlite3 *db, char *err, size_t err_size);
void store_free(struct store **s);

/* Inserts or replaces one object (its row, its raw JSON, its effects on related rows:
 * a dispute marks its order disputed). MODEL_NONE is ignored. Returns an SQLite code. */
int store_object(struct store *s, const struct model_object *m);

/* What store_object derives from the cached refunds (the refunded amount, and so the status,
 * of an order of the bill platforms) waits from store_defer to store_flush, and is done then
 * for each order once, rather than on every row: for a bill's rows, stored in one transaction
 * with the flush. Orders stored meanwhile that are not cached yet are derived together, in
 * one statement. The cache ends as it would have without deferring. */
void store_defer(struct store *s);
/* Derives what waited and stops deferring. Returns an SQLite code. */
int store_flush(struct store *s);
/* Forgets what waited (the transaction was rolled back) and stops deferring. */
void store_discard(struct store *s);

/* Records an applied event. Returns an SQLite code. */
int store_event(struct store *s, const struct model_event *e);

/* Notes that balance transaction btx_id was paid out by payout_id. */
int store_btx_payout(struct store *s, const char *btx_id, const char *payout_id);

#endif
