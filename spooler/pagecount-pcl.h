/*
 * pagecount-pcl.h - page analysis of PCL 5 (and PCL 3/4): form feeds outside
 * HP-GL/2, resets, binary payloads skipped, copies.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_PAGECOUNT_PCL_H
#define FM_PAGECOUNT_PCL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spooler/pagecount.h"
#include "spooler/pagetally.h"

/*
 * 'fm_pagecount_pcl_scan()' - scans a PCL 5 stream of len bytes at buf into
 * *t: every page with its colour and in-data repeats, and the document's
 * own copies.  Data that cannot be counted is recorded with
 * fm_pagetally_fail() and the call still returns true; false only on a
 * system error.  buf and t are borrowed and must not be NULL (the
 * caller, fm_pagecount_buf(), checks); nothing is allocated or kept.
 */
bool fm_pagecount_pcl_scan(
    const uint8_t *buf, size_t len, struct fm_pagetally *t);

#endif
