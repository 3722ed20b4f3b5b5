/* tui: a generic terminal UI framework (tig's model).
 *
 * It knows nothing of payments or SQLite.  A program registers views (a
 * struct tui_view_ops each), every view shows a table whose rows come from a
 * row source by window (keyset paging), and requests (name, default keys,
 * help text) generate the keymaps, the `?` help screen and the `:` command
 * names.  Views never read keys or paint cells: they fill rows and handle
 * their own requests; the framework draws. */
#ifndef PAYDESK_TUI_H
#define PAYDESK_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tui/sanitize.h"

/* Request codes live above every curses key code (checked in tui.c). */
#define TUI_REQ_BASE 0x2000
/* A view numbers its own requests from here on. */
#define TUI_REQ_VIEW_BASE 0x3000

/* The generic requests: id, command name, default keys, help text.
 * Keys are space-separated: a plain character or a <Name> (see
 * tui_key_parse).  The same table generates the keymaps, the help screen
 * and the `:` command names. */
#define TUI_REQ_INFO(_)                                                                            \
	_(MOVE_DOWN, "move-down", "<Down> j", N_("Move the cursor down one line"))                 \
	_(MOVE_UP, "move-up", "<Up> k", N_("Move the cursor up one line"))                         \
	_(PAGE_DOWN, "page-down", "<PgDn> <C-f> <Space>", N_("Move down one page"))                \
	_(PAGE_UP, "page-up", "<PgUp> <C-b> -", N_("Move up one page"))                            \
	_(FIRST, "first-line", "<Home> g", N_("Jump to the first line"))                           \
	_(LAST, "last-line", "<End> G", N_("Jump to the last line"))                               \
	_(ENTER, "enter", "<Enter>", N_("Open the selected line"))                                 \
	_(BACK, "back", "q", N_("Close the view, or quit from a main screen"))                     \
	_(CLOSE, "close", "<Esc>", N_("Close the view (never quits)"))                             \
	_(QUIT, "quit", "Q", N_("Quit paydesk"))                                                   \
	_(SEARCH, "search", "/", N_("Search or filter"))                                           \
	_(FIND_NEXT, "find-next", "n", N_("Go to the next match"))                                 \
	_(FIND_PREV, "find-prev", "N", N_("Go to the previous match"))                             \
	_(PROMPT, "prompt", ":", N_("Type a command (Tab completes)"))                             \
	_(HELP, "help", "?", N_("Show the keys of this screen"))                                   \
	_(NEXT_VIEW, "next-screen", "<Tab>", N_("Switch to the next screen"))                      \
	_(PREV_VIEW, "prev-screen", "<BackTab>", N_("Switch to the previous screen"))              \
	_(VIEW_1, "screen-1", "1", N_("Switch to screen 1"))                                       \
	_(VIEW_2, "screen-2", "2", N_("Switch to screen 2"))                                       \
	_(VIEW_3, "screen-3", "3", N_("Switch to screen 3"))                                       \
	_(VIEW_4, "screen-4", "4", N_("Switch to screen 4"))                                       \
	_(VIEW_5, "screen-5", "5", N_("Switch to screen 5"))                                       \
	_(VIEW_6, "screen-6", "6", N_("Switch to screen 6"))                                       \
	_(REFRESH, "refresh", "r", N_("Refresh: fetch new data now"))                              \
	_(REDRAW, "redraw", "<C-l>", N_("Redraw the screen"))                                      \
	_(BAR_CURSOR, "bar-cursor", "",                                                            \
	  N_("Mark the selected line with a reverse-video bar instead of the arrow, or back"))     \
	_(PANE, "detail-pane", "v", N_("Show or hide the selected line's detail below the list"))  \
	_(SHOW_ROW, "show-line", "i", N_("Show every cell of the selected line in full"))

/* clang-format off */
enum tui_request {
	TUI_REQ_NONE = TUI_REQ_BASE,
#define TUI_REQ_ENUM_(id, name, keys, help) TUI_REQ_##id,
	TUI_REQ_INFO(TUI_REQ_ENUM_)
#undef TUI_REQ_ENUM_
	TUI_REQ_GENERIC_END
};
/* clang-format on */

/* What a request needs before its handler runs (NeoMutt-style).  The
 * framework checks TUI_NEED_SELECTION itself; bits from TUI_NEED_APP up are
 * checked by the program's need hook (roles, being online, ...). */
#define TUI_NEED_SELECTION 0x1u
#define TUI_NEED_APP       0x100u

/* One request of a view's own table. */
struct tui_request_info {
	int code;         /* TUI_REQ_VIEW_BASE + n, or a generic code to rebind */
	const char *name; /* `:` command name */
	const char *keys; /* default keys, as in TUI_REQ_INFO */
	const char *help; /* N_() text, translated when shown */
	unsigned need;    /* TUI_NEED_* mask */
};

/* Flags a request handler returns. */
#define TUI_PASS    0x0 /* not handled: the generic handler gets it */
#define TUI_HANDLED 0x1 /* handled, nothing to repaint beyond the usual */
#define TUI_RELOAD  0x2 /* the row source changed: reload from the start */
#define TUI_REFRESH 0x4 /* rows changed in place: reload around the cursor */
#define TUI_QUIT    0x8 /* leave the program */

/* Text styles; the framework maps them to colours or, with NO_COLOR or a
 * monochrome terminal, to attributes. */
enum tui_style {
	TUI_STYLE_NORMAL = 0,
	TUI_STYLE_HEADER, /* column titles, section headings */
	TUI_STYLE_DIM,    /* secondary text */
	TUI_STYLE_GOOD,   /* paid, won */
	TUI_STYLE_WARN,   /* due soon, pending */
	TUI_STYLE_ALERT,  /* past due, failed */
	TUI_STYLE_COUNT
};

#define TUI_MAX_COLUMNS 12

/* One row of a table.  The row source fills it; every string is heap
 * memory owned by the row (tui_row_clear frees it).  Cells are untrusted
 * UTF-8: the framework sanitizes every cell before it reaches the terminal. */
struct tui_row {
	char *key;                       /* keyset position, opaque to the framework */
	char *cells[TUI_MAX_COLUMNS];    /* NULL draws as empty */
	int style;                       /* enum tui_style of the whole row */
	int cell_style[TUI_MAX_COLUMNS]; /* per cell, 0 = the row's style */
	bool failed;                     /* a tui_row_set* ran out of memory: the
					* framework drops the page and says so */
};

/* Where rows come from.  All calls return the number of rows written to
 * `out` (at most max) or -1 on failure (then tui_message tells why). */
struct tui_row_source {
	/* With after, the rows strictly after `key` in display order (NULL = from
	 * the first); without, the rows strictly before `key`, returned in display
	 * order (the row nearest to `key` last; NULL = the last rows). */
	int (*rows)(void *ctx, const char *key, bool after, int max, struct tui_row *out);
	/* Number of rows, or an estimate; -1 if unknown. */
	long (*count)(void *ctx);
	void *ctx;
};

#define TUI_ALIGN_LEFT  0
#define TUI_ALIGN_RIGHT 1

/* A table column.  Widths are display columns (wcwidth).  A column's title
 * is never cut (it widens the column).  Right-aligned columns hold figures
 * (amounts, counts): they widen to their widest cell, beyond max when need
 * be, and are never cut; the space comes from the columns without a max
 * (free text), which narrow first, then from the columns on the right,
 * which are hidden.  A cut cell ends with '~' and a cell that holds several
 * lines shows its first; `i` (show-line) shows every cell in full. */
struct tui_column {
	const char *title; /* N_() text, translated when drawn */
	int min;           /* never narrower */
	int max;           /* never wider (0 = no limit) */
	int align;         /* TUI_ALIGN_* */
	int flex;          /* share of the space left once every column has min */
};

struct tui_view;

/* A view type: one per screen (tig's view_ops). */
struct tui_view_ops {
	const char *name;                        /* registry key and `:` command, e.g. "orders" */
	const char *title;                       /* N_() title */
	bool main_screen;                        /* listed in the tab bar, reached by Tab and 1-6 */
	const struct tui_request_info *requests; /* this view's own requests */
	size_t n_requests;
	/* Set up the view: columns and row source (tui_view_set_table) or
	 * lines (tui_view_set_lines).  `arg` comes from tui_view_push.
	 * Returns 0, or -1 with a message set (the view is not shown). */
	int (*open)(struct tui_view *view, const char *arg);
	/* Release what open allocated (view->data). */
	void (*close)(struct tui_view *view);
	/* First go at every request; TUI_PASS hands it to the generic handler. */
	int (*request)(struct tui_view *view, int request);
	/* `/` text (empty = clear).  Without it the framework searches the
	 * lines in memory. */
	int (*search)(struct tui_view *view, const char *text);
	/* Extra status text (filter, sort) into buf. */
	void (*status)(struct tui_view *view, char *buf, size_t size);
	/* Called when the view comes to the front again (e.g. data changed). */
	void (*show)(struct tui_view *view);
	/* The detail of a row for the pane under the list (`v`): new lines
	 * the framework frees, or NULL.  Views without it have no pane. */
	struct tui_lines *(*detail)(struct tui_view *view, const struct tui_row *row);
	/* The data changed (tui_data_changed: an action, a sync): re-read what
	 * open read.  A text view returns its new lines, which the framework
	 * shows in place of the old ones at the same place; a table view
	 * refreshes its own state and returns NULL (the framework re-reads its
	 * rows either way).  NULL: keep the lines as they are.  Called before
	 * the view is next drawn, so a view behind others catches up when it
	 * comes to the front. */
	struct tui_lines *(*reload)(struct tui_view *view);
};

/* A live view.  Views use `data` and `ops`; the rest is the framework's. */
struct tui_view {
	const struct tui_view_ops *ops;
	void *data;
	struct tui_view_state *state;
};

/* The program's hooks. */
struct tui_app_hooks {
	/* Right side of the status line (profile, online, data age). */
	void (*status)(char *buf, size_t size);
	/* Checks need bits >= TUI_NEED_APP; returns NULL when allowed or a
	 * translated reason. */
	const char *(*check_need)(unsigned need);
	/* Background work to poll when the wake-up descriptor fires; returns
	 * true when the screen should repaint (new data). */
	bool (*poll)(void);
	/* True while background work is under way (script mode waits). */
	bool (*busy)(void);
	/* `r`: start a refresh; returns a translated message or NULL. */
	const char *(*sync_now)(void);
	/* Whether requests needing these bits (>= TUI_NEED_APP) can ever run
	 * for this user.  When it says no, the request has no key, no help
	 * line and no `:` command (check_need then only explains a key
	 * pressed).  NULL: every request is available. */
	bool (*available)(unsigned need);
};

/* Start-up options. */
struct tui_options {
	const char *script;  /* headless: keys from this file, output discarded */
	const char *program; /* name in the title bar */
	bool bar_cursor;     /* mark the selected line with a reverse-video bar
			       * instead of the '>' arrow.  Not the default: a
			       * line scrolled then rewrites two whole rows (about
			       * 230 bytes at 80 columns) instead of one (about 150) */
	struct tui_app_hooks hooks;
};

/* Register a view type (before tui_init).  Returns 0, or -1 if the
 * registry is full or the name is taken. */
int tui_register_view(const struct tui_view_ops *ops);

/* Set up the terminal (or the headless screen in script mode).  Returns 0,
 * or -1 with a message on stderr (no terminal, unreadable script). */
int tui_init(const struct tui_options *options);

/* Open `first` and run until the user quits or the script ends.
 * Returns 0, or 1 when the script failed (a line it could not run). */
int tui_run(const char *first);

/* Restore the terminal and free every view.  Safe to call twice. */
void tui_exit(void);

/* Open a view on top of the stack.  Returns 0 or -1 (message set). */
int tui_view_push(const char *name, const char *arg);

/* Give a view a table: `columns` must outlive the view. */
void tui_view_set_table(struct tui_view *view, const struct tui_column *columns, int n_columns,
                        const struct tui_row_source *source);

/* Give a view text lines (a pager): the framework copies them.  Lines are
 * "style\ttext" free-form UTF-8; see tui_lines_add. */
struct tui_lines;
struct tui_lines *tui_lines_new(void);
/* Append one line with a style; text is copied.  Returns 0 or -1 (OOM). */
int tui_lines_add(struct tui_lines *lines, int style, const char *text);
/* printf-style variant. */
int tui_lines_addf(struct tui_lines *lines, int style, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* Frees lines not handed to a view; safe on NULL. */
void tui_lines_free(struct tui_lines *lines);
/* Hand the lines to the view (the view owns them from now on). */
void tui_view_set_lines(struct tui_view *view, struct tui_lines *lines);

/* The key of the selected row (owned by the view, valid until the next
 * key), or NULL when the view is empty. */
const char *tui_view_selected_key(struct tui_view *view);
/* The selected row itself, or NULL. */
const struct tui_row *tui_view_selected_row(struct tui_view *view);
/* The whole text of a text view's selected line (long lines are shown
 * wrapped: this is the line the view gave), or NULL. */
const char *tui_view_selected_line(struct tui_view *view);

/* The data under the views changed (an action's result was stored, a sync
 * committed): every open view re-reads it before it is next drawn (the one
 * in front at once, the others when they come to the front). */
void tui_data_changed(void);

/* Free every string of a row and clear it. */
void tui_row_clear(struct tui_row *row);
/* Set a cell to a copy of text (NULL clears).  Returns 0, or -1 when out
 * of memory (the row is then marked failed, which the framework checks). */
int tui_row_set(struct tui_row *row, int column, const char *text);
/* Set a cell with printf formatting. */
int tui_row_setf(struct tui_row *row, int column, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* Set the row's key to a copy of key. */
int tui_row_set_key(struct tui_row *row, const char *key);

/* Show a message under the status line until the next key; a long one is
 * wrapped over several lines. */
void tui_message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Ask for a line of text at the bottom; `initial` pre-fills it.  Returns
 * true and fills out (NUL-terminated) when confirmed with Enter, false when
 * cancelled with Esc. */
bool tui_prompt(const char *label, const char *initial, char *out, size_t size);

/* Ask a yes/no question in a dialog that restates `details` (several lines
 * separated by '\n'); the question and long lines are wrapped to the
 * dialog's width.  Returns true only for an explicit 'y'. */
bool tui_confirm(const char *question, const char *details);

/* Give the terminal back for a program run in the foreground (an editor):
 * the screen is left and the terminal restored to how it was before
 * tui_init.  tui_resume takes it again and repaints every cell (the other
 * program wrote over them).  Views call these instead of touching curses;
 * both do nothing before tui_init and nest no deeper than one. */
void tui_suspend(void);
void tui_resume(void);

/* A descriptor the main loop watches; write one byte to it from any thread
 * to make the loop call hooks.poll.  -1 before tui_init. */
int tui_wakeup_fd(void);

/* The screen's width in columns (80 before tui_init). */
int tui_screen_columns(void);

/* Whether the terminal's character set is UTF-8 (else only ASCII is drawn as itself). */
bool tui_utf8(void);

/* Display width of UTF-8 text (invalid bytes count 1). */
int tui_text_width(const char *text);

/* Write the screen's text to a file, one line per row, wide characters
 * intact, trailing blanks removed.  Returns 0 or -1 (errno set). */
int tui_save_display(const char *path);

/* Run one request as if a key bound to it was pressed, then repaint.
 * Returns the handler's flags (benchmarks and tests drive the UI this way). */
int tui_do_request(int request);

/* Run a `:` command line ("orders", "save-display FILE", "search text",
 * a request name).  Returns 0 or -1 with a message set. */
int tui_run_command(const char *line);

/* Repaint the whole screen now. */
void tui_draw(void);

#endif
