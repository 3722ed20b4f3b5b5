/* The risk rules on the screens' read-only connection to the cache (see risk.h). */
#include "config.h"

#include <stdio.h>

#include "client/query_private.h"
#include "client/risk.h"

int risk_run_query(struct query *q, const struct risk_settings *s, time_t now,
                   struct risk_findings *out, char *err, size_t err_size)
{
	int n = risk_run(q->db, s, now, out, err, err_size);
	if (n < 0)
		snprintf(q->err, sizeof q->err, "%s", err);
	return n;
}
