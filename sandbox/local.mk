# rules for sandbox/ (included by the top Makefile.am)
