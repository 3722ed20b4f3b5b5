/* --platform wechatpay: the merchant's files, request signatures and their refusals, signed
 * replies in public-key and platform-certificate mode (across a rotation with two valid
 * certificates), public-key-only merchants, every fault kind, and the request log. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/sandbox/wxt.h"

static struct wxt_merchant m;
static char dir[512];

static const char *str(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

static void admin(struct sbt_server *srv, const char *path, const char *body)
{
	struct sbt_resp r;

	sbt_request(srv, "POST", path, body, NULL, NULL, 0, &r);
	if (r.status != 200)
		sbt_diag("%s %s: %ld %s", path, body ? body : "", r.status, r.body ? r.body : "");
	sbt_resp_free(&r);
}

static int mode_of(const char *name)
{
	char path[700];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 ? (int)(st.st_mode & 0777) : -1;
}

static int file_has(const char *name, const char *text)
{
	char path[700], buf[8192];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, text) != NULL;
}

static void check_files(void)
{
	int digits = 1;
	size_t i;

	sbt_ok(mode_of("") == 0700, "the merchant folder is mode 0700");
	sbt_ok(mode_of("apiclient_key.pem") == 0600 && mode_of("apiv3_key") == 0600,
	       "apiclient_key.pem and apiv3_key are mode 0600");
	sbt_ok(mode_of("platform") == 0700 && mode_of("platform/wechatpay_private_key.pem") == 0600,
	       "platform/ and the platform's private key are private");
	sbt_ok(file_has("apiclient_key.pem", "-----BEGIN PRIVATE KEY-----") &&
	               EVP_PKEY_get_bits(m.key) == 2048,
	       "apiclient_key.pem is an RSA 2048 key in PKCS#8 PEM");
	sbt_ok(file_has("wechatpay_public_key.pem", "-----BEGIN PUBLIC KEY-----"),
	       "wechatpay_public_key.pem is a SubjectPublicKeyInfo PEM");
	for (i = 0; i < strlen(m.mchid); i++)
		digits &= m.mchid[i] >= '0' && m.mchid[i] <= '9';
	sbt_ok(strlen(m.mchid) == 10 && digits, "mchid is 10 digits (%s)", m.mchid);
	sbt_ok(strlen(m.serial) == 40 && strspn(m.serial, "0123456789ABCDEF") == 40,
	       "merchant_serial is 40 upper-case hex digits");
	sbt_ok(strspn((const char *)m.apiv3,
	              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") == 32,
	       "apiv3_key is 32 letters and digits");
	sbt_ok(strncmp(m.pub_key_id, "PUB_KEY_ID_", 11) == 0 &&
	               strspn(m.pub_key_id + 11, "0123456789") == strlen(m.pub_key_id + 11),
	       "wechatpay_public_key_id is PUB_KEY_ID_ and digits");
	sbt_ok(wxt_init_merchant(dir) != 0, "--init-merchant refuses a folder that is not empty");
}

/* Decrypts /v3/certificates: the serials and keys of the valid certificates. */
static int certificates(struct sbt_server *srv, const char *ask, char serials[][41],
                        EVP_PKEY **keys, int max)
{
	struct wxt_resp r;
	json_t *data;
	size_t i;
	int n = 0;

	wxt_call(srv, &m, "GET", "/v3/certificates", NULL, ask, 0, &r);
	data = json_object_get(r.json, "data");
	for (i = 0; i < json_array_size(data) && n < max; i++) {
		json_t *c = json_array_get(data, i);
		json_t *e = json_object_get(c, "encrypt_certificate");
		size_t len = 0;
		char *pem = wxt_gcm_open(m.apiv3, str(e, "nonce"), str(e, "associated_data"),
		                         str(e, "ciphertext"), &len);
		char serial[64] = "";

		keys[n] = pem ? wxt_cert_key(pem, serial, sizeof(serial)) : NULL;
		free(pem);
		if (keys[n] == NULL || strcmp(serial, str(c, "serial_no")) != 0 ||
		    strcmp(str(e, "algorithm"), "AEAD_AES_256_GCM") != 0) {
			sbt_diag("certificate %zu does not open or its serial differs (%s)", i,
			         serial);
			EVP_PKEY_free(keys[n]);
			continue;
		}
		snprintf(serials[n], 41, "%s", serial);
		n++;
	}
	wxt_resp_free(&r);
	return n;
}

static void free_keys(EVP_PKEY **keys, int n)
{
	while (n-- > 0)
		EVP_PKEY_free(keys[n]);
}

static void check_modes(struct sbt_server *srv)
{
	struct wxt_resp r;
	char serials[4][41];
	EVP_PKEY *keys[4];
	int n;

	wxt_call(srv, &m, "GET", "/v3/certificates", NULL, NULL, 0, &r);
	sbt_ok(r.status == 200 && strcmp(r.serial, m.pub_key_id) == 0 && wxt_verify(&r, m.wxpub) &&
	               r.request_id[0],
	       "public-key mode: the reply is signed with the platform public key's key, "
	       "Wechatpay-Serial is the PUB_KEY_ID, Request-ID is set");
	sbt_ok(labs(atol(r.ts) - (long)wxt_now()) < 5 && strlen(r.nonce) >= 16,
	       "Wechatpay-Timestamp is the sandbox's time and a nonce is sent");
	wxt_resp_free(&r);
	n = certificates(srv, NULL, serials, keys, 4);
	sbt_ok(n == 1, "/v3/certificates: one certificate, AES-256-GCM under the APIv3 key, "
	               "an X.509 certificate whose serial is serial_no");
	if (n < 1)
		return;
	wxt_call(srv, &m, "GET", "/v3/certificates", NULL, serials[0], 0, &r);
	sbt_ok(r.status == 200 && strcmp(r.serial, serials[0]) == 0 && wxt_verify(&r, keys[0]) &&
	               !wxt_verify(&r, m.wxpub),
	       "platform-certificate mode: Wechatpay-Serial asks for the certificate's key");
	wxt_resp_free(&r);
	wxt_call(srv, &m, "GET", "/v3/certificates", NULL, m.pub_key_id, 0, &r);
	sbt_ok(strcmp(r.serial, m.pub_key_id) == 0 && wxt_verify(&r, m.wxpub),
	       "Wechatpay-Serial naming the PUB_KEY_ID gets public-key mode");
	wxt_resp_free(&r);
	wxt_call(srv, &m, "GET", "/v3/certificates", NULL, NULL, WXT_NO_SERIAL, &r);
	sbt_ok(strcmp(r.serial, serials[0]) == 0 && wxt_verify(&r, keys[0]) &&
	               !wxt_verify(&r, m.wxpub),
	       "no Wechatpay-Serial (a client of the certificates) gets certificate mode");
	wxt_resp_free(&r);
	free_keys(keys, n);
}

static void check_rotation(struct sbt_server *srv)
{
	struct wxt_resp r;
	struct sbt_resp a;
	char serials[4][41], before[41], fresh[41] = "";
	EVP_PKEY *keys[4];
	int n, i, old_i = -1, new_i = -1;

	n = certificates(srv, NULL, serials, keys, 4);
	snprintf(before, sizeof(before), "%s", n ? serials[0] : "");
	free_keys(keys, n);
	sbt_request(srv, "POST", "/_admin/wechatpay/rotate", "", NULL, NULL, 0, &a);
	if (a.json)
		snprintf(fresh, sizeof(fresh), "%s", str(a.json, "serial_no"));
	sbt_ok(a.status == 200 && fresh[0] && strcmp(fresh, before) != 0 &&
	               strcmp(str(json_object_get(a.json, "previous"), "serial_no"), before) == 0,
	       "rotate: a new certificate, the previous one expiring");
	sbt_resp_free(&a);
	n = certificates(srv, NULL, serials, keys, 4);
	for (i = 0; i < n; i++) {
		if (strcmp(serials[i], before) == 0)
			old_i = i;
		if (strcmp(serials[i], fresh) == 0)
			new_i = i;
	}
	sbt_ok(n == 2 && old_i >= 0 && new_i >= 0, "during the switch two certificates are valid");
	if (old_i >= 0 && new_i >= 0) {
		wxt_call(srv, &m, "GET", "/v3/certificates", NULL, before, 0, &r);
		sbt_ok(strcmp(r.serial, before) == 0 && wxt_verify(&r, keys[old_i]),
		       "a request naming the old certificate is still answered with it");
		wxt_resp_free(&r);
		wxt_call(srv, &m, "GET", "/v3/certificates", NULL, fresh, 0, &r);
		sbt_ok(strcmp(r.serial, fresh) == 0 && wxt_verify(&r, keys[new_i]),
		       "and one naming the new certificate with the new one");
		wxt_resp_free(&r);
		admin(srv, "/_admin/advance", "seconds=864060");
		wxt_sync_clock(srv);
		wxt_call(srv, &m, "GET", "/v3/certificates", NULL, before, 0, &r);
		sbt_ok(r.status == 200 && strcmp(r.serial, fresh) == 0 &&
		               wxt_verify(&r, keys[new_i]) &&
		               json_array_size(json_object_get(r.json, "data")) == 1,
		       "ten days on, the old certificate has expired: the newest signs instead");
		wxt_resp_free(&r);
	}
	free_keys(keys, n);
}

static void check_refusals(struct sbt_server *srv)
{
	static const struct {
		int flags;
		const char *what;
		const char *message;
	} cases[] = {
	        {WXT_BAD_SIG, "a bad signature", "错误的签名，验签失败"},
	        {WXT_WRONG_SERIAL, "a wrong serial_no", "商户证书序列号有误。"},
	        {WXT_STALE, "a timestamp 400 s old",
	         "Http头Authorization中的timestamp与发起请求的时间不得超过5分钟"},
	        {WXT_NO_AUTH, "no Authorization",
	         "Http头Authorization值格式错误，请参考《微信支付商户REST API签名规则》"},
	        {WXT_WRONG_MCHID, "another mchid", NULL},
	};
	struct wxt_resp r;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		wxt_call(srv, &m, "GET", "/v3/certificates", NULL, NULL, cases[i].flags, &r);
		sbt_ok(r.status == 401 && strcmp(str(r.json, "code"), "SIGN_ERROR") == 0 &&
		               (cases[i].message == NULL ||
		                strcmp(str(r.json, "message"), cases[i].message) == 0) &&
		               wxt_verify(&r, m.wxpub),
		       "%s: 401 SIGN_ERROR (%s), signed", cases[i].what, str(r.json, "message"));
		if (cases[i].flags == WXT_BAD_SIG) {
			json_t *si = json_object_get(json_object_get(r.json, "detail"),
			                             "sign_information");

			sbt_ok(strcmp(str(si, "method"), "GET") == 0 &&
			               strcmp(str(si, "url"), "/v3/certificates") == 0 &&
			               strncmp(str(si, "truncated_sign_message"),
			                       "GET\n/v3/certificates\n", 21) == 0,
			       "the bad signature's detail shows what should have been signed");
		}
		wxt_resp_free(&r);
	}
	wxt_call(srv, &m, "GET", "/v3/certificates", NULL, NULL, WXT_NO_UA, &r);
	sbt_ok(r.status == 400 && strcmp(str(r.json, "code"), "INVALID_REQUEST") == 0 &&
	               strcmp(str(r.json, "message"), "Http头缺少Accept或User-Agent") == 0,
	       "no User-Agent: 400 INVALID_REQUEST Http头缺少Accept或User-Agent");
	wxt_resp_free(&r);
	wxt_call(srv, &m, "GET", "/v3/certificates", NULL, NULL, WXT_NO_ACCEPT, &r);
	sbt_ok(r.status == 400 && strcmp(str(r.json, "code"), "INVALID_REQUEST") == 0,
	       "no Accept: the same 400");
	wxt_resp_free(&r);
	wxt_call(srv, &m, "GET", "/v3/no-such-api", NULL, NULL, 0, &r);
	sbt_ok(r.status == 404 && r.len == 0 && wxt_verify(&r, m.wxpub),
	       "an unknown path: 404 with an empty, signed body");
	wxt_resp_free(&r);
}

static void fault(struct sbt_server *srv, const char *spec)
{
	admin(srv, "/_admin/faults", spec);
}

static void check_faults(struct sbt_server *srv, const char *tid)
{
	static const char *const codes[] = {"500", "502", "503"};
	struct wxt_resp r, good;
	char path[256], body[512];
	size_t i;
	int diff = 0;
	time_t t0;

	for (i = 0; i < 3; i++) {
		snprintf(body, sizeof(body), "kind=%s&count=1&path=/v3/certificates", codes[i]);
		fault(srv, body);
		wxt_call(srv, &m, "GET", "/v3/certificates", NULL, NULL, 0, &r);
		sbt_ok(r.status == atol(codes[i]) &&
		               strcmp(str(r.json, "code"), "SYSTEM_ERROR") == 0 &&
		               wxt_verify(&r, m.wxpub),
		       "fault %s: WeChat's SYSTEM_ERROR body, signed", codes[i]);
		wxt_resp_free(&r);
	}
	fault(srv, "kind=429&count=1&retry_after=3");
	wxt_call(srv, &m, "GET", "/v3/certificates", NULL, NULL, 0, &r);
	sbt_ok(r.status == 429 && strcmp(str(r.json, "code"), "FREQUENCY_LIMITED") == 0 &&
	               strcmp(r.retry_after, "3") == 0,
	       "fault 429 without a path (default /v3/): FREQUENCY_LIMITED, Retry-After");
	wxt_resp_free(&r);
	fault(srv, "kind=signtest&count=1&path=/v3/certificates");
	wxt_call(srv, &m, "GET", "/v3/certificates", NULL, NULL, 0, &r);
	sbt_ok(r.status == 200 && strncmp(r.signature, "WECHATPAY/SIGNTEST/", 19) == 0 &&
	               !wxt_verify(&r, m.wxpub),
	       "signtest: Wechatpay-Signature starts WECHATPAY/SIGNTEST/ and does not verify");
	wxt_resp_free(&r);
	snprintf(path, sizeof(path), "/v3/pay/transactions/id/%s?mchid=%s", tid, m.mchid);
	wxt_call(srv, &m, "GET", path, NULL, NULL, 0, &good);
	fault(srv, "kind=tamper&count=1&path=/v3/pay/transactions/");
	wxt_call(srv, &m, "GET", path, NULL, NULL, 0, &r);
	for (i = 0; i < r.len && r.len == good.len; i++)
		diff += r.body[i] != good.body[i];
	sbt_ok(wxt_verify(&good, m.wxpub) && !wxt_verify(&r, m.wxpub) && diff == 1 && r.json &&
	               json_integer_value(
	                       json_object_get(json_object_get(r.json, "amount"), "total")) !=
	                       json_integer_value(json_object_get(
	                               json_object_get(good.json, "amount"), "total")),
	       "tamper: one digit of the amount changed after signing; it no longer verifies");
	wxt_resp_free(&r);
	wxt_resp_free(&good);
	fault(srv, "kind=stale&count=1&path=/v3/certificates");
	wxt_call(srv, &m, "GET", "/v3/certificates", NULL, NULL, 0, &r);
	sbt_ok(wxt_verify(&r, m.wxpub) && wxt_now() - atol(r.ts) >= 590 &&
	               wxt_now() - atol(r.ts) <= 610,
	       "stale: correctly signed, Wechatpay-Timestamp 10 minutes old");
	wxt_resp_free(&r);
	fault(srv, "kind=wrongkey&count=1&path=/v3/certificates");
	wxt_call(srv, &m, "GET", "/v3/certificates", NULL, NULL, 0, &r);
	sbt_ok(r.status == 200 && strcmp(r.serial, m.pub_key_id) == 0 && r.signature[0] &&
	               !wxt_verify(&r, m.wxpub),
	       "wrongkey: signed with a key the merchant does not know");
	wxt_resp_free(&r);
	fault(srv, "kind=truncate&count=1&path=/v3/certificates");
	wxt_call(srv, &m, "GET", "/v3/certificates", NULL, NULL, 0, &r);
	sbt_ok(r.status == 200 && r.json == NULL && r.len > 0 && !wxt_verify(&r, m.wxpub),
	       "truncate: half the JSON arrives");
	wxt_resp_free(&r);
	fault(srv, "kind=reset&count=1&path=/v3/certificates");
	wxt_call(srv, &m, "GET", "/v3/certificates", NULL, NULL, 0, &r);
	sbt_ok(r.curl_error != 0, "reset: the connection breaks mid-body");
	wxt_resp_free(&r);
	fault(srv, "kind=stall&count=1&seconds=2&path=/v3/certificates");
	t0 = time(NULL);
	wxt_call(srv, &m, "GET", "/v3/certificates", NULL, NULL, 0, &r);
	sbt_ok(r.status == 200 && time(NULL) - t0 >= 2, "stall: answered after the stall");
	wxt_resp_free(&r);
	fault(srv, "kind=commit_then_reset&count=1&path=/v3/refund/domestic/refunds&method=POST");
	wxt_call(srv, &m, "GET", path, NULL, NULL, 0, &good);
	snprintf(body, sizeof(body),
	         "{\"transaction_id\":\"%s\",\"out_refund_no\":\"CTR-1\",\"amount\":{\"refund\":1,"
	         "\"total\":%lld,\"currency\":\"CNY\"}}",
	         tid,
	         (long long)json_integer_value(
	                 json_object_get(json_object_get(good.json, "amount"), "total")));
	wxt_resp_free(&good);
	wxt_call(srv, &m, "POST", "/v3/refund/domestic/refunds", body, NULL, 0, &r);
	sbt_ok(r.curl_error != 0, "commit_then_reset: no reply to the refund");
	wxt_resp_free(&r);
	wxt_call(srv, &m, "GET", "/v3/refund/domestic/refunds/CTR-1", NULL, NULL, 0, &r);
	sbt_ok(r.status == 200 && strcmp(str(r.json, "out_refund_no"), "CTR-1") == 0,
	       "but the refund was made");
	wxt_resp_free(&r);
}

static void check_public_key_only(struct sbt_server *srv)
{
	struct wxt_resp r;
	char serials[4][41];
	EVP_PKEY *keys[4];
	int n = certificates(srv, NULL, serials, keys, 4);

	admin(srv, "/_admin/wechatpay/mode?public_key_only=1", "");
	wxt_call(srv, &m, "GET", "/v3/certificates", NULL, NULL, 0, &r);
	sbt_ok(r.status == 404 && strcmp(str(r.json, "code"), "RESOURCE_NOT_EXISTS") == 0 &&
	               wxt_verify(&r, m.wxpub),
	       "public-key-only merchant: /v3/certificates is RESOURCE_NOT_EXISTS");
	wxt_resp_free(&r);
	if (n > 0) {
		wxt_call(srv, &m, "GET", "/v3/certificates", NULL, serials[0], 0, &r);
		sbt_ok(strcmp(r.serial, m.pub_key_id) == 0 && wxt_verify(&r, m.wxpub),
		       "and a certificate serial in Wechatpay-Serial still gets the public key");
		wxt_resp_free(&r);
	}
	admin(srv, "/_admin/wechatpay/mode", "public_key_only=0");
	wxt_call(srv, &m, "GET", "/v3/certificates", NULL, NULL, 0, &r);
	sbt_ok(r.status == 200, "public_key_only=0 brings the certificates back");
	wxt_resp_free(&r);
	free_keys(keys, n);
}

static void check_log(struct sbt_server *srv)
{
	struct sbt_resp r;
	json_t *data;
	char want[96];
	int found = 0;
	size_t i;

	snprintf(want, sizeof(want), "mch_%.10s_…%.4s", m.mchid, m.serial + 36);
	sbt_request(srv, "GET", "/_admin/requests", NULL, NULL, NULL, 0, &r);
	data = json_object_get(r.json, "data");
	for (i = 0; i < json_array_size(data); i++)
		found += strcmp(str(json_array_get(data, i), "key"), want) == 0;
	sbt_ok(found > 5 && r.body && strstr(r.body, m.serial) == NULL,
	       "the request log shows the mchid and the serial masked (%s)", want);
	sbt_resp_free(&r);
}

int main(void)
{
	struct sbt_server srv;
	struct sbt_resp r;
	const char *tmp = getenv("TMPDIR");
	char tid[64] = "";
	const char *args[] = {"--platform", "wechatpay", "--merchant", dir,     "--orders", "300",
	                      "--days",     "20",        "--now",      SBT_NOW, NULL};
	char cmd[600];

	snprintf(dir, sizeof(dir), "%s/wx-auth.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL || rmdir(dir) != 0 || wxt_init_merchant(dir) != 0 ||
	    wxt_load(&m, dir) != 0) {
		printf("Bail out! cannot make a merchant in %s\n", dir);
		return 1;
	}
	check_files();
	sbt_start(&srv, args);
	wxt_sync_clock(&srv);
	check_modes(&srv);
	check_refusals(&srv);
	sbt_request(&srv, "POST", "/_admin/create", "orders=1", NULL, NULL, 0, &r);
	snprintf(tid, sizeof(tid), "%s",
	         json_string_value(json_array_get(json_object_get(r.json, "orders"), 0)));
	sbt_resp_free(&r);
	check_faults(&srv, tid);
	check_public_key_only(&srv);
	check_log(&srv);
	check_rotation(&srv);
	sbt_ok(sbt_stop(&srv) == 0, "the sandbox exits cleanly");
	wxt_free(&m);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		sbt_diag("could not remove %s", dir);
	return sbt_done();
}
