/* The background sync of the screens: a thread with its own cache
 * connection runs the client's sync while the user browses; it reports
 * progress through a wake-up descriptor and never blocks input. */
#ifndef PAYDESK_SYNC_WORKER_H
#define PAYDESK_SYNC_WORKER_H

#include <stdbool.h>
#include <stddef.h>

struct profile;
struct sync_worker;

/* Creates the profile's cache file with its schema if it does not exist
 * yet, migrating or setting aside a broken one (no network).  What had to
 * be done goes into notice ("" when nothing).  Returns 0, or -1 with a
 * translated reason in err. */
int sync_worker_prepare_cache(const struct profile *profile, char *notice, size_t notice_size,
                              char *err, size_t err_size);

/* A worker for the profile (copied; the key stays in memory only).
 * NULL with err filled on failure.  Free with sync_worker_free. */
struct sync_worker *sync_worker_new(const struct profile *profile, char *err, size_t err_size);

/* Where to write a byte when something changed (the TUI's wake-up fd). */
void sync_worker_attach(struct sync_worker *w, int wake_fd);

/* Starts one sync in the background.  Returns 0, or -1 when one is
 * running or the thread could not start. */
int sync_worker_start(struct sync_worker *w);

/* True while a sync runs. */
bool sync_worker_busy(struct sync_worker *w);

/* Collects news from the thread (main thread only): true when new data
 * was committed since the last call. */
bool sync_worker_poll(struct sync_worker *w);

/* Progress text for the status line while syncing; false when idle. */
bool sync_worker_progress(struct sync_worker *w, char *buf, size_t size);

/* True when the last sync could not reach the platform. */
bool sync_worker_unreachable(struct sync_worker *w);

/* Cancels a running sync, waits for the thread, frees, clears *w. */
void sync_worker_free(struct sync_worker **w);

#endif
