/* Measures paydesk-sandbox --platform alipay: seeding N trades over D days, peak memory,
 * a day's trade bill (link and zip download) and the month's, the account log served per
 * second in pages of 2000 over a 31-day window, and signed trade.query calls per second
 * (client signing and verification included). Prints the figures; asserts nothing.
 *
 * Usage: alipay_bench [--orders N] [--days D] [--sandbox PATH]
 * (defaults: 900000 trades over 90 days, $PAYDESK_SANDBOX or ./paydesk-sandbox) */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/sandbox/alit.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A line of the sandbox's /proc/PID/status in KiB (VmHWM: peak resident; RssAnon:
 * private memory, the rest being the mapped store), or -1. */
static long status_kib(pid_t pid, const char *field)
{
	char path[64], line[256];
	FILE *f;
	long kib = -1;
	size_t n = strlen(field);

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, n) == 0 && line[n] == ':')
			kib = atol(line + n + 1);
	fclose(f);
	return kib;
}

/* The sandbox's CPU seconds so far (user + system). */
static double cpu_s(pid_t pid)
{
	char path[64], buf[1024];
	FILE *f;
	unsigned long ut = 0, st = 0;
	const char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	if (fgets(buf, sizeof(buf), f) == NULL)
		buf[0] = '\0';
	fclose(f);
	/* Fields 14 and 15, counted after the command's closing parenthesis. */
	p = strrchr(buf, ')');
	if (p == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return 0;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Times a bill: the link, then the download; returns the seconds of both and the zip's
 * size and the detail's rows. */
static double time_bill(struct alit *a, const char *date, size_t *zip_bytes, long *rows)
{
	double t0 = now_s(), t;
	struct alit_bill b;

	*zip_bytes = 0;
	*rows = 0;
	if (alit_bill_fetch(a, "trade", date, &b) != 0)
		return -1;
	t = now_s() - t0;
	*zip_bytes = b.raw_len;
	/* Rows: lines but the 5 up to the header and the 4 after the rows. */
	for (const char *p = b.text[0]; *p; p++)
		if (*p == '\n')
			(*rows)++;
	*rows -= 9;
	alit_bill_free(&b);
	return t;
}

int main(int argc, char **argv)
{
	const char *orders = "900000", *days = "90";
	struct alit a;
	double t0, t;
	long long now, today;
	char date[16], month[16], from[32], to[32], biz[256];
	long entries = 0;
	double cpu;
	int i;

	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--orders") == 0)
			orders = argv[i + 1];
		else if (strcmp(argv[i], "--days") == 0)
			days = argv[i + 1];
		else if (strcmp(argv[i], "--sandbox") == 0)
			setenv("PAYDESK_SANDBOX", argv[i + 1], 1);
	}
	{
		const char *const args[] = {"--orders", orders,  "--days", days,
		                            "--now",    SBT_NOW, NULL};

		alit_make_merchant(&a);
		t0 = now_s();
		alit_start(&a, args);
		t = now_s() - t0;
	}
	printf("seed: %s trades over %s days in %.2f s (to the first line of output)\n", orders,
	       days, t);
	now = alit_now(&a);
	today = alit_day(now);

	{
		double worst = 0, sum = 0, c0 = cpu_s(a.srv.pid);
		size_t bytes = 0;
		long rows = 0;

		for (i = 1; i <= 5; i++) {
			alit_date(today - i * 86400LL, date, sizeof(date));
			t = time_bill(&a, date, &bytes, &rows);
			sum += t;
			if (t > worst)
				worst = t;
		}
		printf("day's trade bill (link + zip, %ld rows, %zu bytes zipped): mean %.3f s, "
		       "worst %.3f s over 5 days (unzipped and decoded here); the sandbox's CPU "
		       "%.3f s a bill\n",
		       rows, bytes, sum / 5, worst, (cpu_s(a.srv.pid) - c0) / 5);
	}
	{
		size_t bytes;
		long rows;
		int y, m;

		alit_date(today, date, sizeof(date));
		y = atoi(date);
		m = atoi(date + 5) - 1;
		if (m == 0) {
			m = 12;
			y--;
		}
		snprintf(month, sizeof(month), "%04d-%02d", y % 10000, m % 100);
		t = time_bill(&a, month, &bytes, &rows);
		printf("month's trade bill %s (%ld rows, %zu bytes zipped): %.2f s\n", month, rows,
		       bytes, t);
	}

	alit_time(today - 31 * 86400LL, from, sizeof(from));
	alit_time(today, to, sizeof(to));
	cpu = cpu_s(a.srv.pid);
	t0 = now_s();
	for (int page = 1; page < 100000; page++) {
		struct alit_reply r;
		size_t got;

		snprintf(biz, sizeof(biz),
		         "{\"start_time\":\"%s\",\"end_time\":\"%s\",\"page_no\":\"%d\","
		         "\"page_size\":\"2000\"}",
		         from, to, page);
		alit_call(&a, "alipay.data.bill.accountlog.query", biz, &r);
		got = json_array_size(json_object_get(r.json, "detail_list"));
		entries += (long)got;
		alit_reply_free(&r);
		if (got < 2000)
			break;
	}
	t = now_s() - t0;
	cpu = cpu_s(a.srv.pid) - cpu;
	printf("account log, 31 days in pages of 2000: %ld entries in %.2f s, %.0f entries/s "
	       "(replies parsed and verified here); the sandbox's CPU: %.2f s, %.0f entries/s\n",
	       entries, t, (double)entries / t, cpu, cpu > 0 ? (double)entries / cpu : 0);

	{
		struct alit_bill b;
		char *l[8], *c[30], trade_no[40] = "";
		int lf;

		alit_date(today - 86400LL, date, sizeof(date));
		if (alit_bill_fetch(&a, "trade", date, &b) == 0 &&
		    alit_lines(b.text[0], l, 8, &lf) > 5 && alit_cells(l[5], c, 30) == 25)
			snprintf(trade_no, sizeof(trade_no), "%s", alit_strip_tab(c[0]));
		alit_bill_free(&b);
		snprintf(biz, sizeof(biz), "{\"trade_no\":\"%s\"}", trade_no);
		t0 = now_s();
		for (i = 0; i < 500; i++) {
			struct alit_reply r;

			alit_call(&a, "alipay.trade.query", biz, &r);
			alit_reply_free(&r);
		}
		t = now_s() - t0;
		printf("trade.query, one connection at a time: %.0f calls/s (signing and "
		       "verifying both ways)\n",
		       500 / t);
	}
	printf("sandbox peak RSS: %ld MiB, %ld MiB of it private (the rest is the mapped store)\n",
	       status_kib(a.srv.pid, "VmHWM") / 1024, status_kib(a.srv.pid, "RssAnon") / 1024);
	alit_stop(&a);
	alit_free(&a);
	return 0;
}
