# tui/: the generic terminal UI framework (never includes client/ or SQLite).
noinst_LIBRARIES += tui/libtui.a
tui_libtui_a_CPPFLAGS = $(AM_CPPFLAGS) $(NCURSES_CFLAGS)
tui_libtui_a_SOURCES = \
	tui/tui.h \
	tui/private.h \
	tui/keys.c \
	tui/lines.c \
	tui/prompt.c \
	tui/screen.c \
	tui/table.c \
	tui/sanitize.c \
	tui/sanitize.h
