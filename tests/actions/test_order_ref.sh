#!/bin/sh
# The merchant's own order number (ORD-..., from the order's metadata) names an order as well
# as the platform's id: ':order' opens it, 'paydesk refund' refunds it, and the refund's
# confirmation shows both. A number that two orders share is refused, naming both.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/actions/actions_lib.sh"
actions_setup --seed 5 --orders 300 --days 20
tap_plan 14

ui() {
	env LANG="$1" LC_ALL="$1" LANGUAGE= TZ=UTC TERM=xterm COLUMNS=80 LINES=24 NO_COLOR= \
		"$PAYDESK_BIN" --script "$2" 2>>"$TEST_TMP/ui.err"
}
has() {
	grep -qF -- "$2" "$1"
	st=$?
	tap_ok $st "$3"
	[ $st -eq 0 ] || sed 's/^/# | /' "$1"
}
T=$TEST_TMP

pd sync; tap_is $? 0 "the merchant profile syncs"
set -- $(refundable t usd 3)
A=$1 B=$2 C=$3
REF_A=$(db t "SELECT order_ref FROM orders WHERE id = '$A'")
REF_B=$(db t "SELECT order_ref FROM orders WHERE id = '$B'")
case "$REF_A$REF_B" in ORD-*ORD-*) st=0 ;; *) st=1 ;; esac
tap_ok $st "the orders have the merchant's numbers ($REF_A, $REF_B)"

# :order takes the number; R from there confirms with both.
cat >"$T/s" <<EOF
:order $REF_A
:save-display $T/order.txt
R
<C-u>1.00<Enter>
<Enter>
<Enter>
:save-display $T/confirm.txt
n
:order ORD-NO-SUCH-9
:save-display $T/none.txt
EOF
ui C.UTF-8 "$T/s"
has "$T/order.txt" "Order $A" ":order ORD-... opens the order of that number"
has "$T/confirm.txt" "Order:    $REF_A ($A)" "the refund's confirmation names the order by its number and its id"
has "$T/none.txt" "No order in the cache has the id or the order number ORD-NO-SUCH-9." \
	"a number no order has says so"
printf ':order %s\nR\n<C-u>1.00<Enter>\n<Enter>\n<Enter>\n:save-display %s/confirm_zh.txt\nn\n' "$REF_A" "$T" >"$T/s"
ui zh_CN.UTF-8 "$T/s"
has "$T/confirm_zh.txt" "订单：    $REF_A ($A)" "and so does the Chinese one"

# paydesk refund takes the number too.
admin DELETE /_admin/requests >/dev/null
pd refund "$REF_B" --amount 1.00 --yes
tap_is $? 0 "paydesk refund ORD-... refunds"
tap_is "$(platform_refunds "$B")" 1 "the refund went to the order of that number"
grep -q "^Done: re_" "$TEST_TMP/out"
tap_ok $? "and says so"
tap_is "$(db t "SELECT object_id FROM audit WHERE outcome = 'succeeded' ORDER BY seq DESC LIMIT 1")" "$B" \
	"the audit log names the platform's id"

# Two orders with one number: neither is guessed.
db t "UPDATE orders SET order_ref = '$REF_A' WHERE id = '$C'"
admin DELETE /_admin/requests >/dev/null
pd refund "$REF_A" --amount 1.00 --yes
tap_is $? 2 "a number two orders share is a usage error"
grep -q "belongs to 2 orders" "$TEST_TMP/err" && grep -q "$A" "$TEST_TMP/err" && grep -q "$C" "$TEST_TMP/err"
tap_ok $? "naming both orders"
tap_is "$(write_requests)" 0 "and nothing was sent"
pd refund ORD-NO-SUCH-9 --yes
tap_is $? 1 "a number no order has is refused"
tap_done
