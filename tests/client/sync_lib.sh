# Helpers for the sync tests. Source after tests/lib.sh, then call sync_setup ARGS... with
# the sandbox's seeding options.

CHECKSUM="$abs_top_builddir/tests/client/cache_checksum"
CACHE_DB=

# sync_setup [SANDBOX ARGS...]: a sandbox, a profile [t] pointing at it, a test key.
sync_setup() {
	tmp_setup
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
