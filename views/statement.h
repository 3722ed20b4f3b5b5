/* The settlement statement: built from the ledger, rendered as text (printers, terminals,
 * the TUI preview), CSV, JSON and PDF, and printed through CUPS. */
#ifndef PAYDESK_STATEMENT_H
#define PAYDESK_STATEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "client/client.h"

enum statement_format {
	STATEMENT_TXT = 0,
	STATEMENT_CSV,
	STATEMENT_JSON,
	STATEMENT_PDF,
};

/* "txt", "csv", "json", "pdf" -> format; false for anything else. */
bool statement_format_parse(const char *name, enum statement_format *out);
/* The file name extension of a format, without the dot. */
const char *statement_format_ext(enum statement_format format);

/* Lines per printed page (66 lines at 6 lines per inch on 11-inch paper, less margins). */
#define STATEMENT_PAGE_LINES 60
/* Columns of the text statement. */
#define STATEMENT_WIDTH 80

struct statement_options {
	time_t from, to;           /* [from, to) */
	const char *timezone;      /* TZ name, e.g. "Asia/Shanghai"; NULL or "" = the system's */
	const char *currency;      /* one currency, or NULL for all */
	const char *operator_name; /* who produced it (footer) */
	time_t generated_at;
	bool single_day;  /* the range is one calendar day (shorter times) */
	bool keep_items;  /* read the items once, with the sums (text and PDF) */
	bool keep_orders; /* and their order numbers (the PDF prints them) */
};

/* Where a statement's lines come from. The document writers (text, CSV, JSON, PDF) read the
 * figures from the statement's data (struct ledger_statement: balances, category sums,
 * payouts) and its lines only through statement_items, never from the cache: the cache's
 * ledger is one source (statement_build); a platform's daily bills can be another
 * (statement_build_from). */
struct statement_source {
	/* Calls fn for each line of `currency` (NULL: of every currency) of the data's period,
	 * ordered by time then id; flags as ledger_items's (LEDGER_ITEMS_BRIEF,
	 * LEDGER_ITEMS_ORDER). Returns LEDGER_OK, LEDGER_STOPPED when fn stopped, or a
	 * failure. */
	enum ledger_status (*items)(void *ctx, const struct ledger_statement *data,
	                            const char *currency, unsigned flags, ledger_item_fn *fn,
	                            void *fn_ctx);
	/* The source's words for its last failure ("" when it has none). */
	const char *(*last_error)(void *ctx);
	void *ctx; /* borrowed: outlives the statement */
};

/* A statement ready to render. */
struct statement {
	struct statement_source source;
	struct ledger_statement *data; /* owned */
	struct statement_options opt;
	char timezone[64];    /* as configured: "" is the system's */
	char zone_name[128];  /* the zone by name, the system's resolved (statement_zone_name) */
	char zone_label[320]; /* as the header says it: for a bill platform, whether the days
	                       * are those of its bills (translated) */
	char operator_name[128];
	char *account_name; /* sanitized */
	char *account_id;   /* sanitized */
};

/* Computes the statement from the cache's ledger (which is borrowed and must outlive it).
 * Returns 0 and sets *out (statement_free), or -1 with a translated reason in err and *out
 * NULL. */
int statement_build(struct ledger *ledger, const struct statement_options *opt,
                    struct statement **out, char *err, size_t err_size);
/* Makes a statement of figures computed elsewhere: takes *data (set to NULL, freed with the
 * statement, also on failure) and reads its lines from source. opt's from, to and currency
 * are the data's. Returns 0 and sets *out, or -1 with err set. */
int statement_build_from(const struct statement_source *source, struct ledger_statement **data,
                         const struct statement_options *opt, struct statement **out, char *err,
                         size_t err_size);
void statement_free(struct statement **st);
/* The lines of the statement through its source (see struct statement_source). */
enum ledger_status statement_items(const struct statement *st, const char *currency, unsigned flags,
                                   ledger_item_fn *fn, void *ctx);
/* A translated sentence for a failed statement_items: the status's and the source's. */
void statement_items_error(const struct statement *st, enum ledger_status status, char *err,
                           size_t err_size);

/* Day boundaries in a time zone: the start of the day that `date` ("YYYY-MM-DD") names.
 * Returns 0, or -1 when the date is malformed. days_after moves by whole calendar days
 * (23- or 25-hour days across a DST change stay exact). */
int statement_day_start(const char *date, const char *timezone, int days_after, time_t *out);

/* The name of the zone a statement is computed in: the configured one, else the system's
 * as the C library finds it ($TZ, else /etc/localtime's link into the zone database, else
 * /etc/timezone; "UTC" when there is none). */
void statement_zone_name(const char *configured, char *buf, size_t size);

/* Runs the time zone in effect for the local-time calls of rendering: statement_tz_enter
 * sets TZ (remembering the previous value in saved), statement_tz_leave restores it. */
void statement_tz_enter(const char *timezone, char *saved, size_t size);
void statement_tz_leave(const char *saved);

/* Decodes one UTF-8 character at s (valid UTF-8: the sanitizer saw it); returns its
 * length and stores the code point (U+FFFD and length 1 for a byte that starts none). */
size_t statement_utf8_next(const char *s, unsigned *cp);
/* A payout's arrival day, "YYYY-MM-DD" (a calendar date, the same in every time zone). */
void statement_arrival_day(time_t arrival, char *buf, size_t size);
/* A payout's status as the Settlements screen words it ("in transit"), translated; the
 * platform's own word, sanitized, when it is not a known one. Returns buf. */
const char *statement_payout_status(const char *status, char *buf, size_t size);
/* Moves day ("YYYY-MM-DD") to the next calendar day. 0, or -1 when it is not a date. */
int statement_next_day(char day[11]);
/* A payout's check as the statement words it: "ok (12)", "MISMATCH", "NOT CHECKED". */
void statement_payout_check(const struct ledger_payout *p, char *buf, size_t size);
/* The sentence of a withdrawal that pays out a balance from before the cache's history. */
struct statement;
void statement_payout_before_history(const struct statement *st, char *buf, size_t size);
/* "YYYY-MM-DD HH:MM" (or "YYYY-MM-DD" when date_only) in the current TZ. */
void statement_time(time_t t, bool date_only, char *buf, size_t size);

/* The text statement as lines in one buffer, split into pages. */
struct statement_doc {
	char *text; /* every line, each NUL-terminated */
	size_t text_len, text_cap;
	size_t *line_off; /* start of each line in text */
	unsigned char *line_flags;
	size_t n_lines, cap_lines;
	size_t *page_first; /* first line of each page (after statement_doc_paginate) */
	size_t n_pages;
	int page_lines; /* lines per page including the footer; 0 = one long page */
	char footer_name[128];
};

/* Builds the text of the statement (header, per-currency summary, payouts, itemized
 * appendix) and paginates it with page_lines lines per page (0: no page breaks, for the
 * screen). Returns 0, or -1 with err set. The doc is the caller's (statement_doc_clear). */
int statement_doc_build(struct statement *st, int page_lines, struct statement_doc *doc, char *err,
                        size_t err_size);
void statement_doc_clear(struct statement_doc *doc);
/* The i-th line of the doc. */
const char *statement_doc_line(const struct statement_doc *doc, size_t i);
/* Lines [first, first + *count) of page p (0-based); the footer is not included. */
size_t statement_doc_page(const struct statement_doc *doc, size_t p, size_t *count);
/* The footer line of page p: operator and "Page x of y". */
void statement_doc_footer(const struct statement_doc *doc, size_t p, char *buf, size_t size);

/* Writers: each returns 0, or -1 with a translated reason in err. */
int statement_write_text(const struct statement_doc *doc, FILE *out, char *err, size_t err_size);
int statement_write_csv(struct statement *st, FILE *out, char *err, size_t err_size);
int statement_write_json(struct statement *st, FILE *out, char *err, size_t err_size);
/* Writes the PDF statement to a file (cairo needs a path), titled title. */
int statement_write_pdf(struct statement *st, const char *path, const char *title, char *err,
                        size_t err_size);

/* Writes the statement in a format to path ("-" = stdout for the text formats), through a
 * temporary file renamed into place so an interrupted run never leaves half a statement.
 * Returns 0, or -1 with err set. */
int statement_save(struct statement *st, enum statement_format format, const char *path, char *err,
                   size_t err_size);

/* Prints a file through CUPS: lp with an argument vector (no shell). printer NULL or ""
 * uses the default destination. On success returns 0 and fills job (e.g.
 * "paydesk-pdf-12"); on failure -1 with a translated reason in err. */
int statement_print(const char *path, const char *printer, const char *title, int copies, char *job,
                    size_t job_size, char *err, size_t err_size);

/* Runs a CUPS command (lp, lpstat) from an argument vector, no shell, with the environment
 * envp: its output and errors together into out (NUL-terminated, cut to fit), how it ended
 * into *status (waitpid's). Returns 0, or an errno value (ENOENT: the command is not
 * installed). */
int statement_cups_run(const char *const *argv, char *const *envp, char *out, size_t out_size,
                       int *status);

/* A file name for a statement: "statement-<account>-<from>[_<to>]-<currency>.<ext>" under
 * dir. */
void statement_default_name(const struct statement *st, enum statement_format format,
                            const char *dir, char *buf, size_t size);

/* Formatting of many amounts of one currency, exactly as money_format(MONEY_FMT_NUMBER)
 * writes them: the locale's marks are learned from money_format once, then digits are laid
 * out without its per-call lookups (a day of 100,000 lines formats 300,000 amounts). */
struct statement_money {
	char currency[4];
	const struct money_locale *loc;
	int exponent;
	char decimal[8];
	char group[8];
	size_t decimal_len, group_len;
	bool ascii; /* both marks are ASCII: an amount's display width is its length */
	bool ready; /* false: every call goes to money_format */
};
/* Room statement_money_put needs for the fast path (smaller buffers go to money_format). */
#define STATEMENT_MONEY_MAX 48
void statement_money_init(struct statement_money *m, const char *currency,
                          const struct money_locale *loc);
void statement_money_format(const struct statement_money *m, int64_t v, char *buf, size_t size);
/* The same, returning the length of what it wrote (without a format string or strlen). */
size_t statement_money_put(const struct statement_money *m, int64_t v, char *buf, size_t size);

/* The table of a currency's conversions, as every statement shows it: the cells of one day's
 * conversions from one currency (amounts of the settlement currency in `settled`'s format),
 * and the columns' titles (N_()). */
enum statement_fx_cell {
	STATEMENT_FX_DAY,
	STATEMENT_FX_FROM,
	STATEMENT_FX_COUNT,
	STATEMENT_FX_PAID,
	STATEMENT_FX_CONVERTED,
	STATEMENT_FX_FEES,
	STATEMENT_FX_RATE,
	STATEMENT_FX_CELLS
};
extern const char *const statement_fx_titles[STATEMENT_FX_CELLS];
void statement_fx_cells(const struct ledger_fx *v, const char *to,
                        const struct statement_money *settled, char cells[STATEMENT_FX_CELLS][64]);
/* What a converted item's second line says: what the customer paid, at which rate, the
 * conversion fee (in `settled`'s format); sanitized. */
void statement_fx_item(const struct ledger_item *it, const struct statement_money *settled,
                       char *buf, size_t size);

/* Amounts finer than the minor unit (fees of the bill platforms, kept in thousandths of it):
 * v in units of 10^-(exponent + scale_extra), written with exponent + decimals_extra
 * decimals, more when the digits beyond are not zeros (a digit is never hidden). "_fine"
 * writes the locale's marks as statement_money_put does; "plain" as MONEY_FMT_PLAIN does
 * (CSV, JSON). scale_extra 0 and decimals_extra 3 write fen as WeChat Pay writes fees. */
size_t statement_money_put_fine(const struct statement_money *m, int64_t v, int scale_extra,
                                int decimals_extra, char *buf, size_t size);
void statement_plain_fine(int64_t v, const char *currency, int scale_extra, int decimals_extra,
                          char *buf, size_t size);
/* The decimals beyond the currency's with which the statement writes fees: those of the
 * cache's platform (WeChat Pay's 5 for yuan: 3), 0 for most. */
int statement_fee_extra(const struct statement *st, const char *currency);

/* ---- The bills of a platform whose history is daily bills (statement_bills.c) ---- */

/* A figure's value (its bill's, its cache's or their difference) as the statement writes
 * it: counts as digits, amounts and fees with the locale's marks, fees to the platform's
 * decimals; plain for CSV and JSON. */
void statement_figure_format(const struct ledger_figure *f, const char *currency,
                             const struct money_locale *loc, int64_t v, char *buf, size_t size);
void statement_figure_plain(const struct ledger_figure *f, const char *currency, int64_t v,
                            char *buf, size_t size);
/* The bill's figure: its value when it is a number, else its text as the platform wrote
 * it (sanitized), "" when the bill has none. */
void statement_figure_bill(const struct ledger_figure *f, const char *currency,
                           const struct money_locale *loc, char *buf, size_t size);
/* The platform's words for a figure or a bill (sanitized) and, unless the catalog gives
 * those very words for its gloss (Chinese), the gloss: "手续费总金额 (Fees ...)". */
void statement_figure_name(const char *name, const char *gloss, char *buf, size_t size);
/* The translated word of a check ("equal", "MISMATCH", ...). Static. */
const char *statement_check_word(enum ledger_check check);
/* The translated name of the cache's platform ("WeChat Pay"); "" when unknown. */
const char *statement_platform_title(const struct statement *st);
/* The sentence of a bill (or days) not in the cache, or of a day without a bill. */
void statement_bill_absent(const struct statement *st, const struct ledger_bill *b, char *buf,
                           size_t size);
/* "交易账单 (Trade bill): 48 rows". */
void statement_bill_heading(const struct ledger_bill *b, char *buf, size_t size);
/* The sentence of a figure that differs: both figures and their difference. */
void statement_figure_mismatch(const struct ledger_figure *f, const char *currency,
                               const struct money_locale *loc, char *buf, size_t size);
/* For the bills' currency, the sentence that its balances begin with the first bill day
 * the cache holds; false (buf untouched) for any other currency or statement. */
bool statement_balance_from(const struct statement *st, const char *currency, char *buf,
                            size_t size);
/* What the bills come to: how many figures differ, or that all are equal, and how many
 * days are not checked. "" when there is nothing to say. */
void statement_bills_result(const struct statement *st, char *buf, size_t size);

/* Who produces a statement: $PAYDESK_OPERATOR, else the login name. */
void statement_operator(char *buf, size_t size);
/* The directory statements are kept in for printing: $XDG_DATA_HOME/paydesk/statements,
 * created 0700. Returns 0, or -1 with err set. */
int statement_dir(char *buf, size_t size, char *err, size_t err_size);

/* The CSV cell guard: writes text as an RFC 4180 field; text cells that a spreadsheet would
 * read as a formula (= + - @, tab, CR at the start) get a leading apostrophe. */
void statement_csv_cell(FILE *out, const char *text, bool is_number);

#endif
