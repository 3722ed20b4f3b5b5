/* WeChat Pay's pieces that need no platform: the cryptography (signatures, AES-GCM,
 * RSA-OAEP, base64) against OpenSSL's own encryption, the bill reader on bills written as
 * WeChat Pay writes them (BOM, CRLF, backticks, 5-decimal fees, a summary), fed in pieces,
 * gzipped, cut or changed; the days of China Standard Time; RFC 3339 times. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <zlib.h>

#include "client/client.h"
#include "client/crypto.h"
#include "client/days.h"
#include "client/model.h"
#include "client/wechatpay/wechatpay.h"

static EVP_PKEY *test_key(void)
{
	static EVP_PKEY *k;
	if (!k)
		k = EVP_RSA_gen(2048);
	assert_non_null(k);
	return k;
}

/* A key as PEM text (private or public). */
static char *pem_of(EVP_PKEY *k, bool private_key, size_t *len)
{
	BIO *b = BIO_new(BIO_s_mem());
	assert_non_null(b);
	assert_int_equal(private_key ? PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL)
	                             : PEM_write_bio_PUBKEY(b, k),
	                 1);
	char *data;
	long n = BIO_get_mem_data(b, &data);
	char *out = malloc((size_t)n + 1);
	memcpy(out, data, (size_t)n);
	out[n] = '\0';
	*len = (size_t)n;
	BIO_free(b);
	return out;
}

static void test_sign_verify(void **state)
{
	(void)state;
	size_t plen, qlen;
	char *priv_pem = pem_of(test_key(), true, &plen);
	char *pub_pem = pem_of(test_key(), false, &qlen);
	char err[300];
	EVP_PKEY *priv = crypto_private_key(priv_pem, plen, err, sizeof err);
	EVP_PKEY *pub = crypto_public_key(pub_pem, qlen, err, sizeof err);
	assert_non_null(priv);
	assert_non_null(pub);
	assert_true(crypto_same_key(priv, pub));
	static const char msg[] = "GET\n/v3/certificates\n1554208460\nabc\n\n";
	char sig[800];
	assert_int_equal(crypto_sign(priv, msg, strlen(msg), sig, sizeof sig, err, sizeof err), 0);
	assert_int_equal(crypto_verify(pub, msg, strlen(msg), sig, err, sizeof err), 1);
	/* One byte changed, a probe, and garbage all fail. */
	char changed[sizeof msg];
	memcpy(changed, msg, sizeof msg);
	changed[1] = 'X';
	assert_int_equal(crypto_verify(pub, changed, strlen(changed), sig, err, sizeof err), 0);
	assert_int_equal(
	        crypto_verify(pub, msg, strlen(msg), "WECHATPAY/SIGNTEST/abc", err, sizeof err), 0);
	assert_int_equal(crypto_verify(pub, msg, strlen(msg), "", err, sizeof err), 0);
	/* Another key does not verify it. */
	EVP_PKEY *other = EVP_RSA_gen(2048);
	assert_int_equal(crypto_verify(other, msg, strlen(msg), sig, err, sizeof err), 0);
	assert_false(crypto_same_key(other, pub));
	assert_null(crypto_private_key("not pem", 7, err, sizeof err));
	assert_true(strlen(err) > 0);
	EVP_PKEY_free(other);
	EVP_PKEY_free(priv);
	EVP_PKEY_free(pub);
	free(priv_pem);
	free(pub_pem);
}

static void test_base64(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
	        {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char out[16];
		crypto_base64_encode(cases[i][0], strlen(cases[i][0]), out, sizeof out);
		assert_string_equal(out, cases[i][1]);
		unsigned char back[16];
		long n = crypto_base64_decode(cases[i][1], strlen(cases[i][1]), back, sizeof back);
		assert_int_equal(n, (long)strlen(cases[i][0]));
		assert_memory_equal(back, cases[i][0], (size_t)n);
	}
	unsigned char b[8];
	assert_int_equal(crypto_base64_decode("Zm9", 3, b, sizeof b), -1);
	assert_int_equal(crypto_base64_decode("Zm9*", 4, b, sizeof b), -1);
	assert_int_equal(crypto_base64_decode("Z=9v", 4, b, sizeof b), -1);
	assert_int_equal(crypto_base64_decode("Zm9vYmFy", 8, b, 5), -1);
}

/* Encrypts as WeChat Pay does its certificates, with OpenSSL directly. */
static void gcm_encrypt(const unsigned char key[32], const char *nonce, const char *aad,
                        const char *plain, char *b64, size_t b64_size)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	unsigned char out[4096];
	int n = 0, f = 0;
	assert_int_equal(EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL), 1);
	EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, (int)strlen(nonce), NULL);
	EVP_EncryptInit_ex(c, NULL, NULL, key, (const unsigned char *)nonce);
	EVP_EncryptUpdate(c, NULL, &n, (const unsigned char *)aad, (int)strlen(aad));
	EVP_EncryptUpdate(c, out, &n, (const unsigned char *)plain, (int)strlen(plain));
	EVP_EncryptFinal_ex(c, out + n, &f);
	EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, out + n + f);
	EVP_CIPHER_CTX_free(c);
	crypto_base64_encode(out, (size_t)(n + f + 16), b64, b64_size);
}

static void test_aes_gcm(void **state)
{
	(void)state;
	unsigned char key[32];
	memcpy(key, "0123456789abcdefghijklmnopqrstuv", 32);
	char b64[8192];
	gcm_encrypt(key, "d215b0511e9c", "certificate", "-----BEGIN CERTIFICATE-----\nxyz", b64,
	            sizeof b64);
	size_t len;
	char err[300];
	char *plain = crypto_aes_gcm_decrypt(key, "d215b0511e9c", "certificate", b64, &len, err,
	                                     sizeof err);
	assert_non_null(plain);
	assert_string_equal(plain, "-----BEGIN CERTIFICATE-----\nxyz");
	free(plain);
	/* Another key, other associated data, a changed byte: refused (the tag). */
	unsigned char wrong[32];
	memcpy(wrong, key, 32);
	wrong[0] ^= 1;
	assert_null(crypto_aes_gcm_decrypt(wrong, "d215b0511e9c", "certificate", b64, &len, err,
	                                   sizeof err));
	assert_null(crypto_aes_gcm_decrypt(key, "d215b0511e9c", "transaction", b64, &len, err,
	                                   sizeof err));
	b64[3] = b64[3] == 'A' ? 'B' : 'A';
	assert_null(crypto_aes_gcm_decrypt(key, "d215b0511e9c", "certificate", b64, &len, err,
	                                   sizeof err));
}

static void test_oaep(void **state)
{
	(void)state;
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(test_key(), NULL);
	unsigned char ct[512];
	size_t n = sizeof ct;
	assert_int_equal(EVP_PKEY_encrypt_init(c), 1);
	EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_OAEP_PADDING);
	EVP_PKEY_CTX_set_rsa_oaep_md(c, EVP_sha1());
	EVP_PKEY_CTX_set_rsa_mgf1_md(c, EVP_sha1());
	assert_int_equal(EVP_PKEY_encrypt(c, ct, &n, (const unsigned char *)"13800138000", 11), 1);
	EVP_PKEY_CTX_free(c);
	char b64[1024], out[64], err[300];
	crypto_base64_encode(ct, n, b64, sizeof b64);
	assert_int_equal(crypto_oaep_decrypt(test_key(), b64, out, sizeof out, err, sizeof err), 0);
	assert_string_equal(out, "13800138000");
	EVP_PKEY *other = EVP_RSA_gen(2048);
	assert_int_equal(crypto_oaep_decrypt(other, b64, out, sizeof out, err, sizeof err), -1);
	EVP_PKEY_free(other);
}

static void test_days(void **state)
{
	(void)state;
	char d[11];
	/* 2026-11-30 16:00:00 UTC is 2026-12-01 00:00 in Shanghai. */
	days_format(1796054400, WXP_UTC_OFFSET, d);
	assert_string_equal(d, "2026-12-01");
	days_format(1796054399, WXP_UTC_OFFSET, d);
	assert_string_equal(d, "2026-11-30");
	int64_t t;
	assert_int_equal(days_start("2026-12-01", WXP_UTC_OFFSET, &t), 0);
	assert_int_equal(t, 1796054400);
	assert_int_equal(days_add("2024-02-28", 1, d), 0);
	assert_string_equal(d, "2024-02-29");
	assert_int_equal(days_add("2024-03-01", -1, d), 0);
	assert_string_equal(d, "2024-02-29");
	assert_int_equal(days_add("2026-01-01", -90, d), 0);
	assert_string_equal(d, "2025-10-03");
	assert_int_equal(days_start("2025-02-29", 0, &t), -1);
	assert_int_equal(days_start("2025-13-01", 0, &t), -1);
	assert_int_equal(days_start("20251201", 0, &t), -1);
	assert_int_equal(wxp_time("2018-06-08T10:34:56+08:00"), 1528425296);
	assert_int_equal(wxp_time("2018-06-08T02:34:56Z"), 1528425296);
	assert_int_equal(wxp_time("2018-06-08T02:34:56.123Z"), 1528425296);
	assert_int_equal(wxp_time("2018-06-08 10:34:56"), 0);
	assert_int_equal(wxp_local_time("2018-06-08 10:34:56", 19), 1528425296);
}

/* What a bill's sink received. */
struct got {
	int orders, refunds, entries, payouts;
	int64_t fee_fine_sum, settle_sum, refund_sum, entry_sum;
	char first_product[64], payer[64], attach[80], summary[1024], bill[16], hash[48];
	int64_t rows;
	bool fail_objects;
};

static int got_object(void *user, const struct model_object *m)
{
	struct got *g = user;
	if (g->fail_objects)
		return -1;
	switch (m->kind) {
	case MODEL_ORDER:
		if (!g->orders++) {
			snprintf(g->first_product, sizeof g->first_product, "%s",
			         m->u.order.description ? m->u.order.description : "");
			snprintf(g->payer, sizeof g->payer, "%s",
			         m->u.order.payer ? m->u.order.payer : "");
			snprintf(g->attach, sizeof g->attach, "%s", m->metadata ? m->metadata : "");
		}
		g->fee_fine_sum += m->u.order.fee_fine;
		g->settle_sum += m->u.order.settle_amount;
		assert_string_equal(m->u.order.bill_day, "2026-11-20");
		assert_string_equal(m->u.order.currency, "cny");
		break;
	case MODEL_REFUND:
		g->refunds++;
		g->refund_sum += m->u.refund.amount;
		g->fee_fine_sum += m->u.refund.fee_fine;
		assert_non_null(m->u.refund.order_id);
		break;
	case MODEL_BALANCE_TX:
		g->entries++;
		g->entry_sum += m->u.balance_tx.amount;
		break;
	case MODEL_PAYOUT:
		g->payouts++;
		break;
	default:
		fail_msg("unexpected kind %d", m->kind);
	}
	return 0;
}

static int got_summary(void *user, const char *bill, const char *summary, int64_t rows,
                       const char *hash)
{
	struct got *g = user;
	snprintf(g->bill, sizeof g->bill, "%s", bill);
	snprintf(g->summary, sizeof g->summary, "%s", summary ? summary : "");
	snprintf(g->hash, sizeof g->hash, "%s", hash ? hash : "");
	g->rows = rows;
	return 0;
}

static const struct provider_bill_sink got_sink = {got_object, got_summary};

/* A trade bill as WeChat Pay writes it: BOM, CRLF, every value behind a backtick. */
static const char trade_bill[] =
        "\xef\xbb\xbf"
        "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,"
        "交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,"
        "充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,"
        "费率备注\r\n"
        "`2026-11-20 09:12:01,`wx2421b1c4370ec43b,`1900000109,`0,`,`4200002026112000000001,"
        "`ORD-0000001,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`JSAPI,`SUCCESS,`CMB_DEBIT,`CNY,`13.09,"
        "`0.00,`0,`0,`0.00,`0.00,`,`,`云南小粒咖啡, 500g,`table=12,`0.07854,`0.60%,`13.09,"
        "`0.00,`\r\n"
        "`2026-11-20 10:00:00,`wx2421b1c4370ec43b,`1900000109,`0,`,`4200002026112000000002,"
        "`ORD-0000002,`oUpF8uMuAJO_M2pxb1Q9zNjWeS7p,`NATIVE,`SUCCESS,`ICBC_CREDIT,`CNY,`88.00,"
        "`2.00,`0,`0,`0.00,`0.00,`,`,`茶叶,`,`0.33440,`0.38%,`90.00,`0.00,`\r\n"
        "`2026-11-20 18:30:45,`wx2421b1c4370ec43b,`1900000109,`0,`,`4200002026111500000009,"
        "`ORD-0000009,`oUpF8uMuAJO_M2pxb1Q9zNjWeS8q,`JSAPI,`REFUND,`OTHERS,`CNY,`0.00,`0.00,"
        "`50300002026112000000001,`act_abc,`5.00,`0.00,`ORIGINAL,`SUCCESS,`茶叶,`,`-0.03000,"
        "`0.60%,`0.00,`5.00,`\r\n"
        "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,"
        "申请退款总金额\r\n"
        "`3,`101.09,`5.00,`0.00,`0.37294,`103.09,`5.00\r\n";

static const char fundflow_bill[] =
        "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),"
        "账户结余(元),资金变更提交申请人,备注,业务凭证号\n"
        "`2026-11-20 05:00:00,`WD20261120,`F0001,`提现,`提现,`支出,`120.00,`0.00,`系统,"
        "`自动提现,`WD20261120\n"
        "`2026-11-20 09:12:01,`4200002026112000000001,`F0002,`交易,`交易,`收入,`13.01,`13.01,"
        "`系统,`,`\n"
        "`2026-11-20 18:30:45,`50300002026112000000001,`F0003,`退款,`退款,`支出,`4.97,`8.04,"
        "`系统,`,`\n"
        "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额\n"
        "`3,`1,`13.01,`2,`124.97\n";

static char *gzip_of(const char *text, size_t len, size_t *out_len)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
	                 Z_OK);
	size_t cap = len + 1024;
	char *out = malloc(cap);
	z.next_in = (unsigned char *)text;
	z.avail_in = (uInt)len;
	z.next_out = (unsigned char *)out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

static void sha1_of(const char *text, size_t len, char hex[41])
{
	struct crypto_digest d;
	assert_int_equal(crypto_digest_init(&d, false), 0);
	crypto_digest_update(&d, text, len);
	crypto_digest_hex(&d, hex, 41);
}

/* Feeds data to a new reader in pieces of `step` bytes; returns finish's result. */
static int read_bill(enum wxp_bill_kind kind, const char *data, size_t len, bool gz, size_t step,
                     const char *sha1, struct got *g, struct provider_result *r)
{
	struct wxp_bill *b = wxp_bill_new(kind, "2026-11-20", gz, &got_sink, g);
	assert_non_null(b);
	int rc = 0;
	for (size_t i = 0; i < len && rc == 0; i += step) {
		size_t n = len - i < step ? len - i : step;
		if (wxp_bill_feed(b, data + i, n) != n)
			rc = -1;
	}
	if (rc == 0)
		rc = wxp_bill_finish(b, sha1, r);
	else
		snprintf(r->message, sizeof r->message, "%s", wxp_bill_error(b));
	wxp_bill_free(&b);
	return rc;
}

static void test_trade_bill(void **state)
{
	(void)state;
	char sha1[41];
	size_t len = strlen(trade_bill), zlen;
	sha1_of(trade_bill, len, sha1);
	char *gz = gzip_of(trade_bill, len, &zlen);
	/* Whole, and a byte at a time: the same. */
	static const size_t steps[] = {1 << 20, 1, 7, 100};
	for (size_t k = 0; k < sizeof steps / sizeof *steps; k++) {
		struct got g = {0};
		struct provider_result r = {0};
		assert_int_equal(read_bill(WXP_BILL_TRADE, gz, zlen, true, steps[k], sha1, &g, &r),
		                 0);
		assert_int_equal(g.orders, 2);
		assert_int_equal(g.refunds, 1);
		assert_int_equal(g.rows, 3);
		/* The fees to the last digit: 0.07854 + 0.33440 - 0.03000 yuan in thousandths of a
		 * fen. */
		assert_int_equal(g.fee_fine_sum, 7854 + 33440 - 3000);
		assert_int_equal(g.settle_sum, 1309 + 8800);
		assert_int_equal(g.refund_sum, 500);
		/* A comma inside a product name stays in it. */
		assert_string_equal(g.first_product, "云南小粒咖啡, 500g");
		assert_string_equal(g.payer, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
		assert_string_equal(g.attach, "{\"attach\":\"table=12\"}");
		assert_string_equal(g.bill, "trade");
		assert_string_equal(g.hash, sha1);
		assert_non_null(strstr(g.summary, "\"手续费总金额\":\"0.37294\""));
		assert_non_null(strstr(g.summary, "\"总交易单数\":\"3\""));
	}
	/* Not gzipped, with LF ends and no BOM: read too. */
	struct got g = {0};
	struct provider_result r = {0};
	char sha_plain[41];
	sha1_of(fundflow_bill, strlen(fundflow_bill), sha_plain);
	assert_int_equal(read_bill(WXP_BILL_FUNDFLOW, fundflow_bill, strlen(fundflow_bill), false,
	                           13, sha_plain, &g, &r),
	                 0);
	assert_int_equal(g.entries, 3);
	assert_int_equal(g.payouts, 1);
	assert_int_equal(g.entry_sum, -12000 + 1301 - 497);
	assert_string_equal(g.bill, "fundflow");
	free(gz);
}

static void test_bill_refused(void **state)
{
	(void)state;
	size_t len = strlen(trade_bill), zlen;
	char sha1[41];
	sha1_of(trade_bill, len, sha1);
	char *gz = gzip_of(trade_bill, len, &zlen);
	struct got g = {0};
	struct provider_result r = {0};
	/* Another file than the platform described. */
	assert_int_equal(read_bill(WXP_BILL_TRADE, gz, zlen, true, 4096,
	                           "0000000000000000000000000000000000000000", &g, &r),
	                 -1);
	assert_int_equal(r.outcome, PROVIDER_BAD_REPLY);
	assert_non_null(strstr(r.message, "2026-11-20"));
	/* Cut short: the gzip stream does not end. */
	memset(&g, 0, sizeof g);
	memset(&r, 0, sizeof r);
	assert_int_equal(read_bill(WXP_BILL_TRADE, gz, zlen / 2, true, 4096, sha1, &g, &r), -1);
	/* A changed byte in the compressed stream. */
	gz[zlen / 2] ^= 0x55;
	memset(&g, 0, sizeof g);
	memset(&r, 0, sizeof r);
	assert_int_equal(read_bill(WXP_BILL_TRADE, gz, zlen, true, 4096, sha1, &g, &r), -1);
	free(gz);
	/* Plain text without a summary (cut), and a row with an amount that is not one. */
	char cut[sizeof trade_bill];
	memcpy(cut, trade_bill, sizeof trade_bill);
	*strstr(cut, "总交易单数") = '\0';
	memset(&r, 0, sizeof r);
	assert_int_equal(read_bill(WXP_BILL_TRADE, cut, strlen(cut), false, 50, NULL, &g, &r), -1);
	assert_non_null(strstr(r.message, "summary"));
	char bad[sizeof trade_bill];
	memcpy(bad, trade_bill, sizeof trade_bill);
	memcpy(strstr(bad, "`13.09"), "`13.0x", 6);
	memset(&r, 0, sizeof r);
	assert_int_equal(read_bill(WXP_BILL_TRADE, bad, strlen(bad), false, 50, NULL, &g, &r), -1);
	assert_non_null(strstr(r.message, "row 1"));
	/* More decimals than a yuan has, beyond zeros: refused rather than rounded. */
	memcpy(bad, trade_bill, sizeof trade_bill);
	memcpy(strstr(bad, "`13.09"), "`1.309", 6);
	memset(&r, 0, sizeof r);
	assert_int_equal(read_bill(WXP_BILL_TRADE, bad, strlen(bad), false, 50, NULL, &g, &r), -1);
	/* Found by fuzzing: bytes that are not UTF-8, and a NUL, which would have cut an id
	 * short, are refused and named. */
	static const char *const damaged[] = {"`ORD-000\xff"
	                                      "001",
	                                      "`ORD-000\xc0\x80"
	                                      "001",
	                                      "`ORD-000\xed\xa0\x80"};
	for (size_t k = 0; k < 3; k++) {
		memcpy(bad, trade_bill, sizeof trade_bill);
		memcpy(strstr(bad, "`ORD-0000001"), damaged[k], strlen(damaged[k]));
		memset(&r, 0, sizeof r);
		assert_int_equal(
		        read_bill(WXP_BILL_TRADE, bad, strlen(bad), false, 50, NULL, &g, &r), -1);
		assert_non_null(strstr(r.message, "not UTF-8 text"));
		assert_non_null(strstr(r.message, "row 0"));
	}
	memcpy(bad, trade_bill, sizeof trade_bill);
	*strstr(bad, "ORD-0000002") = '\0';
	memset(&r, 0, sizeof r);
	assert_int_equal(read_bill(WXP_BILL_TRADE, bad, len, false, 50, NULL, &g, &r), -1);
	assert_non_null(strstr(r.message, "after row 1: it holds a NUL byte"));
	/* Found by fuzzing: a currency of three bytes that are not letters. */
	memcpy(bad, trade_bill, sizeof trade_bill);
	memcpy(strstr(bad, "`CNY"), "`C;Y", 4);
	memset(&r, 0, sizeof r);
	assert_int_equal(read_bill(WXP_BILL_TRADE, bad, len, false, 50, NULL, &g, &r), -1);
	assert_non_null(strstr(r.message, "row 1: C;Y is not a currency"));
	/* Found by fuzzing: a stream whose checksum fails at its end gives the same rows and
	 * the same reason whether it came whole or a byte at a time. */
	gz = gzip_of(trade_bill, len, &zlen);
	gz[zlen - 8] ^= 0x01; /* the CRC-32 of the trailer */
	struct got whole = {0}, bytes = {0};
	struct provider_result rw = {0}, rb = {0};
	assert_int_equal(read_bill(WXP_BILL_TRADE, gz, zlen, true, 1 << 20, NULL, &whole, &rw), -1);
	assert_int_equal(read_bill(WXP_BILL_TRADE, gz, zlen, true, 1, NULL, &bytes, &rb), -1);
	assert_string_equal(rw.message, rb.message);
	assert_non_null(strstr(rw.message, "not a valid gzip file"));
	assert_int_equal(whole.orders, 2);
	assert_int_equal(bytes.orders, 2);
	free(gz);
	/* The cache refusing rows stops the reader. */
	memset(&g, 0, sizeof g);
	g.fail_objects = true;
	memset(&r, 0, sizeof r);
	assert_int_equal(read_bill(WXP_BILL_TRADE, trade_bill, len, false, 50, NULL, &g, &r), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_sign_verify),  cmocka_unit_test(test_base64),
	        cmocka_unit_test(test_aes_gcm),      cmocka_unit_test(test_oaep),
	        cmocka_unit_test(test_days),         cmocka_unit_test(test_trade_bill),
	        cmocka_unit_test(test_bill_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
