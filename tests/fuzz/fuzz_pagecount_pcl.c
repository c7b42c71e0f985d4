/*
 * fuzz_pagecount_pcl.c - fuzz target for the pcl page-analysis parser
 * (spooler/pagecount-pcl.c), called directly on the input.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdint.h>

#include "spooler/pagecount-pcl.h"
#include "spooler/pagecount.h"
#include "spooler/pagetally.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_pagetally t;

	fm_pagetally_init(&t, 2);
	fm_pagecount_pcl_scan(data, size, &t);
	fm_pagetally_finish(&t);
	return 0;
}
