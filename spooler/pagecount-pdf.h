/*
 * pagecount-pdf.h - page analysis of PDF and PCLm through libqpdf; colour from
 * the content streams' operators, colour spaces and images, or from a rendering
 * (accurate mode).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_PAGECOUNT_PDF_H
#define FM_PAGECOUNT_PDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spooler/pagecount.h"
#include "spooler/pagetally.h"

/*
 * 'fm_pagecount_pdf_scan()' - scans a PDF (a PCLm file when pclm) of len
 * bytes at buf into *t through libqpdf: every page with its colour, and
 * the document's own copies.  In accurate mode (and only if
 * opts->allow_ghostscript) colour comes from a Ghostscript rendering in
 * a limited child.  Data that cannot be counted is recorded with
 * fm_pagetally_fail() and the call still returns true; false only on a
 * system error (out of memory, no child process).  buf, opts and t are
 * borrowed and must not be NULL.
 */
bool fm_pagecount_pdf_scan(const uint8_t *buf, size_t len,
    const struct fm_pagecount_opts *opts, bool pclm, struct fm_pagetally *t);

#endif
