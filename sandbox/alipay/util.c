/* Text as Alipay writes it: JSON strings with "/" escaped, amounts in yuan with two
 * decimals, times in Asia/Shanghai, buyers' accounts masked. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sandbox/alipay/alipay.h"

void ali_jstr(struct sbx_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0, i;

	sbx_buf_put(b, "\"", 1);
	for (i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6] = {'\\', 'u', '0', '0', 0, 0};
		size_t elen = 2;

		if (c >= 0x20 && c != '"' && c != '\\' && c != '/')
			continue;
		sbx_buf_put(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			esc[1] = (char)c;
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		default:
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			elen = 6;
			break;
		}
		sbx_buf_put(b, esc, elen);
	}
	sbx_buf_put(b, s + run, i - run);
	sbx_buf_put(b, "\"", 1);
}

void ali_obj_begin(struct ali_obj *o, struct sbx_buf *b)
{
	o->b = b;
	o->n = 0;
	sbx_buf_put(b, "{", 1);
}

void ali_obj_end(struct ali_obj *o)
{
	sbx_buf_put(o->b, "}", 1);
}

void ali_key(struct ali_obj *o, const char *key)
{
	if (o->n++)
		sbx_buf_put(o->b, ",", 1);
	ali_jstr(o->b, key);
	sbx_buf_put(o->b, ":", 1);
}

void ali_str(struct ali_obj *o, const char *key, const char *v)
{
	if (v == NULL)
		return;
	ali_key(o, key);
	ali_jstr(o->b, v);
}

void ali_yuan(int64_t fen, char *out, size_t n)
{
	uint64_t u = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;

	snprintf(out, n, "%s%llu.%02llu", fen < 0 ? "-" : "", (unsigned long long)(u / 100),
	         (unsigned long long)(u % 100));
}

void ali_yuan_member(struct ali_obj *o, const char *key, int64_t fen)
{
	char v[32];

	ali_yuan(fen, v, sizeof(v));
	ali_str(o, key, v);
}

void ali_time_member(struct ali_obj *o, const char *key, int64_t t)
{
	char v[32];

	ali_fmt_time(t, v, sizeof(v));
	ali_str(o, key, v);
}

int ali_parse_yuan(const char *s, int64_t *fen)
{
	int64_t whole = 0;
	int frac = 0, digits = 0, fd = 0;
	const char *p = s;

	if (s == NULL || *s == '\0')
		return -1;
	while (*p >= '0' && *p <= '9') {
		if (++digits > 9)
			return -1;
		whole = whole * 10 + (*p++ - '0');
	}
	if (digits == 0)
		return -1;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9' && fd < 2) {
			frac = frac * 10 + (*p++ - '0');
			fd++;
		}
		if (fd == 0)
			return -1;
	}
	if (*p != '\0')
		return -1;
	if (fd == 1)
		frac *= 10;
	*fen = whole * 100 + frac;
	return *fen > ALI_MAX_YUAN ? -1 : 0;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t ali_day_start(int64_t t)
{
	return floor_div(t + ALI_TZ, 86400) * 86400 - ALI_TZ;
}

/* Days from 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
int64_t ali_civil_days(int y, int m, int d)
{
	int64_t yy = y - (m <= 2);
	int64_t era = floor_div(yy, 400);
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void ali_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int64_t ali_civil_time(int y, int m, int d, int hh, int mm, int ss)
{
	return ali_civil_days(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss - ALI_TZ;
}

/* Shanghai civil fields of t. */
static void split(int64_t t, int *y, int *mo, int *d, int *h, int *mi, int *s)
{
	int64_t local = t + ALI_TZ;
	int64_t days = floor_div(local, 86400);
	int64_t sec = local - days * 86400;

	ali_civil_from_days(days, y, mo, d);
	*h = (int)(sec / 3600);
	*mi = (int)(sec / 60 % 60);
	*s = (int)(sec % 60);
}

void ali_fmt_time(int64_t t, char *out, size_t n)
{
	int y, mo, d, h, mi, s;

	split(t, &y, &mo, &d, &h, &mi, &s);
	snprintf(out, n, "%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, h, mi, s);
}

void ali_fmt_date(int64_t t, char *out, size_t n)
{
	int y, mo, d, h, mi, s;

	split(t, &y, &mo, &d, &h, &mi, &s);
	snprintf(out, n, "%04d-%02d-%02d", y, mo, d);
}

void ali_fmt_compact_date(int64_t t, char *out, size_t n)
{
	int y, mo, d, h, mi, s;

	split(t, &y, &mo, &d, &h, &mi, &s);
	snprintf(out, n, "%04d%02d%02d", y, mo, d);
}

void ali_fmt_cn_time(int64_t t, char *out, size_t n)
{
	int y, mo, d, h, mi, s;

	split(t, &y, &mo, &d, &h, &mi, &s);
	snprintf(out, n, "%04d年%02d月%02d日 %02d:%02d:%02d", y, mo, d, h, mi, s);
}

/* Reads exactly `digits` digits at p into *v. */
static int num(const char *p, int digits, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < digits; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		*v = *v * 10 + (p[i] - '0');
	}
	return 0;
}

int ali_parse_time(const char *s, int64_t *t)
{
	int y, mo, d, h, mi, se;

	if (s == NULL || strlen(s) != 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' ||
	    s[13] != ':' || s[16] != ':' || num(s, 4, &y) || num(s + 5, 2, &mo) ||
	    num(s + 8, 2, &d) || num(s + 11, 2, &h) || num(s + 14, 2, &mi) || num(s + 17, 2, &se))
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59)
		return -1;
	{
		int yy, mm, dd;

		/* 2026-02-30 is not a date: it must survive the round trip. */
		ali_civil_from_days(ali_civil_days(y, mo, d), &yy, &mm, &dd);
		if (yy != y || mm != mo || dd != d)
			return -1;
	}
	*t = ali_civil_time(y, mo, d, h, mi, se);
	return 0;
}

void ali_mask_logon(const char *account, char *out, size_t n)
{
	const char *at = strchr(account, '@');

	if (at) {
		int keep = at - account > 3 ? 3 : 1;

		snprintf(out, n, "%.*s***%s", keep, account, at);
	} else if (strlen(account) == 11) {
		snprintf(out, n, "%.3s****%s", account, account + 7);
	} else {
		snprintf(out, n, "%.1s***", account);
	}
}

void ali_mask_party(const char *name, const char *account, char *out, size_t n)
{
	const char *at = strchr(account, '@');
	size_t nlen = strlen(name);
	size_t last = nlen;
	char acct[96];

	/* Keep the last character of the name (UTF-8: step back to its first byte). */
	while (last > 0 && ((unsigned char)name[last - 1] & 0xc0) == 0x80)
		last--;
	if (last > 0)
		last--;
	if (at)
		snprintf(acct, sizeof(acct), "%.1s***%s", account, at);
	else if (strlen(account) == 11)
		snprintf(acct, sizeof(acct), "%.3s******%s", account, account + 9);
	else
		snprintf(acct, sizeof(acct), "%.1s***", account);
	snprintf(out, n, "**%s(%s)", name + last, acct);
}

int ali_raw_member(const char *json, const char *key, char *out, size_t n)
{
	size_t klen = strlen(key);
	const char *p = json;

	while ((p = strstr(p, key)) != NULL) {
		const char *q = p + klen;
		size_t len = 0;

		if (p == json || p[-1] != '"' || *q != '"') {
			p = q;
			continue;
		}
		q++;
		while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
			q++;
		if (*q != ':') {
			p = q;
			continue;
		}
		q++;
		while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
			q++;
		if (*q == '"') {
			q++;
			while (q[len] && q[len] != '"' && q[len] != '\\')
				len++;
			if (q[len] != '"')
				return -1;
		} else {
			while (q[len] && strchr("-+.0123456789eE", q[len]))
				len++;
		}
		if (len == 0 || len >= n)
			return -1;
		memcpy(out, q, len);
		out[len] = '\0';
		return 0;
	}
	return -1;
}
