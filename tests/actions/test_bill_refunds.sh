#!/bin/sh
# Refunds and point queries on the bill platforms, from the command line and the screens,
# against the WeChat Pay and Alipay sandboxes: a partial refund by the merchant's order
# number, the rest by default, more than is left refused before anything is sent, the
# refund's number being the outbox's action id; an order paid today (in no bill yet) found
# with `paydesk lookup` and `:order`, by either of its numbers; an unpaid one said to be so.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/client/sync_lib.sh"
tmp_setup
tap_plan 32
T=$TEST_TMP

ui() {
	ui_locale=$1 ui_script=$2
	clock_follow
	env LANG="$ui_locale" LC_ALL="$ui_locale" LANGUAGE= TERM=xterm COLUMNS=80 LINES=24 \
		NO_COLOR= "$PAYDESK_BIN" --script "$ui_script" 2>>"$T/ui.err"
}
has() {
	grep -qF -- "$2" "$1"
	st=$?
	tap_ok $st "$3"
	[ $st -eq 0 ] || sed 's/^/# | /' "$1"
}
pd() {
	clock_follow
	"$PAYDESK_BIN" "$@"
}
c() { sqlite3 "$CACHE_DB" "$1"; }

for platform in wechatpay alipay; do
	sandbox_stop
	rm -rf "$XDG_DATA_HOME/paydesk"
	bill_start "$platform" 1795147200 --seed 41 --orders 2000 --days 20 --db "$T/$platform.db"
	sb() { sqlite3 "$T/$platform.db" "$1"; }
	bill_sync; tap_is $? 0 "$platform: the merchant syncs"
	set -- $(c "SELECT id, order_ref, amount FROM orders WHERE status = 'paid' AND
		amount >= 1000 ORDER BY id LIMIT 1" | tr '|' ' ')
	ID=$1 REF=$2 AMOUNT=$3

	# A part, named by the merchant's order number; then the rest by default.
	pd refund "$REF" --amount 3.00 --yes >"$T/r1.out" 2>"$T/r1.err"
	tap_is $? 0 "$platform: a partial refund by the merchant's order number"
	act=$(c "SELECT action_id FROM refunds WHERE order_id = '$ID' AND amount = 300")
	case $platform in
	wechatpay) n=$(sb "SELECT count(*) FROM wx_refunds WHERE out_refund_no = '$act' AND amount = 300") ;;
	alipay) n=$(sb "SELECT count(*) FROM ali_refunds WHERE out_request_no = '$act' AND amount = 300") ;;
	esac
	tap_is "$n" 1 "$platform: the platform has it under the action id ($act)"
	tap_is "$(c "SELECT amount_refunded FROM orders WHERE id = '$ID'")" 300 "$platform: the cache's order says 3.00 refunded"
	pd refund "$ID" --amount "$((AMOUNT / 100)).00" --yes >"$T/r2.out" 2>"$T/r2.err"
	tap_is $? 1 "$platform: more than is left is refused"
	grep -q "left" "$T/r2.err"; tap_ok $? "$platform: the message says what is left"
	pd refund "$ID" --yes >"$T/r3.out" 2>"$T/r3.err"
	tap_is $? 0 "$platform: the rest, by default"
	tap_is "$(c "SELECT amount_refunded FROM orders WHERE id = '$ID'")" "$AMOUNT" "$platform: the order is refunded in full"

	# The confirmation on the screen names the order by its number, in Chinese.
	set -- $(c "SELECT id, order_ref FROM orders WHERE status = 'paid' AND amount >= 1000
		ORDER BY id LIMIT 1 OFFSET 1" | tr '|' ' ')
	printf ':order %s\nR\n<C-u>1.00<Enter>\n<Enter>\n<Enter>\n:save-display %s/confirm.zh\nn\n' "$2" "$T" >"$T/s"
	ui zh_CN.UTF-8 "$T/s"
	has "$T/confirm.zh" "$2" "$platform: zh: the refund confirmation restates the merchant's order number"
	has "$T/confirm.zh" "1.00 CNY" "$platform: zh: and the amount in yuan"

	# An order paid now is in no bill: the platform's point query finds it.
	case $platform in
	wechatpay)
		admin POST /_admin/create 'orders=1' >"$T/created.json"
		new=$(sed -n 's/.*"orders":\["\([0-9]*\)".*/\1/p' "$T/created.json")
		new_ref=$(sb "SELECT out_trade_no FROM wx_orders WHERE transaction_id = '$new'")
		unpaid=$(admin GET "/_admin/wechatpay/orders?trade_state=NOTPAY&limit=1" |
			sed -n 's/.*"out_trade_no":"\([^"]*\)".*/\1/p')
		;;
	alipay)
		admin POST /_admin/create 'orders=1&unpaid=1' >"$T/created.json"
		new=$(sed -n 's/.*"orders":\["\([0-9]*\)".*/\1/p' "$T/created.json")
		new_ref=$(sb "SELECT out_trade_no FROM ali_trades WHERE trade_no = '$new'")
		unpaid=$(sed -n 's/.*"unpaid":\["\([0-9]*\)".*/\1/p' "$T/created.json")
		;;
	esac
	pd lookup "$new_ref" >"$T/l1.out" 2>"$T/l1.err"
	tap_is $? 0 "$platform: paydesk lookup finds an order paid today by the merchant's number"
	grep -q "$new" "$T/l1.out"; tap_ok $? "$platform: and says its platform number"
	tap_is "$(c "SELECT count(*) FROM orders WHERE id = '$new'")" 1 "$platform: the order is now in the cache"
	pd lookup "$new" >/dev/null 2>&1; tap_is $? 0 "$platform: lookup by the platform's number too"
	pd lookup "$unpaid" >"$T/l2.out" 2>"$T/l2.err"
	st=$?
	grep -qi "unpaid\|not paid\|waiting\|pending" "$T/l2.out" "$T/l2.err"
	tap_ok $? "$platform: an unpaid order is said to be unpaid (exit $st)"
	pd lookup NO-SUCH-ORDER-42 >/dev/null 2>"$T/l3.err"
	tap_is $? 1 "$platform: a number the platform does not know: exit 1"
done
tap_done
