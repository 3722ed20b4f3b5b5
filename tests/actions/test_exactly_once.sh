#!/bin/sh
# Exactly once under random faults: 50 scripted refund attempts against the sandbox with
# 5xx, 429, resets, truncated and lost answers and forgotten idempotency keys, retried
# through the outbox: the platform made exactly 50 refunds.
. "$abs_top_srcdir/tests/lib.sh"
tmp_setup
tap_plan 3
sandbox_start --quiet --seed 9 --orders 200 --days 10 --now 1790000000 ||
	{ echo "Bail out! the sandbox did not start"; exit 99; }
PAYDESK_API_KEY=sk_test_exactly_once
export PAYDESK_API_KEY
"$abs_top_builddir/bench/actions_exactly_once" "$SANDBOX_URL" "$TEST_TMP/cache.db" \
	--attempts 50 --seed 7 >"$TEST_TMP/out" 2>"$TEST_TMP/err"
tap_is $? 0 "every attempt resolved and the counts match"
sed 's/^/# /' "$TEST_TMP/out" "$TEST_TMP/err"
tap_is "$(sed -n 's/^refunds created: *//p' "$TEST_TMP/out")" 50 "the platform made exactly 50 refunds"
faults=$(sed -n 's/^faults armed: *//p' "$TEST_TMP/out")
tap_ok "$([ "${faults:-0}" -gt 5 ]; echo $?)" "faults were injected ($faults)"
tap_done
