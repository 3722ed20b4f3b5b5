/* The platforms paydesk serves, one line each, and what every provider shares: opening the
 * profile's platform, its operations, cancelling, pages. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cache_private.h"
#include "client/client.h"
#include "client/model.h"
#include "client/provider_private.h"
#include "client/store.h"
#include "client/alipay/alipay.h"
#include "client/stripe/stripe.h"
#include "client/wechatpay/wechatpay.h"

static const struct provider_platform *const platforms[] = {
        &stripe_platform,
        &wechatpay_platform,
        &alipay_platform,
};

const struct provider_platform *provider_platform_find(const char *name)
{
	for (size_t i = 0; i < sizeof platforms / sizeof *platforms; i++)
		if (strcmp(platforms[i]->name, name) == 0)
			return platforms[i];
	return NULL;
}

const char *provider_platform_names(void)
{
	static char names[128];
	if (!names[0]) {
		size_t len = 0;
		for (size_t i = 0; i < sizeof platforms / sizeof *platforms; i++) {
			int n = snprintf(names + len, sizeof names - len, "%s%s", i ? ", " : "",
			                 platforms[i]->name);
			if (n < 0 || (size_t)n >= sizeof names - len)
				break;
			len += (size_t)n;
		}
	}
	return names;
}

static const char *const resource_names[PROVIDER_RESOURCE_COUNT] = {
        "charges", "payment_intents",      "refunds", "disputes",
        "payouts", "balance_transactions", "events",
};

const char *provider_resource_name(enum provider_resource r)
{
	return r < PROVIDER_RESOURCE_COUNT ? resource_names[r] : "";
}

const char *provider_resource_word(const struct provider_platform *pl, enum provider_resource r)
{
	if (pl && r < PROVIDER_RESOURCE_COUNT && pl->resource_words[r])
		return _(pl->resource_words[r]);
	return provider_resource_name(r);
}

bool provider_outcome_transient(enum provider_outcome o)
{
	return o == PROVIDER_TIMEOUT || o == PROVIDER_OFFLINE || o == PROVIDER_SERVER_ERROR ||
	       o == PROVIDER_RATE_LIMITED;
}

void provider_page_free(struct provider_page *page)
{
	for (size_t i = 0; i < page->n; i++)
		model_object_clear(&page->objects[i]);
	free(page->objects);
	free(page->events);
	jdoc_free(&page->doc);
	jdoc_free(&page->doc2);
	memset(page, 0, sizeof *page);
}

struct provider *provider_new(const struct provider_platform *platform,
                              const struct provider_ops *ops, struct cache *cache)
{
	struct provider *p = calloc(1, sizeof *p);
	if (p) {
		p->platform = platform;
		p->ops = ops;
		p->cache = cache;
	}
	return p;
}

struct provider *provider_open(const struct profile *profile, struct cache *cache, char *err,
                               size_t err_size)
{
	const struct provider_platform *pl = provider_platform_find(profile->platform);
	if (!pl) {
		snprintf(err, err_size, _("unknown platform '%s' (known: %s)"), profile->platform,
		         provider_platform_names());
		return NULL;
	}
	if (pl->check_profile && pl->check_profile(profile, err, err_size) != 0)
		return NULL;
	return pl->open(profile, cache, err, err_size);
}

void provider_close(struct provider **pp)
{
	struct provider *p = *pp;
	if (!p)
		return;
	if (p->impl_free)
		p->impl_free(p->impl);
	http_close(&p->http);
	free(p);
	*pp = NULL;
}

const struct provider_ops *provider_get_ops(const struct provider *p)
{
	return p->ops;
}

const struct provider_platform *provider_get_platform(const struct provider *p)
{
	return p->platform;
}

int64_t provider_last_date(const struct provider *p)
{
	return p->http ? (int64_t)http_last_date(p->http) : 0;
}

void provider_set_cancel(struct provider *p, const volatile int *cancel)
{
	p->cancel = cancel;
	http_set_cancel(p->http, cancel);
}

void provider_set_backoff(struct provider *p, long base_ms, long cap_ms)
{
	struct http_retry r = {
	        .max_attempts = 5, .base_ms = base_ms, .cap_ms = cap_ms, .budget_ms = 60000};
	http_set_retry(p->http, &r);
}

void provider_fail(struct provider_result *r, enum provider_outcome o, const char *msg)
{
	memset(r, 0, sizeof *r);
	r->outcome = o;
	snprintf(r->message, sizeof r->message, "%s", msg);
}

void provider_store(struct provider *p, const struct model_object *objects, size_t n)
{
	if (!p->cache || n == 0)
		return;
	char err[256];
	sqlite3 *db = cache_db(p->cache);
	struct store *s = store_new(db, err, sizeof err);
	if (s && sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK) {
		int rc = SQLITE_OK;
		for (size_t i = 0; i < n && rc == SQLITE_OK; i++)
			rc = store_object(s, &objects[i]);
		if (rc == SQLITE_OK)
			sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		else
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	store_free(&s);
}
