# The screens (included by views/local.mk): one file per screen, registered in
# views/views.h, the TUI's start-up and background sync, their tests and bench.
views_libviews_a_SOURCES += \
	views/views.h \
	views/app.c \
	views/app.h \
	views/sync_worker.c \
	views/sync_worker.h \
	views/format.c \
	views/orders.c \
	views/order.c \
	views/refunds.c \
	views/disputes.c \
	views/complaints.c \
	views/editor.c \
	views/settlements.c
# The screens' read-only SQL (client/query.c) is built here so that it links
# before libclient.a, whose money and order lookup it uses.
views_libviews_a_SOURCES += client/query.c client/query.h client/query_settle.c client/query_private.h \
	client/query_complaints.c \
	client/query_insights.c client/insights.h

# The screens' queries on a small cache of their own.
check_PROGRAMS += tests/ui/test_query
TESTS += tests/ui/test_query
tests_ui_test_query_SOURCES = tests/ui/test_query.c
tests_ui_test_query_CPPFLAGS = $(AM_CPPFLAGS) $(PAYDESK_EXT_CFLAGS) $(CMOCKA_CFLAGS)
tests_ui_test_query_LDADD = $(PAYDESK_LIBS) $(PAYDESK_EXT_LIBS) $(CMOCKA_LIBS)

# A deterministic cache for screen tests and benchmarks.
check_PROGRAMS += tests/ui/ui_fill
tests_ui_ui_fill_SOURCES = tests/ui/ui_fill.c
tests_ui_ui_fill_CPPFLAGS = $(AM_CPPFLAGS) $(PAYDESK_EXT_CFLAGS)
tests_ui_ui_fill_LDADD = $(PAYDESK_LIBS) $(PAYDESK_EXT_LIBS)

# Benchmark of the Orders screen (make bench/tui_bench; run bench/tui.sh).
EXTRA_PROGRAMS += bench/tui_bench
bench_tui_bench_SOURCES = bench/tui_bench.c tests/ui/ui_pty.c tests/ui/ui_pty.h
bench_tui_bench_CPPFLAGS = $(AM_CPPFLAGS) $(PAYDESK_EXT_CFLAGS)
bench_tui_bench_LDADD = $(PAYDESK_LIBS) $(PAYDESK_EXT_LIBS) -lutil -lpthread
CLEANFILES += bench/tui_bench
# Benchmark of the Insights screen (make bench/insights_bench).
EXTRA_PROGRAMS += bench/insights_bench
bench_insights_bench_SOURCES = bench/insights_bench.c tests/ui/ui_pty.c tests/ui/ui_pty.h
bench_insights_bench_CPPFLAGS = $(AM_CPPFLAGS) $(PAYDESK_EXT_CFLAGS)
bench_insights_bench_LDADD = $(PAYDESK_LIBS) $(PAYDESK_EXT_LIBS) -lutil -lpthread
CLEANFILES += bench/insights_bench
EXTRA_DIST += bench/tui.sh

# Screen tests of the real program (headless dumps).
TESTS += tests/ui/test_screens.sh
EXTRA_DIST += tests/ui/test_screens.sh tests/ui/ui_lib.sh tests/ui/expected
TESTS += tests/ui/test_screens_online.sh
EXTRA_DIST += tests/ui/test_screens_online.sh
TESTS += tests/ui/test_dates.sh
EXTRA_DIST += tests/ui/test_dates.sh
TESTS += tests/ui/test_roles.sh
check_PROGRAMS += tests/ui/test_scroll
tests_ui_test_scroll_SOURCES = tests/ui/test_scroll.c tests/ui/ui_pty.c tests/ui/ui_pty.h
tests_ui_test_scroll_CPPFLAGS = $(AM_CPPFLAGS) $(PAYDESK_EXT_CFLAGS)
tests_ui_test_scroll_LDADD = $(PAYDESK_LIBS) $(PAYDESK_EXT_LIBS) -lutil -lpthread
EXTRA_DIST += tests/ui/test_scroll.sh
TESTS += tests/ui/test_scroll.sh
EXTRA_DIST += tests/ui/test_editor_tmux.sh
TESTS += tests/ui/test_editor_tmux.sh
EXTRA_DIST += tests/ui/test_pending.sh
TESTS += tests/ui/test_pending.sh
EXTRA_DIST += tests/ui/test_settle_statement.sh
TESTS += tests/ui/test_settle_statement.sh
EXTRA_DIST += tests/ui/test_roles.sh
TESTS += tests/ui/test_tmux.sh
EXTRA_DIST += tests/ui/test_tmux.sh
TESTS += tests/ui/test_demo.sh
EXTRA_DIST += tests/ui/test_demo.sh
