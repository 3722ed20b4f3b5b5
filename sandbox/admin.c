/* The /_admin/ API: fault injection, the request log and the clock, here; live activity,
 * and the checksums and sums that let other components prove they mirror the sandbox,
 * from the platform (its admin()). Loopback only (the whole server is) and
 * unauthenticated. Called with the lock held. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sandbox.h"

static void admin_error(struct sbx_result *r, int status, const char *msg)
{
	sbx_result_error(r, status, "invalid_request_error", NULL, NULL, "%s", msg);
}

int sbx_admin_count(struct sbx_params *p, const char *name, int def, int max, int *out)
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

static const struct sbx_fault_name fault_names[] = {
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
	for (i = 0; kind && i < s->platform->n_faults; i++)
		if (strcmp(kind, s->platform->faults[i].name) == 0)
			f.kind = s->platform->faults[i].kind;
	if (f.kind == SBX_FAULT_NONE) {
		struct sbx_buf names;

		sbx_buf_init(&names);
		for (i = 0; i < sizeof(fault_names) / sizeof(fault_names[0]); i++)
			sbx_buf_printf(&names, "%s%s", i ? ", " : "", fault_names[i].name);
		for (i = 0; i < s->platform->n_faults; i++)
			sbx_buf_printf(&names, ", %s", s->platform->faults[i].name);
		sbx_result_error(r, 400, "invalid_request_error", NULL, NULL,
		                 "kind must be one of %s", names.data ? names.data : "");
		sbx_buf_free(&names);
		return;
	}
	if (sbx_admin_count(p, "count", 1, 1000000, &f.remaining) != 0 ||
	    sbx_admin_count(p, "retry_after", 1, 3600, &f.retry_after) != 0 ||
	    sbx_admin_count(p, "seconds", 5, 600, &f.seconds) != 0) {
		admin_error(r, 400, "count, retry_after and seconds must be non-negative integers");
		return;
	}
	if (sbx_params_unused(p)) {
		admin_error(r, 400,
		            "unknown parameter; use kind, count, path, method, "
		            "retry_after, seconds");
		return;
	}
	snprintf(f.path, sizeof(f.path), "%s",
	         path                      ? path
	         : s->platform->fault_path ? s->platform->fault_path
	                                   : "/v1/");
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
int sbx_checksum_table(struct sbx *s, const char *name, const char *sql, struct sbx_buf *b)
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

void sbx_admin_handle(struct sbx *s, struct sbx_request *rq, struct sbx_result *r)
{
	const char *m = rq->method;
	const char *path = rq->path;
	struct sbx_params *p = strcmp(m, "GET") == 0 ? rq->query : rq->form;

	sbx_buf_init(&r->body);
	if (strcmp(path, "/_admin/faults") == 0 && strcmp(m, "POST") == 0) {
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
	} else if (strcmp(path, "/_admin/advance") == 0 && strcmp(m, "POST") == 0) {
		int secs;

		if (sbx_admin_count(p, "seconds", 0, 3650 * 86400, &secs) != 0) {
			admin_error(r, 400, "seconds must be a non-negative integer");
			return;
		}
		s->advanced += secs;
		if (s->platform->advanced &&
		    (sbx_exec(s, "BEGIN IMMEDIATE") != 0 || s->platform->advanced(s) != 0 ||
		     sbx_exec(s, "COMMIT") != 0)) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			admin_error(r, 500, "could not bring the store up to the new time");
			return;
		}
		r->status = 200;
		sbx_buf_printf(&r->body, "{\"now\":%lld}", (long long)sbx_now(s));
	} else if (strcmp(path, "/_admin/now") == 0 && strcmp(m, "GET") == 0) {
		r->status = 200;
		sbx_buf_printf(&r->body, "{\"now\":%lld}", (long long)sbx_now(s));
	} else if (!s->platform->admin(s, rq, r)) {
		admin_error(r, 404, "unknown admin endpoint");
	}
}
