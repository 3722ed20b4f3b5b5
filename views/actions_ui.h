/* Acting on money from the screens and the command line: the open session (profile, cache,
 * provider), the role bits the app's need hook checks, the confirmations' text, and the
 * request handlers the Orders and Disputes screens call. */
#ifndef PAYDESK_ACTIONS_UI_H
#define PAYDESK_ACTIONS_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/client.h"
#include "tui/tui.h"
#include "views/commands.h"

/* Role bits of request tables, checked by the app's need hook before any handler runs. */
#define VIEWS_NEED_ROLE_REFUND  (TUI_NEED_APP << 4) /* merchant, support (within its limit) */
#define VIEWS_NEED_ROLE_DISPUTE (TUI_NEED_APP << 5) /* merchant, support */

/* Request codes of actions, above any screen's own (TUI_REQ_VIEW_BASE + n). */
enum {
	ACTIONS_REQ_REFUND = TUI_REQ_VIEW_BASE + 0x100,
	ACTIONS_REQ_EVIDENCE,
	ACTIONS_REQ_STAGE,
	ACTIONS_REQ_SUBMIT,
	ACTIONS_REQ_ACCEPT,
	ACTIONS_REQ_SEND,
	ACTIONS_REQ_DISCARD,
	ACTIONS_REQ_EDIT,
	ACTIONS_REQ_REPLY,
	ACTIONS_REQ_COMPLETE,
	ACTIONS_REQ_APPROVE,
	ACTIONS_REQ_REJECT,
};

/* One line each in a screen's request table. */
#define ACTIONS_UI_REQ_REFUND                                                                      \
	{                                                                                          \
		ACTIONS_REQ_REFUND, "refund-order", "R",                                           \
		        N_("Refund the order (all that is left, or a part)"),                      \
		        TUI_NEED_SELECTION | VIEWS_NEED_ROLE_REFUND | VIEWS_NEED_ACT_REFUND        \
	}
#define ACTIONS_UI_REQ_EVIDENCE                                                                    \
	{                                                                                          \
		ACTIONS_REQ_EVIDENCE, "write-evidence", "E",                                       \
		        N_("Write the dispute's evidence, submit or accept"),                      \
		        TUI_NEED_SELECTION | VIEWS_NEED_ROLE_DISPUTE | VIEWS_NEED_ACT_EVIDENCE     \
	}
#define ACTIONS_UI_REQ_SUBMIT                                                                      \
	{                                                                                          \
		ACTIONS_REQ_SUBMIT, "submit", "S",                                                 \
		        N_("Submit the dispute's evidence as drafted (once: it cannot be "         \
		           "changed)"),                                                            \
		        TUI_NEED_SELECTION | VIEWS_NEED_ROLE_DISPUTE                               \
	}
#define ACTIONS_UI_REQ_ACCEPT                                                                      \
	{                                                                                          \
		ACTIONS_REQ_ACCEPT, "accept", "A", N_("Accept the dispute: the money is lost"),    \
		        TUI_NEED_SELECTION | VIEWS_NEED_ROLE_DISPUTE | VIEWS_NEED_ACT_ACCEPT       \
	}

/* Everything an action needs, opened together. */
struct actions_env {
	struct profile profile;
	struct cache *cache;
	struct provider *provider; /* NULL when offline */
	struct actions_session session;
};

/* Opens the profile (globals->profile), its cache and, unless offline, the platform.
 * Returns 0, or -1 with a translated reason in err (everything closed again). */
int actions_env_open(struct actions_env *env, const char *profile_name, bool offline, char *err,
                     size_t err_size);
/* The same with a profile already loaded (copied). */
int actions_env_open_profile(struct actions_env *env, const struct profile *profile, bool offline,
                             char *err, size_t err_size);
/* Closes what actions_env_open opened; safe twice. */
void actions_env_close(struct actions_env *env);

/* The confirmation of a refund: the order by its number and its platform id, customer,
 * what was paid, the amount and currency in the user's locale, reason; several lines
 * separated by '\n', every platform string sanitized. */
void actions_refund_summary(const struct actions_order *o, int64_t amount, const char *reason,
                            const char *note, char *buf, size_t size);

/* A translated one-line result of an action for a status line or stdout (platform text
 * sanitized). */
void actions_outcome_line(const struct actions_outcome *out, char *buf, size_t size);

/* Opens the session of the screens (own cache connection; the platform unless offline).
 * Returns 0, or -1 with a translated reason in err. */
int actions_ui_open(const struct profile *profile, bool offline, char *err, size_t err_size);
void actions_ui_close(void);
/* Says on the status line when actions wait in the outbox (at start-up, so that nothing
 * queued offline is forgotten). */
void actions_ui_announce(void);
/* The open session, or NULL before actions_ui_open. */
struct actions_session *actions_ui_session(void);
/* The app's need hook for the VIEWS_NEED_ROLE_* bits: NULL when allowed, else why not. */
const char *actions_ui_check_need(unsigned need);
/* The app's `available` hook for the VIEWS_NEED_ROLE_* bits: false when this profile's role
 * can never have the action (a clerk: no refund, evidence, accept or outbox send), so that
 * its keys, help lines and commands do not exist. */
bool actions_ui_available(unsigned need);
/* A translated word for a list row whose object has an action waiting in the outbox
 * ("refund queued", "no answer yet"), or NULL when there is none. For the Orders and
 * Disputes screens to mark such rows. */
const char *actions_ui_pending_label(const char *object_id);
/* Handles an ACTIONS_REQ_* request on the Orders, Order, Disputes screens (the id is taken
 * from the selected row or the view). Returns TUI_* flags; TUI_PASS for other requests. */
int actions_ui_request(struct tui_view *view, int request);
/* The same with the object named: refund an order, open the evidence of, submit or accept a
 * dispute. actions_ui_submit_draft submits the local draft as it stands (the evidence
 * staged on the platform stays); the others take the fields to send. */
int actions_ui_refund(const char *order_id);
int actions_ui_evidence(const char *dispute_id);
int actions_ui_accept(const char *dispute_id);
int actions_ui_submit(const char *dispute_id, const char *fields_json);
int actions_ui_submit_draft(const char *dispute_id);
int actions_ui_stage(const char *dispute_id, const char *fields_json);

/* Says how a command's action ended (stdout when done or queued, stderr else) and returns
 * the command's exit status: 0 done or queued, 3 no answer, 1 else. */
int actions_report_outcome(const struct actions_outcome *result);

#endif
