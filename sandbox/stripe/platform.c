/* The sandbox as Stripe's v1 API. */
#include "config.h"

#include "sandbox/stripe/stripe.h"

static void stripe_close(struct sbx *s)
{
	sqlite3_finalize(s->st_charge_refunds);
	sqlite3_finalize(s->st_source_bts);
	s->st_charge_refunds = NULL;
	s->st_source_bts = NULL;
}

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
};
