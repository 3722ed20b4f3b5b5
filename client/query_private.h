/* Internals shared by the files of the screens' queries (query.c,
 * query_settle.c); nothing else includes this. */
#ifndef PAYDESK_QUERY_PRIVATE_H
#define PAYDESK_QUERY_PRIVATE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/query.h"

struct query {
	sqlite3 *db;
	char err[320];
	/* The rows matching the last search, kept in a temporary table so
	 * that paging through them is one index walk, not a new search per key. */
	char hits_for[300];
	long hits;
	bool hits_walk; /* page by walking the sort's index (many matches) */
};

/* A value to bind to a '?' of a statement. */
struct bind {
	bool is_text;
	int64_t i;
	const char *s;
};

/* What one keyset page query is made of. */
struct page_spec {
	const char *select;   /* "SELECT ... FROM ..." with no WHERE */
	const char *sort;     /* integer sort expression */
	const char *tiebreak; /* text expression that makes the order total */
	bool desc;            /* display order */
	char where[2048];     /* " AND ..." conditions with '?' */
	struct bind binds[16];
	int n_binds;
	size_t row_size;
	void (*read)(sqlite3_stmt *stmt, void *row);
	bool searching; /* the WHERE part holds a search's matches */
};

/* Sets q's error from SQLite's last message about `what`. */
void query_set_error(struct query *q, const char *what);
/* Copies a column's text into a buffer, cut at a UTF-8 boundary. */
void query_col_text(sqlite3_stmt *stmt, int col, char *out, size_t size);
/* Binds every value of binds to the '?'s of a statement, in order. */
int query_bind_all(sqlite3_stmt *stmt, const struct bind *binds, int n);
/* Adds " AND cond" to the spec's WHERE part, and values for its '?'s. */
void query_add_where(struct page_spec *p, const char *cond);
void query_add_text(struct page_spec *p, const char *s);
void query_add_int(struct page_spec *p, int64_t v);
/* Splits a keyset key "sortvalue|id"; false when malformed. */
bool query_parse_key(const char *key, int64_t *value, const char **id);
/* One keyset page of spec into out (display order); count or -1. */
int query_run_page(struct query *q, struct page_spec *p, const char *key, bool after, int max,
                   void *out);
/* "SELECT count(*) ..." with the spec's WHERE part; -1 on failure. */
long query_run_count(struct query *q, const char *select, const struct page_spec *p);
/* sql prepared with id bound to its first parameter; the caller finalizes it. NULL with
 * q's error set on failure. */
sqlite3_stmt *query_prepare_id(struct query *q, const char *sql, const char *id);
/* A one-row query by id into out: 1 found, 0 not, -1 failure. */
int query_get_one(struct query *q, const char *sql, const char *id,
                  void (*read)(sqlite3_stmt *, void *), void *out, size_t size);

#endif
