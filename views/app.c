/* The terminal back office: profile, cache, screens, background sync and
 * the demo's throwaway sandbox. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "client/client.h"
#include "client/profile.h"
#include "views/actions_ui.h"
#include "views/app.h"
#include "views/sync_worker.h"
#include "views/views.h"

/* The demo's sandbox and throwaway directory. */
struct demo {
	pid_t pid;
	int out_fd; /* the sandbox's stdout, open while it runs */
	char dir[256];
	char url[64];
	char merchant[300]; /* a signing platform's merchant files */
};

/* Finds the paydesk-sandbox program: $PAYDESK_SANDBOX, next to this
 * program, else on PATH.  Writes the path into buf. */
static void sandbox_path(char *buf, size_t size)
{
	const char *env = getenv("PAYDESK_SANDBOX");
	if (env && *env) {
		snprintf(buf, size, "%s", env);
		return;
	}
	char self[1024];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash && (size_t)(slash - self) + sizeof "/paydesk-sandbox" <= size) {
			memcpy(slash + 1, "paydesk-sandbox", sizeof "paydesk-sandbox");
			snprintf(buf, size, "%.*s", (int)(size - 1), self);
			if (access(buf, X_OK) == 0)
				return;
		}
	}
	snprintf(buf, size, "paydesk-sandbox");
}

/* Runs paydesk-sandbox --platform P --init-merchant DIR to the end: a signing platform's
 * demo merchant. Returns 0, or -1 with a message on stderr. */
static int demo_merchant(const char *program, const char *platform, const char *dir)
{
	pid_t pid = fork();
	if (pid < 0) {
		cli_error(_("could not start the demo sandbox: %s"), strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		if (devnull < 0 || dup2(devnull, STDOUT_FILENO) < 0 ||
		    dup2(devnull, STDERR_FILENO) < 0)
			_exit(127);
		execlp(program, program, "--platform", platform, "--init-merchant", dir,
		       (char *)NULL);
		_exit(127);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		cli_error(_("the demo sandbox could not make a %s merchant (%s)"), platform,
		          program);
		return -1;
	}
	return 0;
}

/* Starts a seeded sandbox of the platform on a free loopback port in a new temporary
 * directory.  Returns 0, or -1 with a message on stderr. */
static int demo_start(struct demo *d, const char *platform)
{
	memset(d, 0, sizeof *d);
	d->out_fd = -1;
	const char *tmp = getenv("TMPDIR");
	snprintf(d->dir, sizeof d->dir, "%s/paydesk-demo.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(d->dir)) {
		cli_error(_("could not create a directory for the demo: %s"), strerror(errno));
		return -1;
	}
	char program[1024], db[300];
	sandbox_path(program, sizeof program);
	snprintf(db, sizeof db, "%s/sandbox.db", d->dir);
	snprintf(d->merchant, sizeof d->merchant, "%s/merchant", d->dir);
	bool signing = strcmp(platform, "stripe") != 0;
	if (signing && demo_merchant(program, platform, d->merchant) != 0)
		return -1;
	int out[2];
	if (pipe(out) < 0) {
		cli_error(_("could not start the demo sandbox: %s"), strerror(errno));
		return -1;
	}
	char *argv[] = {program, "--port",   "0",    "--db",   db,   "--seed",
	                "7",     "--orders", "3000", "--days", "90", "--quiet",
	                NULL,    NULL,       NULL,   NULL,     NULL};
	if (signing) {
		argv[12] = "--platform";
		argv[13] = (char *)platform;
		argv[14] = "--merchant";
		argv[15] = d->merchant;
	}
	pid_t parent = getpid();
	d->pid = fork();
	if (d->pid < 0) {
		close(out[0]);
		close(out[1]);
		cli_error(_("could not start the demo sandbox: %s"), strerror(errno));
		d->pid = 0;
		return -1;
	}
	if (d->pid == 0) {
		/* The sandbox goes with paydesk, however paydesk ends. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(127);
		int devnull = open("/dev/null", O_WRONLY);
		if (dup2(out[1], STDOUT_FILENO) < 0 || devnull < 0 ||
		    dup2(devnull, STDERR_FILENO) < 0)
			_exit(127);
		close(out[0]);
		close(out[1]);
		execvp(program, argv);
		_exit(127);
	}
	close(out[1]);
	char line[32];
	size_t len = 0;
	/* The first line is the port; the sandbox prints it once listening. */
	while (len + 1 < sizeof line) {
		ssize_t n = read(out[0], line + len, 1);
		if (n <= 0 || line[len] == '\n')
			break;
		len++;
	}
	line[len] = '\0';
	/* Kept open: a later line from the sandbox must not kill it. */
	d->out_fd = out[0];
	int port = atoi(line);
	if (port <= 0 || port > 65535) {
		cli_error(_("the demo sandbox did not start (%s); is paydesk-sandbox built?"),
		          program);
		return -1;
	}
	snprintf(d->url, sizeof d->url, "http://127.0.0.1:%d", port);
	return 0;
}

/* Removes a directory of files and directories that the demo made (its merchant's keys). */
static void remove_tree(const char *dir)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return;
	struct dirent *e;
	while ((e = readdir(dp))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			remove_tree(path);
		else
			unlink(path);
	}
	closedir(dp);
	rmdir(dir);
}

/* Stops the sandbox and removes the demo's files. */
static void demo_stop(struct demo *d)
{
	if (d->pid > 0) {
		kill(d->pid, SIGTERM);
		waitpid(d->pid, NULL, 0);
		d->pid = 0;
	}
	if (d->out_fd >= 0) {
		close(d->out_fd);
		d->out_fd = -1;
	}
	if (d->dir[0]) {
		/* Statements printed or exported in the demo (views/statement_view.c). */
		char saved[300];
		snprintf(saved, sizeof saved, "%s/statements", d->dir);
		remove_tree(saved);
		const char *names[] = {"sandbox.db",
		                       "sandbox.db-wal",
		                       "sandbox.db-shm",
		                       "cache.db",
		                       "cache.db-wal",
		                       "cache.db-shm",
		                       "cache.db.wechatpay-certificates"};
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
			char path[400];
			snprintf(path, sizeof path, "%s/%s", d->dir, names[i]);
			unlink(path);
		}
		remove_tree(d->merchant);
		rmdir(d->dir);
		d->dir[0] = '\0';
	}
}

/* ---- Hooks the framework calls ---- */

static struct sync_worker *worker;

/* "how old the data is", in words. */
static void data_age(char *buf, size_t size)
{
	time_t last = query_last_sync(views_app.query);
	if (last <= 0) {
		snprintf(buf, size, "%s", _("never synced"));
		return;
	}
	long age = (long)(paydesk_now() - last);
	if (age < 60)
		snprintf(buf, size, "%s", _("synced just now"));
	else if (age < 3600)
		snprintf(buf, size, _("synced %ld min ago"), age / 60);
	else if (age < 86400 * 2)
		snprintf(buf, size, _("synced %ld h ago"), age / 3600);
	else
		snprintf(buf, size, _("synced %ld days ago"), age / 86400);
}

static void hook_status(char *buf, size_t size)
{
	char age[64], progress[128] = "";
	data_age(age, sizeof age);
	const char *state;
	if (views_app.offline)
		state = _("offline");
	else if (worker && sync_worker_progress(worker, progress, sizeof progress))
		state = progress;
	else if (worker && sync_worker_unreachable(worker))
		state = _("offline (platform unreachable)");
	else
		state = _("online");
	/* A platform whose history is daily bills: how far they reach (today's orders come
	 * from point queries until tomorrow's bill). */
	char reach[64] = "";
	const struct provider_platform *pl = views_app.platform;
	if (pl && pl->history == PROVIDER_HISTORY_BILLS) {
		char day[16];
		if (query_bills_through(views_app.query, day, sizeof day) > 0)
			snprintf(reach, sizeof reach, _("  bills to %s"), day + 5);
		else
			snprintf(reach, sizeof reach, "  %s", _("no bills yet"));
	}
	snprintf(buf, size, "%s  %s  %s  %s%s", views_app.profile ? views_app.profile : "",
	         views_app.live ? _("LIVE") : _("test"), state, age, reach);
}

static const char *hook_check_need(unsigned need)
{
	if ((need & VIEWS_NEED_ONLINE) && views_app.offline)
		return _("This needs the platform, and paydesk is offline.");
	return actions_ui_check_need(need);
}

/* Milliseconds on a clock that never jumps. */
static int64_t monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* New data from the sync reloads the screen (and recounts its rows) at
 * most once a second while the sync runs, and once more when it ends: a
 * large backfill commits many pages a second, and recounting a million
 * orders for each would make the keys wait. */
static bool hook_poll(void)
{
	static bool pending;
	static int64_t last_reload;
	if (!worker)
		return false;
	if (sync_worker_poll(worker))
		pending = true;
	if (!pending)
		return false;
	int64_t now = monotonic_ms();
	if (sync_worker_busy(worker) && now - last_reload < 1000)
		return false;
	pending = false;
	last_reload = now;
	views_data_changed();
	return true;
}

static bool hook_busy(void)
{
	return worker && sync_worker_busy(worker);
}

static const char *hook_sync_now(void)
{
	if (views_app.offline || !worker)
		return _("Offline: paydesk was started with --offline; nothing is fetched.");
	if (sync_worker_busy(worker))
		return _("A sync is already running.");
	if (sync_worker_start(worker) < 0)
		return _("The sync could not start; see the status line.");
	return _("Syncing...");
}

/* ---- The program ---- */

/* Whether a screen belongs to the profile's platform: the Disputes screens to one whose
 * disputes are chargebacks answered with evidence, the Complaints screens to one whose
 * disputes are consumer complaints answered in words. */
static bool view_applies(const struct tui_view_ops *ops)
{
	const struct provider_platform *pl = views_app.platform;
	bool complaints = pl && (pl->actions & PROVIDER_ACT_REPLY);
	if (!strcmp(ops->name, "disputes") || !strcmp(ops->name, "dispute") ||
	    !strcmp(ops->name, "evidence"))
		return !complaints;
	if (!strcmp(ops->name, "complaints") || !strcmp(ops->name, "complaint"))
		return complaints;
	return true;
}

static int register_views(void)
{
#define VIEWS_REGISTER_(id)                                                                        \
	if (view_applies(&view_##id##_ops) && tui_register_view(&view_##id##_ops) < 0)             \
		return -1;
	VIEWS_LIST(VIEWS_REGISTER_)
#undef VIEWS_REGISTER_
	return 0;
}

int app_run(const struct cli_globals *globals)
{
	struct profile profile;
	struct demo demo = {.out_fd = -1};
	char err[512];
	int status = EXIT_FAILED;

	if (globals->demo) {
		char cache[400];
		const char *platform = globals->platform ? globals->platform : "stripe";
		if (demo_start(&demo, platform) < 0) {
			demo_stop(&demo);
			return EXIT_FAILED;
		}
		snprintf(cache, sizeof cache, "%s/cache.db", demo.dir);
		if (profile_demo_platform(platform, demo.url, demo.merchant, cache, &profile, err,
		                          sizeof err) < 0) {
			cli_error("%s", err);
			demo_stop(&demo);
			return EXIT_FAILED;
		}
	} else if (profile_load(globals->profile, &profile, err, sizeof err) < 0) {
		cli_error("%s", err);
		return EXIT_FAILED;
	}
	if (profile.timezone[0]) {
		setenv("TZ", profile.timezone, 1);
		tzset();
	}

	memset(&views_app, 0, sizeof views_app);
	views_app.platform = provider_platform_find(profile.platform);
	views_app.profile = globals->demo ? _("demo") : profile.name;
	views_app.live =
	        !strncmp(profile.key, "sk_live_", 8) || !strncmp(profile.key, "rk_live_", 8);
	views_app.offline = globals->offline;
	views_app.demo = globals->demo;
	views_app.demo_dir = globals->demo ? demo.dir : NULL;

	/* The cache exists (created empty if new) before the screens open, so
	 * they show at once whatever it holds. */
	char notice[1400] = "";
	if (sync_worker_prepare_cache(&profile, notice, sizeof notice, err, sizeof err) < 0) {
		cli_error("%s", err);
		goto out;
	}
	views_app.query = query_open(profile.cache_path, err, sizeof err);
	if (!views_app.query) {
		cli_error("%s", err);
		goto out;
	}
	if (actions_ui_open(&profile, globals->offline, err, sizeof err) < 0) {
		cli_error("%s", err);
		goto out;
	}
	if (!globals->offline) {
		worker = sync_worker_new(&profile, err, sizeof err);
		if (!worker) {
			cli_error("%s", err);
			goto out;
		}
	}
	if (register_views() < 0) {
		cli_error("%s", _("the screens could not be registered"));
		goto out;
	}
	struct tui_options options = {
	        .script = globals->script,
	        .program = PACKAGE_NAME,
	        /* The reverse-video bar costs more bytes per line scrolled than
	         * the arrow: PAYDESK_BAR_CURSOR=1 (also :bar-cursor). */
	        .bar_cursor = getenv("PAYDESK_BAR_CURSOR") && *getenv("PAYDESK_BAR_CURSOR") &&
	                      strcmp(getenv("PAYDESK_BAR_CURSOR"), "0") != 0,
	        .hooks = {hook_status, hook_check_need, hook_poll, hook_busy, hook_sync_now,
	                  actions_ui_available},
	};
	if (tui_init(&options) < 0) {
		tui_exit();
		goto out;
	}
	if (worker)
		sync_worker_attach(worker, tui_wakeup_fd());
	if (notice[0])
		tui_message("%s", notice);
	else
		actions_ui_announce();
	if (worker && sync_worker_start(worker) < 0)
		tui_message("%s", _("The background sync could not start; press r to retry."));
	status = tui_run("orders") == 0 ? EXIT_OK : EXIT_FAILED;
	/* Stop the sync before the screens go: it may still be writing. */
	sync_worker_free(&worker);
	tui_exit();
out:
	sync_worker_free(&worker);
	query_close(&views_app.query);
	actions_ui_close();
	profile_clear(&profile);
	if (globals->demo)
		demo_stop(&demo);
	return status;
}
