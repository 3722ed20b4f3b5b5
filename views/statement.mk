# views/statement*: the settlement statement (model, txt/csv/json/pdf, printing, CLI).
views_libviews_a_SOURCES += \
	views/statement.h \
	views/statement.c \
	views/statement_text.c \
	views/statement_doc.h \
	views/statement_bills.c \
	views/statement_money.c \
	views/statement_export.c \
	views/statement_pdf.h \
	views/statement_pdf.c \
	views/statement_pdf_face.c \
	views/statement_pdf_lines.c \
	views/statement_pdf_bills.c \
	views/statement_print.c \
	views/cmd_statement.c \
	views/statement_view.c
views_libviews_a_CPPFLAGS += $(PANGOCAIRO_CFLAGS)
# The screens' registry names the statement view, so whatever links the views links cairo.
PAYDESK_EXT_LIBS += $(PANGOCAIRO_LIBS)

# Tests: the statement against the sandbox's own ledger, and printing through CUPS.
check_PROGRAMS += tests/statement/stmt_mkcache
tests_statement_stmt_mkcache_SOURCES = tests/statement/stmt_mkcache.c
tests_statement_stmt_mkcache_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE_CFLAGS)
tests_statement_stmt_mkcache_LDADD = client/libclient.a $(SQLITE_LIBS)
EXTRA_DIST += tests/statement/stmt_lib.sh
TESTS += tests/statement/test_statement.sh tests/statement/test_statement_cups.sh tests/statement/test_statement_sync.sh tests/statement/test_statement_view.sh tests/statement/test_statement_pdf.sh tests/statement/test_statement_demo.sh tests/statement/test_statement_bills.sh
EXTRA_DIST += tests/statement/test_statement.sh tests/statement/test_statement_cups.sh tests/statement/test_statement_sync.sh tests/statement/test_statement_view.sh tests/statement/test_statement_pdf.sh tests/statement/test_statement_demo.sh tests/statement/test_statement_bills.sh

# Benchmark (not part of make check): make bench/statement_bench && bench/statement_bench
EXTRA_PROGRAMS += bench/statement_bench
bench_statement_bench_SOURCES = bench/statement_bench.c
bench_statement_bench_CPPFLAGS = $(AM_CPPFLAGS) $(PAYDESK_EXT_CFLAGS)
bench_statement_bench_LDADD = $(PAYDESK_LIBS) $(PAYDESK_EXT_LIBS)
CLEANFILES += bench/statement_bench

check_PROGRAMS += tests/statement/test_ledger tests/statement/test_bills
TESTS += tests/statement/test_ledger tests/statement/test_bills
tests_statement_test_ledger_SOURCES = tests/statement/test_ledger.c
tests_statement_test_ledger_CPPFLAGS = $(AM_CPPFLAGS) $(PAYDESK_EXT_CFLAGS) $(CMOCKA_CFLAGS)
tests_statement_test_ledger_LDADD = $(PAYDESK_LIBS) $(PAYDESK_EXT_LIBS) $(CMOCKA_LIBS)
tests_statement_test_bills_SOURCES = tests/statement/test_bills.c
tests_statement_test_bills_CPPFLAGS = $(AM_CPPFLAGS) $(PAYDESK_EXT_CFLAGS) $(CMOCKA_CFLAGS) $(SQLITE_CFLAGS)
tests_statement_test_bills_LDADD = $(PAYDESK_LIBS) $(PAYDESK_EXT_LIBS) $(CMOCKA_LIBS)
