/* Shared by the fuzz harnesses: the libFuzzer entry point each one defines, and the copies
 * of the input that let AddressSanitizer see a read past the end of what a reader was
 * given: a C string of exactly size + 1 bytes for a reader of C strings, exactly size bytes
 * for one that is given a length. */
#ifndef PAYDESK_TESTS_FUZZ_H
#define PAYDESK_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A rule of the reader broken: says which (file, line, the rule) and aborts, which is how
 * libFuzzer and the replay see a finding. */
#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond);                 \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* A new private folder under $TMPDIR (or /tmp) into dir. */
static inline void fuzz_private_dir(char *dir, size_t size)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, size, "%s/paydesk-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	CHECK(mkdtemp(dir));
}

/* Removes an SQLite file and the files beside it, then its folder dir. */
static inline void fuzz_remove_db(const char *path, const char *dir)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	char p[512];
	for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
		snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
		unlink(p);
	}
	rmdir(dir);
}

/* data[0..size) and a NUL, in a new buffer of size + 1 bytes; aborts when memory runs out. */
static inline char *fuzz_copy(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* data[0..size) in a new buffer of exactly size bytes (one when size is 0), no NUL after. */
static inline char *fuzz_copy_exact(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	return s;
}

#endif
