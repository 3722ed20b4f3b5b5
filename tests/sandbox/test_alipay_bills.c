/* Alipay's bills over real HTTP: the download link (T+1, none for today, none before
 * 2016, expiring after 30 seconds of the sandbox clock), the zip of GBK files with GBK
 * names, the layout of 业务明细 and its 汇总 (comment lines, markers, 25 and 12 columns,
 * id cells ending in a tab, refund rows negative, totals equal to the rows), the account
 * statement against the account log, and month bills. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/sandbox/alit.h"

static const char *const seed_args[] = {"--seed", "11",    "--orders", "6000", "--days",
                                        "45",     "--now", SBT_NOW,    NULL};

#define MAXL 20000

static const char detail_marker[] = "#-----------------------------------------业务明细列表--------"
                                    "--------------------------------";
static const char detail_end[] = "#-----------------------------------------业务明细列表结束-------"
                                 "-----------------------------";
static const char summary_marker[] = "#-----------------------------------------业务汇总列表-------"
                                     "---------------------------------";
static const char summary_end[] = "#----------------------------------------业务汇总列表结束-------"
                                  "------------------------------";
static const char detail_header[] =
        "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,"
        "终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,"
        "支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,"
        "卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注";
static const char summary_header[] =
        "门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,"
        "支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）";

/* Totals of a detail file, to compare with its trailer and its 汇总. */
struct sums {
	long trades, refunds;
	long long t_receipt, t_mdiscount, r_receipt, r_mdiscount, total, receipt, discount,
	        mdiscount, fee;
};

/* Checks one day's trade bill; adds its sums to *out. 1 when every check held. */
static int check_trade_day(struct alit *a, const char *date, struct sums *out, int verbose)
{
	struct alit_bill b;
	char *l[MAXL], *c[40], want[200], compact[16];
	int n, lf, i, ok = 1;
	struct sums s;
	const char *bad = "";

	memset(&s, 0, sizeof(s));
	if (alit_bill_fetch(a, "trade", date, &b) != 0)
		return 0;
	snprintf(compact, sizeof(compact), "%.4s%.2s%.2s", date, date + 5, date + 8);
	snprintf(want, sizeof(want), "%s0156_%s_业务明细.csv", a->pid, compact);
	if (!b.gbk_names || strcmp(b.name[0], want) != 0)
		ok = 0, bad = "names";
	snprintf(want, sizeof(want), "%s0156_%s_业务明细(汇总).csv", a->pid, compact);
	if (strcmp(b.name[1], want) != 0)
		ok = 0, bad = "summary name";
	n = alit_lines(b.text[0], l, MAXL, &lf);
	snprintf(want, sizeof(want), "#账号：[%s0156]", a->pid);
	if (lf || n < 9 || strcmp(l[0], "#支付宝业务明细查询") != 0 || strcmp(l[1], want) != 0 ||
	    strncmp(l[2], "#起始日期：[", 16) != 0 || !strstr(l[2], "00:00:00]   终止日期：[") ||
	    strcmp(l[3], detail_marker) != 0 || strcmp(l[4], detail_header) != 0)
		ok = 0, bad = "preamble";
	for (i = 5; ok && i < n && l[i][0] != '#'; i++) {
		int k = alit_cells(l[i], c, 40), refund;
		long long total, receipt, mdiscount, fee;

		if (k != 25 || !alit_ends_tab(c[0]) || !alit_ends_tab(c[1]) ||
		    !alit_ends_tab(c[2]) || !alit_ends_tab(c[6]) || !alit_ends_tab(c[7]) ||
		    !alit_ends_tab(c[8]) || !alit_ends_tab(c[9]) || !alit_ends_tab(c[10]) ||
		    !alit_ends_tab(c[19]) || !alit_ends_tab(c[21]) ||
		    strlen(alit_strip_tab(c[0])) != 28) {
			ok = 0, bad = "cells";
			break;
		}
		refund = strcmp(alit_strip_tab(c[2]), "退款") == 0;
		if (!refund && strcmp(c[2], "交易") != 0)
			ok = 0, bad = "业务类型";
		total = alit_fen(c[11]);
		receipt = alit_fen(c[12]);
		mdiscount = alit_fen(c[16]);
		fee = alit_fen(c[22]);
		if (total == ALIT_BAD || receipt == ALIT_BAD || mdiscount == ALIT_BAD ||
		    fee == ALIT_BAD || receipt != total - mdiscount)
			ok = 0, bad = "amounts";
		if (refund ? !(total < 0 && receipt <= 0 && fee >= 0 && *alit_strip_tab(c[21]))
		           : !(total > 0 && fee <= 0 && *alit_strip_tab(c[21]) == '\0'))
			ok = 0, bad = "signs";
		if (refund) {
			s.refunds++;
			s.r_receipt += receipt;
			s.r_mdiscount += mdiscount;
		} else {
			s.trades++;
			s.t_receipt += receipt;
			s.t_mdiscount += mdiscount;
			s.discount += alit_fen(c[15]);
		}
		s.total += total;
		s.receipt += receipt;
		s.mdiscount += mdiscount;
		s.fee += fee;
	}
	if (ok) {
		char t1[200], t2[200];

		snprintf(t1, sizeof(t1),
		         "#交易合计：%ld笔，商家实收共%lld.%02lld元，商家优惠共%lld.%02lld元",
		         s.trades, s.t_receipt / 100, s.t_receipt % 100, s.t_mdiscount / 100,
		         s.t_mdiscount % 100);
		snprintf(t2, sizeof(t2),
		         "#退款合计：%ld笔，商家实收退款共%s%lld.%02lld元，"
		         "商家优惠退款共%s%lld.%02lld元",
		         s.refunds, s.r_receipt < 0 ? "-" : "", -s.r_receipt / 100,
		         -s.r_receipt % 100, s.r_mdiscount < 0 ? "-" : "", -s.r_mdiscount / 100,
		         -s.r_mdiscount % 100);
		if (i + 4 > n || strcmp(l[i], detail_end) != 0 || strcmp(l[i + 1], t1) != 0 ||
		    strcmp(l[i + 2], t2) != 0 || strncmp(l[i + 3], "#导出时间：[", 16) != 0)
			ok = 0, bad = "trailer";
	}
	/* The 汇总: one row per store, then 合计 equal to the store rows and the detail. */
	n = alit_lines(b.text[1], l, MAXL, &lf);
	if (ok && (lf || n < 8 || strcmp(l[0], "#支付宝业务汇总查询") != 0 ||
	           strcmp(l[3], summary_marker) != 0 || strcmp(l[4], summary_header) != 0))
		ok = 0, bad = "summary preamble";
	if (ok) {
		long long col[12] = {0};

		for (i = 5; i < n && strncmp(l[i], "合计,", 7) != 0; i++) {
			int k = alit_cells(l[i], c, 40);

			if (k != 12 || !alit_ends_tab(c[0]) || !alit_ends_tab(c[1])) {
				ok = 0, bad = "summary row";
				break;
			}
			col[2] += atol(c[2]);
			col[3] += atol(c[3]);
			for (int j = 4; j < 12; j++)
				col[j] += alit_fen(c[j]);
		}
		if (ok && i < n && alit_cells(l[i], c, 40) == 12) {
			if (atol(c[2]) != col[2] || atol(c[3]) != col[3] || col[2] != s.trades ||
			    col[3] != s.refunds || alit_fen(c[4]) != s.total ||
			    alit_fen(c[5]) != s.receipt || alit_fen(c[9]) != s.fee ||
			    alit_fen(c[7]) != s.mdiscount || alit_fen(c[6]) != s.discount ||
			    alit_fen(c[11]) != s.receipt + s.fee)
				ok = 0, bad = "合计";
			for (int j = 4; j < 12; j++)
				if (alit_fen(c[j]) != col[j])
					ok = 0, bad = "合计 columns";
			if (i + 2 >= n || strcmp(l[i + 1], summary_end) != 0 ||
			    strncmp(l[i + 2], "#导出时间：[", 16) != 0)
				ok = 0, bad = "summary trailer";
		} else {
			ok = 0, bad = "no 合计";
		}
	}
	if (!ok && verbose)
		sbt_diag("bill %s: %s", date, bad);
	if (out) {
		out->trades += s.trades;
		out->refunds += s.refunds;
		out->total += s.total;
	}
	alit_bill_free(&b);
	return ok;
}

static void check_links(struct alit *a, const char *yesterday, const char *today)
{
	struct alit_reply r;
	char month[16];

	alit_bill_ask(a, "trade", today, &r);
	sbt_ok(strcmp(r.code, "40004") == 0 && strcmp(r.sub_code, "isp.bill_not_exist") == 0 &&
	               r.verified,
	       "no bill for today (T+1): 40004 isp.bill_not_exist");
	alit_reply_free(&r);
	alit_bill_ask(a, "trade", "2015-12-31", &r);
	sbt_ok(strcmp(r.sub_code, "isp.bill_not_exist") == 0, "none before 2016 either");
	alit_reply_free(&r);
	alit_bill_ask(a, "trade", "2026-1-1", &r);
	sbt_ok(strcmp(r.code, "40002") == 0, "a date not yyyy-MM-dd or yyyy-MM is refused");
	alit_reply_free(&r);
	alit_bill_ask(a, "fund", yesterday, &r);
	sbt_ok(strcmp(r.code, "40002") == 0,
	       "a bill_type other than trade/signcustomer is refused");
	alit_reply_free(&r);
	snprintf(month, sizeof(month), "%.7s", today);
	alit_bill_ask(a, "trade", month, &r);
	sbt_ok(strcmp(r.sub_code, "isp.bill_not_exist") == 0, "no bill for this month yet");
	alit_reply_free(&r);
	alit_bill_ask(a, "trade", "2016-06-01", &r);
	sbt_ok(strcmp(r.code, "10000") == 0 &&
	               strcmp(alit_str(&r, "bill_file_code"), "EMPTY_DATA_WITH_BILL_FILE") == 0,
	       "a day without business: a link, with bill_file_code EMPTY_DATA_WITH_BILL_FILE");
	alit_reply_free(&r);

	alit_bill_ask(a, "trade", yesterday, &r);
	{
		char url[1024];
		struct sbt_resp g;

		snprintf(url, sizeof(url), "%s", alit_path_of(alit_str(&r, "bill_download_url")));
		sbt_ok(strcmp(r.code, "10000") == 0 && r.verified &&
		               strncmp(alit_str(&r, "bill_download_url"),
		                       "http://127.0.0.1:", 17) == 0 &&
		               json_object_get(r.json, "bill_file_code") == NULL,
		       "yesterday's bill: a loopback link");
		json_decref(alit_admin(a, "/_admin/advance", "seconds=31"));
		sbt_request(&a->srv, "GET", url, NULL, NULL, NULL, 0, &g);
		sbt_ok(g.status == 403, "31 seconds later the link has expired (HTTP %ld)",
		       g.status);
		sbt_resp_free(&g);
	}
	alit_reply_free(&r);
}

static void check_account_day(struct alit *a, const char *date, long long day)
{
	struct alit_bill b;
	char *l[MAXL], *c[40], from[32], to[32];
	int n, lf, i, ok = 1, page;
	size_t k = 0;
	long long in = 0, out = 0;
	long ins = 0, outs = 0;
	json_t *log = json_array();

	alit_time(day, from, sizeof(from));
	alit_time(day + 86400, to, sizeof(to));
	for (page = 1; page < 100; page++) {
		struct alit_reply r;
		char biz[200];
		size_t got;

		snprintf(biz, sizeof(biz),
		         "{\"start_time\":\"%s\",\"end_time\":\"%s\",\"page_no\":\"%d\"}", from, to,
		         page);
		alit_call(a, "alipay.data.bill.accountlog.query", biz, &r);
		got = json_array_size(json_object_get(r.json, "detail_list"));
		json_array_extend(log, json_object_get(r.json, "detail_list"));
		alit_reply_free(&r);
		if (got < 2000)
			break;
	}
	if (alit_bill_fetch(a, "signcustomer", date, &b) != 0) {
		sbt_ok(0, "the account statement of %s", date);
		json_decref(log);
		return;
	}
	n = alit_lines(b.text[0], l, MAXL, &lf);
	if (lf || n < 9 || strcmp(l[0], "#支付宝账务明细查询") != 0 ||
	    strcmp(l[4],
	           "账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,"
	           "收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注") != 0)
		ok = 0;
	for (i = 5; ok && i < n && l[i][0] != '#'; i++, k++) {
		json_t *e = json_array_get(log, k);
		long long plus, minus;

		if (alit_cells(l[i], c, 40) != 12 || e == NULL || !alit_ends_tab(c[0]) ||
		    strcmp(alit_strip_tab(c[0]),
		           json_string_value(json_object_get(e, "account_log_id"))) != 0 ||
		    strcmp(c[8], json_string_value(json_object_get(e, "balance"))) != 0) {
			ok = 0;
			break;
		}
		plus = alit_fen(c[6]);
		minus = alit_fen(c[7]);
		if (plus + minus != alit_fen(json_string_value(json_object_get(e, "trans_amount"))))
			ok = 0;
		if (plus > 0 || (plus == 0 && minus == 0)) {
			ins++;
			in += plus;
		} else {
			outs++;
			out += minus;
		}
	}
	if (ok) {
		char t1[120], t2[120];

		snprintf(t1, sizeof(t1), "#支出合计：%ld笔，共%s%lld.%02lld元", outs,
		         out < 0 ? "-" : "", -out / 100, -out % 100);
		snprintf(t2, sizeof(t2), "#收入合计：%ld笔，共%lld.%02lld元", ins, in / 100,
		         in % 100);
		if (k != json_array_size(log) || i + 3 >= n || strncmp(l[i], "#---", 4) != 0 ||
		    !strstr(l[i], "账务明细列表结束") || strcmp(l[i + 1], t1) != 0 ||
		    strcmp(l[i + 2], t2) != 0)
			ok = 0;
	}
	sbt_ok(ok && k > 0,
	       "the account statement of %s: 12 columns, row for row the account log's entries "
	       "(%zu), 支出/收入 totals",
	       date, k);
	alit_bill_free(&b);
	json_decref(log);
}

int main(void)
{
	struct alit a;
	long long now, today;
	char yesterday[16], today_s[16], date[16], month[24];
	int all = 1, days = 0;
	struct sums month_sum, dsum;
	struct alit_bill mb;

	alit_make_merchant(&a);
	alit_start(&a, seed_args);
	now = alit_now(&a);
	today = alit_day(now);
	alit_date(today, today_s, sizeof(today_s));
	alit_date(today - 86400, yesterday, sizeof(yesterday));
	sbt_ok(check_trade_day(&a, yesterday, NULL, 1),
	       "yesterday's trade bill: GBK names %s0156_<date>_业务明细(汇总).csv without the "
	       "UTF-8 "
	       "flag; 业务明细 with its comment lines, markers, 25 columns, id cells ending in a "
	       "tab, refunds negative, trailer totals; 汇总 with 12 columns and a 合计 row equal "
	       "to "
	       "the rows",
	       a.pid);
	/* Every day of the last month, and the month's bill against them. */
	memset(&month_sum, 0, sizeof(month_sum));
	{
		int y = atoi(today_s), m = atoi(today_s + 5) - 1;

		if (m == 0) {
			m = 12;
			y--;
		}
		snprintf(month, sizeof(month), "%04d-%02d", y % 10000, m % 100);
	}
	for (long long d = today - 40 * 86400LL; d < today; d += 86400) {
		alit_date(d, date, sizeof(date));
		if (strncmp(date, month, 7) != 0)
			continue;
		days++;
		if (!check_trade_day(&a, date, &month_sum, 1))
			all = 0;
	}
	sbt_ok(all && days >= 28, "every trade bill of %s (%d days) has that layout", month, days);
	memset(&dsum, 0, sizeof(dsum));
	if (alit_bill_fetch(&a, "trade", month, &mb) == 0) {
		char *l[MAXL * 3], *c[40];
		int lf, n = alit_lines(mb.text[0], l, MAXL * 3, &lf), i;
		char want[120];

		snprintf(want, sizeof(want), "%s0156_%.4s%.2s_业务明细.csv", a.pid, month,
		         month + 5);
		for (i = 5; i < n && l[i][0] != '#'; i++) {
			alit_cells(l[i], c, 40);
			if (strcmp(alit_strip_tab(c[2]), "退款") == 0)
				dsum.refunds++;
			else
				dsum.trades++;
			dsum.total += alit_fen(c[11]);
		}
		sbt_ok(strcmp(mb.name[0], want) == 0 && dsum.trades == month_sum.trades &&
		               dsum.refunds == month_sum.refunds && dsum.total == month_sum.total,
		       "the month's bill (%s) holds the days' rows: %ld trades, %ld refunds", month,
		       dsum.trades, dsum.refunds);
		alit_bill_free(&mb);
	} else {
		sbt_ok(0, "the month's bill (%s)", month);
	}
	check_account_day(&a, yesterday, today - 86400);
	check_links(&a, yesterday, today_s);
	alit_stop(&a);
	alit_free(&a);
	return sbt_done();
}
