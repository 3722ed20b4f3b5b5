/* File uploads (POST /v1/files, multipart/form-data) for dispute evidence, and the file
 * objects that describe them. Contents are kept in the store; only report runs' files are
 * served back (reports.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/stripe/stripe.h"

#define MAX_FILE (16 * 1024 * 1024)

static const char *const file_fields[] = {
        "cancellation_policy",
        "customer_communication",
        "customer_signature",
        "duplicate_charge_documentation",
        "receipt",
        "refund_policy",
        "service_documentation",
        "shipping_documentation",
        "uncategorized_file",
        NULL,
};

int sbx_evidence_is_file_field(const char *name)
{
	int i;

	for (i = 0; file_fields[i]; i++)
		if (strcmp(file_fields[i], name) == 0)
			return 1;
	return 0;
}

void sbx_render_file(struct sbx *s, sqlite3_stmt *row, struct sbx_buf *b)
{
	sbx_render_file_at(s, row, NULL, b);
}

void sbx_render_file_at(struct sbx *s, sqlite3_stmt *row, const char *base, struct sbx_buf *b)
{
	const char *id = (const char *)sqlite3_column_text(row, 0);
	int64_t created = sqlite3_column_int64(row, 1);

	sbx_buf_puts(b, "{");
	SBX_KSTR(b, "id", id);
	sbx_buf_puts(b, ",\"object\":\"file\",");
	SBX_KI64(b, "created", created);
	sbx_buf_puts(b, ",");
	SBX_KI64(b, "expires_at", created + 365 * 86400);
	sbx_buf_puts(b, ",");
	SBX_KSTR(b, "filename", (const char *)sqlite3_column_text(row, 3));
	sbx_buf_puts(b, ",\"links\":{\"object\":\"list\",\"data\":[],\"has_more\":false,"
	                "\"url\":\"/v1/file_links?file=");
	sbx_buf_puts(b, id);
	sbx_buf_puts(b, "\"},");
	SBX_KSTR(b, "purpose", (const char *)sqlite3_column_text(row, 2));
	sbx_buf_puts(b, ",");
	SBX_KI64(b, "size", sqlite3_column_int64(row, 4));
	sbx_buf_puts(b, ",\"title\":null,");
	SBX_KSTR(b, "type", (const char *)sqlite3_column_text(row, 5));
	sbx_buf_puts(b, ",\"url\":\"");
	if (base)
		sbx_buf_puts(b, base);
	sbx_buf_puts(b, "/v1/files/");
	sbx_buf_puts(b, id);
	sbx_buf_puts(b, "/contents\"}");
	(void)s;
}

/* Finds `needle` (n bytes) in the first `len` bytes of `hay`; NULL when absent. */
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

struct part {
	char name[64];
	char filename[256];
	const char *data;
	size_t len;
};

/* Reads `key="value"` from a Content-Disposition header line. */
static void disposition_value(const char *line, size_t n, const char *key, char *out, size_t on)
{
	char pat[32];
	const char *p;
	const char *e;
	size_t len;

	out[0] = '\0';
	snprintf(pat, sizeof(pat), " %s=\"", key);
	p = find(line, n, pat, strlen(pat));
	if (p == NULL) {
		snprintf(pat, sizeof(pat), ";%s=\"", key);
		p = find(line, n, pat, strlen(pat));
	}
	if (p == NULL)
		return;
	p += strlen(pat);
	e = memchr(p, '"', n - (size_t)(p - line));
	if (e == NULL)
		return;
	len = (size_t)(e - p);
	if (len >= on)
		len = on - 1;
	memcpy(out, p, len);
	out[len] = '\0';
}

/* Splits a multipart/form-data body into at most `max` parts. Returns the number of
 * parts, or -1 when the body is malformed. */
static int parse_multipart(const char *ctype, const char *body, size_t len, struct part *parts,
                           int max)
{
	const char *b = ctype ? strstr(ctype, "boundary=") : NULL;
	char delim[200];
	size_t dlen;
	const char *p;
	int n = 0;

	if (b == NULL)
		return -1;
	b += 9;
	if (*b == '"')
		b++;
	dlen = (size_t)snprintf(delim, sizeof(delim), "--%.*s", (int)strcspn(b, "\";"), b);
	if (dlen >= sizeof(delim))
		return -1;
	p = find(body, len, delim, dlen);
	while (p && n < max) {
		const char *hdr = p + dlen;
		const char *hend;
		const char *next;
		const char *line;

		if ((size_t)(hdr - body) + 2 <= len && hdr[0] == '-' && hdr[1] == '-')
			return n; /* closing delimiter */
		hend = find(hdr, len - (size_t)(hdr - body), "\r\n\r\n", 4);
		if (hend == NULL)
			return -1;
		memset(&parts[n], 0, sizeof(parts[n]));
		line = find(hdr, (size_t)(hend - hdr), "Content-Disposition:", 20);
		if (line == NULL)
			line = find(hdr, (size_t)(hend - hdr), "content-disposition:", 20);
		if (line) {
			size_t ll = (size_t)(hend - line);
			const char *eol = find(line, ll, "\r\n", 2);

			if (eol)
				ll = (size_t)(eol - line);
			disposition_value(line, ll, "name", parts[n].name, sizeof(parts[n].name));
			disposition_value(line, ll, "filename", parts[n].filename,
			                  sizeof(parts[n].filename));
		}
		parts[n].data = hend + 4;
		next = find(parts[n].data, len - (size_t)(parts[n].data - body), delim, dlen);
		if (next == NULL || next - parts[n].data < 2)
			return -1;
		parts[n].len =
		        (size_t)(next - parts[n].data) - 2; /* the CRLF before the delimiter */
		n++;
		p = next;
	}
	return n;
}

static const char *file_type(const char *filename)
{
	const char *dot = strrchr(filename, '.');

	if (dot == NULL)
		return "txt";
	if (strcmp(dot, ".png") == 0)
		return "png";
	if (strcmp(dot, ".jpg") == 0 || strcmp(dot, ".jpeg") == 0)
		return "jpg";
	if (strcmp(dot, ".pdf") == 0)
		return "pdf";
	return "txt";
}

void sbx_file_create(struct sbx *s, struct sbx_request *rq, struct sbx_result *r)
{
	struct part parts[8];
	int n = -1;
	int i;
	const char *purpose = NULL;
	size_t purpose_len = 0;
	const struct part *file = NULL;
	char id[40];
	sqlite3_stmt *st;

	if (rq->content_type && strncmp(rq->content_type, "multipart/form-data", 19) == 0 &&
	    rq->body)
		n = parse_multipart(rq->content_type, rq->body, rq->body_len, parts, 8);
	if (n < 0) {
		sbx_result_error(r, 400, "invalid_request_error", "parameter_invalid_string",
		                 "file",
		                 "Files must be uploaded as multipart/form-data with a 'file' and "
		                 "a 'purpose' part.");
		return;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(parts[i].name, "purpose") == 0) {
			purpose = parts[i].data;
			purpose_len = parts[i].len;
		} else if (strcmp(parts[i].name, "file") == 0) {
			file = &parts[i];
		}
	}
	if (file == NULL) {
		sbx_result_error(r, 400, "invalid_request_error", "parameter_missing", "file",
		                 "Missing required param: file.");
		return;
	}
	if (purpose == NULL || purpose_len != 16 || memcmp(purpose, "dispute_evidence", 16) != 0) {
		sbx_result_error(r, 400, "invalid_request_error", "parameter_invalid_string",
		                 "purpose",
		                 "Invalid purpose: the sandbox accepts purpose=dispute_evidence.");
		return;
	}
	if (file->len == 0) {
		sbx_result_error(r, 400, "invalid_request_error", "parameter_invalid_empty", "file",
		                 "The uploaded file is empty.");
		return;
	}
	if (file->len > MAX_FILE) {
		sbx_result_error(r, 400, "invalid_request_error", "file_too_large", "file",
		                 "Files may hold at most 16 MB.");
		return;
	}
	sbx_rng_id(&s->rng, "file_", id, sizeof(id));
	st = sbx_prepare(s, "INSERT INTO files(id, created, purpose, filename, size, type, content)"
	                    " VALUES (?,?,?,?,?,?,?)");
	if (st == NULL)
		goto internal;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, sbx_now(s));
	sqlite3_bind_text(st, 3, "dispute_evidence", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, file->filename[0] ? file->filename : id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, (int64_t)file->len);
	sqlite3_bind_text(st, 6, file_type(file->filename), -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, file->data, (int)file->len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		goto internal;
	}
	sqlite3_finalize(st);
	st = sbx_prepare(s, "SELECT " SBX_FILE_COLS " FROM files WHERE id = ?");
	if (st == NULL)
		goto internal;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sbx_buf_free(&r->body);
	if (sqlite3_step(st) == SQLITE_ROW) {
		sbx_render_file(s, st, &r->body);
		r->status = 200;
	}
	sqlite3_finalize(st);
	if (r->status == 200)
		return;
internal:
	sbx_result_error(r, 500, "api_error", NULL, NULL, "The sandbox could not store the file.");
	r->should_retry = 1;
}

int sbx_file_is_evidence(struct sbx *s, const char *id)
{
	sqlite3_stmt *st = sbx_prepare(s, "SELECT purpose FROM files WHERE id = ?");
	int ok = 0;

	if (st == NULL)
		return 0;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		ok = strcmp((const char *)sqlite3_column_text(st, 0), "dispute_evidence") == 0;
	sqlite3_finalize(st);
	return ok;
}

char *sbx_multipart_canonical(const char *ctype, const char *body, size_t len)
{
	struct part parts[8];
	int n = parse_multipart(ctype, body, len, parts, 8);
	struct sbx_buf b;
	int i;

	sbx_buf_init(&b);
	sbx_buf_puts(&b, "multipart");
	for (i = 0; i < n; i++) {
		uint64_t h = 0xcbf29ce484222325ULL;
		size_t k;

		for (k = 0; k < parts[i].len; k++) {
			h ^= (unsigned char)parts[i].data[k];
			h *= 0x100000001b3ULL;
		}
		sbx_buf_printf(&b, "\n%s;%s;%zu;%016llx", parts[i].name, parts[i].filename,
		               parts[i].len, (unsigned long long)h);
	}
	if (n < 0)
		sbx_buf_puts(&b, " (malformed)");
	return sbx_buf_take(&b, NULL);
}
