#!/bin/sh
# The statement preview in the screens (headless): ':statement DATE' shows the same lines as
# 'paydesk statement', 'x' exports the file the command line writes, 'p' without a printer
# says so and keeps the PDF, zh_CN renders in 80 columns.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/statement/stmt_lib.sh"
. "$abs_top_srcdir/tests/ui/ui_lib.sh"
tmp_setup
tap_plan 11

ui_profile shop http://127.0.0.1:9
printf 'printer = no-such-printer-here\n' >>"$XDG_CONFIG_HOME/paydesk/config"
ui_fill_cache shop 3000 >/dev/null
tap_ok $? "a cache of 3000 orders is written"
export PAYDESK_OPERATOR=clerk1
DAY=2026-09-20

script() { printf '%s\n' "$@" >"$TEST_TMP/script"; }
run() { ui_run "$1" 80x24 "$TEST_TMP/script" --offline --profile shop 2>"$TEST_TMP/err" || sed 's/^/# /' "$TEST_TMP/err"; }
cli() {
	env LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE= TZ=UTC PAYDESK_NOW="$UI_NOW" \
		PAYDESK_API_KEY=sk_test_screens "$PAYDESK_BIN" --profile shop statement --date "$DAY" "$@"
}

script ":statement $DAY" ":save-display $TEST_TMP/view.txt"
run C.UTF-8
cli >"$TEST_TMP/cli.txt" 2>/dev/null
grep -q "Closing balance" "$TEST_TMP/cli.txt"; tap_ok $? "the command line's statement has balances"
# The screen's rows 2-22 are the statement's first 21 lines.
sed -n '2,22p' "$TEST_TMP/view.txt" >"$TEST_TMP/view.body"
head -n 21 "$TEST_TMP/cli.txt" | sed 's/ *$//' >"$TEST_TMP/cli.body"
diff -u "$TEST_TMP/cli.body" "$TEST_TMP/view.body" >"$TEST_TMP/diff"
st=$?
tap_ok $st "the preview shows the very lines of 'paydesk statement'"
[ $st -eq 0 ] || sed 's/^/# /' "$TEST_TMP/diff" | head -n 20

script ":statement $DAY" "x" "<C-u>csv<Enter>" "<C-u>$TEST_TMP/export.csv<Enter>" \
	":save-display $TEST_TMP/export.txt"
run C.UTF-8
cli -f csv >"$TEST_TMP/cli.csv" 2>/dev/null
cmp -s "$TEST_TMP/cli.csv" "$TEST_TMP/export.csv"
tap_ok $? "'x' exports the same CSV as the command line"
grep -q "Statement saved in $TEST_TMP/export.csv" "$TEST_TMP/export.txt"
tap_ok $? "the export says where the file is"

script ":statement $DAY" "p" ":save-display $TEST_TMP/print.txt"
run C.UTF-8
# The message wraps over the screen's last lines: read them as one.
tail -n 3 "$TEST_TMP/print.txt" | tr -d '\n' | grep -q "Not printed; the PDF is saved as *$XDG_DATA_HOME/" &&
	[ -s "$XDG_DATA_HOME/paydesk/statements/statement-cache-$DAY-all.pdf" ]
tap_ok $? "'p' without a working printer says why and where the PDF is kept"

# The Settlements screen lists payouts by arrival; 's' on one previews the statement of its
# arrival day, which lists that very payout (not the payouts created that day).
script "4" "jjjjjjjjj" ":save-display $TEST_TMP/payouts.txt"
run C.UTF-8
payout=$(sed -n '12p' "$TEST_TMP/payouts.txt" | grep -o 'po_[0-9_]*')
script "4" "jjjjjjjjj" "s" "/$payout<Enter>" ":save-display $TEST_TMP/arrival.txt"
run C.UTF-8
[ -n "$payout" ] && grep -q "^  $payout " "$TEST_TMP/arrival.txt"
tap_ok $? "the statement of a payout's arrival day lists that payout ($payout)"
arrival=$(sed -n '12p' "$TEST_TMP/payouts.txt" | grep -o '^.[0-9-]*' | cut -c2-)
cli_day() { env LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE= TZ=UTC PAYDESK_NOW="$UI_NOW" \
	PAYDESK_API_KEY=sk_test_screens "$PAYDESK_BIN" --profile shop statement --date "$1" -f json; }
listed=$(cli_day "$arrival" 2>/dev/null | jq -r '.currencies[].payouts_list[].id' | sort)
on_screen=$(grep "^.$arrival " "$TEST_TMP/payouts.txt" | grep -o 'po_[0-9_]*' | sort)
[ -n "$on_screen" ] && printf '%s\n' "$on_screen" | while read -r po; do
	printf '%s\n' "$listed" | grep -qx "$po" || exit 1
done
tap_ok $? "every payout the screen shows arriving on $arrival is on that day's statement"

# The daily summary (Settlements, d) says what the statement of that day says, fees with
# the same sign: the screen's figures, digits only, are the statement's minor units.
script "4" "d" ":save-display $TEST_TMP/days.txt"
run C.UTF-8
first=$(sed -n '3p' "$TEST_TMP/days.txt" | grep -o '^.[0-9-]*' | cut -c2-)
screen=$(grep "^.$first " "$TEST_TMP/days.txt" | awk '{ printf "%s", tolower($2)
	for (i = 3; i <= 7; i++) { v = $i; gsub(/[,.]/, "", v); printf " %d", v + 0 }
	print "" }' | sort)
stmt=$(cli_day "$first" 2>/dev/null | jq -r '.currencies[]
	| select([.transactions[] | select(.category != "payouts")] | length > 0)
	| [.currency, .sales.amount, .refunds.amount, (.disputes.amount + .dispute_reversals.amount),
	   .fees_total, .net_activity] | map(tostring) | join(" ")' | sort)
[ -n "$screen" ] && [ "$screen" = "$stmt" ]
tap_ok $? "the daily summary of $first shows the statement's sales, refunds, disputes, fees and net"
[ "$screen" = "$stmt" ] || printf '# screen:\n%s\n# statement:\n%s\n' "$screen" "$stmt"

script ":statement $DAY" ":save-display $TEST_TMP/zh.txt"
run zh_CN.UTF-8
grep -q "结算对账单" "$TEST_TMP/zh.txt" && grep -q "期初余额" "$TEST_TMP/zh.txt"
tap_ok $? "the preview is in Chinese in zh_CN"
tap_is "$(LC_ALL=zh_CN.UTF-8 wc -L <"$TEST_TMP/zh.txt")" 80 "the zh_CN preview fits 80 columns"
tap_done
