/* The complaints API (消费者投诉2.0, /v3/merchant-service/complaints-v2): the dated list,
 * one complaint, its negotiation history, and the merchant's reply, completion and answer
 * to a refund request. payer_phone is RSA-OAEP encrypted to the merchant's public key. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/wechatpay/wechatpay.h"

static const char *const states[3] = {"PENDING", "PROCESSING", "PROCESSED"};
static const char *const problems[3] = {"REFUND", "SERVICE_NOT_WORK", "OTHERS"};

#define COMPLAINT_SELECT                                                                           \
	"SELECT c.seq,c.complaint_id,c.created,c.state,c.problem,c.detail,c.description,"          \
	"c.apply_refund,c.times,c.incoming,c.immediate,c.phone,c.media,o.transaction_id,"          \
	"o.out_trade_no,o.total,o.refunded,o.payer FROM wx_complaints c JOIN wx_orders o ON "      \
	"o.seq = c.order_seq "

static int clamp3(int v)
{
	return v < 0 || v > 2 ? 0 : v;
}

/* Appends the URLs of space-separated media ids as a JSON array. */
static void media_urls(const struct wx_req *rq, const char *ids, struct sbx_buf *b)
{
	const char *p = ids;
	int n = 0;

	sbx_buf_puts(b, "[");
	while (p && *p) {
		size_t len = strcspn(p, " ");

		sbx_buf_printf(b, "%s\"%s/v3/merchant-service/images/%.*s\"", n++ ? "," : "",
		               rq->base, (int)len, p);
		p += len;
		p += strspn(p, " ");
	}
	sbx_buf_puts(b, "]");
}

/* One complaint from a COMPLAINT_SELECT row; the detail view adds payer_openid. */
static int render(struct sbx *s, const struct wx_req *rq, sqlite3_stmt *st, int detail,
                  struct sbx_buf *b)
{
	struct wx_state *w = wx_state(s);
	int problem = clamp3(sqlite3_column_int(st, 4));
	const char *media = (const char *)sqlite3_column_text(st, 12);
	int64_t total = sqlite3_column_int64(st, 15);
	char t[48], openid[32];

	sbx_buf_puts(b, "{");
	if (problem == 0)
		sbx_buf_printf(b, "\"apply_refund_amount\":%lld,",
		               (long long)sqlite3_column_int64(st, 7));
	SBX_KSTR(b, "complaint_detail", (const char *)sqlite3_column_text(st, 5));
	sbx_buf_printf(b, ",\"complaint_full_refunded\":%s,",
	               sqlite3_column_int64(st, 16) >= total ? "true" : "false");
	SBX_KSTR(b, "complaint_id", (const char *)sqlite3_column_text(st, 1));
	sbx_buf_puts(b, ",\"complaint_media_list\":[");
	if (media && media[0]) {
		sbx_buf_puts(b, "{\"media_type\":\"USER_COMPLAINT_IMAGE\",\"media_url\":");
		media_urls(rq, media, b);
		sbx_buf_puts(b, "}");
	}
	sbx_buf_puts(b, "],\"complaint_order_info\":[{");
	SBX_KI64(b, "amount", total);
	sbx_buf_puts(b, ",");
	SBX_KSTR(b, "out_trade_no", (const char *)sqlite3_column_text(st, 14));
	sbx_buf_puts(b, ",");
	SBX_KSTR(b, "transaction_id", (const char *)sqlite3_column_text(st, 13));
	sbx_buf_puts(b, "}],");
	SBX_KSTR(b, "complaint_state", states[clamp3(sqlite3_column_int(st, 3))]);
	wx_rfc3339_ms(sqlite3_column_int64(st, 2), (int)(sqlite3_column_int64(st, 0) * 37 % 1000),
	              t);
	sbx_buf_puts(b, ",");
	SBX_KSTR(b, "complaint_time", t);
	sbx_buf_puts(b, ",");
	SBX_KSTR(b, "complainted_mchid", w->mchid);
	sbx_buf_printf(b, ",\"incoming_user_response\":%s,\"need_immediate_service\":%s,",
	               sqlite3_column_int(st, 9) ? "true" : "false",
	               sqlite3_column_int(st, 10) ? "true" : "false");
	if (detail) {
		wx_openid(w->salt, sqlite3_column_int64(st, 17), openid);
		SBX_KSTR(b, "payer_openid", openid);
		sbx_buf_puts(b, ",");
	}
	sbx_buf_puts(b, "\"payer_phone\":\"");
	if (wx_oaep(w->merchant_pub, (const char *)sqlite3_column_text(st, 11), b) != 0)
		return -1;
	sbx_buf_puts(b, "\",");
	SBX_KSTR(b, "problem_description", (const char *)sqlite3_column_text(st, 6));
	sbx_buf_puts(b, ",");
	SBX_KSTR(b, "problem_type", problems[problem]);
	sbx_buf_puts(b, ",\"service_order_info\":[],");
	SBX_KI64(b, "user_complaint_times", sqlite3_column_int64(st, 8));
	sbx_buf_puts(b, ",\"user_tag_list\":[]}");
	return 0;
}

/* An optional integer query parameter in [min, max]; 0, or -1 when malformed. */
static int int_param(struct wx_req *rq, const char *name, long def, long min, long max, long *out)
{
	const char *v = sbx_params_get(rq->qp, name);
	char *end;

	*out = def;
	if (v == NULL)
		return 0;
	*out = strtol(v, &end, 10);
	return *v && *end == '\0' && *out >= min && *out <= max ? 0 : -1;
}

static void list(struct sbx *s, struct wx_req *rq, struct wx_reply *r)
{
	struct wx_state *w = wx_state(s);
	const char *begin = sbx_params_get(rq->qp, "begin_date");
	const char *end = sbx_params_get(rq->qp, "end_date");
	const char *who = sbx_params_get(rq->qp, "complainted_mchid");
	int64_t from, to, total = 0;
	long limit, offset;
	sqlite3_stmt *st;
	int n = 0;

	if (begin == NULL || end == NULL) {
		wx_error_required(r, begin ? "/query/end_date" : "/query/begin_date",
		                  begin ? "结束日期" : "开始日期");
		return;
	}
	if (wx_parse_date(begin, &from) != 0 || wx_parse_date(end, &to) != 0) {
		wx_error(r, 400, "PARAM_ERROR", "日期格式错误，应为YYYY-MM-DD");
		return;
	}
	if (to < from) {
		wx_error(r, 400, "PARAM_ERROR", "结束日期end_date不能早于开始日期begin_date");
		return;
	}
	if (to - from > 30) {
		wx_error(r, 400, "PARAM_ERROR", "查询时间跨度不能超过30天");
		return;
	}
	if (int_param(rq, "limit", 10, 1, 50, &limit) != 0 ||
	    int_param(rq, "offset", 0, 0, 100000000, &offset) != 0) {
		wx_error(r, 400, "PARAM_ERROR", "分页参数错误：limit取值1到50，offset不能小于0");
		return;
	}
	/* A direct merchant's complaints are all its own: another mchid has none here. */
	if (who && strcmp(who, w->mchid) != 0)
		from = to + 1;
	st = sbx_prepare(s,
	                 "SELECT count(*) FROM wx_complaints WHERE created >= ? AND created < ?");
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, wx_day_start(from));
	sqlite3_bind_int64(st, 2, wx_day_start(to + 1));
	if (sqlite3_step(st) == SQLITE_ROW)
		total = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = sbx_prepare(s, COMPLAINT_SELECT "WHERE c.created >= ? AND c.created < ? "
	                                     "ORDER BY c.created, c.seq LIMIT ? OFFSET ?");
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, wx_day_start(from));
	sqlite3_bind_int64(st, 2, wx_day_start(to + 1));
	sqlite3_bind_int64(st, 3, limit);
	sqlite3_bind_int64(st, 4, offset);
	sbx_buf_puts(&r->body, "{\"data\":[");
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n++)
			sbx_buf_puts(&r->body, ",");
		if (render(s, rq, st, 0, &r->body) != 0) {
			sqlite3_finalize(st);
			goto fail;
		}
	}
	sqlite3_finalize(st);
	sbx_buf_printf(&r->body, "],\"limit\":%ld,\"offset\":%ld,\"total_count\":%lld}", limit,
	               offset, (long long)total);
	r->status = 200;
	return;
fail:
	wx_error(r, 500, "SYSTEM_ERROR", "系统错误");
}

struct complaint {
	int64_t seq;
	int state, problem, decided;
	int64_t apply;
};

/* Loads the complaint named id; 0, or -1 with a 404 filled. */
static int load(struct sbx *s, const char *id, struct complaint *c, struct wx_reply *r)
{
	sqlite3_stmt *st = sbx_prepare(s, "SELECT seq, state, problem, apply_refund, "
	                                  "refund_decided FROM wx_complaints WHERE "
	                                  "complaint_id = ?");
	int rc = -1;

	if (st == NULL) {
		wx_error(r, 500, "SYSTEM_ERROR", "系统错误");
		return -1;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		c->seq = sqlite3_column_int64(st, 0);
		c->state = clamp3(sqlite3_column_int(st, 1));
		c->problem = clamp3(sqlite3_column_int(st, 2));
		c->apply = sqlite3_column_int64(st, 3);
		c->decided = sqlite3_column_int(st, 4);
		rc = 0;
	} else {
		wx_error(r, 404, "RESOURCE_NOT_EXISTS", "投诉单不存在");
	}
	sqlite3_finalize(st);
	return rc;
}

static void detail(struct sbx *s, struct wx_req *rq, const char *id, struct wx_reply *r)
{
	sqlite3_stmt *st = sbx_prepare(s, COMPLAINT_SELECT "WHERE c.complaint_id = ?");

	if (st == NULL) {
		wx_error(r, 500, "SYSTEM_ERROR", "系统错误");
		return;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		wx_error(r, 404, "RESOURCE_NOT_EXISTS", "投诉单不存在");
	else if (render(s, rq, st, 1, &r->body) != 0)
		wx_error(r, 500, "SYSTEM_ERROR", "系统错误");
	else
		r->status = 200;
	sqlite3_finalize(st);
}

static void history(struct sbx *s, struct wx_req *rq, const char *id, struct wx_reply *r)
{
	struct complaint c;
	sqlite3_stmt *st;
	long limit, offset;
	int64_t total = 0;
	int n = 0;

	if (load(s, id, &c, r) != 0)
		return;
	if (int_param(rq, "limit", 100, 1, 300, &limit) != 0 ||
	    int_param(rq, "offset", 0, 0, 100000000, &offset) != 0) {
		wx_error(r, 400, "PARAM_ERROR", "分页参数错误：limit取值1到300，offset不能小于0");
		return;
	}
	st = sbx_prepare(s, "SELECT count(*) FROM wx_complaint_log WHERE complaint_seq = ?");
	if (st) {
		sqlite3_bind_int64(st, 1, c.seq);
		if (sqlite3_step(st) == SQLITE_ROW)
			total = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	st = sbx_prepare(s, "SELECT seq, log_id, at, operator, type, details, images FROM "
	                    "wx_complaint_log WHERE complaint_seq = ? ORDER BY at, seq LIMIT ? "
	                    "OFFSET ?");
	if (st == NULL) {
		wx_error(r, 500, "SYSTEM_ERROR", "系统错误");
		return;
	}
	sqlite3_bind_int64(st, 1, c.seq);
	sqlite3_bind_int64(st, 2, limit);
	sqlite3_bind_int64(st, 3, offset);
	sbx_buf_puts(&r->body, "{\"data\":[");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *images = (const char *)sqlite3_column_text(st, 6);
		const char *op = (const char *)sqlite3_column_text(st, 3);
		char t[48];

		sbx_buf_puts(&r->body, n++ ? ",{" : "{");
		/* The user's pictures are complaint media; the merchant's are image_list. */
		if (images && strcmp(op, "投诉人") == 0) {
			sbx_buf_puts(&r->body, "\"complaint_media_list\":{\"media_type\":"
			                       "\"USER_COMPLAINT_IMAGE\",\"media_url\":");
			media_urls(rq, images, &r->body);
			sbx_buf_puts(&r->body, "},\"image_list\":[],");
		} else {
			sbx_buf_puts(&r->body, "\"image_list\":");
			media_urls(rq, images, &r->body);
			sbx_buf_puts(&r->body, ",");
		}
		SBX_KSTR(&r->body, "log_id", (const char *)sqlite3_column_text(st, 1));
		sbx_buf_puts(&r->body, ",");
		SBX_KSTR(&r->body, "operate_details", (const char *)sqlite3_column_text(st, 5));
		wx_rfc3339_ms(sqlite3_column_int64(st, 2),
		              (int)(sqlite3_column_int64(st, 0) % 1000), t);
		sbx_buf_puts(&r->body, ",");
		SBX_KSTR(&r->body, "operate_time", t);
		sbx_buf_puts(&r->body, ",");
		SBX_KSTR(&r->body, "operate_type", (const char *)sqlite3_column_text(st, 4));
		sbx_buf_puts(&r->body, ",");
		SBX_KSTR(&r->body, "operator", op);
		sbx_buf_puts(&r->body, "}");
	}
	sqlite3_finalize(st);
	sbx_buf_printf(&r->body, "],\"limit\":%ld,\"offset\":%ld,\"total_count\":%lld}", limit,
	               offset, (long long)total);
	r->status = 200;
}

/* Checks up to four media ids into a space-separated list; 0, or -1 with a 400 filled. */
static int media_list(struct sbx *s, json_t *arr, const char *field, struct sbx_buf *out,
                      struct wx_reply *r)
{
	size_t i;

	if (arr == NULL)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > 4) {
		wx_error(r, 400, "PARAM_ERROR", "%s最多4张图片", field);
		return -1;
	}
	for (i = 0; i < json_array_size(arr); i++) {
		const char *id = json_string_value(json_array_get(arr, i));

		if (id == NULL || strchr(id, ' ') || !wx_media_exists(s, id)) {
			wx_error(r, 400, "PARAM_ERROR", "%s中的图片media_id无效", field);
			return -1;
		}
		if (out->len)
			sbx_buf_puts(out, " ");
		sbx_buf_puts(out, id);
	}
	return 0;
}

/* The merchant's actions: response, complete, update-refund-progress. */
static void act(struct sbx *s, struct wx_req *rq, const char *id, const char *action,
                struct wx_reply *r)
{
	struct wx_state *w = wx_state(s);
	json_t *j = rq->body ? json_loadb(rq->body, rq->body_len, 0, NULL) : NULL;
	const char *mchid = wx_jstr(j, "complainted_mchid");
	int refund = strcmp(action, "update-refund-progress") == 0;
	struct complaint c;
	struct sbx_buf images, text;
	const char *type = NULL;
	int new_state = -1, decided = 0;
	int64_t log_seq = 0;
	sqlite3_stmt *st;

	sbx_buf_init(&images);
	sbx_buf_init(&text);
	if (!json_is_object(j)) {
		wx_error(r, 400, "PARAM_ERROR", "请求的body不是合法的JSON");
		goto out;
	}
	if (load(s, id, &c, r) != 0)
		goto out;
	if (!refund && mchid == NULL) {
		wx_error_required(r, "/body/complainted_mchid", "被诉商户号");
		goto out;
	}
	if (mchid && strcmp(mchid, w->mchid) != 0) {
		wx_error(r, 400, "INVALID_REQUEST", "被诉商户号complainted_mchid与投诉单不匹配");
		goto out;
	}
	if (c.state == 2) {
		wx_error(r, 400, "INVALID_REQUEST", "投诉单已处理完成，无法继续操作");
		goto out;
	}
	if (strcmp(action, "response") == 0) {
		const char *content = wx_jstr(j, "response_content");

		if (content == NULL) {
			wx_error_required(r, "/body/response_content", "回复内容");
			goto out;
		}
		if (wx_utf8_len(content) > 200) {
			wx_error(r, 400, "PARAM_ERROR",
			         "回复内容response_content不能超过200个字符");
			goto out;
		}
		if (media_list(s, json_object_get(j, "response_images"), "response_images", &images,
		               r) != 0)
			goto out;
		type = "MERCHANT_RESPONSE";
		sbx_buf_puts(&text, content);
		new_state = c.state == 0 ? 1 : c.state;
	} else if (strcmp(action, "complete") == 0) {
		type = "MERCHANT_CONFIRM_COMPLETE";
		sbx_buf_puts(&text, "商户已反馈处理完成");
		new_state = 2;
	} else {
		const char *act_v = wx_jstr(j, "action");
		const char *reason = wx_jstr(j, "reject_reason");
		const char *remark = wx_jstr(j, "remark");
		json_t *days = json_object_get(j, "launch_refund_day");

		if (act_v == NULL) {
			wx_error_required(r, "/body/action", "审批动作");
			goto out;
		}
		if (strcmp(act_v, "APPROVE") != 0 && strcmp(act_v, "REJECT") != 0) {
			wx_error(r, 400, "PARAM_ERROR",
			         "审批动作action取值错误，应为APPROVE或REJECT");
			goto out;
		}
		if (c.problem != 0 || c.apply <= 0) {
			wx_error(r, 400, "INVALID_REQUEST",
			         "该投诉单不是申请退款类投诉，无法更新退款审批结果");
			goto out;
		}
		if ((days && (!json_is_integer(days) || json_integer_value(days) < 0 ||
		              json_integer_value(days) > 30)) ||
		    (remark && wx_utf8_len(remark) > 200)) {
			wx_error(r, 400, "PARAM_ERROR", "launch_refund_day或remark取值错误");
			goto out;
		}
		if (strcmp(act_v, "REJECT") == 0) {
			if (reason == NULL) {
				wx_error_required(r, "/body/reject_reason", "拒绝退款原因");
				goto out;
			}
			if (wx_utf8_len(reason) > 200) {
				wx_error(r, 400, "PARAM_ERROR",
				         "拒绝退款原因reject_reason不能超过200个字符");
				goto out;
			}
			if (media_list(s, json_object_get(j, "reject_media_list"),
			               "reject_media_list", &images, r) != 0)
				goto out;
			type = "MERCHANT_REFUSE_RERUND"; /* sic, as WeChat spells it */
			sbx_buf_printf(&text, "拒绝退款：%s", reason);
			decided = 2;
		} else {
			type = "MERCHANT_APPROVE_REFUND";
			sbx_buf_printf(&text, "同意退款，预计%lld天内发起退款",
			               (long long)(days ? json_integer_value(days) : 0));
			decided = 1;
		}
		if (remark && remark[0])
			sbx_buf_printf(&text, "；备注：%s", remark);
		new_state = c.state == 0 ? 1 : c.state;
	}
	st = sbx_prepare(s, "SELECT COALESCE(MAX(seq), 0) FROM wx_complaint_log");
	if (st && sqlite3_step(st) == SQLITE_ROW)
		log_seq = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (sbx_exec(s, "BEGIN IMMEDIATE") != 0 ||
	    wx_add_complaint_log(s, c.seq, &log_seq, sbx_now(s), "商户", type,
	                         text.data ? text.data : "",
	                         images.len ? images.data : NULL) != 0 ||
	    sbx_run(s,
	            "UPDATE wx_complaints SET state = ?, incoming = 0, refund_decided = "
	            "CASE WHEN ? > 0 THEN ? ELSE refund_decided END WHERE seq = ?",
	            "iiii", (int64_t)new_state, (int64_t)decided, (int64_t)decided, c.seq) != 0 ||
	    sbx_exec(s, "COMMIT") != 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		wx_error(r, 500, "SYSTEM_ERROR", "系统错误");
		goto out;
	}
	r->status = 204;
out:
	sbx_buf_free(&images);
	sbx_buf_free(&text);
	json_decref(j);
}

void wx_api_complaints(struct sbx *s, struct wx_req *rq, struct wx_reply *r)
{
	const char *rest = rq->path + strlen("/v3/merchant-service/complaints-v2");
	int get = strcmp(rq->method, "GET") == 0;
	int post = strcmp(rq->method, "POST") == 0;
	char id[64];
	const char *slash;
	size_t n;

	r->status = 404;
	if (*rest == '\0') {
		if (get)
			list(s, rq, r);
		else
			r->status = 405;
		return;
	}
	if (*rest != '/')
		return;
	rest++;
	slash = strchr(rest, '/');
	n = slash ? (size_t)(slash - rest) : strlen(rest);
	if (n == 0 || n >= sizeof(id))
		return;
	memcpy(id, rest, n);
	id[n] = '\0';
	if (slash == NULL) {
		if (get)
			detail(s, rq, id, r);
		else
			r->status = 405;
	} else if (strcmp(slash, "/negotiation-historys") == 0) {
		if (get)
			history(s, rq, id, r);
		else
			r->status = 405;
	} else if (strcmp(slash, "/response") == 0 || strcmp(slash, "/complete") == 0 ||
	           strcmp(slash, "/update-refund-progress") == 0) {
		if (post)
			act(s, rq, id, slash + 1, r);
		else
			r->status = 405;
	}
}
