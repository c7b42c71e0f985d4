/*
 * fuzz_money.c - fuzz target for the amount parser; checks that what
 * parses formats back to a value that parses to the same amount.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/money.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[FM_MONEY_STRMAX];
	int64_t v, again;

	if (!fm_money_parse((const char *)data, size, true, &v))
		return 0;
	if (v > FM_MONEY_MAX || v < -FM_MONEY_MAX)
		abort();
	fm_money_format(v, buf, sizeof(buf));
	if (!fm_money_parse(buf, strlen(buf), true, &again) || again != v)
		abort();
	return 0;
}
