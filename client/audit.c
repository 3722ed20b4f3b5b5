/* The audit log's SQL: append and read back. The table is append-only (schema triggers). */
#include "config.h"

#include <pwd.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/audit.h"
#include "client/client.h"

void audit_copy_text(char *dst, size_t size, const char *src)
{
	size_t len = src ? strlen(src) : 0;
	if (len >= size) {
		len = size - 1;
		while (len > 0 && ((unsigned char)src[len] & 0xc0) == 0x80)
			len--;
	}
	if (len > 0)
		memcpy(dst, src, len);
	dst[len] = '\0';
}

void audit_column_text(struct sqlite3_stmt *st, int col, char *dst, size_t size)
{
	audit_copy_text(dst, size, (const char *)sqlite3_column_text(st, col));
}

int audit_bind_text(struct sqlite3_stmt *st, int i, const char *s)
{
	if (!s || !*s)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* Keeps the first whitespace-separated field of an SSH variable, if it looks like an
 * address (hex digits, '.', ':', '%' and letters of an IPv6 zone); "" otherwise. */
static void ssh_address(const char *value, char *out, size_t size)
{
	out[0] = '\0';
	if (!value)
		return;
	size_t n = strcspn(value, " \t");
	if (n == 0 || n >= size)
		return;
	for (size_t i = 0; i < n; i++) {
		char c = value[i];
		bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		          (c >= 'A' && c <= 'Z') || c == '.' || c == ':' || c == '%';
		if (!ok)
			return;
	}
	memcpy(out, value, n);
	out[n] = '\0';
}

void audit_identity_get(struct audit_identity *who)
{
	memset(who, 0, sizeof *who);
	/* The effective user is who the system says acts; names in the environment can lie,
	 * so they are only a fallback when the user database has no entry. */
	struct passwd *pw = getpwuid(geteuid());
	if (pw && pw->pw_name && *pw->pw_name) {
		audit_copy_text(who->os_user, sizeof who->os_user, pw->pw_name);
	} else {
		const char *env = getenv("LOGNAME");
		if (!env || !*env)
			env = getenv("USER");
		if (env && *env)
			audit_copy_text(who->os_user, sizeof who->os_user, env);
		else
			snprintf(who->os_user, sizeof who->os_user, "uid %lu",
			         (unsigned long)geteuid());
	}
	ssh_address(getenv("SSH_CLIENT"), who->ssh_client, sizeof who->ssh_client);
	if (!who->ssh_client[0])
		ssh_address(getenv("SSH_CONNECTION"), who->ssh_client, sizeof who->ssh_client);
}

int audit_append(struct sqlite3 *db, const struct audit_record *r)
{
	static const char sql[] =
	        "INSERT INTO audit(time, os_user, ssh_client, profile, action, object_id, amount,"
	        " currency, idempotency_key, request_id, outcome, message)"
	        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
	struct audit_identity own;
	const struct audit_identity *who = r->who;
	if (!who) {
		audit_identity_get(&own);
		who = &own;
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	int rc = sqlite3_bind_int64(st, 1, (sqlite3_int64)(r->time ? r->time : paydesk_now()));
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, who->os_user, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = audit_bind_text(st, 3, who->ssh_client);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 4, r->profile ? r->profile : "", -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 5, r->action ? r->action : "", -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = audit_bind_text(st, 6, r->object_id);
	if (rc == SQLITE_OK)
		rc = r->has_amount ? sqlite3_bind_int64(st, 7, r->amount)
		                   : sqlite3_bind_null(st, 7);
	if (rc == SQLITE_OK)
		rc = audit_bind_text(st, 8, r->currency);
	if (rc == SQLITE_OK)
		rc = audit_bind_text(st, 9, r->idempotency_key);
	if (rc == SQLITE_OK)
		rc = audit_bind_text(st, 10, r->request_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 11, r->outcome ? r->outcome : "", -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = audit_bind_text(st, 12, r->message);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? 0 : -1;
}

#define AUDIT_COLUMNS                                                                              \
	"seq, time, os_user, ssh_client, profile, action, object_id, amount, currency,"            \
	" idempotency_key, request_id, outcome, message"

static void read_row(sqlite3_stmt *st, struct audit_row *row)
{
	memset(row, 0, sizeof *row);
	row->seq = sqlite3_column_int64(st, 0);
	row->time = (time_t)sqlite3_column_int64(st, 1);
	audit_column_text(st, 2, row->os_user, sizeof row->os_user);
	audit_column_text(st, 3, row->ssh_client, sizeof row->ssh_client);
	audit_column_text(st, 4, row->profile, sizeof row->profile);
	audit_column_text(st, 5, row->action, sizeof row->action);
	audit_column_text(st, 6, row->object_id, sizeof row->object_id);
	row->has_amount = sqlite3_column_type(st, 7) != SQLITE_NULL;
	row->amount = sqlite3_column_int64(st, 7);
	audit_column_text(st, 8, row->currency, sizeof row->currency);
	audit_column_text(st, 9, row->idempotency_key, sizeof row->idempotency_key);
	audit_column_text(st, 10, row->request_id, sizeof row->request_id);
	audit_column_text(st, 11, row->outcome, sizeof row->outcome);
	audit_column_text(st, 12, row->message, sizeof row->message);
}

int audit_each(struct sqlite3 *db, time_t since, int (*fn)(void *ctx, const struct audit_row *row),
               void *ctx)
{
	static const char sql[] =
	        "SELECT " AUDIT_COLUMNS " FROM audit WHERE time >= ?1 ORDER BY seq";
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_bind_int64(st, 1, (sqlite3_int64)since) != SQLITE_OK) {
		sqlite3_finalize(st);
		return -1;
	}
	int n = 0, rc;
	struct audit_row row;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_row(st, &row);
		n++;
		if (fn(ctx, &row) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? n : -1;
}

int audit_page(struct sqlite3 *db, long long key, bool after, int max, struct audit_row *out)
{
	/* Newer rows are fetched oldest-first (nearest to the key first) and reversed, so the
	 * LIMIT keeps the rows next to the key. */
	const char *sql = after ? "SELECT " AUDIT_COLUMNS " FROM audit WHERE seq < ?1"
	                          " ORDER BY seq DESC LIMIT ?2"
	                        : "SELECT " AUDIT_COLUMNS " FROM audit WHERE seq > ?1"
	                          " ORDER BY seq ASC LIMIT ?2";
	if (after && key <= 0)
		key = INT64_MAX;
	if (!after && key <= 0) {
		/* The last rows in display order are the oldest. */
		sql = "SELECT " AUDIT_COLUMNS " FROM (SELECT * FROM audit ORDER BY seq ASC"
		      " LIMIT ?2) WHERE seq > ?1 ORDER BY seq DESC";
		key = 0;
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_bind_int64(st, 1, key) != SQLITE_OK ||
	    sqlite3_bind_int(st, 2, max) != SQLITE_OK) {
		sqlite3_finalize(st);
		return -1;
	}
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		read_row(st, &out[n++]);
	if (n < max && rc != SQLITE_DONE) {
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	if (!after && key > 0) {
		for (int i = 0, j = n - 1; i < j; i++, j--) {
			struct audit_row tmp = out[i];
			out[i] = out[j];
			out[j] = tmp;
		}
	}
	return n;
}

long audit_count(struct sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM audit", -1, &st, NULL) != SQLITE_OK)
		return -1;
	long n = -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}
