# client/: platform access, cache and sync (no curses here).
noinst_LIBRARIES += client/libclient.a
client_libclient_a_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
client_libclient_a_SOURCES = \
	client/client.h \
	client/i18n.h \
	client/clock.c \
	client/money.c \
	client/money.h \
	client/cache_schema.c \
	client/cache_schema.h
client_libclient_a_SOURCES += client/ledger.c client/ledger.h
client_libclient_a_SOURCES += client/audit.c client/audit.h client/outbox.c client/outbox.h client/actions.c client/actions.h
