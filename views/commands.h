/* The paydesk program's subcommands (one line each) and what they share. */
#ifndef PAYDESK_COMMANDS_H
#define PAYDESK_COMMANDS_H

#include <stdbool.h>
#include <stdio.h>

/* Exit codes, GNU style. */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
};

/* Options given before the subcommand, and the environment's equivalents. */
struct cli_globals {
	const char *profile;  /* --profile or PAYDESK_PROFILE; NULL = the default profile */
	bool offline;         /* --offline: never touch the network */
	bool demo;            /* --demo: run against a throwaway local sandbox */
	const char *script;   /* --script FILE: headless UI test mode */
	const char *platform; /* --platform NAME: the demo's platform (default stripe) */
};

/* A subcommand gets argv with argv[0] = its own name. Returns an exit code. */
typedef int cli_command_fn(int argc, char **argv, const struct cli_globals *globals);

/* Prints untrusted text (from the platform) through the sanitizer. */
void cli_put_untrusted(FILE *out, const char *text);
/* Writes one CSV field to OUT, then ',' or (LAST) a line break: sanitized, quoted when it
 * holds a comma, quote or line break or starts with a space, and a text (not IS_NUMBER) that
 * a spreadsheet would run as a formula (=, +, -, @) defused with an apostrophe. */
void cli_csv_field(FILE *out, const char *text, bool is_number, bool last);

struct profile;
/* The cache a command that only reads it opens: CACHE (its --cache), else PAYDESK_CACHE,
 * else the profile's, loaded into *PROFILE (zeroed in the other cases; profile_clear it).
 * NULL, with the reason on stderr, when there is none. */
const char *cli_read_cache(const struct cli_globals *globals, const char *cache,
                           struct profile *profile);

/* Prints "paydesk: " and a message to stderr, then a newline. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Reads the options of a command whose only ones are -p/--profile and -h/--help, and checks
 * that `operands` arguments follow them. Returns -1 to go on, with *profile the profile
 * named (else the global one) and argv[optind] the first operand; otherwise the exit code
 * (help printed, or the usage on stderr). */
int cli_profile_options(int argc, char **argv, const struct cli_globals *globals,
                        void (*usage)(FILE *out), int operands, const char **profile);

/* Subcommands: one line each. */
cli_command_fn cmd_statement;
cli_command_fn cmd_refund;
cli_command_fn cmd_outbox;
cli_command_fn cmd_audit;
cli_command_fn cmd_sync;
cli_command_fn cmd_cache;
cli_command_fn cmd_lookup;
cli_command_fn cmd_doctor;
cli_command_fn cmd_insights;
cli_command_fn cmd_risk;

#endif
