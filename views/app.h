/* The terminal back office: opens the cache at once, registers the screens
 * and runs the TUI, syncing in the background unless offline. */
#ifndef PAYDESK_APP_H
#define PAYDESK_APP_H

#include "views/commands.h"

/* Runs the screens for the global options (profile, --offline, --demo,
 * --script).  Returns an exit code (EXIT_OK, EXIT_FAILED, EXIT_USAGE). */
int app_run(const struct cli_globals *globals);

#endif
