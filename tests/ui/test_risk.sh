#!/bin/sh
# Risk, from the command line and on the screen, with the real program on a cache that holds
# a paid payment of the highest risk (whose platform message carries terminal escapes), five
# declines of one card within ten minutes and 2 disputes on 100 Visa payments: `paydesk risk`
# in its three formats, exit status 4 once the profile's minimum makes the Visa ratio cross
# the monitoring threshold, refusals of bad settings and formats; the Risk screen's rows in
# English and Chinese at 80x24, its detail pane, and Enter to the order.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/ui/ui_lib.sh"
tmp_setup
tap_plan 28

T=$TEST_TMP
ESC=$(printf '\033')
ui_profile shop http://127.0.0.1:9
mkdir -p "$XDG_DATA_HOME/paydesk"
"$abs_top_builddir/tests/ui/risk_fill" "$XDG_DATA_HOME/paydesk/shop.db" "$UI_NOW"
tap_ok $? "a cache with risky orders is written"

pd() {
	env LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE= TZ=UTC PAYDESK_NOW="$UI_NOW" \
		PAYDESK_API_KEY=sk_test_risk "$PAYDESK_BIN" "$@" >"$T/out" 2>"$T/err"
}

# ---- The command ----
pd --profile shop risk; st=$?
tap_is "$st" 0 "no monitoring threshold crossed: exit 0"
grep -q '^alert  platform_risk      ch_risky_1  250.00 USD  the platform rated its risk highest; it was paid' "$T/out"
tap_ok $? "txt: the paid payment of the highest risk, with its amount and reason"
grep -q '^alert  card_velocity      ch_burst_4  5 attempts within 60 minutes with the mastercard card ending 5555 (expires 01/2031), 5 of them failed' "$T/out"
tap_ok $? "txt: the five declines of one card"
grep -q '^warn   dispute_ratio      -  Visa 2026-09: 2 disputes on 100 payments of the same month, 2.00%, at or above VAMP.s 1.50% (which applies from 1501 disputes a month)' "$T/out"
tap_ok $? "txt: the Visa ratio over the line but under the program's minimum count is a warning"
! grep -q "$ESC" "$T/out"
tap_ok $? "txt: the platform's escapes are sanitized"
grep -q 'Payment complete' "$T/out"
tap_ok $? "txt: the platform's message is kept"

pd --profile shop risk --format csv; st=$?
tap_is "$st" 0 "csv: exit 0"
tap_is "$(head -1 "$T/out")" "severity,rule,order_id,amount,currency,time,crosses_threshold,reason" "csv: the header"
grep -q '^alert,platform_risk,ch_risky_1,250.00,USD,2026-09-21T13:43:20Z,no,' "$T/out"
tap_ok $? "csv: a row of plain fields"
! grep -q "$ESC" "$T/out"
tap_ok $? "csv: no escapes"

pd --profile shop risk --format json; st=$?
tap_is "$st" 0 "json: exit 0"
# The findings as JSON_INDENT(2) writes them: one member a line, in the order written.
awk '/"rule": "platform_risk"/,/}/' "$T/out" >"$T/platform.json"
grep -q '"order_id": "ch_risky_1"' "$T/platform.json" && grep -q '"amount": 25000,' "$T/platform.json" &&
	grep -q '"currency": "USD"' "$T/platform.json" && grep -q '"severity": "alert"' "$T/platform.json" &&
	grep -q '"crosses_threshold": false' "$T/platform.json" &&
	grep -q '"reason": ".*Payment complete' "$T/platform.json" && ! grep -q '\\u001b' "$T/platform.json" &&
	awk '/"rule": "dispute_ratio"/,/}/' "$T/out" | grep -q '"order_id": null' &&
	awk '/"rule": "dispute_ratio"/,/}/' "$T/out" | grep -q '"amount": null' &&
	grep -q '"threshold_crossed": false' "$T/out"
tap_ok $? "json: minor units and currency, null for an aggregate, sanitized reason"

# The profile's minimum at 2 disputes: the Visa ratio crosses VAMP's threshold.
cat >>"$XDG_CONFIG_HOME/paydesk/config" <<CONF
risk_dispute_count_visa = 2
CONF
pd --profile shop risk; st=$?
tap_is "$st" 4 "a crossed monitoring threshold: exit 4"
head -1 "$T/out" | grep -q '^alert  dispute_ratio      -  Visa 2026-09: 2 disputes on 100 payments of the same month, 2.00%, at or above VAMP.s 1.50%$'
tap_ok $? "and the crossing comes first"
grep -q 'monitoring threshold is crossed' "$T/out"
tap_ok $? "txt says so at the end"
pd --profile shop risk --format json; st=$?
tap_is "$st" 4 "json: exit 4 as well"
grep -q '"threshold_crossed": true' "$T/out"
tap_ok $? "json: threshold_crossed"

echo "risk_dispute_ratio_visa = lots" >>"$XDG_CONFIG_HOME/paydesk/config"
pd --profile shop risk; st=$?
tap_is "$st" 1 "a bad setting: exit 1"
grep -q "line 6: risk_dispute_ratio_visa must be a percentage from 0.01% to 100% with at most two decimals, not 'lots' (the default is 1.5%)" "$T/err"
tap_ok $? "and the message names the line, the key, what it takes and the default"
sed -i '$d' "$XDG_CONFIG_HOME/paydesk/config"
pd --profile shop risk --format xml; st=$?
tap_is "$st" 2 "an unknown format is a usage error"
pd risk --help; st=$?
grep -q 'exit status\|Exit status' "$T/out" && grep -q ' 4 when a card network' "$T/out"
tap_is "$st:$?" "0:0" "--help documents exit status 4"

# Every setting of the rules' table is a tagged paragraph of paydesk.conf(5).
keys=$(sed -n 's/.*{"\(risk_[a-z_]*\)",.*/\1/p' "$abs_top_srcdir/client/risk.c")
undocumented=$(for k in $keys; do
	grep -A1 '^[.]TP' "$abs_top_srcdir/doc/paydesk.conf.5" | grep -q "^[.]BI $k " || echo "$k"
done)
[ -n "$keys" ] && [ -z "$undocumented" ]
tap_ok $? "paydesk.conf(5) documents every risk setting ($undocumented)"

# ---- The screen ----
cat >"$T/s" <<SCRIPT
:risk
:save-display $T/risk.txt
v
:save-display $T/pane.txt
v
<Enter>
:save-display $T/order.txt
SCRIPT
ui_run C.UTF-8 80x24 "$T/s" --offline --profile shop 2>"$T/err"
sed 's/^/# /' "$T/err"
sed -n 3p "$T/risk.txt" | grep -q '^>alert Dispute ratio  -  .*Visa 2026-09: 2 disputes on 100'
tap_ok $? "the screen: the crossing first"
grep -q '^ alert Platform risk  ch_risky_1  *\$250.00 the platform rated' "$T/risk.txt" &&
	grep -q '^ alert Card velocity  ch_burst_4' "$T/risk.txt"
tap_ok $? "the screen: the risky payment and the card's declines, one row each"
grep -q 'What the rule looks for' "$T/pane.txt" && grep -q 'VAMP' "$T/pane.txt"
tap_ok $? "v shows the rule's explanation"
printf ':risk\nj\n<Enter>\n:save-display %s/order.txt\n' "$T" >"$T/s2"
ui_run C.UTF-8 80x24 "$T/s2" --offline --profile shop 2>"$T/err"
grep -q '^Order ch_risky_1' "$T/order.txt"
tap_ok $? "Enter on a row opens its order"

printf ':risk\n:save-display %s/risk.zh.txt\n' "$T" >"$T/s3"
ui_run zh_CN.UTF-8 80x24 "$T/s3" --offline --profile shop 2>"$T/err"
grep -q 'ch_risky_1' "$T/risk.zh.txt" && grep -q '平台风险' "$T/risk.zh.txt"
tap_ok $? "the screen in Chinese"
tap_done
