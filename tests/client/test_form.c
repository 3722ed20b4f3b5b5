/* Form encoding with bracket nesting, and the HTTP layer's retry arithmetic. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "client/form.h"
#include "client/http.h"

static void test_plain_pairs(void **state)
{
	(void)state;
	struct form f;
	form_init(&f);
	assert_int_equal(form_add(&f, "charge", "ch_123"), 0);
	assert_int_equal(form_add(&f, "amount", "1250"), 0);
	assert_string_equal(f.buf, "charge=ch_123&amount=1250");
	form_free(&f);
}

static void test_escapes(void **state)
{
	(void)state;
	struct form f;
	form_init(&f);
	form_add(&f, "metadata[note]", "a b&c=d/é+%");
	assert_string_equal(f.buf, "metadata[note]=a%20b%26c%3Dd%2F%C3%A9%2B%25");
	form_free(&f);
	char out[8];
	assert_int_equal(form_encode("abcdefgh", false, out, sizeof out), 0);
	assert_string_equal(out, "");
}

static void test_json_nesting(void **state)
{
	(void)state;
	json_error_t err;
	json_t *v = json_loads("{\"order_id\":\"42\",\"tags\":[\"a\",\"b\"],\"items\":[{\"q\":2}],"
	                       "\"on\":true,\"off\":false,\"gone\":null,\"n\":-7}",
	                       JSON_PRESERVE_ORDER, &err);
	assert_non_null(v);
	struct form f;
	form_init(&f);
	assert_int_equal(form_add_json(&f, "metadata", v), 0);
	assert_string_equal(f.buf, "metadata[order_id]=42&metadata[tags][]=a&metadata[tags][]=b"
	                           "&metadata[items][0][q]=2&metadata[on]=true&metadata[off]=false"
	                           "&metadata[gone]=&metadata[n]=-7");
	form_free(&f);
	json_decref(v);
}

static void test_real_refused(void **state)
{
	(void)state;
	json_t *v = json_real(12.5);
	struct form f;
	form_init(&f);
	assert_int_equal(form_add_json(&f, "amount", v), -1);
	assert_true(f.failed);
	/* once failed, nothing more is added: the body must not be sent */
	assert_int_equal(form_add(&f, "x", "y"), -1);
	form_free(&f);
	json_decref(v);
}

static void test_backoff(void **state)
{
	(void)state;
	struct http_retry r = {
	        .max_attempts = 5, .base_ms = 200, .cap_ms = 1000, .budget_ms = 9000};
	unsigned seed = 1;
	for (int i = 0; i < 200; i++) {
		long w1 = http_backoff_ms(&r, 1, 0, &seed);
		assert_in_range(w1, 100, 200);
		long w3 = http_backoff_ms(&r, 3, 0, &seed);
		assert_in_range(w3, 400, 800);
		long w9 = http_backoff_ms(&r, 9, 0, &seed);
		assert_in_range(w9, 500, 1000); /* capped */
	}
	/* Retry-After wins when longer, and is bounded */
	assert_int_equal(http_backoff_ms(&r, 1, 3, &seed), 3000);
	assert_int_equal(http_backoff_ms(&r, 1, 3600, &seed), 30000);
}

static void test_retry_decisions(void **state)
{
	(void)state;
	struct provider_result r = {0};
	r.outcome = PROVIDER_SERVER_ERROR;
	assert_true(http_should_retry(&r, -1));
	assert_false(http_should_retry(&r, 0)); /* Stripe-Should-Retry: false */
	r.outcome = PROVIDER_RATE_LIMITED;
	assert_true(http_should_retry(&r, -1));
	r.outcome = PROVIDER_INVALID;
	r.http_status = 400;
	assert_false(http_should_retry(&r, -1));
	r.outcome = PROVIDER_AUTH;
	assert_false(http_should_retry(&r, -1));
	r.outcome = PROVIDER_IDEMPOTENCY;
	r.http_status = 409;
	assert_true(http_should_retry(&r, -1));
	r.http_status = 400;
	assert_false(http_should_retry(&r, -1));
	r.outcome = PROVIDER_TIMEOUT;
	assert_true(http_should_retry(&r, -1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_plain_pairs),  cmocka_unit_test(test_escapes),
	        cmocka_unit_test(test_json_nesting), cmocka_unit_test(test_real_refused),
	        cmocka_unit_test(test_backoff),      cmocka_unit_test(test_retry_decisions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
