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
