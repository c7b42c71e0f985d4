/*
 * fuzz_date.c - fuzz target for the YYYY-MM-DD parser; a parsed date
 * formats back to the same text.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "quota/period.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[FM_PERIOD_STRMAX];
	int64_t t;

	setenv("TZ", "UTC", 0);
	if (!fm_period_parse_date((const char *)data, size, &t))
		return 0;
	fm_period_format_date(t, buf, sizeof(buf));
	if (size != 10 || memcmp(buf, data, 10) != 0)
		abort();
	return 0;
}
