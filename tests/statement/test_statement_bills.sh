#!/bin/sh
# 'paydesk statement' of a WeChat Pay and an Alipay cache made by hand (the latest schema,
# rows in SQL): the days are China Standard Time's unless --timezone says otherwise, and the
# header says so; each bill's summary is checked against the cached rows, equal figures and a
# difference (both figures, a warning on stderr) in text, CSV, JSON and PDF, in English and
# in Chinese; a day whose bills are not in the cache is said so.
. "$abs_top_srcdir/tests/lib.sh"
tmp_setup
tap_plan 22

export PAYDESK_NOW=1764561600 PAYDESK_OPERATOR=clerk1 LANGUAGE= LC_ALL=C.UTF-8 TZ=UTC
MKCACHE="$abs_top_builddir/tests/statement/stmt_mkcache"
WXP="$TEST_TMP/wechatpay.db"
ALP="$TEST_TMP/alipay.db"
statement() { "$PAYDESK_BIN" statement "$@"; }
zh() { LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 statement "$@"; }

# A WeChat Pay merchant's 2025-11-24 (China Standard Time): three payments and a refund in
# the trade bill (a fee of five decimals among them), their fund flow, and both summaries.
"$MKCACHE" "$WXP" "$PAYDESK_NOW" --latest && sqlite3 "$WXP" "
INSERT INTO meta VALUES ('account', '1900000109'), ('account_name', '测试商户'),
 ('provider', 'wechatpay');
INSERT INTO orders(id, created, amount, currency, status, platform_status, order_ref,
 settle_amount, discount_amount, fee_fine, bill_day) VALUES
 ('4200001', 1763920000, 10000, 'cny', 'paid', 'succeeded', 'W-1', 10000, 0, 60000, '2025-11-24'),
 ('4200002', 1763930000, 5000, 'cny', 'paid', 'succeeded', 'W-2', 4500, 500, 27000, '2025-11-24'),
 ('4200003', 1763940000, 1234, 'cny', 'paid', 'succeeded', 'W-3', 1234, 0, 7404, '2025-11-24');
INSERT INTO refunds(id, created, order_id, amount, currency, status, settle_amount,
 coupon_refund, fee_fine, bill_day) VALUES
 ('5030001', 1763950000, '4200001', 2000, 'cny', 'succeeded', 2000, 0, -12000, '2025-11-24');
INSERT INTO balance_transactions(id, created, amount, fee, net, currency, type,
 reporting_category, bill_day) VALUES
 ('f1', 1763920000, 9940, 0, 9940, 'cny', 'charge', 'charge', '2025-11-24'),
 ('f2', 1763930000, 4473, 0, 4473, 'cny', 'charge', 'charge', '2025-11-24'),
 ('f3', 1763940000, 1239, 0, 1239, 'cny', 'charge', 'charge', '2025-11-24'),
 ('f4', 1763950000, -1988, 0, -1988, 'cny', 'refund', 'refund', '2025-11-24');
INSERT INTO bill_days VALUES
 ('2025-11-24', 'trade', 4, '{\"总交易单数\":\"4.0\",\"应结订单总金额\":\"157.34\",
   \"退款总金额\":\"20.00\",\"充值券退款总金额\":\"0.0\",\"手续费总金额\":\"0.82404\",
   \"订单总金额\":\"162.34\",\"申请退款总金额\":\"20.00\"}', 'h', 1764561600),
 ('2025-11-24', 'fundflow', 4, '{\"资金流水总笔数\":\"4\",\"收入笔数\":\"3\",
   \"收入金额\":\"156.52\",\"支出笔数\":\"1\",\"支出金额\":\"19.88\"}', 'h', 1764561600),
 ('2025-11-24', '*', 8, NULL, NULL, 1764561600);"
tap_ok $? "a WeChat Pay cache is made"

statement --cache "$WXP" --date 2025-11-24 >"$TEST_TMP/equal.txt" 2>"$TEST_TMP/equal.err"
tap_ok $? "the statement of a WeChat Pay day is written"
grep -q "Time zone: *Asia/Shanghai, the days of WeChat Pay's bills" "$TEST_TMP/equal.txt"
tap_ok $? "its days are China Standard Time's (TZ is UTC), as the header says"
grep -q "Period: *2025-11-24 00:00 to 2025-11-25 00:00" "$TEST_TMP/equal.txt"
tap_ok $? "the period is the bill's day"
grep -q "All 12 figures checked equal the cache's." "$TEST_TMP/equal.txt" &&
	grep -q "手续费总金额 (Fees less fees refunded) *0.82404 *0.82404 equal" "$TEST_TMP/equal.txt"
tap_ok $? "every figure of both summaries equals the cache's, fees to 5 decimals"
tap_is "$(cat "$TEST_TMP/equal.err")" "" "an equal day says nothing on stderr"

# The fee total written one hundred-thousandth of a yuan off.
sqlite3 "$WXP" "UPDATE bill_days SET summary = json_set(summary, '$.手续费总金额', '0.82405')
	WHERE bill = 'trade'"
statement --cache "$WXP" --date 2025-11-24 >"$TEST_TMP/diff.txt" 2>"$TEST_TMP/diff.err"
tap_ok $? "a statement with a difference is still written"
tr '\n' ' ' <"$TEST_TMP/diff.txt" | tr -s ' ' |
	grep -q "MISMATCH: the bill says 0.82405, the cached rows give 0.82404; difference -0.00001."
tap_ok $? "the difference is printed with both figures"
grep -q "warning: 1 figure of the platform's bills differs from the cache's" "$TEST_TMP/diff.err"
tap_ok $? "and marks the statement on stderr"

statement --cache "$WXP" --date 2025-11-24 --timezone UTC >"$TEST_TMP/utc.txt" 2>/dev/null
grep -q "Time zone: *UTC (WeChat Pay's bills are of Asia/Shanghai days)" "$TEST_TMP/utc.txt"
tap_ok $? "--timezone says otherwise, and the header says whose days the bills are"

zh --cache "$WXP" --date 2025-11-24 >"$TEST_TMP/zh.txt" 2>"$TEST_TMP/zh.err"
grep -q "时区： *Asia/Shanghai，即微信支付账单的日期" "$TEST_TMP/zh.txt" &&
	grep -q "^    手续费总金额  *0.82405  *0.82404 不符" "$TEST_TMP/zh.txt" &&
	grep -q "不符：账单为 0.82405，缓存明细合计为 0.82404；差额 -0.00001。" "$TEST_TMP/zh.txt"
tap_ok $? "in Chinese, the platform's own column names and the difference"
grep -q "警告：平台账单中有 1 项数字与缓存不符" "$TEST_TMP/zh.err"
tap_ok $? "and the warning in Chinese"

statement --cache "$WXP" --date 2025-11-24 -f json -o "$TEST_TMP/day.json" 2>/dev/null
tap_is "$(jq -c '.bills.differences, (.bills.list[0].figures[] | select(.key == "fee_total") |
	[.bill_text, .bill, .cache, .scale, .check])' "$TEST_TMP/day.json" | tr '\n' ' ')" \
	'1 ["0.82405",82405,82404,5,"different"] ' "JSON: the figures as integers of their scale"
statement --cache "$WXP" --date 2025-11-24 -f csv -o "$TEST_TMP/day.csv" 2>/dev/null
grep -q '^bill_figure,CNY,rows,trade,2025-11-24,,4,,4,equal,总交易单数,4.0,' "$TEST_TMP/day.csv" &&
	grep -q '^bill_figure,CNY,fee_total,trade,2025-11-24,,0.82405,,0.82404,different,' \
		"$TEST_TMP/day.csv"
tap_ok $? "CSV: a record per figure, the bill's text as written beside"

statement --cache "$WXP" --date 2025-11-24 -f pdf -o "$TEST_TMP/en.pdf" 2>/dev/null &&
	zh --cache "$WXP" --date 2025-11-24 -f pdf -o "$TEST_TMP/zh.pdf" 2>/dev/null
tap_ok $? "the PDF in both languages"
pdftotext -layout "$TEST_TMP/en.pdf" - | grep -q "Bills of WeChat Pay against the cache (CNY)" &&
	pdftotext -layout "$TEST_TMP/en.pdf" - | grep -q "0.82405 *0.82404 *MISMATCH" &&
	pdftotext -layout "$TEST_TMP/zh.pdf" - | grep -q "手续费总金额 *0.82405 *0.82404 *不符"
tap_ok $? "the PDF shows the bills and the difference"

statement --cache "$WXP" --date 2025-11-26 >"$TEST_TMP/gap.txt" 2>"$TEST_TMP/gap.err"
grep -q "2025-11-26  NOT CHECKED: the bills of this day are not in the cache" "$TEST_TMP/gap.txt" &&
	grep -q "warning: the bills of 1 day of this period are not checked" "$TEST_TMP/gap.err"
tap_ok $? "a day whose bills are not in the cache is said so, not a silent zero"

# An Alipay merchant's day: the 汇总's 合计 row, the #交易合计 and #退款合计 lines, the
# account statement's 合计.
"$MKCACHE" "$ALP" "$PAYDESK_NOW" --latest && sqlite3 "$ALP" "
INSERT INTO meta VALUES ('account', '2088102000000001'), ('provider', 'alipay');
INSERT INTO orders(id, created, amount, currency, status, platform_status, settle_amount,
 discount_amount, fee_fine, bill_day, raw) VALUES
 ('T1', 1763920000, 10000, 'cny', 'paid', 'succeeded', 9000, 1000, 60000, '2025-11-24',
  '{\"支付宝优惠（元）\":\"2.00\",\"卡消费金额（元）\":\"0.00\",\"分润（元）\":\"0.00\"}'),
 ('T2', 1763930000, 5000, 'cny', 'paid', 'succeeded', 5000, 0, 30000, '2025-11-24',
  '{\"支付宝优惠（元）\":\"0.00\",\"卡消费金额（元）\":\"0.00\",\"分润（元）\":\"0.00\"}');
INSERT INTO refunds(id, created, order_id, amount, currency, status, fee_fine, bill_day, raw)
 VALUES ('T2/R1', 1763950000, 'T2', 2600, 'cny', 'succeeded', -24000, '2025-11-24',
  '{\"商家实收（元）\":\"-25.00\",\"商家优惠（元）\":\"-1.00\"}');
INSERT INTO balance_transactions(id, created, amount, fee, net, currency, type, bill_day)
 VALUES ('a1', 1763920000, 9000, 0, 9000, 'cny', 'charge', '2025-11-24'),
 ('a2', 1763930000, 5000, 0, 5000, 'cny', 'charge', '2025-11-24'),
 ('a3', 1763950000, -2584, 0, -2584, 'cny', 'refund', '2025-11-24');
INSERT INTO bill_days VALUES
 ('2025-11-24', 'trade', 3, '{\"交易订单总笔数\":\"2\",\"退款订单总笔数\":\"1\",
   \"订单金额（元）\":\"124.00\",\"商家实收（元）\":\"115.00\",\"支付宝优惠（元）\":\"2.00\",
   \"商家优惠（元）\":\"9.00\",\"卡消费金额（元）\":\"0.00\",\"服务费（元）\":\"-0.66\",
   \"分润（元）\":\"0.00\",\"实收净额（元）\":\"114.34\",
   \"交易合计\":\"2笔，商家实收共140.00元，商家优惠共10.00元\",
   \"退款合计\":\"1笔，商家实收退款共-25.00元，商家优惠退款共-1.00元\"}', NULL, 1764561600),
 ('2025-11-24', 'signcustomer', 3, '{\"业务类型\":\"合计\",\"收入笔数\":\"2\",
   \"收入金额（+元）\":\"140.00\",\"支出笔数\":\"1\",\"支出金额（-元）\":\"-25.84\",
   \"总金额（元）\":\"114.16\"}', NULL, 1764561600),
 ('2025-11-24', '*', 6, NULL, NULL, 1764561600);"
tap_ok $? "an Alipay cache is made"
statement --cache "$ALP" --date 2025-11-24 >"$TEST_TMP/alp.txt" 2>"$TEST_TMP/alp.err"
tap_ok $? "the statement of an Alipay day is written"
grep -q "All 21 figures checked equal the cache's." "$TEST_TMP/alp.txt" &&
	grep -q "交易合计 商家实收 (Received, total line) *140.00 *140.00 equal" \
		"$TEST_TMP/alp.txt" &&
	grep -q "服务费（元） (Service fees) *-0.66 *-0.66 equal" "$TEST_TMP/alp.txt"
tap_ok $? "the 合计 row and the total lines equal the cached rows (fees to 2 decimals)"
zh --cache "$ALP" --date 2025-11-24 >"$TEST_TMP/alp-zh.txt" 2>/dev/null
grep -q "^    退款合计 商家实收退款  *-25.00  *-25.00 相符" "$TEST_TMP/alp-zh.txt" &&
	grep -q "业务明细：3 笔明细" "$TEST_TMP/alp-zh.txt"
tap_ok $? "in Chinese, Alipay's own words"
sqlite3 "$ALP" "UPDATE bill_days SET summary = json_set(summary, '$.退款合计',
	'1笔，商家实收退款共-25.01元，商家优惠退款共-1.00元') WHERE bill = 'trade'"
statement --cache "$ALP" --date 2025-11-24 2>"$TEST_TMP/alp.err" | tr '\n' ' ' | tr -s ' ' |
	grep -q "MISMATCH: the bill says -25.01, the cached rows give -25.00; difference 0.01."
tap_ok $? "a difference in the #退款合计 line is printed with both figures"

tap_done
