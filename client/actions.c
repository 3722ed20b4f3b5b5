/* The exactly-once state machine of write actions (see actions.h): checks, outbox and
 * audit rows before a request, the retry that looks for an earlier result first, and the
 * outcome recorded after. */
#include "config.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client/actions.h"
#include "client/cache_private.h"
#include "client/client.h"
#include "client/model.h"

/* The platform keeps an idempotency key this long; past it, only the action id in the
 * refund's metadata can tell that an earlier attempt went through. */
#define ACTIONS_KEY_LIFETIME (24 * 60 * 60)

static const char *const kind_names[ACTIONS_KIND_COUNT] = {
        "refund",          "dispute_draft",   "dispute_submit",     "dispute_close",
        "evidence_file",   "complaint_reply", "complaint_complete", "complaint_refund",
        "complaint_image",
};

/* The kinds that work a complaint. */
static bool complaint_kind(int kind)
{
	return kind == ACTIONS_COMPLAINT_REPLY || kind == ACTIONS_COMPLAINT_COMPLETE ||
	       kind == ACTIONS_COMPLAINT_REFUND || kind == ACTIONS_COMPLAINT_IMAGE;
}

const char *actions_kind_name(enum actions_kind kind)
{
	return (unsigned)kind < ACTIONS_KIND_COUNT ? kind_names[kind] : "?";
}

int actions_kind_parse(const char *name)
{
	for (int i = 0; name && i < ACTIONS_KIND_COUNT; i++)
		if (strcmp(name, kind_names[i]) == 0)
			return i;
	return -1;
}

/* Sets the outcome's status and a formatted message; returns the status. */
static enum actions_status finish(struct actions_outcome *out, enum actions_status status,
                                  const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static enum actions_status finish(struct actions_outcome *out, enum actions_status status,
                                  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out->message, sizeof out->message, fmt, ap);
	va_end(ap);
	out->status = status;
	return status;
}

void actions_session_init(struct actions_session *s, struct cache *cache,
                          const struct profile *profile, struct provider *provider)
{
	actions_session_init_db(s, cache_db(cache), profile, provider,
	                        provider ? provider_get_ops(provider) : NULL);
}

void actions_session_init_db(struct actions_session *s, struct sqlite3 *db,
                             const struct profile *profile, struct provider *provider,
                             const struct provider_ops *ops)
{
	memset(s, 0, sizeof *s);
	s->db = db;
	s->provider = provider;
	s->ops = provider ? ops : NULL;
	audit_copy_text(s->profile, sizeof s->profile, profile ? profile->name : "");
	s->role = profile ? profile->role : PROFILE_ROLE_CLERK;
	s->refund_limit = profile ? profile->refund_limit : -1;
	if (profile)
		audit_copy_text(s->refund_limit_currency, sizeof s->refund_limit_currency,
		                profile->refund_limit_currency);
	audit_identity_get(&s->who);
}

const char *actions_role_refusal(enum profile_role role, enum actions_kind kind)
{
	switch (role) {
	case PROFILE_ROLE_MERCHANT:
		return NULL;
	case PROFILE_ROLE_SUPPORT:
		/* Support works disputes and may refund within the profile's limit. */
		return NULL;
	case PROFILE_ROLE_CLERK:
		break;
	}
	(void)kind;
	return _("this profile's role (clerk) cannot change anything on the platform");
}

/* ---- the cache's view of orders and disputes ---- */

/* Runs sql with id bound to ?1 and, when it yields a row, lets read fill out from it.
 * Returns 1, 0 when there is no row, -1 when SQLite failed. */
static int get_by_id(struct sqlite3 *db, const char *sql, const char *id,
                     void (*read)(sqlite3_stmt *st, void *out), void *out)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	int ret = -1;
	if (sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT) == SQLITE_OK) {
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			read(st, out);
			ret = 1;
		} else if (rc == SQLITE_DONE) {
			ret = 0;
		}
	}
	sqlite3_finalize(st);
	return ret;
}

static void read_order(sqlite3_stmt *st, void *out)
{
	struct actions_order *o = out;
	audit_column_text(st, 0, o->id, sizeof o->id);
	o->amount = sqlite3_column_int64(st, 1);
	o->amount_refunded = sqlite3_column_int64(st, 2);
	audit_column_text(st, 3, o->currency, sizeof o->currency);
	audit_column_text(st, 4, o->platform_status, sizeof o->platform_status);
	audit_column_text(st, 5, o->customer_name, sizeof o->customer_name);
	audit_column_text(st, 6, o->customer_email, sizeof o->customer_email);
	audit_column_text(st, 7, o->description, sizeof o->description);
	audit_column_text(st, 8, o->order_ref, sizeof o->order_ref);
	audit_column_text(st, 9, o->status, sizeof o->status);
	o->created = (time_t)sqlite3_column_int64(st, 10);
}

int actions_order_get(struct sqlite3 *db, const char *id, struct actions_order *o)
{
	static const char sql[] =
	        "SELECT id, amount, amount_refunded, currency, platform_status, customer_name,"
	        " customer_email, description, order_ref, status, created FROM orders WHERE id = "
	        "?1";
	memset(o, 0, sizeof *o);
	return get_by_id(db, sql, id, read_order, o);
}

int actions_order_find(struct sqlite3 *db, const char *text, char (*ids)[72], int max)
{
	if (!text || !*text)
		return 0;
	struct actions_order o;
	int found = actions_order_get(db, text, &o);
	if (found != 0) {
		if (found > 0 && max > 0)
			audit_copy_text(ids[0], 72, o.id);
		return found;
	}
	/* order_ref has no index of its own: the search index finds the few orders whose
	 * number holds the same words, then the number is compared whole. The text is one
	 * quoted phrase, so FTS syntax in it is just text. */
	char phrase[400];
	size_t n = 0;
	for (const char *s = text; *s && n + 4 < sizeof phrase; s++) {
		if (*s == '"')
			phrase[n++] = '"';
		phrase[n++] = *s;
	}
	phrase[n] = '\0';
	char match[460];
	snprintf(match, sizeof match, "order_ref : \"%s\"", phrase);
	static const char sql[] = "SELECT id FROM orders WHERE rowid IN"
	                          " (SELECT rowid FROM orders_fts WHERE orders_fts MATCH ?1)"
	                          " AND order_ref = ?2 ORDER BY created DESC, id";
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	int count = 0, rc = SQLITE_ERROR;
	if (sqlite3_bind_text(st, 1, match, -1, SQLITE_TRANSIENT) == SQLITE_OK &&
	    sqlite3_bind_text(st, 2, text, -1, SQLITE_TRANSIENT) == SQLITE_OK) {
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (count < max)
				audit_column_text(st, 0, ids[count], 72);
			count++;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? count : -1;
}

int actions_refundable_orders(struct sqlite3 *db, char (*ids)[72], int max, int64_t min_left)
{
	static const char sql[] =
	        "SELECT id FROM orders WHERE platform_status = 'succeeded' AND disputed = 0"
	        " AND amount - amount_refunded >= ?1"
	        " ORDER BY amount - amount_refunded DESC, id LIMIT ?2";
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	int n = 0, rc = SQLITE_DONE;
	if (sqlite3_bind_int64(st, 1, min_left) == SQLITE_OK &&
	    sqlite3_bind_int(st, 2, max) == SQLITE_OK) {
		while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
			audit_column_text(st, 0, ids[n++], 72);
	} else {
		rc = SQLITE_ERROR;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? n : -1;
}

static void read_dispute(sqlite3_stmt *st, void *out)
{
	struct actions_dispute *d = out;
	audit_column_text(st, 0, d->id, sizeof d->id);
	audit_column_text(st, 1, d->order_id, sizeof d->order_id);
	d->amount = sqlite3_column_int64(st, 2);
	audit_column_text(st, 3, d->currency, sizeof d->currency);
	audit_column_text(st, 4, d->status, sizeof d->status);
	audit_column_text(st, 5, d->reason, sizeof d->reason);
	d->due_by = (time_t)sqlite3_column_int64(st, 6);
	d->past_due = sqlite3_column_int(st, 7) != 0;
	d->submission_count = sqlite3_column_int(st, 8);
}

int actions_dispute_get(struct sqlite3 *db, const char *id, struct actions_dispute *d)
{
	static const char sql[] =
	        "SELECT id, order_id, amount, currency, status, reason, due_by, past_due,"
	        " submission_count FROM disputes WHERE id = ?1";
	memset(d, 0, sizeof *d);
	return get_by_id(db, sql, id, read_dispute, d);
}

/* Copies the row's first column, unless NULL, into *(char **)out (newly allocated). */
static void read_text_copy(sqlite3_stmt *st, void *out)
{
	if (sqlite3_column_type(st, 0) != SQLITE_NULL)
		*(char **)out = strdup((const char *)sqlite3_column_text(st, 0));
}

char *actions_dispute_evidence_json(struct sqlite3 *db, const char *id)
{
	char *json = NULL;
	get_by_id(db, "SELECT evidence FROM disputes WHERE id = ?1", id, read_text_copy, &json);
	return json;
}

/* ---- checks ---- */

const char *actions_check_refund(const struct actions_session *s, const struct actions_order *o,
                                 int64_t amount, int64_t *effective, char *buf, size_t size)
{
	const char *role = actions_role_refusal(s->role, ACTIONS_REFUND);
	if (role)
		return role;
	if (strcmp(o->platform_status, "succeeded") != 0)
		return _("only a paid order can be refunded");
	int64_t left;
	if (!money_sub(o->amount, o->amount_refunded, &left) || left <= 0)
		return _("nothing is left to refund on this order");
	if (amount < 0)
		return _("a refund amount must be more than zero");
	int64_t want = amount == 0 ? left : amount;
	char text[64];
	if (want > left) {
		money_format(left, o->currency, money_locale_current(), MONEY_FMT_CODE, text,
		             sizeof text);
		snprintf(buf, size, _("the amount is more than what is left to refund (%s)"), text);
		return buf;
	}
	if (s->role == PROFILE_ROLE_SUPPORT) {
		if (s->refund_limit < 0)
			return _("this profile's role (support) has no refund limit set, so it "
			         "cannot "
			         "refund; ask a merchant");
		if (strcasecmp(s->refund_limit_currency, o->currency) != 0) {
			char cur[4];
			money_currency_upper(s->refund_limit_currency, cur);
			snprintf(buf, size,
			         _("the refund limit of this profile is in %s; a refund in another "
			           "currency needs a merchant"),
			         cur);
			return buf;
		}
		if (want > s->refund_limit) {
			money_format(s->refund_limit, o->currency, money_locale_current(),
			             MONEY_FMT_CODE, text, sizeof text);
			snprintf(buf, size,
			         _("the amount is above this profile's refund limit (%s); ask a "
			           "merchant"),
			         text);
			return buf;
		}
	}
	*effective = want;
	return NULL;
}

const char *actions_check_dispute(const struct actions_session *s, const struct actions_dispute *d,
                                  enum actions_kind kind, char *buf, size_t size)
{
	const char *role = actions_role_refusal(s->role, kind);
	if (role)
		return role;
	bool open = strcmp(d->status, "needs_response") == 0 ||
	            strcmp(d->status, "warning_needs_response") == 0;
	if (!open) {
		snprintf(buf, size,
		         _("this dispute is no longer waiting for a response (status: %s)"),
		         d->status);
		return buf;
	}
	if (kind == ACTIONS_DISPUTE_SUBMIT || kind == ACTIONS_DISPUTE_DRAFT) {
		if (d->past_due || (d->due_by > 0 && d->due_by <= paydesk_now()))
			return _("the deadline for evidence has passed: the platform no longer "
			         "takes "
			         "evidence for this dispute");
	}
	return NULL;
}

static void read_complaint(sqlite3_stmt *st, void *out)
{
	struct actions_complaint *c = out;
	audit_column_text(st, 0, c->id, sizeof c->id);
	audit_column_text(st, 1, c->order_id, sizeof c->order_id);
	c->amount = sqlite3_column_int64(st, 2);
	audit_column_text(st, 3, c->currency, sizeof c->currency);
	audit_column_text(st, 4, c->status, sizeof c->status);
	c->refund_requested = sqlite3_column_int64(st, 5);
}

int actions_complaint_get(struct sqlite3 *db, const char *id, struct actions_complaint *c)
{
	static const char sql[] = "SELECT id, order_id, amount, currency, status,"
	                          " COALESCE(refund_requested, 0) FROM disputes WHERE id = ?1";
	memset(c, 0, sizeof *c);
	return get_by_id(db, sql, id, read_complaint, c);
}

size_t actions_text_length(const char *text)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)text; p && *p; p++)
		n += (*p & 0xc0) != 0x80;
	return n;
}

const char *actions_check_complaint(const struct actions_session *s,
                                    const struct actions_complaint *c, enum actions_kind kind,
                                    char *buf, size_t size)
{
	const char *role = actions_role_refusal(s->role, kind);
	if (role)
		return role;
	if (strcmp(c->status, "resolved") == 0 || strcmp(c->status, "cancelled") == 0) {
		snprintf(buf, size, _("this complaint is closed (status: %s)"), c->status);
		return buf;
	}
	if (kind == ACTIONS_COMPLAINT_REFUND && c->refund_requested <= 0)
		return _("the customer asked for no refund in this complaint");
	return NULL;
}

/* ---- transactions and the audit trail ---- */

static int exec(struct sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* Appends an audit row about an outbox item. Returns 0 or -1. */
static int audit_item(struct actions_session *s, const struct outbox_item *it, const char *outcome,
                      const char *request_id, const char *message)
{
	struct audit_record r = {
	        .who = &s->who,
	        .profile = s->profile,
	        .action = it->kind,
	        .object_id = it->object_id,
	        .has_amount = it->has_amount,
	        .amount = it->amount,
	        .currency = it->currency,
	        .idempotency_key = it->idempotency_key,
	        .request_id = request_id,
	        .outcome = outcome,
	        .message = message,
	};
	return audit_append(s->db, &r);
}

/* Records an action refused before anything was stored: an audit row only. */
static enum actions_status refuse(struct actions_session *s, struct actions_outcome *out,
                                  enum actions_kind kind, const char *object_id, bool has_amount,
                                  int64_t amount, const char *currency, const char *reason)
{
	struct audit_record r = {
	        .who = &s->who,
	        .profile = s->profile,
	        .action = actions_kind_name(kind),
	        .object_id = object_id,
	        .has_amount = has_amount,
	        .amount = amount,
	        .currency = currency,
	        .outcome = AUDIT_REFUSED,
	        .message = reason,
	};
	if (audit_append(s->db, &r) != 0)
		return finish(out, ACTIONS_FAILED, _("the audit log could not be written: %s"),
		              sqlite3_errmsg(s->db));
	return finish(out, ACTIONS_REFUSED, "%s", reason);
}

/* Stores a new action (queued) in the outbox; when it will not be sent now, also its audit
 * row "queued". With sole, refuses when another action on the same object is still open
 * (its state in *open_state): a second refund while the first is queued or unanswered could
 * refund twice. Returns 0, 1 when refused for that (nothing written), or -1 with out
 * filled. */
static int store_action(struct actions_session *s, struct outbox_item *it, bool will_send,
                        bool sole, int *open_state, struct actions_outcome *out)
{
	if (outbox_new_ids(it->action_id, it->idempotency_key) != 0) {
		finish(out, ACTIONS_FAILED, "%s", _("the system gave no random numbers for an id"));
		return -1;
	}
	it->state = OUTBOX_QUEUED;
	it->created = paydesk_now();
	audit_copy_text(out->action_id, sizeof out->action_id, it->action_id);
	if (exec(s->db, "BEGIN IMMEDIATE") != 0)
		goto fail;
	if (sole) {
		/* Checked under the write lock: two sessions on one cache (two people on one
		 * bastion) cannot both start an action on the object. */
		int open = outbox_open_state_of(s->db, it->object_id);
		if (open == OUTBOX_QUEUED || open == OUTBOX_SENDING) {
			exec(s->db, "ROLLBACK");
			if (open_state)
				*open_state = open;
			return 1;
		}
	}
	if (outbox_insert(s->db, it) != 0 ||
	    (!will_send && audit_item(s, it, AUDIT_QUEUED, NULL, NULL) != 0)) {
		exec(s->db, "ROLLBACK");
		goto fail;
	}
	if (exec(s->db, "COMMIT") != 0) {
		exec(s->db, "ROLLBACK");
		goto fail;
	}
	return 0;
fail:
	finish(out, ACTIONS_FAILED, _("the action could not be saved in the cache: %s"),
	       sqlite3_errmsg(s->db));
	return -1;
}

/* ---- creating actions ---- */

static bool valid_reason(const char *reason)
{
	return !reason || !*reason || strcmp(reason, "duplicate") == 0 ||
	       strcmp(reason, "fraudulent") == 0 || strcmp(reason, "requested_by_customer") == 0;
}

enum actions_status actions_refund(struct actions_session *s, const struct actions_refund_params *p,
                                   bool queue_only, struct actions_outcome *out)
{
	memset(out, 0, sizeof *out);
	const char *role = actions_role_refusal(s->role, ACTIONS_REFUND);
	if (role)
		return refuse(s, out, ACTIONS_REFUND, p->order_id, p->amount > 0, p->amount, NULL,
		              role);
	struct actions_order o;
	int found = actions_order_get(s->db, p->order_id, &o);
	if (found < 0)
		return finish(out, ACTIONS_FAILED, _("the cache could not be read: %s"),
		              sqlite3_errmsg(s->db));
	if (found == 0)
		return refuse(s, out, ACTIONS_REFUND, p->order_id, p->amount > 0, p->amount, NULL,
		              _("this order is not in the cache; sync, then try again"));
	if (!valid_reason(p->reason))
		return refuse(
		        s, out, ACTIONS_REFUND, o.id, p->amount > 0, p->amount, o.currency,
		        _("the reason must be duplicate, fraudulent or requested_by_customer"));
	char why[1024];
	int64_t amount = 0;
	const char *refusal = actions_check_refund(s, &o, p->amount, &amount, why, sizeof why);
	if (refusal)
		return refuse(s, out, ACTIONS_REFUND, o.id, p->amount > 0, p->amount, o.currency,
		              refusal);

	/* What platforms that want them are told: the order's whole amount and what was left
	 * to refund when the refund was asked for. */
	json_t *params =
	        json_pack("{s:s, s:I, s:s, s:I, s:I}", "order", o.id, "amount", (json_int_t)amount,
	                  "currency", o.currency, "total", (json_int_t)o.amount, "left",
	                  (json_int_t)(o.amount - o.amount_refunded));
	if (params && p->reason && *p->reason)
		json_object_set_new(params, "reason", json_string(p->reason));
	if (params && p->note && *p->note)
		json_object_set_new(params, "note", json_string(p->note));
	char *text = params ? json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(params);
	if (!text)
		return finish(out, ACTIONS_FAILED, "%s",
		              _("there was not enough memory for this action"));
	struct outbox_item it = {.has_amount = true, .amount = amount, .params = text};
	audit_copy_text(it.kind, sizeof it.kind, actions_kind_name(ACTIONS_REFUND));
	audit_copy_text(it.object_id, sizeof it.object_id, o.id);
	audit_copy_text(it.currency, sizeof it.currency, o.currency);
	bool will_send = !queue_only && s->provider;
	int open = -1;
	int rc = store_action(s, &it, will_send, true, &open, out);
	free(text);
	if (rc == 1)
		return refuse(
		        s, out, ACTIONS_REFUND, o.id, true, amount, o.currency,
		        open == OUTBOX_QUEUED
		                ? _("a refund of this order waits in the outbox; send or "
		                    "discard it first")
		                : _("an earlier refund of this order got no answer; send it "
		                    "again from the outbox first (it will not be done twice)"));
	if (rc != 0)
		return out->status;
	if (!will_send)
		return finish(out, ACTIONS_QUEUED, "%s",
		              _("saved in the outbox, not sent: review it in the Outbox screen"));
	return actions_send(s, out->action_id, out);
}

/* Checks and stores one action on a dispute (a draft, a submission or closing it) and
 * sends it unless queue_only or offline. fields_json is the evidence (NULL means none; not
 * used for closing). Draft and submission carry {dispute, fields, submit}, closing carries
 * {dispute}. Every way out is recorded in out; returns its status. */
static enum actions_status dispute_action(struct actions_session *s, const char *dispute_id,
                                          enum actions_kind kind, const char *fields_json,
                                          bool queue_only, struct actions_outcome *out)
{
	memset(out, 0, sizeof *out);
	struct actions_dispute d;
	int found = actions_dispute_get(s->db, dispute_id, &d);
	if (found < 0)
		return finish(out, ACTIONS_FAILED, _("the cache could not be read: %s"),
		              sqlite3_errmsg(s->db));
	if (found == 0)
		return refuse(s, out, kind, dispute_id, false, 0, NULL,
		              _("this dispute is not in the cache; sync, then try again"));
	char why[1024];
	const char *refusal = actions_check_dispute(s, &d, kind, why, sizeof why);
	if (refusal)
		return refuse(s, out, kind, d.id, true, d.amount, d.currency, refusal);
	json_t *params = NULL;
	if (kind == ACTIONS_DISPUTE_CLOSE) {
		params = json_pack("{s:s}", "dispute", d.id);
	} else {
		json_error_t jerr;
		json_t *fields = json_loads(fields_json ? fields_json : "{}", 0, &jerr);
		if (!json_is_object(fields)) {
			json_decref(fields);
			return refuse(s, out, kind, d.id, true, d.amount, d.currency,
			              _("the evidence is not a set of named fields"));
		}
		params = json_pack("{s:s, s:o, s:b}", "dispute", d.id, "fields", fields, "submit",
		                   kind == ACTIONS_DISPUTE_SUBMIT ? 1 : 0);
	}
	char *text = params ? json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(params);
	if (!text)
		return finish(out, ACTIONS_FAILED, "%s",
		              _("there was not enough memory for this action"));
	struct outbox_item it = {.has_amount = true, .amount = d.amount, .params = text};
	audit_copy_text(it.kind, sizeof it.kind, actions_kind_name(kind));
	audit_copy_text(it.object_id, sizeof it.object_id, d.id);
	audit_copy_text(it.currency, sizeof it.currency, d.currency);
	bool will_send = !queue_only && s->provider;
	/* A draft may sit beside other actions; a submission or a close must be the only open
	 * action on the dispute. */
	bool sole = kind != ACTIONS_DISPUTE_DRAFT;
	int open = -1;
	int rc = store_action(s, &it, will_send, sole, &open, out);
	free(text);
	if (rc == 1)
		return refuse(s, out, kind, d.id, true, d.amount, d.currency,
		              _("another action on this object is still open in the outbox; send "
		                "or discard it first"));
	if (rc != 0)
		return out->status;
	if (!will_send)
		return finish(out, ACTIONS_QUEUED, "%s",
		              _("saved in the outbox, not sent: review it in the Outbox screen"));
	return actions_send(s, out->action_id, out);
}

enum actions_status actions_dispute_evidence(struct actions_session *s, const char *dispute_id,
                                             const char *fields_json, bool submit, bool queue_only,
                                             struct actions_outcome *out)
{
	return dispute_action(s, dispute_id,
	                      submit ? ACTIONS_DISPUTE_SUBMIT : ACTIONS_DISPUTE_DRAFT, fields_json,
	                      queue_only, out);
}

enum actions_status actions_dispute_close(struct actions_session *s, const char *dispute_id,
                                          bool queue_only, struct actions_outcome *out)
{
	return dispute_action(s, dispute_id, ACTIONS_DISPUTE_CLOSE, NULL, queue_only, out);
}

/* Stores an action that uploads the file at path for object_id ({key: object_id, path})
 * and sends it: a file is read while connected only. Returns out->status. */
static enum actions_status file_action(struct actions_session *s, enum actions_kind kind,
                                       const char *key, const char *object_id, const char *path,
                                       struct actions_outcome *out)
{
	memset(out, 0, sizeof *out);
	const char *role = actions_role_refusal(s->role, kind);
	if (role)
		return refuse(s, out, kind, object_id, false, 0, NULL, role);
	if (!s->provider)
		return finish(out, ACTIONS_REFUSED, "%s",
		              _("offline: a file can only be attached while connected"));
	FILE *f = fopen(path, "rb");
	if (!f)
		return refuse(s, out, kind, object_id, false, 0, NULL,
		              _("the file cannot be read"));
	fclose(f);
	json_t *params = json_pack("{s:s, s:s}", key, object_id, "path", path);
	char *text = params ? json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(params);
	if (!text)
		return finish(out, ACTIONS_FAILED, "%s",
		              _("there was not enough memory for this action"));
	struct outbox_item it = {.params = text};
	audit_copy_text(it.kind, sizeof it.kind, actions_kind_name(kind));
	audit_copy_text(it.object_id, sizeof it.object_id, object_id);
	int rc = store_action(s, &it, true, false, NULL, out);
	free(text);
	if (rc != 0)
		return out->status;
	return actions_send(s, out->action_id, out);
}

enum actions_status actions_evidence_file(struct actions_session *s, const char *dispute_id,
                                          const char *path, struct actions_outcome *out)
{
	return file_action(s, ACTIONS_EVIDENCE_FILE, "dispute", dispute_id, path, out);
}

/* Checks and stores one action on a complaint ({complaint, ...what}) and sends it unless
 * queue_only or offline. Returns out->status. */
static enum actions_status complaint_action(struct actions_session *s, const char *complaint_id,
                                            enum actions_kind kind, json_t *what, bool queue_only,
                                            struct actions_outcome *out)
{
	memset(out, 0, sizeof *out);
	struct actions_complaint c;
	int found = actions_complaint_get(s->db, complaint_id, &c);
	if (found <= 0) {
		json_decref(what);
		if (found < 0)
			return finish(out, ACTIONS_FAILED, _("the cache could not be read: %s"),
			              sqlite3_errmsg(s->db));
		return refuse(s, out, kind, complaint_id, false, 0, NULL,
		              _("this complaint is not in the cache; sync, then try again"));
	}
	char why[1024];
	const char *refusal = actions_check_complaint(s, &c, kind, why, sizeof why);
	if (refusal) {
		json_decref(what);
		return refuse(s, out, kind, c.id, true, c.amount, c.currency, refusal);
	}
	json_t *params = what ? what : json_object();
	if (params)
		json_object_set_new(params, "complaint", json_string(c.id));
	char *text = params ? json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(params);
	if (!text)
		return finish(out, ACTIONS_FAILED, "%s",
		              _("there was not enough memory for this action"));
	struct outbox_item it = {.has_amount = true, .amount = c.amount, .params = text};
	audit_copy_text(it.kind, sizeof it.kind, actions_kind_name(kind));
	audit_copy_text(it.object_id, sizeof it.object_id, c.id);
	audit_copy_text(it.currency, sizeof it.currency, c.currency);
	bool will_send = !queue_only && s->provider;
	int open = -1;
	int rc = store_action(s, &it, will_send, true, &open, out);
	free(text);
	if (rc == 1)
		return refuse(s, out, kind, c.id, true, c.amount, c.currency,
		              _("another action on this object is still open in the outbox; send "
		                "or discard it first"));
	if (rc != 0)
		return out->status;
	if (!will_send)
		return finish(out, ACTIONS_QUEUED, "%s",
		              _("saved in the outbox, not sent: review it in the Outbox screen"));
	return actions_send(s, out->action_id, out);
}

enum actions_status actions_complaint_reply(struct actions_session *s, const char *complaint_id,
                                            const char *text, const char *images_json,
                                            bool queue_only, struct actions_outcome *out)
{
	memset(out, 0, sizeof *out);
	size_t n = actions_text_length(text);
	if (n == 0 || n > ACTIONS_REPLY_MAX) {
		char why[200];
		snprintf(why, sizeof why,
		         _("an answer has from 1 to %d characters; this one has %zu"),
		         ACTIONS_REPLY_MAX, n);
		return refuse(s, out, ACTIONS_COMPLAINT_REPLY, complaint_id, false, 0, NULL, why);
	}
	json_error_t jerr;
	json_t *images = images_json ? json_loads(images_json, 0, &jerr) : json_array();
	if (!json_is_array(images)) {
		json_decref(images);
		return refuse(s, out, ACTIONS_COMPLAINT_REPLY, complaint_id, false, 0, NULL,
		              _("the images of an answer are a list of image ids"));
	}
	json_t *what = json_pack("{s:s, s:o}", "text", text, "images", images);
	return complaint_action(s, complaint_id, ACTIONS_COMPLAINT_REPLY, what, queue_only, out);
}

enum actions_status actions_complaint_complete(struct actions_session *s, const char *complaint_id,
                                               const char *code, const char *text, bool queue_only,
                                               struct actions_outcome *out)
{
	memset(out, 0, sizeof *out);
	size_t n = actions_text_length(text);
	if (n > ACTIONS_REPLY_MAX) {
		char why[200];
		snprintf(why, sizeof why,
		         _("an answer has from 1 to %d characters; this one has %zu"),
		         ACTIONS_REPLY_MAX, n);
		return refuse(s, out, ACTIONS_COMPLAINT_COMPLETE, complaint_id, false, 0, NULL,
		              why);
	}
	json_t *what = json_object();
	if (what && code && *code)
		json_object_set_new(what, "code", json_string(code));
	if (what && text && *text)
		json_object_set_new(what, "text", json_string(text));
	return complaint_action(s, complaint_id, ACTIONS_COMPLAINT_COMPLETE, what, queue_only, out);
}

enum actions_status actions_complaint_refund(struct actions_session *s, const char *complaint_id,
                                             bool approve, int days, const char *reason,
                                             bool queue_only, struct actions_outcome *out)
{
	memset(out, 0, sizeof *out);
	if (!approve && (!reason || !*reason))
		return refuse(s, out, ACTIONS_COMPLAINT_REFUND, complaint_id, false, 0, NULL,
		              _("rejecting a refund request needs a reason for the customer"));
	json_t *what = approve ? json_pack("{s:b, s:i}", "approve", 1, "days", days)
	                       : json_pack("{s:b, s:s}", "approve", 0, "reason", reason);
	return complaint_action(s, complaint_id, ACTIONS_COMPLAINT_REFUND, what, queue_only, out);
}

enum actions_status actions_complaint_image(struct actions_session *s, const char *complaint_id,
                                            const char *path, struct actions_outcome *out)
{
	return file_action(s, ACTIONS_COMPLAINT_IMAGE, "complaint", complaint_id, path, out);
}

int actions_lookup_order(struct actions_session *s, const char *id, char *found_id,
                         struct provider_result *result)
{
	memset(result, 0, sizeof *result);
	if (!s->provider || !s->ops->lookup_order) {
		result->outcome = s->provider ? PROVIDER_INVALID : PROVIDER_OFFLINE;
		snprintf(result->message, sizeof result->message, "%s",
		         s->provider ? _("this platform lists its orders in full: sync instead")
		                     : _("offline: an order can only be fetched while connected"));
		return -1;
	}
	struct provider_page page;
	int rc = s->ops->lookup_order(s->provider, id, &page, result);
	if (rc == 1) {
		audit_copy_text(found_id, 72, page.objects[0].id);
		provider_page_free(&page);
	}
	return rc;
}

int actions_draft_save(struct actions_session *s, const char *dispute_id, const char *fields_json)
{
	return outbox_draft_save(s->db, dispute_id, fields_json);
}

/* ---- sending ---- */

/* Moves the item to `state` and appends its audit row, in one transaction. Returns 0, or
 * -1 when the cache refused (out says so). */
static int record(struct actions_session *s, const struct outbox_item *it, enum outbox_state state,
                  const char *result_id, const char *outcome, const struct provider_result *res,
                  const char *message, struct actions_outcome *out)
{
	const char *request_id = res && res->request_id[0] ? res->request_id : NULL;
	if (exec(s->db, "BEGIN IMMEDIATE") != 0)
		goto fail;
	if (outbox_set_state(s->db, it->action_id, state, result_id, request_id, message) != 0 ||
	    (outcome && audit_item(s, it, outcome, request_id, message) != 0)) {
		exec(s->db, "ROLLBACK");
		goto fail;
	}
	if (state == OUTBOX_DONE && result_id && strcmp(it->kind, "refund") == 0) {
		/* The reply's upsert maps metadata into action_id; this makes sure of it. */
		sqlite3_stmt *st = NULL;
		int rc = sqlite3_prepare_v2(s->db,
		                            "UPDATE refunds SET action_id = ?1 WHERE id = ?2"
		                            " AND action_id IS NULL",
		                            -1, &st, NULL);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_text(st, 1, it->action_id, -1, SQLITE_TRANSIENT);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_text(st, 2, result_id, -1, SQLITE_TRANSIENT);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
		sqlite3_finalize(st);
		if (rc != SQLITE_OK) {
			exec(s->db, "ROLLBACK");
			goto fail;
		}
	}
	if (exec(s->db, "COMMIT") != 0) {
		exec(s->db, "ROLLBACK");
		goto fail;
	}
	return 0;
fail:
	finish(out, ACTIONS_FAILED, _("the result could not be recorded in the cache: %s"),
	       sqlite3_errmsg(s->db));
	return -1;
}

/* A plain sentence for a failed request, with the platform's own words when it gave some. */
static void explain(const struct provider_result *res, char *buf, size_t size)
{
	const char *what = provider_outcome_message(res->outcome);
	if (res->outcome == PROVIDER_FORBIDDEN)
		what = _(
		        "the platform refused: this profile's API key is not allowed to do this "
		        "(a restricted key); ask the account owner for a key with that permission");
	if (res->message[0])
		snprintf(buf, size, "%s (%s)", what, res->message);
	else
		snprintf(buf, size, "%s", what);
}

/* Builds the evidence fields of a params object; *fields is allocated (caller frees),
 * the strings point into params. Returns the count or -1. */
static long evidence_fields(json_t *params, struct provider_evidence_field **fields)
{
	json_t *obj = json_object_get(params, "fields");
	*fields = NULL;
	if (!json_is_object(obj))
		return 0;
	size_t n = json_object_size(obj);
	if (n == 0)
		return 0;
	*fields = calloc(n, sizeof **fields);
	if (!*fields)
		return -1;
	size_t i = 0;
	const char *name;
	json_t *value;
	json_object_foreach(obj, name, value)
	{
		if (json_is_string(value) && i < n) {
			(*fields)[i].name = name;
			(*fields)[i].value = json_string_value(value);
			i++;
		}
	}
	return (long)i;
}

/* Whether a member is absent or of the type given. */
static bool absent_or(json_t *params, const char *key, json_type type)
{
	json_t *v = json_object_get(params, key);
	return !v || json_typeof(v) == type;
}

static bool nonempty_string(json_t *params, const char *key)
{
	const char *v = json_string_value(json_object_get(params, key));
	return v && *v;
}

/* Whether a stored action holds everything its request needs, as paydesk wrote it: the
 * cache is a file, and a damaged row must be refused, not sent half (a refund without its
 * order) or with another amount than the one checked against the profile's limit. */
static bool params_whole(const struct outbox_item *it, int kind, json_t *params)
{
	if (!it->object_id[0])
		return false;
	switch (kind) {
	case ACTIONS_REFUND: {
		json_t *amount = json_object_get(params, "amount");
		return nonempty_string(params, "order") && json_is_integer(amount) &&
		       json_integer_value(amount) > 0 && it->has_amount &&
		       json_integer_value(amount) == it->amount && it->currency[0] &&
		       absent_or(params, "total", JSON_INTEGER) &&
		       absent_or(params, "left", JSON_INTEGER) &&
		       absent_or(params, "reason", JSON_STRING) &&
		       absent_or(params, "note", JSON_STRING);
	}
	case ACTIONS_DISPUTE_DRAFT:
	case ACTIONS_DISPUTE_SUBMIT:
		return absent_or(params, "fields", JSON_OBJECT);
	case ACTIONS_EVIDENCE_FILE:
	case ACTIONS_COMPLAINT_IMAGE:
		return nonempty_string(params, "path");
	case ACTIONS_COMPLAINT_REPLY: {
		json_t *images = json_object_get(params, "images"), *v;
		size_t i;
		if (images && !json_is_array(images))
			return false;
		json_array_foreach(images, i, v)
		{
			if (!json_is_string(v))
				return false;
		}
		return absent_or(params, "text", JSON_STRING) &&
		       absent_or(params, "code", JSON_STRING);
	}
	case ACTIONS_COMPLAINT_COMPLETE:
		return absent_or(params, "text", JSON_STRING) &&
		       absent_or(params, "code", JSON_STRING);
	case ACTIONS_COMPLAINT_REFUND: {
		/* a refusal says why (the platforms want the reason) */
		json_t *approve = json_object_get(params, "approve");
		return json_is_boolean(approve) && absent_or(params, "days", JSON_INTEGER) &&
		       absent_or(params, "reason", JSON_STRING) &&
		       (json_is_true(approve) || nonempty_string(params, "reason"));
	}
	default:
		return true;
	}
}

/* Performs the item's request once. Returns the provider's return (0 or -1). */
static int perform(struct actions_session *s, const struct outbox_item *it, int kind,
                   json_t *params, char *result_id, size_t result_size, struct provider_result *res)
{
	char object[128] = "";
	int rc = -1;
	/* An action this platform does not have (a queued action of another profile's kind). */
	const struct provider_ops *o = s->ops;
	bool op = (kind == ACTIONS_REFUND && o->create_refund) ||
	          ((kind == ACTIONS_DISPUTE_DRAFT || kind == ACTIONS_DISPUTE_SUBMIT) &&
	           o->update_dispute) ||
	          (kind == ACTIONS_DISPUTE_CLOSE && o->close_dispute) ||
	          (kind == ACTIONS_EVIDENCE_FILE && o->upload_evidence_file) ||
	          (kind == ACTIONS_COMPLAINT_REPLY && o->complaint_reply) ||
	          (kind == ACTIONS_COMPLAINT_COMPLETE && o->complaint_complete) ||
	          (kind == ACTIONS_COMPLAINT_REFUND && o->complaint_refund) ||
	          (kind == ACTIONS_COMPLAINT_IMAGE && o->upload_image);
	if (!op) {
		res->outcome = PROVIDER_INVALID;
		snprintf(res->message, sizeof res->message, "%s",
		         _("this platform has no such action"));
		return -1;
	}
	switch (kind) {
	case ACTIONS_REFUND: {
		struct provider_refund_request req = {
		        .order_id = json_string_value(json_object_get(params, "order")),
		        .amount = (int64_t)json_integer_value(json_object_get(params, "amount")),
		        .order_amount =
		                (int64_t)json_integer_value(json_object_get(params, "total")),
		        .left = (int64_t)json_integer_value(json_object_get(params, "left")),
		        .currency = it->currency,
		        .reason = json_string_value(json_object_get(params, "reason")),
		        .note = json_string_value(json_object_get(params, "note")),
		        .action_id = it->action_id,
		        .idempotency_key = it->idempotency_key,
		};
		rc = s->ops->create_refund(s->provider, &req, object, res);
		break;
	}
	case ACTIONS_DISPUTE_DRAFT:
	case ACTIONS_DISPUTE_SUBMIT: {
		struct provider_evidence_field *fields = NULL;
		long n = evidence_fields(params, &fields);
		if (n < 0) {
			res->outcome = PROVIDER_CANCELLED;
			snprintf(res->message, sizeof res->message, "%s",
			         _("there was not enough memory for this action"));
			return -1;
		}
		struct provider_dispute_update req = {
		        .dispute_id = it->object_id,
		        .fields = fields,
		        .n_fields = (size_t)n,
		        .submit = kind == ACTIONS_DISPUTE_SUBMIT,
		        .idempotency_key = it->idempotency_key,
		};
		rc = s->ops->update_dispute(s->provider, &req, res);
		free(fields);
		audit_copy_text(object, sizeof object, it->object_id);
		break;
	}
	case ACTIONS_DISPUTE_CLOSE:
		rc = s->ops->close_dispute(s->provider, it->object_id, it->idempotency_key, res);
		audit_copy_text(object, sizeof object, it->object_id);
		break;
	case ACTIONS_EVIDENCE_FILE:
		rc = s->ops->upload_evidence_file(
		        s->provider, json_string_value(json_object_get(params, "path")),
		        it->idempotency_key, object, res);
		break;
	case ACTIONS_COMPLAINT_REPLY: {
		json_t *images = json_object_get(params, "images");
		size_t n = json_array_size(images);
		const char **ids = calloc(n ? n : 1, sizeof *ids);
		if (!ids) {
			res->outcome = PROVIDER_CANCELLED;
			snprintf(res->message, sizeof res->message, "%s",
			         _("there was not enough memory for this action"));
			return -1;
		}
		for (size_t i = 0; i < n; i++)
			ids[i] = json_string_value(json_array_get(images, i));
		struct provider_complaint_reply req = {
		        .complaint_id = it->object_id,
		        .text = json_string_value(json_object_get(params, "text")),
		        .images = ids,
		        .n_images = n,
		        .code = json_string_value(json_object_get(params, "code")),
		        .idempotency_key = it->idempotency_key,
		};
		rc = s->ops->complaint_reply(s->provider, &req, res);
		free(ids);
		audit_copy_text(object, sizeof object, it->object_id);
		break;
	}
	case ACTIONS_COMPLAINT_COMPLETE: {
		struct provider_complaint_reply req = {
		        .complaint_id = it->object_id,
		        .text = json_string_value(json_object_get(params, "text")),
		        .code = json_string_value(json_object_get(params, "code")),
		        .idempotency_key = it->idempotency_key,
		};
		rc = s->ops->complaint_complete(s->provider, &req, res);
		audit_copy_text(object, sizeof object, it->object_id);
		break;
	}
	case ACTIONS_COMPLAINT_REFUND: {
		struct provider_complaint_refund req = {
		        .complaint_id = it->object_id,
		        .approve = json_is_true(json_object_get(params, "approve")),
		        .refund_in_days = (int)json_integer_value(json_object_get(params, "days")),
		        .reason = json_string_value(json_object_get(params, "reason")),
		        .idempotency_key = it->idempotency_key,
		};
		rc = s->ops->complaint_refund(s->provider, &req, res);
		audit_copy_text(object, sizeof object, it->object_id);
		break;
	}
	case ACTIONS_COMPLAINT_IMAGE:
		rc = s->ops->upload_image(s->provider,
		                          json_string_value(json_object_get(params, "path")),
		                          it->idempotency_key, object, res);
		break;
	default:
		res->outcome = PROVIDER_INVALID;
		snprintf(res->message, sizeof res->message, "%s", it->kind);
		return -1;
	}
	audit_copy_text(result_id, result_size, object);
	return rc;
}

/* What an action the platform took did, in words for "Done: <id> (<this>)": the result's
 * id says which object, this says what happened to it. Into buf. */
static void done_message(const struct outbox_item *it, int kind, char *buf, size_t size)
{
	char money[64] = "";
	if (it->has_amount && it->currency[0])
		money_format(it->amount, it->currency, money_locale_current(), MONEY_FMT_CODE,
		             money, sizeof money);
	switch (kind) {
	case ACTIONS_REFUND:
		snprintf(buf, size, _("%s refunded"), money);
		break;
	case ACTIONS_DISPUTE_DRAFT:
		snprintf(buf, size, "%s", _("evidence saved on the platform, not submitted"));
		break;
	case ACTIONS_DISPUTE_SUBMIT:
		snprintf(buf, size, "%s", _("evidence submitted"));
		break;
	case ACTIONS_DISPUTE_CLOSE:
		snprintf(buf, size, _("dispute accepted: %s lost"), money);
		break;
	case ACTIONS_EVIDENCE_FILE:
		snprintf(buf, size, "%s", _("file uploaded"));
		break;
	default:
		snprintf(buf, size, "%s", provider_outcome_message(PROVIDER_OK));
		break;
	}
}

/* Whether an outcome proves that the platform did not act (so the action may go back to
 * the queue) or refused for good. */
static bool outcome_final_refusal(enum provider_outcome o)
{
	return o == PROVIDER_AUTH || o == PROVIDER_FORBIDDEN || o == PROVIDER_INVALID;
}

/* Whether the platform's history of the complaint shows this action done since it was
 * created: 1 yes, 0 no, -1 when the history could not be read (res says why). */
static int complaint_done_already(struct actions_session *s, const struct outbox_item *it, int kind,
                                  json_t *params, struct provider_result *res)
{
	if (!s->ops->complaint_history) {
		res->outcome = PROVIDER_INVALID;
		snprintf(res->message, sizeof res->message, "%s",
		         _("this platform has no complaint history"));
		return -1;
	}
	struct provider_page pg;
	if (s->ops->complaint_history(s->provider, it->object_id, &pg, res) != 0)
		return -1;
	provider_page_free(&pg);
	const char *sql;
	const char *text = NULL;
	if (kind == ACTIONS_COMPLAINT_REPLY) {
		sql = "SELECT 1 FROM dispute_history WHERE dispute_id = ?1 AND time >= ?2"
		      " AND kind = 'merchant_reply' AND text IS ?3";
		text = json_string_value(json_object_get(params, "text"));
	} else if (kind == ACTIONS_COMPLAINT_COMPLETE) {
		sql = "SELECT 1 FROM dispute_history WHERE dispute_id = ?1 AND time >= ?2"
		      " AND kind = 'merchant_complete' AND ?3 IS NULL";
	} else {
		sql = "SELECT 1 FROM dispute_history WHERE dispute_id = ?1 AND time >= ?2"
		      " AND kind IN ('refund_approved', 'refund_rejected') AND ?3 IS NULL";
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, it->object_id, -1, SQLITE_TRANSIENT);
	/* The platform's clock and ours may differ by a little. */
	sqlite3_bind_int64(st, 2, (int64_t)it->created - 300);
	if (text)
		sqlite3_bind_text(st, 3, text, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 3);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

enum actions_status actions_send(struct actions_session *s, const char *action_id,
                                 struct actions_outcome *out)
{
	/* action_id may point into out (a new action sent at once). */
	char id[OUTBOX_ID_SIZE];
	audit_copy_text(id, sizeof id, action_id);
	action_id = id;
	memset(out, 0, sizeof *out);
	audit_copy_text(out->action_id, sizeof out->action_id, action_id);
	struct outbox_item it;
	int found = outbox_get(s->db, action_id, &it);
	if (found < 0)
		return finish(out, ACTIONS_FAILED, _("the cache could not be read: %s"),
		              sqlite3_errmsg(s->db));
	if (found == 0)
		return finish(out, ACTIONS_REFUSED, "%s",
		              _("there is no such action in the outbox"));
	enum actions_status status;
	json_t *params = NULL;
	int kind = actions_kind_parse(it.kind);
	switch (it.state) {
	case OUTBOX_DONE:
		audit_copy_text(out->result_id, sizeof out->result_id, it.result_id);
		status = finish(out, ACTIONS_DONE, "%s", _("already done; nothing was sent again"));
		goto done;
	case OUTBOX_FAILED:
	case OUTBOX_DISCARDED:
		status = finish(out, ACTIONS_REFUSED, _("this action is closed (%s)"),
		                outbox_state_label(it.state));
		goto done;
	default:
		break;
	}
	bool retry = it.state == OUTBOX_SENDING;
	if (!s->provider) {
		status = finish(out, retry ? ACTIONS_UNCERTAIN : ACTIONS_QUEUED, "%s",
		                _("offline: the action stays in the outbox until you send it"));
		goto done;
	}
	const char *role = kind < 0 ? _("this version does not know this kind of action")
	                            : actions_role_refusal(s->role, (enum actions_kind)kind);
	if (role) {
		status = refuse(s, out, kind < 0 ? ACTIONS_REFUND : (enum actions_kind)kind,
		                it.object_id, it.has_amount, it.amount, it.currency, role);
		goto done;
	}
	json_error_t jerr;
	params = json_loads(it.params, 0, &jerr);
	if (!json_is_object(params) || !params_whole(&it, kind, params)) {
		status = finish(out, ACTIONS_FAILED, "%s",
		                _("the stored action is damaged and cannot be sent"));
		goto done;
	}

	char why[1024];
	if (kind == ACTIONS_REFUND && s->role == PROFILE_ROLE_SUPPORT &&
	    (s->refund_limit < 0 || it.amount > s->refund_limit ||
	     strcasecmp(s->refund_limit_currency, it.currency) != 0)) {
		/* A support profile's limit holds for queued refunds too. */
		status = refuse(
		        s, out, ACTIONS_REFUND, it.object_id, true, it.amount, it.currency,
		        _("the amount is above this profile's refund limit; ask a merchant"));
		goto done;
	}
	if (kind == ACTIONS_REFUND &&
	    (retry || paydesk_now() - it.created >= ACTIONS_KEY_LIFETIME)) {
		/* An earlier attempt may have created the refund; past the key's lifetime
		 * the platform would make a second one, so ask it first. */
		char object[128] = "";
		int r = s->ops->find_refund_by_action(s->provider, it.object_id, it.action_id,
		                                      object, &out->result);
		if (r == 1) {
			audit_copy_text(out->result_id, sizeof out->result_id, object);
			if (record(s, &it, OUTBOX_DONE, object, AUDIT_FOUND, &out->result,
			           _("an earlier attempt had already refunded it"), out) != 0) {
				status = out->status;
				goto done;
			}
			status = finish(out, ACTIONS_DONE, "%s",
			                _("an earlier attempt had already refunded it; no second "
			                  "refund was made"));
			goto done;
		}
		if (r < 0) {
			explain(&out->result, why, sizeof why);
			status = finish(out, retry ? ACTIONS_UNCERTAIN : ACTIONS_QUEUED,
			                _("could not check for an earlier refund: %s"), why);
			goto done;
		}
	} else if (retry && (kind == ACTIONS_DISPUTE_SUBMIT || kind == ACTIONS_DISPUTE_CLOSE)) {
		/* The platform takes a submission or a closing once: if the cache already shows
		 * the dispute moved on, the earlier attempt went through. */
		struct actions_dispute d;
		if (actions_dispute_get(s->db, it.object_id, &d) > 0 &&
		    actions_check_dispute(s, &d, (enum actions_kind)kind, why, sizeof why)) {
			audit_copy_text(out->result_id, sizeof out->result_id, it.object_id);
			if (record(s, &it, OUTBOX_DONE, it.object_id, AUDIT_FOUND, NULL,
			           _("an earlier attempt had already done it"), out) != 0) {
				status = out->status;
				goto done;
			}
			status =
			        finish(out, ACTIONS_DONE, "%s",
			               _("an earlier attempt had already done it; nothing was sent "
			                 "again"));
			goto done;
		}
	} else if (retry && complaint_kind(kind) && kind != ACTIONS_COMPLAINT_IMAGE) {
		/* An answer to a complaint is not idempotent on the platform: its history says
		 * whether the unanswered attempt went through. */
		int r = complaint_done_already(s, &it, kind, params, &out->result);
		if (r == 1) {
			audit_copy_text(out->result_id, sizeof out->result_id, it.object_id);
			if (record(s, &it, OUTBOX_DONE, it.object_id, AUDIT_FOUND, NULL,
			           _("an earlier attempt had already done it"), out) != 0) {
				status = out->status;
				goto done;
			}
			status =
			        finish(out, ACTIONS_DONE, "%s",
			               _("an earlier attempt had already done it; nothing was sent "
			                 "again"));
			goto done;
		}
		if (r < 0) {
			explain(&out->result, why, sizeof why);
			status = finish(out, ACTIONS_UNCERTAIN,
			                _("could not check for an earlier answer: %s"), why);
			goto done;
		}
	} else if (!retry && kind != ACTIONS_REFUND && kind != ACTIONS_EVIDENCE_FILE &&
	           kind != ACTIONS_COMPLAINT_IMAGE) {
		/* A queued action is checked again: its deadline may have passed, the complaint
		 * may have been closed. */
		struct actions_dispute d;
		struct actions_complaint c;
		const char *refusal = NULL;
		if (complaint_kind(kind)) {
			if (actions_complaint_get(s->db, it.object_id, &c) > 0)
				refusal = actions_check_complaint(s, &c, (enum actions_kind)kind,
				                                  why, sizeof why);
		} else if (actions_dispute_get(s->db, it.object_id, &d) > 0) {
			refusal = actions_check_dispute(s, &d, (enum actions_kind)kind, why,
			                                sizeof why);
		}
		if (refusal) {
			if (record(s, &it, OUTBOX_FAILED, NULL, AUDIT_REFUSED, NULL, refusal,
			           out) != 0) {
				status = out->status;
				goto done;
			}
			status = finish(out, ACTIONS_REFUSED, "%s", refusal);
			goto done;
		}
	}

	/* Write-ahead: the outbox row says "sending" before the request leaves, so a crash in
	 * between is seen as an attempt that may have acted; the audit log gets the attempt's
	 * one row when its outcome is known (now, or when the outbox resolves it). */
	if (record(s, &it, OUTBOX_SENDING, NULL, NULL, NULL, NULL, out) != 0) {
		status = out->status;
		goto done;
	}
	char object[128] = "";
	memset(&out->result, 0, sizeof out->result);
	int rc = perform(s, &it, kind, params, object, sizeof object, &out->result);
	if (rc == 0) {
		audit_copy_text(out->result_id, sizeof out->result_id, object);
		if (record(s, &it, OUTBOX_DONE, object, AUDIT_SUCCEEDED, &out->result, NULL, out) !=
		    0) {
			status = out->status;
			goto done;
		}
		if (kind == ACTIONS_DISPUTE_SUBMIT)
			outbox_draft_delete(s->db, it.object_id);
		char what[160];
		done_message(&it, kind, what, sizeof what);
		status = finish(out, ACTIONS_DONE, "%s", what);
		goto done;
	}
	explain(&out->result, why, sizeof why);
	if (outcome_final_refusal(out->result.outcome)) {
		if (record(s, &it, OUTBOX_FAILED, NULL, AUDIT_FAILED, &out->result, why, out) !=
		    0) {
			status = out->status;
			goto done;
		}
		if (retry && kind != ACTIONS_REFUND && out->result.outcome == PROVIDER_INVALID)
			/* Past the key's lifetime the platform refuses a second submission or
			 * closing: the unanswered first attempt may be the one that went through. */
			status = finish(
			        out, ACTIONS_FAILED,
			        _("%s; an earlier attempt that got no answer may have done it: "
			          "sync to see the dispute's state"),
			        why);
		else
			status = finish(out, ACTIONS_FAILED, "%s", why);
	} else if (out->result.outcome == PROVIDER_OFFLINE && !retry) {
		/* Nothing reached the platform: back to the queue, for the user to send. */
		if (record(s, &it, OUTBOX_QUEUED, NULL, AUDIT_QUEUED, &out->result, why, out) !=
		    0) {
			status = out->status;
			goto done;
		}
		status = finish(out, ACTIONS_QUEUED, _("%s; the action is saved in the outbox"),
		                why);
	} else {
		if (record(s, &it, OUTBOX_SENDING, NULL, AUDIT_UNKNOWN, &out->result, why, out) !=
		    0) {
			status = out->status;
			goto done;
		}
		status = finish(out, ACTIONS_UNCERTAIN,
		                _("%s; retrying is safe: it will not be done twice"), why);
	}
done:
	json_decref(params);
	outbox_item_clear(&it);
	return status;
}

enum actions_status actions_discard(struct actions_session *s, const char *action_id,
                                    struct actions_outcome *out)
{
	char id[OUTBOX_ID_SIZE];
	audit_copy_text(id, sizeof id, action_id);
	action_id = id;
	memset(out, 0, sizeof *out);
	audit_copy_text(out->action_id, sizeof out->action_id, action_id);
	struct outbox_item it;
	int found = outbox_get(s->db, action_id, &it);
	if (found <= 0)
		return finish(out, found < 0 ? ACTIONS_FAILED : ACTIONS_REFUSED, "%s",
		              _("there is no such action in the outbox"));
	enum actions_status status;
	if (it.state != OUTBOX_QUEUED) {
		status = finish(out, ACTIONS_REFUSED,
		                _("only a queued action can be discarded (this one is %s)"),
		                outbox_state_label(it.state));
	} else if (record(s, &it, OUTBOX_DISCARDED, NULL, AUDIT_DISCARDED, NULL, NULL, out) != 0) {
		status = out->status;
	} else {
		status = finish(out, ACTIONS_DONE, "%s", _("discarded; nothing was sent"));
	}
	outbox_item_clear(&it);
	return status;
}
