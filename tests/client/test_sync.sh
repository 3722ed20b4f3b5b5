#!/bin/sh
# Sync against the sandbox: a full sync equals the platform, an incremental sync brings
# exactly what changed, a gap beyond the event history re-scans, an interrupted backfill
# resumes without starting over.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/client/sync_lib.sh"
sync_setup --seed 11 --orders 1500 --days 60 --now 1790000000
tap_plan 20

run_sync; tap_is $? 0 "a first sync succeeds"
cache_equals_sandbox; tap_ok $? "after a full sync the cache equals the platform (ids, amounts, statuses)"
cache_intact; tap_ok $? "after a full sync the cache and its search index are intact"
grep -q "^synced: " "$TEST_TMP/sync.out"; tap_ok $? "the sync says what it stored"
if grep -q "ETA" "$TEST_TMP/sync.err"; then st=1; else st=0; fi
tap_ok $st "no progress bar when stderr is not a terminal"
if command -v script >/dev/null 2>&1; then
	script -qec "\"$PAYDESK_BIN\" sync --full" /dev/null >"$TEST_TMP/tty.out" 2>&1
	grep -q 'obj/s  ETA [0-9-]*:[0-9-]*' "$TEST_TMP/tty.out" && grep -q '100%' "$TEST_TMP/tty.out"
	tap_ok $? "on a terminal the sync draws a progress bar (objects, objects/s, ETA)"
else
	echo "ok $((tap_n + 1)) # SKIP script(1) is not installed"; tap_n=$((tap_n + 1))
fi
mode=$(stat -c %a "$CACHE_DB")
tap_is "$mode" 600 "the cache file is private (0600)"
"$PAYDESK_BIN" cache info >"$TEST_TMP/info.out" 2>&1
tap_is $? 0 "cache info succeeds"
grep -Eq '^orders +1,500$' "$TEST_TMP/info.out"; tap_ok $? "cache info counts the orders"

# Changes on the platform: new charges, refunds, dispute updates, payouts.
admin POST /_admin/create 'charges=25&refunds=6&disputes=3&dispute_updates=2&payouts=2' >"$TEST_TMP/created.json"
grep -q '"charges":\["ch_' "$TEST_TMP/created.json"; tap_ok $? "the sandbox created new objects"
admin DELETE /_admin/requests >/dev/null
run_sync; tap_is $? 0 "an incremental sync succeeds"
cache_equals_sandbox; tap_ok $? "after the incremental sync the cache equals the platform again"
cache_intact; tap_ok $? "after the incremental sync the search index matches the orders"
admin GET /_admin/requests >"$TEST_TMP/requests.json"
# Incremental means events: no list of charges was read again.
if grep -q '"path":"/v1/charges"' "$TEST_TMP/requests.json"; then st=1; else st=0; fi
tap_ok $st "the incremental sync did not list the charges again"

# Beyond the 30 days of event history: a re-scan, still exact.
admin POST /_admin/advance 'seconds=2851200' >/dev/null
admin POST /_admin/create 'charges=5&refunds=2&dispute_updates=1' >/dev/null
run_sync; tap_is $? 0 "a sync after a 33-day gap succeeds"
grep -q "too long ago" "$TEST_TMP/sync.out"; tap_ok $? "the sync says it listed everything again"
cache_equals_sandbox; tap_ok $? "after the re-scan the cache equals the platform"

# Interrupt a full backfill, then resume: fewer charge pages are read than a whole listing.
charge_lists() { grep -o '"path":"/v1/charges","query":"limit=100[^"]*"' "$1" | wc -l; }
admin DELETE /_admin/requests >/dev/null
run_sync --full
admin GET /_admin/requests >"$TEST_TMP/requests.json"
full=$(charge_lists "$TEST_TMP/requests.json")
admin DELETE /_admin/requests >/dev/null
# Slow charge pages (a second each) keep the backfill going long enough to be cut once a
# window's cursor is committed.
admin POST /_admin/faults 'kind=stall&seconds=1&count=100&path=/v1/charges&method=GET' >/dev/null
"$PAYDESK_BIN" sync --full >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 500); do
	n=$(sqlite3 "$CACHE_DB" "SELECT count(*) FROM sync_state WHERE resource LIKE 'charges@%'
		AND backfill_cursor IS NOT NULL" 2>/dev/null)
	[ "${n:-0}" -gt 0 ] && break
	sleep 0.02
done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
admin DELETE /_admin/faults >/dev/null
admin DELETE /_admin/requests >/dev/null
run_sync; st=$?
admin GET /_admin/requests >"$TEST_TMP/requests.json"
resumed=$(charge_lists "$TEST_TMP/requests.json")
echo "# charge pages: whole listing $full, after resuming $resumed"
[ $st -eq 0 ] && [ "$full" -gt 0 ] && [ "$resumed" -lt "$full" ]
tap_ok $? "an interrupted backfill resumes where it stopped"
cache_equals_sandbox; tap_ok $? "after resuming the cache equals the platform"
cache_intact; tap_ok $? "after resuming the search index matches the orders"
tap_done
