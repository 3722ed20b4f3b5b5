#!/bin/sh
# End to end: a seeded sandbox, a profile, 'paydesk sync', then 'paydesk statement' from the
# profile's cache (no --cache) for several days: every total equals the sandbox's own ledger
# and every payout reconciles with the transactions the sync fetched for it.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/statement/stmt_lib.sh"
tmp_setup
tap_plan 11

NOW=1764115200 # 2025-11-26 00:00 UTC
if ! sandbox_start --seed 7 --orders 3000 --days 10 --now "$NOW" --quiet; then
	echo "Bail out! paydesk-sandbox did not start"
	exit 1
fi
mkdir -p "$XDG_CONFIG_HOME/paydesk"
cat >"$XDG_CONFIG_HOME/paydesk/config" <<CONF
[shop]
platform = stripe
api_base = $SANDBOX_URL
role = clerk
timezone = Asia/Shanghai
timeout = 5
CONF
export PAYDESK_API_KEY=sk_test_statement_sync LANGUAGE= LC_ALL=C.UTF-8 PAYDESK_OPERATOR=clerk1
unset PAYDESK_PROFILE PAYDESK_CACHE

"$PAYDESK_BIN" sync >"$TEST_TMP/sync.out" 2>"$TEST_TMP/sync.err"
st=$?
[ $st -eq 0 ] || sed 's/^/# sync: /' "$TEST_TMP/sync.err"
tap_is "$st" 0 "paydesk sync fills the profile's cache"
export PAYDESK_NOW=$((NOW + 3600))

for day in 2025-11-19 2025-11-21 2025-11-24; do
	out="$TEST_TMP/$day.json"
	"$PAYDESK_BIN" statement --date "$day" -f json -o "$out" 2>"$TEST_TMP/err"
	st=$?
	[ $st -eq 0 ] || sed 's/^/# /' "$TEST_TMP/err"
	tap_is "$st" 0 "a clerk's statement for $day from the profile's cache"
	from=$(jq .period.from "$out") to=$(jq .period.to "$out")
	got=$(stmt_from_statement "$out") want=$(stmt_from_ledger "$out" "$from" "$to")
	[ -n "$got" ] && [ "$got" = "$want" ]
	tap_ok $? "$day (the profile's Asia/Shanghai): every total equals the sandbox's ledger"
	[ -n "$got" ] && [ "$got" = "$want" ] || printf '# got:\n%s\n# want:\n%s\n' "$got" "$want"
done

tap_is "$(jq -r .period.from_local "$TEST_TMP/2025-11-24.json")" "2025-11-24T00:00:00+08:00" \
	"the profile's time zone sets the day"
all=$(cat "$TEST_TMP"/2025-*.json | jq -s '[.[].currencies[].payouts_list[]] | length')
ok=$(cat "$TEST_TMP"/2025-*.json | jq -s '[.[].currencies[].payouts_list[] |
	select(.reconciliation.result == "match" and .reconciliation.transactions > 0)] | length')
[ "$all" -gt 3 ]; tap_ok $? "the days have payouts ($all)"
tap_is "$ok" "$all" "every payout reconciles with the transactions the sync fetched"
acct=$(curl -sf -H "Authorization: Bearer $PAYDESK_API_KEY" "$SANDBOX_URL/v1/account" | jq -r .id)
tap_is "$(jq -r .account.id "$TEST_TMP/2025-11-24.json")" "$acct" "the header names the synced account"
tap_done
