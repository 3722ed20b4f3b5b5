/* Printing through CUPS: lp runs from an argument vector (no shell ever sees the printer
 * name, the title or the path), its answer gives the job id. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client/client.h"
#include "tui/tui.h"
#include "views/statement.h"

extern char **environ;

/* Reads everything from fd into buf (NUL-terminated, cut at size - 1). */
static void read_all(int fd, char *buf, size_t size)
{
	size_t len = 0;
	for (;;) {
		char chunk[512];
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		size_t take = (size_t)n < size - 1 - len ? (size_t)n : size - 1 - len;
		memcpy(buf + len, chunk, take);
		len += take;
	}
	buf[len] = '\0';
}

/* The first line of lp's output, sanitized, for a message. */
static void first_line(const char *out, char *buf, size_t size)
{
	size_t n = strcspn(out, "\n");
	tui_sanitize(out, n, buf, size, 0);
}

int statement_cups_run(const char *const *argv, char *const *envp, char *out, size_t out_size,
                       int *status)
{
	int pipefd[2];
	if (pipe(pipefd) != 0)
		return errno;
	posix_spawn_file_actions_t fa;
	if (posix_spawn_file_actions_init(&fa) != 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return ENOMEM;
	}
	posix_spawn_file_actions_addclose(&fa, pipefd[0]);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDERR_FILENO);
	posix_spawn_file_actions_addclose(&fa, pipefd[1]);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (rc != 0) {
		close(pipefd[0]);
		return rc;
	}
	read_all(pipefd[0], out, out_size);
	close(pipefd[0]);
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return errno;
	return 0;
}

int statement_print(const char *path, const char *printer, const char *title, int copies, char *job,
                    size_t job_size, char *err, size_t err_size)
{
	if (job_size)
		job[0] = '\0';
	if (copies < 1 || copies > 100) {
		snprintf(err, err_size, "%s", _("the number of copies must be between 1 and 100"));
		return -1;
	}
	char ncopies[16];
	snprintf(ncopies, sizeof ncopies, "%d", copies);
	const char *argv[12];
	int argc = 0;
	argv[argc++] = "lp";
	if (printer && *printer) {
		argv[argc++] = "-d";
		argv[argc++] = printer;
	}
	argv[argc++] = "-t";
	argv[argc++] = title;
	argv[argc++] = "-n";
	argv[argc++] = ncopies;
	argv[argc++] = "--";
	argv[argc++] = path;
	argv[argc] = NULL;

	char out[2048];
	int status;
	int rc = statement_cups_run(argv, environ, out, sizeof out, &status);
	if (rc != 0) {
		if (rc == ENOENT)
			snprintf(
			        err, err_size, "%s",
			        _("CUPS's lp command was not found; install cups-client to print"));
		else
			snprintf(err, err_size, _("cannot run lp: %s"), strerror(rc));
		return -1;
	}
	char line[512];
	first_line(out, line, sizeof line);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (line[0])
			snprintf(err, err_size, _("printing failed: %s"), line);
		else
			snprintf(err, err_size, "%s", _("printing failed: lp gave no reason"));
		return -1;
	}
	/* lp answers "request id is QUEUE-123 (1 file(s))". */
	const char *at = strstr(out, "request id is ");
	if (at) {
		at += strlen("request id is ");
		size_t n = strcspn(at, " \n");
		char raw[256];
		snprintf(raw, sizeof raw, "%.*s", (int)(n < sizeof raw ? n : sizeof raw - 1), at);
		tui_sanitize(raw, strlen(raw), job, job_size, 0);
	} else {
		snprintf(job, job_size, "%s", line[0] ? line : "?");
	}
	return 0;
}
