#!/bin/sh
# paydesk doctor against a WeChat Pay sandbox on loopback: a healthy profile passes every
# check; a key file others may read, a malformed configuration, a damaged cache and a
# platform whose clock is an hour off each fail with what to do; --offline skips the
# network; the marks are translated in zh_CN.UTF-8.
. "$abs_top_srcdir/tests/lib.sh"
tmp_setup
tap_plan 38
unset PAYDESK_NOW PAYDESK_PROFILE PAYDESK_API_KEY LANGUAGE
export PAYDESK_LOCALEDIR="$abs_top_builddir/locale-tree"
M="$TEST_TMP/merchant"
CONFIG="$XDG_CONFIG_HOME/paydesk/config"
CACHE="$XDG_DATA_HOME/paydesk/t.db"
"$PAYDESK_SANDBOX" --platform wechatpay --init-merchant "$M" >/dev/null 2>"$TEST_TMP/init.err" ||
	{ echo "Bail out! no merchant: $(cat "$TEST_TMP/init.err")"; exit 99; }
mkdir -p "$XDG_CONFIG_HOME/paydesk"

# start [SANDBOX ARGS...]: a sandbox of a small store, and the profile [t] pointing at it.
start() {
	sandbox_stop
	sandbox_start --quiet --platform wechatpay --merchant "$M" --orders 40 --days 5 "$@" ||
		{ echo "Bail out! the sandbox did not start"; exit 99; }
	profile t >"$CONFIG"
}

# profile NAME: a profile of the merchant in $M on the sandbox.
profile() {
	echo "[$1]"
	echo "platform = wechatpay"
	echo "api_base = $SANDBOX_URL"
	echo "timeout = 3"
	echo "mchid = $(cat "$M/mchid")"
	echo "merchant_serial = $(cat "$M/merchant_serial")"
	echo "private_key_file = $M/apiclient_key.pem"
	echo "apiv3_key_file = $M/apiv3_key"
	echo "wechatpay_public_key_file = $M/wechatpay_public_key.pem"
	echo "wechatpay_public_key_id = $(cat "$M/wechatpay_public_key_id")"
}

# doctor [ARGS...]: paydesk [ARGS...] doctor in C.UTF-8; $out and $st.
doctor() {
	out=$(LC_ALL=C.UTF-8 "$PAYDESK_BIN" "$@" doctor 2>&1)
	st=$?
}

# has PATTERN NAME: a line of $out matches the extended regular expression.
has() {
	if printf '%s\n' "$out" | grep -Eq -- "$1"; then
		tap_ok 0 "$2"
	else
		tap_ok 1 "$2"
		printf '%s\n' "$out" | sed 's/^/# /'
	fi
}

# ---- the command is listed and has its usage ----
LC_ALL=C.UTF-8 "$PAYDESK_BIN" --help >"$TEST_TMP/help"
grep -Eq '^  doctor +check the configuration, keys, cache, platform and clock$' "$TEST_TMP/help"
tap_ok $? "paydesk --help lists doctor among the commands"
LC_ALL=C.UTF-8 "$PAYDESK_BIN" doctor --help >"$TEST_TMP/usage"; st=$?
tap_is "$st" 0 "doctor --help exits 0"
grep -q '^  -p, --profile NAME   the profile to check$' "$TEST_TMP/usage" &&
	grep -q 'Exit status: 0 all is well, 1 a check failed' "$TEST_TMP/usage"
tap_ok $? "the usage names --profile and the exit status"
"$PAYDESK_BIN" doctor extra >/dev/null 2>&1; tap_is $? 2 "an operand is a usage error (2)"

# ---- healthy, before any sync: the missing cache is only a warning ----
start
doctor
tap_is "$st" 0 "a healthy profile without a cache yet exits 0"
has "^warning +the cache: there is none yet at $CACHE: run 'paydesk sync'$" \
	"a missing cache is a warning that says to run paydesk sync"

# ---- healthy, after a sync: every check ok ----
LC_ALL=C.UTF-8 "$PAYDESK_BIN" sync >"$TEST_TMP/sync.out" 2>&1 ||
	{ echo "Bail out! sync failed: $(cat "$TEST_TMP/sync.out")"; exit 99; }
orders=$(sqlite3 "$CACHE" "SELECT count(*) FROM orders")
doctor
tap_is "$st" 0 "a healthy profile exits 0"
has "^ok +the configuration: profile \[t\], WeChat Pay at $SANDBOX_URL, role merchant$" "the configuration is checked"
has "^ok +the private key $M/apiclient_key.pem: present, private to its owner and well formed$" "the private key is checked"
has "^ok +the APIv3 key $M/apiv3_key: present, private to its owner and well formed$" "the APIv3 key is checked"
has "^ok +the platform's public key $M/wechatpay_public_key.pem: present and well formed$" "the platform's public key is checked"
has "^ok +the cache $CACHE: intact, schema [0-9]+ \(this paydesk writes [0-9]+\), [0-9.]+ MiB on disk, $orders orders$" \
	"the cache is checked, with its size and its $orders orders"
has "^ok +the platform at $SANDBOX_URL answers, plain HTTP on this machine \(account $(cat "$M/mchid")\)$" \
	"the platform answers an authenticated request"
has "^ok +the clock: this machine's clock is [01] s (ahead of|behind) the platform's$" "the clock agrees with the platform's"
has "^ok +the locale C.UTF-8: UTF-8$" "the locale is checked"
has "^ok +the printer: none configured$" "no printer is just ok"
n=$(printf '%s\n' "$out" | grep -c '^ok ')
tap_is "$n" 9 "every check printed its line, each ok"
apiv3=$(cat "$M/apiv3_key")
key_line=$(sed -n 2p "$M/apiclient_key.pem")
printf '%s\n' "$out" | grep -qF -e "$apiv3" -e "$key_line"
tap_is $? 1 "no secret is printed"

# ---- a key file others may read ----
chmod 644 "$M/apiv3_key"
doctor
tap_is "$st" 1 "a key file of mode 0644 exits 1"
has "^FAILED +the APIv3 key: key file $M/apiv3_key can be read by other users \(mode 644\); refusing to use it. Fix it with: chmod 600 $M/apiv3_key$" \
	"the failure names the file and says chmod 600"
has "^warning +the platform and the clock: not checked until the keys are fixed$" "the platform waits for the keys"
chmod 600 "$M/apiv3_key"

# ---- a printer, and no lpstat to ask ----
{ profile t; echo "printer = office"; } >"$CONFIG"
out=$(PATH=/nonexistent LC_ALL=C.UTF-8 "$PAYDESK_BIN" --offline doctor 2>&1); st=$?
tap_is "$st" 0 "a printer that cannot be checked is only a warning"
has "^warning +the printer office: lpstat was not found, so the queue was not checked: install cups-client$" \
	"lpstat missing is a warning that says what to install"

# ---- a malformed configuration: the parser's own message ----
{ profile t; echo "this is not a setting"; } >"$CONFIG"
doctor
tap_is "$st" 1 "a malformed configuration exits 1"
has "^FAILED +the configuration: $CONFIG: line 11: expected 'key = value' or \[NAME\]$" \
	"the failure is the parser's message, with the file and the line"
profile t >"$CONFIG"

# ---- a damaged cache: a copy with bytes overwritten in its middle ----
{ profile t; echo; profile broken; } >"$CONFIG"
sqlite3 "$CACHE" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
BROKEN="$XDG_DATA_HOME/paydesk/broken.db"
cp "$CACHE" "$BROKEN"
size=$(stat -c %s "$BROKEN")
head -c 16384 /dev/zero | tr '\0' '\377' |
	dd of="$BROKEN" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
sum=$(sha256sum <"$BROKEN")
doctor --offline --profile broken
tap_is "$st" 1 "a damaged cache exits 1"
has "^FAILED +the cache $BROKEN is damaged \(.+\): move the file aside \(mv $BROKEN $BROKEN.broken\) and run 'paydesk sync' to build a new cache$" \
	"the damaged cache is FAILED, saying what to do"
tap_is "$(sha256sum <"$BROKEN")" "$sum" "the doctor leaves the damaged file as it was"
profile t >"$CONFIG"

# ---- a platform an hour ahead ----
start --now $(($(date +%s) + 3600))
date_hdr=$(curl -sS -D - -o /dev/null "$SANDBOX_URL/v3/certificates" | tr -d '\r' | sed -n 's/^[Dd]ate: //p')
sbx_now=$(curl -sS "$SANDBOX_URL/_admin/now" | sed -n 's/.*"now":\([0-9]*\).*/\1/p')
gap=$(($(date -d "$date_hdr" +%s) - sbx_now))
[ "${gap#-}" -le 2 ]
tap_ok $? "the sandbox's Date header follows its own clock ($date_hdr)"
doctor
tap_is "$st" 1 "a clock an hour off exits 1 on WeChat Pay"
has "^FAILED +the clock: this machine's clock is 3(59[89]|600|601) s behind the platform's; the platform refuses signatures more than 300 s off: set the clock right \(timedatectl set-ntp true\)$" \
	"the clock check fails with the offset and what to do"
doctor --offline
tap_is "$st" 0 "--offline does not ask the platform"
has "^warning +the platform and the clock: not checked \(--offline\)$" "--offline says the network checks were skipped"

# ---- in Chinese ----
out=$(LANGUAGE= LC_ALL=zh_CN.UTF-8 "$PAYDESK_BIN" doctor 2>&1); st=$?
tap_is "$st" 1 "in zh_CN.UTF-8 too, the clock fails"
has "^正常  配置：配置档 \[t\]，微信支付，" "the ok mark and the configuration's line are in Chinese"
has "^失败  时钟：本机时钟比平台慢 3[56][0-9][0-9] 秒" "the FAILED mark and the clock's line are in Chinese"
has "^正常  中文消息：已找到$" "the Chinese catalog is found"
printf '%s\n' "$out" | grep -Eq '^(ok|warning|FAILED) '
tap_is $? 1 "no English mark is left"
tap_done
