#!/bin/sh
# Every fuzz harness over its seed corpus (tests/fuzz/corpus/NAME/), built with the replay
# main() instead of libFuzzer: a crash, an abort or a non-zero exit fails its line.
. "$abs_top_srcdir/tests/lib.sh"

# One harness per corpus folder.
harnesses=$(cd "$abs_top_srcdir/tests/fuzz/corpus" && ls)
tap_plan "$(echo "$harnesses" | wc -w)"
log=${TMPDIR:-/tmp}/paydesk-fuzz-replay.$$
for name in $harnesses; do
	"$abs_top_builddir/tests/fuzz/fuzz_$name" "$abs_top_srcdir/tests/fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	tap_ok "$rc" "fuzz_$name replays its corpus"
	[ "$rc" -eq 0 ] || sed 's/^/# /' "$log" | tail -n 20
	grep '^ok' "$log" | sed 's/^/# /'
done
rm -f "$log"
tap_done
