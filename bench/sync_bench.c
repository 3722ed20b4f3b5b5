/* Sync benchmark: for each store size given, starts paydesk-sandbox with that many orders,
 * runs a full `paydesk sync` into an empty cache and prints the client's CPU time per
 * synced object, the wall time, the cache's size per order and the peak RSS.
 *
 *   bench/sync_bench [--keep DIR] ORDERS...
 *
 * PAYDESK_BIN and PAYDESK_SANDBOX name the programs (default: ./paydesk and
 * ./paydesk-sandbox). Seeded stores are kept in DIR (default /tmp) as
 * sync-bench-ORDERS.sqlite, so that a second run does not seed again. */
#include "config.h"

#include <errno.h>
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

/* Starts the sandbox with a store of orders; returns its pid and fills port, or -1. */
static pid_t start_sandbox(const char *bin, long orders, const char *db, int *port)
{
	char n[32];
	snprintf(n, sizeof n, "%ld", orders);
	char *const argv[] = {(char *)bin,  "--port", "0",        "--orders", n,
	                      "--days",     "365",    "--seed",   "1",        "--now",
	                      "1790000000", "--db",   (char *)db, "--quiet",  NULL};
	return bench_sandbox_start(argv, port);
}

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

static int bench(long orders, const char *dir, const char *paydesk, const char *sandbox)
{
	char db[600], home[600], cfg[700], cache[700];
	snprintf(db, sizeof db, "%s/sync-bench-%ld.sqlite", dir, orders);
	double t0 = now_s();
	int port;
	pid_t sb = start_sandbox(sandbox, orders, db, &port);
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
	printf("orders %ld: sandbox start %.1f s; sync wall %.2f s; objects %" PRId64
	       "; CPU %.2f s = %.2f us/object; cache %" PRId64 " bytes = %.0f B/order; "
	       "peak RSS %ld KiB\n",
	       orders, seeded, wall, objects, cpu, objects > 0 ? cpu * 1e6 / (double)objects : 0.0,
	       bytes, (double)bytes / (double)orders, ru.ru_maxrss);
	fflush(stdout);
	char cmd[800];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", home);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", home);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = "/tmp";
	int i = 1;
	if (argc > 2 && strcmp(argv[1], "--keep") == 0) {
		dir = argv[2];
		i = 3;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: %s [--keep DIR] ORDERS...\n", argv[0]);
		return 2;
	}
	const char *paydesk = getenv("PAYDESK_BIN") ? getenv("PAYDESK_BIN") : "./paydesk";
	const char *sandbox =
	        getenv("PAYDESK_SANDBOX") ? getenv("PAYDESK_SANDBOX") : "./paydesk-sandbox";
	int rc = 0;
	for (; i < argc; i++)
		if (bench(strtol(argv[i], NULL, 10), dir, paydesk, sandbox) != 0)
			rc = 1;
	return rc;
}
