# Helpers for the action tests. Source after tests/lib.sh, then call actions_setup with the
# sandbox's seeding options. Profiles: t (merchant), clerk, support (limit 5.00 usd),
# ro (a restricted key that may read but not write refunds).

NOW=1790000000

actions_setup() {
	tmp_setup
	sandbox_start --quiet --now "$NOW" "$@" \
		--restricted 'rk_test_readonly:charges=read,payment_intents=read,refunds=read,disputes=read,payouts=read,balance_transactions=read,balance=read,events=read,account=read' ||
		{ echo "Bail out! the sandbox did not start"; exit 99; }
	mkdir -p "$XDG_CONFIG_HOME/paydesk"
	printf 'rk_test_readonly\n' >"$XDG_CONFIG_HOME/paydesk/ro.key"
	chmod 600 "$XDG_CONFIG_HOME/paydesk/ro.key"
	cat >"$XDG_CONFIG_HOME/paydesk/config" <<CONF
# written by the test
[t]
platform = stripe
api_base = $SANDBOX_URL
timeout = 3

[clerk]
platform = stripe
api_base = $SANDBOX_URL
role = clerk
timeout = 3

[support]
platform = stripe
api_base = $SANDBOX_URL
role = support
refund_limit = 5.00 usd
timeout = 3

[ro]
platform = stripe
api_base = $SANDBOX_URL
key_file = ro.key
timeout = 3
CONF
	PAYDESK_API_KEY=sk_test_action_tests
	export PAYDESK_API_KEY
	PAYDESK_PROFILE=t
	export PAYDESK_PROFILE
	unset SSH_CLIENT SSH_CONNECTION
	PAYDESK_NOW=$NOW
	export PAYDESK_NOW
}

# admin METHOD PATH [FORM]: calls the sandbox's admin API, prints the reply.
admin() {
	if [ -n "${3:-}" ]; then
		curl -sS -X "$1" --data "$3" "$SANDBOX_URL$2"
	else
		curl -sS -X "$1" "$SANDBOX_URL$2"
	fi
}

# db PROFILE SQL: a query on a profile's cache.
db() {
	sqlite3 -batch -noheader "$XDG_DATA_HOME/paydesk/$1.db" "$2"
}

# pd [ARGS...]: runs paydesk; stdout in $TEST_TMP/out, stderr in $TEST_TMP/err; returns
# its exit status.
pd() {
	"$PAYDESK_BIN" "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	st=$?
	sed 's/^/# stderr: /' "$TEST_TMP/err"
	cat "$TEST_TMP/err" >>"$TEST_TMP/all.err"
	return $st
}

# no_crash_reports: 0 when no run of paydesk printed a sanitizer or crash report.
no_crash_reports() {
	! grep -E -q 'AddressSanitizer|LeakSanitizer|runtime error:|Segmentation' "$TEST_TMP/all.err" 2>/dev/null
}

# platform_refunds ORDER: the number of refunds of an order on the sandbox.
platform_refunds() {
	curl -sS -H "Authorization: Bearer $PAYDESK_API_KEY" \
		"$SANDBOX_URL/v1/refunds?charge=$1&limit=100" | jq '.data | length'
}

# write_requests: the number of POST requests in the sandbox's log that change the account:
# a sync's report run (POST /v1/reporting/report_runs) only reads it.
write_requests() {
	admin GET /_admin/requests |
		jq '[.data[] | select(.method == "POST" and (.path | startswith("/v1/reporting/") | not))] | length'
}

# refundable PROFILE CURRENCY N: N paid, untouched orders of the cache in a currency.
refundable() {
	db "$1" "SELECT id FROM orders WHERE platform_status = 'succeeded' AND amount_refunded = 0
		AND disputed = 0 AND currency = '$2' AND amount > 2000 ORDER BY id LIMIT $3"
}
