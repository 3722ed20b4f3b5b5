/* Acting on money from the screens and the command line: the open session (profile, cache,
 * provider), the role bits the app's need hook checks, the confirmations' text, and the
 * request handlers the Orders and Disputes screens call. */
#ifndef PAYDESK_ACTIONS_UI_H
#define PAYDESK_ACTIONS_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/client.h"
#include "views/commands.h"

/* Everything an action needs, opened together. */
struct actions_env {
	struct profile profile;
	struct cache *cache;
	struct provider *provider; /* NULL when offline */
	struct actions_session session;
};

/* Opens the profile (globals->profile), its cache and, unless offline, the platform.
 * Returns 0, or -1 with a translated reason in err (everything closed again). */
int actions_env_open(struct actions_env *env, const char *profile_name, bool offline,
		     char *err, size_t err_size);
/* The same with a profile already loaded (copied). */
int actions_env_open_profile(struct actions_env *env, const struct profile *profile,
			     bool offline, char *err, size_t err_size);
/* Closes what actions_env_open opened; safe twice. */
void actions_env_close(struct actions_env *env);

/* The confirmation of a refund: order, customer, amount and currency in the user's locale,
 * reason; several lines separated by '\n', every platform string sanitized. */
void actions_refund_summary(const struct actions_order *o, int64_t amount, const char *reason,
			    const char *note, char *buf, size_t size);

/* A translated one-line result of an action for a status line or stdout (platform text
 * sanitized). */
void actions_outcome_line(const struct actions_outcome *out, char *buf, size_t size);

/* The exit status of a command for an outcome: 0 done or queued, 3 no answer, 1 else. */
int actions_exit_status(enum actions_status status);

#endif
