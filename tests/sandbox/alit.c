/* Alipay test helpers (see alit.h). The signer and the reply checks are written here
 * from the protocol, not taken from the sandbox or the client, so that the tests prove
 * the sandbox against the protocol. */
#include "config.h"

#include <curl/curl.h>
#include <iconv.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zip.h>

#include "tests/sandbox/alit.h"

static EVP_PKEY *read_key(const char *dir, const char *name, int private_part)
{
	char path[700];
	BIO *bio;
	EVP_PKEY *k;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	bio = BIO_new_file(path, "r");
	if (bio == NULL)
		return NULL;
	k = private_part ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)
	                 : PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	return k;
}

static void read_line(const char *dir, const char *name, char *out, size_t n)
{
	char path[700];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	out[0] = '\0';
	f = fopen(path, "r");
	if (f == NULL)
		return;
	if (fgets(out, (int)n, f) == NULL)
		out[0] = '\0';
	fclose(f);
	out[strcspn(out, "\r\n")] = '\0';
}

void alit_make_merchant(struct alit *a)
{
	const char *bin = getenv("PAYDESK_SANDBOX");
	const char *tmp = getenv("TMPDIR");
	char base[400];
	pid_t pid;
	int st = 0;

	memset(a, 0, sizeof(*a));
	snprintf(base, sizeof(base), "%s/alit.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(base) == NULL) {
		printf("Bail out! mkdtemp failed\n");
		exit(1);
	}
	snprintf(a->dir, sizeof(a->dir), "%s/merchant", base);
	if (bin == NULL)
		bin = "./paydesk-sandbox";
	pid = fork();
	if (pid == 0) {
		execl(bin, bin, "--platform", "alipay", "--init-merchant", a->dir, "--quiet",
		      (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		printf("Bail out! --init-merchant failed\n");
		exit(1);
	}
	read_line(a->dir, "app_id", a->app_id, sizeof(a->app_id));
	read_line(a->dir, "pid", a->pid, sizeof(a->pid));
	a->app_private = read_key(a->dir, "app_private_key.pem", 1);
	a->alipay_public = read_key(a->dir, "alipay_public_key.pem", 0);
	a->app_public = read_key(a->dir, "app_public_key.pem", 0);
	if (!a->app_private || !a->alipay_public || !a->app_public) {
		printf("Bail out! cannot read the merchant's keys\n");
		exit(1);
	}
}

void alit_start(struct alit *a, const char *const *args)
{
	const char *argv[40];
	int n = 0;

	argv[n++] = "--platform";
	argv[n++] = "alipay";
	argv[n++] = "--merchant";
	argv[n++] = a->dir;
	for (int i = 0; args && args[i] && n < 38; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	sbt_start(&a->srv, argv);
}

void alit_stop(struct alit *a)
{
	sbt_stop(&a->srv);
}

void alit_free(struct alit *a)
{
	char cmd[1200];

	EVP_PKEY_free(a->app_private);
	EVP_PKEY_free(a->alipay_public);
	EVP_PKEY_free(a->app_public);
	a->app_private = a->alipay_public = a->app_public = NULL;
	if (a->dir[0]) {
		/* The merchant lives in base/merchant: remove base. */
		char *slash = strrchr(a->dir, '/');

		if (slash) {
			*slash = '\0';
			snprintf(cmd, sizeof(cmd), "rm -rf '%s'", a->dir);
			if (system(cmd) != 0)
				sbt_diag("could not remove %s", a->dir);
		}
		a->dir[0] = '\0';
	}
}

char *alit_sign(EVP_PKEY *key, const char *data, size_t len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char sig[512];
	size_t siglen = sizeof(sig);
	char *out = NULL;

	if (ctx && EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestSign(ctx, sig, &siglen, (const unsigned char *)data, len) == 1) {
		out = malloc(4 * ((siglen + 2) / 3) + 1);
		if (out)
			EVP_EncodeBlock((unsigned char *)out, sig, (int)siglen);
	}
	EVP_MD_CTX_free(ctx);
	return out;
}

int alit_verify(EVP_PKEY *key, const char *data, size_t len, const char *sig_b64)
{
	unsigned char sig[600];
	size_t blen = strlen(sig_b64);
	int slen, ok = 0;
	EVP_MD_CTX *ctx;

	if (blen == 0 || blen % 4 || blen / 4 * 3 > sizeof(sig))
		return 0;
	slen = EVP_DecodeBlock(sig, (const unsigned char *)sig_b64, (int)blen);
	if (slen < 0)
		return 0;
	if (sig_b64[blen - 1] == '=')
		slen--;
	if (sig_b64[blen - 2] == '=')
		slen--;
	ctx = EVP_MD_CTX_new();
	if (ctx && EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestVerify(ctx, sig, (size_t)slen, (const unsigned char *)data, len) == 1)
		ok = 1;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

/* A parameter of a call. */
struct kv {
	const char *k;
	const char *v;
};

static int cmp_kv(const void *x, const void *y)
{
	return strcmp(((const struct kv *)x)->k, ((const struct kv *)y)->k);
}

static void append_enc(char **s, size_t *len, const char *k, const char *v)
{
	char *ek = curl_easy_escape(NULL, k, 0);
	char *ev = curl_easy_escape(NULL, v, 0);
	size_t need = strlen(ek) + strlen(ev) + 3;
	char *p = realloc(*s, *len + need);

	if (p) {
		*s = p;
		*len += (size_t)snprintf(p + *len, need, "%s%s=%s", *len ? "&" : "", ek, ev);
	}
	curl_free(ek);
	curl_free(ev);
}

/* The end of the JSON object starting at s[i] ('{'), as the EasySDK finds it. */
static size_t object_end(const char *s, size_t len, size_t i)
{
	int depth = 0, in_str = 0, esc = 0;

	for (; i < len; i++) {
		char c = s[i];

		if (in_str) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '{') {
			depth++;
		} else if (c == '}' && --depth == 0) {
			return i + 1;
		}
	}
	return len;
}

void alit_parse(struct alit *a, const char *method, const char *body, size_t len,
                struct alit_reply *out)
{
	char want[160], key[170];
	const char *at, *sig;
	size_t i, start, end;

	snprintf(want, sizeof(want), "%s_response", method ? method : "");
	for (i = 0; want[i]; i++)
		if (want[i] == '.')
			want[i] = '_';
	out->code = out->sub_code = out->sub_msg = "";
	if (body == NULL)
		return;
	snprintf(key, sizeof(key), "\"%s\"", want);
	at = strstr(body, key);
	if (at == NULL) {
		snprintf(want, sizeof(want), "error_response");
		snprintf(key, sizeof(key), "\"error_response\"");
		at = strstr(body, key);
	}
	if (at == NULL)
		return;
	snprintf(out->root, sizeof(out->root), "%s", want);
	start = (size_t)(at - body) + strlen(key);
	while (start < len && body[start] != '{')
		start++;
	end = object_end(body, len, start);
	out->node = strndup(body + start, end - start);
	/* Alipay's EasySDK refuses a reply whose root node appears again afterwards. */
	{
		const char *again = strstr(body + end, key);

		out->duplicated = again != NULL;
	}
	sig = strstr(body + end, "\"sign\":\"");
	if (sig) {
		sig += 8;
		out->sign = strndup(sig, strcspn(sig, "\""));
	}
	if (out->node && out->sign)
		out->verified =
		        alit_verify(a->alipay_public, out->node, strlen(out->node), out->sign);
	out->json = out->node ? json_loads(out->node, 0, NULL) : NULL;
	out->code = alit_str(out, "code");
	out->sub_code = alit_str(out, "sub_code");
	out->sub_msg = alit_str(out, "sub_msg");
}

void alit_call_opts(struct alit *a, const char *method, const char *biz, const struct alit_opts *o,
                    struct alit_reply *out)
{
	struct kv p[16];
	int n = 0, i;
	char ts[32], *content = NULL, *query = NULL, *form = NULL, *sig = NULL;
	size_t clen = 0, qlen = 0, flen = 0;
	char path[8192];
	const char *m = o && o->method ? o->method : method;
	const char *app = o && o->app_id ? o->app_id : a->app_id;
	const char *st = o && o->sign_type ? o->sign_type : "RSA2";

	memset(out, 0, sizeof(*out));
	alit_time(alit_now(a), ts, sizeof(ts));
	if (*app)
		p[n++] = (struct kv){"app_id", app};
	if (*m)
		p[n++] = (struct kv){"method", m};
	p[n++] = (struct kv){"format", "JSON"};
	p[n++] = (struct kv){"charset", "utf-8"};
	if (*st)
		p[n++] = (struct kv){"sign_type", st};
	p[n++] = (struct kv){"timestamp", o && o->timestamp ? o->timestamp : ts};
	p[n++] = (struct kv){"version", "1.0"};
	p[n++] = (struct kv){"alipay_sdk", "paydesk-tests-1.0"};
	if (o && o->extra_name)
		p[n++] = (struct kv){o->extra_name, o->extra_value};
	if (biz)
		p[n++] = (struct kv){"biz_content", biz};
	qsort(p, (size_t)n, sizeof(p[0]), cmp_kv);
	/* name=value&... over every non-empty parameter but sign, sorted by name. */
	for (i = 0; i < n; i++) {
		size_t need;
		char *q;

		if (p[i].v[0] == '\0' ||
		    (o && o->sign_without_type && strcmp(p[i].k, "sign_type") == 0))
			continue;
		need = strlen(p[i].k) + strlen(p[i].v) + 3;
		q = realloc(content, clen + need);
		if (q == NULL)
			break;
		content = q;
		clen += (size_t)snprintf(content + clen, need, "%s%s=%s", clen ? "&" : "", p[i].k,
		                         p[i].v);
	}
	if (!(o && o->no_sign))
		sig = alit_sign(o && o->key ? o->key : a->app_private, content ? content : "",
		                clen);
	if (sig && o && o->corrupt_sign)
		sig[10] = sig[10] == 'A' ? 'B' : 'A';
	for (i = 0; i < n; i++) {
		int to_form = strcmp(p[i].k, "biz_content") == 0 || (o && o->all_in_form);

		if (to_form)
			append_enc(&form, &flen, p[i].k, p[i].v);
		else
			append_enc(&query, &qlen, p[i].k, p[i].v);
	}
	if (sig) {
		if (o && o->all_in_form)
			append_enc(&form, &flen, "sign", sig);
		else
			append_enc(&query, &qlen, "sign", sig);
	}
	snprintf(path, sizeof(path), "/gateway.do%s%s", query ? "?" : "", query ? query : "");
	sbt_request(&a->srv, "POST", path, form ? form : "", NULL, NULL, 0, &out->http);
	alit_parse(a, m, out->http.body, out->http.len, out);
	free(content);
	free(query);
	free(form);
	free(sig);
}

void alit_call(struct alit *a, const char *method, const char *biz, struct alit_reply *out)
{
	alit_call_opts(a, method, biz, NULL, out);
}

static size_t collect(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct sbt_resp *r = ud;
	size_t add = size * nmemb;
	char *np = realloc(r->body, r->len + add + 1);

	if (np == NULL)
		return 0;
	memcpy(np + r->len, ptr, add);
	r->body = np;
	r->len += add;
	r->body[r->len] = '\0';
	return add;
}

void alit_upload(struct alit *a, const char *type, const void *data, size_t len, int tamper_type,
                 struct alit_reply *out)
{
	CURL *h = curl_easy_init();
	curl_mime *mime;
	curl_mimepart *part;
	struct kv p[8];
	int n = 0, i;
	char ts[32], content[1024], url[2048], *query = NULL, *sig;
	size_t qlen = 0, clen = 0;
	struct curl_slist *hdr = curl_slist_append(NULL, "Expect:");

	memset(out, 0, sizeof(*out));
	alit_time(alit_now(a), ts, sizeof(ts));
	p[n++] = (struct kv){"app_id", a->app_id};
	p[n++] = (struct kv){"charset", "utf-8"};
	p[n++] = (struct kv){"format", "JSON"};
	p[n++] = (struct kv){"image_type", type};
	p[n++] = (struct kv){"method", "alipay.merchant.image.upload"};
	p[n++] = (struct kv){"sign_type", "RSA2"};
	p[n++] = (struct kv){"timestamp", ts};
	p[n++] = (struct kv){"version", "1.0"};
	content[0] = '\0';
	/* The file is not signed; every text parameter is, image_type included. */
	for (i = 0; i < n; i++)
		clen += (size_t)snprintf(content + clen, sizeof(content) - clen, "%s%s=%s",
		                         i ? "&" : "", p[i].k, p[i].v);
	sig = alit_sign(a->app_private, content, strlen(content));
	for (i = 0; i < n; i++)
		if (strcmp(p[i].k, "image_type") != 0)
			append_enc(&query, &qlen, p[i].k, p[i].v);
	append_enc(&query, &qlen, "sign", sig ? sig : "");
	snprintf(url, sizeof(url), "%s/gateway.do?%s", a->srv.base, query);
	mime = curl_mime_init(h);
	part = curl_mime_addpart(mime);
	curl_mime_name(part, "image_type");
	curl_mime_data(part, tamper_type ? "jpeg" : type, CURL_ZERO_TERMINATED);
	part = curl_mime_addpart(mime);
	curl_mime_name(part, "image_content");
	curl_mime_data(part, data, len);
	curl_mime_filename(part, "evidence.img");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_MIMEPOST, mime);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &out->http);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 30000L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	out->http.curl_error = (int)curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->http.status);
	curl_easy_cleanup(h);
	curl_mime_free(mime);
	curl_slist_free_all(hdr);
	alit_parse(a, "alipay.merchant.image.upload", out->http.body, out->http.len, out);
	free(query);
	free(sig);
}

void alit_reply_free(struct alit_reply *r)
{
	sbt_resp_free(&r->http);
	free(r->node);
	free(r->sign);
	json_decref(r->json);
	memset(r, 0, sizeof(*r));
}

const char *alit_str(const struct alit_reply *r, const char *key)
{
	const char *v = json_string_value(json_object_get(r->json, key));

	return v ? v : "";
}

long long alit_fen(const char *yuan)
{
	long long whole = 0;
	int neg = 0, digits = 0;
	const char *p = yuan;

	if (p == NULL)
		return ALIT_BAD;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	while (*p >= '0' && *p <= '9') {
		whole = whole * 10 + (*p++ - '0');
		digits++;
	}
	if (digits == 0 || p[0] != '.' || p[1] < '0' || p[1] > '9' || p[2] < '0' || p[2] > '9' ||
	    p[3] != '\0')
		return ALIT_BAD;
	whole = whole * 100 + (p[1] - '0') * 10 + (p[2] - '0');
	return neg ? -whole : whole;
}

const char *alit_path_of(const char *url)
{
	const char *p = strstr(url, "://");

	if (p == NULL)
		return url;
	p = strchr(p + 3, '/');
	return p ? p : "/";
}

json_t *alit_admin(struct alit *a, const char *path, const char *form)
{
	struct sbt_resp r;
	json_t *j;

	sbt_request(&a->srv, form ? "POST" : "GET", path, form, NULL, NULL, 0, &r);
	j = r.json ? json_incref(r.json) : NULL;
	if (r.status != 200)
		sbt_diag("%s -> %ld %s", path, r.status, r.body ? r.body : "");
	sbt_resp_free(&r);
	return j;
}

long long alit_now(struct alit *a)
{
	json_t *j = alit_admin(a, "/_admin/now", NULL);
	long long t = (long long)json_integer_value(json_object_get(j, "now"));

	json_decref(j);
	return t;
}

long long alit_day(long long t)
{
	long long l = t + 8 * 3600;

	return (l - ((l % 86400) + 86400) % 86400) - 8 * 3600;
}

void alit_time(long long t, char *out, size_t n)
{
	time_t l = (time_t)(t + 8 * 3600);
	struct tm tm;

	gmtime_r(&l, &tm);
	strftime(out, n, "%Y-%m-%d %H:%M:%S", &tm);
}

void alit_date(long long t, char *out, size_t n)
{
	time_t l = (time_t)(t + 8 * 3600);
	struct tm tm;

	gmtime_r(&l, &tm);
	strftime(out, n, "%Y-%m-%d", &tm);
}

/* GBK to UTF-8; the caller frees. */
static char *from_gbk(const char *in, size_t len)
{
	iconv_t cd = iconv_open("UTF-8", "GBK");
	size_t cap = len * 2 + 16, left = len, room = cap;
	char *out = malloc(cap), *dst = out, *src = (char *)in;

	if (cd == (iconv_t)-1 || out == NULL || iconv(cd, &src, &left, &dst, &room) == (size_t)-1) {
		if (cd != (iconv_t)-1)
			iconv_close(cd);
		free(out);
		return NULL;
	}
	iconv_close(cd);
	*dst = '\0';
	return out;
}

void alit_bill_free(struct alit_bill *b)
{
	for (int i = 0; i < 2; i++) {
		free(b->name[i]);
		free(b->text[i]);
	}
	free(b->raw);
	memset(b, 0, sizeof(*b));
}

void alit_bill_ask(struct alit *a, const char *type, const char *date, struct alit_reply *r)
{
	char biz[128];

	snprintf(biz, sizeof(biz), "{\"bill_type\":\"%s\",\"bill_date\":\"%s\"}", type, date);
	alit_call(a, "alipay.data.dataservice.bill.downloadurl.query", biz, r);
}

int alit_bill_fetch(struct alit *a, const char *type, const char *date, struct alit_bill *b)
{
	struct alit_reply r;
	struct sbt_resp g;
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z;
	int rc = -1;

	memset(b, 0, sizeof(*b));
	alit_bill_ask(a, type, date, &r);
	if (strcmp(r.code, "10000") != 0 || !r.verified) {
		sbt_diag("bill %s %s: %s %s", type, date, r.code, r.sub_code);
		alit_reply_free(&r);
		return -1;
	}
	sbt_request(&a->srv, "GET", alit_path_of(alit_str(&r, "bill_download_url")), NULL, NULL,
	            NULL, 0, &g);
	alit_reply_free(&r);
	if (g.status != 200 || g.len < 30) {
		sbt_resp_free(&g);
		return -1;
	}
	b->raw = malloc(g.len);
	memcpy(b->raw, g.body, g.len);
	b->raw_len = g.len;
	sbt_resp_free(&g);
	/* The first local header's general purpose flags: bit 11 is "names are UTF-8". */
	b->gbk_names = memcmp(b->raw, "PK\x03\x04", 4) == 0 && (b->raw[7] & 0x08) == 0;
	zip_error_init(&ze);
	src = zip_source_buffer_create(b->raw, b->raw_len, 0, &ze);
	z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	if (z && zip_get_num_entries(z, 0) == 2) {
		rc = 0;
		for (zip_uint64_t i = 0; i < 2; i++) {
			const char *raw = zip_get_name(z, i, ZIP_FL_ENC_RAW);
			zip_stat_t st;
			zip_file_t *f;
			char *data;

			if (raw == NULL || zip_stat_index(z, i, 0, &st) != 0 ||
			    (f = zip_fopen_index(z, i, 0)) == NULL) {
				rc = -1;
				break;
			}
			data = malloc(st.size + 1);
			if (zip_fread(f, data, st.size) != (zip_int64_t)st.size)
				rc = -1;
			zip_fclose(f);
			b->name[i] = from_gbk(raw, strlen(raw));
			b->text[i] = rc == 0 ? from_gbk(data, st.size) : NULL;
			free(data);
			if (!b->name[i] || !b->text[i])
				rc = -1;
		}
	}
	if (z)
		zip_close(z);
	else if (src)
		zip_source_free(src);
	zip_error_fini(&ze);
	return rc;
}

int alit_lines(char *text, char **out, int max, int *lf_only)
{
	int n = 0;
	char *p = text;

	*lf_only = 0;
	while (*p && n < max) {
		char *nl = strchr(p, '\n');

		if (nl == NULL) {
			out[n++] = p;
			break;
		}
		if (nl == p || nl[-1] != '\r')
			*lf_only = 1;
		else
			nl[-1] = '\0';
		*nl = '\0';
		out[n++] = p;
		p = nl + 1;
	}
	return n;
}

int alit_cells(char *line, char **out, int max)
{
	int n = 0;

	for (;;) {
		char *c = strchr(line, ',');

		if (n < max)
			out[n] = line;
		n++;
		if (c == NULL)
			break;
		*c = '\0';
		line = c + 1;
	}
	return n;
}

int alit_ends_tab(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && s[n - 1] == '\t';
}

char *alit_strip_tab(char *s)
{
	size_t n = strlen(s);

	if (n && s[n - 1] == '\t')
		s[n - 1] = '\0';
	return s;
}
