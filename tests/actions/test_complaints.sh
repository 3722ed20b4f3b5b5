#!/bin/sh
# Working the complaint queue through the real screens, headless (--script), against the
# WeChat Pay and Alipay sandboxes: an answer written in $EDITOR with an image, marked
# handled (Alipay: with its feedback code), a refund request approved and another refused,
# an answer too long refused before anything is sent, an answer whose reply was lost
# resolved once from the outbox; what the platform holds afterwards is read from its own
# store. The screens are dumped in zh_CN.UTF-8 and C.UTF-8 at 80x24.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/client/sync_lib.sh"
tmp_setup
bill_start wechatpay 1795147200 --seed 31 --orders 3000 --days 30 --db "$TEST_TMP/wx.db"
tap_plan 39
T=$TEST_TMP
SBDB="$T/wx.db"

ui() {
	ui_locale=$1 ui_script=$2
	shift 2
	clock_follow
	env LANG="$ui_locale" LC_ALL="$ui_locale" LANGUAGE= TERM=xterm COLUMNS=80 LINES=24 \
		NO_COLOR= EDITOR="$T/editor.sh" "$PAYDESK_BIN" "$@" --script "$ui_script" \
		2>>"$T/ui.err"
}
has() {
	grep -qF -- "$2" "$1"
	st=$?
	tap_ok $st "$3"
	[ $st -eq 0 ] || sed 's/^/# | /' "$1"
}
# fits FILE NAME: no line of the dump is wider than 80 columns.
fits() {
	w=$(LC_ALL=C.UTF-8 wc -L <"$1")
	tap_ok "$([ "$w" -le 80 ]; echo $?)" "$2 (widest line $w)"
}
sb() { sqlite3 "$SBDB" "$1"; }
# editor TEXT: what the next $EDITOR writes.
editor() {
	printf '#!/bin/sh\nprintf "%%s" "%s" >"$1"\n' "$1" >"$T/editor.sh"
	chmod +x "$T/editor.sh"
}
# A 1x1 PNG for the image the answer carries.
printf 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==' |
	base64 -d >"$T/receipt.png"

admin POST /_admin/create 'complaints=3' >"$T/created.json"
bill_sync; tap_is $? 0 "the WeChat Pay merchant syncs"
set -- $(sed -n 's/.*"complaints":\["\([0-9]*\)","\([0-9]*\)","\([0-9]*\)".*/\1 \2 \3/p' "$T/created.json")
C1=$1 C2=$2 C3=$3
tap_ok "$([ -n "$C3" ]; echo $?)" "the sandbox made three new complaints"
ASK=$(sqlite3 "$CACHE_DB" "SELECT id FROM disputes WHERE refund_requested > 0 AND status IN
	('awaiting_reply', 'in_progress') ORDER BY id LIMIT 2")
ASK1=$(echo "$ASK" | sed -n 1p) ASK2=$(echo "$ASK" | sed -n 2p)
tap_ok "$([ -n "$ASK2" ]; echo $?)" "the cache has complaints asking for a refund"

# The queue and a complaint, in both languages.
printf '3\n:save-display %s/queue.zh\n:complaint %s\n:save-display %s/detail.zh\n' "$T" "$C1" "$T" >"$T/s"
ui zh_CN.UTF-8 "$T/s"
printf '3\n:save-display %s/queue.c\n:complaint %s\n:save-display %s/detail.c\n' "$T" "$C1" "$T" >"$T/s"
ui C.UTF-8 "$T/s"
has "$T/queue.zh" "待回复" "zh: the queue says which complaints await an answer"
has "$T/queue.zh" "最早的未回复在前" "zh: the queue says its order"
has "$T/queue.c" "awaiting reply" "C: the same queue in English"
has "$T/detail.zh" "协商历史" "zh: a complaint shows its negotiation history"
has "$T/detail.zh" "已加密" "zh: the customer's phone stays encrypted until asked for"
has "$T/detail.c" "Customer phone" "C: the complaint screen in English"
fits "$T/queue.zh" "zh: the queue fits 80 columns"
fits "$T/detail.zh" "zh: the complaint fits 80 columns"

# An answer from $EDITOR, with an image.
editor "您好，包裹已于今天发出，单号 SF1234567890，请留意查收。"
cat >"$T/s" <<EOF
:complaint $C1
E
$T/receipt.png<Enter>
:save-display $T/confirm_reply.zh
y
:save-display $T/after_reply.zh
EOF
ui zh_CN.UTF-8 "$T/s"
has "$T/confirm_reply.zh" "包裹已于今天发出" "zh: the confirmation restates the answer"
has "$T/confirm_reply.zh" "（34/200 字）" "zh: and how many of the 200 characters it uses, as WeChat counts"
state=$(sb "SELECT state FROM wx_complaints WHERE complaint_id = '$C1'")
tap_is "$state" 1 "the platform has the complaint PROCESSING after the answer"
n=$(sb "SELECT count(*) FROM wx_complaint_log l JOIN wx_complaints c ON c.seq = l.complaint_seq
	WHERE c.complaint_id = '$C1' AND l.type = 'MERCHANT_RESPONSE' AND l.details LIKE '%SF1234567890%'")
tap_is "$n" 1 "the platform has the answer, once"
n=$(sb "SELECT count(*) FROM wx_complaint_log l JOIN wx_complaints c ON c.seq = l.complaint_seq
	WHERE c.complaint_id = '$C1' AND l.type = 'MERCHANT_RESPONSE' AND l.images LIKE '%_%'")
tap_is "$n" 1 "with the image uploaded and attached"
n=$(sqlite3 "$CACHE_DB" "SELECT count(*) FROM dispute_history WHERE dispute_id = '$C1' AND kind = 'merchant_reply'")
tap_is "$n" 1 "the cache shows the answer in the history at once"

# Too long: 201 characters are refused before anything is sent.
editor "$(printf '字%.0s' $(seq 1 201))"
admin DELETE /_admin/requests >/dev/null
printf ':complaint %s\nE\n:save-display %s/long.c\n' "$C2" "$T" >"$T/s"
ui C.UTF-8 "$T/s"
has "$T/long.c" "this one has 201" "an answer of 201 characters is refused, counted as the platform counts"
n=$(admin GET /_admin/requests | grep -c '/response')
tap_is "$n" 0 "and nothing is sent"

# Marked handled.
printf ':complaint %s\nC\n:save-display %s/confirm_done.c\ny\n' "$C1" "$T" >"$T/s"
ui C.UTF-8 "$T/s"
has "$T/confirm_done.c" "Mark this complaint handled?" "C: marking handled asks first"
tap_is "$(sb "SELECT state FROM wx_complaints WHERE complaint_id = '$C1'")" 2 "the platform has it PROCESSED"

# A refund request approved, another refused with a reason.
printf ':complaint %s\nY\n<Enter>\n:save-display %s/approve.zh\ny\n' "$ASK1" "$T" >"$T/s"
ui zh_CN.UTF-8 "$T/s"
has "$T/approve.zh" "同意此退款申请？" "zh: approving asks first"
n=$(sb "SELECT count(*) FROM wx_complaint_log l JOIN wx_complaints c ON c.seq = l.complaint_seq
	WHERE c.complaint_id = '$ASK1' AND l.type = 'MERCHANT_APPROVE_REFUND'")
tap_is "$n" 1 "the platform has the approval"
printf ':complaint %s\nN\n商品已拆封使用，不支持退款<Enter>\ny\n' "$ASK2" >"$T/s"
ui zh_CN.UTF-8 "$T/s"
n=$(sb "SELECT count(*) FROM wx_complaint_log l JOIN wx_complaints c ON c.seq = l.complaint_seq
	WHERE c.complaint_id = '$ASK2' AND l.type = 'MERCHANT_REFUSE_RERUND'")
tap_is "$n" 1 "the platform has the refusal"

# The answer's reply is lost after the platform took it: the outbox resolves it once.
editor "已为您补发，请查收。"
admin POST /_admin/faults "kind=commit_then_reset&count=1&path=/v3/merchant-service/complaints-v2/$C3/response" >/dev/null
printf ':complaint %s\nE\n<Enter>\ny\n:save-display %s/lost.c\n' "$C3" "$T" >"$T/s"
ui C.UTF-8 "$T/s"
clock_follow
"$PAYDESK_BIN" outbox >"$T/outbox.out" 2>&1
act=$(grep "$C3" "$T/outbox.out" | cut -f 1)
tap_ok "$([ -n "$act" ]; echo $?)" "the answer whose reply was lost waits in the outbox ($act)"
"$PAYDESK_BIN" outbox send "$act" >"$T/send.out" 2>&1
sed 's/^/# outbox send: /' "$T/send.out"
n=$(sb "SELECT count(*) FROM wx_complaint_log l JOIN wx_complaints c ON c.seq = l.complaint_seq
	WHERE c.complaint_id = '$C3' AND l.type = 'MERCHANT_RESPONSE'")
tap_is "$n" 1 "an answer whose reply was lost reaches the platform exactly once"
"$PAYDESK_BIN" outbox >"$T/outbox2.out" 2>&1
if grep -q "$C3" "$T/outbox2.out"; then st=1; else st=0; fi
tap_ok $st "and the outbox holds nothing more for it"
bill_sync; cache_equals_sandbox; tap_ok $? "after a sync the cache equals the platform"

# ---- Alipay: the feedback with its code ----
sandbox_stop
rm -rf "$XDG_DATA_HOME/paydesk"
bill_start alipay 1795147200 --seed 33 --orders 3000 --days 30 --db "$TEST_TMP/ali.db"
SBDB="$T/ali.db"
admin POST /_admin/create 'complaints=2' >"$T/created.json"
bill_sync; tap_is $? 0 "the Alipay merchant syncs"
set -- $(sed -n 's/.*"complaints":\["\([0-9]*\)","\([0-9]*\)".*/\1 \2/p' "$T/created.json")
A1=$1 A2=$2
editor "已联系顾客，重新发货，快递单号 YT9876543210。"
cat >"$T/s" <<EOF
:complaint $A1
C
:save-display $T/code.zh
<C-u>03<Enter>
:save-display $T/confirm_feedback.zh
y
EOF
ui zh_CN.UTF-8 "$T/s"
has "$T/code.zh" "03 已发货" "zh: the feedback codes are offered by name"
has "$T/confirm_feedback.zh" "YT9876543210" "zh: the confirmation restates the feedback"
tap_is "$(sb "SELECT status FROM ali_complaints WHERE event_id = '$A1'")" "MERCHANT_FEEDBACKED" "the platform has the feedback"
n=$(sb "SELECT count(*) FROM ali_replies WHERE event_id = '$A1' AND role = 'MERCHANT' AND content LIKE '%YT9876543210%'")
tap_is "$n" 1 "with its text, once"
printf ':complaint %s\nC\n<C-u>01<Enter>\n:save-display %s/badcode.c\n' "$A2" "$T" >"$T/s"
ui C.UTF-8 "$T/s"
has "$T/badcode.c" "is none of the platform's answers" "a code Alipay does not take is refused"
tap_is "$(sb "SELECT status FROM ali_complaints WHERE event_id = '$A2'")" "MERCHANT_PROCESSING" "and nothing is sent"
editor "您好，已为您安排退款。"
cat >"$T/s" <<EOF
:complaint $A2
E
$T/receipt.png<Enter>
y
:save-display $T/reply.c
EOF
ui C.UTF-8 "$T/s"
n=$(sb "SELECT count(*) FROM ali_replies WHERE event_id = '$A2' AND role = 'MERCHANT' AND images != ''")
tap_is "$n" 1 "an answer with an image reaches Alipay"
has "$T/reply.c" "Done" "the answer's result is on screen"
printf '3\n:save-display %s/queue.c\n' "$T" >"$T/s"
ui C.UTF-8 "$T/s"
fits "$T/queue.c" "C: the Alipay queue fits 80 columns"
bill_sync; cache_equals_sandbox; tap_ok $? "after a sync the cache equals the platform"
tap_done
