#!/bin/sh
# Fuzzes the readers of untrusted bytes with libFuzzer: builds the tree with clang and the
# sanitizers in build/fuzz, links each harness of tests/fuzz/ with -fsanitize=fuzzer, and
# runs it for SECONDS with its seed corpus. New inputs go to build/fuzz/corpus-NAME; with
# --merge they are merged back into tests/fuzz/corpus/NAME/ (only those adding coverage).
# Prints per harness the executions, exec/s, coverage (cov:, ft:) and any crash file, and
# exits non-zero when a harness crashed.
# With --if-present it installs nothing: without clang it says so and exits 0 (the smoke
# run of scripts/test.sh).
# Usage: scripts/fuzz.sh [--merge] [--if-present] [SECONDS] [HARNESS...]
#        (harnesses: tests/fuzz/fuzz_*.c)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
all=$(cd "$top/tests/fuzz" && for f in fuzz_*.c; do
	n=${f#fuzz_}
	printf '%s ' "${n%.c}"
done)
all=${all% }

merge=no
if_present=no
seconds=60
harnesses=""
for a in "$@"; do
	case $a in
	--merge) merge=yes ;;
	--if-present) if_present=yes ;;
	-h | --help)
		sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*[!0-9]* | "")
		case " $all " in
		*" $a "*) harnesses="$harnesses $a" ;;
		*)
			echo "fuzz: no harness '$a' (there are: $all)" >&2
			exit 2
			;;
		esac
		;;
	*) seconds=$a ;;
	esac
done
[ -n "$harnesses" ] || harnesses=$all

# clang and libFuzzer's runtime: only what is missing, as scripts/deps.sh installs. Not in
# deps.sh's list: make check does not need them.
missing=""
for p in clang libclang-rt-14-dev; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}
if [ -n "$missing" ] && [ "$if_present" = yes ]; then
	echo "fuzz: not installed:$missing; no fuzzing"
	exit 0
fi
if [ -n "$missing" ]; then
	echo "fuzz: installing:$missing"
	as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
	# shellcheck disable=SC2086
	as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y \
		-qq --no-install-recommends $missing
fi

# The project's libraries, built by clang with the sanitizers and libFuzzer's coverage.
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-g -O1 -fno-omit-frame-pointer $san"
build="$top/build/fuzz"
cd "$top"
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ ! -f build-aux/tap-driver.sh ]; then
	autoreconf -fi
fi
mkdir -p "$build"
cd "$build"
if [ ! -f Makefile ] || [ "$top/configure" -nt Makefile ]; then
	"$top/configure" -q CC=clang CFLAGS="$cflags -fsanitize=fuzzer-no-link" \
		LDFLAGS="$san" >configure.log ||
		{
			tail -n 20 configure.log >&2
			exit 1
		}
fi
jobs=$(nproc 2>/dev/null || echo 1)
[ "$jobs" -le 2 ] || jobs=2
libs="views/libviews.a tui/libtui.a client/libclient.a"
# shellcheck disable=SC2086
make -s -j"$jobs" $libs >make.log 2>&1 || {
	tail -n 30 make.log >&2
	exit 1
}
# The flags of the external libraries, as configure found them.
var() {
	# shellcheck disable=SC2016 # $(NAME) is make's, not the shell's
	printf 'print-var:\n\t@echo $(%s)\n' "$1" | make -s --no-print-directory -f Makefile -f - print-var
}
ext_cflags=$(var PAYDESK_EXT_CFLAGS)
ext_libs=$(var PAYDESK_EXT_LIBS)
form_cflags="$(var MHD_CFLAGS) $(var SQLITE_CFLAGS)"

# The harnesses that write files (a bill's zip, the outbox's cache) spend most of their time
# in the file system: in memory when the machine has it, unless TMPDIR says where.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	TMPDIR=$(mktemp -d /dev/shm/paydesk-fuzz.XXXXXX)
	export TMPDIR
	trap 'rm -rf "$TMPDIR"' EXIT
fi

crashed=0
for name in $harnesses; do
	extra_src=""
	extra_cflags=$ext_cflags
	dict="$top/tests/fuzz/$name.dict"
	[ -f "$dict" ] || dict=""
	case $name in
	form)
		extra_src="$top/sandbox/form.c $top/sandbox/buf.c"
		extra_cflags=$form_cflags
		;;
	esac
	bin="$build/fuzz-$name"
	# shellcheck disable=SC2086
	clang $cflags -fsanitize=fuzzer -std=gnu11 -I"$top" -I"$build" $extra_cflags \
		"$top/tests/fuzz/fuzz_$name.c" $extra_src -o "$bin" $libs $ext_libs
	corpus="$build/corpus-$name"
	mkdir -p "$corpus"
	log="$build/fuzz-$name.log"
	rm -f "$build/crash-$name-"*
	set -- -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
		-artifact_prefix="$build/crash-$name-"
	[ -z "$dict" ] || set -- "$@" -dict="$dict"
	rc=0
	"$bin" "$@" "$corpus" "$top/tests/fuzz/corpus/$name" >"$log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | head -n 1)
	printf 'fuzz_%s: %s s, executions %s, exec/s %s, cov %s, ft %s' "$name" "$seconds" \
		"${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}"
	if [ "$rc" -ne 0 ] || [ -n "$crash" ]; then
		crashed=1
		printf ', CRASH: %s (log %s)\n' "${crash:-exit $rc}" "$log"
		grep -m 5 -E 'ERROR|SUMMARY|fuzz_[a-z]+: .*:[0-9]+:' "$log" | sed 's/^/  /' || true
	else
		printf ', no crash\n'
	fi
	if [ "$merge" = yes ]; then
		"$bin" -merge=1 "$top/tests/fuzz/corpus/$name" "$corpus" >"$build/merge-$name.log" 2>&1
		echo "fuzz_$name: merged into tests/fuzz/corpus/$name"
	fi
done
exit $crashed
