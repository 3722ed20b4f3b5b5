/* Internals shared by the risk rules' table and runner (risk.c) and the rules themselves
 * (risk_rules.c); nothing else includes this. */
#ifndef PAYDESK_RISK_PRIVATE_H
#define PAYDESK_RISK_PRIVATE_H

#include <sqlite3.h>
#include <stdint.h>
#include <time.h>

#include "client/risk.h"

/* The most findings one rule reports (its most recent ones); the screen and the command
 * show every one of them. A rule's statement asks for one more, so that the runner knows
 * when there were more (risk_findings.truncated). */
#define RISK_PER_RULE 200
#define RISK_DAY      86400

/* What a rule works with while it runs. */
struct risk_ctx {
	sqlite3 *db;
	time_t now;
	struct risk_findings *out;
	char *err;
	size_t err_size;
	int found; /* by the running rule */
};

/* One row of the rules' table. */
struct risk_rule {
	const char *name;
	const char *title;       /* N_() */
	const char *explanation; /* N_(): what it looks for, and why it matters */
	int days;                /* how far back it looks */
	/* The statement the rule runs; ?1 is the start of its window, ?2 now. NULL for a rule
	 * whose function runs statements of its own. */
	const char *sql;
	int (*run)(struct risk_ctx *c, const struct risk_rule *r, const int64_t *p);
	struct risk_param params[RISK_RULE_PARAMS];
};

/* The rules' functions: 0, or -1 with the context's err set. p holds the rule's settings. */
int risk_run_listing(struct risk_ctx *c, const struct risk_rule *r, const int64_t *p);
int risk_run_dispute_ratio(struct risk_ctx *c, const struct risk_rule *r, const int64_t *p);
int risk_run_velocity(struct risk_ctx *c, const struct risk_rule *r, const int64_t *p);
int risk_run_refund_spike(struct risk_ctx *c, const struct risk_rule *r, const int64_t *p);
int risk_run_amount_outlier(struct risk_ctx *c, const struct risk_rule *r, const int64_t *p);
int risk_run_geo_spread(struct risk_ctx *c, const struct risk_rule *r, const int64_t *p);

#endif
