/*
 * fuzz_pagecount.c - fuzz target for the whole page analysis:
 * format sniffing, PJL unwrapping and every parser behind
 * fm_pagecount_buf(), with the counting rules applied.  Checks the
 * result's invariants.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>

#include "tests/fuzz/fuzz_pagecount_driver.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_pagecount_opts o = fuzz_opts();
	struct fm_pagecount r;

	o.copies = 2;
	o.number_up = 3;
	o.sides = FM_SIDES_TWO_SIDED_LONG_EDGE;
	if (!fm_pagecount_buf(data, size, &o, &r))
		return 0;
	if (r.status != FM_PC_OK && (r.pages != 0 || r.impressions != 0))
		abort(); /* never a number for a file we could not count */
	if (r.color_pages + r.mono_pages != r.pages ||
	    r.color_impressions > r.impressions || r.sheets > r.impressions)
		abort();
	return 0;
}
