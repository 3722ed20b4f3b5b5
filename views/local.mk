# views/: the back office's screens and commands, and the paydesk program.
noinst_LIBRARIES += views/libviews.a
views_libviews_a_CPPFLAGS = $(AM_CPPFLAGS) $(PAYDESK_EXT_CFLAGS)
views_libviews_a_SOURCES = \
	views/commands.h \
	views/cli.c

bin_PROGRAMS += paydesk
paydesk_SOURCES = views/main.c
paydesk_CPPFLAGS = $(AM_CPPFLAGS) $(PAYDESK_EXT_CFLAGS)
paydesk_LDADD = $(PAYDESK_LIBS) $(PAYDESK_EXT_LIBS)

# The screens (tui/views engineer): one file per screen, registered in views/views.h.
views_libviews_a_SOURCES += \
	views/views.h \
	views/format.c \
	views/orders.c \
	views/order.c \
	views/refunds.c \
	views/disputes.c \
	views/settlements.c
# The screens' read-only SQL (client/query.c) is built here so that it links
# before libclient.a, which it needs nothing from.
views_libviews_a_SOURCES += client/query.c client/query.h
include $(srcdir)/views/statement.mk
views_libviews_a_SOURCES += views/cmd_sync.c
include $(srcdir)/views/actions.mk
