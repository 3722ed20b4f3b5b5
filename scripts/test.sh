#!/bin/sh
# Runs the whole test suite twice -- a plain build and an ASan+UBSan build -- then
# `make distcheck` (with make installcheck), a short run of every fuzz harness where clang is
# installed, then builds and checks the Debian packages,
# and prints one line "N passed, N failed" totalled from the test logs of the two builds.
# Exits non-zero if a test failed, a build failed, or no test ran.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
status=0

run_suite() {
	name=$1
	shift
	echo "== $name build"
	if ! "$top/scripts/bootstrap.sh" "$name" "$@"; then
		echo "test: the $name build failed" >&2
		return 1
	fi
	if ! make -C "$top/build/$name" -j"$(nproc)" check; then
		echo "test: tests failed in the $name build; their logs follow" >&2
		for log in $(grep -l -E '^:test-result: (FAIL|ERROR|XPASS)' $(find "$top/build/$name" -name '*.trs') 2>/dev/null); do
			echo "---- ${log%.trs}.log" >&2
			tail -n 60 "${log%.trs}.log" >&2
		done
		return 1
	fi
}

rm -f "$top"/build/plain/tests/*/*.trs "$top"/build/sanitize/tests/*/*.trs 2>/dev/null
run_suite plain || status=1
run_suite sanitize --enable-sanitizers || status=1

# The release tarball builds and passes its tests too (its results are not counted again).
echo "== distcheck"
if ! make -C "$top/build/plain" distcheck >"$top/build/distcheck.log" 2>&1; then
	echo "test: make distcheck failed; the end of its log:" >&2
	tail -n 40 "$top/build/distcheck.log" >&2
	status=1
fi

# Every fuzz harness for a few seconds from its corpus, where clang and libFuzzer are
# installed (scripts/fuzz.sh installs them; this run installs nothing).
echo "== fuzzing, 5 s per harness"
if "$top/scripts/fuzz.sh" --if-present 5 >"$top/build/fuzz-smoke.log" 2>&1; then
	sed 's/^/  /' "$top/build/fuzz-smoke.log"
else
	echo "test: a fuzz harness failed; build/fuzz-smoke.log:" >&2
	tail -n 40 "$top/build/fuzz-smoke.log" >&2
	status=1
fi

# The Debian packages build, pass lintian, and work unpacked on their own; with
# PAYDESK_INSTALL_DEB=1 (CI, on a machine of its own) they are also installed with dpkg -i
# and the installed programs tested.
echo "== Debian packages"
deb_args=""
[ "${PAYDESK_INSTALL_DEB:-}" = 1 ] && deb_args=--install
if ! "$top/scripts/deb.sh" $deb_args >"$top/build/deb.log" 2>&1; then
	echo "test: the Debian packages failed; the end of build/deb.log:" >&2
	tail -n 40 "$top/build/deb.log" >&2
	status=1
fi

# Totals from every test's .trs file of both builds.
totals=$(find "$top/build/plain" "$top/build/sanitize" -path '*/paydesk-[0-9]*' -prune -o \
	-name '*.trs' -print 2>/dev/null |
	xargs -r cat | awk '
	/^:test-result: (PASS|XFAIL)/ { p++ }
	/^:test-result: (FAIL|XPASS|ERROR)/ { f++ }
	/^:test-result: SKIP/ { s++ }
	END { printf "%d %d %d\n", p, f, s }')
set -- $totals
passed=$1 failed=$2 skipped=$3
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] || status=1
[ "$passed" -gt 0 ] || { echo "test: no test ran" >&2; status=1; }
exit $status
