#!/bin/sh
# The screens show the result of the user's own action at once, against the sandbox: the
# open order after a refund, the Orders and Refunds lists behind it, the Disputes list after
# a submission. The dispute's own screen offers E, S and A as the list does, to the roles the
# list offers them to.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/actions/actions_lib.sh"
actions_setup --seed 5 --orders 300 --days 20
tap_plan 29

# ui LOCALE SIZE SCRIPT [paydesk options]: runs the screens headless.
ui() {
	ui_locale=$1 ui_size=$2 ui_script=$3
	shift 3
	env LANG="$ui_locale" LC_ALL="$ui_locale" LANGUAGE= TZ=UTC TERM=xterm \
		COLUMNS="${ui_size%x*}" LINES="${ui_size#*x}" NO_COLOR= "$PAYDESK_BIN" "$@" \
		--script "$ui_script" 2>>"$TEST_TMP/ui.err"
}
# has FILE TEXT NAME / lacks FILE TEXT NAME: whether the dump holds the text.
has() {
	grep -qF -- "$2" "$1"
	st=$?
	tap_ok $st "$3"
	[ $st -eq 0 ] || sed 's/^/# | /' "$1"
}
lacks() {
	grep -qF -- "$2" "$1"
	st=$((!$?))
	tap_ok $st "$3"
	[ $st -eq 0 ] || sed 's/^/# | /' "$1"
}
T=$TEST_TMP

admin POST /_admin/create 'disputes=3' >/dev/null
pd sync; tap_is $? 0 "the merchant profile syncs"
set -- $(refundable t usd 1)
A=$1
set -- $(db t "SELECT id FROM disputes WHERE status = 'needs_response' AND due_by > $NOW ORDER BY id LIMIT 3")
D1=$1 D2=$2 D3=$3
tap_ok "$([ -n "$A" ] && [ -n "$D3" ]; echo $?)" "the cache has an order and open disputes to act on"
AMOUNT=$(db t "SELECT amount FROM orders WHERE id = '$A'")
LEFT=$(printf '$%d.%02d' $(((AMOUNT - 125) / 100)) $(((AMOUNT - 125) % 100)))

# A refund from the order's screen, opened from the Orders list; the Refunds list was open.
cat >"$T/s" <<EOF
2
1
:search $A
:save-display $T/list_before.txt
<Enter>
R
<C-u>1.25<Enter>
<Enter>
<Enter>
y
:save-display $T/order_after.txt
/re_<Enter>
:save-display $T/order_refunds.txt
q
:save-display $T/list_after.txt
2
:save-display $T/refunds_after.txt
EOF
ui C.UTF-8 80x24 "$T/s"; tap_is $? 0 "the refund script runs"
has "$T/order_after.txt" "Done: re_" "the refund is done"
has "$T/order_after.txt" 'Refunded              $1.25' "the open order says what was refunded at once"
has "$T/order_after.txt" "Left to refund        $LEFT" "and what is left"
grep -Eq '^  [0-9-]+ [0-9:]+  re_[A-Za-z0-9]+  \$1\.25  succeeded' "$T/order_refunds.txt"
tap_ok $? "its Refunds section lists the new refund"
has "$T/list_before.txt" " paid " "the Orders list said paid before"
has "$T/list_after.txt" "part refunded" "and says part refunded when the order screen closes"
sed -n 3p "$T/refunds_after.txt" | grep -q ' 1\.25 USD '
tap_ok $? "the Refunds list, open behind, shows the new refund first"

# A submission from the Evidence screen opened on the Disputes list (E, S): the list shows
# the dispute's new state when the Evidence screen closes.
cat >"$T/s" <<EOF
3
:save-display $T/disputes_before.txt
E
S
y
:save-display $T/submitted.txt
q
:save-display $T/disputes_after.txt
EOF
ui C.UTF-8 120x40 "$T/s"; tap_is $? 0 "the submission script runs"
tap_is "$(db t "SELECT status FROM disputes WHERE id = '$D1'")" under_review "the platform took the submission"
grep "$D1" "$T/disputes_before.txt" | grep -q "needs response"
tap_ok $? "the Disputes list said needs response before"
grep "$D1" "$T/disputes_after.txt" | grep -q "under review"
st=$?
tap_ok $st "and says under review when the Evidence screen closes"
[ $st -eq 0 ] || sed 's/^/# | /' "$T/disputes_after.txt"
# The dispute's own screen offers E, S and A as the list does. S there, in C.UTF-8.
cat >"$T/s" <<EOF
:dispute $D3
S
:save-display $T/submit_confirm.txt
y
:save-display $T/dispute_after.txt
EOF
ui C.UTF-8 80x24 "$T/s"; tap_is $? 0 "the submission script on the dispute's screen runs"
has "$T/submit_confirm.txt" "Submit the evidence? The platform takes it once" "S on the dispute's screen asks first"
has "$T/submit_confirm.txt" "Dispute:  $D3" "and restates the dispute"
tap_is "$(db t "SELECT status FROM disputes WHERE id = '$D3'")" under_review "the platform took the submission"
has "$T/dispute_after.txt" "Status                under review" "the dispute's screen shows its new state at once"

# E there opens its evidence; A accepts, in zh_CN.
cat >"$T/s" <<EOF
:dispute $D2
E
:save-display $T/evidence.txt
q
A
:save-display $T/accept_confirm.txt
y
:save-display $T/accepted.txt
EOF
ui zh_CN.UTF-8 80x24 "$T/s"
has "$T/evidence.txt" "字段" "E on the dispute's screen opens the Evidence screen"
has "$T/accept_confirm.txt" "接受此争议？款项将损失，且无法撤销。" "A on the dispute's screen asks first (zh_CN)"
tap_is "$(db t "SELECT status FROM disputes WHERE id = '$D2'")" lost "the dispute is accepted"
has "$T/accepted.txt" "败诉" "the dispute's screen says lost at once"

# Its help lists the three; a clerk has none of them there, as on the list.
printf ':dispute %s\n?\n:save-display %s/help.txt\nq\nq\n3\n?\n:save-display %s/list_help.txt\n' "$D3" "$T" "$T" >"$T/s"
ui C.UTF-8 80x24 "$T/s"
has "$T/help.txt" "Submit the dispute's evidence as drafted" "the dispute's help lists S"
has "$T/help.txt" "Accept the dispute: the money is lost" "and A"
has "$T/list_help.txt" "Submit the dispute's evidence as drafted" "the Disputes list has S too"
admin DELETE /_admin/requests >/dev/null
printf ':dispute %s\n?\n:save-display %s/clerk_help.txt\nq\nA\n:save-display %s/clerk_a.txt\n' "$D2" "$T" "$T" >"$T/s"
ui C.UTF-8 80x24 "$T/s" --profile clerk
lacks "$T/clerk_help.txt" "Accept the dispute" "the clerk's dispute screen has no accept"
has "$T/clerk_a.txt" "There is no such action for the clerk role" "A says why"
tap_is "$(write_requests)" 0 "the clerk sent nothing"
tap_done
