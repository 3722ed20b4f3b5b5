/* The CSV files of a bill, written as Alipay writes them ('#' comment lines around a
 * header and the rows, CRLF line ends, id cells ending in a tab so that spreadsheets
 * keep their digits, amounts in yuan). Built in UTF-8 here; bill.c turns them into GBK
 * and zips them.
 *
 *   trade:         <pid>0156_<date>_业务明细.csv and <pid>0156_<date>_业务明细(汇总).csv
 *   signcustomer:  <pid>0156_<date>_账务明细.csv and <pid>0156_<date>_账务明细(汇总).csv
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sandbox/alipay/alipay.h"

#define EOL "\r\n"

static const char detail_header[] =
        "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,"
        "终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,"
        "支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,"
        "卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注";
static const char summary_header[] =
        "门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,"
        "支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）";
static const char account_header[] =
        "账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,"
        "支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注";
static const char account_summary_header[] =
        "业务类型,收入笔数,收入金额（+元）,支出笔数,支出金额（-元）,总金额（元）";

/* One cell: free text loses what would break the CSV (commas become full-width, line
 * breaks spaces); tab says whether it ends in a tab. */
static void cell(struct sbx_buf *b, const char *s, int tab, int last)
{
	const char *p = s ? s : "";
	size_t run = 0, i;

	for (i = 0; p[i]; i++) {
		if (p[i] != ',' && p[i] != '\n' && p[i] != '\r' && p[i] != '"')
			continue;
		sbx_buf_put(b, p + run, i - run);
		sbx_buf_puts(b, p[i] == ',' ? "，" : p[i] == '"' ? "“" : " ");
		run = i + 1;
	}
	sbx_buf_put(b, p + run, i - run);
	if (tab)
		sbx_buf_put(b, "\t", 1);
	sbx_buf_puts(b, last ? EOL : ",");
}

static void money(struct sbx_buf *b, int64_t fen, int tab)
{
	char v[32];

	ali_yuan(fen, v, sizeof(v));
	cell(b, v, tab, 0);
}

static void when(struct sbx_buf *b, int64_t t)
{
	char v[32];

	ali_fmt_time(t, v, sizeof(v));
	cell(b, v, 0, 0);
}

/* The lines before the header: title, account, period and the list's marker. */
static void preamble(struct sbx_buf *b, const char *title, const char *account, int64_t from,
                     int64_t to, const char *marker)
{
	char a[48], z[48];

	ali_fmt_cn_time(from, a, sizeof(a));
	ali_fmt_cn_time(to, z, sizeof(z));
	sbx_buf_printf(b,
	               "#%s" EOL "#账号：[%s]" EOL "#起始日期：[%s]   终止日期：[%s]" EOL "%s" EOL,
	               title, account, a, z, marker);
}

static void exported(struct sbx_buf *b, int64_t t)
{
	char v[48];

	ali_fmt_cn_time(t, v, sizeof(v));
	sbx_buf_printf(b, "#导出时间：[%s]" EOL, v);
}

/* Sums per store (index + 1; 0 is "no store") for the 汇总 file. */
struct store_sum {
	long trades, refunds;
	int64_t total, receipt, discount, mdiscount, fee;
	int seen;
};

#define TRADE_ROWS_SQL                                                                             \
	"SELECT 0, t.paid, t.trade_no, t.out_trade_no, t.subject, t.created, t.store, t.op,"       \
	" t.terminal, t.party, t.total, t.mdiscount, t.discount, t.coupon, t.point, t.fee,"        \
	" t.voucher, NULL, 0, 0, 0, NULL, t.rowid FROM ali_trades t"                               \
	" WHERE t.paid >= ?1 AND t.paid < ?2"                                                      \
	" UNION ALL SELECT 1, r.created, t.trade_no, t.out_trade_no, t.subject, t.created,"        \
	" t.store, t.op, t.terminal, t.party, 0, 0, 0, 0, 0, 0, NULL, r.out_request_no, r.amount," \
	" r.sent_back, r.fee_back, r.reason, r.rowid FROM ali_refunds r"                           \
	" JOIN ali_trades t ON t.rowid = r.trade WHERE r.created >= ?1 AND r.created < ?2"         \
	" ORDER BY 2, 1, 23"

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int trade_bill(struct sbx *s, const char *account, int64_t from, int64_t to, int64_t stamp,
                      struct ali_file *f)
{
	sqlite3_stmt *st = sbx_prepare(s, TRADE_ROWS_SQL);
	struct sbx_buf *d = &f->csv[0], *u = &f->csv[1];
	struct store_sum sum[16], all;
	long trades = 0, refunds = 0;
	int64_t t_receipt = 0, t_mdiscount = 0, r_receipt = 0, r_mdiscount = 0;
	char v[32];
	size_t i;

	if (st == NULL)
		return -1;
	memset(sum, 0, sizeof(sum));
	memset(&all, 0, sizeof(all));
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	preamble(d, "支付宝业务明细查询", account, from, to,
	         "#-----------------------------------------业务明细列表"
	         "----------------------------------------");
	sbx_buf_puts(d, detail_header);
	sbx_buf_puts(d, EOL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int refund = sqlite3_column_int(st, 0);
		int store = sqlite3_column_int(st, 6);
		int has_store = store >= 0 && (size_t)store < ali_n_stores;
		struct store_sum *ss = &sum[has_store ? store + 1 : 0];

		ss->seen = 1;
		cell(d, col(st, 2), 1, 0);
		cell(d, col(st, 3), 1, 0);
		cell(d, refund ? "退款" : "交易", 1, 0);
		cell(d, col(st, 4), 0, 0);
		when(d, sqlite3_column_int64(st, 5));
		when(d, sqlite3_column_int64(st, 1));
		cell(d, has_store ? ali_stores[store].id : "", 1, 0);
		cell(d, has_store ? ali_stores[store].name : "", 1, 0);
		cell(d, col(st, 7), 1, 0);
		cell(d, col(st, 8), 1, 0);
		cell(d, col(st, 9), 1, 0);
		if (!refund) {
			int64_t total = sqlite3_column_int64(st, 10);
			int64_t mdiscount = sqlite3_column_int64(st, 11);
			int64_t fee = sqlite3_column_int64(st, 15);
			const char *voucher = col(st, 16);
			int has_voucher = voucher && *voucher;

			money(d, total, 0);
			money(d, total - mdiscount, 0);
			money(d, sqlite3_column_int64(st, 13), 0);
			money(d, sqlite3_column_int64(st, 14), 0);
			money(d, sqlite3_column_int64(st, 12), 0);
			money(d, mdiscount, 0);
			money(d, has_voucher ? mdiscount : 0, 0);
			cell(d, has_voucher ? voucher : "", 0, 0);
			money(d, 0, 1);
			money(d, 0, 0);
			cell(d, "", 1, 0);
			money(d, -fee, 0);
			money(d, 0, 0);
			cell(d, "", 0, 1);
			trades++;
			t_receipt += total - mdiscount;
			t_mdiscount += mdiscount;
			ss->trades++;
			ss->total += total;
			ss->receipt += total - mdiscount;
			ss->discount += sqlite3_column_int64(st, 12);
			ss->mdiscount += mdiscount;
			ss->fee -= fee;
		} else {
			int64_t amount = sqlite3_column_int64(st, 18);
			int64_t sent = sqlite3_column_int64(st, 19);
			int64_t fee_back = sqlite3_column_int64(st, 20);

			money(d, -amount, 0);
			money(d, -sent, 0);
			money(d, 0, 0);
			money(d, 0, 0);
			money(d, 0, 0);
			money(d, -(amount - sent), 0);
			money(d, 0, 0);
			cell(d, "", 0, 0);
			money(d, 0, 1);
			money(d, 0, 0);
			cell(d, col(st, 17), 1, 0);
			money(d, fee_back, 0);
			money(d, 0, 0);
			cell(d, col(st, 21), 0, 1);
			refunds++;
			r_receipt -= sent;
			r_mdiscount -= amount - sent;
			ss->refunds++;
			ss->total -= amount;
			ss->receipt -= sent;
			ss->mdiscount -= amount - sent;
			ss->fee += fee_back;
		}
	}
	sqlite3_finalize(st);
	sbx_buf_puts(d, "#-----------------------------------------业务明细列表结束"
	                "------------------------------------" EOL);
	ali_yuan(t_receipt, v, sizeof(v));
	sbx_buf_printf(d, "#交易合计：%ld笔，商家实收共%s元，", trades, v);
	ali_yuan(t_mdiscount, v, sizeof(v));
	sbx_buf_printf(d, "商家优惠共%s元" EOL, v);
	ali_yuan(r_receipt, v, sizeof(v));
	sbx_buf_printf(d, "#退款合计：%ld笔，商家实收退款共%s元，", refunds, v);
	ali_yuan(r_mdiscount, v, sizeof(v));
	sbx_buf_printf(d, "商家优惠退款共%s元" EOL, v);
	exported(d, stamp);

	preamble(u, "支付宝业务汇总查询", account, from, to,
	         "#-----------------------------------------业务汇总列表"
	         "----------------------------------------");
	sbx_buf_puts(u, summary_header);
	sbx_buf_puts(u, EOL);
	for (i = 0; i <= ali_n_stores; i++) {
		struct store_sum *ss = &sum[i];
		char line[512];

		if (!ss->seen)
			continue;
		cell(u, i ? ali_stores[i - 1].id : "", 1, 0);
		cell(u, i ? ali_stores[i - 1].name : "", 1, 0);
		snprintf(line, sizeof(line), "%ld", ss->trades);
		cell(u, line, 0, 0);
		snprintf(line, sizeof(line), "%ld", ss->refunds);
		cell(u, line, 0, 0);
		money(u, ss->total, 0);
		money(u, ss->receipt, 0);
		money(u, ss->discount, 0);
		money(u, ss->mdiscount, 0);
		money(u, 0, 0);
		money(u, ss->fee, 0);
		money(u, 0, 0);
		ali_yuan(ss->receipt + ss->fee, line, sizeof(line));
		cell(u, line, 0, 1);
		all.trades += ss->trades;
		all.refunds += ss->refunds;
		all.total += ss->total;
		all.receipt += ss->receipt;
		all.discount += ss->discount;
		all.mdiscount += ss->mdiscount;
		all.fee += ss->fee;
	}
	sbx_buf_printf(u, "合计,,%ld,%ld,", all.trades, all.refunds);
	money(u, all.total, 0);
	money(u, all.receipt, 0);
	money(u, all.discount, 0);
	money(u, all.mdiscount, 0);
	money(u, 0, 0);
	money(u, all.fee, 0);
	money(u, 0, 0);
	ali_yuan(all.receipt + all.fee, v, sizeof(v));
	cell(u, v, 0, 1);
	sbx_buf_puts(u, "#----------------------------------------业务汇总列表结束"
	                "-------------------------------------" EOL);
	exported(u, stamp);
	return d->failed || u->failed ? -1 : 0;
}

/* The words of the account statement (账务明细) for each kind of entry. */
static const char *const kind_name[] = {"在线支付", "收费", "交易退款", "收费", "提现"};

static int account_bill(struct sbx *s, const char *account, int64_t from, int64_t to, int64_t stamp,
                        struct ali_file *f)
{
	sqlite3_stmt *st = sbx_prepare(
	        s, "SELECT a.id, a.created, a.kind, a.amount, a.balance, t.trade_no, a.order_no,"
	           " t.out_trade_no, t.subject, t.party, r.reason FROM ali_accountlog a"
	           " LEFT JOIN ali_trades t ON t.rowid = a.trade"
	           " LEFT JOIN ali_refunds r ON r.rowid = a.refund"
	           " WHERE a.created >= ? AND a.created < ? ORDER BY a.id");
	struct sbx_buf *d = &f->csv[0], *u = &f->csv[1];
	long n_in[5] = {0}, n_out[5] = {0}, ins = 0, outs = 0;
	int64_t in[5] = {0}, out[5] = {0}, sum_in = 0, sum_out = 0;
	char v[96];
	int k;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	preamble(d, "支付宝账务明细查询", account, from, to,
	         "#-----------------------------------------账务明细列表"
	         "----------------------------------------");
	sbx_buf_puts(d, account_header);
	sbx_buf_puts(d, EOL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int kind = sqlite3_column_int(st, 2);
		int64_t amount = sqlite3_column_int64(st, 3);
		const char *trade_no = col(st, 5);

		if (kind < 0 || kind > ALI_E_WITHDRAW)
			kind = ALI_E_TRADE;
		snprintf(v, sizeof(v), "%lld",
		         (long long)(ALI_LOG_ID_BASE + sqlite3_column_int64(st, 0)));
		cell(d, v, 1, 0);
		cell(d, trade_no ? trade_no : col(st, 6), 1, 0);
		cell(d, col(st, 7), 1, 0);
		cell(d, kind == ALI_E_WITHDRAW ? "提现" : col(st, 8), 1, 0);
		when(d, sqlite3_column_int64(st, 1));
		if (kind == ALI_E_TRADE || kind == ALI_E_REFUND) {
			cell(d, col(st, 9), 1, 0);
		} else if (kind == ALI_E_WITHDRAW) {
			snprintf(v, sizeof(v), "招商银行(尾号%.4s)", ali_state(s)->pid + 12);
			cell(d, v, 1, 0);
		} else {
			cell(d, "支付宝（中国）网络技术有限公司", 1, 0);
		}
		money(d, amount >= 0 ? amount : 0, 0);
		money(d, amount < 0 ? amount : 0, 0);
		money(d, sqlite3_column_int64(st, 4), 0);
		cell(d, "支付宝", 0, 0);
		cell(d, kind_name[kind], 0, 0);
		if (kind == ALI_E_FEE || kind == ALI_E_FEE_BACK) {
			snprintf(v, sizeof(v), "%s[%s]",
			         kind == ALI_E_FEE ? "服务费" : "服务费退回",
			         trade_no ? trade_no : "");
			cell(d, v, 0, 1);
		} else if (kind == ALI_E_WITHDRAW) {
			cell(d, "自动提现", 0, 1);
		} else {
			cell(d, kind == ALI_E_REFUND ? col(st, 10) : "", 0, 1);
		}
		if (amount >= 0) {
			n_in[kind]++;
			in[kind] += amount;
			ins++;
			sum_in += amount;
		} else {
			n_out[kind]++;
			out[kind] += amount;
			outs++;
			sum_out += amount;
		}
	}
	sqlite3_finalize(st);
	sbx_buf_puts(d, "#----------------------------------------账务明细列表结束"
	                "-------------------------------------" EOL);
	ali_yuan(sum_out, v, sizeof(v));
	sbx_buf_printf(d, "#支出合计：%ld笔，共%s元" EOL, outs, v);
	ali_yuan(sum_in, v, sizeof(v));
	sbx_buf_printf(d, "#收入合计：%ld笔，共%s元" EOL, ins, v);
	exported(d, stamp);

	preamble(u, "支付宝账务汇总查询", account, from, to,
	         "#-----------------------------------------账务汇总列表"
	         "----------------------------------------");
	sbx_buf_puts(u, account_summary_header);
	sbx_buf_puts(u, EOL);
	/* One row per 业务类型 (收费 gathers fees and fees given back). */
	for (k = 0; k <= ALI_E_WITHDRAW; k++) {
		long ni = n_in[k], no = n_out[k];
		int64_t vi = in[k], vo = out[k];

		if (k == ALI_E_FEE_BACK)
			continue;
		if (k == ALI_E_FEE) {
			ni += n_in[ALI_E_FEE_BACK];
			no += n_out[ALI_E_FEE_BACK];
			vi += in[ALI_E_FEE_BACK];
			vo += out[ALI_E_FEE_BACK];
		}
		if (ni + no == 0)
			continue;
		sbx_buf_printf(u, "%s,%ld,", kind_name[k], ni);
		money(u, vi, 0);
		sbx_buf_printf(u, "%ld,", no);
		money(u, vo, 0);
		ali_yuan(vi + vo, v, sizeof(v));
		cell(u, v, 0, 1);
	}
	sbx_buf_printf(u, "合计,%ld,", ins);
	money(u, sum_in, 0);
	sbx_buf_printf(u, "%ld,", outs);
	money(u, sum_out, 0);
	ali_yuan(sum_in + sum_out, v, sizeof(v));
	cell(u, v, 0, 1);
	sbx_buf_puts(u, "#----------------------------------------账务汇总列表结束"
	                "-------------------------------------" EOL);
	exported(u, stamp);
	return d->failed || u->failed ? -1 : 0;
}

int ali_bill_csv(struct sbx *s, const char *type, int64_t from, int64_t to, int month,
                 struct ali_file *f)
{
	struct ali_state *st = ali_state(s);
	char account[40], date[16];
	int64_t stamp = to + (month ? 2 * 86400 : 0) + 6 * 3600 + (from / 86400) % 3600;
	int trade = strcmp(type, "trade") == 0;
	int64_t now = sbx_now(s);

	/* Alipay makes a bill once, early the next morning; one asked for sooner shows
	 * the time it was asked for. */
	if (stamp > now)
		stamp = now;
	snprintf(account, sizeof(account), "%s0156", st->pid);
	ali_fmt_compact_date(from, date, sizeof(date));
	if (month)
		date[6] = '\0';
	snprintf(f->names[0], sizeof(f->names[0]), "%s_%s_%s.csv", account, date,
	         trade ? "业务明细" : "账务明细");
	snprintf(f->names[1], sizeof(f->names[1]), "%s_%s_%s(汇总).csv", account, date,
	         trade ? "业务明细" : "账务明细");
	snprintf(f->disposition, sizeof(f->disposition), "attachment; filename=\"%s_%s.csv.zip\"",
	         account, date);
	f->mtime = stamp;
	return trade ? trade_bill(s, account, from, to, stamp, f)
	             : account_bill(s, account, from, to, stamp, f);
}
