/* Profiles from the INI configuration file, and the API key that goes with each. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "client/client.h"
#include "client/crypto.h"
#include "client/provider.h"

#define PROFILE_MAX_CONFIG (256 * 1024)

static void set_err(char *err, size_t err_size, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t err_size, const char *fmt, ...)
{
	if (!err || err_size == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
}

/* Copies src into a fixed buffer; false when it does not fit. */
static bool copy_field(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);
	if (len >= size)
		return false;
	memcpy(dst, src, len + 1);
	return true;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		s[--len] = '\0';
	return s;
}

void profile_clear(struct profile *p)
{
	if (!p)
		return;
	/* volatile so that the wipe of the secret is not optimised away */
	volatile unsigned char *b = (volatile unsigned char *)p;
	for (size_t i = 0; i < sizeof *p; i++)
		b[i] = 0;
}

const char *profile_role_name(enum profile_role role)
{
	switch (role) {
	case PROFILE_ROLE_SUPPORT:
		return _("support");
	case PROFILE_ROLE_CLERK:
		return _("clerk");
	case PROFILE_ROLE_MERCHANT:
		break;
	}
	return _("merchant");
}

int profile_check_api_base(const char *url, char *err, size_t err_size)
{
	if (strncmp(url, "https://", 8) == 0 && url[8] != '\0')
		return 0;
	if (strncmp(url, "http://", 7) == 0) {
		const char *host = url + 7;
		static const char *const loopback[] = {"127.0.0.1", "localhost", "[::1]"};
		for (size_t i = 0; i < sizeof loopback / sizeof *loopback; i++) {
			size_t n = strlen(loopback[i]);
			if (strncmp(host, loopback[i], n) == 0 &&
			    (host[n] == '\0' || host[n] == ':' || host[n] == '/'))
				return 0;
		}
		set_err(err, err_size,
		        _("api_base %s: plain http is allowed only to this machine (127.0.0.1); "
		          "use https"),
		        url);
		return -1;
	}
	set_err(err, err_size, _("api_base %s is not an https:// URL"), url);
	return -1;
}

/* Opens a regular file; with private_only, one only its owner may read. fd, or -1 (err). */
static int open_checked(const char *path, bool private_only, const char *what, char *err,
                        size_t err_size)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		set_err(err, err_size, _("cannot open %s %s: %s"), what, path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		set_err(err, err_size, _("cannot read %s %s: %s"), what, path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		set_err(err, err_size, _("%s %s is not a regular file"), what, path);
		close(fd);
		return -1;
	}
	if (private_only && (st.st_mode & (S_IRWXG | S_IRWXO))) {
		set_err(err, err_size,
		        _("%s %s can be read by other users (mode %03o); refusing to use it. "
		          "Fix it with: chmod 600 %s"),
		        what, path, (unsigned)(st.st_mode & 0777), path);
		close(fd);
		return -1;
	}
	return fd;
}

char *profile_read_file(const char *path, size_t max, bool private_only, size_t *len, char *err,
                        size_t err_size)
{
	const char *what = private_only ? _("key file") : _("file");
	int fd = open_checked(path, private_only, what, err, err_size);
	if (fd < 0)
		return NULL;
	char *buf = malloc(max + 1);
	size_t n = 0;
	ssize_t got = 0;
	while (buf && n <= max && (got = read(fd, buf + n, max + 1 - n)) > 0)
		n += (size_t)got;
	int saved = errno;
	close(fd);
	if (!buf || got < 0 || n > max) {
		if (buf) {
			memset(buf, 0, n);
			free(buf);
		}
		if (!buf)
			set_err(err, err_size, _("out of memory"));
		else if (got < 0)
			set_err(err, err_size, _("cannot read %s %s: %s"), what, path,
			        strerror(saved));
		else
			set_err(err, err_size, _("%s %s is too large"), what, path);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

int profile_read_key_file(const char *path, char *key, size_t key_size, char *err, size_t err_size)
{
	size_t len;
	char *buf = profile_read_file(path, 511, true, &len, err, err_size);
	if (!buf)
		return -1;
	char *k = trim(buf);
	char *nl = strpbrk(k, "\r\n");
	if (nl)
		*nl = '\0';
	k = trim(k);
	if (*k == '\0' || strlen(k) >= key_size) {
		set_err(err, err_size, _("key file %s does not hold an API key"), path);
		memset(buf, 0, len);
		free(buf);
		return -1;
	}
	memcpy(key, k, strlen(k) + 1);
	memset(buf, 0, len);
	free(buf);
	return 0;
}

int profile_check_key_file(const char *path, enum profile_key_kind kind, char *err, size_t err_size)
{
	size_t len;
	char *text =
	        profile_read_file(path, 64 * 1024, kind != PROFILE_KEY_PUBLIC, &len, err, err_size);
	if (!text)
		return -1;
	int rc = 0;
	char sub[400];
	if (kind == PROFILE_KEY_APIV3) {
		size_t n = len;
		while (n > 0 && isspace((unsigned char)text[n - 1]))
			n--;
		if (n != 32) {
			set_err(err, err_size,
			        _("%s does not hold an APIv3 key (32 characters): copy it again "
			          "from "
			          "the merchant platform's API security settings"),
			        path);
			rc = -1;
		}
	} else {
		EVP_PKEY *key = kind == PROFILE_KEY_PRIVATE
		                        ? crypto_private_key(text, len, sub, sizeof sub)
		                        : crypto_public_key(text, len, sub, sizeof sub);
		if (!key) {
			set_err(err, err_size,
			        kind == PROFILE_KEY_PRIVATE
			                ? _("%s does not hold a PEM private key (%s)")
			                : _("%s does not hold a PEM public key or certificate "
			                    "(%s)"),
			        path, sub);
			rc = -1;
		}
		EVP_PKEY_free(key);
	}
	OPENSSL_cleanse(text, len);
	free(text);
	return rc;
}

/* Where user files go: $XDG_<kind>_HOME, else $HOME/<fallback>. */
static int xdg_dir(const char *env, const char *fallback, char *out, size_t size)
{
	const char *v = getenv(env);
	int n;
	if (v && *v == '/') {
		n = snprintf(out, size, "%s/paydesk", v);
	} else {
		const char *home = getenv("HOME");
		if (!home || !*home)
			return -1;
		n = snprintf(out, size, "%s/%s/paydesk", home, fallback);
	}
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* Whether s is a POSIX TZ value such as "CST-8", "<+08>-8" or "EST5EDT,M3.2.0,M11.1.0": a
 * zone name (three letters or more, or <...>) and an offset, with anything after it. */
static bool posix_tz(const char *s)
{
	size_t n = 0;
	if (*s == '<') {
		const char *close = strchr(s, '>');
		if (!close || close - s < 4)
			return false;
		s = close + 1;
	} else {
		while ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z'))
			n++;
		if (n < 3)
			return false;
		s += n;
	}
	if (*s == '+' || *s == '-')
		s++;
	return *s >= '0' && *s <= '9';
}

int profile_check_timezone(const char *tz, char *err, size_t err_size)
{
	if (!*tz)
		return 0;
	const char *name = *tz == ':' ? tz + 1 : tz;
	if (posix_tz(name))
		return 0;
	/* A zone of the time zone database: a TZif file under TZDIR. */
	bool safe = *name && *name != '/' && !strstr(name, "..") && strlen(name) < 200;
	if (safe) {
		const char *dir = getenv("TZDIR");
		char path[512];
		snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo",
		         name);
		FILE *f = fopen(path, "rb");
		char magic[4] = {0};
		bool tzif = f && fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
		if (f)
			fclose(f);
		if (tzif)
			return 0;
	}
	set_err(err, err_size,
	        _("'%s' is not a time zone this system knows: name one of the time zone "
	          "database, e.g. Asia/Shanghai or Europe/Berlin (see /usr/share/zoneinfo), "
	          "or a POSIX TZ value such as CST-8"),
	        tz);
	return -1;
}

static bool valid_profile_name(const char *s)
{
	if (!*s || strlen(s) >= 64)
		return false;
	for (; *s; s++) {
		char c = *s;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

/* The settings of one platform: each names a field of struct profile. Paths are taken
 * relative to the configuration's folder. */
static const struct platform_setting {
	const char *key;
	const char *platform;
	size_t offset, size;
	bool path;
} platform_settings[] = {
#define SETTING(k, pl, field, is_path)                                                             \
	{                                                                                          \
		k, pl, offsetof(struct profile, field), sizeof((struct profile *)0)->field,        \
		        is_path                                                                    \
	}
        SETTING("mchid", "wechatpay", merchant_id, false),
        SETTING("merchant_serial", "wechatpay", merchant_serial, false),
        SETTING("private_key_file", "wechatpay", private_key_file, true),
        SETTING("apiv3_key_file", "wechatpay", secret_file, true),
        SETTING("wechatpay_public_key_file", "wechatpay", platform_key_file, true),
        SETTING("wechatpay_public_key_id", "wechatpay", platform_key_id, false),
        SETTING("app_id", "alipay", merchant_id, false),
        SETTING("app_private_key_file", "alipay", private_key_file, true),
        SETTING("alipay_public_key_file", "alipay", platform_key_file, true),
#undef SETTING
};
#define N_PLATFORM_SETTINGS (sizeof platform_settings / sizeof *platform_settings)

/* Applies one `key = value` line to the profile. seen[i] records the line of platform
 * setting i (checked against the platform once the section is read). */
static int apply_key(struct profile *p, const char *key, const char *value, char *key_file,
                     size_t key_file_size, int line, int *seen, const char *config_dir, char *err,
                     size_t err_size)
{
	bool ok = true;
	for (size_t i = 0; i < N_PLATFORM_SETTINGS; i++) {
		const struct platform_setting *ps = &platform_settings[i];
		if (strcmp(key, ps->key) != 0)
			continue;
		char *field = (char *)p + ps->offset;
		if (ps->path && value[0] == '~' && value[1] == '/' && getenv("HOME"))
			ok = snprintf(field, ps->size, "%s/%s", getenv("HOME"), value + 2) <
			     (int)ps->size;
		else if (ps->path && value[0] != '/' && config_dir)
			ok = snprintf(field, ps->size, "%s/%s", config_dir, value) < (int)ps->size;
		else
			ok = copy_field(field, ps->size, value);
		seen[i] = line;
		if (!ok) {
			set_err(err, err_size, _("line %d: the value of '%s' is too long"), line,
			        key);
			return -1;
		}
		return 0;
	}
	if (strcmp(key, "platform") == 0) {
		ok = copy_field(p->platform, sizeof p->platform, value);
	} else if (strcmp(key, "api_base") == 0) {
		ok = copy_field(p->api_base, sizeof p->api_base, value);
	} else if (strcmp(key, "key_file") == 0) {
		ok = copy_field(key_file, key_file_size, value);
	} else if (strcmp(key, "role") == 0) {
		if (strcmp(value, "merchant") == 0)
			p->role = PROFILE_ROLE_MERCHANT;
		else if (strcmp(value, "support") == 0)
			p->role = PROFILE_ROLE_SUPPORT;
		else if (strcmp(value, "clerk") == 0)
			p->role = PROFILE_ROLE_CLERK;
		else {
			set_err(err, err_size,
			        _("line %d: role must be merchant, support or clerk, not '%s'"),
			        line, value);
			return -1;
		}
	} else if (strcmp(key, "refund_limit") == 0) {
		/* "50.00 usd": an amount as people write it, then the currency */
		char amount[64], currency[8];
		if (sscanf(value, "%63s %7s", amount, currency) != 2 ||
		    !money_currency_valid(currency) ||
		    money_parse(amount, currency, 0, &p->refund_limit) != MONEY_OK) {
			set_err(err, err_size,
			        _("line %d: refund_limit must be an amount and a currency, "
			          "e.g. 50.00 usd"),
			        line);
			return -1;
		}
		for (int i = 0; i < 3; i++)
			p->refund_limit_currency[i] = (char)(currency[i] | 0x20);
		p->refund_limit_currency[3] = '\0';
	} else if (strcmp(key, "timezone") == 0) {
		char why[300];
		if (profile_check_timezone(value, why, sizeof why) != 0) {
			set_err(err, err_size, _("line %d: %s"), line, why);
			return -1;
		}
		ok = copy_field(p->timezone, sizeof p->timezone, value);
	} else if (strcmp(key, "printer") == 0) {
		ok = copy_field(p->printer, sizeof p->printer, value);
	} else if (strcmp(key, "ca_file") == 0) {
		ok = copy_field(p->ca_file, sizeof p->ca_file, value);
	} else if (strcmp(key, "timeout") == 0) {
		char *end;
		long t = strtol(value, &end, 10);
		if (*value == '\0' || *end != '\0' || t < 1 || t > 600) {
			set_err(err, err_size,
			        _("line %d: timeout must be a number of seconds from 1 to 600"),
			        line);
			return -1;
		}
		p->timeout = (int)t;
	} else if (strncmp(key, "risk_", 5) == 0) {
		char why[1400];
		if (risk_setting_parse(&p->risk, key, value, why, sizeof why) != 1) {
			set_err(err, err_size, _("line %d: %s"), line, why);
			return -1;
		}
	} else if (strcmp(key, "key") == 0 || strcmp(key, "api_key") == 0) {
		set_err(err, err_size,
		        _("line %d: API keys do not belong in the configuration file; "
		          "put the key in a file of mode 0600 and name it with key_file"),
		        line);
		return -1;
	} else {
		set_err(err, err_size, _("line %d: unknown setting '%s'"), line, key);
		return -1;
	}
	if (!ok) {
		set_err(err, err_size, _("line %d: the value of '%s' is too long"), line, key);
		return -1;
	}
	return 0;
}

int profile_parse(const char *text, const char *config_dir, const char *name, struct profile *out,
                  char *err, size_t err_size)
{
	profile_clear(out);
	char *copy = strdup(text);
	if (!copy) {
		set_err(err, err_size, _("out of memory"));
		return -1;
	}
	/* Section names seen so far: duplicates are errors, and more than one section
	 * without a chosen name is ambiguous. */
	char sections[32][64];
	int n_sections = 0;
	char wanted[64] = "";
	if (name && *name) {
		if (!valid_profile_name(name)) {
			set_err(err, err_size, _("'%s' is not a valid profile name"), name);
			free(copy);
			return -1;
		}
		copy_field(wanted, sizeof wanted, name);
	}

	struct profile cur;
	profile_clear(&cur);
	char key_file[512] = "";
	int seen[N_PLATFORM_SETTINGS] = {0};
	int key_file_line = 0;
	bool in_wanted = false, found = false;
	int line_no = 0;
	/* Split by hand (not strtok) so that empty lines still count in line numbers. */
	char *line = copy;
	int rc = 0;
	while (line && rc == 0) {
		char *next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line_no++;
		char *s = trim(line);
		if (*s == '\0' || *s == '#' || *s == ';') {
			line = next;
			continue;
		}
		if (*s == '[') {
			char *close = strchr(s, ']');
			if (!close || close[1] != '\0') {
				set_err(err, err_size, _("line %d: a section is written [NAME]"),
				        line_no);
				rc = -1;
				break;
			}
			*close = '\0';
			char *sec = trim(s + 1);
			if (!valid_profile_name(sec)) {
				set_err(err, err_size,
				        _("line %d: '%s' is not a valid profile name (letters, "
				          "digits, "
				          "'-', '_', '.')"),
				        line_no, sec);
				rc = -1;
				break;
			}
			for (int i = 0; i < n_sections; i++) {
				if (strcmp(sections[i], sec) == 0) {
					set_err(err, err_size,
					        _("line %d: profile [%s] is defined twice"),
					        line_no, sec);
					rc = -1;
				}
			}
			if (rc != 0)
				break;
			if (n_sections < 32)
				copy_field(sections[n_sections++], sizeof sections[0], sec);
			if (in_wanted)
				in_wanted = false;
			/* Without a wanted name the first section is taken for now; more than one
			 * section without a choice is an error reported after the loop. */
			if ((wanted[0] && strcmp(sec, wanted) == 0) ||
			    (!wanted[0] && n_sections == 1)) {
				in_wanted = true;
				found = true;
				copy_field(cur.name, sizeof cur.name, sec);
			}
			line = next;
			continue;
		}
		char *eq = strchr(s, '=');
		if (!eq) {
			set_err(err, err_size, _("line %d: expected 'key = value' or [NAME]"),
			        line_no);
			rc = -1;
			break;
		}
		*eq = '\0';
		char *k = trim(s), *v = trim(eq + 1);
		if (n_sections == 0) {
			set_err(err, err_size,
			        _("line %d: setting '%s' outside of a [profile] section"), line_no,
			        k);
			rc = -1;
			break;
		}
		if (in_wanted) {
			rc = apply_key(&cur, k, v, key_file, sizeof key_file, line_no, seen,
			               config_dir, err, err_size);
			if (strcmp(k, "key_file") == 0)
				key_file_line = line_no;
		}
		line = next;
	}
	free(copy);
	if (rc != 0) {
		profile_clear(&cur);
		return -1;
	}
	if (!wanted[0] && n_sections > 1) {
		set_err(err, err_size,
		        _("the configuration has %d profiles; choose one with --profile NAME or "
		          "PAYDESK_PROFILE"),
		        n_sections);
		profile_clear(&cur);
		return -1;
	}
	if (!found) {
		if (wanted[0])
			set_err(err, err_size, _("no profile [%s] in the configuration"), wanted);
		else
			set_err(err, err_size, _("the configuration has no profile"));
		profile_clear(&cur);
		return -1;
	}

	/* Defaults and checks. */
	if (!cur.platform[0])
		copy_field(cur.platform, sizeof cur.platform, "stripe");
	const struct provider_platform *pl = provider_platform_find(cur.platform);
	if (!pl) {
		set_err(err, err_size, _("profile [%s]: unknown platform '%s' (known: %s)"),
		        cur.name, cur.platform, provider_platform_names());
		profile_clear(&cur);
		return -1;
	}
	for (size_t i = 0; i < N_PLATFORM_SETTINGS; i++) {
		if (seen[i] && strcmp(platform_settings[i].platform, cur.platform) != 0) {
			set_err(err, err_size,
			        _("line %d: %s is a setting of platform %s, and profile [%s] is "
			          "on platform %s"),
			        seen[i], platform_settings[i].key, platform_settings[i].platform,
			        cur.name, cur.platform);
			profile_clear(&cur);
			return -1;
		}
	}
	if (key_file_line && strcmp(cur.platform, "stripe") != 0) {
		set_err(err, err_size,
		        _("line %d: key_file is Stripe's API key; profile [%s] is on platform %s, "
		          "whose keys have settings of their own (see the README)"),
		        key_file_line, cur.name, cur.platform);
		profile_clear(&cur);
		return -1;
	}
	if (!cur.api_base[0])
		copy_field(cur.api_base, sizeof cur.api_base, pl->default_api_base);
	size_t blen = strlen(cur.api_base);
	while (blen > 0 && cur.api_base[blen - 1] == '/')
		cur.api_base[--blen] = '\0';
	char sub[256];
	if (profile_check_api_base(cur.api_base, sub, sizeof sub) != 0) {
		set_err(err, err_size, _("profile [%s]: %s"), cur.name, sub);
		profile_clear(&cur);
		return -1;
	}
	if (cur.refund_limit == 0 && !cur.refund_limit_currency[0])
		cur.refund_limit = -1;

	char data_dir[900];
	if (xdg_dir("XDG_DATA_HOME", ".local/share", data_dir, sizeof data_dir) != 0) {
		set_err(err, err_size, _("neither XDG_DATA_HOME nor HOME is set"));
		profile_clear(&cur);
		return -1;
	}
	snprintf(cur.cache_path, sizeof cur.cache_path, "%s/%s.db", data_dir, cur.name);

	/* Stripe's key: the key file when one is named, else the environment. */
	if (strcmp(cur.platform, "stripe") != 0) {
		/* The signing platforms' key files are read when the platform opens. */
	} else if (key_file[0]) {
		char path[1024];
		if (key_file[0] == '~' && key_file[1] == '/' && getenv("HOME"))
			snprintf(path, sizeof path, "%s/%s", getenv("HOME"), key_file + 2);
		else if (key_file[0] != '/' && config_dir)
			snprintf(path, sizeof path, "%s/%s", config_dir, key_file);
		else
			snprintf(path, sizeof path, "%s", key_file);
		if (profile_read_key_file(path, cur.key, sizeof cur.key, err, err_size) != 0) {
			profile_clear(&cur);
			return -1;
		}
	} else {
		const char *env = getenv("PAYDESK_API_KEY");
		if (env && *env && !copy_field(cur.key, sizeof cur.key, env)) {
			set_err(err, err_size, _("PAYDESK_API_KEY is too long to be an API key"));
			profile_clear(&cur);
			return -1;
		}
	}
	*out = cur;
	profile_clear(&cur);
	return 0;
}

int profile_load(const char *name, struct profile *out, char *err, size_t err_size)
{
	profile_clear(out);
	if (!name || !*name) {
		const char *env = getenv("PAYDESK_PROFILE");
		name = env && *env ? env : NULL;
	}
	char dir[900], path[1024];
	if (xdg_dir("XDG_CONFIG_HOME", ".config", dir, sizeof dir) != 0) {
		set_err(err, err_size, _("neither XDG_CONFIG_HOME nor HOME is set"));
		return -1;
	}
	snprintf(path, sizeof path, "%s/config", dir);
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			set_err(err, err_size,
			        _("no configuration file %s; create it with a [NAME] section "
			          "(platform, api_base, key_file, role), or set PAYDESK_API_KEY "
			          "and use --demo"),
			        path);
		else
			set_err(err, err_size, _("cannot read %s: %s"), path, strerror(errno));
		return -1;
	}
	char *text = malloc(PROFILE_MAX_CONFIG + 1);
	if (!text) {
		fclose(f);
		set_err(err, err_size, _("out of memory"));
		return -1;
	}
	size_t n = fread(text, 1, PROFILE_MAX_CONFIG + 1, f);
	int read_error = ferror(f);
	fclose(f);
	if (read_error || n > PROFILE_MAX_CONFIG) {
		set_err(err, err_size, read_error ? _("cannot read %s") : _("%s is too large"),
		        path);
		free(text);
		return -1;
	}
	text[n] = '\0';
	if (memchr(text, '\0', n)) {
		set_err(err, err_size, _("%s is not a text file"), path);
		free(text);
		return -1;
	}
	char sub[700];
	int rc = profile_parse(text, dir, name, out, sub, sizeof sub);
	free(text);
	if (rc != 0)
		set_err(err, err_size, "%s: %s", path, sub);
	return rc;
}

int profile_demo(const char *api_base, const char *cache_path, struct profile *out, char *err,
                 size_t err_size)
{
	profile_clear(out);
	copy_field(out->name, sizeof out->name, "demo");
	copy_field(out->platform, sizeof out->platform, "stripe");
	if (profile_check_api_base(api_base, err, err_size) != 0 ||
	    !copy_field(out->api_base, sizeof out->api_base, api_base) ||
	    !copy_field(out->cache_path, sizeof out->cache_path, cache_path)) {
		if (err && !err[0])
			set_err(err, err_size, _("demo profile: a path is too long"));
		profile_clear(out);
		return -1;
	}
	const char *env = getenv("PAYDESK_API_KEY");
	copy_field(out->key, sizeof out->key,
	           env && *env && strlen(env) < sizeof out->key ? env : "sk_test_demo");
	out->role = PROFILE_ROLE_MERCHANT;
	out->refund_limit = -1;
	return 0;
}

/* The first line of a small file of merchant_dir into out. 0, or -1 with err. */
static int read_id_file(const char *dir, const char *name, char *out, size_t size, char *err,
                        size_t err_size)
{
	char path[1100];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	size_t len;
	char *text = profile_read_file(path, 4096, false, &len, err, err_size);
	if (!text)
		return -1;
	char *t = trim(text);
	char *nl = strpbrk(t, "\r\n");
	if (nl)
		*nl = '\0';
	bool ok = *t && copy_field(out, size, t);
	free(text);
	if (!ok)
		set_err(err, err_size, _("%s holds no id"), path);
	return ok ? 0 : -1;
}

int profile_demo_platform(const char *platform, const char *api_base, const char *merchant_dir,
                          const char *cache_path, struct profile *out, char *err, size_t err_size)
{
	if (profile_demo(api_base, cache_path, out, err, err_size) != 0)
		return -1;
	if (strcmp(platform, "stripe") == 0)
		return 0;
	copy_field(out->platform, sizeof out->platform, platform);
	memset(out->key, 0, sizeof out->key);
	/* The Chinese platforms' days are China Standard Time: so are the demo's screens. */
	copy_field(out->timezone, sizeof out->timezone, "Asia/Shanghai");
	int rc = -1;
	if (strcmp(platform, "wechatpay") == 0) {
		rc = read_id_file(merchant_dir, "mchid", out->merchant_id, sizeof out->merchant_id,
		                  err, err_size);
		if (rc == 0)
			rc = read_id_file(merchant_dir, "merchant_serial", out->merchant_serial,
			                  sizeof out->merchant_serial, err, err_size);
		if (rc == 0)
			rc = read_id_file(merchant_dir, "wechatpay_public_key_id",
			                  out->platform_key_id, sizeof out->platform_key_id, err,
			                  err_size);
		snprintf(out->private_key_file, sizeof out->private_key_file,
		         "%s/apiclient_key.pem", merchant_dir);
		snprintf(out->secret_file, sizeof out->secret_file, "%s/apiv3_key", merchant_dir);
		snprintf(out->platform_key_file, sizeof out->platform_key_file,
		         "%s/wechatpay_public_key.pem", merchant_dir);
	} else if (strcmp(platform, "alipay") == 0) {
		rc = read_id_file(merchant_dir, "app_id", out->merchant_id, sizeof out->merchant_id,
		                  err, err_size);
		snprintf(out->private_key_file, sizeof out->private_key_file,
		         "%s/app_private_key.pem", merchant_dir);
		snprintf(out->platform_key_file, sizeof out->platform_key_file,
		         "%s/alipay_public_key.pem", merchant_dir);
	} else {
		set_err(err, err_size, _("unknown platform '%s' (known: %s)"), platform,
		        provider_platform_names());
	}
	if (rc != 0)
		profile_clear(out);
	return rc;
}
