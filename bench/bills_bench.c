/* The bill platforms' client-side costs, without a network: the CPU per bill row read and
 * stored (a WeChat Pay trade bill, gzipped as the platform sends it, through the reader into
 * a real cache file; an Alipay trade bill, a zip of GBK CSV, likewise), the cache's bytes per
 * order, and the cost of signing a request and verifying a reply (SHA256withRSA, 2048-bit).
 *
 *   bench/bills_bench [ROWS [wechatpay|alipay|signatures [keep]]]  (default 100000 rows, all)
 *
 * With keep, the caches stay in $TMPDIR (bills-bench-*.db) for comparing their contents.
 * Prints one line per figure. The rows look like the sandbox's: a payment row in 20 gets
 * a refund row, fees at 5 decimals. */
#include "config.h"

#include <iconv.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <zip.h>
#include <zlib.h>

#include "client/alipay/alipay.h"
#include "client/cache_private.h"
#include "client/client.h"
#include "client/crypto.h"
#include "client/model.h"
#include "client/store.h"
#include "client/wechatpay/wechatpay.h"

/* The process's CPU time so far, user and system; *sys gets the system part alone. */
static double cpu_s(double *sys)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double system = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	if (sys)
		*sys = system;
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + system;
}

static double wall_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A growable text. */
struct text {
	char *s;
	size_t len, cap;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		t->cap = t->cap ? t->cap * 2 : 1 << 20;
		t->s = realloc(t->s, t->cap);
		if (!t->s)
			abort();
	}
}

static const char *const products[] = {"云南小粒咖啡 500g", "龙井茶礼盒", "黑糖珍珠奶茶",
                                       "手工水饺 30只", "蓝牙耳机"};

/* A WeChat Pay ALL trade bill of n payment rows (and a refund in 20). */
static void wechat_bill(long n, struct text *t)
{
	add(t, "\xef\xbb\xbf交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,"
	       "商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,"
	       "代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,"
	       "退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\r\n");
	for (long i = 0; i < n; i++) {
		long fen = 100 + (i * 7919) % 50000;
		long fee = fen * 600 / 100; /* 0.60% in 10^-5 yuan: fen * 0.006 * 1000 */
		add(t,
		    "`2026-11-20 %02ld:%02ld:%02ld,`wx2421b1c4370ec43b,`1900000109,`0,`,"
		    "`42000020261120%014ld,`ORD-%07ld,`oUpF8uMuAJO_M2pxb1Q9zNj%05ld,`JSAPI,"
		    "`SUCCESS,`CMB_DEBIT,`CNY,`%ld.%02ld,`0.00,`0,`0,`0.00,`0.00,`,`,`%s,`,"
		    "`0.%05ld,`0.60%%,`%ld.%02ld,`0.00,`\r\n",
		    i / 3600 % 24, i / 60 % 60, i % 60, i, i, i % 100000, fen / 100, fen % 100,
		    products[i % 5], fee % 100000, fen / 100, fen % 100);
		if (i % 20 == 0)
			add(t,
			    "`2026-11-20 23:00:00,`wx2421b1c4370ec43b,`1900000109,`0,`,"
			    "`42000020261120%014ld,`ORD-%07ld,`oUpF8uMuAJO_M2pxb1Q9zNj%05ld,"
			    "`JSAPI,`REFUND,`CMB_DEBIT,`CNY,`0.00,`0.00,`50300020261120%014ld,"
			    "`act_%ld,`1.00,`0.00,`ORIGINAL,`SUCCESS,`%s,`,`-0.00600,`0.60%%,"
			    "`0.00,`1.00,`\r\n",
			    i, i, i % 100000, i, i, products[i % 5]);
	}
	add(t,
	    "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,"
	    "订单总金额,申请退款总金额\r\n`%ld,`0.00,`0.00,`0.00,`0.00000,`0.00,`0.00\r\n",
	    n + (n + 19) / 20);
}

static char *gzip_of(const struct text *t, size_t *out_len)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
	size_t cap = deflateBound(&z, t->len);
	char *out = malloc(cap);
	z.next_in = (unsigned char *)t->s;
	z.avail_in = (uInt)t->len;
	z.next_out = (unsigned char *)out;
	z.avail_out = (uInt)cap;
	deflate(&z, Z_FINISH);
	*out_len = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

/* The sink that stores every row in a real cache, as the sync does. */
struct sink_ctx {
	struct store *store;
	long objects;
};

static int to_cache(void *user, const struct model_object *m)
{
	struct sink_ctx *c = user;
	c->objects++;
	return store_object(c->store, m) == SQLITE_OK ? 0 : -1;
}

static int no_summary(void *user, const char *bill, const char *summary, int64_t rows,
                      const char *hash)
{
	(void)user, (void)bill, (void)summary, (void)rows, (void)hash;
	return 0;
}

static const struct provider_bill_sink sink = {to_cache, no_summary};

/* Opens a fresh cache as a sync's connection: no triggers, its own FTS upkeep. */
static struct cache *fresh_cache(const char *path, sqlite3 **db, struct sink_ctx *ctx)
{
	char err[512];
	unlink(path);
	struct cache *c = cache_open(path, err, sizeof err);
	if (!c) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	*db = cache_db(c);
	sqlite3_db_config(*db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	/* The sync connection's settings (client/sync.c). */
	sqlite3_exec(*db,
	             "PRAGMA cache_size = -8192; PRAGMA wal_autocheckpoint = 16384;"
	             " PRAGMA journal_size_limit = 67108864;",
	             NULL, NULL, NULL);
	ctx->store = store_new(*db, err, sizeof err);
	ctx->objects = 0;
	return c;
}

static long file_size(const char *path)
{
	struct stat st;
	long n = stat(path, &st) == 0 ? (long)st.st_size : 0;
	char wal[600];
	snprintf(wal, sizeof wal, "%s-wal", path);
	if (stat(wal, &st) == 0)
		n += (long)st.st_size;
	return n;
}

/* Whether the caches are kept (the fourth argument). */
static int keep;

static void bench_wechat(long rows, const char *dir)
{
	struct text t = {0};
	wechat_bill(rows, &t);
	size_t zlen;
	char *gz = gzip_of(&t, &zlen);
	char path[512];
	snprintf(path, sizeof path, "%s/bills-bench-wechat.db", dir);
	sqlite3 *db;
	struct sink_ctx ctx;
	struct cache *c = fresh_cache(path, &db, &ctx);
	double s0, c0 = cpu_s(&s0), w0 = wall_s();
	sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	store_defer(ctx.store); /* as the sync stores a bill day (client/sync_bills.c) */
	struct wxp_bill *b = wxp_bill_new(WXP_BILL_TRADE, "2026-11-20", true, &sink, &ctx);
	for (size_t i = 0; i < zlen; i += 65536) {
		size_t n = zlen - i < 65536 ? zlen - i : 65536;
		if (wxp_bill_feed(b, gz + i, n) != n) {
			fprintf(stderr, "the bill did not read: %s\n", wxp_bill_error(b));
			exit(1);
		}
	}
	struct provider_result r;
	if (wxp_bill_finish(b, NULL, &r) != 0) {
		fprintf(stderr, "the bill did not read: %s\n", r.message);
		exit(1);
	}
	int64_t n = wxp_bill_rows(b);
	wxp_bill_free(&b);
	if (store_flush(ctx.store) != SQLITE_OK) {
		fprintf(stderr, "the bill was not stored: %s\n", sqlite3_errmsg(db));
		exit(1);
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	double sys, cpu = cpu_s(&sys) - c0, wall = wall_s() - w0;
	sys -= s0;
	store_free(&ctx.store);
	cache_close(&c);
	printf("wechatpay: %" PRId64
	       " bill rows (%zu KiB gzipped) read and stored: %.2f us CPU per "
	       "row [<= 5] (%.2f in the kernel), %.2f s wall\n",
	       n, zlen / 1024, cpu * 1e6 / (double)n, sys * 1e6 / (double)n, wall);
	printf("wechatpay: cache bytes per order: %ld\n", file_size(path) / rows);
	if (!keep)
		unlink(path);
	free(gz);
	free(t.s);
}

/* An Alipay trade bill of n trades in GBK, zipped, at path. */
static void alipay_zip(long n, const char *path)
{
	struct text t = {0};
	add(&t,
	    "#支付宝交易记录明细查询\r\n#账号：[20880000000000010156]\r\n"
	    "#-----------------------------------------业务明细列表-----------------------------"
	    "-----------\r\n"
	    "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,"
	    "终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,"
	    "支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,"
	    "卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注\r\n");
	for (long i = 0; i < n; i++) {
		long fen = 100 + (i * 7919) % 50000;
		long fee = (fen * 6 + 500) / 1000;
		add(&t,
		    "2026112022001%07ld\t,ORD-%07ld\t,交易,%s,2026-11-20 10:00:00,2026-11-20 "
		    "10:00:05,"
		    "S01,国贸店,op1,T1,138****8000,%ld.%02ld,%ld.%02ld,0.00,0.00,0.00,0.00,0.00,,0."
		    "00,"
		    "0.00,,-%ld.%02ld,0.00,\r\n",
		    i, i, products[i % 5], fen / 100, fen % 100, fen / 100, fen % 100, fee / 100,
		    fee % 100);
	}
	add(&t,
	    "#-----------------------------------------业务明细列表结束------------------------"
	    "------------\r\n#交易合计：%ld笔，商家实收共0.00元，商家优惠共0.00元\r\n",
	    n);
	iconv_t cd = iconv_open("GBK", "UTF-8");
	size_t in = t.len, cap = t.len, out = cap;
	char *gbk = malloc(cap), *ip = t.s, *op = gbk;
	iconv(cd, &ip, &in, &op, &out);
	iconv_close(cd);
	int err;
	unlink(path);
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	zip_source_t *src = zip_source_buffer(z, gbk, cap - out, 1);
	zip_file_add(z, "20880000000000010156_20261120_\xd2\xb5\xce\xf1\xc3\xf7\xcf\xb8.csv", src,
	             ZIP_FL_ENC_RAW);
	zip_close(z);
	free(t.s);
}

static void bench_alipay(long rows, const char *dir)
{
	char zpath[512], path[512];
	snprintf(zpath, sizeof zpath, "%s/bills-bench-alipay.zip", dir);
	snprintf(path, sizeof path, "%s/bills-bench-alipay.db", dir);
	alipay_zip(rows, zpath);
	sqlite3 *db;
	struct sink_ctx ctx;
	struct cache *c = fresh_cache(path, &db, &ctx);
	double s0, c0 = cpu_s(&s0), w0 = wall_s();
	sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	store_defer(ctx.store);
	struct provider_result r;
	if (alp_bill_read(zpath, "trade", "2026-11-20", &sink, &ctx, &r) != 0) {
		fprintf(stderr, "the Alipay bill did not read: %s\n", r.message);
		exit(1);
	}
	if (store_flush(ctx.store) != SQLITE_OK) {
		fprintf(stderr, "the bill was not stored: %s\n", sqlite3_errmsg(db));
		exit(1);
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	double sys, cpu = cpu_s(&sys) - c0, wall = wall_s() - w0;
	sys -= s0;
	store_free(&ctx.store);
	cache_close(&c);
	printf("alipay: %ld bill rows (GBK, zipped) read, converted and stored: %.2f us CPU per "
	       "row "
	       "[<= 5] (%.2f in the kernel), %.2f s wall\n",
	       ctx.objects, cpu * 1e6 / (double)ctx.objects, sys * 1e6 / (double)ctx.objects, wall);
	printf("alipay: cache bytes per order: %ld\n", file_size(path) / rows);
	if (!keep)
		unlink(path);
	unlink(zpath);
}

static void bench_signatures(void)
{
	EVP_PKEY *k = EVP_RSA_gen(2048);
	static const char msg[] =
	        "POST\n/v3/refund/domestic/refunds\n1796054400\n"
	        "593BEC0C930BF1AFEB40B4A08C8FB242\n{\"transaction_id\":"
	        "\"4200002026112000000001\",\"out_refund_no\":\"act_x\","
	        "\"amount\":{\"refund\":100,\"total\":1309,\"currency\":\"CNY\"}}\n";
	char sig[800], err[300];
	int n = 500;
	double c0 = cpu_s(NULL);
	for (int i = 0; i < n; i++)
		crypto_sign(k, msg, sizeof msg - 1, sig, sizeof sig, err, sizeof err);
	double sign = (cpu_s(NULL) - c0) / n;
	c0 = cpu_s(NULL);
	int ok = 0;
	for (int i = 0; i < n; i++)
		ok += crypto_verify(k, msg, sizeof msg - 1, sig, err, sizeof err) == 1;
	double verify = (cpu_s(NULL) - c0) / n;
	printf("signatures (SHA256withRSA, 2048 bits, as both platforms use): sign %.0f us, verify "
	       "%.0f us, per request %.0f us (%d of %d verified)\n",
	       sign * 1e6, verify * 1e6, (sign + verify) * 1e6, ok, n);
	EVP_PKEY_free(k);
}

int main(int argc, char **argv)
{
	long rows = argc > 1 ? atol(argv[1]) : 100000;
	const char *tmp = getenv("TMPDIR");
	const char *dir = tmp && *tmp ? tmp : "/tmp";
	/* As paydesk does (views/main.c): no memory statistics, whose global lock every
	 * allocation would take. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (rows <= 0) {
		fprintf(stderr, "usage: %s [ROWS]\n", argv[0]);
		return 2;
	}
	const char *only = argc > 2 ? argv[2] : "";
	keep = argc > 3 && !strcmp(argv[3], "keep");
	if (!*only || !strcmp(only, "wechatpay"))
		bench_wechat(rows, dir);
	if (!*only || !strcmp(only, "alipay"))
		bench_alipay(rows, dir);
	if (!*only || !strcmp(only, "signatures"))
		bench_signatures();
	return 0;
}
