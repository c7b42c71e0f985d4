/*
 * pagecount-text.h - page analysis of plain text, paginated as the CUPS
 * text filter (cups-filters texttopdf) lays it out.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_PAGECOUNT_TEXT_H
#define FM_PAGECOUNT_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spooler/pagetally.h"

/* texttopdf's page without a PPD: US Letter less its margins (18 pt
 * left and right, 36 pt top and bottom) at 10 characters and 6 lines
 * per inch. */
#define FM_PAGECOUNT_TEXT_COLUMNS 80
#define FM_PAGECOUNT_TEXT_LINES 60

/*
 * 'fm_pagecount_text_is_text()' - true when len bytes at buf look like
 * plain text: not empty, and no control byte but backspace, tab, line
 * feed, vertical tab, form feed, carriage return and escape (bytes from
 * 0x80 are characters: UTF-8 or a single-byte set).  NULL buf is false.
 */
bool fm_pagecount_text_is_text(const uint8_t *buf, size_t len);

/*
 * 'fm_pagecount_text_scan()' - counts the pages texttopdf prints for the
 * len bytes of text at buf into *t, all of them mono: lines of
 * FM_PAGECOUNT_TEXT_COLUMNS characters wrapped to the next line, pages
 * of FM_PAGECOUNT_TEXT_LINES lines, a form feed ending its page (an
 * empty one too), tabs to the next multiple of 8, backspace, carriage
 * return, vertical tab and the ESC 7/8/9 line moves as the filter does,
 * UTF-8 read as it does (a sequence over three bytes ends the text).
 * Always true (nothing is allocated); buf and t are borrowed and must
 * not be NULL.
 */
bool fm_pagecount_text_scan(
    const uint8_t *buf, size_t len, struct fm_pagetally *t);

#endif
