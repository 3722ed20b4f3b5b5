/* First-sync benchmark of a bill platform: for each store size given, makes a merchant
 * (paydesk-sandbox --init-merchant), starts the sandbox with that many orders over the days
 * asked (default 90), writes a paydesk profile for it, runs `paydesk --profile bench sync`
 * into an empty cache and prints the sync's wall time, the client's CPU (in all, and per
 * bill row stored), the client's peak RSS, the cache's bytes per order, and the sandbox's
 * CPU during the sync (it runs on the same cores).
 *
 *   bench/bills_sync_bench --platform wechatpay|alipay [--days D] [--keep DIR] ORDERS...
 *
 * 900000 orders over 90 days is 10,000 a day. Give a size and a tenth of it to see whether
 * the peak RSS stays flat. PAYDESK_BIN and PAYDESK_SANDBOX name the programs (default
 * ./paydesk and ./paydesk-sandbox). With --keep, the merchant and the seeded store are kept
 * in DIR (bills-sync-PLATFORM-ORDERS/) and used again by the next run of the same size. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
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

/* A process's CPU so far (user + system), from /proc; -1 when it cannot be read. */
static double proc_cpu_s(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* fields 14 and 15 (utime, stime), counted after the command's closing parenthesis */
	const char *p = strrchr(buf, ')');
	unsigned long long ut, st;
	if (!p ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Runs a program to its end with stdout and stderr to /dev/null; its exit status or -1. */
static int run(const char *const argv[])
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			_exit(126);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	int status;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Starts the sandbox as the platform with the merchant's files and a store of orders over
 * days; returns its pid and fills port, or -1. */
static pid_t start_sandbox(const char *bin, const char *platform, const char *merchant, long orders,
                           int days, const char *db, int *port)
{
	char n[32], d[32];
	snprintf(n, sizeof n, "%ld", orders);
	snprintf(d, sizeof d, "%d", days);
	char *const argv[] = {(char *)bin,
	                      "--platform",
	                      (char *)platform,
	                      "--merchant",
	                      (char *)merchant,
	                      "--orders",
	                      n,
	                      "--days",
	                      d,
	                      "--seed",
	                      "1",
	                      "--port",
	                      "0",
	                      "--db",
	                      (char *)db,
	                      "--quiet",
	                      NULL};
	return bench_sandbox_start(argv, port);
}

/* The first line of DIR/NAME into out (an id file of the merchant). */
static int read_id(const char *dir, const char *name, char *out, size_t size)
{
	char path[800];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	if (!f || !fgets(out, (int)size, f)) {
		if (f)
			fclose(f);
		fprintf(stderr, "cannot read %s\n", path);
		return -1;
	}
	fclose(f);
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

/* The profile [bench] for the sandbox at port, with the merchant's files. */
static int write_profile(const char *home, const char *platform, const char *merchant, int port)
{
	char path[800];
	snprintf(path, sizeof path, "%s/paydesk", home);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/paydesk/config", home);
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		return -1;
	}
	fprintf(f,
	        "[bench]\nplatform = %s\napi_base = http://127.0.0.1:%d\ntimezone = "
	        "Asia/Shanghai\n",
	        platform, port);
	static const char *const wechat_keys[] = {"apiclient_key.pem", "apiv3_key"};
	static const char *const alipay_keys[] = {"app_private_key.pem"};
	int rc = 0;
	if (strcmp(platform, "wechatpay") == 0) {
		char mchid[64], serial[128], key_id[128];
		rc = read_id(merchant, "mchid", mchid, sizeof mchid) ||
		     read_id(merchant, "merchant_serial", serial, sizeof serial) ||
		     read_id(merchant, "wechatpay_public_key_id", key_id, sizeof key_id);
		fprintf(f,
		        "mchid = %s\nmerchant_serial = %s\nprivate_key_file = "
		        "%s/apiclient_key.pem\n"
		        "apiv3_key_file = %s/apiv3_key\n"
		        "wechatpay_public_key_file = %s/wechatpay_public_key.pem\n"
		        "wechatpay_public_key_id = %s\n",
		        mchid, serial, merchant, merchant, merchant, key_id);
	} else {
		char app_id[64];
		rc = read_id(merchant, "app_id", app_id, sizeof app_id);
		fprintf(f,
		        "app_id = %s\napp_private_key_file = %s/app_private_key.pem\n"
		        "alipay_public_key_file = %s/alipay_public_key.pem\n",
		        app_id, merchant, merchant);
	}
	fclose(f);
	/* paydesk refuses a key file others may read */
	const char *const *keys = strcmp(platform, "wechatpay") == 0 ? wechat_keys : alipay_keys;
	size_t n_keys = strcmp(platform, "wechatpay") == 0 ? 2 : 1;
	for (size_t i = 0; i < n_keys; i++) {
		snprintf(path, sizeof path, "%s/%s", merchant, keys[i]);
		if (chmod(path, 0600) != 0) {
			perror(path);
			rc = -1;
		}
	}
	return rc;
}

/* One integer from the cache; -1 when it cannot be read. */
static int64_t cache_int(const char *path, const char *sql)
{
	sqlite3 *db;
	int64_t v = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return v;
}

static int64_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

struct options {
	const char *platform, *keep, *paydesk, *sandbox;
	int days;
};

static int bench(const struct options *o, long orders)
{
	char work[512], merchant[640], db[640], home[640], cache[700], wal[720];
	const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	if (o->keep) {
		snprintf(work, sizeof work, "%s/bills-sync-%s-%ld", o->keep, o->platform, orders);
		mkdir(work, 0700);
	} else {
		snprintf(work, sizeof work, "%s/bills-sync-bench.XXXXXX", tmp);
		if (!mkdtemp(work)) {
			perror("mkdtemp");
			return -1;
		}
	}
	snprintf(merchant, sizeof merchant, "%s/merchant", work);
	snprintf(db, sizeof db, "%s/store.sqlite", work);
	struct stat st;
	if (stat(merchant, &st) != 0 || stat(db, &st) != 0) {
		/* a store is only reused with the merchant it was seeded for */
		unlink(db);
		char cmd[700];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", merchant);
		if (system(cmd) != 0)
			return -1;
		const char *argv[] = {o->sandbox, "--platform", o->platform, "--init-merchant",
		                      merchant,   "--quiet",    NULL};
		if (run(argv) != 0) {
			fprintf(stderr, "%s --init-merchant failed\n", o->sandbox);
			return -1;
		}
	}
	double t0 = now_s();
	int port;
	pid_t sb = start_sandbox(o->sandbox, o->platform, merchant, orders, o->days, db, &port);
	if (sb < 0) {
		fprintf(stderr, "cannot start %s\n", o->sandbox);
		return -1;
	}
	double seeded = now_s() - t0, sb_seed_cpu = proc_cpu_s(sb);
	snprintf(home, sizeof home, "%s/home.XXXXXX", work);
	if (!mkdtemp(home) || write_profile(home, o->platform, merchant, port) != 0) {
		bench_sandbox_stop(sb);
		return -1;
	}
	snprintf(cache, sizeof cache, "%s/paydesk/bench.db", home);

	double t1 = now_s(), sb0 = proc_cpu_s(sb);
	pid_t pid = fork();
	if (pid == 0) {
		setenv("XDG_CONFIG_HOME", home, 1);
		setenv("XDG_DATA_HOME", home, 1);
		unsetenv("PAYDESK_PROFILE");
		unsetenv("PAYDESK_NOW");
		if (!freopen("/dev/null", "w", stdout))
			_exit(126);
		execl(o->paydesk, o->paydesk, "--profile", "bench", "sync", (char *)NULL);
		_exit(127);
	}
	int status = 0;
	struct rusage ru;
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
		perror("wait4");
		bench_sandbox_stop(sb);
		return -1;
	}
	double wall = now_s() - t1, sb_cpu = proc_cpu_s(sb) - sb0;
	bench_sandbox_stop(sb);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "paydesk sync failed (status %d)\n", status);
		return -1;
	}
	double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	             (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	int64_t rows = cache_int(cache, "SELECT sum(rows) FROM bill_days WHERE bill <> '*'");
	int64_t days = cache_int(cache, "SELECT count(*) FROM bill_days WHERE bill = '*'");
	int64_t cached = cache_int(cache, "SELECT count(*) FROM orders");
	snprintf(wal, sizeof wal, "%s-wal", cache);
	int64_t bytes = file_size(cache) + file_size(wal);
	printf("%s, %ld orders over %d days: sandbox seeding %.1f s (%.1f s CPU); first sync "
	       "%.1f s wall; %" PRId64 " bill days, %" PRId64 " bill rows, %" PRId64
	       " orders cached; client CPU %.1f s (user %.1f, system %.1f) = %.2f us per bill "
	       "row; client peak RSS %.1f MiB; cache %.0f B per order; sandbox CPU during the "
	       "sync %.1f s\n",
	       o->platform, orders, o->days, seeded, sb_seed_cpu, wall, days, rows, cached, cpu,
	       (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6,
	       rows > 0 ? cpu * 1e6 / (double)rows : 0.0, (double)ru.ru_maxrss / 1024.0,
	       cached > 0 ? (double)bytes / (double)cached : 0.0, sb_cpu);
	fflush(stdout);
	char cmd[800];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", o->keep ? home : work);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", o->keep ? home : work);
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = {.days = 90};
	int i = 1;
	for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		if (strcmp(argv[i], "--platform") == 0)
			o.platform = argv[i + 1];
		else if (strcmp(argv[i], "--keep") == 0)
			o.keep = argv[i + 1];
		else if (strcmp(argv[i], "--days") == 0)
			o.days = atoi(argv[i + 1]);
		else
			break;
	}
	if (i >= argc || !o.platform || o.days <= 0 ||
	    (strcmp(o.platform, "wechatpay") != 0 && strcmp(o.platform, "alipay") != 0)) {
		fprintf(stderr,
		        "usage: %s --platform wechatpay|alipay [--days D] [--keep DIR] ORDERS...\n",
		        argv[0]);
		return 2;
	}
	o.paydesk = getenv("PAYDESK_BIN") ? getenv("PAYDESK_BIN") : "./paydesk";
	o.sandbox = getenv("PAYDESK_SANDBOX") ? getenv("PAYDESK_SANDBOX") : "./paydesk-sandbox";
	int rc = 0;
	for (; i < argc; i++)
		if (bench(&o, strtol(argv[i], NULL, 10)) != 0)
			rc = 1;
	return rc;
}
