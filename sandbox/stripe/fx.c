/* Settlement currencies and conversion (--settlement). An account settles in the currencies
 * of its list; a movement in any other currency (the presentment currency, what the customer
 * paid) lands in the balance in the first of them, converted at the day's rate, as on Stripe:
 * the balance transaction's amount, fee and net are in the settlement currency and its
 * exchange_rate is the rate applied, so that the presentment amount times exchange_rate is
 * the settlement amount (rates are of major units: 10.00 EUR at 1.0832 is 10.83 USD, and
 * 1000 JPY at 0.0067 is 6.70 USD). A converted charge pays a conversion fee of 1% of its
 * settled amount besides the processing fee; refunds and dispute withdrawals of converted
 * charges are converted at their own day's rate. Rates are deterministic per day and
 * currency pair from the seed. Without --settlement every movement settles in its own
 * currency, with no rate, as before. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sandbox/stripe/stripe.h"

/* What one major unit of each currency is worth in US dollars, in 1e-8 dollars, before the
 * day's move. */
static const struct {
	const char *code;
	int64_t usd_e8;
	int exponent;
} currencies[] = {
        {"usd", 100000000, 2}, {"eur", 108000000, 2}, {"gbp", 127000000, 2},
        {"cny", 13800000, 2},  {"jpy", 670000, 0},
};
#define NCUR       (sizeof currencies / sizeof *currencies)
#define RATE_SCALE 100000000 /* rates are kept in 1e-8 */

static int find(const char *code)
{
	for (size_t i = 0; i < NCUR; i++)
		if (strcmp(currencies[i].code, code) == 0)
			return (int)i;
	return -1;
}

int sbx_fx_check(const char *list, char *why, size_t why_size)
{
	const char *p = list;

	if (*p == '\0')
		goto bad;
	while (*p) {
		char code[8];
		size_t n = strcspn(p, ",");

		if (n == 0 || n >= sizeof code)
			goto bad;
		memcpy(code, p, n);
		code[n] = '\0';
		if (find(code) < 0) {
			snprintf(why, why_size,
			         "unknown settlement currency '%s' (known: usd, eur, gbp, "
			         "cny, jpy)",
			         code);
			return -1;
		}
		p += n;
		if (*p == ',' && *++p == '\0')
			goto bad;
	}
	return 0;
bad:
	snprintf(why, why_size,
	         "settlement currencies are lower-case codes separated by commas, "
	         "e.g. usd or usd,eur");
	return -1;
}

static int settles_in(const char *list, const char *cur)
{
	size_t len = strlen(cur);

	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");

		if (n == len && memcmp(p, cur, n) == 0)
			return 1;
		p += n;
		p += *p == ',';
	}
	return 0;
}

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15u;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

/* The day's value of one major unit of currency i in 1e-8 dollars: its base moved by up to
 * ±1.5%, the same for the same seed, day and currency. */
static int64_t usd_value(uint64_t seed, int i, int64_t day)
{
	uint64_t h = mix(seed ^ mix((uint64_t)day * 16 + (uint64_t)i));
	int64_t ppm = (int64_t)(h % 30001) - 15000;

	if (strcmp(currencies[i].code, "usd") == 0)
		return currencies[i].usd_e8;
	return currencies[i].usd_e8 + currencies[i].usd_e8 * ppm / 1000000;
}

/* a * b / c rounded half away from zero (c > 0). */
static int64_t muldiv_round(int64_t a, int64_t b, int64_t c)
{
	__int128 p = (__int128)a * b;
	__int128 q = (p < 0 ? -p : p) * 2 + c;

	q /= 2 * (__int128)c;
	return (int64_t)(p < 0 ? -q : q);
}

static void rate_text(int64_t rate, char *out, size_t n)
{
	int len = snprintf(out, n, "%lld.%08lld", (long long)(rate / RATE_SCALE),
	                   (long long)(rate % RATE_SCALE));

	/* Trailing zeros are not sent; one decimal stays, so that the number reads as a rate. */
	while (len > 0 && out[len - 1] == '0' && out[len - 2] != '.')
		out[--len] = '\0';
}

void sbx_fx_book(const struct sbx *s, const char *cur, int64_t amount, int64_t t, enum sbx_fee fee,
                 struct sbx_booked *out)
{
	const char *list = s->opt.settlement;
	int from = find(cur);

	memset(out, 0, sizeof *out);
	snprintf(out->currency, sizeof out->currency, "%s", cur);
	out->amount = amount;
	if (list && *list && from >= 0 && !settles_in(list, cur)) {
		char to_code[8];
		size_t n = strcspn(list, ",");
		int to;
		int64_t day = t >= 0 ? t / 86400 : (t - 86399) / 86400;
		int64_t rate, scale;

		snprintf(to_code, sizeof to_code, "%.*s", (int)n, list);
		to = find(to_code);
		rate = muldiv_round(usd_value(s->opt.seed, from, day), RATE_SCALE,
		                    usd_value(s->opt.seed, to, day));
		rate_text(rate, out->rate, sizeof out->rate);
		/* minor(to) = minor(from) * rate * 10^(exp(to) - exp(from)) */
		scale = RATE_SCALE;
		for (int e = currencies[from].exponent; e > currencies[to].exponent; e--)
			scale *= 10;
		for (int e = currencies[to].exponent; e > currencies[from].exponent; e--)
			rate *= 10;
		out->amount = muldiv_round(amount, rate, scale);
		snprintf(out->currency, sizeof out->currency, "%s", to_code);
	}
	switch (fee) {
	case SBX_FEE_NONE:
		break;
	case SBX_FEE_CHARGE:
		out->fee = sbx_charge_fee(out->amount, out->currency);
		if (out->rate[0]) {
			out->fx_fee = muldiv_round(out->amount, 1, 100);
			out->fee += out->fx_fee;
		}
		break;
	case SBX_FEE_DISPUTE:
		out->fee = sbx_dispute_fee(out->currency);
		break;
	case SBX_FEE_DISPUTE_RETURNED:
		out->fee = -sbx_dispute_fee(out->currency);
		break;
	}
}

int sbx_fx_insert_bt(struct sbx *s, const char *id, int64_t created, int64_t available_on,
                     const struct sbx_booked *b, const char *type, const char *category,
                     const char *source, const char *description, const char *payout)
{
	return sbx_run(s, SBX_INSERT_BT_SQL, "siiiiissssssis", id, created, available_on, b->amount,
	               b->fee, b->amount - b->fee, b->currency, type, category, source, description,
	               b->rate[0] ? b->rate : NULL, b->fx_fee, payout);
}
