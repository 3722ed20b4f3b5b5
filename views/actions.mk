# Acting on money (actions engineer): the refund, evidence, outbox and audit screens and
# commands, and their tests. Included at the end of views/local.mk.
views_libviews_a_SOURCES += views/actions_ui.h views/actions_env.c views/cmd_refund.c \
	views/cmd_outbox.c views/cmd_audit.c views/actions_ui.c views/outbox.c views/audit.c \
	views/evidence.c

TEST_ACTIONS_CPPFLAGS = $(AM_CPPFLAGS) $(PAYDESK_EXT_CFLAGS) $(CMOCKA_CFLAGS)
TEST_ACTIONS_LDADD = $(PAYDESK_LIBS) $(PAYDESK_EXT_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/actions/test_outbox
TESTS += tests/actions/test_outbox
tests_actions_test_outbox_SOURCES = tests/actions/test_outbox.c
tests_actions_test_outbox_CPPFLAGS = $(TEST_ACTIONS_CPPFLAGS)
tests_actions_test_outbox_LDADD = $(TEST_ACTIONS_LDADD)

TESTS += tests/actions/test_refund.sh
EXTRA_DIST += tests/actions/test_refund.sh tests/actions/actions_lib.sh
TESTS += tests/actions/test_ui.sh
EXTRA_DIST += tests/actions/test_ui.sh
TESTS += tests/actions/test_after_action.sh
EXTRA_DIST += tests/actions/test_after_action.sh
TESTS += tests/actions/test_order_ref.sh
EXTRA_DIST += tests/actions/test_order_ref.sh
TESTS += tests/actions/test_wording.sh
EXTRA_DIST += tests/actions/test_wording.sh

# Exactly once under random faults: the benchmark program (1,000 attempts, bench/actions.sh)
# and a 50-attempt run in the test suite that asserts the exact count.
check_PROGRAMS += bench/actions_exactly_once
bench_actions_exactly_once_SOURCES = bench/actions_exactly_once.c
bench_actions_exactly_once_CPPFLAGS = $(AM_CPPFLAGS) $(PAYDESK_EXT_CFLAGS)
bench_actions_exactly_once_LDADD = $(PAYDESK_LIBS) $(PAYDESK_EXT_LIBS)
TESTS += tests/actions/test_exactly_once.sh tests/actions/test_exactly_once_bills.sh tests/actions/test_complaints.sh tests/actions/test_bill_refunds.sh
EXTRA_DIST += tests/actions/test_exactly_once.sh tests/actions/test_exactly_once_bills.sh tests/actions/test_complaints.sh tests/actions/test_bill_refunds.sh
