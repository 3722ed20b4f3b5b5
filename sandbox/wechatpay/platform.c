/* The sandbox as WeChat Pay API v3 for a direct merchant (直连商户). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/wechatpay/wechatpay.h"

static uint64_t mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The schema hook runs before seeding: it also loads the merchant's files, so that a
 * sandbox that cannot sign says so at once rather than after seeding a million orders. */
static int wx_prepare(struct sbx *s)
{
	struct wx_state *w;
	char v[64];

	if (s->pstate == NULL)
		s->pstate = calloc(1, sizeof(struct wx_state));
	w = s->pstate;
	if (w == NULL || wx_load_merchant(s) != 0)
		return -1;
	/* A reused store keeps the data's fixed digits and appid; a new one takes --seed's. */
	if (sbx_meta_get(s, "wx_salt", v, sizeof(v)) == 0)
		w->salt = strtoull(v, NULL, 10);
	else
		w->salt = mix(s->opt.seed ^ 0x7765636861747061ULL);
	if (sbx_meta_get(s, "wx_appid", v, sizeof(v)) == 0)
		snprintf(w->appid, sizeof(w->appid), "%.23s", v);
	else
		snprintf(w->appid, sizeof(w->appid), "wx%016llx", (unsigned long long)mix(w->salt));
	return wx_schema(s);
}

static int wx_open(struct sbx *s)
{
	struct wx_state *w = wx_state(s);
	char v[64];

	if (sbx_meta_get(s, "wx_payers", v, sizeof(v)) == 0)
		w->payers = strtoll(v, NULL, 10);
	if (w->payers <= 0)
		w->payers = 50;
	if (sbx_meta_get(s, "wx_next_withdrawal", v, sizeof(v)) == 0)
		w->next_withdrawal = strtoll(v, NULL, 10);
	/* Never withdraw for every day since 1970: without a record, the next 05:00 is next. */
	if (w->next_withdrawal <= 0) {
		w->next_withdrawal = wx_day_start(wx_day(s->opt.now)) + WX_WITHDRAW_AT;
		if (w->next_withdrawal <= s->opt.now)
			w->next_withdrawal += 86400;
	}
	return 0;
}

static void wx_close(struct sbx *s)
{
	struct wx_state *w = wx_state(s);

	if (w == NULL)
		return;
	wx_free_merchant(w);
	free(w);
	s->pstate = NULL;
}

static const struct sbx_fault_name wx_faults[] = {
        {"signtest", WX_FAULT_SIGNTEST}, {"tamper", WX_FAULT_TAMPER},   {"stale", WX_FAULT_STALE},
        {"wrongkey", WX_FAULT_WRONGKEY}, {"badhash", WX_FAULT_BADHASH},
};

const struct sbx_platform sbx_platform_wechatpay = {
        .name = "wechatpay",
        .summary = "WeChat Pay API v3, direct merchant (signed JSON, bills, complaints)",
        .schema = wx_prepare,
        .indices = wx_indices,
        .seed = wx_seed,
        .open = wx_open,
        .close = wx_close,
        .init_merchant = wx_init_merchant,
        .serve = wx_serve,
        .admin = wx_admin,
        .advanced = wx_advanced,
        .faults = wx_faults,
        .n_faults = sizeof(wx_faults) / sizeof(wx_faults[0]),
        .fault_path = "/v3/",
};
