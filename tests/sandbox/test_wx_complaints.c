/* --platform wechatpay complaints (消费者投诉2.0): the dated list and its limits, one
 * complaint, payer_phone decrypted with the merchant's key, the negotiation history, image
 * upload (the signature covers the meta part), the merchant's reply, completion and answer
 * to a refund request, each a signed 204. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/sandbox/wxt.h"

#define NOON "1767240000" /* 2026-01-01 12:00 Shanghai */

static struct wxt_merchant m;
static char dir[512];
static struct sbt_server srv;

static const char *str(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

static int is_error(const struct wxt_resp *r, long status, const char *code)
{
	return r->status == status && strcmp(str(r->json, "code"), code) == 0 &&
	       wxt_verify(r, m.wxpub);
}

static json_t *get(const char *path)
{
	struct wxt_resp r;
	json_t *j;

	wxt_call(&srv, &m, "GET", path, NULL, NULL, 0, &r);
	j = r.status == 200 && wxt_verify(&r, m.wxpub) ? json_incref(r.json) : NULL;
	if (j == NULL)
		sbt_diag("GET %s: %ld %s", path, r.status, r.body);
	wxt_resp_free(&r);
	return j;
}

/* Every complaint of the last 90 days, in three windows of 30 days. */
static json_t *all_complaints(void)
{
	static const char *const windows[3][2] = {{"2025-10-03", "2025-11-01"},
	                                          {"2025-11-02", "2025-12-01"},
	                                          {"2025-12-02", "2026-01-01"}};
	json_t *all = json_array();
	int w;

	for (w = 0; w < 3; w++) {
		long offset = 0, total = 1;

		while (offset < total) {
			char q[200];
			json_t *page;

			snprintf(q, sizeof(q),
			         "/v3/merchant-service/"
			         "complaints-v2?limit=50&offset=%ld&begin_date=%s&"
			         "end_date=%s",
			         offset, windows[w][0], windows[w][1]);
			page = get(q);
			if (page == NULL)
				break;
			total = (long)json_integer_value(json_object_get(page, "total_count"));
			json_array_extend(all, json_object_get(page, "data"));
			offset += (long)json_array_size(json_object_get(page, "data"));
			if (json_array_size(json_object_get(page, "data")) == 0)
				offset = total;
			json_decref(page);
		}
	}
	return all;
}

static void check_list(json_t *all)
{
	struct wxt_resp r;
	int states[3] = {0, 0, 0}, fields = 1, phones = 1, refund_type = 0;
	size_t i;

	for (i = 0; i < json_array_size(all); i++) {
		json_t *c = json_array_get(all, i);
		const char *s = str(c, "complaint_state");
		char *phone = wxt_oaep_open(m.key, str(c, "payer_phone"));
		json_t *oi = json_array_get(json_object_get(c, "complaint_order_info"), 0);

		states[0] += strcmp(s, "PENDING") == 0;
		states[1] += strcmp(s, "PROCESSING") == 0;
		states[2] += strcmp(s, "PROCESSED") == 0;
		refund_type += strcmp(str(c, "problem_type"), "REFUND") == 0 &&
		               json_integer_value(json_object_get(c, "apply_refund_amount")) > 0;
		fields &= strlen(str(c, "complaint_id")) == 27 && str(c, "complaint_time")[0] &&
		          str(c, "complaint_detail")[0] && str(c, "problem_description")[0] &&
		          strcmp(str(c, "complainted_mchid"), m.mchid) == 0 &&
		          json_is_boolean(json_object_get(c, "complaint_full_refunded")) &&
		          json_is_boolean(json_object_get(c, "incoming_user_response")) &&
		          json_is_boolean(json_object_get(c, "need_immediate_service")) &&
		          json_is_integer(json_object_get(c, "user_complaint_times")) &&
		          json_is_array(json_object_get(c, "complaint_media_list")) &&
		          strlen(str(oi, "transaction_id")) == 28 && str(oi, "out_trade_no")[0] &&
		          json_integer_value(json_object_get(oi, "amount")) > 0;
		phones &= phone && strlen(phone) == 11 && phone[0] == '1';
		free(phone);
	}
	sbt_ok(json_array_size(all) >= 20, "complaints on about 0.5%% of the orders (%zu)",
	       json_array_size(all));
	sbt_ok(states[0] && states[1] && states[2],
	       "every state: %d PENDING, %d PROCESSING, %d PROCESSED", states[0], states[1],
	       states[2]);
	sbt_ok(fields, "each complaint has the fields of the list API");
	sbt_ok(refund_type > 0, "some ask for a refund (problem_type REFUND, apply_refund_amount)");
	sbt_ok(phones, "payer_phone decrypts (RSA-OAEP) with the merchant's private key");
	wxt_call(&srv, &m, "GET",
	         "/v3/merchant-service/complaints-v2?begin_date=2025-11-01&end_date=2025-12-02",
	         NULL, NULL, 0, &r);
	sbt_ok(is_error(&r, 400, "PARAM_ERROR"), "a span of 31 days: 400 PARAM_ERROR");
	wxt_resp_free(&r);
	wxt_call(&srv, &m, "GET",
	         "/v3/merchant-service/complaints-v2?limit=51&begin_date=2025-12-01&end_date="
	         "2025-12-02",
	         NULL, NULL, 0, &r);
	sbt_ok(is_error(&r, 400, "PARAM_ERROR"), "limit 51: 400 PARAM_ERROR");
	wxt_resp_free(&r);
	wxt_call(&srv, &m, "GET", "/v3/merchant-service/complaints-v2?limit=5", NULL, NULL, 0, &r);
	sbt_ok(is_error(&r, 400, "PARAM_ERROR"), "no dates: 400 PARAM_ERROR");
	wxt_resp_free(&r);
}

/* A complaint of all in `state` (and asking for a refund, if want_refund). */
static const char *pick(json_t *all, const char *state, int want_refund, int skip)
{
	size_t i;

	for (i = json_array_size(all); i > 0; i--) {
		json_t *c = json_array_get(all, i - 1);
		int refund = strcmp(str(c, "problem_type"), "REFUND") == 0;

		if (strcmp(str(c, "complaint_state"), state) == 0 && refund == want_refund &&
		    skip-- <= 0)
			return str(c, "complaint_id");
	}
	return "";
}

static json_t *history(const char *id)
{
	char q[200];

	snprintf(q, sizeof(q),
	         "/v3/merchant-service/complaints-v2/%s/negotiation-historys?limit=50", id);
	return get(q);
}

static int last_type(json_t *h, const char *type)
{
	json_t *d = json_object_get(h, "data");

	return strcmp(str(json_array_get(d, json_array_size(d) - 1), "operate_type"), type) == 0;
}

static void post(const char *id, const char *action, const char *body, struct wxt_resp *r)
{
	char path[200];

	snprintf(path, sizeof(path), "/v3/merchant-service/complaints-v2/%s/%s", id, action);
	wxt_call(&srv, &m, "POST", path, body, NULL, 0, r);
}

static void check_actions(json_t *all)
{
	static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 1, 2, 3};
	char id[40], other[40], refund_id[40], q[300], body[1200], media[64] = "", url[256];
	struct wxt_resp r;
	json_t *c, *h;
	int i;

	snprintf(id, sizeof(id), "%s", pick(all, "PENDING", 0, 0));
	snprintf(other, sizeof(other), "%s", pick(all, "PENDING", 0, 1));
	snprintf(refund_id, sizeof(refund_id), "%s", pick(all, "PENDING", 1, 0));
	if (!refund_id[0])
		snprintf(refund_id, sizeof(refund_id), "%s", pick(all, "PROCESSING", 1, 0));
	snprintf(q, sizeof(q), "/v3/merchant-service/complaints-v2/%s", id);
	c = get(q);
	sbt_ok(c && strcmp(str(c, "complaint_id"), id) == 0 && strlen(str(c, "payer_openid")) == 28,
	       "one complaint, with payer_openid");
	json_decref(c);
	wxt_call(&srv, &m, "GET", "/v3/merchant-service/complaints-v2/200201820251201000000000000",
	         NULL, NULL, 0, &r);
	sbt_ok(is_error(&r, 404, "RESOURCE_NOT_EXISTS"), "an unknown complaint: 404");
	wxt_resp_free(&r);
	h = history(id);
	sbt_ok(h &&
	               strcmp(str(json_array_get(json_object_get(h, "data"), 0), "operate_type"),
	                      "USER_CREATE_COMPLAINT") == 0 &&
	               strlen(str(json_array_get(json_object_get(h, "data"), 0), "log_id")) == 27 &&
	               str(json_array_get(json_object_get(h, "data"), 0), "operator")[0] &&
	               json_integer_value(json_object_get(h, "total_count")) >= 1,
	       "the history starts with USER_CREATE_COMPLAINT");
	json_decref(h);
	wxt_upload(&srv, &m, "reply.png", png, sizeof(png), NULL, 0, &r);
	snprintf(media, sizeof(media), "%s", str(r.json, "media_id"));
	sbt_ok(r.status == 200 && media[0] && wxt_verify(&r, m.wxpub),
	       "images/upload: multipart meta and file, the signature over meta -> media_id");
	wxt_resp_free(&r);
	wxt_upload(&srv, &m, "reply.png", png, sizeof(png),
	           "{\"filename\":\"reply.png\",\"sha256\":\"00000000000000000000000000000000000000"
	           "00000000000000000000000000\"}",
	           0, &r);
	sbt_ok(is_error(&r, 400, "PARAM_ERROR"), "a wrong sha256 in meta: 400 PARAM_ERROR");
	wxt_resp_free(&r);
	wxt_upload(&srv, &m, "reply.png", png, sizeof(png), NULL, WXT_BAD_SIG, &r);
	sbt_ok(r.status == 401, "a bad signature over meta: 401");
	wxt_resp_free(&r);
	snprintf(q, sizeof(q), "/v3/merchant-service/images/%s", media);
	wxt_call(&srv, &m, "GET", q, NULL, NULL, 0, &r);
	sbt_ok(r.status == 200 && r.len == sizeof(png) && memcmp(r.body, png, sizeof(png)) == 0 &&
	               r.signature[0] == '\0',
	       "the image downloads back, unsigned");
	wxt_resp_free(&r);
	snprintf(body, sizeof(body),
	         "{\"complainted_mchid\":\"%s\",\"response_content\":\"您好，已为您处理\","
	         "\"response_images\":[\"%s\"]}",
	         m.mchid, media);
	post(id, "response", body, &r);
	sbt_ok(r.status == 204 && r.len == 0 && wxt_verify(&r, m.wxpub),
	       "response: 204, signed over an empty body");
	wxt_resp_free(&r);
	snprintf(q, sizeof(q), "/v3/merchant-service/complaints-v2/%s", id);
	c = get(q);
	h = history(id);
	snprintf(url, sizeof(url), "%s/v3/merchant-service/images/%s", srv.base, media);
	sbt_ok(c && strcmp(str(c, "complaint_state"), "PROCESSING") == 0 && h &&
	               last_type(h, "MERCHANT_RESPONSE") &&
	               strcmp(json_string_value(json_array_get(
	                              json_object_get(
	                                      json_array_get(
	                                              json_object_get(h, "data"),
	                                              json_array_size(json_object_get(h, "data")) -
	                                                      1),
	                                      "image_list"),
	                              0)),
	                      url) == 0,
	       "the first reply moves PENDING to PROCESSING; the history has it, with its image");
	json_decref(c);
	json_decref(h);
	{
		size_t len = (size_t)snprintf(
		        body, sizeof(body), "{\"complainted_mchid\":\"%s\",\"response_content\":\"",
		        m.mchid);

		for (i = 0; i < 201 && len + 8 < sizeof(body); i++)
			len += (size_t)snprintf(body + len, sizeof(body) - len, "好");
		snprintf(body + len, sizeof(body) - len, "\"}");
	}
	post(id, "response", body, &r);
	sbt_ok(is_error(&r, 400, "PARAM_ERROR"), "a reply of 201 characters: 400");
	wxt_resp_free(&r);
	snprintf(body, sizeof(body),
	         "{\"complainted_mchid\":\"%s\",\"response_content\":\"x\",\"response_images\":"
	         "[\"%s\",\"%s\",\"%s\",\"%s\",\"%s\"]}",
	         m.mchid, media, media, media, media, media);
	post(id, "response", body, &r);
	sbt_ok(is_error(&r, 400, "PARAM_ERROR"), "five images: 400");
	wxt_resp_free(&r);
	snprintf(body, sizeof(body), "{\"complainted_mchid\":\"%s\"}", m.mchid);
	post(id, "complete", body, &r);
	sbt_ok(r.status == 204 && wxt_verify(&r, m.wxpub), "complete: 204");
	wxt_resp_free(&r);
	snprintf(q, sizeof(q), "/v3/merchant-service/complaints-v2/%s", id);
	c = get(q);
	h = history(id);
	sbt_ok(c && strcmp(str(c, "complaint_state"), "PROCESSED") == 0 &&
	               last_type(h, "MERCHANT_CONFIRM_COMPLETE"),
	       "the complaint is PROCESSED");
	json_decref(c);
	json_decref(h);
	post(id, "complete", body, &r);
	sbt_ok(is_error(&r, 400, "INVALID_REQUEST"), "completing it again: 400 INVALID_REQUEST");
	wxt_resp_free(&r);
	post(other, "update-refund-progress", "{\"action\":\"APPROVE\",\"launch_refund_day\":3}",
	     &r);
	sbt_ok(is_error(&r, 400, "INVALID_REQUEST"),
	       "update-refund-progress where no refund was asked for: 400");
	wxt_resp_free(&r);
	post(refund_id, "update-refund-progress", "{\"action\":\"MAYBE\"}", &r);
	sbt_ok(is_error(&r, 400, "PARAM_ERROR"), "an unknown action: 400 PARAM_ERROR");
	wxt_resp_free(&r);
	post(refund_id, "update-refund-progress", "{\"action\":\"REJECT\"}", &r);
	sbt_ok(is_error(&r, 400, "PARAM_ERROR"), "REJECT without reject_reason: 400");
	wxt_resp_free(&r);
	post(refund_id, "update-refund-progress",
	     "{\"action\":\"APPROVE\",\"launch_refund_day\":3,\"remark\":\"已同意\"}", &r);
	h = history(refund_id);
	sbt_ok(r.status == 204 && wxt_verify(&r, m.wxpub) && h &&
	               last_type(h, "MERCHANT_APPROVE_REFUND"),
	       "update-refund-progress APPROVE: 204, recorded in the history");
	json_decref(h);
	wxt_resp_free(&r);
	snprintf(body, sizeof(body), "{\"complainted_mchid\":\"1900000001\"}");
	post(other, "complete", body, &r);
	sbt_ok(is_error(&r, 400, "INVALID_REQUEST"), "another complainted_mchid: 400");
	wxt_resp_free(&r);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	const char *args[] = {"--platform", "wechatpay", "--merchant", dir,  "--orders", "8000",
	                      "--days",     "90",        "--now",      NOON, NULL};
	char cmd[600];
	json_t *all;

	snprintf(dir, sizeof(dir), "%s/wx-complaints.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL || rmdir(dir) != 0 || wxt_init_merchant(dir) != 0 ||
	    wxt_load(&m, dir) != 0) {
		printf("Bail out! cannot make a merchant in %s\n", dir);
		return 1;
	}
	sbt_start(&srv, args);
	wxt_sync_clock(&srv);
	all = all_complaints();
	check_list(all);
	check_actions(all);
	json_decref(all);
	sbt_ok(sbt_stop(&srv) == 0, "the sandbox exits cleanly");
	wxt_free(&m);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		sbt_diag("could not remove %s", dir);
	return sbt_done();
}
