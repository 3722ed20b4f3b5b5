/* The outbox's reader: an action as the cache holds it (client/outbox.c, a row of any
 * content: the cache is a file that can be damaged) sent by actions_send
 * (client/actions.c), which reads the row, checks it again and builds the platform's
 * request from its stored parameters. The platform's side is a table of operations that
 * check what they are handed and say yes; what they check is what every real provider
 * reads without checking (client/stripe/provider.c puts order_id in a URL).
 *
 * The first byte picks the kind (one more than there are: a kind this version does not
 * know), the second the state (low bits), a support profile (0x40) and an action two days
 * old (0x80); the rest is the row: object id, currency, amount and the
 * parameters' JSON, one per line (the JSON is the rest). The cache holds an open dispute
 * (dp_fuzz) and an open complaint (cp_fuzz) for the actions that check theirs. Checked:
 * whatever the row, actions_send ends with a status and a message, and a request reaches
 * the platform only whole: every id and text it needs there, the refund the amount of the
 * row checked against the profile's limit. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include <sqlite3.h>

#include "client/actions.h"
#include "client/client.h"
#include "client/cache.h"
#include "client/cache_private.h"
#include "client/model.h"
#include "client/outbox.h"
#include "client/profile.h"
#include "client/provider.h"
#include "client/store.h"
#include "tests/fuzz/fuzz.h"

static char dir[256];
static char path[300];
static struct cache *cache;
/* What the row said, for the operations to compare. */
static int64_t row_amount;
static bool verbose;

static bool text(const char *s)
{
	return s && *s;
}

static int ok(const char *what, char *object_id)
{
	if (verbose)
		fprintf(stderr, "fuzz_outbox: sent %s\n", what);
	if (object_id)
		snprintf(object_id, 64, "obj_fuzz");
	return 0;
}

static int create_refund(struct provider *p, const struct provider_refund_request *req,
                         char *object_id, struct provider_result *r)
{
	(void)p, (void)r;
	CHECK(text(req->order_id) && req->amount > 0 && req->amount == row_amount);
	CHECK(text(req->currency) && text(req->action_id) && text(req->idempotency_key));
	return ok("a refund", object_id);
}

static int find_refund(struct provider *p, const char *order_id, const char *action_id,
                       char *object_id, struct provider_result *r)
{
	(void)p, (void)object_id, (void)r;
	CHECK(text(order_id) && text(action_id));
	return 0;
}

static int update_dispute(struct provider *p, const struct provider_dispute_update *req,
                          struct provider_result *r)
{
	(void)p, (void)r;
	CHECK(text(req->dispute_id) && text(req->idempotency_key));
	for (size_t i = 0; i < req->n_fields; i++)
		CHECK(req->fields[i].name && req->fields[i].value);
	return ok("evidence", NULL);
}

static int close_dispute(struct provider *p, const char *dispute_id, const char *key,
                         struct provider_result *r)
{
	(void)p, (void)r;
	CHECK(text(dispute_id) && text(key));
	return ok("a closing", NULL);
}

static int upload(struct provider *p, const char *file, const char *key, char *object_id,
                  struct provider_result *r)
{
	(void)p, (void)r;
	CHECK(text(file) && text(key));
	return ok("a file", object_id);
}

static int complaint_history(struct provider *p, const char *id, struct provider_page *page,
                             struct provider_result *r)
{
	(void)p, (void)r;
	CHECK(text(id));
	memset(page, 0, sizeof *page);
	return 0;
}

static int complaint_reply(struct provider *p, const struct provider_complaint_reply *req,
                           struct provider_result *r)
{
	(void)p, (void)r;
	CHECK(text(req->complaint_id) && text(req->idempotency_key));
	for (size_t i = 0; i < req->n_images; i++)
		CHECK(req->images[i]);
	return ok("an answer", NULL);
}

static int complaint_refund(struct provider *p, const struct provider_complaint_refund *req,
                            struct provider_result *r)
{
	(void)p, (void)r;
	CHECK(text(req->complaint_id) && text(req->idempotency_key));
	CHECK(req->approve || req->reason);
	return ok("a refund decision", NULL);
}

static const struct provider_ops ops = {
        .name = "fuzz",
        .create_refund = create_refund,
        .find_refund_by_action = find_refund,
        .update_dispute = update_dispute,
        .close_dispute = close_dispute,
        .upload_evidence_file = upload,
        .complaint_history = complaint_history,
        .complaint_reply = complaint_reply,
        .complaint_complete = complaint_reply,
        .complaint_refund = complaint_refund,
        .upload_image = upload,
};

static void cleanup(void)
{
	cache_close(&cache);
	fuzz_remove_db(path, dir);
}

/* A dispute or complaint, open and due in a week. */
static void put_dispute(struct store *st, const char *id, bool complaint)
{
	struct model_object m;
	memset(&m, 0, sizeof m);
	m.kind = MODEL_DISPUTE;
	m.id = id;
	m.created = (int64_t)paydesk_now() - 86400;
	struct model_dispute *d = &m.u.dispute;
	d->amount = 1309;
	d->currency = "cny";
	d->order_id = "ord_fuzz";
	d->status = complaint ? "awaiting_reply" : "needs_response";
	d->reason = "general";
	d->due_by = (int64_t)paydesk_now() + 7 * 86400;
	d->refund_requested = complaint ? 1309 : MODEL_UNKNOWN;
	d->complaint = complaint;
	CHECK(store_object(st, &m) == SQLITE_OK);
}

static void setup(void)
{
	if (cache)
		return;
	verbose = getenv("PAYDESK_FUZZ_VERBOSE") != NULL;
	fuzz_private_dir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/cache.db", dir);
	char err[256];
	cache = cache_open(path, err, sizeof err);
	CHECK(cache);
	atexit(cleanup);
	struct store *st = store_new(cache_db(cache), err, sizeof err);
	CHECK(st);
	put_dispute(st, "dp_fuzz", false);
	put_dispute(st, "cp_fuzz", true);
	store_free(&st);
	/* The audit log is append-only; here it is emptied after each input. The file is
	 * this process's alone and thrown away at exit: no syncing and no file locks, which
	 * were half of the time spent per input. */
	CHECK(sqlite3_exec(cache_db(cache),
	                   "DROP TRIGGER audit_no_delete;"
	                   "PRAGMA synchronous = OFF;"
	                   "PRAGMA locking_mode = EXCLUSIVE;",
	                   NULL, NULL, NULL) == SQLITE_OK);
}

/* The next line of data[*at..size) into out (cut to fit). */
static void line(const uint8_t *data, size_t size, size_t *at, char *out, size_t out_size)
{
	size_t n = 0;
	while (*at < size && data[*at] != '\n') {
		if (n + 1 < out_size && data[*at] != '\0')
			out[n++] = (char)data[*at];
		(*at)++;
	}
	if (*at < size)
		(*at)++;
	out[n] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	setup();
	sqlite3 *db = cache_db(cache);
	struct outbox_item it;
	memset(&it, 0, sizeof it);
	CHECK(outbox_new_ids(it.action_id, it.idempotency_key) == 0);
	int kind = data[0] % (ACTIONS_KIND_COUNT + 1);
	snprintf(it.kind, sizeof it.kind, "%s",
	         kind < ACTIONS_KIND_COUNT ? actions_kind_name((enum actions_kind)kind) : "payout");
	static const enum outbox_state states[] = {OUTBOX_QUEUED, OUTBOX_SENDING, OUTBOX_DONE,
	                                           OUTBOX_FAILED, OUTBOX_DISCARDED};
	it.state = states[(data[1] & 0x0f) % (sizeof states / sizeof *states)];
	size_t at = 2;
	char amount[32];
	line(data, size, &at, it.object_id, sizeof it.object_id);
	line(data, size, &at, it.currency, sizeof it.currency);
	line(data, size, &at, amount, sizeof amount);
	it.has_amount = amount[0] != '\0';
	it.amount = it.has_amount ? strtoll(amount, NULL, 10) : 0;
	row_amount = it.amount;
	it.params = fuzz_copy(data + at, size - at);
	it.created = it.updated = (time_t)paydesk_now() - (data[1] & 0x80 ? 2 * 86400 : 60);
	CHECK(outbox_insert(db, &it) == 0);

	struct profile profile;
	memset(&profile, 0, sizeof profile);
	snprintf(profile.name, sizeof profile.name, "fuzz");
	profile.role = data[1] & 0x40 ? PROFILE_ROLE_SUPPORT : PROFILE_ROLE_MERCHANT;
	profile.refund_limit = 5000;
	snprintf(profile.refund_limit_currency, sizeof profile.refund_limit_currency, "cny");
	static int provider_token;
	struct actions_session s;
	actions_session_init_db(&s, db, &profile, (struct provider *)&provider_token, &ops);
	struct actions_outcome out;
	enum actions_status st = actions_send(&s, it.action_id, &out);
	CHECK(st == out.status && out.message[0] != '\0');
	CHECK(sqlite3_exec(db, "DELETE FROM outbox; DELETE FROM audit", NULL, NULL, NULL) ==
	      SQLITE_OK);
	outbox_item_clear(&it);
	return 0;
}
