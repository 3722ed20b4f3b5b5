/* The back office's screens: what they share (the open cache, formatting)
 * and the one registry of screens.  Adding a screen is one file plus one
 * line in VIEWS_LIST. */
#ifndef PAYDESK_VIEWS_H
#define PAYDESK_VIEWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "client/provider.h"
#include "client/query.h"
#include "tui/tui.h"

/* Every screen, in tab order for the main ones (the name of each
 * struct tui_view_ops is view_<id>_ops). */
#define VIEWS_LIST(_)                                                                              \
	_(orders)                                                                                  \
	_(refunds)                                                                                 \
	_(disputes)                                                                                \
	_(complaints)                                                                              \
	_(settlements)                                                                             \
	_(insights)                                                                                \
	_(order)                                                                                   \
	_(refund)                                                                                  \
	_(dispute)                                                                                 \
	_(complaint)                                                                               \
	_(payout)                                                                                  \
	_(outbox)                                                                                  \
	_(audit)                                                                                   \
	_(evidence)                                                                                \
	_(days)                                                                                    \
	_(statement)                                                                               \
	_(risk)

#define VIEWS_DECLARE_(id) extern const struct tui_view_ops view_##id##_ops;
VIEWS_LIST(VIEWS_DECLARE_)
#undef VIEWS_DECLARE_

/* What every screen reads: the cache and the program's state. */
struct views_app {
	struct query *query;                      /* the cache, read-only */
	const struct provider_platform *platform; /* the profile's platform */
	const char *profile;                      /* profile name for the status line */
	bool live;                                /* live keys (not test mode) */
	bool offline;                             /* --offline or unreachable */
	bool demo;
	const char *demo_dir;     /* the demo's throwaway directory, which it removes; else NULL */
	unsigned long generation; /* bumped whenever a sync committed new data */
};

extern struct views_app views_app;

/* The cache changed under the screens (an action's result was stored, a sync
 * committed): counts are recounted, searches run again and every open screen
 * re-reads what it shows before it is next drawn. */
void views_data_changed(void);

/* App-level request needs (checked by the app's hook). */
#define VIEWS_NEED_ONLINE (TUI_NEED_APP << 0)
/* What the profile's platform offers: a request needing one of these does not exist for a
 * platform without it (no key, no help line, no command). */
#define VIEWS_NEED_ACT_EVIDENCE        (TUI_NEED_APP << 8)
#define VIEWS_NEED_ACT_ACCEPT          (TUI_NEED_APP << 9)
#define VIEWS_NEED_ACT_REPLY           (TUI_NEED_APP << 10)
#define VIEWS_NEED_ACT_COMPLETE        (TUI_NEED_APP << 11)
#define VIEWS_NEED_ACT_REFUND_DECISION (TUI_NEED_APP << 12)
#define VIEWS_NEED_ACT_LOOKUP          (TUI_NEED_APP << 13)
#define VIEWS_NEED_ACT_REFUND          (TUI_NEED_APP << 14)
/* Whether the profile's platform offers what need asks for (true for bits of no
 * platform action). */
bool views_platform_offers(unsigned need);
/* The platform's word where it has its own (an N_() text of struct provider_platform, or
 * NULL), else the neutral one; translated. */
const char *views_word(const char *platform_word, const char *neutral);

/* Formatting for screens; every buffer is NUL-terminated. */
void views_date(time_t t, char *buf, size_t size);     /* local date */
void views_datetime(time_t t, char *buf, size_t size); /* local date and time */
/* For lists at 80 columns: "11-26 10:56" within the current year, else the date. */
void views_datetime_short(time_t t, char *buf, size_t size);
void views_money(int64_t amount, const char *currency, char *buf, size_t size);     /* number */
void views_money_sym(int64_t amount, const char *currency, char *buf, size_t size); /* symbol */
void views_currency(const char *currency, char *buf, size_t size);                  /* "USD" */
/* The translated label of a status or reason as the cache spells it
 * ("partially_refunded" -> "part. refunded"); unknown values are shown
 * with '_' as ' '. */
const char *views_label(const char *value, char *buf, size_t size);

/* Sets field to the value after it in values[0..n) (the first when it is none of them): a
 * filter key pressed again moves to the next value. */
void views_cycle(char *field, size_t size, const char *const *values, size_t n);
/* The style of an order / refund / dispute / payout status. */
int views_status_style(const char *status);
/* "3 d", "41 h", "past due" for a deadline relative to now; style in *style. */
void views_deadline(time_t due, time_t now, char *buf, size_t size, int *style);
/* Copies a JSON string (which may hold NUL, parsed with JSON_ALLOW_NUL) into buf, each NUL
 * as the two bytes C0 80 that the sanitizer shows as the symbol for NUL; cut to fit. */
void views_json_text(const json_t *v, char *buf, size_t size);
/* Appends, under a heading, "name: value" for every field of the object's
 * JSON as the platform sent it (nested keys joined with '.'); nothing when
 * the cache holds no JSON for id. */
void views_raw_fields(struct tui_lines *lines, const char *id);
/* Grows a screen's fetch buffer to at least n rows (and one) of size bytes; *cap counts
 * the rows it holds. Returns the buffer, perhaps moved, or NULL when out of memory (buf
 * is then unchanged). The caller owns the buffer and frees it. */
void *views_rows_reserve(void *buf, int *cap, int n, size_t size);
/* A "label  value" line, the label padded to a fixed width. */
void views_field(struct tui_lines *lines, const char *label, const char *value);

/* Edits a text in the user's editor: the current text (the platform's, sanitized on the
 * way) in a private temporary file, read back without its final line breaks. Returns true
 * and a new string in *out (the caller frees), or false with a message shown. */
bool views_edit_text(const char *current, char **out);
/* What the editor wrote, text[0..len) (NUL-terminated), made the text taken: 0 with its
 * final line breaks cut off; or -1 with why (the line and the byte) when it is not text
 * (a byte that is not UTF-8, or a NUL, which would cut it short). */
int views_editor_text(char *text, size_t len, char *why, size_t why_size);

/* The platform id of the order `text` names (its id, or the merchant's order
 * number) into id; false with a message when it names none, or several. */
bool views_order_id(const char *text, char *id, size_t size);

/* The lines of an order's and a dispute's detail (screens and the detail
 * pane); false with a message when the object is not cached. */
bool views_order_lines(struct tui_lines *lines, const char *id);
bool views_dispute_lines(struct tui_lines *lines, const char *id, char *order_id,
                         size_t order_id_size);
/* The detail pane's lines for an id, or NULL. */
struct tui_lines *views_detail_of(bool (*build)(struct tui_lines *, const char *), const char *id);

#endif
