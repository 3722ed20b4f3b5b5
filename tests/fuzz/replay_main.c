/* A main() for the fuzz harnesses without libFuzzer: feeds each file named, or each file
 * under each directory named, to LLVMFuzzerTestOneInput once, and prints TAP, one line per
 * argument. A harness that finds a problem aborts, which fails the run. */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/fuzz/fuzz.h"

/* Reads a whole file into a new buffer; NULL on failure. */
static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	uint8_t *buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		uint8_t *bigger = cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap * 2);
		if (!bigger) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = bigger;
		cap *= 2;
	}
	if (buf && ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* Runs one file; -1 when it cannot be read. */
static int run_file(const char *path)
{
	size_t len = 0;
	uint8_t *data = slurp(path, &len);
	if (!data) {
		fprintf(stderr, "%s: cannot read\n", path);
		return -1;
	}
	/* the exact length, as libFuzzer gives it, so an overread is seen */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact) {
		free(data);
		return -1;
	}
	memcpy(exact, data, len);
	free(data);
	fprintf(stderr, "# %s\n", path);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

/* Runs every regular file under dir (recursively); the number run, or -1. */
static long run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	long count = 0;
	const struct dirent *e;
	while (count >= 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		size_t n = strlen(dir) + strlen(e->d_name) + 2;
		char *path = malloc(n);
		if (!path) {
			count = -1;
			break;
		}
		snprintf(path, n, "%s/%s", dir, e->d_name);
		struct stat st;
		if (stat(path, &st) != 0) {
			count = -1;
		} else if (S_ISDIR(st.st_mode)) {
			long sub = run_dir(path);
			count = sub < 0 ? -1 : count + sub;
		} else if (S_ISREG(st.st_mode)) {
			count = run_file(path) == 0 ? count + 1 : -1;
		}
		free(path);
	}
	closedir(d);
	return count;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS-DIR-OR-FILE...\n", argv[0]);
		return 2;
	}
	int failed = 0;
	printf("1..%d\n", argc - 1);
	for (int i = 1; i < argc; i++) {
		struct stat st;
		long n = -1;
		if (stat(argv[i], &st) == 0)
			n = S_ISDIR(st.st_mode)      ? run_dir(argv[i])
			    : run_file(argv[i]) == 0 ? 1
			                             : -1;
		if (n <= 0) {
			printf("not ok %d - %s (%s)\n", i, argv[i],
			       n == 0 ? "no inputs" : "unreadable");
			failed = 1;
		} else {
			printf("ok %d - %s (%ld inputs)\n", i, argv[i], n);
		}
		fflush(stdout);
	}
	return failed;
}
