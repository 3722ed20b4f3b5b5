/* The sandbox as the Alipay OpenAPI gateway of one merchant app (see README.md here). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "sandbox/alipay/alipay.h"

static int alipay_open(struct sbx *s)
{
	struct ali_state *st = calloc(1, sizeof(*st));

	if (st == NULL)
		return -1;
	if (ali_load_merchant(s, st) != 0) {
		free(st);
		return -1;
	}
	s->pstate = st;
	return 0;
}

static void alipay_close(struct sbx *s)
{
	struct ali_state *st = ali_state(s);

	if (st == NULL)
		return;
	EVP_PKEY_free(st->app_public);
	EVP_PKEY_free(st->alipay_private);
	free(st);
	s->pstate = NULL;
}

static const struct sbx_fault_name alipay_faults[] = {
        {"badsign", ALI_FAULT_BADSIGN},
        {"dupnode", ALI_FAULT_DUPNODE},
        {"tamper", ALI_FAULT_TAMPER},
        {"20000", ALI_FAULT_20000},
};

const struct sbx_platform sbx_platform_alipay = {
        .name = "alipay",
        .summary = "Alipay's OpenAPI gateway (RSA2, GBK bills in a zip, account log)",
        .schema = ali_schema,
        .indices = ali_indices,
        .seed = ali_seed,
        .open = alipay_open,
        .close = alipay_close,
        .init_merchant = ali_init_merchant,
        .serve = ali_serve,
        .admin = ali_admin,
        .advanced = ali_settle,
        .faults = alipay_faults,
        .n_faults = sizeof(alipay_faults) / sizeof(alipay_faults[0]),
        .fault_path = "/gateway.do",
};
