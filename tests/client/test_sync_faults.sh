#!/bin/sh
# Sync under faults: every injected fault either recovers to equality or stops with a clear
# error and a consistent cache; SIGKILL at many moments never breaks the cache; offline and
# a restricted key give clear messages.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/client/sync_lib.sh"
sync_setup --seed 5 --orders 800 --days 40 --now 1790000000 \
	--restricted rk_test_nodisputes:charges=read,payment_intents=read,refunds=read,payouts=read,balance_transactions=read,events=read,account=read
tap_plan 35

# Each fault, twice in a row on the charges list: retried, then the sync completes exactly.
for kind in 429 500 502 503 reset truncate stall commit_then_reset; do
	admin DELETE /_admin/faults >/dev/null
	admin POST /_admin/faults "kind=$kind&count=2&path=/v1/charges&retry_after=1&seconds=6" >/dev/null
	run_sync --full; st=$?
	cache_equals_sandbox; eq=$?
	[ $st -eq 0 ] && [ $eq -eq 0 ]; tap_ok $? "fault $kind: retried, the sync recovers to equality"
done
admin DELETE /_admin/faults >/dev/null

# A fault that outlasts the retries: a clear error, a consistent cache, then recovery.
admin POST /_admin/faults 'kind=503&count=1000&path=/v1/refunds' >/dev/null
run_sync --full; tap_is $? 1 "a lasting 503 stops the sync with exit status 1"
grep -q "refunds" "$TEST_TMP/sync.err" && grep -qi "error" "$TEST_TMP/sync.err"
tap_ok $? "the error names the list and the platform's trouble"
cache_intact; tap_ok $? "the cache is intact after the failed sync"
admin DELETE /_admin/faults >/dev/null
run_sync; tap_is $? 0 "the next sync completes"
cache_equals_sandbox; tap_ok $? "and the cache equals the platform"

admin POST /_admin/faults 'kind=truncate&count=1000&path=/v1/events' >/dev/null
admin POST /_admin/create 'charges=3' >/dev/null
run_sync; tap_is $? 1 "lasting truncated replies stop the sync"
grep -q "could not be read" "$TEST_TMP/sync.err"; tap_ok $? "the error says the answer could not be read"
admin DELETE /_admin/faults >/dev/null

# SIGKILL at many moments of a full sync: the cache stays intact, the next sync completes.
intact=0
i=0
for delay in 0.05 0.1 0.15 0.2 0.3 0.4 0.5 0.6 0.8 1.0 1.2; do
	i=$((i + 1))
	"$PAYDESK_BIN" sync --full >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	if cache_intact; then intact=$((intact + 1)); fi
done
tap_is "$intact" "$i" "after SIGKILL at $i moments the cache passes integrity_check each time"
run_sync; tap_is $? 0 "the sync after the kills completes"
cache_equals_sandbox; tap_ok $? "and the cache equals the platform"

# Offline: nothing listens on the port any more.
sum_before=$(cksum <"$CACHE_DB")
cat >"$XDG_CONFIG_HOME/paydesk/config" <<CONF
[t]
api_base = http://127.0.0.1:1
timeout = 2
CONF
run_sync; tap_is $? 1 "offline: exit status 1"
grep -q "offline" "$TEST_TMP/sync.err"; tap_ok $? "offline: the error says offline"
tap_is "$(cksum <"$CACHE_DB")" "$sum_before" "offline: the cache is untouched"
cat >"$XDG_CONFIG_HOME/paydesk/config" <<CONF
[t]
api_base = $SANDBOX_URL
timeout = 3
CONF

# A restricted key without the disputes permission, on a cache of its own.
cat >>"$XDG_CONFIG_HOME/paydesk/config" <<CONF
[r]
api_base = $SANDBOX_URL
key_file = r.key
CONF
printf 'rk_test_nodisputes\n' >"$XDG_CONFIG_HOME/paydesk/r.key"
chmod 644 "$XDG_CONFIG_HOME/paydesk/r.key"
PAYDESK_API_KEY= "$PAYDESK_BIN" --profile r sync >"$TEST_TMP/r.out" 2>"$TEST_TMP/r.err"
tap_is $? 1 "a readable key file is refused"
grep -q "chmod 600" "$TEST_TMP/r.err"; tap_ok $? "the message says how to fix the key file"
chmod 600 "$XDG_CONFIG_HOME/paydesk/r.key"
PAYDESK_API_KEY= "$PAYDESK_BIN" --profile r sync >"$TEST_TMP/r.out" 2>"$TEST_TMP/r.err"
tap_is $? 1 "a key without the disputes permission: exit status 1"
sed 's/^/# /' "$TEST_TMP/r.err"
grep -q 'disputes: read' "$TEST_TMP/r.err"; tap_ok $? "the message names the missing permission"
"$CHECKSUM" --integrity "$XDG_DATA_HOME/paydesk/r.db" >/dev/null; tap_ok $? "the other lists were synced into an intact cache"
n=$("$PAYDESK_BIN" --profile r cache info | sed -n 's/^orders  *//p')
tap_is "$n" "803" "the orders were synced with the restricted key"

# A key the platform refuses.
PAYDESK_API_KEY=sk_live_not_a_test_key "$PAYDESK_BIN" --profile t sync >/dev/null 2>"$TEST_TMP/k.err"
tap_is $? 1 "a refused key: exit status 1"
grep -q "refused the API key of profile \[t\]" "$TEST_TMP/k.err"; tap_ok $? "the message says the key was refused and names the profile"
if grep -q "sk_live_not_a_test_key" "$TEST_TMP/k.err"; then st=1; else st=0; fi
tap_ok $st "the key itself is never printed"

# Usage errors.
"$PAYDESK_BIN" sync --bogus >/dev/null 2>&1; tap_is $? 2 "an unknown sync option exits 2"
"$PAYDESK_BIN" sync extra >/dev/null 2>&1; tap_is $? 2 "an extra argument exits 2"
"$PAYDESK_BIN" --profile nosuch sync >/dev/null 2>"$TEST_TMP/p.err"; tap_is $? 1 "an unknown profile exits 1"
grep -q "no profile \[nosuch\]" "$TEST_TMP/p.err"; tap_ok $? "the unknown profile is named"
"$PAYDESK_BIN" cache bogus >/dev/null 2>&1; tap_is $? 2 "cache without info exits 2"
tap_done
