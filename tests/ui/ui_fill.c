/* ui_fill: writes a deterministic cache for screen tests and benchmarks.
 *
 *   ui_fill CACHE ORDERS [--now UNIX] [--hostile] [--lean] [--no-fold]
 *
 * The cache is created by the client's own cache_open (same schema, same
 * migrations); rows are then inserted the way a sync would leave them:
 * orders with CJK, accented and (with --hostile) terminal-hostile names,
 * refunds, disputes with deadlines before and after now, daily payouts per
 * currency whose balance transactions' nets add up to the payout, events
 * and raw JSON (both skipped with --lean, for million-order benchmarks). */
#include "config.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cache.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

static const char *const names[] = {
        "Alice Martin",  "王小明",      "Zoë Ångström",  "José Núñez",
        "佐藤 花子",     "Bob Smith",   "李娜",          "Émilie Dubois",
        "Ольга Петрова", "Kim Min-jun", "Chloé Lefèvre", "陈伟",
};

static const char *const hostile[] = {
        "Evil\x1b[2J\x1b]0;pwned\x07Name",
        "Bidi \xe2\x80\xae"
        "evil",
        "Bell\x07\x07",
        "Bad \xff\xfe utf8",
        "Zero\xe2\x80\x8bwidth",
        "C1 \xc2\x9b"
        "31m",
};

static const char *const currencies[] = {"usd", "usd", "usd", "eur", "eur", "gbp", "jpy", "cny"};
static const char *const brands[] = {"visa", "mastercard", "amex", "unionpay"};
static const char *const risks[] = {"normal", "normal", "normal", "normal", "elevated", "highest"};
static const char *const dispute_statuses[] = {"needs_response", "warning_needs_response",
                                               "under_review",   "won",
                                               "lost",           "needs_response"};
static const char *const reasons[] = {"fraudulent", "product_not_received", "duplicate", "general",
                                      "unrecognized"};

/* Executes sql or exits with SQLite's message. */
static void exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "ui_fill: %s: %s\n", sql, err ? err : "?");
		exit(1);
	}
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		fprintf(stderr, "ui_fill: %s: %s\n", sql, sqlite3_errmsg(db));
		exit(1);
	}
	return s;
}

static void step(sqlite3 *db, sqlite3_stmt *s)
{
	if (sqlite3_step(s) != SQLITE_DONE) {
		fprintf(stderr, "ui_fill: insert: %s\n", sqlite3_errmsg(db));
		exit(1);
	}
	sqlite3_reset(s);
}

static int64_t fee_of(int64_t amount, const char *currency)
{
	/* 2.9% plus a fixed part in minor units (integer arithmetic). */
	int64_t fixed = !strcmp(currency, "jpy") ? 40 : 30;
	return amount * 29 / 1000 + fixed;
}

/* Payout bookkeeping: one payout per currency per day. */
struct payout {
	long day;
	int currency;
	int64_t amount;
	bool used;
};

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: ui_fill CACHE ORDERS [--now UNIX] [--hostile] [--lean] [--no-fold]\n");
		return 2;
	}
	const char *path = argv[1];
	long n_orders = atol(argv[2]);
	long long now = 1790000000; /* 2026-09-21, a fixed "now" for reproducible screens */
	bool with_hostile = false, lean = false, fold = true;
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--now") && i + 1 < argc)
			now = atoll(argv[++i]);
		else if (!strcmp(argv[i], "--hostile"))
			with_hostile = true;
		else if (!strcmp(argv[i], "--lean"))
			lean = true;
		else if (!strcmp(argv[i], "--no-fold"))
			fold = false;
	}
	char err[512];
	struct cache *c = cache_open(path, err, sizeof err);
	if (!c) {
		fprintf(stderr, "ui_fill: %s\n", err);
		return 1;
	}
	cache_close(&c);
	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK) {
		fprintf(stderr, "ui_fill: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	exec(db, "PRAGMA synchronous=OFF; PRAGMA journal_mode=WAL; BEGIN");
	sqlite3_stmt *ins_order = prepare(
	        db, "INSERT INTO orders(id, created, amount, amount_refunded, currency, status,"
	            " platform_status, order_ref, customer_name, customer_email, description,"
	            " payment_intent, balance_transaction, card_brand, card_last4, card_exp_month,"
	            " card_exp_year, risk_level, failure_message, disputed, metadata)"
	            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	sqlite3_stmt *ins_refund = prepare(
	        db, "INSERT INTO refunds(id, created, order_id, amount, currency, status, reason,"
	            " balance_transaction) VALUES (?,?,?,?,?,?,?,?)");
	sqlite3_stmt *ins_dispute = prepare(
	        db,
	        "INSERT INTO disputes(id, created, order_id, amount, currency, status, reason,"
	        " due_by, has_evidence, past_due, submission_count, is_charge_refundable, evidence)"
	        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
	sqlite3_stmt *ins_bt = prepare(
	        db, "INSERT INTO balance_transactions(id, created, available_on, amount, fee, net,"
	            " currency, type, reporting_category, source, status, description, payout_id)"
	            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
	sqlite3_stmt *ins_event =
	        prepare(db, "INSERT INTO events(id, created, type, object_id) VALUES (?,?,?,?)");
	sqlite3_stmt *ins_raw =
	        prepare(db, "UPDATE orders SET raw = ?3 WHERE id = ?1 AND ?2 IS NOT NULL");

	long days = 90;
	long n_payouts = (days + 3) * 8;
	struct payout *payouts = calloc((size_t)n_payouts, sizeof *payouts);
	if (!payouts)
		return 1;
	long long start = now - days * 86400;
	long long step_s = n_orders > 0 ? (days * 86400) / n_orders : 1;
	if (step_s < 1)
		step_s = 1;
	long n_events = 0;
	long n_disputes = 0;
	for (long i = 0; i < n_orders; i++) {
		char id[32], ref[32], email[96], bt[32], pi[32], last4[8], desc[64];
		long long created = start + i * step_s + (long long)(rnd() % (uint32_t)step_s);
		if (n_orders > days * 86400)
			created = start + (long long)(i % (days * 86400));
		int cur = (int)(rnd() % 8);
		const char *currency = currencies[cur];
		int64_t amount = 500 + (int64_t)(rnd() % 49500);
		if (!strcmp(currency, "jpy"))
			amount = amount / 10 * 10;
		uint32_t roll = rnd() % 1000;
		const char *status = "paid", *platform = "succeeded";
		int64_t refunded = 0;
		bool disputed = false;
		if (roll < 20) {
			status = "pending";
			platform = "pending";
		} else if (roll < 50) {
			status = "failed";
			platform = "failed";
		} else if (roll < 80) {
			status = "refunded";
			refunded = amount;
		} else if (roll < 100) {
			status = "partially_refunded";
			refunded = amount / 4;
		} else if (roll < 105) {
			status = "disputed";
			disputed = true;
		}
		const char *name = names[rnd() % (sizeof names / sizeof names[0])];
		if (with_hostile && i % 7 == 3)
			name = hostile[(i / 7) % (sizeof hostile / sizeof hostile[0])];
		snprintf(id, sizeof id, "ch_%014lx", (unsigned long)(0x3A000000 + i));
		snprintf(ref, sizeof ref, "ORD-%06ld", i + 1);
		snprintf(email, sizeof email, "customer%ld@example.com", (long)(rnd() % 5000));
		snprintf(bt, sizeof bt, "txn_%014lx", (unsigned long)(0x3A000000 + i));
		snprintf(pi, sizeof pi, "pi_%014lx", (unsigned long)(0x3A000000 + i));
		snprintf(last4, sizeof last4, "%04u", rnd() % 10000);
		snprintf(desc, sizeof desc, "Order %s", ref);
		bool settled = strcmp(platform, "succeeded") == 0;
		sqlite3_bind_text(ins_order, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins_order, 2, created);
		sqlite3_bind_int64(ins_order, 3, amount);
		sqlite3_bind_int64(ins_order, 4, refunded);
		sqlite3_bind_text(ins_order, 5, currency, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_order, 6, status, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_order, 7, platform, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_order, 8, ref, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins_order, 9, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_order, 10, email, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins_order, 11, desc, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins_order, 12, pi, -1, SQLITE_TRANSIENT);
		if (settled)
			sqlite3_bind_text(ins_order, 13, bt, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(ins_order, 13);
		sqlite3_bind_text(ins_order, 14, brands[rnd() % 4], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_order, 15, last4, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(ins_order, 16, 1 + (int)(rnd() % 12));
		sqlite3_bind_int(ins_order, 17, 2027 + (int)(rnd() % 4));
		sqlite3_bind_text(ins_order, 18, risks[rnd() % 6], -1, SQLITE_STATIC);
		if (!strcmp(status, "failed"))
			sqlite3_bind_text(ins_order, 19, "Your card was declined.", -1,
			                  SQLITE_STATIC);
		else
			sqlite3_bind_null(ins_order, 19);
		sqlite3_bind_int(ins_order, 20, disputed);
		/* The shop's metadata as the mapping keeps it (members sorted by name). */
		char metadata[160];
		snprintf(metadata, sizeof metadata, "{\"channel\":\"%s\",\"order_id\":\"%s\"}",
		         i % 3 ? "web" : "pos", ref);
		sqlite3_bind_text(ins_order, 21, metadata, -1, SQLITE_TRANSIENT);
		step(db, ins_order);

		long day = (long)((created - start) / 86400);
		if (settled) {
			/* Paid out two days later, by the day's payout in that currency. */
			struct payout *p = &payouts[(day + 2) * 8 + cur];
			p->day = day + 2;
			p->currency = cur;
			int64_t fee = fee_of(amount, currency);
			p->amount += amount - fee;
			p->used = true;
			char po[32];
			snprintf(po, sizeof po, "po_%06ld_%d", day + 2, cur);
			bool paid_out = start + (day + 2) * 86400 <= now;
			sqlite3_bind_text(ins_bt, 1, bt, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(ins_bt, 2, created);
			sqlite3_bind_int64(ins_bt, 3, start + (day + 2) * 86400);
			sqlite3_bind_int64(ins_bt, 4, amount);
			sqlite3_bind_int64(ins_bt, 5, fee);
			sqlite3_bind_int64(ins_bt, 6, amount - fee);
			sqlite3_bind_text(ins_bt, 7, currency, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins_bt, 8, "charge", -1, SQLITE_STATIC);
			sqlite3_bind_text(ins_bt, 9, "charge", -1, SQLITE_STATIC);
			sqlite3_bind_text(ins_bt, 10, id, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(ins_bt, 11, paid_out ? "available" : "pending", -1,
			                  SQLITE_STATIC);
			sqlite3_bind_text(ins_bt, 12, desc, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(ins_bt, 13, po, -1, SQLITE_TRANSIENT);
			step(db, ins_bt);
			if (refunded > 0) {
				char re[32], rbt[32];
				snprintf(re, sizeof re, "re_%014lx",
				         (unsigned long)(0x3A000000 + i));
				snprintf(rbt, sizeof rbt, "txn_r%013lx",
				         (unsigned long)(0x3A000000 + i));
				long long rcreated = created + 3600;
				sqlite3_bind_text(ins_refund, 1, re, -1, SQLITE_TRANSIENT);
				sqlite3_bind_int64(ins_refund, 2, rcreated);
				sqlite3_bind_text(ins_refund, 3, id, -1, SQLITE_TRANSIENT);
				sqlite3_bind_int64(ins_refund, 4, refunded);
				sqlite3_bind_text(ins_refund, 5, currency, -1, SQLITE_STATIC);
				sqlite3_bind_text(ins_refund, 6, "succeeded", -1, SQLITE_STATIC);
				sqlite3_bind_text(ins_refund, 7, "requested_by_customer", -1,
				                  SQLITE_STATIC);
				sqlite3_bind_text(ins_refund, 8, rbt, -1, SQLITE_TRANSIENT);
				step(db, ins_refund);
				long rday = (long)((rcreated - start) / 86400);
				struct payout *rp = &payouts[(rday + 2) * 8 + cur];
				rp->day = rday + 2;
				rp->currency = cur;
				rp->amount -= refunded;
				rp->used = true;
				snprintf(po, sizeof po, "po_%06ld_%d", rday + 2, cur);
				sqlite3_bind_text(ins_bt, 1, rbt, -1, SQLITE_TRANSIENT);
				sqlite3_bind_int64(ins_bt, 2, rcreated);
				sqlite3_bind_int64(ins_bt, 3, start + (rday + 2) * 86400);
				sqlite3_bind_int64(ins_bt, 4, -refunded);
				sqlite3_bind_int64(ins_bt, 5, 0);
				sqlite3_bind_int64(ins_bt, 6, -refunded);
				sqlite3_bind_text(ins_bt, 7, currency, -1, SQLITE_STATIC);
				sqlite3_bind_text(ins_bt, 8, "refund", -1, SQLITE_STATIC);
				sqlite3_bind_text(ins_bt, 9, "refund", -1, SQLITE_STATIC);
				sqlite3_bind_text(ins_bt, 10, re, -1, SQLITE_TRANSIENT);
				sqlite3_bind_text(ins_bt, 11, "available", -1, SQLITE_STATIC);
				sqlite3_bind_text(ins_bt, 12, "REFUND FOR CHARGE", -1,
				                  SQLITE_STATIC);
				sqlite3_bind_text(ins_bt, 13, po, -1, SQLITE_TRANSIENT);
				step(db, ins_bt);
			}
		}
		if (disputed) {
			char dp[32];
			snprintf(dp, sizeof dp, "dp_%014lx", (unsigned long)(0x3A000000 + i));
			/* Statuses in turn; deadlines from two days past to four ahead,
			 * so past-due and due-within-72h rows always exist. */
			const char *ds = dispute_statuses[n_disputes % 6];
			long long due =
			        (n_disputes % 7 == 6)
			                ? 0
			                : now + (long long)((n_disputes % 7) - 2) * 86400 + 7200;
			n_disputes++;
			bool open = !strcmp(ds, "needs_response") ||
			            !strcmp(ds, "warning_needs_response");
			sqlite3_bind_text(ins_dispute, 1, dp, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(ins_dispute, 2, created + 86400);
			sqlite3_bind_text(ins_dispute, 3, id, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(ins_dispute, 4, amount);
			sqlite3_bind_text(ins_dispute, 5, currency, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins_dispute, 6, ds, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins_dispute, 7, reasons[n_disputes % 5], -1,
			                  SQLITE_STATIC);
			if (due)
				sqlite3_bind_int64(ins_dispute, 8, due);
			else
				sqlite3_bind_null(ins_dispute, 8);
			sqlite3_bind_int(ins_dispute, 9, !open);
			sqlite3_bind_int(ins_dispute, 10, open && due && due < now);
			sqlite3_bind_int(ins_dispute, 11, open ? 0 : 1);
			sqlite3_bind_int(ins_dispute, 12, 0);
			sqlite3_bind_text(
			        ins_dispute, 13,
			        open ? "{\"customer_name\":null,\"uncategorized_text\":null}"
			             : "{\"customer_name\":\"Customer\",\"uncategorized_text\":"
			               "\"Delivered with signature on 14 September to the front "
			               "desk"
			               " of the customer's office, where the receptionist signed "
			               "for the"
			               " parcel.\\nTracking 1Z999AA10123456784 shows the delivery "
			               "scan.\"}",
			        -1, SQLITE_STATIC);
			step(db, ins_dispute);
		}
		if (!lean) {
			char ev[32], json[1024], parties[512];
			snprintf(ev, sizeof ev, "evt_%014lx", (unsigned long)n_events++);
			sqlite3_bind_text(ins_event, 1, ev, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(ins_event, 2, created);
			sqlite3_bind_text(ins_event, 3,
			                  settled ? "charge.succeeded" : "charge.updated", -1,
			                  SQLITE_STATIC);
			sqlite3_bind_text(ins_event, 4, id, -1, SQLITE_TRANSIENT);
			step(db, ins_event);
			if (refunded > 0) {
				snprintf(ev, sizeof ev, "evt_%014lx", (unsigned long)n_events++);
				sqlite3_bind_text(ins_event, 1, ev, -1, SQLITE_TRANSIENT);
				sqlite3_bind_int64(ins_event, 2, created + 3600);
				sqlite3_bind_text(ins_event, 3, "charge.refunded", -1,
				                  SQLITE_STATIC);
				sqlite3_bind_text(ins_event, 4, id, -1, SQLITE_TRANSIENT);
				step(db, ins_event);
			}
			/* What the mapping keeps of billing_details (its name and email are
			 * columns) and shipping: an address on two orders in three, a
			 * shipping address on one in five. */
			static const char *const cities[][4] = {
			        {"Hauptstr. 5", "10115", "Berlin", "DE"},
			        {"1-2-3 Shibuya", "150-0002", "Tokyo", "JP"},
			        {"88 Nanjing Rd", "200001", "上海", "CN"},
			};
			const char *const *place = cities[i % 3];
			parties[0] = '\0';
			if (i % 3 != 1)
				snprintf(parties, sizeof parties,
				         ",\"billing_details\":{\"address\":{\"city\":\"%s\","
				         "\"country\":\"%s\",\"line1\":\"%s\",\"postal_code\":\"%"
				         "s\"},"
				         "\"phone\":\"+49 30 %07ld\"}%s",
				         place[2], place[3], place[0], place[1], i % 10000000,
				         i % 5 ? ""
				               : ",\"shipping\":{\"address\":{\"city\":\"Paris\","
				                 "\"country\":\"FR\",\"line1\":\"5 rue Cler\","
				                 "\"postal_code\":\"75007\"},\"name\":\"Gift "
				                 "Recipient\"}");
			snprintf(json, sizeof json,
			         "{\"id\":\"%s\",\"object\":\"charge\",\"amount\":%lld,"
			         "\"currency\":\"%s\","
			         "\"metadata\":{\"order_id\":\"%s\"},\"outcome\":{\"risk_level\":"
			         "\"normal\"},"
			         "\"refunded\":%s%s}",
			         id, (long long)amount, currency, ref,
			         refunded == amount ? "true" : "false", parties);
			sqlite3_bind_text(ins_raw, 1, id, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(ins_raw, 2, "charge", -1, SQLITE_STATIC);
			sqlite3_bind_text(ins_raw, 3, json, -1, SQLITE_TRANSIENT);
			step(db, ins_raw);
		}
	}
	/* The payouts and their own balance transactions. */
	sqlite3_stmt *ins_payout = prepare(
	        db, "INSERT INTO payouts(id, created, arrival_date, amount, currency, status,"
	            " automatic, method, balance_transaction, description, reconciled)"
	            " VALUES (?,?,?,?,?,?,1,'standard',?,?,1)");
	for (long k = 0; k < n_payouts; k++) {
		struct payout *p = &payouts[k];
		if (!p->used || start + p->day * 86400 > now || p->amount <= 0) {
			if (p->used) {
				/* Not paid out yet: the entries wait for a later payout. */
				char po[32];
				snprintf(po, sizeof po, "po_%06ld_%d", p->day, p->currency);
				sqlite3_stmt *u = prepare(
				        db, "UPDATE balance_transactions SET payout_id = NULL"
				            " WHERE payout_id = ?");
				sqlite3_bind_text(u, 1, po, -1, SQLITE_TRANSIENT);
				step(db, u);
				sqlite3_finalize(u);
			}
			continue;
		}
		char po[32], pbt[32];
		snprintf(po, sizeof po, "po_%06ld_%d", p->day, p->currency);
		snprintf(pbt, sizeof pbt, "txn_p%06ld_%d", p->day, p->currency);
		long long when = start + p->day * 86400;
		sqlite3_bind_text(ins_payout, 1, po, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins_payout, 2, when);
		sqlite3_bind_int64(ins_payout, 3, when + 86400);
		sqlite3_bind_int64(ins_payout, 4, p->amount);
		sqlite3_bind_text(ins_payout, 5, currencies[p->currency], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_payout, 6, when + 86400 <= now ? "paid" : "in_transit", -1,
		                  SQLITE_STATIC);
		sqlite3_bind_text(ins_payout, 7, pbt, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins_payout, 8, "STRIPE PAYOUT", -1, SQLITE_STATIC);
		step(db, ins_payout);
		sqlite3_bind_text(ins_bt, 1, pbt, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins_bt, 2, when);
		sqlite3_bind_int64(ins_bt, 3, when);
		sqlite3_bind_int64(ins_bt, 4, -p->amount);
		sqlite3_bind_int64(ins_bt, 5, 0);
		sqlite3_bind_int64(ins_bt, 6, -p->amount);
		sqlite3_bind_text(ins_bt, 7, currencies[p->currency], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_bt, 8, "payout", -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_bt, 9, "payout", -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_bt, 10, po, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins_bt, 11, "available", -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_bt, 12, "STRIPE PAYOUT", -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_bt, 13, po, -1, SQLITE_TRANSIENT);
		step(db, ins_bt);
	}
	char sql[256];
	snprintf(sql, sizeof sql,
	         "INSERT OR REPLACE INTO sync_state(resource, backfill_done, last_success)"
	         " VALUES ('orders', 1, %lld)",
	         now - 300);
	exec(db, sql);
	sqlite3_finalize(ins_order);
	sqlite3_finalize(ins_refund);
	sqlite3_finalize(ins_dispute);
	sqlite3_finalize(ins_bt);
	sqlite3_finalize(ins_event);
	sqlite3_finalize(ins_raw);
	sqlite3_finalize(ins_payout);
	exec(db, "COMMIT");
	/* As the end of a sync does: the Insights sums of what was written (--no-fold leaves
	 * the marks, which readers count from the objects). */
	if (fold && cache_insights_fold(db) != SQLITE_OK) {
		fprintf(stderr, "ui_fill: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	sqlite3_close(db);
	free(payouts);
	return 0;
}
