/*
 * fuzz_pagecount_pclxl.c - fuzz target for the PCL XL page-analysis parser
 * (spooler/pagecount-pclxl.c), called directly on the input by the shared
 * driver (fuzz_pagecount_driver.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "spooler/pagecount-pclxl.h"

#define FUZZ_SCAN(data, size, opts, tally)                                     \
	fm_pagecount_pclxl_scan(data, size, tally)
#include "tests/fuzz/fuzz_pagecount_driver.h"
