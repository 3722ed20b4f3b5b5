#!/bin/sh
# The paydesk program's GNU-style options and exit codes.
. "$abs_top_srcdir/tests/lib.sh"
tmp_setup
tap_plan 8

out=$("$PAYDESK_BIN" --version); st=$?
tap_is "$st" 0 "--version exits 0"
tap_is "$(echo "$out" | head -n 1)" "paydesk 0.1.0" "--version prints name and version first"

out=$("$PAYDESK_BIN" --help); st=$?
tap_is "$st" 0 "--help exits 0"
echo "$out" | grep -q '^Usage: paydesk ' ; tap_ok $? "--help starts with Usage"

"$PAYDESK_BIN" --no-such-option >/dev/null 2>&1; tap_is $? 2 "an unknown option exits 2"
"$PAYDESK_BIN" no-such-command >/dev/null 2>"$TEST_TMP/err"; tap_is $? 2 "an unknown command exits 2"
grep -q "unknown command 'no-such-command'" "$TEST_TMP/err"; tap_ok $? "the unknown command is named"

out=$(LANGUAGE= LC_ALL=zh_CN.UTF-8 "$PAYDESK_BIN" --help 2>/dev/null | head -n 1)
case "$out" in *用法*) st=0 ;; *) st=1 ;; esac
tap_ok $st "--help is translated in zh_CN.UTF-8"
tap_done
