/* The bills of a statement's days, for the platforms whose history is daily bills (WeChat
 * Pay, Alipay): every figure of each bill's summary as the platform wrote it (bill_days), and
 * the same figure computed again from the rows the sync stored from that bill (orders and
 * refunds of its trade bill, balance entries of its fund flow or account statement, each
 * marked with its bill day), compared exactly. The platform's figures are text ("45.0",
 * "0.07854", "12笔，商家实收共1.00元，…") read as decimals, never as floating point.
 *
 * Also: the withdrawals that pay out a balance begun before the first bill day the cache
 * holds, which no cache can reconcile. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "client/client.h"
#include "client/days.h"
#include "client/ledger.h"
#include "client/ledger_private.h"

/* The mark the sync leaves on a day whose bills are all in (client/sync_bills.c). */
#define DAY_DONE "*"

const char *ledger_check_key(enum ledger_check check)
{
	switch (check) {
	case LEDGER_CHECK_EQUAL:
		return "equal";
	case LEDGER_CHECK_DIFFERENT:
		return "different";
	case LEDGER_CHECK_ABSENT:
		return "absent";
	case LEDGER_CHECK_NOT_KEPT:
		return "not_kept";
	case LEDGER_CHECK_NOT_CHECKED:
		break;
	}
	return "not_checked";
}

const char *ledger_bill_state_key(enum ledger_bill_state state)
{
	switch (state) {
	case LEDGER_BILL_IN_CACHE:
		return "in_cache";
	case LEDGER_BILL_NONE:
		return "none";
	case LEDGER_BILL_MISSING:
		return "missing";
	case LEDGER_BILL_NOT_YET:
		return "not_yet";
	case LEDGER_BILL_EXPIRED:
		break;
	}
	return "expired";
}

bool ledger_decimal(const char *text, size_t len, int precision, int64_t *out)
{
	const char *s = text, *e = text + len;
	bool neg = false;
	if (s < e && (*s == '-' || *s == '+'))
		neg = *s++ == '-';
	int64_t v = 0;
	int frac = -1, digits = 0;
	for (; s < e; s++) {
		if (*s == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (*s < '0' || *s > '9')
			return false;
		digits++;
		if (frac >= precision) {
			/* Beyond the precision only zeros: "45.0" is 45, "0.078541" is no fee. */
			if (*s != '0')
				return false;
			continue;
		}
		if (v > (INT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (*s - '0');
		if (frac >= 0)
			frac++;
	}
	if (digits == 0)
		return false;
	for (int k = frac < 0 ? 0 : frac; k < precision; k++) {
		if (v > INT64_MAX / 10)
			return false;
		v *= 10;
	}
	*out = neg ? -v : v;
	return true;
}

/* ---- What each figure sums ---- */

/* The sums of one bill day's cached rows that the figures are made of. The *_n counts are
 * the rows that keep a column (the others have it NULL: the cache cannot sum it). */
struct day_sums {
	int64_t orders, refunds;
	int64_t o_amount, o_settle, o_discount, o_fee;
	int64_t o_settle_n, o_discount_n, o_fee_n;
	int64_t r_amount, r_applied, r_coupon, r_fee;
	int64_t r_applied_n, r_coupon_n, r_fee_n;
	/* Alipay's columns that only the rows' raw JSON keeps. */
	int64_t alipay_discount, card, share, r_received, r_discount;
	int64_t r_received_n, r_discount_n;
	bool raw_bad; /* a raw amount that is not a number */
	/* balance entries: every one, income (zero included) and expenses */
	int64_t entries, in_n, in_sum, out_n, out_sum;
};

enum formula {
	F_ROWS,            /* orders and refunds */
	F_ORDERS,          /* orders */
	F_REFUNDS,         /* refunds */
	F_O_AMOUNT,        /* orders' amounts */
	F_O_SETTLE,        /* what the merchant is paid for the orders */
	F_O_DISCOUNT,      /* the orders' merchant discounts */
	F_R_AMOUNT,        /* refunds' amounts */
	F_R_APPLIED,       /* refunds applied for */
	F_R_COUPON,        /* recharge coupons refunded */
	F_FEES,            /* every row's fee: charged less returned (the cache's sign) */
	F_FEES_CASH,       /* the same as the merchant's cash (Alipay's 服务费: charged < 0) */
	F_NET_AMOUNT,      /* orders' amounts less refunds' (Alipay writes refunds negative) */
	F_SETTLE_ALL,      /* received for orders and given back for refunds, as written */
	F_DISCOUNT_ALL,    /* merchant discounts of orders and refunds, as written */
	F_ALIPAY_DISCOUNT, /* from the raw rows */
	F_CARD,
	F_SHARE,
	F_NET_RECEIVED, /* received, plus fees and profit sharing as written (negative) */
	F_R_RECEIVED,   /* given back for refunds, as written (negative) */
	F_R_DISCOUNT,   /* merchant discounts given back, as written (negative) */
	F_ENTRIES,      /* balance entries */
	F_IN_N,
	F_IN_SUM,
	F_OUT_N,
	F_OUT_SUM,     /* expenses as a positive sum (WeChat Pay's 支出金额) */
	F_OUT_SUM_NEG, /* expenses as a negative sum (Alipay's 支出金额（-元）) */
	F_TOTAL_SUM,   /* income and expenses */
};

/* One figure a bill's summary states: its names (the first is the one shown; the others
 * are older names of it), its English words, and what it sums. */
struct figure_def {
	const char *names[4];
	const char *gloss;
	const char *key;
	enum ledger_unit unit;
	enum formula formula;
	const char *line; /* Alipay: the '#' total line it is part of ("交易合计"), else NULL */
	const char *part; /* the part's words in that line ("商家实收"); NULL: its count */
};

/* clang-format off */
static const struct figure_def wxp_trade[] = {
	{{"总交易单数"}, N_("Rows: orders and refunds"), "rows", LEDGER_UNIT_COUNT, F_ROWS, NULL, NULL},
	{{"应结订单总金额", "总交易额"}, N_("Settlement amount"), "settlement_total",
	 LEDGER_UNIT_MONEY, F_O_SETTLE, NULL, NULL},
	{{"退款总金额", "总退款金额"}, N_("Refunds settled"), "refund_total", LEDGER_UNIT_MONEY, F_R_AMOUNT,
	 NULL, NULL},
	{{"充值券退款总金额", "总企业红包退款金额", "总代金券或立减优惠退款金额"},
	 N_("Recharge coupons refunded"), "coupon_refund_total", LEDGER_UNIT_MONEY, F_R_COUPON, NULL,
	 NULL},
	{{"手续费总金额"}, N_("Fees less fees refunded"), "fee_total", LEDGER_UNIT_FEE, F_FEES, NULL,
	 NULL},
	{{"订单总金额"}, N_("Order amount"), "order_total", LEDGER_UNIT_MONEY, F_O_AMOUNT, NULL, NULL},
	{{"申请退款总金额"}, N_("Refunds applied for"), "applied_refund_total", LEDGER_UNIT_MONEY,
	 F_R_APPLIED, NULL, NULL},
};

static const struct figure_def wxp_fundflow[] = {
	{{"资金流水总笔数"}, N_("Fund flow entries"), "entries", LEDGER_UNIT_COUNT, F_ENTRIES, NULL, NULL},
	{{"收入笔数"}, N_("Income entries"), "income_count", LEDGER_UNIT_COUNT, F_IN_N, NULL, NULL},
	{{"收入金额"}, N_("Income amount"), "income_total", LEDGER_UNIT_MONEY, F_IN_SUM, NULL, NULL},
	{{"支出笔数"}, N_("Expense entries"), "expense_count", LEDGER_UNIT_COUNT, F_OUT_N, NULL, NULL},
	{{"支出金额"}, N_("Expense amount"), "expense_total", LEDGER_UNIT_MONEY, F_OUT_SUM, NULL, NULL},
};

static const struct figure_def alp_trade[] = {
	{{"交易订单总笔数"}, N_("Trades"), "trades", LEDGER_UNIT_COUNT, F_ORDERS, NULL, NULL},
	{{"退款订单总笔数"}, N_("Refund orders"), "refunds", LEDGER_UNIT_COUNT, F_REFUNDS, NULL, NULL},
	{{"订单金额（元）"}, N_("Order amount, refunds less"), "order_total", LEDGER_UNIT_MONEY,
	 F_NET_AMOUNT, NULL, NULL},
	{{"商家实收（元）"}, N_("Received by the merchant"), "received_total", LEDGER_UNIT_MONEY,
	 F_SETTLE_ALL, NULL, NULL},
	{{"支付宝优惠（元）"}, N_("Alipay discounts"), "alipay_discount_total", LEDGER_UNIT_MONEY,
	 F_ALIPAY_DISCOUNT, NULL, NULL},
	{{"商家优惠（元）"}, N_("Merchant discounts"), "merchant_discount_total", LEDGER_UNIT_MONEY,
	 F_DISCOUNT_ALL, NULL, NULL},
	{{"卡消费金额（元）"}, N_("Card payments"), "card_total", LEDGER_UNIT_MONEY, F_CARD, NULL,
	 NULL},
	{{"服务费（元）"}, N_("Service fees"), "fee_total", LEDGER_UNIT_FEE, F_FEES_CASH, NULL, NULL},
	{{"分润（元）"}, N_("Profit sharing"), "share_total", LEDGER_UNIT_MONEY, F_SHARE, NULL, NULL},
	{{"实收净额（元）"}, N_("Net received"), "net_received", LEDGER_UNIT_MONEY, F_NET_RECEIVED,
	 NULL, NULL},
	{{"交易合计 笔数"}, N_("Trades, total line"), "trade_line_count",
	 LEDGER_UNIT_COUNT, F_ORDERS, "交易合计", NULL},
	{{"交易合计 商家实收"}, N_("Received, total line"), "trade_line_received",
	 LEDGER_UNIT_MONEY, F_O_SETTLE, "交易合计", "商家实收"},
	{{"交易合计 商家优惠"}, N_("Discounts, total line"),
	 "trade_line_discount", LEDGER_UNIT_MONEY, F_O_DISCOUNT, "交易合计", "商家优惠"},
	{{"退款合计 笔数"}, N_("Refunds, total line"), "refund_line_count",
	 LEDGER_UNIT_COUNT, F_REFUNDS, "退款合计", NULL},
	{{"退款合计 商家实收退款"}, N_("Received back, total line"),
	 "refund_line_received", LEDGER_UNIT_MONEY, F_R_RECEIVED, "退款合计", "商家实收退款"},
	{{"退款合计 商家优惠退款"}, N_("Discounts back, total line"),
	 "refund_line_discount", LEDGER_UNIT_MONEY, F_R_DISCOUNT, "退款合计", "商家优惠退款"},
};

static const struct figure_def alp_account[] = {
	{{"收入笔数"}, N_("Income entries"), "income_count", LEDGER_UNIT_COUNT, F_IN_N, NULL, NULL},
	{{"收入金额（+元）"}, N_("Income in the account"), "income_total", LEDGER_UNIT_MONEY, F_IN_SUM, NULL,
	 NULL},
	{{"支出笔数"}, N_("Expense entries"), "expense_count", LEDGER_UNIT_COUNT, F_OUT_N, NULL, NULL},
	{{"支出金额（-元）"}, N_("Expenses from the account"), "expense_total", LEDGER_UNIT_MONEY, F_OUT_SUM_NEG,
	 NULL, NULL},
	{{"总金额（元）"}, N_("Income less expenses"), "total", LEDGER_UNIT_MONEY, F_TOTAL_SUM, NULL,
	 NULL},
};
/* clang-format on */

enum rows_kind { ROWS_TRADE, ROWS_ENTRIES };

/* One bill a platform makes each day. */
struct bill_def {
	const char *bill; /* bill_days.bill */
	const char *name; /* the platform's words */
	const char *gloss;
	enum rows_kind rows;
	bool raw_columns; /* Alipay's trade bill: figures from the rows' raw JSON */
	const struct figure_def *figures;
	size_t n_figures;
};

#define FIGURES(t) t, sizeof t / sizeof *t
static const struct bill_def wxp_bills[] = {
        {"trade", "交易账单", N_("Trade bill"), ROWS_TRADE, false, FIGURES(wxp_trade)},
        {"fundflow", "资金账单", N_("Fund flow bill"), ROWS_ENTRIES, false, FIGURES(wxp_fundflow)},
};
static const struct bill_def alp_bills[] = {
        {"trade", "业务明细", N_("Trade details"), ROWS_TRADE, true, FIGURES(alp_trade)},
        {"signcustomer", "账务明细", N_("Account statement"), ROWS_ENTRIES, false,
         FIGURES(alp_account)},
};

/* The bills of a platform, by its name. */
static const struct bill_def *platform_bills(const struct provider_platform *pl, size_t *n)
{
	if (strcmp(pl->name, "wechatpay") == 0) {
		*n = sizeof wxp_bills / sizeof *wxp_bills;
		return wxp_bills;
	}
	if (strcmp(pl->name, "alipay") == 0) {
		*n = sizeof alp_bills / sizeof *alp_bills;
		return alp_bills;
	}
	*n = 0;
	return NULL;
}

/* The figure's value from the sums, in its unit's scale. false when the cache does not
 * keep what it sums; *overflow when it does not fit. */
static bool evaluate(enum formula f, const struct day_sums *d, int64_t *out, bool *overflow)
{
	int64_t v = 0;
	bool ok = true;
	switch (f) {
	case F_ROWS:
		ok = money_add(d->orders, d->refunds, &v);
		break;
	case F_ORDERS:
		v = d->orders;
		break;
	case F_REFUNDS:
		v = d->refunds;
		break;
	case F_O_AMOUNT:
		v = d->o_amount;
		break;
	case F_O_SETTLE:
		if (d->o_settle_n < d->orders)
			return false;
		v = d->o_settle;
		break;
	case F_O_DISCOUNT:
		if (d->o_discount_n < d->orders)
			return false;
		v = d->o_discount;
		break;
	case F_R_AMOUNT:
		v = d->r_amount;
		break;
	case F_R_APPLIED:
		if (d->r_applied_n < d->refunds)
			return false;
		v = d->r_applied;
		break;
	case F_R_COUPON:
		if (d->r_coupon_n < d->refunds)
			return false;
		v = d->r_coupon;
		break;
	case F_FEES:
		if (d->o_fee_n < d->orders || d->r_fee_n < d->refunds)
			return false;
		ok = money_add(d->o_fee, d->r_fee, &v);
		break;
	case F_FEES_CASH: {
		bool more;
		if (!evaluate(F_FEES, d, &v, &more))
			return false;
		v = -v;
		break;
	}
	case F_NET_AMOUNT:
		ok = money_sub(d->o_amount, d->r_amount, &v);
		break;
	case F_SETTLE_ALL:
		if (d->o_settle_n < d->orders || d->r_received_n < d->refunds || d->raw_bad)
			return false;
		ok = money_add(d->o_settle, d->r_received, &v);
		break;
	case F_DISCOUNT_ALL:
		if (d->o_discount_n < d->orders || d->r_discount_n < d->refunds || d->raw_bad)
			return false;
		ok = money_add(d->o_discount, d->r_discount, &v);
		break;
	case F_ALIPAY_DISCOUNT:
		if (d->raw_bad)
			return false;
		v = d->alipay_discount;
		break;
	case F_CARD:
		if (d->raw_bad)
			return false;
		v = d->card;
		break;
	case F_SHARE:
		if (d->raw_bad)
			return false;
		v = d->share;
		break;
	case F_NET_RECEIVED: {
		int64_t received;
		bool more;
		if (!evaluate(F_SETTLE_ALL, d, &received, &more) ||
		    !evaluate(F_FEES_CASH, d, &v, &more) || d->raw_bad)
			return false;
		/* Fees are kept in thousandths of the fen: whole fen only. */
		if (v % 1000 != 0)
			return false;
		ok = money_add(received, v / 1000, &v) && money_add(v, d->share, &v);
		break;
	}
	case F_R_RECEIVED:
		if (d->r_received_n < d->refunds || d->raw_bad)
			return false;
		v = d->r_received;
		break;
	case F_R_DISCOUNT:
		if (d->r_discount_n < d->refunds || d->raw_bad)
			return false;
		v = d->r_discount;
		break;
	case F_ENTRIES:
		v = d->entries;
		break;
	case F_IN_N:
		v = d->in_n;
		break;
	case F_IN_SUM:
		v = d->in_sum;
		break;
	case F_OUT_N:
		v = d->out_n;
		break;
	case F_OUT_SUM:
		ok = money_sub(0, d->out_sum, &v);
		break;
	case F_OUT_SUM_NEG:
		v = d->out_sum;
		break;
	case F_TOTAL_SUM:
		ok = money_add(d->in_sum, d->out_sum, &v);
		break;
	}
	if (!ok) {
		*overflow = true;
		return false;
	}
	*out = v;
	return true;
}

/* ---- Reading the cache ---- */

static int64_t col_i64(sqlite3_stmt *st, int col)
{
	return sqlite3_column_int64(st, col);
}

/* Runs a one-row query of day into out[n]. */
static enum ledger_status one_row(struct ledger *l, const char *sql, const char *day,
                                  int64_t *const out[], int n)
{
	sqlite3_stmt *st;
	enum ledger_status r = ledger_prepare_sql(l, sql, &st);
	if (r != LEDGER_OK)
		return r;
	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		for (int i = 0; i < n; i++)
			*out[i] = col_i64(st, i);
		rc = SQLITE_DONE;
	}
	r = ledger_step_end(l, rc);
	sqlite3_finalize(st);
	return r;
}

/* An amount in yuan of a raw row's column into *sum (absent: 0 and not counted). */
static bool add_raw(sqlite3_stmt *st, int col, int64_t *sum, int64_t *present)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return true;
	const char *t = (const char *)sqlite3_column_text(st, col);
	int64_t v;
	if (!t || !ledger_decimal(t, strlen(t), 2, &v))
		return false;
	if (present)
		(*present)++;
	return money_add(*sum, v, sum);
}

#define RAW(col) "json_extract(raw, '$.\"" col "\"')"
#define RAW_COLUMNS                                                                                                                        \
	"CASE WHEN json_valid(raw) THEN " RAW(                                                                                             \
	        "支付宝优惠（元）") " END, "                                                                                               \
	                            "CASE WHEN json_valid(raw) THEN " RAW(                                                                 \
	                                    "卡消费金额（元）") " END, "                                                                   \
	                                                        "CASE WHEN json_valid(raw) "                                               \
	                                                        "THEN " RAW(                                                               \
	                                                                "分润（元）") " END, "                                             \
	                                                                              "CASE WHEN "                                         \
	                                                                              "json_"                                              \
	                                                                              "valid(raw)"                                         \
	                                                                              " THEN"                                              \
	                                                                              " " RAW("商"                                        \
	                                                                                      "家"                                        \
	                                                                                      "实"                                        \
	                                                                                      "收"                                        \
	                                                                                      "（"                                        \
	                                                                                      "元"                                        \
	                                                                                      "）") " END, "                               \
	                                                                                            "CASE WHEN json_valid(raw) THEN " RAW( \
	                                                                                                    "商家优惠（元）") " END"

/* Alipay's columns no column of the cache holds, from each row's raw JSON: the discounts
 * Alipay gives, card payments and profit sharing of every row; what refunds give back of
 * the merchant's receipts and discounts (absent from rows that do not keep them). */
static enum ledger_status raw_sums(struct ledger *l, const char *day, struct day_sums *d)
{
	sqlite3_stmt *st;
	enum ledger_status r = ledger_prepare_sql(
	        l,
	        "SELECT 0, " RAW_COLUMNS " FROM orders WHERE bill_day = ?1"
	        " UNION ALL SELECT 1, " RAW_COLUMNS " FROM refunds WHERE bill_day = ?1",
	        &st);
	if (r != LEDGER_OK)
		return r;
	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		bool refund = sqlite3_column_int(st, 0) != 0;
		bool ok = add_raw(st, 1, &d->alipay_discount, NULL) &&
		          add_raw(st, 2, &d->card, NULL) && add_raw(st, 3, &d->share, NULL);
		if (ok && refund)
			ok = add_raw(st, 4, &d->r_received, &d->r_received_n) &&
			     add_raw(st, 5, &d->r_discount, &d->r_discount_n);
		if (!ok)
			d->raw_bad = true;
	}
	r = ledger_step_end(l, rc);
	sqlite3_finalize(st);
	return r;
}

static enum ledger_status day_sums(struct ledger *l, const struct bill_def *b, const char *day,
                                   struct day_sums *d)
{
	memset(d, 0, sizeof *d);
	enum ledger_status r;
	if (b->rows == ROWS_ENTRIES) {
		int64_t *const e[] = {&d->entries, &d->in_n, &d->in_sum, &d->out_n, &d->out_sum};
		return one_row(l,
		               "SELECT count(*), coalesce(sum(amount >= 0), 0),"
		               " coalesce(sum(CASE WHEN amount >= 0 THEN amount END), 0),"
		               " coalesce(sum(amount < 0), 0),"
		               " coalesce(sum(CASE WHEN amount < 0 THEN amount END), 0)"
		               " FROM balance_transactions WHERE bill_day = ?1",
		               day, e, 5);
	}
	int64_t *const o[] = {&d->orders,     &d->o_amount,     &d->o_settle, &d->o_settle_n,
	                      &d->o_discount, &d->o_discount_n, &d->o_fee,    &d->o_fee_n};
	r = one_row(l,
	            "SELECT count(*), coalesce(sum(amount), 0), coalesce(sum(settle_amount), 0),"
	            " count(settle_amount), coalesce(sum(discount_amount), 0),"
	            " count(discount_amount), coalesce(sum(fee_fine), 0), count(fee_fine)"
	            " FROM orders WHERE bill_day = ?1",
	            day, o, 8);
	if (r != LEDGER_OK)
		return r;
	int64_t *const f[] = {&d->refunds,  &d->r_amount,   &d->r_applied, &d->r_applied_n,
	                      &d->r_coupon, &d->r_coupon_n, &d->r_fee,     &d->r_fee_n};
	/* A refund's amount is what was asked for and paid back (WeChat Pay's 申请退款金额);
	 * the bills' refund amount (退款金额) is what the settlement gives back, where the
	 * platform says it. */
	r = one_row(l,
	            "SELECT count(*), coalesce(sum(coalesce(settle_amount, amount)), 0),"
	            " coalesce(sum(amount), 0), count(*), coalesce(sum(coupon_refund), 0),"
	            " count(coupon_refund), coalesce(sum(fee_fine), 0), count(fee_fine)"
	            " FROM refunds WHERE bill_day = ?1",
	            day, f, 8);
	if (r == LEDGER_OK && b->raw_columns)
		r = raw_sums(l, day, d);
	return r;
}

/* ---- A bill's summary ---- */

/* The summary's figures as the platform wrote them: names and texts. */
struct summary {
	char **names, **texts;
	bool *used;
	size_t n;
};

static void summary_clear(struct summary *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->names[i]);
		free(s->texts[i]);
	}
	free(s->names);
	free(s->texts);
	free(s->used);
	memset(s, 0, sizeof *s);
}

/* The summary of a bill (the text of a JSON object of texts, checked valid) read by
 * SQLite's json_each, in the platform's order. */
static enum ledger_status summary_load(struct ledger *l, const char *json, struct summary *out)
{
	sqlite3_stmt *st;
	enum ledger_status r = ledger_prepare_sql(l, "SELECT key, value FROM json_each(?1)", &st);
	if (r != LEDGER_OK)
		return r;
	sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
	int rc;
	size_t cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 16;
			char **names = realloc(out->names, cap * sizeof *names);
			if (names)
				out->names = names;
			char **texts = realloc(out->texts, cap * sizeof *texts);
			if (texts)
				out->texts = texts;
			bool *used = realloc(out->used, cap * sizeof *used);
			if (used)
				out->used = used;
			if (!names || !texts || !used) {
				sqlite3_finalize(st);
				return LEDGER_NOMEM;
			}
		}
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *v = (const char *)sqlite3_column_text(st, 1);
		out->names[out->n] = strdup(k ? k : "");
		out->texts[out->n] = strdup(v ? v : "");
		out->used[out->n] = false;
		out->n++;
		if (!out->names[out->n - 1] || !out->texts[out->n - 1]) {
			sqlite3_finalize(st);
			return LEDGER_NOMEM;
		}
	}
	r = ledger_step_end(l, rc);
	sqlite3_finalize(st);
	return r;
}

/* The index of the summary's figure of one of names, or -1. */
static long summary_find(const struct summary *s, const char *const names[4])
{
	for (int k = 0; k < 4 && names[k]; k++)
		for (size_t i = 0; i < s->n; i++)
			if (strcmp(s->names[i], names[k]) == 0)
				return (long)i;
	return -1;
}

/* The parts of one of Alipay's total lines ("12笔，商家实收共1.00元，商家优惠共0.00元"): the
 * count, then each part's words and amount. Borrowed spans of the line. */
struct line_part {
	const char *name, *value;
	size_t name_len, value_len;
};

static bool starts(const char *s, const char *end, const char *with)
{
	size_t n = strlen(with);
	return (size_t)(end - s) >= n && memcmp(s, with, n) == 0;
}

/* Splits a total line; false when it is not one. */
static bool line_parts(const char *text, struct line_part *parts, size_t max, size_t *n)
{
	const char *s = text, *end = text + strlen(text);
	*n = 0;
	while (s < end && *n < max) {
		/* A part ends at a comma, full-width or not. */
		const char *e = s;
		while (e < end && !starts(e, end, "，") && *e != ',')
			e++;
		struct line_part *p = &parts[(*n)++];
		memset(p, 0, sizeof *p);
		if (*n == 1) {
			/* "12笔" */
			if (e - s <= 3 || !starts(e - 3, e, "笔"))
				return false;
			p->value = s;
			p->value_len = (size_t)(e - 3 - s);
		} else {
			/* "商家实收共1.00元" */
			const char *at = s;
			while (at < e && !starts(at, e, "共"))
				at++;
			if (at == e || e - at <= 6 || !starts(e - 3, e, "元"))
				return false;
			p->name = s;
			p->name_len = (size_t)(at - s);
			p->value = at + 3;
			p->value_len = (size_t)(e - 3 - (at + 3));
		}
		s = e < end ? (*e == ',' ? e + 1 : e + 3) : e;
	}
	return *n > 0 && s >= end;
}

/* ---- Building a bill ---- */

static struct ledger_figure *figure_add(struct ledger_bill *b)
{
	struct ledger_figure *grown = realloc(b->figures, (b->n_figures + 1) * sizeof *grown);
	if (!grown)
		return NULL;
	b->figures = grown;
	struct ledger_figure *f = &grown[b->n_figures++];
	memset(f, 0, sizeof *f);
	return f;
}

/* Powers of ten up to 10^6 (the scales of a figure differ by at most 3 + 3). */
static const int64_t pow10s[] = {1, 10, 100, 1000, 10000, 100000, 1000000};

/* Reads the bill's text of a figure at its precision and compares it with the cache's. */
static bool figure_check(struct ledger_figure *f, bool kept)
{
	if (f->bill_text) {
		int64_t v;
		f->bill_valid =
		        f->decimals <= f->scale && f->scale - f->decimals < 7 &&
		        ledger_decimal(f->bill_text, strlen(f->bill_text), f->decimals, &v) &&
		        money_mul(v, pow10s[f->scale - f->decimals], &f->bill);
	}
	if (!kept) {
		f->check = LEDGER_CHECK_NOT_KEPT;
		return true;
	}
	if (!f->bill_valid) {
		f->check = LEDGER_CHECK_DIFFERENT;
		return true;
	}
	if (!money_sub(f->cache, f->bill, &f->difference))
		return false;
	f->check = f->difference == 0 ? LEDGER_CHECK_EQUAL : LEDGER_CHECK_DIFFERENT;
	return true;
}

/* The scale and precision of a figure of a unit: fees are kept in thousandths of the minor
 * unit and stated with the platform's decimals (0: the currency's). */
static void figure_unit(struct ledger_figure *f, enum ledger_unit unit, int exponent,
                        int fee_decimals)
{
	f->unit = unit;
	if (unit == LEDGER_UNIT_COUNT) {
		f->scale = f->decimals = 0;
		return;
	}
	if (unit == LEDGER_UNIT_MONEY) {
		f->scale = f->decimals = exponent;
		return;
	}
	f->scale = exponent + 3;
	f->decimals = fee_decimals > 0 ? fee_decimals : exponent;
	if (f->decimals < exponent)
		f->decimals = exponent;
	if (f->decimals > f->scale)
		f->decimals = f->scale;
}

/* The text of a figure of a total line, when the summary has that line. NULL (with *found
 * false) when it does not; an owned copy otherwise (the whole line when it cannot be read). */
static char *line_figure_text(const struct summary *sum, const struct figure_def *def, bool *found,
                              bool *mark_used)
{
	*found = false;
	*mark_used = false;
	const char *names[4] = {def->line};
	long i = summary_find(sum, names);
	if (i < 0)
		return NULL;
	*found = true;
	*mark_used = true;
	struct line_part parts[8];
	size_t n;
	const char *text = sum->texts[i];
	if (!line_parts(text, parts, 8, &n))
		return strdup(text);
	for (size_t k = 0; k < n; k++) {
		const struct line_part *p = &parts[k];
		bool match = def->part ? (p->name && strlen(def->part) == p->name_len &&
		                          memcmp(def->part, p->name, p->name_len) == 0)
		                       : k == 0;
		if (match) {
			char *v = malloc(p->value_len + 1);
			if (v) {
				memcpy(v, p->value, p->value_len);
				v[p->value_len] = '\0';
			}
			return v;
		}
	}
	*found = false;
	return NULL;
}

/* The parts of a total line that no figure of paydesk names, as figures not checked. */
static bool line_unknown_parts(struct ledger_bill *b, const struct summary *sum, long i,
                               const struct bill_def *def)
{
	struct line_part parts[8];
	size_t n;
	if (!line_parts(sum->texts[i], parts, 8, &n))
		return true;
	for (size_t k = 1; k < n; k++) {
		bool known = false;
		for (size_t j = 0; j < def->n_figures && !known; j++) {
			const struct figure_def *fd = &def->figures[j];
			known = fd->line && fd->part && strcmp(fd->line, sum->names[i]) == 0 &&
			        strlen(fd->part) == parts[k].name_len &&
			        memcmp(fd->part, parts[k].name, parts[k].name_len) == 0;
		}
		if (known)
			continue;
		struct ledger_figure *f = figure_add(b);
		if (!f)
			return false;
		f->check = LEDGER_CHECK_NOT_CHECKED;
		f->key = "";
		size_t len = strlen(sum->names[i]) + 1 + parts[k].name_len + 1;
		char *name = malloc(len);
		f->bill_text = malloc(parts[k].value_len + 1);
		if (!name || !f->bill_text) {
			free(name);
			return false;
		}
		snprintf(name, len, "%s %.*s", sum->names[i], (int)parts[k].name_len,
		         parts[k].name);
		f->name = name;
		memcpy(f->bill_text, parts[k].value, parts[k].value_len);
		f->bill_text[parts[k].value_len] = '\0';
	}
	return true;
}

/* The figures of one bill of a day: each of the bill's figures, then what else its summary
 * states. summary NULL: the platform made no bill (every figure is then 0). */
static enum ledger_status bill_figures(struct ledger_bill *b, const struct bill_def *def,
                                       const struct day_sums *d, const struct summary *sum,
                                       bool have_summary, int exponent, int fee_decimals)
{
	for (size_t i = 0; i < def->n_figures; i++) {
		const struct figure_def *fd = &def->figures[i];
		bool found = false, used = false;
		char *text = NULL;
		if (have_summary) {
			if (fd->line) {
				text = line_figure_text(sum, fd, &found, &used);
			} else {
				long at = summary_find(sum, fd->names);
				if (at >= 0) {
					found = true;
					sum->used[at] = true;
					text = strdup(sum->texts[at]);
				}
			}
			if (found && !text)
				return LEDGER_NOMEM;
			if (used) {
				const char *names[4] = {fd->line};
				sum->used[summary_find(sum, names)] = true;
			}
		} else if (fd->line) {
			continue; /* no bill, no total lines */
		}
		struct ledger_figure *f = figure_add(b);
		if (!f) {
			free(text);
			return LEDGER_NOMEM;
		}
		f->name = strdup(fd->names[0]);
		if (!f->name) {
			free(text);
			return LEDGER_NOMEM;
		}
		f->gloss = fd->gloss;
		f->key = fd->key;
		figure_unit(f, fd->unit, exponent, fee_decimals);
		f->bill_text = text;
		bool overflow = false;
		bool kept = evaluate(fd->formula, d, &f->cache, &overflow);
		if (overflow)
			return LEDGER_OVERFLOW;
		f->cache_valid = kept;
		if (have_summary && !found) {
			f->check = LEDGER_CHECK_ABSENT;
			continue;
		}
		if (!have_summary) {
			/* No bill: the platform had no business that day; every figure is 0. */
			f->bill_valid = true;
			f->bill = 0;
		}
		if (!figure_check(f, kept))
			return LEDGER_OVERFLOW;
		if (f->check == LEDGER_CHECK_DIFFERENT)
			b->differences++;
	}
	/* What else the summary states, shown as it is (unchecked). */
	for (size_t i = 0; have_summary && i < sum->n; i++) {
		if (sum->used[i]) {
			bool line = false;
			for (size_t j = 0; j < def->n_figures && !line; j++)
				line = def->figures[j].line &&
				       strcmp(def->figures[j].line, sum->names[i]) == 0;
			if (line && !line_unknown_parts(b, sum, (long)i, def))
				return LEDGER_NOMEM;
			continue;
		}
		/* Alipay's 合计 row names itself in its first column. */
		if (strcmp(sum->texts[i], "合计") == 0)
			continue;
		struct ledger_figure *f = figure_add(b);
		if (!f)
			return LEDGER_NOMEM;
		f->check = LEDGER_CHECK_NOT_CHECKED;
		f->key = "";
		f->name = strdup(sum->names[i]);
		f->bill_text = strdup(sum->texts[i]);
		if (!f->name || !f->bill_text)
			return LEDGER_NOMEM;
	}
	return LEDGER_OK;
}

static void bill_clear(struct ledger_bill *b)
{
	for (size_t j = 0; j < b->n_figures; j++) {
		free(b->figures[j].name);
		free(b->figures[j].bill_text);
	}
	free(b->figures);
	memset(b, 0, sizeof *b);
}

static struct ledger_bill *bill_add(struct ledger_bills *bs)
{
	struct ledger_bill *grown = realloc(bs->bills, (bs->n_bills + 1) * sizeof *grown);
	if (!grown)
		return NULL;
	bs->bills = grown;
	struct ledger_bill *b = &grown[bs->n_bills++];
	memset(b, 0, sizeof *b);
	return b;
}

/* A day none of whose bills is in the cache, or without any bill (no business): it extends
 * the previous day's entry when that is one of the same state. */
static bool day_whole(struct ledger_bills *bs, const char *day, enum ledger_bill_state state)
{
	if (state != LEDGER_BILL_NONE)
		bs->missing++;
	if (bs->n_bills > 0) {
		struct ledger_bill *last = &bs->bills[bs->n_bills - 1];
		char next[11];
		if (!last->bill && last->state == state && days_add(last->last_day, 1, next) == 0 &&
		    strcmp(next, day) == 0) {
			memcpy(last->last_day, day, sizeof last->last_day);
			return true;
		}
	}
	struct ledger_bill *b = bill_add(bs);
	if (!b)
		return false;
	memcpy(b->day, day, sizeof b->day);
	memcpy(b->last_day, day, sizeof b->last_day);
	b->state = state;
	return true;
}

/* Whether the cache holds every bill of day (the sync's mark). */
static enum ledger_status day_complete(struct ledger *l, const char *day, bool *done)
{
	int64_t n = 0;
	int64_t *const out[] = {&n};
	enum ledger_status r = one_row(
	        l, "SELECT count(*) FROM bill_days WHERE day = ?1 AND bill = '" DAY_DONE "'", day,
	        out, 1);
	*done = n > 0;
	return r;
}

/* One bill of a complete day. */
static enum ledger_status load_bill(struct ledger *l, struct ledger_bills *bs,
                                    const struct bill_def *def, const char *day, int exponent,
                                    int fee_decimals)
{
	sqlite3_stmt *st;
	enum ledger_status r = ledger_prepare_sql(
	        l,
	        "SELECT rows, summary IS NOT NULL, CASE WHEN json_valid(summary) AND"
	        " json_type(summary) = 'object' THEN summary END"
	        " FROM bill_days WHERE day = ?1 AND bill = ?2",
	        &st);
	if (r != LEDGER_OK)
		return r;
	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, def->bill, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	bool found = rc == SQLITE_ROW;
	int64_t rows = found ? col_i64(st, 0) : 0;
	bool have_summary = found && sqlite3_column_int(st, 1) != 0;
	const char *json = found ? (const char *)sqlite3_column_text(st, 2) : NULL;
	char *summary_text = json ? strdup(json) : NULL;
	r = ledger_step_end(l, found ? SQLITE_DONE : rc);
	sqlite3_finalize(st);
	if (r == LEDGER_OK && json && !summary_text)
		r = LEDGER_NOMEM;
	struct ledger_bill *b = r == LEDGER_OK ? bill_add(bs) : NULL;
	if (r == LEDGER_OK && !b)
		r = LEDGER_NOMEM;
	if (r != LEDGER_OK) {
		free(summary_text);
		return r;
	}
	memcpy(b->day, day, sizeof b->day);
	memcpy(b->last_day, day, sizeof b->last_day);
	b->bill = def->bill;
	b->name = def->name;
	b->gloss = def->gloss;
	b->rows = rows;
	if (!found) {
		/* A complete day without this bill: a cache from another sync. */
		b->state = LEDGER_BILL_MISSING;
		bs->missing++;
		return LEDGER_OK;
	}
	b->state = have_summary ? LEDGER_BILL_IN_CACHE : LEDGER_BILL_NONE;
	struct day_sums d;
	r = day_sums(l, def, day, &d);
	/* A summary that is not an object of texts states no figure: each is absent. */
	struct summary sum = {0};
	if (r == LEDGER_OK && summary_text)
		r = summary_load(l, summary_text, &sum);
	free(summary_text);
	if (r == LEDGER_OK)
		r = bill_figures(b, def, &d, &sum, have_summary, exponent, fee_decimals);
	summary_clear(&sum);
	if (r == LEDGER_OK && !money_add(bs->differences, b->differences, &bs->differences))
		r = LEDGER_OVERFLOW;
	return r;
}

/* The first complete bill day the cache holds, into day[11] ("" when none). */
static enum ledger_status first_bill_day(struct ledger *l, char day[11])
{
	sqlite3_stmt *st;
	day[0] = '\0';
	enum ledger_status r = ledger_prepare_sql(
	        l, "SELECT min(day) FROM bill_days WHERE bill = '" DAY_DONE "'", &st);
	if (r != LEDGER_OK)
		return r;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		if (t && strlen(t) == 10)
			memcpy(day, t, 11);
		rc = SQLITE_DONE;
	}
	r = ledger_step_end(l, rc);
	sqlite3_finalize(st);
	return r;
}

/* The bills platform of the ledger, or NULL. */
static const struct provider_platform *bills_platform(const struct ledger *l)
{
	if (!l->has_bills || !l->platform || l->platform->history != PROVIDER_HISTORY_BILLS)
		return NULL;
	return l->platform;
}

enum ledger_status ledger_bills_load(struct ledger *l, struct ledger_statement *s,
                                     const char *currency)
{
	const struct provider_platform *pl = bills_platform(l);
	size_t n_defs = 0;
	const struct bill_def *defs = pl ? platform_bills(pl, &n_defs) : NULL;
	/* The bills are in yuan; a statement of another currency has none. */
	static const char bill_currency[] = "cny";
	if (!defs || (currency && currency[0] && strcmp(currency, bill_currency) != 0))
		return LEDGER_OK;
	struct ledger_bills *bs = calloc(1, sizeof *bs);
	if (!bs)
		return LEDGER_NOMEM;
	s->bills = bs;
	memcpy(bs->currency, bill_currency, sizeof bill_currency);
	enum ledger_status r = first_bill_day(l, bs->first_day);
	if (r != LEDGER_OK)
		return r;
	const int offset = pl->day_utc_offset;
	const int exponent = money_exponent(bill_currency);
	char day[11], last[11], today[11], oldest[11];
	days_format((int64_t)s->from, offset, day);
	days_format((int64_t)s->to - 1, offset, last);
	days_format((int64_t)paydesk_now(), offset, today);
	if (days_add(today, -(pl->history_days > 0 ? pl->history_days : 90), oldest) != 0)
		return LEDGER_BAD_RANGE;
	while (r == LEDGER_OK && strcmp(day, last) <= 0) {
		bs->days++;
		bool done = false;
		r = day_complete(l, day, &done);
		if (r == LEDGER_OK && !done) {
			enum ledger_bill_state state = strcmp(day, today) >= 0 ? LEDGER_BILL_NOT_YET
			                               : strcmp(day, oldest) < 0
			                                       ? LEDGER_BILL_EXPIRED
			                                       : LEDGER_BILL_MISSING;
			if (!day_whole(bs, day, state))
				r = LEDGER_NOMEM;
		}
		size_t first = bs->n_bills;
		for (size_t i = 0; r == LEDGER_OK && done && i < n_defs; i++)
			r = load_bill(l, bs, &defs[i], day, exponent, pl->fee_decimals);
		/* A day without any bill, and no rows of it in the cache either, is said once. */
		bool quiet = r == LEDGER_OK && done && bs->n_bills > first;
		for (size_t i = first; quiet && i < bs->n_bills; i++)
			quiet = bs->bills[i].state == LEDGER_BILL_NONE &&
			        bs->bills[i].differences == 0;
		if (quiet) {
			while (bs->n_bills > first)
				bill_clear(&bs->bills[--bs->n_bills]);
			if (!day_whole(bs, day, LEDGER_BILL_NONE))
				r = LEDGER_NOMEM;
		}
		char next[11];
		if (r == LEDGER_OK && days_add(day, 1, next) != 0)
			r = LEDGER_BAD_RANGE;
		memcpy(day, next, sizeof day);
	}
	return r;
}

void ledger_bills_free(struct ledger_bills **pbills)
{
	struct ledger_bills *bs = *pbills;
	if (!bs)
		return;
	for (size_t i = 0; i < bs->n_bills; i++)
		bill_clear(&bs->bills[i]);
	free(bs->bills);
	free(bs);
	*pbills = NULL;
}

/* ---- Withdrawals that began before the cache's history ---- */

/* A withdrawal pays out the entries since the one before it (client/sync_bills.c). The
 * first withdrawal the cache holds therefore pays out a balance that may have begun before
 * the first bill day the cache holds: when the day before the earliest of its entries is
 * not in the cache and no earlier withdrawal is, what it does not reconcile with may well
 * be there, and the cache cannot tell. */
enum ledger_status ledger_bills_payouts(struct ledger *l, struct ledger_statement *s)
{
	const struct provider_platform *pl = bills_platform(l);
	if (!pl)
		return LEDGER_OK;
	sqlite3_stmt *st;
	enum ledger_status r = ledger_prepare_sql(
	        l,
	        "SELECT NOT EXISTS (SELECT 1 FROM payouts e WHERE e.created < p.created"
	        "   OR (e.created = p.created AND e.id < p.id)),"
	        " coalesce((SELECT min(b.bill_day) FROM balance_transactions b"
	        "   WHERE b.payout_id = p.id),"
	        "  (SELECT b.bill_day FROM balance_transactions b"
	        "   WHERE b.id = p.balance_transaction))"
	        " FROM payouts p WHERE p.id = ?1",
	        &st);
	if (r != LEDGER_OK)
		return r;
	for (size_t i = 0; r == LEDGER_OK && i < s->n_currencies; i++) {
		struct ledger_currency *c = &s->currencies[i];
		for (size_t j = 0; r == LEDGER_OK && j < c->n_payouts; j++) {
			struct ledger_payout *p = &c->payouts[j];
			if (p->recon == LEDGER_RECON_MATCH)
				continue;
			sqlite3_reset(st);
			sqlite3_bind_text(st, 1, p->id, -1, SQLITE_STATIC);
			int rc = sqlite3_step(st);
			bool first = false;
			char before[11] = "";
			if (rc == SQLITE_ROW) {
				first = sqlite3_column_int(st, 0) != 0;
				const char *day = (const char *)sqlite3_column_text(st, 1);
				if (day && days_add(day, -1, before) != 0)
					before[0] = '\0';
				rc = SQLITE_DONE;
			}
			r = ledger_step_end(l, rc);
			bool cached = true;
			if (r == LEDGER_OK && first && before[0])
				r = day_complete(l, before, &cached);
			if (r == LEDGER_OK && first && before[0] && !cached) {
				p->recon = LEDGER_RECON_BEFORE_HISTORY;
				c->mismatches--;
				c->before_history++;
			}
		}
	}
	sqlite3_finalize(st);
	return r;
}
