/* Formatting of many amounts of one currency for the statement: the locale's marks are
 * learnt once from money_format, then each amount is built without its lookups. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "client/client.h"
#include "views/statement.h"

void statement_money_init(struct statement_money *m, const char *currency,
                          const struct money_locale *loc)
{
	memset(m, 0, sizeof *m);
	snprintf(m->currency, sizeof m->currency, "%s", currency ? currency : "");
	m->loc = loc;
	m->exponent = money_exponent(currency);
	/* Learn the locale's marks from money_format itself: 1234567 minor units print as
	 * "12,345.67" (exponent 2), "1,234,567" (0) or "1,234.567" (3). */
	char probe[64];
	if (money_format(1234567, currency, loc, MONEY_FMT_NUMBER, probe, sizeof probe) == 0)
		return;
	char runs[3][8];
	int n = 0;
	for (const char *p = probe; *p;) {
		if (*p >= '0' && *p <= '9') {
			p++;
			continue;
		}
		size_t len = 0;
		while (p[len] && !(p[len] >= '0' && p[len] <= '9'))
			len++;
		if (n < 3 && len < sizeof runs[0]) {
			memcpy(runs[n], p, len);
			runs[n][len] = '\0';
		}
		n++;
		p += len;
	}
	if (m->exponent > 0 && n >= 1 && n <= 3) {
		snprintf(m->decimal, sizeof m->decimal, "%s", runs[n - 1]);
		if (n >= 2)
			snprintf(m->group, sizeof m->group, "%s", runs[0]);
	} else if (m->exponent == 0 && n <= 2) {
		if (n >= 1)
			snprintf(m->group, sizeof m->group, "%s", runs[0]);
	} else {
		return;
	}
	m->decimal_len = strlen(m->decimal);
	m->group_len = strlen(m->group);
	m->ascii = true;
	for (const char *p = m->decimal; *p; p++)
		m->ascii = m->ascii && (unsigned char)*p < 0x80;
	for (const char *p = m->group; *p; p++)
		m->ascii = m->ascii && (unsigned char)*p < 0x80;
	m->ready = true;
}

size_t statement_money_put(const struct statement_money *m, int64_t v, char *buf, size_t size)
{
	if (!m->ready || m->exponent > 3 || size < STATEMENT_MONEY_MAX) {
		if (money_format(v, m->currency, m->loc, MONEY_FMT_NUMBER, buf, size) == 0)
			snprintf(buf, size, "%lld", (long long)v);
		return size ? strlen(buf) : 0;
	}
	uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	static const uint64_t scale[] = {1, 10, 100, 1000};
	uint64_t whole = mag / scale[m->exponent], frac = mag % scale[m->exponent];
	/* Built right to left, grouped by three as money_format does: at most 20 digits, 6
	 * group marks and a decimal mark of up to 7 bytes each, 3 decimals and a sign. */
	char tmp[96];
	size_t pos = sizeof tmp;
	tmp[--pos] = '\0';
	for (int i = m->exponent; i > 0; i--) {
		tmp[--pos] = (char)('0' + frac % 10);
		frac /= 10;
	}
	if (m->exponent > 0) {
		pos -= m->decimal_len;
		memcpy(tmp + pos, m->decimal, m->decimal_len);
	}
	int count = 0;
	do {
		if (count > 0 && count % 3 == 0 && m->group_len > 0) {
			pos -= m->group_len;
			memcpy(tmp + pos, m->group, m->group_len);
		}
		tmp[--pos] = (char)('0' + whole % 10);
		whole /= 10;
		count++;
	} while (whole > 0);
	if (v < 0)
		tmp[--pos] = '-';
	size_t len = sizeof tmp - 1 - pos;
	if (len >= size)
		len = size - 1;
	memcpy(buf, tmp + pos, len);
	buf[len] = '\0';
	return len;
}

void statement_money_format(const struct statement_money *m, int64_t v, char *buf, size_t size)
{
	statement_money_put(m, v, buf, size);
}

/* Writes mag (units of 10^-scale) right to left into the end of tmp with `digits` decimals
 * (digits >= scale pads zeros; digits < scale drops the last scale - digits digits, which the
 * caller checked are zeros), group marks of three, and the sign. Returns the start. */
static char *put_fine_digits(char *end, uint64_t mag, int scale, int digits, const char *group,
                             size_t group_len, const char *decimal, size_t decimal_len, bool neg)
{
	static const uint64_t p10[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
	uint64_t whole = mag / p10[scale], frac = mag % p10[scale];
	if (digits < scale)
		frac /= p10[scale - digits];
	else if (digits > scale)
		frac *= p10[digits - scale];
	char *p = end;
	for (int i = digits; i > 0; i--) {
		*--p = (char)('0' + frac % 10);
		frac /= 10;
	}
	if (digits > 0) {
		p -= decimal_len;
		memcpy(p, decimal, decimal_len);
	}
	int count = 0;
	do {
		if (count > 0 && count % 3 == 0 && group_len > 0) {
			p -= group_len;
			memcpy(p, group, group_len);
		}
		*--p = (char)('0' + whole % 10);
		whole /= 10;
		count++;
	} while (whole > 0);
	if (neg)
		*--p = '-';
	return p;
}

/* The decimals an amount of `scale` decimals is written with when `want` are asked for:
 * fewer only when the digits dropped are zeros, so that no digit is ever hidden. */
static int fine_digits(uint64_t mag, int scale, int want)
{
	static const uint64_t p10[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
	if (want >= scale)
		return want;
	return mag % p10[scale - want] == 0 ? want : scale;
}

size_t statement_money_put_fine(const struct statement_money *m, int64_t v, int scale_extra,
                                int decimals_extra, char *buf, size_t size)
{
	if (scale_extra < 0 || scale_extra > 3 || decimals_extra < 0 || decimals_extra > 3 ||
	    m->exponent > 3 || size == 0) {
		if (size)
			snprintf(buf, size, "%lld", (long long)v);
		return size ? strlen(buf) : 0;
	}
	uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	int scale = m->exponent + scale_extra;
	int digits = fine_digits(mag, scale, m->exponent + decimals_extra);
	/* Without the locale's marks (money_format would not say them): '.' and no groups. */
	const char *decimal = m->ready && m->decimal_len ? m->decimal : ".";
	size_t decimal_len = m->ready && m->decimal_len ? m->decimal_len : 1;
	char tmp[128];
	char *end = tmp + sizeof tmp - 1;
	*end = '\0';
	char *p = put_fine_digits(end, mag, scale, digits, m->ready ? m->group : "",
	                          m->ready ? m->group_len : 0, decimal, decimal_len, v < 0);
	size_t len = (size_t)(end - p);
	if (len >= size)
		len = size - 1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return len;
}

void statement_plain_fine(int64_t v, const char *currency, int scale_extra, int decimals_extra,
                          char *buf, size_t size)
{
	int exponent = money_exponent(currency);
	if (scale_extra < 0 || scale_extra > 3 || decimals_extra < 0 || decimals_extra > 3 ||
	    exponent > 3 || size == 0) {
		if (size)
			snprintf(buf, size, "%lld", (long long)v);
		return;
	}
	uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	int scale = exponent + scale_extra;
	int digits = fine_digits(mag, scale, exponent + decimals_extra);
	char tmp[64];
	char *end = tmp + sizeof tmp - 1;
	*end = '\0';
	char *p = put_fine_digits(end, mag, scale, digits, "", 0, ".", 1, v < 0);
	snprintf(buf, size, "%s", p);
}

int statement_fee_extra(const struct statement *st, const char *currency)
{
	const struct provider_platform *pl = st->data->platform;
	if (!pl || pl->fee_decimals <= 0)
		return 0;
	int extra = pl->fee_decimals - money_exponent(currency);
	return extra < 0 ? 0 : extra > 3 ? 3 : extra;
}
