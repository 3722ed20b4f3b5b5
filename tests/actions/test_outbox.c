/* The outbox, the audit log and the checks made before any request, on a real SQLite file
 * with the cache's schema. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "client/cache_schema.h"
#include "client/client.h"
#include "views/actions_ui.h"

struct fixture {
	char dir[256];
	char path[300];
	sqlite3 *db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	const char *tmp = getenv("TMPDIR");
	snprintf(f->dir, sizeof f->dir, "%s/paydesk-outbox.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/cache.db", f->dir);
	if (sqlite3_open(f->path, &f->db) != SQLITE_OK)
		return -1;
	if (sqlite3_exec(f->db, cache_schema_sql, NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	const char *seed =
	        "INSERT INTO orders(id, created, amount, amount_refunded, currency, status,"
	        " platform_status, customer_name) VALUES"
	        " ('ch_usd', 1700000000, 5000, 1000, 'usd', 'partially_refunded', 'succeeded', "
	        "'Ann'),"
	        " ('ch_jpy', 1700000000, 1200, 0, 'jpy', 'paid', 'succeeded', 'Bo'),"
	        " ('ch_failed', 1700000000, 700, 0, 'usd', 'failed', 'failed', 'Cy'),"
	        " ('ch_full', 1700000000, 900, 900, 'usd', 'refunded', 'succeeded', 'Di');"
	        "INSERT INTO disputes(id, created, order_id, amount, currency, status, reason, "
	        "due_by,"
	        " past_due) VALUES"
	        " ('dp_open', 1700000000, 'ch_usd', 5000, 'usd', 'needs_response', 'fraudulent',"
	        "  1900000000, 0),"
	        " ('dp_late', 1700000000, 'ch_usd', 5000, 'usd', 'needs_response', 'fraudulent',"
	        "  1700000100, 0),"
	        " ('dp_done', 1700000000, 'ch_usd', 5000, 'usd', 'under_review', 'fraudulent',"
	        "  1900000000, 0);";
	if (sqlite3_exec(f->db, seed, NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	setenv("PAYDESK_NOW", "1800000000", 1);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	sqlite3_close(f->db);
	char path[320];
	const char *suffix[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
		snprintf(path, sizeof path, "%s%s", f->path, suffix[i]);
		unlink(path);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static void new_item(struct outbox_item *it, const char *object)
{
	memset(it, 0, sizeof *it);
	assert_int_equal(outbox_new_ids(it->action_id, it->idempotency_key), 0);
	snprintf(it->kind, sizeof it->kind, "refund");
	snprintf(it->object_id, sizeof it->object_id, "%s", object);
	it->has_amount = true;
	it->amount = 250;
	snprintf(it->currency, sizeof it->currency, "usd");
	it->params = (char *)"{\"order\":\"ch_usd\",\"amount\":250}";
	it->state = OUTBOX_QUEUED;
}

static void test_ids_are_unique_and_shaped(void **state)
{
	(void)state;
	char a[OUTBOX_ID_SIZE], b[OUTBOX_ID_SIZE], ka[OUTBOX_KEY_SIZE], kb[OUTBOX_KEY_SIZE];
	assert_int_equal(outbox_new_ids(a, ka), 0);
	assert_int_equal(outbox_new_ids(b, kb), 0);
	assert_int_equal(strlen(a), 4 + 24);
	assert_memory_equal(a, "act_", 4);
	assert_string_not_equal(a, b);
	assert_string_not_equal(ka, kb);
	assert_non_null(strstr(ka, a)); /* the key names its action */
}

static void test_outbox_round_trip_and_state_machine(void **state)
{
	struct fixture *f = *state;
	struct outbox_item it, got;
	new_item(&it, "ch_usd");
	assert_int_equal(outbox_insert(f->db, &it), 0);
	/* The same key twice is refused by the schema. */
	struct outbox_item dup = it;
	snprintf(dup.action_id, sizeof dup.action_id, "act_other");
	assert_int_equal(outbox_insert(f->db, &dup), -1);

	assert_int_equal(outbox_get(f->db, it.action_id, &got), 1);
	assert_string_equal(got.idempotency_key, it.idempotency_key);
	assert_string_equal(got.params, it.params);
	assert_int_equal(got.state, OUTBOX_QUEUED);
	assert_int_equal(got.amount, 250);
	assert_int_equal(got.created, 1800000000);
	outbox_item_clear(&got);
	assert_int_equal(outbox_get(f->db, "act_none", &got), 0);

	assert_int_equal(outbox_open_state_of(f->db, "ch_usd"), OUTBOX_QUEUED);
	assert_int_equal(outbox_set_state(f->db, it.action_id, OUTBOX_SENDING, NULL, NULL, NULL),
	                 0);
	assert_int_equal(outbox_open_state_of(f->db, "ch_usd"), OUTBOX_SENDING);
	/* In flight, it cannot be discarded: the platform may have acted. */
	assert_int_equal(outbox_set_state(f->db, it.action_id, OUTBOX_DISCARDED, NULL, NULL, NULL),
	                 1);
	assert_int_equal(outbox_set_state(f->db, it.action_id, OUTBOX_DONE, "re_1", "req_1", "ok"),
	                 0);
	assert_int_equal(outbox_open_state_of(f->db, "ch_usd"), -1);
	/* Done is final. */
	assert_int_equal(outbox_set_state(f->db, it.action_id, OUTBOX_SENDING, NULL, NULL, NULL),
	                 1);
	assert_int_equal(outbox_get(f->db, it.action_id, &got), 1);
	assert_int_equal(got.state, OUTBOX_DONE);
	assert_string_equal(got.result_id, "re_1");
	assert_string_equal(got.request_id, "req_1");
	outbox_item_clear(&got);
}

static void test_outbox_paging(void **state)
{
	struct fixture *f = *state;
	char ids[5][OUTBOX_ID_SIZE];
	for (int i = 0; i < 5; i++) {
		struct outbox_item it;
		new_item(&it, "ch_jpy");
		it.created = 1800000000 + i;
		assert_int_equal(outbox_insert(f->db, &it), 0);
		snprintf(ids[i], sizeof ids[i], "%s", it.action_id);
	}
	assert_int_equal(outbox_set_state(f->db, ids[2], OUTBOX_DISCARDED, NULL, NULL, NULL), 0);
	assert_int_equal(outbox_count(f->db, OUTBOX_MASK(OUTBOX_QUEUED)), 4);
	assert_int_equal(outbox_count(f->db, OUTBOX_MASK_ALL), 5);

	struct outbox_item page[3];
	int n = outbox_page(f->db, OUTBOX_MASK(OUTBOX_QUEUED), NULL, true, 3, page);
	assert_int_equal(n, 3);
	assert_string_equal(page[0].action_id, ids[4]); /* newest first */
	assert_string_equal(page[1].action_id, ids[3]);
	assert_string_equal(page[2].action_id, ids[1]); /* the discarded one is left out */
	for (int i = 0; i < n; i++)
		outbox_item_clear(&page[i]);
	n = outbox_page(f->db, OUTBOX_MASK(OUTBOX_QUEUED), ids[1], true, 3, page);
	assert_int_equal(n, 1);
	assert_string_equal(page[0].action_id, ids[0]);
	outbox_item_clear(&page[0]);
	n = outbox_page(f->db, OUTBOX_MASK(OUTBOX_QUEUED), ids[1], false, 3, page);
	assert_int_equal(n, 2);
	assert_string_equal(page[0].action_id, ids[4]);
	assert_string_equal(page[1].action_id, ids[3]); /* nearest to the key last */
	for (int i = 0; i < n; i++)
		outbox_item_clear(&page[i]);
}

static void test_drafts_survive_reopen(void **state)
{
	struct fixture *f = *state;
	bool found = true;
	assert_null(outbox_draft_load(f->db, "dp_open", &found));
	assert_false(found);
	assert_int_equal(outbox_draft_save(f->db, "dp_open", "{\"customer_name\":\"Ann\"}"), 0);
	assert_int_equal(outbox_draft_save(f->db, "dp_open", "{\"customer_name\":\"Ann B\"}"), 0);
	/* A new connection (a restart) reads the same draft. */
	sqlite3 *again = NULL;
	assert_int_equal(sqlite3_open(f->path, &again), SQLITE_OK);
	char *json = outbox_draft_load(again, "dp_open", &found);
	assert_true(found);
	assert_string_equal(json, "{\"customer_name\":\"Ann B\"}");
	free(json);
	assert_int_equal(outbox_draft_delete(again, "dp_open"), 0);
	assert_null(outbox_draft_load(again, "dp_open", &found));
	assert_false(found);
	sqlite3_close(again);
}

static void test_audit_is_append_only(void **state)
{
	struct fixture *f = *state;
	struct audit_identity who = {.os_user = "alice", .ssh_client = "192.0.2.7"};
	for (int i = 0; i < 4; i++) {
		struct audit_record r = {.who = &who,
		                         .profile = "shop",
		                         .action = "refund",
		                         .object_id = "ch_usd",
		                         .has_amount = true,
		                         .amount = 100 + i,
		                         .currency = "usd",
		                         .idempotency_key = "k",
		                         .outcome = AUDIT_SUCCEEDED,
		                         .time = 1800000000 + i};
		assert_int_equal(audit_append(f->db, &r), 0);
	}
	assert_int_equal(audit_count(f->db), 4);
	assert_int_not_equal(
	        sqlite3_exec(f->db, "UPDATE audit SET outcome = 'x'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(f->db, "DELETE FROM audit", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(audit_count(f->db), 4);

	struct audit_row rows[4];
	int n = audit_page(f->db, 0, true, 2, rows);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].amount, 103); /* newest first */
	assert_string_equal(rows[0].os_user, "alice");
	assert_string_equal(rows[0].ssh_client, "192.0.2.7");
	n = audit_page(f->db, rows[1].seq, true, 4, rows);
	assert_int_equal(n, 2);
	assert_int_equal(rows[1].amount, 100);
	n = audit_page(f->db, rows[1].seq, false, 4, rows);
	assert_int_equal(n, 3);
	assert_int_equal(rows[0].amount, 103);
	assert_int_equal(rows[2].amount, 101);
}

static int count_rows(void *ctx, const struct audit_row *row)
{
	(void)row;
	(*(int *)ctx)++;
	return 0;
}

static void test_audit_since_and_identity(void **state)
{
	struct fixture *f = *state;
	struct audit_identity who;
	setenv("SSH_CLIENT", "2001:db8::5 50022 22", 1);
	audit_identity_get(&who);
	assert_string_equal(who.ssh_client, "2001:db8::5");
	assert_true(who.os_user[0] != '\0');
	unsetenv("SSH_CLIENT");
	setenv("SSH_CONNECTION", "198.51.100.3 40000 10.0.0.1 22", 1);
	audit_identity_get(&who);
	assert_string_equal(who.ssh_client, "198.51.100.3");
	setenv("SSH_CONNECTION", "$(evil) 1 2 3", 1);
	audit_identity_get(&who);
	assert_string_equal(who.ssh_client, ""); /* not an address: not recorded */
	unsetenv("SSH_CONNECTION");
	audit_identity_get(&who);
	assert_string_equal(who.ssh_client, "");

	for (int i = 0; i < 3; i++) {
		struct audit_record r = {.who = &who,
		                         .profile = "p",
		                         .action = "dispute_close",
		                         .outcome = AUDIT_FAILED,
		                         .time = 1000 + i * 100};
		assert_int_equal(audit_append(f->db, &r), 0);
	}
	int seen = 0;
	assert_int_equal(audit_each(f->db, 1100, count_rows, &seen), 2);
	assert_int_equal(seen, 2);
}

static void session(struct actions_session *s, sqlite3 *db, enum profile_role role, int64_t limit,
                    const char *limit_currency)
{
	struct profile p;
	memset(&p, 0, sizeof p);
	snprintf(p.name, sizeof p.name, "shop");
	p.role = role;
	p.refund_limit = limit;
	snprintf(p.refund_limit_currency, sizeof p.refund_limit_currency, "%s", limit_currency);
	actions_session_init_db(s, db, &p, NULL, NULL);
}

static void test_refund_checks(void **state)
{
	struct fixture *f = *state;
	struct actions_session s;
	struct actions_order o;
	char buf[256];
	int64_t eff = 0;
	session(&s, f->db, PROFILE_ROLE_MERCHANT, -1, "");
	assert_int_equal(actions_order_get(f->db, "ch_usd", &o), 1);
	assert_null(actions_check_refund(&s, &o, 0, &eff, buf, sizeof buf));
	assert_int_equal(eff, 4000); /* defaults to what is left */
	assert_null(actions_check_refund(&s, &o, 4000, &eff, buf, sizeof buf));
	assert_non_null(actions_check_refund(&s, &o, 4001, &eff, buf, sizeof buf));
	assert_int_equal(actions_order_get(f->db, "ch_full", &o), 1);
	assert_non_null(actions_check_refund(&s, &o, 0, &eff, buf, sizeof buf));
	assert_int_equal(actions_order_get(f->db, "ch_failed", &o), 1);
	assert_non_null(actions_check_refund(&s, &o, 0, &eff, buf, sizeof buf));

	/* Support: within 20.00 USD, not above, not in another currency. */
	session(&s, f->db, PROFILE_ROLE_SUPPORT, 2000, "usd");
	assert_int_equal(actions_order_get(f->db, "ch_usd", &o), 1);
	assert_null(actions_check_refund(&s, &o, 2000, &eff, buf, sizeof buf));
	assert_non_null(actions_check_refund(&s, &o, 2001, &eff, buf, sizeof buf));
	assert_non_null(actions_check_refund(&s, &o, 0, &eff, buf, sizeof buf));
	assert_int_equal(actions_order_get(f->db, "ch_jpy", &o), 1);
	assert_non_null(actions_check_refund(&s, &o, 100, &eff, buf, sizeof buf));
	session(&s, f->db, PROFILE_ROLE_SUPPORT, -1, "");
	assert_non_null(actions_check_refund(&s, &o, 100, &eff, buf, sizeof buf));

	session(&s, f->db, PROFILE_ROLE_CLERK, -1, "");
	for (int k = 0; k < ACTIONS_KIND_COUNT; k++)
		assert_non_null(actions_role_refusal(PROFILE_ROLE_CLERK, (enum actions_kind)k));
	assert_int_equal(actions_order_get(f->db, "ch_usd", &o), 1);
	assert_non_null(actions_check_refund(&s, &o, 100, &eff, buf, sizeof buf));
}

static void test_refused_refund_leaves_audit_and_no_outbox(void **state)
{
	struct fixture *f = *state;
	struct actions_session s;
	struct actions_outcome out;
	session(&s, f->db, PROFILE_ROLE_SUPPORT, 1000, "usd");
	struct actions_refund_params p = {.order_id = "ch_usd", .amount = 1500};
	assert_int_equal(actions_refund(&s, &p, false, &out), ACTIONS_REFUSED);
	assert_int_equal(outbox_count(f->db, OUTBOX_MASK_ALL), 0);
	struct audit_row row;
	assert_int_equal(audit_page(f->db, 0, true, 1, &row), 1);
	assert_string_equal(row.outcome, AUDIT_REFUSED);
	assert_string_equal(row.action, "refund");
	assert_int_equal(row.amount, 1500);

	/* More than what is left is refused before anything is stored, for any role. */
	session(&s, f->db, PROFILE_ROLE_MERCHANT, -1, "");
	p.amount = 4001;
	assert_int_equal(actions_refund(&s, &p, false, &out), ACTIONS_REFUSED);
	p.amount = 100;
	p.reason = "because";
	assert_int_equal(actions_refund(&s, &p, false, &out), ACTIONS_REFUSED);
	assert_int_equal(outbox_count(f->db, OUTBOX_MASK_ALL), 0);
	assert_int_equal(audit_count(f->db), 3);
}

static void test_offline_refund_is_queued_then_discarded(void **state)
{
	struct fixture *f = *state;
	struct actions_session s;
	struct actions_outcome out;
	session(&s, f->db, PROFILE_ROLE_MERCHANT, -1, "");
	struct actions_refund_params p = {.order_id = "ch_usd",
	                                  .amount = 0,
	                                  .reason = "requested_by_customer",
	                                  .note = "late parcel"};
	assert_int_equal(actions_refund(&s, &p, false, &out), ACTIONS_QUEUED);
	struct outbox_item it;
	assert_int_equal(outbox_get(f->db, out.action_id, &it), 1);
	assert_int_equal(it.state, OUTBOX_QUEUED);
	assert_int_equal(it.amount, 4000);
	assert_non_null(strstr(it.params, "\"note\":\"late parcel\""));
	outbox_item_clear(&it);
	/* Sending while offline keeps it queued: never sent silently. */
	struct actions_outcome again;
	assert_int_equal(actions_send(&s, out.action_id, &again), ACTIONS_QUEUED);
	assert_int_equal(actions_discard(&s, out.action_id, &again), ACTIONS_DONE);
	assert_int_equal(actions_discard(&s, out.action_id, &again), ACTIONS_REFUSED);
	assert_int_equal(actions_send(&s, out.action_id, &again), ACTIONS_REFUSED);
	struct audit_row rows[2];
	assert_int_equal(audit_page(f->db, 0, true, 2, rows), 2);
	assert_string_equal(rows[0].outcome, AUDIT_DISCARDED);
	assert_string_equal(rows[1].outcome, AUDIT_QUEUED);
}

static void test_dispute_checks(void **state)
{
	struct fixture *f = *state;
	struct actions_session s;
	struct actions_dispute d;
	char buf[256];
	session(&s, f->db, PROFILE_ROLE_SUPPORT, -1, "");
	assert_int_equal(actions_dispute_get(f->db, "dp_open", &d), 1);
	assert_null(actions_check_dispute(&s, &d, ACTIONS_DISPUTE_SUBMIT, buf, sizeof buf));
	assert_null(actions_check_dispute(&s, &d, ACTIONS_DISPUTE_CLOSE, buf, sizeof buf));
	assert_int_equal(actions_dispute_get(f->db, "dp_late", &d), 1);
	assert_non_null(actions_check_dispute(&s, &d, ACTIONS_DISPUTE_SUBMIT, buf, sizeof buf));
	assert_int_equal(actions_dispute_get(f->db, "dp_done", &d), 1);
	assert_non_null(actions_check_dispute(&s, &d, ACTIONS_DISPUTE_SUBMIT, buf, sizeof buf));
	assert_non_null(actions_check_dispute(&s, &d, ACTIONS_DISPUTE_CLOSE, buf, sizeof buf));
	session(&s, f->db, PROFILE_ROLE_CLERK, -1, "");
	assert_int_equal(actions_dispute_get(f->db, "dp_open", &d), 1);
	assert_non_null(actions_check_dispute(&s, &d, ACTIONS_DISPUTE_DRAFT, buf, sizeof buf));

	struct actions_outcome out;
	session(&s, f->db, PROFILE_ROLE_SUPPORT, -1, "");
	assert_int_equal(actions_dispute_evidence(&s, "dp_late", "{}", true, false, &out),
	                 ACTIONS_REFUSED);
	assert_int_equal(actions_dispute_evidence(&s, "dp_open", "[1]", false, false, &out),
	                 ACTIONS_REFUSED);
	assert_int_equal(actions_dispute_evidence(&s, "dp_open", "{\"customer_name\":\"Ann\"}",
	                                          false, false, &out),
	                 ACTIONS_QUEUED);
	assert_int_equal(outbox_count(f->db, OUTBOX_MASK(OUTBOX_QUEUED)), 1);
}

static void test_summary_is_sanitized(void **state)
{
	(void)state;
	struct actions_order o = {.amount = 5000, .amount_refunded = 0};
	snprintf(o.id, sizeof o.id, "ch_x\x1b[2J");
	snprintf(o.currency, sizeof o.currency, "usd");
	snprintf(o.customer_name, sizeof o.customer_name, "Eve\x1b]0;owned\x07\xe2\x80\xae");
	snprintf(o.customer_email, sizeof o.customer_email, "e@example.com");
	char buf[2048];
	actions_refund_summary(&o, 1250, "fraudulent", "note\x1b[31m", buf, sizeof buf);
	assert_null(strchr(buf, '\x1b'));
	assert_null(strchr(buf, '\x07'));
	assert_null(strstr(buf, "\xe2\x80\xae")); /* the bidi override is shown, not obeyed */
	assert_non_null(strstr(buf, "12.50 USD"));
	assert_non_null(strstr(buf, "Eve"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_ids_are_unique_and_shaped),
	        cmocka_unit_test_setup_teardown(test_outbox_round_trip_and_state_machine, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_outbox_paging, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_drafts_survive_reopen, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_audit_is_append_only, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_audit_since_and_identity, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_refund_checks, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_refused_refund_leaves_audit_and_no_outbox,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(test_offline_refund_is_queued_then_discarded, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_dispute_checks, setup, teardown),
	        cmocka_unit_test(test_summary_is_sanitized),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
