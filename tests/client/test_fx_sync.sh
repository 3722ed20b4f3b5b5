#!/bin/sh
# Cross-border: an account that settles in usd, eur and gbp takes charges in cny and jpy too,
# converted into usd at the day's rate. The cache keeps both sides of every converted
# movement exactly as the platform gives them, refunds of converted charges at their own
# day's rate, and payouts in the settlement currencies only.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/client/sync_lib.sh"
. "$abs_top_srcdir/tests/statement/stmt_lib.sh"
sync_setup --seed 7 --orders 1200 --days 45 --now 1790000000 --settlement usd,eur,gbp
tap_plan 26

sql() { sqlite3 -batch -noheader "$CACHE_DB" "$1"; }
api() { curl -gsS -H "Authorization: Bearer $PAYDESK_API_KEY" "$SANDBOX_URL$1"; }

run_sync; tap_is $? 0 "a first sync of a converting account succeeds"
cache_equals_sandbox; tap_ok $? "the cache equals the platform, rates and conversion fees included"
admin GET /_admin/requests >"$TEST_TMP/requests.json"
pis=$(sql "SELECT (SELECT count(*) FROM payment_intents) = (SELECT count(*) FROM orders)
	AND NOT EXISTS (SELECT 1 FROM orders o LEFT JOIN payment_intents p ON p.id = o.payment_intent WHERE p.id IS NULL)")
grep -q '"path":"/v1/payment_intents"' "$TEST_TMP/requests.json"
tap_is "$pis/$?" "1/1" "every charge's payment intent comes expanded with it: cached, and no list of them read"
n=$(sql "SELECT count(*) FROM balance_transactions WHERE exchange_rate IS NOT NULL")
[ "$n" -gt 100 ]; tap_ok $? "converted movements are cached with their rate ($n)"

# One converted charge, both sides against the platform's own objects.
id=$(sql "SELECT source FROM balance_fx WHERE type = 'charge' ORDER BY id LIMIT 1")
api "/v1/charges/$id" >"$TEST_TMP/charge.json"
bt=$(jq -r .balance_transaction "$TEST_TMP/charge.json")
api "/v1/balance_transactions/$bt" >"$TEST_TMP/bt.json"
want=$(jq -r '"\(.amount)|\(.currency)"' "$TEST_TMP/charge.json")"|"$(jq -r '"\(.amount)|\(.currency)|\(.fee)"' "$TEST_TMP/bt.json")"|"$(grep -o '"exchange_rate":[0-9.]*' "$TEST_TMP/bt.json" | cut -d: -f2)"|"$(jq -r '[.fee_details[] | select(.description | test("onversion")) | .amount] | add' "$TEST_TMP/bt.json")
got=$(sql "SELECT presentment_amount || '|' || presentment_currency || '|' || settlement_amount
	|| '|' || settlement_currency || '|' || fee || '|' || exchange_rate || '|' || fx_fee
	FROM balance_fx WHERE source = '$id'")
tap_is "$got" "$want" "a converted charge's cache row holds the platform's two sides, rate text and fee"
case "$want" in *"|usd|"*) st=0 ;; *) st=1 ;; esac
tap_ok $st "the converted charge settled in the account's first settlement currency"
# The rate as written: the presentment amount times it is the settlement amount (major units).
check=$(sql "SELECT count(*) FROM balance_fx WHERE type = 'charge' AND settlement_amount <>
	CAST(round(presentment_amount * CAST(exchange_rate AS REAL)
	* CASE presentment_currency WHEN 'jpy' THEN 100 ELSE 1 END) AS INTEGER)")
tap_is "$check" 0 "every converted charge's settlement amount is its presentment amount times the rate"
got=$(sql "SELECT count(*) || '/' || sum(o.settled_amount IS b.amount AND o.settled_currency IS b.currency)
	FROM balance_transactions b JOIN orders o ON o.id = b.source
	WHERE b.type = 'charge' AND b.exchange_rate IS NOT NULL")
tap_is "$got" "${got%/*}/${got%/*}" "every converted order keeps what it settled as, for the Orders screen's settled side"
cur=$(sql "SELECT group_concat(DISTINCT currency) FROM (SELECT currency FROM payouts ORDER BY currency)")
tap_is "$cur" "eur,gbp,usd" "payouts are in the settlement currencies only"
rec=$(sql "SELECT count(*) FROM payouts WHERE reconciled = 1")
bad=$(sql "SELECT count(*) FROM payouts p WHERE p.reconciled = 1 AND p.amount <>
	(SELECT coalesce(sum(net), 0) FROM balance_transactions b WHERE b.payout_id = p.id
	AND b.type <> 'payout')")
tap_is "$bad/$([ "$rec" -gt 20 ] && echo many)" "0/many" "every reconciled payout equals the net of its entries, converted ones included"

# A partial refund of a converted charge, a day later: at that day's rate.
rate0=$(sql "SELECT exchange_rate FROM balance_fx WHERE source = '$id'")
admin POST /_admin/advance 'seconds=86400' >/dev/null
amount=$(jq -r '.amount' "$TEST_TMP/charge.json")
part=$((amount / 3))
curl -sS -H "Authorization: Bearer $PAYDESK_API_KEY" -d "charge=$id" -d "amount=$part" \
	"$SANDBOX_URL/v1/refunds" >"$TEST_TMP/refund.json"
re=$(jq -r .id "$TEST_TMP/refund.json")
run_sync; tap_is $? 0 "the sync after the refund succeeds"
got=$(sql "SELECT presentment_amount || '|' || presentment_currency || '|' || (exchange_rate <> '$rate0')
	FROM balance_fx WHERE source = '$re'")
tap_is "$got" "-$part|$(jq -r .currency "$TEST_TMP/charge.json")|1" "the refund is converted at its own day's rate, signed like the movement"
cache_equals_sandbox; tap_ok $? "after the refund the cache equals the platform again"
cache_intact; tap_ok $? "the cache is intact"

# The statement of a day against an independent computation from the platform's own balance
# transactions and the charges, refunds and disputes they come from (paged with curl).
list_all() { # PATH [QUERY]: every object of a list, one JSON per line
	_after=
	while :; do
		api "$1?limit=100${2:+&$2}${_after:+&starting_after=$_after}" >"$TEST_TMP/page.json" || return 1
		jq -c '.data[]' "$TEST_TMP/page.json"
		[ "$(jq -r .has_more "$TEST_TMP/page.json")" = true ] || break
		_after=$(jq -r '.data[-1].id' "$TEST_TMP/page.json")
	done
}
day=2026-09-10
from=$(date -u -d "$day" +%s) to=$(( $(date -u -d "$day" +%s) + 86400 ))
list_all /v1/balance_transactions "created[gte]=$from&created[lt]=$to" >"$TEST_TMP/day_bts.jsonl"
{ list_all /v1/charges; list_all /v1/refunds; list_all /v1/disputes; } |
	jq -c '{id, amount, currency}' >"$TEST_TMP/sources.jsonl"
# Rates as the platform wrote them, from the raw reply (jq would read them as doubles).
grep -o '"id":"txn_[^"]*"[^}]*"exchange_rate":[0-9][0-9.]*' "$TEST_TMP/day_bts.jsonl" |
	sed 's/"id":"\([^"]*\)".*"exchange_rate":\([0-9.]*\)/\1 \2/' | sort >"$TEST_TMP/rates.want"
want=$(jq -s -r --slurpfile src "$TEST_TMP/sources.jsonl" '
	($src | map({(.id): .}) | add) as $s |
	[.[] | select(.exchange_rate != null) | . as $b | $s[$b.source] as $p |
	 {from: $p.currency, to: $b.currency, p: $p.amount, a: ($b.amount | fabs),
	  f: ([$b.fee_details[] | select(.description | test("onversion")) | .amount] | add // 0)}] |
	group_by(.to + .from) | map("\(.[0].to) \(.[0].from) \(length) \(map(.p) | add) \(map(.a) | add) \(map(.f) | add)") | .[]' \
	"$TEST_TMP/day_bts.jsonl")
"$PAYDESK_BIN" statement --date "$day" --timezone UTC -f json -o "$TEST_TMP/day.json" 2>"$TEST_TMP/stmt.err"
tap_is $? 0 "the statement of a day with conversions is written"
got=$(jq -r '[.currencies[] | .conversions[] | "\(.to) \(.from) \(.count) \(.presented) \(.settled) \(.fees)"] | sort | .[]' "$TEST_TMP/day.json")
want=$(echo "$want" | sort)
tap_is "$got" "$want" "its conversions per currency pair equal those computed from the platform's transactions"
[ -n "$want" ]; tap_ok $? "the day has conversions to compare ($(echo "$want" | wc -l) pairs)"
jq -r '.currencies[].transactions[] | select(.conversion != null) | "\(.id) \(.conversion.exchange_rate)"' \
	"$TEST_TMP/day.json" | sort >"$TEST_TMP/rates.got"
cmp -s "$TEST_TMP/rates.got" "$TEST_TMP/rates.want"
tap_ok $? "every converted line carries the platform's rate exactly as written ($(wc -l <"$TEST_TMP/rates.want"))"
bad=$(jq '[.currencies[].payouts_list[] | select(.reconciliation.result != "match")] | length' "$TEST_TMP/day.json")
tap_is "$bad" 0 "every payout of the day equals the net of its entries, converted ones included"
got=$(stmt_from_statement "$TEST_TMP/day.json") want=$(stmt_from_ledger "$TEST_TMP/day.json" "$from" "$to")
tap_is "$got" "$want" "every total of that statement equals the platform's own ledger, per settlement currency"
"$PAYDESK_BIN" statement --date "$day" --timezone UTC -f csv -o "$TEST_TMP/day.csv" &&
	fees=$(awk -F, '$1 == "conversion" { s += $18 * 100 } END { printf "%d", s + 0.5 }' "$TEST_TMP/day.csv") &&
	tap_is "$fees" "$(jq '[.currencies[].conversion_fees_total] | add' "$TEST_TMP/day.json")" \
	"the CSV's conversion records add up to the JSON's conversion fees"

# Insights: what payments settled as, by the currency paid in, and the conversion fees, against
# the platform's own balance transactions of the same days.
list_all /v1/balance_transactions "created[gte]=$(date -u -d 2026-08-20 +%s)&created[lt]=$(date -u -d 2026-09-21 +%s)" |
	jq -c 'select(.type == "charge")' >"$TEST_TMP/span_bts.jsonl"
want=$(jq -s -r --slurpfile src "$TEST_TMP/sources.jsonl" '
	($src | map({(.id): .}) | add) as $s |
	map({to: .currency, from: $s[.source].currency, a: .amount,
	     f: ([.fee_details[] | select(.description | test("onversion")) | .amount] | add // 0)}) |
	group_by(.to + .from) | map("\(.[0].to) \(.[0].from) \(length) \(map(.a) | add) \(map(.f) | add)") | .[]' \
	"$TEST_TMP/span_bts.jsonl" | sort)
PAYDESK_NOW=1790000000 "$PAYDESK_BIN" insights --from 2026-08-20 --to 2026-09-20 --timezone UTC -f json \
	>"$TEST_TMP/insights.json" 2>"$TEST_TMP/insights.err"
tap_is $? 0 "paydesk insights of a converting account succeeds"
got=$(jq -r '.currencies[] | .currency as $c | .paid_in[] |
	"\($c) \(.currency) \(.payments) \(.settled | sub("\\."; "") | tonumber) \(.conversion_fees | sub("\\."; "") | tonumber)"' \
	"$TEST_TMP/insights.json" | sort)
tap_is "$got" "$want" "Insights' paid-in shares and conversion fees equal the platform's transactions"

# The sandbox refuses settlement currencies it cannot model, and keeps a store's own.
"$PAYDESK_SANDBOX" --port 0 --settlement usd,xyz >/dev/null 2>"$TEST_TMP/bad.err"
st=$?
grep -q "unknown settlement currency 'xyz'" "$TEST_TMP/bad.err"
tap_is "$st/$?" "1/0" "an unknown settlement currency is refused with its name"
"$PAYDESK_SANDBOX" --port 0 --platform wechatpay --settlement usd >/dev/null 2>"$TEST_TMP/bad.err"
tap_is "$?" 2 "--settlement is refused for a platform it does not model"
"$PAYDESK_SANDBOX" --port 0 --quiet --orders 10 --db "$TEST_TMP/s.db" --settlement usd </dev/null >/dev/null 2>&1 &
pid=$!; sleep 1; kill $pid; wait $pid 2>/dev/null
"$PAYDESK_SANDBOX" --port 0 --db "$TEST_TMP/s.db" --settlement eur >/dev/null 2>"$TEST_TMP/bad.err"
grep -q "settles in usd, not eur" "$TEST_TMP/bad.err"
tap_ok $? "a store seeded to settle in usd is not reopened as settling in eur"
tap_done
