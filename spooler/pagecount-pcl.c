/*
 * pagecount-pcl.c - PCL 5 (and PCL 3/4) page counting.
 *
 * A page is ejected by a form feed outside HP-GL/2, by a reset (ESC E)
 * or the end of the data when something was put on the page.  Escape
 * sequences that announce binary data (every "#W" parameter, raster
 * planes ESC*b#V, and ESC&p#X transparent print data) are skipped over whole,
 * so that a 0x0C inside a raster row or a font is never taken for a form feed.
 * Plain text that runs past the text length (ESC&l#F, default 60 lines)
 * with line feeds only continues on a new page when more text comes; a
 * page that positions the cursor vertically (ESC&a#R/V, ESC*p#Y) is left
 * to its form feeds, as line counting no longer says where it is.
 * ESC&l#X sets the copies of each following page (uncollated).  The
 * universal exit language (ESC%-12345X) ends the PCL job.
 *
 * Colour: a page is colour when a colour palette is active (simple
 * colour ESC*r3U / ESC*r-3U, or ESC*v#W configure image data with a
 * colour space) and either a foreground colour other than black or
 * white is selected (ESC*v#S) or multi-plane raster rows are sent.  This
 * follows the commands, not the pixels, so it is marked inexact.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "spooler/pagecount-pcl.h"

struct pcl_state {
	uint64_t copies;
	bool dirty;
	bool color;            /* this page has colour */
	int palette;           /* 0 mono, 3 RGB, -3 CMY, 4 CID colour */
	int64_t fg;            /* selected palette index */
	const uint8_t *plane0; /* first plane of the raster row being sent */
	size_t plane0_len;
	uint64_t lines;       /* line feeds on this page */
	uint64_t text_length; /* lines per page (ESC&l#F), default 60 */
	bool positioned;      /* the page moves the cursor vertically */
	bool overflow;        /* text ran past the last line */
};

static void
eject(struct pcl_state *s, struct fm_pagetally *t)
{
	fm_pagetally_add(t, s->color, s->copies);
	s->dirty = false;
	s->color = false;
	s->lines = 0;
	s->positioned = false;
	s->overflow = false;
}

/*
 * Printable data arrives: if plain text ran past the page's text length
 * (no vertical positioning on the page, only line feeds), the printer
 * has started a new page for it.
 */
static void
mark(struct pcl_state *s, struct fm_pagetally *t)
{
	if (s->overflow && s->dirty)
		eject(s, t);
	s->overflow = false;
	s->dirty = true;
}

static void
reset(struct pcl_state *s)
{
	s->copies = 1;
	s->palette = 0;
	s->fg = 0;
	s->plane0 = NULL;
	s->text_length = 60;
}

static bool
fg_is_color(const struct pcl_state *s)
{
	if (s->palette == 3)
		return s->fg != 0 && s->fg != 7;
	if (s->palette == -3)
		return s->fg != 0 && s->fg != 7;
	if (s->palette == 4)
		return s->fg != 0 && s->fg != 1 && s->fg != 7 && s->fg != 255;
	return false;
}

/*
 * One plane of a raster row (ESC*b#V) or its last plane (ESC*b#W).  With
 * a colour palette, planes that differ from the row's first plane mean
 * pixels whose R, G and B bits differ: colour.  Identical planes are
 * black and white only.
 */
static void
raster_plane(struct pcl_state *s, const uint8_t *d, size_t n, bool last)
{
	if (n > 0)
		s->dirty = true;
	if (s->palette != 0 && s->plane0 != NULL &&
	    (n != s->plane0_len || memcmp(d, s->plane0, n) != 0))
		s->color = true;
	if (last) {
		s->plane0 = NULL;
	} else if (s->plane0 == NULL) {
		s->plane0 = d;
		s->plane0_len = n;
	}
}

/*
 * Parses a parameterized escape at buf[p] (just after ESC) and acts on
 * it.  Returns the position after it and its data, or 0 when the data
 * ends inside it.
 */
static size_t
param_escape(const uint8_t *buf, size_t len, size_t p, struct pcl_state *s)
{
	uint8_t pc = buf[p], group = 0;

	p++;
	if (p < len && buf[p] >= 0x60 && buf[p] <= 0x7e)
		group = buf[p++];
	for (;;) {
		int64_t v = 0;
		bool neg = false, any = false;
		uint8_t term;

		if (p < len && (buf[p] == '+' || buf[p] == '-'))
			neg = buf[p++] == '-';
		while (p < len && buf[p] >= '0' && buf[p] <= '9') {
			if (v < 1000000000)
				v = v * 10 + (buf[p] - '0');
			p++;
			any = true;
		}
		if (p < len && buf[p] == '.') {
			p++;
			while (p < len && buf[p] >= '0' && buf[p] <= '9')
				p++;
		}
		if (p >= len)
			return 0;
		term = buf[p++];
		if (neg)
			v = -v;
		if (term < 0x40 || term > 0x7e)
			return p - 1; /* malformed: resume at that byte */
		uint8_t up = term & 0xdf;

		if (up == 'W' || (pc == '*' && group == 'b' && up == 'V') ||
		    (pc == '&' && group == 'p' && up == 'X')) {
			/* Binary payload of v bytes follows. */
			if (v < 0)
				v = 0;
			if ((uint64_t)v > len - p)
				return 0;
			if (pc == '*' && group == 'v' && up == 'W' && v >= 1 &&
			    buf[p] != 0 && buf[p] != 3)
				s->palette = 4; /* CID: a colour space */
			if (pc == '*' && group == 'b' &&
			    (up == 'W' || up == 'V'))
				raster_plane(s, buf + p, (size_t)v, up == 'W');
			if (pc == '&' && group == 'p' && v > 0)
				s->dirty = true;
			p += (size_t)v;
		} else if (pc == '&' && group == 'l' && up == 'X' && any) {
			s->copies = v >= 1 ? (uint64_t)v : 1;
		} else if (pc == '&' && group == 'l' && up == 'F' && any) {
			s->text_length = v >= 1 ? (uint64_t)v : 60;
		} else if ((pc == '&' && group == 'a' &&
		               (up == 'R' || up == 'V')) ||
		    (pc == '*' && group == 'p' && up == 'Y')) {
			/* Vertical cursor moves: line counting no longer
			 * tells where the text is. */
			s->positioned = true;
		} else if (pc == '*' && group == 'r' && up == 'U' && any) {
			s->palette = v == 3 || v == -3 ? (int)v : 0;
		} else if (pc == '*' && group == 'v' && up == 'S' && any) {
			s->fg = v;
		}
		if (pc == '*' && group == 'c' && up == 'P')
			s->dirty = true; /* rectangle fill */
		if (pc == '*' && group == 'c' && up == 'P' && fg_is_color(s))
			s->color = true;
		if (term >= 0x40 && term <= 0x5e)
			return p; /* upper case ends the sequence */
	}
}

bool
fm_pagecount_pcl_scan(const uint8_t *buf, size_t len, struct fm_pagetally *t)
{
	struct pcl_state s;
	size_t p = 0;
	bool hpgl = false;

	memset(&s, 0, sizeof(s));
	reset(&s);
	while (p < len) {
		uint8_t c = buf[p];

		if (c != 0x1b) {
			if (hpgl) {
				/* Plot commands put marks on the page; form
				 * feeds here are label text, not ejects.  The
				 * whole HP-GL/2 run up to the next escape is
				 * taken at once. */
				const uint8_t *e =
				    memchr(buf + p, 0x1b, len - p);
				size_t q = e != NULL ? (size_t)(e - buf) : len;
				for (size_t i = p; i < q && !s.dirty; i++)
					if (buf[i] > ' ')
						s.dirty = true;
				p = q;
				continue;
			}
			if (c > ' ' && c != 0x7f) {
				/* A run of printable text: one mark. */
				mark(&s, t);
				if (fg_is_color(&s))
					s.color = true;
				while (++p < len && buf[p] > ' ' &&
				    buf[p] != 0x7f && buf[p] != 0x1b)
					;
				continue;
			}
			if (c == '\f') {
				eject(&s, t);
			} else if (c == '\n') {
				if (!s.positioned && ++s.lines >= s.text_length)
					s.overflow = true;
			} else if (c >= ' ' || c == '\t') {
				mark(&s, t);
				if (fg_is_color(&s))
					s.color = true;
			}
			p++;
			continue;
		}
		if (++p >= len)
			break;
		c = buf[p];
		if (c == 'E') {
			if (s.dirty)
				eject(&s, t);
			reset(&s);
			hpgl = false;
			p++;
		} else if (c == '%') {
			/* ESC%#A/B switch HP-GL/2; ESC%-12345X is UEL. */
			size_t q = p + 1;
			int64_t v = 0;
			bool neg = false;
			if (q < len && (buf[q] == '-' || buf[q] == '+'))
				neg = buf[q++] == '-';
			while (q < len && buf[q] >= '0' && buf[q] <= '9' &&
			    q - p < 12)
				v = v * 10 + (buf[q++] - '0');
			if (q >= len)
				break;
			if (neg)
				v = -v;
			if (buf[q] == 'X' && v == -12345)
				break;
			if (buf[q] == 'B')
				hpgl = true;
			else if (buf[q] == 'A')
				hpgl = false;
			p = q + 1;
		} else if (c >= 0x21 && c <= 0x2f) {
			size_t q = param_escape(buf, len, p, &s);
			if (q == 0) {
				fm_pagetally_fail(t, FM_PC_DAMAGED,
				    "truncated escape sequence or data");
				return true;
			}
			p = q;
		} else {
			p++; /* two-character escape (ESC 9, ESC =, ...) */
		}
	}
	if (s.dirty)
		eject(&s, t);
	return true;
}
