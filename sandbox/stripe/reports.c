/* Stripe's Reporting API, as far as a back office reads it: the report type
 * payout_reconciliation.itemized.5 (each balance transaction an automatic payout paid out),
 * its runs and the CSV file a finished run makes.
 *
 *   GET  /v1/reporting/report_types/payout_reconciliation.itemized.5
 *   POST /v1/reporting/report_runs   report_type, parameters[interval_start|interval_end|
 *                                    currency|timezone|columns][]
 *   GET  /v1/reporting/report_runs/frr_...
 *   GET  /v1/files/file_.../contents (the run's file: text/csv)
 *
 * As the sandbox models it: the report's data is available from the day of the first
 * payout's arrival to the start of the sandbox's current day (UTC), the interval is over
 * the payouts' arrival (automatic_payout_effective_at, start inclusive, end exclusive), a
 * run is pending when created and has succeeded RUN_MS later, and the file is written when
 * the run is created (the payout links of a past arrival no longer change). Amounts are in
 * major units with the currency's decimals, times in UTC. Faults of its own: report_failed
 * (the next run created fails) and report_elsewhere (a run retrieved names its file on
 * another host). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sandbox/stripe/stripe.h"

#define REPORT_TYPE "payout_reconciliation.itemized.5"
#define RUN_MS      300

/* The columns the sandbox writes, in the default order. */
static const char *const columns[] = {
        "automatic_payout_id",
        "automatic_payout_effective_at",
        "balance_transaction_id",
        "created_utc",
        "available_on_utc",
        "currency",
        "gross",
        "fee",
        "net",
        "reporting_category",
        "source_id",
        "description",
};
#define NCOLS (sizeof columns / sizeof *columns)

/* Stripe's zero-decimal currencies; every other has two decimals here. */
static int decimals(const char *cur)
{
	static const char *const zero[] = {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga",
	                                   "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"};
	for (size_t i = 0; i < sizeof zero / sizeof *zero; i++)
		if (strcmp(zero[i], cur) == 0)
			return 0;
	return 2;
}

/* The sandbox clock in milliseconds. */
static int64_t now_ms(struct sbx *s)
{
	return sbx_now(s) * 1000 + (sbx_mono_ms() - s->base_mono) % 1000;
}

/* The span the report has data for: [*start, *end). */
static void availability(struct sbx *s, int64_t *start, int64_t *end)
{
	sqlite3_stmt *st = sbx_prepare(s, "SELECT min(arrival_date) FROM payouts");

	*end = sbx_day_start(sbx_now(s));
	*start = *end;
	if (st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		int64_t first = sbx_day_start(sqlite3_column_int64(st, 0));

		if (first < *end)
			*start = first;
	}
	sqlite3_finalize(st);
}

static void unknown_parameter(struct sbx_params *q, struct sbx_result *r, int *failed)
{
	const struct sbx_param *unknown = sbx_params_unused(q);

	*failed = unknown != NULL;
	if (unknown)
		sbx_result_error(r, 400, "invalid_request_error", "parameter_unknown",
		                 unknown->name, "Received unknown parameter: %s", unknown->name);
}

static void report_type(struct sbx *s, const char *id, struct sbx_params *q, struct sbx_result *r)
{
	int64_t start, end;
	int failed;

	unknown_parameter(q, r, &failed);
	if (failed)
		return;
	if (strcmp(id, REPORT_TYPE) != 0) {
		sbx_result_error(r, 404, "invalid_request_error", "resource_missing", "id",
		                 "No such report type: '%s'", id);
		return;
	}
	availability(s, &start, &end);
	sbx_buf_free(&r->body);
	sbx_buf_puts(&r->body, "{");
	SBX_KSTR(&r->body, "id", REPORT_TYPE);
	sbx_buf_puts(&r->body, ",\"object\":\"reporting.report_type\",");
	SBX_KI64(&r->body, "data_available_end", end);
	sbx_buf_puts(&r->body, ",");
	SBX_KI64(&r->body, "data_available_start", start);
	sbx_buf_puts(&r->body, ",\"default_columns\":[");
	for (size_t i = 0; i < NCOLS; i++) {
		if (i)
			sbx_buf_puts(&r->body, ",");
		sbx_buf_jstr(&r->body, columns[i]);
	}
	sbx_buf_puts(&r->body, "],\"livemode\":false,\"name\":\"Itemized payout reconciliation\",");
	SBX_KI64(&r->body, "updated", end);
	sbx_buf_puts(&r->body, ",\"version\":5}");
	r->status = 200;
}

/* A CSV cell: quoted when it holds a comma, a quote or a line break (RFC 4180). */
static void cell(struct sbx_buf *b, const char *v)
{
	if (!v)
		return;
	if (!strpbrk(v, ",\"\r\n")) {
		sbx_buf_puts(b, v);
		return;
	}
	sbx_buf_puts(b, "\"");
	for (const char *p = v; *p; p++) {
		if (*p == '"')
			sbx_buf_puts(b, "\"");
		sbx_buf_put(b, p, 1);
	}
	sbx_buf_puts(b, "\"");
}

static void utc(struct sbx_buf *b, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char out[32];

	gmtime_r(&tt, &tm);
	strftime(out, sizeof out, "%Y-%m-%d %H:%M:%S", &tm);
	sbx_buf_puts(b, out);
}

static void major(struct sbx_buf *b, int64_t v, const char *cur)
{
	int d = decimals(cur);
	uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	if (d == 0)
		sbx_buf_printf(b, "%s%" PRIu64, v < 0 ? "-" : "", mag);
	else
		sbx_buf_printf(b, "%s%" PRIu64 ".%02" PRIu64, v < 0 ? "-" : "", mag / 100,
		               mag % 100);
}

/* Writes the report's CSV for payouts arriving in [from, to) into b: the header, then a
 * row per balance transaction, by arrival, payout and creation. 0 or -1. */
static int write_csv(struct sbx *s, int64_t from, int64_t to, const char *currency, const int *cols,
                     size_t n, struct sbx_buf *b)
{
	sqlite3_stmt *st = sbx_prepare(
	        s, "SELECT b.payout, p.arrival_date, b.id, b.created, b.available_on, b.currency,"
	           " b.amount, b.fee, b.net, b.reporting_category, b.source, b.description"
	           " FROM payouts p JOIN balance_transactions b ON b.payout = p.id"
	           " WHERE p.arrival_date >= ?1 AND p.arrival_date < ?2"
	           " AND (?3 IS NULL OR b.currency = ?3)"
	           " ORDER BY p.arrival_date, p.id, b.created, b.id");
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	if (currency)
		sqlite3_bind_text(st, 3, currency, -1, SQLITE_STATIC);
	for (size_t i = 0; i < n; i++) {
		sbx_buf_puts(b, i ? "," : "");
		sbx_buf_puts(b, columns[cols[i]]);
	}
	sbx_buf_puts(b, "\r\n");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *cur = (const char *)sqlite3_column_text(st, 5);

		for (size_t i = 0; i < n; i++) {
			int c = cols[i];

			if (i)
				sbx_buf_puts(b, ",");
			if (c == 1 || c == 3 || c == 4)
				utc(b, sqlite3_column_int64(st, c));
			else if (c >= 6 && c <= 8)
				major(b, sqlite3_column_int64(st, c), cur ? cur : "");
			else
				cell(b, (const char *)sqlite3_column_text(st, c));
		}
		sbx_buf_puts(b, "\r\n");
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE && !b->failed ? 0 : -1;
}

/* Keeps a run's CSV as a file of purpose finance_report_run. 0 or -1. */
static int store_file(struct sbx *s, const char *file, const char *run, const struct sbx_buf *csv)
{
	sqlite3_stmt *st = sbx_prepare(s, "INSERT INTO files(id, created, purpose, filename, size,"
	                                  " type, content)"
	                                  " VALUES (?, ?, 'finance_report_run', ?, ?, 'csv', ?)");
	char name[64];
	int rc;

	if (!st)
		return -1;
	snprintf(name, sizeof name, "%s.csv", run);
	sqlite3_bind_text(st, 1, file, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, sbx_now(s));
	sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (int64_t)csv->len);
	sqlite3_bind_blob64(st, 5, csv->data ? csv->data : "", csv->len, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return rc;
}

/* An integer parameter; 1 when given and valid, 0 when absent, -1 (r filled) when not an
 * integer. */
static int int_param(struct sbx_params *f, const char *name, int64_t *out, struct sbx_result *r)
{
	const char *v = sbx_params_get(f, name);
	char *end;

	if (!v)
		return 0;
	*out = strtoll(v, &end, 10);
	if (*v == '\0' || *end != '\0') {
		sbx_result_error(r, 400, "invalid_request_error", "parameter_invalid_integer", name,
		                 "Invalid integer: %s", v);
		return -1;
	}
	return 1;
}

/* Renders a run from its row (id, created, ready_ms, report_type, parameters, file,
 * error); the finished run's file with its URL at base. */
static void render_run(struct sbx *s, sqlite3_stmt *row, const char *base, struct sbx_buf *b)
{
	const char *file = (const char *)sqlite3_column_text(row, 5);
	const char *error = (const char *)sqlite3_column_text(row, 6);
	int64_t ready = sqlite3_column_int64(row, 2);
	int done = now_ms(s) >= ready;

	sbx_buf_puts(b, "{");
	SBX_KSTR(b, "id", (const char *)sqlite3_column_text(row, 0));
	sbx_buf_puts(b, ",\"object\":\"reporting.report_run\",");
	SBX_KI64(b, "created", sqlite3_column_int64(row, 1));
	sbx_buf_puts(b, ",");
	SBX_KSTR(b, "error", done ? error : NULL);
	sbx_buf_puts(b, ",\"livemode\":false,");
	sbx_buf_kraw(b, "parameters", (const char *)sqlite3_column_text(row, 4));
	sbx_buf_puts(b, ",");
	SBX_KSTR(b, "report_type", (const char *)sqlite3_column_text(row, 3));
	sbx_buf_puts(b, ",\"result\":");
	if (done && file && !error) {
		sqlite3_stmt *f =
		        sbx_prepare(s, "SELECT " SBX_FILE_COLS " FROM files WHERE id = ?");

		if (f) {
			sqlite3_bind_text(f, 1, file, -1, SQLITE_STATIC);
			if (sqlite3_step(f) == SQLITE_ROW)
				sbx_render_file_at(s, f, base, b);
			else
				sbx_buf_puts(b, "null");
			sqlite3_finalize(f);
		}
	} else {
		sbx_buf_puts(b, "null");
	}
	sbx_buf_puts(b, ",");
	SBX_KSTR(b, "status", !done ? "pending" : error ? "failed" : "succeeded");
	sbx_buf_puts(b, ",\"succeeded_at\":");
	if (done && !error)
		sbx_buf_i64(b, (ready + 999) / 1000);
	else
		sbx_buf_puts(b, "null");
	sbx_buf_puts(b, "}");
}

static int render_run_by_id(struct sbx *s, const char *id, const char *base, struct sbx_buf *b)
{
	sqlite3_stmt *st = sbx_prepare(s, "SELECT id, created, ready_ms, report_type, parameters,"
	                                  " file, error FROM report_runs WHERE id = ?");
	int found = 0;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		render_run(s, st, base, b);
		found = 1;
	}
	sqlite3_finalize(st);
	return found ? 0 : -1;
}

/* The columns asked for (parameters[columns][] or parameters[columns][N], in order), as
 * indices into columns[]; the default set when none. Returns how many, or -1 (r filled). */
static int asked_columns(struct sbx_params *f, int *cols, size_t max, struct sbx_result *r)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++) {
		struct sbx_param *p = &f->v[i];
		size_t k;

		if (strncmp(p->name, "parameters[columns][", 20) != 0)
			continue;
		p->used = 1;
		for (k = 0; k < NCOLS && strcmp(columns[k], p->value) != 0; k++)
			;
		if (k == NCOLS) {
			sbx_result_error(
			        r, 400, "invalid_request_error", "parameter_invalid_string",
			        "parameters[columns]",
			        "Invalid column for %s: '%s'. The sandbox writes: "
			        "automatic_payout_id, automatic_payout_effective_at, "
			        "balance_transaction_id, created_utc, available_on_utc, "
			        "currency, gross, fee, net, reporting_category, source_id, "
			        "description.",
			        REPORT_TYPE, p->value);
			return -1;
		}
		if (n < max)
			cols[n++] = (int)k;
	}
	for (size_t k = 0; n == 0 && k < NCOLS; k++)
		cols[k] = (int)k;
	return n ? (int)n : (int)NCOLS;
}

/* POST /v1/reporting/report_runs (in a transaction). */
static void run_create(struct sbx *s, struct sbx_request *rq, struct sbx_result *r)
{
	struct sbx_params *f = rq->form;
	const char *type = sbx_params_get(f, "report_type");
	const char *currency = sbx_params_get(f, "parameters[currency]");
	const char *tz = sbx_params_get(f, "parameters[timezone]");
	int64_t from = 0, to = 0, start, end;
	int cols[64], n, failed;
	int injected = rq->fault == SBX_FAULT_REPORT_FAILED;
	char id[40], file[40];
	struct sbx_buf csv, params;

	if (!type) {
		sbx_result_error(r, 400, "invalid_request_error", "parameter_missing",
		                 "report_type", "Missing required param: report_type.");
		return;
	}
	if (strcmp(type, REPORT_TYPE) != 0) {
		sbx_result_error(
		        r, 400, "invalid_request_error", "parameter_invalid_string", "report_type",
		        "Invalid report_type: '%s'. The sandbox runs " REPORT_TYPE ".", type);
		return;
	}
	if (int_param(f, "parameters[interval_start]", &from, r) < 0 ||
	    int_param(f, "parameters[interval_end]", &to, r) < 0)
		return;
	if (!sbx_params_get(f, "parameters[interval_start]") ||
	    !sbx_params_get(f, "parameters[interval_end]")) {
		sbx_result_error(r, 400, "invalid_request_error", "parameter_missing",
		                 !sbx_params_get(f, "parameters[interval_start]")
		                         ? "parameters[interval_start]"
		                         : "parameters[interval_end]",
		                 "Missing required param: %s.",
		                 !sbx_params_get(f, "parameters[interval_start]")
		                         ? "parameters[interval_start]"
		                         : "parameters[interval_end]");
		return;
	}
	if (tz && strcmp(tz, "UTC") != 0 && strcmp(tz, "Etc/UTC") != 0) {
		sbx_result_error(r, 400, "invalid_request_error", "parameter_invalid_string",
		                 "parameters[timezone]",
		                 "The sandbox writes its reports in UTC only (timezone '%s').", tz);
		return;
	}
	if ((n = asked_columns(f, cols, sizeof cols / sizeof *cols, r)) < 0)
		return;
	unknown_parameter(f, r, &failed);
	if (failed)
		return;
	availability(s, &start, &end);
	if (from < start || to > end || from >= to) {
		sbx_result_error(r, 400, "invalid_request_error", "parameter_invalid_integer",
		                 from < start ? "parameters[interval_start]"
		                              : "parameters[interval_end]",
		                 "The interval [%" PRId64 ", %" PRId64 ") must be non-empty and "
		                 "within the report type's data_available_start (%" PRId64
		                 ") and data_available_end (%" PRId64 ").",
		                 from, to, start, end);
		return;
	}
	sbx_rng_id(&s->rng, "frr_", id, sizeof(id));
	sbx_rng_id(&s->rng, "file_", file, sizeof(file));
	sbx_buf_init(&params);
	sbx_buf_puts(&params, "{\"columns\":[");
	for (int i = 0; i < n; i++) {
		if (i)
			sbx_buf_puts(&params, ",");
		sbx_buf_jstr(&params, columns[cols[i]]);
	}
	sbx_buf_puts(&params, "],");
	if (currency) {
		SBX_KSTR(&params, "currency", currency);
		sbx_buf_puts(&params, ",");
	}
	SBX_KI64(&params, "interval_end", to);
	sbx_buf_puts(&params, ",");
	SBX_KI64(&params, "interval_start", from);
	sbx_buf_puts(&params, "}");
	sbx_buf_init(&csv);
	failed = injected ? 0 : write_csv(s, from, to, currency, cols, (size_t)n, &csv);
	if (failed == 0 && !injected)
		failed = store_file(s, file, id, &csv);
	if (failed == 0)
		failed = sbx_run(s,
		                 "INSERT INTO report_runs(id, created, ready_ms, report_type,"
		                 " parameters, file, error) VALUES (?, ?, ?, ?, ?, ?, ?)",
		                 "siissss", id, sbx_now(s), now_ms(s) + RUN_MS, REPORT_TYPE,
		                 params.data, injected ? NULL : file,
		                 injected ? "The report run failed (injected). Try again later."
		                          : NULL);
	sbx_buf_free(&csv);
	sbx_buf_free(&params);
	sbx_buf_free(&r->body);
	if (failed || render_run_by_id(s, id, rq->base, &r->body) != 0) {
		sbx_result_error(r, 500, "api_error", NULL, NULL,
		                 "The sandbox could not write the report.");
		r->should_retry = 1;
		return;
	}
	r->status = 200;
}

void sbx_reporting_handle(struct sbx *s, struct sbx_request *rq, struct sbx_result *r)
{
	const char *p = rq->path + strlen("/v1/reporting/");
	int failed;

	if (strcmp(rq->method, "POST") == 0) {
		run_create(s, rq, r);
		return;
	}
	if (strncmp(p, "report_types/", 13) == 0) {
		report_type(s, p + 13, rq->query, r);
		return;
	}
	unknown_parameter(rq->query, r, &failed);
	if (failed)
		return;
	sbx_buf_free(&r->body);
	if (render_run_by_id(s, p + 12,
	                     rq->fault == SBX_FAULT_REPORT_ELSEWHERE ? "https://files.example.net"
	                                                             : rq->base,
	                     &r->body) == 0) {
		r->status = 200;
		return;
	}
	sbx_result_error(r, 404, "invalid_request_error", "resource_missing", "id",
	                 "No such report run: '%s'", p + 12);
}

int sbx_reporting_route(const char *method, const char *path)
{
	const char *p = path + strlen("/v1/reporting/");

	if (strcmp(method, "POST") == 0)
		return strcmp(p, "report_runs") == 0 ? 0 : -1;
	if (strcmp(method, "GET") != 0)
		return -1;
	if (strncmp(p, "report_types/", 13) == 0 && p[13] && !strchr(p + 13, '/'))
		return 0;
	if (strncmp(p, "report_runs/", 12) == 0 && p[12] && !strchr(p + 12, '/'))
		return 0;
	return -1;
}

void sbx_file_contents(struct sbx *s, const char *id, struct sbx_params *q, struct sbx_result *r)
{
	sqlite3_stmt *st;
	int failed;

	unknown_parameter(q, r, &failed);
	if (failed)
		return;
	st = sbx_prepare(s, "SELECT content FROM files WHERE id = ?"
	                    " AND purpose = 'finance_report_run'");
	if (st) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			sbx_buf_free(&r->body);
			sbx_buf_init(&r->body);
			sbx_buf_put(&r->body,
			            sqlite3_column_blob(st, 0) ? sqlite3_column_blob(st, 0) : "",
			            (size_t)sqlite3_column_bytes(st, 0));
			r->status = 200;
			r->content_type = "text/csv";
		}
		sqlite3_finalize(st);
		if (r->status == 200)
			return;
	}
	sbx_result_error(r, 404, "invalid_request_error", "resource_missing", "id",
	                 "No such file contents: '%s' (the sandbox serves report files only)", id);
}
