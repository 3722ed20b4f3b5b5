#!/bin/sh
# Refunds from the command line against the sandbox: partial and full, exactly once through
# lost answers and expired keys, roles and limits, the offline outbox across processes, the
# audit log, and a 403 from the platform explained.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/actions/actions_lib.sh"
actions_setup --seed 5 --orders 300 --days 20
tap_plan 69

pd sync; tap_is $? 0 "the merchant profile syncs"
set -- $(refundable t usd 8)
A=$1 B=$2 C=$3 D=$4 E=$5 F=$6 G=$7 H=$8
tap_ok "$([ -n "$H" ]; echo $?)" "the cache has eight paid USD orders to refund"
JPY=$(refundable t jpy 1)
AMOUNT_A=$(db t "SELECT amount FROM orders WHERE id = '$A'")

# A partial refund, written as people write dollars.
admin DELETE /_admin/requests >/dev/null
pd refund "$A" --amount 1.25 --reason requested_by_customer --note "late parcel" --yes
tap_is $? 0 "a partial refund succeeds"
grep -q "^Done: re_" "$TEST_TMP/out"; tap_ok $? "the result names the refund"
tap_is "$(platform_refunds "$A")" 1 "the sandbox has one refund of the order"
REF=$(curl -sS -H "Authorization: Bearer $PAYDESK_API_KEY" "$SANDBOX_URL/v1/refunds?charge=$A" | jq -r '.data[0] | "\(.amount) \(.reason) \(.metadata.paydesk_note) \(.metadata.paydesk_action)"')
ACT_A=${REF##* }
tap_is "${REF% *}" "125 requested_by_customer late parcel" "amount, reason and note reached the platform"
tap_is "$(db t "SELECT amount || ' ' || action_id FROM refunds WHERE order_id = '$A'")" "125 $ACT_A" \
	"the cache holds the refund with its action id"
tap_is "$(db t "SELECT amount_refunded FROM orders WHERE id = '$A'")" 125 "the cache's order shows the refund"
tap_is "$(db t "SELECT group_concat(outcome) FROM audit WHERE object_id = '$A'")" succeeded \
	"one audit row records the partial refund and its success"
tap_is "$(db t "SELECT idempotency_key = (SELECT idempotency_key FROM outbox WHERE action_id = '$ACT_A')
	FROM audit WHERE object_id = '$A'")" 1 "the audit row carries the action's idempotency key"
tap_is "$(db t "SELECT state FROM outbox WHERE action_id = '$ACT_A'")" done "the outbox row is done"

# The rest: a full refund by default.
pd refund "$A" --yes; tap_is $? 0 "refunding the rest succeeds"
tap_is "$(platform_refunds "$A")" 2 "the sandbox has the second refund"
LAST=$(curl -sS -H "Authorization: Bearer $PAYDESK_API_KEY" "$SANDBOX_URL/v1/refunds?charge=$A" | jq '.data[0].amount')
tap_is "$LAST" "$((AMOUNT_A - 125))" "the default amount is what was left"
tap_is "$(db t "SELECT amount_refunded = amount FROM orders WHERE id = '$A'")" 1 "the cache's order is fully refunded"
tap_is "$(db t "SELECT count(*) || ' ' || sum(outcome = 'succeeded') FROM audit WHERE object_id = '$A'")" "2 2" \
	"one audit row per refund, each a success"

# More than what is left is refused before any request.
admin DELETE /_admin/requests >/dev/null
pd refund "$A" --amount 0.01 --yes; tap_is $? 1 "refunding a fully refunded order is refused"
pd refund "$B" --amount 100000 --yes; tap_is $? 1 "more than what is left is refused"
grep -q "more than what is left" "$TEST_TMP/err"; tap_ok $? "the refusal says why"
tap_is "$(write_requests)" 0 "no write request reached the platform for refused refunds"

# A zero-decimal currency: 1 means one yen.
pd refund "$JPY" --amount 1 --yes; tap_is $? 0 "a JPY refund of 1 succeeds"
tap_is "$(curl -sS -H "Authorization: Bearer $PAYDESK_API_KEY" "$SANDBOX_URL/v1/refunds?charge=$JPY" | jq '.data[0].amount')" 1 \
	"1 JPY is 1 minor unit on the platform"
pd refund "$B" --amount 1.234 --yes; tap_is $? 2 "three decimals of dollars are a usage error"

# The answer is lost after the platform committed, on every try: uncertain, then resolved.
admin POST /_admin/faults 'kind=commit_then_reset&count=5&path=/v1/refunds&method=POST' >/dev/null
pd refund "$B" --amount 2.00 --yes; tap_is $? 3 "a refund whose answers are all lost is uncertain (exit 3)"
ACT_B=$(db t "SELECT action_id FROM outbox WHERE object_id = '$B'")
tap_is "$(db t "SELECT state FROM outbox WHERE action_id = '$ACT_B'")" sending "the outbox keeps it as in flight"
pd refund "$B" --amount 2.00 --yes; tap_is $? 1 "a second refund of the order is refused while the first is unresolved"
admin DELETE /_admin/faults >/dev/null
pd outbox send "$ACT_B"; tap_is $? 0 "sending it again resolves it"
tap_is "$(platform_refunds "$B")" 1 "exactly one refund exists on the sandbox"
tap_is "$(db t "SELECT state FROM outbox WHERE action_id = '$ACT_B'")" done "the outbox row is done"

# The same with the platform's idempotency keys forgotten (past 24 h): found by action id.
admin POST /_admin/faults 'kind=commit_then_reset&count=5&path=/v1/refunds&method=POST' >/dev/null
pd refund "$C" --amount 3.00 --yes; tap_is $? 3 "lost answers again: uncertain"
ACT_C=$(db t "SELECT action_id FROM outbox WHERE object_id = '$C'")
admin DELETE /_admin/faults >/dev/null
admin POST /_admin/forget_keys >/dev/null
pd outbox send "$ACT_C"; tap_is $? 0 "the retry after the keys expired succeeds"
grep -q "earlier attempt had already refunded" "$TEST_TMP/out"; tap_ok $? "it says the earlier attempt had refunded"
tap_is "$(platform_refunds "$C")" 1 "still exactly one refund on the sandbox"
tap_is "$(db t "SELECT count(*) FROM audit WHERE object_id = '$C' AND outcome = 'found'")" 1 \
	"the audit log records that the refund was found"

# A clerk: the command does not exist, nothing is sent.
pd -p clerk sync; tap_is $? 0 "the clerk profile syncs (reading is allowed)"
admin DELETE /_admin/requests >/dev/null
pd -p clerk refund "$D" --amount 1.00 --yes; tap_is $? 2 "refund is not a command for a clerk"
pd -p clerk outbox send "$ACT_B"; tap_is $? 2 "nor is sending from the outbox"
tap_is "$(write_requests)" 0 "the clerk sent no write request at all"

# Support: within its limit only.
pd -p support sync >/dev/null 2>&1
admin DELETE /_admin/requests >/dev/null
pd -p support refund "$D" --amount 6.00 --yes; tap_is $? 1 "support above its limit is refused"
grep -q "refund limit" "$TEST_TMP/err"; tap_ok $? "the refusal names the limit"
tap_is "$(write_requests)" 0 "no request left for the refused refund"
pd -p support refund "$D" --amount 5.00 --yes; tap_is $? 0 "support within its limit refunds"

# Offline: queued, listed, never sent until asked, across processes.
admin DELETE /_admin/requests >/dev/null
pd --offline refund "$E" --amount 1.50 --yes; tap_is $? 0 "an offline refund is saved"
grep -q "^Queued as act_" "$TEST_TMP/out"; tap_ok $? "it says it is queued"
ACT_E=$(db t "SELECT action_id FROM outbox WHERE object_id = '$E'")
pd outbox; grep -q "^$ACT_E	queued	refund	$E" "$TEST_TMP/out"; tap_ok $? "a later process lists it as queued"
tap_is "$(write_requests)" 0 "nothing was sent while it waited"
pd outbox send "$ACT_E"; tap_is $? 0 "sending it on reconnect succeeds"
tap_is "$(platform_refunds "$E")" 1 "one refund on the sandbox"
pd --offline refund "$F" --amount 1.00 --yes >/dev/null
ACT_F=$(db t "SELECT action_id FROM outbox WHERE object_id = '$F'")
pd outbox discard "$ACT_F"; tap_is $? 0 "a queued refund can be discarded"
tap_is "$(platform_refunds "$F")" 0 "a discarded refund never reaches the platform"
# A damaged row of the cache (found by tests/fuzz/fuzz_outbox): refused, never sent half.
for damage in "json_remove(params, '\$.order')" "json_set(params, '\$.amount', 99999)"; do
	pd --offline refund "$F" --amount 1.00 --yes >/dev/null
	ACT=$(db t "SELECT action_id FROM outbox WHERE object_id = '$F' AND state = 'queued'")
	db t "UPDATE outbox SET params = $damage WHERE action_id = '$ACT'"
	admin DELETE /_admin/requests >/dev/null
	pd outbox send "$ACT"
	rc=$?
	grep -q "damaged" "$TEST_TMP/out" "$TEST_TMP/err"
	tap_ok $(($? || !rc)) "a stored refund with $damage is refused as damaged"
	tap_is "$(write_requests)" 0 "and nothing is sent to the platform"
	pd outbox discard "$ACT" >/dev/null
done

# A restricted key without write access: the 403 in plain words, recorded as failed.
pd -p ro sync >/dev/null 2>&1
pd -p ro refund "$G" --amount 1.00 --yes; tap_is $? 1 "a refund with a read-only key fails"
grep -q "restricted key" "$TEST_TMP/err"; tap_ok $? "the 403 is explained in plain words"

# Killed while the request is in flight: the outbox and the audit log already hold the
# attempt; a later send resolves it to exactly one refund.
admin POST /_admin/faults 'kind=stall&count=1&path=/v1/refunds&method=POST&seconds=2' >/dev/null
"$PAYDESK_BIN" refund "$H" --amount 1.00 --yes >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 200); do
	[ "$(db t "SELECT state FROM outbox WHERE object_id = '$H'")" = sending ] && break
	sleep 0.05
done
kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
ACT_H=$(db t "SELECT action_id FROM outbox WHERE object_id = '$H'")
tap_is "$(db t "SELECT state FROM outbox WHERE action_id = '$ACT_H'")" sending \
	"after a kill mid-request the outbox says the request may have gone"
tap_is "$(db t "SELECT count(*) FROM audit WHERE object_id = '$H'")" 0 \
	"until it resolves, the attempt is held by the outbox, not yet in the audit log"
# While the platform still holds the key in flight a send may get no answer; it is retried.
for _ in $(seq 1 40); do
	pd outbox send "$ACT_H" && break
	sleep 0.25
done
tap_is "$(db t "SELECT state FROM outbox WHERE action_id = '$ACT_H'")" done "sending it again resolves it"
tap_is "$(platform_refunds "$H")" 1 "exactly one refund of the order exists"
tap_is "$(db t "SELECT count(*) FROM audit WHERE object_id = '$H' AND outcome IN ('succeeded', 'found')")" 1 \
	"the resolved attempt has its audit row"

# The audit log as CSV.
pd audit --format csv; tap_is $? 0 "paydesk audit --format csv succeeds"
tap_is "$(grep -c ',refund,.*,succeeded,' "$TEST_TMP/out")" \
	"$(db t "SELECT count(*) FROM audit WHERE outcome = 'succeeded'")" "the CSV has every success"
pd audit --since 2099-01-01; tap_is "$?:$(wc -l <"$TEST_TMP/out")" "0:0" "--since a later date lists nothing"
pd audit --since 0
tap_is "$(wc -l <"$TEST_TMP/out")" "$(db t "SELECT count(*) FROM audit")" "--since 0 lists every row"
pd audit --since notadate; tap_is $? 2 "a --since that is not a date is a usage error"
pd audit --format xml; tap_is $? 2 "an unknown format is a usage error"

# Who acted, from where: the OS user and the SSH client's address.
SSH_CLIENT="203.0.113.9 50022 22" pd --offline refund "$G" --amount 1.00 --yes
tap_is "$(db t "SELECT ssh_client || ' ' || (os_user <> '') FROM audit ORDER BY seq DESC LIMIT 1")" \
	"203.0.113.9 1" "the audit row names the SSH client's address and the OS user"
no_crash_reports; tap_ok $? "no run printed a sanitizer or crash report"
tap_done
