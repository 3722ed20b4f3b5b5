/* Images for complaint replies: POST /v3/merchant-service/images/upload takes a
 * multipart/form-data body with a `meta` part ({"filename","sha256"}, the part the request
 * signature covers) and a `file` part (jpg, png or bmp, at most 2 MB) and returns a
 * media_id; GET /v3/merchant-service/images/{media_id} gives the picture back, unsigned
 * like every download. */
#include "config.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sandbox/wechatpay/wechatpay.h"

#define MAX_IMAGE (2 * 1024 * 1024)

static const char *find(const char *hay, size_t len, const char *needle, size_t n)
{
	size_t i;

	if (n == 0 || len < n)
		return NULL;
	for (i = 0; i + n <= len; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, n) == 0)
			return hay + i;
	return NULL;
}

/* Copies the quoted value of key="…" in a Content-Disposition line into out. */
static int disposition(const char *line, size_t n, const char *key, char *out, size_t on)
{
	char pat[32];
	size_t pn = (size_t)snprintf(pat, sizeof(pat), "%s=\"", key);
	const char *p = line;
	const char *e;

	for (;;) {
		p = find(p, n - (size_t)(p - line), pat, pn);
		if (p == NULL)
			return -1;
		/* "name" must not match the end of "filename". */
		if (p == line || p[-1] == ' ' || p[-1] == ';')
			break;
		p++;
	}
	p += pn;
	e = memchr(p, '"', n - (size_t)(p - line));
	if (e == NULL || (size_t)(e - p) >= on)
		return -1;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
	return 0;
}

int wx_multipart_part(const char *ctype, const char *body, size_t len, const char *name,
                      const char **data, size_t *n, char *filename, size_t fn_size)
{
	const char *b = ctype ? strstr(ctype, "boundary=") : NULL;
	char delim[200];
	size_t dlen;
	const char *p;

	if (b == NULL || body == NULL)
		return -1;
	b += 9;
	if (*b == '"')
		b++;
	dlen = (size_t)snprintf(delim, sizeof(delim), "\r\n--%.*s", (int)strcspn(b, "\";"), b);
	if (dlen >= sizeof(delim) || dlen < 5)
		return -1;
	/* The first delimiter may start the body without the line break before it. */
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0)
		p = body;
	else if ((p = find(body, len, delim, dlen)) != NULL)
		p += 2;
	while (p) {
		const char *hdr = p + dlen - 2;
		const char *end = body + len;
		const char *hend, *next;
		char part[64] = "";
		const char *line;

		if (hdr + 2 > end || (hdr[0] == '-' && hdr[1] == '-'))
			return -1;
		hend = find(hdr, (size_t)(end - hdr), "\r\n\r\n", 4);
		if (hend == NULL)
			return -1;
		next = find(hend + 4, (size_t)(end - hend - 4), delim, dlen);
		if (next == NULL)
			return -1;
		for (line = hdr; line < hend;) {
			const char *le = find(line, (size_t)(hend + 2 - line), "\r\n", 2);
			size_t ln = le ? (size_t)(le - line) : (size_t)(hend - line);

			if (ln > 20 && strncasecmp(line, "Content-Disposition:", 20) == 0) {
				disposition(line, ln, "name", part, sizeof(part));
				if (filename && strcmp(part, name) == 0 &&
				    disposition(line, ln, "filename", filename, fn_size) != 0)
					filename[0] = '\0';
			}
			line += ln + 2;
		}
		if (strcmp(part, name) == 0) {
			*data = hend + 4;
			*n = (size_t)(next - hend - 4);
			return 0;
		}
		p = next + 2;
	}
	return -1;
}

static const char *image_type(const char *filename, const char **ctype)
{
	const char *dot = strrchr(filename, '.');

	*ctype = NULL;
	if (dot == NULL)
		return NULL;
	if (strcasecmp(dot, ".jpg") == 0 || strcasecmp(dot, ".jpeg") == 0)
		*ctype = "image/jpeg";
	else if (strcasecmp(dot, ".png") == 0)
		*ctype = "image/png";
	else if (strcasecmp(dot, ".bmp") == 0)
		*ctype = "image/bmp";
	return *ctype ? dot + 1 : NULL;
}

void wx_api_image_upload(struct sbx *s, struct wx_req *rq, struct wx_reply *r)
{
	struct wx_state *w = wx_state(s);
	const char *meta_data, *file;
	size_t meta_len, file_len;
	char part_name[256], id[48], sha[65], lower[65], ext[8];
	size_t i;
	const char *want, *ctype, *e;
	json_t *meta = NULL;
	sqlite3_stmt *st = NULL;
	int64_t n;

	if (wx_multipart_part(rq->content_type, rq->body, rq->body_len, "meta", &meta_data,
	                      &meta_len, NULL, 0) != 0 ||
	    (meta = json_loadb(meta_data, meta_len, 0, NULL)) == NULL) {
		wx_error_required(r, "/body/meta", "媒体文件元信息");
		goto out;
	}
	if (wx_multipart_part(rq->content_type, rq->body, rq->body_len, "file", &file, &file_len,
	                      part_name, sizeof(part_name)) != 0) {
		wx_error_required(r, "/body/file", "图片文件");
		goto out;
	}
	want = wx_jstr(meta, "sha256");
	if (wx_jstr(meta, "filename") == NULL || want == NULL) {
		wx_error_required(r, want ? "/body/meta/filename" : "/body/meta/sha256",
		                  want ? "文件名称" : "文件摘要");
		goto out;
	}
	e = image_type(wx_jstr(meta, "filename"), &ctype);
	if (e == NULL) {
		wx_error(r, 400, "PARAM_ERROR", "图片格式不支持，仅支持jpg、png、bmp格式");
		goto out;
	}
	if (file_len == 0 || file_len > MAX_IMAGE) {
		wx_error(r, 400, "PARAM_ERROR", "图片大小不能超过2M");
		goto out;
	}
	wx_hex_digest("SHA256", file, file_len, sha);
	for (i = 0; i < 64 && want[i]; i++)
		lower[i] = (char)(want[i] >= 'A' && want[i] <= 'F' ? want[i] + 32 : want[i]);
	lower[i] = '\0';
	/* The digest is compared in constant time, like any value a client proves with. */
	if (i != 64 || want[64] != '\0' || CRYPTO_memcmp(sha, lower, 64) != 0) {
		wx_error(r, 400, "PARAM_ERROR", "文件摘要sha256与上传的文件不一致");
		goto out;
	}
	snprintf(ext, sizeof(ext), "%s", e);
	n = 1000000 + (int64_t)sbx_rng_below(&s->rng, 1000000000);
	wx_media_id(w->salt ^ (uint64_t)sbx_now(s), n, ext, id);
	st = sbx_prepare(s, "INSERT OR REPLACE INTO wx_media(media_id,created,filename,size,"
	                    "sha256,content) VALUES (?,?,?,?,?,?)");
	if (st == NULL) {
		wx_error(r, 500, "SYSTEM_ERROR", "系统错误");
		goto out;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, sbx_now(s));
	sqlite3_bind_text(st, 3, wx_jstr(meta, "filename"), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (int64_t)file_len);
	sqlite3_bind_text(st, 5, sha, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, file, (int)file_len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		wx_error(r, 500, "SYSTEM_ERROR", "系统错误");
		goto out;
	}
	r->status = 200;
	sbx_buf_puts(&r->body, "{");
	SBX_KSTR(&r->body, "media_id", id);
	sbx_buf_puts(&r->body, "}");
out:
	sqlite3_finalize(st);
	json_decref(meta);
}

int wx_media_exists(struct sbx *s, const char *media_id)
{
	sqlite3_stmt *st = sbx_prepare(s, "SELECT 1 FROM wx_media WHERE media_id = ?");
	int found;

	if (st == NULL)
		return 0;
	sqlite3_bind_text(st, 1, media_id, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

void wx_api_image_get(struct sbx *s, struct wx_req *rq, const char *media_id, struct wx_reply *r)
{
	sqlite3_stmt *st = sbx_prepare(s, "SELECT filename, content FROM wx_media WHERE "
	                                  "media_id = ?");
	const char *ctype;

	(void)rq;
	if (st == NULL) {
		wx_error(r, 500, "SYSTEM_ERROR", "系统错误");
		return;
	}
	sqlite3_bind_text(st, 1, media_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		wx_error(r, 404, "RESOURCE_NOT_EXISTS", "图片不存在");
	} else {
		const void *blob = sqlite3_column_blob(st, 1);

		image_type((const char *)sqlite3_column_text(st, 0), &ctype);
		r->status = 200;
		r->unsigned_reply = 1;
		r->content_type = ctype ? ctype : "application/octet-stream";
		if (blob)
			sbx_buf_put(&r->body, blob, (size_t)sqlite3_column_bytes(st, 1));
	}
	sqlite3_finalize(st);
}
