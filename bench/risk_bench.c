/* The risk rules' cost on a cache (make bench/risk_bench): the best of five runs of every
 * rule over a read-only connection, as `paydesk risk` and the Risk screen run them.
 * Usage: risk_bench CACHE [NOW]   (NOW: Unix seconds, default the clock) */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <sqlite3.h>

#include "client/risk.h"

/* With RISK_BENCH_PROFILE set: each statement's time, for the last run, on stderr. */
static bool profiling;
static int on_profile(unsigned type, void *ctx, void *p, void *x)
{
	(void)ctx;
	if (type != SQLITE_TRACE_PROFILE || !profiling)
		return 0;
	char *sql = sqlite3_expanded_sql(p);
	fprintf(stderr, "%9.1f ms  %.160s\n", (double)*(sqlite3_int64 *)x / 1e6, sql ? sql : "?");
	sqlite3_free(sql);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: risk_bench CACHE [NOW]\n");
		return 2;
	}
	time_t now = argc == 3 ? (time_t)atoll(argv[2]) : time(NULL);
	sqlite3 *db;
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fprintf(stderr, "risk_bench: %s: %s\n", argv[1], sqlite3_errmsg(db));
		return 1;
	}
	/* The screens' page cache (client/query.c). */
	sqlite3_exec(db, "PRAGMA cache_size=-4096", NULL, NULL, NULL);
	if (getenv("RISK_BENCH_PROFILE"))
		sqlite3_trace_v2(db, SQLITE_TRACE_PROFILE, on_profile, NULL);
	struct risk_settings settings = {0};
	struct risk_findings found = {0};
	double best = -1;
	for (int run = 0; run < 5; run++) {
		char err[512];
		struct timespec a, b;
		profiling = run == 4 && getenv("RISK_BENCH_PROFILE");
		clock_gettime(CLOCK_MONOTONIC, &a);
		int n = risk_run(db, &settings, now, &found, err, sizeof err);
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (n < 0) {
			fprintf(stderr, "risk_bench: %s\n", err);
			sqlite3_close(db);
			return 1;
		}
		double ms =
		        (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
		if (best < 0 || ms < best)
			best = ms;
	}
	printf("risk rules: %d findings, best of 5 runs %.1f ms\n", found.n, best);
	risk_findings_free(&found);
	sqlite3_close(db);
	return 0;
}
