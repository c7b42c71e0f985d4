/*
 * rasterlines.c - PWG/URF run-length line walker with a colour check,
 * and the page steps the two formats share.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "spooler/rasterlines.h"

static bool
pixel_is_color(const uint8_t *p, const struct fm_rasterlines_page *pg)
{
	if (pg->kind == FM_RASTERLINES_GRAY)
		return false;
	/* For CMYK the first three components are C, M, Y; K is neutral. */
	if (pg->bits == 16)
		return p[0] != p[2] || p[1] != p[3] || p[0] != p[4] ||
		    p[1] != p[5];
	return p[0] != p[1] || p[0] != p[2];
}

bool
fm_rasterlines_scan(const uint8_t *buf, size_t len, size_t *pos,
    const struct fm_rasterlines_page *pg, bool *color, const char **err)
{
	const unsigned pb = pg->pixel_bytes;
	size_t p = *pos;
	uint64_t y = 0;
	bool check;

	if (pb == 0 || pb > 8 || pg->width == 0 ||
	    (pg->kind != FM_RASTERLINES_GRAY && pb < 3 * pg->bits / 8)) {
		*err = "bad pixel format";
		return false;
	}
	check = pg->kind != FM_RASTERLINES_GRAY && !*color;
	while (y < pg->height) {
		uint64_t x = 0;

		if (p >= len) {
			*err = "truncated raster data";
			return false;
		}
		/* The repeat byte covers this line and up to 255 copies. */
		y += (uint64_t)buf[p++] + 1;
		while (x < pg->width) {
			unsigned c;

			if (p >= len) {
				*err = "truncated raster data";
				return false;
			}
			c = buf[p++];
			if (c == 128) {
				x = pg->width;
			} else if (c < 128) {
				if (len - p < pb) {
					*err = "truncated raster data";
					return false;
				}
				if (check && pixel_is_color(buf + p, pg)) {
					*color = true;
					check = false;
				}
				p += pb;
				x += c + 1;
			} else {
				size_t n = 257 - c;
				if ((len - p) / pb < n) {
					*err = "truncated raster data";
					return false;
				}
				for (size_t i = 0; check && i < n; i++) {
					if (pixel_is_color(
					        buf + p + i * pb, pg)) {
						*color = true;
						check = false;
					}
				}
				p += n * pb;
				x += n;
			}
		}
		if (x > pg->width) {
			*err = "line longer than the page";
			return false;
		}
	}
	if (y > pg->height) {
		*err = "more lines than the page";
		return false;
	}
	*pos = p;
	return true;
}

bool
fm_rasterlines_check_size(
    const struct fm_rasterlines_page *pg, struct fm_pagetally *t)
{
	if (pg == NULL || t == NULL)
		return false;
	if (pg->width == 0 || pg->height == 0 ||
	    pg->width > FM_RASTERLINES_MAX_DIM ||
	    pg->height > FM_RASTERLINES_MAX_DIM) {
		fm_pagetally_fail(t, FM_PC_DAMAGED,
		    "absurd page size %llux%llu", (unsigned long long)pg->width,
		    (unsigned long long)pg->height);
		return false;
	}
	return true;
}

bool
fm_rasterlines_add_page(const uint8_t *buf, size_t len, size_t *pos,
    const struct fm_rasterlines_page *pg, bool color, struct fm_pagetally *t)
{
	struct fm_rasterlines_page walk;
	const char *err = NULL;

	if (buf == NULL || pos == NULL || pg == NULL || t == NULL)
		return false;
	walk = *pg;
	if (!t->want_color) {
		/* Monochrome mode: only the structure is walked. */
		walk.kind = FM_RASTERLINES_GRAY;
		color = false;
	}
	if (!fm_rasterlines_scan(buf, len, pos, &walk, &color, &err)) {
		fm_pagetally_fail(t, FM_PC_DAMAGED, "page %llu: %s",
		    (unsigned long long)t->pages + 1, err);
		return false;
	}
	fm_pagetally_add(t, color, 1);
	return true;
}

uint32_t
fm_rasterlines_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}
