/* Deterministic pseudo-random numbers (xoshiro256**, seeded by splitmix64) and Stripe-like
 * object ids. The same seed always yields the same sequence, which makes seeding
 * reproducible byte for byte. */
#include "config.h"

#include <stdio.h>

#include "sandbox/sandbox.h"

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void sbx_rng_seed(struct sbx_rng *r, uint64_t seed)
{
	uint64_t x = seed;
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t sbx_rng_next(struct sbx_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t sbx_rng_below(struct sbx_rng *r, uint64_t n)
{
	/* The modulo bias is below 2^-40 for the ranges used here; irrelevant for test data. */
	return sbx_rng_next(r) % n;
}

void sbx_rng_id(struct sbx_rng *r, const char *prefix, char *out, size_t size)
{
	static const char alphabet[] =
	        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	char tail[25];
	uint64_t w = 0;
	int i;

	/* 8 characters per 64-bit draw: 62^8 < 2^64, so every character is well mixed. */
	for (i = 0; i < 24; i++) {
		if (i % 8 == 0)
			w = sbx_rng_next(r);
		tail[i] = alphabet[w % 62];
		w /= 62;
	}
	tail[24] = '\0';
	snprintf(out, size, "%s%s", prefix, tail);
}
