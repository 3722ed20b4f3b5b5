/* A translated sentence for each request outcome, for status lines and error messages. */
#include "config.h"

#include "client/client.h"

const char *provider_outcome_message(enum provider_outcome outcome)
{
	switch (outcome) {
	case PROVIDER_OK:
		return _("done");
	case PROVIDER_OFFLINE:
		return _(
		        "offline: the platform cannot be reached; check the network and try again");
	case PROVIDER_TIMEOUT:
		return _("the connection broke before the platform answered; it may have acted, "
		         "the next sync will show it");
	case PROVIDER_RATE_LIMITED:
		return _("the platform is limiting the request rate; try again in a minute");
	case PROVIDER_SERVER_ERROR:
		return _("the platform had an internal error; try again later");
	case PROVIDER_BAD_REPLY:
		return _("the platform's answer could not be read; try again later");
	case PROVIDER_AUTH:
		return _("the API key was refused: it is wrong, expired or revoked");
	case PROVIDER_FORBIDDEN:
		return _("the API key lacks a permission this needs");
	case PROVIDER_INVALID:
		return _("the platform refused the request");
	case PROVIDER_IDEMPOTENCY:
		return _("the same request is already being handled, or was sent with other "
		         "details");
	case PROVIDER_CANCELLED:
		return _("stopped");
	case PROVIDER_FORGED:
		return _("the platform's answer failed its signature check, so nothing in it was "
		         "used; if it happens again, check the platform's public key or "
		         "certificate in the profile");
	case PROVIDER_NOT_YET:
		return _("not available from the platform yet");
	}
	return _("unknown outcome");
}
