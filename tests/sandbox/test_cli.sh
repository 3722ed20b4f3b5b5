#!/bin/sh
# paydesk-sandbox's command line: help, version, bad options, clean refusal of bad
# configurations, and the port on the first line of stdout.
SANDBOX=${PAYDESK_SANDBOX:-./paydesk-sandbox}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sandbox-cli.XXXXXX") || exit 1
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

"$SANDBOX" --help > "$TMP/help" 2>&1
rc=$?
grep -q -- '--restricted KEY:SPEC' "$TMP/help" && grep -q -- '--rate-limit' "$TMP/help" && [ $rc -eq 0 ]
ok $? "--help documents the options and exits 0"

"$SANDBOX" --version > "$TMP/version" 2>&1
[ $? -eq 0 ] && grep -q '^paydesk-sandbox [0-9]' "$TMP/version"
ok $? "--version prints the version"

"$SANDBOX" --frobnicate > /dev/null 2> "$TMP/err"
[ $? -eq 2 ] && grep -q -- "--help" "$TMP/err"
ok $? "an unknown option exits 2 and points to --help"

"$SANDBOX" --port 70000 > /dev/null 2> "$TMP/err"
[ $? -eq 2 ] && grep -q "invalid value '70000' for --port" "$TMP/err"
ok $? "a bad --port value is named"

"$SANDBOX" --invalid-utf8 > /dev/null 2> "$TMP/err"
[ $? -eq 2 ] && grep -q -- "--invalid-utf8 needs --hostile" "$TMP/err"
ok $? "--invalid-utf8 without --hostile is refused"

"$SANDBOX" --restricted 'rk_test_x:charges=maybe' > /dev/null 2> "$TMP/err"
[ $? -eq 2 ] && grep -q "bad --restricted entry" "$TMP/err"
ok $? "a bad --restricted level is refused"

"$SANDBOX" --restricted 'sk_test_x:charges=read' > /dev/null 2> "$TMP/err"
[ $? -eq 2 ]
ok $? "--restricted only takes rk_test_ keys"

"$SANDBOX" --keys "$TMP/missing" > /dev/null 2> "$TMP/err"
[ $? -eq 1 ] && grep -q "cannot read key file" "$TMP/err"
ok $? "a missing key file is reported"

echo "not a database" > "$TMP/bad.db"
"$SANDBOX" --port 0 --db "$TMP/bad.db" > /dev/null 2> "$TMP/err"
[ $? -eq 1 ] && grep -q "database" "$TMP/err"
ok $? "a file that is not a store is refused with a message"

"$SANDBOX" --port 0 --quiet --orders 30 > "$TMP/out" 2> "$TMP/err" &
PID=$!
i=0
while [ ! -s "$TMP/out" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
PORT=$(head -n 1 "$TMP/out")
case "$PORT" in
'' | *[!0-9]*) false ;;
*) [ "$PORT" -gt 0 ] ;;
esac
ok $? "--port 0: the first line of stdout is the port alone ($PORT)"

"$SANDBOX" --port "$PORT" --quiet --orders 1 > /dev/null 2> "$TMP/err2"
[ $? -eq 1 ] && grep -q "cannot listen on 127.0.0.1:$PORT" "$TMP/err2"
ok $? "a port in use is reported"

[ ! -s "$TMP/err" ]
ok $? "--quiet prints nothing on stderr"

kill -TERM "$PID"
wait "$PID"
ok $? "SIGTERM: exit status 0"
PID=

"$SANDBOX" --port 0 --orders 30 > "$TMP/out2" 2> "$TMP/err" &
PID=$!
i=0
while [ ! -s "$TMP/out2" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -INT "$PID"
wait "$PID"
rc=$?
PID=
[ $rc -eq 0 ] && grep -q "seeded 30 orders" "$TMP/err"
ok $? "SIGINT: exit status 0; without --quiet the seeding is reported"

# Interrupted while seeding: it stops, says so, and leaves no temporary store behind.
mkdir "$TMP/t"
TMPDIR="$TMP/t" "$SANDBOX" --port 0 --orders 3000000 > /dev/null 2> "$TMP/err3" &
PID=$!
i=0
while ! grep -q . "$TMP/err3" 2>/dev/null && [ -z "$(ls "$TMP/t")" ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
sleep 0.5
kill -TERM "$PID"
wait "$PID"
rc=$?
PID=
[ $rc -eq 1 ] && grep -q "interrupted while seeding" "$TMP/err3" && [ -z "$(ls "$TMP/t")" ]
ok $? "SIGTERM while seeding: exit 1 with a message, temporary store removed"

"$SANDBOX" --platform paypal > /dev/null 2> "$TMP/err"
[ $? -eq 2 ] && grep -q "unknown platform 'paypal' (known: stripe" "$TMP/err"
ok $? "an unknown --platform exits 2 and names the known ones"

"$SANDBOX" --help | grep -q "^  stripe  *Stripe's v1 API"
ok $? "--help lists the platforms"

"$SANDBOX" --init-merchant "$TMP/m" > /dev/null 2> "$TMP/err"
[ $? -eq 2 ] && grep -q "has no merchant files" "$TMP/err" && [ ! -e "$TMP/m" ]
ok $? "--init-merchant on Stripe exits 2 and writes nothing"

echo "1..$n"
[ $fails -eq 0 ]
