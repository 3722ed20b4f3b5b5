/* Alipay's pieces that need no platform: the response node found in a raw reply exactly as
 * sent (escaped slashes, nested braces, strings holding braces) and refused when it comes
 * twice; bill zips of GBK CSVs written as Alipay writes them (comment lines, markers, ids
 * ending in a tab, refunds negative, a 合计 row), read into the model; times and yuan. */
#include "config.h"

#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zip.h>

#include "client/alipay/alipay.h"
#include "client/client.h"
#include "client/model.h"

static void test_node(void **state)
{
	(void)state;
	static const char reply[] =
	        "{\"alipay_trade_query_response\":{\"code\":\"10000\",\"msg\":\"Success\","
	        "\"url\":\"https:\\/\\/x\\/y\",\"note\":\"a } and a { in words\","
	        "\"fund_bill_list\":[{\"amount\":\"1.00\"}]},\"sign\":\"abc\\/def==\"}";
	const char *start;
	size_t n;
	assert_int_equal(
	        alp_find_node(reply, strlen(reply), "alipay_trade_query_response", &start, &n), 1);
	/* The exact bytes, escapes included: what the platform signed. */
	const char *want = strchr(reply, ':') + 1;
	assert_int_equal(n, (size_t)(strstr(reply, ",\"sign\"") - want));
	assert_memory_equal(start, want, n);
	assert_int_equal(alp_find_node(reply, strlen(reply), "error_response", &start, &n), 0);
	static const char twice[] = "{\"m_response\":{\"code\":\"10000\"},\"sign\":\"x\","
	                            "\"m_response\":{\"code\":\"10000\",\"total\":\"9.99\"}}";
	assert_int_equal(alp_find_node(twice, strlen(twice), "m_response", &start, &n), -1);
	static const char cut[] = "{\"m_response\":{\"code\":\"10000\"";
	assert_int_equal(alp_find_node(cut, strlen(cut), "m_response", &start, &n), 0);
	/* Found by fuzzing: the name written with an escape is the same name to the JSON
	 * reader, which reads the first of the two; the signed one came second. */
	static const char escaped[] = "{\"m_respons\\u0065\":{\"code\":\"10000\",\"total\":"
	                              "\"99999.00\"},\"m_response\":{\"code\":\"10000\"},"
	                              "\"sign\":\"x\"}";
	assert_int_equal(alp_find_node(escaped, strlen(escaped), "m_response", &start, &n), -1);
	static const char escaped_slash[] = "{\"m\\/x\":{},\"m\\u005Fresponse\":{\"a\":1}}";
	assert_int_equal(
	        alp_find_node(escaped_slash, strlen(escaped_slash), "m_response", &start, &n), 1);
	assert_memory_equal(start, "{\"a\":1}", n);
	/* Only the top counts: a member of that name inside another is not what is read. */
	static const char nested[] = "{\"x\":{\"m_response\":{\"code\":\"10000\"}},"
	                             "\"m_response\":{\"code\":\"40004\"},\"sign\":\"s\"}";
	assert_int_equal(alp_find_node(nested, strlen(nested), "m_response", &start, &n), 1);
	assert_memory_equal(start, "{\"code\":\"40004\"}", n);
	/* Found by fuzzing: a bracket closed by the other kind is no JSON, and no node. */
	static const char mismatched[] = "{\"m_response\":{\"a\":[0,\"{\"}]}}";
	assert_int_equal(alp_find_node(mismatched, strlen(mismatched), "m_response", &start, &n),
	                 0);
	static const char only_nested[] = "{\"x\":{\"m_response\":{\"code\":\"10000\"}}}";
	assert_int_equal(alp_find_node(only_nested, strlen(only_nested), "m_response", &start, &n),
	                 0);
}

static void test_time_yuan(void **state)
{
	(void)state;
	assert_int_equal(alp_time("2018-06-08 10:34:56", 19), 1528425296);
	assert_int_equal(alp_time("2018-06-08T10:34:56", 19), 0);
	int64_t f;
	assert_int_equal(alp_yuan("12.34", 5, &f), 0);
	assert_int_equal(f, 1234);
	assert_int_equal(alp_yuan("-0.5", 4, &f), 0);
	assert_int_equal(f, -50);
	assert_int_equal(alp_yuan("1.234", 5, &f), -1);
	assert_int_equal(alp_yuan("", 0, &f), -1);
	char t[20];
	alp_format_time(1528425296, t);
	assert_string_equal(t, "2018-06-08 10:34:56");
}

/* UTF-8 text as GBK, as Alipay writes its bills. */
static char *gbk(const char *utf8, size_t *len)
{
	iconv_t cd = iconv_open("GBK", "UTF-8");
	assert_true(cd != (iconv_t)-1);
	size_t in = strlen(utf8), cap = in * 2 + 16, out = cap;
	char *buf = malloc(cap), *ip = (char *)utf8, *op = buf;
	assert_true(iconv(cd, &ip, &in, &op, &out) != (size_t)-1);
	iconv_close(cd);
	*len = cap - out;
	return buf;
}

static void add_entry(zip_t *z, const char *name_utf8, const char *text)
{
	size_t len, nlen;
	char *data = gbk(text, &len);
	char *name = gbk(name_utf8, &nlen);
	name = realloc(name, nlen + 1);
	name[nlen] = '\0';
	zip_source_t *src = zip_source_buffer(z, data, len, 1);
	assert_non_null(src);
	assert_true(zip_file_add(z, name, src, ZIP_FL_ENC_RAW) >= 0);
	free(name);
}

static const char trade_detail[] =
        "#支付宝交易记录明细查询\r\n"
        "#账号：[20880000000000010156]\r\n"
        "#起始日期：[2026年11月20日 00:00:00]   终止日期：[2026年11月21日 00:00:00]\r\n"
        "#-----------------------------------------业务明细列表------------------------------------"
        "----\r\n"
        "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,"
        "终端号,"
        "对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,"
        "商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,"
        "退款批次号/请求号,服务费（元）,分润（元）,备注\r\n"
        "2026112022001400001\t,ORD-A1\t,交易,\"咖啡, 大杯\",2026-11-20 09:00:00,2026-11-20 "
        "09:00:05,"
        "S01,国贸店,op1,T1,138****8000,30.00,28.00,0.00,0.00,0.00,2.00,0.00,,0.00,0.00,,-0.17,0.00,"
        "\r\n"
        "2026112022001400002\t,ORD-A2\t,交易,茶,2026-11-20 10:00:00,2026-11-20 10:00:01,S01,国贸店,"
        "op2,T1,abc***@163.com,12.50,12.50,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,-0.08,0.00,\r\n"
        "2026111522001400009\t,ORD-A9\t,退款,茶,2026-11-20 11:00:00,2026-11-20 11:00:02,S01,国贸店,"
        "op1,T1,abc***@163.com,-5.00,-5.00,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,act_r1\t,0.03,0.00,"
        "\r\n"
        "#-----------------------------------------业务明细列表结束--------------------------------"
        "----\r\n"
        "#交易合计：2笔，商家实收共40.50元，商家优惠共2.00元\r\n"
        "#退款合计：1笔，商家实收共-5.00元，商家优惠共0.00元\r\n"
        "#导出时间：[2026年11月21日 09:12:00]\r\n";

static const char trade_summary[] =
        "#支付宝业务汇总查询\r\n"
        "门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,"
        "支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,"
        "实收净额（元）\r\n"
        "S01,国贸店,2,1,37.50,35.50,0.00,2.00,0.00,-0.22,0.00,35.28\r\n"
        "合计,,2,1,37.50,35.50,0.00,2.00,0.00,-0.22,0.00,35.28\r\n"
        "#导出时间：[2026年11月21日 09:12:00]\r\n";

struct got {
	int orders, refunds, entries, payouts;
	int64_t fee_fine, received, refund_sum, last_order_fee;
	char first_id[64], first_product[64], store[160], summary[2048], refund_id[128];
	int64_t rows;
};

static int got_object(void *user, const struct model_object *m)
{
	struct got *g = user;
	if (m->kind == MODEL_ORDER) {
		if (!g->orders++) {
			snprintf(g->first_id, sizeof g->first_id, "%s", m->id);
			snprintf(g->first_product, sizeof g->first_product, "%s",
			         m->u.order.description);
			snprintf(g->store, sizeof g->store, "%s", m->metadata ? m->metadata : "");
		}
		if (m->u.order.fee_fine < INT64_MAX - 1000000) /* the largest is checked alone */
			g->fee_fine += m->u.order.fee_fine;
		g->last_order_fee = m->u.order.fee_fine;
		g->received += m->u.order.settle_amount;
	} else if (m->kind == MODEL_REFUND) {
		g->refunds++;
		g->refund_sum += m->u.refund.amount;
		g->fee_fine += m->u.refund.fee_fine;
		snprintf(g->refund_id, sizeof g->refund_id, "%s", m->id);
		assert_string_equal(m->u.refund.action_id, "act_r1");
	} else if (m->kind == MODEL_BALANCE_TX) {
		g->entries++;
	} else if (m->kind == MODEL_PAYOUT) {
		g->payouts++;
	}
	return 0;
}

static int got_summary(void *user, const char *bill, const char *summary, int64_t rows,
                       const char *hash)
{
	(void)bill, (void)hash;
	struct got *g = user;
	snprintf(g->summary, sizeof g->summary, "%s", summary ? summary : "");
	g->rows = rows;
	return 0;
}

static const struct provider_bill_sink sink = {got_object, got_summary};

static void write_zip(const char *path, const char *detail_name, const char *detail,
                      const char *summary_name, const char *summary)
{
	int err;
	unlink(path);
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	assert_non_null(z);
	add_entry(z, detail_name, detail);
	if (summary)
		add_entry(z, summary_name, summary);
	assert_int_equal(zip_close(z), 0);
}

static void test_trade_bill(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof path, "%s/paydesk-alipay-test-%d.zip",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	write_zip(path, "20880000000000010156_20261120_业务明细.csv", trade_detail,
	          "20880000000000010156_20261120_业务明细(汇总).csv", trade_summary);
	struct got g = {0};
	struct provider_result r = {0};
	assert_int_equal(alp_bill_read(path, "trade", "2026-11-20", &sink, &g, &r), 0);
	assert_int_equal(g.orders, 2);
	assert_int_equal(g.refunds, 1);
	assert_int_equal(g.rows, 3);
	/* The tab after the ids is gone; a quoted product name keeps its comma. */
	assert_string_equal(g.first_id, "2026112022001400001");
	assert_string_equal(g.first_product, "咖啡, 大杯");
	assert_non_null(strstr(g.store, "国贸店"));
	assert_int_equal(g.received, 2800 + 1250);
	assert_int_equal(g.refund_sum, 500);
	assert_string_equal(g.refund_id, "2026111522001400009/act_r1");
	/* Fees as written, in thousandths of a fen: -0.17 - 0.08 + 0.03. */
	assert_int_equal(g.fee_fine, 17000 + 8000 - 3000); /* charged less returned */
	assert_non_null(strstr(g.summary, "\"服务费（元）\":\"-0.22\""));
	assert_non_null(
	        strstr(g.summary, "\"交易合计\":\"2笔，商家实收共40.50元，商家优惠共2.00元\""));
	assert_null(strstr(g.summary, "国贸店"));
	/* Not a zip; a zip without a detail file; a row that is not whole. */
	FILE *f = fopen(path, "w");
	fputs("not a zip", f);
	fclose(f);
	assert_int_equal(alp_bill_read(path, "trade", "2026-11-20", &sink, &g, &r), -1);
	write_zip(path, "readme.txt", "hello", NULL, NULL);
	assert_int_equal(alp_bill_read(path, "trade", "2026-11-20", &sink, &g, &r), -1);
	char broken[sizeof trade_detail];
	memcpy(broken, trade_detail, sizeof trade_detail);
	memcpy(strstr(broken, "12.50,12.50"), "12.x0,12.50", 11);
	write_zip(path, "20880000000000010156_20261120_业务明细.csv", broken, NULL, NULL);
	memset(&r, 0, sizeof r);
	assert_int_equal(alp_bill_read(path, "trade", "2026-11-20", &sink, &g, &r), -1);
	assert_non_null(strstr(r.message, "row 2"));
	/* Found by fuzzing: a fee is kept in thousandths of a fen; the largest that fits is
	 * read, one fen more is refused, not overflowed. */
	static const char *const fees[] = {"-92233720368547.75", "-92233720368547.76",
	                                   "92233720368547.76"};
	for (int i = 0; i < 3; i++) {
		char *big = malloc(sizeof trade_detail + 40);
		char *at = strstr(trade_detail, ",-0.08,");
		snprintf(big, sizeof trade_detail + 40, "%.*s,%s,%s", (int)(at - trade_detail),
		         trade_detail, fees[i], at + strlen(",-0.08,"));
		write_zip(path, "20880000000000010156_20261120_业务明细.csv", big, NULL, NULL);
		free(big);
		memset(&r, 0, sizeof r);
		memset(&g, 0, sizeof g);
		if (i == 0) {
			assert_int_equal(alp_bill_read(path, "trade", "2026-11-20", &sink, &g, &r),
			                 0);
			assert_int_equal(g.last_order_fee, INT64_C(9223372036854775000));
		} else {
			assert_int_equal(alp_bill_read(path, "trade", "2026-11-20", &sink, &g, &r),
			                 -1);
			assert_non_null(strstr(r.message, "row 2: 服务费（元） is too large"));
		}
	}
	/* Found by fuzzing: a NUL byte, which would have cut the value short, is refused. */
	size_t glen, nlen;
	char *data = gbk(trade_detail, &glen);
	char *name = gbk("20880000000000010156_20261120_业务明细.csv", &nlen);
	name = realloc(name, nlen + 1);
	name[nlen] = '\0';
	((char *)memmem(data, glen, "ORD-A2", 6))[3] = '\0';
	int err;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	assert_non_null(z);
	zip_source_t *src = zip_source_buffer(z, data, glen, 1);
	assert_true(zip_file_add(z, name, src, ZIP_FL_ENC_RAW) >= 0);
	assert_int_equal(zip_close(z), 0);
	free(name);
	memset(&r, 0, sizeof r);
	assert_int_equal(alp_bill_read(path, "trade", "2026-11-20", &sink, &g, &r), -1);
	assert_non_null(strstr(r.message, "after row 1: it holds a NUL byte"));
	unlink(path);
}

static const char account_detail[] =
        "#支付宝账务明细查询\r\n"
        "#账号：[20880000000000010156]\r\n"
        "#-----------------------------------------账务明细列表------------------------------------"
        "----\r\n"
        "账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,"
        "支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注\r\n"
        "3000001\t,2026112022001400001\t,ORD-A1\t,咖啡,2026-11-20 09:00:05,138****8000,28.00,0.00,"
        "128.00,支付宝,在线支付,\r\n"
        "3000002\t,2026112022001400001\t,ORD-A1\t,咖啡,2026-11-20 09:00:05,,0.00,-0.17,127.83,"
        "支付宝,收费,服务费\r\n"
        "3000003\t,WD20261120\t,,,2026-11-20 05:00:00,银行卡,0.00,-100.00,27.83,支付宝,提现,"
        "自动提现\r\n"
        "#-----------------------------------------账务明细列表结束--------------------------------"
        "----\r\n";

static void test_account_bill(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof path, "%s/paydesk-alipay-acct-%d.zip",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	write_zip(path, "20880000000000010156_20261120_账务明细.csv", account_detail, NULL, NULL);
	struct got g = {0};
	struct provider_result r = {0};
	assert_int_equal(alp_bill_read(path, "signcustomer", "2026-11-20", &sink, &g, &r), 0);
	assert_int_equal(g.entries, 3);
	assert_int_equal(g.payouts, 1);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_node),
	        cmocka_unit_test(test_time_yuan),
	        cmocka_unit_test(test_trade_bill),
	        cmocka_unit_test(test_account_bill),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
