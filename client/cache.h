/* The local cache: one SQLite file per profile (WAL, mode 0600), schema migrated by
 * PRAGMA user_version. Everything the screens show is read from here. */
#ifndef PAYDESK_CACHE_H
#define PAYDESK_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>
#include <time.h>

struct cache;

/* Opens (creating when needed) the cache at path: parent directories 0700, file 0600, WAL,
 * schema migrated to the current version. A file that is corrupt or not a paydesk cache is
 * renamed aside (never deleted) and a new cache is built; cache_notice then says so.
 * Returns NULL with a translated reason in err on failure. Free with cache_close. */
struct cache *cache_open(const char *path, char *err, size_t err_size);
void cache_close(struct cache **c);

/* A translated sentence about what cache_open had to do (a file set aside), or "". */
const char *cache_notice(const struct cache *c);

/* The cache's path. */
const char *cache_path(const struct cache *c);

enum cache_resource {
	CACHE_ORDERS = 0,
	CACHE_PAYMENT_INTENTS,
	CACHE_REFUNDS,
	CACHE_DISPUTES,
	CACHE_PAYOUTS,
	CACHE_BALANCE_TRANSACTIONS,
	CACHE_EVENTS,
	CACHE_RESOURCE_COUNT
};

/* The resource's table name ("orders", ...). */
const char *cache_resource_name(enum cache_resource r);

struct cache_info {
	int64_t counts[CACHE_RESOURCE_COUNT];
	time_t last_sync;   /* 0 = never completed */
	int64_t file_bytes; /* database plus its write-ahead log */
	int schema_version;
	int schema_latest;
	char account[64]; /* the platform account id, "" when unknown */
};

/* Fills info. Returns 0, or -1 with err filled. */
int cache_info(struct cache *c, struct cache_info *info, char *err, size_t err_size);

/* Looks at the cache at path without changing it (read only: nothing is migrated, created
 * or set aside): SQLite's quick_check, then what cache_info tells. Returns 1 with info filled,
 * 0 when there is no such file, -1 with a translated reason in err (damaged, not a paydesk
 * cache, unreadable). */
int cache_check(const char *path, struct cache_info *info, char *err, size_t err_size);

/* The objects the cache holds, every resource but the events together; -1 when it cannot be
 * read. */
int64_t cache_objects(struct cache *c);

/* Folds the quarter hours whose objects changed into the Insights sums, in one transaction
 * (the end of a sync does it; readers are right either way, faster after it). SQLITE_OK or
 * SQLite's code, with the message on the connection. */
int cache_insights_fold(sqlite3 *db);

/* The schema version this build creates. */
int cache_schema_latest(void);

#endif
