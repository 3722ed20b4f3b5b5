#!/bin/sh
# TLS is always verified. A sandbox serving HTTPS with a certificate from a private CA is
# refused, with a message naming ca_file, until the profile names that CA; a CA that did
# not sign the certificate is refused too; with the right one the sync completes to
# equality over HTTPS.
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/client/sync_lib.sh"

tap_plan 9
tmp_setup
command -v openssl >/dev/null || { echo "Bail out! openssl is missing (scripts/deps.sh installs it)"; exit 99; }

# A private CA, a certificate for 127.0.0.1 signed by it, and another CA.
(
	cd "$TEST_TMP" || exit 1
	ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
	openssl req -x509 $ec -keyout ca.key -out ca.pem -days 2 -subj "/CN=paydesk test CA" &&
		openssl req $ec -keyout server.key -out server.csr -subj "/CN=127.0.0.1" &&
		printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >ext.cnf &&
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
			-out server.pem -days 2 -extfile ext.cnf &&
		openssl req -x509 $ec -keyout other.key -out other.pem -days 2 -subj "/CN=other CA"
) >"$TEST_TMP/openssl.log" 2>&1 || {
	sed 's/^/# /' "$TEST_TMP/openssl.log"
	echo "Bail out! cannot make test certificates"
	exit 99
}

sandbox_start --quiet --orders 40 --days 10 --seed 3 \
	--tls-cert "$TEST_TMP/server.pem" --tls-key "$TEST_TMP/server.key" ||
	{ echo "Bail out! the HTTPS sandbox did not start"; exit 99; }
SANDBOX_URL="https://127.0.0.1:$SANDBOX_PORT"
# The admin API is on the same HTTPS port.
admin() {
	curl -sS --cacert "$TEST_TMP/ca.pem" -X "$1" "$SANDBOX_URL$2"
}
admin GET /_admin/now >/dev/null
tap_ok $? "the sandbox serves HTTPS with the private CA's certificate"

mkdir -p "$XDG_CONFIG_HOME/paydesk"
profile() {
	{
		printf '[t]\nplatform = stripe\napi_base = %s\ntimeout = 3\n' "$SANDBOX_URL"
		[ -n "$1" ] && printf 'ca_file = %s\n' "$1"
	} >"$XDG_CONFIG_HOME/paydesk/config"
}
PAYDESK_API_KEY=sk_test_tls
export PAYDESK_API_KEY
CACHE_DB="$XDG_DATA_HOME/paydesk/t.db"

profile ""
run_sync 2>/dev/null
tap_is $? 1 "without ca_file the private CA's certificate is refused (exit 1)"
grep -q "could not be verified" "$TEST_TMP/sync.err" && grep -q "ca_file" "$TEST_TMP/sync.err"
tap_ok $? "the message says the certificate could not be verified and names ca_file"
[ ! -e "$CACHE_DB" ]
tap_ok $? "nothing was written"

profile "$TEST_TMP/other.pem"
run_sync 2>/dev/null
tap_is $? 1 "a CA that did not sign the certificate is refused too"
grep -q "could not be verified" "$TEST_TMP/sync.err"
tap_ok $? "with the same message"

profile "$TEST_TMP/ca.pem"
run_sync
tap_is $? 0 "with ca_file naming the CA, the sync completes over HTTPS"
cache_equals_sandbox
tap_ok $? "and the cache equals the platform"
admin GET /_admin/requests | grep -q '"path":"/v1/charges'
tap_ok $? "the requests went over HTTPS to the sandbox"
tap_done
