/* GET /_admin/checksum of the Alipay sandbox equals what a client computes on its own
 * from the last 90 days' trade bills, the complaint API and the account log API, line
 * for line as sandbox/alipay/README.md defines the lines; and the same seed gives the
 * same data (checksums, bills byte for byte, signed replies). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/sandbox/alit.h"

static const char *const seed_args[] = {"--seed", "13",    "--orders", "4000", "--days",
                                        "100",    "--now", SBT_NOW,    NULL};

/* Lines of one resource, to be sorted and hashed. */
struct lines {
	char **v;
	size_t n, cap;
};

static void add(struct lines *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct lines *l, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = strdup(buf);
}

static int by_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Refund lines sort by (trade_no, out_request_no), not as whole lines. */
static int by_fields(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;

	for (;;) {
		size_t nx = strcspn(x, "|"), ny = strcspn(y, "|");
		int c = strncmp(x, y, nx < ny ? nx : ny);

		if (c == 0 && nx != ny)
			c = nx < ny ? -1 : 1;
		if (c != 0 || x[nx] == '\0' || y[ny] == '\0')
			return c;
		x += nx + 1;
		y += ny + 1;
	}
}

/* count and 64-bit FNV-1a of the sorted lines, each ending in "\n". */
static void hash(struct lines *l, int fields, char *out, size_t n)
{
	unsigned long long h = 0xcbf29ce484222325ULL;

	qsort(l->v, l->n, sizeof(*l->v), fields ? by_fields : by_line);
	for (size_t i = 0; i < l->n; i++) {
		for (const char *p = l->v[i]; *p; p++) {
			h ^= (unsigned char)*p;
			h *= 0x100000001b3ULL;
		}
		h ^= '\n';
		h *= 0x100000001b3ULL;
		free(l->v[i]);
	}
	snprintf(out, n, "%zu %016llx", l->n, h);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void sandbox_says(json_t *sum, const char *name, char *out, size_t n)
{
	json_t *o = json_object_get(sum, name);

	snprintf(out, n, "%lld %s", (long long)json_integer_value(json_object_get(o, "count")),
	         json_string_value(json_object_get(o, "fnv")));
}

/* Orders and refunds from the trade bills of today-90 .. yesterday. */
static int from_bills(struct alit *a, long long today, struct lines *orders, struct lines *refunds)
{
	json_t *refunded = json_object();
	struct lines pending = {0};
	char date[16], *l[20000], *c[40];

	for (long long d = today - 90 * 86400LL; d < today; d += 86400) {
		struct alit_bill b;
		int lf, n, i;

		alit_date(d, date, sizeof(date));
		if (alit_bill_fetch(a, "trade", date, &b) != 0) {
			json_decref(refunded);
			return -1;
		}
		n = alit_lines(b.text[0], l, 20000, &lf);
		for (i = 5; i < n && l[i][0] != '#'; i++) {
			const char *trade_no, *kind;
			long long amount;

			if (alit_cells(l[i], c, 40) != 25)
				continue;
			trade_no = alit_strip_tab(c[0]);
			kind = alit_strip_tab(c[2]);
			amount = alit_fen(c[11]);
			if (strcmp(kind, "交易") == 0) {
				add(&pending, "%s|%s|%lld|cny", trade_no, alit_strip_tab(c[1]),
				    amount);
			} else {
				json_t *v = json_object_get(refunded, trade_no);

				add(refunds, "%s|%s|%lld", trade_no, alit_strip_tab(c[21]),
				    -amount);
				json_object_set_new(refunded, trade_no,
				                    json_integer(json_integer_value(v) - amount));
			}
		}
		alit_bill_free(&b);
	}
	for (size_t i = 0; i < pending.n; i++) {
		char trade_no[40];

		snprintf(trade_no, sizeof(trade_no), "%.28s", pending.v[i]);
		add(orders, "%s|%lld", pending.v[i],
		    (long long)json_integer_value(json_object_get(refunded, trade_no)));
		free(pending.v[i]);
	}
	free(pending.v);
	json_decref(refunded);
	return 0;
}

/* Complaints made in those days, from batchquery and query. */
static int from_complaints(struct alit *a, long long today, struct lines *out)
{
	char begin[32], end[32], biz[256];
	int page, total = -1;

	alit_time(today - 90 * 86400LL, begin, sizeof(begin));
	alit_time(today - 1, end, sizeof(end));
	for (page = 1; page < 1000; page++) {
		struct alit_reply r;
		json_t *list;

		snprintf(biz, sizeof(biz),
		         "{\"begin_time\":\"%s\",\"end_time\":\"%s\",\"page_num\":%d,\"page_size\":"
		         "20}",
		         begin, end, page);
		alit_call(a, "alipay.merchant.tradecomplain.batchquery", biz, &r);
		list = json_object_get(r.json, "trade_complain_infos");
		total = (int)json_integer_value(json_object_get(r.json, "total_num"));
		for (size_t i = 0; i < json_array_size(list); i++) {
			const char *id = json_string_value(
			        json_object_get(json_array_get(list, i), "complain_event_id"));
			struct alit_reply q;

			snprintf(biz, sizeof(biz), "{\"complain_event_id\":\"%s\"}", id);
			alit_call(a, "alipay.merchant.tradecomplain.query", biz, &q);
			add(out, "%s|%s|%s|%lld", id, alit_str(&q, "trade_no"),
			    alit_str(&q, "status"), alit_fen(alit_str(&q, "trade_amount")));
			alit_reply_free(&q);
		}
		alit_reply_free(&r);
		if ((int)out->n >= total)
			break;
	}
	return (int)out->n == total ? 0 : -1;
}

/* The account log from the first of those days through now, and its withdrawals. */
static int from_accountlog(struct alit *a, long long today, long long now, struct lines *log,
                           struct lines *withdrawals)
{
	for (long long from = today - 90 * 86400LL; from <= now; from += 31 * 86400LL) {
		char s[32], e[32], biz[200];
		long long to = from + 31 * 86400LL;

		alit_time(from, s, sizeof(s));
		alit_time(to > now + 1 ? now + 1 : to, e, sizeof(e));
		for (int page = 1; page < 10000; page++) {
			struct alit_reply r;
			json_t *list;
			size_t i;

			snprintf(biz, sizeof(biz),
			         "{\"start_time\":\"%s\",\"end_time\":\"%s\",\"page_no\":\"%d\"}",
			         s, e, page);
			alit_call(a, "alipay.data.bill.accountlog.query", biz, &r);
			if (strcmp(r.code, "10000") != 0 || !r.verified) {
				alit_reply_free(&r);
				return -1;
			}
			list = json_object_get(r.json, "detail_list");
			for (i = 0; i < json_array_size(list); i++) {
				json_t *x = json_array_get(list, i);
				const char *id =
				        json_string_value(json_object_get(x, "account_log_id"));
				const char *type = json_string_value(json_object_get(x, "type"));
				long long amount = alit_fen(
				        json_string_value(json_object_get(x, "trans_amount")));

				add(log, "%s|%lld|%s|%s", id, amount, type,
				    json_string_value(json_object_get(x, "alipay_order_no")));
				if (strcmp(type, "提现") == 0)
					add(withdrawals, "%s|%lld|%.10s", id, -amount,
					    json_string_value(json_object_get(x, "trans_dt")));
			}
			i = json_array_size(list);
			alit_reply_free(&r);
			if (i < 2000)
				break;
		}
	}
	return 0;
}

static void check_checksum(struct alit *a)
{
	long long now = alit_now(a), today = alit_day(now);
	struct lines orders = {0}, refunds = {0}, complaints = {0}, log = {0}, withdrawals = {0};
	json_t *sum;
	char mine[64], theirs[64];
	int ok_bills, ok_complaints, ok_log;

	/* Live activity first, so that today has entries the bills do not. */
	json_decref(alit_admin(a, "/_admin/create", "orders=3&refunds=2&complaints=1"));
	ok_bills = from_bills(a, today, &orders, &refunds) == 0;
	ok_complaints = from_complaints(a, today, &complaints) == 0;
	ok_log = from_accountlog(a, today, alit_now(a), &log, &withdrawals) == 0;
	sum = alit_admin(a, "/_admin/checksum", NULL);
	hash(&orders, 0, mine, sizeof(mine));
	sandbox_says(sum, "orders", theirs, sizeof(theirs));
	sbt_ok(ok_bills && strcmp(mine, theirs) == 0,
	       "orders from 90 days of trade bills: %s (sandbox %s)", mine, theirs);
	hash(&refunds, 1, mine, sizeof(mine));
	sandbox_says(sum, "refunds", theirs, sizeof(theirs));
	sbt_ok(ok_bills && strcmp(mine, theirs) == 0, "refunds from the bills: %s (sandbox %s)",
	       mine, theirs);
	hash(&complaints, 0, mine, sizeof(mine));
	sandbox_says(sum, "complaints", theirs, sizeof(theirs));
	sbt_ok(ok_complaints && strcmp(mine, theirs) == 0,
	       "complaints from batchquery and query: %s (sandbox %s)", mine, theirs);
	hash(&log, 0, mine, sizeof(mine));
	sandbox_says(sum, "accountlog", theirs, sizeof(theirs));
	sbt_ok(ok_log && strcmp(mine, theirs) == 0,
	       "the account log through now, today's entries included: %s (sandbox %s)", mine,
	       theirs);
	hash(&withdrawals, 0, mine, sizeof(mine));
	sandbox_says(sum, "withdrawals", theirs, sizeof(theirs));
	sbt_ok(ok_log && strcmp(mine, theirs) == 0 && strncmp(mine, "0 ", 2) != 0,
	       "withdrawals: %s (sandbox %s)", mine, theirs);
	json_decref(sum);
}

static void check_same_seed(struct alit *a)
{
	struct alit b = *a;
	json_t *s1, *s2;
	struct alit_bill x, y;
	char date[16];
	struct alit_reply r1, r2;
	char *d1, *d2;

	alit_start(&b, seed_args);
	s1 = alit_admin(a, "/_admin/checksum", NULL);
	s2 = alit_admin(&b, "/_admin/checksum", NULL);
	d1 = json_dumps(s1, JSON_SORT_KEYS);
	d2 = json_dumps(s2, JSON_SORT_KEYS);
	sbt_ok(d1 && d2 && strcmp(d1, d2) == 0, "the same seed gives the same checksums");
	free(d1);
	free(d2);
	alit_date(alit_day(alit_now(a)) - 10 * 86400LL, date, sizeof(date));
	{
		int got = alit_bill_fetch(a, "trade", date, &x) == 0 &&
		          alit_bill_fetch(&b, "trade", date, &y) == 0;

		sbt_ok(got && x.raw_len == y.raw_len && memcmp(x.raw, y.raw, x.raw_len) == 0,
		       "and the same bill, byte for byte (%s, %zu bytes)", date, x.raw_len);
	}
	{
		char *l[5000], *c[40], biz[100];
		int lf, n = alit_lines(x.text[0], l, 5000, &lf);

		if (n > 5 && alit_cells(l[5], c, 40) == 25) {
			snprintf(biz, sizeof(biz), "{\"trade_no\":\"%s\"}", alit_strip_tab(c[0]));
			alit_call(a, "alipay.trade.query", biz, &r1);
			alit_call(&b, "alipay.trade.query", biz, &r2);
			sbt_ok(r1.verified && r2.verified && r1.http.body && r2.http.body &&
			               strcmp(r1.http.body, r2.http.body) == 0,
			       "and the same signed reply for a trade of it");
			alit_reply_free(&r1);
			alit_reply_free(&r2);
		} else {
			sbt_ok(0, "a trade of the bill");
		}
	}
	alit_bill_free(&x);
	alit_bill_free(&y);
	json_decref(s1);
	json_decref(s2);
	alit_stop(&b);
}

int main(void)
{
	struct alit a;

	alit_make_merchant(&a);
	alit_start(&a, seed_args);
	check_same_seed(&a);
	check_checksum(&a);
	alit_stop(&a);
	alit_free(&a);
	return sbt_done();
}
