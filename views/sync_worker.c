/* The background sync of the screens: one thread runs the client's
 * sync_run (its own cache connection and HTTP client) while the main
 * thread keeps reading keys; progress and the end are signalled by a byte
 * on the TUI's wake-up descriptor. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/cache.h"
#include "client/client.h"
#include "client/sync.h"
#include "tui/tui.h"
#include "views/sync_worker.h"

struct sync_worker {
	struct profile profile; /* a copy; the key is wiped on free */
	pthread_t thread;
	bool joinable; /* a thread was started and not joined */
	pthread_mutex_t lock;
	volatile int cancel;
	int wake_fd;
	/* Under lock: */
	bool running;
	bool finished; /* ended, the main thread has not looked yet */
	struct sync_progress progress;
	struct sync_result result;
	int64_t committed; /* objects committed by the running sync */
	/* Main thread only: */
	int64_t seen; /* committed count at the last poll */
	bool unreachable;
};

int sync_worker_prepare_cache(const struct profile *profile, char *notice, size_t notice_size,
                              char *err, size_t err_size)
{
	struct cache *c = cache_open(profile->cache_path, err, err_size);
	if (!c)
		return -1;
	snprintf(notice, notice_size, "%s", cache_notice(c));
	cache_close(&c);
	return 0;
}

struct sync_worker *sync_worker_new(const struct profile *profile, char *err, size_t err_size)
{
	struct sync_worker *w = calloc(1, sizeof *w);
	if (!w) {
		snprintf(err, err_size, "%s", _("Out of memory."));
		return NULL;
	}
	w->profile = *profile;
	w->wake_fd = -1;
	if (pthread_mutex_init(&w->lock, NULL) != 0) {
		profile_clear(&w->profile);
		free(w);
		snprintf(err, err_size, "%s", _("The background sync could not be set up."));
		return NULL;
	}
	return w;
}

void sync_worker_attach(struct sync_worker *w, int wake_fd)
{
	w->wake_fd = wake_fd;
}

/* Wakes the main loop (any thread); a full pipe already holds a wake-up. */
static void wake(struct sync_worker *w)
{
	if (w->wake_fd >= 0) {
		char c = 's';
		if (write(w->wake_fd, &c, 1) < 0) {
			/* Nothing to do: the loop is already due to wake. */
		}
	}
}

static void on_progress(const struct sync_progress *progress, void *user)
{
	struct sync_worker *w = user;
	pthread_mutex_lock(&w->lock);
	w->progress = *progress;
	w->committed = progress->objects;
	pthread_mutex_unlock(&w->lock);
	wake(w);
}

static void *worker_main(void *arg)
{
	struct sync_worker *w = arg;
	struct sync_options options = {.full = false};
	struct sync_result result;
	memset(&result, 0, sizeof result);
	sync_run(&w->profile, &options, on_progress, w, &w->cancel, &result);
	pthread_mutex_lock(&w->lock);
	w->result = result;
	w->committed = result.objects;
	w->running = false;
	w->finished = true;
	pthread_mutex_unlock(&w->lock);
	wake(w);
	return NULL;
}

/* Joins a thread that has ended (main thread). */
static void join_if_done(struct sync_worker *w)
{
	pthread_mutex_lock(&w->lock);
	bool done = !w->running;
	pthread_mutex_unlock(&w->lock);
	if (done && w->joinable) {
		pthread_join(w->thread, NULL);
		w->joinable = false;
	}
}

int sync_worker_start(struct sync_worker *w)
{
	join_if_done(w);
	pthread_mutex_lock(&w->lock);
	if (w->running) {
		pthread_mutex_unlock(&w->lock);
		return -1;
	}
	w->running = true;
	w->finished = false;
	w->committed = 0;
	memset(&w->progress, 0, sizeof w->progress);
	w->progress.permille = -1;
	pthread_mutex_unlock(&w->lock);
	w->seen = 0;
	w->cancel = 0;
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
		pthread_mutex_lock(&w->lock);
		w->running = false;
		pthread_mutex_unlock(&w->lock);
		return -1;
	}
	w->joinable = true;
	return 0;
}

bool sync_worker_busy(struct sync_worker *w)
{
	pthread_mutex_lock(&w->lock);
	bool running = w->running;
	pthread_mutex_unlock(&w->lock);
	return running;
}

bool sync_worker_poll(struct sync_worker *w)
{
	pthread_mutex_lock(&w->lock);
	bool finished = w->finished;
	int64_t committed = w->committed;
	struct sync_result result = w->result;
	w->finished = false;
	pthread_mutex_unlock(&w->lock);
	bool changed = committed != w->seen;
	w->seen = committed;
	if (finished) {
		join_if_done(w);
		w->unreachable =
		        result.outcome == PROVIDER_OFFLINE || result.outcome == PROVIDER_TIMEOUT;
		if (result.outcome != PROVIDER_OK && result.outcome != PROVIDER_CANCELLED)
			tui_message(_("Sync stopped: %s Browsing goes on with the cached data; "
			              "press r to retry."),
			            result.message[0] ? result.message
			                              : provider_outcome_message(result.outcome));
		else if (result.notice[0])
			tui_message("%s", result.notice);
		/* The end may have touched rows without new objects (events). */
		changed = true;
	}
	return changed;
}

bool sync_worker_progress(struct sync_worker *w, char *buf, size_t size)
{
	pthread_mutex_lock(&w->lock);
	bool running = w->running;
	struct sync_progress p = w->progress;
	pthread_mutex_unlock(&w->lock);
	if (!running)
		return false;
	if (p.permille >= 0)
		snprintf(buf, size, _("syncing %s: %lld (%d%%)"),
		         provider_resource_name(p.resource), (long long)p.objects, p.permille / 10);
	else
		snprintf(buf, size, _("syncing %s: %lld"), provider_resource_name(p.resource),
		         (long long)p.objects);
	return true;
}

bool sync_worker_unreachable(struct sync_worker *w)
{
	return w->unreachable;
}

void sync_worker_free(struct sync_worker **wp)
{
	struct sync_worker *w = *wp;
	if (!w)
		return;
	w->cancel = 1;
	if (w->joinable)
		pthread_join(w->thread, NULL);
	pthread_mutex_destroy(&w->lock);
	profile_clear(&w->profile);
	free(w);
	*wp = NULL;
}
