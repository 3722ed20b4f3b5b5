#!/bin/sh
# The real binary in a real terminal (tmux): start, sync in the background,
# switch screens, resize (down to too small and back), search, refresh after
# new activity, quit -- on a --hostile sandbox store whose strings must not
# act on the terminal: no escape sequence of theirs reaches the pane.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/ui/ui_lib.sh"
ui_tmux_setup
tap_plan 16

sandbox_start --seed 5 --orders 300 --days 10 --now "$UI_NOW" --hostile --quiet || exit 99
ui_profile live "$SANDBOX_URL"

# The program waits for a line on stdin so that the pane's output is
# recorded from its very first byte.
tm -f /dev/null new-session -d -s pd -x 100 -y 30 \
	"env LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC PAYDESK_NOW=$UI_NOW PAYDESK_API_KEY=sk_test_tmux \
	 sh -c 'read go; exec \"$PAYDESK_BIN\" --profile live'"
tm pipe-pane -t pd -o "cat >>'$TEST_TMP/raw'"
title_before=$(tm display -p -t pd '#{pane_title}')
tm send-keys -t pd Enter

wait_for "row 1 of 300"
tap_ok $? "starts, syncs in the background, shows every order"
wait_for "synced just now"
tap_ok $? "the status line says the data is fresh"

tm send-keys -t pd Tab
wait_for "[2 Refunds]"
tap_ok $? "Tab switches to the refunds screen"
tm send-keys -t pd 3
wait_for "[3 Disputes]"
tap_ok $? "3 switches to the disputes screen"
tm send-keys -t pd 1
wait_for "[1 Orders]"
tap_ok $? "1 switches back to the orders"

tm resize-window -t pd -x 80 -y 24
wait_for "row 1 of 300" && [ "$(wc -l <"$TEST_TMP/pane")" -eq 24 ]
tap_ok $? "resized to 80x24, the screen is redrawn for it"
tm resize-window -t pd -x 70 -y 20
wait_for "needs at least 80x24"
tap_ok $? "smaller than 80x24 says so"
tm resize-window -t pd -x 120 -y 40
wait_for "row 1 of 300"
tap_ok $? "enlarged again, the orders come back"

# Search for the order reference on the first row.
ref=$(sed -n 3p "$TEST_TMP/pane" | awk '{print $3}')
tm send-keys -t pd / "$ref" Enter
wait_for "search: $ref"
tap_ok $? "/ searches (for $ref)"
wait_for_re "row 1 of [1-9]" && sed -n 3p "$TEST_TMP/pane" | grep -qF -- "$ref"
tap_ok $? "the search finds the order"
tm send-keys -t pd x
wait_for "row 1 of 300"

# New activity on the platform, then r.
curl -s -X POST -d charges=2 "$SANDBOX_URL/_admin/create" >/dev/null
tm send-keys -t pd r
wait_for "row 3 of 302" && grep -q "ORD-0000302" "$TEST_TMP/pane"
tap_ok $? "r syncs the new orders in; the cursor stays on its order"

# Page through every order so every hostile string is drawn.
for _ in 1 2 3 4 5 6 7 8 9 10 11 12; do tm send-keys -t pd PgDn; done
wait_for "row 302 of 302"
title_after=$(tm display -p -t pd '#{pane_title}')
tm send-keys -t pd q
i=0
while tm has-session -t pd 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
tm has-session -t pd 2>/dev/null
tap_is $? 1 "q quits"

bad=0
for seq in "$(printf '\033]0;pwned')" "$(printf '\033[2J\033[H cleared')" \
	"$(printf '\033[?1049h alt')" "$(printf '\033[6n')" "$(printf '\007 and')" \
	"$(printf '\033[31mRED')"; do
	if grep -qF -- "$seq" "$TEST_TMP/raw"; then
		echo "# reached the terminal: $(printf '%s' "$seq" | od -c | head -n 1)"
		bad=1
	fi
done
[ -s "$TEST_TMP/raw" ] && grep -q "$(printf '\342\220\233')" "$TEST_TMP/raw" || bad=1
tap_ok $bad "hostile strings were shown inert (escapes as symbols), none reached the pane"
tap_is "$title_after" "$title_before" "the window title was not changed by the data"

# NO_COLOR: the same screens without a single colour sequence (the run above,
# in colour, had them).
esc=$(printf '\033')
# A colour is an SGR parameter 30-39 (or 90-97) ending in 'm'.
sgr_colour="$esc\[([0-9]*;)*(3[0-9]|9[0-7])(;[0-9]+)*m"
grep -aEq "$sgr_colour" "$TEST_TMP/raw"
colour=$?
tm -f /dev/null new-session -d -s pd -x 100 -y 30 \
	"env LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC NO_COLOR=1 PAYDESK_NOW=$UI_NOW \
	 sh -c 'read go; exec \"$PAYDESK_BIN\" --offline --profile live'"
tm pipe-pane -t pd -o "cat >>'$TEST_TMP/raw-mono'"
tm send-keys -t pd Enter
wait_for "row 1 of 302"
tm send-keys -t pd 3
wait_for "[3 Disputes]"
tm send-keys -t pd Q
i=0
while tm has-session -t pd 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
grep -aEq "$sgr_colour" "$TEST_TMP/raw-mono"
tap_is "$colour:$?" "0:1" "colours in colour, none with NO_COLOR"
grep -aEq "$esc\[([0-9]*;)*7(;[0-9]+)*m" "$TEST_TMP/raw-mono"
tap_ok $? "NO_COLOR still shows the cursor and status line in reverse video"
tap_done
