/*
 * fuzz_conf.c - fuzz target for the INI configuration parser.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdint.h>

#include "common/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct settings {
	char name[FM_CONF_STRMAX];
	bool flag;
	uint64_t size, duration, count;
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fm_conf_key keys[] = {
	    {"a", "name", FM_CONF_STRING, offsetof(struct settings, name), 0,
	        0},
	    {"a", "flag", FM_CONF_BOOL, offsetof(struct settings, flag), 0, 0},
	    {"b", "size", FM_CONF_SIZE, offsetof(struct settings, size), 0,
	        UINT64_MAX},
	    {"b", "duration", FM_CONF_DURATION,
	        offsetof(struct settings, duration), 0, UINT64_MAX},
	    {"b", "count", FM_CONF_UINT, offsetof(struct settings, count), 1,
	        100},
	};
	struct settings s = {0};
	char err[FM_CONF_ERRMAX];

	fm_conf_parse((const char *)data, size, keys,
	    sizeof(keys) / sizeof(keys[0]), &s, err, sizeof(err));
	return 0;
}
