/* Deterministic Chinese merchant data: stores (门店) with operators and terminals, goods,
 * buyers with masked accounts, discounts paid by the merchant (商家优惠) or by Alipay
 * (支付宝优惠, 红包, 集分宝), and the service fee (服务费). Shared by seeding and live
 * activity, so that both look alike. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sandbox/alipay/alipay.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const struct ali_store ali_stores[] = {
        {"SH001", "上海徐家汇店", 60}, {"SH002", "上海静安寺店", 60}, {"BJ001", "北京三里屯店", 60},
        {"HZ001", "杭州西湖店", 38},   {"GZ001", "广州天河店", 60},   {"CD001", "成都春熙路店", 38},
};
const size_t ali_n_stores = NELEM(ali_stores);

/* Goods by price band: what a shop sells at that price. */
static const char *const cheap[] = {
        "拿铁咖啡", "美式咖啡（大杯）", "牛肉拉面",         "鲜榨橙汁",       "芝士蛋糕",
        "早餐套餐", "奶茶（少糖）",     "手工水饺（20只）", "矿泉水（两瓶）", "烤鸭卷饼",
};
static const char *const middle[] = {
        "双人套餐", "会员充值",        "文具礼盒", "保温杯",
        "蓝牙音箱", "生日蛋糕（8寸）", "茶叶礼盒", "羊毛围巾",
};
static const char *const dear[] = {"蓝牙耳机", "电饭煲", "空气净化器", "羽绒服", "智能手表"};
static const char *const dearest[] = {"笔记本电脑", "相机镜头", "按摩椅"};

static const char *const names[] = {
        "王伟", "李娜", "张敏", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴芳",
        "徐明", "孙悦", "马超", "朱琳", "胡军", "郭倩", "何平", "林峰", "罗敏", "高翔",
};
static const char *const mail_domains[] = {"qq.com", "163.com", "126.com", "sina.com",
                                           "foxmail.com"};
static const char *const phone_prefixes[] = {"138", "139", "135", "136", "150", "151",
                                             "158", "159", "186", "187", "177", "199"};

static int64_t between(struct sbx_rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)sbx_rng_below(r, (uint64_t)(hi - lo + 1));
}

int64_t ali_fee(int64_t receipt, int fee_bp)
{
	return (receipt * fee_bp + 5000) / 10000;
}

/* A buyer: a name and an account, a phone number or a mail address. */
static void gen_buyer(struct sbx_rng *r, struct ali_trade_gen *g)
{
	const char *name = names[sbx_rng_below(r, NELEM(names))];
	char account[64];

	if (sbx_rng_below(r, 10) < 7) {
		snprintf(account, sizeof(account), "%s%08llu",
		         phone_prefixes[sbx_rng_below(r, NELEM(phone_prefixes))],
		         (unsigned long long)sbx_rng_below(r, 100000000));
	} else {
		static const char letters[] = "abcdefghijklmnopqrstuvwxyz";
		char local[16];
		int len = 4 + (int)sbx_rng_below(r, 6);
		int i;

		for (i = 0; i < len; i++)
			local[i] = i < 3 || sbx_rng_below(r, 2)
			                   ? letters[sbx_rng_below(r, 26)]
			                   : (char)('0' + sbx_rng_below(r, 10));
		local[len] = '\0';
		snprintf(account, sizeof(account), "%s@%s", local,
		         mail_domains[sbx_rng_below(r, NELEM(mail_domains))]);
	}
	ali_mask_logon(account, g->logon, sizeof(g->logon));
	ali_mask_party(name, account, g->party, sizeof(g->party));
	snprintf(g->buyer_id, sizeof(g->buyer_id), "2088%012llu",
	         (unsigned long long)sbx_rng_below(r, 1000000000000ULL));
}

void ali_gen_trade(struct sbx_rng *r, long seq, int64_t created, int paid, struct ali_trade_gen *g)
{
	char date[16];
	uint64_t band = sbx_rng_below(r, 100);
	int64_t left;

	memset(g, 0, sizeof(*g));
	g->created = created;
	g->paid = paid ? created + between(r, 3, 40) : 0;
	ali_fmt_compact_date(created, date, sizeof(date));
	snprintf(g->trade_no, sizeof(g->trade_no), "%.8s22001%04u%011lu", date,
	         (unsigned)sbx_rng_below(r, 10000), (unsigned long)seq % 100000000000UL);
	snprintf(g->out_trade_no, sizeof(g->out_trade_no), "P%.8s%09lu", date, (unsigned long)seq);
	if (band < 60) {
		g->total = between(r, 500, 6000);
		snprintf(g->subject, sizeof(g->subject), "%s",
		         cheap[sbx_rng_below(r, NELEM(cheap))]);
	} else if (band < 90) {
		g->total = between(r, 6000, 50000);
		snprintf(g->subject, sizeof(g->subject), "%s",
		         middle[sbx_rng_below(r, NELEM(middle))]);
	} else if (band < 99) {
		g->total = between(r, 50000, 200000);
		snprintf(g->subject, sizeof(g->subject), "%s", dear[sbx_rng_below(r, NELEM(dear))]);
	} else {
		g->total = between(r, 200000, 800000);
		snprintf(g->subject, sizeof(g->subject), "%s",
		         dearest[sbx_rng_below(r, NELEM(dearest))]);
	}
	/* Shops price in whole yuan or tenths more often than not. */
	if (sbx_rng_below(r, 2))
		g->total -= g->total % (sbx_rng_below(r, 2) ? 100 : 10);
	if (g->total < 100)
		g->total = 100;
	g->store = sbx_rng_below(r, 10) == 0 ? -1 : (int)sbx_rng_below(r, ali_n_stores);
	if (g->store >= 0) {
		snprintf(g->op, sizeof(g->op), "%s_%02u", ali_stores[g->store].id,
		         (unsigned)(1 + sbx_rng_below(r, 3)));
		snprintf(g->terminal, sizeof(g->terminal), "POS-%s-%u", ali_stores[g->store].id,
		         (unsigned)(1 + sbx_rng_below(r, 2)));
	}
	/* Discounts: the merchant's voucher first, then Alipay's, so that the buyer always
	 * pays at least one fen. */
	if (sbx_rng_below(r, 100) < 8 && g->total >= 2000) {
		static const int64_t off[] = {200, 300, 500, 1000, 2000};
		int k = (int)sbx_rng_below(r, NELEM(off));

		while (k > 0 && off[k] * 10 > g->total)
			k--;
		g->mdiscount = off[k];
		snprintf(g->voucher, sizeof(g->voucher), "满%lld减%lld",
		         (long long)(off[k] * 10 / 100), (long long)(off[k] / 100));
	}
	left = g->total - g->mdiscount - 1;
	if (sbx_rng_below(r, 100) < 4 && left >= 10)
		g->discount = between(r, 10, left < 500 ? left : 500);
	left -= g->discount;
	if (sbx_rng_below(r, 100) < 3 && left >= 100)
		g->coupon = 100 * between(r, 1, left / 100 < 10 ? left / 100 : 10);
	left -= g->coupon;
	if (sbx_rng_below(r, 100) < 2 && left >= 1)
		g->point = between(r, 1, left < 200 ? left : 200);
	g->fee = ali_fee(g->total - g->mdiscount, g->store >= 0 ? ali_stores[g->store].fee_bp : 60);
	band = sbx_rng_below(r, 100);
	g->channel = band < 45 ? "ALIPAYACCOUNT" : band < 75 ? "PCREDIT" : "BANKCARD";
	gen_buyer(r, g);
}

int ali_insert_trade(struct sbx *s, sqlite3_stmt *ins, const struct ali_trade_gen *g,
                     int64_t *rowid)
{
	sqlite3_reset(ins);
	sqlite3_bind_text(ins, 1, g->trade_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 2, g->out_trade_no, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 3, g->created);
	if (g->paid)
		sqlite3_bind_int64(ins, 4, g->paid);
	else
		sqlite3_bind_null(ins, 4);
	sqlite3_bind_int64(ins, 5, g->total);
	sqlite3_bind_int64(ins, 6, g->mdiscount);
	sqlite3_bind_int64(ins, 7, g->discount);
	sqlite3_bind_int64(ins, 8, g->coupon);
	sqlite3_bind_int64(ins, 9, g->point);
	sqlite3_bind_int64(ins, 10, g->fee);
	sqlite3_bind_text(ins, 11, g->subject, -1, SQLITE_STATIC);
	sqlite3_bind_int(ins, 12, g->store);
	sqlite3_bind_text(ins, 13, g->op, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 14, g->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 15, g->logon, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 16, g->party, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 17, g->buyer_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 18, g->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 19, g->voucher, -1, SQLITE_STATIC);
	if (sqlite3_step(ins) != SQLITE_DONE) {
		fprintf(stderr, "paydesk-sandbox: cannot store a trade: %s\n",
		        sqlite3_errmsg(s->db));
		return -1;
	}
	*rowid = sqlite3_last_insert_rowid(s->db);
	return 0;
}

/* Alipay refunds the merchant's own receipt first and the merchant's voucher last (its
 * documentation's example: of 100.00 paid with a 20.00 voucher, a first refund of 60.00
 * all comes from the merchant's 80.00). The fee comes back in proportion to what the
 * merchant sent back, rounded so that a full refund returns exactly the whole fee. */
void ali_refund_split(int64_t total, int64_t mdiscount, int64_t fee, int64_t sent_before,
                      int64_t fee_before, int64_t amount, struct ali_split *sp)
{
	int64_t receipt = total - mdiscount;
	int64_t room = receipt - sent_before;
	int64_t fee_after;

	sp->sent_back = amount < room ? amount : room;
	if (sp->sent_back < 0)
		sp->sent_back = 0;
	fee_after = receipt > 0
	                    ? (fee * (sent_before + sp->sent_back) * 2 + receipt) / (2 * receipt)
	                    : 0;
	sp->fee_back = fee_after - fee_before;
}

static const char *const reasons[] = {
        "商品质量问题", "未收到货", "重复扣款", "服务态度差", "价格与宣传不符", "商品与描述不符",
};
static const char *const contents[] = {
        "买的东西有质量问题，联系商家没有回复，要求退款。",
        "付款后一直没有收到商品，也没有物流信息。",
        "同一笔订单被扣了两次钱，请核实后退还。",
        "店员态度很差，要求商家给个说法。",
        "实际价格比店里标的价格高，多收了钱。",
        "收到的商品和描述的不一样，颜色和尺寸都不对。",
};
static const char *const leaves[] = {"要求退款", "要求发货", "要求退款",
                                     "要求道歉", "要求退款", "要求换货"};

const char *ali_complain_reason(unsigned k)
{
	return reasons[k % NELEM(reasons)];
}

const char *ali_complain_content(unsigned k)
{
	return contents[k % NELEM(contents)];
}

const char *ali_complain_leaf(unsigned k)
{
	return leaves[k % NELEM(leaves)];
}

void ali_complain_phone(struct sbx_rng *r, char *out, size_t n)
{
	snprintf(out, n, "%s****%04u", phone_prefixes[sbx_rng_below(r, NELEM(phone_prefixes))],
	         (unsigned)sbx_rng_below(r, 10000));
}
