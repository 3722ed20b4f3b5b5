/* The audit log: every attempt at an action that writes, appended to the cache's `audit`
 * table (the schema's triggers refuse UPDATE and DELETE). Rows are never changed: an
 * action leaves a write-ahead row before its request leaves and a row with the outcome
 * after, so a process killed in between still left a trace. */
#ifndef PAYDESK_AUDIT_H
#define PAYDESK_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct sqlite3;
struct sqlite3_stmt;

/* Outcomes written to the audit log (stable words: scripts read them). */
#define AUDIT_QUEUED    "queued"    /* saved offline, not sent */
#define AUDIT_SUCCEEDED "succeeded" /* the platform accepted it */
#define AUDIT_FOUND     "found"     /* a retry found the object an earlier attempt created */
#define AUDIT_UNKNOWN   "unknown"   /* no answer: the platform may have acted */
#define AUDIT_FAILED    "failed"    /* the platform refused it */
#define AUDIT_REFUSED   "refused"   /* refused here before any request (role, amount, date) */
#define AUDIT_DISCARDED "discarded" /* a queued action the user threw away */

/* Who is acting: the operating-system user and the SSH client's address when present. */
struct audit_identity {
	char os_user[64];
	char ssh_client[64]; /* "" when not over SSH */
};

/* Copies src into dst (size > 0), cut at a UTF-8 character boundary when too long (NULL
 * gives ""). Shared by the action modules (audit, outbox, actions). */
void audit_copy_text(char *dst, size_t size, const char *src);
/* Copies column col of st's current row into dst the same way. */
void audit_column_text(struct sqlite3_stmt *st, int col, char *dst, size_t size);
/* Binds text to parameter i, or NULL for a NULL or empty string. Returns SQLite's code. */
int audit_bind_text(struct sqlite3_stmt *st, int i, const char *s);

/* Fills `who` from the process's user id (falling back on $LOGNAME/$USER, then the number)
 * and from $SSH_CLIENT or $SSH_CONNECTION (first field, address characters only). Never
 * fails. */
void audit_identity_get(struct audit_identity *who);

/* One entry to append. Strings may be NULL (stored as NULL) except profile, action and
 * outcome. */
struct audit_record {
	time_t time; /* 0 = paydesk_now() */
	const struct audit_identity *who;
	const char *profile;
	const char *action;    /* refund | dispute_draft | dispute_submit | dispute_close ... */
	const char *object_id; /* the order or dispute acted on */
	bool has_amount;
	int64_t amount; /* minor units */
	const char *currency;
	const char *idempotency_key;
	const char *request_id; /* the platform's Request-Id */
	const char *outcome;    /* AUDIT_* */
	const char *message;
};

/* Appends one row. Returns 0, or -1 when SQLite refused (the caller must not go on with
 * the action: an action without its trace is not taken). */
int audit_append(struct sqlite3 *db, const struct audit_record *record);

/* One row as read back. Text is cut at its buffer at a character boundary; it may come from
 * the platform (message, request id): sanitize before display. */
struct audit_row {
	long long seq;
	time_t time;
	char os_user[64];
	char ssh_client[64];
	char profile[64];
	char action[32];
	char object_id[72];
	bool has_amount;
	int64_t amount;
	char currency[8];
	char idempotency_key[96];
	char request_id[64];
	char outcome[24];
	char message[256];
};

/* Calls fn for every row with time >= since (0 = all), oldest first; stops when fn returns
 * non-zero. Returns the number of rows visited, or -1 on a SQLite failure. */
int audit_each(struct sqlite3 *db, time_t since, int (*fn)(void *ctx, const struct audit_row *row),
               void *ctx);

/* Up to max rows in display order (newest first): after=true gives the rows older than
 * `key` (key 0 = from the newest), after=false the rows newer than `key` (key 0 = the oldest
 * rows), the row nearest to `key` last. Returns the count or -1. Keyset paging for the Audit
 * screen: a row's key is its seq. */
int audit_page(struct sqlite3 *db, long long key, bool after, int max, struct audit_row *out);

/* Number of rows, or -1. */
long audit_count(struct sqlite3 *db);

#endif
