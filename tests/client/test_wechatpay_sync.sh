#!/bin/sh
# WeChat Pay against its sandbox over loopback, with real signatures both ways: a first
# sync equals the platform; a new day's bill and new complaints arrive incrementally; every
# fault kind is retried or stops cleanly; forged replies (tampered, wrong key, probe
# signature, stale timestamp) and a bill whose SHA1 differs are refused with nothing
# stored; SIGKILL at many moments never breaks the cache.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/client/sync_lib.sh"
# 2026-11-20 12:00 in Shanghai: yesterday's bill is made.
bill_setup wechatpay 1795147200 --seed 21 --orders 4000 --days 30
tap_plan 66

# ---- the first sync ----
bill_sync; tap_is $? 0 "a first sync succeeds"
cache_equals_sandbox; tap_ok $? "after the first sync the cache equals the platform (orders, refunds, complaints, fund flow, withdrawals)"
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
first=$(sqlite3 "$CACHE_DB" "SELECT min(day) FROM bill_days WHERE bill = '*'")
tap_is "$first" "2026-08-22" "from 90 days ago"
tap_is "$(stat -c %a "$CACHE_DB")" 600 "the cache file is private (0600)"
apiv3=$(cat "$MERCHANT/apiv3_key")
key_line=$(sed -n 2p "$MERCHANT/apiclient_key.pem")
found=0
for f in "$CACHE_DB" "$CACHE_DB-wal" "$TEST_TMP/sync.out" "$TEST_TMP/sync.err"; do
	[ -f "$f" ] || continue
	if grep -qaF -e "$apiv3" -e "$key_line" "$f"; then found=1; fi
done
tap_is "$found" 0 "neither the APIv3 key nor the private key is in the cache or the output"
fee=$(sqlite3 "$CACHE_DB" "SELECT count(*) FROM orders WHERE fee_fine % 10 != 0")
[ "${fee:-0}" -gt 0 ]; tap_ok $? "fees keep the bill's 5 decimals ($fee orders with a fee finer than the fen)"
n=$(sqlite3 "$CACHE_DB" "SELECT count(*) FROM orders_fts WHERE orders_fts MATCH
	(SELECT '\"' || order_ref || '\"' FROM orders WHERE order_ref IS NOT NULL LIMIT 1)")
tap_is "$n" 1 "the merchant's order number (out_trade_no) is searchable"

# ---- nothing new: no bill is read again ----
admin DELETE /_admin/requests >/dev/null
bill_sync; tap_is $? 0 "a second sync succeeds"
admin GET /_admin/requests >"$TEST_TMP/requests.json"
if grep -q '/v3/bill/' "$TEST_TMP/requests.json"; then st=1; else st=0; fi
tap_ok $st "a second sync the same day reads no bill again"

# ---- a new day: its bill and new complaints arrive ----
admin POST /_admin/create 'orders=30&refunds=4&complaints=3&complaint_updates=2' >"$TEST_TMP/created.json"
grep -q '"complaints":\["' "$TEST_TMP/created.json"; tap_ok $? "the sandbox made new orders, refunds and complaints"
advance 86400
admin DELETE /_admin/requests >/dev/null
bill_sync; tap_is $? 0 "the next day's sync succeeds"
cache_equals_sandbox; tap_ok $? "after it the cache equals the platform again"
admin GET /_admin/requests >"$TEST_TMP/requests.json"
trade=$(grep -o '"path":"/v3/bill/tradebill"' "$TEST_TMP/requests.json" | wc -l)
tap_is "$trade" 1 "only the new day's trade bill was read"
grep -q "^bills: in the cache through 2026-11-20" "$TEST_TMP/sync.out"
tap_ok $? "the bills now reach the day before"
new=$(sed -n 's/.*"complaints":\["\([0-9]*\)".*/\1/p' "$TEST_TMP/created.json")
n=$(sqlite3 "$CACHE_DB" "SELECT count(*) FROM disputes WHERE id = '$new'")
tap_is "$n" 1 "a new complaint is in the cache"
n=$(sqlite3 "$CACHE_DB" "SELECT count(*) FROM dispute_history WHERE dispute_id = '$new'")
[ "${n:-0}" -gt 0 ]; tap_ok $? "with its negotiation history ($n entries)"

# ---- faults: retried, the sync recovers to equality ----
fresh() { rm -f "$CACHE_DB" "$CACHE_DB-wal" "$CACHE_DB-shm"; }
for kind in 429 500 502 503 reset truncate stall commit_then_reset; do
	fresh
	admin DELETE /_admin/faults >/dev/null
	admin POST /_admin/faults "kind=$kind&count=2&path=/v3/bill/tradebill&retry_after=1&seconds=5" >/dev/null
	bill_sync; st=$?
	cache_equals_sandbox; eq=$?
	[ $st -eq 0 ] && [ $eq -eq 0 ]; tap_ok $? "fault $kind: retried, the sync recovers to equality"
done
admin DELETE /_admin/faults >/dev/null

# A fault that outlasts the retries: a clear error, a consistent cache, then recovery.
admin POST /_admin/create 'orders=10&refunds=2' >/dev/null
advance 86400
admin POST /_admin/faults 'kind=503&count=1000&path=/v3/bill/fundflowbill' >/dev/null
bill_sync; tap_is $? 1 "a lasting 503 stops the sync with exit status 1"
grep -q "系统繁忙\|SYSTEM_ERROR" "$TEST_TMP/sync.err"; tap_ok $? "the error gives the platform's reason"
cache_intact; tap_ok $? "the cache is intact after the failed sync"
n=$(sqlite3 "$CACHE_DB" "SELECT count(*) FROM bill_days WHERE day = '2026-11-21'")
tap_is "$n" 0 "the day whose fund flow failed is not stored in part"
admin DELETE /_admin/faults >/dev/null
bill_sync; tap_is $? 0 "the next sync completes"
cache_equals_sandbox; tap_ok $? "and the cache equals the platform"

# ---- forged replies: refused, nothing from them stored ----
admin POST /_admin/create 'orders=10&refunds=2&complaints=2' >/dev/null
advance 86400
"$CHECKSUM" "$CACHE_DB" >"$TEST_TMP/before.json"
for kind in tamper wrongkey signtest stale; do
	admin DELETE /_admin/faults >/dev/null
	admin POST /_admin/faults "kind=$kind&count=1000&path=/v3/bill/tradebill" >/dev/null
	bill_sync; st=$?
	"$CHECKSUM" "$CACHE_DB" >"$TEST_TMP/after.json"
	cmp -s "$TEST_TMP/before.json" "$TEST_TMP/after.json"; same=$?
	[ $st -eq 1 ] && [ $same -eq 0 ]; tap_ok $? "a $kind reply is refused and nothing is stored"
	cp "$TEST_TMP/sync.err" "$TEST_TMP/forged-$kind.err"
done
grep -qi "signature" "$TEST_TMP/forged-tamper.err"; tap_ok $? "a tampered body: the message says the signature does not match"
grep -qi "probe\|SIGNTEST" "$TEST_TMP/forged-signtest.err"; tap_ok $? "a probe signature: the message says it is a probe"
grep -qi "minutes\|timestamp\|clock" "$TEST_TMP/forged-stale.err"; tap_ok $? "a stale timestamp: the message says how far off it is"
admin DELETE /_admin/faults >/dev/null
admin POST /_admin/faults 'kind=tamper&count=1000&path=/v3/merchant-service/complaints-v2' >/dev/null
bill_sync
"$CHECKSUM" "$CACHE_DB" >"$TEST_TMP/after.json"
n=$(sqlite3 "$CACHE_DB" "SELECT count(*) FROM disputes WHERE created >= $((PAYDESK_NOW - 86400 * 2))")
o=$(sqlite3 "$CACHE_DB" "SELECT count(*) FROM bill_days WHERE day = '2026-11-22' AND bill = '*'")
tap_is "$o:$n" "1:0" "a tampered complaint list: the bills are stored, no complaint from it"
admin DELETE /_admin/faults >/dev/null
admin POST /_admin/faults 'kind=badhash&count=1000&path=/v3/bill/' >/dev/null
fresh
bill_sync; tap_is $? 1 "a bill whose SHA1 differs stops the sync"
grep -q "SHA1\|SHA-1" "$TEST_TMP/sync.err"; tap_ok $? "the message says the file does not match its SHA1"
n=$(sqlite3 "$CACHE_DB" "SELECT count(*) FROM orders" 2>/dev/null)
tap_is "${n:-0}" 0 "nothing of that bill is stored"
admin DELETE /_admin/faults >/dev/null
bill_sync; tap_is $? 0 "without the fault the sync completes"
cache_equals_sandbox; tap_ok $? "and the cache equals the platform"

# ---- SIGKILL at many moments of a first sync: intact, and the next sync completes ----
fresh
# Each bill request waits a second, so that the kills fall among the days.
admin POST /_admin/faults 'kind=stall&seconds=1&count=100000&path=/v3/bill/' >/dev/null
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
admin DELETE /_admin/requests >/dev/null
bill_sync; tap_is $? 0 "the sync after the kills completes"
cache_equals_sandbox; tap_ok $? "and the cache equals the platform"
admin GET /_admin/requests >"$TEST_TMP/requests.json"
trade=$(grep -o '"path":"/v3/bill/tradebill"' "$TEST_TMP/requests.json" | wc -l)
[ "$trade" -le $((93 - days)) ]; tap_ok $? "it read only the days still missing ($trade trade bills)"

# ---- platform certificates instead of the public key, and their rotation ----
bill_profile | grep -v '^wechatpay_public_key' >"$XDG_CONFIG_HOME/paydesk/config"
fresh
bill_sync; tap_is $? 0 "with platform certificates (no public key configured) the sync succeeds"
cache_equals_sandbox; tap_ok $? "and the cache equals the platform"
admin POST /_admin/wechatpay/rotate >"$TEST_TMP/rotate.json"
advance 86400
bill_sync; tap_is $? 0 "after the platform rotates its certificate the sync still succeeds"
n=$(grep -c "BEGIN CERTIFICATE" "$XDG_DATA_HOME/paydesk/t.db.wechatpay-certificates" 2>/dev/null)
tap_is "$n" 2 "the new certificate was downloaded and kept beside the old"
tap_is "$(stat -c %a "$XDG_DATA_HOME/paydesk/t.db.wechatpay-certificates")" 600 "the kept certificates are private (0600)"
advance $((11 * 86400))
bill_sync; tap_is $? 0 "after the old certificate expired the sync still succeeds"
cache_equals_sandbox; tap_ok $? "and the cache equals the platform"
bill_profile >"$XDG_CONFIG_HOME/paydesk/config"

# ---- keys: a readable key, another merchant's key, the wrong platform key ----
chmod 644 "$MERCHANT/apiclient_key.pem"
bill_sync; tap_is $? 1 "a private key readable by others is refused"
grep -q "chmod 600" "$TEST_TMP/sync.err"; tap_ok $? "the message says how to fix it"
chmod 600 "$MERCHANT/apiclient_key.pem"
"$PAYDESK_SANDBOX" --platform wechatpay --init-merchant "$TEST_TMP/other" >/dev/null 2>&1
bill_profile | sed "s|^private_key_file = .*|private_key_file = $TEST_TMP/other/apiclient_key.pem|" \
	>"$XDG_CONFIG_HOME/paydesk/config"
bill_sync; tap_is $? 1 "another merchant's private key: the platform refuses the signature"
grep -q "merchant_serial\|private_key_file" "$TEST_TMP/sync.err"; tap_ok $? "the message names the settings to check"
bill_profile | sed "s|^wechatpay_public_key_file = .*|wechatpay_public_key_file = $TEST_TMP/other/wechatpay_public_key.pem|" \
	>"$XDG_CONFIG_HOME/paydesk/config"
"$CHECKSUM" "$CACHE_DB" >"$TEST_TMP/before.json"
admin POST /_admin/create 'orders=5' >/dev/null
advance 86400
bill_sync; st=$?
"$CHECKSUM" "$CACHE_DB" >"$TEST_TMP/after.json"
cmp -s "$TEST_TMP/before.json" "$TEST_TMP/after.json"
[ $st -eq 1 ] && [ $? -eq 0 ]; tap_ok $? "the wrong platform public key: every reply is refused, nothing stored"
grep -q "wechatpay_public_key" "$TEST_TMP/sync.err"; tap_ok $? "the message names the public key setting"
bill_profile >"$XDG_CONFIG_HOME/paydesk/config"
tap_done
