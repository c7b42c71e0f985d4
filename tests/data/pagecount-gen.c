/*
 * pagecount-gen.c - writes PCL 5, PCL XL, PWG raster and Apple URF test
 * files whose truth is known by construction (ghostpcl, which could
 * render PCL, is not packaged in Debian 12, and Ghostscript's own raster
 * writers cannot make colour URF or grey-in-RGB pages on purpose).
 *
 * Usage: pagecount-gen FORMAT OUT PAGES [OPTION...]
 *   FORMAT  pcl5 | pclxl | pwg | urf
 *   PAGES   one letter per page: c = colour, g = grey drawn in RGB
 *           (R=G=B, must count as mono), m = mono / grey colour space
 *   OPTION  copies=N  in-data copies (PCL ESC&lNX, PCL XL PageCopies)
 *           be        PCL XL big-endian stream
 *           rle       PCL XL images RLE-compressed
 *           pjl=Q     wrap in PJL with SET QTY=Q
 *           traps     PCL 5: HP-GL/2 labels and raster rows full of
 *                     form feed bytes, and ESC E resets between pages
 *           mb=N      repeat PAGES until the file reaches N MB (bench)
 *
 * Truth: pages = letters (times the mb repeats); colour pages = 'c's.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gen {
	FILE *f;
	unsigned copies;
	int be, rle, traps;
	long pjl;
	unsigned seed;
};

static void
put(struct gen *g, const void *p, size_t n)
{
	if (fwrite(p, 1, n, g->f) != n) {
		perror("pagecount-gen: write");
		exit(1);
	}
}

static void
puts_(struct gen *g, const char *s)
{
	put(g, s, strlen(s));
}

static void
byte(struct gen *g, unsigned b)
{
	uint8_t c = (uint8_t)b;
	put(g, &c, 1);
}

static void
be32(struct gen *g, uint32_t v)
{
	uint8_t b[4] = {v >> 24, v >> 16, v >> 8, v};
	put(g, b, 4);
}

/* ---- PCL XL ---- */

static void
xl16(struct gen *g, unsigned v)
{
	if (g->be) {
		byte(g, v >> 8);
		byte(g, v);
	} else {
		byte(g, v);
		byte(g, v >> 8);
	}
}

static void
xl32(struct gen *g, uint32_t v)
{
	if (g->be) {
		byte(g, v >> 24), byte(g, v >> 16), byte(g, v >> 8), byte(g, v);
	} else {
		byte(g, v), byte(g, v >> 8), byte(g, v >> 16), byte(g, v >> 24);
	}
}

static void
xl_ubyte(struct gen *g, unsigned v, unsigned attr)
{
	byte(g, 0xc0), byte(g, v), byte(g, 0xf8), byte(g, attr);
}

static void
xl_uint16(struct gen *g, unsigned v, unsigned attr)
{
	byte(g, 0xc1), xl16(g, v), byte(g, 0xf8), byte(g, attr);
}

static void
xl_rgb(struct gen *g, unsigned r, unsigned gg, unsigned b)
{
	byte(g, 0xc8), byte(g, 0xc1), xl16(g, 3);
	byte(g, r), byte(g, gg), byte(g, b);
	byte(g, 0xf8), byte(g, 0x0b);
}

static void
xl_rect(struct gen *g)
{
	byte(g, 0xe1), xl16(g, 100), xl16(g, 100), xl16(g, 600), xl16(g, 400);
	byte(g, 0xf8), byte(g, 0x42), byte(g, 0x81); /* Rectangle */
}

static void
xl_image(struct gen *g, int color)
{
	enum { W = 33, H = 20 };
	unsigned row = (W * 3 + 3) & ~3u;
	uint8_t data[H * ((W * 3 + 3) & ~3u)];

	memset(data, 0, sizeof(data));
	for (unsigned y = 0; y < H; y++)
		for (unsigned x = 0; x < W; x++) {
			uint8_t *p = data + y * row + x * 3;
			p[0] = p[1] = p[2] = (uint8_t)(x * 7 + y);
			if (color && y == H - 1 && x == W - 1)
				p[2] ^= 0x40; /* one blue-ish pixel */
		}
	xl_ubyte(g, 0, 0x64);  /* ColorMapping eDirectPixel */
	xl_ubyte(g, 2, 0x62);  /* ColorDepth e8Bit */
	xl_uint16(g, W, 0x6c); /* SourceWidth */
	xl_uint16(g, H, 0x6b); /* SourceHeight */
	byte(g, 0xd1), xl16(g, 330), xl16(g, 200);
	byte(g, 0xf8), byte(g, 0x67); /* DestinationSize */
	byte(g, 0xb0);                /* BeginImage */
	xl_uint16(g, 0, 0x6d);        /* StartLine */
	xl_uint16(g, H, 0x63);        /* BlockHeight */
	xl_ubyte(g, g->rle ? 1 : 0, 0x65);
	byte(g, 0xb1); /* ReadImage */
	if (!g->rle) {
		byte(g, 0xfa), xl32(g, sizeof(data));
		put(g, data, sizeof(data));
	} else {
		/* PackBits: literal runs of up to 128 bytes. */
		uint8_t out[sizeof(data) * 2];
		size_t o = 0;
		for (size_t i = 0; i < sizeof(data); i += 128) {
			size_t n =
			    sizeof(data) - i < 128 ? sizeof(data) - i : 128;
			out[o++] = (uint8_t)(n - 1);
			memcpy(out + o, data + i, n);
			o += n;
		}
		byte(g, 0xfa), xl32(g, (uint32_t)o);
		put(g, out, o);
	}
	byte(g, 0xb2); /* EndImage */
}

static void
gen_pclxl(struct gen *g, const char *pages)
{
	puts_(g,
	    g->be ? "( HP-PCL XL;2;0;Comment followme\n"
	          : ") HP-PCL XL;2;0;Comment followme\n");
	byte(g, 0xd1), xl16(g, 600), xl16(g, 600);
	byte(g, 0xf8), byte(g, 0x89); /* UnitsPerMeasure */
	xl_ubyte(g, 0, 0x86);         /* Measure eInch */
	xl_ubyte(g, 0, 0x8f);         /* ErrorReport */
	byte(g, 0x41);                /* BeginSession */
	xl_ubyte(g, 0, 0x88);         /* SourceType */
	xl_ubyte(g, 1, 0x82);         /* DataOrg */
	byte(g, 0x48);                /* OpenDataSource */
	for (const char *p = pages; *p; p++) {
		xl_ubyte(g, 0, 0x28); /* Orientation */
		xl_ubyte(g, 2, 0x25); /* MediaSize A4 */
		byte(g, 0x43);        /* BeginPage */
		xl_ubyte(g, *p == 'm' ? 1 : 2, 0x03);
		byte(g, 0x6a); /* SetColorSpace */
		if (*p == 'm') {
			xl_ubyte(g, 80, 0x09); /* GrayLevel */
			byte(g, 0x63);
			xl_rect(g);
		} else {
			/* A grey brush in RGB, then an image. */
			xl_rgb(g, 90, 90, 90);
			byte(g, 0x63); /* SetBrushSource */
			xl_rect(g);
			xl_image(g, *p == 'c' && (p - pages) % 2 == 0);
			if (*p == 'c' && (p - pages) % 2 == 1) {
				xl_rgb(g, 200, 10, 10);
				byte(g, 0x79); /* SetPenSource */
				xl_rect(g);
			}
		}
		if (g->copies > 1)
			xl_uint16(g, g->copies, 0x31); /* PageCopies */
		byte(g, 0x44);                         /* EndPage */
	}
	byte(g, 0x49); /* CloseDataSource */
	byte(g, 0x42); /* EndSession */
}

/* ---- PCL 5 ---- */

static void
gen_pcl5(struct gen *g, const char *pages)
{
	puts_(g,
	    "\x1b"
	    "E");
	if (g->copies > 1)
		fprintf(g->f, "\x1b&l%uX", g->copies);
	for (const char *p = pages; *p; p++) {
		if (*p == 'c') {
			/* Simple RGB palette, red foreground, then text. */
			puts_(g, "\x1b*r3U\x1b*v1S");
		} else if (*p == 'g') {
			puts_(g, "\x1b*r3U\x1b*v0S");
		} else {
			puts_(g, "\x1b*r1U");
		}
		fprintf(g->f, "\x1b&a%dR", 2);
		fprintf(g->f, "Page %d of the test\r\n", (int)(p - pages) + 1);
		if (g->traps) {
			/* Raster rows and a font-ish payload full of 0x0C. */
			puts_(g, "\x1b*t300R\x1b*r1A");
			for (int i = 0; i < 3; i++) {
				/* Three planes (R, G, B); equal on grey and
				 * mono pages, different on colour pages. */
				puts_(g, "\x1b*b8V");
				put(g, "\f\f\f\f\f\f\f\f", 8);
				puts_(g, "\x1b*b8V");
				put(g, "\f\f\f\f\f\f\f\f", 8);
				puts_(g, "\x1b*b8W");
				put(g,
				    *p == 'c' ? "\f\f\f\f\f\f\f\x0d"
				              : "\f\f\f\f\f\f\f\f",
				    8);
			}
			puts_(g, "\x1b*rB");
			puts_(g, "\x1b&p4X\f\f\f\f");
			/* HP-GL/2 with a label containing form feeds. */
			puts_(
			    g, "\x1b%1BIN;SP1;PU100,100;PD200,200;LB\f\f\x03;");
			puts_(g, "\x1b%1A");
		}
		if (g->traps && p[1] != '\0' && (p - pages) % 2 == 1) {
			/* A reset ejects the dirty page instead of a FF. */
			puts_(g,
			    "\x1b"
			    "E");
			if (g->copies > 1)
				fprintf(g->f, "\x1b&l%uX", g->copies);
		} else {
			puts_(g, "\f");
		}
	}
	puts_(g,
	    "\x1b"
	    "E");
}

/* ---- PWG and URF ---- */

static unsigned
rnd(struct gen *g)
{
	g->seed = g->seed * 1103515245u + 12345u;
	return g->seed >> 16;
}

/*
 * Lines for both raster formats: a repeat byte, then runs.  A grey page
 * has literal runs of neutral pixels; a colour page ends with one
 * literal run holding a single non-neutral pixel.
 */
static void
raster_lines(struct gen *g, unsigned w, unsigned h, unsigned bpp, char kind)
{
	unsigned y = 0;

	while (y < h) {
		unsigned rep = 0, x = 0;
		if (y % 7 == 3 && h - y > 4)
			rep = 3; /* a repeated line group */
		byte(g, rep);
		while (x < w) {
			unsigned n = w - x < 128 ? w - x : 128;
			if (y % 5 == 0 && n > 1) {
				/* A repeat run of one pixel. */
				byte(g, n - 1);
				for (unsigned k = 0; k < bpp; k++)
					byte(g, 0x80);
			} else {
				byte(g, n == 1 ? 0 : 257 - n);
				for (unsigned i = 0; i < n; i++) {
					unsigned v = rnd(g) & 0xff;
					int last = kind == 'c' &&
					    y + rep + 1 >= h && x + i == w - 1;
					for (unsigned k = 0; k < bpp; k++)
						byte(g,
						    last && k == 0 ? v ^ 0x55
						                   : v);
				}
			}
			x += n;
		}
		y += rep + 1;
	}
}

static void
pwg_header(struct gen *g, unsigned w, unsigned h, char kind)
{
	uint8_t hdr[1796];
	unsigned bpp = kind == 'm' ? 8 : 24;
	struct {
		unsigned off, val;
	} f[] = {{276, 300}, {280, 300}, {352, w * 72 / 300},
	    {356, h * 72 / 300}, {372, w}, {376, h}, {384, 8}, {388, bpp},
	    {392, w * bpp / 8}, {396, 0}, {400, kind == 'm' ? 18 : 19},
	    {420, kind == 'm' ? 1 : 3}};

	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, "PwgRaster", 9);
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		uint8_t *p = hdr + f[i].off;
		p[0] = f[i].val >> 24, p[1] = f[i].val >> 16;
		p[2] = f[i].val >> 8, p[3] = f[i].val;
	}
	put(g, hdr, sizeof(hdr));
}

static void
gen_raster(struct gen *g, const char *pages, int urf, unsigned w, unsigned h)
{
	for (const char *p = pages; *p; p++) {
		unsigned bpp = *p == 'm' ? 1 : 3;
		if (urf) {
			uint8_t ph[32] = {0};
			ph[0] = (uint8_t)(bpp * 8);
			ph[1] = *p == 'm' ? 0 : 1; /* sGray / sRGB */
			ph[2] = 1;                 /* simplex */
			ph[3] = 4;                 /* normal quality */
			put(g, ph, 12);
			be32(g, w);
			be32(g, h);
			be32(g, 300);
			put(g, ph + 24, 8);
		} else {
			pwg_header(g, w, h, *p);
		}
		raster_lines(g, w, h, bpp, *p);
	}
}

int
main(int argc, char **argv)
{
	struct gen g = {.copies = 1, .pjl = 0, .seed = 1};
	const char *fmt, *pages;
	long mb = 0;

	if (argc < 4) {
		fprintf(stderr,
		    "usage: pagecount-gen FORMAT OUT PAGES [OPTION...]\n");
		return 2;
	}
	fmt = argv[1];
	pages = argv[3];
	for (int i = 4; i < argc; i++) {
		if (!strncmp(argv[i], "copies=", 7))
			g.copies = (unsigned)atoi(argv[i] + 7);
		else if (!strcmp(argv[i], "be"))
			g.be = 1;
		else if (!strcmp(argv[i], "rle"))
			g.rle = 1;
		else if (!strcmp(argv[i], "traps"))
			g.traps = 1;
		else if (!strncmp(argv[i], "pjl=", 4))
			g.pjl = atol(argv[i] + 4);
		else if (!strncmp(argv[i], "mb=", 3))
			mb = atol(argv[i] + 3);
		else {
			fprintf(stderr, "pagecount-gen: unknown option %s\n",
			    argv[i]);
			return 2;
		}
	}
	if ((g.f = fopen(argv[2], "wb")) == NULL) {
		perror(argv[2]);
		return 1;
	}
	if (g.pjl > 0)
		fprintf(g.f,
		    "\x1b%%-12345X@PJL JOB NAME=\"test\"\r\n"
		    "@PJL SET QTY=%ld\r\n@PJL ENTER LANGUAGE=%s\r\n",
		    g.pjl, !strcmp(fmt, "pclxl") ? "PCLXL" : "PCL");
	if (!strcmp(fmt, "pwg") || !strcmp(fmt, "urf")) {
		int urf = fmt[0] == 'u';
		/* Bench pages: A4 at 150 dpi for big files, smaller for
		 * small ones so that a file still holds several pages. */
		unsigned w = mb >= 50 ? 1240 : mb >= 5 ? 620 : mb ? 300 : 101;
		unsigned h = mb >= 50 ? 1754 : mb >= 5 ? 877 : mb ? 400 : 37;
		if (urf)
			put(&g, "UNIRAST\0\0\0\0\0", 12);
		else
			put(&g, "RaS2", 4);
		do
			gen_raster(&g, pages, urf, w, h);
		while (mb && ftell(g.f) < mb * 1000000L);
	} else if (!strcmp(fmt, "pcl5")) {
		do
			gen_pcl5(&g, pages);
		while (mb && ftell(g.f) < mb * 1000000L);
	} else if (!strcmp(fmt, "pclxl")) {
		if (mb) {
			/* One session, many pages: repeat the page list. */
			size_t n = strlen(pages);
			long reps = mb * 1000000L / ((long)n * 1315) + 1;
			char *all = malloc(n * (size_t)reps + 1);
			if (all == NULL)
				return 1;
			for (long r = 0; r < reps; r++)
				memcpy(all + (size_t)r * n, pages, n);
			all[n * (size_t)reps] = '\0';
			gen_pclxl(&g, all);
			free(all);
		} else {
			gen_pclxl(&g, pages);
		}
	} else {
		fprintf(stderr, "pagecount-gen: unknown format %s\n", fmt);
		return 2;
	}
	if (g.pjl > 0)
		fprintf(g.f, "\x1b%%-12345X@PJL EOJ\r\n\x1b%%-12345X");
	if (fclose(g.f) != 0) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}
