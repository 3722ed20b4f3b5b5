/* Profiles: which platform account paydesk talks to, with which key, as whom.
 * Read from $XDG_CONFIG_HOME/paydesk/config, one INI section per profile. */
#ifndef PAYDESK_PROFILE_H
#define PAYDESK_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/risk.h"

enum profile_role {
	PROFILE_ROLE_MERCHANT = 0,
	PROFILE_ROLE_SUPPORT,
	PROFILE_ROLE_CLERK,
};

struct profile {
	char name[64];
	char platform[16];  /* "stripe", "wechatpay", "alipay" */
	char api_base[256]; /* https://api.stripe.com, or http://127.0.0.1:PORT */
	char key[256];      /* Stripe's API key. Secret: in memory only, wiped by profile_clear */
	/* The signing platforms' settings: ids, and paths of key files (read when the platform
	 * opens; private ones must be mode 0600). */
	char merchant_id[64];        /* WeChat Pay: mchid; Alipay: app_id */
	char merchant_serial[80];    /* WeChat Pay: serial of the merchant API certificate */
	char private_key_file[512];  /* the merchant's (app's) private key, PEM */
	char secret_file[512];       /* WeChat Pay: the APIv3 key */
	char platform_key_file[512]; /* the platform's public key, PEM */
	char platform_key_id[80];    /* WeChat Pay: PUB_KEY_ID_... */
	enum profile_role role;
	int64_t refund_limit; /* support role: most one refund may move; -1 = none */
	char refund_limit_currency[4];
	char timezone[64];     /* "" = the system's */
	char printer[128];     /* "" = none */
	char ca_file[512];     /* "" = the system's CA store */
	char cache_path[1024]; /* $XDG_DATA_HOME/paydesk/<name>.db */
	int timeout;           /* seconds for one request; 0 = the default */

	/* The risk rules' thresholds (risk_* keys); zeroed = the defaults. */
	struct risk_settings risk;
};

/* Loads profile `name` (NULL: $PAYDESK_PROFILE, else the only profile) from the user's
 * configuration file and resolves its key (key_file, which must not be group- or
 * world-readable, else $PAYDESK_API_KEY). Returns 0, or -1 with a translated reason in err;
 * *out is cleared on failure. Call profile_clear when done. */
int profile_load(const char *name, struct profile *out, char *err, size_t err_size);

/* Same as profile_load on configuration text already in memory; config_dir is where
 * relative key_file paths start. */
int profile_parse(const char *text, const char *config_dir, const char *name, struct profile *out,
                  char *err, size_t err_size);

/* Builds a profile in memory for a local sandbox (the demo): api_base, the key from
 * $PAYDESK_API_KEY (or a test key), role merchant, the given throwaway cache path.
 * Returns 0, or -1 with err filled. */
int profile_demo(const char *api_base, const char *cache_path, struct profile *out, char *err,
                 size_t err_size);

/* The same for any platform: for a signing one, its keys and ids are the files that
 * paydesk-sandbox --init-merchant wrote into merchant_dir. */
int profile_demo_platform(const char *platform, const char *api_base, const char *merchant_dir,
                          const char *cache_path, struct profile *out, char *err, size_t err_size);

/* Checks that an API base URL is https, or plain http to a loopback address only.
 * Returns 0, or -1 with err filled. */
int profile_check_api_base(const char *url, char *err, size_t err_size);

/* Reads an API key from a file that only its owner may read. Returns 0, or -1 with err
 * saying what is wrong and how to fix it. */
int profile_read_key_file(const char *path, char *key, size_t key_size, char *err, size_t err_size);

/* Reads a whole small file (at most max bytes). With private_only, a file that its group or
 * others may read is refused, with the chmod that fixes it. Returns the text (NUL-terminated,
 * the caller wipes and frees it) and its length, or NULL with a translated reason in err. */
char *profile_read_file(const char *path, size_t max, bool private_only, size_t *len, char *err,
                        size_t err_size);

/* What a key file holds. */
enum profile_key_kind {
	PROFILE_KEY_PRIVATE = 0, /* a private key in PEM (secret) */
	PROFILE_KEY_APIV3,       /* WeChat Pay's APIv3 key: 32 characters (secret) */
	PROFILE_KEY_PUBLIC,      /* a platform's public key or certificate in PEM */
};

/* Checks a key file as the platforms' loaders read it: it opens, a secret one is not
 * group- or world-readable (profile_read_file's rule and message), and it holds the kind of
 * key it should. 0, or -1 with a translated reason that names the file and how to fix it;
 * nothing of the key itself is ever put in err. */
int profile_check_key_file(const char *path, enum profile_key_kind kind, char *err,
                           size_t err_size);

/* Checks that tz names a time zone: one of the system's time zone database (a TZif file
 * under $TZDIR or /usr/share/zoneinfo) or a POSIX TZ value ("CST-8"); "" is the system's
 * own. Returns 0, or -1 with a translated reason in err: a misspelt zone would otherwise
 * silently count days in UTC. */
int profile_check_timezone(const char *tz, char *err, size_t err_size);

/* Wipes the key and the rest of the profile. */
void profile_clear(struct profile *p);

/* The translated name of a role. */
const char *profile_role_name(enum profile_role role);

#endif
