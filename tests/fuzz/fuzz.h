/* Shared by the fuzz harnesses: the libFuzzer entry point each one defines, and the copies
 * of the input that let AddressSanitizer see a read past the end of what a reader was
 * given: a C string of exactly size + 1 bytes for a reader of C strings, exactly size bytes
 * for one that is given a length. */
#ifndef PAYDESK_TESTS_FUZZ_H
#define PAYDESK_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
