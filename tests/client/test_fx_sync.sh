#!/bin/sh
# Cross-border: an account that settles in usd, eur and gbp takes charges in cny and jpy too,
# converted into usd at the day's rate. The cache keeps both sides of every converted
# movement exactly as the platform gives them, refunds of converted charges at their own
# day's rate, and payouts in the settlement currencies only.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/client/sync_lib.sh"
sync_setup --seed 7 --orders 1200 --days 45 --now 1790000000 --settlement usd,eur,gbp
tap_plan 12

sql() { sqlite3 -batch -noheader "$CACHE_DB" "$1"; }
api() { curl -sS -H "Authorization: Bearer $PAYDESK_API_KEY" "$SANDBOX_URL$1"; }

run_sync; tap_is $? 0 "a first sync of a converting account succeeds"
cache_equals_sandbox; tap_ok $? "the cache equals the platform, rates and conversion fees included"
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
tap_done
