/*
 * pagecount-pwg.h - page analysis of PWG raster (RaS2): page headers and
 * PackBits-style line data, colour from the pixels.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_PAGECOUNT_PWG_H
#define FM_PAGECOUNT_PWG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spooler/pagecount.h"
#include "spooler/pagetally.h"

/*
 * 'fm_pagecount_pwg_scan()' - scans a PWG raster stream of len bytes at buf
 * into *t: every page with its colour and in-data repeats, and the document's
 * own copies.  Data that cannot be counted is recorded with
 * fm_pagetally_fail() and the call still returns true; false only on a
 * system error.  buf and t are borrowed and must not be NULL (the
 * caller, fm_pagecount_buf(), checks); nothing is allocated or kept.
 */
bool fm_pagecount_pwg_scan(
    const uint8_t *buf, size_t len, struct fm_pagetally *t);

#endif
