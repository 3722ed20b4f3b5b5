/* Key names, the request table and the keymaps generated from it. */
#include "config.h"

#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui/private.h"

_Static_assert(TUI_REQ_BASE > KEY_MAX, "request codes must lie above curses key codes");
_Static_assert(TUI_REQ_GENERIC_END < TUI_REQ_VIEW_BASE, "generic requests overflow");

static const struct tui_req_entry generic_requests[] = {
#define TUI_REQ_ROW_(id, name, keys, help) {TUI_REQ_##id, name, keys, help, 0},
        TUI_REQ_INFO(TUI_REQ_ROW_)
#undef TUI_REQ_ROW_
};

static const struct {
	const char *name;
	int key;
} key_names[] = {
        {"Down", TUI_KEY_FN(KEY_DOWN)},
        {"Up", TUI_KEY_FN(KEY_UP)},
        {"Left", TUI_KEY_FN(KEY_LEFT)},
        {"Right", TUI_KEY_FN(KEY_RIGHT)},
        {"PgDn", TUI_KEY_FN(KEY_NPAGE)},
        {"PgUp", TUI_KEY_FN(KEY_PPAGE)},
        {"Home", TUI_KEY_FN(KEY_HOME)},
        {"End", TUI_KEY_FN(KEY_END)},
        {"BackTab", TUI_KEY_FN(KEY_BTAB)},
        {"Backspace", TUI_KEY_FN(KEY_BACKSPACE)},
        {"Del", TUI_KEY_FN(KEY_DC)},
        {"Resize", TUI_KEY_FN(KEY_RESIZE)},
        {"Enter", TUI_KEY_ENTER},
        {"Esc", TUI_KEY_ESC},
        {"Tab", TUI_KEY_TAB},
        {"Space", ' '},
        {"Lt", '<'},
        {"Colon", ':'},
};

/* Parses one key at *text and advances past it: "<Down>", "<C-f>", "<Lt>"
 * or one UTF-8 character.  Returns the key, or TUI_KEY_NONE for an unknown
 * name or invalid UTF-8 (then *text is left unchanged). */
int tui_key_parse(const char **text)
{
	const char *s = *text;
	if (*s == '<') {
		const char *end = strchr(s, '>');
		if (end && end > s + 1) {
			size_t len = (size_t)(end - s - 1);
			if (len == 3 && s[1] == 'C' && s[2] == '-' && s[3] >= 'a' && s[3] <= 'z') {
				*text = end + 1;
				return s[3] - 'a' + 1;
			}
			for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++) {
				if (strlen(key_names[i].name) == len &&
				    !strncmp(key_names[i].name, s + 1, len)) {
					*text = end + 1;
					return key_names[i].key;
				}
			}
			if (len >= 2 && s[1] == 'F') {
				int n = atoi(s + 2);
				if (n >= 1 && n <= 12) {
					*text = end + 1;
					return TUI_KEY_FN(KEY_F(n));
				}
			}
			return TUI_KEY_NONE;
		}
	}
	mbstate_t st;
	memset(&st, 0, sizeof st);
	wchar_t wc;
	size_t n = mbrtowc(&wc, s, strlen(s), &st);
	if (n == 0 || n == (size_t)-1 || n == (size_t)-2)
		return TUI_KEY_NONE;
	*text = s + n;
	return (int)wc;
}

/* Writes the display name of a key ("<Down>", "j", "<C-f>") into buf. */
void tui_key_name(int key, char *buf, size_t size)
{
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++) {
		if (key_names[i].key == key && key != ' ' && key != '<' && key != ':') {
			snprintf(buf, size, "<%s>", key_names[i].name);
			return;
		}
	}
	if (key == ' ') {
		snprintf(buf, size, "<Space>");
	} else if (key >= 1 && key <= 26) {
		snprintf(buf, size, "<C-%c>", 'a' + key - 1);
	} else if (key >= TUI_KEY_FN(KEY_F(1)) && key <= TUI_KEY_FN(KEY_F(12))) {
		snprintf(buf, size, "<F%d>", key - TUI_KEY_FN(KEY_F0));
	} else if (key > 0 && key < 0x110000) {
		mbstate_t st;
		memset(&st, 0, sizeof st);
		char mb[MB_LEN_MAX + 1];
		size_t n = wcrtomb(mb, (wchar_t)key, &st);
		if (n == (size_t)-1)
			n = 0;
		mb[n] = '\0';
		snprintf(buf, size, "%s", mb);
	} else {
		snprintf(buf, size, "?");
	}
}

/* The generic request table (static, never freed). */
const struct tui_req_entry *tui_generic_requests(size_t *count)
{
	*count = sizeof generic_requests / sizeof generic_requests[0];
	return generic_requests;
}

/* True when a request with these needs can ever run for this program's
 * user: the app's `available` hook decides on the bits from TUI_NEED_APP up
 * (a clerk never refunds).  Requests that are not available get no key, no
 * help line and no `:` command. */
bool tui_need_available(unsigned need)
{
	if (!(need & ~(TUI_NEED_APP - 1)) || !tui_opts.hooks.available)
		return true;
	return tui_opts.hooks.available(need);
}

/* Keymaps are built on first use, one per view type, from the generic
 * table and the view's own table (which wins on a clash).  The keys of
 * requests that are not available go to `hidden` instead, only so that
 * pressing one can say why nothing happens. */
struct keymap {
	const struct tui_view_ops *ops;
	struct tui_binding *bindings;
	size_t count;
	struct tui_binding *hidden;
	size_t n_hidden;
};

static struct keymap *keymaps;
static size_t n_keymaps;

/* Adds the bindings of one request to a binding list, replacing earlier
 * bindings of the same key.  Returns 0 or -1 (out of memory; the list
 * stays as it was, owned by the keymap). */
static int bindings_add(struct tui_binding **list, size_t *count, int request, const char *keys)
{
	const char *s = keys;
	while (*s) {
		if (*s == ' ') {
			s++;
			continue;
		}
		int key = tui_key_parse(&s);
		if (key == TUI_KEY_NONE) {
			while (*s && *s != ' ')
				s++;
			continue;
		}
		size_t i;
		for (i = 0; i < *count; i++)
			if ((*list)[i].key == key)
				break;
		if (i == *count) {
			struct tui_binding *grown = realloc(*list, (*count + 1) * sizeof *grown);
			if (!grown)
				return -1;
			*list = grown;
			(*count)++;
		}
		(*list)[i].key = key;
		(*list)[i].request = request;
	}
	return 0;
}

/* Adds the bindings of one request to the keymap. */
static int keymap_add(struct keymap *map, int request, const char *keys)
{
	return bindings_add(&map->bindings, &map->count, request, keys);
}

/* Finds or builds the keymap of a view type; NULL when out of memory. */
static struct keymap *keymap_get(const struct tui_view_ops *ops)
{
	for (size_t i = 0; i < n_keymaps; i++)
		if (keymaps[i].ops == ops)
			return &keymaps[i];
	struct keymap *grown = realloc(keymaps, (n_keymaps + 1) * sizeof *grown);
	if (!grown)
		return NULL;
	keymaps = grown;
	struct keymap *map = &keymaps[n_keymaps++];
	memset(map, 0, sizeof *map);
	map->ops = ops;
	for (size_t i = 0; i < sizeof generic_requests / sizeof generic_requests[0]; i++)
		if (keymap_add(map, generic_requests[i].code, generic_requests[i].keys) < 0)
			return NULL;
	for (size_t i = 0; ops && i < ops->n_requests; i++) {
		const struct tui_request_info *r = &ops->requests[i];
		int rc = tui_need_available(r->need)
		                 ? keymap_add(map, r->code, r->keys)
		                 : bindings_add(&map->hidden, &map->n_hidden, r->code, r->keys);
		if (rc < 0)
			return NULL;
	}
	return map;
}

/* The request bound to key in the view type's keymap, or TUI_REQ_NONE. */
int tui_keymap_lookup(const struct tui_view_ops *ops, int key)
{
	struct keymap *map = keymap_get(ops);
	if (!map)
		return TUI_REQ_NONE;
	for (size_t i = 0; i < map->count; i++)
		if (map->bindings[i].key == key)
			return map->bindings[i].request;
	return TUI_REQ_NONE;
}

/* The request a key would run if it were available to this user, or
 * TUI_REQ_NONE when the key is simply unbound. */
int tui_keymap_hidden(const struct tui_view_ops *ops, int key)
{
	struct keymap *map = keymap_get(ops);
	if (!map)
		return TUI_REQ_NONE;
	for (size_t i = 0; i < map->n_hidden; i++)
		if (map->hidden[i].key == key)
			return map->hidden[i].request;
	return TUI_REQ_NONE;
}

/* Writes the names of the keys bound to request, comma-separated, into
 * buf.  Returns how many keys there are. */
int tui_keymap_keys(const struct tui_view_ops *ops, int request, char *buf, size_t size)
{
	struct keymap *map = keymap_get(ops);
	int n = 0;
	size_t used = 0;
	if (size)
		buf[0] = '\0';
	if (!map)
		return 0;
	for (size_t i = 0; i < map->count; i++) {
		if (map->bindings[i].request != request)
			continue;
		char name[32];
		tui_key_name(map->bindings[i].key, name, sizeof name);
		int w = snprintf(buf + used, size - used, "%s%s", n ? " " : "", name);
		if (w < 0 || (size_t)w >= size - used)
			break;
		used += (size_t)w;
		n++;
	}
	return n;
}

/* The entry of a request code for a view type (its own table first). */
const struct tui_req_entry *tui_request_find(const struct tui_view_ops *ops, int code)
{
	static struct tui_req_entry own;
	for (size_t i = 0; ops && i < ops->n_requests; i++) {
		if (ops->requests[i].code == code) {
			own.code = code;
			own.name = ops->requests[i].name;
			own.keys = ops->requests[i].keys;
			own.help = ops->requests[i].help;
			own.need = ops->requests[i].need;
			return &own;
		}
	}
	for (size_t i = 0; i < sizeof generic_requests / sizeof generic_requests[0]; i++)
		if (generic_requests[i].code == code)
			return &generic_requests[i];
	return NULL;
}

/* The request code named `name` for a view type, or TUI_REQ_NONE (also
 * for a request not available to this user: it is no command for them).
 * With `hidden` set, finds only such unavailable requests instead. */
int tui_request_by_name(const struct tui_view_ops *ops, const char *name, bool hidden)
{
	for (size_t i = 0; ops && i < ops->n_requests; i++)
		if (!strcmp(ops->requests[i].name, name) &&
		    tui_need_available(ops->requests[i].need) != hidden)
			return ops->requests[i].code;
	if (hidden)
		return TUI_REQ_NONE;
	for (size_t i = 0; i < sizeof generic_requests / sizeof generic_requests[0]; i++)
		if (!strcmp(generic_requests[i].name, name))
			return generic_requests[i].code;
	return TUI_REQ_NONE;
}

/* Frees every keymap (at exit). */
void tui_keymaps_free(void)
{
	for (size_t i = 0; i < n_keymaps; i++) {
		free(keymaps[i].bindings);
		free(keymaps[i].hidden);
	}
	free(keymaps);
	keymaps = NULL;
	n_keymaps = 0;
}
