#!/bin/sh
# paydesk --demo in a real terminal: it starts its own seeded sandbox on a
# free loopback port, fills a throwaway cache in the background, and leaves
# nothing behind when it ends -- by q, or by a hang-up (a dropped SSH link).
. "$abs_top_srcdir/tests/lib.sh"
. "$abs_top_srcdir/tests/ui/ui_lib.sh"
UI_TMUX_SESSION=demo
ui_tmux_setup
tap_plan 22
DEMO_TMP="$TEST_TMP/demo"
mkdir -p "$DEMO_TMP"

# left_behind: files in the demo's TMPDIR, or a sandbox still serving from
# there (its command line names its database in that directory).
left_behind() {
	ls "$DEMO_TMP"
	for f in /proc/[0-9]*/cmdline; do
		{ tr '\0' ' ' <"$f"; } 2>/dev/null | grep -q "^[^ ]*paydesk-sandbox .*$DEMO_TMP" && echo "$f"
	done
}

# start_demo [LOCALE [PLATFORM]]: nothing but the locale is set (no catalog directory).
start_demo() {
	loc=${1:-C.UTF-8}
	platform=${2:-stripe}
	tm -f /dev/null new-session -d -s demo -x 120 -y 40 \
		"env -u PAYDESK_LOCALEDIR -u LANGUAGE LANG=$loc LC_ALL=$loc TMPDIR='$DEMO_TMP' PAYDESK_SANDBOX='$PAYDESK_SANDBOX' '$PAYDESK_BIN' --demo --platform $platform"
}

gone() {
	i=0
	while tm has-session -t demo 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	i=0
	while [ -n "$(left_behind)" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	left=$(left_behind)
	[ -z "$left" ] || echo "# left behind: $left"
	[ -z "$left" ]
}

start_demo
wait_for "row 1 of 3000"
tap_ok $? "the demo shows its 3000 orders"
wait_for "synced just now"
tap_ok $? "the demo's background sync completes"
[ -n "$(ls "$DEMO_TMP")" ]
tap_ok $? "the demo keeps its sandbox and cache in a throwaway directory"
tm send-keys -t demo q
gone
tap_ok $? "after q, neither files nor the sandbox are left"

start_demo
wait_for "row 1 of 3000"
tap_ok $? "the demo starts again"
tm kill-session -t demo
gone
tap_ok $? "after a hang-up, neither files nor the sandbox are left"

# In a Chinese locale the demo speaks Chinese, with no variable naming the catalogs.
start_demo zh_CN.UTF-8
wait_for "第 1 行，共 3000 行"
tap_ok $? "in zh_CN.UTF-8 the demo's screens are in Chinese"
tm send-keys -t demo q
gone
tap_ok $? "the Chinese demo also leaves nothing behind"

# A WeChat Pay and an Alipay merchant, in Chinese: their bills, their complaints.
for platform in wechatpay alipay; do
	start_demo zh_CN.UTF-8 $platform
	wait_for_re "第 1 行，共 [0-9,]+ 行"
	tap_ok $? "$platform: the demo opens a seeded merchant in Chinese"
	wait_for "刚刚同步"
	wait_for "账单至"
	tap_ok $? "$platform: once synced, its status line says how far the bills reach"
	tm send-keys -t demo 3
	wait_for "最早的未回复在前"
	tap_ok $? "$platform: the third screen is the complaint queue, oldest unanswered first"
	tm capture-pane -p -t demo >"$TEST_TMP/queue"
	grep -q "CNY" "$TEST_TMP/queue"; tap_ok $? "$platform: in CNY"
	grep -q "CNY" "$TEST_TMP/queue" || sed "s/^/# | /" "$TEST_TMP/queue"
	# Insights: the merchant's days in CNY, and its disputes are complaints there too.
	tm send-keys -t demo 5
	wait_for "█"
	tap_ok $? "$platform: Insights charts the days"
	tm send-keys -t demo v
	wait_for "投诉率" && grep -q "交易总额 *[0-9,.]* *时间段" "$TEST_TMP/pane"
	tap_ok $? "$platform: the day's figures, with the complaint rate"
	tm send-keys -t demo q q
	gone
	tap_ok $? "$platform: the demo leaves nothing behind"
done
tap_done
