/* Measures paydesk-sandbox --platform wechatpay: the time to seed N orders (start to the
 * port line: seeding, indices, keys), the time to produce one day's trade bill (the API
 * call renders it and hashes it; the download renders it again, gzip'd or not) and fund
 * flow bill, over signed requests, and the sandbox's peak memory. Prints the figures;
 * asserts nothing.
 *
 * Usage: wechatpay_bench [--orders N] [--days D] [--runs R]
 * (defaults: 900000 orders over 90 days, 5 runs; $PAYDESK_SANDBOX or ./paydesk-sandbox) */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/sandbox/wxt.h"

#define NOON "1767240000" /* 2026-01-01 12:00 Shanghai; yesterday is 2025-12-31 */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static long status_kb(pid_t pid, const char *name)
{
	char path[64], line[256];
	size_t n = strlen(name);
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, name, n) == 0 && line[n] == ':')
			kb = atol(line + n + 1);
	fclose(f);
	return kb;
}

struct timing {
	double api, download;
	size_t bytes, rows;
};

/* One bill: the signed API call, then its download. */
static int bill(struct sbt_server *srv, const struct wxt_merchant *m, const char *query,
                struct timing *t)
{
	struct wxt_resp api, d;
	double t0 = now_s();
	size_t i;

	wxt_call(srv, m, "GET", query, NULL, NULL, 0, &api);
	t->api = now_s() - t0;
	if (api.status != 200 || !wxt_verify(&api, m->wxpub)) {
		fprintf(stderr, "wechatpay_bench: %s: %ld %s\n", query, api.status,
		        api.body ? api.body : "");
		wxt_resp_free(&api);
		return -1;
	}
	t0 = now_s();
	wxt_call(srv, m, "GET", json_string_value(json_object_get(api.json, "download_url")), NULL,
	         NULL, 0, &d);
	t->download = now_s() - t0;
	t->bytes = d.len;
	t->rows = 0;
	for (i = 0; i < d.len; i++)
		t->rows += d.body[i] == '\n';
	wxt_resp_free(&d);
	wxt_resp_free(&api);
	return 0;
}

static void report(const char *what, double *v, int runs)
{
	qsort(v, (size_t)runs, sizeof(*v), cmp_double);
	printf("%-44s median %7.1f ms (min %.1f, max %.1f)\n", what, v[runs / 2] * 1e3, v[0] * 1e3,
	       v[runs - 1] * 1e3);
}

int main(int argc, char **argv)
{
	const char *orders = "900000", *days = "90";
	const char *tmp = getenv("TMPDIR");
	char dir[512], db[600], cmd[700];
	struct wxt_merchant m;
	struct sbt_server srv;
	double t0, seed, api[3][16], dl[3][16];
	static const char *const queries[3] = {
	        "/v3/bill/tradebill?bill_date=2025-12-31&bill_type=ALL",
	        "/v3/bill/tradebill?bill_date=2025-12-31&bill_type=ALL&tar_type=GZIP",
	        "/v3/bill/fundflowbill?bill_date=2025-12-31&account_type=BASIC",
	};
	static const char *const names[3] = {"trade bill ALL", "trade bill ALL, gzip",
	                                     "fund flow bill BASIC"};
	struct timing t[3];
	int runs = 5, i, q;

	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--orders") == 0)
			orders = argv[i + 1];
		else if (strcmp(argv[i], "--days") == 0)
			days = argv[i + 1];
		else if (strcmp(argv[i], "--runs") == 0)
			runs = atoi(argv[i + 1]) > 0 && atoi(argv[i + 1]) <= 16 ? atoi(argv[i + 1])
			                                                        : 5;
	}
	snprintf(dir, sizeof(dir), "%s/wx-bench.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(db, sizeof(db), "%s/store.db", dir);
	snprintf(cmd, sizeof(cmd), "%s/merchant", dir);
	if (wxt_init_merchant(cmd) != 0 || wxt_load(&m, cmd) != 0) {
		fprintf(stderr, "wechatpay_bench: cannot make a merchant\n");
		return 1;
	}
	{
		const char *args[] = {"--platform", "wechatpay", "--merchant", cmd,      "--db",
		                      db,           "--orders",  orders,       "--days", days,
		                      "--now",      NOON,        NULL};

		t0 = now_s();
		sbt_start(&srv, args);
		seed = now_s() - t0;
	}
	wxt_sync_clock(&srv);
	printf("seed %s orders over %s days (start to port line) %.2f s; peak RSS %ld MiB\n",
	       orders, days, seed, status_kb(srv.pid, "VmHWM") / 1024);
	for (i = 0; i < runs; i++) {
		for (q = 0; q < 3; q++) {
			if (bill(&srv, &m, queries[q], &t[q]) != 0)
				return 1;
			api[q][i] = t[q].api;
			dl[q][i] = t[q].download;
		}
	}
	printf("one day: %zu lines, %zu bytes (trade ALL); %zu bytes gzip'd; fund flow %zu lines\n",
	       t[0].rows, t[0].bytes, t[1].bytes, t[2].rows);
	for (q = 0; q < 3; q++) {
		char what[96];

		snprintf(what, sizeof(what), "%s: API call (render + SHA1)", names[q]);
		report(what, api[q], runs);
		snprintf(what, sizeof(what), "%s: download", names[q]);
		report(what, dl[q], runs);
	}
	{
		struct sbt_resp r;

		t0 = now_s();
		sbt_request(&srv, "GET", "/_admin/checksum", NULL, NULL, NULL, 0, &r);
		printf("GET /_admin/checksum over the 90 days: %.2f s (%ld)\n", now_s() - t0,
		       r.status);
		sbt_resp_free(&r);
	}
	printf("sandbox peak RSS %ld MiB\n", status_kb(srv.pid, "VmHWM") / 1024);
	sbt_stop(&srv);
	wxt_free(&m);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
