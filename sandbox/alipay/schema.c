/* Alipay's tables in the sandbox's store. Trades and the account log are big (a million
 * trades make two million log entries), so their indices are built once after seeding. */
#include "config.h"

#include "sandbox/alipay/alipay.h"

static const char schema_sql[] =
        /* store: index into ali_stores, -1 for an online trade without a store; paid is
         * NULL until the buyer pays; refunded/sent_back/fee_back sum the refunds. */
        "CREATE TABLE IF NOT EXISTS ali_trades("
        " trade_no TEXT NOT NULL, out_trade_no TEXT NOT NULL, created INTEGER NOT NULL,"
        " paid INTEGER, total INTEGER NOT NULL, mdiscount INTEGER NOT NULL,"
        " discount INTEGER NOT NULL, coupon INTEGER NOT NULL, point INTEGER NOT NULL,"
        " fee INTEGER NOT NULL, refunded INTEGER NOT NULL, sent_back INTEGER NOT NULL,"
        " fee_back INTEGER NOT NULL, subject TEXT NOT NULL, store INTEGER NOT NULL,"
        " op TEXT, terminal TEXT, logon TEXT NOT NULL, party TEXT NOT NULL,"
        " buyer_id TEXT NOT NULL, channel TEXT NOT NULL, voucher TEXT);"
        /* trade: the trade's row id; refund_total: what the trade had had refunded
         * after this refund (refund_fee in the reply). */
        "CREATE TABLE IF NOT EXISTS ali_refunds("
        " trade INTEGER NOT NULL, out_request_no TEXT NOT NULL, created INTEGER NOT NULL,"
        " amount INTEGER NOT NULL, sent_back INTEGER NOT NULL, fee_back INTEGER NOT NULL,"
        " refund_total INTEGER NOT NULL, reason TEXT);"
        /* One row per movement of the merchant's balance, in time order: the row id is
         * the account_log_id (plus ALI_LOG_ID_BASE). order_no: a withdrawal's number. */
        "CREATE TABLE IF NOT EXISTS ali_accountlog("
        " id INTEGER PRIMARY KEY, created INTEGER NOT NULL, kind INTEGER NOT NULL,"
        " amount INTEGER NOT NULL, balance INTEGER NOT NULL, trade INTEGER, refund INTEGER,"
        " order_no TEXT);"
        "CREATE TABLE IF NOT EXISTS ali_complaints("
        " event_id TEXT NOT NULL, trade INTEGER NOT NULL, created INTEGER NOT NULL,"
        " modified INTEGER NOT NULL, finished INTEGER, status TEXT NOT NULL,"
        " reason TEXT NOT NULL, content TEXT NOT NULL, images TEXT NOT NULL,"
        " phone TEXT NOT NULL, leaf TEXT NOT NULL);"
        "CREATE TABLE IF NOT EXISTS ali_replies("
        " event_id TEXT NOT NULL, created INTEGER NOT NULL, role TEXT NOT NULL,"
        " name TEXT NOT NULL, content TEXT NOT NULL, images TEXT NOT NULL);"
        "CREATE TABLE IF NOT EXISTS ali_images("
        " image_id TEXT PRIMARY KEY, created INTEGER NOT NULL, type TEXT NOT NULL,"
        " content BLOB NOT NULL);"
        "CREATE TABLE IF NOT EXISTS ali_bill_links("
        " token TEXT PRIMARY KEY, type TEXT NOT NULL, period_from INTEGER NOT NULL,"
        " period_to INTEGER NOT NULL, month INTEGER NOT NULL, expires INTEGER NOT NULL);";

static const char index_sql[] =
        "CREATE UNIQUE INDEX IF NOT EXISTS ali_trades_no ON ali_trades(trade_no);"
        "CREATE UNIQUE INDEX IF NOT EXISTS ali_trades_out ON ali_trades(out_trade_no);"
        "CREATE INDEX IF NOT EXISTS ali_trades_paid ON ali_trades(paid);"
        "CREATE INDEX IF NOT EXISTS ali_trades_created ON ali_trades(created);"
        "CREATE UNIQUE INDEX IF NOT EXISTS ali_refunds_req ON ali_refunds(trade, out_request_no);"
        "CREATE INDEX IF NOT EXISTS ali_refunds_created ON ali_refunds(created);"
        "CREATE INDEX IF NOT EXISTS ali_accountlog_created ON ali_accountlog(created);"
        "CREATE INDEX IF NOT EXISTS ali_accountlog_trade ON ali_accountlog(trade);"
        "CREATE INDEX IF NOT EXISTS ali_accountlog_order ON ali_accountlog(order_no)"
        " WHERE order_no IS NOT NULL;"
        "CREATE UNIQUE INDEX IF NOT EXISTS ali_complaints_id ON ali_complaints(event_id);"
        "CREATE INDEX IF NOT EXISTS ali_complaints_created ON ali_complaints(created);"
        "CREATE INDEX IF NOT EXISTS ali_complaints_trade ON ali_complaints(trade);"
        "CREATE INDEX IF NOT EXISTS ali_replies_id ON ali_replies(event_id, created);";

int ali_schema(struct sbx *s)
{
	return sbx_exec(s, schema_sql);
}

int ali_indices(struct sbx *s)
{
	return sbx_exec(s, index_sql);
}
