/* Money parsing, formatting and arithmetic on int64_t minor units. No floating point. */
#include "config.h"

#include "client/money.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "client/i18n.h"

/* Currencies whose minor unit is not 1/100 (Stripe's lists). */
static const char *const zero_decimal[] = {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga",
                                           "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"};
static const char *const three_decimal[] = {"bhd", "jod", "kwd", "omr", "tnd"};

struct money_symbol {
	const char *code; /* lower case */
	const char *symbol;
};

struct money_locale {
	const char *name;    /* "en", "zh_CN", ... */
	const char *decimal; /* decimal mark */
	const char *group;   /* thousands separator */
	bool symbol_after;   /* "1.234,56 €" rather than "€1,234.56" */
	const struct money_symbol *symbols;
};

static const struct money_symbol symbols_en[] = {
        {"usd", "$"},   {"eur", "€"},   {"gbp", "£"},   {"jpy", "¥"},  {"cny", "CN¥"},
        {"hkd", "HK$"}, {"cad", "CA$"}, {"aud", "A$"},  {"krw", "₩"},  {"inr", "₹"},
        {"twd", "NT$"}, {"nzd", "NZ$"}, {"mxn", "MX$"}, {"brl", "R$"}, {NULL, NULL},
};
static const struct money_symbol symbols_zh[] = {
        {"cny", "¥"},   {"usd", "US$"}, {"eur", "€"},   {"gbp", "£"},  {"jpy", "JP¥"},
        {"hkd", "HK$"}, {"cad", "CA$"}, {"aud", "AU$"}, {"krw", "₩"},  {"inr", "₹"},
        {"twd", "NT$"}, {"nzd", "NZ$"}, {"mxn", "MX$"}, {"brl", "R$"}, {NULL, NULL},
};
static const struct money_symbol symbols_eu[] = {
        {"eur", "€"}, {"usd", "$"}, {"gbp", "£"}, {"jpy", "¥"}, {"cny", "CN¥"}, {NULL, NULL},
};

static const struct money_locale locales[] = {
        {"en", ".", ",", false, symbols_en},     {"zh_CN", ".", ",", false, symbols_zh},
        {"zh", ".", ",", false, symbols_zh},     {"de", ",", ".", true, symbols_eu},
        {"fr", ",", "\u202f", true, symbols_eu},
};

bool money_currency_valid(const char *currency)
{
	if (!currency)
		return false;
	for (int i = 0; i < 3; i++) {
		char c = currency[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return false;
	}
	return currency[3] == '\0';
}

/* ISO 4217's currency codes (list one, 2025), in order, with the codes withdrawn since 2023
 * that a cache may still hold (HRK, SLL, ZWL). Not the codes that name no currency: XTS (for
 * testing) and XXX (no currency). */
static const char iso4217[][4] = {
        "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg", "azn", "bam", "bbd", "bdt",
        "bgn", "bhd", "bif", "bmd", "bnd", "bob", "bov", "brl", "bsd", "btn", "bwp", "byn", "bzd",
        "cad", "cdf", "che", "chf", "chw", "clf", "clp", "cny", "cop", "cou", "crc", "cuc", "cup",
        "cve", "czk", "djf", "dkk", "dop", "dzd", "egp", "ern", "etb", "eur", "fjd", "fkp", "gbp",
        "gel", "ghs", "gip", "gmd", "gnf", "gtq", "gyd", "hkd", "hnl", "hrk", "htg", "huf", "idr",
        "ils", "inr", "iqd", "irr", "isk", "jmd", "jod", "jpy", "kes", "kgs", "khr", "kmf", "kpw",
        "krw", "kwd", "kyd", "kzt", "lak", "lbp", "lkr", "lrd", "lsl", "lyd", "mad", "mdl", "mga",
        "mkd", "mmk", "mnt", "mop", "mru", "mur", "mvr", "mwk", "mxn", "mxv", "myr", "mzn", "nad",
        "ngn", "nio", "nok", "npr", "nzd", "omr", "pab", "pen", "pgk", "php", "pkr", "pln", "pyg",
        "qar", "ron", "rsd", "rub", "rwf", "sar", "sbd", "scr", "sdg", "sek", "sgd", "shp", "sle",
        "sll", "sos", "srd", "ssp", "stn", "svc", "syp", "szl", "thb", "tjs", "tmt", "tnd", "top",
        "try", "ttd", "twd", "tzs", "uah", "ugx", "usd", "usn", "uyi", "uyu", "uyw", "uzs", "ved",
        "ves", "vnd", "vuv", "wst", "xaf", "xag", "xau", "xba", "xbb", "xbc", "xbd", "xcd", "xcg",
        "xdr", "xof", "xpd", "xpf", "xpt", "xsu", "xua", "yer", "zar", "zmw", "zwg", "zwl",
};

bool money_currency_known(const char *currency)
{
	if (!money_currency_valid(currency))
		return false;
	char lower[4];
	for (int i = 0; i < 3; i++)
		lower[i] = (char)(currency[i] | 0x20);
	lower[3] = '\0';
	size_t lo = 0, hi = sizeof iso4217 / sizeof *iso4217;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(lower, iso4217[mid]);
		if (c == 0)
			return true;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

static bool currency_in(const char *currency, const char *const *list, size_t n)
{
	char lower[4];
	for (int i = 0; i < 3; i++)
		lower[i] = (char)(currency[i] | 0x20);
	lower[3] = '\0';
	for (size_t i = 0; i < n; i++)
		if (strcmp(lower, list[i]) == 0)
			return true;
	return false;
}

int money_exponent(const char *currency)
{
	if (!money_currency_valid(currency))
		return 2;
	if (currency_in(currency, zero_decimal, sizeof zero_decimal / sizeof *zero_decimal))
		return 0;
	if (currency_in(currency, three_decimal, sizeof three_decimal / sizeof *three_decimal))
		return 3;
	return 2;
}

void money_currency_upper(const char *currency, char out[4])
{
	if (!money_currency_valid(currency)) {
		memcpy(out, "???", 4);
		return;
	}
	for (int i = 0; i < 3; i++)
		out[i] = (char)(currency[i] & ~0x20);
	out[3] = '\0';
}

static int64_t pow10_i64(int exponent)
{
	int64_t p = 1;
	for (int i = 0; i < exponent; i++)
		p *= 10;
	return p;
}

const char *money_status_message(enum money_status status)
{
	switch (status) {
	case MONEY_OK:
		return _("OK");
	case MONEY_EMPTY:
		return _("No amount was given.");
	case MONEY_SYNTAX:
		return _("That is not an amount: write digits with an optional decimal point, like "
		         "12.50.");
	case MONEY_TOO_MANY_DECIMALS:
		return _("Too many decimal places for this currency.");
	case MONEY_OVERFLOW:
		return _("The amount is too large.");
	case MONEY_NEGATIVE:
		return _("The amount must not be negative.");
	case MONEY_BAD_CURRENCY:
		return _("Unknown currency code: it must be three letters, like USD.");
	}
	return _("Unknown error.");
}

/* Appends one digit to an unsigned magnitude; false on overflow past INT64_MAX + 1. */
static bool push_digit(uint64_t *value, char digit)
{
	uint64_t v;
	if (__builtin_mul_overflow(*value, 10u, &v))
		return false;
	if (__builtin_add_overflow(v, (uint64_t)(digit - '0'), &v))
		return false;
	if (v > (uint64_t)INT64_MAX + 1u)
		return false;
	*value = v;
	return true;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

enum money_status money_parse(const char *text, const char *currency, unsigned flags, int64_t *out)
{
	if (!money_currency_valid(currency))
		return MONEY_BAD_CURRENCY;
	if (!text)
		return MONEY_EMPTY;
	const int exponent = money_exponent(currency);
	const char *p = text;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return MONEY_EMPTY;

	bool negative = false;
	if (*p == '-' || *p == '+') {
		negative = *p == '-';
		p++;
	}

	uint64_t magnitude = 0;
	int int_digits = 0;
	int group_run = -1; /* digits since the last ',' (-1: no ',' seen) */
	for (; is_digit(*p) || *p == ','; p++) {
		if (*p == ',') {
			if (!(flags & MONEY_PARSE_ALLOW_GROUPING) || int_digits == 0 ||
			    (group_run >= 0 && group_run != 3) || (group_run < 0 && int_digits > 3))
				return MONEY_SYNTAX;
			group_run = 0;
			continue;
		}
		if (!push_digit(&magnitude, *p))
			return MONEY_OVERFLOW;
		int_digits++;
		if (group_run >= 0)
			group_run++;
	}
	if (group_run >= 0 && group_run != 3)
		return MONEY_SYNTAX;

	int frac_digits = 0;
	bool extra_nonzero = false;
	if (*p == '.') {
		p++;
		if (!is_digit(*p))
			return MONEY_SYNTAX;
		for (; is_digit(*p); p++) {
			if (frac_digits < exponent) {
				if (!push_digit(&magnitude, *p))
					return MONEY_OVERFLOW;
				frac_digits++;
			} else if (*p != '0') {
				extra_nonzero = true;
			}
		}
	}
	if (int_digits == 0 && frac_digits == 0 && !extra_nonzero)
		return MONEY_SYNTAX;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '\0')
		return MONEY_SYNTAX;
	if (extra_nonzero)
		return MONEY_TOO_MANY_DECIMALS;
	for (; frac_digits < exponent; frac_digits++)
		if (!push_digit(&magnitude, '0'))
			return MONEY_OVERFLOW;

	if (negative && magnitude != 0 && !(flags & MONEY_PARSE_ALLOW_NEGATIVE))
		return MONEY_NEGATIVE;
	if (!negative && magnitude > (uint64_t)INT64_MAX)
		return MONEY_OVERFLOW;
	*out = negative ? (int64_t)(0 - magnitude) : (int64_t)magnitude;
	return MONEY_OK;
}

static const char *symbol_for(const struct money_locale *loc, const char *currency)
{
	char lower[4];
	for (int i = 0; i < 3; i++)
		lower[i] = (char)(currency[i] | 0x20);
	lower[3] = '\0';
	for (const struct money_symbol *s = loc->symbols; s->code; s++)
		if (strcmp(s->code, lower) == 0)
			return s->symbol;
	return NULL;
}

/* Appends a string to buf at *len; false when it does not fit. */
static bool put(char *buf, size_t size, size_t *len, const char *s)
{
	size_t n = strlen(s);
	if (*len + n >= size)
		return false;
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = '\0';
	return true;
}

size_t money_format(int64_t amount, const char *currency, const struct money_locale *loc,
                    unsigned flags, char *buf, size_t size)
{
	if (!buf || size == 0)
		return 0;
	buf[0] = '\0';
	if (!loc)
		loc = &locales[0];
	const bool valid = money_currency_valid(currency);
	const int exponent = valid ? money_exponent(currency) : 2;
	const bool plain = flags & MONEY_FMT_PLAIN;
	const char *decimal = plain ? "." : loc->decimal;
	const char *group = plain ? "" : loc->group;

	uint64_t magnitude = amount < 0 ? (uint64_t)0 - (uint64_t)amount : (uint64_t)amount;
	const uint64_t scale = (uint64_t)pow10_i64(exponent);
	uint64_t whole = magnitude / scale;
	uint64_t frac = magnitude % scale;

	/* Integer digits, grouped, built right to left. */
	char digits[64];
	size_t pos = sizeof digits - 1;
	digits[pos] = '\0';
	const size_t glen = strlen(group);
	int count = 0;
	do {
		if (count > 0 && count % 3 == 0 && glen > 0) {
			pos -= glen;
			memcpy(digits + pos, group, glen);
		}
		digits[--pos] = (char)('0' + whole % 10);
		whole /= 10;
		count++;
	} while (whole > 0);

	char fraction[4] = ""; /* exponent is at most 3 */
	for (int i = exponent - 1; i >= 0; i--) {
		fraction[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	fraction[exponent] = '\0';
	char number[96];
	snprintf(number, sizeof number, "%s%s%s", digits + pos, exponent > 0 ? decimal : "",
	         fraction);

	char code[4];
	money_currency_upper(currency, code);
	const char *symbol = NULL;
	if (flags & MONEY_FMT_SYMBOL)
		symbol = valid ? symbol_for(loc, currency) : NULL;
	/* A currency without a symbol in this locale is written with its code. */
	const bool code_as_symbol =
	        (flags & MONEY_FMT_SYMBOL) && !symbol && !(flags & MONEY_FMT_CODE);

	size_t len = 0;
	bool ok = true;
	if (amount < 0)
		ok = ok && put(buf, size, &len, "-");
	if (symbol && !loc->symbol_after)
		ok = ok && put(buf, size, &len, symbol);
	if (code_as_symbol && !loc->symbol_after) {
		ok = ok && put(buf, size, &len, code);
		ok = ok && put(buf, size, &len, " ");
	}
	ok = ok && put(buf, size, &len, number);
	if (symbol && loc->symbol_after) {
		ok = ok && put(buf, size, &len, " ");
		ok = ok && put(buf, size, &len, symbol);
	}
	if ((code_as_symbol && loc->symbol_after) || (flags & MONEY_FMT_CODE)) {
		ok = ok && put(buf, size, &len, " ");
		ok = ok && put(buf, size, &len, code);
	}
	if (!ok) {
		buf[0] = '\0';
		return 0;
	}
	return len;
}

const struct money_locale *money_locale_get(const char *name)
{
	if (!name || !*name)
		return &locales[0];
	char base[16];
	size_t n = strcspn(name, ".@");
	if (n >= sizeof base)
		n = sizeof base - 1;
	memcpy(base, name, n);
	base[n] = '\0';
	for (size_t i = 0; i < sizeof locales / sizeof *locales; i++)
		if (strcmp(base, locales[i].name) == 0)
			return &locales[i];
	size_t lang = strcspn(base, "_");
	for (size_t i = 0; i < sizeof locales / sizeof *locales; i++)
		if (strlen(locales[i].name) == lang && strncmp(base, locales[i].name, lang) == 0)
			return &locales[i];
	return &locales[0];
}

const struct money_locale *money_locale_current(void)
{
	return money_locale_get(setlocale(LC_MONETARY, NULL));
}

bool money_add(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;
	if (__builtin_add_overflow(a, b, &r))
		return false;
	*out = r;
	return true;
}

bool money_sub(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;
	if (__builtin_sub_overflow(a, b, &r))
		return false;
	*out = r;
	return true;
}

bool money_mul(int64_t a, int64_t factor, int64_t *out)
{
	int64_t r;
	if (__builtin_mul_overflow(a, factor, &r))
		return false;
	*out = r;
	return true;
}
