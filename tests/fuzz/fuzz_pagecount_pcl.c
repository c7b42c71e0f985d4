/*
 * fuzz_pagecount_pcl.c - fuzz target for the PCL 5 page-analysis parser
 * (spooler/pagecount-pcl.c), called directly on the input by the shared
 * driver (fuzz_pagecount_driver.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "spooler/pagecount-pcl.h"

#define FUZZ_SCAN(data, size, opts, tally)                                     \
	fm_pagecount_pcl_scan(data, size, tally)
#include "tests/fuzz/fuzz_pagecount_driver.h"
