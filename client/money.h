/* Money: int64_t minor units plus an ISO 4217 currency code. No floating point here. */
#ifndef PAYDESK_MONEY_H
#define PAYDESK_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum money_status {
	MONEY_OK = 0,
	MONEY_EMPTY,             /* nothing to parse */
	MONEY_SYNTAX,            /* not a number as people write amounts */
	MONEY_TOO_MANY_DECIMALS, /* more decimals than the currency has */
	MONEY_OVERFLOW,          /* does not fit in 64-bit minor units */
	MONEY_NEGATIVE,          /* a sign where only positive amounts are allowed */
	MONEY_BAD_CURRENCY,      /* not a three-letter currency code */
};

/* How a formatted amount is decorated. */
enum money_format_flags {
	MONEY_FMT_NUMBER = 0,      /* "1,234.56" grouped per locale, no symbol */
	MONEY_FMT_SYMBOL = 1 << 0, /* "$1,234.56", "1.234,56 €", "US$1,234.56" */
	MONEY_FMT_CODE = 1 << 1,   /* "1,234.56 USD" */
	MONEY_FMT_PLAIN = 1 << 2,  /* "1234.56": '.' decimal mark, no grouping (CSV, JSON, CLI) */
};

struct money_locale;

/* Parse flags. */
enum money_parse_flags {
	MONEY_PARSE_ALLOW_NEGATIVE = 1 << 0,
	MONEY_PARSE_ALLOW_GROUPING = 1 << 1, /* accept "1,234.50" (',' groups of three) */
};

/* Returns true for three ASCII letters (either case). */
bool money_currency_valid(const char *currency);
/* Returns true for a currency code of ISO 4217 (either case): "usd", "JPY"; false for
 * "xyz", "xts" or anything that is not three letters. */
bool money_currency_known(const char *currency);
/* Decimal digits of the currency's minor unit: 0 (JPY, KRW, ...), 3 (KWD, BHD, ...) or 2. */
int money_exponent(const char *currency);
/* Writes the upper-case code into out[4]; "???" when invalid. */
void money_currency_upper(const char *currency, char out[4]);

/* Parses an amount as people write it in that currency ("12.50" USD -> 1250, "1200" JPY ->
 * 1200) into minor units. On failure *out is untouched and the status says why. */
enum money_status money_parse(const char *text, const char *currency, unsigned flags, int64_t *out);
/* A translated sentence for a status. The string is static. */
const char *money_status_message(enum money_status status);

/* Formats minor units for display. Returns the length written, or 0 when the buffer is too
 * small (then buf is ""). buf is always NUL-terminated when size > 0. */
size_t money_format(int64_t amount, const char *currency, const struct money_locale *loc,
                    unsigned flags, char *buf, size_t size);

/* The formatting conventions for a locale name ("zh_CN.UTF-8", "en_US", "C"); unknown names
 * fall back on the language, then on English. Never NULL. */
const struct money_locale *money_locale_get(const char *name);
/* The conventions of the current LC_MONETARY (call setlocale first). Never NULL. */
const struct money_locale *money_locale_current(void);

/* Overflow-checked arithmetic: false (and *out untouched) on overflow. */
bool money_add(int64_t a, int64_t b, int64_t *out);
bool money_sub(int64_t a, int64_t b, int64_t *out);
bool money_mul(int64_t a, int64_t factor, int64_t *out);

#endif
