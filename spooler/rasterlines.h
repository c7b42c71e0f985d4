/*
 * rasterlines.h - the run-length line encoding shared by PWG raster and
 * Apple URF: per line group a repeat byte, then runs of one pixel
 * repeated (0..127 = 1..128 times) or of literal pixels (129..255 =
 * 128..2 pixels), 128 filling the rest of the line with white.
 *
 * The scanner walks a page's compressed lines without decompressing
 * them: a colour decision only needs each distinct pixel value once.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_RASTERLINES_H
#define FM_RASTERLINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
 * fm_rasterlines_scan() - walks one page starting at *pos in buf[0..len)
 * and leaves *pos after it.  Sets *color when a pixel is not neutral.
 * Returns false with *err set (a static string) on truncated or
 * malformed data.
 */
bool fm_rasterlines_scan(const uint8_t *buf, size_t len, size_t *pos,
    const struct fm_rasterlines_page *pg, bool *color, const char **err);

#endif
