/* Drawing one order (charge) for seeding and for live activity, so that both look
 * alike: customers with Latin, accented and CJK names, currencies, cards, risk, and the
 * hostile strings of --hostile. Also the row inserts and evidence JSON shared with seeding. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/stripe/stripe.h"

static const char *const first_names[] = {
        "Jenny",      "Michael",  "Olivia", "James",    "Emma",  "Noah",   "Ava",   "Liam",
        "Sophia",     "Lucas",    "José",   "François", "Zoë",   "Søren",  "Chloé", "Björn",
        "Małgorzata", "Ångström", "Inès",   "Jürgen",   "Renée", "Dvořák", "Núria", "Çelik",
};
static const char *const last_names[] = {
        "Rosen",   "Smith",        "Johnson",  "Brown",     "Taylor", "Wilson",
        "García",  "Müller",       "Lefèvre",  "Sørensen",  "Núñez",  "Łukasiewicz",
        "O'Brien", "van der Berg", "Ødegaard", "Kowalczyk",
};
/* Names written as a whole (CJK order has no space; Korean has one). */
static const char *const cjk_names[] = {
        "王芳",      "李娜",      "张伟",   "刘洋",   "陈静",   "張偉",     "黃美玲", "佐藤 花子",
        "鈴木 一郎", "高橋 結衣", "김민준", "이서연", "박지훈", "欧阳娜娜", "司马光",
};
static const char *const cjk_handles[] = {
        "wang.fang",  "li.na",       "zhang.wei",   "liu.yang",      "chen.jing",
        "cheung.wai", "wong.mei",    "sato.hanako", "suzuki.ichiro", "takahashi.yui",
        "kim.minjun", "lee.seoyeon", "park.jihoon", "ouyang.nana",   "sima.guang",
};
static const char *const products[] = {
        "Ceramic mug",         "Wool scarf",  "绿茶礼盒",  "抹茶セット",      "Crème brûlée kit",
        "Café de olla beans",  "Notebook A5", "김치 세트", "Linen apron",     "Espresso cups ×2",
        "Smørrebrød cookbook", "Teapot 茶壶", "Desk lamp", "Puzzle 1000 pcs",
};
/* Strings that must never reach a terminal unsanitized (escape sequences, controls,
 * bidi overrides, zero-width characters, combining marks). */
static const char *const hostile_texts[] = {
        "\x1b[31mRED\x1b[0m Corp",
        "\x1b]0;pwned title\x07 Ltd",
        "\x1b[2J\x1b[H cleared screen",
        "Bell\x07 and backspace\x08\x08\x08 and DEL\x7f",
        "\xe2\x80\xae"
        "cod.exe\xe2\x80\xac reversed",
        "zero\xe2\x80\x8bwidth\xe2\x80\x8djoiner\xef\xbb\xbf"
        "bom",
        "Z\xcd\x91\xcd\x8c\xcd\x97"
        "a\xcc\xb7\xcc\xa1lgo",
        "C1 CSI \xc2\x9b"
        "31m here",
        "tab\tnew\nline\rreturn\x0b\x0c nul\xc0\x80"
        "byte", /* C0 80: a NUL, served as \u0000 */
        "\xe2\x81\xa6isolate\xe2\x81\xa9 \xe2\x80\x8f rtl mark",
        "\x1b[?1049h alt screen \x1b[6n query",
        "wide ＡＢＣ１２３ ﷽ 𒐫",
};
/* Byte strings that are not UTF-8 at all (only with --invalid-utf8: a JSON parser that
 * validates UTF-8 rejects a page that holds one). */
static const char *const invalid_utf8_texts[] = {
        "lone \x80 continuation",      "overlong \xc0\xaf slash", "truncated \xe2\x82",
        "surrogate \xed\xa0\x80 half", "bytes \xff\xfe",          "mixed \xc3\x28 pair",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *pick(struct sbx_rng *r, const char *const *v, size_t n)
{
	return v[sbx_rng_below(r, n)];
}

/* A hostile string: one of the fixed samples, or a very long one. */
static void hostile_text(struct sbx_rng *r, const struct sbx_options *o, char *out, size_t n)
{
	uint64_t k = sbx_rng_below(r, 16);

	if (k == 0) {
		/* Long enough to overflow any fixed column or naive buffer. */
		size_t len = 4000 + (size_t)sbx_rng_below(r, 1000);
		size_t i;

		if (len >= n)
			len = n - 1;
		for (i = 0; i < len; i++)
			out[i] = (char)('A' + i % 26);
		out[len] = '\0';
	} else if (k == 1 && o->invalid_utf8) {
		snprintf(out, n, "%s", pick(r, invalid_utf8_texts, NELEM(invalid_utf8_texts)));
	} else {
		snprintf(out, n, "%s", pick(r, hostile_texts, NELEM(hostile_texts)));
	}
}

static int64_t amount_for(struct sbx_rng *r, const char *cur)
{
	if (strcmp(cur, "jpy") == 0)
		return 300 + (int64_t)sbx_rng_below(r, 49700);
	if (strcmp(cur, "cny") == 0)
		return 1000 + (int64_t)sbx_rng_below(r, 299000);
	return 500 + (int64_t)sbx_rng_below(r, 49500);
}

void sbx_gen_charge(struct sbx_rng *r, const struct sbx_options *o, long seq, int64_t created,
                    struct sbx_charge_gen *c)
{
	static const char alnum[] =
	        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	uint64_t k;
	char handle[128];
	const char *product;
	int qty;
	int hostile;
	int i;

	sbx_rng_id(r, "ch_", c->id, sizeof(c->id));
	c->created = created;
	k = sbx_rng_below(r, 100);
	if (k < 40) {
		c->currency = "usd";
		c->country = "US";
	} else if (k < 60) {
		c->currency = "eur";
		c->country = sbx_rng_below(r, 2) ? "FR" : "DE";
	} else if (k < 70) {
		c->currency = "gbp";
		c->country = "GB";
	} else if (k < 85) {
		c->currency = "cny";
		c->country = "CN";
	} else {
		c->currency = "jpy";
		c->country = "JP";
	}
	c->amount = amount_for(r, c->currency);
	k = sbx_rng_below(r, 1000);
	c->status = k < 40 ? "failed" : k < 50 ? "pending" : "succeeded";
	k = sbx_rng_below(r, 100);
	if (strcmp(c->currency, "cny") == 0 && k < 60)
		c->brand = "unionpay";
	else if (strcmp(c->currency, "jpy") == 0 && k < 40)
		c->brand = "jcb";
	else
		c->brand = k < 55 ? "visa" : k < 85 ? "mastercard" : "amex";
	snprintf(c->last4, sizeof(c->last4), "%04u", (unsigned)sbx_rng_below(r, 10000));
	c->exp_month = 1 + (int)sbx_rng_below(r, 12);
	c->exp_year = (int)(1970 + created / 31556952) + (int)sbx_rng_below(r, 6);
	c->funding = sbx_rng_below(r, 3) ? "credit" : "debit";
	k = sbx_rng_below(r, 100);
	if (k < 90) {
		c->risk_level = "normal";
		c->risk_score = (int)sbx_rng_below(r, 65);
	} else if (k < 98) {
		c->risk_level = "elevated";
		c->risk_score = 65 + (int)sbx_rng_below(r, 10);
	} else {
		c->risk_level = "highest";
		c->risk_score = 75 + (int)sbx_rng_below(r, 25);
	}
	for (i = 0; i < 16; i++)
		c->fingerprint[i] = alnum[sbx_rng_below(r, 62)];
	c->fingerprint[16] = '\0';

	k = sbx_rng_below(r, 100);
	if (k < 30) {
		size_t j = (size_t)sbx_rng_below(r, NELEM(cjk_names));

		snprintf(c->name, sizeof(c->name), "%s", cjk_names[j]);
		snprintf(handle, sizeof(handle), "%s", cjk_handles[j]);
	} else {
		const char *f = pick(r, first_names, NELEM(first_names));
		const char *l = pick(r, last_names, NELEM(last_names));
		char *p;

		snprintf(c->name, sizeof(c->name), "%s %s", f, l);
		/* The e-mail handle keeps ASCII letters only. */
		snprintf(handle, sizeof(handle), "customer%ld", seq % 100000);
		if ((unsigned char)f[0] < 0x80 && (unsigned char)l[0] < 0x80) {
			snprintf(handle, sizeof(handle), "%c.%s", f[0] | 0x20, l);
			for (p = handle; *p; p++) {
				if (*p >= 'A' && *p <= 'Z')
					*p = (char)(*p | 0x20);
				else if (!((*p >= 'a' && *p <= 'z') || *p == '.'))
					*p = '-';
			}
		}
	}
	snprintf(c->email, sizeof(c->email), "%s%u@example.com", handle,
	         (unsigned)sbx_rng_below(r, 100));
	product = pick(r, products, NELEM(products));
	qty = 1 + (int)sbx_rng_below(r, 3);
	snprintf(c->description, sizeof(c->description), "Order ORD-%07ld: %d × %s", seq, qty,
	         product);
	snprintf(c->metadata, sizeof(c->metadata), "{\"order_id\":\"ORD-%07ld\"}", seq);

	hostile = o->hostile && sbx_rng_below(r, 10) == 0;
	if (hostile) {
		struct sbx_buf m;
		char text[6000];

		hostile_text(r, o, c->name, sizeof(c->name));
		hostile_text(r, o, text, sizeof(text));
		snprintf(c->description, sizeof(c->description), "Order ORD-%07ld: %s", seq, text);
		hostile_text(r, o, text, sizeof(text));
		sbx_buf_init(&m);
		sbx_buf_printf(&m, "{\"order_id\":\"ORD-%07ld\",\"note\":", seq);
		sbx_buf_jstr(&m, text);
		sbx_buf_puts(&m, ",\"\\u001b[7mkey\":\"value\"}");
		snprintf(c->metadata, sizeof(c->metadata), "%s", m.data ? m.data : "{}");
		sbx_buf_free(&m);
	}
}

int sbx_insert_charge(struct sbx *s, sqlite3_stmt *ins, const struct sbx_charge_gen *c,
                      int64_t amount_refunded, int disputed, const char *bt)
{
	int rc;

	sqlite3_reset(ins);
	sqlite3_bind_text(ins, 1, c->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 2, c->created);
	sqlite3_bind_int64(ins, 3, c->amount);
	sqlite3_bind_text(ins, 4, c->currency, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 5, c->status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 6, amount_refunded);
	sqlite3_bind_int(ins, 7, disputed);
	sqlite3_bind_text(ins, 8, c->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 9, c->email, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 10, c->description, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 11, c->metadata, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 12, c->brand, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 13, c->last4, -1, SQLITE_STATIC);
	sqlite3_bind_int(ins, 14, c->exp_month);
	sqlite3_bind_int(ins, 15, c->exp_year);
	sqlite3_bind_text(ins, 16, c->country, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 17, c->funding, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 18, c->risk_level, -1, SQLITE_STATIC);
	sqlite3_bind_int(ins, 19, c->risk_score);
	sqlite3_bind_text(ins, 20, c->fingerprint, -1, SQLITE_STATIC);
	if (bt)
		sqlite3_bind_text(ins, 21, bt, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(ins, 21);
	rc = sqlite3_step(ins);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "paydesk-sandbox: cannot store a charge: %s\n",
		        sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

int sbx_insert_bt(struct sbx *s, sqlite3_stmt *ins, const char *id, int64_t created,
                  int64_t available_on, int64_t amount, int64_t fee, const char *currency,
                  const char *type, const char *category, const char *source,
                  const char *description, const char *rate, int64_t fx_fee, const char *payout)
{
	sqlite3_reset(ins);
	sqlite3_bind_text(ins, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(ins, 2, created);
	sqlite3_bind_int64(ins, 3, available_on);
	sqlite3_bind_int64(ins, 4, amount);
	sqlite3_bind_int64(ins, 5, fee);
	sqlite3_bind_int64(ins, 6, amount - fee);
	sqlite3_bind_text(ins, 7, currency, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 8, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 9, category, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 10, source, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 11, description, -1, SQLITE_TRANSIENT);
	if (rate)
		sqlite3_bind_text(ins, 12, rate, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(ins, 12);
	sqlite3_bind_int64(ins, 13, fx_fee);
	if (payout)
		sqlite3_bind_text(ins, 14, payout, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(ins, 14);
	if (sqlite3_step(ins) != SQLITE_DONE) {
		fprintf(stderr, "paydesk-sandbox: cannot store a balance transaction: %s\n",
		        sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

const char *const sbx_evidence_fields[] = {
        "access_activity_log",
        "billing_address",
        "cancellation_policy",
        "cancellation_policy_disclosure",
        "cancellation_rebuttal",
        "customer_communication",
        "customer_email_address",
        "customer_name",
        "customer_purchase_ip",
        "customer_signature",
        "duplicate_charge_documentation",
        "duplicate_charge_explanation",
        "duplicate_charge_id",
        "product_description",
        "receipt",
        "refund_policy",
        "refund_policy_disclosure",
        "refund_refusal_explanation",
        "service_date",
        "service_documentation",
        "shipping_address",
        "shipping_carrier",
        "shipping_date",
        "shipping_documentation",
        "shipping_tracking_number",
        "uncategorized_file",
        "uncategorized_text",
        NULL,
};

void sbx_evidence_json(struct sbx_buf *b, const char *const *names, const char *const *values,
                       size_t n)
{
	size_t i;
	size_t j;

	sbx_buf_puts(b, "{");
	for (i = 0; sbx_evidence_fields[i]; i++) {
		const char *v = NULL;

		for (j = 0; j < n; j++)
			if (strcmp(names[j], sbx_evidence_fields[i]) == 0)
				v = values[j];
		if (i)
			sbx_buf_puts(b, ",");
		sbx_buf_kstr(b, sbx_evidence_fields[i], v);
	}
	sbx_buf_puts(b, ",\"enhanced_evidence\":{}}");
}
