/* Views: the registry of view types, the stack of open views (main
 * screens stay open and keep their place), and the help screen generated
 * from the keymaps and request tables. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/private.h"

#define MAX_VIEW_TYPES 32
#define MAX_STACK      16

static const struct tui_view_ops *registry[MAX_VIEW_TYPES];
static size_t n_registry;

/* Main screens stay open while the program runs so they keep their place. */
static struct tui_view *main_views[MAX_VIEW_TYPES];
static struct tui_view *stack[MAX_STACK];
static int depth;

static const struct tui_view_ops help_ops;
static const struct tui_view_ops line_ops;
static const struct tui_view_ops detail_ops;

/* Bumped by tui_data_changed; each view records the one it caught up with. */
static unsigned long data_generation;

/* Registers a view type.  Returns 0, or -1 when full or a duplicate. */
int tui_register_view(const struct tui_view_ops *ops)
{
	if (n_registry == MAX_VIEW_TYPES)
		return -1;
	for (size_t i = 0; i < n_registry; i++)
		if (!strcmp(registry[i]->name, ops->name))
			return -1;
	registry[n_registry++] = ops;
	return 0;
}

/* The registry (for completion and the help screen). */
const struct tui_view_ops *const *tui_registry(size_t *count)
{
	*count = n_registry;
	return registry;
}

const struct tui_view_ops *tui_find_ops(const char *name)
{
	for (size_t i = 0; i < n_registry; i++)
		if (!strcmp(registry[i]->name, name))
			return registry[i];
	if (!strcmp(name, help_ops.name))
		return &help_ops;
	if (!strcmp(name, line_ops.name))
		return &line_ops;
	if (!strcmp(name, detail_ops.name))
		return &detail_ops;
	return NULL;
}

/* Index of a main screen among main screens, -1 if not one. */
int tui_main_index(const struct tui_view_ops *ops)
{
	int n = 0;
	for (size_t i = 0; i < n_registry; i++) {
		if (!registry[i]->main_screen)
			continue;
		if (registry[i] == ops)
			return n;
		n++;
	}
	return -1;
}

const struct tui_view_ops *tui_main_ops_at(int index)
{
	int n = 0;
	for (size_t i = 0; i < n_registry; i++) {
		if (!registry[i]->main_screen)
			continue;
		if (n == index)
			return registry[i];
		n++;
	}
	return NULL;
}

int tui_main_count(void)
{
	int n = 0;
	for (size_t i = 0; i < n_registry; i++)
		n += registry[i]->main_screen;
	return n;
}

struct tui_view *tui_top_view(void)
{
	return depth > 0 ? stack[depth - 1] : NULL;
}

/* Frees a view: its ops' close, its rows, its lines, itself. */
static void view_free(struct tui_view *view)
{
	if (!view)
		return;
	tui_pane_forget_view(view);
	if (view->ops->close)
		view->ops->close(view);
	tui_table_free_rows(view->state);
	free(view->state->rows);
	tui_lines_free(view->state->lines);
	tui_lines_free(view->state->logical);
	free(view->state->search);
	free(view->state);
	free(view);
}

/* Creates and opens a view of a type.  NULL on failure (message set). */
static struct tui_view *view_new(const struct tui_view_ops *ops, const char *arg)
{
	struct tui_view *view = calloc(1, sizeof *view);
	if (!view) {
		tui_message("%s", _("Out of memory."));
		return NULL;
	}
	view->state = calloc(1, sizeof *view->state);
	if (!view->state) {
		free(view);
		tui_message("%s", _("Out of memory."));
		return NULL;
	}
	view->ops = ops;
	view->state->generation = data_generation;
	if (ops->open && ops->open(view, arg) < 0) {
		tui_table_free_rows(view->state);
		free(view->state->rows);
		tui_lines_free(view->state->lines);
		tui_lines_free(view->state->logical);
		free(view->state);
		free(view);
		return NULL;
	}
	return view;
}

void tui_view_set_table(struct tui_view *view, const struct tui_column *columns, int n_columns,
                        const struct tui_row_source *source)
{
	struct tui_view_state *st = view->state;
	st->columns = columns;
	st->n_columns = n_columns > TUI_MAX_COLUMNS ? TUI_MAX_COLUMNS : n_columns;
	st->source = *source;
	tui_table_free_rows(st);
	st->loaded = false;
	st->count = TUI_COUNT_UNKNOWN;
}

/* Makes `lines` the view's own lines and shows them wrapped to the
 * screen's width (as they are when out of memory). */
static void take_lines(struct tui_view_state *st, struct tui_lines *lines)
{
	tui_lines_free(st->lines);
	if (st->logical != lines)
		tui_lines_free(st->logical);
	st->logical = lines;
	st->wrap_width = COLS;
	st->lines = lines ? tui_lines_wrap(lines, COLS > 0 ? COLS : 80) : NULL;
	if (!st->lines) {
		st->lines = lines;
		st->logical = NULL;
	}
	st->source = tui_lines_source_template;
	st->source.ctx = st->lines;
}

void tui_view_set_lines(struct tui_view *view, struct tui_lines *lines)
{
	struct tui_view_state *st = view->state;
	take_lines(st, lines);
	st->columns = NULL;
	st->n_columns = 1;
	tui_table_free_rows(st);
	st->loaded = false;
	st->count = TUI_COUNT_UNKNOWN;
}

/* The line of the view's own lines that shown line `shown` is part of. */
static int origin_of(const struct tui_view_state *st, long shown)
{
	if (!st->lines || shown < 0 || shown >= st->lines->count || !st->lines->origin)
		return (int)shown;
	return st->lines->origin[shown];
}

/* The first shown line of line `origin` of the view's own lines. */
static int shown_of(const struct tui_view_state *st, int origin)
{
	if (!st->lines || !st->lines->origin)
		return origin;
	for (int i = 0; i < st->lines->count; i++)
		if (st->lines->origin[i] >= origin)
			return i;
	return st->lines->count > 0 ? st->lines->count - 1 : 0;
}

/* Puts the window back at the line that was at its top and the cursor on
 * the line it was on, after the shown lines changed. */
static void restore_place(struct tui_view *view, int top_origin, int cursor_origin)
{
	struct tui_view_state *st = view->state;
	int height = tui_data_height(view);
	int top = shown_of(st, top_origin);
	int cursor = shown_of(st, cursor_origin);
	if (tui_table_jump(view, top, height) < 0) {
		tui_table_load_last(view, height);
		return;
	}
	for (int i = 0; i < st->n_rows; i++)
		if (atoi(st->rows[i].key) == cursor)
			st->cursor = i;
}

/* Shows new lines of a text view at the place of the old ones. */
static void replace_lines(struct tui_view *view, struct tui_lines *lines)
{
	struct tui_view_state *st = view->state;
	bool loaded = st->loaded && st->n_rows > 0;
	int top = loaded ? origin_of(st, st->top) : 0;
	int cursor = loaded ? origin_of(st, st->top + st->cursor) : 0;
	take_lines(st, lines);
	st->count = TUI_COUNT_UNKNOWN;
	if (loaded)
		restore_place(view, top, cursor);
	else
		tui_table_free_rows(st);
}

void tui_view_rewrap(struct tui_view *view)
{
	struct tui_view_state *st = view->state;
	if (!st->logical || st->wrap_width == COLS)
		return;
	struct tui_lines *own = st->logical;
	st->logical = NULL; /* kept: take_lines frees only what it replaces */
	bool loaded = st->loaded && st->n_rows > 0;
	int top = loaded ? origin_of(st, st->top) : 0;
	int cursor = loaded ? origin_of(st, st->top + st->cursor) : 0;
	take_lines(st, own);
	if (loaded)
		restore_place(view, top, cursor);
}

void tui_data_changed(void)
{
	data_generation++;
	tui_pane_forget();
}

bool tui_view_stale(const struct tui_view *view)
{
	return view->state->generation != data_generation;
}

void tui_view_refresh(struct tui_view *view)
{
	struct tui_view_state *st = view->state;
	st->generation = data_generation;
	struct tui_lines *lines = view->ops->reload ? view->ops->reload(view) : NULL;
	if (lines && !st->columns) {
		replace_lines(view, lines);
		return;
	}
	tui_lines_free(lines);
	if (st->loaded)
		tui_table_reload_here(view, tui_data_height(view));
}

const char *tui_view_selected_line(struct tui_view *view)
{
	const struct tui_row *row = tui_view_selected_row(view);
	if (!row || view->state->columns)
		return NULL;
	return row->cells[1] ? row->cells[1] : row->cells[0];
}

const struct tui_row *tui_view_selected_row(struct tui_view *view)
{
	struct tui_view_state *st = view->state;
	if (st->n_rows == 0 || st->cursor < 0 || st->cursor >= st->n_rows)
		return NULL;
	return &st->rows[st->cursor];
}

const char *tui_view_selected_key(struct tui_view *view)
{
	const struct tui_row *row = tui_view_selected_row(view);
	return row ? row->key : NULL;
}

/* Rows available for data in a view: the whole screen less the tab bar,
 * the column titles (tables only), the detail pane, the status and
 * message lines. */
int tui_data_height(const struct tui_view *view)
{
	int h = LINES - 1 - tui_bottom_lines() - (view->state->columns ? 1 : 0) -
	        tui_pane_height(view);
	return h > 1 ? h : 1;
}

/* Shows a main screen (opened on first use) as the only view. */
int tui_switch_main(const struct tui_view_ops *ops)
{
	size_t slot;
	for (slot = 0; slot < n_registry; slot++)
		if (registry[slot] == ops)
			break;
	if (slot == n_registry)
		return -1;
	if (!main_views[slot]) {
		main_views[slot] = view_new(ops, NULL);
		if (!main_views[slot])
			return -1;
	}
	while (depth > 0) {
		struct tui_view *view = stack[--depth];
		if (tui_main_index(view->ops) < 0)
			view_free(view);
	}
	stack[depth++] = main_views[slot];
	struct tui_view *view = main_views[slot];
	if (view->ops->show)
		view->ops->show(view);
	tui_table_fill(view, tui_data_height(view));
	return 0;
}

int tui_view_push(const char *name, const char *arg)
{
	const struct tui_view_ops *ops = tui_find_ops(name);
	if (!ops) {
		tui_message(_("There is no screen called \"%s\"."), name);
		return -1;
	}
	if (ops->main_screen)
		return tui_switch_main(ops);
	if (depth == MAX_STACK) {
		tui_message("%s", _("Too many screens are open; close one with q."));
		return -1;
	}
	struct tui_view *view = view_new(ops, arg);
	if (!view)
		return -1;
	stack[depth++] = view;
	tui_table_fill(view, tui_data_height(view));
	return 0;
}

/* One request in the help: its keys, its help text and its `:` name.  The
 * name goes on a line of its own under the text when both do not fit the
 * screen's width (80 columns leave little room). */
static void help_add(struct tui_lines *lines, const struct tui_view_ops *ops,
                     const struct tui_req_entry *entry)
{
	enum { KEYS_WIDTH = 22 };
	char keys[128];
	bool unbound = tui_keymap_keys(ops, entry->code, keys, sizeof keys) == 0;
	if (unbound)
		snprintf(keys, sizeof keys, ":%s", entry->name);
	char pad_keys[160];
	int w = tui_text_width(keys);
	snprintf(pad_keys, sizeof pad_keys, "%s%*s", keys, w < KEYS_WIDTH ? KEYS_WIDTH - w : 1, "");
	const char *help = _(entry->help);
	if (unbound) {
		tui_lines_addf(lines, TUI_STYLE_NORMAL, "  %s%s", pad_keys, help);
		return;
	}
	int width = 2 + tui_text_width(pad_keys) + tui_text_width(help) + 4 +
	            tui_text_width(entry->name) + 1;
	if (width < COLS) {
		tui_lines_addf(lines, TUI_STYLE_NORMAL, "  %s%s  (:%s)", pad_keys, help,
		               entry->name);
		return;
	}
	tui_lines_addf(lines, TUI_STYLE_NORMAL, "  %s%s", pad_keys, help);
	tui_lines_addf(lines, TUI_STYLE_DIM, "  %*s(:%s)", KEYS_WIDTH, "", entry->name);
}

static int help_open(struct tui_view *view, const char *arg)
{
	const struct tui_view_ops *ops = arg ? tui_find_ops(arg) : NULL;
	struct tui_lines *lines = tui_lines_new();
	if (!lines) {
		tui_message("%s", _("Out of memory."));
		return -1;
	}
	if (ops && ops->n_requests) {
		tui_lines_addf(lines, TUI_STYLE_HEADER, _("Keys of the %s screen"), _(ops->title));
		for (size_t i = 0; i < ops->n_requests; i++) {
			if (!tui_need_available(ops->requests[i].need))
				continue;
			struct tui_req_entry entry = {ops->requests[i].code, ops->requests[i].name,
			                              ops->requests[i].keys, ops->requests[i].help,
			                              ops->requests[i].need};
			help_add(lines, ops, &entry);
		}
		tui_lines_add(lines, TUI_STYLE_NORMAL, "");
	}
	tui_lines_add(lines, TUI_STYLE_HEADER, _("Keys of every screen"));
	size_t n;
	const struct tui_req_entry *generic = tui_generic_requests(&n);
	for (size_t i = 0; i < n; i++) {
		if (generic[i].code >= TUI_REQ_VIEW_1 + tui_main_count() &&
		    generic[i].code <= TUI_REQ_VIEW_6)
			continue;
		bool overridden = false;
		for (size_t j = 0; ops && j < ops->n_requests; j++)
			if (ops->requests[j].code == generic[i].code &&
			    tui_need_available(ops->requests[j].need))
				overridden = true;
		if (!overridden)
			help_add(lines, ops, &generic[i]);
	}
	tui_lines_add(lines, TUI_STYLE_NORMAL, "");
	tui_lines_add(lines, TUI_STYLE_HEADER, _("Screens"));
	for (int i = 0; i < tui_main_count(); i++) {
		const struct tui_view_ops *m = tui_main_ops_at(i);
		tui_lines_addf(lines, TUI_STYLE_NORMAL, "  %d  %s  (:%s)", i + 1, _(m->title),
		               m->name);
	}
	tui_view_set_lines(view, lines);
	return 0;
}

static const struct tui_view_ops help_ops = {
        .name = "help",
        .title = N_("Help"),
        .open = help_open,
};

/* The lines of the "line" view, made by tui_show_row just before it opens. */
static struct tui_lines *row_lines;

/* Opens a view of ops (line_open) on lines, which it takes over. */
static int push_lines(struct tui_lines *lines, const struct tui_view_ops *ops)
{
	tui_lines_free(row_lines);
	row_lines = lines;
	if (tui_view_push(ops->name, NULL) < 0) {
		tui_lines_free(row_lines);
		row_lines = NULL;
		return -1;
	}
	return 0;
}

int tui_show_row(struct tui_view *view)
{
	struct tui_view_state *st = view->state;
	const struct tui_row *row = tui_view_selected_row(view);
	if (!st->columns) {
		tui_message("%s",
		            _("Lines on this screen are shown whole; long ones are wrapped."));
		return -1;
	}
	if (!row) {
		tui_message("%s", _("Nothing is selected."));
		return -1;
	}
	struct tui_lines *lines = tui_lines_new();
	if (!lines) {
		tui_message("%s", _("Out of memory."));
		return -1;
	}
	int label = 0;
	for (int c = 0; c < st->n_columns; c++) {
		int w = tui_text_width(_(st->columns[c].title));
		label = w > label ? w : label;
	}
	tui_lines_addf(lines, TUI_STYLE_HEADER, _("The selected line of %s, every cell in full"),
	               _(view->ops->title));
	for (int c = 0; c < st->n_columns; c++) {
		const char *title = _(st->columns[c].title);
		const char *cell = row->cells[c] && row->cells[c][0] ? row->cells[c] : "-";
		int pad = label - tui_text_width(title);
		/* A cell of several lines (a long text) shows each under the first. */
		const char *p = cell;
		bool first = true;
		while (*p || first) {
			size_t n = strcspn(p, "\n");
			char head[256];
			snprintf(head, sizeof head, "  %s%*s  ", first ? title : "",
			         first ? pad : label, "");
			size_t size = strlen(head) + n + 1;
			char *text = malloc(size);
			if (text)
				snprintf(text, size, "%s%.*s", head, (int)n, p);
			if (!text || tui_lines_add(lines, TUI_STYLE_NORMAL, text) < 0) {
				free(text);
				tui_lines_free(lines);
				tui_message("%s", _("Out of memory."));
				return -1;
			}
			free(text);
			first = false;
			p += n;
			if (*p == '\n')
				p++;
			else
				break;
		}
	}
	return push_lines(lines, &line_ops);
}

/* The selected row's detail (what the pane shows) as a view of its own: Enter with the pane
 * on, for a screen whose Enter opens nothing else. */
int tui_show_detail(struct tui_view *view)
{
	const struct tui_row *row = tui_view_selected_row(view);
	struct tui_lines *lines = row ? view->ops->detail(view, row) : NULL;
	if (!lines) {
		tui_message("%s", _("Nothing is selected."));
		return -1;
	}
	return push_lines(lines, &detail_ops);
}

static int line_open(struct tui_view *view, const char *arg)
{
	(void)arg;
	if (!row_lines)
		return -1;
	tui_view_set_lines(view, row_lines);
	row_lines = NULL;
	return 0;
}

static const struct tui_view_ops line_ops = {
        .name = "line",
        .title = N_("Line"),
        .open = line_open,
};

static const struct tui_view_ops detail_ops = {
        .name = "detail",
        .title = N_("Detail"),
        .open = line_open,
};

int tui_view_depth(void)
{
	return depth;
}

struct tui_view *tui_view_bottom(void)
{
	return depth > 0 ? stack[0] : NULL;
}

/* Closes the top view (a main screen stays open behind the scenes) and
 * tells the one under it that it is in front again. */
void tui_view_pop(void)
{
	if (depth <= 1)
		return;
	struct tui_view *top = stack[--depth];
	if (tui_main_index(top->ops) < 0)
		view_free(top);
	struct tui_view *under = tui_top_view();
	if (under->ops->show)
		under->ops->show(under);
}

/* Frees every view and forgets the registry (at exit). */
void tui_views_free(void)
{
	while (depth > 0) {
		struct tui_view *view = stack[--depth];
		if (tui_main_index(view->ops) < 0)
			view_free(view);
	}
	for (size_t i = 0; i < MAX_VIEW_TYPES; i++) {
		view_free(main_views[i]);
		main_views[i] = NULL;
	}
	n_registry = 0;
}
