/*
 * fuzz_media.c - fuzz target for the paper size parser; checks that what
 * parses is a size a sheet can have and describes itself in bounds.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/media.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[FM_MEDIA_DESCMAX];
	struct fm_media m;

	if (!fm_media_parse((const char *)data, size, &m))
		return 0;
	if (m.width <= 0 || m.length < m.width || m.length > 1000000 ||
	    strnlen(m.name, sizeof(m.name)) == sizeof(m.name))
		abort();
	fm_media_describe(&m, buf, sizeof(buf));
	if (strnlen(buf, sizeof(buf)) == sizeof(buf))
		abort();
	return 0;
}
