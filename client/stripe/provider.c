/* The Stripe v1 provider: lists for sync, and the write operations of the back office
 * (refunds, dispute evidence, closing disputes, evidence files). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cache_private.h"
#include "client/client.h"
#include "client/form.h"
#include "client/http.h"
#include "client/provider_private.h"
#include "client/stripe/stripe.h"
#include "client/store.h"

static void fail(struct provider_result *r, enum provider_outcome o, const char *msg)
{
	provider_fail(r, o, msg);
}

/* Appends "&name=value" (or "?name=value" first) to a query string. */
static void query_add(char *q, size_t size, const char *name, const char *value)
{
	size_t len = strlen(q);
	char enc[256];
	form_encode(value, false, enc, sizeof enc);
	snprintf(q + len, size - len, "%c%s=%s", strchr(q, '?') ? '&' : '?', name, enc);
}

/* The path of one list page. */
static void list_path(enum provider_resource res, const struct provider_list_query *q, char *path,
                      size_t size)
{
	char num[32];
	snprintf(path, size, "/v1/%s", provider_resource_name(res));
	snprintf(num, sizeof num, "%d", q->limit > 0 && q->limit <= 100 ? q->limit : 100);
	query_add(path, size, "limit", num);
	if (q->starting_after)
		query_add(path, size, "starting_after", q->starting_after);
	if (q->ending_before)
		query_add(path, size, "ending_before", q->ending_before);
	if (q->created_gte) {
		snprintf(num, sizeof num, "%" PRId64, q->created_gte);
		query_add(path, size, "created[gte]", num);
	}
	if (q->created_lt) {
		snprintf(num, sizeof num, "%" PRId64, q->created_lt);
		query_add(path, size, "created[lt]", num);
	}
	if (q->payout)
		query_add(path, size, "payout", q->payout);
	/* A charge brings its payment intent: no list of payment intents of its own. */
	if (res == PROVIDER_CHARGES)
		query_add(path, size, "expand[]", "data.payment_intent");
}

/* Maps a list reply into page, which takes the document over (also on failure). Returns 0,
 * or -1 with result saying why (its request id kept). */
static int map_page(enum provider_resource res, struct jdoc *doc, struct provider_page *page,
                    struct provider_result *result)
{
	memset(page, 0, sizeof *page);
	const struct jval *data = jval_get(jdoc_root(doc), "data");
	if (!jval_is(data, J_ARRAY)) {
		jdoc_free(&doc);
		fail(result, PROVIDER_BAD_REPLY, _("the platform's list has no data"));
		return -1;
	}
	size_t n = data->len;
	page->doc = doc;
	page->has_more = jval_is(jval_get(jdoc_root(doc), "has_more"), J_TRUE);
	/* A charge's expanded payment intent is an object of the page too, just before it (the
	 * page's last object stays its last charge: the cursor of the next page). */
	const bool intents = res == PROVIDER_CHARGES;
	page->objects = calloc(n ? (intents ? 2 * n : n) : 1, sizeof *page->objects);
	if (res == PROVIDER_EVENTS)
		page->events = calloc(n ? n : 1, sizeof *page->events);
	if (!page->objects || (res == PROVIDER_EVENTS && !page->events)) {
		provider_page_free(page);
		fail(result, PROVIDER_BAD_REPLY, _("out of memory"));
		return -1;
	}
	const struct jval *item = data + 1;
	for (size_t i = 0; i < n; i++, item += item->span) {
		char err[256];
		int rc = 0;
		const struct jval *pi = intents ? jval_get(item, "payment_intent") : NULL;
		if (jval_is(pi, J_OBJECT)) {
			rc = stripe_map_object(pi, &page->objects[page->n], err, sizeof err);
			page->n++;
		}
		if (rc == 0)
			rc = res == PROVIDER_EVENTS
			             ? stripe_map_event(item, &page->events[i], &page->objects[i],
			                                err, sizeof err)
			             : stripe_map_object(item, &page->objects[page->n], err,
			                                 sizeof err);
		page->n = res == PROVIDER_EVENTS ? i + 1 : page->n + 1;
		if (rc != 0) {
			char msg[400];
			snprintf(msg, sizeof msg,
			         _("the platform sent an object paydesk cannot read: %s"), err);
			char request_id[64];
			snprintf(request_id, sizeof request_id, "%s", result->request_id);
			provider_page_free(page);
			fail(result, PROVIDER_BAD_REPLY, msg);
			snprintf(result->request_id, sizeof result->request_id, "%s", request_id);
			return -1;
		}
	}
	return 0;
}

static int stripe_list(struct provider *p, enum provider_resource res,
                       const struct provider_list_query *q, struct provider_page *page,
                       struct provider_result *result)
{
	memset(page, 0, sizeof *page);
	char path[1024];
	list_path(res, q, path, sizeof path);
	struct jdoc *doc = NULL;
	if (http_call(p->http, "GET", path, NULL, NULL, &doc, result) != 0)
		return -1;
	return map_page(res, doc, page, result);
}

/* stripe_list_parallel's adapter between the HTTP streams and the caller's callbacks. */
struct parallel {
	enum provider_resource res;
	const struct provider_parallel_ops *ops;
	void *user;
	struct provider_result *result;
};

static int parallel_next(void *user, size_t i, char *path, size_t size)
{
	struct parallel *pl = user;
	struct provider_list_query q;
	memset(&q, 0, sizeof q);
	if (pl->ops->next(pl->user, i, &q) != 1)
		return 0;
	list_path(pl->res, &q, path, size);
	return 1;
}

static int parallel_done(void *user, size_t i, struct jdoc *doc, const struct provider_result *r)
{
	struct parallel *pl = user;
	*pl->result = *r;
	if (!doc)
		return -1;
	struct provider_page page;
	if (map_page(pl->res, doc, &page, pl->result) != 0)
		return -1;
	return pl->ops->page(pl->user, i, &page);
}

static int parallel_idle(void *user)
{
	struct parallel *pl = user;
	return pl->ops->idle ? pl->ops->idle(pl->user) : 0;
}

static int stripe_list_parallel(struct provider *p, enum provider_resource res, size_t n,
                                const struct provider_parallel_ops *ops, void *user,
                                struct provider_result *result)
{
	struct parallel pl = {.res = res, .ops = ops, .user = user, .result = result};
	static const struct http_stream_ops stream_ops = {
	        .next = parallel_next, .done = parallel_done, .idle = parallel_idle};
	struct provider_result r;
	memset(result, 0, sizeof *result);
	if (http_get_streams(p->http, n, &stream_ops, &pl, &r) == 0)
		return 0;
	if (r.outcome != PROVIDER_OK)
		*result = r; /* a cancel, or no memory: nothing reached the callbacks */
	return -1;
}

static int stripe_account(struct provider *p, char *account_id, int64_t *created,
                          struct provider_result *result)
{
	struct jdoc *doc = NULL;
	if (http_call(p->http, "GET", "/v1/account", NULL, NULL, &doc, result) != 0)
		return -1;
	const char *id = jval_str(jval_get(jdoc_root(doc), "id"));
	snprintf(account_id, 64, "%s", id ? id : "");
	const struct jval *c = jval_get(jdoc_root(doc), "created");
	*created = jval_is(c, J_INT) ? c->v.i : 0;
	jdoc_free(&doc);
	return 0;
}

/* Stores a reply object in the cache. A failure here does not undo what the platform did;
 * the next sync stores it. */
static void store_reply(struct provider *p, const struct jval *obj)
{
	if (!p->cache)
		return;
	struct model_object m;
	char err[256];
	if (stripe_map_object(obj, &m, err, sizeof err) != 0)
		return;
	provider_store(p, &m, 1);
	model_object_clear(&m);
}

/* Fetches one object by path and stores it (after a change that touched it). */
static void refresh(struct provider *p, const char *path)
{
	struct jdoc *doc = NULL;
	struct provider_result r;
	if (http_call(p->http, "GET", path, NULL, NULL, &doc, &r) == 0)
		store_reply(p, jdoc_root(doc));
	jdoc_free(&doc);
}

static int post(struct provider *p, const char *path, struct form *f, const char *key,
                struct jdoc **reply, struct provider_result *result)
{
	if (f->failed) {
		fail(result, PROVIDER_INVALID, _("out of memory"));
		return -1;
	}
	if (!key || !*key) {
		fail(result, PROVIDER_INVALID,
		     _("a change was about to be sent without an idempotency key"));
		return -1;
	}
	return http_call(p->http, "POST", path, f->buf ? f->buf : "", key, reply, result);
}

static void copy_id(const struct jval *obj, char *out)
{
	const char *id = jval_str(jval_get(obj, "id"));
	if (out)
		snprintf(out, 64, "%s", id ? id : "");
}

static int stripe_create_refund(struct provider *p, const struct provider_refund_request *req,
                                char *object_id, struct provider_result *result)
{
	struct form f;
	form_init(&f);
	char amount[32];
	form_add(&f, "charge", req->order_id);
	if (req->amount > 0) {
		snprintf(amount, sizeof amount, "%" PRId64, req->amount);
		form_add(&f, "amount", amount);
	}
	if (req->reason && *req->reason)
		form_add(&f, "reason", req->reason);
	if (req->action_id && *req->action_id)
		form_add(&f, "metadata[paydesk_action]", req->action_id);
	if (req->note && *req->note)
		form_add(&f, "metadata[paydesk_note]", req->note);
	struct jdoc *reply = NULL;
	int rc = post(p, "/v1/refunds", &f, req->idempotency_key, &reply, result);
	form_free(&f);
	if (rc != 0)
		return -1;
	store_reply(p, jdoc_root(reply));
	copy_id(jdoc_root(reply), object_id);
	jdoc_free(&reply);
	/* The order's refunded amount and status changed too. */
	char path[160];
	snprintf(path, sizeof path, "/v1/charges/%s", req->order_id);
	refresh(p, path);
	return 0;
}

static int stripe_find_refund_by_action(struct provider *p, const char *order_id,
                                        const char *action_id, char *object_id,
                                        struct provider_result *result)
{
	char path[512], enc[200], after[80] = "";
	form_encode(order_id, false, enc, sizeof enc);
	for (;;) {
		if (after[0])
			snprintf(path, sizeof path,
			         "/v1/refunds?charge=%s&limit=100&starting_after=%s", enc, after);
		else
			snprintf(path, sizeof path, "/v1/refunds?charge=%s&limit=100", enc);
		struct jdoc *doc = NULL;
		if (http_call(p->http, "GET", path, NULL, NULL, &doc, result) != 0)
			return -1;
		const struct jval *data = jval_get(jdoc_root(doc), "data");
		size_t n = jval_is(data, J_ARRAY) ? data->len : 0;
		const struct jval *item;
		uint32_t i;
		const char *last = NULL;
		for (i = 0, item = data + 1; i < n; i++, item += item->span) {
			const char *a =
			        jval_str(jval_get(jval_get(item, "metadata"), "paydesk_action"));
			if (a && strcmp(a, action_id) == 0) {
				store_reply(p, item);
				copy_id(item, object_id);
				jdoc_free(&doc);
				return 1;
			}
			last = jval_str(jval_get(item, "id"));
		}
		bool more = jval_is(jval_get(jdoc_root(doc), "has_more"), J_TRUE) && n > 0;
		if (more) {
			snprintf(after, sizeof after, "%s", last ? last : "");
			more = after[0] != '\0';
		}
		jdoc_free(&doc);
		if (!more)
			return 0;
	}
}

static int stripe_update_dispute(struct provider *p, const struct provider_dispute_update *req,
                                 struct provider_result *result)
{
	struct form f;
	form_init(&f);
	for (size_t i = 0; i < req->n_fields; i++) {
		char name[160];
		snprintf(name, sizeof name, "evidence[%s]", req->fields[i].name);
		form_add(&f, name, req->fields[i].value);
	}
	form_add(&f, "submit", req->submit ? "true" : "false");
	char path[160];
	snprintf(path, sizeof path, "/v1/disputes/%s", req->dispute_id);
	struct jdoc *reply = NULL;
	int rc = post(p, path, &f, req->idempotency_key, &reply, result);
	form_free(&f);
	if (rc != 0)
		return -1;
	store_reply(p, jdoc_root(reply));
	jdoc_free(&reply);
	return 0;
}

static int stripe_close_dispute(struct provider *p, const char *dispute_id,
                                const char *idempotency_key, struct provider_result *result)
{
	struct form f;
	form_init(&f);
	char path[160];
	snprintf(path, sizeof path, "/v1/disputes/%s/close", dispute_id);
	struct jdoc *reply = NULL;
	int rc = post(p, path, &f, idempotency_key, &reply, result);
	form_free(&f);
	if (rc != 0)
		return -1;
	store_reply(p, jdoc_root(reply));
	jdoc_free(&reply);
	return 0;
}

static int stripe_upload_evidence_file(struct provider *p, const char *path,
                                       const char *idempotency_key, char *file_id,
                                       struct provider_result *result)
{
	if (!idempotency_key || !*idempotency_key) {
		fail(result, PROVIDER_INVALID,
		     _("a change was about to be sent without an idempotency key"));
		return -1;
	}
	static const char *const fields[] = {"purpose", "dispute_evidence"};
	struct jdoc *reply = NULL;
	if (http_upload(p->http, "/v1/files", "file", path, fields, 1, idempotency_key, &reply,
	                result) != 0)
		return -1;
	copy_id(jdoc_root(reply), file_id);
	jdoc_free(&reply);
	return 0;
}

static const struct provider_ops stripe_ops = {
        .name = "stripe",
        .create_refund = stripe_create_refund,
        .find_refund_by_action = stripe_find_refund_by_action,
        .update_dispute = stripe_update_dispute,
        .close_dispute = stripe_close_dispute,
        .upload_evidence_file = stripe_upload_evidence_file,
        .list = stripe_list,
        .list_parallel = stripe_list_parallel,
        .account = stripe_account,
        .payout_report = stripe_payout_report,
};

/* The key is all a Stripe profile needs. */
static int stripe_check_profile(const struct profile *p, char *err, size_t err_size)
{
	if (!p->key[0]) {
		snprintf(err, err_size,
		         _("profile [%s] has no API key: name a key file (mode 0600) with key_file "
		           "in the configuration, or set PAYDESK_API_KEY"),
		         p->name);
		return -1;
	}
	return 0;
}

static struct provider *stripe_open(const struct profile *profile, struct cache *cache, char *err,
                                    size_t err_size)
{
	struct provider *p = provider_new(&stripe_platform, &stripe_ops, cache);
	if (!p) {
		snprintf(err, err_size, _("out of memory"));
		return NULL;
	}
	char auth[300];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", profile->key);
	const char *const headers[] = {auth};
	struct http_options o = {.base = profile->api_base,
	                         .ca_file = profile->ca_file,
	                         .timeout = profile->timeout,
	                         .headers = headers,
	                         .n_headers = 1};
	p->http = http_open(&o, err, err_size);
	memset(auth, 0, sizeof auth);
	if (!p->http) {
		provider_close(&p);
		return NULL;
	}
	return p;
}

/* The lists a backfill reads, in order, with their rough share of a store's objects (for
 * the estimate); the big ones in parallel created windows. */
static const struct provider_list_spec stripe_lists[] = {
        {PROVIDER_CHARGES, 200, true},
        {PROVIDER_REFUNDS, 10, false},
        {PROVIDER_DISPUTES, 2, false},
        {PROVIDER_PAYOUTS, 1, false},
        {PROVIDER_BALANCE_TRANSACTIONS, 110, true},
};

const struct provider_platform stripe_platform = {
        .name = "stripe",
        .title = N_("Stripe"),
        .history = PROVIDER_HISTORY_LISTS,
        .actions = PROVIDER_ACT_REFUND | PROVIDER_ACT_EVIDENCE | PROVIDER_ACT_ACCEPT,
        .default_api_base = "https://api.stripe.com",
        .lists = stripe_lists,
        .n_lists = sizeof stripe_lists / sizeof *stripe_lists,
        .check_profile = stripe_check_profile,
        .open = stripe_open,
};
