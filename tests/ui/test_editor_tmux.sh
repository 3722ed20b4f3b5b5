#!/bin/sh
# $EDITOR from the evidence screen, in a real terminal (tmux): the screens
# give the terminal back (the editor reads a line in cooked mode, echoed),
# and take it again afterwards, every cell repainted, the edited text shown.
# And no screen of views/ touches curses itself: the framework does.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/ui/ui_lib.sh"
ui_tmux_setup
T=$TEST_TMP
tap_plan 10

grep -l -E '#include <n?curses(w/curses)?\.h>|\b(endwin|def_prog_mode|reset_prog_mode|initscr)\(' \
	"$abs_top_srcdir"/views/*.c "$abs_top_srcdir"/views/*.h >"$T/curses" 2>/dev/null
tap_is "$(cat "$T/curses")" "" "no file of views/ calls curses"

ui_profile shop http://127.0.0.1:9
ui_fill_cache shop 3000 >/dev/null
DISPUTE=$(sqlite3 "$XDG_DATA_HOME/paydesk/shop.db" \
	"SELECT id FROM disputes WHERE status = 'needs_response' AND due_by > $UI_NOW ORDER BY id LIMIT 1")
[ -n "$DISPUTE" ]
tap_ok $? "the cache has an open dispute"

# The editor says whether the terminal is in cooked mode, reads one line
# from it and writes that line into the file.
cat >"$T/editor.sh" <<'EDITOR'
#!/bin/sh
# Once asked to, it writes Latin-1 rather than UTF-8, as a misconfigured editor does.
if [ -f "$LATIN1" ]; then
	printf 'caf\351 au lait\n' >"$1"
	exit 0
fi
if stty -a | grep -Eq '(^| )icanon( |$)' && stty -a | grep -Eq '(^| )echo( |$)'; then
	echo "EDITOR: cooked"
else
	echo "EDITOR: raw"
fi
printf 'EDITOR: type a line> '
read -r line
printf '%s\n' "$line" >"$1"
EDITOR
chmod +x "$T/editor.sh"

tm -f /dev/null new-session -d -s pd -x 80 -y 24 \
	"env LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC PAYDESK_NOW=$UI_NOW PAYDESK_API_KEY=sk_test_tmux \
	 EDITOR='$T/editor.sh' LATIN1='$T/latin1' \"$PAYDESK_BIN\" --offline --profile shop"
wait_for "row 1 of 3000" || exit 1
tm send-keys -t pd : "evidence $DISPUTE" Enter
wait_for "product description" || exit 1
# The first field after the dispute's state is the product description
# (a long text: the editor).
tm send-keys -t pd j Enter
wait_for "EDITOR: type a line>"
tap_ok $? "Enter on a long text runs the editor in the terminal"
grep -q "EDITOR: cooked" "$T/pane"
tap_ok $? "the editor gets the terminal in cooked mode with echo"
grep -q "product description" "$T/pane"
tap_ok $((!$?)) "the screens are gone while it runs"
tm send-keys -t pd "Sold as described" Enter
wait_for "Sold as described"
tap_ok $? "back in the screens, the edited text is shown"
# The typed line shows in the editor's own echo too: let the screens take over first.
wait_gone "EDITOR:"
grep -q "EDITOR:" "$T/pane" || ! grep -q "product description" "$T/pane"
tap_ok $((!$?)) "every cell is repainted: nothing of the editor is left on the screen"
# Text that is not UTF-8 is not taken, the draft keeps what it had, and the file stays.
touch "$T/latin1"
tm send-keys -t pd Enter
wait_for "not taken"
tap_ok $? "an editor writing Latin-1 is told: the text was not taken"
grep -q "line 1 holds a byte that is not UTF-8 (0xe9)" "$T/pane"
tap_ok $? "the message names the line and the byte"
kept=$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'paydesk-edit-*' -newer "$T/latin1" 2>/dev/null | head -n 1)
[ -n "$kept" ] && grep -q "au lait" "$kept"
tap_ok $? "the edited file is kept for the user to mend"
[ -z "$kept" ] || rm -f "$kept"
tm send-keys -t pd Q
tap_done
