# rules for sandbox/ (included by the top Makefile.am)
bin_PROGRAMS += paydesk-sandbox
paydesk_sandbox_SOURCES = \
	sandbox/sandbox.h \
	sandbox/main.c \
	sandbox/buf.c \
	sandbox/form.c \
	sandbox/rng.c \
	sandbox/store.c \
	sandbox/render.c \
	sandbox/seed.c \
	sandbox/mutate.c \
	sandbox/api.c \
	sandbox/admin.c \
	sandbox/server.c
paydesk_sandbox_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(SQLITE_CFLAGS) $(JANSSON_CFLAGS)
paydesk_sandbox_LDADD = $(MHD_LIBS) $(SQLITE_LIBS) $(JANSSON_LIBS) -lpthread
