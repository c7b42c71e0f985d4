/*
 * fuzz_pagecount_pjl.c - fuzz target for the PJL header parser
 * (spooler/pagecount-pjl.c); checks that the body offset stays inside
 * the input.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "spooler/pagecount-pjl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_pagecount_pjl pjl;

	if (fm_pagecount_pjl_parse(data, size, &pjl) && pjl.body >= size)
		abort();
	return 0;
}
