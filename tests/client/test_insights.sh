#!/bin/sh
# Insights against the platform: after a sync (the store marks what it writes, the end of
# the sync folds it), `paydesk insights` gives per currency the gross, payments, refunds,
# disputes and fees that the platform's own lists add up to (curl and jq here, not paydesk);
# again after new activity and an incremental sync; the same figures when nothing is folded
# (counted from the objects) or when the sums are wrong but marked; and clear refusals.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/client/sync_lib.sh"
NOW=1790000000
sync_setup --seed 5 --orders 1200 --days 20 --now "$NOW"
tap_plan 14
export PAYDESK_NOW=$((NOW + 60))
FROM=2026-09-10 TO=2026-09-21 # both included, UTC
T0=1788998400                 # 2026-09-10 00:00 UTC
T1=$((T0 + 12 * 86400))

# all RESOURCE: every object created in [T0, T1) of a list, paged as Stripe pages.
all() {
	_after= _out="$TEST_TMP/$1.all"
	: >"$_out"
	while :; do
		curl -sf -H "Authorization: Bearer $PAYDESK_API_KEY" \
			"$SANDBOX_URL/v1/$1?limit=100&created%5Bgte%5D=$T0&created%5Blt%5D=$T1$_after" \
			>"$TEST_TMP/page.json" || return 1
		jq -c '.data[]' "$TEST_TMP/page.json" >>"$_out"
		[ "$(jq .has_more "$TEST_TMP/page.json")" = true ] || break
		_after="&starting_after=$(jq -r '.data[-1].id' "$TEST_TMP/page.json")"
	done
}

# want: "currency gross payments refunded refunds disputes fees" per currency, sorted,
# from the platform's lists.
want() {
	all charges && all refunds && all disputes && all balance_transactions || return 1
	jq -rs 'map(select(.status == "succeeded")) | group_by(.currency)[] |
		"\(.[0].currency) gross \(map(.amount) | add) payments \(length)"' \
		"$TEST_TMP/charges.all"
	jq -rs 'map(select(.status == "succeeded" or .status == "pending")) |
		group_by(.currency)[] |
		"\(.[0].currency) refunded \(map(.amount) | add) refund_count \(length)"' \
		"$TEST_TMP/refunds.all"
	jq -rs 'group_by(.currency)[] | "\(.[0].currency) dispute_count \(length)"' \
		"$TEST_TMP/disputes.all"
	jq -rs 'map(select(.fee != 0)) | group_by(.currency)[] |
		"\(.[0].currency) fees \(map(.fee) | add)"' "$TEST_TMP/balance_transactions.all"
}

# got [ARGS]: the same lines from paydesk insights --format json, amounts in minor units.
got() {
	"$PAYDESK_BIN" insights --from "$FROM" --to "$TO" --timezone UTC --format json "$@" \
		>"$TEST_TMP/insights.json" 2>"$TEST_TMP/insights.err" || return 1
	jq -r '.currencies[] | .currency as $c | .span |
		"\($c) gross \(.gross | sub("\\."; "") | tonumber) payments \(.payments)",
		"\($c) refunded \(.refunds | sub("\\."; "") | tonumber) refund_count \(.refund_count)",
		"\($c) dispute_count \(.dispute_count)",
		"\($c) fees \(.fees | sub("\\."; "") | tonumber)"' "$TEST_TMP/insights.json"
}

# same NAME: the platform's figures equal paydesk's (lines paydesk has of a zero sum or
# count, which the platform's lists cannot have, are dropped).
same() {
	want | sort >"$TEST_TMP/want.txt" || { tap_ok 1 "$1 (the platform's lists)"; return; }
	got | grep -Ev ' (refunded|fees) 0( |$)| dispute_count 0$' | sort >"$TEST_TMP/got.txt"
	if cmp -s "$TEST_TMP/want.txt" "$TEST_TMP/got.txt" && [ -s "$TEST_TMP/want.txt" ]; then
		tap_ok 0 "$1"
	else
		diff "$TEST_TMP/want.txt" "$TEST_TMP/got.txt" | sed 's/^/# /'
		tap_ok 1 "$1"
	fi
}

run_sync; tap_is $? 0 "a first sync succeeds"
tap_is "$(sqlite3 "$CACHE_DB" 'SELECT count(*) FROM insights_dirty')" 0 \
	"the end of the sync folds every mark into the sums"
same "after a first sync, each currency's gross, payments, refunds, disputes and fees equal the platform's"
tap_is "$(jq '.currencies | length > 1' "$TEST_TMP/insights.json")" true \
	"the store has several currencies, each its own series"

admin POST /_admin/create 'charges=40&refunds=12&disputes=4' >/dev/null
run_sync; tap_is $? 0 "an incremental sync succeeds"
same "after new charges, refunds and disputes and an incremental sync, the figures follow"

# Nothing folded: every quarter counted from the objects gives the same figures.
cp "$TEST_TMP/insights.json" "$TEST_TMP/folded.json"
sqlite3 "$CACHE_DB" "INSERT OR IGNORE INTO insights_dirty SELECT bucket FROM insights_buckets;
	UPDATE insights_buckets SET gross = gross + 1000000, payments = payments + 7;" || true
got >/dev/null
cmp -s "$TEST_TMP/folded.json" "$TEST_TMP/insights.json"
tap_ok $? "quarters marked as changed are counted from their objects, whatever their old sums say"
sqlite3 "$CACHE_DB" "DELETE FROM insights_dirty;"
got >/dev/null
if cmp -s "$TEST_TMP/folded.json" "$TEST_TMP/insights.json"; then st=1; else st=0; fi
tap_ok $st "the same wrong sums without their marks do show (the comparison above can fail)"
sqlite3 "$CACHE_DB" "INSERT OR IGNORE INTO insights_dirty SELECT bucket FROM insights_buckets;"
run_sync; tap_is $? 0 "a sync after that succeeds"
got >/dev/null
cmp -s "$TEST_TMP/folded.json" "$TEST_TMP/insights.json"
tap_ok $? "the next sync folds the marked quarters again: the sums are right"

# Formats and refusals.
"$PAYDESK_BIN" insights --days 7 --timezone UTC --format csv >"$TEST_TMP/out.csv" 2>&1
head -1 "$TEST_TMP/out.csv" | grep -q '^kind,currency,day,gross,net,refunds,payments,average,refund_rate,dispute_rate,fees,'
tap_ok $? "CSV starts with its header"
tap_is "$(grep -c '^day,' "$TEST_TMP/out.csv")" "$(($(grep -c '^span,' "$TEST_TMP/out.csv") * 7))" \
	"CSV has seven day lines per currency for --days 7"
"$PAYDESK_BIN" insights --days 0 >/dev/null 2>"$TEST_TMP/err"
st=$?
[ $st -eq 2 ] && grep -q -- '--days takes a number' "$TEST_TMP/err"
tap_ok $? "--days 0 is refused with the reason"
"$PAYDESK_BIN" insights --from 2026-09-20 --to 2026-09-01 >/dev/null 2>"$TEST_TMP/err"
st=$?
[ $st -eq 2 ] && grep -q -- '--to is before --from' "$TEST_TMP/err"
tap_ok $? "a span that ends before it starts is refused"
tap_done
