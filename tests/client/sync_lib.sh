# Helpers for the sync tests. Source after tests/lib.sh, then call sync_setup ARGS... with
# the sandbox's seeding options.

CHECKSUM="$abs_top_builddir/tests/client/cache_checksum"
CACHE_DB=

# sync_setup [SANDBOX ARGS...]: a sandbox, a profile [t] pointing at it, a test key. With
# SYNC_STORE=1 the sandbox keeps its store in the file $STORE_DB, for tests that read it.
sync_setup() {
	tmp_setup
	STORE_DB=
	if [ -n "${SYNC_STORE:-}" ]; then
		STORE_DB="$TEST_TMP/store.db"
		set -- --db "$STORE_DB" "$@"
	fi
	sandbox_start --quiet "$@" || { echo "Bail out! the sandbox did not start"; exit 99; }
	mkdir -p "$XDG_CONFIG_HOME/paydesk"
	cat >"$XDG_CONFIG_HOME/paydesk/config" <<CONF
# written by the test
[t]
platform = stripe
api_base = $SANDBOX_URL
timeout = 3
CONF
	PAYDESK_API_KEY=sk_test_sync_tests
	export PAYDESK_API_KEY
	unset PAYDESK_PROFILE PAYDESK_NOW
	CACHE_DB="$XDG_DATA_HOME/paydesk/t.db"
}

# admin METHOD PATH [FORM]: calls the sandbox's admin API, prints the reply.
admin() {
	if [ -n "${3:-}" ]; then
		curl -sS -X "$1" --data "$3" "$SANDBOX_URL$2"
	else
		curl -sS -X "$1" "$SANDBOX_URL$2"
	fi
}

# cache_equals_sandbox: 0 when the cache's checksums equal the platform's.
cache_equals_sandbox() {
	admin GET /_admin/checksum >"$TEST_TMP/want.json" || return 1
	"$CHECKSUM" "$CACHE_DB" "$TEST_TMP/want.json" >"$TEST_TMP/got.json" 2>"$TEST_TMP/cmp.err"
	st=$?
	[ $st -eq 0 ] || sed 's/^/# /' "$TEST_TMP/cmp.err"
	return $st
}

# cache_intact: 0 when PRAGMA integrity_check says ok and orders_fts matches orders.
cache_intact() {
	"$CHECKSUM" --integrity "$CACHE_DB" >"$TEST_TMP/integrity.out" 2>&1
	st=$?
	[ $st -eq 0 ] || sed 's/^/# /' "$TEST_TMP/integrity.out"
	return $st
}

# run_sync [ARGS...]: runs paydesk sync; output in $TEST_TMP/sync.out and sync.err.
run_sync() {
	"$PAYDESK_BIN" sync "$@" >"$TEST_TMP/sync.out" 2>"$TEST_TMP/sync.err"
	st=$?
	if [ $st -ne 0 ]; then
		sed 's/^/# sync: /' "$TEST_TMP/sync.err"
	fi
	return $st
}

# bill_setup PLATFORM NOW [SANDBOX ARGS...]: a merchant of a bill platform (wechatpay,
# alipay) with its files in $MERCHANT, its sandbox started at the Unix time NOW, and a
# profile [t] with the merchant's keys. The client's clock follows the sandbox's (see
# clock_follow), so that both see the same days.
bill_setup() {
	tmp_setup
	bill_start "$@"
}

# bill_start PLATFORM NOW [SANDBOX ARGS...]: bill_setup in the test's directory as it is
# (another platform after sandbox_stop); the merchant is $TEST_TMP/merchant-PLATFORM.
bill_start() {
	BILL_PLATFORM=$1
	BILL_T0=$2
	shift 2
	MERCHANT="$TEST_TMP/merchant-$BILL_PLATFORM"
	"$PAYDESK_SANDBOX" --platform "$BILL_PLATFORM" --init-merchant "$MERCHANT" \
		>/dev/null 2>"$TEST_TMP/init.err" ||
		{ echo "Bail out! no merchant: $(cat "$TEST_TMP/init.err")"; exit 99; }
	sandbox_start --quiet --platform "$BILL_PLATFORM" --merchant "$MERCHANT" --now "$BILL_T0" "$@" ||
		{ echo "Bail out! the sandbox did not start"; exit 99; }
	mkdir -p "$XDG_CONFIG_HOME/paydesk"
	bill_profile >"$XDG_CONFIG_HOME/paydesk/config"
	unset PAYDESK_API_KEY PAYDESK_PROFILE
	clock_follow
	CACHE_DB="$XDG_DATA_HOME/paydesk/t.db"
}

# bill_profile [API_BASE]: the profile [t] of the merchant in $MERCHANT, on stdout.
bill_profile() {
	echo "# written by the test"
	echo "[t]"
	echo "platform = $BILL_PLATFORM"
	echo "api_base = ${1:-$SANDBOX_URL}"
	echo "timeout = 3"
	case $BILL_PLATFORM in
	wechatpay)
		echo "mchid = $(cat "$MERCHANT/mchid")"
		echo "merchant_serial = $(cat "$MERCHANT/merchant_serial")"
		echo "private_key_file = $MERCHANT/apiclient_key.pem"
		echo "apiv3_key_file = $MERCHANT/apiv3_key"
		echo "wechatpay_public_key_file = $MERCHANT/wechatpay_public_key.pem"
		echo "wechatpay_public_key_id = $(cat "$MERCHANT/wechatpay_public_key_id")"
		;;
	alipay)
		echo "app_id = $(cat "$MERCHANT/app_id")"
		echo "app_private_key_file = $MERCHANT/app_private_key.pem"
		echo "alipay_public_key_file = $MERCHANT/alipay_public_key.pem"
		;;
	esac
}

# clock_follow: PAYDESK_NOW is the sandbox's clock, as it says.
clock_follow() {
	PAYDESK_NOW=$(admin GET /_admin/now | sed -n 's/.*"now":\([0-9]*\).*/\1/p')
	export PAYDESK_NOW
}

# advance SECONDS: moves the sandbox's clock and the client's with it.
advance() {
	admin POST /_admin/advance "seconds=$1" >/dev/null || return 1
	clock_follow
}

# bill_sync [ARGS...]: run_sync on the sandbox's clock.
bill_sync() {
	clock_follow
	run_sync "$@"
}
