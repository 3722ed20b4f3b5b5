/* The screens' queries of complaints (the disputes of WeChat Pay and Alipay): the queue
 * with what needs an answer first, oldest first, then what is being handled, then what is
 * closed, newest first; one complaint with its words; its history. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "client/query_private.h"

#define COMPLAINT_COLUMNS                                                                          \
	"d.id, d.created, d.order_id, d.order_ref, d.amount, d.currency, d.status, d.reason, "     \
	"d.detail, d.contact, COALESCE(d.refund_requested, 0), "                                   \
	"(SELECT count(*) FROM dispute_history h WHERE h.dispute_id = d.id)"

/* The queue's order, as one integer: open ones by age, then the ones being handled, then
 * the closed ones newest first. */
#define COMPLAINT_SORT                                                                             \
	"(CASE d.status WHEN 'awaiting_reply' THEN d.created"                                      \
	" WHEN 'in_progress' THEN 100000000000 + d.created"                                        \
	" ELSE 300000000000 - d.created END)"

static void read_complaint(sqlite3_stmt *s, void *out)
{
	struct query_complaint_row *r = out;
	query_col_text(s, 0, r->id, sizeof r->id);
	r->created = (time_t)sqlite3_column_int64(s, 1);
	query_col_text(s, 2, r->order_id, sizeof r->order_id);
	query_col_text(s, 3, r->order_ref, sizeof r->order_ref);
	r->amount = sqlite3_column_int64(s, 4);
	query_col_text(s, 5, r->currency, sizeof r->currency);
	query_col_text(s, 6, r->status, sizeof r->status);
	query_col_text(s, 7, r->reason, sizeof r->reason);
	query_col_text(s, 8, r->detail, sizeof r->detail);
	query_col_text(s, 9, r->contact, sizeof r->contact);
	r->refund_requested = sqlite3_column_int64(s, 10);
	r->history = sqlite3_column_int(s, 11);
	r->sort = (int64_t)r->created;
	if (!strcmp(r->status, "in_progress"))
		r->sort += 100000000000LL;
	else if (strcmp(r->status, "awaiting_reply") != 0)
		r->sort = 300000000000LL - (int64_t)r->created;
}

static void complaint_spec(struct page_spec *p, const struct query_complaint_filter *f)
{
	p->select = "SELECT " COMPLAINT_COLUMNS " FROM disputes d";
	p->sort = COMPLAINT_SORT;
	p->tiebreak = "d.id";
	p->desc = false;
	p->row_size = sizeof(struct query_complaint_row);
	p->read = read_complaint;
	if (f && f->status[0]) {
		query_add_where(p, "d.status = ?");
		query_add_text(p, f->status);
	}
	if (f && f->reason[0]) {
		query_add_where(p, "d.reason = ?");
		query_add_text(p, f->reason);
	}
}

int query_complaints_page(struct query *q, const struct query_complaint_filter *f, const char *key,
                          bool after, int max, struct query_complaint_row *out)
{
	struct page_spec p = {0};
	complaint_spec(&p, f);
	return query_run_page(q, &p, key, after, max, out);
}

long query_complaints_count(struct query *q, const struct query_complaint_filter *f)
{
	struct page_spec p = {0};
	complaint_spec(&p, f);
	return query_run_count(q, "SELECT count(*) FROM disputes d", &p);
}

void query_complaint_key(const struct query_complaint_row *row, char *buf, size_t size)
{
	snprintf(buf, size, "%lld|%s", (long long)row->sort, row->id);
}

int query_complaint_get(struct query *q, const char *id, struct query_complaint_row *out)
{
	return query_get_one(q, "SELECT " COMPLAINT_COLUMNS " FROM disputes d WHERE d.id = ?", id,
	                     read_complaint, out, sizeof *out);
}

int query_each_complaint_entry(struct query *q, const char *id,
                               int (*fn)(void *ctx, const struct query_history_row *row), void *ctx)
{
	sqlite3_stmt *stmt = query_prepare_id(q,
	                                      "SELECT time, actor, kind, text, images FROM"
	                                      " dispute_history WHERE dispute_id = ?"
	                                      " ORDER BY time, entry_id",
	                                      id);
	if (!stmt)
		return -1;
	int n = 0;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		struct query_history_row row;
		memset(&row, 0, sizeof row);
		row.time = (time_t)sqlite3_column_int64(stmt, 0);
		query_col_text(stmt, 1, row.actor, sizeof row.actor);
		query_col_text(stmt, 2, row.kind, sizeof row.kind);
		query_col_text(stmt, 3, row.text, sizeof row.text);
		query_col_text(stmt, 4, row.images, sizeof row.images);
		n++;
		if (fn(ctx, &row))
			break;
	}
	sqlite3_finalize(stmt);
	return n;
}

int query_bills_through(struct query *q, char *day, size_t size)
{
	sqlite3_stmt *stmt;
	day[0] = '\0';
	if (sqlite3_prepare_v2(q->db, "SELECT max(day) FROM bill_days WHERE bill = '*'", -1, &stmt,
	                       NULL) != SQLITE_OK) {
		query_set_error(q, "bill_days");
		return -1;
	}
	int rc = 0;
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0)) {
		query_col_text(stmt, 0, day, size);
		rc = 1;
	}
	sqlite3_finalize(stmt);
	return rc;
}
