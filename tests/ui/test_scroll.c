/* test_scroll: the bytes the Orders screen writes to a real terminal (a
 * pseudo-terminal this program drains) for one line of scrolling.
 *
 *   test_scroll CACHE
 *
 * Prints TAP.  Bytes, not time: the figure depends only on what curses
 * is asked to draw, so it is checked here; bench/tui.sh reports it too. */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <pthread.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "client/client.h"
#include "views/views.h"

static int master_fd = -1;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long long total;
/* The output of one step, while `recording`. */
static bool recording;
static char step[8192];
static size_t step_len;

/* Drains the terminal's output, counting (and recording) bytes. */
static void *drain(void *arg)
{
	(void)arg;
	char buf[65536];
	for (;;) {
		ssize_t n = read(master_fd, buf, sizeof buf);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			break;
		}
		pthread_mutex_lock(&lock);
		total += (unsigned long long)n;
		if (recording && step_len + (size_t)n < sizeof step) {
			memcpy(step + step_len, buf, (size_t)n);
			step_len += (size_t)n;
		}
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

/* Bytes received once everything written has arrived. */
static unsigned long long settled(void)
{
	tcdrain(STDOUT_FILENO);
	unsigned long long last = 0, cur = 0;
	for (int i = 0; i < 200; i++) {
		pthread_mutex_lock(&lock);
		cur = total;
		pthread_mutex_unlock(&lock);
		if (i > 3 && cur == last)
			break;
		last = cur;
		usleep(2000);
	}
	return cur;
}

/* Average bytes per line over `lines` steps down at the bottom of the list. */
static double per_line(int lines)
{
	unsigned long long before = settled();
	for (int i = 0; i < lines; i++)
		tui_do_request(TUI_REQ_MOVE_DOWN);
	return (double)(settled() - before) / lines;
}

/* SGR sequences (ESC [ ... m) in the bytes of one step down. */
static int sgr_in_one_step(void)
{
	settled();
	pthread_mutex_lock(&lock);
	recording = true;
	step_len = 0;
	pthread_mutex_unlock(&lock);
	tui_do_request(TUI_REQ_MOVE_DOWN);
	settled();
	pthread_mutex_lock(&lock);
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
	pthread_mutex_unlock(&lock);
	return n;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test_scroll CACHE\n");
		return 2;
	}
	setlocale(LC_ALL, "");
	int slave_fd;
	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	if (openpty(&master_fd, &slave_fd, NULL, NULL, &ws) < 0) {
		perror("openpty");
		return 99;
	}
	pthread_t reader;
	if (pthread_create(&reader, NULL, drain, NULL) != 0)
		return 99;
	FILE *tap = fdopen(dup(STDOUT_FILENO), "w");
	if (!tap)
		return 99;
	dup2(slave_fd, STDIN_FILENO);
	dup2(slave_fd, STDOUT_FILENO);
	setenv("TERM", "xterm-256color", 1);
	unsetenv("LINES");
	unsetenv("COLUMNS");
	unsetenv("NO_COLOR");

	char err[512];
	views_app.query = query_open(argv[1], err, sizeof err);
	if (!views_app.query) {
		fprintf(tap, "Bail out! %s\n", err);
		return 99;
	}
	views_app.profile = "test";
	views_app.offline = true;
#define REGISTER_(id) tui_register_view(&view_##id##_ops);
	VIEWS_LIST(REGISTER_)
#undef REGISTER_
	struct tui_options options = {.program = "paydesk"};
	if (tui_init(&options) < 0)
		return 99;
	tui_view_push("orders", NULL);
	tui_draw();
	for (int i = 0; i < 25; i++)
		tui_do_request(TUI_REQ_MOVE_DOWN);

	double arrow = per_line(100);
	tui_do_request(TUI_REQ_BAR_CURSOR);
	tui_draw();
	double bar = per_line(100);
	int bar_sgr = sgr_in_one_step();
	tui_exit();
	query_close(&views_app.query);

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
	close(master_fd);
	return 0;
}
