# views/statement*: the settlement statement (model, txt/csv/json/pdf, printing, CLI).
views_libviews_a_SOURCES += \
	views/statement.h \
	views/statement.c \
	views/statement_text.c \
	views/statement_export.c \
	views/statement_pdf.c \
	views/statement_print.c \
	views/cmd_statement.c
views_libviews_a_CPPFLAGS += $(PANGOCAIRO_CFLAGS)
paydesk_LDADD += $(PANGOCAIRO_LIBS)
