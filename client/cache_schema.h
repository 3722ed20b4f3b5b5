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

/* Creates every table, index and trigger of a new cache, in one script. */
extern const char cache_schema_sql[];

#endif
