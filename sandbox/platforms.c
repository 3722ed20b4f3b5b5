/* The platforms the sandbox can be: one line each. */
#include "config.h"

#include <string.h>

#include "sandbox/sandbox.h"

static const struct sbx_platform *const platforms[] = {
        &sbx_platform_stripe,
        &sbx_platform_wechatpay,
        &sbx_platform_alipay,
};

const struct sbx_platform *sbx_platform_find(const char *name)
{
	for (size_t i = 0; i < sizeof(platforms) / sizeof(platforms[0]); i++)
		if (strcmp(platforms[i]->name, name) == 0)
			return platforms[i];
	return NULL;
}

const char *sbx_platform_names(void)
{
	static char names[256];

	if (names[0] == '\0') {
		size_t len = 0;

		for (size_t i = 0; i < sizeof(platforms) / sizeof(platforms[0]); i++) {
			size_t n = strlen(platforms[i]->name);

			if (len + n + 3 >= sizeof(names))
				break;
			if (i) {
				memcpy(names + len, ", ", 2);
				len += 2;
			}
			memcpy(names + len, platforms[i]->name, n);
			len += n;
			names[len] = '\0';
		}
	}
	return names;
}
