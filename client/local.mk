# client/: platform access, cache and sync (no curses here).
noinst_LIBRARIES += client/libclient.a
client_libclient_a_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS) $(CRYPTO_CFLAGS) $(ZLIB_CFLAGS) $(LIBZIP_CFLAGS)
client_libclient_a_SOURCES = \
	client/client.h \
	client/i18n.h \
	client/clock.c \
	client/money.c \
	client/money.h \
	client/cache_schema.c \
	client/cache_schema.h
client_libclient_a_SOURCES += client/ledger.c client/ledger.h client/ledger_bills.c client/ledger_private.h
client_libclient_a_SOURCES += client/audit.c client/audit.h client/outbox.c client/outbox.h client/actions.c client/actions.h
# Platform access, cache and sync (client engineer).
client_libclient_a_SOURCES += \
	client/profile.c client/profile.h \
	client/status.c client/provider.h \
	client/form.c client/form.h \
	client/http.c client/http.h \
	client/jdoc.c client/jdoc.h \
	client/model.c client/model.h \
	client/stripe/map.c client/stripe/provider.c client/stripe/report.c client/stripe/stripe.h \
	client/platforms.c client/provider_private.h \
	client/crypto.c client/crypto.h client/days.c client/days.h client/lines.c client/lines.h client/utf8.h \
	client/wechatpay/wechatpay.h client/wechatpay/provider.c client/wechatpay/wire.c \
	client/wechatpay/bill.c client/wechatpay/map.c \
	client/alipay/alipay.h client/alipay/provider.c client/alipay/wire.c \
	client/alipay/bill.c client/alipay/map.c \
	client/store.c client/store.h \
	client/cache.c client/cache.h client/cache_private.h \
	client/sync.c client/sync.h client/sync_private.h client/sync_window.c \
	client/sync_lists.c client/sync_bills.c \
	client/sync_reconcile.c
client_libclient_a_SOURCES += client/risk.c client/risk.h client/risk_rules.c client/risk_private.h

# Tests of client/ (unit and integration against paydesk-sandbox).
check_PROGRAMS += tests/client/cache_checksum
tests_client_cache_checksum_SOURCES = tests/client/cache_checksum.c
tests_client_cache_checksum_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE_CFLAGS) $(JANSSON_CFLAGS)
tests_client_cache_checksum_LDADD = $(SQLITE_LIBS) $(JANSSON_LIBS)
TESTS += tests/client/test_sync.sh tests/client/test_sync_faults.sh tests/client/test_tls.sh tests/client/test_sync_disk_full.sh tests/client/test_sync_odd.sh tests/client/test_wechatpay_sync.sh tests/client/test_alipay_sync.sh tests/client/test_fx_sync.sh tests/client/test_sync_report.sh
TESTS += tests/client/test_insights.sh
EXTRA_DIST += tests/client/test_insights.sh
EXTRA_DIST += tests/client/test_sync.sh tests/client/test_sync_faults.sh tests/client/test_tls.sh tests/client/test_sync_disk_full.sh tests/client/test_sync_odd.sh tests/client/sync_lib.sh tests/client/test_wechatpay_sync.sh tests/client/test_alipay_sync.sh tests/client/test_fx_sync.sh tests/client/test_sync_report.sh
TEST_CLIENT_CPPFLAGS = $(AM_CPPFLAGS) $(PAYDESK_EXT_CFLAGS) $(CMOCKA_CFLAGS)
TEST_CLIENT_LDADD = client/libclient.a $(PAYDESK_EXT_LIBS) $(CMOCKA_LIBS)
check_PROGRAMS += tests/client/test_form tests/client/test_stripe_map tests/client/test_profile tests/client/test_cache tests/client/test_jdoc
TESTS += tests/client/test_form tests/client/test_stripe_map tests/client/test_profile tests/client/test_cache tests/client/test_jdoc
tests_client_test_jdoc_SOURCES = tests/client/test_jdoc.c
tests_client_test_jdoc_CPPFLAGS = $(TEST_CLIENT_CPPFLAGS)
tests_client_test_jdoc_LDADD = $(TEST_CLIENT_LDADD)
tests_client_test_form_SOURCES = tests/client/test_form.c
tests_client_test_form_CPPFLAGS = $(TEST_CLIENT_CPPFLAGS)
tests_client_test_form_LDADD = $(TEST_CLIENT_LDADD)
tests_client_test_stripe_map_SOURCES = tests/client/test_stripe_map.c
tests_client_test_stripe_map_CPPFLAGS = $(TEST_CLIENT_CPPFLAGS)
tests_client_test_stripe_map_LDADD = $(TEST_CLIENT_LDADD)
tests_client_test_profile_SOURCES = tests/client/test_profile.c
tests_client_test_profile_CPPFLAGS = $(TEST_CLIENT_CPPFLAGS)
tests_client_test_profile_LDADD = $(TEST_CLIENT_LDADD)
tests_client_test_cache_SOURCES = tests/client/test_cache.c
tests_client_test_cache_CPPFLAGS = $(TEST_CLIENT_CPPFLAGS)
tests_client_test_cache_LDADD = $(TEST_CLIENT_LDADD)

# Sync benchmark (make bench/sync_bench; not part of make check).
EXTRA_PROGRAMS += bench/sync_bench
bench_sync_bench_SOURCES = bench/sync_bench.c bench/bench_sandbox.c bench/bench_sandbox.h
bench_sync_bench_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE_CFLAGS)
bench_sync_bench_LDADD = $(SQLITE_LIBS)
check_PROGRAMS += tests/client/test_provider_write
TESTS += tests/client/test_provider_write
tests_client_test_provider_write_SOURCES = tests/client/test_provider_write.c
tests_client_test_provider_write_CPPFLAGS = $(TEST_CLIENT_CPPFLAGS)
tests_client_test_provider_write_LDADD = $(TEST_CLIENT_LDADD)
check_PROGRAMS += tests/client/test_wechatpay
TESTS += tests/client/test_wechatpay
tests_client_test_wechatpay_SOURCES = tests/client/test_wechatpay.c
tests_client_test_wechatpay_CPPFLAGS = $(TEST_CLIENT_CPPFLAGS)
tests_client_test_wechatpay_LDADD = $(TEST_CLIENT_LDADD)
check_PROGRAMS += tests/client/test_alipay
TESTS += tests/client/test_alipay
tests_client_test_alipay_SOURCES = tests/client/test_alipay.c
tests_client_test_alipay_CPPFLAGS = $(TEST_CLIENT_CPPFLAGS)
tests_client_test_alipay_LDADD = $(TEST_CLIENT_LDADD)
