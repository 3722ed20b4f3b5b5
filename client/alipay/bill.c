/* Alipay's bills as it writes them: a zip of CSV files in GBK, read entry by entry and
 * converted to UTF-8 as they are read, row by row into the sink, so that memory stays the
 * same whatever the bill's size. A detail file (业务明细, or the account statement 账务明细)
 * has '#' comment lines before and after its header and rows, and its totals in the last
 * comments (#交易合计：…); the summary file (…(汇总)) holds a 合计 row. Columns are found by
 * name; id cells end in a tab (so that spreadsheets keep their digits), which is dropped. */
#include "config.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "client/client.h"
#include "client/lines.h"
#include "client/model.h"
#include "client/provider_private.h"
#include "client/alipay/alipay.h"

#define BILL_COLS 64

enum {
	/* trade: 业务明细 */
	C_TRADE_NO,
	C_OUT_TRADE_NO,
	C_BIZ_TYPE,
	C_PRODUCT,
	C_CREATED,
	C_FINISHED,
	C_STORE_ID,
	C_STORE_NAME,
	C_OPERATOR,
	C_TERMINAL,
	C_BUYER,
	C_TOTAL,
	C_RECEIVED,
	C_RED_PACKET,
	C_POINTS,
	C_ALIPAY_DISCOUNT,
	C_MERCHANT_DISCOUNT,
	C_COUPON_USED,
	C_COUPON_NAME,
	C_MERCHANT_RED_PACKET,
	C_CARD,
	C_REQUEST_NO,
	C_FEE,
	C_SHARE,
	C_NOTE,
	/* account statement: 账务明细 */
	C_ENTRY_ID,
	C_FLOW_NO,
	C_ORDER_NO,
	C_ITEM,
	C_WHEN,
	C_OTHER,
	C_INCOME,
	C_EXPENSE,
	C_BALANCE,
	C_CHANNEL,
	C_KIND,
	C_REMARK,
	C_COUNT
};

static const char *const col_names[C_COUNT] = {
        [C_TRADE_NO] = "支付宝交易号",
        [C_OUT_TRADE_NO] = "商户订单号",
        [C_BIZ_TYPE] = "业务类型",
        [C_PRODUCT] = "商品名称",
        [C_CREATED] = "创建时间",
        [C_FINISHED] = "完成时间",
        [C_STORE_ID] = "门店编号",
        [C_STORE_NAME] = "门店名称",
        [C_OPERATOR] = "操作员",
        [C_TERMINAL] = "终端号",
        [C_BUYER] = "对方账户",
        [C_TOTAL] = "订单金额（元）",
        [C_RECEIVED] = "商家实收（元）",
        [C_RED_PACKET] = "支付宝红包（元）",
        [C_POINTS] = "集分宝（元）",
        [C_ALIPAY_DISCOUNT] = "支付宝优惠（元）",
        [C_MERCHANT_DISCOUNT] = "商家优惠（元）",
        [C_COUPON_USED] = "券核销金额（元）",
        [C_COUPON_NAME] = "券名称",
        [C_MERCHANT_RED_PACKET] = "商家红包消费金额（元）",
        [C_CARD] = "卡消费金额（元）",
        [C_REQUEST_NO] = "退款批次号/请求号",
        [C_FEE] = "服务费（元）",
        [C_SHARE] = "分润（元）",
        [C_NOTE] = "备注",
        [C_ENTRY_ID] = "账务流水号",
        [C_FLOW_NO] = "业务流水号",
        [C_ORDER_NO] = "商户订单号",
        [C_ITEM] = "商品名称",
        [C_WHEN] = "发生时间",
        [C_OTHER] = "对方账号",
        [C_INCOME] = "收入金额（+元）",
        [C_EXPENSE] = "支出金额（-元）",
        [C_BALANCE] = "账户余额（元）",
        [C_CHANNEL] = "交易渠道",
        [C_KIND] = "业务类型",
        [C_REMARK] = "备注",
};

/* The columns of a trade row kept in its raw JSON: what no field of the model holds. */
static const int trade_raw[] = {
        C_CREATED,     C_FINISHED,    C_RED_PACKET,          C_POINTS, C_ALIPAY_DISCOUNT,
        C_COUPON_USED, C_COUPON_NAME, C_MERCHANT_RED_PACKET, C_CARD,   C_SHARE,
        C_NOTE};
/* A refund's row keeps too what it gives back of the merchant's receipts and discounts (no
 * column of the cache holds them): the statement sums them against the 汇总. */
static const int refund_raw[] = {
        C_CREATED,     C_FINISHED,    C_RED_PACKET,          C_POINTS, C_ALIPAY_DISCOUNT,
        C_COUPON_USED, C_COUPON_NAME, C_MERCHANT_RED_PACKET, C_CARD,   C_SHARE,
        C_NOTE,        C_RECEIVED,    C_MERCHANT_DISCOUNT};

enum file_kind { F_DETAIL, F_SUMMARY };

struct reader {
	const char *bill;
	bool account; /* the account statement (signcustomer) rather than trades */
	const char *day;
	const struct provider_bill_sink *sink;
	void *user;
	enum file_kind kind;
	bool have_header;
	int col[C_COUNT];
	int n_cols;
	struct lines_field names[BILL_COLS];
	char *header;    /* the header line (owned; names point into it) */
	struct lines in; /* the line being gathered */
	int64_t rows;
	struct model_json summary; /* the 合计 row and the totals of the comments */
	char error[300];
};

static int stop(struct reader *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int stop(struct reader *b, const char *fmt, ...)
{
	if (!b->error[0]) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(b->error, sizeof b->error, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static bool is(const struct lines_field *f, const char *s)
{
	size_t n = strlen(s);
	return f->n == n && memcmp(f->s, s, n) == 0;
}

static struct lines_field value(const struct reader *b, const struct lines_field *v, int c)
{
	struct lines_field none = {"", 0};
	return b->col[c] >= 0 ? v[b->col[c]] : none;
}

static const char *cstr(struct lines_field f)
{
	if (f.n == 0)
		return NULL;
	((char *)f.s)[f.n] = '\0';
	return f.s;
}

/* Yuan in column c as fen (0 when absent or empty); -1 with the reason kept. */
static int yuan(struct reader *b, const struct lines_field *v, int c, int64_t *out)
{
	struct lines_field f = value(b, v, c);
	*out = 0;
	if (f.n == 0)
		return 0;
	if (alp_yuan(f.s, f.n, out) != 0)
		return stop(b, _("row %lld: %s is not an amount (%.*s)"), (long long)b->rows + 1,
		            col_names[c], (int)(f.n > 40 ? 40 : f.n), f.s);
	return 0;
}

static int emit(struct reader *b, struct model_object *m)
{
	int rc = b->sink->object(b->user, m);
	model_object_clear(m);
	return rc == 0 ? 0 : stop(b, "%s", _("the cache could not take the bill's rows"));
}

static char *row_raw(const struct reader *b, const struct lines_field *v, const int *cols, size_t n)
{
	struct model_json j;
	model_json_begin(&j);
	for (size_t i = 0; i < n; i++) {
		struct lines_field f = value(b, v, cols[i]);
		if (f.n)
			model_json_str(&j, col_names[cols[i]], strlen(col_names[cols[i]]), f.s,
			               f.n);
	}
	return model_json_end(&j);
}

static int trade_row(struct reader *b, const struct lines_field *v)
{
	struct lines_field fin = value(b, v, C_FINISHED), cre = value(b, v, C_CREATED);
	int64_t when = alp_time(fin.s, fin.n);
	if (!when)
		when = alp_time(cre.s, cre.n);
	if (!when)
		return stop(b, _("row %lld: %s is not a time (%.*s)"), (long long)b->rows + 1,
		            col_names[C_CREATED], (int)(cre.n > 40 ? 40 : cre.n), cre.s);
	int64_t total, received, discount, fee;
	if (yuan(b, v, C_TOTAL, &total) || yuan(b, v, C_RECEIVED, &received) ||
	    yuan(b, v, C_MERCHANT_DISCOUNT, &discount) || yuan(b, v, C_FEE, &fee))
		return -1;
	/* The fee is kept in thousandths of a fen, as WeChat Pay's bill gives it. */
	if (fee > INT64_MAX / 1000 || fee < -(INT64_MAX / 1000)) {
		struct lines_field f = value(b, v, C_FEE);
		return stop(b, _("row %lld: %s is too large an amount (%.*s)"),
		            (long long)b->rows + 1, col_names[C_FEE], (int)(f.n > 40 ? 40 : f.n),
		            f.s);
	}
	struct lines_field kind = value(b, v, C_BIZ_TYPE);
	struct model_object m;
	memset(&m, 0, sizeof m);
	m.created = when;
	bool refund = is(&kind, "退款");
	m.raw = refund ? row_raw(b, v, refund_raw, sizeof refund_raw / sizeof *refund_raw)
	               : row_raw(b, v, trade_raw, sizeof trade_raw / sizeof *trade_raw);
	const char *trade = cstr(value(b, v, C_TRADE_NO));
	const char *ref = cstr(value(b, v, C_OUT_TRADE_NO));
	if (!trade) {
		model_object_clear(&m);
		return stop(b, _("row %lld has no %s"), (long long)b->rows + 1,
		            col_names[C_TRADE_NO]);
	}
	if (refund) {
		const char *request = cstr(value(b, v, C_REQUEST_NO));
		struct model_refund *r = &m.u.refund;
		m.kind = MODEL_REFUND;
		if (!model_set_own_id(&m, "%s/%s", trade, request ? request : (ref ? ref : ""))) {
			model_object_clear(&m);
			return stop(b, "%s", _("out of memory"));
		}
		r->amount = total < 0 ? -total : total;
		r->currency = "cny";
		r->order_id = trade;
		r->order_ref = ref;
		r->refund_ref = request;
		if (request && strncmp(request, "act_", 4) == 0)
			r->action_id = request;
		r->status = "succeeded";
		r->settle_amount = MODEL_UNKNOWN;
		r->coupon_refund = MODEL_UNKNOWN;
		/* 服务费 is the merchant's cash: + is a fee given back. paydesk's fees are what is
		 * charged (+) or returned (-), as WeChat Pay's bill and Stripe write them. */
		r->fee_fine = -fee * 1000;
		r->bill_day = b->day;
		r->derive_order = true;
		return emit(b, &m);
	}
	struct model_order *o = &m.u.order;
	m.kind = MODEL_ORDER;
	m.id = trade;
	o->amount = total;
	o->currency = "cny";
	o->platform_status = "succeeded";
	o->order_ref = ref;
	o->payer = cstr(value(b, v, C_BUYER));
	o->description = cstr(value(b, v, C_PRODUCT));
	o->channel = kind.n ? cstr(kind) : NULL;
	o->settle_amount = received;
	o->discount_amount = discount;
	o->fee_fine = -fee * 1000; /* 服务费 -4.17: 4.17 charged */
	o->bill_day = b->day;
	o->derive_refunded = true;
	/* The store and who took the payment, searchable. */
	struct model_json j;
	model_json_begin(&j);
	static const int store_cols[] = {C_STORE_ID, C_STORE_NAME, C_OPERATOR, C_TERMINAL};
	static const char *const store_keys[] = {"store_id", "store", "operator", "terminal"};
	for (size_t i = 0; i < 4; i++) {
		struct lines_field f = value(b, v, store_cols[i]);
		if (f.n)
			model_json_str(&j, store_keys[i], strlen(store_keys[i]), f.s, f.n);
	}
	m.metadata = j.n ? model_json_end(&j) : (free(j.buf), NULL);
	return emit(b, &m);
}

/* 业务类型 of the account statement as paydesk's neutral kind of balance entry. */
static const char *entry_type(struct lines_field t)
{
	char k[96];
	snprintf(k, sizeof k, "%.*s", (int)(t.n < 90 ? t.n : 90), t.s);
	if (strstr(k, "退款"))
		return "refund";
	if (strstr(k, "提现"))
		return "payout";
	if (strstr(k, "收费") || strstr(k, "服务费"))
		return "fee";
	if (strstr(k, "在线支付") || strstr(k, "交易"))
		return "charge";
	return "adjustment";
}

static int account_row(struct reader *b, const struct lines_field *v)
{
	struct lines_field t = value(b, v, C_WHEN);
	int64_t when = alp_time(t.s, t.n);
	if (!when)
		return stop(b, _("row %lld: %s is not a time (%.*s)"), (long long)b->rows + 1,
		            col_names[C_WHEN], (int)(t.n > 40 ? 40 : t.n), t.s);
	int64_t income, expense;
	if (yuan(b, v, C_INCOME, &income) || yuan(b, v, C_EXPENSE, &expense))
		return -1;
	int64_t amount = income - (expense < 0 ? -expense : expense);
	struct lines_field kind = value(b, v, C_KIND);
	const char *type = entry_type(kind);
	struct model_object m;
	memset(&m, 0, sizeof m);
	m.kind = MODEL_BALANCE_TX;
	m.created = when;
	m.id = cstr(value(b, v, C_ENTRY_ID));
	if (!m.id)
		return stop(b, _("row %lld has no %s"), (long long)b->rows + 1,
		            col_names[C_ENTRY_ID]);
	struct model_balance_tx *x = &m.u.balance_tx;
	x->amount = amount;
	x->net = amount;
	x->available_on = when;
	x->currency = "cny";
	x->type = type;
	x->reporting_category = type;
	x->source = cstr(value(b, v, C_FLOW_NO));
	x->status = "available";
	const char *remark = cstr(value(b, v, C_REMARK));
	x->description = remark ? remark : cstr(kind);
	x->bill_day = b->day;
	if (strcmp(type, "payout") != 0)
		return emit(b, &m);
	struct model_object p;
	memset(&p, 0, sizeof p);
	p.kind = MODEL_PAYOUT;
	p.id = x->source && *x->source ? x->source : m.id;
	p.created = when;
	struct model_payout *po = &p.u.payout;
	po->amount = amount < 0 ? -amount : amount;
	po->arrival_date = when;
	po->currency = "cny";
	po->status = "paid";
	po->method = "bank";
	po->automatic = true;
	po->balance_transaction = m.id;
	po->description = x->description;
	if (emit(b, &m) != 0)
		return -1;
	return emit(b, &p);
}

/* A '#' line: the totals the detail file ends with ("#交易合计：N笔，…") go into the summary. */
static void comment(struct reader *b, const char *line, size_t len)
{
	static const char *const totals[] = {"#交易合计", "#退款合计"};
	for (size_t i = 0; i < 2; i++) {
		size_t k = strlen(totals[i]);
		if (len > k && memcmp(line, totals[i], k) == 0) {
			const char *v = line + k;
			size_t n = len - k;
			/* after the colon, full-width or not */
			if (n >= 3 && memcmp(v, "：", 3) == 0)
				v += 3, n -= 3;
			else if (n >= 1 && *v == ':')
				v++, n--;
			model_json_str(&b->summary, totals[i] + 1, k - 1, v, n);
		}
	}
}

static int header(struct reader *b, char *line, size_t len)
{
	free(b->header);
	b->header = malloc(len + 1);
	if (!b->header)
		return stop(b, "%s", _("out of memory"));
	memcpy(b->header, line, len);
	b->header[len] = '\0';
	b->n_cols = lines_split_csv(b->header, len, b->names, BILL_COLS, NULL);
	for (int c = 0; c < C_COUNT; c++)
		b->col[c] = -1;
	int first = b->account ? C_ENTRY_ID : C_TRADE_NO, last = b->account ? C_COUNT : C_ENTRY_ID;
	for (int i = 0; i < b->n_cols; i++)
		for (int c = first; c < last; c++)
			if (b->col[c] < 0 && is(&b->names[i], col_names[c]))
				b->col[c] = i;
	b->have_header = true;
	if (b->kind == F_SUMMARY)
		return 0;
	static const int trade_needs[] = {C_TRADE_NO, C_BIZ_TYPE, C_TOTAL, C_CREATED};
	static const int account_needs[] = {C_ENTRY_ID, C_WHEN, C_INCOME, C_EXPENSE, C_KIND};
	const int *needs = b->account ? account_needs : trade_needs;
	size_t n = b->account ? 5 : 4;
	for (size_t i = 0; i < n; i++)
		if (b->col[needs[i]] < 0)
			return stop(b, _("the bill's header has no column %s"),
			            col_names[needs[i]]);
	return 0;
}

static int handle_line(struct reader *b, char *line, size_t len)
{
	if (len && line[len - 1] == '\r')
		line[--len] = '\0';
	if (!b->have_header && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0)
		line += 3, len -= 3;
	if (len == 0)
		return 0;
	/* GBK converted: UTF-8 always, but a NUL byte would cut a value short. */
	char why[200];
	if (memchr(line, '\0', len) &&
	    lines_check_text(line, len, (long long)b->rows, why, sizeof why) != 0)
		return stop(b, "%s", why);
	if (line[0] == '#') {
		if (b->kind == F_DETAIL)
			comment(b, line, len);
		return 0;
	}
	if (!b->have_header)
		return header(b, line, len);
	struct lines_field v[BILL_COLS];
	int n = lines_split_csv(line, len, v, BILL_COLS, NULL);
	if (b->kind == F_SUMMARY) {
		/* The store rows are the platform's; its 合计 row is what is reconciled. */
		if (n > 0 && (is(&v[0], "合计") || (n > 1 && is(&v[1], "合计")))) {
			for (int i = 0; i < n && i < b->n_cols; i++)
				if (!is(&b->names[i], "门店编号") && !is(&b->names[i], "门店名称"))
					model_json_str(&b->summary, b->names[i].s, b->names[i].n,
					               v[i].s, v[i].n);
		}
		return 0;
	}
	if (n != b->n_cols)
		return stop(b, _("row %lld of the bill has %d values for %d columns"),
		            (long long)b->rows + 1, n, b->n_cols);
	int rc = b->account ? account_row(b, v) : trade_row(b, v);
	if (rc == 0)
		b->rows++;
	return rc;
}

/* handle_line as lines_feed calls it. */
static int each_line(void *ctx, char *line, size_t len)
{
	return handle_line(ctx, line, len);
}

static int take(struct reader *b, const char *data, size_t n)
{
	return lines_feed(&b->in, data, n, each_line, b, b->error, sizeof b->error);
}

/* Whether s[0..n) is UTF-8 (then it is no GBK name). */
static bool utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		size_t k = c < 0x80             ? 1
		           : (c & 0xe0) == 0xc0 ? 2
		           : (c & 0xf0) == 0xe0 ? 3
		           : (c & 0xf8) == 0xf0 ? 4
		                                : 0;
		if (!k || i + k > n)
			return false;
		for (size_t j = 1; j < k; j++)
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
		i += k;
	}
	return true;
}

/* An entry's name in UTF-8 (Alipay writes GBK names). */
static void entry_name(iconv_t cd, const char *raw, char *out, size_t size)
{
	size_t n = strlen(raw);
	if (utf8((const unsigned char *)raw, n)) {
		snprintf(out, size, "%s", raw);
		return;
	}
	char *in = (char *)raw, *o = out;
	size_t left = n, room = size - 1;
	iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &in, &left, &o, &room) == (size_t)-1)
		o = out;
	*o = '\0';
}

/* iconv from GB18030 (cd) for a bill: ASCII, most of a bill, is the same bytes in UTF-8 and
 * is copied; each run of other characters goes through iconv. Returns what iconv would for
 * the whole input, with the pointers where it would leave them. */
static size_t gbk_to_utf8(iconv_t cd, char **in, size_t *in_left, char **out, size_t *out_left)
{
	while (*in_left > 0) {
		size_t a = 0, room = *in_left < *out_left ? *in_left : *out_left;
		const unsigned char *p = (const unsigned char *)*in;
		while (a < room && p[a] < 0x80)
			a++;
		memcpy(*out, *in, a);
		*in += a, *in_left -= a, *out += a, *out_left -= a;
		if (*in_left == 0)
			break;
		if (p[a] < 0x80) /* no room left */
			return iconv(cd, in, in_left, out, out_left);
		/* To the next ASCII character: a lead byte starts a character of two bytes, or of
		 * four when a digit follows it (the ASCII bytes inside one are no boundary). */
		p = (const unsigned char *)*in;
		size_t n = 0;
		while (n < *in_left && p[n] >= 0x80)
			n += p[n] >= 0x81 && p[n] <= 0xfe
			             ? (n + 1 < *in_left && p[n + 1] >= 0x30 && p[n + 1] <= 0x39
			                        ? 4
			                        : 2)
			             : 1;
		if (n >= *in_left)
			return iconv(cd, in, in_left, out, out_left);
		size_t left = n;
		if (iconv(cd, in, &left, out, out_left) == (size_t)-1 || left != 0) {
			/* something iconv must judge with what follows: it does, for the rest */
			*in_left -= n - left;
			return iconv(cd, in, in_left, out, out_left);
		}
		*in_left -= n;
	}
	return 0;
}

/* Reads one CSV entry of the zip, converting GBK to UTF-8 as it goes. */
static int read_entry(struct reader *b, zip_t *z, zip_uint64_t index, iconv_t cd)
{
	zip_file_t *f = zip_fopen_index(z, index, 0);
	if (!f)
		return stop(b, _("the bill's zip file cannot be read (%s)"), zip_strerror(z));
	b->have_header = false;
	b->in.len = 0;
	iconv(cd, NULL, NULL, NULL, NULL);
	char in[32768], out[3 * 32768 + 16];
	size_t carry = 0;
	int rc = 0;
	for (;;) {
		zip_int64_t got = zip_fread(f, in + carry, sizeof in - carry);
		if (got < 0) {
			rc = stop(b, _("the bill's zip file cannot be read (%s)"),
			          zip_file_strerror(f));
			break;
		}
		size_t avail = carry + (size_t)got;
		if (avail == 0)
			break;
		char *ip = in, *op = out;
		size_t il = avail, ol = sizeof out;
		size_t cv = gbk_to_utf8(cd, &ip, &il, &op, &ol);
		if (cv == (size_t)-1 && errno == EILSEQ) {
			rc = stop(b, "%s", _("the bill is not in GBK (a byte no character has)"));
			break;
		}
		/* EINVAL: a character cut at the chunk's end, finished by the next one. */
		if (cv == (size_t)-1 && errno == EINVAL && got == 0) {
			rc = stop(b, "%s", _("the bill ends in the middle of a character"));
			break;
		}
		if (take(b, out, (size_t)(op - out)) != 0) {
			rc = -1;
			break;
		}
		carry = il;
		memmove(in, ip, carry);
		if (got == 0 && carry == 0)
			break;
	}
	zip_fclose(f);
	if (rc == 0)
		rc = lines_finish(&b->in, each_line, b);
	return rc;
}

int alp_bill_read(const char *zip_path, const char *bill, const char *day,
                  const struct provider_bill_sink *sink, void *user, struct provider_result *r)
{
	struct reader b = {.bill = bill,
	                   .account = strcmp(bill, "signcustomer") == 0,
	                   .day = day,
	                   .sink = sink,
	                   .user = user};
	model_json_begin(&b.summary);
	int zerr = 0;
	zip_t *z = zip_open(zip_path, ZIP_RDONLY, &zerr);
	if (!z) {
		provider_fail(r, PROVIDER_BAD_REPLY, _("the bill is not a zip file"));
		free(b.summary.buf);
		return -1;
	}
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1) {
		zip_close(z);
		free(b.summary.buf);
		provider_fail(r, PROVIDER_BAD_REPLY, _("GBK cannot be converted on this system"));
		return -1;
	}
	zip_int64_t n = zip_get_num_entries(z, 0);
	int rc = 0, details = 0;
	/* Details first, then the summary. */
	for (int pass = 0; pass < 2 && rc == 0; pass++) {
		for (zip_int64_t i = 0; i < n && rc == 0; i++) {
			const char *raw = zip_get_name(z, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
			char name[512];
			entry_name(cd, raw ? raw : "", name, sizeof name);
			bool summary = strstr(name, "汇总") != NULL;
			bool detail = !summary && strstr(name, "明细") != NULL;
			if ((pass == 0 && !detail) || (pass == 1 && !summary))
				continue;
			b.kind = summary ? F_SUMMARY : F_DETAIL;
			details += detail;
			rc = read_entry(&b, z, (zip_uint64_t)i, cd);
		}
	}
	iconv_close(cd);
	zip_close(z);
	if (rc == 0 && !details)
		rc = stop(&b, "%s", _("the bill's zip file holds no detail file"));
	char *summary = model_json_end(&b.summary);
	if (rc == 0 && sink->summary(user, bill, summary, b.rows, NULL) != 0)
		rc = stop(&b, "%s", _("the cache could not take the bill's rows"));
	if (rc != 0)
		provider_fail(r, PROVIDER_BAD_REPLY, b.error);
	free(summary);
	free(b.header);
	lines_free(&b.in);
	return rc;
}
