/* Modal input: the one-line prompt (`/`, `:`, text fields) and the yes/no
 * confirmation dialog.  Both read keys through tui_read_key, so scripts
 * drive them exactly like a person at the keyboard. */
#include "config.h"

#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui/private.h"

/* Removes the last UTF-8 character of buf. */
static void drop_last_char(char *buf)
{
	size_t len = strlen(buf);
	while (len > 0) {
		len--;
		if (((unsigned char)buf[len] & 0xC0) != 0x80)
			break;
	}
	buf[len] = '\0';
}

#define PROMPT_MIN_FIELD 16

#define PROMPT_MAX_ROWS 4

/* Draws the prompt line: label, text (its tail when too long), hint. A label longer than
 * the line (a question with its choices) is wrapped onto the lines above it, so that it
 * is read whole; *rows says how many lines the prompt took. */
static void draw_prompt(const char *label, const char *text, const char *hint, int *rows)
{
	int y = LINES - 1;
	/* The label says what to type (choices included): it may take all but a field of
	 * PROMPT_MIN_FIELD columns for the answer. */
	int label_room = COLS - PROMPT_MIN_FIELD > COLS / 3 ? COLS - PROMPT_MIN_FIELD : COLS / 3;
	size_t starts[PROMPT_MAX_ROWS];
	int n = 1;
	starts[0] = 0;
	if (tui_text_width(label) > label_room && LINES > PROMPT_MAX_ROWS + 2)
		n = tui_wrap(label, label_room, 0, starts, PROMPT_MAX_ROWS);
	for (int i = 0; i < n; i++) {
		move(y - (n - 1) + i, 0);
		clrtoeol();
	}
	for (int i = 0; i + 1 < n; i++) {
		char piece[512];
		snprintf(piece, sizeof piece, "%.*s", (int)(starts[i + 1] - starts[i]),
		         label + starts[i]);
		tui_put_text(y - (n - 1) + i, 0, piece, COLS, false, false);
	}
	*rows = n;
	int x = tui_put_text(y, 0, label + starts[n - 1], label_room, false, false);
	int room = COLS - x - 1;
	const char *shown = text;
	while (tui_text_width(shown) > room && *shown) {
		shown++;
		while ((*shown & 0xC0) == 0x80)
			shown++;
	}
	x += tui_put_text(y, x, shown, room, false, false);
	int cursor_x = x;
	if (hint && *hint && x + 3 < COLS) {
		attrset(A_DIM);
		tui_put_text(y, x + 2, hint, COLS - x - 3, false, false);
		attrset(A_NORMAL);
	}
	move(y, cursor_x < COLS ? cursor_x : COLS - 1);
	refresh();
}

bool tui_prompt(const char *label, const char *initial, char *out, size_t size)
{
	char text[512];
	char hint[512] = "";
	bool commands = !strcmp(label, ":");
	snprintf(text, sizeof text, "%s", initial ? initial : "");
	curs_set(1);
	leaveok(stdscr, FALSE);
	tui_modal_depth++;
	bool done = false, ok = false;
	int rows = 1;
	while (!done) {
		draw_prompt(label, text, hint, &rows);
		int key = tui_read_key();
		hint[0] = '\0';
		if (key == TUI_KEY_ENTER) {
			ok = done = true;
		} else if (key < 0 || key == TUI_KEY_ESC || key == 7 /* C-g */) {
			done = true;
		} else if (key == TUI_KEY_FN(KEY_BACKSPACE) || key == 127 || key == 8) {
			drop_last_char(text);
		} else if (key == 21 /* C-u */) {
			text[0] = '\0';
		} else if (key == TUI_KEY_TAB && commands) {
			char completed[128];
			int matches = tui_command_complete(text, completed, sizeof completed, hint,
			                                   sizeof hint);
			snprintf(text, sizeof text, "%s%s", completed, matches == 1 ? " " : "");
			if (matches <= 1)
				hint[0] = '\0';
		} else if (key == TUI_KEY_FN(KEY_RESIZE)) {
			/* Redrawn below; the caller repaints the rest. */
		} else if (key >= 32 && key < 0x110000 && key != 127) {
			char mb[MB_LEN_MAX + 1];
			mbstate_t st;
			memset(&st, 0, sizeof st);
			size_t n = wcrtomb(mb, (wchar_t)key, &st);
			size_t len = strlen(text);
			if (n != (size_t)-1 && len + n < sizeof text) {
				memcpy(text + len, mb, n);
				text[len + n] = '\0';
			}
		}
	}
	tui_modal_depth--;
	leaveok(stdscr, TRUE);
	curs_set(0);
	for (int i = 0; i < rows; i++) {
		move(LINES - 1 - i, 0);
		clrtoeol();
	}
	if (ok)
		snprintf(out, size, "%s", text);
	else if (size)
		out[0] = '\0';
	return ok;
}

/* The dialog's text, wrapped: one piece per line with its indent. */
struct dialog_line {
	char text[512];
	int indent;
	bool bold;
};
#define DIALOG_MAX_LINES 40

/* Adds text broken to `width` columns; a details line ("Label:  value")
 * continues under its value.  Returns the new count. */
static int dialog_add(struct dialog_line *out, int n, const char *text, int width, bool bold)
{
	char clean[1024];
	tui_sanitize(text, strlen(text), clean, sizeof clean, 0);
	size_t starts[16];
	int hang = bold ? 0 : tui_hang_of(clean, width);
	int pieces = tui_wrap(clean, width, hang, starts, 16);
	for (int p = 0; p < pieces && n < DIALOG_MAX_LINES; p++) {
		size_t end = p + 1 < pieces ? starts[p + 1] : strlen(clean);
		while (p + 1 < pieces && end > starts[p] && clean[end - 1] == ' ')
			end--;
		snprintf(out[n].text, sizeof out[n].text, "%.*s", (int)(end - starts[p]),
		         clean + starts[p]);
		out[n].indent = p ? hang : 0;
		out[n].bold = bold;
		n++;
	}
	return n;
}

/* Draws the dialog box centred on the screen: the question and the details
 * wrapped to its width, so that nothing it restates is cut. */
static void draw_confirm(const char *question, const char *details)
{
	int width = COLS - 8 > 72 ? 72 : COLS - 8;
	static struct dialog_line text[DIALOG_MAX_LINES];
	int n = dialog_add(text, 0, question, width - 4, true);
	int n_question = n;
	const char *p = details ? details : "";
	while (*p && n < DIALOG_MAX_LINES) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char line[1024];
		snprintf(line, sizeof line, "%.*s", (int)len, p);
		n = dialog_add(text, n, line, width - 4, false);
		p += len + (end ? 1 : 0);
	}
	/* Borders, a blank under the question and one above the answer line. */
	int height = n + 5;
	if (height > LINES)
		height = LINES;
	int top = (LINES - height) / 2;
	int left = (COLS - width) / 2;
	if (top < 0)
		top = 0;
	attrset(A_BOLD);
	for (int y = 0; y < height && top + y < LINES; y++) {
		move(top + y, left);
		for (int x = 0; x < width; x++) {
			chtype c = ' ';
			bool edge_y = y == 0 || y == height - 1;
			bool edge_x = x == 0 || x == width - 1;
			if (edge_y && edge_x)
				c = y == 0 ? (x == 0 ? ACS_ULCORNER : ACS_URCORNER)
				           : (x == 0 ? ACS_LLCORNER : ACS_LRCORNER);
			else if (edge_y)
				c = ACS_HLINE;
			else if (edge_x)
				c = ACS_VLINE;
			addch(c);
		}
	}
	int y = top + 1;
	for (int i = 0; i < n && y < top + height - 3; i++, y++) {
		if (i == n_question)
			y++;
		attrset(text[i].bold ? A_BOLD : A_NORMAL);
		tui_put_text(y, left + 2 + text[i].indent, text[i].text, width - 4 - text[i].indent,
		             false, false);
	}
	attrset(A_BOLD);
	tui_put_text(top + height - 2, left + 2, _("y = yes, do it    n or Esc = no"), width - 4,
	             false, false);
	attrset(A_NORMAL);
	refresh();
}

bool tui_confirm(const char *question, const char *details)
{
	for (;;) {
		draw_confirm(question, details);
		tui_modal_depth++;
		int key = tui_read_key();
		tui_modal_depth--;
		if (key == 'y' || key == 'Y')
			return true;
		if (key < 0 || key == 'n' || key == 'N' || key == TUI_KEY_ESC || key == 'q')
			return false;
		if (key == TUI_KEY_FN(KEY_RESIZE)) {
			clear();
			tui_draw_now();
		}
	}
}
