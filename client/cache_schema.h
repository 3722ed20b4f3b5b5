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

/* Schema 11: the figures of the Insights screen, summed per quarter hour (every time zone's
 * midnight falls on one) and currency, so that a span of days on a big cache reads a few
 * thousand rows rather than every order. A quarter hour whose objects changed is marked
 * in insights_dirty in the same transaction (by these triggers, or by the sync's store on
 * its connection without triggers); readers count a marked quarter from the objects
 * themselves, and the end of a sync folds the marks into insights_buckets. Fees are in
 * thousandths of the minor unit: the bills' own precision, and Stripe's fee times 1000;
 * charged +, returned -. */
#define CACHE_INSIGHTS_BUCKET_S 900
#define CACHE_INSIGHTS_TABLES_SQL                                                                  \
	"CREATE TABLE insights_buckets ("                                                          \
	"  bucket INTEGER NOT NULL, currency TEXT NOT NULL,"                                       \
	"  payments INTEGER NOT NULL, gross INTEGER NOT NULL, failed INTEGER NOT NULL,"            \
	"  refunds INTEGER NOT NULL, refunded INTEGER NOT NULL,"                                   \
	"  disputes INTEGER NOT NULL, disputed INTEGER NOT NULL, fees_fine INTEGER NOT NULL,"      \
	"  PRIMARY KEY (bucket, currency)) WITHOUT ROWID;"                                         \
	"CREATE TABLE insights_cards (bucket INTEGER NOT NULL, brand TEXT NOT NULL,"               \
	"  payments INTEGER NOT NULL, PRIMARY KEY (bucket, brand)) WITHOUT ROWID;"                 \
	"CREATE TABLE insights_dirty (bucket INTEGER PRIMARY KEY);"
/* Marks the quarter of E unless marked. Not INSERT OR IGNORE: a trigger's statements take
 * the conflict policy of the statement that fired them, and an upsert's is to fail. */
#define CACHE_INSIGHTS_MARK(e)                                                                     \
	"  INSERT INTO insights_dirty SELECT " e " / 900 WHERE NOT EXISTS"                         \
	" (SELECT 1 FROM insights_dirty WHERE bucket = " e " / 900);"
/* The triggers of one table: C the columns whose change moves a figure. */
#define CACHE_INSIGHTS_TRIGGERS_OF(t, c)                                                           \
	"CREATE TRIGGER insights_" t "_insert AFTER INSERT ON " t " BEGIN" CACHE_INSIGHTS_MARK(    \
	        "new.created") " END;"                                                             \
	                       "CREATE TRIGGER insights_" t "_update AFTER UPDATE OF " c " ON " t  \
	                       " BEGIN" CACHE_INSIGHTS_MARK("old.created") CACHE_INSIGHTS_MARK(    \
	                               "new.created") " END;"                                      \
	                                              "CREATE TRIGGER insights_" t                 \
	                                              "_delete AFTER DELETE ON " t                 \
	                                              " BEGIN" CACHE_INSIGHTS_MARK(                \
	                                                      "old.created") " END;"
#define CACHE_INSIGHTS_TRIGGERS_SQL                                                                \
	CACHE_INSIGHTS_TRIGGERS_OF(                                                                \
	        "orders", "created, amount, currency, platform_status, fee_fine, card_brand")      \
	CACHE_INSIGHTS_TRIGGERS_OF("refunds", "created, amount, currency, status, fee_fine")       \
	CACHE_INSIGHTS_TRIGGERS_OF("disputes", "created, amount, currency")                        \
	CACHE_INSIGHTS_TRIGGERS_OF("balance_transactions", "created, fee, currency")
/* Each object's share of the figures, as rows (created, currency, payments, gross, failed,
 * refunds, refunded, disputes, disputed, fees_fine): of the objects of each table joined
 * after F (a table and JOIN, or nothing) whose `created` W selects. Every table has an index
 * on created for W's range. */
#define CACHE_INSIGHTS_ROWS_SQL(f, w)                                                              \
	"SELECT created, currency,"                                                                \
	"  platform_status = 'succeeded' AS payments,"                                             \
	"  CASE WHEN platform_status = 'succeeded' THEN amount ELSE 0 END AS gross,"               \
	"  platform_status = 'failed' AS failed, 0 AS refunds, 0 AS refunded, 0 AS disputes,"      \
	"  0 AS disputed, coalesce(fee_fine, 0) AS fees_fine FROM " f " orders WHERE " w           \
	" UNION ALL SELECT created, currency, 0, 0, 0, 1, amount, 0, 0,"                           \
	"  coalesce(fee_fine, 0) FROM " f " refunds"                                               \
	"  WHERE status IN ('succeeded', 'pending') AND " w                                        \
	" UNION ALL SELECT created, currency, 0, 0, 0, 0, 0, 1, coalesce(amount, 0), 0"            \
	"  FROM " f " disputes WHERE " w                                                           \
	" UNION ALL SELECT created, currency, 0, 0, 0, 0, 0, 0, 0, fee * 1000"                     \
	"  FROM " f " balance_transactions WHERE fee <> 0 AND " w
/* insights_cards: the succeeded card payments of each quarter per card network (the card's
 * brand in lower case), which the Risk rules' dispute ratios are taken over. The unary +
 * keeps the planner on the created range: otherwise it builds an automatic index on
 * platform_status for every quarter, and a fold of a million orders never ends. */
#define CACHE_INSIGHTS_CARD_SQL         "lower(card_brand)"
#define CACHE_INSIGHTS_CARD_PAYMENT_SQL "+platform_status = 'succeeded' AND +card_brand IS NOT NULL"
/* Folds the marked quarters into insights_buckets and insights_cards (one transaction's
 * work), as schema 11 did (its migration step keeps it). */
#define CACHE_INSIGHTS_FOLD_V11_SQL                                                                \
	"DELETE FROM insights_buckets WHERE bucket IN (SELECT bucket FROM insights_dirty);"        \
	"INSERT INTO insights_buckets SELECT created / 900, currency, sum(payments), sum(gross),"  \
	" sum(failed), sum(refunds), sum(refunded), sum(disputes), sum(disputed), sum(fees_fine)"  \
	" FROM (" CACHE_INSIGHTS_ROWS_SQL(                                                         \
	        "insights_dirty d CROSS JOIN",                                                     \
	        "created >= d.bucket * 900 AND created < d.bucket * 900"                           \
	        " + 900") ") GROUP BY created / 900, currency;"                                    \
	                  "DELETE FROM insights_cards WHERE bucket IN (SELECT bucket FROM "        \
	                  "insights_dirty);"                                                       \
	                  "INSERT INTO insights_cards SELECT created / "                           \
	                  "900, " CACHE_INSIGHTS_CARD_SQL ", count(*)"                             \
	                  " FROM insights_dirty d CROSS JOIN orders WHERE created >= d.bucket * "  \
	                  "900"                                                                    \
	                  " AND created < d.bucket * 900 + 900 "                                   \
	                  "AND " CACHE_INSIGHTS_CARD_PAYMENT_SQL                                   \
	                  " GROUP BY created / 900, " CACHE_INSIGHTS_CARD_SQL ";"                  \
	                  "DELETE FROM insights_dirty;"

/* Schema 12: what each quarter's converted payments settled as, per settlement currency and
 * the currency the customers paid in (what they paid: presented), and the conversion fees
 * (thousandths of the minor unit): with insights_buckets' own sums, the Insights screen's
 * share of each currency paid in (a currency's payments not converted are its payments
 * less those converted) and its conversion fees. Only converted payments and fees have
 * rows, each found by a partial index on created: a merchant who converts nothing folds
 * nothing more. Rows (created, currency, paid_currency, payments, settled, presented,
 * fx_fees_fine) of F (a table and JOIN, or nothing) whose `created` W selects. */
#define CACHE_INSIGHTS_PAID_TABLE_SQL                                                              \
	"CREATE TABLE insights_paid (bucket INTEGER NOT NULL, currency TEXT NOT NULL,"             \
	"  paid_currency TEXT NOT NULL, payments INTEGER NOT NULL, settled INTEGER NOT NULL,"      \
	"  presented INTEGER NOT NULL, fx_fees_fine INTEGER NOT NULL,"                             \
	"  PRIMARY KEY (bucket, currency, paid_currency)) WITHOUT ROWID;"                          \
	"CREATE INDEX orders_settled_by_created ON orders(created)"                                \
	"  WHERE settled_currency IS NOT NULL;"                                                    \
	"CREATE INDEX balance_fx_fees ON balance_transactions(created) WHERE fx_fee <> 0;"
#define CACHE_INSIGHTS_PAID_ROWS_SQL(f, w)                                                         \
	"SELECT created, settled_currency AS currency, currency AS paid_currency, 1 AS payments,"  \
	"  settled_amount AS settled, amount AS presented, 0 AS fx_fees_fine FROM " f " orders"    \
	"  WHERE settled_currency IS NOT NULL AND +platform_status = 'succeeded' AND " w           \
	" UNION ALL SELECT created, currency, coalesce(" CACHE_FX_PRESENTMENT_CURRENCY_SQL         \
	", currency), 0, 0, 0, fx_fee * 1000 FROM " f " balance_transactions b"                    \
	"  WHERE fx_fee <> 0 AND " w
#define CACHE_INSIGHTS_PAID_FOLD_SQL                                                               \
	"DELETE FROM insights_paid WHERE bucket IN (SELECT bucket FROM insights_dirty);"           \
	"INSERT INTO insights_paid SELECT created / 900, currency, paid_currency, sum(payments),"  \
	" sum(settled), sum(presented), sum(fx_fees_fine) FROM (" CACHE_INSIGHTS_PAID_ROWS_SQL(    \
	        "insights_dirty d CROSS JOIN", "created >= d.bucket * 900 AND created < d.bucket " \
	                                       "* 900 + 900") ") GROUP BY created / 900, "         \
	                                                      "currency, paid_currency;"
/* Folds the marked quarters into every table of sums. */
#define CACHE_INSIGHTS_FOLD_SQL CACHE_INSIGHTS_PAID_FOLD_SQL CACHE_INSIGHTS_FOLD_V11_SQL

/* Creates every table, index and trigger of a new cache, in one script. */
extern const char cache_schema_sql[];

/* What an order settled as: its converted amount and currency, else its own. The Orders
 * screen's settled side lists and filters by these. */
#define CACHE_ORDER_SETTLED_CURRENCY_SQL "coalesce(settled_currency, currency)"
#define CACHE_ORDER_SETTLED_AMOUNT_SQL   "coalesce(settled_amount, amount)"

/* The side the customer paid of a converted balance transaction `b`: the platform's where
 * it says it, else its source's (a charge, refund or dispute), signed like the movement. */
#define CACHE_FX_PRESENTMENT_AMOUNT_SQL                                                            \
	"coalesce(b.presentment_amount, CASE WHEN b.amount < 0 THEN -1 ELSE 1 END *"               \
	" coalesce((SELECT amount FROM orders WHERE id = b.source),"                               \
	" (SELECT amount FROM refunds WHERE id = b.source),"                                       \
	" (SELECT amount FROM disputes WHERE id = b.source)))"
#define CACHE_FX_PRESENTMENT_CURRENCY_SQL                                                          \
	"coalesce(b.presentment_currency, (SELECT currency FROM orders WHERE id = b.source),"      \
	" (SELECT currency FROM refunds WHERE id = b.source),"                                     \
	" (SELECT currency FROM disputes WHERE id = b.source))"

#endif
