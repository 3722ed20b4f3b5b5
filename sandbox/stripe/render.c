/* JSON for every object the sandbox serves, in the shape of Stripe's published fixtures
 * (same fields and nesting, null where a merchant account without Connect has null).
 * Each renderer reads one row selected with the matching SBX_*_COLS list. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sandbox/stripe/stripe.h"

#define PUT(b, lit) sbx_buf_put((b), (lit), sizeof(lit) - 1)

static const char *col(sqlite3_stmt *row, int i)
{
	return (const char *)sqlite3_column_text(row, i);
}

static int64_t icol(sqlite3_stmt *row, int i)
{
	return sqlite3_column_int64(row, i);
}

int64_t sbx_dispute_fee(const char *currency)
{
	if (strcmp(currency, "jpy") == 0)
		return 2000;
	if (strcmp(currency, "cny") == 0)
		return 10000;
	return 1500;
}

int64_t sbx_charge_fee(int64_t amount, const char *currency)
{
	/* A flat percentage plus a fixed part per currency, in integer minor units. */
	if (strcmp(currency, "jpy") == 0)
		return amount * 36 / 1000;
	if (strcmp(currency, "cny") == 0)
		return amount * 34 / 1000 + 200;
	if (strcmp(currency, "eur") == 0)
		return amount * 25 / 1000 + 25;
	if (strcmp(currency, "gbp") == 0)
		return amount * 25 / 1000 + 20;
	return amount * 29 / 1000 + 30;
}

void sbx_pi_for_charge(const char *charge_id, char *out, size_t n)
{
	const char *u = strchr(charge_id, '_');

	snprintf(out, n, "pi_%s", u ? u + 1 : charge_id);
}

void sbx_charge_for_pi(const char *pi_id, char *out, size_t n)
{
	const char *u = strchr(pi_id, '_');

	snprintf(out, n, "ch_%s", u ? u + 1 : pi_id);
}

static const char *suffix(const char *id)
{
	const char *u = strchr(id, '_');

	return u ? u + 1 : id;
}

static void put_bool(struct sbx_buf *b, const char *key, int v)
{
	sbx_buf_kraw(b, key, v ? "true" : "false");
}

static const char null_address[] = "{\"city\":null,\"country\":null,\"line1\":null,\"line2\":null,"
                                   "\"postal_code\":null,\"state\":null}";

/* The refunds of one charge as the embedded list (newest first, at most 10). */
static void put_charge_refunds(struct sbx *s, const char *charge_id, int any, struct sbx_buf *b)
{
	sqlite3_stmt *st;
	int n = 0;
	int more = 0;

	PUT(b, "\"refunds\":{\"object\":\"list\",\"data\":[");
	if (any) {
		sqlite3_stmt **slot = sbx_cached(s, SBX_CACHED_CHARGE_REFUNDS);
		if (*slot == NULL)
			*slot = sbx_prepare(s, "SELECT " SBX_REFUND_COLS
			                       " FROM refunds WHERE charge = ?"
			                       " ORDER BY created DESC, rowid DESC LIMIT 11");
		st = *slot;
		if (st != NULL) {
			sqlite3_bind_text(st, 1, charge_id, -1, SQLITE_STATIC);
			while (sqlite3_step(st) == SQLITE_ROW) {
				if (n == 10) {
					more = 1;
					break;
				}
				if (n++)
					PUT(b, ",");
				sbx_render_refund(s, st, b);
			}
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
		}
	}
	PUT(b, "],");
	put_bool(b, "has_more", more);
	PUT(b, ",\"total_count\":");
	sbx_buf_i64(b, n);
	PUT(b, ",\"url\":\"/v1/charges/");
	sbx_buf_puts(b, charge_id);
	PUT(b, "/refunds\"}");
}

__thread int sbx_expand_payment_intent;

void sbx_render_charge(struct sbx *s, sqlite3_stmt *row, struct sbx_buf *b)
{
	const char *id = col(row, 0);
	const char *status = col(row, 4);
	int64_t amount = icol(row, 2);
	int64_t refunded = icol(row, 5);
	int succeeded = strcmp(status, "succeeded") == 0;
	int failed = strcmp(status, "failed") == 0;
	const char *cur = col(row, 3);
	const char *email = col(row, 8);

	PUT(b, "{");
	SBX_KSTR(b, "id", id);
	PUT(b, ",\"object\":\"charge\",");
	SBX_KI64(b, "amount", amount);
	PUT(b, ",");
	SBX_KI64(b, "amount_captured", succeeded ? amount : 0);
	PUT(b, ",");
	SBX_KI64(b, "amount_refunded", refunded);
	PUT(b, ",\"application\":null,\"application_fee\":null,\"application_fee_amount\":null,");
	SBX_KSTR(b, "balance_transaction", col(row, 20));
	PUT(b, ",\"billing_details\":{\"address\":");
	sbx_buf_puts(b, null_address);
	PUT(b, ",");
	SBX_KSTR(b, "email", email);
	PUT(b, ",");
	SBX_KSTR(b, "name", col(row, 7));
	PUT(b, ",\"phone\":null,\"tax_id\":null},"
	       "\"calculated_statement_descriptor\":\"PAYDESK SANDBOX\",");
	put_bool(b, "captured", !failed);
	PUT(b, ",");
	SBX_KI64(b, "created", icol(row, 1));
	PUT(b, ",");
	SBX_KSTR(b, "currency", cur);
	PUT(b, ",\"customer\":null,");
	SBX_KSTR(b, "description", col(row, 9));
	PUT(b, ",");
	put_bool(b, "disputed", (int)icol(row, 6));
	PUT(b, ",\"failure_balance_transaction\":null,");
	SBX_KSTR(b, "failure_code", failed ? "card_declined" : NULL);
	PUT(b, ",");
	SBX_KSTR(b, "failure_message", failed ? "Your card was declined." : NULL);
	PUT(b, ",\"fraud_details\":{},\"livemode\":false,");
	sbx_buf_kraw(b, "metadata", col(row, 10));
	PUT(b, ",\"on_behalf_of\":null,\"outcome\":{\"advice_code\":null,"
	       "\"network_advice_code\":null,\"network_decline_code\":null,");
	if (failed)
		PUT(b,
		    "\"network_status\":\"declined_by_network\",\"reason\":\"generic_decline\",");
	else
		PUT(b, "\"network_status\":\"approved_by_network\",\"reason\":null,");
	SBX_KSTR(b, "risk_level", col(row, 17));
	PUT(b, ",");
	SBX_KI64(b, "risk_score", icol(row, 18));
	if (failed)
		PUT(b, ",\"seller_message\":\"The bank did not return any further details with "
		       "this decline.\",\"type\":\"issuer_declined\"},");
	else
		PUT(b, ",\"seller_message\":\"Payment complete.\",\"type\":\"authorized\"},");
	put_bool(b, "paid", succeeded);
	if (sbx_expand_payment_intent) {
		/* expand[]=payment_intent (data.payment_intent in a list): the object itself. */
		PUT(b, ",\"payment_intent\":");
		sbx_render_payment_intent(s, row, b);
		PUT(b, ",\"payment_method\":\"pm_");
	} else {
		PUT(b, ",\"payment_intent\":\"pi_");
		sbx_buf_puts(b, suffix(id));
		PUT(b, "\",\"payment_method\":\"pm_");
	}
	sbx_buf_puts(b, suffix(id));
	PUT(b, "\",\"payment_method_details\":{\"card\":{");
	SBX_KI64(b, "amount_authorized", failed ? 0 : amount);
	PUT(b, ",\"authorization_code\":null,");
	SBX_KSTR(b, "brand", col(row, 11));
	PUT(b, ",\"checks\":{\"address_line1_check\":null,\"address_postal_code_check\":null,"
	       "\"cvc_check\":\"pass\"},");
	SBX_KSTR(b, "country", col(row, 15));
	PUT(b, ",");
	SBX_KI64(b, "exp_month", icol(row, 13));
	PUT(b, ",");
	SBX_KI64(b, "exp_year", icol(row, 14));
	PUT(b, ",\"extended_authorization\":{\"status\":\"disabled\"},");
	SBX_KSTR(b, "fingerprint", col(row, 19));
	PUT(b, ",");
	SBX_KSTR(b, "funding", col(row, 16));
	PUT(b, ",\"incremental_authorization\":{\"status\":\"unavailable\"},"
	       "\"installments\":null,");
	SBX_KSTR(b, "last4", col(row, 12));
	PUT(b, ",\"mandate\":null,\"multicapture\":{\"status\":\"unavailable\"},");
	SBX_KSTR(b, "network", col(row, 11));
	PUT(b, ",\"network_token\":{\"used\":false},\"network_transaction_id\":null,"
	       "\"overcapture\":{");
	SBX_KI64(b, "maximum_amount_capturable", amount);
	PUT(b, ",\"status\":\"unavailable\"},\"regulated_status\":\"unregulated\","
	       "\"three_d_secure\":null,\"transaction_link_id\":null,\"wallet\":null},"
	       "\"type\":\"card\"},");
	SBX_KSTR(b, "receipt_email", email);
	PUT(b, ",\"receipt_number\":null,\"receipt_url\":\"https://receipts.sandbox.invalid/");
	sbx_buf_puts(b, id);
	PUT(b, "\",");
	put_bool(b, "refunded", amount > 0 && refunded >= amount);
	PUT(b, ",");
	put_charge_refunds(s, id, refunded > 0, b);
	PUT(b, ",\"review\":null,\"shipping\":null,\"source\":null,\"source_transfer\":null,"
	       "\"statement_descriptor\":null,\"statement_descriptor_suffix\":null,");
	SBX_KSTR(b, "status", status);
	PUT(b, ",\"transfer_data\":null,\"transfer_group\":null}");
}

void sbx_render_payment_intent(struct sbx *s, sqlite3_stmt *row, struct sbx_buf *b)
{
	const char *id = col(row, 0);
	const char *status = col(row, 4);
	int64_t amount = icol(row, 2);
	int succeeded = strcmp(status, "succeeded") == 0;
	int failed = strcmp(status, "failed") == 0;

	PUT(b, "{\"id\":\"pi_");
	sbx_buf_puts(b, suffix(id));
	PUT(b, "\",\"object\":\"payment_intent\",");
	SBX_KI64(b, "amount", amount);
	PUT(b, ",\"amount_capturable\":0,\"amount_details\":{\"tip\":{}},");
	SBX_KI64(b, "amount_received", succeeded ? amount : 0);
	PUT(b, ",\"application\":null,\"application_fee_amount\":null,"
	       "\"automatic_payment_methods\":{\"enabled\":true},\"canceled_at\":null,"
	       "\"cancellation_reason\":null,\"capture_method\":\"automatic\","
	       "\"client_secret\":\"pi_");
	sbx_buf_puts(b, suffix(id));
	PUT(b, "_secret_sandbox\",\"confirmation_method\":\"automatic\",");
	SBX_KI64(b, "created", icol(row, 1));
	PUT(b, ",");
	SBX_KSTR(b, "currency", col(row, 3));
	PUT(b, ",\"customer\":null,\"customer_account\":null,");
	SBX_KSTR(b, "description", col(row, 9));
	PUT(b, ",\"excluded_payment_method_types\":null,");
	if (failed)
		PUT(b,
		    "\"last_payment_error\":{\"code\":\"card_declined\","
		    "\"decline_code\":\"generic_decline\",\"message\":\"Your card was declined.\","
		    "\"type\":\"card_error\"},");
	else
		PUT(b, "\"last_payment_error\":null,");
	SBX_KSTR(b, "latest_charge", id);
	PUT(b, ",\"livemode\":false,\"managed_payments\":{\"enabled\":false},");
	sbx_buf_kraw(b, "metadata", col(row, 10));
	PUT(b, ",\"next_action\":null,\"on_behalf_of\":null,\"payment_method\":");
	if (failed) {
		PUT(b, "null");
	} else {
		PUT(b, "\"pm_");
		sbx_buf_puts(b, suffix(id));
		PUT(b, "\"");
	}
	PUT(b, ",\"payment_method_configuration_details\":null,"
	       "\"payment_method_options\":{\"card\":{\"installments\":null,"
	       "\"mandate_options\":null,\"network\":null,"
	       "\"request_three_d_secure\":\"automatic\"}},"
	       "\"payment_method_types\":[\"card\"],\"processing\":null,");
	SBX_KSTR(b, "receipt_email", col(row, 8));
	PUT(b, ",\"review\":null,\"setup_future_usage\":null,\"shipping\":null,\"source\":null,"
	       "\"statement_descriptor\":null,\"statement_descriptor_suffix\":null,\"status\":");
	if (succeeded)
		PUT(b, "\"succeeded\"");
	else if (failed)
		PUT(b, "\"requires_payment_method\"");
	else
		PUT(b, "\"processing\"");
	PUT(b, ",\"transfer_data\":null,\"transfer_group\":null}");
	(void)s;
}

void sbx_render_refund(struct sbx *s, sqlite3_stmt *row, struct sbx_buf *b)
{
	const char *charge = col(row, 2);

	PUT(b, "{");
	SBX_KSTR(b, "id", col(row, 0));
	PUT(b, ",\"object\":\"refund\",");
	SBX_KI64(b, "amount", icol(row, 3));
	PUT(b, ",");
	SBX_KSTR(b, "balance_transaction", col(row, 8));
	PUT(b, ",");
	SBX_KSTR(b, "charge", charge);
	PUT(b, ",");
	SBX_KI64(b, "created", icol(row, 1));
	PUT(b, ",");
	SBX_KSTR(b, "currency", col(row, 4));
	PUT(b, ",\"customer\":null,\"customer_account\":null,"
	       "\"destination_details\":{\"card\":{\"reference\":null,"
	       "\"reference_status\":\"pending\",\"reference_type\":\"acquirer_reference_number\","
	       "\"type\":\"refund\"},\"type\":\"card\"},");
	sbx_buf_kraw(b, "metadata", col(row, 7));
	PUT(b, ",\"payment_intent\":\"pi_");
	sbx_buf_puts(b, suffix(charge));
	PUT(b, "\",\"payment_method\":\"pm_");
	sbx_buf_puts(b, suffix(charge));
	PUT(b, "\",");
	SBX_KSTR(b, "reason", col(row, 6));
	PUT(b, ",\"receipt_number\":null,\"source_transfer_reversal\":null,");
	SBX_KSTR(b, "status", col(row, 5));
	PUT(b, ",\"transfer_reversal\":null}");
	(void)s;
}

/* Balance transactions whose source is `source`, oldest first, as a JSON array. */
static void put_source_bts(struct sbx *s, const char *source, struct sbx_buf *b)
{
	sqlite3_stmt *st;
	int n = 0;

	sqlite3_stmt **slot = sbx_cached(s, SBX_CACHED_SOURCE_BTS);
	if (*slot == NULL)
		*slot = sbx_prepare(s, "SELECT " SBX_BT_COLS " FROM balance_transactions"
		                       " WHERE source = ? ORDER BY created, rowid");
	st = *slot;
	PUT(b, "[");
	if (st != NULL) {
		sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			if (n++)
				PUT(b, ",");
			sbx_render_bt(s, st, b);
		}
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	PUT(b, "]");
}

static int needs_response(const char *status)
{
	return strcmp(status, "needs_response") == 0 ||
	       strcmp(status, "warning_needs_response") == 0;
}

void sbx_render_dispute(struct sbx *s, sqlite3_stmt *row, struct sbx_buf *b)
{
	const char *id = col(row, 0);
	const char *charge = col(row, 2);
	const char *status = col(row, 5);
	const char *evidence = col(row, 9);
	int inquiry = strncmp(status, "warning_", 8) == 0;
	int has_due = sqlite3_column_type(row, 7) != SQLITE_NULL;
	int64_t due = icol(row, 7);

	PUT(b, "{");
	SBX_KSTR(b, "id", id);
	PUT(b, ",\"object\":\"dispute\",");
	SBX_KI64(b, "amount", icol(row, 3));
	PUT(b, ",\"balance_transactions\":");
	put_source_bts(s, id, b);
	PUT(b, ",");
	SBX_KSTR(b, "charge", charge);
	PUT(b, ",");
	SBX_KI64(b, "created", icol(row, 1));
	PUT(b, ",");
	SBX_KSTR(b, "currency", col(row, 4));
	PUT(b, ",\"enhanced_eligibility_types\":[],");
	sbx_buf_kraw(b, "evidence", evidence);
	PUT(b, ",\"evidence_details\":{\"due_by\":");
	if (has_due)
		sbx_buf_i64(b, due);
	else
		PUT(b, "null");
	PUT(b, ",\"enhanced_eligibility\":{},");
	/* Evidence is stored with null or string values only: a string value means some. */
	put_bool(b, "has_evidence", strstr(evidence, "\":\"") != NULL);
	PUT(b, ",");
	put_bool(b, "past_due", has_due && due < sbx_now(s) && needs_response(status));
	PUT(b, ",");
	SBX_KI64(b, "submission_count", icol(row, 8));
	PUT(b, "},");
	put_bool(b, "is_charge_refundable", inquiry);
	PUT(b, ",\"livemode\":false,");
	sbx_buf_kraw(b, "metadata", col(row, 10));
	PUT(b, ",\"payment_intent\":\"pi_");
	sbx_buf_puts(b, suffix(charge));
	PUT(b, "\",\"payment_method_details\":{\"card\":{");
	SBX_KSTR(b, "brand", col(row, 12));
	PUT(b, ",");
	SBX_KSTR(b, "case_type", inquiry ? "inquiry" : "chargeback");
	PUT(b, ",");
	SBX_KSTR(b, "network", col(row, 12));
	PUT(b, ",");
	SBX_KSTR(b, "network_reason_code", col(row, 11));
	PUT(b, "},\"type\":\"card\"},");
	SBX_KSTR(b, "reason", col(row, 6));
	PUT(b, ",");
	SBX_KSTR(b, "status", status);
	PUT(b, "}");
}

void sbx_render_payout(struct sbx *s, sqlite3_stmt *row, struct sbx_buf *b)
{
	const char *status = col(row, 4);

	PUT(b, "{");
	SBX_KSTR(b, "id", col(row, 0));
	PUT(b, ",\"object\":\"payout\",");
	SBX_KI64(b, "amount", icol(row, 2));
	PUT(b, ",\"application_fee\":null,\"application_fee_amount\":null,");
	SBX_KI64(b, "arrival_date", icol(row, 5));
	PUT(b, ",\"automatic\":true,");
	SBX_KSTR(b, "balance_transaction", col(row, 6));
	PUT(b, ",");
	SBX_KI64(b, "created", icol(row, 1));
	PUT(b, ",");
	SBX_KSTR(b, "currency", col(row, 3));
	PUT(b, ",\"description\":\"STRIPE PAYOUT\",\"destination\":\"ba_sandbox");
	sbx_buf_puts(b, col(row, 3));
	PUT(b, "0000000000000000000\",\"failure_balance_transaction\":null,"
	       "\"failure_code\":null,\"failure_message\":null,\"livemode\":false,");
	sbx_buf_kraw(b, "metadata", col(row, 7));
	PUT(b, ",\"method\":\"standard\",\"original_payout\":null,\"payout_method\":null,");
	SBX_KSTR(b, "reconciliation_status",
	         strcmp(status, "paid") == 0 ? "completed" : "in_progress");
	PUT(b, ",\"reversed_by\":null,\"source_type\":\"card\",\"statement_descriptor\":null,");
	SBX_KSTR(b, "status", status);
	PUT(b, ",\"trace_id\":{\"status\":\"pending\",\"value\":null},"
	       "\"type\":\"bank_account\"}");
	(void)s;
}

void sbx_render_bt(struct sbx *s, sqlite3_stmt *row, struct sbx_buf *b)
{
	int64_t fee = icol(row, 4);
	int64_t fx_fee = icol(row, 12);
	const char *cur = col(row, 6);
	const char *category = col(row, 8);

	PUT(b, "{");
	SBX_KSTR(b, "id", col(row, 0));
	PUT(b, ",\"object\":\"balance_transaction\",");
	SBX_KI64(b, "amount", icol(row, 3));
	PUT(b, ",");
	SBX_KI64(b, "available_on", icol(row, 2));
	PUT(b, ",\"balance_type\":\"payments\",");
	SBX_KI64(b, "created", icol(row, 1));
	PUT(b, ",");
	SBX_KSTR(b, "currency", cur);
	PUT(b, ",");
	SBX_KSTR(b, "description", col(row, 10));
	PUT(b, ",\"exchange_rate\":");
	/* The rate is a JSON number, sent as stored (never through a double). */
	sbx_buf_puts(b, sqlite3_column_type(row, 11) == SQLITE_NULL ? "null" : col(row, 11));
	PUT(b, ",");
	SBX_KI64(b, "fee", fee);
	PUT(b, ",\"fee_details\":[");
	if (fx_fee != 0) {
		PUT(b, "{");
		SBX_KI64(b, "amount", fx_fee);
		PUT(b, ",\"application\":null,");
		SBX_KSTR(b, "currency", cur);
		PUT(b, ",\"description\":\"Currency conversion fee\",\"type\":\"stripe_fee\"}");
		if (fee != fx_fee)
			PUT(b, ",");
	}
	if (fee != fx_fee) {
		PUT(b, "{");
		SBX_KI64(b, "amount", fee - fx_fee);
		PUT(b, ",\"application\":null,");
		SBX_KSTR(b, "currency", cur);
		PUT(b, ",");
		SBX_KSTR(b, "description",
		         strcmp(category, "dispute") == 0 ||
		                         strcmp(category, "dispute_reversal") == 0
		                 ? "Dispute fee"
		                 : "Stripe processing fees");
		PUT(b, ",\"type\":\"stripe_fee\"}");
	}
	PUT(b, "],");
	SBX_KI64(b, "net", icol(row, 5));
	PUT(b, ",");
	SBX_KSTR(b, "reporting_category", category);
	PUT(b, ",");
	SBX_KSTR(b, "source", col(row, 9));
	PUT(b, ",");
	SBX_KSTR(b, "status", icol(row, 2) <= sbx_now(s) ? "available" : "pending");
	PUT(b, ",");
	SBX_KSTR(b, "type", col(row, 7));
	PUT(b, "}");
}

void sbx_render_event(struct sbx *s, sqlite3_stmt *row, struct sbx_buf *b)
{
	PUT(b, "{");
	SBX_KSTR(b, "id", col(row, 0));
	PUT(b, ",\"object\":\"event\",\"api_version\":\"2024-06-20\",");
	SBX_KI64(b, "created", icol(row, 1));
	PUT(b, ",\"data\":{");
	sbx_buf_kraw(b, "object", col(row, 3));
	if (sqlite3_column_type(row, 4) != SQLITE_NULL) {
		PUT(b, ",");
		sbx_buf_kraw(b, "previous_attributes", col(row, 4));
	}
	PUT(b, "},\"livemode\":false,\"pending_webhooks\":0,\"request\":{");
	SBX_KSTR(b, "id", col(row, 5));
	PUT(b, ",");
	SBX_KSTR(b, "idempotency_key", col(row, 6));
	PUT(b, "},");
	SBX_KSTR(b, "type", col(row, 2));
	PUT(b, "}");
	(void)s;
}

/* Available = settled funds not yet paid out; pending = funds still settling. Both are
 * sums of `net` per currency, the payouts' own negative transactions included. */
void sbx_render_balance(struct sbx *s, struct sbx_buf *b)
{
	static const char *const parts[2] = {"available", "pending"};
	int64_t now = sbx_now(s);
	int k;

	PUT(b, "{\"object\":\"balance\",");
	for (k = 0; k < 2; k++) {
		sqlite3_stmt *st = sbx_prepare(
		        s, k == 0 ? "SELECT currency, SUM(net) FROM balance_transactions"
		                    " WHERE available_on <= ? GROUP BY currency ORDER BY currency"
		                  : "SELECT currency, SUM(net) FROM balance_transactions"
		                    " WHERE available_on > ? GROUP BY currency ORDER BY currency");
		int n = 0;

		sbx_buf_printf(b, "\"%s\":[", parts[k]);
		if (st != NULL) {
			sqlite3_bind_int64(st, 1, now);
			while (sqlite3_step(st) == SQLITE_ROW) {
				if (n++)
					PUT(b, ",");
				PUT(b, "{");
				SBX_KI64(b, "amount", icol(st, 1));
				PUT(b, ",");
				SBX_KSTR(b, "currency", col(st, 0));
				PUT(b, ",\"source_types\":{");
				SBX_KI64(b, "card", icol(st, 1));
				PUT(b, "}}");
			}
			sqlite3_finalize(st);
		}
		PUT(b, "],");
	}
	PUT(b, "\"connect_reserved\":[{\"amount\":0,\"currency\":\"usd\"}],\"livemode\":false}");
}

void sbx_render_account(struct sbx *s, struct sbx_buf *b)
{
	PUT(b, "{");
	SBX_KSTR(b, "id", s->account_id);
	PUT(b, ",\"object\":\"account\",\"business_profile\":{\"annual_revenue\":null,"
	       "\"estimated_worker_count\":null,\"mcc\":\"5734\","
	       "\"minority_owned_business_designation\":null,"
	       "\"name\":\"Paydesk Sandbox Shop\","
	       "\"product_description\":\"Training data for paydesk\",\"support_address\":");
	sbx_buf_puts(b, null_address);
	PUT(b, ",\"support_email\":\"support@sandbox.invalid\",\"support_phone\":null,"
	       "\"support_url\":null,\"url\":null},\"business_type\":\"company\","
	       "\"capabilities\":{\"card_payments\":\"active\",\"transfers\":\"active\"},"
	       "\"charges_enabled\":true,\"controller\":{\"type\":\"account\"},"
	       "\"country\":\"US\",");
	SBX_KI64(b, "created", s->opt.now - (int64_t)s->opt.days * 86400 - 86400);
	/* The first settlement currency; usd when every charge settles in its own. */
	PUT(b, ",\"default_currency\":\"");
	if (s->opt.settlement && *s->opt.settlement)
		sbx_buf_printf(b, "%.*s", (int)strcspn(s->opt.settlement, ","), s->opt.settlement);
	else
		PUT(b, "usd");
	PUT(b, "\",\"details_submitted\":true,"
	       "\"email\":\"owner@sandbox.invalid\",\"external_accounts\":{\"object\":\"list\","
	       "\"data\":[],\"has_more\":false,\"url\":\"/v1/accounts/");
	sbx_buf_puts(b, s->account_id);
	PUT(b, "/external_accounts\"},\"future_requirements\":{\"alternatives\":[],"
	       "\"current_deadline\":null,\"currently_due\":[],\"disabled_reason\":null,"
	       "\"errors\":[],\"eventually_due\":[],\"past_due\":[],"
	       "\"pending_verification\":[]},\"metadata\":{},\"payouts_enabled\":true,"
	       "\"requirements\":{\"alternatives\":[],\"current_deadline\":null,"
	       "\"currently_due\":[],\"disabled_reason\":null,\"errors\":[],"
	       "\"eventually_due\":[],\"past_due\":[],\"pending_verification\":[]},"
	       "\"settings\":{\"bacs_debit_payments\":{\"display_name\":null,"
	       "\"service_user_number\":null},\"branding\":{\"icon\":null,\"logo\":null,"
	       "\"primary_color\":null,\"secondary_color\":null},"
	       "\"card_issuing\":{\"tos_acceptance\":{\"date\":null,\"ip\":null}},"
	       "\"card_payments\":{\"decline_on\":{\"avs_failure\":false,\"cvc_failure\":true},"
	       "\"statement_descriptor_prefix\":\"PAYDESK\","
	       "\"statement_descriptor_prefix_kana\":null,"
	       "\"statement_descriptor_prefix_kanji\":null},"
	       "\"dashboard\":{\"display_name\":\"Paydesk Sandbox Shop\","
	       "\"timezone\":\"Etc/UTC\"},\"invoices\":{\"default_account_tax_ids\":null,"
	       "\"hosted_payment_method_save\":null},"
	       "\"payments\":{\"statement_descriptor\":\"PAYDESK SANDBOX\","
	       "\"statement_descriptor_kana\":null,\"statement_descriptor_kanji\":null,"
	       "\"statement_descriptor_prefix_kana\":null,"
	       "\"statement_descriptor_prefix_kanji\":null},"
	       "\"payouts\":{\"debit_negative_balances\":true,"
	       "\"schedule\":{\"delay_days\":2,\"interval\":\"daily\"},"
	       "\"statement_descriptor\":null},\"sepa_debit_payments\":{}},"
	       "\"tos_acceptance\":{\"date\":null,\"ip\":null,\"user_agent\":null},"
	       "\"type\":\"standard\"}");
}

int sbx_render_by_id(struct sbx *s, const char *table, const char *id, struct sbx_buf *b)
{
	char sql[512];
	char chid[64];
	const char *cols;
	const char *real_table = table;
	void (*render)(struct sbx *, sqlite3_stmt *, struct sbx_buf *);
	sqlite3_stmt *st;
	int rc = -1;

	if (strcmp(table, "charges") == 0) {
		cols = SBX_CHARGE_COLS;
		render = sbx_render_charge;
	} else if (strcmp(table, "payment_intents") == 0) {
		cols = SBX_CHARGE_COLS;
		render = sbx_render_payment_intent;
		real_table = "charges";
		if (strncmp(id, "pi_", 3) != 0)
			return -1;
		sbx_charge_for_pi(id, chid, sizeof(chid));
		id = chid;
	} else if (strcmp(table, "refunds") == 0) {
		cols = SBX_REFUND_COLS;
		render = sbx_render_refund;
	} else if (strcmp(table, "disputes") == 0) {
		cols = SBX_DISPUTE_COLS;
		render = sbx_render_dispute;
	} else if (strcmp(table, "payouts") == 0) {
		cols = SBX_PAYOUT_COLS;
		render = sbx_render_payout;
	} else if (strcmp(table, "balance_transactions") == 0) {
		cols = SBX_BT_COLS;
		render = sbx_render_bt;
	} else if (strcmp(table, "files") == 0) {
		cols = SBX_FILE_COLS;
		render = sbx_render_file;
	} else {
		return -1;
	}
	snprintf(sql, sizeof(sql), "SELECT %s FROM %s WHERE id = ?", cols, real_table);
	st = sbx_prepare(s, sql);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		render(s, st, b);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}
