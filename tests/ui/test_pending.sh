#!/bin/sh
# Actions waiting in the outbox show on their rows: a refund queued offline
# on the Orders list, an acceptance queued offline on the Disputes list, in
# the status cell, until they resolve.  The real paydesk, headless and
# offline, on a deterministic cache.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/ui/ui_lib.sh"
tmp_setup
tap_plan 9

T=$TEST_TMP
ui_profile shop http://127.0.0.1:9
ui_fill_cache shop 300 >/dev/null
tap_ok $? "a cache of 300 orders is written"
DB="$XDG_DATA_HOME/paydesk/shop.db"
db() { sqlite3 "$DB" "$1"; }
ORDER=$(db "SELECT id FROM orders WHERE status = 'paid' AND amount_refunded = 0 AND currency = 'usd' ORDER BY id LIMIT 1")
REF=$(db "SELECT order_ref FROM orders WHERE id = '$ORDER'")
DISPUTE=$(db "SELECT id FROM disputes WHERE status = 'needs_response' ORDER BY id LIMIT 1")
[ -n "$ORDER" ] && [ -n "$REF" ] && [ -n "$DISPUTE" ]
tap_ok $? "the cache has a paid order ($REF) and an open dispute ($DISPUTE)"

# row_of FILE TEXT: the dump's line holding TEXT.
row_of() { grep -F -- "$2" "$1" | head -n 1; }

cat >"$T/s" <<SCRIPT
:search $REF
:save-display $T/before.txt
R
<C-u>1.00<Enter>
<Enter>
<Enter>
y
:save-display $T/order-queued.txt
x
3
/$DISPUTE<Enter>
:save-display $T/dispute-before.txt
A
y
:save-display $T/dispute-queued.txt
SCRIPT
ui_run C.UTF-8 120x40 "$T/s" --offline --profile shop 2>"$T/err"
tap_is $? 0 "the script runs"
sed 's/^/# /' "$T/err"

row_of "$T/before.txt" "$REF" | grep -q "action queued"
tap_ok $((!$?)) "before: the order's row shows no queued action"
tap_is "$(db "SELECT count(*) FROM outbox WHERE object_id = '$ORDER' AND state = 'queued'")" 1 \
	"the refund is queued in the outbox"
row_of "$T/order-queued.txt" "$REF" | grep -q "action queued"
tap_ok $? "the order's row says its refund is queued"
row_of "$T/dispute-before.txt" "$DISPUTE" | grep -q "action queued"
tap_ok $((!$?)) "before: the dispute's row shows no queued action"
row_of "$T/dispute-queued.txt" "$DISPUTE" | grep -q "action queued"
tap_ok $? "the dispute's row says its acceptance is queued"

# A restart shows the same, and in Chinese.
printf ':search %s\n:save-display %s/zh.txt\n' "$REF" "$T" >"$T/s2"
ui_run zh_CN.UTF-8 120x40 "$T/s2" --offline --profile shop 2>>"$T/err"
label=$(LANGUAGE= LC_ALL=zh_CN.UTF-8 TEXTDOMAINDIR="$abs_top_builddir/locale-tree" gettext paydesk "action queued")
row_of "$T/zh.txt" "$REF" | grep -qF -- "$label"
tap_ok $? "after a restart, in Chinese, the row still says so ($label)"
tap_done
