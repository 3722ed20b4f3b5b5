#!/bin/sh
# Acting on money through the real screens, headless (--script), against the sandbox:
# refunds from the Orders list and the Order screen, cancel, roles, the offline outbox across
# restarts, dispute evidence (inline, $EDITOR, a file), draft on the platform, submit once,
# accept, past due; every confirmation dumped in C.UTF-8 and zh_CN.UTF-8.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/actions/actions_lib.sh"
actions_setup --seed 5 --orders 300 --days 20
tap_plan 73

# ui LOCALE SCRIPT [paydesk options]: runs the screens headless at 80x24.
ui() {
	ui_locale=$1 ui_script=$2
	shift 2
	env LANG="$ui_locale" LC_ALL="$ui_locale" LANGUAGE= TZ=UTC TERM=xterm COLUMNS=80 \
		LINES=24 NO_COLOR= EDITOR="$TEST_TMP/editor.sh" "$PAYDESK_BIN" "$@" \
		--script "$ui_script" 2>>"$TEST_TMP/ui.err"
	ui_st=$?
	[ $ui_st -eq 0 ] || echo "$ui_script exited $ui_st" >>"$TEST_TMP/ui.failed"
	return $ui_st
}
# has FILE TEXT NAME: passes when the dump holds the text.
has() {
	grep -qF -- "$2" "$1"
	st=$?
	tap_ok $st "$3"
	[ $st -eq 0 ] || sed 's/^/# | /' "$1"
}
T=$TEST_TMP
cat >"$T/editor.sh" <<'EOF'
#!/bin/sh
printf 'Shipped on time with tracking.\nThe customer signed for it.\n' >"$1"
EOF
chmod +x "$T/editor.sh"
printf 'receipt of order\n' >"$T/receipt.txt"

admin POST /_admin/create 'disputes=4' >"$T/created.json"
pd sync; tap_is $? 0 "the merchant profile syncs"
set -- $(refundable t usd 5)
A=$1 B=$2 C=$3 D=$4 E=$5
set -- $(db t "SELECT id FROM disputes WHERE status = 'needs_response' AND due_by > $NOW ORDER BY id LIMIT 4")
D1=$1 D2=$2 D3=$3 D4=$4
tap_ok "$([ -n "$E" ] && [ -n "$D4" ]; echo $?)" "the cache has orders and open disputes to act on"
AMOUNT_A=$(db t "SELECT amount FROM orders WHERE id = '$A'")
REF_A=$(db t "SELECT order_ref FROM orders WHERE id = '$A'")

# A partial refund from the Orders list, in C.UTF-8.
admin DELETE /_admin/requests >/dev/null
cat >"$T/s" <<EOF
:search $A
R
<C-u>1.25<Enter>
3<Enter>
late<Enter>
:save-display $T/confirm_refund_c.txt
y
:save-display $T/after_refund.txt
EOF
ui C.UTF-8 "$T/s"; tap_is $? 0 "the partial refund script runs"
has "$T/confirm_refund_c.txt" "Refund this amount? It cannot be undone." "C: the confirmation asks plainly"
has "$T/confirm_refund_c.txt" "Order:    $REF_A ($A)" "C: it restates the order by its number and its id"
has "$T/confirm_refund_c.txt" "Refund:   1.25 USD" "C: it restates amount and currency"
has "$T/confirm_refund_c.txt" "Customer: $(db t "SELECT customer_name FROM orders WHERE id = '$A'")" "C: it restates the customer"
has "$T/confirm_refund_c.txt" "Reason:   requested by the customer" "C: it restates the reason"
has "$T/after_refund.txt" "Done: re_" "the result is shown on screen"
tap_is "$(platform_refunds "$A")" 1 "the sandbox has the refund"
tap_is "$(db t "SELECT count(*) FROM refunds WHERE order_id = '$A' AND amount = 125 AND action_id LIKE 'act_%'")" 1 \
	"the cache has it, with its action id"
tap_is "$(db t "SELECT group_concat(outcome) FROM audit WHERE object_id = '$A'")" succeeded "one audit row, of success"

# The rest, from the Order screen, in zh_CN.UTF-8.
cat >"$T/s" <<EOF
:order $A
R
<Enter>
<Enter>
<Enter>
:save-display $T/confirm_refund_zh.txt
y
EOF
ui zh_CN.UTF-8 "$T/s"; tap_is $? 0 "the full refund script runs"
has "$T/confirm_refund_zh.txt" "退还此金额？此操作无法撤销。" "zh: the confirmation is translated"
has "$T/confirm_refund_zh.txt" "订单：    $REF_A ($A)" "zh: it restates the order"
has "$T/confirm_refund_zh.txt" "USD" "zh: it names the currency"
tap_is "$(platform_refunds "$A")" 2 "the sandbox has the second refund"
tap_is "$(curl -sS -H "Authorization: Bearer $PAYDESK_API_KEY" "$SANDBOX_URL/v1/refunds?charge=$A" | jq '.data[0].amount')" \
	"$((AMOUNT_A - 125))" "the default was what was left"
tap_is "$(db t "SELECT amount_refunded = amount FROM orders WHERE id = '$A'")" 1 "the cache's order is fully refunded"
tap_is "$(db t "SELECT count(*) || ' ' || sum(outcome = 'succeeded') FROM audit WHERE object_id = '$A'")" "2 2" "one audit row each"

# Saying no sends nothing.
admin DELETE /_admin/requests >/dev/null
printf ':search %s\nR\n<Enter>\n<Enter>\n<Enter>\nn\n:save-display %s/cancel.txt\n' "$B" "$T" >"$T/s"
ui C.UTF-8 "$T/s"
has "$T/cancel.txt" "Nothing was done." "no at the confirmation does nothing"
tap_is "$(write_requests)" 0 "and sends nothing"

# A clerk has no such action; nothing is sent.
printf ':search %s\nR\n:save-display %s/clerk.txt\n:refund-order\n:save-display %s/clerk2.txt\n' "$B" "$T" "$T" >"$T/s"
ui C.UTF-8 "$T/s" --profile clerk
has "$T/clerk.txt" "There is no such action for the clerk role" "the clerk is told there is no refund"
has "$T/clerk2.txt" "There is no such action for the clerk role" "the : command is refused the same way"
tap_is "$(write_requests)" 0 "the clerk sent no write request at all"

# Support above its limit.
printf ':search %s\nR\n<C-u>6.00<Enter>\n:save-display %s/support.txt\n' "$B" "$T" >"$T/s"
ui C.UTF-8 "$T/s" --profile support
has "$T/support.txt" "above this profile's refund limit" "support above its limit is refused on screen"
tap_is "$(write_requests)" 0 "nothing was sent for it"

# Offline: the confirmation says it will be queued; the Outbox shows it; nothing is sent.
cat >"$T/s" <<EOF
:search $C
R
<C-u>1.00<Enter>
<Enter>
<Enter>
:save-display $T/confirm_offline_c.txt
y
:save-display $T/queued.txt
:outbox
:save-display $T/outbox_c.txt
EOF
ui C.UTF-8 "$T/s" --offline
has "$T/confirm_offline_c.txt" "Offline: save this refund in the outbox?" "C: the offline confirmation says it is only saved"
has "$T/queued.txt" "Queued as act_" "the refund is queued"
has "$T/outbox_c.txt" "queued" "the Outbox screen lists it as queued"
printf ':search %s\nR\n<C-u>1.00<Enter>\n<Enter>\n<Enter>\n:save-display %s/confirm_offline_zh.txt\nn\n' "$D" "$T" >"$T/s"
ui zh_CN.UTF-8 "$T/s" --offline
has "$T/confirm_offline_zh.txt" "离线：将此退款保存到发件箱？" "zh: the offline confirmation is translated"
tap_is "$(write_requests)" 0 "nothing reached the platform while offline"
ACT_C=$(db t "SELECT action_id FROM outbox WHERE object_id = '$C'")

# A restart, online: the queued refund is still there and is sent only when asked.
printf ':save-display %s/restart.txt\n' "$T" >"$T/s"
ui C.UTF-8 "$T/s"
tap_is "$(platform_refunds "$C")" 0 "a restart does not send the queued refund by itself"
has "$T/restart.txt" "The outbox holds 1 queued" "at start-up the screens say an action waits in the outbox"
printf ':outbox\nS\n:save-display %s/confirm_send_zh.txt\nn\n' "$T" >"$T/s"
ui zh_CN.UTF-8 "$T/s"
has "$T/confirm_send_zh.txt" "现在将此操作发送到平台？" "zh: the send confirmation is translated"
printf ':outbox\nS\n:save-display %s/confirm_send_c.txt\ny\n:save-display %s/sent.txt\n' "$T" "$T" >"$T/s"
ui C.UTF-8 "$T/s"
has "$T/confirm_send_c.txt" "Send this action to the platform now?" "C: the send confirmation restates the action"
has "$T/confirm_send_c.txt" "$ACT_C" "C: it names the action"
tap_is "$(platform_refunds "$C")" 1 "sent from the Outbox: one refund on the sandbox"
tap_is "$(db t "SELECT state FROM outbox WHERE action_id = '$ACT_C'")" done "the outbox row is done"

# Discard a queued refund.
printf ':search %s\nR\n<C-u>1.00<Enter>\n<Enter>\n<Enter>\ny\n' "$E" >"$T/s"
ui C.UTF-8 "$T/s" --offline
printf ':outbox\nD\n:save-display %s/confirm_discard_zh.txt\nn\n' "$T" >"$T/s"
ui zh_CN.UTF-8 "$T/s" --offline
has "$T/confirm_discard_zh.txt" "放弃此操作？它将永远不会被发送。" "zh: the discard confirmation is translated"
printf ':outbox\nD\n:save-display %s/confirm_discard_c.txt\ny\n' "$T" >"$T/s"
ui C.UTF-8 "$T/s" --offline
has "$T/confirm_discard_c.txt" "Discard this action? It is never sent." "C: the discard confirmation"
tap_is "$(db t "SELECT state FROM outbox WHERE object_id = '$E'")" discarded "the refund is discarded"
tap_is "$(platform_refunds "$E")" 0 "and never reached the platform"

# Evidence: a short field inline, a long one in $EDITOR, a file uploaded; kept as a draft.
cat >"$T/s" <<EOF
:evidence $D1
jj
<Enter>
<C-u>Ann Buyer<Enter>
G
k
<Enter>
g
jjjjjj
<Enter>
$T/receipt.txt<Enter>
:save-display $T/evidence1.txt
EOF
# A space is typed as <Space> in a script.
sed -i 's/Ann Buyer/Ann<Space>Buyer/' "$T/s"
admin DELETE /_admin/requests >/dev/null
ui C.UTF-8 "$T/s"
tap_is "$(db t "SELECT json_extract(fields, '\$.customer_name') FROM evidence_drafts WHERE dispute_id = '$D1'")" \
	"Ann Buyer" "the inline field is in the local draft"
tap_is "$(db t "SELECT json_extract(fields, '\$.uncategorized_text') FROM evidence_drafts WHERE dispute_id = '$D1'")" \
	"Shipped on time with tracking.
The customer signed for it." "the long field came from the editor"
RECEIPT=$(db t "SELECT json_extract(fields, '\$.receipt') FROM evidence_drafts WHERE dispute_id = '$D1'")
case "$RECEIPT" in file_*) st=0 ;; *) st=1 ;; esac
tap_ok $st "the file was uploaded and its id is in the draft"
tap_is "$(admin GET /_admin/requests | jq '[.data[] | select(.method == "POST" and .path == "/v1/files")] | length')" 1 \
	"one upload reached the platform's files endpoint"
tap_is "$(admin GET /_admin/requests | jq '[.data[] | select(.method == "POST" and (.path | startswith("/v1/disputes")))] | length')" 0 \
	"editing sends no evidence to the platform"

# After a restart the draft is still there; w stages it without submitting.
printf ':evidence %s\n:save-display %s/evidence2.txt\nw\n:save-display %s/staged.txt\n' "$D1" "$T" "$T" >"$T/s"
ui C.UTF-8 "$T/s"
has "$T/evidence2.txt" "Ann Buyer" "the draft survived the restart"
has "$T/evidence2.txt" "draft" "the screen says the value comes from the draft"
DISPUTE=$(curl -sS -H "Authorization: Bearer $PAYDESK_API_KEY" "$SANDBOX_URL/v1/disputes/$D1")
tap_is "$(printf '%s' "$DISPUTE" | jq -r '.evidence.customer_name + " " + .status')" "Ann Buyer needs_response" \
	"the draft is on the platform, not submitted"
tap_is "$(printf '%s' "$DISPUTE" | jq -r '.evidence.receipt')" "$RECEIPT" "the file is attached on the platform"

# Submit: the confirmation says it happens once; a second submit is refused here.
printf ':evidence %s\nS\n:save-display %s/confirm_submit_zh.txt\nn\n' "$D1" "$T" >"$T/s"
ui zh_CN.UTF-8 "$T/s"
has "$T/confirm_submit_zh.txt" "提交证据？平台只接受一次" "zh: the submit confirmation is translated"
printf ':evidence %s\nS\n:save-display %s/confirm_submit_c.txt\ny\n:save-display %s/submitted.txt\n' "$D1" "$T" "$T" >"$T/s"
ui C.UTF-8 "$T/s"
has "$T/confirm_submit_c.txt" "The platform takes it once" "C: the submit confirmation says it happens once"
has "$T/confirm_submit_c.txt" "Dispute:  $D1" "C: it restates the dispute"
tap_is "$(curl -sS -H "Authorization: Bearer $PAYDESK_API_KEY" "$SANDBOX_URL/v1/disputes/$D1" | jq -r '.status + " " + (.evidence_details.submission_count | tostring)')" \
	"under_review 1" "the sandbox has the submission"
tap_is "$(db t "SELECT count(*) FROM evidence_drafts WHERE dispute_id = '$D1'")" 0 "the submitted draft is gone"
admin DELETE /_admin/requests >/dev/null
printf ':evidence %s\nS\n:save-display %s/resubmit.txt\n' "$D1" "$T" >"$T/s"
ui C.UTF-8 "$T/s"
has "$T/resubmit.txt" "no longer waiting for a response" "a second submit is refused, with the reason"
tap_is "$(write_requests)" 0 "and nothing was sent for it"

# Accept: the confirmation says the money is lost.
printf ':evidence %s\nA\n:save-display %s/confirm_accept_zh.txt\nn\n' "$D2" "$T" >"$T/s"
ui zh_CN.UTF-8 "$T/s"
has "$T/confirm_accept_zh.txt" "接受此争议？款项将损失，且无法撤销。" "zh: the accept confirmation is translated"
printf ':evidence %s\nA\n:save-display %s/confirm_accept_c.txt\ny\n' "$D2" "$T" >"$T/s"
ui C.UTF-8 "$T/s"
has "$T/confirm_accept_c.txt" "The money is lost and this cannot be undone." "C: the accept confirmation"
tap_is "$(curl -sS -H "Authorization: Bearer $PAYDESK_API_KEY" "$SANDBOX_URL/v1/disputes/$D2" | jq -r .status)" lost \
	"the dispute is closed as lost on the sandbox"

# A submission whose answers are all lost, retried after the platform forgot the key: the
# restart's sync shows the dispute moved on, so the retry sends nothing a second time.
admin POST /_admin/faults 'kind=commit_then_reset&count=5&path=/v1/disputes&method=POST' >/dev/null
printf ':evidence %s\nS\ny\n:save-display %s/lost_submit.txt\n' "$D4" "$T" >"$T/s"
ui C.UTF-8 "$T/s"
has "$T/lost_submit.txt" "No answer for act_" "a submission with no answer says so"
admin DELETE /_admin/faults >/dev/null
admin POST /_admin/forget_keys >/dev/null
printf ':outbox\nS\ny\n:save-display %s/resolved_submit.txt\n' "$T" >"$T/s"
ui C.UTF-8 "$T/s"
has "$T/resolved_submit.txt" "earlier attempt had already done it" "sending it again finds it done"
tap_is "$(curl -sS -H "Authorization: Bearer $PAYDESK_API_KEY" "$SANDBOX_URL/v1/disputes/$D4" | jq '.evidence_details.submission_count')" \
	1 "the dispute was submitted exactly once"

# Past due (eight days later): the screen says why it cannot be submitted; S sends nothing.
admin DELETE /_admin/requests >/dev/null
printf ':evidence %s\n:save-display %s/pastdue.txt\nS\n:save-display %s/pastdue_s.txt\n' "$D3" "$T" "$T" >"$T/s"
PAYDESK_NOW=$((NOW + 8 * 86400)) ui C.UTF-8 "$T/s" --offline
has "$T/pastdue.txt" "cannot be submitted" "a past-due dispute's screen says it cannot be submitted"
has "$T/pastdue_s.txt" "deadline for evidence has passed" "S on it says why"
tap_is "$(write_requests)" 0 "nothing was sent"

# E on the Disputes list opens the selected dispute's evidence.
printf ':disputes\nE\n:save-display %s/from_list.txt\n' "$T" >"$T/s"
ui C.UTF-8 "$T/s" --offline
has "$T/from_list.txt" "Submission" "E on the Disputes list opens the Evidence screen"

# The Audit screen lists the attempts.
printf ':audit\n:save-display %s/audit.txt\n' "$T" >"$T/s"
ui C.UTF-8 "$T/s" --offline
has "$T/audit.txt" "succeeded" "the Audit screen shows the outcomes"
has "$T/audit.txt" "dispute_close" "and the dispute actions"
tap_is "$(db t "SELECT count(*) FROM audit WHERE action = 'dispute_submit' AND outcome = 'succeeded'")" 1 \
	"one audit row of the submission's success"
[ ! -s "$T/ui.failed" ]; tap_ok $? "every run of the screens exited 0"
[ -s "$T/ui.failed" ] && sed 's/^/# /' "$T/ui.failed" "$T/ui.err"
tap_done
