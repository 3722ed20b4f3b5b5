/* Exactly once under faults: N scripted refund attempts against a running paydesk-sandbox,
 * each with random injected faults (5xx, 429, resets, truncated answers, answers lost after
 * the platform committed; on Stripe forgotten idempotency keys, on Alipay its 20000) and
 * retries through the outbox until the action is resolved. Prints how many refunds were
 * intended and how many the platform made; exits 0 only when they are equal.
 *
 * Usage: actions_exactly_once URL CACHE_FILE [--attempts N] [--seed S] [--quick]
 *                             [--platform stripe|wechatpay|alipay --merchant DIR]
 * --quick: retries wait 5 ms (doubling to 40) instead of paydesk's 250 ms (to 8 s), and
 * faults ask for no Retry-After, so that a thousand attempts take seconds, not minutes; what
 * is retried, and how often, is the same.
 * The sandbox must be running (URL like http://127.0.0.1:PORT) as that platform, with the
 * merchant's files in DIR; Stripe's key comes from $PAYDESK_API_KEY. The bill platforms'
 * checksums count the refunds made before the sandbox's today: the clock is moved a day on
 * before the first sync and again before the last count, and this program's clock
 * (PAYDESK_NOW) follows the sandbox's. */
#include "config.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/client.h"

/* Collects a reply body. */
struct body {
	char *data;
	size_t len;
};

static size_t collect(char *ptr, size_t size, size_t n, void *user)
{
	struct body *b = user;
	size_t add = size * n;
	char *grown = realloc(b->data, b->len + add + 1);
	if (!grown)
		return 0;
	b->data = grown;
	memcpy(b->data + b->len, ptr, add);
	b->len += add;
	b->data[b->len] = '\0';
	return add;
}

/* Calls the sandbox's admin API. Returns the parsed reply (caller decrefs) or NULL. */
static json_t *admin(const char *base, const char *method, const char *path, const char *form)
{
	CURL *h = curl_easy_init();
	if (!h)
		return NULL;
	char url[512];
	snprintf(url, sizeof url, "%s%s", base, path);
	struct body b = {NULL, 0};
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	if (form)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, form);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	CURLcode rc = curl_easy_perform(h);
	curl_easy_cleanup(h);
	json_t *doc = NULL;
	if (rc == CURLE_OK && b.data)
		doc = json_loads(b.data, 0, NULL);
	free(b.data);
	return doc;
}

/* The number of refunds on the platform, from its checksum; -1 on failure. */
static long platform_refunds(const char *base)
{
	json_t *doc = admin(base, "GET", "/_admin/checksum", NULL);
	long n = -1;
	json_t *count = json_object_get(json_object_get(doc, "refunds"), "count");
	if (json_is_integer(count))
		n = (long)json_integer_value(count);
	json_decref(doc);
	return n;
}

/* xorshift64*: a reproducible sequence of faults for a seed. */
static uint64_t rng_state;
static uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}
static unsigned rng_below(unsigned n)
{
	return (unsigned)(rng_next() % n);
}

static const char *const fault_kinds[] = {
        "500", "503", "429", "reset", "truncate", "commit_then_reset", "20000",
};

/* What each platform's refunds are called on the wire: the create, and the look-up a
 * retry makes (NULL: the same path, by method). */
struct refund_paths {
	const char *create, *lookup;
	size_t n_kinds; /* how many of fault_kinds apply */
};
static const struct refund_paths stripe_paths = {"/v1/refunds", NULL, 6};
static const struct refund_paths wechat_paths = {"/v3/refund/domestic/refunds", NULL, 6};
static const struct refund_paths alipay_paths = {
        "/gateway.do/alipay.trade.refund", "/gateway.do/alipay.trade.fastpay.refund.query", 7};
static const struct refund_paths *paths = &stripe_paths;
static bool quick;

/* Arms a random fault on refunds, sometimes; returns 1 when one was armed. */
static int maybe_fault(const char *base)
{
	if (rng_below(100) >= 35)
		return 0;
	char form[256];
	const char *kind = fault_kinds[rng_below((unsigned)paths->n_kinds)];
	/* Mostly on the create; sometimes on the look-up a retry makes. */
	bool lookup = rng_below(4) == 0;
	const char *path = lookup && paths->lookup ? paths->lookup : paths->create;
	const char *method = paths->lookup ? "" : lookup ? "&method=GET" : "&method=POST";
	snprintf(form, sizeof form, "kind=%s&count=%u&path=%s%s&retry_after=%d", kind,
	         1 + rng_below(6), path, method, quick ? 0 : 1);
	json_t *r = admin(base, "POST", "/_admin/faults", form);
	json_decref(r);
	return 1;
}

/* The sandbox's clock, which this program's follows (bill platforms): its time at base_mono. */
static long long clock_base;
static int64_t clock_base_mono;

static int64_t now_ms(void);

static void follow_clock(void)
{
	if (!clock_base)
		return;
	char v[32];
	snprintf(v, sizeof v, "%lld",
	         clock_base + (long long)((now_ms() - clock_base_mono) / 1000));
	setenv("PAYDESK_NOW", v, 1);
}

/* Moves the sandbox's clock on by seconds (0: only reads it) and this program's with it. */
static int move_clock(const char *base, long seconds)
{
	char form[64];
	snprintf(form, sizeof form, "seconds=%ld", seconds);
	json_t *r = seconds ? admin(base, "POST", "/_admin/advance", form)
	                    : admin(base, "GET", "/_admin/now", NULL);
	json_t *now = json_object_get(r, "now");
	int rc = -1;
	if (json_is_integer(now)) {
		clock_base = (long long)json_integer_value(now);
		clock_base_mono = now_ms();
		follow_clock();
		rc = 0;
	}
	json_decref(r);
	return rc;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s URL CACHE_FILE [--attempts N] [--seed S]\n", argv[0]);
		return 2;
	}
	const char *base = argv[1], *cache_path = argv[2];
	const char *platform = "stripe", *merchant = NULL;
	long attempts = 1000;
	uint64_t seed = 1;
	for (int i = 3; i < argc; i++)
		if (strcmp(argv[i], "--quick") == 0)
			quick = true;
	for (int i = 3; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--quick") == 0) {
			i--;
			continue;
		}
		if (strcmp(argv[i], "--attempts") == 0)
			attempts = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--seed") == 0)
			seed = strtoull(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--platform") == 0)
			platform = argv[i + 1];
		else if (strcmp(argv[i], "--merchant") == 0)
			merchant = argv[i + 1];
	}
	bool bills = strcmp(platform, "stripe") != 0;
	if (bills && !merchant) {
		fprintf(stderr, "--platform %s needs --merchant DIR\n", platform);
		return 2;
	}
	paths = !strcmp(platform, "wechatpay") ? &wechat_paths
	        : !strcmp(platform, "alipay")  ? &alipay_paths
	                                       : &stripe_paths;
	rng_state = seed * 0x9E3779B97F4A7C15ULL + 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);

	char err[1024];
	struct profile profile;
	/* The bill platforms count refunds of days before today, and their bills stop at
	 * yesterday: a day on, the seeded refunds are all in the cache and in the count. */
	if (bills && move_clock(base, 86400) != 0) {
		fprintf(stderr, "the sandbox's clock cannot be moved\n");
		return 1;
	}
	if (profile_demo_platform(platform, base, merchant ? merchant : "", cache_path, &profile,
	                          err, sizeof err) != 0) {
		fprintf(stderr, "profile: %s\n", err);
		return 1;
	}
	struct sync_options so = {.full = false};
	struct sync_result sr;
	if (sync_run(&profile, &so, NULL, NULL, NULL, &sr) != 0) {
		fprintf(stderr, "sync: %s\n", sr.message);
		return 1;
	}
	struct cache *cache = cache_open(cache_path, err, sizeof err);
	if (!cache) {
		fprintf(stderr, "cache: %s\n", err);
		return 1;
	}
	struct provider *provider = provider_open(&profile, cache, err, sizeof err);
	if (!provider) {
		fprintf(stderr, "provider: %s\n", err);
		return 1;
	}
	if (quick)
		provider_set_backoff(provider, 5, 40);
	struct actions_session s;
	actions_session_init(&s, cache, &profile, provider);

	/* Orders with room for many refunds of one minor unit. */
	char(*orders)[72] = calloc((size_t)attempts, sizeof *orders);
	int n_orders = orders ? actions_refundable_orders(s.db, orders, (int)attempts, 100) : -1;
	if (n_orders <= 0) {
		fprintf(stderr, "no refundable orders in the cache\n");
		return 1;
	}

	long before = platform_refunds(base);
	long done = 0, failed = 0, retries = 0, faults = 0, forgets = 0, found = 0;
	int64_t start = now_ms();
	int64_t slowest = 0;
	long slowest_i = -1;
	for (long i = 0; i < attempts; i++) {
		int64_t t0 = now_ms();
		follow_clock();
		faults += maybe_fault(base);
		struct actions_refund_params p = {.order_id = orders[i % n_orders],
		                                  .amount = 1,
		                                  .reason = "requested_by_customer"};
		struct actions_outcome out;
		enum actions_status st = actions_refund(&s, &p, false, &out);
		char action[OUTBOX_ID_SIZE];
		snprintf(action, sizeof action, "%s", out.action_id);
		for (int tries = 0; st == ACTIONS_UNCERTAIN || st == ACTIONS_QUEUED; tries++) {
			/* The platform may forget the key meanwhile (as after 24 h). */
			if (!bills && rng_below(3) == 0) {
				json_decref(admin(base, "POST", "/_admin/forget_keys", NULL));
				forgets++;
			}
			if (tries >= 3)
				json_decref(admin(base, "DELETE", "/_admin/faults", NULL));
			else
				faults += maybe_fault(base);
			retries++;
			follow_clock();
			st = actions_send(&s, action, &out);
			if (st == ACTIONS_DONE && strstr(out.message, "earlier attempt"))
				found++;
		}
		json_decref(admin(base, "DELETE", "/_admin/faults", NULL));
		if (now_ms() - t0 > slowest) {
			slowest = now_ms() - t0;
			slowest_i = i;
		}
		if (st == ACTIONS_DONE) {
			done++;
		} else {
			failed++;
			fprintf(stderr, "attempt %ld: %s\n", i, out.message);
		}
	}
	int64_t elapsed = now_ms() - start;
	if (bills && move_clock(base, 86400) != 0)
		fprintf(stderr, "the sandbox's clock cannot be moved\n");
	long after = platform_refunds(base);
	long made = before >= 0 && after >= 0 ? after - before : -1;
	printf("attempts intended:        %ld\n", attempts);
	printf("refunds created:          %ld\n", made);
	printf("resolved done:            %ld\n", done);
	printf("failed:                   %ld\n", failed);
	printf("faults armed:             %ld\n", faults);
	printf("retries through outbox:   %ld\n", retries);
	printf("keys forgotten:           %ld\n", forgets);
	printf("found by action id:       %ld\n", found);
	printf("wall time:                %" PRId64 " ms\n", elapsed);
	printf("slowest attempt:          %" PRId64 " ms (attempt %ld)\n", slowest, slowest_i);
	printf("%s\n", made == attempts ? "EXACTLY ONCE: yes" : "EXACTLY ONCE: NO");

	free(orders);
	provider_close(&provider);
	cache_close(&cache);
	profile_clear(&profile);
	curl_global_cleanup();
	return made == attempts && failed == 0 ? 0 : 1;
}
