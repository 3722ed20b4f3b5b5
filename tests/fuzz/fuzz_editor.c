/* What $EDITOR wrote, read back as the text of dispute evidence or of an answer to a
 * complaint (views/editor.c, views_editor_text), against jansson as the oracle of UTF-8:
 * the text is taken exactly when jansson takes it as a JSON string (which is how it goes to
 * the platform) and it holds no NUL; taken, it is the bytes written without their final
 * line breaks; refused, the reason names a line the text has. */
#include "config.h"

#include <stdio.h>

#include <jansson.h>

#include "tests/fuzz/fuzz.h"
#include "views/views.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_copy(data, size);
	json_t *oracle = json_stringn((const char *)data, size);
	bool is_text = oracle && memchr(data, '\0', size) == NULL;
	json_decref(oracle);
	char why[200] = "";
	int rc = views_editor_text(text, size, why, sizeof why);
	CHECK(rc == 0 || rc == -1);
	CHECK((rc == 0) == is_text);
	if (rc == 0) {
		size_t n = size;
		while (n > 0 && (data[n - 1] == '\n' || data[n - 1] == '\r'))
			n--;
		CHECK(strlen(text) == n && memcmp(text, data, n) == 0);
		json_t *j = json_string(text);
		CHECK(j);
		json_decref(j);
	} else {
		int line = 0, lines = 1;
		for (size_t i = 0; i < size; i++)
			lines += data[i] == '\n';
		CHECK(sscanf(why, "line %d", &line) == 1 && line >= 1 && line <= lines);
	}
	free(text);
	return 0;
}
