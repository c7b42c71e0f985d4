/*
 * pagecount-pclxl.c - PCL XL (PCL 6) page counting and colour.
 *
 * The stream header ") HP-PCL XL;..." ends with a line feed; its first
 * byte gives the byte order of the binary stream (')' little endian,
 * '(' big endian).  The binary stream is a sequence of attribute values
 * (typed scalars, arrays, points, boxes), attribute ids (0xF8/0xF9),
 * embedded data (0xFA/0xFB + length) and operators.  Every element's
 * length is known from its tag, so the walk never guesses; an unknown
 * tag makes the stream damaged.  BeginPage (0x43) opens a page, EndPage
 * (0x44) closes it, with the PageCopies attribute (49) giving that
 * page's copies.  A UEL (ESC) ends the stream.
 *
 * Colour: SetBrushSource / SetPenSource with an RGBColor whose three
 * components differ, or image rows in an RGB colour space whose pixels
 * are not all neutral (uncompressed and RLE rows are inspected; JPEG and
 * delta-row image data are taken as colour and the result is marked
 * inexact), or indexed colour through a palette with a colour entry.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "spooler/pagecount-pclxl.h"

#define ATTR_COLOR_SPACE 3
#define ATTR_PALETTE_DATA 6
#define ATTR_GRAY_LEVEL 9
#define ATTR_RGB_COLOR 11
#define ATTR_PRIMARY_ARRAY 14
#define ATTR_PAGE_COPIES 49
#define ATTR_COLOR_DEPTH 98
#define ATTR_COLOR_MAPPING 100
#define ATTR_COMPRESS_MODE 101
#define ATTR_SOURCE_WIDTH 108

#define OP_BEGIN_PAGE 0x43
#define OP_END_PAGE 0x44
#define OP_SET_BRUSH 0x63
#define OP_SET_COLOR_SPACE 0x6a
#define OP_SET_PEN 0x79
#define OP_BEGIN_IMAGE 0xb0
#define OP_READ_IMAGE 0xb1
#define OP_READ_RAST_PATTERN 0xb4

/* The value of the last attribute-value pair, kept per attribute id. */
struct value {
	bool set;
	uint64_t num;        /* first scalar, or array length */
	const uint8_t *data; /* array elements */
	unsigned elsize;
	uint64_t count;
};

struct xl {
	const uint8_t *buf;
	size_t len, p;
	bool le;
	struct value attr[128];
	struct value last; /* the value before the next attribute id */
	bool in_page, page_color;
	uint64_t page_copies;
	int color_space;    /* 1 gray, 2 RGB, 6 sRGB */
	bool palette_color; /* the palette has a non-grey entry */
	bool image_rgb;     /* current image is direct RGB 8-bit */
	bool image_indexed;
	uint64_t image_width;    /* pixels */
	unsigned image_depth;    /* ColorDepth enum */
	uint64_t image_compress; /* CompressMode of the ReadImage */
	bool pending_data;       /* ReadImage data comes next */
};

static uint64_t
rd(const struct xl *x, const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++) {
		if (x->le)
			v |= (uint64_t)p[i] << (8 * i);
		else
			v = v << 8 | p[i];
	}
	return v;
}

/* Reads the n-byte number at x->p and moves past it; false when the
 * data ends first. */
static bool
take(struct xl *x, unsigned n, uint64_t *v)
{
	if (x->len - x->p < n)
		return false;
	*v = rd(x, x->buf + x->p, n);
	x->p += n;
	return true;
}

/* Element size of a value tag, 0 if the tag is not a value. */
static unsigned
elem_size(uint8_t tag)
{
	switch (tag & 0x07) {
	case 0:
		return 1;
	case 1:
	case 3:
		return 2;
	case 2:
	case 4:
	case 5:
		return 4;
	}
	return 0;
}

static bool
neutral3(const struct xl *x, const uint8_t *p, unsigned es)
{
	uint64_t a = rd(x, p, es), b = rd(x, p + es, es),
	         c = rd(x, p + 2 * es, es);

	return a == b && b == c;
}

static bool
palette_has_color(const struct xl *x, const struct value *v)
{
	if (v->data == NULL || v->elsize != 1)
		return true;
	if (x->color_space == 1)
		return false;
	for (uint64_t i = 0; i + 3 <= v->count; i += 3)
		if (!neutral3(x, v->data + i, 1))
			return true;
	return false;
}

/* RGB 8-bit rows padded to 4 bytes; true when a pixel is not neutral. */
static bool
rows_have_color(const uint8_t *d, size_t n, uint64_t width)
{
	uint64_t row = (width * 3 + 3) & ~(uint64_t)3;
	size_t off = 0;

	if (row == 0)
		return false;
	while (off < n) {
		size_t end = n - off < row ? n : off + (size_t)row;
		for (size_t i = off; i + 3 <= end && i + 3 <= off + width * 3;
		     i += 3)
			if (d[i] != d[i + 1] || d[i] != d[i + 2])
				return true;
		off = end;
	}
	return false;
}

/* TIFF PackBits, decoded only as far as the colour test needs. */
static bool
rle_has_color(const uint8_t *d, size_t n, uint64_t width, bool *bad)
{
	uint8_t rowbuf[3 * 4096];
	uint64_t row = (width * 3 + 3) & ~(uint64_t)3;
	size_t fill = 0, p = 0;

	if (row == 0 || row > sizeof(rowbuf)) {
		/* Wider than our row buffer: do not guess. */
		*bad = true;
		return true;
	}
	while (p < n) {
		int c = (int8_t)d[p++];
		size_t k;
		if (c >= 0) {
			k = (size_t)c + 1;
			if (n - p < k) {
				*bad = true;
				return true;
			}
			for (size_t i = 0; i < k; i++) {
				rowbuf[fill++] = d[p + i];
				if (fill == row) {
					if (rows_have_color(
					        rowbuf, fill, width))
						return true;
					fill = 0;
				}
			}
			p += k;
		} else if (c != -128) {
			k = (size_t)(1 - c);
			if (p >= n) {
				*bad = true;
				return true;
			}
			for (size_t i = 0; i < k; i++) {
				rowbuf[fill++] = d[p];
				if (fill == row) {
					if (rows_have_color(
					        rowbuf, fill, width))
						return true;
					fill = 0;
				}
			}
			p++;
		}
	}
	return fill > 0 && rows_have_color(rowbuf, fill, width);
}

static void
image_data(struct xl *x, struct fm_pagetally *t, const uint8_t *d, size_t n)
{
	uint64_t mode = x->image_compress;
	bool bad = false;

	if (x->page_color)
		return;
	if (x->image_indexed) {
		if (x->palette_color)
			x->page_color = true;
		return;
	}
	if (!x->image_rgb)
		return;
	if (mode == 0) {
		x->page_color = rows_have_color(d, n, x->image_width);
	} else if (mode == 1) {
		x->page_color = rle_has_color(d, n, x->image_width, &bad);
		if (bad)
			t->color_exact = false;
	} else {
		/* JPEG or delta rows: not decoded here, counted as colour. */
		x->page_color = true;
		t->color_exact = false;
	}
}

static void
operator(struct xl *x, struct fm_pagetally *t, uint8_t op)
{
	struct value *a = x->attr;

	switch (op) {
	case OP_BEGIN_PAGE:
		x->in_page = true;
		x->page_color = false;
		break;
	case OP_END_PAGE:
		if (x->in_page) {
			uint64_t copies = a[ATTR_PAGE_COPIES].set
			    ? a[ATTR_PAGE_COPIES].num
			    : 1;
			fm_pagetally_add(t, x->page_color, copies);
		}
		x->in_page = false;
		break;
	case OP_SET_COLOR_SPACE:
		if (a[ATTR_COLOR_SPACE].set)
			x->color_space = (int)a[ATTR_COLOR_SPACE].num;
		x->palette_color = a[ATTR_PALETTE_DATA].set &&
		    palette_has_color(x, &a[ATTR_PALETTE_DATA]);
		break;
	case OP_SET_BRUSH:
	case OP_SET_PEN:
		if (a[ATTR_RGB_COLOR].set && x->color_space != 1) {
			const struct value *v = &a[ATTR_RGB_COLOR];
			if (v->count >= 3 && v->data != NULL &&
			    !neutral3(x, v->data, v->elsize))
				x->page_color = true;
		} else if (a[ATTR_PRIMARY_ARRAY].set && x->color_space != 1) {
			const struct value *v = &a[ATTR_PRIMARY_ARRAY];
			if (v->count >= 3 && v->data != NULL &&
			    !neutral3(x, v->data, v->elsize))
				x->page_color = true;
		} else if (a[ATTR_GRAY_LEVEL].set && x->palette_color &&
		    x->in_page) {
			/* A palette index with a colour palette. */
			x->page_color = true;
			t->color_exact = false;
		}
		break;
	case OP_BEGIN_IMAGE:
		x->image_indexed =
		    a[ATTR_COLOR_MAPPING].set && a[ATTR_COLOR_MAPPING].num == 1;
		x->image_depth = a[ATTR_COLOR_DEPTH].set
		    ? (unsigned)a[ATTR_COLOR_DEPTH].num
		    : 0;
		x->image_width =
		    a[ATTR_SOURCE_WIDTH].set ? a[ATTR_SOURCE_WIDTH].num : 0;
		x->image_rgb = !x->image_indexed && x->color_space != 1 &&
		    x->image_depth == 2;
		break;
	case OP_READ_IMAGE:
		x->image_compress =
		    a[ATTR_COMPRESS_MODE].set ? a[ATTR_COMPRESS_MODE].num : 0;
		break;
	default:
		break;
	}
	x->pending_data = op == OP_READ_IMAGE;
	/* Attributes belong to one operator. */
	for (unsigned i = 0; i < 128; i++)
		a[i].set = false;
}

bool
fm_pagecount_pclxl_scan(const uint8_t *buf, size_t len, struct fm_pagetally *t)
{
	struct xl x;
	const uint8_t *nl;

	if (len < 11 || memcmp(buf + 1, " HP-PCL XL", 10) != 0) {
		fm_pagetally_fail(t, FM_PC_UNSUPPORTED, "not PCL XL");
		return true;
	}
	memset(&x, 0, sizeof(x));
	x.buf = buf;
	x.len = len;
	x.le = buf[0] != '(';
	x.color_space = 1;
	nl = memchr(buf, '\n', len < 256 ? len : 256);
	if (nl == NULL) {
		fm_pagetally_fail(t, FM_PC_DAMAGED, "no stream header");
		return true;
	}
	x.p = (size_t)(nl - buf) + 1;

	while (x.p < len) {
		uint8_t tag = buf[x.p++];

		if (tag == 0x1b)
			break; /* UEL: back to PJL */
		if (tag == 0x00 || (tag >= 0x09 && tag <= 0x0d) || tag == 0x20)
			continue;
		if (tag >= 0xc0 && tag <= 0xe5) {
			unsigned es = elem_size(tag), n;
			uint64_t count = 1;
			switch (tag & 0xf8) {
			case 0xc0:
				n = 1;
				break;
			case 0xc8: {
				/* Array: a length value, then elements. */
				uint8_t lt;
				if (x.p >= len)
					goto truncated;
				lt = buf[x.p++];
				if (lt != 0xc0 && lt != 0xc1)
					goto bad;
				if (!take(&x, elem_size(lt), &count))
					goto truncated;
				n = 0;
				break;
			}
			case 0xd0:
				n = 2;
				break;
			case 0xe0:
				n = 4;
				break;
			default:
				goto bad;
			}
			if ((tag & 7) > 5 || es == 0)
				goto bad;
			if (n != 0)
				count = n;
			if ((len - x.p) / es < count)
				goto truncated;
			x.last.set = true;
			x.last.data = buf + x.p;
			x.last.elsize = es;
			x.last.count = count;
			x.last.num = count > 0 ? rd(&x, buf + x.p, es) : 0;
			x.p += (size_t)(count * es);
			continue;
		}
		if (tag == 0xf8 || tag == 0xf9) {
			uint64_t id;
			if (!take(&x, tag == 0xf8 ? 1 : 2, &id))
				goto truncated;
			if (id < 128 && x.last.set)
				x.attr[id] = x.last;
			x.last.set = false;
			continue;
		}
		if (tag == 0xfa || tag == 0xfb) {
			uint64_t dl;
			if (!take(&x, tag == 0xfa ? 4 : 1, &dl) ||
			    len - x.p < dl)
				goto truncated;
			if (x.pending_data)
				image_data(&x, t, buf + x.p, (size_t)dl);
			x.p += (size_t)dl;
			continue;
		}
		if (tag >= 0x41 && tag <= 0xb9) {
			operator(&x, t, tag);
			x.last.set = false;
			continue;
		}
		goto bad;
	}
	if (x.in_page)
		fm_pagetally_fail(
		    t, FM_PC_DAMAGED, "stream ends inside a page");
	return true;
truncated:
	fm_pagetally_fail(t, FM_PC_DAMAGED, "truncated at byte %zu", x.p);
	return true;
bad:
	fm_pagetally_fail(t, FM_PC_DAMAGED, "unknown tag 0x%02x at byte %zu",
	    buf[x.p - 1], x.p - 1);
	return true;
}
