/* paydesk-sandbox: a local, stateful payment platform for demos, training and tests,
 * answering as Stripe's v1 API or as another platform (--platform). Parses the command
 * line, opens (and if needed seeds) the store, serves on 127.0.0.1 until SIGINT or
 * SIGTERM. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/sandbox.h"

static const char usage_text[] =
        "Usage: paydesk-sandbox [OPTION]...\n"
        "A local, stateful payment platform with seeded merchant data, live activity and\n"
        "fault injection, for demos, training and tests. It answers as Stripe's v1 API, or\n"
        "as the platform --platform names. It listens on 127.0.0.1 only and prints the\n"
        "port as the first line of output.\n"
        "\n"
        "  --platform NAME       the platform to be (default stripe); see below\n"
        "  --merchant DIR        a signing platform's merchant files (keys, ids), made by\n"
        "                        --init-merchant\n"
        "  --init-merchant DIR   write a new merchant's files into DIR for a paydesk\n"
        "                        profile (private keys mode 0600), then exit\n"
        "  --port N              port to listen on (default 12111; 0 picks a free port)\n"
        "  --db FILE             keep state in FILE (reused if it exists); default: a\n"
        "                        temporary file removed on exit\n"
        "  --seed N              seed of the generated data (default 1)\n"
        "  --orders COUNT        number of orders (charges) to generate (default 1000)\n"
        "  --days D              spread the orders over the last D days (default 90)\n"
        "  --now UNIX            reference time of the data and start of the sandbox clock\n"
        "                        (default: the real time); the clock then runs in real time\n"
        "  --hostile             add names, descriptions and metadata holding escape\n"
        "                        sequences, control characters, bidi overrides and very\n"
        "                        long strings\n"
        "  --settlement LIST     Stripe: the currencies the account settles in, e.g. usd\n"
        "                        or usd,eur; charges in any other currency are converted\n"
        "                        into the first at the day's rate (default: each charge\n"
        "                        settles in its own currency)\n"
        "  --invalid-utf8        with --hostile, also put bytes that are not UTF-8 into\n"
        "                        some strings (such replies are not valid JSON text)\n"
        "  --rate-limit N        answer 429 beyond N API requests per second (default: off)\n"
        "  --keys FILE           accept only the secret keys listed in FILE (one per line);\n"
        "                        default: any sk_test_ key\n"
        "  --restricted KEY:SPEC accept restricted key KEY with per-resource permissions,\n"
        "                        e.g. rk_test_abc:charges=read,refunds=write (repeatable);\n"
        "                        resources: charges payment_intents refunds disputes payouts\n"
        "                        balance_transactions balance events account files; levels:\n"
        "                        none read write; unlisted resources are none\n"
        "  --tls-cert FILE       with --tls-key, serve HTTPS with this PEM certificate\n"
        "                        (for testing clients against a private CA)\n"
        "  --tls-key FILE        the certificate's PEM private key\n"
        "  --quiet               print nothing but the port\n"
        "  --help                show this help and exit\n"
        "  --version             show the version and exit\n"
        "\n"
        "Admin API (no key needed): POST|DELETE /_admin/faults, GET|DELETE\n"
        "/_admin/requests, POST /_admin/advance, GET /_admin/now, and each platform's\n"
        "own (Stripe: POST /_admin/create, POST /_admin/forget_keys, GET /_admin/checksum,\n"
        "GET /_admin/ledger). See sandbox/README.md.\n";

static const char *const resource_names[SBX_RES_COUNT] = {
        "charges", "payment_intents", "refunds", "disputes", "payouts",     "balance_transactions",
        "balance", "events",          "account", "files",    "report_runs",
};

static int parse_long(const char *v, long min, long max, long *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

/* Parses "rk_test_x:charges=read,refunds=write" into s->restricted. Returns 0 or -1. */
static int add_restricted(struct sbx *s, const char *arg)
{
	const char *colon = strchr(arg, ':');
	struct sbx_restricted rk;
	struct sbx_restricted *nv;
	char *spec;
	char *tok;
	char *save = NULL;

	if (colon == NULL || strncmp(arg, "rk_test_", 8) != 0 || colon - arg <= 8) {
		fprintf(stderr,
		        "paydesk-sandbox: --restricted wants rk_test_KEY:resource=level,...\n");
		return -1;
	}
	memset(&rk, 0, sizeof(rk));
	rk.key = strndup(arg, (size_t)(colon - arg));
	spec = strdup(colon + 1);
	if (rk.key == NULL || spec == NULL) {
		free(rk.key);
		free(spec);
		return -1;
	}
	for (tok = strtok_r(spec, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		int i;
		int found = -1;

		if (eq == NULL)
			goto bad;
		*eq = '\0';
		for (i = 0; i < SBX_RES_COUNT; i++)
			if (strcmp(tok, resource_names[i]) == 0)
				found = i;
		if (found < 0)
			goto bad;
		if (strcmp(eq + 1, "none") == 0)
			rk.perm[found] = SBX_PERM_NONE;
		else if (strcmp(eq + 1, "read") == 0)
			rk.perm[found] = SBX_PERM_READ;
		else if (strcmp(eq + 1, "write") == 0)
			rk.perm[found] = SBX_PERM_WRITE;
		else
			goto bad;
	}
	free(spec);
	nv = realloc(s->restricted, (s->restricted_n + 1) * sizeof(*nv));
	if (nv == NULL) {
		free(rk.key);
		return -1;
	}
	s->restricted = nv;
	s->restricted[s->restricted_n++] = rk;
	return 0;
bad:
	fprintf(stderr,
	        "paydesk-sandbox: bad --restricted entry near '%s': use resource=level "
	        "with levels none, read, write\n",
	        tok);
	free(spec);
	free(rk.key);
	return -1;
}

/* Reads the fixed key list: one key per line, '#' comments and blank lines ignored. */
static int load_keys(struct sbx *s, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];

	if (f == NULL) {
		fprintf(stderr, "paydesk-sandbox: cannot read key file %s: %s\n", path,
		        strerror(errno));
		return -1;
	}
	s->keys = calloc(1, sizeof(char *));
	if (s->keys == NULL) {
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line;
		char *e;
		char **nk;

		while (*p == ' ' || *p == '\t')
			p++;
		e = p + strcspn(p, " \t\r\n");
		*e = '\0';
		if (*p == '\0' || *p == '#')
			continue;
		nk = realloc(s->keys, (s->keys_n + 2) * sizeof(*nk));
		if (nk == NULL)
			break;
		s->keys = nk;
		s->keys[s->keys_n] = strdup(p);
		if (s->keys[s->keys_n] == NULL)
			break;
		s->keys_n++;
	}
	fclose(f);
	return 0;
}

static void free_keys(struct sbx *s)
{
	size_t i;

	for (i = 0; i < s->keys_n; i++)
		free(s->keys[i]);
	free(s->keys);
	for (i = 0; i < s->restricted_n; i++)
		free(s->restricted[i].key);
	free(s->restricted);
}

enum {
	OPT_PORT = 256,
	OPT_PLATFORM,
	OPT_MERCHANT,
	OPT_INIT_MERCHANT,
	OPT_DB,
	OPT_SEED,
	OPT_ORDERS,
	OPT_DAYS,
	OPT_NOW,
	OPT_HOSTILE,
	OPT_SETTLEMENT,
	OPT_INVALID_UTF8,
	OPT_RATE,
	OPT_KEYS,
	OPT_RESTRICTED,
	OPT_QUIET,
	OPT_TLS_CERT,
	OPT_TLS_KEY,
	OPT_HELP,
	OPT_VERSION
};

static const struct option long_options[] = {
        {"port", required_argument, NULL, OPT_PORT},
        {"platform", required_argument, NULL, OPT_PLATFORM},
        {"merchant", required_argument, NULL, OPT_MERCHANT},
        {"init-merchant", required_argument, NULL, OPT_INIT_MERCHANT},
        {"db", required_argument, NULL, OPT_DB},
        {"seed", required_argument, NULL, OPT_SEED},
        {"orders", required_argument, NULL, OPT_ORDERS},
        {"days", required_argument, NULL, OPT_DAYS},
        {"now", required_argument, NULL, OPT_NOW},
        {"hostile", no_argument, NULL, OPT_HOSTILE},
        {"settlement", required_argument, NULL, OPT_SETTLEMENT},
        {"invalid-utf8", no_argument, NULL, OPT_INVALID_UTF8},
        {"rate-limit", required_argument, NULL, OPT_RATE},
        {"keys", required_argument, NULL, OPT_KEYS},
        {"restricted", required_argument, NULL, OPT_RESTRICTED},
        {"tls-cert", required_argument, NULL, OPT_TLS_CERT},
        {"tls-key", required_argument, NULL, OPT_TLS_KEY},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"help", no_argument, NULL, OPT_HELP},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
};

static const char *init_merchant_dir;

static int parse_args(struct sbx *s, int argc, char **argv)
{
	int c;
	long v;

	while ((c = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_PORT:
			if (parse_long(optarg, 0, 65535, &v) != 0)
				goto bad;
			s->opt.port = (int)v;
			break;
		case OPT_PLATFORM:
			s->opt.platform = optarg;
			break;
		case OPT_MERCHANT:
			s->opt.merchant_dir = optarg;
			break;
		case OPT_INIT_MERCHANT:
			init_merchant_dir = optarg;
			break;
		case OPT_DB:
			s->opt.db_path = optarg;
			break;
		case OPT_SEED: {
			char *end;

			errno = 0;
			s->opt.seed = strtoull(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || errno != 0)
				goto bad;
			break;
		}
		case OPT_ORDERS:
			if (parse_long(optarg, 0, 100000000, &v) != 0)
				goto bad;
			s->opt.orders = v;
			break;
		case OPT_DAYS:
			if (parse_long(optarg, 1, 3650, &v) != 0)
				goto bad;
			s->opt.days = (int)v;
			break;
		case OPT_NOW:
			if (parse_long(optarg, 86400L * 400, 4102444800L, &v) != 0)
				goto bad;
			s->opt.now = v;
			s->opt.now_given = 1;
			break;
		case OPT_HOSTILE:
			s->opt.hostile = 1;
			break;
		case OPT_SETTLEMENT:
			s->opt.settlement = optarg;
			break;
		case OPT_INVALID_UTF8:
			s->opt.invalid_utf8 = 1;
			break;
		case OPT_RATE:
			if (parse_long(optarg, 0, 1000000, &v) != 0)
				goto bad;
			s->opt.rate_limit = (int)v;
			break;
		case OPT_KEYS:
			s->opt.keys_file = optarg;
			break;
		case OPT_RESTRICTED:
			if (add_restricted(s, optarg) != 0)
				return 2;
			break;
		case OPT_TLS_CERT:
			s->opt.tls_cert = optarg;
			break;
		case OPT_TLS_KEY:
			s->opt.tls_key = optarg;
			break;
		case OPT_QUIET:
			s->opt.quiet = 1;
			break;
		case OPT_HELP:
			fputs(usage_text, stdout);
			fputs("\nPlatforms (--platform):\n", stdout);
			for (const char *n = sbx_platform_names(); *n;) {
				char name[32];
				size_t len = strcspn(n, ",");

				snprintf(name, sizeof(name), "%.*s", (int)len, n);
				printf("  %-21s %s\n", name, sbx_platform_find(name)->summary);
				n += len;
				n += strspn(n, ", ");
			}
			return 1;
		case OPT_VERSION:
			printf("paydesk-sandbox %s\n", PACKAGE_VERSION);
			return 1;
		default:
			fprintf(stderr, "Try 'paydesk-sandbox --help'.\n");
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr,
		        "paydesk-sandbox: unexpected argument '%s'\nTry 'paydesk-sandbox "
		        "--help'.\n",
		        argv[optind]);
		return 2;
	}
	return 0;
bad:
	fprintf(stderr,
	        "paydesk-sandbox: invalid value '%s' for --%s\nTry 'paydesk-sandbox "
	        "--help'.\n",
	        optarg, long_options[c - OPT_PORT].name);
	return 2;
}

int sbx_stop_requested(void)
{
	sigset_t pending;

	if (sigpending(&pending) != 0)
		return 0;
	return sigismember(&pending, SIGINT) == 1 || sigismember(&pending, SIGTERM) == 1;
}

static char temp_dir[512];
static char temp_db[600];

static void remove_temp(void)
{
	char p[700];

	if (temp_dir[0] == '\0')
		return;
	unlink(temp_db);
	snprintf(p, sizeof(p), "%s-wal", temp_db);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", temp_db);
	unlink(p);
	rmdir(temp_dir);
	temp_dir[0] = '\0';
}

int main(int argc, char **argv)
{
	static struct sbx s;
	sigset_t set;
	int sig;
	int rc;
	struct timespec t0, t1;
	const char *db_path;
	char stored[32];

	memset(&s, 0, sizeof(s));
	s.opt.port = 12111;
	s.opt.seed = 1;
	s.opt.orders = 1000;
	s.opt.days = 90;
	rc = parse_args(&s, argc, argv);
	if (rc != 0) {
		free_keys(&s);
		return rc == 1 ? 0 : 2;
	}
	s.platform = sbx_platform_find(s.opt.platform ? s.opt.platform : "stripe");
	if (s.platform == NULL) {
		fprintf(stderr, "paydesk-sandbox: unknown platform '%s' (known: %s)\n",
		        s.opt.platform, sbx_platform_names());
		free_keys(&s);
		return 2;
	}
	if (s.opt.settlement && strcmp(s.platform->name, "stripe") != 0) {
		fprintf(stderr, "paydesk-sandbox: --settlement is for --platform stripe\n");
		free_keys(&s);
		return 2;
	}
	if (init_merchant_dir) {
		if (!s.platform->init_merchant) {
			fprintf(stderr, "paydesk-sandbox: the %s platform has no merchant files\n",
			        s.platform->name);
			free_keys(&s);
			return 2;
		}
		rc = s.platform->init_merchant(&s, init_merchant_dir);
		free_keys(&s);
		return rc == 0 ? 0 : 1;
	}
	/* A platform with merchant files serves one merchant: without them it cannot
	 * start, so say so before any seeding. */
	if (s.platform->init_merchant && s.opt.merchant_dir == NULL) {
		fprintf(stderr,
		        "paydesk-sandbox: --platform %s needs --merchant DIR; make one first with "
		        "'paydesk-sandbox --platform %s --init-merchant DIR'\n",
		        s.platform->name, s.platform->name);
		free_keys(&s);
		return 2;
	}
	if (!s.opt.now_given)
		s.opt.now = (int64_t)time(NULL);
	/* SIGINT and SIGTERM stay blocked in every thread: seeding polls for them and the main
	 * thread waits for them once serving. A shell starts background jobs with SIGINT
	 * ignored, and an ignored signal is discarded, so restore the default first. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (!s.opt.tls_cert != !s.opt.tls_key) {
		fprintf(stderr, "paydesk-sandbox: --tls-cert and --tls-key go together\n");
		return 2;
	}
	if (s.opt.invalid_utf8 && !s.opt.hostile) {
		fprintf(stderr, "paydesk-sandbox: --invalid-utf8 needs --hostile\n");
		free_keys(&s);
		return 2;
	}
	if (s.opt.keys_file && load_keys(&s, s.opt.keys_file) != 0) {
		free_keys(&s);
		return 1;
	}
	db_path = s.opt.db_path;
	if (db_path == NULL) {
		const char *tmp = getenv("TMPDIR");

		snprintf(temp_dir, sizeof(temp_dir), "%s/paydesk-sandbox.XXXXXX",
		         tmp && *tmp ? tmp : "/tmp");
		if (mkdtemp(temp_dir) == NULL) {
			fprintf(stderr,
			        "paydesk-sandbox: cannot create a temporary directory: %s\n",
			        strerror(errno));
			free_keys(&s);
			return 1;
		}
		snprintf(temp_db, sizeof(temp_db), "%s/sandbox.db", temp_dir);
		db_path = temp_db;
	}
	pthread_mutex_init(&s.lock, NULL);
	{
		struct sbx_rng acct;
		char id[40];

		sbx_rng_seed(&acct, s.opt.seed ^ 0x5eedacc7ULL);
		sbx_rng_id(&acct, "acct_", id, sizeof(id));
		/* Stripe account ids carry 16 characters after the prefix. */
		snprintf(s.account_id, sizeof(s.account_id), "%.21s", id);
	}
	if (sbx_store_open(&s, db_path) != 0)
		goto fail;
	if (sbx_store_empty(&s)) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = s.platform->seed(&s);
		if (rc == 0 && sbx_meta_set(&s, "platform", s.platform->name) != 0)
			rc = -1;
		if (rc == -2) {
			fprintf(stderr,
			        "paydesk-sandbox: interrupted while seeding; a --db store is "
			        "seeded afresh on its next start\n");
			goto fail;
		}
		if (rc != 0) {
			fprintf(stderr,
			        "paydesk-sandbox: seeding failed; the store %s is unusable "
			        "(delete it and retry)\n",
			        db_path);
			goto fail;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (!s.opt.quiet)
			fprintf(stderr,
			        "paydesk-sandbox: seeded %ld orders over %d days in %.2f s\n",
			        s.opt.orders, s.opt.days,
			        (double)(t1.tv_sec - t0.tv_sec) +
			                (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	} else {
		if (s.platform->indices(&s) != 0)
			goto fail;
		if (!s.opt.quiet && sbx_meta_get(&s, "orders", stored, sizeof(stored)) == 0)
			fprintf(stderr,
			        "paydesk-sandbox: reusing %s (%s seeded orders); seeding "
			        "options are ignored\n",
			        db_path, stored);
	}
	if (s.platform->open && s.platform->open(&s) != 0)
		goto fail;
	s.base_now = s.opt.now;
	s.base_mono = sbx_mono_ms();
	s.bucket_last_ms = s.base_mono;
	s.bucket_tokens_milli = (int64_t)s.opt.rate_limit * 1000;
	sbx_rng_seed(&s.rng, s.opt.seed ^ (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^
	                             (uint64_t)sbx_mono_ms());

	signal(SIGPIPE, SIG_IGN);
	if (sbx_server_run(&s) != 0)
		goto fail;
	if (!s.opt.quiet)
		fprintf(stderr, "paydesk-sandbox: serving http://127.0.0.1 (Ctrl-C to stop)\n");
	sigwait(&set, &sig);
	s.stopping = 1;
	sbx_server_stop();
	sbx_store_close(&s);
	remove_temp();
	sbx_log_free(&s);
	free(s.faults);
	free_keys(&s);
	pthread_mutex_destroy(&s.lock);
	return 0;
fail:
	sbx_store_close(&s);
	remove_temp();
	free_keys(&s);
	return 1;
}
