#!/bin/sh
# paydesk-sandbox --platform alipay on the command line: the merchant files
# --init-merchant writes (names, modes, PEM kinds), the refusals (no --merchant, a
# directory that already holds a merchant, a world-readable Alipay key), and stores
# seeded as one platform refused by the other.
SANDBOX=${PAYDESK_SANDBOX:-./paydesk-sandbox}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sandbox-alipay-cli.XXXXXX") || exit 1
PID=
cleanup() {
	if [ -n "$PID" ]; then kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
n=0
fails=0
ok() { # ok CONDITION-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi
}
mode() { stat -c %a "$1"; }

"$SANDBOX" --help | grep -q "^  alipay  *Alipay's OpenAPI gateway"
ok $? "--help lists the alipay platform"

"$SANDBOX" --platform alipay --init-merchant "$TMP/m" > /dev/null 2> "$TMP/err"
ok $? "--init-merchant exits 0"

[ "$(mode "$TMP/m")" = 700 ] && [ "$(mode "$TMP/m/platform")" = 700 ]
ok $? "the merchant directory and platform/ are 0700"

[ "$(mode "$TMP/m/app_private_key.pem")" = 600 ] &&
	[ "$(mode "$TMP/m/platform/alipay_private_key.pem")" = 600 ]
ok $? "private keys are 0600"

grep -qx '2021[0-9]\{12\}' "$TMP/m/app_id" && grep -qx '2088[0-9]\{12\}' "$TMP/m/pid" &&
	[ "$(wc -l < "$TMP/m/app_id")" -eq 1 ]
ok $? "app_id is 16 digits on one line; pid is 2088 and 12 digits"

head -n 1 "$TMP/m/app_private_key.pem" | grep -qx -- '-----BEGIN PRIVATE KEY-----' &&
	head -n 1 "$TMP/m/app_public_key.pem" | grep -qx -- '-----BEGIN PUBLIC KEY-----' &&
	head -n 1 "$TMP/m/alipay_public_key.pem" | grep -qx -- '-----BEGIN PUBLIC KEY-----'
ok $? "the app's key is PKCS#8, the public keys SPKI"

if command -v openssl > /dev/null; then
	openssl pkey -in "$TMP/m/app_private_key.pem" -noout -text 2> /dev/null | grep -q '2048 bit' &&
		[ "$(openssl pkey -in "$TMP/m/app_private_key.pem" -pubout 2> /dev/null)" = "$(cat "$TMP/m/app_public_key.pem")" ] &&
		[ "$(openssl pkey -in "$TMP/m/platform/alipay_private_key.pem" -pubout 2> /dev/null)" = "$(cat "$TMP/m/alipay_public_key.pem")" ] &&
		[ "$(cat "$TMP/m/app_public_key.pem")" != "$(cat "$TMP/m/alipay_public_key.pem")" ]
	ok $? "RSA 2048; each public key belongs to its private key; the two pairs differ"
else
	echo "ok $((n + 1)) - # SKIP openssl not installed"
	n=$((n + 1))
fi

"$SANDBOX" --platform alipay --init-merchant "$TMP/m" > /dev/null 2> "$TMP/err"
[ $? -eq 1 ] && grep -q "already holds a merchant" "$TMP/err"
ok $? "--init-merchant never overwrites a merchant"

"$SANDBOX" --platform alipay --port 0 --orders 10 > /dev/null 2> "$TMP/err"
[ $? -eq 2 ] && grep -q -- "--init-merchant" "$TMP/err"
ok $? "without --merchant it refuses to start and says to run --init-merchant first"

"$SANDBOX" --platform alipay --merchant "$TMP/nowhere" --port 0 --orders 10 > /dev/null 2> "$TMP/err"
[ $? -eq 1 ] && grep -q "nowhere/app_id" "$TMP/err"
ok $? "a missing merchant directory is named"

cp -r "$TMP/m" "$TMP/loose"
chmod 644 "$TMP/loose/platform/alipay_private_key.pem"
"$SANDBOX" --platform alipay --merchant "$TMP/loose" --port 0 --orders 10 > /dev/null 2> "$TMP/err"
[ $? -eq 1 ] && grep -q "must be 0600" "$TMP/err"
ok $? "a private key readable by others is refused"

"$SANDBOX" --port 0 --quiet --orders 20 --db "$TMP/stripe.db" > "$TMP/out" 2> /dev/null &
PID=$!
i=0
while [ ! -s "$TMP/out" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -TERM "$PID"
wait "$PID"
PID=
"$SANDBOX" --platform alipay --merchant "$TMP/m" --port 0 --db "$TMP/stripe.db" > /dev/null 2> "$TMP/err"
[ $? -eq 1 ] && grep -q "holds a stripe store" "$TMP/err"
ok $? "a store seeded as stripe is refused by --platform alipay"

"$SANDBOX" --platform alipay --merchant "$TMP/m" --port 0 --quiet --orders 20 --db "$TMP/alipay.db" > "$TMP/out2" 2> /dev/null &
PID=$!
i=0
while [ ! -s "$TMP/out2" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -TERM "$PID"
wait "$PID"
rc=$?
PID=
[ $rc -eq 0 ]
ok $? "an alipay store: SIGTERM exits 0"

"$SANDBOX" --port 0 --db "$TMP/alipay.db" > /dev/null 2> "$TMP/err"
[ $? -eq 1 ] && grep -q "holds a alipay store\|holds an alipay store" "$TMP/err"
ok $? "and --platform stripe refuses it"

"$SANDBOX" --platform alipay --merchant "$TMP/m" --port 0 --quiet --db "$TMP/alipay.db" > "$TMP/out3" 2> "$TMP/err" &
PID=$!
i=0
while [ ! -s "$TMP/out3" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$TMP/out3" ]
ok $? "the alipay store is served again with --platform alipay"
kill -TERM "$PID"
wait "$PID"
PID=

echo "1..$n"
[ $fails -eq 0 ]
