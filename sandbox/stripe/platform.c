/* The sandbox as Stripe's v1 API. */
#include "config.h"

#include "sandbox/stripe/stripe.h"

static void stripe_close(struct sbx *s)
{
	for (int i = 0; i < SBX_CACHED_COUNT; i++) {
		sqlite3_finalize(s->cached[i]);
		s->cached[i] = NULL;
	}
}

static const struct sbx_fault_name stripe_faults[] = {
        {"report_failed", SBX_FAULT_REPORT_FAILED},
        {"report_elsewhere", SBX_FAULT_REPORT_ELSEWHERE},
};

const struct sbx_platform sbx_platform_stripe = {
        .name = "stripe",
        .summary = "Stripe's v1 API (bearer keys, cursor lists, events)",
        .schema = sbx_stripe_schema,
        .indices = sbx_store_create_indices,
        .seed = sbx_seed,
        .close = stripe_close,
        .serve = sbx_stripe_serve,
        .admin = sbx_stripe_admin,
        .advanced = sbx_settle_payouts,
        .faults = stripe_faults,
        .n_faults = sizeof(stripe_faults) / sizeof(stripe_faults[0]),
};
