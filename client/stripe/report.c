/* What Stripe's automatic payouts paid out, from one run of the Reporting API's payout
 * reconciliation report (payout_reconciliation.itemized.5) instead of a list per payout:
 * the report type says how far its data reaches, a run is created for the interval asked
 * (clamped to that), polled until it has finished, and its CSV file is read as it arrives,
 * two columns a row (balance_transaction_id, automatic_payout_id). The file is fetched only
 * from Stripe's own file host or the profile's api_base: the request carries the key. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/client.h"
#include "client/form.h"
#include "client/http.h"
#include "client/lines.h"
#include "client/outbox.h"
#include "client/provider_private.h"
#include "client/stripe/stripe.h"

#define REPORT_TYPE "payout_reconciliation.itemized.5"
/* Polling a run: the first wait, the longest, and how long a run may take in all. */
#define POLL_FIRST_MS 250
#define POLL_CAP_MS   5000
#define POLL_TOTAL_MS (15 * 60 * 1000)
/* Where Stripe serves files from. */
#define FILES_HOST "https://files.stripe.com/"

static int64_t int_field(const struct jval *obj, const char *key)
{
	const struct jval *v = jval_get(obj, key);
	return jval_is(v, J_INT) ? v->v.i : -1;
}

/* Waits ms, in steps that notice a cancel: 0, or -1 when cancelled. */
static int wait_ms(struct provider *p, long ms)
{
	while (ms > 0) {
		if (p->cancel && *p->cancel)
			return -1;
		long step = ms < 100 ? ms : 100;
		struct timespec ts = {0, step * 1000000L};
		nanosleep(&ts, NULL);
		ms -= step;
	}
	return p->cancel && *p->cancel ? -1 : 0;
}

/* Reading the file. */
struct reading {
	struct lines lines;
	int (*link)(void *user, const char *entry, const char *payout);
	void *user;
	int col_entry, col_payout, n_cols; /* from the header; -1 until it is read */
	int64_t rows, bytes;
	bool stopped; /* link refused a row: its reason is the caller's */
	char err[256];
};

static int each_line(void *ctx, char *line, size_t len)
{
	struct reading *rd = ctx;
	if (len && line[len - 1] == '\r')
		line[--len] = '\0';
	if (rd->col_entry < 0 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0)
		line += 3;
	if (!*line)
		return 0;
	struct lines_field f[32];
	bool unclosed;
	int n = lines_split_csv(line, strlen(line), f, 32, &unclosed);
	/* Each cell ends where the next began (or the line did): it can be ended in place. */
	char *c[32];
	for (int i = 0; i < n; i++) {
		c[i] = (char *)f[i].s;
		c[i][f[i].n] = '\0';
	}
	if (unclosed) {
		snprintf(rd->err, sizeof rd->err,
		         _("the payout reconciliation report has a quote that is not closed, "
		           "after row %" PRId64),
		         rd->rows);
		return -1;
	}
	if (rd->col_entry < 0) {
		for (int i = 0; i < n; i++) {
			if (strcmp(c[i], "balance_transaction_id") == 0)
				rd->col_entry = i;
			else if (strcmp(c[i], "automatic_payout_id") == 0)
				rd->col_payout = i;
		}
		rd->n_cols = n;
		if (rd->col_entry < 0 || rd->col_payout < 0) {
			rd->col_entry = -2;
			snprintf(rd->err, sizeof rd->err,
			         _("the payout reconciliation report has no balance_transaction_id "
			           "or "
			           "automatic_payout_id column"));
			return -1;
		}
		return 0;
	}
	if (n != rd->n_cols) {
		snprintf(rd->err, sizeof rd->err,
		         _("row %" PRId64 " of the payout reconciliation report has %d cells, its "
		           "header %d"),
		         rd->rows + 1, n, rd->n_cols);
		return -1;
	}
	rd->rows++;
	const char *entry = c[rd->col_entry], *payout = c[rd->col_payout];
	if (!*entry || !*payout)
		return 0; /* not paid out by an automatic payout */
	if (rd->link(rd->user, entry, payout) != 0) {
		rd->stopped = true;
		return -1;
	}
	return 0;
}

static size_t sink(void *user, const char *data, size_t n)
{
	struct reading *rd = user;
	rd->bytes += (int64_t)n;
	if (rd->err[0] || rd->stopped)
		return 0;
	return lines_feed(&rd->lines, data, n, each_line, rd, rd->err, sizeof rd->err) == 0 ? n : 0;
}

/* Whether the file's URL may be sent the key: Stripe's file host, or the api_base's own
 * origin (a sandbox, a proxy). A path of the api_base is made whole into url. */
static bool file_url(struct provider *p, const char *given, char *url, size_t size)
{
	const char *base = http_base(p->http);
	if (given[0] == '/' && given[1] != '/') {
		snprintf(url, size, "%s%s", base, given);
		return true;
	}
	size_t blen = strlen(base);
	while (blen && base[blen - 1] == '/')
		blen--;
	/* The origin of the base: up to the first '/' after "scheme://". */
	const char *host = strstr(base, "://");
	size_t olen = blen;
	if (host) {
		const char *slash = memchr(host + 3, '/', blen - (size_t)(host + 3 - base));
		if (slash)
			olen = (size_t)(slash - base);
	}
	bool ok = strncmp(given, FILES_HOST, strlen(FILES_HOST)) == 0 ||
	          (strncmp(given, base, olen) == 0 && given[olen] == '/');
	if (ok)
		snprintf(url, size, "%s", given);
	return ok;
}

/* Creates the run; *id gets its id. 0 or -1. */
static int create_run(struct provider *p, int64_t from, int64_t to, char *id, size_t size,
                      struct provider_result *r)
{
	char action[OUTBOX_ID_SIZE], key[OUTBOX_KEY_SIZE], num[32];
	if (outbox_new_ids(action, key) != 0) {
		provider_fail(r, PROVIDER_INVALID, _("the system gave no randomness for a key"));
		return -1;
	}
	struct form f;
	form_init(&f);
	form_add(&f, "report_type", REPORT_TYPE);
	snprintf(num, sizeof num, "%" PRId64, from);
	form_add(&f, "parameters[interval_start]", num);
	snprintf(num, sizeof num, "%" PRId64, to);
	form_add(&f, "parameters[interval_end]", num);
	form_add(&f, "parameters[columns][0]", "balance_transaction_id");
	form_add(&f, "parameters[columns][1]", "automatic_payout_id");
	struct jdoc *doc = NULL;
	int rc = f.failed ? -1 : 0;
	if (rc != 0)
		provider_fail(r, PROVIDER_INVALID, _("out of memory"));
	else
		rc = http_call(p->http, "POST", "/v1/reporting/report_runs", f.buf, key, &doc, r);
	form_free(&f);
	if (rc != 0)
		return -1;
	const char *got = jval_str(jval_get(jdoc_root(doc), "id"));
	if (got)
		snprintf(id, size, "%s", got);
	jdoc_free(&doc);
	if (!got) {
		provider_fail(r, PROVIDER_BAD_REPLY, _("the report run came back without an id"));
		return -1;
	}
	return 0;
}

/* Polls the run until it has finished: 0 with its file's URL and size, or -1. */
static int await_run(struct provider *p, const char *id, char *url, size_t size, int64_t *bytes,
                     struct provider_result *r)
{
	char path[160];
	snprintf(path, sizeof path, "/v1/reporting/report_runs/%s", id);
	long wait = POLL_FIRST_MS, waited = 0;
	for (;;) {
		if (wait_ms(p, wait) != 0) {
			provider_fail(r, PROVIDER_CANCELLED, _("stopped"));
			return -1;
		}
		waited += wait;
		wait = wait * 2 < POLL_CAP_MS ? wait * 2 : POLL_CAP_MS;
		struct jdoc *doc = NULL;
		if (http_call(p->http, "GET", path, NULL, NULL, &doc, r) != 0)
			return -1;
		const struct jval *run = jdoc_root(doc);
		const char *status = jval_str(jval_get(run, "status"));
		int rc = 1;
		if (status && strcmp(status, "succeeded") == 0) {
			const struct jval *file = jval_get(run, "result");
			const char *given = jval_str(jval_get(file, "url"));
			*bytes = int_field(file, "size");
			rc = 0;
			if (!given) {
				provider_fail(r, PROVIDER_BAD_REPLY,
				              _("the finished report run names no file"));
				rc = -1;
			} else if (!file_url(p, given, url, size)) {
				provider_fail(
				        r, PROVIDER_BAD_REPLY,
				        _("the report's file is on a host that is neither Stripe's "
				          "nor the api_base: it was not fetched (the key would go "
				          "with it)"));
				rc = -1;
			}
		} else if (!status || strcmp(status, "pending") != 0) {
			const char *why = jval_str(jval_get(run, "error"));
			char msg[400];
			snprintf(msg, sizeof msg, _("the report run failed: %s"),
			         why      ? why
			         : status ? status
			                  : "?");
			provider_fail(r, PROVIDER_SERVER_ERROR, msg);
			rc = -1;
		} else if (waited >= POLL_TOTAL_MS) {
			provider_fail(r, PROVIDER_TIMEOUT,
			              _("the payout reconciliation report did not finish in 15 "
			                "minutes"));
			rc = -1;
		}
		jdoc_free(&doc);
		if (rc <= 0)
			return rc;
	}
}

int stripe_payout_report(struct provider *p, int64_t from, int64_t to, int64_t *covered_from,
                         int64_t *covered_to,
                         int (*link)(void *user, const char *entry, const char *payout), void *user,
                         struct provider_result *r)
{
	*covered_from = *covered_to = from;
	struct jdoc *doc = NULL;
	if (http_call(p->http, "GET", "/v1/reporting/report_types/" REPORT_TYPE, NULL, NULL, &doc,
	              r) != 0)
		return -1;
	int64_t start = int_field(jdoc_root(doc), "data_available_start");
	int64_t end = int_field(jdoc_root(doc), "data_available_end");
	jdoc_free(&doc);
	if (start < 0 || end < 0) {
		provider_fail(r, PROVIDER_BAD_REPLY,
		              _("the report type does not say which span its data covers"));
		return -1;
	}
	if (from < start)
		from = start;
	if (to > end)
		to = end;
	memset(r, 0, sizeof *r);
	if (from >= to)
		return 0; /* nothing it covers yet */
	char id[128], url[2048];
	int64_t size = -1;
	if (create_run(p, from, to, id, sizeof id, r) != 0 ||
	    await_run(p, id, url, sizeof url, &size, r) != 0)
		return -1;
	struct reading rd = {.link = link, .user = user, .col_entry = -1, .col_payout = -1};
	struct http_request rq = {.method = "GET",
	                          .path_query = url,
	                          .absolute = true,
	                          .sink = sink,
	                          .sink_user = &rd};
	int rc = http_request(p->http, &rq, &doc, r);
	jdoc_free(&doc);
	/* A file shorter than it says is cut: its last line, maybe cut inside an id, is not
	 * read. */
	if (rc == 0 && !rd.err[0] && !rd.stopped) {
		if (size >= 0 && rd.bytes != size)
			snprintf(rd.err, sizeof rd.err,
			         _("the payout reconciliation report was cut short: %" PRId64
			           " bytes of %" PRId64),
			         rd.bytes, size);
		else if (lines_finish(&rd.lines, each_line, &rd) != 0 && !rd.stopped && !rd.err[0])
			snprintf(rd.err, sizeof rd.err, "%s",
			         _("the report's last line did not read"));
		else if (!rd.err[0] && !rd.stopped && rd.col_entry < 0)
			snprintf(rd.err, sizeof rd.err, "%s",
			         _("the payout reconciliation report is empty"));
	}
	lines_free(&rd.lines);
	if (rd.stopped) {
		provider_fail(r, PROVIDER_CANCELLED, "");
		return -1;
	}
	if (rd.err[0]) {
		provider_fail(r, PROVIDER_BAD_REPLY, rd.err);
		return -1;
	}
	if (rc != 0)
		return -1;
	*covered_from = from;
	*covered_to = to;
	return 0;
}
