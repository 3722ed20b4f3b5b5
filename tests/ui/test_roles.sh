#!/bin/sh
# Roles on the screens: a clerk has no action that writes.  Its keys, help
# lines and `:` commands do not exist (refund, evidence, submit, accept,
# outbox send and discard); a merchant has them all, support has refunds
# and disputes.  The real paydesk, headless, on a deterministic cache.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/ui/ui_lib.sh"
tmp_setup
tap_plan 14

T=$TEST_TMP
mkdir -p "$XDG_CONFIG_HOME/paydesk" "$XDG_DATA_HOME/paydesk"
for role in merchant support clerk; do
	cat >>"$XDG_CONFIG_HOME/paydesk/config" <<CONF
[$role]
api_base = http://127.0.0.1:9
timeout = 3
timezone = UTC
role = $role
refund_limit = 50.00 USD
CONF
done
ui_fill_cache merchant 300 >/dev/null
tap_ok $? "a cache of 300 orders is written"
for role in support clerk; do
	cp "$XDG_DATA_HOME/paydesk/merchant.db" "$XDG_DATA_HOME/paydesk/$role.db"
done
dp=$(sqlite3 "$XDG_DATA_HOME/paydesk/merchant.db" "SELECT id FROM disputes ORDER BY id LIMIT 1")
[ -n "$dp" ]
tap_ok $? "the cache holds a dispute ($dp)"

# Every help screen that could list an action, then R and :refund-order on
# the Orders screen and the completion of ":refund-" (a prompt left open
# shows what Tab made of it).
for role in merchant support clerk; do
	cat >"$T/$role.script" <<SCRIPT
?
:save-display $T/$role.help-orders.txt
q
3
?
:save-display $T/$role.help-disputes.txt
q
:outbox
?
:save-display $T/$role.help-outbox.txt
q
q
:evidence $dp
?
:save-display $T/$role.help-evidence.txt
q
q
1
<Colon>refund-<Tab>
:save-display $T/$role.complete.txt
<Esc>
SCRIPT
	ui_run C.UTF-8 120x50 "$T/$role.script" --offline --profile $role 2>"$T/$role.err" ||
		sed 's/^/# /' "$T/$role.err"
	cat "$T/$role".help-*.txt >"$T/$role.help.txt"
done

# count FILE PATTERN: lines of FILE matching the extended regex.
count() { grep -Ec "$2" "$1"; }
WRITES='\(:(refund-order|write-evidence|accept|submit|save-draft|edit|send|discard)\)'

tap_is "$(count "$T/clerk.help.txt" "$WRITES")" 0 "the clerk's help lists no action that writes"
tap_is "$(count "$T/merchant.help.txt" "$WRITES")" 10 \
	"the merchant's help lists refund, evidence, submit and accept (twice each), edit, save-draft, send, discard"
tap_is "$(count "$T/support.help.txt" '\(:(refund-order|write-evidence|accept)\)')" 4 \
	"support keeps refunds and disputes"
grep -q "Keys of the Orders screen" "$T/clerk.help-orders.txt" &&
	grep -q "(:detail-pane)" "$T/clerk.help-orders.txt"
tap_ok $? "the clerk's help still lists the keys that read"
grep -q "refund-order" "$T/merchant.complete.txt"
tap_ok $? "the merchant's :refund-<Tab> completes to refund-order"
grep -q "refund-order" "$T/clerk.complete.txt"
tap_ok $((!$?)) "the clerk's :refund-<Tab> completes to nothing"

# Keys and commands of a clerk: nothing is asked, no prompt opens.
for role in merchant clerk; do
	cat >"$T/$role.keys" <<SCRIPT
:save-display $T/$role.before.txt
R
:save-display $T/$role.R.txt
SCRIPT
	[ $role = clerk ] && printf 'A\nS\n:refund-order\n:save-display %s/clerk.cmd.txt\n' "$T" >>"$T/$role.keys"
	ui_run C.UTF-8 80x24 "$T/$role.keys" --offline --profile $role 2>"$T/$role.kerr"
	echo $? >"$T/$role.kst"
done
grep -q "Amount to refund" "$T/merchant.R.txt" && ! grep -q "no such action" "$T/merchant.R.txt"
tap_ok $? "R asks a merchant about a refund"
grep -q "Amount to refund" "$T/clerk.R.txt"
tap_ok $((!$?)) "R asks a clerk nothing"
grep -q "no such action for the clerk role" "$T/clerk.R.txt"
tap_ok $? "the status line says the clerk has no such action"
sed '$d' "$T/clerk.R.txt" | sed '$d' >"$T/clerk.R.top"
sed '$d' "$T/clerk.before.txt" | sed '$d' >"$T/clerk.before.top"
cmp -s "$T/clerk.R.top" "$T/clerk.before.top"
tap_ok $? "the clerk's screen is otherwise unchanged by R"
grep -q "no such action for the clerk role" "$T/clerk.cmd.txt"
tap_ok $? ":refund-order is no command for a clerk, and says why"
tap_is "$(cat "$T/clerk.kst")" 0 "the clerk's run exits 0"
tap_done
