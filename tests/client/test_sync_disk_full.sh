#!/bin/sh
# A full disk mid-sync: the cache's folder is a small filesystem (tmpfs in a private mount
# namespace). The sync stops with exit 1 and says the disk is full, the cache is intact,
# and once there is room the next sync completes to equality.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/client/sync_lib.sh"
sync_setup --seed 8 --orders 4000 --days 60 --now 1790000000
tap_plan 6

if ! unshare -rm sh -c "mount -t tmpfs -o size=1m tmpfs '$XDG_DATA_HOME'" 2>"$TEST_TMP/unshare.err"; then
	sed 's/^/# /' "$TEST_TMP/unshare.err"
	for i in 1 2 3 4 5 6; do echo "ok $i # SKIP no private mount namespace for a small filesystem"; done
	exit 0
fi
admin GET /_admin/checksum >"$TEST_TMP/want.json" || { echo "Bail out! no checksum"; exit 99; }

# Everything that needs the small filesystem runs inside one namespace; each step writes
# its exit status to a file outside it.
mkdir -p "$XDG_DATA_HOME/paydesk"
export TEST_TMP CHECKSUM CACHE_DB
unshare -rm sh -c '
	set -u
	mount -t tmpfs -o size=2m tmpfs "$XDG_DATA_HOME/paydesk" || exit 1
	"$PAYDESK_BIN" sync >"$TEST_TMP/sync1.out" 2>"$TEST_TMP/sync1.err"
	echo $? >"$TEST_TMP/sync1.st"
	"$CHECKSUM" --integrity "$CACHE_DB" >"$TEST_TMP/integrity.out" 2>&1
	echo $? >"$TEST_TMP/integrity.st"
	mount -o remount,size=256m "$XDG_DATA_HOME/paydesk" || exit 1
	"$PAYDESK_BIN" sync >"$TEST_TMP/sync2.out" 2>"$TEST_TMP/sync2.err"
	echo $? >"$TEST_TMP/sync2.st"
	"$CHECKSUM" "$CACHE_DB" "$TEST_TMP/want.json" >"$TEST_TMP/cmp.out" 2>&1
	echo $? >"$TEST_TMP/cmp.st"
' 2>"$TEST_TMP/ns.err"
[ -s "$TEST_TMP/ns.err" ] && sed 's/^/# /' "$TEST_TMP/ns.err"
sed 's/^/# sync: /' "$TEST_TMP/sync1.err"

tap_is "$(cat "$TEST_TMP/sync1.st" 2>/dev/null)" 1 "on a full disk the sync stops with exit status 1"
grep -q "disk is full" "$TEST_TMP/sync1.err"
tap_ok $? "it says the disk is full"
grep -q "run the sync again" "$TEST_TMP/sync1.err"
tap_ok $? "and what to do"
[ "$(cat "$TEST_TMP/integrity.st" 2>/dev/null)" = 0 ] || sed 's/^/# /' "$TEST_TMP/integrity.out"
tap_is "$(cat "$TEST_TMP/integrity.st" 2>/dev/null)" 0 "the cache left on the full disk is intact"
[ "$(cat "$TEST_TMP/sync2.st" 2>/dev/null)" = 0 ] || sed 's/^/# sync: /' "$TEST_TMP/sync2.err"
tap_is "$(cat "$TEST_TMP/sync2.st" 2>/dev/null)" 0 "with room again the next sync completes"
[ "$(cat "$TEST_TMP/cmp.st" 2>/dev/null)" = 0 ] || sed 's/^/# /' "$TEST_TMP/cmp.out"
tap_is "$(cat "$TEST_TMP/cmp.st" 2>/dev/null)" 0 "and the cache equals the platform"
tap_done
