/* test_scroll: the bytes the Orders screen writes to a real terminal (a
 * pseudo-terminal this program drains) for one line of scrolling.
 *
 *   test_scroll CACHE
 *
 * Prints TAP.  Bytes, not time: the figure depends only on what curses
 * is asked to draw, so it is checked here; bench/tui.sh reports it too. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ui/ui_pty.h"
#include "tui/tui.h"

/* The output of one step, while `recording` (both under ui_pty_lock). */
static bool recording;
static char step[8192];
static size_t step_len;

/* Records the terminal's output while asked to (runs under ui_pty_lock). */
static void record(const char *buf, size_t n)
{
	if (recording && step_len + n < sizeof step) {
		memcpy(step + step_len, buf, n);
		step_len += n;
	}
}

/* Average bytes per line over `lines` steps down at the bottom of the list. */
static double per_line(int lines)
{
	unsigned long long before = ui_pty_settled();
	for (int i = 0; i < lines; i++)
		tui_do_request(TUI_REQ_MOVE_DOWN);
	return (double)(ui_pty_settled() - before) / lines;
}

/* SGR sequences (ESC [ ... m) in the bytes of one step down. */
static int sgr_in_one_step(void)
{
	ui_pty_settled();
	ui_pty_lock();
	recording = true;
	step_len = 0;
	ui_pty_unlock();
	tui_do_request(TUI_REQ_MOVE_DOWN);
	ui_pty_settled();
	ui_pty_lock();
	recording = false;
	int n = 0;
	for (size_t i = 0; i + 1 < step_len; i++) {
		if (step[i] != '\033' || step[i + 1] != '[')
			continue;
		size_t j = i + 2;
		while (j < step_len && ((step[j] >= '0' && step[j] <= '9') || step[j] == ';'))
			j++;
		if (j < step_len && step[j] == 'm')
			n++;
	}
	ui_pty_unlock();
	return n;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test_scroll CACHE\n");
		return 2;
	}
	unsetenv("NO_COLOR");
	FILE *tap = NULL;
	char err[512];
	if (ui_pty_start(argv[1], "test", record, &tap, err, sizeof err) != 0) {
		if (tap)
			fprintf(tap, "Bail out! %s\n", err);
		else
			fprintf(stderr, "Bail out! %s\n", err);
		return 99;
	}
	for (int i = 0; i < 25; i++)
		tui_do_request(TUI_REQ_MOVE_DOWN);

	double arrow = per_line(100);
	tui_do_request(TUI_REQ_BAR_CURSOR);
	tui_draw();
	double bar = per_line(100);
	int bar_sgr = sgr_in_one_step();
	ui_pty_stop();

	fprintf(tap, "1..3\n");
	fprintf(tap,
	        "%s 1 - one line scrolled costs at most 200 bytes with the default cursor "
	        "(%.1f)\n",
	        arrow <= 200.0 ? "ok" : "not ok", arrow);
	fprintf(tap, "%s 2 - the default cursor is the cheaper one (arrow %.1f, bar %.1f)\n",
	        arrow < bar ? "ok" : "not ok", arrow, bar);
	fprintf(tap,
	        "%s 3 - the bar is one attribute end to end: at most 2 SGR sequences a step (%d)\n",
	        bar_sgr <= 2 ? "ok" : "not ok", bar_sgr);
	fclose(tap);
	return 0;
}
