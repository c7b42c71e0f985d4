/*
 * pagecount-pclxl.h - page analysis of PCL XL (PCL 6) streams in both byte
 * orders: pages, PageCopies, colour of brushes, pens and images.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_PAGECOUNT_PCLXL_H
#define FM_PAGECOUNT_PCLXL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spooler/pagecount.h"
#include "spooler/pagetally.h"

/*
 * fm_pagecount_pclxl_scan() - scans a PCL XL stream of len bytes at buf into
 * *t: every page with its colour and in-data repeats, and the document's own
 * copies; data that cannot be counted is recorded with fm_pagetally_fail().
 * Returns false only on a system error (out of memory, no child process).
 */
bool fm_pagecount_pclxl_scan(
    const uint8_t *buf, size_t len, struct fm_pagetally *t);

#endif
