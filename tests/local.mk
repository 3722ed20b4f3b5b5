# tests/: unit tests of shared modules (area tests live in each area's local.mk).
TEST_UNIT_CPPFLAGS = $(AM_CPPFLAGS) $(PAYDESK_EXT_CFLAGS) $(CMOCKA_CFLAGS)
TEST_UNIT_LDADD = $(PAYDESK_LIBS) $(PAYDESK_EXT_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/unit/test_money tests/unit/test_sanitize tests/unit/test_dates
TESTS += tests/unit/test_money tests/unit/test_sanitize tests/unit/test_dates tests/unit/test_cli.sh tests/unit/test_configure.sh tests/unit/test_po.sh tests/unit/test_self_contained.sh tests/unit/test_deps.sh tests/unit/test_completion.sh tests/unit/test_doctor.sh tests/unit/test_man.sh
EXTRA_DIST += tests/unit/test_cli.sh tests/unit/test_completion.sh tests/unit/test_configure.sh tests/unit/test_po.sh tests/unit/test_self_contained.sh tests/unit/test_deps.sh tests/unit/test_doctor.sh tests/unit/test_man.sh tests/lib.sh tests/fixtures
tests_unit_test_money_SOURCES = tests/unit/test_money.c
tests_unit_test_money_CPPFLAGS = $(TEST_UNIT_CPPFLAGS)
tests_unit_test_money_LDADD = $(TEST_UNIT_LDADD)
tests_unit_test_sanitize_SOURCES = tests/unit/test_sanitize.c
tests_unit_test_sanitize_CPPFLAGS = $(TEST_UNIT_CPPFLAGS)
tests_unit_test_sanitize_LDADD = $(TEST_UNIT_LDADD)
tests_unit_test_dates_SOURCES = tests/unit/test_dates.c
tests_unit_test_dates_CPPFLAGS = $(TEST_UNIT_CPPFLAGS)
tests_unit_test_dates_LDADD = $(TEST_UNIT_LDADD)

# Risk (client/risk.c): every rule on a cache of its own, the command's formats and exit
# status, and the screen.
check_PROGRAMS += tests/client/test_risk tests/ui/risk_fill
TESTS += tests/client/test_risk tests/ui/test_risk.sh tests/ui/test_dashboards.sh tests/ui/test_fx_screens.sh
EXTRA_DIST += tests/ui/test_risk.sh tests/ui/test_dashboards.sh tests/ui/test_fx_screens.sh
tests_client_test_risk_SOURCES = tests/client/test_risk.c
tests_client_test_risk_CPPFLAGS = $(TEST_CLIENT_CPPFLAGS)
tests_client_test_risk_LDADD = $(TEST_CLIENT_LDADD)
tests_ui_risk_fill_SOURCES = tests/ui/risk_fill.c
tests_ui_risk_fill_CPPFLAGS = $(AM_CPPFLAGS) $(PAYDESK_EXT_CFLAGS)
tests_ui_risk_fill_LDADD = client/libclient.a $(PAYDESK_EXT_LIBS)
