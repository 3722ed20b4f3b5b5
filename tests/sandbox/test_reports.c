/* The sandbox's Reporting API over real HTTP: the payout reconciliation report type and
 * its availability, report runs (validation, pending then succeeded, an injected failure),
 * and the CSV file a run makes, row for row against what the list API says each payout paid
 * out. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/sandbox/sbt.h"

#define TYPE "payout_reconciliation.itemized.5"

static const char *const seed_args[] = {"--seed",
                                        "9",
                                        "--orders",
                                        "1200",
                                        "--days",
                                        "40",
                                        "--now",
                                        SBT_NOW,
                                        "--restricted",
                                        "rk_test_noreports:balance_transactions=read,payouts=read",
                                        NULL};

static json_int_t num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A growable list of strings. */
struct strs {
	char **v;
	size_t n, cap;
};

static void strs_add(struct strs *l, const char *a, const char *b)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
		if (!l->v)
			abort();
	}
	size_t n = strlen(a) + strlen(b) + 2;
	l->v[l->n] = malloc(n);
	if (!l->v[l->n])
		abort();
	snprintf(l->v[l->n++], n, "%s,%s", a, b);
}

static void strs_free(struct strs *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* Creates a run with form (report_type and parameters), waits until it is no longer
 * pending; returns the run (caller decrefs) or NULL. */
static json_t *run_report(struct sbt_server *srv, const char *form, const char *idem)
{
	struct sbt_resp r;
	char path[160];

	sbt_request(srv, "POST", "/v1/reporting/report_runs", form, SBT_KEY, idem, 0, &r);
	if (r.status != 200 || strcmp(str(r.json, "status"), "pending") != 0) {
		sbt_diag("run: %ld %s", r.status, r.body ? r.body : "");
		sbt_resp_free(&r);
		return NULL;
	}
	snprintf(path, sizeof path, "/v1/reporting/report_runs/%s", str(r.json, "id"));
	sbt_resp_free(&r);
	for (int i = 0; i < 100; i++) {
		struct timespec ts = {0, 50 * 1000000L};
		json_t *run;

		sbt_get(srv, path, &r);
		run = r.json ? json_incref(r.json) : NULL;
		sbt_resp_free(&r);
		if (!run || strcmp(str(run, "status"), "pending") != 0)
			return run;
		json_decref(run);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

/* The file's contents; the URL must point back at this sandbox. */
static int fetch_file(struct sbt_server *srv, json_t *file, struct sbt_resp *r)
{
	const char *url = str(file, "url");
	size_t blen = strlen(srv->base);

	if (strncmp(url, srv->base, blen) != 0)
		return -1;
	sbt_request(srv, "GET", url + blen, NULL, SBT_KEY, NULL, 0, r);
	return r->status == 200 ? 0 : -1;
}

/* What the list API says the payouts arriving in [from, to) paid out, as "txn,po". */
static void listed_pairs(struct sbt_server *srv, json_int_t from, json_int_t to, struct strs *out)
{
	json_t *payouts = json_array();
	size_t i;

	sbt_walk(srv, "/v1/payouts", "", payouts);
	for (i = 0; i < json_array_size(payouts); i++) {
		json_t *po = json_array_get(payouts, i);
		json_int_t at = num(po, "arrival_date");
		json_t *bts;
		char q[128];

		if (at < from || at >= to)
			continue;
		bts = json_array();
		snprintf(q, sizeof q, "payout=%s&", str(po, "id"));
		sbt_walk(srv, "/v1/balance_transactions", q, bts);
		for (size_t k = 0; k < json_array_size(bts); k++)
			strs_add(out, str(json_array_get(bts, k), "id"), str(po, "id"));
		json_decref(bts);
	}
	json_decref(payouts);
}

/* The CSV's rows after its header, as written; *header gets the header line. */
static void csv_rows(const char *body, char *header, size_t hsize, struct strs *out)
{
	const char *p = body;
	int first = 1;

	while (*p) {
		const char *eol = strstr(p, "\r\n");
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char line[512];

		snprintf(line, sizeof line, "%.*s", (int)len, p);
		if (first)
			snprintf(header, hsize, "%s", line);
		else if (strchr(line, ',')) {
			char *comma = strchr(line, ',');
			*comma = '\0';
			strs_add(out, line, comma + 1);
		}
		first = 0;
		p += len;
		if (eol)
			p += 2;
	}
}

static void check_type(struct sbt_server *srv, json_int_t *start, json_int_t *end)
{
	struct sbt_resp r;

	sbt_get(srv, "/v1/reporting/report_types/" TYPE, &r);
	*start = num(r.json, "data_available_start");
	*end = num(r.json, "data_available_end");
	sbt_ok(r.status == 200 && strcmp(str(r.json, "object"), "reporting.report_type") == 0 &&
	               *start > 0 && *start < *end && *end == atoll(SBT_NOW) &&
	               json_array_size(json_object_get(r.json, "default_columns")) >= 2,
	       "the report type says its data runs to the start of the sandbox's day "
	       "(%lld to %lld)",
	       (long long)*start, (long long)*end);
	sbt_resp_free(&r);
	sbt_get(srv, "/v1/reporting/report_types/balance.summary.1", &r);
	sbt_ok(r.status == 404, "an unknown report type is 404 (got %ld)", r.status);
	sbt_resp_free(&r);
	sbt_request(srv, "GET", "/v1/reporting/report_types/" TYPE, NULL, "rk_test_noreports", NULL,
	            0, &r);
	sbt_ok(r.status == 403 && strstr(r.body ? r.body : "", "report_run"),
	       "a restricted key without report runs is refused with 403 (got %ld)", r.status);
	sbt_resp_free(&r);
}

static void expect_400(struct sbt_server *srv, const char *form, const char *param,
                       const char *what)
{
	struct sbt_resp r;
	json_t *err;

	sbt_request(srv, "POST", "/v1/reporting/report_runs", form, SBT_KEY, NULL, 0, &r);
	err = json_object_get(r.json, "error");
	sbt_ok(r.status == 400 && err && strcmp(str(err, "param"), param) == 0 &&
	               str(err, "message")[0],
	       "%s: 400 naming %s (got %ld %s)", what, param, r.status, str(err, "param"));
	sbt_resp_free(&r);
}

/* A run of the interval [from, to) with extra parameters must be a 400 naming param. */
static void expect_run_400(struct sbt_server *srv, json_int_t from, json_int_t to,
                           const char *extra, const char *param, const char *what)
{
	char form[512];

	snprintf(form, sizeof form,
	         "report_type=" TYPE
	         "&parameters[interval_start]=%lld&parameters[interval_end]=%lld%s",
	         (long long)from, (long long)to, extra);
	expect_400(srv, form, param, what);
}

static void check_validation(struct sbt_server *srv, json_int_t start, json_int_t end)
{
	char form[512];

	expect_400(srv, "parameters[interval_start]=1", "report_type", "no report type");
	expect_400(srv, "report_type=balance.summary.1", "report_type", "another report type");
	snprintf(form, sizeof form, "report_type=" TYPE "&parameters[interval_end]=%lld",
	         (long long)end);
	expect_400(srv, form, "parameters[interval_start]", "no interval start");
	expect_run_400(srv, start, end + 86400, "", "parameters[interval_end]",
	               "an interval past data_available_end");
	expect_run_400(srv, start - 86400, end, "", "parameters[interval_start]",
	               "an interval before data_available_start");
	expect_run_400(srv, end - 86400, end - 86400, "", "parameters[interval_end]",
	               "an empty interval");
	expect_run_400(srv, start, end, "&parameters[columns][]=colour", "parameters[columns]",
	               "an unknown column");
	expect_run_400(srv, start, end, "&parameters[timezone]=Asia/Shanghai",
	               "parameters[timezone]", "a time zone the sandbox does not write");
	expect_run_400(srv, start, end, "&colour=blue", "colour", "an unknown parameter");
}

static void check_report(struct sbt_server *srv, json_int_t start, json_int_t end)
{
	char form[512], header[512] = "";
	struct sbt_resp r, again;
	struct strs want = {0}, got = {0};
	json_int_t from = start + 7 * 86400;
	json_t *run, *file;
	size_t same = 0;

	snprintf(form, sizeof form,
	         "report_type=" TYPE
	         "&parameters[interval_start]=%lld&parameters[interval_end]=%lld"
	         "&parameters[columns][0]=balance_transaction_id"
	         "&parameters[columns][1]=automatic_payout_id",
	         (long long)from, (long long)end);
	run = run_report(srv, form, "report-run-1");
	file = json_object_get(run, "result");
	sbt_ok(run && strcmp(str(run, "status"), "succeeded") == 0 &&
	               num(run, "succeeded_at") > 0 &&
	               strcmp(str(file, "purpose"), "finance_report_run") == 0 &&
	               strcmp(str(file, "type"), "csv") == 0 && num(file, "size") > 0,
	       "a run is pending, then succeeds with a CSV file of purpose finance_report_run");
	memset(&r, 0, sizeof r);
	int fetched = file && fetch_file(srv, file, &r) == 0;
	sbt_ok(fetched && (json_int_t)r.len == num(file, "size"),
	       "the file's URL points back at the sandbox and its contents are its size (%zu)",
	       r.len);
	if (r.body)
		csv_rows(r.body, header, sizeof header, &got);
	sbt_ok(strcmp(header, "balance_transaction_id,automatic_payout_id") == 0,
	       "the file's header is the columns asked for, in order (%s)", header);
	listed_pairs(srv, from, end, &want);
	qsort(want.v, want.n, sizeof *want.v, cmp_str);
	qsort(got.v, got.n, sizeof *got.v, cmp_str);
	for (size_t i = 0; i < want.n && i < got.n; i++)
		same += strcmp(want.v[i], got.v[i]) == 0;
	sbt_ok(want.n > 100 && got.n == want.n && same == want.n,
	       "the report's rows are exactly what the list API says each payout arriving in the "
	       "interval paid out (%zu rows, %zu listed, %zu the same)",
	       got.n, want.n, same);
	sbt_resp_free(&r);
	sbt_request(srv, "POST", "/v1/reporting/report_runs", form, SBT_KEY, "report-run-1", 0,
	            &again);
	sbt_ok(again.status == 200 && strcmp(again.replayed, "true") == 0 &&
	               strcmp(str(again.json, "id"), str(run, "id")) == 0,
	       "the same idempotency key gives the same run back");
	sbt_resp_free(&again);
	strs_free(&want);
	strs_free(&got);
	json_decref(run);
}

/* The default columns, the currency filter and the amounts in major units. */
static void check_columns(struct sbt_server *srv, json_int_t start, json_int_t end)
{
	char form[512], path[160];
	struct sbt_resp r, bt;
	json_t *run;
	int rows = 0, usd = 0, amounts = 0;

	snprintf(form, sizeof form,
	         "report_type=" TYPE
	         "&parameters[interval_start]=%lld&parameters[interval_end]=%lld"
	         "&parameters[currency]=usd",
	         (long long)start, (long long)end);
	run = run_report(srv, form, NULL);
	memset(&r, 0, sizeof r);
	sbt_ok(run && fetch_file(srv, json_object_get(run, "result"), &r) == 0 && r.body &&
	               strncmp(r.body,
	                       "automatic_payout_id,automatic_payout_effective_at,"
	                       "balance_transaction_id,created_utc,available_on_utc,currency,"
	                       "gross,fee,net,reporting_category,source_id,description\r\n",
	                       150) == 0,
	       "without columns the file has the default ones");
	for (const char *p = r.body ? strstr(r.body, "\r\n") : NULL; p && p[2];
	     p = strstr(p + 2, "\r\n")) {
		char line[1024], *c[12];
		int n = 0;

		snprintf(line, sizeof line, "%.*s", (int)(strcspn(p + 2, "\r")), p + 2);
		for (char *s = line, *t; n < 12 && (t = strsep(&s, ","));)
			c[n++] = t;
		if (n < 9)
			continue;
		rows++;
		usd += strcmp(c[5], "usd") == 0;
		if (rows <= 20) {
			char want[64];
			json_int_t amount, fee;

			snprintf(path, sizeof path, "/v1/balance_transactions/%s", c[2]);
			sbt_get(srv, path, &bt);
			amount = num(bt.json, "amount");
			fee = num(bt.json, "fee");
			snprintf(want, sizeof want, "%s%lld.%02lld", amount < 0 ? "-" : "",
			         llabs((long long)amount) / 100, llabs((long long)amount) % 100);
			amounts += strcmp(want, c[6]) == 0 &&
			           (fee != 0 || strcmp(c[7], "0.00") == 0) &&
			           strcmp(str(bt.json, "reporting_category"), c[9]) == 0;
			sbt_resp_free(&bt);
		}
	}
	sbt_ok(rows > 0 && usd == rows, "parameters[currency] keeps its currency's rows only (%d)",
	       rows);
	sbt_ok(amounts == (rows < 20 ? rows : 20),
	       "gross is the entry's amount in major units, the category its own (%d of the first "
	       "20)",
	       amounts);
	sbt_resp_free(&r);
	json_decref(run);
}

static void check_failures(struct sbt_server *srv, json_int_t start, json_int_t end)
{
	char form[512];
	struct sbt_resp r;
	json_t *run;
	char file_id[64] = "", path[160];
	static const char pdf[] = "%PDF-1.4 evidence";

	sbt_request(srv, "POST", "/_admin/faults",
	            "kind=report_failed&count=1&path=/v1/reporting/report_runs", NULL, NULL, 0, &r);
	sbt_ok(r.status == 200, "the report_failed fault is known (%ld)", r.status);
	sbt_resp_free(&r);
	snprintf(form, sizeof form,
	         "report_type=" TYPE
	         "&parameters[interval_start]=%lld&parameters[interval_end]=%lld",
	         (long long)start, (long long)end);
	run = run_report(srv, form, NULL);
	sbt_ok(run && strcmp(str(run, "status"), "failed") == 0 && str(run, "error")[0] &&
	               json_is_null(json_object_get(run, "result")),
	       "an injected failure: the run fails with an error and no file");
	json_decref(run);
	sbt_get(srv, "/v1/reporting/report_runs/frr_doesnotexist", &r);
	sbt_ok(r.status == 404, "an unknown run is 404 (got %ld)", r.status);
	sbt_resp_free(&r);
	sbt_upload(srv, SBT_KEY, "dispute_evidence", pdf, sizeof pdf - 1, "e.pdf", NULL, &r);
	snprintf(file_id, sizeof file_id, "%s", str(r.json, "id"));
	sbt_resp_free(&r);
	snprintf(path, sizeof path, "/v1/files/%s/contents", file_id);
	sbt_get(srv, path, &r);
	sbt_ok(file_id[0] && r.status == 404,
	       "an evidence file's contents are not served (got %ld)", r.status);
	sbt_resp_free(&r);
}

int main(void)
{
	struct sbt_server srv;
	json_int_t start = 0, end = 0;

	sbt_start(&srv, seed_args);
	check_type(&srv, &start, &end);
	check_validation(&srv, start, end);
	check_report(&srv, start, end);
	check_columns(&srv, start, end);
	check_failures(&srv, start, end);
	sbt_stop(&srv);
	return sbt_done();
}
