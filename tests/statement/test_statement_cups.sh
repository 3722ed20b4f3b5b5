#!/bin/sh
# Printing the statement through CUPS: a failing printer leaves a clear message and the
# statement saved; a real job on a cups-pdf queue produces a PDF that carries the totals.
# Needs root to start cupsd and add the queue; otherwise that part is skipped with the reason.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/statement/stmt_lib.sh"
tmp_setup
tap_plan 7

export PAYDESK_NOW=1764115200 PAYDESK_OPERATOR=clerk1 LANGUAGE= LC_ALL=C.UTF-8
CACHE="$TEST_TMP/cache.db"
QUEUE=paydesk-pdf

# A cache with a known day (2025-11-24 UTC): two sales, a refund, and a payout of the
# previous days' balance with its transactions.
"$abs_top_builddir/tests/statement/stmt_mkcache" "$CACHE" 1764115200 &&
	sqlite3 "$CACHE" "
INSERT INTO meta VALUES ('account_id', 'acct_print'), ('account_name', 'Print Shop');
INSERT INTO balance_transactions(id, created, amount, fee, net, currency, type, reporting_category, payout_id) VALUES
 ('txn_a', 1763900000, 500000, 14530, 485470, 'usd', 'charge', 'charge', 'po_1'),
 ('txn_b', 1763950000, 123456, 3610, 119846, 'usd', 'charge', 'charge', NULL),
 ('txn_c', 1763960000, 77777, 2285, 75492, 'usd', 'charge', 'charge', NULL),
 ('txn_d', 1763970000, -20000, 0, -20000, 'usd', 'refund', 'refund', NULL),
 ('txn_p', 1763960000, -485470, 0, -485470, 'usd', 'payout', 'payout', NULL);
INSERT INTO payouts(id, created, arrival_date, amount, currency, status, balance_transaction, reconciled)
 VALUES ('po_1', 1763960000, 1764028800, 485470, 'usd', 'paid', 'txn_p', 1);"
tap_ok $? "a cache with a known day"
# Opening 485,470; net activity 119,846 + 75,492 - 20,000 = 175,338; payout -485,470.
CLOSING="1,753.38"
statement() { "$PAYDESK_BIN" statement --cache "$CACHE" --date 2025-11-24 --timezone UTC "$@"; }
statement | grep -qE "^  Closing balance +$CLOSING\$"
tap_ok $? "the statement's closing balance is the test's own sum ($CLOSING)"

# Without a working printer: a clear message, exit 1, and the PDF kept.
statement --print --printer no-such-printer-here >"$TEST_TMP/out" 2>"$TEST_TMP/err"
st=$?
saved=$(sed -n 's/.*the statement is saved in \(.*\); print it.*/\1/p' "$TEST_TMP/err")
[ "$st" -eq 1 ] && grep -q "printing failed\|lp command was not found" "$TEST_TMP/err" &&
	[ -s "$saved" ] && pdftotext "$saved" - | grep -q "$CLOSING"
tap_ok $? "a failed print says why and the statement is still saved"
sed 's/^/# /' "$TEST_TMP/err"

skip_rest() {
	while [ "$tap_n" -lt 7 ]; do
		tap_n=$((tap_n + 1))
		echo "ok $tap_n # SKIP $1"
	done
	tap_done
}

command -v lp >/dev/null && command -v lpadmin >/dev/null || skip_rest "CUPS client tools are not installed"
if ! lpstat -r 2>/dev/null | grep -q "is running"; then
	[ "$(id -u)" -eq 0 ] || skip_rest "cupsd is not running and starting it needs root"
	[ -x /usr/sbin/cupsd ] || skip_rest "cupsd is not installed"
	/usr/sbin/cupsd || skip_rest "cupsd did not start"
	for _ in $(seq 1 50); do
		lpstat -r 2>/dev/null | grep -q "is running" && break
		sleep 0.2
	done
fi
lpstat -r 2>/dev/null | grep -q "is running" || skip_rest "cupsd is not reachable"
if ! lpstat -p "$QUEUE" >/dev/null 2>&1; then
	[ "$(id -u)" -eq 0 ] || skip_rest "adding the $QUEUE queue needs root"
	ppd=$(lpinfo -m 2>/dev/null | awk '/CUPS-PDF_opt.ppd/ { print $1; exit }')
	[ -n "$ppd" ] || skip_rest "the cups-pdf PPD is not installed (apt-get install cups-pdf)"
	lpadmin -p "$QUEUE" -E -v cups-pdf:/ -m "$ppd" 2>/dev/null || skip_rest "lpadmin failed"
fi
# Poppler's pdftops keeps fonts as fonts in cups-pdf's PostScript round trip (Ghostscript,
# the default, turns text into outlines that no reader can search).
[ "$(id -u)" -eq 0 ] && lpadmin -p "$QUEUE" -o pdftops-renderer-default=pdftops 2>/dev/null

# cups-pdf writes to its Out directory, ${HOME} being the job owner's home directory.
out_dir=$(sed -n 's/^[[:space:]]*Out[[:space:]]\{1,\}//p' /etc/cups/cups-pdf.conf 2>/dev/null | tail -n 1)
owner_home=$(getent passwd "$(id -un)" | cut -d: -f6)
[ -n "$out_dir" ] || out_dir='${HOME}/PDF'
out_dir=$(printf '%s' "$out_dir" | sed "s|\${HOME}|$owner_home|")

statement --print --printer "$QUEUE" --copies 1 >"$TEST_TMP/out" 2>"$TEST_TMP/err"
tap_is "$?" 0 "paydesk statement --print exits 0"
job=$(sed -n "s/.* as job \($QUEUE-[0-9]*\)\$/\1/p" "$TEST_TMP/err")
[ -n "$job" ]; tap_ok $? "the CUPS job id is reported ($job)"

# Wait (bounded) for the job to leave the queue and its PDF to appear.
pdf=
for _ in $(seq 1 300); do
	if ! lpstat -o "$QUEUE" 2>/dev/null | grep -q "^$job "; then
		pdf=$(ls "$out_dir"/*-job_"${job##*-}".pdf 2>/dev/null | head -n 1)
		[ -n "$pdf" ] && [ -s "$pdf" ] && break
	fi
	sleep 0.2
done
[ -n "$pdf" ]; tap_ok $? "cups-pdf produced the printed PDF in $out_dir"
text=$(pdftotext -layout "$pdf" - 2>/dev/null)
printf '%s\n' "$text" | grep -qE "Closing balance +$CLOSING" &&
	printf '%s\n' "$text" | grep -qE "Opening balance +4,854.70"
tap_ok $? "the printed PDF carries the statement's totals"
rm -f "$pdf"
tap_done
