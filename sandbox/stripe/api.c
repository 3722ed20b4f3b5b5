/* The /v1 endpoints: routing, list pagination and filters, retrieval, and the POSTs that
 * hand over to mutate.c. Called with the sandbox lock held, or for a read (a GET) on the
 * thread's own read-only connection without it (serve.c, sbx_reader_begin). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/stripe/stripe.h"

typedef void (*render_fn)(struct sbx *, sqlite3_stmt *, struct sbx_buf *);

struct list_def {
	const char *table;
	const char *cols;
	render_fn render;
	const char *url;
	const char *noun;
	const char *id_prefix; /* ids in cursors must start with it */
};

static const struct list_def lists[] = {
        {"charges", SBX_CHARGE_COLS, sbx_render_charge, "/v1/charges", "charge", "ch_"},
        {"charges", SBX_CHARGE_COLS, sbx_render_payment_intent, "/v1/payment_intents",
         "payment_intent", "pi_"},
        {"refunds", SBX_REFUND_COLS, sbx_render_refund, "/v1/refunds", "refund", "re_"},
        {"disputes", SBX_DISPUTE_COLS, sbx_render_dispute, "/v1/disputes", "dispute", "dp_"},
        {"payouts", SBX_PAYOUT_COLS, sbx_render_payout, "/v1/payouts", "payout", "po_"},
        {"balance_transactions", SBX_BT_COLS, sbx_render_bt, "/v1/balance_transactions",
         "balance_transaction", "txn_"},
        {"events", SBX_EVENT_COLS, sbx_render_event, "/v1/events", "event", "evt_"},
        {"files", SBX_FILE_COLS, sbx_render_file, "/v1/files", "file", "file_"},
};

enum { L_CHARGES, L_PIS, L_REFUNDS, L_DISPUTES, L_PAYOUTS, L_BTS, L_EVENTS, L_FILES };

/* A WHERE condition with at most one bound value. */
struct cond {
	char sql[96];
	int kind; /* 0 none, 1 int, 2 text */
	int64_t i;
	const char *s;
};

#define MAX_CONDS 24

/* A range of an integer column, inclusive at both ends (empty: no value is in it). */
struct window {
	int64_t lo, hi;
	int has_lo, has_hi, empty;
};

struct conds {
	struct cond v[MAX_CONDS];
	int n;
	/* The created window, kept apart from the other conditions: serve_list narrows it to
	 * the cursor, so that the query has one lower and one upper bound on created and its
	 * index seeks straight to the page (with the window and the cursor as two upper
	 * bounds, SQLite seeks with the window's and walks from its top down to the cursor: a
	 * page cost more the deeper it was). */
	struct window created;
};

/* Narrows the window to values >= lo, or to values <= hi. */
static void window_lo(struct window *w, int64_t lo)
{
	if (!w->has_lo || lo > w->lo)
		w->lo = lo;
	w->has_lo = 1;
}

static void window_hi(struct window *w, int64_t hi)
{
	if (!w->has_hi || hi < w->hi)
		w->hi = hi;
	w->has_hi = 1;
}

static void add_cond(struct conds *c, const char *sql, int kind, int64_t i, const char *s)
{
	if (c->n >= MAX_CONDS)
		return;
	snprintf(c->v[c->n].sql, sizeof(c->v[c->n].sql), "%s", sql);
	c->v[c->n].kind = kind;
	c->v[c->n].i = i;
	c->v[c->n].s = s;
	c->n++;
}

static int parse_int(const char *v, int64_t *out)
{
	char *end;
	long long n;

	if (v == NULL || *v == '\0')
		return 0;
	n = strtoll(v, &end, 10);
	if (*end != '\0')
		return 0;
	*out = n;
	return 1;
}

/* Reads the filters on an integer time column, field=, field[gt|gte|lt|lte]=, into the
 * window w. Returns 0, or -1 after filling an error reply. */
static int range_filters(struct sbx_params *q, const char *field, struct window *w,
                         struct sbx_result *r)
{
	static const char *const suffix[] = {"", "[gt]", "[gte]", "[lt]", "[lte]"};
	int k;

	for (k = 0; k < 5; k++) {
		char name[64];
		const char *v;
		int64_t t;

		snprintf(name, sizeof(name), "%s%s", field, suffix[k]);
		v = sbx_params_get(q, name);
		if (v == NULL)
			continue;
		if (!parse_int(v, &t)) {
			sbx_result_error(r, 400, "invalid_request_error",
			                 "parameter_invalid_integer", name, "Invalid integer: %s",
			                 v);
			return -1;
		}
		if (k == 0 || k == 2)
			window_lo(w, t);
		if (k == 0 || k == 4)
			window_hi(w, t);
		if (k == 1 && t == INT64_MAX)
			w->empty = 1;
		else if (k == 1)
			window_lo(w, t + 1);
		if (k == 3 && t == INT64_MIN)
			w->empty = 1;
		else if (k == 3)
			window_hi(w, t - 1);
	}
	return 0;
}

/* Adds the window's bounds on column to the conditions. */
static void window_conds(struct conds *c, const char *column, const struct window *w)
{
	char sql[96];

	if (w->empty)
		add_cond(c, "0", 0, 0, NULL);
	if (w->has_lo) {
		snprintf(sql, sizeof(sql), "%s >= ?", column);
		add_cond(c, sql, 1, w->lo, NULL);
	}
	if (w->has_hi) {
		snprintf(sql, sizeof(sql), "%s <= ?", column);
		add_cond(c, sql, 1, w->hi, NULL);
	}
}

/* Marks the expand[] parameters used; returns whether one of them is `path`. */
static int mark_expand(struct sbx_params *q, const char *path)
{
	size_t i;
	int asked = 0;

	for (i = 0; q && i < q->n; i++)
		if (strncmp(q->v[i].name, "expand[", 7) == 0) {
			q->v[i].used = 1;
			asked |= path && q->v[i].value && strcmp(q->v[i].value, path) == 0;
		}
	return asked;
}

static void bind_conds(sqlite3_stmt *st, const struct conds *c, int *idx)
{
	int k;

	for (k = 0; k < c->n; k++) {
		if (c->v[k].kind == 1)
			sqlite3_bind_int64(st, (*idx)++, c->v[k].i);
		else if (c->v[k].kind == 2)
			sqlite3_bind_text(st, (*idx)++, c->v[k].s, -1, SQLITE_STATIC);
	}
}

/* Serves one page of a list. Extra conditions (filters) come in `c`. */
static void serve_list(struct sbx *s, const struct list_def *d, struct sbx_params *q,
                       struct conds *c, struct sbx_result *r)
{
	const char *limit_s = sbx_params_get(q, "limit");
	const char *after = sbx_params_get(q, "starting_after");
	const char *before = sbx_params_get(q, "ending_before");
	const char *cursor = after ? after : before;
	const struct sbx_param *unknown;
	int64_t limit = 10;
	int64_t cur_created = 0, cur_rowid = 0;
	struct sbx_buf sql;
	sqlite3_stmt *st = NULL;
	struct sbx_buf *rows = NULL;
	int n = 0, k, idx = 1, more = 0;

	if (range_filters(q, "created", &c->created, r) != 0)
		return;
	/* The one expansion the sandbox implements: a charge's payment intent. */
	sbx_expand_payment_intent = mark_expand(q, "data.payment_intent") && d == &lists[L_CHARGES];
	unknown = sbx_params_unused(q);
	if (unknown) {
		sbx_result_error(r, 400, "invalid_request_error", "parameter_unknown",
		                 unknown->name, "Received unknown parameter: %s", unknown->name);
		return;
	}
	if (limit_s && (!parse_int(limit_s, &limit) || limit < 1 || limit > 100)) {
		sbx_result_error(
		        r, 400, "invalid_request_error", "parameter_invalid_integer", "limit",
		        "Invalid limit: must be an integer between 1 and 100 (got %s).", limit_s);
		return;
	}
	if (after && before) {
		sbx_result_error(r, 400, "invalid_request_error", "parameter_invalid_string",
		                 "ending_before",
		                 "You may only specify one of these parameters: ending_before, "
		                 "starting_after.");
		return;
	}
	if (cursor) {
		char sqlc[160];
		char chid[64];
		const char *key = cursor;

		if (d == &lists[L_PIS]) {
			sbx_charge_for_pi(cursor, chid, sizeof(chid));
			key = chid;
		}
		snprintf(sqlc, sizeof(sqlc), "SELECT created, rowid FROM %s WHERE id = ?",
		         d->table);
		st = sbx_prepare(s, sqlc);
		if (st == NULL)
			goto internal;
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		if (strncmp(cursor, d->id_prefix, strlen(d->id_prefix)) != 0 ||
		    sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_finalize(st);
			sbx_result_error(r, 400, "invalid_request_error", "resource_missing",
			                 after ? "starting_after" : "ending_before",
			                 "No such %s: '%s'", d->noun, cursor);
			return;
		}
		cur_created = sqlite3_column_int64(st, 0);
		cur_rowid = sqlite3_column_int64(st, 1);
		sqlite3_finalize(st);
		st = NULL;
		/* The rows past the cursor are in the window up to its created. */
		if (after)
			window_hi(&c->created, cur_created);
		else
			window_lo(&c->created, cur_created);
	}
	window_conds(c, "created", &c->created);
	sbx_buf_init(&sql);
	sbx_buf_printf(&sql, "SELECT %s FROM %s WHERE 1", d->cols, d->table);
	for (k = 0; k < c->n; k++)
		sbx_buf_printf(&sql, " AND %s", c->v[k].sql);
	if (after)
		sbx_buf_puts(&sql, " AND (created, rowid) < (?, ?)");
	else if (before)
		sbx_buf_puts(&sql, " AND (created, rowid) > (?, ?)");
	if (before)
		sbx_buf_puts(&sql, " ORDER BY created ASC, rowid ASC LIMIT ?");
	else
		sbx_buf_puts(&sql, " ORDER BY created DESC, rowid DESC LIMIT ?");
	if (sql.failed) {
		sbx_buf_free(&sql);
		goto internal;
	}
	st = sbx_prepare(s, sql.data);
	sbx_buf_free(&sql);
	if (st == NULL)
		goto internal;
	bind_conds(st, c, &idx);
	if (cursor) {
		sqlite3_bind_int64(st, idx++, cur_created);
		sqlite3_bind_int64(st, idx++, cur_rowid);
	}
	sqlite3_bind_int64(st, idx++, limit + 1);
	sbx_buf_free(&r->body);
	/* A page of charges is ~2.5 KB per object: reserve once instead of doubling. */
	sbx_buf_reserve(&r->body, (size_t)(limit + 1) * 3072);
	sbx_buf_puts(&r->body, "{\"object\":\"list\",\"data\":[");
	if (before) {
		rows = calloc((size_t)limit, sizeof(*rows));
		if (rows == NULL)
			goto internal;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == limit) {
			more = 1;
			break;
		}
		if (before) {
			d->render(s, st, &rows[n]);
		} else {
			if (n)
				sbx_buf_puts(&r->body, ",");
			d->render(s, st, &r->body);
		}
		n++;
	}
	for (k = n - 1; before && k >= 0; k--) {
		if (k != n - 1)
			sbx_buf_puts(&r->body, ",");
		sbx_buf_put(&r->body, rows[k].data ? rows[k].data : "", rows[k].len);
		sbx_buf_free(&rows[k]);
	}
	free(rows);
	sqlite3_finalize(st);
	sbx_buf_printf(&r->body, "],\"has_more\":%s,\"url\":\"%s\"}", more ? "true" : "false",
	               d->url);
	if (r->body.failed)
		goto internal;
	r->status = 200;
	return;
internal:
	sqlite3_finalize(st);
	sbx_result_error(r, 500, "api_error", NULL, NULL, "The sandbox could not list %ss.",
	                 d->noun);
	r->should_retry = 1;
}

/* Adds `column = value` for a filter parameter that is present. */
static void eq_filter(struct sbx_params *q, const char *param, const char *column, struct conds *c)
{
	const char *v = sbx_params_get(q, param);
	char sql[96];

	if (v == NULL)
		return;
	snprintf(sql, sizeof(sql), "%s = ?", column);
	add_cond(c, sql, 2, 0, v);
}

static void list_events(struct sbx *s, struct sbx_params *q, struct sbx_result *r)
{
	struct conds c;
	const char *type = sbx_params_get(q, "type");
	size_t i;
	int ntypes = 0;
	char sql[96];

	memset(&c, 0, sizeof(c));
	/* Events are kept 30 days, measured on the sandbox clock. */
	window_lo(&c.created, sbx_now(s) - 30 * 86400);
	if (type)
		add_cond(&c, "type GLOB ?", 2, 0, type);
	for (i = 0; i < q->n; i++) {
		if (strcmp(q->v[i].name, "types[]") != 0)
			continue;
		q->v[i].used = 1;
		ntypes++;
	}
	if (type && ntypes) {
		sbx_result_error(r, 400, "invalid_request_error", "parameter_invalid_string",
		                 "types",
		                 "You may only specify one of these parameters: type, types.");
		return;
	}
	if (ntypes > 20) {
		sbx_result_error(r, 400, "invalid_request_error", "parameter_invalid_string",
		                 "types", "You may pass at most 20 event types.");
		return;
	}
	if (ntypes) {
		struct sbx_buf in;
		int k = 0;

		sbx_buf_init(&in);
		sbx_buf_puts(&in, "type IN (");
		for (i = 0; i < q->n; i++) {
			if (strcmp(q->v[i].name, "types[]") != 0)
				continue;
			sbx_buf_puts(&in, k++ ? ",?" : "?");
		}
		sbx_buf_puts(&in, ")");
		/* The IN list is one condition whose values are bound one by one below. */
		snprintf(sql, sizeof(sql), "%s", in.data ? in.data : "0");
		sbx_buf_free(&in);
		add_cond(&c, sql, 0, 0, NULL);
		for (i = 0; i < q->n; i++)
			if (strcmp(q->v[i].name, "types[]") == 0)
				add_cond(&c, "1", 2, 0, q->v[i].value);
	}
	serve_list(s, &lists[L_EVENTS], q, &c, r);
}

static void retrieve(struct sbx *s, const char *table, const char *noun, const char *id,
                     struct sbx_params *q, struct sbx_result *r)
{
	const struct sbx_param *unknown;

	sbx_expand_payment_intent =
	        mark_expand(q, "payment_intent") && strcmp(table, "charges") == 0;
	unknown = sbx_params_unused(q);
	if (unknown) {
		sbx_result_error(r, 400, "invalid_request_error", "parameter_unknown",
		                 unknown->name, "Received unknown parameter: %s", unknown->name);
		return;
	}
	sbx_buf_free(&r->body);
	if (strcmp(table, "events") == 0) {
		sqlite3_stmt *st =
		        sbx_prepare(s, "SELECT " SBX_EVENT_COLS " FROM events WHERE id = ?");

		if (st != NULL) {
			sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_ROW) {
				sbx_render_event(s, st, &r->body);
				r->status = 200;
			}
			sqlite3_finalize(st);
		}
		if (r->status == 200)
			return;
	} else if (sbx_render_by_id(s, table, id, &r->body) == 0) {
		r->status = 200;
		return;
	}
	sbx_result_error(r, 404, "invalid_request_error", "resource_missing", "id",
	                 "No such %s: '%s'", noun, id);
}

struct resource_def {
	const char *name; /* path segment after /v1/ */
	enum sbx_resource res;
	int list; /* index into lists[], or -1 */
	const char *noun;
};

static const struct resource_def resources[] = {
        {"charges", SBX_RES_CHARGES, L_CHARGES, "charge"},
        {"payment_intents", SBX_RES_PAYMENT_INTENTS, L_PIS, "payment_intent"},
        {"refunds", SBX_RES_REFUNDS, L_REFUNDS, "refund"},
        {"disputes", SBX_RES_DISPUTES, L_DISPUTES, "dispute"},
        {"payouts", SBX_RES_PAYOUTS, L_PAYOUTS, "payout"},
        {"balance_transactions", SBX_RES_BALANCE_TRANSACTIONS, L_BTS, "balance_transaction"},
        {"balance", SBX_RES_BALANCE, -1, "balance"},
        {"events", SBX_RES_EVENTS, L_EVENTS, "event"},
        {"account", SBX_RES_ACCOUNT, -1, "account"},
        {"files", SBX_RES_FILES, L_FILES, "file"},
};

/* Splits "/v1/<name>[/<id>[/<action>]]"; returns the resource or NULL. */
static const struct resource_def *split(const char *path, char *id, size_t idn, char *action,
                                        size_t an)
{
	const char *p;
	const char *slash;
	size_t len;
	size_t i;

	id[0] = '\0';
	action[0] = '\0';
	if (strncmp(path, "/v1/", 4) != 0)
		return NULL;
	p = path + 4;
	slash = strchr(p, '/');
	len = slash ? (size_t)(slash - p) : strlen(p);
	for (i = 0; i < sizeof(resources) / sizeof(resources[0]); i++) {
		if (strlen(resources[i].name) == len && strncmp(resources[i].name, p, len) == 0)
			break;
	}
	if (i == sizeof(resources) / sizeof(resources[0]))
		return NULL;
	if (slash) {
		const char *rest = slash + 1;
		const char *s2 = strchr(rest, '/');
		size_t il = s2 ? (size_t)(s2 - rest) : strlen(rest);

		if (il == 0 || il >= idn)
			return NULL;
		memcpy(id, rest, il);
		id[il] = '\0';
		if (s2) {
			if (strlen(s2 + 1) >= an || strchr(s2 + 1, '/'))
				return NULL;
			snprintf(action, an, "%s", s2 + 1);
		}
	}
	return &resources[i];
}

int sbx_api_resource(const char *method, const char *path)
{
	char id[128], action[64];
	const struct resource_def *d = split(path, id, sizeof(id), action, sizeof(action));
	int get = strcmp(method, "GET") == 0;
	int post = strcmp(method, "POST") == 0;

	if (strncmp(path, "/v1/reporting/", 14) == 0)
		return sbx_reporting_route(method, path) == 0 ? (int)SBX_RES_REPORT_RUNS : -1;
	if (d == NULL)
		return -1;
	switch (d->res) {
	case SBX_RES_REFUNDS:
		if (action[0])
			return -1;
		if (get || (post && id[0] == '\0'))
			return (int)d->res;
		return -1;
	case SBX_RES_DISPUTES:
		if (get && !action[0])
			return (int)d->res;
		if (post && id[0] && (!action[0] || strcmp(action, "close") == 0))
			return (int)d->res;
		return -1;
	case SBX_RES_BALANCE:
	case SBX_RES_ACCOUNT:
		return get && !id[0] ? (int)d->res : -1;
	case SBX_RES_FILES:
		if (action[0])
			return get && id[0] && strcmp(action, "contents") == 0 ? (int)d->res : -1;
		if (get || (post && id[0] == '\0'))
			return (int)d->res;
		return -1;
	default:
		return get && !action[0] ? (int)d->res : -1;
	}
}

/* Runs a mutation in one transaction: rolled back when the reply is not a success. */
static void in_transaction(struct sbx *s, struct sbx_result *r, void (*fn)(void *), void *arg)
{
	if (sbx_exec(s, "BEGIN IMMEDIATE") != 0) {
		sbx_result_error(r, 500, "api_error", NULL, NULL, "The sandbox store is busy.");
		r->should_retry = 1;
		return;
	}
	fn(arg);
	if (r->status >= 200 && r->status < 300) {
		if (sbx_exec(s, "COMMIT") != 0) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			sbx_result_error(r, 500, "api_error", NULL, NULL,
			                 "The sandbox could not save the change.");
			r->should_retry = 1;
		}
	} else {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	}
}

struct post_call {
	struct sbx *s;
	struct sbx_request *rq;
	struct sbx_result *r;
	const char *id;
	int kind; /* 0 refund, 1 dispute update, 2 dispute close */
};

static void post_call_run(void *arg)
{
	struct post_call *pc = arg;

	if (pc->kind == 0)
		sbx_refund_create(pc->s, pc->rq->form, &pc->rq->info, pc->r);
	else if (pc->kind == 1)
		sbx_dispute_update(pc->s, pc->id, pc->rq->form, &pc->rq->info, pc->r);
	else
		sbx_dispute_close(pc->s, pc->id, &pc->rq->info, pc->r);
}

static void reporting_run(void *arg)
{
	struct post_call *pc = arg;

	sbx_reporting_handle(pc->s, pc->rq, pc->r);
}

static void api_handle(struct sbx *s, struct sbx_request *rq, struct sbx_result *r);

void sbx_api_handle(struct sbx *s, struct sbx_request *rq, struct sbx_result *r)
{
	/* An expansion is of the one request that asks for it (mutations render charges too). */
	sbx_expand_payment_intent = 0;
	api_handle(s, rq, r);
	sbx_expand_payment_intent = 0;
}

static void api_handle(struct sbx *s, struct sbx_request *rq, struct sbx_result *r)
{
	char id[128], action[64];
	const struct resource_def *d = split(rq->path, id, sizeof(id), action, sizeof(action));
	struct conds c;
	char pi_charge[64];

	memset(&c, 0, sizeof(c));
	if (sbx_api_resource(rq->method, rq->path) == SBX_RES_REPORT_RUNS) {
		if (strcmp(rq->method, "POST") == 0)
			in_transaction(s, r, reporting_run, &(struct post_call){s, rq, r, NULL, 0});
		else
			sbx_reporting_handle(s, rq, r);
		return;
	}
	if (d == NULL || sbx_api_resource(rq->method, rq->path) < 0) {
		sbx_result_error(r, 404, "invalid_request_error", NULL, NULL,
		                 "Unrecognized request URL (%s: %s).", rq->method, rq->path);
		return;
	}
	if (strcmp(rq->method, "POST") == 0 && d->res == SBX_RES_FILES) {
		sbx_file_create(s, rq, r);
		return;
	}
	if (strcmp(rq->method, "POST") == 0) {
		struct post_call pc = {s, rq, r, id, 0};

		if (d->res == SBX_RES_DISPUTES)
			pc.kind = action[0] ? 2 : 1;
		in_transaction(s, r, post_call_run, &pc);
		return;
	}
	if (d->res == SBX_RES_BALANCE || d->res == SBX_RES_ACCOUNT) {
		const struct sbx_param *unknown;

		mark_expand(rq->query, NULL);
		unknown = sbx_params_unused(rq->query);
		if (unknown) {
			sbx_result_error(r, 400, "invalid_request_error", "parameter_unknown",
			                 unknown->name, "Received unknown parameter: %s",
			                 unknown->name);
			return;
		}
		sbx_buf_free(&r->body);
		if (d->res == SBX_RES_BALANCE)
			sbx_render_balance(s, &r->body);
		else
			sbx_render_account(s, &r->body);
		r->status = 200;
		return;
	}
	if (d->res == SBX_RES_FILES && action[0]) {
		sbx_file_contents(s, id, rq->query, r);
		return;
	}
	if (id[0]) {
		retrieve(s,
		         d->res == SBX_RES_PAYMENT_INTENTS ? "payment_intents"
		                                           : lists[d->list].table,
		         d->noun, id, rq->query, r);
		return;
	}
	switch (d->res) {
	case SBX_RES_REFUNDS:
		eq_filter(rq->query, "charge", "charge", &c);
		if (sbx_params_get(rq->query, "payment_intent")) {
			/* A payment intent's refunds are its charge's refunds. */
			sbx_charge_for_pi(sbx_params_get(rq->query, "payment_intent"), pi_charge,
			                  sizeof(pi_charge));
			add_cond(&c, "charge = ?", 2, 0, pi_charge);
		}
		break;
	case SBX_RES_DISPUTES:
		eq_filter(rq->query, "charge", "charge", &c);
		break;
	case SBX_RES_PAYOUTS:
		eq_filter(rq->query, "status", "status", &c);
		{
			struct window arrival = {0};

			if (range_filters(rq->query, "arrival_date", &arrival, r) != 0)
				return;
			window_conds(&c, "arrival_date", &arrival);
		}
		break;
	case SBX_RES_CHARGES:
		if (sbx_params_get(rq->query, "payment_intent")) {
			sbx_charge_for_pi(sbx_params_get(rq->query, "payment_intent"), pi_charge,
			                  sizeof(pi_charge));
			add_cond(&c, "id = ?", 2, 0, pi_charge);
		}
		break;
	case SBX_RES_BALANCE_TRANSACTIONS:
		eq_filter(rq->query, "payout", "payout", &c);
		eq_filter(rq->query, "type", "type", &c);
		eq_filter(rq->query, "source", "source", &c);
		eq_filter(rq->query, "currency", "currency", &c);
		break;
	case SBX_RES_EVENTS:
		list_events(s, rq->query, r);
		return;
	default:
		break;
	}
	serve_list(s, &lists[d->list], rq->query, &c, r);
}
