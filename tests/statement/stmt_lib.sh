# Helpers of the statement tests. Source after tests/lib.sh.

# (A sanitizer build of paydesk knows fontconfig's process-long cache itself: nothing to set.)
#
# stmt_fill_cache fills a paydesk cache from a running paydesk-sandbox with the test's own code (curl and jq),
# independent of paydesk's sync: every balance transaction, every payout, and for each payout
# the transactions it paid out (their payout_id); the orders (charges, with the merchant's
# order number from their metadata), refunds and disputes they come from. Source it, then:
#   stmt_fill_cache URL CACHE_FILE
# CACHE_FILE must have been created by stmt_mkcache. Returns non-zero on any failure.

stmt_jq_sql='def q: if . == null then "NULL" else "'"'"'" + (tostring | gsub("'"'"'"; "'"'"''"'"'")) + "'"'"'" end;'

# stmt_list URL PATH QUERY: prints every object of a list endpoint, one JSON per line.
stmt_list() {
	_after=
	while :; do
		_q="limit=100${3:+&$3}${_after:+&starting_after=$_after}"
		# One jq per page: the objects, then a last line "CURSOR has_more last_id".
		curl -sf -H "Authorization: Bearer sk_test_statement" "$1$2?$_q" |
			jq -c '(.data[]), "CURSOR \(.has_more) \(.data[-1].id)"' >"$TEST_TMP/page" || return 1
		sed '$d' "$TEST_TMP/page"
		set -- "$1" "$2" "${3:-}" $(tail -n 1 "$TEST_TMP/page" | tr -d '"')
		[ "$4" = CURSOR ] || return 1
		[ "$5" = true ] || break
		_after=$6
		set -- "$1" "$2" "$3"
	done
}

stmt_fill_cache() {
	_url=$1 _db=$2 _sql=$TEST_TMP/fill.sql
	echo "BEGIN;" >"$_sql"
	stmt_list "$_url" /v1/balance_transactions "" | jq -r "$stmt_jq_sql"'
		"INSERT INTO balance_transactions(id, created, available_on, amount, fee, net, currency,"
		+ " type, reporting_category, source, status, description) VALUES ("
		+ ([.id, .created, .available_on, .amount, .fee, .net, .currency, .type,
		    .reporting_category, .source, .status, .description] | map(q) | join(",")) + ");"' \
		>>"$_sql" || return 1
	stmt_list "$_url" /v1/charges "" | jq -r "$stmt_jq_sql"'
		"INSERT INTO orders(id, created, amount, currency, status, platform_status, order_ref,"
		+ " description) VALUES ("
		+ ([.id, .created, .amount, .currency, .status, .status,
		    (.metadata.order_id // .metadata.order_ref), .description] | map(q) | join(","))
		+ ");"' >>"$_sql" || return 1
	stmt_list "$_url" /v1/refunds "" | jq -r "$stmt_jq_sql"'
		"INSERT INTO refunds(id, created, order_id, amount, currency, status) VALUES ("
		+ ([.id, .created, .charge, .amount, .currency, .status] | map(q) | join(",")) + ");"' \
		>>"$_sql" || return 1
	stmt_list "$_url" /v1/disputes "" | jq -r "$stmt_jq_sql"'
		"INSERT INTO disputes(id, created, order_id, amount, currency, status) VALUES ("
		+ ([.id, .created, .charge, .amount, .currency, .status] | map(q) | join(",")) + ");"' \
		>>"$_sql" || return 1
	stmt_list "$_url" /v1/payouts "" >"$TEST_TMP/payouts.jsonl" || return 1
	jq -r "$stmt_jq_sql"'
		"INSERT INTO payouts(id, created, arrival_date, amount, currency, status, automatic,"
		+ " method, balance_transaction, description, reconciled) VALUES ("
		+ ([.id, .created, .arrival_date, .amount, .currency, .status,
		    (if .automatic then 1 else 0 end), .method, .balance_transaction, .description, 1]
		   | map(q) | join(",")) + ");"' "$TEST_TMP/payouts.jsonl" >>"$_sql" || return 1
	for _po in $(jq -r '.id' "$TEST_TMP/payouts.jsonl"); do
		stmt_list "$_url" /v1/balance_transactions "payout=$_po" | jq -r "$stmt_jq_sql"'
			"UPDATE balance_transactions SET payout_id = " + ("'"$_po"'" | q)
			+ " WHERE id = " + (.id | q) + ";"' >>"$_sql" || return 1
	done
	_acct=$(curl -sf -H "Authorization: Bearer sk_test_statement" "$_url/v1/account") || return 1
	printf '%s' "$_acct" | jq -r "$stmt_jq_sql"'
		"INSERT OR REPLACE INTO meta(key, value) VALUES (" + ("account_id" | q) + "," + (.id | q)
		+ "), (" + ("account_name" | q) + ","
		+ ((.settings.dashboard.display_name // .business_profile.name // .email) | q) + ");"' \
		>>"$_sql" || return 1
	echo "COMMIT;" >>"$_sql"
	sqlite3 "$_db" <"$_sql"
}

# The same figures from a statement's JSON and from the sandbox's ledger, one line per
# currency: opening, sales, refunds, disputes+reversals+adjustments, payouts, net activity,
# closing.
stmt_from_statement() {
	jq -r '.currencies[] | [.currency, .opening_balance,
		(.sales | .count, .amount, .fee, .net), (.refunds | .count, .amount, .fee, .net),
		([.disputes, .dispute_reversals, .adjustments, .fees] |
		 (map(.count) | add), (map(.amount) | add), (map(.fee) | add), (map(.net) | add)),
		(.payouts | .count, .amount, .fee, .net), .net_activity, .closing_balance]
		| map(tostring) | join(" ")' "$1"
}
stmt_from_ledger() { # JSON FROM TO
	curl -sf "$SANDBOX_URL/_admin/ledger?from=0&to=$2" >"$TEST_TMP/open.json" &&
		curl -sf "$SANDBOX_URL/_admin/ledger?from=$2&to=$3" >"$TEST_TMP/range.json" || return 1
	jq -r --slurpfile open "$TEST_TMP/open.json" --slurpfile range "$TEST_TMP/range.json" '
		def z: {count: 0, amount: 0, fee: 0, net: 0};
		def nets: [.[]?.net] | add // 0;
		.currencies[].currency as $c
		| ($open[0][$c] // {}) as $o | ($range[0][$c] // {}) as $r
		| [$c, ($o | nets),
		   (($r.charge // z) | .count, .amount, .fee, .net),
		   (($r.refund // z) | .count, .amount, .fee, .net),
		   ([$r | to_entries[] | select(.key != "charge" and .key != "refund" and .key != "payout")
		     | .value] | (map(.count) | add // 0), (map(.amount) | add // 0),
		     (map(.fee) | add // 0), (map(.net) | add // 0)),
		   (($r.payout // z) | .count, .amount, .fee, .net),
		   ($r | del(.payout) | nets), (($o | nets) + ($r | nets))]
		| map(tostring) | join(" ")' "$1"
}

# An awk function: minor units from an amount as the statement prints it ("-1,234.56" ->
# -123456, "1,200" -> 1200, "0.00" -> 0), as text, so large amounts keep every digit.
stmt_awk_minor='function minor(v,  neg) { gsub(/[,.]/, "", v); neg = sub(/^-/, "", v)
	sub(/^0+/, "", v); if (v == "") return "0"; return (neg ? "-" : "") v }'

# stmt_pdf_summary PDF: the summary of a PDF statement (English), one line per figure:
# "currency key minor-units", key one of opening sales refunds disputes reversals fees
# adjustments net payouts closing; read back with pdftotext from the first page.
stmt_pdf_summary() {
	pdftotext -layout -f 1 -l 1 "$1" - 2>/dev/null | awk "$stmt_awk_minor"'
		/^ *([A-Z][A-Z][A-Z] +)*[A-Z][A-Z][A-Z] *$/ { n = split($0, codes, " "); next }
		{ key = "" }
		/^ *Opening balance /           { key = "opening" }
		/^ *Sales /                     { key = "sales" }
		/^ *Refunds /                   { key = "refunds" }
		/^ *Disputes /                  { key = "disputes" }
		/^ *Dispute reversals /         { key = "reversals" }
		/^ *Fees /                      { key = "fees" }
		/^ *Adjustments /               { key = "adjustments" }
		/^ *Net activity /              { key = "net" }
		/^ *Paid out from the balance / { key = "payouts" }
		/^ *Closing balance /           { key = "closing" }
		key != "" && n > 0 && NF > n {
			for (i = 1; i <= n; i++)
				print tolower(codes[i]), key, minor($(NF - n + i))
		}'
}
