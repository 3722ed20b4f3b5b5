#!/bin/sh
# The PDF statement as a clerk files it, read back with poppler: a day of about thirty
# transactions fits one or two pages (not a page per currency); every page says whose
# statement, which period, which zone and page n of m; each sale names its order number
# beside the platform's id; amounts, fees and nets stand in columns with room between them;
# the summary's totals are the sandbox's own ledger; a week runs to several pages without
# losing a line; the same in Chinese.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/statement/stmt_lib.sh"
tmp_setup
tap_plan 26

NOW=1764115200 # 2025-11-26 00:00 UTC
TZONE=Asia/Shanghai
export PAYDESK_NOW=$NOW PAYDESK_OPERATOR=clerk1 LANGUAGE= LC_ALL=C.UTF-8
export PAYDESK_API_KEY=sk_test_statement

# The demo's store: some thirty transactions a day in five currencies.
if ! sandbox_start --seed 7 --orders 3000 --days 90 --now "$NOW" --quiet; then
	echo "Bail out! paydesk-sandbox did not start"
	exit 1
fi
mkdir -p "$XDG_CONFIG_HOME/paydesk"
printf '[shop]\napi_base = %s\ntimeout = 30\ntimezone = %s\n' "$SANDBOX_URL" "$TZONE" \
	>"$XDG_CONFIG_HOME/paydesk/config"
"$PAYDESK_BIN" --profile shop sync >/dev/null 2>"$TEST_TMP/err"
tap_ok $? "the demo's store is synced"
CACHE="$XDG_DATA_HOME/paydesk/shop.db"
statement() { "$PAYDESK_BIN" --profile shop statement "$@"; }

# The Shanghai day whose count of transactions is nearest 31, two weeks into the store's
# history (when payouts arrive every day).
DAY=$(sqlite3 "$CACHE" "SELECT date(created + 8 * 3600, 'unixepoch') d FROM balance_transactions
	WHERE created < $NOW - 86400 AND created > (SELECT min(created) + 14 * 86400
	FROM balance_transactions) GROUP BY d ORDER BY abs(count(*) - 31), d LIMIT 1")
statement --date "$DAY" -f json -o "$TEST_TMP/day.json" 2>/dev/null &&
	statement --date "$DAY" -f pdf -o "$TEST_TMP/day.pdf" 2>/dev/null
tap_ok $? "the statement of $DAY is written as JSON and PDF"
lines=$(jq '[.currencies[].transactions[]] | length' "$TEST_TMP/day.json")
curs=$(jq '.currencies | length' "$TEST_TMP/day.json")
pages=$(pdfinfo "$TEST_TMP/day.pdf" | sed -n 's/^Pages: *//p')
[ "$curs" -ge 4 ] && [ "$lines" -ge 25 ] && [ "$lines" -le 40 ]
tap_ok $? "the day has $lines transactions in $curs currencies"
[ "${pages:-0}" -ge 1 ] && [ "$pages" -le 2 ]
tap_ok $? "they fit on one or two pages ($pages), the currencies one after another"

# Every page's header: the account, the period, the zone by name, page n of m.
acct=$(jq -r .account.id "$TEST_TMP/day.json")
period="$DAY 00:00 to $(date -u -d "$DAY + 1 day" +%F) 00:00"
headers_ok() { # PDF PAGES TITLE PERIOD ZONE PAGE-FORMAT
	_p=1
	while [ "$_p" -le "$2" ]; do
		pdftotext -layout -f "$_p" -l "$_p" "$1" - 2>/dev/null | head -n 6 >"$TEST_TMP/head"
		# shellcheck disable=SC2059
		_page=$(printf "$6" "$_p" "$2")
		grep -qF "$3" "$TEST_TMP/head" && grep -qF "$acct" "$TEST_TMP/head" &&
			grep -qF "$4" "$TEST_TMP/head" && grep -qF "$5" "$TEST_TMP/head" &&
			grep -qF "$_page" "$TEST_TMP/head" || return 1
		_p=$((_p + 1))
	done
}
headers_ok "$TEST_TMP/day.pdf" "$pages" "Settlement statement" "Period: $period" \
	"Time zone: $TZONE" "Page %d of %d"
tap_ok $? "each of the $pages pages names the account, the period, the zone and its number"

# The merchant's order number beside the platform's id, on the same line.
pdftotext -layout "$TEST_TMP/day.pdf" "$TEST_TMP/day.txt" 2>/dev/null
jq -r '.currencies[].transactions[] | select(.category == "sales") | "\(.id) \(.order)"' \
	"$TEST_TMP/day.json" >"$TEST_TMP/sales"
missing=0
while read -r id order; do
	grep -F "$id" "$TEST_TMP/day.txt" | grep -qF "$order" || missing=$((missing + 1))
done <"$TEST_TMP/sales"
[ -s "$TEST_TMP/sales" ] && [ "$missing" -eq 0 ] && grep -q "ORD-" "$TEST_TMP/sales"
tap_ok $? "each of the $(wc -l <"$TEST_TMP/sales") sales names its order number beside its id"

# Columns: every transaction's amount, fee and net end at their column's right edge, the
# ids start at one left edge, and neighbouring columns keep a clear gap.
pdftotext -bbox "$TEST_TMP/day.pdf" - 2>/dev/null |
	sed -n 's/.*<word xMin="\([0-9.]*\)" yMin="\([0-9.]*\)" xMax="\([0-9.]*\)" yMax="[0-9.]*">\(.*\)<\/word>/\2 \1 \3 \4/p' |
	awk '{ printf "%.1f %.2f %.2f %s\n", $1, $2, $3, $4 }' | sort -k1,1n -k2,2n >"$TEST_TMP/words"
# One line per transaction row (words sharing a y, left to right): the id's left edge, then
# the left and right edges of the last three words (amount, fee, net).
awk 'function row() { if (id != "" && n >= 4) print id, l[n - 2], r[n - 2], l[n - 1], r[n - 1], l[n], r[n] }
	$1 != y { row(); y = $1; n = 0; id = "" }
	{ n++; l[n] = $2; r[n] = $3; if ($4 ~ /^txn_/) id = $2 }
	END { row() }' "$TEST_TMP/words" >"$TEST_TMP/rows"
rows=$(wc -l <"$TEST_TMP/rows")
# The widest spread of an edge over the rows, in points (poppler's boxes differ by hundredths).
spread=$(awk 'NR == 1 { for (i = 1; i <= 7; i++) { lo[i] = hi[i] = $i } }
	{ for (i = 1; i <= 7; i++) { if ($i < lo[i]) lo[i] = $i; if ($i > hi[i]) hi[i] = $i } }
	END { m = 0; split("1 3 5 7", k, " ")
	      for (j = 1; j <= 4; j++) if (hi[k[j]] - lo[k[j]] > m) m = hi[k[j]] - lo[k[j]]
	      printf "%.2f", m }' "$TEST_TMP/rows")
[ "$rows" -eq "$lines" ] && awk -v s="$spread" 'BEGIN { exit !(s < 0.3) }'
tap_ok $? "all $rows rows share one id column and one right edge per amount column (within ${spread}pt)"
gap=$(awk 'BEGIN { m = 1e9 } { g1 = $4 - $3; g2 = $6 - $5; if (g1 < m) m = g1; if (g2 < m) m = g2 }
	END { printf "%d", m }' "$TEST_TMP/rows")
[ "${gap:-0}" -ge 6 ]
tap_ok $? "amount, fee and net never run together (the narrowest gap is ${gap}pt)"
pdffonts "$TEST_TMP/day.pdf" 2>/dev/null | awk 'NR > 2 { print $1 }' >"$TEST_TMP/fonts"
grep -q "DejaVuSans$" "$TEST_TMP/fonts" && grep -q "DejaVuSans-Bold$" "$TEST_TMP/fonts" &&
	! grep -q "Mono" "$TEST_TMP/fonts"
tap_ok $? "it is set in a proportional face with a bold for totals ($(tr '\n' ' ' <"$TEST_TMP/fonts"))"

# The summary's figures are the sandbox's ledger's, currency by currency.
from=$(jq .period.from "$TEST_TMP/day.json") to=$(jq .period.to "$TEST_TMP/day.json")
stmt_from_ledger "$TEST_TMP/day.json" "$from" "$to" |
	awk '{ print $1, "opening", $2; print $1, "sales", $4; print $1, "refunds", $8
	       print $1, "net", $19; print $1, "payouts", $18; print $1, "closing", $20 }' |
	sort >"$TEST_TMP/want"
stmt_pdf_summary "$TEST_TMP/day.pdf" | grep -E " (opening|sales|refunds|net|payouts|closing) " |
	sort >"$TEST_TMP/got"
[ -s "$TEST_TMP/want" ] && cmp -s "$TEST_TMP/want" "$TEST_TMP/got"
tap_ok $? "the summary's balances, sales, refunds, net activity and payouts are the ledger's"
cmp -s "$TEST_TMP/want" "$TEST_TMP/got" || diff "$TEST_TMP/want" "$TEST_TMP/got" | sed 's/^/# /' | head
fees=$(stmt_pdf_summary "$TEST_TMP/day.pdf" | awk '$2 == "fees" { print $1, $3 }' | sort)
want=$(jq -r '.currencies[] | "\(.currency) \(.fees_total)"' "$TEST_TMP/day.json" | sort)
[ -n "$fees" ] && [ "$fees" = "$want" ] && printf '%s\n' "$fees" | awk '$2 + 0 > 0 { bad = 1 } END { exit bad }'
tap_ok $? "fees are negative, as the statement's JSON and the daily summary have them"
# Each currency's transactions total to its net activity plus its payouts.
totals=$(grep -E "^ *Total " "$TEST_TMP/day.txt" | awk "$stmt_awk_minor"'{ print minor($NF) }')
want=$(jq -r '.currencies[] | .net_activity + .payouts_total' "$TEST_TMP/day.json")
[ -n "$totals" ] && [ "$totals" = "$want" ]
tap_ok $? "each currency's transactions total its net activity and payouts"

# Payouts: those arriving that day, as the bank shows them.
n_po=$(jq '[.currencies[].payouts_list[]] | length' "$TEST_TMP/day.json")
seen=0
for po in $(jq -r '.currencies[].payouts_list[].id' "$TEST_TMP/day.json"); do
	grep -qF "$po" "$TEST_TMP/day.txt" && seen=$((seen + 1))
done
[ "$n_po" -gt 0 ] && [ "$seen" -eq "$n_po" ] && grep -q "Payouts arriving at the bank in this period" "$TEST_TMP/day.txt"
tap_ok $? "the $n_po payouts arriving that day are listed as arriving"

# A payout whose transactions do not add up says so, with the difference.
po=$(jq -r '[.currencies[] | select(.currency == "usd") | .payouts_list[0].id][0]' "$TEST_TMP/day.json")
tamper() { sqlite3 "$CACHE" "UPDATE balance_transactions SET net = net $1 7 WHERE id =
	(SELECT min(id) FROM balance_transactions WHERE payout_id = '$po' AND type = 'charge')"; }
tamper + && statement --date "$DAY" -f pdf -o "$TEST_TMP/tampered.pdf" 2>/dev/null
pdftotext -layout "$TEST_TMP/tampered.pdf" - 2>/dev/null | grep -A1 "$po" | tr -s ' \n' '  ' |
	grep -q "MISMATCH.*MISMATCH: its [0-9]* transactions sum to .* difference -0.07\."
tap_ok $? "a payout that does not reconcile ($po) is marked, with its difference"
tamper -

# A week: many pages, each with its header; the lines cut by a page go on under their
# column titles again, and none is lost.
FIRST=$(date -u -d "$DAY - 6 days" +%F)
statement --from "$FIRST" --to "$DAY" -f json -o "$TEST_TMP/week.json" 2>/dev/null &&
	statement --from "$FIRST" --to "$DAY" -f pdf -o "$TEST_TMP/week.pdf" 2>/dev/null
tap_ok $? "the statement of the week $FIRST to $DAY is written"
wpages=$(pdfinfo "$TEST_TMP/week.pdf" | sed -n 's/^Pages: *//p')
wlines=$(jq '[.currencies[].transactions[]] | length' "$TEST_TMP/week.json")
[ "${wpages:-0}" -ge 3 ]
tap_ok $? "$wlines transactions take $wpages pages"
headers_ok "$TEST_TMP/week.pdf" "$wpages" "Settlement statement" \
	"Period: $FIRST 00:00 to $(date -u -d "$DAY + 1 day" +%F) 00:00" "Time zone: $TZONE" "Page %d of %d"
tap_ok $? "each of the $wpages pages has the header"
pdftotext -layout "$TEST_TMP/week.pdf" "$TEST_TMP/week.txt" 2>/dev/null
tap_is "$(grep -c 'txn_' "$TEST_TMP/week.txt")" "$wlines" "every transaction of the week is printed once"
grep -q "transactions (continued)" "$TEST_TMP/week.txt" &&
	[ "$(grep -c '^ *Time  *Type' "$TEST_TMP/week.txt")" -gt "$(jq '.currencies | length' "$TEST_TMP/week.json")" ]
tap_ok $? "a currency's transactions cut by a page go on under their column titles"
grep -E "^ *[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} +(sale|refund|payout|fee|dispute|adjustment|reversal) " \
	"$TEST_TMP/week.txt" >/dev/null
tap_ok $? "over several days each line carries its date"

# Chinese: the same document in Simplified Chinese, set with Noto Sans CJK.
zh() { LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 statement "$@"; }
zh --date "$DAY" -f pdf -o "$TEST_TMP/zh.pdf" 2>/dev/null
tap_ok $? "the Chinese statement is written"
zpages=$(pdfinfo "$TEST_TMP/zh.pdf" | sed -n 's/^Pages: *//p')
[ "${zpages:-0}" -ge 1 ] && [ "$zpages" -le 2 ]
tap_ok $? "it too fits one or two pages ($zpages)"
headers_ok "$TEST_TMP/zh.pdf" "$zpages" "结算对账单" "期间：" "时区：" "第 %d 页，共 %d 页"
tap_ok $? "each Chinese page names the account, the period, the zone and its number"
pdftotext -layout "$TEST_TMP/zh.pdf" "$TEST_TMP/zh.txt" 2>/dev/null
grep -q "期末余额" "$TEST_TMP/zh.txt" && grep -q "商户订单号" "$TEST_TMP/zh.txt" &&
	grep -q "本期到账出款" "$TEST_TMP/zh.txt" && grep -q "交易明细" "$TEST_TMP/zh.txt"
tap_ok $? "its words are Chinese: closing balance, order number, payouts arriving, transactions"
pdffonts "$TEST_TMP/zh.pdf" 2>/dev/null | grep -q "NotoSansCJK"
tap_ok $? "its Chinese is set in Noto Sans CJK"
zh_close=$(grep "期末余额" "$TEST_TMP/zh.txt" | head -n 1 | awk '{ $1 = ""; print }' | tr -s ' ' | sed 's/^ //')
c_close=$(stmt_pdf_summary "$TEST_TMP/day.pdf" | awk '$2 == "closing" { print $3 }' | tr '\n' ' ' | sed 's/ $//')
tap_is "$(printf '%s\n' "$zh_close" | tr ' ' '\n' | awk "$stmt_awk_minor"'{ print minor($1) }' | tr '\n' ' ' | sed 's/ $//')" \
	"$c_close" "its closing balances are the English statement's"
tap_done
