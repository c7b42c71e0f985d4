/*
 * fuzz_pagecount_text.c - fuzz target for the plain-text page counter
 * (spooler/pagecount-text.c), called directly on the input by the shared
 * driver (fuzz_pagecount_driver.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "spooler/pagecount-text.h"

#define FUZZ_SCAN(data, size, opts, tally)                                     \
	fm_pagecount_text_scan(data, size, tally)
#include "tests/fuzz/fuzz_pagecount_driver.h"
