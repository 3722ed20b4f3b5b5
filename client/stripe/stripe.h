/* Stripe v1: the platform and its JSON mapping into the model, private to client/. */
#ifndef PAYDESK_STRIPE_H
#define PAYDESK_STRIPE_H

#include <stddef.h>
#include <stdint.h>

#include "client/jdoc.h"
#include "client/model.h"
#include "client/provider.h"

/* Stripe's entry in the list of platforms. */
extern const struct provider_platform stripe_platform;

/* Maps one Stripe object (charge, payment_intent, refund, dispute, payout,
 * balance_transaction). Objects of other types give kind MODEL_NONE and 0. Returns -1 with
 * err when a kept object lacks its id, created, amount or currency. Borrowed strings point
 * into obj, which must outlive m; call model_object_clear(m) after use. */
int stripe_map_object(const struct jval *obj, struct model_object *m, char *err, size_t err_size);

/* Maps one event and the object in its data (m->kind MODEL_NONE when it is not kept). */
int stripe_map_event(const struct jval *ev, struct model_event *e, struct model_object *m,
                     char *err, size_t err_size);

/* provider_ops.payout_report (report.c). */
int stripe_payout_report(struct provider *p, int64_t from, int64_t to, int64_t *covered_from,
                         int64_t *covered_to,
                         int (*link)(void *user, const char *entry, const char *payout),
                         void *user, struct provider_result *r);

#endif
