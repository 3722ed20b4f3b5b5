/* WeChat Pay's JSON objects in the provider-neutral model: transactions are orders (the
 * merchant's out_trade_no is the order number), refunds are refunds, complaints are
 * disputes of the complaint kind, their negotiation history is the dispute's history. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "client/client.h"
#include "client/days.h"
#include "client/wechatpay/wechatpay.h"

static const char *str(const struct jval *obj, const char *key)
{
	return jval_str(jval_get(obj, key));
}

static int64_t num(const struct jval *obj, const char *key, int64_t none)
{
	const struct jval *v = jval_get(obj, key);
	return jval_is(v, J_INT) ? v->v.i : none;
}

/* Digits of s[0..n) as a number; -1 when not all digits. */
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

/* "YYYY-MM-DD?HH:MM:SS" at offset_s east of UTC; 0 when not such a time. */
static int64_t civil_time(const char *s, size_t len, int64_t offset_s)
{
	if (len < 19 || s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':')
		return 0;
	int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
	int h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
	    se < 0 || se > 60)
		return 0;
	return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - offset_s;
}

int64_t wxp_local_time(const char *s, size_t len)
{
	return civil_time(s, len, WXP_UTC_OFFSET);
}

int64_t wxp_time(const char *s)
{
	if (!s)
		return 0;
	size_t len = strlen(s);
	if (len < 20 || s[10] != 'T')
		return 0;
	/* The offset after the seconds (and any fraction): Z or ±HH:MM. */
	const char *z = s + 19;
	while (*z == '.' || (*z >= '0' && *z <= '9'))
		z++;
	int64_t off = 0;
	if (*z == '+' || *z == '-') {
		int h = digits(z + 1, 2), m = strlen(z) >= 6 ? digits(z + 4, 2) : -1;
		if (h < 0 || m < 0)
			return 0;
		off = (int64_t)(h * 3600 + m * 60) * (*z == '-' ? -1 : 1);
	} else if (*z != 'Z') {
		return 0;
	}
	return civil_time(s, 19, off);
}

const char *wxp_refund_status(const char *status)
{
	if (!status)
		return "pending";
	if (strcmp(status, "SUCCESS") == 0)
		return "succeeded";
	if (strcmp(status, "PROCESSING") == 0)
		return "pending";
	if (strcmp(status, "CLOSED") == 0)
		return "canceled";
	/* ABNORMAL: the money left the merchant but could not reach the payer's account; it
	 * stays refunded, and the merchant must act (a refund to another account). */
	return "requires_action";
}

/* trade_state as paydesk's neutral order status. */
static const char *trade_status(const char *state)
{
	if (!state)
		return "pending";
	if (strcmp(state, "SUCCESS") == 0 || strcmp(state, "REFUND") == 0)
		return "succeeded";
	if (strcmp(state, "NOTPAY") == 0 || strcmp(state, "USERPAYING") == 0)
		return "pending";
	return "failed"; /* CLOSED, REVOKED, PAYERROR */
}

static const struct model_drop transaction_cols[] = {
        MODEL_DROP("transaction_id"),  MODEL_DROP("out_trade_no"), MODEL_DROP("amount.total"),
        MODEL_DROP("amount.currency"), MODEL_DROP("success_time"), MODEL_DROP("payer.openid"),
        MODEL_DROP("trade_type"),
};

int wxp_map_transaction(const struct jval *obj, struct model_object *m, char *err, size_t err_size)
{
	memset(m, 0, sizeof *m);
	const struct jval *amount = jval_get(obj, "amount");
	struct model_order *o = &m->u.order;
	m->kind = MODEL_ORDER;
	m->id = str(obj, "transaction_id");
	o->order_ref = str(obj, "out_trade_no");
	o->amount = num(amount, "total", -1);
	o->currency = str(amount, "currency");
	const char *state = str(obj, "trade_state");
	o->platform_status = trade_status(state);
	o->payer = str(jval_get(obj, "payer"), "openid");
	o->channel = str(obj, "trade_type");
	o->settle_amount = o->discount_amount = o->fee_fine = MODEL_UNKNOWN;
	o->derive_refunded = true;
	/* An unpaid order has no success time: it is known from the moment it is looked up. */
	m->created = wxp_time(str(obj, "success_time"));
	if (!m->created)
		m->created = (int64_t)paydesk_now();
	m->merge = true;
	if (!m->id || !*m->id || o->amount < 0 || !o->currency ||
	    !money_currency_valid(o->currency)) {
		snprintf(err, err_size, _("a transaction without id, amount or currency (%s)"),
		         m->id ? m->id : "?");
		memset(m, 0, sizeof *m);
		return -1;
	}
	m->raw = model_compact_json(obj, transaction_cols,
	                            sizeof transaction_cols / sizeof *transaction_cols);
	return 0;
}

static const struct model_drop refund_cols[] = {
        MODEL_DROP("refund_id"),     MODEL_DROP("out_refund_no"),   MODEL_DROP("transaction_id"),
        MODEL_DROP("out_trade_no"),  MODEL_DROP("status"),          MODEL_DROP("create_time"),
        MODEL_DROP("amount.refund"), MODEL_DROP("amount.currency"),
};

int wxp_map_refund(const struct jval *obj, struct model_object *m, char *err, size_t err_size)
{
	memset(m, 0, sizeof *m);
	const struct jval *amount = jval_get(obj, "amount");
	struct model_refund *r = &m->u.refund;
	m->kind = MODEL_REFUND;
	m->id = str(obj, "refund_id");
	m->created = wxp_time(str(obj, "create_time"));
	r->order_id = str(obj, "transaction_id");
	r->order_ref = str(obj, "out_trade_no");
	r->refund_ref = str(obj, "out_refund_no");
	if (r->refund_ref && strncmp(r->refund_ref, "act_", 4) == 0)
		r->action_id = r->refund_ref;
	r->amount = num(amount, "refund", -1);
	r->currency = str(amount, "currency");
	r->status = wxp_refund_status(str(obj, "status"));
	r->settle_amount = num(amount, "settlement_refund", MODEL_UNKNOWN);
	r->coupon_refund = r->fee_fine = MODEL_UNKNOWN;
	r->derive_order = true;
	if (!m->created)
		m->created = (int64_t)paydesk_now();
	if (!m->id || !*m->id || r->amount < 0 || !r->currency ||
	    !money_currency_valid(r->currency)) {
		snprintf(err, err_size, _("a refund without id, amount or currency (%s)"),
		         m->id ? m->id : "?");
		memset(m, 0, sizeof *m);
		return -1;
	}
	m->raw = model_compact_json(obj, refund_cols, sizeof refund_cols / sizeof *refund_cols);
	return 0;
}

static const struct model_drop complaint_cols[] = {
        MODEL_DROP("complaint_id"),        MODEL_DROP("complaint_time"),
        MODEL_DROP("complaint_detail"),    MODEL_DROP("complaint_state"),
        MODEL_DROP("payer_phone"),         MODEL_DROP("problem_type"),
        MODEL_DROP("apply_refund_amount"),
};

/* PENDING, PROCESSING, PROCESSED as paydesk's neutral complaint states. */
static const char *complaint_status(const char *state)
{
	if (!state || strcmp(state, "PENDING") == 0)
		return "awaiting_reply";
	if (strcmp(state, "PROCESSING") == 0)
		return "in_progress";
	return "resolved";
}

/* REFUND, SERVICE_NOT_WORK, OTHERS as paydesk's neutral reasons. */
static const char *problem_reason(const char *type)
{
	if (!type)
		return NULL;
	if (strcmp(type, "REFUND") == 0)
		return "refund_request";
	if (strcmp(type, "SERVICE_NOT_WORK") == 0)
		return "service_not_working";
	return "other";
}

int wxp_map_complaint(const struct jval *obj, struct model_object *m, char *err, size_t err_size)
{
	memset(m, 0, sizeof *m);
	struct model_dispute *d = &m->u.dispute;
	m->kind = MODEL_DISPUTE;
	m->id = str(obj, "complaint_id");
	m->created = wxp_time(str(obj, "complaint_time"));
	d->complaint = true;
	d->status = complaint_status(str(obj, "complaint_state"));
	d->reason = problem_reason(str(obj, "problem_type"));
	d->detail = str(obj, "complaint_detail");
	d->contact = str(obj, "payer_phone");
	d->refund_requested = num(obj, "apply_refund_amount", MODEL_UNKNOWN);
	d->currency = "cny";
	/* The complained-of order: the first of the list, and the sum of their amounts. */
	const struct jval *orders = jval_get(obj, "complaint_order_info");
	d->amount = 0;
	if (jval_is(orders, J_ARRAY)) {
		const struct jval *c;
		uint32_t i;
		JVAL_EACH(c, i, orders)
		{
			if (i == 0) {
				d->order_id = str(c, "transaction_id");
				d->order_ref = str(c, "out_trade_no");
			}
			int64_t a = num(c, "amount", 0);
			if (a > 0 && !money_add(d->amount, a, &d->amount))
				d->amount = 0;
		}
	}
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

/* operate_type as paydesk's neutral kinds of history entries (others kept as sent). */
static const char *history_kind(const char *type)
{
	static const struct {
		const char *platform, *neutral;
	} kinds[] = {
	        {"USER_CREATE_COMPLAINT", "complaint_created"},
	        {"USER_CONTINUE_COMPLAINT", "customer_wrote"},
	        {"USER_RESPONSE", "customer_wrote"},
	        {"PLATFORM_RESPONSE", "platform_wrote"},
	        {"MERCHANT_RESPONSE", "merchant_reply"},
	        {"MERCHANT_CONFIRM_COMPLETE", "merchant_complete"},
	        {"MERCHANT_APPROVE_REFUND", "refund_approved"},
	        {"MERCHANT_REFUSE_RERUND", "refund_rejected"},
	        {"MERCHANT_REFUSE_REFUND", "refund_rejected"},
	        {"USER_CANCEL_COMPLAINT", "complaint_cancelled"},
	};
	for (size_t i = 0; type && i < sizeof kinds / sizeof *kinds; i++)
		if (strcmp(type, kinds[i].platform) == 0)
			return kinds[i].neutral;
	return type;
}

int wxp_map_history(const struct jval *obj, const char *complaint_id, struct model_object *m,
                    char *err, size_t err_size)
{
	memset(m, 0, sizeof *m);
	struct model_dispute_event *e = &m->u.dispute_event;
	m->kind = MODEL_DISPUTE_EVENT;
	m->id = str(obj, "log_id");
	m->created = wxp_time(str(obj, "operate_time"));
	e->dispute_id = complaint_id;
	e->actor = str(obj, "operator");
	e->kind = history_kind(str(obj, "operate_type"));
	e->text = str(obj, "operate_details");
	const struct jval *images = jval_get(obj, "image_list");
	if (jval_is(images, J_ARRAY) && images->len > 0)
		m->metadata = model_metadata_json(images);
	if (!m->id || !*m->id || !m->created) {
		snprintf(err, err_size, _("a complaint history entry without id or time"));
		model_object_clear(m);
		return -1;
	}
	return 0;
}
