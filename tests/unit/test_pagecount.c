/*
 * test_pagecount.c - unit tests for spooler/pagecount.c, pagetally.c and
 * the format parsers, on small buffers built here.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "spooler/pagecount-pjl.h"
#include "spooler/pagecount.h"
#include "spooler/pagetally.h"
#include "tests/unit/harness.h"

static struct fm_pagecount_opts
opts_default(void)
{
	struct fm_pagecount_opts o;

	fm_pagecount_opts_init(&o);
	o.allow_ghostscript = false; /* unit tests stay in-process */
	return o;
}

static bool
count(const char *data, size_t len, const struct fm_pagecount_opts *o,
    struct fm_pagecount *r)
{
	return fm_pagecount_buf(data, len, o, r);
}

static void
test_opts_defaults(void)
{
	struct fm_pagecount_opts o;

	memset(&o, 0xff, sizeof(o));
	fm_pagecount_opts_init(&o);
	ASSERT_UINT_EQ(o.copies, 1);
	ASSERT_UINT_EQ(o.number_up, 1);
	ASSERT_INT_EQ(o.sides, FM_SIDES_ONE_SIDED);
	ASSERT_INT_EQ(o.color_mode, FM_COLOR_MODE_AUTO);
	ASSERT_FALSE(o.accurate_color);
	ASSERT_TRUE(o.allow_ghostscript);
	ASSERT_TRUE(o.isolate);
	ASSERT_UINT_EQ(o.timeout_sec, 60);
}

static void
test_parse_words(void)
{
	enum fm_sides s = FM_SIDES_ONE_SIDED;
	enum fm_color_mode m = FM_COLOR_MODE_AUTO;

	ASSERT_TRUE(fm_pagecount_parse_sides("two-sided-long-edge", &s));
	ASSERT_INT_EQ(s, FM_SIDES_TWO_SIDED_LONG_EDGE);
	ASSERT_TRUE(fm_pagecount_parse_sides("two-sided-short-edge", &s));
	ASSERT_INT_EQ(s, FM_SIDES_TWO_SIDED_SHORT_EDGE);
	ASSERT_FALSE(fm_pagecount_parse_sides("duplex", &s));
	ASSERT_INT_EQ(s, FM_SIDES_TWO_SIDED_SHORT_EDGE); /* untouched */
	ASSERT_FALSE(fm_pagecount_parse_sides(NULL, &s));
	ASSERT_TRUE(fm_pagecount_parse_color_mode("monochrome", &m));
	ASSERT_INT_EQ(m, FM_COLOR_MODE_MONOCHROME);
	ASSERT_TRUE(fm_pagecount_parse_color_mode("color", &m));
	ASSERT_INT_EQ(m, FM_COLOR_MODE_COLOR);
	ASSERT_TRUE(fm_pagecount_parse_color_mode("process-monochrome", &m));
	ASSERT_INT_EQ(m, FM_COLOR_MODE_MONOCHROME);
	ASSERT_FALSE(fm_pagecount_parse_color_mode("colour", &m));
	ASSERT_STR_EQ(fm_pagecount_status_name(FM_PC_ENCRYPTED), "encrypted");
	ASSERT_STR_EQ(
	    fm_pagecount_status_name(FM_PC_TOO_COMPLEX), "too-complex");
	ASSERT_STR_EQ(fm_pagecount_sides_name(FM_SIDES_TWO_SIDED_LONG_EDGE),
	    "two-sided-long-edge");
}

static void
test_tally_nup_and_repeats(void)
{
	struct fm_pagetally t;

	/* 5 pages 2-up: sides {1,2} {3,4} {5}; colour on page 3 only. */
	fm_pagetally_init(&t, 2);
	fm_pagetally_add(&t, false, 1);
	fm_pagetally_add(&t, false, 1);
	fm_pagetally_add(&t, true, 1);
	fm_pagetally_add(&t, false, 1);
	fm_pagetally_add(&t, false, 1);
	fm_pagetally_finish(&t);
	ASSERT_UINT_EQ(t.pages, 5);
	ASSERT_UINT_EQ(t.color_pages, 1);
	ASSERT_UINT_EQ(t.sides, 3);
	ASSERT_UINT_EQ(t.color_sides, 1);

	/* A page repeated 7 times, 3-up, after one mono page: sides are
	 * {m,c,c} {c,c,c} {c,c,c}: 3 sides, all colour. */
	fm_pagetally_init(&t, 3);
	fm_pagetally_add(&t, false, 1);
	fm_pagetally_add(&t, true, 8);
	fm_pagetally_finish(&t);
	ASSERT_UINT_EQ(t.sides, 3);
	ASSERT_UINT_EQ(t.color_sides, 3);
	ASSERT_TRUE(t.repeat_mixed);

	/* Huge repeats cost nothing and saturate instead of wrapping. */
	fm_pagetally_init(&t, 1);
	fm_pagetally_add(&t, false, UINT64_MAX);
	fm_pagetally_add(&t, false, UINT64_MAX);
	ASSERT_UINT_EQ(t.sides, UINT64_MAX);
	ASSERT_UINT_EQ(fm_pagetally_mul(UINT64_MAX / 2, 3), UINT64_MAX);
}

/* A PWG raster page: w x h, RGB or grey, all one pixel value. */
static size_t
pwg_page(uint8_t *out, unsigned w, unsigned h, bool rgb, uint8_t r, uint8_t g,
    uint8_t b)
{
	uint8_t *p = out;
	unsigned bpp = rgb ? 24 : 8;

	memset(p, 0, 1796);
#define PUT(off, v)                                                            \
	do {                                                                   \
		p[(off)] = (uint8_t)((v) >> 24);                               \
		p[(off) + 1] = (uint8_t)((v) >> 16);                           \
		p[(off) + 2] = (uint8_t)((v) >> 8);                            \
		p[(off) + 3] = (uint8_t)(v);                                   \
	} while (0)
	PUT(372, w);
	PUT(376, h);
	PUT(384, 8);
	PUT(388, bpp);
	PUT(392, w * bpp / 8);
	PUT(400, rgb ? 19 : 18);
	PUT(420, rgb ? 3 : 1);
#undef PUT
	p += 1796;
	for (unsigned y = 0; y < h; y++) {
		*p++ = 0;                /* no line repeat */
		*p++ = (uint8_t)(w - 1); /* one run of w pixels (w <= 128) */
		*p++ = r;
		if (rgb) {
			*p++ = g;
			*p++ = b;
		}
	}
	return (size_t)(p - out);
}

static void
test_pwg_pixels_decide_colour(void)
{
	static uint8_t buf[4 + 4 * 4000];
	struct fm_pagecount_opts o = opts_default();
	struct fm_pagecount r;
	size_t n = 4;

	memcpy(buf, "RaS2", 4);
	n += pwg_page(buf + n, 10, 5, true, 7, 7, 7);     /* grey in RGB */
	n += pwg_page(buf + n, 10, 5, true, 200, 10, 10); /* red */
	n += pwg_page(buf + n, 10, 5, false, 0, 0, 0);    /* grey space */
	ASSERT_TRUE(count((char *)buf, n, &o, &r));
	ASSERT_INT_EQ(r.status, FM_PC_OK);
	ASSERT_STR_EQ(r.format, "pwg-raster");
	ASSERT_UINT_EQ(r.pages, 3);
	ASSERT_UINT_EQ(r.color_pages, 1);
	ASSERT_UINT_EQ(r.mono_pages, 2);
	ASSERT_TRUE(r.color_exact);

	/* monochrome colour mode makes every page mono */
	o.color_mode = FM_COLOR_MODE_MONOCHROME;
	ASSERT_TRUE(count((char *)buf, n, &o, &r));
	ASSERT_UINT_EQ(r.color_pages, 0);
	ASSERT_UINT_EQ(r.color_impressions, 0);

	/* one byte short: damaged, and no number */
	ASSERT_TRUE(count((char *)buf, n - 1, &o, &r));
	ASSERT_INT_EQ(r.status, FM_PC_DAMAGED);
	ASSERT_UINT_EQ(r.pages, 0);
	ASSERT_UINT_EQ(r.impressions, 0);
}

static void
test_copies_nup_sides(void)
{
	static uint8_t buf[4 + 5 * 2000];
	struct fm_pagecount_opts o = opts_default();
	struct fm_pagecount r;
	size_t n = 4;

	memcpy(buf, "RaS2", 4);
	for (int i = 0; i < 5; i++)
		n += pwg_page(buf + n, 4, 2, false, 0, 0, 0);
	o.copies = 3;
	o.number_up = 2;
	o.sides = FM_SIDES_TWO_SIDED_LONG_EDGE;
	ASSERT_TRUE(count((char *)buf, n, &o, &r));
	/* 5 pages 2-up = 3 sides per copy; 2 sheets per copy. */
	ASSERT_UINT_EQ(r.impressions, 9);
	ASSERT_UINT_EQ(r.sheets, 6);
	ASSERT_UINT_EQ(r.copies, 3);
	o.sides = FM_SIDES_ONE_SIDED;
	ASSERT_TRUE(count((char *)buf, n, &o, &r));
	ASSERT_UINT_EQ(r.sheets, 9);
}

static void
test_pcl5_form_feeds_and_traps(void)
{
	/* 3 pages: FF, a reset after text, and text at the end.  Form
	 * feeds inside a raster row, transparent data and HP-GL/2 do not
	 * count; ESC&l2X doubles every page. */
	static const char pcl[] = "\x1b"
	                          "E\x1b&l2XPage one\f"
	                          "\x1b*b4W\f\f\f\f"
	                          "\x1b&p2X\f\f"
	                          "\x1b%1BLB\f\f\x03;\x1b%1A"
	                          "Page two\x1b"
	                          "E"
	                          "Page three";
	struct fm_pagecount_opts o = opts_default();
	struct fm_pagecount r;

	ASSERT_TRUE(count(pcl, sizeof(pcl) - 1, &o, &r));
	ASSERT_INT_EQ(r.status, FM_PC_OK);
	ASSERT_STR_EQ(r.format, "pcl5");
	ASSERT_UINT_EQ(r.pages, 3);
	/* the reset also resets copies: 2 + 2 + 1 */
	ASSERT_UINT_EQ(r.impressions, 5);

	/* A payload longer than the data is damage, not a guess. */
	ASSERT_TRUE(count("\x1b*b100Wxx", 9, &o, &r));
	ASSERT_INT_EQ(r.status, FM_PC_DAMAGED);
}

static void
test_pcl5_same_copies_counted_once(void)
{
	static const char pcl[] = "\x1b"
	                          "E\x1b&l2XA\fB\f";
	struct fm_pagecount_opts o = opts_default();
	struct fm_pagecount r;

	o.copies = 2; /* the same request as ESC&l2X */
	ASSERT_TRUE(count(pcl, sizeof(pcl) - 1, &o, &r));
	ASSERT_UINT_EQ(r.impressions, 4);
	ASSERT_UINT_EQ(r.copies, 2);
	o.copies = 3; /* a different request multiplies */
	ASSERT_TRUE(count(pcl, sizeof(pcl) - 1, &o, &r));
	ASSERT_UINT_EQ(r.impressions, 12);
	ASSERT_UINT_EQ(r.copies, 6);
}

static void
test_pcl5_text_overflow(void)
{
	static char buf[130 * 8 + 64];
	struct fm_pagecount_opts o = opts_default();
	struct fm_pagecount r;
	size_t n;

	/* 130 lines of plain text, no form feed: 60 + 60 + 10 lines. */
	n = (size_t)snprintf(buf, sizeof(buf),
	    "\x1b"
	    "E");
	for (int i = 0; i < 130; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "L%03d\r\n", i);
	ASSERT_TRUE(count(buf, n, &o, &r));
	ASSERT_UINT_EQ(r.pages, 3);
	/* Exactly 60 lines, then also a form feed: one page, not two. */
	ASSERT_TRUE(count(buf, 2 + 60 * 6, &o, &r));
	ASSERT_UINT_EQ(r.pages, 1);
	buf[2 + 60 * 6] = '\f';
	ASSERT_TRUE(count(buf, 2 + 60 * 6 + 1, &o, &r));
	ASSERT_UINT_EQ(r.pages, 1);
	/* A longer text length (ESC&l70F), then a positioned page. */
	n = (size_t)snprintf(buf, sizeof(buf), "\x1b&l70F");
	for (int i = 0; i < 130; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "L%03d\r\n", i);
	ASSERT_TRUE(count(buf, n, &o, &r));
	ASSERT_UINT_EQ(r.pages, 2);
	memcpy(buf, "\x1b&a05R", 6);
	ASSERT_TRUE(count(buf, n, &o, &r));
	ASSERT_UINT_EQ(r.pages, 1);
}

static void
test_pjl_header(void)
{
	static const char pjl[] = "\x1b%-12345X@PJL JOB NAME=\"x\"\r\n"
	                          "@PJL SET QTY = 3\r\n"
	                          "@PJL SET DUPLEX=ON\r\n"
	                          "@PJL ENTER LANGUAGE = PCL\r\n"
	                          "\x1b"
	                          "EHello\f\x1b%-12345X@PJL EOJ\r\n";
	struct fm_pagecount_pjl h;
	struct fm_pagecount_opts o = opts_default();
	struct fm_pagecount r;

	ASSERT_TRUE(
	    fm_pagecount_pjl_parse((const uint8_t *)pjl, sizeof(pjl) - 1, &h));
	ASSERT_STR_EQ(h.language, "PCL");
	ASSERT_UINT_EQ(h.qty, 3);
	ASSERT_UINT_EQ(h.copies, 1);
	ASSERT_TRUE(h.duplex);
	ASSERT_INT_EQ(pjl[h.body], 0x1b);
	ASSERT_TRUE(count(pjl, sizeof(pjl) - 1, &o, &r));
	ASSERT_STR_EQ(r.format, "pjl+pcl5");
	ASSERT_UINT_EQ(r.pages, 1);
	ASSERT_UINT_EQ(r.impressions, 3);
	/* PJL with nothing to print */
	ASSERT_FALSE(fm_pagecount_pjl_parse(
	    (const uint8_t *)"@PJL INFO ID\r\n", 14, &h));
}

static void
test_ps_dsc(void)
{
	static const char ps[] =
	    "%!PS-Adobe-3.0\n%%Pages: (atend)\n%%EndComments\n"
	    "/#copies 2 def\n"
	    "%%Page: 1 1\n0.5 0.5 0.5 setrgbcolor 0 0 9 9 rectfill showpage\n"
	    "%%Page: 2 2\n%%BeginDocument: x.eps\n%%Page: 1 1\n"
	    "%%EndDocument\n0 0 1 0 setcmykcolor showpage\n"
	    "%%Page: 3 3\n%%BeginData: 14 Binary Bytes\n%%Page: 9 9\n\n"
	    "showpage\n%%Trailer\n%%Pages: 3\n%%EOF\n";
	struct fm_pagecount_opts o = opts_default();
	struct fm_pagecount r;

	ASSERT_TRUE(count(ps, sizeof(ps) - 1, &o, &r));
	ASSERT_INT_EQ(r.status, FM_PC_OK);
	ASSERT_UINT_EQ(r.pages, 3);
	ASSERT_UINT_EQ(r.color_pages, 1); /* the yellow page */
	ASSERT_UINT_EQ(r.copies, 2);
	ASSERT_UINT_EQ(r.impressions, 6);

	/* No DSC and no Ghostscript allowed: a status, not a guess. */
	ASSERT_TRUE(count("%!\nshowpage\n", 12, &o, &r));
	ASSERT_INT_EQ(r.status, FM_PC_TOO_COMPLEX);
	ASSERT_UINT_EQ(r.pages, 0);
}

static void
test_ps_inline_image_data_skipped(void)
{
	/* Base-85 image data that happens to spell operators must not be
	 * read as code: one mono page, not colour, not "two showpage". */
	static const char ps[] =
	    "%!PS-Adobe-3.0\n%%Pages: 1\n%%EndComments\n"
	    "%%Page: 1 1\n8 8 8 [8 0 0 8 0 0] currentfile /ASCII85Decode "
	    "filter image\n0 0 1 setrgbcolor showpage showpage~>\n"
	    "showpage\n%%EOF\n";
	struct fm_pagecount_opts o = opts_default();
	struct fm_pagecount r;

	ASSERT_TRUE(count(ps, sizeof(ps) - 1, &o, &r));
	ASSERT_INT_EQ(r.status, FM_PC_OK);
	ASSERT_UINT_EQ(r.pages, 1);
	ASSERT_UINT_EQ(r.color_pages, 0);
}

static void
test_pdf_in_memory(void)
{
	/* A minimal PDF without xref (qpdf reconstructs it): a grey rg
	 * fill, a red one, then Indexed spaces: I1 (black, red) and I2
	 * (green, green).  Page 3 fills with I1 index 0 (black) after I2
	 * was resolved - a lookup table kept in qpdf's scratch string would
	 * read I2's green here; page 4 strokes I1 index 1 (red). */
	static const char pdf[] =
	    "%PDF-1.4\n"
	    "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
	    "2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R 7 0 R 8 0 R] /Count 4 "
	    "/Resources << /ColorSpace << /I1 [/Indexed /DeviceRGB 1 "
	    "<000000ff0000>] /I2 [/Indexed /DeviceRGB 1 <00ff0000ff00>] >> >> "
	    ">> endobj\n"
	    "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 99 99] "
	    "/Contents 5 0 R >> endobj\n"
	    "4 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 99 99] "
	    "/Contents 6 0 R >> endobj\n"
	    "5 0 obj << /Length 28 >> stream\n"
	    ".5 .5 .5 rg 0 0 9 9 re f\nQ\n"
	    "endstream endobj\n"
	    "6 0 obj << /Length 27 >> stream\n"
	    "1 0 0 rg 0 0 9 9 re f\nQ\n\n\n\n\n"
	    "endstream endobj\n"
	    "7 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 99 99] "
	    "/Contents 9 0 R >> endobj\n"
	    "8 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 99 99] "
	    "/Contents 10 0 R >> endobj\n"
	    "9 0 obj << /Length 40 >> stream\n"
	    "/I1 cs /I2 CS 0 sc 0 0 9 9 re f\n\n\n\n\n\n\n\n\n"
	    "endstream endobj\n"
	    "10 0 obj << /Length 40 >> stream\n"
	    "/I1 CS 1 SC /I2 cs 0 sc 0 0 9 9 re S\n\n\n\n"
	    "endstream endobj\n"
	    "trailer << /Root 1 0 R /Size 11 >>\n%%EOF\n";
	struct fm_pagecount_opts o = opts_default();
	struct fm_pagecount r;

	ASSERT_TRUE(count(pdf, sizeof(pdf) - 1, &o, &r));
	ASSERT_INT_EQ(r.status, FM_PC_OK);
	ASSERT_STR_EQ(r.format, "pdf");
	ASSERT_UINT_EQ(r.pages, 4);
	/* pages 2 (red rg) and 4 (red index 1 stroked) */
	ASSERT_UINT_EQ(r.color_pages, 2);

	ASSERT_TRUE(count("%PDF-1.4\ngarbage", 16, &o, &r));
	ASSERT_INT_EQ(r.status, FM_PC_DAMAGED);
	ASSERT_UINT_EQ(r.pages, 0);
}

static void
test_isolated_equals_in_process(void)
{
	static const char pcl[] = "\x1b"
	                          "E\x1b&l2XA\fB\f\x1b*r3U\x1b*v1SC\f";
	struct fm_pagecount_opts o = opts_default();
	struct fm_pagecount a, b;

	ASSERT_TRUE(o.isolate); /* the default */
	o.copies = 3;
	ASSERT_TRUE(count(pcl, sizeof(pcl) - 1, &o, &a));
	o.isolate = false;
	ASSERT_TRUE(count(pcl, sizeof(pcl) - 1, &o, &b));
	ASSERT_INT_EQ(a.status, FM_PC_OK);
	ASSERT_STR_EQ(a.format, b.format);
	ASSERT_UINT_EQ(a.pages, 3);
	ASSERT_UINT_EQ(a.pages, b.pages);
	ASSERT_UINT_EQ(a.color_pages, 1);
	ASSERT_UINT_EQ(a.color_pages, b.color_pages);
	ASSERT_UINT_EQ(a.impressions, b.impressions);
	ASSERT_UINT_EQ(a.copies, b.copies);
	/* and a failure crosses the process boundary with its reason */
	o.isolate = true;
	ASSERT_TRUE(count("\x1b*b100Wxx", 9, &o, &a));
	ASSERT_INT_EQ(a.status, FM_PC_DAMAGED);
	ASSERT_STR_CONTAINS(a.reason, "truncated");
}

static void
test_unsupported_and_fd(void)
{
	struct fm_pagecount_opts o = opts_default();
	struct fm_pagecount r;
	char path[] = "/tmp/fm-pagecount-XXXXXX";
	static const char pcl[] = "\x1b"
	                          "EA\fB\f";
	int fd;

	ASSERT_TRUE(count("hello world\n", 12, &o, &r));
	ASSERT_INT_EQ(r.status, FM_PC_UNSUPPORTED);
	ASSERT_TRUE(count("", 0, &o, &r));
	ASSERT_INT_EQ(r.status, FM_PC_UNSUPPORTED);

	fd = mkstemp(path);
	ASSERT_TRUE(fd >= 0);
	unlink(path);
	ASSERT_INT_EQ(write(fd, pcl, sizeof(pcl) - 1), sizeof(pcl) - 1);
	ASSERT_INT_EQ(lseek(fd, 2, SEEK_SET), 2);
	ASSERT_TRUE(fm_pagecount_fd(fd, &o, &r));
	ASSERT_UINT_EQ(r.pages, 2);
	ASSERT_INT_EQ(lseek(fd, 0, SEEK_CUR), 2); /* offset untouched */
	close(fd);
	/* not a regular file: a system error */
	ASSERT_FALSE(fm_pagecount_fd(-1, &o, &r));
}

int
main(void)
{
	RUN(test_opts_defaults);
	RUN(test_parse_words);
	RUN(test_tally_nup_and_repeats);
	RUN(test_pwg_pixels_decide_colour);
	RUN(test_copies_nup_sides);
	RUN(test_pcl5_form_feeds_and_traps);
	RUN(test_pcl5_same_copies_counted_once);
	RUN(test_pcl5_text_overflow);
	RUN(test_pjl_header);
	RUN(test_ps_dsc);
	RUN(test_ps_inline_image_data_skipped);
	RUN(test_pdf_in_memory);
	RUN(test_isolated_equals_in_process);
	RUN(test_unsupported_and_fd);
	return harness_done();
}
