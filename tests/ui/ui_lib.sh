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

# ui_run LOCALE COLSxLINES SCRIPT [paydesk options]: runs the screens headless.
ui_run() {
	ui_locale=$1 ui_size=$2 ui_script=$3
	shift 3
	env LANG="$ui_locale" LC_ALL="$ui_locale" LANGUAGE= TZ=UTC PAYDESK_NOW="$UI_NOW" \
		TERM=xterm COLUMNS="${ui_size%x*}" LINES="${ui_size#*x}" NO_COLOR= \
		PAYDESK_API_KEY=sk_test_screens "$PAYDESK_BIN" "$@" --script "$ui_script"
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
