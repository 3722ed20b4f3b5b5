#!/bin/sh
# Converted payments as a user sees them: an account settling in usd, eur and gbp, synced from
# the sandbox, then the real paydesk headless and offline at 80x24 in C.UTF-8 and zh_CN.UTF-8:
# the order detail of a charge paid in CNY says what was credited in USD, at which rate, with
# which conversion fee; a USD payout lists what its converted entries' customers paid. Each
# dump is compared with tests/ui/expected/ (UPDATE_EXPECTED=1 rewrites them).
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/ui/ui_lib.sh"
tmp_setup
tap_plan 25

T=$TEST_TMP
UI_NO_COLOR=1
sandbox_start --quiet --seed 7 --orders 3000 --days 20 --now "$UI_NOW" --settlement usd,eur,gbp ||
	{ echo "Bail out! the sandbox did not start"; exit 99; }
ui_profile fx "$SANDBOX_URL"
PAYDESK_NOW=$UI_NOW PAYDESK_API_KEY=sk_test_screens "$PAYDESK_BIN" --profile fx sync >"$T/sync.out" 2>&1
tap_ok $? "a converting account is synced"
sandbox_stop

dump() { # NAME LOCALE SIZE KEYS...: runs KEYS (one script line each), dumps, compares.
	name=$1 loc=$2 size=$3
	shift 3
	: >"$T/script"
	for line in "$@"; do printf '%s\n' "$line" >>"$T/script"; done
	printf ':save-display %s\n' "$T/$name.txt" >>"$T/script"
	ui_run "$loc" "$size" "$T/script" --offline --profile fx 2>"$T/err" || sed 's/^/# /' "$T/err"
	ui_compare "$name" "$T/$name.txt"
}
# The newest order was paid in CNY; the fourth payout is a USD one with conversions.
dump fx-order.C.80x24 C.UTF-8 80x24 "<Enter>"
dump fx-order-balance.C.80x24 C.UTF-8 80x24 "<Enter>" " "
dump fx-order-balance.zh.80x24 zh_CN.UTF-8 80x24 "<Enter>" " "
dump fx-orders-settled.C.80x24 C.UTF-8 80x24 '$'
dump fx-orders-settled-largest.zh.80x24 zh_CN.UTF-8 80x24 '$' s s c
# Insights of the USD series (the fourth currency): its day's detail opened, then the
# conversion fees day by day (the ninth measure).
dump fx-insights-paid.C.80x24 C.UTF-8 80x24 5 c c c c v "<Enter>"
dump fx-insights-paid.zh.80x24 zh_CN.UTF-8 80x24 5 c c c c v "<Enter>"
dump fx-insights-fees.C.80x24 C.UTF-8 80x24 5 c c c c m m m m m m m m
dump fx-orders-settled-usd.C.80x24 C.UTF-8 80x24 '$' s s c c c c c " " " " " "
dump fx-orders-settled-back.C.80x24 C.UTF-8 80x24 '$' s s c c c c c " " " " " " " " - - -
dump fx-payout.C.80x24 C.UTF-8 80x24 4 j j j "<Enter>"
dump fx-payout.zh.80x24 zh_CN.UTF-8 80x24 4 j j j "<Enter>"

grep -q '^  Credited  *\$[0-9.,]* (USD) net, converted$' "$T/fx-order.C.80x24.txt"
tap_ok $? "under a CNY amount the detail says what was credited in USD"
grep -q '^  Exchange rate  *1 CNY = 0\.[0-9]* USD$' "$T/fx-order-balance.C.80x24.txt" &&
	grep -q '^  Customer paid  *CN¥' "$T/fx-order-balance.C.80x24.txt" &&
	grep -q '^  Conversion fee  *\$' "$T/fx-order-balance.C.80x24.txt"
tap_ok $? "the balance section names what the customer paid, the rate and the conversion fee"
grep -q '汇率  *1 CNY = 0\.[0-9]* USD' "$T/fx-order-balance.zh.80x24.txt"
tap_ok $? "in Chinese too"
sed -n 2p "$T/fx-payout.C.80x24.txt" | grep -q 'Customer paid$' &&
	grep -Eq ' USD +-?[0-9,.]+ (JPY|CNY)$' "$T/fx-payout.C.80x24.txt"
tap_ok $? "at 80 columns the payout's converted entries show what their customers paid"
grep -q '^Paid in, over the span (as settled in USD)$' "$T/fx-insights-paid.C.80x24.txt" &&
	grep -Eq '^  CNY  +[0-9,]+\.[0-9]{2}  [0-9]+\.[0-9]{2}%  \([0-9]+ payments, conv. fees [0-9,.]+\)$' \
		"$T/fx-insights-paid.C.80x24.txt"
tap_ok $? "Insights shows each currency paid in with its share of the USD settled and its conversion fees"
sed -n 2p "$T/fx-insights-fees.C.80x24.txt" | grep -q 'Conversion fees'
tap_ok $? "the conversion fees have a chart of their own"
# The settled side by amount, its fourth page in USD: converted and unconverted orders merged
# in the order of what they settled as, as the cache's own query sorts them.
want=$(sqlite3 "$XDG_DATA_HOME/paydesk/fx.db" "SELECT printf('%.2f', coalesce(settled_amount,
	amount) / 100.0) FROM orders WHERE coalesce(settled_currency, currency) = 'usd'
	ORDER BY coalesce(settled_amount, amount) DESC, id DESC LIMIT 19 OFFSET 57")
got=$(sed -n '3,21p' "$T/fx-orders-settled-usd.C.80x24.txt" | sed -E 's/.* ([0-9,]+\.[0-9]{2}) USD .*/\1/' | tr -d ,)
tap_is "$got" "$want" "page 4 of the settled side in USD, largest first, merges both kinds of orders"
grep -q 'currency: USD' "$T/fx-orders-settled-usd.C.80x24.txt"; tap_ok $? "its status names the currency"
# Back up from page 5: the rows before a key come merged the same way.
f="$T/fx-orders-settled-back.C.80x24.txt"
first=$(sed -n '3,21p' "$f" | grep -n '^>' | cut -d: -f1) row=$(grep -o 'row [0-9]*' "$f" | cut -d' ' -f2)
want=$(sqlite3 "$XDG_DATA_HOME/paydesk/fx.db" "SELECT printf('%.2f', coalesce(settled_amount,
	amount) / 100.0) FROM orders WHERE coalesce(settled_currency, currency) = 'usd'
	ORDER BY coalesce(settled_amount, amount) DESC, id DESC LIMIT 19 OFFSET $((row - first))")
got=$(sed -n '3,21p' "$f" | sed -E 's/.* ([0-9,]+\.[0-9]{2}) USD .*/\1/' | tr -d ,)
tap_is "$got" "$want" "paging back up the settled side gives the same order (row $row)"
sed -n 3p "$T/fx-orders-settled.C.80x24.txt" | grep -q '^>09-21 13:20 ORD-0003000 .* 205\.94 USD '
tap_ok $? "with \$ the CNY order shows the USD it settled as"
grep -q 'as settled' "$T/fx-orders-settled.C.80x24.txt"; tap_ok $? "the status line says which side"
bad=
for f in "$T"/fx-order.*.txt "$T"/fx-order-balance.*.txt "$T"/fx-payout.*.txt; do grep -q '~' "$f" && bad="$bad $(basename "$f")"; done
tap_is "$bad" "" "nothing on the detail and payout screens is cut at 80 columns"
tap_done
