# Shell helpers for TAP tests. Source it: . "$abs_top_srcdir/tests/lib.sh"
# A test calls tap_plan N first, then tap_ok/tap_is, and exits with tap_done.

tap_n=0
tap_failed=0

tap_plan() { echo "1..$1"; }

# tap_ok STATUS NAME: STATUS 0 passes.
tap_ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

# tap_is GOT WANT NAME
tap_is() {
	if [ "$1" = "$2" ]; then
		tap_ok 0 "$3"
	else
		tap_ok 1 "$3"
		printf '# got:  %s\n# want: %s\n' "$1" "$2"
	fi
}

tap_done() { [ "$tap_failed" -eq 0 ]; exit $?; }

# A private temporary directory, removed at exit; tests keep everything in it.
tmp_setup() {
	TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/paydesk-test.XXXXXX") || exit 99
	trap 'sandbox_stop; rm -rf "$TEST_TMP"' EXIT
	export HOME="$TEST_TMP/home" XDG_CONFIG_HOME="$TEST_TMP/config" XDG_DATA_HOME="$TEST_TMP/data"
	mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"
}

# sandbox_start [ARGS...]: starts paydesk-sandbox on a free loopback port.
# Sets SANDBOX_PID, SANDBOX_PORT and SANDBOX_URL (http://127.0.0.1:PORT).
sandbox_start() {
	: "${TEST_TMP:?call tmp_setup first}"
	rm -f "$TEST_TMP/sandbox.out"
	"$PAYDESK_SANDBOX" --port 0 "$@" >"$TEST_TMP/sandbox.out" 2>"$TEST_TMP/sandbox.err" &
	SANDBOX_PID=$!
	SANDBOX_PORT=
	for _ in $(seq 1 600); do
		SANDBOX_PORT=$(head -n 1 "$TEST_TMP/sandbox.out" 2>/dev/null)
		[ -n "$SANDBOX_PORT" ] && break
		kill -0 "$SANDBOX_PID" 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$SANDBOX_PORT" ]; then
		echo "# paydesk-sandbox did not start:" >&2
		sed 's/^/# /' "$TEST_TMP/sandbox.err" >&2
		return 1
	fi
	SANDBOX_URL="http://127.0.0.1:$SANDBOX_PORT"
}

sandbox_stop() {
	if [ -n "${SANDBOX_PID:-}" ]; then
		kill "$SANDBOX_PID" 2>/dev/null
		wait "$SANDBOX_PID" 2>/dev/null
		SANDBOX_PID=
	fi
}
