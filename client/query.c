/* Read-only screen queries over the cache, paged by keyset (see query.h). */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/actions.h"
#include "client/cache_schema.h"
#include "client/i18n.h"
#include "client/model.h"
#include "client/money.h"
#include "client/query.h"
#include "client/query_private.h"

void query_set_error(struct query *q, const char *what)
{
	snprintf(q->err, sizeof q->err, _("The cache could not be read (%s: %s)."), what,
	         sqlite3_errmsg(q->db));
}

const char *query_error(const struct query *q)
{
	return q && q->err[0] ? q->err : _("The cache could not be read.");
}

struct query *query_open(const char *path, char *err, size_t err_size)
{
	struct query *q = calloc(1, sizeof *q);
	if (!q) {
		snprintf(err, err_size, "%s", _("Out of memory."));
		return NULL;
	}
	int rc = sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, err_size, _("Could not open the cache \"%s\": %s"), path,
		         q->db ? sqlite3_errmsg(q->db) : sqlite3_errstr(rc));
		sqlite3_close(q->db);
		free(q);
		return NULL;
	}
	sqlite3_busy_timeout(q->db, 2000);
	/* A bounded page cache keeps memory flat however large the cache is;
	 * the connection is read-only, only its temporary table is written. */
	rc = sqlite3_exec(q->db,
	                  "PRAGMA cache_size=-4096;"
	                  "CREATE TEMP TABLE search_hits(id INTEGER PRIMARY KEY);",
	                  NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, err_size, _("Could not open the cache \"%s\": %s"), path,
		         sqlite3_errmsg(q->db));
		sqlite3_close(q->db);
		free(q);
		return NULL;
	}
	return q;
}

void query_invalidate(struct query *q)
{
	q->hits_for[0] = '\0';
	q->hits = 0;
}

void query_close(struct query **q)
{
	if (!q || !*q)
		return;
	sqlite3_close((*q)->db);
	free(*q);
	*q = NULL;
}

/* Copies a column's text into a buffer, cut at a UTF-8 character boundary. */
void query_col_text(sqlite3_stmt *stmt, int col, char *out, size_t size)
{
	const char *s = (const char *)sqlite3_column_text(stmt, col);
	size_t len = s ? (size_t)sqlite3_column_bytes(stmt, col) : 0;
	if (len >= size) {
		len = size - 1;
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	if (len)
		memcpy(out, s, len);
	out[len] = '\0';
}

int query_bind_all(sqlite3_stmt *stmt, const struct bind *binds, int n)
{
	for (int i = 0; i < n; i++) {
		int rc = binds[i].is_text
		                 ? sqlite3_bind_text(stmt, i + 1, binds[i].s, -1, SQLITE_TRANSIENT)
		                 : sqlite3_bind_int64(stmt, i + 1, binds[i].i);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

void query_add_where(struct page_spec *p, const char *cond)
{
	size_t len = strlen(p->where);
	snprintf(p->where + len, sizeof p->where - len, " AND %s", cond);
}

void query_add_text(struct page_spec *p, const char *s)
{
	if (p->n_binds == (int)(sizeof p->binds / sizeof p->binds[0]))
		return;
	p->binds[p->n_binds].is_text = true;
	p->binds[p->n_binds++].s = s;
}

void query_add_int(struct page_spec *p, int64_t v)
{
	if (p->n_binds == (int)(sizeof p->binds / sizeof p->binds[0]))
		return;
	p->binds[p->n_binds].is_text = false;
	p->binds[p->n_binds++].i = v;
}

/* Splits "sortvalue|id" into its parts; false when malformed. */
bool query_parse_key(const char *key, int64_t *value, const char **id)
{
	char *end;
	long long v = strtoll(key, &end, 10);
	if (end == key || *end != '|')
		return false;
	*value = v;
	*id = end + 1;
	return true;
}

/* Runs one keyset page of spec into out (rows in display order).
 * Returns the count or -1 (error in q). */
int query_run_page(struct query *q, struct page_spec *p, const char *key, bool after, int max,
                   void *out)
{
	if (max <= 0)
		return 0;
	bool forward_desc = after ? p->desc : !p->desc;
	const char *dir = forward_desc ? "DESC" : "ASC";
	int64_t key_value = 0;
	const char *key_id = NULL;
	bool keyed = key && query_parse_key(key, &key_value, &key_id);
	char sql[4096];
	snprintf(sql, sizeof sql, "%s WHERE 1%s%s%s%s%s%s ORDER BY %s %s, %s %s LIMIT ?", p->select,
	         p->where, keyed ? " AND (" : "", keyed ? p->sort : "", keyed ? ", " : "",
	         keyed ? p->tiebreak : "",
	         keyed ? (forward_desc ? ") < (?, ?)" : ") > (?, ?)") : "", p->sort, dir,
	         p->tiebreak, dir);
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(q->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		query_set_error(q, "prepare");
		return -1;
	}
	int n_binds = p->n_binds;
	if (query_bind_all(stmt, p->binds, n_binds) != SQLITE_OK) {
		query_set_error(q, "bind");
		sqlite3_finalize(stmt);
		return -1;
	}
	int rc = SQLITE_OK;
	if (keyed) {
		rc = sqlite3_bind_int64(stmt, n_binds + 1, key_value);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_text(stmt, n_binds + 2, key_id, -1, SQLITE_TRANSIENT);
		n_binds += 2;
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(stmt, n_binds + 1, max);
	if (rc != SQLITE_OK) {
		query_set_error(q, "bind");
		sqlite3_finalize(stmt);
		return -1;
	}
	int n = 0;
	while (n < max && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset((char *)out + (size_t)n * p->row_size, 0, p->row_size);
		p->read(stmt, (char *)out + (size_t)n * p->row_size);
		n++;
	}
	if (n < max && rc != SQLITE_DONE) {
		query_set_error(q, "step");
		sqlite3_finalize(stmt);
		return -1;
	}
	sqlite3_finalize(stmt);
	if (!after && n > 1) {
		/* Fetched nearest-first: turn into display order. */
		char *tmp = malloc(p->row_size);
		if (!tmp) {
			snprintf(q->err, sizeof q->err, "%s", _("Out of memory."));
			return -1;
		}
		for (int i = 0, j = n - 1; i < j; i++, j--) {
			char *a = (char *)out + (size_t)i * p->row_size;
			char *b = (char *)out + (size_t)j * p->row_size;
			memcpy(tmp, a, p->row_size);
			memcpy(a, b, p->row_size);
			memcpy(b, tmp, p->row_size);
		}
		free(tmp);
	}
	return n;
}

/* Runs "SELECT count(*) ..." with binds; -1 on failure. */
long query_run_count(struct query *q, const char *select, const struct page_spec *p)
{
	char sql[4096];
	snprintf(sql, sizeof sql, "%s WHERE 1%s", select, p->where);
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(q->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		query_set_error(q, "prepare");
		return -1;
	}
	if (query_bind_all(stmt, p->binds, p->n_binds) != SQLITE_OK) {
		query_set_error(q, "bind");
		sqlite3_finalize(stmt);
		return -1;
	}
	long n = -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(stmt, 0);
	else
		query_set_error(q, "step");
	sqlite3_finalize(stmt);
	return n;
}

/* ---- Orders ---- */

#define ORDER_COLUMNS                                                                              \
	"o.id, o.created, o.amount, o.amount_refunded, o.currency, o.status, o.platform_status, "  \
	"o.order_ref, o.customer_name, o.customer_email, o.description, o.card_brand, "            \
	"o.card_last4, o.risk_level, o.payment_intent, o.balance_transaction, o.failure_message, " \
	"o.channel, coalesce(o.settled_amount, o.amount), coalesce(o.settled_currency, "           \
	"o.currency)"
/* The settled side's amount and currency of an order. */
#define SETTLED_CURRENCY "coalesce(o.settled_currency, o.currency)"
#define SETTLED_AMOUNT   "coalesce(o.settled_amount, o.amount)"

static void read_order(sqlite3_stmt *s, void *out)
{
	struct query_order_row *r = out;
	query_col_text(s, 0, r->id, sizeof r->id);
	r->created = (time_t)sqlite3_column_int64(s, 1);
	r->amount = sqlite3_column_int64(s, 2);
	r->amount_refunded = sqlite3_column_int64(s, 3);
	query_col_text(s, 4, r->currency, sizeof r->currency);
	query_col_text(s, 5, r->status, sizeof r->status);
	query_col_text(s, 6, r->platform_status, sizeof r->platform_status);
	query_col_text(s, 7, r->order_ref, sizeof r->order_ref);
	query_col_text(s, 8, r->customer_name, sizeof r->customer_name);
	query_col_text(s, 9, r->customer_email, sizeof r->customer_email);
	query_col_text(s, 10, r->description, sizeof r->description);
	query_col_text(s, 11, r->card_brand, sizeof r->card_brand);
	query_col_text(s, 12, r->card_last4, sizeof r->card_last4);
	query_col_text(s, 13, r->risk_level, sizeof r->risk_level);
	query_col_text(s, 14, r->payment_intent, sizeof r->payment_intent);
	query_col_text(s, 15, r->balance_transaction, sizeof r->balance_transaction);
	query_col_text(s, 16, r->failure_message, sizeof r->failure_message);
	query_col_text(s, 17, r->channel, sizeof r->channel);
	r->other_amount = sqlite3_column_int64(s, 18);
	query_col_text(s, 19, r->other_currency, sizeof r->other_currency);
}

/* A row of the settled side: the settled amount and currency in front. */
static void read_order_settled(sqlite3_stmt *s, void *out)
{
	struct query_order_row *r = out;
	read_order(s, out);
	int64_t a = r->amount;
	char c[sizeof r->currency];
	memcpy(c, r->currency, sizeof c);
	r->amount = r->other_amount;
	memcpy(r->currency, r->other_currency, sizeof r->currency);
	r->other_amount = a;
	memcpy(r->other_currency, c, sizeof r->other_currency);
}

void query_order_filter_init(struct query_order_filter *f)
{
	memset(f, 0, sizeof *f);
	f->amount_min_milli = -1;
	f->amount_max_milli = -1;
	f->sort = QUERY_SORT_DATE_DESC;
}

/* 10^(3 - exponent): thousandths of a major unit per minor unit (1000 for JPY, 10 for USD,
 * 1 for KWD). */
static int64_t milli_per_minor(const char *currency)
{
	int e = money_exponent(currency);
	return e == 0 ? 1000 : e == 3 ? 1 : 10;
}

/* Appends to out the condition that an order's amount lies within [lo, hi] thousandths of
 * its own currency's major unit (-1 = open), one term per exponent among the currencies
 * given, so that each term is a seek in the (currency, amount) index. A bound finer than a
 * currency's minor unit is rounded inward. The codes are checked to be three letters before
 * they go into the SQL as literals; the amounts are integers. Returns false when no
 * currency is left (nothing matches). */
static bool amount_terms(char (*codes)[8], int n, int64_t lo, int64_t hi, bool settled, char *out,
                         size_t size)
{
	const char *amount = settled ? SETTLED_AMOUNT : "o.amount";
	const char *currency = settled ? SETTLED_CURRENCY : "o.currency";
	static const int64_t factors[] = {1000, 10, 1};
	size_t len = strlen(out);
	int terms = 0;
	for (size_t k = 0; k < sizeof factors / sizeof *factors; k++) {
		int64_t factor = factors[k];
		char list[600] = "";
		size_t used = 0;
		for (int i = 0; i < n; i++) {
			bool letters = strlen(codes[i]) == 3;
			for (int c = 0; c < 3 && letters; c++)
				letters = codes[i][c] >= 'a' && codes[i][c] <= 'z';
			if (!letters || milli_per_minor(codes[i]) != factor ||
			    used + 8 >= sizeof list)
				continue;
			used += (size_t)snprintf(list + used, sizeof list - used, "%s'%s'",
			                         used ? ", " : "", codes[i]);
		}
		if (!used)
			continue;
		int64_t min = lo >= 0 ? (lo + factor - 1) / factor : -1;
		int64_t max = hi >= 0 ? hi / factor : -1;
		char range[96] = "";
		if (min >= 0 && max >= 0)
			snprintf(range, sizeof range, " AND %s BETWEEN %lld AND %lld", amount,
			         (long long)min, (long long)max);
		else if (min >= 0)
			snprintf(range, sizeof range, " AND %s >= %lld", amount, (long long)min);
		else if (max >= 0)
			snprintf(range, sizeof range, " AND %s <= %lld", amount, (long long)max);
		len += (size_t)snprintf(out + len, len < size ? size - len : 0, "%s(%s IN (%s)%s)",
		                        terms ? " OR " : "", currency, list, range);
		terms++;
	}
	return terms > 0;
}

/* The currencies an amount condition is about: the filter's one, else every currency of
 * the orders. Returns the count, or -1 (error in q). */
static int condition_currencies(struct query *q, const struct query_order_filter *f,
                                char (*codes)[8], int max)
{
	if (f->currency[0]) {
		snprintf(codes[0], sizeof codes[0], "%s", f->currency);
		return 1;
	}
	return query_order_currencies(q, f->settled, codes, max);
}

/* Appends one word to an FTS5 query: quoted (so FTS syntax in it is just text) and matched
 * as a prefix. */
static void fts_word(const char *word, size_t len, char *out, size_t size)
{
	size_t o = strlen(out);
	if (o + len * 2 + 5 >= size)
		return;
	if (o)
		out[o++] = ' ';
	out[o++] = '"';
	for (size_t i = 0; i < len; i++) {
		if (word[i] == '"')
			out[o++] = '"';
		out[o++] = word[i];
	}
	out[o++] = '"';
	out[o++] = '*';
	out[o] = '\0';
}

/* A word that reads as an amount ("12.50", "1,200"): its thousandths of a major unit. */
static bool amount_word(const char *word, int64_t *milli)
{
	/* Three decimals, as KWD has: every amount a person writes fits. */
	return money_parse(word, "kwd", MONEY_PARSE_ALLOW_GROUPING, milli) == MONEY_OK;
}

/* The size of one bound value of a search's statement (an FTS query of every word). */
#define SEARCH_BIND 640

/* Up to 16 words of a search, each its own string. */
struct search_words {
	char text[16][64];
	int n;
};

static void split_words(const char *text, struct search_words *w)
{
	w->n = 0;
	const char *s = text;
	while (*s && w->n < 16) {
		while (*s == ' ' || *s == '\t')
			s++;
		size_t len = strcspn(s, " \t");
		if (!len)
			break;
		snprintf(w->text[w->n++], sizeof w->text[0], "%.*s", (int)len, s);
		s += len;
	}
}

/* Appends " AND text LIKE ?" for each word to sql, and the word (as %word%, its % _ and \
 * escaped) to binds after the n already there (at most max). */
static void like_words(const char *const *words, int n, char *sql, size_t size,
                       char (*binds)[SEARCH_BIND], int *n_binds, int max)
{
	char(*likes)[SEARCH_BIND] = binds;
	int *n_likes = n_binds;
	for (int i = 0; i < n && *n_likes < max; i++) {
		size_t len = strlen(sql);
		snprintf(sql + len, size - len, " AND " CACHE_ORDER_TEXT_SQL " LIKE ? ESCAPE '\\'");
		char *l = likes[(*n_likes)++];
		size_t o = 0;
		l[o++] = '%';
		for (const char *c = words[i]; *c && o + 3 < SEARCH_BIND; c++) {
			if (*c == '%' || *c == '_' || *c == '\\')
				l[o++] = '\\';
			l[o++] = *c;
		}
		l[o++] = '%';
		l[o] = '\0';
	}
}

/* One way a search's word (or its plain words together) can match: a SELECT of rowids and
 * the values of its '?'s. */
struct search_part {
	char sql[4600];
	char binds[17][SEARCH_BIND];
	int n_binds;
};

/* A part's SELECT; NULL when out of memory. */
static struct search_part *part_new(const char *sql)
{
	struct search_part *p = calloc(1, sizeof *p);
	if (p)
		snprintf(p->sql, sizeof p->sql, "%s", sql);
	return p;
}

/* The part that matches words among the orders whose text holds escapes. */
static struct search_part *escapes_part(const char *const *words, int n)
{
	struct search_part *p =
	        part_new("SELECT o.rowid AS id FROM orders o WHERE o.has_escapes = 1");
	if (p)
		like_words(words, n, p->sql, sizeof p->sql, p->binds, &p->n_binds, 16);
	return p;
}

/* Runs one statement of a search with its values; SQLITE_DONE when it ran. */
static int run_search_sql(struct query *q, const char *sql, struct search_part *const *parts,
                          int n_parts)
{
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2(q->db, sql, -1, &stmt, NULL);
	int at = 1;
	for (int i = 0; rc == SQLITE_OK && i < n_parts; i++)
		for (int b = 0; rc == SQLITE_OK && b < parts[i]->n_binds; b++)
			rc = sqlite3_bind_text(stmt, at++, parts[i]->binds[b], -1,
			                       SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	return rc;
}

/* Fills temp.search_hits with the orders a search finds, unless it already holds them.
 * Every word must match (in any order): a word matches an order through the search index
 * (ids, order number, customer, description, metadata, the card's last four digits, each
 * as a prefix of a word); a word that reads as an amount ("12.50") also matches the orders
 * of that amount in their own currency's units (12.50 USD, 12.500 KWD; never 1250 JPY);
 * and among the few orders whose text holds an escape, a word also matches as a substring
 * ("Bold" in "ESC[1mBold", which the index holds as "1mbold"). Returns the number of
 * matches or -1. */
static long search_hits(struct query *q, const char *text)
{
	if (q->hits_for[0] && !strcmp(q->hits_for, text))
		return q->hits;
	q->hits_for[0] = '\0';
	if (sqlite3_exec(q->db, "DELETE FROM temp.search_hits", NULL, NULL, NULL) != SQLITE_OK) {
		query_set_error(q, "search");
		return -1;
	}
	struct search_words w;
	split_words(text, &w);
	/* Clauses, all of which must match, each the union of its parts: the words that are
	 * not amounts together (one index query), then one per amount. */
	enum { MAX_PARTS = 3 * 17 };
	struct search_part *parts[MAX_PARTS];
	int clause_of[MAX_PARTS];
	int n_parts = 0, n_clauses = 0;
	const char *plain[16];
	int n_plain = 0;
	char codes[64][8];
	int n_codes = -1;
	bool oom = false;
	struct search_part *index =
	        part_new("SELECT rowid AS id FROM orders_fts WHERE orders_fts MATCH ?");
	if (index)
		index->n_binds = 1;
	for (int i = 0; i < w.n && !oom; i++) {
		int64_t milli;
		if (!amount_word(w.text[i], &milli)) {
			if (index)
				fts_word(w.text[i], strlen(w.text[i]), index->binds[0],
				         SEARCH_BIND);
			plain[n_plain++] = w.text[i];
			continue;
		}
		const char *one[1] = {w.text[i]};
		struct search_part *by_word =
		        part_new("SELECT rowid AS id FROM orders_fts WHERE orders_fts MATCH ?");
		struct search_part *by_escape = escapes_part(one, 1);
		struct search_part *by_amount = part_new("");
		oom = !by_word || !by_escape || !by_amount;
		if (!oom) {
			by_word->n_binds = 1;
			fts_word(w.text[i], strlen(w.text[i]), by_word->binds[0], SEARCH_BIND);
			if (n_codes < 0)
				n_codes = query_currencies(q, codes, 64);
			char terms[4096] = "";
			if (n_codes > 0 &&
			    amount_terms(codes, n_codes, milli, milli, false, terms, sizeof terms))
				snprintf(by_amount->sql, sizeof by_amount->sql,
				         "SELECT o.rowid AS id FROM orders o WHERE %s", terms);
		}
		struct search_part *made[3] = {by_word, by_escape, by_amount};
		for (int k = 0; k < 3; k++) {
			if (oom || !made[k]->sql[0]) {
				free(made[k]);
				continue;
			}
			clause_of[n_parts] = n_clauses;
			parts[n_parts++] = made[k];
		}
		n_clauses++;
	}
	if (n_plain && !oom && index) {
		struct search_part *by_escape = escapes_part(plain, n_plain);
		oom = !by_escape;
		clause_of[n_parts] = n_clauses;
		parts[n_parts++] = index;
		index = NULL;
		if (by_escape) {
			clause_of[n_parts] = n_clauses;
			parts[n_parts++] = by_escape;
		}
		n_clauses++;
	}
	free(index);
	int rc = oom || !n_clauses ? SQLITE_NOMEM : SQLITE_DONE;
	int before = sqlite3_total_changes(q->db);
	if (rc == SQLITE_DONE && n_clauses == 1) {
		/* One clause: each part straight into the table, which keeps one row per order. */
		for (int i = 0; i < n_parts && rc == SQLITE_DONE; i++) {
			char sql[4700];
			snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO temp.search_hits %s",
			         parts[i]->sql);
			rc = run_search_sql(q, sql, &parts[i], 1);
		}
	} else if (rc == SQLITE_DONE) {
		size_t size = (size_t)n_parts * sizeof parts[0]->sql + 256;
		char *sql = malloc(size);
		if (!sql) {
			rc = SQLITE_NOMEM;
		} else {
			size_t len = (size_t)snprintf(sql, size, "INSERT INTO temp.search_hits ");
			for (int i = 0; i < n_parts; i++) {
				bool first = i == 0 || clause_of[i] != clause_of[i - 1];
				bool last = i + 1 == n_parts || clause_of[i + 1] != clause_of[i];
				len += (size_t)snprintf(sql + len, size - len, "%s%s%s%s",
				                        first && i ? " INTERSECT " : "",
				                        first ? "SELECT id FROM (" : " UNION ",
				                        parts[i]->sql, last ? ")" : "");
			}
			rc = run_search_sql(q, sql, parts, n_parts);
			free(sql);
		}
	}
	for (int i = 0; i < n_parts; i++)
		free(parts[i]);
	if (rc != SQLITE_DONE) {
		query_set_error(q, "search");
		return -1;
	}
	q->hits = (long)(sqlite3_total_changes(q->db) - before);
	/* A page of 20 costs about 20 * orders / matches index steps when
	 * walking the sort's index, and a sort of every match otherwise: walk
	 * when matches^2 > 20 * orders (max(rowid) is close enough here). */
	int64_t orders = 0;
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(q->db, "SELECT max(rowid) FROM orders", -1, &stmt, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(stmt) == SQLITE_ROW)
			orders = sqlite3_column_int64(stmt, 0);
		sqlite3_finalize(stmt);
	}
	q->hits_walk = (int64_t)q->hits * q->hits > 20 * orders;
	snprintf(q->hits_for, sizeof q->hits_for, "%s", text);
	return q->hits;
}

/* Fills the WHERE part of an orders query from a filter. Returns false when the search or
 * the amount's currencies could not be read. */
static bool order_where(struct query *q, struct page_spec *p, const struct query_order_filter *f)
{
	if (f->status[0]) {
		query_add_where(p, "o.status = ?");
		query_add_text(p, f->status);
	}
	if (f->currency[0]) {
		query_add_where(p, f->settled ? SETTLED_CURRENCY " = ?" : "o.currency = ?");
		query_add_text(p, f->currency);
	}
	if (f->created_from) {
		query_add_where(p, "o.created >= ?");
		query_add_int(p, f->created_from);
	}
	if (f->created_to) {
		query_add_where(p, "o.created < ?");
		query_add_int(p, f->created_to);
	}
	if (f->amount_min_milli >= 0 || f->amount_max_milli >= 0) {
		char codes[64][8];
		int n = condition_currencies(q, f, codes, 64);
		if (n < 0)
			return false;
		char terms[4096] = "(";
		if (n == 0 || !amount_terms(codes, n, f->amount_min_milli, f->amount_max_milli,
		                            f->settled, terms + 1, sizeof terms - 2))
			snprintf(terms, sizeof terms, "(0");
		size_t len = strlen(terms);
		snprintf(terms + len, sizeof terms - len, ")");
		query_add_where(p, terms);
	}
	char search[sizeof f->search];
	size_t len = strlen(f->search);
	const char *s = f->search;
	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	snprintf(search, sizeof search, "%.*s", (int)len, s);
	p->searching = search[0] != '\0';
	if (p->searching) {
		long hits = search_hits(q, search);
		if (hits < 0)
			return false;
		/* Few matches: fetch them by rowid and sort them.  Many: walk the
		 * sort's index and keep the rows that match (the unary + keeps
		 * SQLite from driving the query by rowid). */
		query_add_where(p, q->hits_walk ? "+o.rowid IN (SELECT id FROM temp.search_hits)"
		                                : "o.rowid IN (SELECT id FROM temp.search_hits)");
	}
	return true;
}

/* A page of orders sorted by `sort` (then id), read by `read`, filtered by f. Returns false
 * as order_where does. */
static bool orders_spec(struct query *q, struct page_spec *p, const struct query_order_filter *f,
                        const char *sort, bool desc, void (*read)(sqlite3_stmt *, void *))
{
	*p = (struct page_spec){
	        .select = "SELECT " ORDER_COLUMNS " FROM orders o",
	        .sort = sort,
	        .tiebreak = "o.id",
	        .desc = desc,
	        .row_size = sizeof(struct query_order_row),
	        .read = read,
	};
	return order_where(q, p, f);
}

/* Which of two rows comes first in a sort by amount (then id), largest first when desc. */
static int amount_order(const struct query_order_row *a, const struct query_order_row *b, bool desc)
{
	int c = a->amount < b->amount ? -1 : a->amount > b->amount ? 1 : strcmp(a->id, b->id);
	return desc ? -c : c;
}

/* The settled side of one currency's orders by amount: those converted into it (by the
 * partial index of settled amounts) and those paid in it and not converted (by the amount
 * index), merged. Up to max rows after (or before) key, in display order, into out.
 * Returns the count or -1. */
static int settled_group_page(struct query *q, const struct query_order_filter *f, const char *code,
                              const char *key, bool after, int max, struct query_order_row *out)
{
	struct query_order_filter any = *f;
	any.currency[0] = '\0'; /* each part says its own currency */
	struct query_order_row *part[2] = {malloc((size_t)max * sizeof *out),
	                                   malloc((size_t)max * sizeof *out)};
	int n[2] = {0, 0};
	int r = 0;
	if (!part[0] || !part[1]) {
		snprintf(q->err, sizeof q->err, "%s", _("Out of memory."));
		r = -1;
	}
	static const char *const sorts[2] = {"o.settled_amount", "o.amount"};
	static const char *const wheres[2] = {"o.settled_currency = ?",
	                                      "o.currency = ? AND o.settled_currency IS NULL"};
	for (int k = 0; k < 2 && r == 0; k++) {
		struct page_spec p;
		if (!orders_spec(q, &p, &any, sorts[k], f->sort == QUERY_SORT_AMOUNT_DESC,
		                 read_order_settled)) {
			r = -1;
			break;
		}
		query_add_where(&p, wheres[k]);
		query_add_text(&p, code);
		n[k] = query_run_page(q, &p, key, after, max, part[k]);
		if (n[k] < 0)
			r = -1;
	}
	if (r == 0) {
		/* Both in display order: after the key the first max of the two merged, before it
		 * the last max. */
		bool desc = f->sort == QUERY_SORT_AMOUNT_DESC;
		int total = n[0] + n[1], skip = !after && total > max ? total - max : 0;
		int i = 0, j = 0;
		for (int m = 0; m < total && r < max; m++) {
			bool first =
			        j >= n[1] ||
			        (i < n[0] && amount_order(&part[0][i], &part[1][j], desc) <= 0);
			const struct query_order_row *row = first ? &part[0][i++] : &part[1][j++];
			if (m >= skip)
				out[r++] = *row;
		}
	}
	free(part[0]);
	free(part[1]);
	return r;
}

static bool sort_by_amount(int sort)
{
	return sort == QUERY_SORT_AMOUNT_DESC || sort == QUERY_SORT_AMOUNT_ASC;
}

/* One page of orders sorted by amount: the currencies in alphabetical order, each one's
 * orders by amount (largest or smallest first), so that amounts are only ever compared
 * within a currency. The key is "amount|currency|id"; a page that reaches the end of a
 * currency goes on with the next one. Returns the count or -1. */
static int orders_by_amount_page(struct query *q, const struct query_order_filter *f,
                                 const char *key, bool after, int max, struct query_order_row *out)
{
	char codes[64][8];
	int n = condition_currencies(q, f, codes, 64);
	if (n <= 0)
		return n;
	char key_currency[8] = "", group_key[QUERY_KEY] = "";
	int g = after ? 0 : n - 1;
	if (key) {
		/* "amount|currency|id" -> the currency, and "amount|id" within it. */
		const char *bar = strchr(key, '|');
		const char *bar2 = bar ? strchr(bar + 1, '|') : NULL;
		if (bar && bar2 && bar2 - bar - 1 < (long)sizeof key_currency) {
			snprintf(key_currency, sizeof key_currency, "%.*s", (int)(bar2 - bar - 1),
			         bar + 1);
			snprintf(group_key, sizeof group_key, "%.*s%s", (int)(bar - key + 1), key,
			         bar2 + 1);
		}
		int at = 0;
		while (at < n && strcmp(codes[at], key_currency) < 0)
			at++;
		bool found = at < n && strcmp(codes[at], key_currency) == 0;
		if (!found)
			group_key[0] = '\0';
		g = after ? at : (found ? at : at - 1);
	}
	struct query_order_row *scratch = after ? out : malloc((size_t)max * sizeof *scratch);
	if (!scratch) {
		snprintf(q->err, sizeof q->err, "%s", _("Out of memory."));
		return -1;
	}
	int got = 0;
	while (got < max && g >= 0 && g < n) {
		const char *k =
		        group_key[0] && strcmp(codes[g], key_currency) == 0 ? group_key : NULL;
		struct query_order_row *dest = after ? out + got : scratch;
		int rows;
		if (f->settled) {
			rows = settled_group_page(q, f, codes[g], k, after, max - got, dest);
		} else {
			struct page_spec p;
			if (!orders_spec(q, &p, f, "o.amount", f->sort == QUERY_SORT_AMOUNT_DESC,
			                 read_order)) {
				got = -1;
				break;
			}
			if (!f->currency[0]) {
				query_add_where(&p, "o.currency = ?");
				query_add_text(&p, codes[g]);
			}
			rows = query_run_page(q, &p, k, after, max - got, dest);
		}
		if (rows < 0) {
			got = -1;
			break;
		}
		if (!after)
			/* Going backwards, each currency's rows go before those found so far. */
			memcpy(out + (max - got - rows), scratch, (size_t)rows * sizeof *out);
		got += rows;
		g += after ? 1 : -1;
	}
	if (!after) {
		if (got > 0)
			memmove(out, out + (max - got), (size_t)got * sizeof *out);
		free(scratch);
	}
	return got;
}

int query_orders_page(struct query *q, const struct query_order_filter *f, const char *key,
                      bool after, int max, struct query_order_row *out)
{
	if (max <= 0)
		return 0;
	if (sort_by_amount(f->sort))
		return orders_by_amount_page(q, f, key, after, max, out);
	struct page_spec p;
	if (!orders_spec(q, &p, f, "o.created", f->sort == QUERY_SORT_DATE_DESC,
	                 f->settled ? read_order_settled : read_order))
		return -1;
	return query_run_page(q, &p, key, after, max, out);
}

long query_orders_count(struct query *q, const struct query_order_filter *f)
{
	struct page_spec p = {0};
	if (!order_where(q, &p, f))
		return -1;
	/* Only a search: its matches are already counted. */
	if (p.searching && p.n_binds == 0 && f->amount_min_milli < 0 && f->amount_max_milli < 0)
		return q->hits;
	return query_run_count(q, "SELECT count(*) FROM orders o", &p);
}

void query_order_key(const struct query_order_row *row, int sort, char *buf, size_t size)
{
	if (sort_by_amount(sort))
		snprintf(buf, size, "%lld|%s|%s", (long long)row->amount, row->currency, row->id);
	else
		snprintf(buf, size, "%lld|%s", (long long)row->created, row->id);
}

const char *query_key_id(const char *key)
{
	const char *bar = key ? strrchr(key, '|') : NULL;
	return bar ? bar + 1 : NULL;
}

sqlite3_stmt *query_prepare_id(struct query *q, const char *sql, const char *id)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(q->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		query_set_error(q, "prepare");
		return NULL;
	}
	if (sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
		query_set_error(q, "bind");
		sqlite3_finalize(stmt);
		return NULL;
	}
	return stmt;
}

/* Runs a one-row query by id into out; 1, 0 or -1. */
int query_get_one(struct query *q, const char *sql, const char *id,
                  void (*read)(sqlite3_stmt *, void *), void *out, size_t size)
{
	sqlite3_stmt *stmt = query_prepare_id(q, sql, id);
	if (!stmt)
		return -1;
	int rc = sqlite3_step(stmt);
	int found = 0;
	if (rc == SQLITE_ROW) {
		memset(out, 0, size);
		read(stmt, out);
		found = 1;
	} else if (rc != SQLITE_DONE) {
		query_set_error(q, "step");
		found = -1;
	}
	sqlite3_finalize(stmt);
	return found;
}

int query_order_get(struct query *q, const char *id, struct query_order_row *out)
{
	return query_get_one(q, "SELECT " ORDER_COLUMNS " FROM orders o WHERE o.id = ?", id,
	                     read_order, out, sizeof *out);
}

static int64_t col_or_unknown(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? MODEL_UNKNOWN
	                                                : sqlite3_column_int64(s, i);
}

static void read_order_bill(sqlite3_stmt *s, void *out)
{
	struct query_order_bill *b = out;
	query_col_text(s, 0, b->payer, sizeof b->payer);
	query_col_text(s, 1, b->channel, sizeof b->channel);
	b->settle_amount = col_or_unknown(s, 2);
	b->discount_amount = col_or_unknown(s, 3);
	b->fee_fine = col_or_unknown(s, 4);
	query_col_text(s, 5, b->fee_rate, sizeof b->fee_rate);
	query_col_text(s, 6, b->bill_day, sizeof b->bill_day);
}

int query_order_bill_get(struct query *q, const char *id, struct query_order_bill *out)
{
	return query_get_one(q,
	                     "SELECT payer, channel, settle_amount, discount_amount, fee_fine,"
	                     " fee_rate, bill_day FROM orders WHERE id = ?",
	                     id, read_order_bill, out, sizeof *out);
}

int query_order_find(struct query *q, const char *text, char (*ids)[QUERY_ID], int max)
{
	_Static_assert(QUERY_ID == 72, "ids are shared with actions_order_find");
	int n = actions_order_find(q->db, text, ids, max);
	if (n < 0)
		query_set_error(q, "order");
	return n;
}

/* ---- Refunds ---- */

#define REFUND_COLUMNS                                                                             \
	"r.id, r.created, r.order_id, r.amount, r.currency, r.status, r.reason, "                  \
	"r.balance_transaction, r.failure_reason, "                                                \
	"(SELECT customer_name FROM orders WHERE id = r.order_id), "                               \
	"(SELECT order_ref FROM orders WHERE id = r.order_id)"

static void read_refund(sqlite3_stmt *s, void *out)
{
	struct query_refund_row *r = out;
	query_col_text(s, 0, r->id, sizeof r->id);
	r->created = (time_t)sqlite3_column_int64(s, 1);
	query_col_text(s, 2, r->order_id, sizeof r->order_id);
	r->amount = sqlite3_column_int64(s, 3);
	query_col_text(s, 4, r->currency, sizeof r->currency);
	query_col_text(s, 5, r->status, sizeof r->status);
	query_col_text(s, 6, r->reason, sizeof r->reason);
	query_col_text(s, 7, r->balance_transaction, sizeof r->balance_transaction);
	query_col_text(s, 8, r->failure_reason, sizeof r->failure_reason);
	query_col_text(s, 9, r->customer_name, sizeof r->customer_name);
	query_col_text(s, 10, r->order_ref, sizeof r->order_ref);
}

static void refund_spec(struct page_spec *p, const char *order_id)
{
	p->select = "SELECT " REFUND_COLUMNS " FROM refunds r";
	p->sort = "r.created";
	p->tiebreak = "r.id";
	p->desc = true;
	p->row_size = sizeof(struct query_refund_row);
	p->read = read_refund;
	if (order_id && *order_id) {
		query_add_where(p, "r.order_id = ?");
		query_add_text(p, order_id);
	}
}

int query_refunds_page(struct query *q, const char *order_id, const char *key, bool after, int max,
                       struct query_refund_row *out)
{
	struct page_spec p = {0};
	refund_spec(&p, order_id);
	return query_run_page(q, &p, key, after, max, out);
}

long query_refunds_count(struct query *q, const char *order_id)
{
	struct page_spec p = {0};
	refund_spec(&p, order_id);
	return query_run_count(q, "SELECT count(*) FROM refunds r", &p);
}

void query_refund_key(const struct query_refund_row *row, char *buf, size_t size)
{
	snprintf(buf, size, "%lld|%s", (long long)row->created, row->id);
}

int query_refund_get(struct query *q, const char *id, struct query_refund_row *out)
{
	return query_get_one(q, "SELECT " REFUND_COLUMNS " FROM refunds r WHERE r.id = ?", id,
	                     read_refund, out, sizeof *out);
}

/* ---- Disputes ---- */

#define DISPUTE_COLUMNS                                                                            \
	"d.id, d.created, d.order_id, d.amount, d.currency, d.status, d.reason, d.due_by, "        \
	"d.has_evidence, d.past_due, d.submission_count, d.is_charge_refundable, "                 \
	"(SELECT customer_name FROM orders WHERE id = d.order_id), "                               \
	"(SELECT order_ref FROM orders WHERE id = d.order_id)"

static void read_dispute(sqlite3_stmt *s, void *out)
{
	struct query_dispute_row *r = out;
	query_col_text(s, 0, r->id, sizeof r->id);
	r->created = (time_t)sqlite3_column_int64(s, 1);
	query_col_text(s, 2, r->order_id, sizeof r->order_id);
	r->amount = sqlite3_column_int64(s, 3);
	query_col_text(s, 4, r->currency, sizeof r->currency);
	query_col_text(s, 5, r->status, sizeof r->status);
	query_col_text(s, 6, r->reason, sizeof r->reason);
	r->due_by = (time_t)sqlite3_column_int64(s, 7);
	r->has_evidence = sqlite3_column_int(s, 8) != 0;
	r->past_due = sqlite3_column_int(s, 9) != 0;
	r->submission_count = sqlite3_column_int(s, 10);
	r->is_charge_refundable = sqlite3_column_int(s, 11) != 0;
	query_col_text(s, 12, r->customer_name, sizeof r->customer_name);
	query_col_text(s, 13, r->order_ref, sizeof r->order_ref);
}

static void dispute_spec(struct page_spec *p, const struct query_dispute_filter *f)
{
	p->select = "SELECT " DISPUTE_COLUMNS " FROM disputes d";
	/* What needs work first: the index disputes_by_queue holds this very expression. */
	p->sort = CACHE_DISPUTE_QUEUE_SQL;
	p->tiebreak = "d.id";
	p->desc = false;
	p->row_size = sizeof(struct query_dispute_row);
	p->read = read_dispute;
	if (f && f->status[0]) {
		query_add_where(p, "d.status = ?");
		query_add_text(p, f->status);
	}
	if (f && f->reason[0]) {
		query_add_where(p, "d.reason = ?");
		query_add_text(p, f->reason);
	}
}

int query_disputes_page(struct query *q, const struct query_dispute_filter *f, const char *key,
                        bool after, int max, struct query_dispute_row *out)
{
	struct page_spec p = {0};
	dispute_spec(&p, f);
	return query_run_page(q, &p, key, after, max, out);
}

long query_disputes_count(struct query *q, const struct query_dispute_filter *f)
{
	struct page_spec p = {0};
	dispute_spec(&p, f);
	return query_run_count(q, "SELECT count(*) FROM disputes d", &p);
}

/* A dispute's place in the queue, as CACHE_DISPUTE_QUEUE_SQL computes it. */
static int64_t dispute_queue_value(const struct query_dispute_row *row)
{
	const char *s = row->status;
	int64_t rank = !strcmp(s, "needs_response") || !strcmp(s, "warning_needs_response") ? 0
	               : !strcmp(s, "under_review") || !strcmp(s, "warning_under_review")   ? 1
	                                                                                    : 2;
	return rank * 1099511627776LL + (row->due_by ? (int64_t)row->due_by : 1099511627775LL);
}

void query_dispute_key(const struct query_dispute_row *row, char *buf, size_t size)
{
	snprintf(buf, size, "%lld|%s", (long long)dispute_queue_value(row), row->id);
}

int query_dispute_get(struct query *q, const char *id, struct query_dispute_row *out)
{
	return query_get_one(q, "SELECT " DISPUTE_COLUMNS " FROM disputes d WHERE d.id = ?", id,
	                     read_dispute, out, sizeof *out);
}

/* ---- Details ---- */

int query_each_order_refund(struct query *q, const char *order_id,
                            int (*fn)(void *ctx, const struct query_refund_row *row), void *ctx)
{
	sqlite3_stmt *stmt =
	        query_prepare_id(q,
	                         "SELECT " REFUND_COLUMNS " FROM refunds r WHERE r.order_id = ? "
	                         "ORDER BY r.created, r.id",
	                         order_id);
	if (!stmt)
		return -1;
	int n = 0;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		struct query_refund_row row;
		memset(&row, 0, sizeof row);
		read_refund(stmt, &row);
		n++;
		if (fn(ctx, &row))
			break;
	}
	sqlite3_finalize(stmt);
	return n;
}

int query_each_order_dispute(struct query *q, const char *order_id,
                             int (*fn)(void *ctx, const struct query_dispute_row *row), void *ctx)
{
	sqlite3_stmt *stmt =
	        query_prepare_id(q,
	                         "SELECT " DISPUTE_COLUMNS " FROM disputes d WHERE d.order_id = ? "
	                         "ORDER BY d.created, d.id",
	                         order_id);
	if (!stmt)
		return -1;
	int n = 0;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		struct query_dispute_row row;
		memset(&row, 0, sizeof row);
		read_dispute(stmt, &row);
		n++;
		if (fn(ctx, &row))
			break;
	}
	sqlite3_finalize(stmt);
	return n;
}

int query_each_event(struct query *q, const char *object_id,
                     int (*fn)(void *ctx, const struct query_event_row *row), void *ctx)
{
	const char *sql = "SELECT id, created, type FROM events WHERE object_id = ?1"
	                  " OR object_id IN (SELECT id FROM refunds WHERE order_id = ?1)"
	                  " OR object_id IN (SELECT id FROM disputes WHERE order_id = ?1)"
	                  " ORDER BY created, id LIMIT 200";
	sqlite3_stmt *stmt = query_prepare_id(q, sql, object_id);
	if (!stmt)
		return -1;
	int n = 0;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		struct query_event_row row;
		memset(&row, 0, sizeof row);
		query_col_text(stmt, 0, row.id, sizeof row.id);
		row.created = (time_t)sqlite3_column_int64(stmt, 1);
		query_col_text(stmt, 2, row.type, sizeof row.type);
		n++;
		if (fn(ctx, &row))
			break;
	}
	sqlite3_finalize(stmt);
	return n;
}

/* The text of a one-column one-row query by id, newly allocated. */
static char *text_by_id(struct query *q, const char *sql, const char *id)
{
	sqlite3_stmt *stmt = query_prepare_id(q, sql, id);
	if (!stmt)
		return NULL;
	char *text = NULL;
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL) {
		const char *s = (const char *)sqlite3_column_text(stmt, 0);
		text = s ? strdup(s) : NULL;
	}
	sqlite3_finalize(stmt);
	return text;
}

char *query_raw_json(struct query *q, const char *id)
{
	return text_by_id(q,
	                  "SELECT raw FROM orders WHERE id = ?1 UNION ALL"
	                  " SELECT raw FROM refunds WHERE id = ?1 UNION ALL"
	                  " SELECT raw FROM disputes WHERE id = ?1 UNION ALL"
	                  " SELECT raw FROM payouts WHERE id = ?1",
	                  id);
}

char *query_order_metadata(struct query *q, const char *id)
{
	return text_by_id(q, "SELECT metadata FROM orders WHERE id = ?", id);
}

char *query_dispute_evidence(struct query *q, const char *id)
{
	return text_by_id(q, "SELECT evidence FROM disputes WHERE id = ?", id);
}

time_t query_last_sync(struct query *q)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(q->db, "SELECT max(last_success) FROM sync_state", -1, &stmt,
	                       NULL) != SQLITE_OK) {
		query_set_error(q, "prepare");
		return -1;
	}
	time_t t = 0;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		t = (time_t)sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return t;
}

int query_currencies(struct query *q, char (*out)[8], int max)
{
	return query_order_currencies(q, false, out, max);
}

/* The currencies of `sql` (a skip-scan: "SELECT min(c) ... WHERE c > ?"), A to Z. */
static int skip_scan(struct query *q, const char *sql, char (*out)[8], int max)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(q->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		query_set_error(q, "prepare");
		return -1;
	}
	int n = 0;
	char last[8] = "";
	while (n < max) {
		sqlite3_reset(stmt);
		if (sqlite3_bind_text(stmt, 1, last, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
			query_set_error(q, "bind");
			sqlite3_finalize(stmt);
			return -1;
		}
		if (sqlite3_step(stmt) != SQLITE_ROW || sqlite3_column_type(stmt, 0) == SQLITE_NULL)
			break;
		query_col_text(stmt, 0, out[n], sizeof out[n]);
		snprintf(last, sizeof last, "%s", out[n]);
		n++;
	}
	sqlite3_finalize(stmt);
	return n;
}

int query_order_currencies(struct query *q, bool settled, char (*out)[8], int max)
{
	/* One seek per currency in the currency index. */
	int n = skip_scan(q, "SELECT min(currency) FROM orders WHERE currency > ?", out, max);
	if (!settled || n < 0)
		return n;
	/* As settled: the currencies paid in that some order settled in unconverted, and those
	 * orders were converted into (the partial index of settled amounts), A to Z. */
	char conv[32][8];
	int m = skip_scan(q, "SELECT min(settled_currency) FROM orders WHERE settled_currency > ?",
	                  conv, 32);
	if (m < 0)
		return -1;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
	            q->db,
	            "SELECT 1 FROM orders WHERE currency = ? AND settled_currency IS NULL"
	            " LIMIT 1",
	            -1, &st, NULL) != SQLITE_OK) {
		query_set_error(q, "prepare");
		return -1;
	}
	char own[64][8];
	int k = 0;
	for (int i = 0; i < n && k < 64; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, out[i], -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) == SQLITE_ROW)
			memcpy(own[k++], out[i], sizeof own[0]);
	}
	sqlite3_finalize(st);
	int r = 0, i = 0, j = 0;
	while (r < max && (i < k || j < m)) {
		int c = i >= k ? 1 : j >= m ? -1 : strcmp(own[i], conv[j]);
		memcpy(out[r++], c <= 0 ? own[i] : conv[j], sizeof out[0]);
		i += c <= 0;
		j += c >= 0;
	}
	return r;
}
