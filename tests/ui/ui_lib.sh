# Helpers for screen tests: a profile, a deterministic cache and headless runs.
# Source after tests/lib.sh.

UI_FILL="$abs_top_builddir/tests/ui/ui_fill"
UI_EXPECTED="$abs_top_srcdir/tests/ui/expected"
# The fixed "now" of ui_fill's data and of every screen.
UI_NOW=1790000000

# ui_profile NAME API_BASE: writes a profile whose key comes from the environment.
ui_profile() {
	mkdir -p "$XDG_CONFIG_HOME/paydesk"
	cat >>"$XDG_CONFIG_HOME/paydesk/config" <<CONF
[$1]
api_base = $2
timeout = 3
timezone = UTC
CONF
}

# ui_fill_cache NAME ORDERS [ui_fill options]: fills the profile's cache.
ui_fill_cache() {
	name=$1
	shift
	mkdir -p "$XDG_DATA_HOME/paydesk"
	"$UI_FILL" "$XDG_DATA_HOME/paydesk/$name.db" "$@" --now "$UI_NOW"
}

# ui_run LOCALE COLSxLINES SCRIPT [paydesk options]: runs the screens headless (NO_COLOR
# is UI_NO_COLOR, empty unless set).
ui_run() {
	ui_locale=$1 ui_size=$2 ui_script=$3
	shift 3
	env LANG="$ui_locale" LC_ALL="$ui_locale" LANGUAGE= TZ=UTC PAYDESK_NOW="$UI_NOW" \
		TERM=xterm COLUMNS="${ui_size%x*}" LINES="${ui_size#*x}" NO_COLOR="${UI_NO_COLOR-}" \
		PAYDESK_API_KEY=sk_test_screens "$PAYDESK_BIN" "$@" --script "$ui_script"
}

# ui_tmux_setup: for a test in a real terminal. Skips the test when tmux is not
# installed; otherwise tmp_setup, a private tmux server for tm (killed at exit,
# with the sandbox if one runs) and UI_TMUX_SESSION (default pd) for wait_for.
ui_tmux_setup() {
	if ! command -v tmux >/dev/null 2>&1; then
		echo "1..0 # SKIP tmux is not installed"
		exit 0
	fi
	tmp_setup
	TMUX_SOCK="$TEST_TMP/tmux.sock"
	UI_TMUX_SESSION=${UI_TMUX_SESSION:-pd}
	trap 'tm kill-server 2>/dev/null; sandbox_stop; rm -rf "$TEST_TMP"' EXIT
}

tm() { tmux -S "$TMUX_SOCK" "$@"; }

# wait_for TEXT: polls the session's pane (at most 30 s) until TEXT shows; the
# last capture stays in $TEST_TMP/pane.
wait_for() { wait_grep -F "$1"; }

# wait_for_re REGEX: like wait_for, for an extended regular expression (e.g. a row count
# that arrives after the first paint).
wait_for_re() { wait_grep -E "$1"; }

# wait_gone TEXT: polls (at most 3 s) until TEXT no longer shows; 1 when it stays.
wait_gone() {
	i=0
	while [ $i -lt 30 ]; do
		tm capture-pane -p -t "$UI_TMUX_SESSION" >"$TEST_TMP/pane" 2>/dev/null
		grep -qF -- "$1" "$TEST_TMP/pane" || return 0
		i=$((i + 1))
		sleep 0.1
	done
	return 1
}

# wait_grep GREP-FLAG PATTERN: the polling behind wait_for and wait_for_re.
wait_grep() {
	i=0
	while [ $i -lt 300 ]; do
		tm capture-pane -p -t "$UI_TMUX_SESSION" >"$TEST_TMP/pane" 2>/dev/null
		grep -q "$1" -- "$2" "$TEST_TMP/pane" && return 0
		i=$((i + 1))
		sleep 0.1
	done
	echo "# waited in vain for: $2"
	sed 's/^/#  | /' "$TEST_TMP/pane"
	return 1
}

# ui_compare NAME ACTUAL: compares a dump with tests/ui/expected/NAME.txt
# (UPDATE_EXPECTED=1 rewrites the expected file instead).
ui_compare() {
	if [ "${UPDATE_EXPECTED:-}" = 1 ]; then
		cp "$2" "$UI_EXPECTED/$1.txt"
	fi
	if diff -u "$UI_EXPECTED/$1.txt" "$2" >"$TEST_TMP/diff" 2>&1; then
		tap_ok 0 "screen $1"
	else
		tap_ok 1 "screen $1"
		sed 's/^/# /' "$TEST_TMP/diff" | head -n 60
	fi
}
