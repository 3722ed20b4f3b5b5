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

include $(srcdir)/views/screens.mk
include $(srcdir)/views/statement.mk
views_libviews_a_SOURCES += views/cmd_sync.c views/cmd_lookup.c views/cmd_doctor.c
# Insights: the figures per day and currency, the screen and the command.
views_libviews_a_SOURCES += views/insights.c views/insights_view.h views/cmd_insights.c
# Risk: the rules on the screens' connection, the screen and the command.
views_libviews_a_SOURCES += client/query_risk.c views/risk.c views/cmd_risk.c
include $(srcdir)/views/actions.mk
