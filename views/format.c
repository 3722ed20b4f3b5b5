/* Formatting shared by the screens: dates in the profile's time zone (TZ),
 * money per locale, translated status labels, deadlines, JSON fields. */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client.h"
#include "views/views.h"

struct views_app views_app;

void views_data_changed(void)
{
	views_app.generation++;
	query_invalidate(views_app.query);
	tui_data_changed();
}

void views_date(time_t t, char *buf, size_t size)
{
	struct tm tm;
	if (t <= 0 || !localtime_r(&t, &tm) ||
	    /* TRANSLATORS: strftime format of a date in lists. */
	    strftime(buf, size, _("%Y-%m-%d"), &tm) == 0)
		snprintf(buf, size, "-");
}

void views_datetime(time_t t, char *buf, size_t size)
{
	struct tm tm;
	if (t <= 0 || !localtime_r(&t, &tm) ||
	    /* TRANSLATORS: strftime format of a date and time in lists. */
	    strftime(buf, size, _("%Y-%m-%d %H:%M"), &tm) == 0)
		snprintf(buf, size, "-");
}

void views_datetime_short(time_t t, char *buf, size_t size)
{
	struct tm tm, today;
	time_t now = paydesk_now();
	size_t n = 0;
	if (t > 0 && localtime_r(&t, &tm) && localtime_r(&now, &today)) {
		if (tm.tm_year == today.tm_year)
			/* TRANSLATORS: strftime format of a date and time of the current
			 * year in narrow lists (at most 11 columns). */
			n = strftime(buf, size, _("%m-%d %H:%M"), &tm);
		else
			/* TRANSLATORS: strftime format of a date of another year in narrow
			 * lists (at most 11 columns). */
			n = strftime(buf, size, _("%Y-%m-%d"), &tm);
	}
	if (n == 0)
		snprintf(buf, size, "-");
}

void views_money(int64_t amount, const char *currency, char *buf, size_t size)
{
	if (money_format(amount, currency, money_locale_current(), MONEY_FMT_NUMBER, buf, size) ==
	    0)
		snprintf(buf, size, "%lld", (long long)amount);
}

void views_money_sym(int64_t amount, const char *currency, char *buf, size_t size)
{
	if (money_format(amount, currency, money_locale_current(), MONEY_FMT_SYMBOL, buf, size) ==
	    0)
		snprintf(buf, size, "%lld", (long long)amount);
}

void views_currency(const char *currency, char *buf, size_t size)
{
	char up[4];
	money_currency_upper(currency, up);
	snprintf(buf, size, "%s", up);
}

/* Labels for values the cache stores in English identifiers. */
static const struct {
	const char *value;
	const char *label;
} labels[] = {
        {"paid", N_("paid")},
        {"pending", N_("pending")},
        {"failed", N_("failed")},
        {"refunded", N_("refunded")},
        {"partially_refunded", N_("part refunded")},
        {"disputed", N_("disputed")},
        {"succeeded", N_("succeeded")},
        {"canceled", N_("canceled")},
        {"requires_action", N_("requires action")},
        {"warning_needs_response", N_("inquiry: respond")},
        {"warning_under_review", N_("inquiry: review")},
        {"warning_closed", N_("inquiry closed")},
        {"needs_response", N_("needs response")},
        {"under_review", N_("under review")},
        {"won", N_("won")},
        {"lost", N_("lost")},
        {"prevented", N_("prevented")},
        {"in_transit", N_("in transit")},
        /* TRANSLATORS: a risk level (Risk level: normal). */
        {"normal", N_("normal")},
        /* TRANSLATORS: a risk level (Risk level: elevated). */
        {"elevated", N_("elevated")},
        /* TRANSLATORS: a risk level, the highest the platform gives (Risk level: highest). */
        {"highest", N_("highest")},
        {"not_assessed", N_("not assessed")},
        {"duplicate", N_("duplicate")},
        {"fraudulent", N_("fraudulent")},
        {"requested_by_customer", N_("requested by customer")},
        {"product_not_received", N_("product not received")},
        {"product_unacceptable", N_("product unacceptable")},
        {"subscription_canceled", N_("subscription canceled")},
        {"credit_not_processed", N_("credit not processed")},
        {"unrecognized", N_("unrecognized")},
        {"general", N_("general")},
        {"bank_cannot_process", N_("bank cannot process")},
        {"charge", N_("charge")},
        {"payment", N_("payment")},
        {"refund", N_("refund")},
        {"adjustment", N_("adjustment")},
        {"payout", N_("payout")},
        {"fee", N_("fee")},
        /* TRANSLATORS: how a payout is paid: to the merchant's bank account. */
        {"bank", N_("bank")},
        {"stripe_fee", N_("platform fee")},
        {"standard", N_("standard")},
        {"instant", N_("instant")},
};

void views_cycle(char *field, size_t size, const char *const *values, size_t n)
{
	size_t at = 0;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(values[i], field))
			at = i;
	snprintf(field, size, "%s", values[(at + 1) % n]);
}

const char *views_label(const char *value, char *buf, size_t size)
{
	if (!value || !*value)
		return "-";
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (!strcmp(labels[i].value, value))
			return _(labels[i].label);
	snprintf(buf, size, "%s", value);
	for (char *p = buf; *p; p++)
		if (*p == '_')
			*p = ' ';
	return buf;
}

int views_status_style(const char *status)
{
	if (!strcmp(status, "failed") || !strcmp(status, "disputed") || !strcmp(status, "lost") ||
	    !strcmp(status, "needs_response") || !strcmp(status, "warning_needs_response") ||
	    !strcmp(status, "canceled"))
		return TUI_STYLE_ALERT;
	if (!strcmp(status, "pending") || !strcmp(status, "in_transit") ||
	    !strcmp(status, "under_review") || !strcmp(status, "warning_under_review"))
		return TUI_STYLE_WARN;
	if (!strcmp(status, "refunded") || !strcmp(status, "partially_refunded"))
		return TUI_STYLE_DIM;
	/* Only outcomes worth a glance are coloured: "paid" is most rows, and
	 * colouring it would only cost bytes on a slow link. */
	if (!strcmp(status, "won"))
		return TUI_STYLE_GOOD;
	return TUI_STYLE_NORMAL;
}

void views_deadline(time_t due, time_t now, char *buf, size_t size, int *style)
{
	*style = TUI_STYLE_NORMAL;
	if (due <= 0) {
		snprintf(buf, size, "-");
		return;
	}
	if (due <= now) {
		snprintf(buf, size, "%s", _("past due"));
		*style = TUI_STYLE_ALERT;
		return;
	}
	long left = (long)(due - now);
	if (left < 72 * 3600) {
		/* TRANSLATORS: hours left before a deadline, marked urgent. */
		snprintf(buf, size, _("!%ld h"), (left + 3599) / 3600);
		*style = TUI_STYLE_WARN;
		return;
	}
	/* TRANSLATORS: days left before a deadline. */
	snprintf(buf, size, _("%ld d"), left / 86400);
}

void *views_rows_reserve(void *buf, int *cap, int n, size_t size)
{
	if (buf && n <= *cap)
		return buf;
	if (n < 1)
		n = 1;
	void *grown = realloc(buf, (size_t)n * size);
	if (!grown)
		return NULL;
	*cap = n;
	return grown;
}

void views_field(struct tui_lines *lines, const char *label, const char *value)
{
	int w = tui_text_width(label);
	tui_lines_addf(lines, TUI_STYLE_NORMAL, "  %s%*s  %s", label, w < 20 ? 20 - w : 0, "",
	               value && *value ? value : "-");
}

/* Adds one line per scalar inside value, prefix naming the path. */
static int json_walk(struct tui_lines *lines, const char *prefix, json_t *value, int depth)
{
	int n = 0;
	if (depth > 8)
		return 0;
	if (json_is_object(value)) {
		const char *key;
		json_t *item;
		json_object_foreach(value, key, item)
		{
			char path[256];
			snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", key);
			n += json_walk(lines, path, item, depth + 1);
		}
		return n;
	}
	if (json_is_array(value)) {
		size_t i;
		json_t *item;
		if (json_array_size(value) == 0) {
			tui_lines_addf(lines, TUI_STYLE_NORMAL, "  %s: []", prefix);
			return 1;
		}
		json_array_foreach(value, i, item)
		{
			char path[256];
			snprintf(path, sizeof path, "%s[%zu]", prefix, i);
			n += json_walk(lines, path, item, depth + 1);
		}
		return n;
	}
	char text[512];
	if (json_is_string(value))
		views_json_text(value, text, sizeof text);
	else if (json_is_integer(value))
		snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
	else if (json_is_true(value))
		snprintf(text, sizeof text, "true");
	else if (json_is_false(value))
		snprintf(text, sizeof text, "false");
	else if (json_is_null(value))
		snprintf(text, sizeof text, "null");
	else {
		char *dumped = json_dumps(value, JSON_ENCODE_ANY);
		snprintf(text, sizeof text, "%s", dumped ? dumped : "?");
		free(dumped);
	}
	tui_lines_addf(lines, TUI_STYLE_NORMAL, "  %s: %s", prefix, text);
	return 1;
}

void views_json_text(const json_t *v, char *buf, size_t size)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v), o = 0;
	for (size_t i = 0; s && i < n && o + 3 <= size; i++) {
		if (s[i] == '\0') {
			/* the sanitizer shows this as the symbol for NUL */
			buf[o++] = '\xc0';
			buf[o++] = '\x80';
		} else {
			buf[o++] = s[i];
		}
	}
	if (size)
		buf[o < size ? o : size - 1] = '\0';
}

void views_raw_fields(struct tui_lines *lines, const char *id)
{
	char *json = query_raw_json(views_app.query, id);
	if (!json)
		return;
	tui_lines_add(lines, TUI_STYLE_NORMAL, "");
	tui_lines_add(lines, TUI_STYLE_HEADER, _("Every field from the platform"));
	json_error_t error;
	json_t *root = json_loads(json, JSON_DECODE_ANY | JSON_ALLOW_NUL, &error);
	free(json);
	if (!root) {
		tui_lines_addf(lines, TUI_STYLE_ALERT, "  %s",
		               _("(the stored object is not valid JSON)"));
		return;
	}
	json_walk(lines, "", root, 0);
	json_decref(root);
}

struct tui_lines *views_detail_of(bool (*build)(struct tui_lines *, const char *), const char *id)
{
	struct tui_lines *lines = tui_lines_new();
	if (!lines)
		return NULL;
	if (!build(lines, id)) {
		tui_lines_free(lines);
		return NULL;
	}
	return lines;
}

bool views_platform_offers(unsigned need)
{
	static const struct {
		unsigned need, action;
	} acts[] = {
	        {VIEWS_NEED_ACT_EVIDENCE, PROVIDER_ACT_EVIDENCE},
	        {VIEWS_NEED_ACT_ACCEPT, PROVIDER_ACT_ACCEPT},
	        {VIEWS_NEED_ACT_REPLY, PROVIDER_ACT_REPLY},
	        {VIEWS_NEED_ACT_COMPLETE, PROVIDER_ACT_COMPLETE},
	        {VIEWS_NEED_ACT_REFUND_DECISION, PROVIDER_ACT_REFUND_DECISION},
	        {VIEWS_NEED_ACT_LOOKUP, PROVIDER_ACT_LOOKUP},
	        {VIEWS_NEED_ACT_REFUND, PROVIDER_ACT_REFUND},
	};
	const struct provider_platform *pl = views_app.platform;
	if (!pl)
		return true;
	for (size_t i = 0; i < sizeof acts / sizeof *acts; i++)
		if ((need & acts[i].need) && !(pl->actions & acts[i].action))
			return false;
	return true;
}

const char *views_word(const char *platform_word, const char *neutral)
{
	return platform_word ? _(platform_word) : _(neutral);
}
