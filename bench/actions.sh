#!/bin/sh
# Figures of acting on money, against a local paydesk-sandbox:
#  1. a refund from keypress to confirmed on screen: the real screens (headless script mode)
#     refund 20 orders; the display is saved just before the 'y' of each confirmation and
#     again once the result is on screen; the figure is the median of the 20 differences of
#     those files' modification times (wall clock, ms);
#  2. refunds created across N scripted refund attempts with random injected faults and
#     retries (bench/actions_exactly_once): must equal N.
# Usage: bench/actions.sh BUILD_DIR [ATTEMPTS]   (default 1000)
set -u
B=$(cd "${1:?usage: $0 BUILD_DIR [ATTEMPTS]}" && pwd)
ATTEMPTS=${2:-1000}
T=$(mktemp -d "${TMPDIR:-/tmp}/paydesk-bench.XXXXXX")
SB=
cleanup() { [ -n "$SB" ] && kill "$SB" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
export HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data"
mkdir -p "$HOME" "$XDG_CONFIG_HOME/paydesk" "$XDG_DATA_HOME"
NOW=1790000000

start_sandbox() {
	"$B/paydesk-sandbox" --port 0 --quiet --now "$NOW" "$@" >"$T/port" 2>"$T/sandbox.err" &
	SB=$!
	for _ in $(seq 1 300); do
		PORT=$(head -n 1 "$T/port" 2>/dev/null)
		[ -n "$PORT" ] && break
		sleep 0.1
	done
	URL="http://127.0.0.1:$PORT"
}

start_sandbox --seed 3 --orders 2000 --days 30
cat >"$XDG_CONFIG_HOME/paydesk/config" <<CONF
[bench]
api_base = $URL
timeout = 10
CONF
export PAYDESK_API_KEY=sk_test_bench PAYDESK_PROFILE=bench
"$B/paydesk" sync >/dev/null || { echo "sync failed"; exit 1; }
ORDERS=$(sqlite3 "$XDG_DATA_HOME/paydesk/bench.db" "SELECT id FROM orders WHERE
	platform_status = 'succeeded' AND amount_refunded = 0 AND disputed = 0 AND currency = 'usd'
	AND amount > 500 ORDER BY id LIMIT 20")
i=0
: >"$T/script"
for o in $ORDERS; do
	i=$((i + 1))
	printf ':search %s\nR\n<C-u>1.00<Enter>\n<Enter>\n<Enter>\n:save-display %s/before.%d\ny\n:save-display %s/after.%d\n' \
		"$o" "$T" "$i" "$T" "$i" >>"$T/script"
done
env LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC TERM=xterm COLUMNS=80 LINES=24 \
	"$B/paydesk" --script "$T/script" 2>"$T/ui.err" || { echo "the screens failed:"; cat "$T/ui.err"; exit 1; }
: >"$T/lat"
for n in $(seq 1 "$i"); do
	grep -q "Done: re_" "$T/after.$n" || { echo "refund $n not confirmed on screen"; exit 1; }
	a=$(date -r "$T/before.$n" +%s%N)
	b=$(date -r "$T/after.$n" +%s%N)
	echo $(((b - a) / 1000)) >>"$T/lat"
done
sort -n "$T/lat" >"$T/lat.sorted"
med=$(awk '{v[NR]=$1} END {if (NR % 2) print v[(NR+1)/2]; else print int((v[NR/2]+v[NR/2+1])/2)}' "$T/lat.sorted")
min=$(head -n 1 "$T/lat.sorted"); max=$(tail -n 1 "$T/lat.sorted")
printf 'refund, keypress to confirmed on screen (%d refunds): median %d.%03d ms (min %d.%03d, max %d.%03d)\n' \
	"$i" $((med / 1000)) $((med % 1000)) $((min / 1000)) $((min % 1000)) $((max / 1000)) $((max % 1000))
kill "$SB"; wait "$SB" 2>/dev/null; SB=

start_sandbox --seed 9 --orders 3000 --days 30
echo "exactly once under random faults ($ATTEMPTS attempts):"
"$B/bench/actions_exactly_once" "$URL" "$T/faults.db" --attempts "$ATTEMPTS" --seed 1
