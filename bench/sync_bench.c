/* Sync benchmark: for each store size given, starts paydesk-sandbox with that many orders,
 * runs a full `paydesk sync` into an empty cache and prints the client's CPU time per
 * synced object, the wall time, the cache's size per order and the peak RSS.
 *
 *   bench/sync_bench [--keep DIR] [--settlement LIST | --fx] ORDERS...
 *
 * --settlement LIST seeds an account that settles in LIST (the sandbox's option): charges in
 * other currencies are converted. --fx measures each size both ways, interleaved, three
 * rounds: every charge in its own currency, then settling in usd,eur,gbp (the cny and jpy
 * charges, 30% of them, converted), and prints the medians and the difference.
 *
 * PAYDESK_BIN and PAYDESK_SANDBOX name the programs (default: ./paydesk and
 * ./paydesk-sandbox). Seeded stores are kept in DIR (default /tmp) as
 * sync-bench-ORDERS.sqlite, so that a second run does not seed again. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench/bench_sandbox.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Starts the sandbox with a store of orders (settling in `settlement`, NULL for each
 * charge's own currency); returns its pid and fills port, or -1. */
static pid_t start_sandbox(const char *bin, long orders, const char *settlement, const char *db,
                           int *port)
{
	char n[32];
	snprintf(n, sizeof n, "%ld", orders);
	char *const argv[] = {(char *)bin,
	                      "--port",
	                      "0",
	                      "--orders",
	                      n,
	                      "--days",
	                      "365",
	                      "--seed",
	                      "1",
	                      "--now",
	                      "1790000000",
	                      "--db",
	                      (char *)db,
	                      "--quiet",
	                      settlement ? "--settlement" : NULL,
	                      (char *)settlement,
	                      NULL};
	return bench_sandbox_start(argv, port);
}

/* What one run measured. */
struct result {
	double cpu_us, bytes_per_order;
	int64_t objects, converted;
};

static int64_t count_rows(const char *path)
{
	sqlite3 *db;
	int64_t total = 0;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return -1;
	static const char *const tables[] = {"orders",   "payment_intents", "refunds",
	                                     "disputes", "payouts",         "balance_transactions"};
	for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
		char sql[128];
		sqlite3_stmt *st;
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			total += sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return total;
}

static int64_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

static int64_t count_converted(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t n = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db,
	                       "SELECT count(*) FROM balance_transactions WHERE type = 'charge'"
	                       " AND exchange_rate IS NOT NULL",
	                       -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static int bench(long orders, const char *settlement, const char *dir, const char *paydesk,
                 const char *sandbox, struct result *res)
{
	char db[600], home[600], cfg[700], cache[700];
	snprintf(db, sizeof db, "%s/sync-bench-%ld%s%s.sqlite", dir, orders,
	         settlement ? "-settle-" : "", settlement ? settlement : "");
	double t0 = now_s();
	int port;
	pid_t sb = start_sandbox(sandbox, orders, settlement, db, &port);
	if (sb < 0) {
		fprintf(stderr, "cannot start %s\n", sandbox);
		return -1;
	}
	double seeded = now_s() - t0;
	snprintf(home, sizeof home, "%s/sync-bench-home.XXXXXX", dir);
	if (!mkdtemp(home)) {
		perror("mkdtemp");
		bench_sandbox_stop(sb);
		return -1;
	}
	snprintf(cfg, sizeof cfg, "%s/paydesk", home);
	mkdir(cfg, 0700);
	snprintf(cfg, sizeof cfg, "%s/paydesk/config", home);
	FILE *f = fopen(cfg, "w");
	if (!f) {
		perror(cfg);
		bench_sandbox_stop(sb);
		return -1;
	}
	fprintf(f, "[bench]\napi_base = http://127.0.0.1:%d\n", port);
	fclose(f);
	snprintf(cache, sizeof cache, "%s/paydesk/bench.db", home);

	double t1 = now_s();
	pid_t pid = fork();
	if (pid == 0) {
		setenv("XDG_CONFIG_HOME", home, 1);
		setenv("XDG_DATA_HOME", home, 1);
		setenv("PAYDESK_API_KEY", "sk_test_bench", 1);
		if (!freopen("/dev/null", "w", stdout))
			_exit(126);
		execl(paydesk, paydesk, "sync", (char *)NULL);
		_exit(127);
	}
	int status = 0;
	struct rusage ru;
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
		perror("wait4");
		bench_sandbox_stop(sb);
		return -1;
	}
	double wall = now_s() - t1;
	bench_sandbox_stop(sb);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "paydesk sync failed (status %d)\n", status);
		return -1;
	}
	double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	             (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	int64_t objects = count_rows(cache);
	char wal[800];
	snprintf(wal, sizeof wal, "%s-wal", cache);
	int64_t bytes = file_size(cache) + file_size(wal);
	int64_t converted = count_converted(cache);
	if (res)
		*res = (struct result){objects > 0 ? cpu * 1e6 / (double)objects : 0.0,
		                       (double)bytes / (double)orders, objects, converted};
	printf("%s%s%sorders %ld: sandbox start %.1f s; sync wall %.2f s; objects %" PRId64
	       "; CPU %.2f s = %.2f us/object; cache %" PRId64 " bytes = %.0f B/order; "
	       "peak RSS %ld KiB\n",
	       settlement ? "settling in " : "", settlement ? settlement : "",
	       settlement ? ", " : "", orders, seeded, wall, objects, cpu,
	       objects > 0 ? cpu * 1e6 / (double)objects : 0.0, bytes,
	       (double)bytes / (double)orders, ru.ru_maxrss);
	if (converted > 0)
		printf("  converted charges: %" PRId64 "\n", converted);
	fflush(stdout);
	char cmd[800];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", home);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", home);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median3(double a, double b, double c)
{
	double v[3] = {a, b, c};
	qsort(v, 3, sizeof *v, cmp_double);
	return v[1];
}

/* The same store with and without conversion, interleaved, three rounds. */
static int compare_fx(long orders, const char *dir, const char *paydesk, const char *sandbox)
{
	struct result plain[3], fx[3];
	for (int r = 0; r < 3; r++)
		if (bench(orders, NULL, dir, paydesk, sandbox, &plain[r]) != 0 ||
		    bench(orders, "usd,eur,gbp", dir, paydesk, sandbox, &fx[r]) != 0)
			return -1;
	double pc = median3(plain[0].cpu_us, plain[1].cpu_us, plain[2].cpu_us);
	double fc = median3(fx[0].cpu_us, fx[1].cpu_us, fx[2].cpu_us);
	double pb = median3(plain[0].bytes_per_order, plain[1].bytes_per_order,
	                    plain[2].bytes_per_order);
	double fb = median3(fx[0].bytes_per_order, fx[1].bytes_per_order, fx[2].bytes_per_order);
	int64_t charges = fx[0].converted;
	printf("orders %ld, medians of 3: without conversion %.2f us/object, %.0f B/order; "
	       "%" PRId64 " charges converted (%.0f%% of the orders): %.2f us/object (%+.1f%%), "
	       "%.0f B/order (%+.0f B)\n",
	       orders, pc, pb, fx[0].converted, 100.0 * (double)charges / (double)orders, fc,
	       pc > 0 ? 100.0 * (fc - pc) / pc : 0.0, fb, fb - pb);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = "/tmp";
	const char *settlement = NULL;
	bool fx = false;
	int i = 1;
	for (; i < argc; i++) {
		if (strcmp(argv[i], "--keep") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--settlement") == 0 && i + 1 < argc)
			settlement = argv[++i];
		else if (strcmp(argv[i], "--fx") == 0)
			fx = true;
		else
			break;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: %s [--keep DIR] [--settlement LIST | --fx] ORDERS...\n",
		        argv[0]);
		return 2;
	}
	const char *paydesk = getenv("PAYDESK_BIN") ? getenv("PAYDESK_BIN") : "./paydesk";
	const char *sandbox =
	        getenv("PAYDESK_SANDBOX") ? getenv("PAYDESK_SANDBOX") : "./paydesk-sandbox";
	int rc = 0;
	for (; i < argc; i++)
		if ((fx ? compare_fx(strtol(argv[i], NULL, 10), dir, paydesk, sandbox)
		        : bench(strtol(argv[i], NULL, 10), settlement, dir, paydesk, sandbox,
		                NULL)) != 0)
			rc = 1;
	return rc;
}
