/* Statement benchmark: a cache holding one day of N balance transactions (default 100,000,
 * three currencies, a payout reconciled against 20,000 of them, the orders and refunds they
 * come from), then the time to produce that day's text, CSV, JSON and PDF statements through
 * the same calls as 'paydesk statement', and the size of each file.
 * Usage: statement_bench [N] [DIR] [FORMAT...]
 *   DIR: where the cache and files go (default /tmp); FORMAT: txt, csv, json or pdf (default
 *   all four), to time or profile one renderer alone. The statement is written in the
 *   locale's language (LANG=zh_CN.UTF-8 for Chinese), with the catalogs of the build tree
 *   or $PAYDESK_LOCALEDIR. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "client/cache_schema.h"
#include "client/client.h"
#include "views/statement.h"

#define DAY_START 1763942400 /* 2025-11-24 00:00 UTC */

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Fills a new cache with n transactions on the benchmark day. Returns 0 or -1. */
static int make_cache(const char *path, long n)
{
	sqlite3 *db;
	unlink(path);
	if (sqlite3_open(path, &db) != SQLITE_OK) {
		fprintf(stderr, "statement_bench: %s: %s\n", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	char *err = NULL;
	if (sqlite3_exec(db, cache_schema_sql, NULL, NULL, &err) != SQLITE_OK ||
	    sqlite3_exec(db,
	                 "BEGIN; INSERT INTO meta VALUES ('account_id', 'acct_bench'),"
	                 " ('account_name', 'Bench Shop');"
	                 "INSERT INTO sync_state(resource, last_success) VALUES"
	                 " ('balance_transactions', 1764115200), ('payouts', 1764115200);",
	                 NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "statement_bench: %s\n", err ? err : "schema failed");
		sqlite3_free(err);
		sqlite3_close(db);
		return -1;
	}
	sqlite3_stmt *ins, *ins_order, *ins_refund;
	if (sqlite3_prepare_v2(
	            db,
	            "INSERT INTO balance_transactions(id, created, available_on, amount,"
	            " fee, net, currency, type, reporting_category, source, status,"
	            " description, payout_id) VALUES (?,?,?,?,?,?,?,?,?,?,'available',?,?)",
	            -1, &ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	                       "INSERT INTO orders(id, created, amount, currency, status,"
	                       " platform_status, order_ref, description) VALUES"
	                       " (?,?,?,?,'paid','succeeded',?,?)",
	                       -1, &ins_order, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	                       "INSERT INTO refunds(id, created, order_id, amount, currency,"
	                       " status) VALUES (?,?,?,?,?,'succeeded')",
	                       -1, &ins_refund, NULL) != SQLITE_OK) {
		fprintf(stderr, "statement_bench: %s\n", sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	static const char *const cur[] = {"usd", "jpy", "eur"};
	int64_t payout_sum = 0;
	unsigned seed = 7;
	for (long i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		char id[40], src[40], desc[80], order[40], ref[40];
		snprintf(id, sizeof id, "txn_bench%019ld", i);
		snprintf(src, sizeof src, "ch_bench%019ld", i);
		int64_t amount = 500 + (int64_t)(seed % 250000);
		const char *type = "charge", *rc = "charge";
		int64_t fee = amount * 29 / 1000 + 30;
		/* Every sale is an order with the merchant's number; a refund refunds the order
		 * of the sale before it. */
		snprintf(order, sizeof order, "ch_bench%019ld", i);
		snprintf(ref, sizeof ref, "ORD-%07ld", i);
		if (i % 20 == 7) {
			type = "refund", rc = "refund";
			amount = -amount / 3;
			fee = 0;
			snprintf(src, sizeof src, "re_bench%019ld", i);
			snprintf(order, sizeof order, "ch_bench%019ld", i - 1);
		} else if (i % 500 == 11) {
			type = "adjustment", rc = "dispute";
			amount = -amount;
			fee = 1500;
		}
		const char *c = cur[i % 3];
		snprintf(desc, sizeof desc, "Order ORD-%07ld", i);
		bool in_payout = i % 3 == 0 && i < 60000;
		if (in_payout)
			payout_sum += amount - fee;
		sqlite3_reset(ins);
		sqlite3_bind_text(ins, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins, 2, DAY_START + (i * 86399) / (n > 0 ? n : 1));
		sqlite3_bind_int64(ins, 3, DAY_START + 2 * 86400);
		sqlite3_bind_int64(ins, 4, amount);
		sqlite3_bind_int64(ins, 5, fee);
		sqlite3_bind_int64(ins, 6, amount - fee);
		sqlite3_bind_text(ins, 7, c, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 8, type, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 9, rc, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 10, src, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 11, desc, -1, SQLITE_TRANSIENT);
		if (in_payout)
			sqlite3_bind_text(ins, 12, "po_bench", -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(ins, 12);
		sqlite3_stmt *also = NULL;
		if (strcmp(type, "charge") == 0) {
			also = ins_order;
			sqlite3_reset(also);
			sqlite3_bind_text(also, 1, src, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(also, 2, DAY_START + (i * 86399) / (n > 0 ? n : 1));
			sqlite3_bind_int64(also, 3, amount);
			sqlite3_bind_text(also, 4, c, -1, SQLITE_STATIC);
			sqlite3_bind_text(also, 5, ref, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(also, 6, desc, -1, SQLITE_TRANSIENT);
		} else if (strcmp(type, "refund") == 0) {
			also = ins_refund;
			sqlite3_reset(also);
			sqlite3_bind_text(also, 1, src, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(also, 2, DAY_START + (i * 86399) / (n > 0 ? n : 1));
			sqlite3_bind_text(also, 3, order, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(also, 4, -amount);
			sqlite3_bind_text(also, 5, c, -1, SQLITE_STATIC);
		}
		if (sqlite3_step(ins) != SQLITE_DONE ||
		    (also && sqlite3_step(also) != SQLITE_DONE)) {
			fprintf(stderr, "statement_bench: %s\n", sqlite3_errmsg(db));
			sqlite3_finalize(ins);
			sqlite3_finalize(ins_order);
			sqlite3_finalize(ins_refund);
			sqlite3_close(db);
			return -1;
		}
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(ins_order);
	sqlite3_finalize(ins_refund);
	char sql[512];
	snprintf(sql, sizeof sql,
	         "INSERT INTO payouts(id, created, arrival_date, amount, currency, status,"
	         " balance_transaction, reconciled) VALUES ('po_bench', %d, %d, %lld, 'usd',"
	         " 'paid', 'txn_po_bench', 1);"
	         "INSERT INTO balance_transactions(id, created, amount, fee, net, currency, type)"
	         " VALUES ('txn_po_bench', %d, %lld, 0, %lld, 'usd', 'payout'); COMMIT;",
	         DAY_START + 18000, DAY_START + 86400, (long long)payout_sum, DAY_START + 18000,
	         (long long)-payout_sum, (long long)-payout_sum);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "statement_bench: %s\n", err ? err : "payout failed");
		sqlite3_free(err);
		sqlite3_close(db);
		return -1;
	}
	sqlite3_close(db);
	return 0;
}

/* CPU time of this process (user + system) in ms: steadier than the wall clock on a
 * shared machine; both are printed. */
static double cpu_ms(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static long long file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

/* Times one format: open the cache, compute, write the file (what the CLI does). */
static int run(const char *cache, enum statement_format format, const char *path)
{
	double t0 = now_ms(), c0 = cpu_ms();
	struct ledger *ledger = NULL;
	enum ledger_status ls = ledger_open(cache, &ledger);
	if (ls != LEDGER_OK) {
		fprintf(stderr, "statement_bench: %s\n", ledger_status_message(ls));
		return -1;
	}
	struct statement_options opt = {
	        .from = DAY_START,
	        .to = DAY_START + 86400,
	        .timezone = "UTC",
	        .operator_name = "bench",
	        .generated_at = 1764115200,
	        .single_day = true,
	        .keep_items = format == STATEMENT_TXT || format == STATEMENT_PDF,
	        .keep_orders = format == STATEMENT_PDF,
	};
	struct statement *st = NULL;
	char err[1024];
	int r = statement_build(ledger, &opt, &st, err, sizeof err);
	if (r == 0)
		r = statement_save(st, format, path, err, sizeof err);
	if (r != 0)
		fprintf(stderr, "statement_bench: %s\n", err);
	statement_free(&st);
	ledger_close(&ledger);
	double ms = now_ms() - t0, cpu = cpu_ms() - c0;
	if (r == 0)
		printf("%-4s statement: %8.1f ms wall %8.1f ms cpu %10lld bytes  %s\n",
		       statement_format_ext(format), ms, cpu, file_size(path), path);
	return r;
}

#ifdef ENABLE_NLS
/* The catalogs: $PAYDESK_LOCALEDIR, else the build tree's (beside bench/), else installed. */
static void bind_catalogs(const char *argv0)
{
	char dir[1100];
	const char *env = getenv("PAYDESK_LOCALEDIR");
	const char *slash = strrchr(argv0, '/');
	struct stat sb;
	bool built = false;
	if (env && *env) {
		snprintf(dir, sizeof dir, "%s", env);
	} else {
		if (slash && snprintf(dir, sizeof dir, "%.*s/../locale-tree", (int)(slash - argv0),
		                      argv0) < (int)sizeof dir)
			built = stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode);
		if (!built)
			snprintf(dir, sizeof dir, "%s", LOCALEDIR);
	}
	bindtextdomain(PACKAGE, dir);
	bind_textdomain_codeset(PACKAGE, "UTF-8");
	textdomain(PACKAGE);
}
#endif

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
#ifdef ENABLE_NLS
	bind_catalogs(argv[0]);
#endif
	long n = argc > 1 ? atol(argv[1]) : 100000;
	const char *dir = argc > 2 ? argv[2] : "/tmp";
	char cache[1024], path[1100];
	snprintf(cache, sizeof cache, "%s/statement-bench.db", dir);
	double t0 = now_ms();
	if (make_cache(cache, n) != 0)
		return 1;
	printf("cache: %ld balance transactions in one day, built in %.0f ms\n", n, now_ms() - t0);
	enum statement_format formats[4] = {STATEMENT_TXT, STATEMENT_CSV, STATEMENT_JSON,
	                                    STATEMENT_PDF};
	size_t n_formats = 4;
	if (argc > 3) {
		n_formats = 0;
		for (int a = 3; a < argc && n_formats < 4; a++) {
			if (!statement_format_parse(argv[a], &formats[n_formats])) {
				fprintf(stderr, "statement_bench: unknown format %s\n", argv[a]);
				return 2;
			}
			n_formats++;
		}
	}
	for (size_t i = 0; i < n_formats; i++) {
		snprintf(path, sizeof path, "%s/statement-bench.%s", dir,
		         statement_format_ext(formats[i]));
		/* Twice: the first run warms the page cache and, for PDF, fontconfig. */
		if (run(cache, formats[i], path) != 0 || run(cache, formats[i], path) != 0)
			return 1;
	}
	return 0;
}
