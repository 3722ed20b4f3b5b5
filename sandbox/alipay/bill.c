/* alipay.data.dataservice.bill.downloadurl.query and the link it hands out: an unsigned
 * GET, valid for 30 seconds of the sandbox clock, of a zip of GBK CSV files (file names
 * GBK too, as Alipay's zips have them). Days are Shanghai days; a day's bill exists from
 * the next day on (T+1), a month's from the next month on. */
#include "config.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "sandbox/alipay/alipay.h"

#define LINK_SECONDS 30
/* The oldest bill Alipay serves (its documentation: from 2016-01-01). */
#define OLDEST_BILL 1451577600 /* 2016-01-01 00:00 Shanghai */

void ali_file_free(struct ali_file *f)
{
	sbx_buf_free(&f->body);
	sbx_buf_free(&f->csv[0]);
	sbx_buf_free(&f->csv[1]);
}

/* Parses "yyyy-MM-dd" or "yyyy-MM" into the Shanghai period it names. */
static int parse_period(const char *s, int64_t *from, int64_t *to, int *month)
{
	int y = 0, m = 0, d = 0, i, yy, mm, dd;
	size_t len = s ? strlen(s) : 0;

	if (len != 7 && len != 10)
		return -1;
	for (i = 0; i < (int)len; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return -1;
		} else if (s[i] < '0' || s[i] > '9') {
			return -1;
		}
	}
	y = atoi(s);
	m = atoi(s + 5);
	d = len == 10 ? atoi(s + 8) : 1;
	if (m < 1 || m > 12 || d < 1)
		return -1;
	ali_civil_from_days(ali_civil_days(y, m, d), &yy, &mm, &dd);
	if (yy != y || mm != m || dd != d)
		return -1;
	*month = len == 7;
	*from = ali_civil_time(y, m, d, 0, 0, 0);
	if (*month)
		*to = m == 12 ? ali_civil_time(y + 1, 1, 1, 0, 0, 0)
		              : ali_civil_time(y, m + 1, 1, 0, 0, 0);
	else
		*to = *from + 86400;
	return 0;
}

/* Whether the period holds anything for this type of bill. */
static int has_rows(struct sbx *s, const char *type, int64_t from, int64_t to)
{
	const char *sql = strcmp(type, "trade") == 0
	                          ? "SELECT EXISTS(SELECT 1 FROM ali_trades WHERE paid >= ?1 AND"
	                            " paid < ?2) OR EXISTS(SELECT 1 FROM ali_refunds WHERE"
	                            " created >= ?1 AND created < ?2)"
	                          : "SELECT EXISTS(SELECT 1 FROM ali_accountlog WHERE created >= ?1"
	                            " AND created < ?2)";
	sqlite3_stmt *st = sbx_prepare(s, sql);
	int any = 0;

	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	if (sqlite3_step(st) == SQLITE_ROW)
		any = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return any;
}

void ali_bill_url_query(struct ali_call *c, struct ali_reply *r)
{
	struct sbx *s = c->s;
	char tv[32], dv[32], token[40], date[16], url[512];
	const char *type = ali_biz(c, "bill_type", tv, sizeof(tv));
	const char *when = ali_biz(c, "bill_date", dv, sizeof(dv));
	int64_t from, to, today = ali_day_start(c->now);
	int month;
	struct ali_obj o = {&r->body, 1};
	static const char hex[] = "0123456789abcdef";

	if (type == NULL || (strcmp(type, "trade") != 0 && strcmp(type, "signcustomer") != 0)) {
		ali_fail(r, 40002, "isv.invalid-parameter",
		         "参数无效：bill_type须为trade或signcustomer");
		return;
	}
	if (parse_period(when, &from, &to, &month) != 0) {
		ali_fail(r, 40002, "isv.invalid-parameter",
		         "参数无效：bill_date须为yyyy-MM-dd或yyyy-MM");
		return;
	}
	/* Neither today's (or this month's) bill nor any before 2016 exists. */
	if (to > today || from < OLDEST_BILL) {
		ali_fail(r, 40004, "isp.bill_not_exist", "账单不存在");
		return;
	}
	/* Links live 30 seconds: those an hour dead go, so the table stays small. */
	if (sbx_run(s, "DELETE FROM ali_bill_links WHERE expires < ?", "i", c->now - 3600) != 0) {
		ali_fail(r, 20000, "isp.unknown-error", "系统繁忙，请稍后再试");
		return;
	}
	for (int i = 0; i < 32; i++)
		token[i] = hex[sbx_rng_below(&s->rng, 16)];
	token[32] = '\0';
	if (sbx_run(s,
	            "INSERT INTO ali_bill_links(token, type, period_from, period_to, month, "
	            "expires)"
	            " VALUES (?,?,?,?,?,?)",
	            "ssiiii", token, type, from, to, (int64_t)month, c->now + LINK_SECONDS) != 0) {
		ali_fail(r, 20000, "isp.unknown-error", "系统繁忙，请稍后再试");
		return;
	}
	ali_fmt_compact_date(from, date, sizeof(date));
	if (month)
		date[6] = '\0';
	snprintf(url, sizeof(url),
	         "http://127.0.0.1:%d/downloadBillFile.resource?bizType=%s&userId=%s0156"
	         "&fileType=csv.zip&bizDates=%s&downloadFileName=%s0156_%s.csv.zip&fileId=%s",
	         c->port, strcmp(type, "trade") == 0 ? "trade" : "signcustomer", ali_state(s)->pid,
	         date, ali_state(s)->pid, date, token);
	ali_str(&o, "bill_download_url", url);
	if (!has_rows(s, type, from, to))
		ali_str(&o, "bill_file_code", "EMPTY_DATA_WITH_BILL_FILE");
}

void ali_bill_prepare(struct sbx *s, struct sbx_params *qp, struct ali_file *f)
{
	const char *token = sbx_params_get(qp, "fileId");
	sqlite3_stmt *st = sbx_prepare(s, "SELECT type, period_from, period_to, month, expires"
	                                  " FROM ali_bill_links WHERE token = ?");
	char type[16] = "";
	int64_t from = 0, to = 0, expires = 0;
	int month = 0, found = 0;

	f->ctype = "text/plain;charset=utf-8";
	if (st && token) {
		sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			snprintf(type, sizeof(type), "%s",
			         (const char *)sqlite3_column_text(st, 0));
			from = sqlite3_column_int64(st, 1);
			to = sqlite3_column_int64(st, 2);
			month = sqlite3_column_int(st, 3);
			expires = sqlite3_column_int64(st, 4);
			found = 1;
		}
	}
	sqlite3_finalize(st);
	if (!found) {
		f->status = 404;
		sbx_buf_puts(&f->body, "bill file not found\n");
		return;
	}
	if (sbx_now(s) > expires) {
		f->status = 403;
		sbx_buf_puts(&f->body, "the download link has expired\n");
		return;
	}
	if (ali_bill_csv(s, type, from, to, month, f) != 0) {
		f->status = 500;
		sbx_buf_puts(&f->body, "bill generation failed\n");
		return;
	}
	f->status = 200;
	f->ctype = "application/octet-stream";
	f->pack = 1;
}

/* Converts UTF-8 text to GBK (what cannot be encoded becomes '?'). 0, or -1. */
static int to_gbk(const char *in, size_t len, struct sbx_buf *out)
{
	iconv_t cd = iconv_open("GBK//TRANSLIT", "UTF-8");
	char *src = (char *)in;
	size_t left = len;

	if (cd == (iconv_t)-1)
		return -1;
	if (sbx_buf_reserve(out, len + 16) != 0) {
		iconv_close(cd);
		return -1;
	}
	while (left > 0) {
		char *dst = out->data + out->len;
		size_t room = out->cap - out->len - 1;
		size_t before = room;

		if (iconv(cd, &src, &left, &dst, &room) == (size_t)-1) {
			if (errno == E2BIG) {
				out->len += before - room;
				if (sbx_buf_reserve(out, left + 64) != 0)
					break;
				continue;
			}
			if (errno == EILSEQ || errno == EINVAL) {
				/* Not UTF-8 (the store never holds such text): skip the byte. */
				out->len += before - room;
				src++;
				left--;
				continue;
			}
			break;
		}
		out->len += before - room;
	}
	iconv_close(cd);
	if (out->data)
		out->data[out->len] = '\0';
	return left == 0 && !out->failed ? 0 : -1;
}

/* MS-DOS date and time of t as a Shanghai wall clock (what zip stores). */
static void dos_time(int64_t t, zip_uint16_t *dtime, zip_uint16_t *ddate)
{
	int64_t local = t + ALI_TZ;
	int64_t days = local / 86400, sec = local % 86400;
	int y, m, d;

	ali_civil_from_days(days, &y, &m, &d);
	*dtime = (zip_uint16_t)((sec / 3600) << 11 | (sec / 60 % 60) << 5 | (sec % 60) / 2);
	*ddate = (zip_uint16_t)((y - 1980) << 9 | m << 5 | d);
}

int ali_bill_pack(struct ali_file *f)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;
	struct sbx_buf gbk[2], names[2];
	zip_stat_t zs;
	zip_uint16_t dtime, ddate;
	int rc = -1, i;

	zip_error_init(&ze);
	for (i = 0; i < 2; i++) {
		sbx_buf_init(&gbk[i]);
		sbx_buf_init(&names[i]);
	}
	dos_time(f->mtime, &dtime, &ddate);
	src = zip_source_buffer_create(NULL, 0, 0, &ze);
	za = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
	if (za == NULL)
		goto out;
	zip_source_keep(src);
	for (i = 0; i < 2; i++) {
		zip_source_t *fs;
		zip_int64_t idx;

		if (to_gbk(f->csv[i].data ? f->csv[i].data : "", f->csv[i].len, &gbk[i]) != 0 ||
		    to_gbk(f->names[i], strlen(f->names[i]), &names[i]) != 0)
			goto discard;
		fs = zip_source_buffer(za, gbk[i].data ? gbk[i].data : "", gbk[i].len, 0);
		if (fs == NULL)
			goto discard;
		/* The name's bytes are GBK: stored as they are, without the UTF-8 flag. */
		idx = zip_file_add(za, names[i].data, fs, ZIP_FL_ENC_CP437);
		if (idx < 0) {
			zip_source_free(fs);
			goto discard;
		}
		if (zip_file_set_dostime(za, (zip_uint64_t)idx, dtime, ddate, 0) != 0 ||
		    zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 6) != 0)
			goto discard;
	}
	if (zip_close(za) != 0)
		goto discard;
	za = NULL;
	if (zip_source_stat(src, &zs) != 0 || zip_source_open(src) != 0)
		goto out;
	sbx_buf_free(&f->body);
	if (sbx_buf_reserve(&f->body, (size_t)zs.size) == 0 &&
	    zip_source_read(src, f->body.data, zs.size) == (zip_int64_t)zs.size) {
		f->body.len = (size_t)zs.size;
		f->body.data[f->body.len] = '\0';
		rc = 0;
	}
	zip_source_close(src);
	goto out;
discard:
	zip_discard(za);
	za = NULL;
out:
	if (src)
		zip_source_free(src);
	zip_error_fini(&ze);
	for (i = 0; i < 2; i++) {
		sbx_buf_free(&gbk[i]);
		sbx_buf_free(&names[i]);
	}
	return rc;
}
