#!/bin/sh
# Small faults of wording, against the sandbox: each count of a sync takes its own plural
# form, a done action says what it did, an empty outbox says so, a closed dispute has no
# deadline to respond by, and the README names every exit code of refund.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/actions/actions_lib.sh"
actions_setup --seed 5 --orders 300 --days 20
tap_plan 17
T=$TEST_TMP

# agrees LINE: 0 when each "N noun" of a sync's line is singular exactly when N is 1.
agrees() {
	printf '%s\n' "$1" | sed 's/ new / /' | grep -Eo '[0-9,]+ (objects?|updates?|events?)' |
		while read -r n noun; do
			case "$n:$noun" in
			1:object | 1:update | 1:event) ;;
			1:*) exit 1 ;;
			*:objects | *:updates | *:events) ;;
			*) exit 1 ;;
			esac
		done
}

pd sync; tap_is $? 0 "the merchant profile syncs"
agrees "$(cat "$T/out")"; tap_ok $? "the first sync's counts agree with their nouns ($(cat "$T/out"))"
# What is new is what the cache holds after a first sync: an object stored twice counts once.
first=$(cat "$T/out")
held=$(db t "SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM payment_intents) +
	(SELECT count(*) FROM refunds) + (SELECT count(*) FROM disputes) +
	(SELECT count(*) FROM payouts) + (SELECT count(*) FROM balance_transactions)")
new=$(printf '%s\n' "$first" | sed -n 's/^synced: \([0-9,]*\) new.*/\1/p' | tr -d ,)
tap_is "$new" "$held" "the first sync's new objects are the objects in the cache"
pd sync
line=$(cat "$T/out")
agrees "$line"; tap_ok $? "so do the next one's ($line)"
printf '%s\n' "$line" | grep -q '^synced: 0 new objects, '
tap_ok $? "the next one, with nothing new on the platform, adds nothing"
printf '%s\n' "$line" | grep -Eq '^synced: [0-9,]+ new objects?, [0-9,]+ updates? \([0-9]+ events? applied\)$'
tap_ok $? "the line says what was added, what was updated and what applied"
LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 LANGUAGE= pd sync
grep -q "^同步完成：新增 [0-9,]* 个对象，更新 [0-9,]* 次（已应用 [0-9]* 个事件）" "$T/out"
tap_ok $? "and in Chinese"

# An empty outbox says so (on stderr: stdout stays one line per action).
pd outbox; st=$?
tap_is "$st:$(wc -c <"$T/out")" "0:0" "an empty outbox lists nothing on stdout"
grep -q "The outbox is empty" "$T/err"; tap_ok $? "and says it is empty"
pd outbox --all
grep -q "no action was ever saved" "$T/err"; tap_ok $? "--all says nothing was ever saved"

# A done refund says what it did, not "(done)".
set -- $(refundable t usd 1)
pd refund "$1" --amount 1.00 --yes
tap_is $? 0 "a refund is done"
grep -Eq '^Done: re_[A-Za-z0-9]+ \(1\.00 USD refunded\)$' "$T/out"
tap_ok $? "the result names the refund and what it did ($(cat "$T/out"))"
pd outbox --all
grep -q "^act_" "$T/out" && [ ! -s "$T/err" ]; tap_ok $? "the outbox now lists it, without the empty notice"

# A closed dispute has no deadline to respond by; an open one has.
admin POST /_admin/create 'disputes=2' >/dev/null
pd sync
set -- $(db t "SELECT id FROM disputes WHERE status = 'needs_response' ORDER BY id LIMIT 2")
OPEN=$1 CLOSED=$2
printf ':dispute %s\nA\ny\n:save-display %s/closed.txt\n:dispute %s\n:save-display %s/open.txt\n' \
	"$CLOSED" "$T" "$OPEN" "$T" >"$T/s"
env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm COLUMNS=80 LINES=24 "$PAYDESK_BIN" --script "$T/s" 2>>"$T/ui.err"
tap_is "$(db t "SELECT status FROM disputes WHERE id = '$CLOSED'")" lost "the dispute is accepted"
! grep -q "Respond by" "$T/closed.txt"; tap_ok $? "the lost dispute's screen has no Respond by"
grep -q "Respond by" "$T/open.txt"; tap_ok $? "an open one's has"

grep -q "3 no answer" "$abs_top_srcdir/README.md"
tap_ok $? "the README names exit code 3"
tap_done
