# tui/: the generic terminal UI framework (never includes client/ or SQLite).
noinst_LIBRARIES += tui/libtui.a
tui_libtui_a_CPPFLAGS = $(AM_CPPFLAGS) $(NCURSES_CFLAGS)
tui_libtui_a_SOURCES = \
	tui/tui.h \
	tui/private.h \
	tui/draw.c \
	tui/keys.c \
	tui/lines.c \
	tui/prompt.c \
	tui/screen.c \
	tui/table.c \
	tui/view.c \
	tui/sanitize.c \
	tui/sanitize.h
EXTRA_DIST += tui/README.md

# The framework driven headless by scripts, with row sources made in the test.
check_PROGRAMS += tests/ui/test_tui
TESTS += tests/ui/test_tui
tests_ui_test_tui_SOURCES = tests/ui/test_tui.c
tests_ui_test_tui_CPPFLAGS = $(AM_CPPFLAGS) $(NCURSES_CFLAGS) $(CMOCKA_CFLAGS)
tests_ui_test_tui_LDADD = tui/libtui.a $(NCURSES_LIBS) $(LIBINTL) $(CMOCKA_LIBS)
