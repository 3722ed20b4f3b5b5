/* The statement model: computing it from the ledger, time zones and day boundaries, and
 * saving it in any format atomically. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/client.h"
#include "tui/tui.h"
#include "views/statement.h"
#include "views/views.h"

bool statement_format_parse(const char *name, enum statement_format *out)
{
	static const char *const names[] = {"txt", "csv", "json", "pdf"};
	for (int i = 0; i < 4; i++) {
		if (name && strcmp(name, names[i]) == 0) {
			*out = (enum statement_format)i;
			return true;
		}
	}
	return false;
}

const char *statement_format_ext(enum statement_format format)
{
	switch (format) {
	case STATEMENT_CSV:
		return "csv";
	case STATEMENT_JSON:
		return "json";
	case STATEMENT_PDF:
		return "pdf";
	case STATEMENT_TXT:
		break;
	}
	return "txt";
}

void statement_tz_enter(const char *timezone, char *saved, size_t size)
{
	const char *old = getenv("TZ");
	/* A leading '+' marks "TZ was set" so that an empty TZ and an unset one differ. */
	snprintf(saved, size, "%s%s", old ? "+" : "", old ? old : "");
	if (timezone && *timezone) {
		if (setenv("TZ", timezone, 1) != 0)
			return; /* out of memory: local time stays the system's */
	}
	tzset();
}

void statement_tz_leave(const char *saved)
{
	if (saved[0] == '+') {
		if (setenv("TZ", saved + 1, 1) != 0)
			unsetenv("TZ");
	} else {
		unsetenv("TZ");
	}
	tzset();
}

int statement_day_start(const char *date, const char *timezone, int days_after, time_t *out)
{
	int y, m, d, n = 0;
	if (!date || sscanf(date, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || date[n] != '\0' ||
	    n != 10 || m < 1 || m > 12 || d < 1 || d > 31 || y < 1970)
		return -1;
	char saved[128];
	statement_tz_enter(timezone, saved, sizeof saved);
	struct tm tm = {0};
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	time_t check = mktime(&tm);
	/* mktime normalises 2026-02-30 into March: refuse dates that do not exist. */
	bool valid = check != (time_t)-1 && tm.tm_year == y - 1900 && tm.tm_mon == m - 1 &&
	             tm.tm_mday == d;
	struct tm when = {0};
	when.tm_year = y - 1900;
	when.tm_mon = m - 1;
	when.tm_mday = d + days_after;
	when.tm_isdst = -1;
	time_t t = mktime(&when);
	statement_tz_leave(saved);
	if (!valid || t == (time_t)-1)
		return -1;
	*out = t;
	return 0;
}

void statement_arrival_day(time_t arrival, char *buf, size_t size)
{
	struct tm tm;
	/* The platform gives the day as its 00:00 UTC: read it in UTC, whatever the zone. */
	if (!gmtime_r(&arrival, &tm) || strftime(buf, size, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, size, "%lld", (long long)arrival);
}

const char *statement_payout_status(const char *status, char *buf, size_t size)
{
	char clean[128];
	tui_sanitize(status ? status : "", status ? strlen(status) : 0, clean, sizeof clean, 0);
	/* The Settlements screen's words for the same states. */
	const char *label = views_label(clean, buf, size);
	if (label != buf)
		snprintf(buf, size, "%s", label);
	return buf;
}

int statement_next_day(char day[11])
{
	int y, m, d, n = 0;
	if (sscanf(day, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10)
		return -1;
	/* A calendar date: counted in UTC, where every day has 24 hours. */
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + 1, .tm_hour = 12};
	time_t t = timegm(&tm);
	struct tm next;
	if (t == (time_t)-1 || !gmtime_r(&t, &next) || strftime(day, 11, "%Y-%m-%d", &next) != 10)
		return -1;
	return 0;
}

void statement_payout_check(const struct ledger_payout *p, char *buf, size_t size)
{
	if (p->recon == LEDGER_RECON_MATCH)
		snprintf(buf, size, _("ok (%lld)"), (long long)p->txn_count);
	else if (p->recon == LEDGER_RECON_MISMATCH)
		snprintf(buf, size, "%s", _("MISMATCH"));
	else
		snprintf(buf, size, "%s", _("NOT CHECKED"));
}

void statement_payout_before_history(const struct statement *st, char *buf, size_t size)
{
	const struct provider_platform *pl = st->data->platform;
	const struct ledger_bills *bs = st->data->bills;
	int days = pl && pl->history_days > 0 ? pl->history_days : 90;
	if (bs && bs->first_day[0])
		snprintf(buf, size,
		         _("NOT CHECKED: this withdrawal pays out a balance begun before %s, the "
		           "first bill day the cache holds; its earlier entries cannot be in the "
		           "cache (%s keeps bills for %d days), so it cannot be reconciled from "
		           "it."),
		         bs->first_day, statement_platform_title(st), days);
	else
		snprintf(buf, size,
		         _("NOT CHECKED: this withdrawal pays out a balance begun before the first "
		           "bill day the cache holds; its earlier entries cannot be in the cache "
		           "(%s keeps bills for %d days), so it cannot be reconciled from it."),
		         statement_platform_title(st), days);
}

void statement_time(time_t t, bool date_only, char *buf, size_t size)
{
	struct tm tm;
	if (!localtime_r(&t, &tm)) {
		snprintf(buf, size, "%lld", (long long)t);
		return;
	}
	if (strftime(buf, size, date_only ? "%Y-%m-%d" : "%Y-%m-%d %H:%M", &tm) == 0 && size)
		buf[0] = '\0';
}

/* The first line of a small file, trimmed; false when it cannot be read or is empty. */
static bool first_line_of(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	bool ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	if (!ok)
		return false;
	size_t n = strcspn(buf, "\r\n");
	while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		n--;
	buf[n] = '\0';
	return n > 0;
}

/* The zone's name from a path into the zone database (".../zoneinfo/Asia/Shanghai"). */
static bool name_from_zoneinfo_path(const char *path, char *buf, size_t size)
{
	const char *at = strstr(path, "/zoneinfo/");
	if (!at || !at[10])
		return false;
	/* Debian's posix/ and right/ trees hold the same zones under the same names. */
	at += 10;
	if (strncmp(at, "posix/", 6) == 0)
		at += 6;
	else if (strncmp(at, "right/", 6) == 0)
		at += 6;
	snprintf(buf, size, "%s", at);
	return buf[0] != '\0';
}

void statement_zone_name(const char *configured, char *buf, size_t size)
{
	if (configured && *configured) {
		snprintf(buf, size, "%s", configured);
		return;
	}
	/* The system's zone is what the C library uses: TZ when set (empty means UTC), else
	 * /etc/localtime, which Debian also names in /etc/timezone. */
	const char *tz = getenv("TZ");
	if (tz) {
		if (*tz == ':')
			tz++;
		if (!*tz)
			snprintf(buf, size, "UTC");
		else if (*tz != '/' || !name_from_zoneinfo_path(tz, buf, size))
			snprintf(buf, size, "%s", tz);
		return;
	}
	char link[1024];
	ssize_t n = readlink("/etc/localtime", link, sizeof link - 1);
	if (n > 0) {
		link[n] = '\0';
		if (name_from_zoneinfo_path(link, buf, size))
			return;
	}
	if (first_line_of("/etc/timezone", buf, size))
		return;
	struct stat sb;
	if (stat("/etc/localtime", &sb) != 0) {
		snprintf(buf, size, "UTC"); /* no zone file: the C library's default */
		return;
	}
	/* A copied zone file has no name: its abbreviation and offset now say which it is. */
	time_t now = time(NULL);
	struct tm tm;
	char abbr[16] = "", off[8] = "";
	if (localtime_r(&now, &tm)) {
		strftime(abbr, sizeof abbr, "%Z", &tm);
		strftime(off, sizeof off, "%z", &tm);
	}
	if (strlen(off) == 5)
		snprintf(buf, size, "%s (UTC%.3s:%.2s)", abbr, off, off + 3);
	else
		snprintf(buf, size, "%s", abbr[0] ? abbr : "UTC");
}

/* The cache's ledger as a statement source: the items kept from the summing pass when they
 * hold what is asked, else a query of the range. */
static enum ledger_status ledger_source_items(void *ctx, const struct ledger_statement *data,
                                              const char *currency, unsigned flags,
                                              ledger_item_fn *fn, void *fn_ctx)
{
	if (data->kept && (flags & LEDGER_ITEMS_BRIEF)) {
		enum ledger_status r = ledger_statement_items(data, currency, flags, fn, fn_ctx);
		if (r != LEDGER_BAD_RANGE)
			return r;
	}
	return ledger_items(ctx, currency, data->from, data->to, flags, fn, fn_ctx);
}

static const char *ledger_source_error(void *ctx)
{
	return ledger_last_error(ctx);
}

/* Fills what every statement has beside its data: options, zone, operator, sanitized
 * account. */
static int statement_init(struct statement *st, const struct statement_options *opt, char *err,
                          size_t err_size)
{
	st->opt = *opt;
	snprintf(st->timezone, sizeof st->timezone, "%s",
	         opt->timezone && *opt->timezone ? opt->timezone : "");
	snprintf(st->operator_name, sizeof st->operator_name, "%s",
	         opt->operator_name ? opt->operator_name : "");
	st->opt.timezone = st->timezone;
	statement_zone_name(st->timezone, st->zone_name, sizeof st->zone_name);
	/* A bill platform's days are its bills': the header says whether the statement's are. */
	const struct provider_platform *pl = st->data->platform;
	if (pl && pl->history == PROVIDER_HISTORY_BILLS && pl->day_zone &&
	    strcmp(st->zone_name, pl->day_zone) == 0)
		snprintf(st->zone_label, sizeof st->zone_label, _("%s, the days of %s's bills"),
		         st->zone_name, _(pl->title));
	else if (pl && pl->history == PROVIDER_HISTORY_BILLS && pl->day_zone)
		snprintf(st->zone_label, sizeof st->zone_label, _("%s (%s's bills are of %s days)"),
		         st->zone_name, _(pl->title), pl->day_zone);
	else
		snprintf(st->zone_label, sizeof st->zone_label, "%s", st->zone_name);
	st->opt.operator_name = st->operator_name;
	st->opt.currency = NULL;
	/* Platform text is sanitized once here for every renderer. */
	st->account_name = tui_sanitize_dup(st->data->account_name, 0);
	st->account_id = tui_sanitize_dup(st->data->account_id, 0);
	if (!st->account_name || !st->account_id) {
		snprintf(err, err_size, "%s", ledger_status_message(LEDGER_NOMEM));
		return -1;
	}
	return 0;
}

int statement_build(struct ledger *ledger, const struct statement_options *opt,
                    struct statement **out, char *err, size_t err_size)
{
	*out = NULL;
	/* Payouts are those arriving on the statement's calendar days in its time zone. */
	struct ledger_period period = {.from = opt->from, .to = opt->to};
	char saved[128];
	statement_tz_enter(opt->timezone, saved, sizeof saved);
	ledger_arrival_days(opt->from, opt->to, &period.arrival_from, &period.arrival_to);
	unsigned flags = (opt->keep_items ? LEDGER_KEEP_ITEMS : 0) |
	                 (opt->keep_orders ? LEDGER_KEEP_ORDERS : 0);
	struct ledger_statement *data = NULL;
	/* In the statement's zone too: its conversions are summed by its days. */
	enum ledger_status r =
	        ledger_statement_load_period(ledger, &period, opt->currency, flags, &data);
	statement_tz_leave(saved);
	if (r != LEDGER_OK) {
		if (r == LEDGER_DB)
			snprintf(err, err_size, "%s: %s", ledger_status_message(r),
			         ledger_last_error(ledger));
		else
			snprintf(err, err_size, "%s", ledger_status_message(r));
		return -1;
	}
	struct statement_source source = {ledger_source_items, ledger_source_error, ledger};
	return statement_build_from(&source, &data, opt, out, err, err_size);
}

int statement_build_from(const struct statement_source *source, struct ledger_statement **data,
                         const struct statement_options *opt, struct statement **out, char *err,
                         size_t err_size)
{
	*out = NULL;
	struct statement *st = calloc(1, sizeof *st);
	if (!st) {
		ledger_statement_free(data);
		snprintf(err, err_size, "%s", ledger_status_message(LEDGER_NOMEM));
		return -1;
	}
	st->source = *source;
	st->data = *data;
	*data = NULL;
	if (statement_init(st, opt, err, err_size) != 0) {
		statement_free(&st);
		return -1;
	}
	*out = st;
	return 0;
}

enum ledger_status statement_items(const struct statement *st, const char *currency, unsigned flags,
                                   ledger_item_fn *fn, void *ctx)
{
	return st->source.items(st->source.ctx, st->data, currency, flags, fn, ctx);
}

void statement_items_error(const struct statement *st, enum ledger_status status, char *err,
                           size_t err_size)
{
	const char *why = st->source.last_error ? st->source.last_error(st->source.ctx) : "";
	if (why && *why)
		snprintf(err, err_size, "%s: %s", ledger_status_message(status), why);
	else
		snprintf(err, err_size, "%s", ledger_status_message(status));
}

void statement_free(struct statement **st)
{
	if (!st || !*st)
		return;
	ledger_statement_free(&(*st)->data);
	free((*st)->account_name);
	free((*st)->account_id);
	free(*st);
	*st = NULL;
}

/* Keeps [A-Za-z0-9_-] of text for a file name; others become '_'. */
static void file_safe(const char *text, char *buf, size_t size)
{
	size_t j = 0;
	for (size_t i = 0; text && text[i] && j + 1 < size; i++) {
		char c = text[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		          (c >= '0' && c <= '9') || c == '-' || c == '_';
		buf[j++] = ok ? c : '_';
	}
	if (size)
		buf[j] = '\0';
}

void statement_default_name(const struct statement *st, enum statement_format format,
                            const char *dir, char *buf, size_t size)
{
	char saved[128], from[32], last[32], account[64], cur[8];
	statement_tz_enter(st->timezone, saved, sizeof saved);
	statement_time(st->data->from, true, from, sizeof from);
	/* The last day the range covers is the day of its last second. */
	statement_time(st->data->to - 1, true, last, sizeof last);
	statement_tz_leave(saved);
	file_safe(st->data->account_id[0] ? st->data->account_id : "cache", account,
	          sizeof account);
	file_safe(st->data->n_currencies == 1 ? st->data->currencies[0].currency : "all", cur,
	          sizeof cur);
	if (strcmp(from, last) == 0)
		snprintf(buf, size, "%s%sstatement-%s-%s-%s.%s", dir ? dir : "", dir ? "/" : "",
		         account, from, cur, statement_format_ext(format));
	else
		snprintf(buf, size, "%s%sstatement-%s-%s_%s-%s.%s", dir ? dir : "", dir ? "/" : "",
		         account, from, last, cur, statement_format_ext(format));
}

/* Writes a text format into an open stream. */
static int write_stream(struct statement *st, enum statement_format format, FILE *f, char *err,
                        size_t err_size)
{
	if (format == STATEMENT_CSV)
		return statement_write_csv(st, f, err, err_size);
	if (format == STATEMENT_JSON)
		return statement_write_json(st, f, err, err_size);
	struct statement_doc doc = {0};
	if (statement_doc_build(st, STATEMENT_PAGE_LINES, &doc, err, err_size) != 0)
		return -1;
	int r = statement_write_text(&doc, f, err, err_size);
	statement_doc_clear(&doc);
	return r;
}

/* Writes to a file that is not a regular one, in place. */
static int save_special(struct statement *st, enum statement_format format, const char *path,
                        char *err, size_t err_size)
{
	if (format == STATEMENT_PDF) {
		char title[256];
		statement_default_name(st, format, NULL, title, sizeof title);
		return statement_write_pdf(st, path, title, err, err_size);
	}
	FILE *f = fopen(path, "w");
	if (!f) {
		snprintf(err, err_size, _("cannot write %s: %s"), path, strerror(errno));
		return -1;
	}
	int r = write_stream(st, format, f, err, err_size);
	if (fflush(f) != 0) {
		if (r == 0)
			snprintf(err, err_size, _("writing %s failed: %s"), path, strerror(errno));
		r = -1;
	}
	if (fclose(f) != 0 && r == 0) {
		snprintf(err, err_size, _("writing %s failed: %s"), path, strerror(errno));
		r = -1;
	}
	return r;
}

int statement_save(struct statement *st, enum statement_format format, const char *path, char *err,
                   size_t err_size)
{
	if (strcmp(path, "-") == 0 && format != STATEMENT_PDF) {
		if (write_stream(st, format, stdout, err, err_size) != 0)
			return -1;
		if (fflush(stdout) != 0) {
			snprintf(err, err_size, _("writing the statement failed: %s"),
			         strerror(errno));
			return -1;
		}
		return 0;
	}
	if (strcmp(path, "-") == 0) {
		snprintf(err, err_size, "%s", _("a PDF statement needs a file: use --output FILE"));
		return -1;
	}
	/* A device or a pipe (/dev/stdout, a FIFO) is written as it is: it cannot be replaced
	 * by a file renamed over it. */
	struct stat sb;
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		if (S_ISDIR(sb.st_mode)) {
			snprintf(err, err_size, _("cannot write %s: %s"), path, strerror(EISDIR));
			return -1;
		}
		return save_special(st, format, path, err, err_size);
	}
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path) >= (int)sizeof tmp) {
		snprintf(err, err_size, "%s", _("the output file name is too long"));
		return -1;
	}
	int fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, err_size, _("cannot create a file next to %s: %s"), path,
		         strerror(errno));
		return -1;
	}
	/* Statements are business records: readable by the group, not the world. */
	if (fchmod(fd, 0640) != 0) {
		snprintf(err, err_size, _("cannot create a file next to %s: %s"), path,
		         strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	int r;
	if (format == STATEMENT_PDF) {
		close(fd);
		char title[256];
		statement_default_name(st, format, NULL, title, sizeof title);
		r = statement_write_pdf(st, tmp, title, err, err_size);
	} else {
		FILE *f = fdopen(fd, "w");
		if (!f) {
			snprintf(err, err_size, _("cannot write %s: %s"), tmp, strerror(errno));
			close(fd);
			unlink(tmp);
			return -1;
		}
		r = write_stream(st, format, f, err, err_size);
		/* A full disk often shows only at the flush or the close. */
		if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
			if (r == 0)
				snprintf(err, err_size, _("writing %s failed: %s"), path,
				         strerror(errno));
			r = -1;
		}
		if (fclose(f) != 0 && r == 0) {
			snprintf(err, err_size, _("writing %s failed: %s"), path, strerror(errno));
			r = -1;
		}
	}
	if (r == 0 && rename(tmp, path) != 0) {
		snprintf(err, err_size, _("cannot write %s: %s"), path, strerror(errno));
		r = -1;
	}
	if (r != 0)
		unlink(tmp);
	return r;
}

/* Who produced the statement: $PAYDESK_OPERATOR, else the login name. */
void statement_operator(char *buf, size_t size)
{
	const char *env = getenv("PAYDESK_OPERATOR");
	if (env && *env) {
		snprintf(buf, size, "%s", env);
		return;
	}
	struct passwd *pw = getpwuid(getuid());
	snprintf(buf, size, "%s", pw && pw->pw_name ? pw->pw_name : "");
}

/* The directory for statements saved for printing: $XDG_DATA_HOME/paydesk/statements,
 * created 0700. Returns 0, or -1 with err set. */
int statement_dir(char *buf, size_t size, char *err, size_t err_size)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	char base[2048];
	if (xdg && *xdg)
		snprintf(base, sizeof base, "%s/paydesk", xdg);
	else if (home && *home)
		snprintf(base, sizeof base, "%s/.local/share/paydesk", home);
	else {
		snprintf(err, err_size, "%s", _("neither XDG_DATA_HOME nor HOME is set"));
		return -1;
	}
	if (snprintf(buf, size, "%s/statements", base) >= (int)size) {
		snprintf(err, err_size, "%s", _("the output file name is too long"));
		return -1;
	}
	/* The parents may exist already; only the last mkdir's failure matters. */
	char parent[2048];
	snprintf(parent, sizeof parent, "%s", base);
	for (char *p = parent + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(parent, 0700);
			*p = '/';
		}
	}
	mkdir(parent, 0700);
	if (mkdir(buf, 0700) != 0 && errno != EEXIST) {
		snprintf(err, err_size, _("cannot create %s: %s"), buf, strerror(errno));
		return -1;
	}
	return 0;
}

const char *const statement_fx_titles[STATEMENT_FX_CELLS] = {
        N_("Day"),       N_("From"),       N_("Count"), N_("Customers paid"),
        N_("Converted"), N_("Conv. fees"), N_("Rate"),
};

void statement_fx_cells(const struct ledger_fx *v, const char *to,
                        const struct statement_money *settled, char cells[STATEMENT_FX_CELLS][64])
{
	struct statement_money from;
	statement_money_init(&from, v->from, money_locale_current());
	snprintf(cells[STATEMENT_FX_DAY], 64, "%s", v->day);
	money_currency_upper(v->from, cells[STATEMENT_FX_FROM]);
	snprintf(cells[STATEMENT_FX_COUNT], 64, "%lld", (long long)v->count);
	statement_money_format(&from, v->presented, cells[STATEMENT_FX_PAID], 64);
	statement_money_format(settled, v->settled, cells[STATEMENT_FX_CONVERTED], 64);
	/* A fee as a cost, as the statements' fee lines show fees. */
	statement_money_format(settled, -v->fees, cells[STATEMENT_FX_FEES], 64);
	ledger_fx_rate(v, to, cells[STATEMENT_FX_RATE], 64);
}

void statement_fx_item(const struct ledger_item *it, const struct statement_money *settled,
                       char *buf, size_t size)
{
	struct statement_money from;
	char paid[64], fee[64], code[4], rate[64];
	statement_money_init(&from, it->presentment_currency, money_locale_current());
	statement_money_format(&from, it->presentment_amount, paid, sizeof paid);
	statement_money_format(settled, -it->fx_fee, fee, sizeof fee);
	money_currency_upper(it->presentment_currency, code);
	tui_sanitize(it->exchange_rate, strlen(it->exchange_rate), rate, sizeof rate, 0);
	if (it->fx_fee)
		snprintf(buf, size, _("paid %s %s at %s, conversion fee %s"), paid, code, rate,
		         fee);
	else
		snprintf(buf, size, _("paid %s %s at %s"), paid, code, rate);
}
