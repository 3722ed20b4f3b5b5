/* Measures paydesk-sandbox: seed time for N orders, peak memory while seeding and while
 * serving the seeded store, and objects served per second for list pages of 100 on one
 * loopback connection, and the cost of a page at each depth of a created window (a
 * backfill's pattern). Prints the figures; asserts nothing.
 *
 * Usage: sandbox_bench [--orders N] [--pages P] [--sandbox PATH]
 * (defaults: 1000000 orders, every page of the charge list, $PAYDESK_SANDBOX or
 * ./paydesk-sandbox) */
#include "config.h"

#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Starts the sandbox on the store `db`; returns its pid and writes the port. */
static pid_t start(const char *bin, const char *db, const char *orders, int *port)
{
	int fds[2];
	pid_t pid;
	char line[32];
	FILE *f;

	if (pipe(fds) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execl(bin, bin, "--port", "0", "--quiet", "--db", db, "--orders", orders, "--days",
		      "365", "--seed", "1", "--now", "1767225600", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (pid < 0 || f == NULL || fgets(line, sizeof(line), f) == NULL) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	*port = atoi(line);
	return pid;
}

/* Sends SIGTERM and returns the peak RSS in KiB the kernel recorded for the process. */
static long stop(pid_t pid)
{
	int st;
	struct rusage ru;

	kill(pid, SIGTERM);
	if (wait4(pid, &st, 0, &ru) < 0)
		return -1;
	return ru.ru_maxrss;
}

/* Reads one "Name:   N kB" line of /proc/PID/status; -1 when absent. */
static long proc_status_kb(pid_t pid, const char *name)
{
	char path[64], line[256];
	FILE *f;
	long kb = -1;
	size_t n = strlen(name);

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, name, n) == 0 && line[n] == ':')
			kb = atol(line + n + 1);
	fclose(f);
	return kb;
}

struct page {
	char *p;
	size_t n, cap;
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct page *pg = ud;
	size_t add = size * nmemb;

	if (pg->n + add + 1 > pg->cap) {
		size_t cap = pg->cap ? pg->cap * 2 : 1 << 20;
		char *np;

		while (cap < pg->n + add + 1)
			cap *= 2;
		np = realloc(pg->p, cap);
		if (np == NULL)
			return 0;
		pg->p = np;
		pg->cap = cap;
	}
	memcpy(pg->p + pg->n, ptr, add);
	pg->n += add;
	pg->p[pg->n] = '\0';
	return add;
}

/* The milliseconds each page took, in order, of the last walk. */
static double *page_ms;
static long n_page_ms;

static long walk_window(int port, const char *path, const char *window, const char *kind,
                        long max_pages, double *secs, double *bytes);

/* Walks `path` newest-first with pages of 100 over one connection, counting objects by
 * their `"object":"<kind>"` member (rendered once per top-level object). Returns the
 * object count; *secs gets the elapsed time, *bytes the bytes received. */
static long walk(int port, const char *path, const char *kind, long max_pages, double *secs,
                 double *bytes)
{
	return walk_window(port, path, "", kind, max_pages, secs, bytes);
}

/* The mean of page_ms[from..from+n), clipped to the walk. */
static double mean_ms(long from, long n)
{
	double sum = 0;
	long k = 0;

	for (long i = from < 0 ? 0 : from; i < from + n && i < n_page_ms; i++, k++)
		sum += page_ms[i];
	return k ? sum / (double)k : 0;
}

/* As walk, with the query `window` (e.g. created[gte]=A&created[lt]=B&) on every page. */
static long walk_window(int port, const char *path, const char *window, const char *kind,
                        long max_pages, double *secs, double *bytes)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hdr =
	        curl_slist_append(NULL, "Authorization: Bearer sk_test_bench00000001");
	struct page pg = {NULL, 0, 0};
	char url[512], marker[64], last[64] = "";
	long objects = 0, pages = 0;
	double t0 = now_s();

	n_page_ms = 0;
	snprintf(marker, sizeof(marker), "\"object\":\"%s\"", kind);
	*bytes = 0;
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &pg);
	while (max_pages <= 0 || pages < max_pages) {
		const char *p;
		const char *idp;
		long n = 0;

		if (last[0])
			snprintf(url, sizeof(url),
			         "http://127.0.0.1:%d%s?%slimit=100&starting_after=%s", port, path,
			         window, last);
		else
			snprintf(url, sizeof(url), "http://127.0.0.1:%d%s?%slimit=100", port, path,
			         window);
		curl_easy_setopt(h, CURLOPT_URL, url);
		pg.n = 0;
		double p0 = now_s();
		if (curl_easy_perform(h) != CURLE_OK || pg.p == NULL)
			break;
		if (pages % 1024 == 0) {
			double *np = realloc(page_ms, (size_t)(pages + 1024) * sizeof *np);
			if (np == NULL)
				break;
			page_ms = np;
		}
		page_ms[pages] = (now_s() - p0) * 1e3;
		n_page_ms = pages + 1;
		*bytes += (double)pg.n;
		/* Each object starts {"id":"...","object":"<kind>"; the last one is the cursor. */
		idp = NULL;
		for (p = strstr(pg.p, marker); p; p = strstr(p + 1, marker)) {
			n++;
			idp = p;
		}
		if (n == 0 || idp == NULL)
			break;
		/* The id precedes the marker: ..."id":"xx_...","object":... */
		{
			const char *q = idp - 2; /* the closing quote of the id */
			const char *s = q;

			while (s > pg.p && *(s - 1) != '"')
				s--;
			snprintf(last, sizeof(last), "%.*s", (int)(q - s), s);
		}
		objects += n;
		pages++;
		/* has_more sits near the end of the page. */
		if (strstr(pg.n > 200 ? pg.p + pg.n - 200 : pg.p, "\"has_more\":true") == NULL)
			break;
	}
	*secs = now_s() - t0;
	free(pg.p);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	return objects;
}

int main(int argc, char **argv)
{
	const char *bin = getenv("PAYDESK_SANDBOX");
	const char *orders = "1000000";
	long pages = 0;
	char dir[] = "/tmp/sandbox-bench-XXXXXX";
	char db[128], f[160];
	double t0, seed_s, secs, bytes;
	int port;
	pid_t pid;
	long rss_seed, rss_serve, n, n_charges;
	int i;

	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--orders") == 0)
			orders = argv[i + 1];
		else if (strcmp(argv[i], "--pages") == 0)
			pages = atol(argv[i + 1]);
		else if (strcmp(argv[i], "--sandbox") == 0)
			bin = argv[i + 1];
	}
	if (bin == NULL)
		bin = "./paydesk-sandbox";
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(db, sizeof(db), "%s/bench.db", dir);
	curl_global_init(CURL_GLOBAL_DEFAULT);

	t0 = now_s();
	pid = start(bin, db, orders, &port);
	seed_s = now_s() - t0;
	if (pid < 0) {
		fprintf(stderr, "sandbox_bench: cannot start %s\n", bin);
		return 1;
	}
	rss_seed = stop(pid);
	printf("seed: %s orders in %.2f s (start to first line, indices included); peak RSS %.1f "
	       "MiB\n",
	       orders, seed_s, (double)rss_seed / 1024.0);

	pid = start(bin, db, orders, &port);
	if (pid < 0) {
		fprintf(stderr, "sandbox_bench: cannot restart %s\n", bin);
		return 1;
	}
	n = walk(port, "/v1/charges", "charge", pages, &secs, &bytes);
	n_charges = n;
	printf("charges: %ld objects in %.2f s = %.0f objects/s (%.1f MB/s, pages of 100, one "
	       "connection)\n",
	       n, secs, (double)n / secs, bytes / secs / 1e6);
	{
		/* The same list through a created window (as a backfill pages it), every page:
		 * a page must cost the same at any depth of the window. */
		char window[96];
		long n_pages;

		snprintf(window, sizeof(window), "created%%5Bgte%%5D=0&created%%5Blt%%5D=%d&",
		         1767225600 + 86400);
		n = walk_window(port, "/v1/charges", window, "charge", pages, &secs, &bytes);
		n_pages = n_page_ms;
		printf("charges in a created window: %ld objects in %.2f s = %.0f objects/s; "
		       "ms per page: first ten %.2f, ten halfway %.2f, last ten %.2f\n",
		       n, secs, (double)n / secs, mean_ms(0, 10), mean_ms(n_pages / 2 - 5, 10),
		       mean_ms(n_pages - 10, 10));
	}
	{
		/* Two clients at once, each walking the whole list on its connection: reads run
		 * side by side, each on its own connection to the store. */
		pid_t kids[2];
		double w0 = now_s();

		for (int k = 0; k < 2; k++) {
			kids[k] = fork();
			if (kids[k] == 0) {
				long got =
				        walk(port, "/v1/charges", "charge", pages, &secs, &bytes);
				_exit(got > 0 ? 0 : 1);
			}
		}
		int ok = 1;
		for (int k = 0; k < 2; k++) {
			int st;
			ok &= kids[k] > 0 && waitpid(kids[k], &st, 0) == kids[k] && WIFEXITED(st) &&
			      WEXITSTATUS(st) == 0;
		}
		secs = now_s() - w0;
		printf("charges, two connections at once: %ld objects in %.2f s = %.0f "
		       "objects/s%s\n",
		       2 * n_charges, secs, 2.0 * (double)n_charges / secs,
		       ok ? "" : " (a walk failed)");
	}
	n = walk(port, "/v1/balance_transactions", "balance_transaction", pages > 0 ? pages : 2000,
	         &secs, &bytes);
	printf("balance_transactions: %ld objects in %.2f s = %.0f objects/s\n", n, secs,
	       (double)n / secs);
	n = walk(port, "/v1/refunds", "refund", pages > 0 ? pages : 200, &secs, &bytes);
	printf("refunds: %ld objects in %.2f s = %.0f objects/s\n", n, secs, (double)n / secs);
	rss_serve = proc_status_kb(pid, "VmHWM");
	{
		long anon = proc_status_kb(pid, "RssAnon");
		long file = proc_status_kb(pid, "RssFile");

		stop(pid);
		printf("serving the %s-order store: peak RSS %.1f MiB (at the end %.1f MiB private "
		       "+ %.1f MiB of the memory-mapped store file)\n",
		       orders, (double)rss_serve / 1024.0, (double)anon / 1024.0,
		       (double)file / 1024.0);
	}
	free(page_ms);
	unlink(db);
	snprintf(f, sizeof(f), "%s-wal", db);
	unlink(f);
	snprintf(f, sizeof(f), "%s-shm", db);
	unlink(f);
	rmdir(dir);
	curl_global_cleanup();
	return 0;
}
