/* WeChat Pay's bills as it writes them, read as they arrive: gunzipped, hashed (SHA-1 of the
 * uncompressed file, which the platform states beside the download), split into lines and
 * rows, each row mapped into the model and handed to the sink at once, so that memory stays
 * the same whatever the bill's size. The file: an optional UTF-8 BOM, CRLF or LF line ends,
 * a header line, the detail rows (every value behind a backtick), a summary header and its
 * one row. Columns are found by name, so a bill with columns added or in another order still
 * reads. Trade bills (ALL) become orders and refunds; fund-flow bills (BASIC) become
 * balance entries, and their withdrawals (提现) settlements. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include "client/client.h"
#include "client/crypto.h"
#include "client/lines.h"
#include "client/model.h"
#include "client/provider_private.h"
#include "client/wechatpay/wechatpay.h"

/* The most columns a header may have. */
#define BILL_COLS 64

/* The columns paydesk reads, by name. */
enum {
	/* trade bill */
	C_TIME,
	C_APPID,
	C_MCHID,
	C_SUB_MCHID,
	C_DEVICE,
	C_TRANSACTION,
	C_OUT_TRADE_NO,
	C_OPENID,
	C_TRADE_TYPE,
	C_TRADE_STATE,
	C_BANK,
	C_CURRENCY,
	C_SETTLE,
	C_COUPON,
	C_REFUND_ID,
	C_OUT_REFUND_NO,
	C_REFUND,
	C_COUPON_REFUND,
	C_REFUND_TYPE,
	C_REFUND_STATE,
	C_PRODUCT,
	C_ATTACH,
	C_FEE,
	C_FEE_RATE,
	C_TOTAL,
	C_APPLIED,
	C_FEE_NOTE,
	/* fund-flow bill */
	C_BOOKED,
	C_BUSINESS_NO,
	C_FLOW_ID,
	C_BUSINESS_NAME,
	C_BUSINESS_TYPE,
	C_DIRECTION,
	C_FLOW_AMOUNT,
	C_BALANCE,
	C_APPLICANT,
	C_NOTE,
	C_VOUCHER,
	C_COUNT
};

static const char *const col_names[C_COUNT] = {
        [C_TIME] = "交易时间",
        [C_APPID] = "公众账号ID",
        [C_MCHID] = "商户号",
        [C_SUB_MCHID] = "特约商户号",
        [C_DEVICE] = "设备号",
        [C_TRANSACTION] = "微信订单号",
        [C_OUT_TRADE_NO] = "商户订单号",
        [C_OPENID] = "用户标识",
        [C_TRADE_TYPE] = "交易类型",
        [C_TRADE_STATE] = "交易状态",
        [C_BANK] = "付款银行",
        [C_CURRENCY] = "货币种类",
        [C_SETTLE] = "应结订单金额",
        [C_COUPON] = "代金券金额",
        [C_REFUND_ID] = "微信退款单号",
        [C_OUT_REFUND_NO] = "商户退款单号",
        [C_REFUND] = "退款金额",
        [C_COUPON_REFUND] = "充值券退款金额",
        [C_REFUND_TYPE] = "退款类型",
        [C_REFUND_STATE] = "退款状态",
        [C_PRODUCT] = "商品名称",
        [C_ATTACH] = "商户数据包",
        [C_FEE] = "手续费",
        [C_FEE_RATE] = "费率",
        [C_TOTAL] = "订单金额",
        [C_APPLIED] = "申请退款金额",
        [C_FEE_NOTE] = "费率备注",
        [C_BOOKED] = "记账时间",
        [C_BUSINESS_NO] = "微信支付业务单号",
        [C_FLOW_ID] = "资金流水单号",
        [C_BUSINESS_NAME] = "业务名称",
        [C_BUSINESS_TYPE] = "业务类型",
        [C_DIRECTION] = "收支类型",
        [C_FLOW_AMOUNT] = "收支金额(元)",
        [C_BALANCE] = "账户结余(元)",
        [C_APPLICANT] = "资金变更提交申请人",
        [C_NOTE] = "备注",
        [C_VOUCHER] = "业务凭证号",
};

/* The columns a row of each kind of bill cannot do without. */
static const int trade_needs[] = {C_TIME,      C_TRANSACTION, C_OUT_TRADE_NO, C_CURRENCY, C_SETTLE,
                                  C_REFUND_ID, C_REFUND,      C_FEE,          C_TOTAL};
static const int fundflow_needs[] = {C_BOOKED,    C_BUSINESS_NO, C_FLOW_ID,
                                     C_DIRECTION, C_FLOW_AMOUNT, C_BUSINESS_TYPE};

/* Columns of a trade row kept in its raw JSON: what no column of the model holds. */
static const int trade_raw[] = {C_APPID,       C_SUB_MCHID,   C_DEVICE,       C_BANK,
                                C_TRADE_STATE, C_REFUND_TYPE, C_REFUND_STATE, C_FEE_NOTE};

struct field {
	const char *s;
	size_t n;
};

struct wxp_bill {
	enum wxp_bill_kind kind;
	char day[11];
	const struct provider_bill_sink *sink;
	void *user;
	bool gzip;
	z_stream z;
	bool z_open, z_done;
	struct crypto_digest sha1;
	struct lines in; /* the line being gathered */
	size_t bytes;    /* uncompressed bytes seen */
	enum { B_HEADER, B_ROWS, B_SUMMARY, B_END } state;
	int col[C_COUNT]; /* position of each known column, -1 when absent */
	int n_cols;       /* columns of the header */
	struct field sum_names[BILL_COLS];
	char *sum_header; /* the summary header line (owned) */
	int n_sum;
	char *summary; /* the summary row as JSON (owned) */
	int64_t rows;
	char error[300];
};

static int stop(struct wxp_bill *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int stop(struct wxp_bill *b, const char *fmt, ...)
{
	if (!b->error[0]) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(b->error, sizeof b->error, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Splits a header line at commas. */
static int split_header(char *line, size_t len, struct field *out, int max)
{
	int n = 0;
	size_t start = 0;
	for (size_t i = 0; i <= len && n < max; i++) {
		if (i == len || line[i] == ',') {
			out[n].s = line + start;
			out[n].n = i - start;
			n++;
			start = i + 1;
		}
	}
	return n;
}

/* Splits a row: every value begins with a backtick, so values are separated by ",`" (a
 * comma inside a product name stays in its value). -1 when the row does not begin with a
 * backtick. */
static int split_row(const char *line, size_t len, struct field *out, int max)
{
	if (len == 0 || line[0] != '`')
		return -1;
	int n = 0;
	size_t start = 1;
	for (size_t i = 1; n < max;) {
		const char *comma = i < len ? memchr(line + i, ',', len - i) : NULL;
		size_t at = comma ? (size_t)(comma - line) : len;
		if (at < len && !(at + 1 < len && line[at + 1] == '`')) {
			i = at + 1; /* a comma inside a value */
			continue;
		}
		out[n].s = line + start;
		out[n].n = at - start;
		n++;
		if (at >= len)
			break;
		start = at + 2;
		i = at + 2;
	}
	return n;
}

static bool field_is(const struct field *f, const char *s)
{
	size_t n = strlen(s);
	return f->n == n && memcmp(f->s, s, n) == 0;
}

/* A decimal number of at most `scale` decimals as an integer in units of 10^-scale: "0.07854"
 * at scale 5 is 7854; "45.0" at scale 0 is 45 (digits beyond the scale must be zeros, so
 * nothing is ever rounded away). 0, or -1 when f is not such a number. */
static int decimal(const struct field *f, int scale, int64_t *out)
{
	const char *s = f->s, *e = f->s + f->n;
	bool neg = false;
	if (s < e && (*s == '-' || *s == '+'))
		neg = *s++ == '-';
	if (s == e)
		return -1;
	int64_t v = 0;
	int frac = -1, digits = 0;
	for (; s < e; s++) {
		if (*s == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (*s < '0' || *s > '9')
			return -1;
		if (frac >= 0 && frac >= scale) {
			if (*s != '0')
				return -1;
			continue;
		}
		if (v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*s - '0');
		digits++;
		if (frac >= 0)
			frac++;
	}
	if (!digits)
		return -1;
	for (int k = frac < 0 ? 0 : frac; k < scale; k++) {
		if (v > INT64_MAX / 10)
			return -1;
		v *= 10;
	}
	*out = neg ? -v : v;
	return 0;
}

/* A column's value, or an empty field when the bill has no such column. */
static struct field value(const struct wxp_bill *b, const struct field *v, int c)
{
	struct field none = {"", 0};
	return b->col[c] >= 0 ? v[b->col[c]] : none;
}

/* A copy of a field as a NUL-terminated string in the line buffer's own bytes: values are
 * cut in place (the byte after each is a comma or the line's end). */
static const char *cstr(struct field f)
{
	if (f.n == 0)
		return "";
	((char *)f.s)[f.n] = '\0';
	return f.s;
}

static bool empty_id(struct field f)
{
	return f.n == 0 || (f.n == 1 && f.s[0] == '0');
}

/* The raw JSON of a row: the columns no field of the model holds. */
static char *row_raw(const struct wxp_bill *b, const struct field *v, const int *cols, size_t n)
{
	struct model_json j;
	model_json_begin(&j);
	for (size_t i = 0; i < n; i++) {
		struct field f = value(b, v, cols[i]);
		if (b->col[cols[i]] < 0 || empty_id(f))
			continue;
		model_json_str(&j, col_names[cols[i]], strlen(col_names[cols[i]]), f.s, f.n);
	}
	return model_json_end(&j);
}

/* An amount in yuan as fen; -1 (with the reason kept) when it is not one. */
static int yuan(struct wxp_bill *b, const struct field *v, int c, int64_t *out)
{
	struct field f = value(b, v, c);
	if (b->col[c] < 0 || f.n == 0) {
		*out = 0;
		return 0;
	}
	if (decimal(&f, 2, out) != 0)
		return stop(b, _("row %lld: %s is not an amount (%.*s)"), (long long)b->rows + 1,
		            col_names[c], (int)(f.n > 40 ? 40 : f.n), f.s);
	return 0;
}

static int emit(struct wxp_bill *b, struct model_object *m)
{
	int rc = b->sink->object(b->user, m);
	model_object_clear(m);
	return rc == 0 ? 0 : stop(b, "%s", _("the cache could not take the bill's rows"));
}

static int trade_row(struct wxp_bill *b, const struct field *v)
{
	struct field t = value(b, v, C_TIME);
	int64_t when = wxp_local_time(t.s, t.n);
	if (!when)
		return stop(b, _("row %lld: %s is not a time (%.*s)"), (long long)b->rows + 1,
		            col_names[C_TIME], (int)(t.n > 40 ? 40 : t.n), t.s);
	int64_t settle, coupon, refund, coupon_refund, total, applied, fee;
	struct field ff = value(b, v, C_FEE);
	if (yuan(b, v, C_SETTLE, &settle) || yuan(b, v, C_COUPON, &coupon) ||
	    yuan(b, v, C_REFUND, &refund) || yuan(b, v, C_COUPON_REFUND, &coupon_refund) ||
	    yuan(b, v, C_TOTAL, &total) || yuan(b, v, C_APPLIED, &applied))
		return -1;
	/* Fees are written to 5 decimals of a yuan: thousandths of a fen, kept whole. */
	if (ff.n == 0)
		fee = 0;
	else if (decimal(&ff, 2 + MODEL_FEE_FINE_DIGITS, &fee) != 0)
		return stop(b, _("row %lld: %s is not an amount (%.*s)"), (long long)b->rows + 1,
		            col_names[C_FEE], (int)(ff.n > 40 ? 40 : ff.n), ff.s);
	struct field currency = value(b, v, C_CURRENCY);
	char cur[4] = "cny";
	bool letters = currency.n == 3;
	for (size_t i = 0; letters && i < 3; i++) {
		char c = (char)(currency.s[i] | 0x20);
		letters = c >= 'a' && c <= 'z';
		cur[i] = c;
	}
	if (currency.n && !letters) {
		return stop(b, _("row %lld: %.*s is not a currency"), (long long)b->rows + 1,
		            (int)(currency.n > 10 ? 10 : currency.n), currency.s);
	}
	struct field refund_id = value(b, v, C_REFUND_ID);
	struct model_object m;
	memset(&m, 0, sizeof m);
	m.created = when;
	m.raw = row_raw(b, v, trade_raw, sizeof trade_raw / sizeof *trade_raw);
	if (!empty_id(refund_id)) {
		struct model_refund *r = &m.u.refund;
		m.kind = MODEL_REFUND;
		m.id = cstr(refund_id);
		/* The refund's amount is what was asked for and paid back (申请退款金额, the API's
		 * amount.refund); 退款金额 is what the merchant's settlement gives back. */
		r->amount = applied;
		r->currency = cur;
		r->order_id = cstr(value(b, v, C_TRANSACTION));
		r->order_ref = cstr(value(b, v, C_OUT_TRADE_NO));
		struct field ref = value(b, v, C_OUT_REFUND_NO);
		r->refund_ref = ref.n ? cstr(ref) : NULL;
		if (r->refund_ref && strncmp(r->refund_ref, "act_", 4) == 0)
			r->action_id = r->refund_ref;
		struct field state = value(b, v, C_REFUND_STATE);
		r->status = wxp_refund_status(state.n ? cstr(state) : "SUCCESS");
		r->settle_amount = refund;
		r->coupon_refund = coupon_refund;
		r->fee_fine = fee;
		r->bill_day = b->day;
		r->derive_order = true;
	} else {
		struct model_order *o = &m.u.order;
		m.kind = MODEL_ORDER;
		m.id = cstr(value(b, v, C_TRANSACTION));
		o->amount = total;
		o->currency = cur;
		o->platform_status = "succeeded";
		o->order_ref = cstr(value(b, v, C_OUT_TRADE_NO));
		struct field f;
		if ((f = value(b, v, C_OPENID)).n)
			o->payer = cstr(f);
		if ((f = value(b, v, C_TRADE_TYPE)).n)
			o->channel = cstr(f);
		if ((f = value(b, v, C_PRODUCT)).n)
			o->description = cstr(f);
		if ((f = value(b, v, C_FEE_RATE)).n)
			o->fee_rate = cstr(f);
		if ((f = value(b, v, C_ATTACH)).n) {
			struct model_json j;
			model_json_begin(&j);
			model_json_str(&j, "attach", 6, f.s, f.n);
			m.metadata = model_json_end(&j);
		}
		o->settle_amount = settle;
		o->discount_amount = coupon;
		o->fee_fine = fee;
		o->bill_day = b->day;
		o->derive_refunded = true;
	}
	if (!m.id || !*m.id) {
		model_object_clear(&m);
		return stop(b, _("row %lld has no %s"), (long long)b->rows + 1,
		            col_names[C_TRANSACTION]);
	}
	return emit(b, &m);
}

/* 业务类型 as paydesk's neutral kind of balance entry. */
static const char *flow_type(struct field t)
{
	if (field_is(&t, "交易"))
		return "charge";
	if (field_is(&t, "退款"))
		return "refund";
	if (field_is(&t, "提现"))
		return "payout";
	if (field_is(&t, "扣除交易手续费") || field_is(&t, "手续费"))
		return "fee";
	return "adjustment";
}

static const int payout_raw[] = {C_BUSINESS_NAME, C_BUSINESS_TYPE, C_BALANCE,
                                 C_APPLICANT,     C_NOTE,          C_VOUCHER};

static int fundflow_row(struct wxp_bill *b, const struct field *v)
{
	struct field t = value(b, v, C_BOOKED);
	int64_t when = wxp_local_time(t.s, t.n);
	if (!when)
		return stop(b, _("row %lld: %s is not a time (%.*s)"), (long long)b->rows + 1,
		            col_names[C_BOOKED], (int)(t.n > 40 ? 40 : t.n), t.s);
	int64_t amount;
	if (yuan(b, v, C_FLOW_AMOUNT, &amount))
		return -1;
	struct field dir = value(b, v, C_DIRECTION);
	if (field_is(&dir, "支出") && amount > 0)
		amount = -amount;
	else if (!field_is(&dir, "收入") && !field_is(&dir, "支出"))
		return stop(b, _("row %lld: %s is neither 收入 nor 支出 (%.*s)"),
		            (long long)b->rows + 1, col_names[C_DIRECTION],
		            (int)(dir.n > 20 ? 20 : dir.n), dir.s);
	struct field kind = value(b, v, C_BUSINESS_TYPE);
	const char *type = flow_type(kind);
	struct field flow_id = value(b, v, C_FLOW_ID);
	struct field voucher = value(b, v, C_VOUCHER);
	struct field name = value(b, v, C_BUSINESS_NAME);
	struct model_object m;
	memset(&m, 0, sizeof m);
	m.kind = MODEL_BALANCE_TX;
	m.created = when;
	struct model_balance_tx *x = &m.u.balance_tx;
	x->amount = amount;
	x->net = amount;
	x->available_on = when;
	x->currency = "cny";
	x->type = type;
	x->reporting_category = type;
	x->source = cstr(value(b, v, C_BUSINESS_NO));
	x->status = "available";
	x->description = name.n ? cstr(name) : cstr(kind);
	x->bill_day = b->day;
	m.id = cstr(flow_id);
	if (!*m.id)
		return stop(b, _("row %lld has no %s"), (long long)b->rows + 1,
		            col_names[C_FLOW_ID]);
	if (strcmp(type, "payout") != 0)
		return emit(b, &m);
	/* A withdrawal to the bank is also a settlement, by its voucher's number. */
	struct model_object p;
	memset(&p, 0, sizeof p);
	p.kind = MODEL_PAYOUT;
	p.id = voucher.n ? cstr(voucher) : m.id;
	p.created = when;
	p.raw = row_raw(b, v, payout_raw, sizeof payout_raw / sizeof *payout_raw);
	struct model_payout *po = &p.u.payout;
	po->amount = amount < 0 ? -amount : amount;
	po->arrival_date = when;
	po->currency = "cny";
	po->status = "paid";
	po->method = "bank";
	po->automatic = true;
	po->balance_transaction = m.id;
	po->description = x->description;
	if (emit(b, &m) != 0) {
		model_object_clear(&p);
		return -1;
	}
	return emit(b, &p);
}

/* The header: where each column paydesk reads stands. */
static int header(struct wxp_bill *b, char *line, size_t len)
{
	struct field names[BILL_COLS];
	int n = split_header(line, len, names, BILL_COLS);
	for (int c = 0; c < C_COUNT; c++)
		b->col[c] = -1;
	for (int i = 0; i < n; i++)
		for (int c = 0; c < C_COUNT; c++)
			if (b->col[c] < 0 && field_is(&names[i], col_names[c]))
				b->col[c] = i;
	b->n_cols = n;
	const int *needs = b->kind == WXP_BILL_TRADE ? trade_needs : fundflow_needs;
	size_t n_needs = b->kind == WXP_BILL_TRADE ? sizeof trade_needs / sizeof *trade_needs
	                                           : sizeof fundflow_needs / sizeof *fundflow_needs;
	for (size_t i = 0; i < n_needs; i++)
		if (b->col[needs[i]] < 0)
			return stop(b, _("the bill's header has no column %s"),
			            col_names[needs[i]]);
	return 0;
}

/* The summary's header line, kept for its one row. */
static int summary_header(struct wxp_bill *b, const char *line, size_t len)
{
	b->sum_header = malloc(len + 1);
	if (!b->sum_header)
		return stop(b, "%s", _("out of memory"));
	memcpy(b->sum_header, line, len);
	b->sum_header[len] = '\0';
	b->n_sum = split_header(b->sum_header, len, b->sum_names, BILL_COLS);
	return 0;
}

static int summary_row(struct wxp_bill *b, const char *line, size_t len)
{
	struct field v[BILL_COLS];
	int n = split_row(line, len, v, BILL_COLS);
	if (n != b->n_sum)
		return stop(b, _("the bill's summary has %d values for %d columns"), n, b->n_sum);
	struct model_json j;
	model_json_begin(&j);
	for (int i = 0; i < n; i++)
		model_json_str(&j, b->sum_names[i].s, b->sum_names[i].n, v[i].s, v[i].n);
	b->summary = model_json_end(&j);
	return b->summary ? 0 : stop(b, "%s", _("out of memory"));
}

static int handle_line(struct wxp_bill *b, char *line, size_t len)
{
	if (len && line[len - 1] == '\r')
		line[--len] = '\0';
	/* A UTF-8 byte order mark before the header. */
	if (b->state == B_HEADER && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
		line += 3;
		len -= 3;
	}
	if (len == 0)
		return 0;
	char why[200];
	if (lines_check_text(line, len, (long long)b->rows, why, sizeof why) != 0)
		return stop(b, "%s", why);
	switch (b->state) {
	case B_HEADER:
		b->state = B_ROWS;
		return header(b, line, len);
	case B_ROWS: {
		if (line[0] != '`') {
			b->state = B_SUMMARY;
			return summary_header(b, line, len);
		}
		struct field v[BILL_COLS];
		int n = split_row(line, len, v, BILL_COLS);
		if (n != b->n_cols)
			return stop(b, _("row %lld of the bill has %d values for %d columns"),
			            (long long)b->rows + 1, n, b->n_cols);
		int rc = b->kind == WXP_BILL_TRADE ? trade_row(b, v) : fundflow_row(b, v);
		if (rc == 0)
			b->rows++;
		return rc;
	}
	case B_SUMMARY:
		b->state = B_END;
		return summary_row(b, line, len);
	case B_END:
		return stop(b, "%s", _("the bill goes on after its summary"));
	}
	return 0;
}

/* handle_line as lines_feed calls it. */
static int each_line(void *ctx, char *line, size_t len)
{
	return handle_line(ctx, line, len);
}

/* The uncompressed bytes: hashed, then cut into lines. */
static int take(struct wxp_bill *b, const char *data, size_t n)
{
	crypto_digest_update(&b->sha1, data, n);
	b->bytes += n;
	return lines_feed(&b->in, data, n, each_line, b, b->error, sizeof b->error);
}

struct wxp_bill *wxp_bill_new(enum wxp_bill_kind kind, const char *day, bool gzip,
                              const struct provider_bill_sink *sink, void *user)
{
	struct wxp_bill *b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	b->kind = kind;
	snprintf(b->day, sizeof b->day, "%s", day);
	b->sink = sink;
	b->user = user;
	b->gzip = gzip;
	if (crypto_digest_init(&b->sha1, false) != 0) {
		free(b);
		return NULL;
	}
	/* 16 + window bits: a gzip stream, header and trailer checked. */
	if (gzip && inflateInit2(&b->z, 16 + MAX_WBITS) != Z_OK) {
		crypto_digest_free(&b->sha1);
		free(b);
		return NULL;
	}
	b->z_open = gzip;
	return b;
}

size_t wxp_bill_feed(void *user, const char *data, size_t n)
{
	struct wxp_bill *b = user;
	if (b->error[0])
		return 0;
	if (!b->gzip)
		return take(b, data, n) == 0 ? n : 0;
	if (b->z_done && n > 0) {
		stop(b, "%s", _("the bill goes on after the end of its gzip stream"));
		return 0;
	}
	unsigned char out[65536];
	b->z.next_in = (unsigned char *)data;
	b->z.avail_in = (uInt)n;
	while (b->z.avail_in > 0 && !b->z_done) {
		b->z.next_out = out;
		b->z.avail_out = sizeof out;
		int zr = inflate(&b->z, Z_NO_FLUSH);
		/* What came out before a fault is read first, so that the reader stops at the
		 * same place whatever the pieces the file arrived in. */
		size_t got = sizeof out - b->z.avail_out;
		if (got && take(b, (const char *)out, got) != 0)
			return 0;
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
			stop(b, _("the bill is not a valid gzip file (%s)"),
			     b->z.msg ? b->z.msg : "?");
			return 0;
		}
		if (zr == Z_STREAM_END)
			b->z_done = true;
		else if (zr == Z_BUF_ERROR && got == 0)
			break;
	}
	if (b->z_done && b->z.avail_in > 0) {
		stop(b, "%s", _("the bill goes on after the end of its gzip stream"));
		return 0;
	}
	return n;
}

int wxp_bill_finish(struct wxp_bill *b, const char *want_sha1, struct provider_result *r)
{
	if (!b->error[0] && b->gzip && !b->z_done)
		stop(b, "%s", _("the bill's gzip stream is cut short"));
	if (!b->error[0] && lines_finish(&b->in, each_line, b) != 0) {
		provider_fail(r, PROVIDER_BAD_REPLY, b->error);
		return -1;
	}
	b->in.len = 0;
	char hex[41];
	crypto_digest_hex(&b->sha1, hex, sizeof hex);
	if (!b->error[0] && want_sha1 && strcasecmp(hex, want_sha1) != 0) {
		char why[300];
		snprintf(why, sizeof why,
		         _("the bill of %s does not match the checksum the platform gave for it "
		           "(SHA-1 %s, expected %s): it was changed or cut on the way"),
		         b->day, hex, want_sha1);
		provider_fail(r, PROVIDER_BAD_REPLY, why);
		return -1;
	}
	if (!b->error[0] && b->state == B_HEADER && b->bytes > 0)
		stop(b, "%s", _("the bill has no header"));
	if (!b->error[0] && b->state != B_END && b->state != B_HEADER)
		stop(b, "%s", _("the bill has no summary: it is cut short"));
	if (b->error[0]) {
		provider_fail(r, PROVIDER_BAD_REPLY, b->error);
		return -1;
	}
	const char *bill = b->kind == WXP_BILL_TRADE ? "trade" : "fundflow";
	if (b->sink->summary(b->user, bill, b->summary, b->rows, hex) != 0) {
		provider_fail(r, PROVIDER_BAD_REPLY, _("the cache could not take the bill's rows"));
		return -1;
	}
	return 0;
}

const char *wxp_bill_error(const struct wxp_bill *b)
{
	return b->error;
}

int64_t wxp_bill_rows(const struct wxp_bill *b)
{
	return b->rows;
}

void wxp_bill_free(struct wxp_bill **pb)
{
	struct wxp_bill *b = *pb;
	if (!b)
		return;
	if (b->z_open)
		inflateEnd(&b->z);
	crypto_digest_free(&b->sha1);
	lines_free(&b->in);
	free(b->sum_header);
	free(b->summary);
	free(b);
	*pb = NULL;
}
