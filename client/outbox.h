/* The outbox: every write action, stored with its action id and idempotency key before any
 * request leaves, and its state as it goes (queued -> sending -> done | failed; queued ->
 * discarded). A retry reads the row back and reuses the same id and key. Also the local
 * evidence drafts of disputes, kept until they reach the platform. */
#ifndef PAYDESK_OUTBOX_H
#define PAYDESK_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct sqlite3;

enum outbox_state {
	OUTBOX_QUEUED = 0, /* saved, not sent: waits for the user to review it */
	OUTBOX_SENDING,   /* a request left; until an answer says so, the platform may have acted */
	OUTBOX_DONE,      /* the platform acted; result_id names the object */
	OUTBOX_FAILED,    /* the platform refused it; final */
	OUTBOX_DISCARDED, /* thrown away by the user before it was sent; final */
	OUTBOX_STATE_COUNT
};

/* Bit masks of states, for listings. */
#define OUTBOX_MASK(state) (1u << (state))
#define OUTBOX_MASK_OPEN   (OUTBOX_MASK(OUTBOX_QUEUED) | OUTBOX_MASK(OUTBOX_SENDING))
#define OUTBOX_MASK_ALL    ((1u << OUTBOX_STATE_COUNT) - 1)

/* The word stored in the cache ("queued", ...). Static. */
const char *outbox_state_name(enum outbox_state state);
/* The translated word for screens. Static. */
const char *outbox_state_label(enum outbox_state state);
/* Parses a stored word; -1 when unknown. */
int outbox_state_parse(const char *name);

#define OUTBOX_ID_SIZE  40
#define OUTBOX_KEY_SIZE 96

/* One action. params is heap memory owned by the item (outbox_item_clear frees it). */
struct outbox_item {
	char action_id[OUTBOX_ID_SIZE];
	time_t created;
	time_t updated;
	char kind[24];      /* refund | dispute_draft | dispute_submit | dispute_close | ... */
	char object_id[72]; /* the order or dispute acted on */
	bool has_amount;
	int64_t amount;
	char currency[8];
	char *params; /* JSON object of the request's parameters */
	char idempotency_key[OUTBOX_KEY_SIZE];
	enum outbox_state state;
	char result_id[72];
	char request_id[64];
	char message[512];
};

/* Frees params and zeroes the item. */
void outbox_item_clear(struct outbox_item *item);

/* Makes a new random action id ("act_" + 24 base62 characters) and the idempotency key
 * derived from it. Returns 0, or -1 when the system has no randomness to give. */
int outbox_new_ids(char action_id[OUTBOX_ID_SIZE], char key[OUTBOX_KEY_SIZE]);

/* Inserts a new row (created/updated = item->created, or now when 0). Returns 0, or -1 on a
 * SQLite failure (including a duplicate id or key). */
int outbox_insert(struct sqlite3 *db, const struct outbox_item *item);

/* Reads one row into item (the caller clears it). Returns 1, 0 when there is none, -1 on
 * failure. */
int outbox_get(struct sqlite3 *db, const char *action_id, struct outbox_item *item);

/* Moves a row to `state` and records what is known (NULL leaves a field as it is). Only
 * moves the state machine allows (a final state never changes): returns 0, 1 when the move
 * is not allowed (nothing written), -1 on failure. */
int outbox_set_state(struct sqlite3 *db, const char *action_id, enum outbox_state state,
                     const char *result_id, const char *request_id, const char *message);

/* Up to max items whose state is in mask, newest first, created before (key_created,
 * key_id) when key_id is not NULL. Returns the count or -1; the caller clears each item. */
int outbox_page(struct sqlite3 *db, unsigned mask, const char *key_id, bool after, int max,
                struct outbox_item *out);
/* Number of items whose state is in mask, or -1. */
long outbox_count(struct sqlite3 *db, unsigned mask);
/* The state of the newest open (queued or sending) action on an object: its state, or -1
 * when there is none or on failure. For marking a row "queued" in lists. */
int outbox_open_state_of(struct sqlite3 *db, const char *object_id);

/* Evidence drafts: fields_json is a JSON object {"field": "text", ...}. */
/* Saves (replaces) the draft of a dispute. Returns 0 or -1. */
int outbox_draft_save(struct sqlite3 *db, const char *dispute_id, const char *fields_json);
/* The draft's JSON, newly allocated (caller frees), or NULL when there is none (*found
 * false) or on failure (*found true). */
char *outbox_draft_load(struct sqlite3 *db, const char *dispute_id, bool *found);
/* Deletes the draft (after the platform took it). Returns 0 or -1. */
int outbox_draft_delete(struct sqlite3 *db, const char *dispute_id);

#endif
