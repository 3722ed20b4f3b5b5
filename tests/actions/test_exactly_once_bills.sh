#!/bin/sh
# Exactly once on the bill platforms, under random faults: 1,000 scripted refund attempts
# each against WeChat Pay's and Alipay's sandboxes (5xx, 429, resets, truncated and lost
# answers, Alipay's 20000), retried through the outbox and resolved by looking the refund
# up under its out_refund_no / out_request_no: each platform made exactly 1,000 refunds.
# Retries wait milliseconds here (--quick) instead of paydesk's quarter seconds.
. "$abs_top_srcdir/tests/lib.sh"
tmp_setup
tap_plan 6
for platform in wechatpay alipay; do
	"$PAYDESK_SANDBOX" --platform "$platform" --init-merchant "$TEST_TMP/$platform" >/dev/null 2>&1
	sandbox_start --quiet --platform "$platform" --merchant "$TEST_TMP/$platform" \
		--seed 9 --orders 600 --days 10 || { echo "Bail out! the sandbox did not start"; exit 99; }
	"$abs_top_builddir/bench/actions_exactly_once" "$SANDBOX_URL" "$TEST_TMP/$platform.db" \
		--attempts 1000 --seed 7 --quick --platform "$platform" --merchant "$TEST_TMP/$platform" \
		>"$TEST_TMP/out" 2>"$TEST_TMP/err"
	tap_is $? 0 "$platform: every attempt resolved and the counts match"
	sed 's/^/# /' "$TEST_TMP/out" "$TEST_TMP/err" | head -n 20
	tap_is "$(sed -n 's/^refunds created: *//p' "$TEST_TMP/out")" 1000 "$platform: the platform made exactly 1,000 refunds"
	faults=$(sed -n 's/^faults armed: *//p' "$TEST_TMP/out")
	tap_ok "$([ "${faults:-0}" -gt 100 ]; echo $?)" "$platform: faults were injected ($faults)"
	sandbox_stop
done
tap_done
