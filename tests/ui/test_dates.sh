#!/bin/sh
# One reader of dates everywhere (paydesk_dates_parse): the Orders screen's `d`, `audit
# --since` and `statement --date/--from/--to` take today, yesterday, -7d, ISO days and
# FROM..TO ranges alike, and a range that ends before it starts is refused with a message,
# never shown as an empty list.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/ui/ui_lib.sh"
tmp_setup
tap_plan 15

ui_profile shop http://127.0.0.1:9
ui_fill_cache shop 3000 >/dev/null
tap_ok $? "a cache of 3000 orders is written"
T=$TEST_TMP

# run NAME LOCALE KEYS...: one script line each, then a dump into $T/NAME.
run() {
	name=$1 loc=$2
	shift 2
	: >"$T/script"
	for line in "$@"; do printf '%s\n' "$line" >>"$T/script"; done
	printf ':save-display %s/%s\n' "$T" "$name" >>"$T/script"
	ui_run "$loc" 80x24 "$T/script" --offline --profile shop 2>"$T/err" || sed 's/^/# /' "$T/err"
}
# UI_NOW is 2026-09-21 14:13:20 UTC.
run today C.UTF-8 "dtoday<Enter>"
grep -q "date: 2026-09-21" "$T/today"; tap_ok $? "d today filters on today"
run week C.UTF-8 "d-7d..<Enter>"
grep -q "dates: 2026-09-14.." "$T/week"; tap_ok $? "d -7d.. filters from seven days ago on"
run range C.UTF-8 "dyesterday..today<Enter>"
grep -q "dates: 2026-09-20..2026-09-21" "$T/range"; tap_ok $? "d yesterday..today is a range of two days"
run iso C.UTF-8 "d2026-09-01..2026-09-10<Enter>"
grep -q "dates: 2026-09-01..2026-09-10" "$T/iso"; tap_ok $? "ISO days as before"
run reversed C.UTF-8 "d2026-09-01..2026-09-10<Enter>" "d2026-09-10..2026-09-01<Enter>"
grep -q "the range '2026-09-10..2026-09-01' ends before it starts" "$T/reversed"
tap_ok $? "a reversed range is refused with a message"
grep -q "dates: 2026-09-01..2026-09-10" "$T/reversed"
tap_ok $? "and the filter stays as it was"
run reversed_zh zh_CN.UTF-8 "d2026-09-10..2026-09-01<Enter>"
grep -q "2026-09-10..2026-09-01" "$T/reversed_zh" && grep -q "早" "$T/reversed_zh"
tap_ok $? "the refusal is in Chinese in zh_CN"

# The command line reads the same days, in the profile's zone.
pd() {
	env LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE= TZ=UTC PAYDESK_NOW="$UI_NOW" \
		PAYDESK_API_KEY=sk_test_dates "$PAYDESK_BIN" --profile shop "$@" >"$T/out" 2>"$T/err"
}
pd audit --since yesterday; tap_is $? 0 "audit --since yesterday is read"
pd audit --since -7d; tap_is $? 0 "audit --since -7d is read"
pd audit --since 2026-09-21..2026-09-01; tap_is $? 2 "audit --since a reversed range is refused"
pd statement --date yesterday; cp "$T/out" "$T/yesterday.txt"
pd statement --date -1d; tap_is "$?" 0 "statement --date -1d is read"
cmp -s "$T/out" "$T/yesterday.txt"; tap_ok $? "and is the statement of yesterday"
pd statement --date 2026-09-18..2026-09-20
grep -q "2026-09-18" "$T/out" && grep -q "2026-09-20" "$T/out"
tap_ok $? "statement --date takes a range"
pd statement --from 2026-09-20 --to 2026-09-18; st=$?
grep -q 'ends before it starts' "$T/err"
tap_is "$st:$?" "2:0" "statement --from after --to is refused and says why"
tap_done
