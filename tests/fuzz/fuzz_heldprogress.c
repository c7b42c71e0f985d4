/*
 * fuzz_heldprogress.c - fuzz target for the analysis children's progress
 * records (heldcount.h).  The first byte gives the number of documents;
 * the document named must be one of them, or none.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>

#include "spooler/heldcount.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int ndocs, on = -2;

	if (size < 1)
		return 0;
	ndocs = data[0] % (FM_HELDCOUNT_MAX + 1);
	(void)fm_heldcount_progress_decode(data + 1, size - 1, ndocs, &on);
	if (on < -1 || (on >= ndocs && on != 0))
		abort();
	return 0;
}
