/* Complaints (消费者投诉2.0) as seeding and the admin API make them: the user's complaint on
 * a paid order, with the negotiation that followed up to a point in time, and live
 * activity -- a new complaint, the user writing again or complaining anew. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/wechatpay/wechatpay.h"

static const char *const details[3][4] = {
        {"收到的商品与描述不符，申请全额退款", "订单重复扣款了，请退还多扣的钱",
         "商品一直没有发货，要求退款", "外卖送到已经凉了，申请部分退款"},
        {"充值的会员卡无法使用", "付款后服务一直没有开通", "扫码支付成功但是设备没有出货",
         "预约的课程被取消了也没有通知"},
        {"店员态度很差", "发票一直开不出来", "门店实际价格和小程序上不一致", "活动优惠没有生效"},
};
static const char *const descriptions[3] = {"申请退款", "服务未生效", "不满意商家服务"};
static const char *const replies[] = {
        "您好，已核实您的订单，我们会尽快为您处理退款。",
        "非常抱歉给您带来不便，客服已电话联系您，请留意来电。",
        "您好，服务已为您重新开通，请重新登录后查看。",
        "感谢反馈，我们已安排门店负责人跟进处理。",
};
static const char *const user_again[] = {
        "还没有收到退款，请尽快处理",
        "电话没有打通，请在工作时间联系我",
        "问题还是没有解决",
};

/* A 1x1 PNG: what a seeded complaint's picture downloads as. */
static const unsigned char tiny_png[] = {
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
        0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
        0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78,
        0x9c, 0x63, 0xf8, 0xff, 0xff, 0x3f, 0x00, 0x05, 0xfe, 0x02, 0xfe, 0xa7, 0x35, 0x81,
        0x84, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

int wx_add_complaint_log(struct sbx *s, int64_t complaint_seq, int64_t *log_seq, int64_t at,
                         const char *op, const char *type, const char *text, const char *images)
{
	char id[40];

	++*log_seq;
	wx_log_id(*log_seq, at, id);
	return sbx_run(s,
	               "INSERT INTO wx_complaint_log(seq,complaint_seq,log_id,at,operator,type,"
	               "details,images) VALUES (?,?,?,?,?,?,?,?)",
	               "iisissss", *log_seq, complaint_seq, id, at, op, type, text, images);
}

static int add_media(struct sbx *s, uint64_t salt, int64_t n, int64_t at, struct sbx_buf *ids)
{
	char id[48], sha[65];
	sqlite3_stmt *st = sbx_prepare(s, "INSERT INTO wx_media(media_id,created,filename,size,"
	                                  "sha256,content) VALUES (?,?,?,?,?,?)");
	int rc;

	if (st == NULL)
		return -1;
	wx_media_id(salt, n, "png", id);
	wx_hex_digest("SHA256", tiny_png, sizeof(tiny_png), sha);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, at);
	sqlite3_bind_text(st, 3, "complaint.png", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (int64_t)sizeof(tiny_png));
	sqlite3_bind_text(st, 5, sha, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, tiny_png, (int)sizeof(tiny_png), SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	if (ids->len)
		sbx_buf_puts(ids, " ");
	sbx_buf_puts(ids, id);
	return rc;
}

/* The next step's time: a while after the last, never past `until`. */
static int64_t later(struct sbx_rng *r, int64_t t, int64_t until, int64_t min, int64_t span)
{
	int64_t n = t + min + (int64_t)sbx_rng_below(r, (uint64_t)span);

	return n < until ? n : (t < until ? t + (until - t) / 2 : t);
}

int wx_gen_complaint(struct sbx *s, struct sbx_rng *r, const struct wx_order *o, int64_t seq,
                     int64_t t, int64_t until, int64_t *log_seq, int live)
{
	struct wx_state *w = wx_state(s);
	int problem = (int)sbx_rng_below(r, 10);
	int state = 0, incoming = 0, times = sbx_rng_below(r, 100) < 85 ? 1 : 2;
	int64_t apply = 0, at = t;
	uint64_t k = live ? 0 : sbx_rng_below(r, 100);
	const char *detail;
	char id[40], phone[16];
	struct sbx_buf media;
	int rc = -1, decided = 0;

	problem = problem < 4 ? 0 : problem < 7 ? 1 : 2;
	detail = details[problem][sbx_rng_below(r, 4)];
	if (problem == 0)
		apply = sbx_rng_below(r, 2) || o->total < 2 ? o->total : o->total / 2;
	snprintf(phone, sizeof(phone), "1%c%09llu", "3456789"[sbx_rng_below(r, 7)],
	         (unsigned long long)sbx_rng_below(r, 1000000000ULL));
	state = k < 25 ? 0 : k < 55 ? 1 : 2;
	wx_complaint_id(seq, t, id);
	sbx_buf_init(&media);
	if (sbx_rng_below(r, 10) < 3) {
		int n = 1 + (int)sbx_rng_below(r, 2), i;

		for (i = 0; i < n; i++)
			if (add_media(s, w->salt, seq * 4 + i, t, &media) != 0)
				goto out;
	}
	if (wx_add_complaint_log(s, seq, log_seq, at, "投诉人", "USER_CREATE_COMPLAINT", detail,
	                         media.len ? media.data : NULL) != 0)
		goto out;
	if (state >= 1) {
		at = later(r, at, until, 600, 86400);
		if (wx_add_complaint_log(s, seq, log_seq, at, "商户", "MERCHANT_RESPONSE",
		                         replies[sbx_rng_below(r, 4)], NULL) != 0)
			goto out;
		if (problem == 0 && sbx_rng_below(r, 2)) {
			decided = 1;
			at = later(r, at, until, 60, 3600);
			if (wx_add_complaint_log(s, seq, log_seq, at, "商户",
			                         "MERCHANT_APPROVE_REFUND",
			                         "同意退款，预计3天内发起退款", NULL) != 0)
				goto out;
		}
	}
	if (state == 1 && sbx_rng_below(r, 3) == 0) {
		incoming = 1;
		at = later(r, at, until, 600, 86400);
		if (wx_add_complaint_log(s, seq, log_seq, at, "投诉人", "USER_RESPONSE",
		                         user_again[sbx_rng_below(r, 3)], NULL) != 0)
			goto out;
	}
	if (state == 2) {
		at = later(r, at, until, 3600, 2 * 86400);
		if (wx_add_complaint_log(s, seq, log_seq, at, "商户", "MERCHANT_CONFIRM_COMPLETE",
		                         "商户已反馈处理完成", NULL) != 0)
			goto out;
	}
	rc = sbx_run(s,
	             "INSERT INTO wx_complaints(seq,complaint_id,order_seq,created,state,problem,"
	             "detail,description,apply_refund,times,incoming,immediate,phone,media,"
	             "refund_decided) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	             "isiiiissiiiissi", seq, id, o->seq, t, (int64_t)state, (int64_t)problem,
	             detail, descriptions[problem], apply, (int64_t)times, (int64_t)incoming,
	             (int64_t)(sbx_rng_below(r, 10) == 0), phone, media.len ? media.data : NULL,
	             (int64_t)decided);
out:
	sbx_buf_free(&media);
	return rc;
}

static int64_t max_of(struct sbx *s, const char *sql)
{
	sqlite3_stmt *st = sbx_prepare(s, sql);
	int64_t v = 0;

	if (st && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void add_id(struct sbx_buf *ids, const char *id)
{
	if (ids->len)
		sbx_buf_puts(ids, ",");
	sbx_buf_jstr(ids, id);
}

int wx_live_complaint(struct sbx *s, int nth, struct sbx_buf *ids)
{
	sqlite3_stmt *q = sbx_prepare(
	        s, "SELECT " WX_ORDER_COLS " FROM wx_orders o WHERE success_time IS NOT NULL AND "
	           "NOT EXISTS (SELECT 1 FROM wx_complaints c WHERE c.order_seq = o.seq) "
	           "ORDER BY success_time DESC LIMIT 1 OFFSET ?");
	struct wx_order o;
	int64_t seq, log_seq, now = sbx_now(s);
	char id[40];
	int rc = -1;

	if (q == NULL)
		return -1;
	sqlite3_bind_int(q, 1, nth);
	if (sqlite3_step(q) != SQLITE_ROW) {
		sqlite3_finalize(q);
		return 1;
	}
	wx_read_order(q, 0, &o);
	sqlite3_finalize(q);
	seq = max_of(s, "SELECT COALESCE(MAX(seq), 0) + 1 FROM wx_complaints");
	log_seq = max_of(s, "SELECT COALESCE(MAX(seq), 0) FROM wx_complaint_log");
	if (wx_gen_complaint(s, &s->rng, &o, seq, now, now, &log_seq, 1) == 0) {
		wx_complaint_id(seq, now, id);
		add_id(ids, id);
		rc = 0;
	}
	return rc;
}

int wx_live_complaint_update(struct sbx *s, int nth, struct sbx_buf *ids)
{
	int64_t now = sbx_now(s);
	sqlite3_stmt *q = sbx_prepare(s, "SELECT seq, complaint_id, state, incoming FROM "
	                                 "wx_complaints WHERE created >= ? ORDER BY created DESC, "
	                                 "seq DESC LIMIT 1 OFFSET ?");
	int64_t seq, log_seq;
	int state, incoming, rc;
	char id[40];

	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, now - 30 * 86400);
	sqlite3_bind_int(q, 2, nth);
	if (sqlite3_step(q) != SQLITE_ROW) {
		sqlite3_finalize(q);
		return 1;
	}
	seq = sqlite3_column_int64(q, 0);
	snprintf(id, sizeof(id), "%s", (const char *)sqlite3_column_text(q, 1));
	state = sqlite3_column_int(q, 2);
	incoming = sqlite3_column_int(q, 3);
	sqlite3_finalize(q);
	log_seq = max_of(s, "SELECT COALESCE(MAX(seq), 0) FROM wx_complaint_log");
	/* An open complaint gets a new message from the user; one already answered and
	 * waiting, or closed, is complained about again and is PENDING once more. */
	if (state == 0 || (state == 1 && !incoming)) {
		rc = wx_add_complaint_log(s, seq, &log_seq, now, "投诉人", "USER_RESPONSE",
		                          user_again[seq % 3], NULL);
		if (rc == 0)
			rc = sbx_run(s, "UPDATE wx_complaints SET incoming = 1 WHERE seq = ?", "i",
			             seq);
	} else {
		rc = wx_add_complaint_log(s, seq, &log_seq, now, "投诉人",
		                          "USER_CONTINUE_COMPLAINT", "用户继续投诉：问题仍未解决",
		                          NULL);
		if (rc == 0)
			rc = sbx_run(s,
			             "UPDATE wx_complaints SET state = 0, incoming = 1, times = "
			             "times + 1"
			             " WHERE seq = ?",
			             "i", seq);
	}
	if (rc == 0)
		add_id(ids, id);
	return rc;
}
