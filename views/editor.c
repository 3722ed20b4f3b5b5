/* Long texts edited in the user's editor ($VISUAL, $EDITOR, else vi), with the terminal
 * given back to it: dispute evidence, answers to complaints. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client/client.h"
#include "client/lines.h"
#include "views/views.h"

/* Runs $PAYDESK_EDITOR on a file with the terminal given back to it. Returns the exit
 * status, or -1 when it could not run. */
static int run_editor(const char *path)
{
	tui_suspend();
	pid_t pid = fork();
	if (pid == 0) {
		/* The editor variable may hold arguments ("emacs -nw"): the shell splits it;
		 * the file is passed as a separate argument, never pasted into the command. */
		execl("/bin/sh", "sh", "-c", "exec $PAYDESK_EDITOR \"$1\"", "sh", path,
		      (char *)NULL);
		_exit(127);
	}
	int status = -1;
	if (pid > 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
		}
	}
	tui_resume();
	if (pid < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Edits a long text in the editor. Returns true and a new string in *out (caller frees). */
bool views_edit_text(const char *current, char **out)
{
	const char *tmp = getenv("TMPDIR");
	char name[512];
	snprintf(name, sizeof name, "%s/paydesk-edit-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(name);
	if (fd < 0) {
		tui_message(_("The editor's file could not be created: %s"), strerror(errno));
		return false;
	}
	/* The text may be the platform's: the editor shows it on the terminal, so it goes
	 * through the sanitizer (line breaks kept). */
	char *clean = tui_sanitize_dup(current, TUI_SANITIZE_MULTILINE);
	size_t len = clean ? strlen(clean) : 0;
	bool ok = clean && write(fd, clean, len) == (ssize_t)len;
	free(clean);
	close(fd);
	const char *editor = getenv("VISUAL");
	if (!editor || !*editor)
		editor = getenv("EDITOR");
	setenv("PAYDESK_EDITOR", editor && *editor ? editor : "vi", 1);
	if (ok && run_editor(name) != 0) {
		tui_message("%s", _("The editor failed; nothing was changed."));
		ok = false;
	} else if (!ok) {
		tui_message("%s", _("The editor's file could not be written."));
	}
	char *text = NULL;
	size_t text_len = 0;
	if (ok) {
		FILE *f = fopen(name, "rb");
		if (f) {
			struct stat st;
			if (fstat(fileno(f), &st) == 0 && st.st_size >= 0 && st.st_size < 150000) {
				text_len = (size_t)st.st_size;
				text = calloc(1, text_len + 1);
				if (text && fread(text, 1, text_len, f) != text_len) {
					free(text);
					text = NULL;
				}
			}
			fclose(f);
		}
		if (!text)
			tui_message("%s", _("The edited text could not be read back (150,000 "
			                    "characters at most)."));
	}
	char why[200];
	if (text && views_editor_text(text, text_len, why, sizeof why) != 0) {
		/* Nothing the user wrote is lost: the file stays for them to mend. */
		tui_message(_("The edited text was not taken: %s. It is kept in %s; save it as "
		              "UTF-8 and edit again."),
		            why, name);
		free(text);
		return false;
	}
	unlink(name);
	if (!text)
		return false;
	*out = text;
	return true;
}

int views_editor_text(char *text, size_t len, char *why, size_t why_size)
{
	size_t bad = lines_text_end(text, len);
	if (bad < len) {
		int line = 1;
		for (size_t i = 0; i < bad; i++)
			line += text[i] == '\n';
		if (text[bad] == '\0')
			snprintf(why, why_size, _("line %d holds a NUL byte"), line);
		else
			snprintf(why, why_size,
			         _("line %d holds a byte that is not UTF-8 (0x%02x)"), line,
			         (unsigned char)text[bad]);
		return -1;
	}
	/* Editors end files with a newline the platform does not need. */
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		text[--len] = '\0';
	return 0;
}
