/* Read-only screen queries over the cache, paged by keyset (see query.h). */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/actions.h"
#include "client/i18n.h"
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
	p->binds[p->n_binds].is_text = true;
	p->binds[p->n_binds++].s = s;
}

void query_add_int(struct page_spec *p, int64_t v)
{
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
	char sql[2048];
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
	char sql[1024];
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
	"o.card_last4, o.risk_level, o.payment_intent, o.balance_transaction, o.failure_message"

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
}

void query_order_filter_init(struct query_order_filter *f)
{
	memset(f, 0, sizeof *f);
	f->amount_min = -1;
	f->amount_max = -1;
	f->sort = QUERY_SORT_DATE_DESC;
}

/* Turns what a person typed into a safe FTS5 query: every word quoted
 * (so FTS syntax in the input is just text) and matched as a prefix. */
static void fts_query(const char *text, char *out, size_t size)
{
	size_t o = 0;
	const char *s = text;
	out[0] = '\0';
	while (*s) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (o + 4 >= size)
			break;
		if (o)
			out[o++] = ' ';
		out[o++] = '"';
		while (*s && *s != ' ' && *s != '\t' && o + 4 < size) {
			if (*s == '"')
				out[o++] = '"';
			out[o++] = *s++;
		}
		out[o++] = '"';
		out[o++] = '*';
		out[o] = '\0';
	}
}

/* Fills temp.search_hits with the orders matching an FTS query, unless it
 * already holds them.  Returns the number of matches or -1. */
static long search_hits(struct query *q, const char *fts)
{
	if (q->hits_for[0] && !strcmp(q->hits_for, fts))
		return q->hits;
	q->hits_for[0] = '\0';
	if (sqlite3_exec(q->db, "DELETE FROM temp.search_hits", NULL, NULL, NULL) != SQLITE_OK) {
		query_set_error(q, "search");
		return -1;
	}
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(q->db,
	                       "INSERT INTO temp.search_hits SELECT rowid FROM orders_fts"
	                       " WHERE orders_fts MATCH ?",
	                       -1, &stmt, NULL) != SQLITE_OK) {
		query_set_error(q, "search");
		return -1;
	}
	if (sqlite3_bind_text(stmt, 1, fts, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
		query_set_error(q, "bind");
		sqlite3_finalize(stmt);
		return -1;
	}
	int rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		query_set_error(q, "search");
		return -1;
	}
	q->hits = (long)sqlite3_changes(q->db);
	/* A page of 20 costs about 20 * orders / matches index steps when
	 * walking the sort's index, and a sort of every match otherwise: walk
	 * when matches^2 > 20 * orders (max(rowid) is close enough here). */
	int64_t orders = 0;
	if (sqlite3_prepare_v2(q->db, "SELECT max(rowid) FROM orders", -1, &stmt, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(stmt) == SQLITE_ROW)
			orders = sqlite3_column_int64(stmt, 0);
		sqlite3_finalize(stmt);
	}
	q->hits_walk = (int64_t)q->hits * q->hits > 20 * orders;
	snprintf(q->hits_for, sizeof q->hits_for, "%s", fts);
	return q->hits;
}

/* Fills the WHERE part of an orders query from a filter; fts holds the
 * FTS query text.  Returns false when the search could not run. */
static bool order_where(struct query *q, struct page_spec *p, const struct query_order_filter *f,
                        char *fts, size_t fts_size)
{
	if (f->status[0]) {
		query_add_where(p, "o.status = ?");
		query_add_text(p, f->status);
	}
	if (f->currency[0]) {
		query_add_where(p, "o.currency = ?");
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
	if (f->amount_min >= 0) {
		query_add_where(p, "o.amount >= ?");
		query_add_int(p, f->amount_min);
	}
	if (f->amount_max >= 0) {
		query_add_where(p, "o.amount <= ?");
		query_add_int(p, f->amount_max);
	}
	fts_query(f->search, fts, fts_size);
	if (fts[0]) {
		long hits = search_hits(q, fts);
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

int query_orders_page(struct query *q, const struct query_order_filter *f, const char *key,
                      bool after, int max, struct query_order_row *out)
{
	struct page_spec p = {
	        .select = "SELECT " ORDER_COLUMNS " FROM orders o",
	        .tiebreak = "o.id",
	        .row_size = sizeof *out,
	        .read = read_order,
	};
	bool by_amount = f->sort == QUERY_SORT_AMOUNT_DESC || f->sort == QUERY_SORT_AMOUNT_ASC;
	p.sort = by_amount ? "o.amount" : "o.created";
	p.desc = f->sort == QUERY_SORT_DATE_DESC || f->sort == QUERY_SORT_AMOUNT_DESC;
	char fts[300];
	if (!order_where(q, &p, f, fts, sizeof fts))
		return -1;
	return query_run_page(q, &p, key, after, max, out);
}

long query_orders_count(struct query *q, const struct query_order_filter *f)
{
	struct page_spec p = {0};
	char fts[300];
	if (!order_where(q, &p, f, fts, sizeof fts))
		return -1;
	/* Only a search: its matches are already counted. */
	if (fts[0] && p.n_binds == 0)
		return q->hits;
	return query_run_count(q, "SELECT count(*) FROM orders o", &p);
}

void query_order_key(const struct query_order_row *row, int sort, char *buf, size_t size)
{
	bool by_amount = sort == QUERY_SORT_AMOUNT_DESC || sort == QUERY_SORT_AMOUNT_ASC;
	snprintf(buf, size, "%lld|%s", (long long)(by_amount ? row->amount : (int64_t)row->created),
	         row->id);
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

#define DISPUTE_DUE "COALESCE(d.due_by, 9223372036854775807)"
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
	p->sort = DISPUTE_DUE;
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

void query_dispute_key(const struct query_dispute_row *row, char *buf, size_t size)
{
	snprintf(buf, size, "%lld|%s", row->due_by ? (long long)row->due_by : 9223372036854775807LL,
	         row->id);
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
	/* A skip-scan over the currency index: one seek per currency. */
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(q->db, "SELECT min(currency) FROM orders WHERE currency > ?", -1,
	                       &stmt, NULL) != SQLITE_OK) {
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
