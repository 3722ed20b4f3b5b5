/* Bills: the daily trade bill (ALL, SUCCESS, REFUND) and fund flow bill (BASIC) as WeChat
 * Pay writes them -- UTF-8 with a BOM, CRLF line ends, a header without backticks, every
 * value after a backtick, the detail rows, then the summary header and row -- and the
 * download of a bill by a token valid for WX_TOKEN_SECONDS of sandbox clock. A bill of a
 * complete day never changes, so a bill is rendered again for its download rather than kept. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "sandbox/wechatpay/wechatpay.h"

static const char *const trade_headers[3] = {
        "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,"
        "交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,"
        "充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,"
        "费率备注",
        "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,"
        "交易状态,付款银行,货币种类,应结订单金额,代金券金额,商品名称,商户数据包,手续费,费率,"
        "订单金额,费率备注",
        "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,"
        "交易状态,付款银行,货币种类,应结订单金额,代金券金额,退款申请时间,退款成功时间,"
        "微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,"
        "商户数据包,手续费,费率,订单金额,申请退款金额,费率备注",
};
static const char trade_summary[] =
        "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,"
        "申请退款总金额";
static const char fund_header[] =
        "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),"
        "账户结余(元),资金变更提交申请人,备注,业务凭证号";
static const char fund_summary[] = "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额";

/* One value: a comma before all but the first of a row, then the backtick. */
static void cell(struct sbx_buf *b, int first, const char *v)
{
	if (!first)
		sbx_buf_put(b, ",", 1);
	sbx_buf_put(b, "`", 1);
	sbx_buf_puts(b, v);
}

static void cell_yuan(struct sbx_buf *b, int64_t fen)
{
	char v[32];

	wx_yuan(fen, v);
	cell(b, 0, v);
}

static void cell_fee(struct sbx_buf *b, int64_t e5)
{
	char v[32];

	wx_fee5(e5, v);
	cell(b, 0, v);
}

struct totals {
	int64_t rows, settle, refund, cash_refund, fee_e5, total, applied;
};

/* The order's columns every trade bill row starts with (公众账号ID .. 货币种类). */
static void order_cells(struct wx_state *w, const struct wx_order *o, const char *state,
                        struct sbx_buf *b)
{
	char v[64];

	cell(b, 0, w->appid);
	cell(b, 0, w->mchid);
	cell(b, 0, "0");
	wx_device_text(o->device, v, sizeof(v));
	cell(b, 0, v);
	cell(b, 0, o->transaction_id);
	cell(b, 0, o->out_trade_no);
	wx_openid(w->salt, o->payer, v);
	cell(b, 0, v);
	cell(b, 0, wx_trade_types[o->trade_type]);
	cell(b, 0, state);
	cell(b, 0, wx_banks[o->bank]);
	cell(b, 0, "CNY");
}

static void rate_cell(struct sbx_buf *b, int bp)
{
	char v[16];

	snprintf(v, sizeof(v), "%d.%02d%%", bp / 100, bp % 100);
	cell(b, 0, v);
}

static void product_cells(const struct wx_order *o, struct sbx_buf *b)
{
	char v[160];

	cell(b, 0, wx_products[o->product]);
	wx_attach_text(o->attach, v, sizeof(v));
	cell(b, 0, v);
}

static void payment_row(struct wx_state *w, const struct wx_order *o, int type, struct sbx_buf *b,
                        struct totals *t)
{
	int64_t settle = wx_settle_total(o);
	int64_t fee = wx_fee_e5(settle, o->rate_bp);
	char v[32];

	wx_datetime(o->success_time, v);
	cell(b, 1, v);
	order_cells(w, o, "SUCCESS", b);
	cell_yuan(b, settle);
	cell_yuan(b, o->coupon);
	if (type == 0) {
		cell(b, 0, "0");
		cell(b, 0, "0");
		cell_yuan(b, 0);
		cell_yuan(b, 0);
		cell(b, 0, "");
		cell(b, 0, "");
	}
	product_cells(o, b);
	cell_fee(b, fee);
	rate_cell(b, o->rate_bp);
	cell_yuan(b, o->total);
	if (type == 0)
		cell_yuan(b, 0);
	cell(b, 0, "");
	sbx_buf_put(b, "\r\n", 2);
	t->rows++;
	t->settle += settle;
	t->fee_e5 += fee;
	t->total += o->total;
}

/* A refund row: dated by its acceptance in the ALL bill; in the REFUND bill 交易时间 is
 * the payment's and the refund's times have their own columns. The status is the one the
 * refund had when the day ended (bills are a snapshot). */
static void refund_row(struct wx_state *w, sqlite3_stmt *st, int type, int64_t day_end,
                       struct sbx_buf *b, struct totals *t)
{
	struct wx_order o;
	int64_t created = sqlite3_column_int64(st, 2);
	int64_t amount = sqlite3_column_int64(st, 3);
	int64_t discount = sqlite3_column_int64(st, 4);
	int64_t settle = sqlite3_column_int64(st, 5);
	int64_t fee = sqlite3_column_int64(st, 6);
	int abnormal = sqlite3_column_int(st, 7);
	int64_t status_at = sqlite3_column_int64(st, 8);
	const char *status = day_end < status_at ? "PROCESSING" : abnormal ? "ABNORMAL" : "SUCCESS";
	int64_t cash = 0;
	char v[32];

	wx_read_order(st, 9, &o);
	if (o.coupon_type == WX_COUPON_CASH)
		cash = discount;
	wx_datetime(type == 2 ? o.success_time : created, v);
	cell(b, 1, v);
	order_cells(w, &o, "REFUND", b);
	cell_yuan(b, 0);
	cell_yuan(b, 0);
	if (type == 2) {
		wx_datetime(created, v);
		cell(b, 0, v);
		if (strcmp(status, "SUCCESS") == 0)
			wx_datetime(status_at, v);
		else
			v[0] = '\0';
		cell(b, 0, v);
	}
	cell(b, 0, (const char *)sqlite3_column_text(st, 0));
	cell(b, 0, (const char *)sqlite3_column_text(st, 1));
	cell_yuan(b, settle);
	cell_yuan(b, cash);
	cell(b, 0, "ORIGINAL");
	cell(b, 0, status);
	product_cells(&o, b);
	cell_fee(b, -fee);
	rate_cell(b, o.rate_bp);
	cell_yuan(b, 0);
	cell_yuan(b, amount);
	cell(b, 0, "");
	sbx_buf_put(b, "\r\n", 2);
	t->rows++;
	t->refund += settle;
	t->cash_refund += cash;
	t->fee_e5 -= fee;
	t->applied += amount;
}

int wx_render_trade_bill(struct sbx *s, int64_t day, int type, struct sbx_buf *b)
{
	struct wx_state *w = wx_state(s);
	int64_t from = wx_day_start(day), to = wx_day_start(day + 1);
	sqlite3_stmt *pay = sbx_prepare(s, "SELECT " WX_ORDER_COLS " FROM wx_orders WHERE "
	                                   "success_time >= ? AND success_time < ? "
	                                   "ORDER BY success_time, seq");
	sqlite3_stmt *ref = sbx_prepare(
	        s, "SELECT r.refund_id,r.out_refund_no,r.created,r.amount,r.discount,r.settle,"
	           "r.fee_e5,r.abnormal,r.status_at,o.seq,o.transaction_id,o.out_trade_no,"
	           "o.created,o.success_time,o.trade_type,o.state,o.bank,o.rate,o.product,o.attach,"
	           "o.device,o.coupon_type,o.payer,o.total,o.coupon,o.refunded,o.refunds FROM "
	           "wx_refunds r JOIN wx_orders o ON o.seq = r.order_seq WHERE r.created >= ? AND "
	           "r.created < ? ORDER BY r.created, r.seq");
	struct totals t;
	struct wx_order o;
	int have_pay, have_ref;
	char v[32];

	memset(&t, 0, sizeof(t));
	if (pay == NULL || ref == NULL) {
		sqlite3_finalize(pay);
		sqlite3_finalize(ref);
		return -1;
	}
	sqlite3_bind_int64(pay, 1, from);
	sqlite3_bind_int64(pay, 2, to);
	sqlite3_bind_int64(ref, 1, from);
	sqlite3_bind_int64(ref, 2, to);
	sbx_buf_puts(b, "\xEF\xBB\xBF");
	sbx_buf_puts(b, trade_headers[type]);
	sbx_buf_put(b, "\r\n", 2);
	have_pay = type != 2 && sqlite3_step(pay) == SQLITE_ROW;
	have_ref = type != 1 && sqlite3_step(ref) == SQLITE_ROW;
	if (have_pay)
		wx_read_order(pay, 0, &o);
	/* Payments and refunds merge in time order. */
	while (have_pay || have_ref) {
		if (have_pay && (!have_ref || o.success_time <= sqlite3_column_int64(ref, 2))) {
			payment_row(w, &o, type, b, &t);
			have_pay = sqlite3_step(pay) == SQLITE_ROW;
			if (have_pay)
				wx_read_order(pay, 0, &o);
		} else {
			refund_row(w, ref, type, to, b, &t);
			have_ref = sqlite3_step(ref) == SQLITE_ROW;
		}
	}
	sqlite3_finalize(pay);
	sqlite3_finalize(ref);
	sbx_buf_puts(b, trade_summary);
	sbx_buf_put(b, "\r\n", 2);
	snprintf(v, sizeof(v), "%lld", (long long)t.rows);
	cell(b, 1, v);
	cell_yuan(b, t.settle);
	cell_yuan(b, t.refund);
	cell_yuan(b, t.cash_refund);
	cell_fee(b, t.fee_e5);
	cell_yuan(b, t.total);
	cell_yuan(b, t.applied);
	sbx_buf_put(b, "\r\n", 2);
	if (b->failed)
		return -1;
	return t.rows == 0 ? 1 : 0;
}

int wx_render_fund_bill(struct sbx *s, int64_t day, struct sbx_buf *b)
{
	static const char *const names[4] = {"", "交易", "退款", "提现"};
	struct wx_state *w = wx_state(s);
	sqlite3_stmt *st = sbx_prepare(s, "SELECT seq,at,kind,business_no,voucher,amount,balance,"
	                                  "gross,fee FROM wx_flows WHERE at >= ? AND at < ? "
	                                  "ORDER BY seq");
	int64_t rows = 0, in_n = 0, in_sum = 0, out_n = 0, out_sum = 0;
	char v[64], a[32], f[32], applicant[32], note[128];

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, wx_day_start(day));
	sqlite3_bind_int64(st, 2, wx_day_start(day + 1));
	snprintf(applicant, sizeof(applicant), "%sAPI", w->mchid);
	sbx_buf_puts(b, "\xEF\xBB\xBF");
	sbx_buf_puts(b, fund_header);
	sbx_buf_put(b, "\r\n", 2);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t at = sqlite3_column_int64(st, 1);
		int kind = sqlite3_column_int(st, 2);
		int64_t amount = sqlite3_column_int64(st, 5);
		int64_t gross = sqlite3_column_int64(st, 7);
		int64_t fee = sqlite3_column_int64(st, 8);
		char id[64];

		if (kind < 1 || kind > 3)
			kind = 1;
		wx_datetime(at, v);
		cell(b, 1, v);
		cell(b, 0, (const char *)sqlite3_column_text(st, 3));
		wx_date(at, v);
		snprintf(id, sizeof(id), "%s%.4s%.2s%.2s%010lld", w->mchid, v, v + 5, v + 8,
		         (long long)sqlite3_column_int64(st, 0));
		cell(b, 0, id);
		cell(b, 0, names[kind]);
		cell(b, 0, names[kind]);
		cell(b, 0, amount >= 0 ? "收入" : "支出");
		cell_yuan(b, amount >= 0 ? amount : -amount);
		cell_yuan(b, sqlite3_column_int64(st, 6));
		cell(b, 0, kind == WX_FLOW_REFUND ? applicant : "system");
		wx_yuan(gross, a);
		wx_yuan(fee, f);
		if (kind == WX_FLOW_PAYMENT)
			snprintf(note, sizeof(note), "交易总金额%s元;含手续费%s元", a, f);
		else if (kind == WX_FLOW_REFUND)
			snprintf(note, sizeof(note), "退款总金额%s元;含手续费%s元", a, f);
		else
			snprintf(note, sizeof(note), "自动提现");
		cell(b, 0, note);
		cell(b, 0, (const char *)sqlite3_column_text(st, 4));
		sbx_buf_put(b, "\r\n", 2);
		rows++;
		if (amount >= 0) {
			in_n++;
			in_sum += amount;
		} else {
			out_n++;
			out_sum -= amount;
		}
	}
	sqlite3_finalize(st);
	sbx_buf_puts(b, fund_summary);
	sbx_buf_put(b, "\r\n", 2);
	snprintf(v, sizeof(v), "%lld", (long long)rows);
	cell(b, 1, v);
	snprintf(v, sizeof(v), "%lld", (long long)in_n);
	cell(b, 0, v);
	cell_yuan(b, in_sum);
	snprintf(v, sizeof(v), "%lld", (long long)out_n);
	cell(b, 0, v);
	cell_yuan(b, out_sum);
	sbx_buf_put(b, "\r\n", 2);
	if (b->failed)
		return -1;
	return rows == 0 ? 1 : 0;
}

int wx_gzip(const char *in, size_t n, struct sbx_buf *out)
{
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	/* windowBits 15 + 16: a gzip wrapper (RFC 1952), not zlib's; no name, mtime 0. */
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	if (sbx_buf_reserve(out, deflateBound(&z, n)) != 0) {
		deflateEnd(&z);
		return -1;
	}
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)out->data + out->len;
	z.avail_out = (uInt)(out->cap - out->len - 1);
	rc = deflate(&z, Z_FINISH);
	if (rc == Z_STREAM_END)
		out->len += z.total_out;
	out->data[out->len] = '\0';
	deflateEnd(&z);
	return rc == Z_STREAM_END ? 0 : -1;
}

/* Which bill the query asks for, after WeChat's checks; 0, or -1 with the reply filled. */
static int bill_params(struct sbx *s, struct wx_req *rq, int fund, struct wx_token *tk,
                       struct wx_reply *r)
{
	const char *date = sbx_params_get(rq->qp, "bill_date");
	const char *type = sbx_params_get(rq->qp, fund ? "account_type" : "bill_type");
	const char *tar = sbx_params_get(rq->qp, "tar_type");
	int64_t now = sbx_now(s), today = wx_day(now);

	memset(tk, 0, sizeof(*tk));
	tk->fund = fund;
	if (date == NULL) {
		wx_error_required(r, "/query/bill_date", "账单日期");
		return -1;
	}
	if (wx_parse_date(date, &tk->day) != 0) {
		wx_error(r, 400, "PARAM_ERROR", "账单日期bill_date格式错误，应为YYYY-MM-DD");
		return -1;
	}
	if (tar && strcmp(tar, "GZIP") != 0) {
		wx_error(r, 400, "PARAM_ERROR", "压缩类型tar_type仅支持GZIP");
		return -1;
	}
	tk->gz = tar != NULL;
	if (!fund && type && strcmp(type, "ALL") != 0) {
		tk->type = strcmp(type, "SUCCESS") == 0 ? 1 : strcmp(type, "REFUND") == 0 ? 2 : -1;
		if (tk->type < 0) {
			wx_error(r, 400, "PARAM_ERROR",
			         "账单类型bill_type取值错误，应为ALL、SUCCESS或REFUND");
			return -1;
		}
	}
	if (fund && type && strcmp(type, "BASIC") != 0) {
		if (strcmp(type, "OPERATION") != 0 && strcmp(type, "FEES") != 0) {
			wx_error(r, 400, "PARAM_ERROR",
			         "资金账户类型account_type取值错误，应为BASIC、OPERATION或FEES");
			return -1;
		}
		tk->type = 1; /* an account this merchant never moved money through */
	}
	if (tk->day >= today) {
		wx_error(r, 400, "NO_STATEMENT_EXIST", "请求的账单文件不存在");
		return -1;
	}
	if (tk->day < today - WX_BILL_DAYS) {
		wx_error(r, 400, "INVALID_REQUEST", "请求的账单日期已过期");
		return -1;
	}
	if (tk->day == today - 1 && now < wx_day_start(today) + WX_BILL_READY_AT) {
		wx_error(r, 400, "STATEMENT_CREATING", "账单生成中");
		return -1;
	}
	return 0;
}

static int render(struct sbx *s, const struct wx_token *tk, struct sbx_buf *b)
{
	if (tk->fund)
		return tk->type ? 1 : wx_render_fund_bill(s, tk->day, b);
	return wx_render_trade_bill(s, tk->day, tk->type, b);
}

void wx_api_bill(struct sbx *s, struct wx_req *rq, int fund, struct wx_reply *r)
{
	struct wx_state *w = wx_state(s);
	struct wx_token tk;
	struct sbx_buf file;
	char hash[2 * EVP_MAX_MD_SIZE + 1];
	size_t i, kept;
	int rc;

	if (bill_params(s, rq, fund, &tk, r) != 0)
		return;
	sbx_buf_init(&file);
	rc = render(s, &tk, &file);
	if (rc != 0) {
		sbx_buf_free(&file);
		if (rc < 0)
			wx_error(r, 500, "SYSTEM_ERROR", "系统错误");
		else
			wx_error(r, 400, "NO_STATEMENT_EXIST", "请求的账单文件不存在");
		return;
	}
	wx_hex_digest("SHA1", file.data, file.len, hash);
	sbx_buf_free(&file);
	if (rq->fault == WX_FAULT_BADHASH)
		hash[39] = hash[39] == '0' ? '1' : '0';
	wx_random_alnum(tk.token, 44);
	tk.expires = sbx_now(s) + WX_TOKEN_SECONDS;
	/* Expired tokens make room; past WX_MAX_TOKENS live ones the oldest goes. */
	for (i = 0, kept = 0; i < w->n_tokens; i++)
		if (w->tokens[i].expires > sbx_now(s))
			w->tokens[kept++] = w->tokens[i];
	w->n_tokens = kept;
	if (w->n_tokens == WX_MAX_TOKENS) {
		memmove(w->tokens, w->tokens + 1, (WX_MAX_TOKENS - 1) * sizeof(w->tokens[0]));
		w->n_tokens--;
	}
	w->tokens[w->n_tokens++] = tk;
	r->status = 200;
	sbx_buf_printf(&r->body,
	               "{\"download_url\":\"%s/v3/billdownload/file?token=%s%s\",\"hash_type\":"
	               "\"SHA1\",\"hash_value\":\"%s\"}",
	               rq->base, tk.token, tk.gz ? "&tartype=gzip" : "", hash);
}

void wx_api_bill_download(struct sbx *s, struct wx_req *rq, struct wx_reply *r)
{
	struct wx_state *w = wx_state(s);
	const char *token = sbx_params_get(rq->qp, "token");
	struct wx_token tk;
	struct sbx_buf file;
	size_t i;
	int rc;

	for (i = 0; token && i < w->n_tokens; i++)
		if (strcmp(w->tokens[i].token, token) == 0)
			break;
	if (token == NULL || i == w->n_tokens || w->tokens[i].expires <= sbx_now(s)) {
		wx_error(r, 400, "INVALID_REQUEST", "账单下载链接已失效，请重新申请账单");
		return;
	}
	tk = w->tokens[i];
	sbx_buf_init(&file);
	rc = render(s, &tk, &file);
	if (rc != 0) {
		sbx_buf_free(&file);
		wx_error(r, 500, "SYSTEM_ERROR", "系统错误");
		return;
	}
	r->status = 200;
	r->unsigned_reply = 1;
	if (!tk.gz) {
		r->content_type = "text/plain;charset=utf-8";
		r->body = file;
		return;
	}
	r->content_type = "application/x-gzip";
	/* Compressing takes longest and needs no store: other requests go on meanwhile. */
	pthread_mutex_unlock(&s->lock);
	rc = wx_gzip(file.data, file.len, &r->body);
	pthread_mutex_lock(&s->lock);
	sbx_buf_free(&file);
	if (rc != 0)
		wx_error(r, 500, "SYSTEM_ERROR", "系统错误");
}
