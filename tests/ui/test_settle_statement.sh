#!/bin/sh
# From the Settlements screen to the statement: `s` on a payout previews
# the statement of its arrival day, `s` on the per-day summary that row's
# day, and `:statement` alone the selected day too.  The real paydesk,
# headless, on a deterministic cache; the list's dump says which row was
# selected, the preview's dump which day it covers.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/ui/ui_lib.sh"
tmp_setup
tap_plan 8

T=$TEST_TMP
ui_profile shop http://127.0.0.1:9
ui_fill_cache shop 3000 >/dev/null
tap_ok $? "a cache of 3000 orders is written"

# day_of_row FILE N: the first column of the Nth row of a list dump (after
# the tab bar and the column titles).
day_of_row() { sed -n "$(($2 + 2))p" "$1" | grep -o '^.[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]' | cut -c2-; }
# period_of FILE: the first day of a statement preview's period.
period_of() { sed -n 's/^Period: *\([0-9-]*\) .*/\1/p' "$1"; }

cat >"$T/s" <<SCRIPT
4
jjjjjjjjj
:save-display $T/payouts.txt
s
:save-display $T/payout-statement.txt
q
:statement
:save-display $T/command-statement.txt
q
d
jjjjjjjjjjjjj
:save-display $T/days.txt
s
:save-display $T/day-statement.txt
q
q
?
:save-display $T/help.txt
SCRIPT
ui_run C.UTF-8 80x24 "$T/s" --offline --profile shop 2>"$T/err"
tap_is $? 0 "the script runs"
sed 's/^/# /' "$T/err"

payout_day=$(day_of_row "$T/payouts.txt" 10)
first_day=$(day_of_row "$T/payouts.txt" 1)
[ -n "$payout_day" ] && [ "$payout_day" != "$first_day" ]
tap_ok $? "the selected payout arrives on another day than the first ($payout_day, $first_day)"
tap_is "$(period_of "$T/payout-statement.txt")" "$payout_day" "s on a payout previews its arrival day"
tap_is "$(period_of "$T/command-statement.txt")" "$payout_day" ":statement alone previews the selected day"
summary_day=$(day_of_row "$T/days.txt" 14)
[ -n "$summary_day" ] && [ "$summary_day" != "$(day_of_row "$T/days.txt" 1)" ]
tap_ok $? "the selected summary row is another day than the first ($summary_day)"
tap_is "$(period_of "$T/day-statement.txt")" "$summary_day" "s on the daily summary previews that day"
grep -q "^  s  *Preview the day's statement (p print, x export)" "$T/help.txt"
tap_ok $? "the Settlements help lists s"
tap_done
