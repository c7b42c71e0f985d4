/*
 * fuzz_pagecount_pwg.c - fuzz target for the PWG raster page-analysis parser
 * (spooler/pagecount-pwg.c), called directly on the input by the shared
 * driver (fuzz_pagecount_driver.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "spooler/pagecount-pwg.h"

#define FUZZ_SCAN(data, size, opts, tally)                                     \
	fm_pagecount_pwg_scan(data, size, tally)
#include "tests/fuzz/fuzz_pagecount_driver.h"
