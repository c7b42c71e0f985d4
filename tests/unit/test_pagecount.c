/*
 * test_pagecount.c - unit tests for spooler/pagecount.c, pagetally.c and
 * the format parsers, on small buffers built here.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "spooler/pagecount-pjl.h"
#include "spooler/pagecount.h"
#include "spooler/pagetally.h"
#include "tests/unit/harness.h"

/* A document the tests count: bytes and their length. */
struct doc {
	const char *data;
	size_t len;
};

#define DOC(s)                                                                 \
	{                                                                      \
		(s), sizeof(s) - 1                                             \
	}
#define LIT(s) ((struct doc)DOC(s))
#define BYTES(p, n) ((struct doc){(const char *)(p), (n)})

/* The documents the tests count, in one place; what each must count to
 * is in its test. */
enum doc_id {
	PCL_TRAPS,
	PCL_COPIES,
	PCL_COLOR,
	PCL_TWO_PAGES,
	PJL_PCL,
	PS_DSC,
	PS_INLINE_IMAGE,
	PDF_INDEXED,
};

static const struct doc docs[] = {
    /* 3 pages: FF, a reset after text, and text at the end.  Form feeds
     * inside a raster row, transparent data and HP-GL/2 do not count;
     * ESC&l2X doubles every page. */
    [PCL_TRAPS] = DOC("\x1b"
                      "E\x1b&l2XPage one\f"
                      "\x1b*b4W\f\f\f\f"
                      "\x1b&p2X\f\f"
                      "\x1b%1BLB\f\f\x03;\x1b%1A"
                      "Page two\x1b"
                      "E"
                      "Page three"),
    /* 2 pages, each printed twice (ESC&l2X). */
    [PCL_COPIES] = DOC("\x1b"
                       "E\x1b&l2XA\fB\f"),
    /* 3 pages, twice each (ESC&l2X); the third prints in a colour
     * palette's foreground (ESC*r3U, ESC*v1S). */
    [PCL_COLOR] = DOC("\x1b"
                      "E\x1b&l2XA\fB\f\x1b*r3U\x1b*v1SC\f"),
    /* 2 plain pages. */
    [PCL_TWO_PAGES] = DOC("\x1b"
                          "EA\fB\f"),
    /* A PJL header (3 collated copies, duplex) around a 1-page PCL job. */
    [PJL_PCL] = DOC("\x1b%-12345X@PJL JOB NAME=\"x\"\r\n"
                    "@PJL SET QTY = 3\r\n"
                    "@PJL SET DUPLEX=ON\r\n"
                    "@PJL ENTER LANGUAGE = PCL\r\n"
                    "\x1b"
                    "EHello\f\x1b%-12345X@PJL EOJ\r\n"),
    /* 3 DSC pages (page 2 yellow), #copies 2; the %%Page: comments
     * inside an embedded document and a binary section do not count. */
    [PS_DSC] =
        DOC("%!PS-Adobe-3.0\n%%Pages: (atend)\n%%EndComments\n"
            "/#copies 2 def\n"
            "%%Page: 1 1\n0.5 0.5 0.5 setrgbcolor 0 0 9 9 rectfill showpage\n"
            "%%Page: 2 2\n%%BeginDocument: x.eps\n%%Page: 1 1\n"
            "%%EndDocument\n0 0 1 0 setcmykcolor showpage\n"
            "%%Page: 3 3\n%%BeginData: 14 Binary Bytes\n%%Page: 9 9\n\n"
            "showpage\n%%Trailer\n%%Pages: 3\n%%EOF\n"),
    /* Base-85 image data that happens to spell operators must not be
     * read as code: one mono page, not colour, not "two showpage". */
    [PS_INLINE_IMAGE] =
        DOC("%!PS-Adobe-3.0\n%%Pages: 1\n%%EndComments\n"
            "%%Page: 1 1\n8 8 8 [8 0 0 8 0 0] currentfile /ASCII85Decode "
            "filter image\n0 0 1 setrgbcolor showpage showpage~>\n"
            "showpage\n%%EOF\n"),
    /* A minimal PDF without xref (qpdf reconstructs it): a grey rg
     * fill, a red one, then Indexed spaces: I1 (black, red) and I2
     * (green, green).  Page 3 fills with I1 index 0 (black) after I2
     * was resolved - a lookup table kept in qpdf's scratch string would
     * read I2's green here; page 4 strokes I1 index 1 (red). */
    [PDF_INDEXED] =
        DOC("%PDF-1.4\n"
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
            "trailer << /Root 1 0 R /Size 11 >>\n%%EOF\n"),
};

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

/* What a count must give, field by field. */
struct want {
	enum fm_pc_status status;
	const char *format;
	uint64_t pages, color_pages, impressions, copies;
};

/*
 * Counts document d with *o into *r and checks *r against *w (a
 * failed status has every count zero).  Called through EXPECT(), which
 * names the calling line when a check fails.
 */
static void
expect(struct doc d, const struct fm_pagecount_opts *o, const struct want *w,
    struct fm_pagecount *r)
{
	ASSERT_TRUE(count(d.data, d.len, o, r));
	ASSERT_INT_EQ(r->status, w->status);
	ASSERT_STR_EQ(r->format, w->format);
	ASSERT_UINT_EQ(r->pages, w->pages);
	ASSERT_UINT_EQ(r->color_pages, w->color_pages);
	ASSERT_UINT_EQ(r->mono_pages, w->pages - w->color_pages);
	ASSERT_UINT_EQ(r->impressions, w->impressions);
	ASSERT_UINT_EQ(r->copies, w->copies);
}

#define EXPECT(doc, o, r, ...)                                                 \
	do {                                                                   \
		const struct want want_ = {__VA_ARGS__};                       \
		expect((doc), (o), &want_, (r));                               \
		if (harness_current_failed)                                    \
			HARNESS_FAIL("EXPECT(%s) failed", #doc);               \
	} while (0)

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

/* A PWG raster stream being built. */
struct pwg {
	uint8_t buf[4 + 5 * 4000];
	size_t n;
};

static void
pwg_start(struct pwg *out)
{
	memcpy(out->buf, "RaS2", 4);
	out->n = 4;
}

/* Appends a page: w x h (w <= 128), RGB or grey, all one pixel value. */
static void
pwg_page(struct pwg *out, unsigned w, unsigned h, bool rgb, uint8_t r,
    uint8_t g, uint8_t b)
{
	uint8_t *p = out->buf + out->n;
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
	out->n = (size_t)(p - out->buf);
}

static void
test_pwg_pixels_decide_colour(void)
{
	static struct pwg pwg;
	struct fm_pagecount_opts o = opts_default();
	struct fm_pagecount r;

	pwg_start(&pwg);
	pwg_page(&pwg, 10, 5, true, 7, 7, 7);     /* grey in RGB */
	pwg_page(&pwg, 10, 5, true, 200, 10, 10); /* red */
	pwg_page(&pwg, 10, 5, false, 0, 0, 0);    /* grey space */
	EXPECT(
	    BYTES(pwg.buf, pwg.n), &o, &r, FM_PC_OK, "pwg-raster", 3, 1, 3, 1);
	ASSERT_TRUE(r.color_exact);

	/* monochrome colour mode makes every page mono */
	o.color_mode = FM_COLOR_MODE_MONOCHROME;
	EXPECT(
	    BYTES(pwg.buf, pwg.n), &o, &r, FM_PC_OK, "pwg-raster", 3, 0, 3, 1);
	ASSERT_UINT_EQ(r.color_impressions, 0);

	/* one byte short: damaged, and no number */
	EXPECT(BYTES(pwg.buf, pwg.n - 1), &o, &r, FM_PC_DAMAGED, "pwg-raster",
	    0, 0, 0, 0);
}

static void
test_copies_nup_sides(void)
{
	static struct pwg pwg;
	struct fm_pagecount_opts o = opts_default();
	struct fm_pagecount r;

	pwg_start(&pwg);
	for (int i = 0; i < 5; i++)
		pwg_page(&pwg, 4, 2, false, 0, 0, 0);
	o.copies = 3;
	o.number_up = 2;
	o.sides = FM_SIDES_TWO_SIDED_LONG_EDGE;
	/* 5 pages 2-up = 3 sides per copy; 2 sheets per copy. */
	EXPECT(
	    BYTES(pwg.buf, pwg.n), &o, &r, FM_PC_OK, "pwg-raster", 5, 0, 9, 3);
	ASSERT_UINT_EQ(r.sheets, 6);
	o.sides = FM_SIDES_ONE_SIDED;
	EXPECT(
	    BYTES(pwg.buf, pwg.n), &o, &r, FM_PC_OK, "pwg-raster", 5, 0, 9, 3);
	ASSERT_UINT_EQ(r.sheets, 9);
}

static void
test_pcl5_form_feeds_and_traps(void)
{
	struct fm_pagecount_opts o = opts_default();
	struct fm_pagecount r;

	/* the reset also resets copies: 2 + 2 + 1 */
	EXPECT(docs[PCL_TRAPS], &o, &r, FM_PC_OK, "pcl5", 3, 0, 5, 1);

	/* A payload longer than the data is damage, not a guess. */
	EXPECT(LIT("\x1b*b100Wxx"), &o, &r, FM_PC_DAMAGED, "pcl5", 0, 0, 0, 0);
}

static void
test_pcl5_same_copies_counted_once(void)
{
	struct fm_pagecount_opts o = opts_default();
	struct fm_pagecount r;

	o.copies = 2; /* the same request as ESC&l2X */
	EXPECT(docs[PCL_COPIES], &o, &r, FM_PC_OK, "pcl5", 2, 0, 4, 2);
	o.copies = 3; /* a different request multiplies */
	EXPECT(docs[PCL_COPIES], &o, &r, FM_PC_OK, "pcl5", 2, 0, 12, 6);
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
	struct fm_pagecount_pjl h;
	struct fm_pagecount_opts o = opts_default();
	struct fm_pagecount r;

	ASSERT_TRUE(fm_pagecount_pjl_parse(
	    (const uint8_t *)docs[PJL_PCL].data, docs[PJL_PCL].len, &h));
	ASSERT_STR_EQ(h.language, "PCL");
	ASSERT_UINT_EQ(h.qty, 3);
	ASSERT_UINT_EQ(h.copies, 1);
	ASSERT_TRUE(h.duplex);
	ASSERT_INT_EQ(docs[PJL_PCL].data[h.body], 0x1b);
	EXPECT(docs[PJL_PCL], &o, &r, FM_PC_OK, "pjl+pcl5", 1, 0, 3, 3);
	/* PJL with nothing to print */
	ASSERT_FALSE(fm_pagecount_pjl_parse(
	    (const uint8_t *)"@PJL INFO ID\r\n", 14, &h));
}

static void
test_ps_dsc(void)
{
	struct fm_pagecount_opts o = opts_default();
	struct fm_pagecount r;

	/* one colour page (the yellow one), twice */
	EXPECT(docs[PS_DSC], &o, &r, FM_PC_OK, "postscript", 3, 1, 6, 2);

	/* No DSC and no Ghostscript allowed: a status, not a guess. */
	EXPECT(LIT("%!\nshowpage\n"), &o, &r, FM_PC_TOO_COMPLEX, "postscript",
	    0, 0, 0, 0);
}

/* What only Ghostscript could count says so, across the isolated
 * child too: the backend then holds it for followmed to count; what no
 * renderer would help with does not. */
static void
test_needs_renderer(void)
{
	struct fm_pagecount_opts o = opts_default();
	struct fm_pagecount r;

	EXPECT(LIT("%!PS\nshowpage\n"), &o, &r, FM_PC_TOO_COMPLEX, "postscript",
	    0, 0, 0, 0);
	ASSERT_TRUE(r.needs_renderer);
	EXPECT(
	    LIT("%PDF-1.4\ngarbage"), &o, &r, FM_PC_DAMAGED, "pdf", 0, 0, 0, 0);
	ASSERT_TRUE(r.needs_renderer);
	EXPECT(docs[PS_DSC], &o, &r, FM_PC_OK, "postscript", 3, 1, 6, 2);
	ASSERT_FALSE(r.needs_renderer);
	EXPECT(LIT("\x01\x02binary\n"), &o, &r, FM_PC_UNSUPPORTED, "unknown", 0,
	    0, 0, 0);
	ASSERT_FALSE(r.needs_renderer);
	ASSERT_TRUE(count("\x1b*b100Wxx", 9, &o, &r));
	ASSERT_INT_EQ(r.status, FM_PC_DAMAGED);
	ASSERT_FALSE(r.needs_renderer);
	o.isolate = false;
	EXPECT(LIT("%!PS\nshowpage\n"), &o, &r, FM_PC_TOO_COMPLEX, "postscript",
	    0, 0, 0, 0);
	ASSERT_TRUE(r.needs_renderer);
}

static void
test_ps_inline_image_data_skipped(void)
{
	struct fm_pagecount_opts o = opts_default();
	struct fm_pagecount r;

	EXPECT(
	    docs[PS_INLINE_IMAGE], &o, &r, FM_PC_OK, "postscript", 1, 0, 1, 1);
}

static void
test_pdf_in_memory(void)
{
	struct fm_pagecount_opts o = opts_default();
	struct fm_pagecount r;

	/* colour: pages 2 (red rg) and 4 (red index 1 stroked) */
	EXPECT(docs[PDF_INDEXED], &o, &r, FM_PC_OK, "pdf", 4, 2, 4, 1);

	EXPECT(
	    LIT("%PDF-1.4\ngarbage"), &o, &r, FM_PC_DAMAGED, "pdf", 0, 0, 0, 0);
}

/* Plain text, paginated as texttopdf prints it: 80 columns, 60 lines
 * (tests/integration/pagecount.sh compares with the real filter). */
static void
test_text_pages(void)
{
	struct fm_pagecount_opts o = opts_default();
	struct fm_pagecount r;
	char buf[8192];
	size_t n = 0;

	EXPECT(LIT("hello world\n"), &o, &r, FM_PC_OK, "text", 1, 0, 1, 1);
	/* 60 lines fill a page; the 61st starts another */
	for (int i = 0; i < 61; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "line %d\n", i);
	EXPECT(BYTES(buf, n), &o, &r, FM_PC_OK, "text", 2, 0, 2, 1);
	/* 81 characters wrap onto a second line, not a second page */
	memset(buf, 'x', 81);
	EXPECT(BYTES(buf, 81), &o, &r, FM_PC_OK, "text", 1, 0, 1, 1);
	/* a form feed ejects its page, an empty one too, but not at the
	 * end of the text */
	EXPECT(LIT("a\fb\fc\n"), &o, &r, FM_PC_OK, "text", 3, 0, 3, 1);
	EXPECT(LIT("\fa\n"), &o, &r, FM_PC_OK, "text", 2, 0, 2, 1);
	EXPECT(LIT("a\n\f"), &o, &r, FM_PC_OK, "text", 1, 0, 1, 1);
	/* ten tabs pass the margin: one line down */
	EXPECT(
	    LIT("\t\t\t\t\t\t\t\t\t\tx"), &o, &r, FM_PC_OK, "text", 1, 0, 1, 1);
	/* the filter's reader stops at a four-byte UTF-8 sequence */
	n = 0;
	for (int i = 0; i < 61; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
		    i == 10 ? "\xf0\x9f\x98\x80\n" : "l\n");
	EXPECT(BYTES(buf, n), &o, &r, FM_PC_OK, "text", 1, 0, 1, 1);
	/* copies multiply */
	o.copies = 3;
	EXPECT(LIT("a\fb"), &o, &r, FM_PC_OK, "text", 2, 0, 6, 3);
}

/* A PDF without its header is found by its objects and read by qpdf;
 * a page tree too deep for qpdf, with Ghostscript not allowed, is not
 * counted and says why (the corpus has Ghostscript count it). */
static void
test_pdf_headerless_and_deep(void)
{
	struct fm_pagecount_opts o = opts_default();
	struct fm_pagecount r;
	char *deep;
	size_t n = 0, cap = 200000;

	/* "%PDF-" overwritten in place: the offsets still hold */
	ASSERT_TRUE(docs[PDF_INDEXED].len < 8192);
	{
		char copy[8192];
		memcpy(copy, docs[PDF_INDEXED].data, docs[PDF_INDEXED].len);
		memcpy(copy, "%XXX-", 5);
		EXPECT(BYTES(copy, docs[PDF_INDEXED].len), &o, &r, FM_PC_OK,
		    "pdf", 4, 2, 4, 1);
	}

	deep = malloc(cap);
	ASSERT_TRUE(deep != NULL);
	n += (size_t)snprintf(deep + n, cap - n,
	    "%%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
	for (int i = 0; i < 1100; i++)
		n += (size_t)snprintf(deep + n, cap - n,
		    "%d 0 obj << /Type /Pages /Kids [%d 0 R] /Count 1 >> "
		    "endobj\n",
		    2 + i, 3 + i);
	n += (size_t)snprintf(deep + n, cap - n,
	    "1102 0 obj << /Type /Page /MediaBox [0 0 9 9] >> endobj\n"
	    "trailer << /Root 1 0 R /Size 1103 >>\n%%%%EOF\n");
	ASSERT_TRUE(n < cap);
	EXPECT(BYTES(deep, n), &o, &r, FM_PC_TOO_COMPLEX, "pdf", 0, 0, 0, 0);
	ASSERT_STR_CONTAINS(r.reason, "too deep");
	free(deep);
}

static void
test_isolated_equals_in_process(void)
{
	struct fm_pagecount_opts o = opts_default();
	struct fm_pagecount a, b;

	/* the same result from the child as in the process */
	ASSERT_TRUE(o.isolate); /* the default */
	o.copies = 3;
	EXPECT(docs[PCL_COLOR], &o, &a, FM_PC_OK, "pcl5", 3, 1, 18, 6);
	o.isolate = false;
	EXPECT(docs[PCL_COLOR], &o, &b, FM_PC_OK, "pcl5", 3, 1, 18, 6);
	/* and a failure crosses the process boundary with its reason */
	o.isolate = true;
	ASSERT_TRUE(count("\x1b*b100Wxx", 9, &o, &a));
	ASSERT_INT_EQ(a.status, FM_PC_DAMAGED);
	ASSERT_STR_CONTAINS(a.reason, "truncated");
}

/* The caller's hook runs in the limited child, before it parses (a
 * batch of held documents unmaps the others there), and only there.  The
 * child keeps no descriptor of ours: it says so in a shared page. */
struct hook {
	volatile int *shared; /* MAP_SHARED: seen by both */
	bool ran;             /* private: the child's copy changes */
};

static void
hook_in_child(void *arg)
{
	struct hook *h = arg;

	h->ran = true;
	(*h->shared)++;
}

static void
test_in_child_hook(void)
{
	struct fm_pagecount_opts o = opts_default();
	struct fm_pagecount r;
	struct hook h = {NULL, false};
	void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	ASSERT_TRUE(page != MAP_FAILED);
	h.shared = page;
	o.in_child = hook_in_child;
	o.in_child_arg = &h;
	EXPECT(docs[PCL_COLOR], &o, &r, FM_PC_OK, "pcl5", 3, 1, 6, 2);
	ASSERT_INT_EQ(*h.shared, 1);
	ASSERT_FALSE(h.ran); /* the child's memory, not ours */
	/* In process (isolate off) there is no child to run it in. */
	o.isolate = false;
	EXPECT(docs[PCL_COLOR], &o, &r, FM_PC_OK, "pcl5", 3, 1, 6, 2);
	ASSERT_INT_EQ(*h.shared, 1);
	ASSERT_FALSE(h.ran);
	munmap(page, 4096);
}

static void
test_unsupported_and_fd(void)
{
	struct fm_pagecount_opts o = opts_default();
	struct fm_pagecount r;
	char path[] = "/tmp/fm-pagecount-XXXXXX";
	int fd;

	EXPECT(LIT("\x01\x02binary\n"), &o, &r, FM_PC_UNSUPPORTED, "unknown", 0,
	    0, 0, 0);
	EXPECT(LIT(""), &o, &r, FM_PC_UNSUPPORTED, "unknown", 0, 0, 0, 0);

	fd = mkstemp(path);
	ASSERT_TRUE(fd >= 0);
	unlink(path);
	ASSERT_INT_EQ(
	    write(fd, docs[PCL_TWO_PAGES].data, docs[PCL_TWO_PAGES].len),
	    docs[PCL_TWO_PAGES].len);
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
	RUN(test_needs_renderer);
	RUN(test_ps_inline_image_data_skipped);
	RUN(test_pdf_in_memory);
	RUN(test_text_pages);
	RUN(test_pdf_headerless_and_deep);
	RUN(test_isolated_equals_in_process);
	RUN(test_unsupported_and_fd);
	RUN(test_in_child_hook);
	return harness_done();
}
