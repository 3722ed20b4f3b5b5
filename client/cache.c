/* Opening, checking, migrating and describing the cache file. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "client/cache_private.h"
#include "client/cache_schema.h"
#include "client/client.h"

struct cache {
	sqlite3 *db;
	char path[1024];
	char notice[1400];
};

/* The ordered migration steps: step i brings user_version from i to i + 1. Later changes are
 * new steps at the end; a shipped step is never edited. */
static const char *const migrations[] = {
        NULL, /* 0 -> 1: the initial schema, cache_schema_sql */
        /* 1 -> 2: Stripe's own "refunded" flag, kept for exact comparison with the platform;
	 * payouts to reconcile are found through this partial index. */
        "ALTER TABLE orders ADD COLUMN refunded INTEGER NOT NULL DEFAULT 0;"
        "CREATE INDEX payouts_unreconciled ON payouts(id) WHERE reconciled = 0;"
        "CREATE INDEX refunds_by_status ON refunds(status, created, id);"
        "CREATE INDEX payouts_by_status ON payouts(status, arrival_date, id);",
        /* 2 -> 3: raw JSON in a rowid table. In a WITHOUT ROWID table a row over ~1000 bytes
	 * spills into an overflow page of its own, which tripled the cache's size. */
        "CREATE TABLE raw_objects_v3 (id TEXT PRIMARY KEY, kind TEXT NOT NULL, json TEXT NOT NULL);"
        "INSERT INTO raw_objects_v3(id, kind, json) SELECT id, kind, json FROM raw_objects;"
        "DROP TABLE raw_objects;"
        "ALTER TABLE raw_objects_v3 RENAME TO raw_objects;",
        /* 3 -> 4: two indices no query uses (orders by payment intent, balance transactions by
         * source) cost 80 bytes per order; lookups by those columns are rare enough to scan. */
        "DROP INDEX IF EXISTS orders_by_intent;"
        "DROP INDEX IF EXISTS balance_by_source;",
        /* 4 -> 5: a backfill lists newest first. Indices on `created` kept ascending grew at
         * their left edge, where every page split leaves a half-empty page behind, and had to
         * be packed by a VACUUM after each backfill (a rewrite of the whole file). Kept
         * descending, the same inserts append at the right edge and fill their pages; any
         * ORDER BY that used the ascending index reads the descending one backwards. */
        "DROP INDEX orders_by_created;"
        "CREATE INDEX orders_by_created ON orders(created DESC, id DESC);"
        "DROP INDEX orders_by_status;"
        "CREATE INDEX orders_by_status ON orders(status DESC, created DESC, id DESC);"
        "DROP INDEX orders_by_currency;"
        "CREATE INDEX orders_by_currency ON orders(currency DESC, created DESC, id DESC);"
        "DROP INDEX balance_by_created;"
        "CREATE INDEX balance_by_created ON balance_transactions(created DESC, id DESC);"
        "DROP INDEX payouts_by_created;"
        "CREATE INDEX payouts_by_created ON payouts(created DESC, id DESC);"
        "DROP INDEX payouts_by_arrival;"
        "CREATE INDEX payouts_by_arrival ON payouts(arrival_date DESC, id DESC);"
        "DROP INDEX payouts_by_status;"
        "CREATE INDEX payouts_by_status ON payouts(status DESC, arrival_date DESC, id DESC);"
        "DROP INDEX refunds_by_created;"
        "CREATE INDEX refunds_by_created ON refunds(created DESC, id DESC);"
        "DROP INDEX refunds_by_status;"
        "CREATE INDEX refunds_by_status ON refunds(status DESC, created DESC, id DESC);",
        /* 5 -> 6: the search index without its per-row column sizes (columnsize=0): only
         * ranking reads them and the search does not rank; 15 bytes per order. */
        "DROP TRIGGER orders_fts_insert;"
        "DROP TRIGGER orders_fts_delete;"
        "DROP TRIGGER orders_fts_update;"
        "DROP TABLE orders_fts;"
        "CREATE VIRTUAL TABLE orders_fts USING fts5("
        "  id, order_ref, customer_name, customer_email, description, metadata,"
        "  content='orders', content_rowid='rowid', columnsize=0,"
        "  tokenize='unicode61 remove_diacritics 2');" CACHE_ORDERS_FTS_TRIGGERS_SQL
        "INSERT INTO orders_fts(orders_fts) VALUES ('rebuild');",
        /* 6 -> 7: the big tables' sort indices without the id: rows with the same sort
         * value are few, and SQLite orders them by id as it reads (a sort of the index's
         * right part); 28 bytes less per index entry, about 170 per order. */
        "DROP INDEX orders_by_created;"
        "CREATE INDEX orders_by_created ON orders(created DESC);"
        "DROP INDEX orders_by_amount;"
        "CREATE INDEX orders_by_amount ON orders(amount);"
        "DROP INDEX orders_by_status;"
        "CREATE INDEX orders_by_status ON orders(status DESC, created DESC);"
        "DROP INDEX orders_by_currency;"
        "CREATE INDEX orders_by_currency ON orders(currency DESC, created DESC);"
        "DROP INDEX balance_by_created;"
        "CREATE INDEX balance_by_created ON balance_transactions(created DESC);"
        "DROP INDEX balance_by_payout;"
        "CREATE INDEX balance_by_payout ON balance_transactions(payout_id, created);"
        /* ... and each object's raw JSON in its own row rather than in a table of its own,
         * which cost an id and an index entry per object (about 85 bytes per order) and an
         * extra b-tree insert per object stored. */
        "ALTER TABLE orders ADD COLUMN raw TEXT;"
        "ALTER TABLE refunds ADD COLUMN raw TEXT;"
        "ALTER TABLE disputes ADD COLUMN raw TEXT;"
        "ALTER TABLE payouts ADD COLUMN raw TEXT;"
        "UPDATE orders SET raw = (SELECT json FROM raw_objects r WHERE r.id = orders.id);"
        "UPDATE refunds SET raw = (SELECT json FROM raw_objects r WHERE r.id = refunds.id);"
        "UPDATE disputes SET raw = (SELECT json FROM raw_objects r WHERE r.id = disputes.id);"
        "UPDATE payouts SET raw = (SELECT json FROM raw_objects r WHERE r.id = payouts.id);"
        "DROP TABLE raw_objects;",
        /* 7 -> 8: the platforms whose history is a daily bill (WeChat Pay, Alipay). Orders and
         * refunds keep the bill's facts - the payer, how it was paid, what the merchant is
         * paid, discounts, the fee to the bill's own precision (thousandths of the minor
         * unit), the bill's day - complaints their words, their encrypted contact and their
         * history, and each bill day its summary as the platform wrote it, for the
         * statement to reconcile against. Columns are NULL for Stripe. */
        "ALTER TABLE orders ADD COLUMN payer TEXT;"
        "ALTER TABLE orders ADD COLUMN channel TEXT;"
        "ALTER TABLE orders ADD COLUMN settle_amount INTEGER;"
        "ALTER TABLE orders ADD COLUMN discount_amount INTEGER;"
        "ALTER TABLE orders ADD COLUMN fee_fine INTEGER;"
        "ALTER TABLE orders ADD COLUMN fee_rate TEXT;"
        "ALTER TABLE orders ADD COLUMN bill_day TEXT;"
        "CREATE INDEX orders_by_bill_day ON orders(bill_day) WHERE bill_day IS NOT NULL;"
        "ALTER TABLE refunds ADD COLUMN order_ref TEXT;"
        "ALTER TABLE refunds ADD COLUMN refund_ref TEXT;"
        "ALTER TABLE refunds ADD COLUMN settle_amount INTEGER;"
        "ALTER TABLE refunds ADD COLUMN coupon_refund INTEGER;"
        "ALTER TABLE refunds ADD COLUMN fee_fine INTEGER;"
        "ALTER TABLE refunds ADD COLUMN bill_day TEXT;"
        "CREATE INDEX refunds_by_bill_day ON refunds(bill_day) WHERE bill_day IS NOT NULL;"
        "ALTER TABLE balance_transactions ADD COLUMN bill_day TEXT;"
        "CREATE INDEX balance_by_bill_day ON balance_transactions(bill_day)"
        " WHERE bill_day IS NOT NULL;"
        "ALTER TABLE disputes ADD COLUMN order_ref TEXT;"
        "ALTER TABLE disputes ADD COLUMN detail TEXT;"
        "ALTER TABLE disputes ADD COLUMN contact TEXT;"
        "ALTER TABLE disputes ADD COLUMN refund_requested INTEGER;"
        "CREATE TABLE dispute_history ("
        "  dispute_id TEXT NOT NULL,"
        "  entry_id TEXT NOT NULL,"
        "  time INTEGER NOT NULL,"
        "  actor TEXT,"
        "  kind TEXT,"
        "  text TEXT,"
        "  images TEXT,"
        "  PRIMARY KEY (dispute_id, entry_id)"
        ") WITHOUT ROWID;"
        "CREATE TABLE bill_days ("
        "  day TEXT NOT NULL,"
        "  bill TEXT NOT NULL,"
        "  rows INTEGER NOT NULL,"
        "  summary TEXT,"
        "  hash TEXT,"
        "  fetched INTEGER NOT NULL,"
        "  PRIMARY KEY (day, bill)"
        ") WITHOUT ROWID;",
        /* 8 -> 9: amounts are compared within a currency (filter and sort by currency, then
         * amount): the amount index leads with the currency. The search index holds the
         * card's last four digits. Orders whose text holds escapes get a partial index so
         * that the search finds words glued to them. The dispute queue (open first, then
         * under review, then closed, each by deadline) has an index of its own order. */
        "DROP INDEX orders_by_amount;"
        "CREATE INDEX orders_by_amount ON orders(currency, amount);"
        "DROP TRIGGER orders_fts_insert;"
        "DROP TRIGGER orders_fts_delete;"
        "DROP TRIGGER orders_fts_update;"
        "DROP TABLE orders_fts;"
        "CREATE VIRTUAL TABLE orders_fts USING fts5(" CACHE_ORDERS_FTS_COLUMNS ","
        "  content='orders', content_rowid='rowid', columnsize=0,"
        "  tokenize='unicode61 remove_diacritics 2');" CACHE_ORDERS_FTS_TRIGGERS_V9_SQL
        "INSERT INTO orders_fts(orders_fts) VALUES ('rebuild');"
        "CREATE INDEX orders_with_escapes ON orders(created) WHERE " CACHE_ORDER_HAS_ESCAPES_SQL ";"
        "CREATE INDEX disputes_by_queue ON disputes(" CACHE_DISPUTE_QUEUE_SQL ");",
        /* 9 -> 10: whether an order's text holds an escape is a column, set as the row is
         * stored: the partial index's own condition, five columns joined and searched twice
         * on every insert, was a seventh of the cost of storing a bill row. */
        "ALTER TABLE orders ADD COLUMN has_escapes INTEGER NOT NULL DEFAULT 0;"
        "UPDATE orders SET has_escapes = 1 WHERE " CACHE_ORDER_HAS_ESCAPES_SQL ";"
        "DROP INDEX orders_with_escapes;"
        "CREATE INDEX orders_with_escapes ON orders(created) WHERE has_escapes = "
        "1;" CACHE_ORDERS_ESCAPES_TRIGGERS_SQL,
        /* 10 -> 11: the Insights screen's sums per quarter hour and currency, kept up to date
         * (see CACHE_INSIGHTS_TABLES_SQL), and filled here from what the cache holds. The few
         * disputes get an index on created, as the other summed tables have. */
        CACHE_INSIGHTS_TABLES_SQL CACHE_INSIGHTS_TRIGGERS_SQL
        "CREATE INDEX disputes_by_created ON disputes(created);"
        "INSERT OR IGNORE INTO insights_dirty SELECT DISTINCT created / 900 FROM orders;"
        "INSERT OR IGNORE INTO insights_dirty SELECT DISTINCT created / 900 FROM refunds;"
        "INSERT OR IGNORE INTO insights_dirty SELECT DISTINCT created / 900 FROM disputes;"
        "INSERT OR IGNORE INTO insights_dirty SELECT DISTINCT created / 900"
        " FROM balance_transactions;" CACHE_INSIGHTS_FOLD_V11_SQL,
        /* 11 -> 12: converted movements keep both sides. A balance transaction keeps the
         * rate as the platform wrote it (text, never a float) and its conversion fee; the
         * side the customer paid is the platform's where it says it, else the source's
         * (a charge, refund or dispute, signed like the movement): the balance_fx view
         * gives both. Entries cached before kept no rate: a Stripe cache lists its balance
         * transactions again on its next sync. */
        "ALTER TABLE balance_transactions ADD COLUMN exchange_rate TEXT;"
        "ALTER TABLE balance_transactions ADD COLUMN fx_fee INTEGER NOT NULL DEFAULT 0;"
        "ALTER TABLE balance_transactions ADD COLUMN presentment_amount INTEGER;"
        "ALTER TABLE balance_transactions ADD COLUMN presentment_currency TEXT;"
        "CREATE VIEW balance_fx AS SELECT b.id, b.created, b.source, b.type,"
        "  b.reporting_category, b.payout_id,"
        "  " CACHE_FX_PRESENTMENT_AMOUNT_SQL " AS presentment_amount,"
        "  " CACHE_FX_PRESENTMENT_CURRENCY_SQL " AS presentment_currency,"
        "  b.amount AS settlement_amount, b.currency AS settlement_currency,"
        "  b.exchange_rate, b.fx_fee, b.fee, b.net"
        " FROM balance_transactions b WHERE b.exchange_rate IS NOT NULL;"
        /* An order converted into the account's currency keeps what it settled as (its
         * balance transaction's amount and currency), so that the Orders screen can list,
         * filter and sort by either side; NULL when it settled as charged. */
        "ALTER TABLE orders ADD COLUMN settled_amount INTEGER;"
        "ALTER TABLE orders ADD COLUMN settled_currency TEXT;"
        /* Only the converted orders: an index entry for every order cost a bill row
         * a tenth more instructions. The settled side of a currency is its converted
         * orders (this index) and its own unconverted ones (orders_by_amount). */
        "CREATE INDEX orders_by_settled ON orders(settled_currency, settled_amount)"
        " WHERE settled_currency IS NOT NULL;"
        /* The sums of what converted payments settled as, for the Insights screen:
         * empty, as no conversion was known before this schema. */
        CACHE_INSIGHTS_PAID_TABLE_SQL
        "DELETE FROM sync_state WHERE resource LIKE 'balance_transactions@%';"
        "UPDATE sync_state SET backfill_done = 0, backfill_cursor = NULL"
        " WHERE resource = 'balance_transactions'"
        "  AND EXISTS (SELECT 1 FROM meta WHERE key = 'provider' AND value = "
        "'stripe');",
};

#define CACHE_LATEST ((int)(sizeof migrations / sizeof *migrations))

int cache_schema_latest(void)
{
	return CACHE_LATEST;
}

static const char *const resource_tables[CACHE_RESOURCE_COUNT] = {
        "orders",  "payment_intents",      "refunds", "disputes",
        "payouts", "balance_transactions", "events",
};

const char *cache_resource_name(enum cache_resource r)
{
	return r < CACHE_RESOURCE_COUNT ? resource_tables[r] : "";
}

sqlite3 *cache_db(struct cache *c)
{
	return c->db;
}

const char *cache_notice(const struct cache *c)
{
	return c->notice;
}

const char *cache_path(const struct cache *c)
{
	return c->path;
}

static int pragma_int(sqlite3 *db, const char *sql, int *out)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

int cache_migrate(sqlite3 *db, char *err, size_t err_size)
{
	int version = 0;
	int rc = pragma_int(db, "PRAGMA user_version", &version);
	if (rc != SQLITE_OK) {
		snprintf(err, err_size, _("cannot read the cache's schema version: %s"),
		         sqlite3_errmsg(db));
		return -1;
	}
	if (version > CACHE_LATEST) {
		snprintf(err, err_size,
		         _("the cache was written by a newer paydesk (schema %d, this one knows "
		           "%d); "
		           "use the newer paydesk, or move the file away to start over"),
		         version, CACHE_LATEST);
		return -1;
	}
	if (version == CACHE_LATEST)
		return 0;
	/* Every step in one transaction: a process killed while it creates or upgrades a cache
	 * leaves it as it was (an empty file stays empty), never between two schemas. */
	char *msg = NULL;
	int step = version;
	rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg);
	for (; rc == SQLITE_OK && step < CACHE_LATEST; step++) {
		char set_version[64];
		snprintf(set_version, sizeof set_version, "PRAGMA user_version = %d", step + 1);
		rc = sqlite3_exec(db, step == 0 ? cache_schema_sql : migrations[step], NULL, NULL,
		                  &msg);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(db, set_version, NULL, NULL, &msg);
		if (rc != SQLITE_OK)
			break;
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(err, err_size, _("cannot upgrade the cache to schema %d: %s"),
		         step < CACHE_LATEST ? step + 1 : CACHE_LATEST,
		         msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

/* Creates the directories above path (mode 0700) as needed. */
static int make_parents(const char *path, char *err, size_t err_size)
{
	char dir[1024];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			snprintf(err, err_size, _("cannot create %s: %s"), dir, strerror(errno));
			return -1;
		}
		*p = '/';
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, err_size, _("cannot create %s: %s"), dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* Makes sure the file exists with mode 0600 before SQLite opens it (SQLite would use the
 * umask), and tightens an existing file that is more open. */
static int secure_file(const char *path, char *err, size_t err_size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		snprintf(err, err_size, _("cannot open the cache %s: %s"), path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && (st.st_mode & 077) != 0 && fchmod(fd, 0600) != 0) {
		snprintf(err, err_size, _("cannot make the cache %s private (chmod 600): %s"), path,
		         strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* What a file is. UNAVAILABLE (busy, locked, unreadable) is never taken for damage: only a
 * file SQLite itself calls corrupt or not a database is ever set aside. */
enum cache_health { CACHE_HEALTHY, CACHE_FOREIGN, CACHE_CORRUPT, CACHE_UNAVAILABLE };

static enum cache_health health_of(int rc)
{
	int primary = rc & 0xff;
	return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB ? CACHE_CORRUPT
	                                                             : CACHE_UNAVAILABLE;
}

/* Looks at an opened file: ours (possibly older), another program's, or broken. */
static enum cache_health examine(sqlite3 *db, char *why, size_t why_size)
{
	int app = 0, version = 0, tables = 0;
	int rc = pragma_int(db, "PRAGMA application_id", &app);
	if (rc == SQLITE_OK)
		rc = pragma_int(db, "PRAGMA user_version", &version);
	if (rc == SQLITE_OK)
		rc = pragma_int(db, "SELECT count(*) FROM sqlite_master", &tables);
	if (rc != SQLITE_OK) {
		snprintf(why, why_size, "%s", sqlite3_errstr(rc));
		return health_of(rc);
	}
	if (app != 0 && app != CACHE_APPLICATION_ID) {
		snprintf(why, why_size, _("it belongs to another program"));
		return CACHE_FOREIGN;
	}
	if (version == 0 && tables > 0) {
		snprintf(why, why_size, _("it is an SQLite file of another program"));
		return CACHE_FOREIGN;
	}
	if (version > 0) {
		/* A paydesk cache has these; a file without them is not one of ours. */
		int ours = 0;
		rc = pragma_int(
		        db,
		        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
		        "('meta', 'orders', 'sync_state', 'payouts')",
		        &ours);
		if (rc != SQLITE_OK) {
			snprintf(why, why_size, "%s", sqlite3_errstr(rc));
			return health_of(rc);
		}
		if (ours != 4) {
			snprintf(why, why_size, _("its tables are not a paydesk cache's"));
			return CACHE_FOREIGN;
		}
	}
	return CACHE_HEALTHY;
}

/* Renames path (and its -wal and -shm) to path.broken-YYYYMMDD-HHMMSS. */
static int set_aside(const char *path, char *moved, size_t moved_size, char *err, size_t err_size)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	char stamp[32];
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	for (int i = 0; i < 100; i++) {
		if (i == 0)
			snprintf(moved, moved_size, "%s.broken-%s", path, stamp);
		else
			snprintf(moved, moved_size, "%s.broken-%s.%d", path, stamp, i);
		if (access(moved, F_OK) != 0)
			break;
	}
	if (rename(path, moved) != 0) {
		snprintf(err, err_size, _("cannot move the damaged cache %s aside: %s"), path,
		         strerror(errno));
		return -1;
	}
	static const char *const sides[] = {"-wal", "-shm"};
	for (size_t i = 0; i < 2; i++) {
		char from[1100], to[1200];
		snprintf(from, sizeof from, "%s%s", path, sides[i]);
		snprintf(to, sizeof to, "%s%s", moved, sides[i]);
		if (rename(from, to) != 0 && errno != ENOENT) {
			snprintf(err, err_size, _("cannot move %s aside: %s"), from,
			         strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Opens the file and sets the connection up; NULL with err on failure. */
static sqlite3 *open_db(const char *path, char *err, size_t err_size)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(
	        path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, err_size, _("cannot open the cache %s: %s"), path,
		         db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, 10000);
	return db;
}

/* WAL and the connection's settings; fails on a file that is not a database. */
static int setup_db(sqlite3 *db, char *err, size_t err_size)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db,
	                      "PRAGMA journal_mode = WAL;"
	                      "PRAGMA synchronous = NORMAL;"
	                      "PRAGMA foreign_keys = OFF;"
	                      "PRAGMA cache_size = -8192;",
	                      NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(err, err_size, "%s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return rc;
	}
	return SQLITE_OK;
}

struct cache *cache_open(const char *path, char *err, size_t err_size)
{
	struct cache *c = calloc(1, sizeof *c);
	if (!c) {
		snprintf(err, err_size, _("out of memory"));
		return NULL;
	}
	snprintf(c->path, sizeof c->path, "%s", path);
	if (make_parents(path, err, err_size) != 0 || secure_file(path, err, err_size) != 0) {
		free(c);
		return NULL;
	}
	for (int attempt = 0; attempt < 2; attempt++) {
		c->db = open_db(path, err, err_size);
		if (!c->db)
			break;
		char why[300] = "";
		enum cache_health health = CACHE_HEALTHY;
		int rc = setup_db(c->db, why, sizeof why);
		if (rc != SQLITE_OK)
			health = health_of(rc);
		else
			health = examine(c->db, why, sizeof why);
		if (health == CACHE_UNAVAILABLE) {
			snprintf(err, err_size,
			         _("the cache %s cannot be used right now (%s); try again in a "
			           "moment"),
			         path, why);
			break;
		}
		if (health == CACHE_HEALTHY) {
			char merr[600];
			if (cache_migrate(c->db, merr, sizeof merr) != 0) {
				snprintf(err, err_size, "%s: %s", path, merr);
				break;
			}
			/* The id is written once the schema exists, so a half-made file stays
			 * recognisable as ours; opening a finished cache writes nothing. */
			int app = 0;
			char app_sql[64];
			snprintf(app_sql, sizeof app_sql, "PRAGMA application_id = %d",
			         CACHE_APPLICATION_ID);
			if (pragma_int(c->db, "PRAGMA application_id", &app) != SQLITE_OK ||
			    (app != CACHE_APPLICATION_ID &&
			     sqlite3_exec(c->db, app_sql, NULL, NULL, NULL) != SQLITE_OK)) {
				snprintf(err, err_size, _("cannot write to the cache %s: %s"), path,
				         sqlite3_errmsg(c->db));
				break;
			}
			return c;
		}
		sqlite3_close(c->db);
		c->db = NULL;
		if (attempt > 0) {
			snprintf(err, err_size, _("the new cache %s cannot be used: %s"), path,
			         why);
			break;
		}
		char moved[1200];
		if (set_aside(path, moved, sizeof moved, err, err_size) != 0 ||
		    secure_file(path, err, err_size) != 0)
			break;
		snprintf(c->notice, sizeof c->notice,
		         health == CACHE_CORRUPT
		                 ? _("the cache file was damaged (%s); it was kept as %s and a new "
		                     "cache is being built: run 'paydesk sync' to fill it")
		                 : _("the cache file was not a paydesk cache (%s); it was kept as "
		                     "%s "
		                     "and a new cache is being built: run 'paydesk sync' to fill "
		                     "it"),
		         why, moved);
	}
	if (c->db)
		sqlite3_close(c->db);
	free(c);
	return NULL;
}

void cache_close(struct cache **pc)
{
	struct cache *c = *pc;
	if (!c)
		return;
	sqlite3_close(c->db);
	free(c);
	*pc = NULL;
}

static int64_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

int64_t cache_objects(struct cache *c)
{
	struct cache_info info;
	char err[256];
	if (cache_info(c, &info, err, sizeof err) != 0)
		return -1;
	int64_t n = 0;
	for (int r = 0; r < CACHE_RESOURCE_COUNT; r++)
		if (r != CACHE_EVENTS)
			n += info.counts[r];
	return n;
}

int cache_info(struct cache *c, struct cache_info *info, char *err, size_t err_size)
{
	memset(info, 0, sizeof *info);
	info->schema_latest = CACHE_LATEST;
	if (pragma_int(c->db, "PRAGMA user_version", &info->schema_version) != SQLITE_OK)
		goto fail;
	for (int r = 0; r < CACHE_RESOURCE_COUNT; r++) {
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", resource_tables[r]);
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
			goto fail;
		if (sqlite3_step(st) == SQLITE_ROW)
			info->counts[r] = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(c->db, "SELECT max(last_success) FROM sync_state", -1, &st, NULL) !=
	    SQLITE_OK)
		goto fail;
	if (sqlite3_step(st) == SQLITE_ROW)
		info->last_sync = (time_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(c->db, "SELECT value FROM meta WHERE key = 'account'", -1, &st,
	                       NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(info->account, sizeof info->account, "%s",
		         (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	char wal[1100];
	snprintf(wal, sizeof wal, "%s-wal", c->path);
	info->file_bytes = file_size(c->path) + file_size(wal);
	return 0;
fail:
	snprintf(err, err_size, _("cannot read the cache: %s"), sqlite3_errmsg(c->db));
	return -1;
}

int cache_check(const char *path, struct cache_info *info, char *err, size_t err_size)
{
	memset(info, 0, sizeof *info);
	info->schema_latest = CACHE_LATEST;
	struct stat st;
	if (stat(path, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, err_size, _("cannot open the cache %s: %s"), path, strerror(errno));
		return -1;
	}
	struct cache c = {0};
	snprintf(c.path, sizeof c.path, "%s", path);
	int rc = sqlite3_open_v2(path, &c.db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	char why[600] = "";
	enum cache_health health = CACHE_UNAVAILABLE;
	if (rc != SQLITE_OK) {
		snprintf(why, sizeof why, "%s", c.db ? sqlite3_errmsg(c.db) : sqlite3_errstr(rc));
		health = health_of(rc);
	} else {
		sqlite3_extended_result_codes(c.db, 1);
		sqlite3_busy_timeout(c.db, 10000);
		health = examine(c.db, why, sizeof why);
	}
	sqlite3_stmt *qc = NULL;
	if (health == CACHE_HEALTHY) {
		/* The first line of PRAGMA quick_check is "ok", or the first damage found. */
		rc = sqlite3_prepare_v2(c.db, "PRAGMA quick_check(1)", -1, &qc, NULL);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(qc);
		if (rc == SQLITE_ROW) {
			const char *line = (const char *)sqlite3_column_text(qc, 0);
			if (!line || strcmp(line, "ok") != 0) {
				snprintf(why, sizeof why, "%s", line ? line : "?");
				for (char *nl = strchr(why, '\n'); nl; nl = strchr(nl, '\n'))
					*nl = ' ';
				health = CACHE_CORRUPT;
			}
		} else {
			snprintf(why, sizeof why, "%s", sqlite3_errmsg(c.db));
			health = health_of(rc);
		}
		sqlite3_finalize(qc);
	}
	if (health == CACHE_HEALTHY && cache_info(&c, info, err, err_size) == 0) {
		sqlite3_close(c.db);
		return 1;
	}
	if (health == CACHE_CORRUPT)
		snprintf(err, err_size, _("the cache %s is damaged (%s)"), path, why);
	else if (health == CACHE_FOREIGN)
		snprintf(err, err_size, _("the file %s is not a paydesk cache (%s)"), path, why);
	else if (health != CACHE_HEALTHY)
		snprintf(err, err_size, _("the cache %s cannot be read right now (%s)"), path, why);
	sqlite3_close(c.db);
	return -1;
}

int cache_insights_fold(sqlite3 *db)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "SELECT 1 FROM insights_dirty LIMIT 1", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? SQLITE_OK : rc;
	rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, CACHE_INSIGHTS_FOLD_SQL, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK && !sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}
