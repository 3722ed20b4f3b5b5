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
	if (ops->open && ops->open(view, arg) < 0) {
		tui_table_free_rows(view->state);
		free(view->state->rows);
		tui_lines_free(view->state->lines);
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

void tui_view_set_lines(struct tui_view *view, struct tui_lines *lines)
{
	struct tui_view_state *st = view->state;
	tui_lines_free(st->lines);
	st->lines = lines;
	st->columns = NULL;
	st->n_columns = 1;
	st->source = tui_lines_source_template;
	st->source.ctx = lines;
	tui_table_free_rows(st);
	st->loaded = false;
	st->count = TUI_COUNT_UNKNOWN;
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
	int h = LINES - 3 - (view->state->columns ? 1 : 0) - tui_pane_height(view);
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
