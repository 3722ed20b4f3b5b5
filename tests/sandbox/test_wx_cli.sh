#!/bin/sh
# paydesk-sandbox --platform wechatpay on the command line: --init-merchant, the refusal to
# start without merchant files (before any seeding), a store seeded as one platform refused
# by the other, a reused store, and the platform's fault kinds in the admin API's message.
. "$abs_top_srcdir/tests/lib.sh"
tmp_setup
SANDBOX=${PAYDESK_SANDBOX:-./paydesk-sandbox}
tap_plan 11

"$SANDBOX" --help | grep -q "^  wechatpay  *WeChat Pay API v3"
tap_ok $? "--help lists the wechatpay platform"

"$SANDBOX" --platform wechatpay --init-merchant "$TEST_TMP/m" --quiet
[ $? -eq 0 ] && [ -s "$TEST_TMP/m/mchid" ] && [ -s "$TEST_TMP/m/apiclient_key.pem" ] &&
	[ -s "$TEST_TMP/m/wechatpay_public_key.pem" ] && [ -d "$TEST_TMP/m/platform" ]
tap_ok $? "--init-merchant writes the merchant's files"

start=$(date +%s)
"$SANDBOX" --platform wechatpay --port 0 --orders 5000000 > /dev/null 2> "$TEST_TMP/err"
rc=$?
[ $rc -eq 2 ] && grep -q -- "--init-merchant DIR" "$TEST_TMP/err" && grep -q -- "--merchant DIR" "$TEST_TMP/err" &&
	[ $(($(date +%s) - start)) -lt 5 ]
tap_ok $? "without --merchant it refuses at once and says to run --init-merchant first"

mkdir "$TEST_TMP/broken"
echo 123 > "$TEST_TMP/broken/mchid"
"$SANDBOX" --platform wechatpay --port 0 --merchant "$TEST_TMP/broken" > /dev/null 2> "$TEST_TMP/err"
[ $? -eq 1 ] && grep -q "broken" "$TEST_TMP/err"
tap_ok $? "a folder without a merchant's files is refused with a message"

# A store seeded as Stripe, then asked to be WeChat Pay, and the other way round.
sandbox_start --quiet --db "$TEST_TMP/stripe.db" --orders 20 && sandbox_stop
"$SANDBOX" --platform wechatpay --merchant "$TEST_TMP/m" --port 0 --db "$TEST_TMP/stripe.db" \
	> /dev/null 2> "$TEST_TMP/err"
[ $? -eq 1 ] && grep -q "holds a stripe store" "$TEST_TMP/err"
tap_ok $? "a store seeded as stripe is refused by --platform wechatpay"

sandbox_start --quiet --platform wechatpay --merchant "$TEST_TMP/m" --db "$TEST_TMP/wx.db" --orders 50
tap_ok $? "a wechatpay store is seeded"
body=$(curl -s -X POST -d 'kind=bogus' "$SANDBOX_URL/_admin/faults")
echo "$body" | grep -q "signtest, tamper, stale, wrongkey, badhash"
tap_ok $? "the admin API names the platform's fault kinds"
sandbox_stop
"$SANDBOX" --port 0 --db "$TEST_TMP/wx.db" > /dev/null 2> "$TEST_TMP/err"
[ $? -eq 1 ] && grep -q "holds a wechatpay store" "$TEST_TMP/err"
tap_ok $? "and a wechatpay store by Stripe"

sandbox_start --platform wechatpay --merchant "$TEST_TMP/m" --db "$TEST_TMP/wx.db"
tap_ok $? "a wechatpay store is served again"
grep -q "reusing" "$TEST_TMP/sandbox.err"
tap_ok $? "reusing it rather than seeding"
kill -TERM "$SANDBOX_PID"
wait "$SANDBOX_PID"
tap_ok $? "SIGTERM: exit status 0"
SANDBOX_PID=
tap_done
