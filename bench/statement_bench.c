/* Statement benchmark: a cache holding one day of N balance transactions (default 100,000,
 * three currencies, a payout reconciled against 20,000 of them, the orders and refunds they
 * come from), then the time to produce that day's text, CSV, JSON and PDF statements through
 * the same calls as 'paydesk statement', and the size of each file.
 * Usage: statement_bench [N] [DIR] [wechatpay] [FORMAT...]
 *   DIR: where the cache and files go (default /tmp); FORMAT: txt, csv, json or pdf (default
 *   all four), to time or profile one renderer alone. "wechatpay": a WeChat Pay merchant's
 *   day instead, its N trade bill rows and N fund flow entries, whose statement reconciles
 *   both bills' summaries against the rows and writes fees to 5 decimals. The statement is
 *   written in the locale's language (LANG=zh_CN.UTF-8 for Chinese), with the catalogs of
 *   the build tree or $PAYDESK_LOCALEDIR. */
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

#include "client/cache_private.h"
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

/* Yuan of fen into buf ("-12.34"), and fees of thousandths of a fen to 5 decimals. */
static void yuan(int64_t fen, char *buf, size_t size)
{
	uint64_t m = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
	snprintf(buf, size, "%s%llu.%02llu", fen < 0 ? "-" : "", (unsigned long long)(m / 100),
	         (unsigned long long)(m % 100));
}

static void fee5(int64_t fine, char *buf, size_t size)
{
	uint64_t m = fine < 0 ? (uint64_t)0 - (uint64_t)fine : (uint64_t)fine;
	snprintf(buf, size, "%s%llu.%05llu", fine < 0 ? "-" : "", (unsigned long long)(m / 100000),
	         (unsigned long long)(m % 100000));
}

/* A WeChat Pay merchant's day (2025-11-24 in China Standard Time) in a cache of the latest
 * schema: n trade bill rows (one refund in 20, a coupon on one payment in 7, fees of 0.6% to
 * thousandths of a fen), the n fund flow entries they make, a withdrawal of the first
 * 20,000, and both bills' summaries as WeChat Pay writes them. Returns 0 or -1. */
static int make_wechatpay_cache(const char *path, long n)
{
	const int64_t day = DAY_START - 8 * 3600;
	sqlite3 *db;
	unlink(path);
	char err_buf[256], *err = NULL;
	if (sqlite3_open(path, &db) != SQLITE_OK || cache_migrate(db, err_buf, sizeof err_buf)) {
		fprintf(stderr, "statement_bench: %s: %s\n", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	sqlite3_stmt *order, *refund, *entry;
	if (sqlite3_exec(db,
	                 "BEGIN; INSERT INTO meta VALUES ('account', '1900000109'),"
	                 " ('account_name', '基准商户 Bench'), ('provider', 'wechatpay');"
	                 "INSERT INTO sync_state(resource, last_success) VALUES ('events',"
	                 " 1764115200);",
	                 NULL, NULL, &err) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	                       "INSERT INTO orders(id, created, amount, currency, status,"
	                       " platform_status, order_ref, settle_amount, discount_amount,"
	                       " fee_fine, fee_rate, bill_day) VALUES (?1, ?2, ?3, 'cny', 'paid',"
	                       " 'succeeded', ?4, ?5, ?6, ?7, '0.60%', '2025-11-24')",
	                       -1, &order, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
	            db,
	            "INSERT INTO refunds(id, created, order_id, amount, currency, status,"
	            " settle_amount, coupon_refund, fee_fine, bill_day) VALUES"
	            " (?1, ?2, ?3, ?4, 'cny', 'succeeded', ?4, 0, ?5, '2025-11-24')",
	            -1, &refund, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	                       "INSERT INTO balance_transactions(id, created, available_on, amount,"
	                       " fee, net, currency, type, reporting_category, source, status,"
	                       " payout_id, bill_day) VALUES (?1, ?2, ?2, ?3, 0, ?3, 'cny', ?4, ?4,"
	                       " ?5, 'available', ?6, '2025-11-24')",
	                       -1, &entry, NULL) != SQLITE_OK) {
		fprintf(stderr, "statement_bench: %s\n", err ? err : sqlite3_errmsg(db));
		sqlite3_free(err);
		sqlite3_close(db);
		return -1;
	}
	int64_t settle = 0, total = 0, refunded = 0, fees = 0, in_sum = 0, out_sum = 0;
	long orders = 0, refunds = 0, in_n = 0, out_n = 0;
	int64_t paid_out = 0, last_amount = 0;
	unsigned seed = 7;
	int rc = SQLITE_DONE;
	for (long i = 0; i < n && rc == SQLITE_DONE; i++) {
		seed = seed * 1103515245u + 12345u;
		char id[40], ref[40], flow[40], src[40];
		int64_t when = day + (i * 86399) / (n > 0 ? n : 1);
		snprintf(flow, sizeof flow, "1900000109202511240%011ld", i);
		int64_t net;
		const char *type;
		if (i % 20 == 7 && last_amount > 0) {
			/* A refund of a third of the payment before it, its fee given back. */
			int64_t amount = last_amount / 3, fine = -amount * 6;
			snprintf(id, sizeof id, "50300%015ld", i);
			snprintf(src, sizeof src, "42000%015ld", i - 1);
			sqlite3_reset(refund);
			sqlite3_bind_text(refund, 1, id, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(refund, 2, when);
			sqlite3_bind_text(refund, 3, src, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(refund, 4, amount);
			sqlite3_bind_int64(refund, 5, fine);
			rc = sqlite3_step(refund);
			refunds++;
			refunded += amount;
			fees += fine;
			net = -(amount + fine / 1000);
			type = "refund";
			memcpy(src, id, sizeof id);
		} else {
			int64_t amount = 500 + (int64_t)(seed % 250000);
			int64_t coupon = i % 7 == 3 ? 300 : 0, fine = (amount - coupon) * 6;
			snprintf(id, sizeof id, "42000%015ld", i);
			snprintf(ref, sizeof ref, "WX-%07ld", i);
			sqlite3_reset(order);
			sqlite3_bind_text(order, 1, id, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(order, 2, when);
			sqlite3_bind_int64(order, 3, amount);
			sqlite3_bind_text(order, 4, ref, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(order, 5, amount - coupon);
			sqlite3_bind_int64(order, 6, coupon);
			sqlite3_bind_int64(order, 7, fine);
			rc = sqlite3_step(order);
			orders++;
			settle += amount - coupon;
			total += amount;
			fees += fine;
			/* The fund flow books the payment less its fee, to the fen. */
			net = amount - coupon - (fine + 500) / 1000;
			type = "charge";
			last_amount = amount;
			memcpy(src, id, sizeof id);
		}
		if (rc != SQLITE_DONE)
			break;
		bool paid = i < 20000;
		if (paid)
			paid_out += net;
		if (net >= 0) {
			in_n++;
			in_sum += net;
		} else {
			out_n++;
			out_sum -= net;
		}
		sqlite3_reset(entry);
		sqlite3_bind_text(entry, 1, flow, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(entry, 2, when);
		sqlite3_bind_int64(entry, 3, net);
		sqlite3_bind_text(entry, 4, type, -1, SQLITE_STATIC);
		sqlite3_bind_text(entry, 5, src, -1, SQLITE_TRANSIENT);
		if (paid)
			sqlite3_bind_text(entry, 6, "10502025112400001", -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(entry, 6);
		rc = sqlite3_step(entry);
	}
	sqlite3_finalize(order);
	sqlite3_finalize(refund);
	sqlite3_finalize(entry);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "statement_bench: %s\n", sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	/* The withdrawal, late in the day, and the summaries the rows make. */
	char s_settle[32], s_total[32], s_refund[32], s_fee[32], s_in[32], s_out[32], s_po[32];
	yuan(settle, s_settle, sizeof s_settle);
	yuan(total, s_total, sizeof s_total);
	yuan(refunded, s_refund, sizeof s_refund);
	fee5(fees, s_fee, sizeof s_fee);
	yuan(in_sum, s_in, sizeof s_in);
	yuan(out_sum + paid_out, s_out, sizeof s_out);
	yuan(paid_out, s_po, sizeof s_po);
	char sql[2048];
	snprintf(
	        sql, sizeof sql,
	        "INSERT INTO balance_transactions(id, created, amount, fee, net, currency, type,"
	        " reporting_category, bill_day) VALUES ('1900000109wd', %lld, %lld, 0, %lld, 'cny',"
	        " 'payout', 'payout', '2025-11-24');"
	        "INSERT INTO payouts(id, created, arrival_date, amount, currency, status,"
	        " balance_transaction, reconciled) VALUES ('10502025112400001', %lld, %lld, %lld,"
	        " 'cny', 'paid', '1900000109wd', 1);"
	        "INSERT INTO bill_days VALUES ('2025-11-24', 'trade', %ld, json_object("
	        " '总交易单数', '%ld', '应结订单总金额', '%s', '退款总金额', '%s',"
	        " '充值券退款总金额', '0.00', '手续费总金额', '%s', '订单总金额', '%s',"
	        " '申请退款总金额', '%s'), 'h', 1764115200),"
	        " ('2025-11-24', 'fundflow', %ld, json_object('资金流水总笔数', '%ld', '收入笔数',"
	        " '%ld', '收入金额', '%s', '支出笔数', '%ld', '支出金额', '%s'), 'h', 1764115200),"
	        " ('2025-11-24', '*', %ld, NULL, NULL, 1764115200); COMMIT;",
	        (long long)(day + 86000), (long long)-paid_out, (long long)-paid_out,
	        (long long)(day + 86000), (long long)(day + 86000), (long long)paid_out, n,
	        orders + refunds, s_settle, s_refund, s_fee, s_total, s_refund, n + 1, n + 1, in_n,
	        s_in, out_n + 1, s_out, 2 * n + 1);
	(void)s_po;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "statement_bench: %s\n", err ? err : "summaries failed");
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

/* Times one format: open the cache, compute, write the file (what the CLI does). A bill
 * platform's day is counted in its zone. */
static int run(const char *cache, enum statement_format format, const char *path, bool bills)
{
	double t0 = now_ms(), c0 = cpu_ms();
	struct ledger *ledger = NULL;
	enum ledger_status ls = ledger_open(cache, &ledger);
	if (ls != LEDGER_OK) {
		fprintf(stderr, "statement_bench: %s\n", ledger_status_message(ls));
		return -1;
	}
	struct statement_options opt = {
	        .from = bills ? DAY_START - 8 * 3600 : DAY_START,
	        .to = (bills ? DAY_START - 8 * 3600 : DAY_START) + 86400,
	        .timezone = bills ? "Asia/Shanghai" : "UTC",
	        .operator_name = "bench",
	        .generated_at = 1764115200,
	        .single_day = true,
	        .keep_items = format == STATEMENT_TXT || format == STATEMENT_PDF,
	        .keep_orders = format == STATEMENT_PDF,
	};
	struct statement *st = NULL;
	char err[1024];
	int r = statement_build(ledger, &opt, &st, err, sizeof err);
	if (r == 0 && bills && st->data->bills)
		printf("bills: %lld of their figures differ from the cache's, %lld days not "
		       "checked\n",
		       (long long)st->data->bills->differences,
		       (long long)st->data->bills->missing);
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
	int first_format = 3;
	const bool bills = argc > 3 && strcmp(argv[3], "wechatpay") == 0;
	if (bills)
		first_format++;
	double t0 = now_ms();
	if ((bills ? make_wechatpay_cache(cache, n) : make_cache(cache, n)) != 0)
		return 1;
	if (bills)
		printf("cache: a WeChat Pay day of %ld trade bill rows and %ld fund flow entries, "
		       "built in %.0f ms\n",
		       n, n + 1, now_ms() - t0);
	else
		printf("cache: %ld balance transactions in one day, built in %.0f ms\n", n,
		       now_ms() - t0);
	enum statement_format formats[4] = {STATEMENT_TXT, STATEMENT_CSV, STATEMENT_JSON,
	                                    STATEMENT_PDF};
	size_t n_formats = 4;
	if (argc > first_format) {
		n_formats = 0;
		for (int a = first_format; a < argc && n_formats < 4; a++) {
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
		if (run(cache, formats[i], path, bills) != 0 ||
		    run(cache, formats[i], path, bills) != 0)
			return 1;
	}
	return 0;
}
