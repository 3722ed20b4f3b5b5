#!/bin/sh
# bench/peer_sync.sh [ORDERS [ROUNDS]]: a first sync against its peer, a script on Stripe's
# official Node SDK (`stripe` on npm, installed into a temporary folder) that pages charges,
# refunds, disputes, payouts and balance transactions into a file, as a merchant without
# paydesk would. Both read the same seeded paydesk-sandbox store (default 100,000 orders),
# interleaved, ROUNDS times (default 3), each paydesk run into an empty cache. Prints per
# run and side: objects, requests, wall, client CPU, µs per object, peak RSS and the
# sandbox's CPU meanwhile; then the medians and paydesk's ratios to the SDK; then three
# incremental syncs, each after 1,000 new charges and 100 refunds.
#
# PAYDESK_BIN and PAYDESK_SANDBOX name the programs (default: build/plain's). Skips, saying
# so, when npm or GNU time is missing or the SDK cannot be installed.
set -eu
orders=${1:-100000}
rounds=${2:-3}
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${PAYDESK_BIN:-$top/build/plain/paydesk}
sandbox=${PAYDESK_SANDBOX:-$top/build/plain/paydesk-sandbox}

skip() {
	echo "peer_sync: skipped: $*"
	exit 0
}
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
	skip "npm is not installed (apt-get install npm)"
[ -x /usr/bin/time ] || skip "GNU time is not installed (apt-get install time)"
command -v sqlite3 >/dev/null 2>&1 && command -v jq >/dev/null 2>&1 && command -v curl >/dev/null 2>&1 ||
	skip "sqlite3, jq and curl are needed (scripts/deps.sh installs them)"
[ -x "$bin" ] && [ -x "$sandbox" ] || skip "build paydesk first (scripts/bootstrap.sh)"

work=$(mktemp -d "${TMPDIR:-/tmp}/peer-sync.XXXXXX")
spid=
cleanup() {
	[ -z "$spid" ] || kill "$spid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

# The peer: the SDK, its version, and the script.
mkdir -p "$work/sdk"
(cd "$work/sdk" && npm init -y >/dev/null 2>&1 &&
	npm install --silent --no-audit --no-fund stripe >/dev/null 2>&1) ||
	skip "npm could not install the stripe package"
sdk_version=$(jq -r .version "$work/sdk/node_modules/stripe/package.json")
cat >"$work/sdk/list.js" <<'JS'
// Pages every list a back office needs into a file, one JSON object a line.
const fs = require('fs');
const Stripe = require('stripe');
const stripe = new Stripe(process.env.KEY, {
  host: '127.0.0.1', port: Number(process.env.PORT), protocol: 'http',
  maxNetworkRetries: 3,
});
const out = fs.createWriteStream(process.env.OUT);
async function page(list) {
  for await (const o of list({ limit: 100 })) {
    if (!out.write(JSON.stringify(o) + '\n'))
      await new Promise((r) => out.once('drain', r));
  }
}
(async () => {
  await page((p) => stripe.charges.list(p));
  await page((p) => stripe.refunds.list(p));
  await page((p) => stripe.disputes.list(p));
  await page((p) => stripe.payouts.list(p));
  await page((p) => stripe.balanceTransactions.list(p));
  out.end();
})().catch((e) => { console.error(e.message); process.exit(1); });
JS

# The sandbox, seeded once, its clock fixed at the data's "now" as the other benchmarks'.
"$sandbox" --port 0 --orders "$orders" --days 365 --seed 1 --now 1790000000 \
	--db "$work/store.sqlite" --quiet >"$work/port" 2>"$work/sandbox.err" &
spid=$!
i=0
while [ ! -s "$work/port" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
port=$(head -n 1 "$work/port")
[ -n "$port" ] || { cat "$work/sandbox.err" >&2; echo "peer_sync: the sandbox did not start" >&2; exit 1; }
mkdir -p "$work/conf/paydesk"
printf '[bench]\napi_base = http://127.0.0.1:%s\ntimeout = 60\n' "$port" >"$work/conf/paydesk/config"

ticks=$(getconf CLK_TCK)
sandbox_cpu() { # seconds of CPU the sandbox has used
	awk -v t="$ticks" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$spid/stat"
}
requests() { # requests the sandbox has served
	curl -s "http://127.0.0.1:$port/_admin/requests" | jq '.data[-1].seq // 0'
}

# run SIDE ROUND: one run, one line of results in $work/results.
run() {
	side=$1 round=$2
	r0=$(requests)
	c0=$(sandbox_cpu)
	if [ "$side" = sdk ]; then
		KEY=sk_test_peer PORT=$port OUT="$work/sdk.out" /usr/bin/time -f '%e %U %S %M' \
			-o "$work/time" node "$work/sdk/list.js"
		objects=$(wc -l <"$work/sdk.out")
	else
		rm -rf "$work/data"
		XDG_CONFIG_HOME="$work/conf" XDG_DATA_HOME="$work/data" PAYDESK_API_KEY=sk_test_peer \
			/usr/bin/time -f '%e %U %S %M' -o "$work/time" "$bin" --profile bench sync \
			>/dev/null 2>"$work/sync.err" || { cat "$work/sync.err" >&2; exit 1; }
		objects=$(sqlite3 "$work/data/paydesk/bench.db" "SELECT (SELECT count(*) FROM orders)
			+ (SELECT count(*) FROM payment_intents) + (SELECT count(*) FROM refunds)
			+ (SELECT count(*) FROM disputes) + (SELECT count(*) FROM payouts)
			+ (SELECT count(*) FROM balance_transactions)")
	fi
	c1=$(sandbox_cpu)
	r1=$(requests)
	read -r wall user sys rss <"$work/time"
	echo "$side $round $objects $((r1 - r0)) $wall $user $sys $rss $c0 $c1" >>"$work/results"
	awk -v s="$side" -v r="$round" -v o="$objects" -v q="$((r1 - r0))" -v w="$wall" \
		-v u="$user" -v y="$sys" -v m="$rss" -v a="$c0" -v b="$c1" 'BEGIN {
		printf "round %d %-8s %9d objects %7d requests %8.2f s wall %8.2f s CPU %5.1f µs/object %6.1f MB RSS  sandbox %6.2f s CPU\n",
			r, s, o, q, w, u + y, (u + y) * 1e6 / o, m / 1024, b - a }'
}

echo "peer_sync: $orders orders, $rounds rounds; stripe-node $sdk_version, node $(node --version)"
: >"$work/results"
n=1
while [ $n -le "$rounds" ]; do
	# Interleaved, the order alternating, so that neither side always runs on a warm store.
	if [ $((n % 2)) -eq 1 ]; then
		run sdk $n
		run paydesk $n
	else
		run paydesk $n
		run sdk $n
	fi
	n=$((n + 1))
done

# Medians per side, and paydesk's ratios to the SDK.
awk '
function median(a, n,   i, j, t) {
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
	k = $1; n[k]++; i = n[k]
	o[k, i] = $3; q[k, i] = $4; w[k, i] = $5; c[k, i] = $6 + $7; m[k, i] = $8; s[k, i] = $10 - $9
}
END {
	split("sdk paydesk", sides, " ")
	for (x = 1; x <= 2; x++) {
		k = sides[x]
		for (i = 1; i <= n[k]; i++) { O[i] = o[k, i]; Q[i] = q[k, i]; W[i] = w[k, i]; C[i] = c[k, i]; M[i] = m[k, i]; S[i] = s[k, i]; U[i] = c[k, i] * 1e6 / o[k, i] }
		mo[k] = median(O, n[k]); mq[k] = median(Q, n[k]); mw[k] = median(W, n[k])
		mc[k] = median(C, n[k]); mm[k] = median(M, n[k]); ms[k] = median(S, n[k]); mu[k] = median(U, n[k])
		printf "median   %-8s %9d objects %7d requests %8.2f s wall %8.2f s CPU %5.1f µs/object %6.1f MB RSS  sandbox %6.2f s CPU\n",
			k, mo[k], mq[k], mw[k], mc[k], mu[k], mm[k] / 1024, ms[k]
	}
	printf "paydesk / sdk: wall %.2f, client CPU %.2f, requests %.2f, objects %.2f, peak RSS %.2f, sandbox CPU %.2f\n",
		mw["paydesk"] / mw["sdk"], mc["paydesk"] / mc["sdk"], mq["paydesk"] / mq["sdk"],
		mo["paydesk"] / mo["sdk"], mm["paydesk"] / mm["sdk"], (ms["sdk"] > 0 ? ms["paydesk"] / ms["sdk"] : 0)
}' "$work/results"

# Incremental: 1,000 new charges and 100 refunds on the store, then paydesk's next sync into
# its last cache, three times; the script's only way to the same is a whole listing again
# (its median wall above).
inc=1
while [ $inc -le 3 ]; do
	curl -s -X POST --data 'charges=1000&refunds=100' "http://127.0.0.1:$port/_admin/create" >/dev/null
	r0=$(requests)
	XDG_CONFIG_HOME="$work/conf" XDG_DATA_HOME="$work/data" PAYDESK_API_KEY=sk_test_peer \
		/usr/bin/time -f '%e %U %S %M' -o "$work/time" "$bin" --profile bench sync \
		>/dev/null 2>"$work/sync.err" || { cat "$work/sync.err" >&2; exit 1; }
	r1=$(requests)
	read -r wall user sys rss <"$work/time"
	printf "incremental %d: 1,000 new charges and 100 refunds: paydesk %.2f s wall [<= 0.5 s], %.2f s CPU, %d requests\n" \
		"$inc" "$wall" "$(echo "$user $sys" | awk '{ print $1 + $2 }')" "$((r1 - r0))"
	inc=$((inc + 1))
done
