#!/bin/sh
# Bytes to the terminal per line of scrolling on the Orders screen (through
# a pseudo-terminal): see tests/ui/test_scroll.c.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/ui/ui_lib.sh"
tmp_setup
"$UI_FILL" "$TEST_TMP/orders.db" 2000 --now "$UI_NOW" >/dev/null || { echo "Bail out! ui_fill"; exit 99; }
LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC PAYDESK_NOW=$UI_NOW "$abs_top_builddir/tests/ui/test_scroll" "$TEST_TMP/orders.db"
