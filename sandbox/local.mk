# rules for sandbox/ (included by the top Makefile.am)
bin_PROGRAMS += paydesk-sandbox
paydesk_sandbox_SOURCES = \
	sandbox/sandbox.h \
	sandbox/main.c \
	sandbox/buf.c \
	sandbox/form.c \
	sandbox/rng.c \
	sandbox/store.c \
	sandbox/admin.c \
	sandbox/server.c \
	sandbox/platforms.c
# Each platform the sandbox can be: a folder and one line in sandbox/platforms.c.
paydesk_sandbox_SOURCES += \
	sandbox/stripe/stripe.h \
	sandbox/stripe/platform.c \
	sandbox/stripe/schema.c \
	sandbox/stripe/serve.c \
	sandbox/stripe/admin.c \
	sandbox/stripe/api.c \
	sandbox/stripe/render.c \
	sandbox/stripe/seed.c \
	sandbox/stripe/gen.c \
	sandbox/stripe/mutate.c \
	sandbox/stripe/live.c \
	sandbox/stripe/files.c \
	sandbox/stripe/reports.c \
	sandbox/stripe/fx.c
paydesk_sandbox_SOURCES += \
	sandbox/wechatpay/wechatpay.h \
	sandbox/wechatpay/platform.c \
	sandbox/wechatpay/crypto.c \
	sandbox/wechatpay/merchant.c \
	sandbox/wechatpay/gen.c \
	sandbox/wechatpay/schema.c \
	sandbox/wechatpay/seed.c \
	sandbox/wechatpay/serve.c \
	sandbox/wechatpay/orders.c \
	sandbox/wechatpay/refunds.c \
	sandbox/wechatpay/bills.c \
	sandbox/wechatpay/cgen.c \
	sandbox/wechatpay/complaints.c \
	sandbox/wechatpay/media.c \
	sandbox/wechatpay/admin.c
paydesk_sandbox_SOURCES += \
	sandbox/alipay/alipay.h \
	sandbox/alipay/platform.c \
	sandbox/alipay/merchant.c \
	sandbox/alipay/crypto.c \
	sandbox/alipay/util.c \
	sandbox/alipay/schema.c \
	sandbox/alipay/gen.c \
	sandbox/alipay/seed.c \
	sandbox/alipay/ledger.c \
	sandbox/alipay/gateway.c \
	sandbox/alipay/trade.c \
	sandbox/alipay/bill.c \
	sandbox/alipay/billfile.c \
	sandbox/alipay/complain.c \
	sandbox/alipay/admin.c
paydesk_sandbox_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(SQLITE_CFLAGS) $(JANSSON_CFLAGS) $(CRYPTO_CFLAGS) $(ZLIB_CFLAGS) $(LIBZIP_CFLAGS)
paydesk_sandbox_LDADD = $(MHD_LIBS) $(SQLITE_LIBS) $(JANSSON_LIBS) $(CRYPTO_LIBS) $(ZLIB_LIBS) $(LIBZIP_LIBS) -lpthread

# Integration tests: the real sandbox over loopback HTTP.
noinst_LIBRARIES += tests/sandbox/libsbt.a
tests_sandbox_libsbt_a_SOURCES = tests/sandbox/sbt.c tests/sandbox/sbt.h
tests_sandbox_libsbt_a_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
SBT_LDADD = tests/sandbox/libsbt.a $(CURL_LIBS) $(JANSSON_LIBS) -lpthread
check_PROGRAMS += tests/sandbox/test_lists
TESTS += tests/sandbox/test_lists
tests_sandbox_test_lists_SOURCES = tests/sandbox/test_lists.c
tests_sandbox_test_lists_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
tests_sandbox_test_lists_LDADD = $(SBT_LDADD)
check_PROGRAMS += tests/sandbox/test_reports
TESTS += tests/sandbox/test_reports
tests_sandbox_test_reports_SOURCES = tests/sandbox/test_reports.c
tests_sandbox_test_reports_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
tests_sandbox_test_reports_LDADD = $(SBT_LDADD)
check_PROGRAMS += tests/sandbox/test_mutations
TESTS += tests/sandbox/test_mutations
tests_sandbox_test_mutations_SOURCES = tests/sandbox/test_mutations.c
tests_sandbox_test_mutations_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
tests_sandbox_test_mutations_LDADD = $(SBT_LDADD)
check_PROGRAMS += tests/sandbox/test_faults
TESTS += tests/sandbox/test_faults
tests_sandbox_test_faults_SOURCES = tests/sandbox/test_faults.c
tests_sandbox_test_faults_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
tests_sandbox_test_faults_LDADD = $(SBT_LDADD)

# WeChat Pay's tests sign and verify with their own client (tests/sandbox/wxt.c).
noinst_LIBRARIES += tests/sandbox/libwxt.a
WXT_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS) $(CRYPTO_CFLAGS) $(ZLIB_CFLAGS)
tests_sandbox_libwxt_a_SOURCES = tests/sandbox/wxt.c tests/sandbox/wxt.h
tests_sandbox_libwxt_a_CFLAGS = $(WXT_CFLAGS)
WXT_LDADD = tests/sandbox/libwxt.a $(SBT_LDADD) $(CRYPTO_LIBS) $(ZLIB_LIBS)
check_PROGRAMS += tests/sandbox/test_wx_auth
TESTS += tests/sandbox/test_wx_auth
tests_sandbox_test_wx_auth_SOURCES = tests/sandbox/test_wx_auth.c
tests_sandbox_test_wx_auth_CFLAGS = $(WXT_CFLAGS)
tests_sandbox_test_wx_auth_LDADD = $(WXT_LDADD)
check_PROGRAMS += tests/sandbox/test_wx_bills
TESTS += tests/sandbox/test_wx_bills
tests_sandbox_test_wx_bills_SOURCES = tests/sandbox/test_wx_bills.c
tests_sandbox_test_wx_bills_CFLAGS = $(WXT_CFLAGS)
tests_sandbox_test_wx_bills_LDADD = $(WXT_LDADD)
check_PROGRAMS += tests/sandbox/test_wx_refunds
TESTS += tests/sandbox/test_wx_refunds
tests_sandbox_test_wx_refunds_SOURCES = tests/sandbox/test_wx_refunds.c
tests_sandbox_test_wx_refunds_CFLAGS = $(WXT_CFLAGS)
tests_sandbox_test_wx_refunds_LDADD = $(WXT_LDADD)
check_PROGRAMS += tests/sandbox/test_wx_complaints
TESTS += tests/sandbox/test_wx_complaints
tests_sandbox_test_wx_complaints_SOURCES = tests/sandbox/test_wx_complaints.c
tests_sandbox_test_wx_complaints_CFLAGS = $(WXT_CFLAGS)
tests_sandbox_test_wx_complaints_LDADD = $(WXT_LDADD)
# The Alipay platform's tests: a signer of their own (libcrypto), zips read with libzip.
noinst_LIBRARIES += tests/sandbox/libalit.a
tests_sandbox_libalit_a_SOURCES = tests/sandbox/alit.c tests/sandbox/alit.h
tests_sandbox_libalit_a_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS) $(CRYPTO_CFLAGS) $(LIBZIP_CFLAGS)
ALIT_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS) $(CRYPTO_CFLAGS) $(LIBZIP_CFLAGS)
ALIT_LDADD = tests/sandbox/libalit.a $(SBT_LDADD) $(CRYPTO_LIBS) $(LIBZIP_LIBS)
check_PROGRAMS += tests/sandbox/test_alipay_gateway
TESTS += tests/sandbox/test_alipay_gateway
tests_sandbox_test_alipay_gateway_SOURCES = tests/sandbox/test_alipay_gateway.c
tests_sandbox_test_alipay_gateway_CFLAGS = $(ALIT_CFLAGS)
tests_sandbox_test_alipay_gateway_LDADD = $(ALIT_LDADD)
check_PROGRAMS += tests/sandbox/test_alipay_trade
TESTS += tests/sandbox/test_alipay_trade
tests_sandbox_test_alipay_trade_SOURCES = tests/sandbox/test_alipay_trade.c
tests_sandbox_test_alipay_trade_CFLAGS = $(ALIT_CFLAGS)
tests_sandbox_test_alipay_trade_LDADD = $(ALIT_LDADD)
check_PROGRAMS += tests/sandbox/test_alipay_bills
TESTS += tests/sandbox/test_alipay_bills
tests_sandbox_test_alipay_bills_SOURCES = tests/sandbox/test_alipay_bills.c
tests_sandbox_test_alipay_bills_CFLAGS = $(ALIT_CFLAGS)
tests_sandbox_test_alipay_bills_LDADD = $(ALIT_LDADD)
check_PROGRAMS += tests/sandbox/test_alipay_checksum
TESTS += tests/sandbox/test_alipay_checksum
tests_sandbox_test_alipay_checksum_SOURCES = tests/sandbox/test_alipay_checksum.c
tests_sandbox_test_alipay_checksum_CFLAGS = $(ALIT_CFLAGS)
tests_sandbox_test_alipay_checksum_LDADD = $(ALIT_LDADD)
TESTS += tests/sandbox/test_alipay_cli.sh
EXTRA_DIST += tests/sandbox/test_alipay_cli.sh

# Benchmark (not part of make check): ./bench/sandbox_bench [--orders N] [--pages P]
noinst_PROGRAMS += bench/sandbox_bench
bench_sandbox_bench_SOURCES = bench/sandbox_bench.c
bench_sandbox_bench_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS)
bench_sandbox_bench_LDADD = $(CURL_LIBS)
# ./bench/wechatpay_bench [--orders N] [--days D] [--runs R]: seeding and one day's bills.
noinst_PROGRAMS += bench/wechatpay_bench
bench_wechatpay_bench_SOURCES = bench/wechatpay_bench.c
bench_wechatpay_bench_CFLAGS = $(WXT_CFLAGS)
bench_wechatpay_bench_LDADD = $(WXT_LDADD)
EXTRA_DIST += sandbox/README.md sandbox/wechatpay/README.md
TESTS += tests/sandbox/test_cli.sh tests/sandbox/test_wx_cli.sh
EXTRA_DIST += tests/sandbox/test_cli.sh tests/sandbox/test_wx_cli.sh
# ./bench/alipay_bench [--orders N] [--days D]: the Alipay platform's figures.
noinst_PROGRAMS += bench/alipay_bench
bench_alipay_bench_SOURCES = bench/alipay_bench.c
bench_alipay_bench_CFLAGS = $(ALIT_CFLAGS)
bench_alipay_bench_LDADD = $(ALIT_LDADD)
EXTRA_DIST += sandbox/alipay/README.md
