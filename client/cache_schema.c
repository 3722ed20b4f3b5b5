/* The cache's schema, provider-neutral: Stripe charges are orders, payouts and balance
 * transactions are settlements. Amounts are integer minor units beside a lower-case ISO 4217
 * code, times are Unix seconds (UTC). No full card number is ever stored. */
#include "config.h"

#include "client/cache_schema.h"

/* clang-format off */
const char cache_schema_sql[] =
	/* Key/value facts about the cache: account id and name, provider, profile, created. */
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT"
	") WITHOUT ROWID;"

	/* Orders (Stripe: charges). status is the display status derived on write:
	 * paid, pending, failed, refunded, partially_refunded, disputed. */
	"CREATE TABLE orders ("
	"  id TEXT PRIMARY KEY,"
	"  created INTEGER NOT NULL,"
	"  amount INTEGER NOT NULL,"
	"  amount_refunded INTEGER NOT NULL DEFAULT 0,"
	"  currency TEXT NOT NULL,"
	"  status TEXT NOT NULL,"
	"  platform_status TEXT NOT NULL,"      /* succeeded | pending | failed */
	"  order_ref TEXT,"                     /* metadata order id */
	"  customer_name TEXT,"
	"  customer_email TEXT,"
	"  description TEXT,"
	"  payment_intent TEXT,"
	"  balance_transaction TEXT,"
	"  card_brand TEXT,"
	"  card_last4 TEXT,"
	"  card_exp_month INTEGER,"
	"  card_exp_year INTEGER,"
	"  risk_level TEXT,"
	"  failure_message TEXT,"
	"  disputed INTEGER NOT NULL DEFAULT 0,"
	"  metadata TEXT"                       /* JSON object */
	");"
	"CREATE INDEX orders_by_created ON orders(created, id);"
	"CREATE INDEX orders_by_amount ON orders(amount, id);"
	"CREATE INDEX orders_by_status ON orders(status, created, id);"
	"CREATE INDEX orders_by_currency ON orders(currency, created, id);"
	"CREATE INDEX orders_by_intent ON orders(payment_intent);"

	/* Full-text search over orders: ids, order ref, customer, description, metadata. */
	"CREATE VIRTUAL TABLE orders_fts USING fts5("
	"  id, order_ref, customer_name, customer_email, description, metadata,"
	"  content='orders', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');"
	CACHE_ORDERS_FTS_TRIGGERS_SQL

	/* Payment intents, linked from orders. */
	"CREATE TABLE payment_intents ("
	"  id TEXT PRIMARY KEY,"
	"  created INTEGER NOT NULL,"
	"  amount INTEGER NOT NULL,"
	"  currency TEXT NOT NULL,"
	"  status TEXT NOT NULL,"
	"  latest_charge TEXT,"
	"  description TEXT"
	");"

	"CREATE TABLE refunds ("
	"  id TEXT PRIMARY KEY,"
	"  created INTEGER NOT NULL,"
	"  order_id TEXT,"                      /* Stripe: charge */
	"  payment_intent TEXT,"
	"  amount INTEGER NOT NULL,"
	"  currency TEXT NOT NULL,"
	"  status TEXT NOT NULL,"               /* pending | succeeded | failed | canceled ... */
	"  reason TEXT,"
	"  balance_transaction TEXT,"
	"  failure_reason TEXT,"
	"  action_id TEXT,"                     /* metadata paydesk_action of our own refunds */
	"  metadata TEXT"
	");"
	"CREATE INDEX refunds_by_created ON refunds(created, id);"
	"CREATE INDEX refunds_by_order ON refunds(order_id, created);"
	"CREATE INDEX refunds_by_action ON refunds(action_id) WHERE action_id IS NOT NULL;"

	"CREATE TABLE disputes ("
	"  id TEXT PRIMARY KEY,"
	"  created INTEGER NOT NULL,"
	"  order_id TEXT,"
	"  payment_intent TEXT,"
	"  amount INTEGER NOT NULL,"
	"  currency TEXT NOT NULL,"
	"  status TEXT NOT NULL,"
	"  reason TEXT,"
	"  due_by INTEGER,"                     /* NULL when the platform gives no deadline */
	"  has_evidence INTEGER NOT NULL DEFAULT 0,"
	"  past_due INTEGER NOT NULL DEFAULT 0,"
	"  submission_count INTEGER NOT NULL DEFAULT 0,"
	"  is_charge_refundable INTEGER NOT NULL DEFAULT 0,"
	"  evidence TEXT,"                      /* JSON object of the platform's evidence */
	"  metadata TEXT"
	");"
	"CREATE INDEX disputes_by_due ON disputes(due_by, id);"
	"CREATE INDEX disputes_by_status ON disputes(status, due_by, id);"
	"CREATE INDEX disputes_by_order ON disputes(order_id);"

	"CREATE TABLE payouts ("
	"  id TEXT PRIMARY KEY,"
	"  created INTEGER NOT NULL,"
	"  arrival_date INTEGER NOT NULL,"
	"  amount INTEGER NOT NULL,"
	"  currency TEXT NOT NULL,"
	"  status TEXT NOT NULL,"
	"  automatic INTEGER NOT NULL DEFAULT 1,"
	"  method TEXT,"
	"  balance_transaction TEXT,"
	"  description TEXT,"
	"  reconciled INTEGER NOT NULL DEFAULT 0"  /* its balance transactions are all cached */
	");"
	"CREATE INDEX payouts_by_arrival ON payouts(arrival_date, id);"
	"CREATE INDEX payouts_by_created ON payouts(created, id);"

	/* Balance transactions: the ledger. payout_id is the payout that paid this entry out
	 * (from listing balance transactions by payout), NULL while unknown or not paid out. */
	"CREATE TABLE balance_transactions ("
	"  id TEXT PRIMARY KEY,"
	"  created INTEGER NOT NULL,"
	"  available_on INTEGER,"
	"  amount INTEGER NOT NULL,"
	"  fee INTEGER NOT NULL DEFAULT 0,"
	"  net INTEGER NOT NULL,"
	"  currency TEXT NOT NULL,"
	"  type TEXT NOT NULL,"
	"  reporting_category TEXT,"
	"  source TEXT,"
	"  status TEXT,"
	"  description TEXT,"
	"  payout_id TEXT"
	");"
	"CREATE INDEX balance_by_created ON balance_transactions(created, id);"
	"CREATE INDEX balance_by_payout ON balance_transactions(payout_id, created, id);"
	"CREATE INDEX balance_by_source ON balance_transactions(source);"

	/* Events applied, kept for the detail view's timeline. */
	"CREATE TABLE events ("
	"  id TEXT PRIMARY KEY,"
	"  created INTEGER NOT NULL,"
	"  type TEXT NOT NULL,"
	"  object_id TEXT"
	");"
	"CREATE INDEX events_by_object ON events(object_id, created);"
	"CREATE INDEX events_by_created ON events(created, id);"

	/* The platform's own JSON of each object, for the detail view (compacted). */
	"CREATE TABLE raw_objects ("
	"  id TEXT PRIMARY KEY,"
	"  kind TEXT NOT NULL,"
	"  json TEXT NOT NULL"
	") WITHOUT ROWID;"

	/* Sync progress per resource: where a backfill stands and the last event applied. */
	"CREATE TABLE sync_state ("
	"  resource TEXT PRIMARY KEY,"
	"  backfill_cursor TEXT,"               /* last id committed by the running backfill */
	"  backfill_done INTEGER NOT NULL DEFAULT 0,"
	"  window_lo INTEGER,"                  /* created window of the running (re)scan */
	"  window_hi INTEGER,"
	"  last_event_id TEXT,"
	"  last_event_created INTEGER,"
	"  last_success INTEGER"                /* unix time of the last complete sync */
	") WITHOUT ROWID;"

	/* Write actions, stored with their idempotency key before any request leaves. */
	"CREATE TABLE outbox ("
	"  action_id TEXT PRIMARY KEY,"
	"  created INTEGER NOT NULL,"
	"  updated INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"                 /* refund | dispute_update | dispute_close ... */
	"  object_id TEXT NOT NULL,"
	"  amount INTEGER,"
	"  currency TEXT,"
	"  params TEXT NOT NULL,"               /* JSON of the request's parameters */
	"  idempotency_key TEXT NOT NULL UNIQUE,"
	"  state TEXT NOT NULL,"                /* queued | sending | done | failed | discarded */
	"  result_id TEXT,"
	"  request_id TEXT,"
	"  message TEXT"
	") WITHOUT ROWID;"
	"CREATE INDEX outbox_by_state ON outbox(state, created);"

	/* Evidence drafts kept locally until they reach the platform. */
	"CREATE TABLE evidence_drafts ("
	"  dispute_id TEXT PRIMARY KEY,"
	"  updated INTEGER NOT NULL,"
	"  fields TEXT NOT NULL"                /* JSON object of evidence fields */
	") WITHOUT ROWID;"

	/* The audit log: append-only, enforced by triggers. */
	"CREATE TABLE audit ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  time INTEGER NOT NULL,"
	"  os_user TEXT NOT NULL,"
	"  ssh_client TEXT,"
	"  profile TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  object_id TEXT,"
	"  amount INTEGER,"
	"  currency TEXT,"
	"  idempotency_key TEXT,"
	"  request_id TEXT,"
	"  outcome TEXT NOT NULL,"
	"  message TEXT"
	");"
	"CREATE INDEX audit_by_time ON audit(time);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN"
	"  SELECT RAISE(ABORT, 'the audit log is append-only');"
	"END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN"
	"  SELECT RAISE(ABORT, 'the audit log is append-only');"
	"END;";
/* clang-format on */
