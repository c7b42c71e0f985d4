/*
 * rasterlines.h - the run-length line encoding shared by PWG raster and
 * Apple URF: per line group a repeat byte, then runs of one pixel
 * repeated (0..127 = 1..128 times) or of literal pixels (129..255 =
 * 128..2 pixels), 128 filling the rest of the line with white.
 *
 * The scanner walks a page's compressed lines without decompressing
 * them: a colour decision only needs each distinct pixel value once.
 * The page-level steps both formats share once a page header is read
 * (the size check, the walk, the tally) are here too, so that
 * pagecount-pwg.c and pagecount-urf.c keep only their headers.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_RASTERLINES_H
#define FM_RASTERLINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spooler/pagetally.h"

/* 1 000 inches at 2400 dpi is far beyond any printer. */
#define FM_RASTERLINES_MAX_DIM (1u << 22)

enum fm_rasterlines_color {
	FM_RASTERLINES_GRAY, /* no colour possible: skip pixel checks */
	FM_RASTERLINES_RGB,  /* colour when R, G, B differ */
	FM_RASTERLINES_CMYK, /* colour when C, M, Y differ */
};

struct fm_rasterlines_page {
	uint64_t width, height; /* pixels */
	unsigned pixel_bytes;   /* 1..8: bytes per run unit */
	unsigned bits;          /* bits per colour component: 8 or 16 */
	enum fm_rasterlines_color kind;
};

/*
 * 'fm_rasterlines_scan()' - walks one page starting at *pos in buf[0..len)
 * and leaves *pos after it.  Sets *color when a pixel is not neutral.
 * Returns false with *err set (a static string) on truncated or
 * malformed data.
 */
bool fm_rasterlines_scan(const uint8_t *buf, size_t len, size_t *pos,
    const struct fm_rasterlines_page *pg, bool *color, const char **err);

/*
 * 'fm_rasterlines_check_size()' - true when pg's width and height are
 * both 1 to FM_RASTERLINES_MAX_DIM; otherwise records the document as
 * damaged in *t ("absurd page size") and returns false.  NULL pg or t
 * gives false.
 */
bool fm_rasterlines_check_size(
    const struct fm_rasterlines_page *pg, struct fm_pagetally *t);

/*
 * 'fm_rasterlines_add_page()' - walks the page whose lines start at *pos
 * (just after its header), leaves *pos after it and adds the page to *t:
 * colour when color (what the header alone decided) or a pixel says so,
 * unless t does not want colour, when only the structure is walked.
 * Returns false, with the damage recorded in *t, on a malformed page,
 * and on a NULL argument.  buf is borrowed.
 */
bool fm_rasterlines_add_page(const uint8_t *buf, size_t len, size_t *pos,
    const struct fm_rasterlines_page *pg, bool color, struct fm_pagetally *t);

/*
 * 'fm_rasterlines_be32()' - the big-endian 32-bit number in the 4 bytes
 * at p (raster headers are big-endian); the caller checked they are
 * there.
 */
uint32_t fm_rasterlines_be32(const uint8_t *p);

#endif
