#!/bin/sh
# make installcheck: the installed programs alone, as a user runs them -- nothing from the
# build tree, no variable naming catalogs or programs.
#
#   tests/install/smoke.sh ROOT BINDIR MANDIR COMPLETIONSDIR
#
# ROOT is the staging root of the install (empty for a real one); the other arguments are
# the configured directories. Prints TAP; exits non-zero when a check fails.
set -u
[ $# -eq 4 ] || { echo "usage: $0 ROOT BINDIR MANDIR COMPLETIONSDIR" >&2; exit 2; }
root=$1
bin="$root$2"
man="$root$3"
completions="$root$4"
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib.sh"
unset PAYDESK_LOCALEDIR PAYDESK_PROFILE PAYDESK_API_KEY PAYDESK_NOW LANGUAGE
PAYDESK_BIN="$bin/paydesk"
PAYDESK_SANDBOX="$bin/paydesk-sandbox"
export PAYDESK_BIN PAYDESK_SANDBOX
tmp_setup
tap_plan 19

# run LOCALE PROGRAM ARGS...: the installed program in LOCALE, with a plain environment.
run() {
	loc=$1
	shift
	env -u PAYDESK_SANDBOX -u PAYDESK_BIN LANG="$loc" LC_ALL="$loc" TERM=xterm COLUMNS=80 \
		LINES=24 "$@"
}

out=$(run C.UTF-8 "$PAYDESK_BIN" --version | head -n 1)
tap_ok $? "paydesk --version runs"
case $out in "paydesk "[0-9]*) st=0 ;; *) st=1 ;; esac
tap_ok $st "paydesk --version names the program and its version ($out)"
run C.UTF-8 "$PAYDESK_SANDBOX" --version | grep -q '^paydesk-sandbox [0-9]'
tap_ok $? "paydesk-sandbox --version runs"
run C.UTF-8 "$PAYDESK_BIN" --help | grep -q '^Usage: paydesk '
tap_ok $? "paydesk --help runs"
run zh_CN.UTF-8 "$PAYDESK_BIN" --help | head -n 1 | grep -q '用法'
tap_ok $? "paydesk --help speaks Chinese in zh_CN.UTF-8, from the installed catalog"

# The demo, headless: its own sandbox (found beside the installed paydesk), its own cache.
printf ':save-display %s\n' "$TEST_TMP/demo-C.txt" >"$TEST_TMP/script-C"
printf ':save-display %s\n' "$TEST_TMP/demo-zh.txt" >"$TEST_TMP/script-zh"
mkdir -p "$TEST_TMP/demo"
TMPDIR="$TEST_TMP/demo" run C.UTF-8 "$PAYDESK_BIN" --demo --script "$TEST_TMP/script-C" \
	2>"$TEST_TMP/err"
tap_ok $? "the demo runs in C.UTF-8"
grep -q "row 1 of 3000" "$TEST_TMP/demo-C.txt"
tap_ok $? "the demo shows its orders in English"
TMPDIR="$TEST_TMP/demo" run zh_CN.UTF-8 "$PAYDESK_BIN" --demo --platform wechatpay \
	--script "$TEST_TMP/script-zh" 2>"$TEST_TMP/err"
tap_ok $? "the WeChat Pay demo runs in zh_CN.UTF-8"
grep -q "第 1 行" "$TEST_TMP/demo-zh.txt" && grep -q "订单" "$TEST_TMP/demo-zh.txt"
tap_ok $? "the demo speaks Chinese with no variable naming the catalogs"

# A real sync against the installed sandbox, then the day's statement.
sandbox_start --quiet --orders 300 --days 10
tap_ok $? "the installed sandbox starts"
mkdir -p "$XDG_CONFIG_HOME/paydesk"
cat >"$XDG_CONFIG_HOME/paydesk/config" <<CONF
[shop]
api_base = $SANDBOX_URL
timezone = UTC
key_file = $XDG_CONFIG_HOME/paydesk/shop.key
CONF
echo sk_test_installcheck >"$XDG_CONFIG_HOME/paydesk/shop.key"
chmod 600 "$XDG_CONFIG_HOME/paydesk/shop.key"
out=$(run C.UTF-8 "$PAYDESK_BIN" sync 2>&1)
tap_ok $? "paydesk sync against the installed sandbox succeeds"
echo "$out" | grep -q "^synced: [1-9]"
tap_ok $? "the sync stored the sandbox's objects ($(echo "$out" | tail -n 1))"
run C.UTF-8 "$PAYDESK_BIN" statement --date yesterday -f txt >"$TEST_TMP/st.txt" 2>"$TEST_TMP/err"
tap_ok $? "paydesk statement prints yesterday's statement"
grep -q "Transactions" "$TEST_TMP/st.txt"
tap_ok $? "the statement lists the day's transactions"
run C.UTF-8 "$PAYDESK_BIN" statement --date yesterday -f pdf -o "$TEST_TMP/st.pdf" 2>"$TEST_TMP/err"
tap_ok $? "the statement is written as a PDF"
[ "$(head -c 5 "$TEST_TMP/st.pdf" 2>/dev/null)" = "%PDF-" ]
tap_ok $? "the PDF is a PDF"
run zh_CN.UTF-8 "$PAYDESK_BIN" statement --date yesterday -f txt 2>/dev/null | grep -q "结算"
tap_ok $? "the statement is in Chinese in zh_CN.UTF-8"

# The manual pages and the completion, where the install put them.
st=0
for page in man1/paydesk.1 man5/paydesk.conf.5 man1/paydesk-sandbox.1; do
	# A package's pages are compressed (dh_compress).
	[ -s "$man/$page" ] || [ -s "$man/$page.gz" ] || { echo "# missing: $man/$page"; st=1; }
done
tap_ok $st "the manual pages are installed"
out=$(bash -c '. "$1/paydesk" && complete -p paydesk paydesk-sandbox' sh "$completions" 2>&1)
echo "$out" | grep -q -- '-F _paydesk paydesk$' && [ -L "$completions/paydesk-sandbox" ]
tap_ok $? "the bash completion is installed for both programs"
tap_done
