/* The risk rules' table, their settings and the runner over the cache (see risk.h); the
 * rules' functions are in risk_rules.c. Every query is bounded in time: it reads a recent
 * window of `created` through the orders_by_created, refunds_by_created or per-currency
 * indices, never a whole table. */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/i18n.h"
#include "client/money.h"
#include "client/risk_private.h"

/* The key of a customer: the platform's customer object when the raw JSON names one, else
 * the email address the payment carried. The raw JSON is compact and holds no nulls (see
 * client/model.c), so a plain search for the key spares parsing every payment's JSON. */
#define CUSTOMER_KEY_SQL                                                                           \
	"coalesce(CASE WHEN instr(raw, '\"customer\":') > 0 AND json_valid(raw)"                   \
	" THEN json_extract(raw, '$.customer') END,"                                               \
	" nullif(customer_email, ''))"

/* The rules. Adding one is one entry here (and a test with data that triggers it and data
 * that does not). The params' indices are what each function reads as p[0], p[1], ... */
static const struct risk_rule rules[] = {
        {
                "dispute_ratio",
                N_("Dispute ratio"),
                N_("Disputes per card network per month against the networks' monitoring "
                   "programs. Visa's VAMP divides the month's disputes (and fraud reports, "
                   "which the cache does not hold) by the month's settled payments; "
                   "Mastercard's Excessive Chargeback Merchant program divides the month's "
                   "chargebacks by the payments of the month before. A warning comes before "
                   "the threshold, at the share of it the profile sets; crossing it (with "
                   "the programs' minimum number of disputes) makes `paydesk risk` exit 4."),
                62,
                NULL,
                risk_run_dispute_ratio,
                {
                        {"risk_dispute_ratio_visa", N_("Visa VAMP ratio"), RISK_UNIT_PERCENT, 150,
                         1, 10000},
                        {"risk_dispute_count_visa",
                         N_("fewest disputes in a month for VAMP to apply"), RISK_UNIT_COUNT, 1501,
                         1, 1000000},
                        {"risk_dispute_ratio_mastercard", N_("Mastercard ECM ratio"),
                         RISK_UNIT_PERCENT, 150, 1, 10000},
                        {"risk_dispute_count_mastercard",
                         N_("fewest chargebacks in a month for ECM to apply"), RISK_UNIT_COUNT, 100,
                         1, 1000000},
                        {"risk_dispute_warn_at", N_("warn from this share of a threshold"),
                         RISK_UNIT_PERCENT, 7500, 100, 10000},
                },
        },
        {
                "platform_risk",
                N_("Platform risk"),
                N_("Payments the platform itself rated elevated or highest risk (Stripe "
                   "Radar's risk level), with what came of them. A paid payment of the "
                   "highest risk is an alert: it is the one most likely to come back as a "
                   "fraud dispute."),
                30,
                "SELECT id, created, currency, amount,"
                " CASE WHEN risk_level = 'highest' AND platform_status = 'succeeded'"
                " THEN 2 ELSE 1 END, risk_level, platform_status,"
                " CASE WHEN json_valid(raw) THEN json_extract(raw, '$.outcome.seller_message')"
                " END"
                " FROM orders WHERE created >= ?1 AND created <= ?2"
                " AND risk_level IN ('elevated', 'highest')"
                " ORDER BY created DESC LIMIT 201",
                risk_run_listing,
                {{NULL, NULL, 0, 0, 0, 0}},
        },
        {
                "card_velocity",
                N_("Card velocity"),
                N_("Many payments, or many failed attempts, with one card in a short window: "
                   "card testing, or a stolen card being used up. The cache never keeps "
                   "card fingerprints, so a card is known by its brand, last four digits "
                   "and expiry month and year."),
                3,
                "SELECT card_brand || ' ' || card_last4 || ' ' || coalesce(card_exp_month, 0)"
                " || '/' || coalesce(card_exp_year, 0) AS k, created, id,"
                " platform_status = 'failed', card_brand, card_last4,"
                " coalesce(card_exp_month, 0), coalesce(card_exp_year, 0)"
                " FROM orders WHERE created >= ?1 AND created <= ?2"
                " AND card_last4 IS NOT NULL AND card_last4 <> '' AND card_brand IS NOT NULL"
                " ORDER BY k, created",
                risk_run_velocity,
                {
                        {"risk_card_window", N_("window, in minutes"), RISK_UNIT_MINUTES, 60, 1,
                         1440},
                        {"risk_card_payments", N_("attempts in the window"), RISK_UNIT_COUNT, 5, 2,
                         10000},
                        {"risk_card_failures", N_("failed attempts in the window"), RISK_UNIT_COUNT,
                         3, 1, 10000},
                },
        },
        {
                "customer_velocity",
                N_("Customer velocity"),
                N_("Many payments, or many failed attempts, from one customer in a short "
                   "window. A customer is the platform's customer object when the payment "
                   "names one, else the email address it carried."),
                3,
                "SELECT " CUSTOMER_KEY_SQL " AS k, created, id, platform_status = 'failed'"
                " FROM orders WHERE created >= ?1 AND created <= ?2 AND k IS NOT NULL"
                " ORDER BY k, created",
                risk_run_velocity,
                {
                        {"risk_customer_window", N_("window, in minutes"), RISK_UNIT_MINUTES, 60, 1,
                         1440},
                        {"risk_customer_payments", N_("attempts in the window"), RISK_UNIT_COUNT, 5,
                         2, 10000},
                        {"risk_customer_failures", N_("failed attempts in the window"),
                         RISK_UNIT_COUNT, 3, 1, 10000},
                },
        },
        {
                "refund_spike",
                N_("Refund spike"),
                N_("A day whose refunds, as a share of its orders, stand far above the "
                   "shop's own usual day: more than the median day's rate plus the set "
                   "number of median absolute deviations (taken as at least half a "
                   "percentage point) over the last 30 days."),
                30,
                NULL,
                risk_run_refund_spike,
                {
                        {"risk_refund_spike_factor", N_("median absolute deviations"),
                         RISK_UNIT_FACTOR, 50, 10, 1000},
                        {"risk_refund_spike_min", N_("fewest refunds on the day"), RISK_UNIT_COUNT,
                         3, 1, 100000},
                },
        },
        {
                "amount_outlier",
                N_("Unusual amount"),
                N_("A payment far above the shop's usual ticket in its currency: more than "
                   "the median plus the set number of median absolute deviations (taken as "
                   "at least a tenth of the median) of the currency's latest payments, and "
                   "more than the set share of them, so that a shop whose tickets vary "
                   "widely is not flagged every day. Amounts are compared within a currency "
                   "only."),
                7,
                NULL,
                risk_run_amount_outlier,
                {
                        {"risk_amount_factor", N_("median absolute deviations"), RISK_UNIT_FACTOR,
                         100, 10, 10000},
                        {"risk_amount_history", N_("latest payments that make the usual"),
                         RISK_UNIT_COUNT, 1000, 30, 100000},
                        {"risk_amount_percentile", N_("share of the latest payments it exceeds"),
                         RISK_UNIT_PERCENT, 9950, 5000, 10000},
                },
        },
        {
                "risky_refund",
                N_("Refund of a risky payment"),
                N_("Refunds of payments the platform rated elevated or highest risk. A "
                   "payment made with a stolen card may still be disputed after it was "
                   "refunded, and refunds are a way to move stolen money: check who asked."),
                30,
                "SELECT r.order_id, r.created, r.currency, r.amount,"
                " CASE o.risk_level WHEN 'highest' THEN 2 ELSE 1 END, o.risk_level,"
                " o.amount, o.currency"
                " FROM refunds r JOIN orders o ON o.id = r.order_id"
                " WHERE r.created >= ?1 AND r.created <= ?2"
                " AND o.risk_level IN ('elevated', 'highest')"
                " AND r.status NOT IN ('failed', 'canceled')"
                " ORDER BY r.created DESC LIMIT 201",
                risk_run_listing,
                {{NULL, NULL, 0, 0, 0, 0}},
        },
        {
                "geo_spread",
                N_("Many countries"),
                N_("One customer paying from many countries (of the card, else of the "
                   "billing address) or in many currencies within a week."),
                7,
                "SELECT " CUSTOMER_KEY_SQL " AS k, created, id, currency,"
                " CASE WHEN instr(raw, '\"country\":\"') > 0 AND json_valid(raw) THEN coalesce("
                " json_extract(raw, '$.payment_method_details.card.country'),"
                " json_extract(raw, '$.billing_details.address.country')) END"
                " FROM orders WHERE created >= ?1 AND created <= ?2 AND k IS NOT NULL"
                " ORDER BY k, created",
                risk_run_geo_spread,
                {
                        {"risk_geo_countries", N_("countries"), RISK_UNIT_COUNT, 3, 2, 250},
                        {"risk_geo_currencies", N_("currencies"), RISK_UNIT_COUNT, 3, 2, 250},
                },
        },
};

#define N_RULES ((int)(sizeof rules / sizeof rules[0]))
_Static_assert(sizeof rules / sizeof rules[0] <= RISK_RULES_MAX, "struct risk_settings is sized");

int risk_rule_count(void)
{
	return N_RULES;
}

const char *risk_rule_name(int i)
{
	return i >= 0 && i < N_RULES ? rules[i].name : "";
}

const char *risk_rule_title(int i)
{
	return i >= 0 && i < N_RULES ? _(rules[i].title) : "";
}

const char *risk_rule_explanation(int i)
{
	return i >= 0 && i < N_RULES ? _(rules[i].explanation) : "";
}

int risk_rule_days(int i)
{
	return i >= 0 && i < N_RULES ? rules[i].days : 0;
}

const struct risk_param *risk_rule_params(int i)
{
	static const struct risk_param none = {NULL, NULL, 0, 0, 0, 0};
	return i >= 0 && i < N_RULES ? rules[i].params : &none;
}

int risk_rule_find(const char *name)
{
	for (int i = 0; i < N_RULES; i++)
		if (strcmp(rules[i].name, name) == 0)
			return i;
	return -1;
}

int64_t risk_setting(const struct risk_settings *s, int rule, int param)
{
	if (rule < 0 || rule >= N_RULES || param < 0 || param >= RISK_RULE_PARAMS)
		return 0;
	if (s && s->set[rule][param])
		return s->value[rule][param];
	return rules[rule].params[param].def;
}

/* ---- Settings as the configuration spells them ---- */

void risk_setting_text(const struct risk_param *p, int64_t v, char *buf, size_t size)
{
	switch (p->unit) {
	case RISK_UNIT_PERCENT:
		if (v % 100 == 0)
			snprintf(buf, size, "%lld%%", (long long)(v / 100));
		else if (v % 10 == 0)
			snprintf(buf, size, "%lld.%lld%%", (long long)(v / 100),
			         (long long)(v % 100 / 10));
		else
			snprintf(buf, size, "%lld.%02lld%%", (long long)(v / 100),
			         (long long)(v % 100));
		break;
	case RISK_UNIT_FACTOR:
		if (v % 10 == 0)
			snprintf(buf, size, "%lld", (long long)(v / 10));
		else
			snprintf(buf, size, "%lld.%lld", (long long)(v / 10), (long long)(v % 10));
		break;
	case RISK_UNIT_COUNT:
	case RISK_UNIT_MINUTES:
		snprintf(buf, size, "%lld", (long long)v);
		break;
	}
}

/* Reads digits, then at most `decimals` digits after a '.', into an integer scaled by
 * 10^decimals; spaces and (for a percentage) one '%' may follow. false when it is not
 * such a number or is too large. */
static bool parse_scaled(const char *s, int decimals, bool percent, int64_t *out)
{
	int64_t v = 0;
	int digits = 0, frac = 0;
	while (*s >= '0' && *s <= '9') {
		if (v > 1000000000)
			return false;
		v = v * 10 + (*s++ - '0');
		digits++;
	}
	if (*s == '.' && decimals > 0) {
		s++;
		while (*s >= '0' && *s <= '9') {
			if (++frac > decimals)
				return false;
			v = v * 10 + (*s++ - '0');
		}
		if (frac == 0)
			return false;
	}
	if (!digits)
		return false;
	for (; frac < decimals; frac++)
		v *= 10;
	while (*s == ' ')
		s++;
	if (percent && *s == '%')
		s++;
	while (*s == ' ')
		s++;
	if (*s)
		return false;
	*out = v;
	return true;
}

int risk_setting_parse(struct risk_settings *s, const char *key, const char *value, char *why,
                       size_t why_size)
{
	if (strncmp(key, "risk_", 5) != 0)
		return 0;
	for (int r = 0; r < N_RULES; r++) {
		for (int i = 0; i < RISK_RULE_PARAMS && rules[r].params[i].key; i++) {
			const struct risk_param *p = &rules[r].params[i];
			if (strcmp(p->key, key) != 0)
				continue;
			int64_t v = 0;
			bool ok = p->unit == RISK_UNIT_PERCENT  ? parse_scaled(value, 2, true, &v)
			          : p->unit == RISK_UNIT_FACTOR ? parse_scaled(value, 1, false, &v)
			                                        : parse_scaled(value, 0, false, &v);
			if (ok && v >= p->min && v <= p->max) {
				s->value[r][i] = v;
				s->set[r][i] = true;
				return 1;
			}
			char lo[32], hi[32], def[32];
			risk_setting_text(p, p->min, lo, sizeof lo);
			risk_setting_text(p, p->max, hi, sizeof hi);
			risk_setting_text(p, p->def, def, sizeof def);
			switch (p->unit) {
			case RISK_UNIT_PERCENT:
				snprintf(why, why_size,
				         _("%s must be a percentage from %s to %s with at most two "
				           "decimals, not '%s' (the default is %s)"),
				         key, lo, hi, value, def);
				break;
			case RISK_UNIT_FACTOR:
				snprintf(why, why_size,
				         _("%s must be a number from %s to %s with at most one "
				           "decimal, not '%s' (the default is %s)"),
				         key, lo, hi, value, def);
				break;
			case RISK_UNIT_MINUTES:
				snprintf(why, why_size,
				         _("%s must be a number of minutes from %s to %s, not '%s' "
				           "(the default is %s)"),
				         key, lo, hi, value, def);
				break;
			case RISK_UNIT_COUNT:
				snprintf(why, why_size,
				         _("%s must be a whole number from %s to %s, not '%s' (the "
				           "default is %s)"),
				         key, lo, hi, value, def);
				break;
			}
			return -1;
		}
	}
	char known[1200] = "";
	size_t len = 0;
	for (int r = 0; r < N_RULES; r++)
		for (int i = 0; i < RISK_RULE_PARAMS && rules[r].params[i].key; i++)
			len += (size_t)snprintf(known + len,
			                        len < sizeof known ? sizeof known - len : 0, "%s%s",
			                        len ? ", " : "", rules[r].params[i].key);
	snprintf(why, why_size, _("unknown risk setting '%s' (known: %s)"), key, known);
	return -1;
}

/* ---- The runner ---- */

static int cmp_finding(const void *a, const void *b)
{
	const struct risk_finding *x = a, *y = b;
	if (x->crosses_threshold != y->crosses_threshold)
		return x->crosses_threshold ? -1 : 1;
	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	if (x->when != y->when)
		return x->when > y->when ? -1 : 1;
	return strcmp(x->order_id, y->order_id);
}

/* The first schema with every column the rules read (orders.raw). */
#define RISK_SCHEMA_MIN 8

int risk_run(struct sqlite3 *db, const struct risk_settings *s, time_t now,
             struct risk_findings *out, char *err, size_t err_size)
{
	risk_findings_free(out);
	/* An older cache is migrated by the next sync, never here: the rules only read. */
	sqlite3_stmt *v = NULL;
	int version = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &v, NULL) == SQLITE_OK &&
	    sqlite3_step(v) == SQLITE_ROW)
		version = sqlite3_column_int(v, 0);
	sqlite3_finalize(v);
	if (version < RISK_SCHEMA_MIN) {
		snprintf(err, err_size,
		         _("The cache is of an older paydesk (schema %d): run 'paydesk sync' once "
		           "to "
		           "bring it up to date."),
		         version);
		return -1;
	}
	struct risk_ctx c = {db, now, out, err, err_size, 0};
	for (int i = 0; i < N_RULES; i++) {
		int64_t p[RISK_RULE_PARAMS];
		for (int k = 0; k < RISK_RULE_PARAMS; k++)
			p[k] = risk_setting(s, i, k);
		c.found = 0;
		if (rules[i].run(&c, &rules[i], p) != 0) {
			risk_findings_free(out);
			return -1;
		}
	}
	if (out->n > 1)
		qsort(out->items, (size_t)out->n, sizeof *out->items, cmp_finding);
	return out->n;
}

void risk_findings_free(struct risk_findings *f)
{
	if (!f)
		return;
	free(f->items);
	memset(f, 0, sizeof *f);
}

bool risk_findings_cross(const struct risk_findings *f)
{
	for (int i = 0; i < f->n; i++)
		if (f->items[i].crosses_threshold)
			return true;
	return false;
}

const char *risk_severity_name(enum risk_severity s)
{
	return s == RISK_ALERT ? _("alert") : _("warn");
}
