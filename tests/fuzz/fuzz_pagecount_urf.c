/*
 * fuzz_pagecount_urf.c - fuzz target for the Apple URF page-analysis parser
 * (spooler/pagecount-urf.c), called directly on the input by the shared
 * driver (fuzz_pagecount_driver.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "spooler/pagecount-urf.h"

#define FUZZ_SCAN(data, size, opts, tally)                                     \
	fm_pagecount_urf_scan(data, size, tally)
#include "tests/fuzz/fuzz_pagecount_driver.h"
