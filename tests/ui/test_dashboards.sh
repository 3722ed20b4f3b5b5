#!/bin/sh
# The Insights and Risk screens as a user sees them: the real paydesk, headless, offline, with
# NO_COLOR, in C.UTF-8, zh_CN.UTF-8 and C at 80x24 and 120x40, each dump compared with
# tests/ui/expected/ (UPDATE_EXPECTED=1 rewrites them); then what must hold in every one of
# them: bars of block characters in UTF-8 and of '#' in C, nothing but ASCII in C, the chart
# no longer than the span, the longest bar on the largest day, nothing cut at 80 columns.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/ui/ui_lib.sh"
tmp_setup
tap_plan 33

T=$TEST_TMP
UI_NO_COLOR=1
ui_profile shop http://127.0.0.1:9
ui_profile risky http://127.0.0.1:9
ui_fill_cache shop 3000 >/dev/null &&
	"$abs_top_builddir/tests/ui/risk_fill" "$XDG_DATA_HOME/paydesk/risky.db" "$UI_NOW"
tap_ok $? "a cache of 3000 orders and one of risky orders are written"

# dump NAME LOCALE SIZE PROFILE KEYS...: runs KEYS (one script line each), dumps, compares.
dump() {
	name=$1 loc=$2 size=$3 prof=$4
	shift 4
	: >"$T/script"
	for line in "$@"; do printf '%s\n' "$line" >>"$T/script"; done
	printf ':save-display %s\n' "$T/$name.txt" >>"$T/script"
	ui_run "$loc" "$size" "$T/script" --offline --profile "$prof" 2>"$T/err" ||
		sed 's/^/# /' "$T/err"
	ui_compare "$name" "$T/$name.txt"
}

for size in 80x24 120x40; do
	dump "insights.C.$size" C.UTF-8 "$size" shop 5
	dump "insights.zh.$size" zh_CN.UTF-8 "$size" shop 5
	dump "insights.ascii.$size" C "$size" shop 5
	dump "risk.C.$size" C.UTF-8 "$size" risky :risk
	dump "risk.zh.$size" zh_CN.UTF-8 "$size" risky :risk
	dump "risk.ascii.$size" C "$size" risky :risk
done
dump insights-day.zh.80x24 zh_CN.UTF-8 80x24 shop 5 j v
dump insights-refund-rate.C.80x24 C.UTF-8 80x24 shop 5 m m m m m
dump insights-90.C.120x40 C.UTF-8 120x40 shop 5 s
dump insights-other-currency.zh.80x24 zh_CN.UTF-8 80x24 shop 5 c
dump insights-from-to.C.80x24 C.UTF-8 80x24 shop 5 f "2026-09-01..2026-09-10<Enter>"

# What holds in every dump, whatever the data.
bad=
for f in "$T"/insights*.ascii.* "$T"/risk.ascii.*; do
	LC_ALL=C grep -q '[^ -~]' "$f" && bad="$bad $(basename "$f")"
done
tap_is "$bad" "" "in C every screen is plain ASCII"
grep -q '█' "$T/insights.C.80x24.txt" && ! grep -q '#' "$T/insights.C.80x24.txt" &&
	grep -q '#' "$T/insights.ascii.80x24.txt" && ! grep -q '█' "$T/insights.ascii.80x24.txt"
tap_ok $? "bars are block characters in UTF-8 and '#' in C"
bad=
for f in "$T"/insights*.txt "$T"/risk*.80x24.txt; do
	case $f in *risk*) continue ;; esac
	grep -q '~' "$f" && bad="$bad $(basename "$f")"
done
tap_is "$bad" "" "nothing on the Insights screens is cut"

# The days run newest first, one row each: today is the first, and the 10-day span has 10.
sed -n 3p "$T/insights.C.80x24.txt" | grep -q '^>2026-09-21 '
tap_ok $? "the first row is today, under the cursor"
tap_is "$(grep -c '^[ >]2026-09-[0-9][0-9] ' "$T/insights-from-to.C.80x24.txt")" 10 \
	"FROM..TO shows those 10 days"
grep -q '^ Insights  row 1 of 90 ' "$T/insights-90.C.120x40.txt"
tap_ok $? "s is 90 days"
sed -n 2p "$T/insights-refund-rate.C.80x24.txt" | grep -q 'Refund rate 0 \.\. [0-9.]*%'
tap_ok $? "m five times is the refund rate, its axis in percent"

# The longest bar is on the day of the largest value, and its length is the chart's width.
longest() { # FILE: the value of the row whose bar is longest
	sed -n '3,$p' "$1" | awk '{ n = gsub(/[█▉▊▋▌▍▎▏#]/, "&"); if (n > max) { max = n; v = $2 } }
		END { print v }'
}
largest() { # FILE: the largest value of the rows shown
	sed -n '3,$p' "$1" | grep '^[ >]20' | awk '{ gsub(/,/, "", $2); print $2 }' | sort -n | tail -1
}
l=$(longest "$T/insights.C.120x40.txt" | tr -d ,)
tap_is "$l" "$(largest "$T/insights.C.120x40.txt")" "the longest bar is the largest day's"
l=$(longest "$T/insights.ascii.80x24.txt" | tr -d ,)
tap_is "$l" "$(largest "$T/insights.ascii.80x24.txt")" "the longest '#' bar is the largest day's"

# The day's pane: every measure, the Chinese titles, the values in one column.
for m in 交易总额 净额 退款 付款笔数 客单价 退款率 争议率 手续费; do
	grep -q "^  $m " "$T/insights-day.zh.80x24.txt" || echo "# missing: $m"
done >"$T/missing"
tap_is "$(cat "$T/missing")" "" "the pane shows the eight measures in Chinese"
sed -n '/^  交易总额/,/^  手续费/p' "$T/insights-day.zh.80x24.txt" |
	sed 's/时间段.*//' | while IFS= read -r line; do printf '%s\n' "$line" | LC_ALL=C.UTF-8 wc -L; done |
	sort -u | wc -l | tr -d ' ' >"$T/cols"
tap_is "$(cat "$T/cols")" 1 "the pane's values end in one column"
grep -q '^2026-09-20，' "$T/insights-day.zh.80x24.txt"
tap_ok $? "j then v is the day before"
sed -n 2p "$T/insights-other-currency.zh.80x24.txt" | grep -q '交易总额' &&
	! tail -n 3 "$T/insights-other-currency.zh.80x24.txt" | grep -q ' CNY，' &&
	tail -n 3 "$T/insights.zh.80x24.txt" | grep -q ' CNY，'
tap_ok $? "c shows another currency"

# Risk: the same rows whatever the language or size, most severe first.
for f in risk.C.80x24 risk.zh.80x24 risk.ascii.80x24 risk.C.120x40 risk.zh.120x40 risk.ascii.120x40; do
	sed -n '3,$p' "$T/$f.txt" | grep -o ' ch_[a-z]*_[0-9]* \| - ' | tr -d ' ' | tr '\n' ' '
	echo
done | sort -u >"$T/risk-rows"
tap_is "$(cat "$T/risk-rows")" "ch_risky_1 ch_burst_4 ch_risky_1 - " \
	"the Risk screen lists the same orders in every language and size"
sed -n 3p "$T/risk.C.80x24.txt" | grep -q '^>alert ' && sed -n 3p "$T/risk.zh.80x24.txt" | grep -q '^>警报 '
tap_ok $? "the Risk screen's first row is an alert, under the cursor"
tap_done
