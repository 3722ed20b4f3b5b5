/* Every change the platform makes: refunds, dispute evidence and closing, live orders,
 * disputes and payouts. Each change emits its /v1/events entry. Callers hold the lock and
 * wrap a call in one transaction, so a failure leaves nothing half-done. */
#include "config.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/stripe/stripe.h"

static void result_internal(struct sbx *s, struct sbx_result *r)
{
	sbx_result_error(r, 500, "api_error", NULL, NULL,
	                 "The sandbox could not complete the request: %s", sqlite3_errmsg(s->db));
	r->should_retry = 1;
}

/* Answers 200 with the object (table, id) as it now is; 500 when it cannot be read back. */
static void result_object(struct sbx *s, struct sbx_result *r, const char *table, const char *id)
{
	r->status = 200;
	sbx_buf_free(&r->body);
	if (sbx_render_by_id(s, table, id, &r->body) != 0)
		result_internal(s, r);
}

/* Renders the object (table, id) and stores an event of `type` about it.
 * Returns 0, or -1 on a database error. */
int sbx_emit_event(struct sbx *s, const char *type, const char *table, const char *id,
                   const char *previous, const struct sbx_reqinfo *ri)
{
	struct sbx_buf obj;
	char evt[40];
	sqlite3_stmt *st;
	int rc = -1;

	sbx_buf_init(&obj);
	if (sbx_render_by_id(s, table, id, &obj) != 0 || obj.failed) {
		sbx_buf_free(&obj);
		return -1;
	}
	sbx_rng_id(&s->rng, "evt_", evt, sizeof(evt));
	st = sbx_prepare(s, "INSERT INTO events(" SBX_EVENT_COLS ") VALUES (?,?,?,?,?,?,?)");
	if (st != NULL) {
		sqlite3_bind_text(st, 1, evt, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, sbx_now(s));
		sqlite3_bind_text(st, 3, type, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, obj.data, -1, SQLITE_STATIC);
		if (previous)
			sqlite3_bind_text(st, 5, previous, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 5);
		if (ri && ri->request_id)
			sqlite3_bind_text(st, 6, ri->request_id, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 6);
		if (ri && ri->idempotency_key)
			sqlite3_bind_text(st, 7, ri->idempotency_key, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 7);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
		sqlite3_finalize(st);
	}
	sbx_buf_free(&obj);
	return rc;
}

/* Builds a metadata JSON object from metadata[...] parameters merged over `base`
 * (an empty value removes a key, as on Stripe). Caller frees the result. */
static char *merge_metadata(const char *base, struct sbx_params *p, int *err_bad)
{
	json_t *o = json_loads(base ? base : "{}", 0, NULL);
	char *out;
	size_t i;

	*err_bad = 0;
	if (o == NULL || !json_is_object(o)) {
		json_decref(o);
		o = json_object();
		if (o == NULL)
			return NULL;
	}
	for (i = 0; p && i < p->n; i++) {
		const char *name = p->v[i].name;
		size_t len = strlen(name);
		char key[256];

		if (strncmp(name, "metadata[", 9) != 0 || len < 11 || name[len - 1] != ']')
			continue;
		p->v[i].used = 1;
		if (len - 10 >= sizeof(key)) {
			*err_bad = 1;
			continue;
		}
		memcpy(key, name + 9, len - 10);
		key[len - 10] = '\0';
		if (p->v[i].value[0] == '\0')
			json_object_del(o, key);
		else
			json_object_set_new(o, key, json_string(p->v[i].value));
	}
	out = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return out;
}

static int valid_amount(const char *v, int64_t *out)
{
	int64_t n = 0;

	if (v == NULL || *v == '\0')
		return 0;
	for (; *v; v++) {
		if (*v < '0' || *v > '9' || n > 100000000000000LL)
			return 0;
		n = n * 10 + (*v - '0');
	}
	*out = n;
	return 1;
}

/* Creates a refund of `amount` on charge `charge_id` (all checks done by the caller),
 * with its balance transaction and events; writes the new id into id_out (size >= 40). */
int sbx_do_refund(struct sbx *s, const char *charge_id, const char *currency, int64_t amount,
                  int64_t old_refunded, int64_t charge_amount, const char *reason,
                  const char *metadata, const struct sbx_reqinfo *ri, char *id_out)
{
	char bt[40];
	char prev[128];
	int64_t now = sbx_now(s);
	struct sbx_booked k;

	sbx_rng_id(&s->rng, "re_", id_out, 40);
	sbx_rng_id(&s->rng, "txn_", bt, sizeof(bt));
	if (sbx_run(s, "INSERT INTO refunds(" SBX_REFUND_COLS ") VALUES (?,?,?,?,?,?,?,?,?)",
	            "sisisssss", id_out, now, charge_id, amount, currency, "succeeded", reason,
	            metadata ? metadata : "{}", bt) != 0)
		return -1;
	sbx_fx_book(s, currency, -amount, now, SBX_FEE_NONE, &k);
	if (sbx_fx_insert_bt(s, bt, now, sbx_day_start(now) + 2 * 86400, &k, "refund", "refund",
	                     id_out, "REFUND FOR CHARGE", NULL) != 0)
		return -1;
	if (sbx_run(s, "UPDATE charges SET amount_refunded = amount_refunded + ? WHERE id = ?",
	            "is", amount, charge_id) != 0)
		return -1;
	snprintf(prev, sizeof(prev), "{\"amount_refunded\":%lld,\"refunded\":%s}",
	         (long long)old_refunded, old_refunded >= charge_amount ? "true" : "false");
	if (sbx_emit_event(s, "refund.created", "refunds", id_out, NULL, ri) != 0)
		return -1;
	if (sbx_emit_event(s, "charge.refunded", "charges", charge_id, prev, ri) != 0)
		return -1;
	return 0;
}

void sbx_refund_create(struct sbx *s, struct sbx_params *p, const struct sbx_reqinfo *ri,
                       struct sbx_result *r)
{
	const char *charge = sbx_params_get(p, "charge");
	const char *pi = sbx_params_get(p, "payment_intent");
	const char *amount_s = sbx_params_get(p, "amount");
	const char *reason = sbx_params_get(p, "reason");
	char chid[64];
	sqlite3_stmt *st;
	int64_t amount = -1;
	int64_t c_amount, c_refunded;
	char status[32], currency[8];
	int disputed;
	char *metadata;
	int bad;
	char id[40];
	const struct sbx_param *unknown;

	metadata = merge_metadata("{}", p, &bad);
	size_t i;
	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].name, "expand[]") == 0)
			p->v[i].used = 1;
	unknown = sbx_params_unused(p);
	if (unknown) {
		sbx_result_error(r, 400, "invalid_request_error", "parameter_unknown",
		                 unknown->name, "Received unknown parameter: %s", unknown->name);
		goto out;
	}
	if (metadata == NULL || bad) {
		sbx_result_error(r, 400, "invalid_request_error", "parameter_invalid_string",
		                 "metadata",
		                 "Invalid metadata: keys must be at most 40 characters.");
		goto out;
	}
	if (charge == NULL && pi == NULL) {
		sbx_result_error(r, 400, "invalid_request_error", "parameter_missing", "charge",
		                 "You must provide either a charge or a payment_intent.");
		goto out;
	}
	if (charge != NULL && pi != NULL) {
		sbx_result_error(r, 400, "invalid_request_error", "parameter_invalid_string",
		                 "payment_intent",
		                 "You cannot provide both a charge and a payment_intent.");
		goto out;
	}
	if (amount_s && (!valid_amount(amount_s, &amount) || amount < 1)) {
		sbx_result_error(r, 400, "invalid_request_error", "parameter_invalid_integer",
		                 "amount", "Invalid positive integer: %s", amount_s);
		goto out;
	}
	if (reason && strcmp(reason, "duplicate") != 0 && strcmp(reason, "fraudulent") != 0 &&
	    strcmp(reason, "requested_by_customer") != 0) {
		sbx_result_error(r, 400, "invalid_request_error", "parameter_invalid_string",
		                 "reason",
		                 "Invalid reason: must be one of duplicate, fraudulent, or "
		                 "requested_by_customer");
		goto out;
	}
	if (pi) {
		if (strncmp(pi, "pi_", 3) != 0) {
			sbx_result_error(r, 404, "invalid_request_error", "resource_missing",
			                 "payment_intent", "No such payment_intent: '%s'", pi);
			goto out;
		}
		sbx_charge_for_pi(pi, chid, sizeof(chid));
	} else {
		snprintf(chid, sizeof(chid), "%s", charge);
	}
	st = sbx_prepare(s, "SELECT amount, amount_refunded, status, currency, disputed FROM "
	                    "charges WHERE id = ?");
	if (st == NULL) {
		result_internal(s, r);
		goto out;
	}
	sqlite3_bind_text(st, 1, chid, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (pi)
			sbx_result_error(r, 404, "invalid_request_error", "resource_missing",
			                 "payment_intent", "No such payment_intent: '%s'", pi);
		else
			sbx_result_error(r, 404, "invalid_request_error", "resource_missing",
			                 "charge", "No such charge: '%s'", charge);
		goto out;
	}
	c_amount = sqlite3_column_int64(st, 0);
	c_refunded = sqlite3_column_int64(st, 1);
	snprintf(status, sizeof(status), "%s", (const char *)sqlite3_column_text(st, 2));
	snprintf(currency, sizeof(currency), "%s", (const char *)sqlite3_column_text(st, 3));
	disputed = sqlite3_column_int(st, 4);
	sqlite3_finalize(st);
	if (strcmp(status, "succeeded") != 0) {
		sbx_result_error(r, 400, "invalid_request_error", "charge_not_refundable", NULL,
		                 "Charge %s cannot be refunded because its status is %s.", chid,
		                 status);
		goto out;
	}
	if (disputed) {
		st = sbx_prepare(s, "SELECT count(*) FROM disputes WHERE charge = ? AND status NOT "
		                    "LIKE 'warning_%'");
		if (st == NULL) {
			result_internal(s, r);
			goto out;
		}
		sqlite3_bind_text(st, 1, chid, -1, SQLITE_STATIC);
		disputed = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
		sqlite3_finalize(st);
		if (disputed) {
			sbx_result_error(r, 400, "invalid_request_error", "charge_disputed", NULL,
			                 "Charge %s has been charged back; cannot issue a refund.",
			                 chid);
			goto out;
		}
	}
	if (c_refunded >= c_amount) {
		sbx_result_error(r, 400, "invalid_request_error", "charge_already_refunded", NULL,
		                 "Charge %s has already been refunded.", chid);
		goto out;
	}
	if (amount < 0)
		amount = c_amount - c_refunded;
	if (amount > c_amount - c_refunded) {
		sbx_result_error(r, 400, "invalid_request_error", "amount_too_large", "amount",
		                 "Refund amount (%lld %s) is greater than unrefunded amount on "
		                 "charge (%lld %s)",
		                 (long long)amount, currency, (long long)(c_amount - c_refunded),
		                 currency);
		goto out;
	}
	if (sbx_do_refund(s, chid, currency, amount, c_refunded, c_amount, reason, metadata, ri,
	                  id) != 0) {
		result_internal(s, r);
		goto out;
	}
	result_object(s, r, "refunds", id);
out:
	free(metadata);
}

struct dispute_row {
	char status[40];
	char charge[40];
	char currency[8];
	int64_t amount;
	int submissions;
	char *evidence;
	char *metadata;
};

/* Loads a dispute; returns 0, 1 when missing, -1 on a database error. */
static int load_dispute(struct sbx *s, const char *id, struct dispute_row *d)
{
	sqlite3_stmt *st =
	        sbx_prepare(s, "SELECT status, charge, currency, amount, "
	                       "submission_count, evidence, metadata FROM disputes WHERE id = ?");
	int rc = 1;

	memset(d, 0, sizeof(*d));
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(d->status, sizeof(d->status), "%s",
		         (const char *)sqlite3_column_text(st, 0));
		snprintf(d->charge, sizeof(d->charge), "%s",
		         (const char *)sqlite3_column_text(st, 1));
		snprintf(d->currency, sizeof(d->currency), "%s",
		         (const char *)sqlite3_column_text(st, 2));
		d->amount = sqlite3_column_int64(st, 3);
		d->submissions = sqlite3_column_int(st, 4);
		d->evidence = strdup((const char *)sqlite3_column_text(st, 5));
		d->metadata = strdup((const char *)sqlite3_column_text(st, 6));
		rc = (d->evidence && d->metadata) ? 0 : -1;
	}
	sqlite3_finalize(st);
	return rc;
}

static void free_dispute(struct dispute_row *d)
{
	free(d->evidence);
	free(d->metadata);
	d->evidence = NULL;
	d->metadata = NULL;
}

static int is_open(const char *status)
{
	return strcmp(status, "needs_response") == 0 ||
	       strcmp(status, "warning_needs_response") == 0;
}

static int is_known_evidence(const char *name)
{
	size_t i;

	for (i = 0; sbx_evidence_fields[i]; i++)
		if (strcmp(sbx_evidence_fields[i], name) == 0)
			return 1;
	return 0;
}

/* Merges evidence[...] parameters into the stored evidence JSON; on an unknown field,
 * sets *bad to that parameter. Caller frees the result. */
static char *merge_evidence(struct sbx *s, const char *stored, struct sbx_params *p,
                            const char **bad, const char **bad_file, int *any)
{
	json_t *o = json_loads(stored, 0, NULL);
	const char *names[64];
	const char *values[64];
	size_t n = 0;
	size_t i;
	struct sbx_buf b;
	char key[128];

	*bad = NULL;
	*bad_file = NULL;
	*any = 0;
	for (i = 0; i < p->n; i++) {
		const char *name = p->v[i].name;
		size_t len = strlen(name);

		if (strncmp(name, "evidence[", 9) != 0 || name[len - 1] != ']')
			continue;
		p->v[i].used = 1;
		*any = 1;
		if (len - 10 >= sizeof(key)) {
			*bad = name;
			break;
		}
		memcpy(key, name + 9, len - 10);
		key[len - 10] = '\0';
		if (!is_known_evidence(key)) {
			*bad = name;
			break;
		}
		/* Document fields take the id of an uploaded dispute_evidence file. */
		if (sbx_evidence_is_file_field(key) && p->v[i].value[0] &&
		    !sbx_file_is_evidence(s, p->v[i].value)) {
			*bad_file = name;
			break;
		}
		if (o)
			json_object_set_new(o, key,
			                    p->v[i].value[0] ? json_string(p->v[i].value)
			                                     : json_null());
	}
	sbx_buf_init(&b);
	for (i = 0; o && sbx_evidence_fields[i] && n < 64; i++) {
		json_t *v = json_object_get(o, sbx_evidence_fields[i]);

		if (json_is_string(v)) {
			names[n] = sbx_evidence_fields[i];
			values[n] = json_string_value(v);
			n++;
		}
	}
	sbx_evidence_json(&b, names, values, n);
	json_decref(o);
	return sbx_buf_take(&b, NULL);
}

void sbx_dispute_update(struct sbx *s, const char *id, struct sbx_params *p,
                        const struct sbx_reqinfo *ri, struct sbx_result *r)
{
	struct dispute_row d;
	const char *submit_s = sbx_params_get(p, "submit");
	const char *bad = NULL;
	const char *bad_file = NULL;
	char *evidence = NULL;
	char *metadata = NULL;
	int bad_meta = 0;
	int any_evidence = 0;
	int submit;
	int rc;
	size_t i;
	const struct sbx_param *unknown;
	const char *new_status;
	char prev[256];

	rc = load_dispute(s, id, &d);
	if (rc != 0) {
		if (rc < 0)
			result_internal(s, r);
		else
			sbx_result_error(r, 404, "invalid_request_error", "resource_missing", "id",
			                 "No such dispute: '%s'", id);
		return;
	}
	evidence = merge_evidence(s, d.evidence, p, &bad, &bad_file, &any_evidence);
	metadata = merge_metadata(d.metadata, p, &bad_meta);
	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].name, "expand[]") == 0)
			p->v[i].used = 1;
	if (bad) {
		sbx_result_error(r, 400, "invalid_request_error", "parameter_unknown", bad,
		                 "Received unknown parameter: %s", bad);
		goto out;
	}
	if (bad_file) {
		sbx_result_error(r, 400, "invalid_request_error", "resource_missing", bad_file,
		                 "No such file upload: '%s'", sbx_params_get(p, bad_file));
		goto out;
	}
	unknown = sbx_params_unused(p);
	if (unknown) {
		sbx_result_error(r, 400, "invalid_request_error", "parameter_unknown",
		                 unknown->name, "Received unknown parameter: %s", unknown->name);
		goto out;
	}
	if (evidence == NULL || metadata == NULL || bad_meta) {
		sbx_result_error(r, 400, "invalid_request_error", "parameter_invalid_string",
		                 "metadata", "Invalid metadata.");
		goto out;
	}
	if (submit_s && strcmp(submit_s, "true") != 0 && strcmp(submit_s, "false") != 0) {
		sbx_result_error(r, 400, "invalid_request_error", "parameter_invalid_boolean",
		                 "submit", "Invalid boolean: %s", submit_s);
		goto out;
	}
	submit = submit_s == NULL || strcmp(submit_s, "true") == 0;
	/* Only metadata may change once the dispute left the needs-response states. */
	if (!is_open(d.status) && (any_evidence || submit_s != NULL)) {
		sbx_result_error(
		        r, 400, "invalid_request_error", "dispute_already_submitted_or_closed",
		        NULL,
		        "This dispute is in status %s; its evidence can no longer be changed.",
		        d.status);
		goto out;
	}
	if (!is_open(d.status))
		submit = 0;
	new_status = d.status;
	if (submit)
		new_status = strcmp(d.status, "warning_needs_response") == 0
		                     ? "warning_under_review"
		                     : "under_review";
	if (sbx_run(s,
	            "UPDATE disputes SET evidence = ?, metadata = ?, status = ?, "
	            "submission_count = submission_count + ? WHERE id = ?",
	            "sssis", evidence, metadata, new_status, (int64_t)(submit ? 1 : 0), id) != 0) {
		result_internal(s, r);
		goto out;
	}
	if (submit)
		snprintf(prev, sizeof(prev),
		         "{\"status\":\"%s\",\"evidence_details\":{\"submission_count\":%d}}",
		         d.status, d.submissions);
	else
		snprintf(prev, sizeof(prev), "{}");
	if (sbx_emit_event(s, "charge.dispute.updated", "disputes", id, prev, ri) != 0) {
		result_internal(s, r);
		goto out;
	}
	result_object(s, r, "disputes", id);
out:
	free(evidence);
	free(metadata);
	free_dispute(&d);
}

void sbx_dispute_close(struct sbx *s, const char *id, const struct sbx_reqinfo *ri,
                       struct sbx_result *r)
{
	struct dispute_row d;
	const char *to;
	char prev[128];
	int rc = load_dispute(s, id, &d);

	if (rc != 0) {
		if (rc < 0)
			result_internal(s, r);
		else
			sbx_result_error(r, 404, "invalid_request_error", "resource_missing", "id",
			                 "No such dispute: '%s'", id);
		return;
	}
	if (!is_open(d.status)) {
		sbx_result_error(r, 400, "invalid_request_error", "dispute_already_closed", NULL,
		                 "This dispute is in status %s and can no longer be closed.",
		                 d.status);
		free_dispute(&d);
		return;
	}
	/* Accepting an inquiry closes it; accepting a chargeback loses it. */
	to = strcmp(d.status, "warning_needs_response") == 0 ? "warning_closed" : "lost";
	snprintf(prev, sizeof(prev), "{\"status\":\"%s\"}", d.status);
	if (sbx_run(s, "UPDATE disputes SET status = ? WHERE id = ?", "ss", to, id) != 0 ||
	    sbx_emit_event(s, "charge.dispute.closed", "disputes", id, prev, ri) != 0) {
		result_internal(s, r);
		free_dispute(&d);
		return;
	}
	result_object(s, r, "disputes", id);
	free_dispute(&d);
}
