#!/bin/sh
# Valid but unusual platform data is never refused: strings holding the JSON escape \u0000
# (legal JSON, and possible in any field a merchant writes) sync, are kept, searched and
# shown as a visible symbol. A reply that really is broken is refused with the reader's own
# reason and where it found it.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/client/sync_lib.sh"
. "$abs_top_srcdir/tests/ui/ui_lib.sh"
sync_setup --seed 3 --orders 400 --days 20 --now 1790000000 --hostile
tap_plan 8

# The sandbox serves \u0000 (the test reads the wire, not paydesk's view of it).
n=0
for t in 1790000000 1789500000 1789000000 1788600000 1788300000; do
	m=$(curl -sS -H "Authorization: Bearer $PAYDESK_API_KEY" \
		"$SANDBOX_URL/v1/charges?limit=100&created%5Blt%5D=$t" | grep -o 'nul\\u0000byte' | wc -l)
	n=$((n + m))
done
[ "$n" -gt 0 ]
tap_ok $? "the hostile store serves strings holding \\u0000 ($n in five pages)"

run_sync; tap_is $? 0 "a sync of pages holding \\u0000 succeeds"
cache_equals_sandbox; tap_ok $? "the cache equals the platform"
cache_intact; tap_ok $? "the cache and its search index are intact"

# Kept as C0 80 in the columns, as \u0000 in the JSON of the metadata; nothing after it is
# lost.
id=$(sqlite3 "$CACHE_DB" "SELECT id FROM orders WHERE hex(customer_name) LIKE '%6E756CC08062797465%'
	OR hex(description) LIKE '%6E756CC08062797465%' ORDER BY id LIMIT 1")
[ -n "$id" ]
tap_ok $? "the text after the NUL is kept in the order's columns ($id)"
n=$(sqlite3 "$CACHE_DB" "SELECT count(*) FROM orders WHERE metadata LIKE '%nul\u0000byte%'")
[ "${n:-0}" -gt 0 ]
tap_ok $? "the metadata's JSON keeps it as the escape \\u0000 ($n orders)"

# On the screen: the symbol for NUL, never a raw byte; the word after it still shows.
printf ':order %s\n:save-display %s\n' "$id" "$TEST_TMP/order.txt" >"$TEST_TMP/script"
ui_run C.UTF-8 120x40 "$TEST_TMP/script" --offline --profile t 2>"$TEST_TMP/ui.err"
grep -q "nul␀byte" "$TEST_TMP/order.txt"
tap_ok $? "the order's screen shows the NUL as ␀ with the text around it"

# A reply that is really broken: the sync says what the reader found and where.
sandbox_stop
sync_setup --seed 5 --orders 400 --days 20 --now 1790000000 --hostile --invalid-utf8
run_sync
grep -Eq "not valid JSON: invalid UTF-8 at byte [0-9]+" "$TEST_TMP/sync.err"
tap_ok $? "a page that is not UTF-8 is refused with the reader's reason and offset"
tap_done
