#!/bin/sh
# Payout reconciliation by Stripe's payout reconciliation report: a first sync links every
# entry to its payout from one report run (the payouts newer than the report's data listed
# one by one), exactly as the platform has them; a key without report runs, a failed run,
# lasting errors, a cut file and a file on a foreign host all fall back to listing each
# payout, with the same cache and a notice; a kill while the report is read leaves a cache
# the next sync completes.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/client/sync_lib.sh"
SYNC_STORE=1 sync_setup --seed 21 --orders 1500 --days 50 --now 1790000000 \
	--restricted rk_test_noreports:charges=read,payment_intents=read,refunds=read,disputes=read,payouts=read,balance_transactions=read,events=read,account=read
tap_plan 30

# links_equal: 0 when every cached entry has the payout the platform's store says, and the
# cache holds every entry.
links_equal() {
	sqlite3 "$STORE_DB" "SELECT id || '|' || coalesce(payout, '') FROM balance_transactions
		ORDER BY id" >"$TEST_TMP/want.links" &&
		sqlite3 "$CACHE_DB" "SELECT id || '|' || coalesce(payout_id, '') FROM
		balance_transactions ORDER BY id" >"$TEST_TMP/got.links" || return 1
	[ -s "$TEST_TMP/want.links" ] && cmp -s "$TEST_TMP/want.links" "$TEST_TMP/got.links" && return 0
	diff "$TEST_TMP/want.links" "$TEST_TMP/got.links" | head -5 | sed 's/^/# /'
	return 1
}
unreconciled() { sqlite3 "$CACHE_DB" "SELECT count(*) FROM payouts WHERE reconciled = 0"; }
# requests PATTERN: how many logged requests' path and query match the grep pattern.
requests() {
	admin GET /_admin/requests | jq -r '.data[] | .method + " " + .path + "?" + (.query // "")' |
		grep -c -- "$1"
}
# listed_payouts: the payouts whose entries were listed by payout.
listed_payouts() {
	admin GET /_admin/requests | jq -r '.data[] | .query // ""' |
		sed -n 's/.*payout=\(po_[A-Za-z0-9]*\).*/\1/p' | sort -u | wc -l
}
# fresh [KEY]: an empty cache and request log.
fresh() {
	rm -f "$CACHE_DB" "$CACHE_DB-wal" "$CACHE_DB-shm"
	admin DELETE /_admin/requests >/dev/null
	admin DELETE /_admin/faults >/dev/null
}

day=$((1790000000 / 86400 * 86400))
payouts=$(sqlite3 "$STORE_DB" "SELECT count(*) FROM payouts")
late=$(sqlite3 "$STORE_DB" "SELECT count(*) FROM payouts WHERE arrival_date >= $day")

fresh
run_sync; tap_is $? 0 "a first sync succeeds"
cache_equals_sandbox; tap_ok $? "the cache equals the platform"
links_equal; tap_ok $? "every entry is linked to the payout the platform says paid it out ($payouts payouts)"
tap_is "$(unreconciled)" 0 "every payout is reconciled"
tap_is "$(requests 'POST /v1/reporting/report_runs')" 1 "one report run was created"
tap_is "$(requests '^GET /v1/files/file_[A-Za-z0-9]*/contents')" 1 "its file was read once"
tap_is "$(listed_payouts)" "$late" "only the payouts arriving from today on, past the report's data, were listed one by one ($late)"
grep -q "reconciliation report" "$TEST_TMP/sync.err"; tap_is $? 1 "no notice when the report was used"

# An incremental sync with a few new payouts lists them: no report for so few.
admin POST /_admin/advance 'seconds=172800' >/dev/null
admin DELETE /_admin/requests >/dev/null
run_sync; tap_is $? 0 "a sync two days later succeeds"
links_equal; tap_ok $? "and the new payouts' entries are linked"
tap_is "$(requests 'POST /v1/reporting/report_runs')" 0 "a few new payouts are listed, not reported"

day=$(($(admin GET /_admin/now | jq -r .now) / 86400 * 86400))
late=$(sqlite3 "$STORE_DB" "SELECT count(*) FROM payouts WHERE arrival_date >= $day")
payouts=$(sqlite3 "$STORE_DB" "SELECT count(*) FROM payouts")

# Every way the report can fail: each payout is listed instead, the cache is the same.
fallback() { # fallback WHAT [KEY]: a sync into a fresh cache that must list every payout
	what=$1
	run_sync; st=$?
	links_equal; eq=$?
	[ $st -eq 0 ] && [ $eq -eq 0 ] && [ "$(unreconciled)" = 0 ]
	tap_ok $? "$what: the sync lists each payout instead and every entry is linked"
	n=$(listed_payouts)
	[ "$n" -eq "$payouts" ] && grep -q "payout reconciliation report could not be used" "$TEST_TMP/sync.err"
	tap_ok $? "$what: all $payouts payouts were listed ($n), and the sync said why"
}

fresh
PAYDESK_API_KEY=rk_test_noreports fallback "a key without report runs"
grep -q "Report runs" "$TEST_TMP/sync.err"; tap_ok $? "the notice names the permission the key lacks"

# with_fault FAULT WHAT: fallback into a fresh cache with the sandbox fault FAULT pending.
with_fault() {
	fresh
	admin POST /_admin/faults "$1" >/dev/null
	fallback "$2"
}

with_fault 'kind=report_failed&count=1&path=/v1/reporting/report_runs' "a failed report run"
grep -q "failed" "$TEST_TMP/sync.err"; tap_ok $? "the notice says the run failed"
with_fault 'kind=503&count=1000&path=/v1/reporting/' "a lasting 503 of the Reporting API"
with_fault 'kind=truncate&count=1000&path=/v1/files/' "a report file cut short"
grep -q "cut short" "$TEST_TMP/sync.err"; tap_ok $? "the notice says the file was cut short (its last line is not read)"
with_fault 'kind=report_elsewhere&count=1000&path=/v1/reporting/report_runs/' \
	"a report file named on another host"
tap_is "$(requests '/v1/files/')" 0 "the file on another host was not asked for (the key would go with it)"

# A kill while the report's file is on its way: nothing half-done, the next sync completes.
fresh
admin POST /_admin/faults 'kind=stall&count=1&seconds=20&path=/v1/files/' >/dev/null
"$PAYDESK_BIN" sync >/dev/null 2>&1 &
pid=$!
i=0
while [ "$(requests '/v1/files/')" -eq 0 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
cache_intact; tap_ok $? "killed while the report was read, the cache is intact"
tap_is "$(sqlite3 "$CACHE_DB" "SELECT count(*) FROM payouts WHERE reconciled = 1")" 0 \
	"and no payout is marked reconciled before its entries are"
admin DELETE /_admin/faults >/dev/null
admin DELETE /_admin/requests >/dev/null
run_sync; tap_is $? 0 "the next sync completes"
links_equal && [ "$(unreconciled)" = 0 ]; tap_ok $? "with every entry linked and every payout reconciled"
tap_is "$(requests 'POST /v1/reporting/report_runs')" 1 "by a report run of its own"

tap_done
