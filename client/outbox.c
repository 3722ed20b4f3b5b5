/* The outbox's and the evidence drafts' SQL, and the ids of new actions. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "client/audit.h"
#include "client/client.h"
#include "client/outbox.h"

static const char *const state_names[OUTBOX_STATE_COUNT] = {
        "queued", "sending", "done", "failed", "discarded",
};

static const char *const state_labels[OUTBOX_STATE_COUNT] = {
        N_("queued"), N_("sending"), N_("sent"), N_("rejected"), N_("discarded"),
};

const char *outbox_state_name(enum outbox_state state)
{
	return (unsigned)state < OUTBOX_STATE_COUNT ? state_names[state] : "?";
}

const char *outbox_state_label(enum outbox_state state)
{
	return (unsigned)state < OUTBOX_STATE_COUNT ? _(state_labels[state]) : "?";
}

int outbox_state_parse(const char *name)
{
	for (int i = 0; name && i < OUTBOX_STATE_COUNT; i++)
		if (strcmp(name, state_names[i]) == 0)
			return i;
	return -1;
}

void outbox_item_clear(struct outbox_item *item)
{
	free(item->params);
	memset(item, 0, sizeof *item);
}

/* Fills buf with random bytes. Returns 0 or -1. */
static int random_bytes(unsigned char *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = getrandom(buf + got, len - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

int outbox_new_ids(char action_id[OUTBOX_ID_SIZE], char key[OUTBOX_KEY_SIZE])
{
	static const char alphabet[] =
	        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	unsigned char raw[24];
	if (random_bytes(raw, sizeof raw) != 0)
		return -1;
	char id[25];
	/* 248 is the largest multiple of 62 below 256; rejecting above it keeps the letters
	 * uniform, and fresh bytes replace the rejected ones. */
	for (size_t i = 0; i < sizeof raw; i++) {
		while (raw[i] >= 248) {
			if (random_bytes(&raw[i], 1) != 0)
				return -1;
		}
		id[i] = alphabet[raw[i] % 62];
	}
	id[24] = '\0';
	snprintf(action_id, OUTBOX_ID_SIZE, "act_%s", id);
	snprintf(key, OUTBOX_KEY_SIZE, "paydesk-act_%s", id);
	return 0;
}

int outbox_insert(struct sqlite3 *db, const struct outbox_item *it)
{
	static const char sql[] =
	        "INSERT INTO outbox(action_id, created, updated, kind, object_id, amount, currency,"
	        " params, idempotency_key, state, result_id, request_id, message)"
	        " VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	time_t now = it->created ? it->created : paydesk_now();
	int rc = sqlite3_bind_text(st, 1, it->action_id, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 3, it->kind, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 4, it->object_id, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = it->has_amount ? sqlite3_bind_int64(st, 5, it->amount)
		                    : sqlite3_bind_null(st, 5);
	if (rc == SQLITE_OK)
		rc = audit_bind_text(st, 6, it->currency);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 7, it->params ? it->params : "{}", -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 8, it->idempotency_key, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 9, outbox_state_name(it->state), -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = audit_bind_text(st, 10, it->result_id);
	if (rc == SQLITE_OK)
		rc = audit_bind_text(st, 11, it->request_id);
	if (rc == SQLITE_OK)
		rc = audit_bind_text(st, 12, it->message);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? 0 : -1;
}

#define OUTBOX_COLUMNS                                                                             \
	"action_id, created, updated, kind, object_id, amount, currency, params,"                  \
	" idempotency_key, state, result_id, request_id, message"

/* Reads the current row of st into it. Returns 0, or -1 when memory runs out. */
static int read_item(sqlite3_stmt *st, struct outbox_item *it)
{
	memset(it, 0, sizeof *it);
	audit_column_text(st, 0, it->action_id, sizeof it->action_id);
	it->created = (time_t)sqlite3_column_int64(st, 1);
	it->updated = (time_t)sqlite3_column_int64(st, 2);
	audit_column_text(st, 3, it->kind, sizeof it->kind);
	audit_column_text(st, 4, it->object_id, sizeof it->object_id);
	it->has_amount = sqlite3_column_type(st, 5) != SQLITE_NULL;
	it->amount = sqlite3_column_int64(st, 5);
	audit_column_text(st, 6, it->currency, sizeof it->currency);
	const char *params = (const char *)sqlite3_column_text(st, 7);
	it->params = strdup(params ? params : "{}");
	if (!it->params)
		return -1;
	audit_column_text(st, 8, it->idempotency_key, sizeof it->idempotency_key);
	int state = outbox_state_parse((const char *)sqlite3_column_text(st, 9));
	/* A word this version does not know is treated as in flight: never re-sent blindly. */
	it->state = state < 0 ? OUTBOX_SENDING : (enum outbox_state)state;
	audit_column_text(st, 10, it->result_id, sizeof it->result_id);
	audit_column_text(st, 11, it->request_id, sizeof it->request_id);
	audit_column_text(st, 12, it->message, sizeof it->message);
	return 0;
}

int outbox_get(struct sqlite3 *db, const char *action_id, struct outbox_item *it)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE action_id = ?1", -1,
	                       &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_bind_text(st, 1, action_id, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
		sqlite3_finalize(st);
		return -1;
	}
	int rc = sqlite3_step(st), ret;
	if (rc == SQLITE_ROW)
		ret = read_item(st, it) == 0 ? 1 : -1;
	else
		ret = rc == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return ret;
}

/* Whether the state machine allows from -> to. A queued action is sent, discarded, or
 * fails a check when it is about to be sent; a request in flight ends done or failed, or
 * goes back to queued when nothing reached the platform; done, failed and discarded are
 * final. */
static bool move_allowed(enum outbox_state from, enum outbox_state to)
{
	switch (from) {
	case OUTBOX_QUEUED:
		return to != OUTBOX_DONE;
	case OUTBOX_SENDING:
		return to != OUTBOX_DISCARDED;
	default:
		return false;
	}
}

int outbox_set_state(struct sqlite3 *db, const char *action_id, enum outbox_state state,
                     const char *result_id, const char *request_id, const char *message)
{
	struct outbox_item cur;
	int found = outbox_get(db, action_id, &cur);
	if (found <= 0)
		return -1;
	bool ok = move_allowed(cur.state, state);
	enum outbox_state from = cur.state;
	outbox_item_clear(&cur);
	if (!ok)
		return 1;
	/* The WHERE on the old state makes the move atomic against another process that
	 * moved the row meanwhile. */
	static const char sql[] =
	        "UPDATE outbox SET state = ?2, updated = ?3,"
	        " result_id = coalesce(?4, result_id), request_id = coalesce(?5, request_id),"
	        " message = coalesce(?6, message) WHERE action_id = ?1 AND state = ?7";
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	int rc = sqlite3_bind_text(st, 1, action_id, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, outbox_state_name(state), -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3, (sqlite3_int64)paydesk_now());
	if (rc == SQLITE_OK)
		rc = result_id ? sqlite3_bind_text(st, 4, result_id, -1, SQLITE_TRANSIENT)
		               : sqlite3_bind_null(st, 4);
	if (rc == SQLITE_OK)
		rc = request_id ? sqlite3_bind_text(st, 5, request_id, -1, SQLITE_TRANSIENT)
		                : sqlite3_bind_null(st, 5);
	if (rc == SQLITE_OK)
		rc = message ? sqlite3_bind_text(st, 6, message, -1, SQLITE_TRANSIENT)
		             : sqlite3_bind_null(st, 6);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 7, outbox_state_name(from), -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return -1;
	return sqlite3_changes(db) == 1 ? 0 : 1;
}

/* Appends " AND state IN (...)" for mask to buf. */
static void state_clause(unsigned mask, char *buf, size_t size)
{
	size_t len = (size_t)snprintf(buf, size, " state IN ('-'");
	for (int i = 0; i < OUTBOX_STATE_COUNT && len < size; i++)
		if (mask & OUTBOX_MASK(i))
			len += (size_t)snprintf(buf + len, size - len, ", '%s'", state_names[i]);
	if (len < size)
		snprintf(buf + len, size - len, ")");
}

int outbox_page(struct sqlite3 *db, unsigned mask, const char *key_id, bool after, int max,
                struct outbox_item *out)
{
	char states[160];
	state_clause(mask, states, sizeof states);
	char sql[768];
	/* Display order is newest first by (created, action_id). */
	if (key_id && after)
		snprintf(sql, sizeof sql,
		         "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE %s AND (created, action_id) <"
		         " (SELECT created, action_id FROM outbox WHERE action_id = ?1)"
		         " ORDER BY created DESC, action_id DESC LIMIT ?2",
		         states);
	else if (key_id)
		snprintf(sql, sizeof sql,
		         "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE %s AND (created, action_id) >"
		         " (SELECT created, action_id FROM outbox WHERE action_id = ?1)"
		         " ORDER BY created ASC, action_id ASC LIMIT ?2",
		         states);
	else if (after)
		snprintf(sql, sizeof sql,
		         "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE %s AND ?1 IS NULL"
		         " ORDER BY created DESC, action_id DESC LIMIT ?2",
		         states);
	else
		snprintf(sql, sizeof sql,
		         "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE %s AND ?1 IS NULL"
		         " ORDER BY created ASC, action_id ASC LIMIT ?2",
		         states);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	int rc = key_id ? sqlite3_bind_text(st, 1, key_id, -1, SQLITE_TRANSIENT)
	                : sqlite3_bind_null(st, 1);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 2, max);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(st);
		return -1;
	}
	int n = 0;
	rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (read_item(st, &out[n]) != 0) {
			outbox_item_clear(&out[n]);
			rc = SQLITE_NOMEM;
			break;
		}
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		for (int i = 0; i < n; i++)
			outbox_item_clear(&out[i]);
		return -1;
	}
	/* Rows before the key (or the last rows) were read oldest first: put them in display
	 * order, the row nearest to the key last. */
	if (!after) {
		for (int i = 0, j = n - 1; i < j; i++, j--) {
			struct outbox_item tmp = out[i];
			out[i] = out[j];
			out[j] = tmp;
		}
	}
	return n;
}

long outbox_count(struct sqlite3 *db, unsigned mask)
{
	char states[160], sql[256];
	state_clause(mask, states, sizeof states);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM outbox WHERE %s", states);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	long n = -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int outbox_open_state_of(struct sqlite3 *db, const char *object_id)
{
	static const char sql[] = "SELECT state FROM outbox WHERE object_id = ?1"
	                          " AND state IN ('queued', 'sending')"
	                          " ORDER BY created DESC, action_id DESC LIMIT 1";
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	int ret = -1;
	if (sqlite3_bind_text(st, 1, object_id, -1, SQLITE_TRANSIENT) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		ret = outbox_state_parse((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return ret;
}

int outbox_draft_save(struct sqlite3 *db, const char *dispute_id, const char *fields_json)
{
	static const char sql[] =
	        "INSERT INTO evidence_drafts(dispute_id, updated, fields) VALUES (?1, ?2, ?3)"
	        " ON CONFLICT(dispute_id) DO UPDATE SET updated = excluded.updated,"
	        " fields = excluded.fields";
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	int rc = sqlite3_bind_text(st, 1, dispute_id, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, (sqlite3_int64)paydesk_now());
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 3, fields_json ? fields_json : "{}", -1,
		                       SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? 0 : -1;
}

char *outbox_draft_load(struct sqlite3 *db, const char *dispute_id, bool *found)
{
	*found = true; /* until proven absent, a NULL means failure */
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT fields FROM evidence_drafts WHERE dispute_id = ?1", -1,
	                       &st, NULL) != SQLITE_OK)
		return NULL;
	char *json = NULL;
	if (sqlite3_bind_text(st, 1, dispute_id, -1, SQLITE_TRANSIENT) == SQLITE_OK) {
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			const char *text = (const char *)sqlite3_column_text(st, 0);
			json = strdup(text ? text : "{}");
		} else if (rc == SQLITE_DONE) {
			*found = false;
		}
	}
	sqlite3_finalize(st);
	return json;
}

int outbox_draft_delete(struct sqlite3 *db, const char *dispute_id)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "DELETE FROM evidence_drafts WHERE dispute_id = ?1", -1, &st,
	                       NULL) != SQLITE_OK)
		return -1;
	int rc = sqlite3_bind_text(st, 1, dispute_id, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? 0 : -1;
}
