/* --platform wechatpay bills: every trade bill (ALL, SUCCESS, REFUND) and fund flow bill of
 * the last 90 days byte by byte (BOM, CRLF, backticks, column counts, summaries equal to the
 * sums, 5-decimal fees), gzip and SHA1, the download token's 30 s, the dates with no bill,
 * STATEMENT_CREATING before 10:00, badhash; /_admin/checksum recomputed from the bills and
 * the complaints API; and the same seed giving the same data. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/sandbox/wxt.h"

/* 2026-01-01 12:00 in Shanghai: yesterday's bills are ready. */
#define NOON "1767240000"
#define DAY0 20454 /* 2026-01-01 as days since 1970-01-01 */

static struct wxt_merchant m;
static char dir[512];

static const char all_header[] =
        "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,"
        "交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,"
        "充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,"
        "费率备注";
static const char trade_summary[] = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,"
                                    "手续费总金额,订单总金额,申请退款总金额";
static const char fund_header[] =
        "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),"
        "账户结余(元),资金变更提交申请人,备注,业务凭证号";

static const char *str(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

static void date_of(int64_t day, char *out)
{
	/* Civil date of a day number (Howard Hinnant's civil_from_days). */
	int64_t z = day + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1, mo = mp < 10 ? mp + 3 : mp - 9;

	snprintf(out, 64, "%04d-%02d-%02d", (int)((yoe + era * 400 + (mo <= 2)) % 10000),
	         (int)(mo % 100), (int)(d % 100));
}

/* Asks for a bill and downloads it: 0 with the file, or the API's HTTP status. */
static long get_bill(struct sbt_server *srv, const char *query, char **file, size_t *n, char *hash,
                     struct wxt_resp *api)
{
	struct wxt_resp d;
	long st;

	*file = NULL;
	*n = 0;
	wxt_call(srv, &m, "GET", query, NULL, NULL, 0, api);
	if (api->status != 200)
		return api->status;
	snprintf(hash, 41, "%s", str(api->json, "hash_value"));
	wxt_call(srv, &m, "GET", str(api->json, "download_url"), NULL, NULL, 0, &d);
	st = d.status == 200 && d.signature[0] == '\0' ? 0 : d.status ? d.status : -1;
	*file = d.body;
	*n = d.len;
	d.body = NULL;
	wxt_resp_free(&d);
	return st;
}

static int crlf_only(const char *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (f[i] == '\n' && (i == 0 || f[i - 1] != '\r'))
			return 0;
	return n >= 2 && f[n - 2] == '\r' && f[n - 1] == '\n';
}

/* Every value of a detail or summary line follows a backtick. */
static int backticked(const char *line)
{
	const char *p;

	if (line[0] != '`')
		return 0;
	for (p = line; (p = strchr(p, ',')) != NULL; p++)
		if (p[1] != '`')
			return 0;
	return 1;
}

/* Lines for the checksum, gathered from the bills. */
struct lines {
	char **v;
	size_t n, cap;
};

static void add_line(struct lines *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = strdup(s);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "count fnv" of the lines in ascending byte order, as /_admin/checksum computes them. */
static void digest(struct lines *l, char *out)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	qsort(l->v, l->n, sizeof(*l->v), cmp_str);
	for (i = 0; i < l->n; i++) {
		h = wxt_fnv(h, l->v[i]);
		h = wxt_fnv(h, "\n");
		free(l->v[i]);
	}
	snprintf(out, 64, "%zu %016llx", l->n, (unsigned long long)h);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Per transaction: the order's line fields and the refunds it had. */
struct order {
	char tid[32], otn[40];
	int64_t total, refunded;
};

struct state {
	struct order *o;
	size_t n, cap;
	struct lines refunds, flows, withdrawals;
	int bad_trade, bad_fund, bad_sums, sub_fen, refund_rows, days_with_refunds;
	int64_t balance;
	int have_balance, bad_balance, withdrawals_n, bad_withdrawal;
	char refund_day[16];
};

static struct order *order(struct state *st, const char *tid)
{
	size_t i;

	for (i = st->n; i > 0; i--)
		if (strcmp(st->o[i - 1].tid, tid) == 0)
			return &st->o[i - 1];
	return NULL;
}

/* "0.60%" -> 60 basis points. */
static int rate_bp(const char *v)
{
	char num[16];
	size_t n = strcspn(v, "%");

	snprintf(num, sizeof(num), "%.*s", (int)(n < 15 ? n : 15), v);
	return (int)wxt_fen(num);
}

static void trade_day(struct sbt_server *srv, struct state *st, const char *date)
{
	struct wxt_resp api;
	char q[128], hash[41], sha[41], **lines, *copy, *c[40];
	char *file;
	size_t n;
	int count, i, rows = 0, refunds = 0;
	int64_t settle = 0, refund = 0, cash = 0, fee = 0, total = 0, applied = 0;

	snprintf(q, sizeof(q), "/v3/bill/tradebill?bill_date=%s&bill_type=ALL", date);
	if (get_bill(srv, q, &file, &n, hash, &api) != 0) {
		/* A day without trades has no bill, as on WeChat Pay. */
		if (api.status != 400 || strcmp(str(api.json, "code"), "NO_STATEMENT_EXIST") != 0) {
			sbt_diag("%s: %ld %s", date, api.status, api.body);
			st->bad_trade++;
		}
		wxt_resp_free(&api);
		free(file);
		return;
	}
	wxt_hex("SHA1", file, n, sha);
	if (!wxt_verify(&api, m.wxpub) || strcmp(sha, hash) != 0 ||
	    strcmp(str(api.json, "hash_type"), "SHA1") != 0 || memcmp(file, "\xEF\xBB\xBF", 3) ||
	    !crlf_only(file, n))
		st->bad_trade++;
	wxt_resp_free(&api);
	count = wxt_lines(file, n, &lines, &copy);
	if (count < 3 || strcmp(lines[0], all_header) != 0 ||
	    strcmp(lines[count - 2], trade_summary) != 0)
		st->bad_trade++;
	for (i = 1; i < count - 2; i++) {
		int k;

		if (!backticked(lines[i]) || wxt_cells(lines[i], c, 40) != 27 ||
		    strncmp(c[0], date, 10) != 0 || strcmp(c[3], "0") != 0 ||
		    strcmp(c[2], m.mchid) != 0) {
			st->bad_trade++;
			continue;
		}
		rows++;
		settle += wxt_fen(c[12]);
		refund += wxt_fen(c[16]);
		cash += wxt_fen(c[17]);
		fee += wxt_e5(c[22]);
		total += wxt_fen(c[24]);
		applied += wxt_fen(c[25]);
		st->sub_fen += wxt_e5(c[22]) % 1000 != 0;
		if (strcmp(c[9], "SUCCESS") == 0) {
			/* The fee is the settlement amount times the rate, to 5 decimals. */
			int64_t want = (wxt_fen(c[12]) * rate_bp(c[23]) + 5) / 10;
			struct order *o;

			if (want != wxt_e5(c[22]) || strcmp(c[14], "0") != 0 ||
			    strcmp(c[15], "0") != 0)
				st->bad_trade++;
			if (st->n == st->cap) {
				st->cap = st->cap ? st->cap * 2 : 1024;
				st->o = realloc(st->o, st->cap * sizeof(*st->o));
			}
			o = &st->o[st->n++];
			snprintf(o->tid, sizeof(o->tid), "%s", c[5]);
			snprintf(o->otn, sizeof(o->otn), "%s", c[6]);
			o->total = wxt_fen(c[24]);
			o->refunded = 0;
		} else {
			struct order *o = order(st, c[5]);
			char line[256];

			/* The order may have been paid before the 90 days: then it has no line. */
			refunds++;
			if (strcmp(c[9], "REFUND") != 0 || strcmp(c[18], "ORIGINAL") != 0 ||
			    wxt_e5(c[22]) > 0 || wxt_fen(c[12]) != 0 || strcmp(c[14], "0") == 0)
				st->bad_trade++;
			if (o)
				o->refunded += wxt_fen(c[25]);
			snprintf(line, sizeof(line), "%s|%s|%s|%lld", c[14], c[15], c[5],
			         (long long)wxt_fen(c[25]));
			add_line(&st->refunds, line);
		}
		for (k = 12; k <= 25; k++)
			if ((k == 22 && wxt_e5(c[k]) == INT64_MIN) ||
			    ((k == 12 || k == 13 || k == 16 || k == 17 || k == 24 || k == 25) &&
			     wxt_fen(c[k]) == INT64_MIN))
				st->bad_trade++;
	}
	if (count >= 3) {
		if (!backticked(lines[count - 1]) || wxt_cells(lines[count - 1], c, 40) != 7 ||
		    atoi(c[0]) != rows || wxt_fen(c[1]) != settle || wxt_fen(c[2]) != refund ||
		    wxt_fen(c[3]) != cash || wxt_e5(c[4]) != fee || wxt_fen(c[5]) != total ||
		    wxt_fen(c[6]) != applied)
			st->bad_sums++;
	}
	st->refund_rows += refunds;
	if (refunds > 0 && st->refund_day[0] == '\0')
		snprintf(st->refund_day, sizeof(st->refund_day), "%.10s", date);
	free(lines);
	free(copy);
	free(file);
}

static void fund_day(struct sbt_server *srv, struct state *st, const char *date)
{
	struct wxt_resp api;
	char q[128], hash[41], sha[41], **lines, *copy, *c[16], line[256];
	char *file;
	size_t n;
	int count, i, rows = 0, in_n = 0, out_n = 0;
	int64_t in_sum = 0, out_sum = 0;

	snprintf(q, sizeof(q), "/v3/bill/fundflowbill?bill_date=%s", date);
	if (get_bill(srv, q, &file, &n, hash, &api) != 0) {
		if (api.status != 400 || strcmp(str(api.json, "code"), "NO_STATEMENT_EXIST") != 0)
			st->bad_fund++;
		wxt_resp_free(&api);
		free(file);
		return;
	}
	wxt_hex("SHA1", file, n, sha);
	if (strcmp(sha, hash) != 0 || memcmp(file, "\xEF\xBB\xBF", 3) || !crlf_only(file, n))
		st->bad_fund++;
	wxt_resp_free(&api);
	count = wxt_lines(file, n, &lines, &copy);
	if (count < 3 || strcmp(lines[0], fund_header) != 0 ||
	    strcmp(lines[count - 2], "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额") != 0)
		st->bad_fund++;
	for (i = 1; i < count - 2; i++) {
		int64_t amount, balance;
		int income;

		if (!backticked(lines[i]) || wxt_cells(lines[i], c, 16) != 11 ||
		    strncmp(c[0], date, 10) != 0) {
			st->bad_fund++;
			continue;
		}
		rows++;
		income = strcmp(c[5], "收入") == 0;
		amount = wxt_fen(c[6]) * (income ? 1 : -1);
		balance = wxt_fen(c[7]);
		if (income) {
			in_n++;
			in_sum += amount;
		} else {
			out_n++;
			out_sum -= amount;
		}
		/* Each entry leaves the balance the one before left, plus or minus itself. */
		if (st->have_balance && balance != st->balance + amount)
			st->bad_balance++;
		if (strcmp(c[4], "提现") == 0) {
			st->withdrawals_n++;
			if (strcmp(c[0] + 11, "05:00:00") != 0 || balance != 0 ||
			    (st->have_balance && -amount != st->balance))
				st->bad_withdrawal++;
			snprintf(line, sizeof(line), "%s|%lld|%.10s", c[2], (long long)-amount,
			         c[0]);
			add_line(&st->withdrawals, line);
		}
		st->balance = balance;
		st->have_balance = 1;
		snprintf(line, sizeof(line), "%s|%lld|%s|%s", c[2], (long long)amount, c[4], c[1]);
		add_line(&st->flows, line);
	}
	if (count >= 3 &&
	    (wxt_cells(lines[count - 1], c, 16) != 5 || atoi(c[0]) != rows || atoi(c[1]) != in_n ||
	     wxt_fen(c[2]) != in_sum || atoi(c[3]) != out_n || wxt_fen(c[4]) != out_sum))
		st->bad_sums++;
	free(lines);
	free(copy);
	free(file);
}

/* The complaints the API lists for the 90 days, in windows of at most 30 days. */
static void complaints(struct sbt_server *srv, struct lines *l)
{
	int w;

	for (w = 0; w < 3; w++) {
		char from[64], to[64], q[256];
		long offset = 0, total = 1;

		date_of(DAY0 - 90 + 30 * w, from);
		date_of(DAY0 - 61 + 30 * w, to);
		while (offset < total) {
			struct wxt_resp r;
			json_t *data;
			size_t i;

			snprintf(q, sizeof(q),
			         "/v3/merchant-service/"
			         "complaints-v2?limit=50&offset=%ld&begin_date=%.10s&"
			         "end_date=%.10s",
			         offset, from, to);
			wxt_call(srv, &m, "GET", q, NULL, NULL, 0, &r);
			data = json_object_get(r.json, "data");
			total = (long)json_integer_value(json_object_get(r.json, "total_count"));
			for (i = 0; i < json_array_size(data); i++) {
				json_t *c = json_array_get(data, i);
				json_t *o = json_array_get(
				        json_object_get(c, "complaint_order_info"), 0);
				char line[256];

				snprintf(line, sizeof(line), "%s|%s|%s|%lld",
				         str(c, "complaint_id"), str(o, "transaction_id"),
				         str(c, "complaint_state"),
				         (long long)json_integer_value(
				                 json_object_get(o, "amount")));
				add_line(l, line);
			}
			offset += json_array_size(data) ? (long)json_array_size(data) : total + 1;
			wxt_resp_free(&r);
		}
	}
}

static const char *checksum_of(json_t *cs, const char *name, char *out)
{
	json_t *o = json_object_get(cs, name);

	snprintf(out, 64, "%lld %s", (long long)json_integer_value(json_object_get(o, "count")),
	         str(o, "fnv"));
	return out;
}

static void check_checksum(struct sbt_server *srv, struct state *st)
{
	struct sbt_resp r;
	struct lines orders = {0}, cl = {0};
	char got[64], want[64];
	size_t i;

	for (i = 0; i < st->n; i++) {
		char line[256];

		snprintf(line, sizeof(line), "%s|%s|%lld|CNY|%lld", st->o[i].tid, st->o[i].otn,
		         (long long)st->o[i].total, (long long)st->o[i].refunded);
		add_line(&orders, line);
	}
	complaints(srv, &cl);
	sbt_request(srv, "GET", "/_admin/checksum", NULL, NULL, NULL, 0, &r);
	digest(&orders, got);
	sbt_ok(strcmp(got, checksum_of(r.json, "orders", want)) == 0,
	       "checksum orders = the bills' payments with their refunds (%s)", got);
	digest(&st->refunds, got);
	sbt_ok(strcmp(got, checksum_of(r.json, "refunds", want)) == 0,
	       "checksum refunds = the bills' refund rows (%s)", got);
	digest(&cl, got);
	sbt_ok(strcmp(got, checksum_of(r.json, "complaints", want)) == 0,
	       "checksum complaints = the complaints API over the 90 days (%s)", got);
	digest(&st->flows, got);
	sbt_ok(strcmp(got, checksum_of(r.json, "fundflow", want)) == 0,
	       "checksum fundflow = the fund flow bills (%s)", got);
	digest(&st->withdrawals, got);
	sbt_ok(strcmp(got, checksum_of(r.json, "withdrawals", want)) == 0,
	       "checksum withdrawals = the bills' 提现 rows (%s)", got);
	sbt_resp_free(&r);
}

static int columns_of(struct sbt_server *srv, const char *query, int *rows, int *cols)
{
	struct wxt_resp api;
	char hash[41], **lines, *copy, *c[40], *file;
	size_t n;
	int count, i, ok = 1;

	*rows = 0;
	*cols = -1;
	if (get_bill(srv, query, &file, &n, hash, &api) != 0) {
		wxt_resp_free(&api);
		free(file);
		return 0;
	}
	wxt_resp_free(&api);
	count = wxt_lines(file, n, &lines, &copy);
	*cols = wxt_cells(lines[0], c, 40);
	for (i = 1; i < count - 2; i++) {
		(*rows)++;
		ok &= wxt_cells(lines[i], c, 40) == *cols;
	}
	free(lines);
	free(copy);
	free(file);
	return ok;
}

static void check_types(struct sbt_server *srv, const char *date)
{
	char q[160], hash[41], sha[41], plain_hash[41], *plain, *gz, *un = NULL;
	struct wxt_resp api;
	int all_rows, all_cols, s_rows, s_cols, r_rows, r_cols;
	size_t pn, gn, un_n = 0;

	snprintf(q, sizeof(q), "/v3/bill/tradebill?bill_date=%s", date);
	columns_of(srv, q, &all_rows, &all_cols);
	snprintf(q, sizeof(q), "/v3/bill/tradebill?bill_date=%s&bill_type=SUCCESS", date);
	sbt_ok(columns_of(srv, q, &s_rows, &s_cols) && s_cols == 20,
	       "SUCCESS bill: 20 columns on every row");
	snprintf(q, sizeof(q), "/v3/bill/tradebill?bill_date=%s&bill_type=REFUND", date);
	sbt_ok(columns_of(srv, q, &r_rows, &r_cols) && r_cols == 29 && r_rows > 0,
	       "REFUND bill: 29 columns on every row");
	sbt_ok(all_cols == 27 && all_rows == s_rows + r_rows,
	       "the ALL bill (no bill_type) is the SUCCESS and REFUND rows together");
	snprintf(q, sizeof(q), "/v3/bill/tradebill?bill_date=%s&bill_type=ALL", date);
	get_bill(srv, q, &plain, &pn, plain_hash, &api);
	wxt_resp_free(&api);
	snprintf(q, sizeof(q), "/v3/bill/tradebill?bill_date=%s&bill_type=ALL&tar_type=GZIP", date);
	get_bill(srv, q, &gz, &gn, hash, &api);
	sbt_ok(strstr(str(api.json, "download_url"), "/v3/billdownload/file?token=") &&
	               strncmp(str(api.json, "download_url"), srv->base, strlen(srv->base)) == 0,
	       "download_url points at the sandbox");
	wxt_resp_free(&api);
	sbt_ok(gz && gn > 2 && (unsigned char)gz[0] == 0x1f && (unsigned char)gz[1] == 0x8b &&
	               wxt_gunzip(gz, gn, &un, &un_n) == 0 && un_n == pn &&
	               memcmp(un, plain, pn) == 0,
	       "tar_type=GZIP: a gzip stream of the same file");
	wxt_hex("SHA1", un ? un : "", un_n, sha);
	sbt_ok(strcmp(sha, hash) == 0 && strcmp(hash, plain_hash) == 0,
	       "hash_value is the SHA1 of the uncompressed file");
	free(un);
	free(gz);
	free(plain);
}

static void check_refusals(struct sbt_server *srv, const char *date)
{
	static const struct {
		const char *query, *code, *message, *what;
	} cases[] = {
	        {"/v3/bill/tradebill?bill_date=2026-01-01", "NO_STATEMENT_EXIST",
	         "请求的账单文件不存在", "today"},
	        {"/v3/bill/tradebill?bill_date=2026-01-02", "NO_STATEMENT_EXIST", NULL, "tomorrow"},
	        {"/v3/bill/tradebill?bill_date=2025-10-02", "INVALID_REQUEST",
	         "请求的账单日期已过期", "91 days ago"},
	        {"/v3/bill/fundflowbill?bill_date=2025-10-02", "INVALID_REQUEST", NULL,
	         "a fund flow bill 91 days ago"},
	        {"/v3/bill/tradebill?bill_date=2025-13-01", "PARAM_ERROR", NULL,
	         "a malformed date"},
	        {"/v3/bill/tradebill", "PARAM_ERROR", NULL, "no bill_date"},
	        {"/v3/bill/tradebill?bill_date=2025-12-30&bill_type=FOO", "PARAM_ERROR", NULL,
	         "an unknown bill_type"},
	        {"/v3/bill/fundflowbill?bill_date=2025-12-30&account_type=OPERATION",
	         "NO_STATEMENT_EXIST", NULL, "the OPERATION account (never used)"},
	};
	struct wxt_resp r;
	struct sbt_resp a;
	size_t i;
	char q[160], hash[41], *file;
	size_t n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		wxt_call(srv, &m, "GET", cases[i].query, NULL, NULL, 0, &r);
		sbt_ok(r.status == 400 && strcmp(str(r.json, "code"), cases[i].code) == 0 &&
		               (cases[i].message == NULL ||
		                strcmp(str(r.json, "message"), cases[i].message) == 0) &&
		               wxt_verify(&r, m.wxpub),
		       "no bill for %s: 400 %s", cases[i].what, cases[i].code);
		wxt_resp_free(&r);
	}
	sbt_request(srv, "POST", "/_admin/faults", "kind=badhash&count=1&path=/v3/bill/", NULL,
	            NULL, 0, &a);
	sbt_resp_free(&a);
	snprintf(q, sizeof(q), "/v3/bill/tradebill?bill_date=%s", date);
	get_bill(srv, q, &file, &n, hash, &r);
	{
		char sha[41];

		wxt_hex("SHA1", file ? file : "", n, sha);
		sbt_ok(r.status == 200 && strlen(hash) == 40 && strcmp(sha, hash) != 0,
		       "badhash: hash_value does not match the file");
	}
	wxt_resp_free(&r);
	free(file);
}

static void check_expiry(struct sbt_server *srv, const char *date)
{
	struct wxt_resp api, d;
	struct sbt_resp a;
	char q[160];

	snprintf(q, sizeof(q), "/v3/bill/fundflowbill?bill_date=%s&account_type=BASIC", date);
	wxt_call(srv, &m, "GET", q, NULL, NULL, 0, &api);
	wxt_call(srv, &m, "GET", str(api.json, "download_url"), NULL, NULL, WXT_NO_AUTH, &d);
	sbt_ok(d.status == 401, "the download needs a signed Authorization too");
	wxt_resp_free(&d);
	sbt_request(srv, "POST", "/_admin/advance", "seconds=31", NULL, NULL, 0, &a);
	sbt_resp_free(&a);
	wxt_sync_clock(srv);
	wxt_call(srv, &m, "GET", str(api.json, "download_url"), NULL, NULL, 0, &d);
	sbt_ok(d.status == 400 && strcmp(str(d.json, "code"), "INVALID_REQUEST") == 0 &&
	               wxt_verify(&d, m.wxpub),
	       "31 s of sandbox clock later the download_url has expired");
	wxt_resp_free(&d);
	wxt_resp_free(&api);
}

/* Sandboxes of the same merchant: at 08:00 yesterday's bill is still being made; the same
 * seed gives the same data, another seed other data. */
static void check_others(json_t *first, const char *hash0)
{
	const char *early[] = {"--platform", "wechatpay", "--merchant", dir,     "--orders", "4000",
	                       "--days",     "100",       "--now",      SBT_NOW, NULL};
	const char *same[] = {"--platform", "wechatpay", "--merchant", dir,  "--orders", "4000",
	                      "--days",     "100",       "--now",      NOON, NULL};
	const char *other[] = {"--platform", "wechatpay", "--merchant", dir,     "--orders",
	                       "4000",       "--days",    "100",        "--now", NOON,
	                       "--seed",     "2",         NULL};
	struct sbt_server a, b, c;
	struct wxt_resp r;
	struct sbt_resp cs;
	char *file, hash[41];
	size_t n;

	sbt_start(&a, early);
	wxt_sync_clock(&a);
	wxt_call(&a, &m, "GET", "/v3/bill/tradebill?bill_date=2025-12-31", NULL, NULL, 0, &r);
	sbt_ok(r.status == 400 && strcmp(str(r.json, "code"), "STATEMENT_CREATING") == 0 &&
	               strcmp(str(r.json, "message"), "账单生成中") == 0,
	       "before 10:00 Shanghai time yesterday's bill is STATEMENT_CREATING");
	wxt_resp_free(&r);
	wxt_call(&a, &m, "GET", "/v3/bill/tradebill?bill_date=2025-12-30", NULL, NULL, 0, &r);
	sbt_ok(r.status == 200, "while the day before's is ready");
	wxt_resp_free(&r);
	sbt_stop(&a);
	sbt_start(&b, same);
	wxt_sync_clock(&b);
	sbt_request(&b, "GET", "/_admin/checksum", NULL, NULL, NULL, 0, &cs);
	sbt_ok(cs.json && json_equal(cs.json, first), "the same seed gives the same checksums");
	sbt_resp_free(&cs);
	get_bill(&b, "/v3/bill/tradebill?bill_date=2025-12-30", &file, &n, hash, &r);
	sbt_ok(strcmp(hash, hash0) == 0, "and the same bill, byte for byte");
	wxt_resp_free(&r);
	free(file);
	sbt_stop(&b);
	sbt_start(&c, other);
	sbt_request(&c, "GET", "/_admin/checksum", NULL, NULL, NULL, 0, &cs);
	sbt_ok(cs.json && !json_equal(cs.json, first), "another seed gives other data");
	sbt_resp_free(&cs);
	sbt_stop(&c);
}

int main(void)
{
	struct sbt_server srv;
	struct sbt_resp cs;
	struct wxt_resp r;
	struct state st;
	const char *tmp = getenv("TMPDIR");
	const char *args[] = {"--platform", "wechatpay", "--merchant", dir,  "--orders", "4000",
	                      "--days",     "100",       "--now",      NOON, NULL};
	char date[64], cmd[600], hash0[41] = "", *file;
	json_t *first;
	size_t n;
	int64_t d;

	memset(&st, 0, sizeof(st));
	snprintf(dir, sizeof(dir), "%s/wx-bills.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL || rmdir(dir) != 0 || wxt_init_merchant(dir) != 0 ||
	    wxt_load(&m, dir) != 0) {
		printf("Bail out! cannot make a merchant in %s\n", dir);
		return 1;
	}
	sbt_start(&srv, args);
	wxt_sync_clock(&srv);
	for (d = DAY0 - 90; d < DAY0; d++) {
		date_of(d, date);
		trade_day(&srv, &st, date);
		fund_day(&srv, &st, date);
	}
	sbt_ok(st.bad_trade == 0,
	       "90 ALL bills: BOM, CRLF, header, 27 backticked columns, dated rows, fees "
	       "= amount x rate to 5 decimals, SHA1 matches, signed API reply, unsigned file");
	sbt_ok(st.sub_fen > 0, "some fees have digits below the fen (%d)", st.sub_fen);
	sbt_ok(st.refund_rows > 0, "refund rows appear (%d)", st.refund_rows);
	sbt_ok(st.bad_fund == 0, "90 fund flow bills: BOM, CRLF, header, 11 backticked columns");
	sbt_ok(st.bad_sums == 0, "every summary row is the exact sum of its detail rows");
	sbt_ok(st.bad_balance == 0, "each entry's balance follows from the one before, day to day");
	sbt_ok(st.withdrawals_n >= 85 && st.bad_withdrawal == 0,
	       "a withdrawal (提现) at 05:00:00 takes the whole balance, daily (%d)",
	       st.withdrawals_n);
	sbt_request(&srv, "GET", "/_admin/checksum", NULL, NULL, NULL, 0, &cs);
	first = json_incref(cs.json);
	sbt_resp_free(&cs);
	check_checksum(&srv, &st);
	free(st.o);
	check_types(&srv, st.refund_day[0] ? st.refund_day : "2025-12-30");
	get_bill(&srv, "/v3/bill/tradebill?bill_date=2025-12-30", &file, &n, hash0, &r);
	wxt_resp_free(&r);
	free(file);
	check_refusals(&srv, "2025-12-29");
	check_expiry(&srv, "2025-12-29");
	check_others(first, hash0);
	json_decref(first);
	sbt_ok(sbt_stop(&srv) == 0, "the sandbox exits cleanly");
	wxt_free(&m);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		sbt_diag("could not remove %s", dir);
	return sbt_done();
}
