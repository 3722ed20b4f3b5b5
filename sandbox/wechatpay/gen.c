/* Shanghai time, money formats, the ids WeChat Pay hands out and the merchant data the
 * sandbox draws (orders of a Chinese shop: products, payers, banks, coupons, fee rates).
 * Ids are functions of a sequence number and a date, so seeding can recompute them
 * instead of keeping them in memory, and they never collide. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/wechatpay/wechatpay.h"

int64_t wx_day(int64_t t)
{
	int64_t x = t + WX_TZ_OFFSET;

	return x >= 0 ? x / 86400 : -((-x + 86399) / 86400);
}

int64_t wx_day_start(int64_t day)
{
	return day * 86400 - WX_TZ_OFFSET;
}

/* The civil date and time of t in Shanghai (Howard Hinnant's civil_from_days); written out
 * by hand, since a bill formats tens of thousands of them. */
struct civil {
	int y, m, d, hh, mm, ss;
};

static void civil_of(int64_t t, struct civil *c)
{
	int64_t day = wx_day(t);
	int64_t sec = t + WX_TZ_OFFSET - day * 86400;
	int64_t z = day + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);

	c->y = (int)(yoe + era * 400 + (m <= 2));
	c->m = m;
	c->d = (int)(doy - (153 * mp + 2) / 5 + 1);
	c->hh = (int)(sec / 3600);
	c->mm = (int)(sec / 60 % 60);
	c->ss = (int)(sec % 60);
}

static char *digits(char *p, int v, int width)
{
	int i;

	if (v < 0)
		v = 0;
	for (i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

/* Writes "YYYY" sep "MM" sep "DD" (sep 0: none) and returns the end. */
static char *put_date(char *p, const struct civil *c, char sep)
{
	p = digits(p, c->y, 4);
	if (sep)
		*p++ = sep;
	p = digits(p, c->m, 2);
	if (sep)
		*p++ = sep;
	return digits(p, c->d, 2);
}

static char *put_time(char *p, const struct civil *c)
{
	p = digits(p, c->hh, 2);
	*p++ = ':';
	p = digits(p, c->mm, 2);
	*p++ = ':';
	return digits(p, c->ss, 2);
}

void wx_date(int64_t t, char *out)
{
	struct civil c;

	civil_of(t, &c);
	*put_date(out, &c, '-') = '\0';
}

/* YYYYMMDD, the date inside ids. */
static void compact_date(int64_t t, char *out)
{
	struct civil c;

	civil_of(t, &c);
	*put_date(out, &c, 0) = '\0';
}

void wx_datetime(int64_t t, char *out)
{
	struct civil c;
	char *p;

	civil_of(t, &c);
	p = put_date(out, &c, '-');
	*p++ = ' ';
	*put_time(p, &c) = '\0';
}

void wx_rfc3339(int64_t t, char *out)
{
	struct civil c;
	char *p;

	civil_of(t, &c);
	p = put_date(out, &c, '-');
	*p++ = 'T';
	p = put_time(p, &c);
	memcpy(p, "+08:00", 7);
}

void wx_rfc3339_ms(int64_t t, int ms, char *out)
{
	struct civil c;
	char *p;

	civil_of(t, &c);
	p = put_date(out, &c, '-');
	*p++ = 'T';
	p = put_time(p, &c);
	*p++ = '.';
	p = digits(p, ms % 1000, 3);
	memcpy(p, "+08:00", 7);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int wx_parse_date(const char *s, int64_t *day)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, i;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1971 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -1;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	*day = days_from_civil(y, m, d);
	return 0;
}

void wx_yuan(int64_t fen, char *out)
{
	uint64_t a = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;

	snprintf(out, 32, "%s%llu.%02llu", fen < 0 ? "-" : "", (unsigned long long)(a / 100),
	         (unsigned long long)(a % 100));
}

void wx_fee5(int64_t e5, char *out)
{
	uint64_t a = e5 < 0 ? (uint64_t)0 - (uint64_t)e5 : (uint64_t)e5;

	snprintf(out, 32, "%s%llu.%05llu", e5 < 0 ? "-" : "", (unsigned long long)(a / 100000),
	         (unsigned long long)(a % 100000));
}

/* fen × rate: a fen is 1000 e5 and a basis point 1/10000, so e5 = fen × bp / 10, rounded
 * half up where the rate leaves a sixth decimal (0.38%). */
int64_t wx_fee_e5(int64_t fen, int rate_bp)
{
	return (fen * rate_bp + 5) / 10;
}

int64_t wx_e5_to_fen(int64_t e5)
{
	return e5 >= 0 ? (e5 + 500) / 1000 : -((-e5 + 500) / 1000);
}

uint64_t wx_fnv(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t mix64(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A bijection of [0, mod) (mod a power of ten): 7919 is prime to 10, so distinct
 * sequence numbers give distinct digits while looking unordered. */
static unsigned long long scramble(int64_t seq, unsigned long long mod)
{
	return ((unsigned long long)seq % mod * 7919ULL + 1234567ULL) % mod;
}

void wx_transaction_id(uint64_t salt, int64_t seq, int64_t t, char *out)
{
	char d[16];

	compact_date(t, d);
	snprintf(out, 32, "4200%06llu%.8s%010llu",
	         (unsigned long long)(mix64(salt ^ (uint64_t)seq) % 1000000), d,
	         scramble(seq, 10000000000ULL));
}

void wx_out_trade_no(int64_t seq, int64_t t, char *out)
{
	struct civil c;
	char *p;

	civil_of(t, &c);
	p = put_date(out, &c, 0);
	p = digits(p, c.hh, 2);
	p = digits(p, c.mm, 2);
	p = digits(p, c.ss, 2);
	p = digits(p, (int)(seq % 1000000000), 9);
	*p = '\0';
}

void wx_refund_id(uint64_t salt, int64_t seq, int64_t t, char *out)
{
	char d[16];

	compact_date(t, d);
	snprintf(out, 40, "50300%05llu%.8s%011llu", (unsigned long long)(mix64(salt) % 100000), d,
	         scramble(seq, 100000000000ULL));
}

void wx_out_refund_no(int64_t seq, int64_t t, char *out)
{
	char d[16];

	compact_date(t, d);
	snprintf(out, 40, "RF%.8s%010lld", d, (long long)seq);
}

void wx_complaint_id(int64_t seq, int64_t t, char *out)
{
	char d[16];

	compact_date(t, d);
	snprintf(out, 40, "2002018%.8s%012llu", d, scramble(seq, 1000000000000ULL));
}

void wx_log_id(int64_t seq, int64_t t, char *out)
{
	char d[16];

	compact_date(t, d);
	snprintf(out, 40, "3002853%.8s%012llu", d, scramble(seq, 1000000000000ULL));
}

void wx_withdrawal_id(int64_t n, int64_t t, char *out)
{
	char d[16];

	compact_date(t, d);
	snprintf(out, 40, "1050%.8s%016lld", d, (long long)n);
}

void wx_openid(uint64_t salt, int64_t payer, char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	uint64_t h = mix64(salt ^ 0x6f70656e6964ULL ^ (uint64_t)payer);
	int i;

	/* o + 27 characters, the shape of a real openid. */
	out[0] = 'o';
	for (i = 1; i < 28; i++) {
		if (i % 10 == 0)
			h = mix64(h);
		out[i] = a[h & 63];
		h >>= 6;
	}
	out[28] = '\0';
}

void wx_media_id(uint64_t salt, int64_t n, const char *ext, char *out)
{
	uint64_t h1 = mix64(salt ^ 0x6d65646961ULL ^ (uint64_t)n);
	uint64_t h2 = mix64(h1);

	snprintf(out, 48, "%016llX%016llX.%s", (unsigned long long)h1, (unsigned long long)h2, ext);
}

const char *const wx_trade_types[4] = {"JSAPI", "NATIVE", "APP", "MICROPAY"};
const char *const wx_trade_states[6] = {"SUCCESS", "NOTPAY",     "CLOSED",
                                        "REVOKED", "USERPAYING", "PAYERROR"};
const char *const wx_state_desc[6] = {"支付成功",
                                      "未支付",
                                      "已关闭",
                                      "已撤销",
                                      "用户支付中，需要输入密码",
                                      "支付失败，请重新下单支付"};

/* Payment banks; the wallet balance (CFT) and OTHERS come up most, as in real bills. */
const char *const wx_banks[] = {"OTHERS",     "CFT",        "CMB_DEBIT",   "CFT",
                                "ICBC_DEBIT", "CMB_CREDIT", "CCB_DEBIT",   "OTHERS",
                                "ABC_DEBIT",  "BOC_CREDIT", "SPDB_CREDIT", "LQT"};
const size_t wx_n_banks = sizeof(wx_banks) / sizeof(wx_banks[0]);

const char *wx_bank_account(int bank)
{
	static const struct {
		const char *bank, *account;
	} names[] = {
	        {"CMB_DEBIT", "招商银行借记卡"},   {"CMB_CREDIT", "招商银行信用卡"},
	        {"ICBC_DEBIT", "工商银行借记卡"},  {"CCB_DEBIT", "建设银行借记卡"},
	        {"ABC_DEBIT", "农业银行借记卡"},   {"BOC_CREDIT", "中国银行信用卡"},
	        {"SPDB_CREDIT", "浦发银行信用卡"}, {"LQT", "支付用户零钱通"},
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i].bank, wx_banks[bank]) == 0)
			return names[i].account;
	return "支付用户零钱";
}

/* What the shop sells (商品名称 / description). No commas: the bills are not quoted. */
const char *const wx_products[] = {
        "生椰拿铁（大杯）", "珍珠奶茶（中杯）", "芒果冰沙",
        "抹茶千层蛋糕",     "红烧牛肉面",       "鲜肉小笼包8只",
        "扬州炒饭",         "双人午市套餐",     "会员储值卡充值",
        "外卖配送费",       "蓝牙耳机",         "手机钢化膜",
        "Type-C数据线1米",  "抽纸10包装",       "农夫山泉550ml",
        "鲜榨橙汁",         "生日蛋糕8寸",      "年卡会员",
        "停车费",           "洗车服务（标准）", "儿童绘本套装",
        "文具礼盒",         "有机蔬菜礼包",     "进口车厘子1kg",
        "电影票（2D）",     "健身私教课1节",    "宠物洗护（小型犬）",
        "鲜花花束（11枝）", "冰美式（大杯）",   "榴莲披萨9寸",
        "麻辣香锅（中份）", "月饼礼盒",         "空气净化器滤芯",
        "保温杯500ml",      "羽毛球拍",         "打印复印服务",
        "话费充值100元",    "水电燃气代缴",     "早餐套餐",
        "夜宵烧烤拼盘",
};
const size_t wx_n_products = sizeof(wx_products) / sizeof(wx_products[0]);

void wx_attach_text(int attach, char *out, size_t n)
{
	static const char *const stores[] = {"徐汇店", "静安店", "浦东店", "虹口店", "闵行店"};

	if (attach <= 0) {
		out[0] = '\0';
		return;
	}
	snprintf(out, n, "门店:%s;收银员:%02d;会员:%s", stores[attach % 5], attach % 17,
	         attach % 3 ? "是" : "否");
}

void wx_device_text(int device, char *out, size_t n)
{
	if (device <= 0)
		out[0] = '\0';
	else
		snprintf(out, n, "POS-%02d", device);
}

static int64_t draw_total(struct sbx_rng *r)
{
	uint64_t k = sbx_rng_below(r, 100);
	int64_t v;

	if (k < 60)
		v = 100 + (int64_t)sbx_rng_below(r, 4900);
	else if (k < 90)
		v = 5000 + (int64_t)sbx_rng_below(r, 25000);
	else
		v = 30000 + (int64_t)sbx_rng_below(r, 170000);
	/* Shops like round prices; a fifth end in .x0 or .00. */
	if (sbx_rng_below(r, 5) == 0)
		v -= v % (sbx_rng_below(r, 2) ? 100 : 10);
	return v > 0 ? v : 100;
}

void wx_gen_order(struct sbx_rng *r, uint64_t salt, int64_t payers, int64_t seq, int64_t t,
                  int live, struct wx_order *o)
{
	uint64_t k;

	memset(o, 0, sizeof(*o));
	o->seq = seq;
	o->created = t;
	k = sbx_rng_below(r, 100);
	o->trade_type = k < 50 ? 0 : k < 70 ? 1 : k < 85 ? 2 : 3;
	k = live ? 0 : sbx_rng_below(r, 1000);
	if (k < 920)
		o->state = WX_SUCCESS;
	else if (k < 940)
		o->state = WX_NOTPAY;
	else if (k < 965)
		o->state = WX_CLOSED;
	else if (k < 975)
		o->state = WX_PAYERROR;
	else if (k < 990)
		o->state = o->trade_type == 3 ? WX_REVOKED : WX_CLOSED;
	else if (k < 995)
		o->state = o->trade_type == 3 ? WX_USERPAYING : WX_NOTPAY;
	else
		o->state = WX_SUCCESS;
	o->total = draw_total(r);
	o->bank = (int)sbx_rng_below(r, wx_n_banks);
	o->payer = (int64_t)sbx_rng_below(r, (uint64_t)(payers > 0 ? payers : 1));
	k = sbx_rng_below(r, 100);
	o->rate_bp = k < 70 ? 60 : k < 90 ? 38 : 20;
	o->product = (int)sbx_rng_below(r, wx_n_products);
	o->attach = sbx_rng_below(r, 4) == 0 ? 1 + (int)sbx_rng_below(r, 9999) : 0;
	o->device = o->trade_type == 3 ? 1 + (int)sbx_rng_below(r, 12) : 0;
	if (o->state == WX_SUCCESS && o->total >= 500 && sbx_rng_below(r, 100) < 8) {
		int64_t max = o->total / 4 < 2000 ? o->total / 4 : 2000;

		o->coupon = 100 + (int64_t)sbx_rng_below(r, (uint64_t)(max - 99));
		o->coupon_type = sbx_rng_below(r, 10) < 3 ? WX_COUPON_CASH : WX_COUPON_NOCASH;
	}
	if (o->state == WX_SUCCESS)
		o->success_time = live ? t : t + 3 + (int64_t)sbx_rng_below(r, 90);
	if (o->state == WX_SUCCESS)
		wx_transaction_id(salt, seq, o->success_time, o->transaction_id);
	else if (o->state == WX_REVOKED || o->state == WX_USERPAYING || o->state == WX_PAYERROR)
		wx_transaction_id(salt, seq, t, o->transaction_id);
	wx_out_trade_no(seq, t, o->out_trade_no);
}

int64_t wx_settle_total(const struct wx_order *o)
{
	return o->coupon_type == WX_COUPON_NOCASH ? o->total - o->coupon : o->total;
}

/* The coupon's share of a refund is proportional (rounded down); a no-cash coupon's share
 * is not the merchant's money, so it leaves the settlement refund. */
void wx_refund_split(const struct wx_order *o, int64_t amount, int64_t *discount, int64_t *settle)
{
	*discount = o->coupon > 0 && o->total > 0 ? amount * o->coupon / o->total : 0;
	*settle = o->coupon_type == WX_COUPON_NOCASH ? amount - *discount : amount;
}

const char *wx_jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

size_t wx_utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}
