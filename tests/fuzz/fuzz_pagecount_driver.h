/*
 * fuzz_pagecount_driver.h - the fuzz driver shared by the page analysis
 * targets.  Each fuzz_pagecount_<format>.c defines
 * FUZZ_SCAN(data, size, opts, tally) as the call of its parser and then
 * includes this file, which defines LLVMFuzzerTestOneInput() around it:
 * one driver, one ctest fuzz target (and seed corpus) per format.
 * Without FUZZ_SCAN (fuzz_pagecount.c, the whole analysis) it gives the
 * options all these targets run with.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_FUZZ_PAGECOUNT_DRIVER_H
#define FM_FUZZ_PAGECOUNT_DRIVER_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "spooler/pagecount.h"
#include "spooler/pagetally.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* No Ghostscript children and no isolating child: the parsers
 * themselves are under test, in-process where the fuzzer sees their
 * coverage. */
static struct fm_pagecount_opts
fuzz_opts(void)
{
	struct fm_pagecount_opts o;

	fm_pagecount_opts_init(&o);
	o.allow_ghostscript = false;
	o.isolate = false;
	return o;
}

#ifdef FUZZ_SCAN
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_pagecount_opts o = fuzz_opts();
	struct fm_pagetally t;

	(void)o; /* only the PDF and PostScript parsers take options */
	fm_pagetally_init(&t, 2);
	(void)FUZZ_SCAN(data, size, &o, &t);
	fm_pagetally_finish(&t);
	/* Whatever the data, a tally never has more colour than pages. */
	if (t.color_pages > t.pages || t.color_sides > t.sides)
		abort();
	return 0;
}
#endif

#endif
