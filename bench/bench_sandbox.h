/* Running paydesk-sandbox for a benchmark: started on a port of its choosing, which it
 * prints, and stopped. */
#ifndef PAYDESK_BENCH_SANDBOX_H
#define PAYDESK_BENCH_SANDBOX_H

#include <sys/types.h>

/* Starts argv[0] with argv (NULL-terminated; give it --port 0); returns its pid and fills
 * port with the one it printed, or -1. */
pid_t bench_sandbox_start(char *const argv[], int *port);

/* Stops it and waits for it. */
void bench_sandbox_stop(pid_t pid);

#endif
