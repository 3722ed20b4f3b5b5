/* WeChat Pay's bill reader (client/wechatpay/bill.c) on any file, as it arrives from the
 * network: gzip or plain, in pieces of any size.
 *
 * The first byte picks the bill (trade or fund-flow), how the rest arrives (as plain text; as
 * text the harness gzips, so that fuzzing explores the bill and not only gzip's framing; or
 * as a gzip stream as it is), and the size of the pieces. Checked:
 * - the same file read in pieces and read whole gives the same objects, the same rows and
 *   the same outcome with the same message: reading does not depend on how the network cut
 *   the bytes;
 * - every object has an id, a currency of three lower-case letters, and its JSON (raw,
 *   metadata, the summary) is JSON that jansson reads, valid UTF-8 included: it goes into
 *   the cache and back to the screens;
 * - the summary is handed over once, only when the file was read whole, with as many rows as
 *   were read; a wrong checksum is refused. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <strings.h>

#include <zlib.h>

#include "client/crypto.h"
#include "client/model.h"
#include "client/provider.h"
#include "client/wechatpay/wechatpay.h"
#include "tests/fuzz/bills.h"
#include "tests/fuzz/fuzz.h"

/* Reads data in pieces of step bytes (0: whole); returns finish's result and fills seen. */
static int read_bill(enum wxp_bill_kind kind, bool gz, const uint8_t *data, size_t size,
                     size_t step, const char *sha1, struct seen *s, char *msg, size_t msg_size)
{
	seen_init(s);
	struct wxp_bill *b = wxp_bill_new(kind, "2026-11-20", gz, &bill_sink, s);
	CHECK(b);
	/* each piece in a buffer of its own size, so that a read past it is seen */
	size_t at = 0;
	bool stopped = false;
	while (at < size && !stopped) {
		size_t n = step && step < size - at ? step : size - at;
		char *piece = fuzz_copy_exact(data + at, n);
		size_t took = wxp_bill_feed(b, piece, n);
		free(piece);
		CHECK(took == n || took == 0);
		stopped = took == 0;
		CHECK(stopped == (wxp_bill_error(b)[0] != '\0'));
		at += n;
	}
	struct provider_result r;
	memset(&r, 0, sizeof r);
	int rc = wxp_bill_finish(b, sha1, &r);
	CHECK(rc == 0 || rc == -1);
	if (rc != 0)
		CHECK(r.message[0] != '\0' && s->summaries == 0);
	else
		CHECK(s->summaries == 1 && s->summary_rows == wxp_bill_rows(b));
	snprintf(msg, msg_size, "%s", r.message);
	wxp_bill_free(&b);
	CHECK(!b);
	return rc;
}

static uint8_t *gzip_of(const uint8_t *data, size_t size, size_t *out_size)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	CHECK(deflateInit2(&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
	size_t cap = deflateBound(&z, (uLong)size);
	uint8_t *out = malloc(cap ? cap : 1);
	CHECK(out);
	z.next_in = (unsigned char *)data;
	z.avail_in = (uInt)size;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
	*out_size = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t how = data[0];
	enum wxp_bill_kind kind = how & 1 ? WXP_BILL_FUNDFLOW : WXP_BILL_TRADE;
	int mode = (how >> 1 & 3) % 3; /* 0 plain, 1 gzipped here, 2 a gzip stream as given */
	size_t step = (size_t)(how >> 3) + 1;
	const uint8_t *text = data + 1;
	size_t text_size = size - 1;

	/* The SHA-1 the platform would state: of the uncompressed file. */
	char sha1[41] = "";
	if (mode != 2) {
		struct crypto_digest d;
		CHECK(crypto_digest_init(&d, false) == 0);
		crypto_digest_update(&d, text, text_size);
		crypto_digest_hex(&d, sha1, sizeof sha1);
	}
	const uint8_t *file = text;
	size_t file_size = text_size;
	uint8_t *gz = NULL;
	if (mode == 1)
		file = gz = gzip_of(text, text_size, &file_size);

	struct seen pieces, whole;
	char msg_pieces[512], msg_whole[512];
	const char *want = mode == 2 ? NULL : sha1;
	int rc_pieces = read_bill(kind, mode != 0, file, file_size, step, want, &pieces, msg_pieces,
	                          sizeof msg_pieces);
	int rc_whole = read_bill(kind, mode != 0, file, file_size, 0, want, &whole, msg_whole,
	                         sizeof msg_whole);
	CHECK(rc_pieces == rc_whole);
	CHECK(strcmp(msg_pieces, msg_whole) == 0);
	CHECK(pieces.objects == whole.objects && pieces.hash == whole.hash);
	CHECK(pieces.summaries == whole.summaries && pieces.summary_rows == whole.summary_rows);

	/* A file that reads is refused when its checksum is not the one stated. */
	if (rc_whole == 0 && mode != 2) {
		struct seen other;
		char msg[512];
		const char *wrong = sha1[0] == '0' ? "1000000000000000000000000000000000000000"
		                                   : "0000000000000000000000000000000000000000";
		CHECK(read_bill(kind, mode != 0, file, file_size, 0, wrong, &other, msg,
		                sizeof msg) == -1);
		CHECK(strstr(msg, "SHA-1") != NULL && other.summaries == 0);
	}
	free(gz);
	return 0;
}
