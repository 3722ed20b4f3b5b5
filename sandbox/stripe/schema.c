/* Stripe's tables in the sandbox's store. Lists page through (created, rowid) indices, so
 * a page costs the same at any depth (of a created window too: api.c narrows the window to
 * the cursor). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sandbox/stripe/stripe.h"

static const char schema_sql[] =
        "CREATE TABLE IF NOT EXISTS charges("
        " id TEXT NOT NULL, created INTEGER NOT NULL, amount INTEGER NOT NULL,"
        " currency TEXT NOT NULL, status TEXT NOT NULL, amount_refunded INTEGER NOT NULL,"
        " disputed INTEGER NOT NULL, name TEXT, email TEXT, description TEXT,"
        " metadata TEXT NOT NULL, brand TEXT, last4 TEXT, exp_month INTEGER, exp_year INTEGER,"
        " country TEXT, funding TEXT, risk_level TEXT, risk_score INTEGER, fingerprint TEXT,"
        " bt TEXT);"
        "CREATE TABLE IF NOT EXISTS refunds("
        " id TEXT NOT NULL, created INTEGER NOT NULL, charge TEXT NOT NULL,"
        " amount INTEGER NOT NULL, currency TEXT NOT NULL, status TEXT NOT NULL, reason TEXT,"
        " metadata TEXT NOT NULL, bt TEXT);"
        "CREATE TABLE IF NOT EXISTS disputes("
        " id TEXT NOT NULL, created INTEGER NOT NULL, charge TEXT NOT NULL,"
        " amount INTEGER NOT NULL, currency TEXT NOT NULL, status TEXT NOT NULL,"
        " reason TEXT NOT NULL, due_by INTEGER, submission_count INTEGER NOT NULL,"
        " evidence TEXT NOT NULL, metadata TEXT NOT NULL, network_reason_code TEXT, brand TEXT);"
        "CREATE TABLE IF NOT EXISTS payouts("
        " id TEXT NOT NULL, created INTEGER NOT NULL, amount INTEGER NOT NULL,"
        " currency TEXT NOT NULL, status TEXT NOT NULL, arrival_date INTEGER NOT NULL,"
        " bt TEXT NOT NULL, metadata TEXT NOT NULL);"
        "CREATE TABLE IF NOT EXISTS balance_transactions("
        " id TEXT NOT NULL, created INTEGER NOT NULL, available_on INTEGER NOT NULL,"
        " amount INTEGER NOT NULL, fee INTEGER NOT NULL, net INTEGER NOT NULL,"
        " currency TEXT NOT NULL, type TEXT NOT NULL, reporting_category TEXT NOT NULL,"
        " source TEXT, description TEXT, payout TEXT, exchange_rate TEXT,"
        " fx_fee INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE IF NOT EXISTS events("
        " id TEXT NOT NULL, created INTEGER NOT NULL, type TEXT NOT NULL, object TEXT NOT NULL,"
        " previous TEXT, request_id TEXT, idempotency_key TEXT);"
        "CREATE TABLE IF NOT EXISTS idempotency("
        " key TEXT PRIMARY KEY, request TEXT NOT NULL, in_flight INTEGER NOT NULL,"
        " status INTEGER, body TEXT, request_id TEXT, created INTEGER NOT NULL);"
        "CREATE TABLE IF NOT EXISTS files("
        " id TEXT NOT NULL, created INTEGER NOT NULL, purpose TEXT NOT NULL, filename TEXT,"
        " size INTEGER NOT NULL, type TEXT, content BLOB);"
        /* Report runs (the Reporting API): ready_ms is when the run has finished, in the
         * sandbox clock's milliseconds; file is its result, error why it failed. */
        "CREATE TABLE IF NOT EXISTS report_runs("
        " id TEXT PRIMARY KEY, created INTEGER NOT NULL, ready_ms INTEGER NOT NULL,"
        " report_type TEXT NOT NULL, parameters TEXT NOT NULL, file TEXT, error TEXT);";

/* Indices are created after seeding: building them once is far cheaper than maintaining
 * them across a million inserts. */
static const char index_sql[] =
        "CREATE UNIQUE INDEX IF NOT EXISTS charges_id ON charges(id);"
        "CREATE INDEX IF NOT EXISTS charges_created ON charges(created);"
        "CREATE UNIQUE INDEX IF NOT EXISTS refunds_id ON refunds(id);"
        "CREATE INDEX IF NOT EXISTS refunds_created ON refunds(created);"
        "CREATE INDEX IF NOT EXISTS refunds_charge ON refunds(charge, created);"
        "CREATE UNIQUE INDEX IF NOT EXISTS disputes_id ON disputes(id);"
        "CREATE INDEX IF NOT EXISTS disputes_created ON disputes(created);"
        "CREATE INDEX IF NOT EXISTS disputes_charge ON disputes(charge, created);"
        "CREATE UNIQUE INDEX IF NOT EXISTS payouts_id ON payouts(id);"
        "CREATE INDEX IF NOT EXISTS payouts_created ON payouts(created);"
        "CREATE UNIQUE INDEX IF NOT EXISTS bts_id ON balance_transactions(id);"
        "CREATE INDEX IF NOT EXISTS bts_created ON balance_transactions(created);"
        "CREATE INDEX IF NOT EXISTS bts_payout ON balance_transactions(payout, created);"
        "CREATE INDEX IF NOT EXISTS bts_source ON balance_transactions(source, created);"
        "CREATE UNIQUE INDEX IF NOT EXISTS events_id ON events(id);"
        "CREATE INDEX IF NOT EXISTS events_created ON events(created);"
        "CREATE UNIQUE INDEX IF NOT EXISTS files_id ON files(id);";

/* The settlement currencies are the store's: given when it is seeded, kept in its meta. */
static int settlement(struct sbx *s)
{
	char was[sizeof s->opt.settlement_buf];
	char why[160];
	int seeded = !sbx_store_empty(s);

	if (sbx_meta_get(s, "settlement", was, sizeof was) == 0) {
		if (s->opt.settlement && strcmp(s->opt.settlement, was) != 0) {
			fprintf(stderr,
			        "paydesk-sandbox: this store settles in %s, not %s; start it "
			        "without --settlement, or use another --db\n",
			        was, s->opt.settlement);
			return -1;
		}
		snprintf(s->opt.settlement_buf, sizeof s->opt.settlement_buf, "%s", was);
		s->opt.settlement = s->opt.settlement_buf;
		return 0;
	}
	if (s->opt.settlement == NULL)
		return 0;
	if (seeded) {
		fprintf(stderr,
		        "paydesk-sandbox: this store was seeded with every charge settling in its "
		        "own currency; --settlement needs another --db\n");
		return -1;
	}
	if (strlen(s->opt.settlement) >= sizeof s->opt.settlement_buf ||
	    sbx_fx_check(s->opt.settlement, why, sizeof why) != 0) {
		fprintf(stderr, "paydesk-sandbox: --settlement %s: %s\n", s->opt.settlement,
		        strlen(s->opt.settlement) >= sizeof s->opt.settlement_buf ? "too long"
		                                                                  : why);
		return -1;
	}
	return sbx_meta_set(s, "settlement", s->opt.settlement);
}

int sbx_stripe_schema(struct sbx *s)
{
	if (sbx_exec(s, schema_sql) != 0)
		return -1;
	return settlement(s);
}

int sbx_store_create_indices(struct sbx *s)
{
	return sbx_exec(s, index_sql);
}
