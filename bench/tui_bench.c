/* tui_bench: figures of the Orders screen on a cache, through a real
 * terminal (a pseudo-terminal whose other end this program drains and
 * counts).
 *
 *   tui_bench CACHE [SEARCH...]
 *
 * Prints: start to first painted Orders screen, the time of one
 * navigation key (down, PgDn, G, g) handled and drawn (median and worst of
 * many), `/` search across all orders for each SEARCH word, bytes written
 * to the terminal for one line of scrolling, and peak RSS.
 *
 * With TUI_BENCH_TRACE=FILE set, the bytes of three single-line scrolling
 * steps (default cursor) are also written to FILE, to see where they go. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "client/client.h"
#include "tests/ui/ui_pty.h"
#include "views/views.h"

/* The start of the output, and when the first rows and the total arrived (under
 * ui_pty_lock). */
static char head[1 << 16];
static size_t head_len;
static double rows_seen_ms, total_seen_ms;
/* While set, the terminal's output is copied here as well. */
static FILE *trace;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Watches the terminal's output (runs under ui_pty_lock): copies it to the trace and
 * notes when the status line first shows rows and then the total. */
static void watch(const char *buf, size_t n)
{
	if (trace)
		fwrite(buf, 1, n, trace);
	if (head_len + n < sizeof head - 1) {
		memcpy(head + head_len, buf, n);
		head_len += n;
		head[head_len] = '\0';
		/* The status line: "row 1" once rows are painted, " of " once the total is
		 * known. */
		const char *row = memmem(head, head_len, "row 1", 5);
		if (!rows_seen_ms && row)
			rows_seen_ms = now_ms();
		if (!total_seen_ms && row && memmem(row, head_len - (size_t)(row - head), "of ", 3))
			total_seen_ms = now_ms();
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Times `reps` runs of one request; prints median and worst. */
static void time_request(FILE *out, const char *name, int request, int reps, int undo)
{
	double *t = calloc((size_t)reps, sizeof *t);
	if (!t)
		return;
	for (int i = 0; i < reps; i++) {
		double start = now_ms();
		tui_do_request(request);
		t[i] = now_ms() - start;
		if (undo)
			tui_do_request(undo);
	}
	qsort(t, (size_t)reps, sizeof *t, cmp_double);
	fprintf(out,
	        "key %-14s handled and drawn: median %.3f ms  p95 %.3f ms  worst %.3f ms  (%d "
	        "runs)\n",
	        name, t[reps / 2], t[reps * 95 / 100], t[reps - 1], reps);
	free(t);
}

int main(int argc, char **argv)
{
	double t0 = now_ms();
	if (argc < 2) {
		fprintf(stderr, "usage: tui_bench CACHE [SEARCH...]\n");
		return 2;
	}
	FILE *report = NULL;
	char err[512];
	if (ui_pty_start(argv[1], "bench", watch, &report, err, sizeof err) != 0) {
		fprintf(report ? report : stderr, "tui_bench: %s\n", err);
		return 1;
	}
	ui_pty_settled();
	double first_paint = rows_seen_ms - t0;
	double with_total = total_seen_ms - t0;
	struct query_order_filter all;
	query_order_filter_init(&all);
	double count_start = now_ms();
	long count = query_orders_count(views_app.query, &all);
	double count_ms = now_ms() - count_start;
	fprintf(report, "cache %s: %ld orders\n", argv[1], count);
	fprintf(report, "start to first painted Orders screen (rows on the terminal): %.2f ms\n",
	        first_paint);
	fprintf(report,
	        "start to the row count on the status line: %.2f ms (a count alone: %.2f ms)\n",
	        with_total, count_ms);

	/* Bytes for one line of scrolling: cursor at the bottom, then down. */
	for (int i = 0; i < 25; i++)
		tui_do_request(TUI_REQ_MOVE_DOWN);
	unsigned long long before = ui_pty_settled();
	int lines = 200;
	for (int i = 0; i < lines; i++)
		tui_do_request(TUI_REQ_MOVE_DOWN);
	unsigned long long after = ui_pty_settled();
	fprintf(report,
	        "bytes to the terminal per line scrolled (80x24, %d lines, default arrow cursor): "
	        "%.1f\n",
	        lines, (double)(after - before) / lines);
	const char *trace_path = getenv("TUI_BENCH_TRACE");
	if (trace_path && *trace_path) {
		FILE *f = fopen(trace_path, "w");
		if (!f) {
			fprintf(report, "tui_bench: cannot write %s\n", trace_path);
		} else {
			for (int i = 0; i < 3; i++) {
				ui_pty_settled();
				ui_pty_lock();
				trace = f;
				fprintf(f, "\n==== step %d ====\n", i + 1);
				ui_pty_unlock();
				tui_do_request(TUI_REQ_MOVE_DOWN);
				ui_pty_settled();
				ui_pty_lock();
				trace = NULL;
				ui_pty_unlock();
			}
			if (fclose(f) != 0)
				fprintf(report, "tui_bench: cannot write %s\n", trace_path);
		}
	}
	tui_do_request(TUI_REQ_BAR_CURSOR);
	before = ui_pty_settled();
	for (int i = 0; i < lines; i++)
		tui_do_request(TUI_REQ_MOVE_DOWN);
	after = ui_pty_settled();
	tui_do_request(TUI_REQ_BAR_CURSOR);
	fprintf(report, "  the same with the reverse-video bar cursor (:bar-cursor): %.1f\n",
	        (double)(after - before) / lines);

	fflush(report);
	FILE *out = report;
	time_request(out, "down", TUI_REQ_MOVE_DOWN, 400, 0);
	time_request(out, "up", TUI_REQ_MOVE_UP, 400, 0);
	time_request(out, "PgDn", TUI_REQ_PAGE_DOWN, 400, 0);
	time_request(out, "PgUp", TUI_REQ_PAGE_UP, 400, 0);
	time_request(out, "G", TUI_REQ_LAST, 50, TUI_REQ_FIRST);
	time_request(out, "g", TUI_REQ_FIRST, 50, TUI_REQ_LAST);
	for (int i = 2; i < argc; i++) {
		char command[256];
		snprintf(command, sizeof command, "search %s", argv[i]);
		double start = now_ms();
		tui_run_command(command);
		tui_draw();
		double took = now_ms() - start;
		fprintf(out, "search \"%s\" (first page drawn, matches counted): %.2f ms\n",
		        argv[i], took);
		char label[64];
		snprintf(label, sizeof label, "down/%s", argv[i]);
		time_request(out, label, TUI_REQ_MOVE_DOWN, 100, 0);
		snprintf(label, sizeof label, "PgDn/%s", argv[i]);
		time_request(out, label, TUI_REQ_PAGE_DOWN, 20, 0);
		tui_run_command("search ");
		tui_draw();
	}
	ui_pty_stop();
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	fprintf(out, "peak RSS: %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
	fclose(out);
	return 0;
}
