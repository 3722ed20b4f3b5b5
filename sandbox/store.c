/* The sandbox's own state: one SQLite file holding every object it serves, whichever
 * platform it plays (the meta table says which; each platform adds its tables). */
#include "config.h"

#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sandbox.h"

int sbx_exec(struct sbx *s, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(sbx_db(s), sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "paydesk-sandbox: database error: %s\n", err ? err : "?");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

sqlite3_stmt *sbx_prepare(struct sbx *s, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(sbx_db(s), sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "paydesk-sandbox: database error: %s\n", sqlite3_errmsg(sbx_db(s)));
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

/* A thread's own read-only connection and its prepared statements. */
struct reader {
	sqlite3 *db;
	sqlite3_stmt *cached[SBX_CACHED_COUNT];
};

static pthread_key_t reader_key;
static pthread_once_t reader_once = PTHREAD_ONCE_INIT;
static int reader_key_ok;
/* This thread's reader while it reads (between sbx_reader_begin and sbx_reader_end). */
static __thread struct reader *reading;

static void reader_free(void *p)
{
	struct reader *r = p;

	for (int i = 0; i < SBX_CACHED_COUNT; i++)
		sqlite3_finalize(r->cached[i]);
	sqlite3_close(r->db);
	free(r);
}

static void reader_key_make(void)
{
	reader_key_ok = pthread_key_create(&reader_key, reader_free) == 0;
}

int sbx_reader_begin(struct sbx *s)
{
	pthread_once(&reader_once, reader_key_make);
	const char *path = s->db ? sqlite3_db_filename(s->db, "main") : NULL;
	if (!reader_key_ok || path == NULL || *path == '\0')
		return -1;
	struct reader *r = pthread_getspecific(reader_key);
	if (r == NULL) {
		r = calloc(1, sizeof(*r));
		if (r == NULL)
			return -1;
		if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
		                    NULL) != SQLITE_OK ||
		    sqlite3_exec(r->db, "PRAGMA cache_size=-16384; PRAGMA mmap_size=4294967296;",
		                 NULL, NULL, NULL) != SQLITE_OK ||
		    pthread_setspecific(reader_key, r) != 0) {
			reader_free(r);
			return -1;
		}
		sqlite3_busy_timeout(r->db, 5000);
	}
	if (sqlite3_exec(r->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	reading = r;
	return 0;
}

void sbx_reader_end(void)
{
	if (reading == NULL)
		return;
	sqlite3_exec(reading->db, "COMMIT", NULL, NULL, NULL);
	reading = NULL;
}

sqlite3 *sbx_db(struct sbx *s)
{
	return reading ? reading->db : s->db;
}

sqlite3_stmt **sbx_cached(struct sbx *s, enum sbx_cached_stmt which)
{
	return reading ? &reading->cached[which] : &s->cached[which];
}

/* Opens the store, applies the schema and the pragmas that make seeding fast.
 * NOMUTEX: the sandbox's own lock already serializes every use of the connection (a read
 * served outside the lock has its thread's own, above).
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
	if (sbx_exec(s, "CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT NOT NULL);") !=
	    0)
		return -1;
	char was[32];
	if (sbx_meta_get(s, "platform", was, sizeof(was)) == 0 &&
	    strcmp(was, s->platform->name) != 0) {
		fprintf(stderr,
		        "paydesk-sandbox: %s holds a %s store; start it with --platform %s, or "
		        "use another --db\n",
		        path, was, was);
		return -1;
	}
	/* A store seeded before stores named their platform is Stripe's. */
	if (sbx_meta_get(s, "seeded", was, sizeof(was)) == 0 &&
	    sbx_meta_get(s, "platform", was, sizeof(was)) != 0 &&
	    strcmp(s->platform->name, "stripe") != 0) {
		fprintf(stderr, "paydesk-sandbox: %s holds a stripe store; use another --db\n",
		        path);
		return -1;
	}
	return s->platform->schema(s);
}

void sbx_store_close(struct sbx *s)
{
	if (s->platform && s->platform->close)
		s->platform->close(s);
	if (s->db) {
		sqlite3_close(s->db);
		s->db = NULL;
	}
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

int sbx_run(struct sbx *s, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st = sbx_prepare(s, sql);
	va_list ap;
	int i;
	int rc;

	if (st == NULL)
		return -1;
	va_start(ap, fmt);
	for (i = 0; fmt[i]; i++) {
		if (fmt[i] == 's') {
			const char *v = va_arg(ap, const char *);

			if (v)
				sqlite3_bind_text(st, i + 1, v, -1, SQLITE_TRANSIENT);
			else
				sqlite3_bind_null(st, i + 1);
		} else if (fmt[i] == 'i') {
			sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
		} else {
			sqlite3_bind_null(st, i + 1);
		}
	}
	va_end(ap);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int64_t sbx_day_start(int64_t t)
{
	int64_t d = t / 86400;

	if (t < 0 && t % 86400 != 0)
		d--;
	return d * 86400;
}
