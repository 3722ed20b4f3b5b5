/* The screen: terminal set-up and teardown, the main loop with its key
 * dispatch and generic requests, `:` commands, and the headless script
 * mode (views live in view.c, drawing in draw.c). */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "tui/private.h"

struct tui_options tui_opts;
char tui_message_text[512];
static SCREEN *screen;
static FILE *term_out;
static FILE *term_in;
static bool initialised;
static int wake_fds[2] = {-1, -1};
static bool quit_requested;

/* Script mode: the file, the keys left of the current line, a command
 * waiting to run, the line number for error messages, and failures. */
static FILE *script;
static int script_keys[256];
static int script_n;
static int script_pos;
static char script_command[1024];
static bool script_has_command;
static int script_line;
static int script_failures;

#define TUI_KEY_EOF (-2)

/* A hang-up or termination request: the loop ends so the program can
 * clean up (restore the terminal, stop its helpers, remove its files). */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
	if (wake_fds[1] >= 0) {
		char c = 'x';
		ssize_t n = write(wake_fds[1], &c, 1);
		(void)n;
	}
}

static void stop_signals(void (*handler)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

/* Prompts and dialogs open (script commands then run without repainting). */
int tui_modal_depth;

/* Shows a tui_message_text on the status line until the next key. */
void tui_message(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tui_message_text, sizeof tui_message_text, fmt, ap);
	va_end(ap);
}

/* Writes a byte to the wake-up pipe (any thread). */
int tui_wakeup_fd(void)
{
	return wake_fds[1];
}

/* ------------------------------------------------------------------ */
/* Keys */

/* Waits until background work is idle (script mode: no sleeps, no races).
 * Returns when hooks.busy says idle. */
static void wait_idle(void)
{
	bool changed = false;
	while (tui_opts.hooks.busy && tui_opts.hooks.busy()) {
		struct pollfd p = {.fd = wake_fds[0], .events = POLLIN};
		int rc = poll(&p, 1, 1000);
		if (rc > 0) {
			char buf[64];
			while (read(wake_fds[0], buf, sizeof buf) > 0) {
			}
		}
		if (tui_opts.hooks.poll && tui_opts.hooks.poll())
			changed = true;
	}
	if (tui_opts.hooks.poll && tui_opts.hooks.poll())
		changed = true;
	if (changed) {
		/* Every view re-reads before it is next drawn (tui_draw_now). */
		tui_data_changed();
		if (!tui_modal_depth)
			tui_draw_now();
	}
}

/* Reads the next script line into keys or a command.  Returns false at
 * the end of the script. */
static bool script_next_line(void)
{
	char line[1024];
	while (fgets(line, sizeof line, script)) {
		script_line++;
		size_t len = strlen(line);
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		if (line[0] == ':') {
			snprintf(script_command, sizeof script_command, "%s", line + 1);
			script_has_command = true;
			return true;
		}
		script_n = 0;
		script_pos = 0;
		const char *s = line;
		while (*s && script_n < (int)(sizeof script_keys / sizeof script_keys[0])) {
			int key = tui_key_parse(&s);
			if (key == TUI_KEY_NONE) {
				fprintf(stderr, _("script line %d: unknown key at \"%s\"\n"),
				        script_line, s);
				script_failures++;
				break;
			}
			script_keys[script_n++] = key;
		}
		if (script_n > 0)
			return true;
	}
	return false;
}

/* Runs a script command line; a failure counts against the script. */
static void script_run_command(void)
{
	script_has_command = false;
	tui_message_text[0] = '\0';
	if (tui_run_command(script_command) < 0) {
		fprintf(stderr, _("script line %d: %s\n"), script_line, tui_message_text);
		script_failures++;
	}
}

/* Next key from the script (after background work is idle), or
 * TUI_KEY_EOF.  Command lines run on the way: inside a prompt or dialog
 * without repainting (so a dump shows the dialog), else followed by a
 * repaint. */
static int script_key(void)
{
	for (;;) {
		wait_idle();
		if (script_pos < script_n)
			return script_keys[script_pos++];
		if (!script_next_line())
			return TUI_KEY_EOF;
		if (script_has_command) {
			script_run_command();
			if (!tui_modal_depth)
				tui_draw_now();
			if (quit_requested)
				return TUI_KEY_EOF;
		}
	}
}

/* Next key from the terminal, watching the wake-up pipe meanwhile. */
static int terminal_key(void)
{
	for (;;) {
		if (stop_signal)
			return TUI_KEY_EOF;
		wint_t wc;
		timeout(0);
		int rc = get_wch(&wc);
		if (rc == KEY_CODE_YES)
			return TUI_KEY_FN((int)wc);
		if (rc == OK)
			return wc == '\n' || wc == KEY_ENTER ? TUI_KEY_ENTER : (int)wc;
		struct pollfd p[2] = {{.fd = STDIN_FILENO, .events = POLLIN},
		                      {.fd = wake_fds[0], .events = POLLIN}};
		int n = poll(p, 2, -1);
		if (n < 0 && errno != EINTR)
			return TUI_KEY_EOF;
		if (n > 0 && (p[0].revents & (POLLHUP | POLLERR)) && !(p[0].revents & POLLIN))
			return TUI_KEY_EOF;
		if (n > 0 && (p[1].revents & POLLIN)) {
			char buf[64];
			while (read(wake_fds[0], buf, sizeof buf) > 0) {
			}
			if (tui_opts.hooks.poll && tui_opts.hooks.poll())
				tui_data_changed();
			tui_draw_now();
		}
	}
}

/* The next key, from the script or the terminal. */
int tui_read_key(void)
{
	if (script)
		return script_key();
	return terminal_key();
}

/* ------------------------------------------------------------------ */
/* Dispatch */

static int do_search(struct tui_view *view, int direction, bool ask)
{
	struct tui_view_state *st = view->state;
	if (ask) {
		char text[256];
		if (!tui_prompt("/", "", text, sizeof text))
			return TUI_HANDLED;
		free(st->search);
		st->search = strdup(text);
		if (view->ops->search)
			return view->ops->search(view, text) | TUI_HANDLED;
	} else if (view->ops->search) {
		if (direction > 0)
			tui_table_down(view, 1);
		else
			tui_table_up(view, 1);
		return TUI_HANDLED;
	}
	if (!st->lines || !st->search || !st->search[0])
		return TUI_HANDLED;
	long from = st->n_rows ? st->top + st->cursor : 0;
	if (ask)
		from -= direction;
	int found = tui_lines_find(st->lines, (int)from, st->search, direction);
	if (found < 0) {
		tui_message(_("No line matches \"%s\"."), st->search);
		return TUI_HANDLED;
	}
	tui_table_jump(view, found, tui_data_height(view));
	/* Keep the match under the cursor even when the page ends early. */
	for (int i = 0; i < st->n_rows; i++)
		if (atoi(st->rows[i].key) == found)
			st->cursor = i;
	return TUI_HANDLED;
}

static int switch_relative(int step)
{
	struct tui_view *bottom = tui_view_bottom();
	int n = tui_main_count();
	if (n == 0)
		return TUI_HANDLED;
	int at = bottom ? tui_main_index(bottom->ops) : 0;
	if (at < 0)
		at = 0;
	tui_switch_main(tui_main_ops_at(((at + step) % n + n) % n));
	return TUI_HANDLED;
}

/* The generic handler: movement, paging, search, help, screens. */
static int generic_request(struct tui_view *view, int request)
{
	int height = tui_data_height(view);
	switch (request) {
	case TUI_REQ_MOVE_DOWN:
		tui_table_down(view, 1);
		return TUI_HANDLED;
	case TUI_REQ_MOVE_UP:
		tui_table_up(view, 1);
		return TUI_HANDLED;
	case TUI_REQ_PAGE_DOWN:
		tui_table_down(view, height);
		return TUI_HANDLED;
	case TUI_REQ_PAGE_UP:
		tui_table_up(view, height);
		return TUI_HANDLED;
	case TUI_REQ_FIRST:
		tui_table_load_first(view, height);
		return TUI_HANDLED;
	case TUI_REQ_LAST:
		tui_table_load_last(view, height);
		return TUI_HANDLED;
	case TUI_REQ_BACK:
		if (tui_view_depth() > 1) {
			tui_view_pop();
			return TUI_HANDLED;
		}
		return TUI_QUIT;
	case TUI_REQ_CLOSE:
		tui_view_pop();
		return TUI_HANDLED;
	case TUI_REQ_QUIT:
		return TUI_QUIT;
	case TUI_REQ_SEARCH:
		return do_search(view, 1, true);
	case TUI_REQ_FIND_NEXT:
		return do_search(view, 1, false);
	case TUI_REQ_FIND_PREV:
		return do_search(view, -1, false);
	case TUI_REQ_PROMPT: {
		char line[512];
		if (tui_prompt(":", "", line, sizeof line) && line[0])
			tui_run_command(line);
		return TUI_HANDLED;
	}
	case TUI_REQ_HELP:
		tui_view_push("help", view->ops->name);
		return TUI_HANDLED;
	case TUI_REQ_NEXT_VIEW:
		return switch_relative(1);
	case TUI_REQ_PREV_VIEW:
		return switch_relative(-1);
	case TUI_REQ_VIEW_1:
	case TUI_REQ_VIEW_2:
	case TUI_REQ_VIEW_3:
	case TUI_REQ_VIEW_4:
	case TUI_REQ_VIEW_5:
	case TUI_REQ_VIEW_6: {
		const struct tui_view_ops *ops = tui_main_ops_at(request - TUI_REQ_VIEW_1);
		if (ops)
			tui_switch_main(ops);
		return TUI_HANDLED;
	}
	case TUI_REQ_REFRESH: {
		const char *msg = tui_opts.hooks.sync_now ? tui_opts.hooks.sync_now() : NULL;
		if (msg)
			tui_message("%s", msg);
		return TUI_HANDLED;
	}
	case TUI_REQ_REDRAW:
		clearok(curscr, TRUE);
		return TUI_HANDLED;
	case TUI_REQ_BAR_CURSOR:
		tui_opts.bar_cursor = !tui_opts.bar_cursor;
		return TUI_HANDLED;
	case TUI_REQ_SHOW_ROW:
		tui_show_row(view);
		return TUI_HANDLED;
	case TUI_REQ_ENTER:
		/* The pane's "Enter opens it", on a screen whose Enter opens nothing else. */
		if (tui_pane_on && view->ops->detail && view->state->columns)
			tui_show_detail(view);
		return TUI_HANDLED;
	case TUI_REQ_PANE:
		if (!view->ops->detail || !view->state->columns) {
			tui_message("%s", _("This screen has no detail pane."));
			return TUI_HANDLED;
		}
		tui_pane_on = !tui_pane_on;
		tui_pane_forget();
		tui_table_fill(view, tui_data_height(view));
		return TUI_HANDLED;
	default:
		return TUI_PASS;
	}
}

/* Checks a request's needs; returns NULL when it may run, else why not. */
static const char *need_refusal(struct tui_view *view, int request)
{
	const struct tui_req_entry *entry = tui_request_find(view->ops, request);
	if (!entry)
		return NULL;
	if (!tui_need_available(entry->need)) {
		const char *why =
		        tui_opts.hooks.check_need ? tui_opts.hooks.check_need(entry->need) : NULL;
		return why ? why : _("There is no such action here.");
	}
	if ((entry->need & TUI_NEED_SELECTION) && !tui_view_selected_row(view))
		return _("Nothing is selected.");
	if ((entry->need & ~(TUI_NEED_APP - 1)) && tui_opts.hooks.check_need)
		return tui_opts.hooks.check_need(entry->need);
	return NULL;
}

/* For a request this user does not have: puts the app's reason on the
 * status line.  Returns true when there was one. */
static bool hidden_reason(struct tui_view *view, int request)
{
	const struct tui_req_entry *entry = tui_request_find(view->ops, request);
	const char *why = entry && tui_opts.hooks.check_need
	                          ? tui_opts.hooks.check_need(entry->need & ~(TUI_NEED_APP - 1))
	                          : NULL;
	if (why)
		tui_message("%s", why);
	return why != NULL;
}

/* Runs a request on the top view: needs, the view's handler, then the
 * generic one.  Returns the resulting flags. */
static int dispatch(int request)
{
	struct tui_view *view = tui_top_view();
	if (!view)
		return TUI_QUIT;
	const char *refusal = need_refusal(view, request);
	if (refusal) {
		tui_message("%s", refusal);
		return TUI_HANDLED;
	}
	int flags = TUI_PASS;
	if (view->ops->request)
		flags = view->ops->request(view, request);
	if (flags == TUI_PASS)
		flags = generic_request(view, request);
	view = tui_top_view();
	if (flags & (TUI_RELOAD | TUI_REFRESH))
		tui_pane_forget();
	if (view && (flags & TUI_RELOAD)) {
		if (tui_view_stale(view))
			tui_view_refresh(view);
		tui_table_load_first(view, tui_data_height(view));
	} else if (view && (flags & TUI_REFRESH)) {
		tui_view_refresh(view);
	}
	if (flags & TUI_QUIT)
		quit_requested = true;
	return flags;
}

int tui_do_request(int request)
{
	int flags = dispatch(request);
	tui_draw_now();
	return flags;
}

/* Handles a terminal resize: curses already knows the new size. */
static void resized(void)
{
	struct tui_view *view = tui_top_view();
	clear();
	if (view && !tui_too_small())
		tui_table_fill(view, tui_data_height(view));
}

int tui_run_command(const char *line)
{
	while (*line == ' ' || *line == ':')
		line++;
	char name[64];
	size_t n = 0;
	while (line[n] && line[n] != ' ' && n + 1 < sizeof name) {
		name[n] = line[n];
		n++;
	}
	name[n] = '\0';
	const char *arg = line + n;
	while (*arg == ' ')
		arg++;
	struct tui_view *view = tui_top_view();
	if (!strcmp(name, "save-display")) {
		if (!*arg || tui_save_display(arg) < 0) {
			tui_message(_("Could not save the display to \"%s\": %s"), arg,
			            strerror(errno));
			return -1;
		}
		return 0;
	}
	if (!strcmp(name, "resize")) {
		int cols = 0, rows = 0;
		if (sscanf(arg, "%dx%d", &cols, &rows) != 2 || cols < 1 || rows < 1) {
			tui_message("%s", _("Usage: resize COLUMNSxLINES"));
			return -1;
		}
		resizeterm(rows, cols);
		resized();
		return 0;
	}
	if (!strcmp(name, "search") && view) {
		free(view->state->search);
		view->state->search = strdup(arg);
		if (view->ops->search) {
			int flags = view->ops->search(view, arg);
			if (flags & TUI_RELOAD)
				tui_table_load_first(view, tui_data_height(view));
			return 0;
		}
		do_search(view, 1, false);
		return 0;
	}
	if (!strcmp(name, "q") || !strcmp(name, "quit")) {
		quit_requested = true;
		return 0;
	}
	const struct tui_view_ops *ops = tui_find_ops(name);
	/* A view's own request named like a screen wins when no argument is
	 * given (":statement" on Settlements is the selected day's). */
	bool own = false;
	for (size_t i = 0; view && !*arg && i < view->ops->n_requests; i++)
		if (!strcmp(view->ops->requests[i].name, name) &&
		    tui_need_available(view->ops->requests[i].need))
			own = true;
	if (ops && !own && strcmp(name, "help") != 0)
		return tui_view_push(name, *arg ? arg : NULL);
	if (view) {
		int request = tui_request_by_name(view->ops, name, false);
		if (request != TUI_REQ_NONE) {
			dispatch(request);
			return 0;
		}
		/* Not a command for this user: say why rather than "unknown". */
		request = tui_request_by_name(view->ops, name, true);
		if (request != TUI_REQ_NONE && hidden_reason(view, request))
			return 0;
	}
	tui_message(_("Unknown command \"%s\"; press Tab after : to see the commands."), name);
	return -1;
}

/* Candidate `:` commands: screens, the top view's requests, built-ins. */
int tui_command_complete(const char *prefix, char *out, size_t size, char *list, size_t list_size)
{
	const char *names[128];
	int n = 0;
	static const char *const builtins[] = {"save-display", "search", "quit"};
	size_t n_registry;
	const struct tui_view_ops *const *registry = tui_registry(&n_registry);
	for (size_t i = 0; i < n_registry && n < 128; i++)
		names[n++] = registry[i]->name;
	struct tui_view *view = tui_top_view();
	for (size_t i = 0; view && i < view->ops->n_requests && n < 128; i++)
		if (tui_need_available(view->ops->requests[i].need))
			names[n++] = view->ops->requests[i].name;
	size_t n_generic;
	const struct tui_req_entry *generic = tui_generic_requests(&n_generic);
	for (size_t i = 0; i < n_generic && n < 128; i++)
		names[n++] = generic[i].name;
	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0] && n < 128; i++)
		names[n++] = builtins[i];

	size_t plen = strlen(prefix);
	int matches = 0;
	size_t common = 0;
	size_t used = 0;
	if (list_size)
		list[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (strncmp(names[i], prefix, plen))
			continue;
		if (matches == 0) {
			snprintf(out, size, "%s", names[i]);
			common = strlen(out);
		} else {
			size_t k = 0;
			while (k < common && out[k] == names[i][k])
				k++;
			common = k;
			out[common] = '\0';
		}
		int w = snprintf(list + used, list_size - used, "%s%s", matches ? " " : "",
		                 names[i]);
		if (w > 0 && (size_t)w < list_size - used)
			used += (size_t)w;
		matches++;
	}
	if (matches == 0)
		snprintf(out, size, "%s", prefix);
	return matches;
}

/* ------------------------------------------------------------------ */
/* Set-up, main loop, teardown */

int tui_init(const struct tui_options *options)
{
	tui_opts = *options;
	tui_message_text[0] = '\0';
	script_n = script_pos = script_line = script_failures = 0;
	script_has_command = false;
	if (pipe2(wake_fds, O_NONBLOCK | O_CLOEXEC) < 0) {
		fprintf(stderr, _("Could not create a pipe: %s\n"), strerror(errno));
		return -1;
	}
	const char *term = getenv("TERM");
	if (!term || !*term)
		term = "xterm";
	if (tui_opts.script) {
		script = fopen(tui_opts.script, "r");
		if (!script) {
			fprintf(stderr, _("Could not open the script \"%s\": %s\n"),
			        tui_opts.script, strerror(errno));
			return -1;
		}
		term_out = fopen("/dev/null", "w");
		/* Both ends of a headless terminal are the null device. */
		/* cppcheck-suppress incompatibleFileOpen */
		term_in = fopen("/dev/null", "r");
		if (!term_out || !term_in) {
			fprintf(stderr, _("Could not open /dev/null: %s\n"), strerror(errno));
			return -1;
		}
		screen = newterm(term, term_out, term_in);
	} else {
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			fprintf(stderr, "%s\n",
			        _("paydesk needs a terminal; for scripts use --script FILE."));
			return -1;
		}
		/* Before newterm, so that curses keeps these handlers. */
		stop_signal = 0;
		stop_signals(on_stop_signal);
		screen = newterm(NULL, stdout, stdin);
	}
	if (!screen) {
		fprintf(stderr,
		        _("The terminal type \"%s\" is unknown; set TERM (e.g. "
		          "TERM=xterm-256color).\n"),
		        term);
		return -1;
	}
	initialised = true;
	set_term(screen);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	idlok(stdscr, TRUE);
	scrollok(stdscr, FALSE);
	/* The cursor is hidden: leave it where the last change was rather
	 * than spend bytes moving it after every update. */
	leaveok(stdscr, TRUE);
	curs_set(0);
	tui_init_colors();
	return 0;
}

static bool suspended;

void tui_suspend(void)
{
	if (!initialised || suspended)
		return;
	suspended = true;
	def_prog_mode();
	endwin();
	if (term_out)
		fflush(term_out);
}

void tui_resume(void)
{
	if (!initialised || !suspended)
		return;
	suspended = false;
	reset_prog_mode();
	/* The other program drew over the screen: curses' idea of it is
	 * stale, so the next update rewrites every cell. */
	clearok(curscr, TRUE);
	tui_draw_now();
}

int tui_run(const char *first)
{
	quit_requested = false;
	if (tui_view_push(first, NULL) < 0 && tui_view_depth() == 0) {
		if (tui_main_count() > 0)
			tui_switch_main(tui_main_ops_at(0));
		if (tui_view_depth() == 0)
			return 1;
	}
	tui_draw_now();
	while (!quit_requested) {
		int key = tui_read_key();
		if (key == TUI_KEY_EOF)
			break;
		tui_message_text[0] = '\0';
		if (key == TUI_KEY_FN(KEY_RESIZE)) {
			resized();
			tui_draw_now();
			continue;
		}
		if (tui_too_small()) {
			if (key == 'q' || key == 'Q')
				break;
			tui_draw_now();
			continue;
		}
		struct tui_view *view = tui_top_view();
		int request = tui_keymap_lookup(view->ops, key);
		if (request == TUI_REQ_NONE) {
			int hidden = tui_keymap_hidden(view->ops, key);
			if (hidden == TUI_REQ_NONE || !hidden_reason(view, hidden)) {
				char name[32];
				tui_key_name(key, name, sizeof name);
				tui_message(_("The key %s does nothing here; press ? for help."),
				            name);
			}
		} else {
			dispatch(request);
		}
		if (tui_view_depth() == 0)
			break;
		tui_draw_now();
	}
	return script_failures ? 1 : 0;
}

void tui_exit(void)
{
	if (!initialised)
		return;
	initialised = false;
	suspended = false;
	tui_views_free();
	tui_pane_forget();
	tui_pane_on = false;
	endwin();
	delscreen(screen);
	screen = NULL;
	if (term_out)
		fclose(term_out);
	if (term_in)
		fclose(term_in);
	term_out = term_in = NULL;
	if (script)
		fclose(script);
	else
		stop_signals(SIG_DFL);
	script = NULL;
	for (int i = 0; i < 2; i++) {
		if (wake_fds[i] >= 0)
			close(wake_fds[i]);
		wake_fds[i] = -1;
	}
	tui_keymaps_free();
}

int tui_screen_columns(void)
{
	return initialised && COLS > 0 ? COLS : 80;
}

bool tui_utf8(void)
{
	const char *codeset = nl_langinfo(CODESET);
	return codeset && strcmp(codeset, "UTF-8") == 0;
}
