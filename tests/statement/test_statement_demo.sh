#!/bin/sh
# The demo leaves nothing behind: a statement printed ('p', with no printer to take it) or
# exported ('x') in the demo is saved in the demo's throwaway directory, the message says
# where, and the file goes with the demo; nothing reaches the user's own statements
# directory. Headless (--script), with the demo's own sandbox.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/ui/ui_lib.sh"
tmp_setup
tap_plan 7

DEMO_TMP="$TEST_TMP/demo"
mkdir -p "$DEMO_TMP"
DAY=2026-09-20
# No printer: the demo's print fails as it did for the user who found this.
export LPDEST=no-such-printer-here PRINTER=no-such-printer-here
cat >"$TEST_TMP/script" <<SCRIPT
:statement $DAY
p
:save-display $TEST_TMP/print.txt
x
<C-u>csv<Enter>
<C-u>$TEST_TMP/elsewhere/mine.csv<Enter>
:save-display $TEST_TMP/export.txt
SCRIPT
mkdir -p "$TEST_TMP/elsewhere"
# The demo's messages name files in its directory: a wide screen shows them whole.
TMPDIR="$DEMO_TMP" PAYDESK_SANDBOX="$PAYDESK_SANDBOX" \
	ui_run C.UTF-8 240x30 "$TEST_TMP/script" --demo 2>"$TEST_TMP/err"
tap_is $? 0 "the demo runs the script and ends"
sed 's/^/# /' "$TEST_TMP/err"

grep -Eq "Not printed; the PDF is kept as $DEMO_TMP/paydesk-demo\.[^/]*/statements/statement-[^ ]*\.pdf until the demo ends: printing failed" \
	"$TEST_TMP/print.txt"
tap_ok $? "a failed print says the PDF is kept in the demo's directory until it ends"
grep -Eq "Statement saved in $DEMO_TMP/paydesk-demo\.[^/]*/statements/mine\.csv; the demo removes it" \
	"$TEST_TMP/export.txt"
tap_ok $? "an export goes to the demo's directory, whatever directory was typed"
[ ! -e "$TEST_TMP/elsewhere/mine.csv" ]
tap_ok $? "nothing is written where the export's path pointed"
[ ! -e "$XDG_DATA_HOME/paydesk/statements" ] && [ ! -e "$HOME/.local/share/paydesk" ]
tap_ok $? "nothing reaches the user's statements directory"
tap_is "$(ls -A "$DEMO_TMP")" "" "the demo's directory is gone, statements and all"

# Outside the demo the same failed print says where the PDF is, whole.
ui_profile shop http://127.0.0.1:9
ui_fill_cache shop 300 >/dev/null
printf ':statement %s\np\n:save-display %s\n' "$DAY" "$TEST_TMP/real.txt" >"$TEST_TMP/script"
ui_run C.UTF-8 240x30 "$TEST_TMP/script" --offline --profile shop 2>/dev/null
grep -q "Not printed; the PDF is saved as $XDG_DATA_HOME/paydesk/statements/statement-cache-$DAY-all.pdf: printing failed" \
	"$TEST_TMP/real.txt" && [ -s "$XDG_DATA_HOME/paydesk/statements/statement-cache-$DAY-all.pdf" ]
tap_ok $? "outside the demo a failed print names the file it saved, with its directory"
tap_done
