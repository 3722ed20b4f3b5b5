/* The /_admin/ API: live activity, fault injection, the request log, the clock, and the
 * checksums and ledger sums that let other components prove they mirror the sandbox.
 * Loopback only (the whole server is) and unauthenticated. Called with the lock held. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sandbox.h"

static void admin_error(struct sbx_result *r, int status, const char *msg)
{
	sbx_result_error(r, status, "invalid_request_error", NULL, NULL, "%s", msg);
}

static int get_count(struct sbx_params *p, const char *name, int def, int max, int *out)
{
	const char *v = sbx_params_get(p, name);
	char *end;
	long n;

	*out = def;
	if (v == NULL)
		return 0;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || n < 0 || n > max)
		return -1;
	*out = (int)n;
	return 0;
}

static void create(struct sbx *s, struct sbx_params *p, struct sbx_result *r)
{
	static const char *const kinds[] = {"charges", "refunds", "disputes", "dispute_updates",
	                                    "payouts"};
	int counts[5];
	struct sbx_buf ids[5];
	int k, i, rc = 0;

	for (k = 0; k < 5; k++) {
		if (get_count(p, kinds[k], 0, 100000, &counts[k]) != 0) {
			admin_error(r, 400, "counts must be integers from 0 to 100000");
			return;
		}
		sbx_buf_init(&ids[k]);
	}
	if (sbx_params_unused(p)) {
		admin_error(r, 400,
		            "unknown parameter; use charges, refunds, disputes, "
		            "dispute_updates, payouts");
		return;
	}
	if (sbx_exec(s, "BEGIN IMMEDIATE") != 0) {
		admin_error(r, 500, "the store is busy");
		return;
	}
	for (i = 0; rc == 0 && i < counts[0]; i++)
		rc = sbx_live_charge(s, &ids[0]);
	for (i = 0; rc == 0 && i < counts[1]; i++)
		rc = sbx_live_refund(s, &ids[1], (int)sbx_rng_below(&s->rng, 5));
	for (i = 0; rc == 0 && i < counts[2]; i++)
		rc = sbx_live_dispute(s, &ids[2], (int)sbx_rng_below(&s->rng, 5));
	for (i = 0; rc == 0 && i < counts[3]; i++)
		rc = sbx_live_dispute_update(s, &ids[3], i);
	if (rc == 0 && counts[4] > 0)
		rc = sbx_live_payouts(s, &ids[4], counts[4]);
	/* 1 means "nothing eligible left": what was created so far stands. */
	if (rc < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		admin_error(r, 500, sqlite3_errmsg(s->db));
	} else if (sbx_exec(s, "COMMIT") != 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		admin_error(r, 500, "could not commit");
	} else {
		r->status = 200;
		sbx_buf_puts(&r->body, "{");
		for (k = 0; k < 5; k++) {
			sbx_buf_printf(&r->body, "%s\"%s\":[%s]", k ? "," : "", kinds[k],
			               ids[k].data ? ids[k].data : "");
		}
		sbx_buf_puts(&r->body, "}");
	}
	for (k = 0; k < 5; k++)
		sbx_buf_free(&ids[k]);
}

static const struct {
	const char *name;
	enum sbx_fault_kind kind;
} fault_names[] = {
        {"500", SBX_FAULT_500},     {"502", SBX_FAULT_502},
        {"503", SBX_FAULT_503},     {"429", SBX_FAULT_429},
        {"reset", SBX_FAULT_RESET}, {"truncate", SBX_FAULT_TRUNCATE},
        {"stall", SBX_FAULT_STALL}, {"commit_then_reset", SBX_FAULT_COMMIT_THEN_RESET},
};

static void add_fault(struct sbx *s, struct sbx_params *p, struct sbx_result *r)
{
	const char *kind = sbx_params_get(p, "kind");
	const char *path = sbx_params_get(p, "path");
	const char *method = sbx_params_get(p, "method");
	struct sbx_fault f;
	struct sbx_fault *nf;
	size_t i;

	memset(&f, 0, sizeof(f));
	f.kind = SBX_FAULT_NONE;
	for (i = 0; kind && i < sizeof(fault_names) / sizeof(fault_names[0]); i++)
		if (strcmp(kind, fault_names[i].name) == 0)
			f.kind = fault_names[i].kind;
	if (f.kind == SBX_FAULT_NONE) {
		admin_error(r, 400,
		            "kind must be one of 500, 502, 503, 429, reset, truncate, "
		            "stall, commit_then_reset");
		return;
	}
	if (get_count(p, "count", 1, 1000000, &f.remaining) != 0 ||
	    get_count(p, "retry_after", 1, 3600, &f.retry_after) != 0 ||
	    get_count(p, "seconds", 5, 600, &f.seconds) != 0) {
		admin_error(r, 400, "count, retry_after and seconds must be non-negative integers");
		return;
	}
	if (sbx_params_unused(p)) {
		admin_error(r, 400,
		            "unknown parameter; use kind, count, path, method, "
		            "retry_after, seconds");
		return;
	}
	snprintf(f.path, sizeof(f.path), "%s", path ? path : "/v1/");
	snprintf(f.method, sizeof(f.method), "%s", method ? method : "");
	nf = realloc(s->faults, (s->faults_n + 1) * sizeof(*nf));
	if (nf == NULL) {
		admin_error(r, 500, "out of memory");
		return;
	}
	s->faults = nf;
	s->faults[s->faults_n++] = f;
	r->status = 200;
	sbx_buf_printf(&r->body, "{\"faults\":%zu}", s->faults_n);
}

static void list_requests(struct sbx *s, struct sbx_result *r)
{
	size_t i;

	sbx_buf_puts(&r->body, "{\"data\":[");
	for (i = 0; i < s->log_n; i++) {
		const struct sbx_log_entry *e = &s->log[i];

		if (i)
			sbx_buf_puts(&r->body, ",");
		sbx_buf_puts(&r->body, "{");
		sbx_buf_ki64(&r->body, "seq", e->seq);
		sbx_buf_puts(&r->body, ",");
		sbx_buf_kstr(&r->body, "method", e->method);
		sbx_buf_puts(&r->body, ",");
		sbx_buf_kstr(&r->body, "path", e->path);
		sbx_buf_puts(&r->body, ",");
		sbx_buf_kstr(&r->body, "query", e->query);
		sbx_buf_puts(&r->body, ",");
		sbx_buf_kstr(&r->body, "body", e->body);
		sbx_buf_puts(&r->body, ",");
		sbx_buf_kstr(&r->body, "idempotency_key", e->idempotency_key);
		sbx_buf_puts(&r->body, ",");
		sbx_buf_kstr(&r->body, "key", e->key);
		sbx_buf_puts(&r->body, ",");
		sbx_buf_ki64(&r->body, "status", e->status);
		sbx_buf_puts(&r->body, "}");
	}
	sbx_buf_puts(&r->body, "]}");
	r->status = 200;
}

/* 64-bit FNV-1a over one line per object, objects in ascending id order. */
static int checksum_table(struct sbx *s, const char *name, const char *sql, struct sbx_buf *b)
{
	sqlite3_stmt *st = sbx_prepare(s, sql);
	uint64_t h = 0xcbf29ce484222325ULL;
	int64_t count = 0;
	int cols;
	int i;

	if (st == NULL)
		return -1;
	cols = sqlite3_column_count(st);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < cols; i++) {
			const unsigned char *v = sqlite3_column_text(st, i);
			int n = sqlite3_column_bytes(st, i);
			int j;

			if (i) {
				h ^= (unsigned char)'|';
				h *= 0x100000001b3ULL;
			}
			for (j = 0; v && j < n; j++) {
				h ^= v[j];
				h *= 0x100000001b3ULL;
			}
		}
		h ^= (unsigned char)'\n';
		h *= 0x100000001b3ULL;
		count++;
	}
	sqlite3_finalize(st);
	sbx_buf_printf(b, "\"%s\":{\"count\":%lld,\"fnv\":\"%016llx\"}", name, (long long)count,
	               (unsigned long long)h);
	return 0;
}

static void checksum(struct sbx *s, struct sbx_result *r)
{
	struct sbx_buf *b = &r->body;
	int rc = 0;

	sbx_buf_puts(b, "{");
	rc |= checksum_table(
	        s, "charges",
	        "SELECT id, amount, currency, status, amount_refunded,"
	        " CASE WHEN amount > 0 AND amount_refunded >= amount THEN 1 ELSE 0 END,"
	        " disputed FROM charges ORDER BY id",
	        b);
	sbx_buf_puts(b, ",");
	rc |= checksum_table(s, "refunds",
	                     "SELECT id, charge, amount, currency, status FROM refunds ORDER BY id",
	                     b);
	sbx_buf_puts(b, ",");
	rc |= checksum_table(s, "disputes",
	                     "SELECT id, charge, amount, currency, status, reason FROM disputes"
	                     " ORDER BY id",
	                     b);
	sbx_buf_puts(b, ",");
	rc |= checksum_table(s, "payouts",
	                     "SELECT id, amount, currency, status, arrival_date FROM payouts"
	                     " ORDER BY id",
	                     b);
	sbx_buf_puts(b, ",");
	rc |= checksum_table(s, "balance_transactions",
	                     "SELECT id, amount, fee, net, currency, type, source FROM"
	                     " balance_transactions ORDER BY id",
	                     b);
	sbx_buf_puts(b, "}");
	if (rc != 0) {
		admin_error(r, 500, "checksum failed");
		return;
	}
	r->status = 200;
}

static void ledger(struct sbx *s, struct sbx_params *p, struct sbx_result *r)
{
	const char *from_s = sbx_params_get(p, "from");
	const char *to_s = sbx_params_get(p, "to");
	sqlite3_stmt *st;
	char cur[8] = "";
	char *end1 = NULL, *end2 = NULL;
	long long from, to;
	int first_type = 1;

	if (from_s == NULL || to_s == NULL) {
		admin_error(r, 400, "from and to (unix seconds) are required");
		return;
	}
	from = strtoll(from_s, &end1, 10);
	to = strtoll(to_s, &end2, 10);
	if (*from_s == '\0' || *end1 != '\0' || *to_s == '\0' || *end2 != '\0') {
		admin_error(r, 400, "from and to must be integers");
		return;
	}
	st = sbx_prepare(s, "SELECT currency, type, count(*), SUM(amount), SUM(fee), SUM(net)"
	                    " FROM balance_transactions WHERE created >= ? AND created < ?"
	                    " GROUP BY currency, type ORDER BY currency, type");
	if (st == NULL) {
		admin_error(r, 500, "query failed");
		return;
	}
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	sbx_buf_puts(&r->body, "{");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(st, 0);

		if (strcmp(c, cur) != 0) {
			sbx_buf_printf(&r->body, "%s\"%s\":{", cur[0] ? "}," : "", c);
			snprintf(cur, sizeof(cur), "%s", c);
			first_type = 1;
		}
		sbx_buf_printf(
		        &r->body,
		        "%s\"%s\":{\"count\":%lld,\"amount\":%lld,\"fee\":%lld,\"net\":%lld}",
		        first_type ? "" : ",", (const char *)sqlite3_column_text(st, 1),
		        (long long)sqlite3_column_int64(st, 2),
		        (long long)sqlite3_column_int64(st, 3),
		        (long long)sqlite3_column_int64(st, 4),
		        (long long)sqlite3_column_int64(st, 5));
		first_type = 0;
	}
	sqlite3_finalize(st);
	sbx_buf_puts(&r->body, cur[0] ? "}}" : "}");
	r->status = 200;
}

void sbx_admin_handle(struct sbx *s, struct sbx_request *rq, struct sbx_result *r)
{
	const char *m = rq->method;
	const char *path = rq->path;
	struct sbx_params *p = strcmp(m, "GET") == 0 ? rq->query : rq->form;

	sbx_buf_init(&r->body);
	if (strcmp(path, "/_admin/create") == 0 && strcmp(m, "POST") == 0) {
		create(s, p, r);
	} else if (strcmp(path, "/_admin/faults") == 0 && strcmp(m, "POST") == 0) {
		add_fault(s, p, r);
	} else if (strcmp(path, "/_admin/faults") == 0 && strcmp(m, "DELETE") == 0) {
		free(s->faults);
		s->faults = NULL;
		s->faults_n = 0;
		r->status = 200;
		sbx_buf_puts(&r->body, "{\"faults\":0}");
	} else if (strcmp(path, "/_admin/requests") == 0 && strcmp(m, "GET") == 0) {
		list_requests(s, r);
	} else if (strcmp(path, "/_admin/requests") == 0 && strcmp(m, "DELETE") == 0) {
		sbx_log_free(s);
		r->status = 200;
		sbx_buf_puts(&r->body, "{\"data\":[]}");
	} else if (strcmp(path, "/_admin/forget_keys") == 0 && strcmp(m, "POST") == 0) {
		if (sbx_exec(s, "DELETE FROM idempotency WHERE in_flight = 0") != 0) {
			admin_error(r, 500, "could not forget the keys");
			return;
		}
		r->status = 200;
		sbx_buf_printf(&r->body, "{\"forgotten\":%d}", sqlite3_changes(s->db));
	} else if (strcmp(path, "/_admin/advance") == 0 && strcmp(m, "POST") == 0) {
		int secs;

		if (get_count(p, "seconds", 0, 3650 * 86400, &secs) != 0) {
			admin_error(r, 400, "seconds must be a non-negative integer");
			return;
		}
		s->advanced += secs;
		if (sbx_exec(s, "BEGIN IMMEDIATE") != 0 || sbx_settle_payouts(s) != 0 ||
		    sbx_exec(s, "COMMIT") != 0) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			admin_error(r, 500, "could not settle payouts");
			return;
		}
		r->status = 200;
		sbx_buf_printf(&r->body, "{\"now\":%lld}", (long long)sbx_now(s));
	} else if (strcmp(path, "/_admin/now") == 0 && strcmp(m, "GET") == 0) {
		r->status = 200;
		sbx_buf_printf(&r->body, "{\"now\":%lld}", (long long)sbx_now(s));
	} else if (strcmp(path, "/_admin/checksum") == 0 && strcmp(m, "GET") == 0) {
		checksum(s, r);
	} else if (strcmp(path, "/_admin/ledger") == 0 && strcmp(m, "GET") == 0) {
		ledger(s, p, r);
	} else {
		admin_error(r, 404, "unknown admin endpoint");
	}
}
