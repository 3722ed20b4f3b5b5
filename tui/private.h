/* Internals shared by the files of tui/; nothing outside tui/ includes this. */
#ifndef PAYDESK_TUI_PRIVATE_H
#define PAYDESK_TUI_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/tui.h"

/* gettext: tui/ has no client/ dependency, so it spells the macros out. */
#ifdef ENABLE_NLS
#include <libintl.h>
#define _(s) gettext(s)
#else
#define _(s) (s)
#endif
#define N_(s) (s)

/* Keys: characters are their Unicode value; curses function keys are
 * shifted above Unicode so the two never collide. */
#define TUI_KEY_FN(k) (0x200000 + (k))
#define TUI_KEY_NONE  (-1)
#define TUI_KEY_ESC   27
#define TUI_KEY_ENTER 13
#define TUI_KEY_TAB   9

/* A view's row count before the source was asked (it is asked once the
 * screen is painted, so a slow count never delays the first paint). */
#define TUI_COUNT_UNKNOWN (-2)

/* One key binding of a view type. */
struct tui_binding {
	int key;
	int request;
};

/* A request as the framework sees it: generic or the view's own. */
struct tui_req_entry {
	int code;
	const char *name;
	const char *keys;
	const char *help;
	unsigned need;
};

/* Lines in memory (pager views, help).  A view's own lines are shown
 * wrapped to the screen's width: the wrapped set records, for each line
 * shown, the line it came from (origin) and the set it was made of (of). */
struct tui_lines {
	char **text;
	int *style;
	int count;
	int cap;
	int *origin;                /* wrapped lines only: index into `of` */
	const struct tui_lines *of; /* wrapped lines only: the view's own lines */
};

/* The framework's side of a live view. */
struct tui_view_state {
	const struct tui_column *columns;
	int n_columns;
	struct tui_row_source source;
	struct tui_lines *lines;   /* owned, pager views only: the lines shown (wrapped) */
	struct tui_lines *logical; /* owned, pager views only: the view's own lines */
	int wrap_width;            /* the width `lines` were wrapped for */
	struct tui_row *rows;      /* the window: at most `height` rows */
	int n_rows;
	int cap;
	int cursor; /* index into rows */
	long top;   /* position of rows[0] from the start (estimate) */
	int height; /* rows the window was filled for */
	bool loaded;
	long count;   /* rows in the source; TUI_COUNT_UNKNOWN until asked */
	char *search; /* last `/` text, for n and N */
	/* The data generation the view last caught up with (tui_data_changed). */
	unsigned long generation;
	/* The widest cell seen in each column, so that no figure is ever cut,
	 * and a column does not shrink back while scrolling. */
	int seen_width[TUI_MAX_COLUMNS];
};

/* keys.c */
int tui_key_parse(const char **text);
void tui_key_name(int key, char *buf, size_t size);
const struct tui_req_entry *tui_generic_requests(size_t *count);
int tui_keymap_lookup(const struct tui_view_ops *ops, int key);
int tui_keymap_keys(const struct tui_view_ops *ops, int request, char *buf, size_t size);
const struct tui_req_entry *tui_request_find(const struct tui_view_ops *ops, int code);
int tui_request_by_name(const struct tui_view_ops *ops, const char *name, bool hidden);
int tui_keymap_hidden(const struct tui_view_ops *ops, int key);
bool tui_need_available(unsigned need);
void tui_keymaps_free(void);

/* table.c */
void tui_table_fill(struct tui_view *view, int height);
void tui_table_load_first(struct tui_view *view, int height);
void tui_table_load_last(struct tui_view *view, int height);
void tui_table_reload_here(struct tui_view *view, int height);
bool tui_table_down(struct tui_view *view, int lines);
bool tui_table_up(struct tui_view *view, int lines);
void tui_table_free_rows(struct tui_view_state *state);
int tui_table_jump(struct tui_view *view, int line, int height);
long tui_table_count(struct tui_view *view);
int tui_fit_text(const char *text, int width, char *out, size_t size, int *used);

/* lines.c */
extern const struct tui_row_source tui_lines_source_template;
int tui_lines_find(const struct tui_lines *lines, int from, const char *text, int direction);
/* Where a line of text is broken to fit `width` columns: the byte offset
 * where each piece starts (at most max pieces), continuation pieces being
 * drawn after `hang` blanks.  Text should be sanitized.  Returns the number
 * of pieces (at least 1). */
int tui_wrap(const char *text, int width, int hang, size_t *starts, int max);
/* The indent of a line's continuation pieces: the column where its value
 * starts ("  Label     value" -> the column of value), else its own indent. */
int tui_hang_of(const char *text, int width);
/* The lines wrapped to `width` (sanitized, with origin and of set); NULL
 * when out of memory. */
struct tui_lines *tui_lines_wrap(const struct tui_lines *lines, int width);

/* screen.c */
extern struct tui_options tui_opts;
extern char tui_message_text[512];
extern int tui_modal_depth;
int tui_read_key(void);

/* view.c */
const struct tui_view_ops *const *tui_registry(size_t *count);
const struct tui_view_ops *tui_find_ops(const char *name);
int tui_main_index(const struct tui_view_ops *ops);
const struct tui_view_ops *tui_main_ops_at(int index);
int tui_main_count(void);
int tui_switch_main(const struct tui_view_ops *ops);
struct tui_view *tui_top_view(void);
struct tui_view *tui_view_bottom(void);
int tui_view_depth(void);
void tui_view_pop(void);
void tui_views_free(void);
int tui_data_height(const struct tui_view *view);
/* The view re-reads its data: its reload op, then its rows around the
 * cursor; it is then up to date with the data generation. */
void tui_view_refresh(struct tui_view *view);
/* True when data changed since the view last re-read it. */
bool tui_view_stale(const struct tui_view *view);
/* Wraps a pager view's lines again for the screen's width, keeping the
 * reader's place. */
void tui_view_rewrap(struct tui_view *view);
/* Opens the view that shows every cell of the top view's selected row. */
int tui_show_row(struct tui_view *view);
int tui_show_detail(struct tui_view *view);

/* draw.c */
extern bool tui_pane_on;
void tui_init_colors(void);
bool tui_too_small(void);
void tui_draw_now(void);
int tui_put_text(int y, int x, const char *text, int width, bool pad, bool right);
int tui_pane_height(const struct tui_view *view);
void tui_pane_forget(void);
void tui_pane_forget_view(const struct tui_view *view);
/* Lines under the data: the status line (one or two) and the message (one
 * or more), as laid out at the last paint. */
int tui_bottom_lines(void);

/* prompt.c */
int tui_command_complete(const char *prefix, char *out, size_t size, char *list, size_t list_size);

#endif
