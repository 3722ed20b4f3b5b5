/* Alipay's JSON objects in the provider-neutral model: trades are orders (the merchant's
 * out_trade_no is the order number), refunds are named by trade and request number (Alipay
 * gives them no id of their own), trade complaints are disputes of the complaint kind,
 * account-log entries are balance entries. Amounts come as yuan strings. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "client/client.h"
#include "client/days.h"
#include "client/alipay/alipay.h"

static const char *str(const struct jval *obj, const char *key)
{
	return jval_str(jval_get(obj, key));
}

static int digits(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int64_t alp_time(const char *s, size_t len)
{
	if (!s || len < 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' ||
	    s[16] != ':')
		return 0;
	int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
	int h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
	    se < 0 || se > 60)
		return 0;
	return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - ALP_UTC_OFFSET;
}

int alp_yuan(const char *s, size_t len, int64_t *fen)
{
	char buf[40];
	if (!s || len == 0 || len >= sizeof buf)
		return -1;
	/* What bills are made of, read at once: [-]digits[.d[d]], at most 15 digits before the
	 * point (anything else, money_parse says). */
	size_t i = s[0] == '-' || s[0] == '+', digits = 0;
	int64_t v = 0;
	for (; i < len && s[i] >= '0' && s[i] <= '9' && digits < 15; i++, digits++)
		v = v * 10 + (s[i] - '0');
	if (digits && (i == len || s[i] == '.')) {
		int frac = 0;
		if (i < len)
			for (i++; i < len && s[i] >= '0' && s[i] <= '9' && frac < 2; i++, frac++)
				v = v * 10 + (s[i] - '0');
		if (i == len && (frac > 0 || s[len - 1] != '.')) {
			for (; frac < 2; frac++)
				v *= 10;
			*fen = s[0] == '-' ? -v : v;
			return 0;
		}
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	return money_parse(buf, "cny", MONEY_PARSE_ALLOW_NEGATIVE, fen) == MONEY_OK ? 0 : -1;
}

static int64_t yuan_of(const struct jval *obj, const char *key, int64_t none)
{
	const char *v = str(obj, key);
	int64_t fen;
	return v && alp_yuan(v, strlen(v), &fen) == 0 ? fen : none;
}

void alp_refund_id(const char *trade_no, const char *request_no, char *out, size_t size)
{
	snprintf(out, size, "%s/%s", trade_no ? trade_no : "", request_no ? request_no : "");
}

/* trade_status as paydesk's neutral order status. */
static const char *trade_status(const char *s)
{
	if (!s)
		return "pending";
	if (strcmp(s, "TRADE_SUCCESS") == 0 || strcmp(s, "TRADE_FINISHED") == 0)
		return "succeeded";
	if (strcmp(s, "WAIT_BUYER_PAY") == 0)
		return "pending";
	return "failed"; /* TRADE_CLOSED: unpaid and closed, or refunded in full */
}

static const struct model_drop trade_cols[] = {
        MODEL_DROP("code"),          MODEL_DROP("msg"),          MODEL_DROP("trade_no"),
        MODEL_DROP("out_trade_no"),  MODEL_DROP("total_amount"), MODEL_DROP("buyer_logon_id"),
        MODEL_DROP("send_pay_date"),
};

int alp_map_trade(const struct jval *node, struct model_object *m, char *err, size_t err_size)
{
	memset(m, 0, sizeof *m);
	struct model_order *o = &m->u.order;
	m->kind = MODEL_ORDER;
	m->id = str(node, "trade_no");
	o->order_ref = str(node, "out_trade_no");
	o->amount = yuan_of(node, "total_amount", -1);
	o->currency = "cny";
	const char *status = str(node, "trade_status");
	o->platform_status = trade_status(status);
	/* A trade closed after a full refund was paid: its refunds say the rest. */
	if (status && strcmp(status, "TRADE_CLOSED") == 0 && yuan_of(node, "receipt_amount", 0) > 0)
		o->platform_status = "succeeded";
	o->payer = str(node, "buyer_logon_id");
	o->settle_amount = o->discount_amount = o->fee_fine = MODEL_UNKNOWN;
	o->derive_refunded = true;
	const char *paid = str(node, "send_pay_date");
	m->created = paid ? alp_time(paid, strlen(paid)) : 0;
	if (!m->created)
		m->created = (int64_t)paydesk_now();
	m->merge = true;
	if (!m->id || !*m->id || o->amount < 0) {
		snprintf(err, err_size, _("a transaction without id, amount or currency (%s)"),
		         m->id ? m->id : "?");
		memset(m, 0, sizeof *m);
		return -1;
	}
	m->raw = model_compact_json(node, trade_cols, sizeof trade_cols / sizeof *trade_cols);
	return 0;
}

/* Alipay's complaint states as paydesk's neutral ones. */
static const char *complaint_status(const char *s)
{
	if (!s || strcmp(s, "MERCHANT_PROCESSING") == 0)
		return "awaiting_reply";
	if (strcmp(s, "MERCHANT_FEEDBACKED") == 0 || strcmp(s, "PLATFORM_PROCESSING") == 0)
		return "in_progress";
	if (strcmp(s, "CANCELLED") == 0)
		return "cancelled";
	return "resolved"; /* FINISHED, PLATFORM_FINISH, CLOSED */
}

/* The status stays in raw: paydesk's neutral state folds several of Alipay's. */
static const struct model_drop complaint_cols[] = {
        MODEL_DROP("complain_event_id"),  MODEL_DROP("trade_no"), MODEL_DROP("merchant_order_no"),
        MODEL_DROP("gmt_create"),         MODEL_DROP("content"),  MODEL_DROP("trade_amount"),
        MODEL_DROP("reply_detail_infos"),
};

int alp_map_complaint(const struct jval *obj, struct model_object *m, char *err, size_t err_size)
{
	memset(m, 0, sizeof *m);
	struct model_dispute *d = &m->u.dispute;
	m->kind = MODEL_DISPUTE;
	m->id = str(obj, "complain_event_id");
	const char *created = str(obj, "gmt_create");
	m->created = created ? alp_time(created, strlen(created)) : 0;
	d->complaint = true;
	d->status = complaint_status(str(obj, "status"));
	d->reason = str(obj, "complain_reason") ? "other" : NULL;
	d->detail = str(obj, "content");
	/* Alipay shows the number masked already; it is kept as sent. */
	d->contact = NULL;
	d->refund_requested = MODEL_UNKNOWN;
	d->currency = "cny";
	d->order_id = str(obj, "trade_no");
	d->order_ref = str(obj, "merchant_order_no");
	/* The list does not say the trade's amount (the detail does): the cached order's. */
	d->amount = yuan_of(obj, "trade_amount", MODEL_UNKNOWN);
	if (!m->id || !*m->id || !m->created) {
		snprintf(err, err_size, _("a complaint without id or time (%s)"),
		         m->id ? m->id : "?");
		memset(m, 0, sizeof *m);
		return -1;
	}
	m->raw = model_compact_json(obj, complaint_cols,
	                            sizeof complaint_cols / sizeof *complaint_cols);
	return 0;
}

size_t alp_map_replies(const struct jval *obj, const char *complaint_id, struct model_object *out,
                       size_t max)
{
	const struct jval *list = jval_get(obj, "reply_detail_infos");
	if (!jval_is(list, J_ARRAY))
		return 0;
	size_t n = 0;
	const struct jval *c;
	uint32_t i;
	JVAL_EACH(c, i, list)
	{
		if (n >= max)
			break;
		struct model_object *m = &out[n];
		memset(m, 0, sizeof *m);
		const char *when = str(c, "gmt_create");
		m->kind = MODEL_DISPUTE_EVENT;
		m->created = when ? alp_time(when, strlen(when)) : 0;
		if (!m->created)
			continue;
		/* No id of its own: its place and time name it. */
		if (!model_set_own_id(m, "%u-%lld", (unsigned)i, (long long)m->created))
			continue;
		struct model_dispute_event *e = &m->u.dispute_event;
		e->dispute_id = complaint_id;
		e->actor = str(c, "replier_role");
		const char *role = e->actor ? e->actor : "";
		e->kind = !strcmp(role, "MERCHANT") ? "merchant_reply"
		          : !strcmp(role, "USER")   ? "customer_wrote"
		                                    : "platform_wrote";
		e->text = str(c, "content");
		const struct jval *images = jval_get(c, "images");
		if (jval_is(images, J_ARRAY) && images->len > 0)
			m->metadata = model_metadata_json(images);
		n++;
	}
	return n;
}

int alp_map_account_entry(const struct jval *obj, struct model_object *out, char *err,
                          size_t err_size)
{
	memset(out, 0, 3 * sizeof *out);
	struct model_object *b = &out[0];
	const char *when = str(obj, "trans_dt");
	int64_t amount = yuan_of(obj, "trans_amount", MODEL_UNKNOWN);
	b->kind = MODEL_BALANCE_TX;
	b->id = str(obj, "account_log_id");
	b->created = when ? alp_time(when, strlen(when)) : 0;
	if (!b->id || !*b->id || !b->created || amount == MODEL_UNKNOWN) {
		snprintf(err, err_size, _("an account entry without id, time or amount (%s)"),
		         b->id ? b->id : "?");
		memset(b, 0, sizeof *b);
		return -1;
	}
	const char *dir = str(obj, "direction");
	if (dir && strcmp(dir, "支出") == 0 && amount > 0)
		amount = -amount;
	const char *type = str(obj, "type");
	const char *neutral = "adjustment";
	if (type && (strstr(type, "在线支付") || strstr(type, "交易")) && !strstr(type, "退款"))
		neutral = amount >= 0 ? "charge" : "adjustment";
	if (type && strstr(type, "退款"))
		neutral = "refund";
	if (type && strstr(type, "提现"))
		neutral = "payout";
	if (type && (strstr(type, "收费") || strstr(type, "服务费")))
		neutral = "fee";
	struct model_balance_tx *x = &b->u.balance_tx;
	x->amount = amount;
	x->net = amount;
	x->available_on = b->created;
	x->currency = "cny";
	x->type = neutral;
	x->reporting_category = neutral;
	x->source = str(obj, "alipay_order_no");
	x->status = "available";
	x->description = str(obj, "biz_desc") ? str(obj, "biz_desc") : type;
	int n = 1;
	const char *trade = str(obj, "alipay_order_no");
	const char *ref = str(obj, "merchant_order_no");
	if (!strcmp(neutral, "payout")) {
		/* Today's withdrawal to the bank is a settlement too, named as the bill names it. */
		struct model_object *p = &out[n++];
		p->kind = MODEL_PAYOUT;
		p->id = trade && *trade ? trade : b->id;
		p->created = b->created;
		struct model_payout *po = &p->u.payout;
		po->amount = amount < 0 ? -amount : amount;
		po->arrival_date = b->created;
		po->currency = "cny";
		po->status = "paid";
		po->method = "bank";
		po->automatic = true;
		po->balance_transaction = b->id;
		po->description = x->description;
		return n;
	}
	if (!trade || !*trade)
		return n;
	if (!strcmp(neutral, "charge")) {
		/* Today's payment, before tomorrow's bill tells the rest. */
		struct model_object *o = &out[n++];
		o->kind = MODEL_ORDER;
		o->id = trade;
		o->created = b->created;
		o->merge = true;
		struct model_order *ord = &o->u.order;
		ord->amount = amount;
		ord->currency = "cny";
		ord->platform_status = "succeeded";
		ord->order_ref = ref;
		ord->payer = str(obj, "other_account");
		ord->settle_amount = ord->discount_amount = ord->fee_fine = MODEL_UNKNOWN;
		ord->derive_refunded = true;
	} else if (!strcmp(neutral, "refund")) {
		const char *request = str(obj, "merchant_out_refund_no");
		struct model_object *r = &out[n++];
		r->kind = MODEL_REFUND;
		if (!model_set_own_id(r, "%s/%s", trade, request ? request : (ref ? ref : "")))
			return n - 1;
		r->created = b->created;
		struct model_refund *rf = &r->u.refund;
		rf->amount = amount < 0 ? -amount : amount;
		rf->currency = "cny";
		rf->order_id = trade;
		rf->order_ref = ref;
		rf->refund_ref = request;
		if (request && strncmp(request, "act_", 4) == 0)
			rf->action_id = request;
		rf->status = "succeeded";
		rf->settle_amount = rf->coupon_refund = rf->fee_fine = MODEL_UNKNOWN;
		rf->derive_order = true;
	}
	return n;
}
