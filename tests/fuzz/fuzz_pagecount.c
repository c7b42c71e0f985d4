/*
 * fuzz_pagecount.c - fuzz target for the whole page analysis:
 * format sniffing, PJL unwrapping and every parser behind
 * fm_pagecount_buf(), with the counting rules applied.  Checks the
 * result's invariants.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "spooler/pagecount.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_pagecount_opts o;
	struct fm_pagecount r;

	fm_pagecount_opts_init(&o);
	o.allow_ghostscript = false;
	o.isolate = false; /* in-process, where the fuzzer sees coverage */
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
