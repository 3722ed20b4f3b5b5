/* The program's clock, which tests can pin with PAYDESK_NOW. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "client/client.h"

time_t paydesk_now(void)
{
	const char *pinned = getenv("PAYDESK_NOW");
	if (pinned && *pinned) {
		char *end;
		errno = 0;
		long long v = strtoll(pinned, &end, 10);
		if (errno == 0 && *end == '\0' && v > 0)
			return (time_t)v;
	}
	return time(NULL);
}
