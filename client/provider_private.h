/* What every platform's provider shares (private to client/): the connection, the cache
 * its write replies go to, and the platform's own state. */
#ifndef PAYDESK_PROVIDER_PRIVATE_H
#define PAYDESK_PROVIDER_PRIVATE_H

#include "client/cache.h"
#include "client/http.h"
#include "client/provider.h"

struct provider {
	const struct provider_ops *ops;
	const struct provider_platform *platform;
	struct http_client *http;
	const volatile int *cancel; /* provider_set_cancel's flag, for waits between requests */
	struct cache *cache; /* may be NULL: nothing is stored */
	void *impl;          /* the platform's own state */
	void (*impl_free)(void *impl);
};

/* A new provider of the platform, with nothing opened yet (calloc'd); NULL without memory. */
struct provider *provider_new(const struct provider_platform *platform,
                              const struct provider_ops *ops, struct cache *cache);

/* Fills result with an outcome and a message (everything else cleared). */
void provider_fail(struct provider_result *result, enum provider_outcome outcome,
                   const char *message);

/* Stores model objects that a write operation's reply brought, in a transaction of their
 * own. A failure here does not undo what the platform did; the next sync stores it. */
void provider_store(struct provider *p, const struct model_object *objects, size_t n);

/* Whether a request that ended so may do better tried again (no answer, the platform's
 * trouble, too many requests). */
bool provider_outcome_transient(enum provider_outcome o);

#endif
