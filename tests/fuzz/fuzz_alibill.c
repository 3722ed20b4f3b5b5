/* Alipay's bill reader (client/alipay/bill.c, alp_bill_read) on any download: a zip of GBK
 * CSV files, as the bill URL gives it.
 *
 * The first byte picks the bill (trade or signcustomer) and what the rest is: the zip file
 * itself, or the bytes of its CSV files, which the harness puts in a zip under Alipay's
 * names (GBK, or UTF-8 as some tools write them), so that fuzzing explores the GBK text and
 * the CSV and not only the zip's framing: the detail file, and after a form feed (a byte no
 * bill holds) the summary (汇总). Checked: every object as in bills.h
 * (converted text is UTF-8, the JSON the cache gets is JSON); the summary is handed over once
 * and only when the bill was read, a refusal says why; the same file reads the same twice
 * (for the inputs whose first byte has its top four bits set). */
#include "config.h"

#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include <zip.h>

#include "client/alipay/alipay.h"
#include "tests/fuzz/bills.h"
#include "tests/fuzz/fuzz.h"

static char dir[256];
static char path[300];
/* The entries' names, GBK and UTF-8. */
static char names[2][2][128];

static void cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

static void to_gbk(const char *utf8, char *out, size_t size)
{
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	CHECK(cd != (iconv_t)-1);
	char *in = (char *)utf8, *o = out;
	size_t left = strlen(utf8), room = size - 1;
	CHECK(iconv(cd, &in, &left, &o, &room) != (size_t)-1 && left == 0);
	*o = '\0';
	iconv_close(cd);
}

static void setup(void)
{
	if (dir[0])
		return;
	fuzz_private_dir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/bill.zip", dir);
	atexit(cleanup);
	static const char *const utf8[2][2] = {
	        {"20880000000000010156_20261120_业务明细.csv",
	         "20880000000000010156_20261120_业务明细(汇总).csv"},
	        {"20880000000000010156_20261120_账务明细.csv",
	         "20880000000000010156_20261120_账务明细(汇总).csv"}};
	for (int bill = 0; bill < 2; bill++) {
		to_gbk(utf8[bill][0], names[bill][0], sizeof names[bill][0]);
		to_gbk(utf8[bill][1], names[bill][1], sizeof names[bill][1]);
	}
}

static void add(zip_t *z, const char *name, const uint8_t *data, size_t n)
{
	zip_source_t *src = zip_source_buffer(z, n ? data : (const uint8_t *)"", n, 0);
	CHECK(src);
	zip_int64_t i = zip_file_add(z, name, src, ZIP_FL_ENC_RAW);
	CHECK(i >= 0);
	CHECK(zip_set_file_compression(z, (zip_uint64_t)i, ZIP_CM_STORE, 0) == 0);
}

static void write_file(const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	CHECK(f && (size == 0 || fwrite(data, 1, size, f) == size) && fclose(f) == 0);
}

static int read_bill(const char *bill, struct seen *s, char *msg, size_t msg_size)
{
	seen_init(s);
	struct provider_result r;
	memset(&r, 0, sizeof r);
	int rc = alp_bill_read(path, bill, "2026-11-20", &bill_sink, s, &r);
	CHECK(rc == 0 || rc == -1);
	if (rc != 0)
		CHECK(r.message[0] != '\0' && s->summaries == 0);
	else
		CHECK(s->summaries == 1);
	snprintf(msg, msg_size, "%s", r.message);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	if (size < 1)
		return 0;
	uint8_t how = data[0];
	int bill = how & 1;
	const char *bill_name = bill ? "signcustomer" : "trade";
	if (how & 2) {
		write_file(data + 1, size - 1);
	} else {
		const uint8_t *text = data + 1;
		size_t n = size - 1;
		const uint8_t *ff = n ? memchr(text, '\f', n) : NULL;
		size_t split = ff ? (size_t)(ff - text) : n;
		bool utf8_names = how & 4;
		static const char *const utf8[2][2] = {
		        {"2088_20261120_业务明细.csv", "2088_20261120_业务明细(汇总).csv"},
		        {"2088_20261120_账务明细.csv", "2088_20261120_账务明细(汇总).csv"}};
		int err = 0;
		zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
		CHECK(z);
		add(z, utf8_names ? utf8[bill][0] : names[bill][0], text, split);
		if (split < n)
			add(z, utf8_names ? utf8[bill][1] : names[bill][1], text + split + 1,
			    n - split - 1);
		CHECK(zip_close(z) == 0);
	}
	struct seen first;
	char msg_first[512];
	int rc = read_bill(bill_name, &first, msg_first, sizeof msg_first);
	/* Read again (for one input in eight, as reading is most of the time spent). */
	if (how & 0x80 && (how & 0x70) == 0x70) {
		struct seen second;
		char msg_second[512];
		CHECK(read_bill(bill_name, &second, msg_second, sizeof msg_second) == rc);
		CHECK(strcmp(msg_first, msg_second) == 0);
		CHECK(first.objects == second.objects && first.hash == second.hash);
	}
	return 0;
}
