/* Translation macros shared by every layer. English is the source language. */
#ifndef PAYDESK_I18N_H
#define PAYDESK_I18N_H

#ifdef ENABLE_NLS
#include <libintl.h>
#define _(s)        gettext(s)
#define P_(s, p, n) ngettext((s), (p), (n))
#else
#define _(s)        (s)
#define P_(s, p, n) ((n) == 1 ? (s) : (p))
#endif
/* Marks a string for extraction; it is translated where it is shown. */
#define N_(s) (s)

#endif
