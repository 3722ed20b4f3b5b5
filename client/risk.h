/* Risk: the orders and patterns of the cache that deserve a look, each with the reason in
 * plain words. Every rule is one row of one table (risk.c): its name, what it looks for, the
 * SQL over the cache or the function that finds it, and the settings a profile may override
 * (risk_* keys of the configuration). Everything is read from the cache, read-only and
 * offline; a rule whose data a platform lacks (card details on WeChat Pay, say) finds
 * nothing. Money stays int64 minor units with its currency; ratios are integer basis
 * points; nothing is summed across currencies. */
#ifndef PAYDESK_RISK_H
#define PAYDESK_RISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct sqlite3;
struct query;

/* How a setting's value is written in the configuration and kept. */
enum risk_unit {
	RISK_UNIT_COUNT = 0, /* a whole number */
	RISK_UNIT_PERCENT,   /* "1.5%" or "1.5", kept in basis points (150) */
	RISK_UNIT_MINUTES,   /* a whole number of minutes */
	RISK_UNIT_FACTOR,    /* "5" or "3.5", kept in tenths (35) */
};

/* One setting of a rule: its configuration key, default and bounds (in the kept unit). */
struct risk_param {
	const char *key;  /* "risk_dispute_ratio_visa"; NULL ends a rule's list */
	const char *help; /* N_() text */
	enum risk_unit unit;
	int64_t def, min, max;
};

#define RISK_RULE_PARAMS 6
#define RISK_RULES_MAX   16

/* The profile's overrides of the rules' settings; all false (a zeroed struct) = defaults. */
struct risk_settings {
	int64_t value[RISK_RULES_MAX][RISK_RULE_PARAMS];
	bool set[RISK_RULES_MAX][RISK_RULE_PARAMS];
};

enum risk_severity {
	RISK_WARN = 1,  /* worth a look */
	RISK_ALERT = 2, /* act now */
};

/* One thing found. The reason quotes platform text (a customer's email, the platform's
 * message) as it is: sanitize it before it is shown or written. */
struct risk_finding {
	const char *rule; /* the rule's name (static) */
	enum risk_severity severity;
	char order_id[72]; /* "" for a finding about many orders (a ratio, a day) */
	bool has_amount;
	int64_t amount; /* minor units of currency, when has_amount */
	char currency[8];
	time_t when;            /* the order's, or the start of the period */
	bool crosses_threshold; /* a card network's monitoring threshold is crossed */
	char reason[480];       /* translated, with its numbers */
};

struct risk_findings {
	struct risk_finding *items; /* most severe first, then newest */
	int n, cap;
	bool truncated; /* a rule found more than it may report; the most recent are kept */
};

/* The rules, in the order of the table, by index from 0 to risk_rule_count() - 1. */
int risk_rule_count(void);
const char *risk_rule_name(int i);
const char *risk_rule_title(int i);       /* translated */
const char *risk_rule_explanation(int i); /* translated */
int risk_rule_days(int i);                /* how many days back it reads */
/* The settings of rule i (a NULL key ends them). */
const struct risk_param *risk_rule_params(int i);
/* The index of the rule named name, or -1. */
int risk_rule_find(const char *name);

/* The value of a setting under the profile's overrides. */
int64_t risk_setting(const struct risk_settings *s, int rule, int param);
/* Writes a setting's value as the configuration spells it ("1.5%", "60", "3.5"). */
void risk_setting_text(const struct risk_param *p, int64_t value, char *buf, size_t size);

/* Reads `key = value` of the configuration into s. Returns 1 when key is a risk setting and
 * the value is good, 0 when key is no risk setting, -1 with a translated reason in why (the
 * key, what it takes, an example). */
int risk_setting_parse(struct risk_settings *s, const char *key, const char *value, char *why,
                       size_t why_size);

/* Runs every rule over the cache db (read-only) as of now, local days and months in TZ. Fills
 * out (emptied first; free with risk_findings_free). Returns the number of findings, or -1
 * with a translated reason in err. */
int risk_run(struct sqlite3 *db, const struct risk_settings *s, time_t now,
             struct risk_findings *out, char *err, size_t err_size);
/* The same on the screens' read-only connection (client/query.h). */
int risk_run_query(struct query *q, const struct risk_settings *s, time_t now,
                   struct risk_findings *out, char *err, size_t err_size);
void risk_findings_free(struct risk_findings *f);
/* Whether any finding crosses a monitoring threshold. */
bool risk_findings_cross(const struct risk_findings *f);

/* The translated word of a severity ("warn", "alert"). */
const char *risk_severity_name(enum risk_severity s);

#endif
