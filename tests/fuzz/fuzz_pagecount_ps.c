/*
 * fuzz_pagecount_ps.c - fuzz target for the PostScript page-analysis parser
 * (spooler/pagecount-ps.c), called directly on the input by the shared
 * driver (fuzz_pagecount_driver.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "spooler/pagecount-ps.h"

#define FUZZ_SCAN(data, size, opts, tally)                                     \
	fm_pagecount_ps_scan(data, size, opts, tally)
#include "tests/fuzz/fuzz_pagecount_driver.h"
