#!/bin/sh
# Alipay against its sandbox over loopback, with real RSA2 signatures both ways: a first
# sync equals the platform; today's account log brings today's orders before tomorrow's
# bill; a new day's bill and new complaints arrive incrementally; every fault kind is
# retried or stops cleanly; a reply whose signature does not verify, a tampered node and a
# duplicated node are refused with nothing stored; SIGKILL at many moments never breaks
# the cache; the classic key mix-up is named.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/client/sync_lib.sh"
# 2026-11-20 12:00 in Shanghai.
bill_setup alipay 1795147200 --seed 23 --orders 4000 --days 30
tap_plan 60
GW=/gateway.do

# ---- the first sync ----
bill_sync; tap_is $? 0 "a first sync succeeds"
cache_equals_sandbox; tap_ok $? "after the first sync the cache equals the platform (orders, refunds, complaints, account log, withdrawals)"
cache_intact; tap_ok $? "the cache and its search index are intact"
grep -q "^bills: in the cache through 2026-11-19" "$TEST_TMP/sync.out"
tap_ok $? "the sync says how far the bills reach (yesterday)"
days=$(sqlite3 "$CACHE_DB" "SELECT count(*) FROM bill_days WHERE bill = '*'")
tap_is "$days" 90 "the first sync read the last 90 days"
# The statement reconciles each day against the bill's own summary: every figure equal.
clock_follow
"$PAYDESK_BIN" statement --date 2026-10-21..2026-11-19 -f json >"$TEST_TMP/st.json" 2>"$TEST_TMP/st.err"
tap_is $? 0 "a statement of the last 30 days is written"
n=$(jq '[.bills.list[] | .figures[]?] | length' "$TEST_TMP/st.json")
bad=$(jq -r '[.bills.list[] | .day as $d | .figures[]? | select(.check != "equal")
	| "\($d) \(.name) \(.check)"] | .[]' "$TEST_TMP/st.json")
[ "${n:-0}" -gt 100 ] && [ -z "$bad" ]
tap_ok $? "the statement equals every bill's own summary, figure by figure ($n figures)"
[ -z "$bad" ] || printf '%s\n' "$bad" | head -n 10 | sed 's/^/# /'
key_line=$(sed -n 2p "$MERCHANT/app_private_key.pem")
found=0
for f in "$CACHE_DB" "$CACHE_DB-wal" "$TEST_TMP/sync.out" "$TEST_TMP/sync.err"; do
	[ -f "$f" ] || continue
	if grep -qaF -e "$key_line" "$f"; then found=1; fi
done
tap_is "$found" 0 "the app's private key is in neither the cache nor the output"
n=$(sqlite3 "$CACHE_DB" "SELECT count(*) FROM orders WHERE metadata LIKE '%\"store\":%'")
[ "${n:-0}" -gt 0 ]; tap_ok $? "orders keep their store (门店) and operator ($n orders)"
n=$(sqlite3 "$CACHE_DB" "SELECT count(*) FROM orders WHERE fee_fine > 0")
[ "${n:-0}" -gt 0 ]; tap_ok $? "service fees (服务费) are kept as charged ($n orders)"
# Today's 05:00 withdrawal, from the account log, pays out what came in since the last one
# (the bill of yesterday and today's log before it), as tomorrow's bill will say.
po=$(sqlite3 "$CACHE_DB" "SELECT id FROM payouts WHERE created >= 1795104000")
sqlite3 "$CACHE_DB" "SELECT count(*), p.amount - sum(b.net), min(b.created) >
	(SELECT max(created) FROM payouts WHERE created < p.created), max(b.created) < p.created
	FROM payouts p JOIN balance_transactions b ON b.payout_id = p.id WHERE p.id = '$po'" |
	{ IFS='|' read -r n diff after before; echo "# $n entries, difference $diff"
	[ "${n:-0}" -gt 0 ] && [ "$diff" = 0 ] && [ "$after" = 1 ] && [ "$before" = 1 ]; }
tap_ok $? "today's withdrawal pays out the entries since the last one, to the cent"

# ---- today's account log: today's orders before tomorrow's bill ----
admin POST /_admin/create 'orders=12&refunds=3&complaints=2&complaint_updates=1' >"$TEST_TMP/created.json"
trade=$(sed -n 's/.*"orders":\["\([0-9]*\)".*/\1/p' "$TEST_TMP/created.json")
[ -n "$trade" ]; tap_ok $? "the sandbox made new trades, refunds and complaints"
admin DELETE /_admin/requests >/dev/null
bill_sync; tap_is $? 0 "a sync later the same day succeeds"
n=$(sqlite3 "$CACHE_DB" "SELECT count(*) FROM orders WHERE id = '$trade'")
tap_is "$n" 1 "a trade paid today is in the cache, from the account log"
cache_equals_sandbox; tap_ok $? "the cache still equals the platform (the account log up to now)"
admin GET /_admin/requests >"$TEST_TMP/requests.json"
if grep -q 'bill.downloadurl' "$TEST_TMP/requests.json"; then st=1; else st=0; fi
tap_ok $st "no bill was read again"
new=$(sed -n 's/.*"complaints":\["\([0-9]*\)".*/\1/p' "$TEST_TMP/created.json")
n=$(sqlite3 "$CACHE_DB" "SELECT count(*) FROM disputes WHERE id = '$new'")
tap_is "$n" 1 "a new complaint is in the cache"
n=$(sqlite3 "$CACHE_DB" "SELECT count(*) FROM dispute_history h JOIN disputes d ON d.id =
	h.dispute_id WHERE d.status IN ('awaiting_reply', 'in_progress')")
[ "${n:-0}" -gt 0 ]; tap_ok $? "the open complaints' reply histories are in the cache ($n entries)"
upd=$(sed -n 's/.*"complaint_updates":\["\([0-9]*\)".*/\1/p' "$TEST_TMP/created.json")
st=$(sqlite3 "$CACHE_DB" "SELECT json_extract(raw, '$.status') FROM disputes WHERE id = '$upd'")
tap_is "$st" "PLATFORM_PROCESSING" "an updated complaint has its new state"

# ---- a new day: its bill replaces what the account log said ----
advance 86400
admin DELETE /_admin/requests >/dev/null
bill_sync; tap_is $? 0 "the next day's sync succeeds"
cache_equals_sandbox; tap_ok $? "after it the cache equals the platform again"
day=$(sqlite3 "$CACHE_DB" "SELECT bill_day FROM orders WHERE id = '$trade'")
tap_is "$day" "2026-11-20" "today's trade now carries the bill's day"
admin GET /_admin/requests >"$TEST_TMP/requests.json"
n=$(grep -o 'downloadBillFile' "$TEST_TMP/requests.json" | wc -l)
tap_is "$n" 2 "only the new day's two bills (trade, signcustomer) were downloaded"

# ---- faults: retried, the sync recovers to equality ----
fresh() { rm -f "$CACHE_DB" "$CACHE_DB-wal" "$CACHE_DB-shm"; }
for kind in 429 500 502 503 reset truncate stall commit_then_reset 20000; do
	fresh
	admin DELETE /_admin/faults >/dev/null
	admin POST /_admin/faults "kind=$kind&count=2&path=$GW/alipay.data.dataservice.bill.downloadurl.query&retry_after=1&seconds=5" >/dev/null
	bill_sync; st=$?
	cache_equals_sandbox; eq=$?
	[ $st -eq 0 ] && [ $eq -eq 0 ]; tap_ok $? "fault $kind: retried, the sync recovers to equality"
done
admin DELETE /_admin/faults >/dev/null
fresh
admin POST /_admin/faults 'kind=reset&count=2&path=/downloadBillFile.resource' >/dev/null
bill_sync; st=$?
cache_equals_sandbox; eq=$?
[ $st -eq 0 ] && [ $eq -eq 0 ]; tap_ok $? "a download broken off: read again, the sync recovers to equality"
admin DELETE /_admin/faults >/dev/null

# A fault that outlasts the retries: a clear error, a consistent cache, then recovery.
admin POST /_admin/create 'orders=10&refunds=2' >/dev/null
advance 86400
admin POST /_admin/faults "kind=503&count=1000&path=/downloadBillFile.resource" >/dev/null
bill_sync; tap_is $? 1 "a lasting 503 stops the sync with exit status 1"
grep -q "internal error\|try again" "$TEST_TMP/sync.err"; tap_ok $? "the error says what went wrong"
cache_intact; tap_ok $? "the cache is intact after the failed sync"
n=$(sqlite3 "$CACHE_DB" "SELECT count(*) FROM bill_days WHERE day = '2026-11-21'")
tap_is "$n" 0 "the day whose download failed is not stored in part"
admin DELETE /_admin/faults >/dev/null
bill_sync; tap_is $? 0 "the next sync completes"
cache_equals_sandbox; tap_ok $? "and the cache equals the platform"

# ---- forged and duplicated replies: refused, nothing from them stored ----
admin POST /_admin/create 'orders=10&refunds=2&complaints=2' >/dev/null
advance 86400
"$CHECKSUM" "$CACHE_DB" >"$TEST_TMP/before.json"
for kind in badsign tamper dupnode; do
	admin DELETE /_admin/faults >/dev/null
	admin POST /_admin/faults "kind=$kind&count=1000&path=$GW/alipay.data.dataservice.bill.downloadurl.query" >/dev/null
	bill_sync; st=$?
	"$CHECKSUM" "$CACHE_DB" >"$TEST_TMP/after.json"
	cmp -s "$TEST_TMP/before.json" "$TEST_TMP/after.json"; same=$?
	[ $st -eq 1 ] && [ $same -eq 0 ]; tap_ok $? "a $kind reply is refused and nothing is stored"
	cp "$TEST_TMP/sync.err" "$TEST_TMP/forged-$kind.err"
done
grep -qi "signature" "$TEST_TMP/forged-badsign.err"; tap_ok $? "a bad signature: the message says the signature does not verify"
grep -qi "twice\|more than once" "$TEST_TMP/forged-dupnode.err"; tap_ok $? "a duplicated node: the message says the answer holds it twice"
for kind in badsign dupnode; do
	admin DELETE /_admin/faults >/dev/null
	admin POST /_admin/faults "kind=$kind&count=1000&path=$GW/alipay.data.bill.accountlog.query" >/dev/null
	bill_sync
	n=$(sqlite3 "$CACHE_DB" "SELECT count(*) FROM balance_transactions WHERE created >= $((PAYDESK_NOW - 3600 * 10))")
	tap_is "$n" 0 "a $kind account log: no entry from it is stored"
done
admin DELETE /_admin/faults >/dev/null
bill_sync; tap_is $? 0 "without the faults the sync completes"
cache_equals_sandbox; tap_ok $? "and the cache equals the platform"

# ---- SIGKILL at many moments of a first sync: intact, and the next sync completes ----
fresh
# Each bill download waits a second, so that the kills fall among the days.
admin POST /_admin/faults 'kind=stall&seconds=1&count=100000&path=/downloadBillFile.resource' >/dev/null
intact=0
i=0
for delay in 0.1 0.2 0.3 0.4 0.5 0.7 0.9 1.1 1.4 1.7 2.0 2.5; do
	i=$((i + 1))
	clock_follow
	"$PAYDESK_BIN" sync >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	if [ ! -f "$CACHE_DB" ] || cache_intact; then intact=$((intact + 1)); fi
done
days=$(sqlite3 "$CACHE_DB" "SELECT count(*) FROM bill_days WHERE bill = '*'")
tap_is "$intact" "$i" "after SIGKILL at $i moments the cache passes integrity_check each time"
[ "${days:-0}" -gt 0 ] && [ "$days" -lt 90 ]
tap_ok $? "the kills fell in the middle of the sync ($days of 90 days stored)"
admin DELETE /_admin/faults >/dev/null
bill_sync; tap_is $? 0 "the sync after the kills completes"
cache_equals_sandbox; tap_ok $? "and the cache equals the platform"

# ---- keys ----
chmod 644 "$MERCHANT/app_private_key.pem"
bill_sync; tap_is $? 1 "an app private key readable by others is refused"
grep -q "chmod 600" "$TEST_TMP/sync.err"; tap_ok $? "the message says how to fix it"
chmod 600 "$MERCHANT/app_private_key.pem"
bill_profile | sed "s|^alipay_public_key_file = .*|alipay_public_key_file = $MERCHANT/app_public_key.pem|" \
	>"$XDG_CONFIG_HOME/paydesk/config"
bill_sync; tap_is $? 1 "the app's own public key where Alipay's belongs is refused"
grep -q "app's own public key" "$TEST_TMP/sync.err"; tap_ok $? "the message says it is the app's own key"
"$PAYDESK_SANDBOX" --platform alipay --init-merchant "$TEST_TMP/other" >/dev/null 2>&1
bill_profile | sed "s|^app_private_key_file = .*|app_private_key_file = $TEST_TMP/other/app_private_key.pem|" \
	>"$XDG_CONFIG_HOME/paydesk/config"
bill_sync; tap_is $? 1 "another app's private key: the platform refuses the signature"
grep -q "app_private_key_file" "$TEST_TMP/sync.err"; tap_ok $? "the message names the setting to check"
bill_profile | sed "s|^alipay_public_key_file = .*|alipay_public_key_file = $TEST_TMP/other/alipay_public_key.pem|" \
	>"$XDG_CONFIG_HOME/paydesk/config"
"$CHECKSUM" "$CACHE_DB" >"$TEST_TMP/before.json"
admin POST /_admin/create 'orders=5' >/dev/null
bill_sync; st=$?
"$CHECKSUM" "$CACHE_DB" >"$TEST_TMP/after.json"
cmp -s "$TEST_TMP/before.json" "$TEST_TMP/after.json"
[ $st -eq 1 ] && [ $? -eq 0 ]; tap_ok $? "another Alipay public key: every reply is refused, nothing stored"
grep -q "alipay_public_key_file" "$TEST_TMP/sync.err"; tap_ok $? "the message names the public key setting"
bill_profile >"$XDG_CONFIG_HOME/paydesk/config"
tap_done
