/*
 * pagecount-pwg.c - PWG raster (PWG 5102.4): "RaS2", then per page a
 * 1796-byte big-endian header and the page's run-length encoded lines.
 *
 * Each page is walked to its end, because the optional TotalPageCount
 * in the header is 0 from many writers (Ghostscript included) and a
 * count must not trust a number the data merely claims.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "spooler/pagecount-pwg.h"
#include "spooler/rasterlines.h"

#define HDR_LEN 1796
#define OFF_DUPLEX 272
#define OFF_WIDTH 372
#define OFF_HEIGHT 376
#define OFF_BITS_COLOR 384
#define OFF_BITS_PIXEL 388
#define OFF_BYTES_LINE 392
#define OFF_COLOR_ORDER 396
#define OFF_COLOR_SPACE 400
#define OFF_NUM_COLORS 420

static enum fm_rasterlines_color
color_kind(uint32_t cs, uint32_t ncolors)
{
	switch (cs) {
	case 1:  /* RGB */
	case 19: /* sRGB */
	case 20: /* AdobeRGB */
		return FM_RASTERLINES_RGB;
	case 6: /* CMYK */
		return FM_RASTERLINES_CMYK;
	case 0:  /* W */
	case 3:  /* K */
	case 18: /* sGray */
		return FM_RASTERLINES_GRAY;
	default:
		/* Device1 is one ink; more device inks cannot be told apart
		 * from colour without knowing the inks: call them colour. */
		return ncolors <= 1 ? FM_RASTERLINES_GRAY : FM_RASTERLINES_RGB;
	}
}

bool
fm_pagecount_pwg_scan(const uint8_t *buf, size_t len, struct fm_pagetally *t)
{
	size_t pos = 4;

	if (len < 4 || memcmp(buf, "RaS2", 4) != 0) {
		fm_pagetally_fail(t, FM_PC_UNSUPPORTED, "not PWG raster");
		return true;
	}
	t->color_exact = true;
	while (pos < len) {
		struct fm_rasterlines_page pg;
		const uint8_t *h = buf + pos;
		uint32_t bpc, bpp, bpl, cs, order, ncolors;
		bool color = false;

		if (len - pos < HDR_LEN) {
			fm_pagetally_fail(
			    t, FM_PC_DAMAGED, "truncated page header");
			return true;
		}
		pg.width = fm_rasterlines_be32(h + OFF_WIDTH);
		pg.height = fm_rasterlines_be32(h + OFF_HEIGHT);
		bpc = fm_rasterlines_be32(h + OFF_BITS_COLOR);
		bpp = fm_rasterlines_be32(h + OFF_BITS_PIXEL);
		bpl = fm_rasterlines_be32(h + OFF_BYTES_LINE);
		order = fm_rasterlines_be32(h + OFF_COLOR_ORDER);
		cs = fm_rasterlines_be32(h + OFF_COLOR_SPACE);
		ncolors = fm_rasterlines_be32(h + OFF_NUM_COLORS);
		if (!fm_rasterlines_check_size(&pg, t))
			return true;
		if (order != 0 ||
		    (bpc != 1 && bpc != 2 && bpc != 4 && bpc != 8 &&
		        bpc != 16) ||
		    bpp == 0 || bpp > 64 || (bpp >= 8 && bpp % 8 != 0) ||
		    bpl != (pg.width * bpp + 7) / 8) {
			fm_pagetally_fail(t, FM_PC_DAMAGED,
			    "inconsistent page header (bits %u/%u, order %u)",
			    bpc, bpp, order);
			return true;
		}
		/* Below 8 bits a run unit is a byte of several pixels. */
		pg.pixel_bytes = bpp < 8 ? 1 : bpp / 8;
		if (bpp < 8)
			pg.width = bpl;
		pg.bits = bpc;
		pg.kind = color_kind(cs, ncolors);
		if (pg.kind != FM_RASTERLINES_GRAY && bpc != 8 && bpc != 16) {
			/* Packed colour below 8 bits: no cheap pixel test. */
			color = true;
			t->color_exact = false;
			pg.kind = FM_RASTERLINES_GRAY;
		}
		pos += HDR_LEN;
		if (!fm_rasterlines_add_page(buf, len, &pos, &pg, color, t))
			return true;
	}
	return true;
}
