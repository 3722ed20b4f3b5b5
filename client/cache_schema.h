/* The cache's schema (private to client/). */
#ifndef PAYDESK_CACHE_SCHEMA_H
#define PAYDESK_CACHE_SCHEMA_H

/* PRAGMA user_version of a cache created by cache_schema_sql. */
#define CACHE_SCHEMA_VERSION 1

/* clang-format off */
/* The triggers that keep orders_fts in step with orders (the sync writes it itself). */
#define CACHE_ORDERS_FTS_TRIGGERS_SQL \
	"CREATE TRIGGER orders_fts_insert AFTER INSERT ON orders BEGIN" \
	"  INSERT INTO orders_fts(rowid, id, order_ref, customer_name, customer_email," \
	"    description, metadata) VALUES (new.rowid, new.id, new.order_ref, new.customer_name," \
	"    new.customer_email, new.description, new.metadata);" \
	"END;" \
	"CREATE TRIGGER orders_fts_delete AFTER DELETE ON orders BEGIN" \
	"  INSERT INTO orders_fts(orders_fts, rowid, id, order_ref, customer_name," \
	"    customer_email, description, metadata) VALUES ('delete', old.rowid, old.id," \
	"    old.order_ref, old.customer_name, old.customer_email, old.description, old.metadata);" \
	"END;" \
	"CREATE TRIGGER orders_fts_update AFTER UPDATE OF id, order_ref, customer_name," \
	"  customer_email, description, metadata ON orders BEGIN" \
	"  INSERT INTO orders_fts(orders_fts, rowid, id, order_ref, customer_name," \
	"    customer_email, description, metadata) VALUES ('delete', old.rowid, old.id," \
	"    old.order_ref, old.customer_name, old.customer_email, old.description, old.metadata);" \
	"  INSERT INTO orders_fts(rowid, id, order_ref, customer_name, customer_email," \
	"    description, metadata) VALUES (new.rowid, new.id, new.order_ref, new.customer_name," \
	"    new.customer_email, new.description, new.metadata);" \
	"END;"
/* clang-format on */

/* From schema 9 the search index holds the card's last four digits too; these triggers keep
 * it in step (the migration to 9 replaces the ones above, which migrations 1 to 8 use). */
#define CACHE_ORDERS_FTS_COLUMNS                                                                   \
	"id, order_ref, customer_name, customer_email, description, metadata, card_last4"
#define CACHE_ORDERS_FTS_TRIGGERS_V9_SQL                                                           \
	"CREATE TRIGGER orders_fts_insert AFTER INSERT ON orders BEGIN"                            \
	"  INSERT INTO orders_fts(rowid, " CACHE_ORDERS_FTS_COLUMNS ") VALUES (new.rowid,"         \
	"    new.id, new.order_ref, new.customer_name, new.customer_email, new.description,"       \
	"    new.metadata, new.card_last4);"                                                       \
	"END;"                                                                                     \
	"CREATE TRIGGER orders_fts_delete AFTER DELETE ON orders BEGIN"                            \
	"  INSERT INTO orders_fts(orders_fts, rowid, " CACHE_ORDERS_FTS_COLUMNS ") VALUES"         \
	"    ('delete', old.rowid, old.id, old.order_ref, old.customer_name, old.customer_email,"  \
	"    old.description, old.metadata, old.card_last4);"                                      \
	"END;"                                                                                     \
	"CREATE TRIGGER orders_fts_update AFTER UPDATE OF " CACHE_ORDERS_FTS_COLUMNS " ON orders"  \
	"  BEGIN"                                                                                  \
	"  INSERT INTO orders_fts(orders_fts, rowid, " CACHE_ORDERS_FTS_COLUMNS ") VALUES"         \
	"    ('delete', old.rowid, old.id, old.order_ref, old.customer_name, old.customer_email,"  \
	"    old.description, old.metadata, old.card_last4);"                                      \
	"  INSERT INTO orders_fts(rowid, " CACHE_ORDERS_FTS_COLUMNS ") VALUES (new.rowid,"         \
	"    new.id, new.order_ref, new.customer_name, new.customer_email, new.description,"       \
	"    new.metadata, new.card_last4);"                                                       \
	"END;"

/* Orders whose searchable text holds an escape (ESC, or the one-character CSI U+009B): the
 * words glued to what follows one ("ESC[1mBold" indexes "1mbold") are found by a substring
 * match among these few. Schema 10 keeps the answer in orders.has_escapes, with a partial
 * index on it: the sync's store computes it as it binds a row (store.c), these triggers do
 * on every other connection. P is "" or "new." (the row a trigger sees). */
#define CACHE_ORDER_TEXT_OF(p)                                                                     \
	"(coalesce(" p "order_ref, '') || ' ' || coalesce(" p "customer_name, '') || ' ' ||"       \
	" coalesce(" p "customer_email, '') || ' ' || coalesce(" p "description, '') || ' ' ||"    \
	" coalesce(" p "metadata, ''))"
#define CACHE_ORDER_TEXT_SQL     CACHE_ORDER_TEXT_OF("")
#define CACHE_ORDER_TEXT_NEW_SQL CACHE_ORDER_TEXT_OF("new.")
#define CACHE_ORDER_HAS_ESCAPES_SQL                                                                \
	"(instr(" CACHE_ORDER_TEXT_SQL ", char(27)) > 0 OR instr(" CACHE_ORDER_TEXT_SQL            \
	", char(155)) > 0)"
#define CACHE_ORDER_HAS_ESCAPES_NEW_SQL                                                            \
	"(instr(" CACHE_ORDER_TEXT_NEW_SQL ", char(27)) > 0 OR instr(" CACHE_ORDER_TEXT_NEW_SQL    \
	", char(155)) > 0)"
#define CACHE_ORDERS_ESCAPES_TRIGGERS_SQL                                                          \
	"CREATE TRIGGER orders_escapes_insert AFTER INSERT ON orders"                              \
	" WHEN new.has_escapes = 0 AND " CACHE_ORDER_HAS_ESCAPES_NEW_SQL " BEGIN"                  \
	"  UPDATE orders SET has_escapes = 1 WHERE rowid = new.rowid; END;"                        \
	"CREATE TRIGGER orders_escapes_update AFTER UPDATE OF order_ref, customer_name,"           \
	" customer_email, description, metadata ON orders"                                         \
	" WHEN new.has_escapes IS NOT " CACHE_ORDER_HAS_ESCAPES_NEW_SQL " BEGIN"                   \
	"  UPDATE orders SET has_escapes = NOT new.has_escapes WHERE rowid = new.rowid; END;"

/* The dispute queue's order: those waiting for a response first, then those under review,
 * then the closed ones (won, lost, ...), each by deadline (none last). One integer, so
 * that a keyset page and an index use it as they use a column. */
#define CACHE_DISPUTE_QUEUE_SQL                                                                    \
	"((CASE WHEN status IN ('needs_response', 'warning_needs_response') THEN 0"                \
	" WHEN status IN ('under_review', 'warning_under_review') THEN 1 ELSE 2 END)"              \
	" * 1099511627776 + coalesce(due_by, 1099511627775))"

/* Creates every table, index and trigger of a new cache, in one script. */
extern const char cache_schema_sql[];

#endif
