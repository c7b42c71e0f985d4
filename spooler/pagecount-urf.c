/*
 * pagecount-urf.c - Apple URF ("UNIRAST"): a 12-byte file header with a
 * page count that writers often leave 0, then per page a 32-byte header
 * (bits per pixel, colour space, duplex, quality, width, height,
 * resolution) and run-length encoded lines as in PWG raster.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "spooler/pagecount-urf.h"
#include "spooler/rasterlines.h"

#define FILE_HDR 12
#define PAGE_HDR 32

bool
fm_pagecount_urf_scan(const uint8_t *buf, size_t len, struct fm_pagetally *t)
{
	size_t pos = FILE_HDR;

	if (len < FILE_HDR || memcmp(buf, "UNIRAST", 8) != 0) {
		fm_pagetally_fail(t, FM_PC_UNSUPPORTED, "not Apple URF");
		return true;
	}
	t->color_exact = true;
	while (pos < len) {
		const uint8_t *h = buf + pos;
		struct fm_rasterlines_page pg;
		bool color = false;
		unsigned bpp, cs;

		if (len - pos < PAGE_HDR) {
			fm_pagetally_fail(
			    t, FM_PC_DAMAGED, "truncated page header");
			return true;
		}
		bpp = h[0];
		cs = h[1];
		pg.width = fm_rasterlines_be32(h + 12);
		pg.height = fm_rasterlines_be32(h + 16);
		if (!fm_rasterlines_check_size(&pg, t))
			return true;
		switch (bpp) {
		case 1: /* Ghostscript's urf device: bytes of 8 pixels */
			pg.width = (pg.width + 7) / 8;
			pg.pixel_bytes = 1;
			break;
		case 8:
		case 16:
		case 24:
		case 32:
		case 48:
		case 64:
			pg.pixel_bytes = bpp / 8;
			break;
		default:
			fm_pagetally_fail(
			    t, FM_PC_DAMAGED, "unknown bits per pixel %u", bpp);
			return true;
		}
		/* Colour spaces: 0 sGray, 1 sRGB, 2 CIELab, 3 AdobeRGB,
		 * 4 Gray, 5 RGB, 6 CMYK. */
		pg.kind = FM_RASTERLINES_GRAY;
		pg.bits = (bpp == 48 || bpp == 64 || bpp == 16) ? 16 : 8;
		if ((bpp == 24 || bpp == 48) && (cs == 1 || cs == 3 || cs == 5))
			pg.kind = FM_RASTERLINES_RGB;
		else if ((bpp == 32 || bpp == 64) && cs == 6)
			pg.kind = FM_RASTERLINES_CMYK;
		else if (bpp >= 24) {
			/* Lab or an unknown space: assume colour, inexact. */
			color = true;
			t->color_exact = false;
		}
		pos += PAGE_HDR;
		if (!fm_rasterlines_add_page(buf, len, &pos, &pg, color, t))
			return true;
	}
	return true;
}
