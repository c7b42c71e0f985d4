/*
 * fuzz_pagecount_pdf.c - fuzz target for the PDF page-analysis parser
 * (spooler/pagecount-pdf.c), called directly on the input by the shared
 * driver (fuzz_pagecount_driver.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "spooler/pagecount-pdf.h"

#define FUZZ_SCAN(data, size, opts, tally)                                     \
	fm_pagecount_pdf_scan(data, size, opts, false, tally)
#include "tests/fuzz/fuzz_pagecount_driver.h"
