/* The Orders screen on a real terminal for measuring programs: a pseudo-terminal of 80x24
 * whose other end a thread drains and counts (tests/ui/test_scroll, bench/tui_bench). */
#ifndef PAYDESK_UI_PTY_H
#define PAYDESK_UI_PTY_H

#include <stddef.h>
#include <stdio.h>

/* Opens the pseudo-terminal, makes it this process's stdin and stdout (TERM xterm-256color,
 * no LINES or COLUMNS), opens the cache, registers every screen, starts the framework
 * offline under `profile` and draws the Orders screen. Every chunk the terminal receives is
 * counted, then passed to on_output (may be NULL) with the lock held. *report is the old
 * stdout (the caller closes it). Returns 0, or -1 with err filled. */
int ui_pty_start(const char *cache, const char *profile,
                 void (*on_output)(const char *buf, size_t n), FILE **report, char *err,
                 size_t err_size);
/* Bytes the terminal has received once everything written has arrived. */
unsigned long long ui_pty_settled(void);
/* The lock under which on_output runs, for the data it shares with the caller. */
void ui_pty_lock(void);
void ui_pty_unlock(void);
/* Ends the framework, closes the cache and the terminal. */
void ui_pty_stop(void);

#endif
