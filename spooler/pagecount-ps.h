/*
 * pagecount-ps.h - page analysis of PostScript: DSC comments, in-document
 * copies, and Ghostscript in a limited child when DSC is missing or
 * untrustworthy.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_PAGECOUNT_PS_H
#define FM_PAGECOUNT_PS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spooler/pagecount.h"
#include "spooler/pagetally.h"

/*
 * 'fm_pagecount_ps_scan()' - scans a PostScript document of len bytes
 * at buf into *t: every page with its colour and in-data repeats, and
 * the document's own copies, from its DSC comments or, when they cannot
 * be trusted, from a Ghostscript rendering in a limited child (only if
 * opts->allow_ghostscript).  Data that cannot be counted is recorded
 * with fm_pagetally_fail() and the call still returns true; false only
 * on a system error (out of memory, no child process).  buf, opts and t
 * are borrowed and must not be NULL.
 */
bool fm_pagecount_ps_scan(const uint8_t *buf, size_t len,
    const struct fm_pagecount_opts *opts, struct fm_pagetally *t);

#endif
