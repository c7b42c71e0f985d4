/*
 * fuzz_pagecount_pdf.c - fuzz target for the pdf page-analysis parser
 * (spooler/pagecount-pdf.c), called directly on the input.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdint.h>

#include "spooler/pagecount-pdf.h"
#include "spooler/pagecount.h"
#include "spooler/pagetally.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_pagecount_opts o;
	struct fm_pagetally t;

	fm_pagecount_opts_init(&o);
	/* No Ghostscript children: the parser itself is under test. */
	o.allow_ghostscript = false;
	fm_pagetally_init(&t, 2);
	fm_pagecount_pdf_scan(data, size, &o, false, &t);
	fm_pagetally_finish(&t);
	return 0;
}
