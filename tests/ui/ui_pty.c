/* See ui_pty.h. */
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
#include "tests/ui/ui_pty.h"
#include "views/views.h"

static int master_fd = -1;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long long total;
static void (*output_fn)(const char *buf, size_t n);

/* Drains the terminal's output, counting bytes and handing them to output_fn. */
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
		if (output_fn)
			output_fn(buf, (size_t)n);
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

int ui_pty_start(const char *cache, const char *profile,
                 void (*on_output)(const char *buf, size_t n), FILE **report, char *err,
                 size_t err_size)
{
	output_fn = on_output;
	setlocale(LC_ALL, "");
	int slave_fd;
	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	if (openpty(&master_fd, &slave_fd, NULL, NULL, &ws) < 0) {
		snprintf(err, err_size, "openpty: %s", strerror(errno));
		return -1;
	}
	pthread_t reader;
	if (pthread_create(&reader, NULL, drain, NULL) != 0) {
		snprintf(err, err_size, "no thread to read the terminal");
		return -1;
	}
	*report = fdopen(dup(STDOUT_FILENO), "w");
	if (!*report) {
		snprintf(err, err_size, "stdout: %s", strerror(errno));
		return -1;
	}
	dup2(slave_fd, STDIN_FILENO);
	dup2(slave_fd, STDOUT_FILENO);
	setenv("TERM", "xterm-256color", 1);
	unsetenv("LINES");
	unsetenv("COLUMNS");

	views_app.query = query_open(cache, err, err_size);
	if (!views_app.query)
		return -1;
	views_app.profile = profile;
	views_app.offline = true;
#define REGISTER_(id) tui_register_view(&view_##id##_ops);
	VIEWS_LIST(REGISTER_)
#undef REGISTER_
	struct tui_options options = {.program = "paydesk"};
	if (tui_init(&options) < 0) {
		snprintf(err, err_size, "the terminal could not be set up");
		return -1;
	}
	tui_view_push("orders", NULL);
	tui_draw();
	return 0;
}

unsigned long long ui_pty_settled(void)
{
	/* tcdrain on our side, then a short settle for the reader thread. */
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

void ui_pty_lock(void)
{
	pthread_mutex_lock(&lock);
}

void ui_pty_unlock(void)
{
	pthread_mutex_unlock(&lock);
}

void ui_pty_stop(void)
{
	tui_exit();
	query_close(&views_app.query);
	close(master_fd);
}
