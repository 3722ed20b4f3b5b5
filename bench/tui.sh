#!/bin/sh
# Figures of the Orders screen on a 1,000,000-order cache and a 10,000-order
# one: start to first paint, one navigation key handled and drawn, `/`
# search, bytes to the terminal per line scrolled (through a pty), peak RSS.
#
#   bench/tui.sh [BUILD_DIR] [WORK_DIR]
#
# BUILD_DIR defaults to the current directory (a configured build); the
# caches are written to WORK_DIR (default: a temporary directory, removed at
# the end; a 1,000,000-order cache takes about 800 MB and two minutes).
set -eu
build=$(cd "${1:-.}" && pwd)
work=${2:-}
if [ -z "$work" ]; then
	work=$(mktemp -d "${TMPDIR:-/tmp}/paydesk-bench.XXXXXX")
	trap 'rm -rf "$work"' EXIT
fi
make -C "$build" -s tests/ui/ui_fill bench/tui_bench
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC
for n in 10000 1000000; do
	cache="$work/orders-$n.db"
	if [ ! -f "$cache" ]; then
		echo "== writing a cache of $n orders"
		"$build/tests/ui/ui_fill" "$cache" "$n" --lean
	fi
	echo "== $n orders"
	# Searches: one order reference, a customer name shared by 1 in 12 orders,
	# the same in Chinese.
	"$build/bench/tui_bench" "$cache" ORD-000777 Martin 王小明
done
