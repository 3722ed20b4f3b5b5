#!/bin/sh
# The screens against a real paydesk-sandbox over loopback: the background
# sync fills an empty cache while the screen is up, --offline never touches
# the network, and an unreachable platform leaves browsing going on with the
# status line saying so.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/ui/ui_lib.sh"
tmp_setup
tap_plan 10

sandbox_start --seed 11 --orders 400 --days 20 --now "$UI_NOW" --quiet || exit 99
ui_profile live "$SANDBOX_URL"

printf ':save-display %s/first.txt\n' "$TEST_TMP" >"$TEST_TMP/first"
ui_run C.UTF-8 80x24 "$TEST_TMP/first" --profile live 2>"$TEST_TMP/err"
tap_is $? 0 "the screens open on an empty cache and exit cleanly"
grep -q "row 1 of 400" "$TEST_TMP/first.txt"
tap_ok $? "the background sync brought every order in before the first key"
grep -q "online  synced just now" "$TEST_TMP/first.txt"
tap_ok $? "the status line says online and freshly synced"
[ -s "$XDG_DATA_HOME/paydesk/live.db" ]
tap_ok $? "the cache is a file in the profile's data directory"

# --offline: no request reaches the platform, and r says why nothing happens.
curl -s -X DELETE "$SANDBOX_URL/_admin/requests" >/dev/null
printf 'r\n:save-display %s/offline.txt\n' "$TEST_TMP" >"$TEST_TMP/offline"
ui_run C.UTF-8 80x24 "$TEST_TMP/offline" --offline --profile live 2>>"$TEST_TMP/err"
tap_is $? 0 "--offline runs"
n=$(curl -s "$SANDBOX_URL/_admin/requests" | grep -o '"seq"' | wc -l)
tap_is "$n" 0 "--offline sent no request to the platform"
grep -q "started with --offline" "$TEST_TMP/offline.txt"
tap_ok $? "r in --offline explains that nothing is fetched"

# The platform goes away: the cache stays browsable and the screen says so.
sandbox_stop
printf ':save-display %s/gone.txt\n2\n:save-display %s/gone2.txt\n' "$TEST_TMP" "$TEST_TMP" >"$TEST_TMP/gone"
ui_run C.UTF-8 120x40 "$TEST_TMP/gone" --profile live 2>>"$TEST_TMP/err"
tap_is $? 0 "the screens run while the platform is unreachable"
grep -q "row 1 of 400" "$TEST_TMP/gone.txt" && grep -q "offline (platform unreachable)" "$TEST_TMP/gone.txt"
tap_ok $? "the orders are still shown and the status line says offline"
grep -q "Sync stopped" "$TEST_TMP/gone.txt" && grep -q "\[2 Refunds\]" "$TEST_TMP/gone2.txt"
tap_ok $? "the message says the sync stopped, and browsing goes on"
sed 's/^/# /' "$TEST_TMP/err"
tap_done
