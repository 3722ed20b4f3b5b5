#include "config.h"

#include "bench/bench_sandbox.h"

#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

pid_t bench_sandbox_start(char *const argv[], int *port)
{
	int fds[2];
	if (pipe(fds) != 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	FILE *f = fdopen(fds[0], "r");
	if (!f || fscanf(f, "%d", port) != 1) {
		bench_sandbox_stop(pid);
		if (f)
			fclose(f);
		else
			close(fds[0]);
		return -1;
	}
	fclose(f);
	return pid;
}

void bench_sandbox_stop(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}
