/* Trade complaints (交易投诉): alipay.merchant.tradecomplain.batchquery, .query,
 * .feedback.submit, .reply.submit, and alipay.merchant.image.upload for the pictures a
 * feedback or a reply carries. Lock held, in a transaction. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/alipay/alipay.h"

static const char *const statuses[] = {
        "MERCHANT_PROCESSING", "MERCHANT_FEEDBACKED", "FINISHED", "CANCELLED",
        "PLATFORM_PROCESSING", "PLATFORM_FINISH",     "CLOSED",
};

/* Feedback codes and what they mean (alipay.merchant.tradecomplain.feedback.submit):
 * 00 used older documentation's 使用体验保障金退款; the SDKs list 02-06. */
static const char *const feedback_codes[] = {"00", "02", "03", "04", "05", "06"};

#define COMPLAINT_COLS                                                                             \
	"c.event_id, c.status, t.trade_no, t.out_trade_no, c.created, c.modified, c.finished,"     \
	" c.reason, c.content, c.images, c.phone, c.leaf, t.total"

/* Characters (not bytes) of UTF-8 text. */
static size_t chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* "id1,id2" as a JSON array of the images' loopback URLs. */
static void images(struct ali_obj *o, const char *key, const char *ids, int port)
{
	char url[128];
	const char *p = ids ? ids : "";
	int n = 0;

	ali_key(o, key);
	sbx_buf_put(o->b, "[", 1);
	while (*p) {
		size_t len = strcspn(p, ",");

		if (len > 0 && len < 64) {
			snprintf(url, sizeof(url), "http://127.0.0.1:%d/_img/%.*s", port, (int)len,
			         p);
			if (n++)
				sbx_buf_put(o->b, ",", 1);
			ali_jstr(o->b, url);
		}
		p += len;
		if (*p == ',')
			p++;
	}
	sbx_buf_put(o->b, "]", 1);
}

/* Appends the members of one complaint (a row of COMPLAINT_COLS). */
static void render(struct ali_call *c, sqlite3_stmt *row, struct ali_obj *o, int detail)
{
	ali_str(o, "complain_event_id", (const char *)sqlite3_column_text(row, 0));
	ali_str(o, "status", (const char *)sqlite3_column_text(row, 1));
	ali_str(o, "trade_no", (const char *)sqlite3_column_text(row, 2));
	ali_str(o, "merchant_order_no", (const char *)sqlite3_column_text(row, 3));
	ali_time_member(o, "gmt_create", sqlite3_column_int64(row, 4));
	ali_time_member(o, "gmt_modified", sqlite3_column_int64(row, 5));
	if (sqlite3_column_type(row, 6) != SQLITE_NULL)
		ali_time_member(o, "gmt_finished", sqlite3_column_int64(row, 6));
	ali_str(o, "complain_reason", (const char *)sqlite3_column_text(row, 7));
	ali_str(o, "content", (const char *)sqlite3_column_text(row, 8));
	images(o, "images", (const char *)sqlite3_column_text(row, 9), c->port);
	ali_str(o, "phone_no", (const char *)sqlite3_column_text(row, 10));
	ali_str(o, "leaf_category_name", (const char *)sqlite3_column_text(row, 11));
	ali_str(o, "target_type", "PID");
	ali_str(o, "target_id", ali_state(c->s)->pid);
	if (detail)
		ali_yuan_member(o, "trade_amount", sqlite3_column_int64(row, 12));
}

void ali_complain_batchquery(struct ali_call *c, struct ali_reply *r)
{
	struct sbx *s = c->s;
	char bv[32], ev[32], sv[32], pv[32], zv[32];
	const char *begin = ali_biz(c, "begin_time", bv, sizeof(bv));
	const char *end = ali_biz(c, "end_time", ev, sizeof(ev));
	const char *status = ali_biz(c, "status", sv, sizeof(sv));
	const char *page_s = ali_biz(c, "page_num", pv, sizeof(pv));
	const char *size_s = ali_biz(c, "page_size", zv, sizeof(zv));
	int64_t from = c->now - 30 * 86400, to = c->now, total = 0;
	long page = page_s ? atol(page_s) : 1, size = size_s ? atol(size_s) : 10;
	struct ali_obj o = {&r->body, 1}, list;
	sqlite3_stmt *st;
	size_t i;

	if ((begin && ali_parse_time(begin, &from) != 0) ||
	    (end && ali_parse_time(end, &to) != 0) || to < from || to - from > 366 * 86400) {
		ali_fail(r, 40002, "isv.invalid-parameter",
		         "参数无效：begin_time与end_time须为yyyy-MM-dd HH:mm:ss，跨度最大一年");
		return;
	}
	if (page < 1 || size < 1 || size > 20) {
		ali_fail(r, 40002, "isv.invalid-parameter",
		         "参数无效：page_num从1开始，page_size最多20");
		return;
	}
	for (i = 0; status && i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (strcmp(status, statuses[i]) == 0)
			break;
	if (status && i == sizeof(statuses) / sizeof(statuses[0])) {
		ali_fail(r, 40002, "isv.invalid-parameter", "参数无效：status取值不正确");
		return;
	}
	st = sbx_prepare(s, "SELECT count(*) FROM ali_complaints WHERE created >= ?1 AND"
	                    " created <= ?2 AND (?3 IS NULL OR status = ?3)");
	if (st == NULL)
		return;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	if (status)
		sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		total = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sbx_buf_printf(&r->body,
	               ",\"page_num\":%ld,\"page_size\":%ld,\"total_num\":%lld,"
	               "\"total_page_num\":%lld",
	               page, size, (long long)total, (long long)((total + size - 1) / size));
	st = sbx_prepare(s, "SELECT " COMPLAINT_COLS " FROM ali_complaints c JOIN ali_trades t"
	                    " ON t.rowid = c.trade WHERE c.created >= ?1 AND c.created <= ?2 AND"
	                    " (?3 IS NULL OR c.status = ?3) ORDER BY c.created DESC,"
	                    " c.event_id DESC LIMIT ?4 OFFSET ?5");
	if (st == NULL)
		return;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	if (status)
		sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, size);
	sqlite3_bind_int64(st, 5, (page - 1) * size);
	ali_key(&o, "trade_complain_infos");
	sbx_buf_put(o.b, "[", 1);
	list.b = o.b;
	list.n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct ali_obj item;

		if (list.n++)
			sbx_buf_put(o.b, ",", 1);
		ali_obj_begin(&item, o.b);
		render(c, st, &item, 0);
		ali_obj_end(&item);
	}
	sbx_buf_put(o.b, "]", 1);
	sqlite3_finalize(st);
}

/* The complaint named in the biz_content; fills r when there is none. 1 found. */
static int find(struct ali_call *c, struct ali_reply *r, char *id, size_t n, char *status,
                size_t sn)
{
	sqlite3_stmt *st;
	int found = 0;

	if (ali_biz(c, "complain_event_id", id, n) == NULL) {
		ali_fail(r, 40002, "isv.invalid-parameter", "参数无效：complain_event_id不能为空");
		return 0;
	}
	st = sbx_prepare(c->s, "SELECT status FROM ali_complaints WHERE event_id = ?");
	if (st) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			snprintf(status, sn, "%s", (const char *)sqlite3_column_text(st, 0));
			found = 1;
		}
	}
	sqlite3_finalize(st);
	if (!found)
		ali_fail(r, 40004, "COMPLAIN_NOT_EXIST", "投诉单不存在");
	return found;
}

void ali_complain_query(struct ali_call *c, struct ali_reply *r)
{
	char id[64], status[32];
	struct ali_obj o = {&r->body, 1}, list;
	sqlite3_stmt *st;

	if (!find(c, r, id, sizeof(id), status, sizeof(status)))
		return;
	st = sbx_prepare(c->s, "SELECT " COMPLAINT_COLS " FROM ali_complaints c JOIN ali_trades t"
	                       " ON t.rowid = c.trade WHERE c.event_id = ?");
	if (st == NULL)
		return;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		render(c, st, &o, 1);
	sqlite3_finalize(st);
	st = sbx_prepare(c->s, "SELECT name, role, created, content, images FROM ali_replies"
	                       " WHERE event_id = ? ORDER BY created, rowid");
	if (st == NULL)
		return;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	ali_key(&o, "reply_detail_infos");
	sbx_buf_put(o.b, "[", 1);
	list.b = o.b;
	list.n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct ali_obj item;

		if (list.n++)
			sbx_buf_put(o.b, ",", 1);
		ali_obj_begin(&item, o.b);
		ali_str(&item, "replier_name", (const char *)sqlite3_column_text(st, 0));
		ali_str(&item, "replier_role", (const char *)sqlite3_column_text(st, 1));
		ali_time_member(&item, "gmt_create", sqlite3_column_int64(st, 2));
		ali_str(&item, "content", (const char *)sqlite3_column_text(st, 3));
		images(&item, "images", (const char *)sqlite3_column_text(st, 4), c->port);
		ali_obj_end(&item);
	}
	sbx_buf_put(o.b, "]", 1);
	sqlite3_finalize(st);
}

/* Checks "id1,id2,..." names at most 5 uploaded images; fills r when not. */
static int check_images(struct ali_call *c, struct ali_reply *r, const char *ids)
{
	sqlite3_stmt *st = sbx_prepare(c->s, "SELECT 1 FROM ali_images WHERE image_id = ?");
	const char *p = ids;
	int n = 0, ok = st != NULL;

	while (ok && p && *p) {
		size_t len = strcspn(p, ",");

		if (len == 0 || len > 64 || ++n > 5) {
			ok = 0;
			break;
		}
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, p, (int)len, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_ROW)
			ok = 0;
		p += len;
		if (*p == ',')
			p++;
	}
	sqlite3_finalize(st);
	if (!ok)
		ali_fail(r, 40002, "isv.invalid-parameter",
		         "参数无效：图片id须为商户上传处理图片接口返回的image_id，最多5张");
	return ok;
}

static int add_merchant_reply(struct ali_call *c, const char *id, const char *name,
                              const char *content, const char *imgs, const char *status)
{
	if (sbx_run(c->s,
	            "INSERT INTO ali_replies(event_id, created, role, name, content, images)"
	            " VALUES (?, ?, 'MERCHANT', ?, ?, ?)",
	            "sisss", id, c->now, name, content, imgs ? imgs : "") != 0)
		return -1;
	return sbx_run(c->s,
	               "UPDATE ali_complaints SET status = ?, modified = ? WHERE event_id = ?",
	               "sis", status, c->now, id);
}

void ali_complain_feedback(struct ali_call *c, struct ali_reply *r)
{
	char id[64], status[32], code[8], content[1024], imgs[512], op[64];
	const char *fc = ali_biz(c, "feedback_code", code, sizeof(code));
	const char *text = ali_biz(c, "feedback_content", content, sizeof(content));
	const char *pics = ali_biz(c, "feedback_images", imgs, sizeof(imgs));
	const char *who = ali_biz(c, "operator", op, sizeof(op));
	size_t i;

	if (!find(c, r, id, sizeof(id), status, sizeof(status)))
		return;
	for (i = 0; fc && i < sizeof(feedback_codes) / sizeof(feedback_codes[0]); i++)
		if (strcmp(fc, feedback_codes[i]) == 0)
			break;
	if (fc == NULL || i == sizeof(feedback_codes) / sizeof(feedback_codes[0])) {
		ali_fail(r, 40002, "isv.invalid-parameter",
		         "参数无效：feedback_code须为00、02、03、04、05或06");
		return;
	}
	if (text == NULL || chars(text) > 200) {
		ali_fail(r, 40002, "isv.invalid-parameter",
		         "参数无效：feedback_content必填，字数不超过200个字");
		return;
	}
	if (who && chars(who) > 6) {
		ali_fail(r, 40002, "isv.invalid-parameter", "参数无效：operator字数不超过6个字");
		return;
	}
	if (pics && !check_images(c, r, pics))
		return;
	if (strcmp(status, "MERCHANT_PROCESSING") != 0) {
		ali_fail(r, 40004, "COMPLAIN_STATUS_NOT_SUPPORT",
		         "当前投诉单状态为%s，不允许提交处理结果", status);
		return;
	}
	if (add_merchant_reply(c, id, who ? who : "商家", text, pics, "MERCHANT_FEEDBACKED") != 0)
		ali_fail(r, 20000, "isp.unknown-error", "系统繁忙，请稍后再试");
}

void ali_complain_reply(struct ali_call *c, struct ali_reply *r)
{
	char id[64], status[32], content[1024], imgs[512];
	const char *text = ali_biz(c, "reply_content", content, sizeof(content));
	const char *pics = ali_biz(c, "reply_images", imgs, sizeof(imgs));

	if (!find(c, r, id, sizeof(id), status, sizeof(status)))
		return;
	if (text == NULL || chars(text) > 200) {
		ali_fail(r, 40002, "isv.invalid-parameter",
		         "参数无效：reply_content必填，字数不超过200个字");
		return;
	}
	if (pics && !check_images(c, r, pics))
		return;
	if (strcmp(status, "MERCHANT_PROCESSING") != 0 &&
	    strcmp(status, "MERCHANT_FEEDBACKED") != 0 &&
	    strcmp(status, "PLATFORM_PROCESSING") != 0) {
		ali_fail(r, 40004, "COMPLAIN_STATUS_NOT_SUPPORT", "当前投诉单状态为%s，不允许留言",
		         status);
		return;
	}
	if (add_merchant_reply(c, id, "商家", text, pics, status) != 0)
		ali_fail(r, 20000, "isp.unknown-error", "系统繁忙，请稍后再试");
}

void ali_image_upload(struct ali_call *c, struct ali_reply *r)
{
	static const char alphabet[] =
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	char tv[16], id[40];
	const char *type = ali_biz(c, "image_type", tv, sizeof(tv));
	const unsigned char *f = (const unsigned char *)c->file;
	int png, jpg;
	struct ali_obj o = {&r->body, 1};
	sqlite3_stmt *st;
	int i;

	if (type == NULL ||
	    (strcmp(type, "jpg") != 0 && strcmp(type, "jpeg") != 0 && strcmp(type, "png") != 0)) {
		ali_fail(r, 40002, "isv.invalid-parameter",
		         "参数无效：image_type须为jpg、jpeg或png");
		return;
	}
	png = c->file_len >= 8 && memcmp(f, "\x89PNG\r\n\x1a\n", 8) == 0;
	jpg = c->file_len >= 3 && f[0] == 0xff && f[1] == 0xd8 && f[2] == 0xff;
	if (!(strcmp(type, "png") == 0 ? png : jpg)) {
		ali_fail(r, 40002, "isv.invalid-parameter", "参数无效：图片内容与image_type不符");
		return;
	}
	for (i = 0; i < 32; i++)
		id[i] = alphabet[sbx_rng_below(&c->s->rng, sizeof(alphabet) - 1)];
	id[32] = '\0';
	st = sbx_prepare(c->s, "INSERT INTO ali_images(image_id, created, type, content)"
	                       " VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, c->now);
	sqlite3_bind_text(st, 3, png ? "png" : "jpg", -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, c->file, (int)c->file_len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		ali_fail(r, 40002, "isv.upload-fail", "文件上传失败");
	else
		ali_str(&o, "image_id", id);
	sqlite3_finalize(st);
}

void ali_image_prepare(struct sbx *s, const char *path, struct ali_file *f)
{
	sqlite3_stmt *st =
	        sbx_prepare(s, "SELECT type, content FROM ali_images WHERE image_id = ?");

	f->status = 404;
	f->ctype = "text/plain";
	if (st) {
		sqlite3_bind_text(st, 1, path + 6, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			f->status = 200;
			f->ctype = strcmp((const char *)sqlite3_column_text(st, 0), "png") == 0
			                   ? "image/png"
			                   : "image/jpeg";
			sbx_buf_put(&f->body, sqlite3_column_blob(st, 1),
			            (size_t)sqlite3_column_bytes(st, 1));
		}
	}
	sqlite3_finalize(st);
	if (f->status == 404)
		sbx_buf_puts(&f->body, "image not found\n");
}
