/* insights_bench: figures of the Insights screen on a cache, through a real terminal (a
 * pseudo-terminal whose other end is drained), and of the sums it reads.
 *
 *   insights_bench CACHE [UNFOLDED_COPY]
 *
 * Prints: the key to the painted Insights screen (30 days), the switch to 90 days, the
 * next measure (median and worst of many), the Risk screen's first page when the build has
 * one, peak RSS; with UNFOLDED_COPY (a copy of the cache whose sums were never folded, as
 * `ui_fill --no-fold` writes it) the 90 days read from the objects themselves, and the
 * fold that the end of a sync runs, on that copy. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "client/cache.h"
#include "client/cache_private.h"
#include "client/client.h"
#include "client/insights.h"
#include "tests/ui/ui_pty.h"
#include "views/views.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* A `:` command handled, drawn and on the terminal, in ms. */
static double command_ms(const char *command)
{
	double start = now_ms();
	tui_run_command(command);
	tui_draw();
	ui_pty_settled();
	return now_ms() - start;
}

/* The 90 days before now read with query_insights on a cache, in ms. */
static double read_90_days(const char *path, int *series)
{
	char err[512];
	struct query *q = query_open(path, err, sizeof err);
	if (!q) {
		fprintf(stderr, "insights_bench: %s\n", err);
		return -1;
	}
	int64_t today, bounds[91];
	insights_day_bounds((int64_t)paydesk_now(), 0, 0, &today);
	insights_day_bounds(today, -89, 90, bounds);
	struct insights in;
	double start = now_ms();
	int rc = query_insights(q, bounds, 90, &in);
	double took = now_ms() - start;
	if (rc != 0)
		fprintf(stderr, "insights_bench: %s\n", query_error(q));
	*series = in.n_series;
	insights_free(&in);
	query_close(&q);
	return rc == 0 ? took : -1;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: insights_bench CACHE [UNFOLDED_COPY]\n");
		return 2;
	}
	FILE *report = NULL;
	char err[512];
	if (ui_pty_start(argv[1], "bench", NULL, &report, err, sizeof err) != 0) {
		fprintf(report ? report : stderr, "insights_bench: %s\n", err);
		return 1;
	}
	ui_pty_settled();
	fprintf(report, "cache %s\n", argv[1]);
	fprintf(report, "key to painted Insights screen (30 days): %.2f ms [<= 100]\n",
	        command_ms("insights"));
	fprintf(report, "s: 30 to 90 days, painted: %.2f ms [<= 100]\n", command_ms("span"));
	double m[40];
	for (int i = 0; i < 40; i++)
		m[i] = command_ms("measure");
	qsort(m, 40, sizeof *m, cmp_double);
	fprintf(report, "m: next measure over 90 days, painted: median %.2f ms  worst %.2f ms\n",
	        m[20], m[39]);
	if (tui_run_command("risk") == 0) {
		tui_run_command("close");
		fprintf(report, "key to the Risk screen's first page, painted: %.2f ms [<= 200]\n",
		        command_ms("risk"));
	}
	ui_pty_stop();
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	fprintf(report, "peak RSS: %.1f MB [<= 32]\n", (double)ru.ru_maxrss / 1024.0);
	if (argc > 2) {
		int n = 0;
		double live = read_90_days(argv[2], &n);
		fprintf(report,
		        "90 days read from the objects (nothing folded, %d currencies): %.2f ms\n",
		        n, live);
		struct cache *c = cache_open(argv[2], err, sizeof err);
		if (!c) {
			fprintf(report, "insights_bench: %s\n", err);
		} else {
			double start = now_ms();
			int rc = cache_insights_fold(cache_db(c));
			fprintf(report,
			        "fold of every quarter (as after a first sync): %.0f ms%s\n",
			        now_ms() - start, rc == 0 ? "" : " (failed)");
			cache_close(&c);
		}
		double folded = read_90_days(argv[2], &n);
		fprintf(report, "the same 90 days from the folded sums: %.2f ms\n", folded);
	}
	fclose(report);
	return 0;
}
