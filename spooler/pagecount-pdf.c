/*
 * pagecount-pdf.c - PDF and PCLm through libqpdf.
 *
 * Pages: qpdf reads the file (classic or stream cross-reference tables,
 * linearized, incremental updates, owner-password-only encryption, and
 * its own recovery of damaged files) and walks the real page tree, so a
 * /Count that lies does not matter.  A file that needs a user password
 * is "encrypted".  One qpdf cannot count (damaged beyond its repair, a
 * page tree too deep or reaching a node twice) goes to a second reader,
 * Ghostscript in its limited child (gs_fallback()), and is "damaged" or
 * "too-complex" only if that fails as well.
 *
 * Colour, fast mode: each page's content streams are tokenised (by
 * spooler/pslex.c, PDF dialect) and the colour actually used for
 * painting is followed, one small function per operator: rg/RG and k/K
 * operands, cs/CS colour spaces resolved through the page resources (ICCBased
 * by component count, Indexed by its lookup table, Separation and DeviceN by
 * colorant name), sc/scn values, shadings, images (decoded by qpdf and their
 * pixels tested) and form XObjects recursively.  Anything this cannot decide
 * (an undecodable image, a pattern) counts as colour and clears color_exact.
 * Accurate mode renders with Ghostscript instead.
 *
 * Bounds: page trees deeper than MAX_TREE_DEPTH are refused before qpdf
 * walks them (its walk recurses), and every stream is decoded under a
 * ceiling (stream_bytes()), so hostile files cost bounded stack, memory
 * and time.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <math.h>
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "spooler/gsrun.h"
#include "spooler/pagecount-pdf.h"
#include "spooler/pslex.h"

#define MAX_DEPTH 12            /* nested forms and patterns */
#define MAX_STACK 32            /* q/Q nesting kept */
#define MAX_IMAGE (64u << 20)   /* decoded bytes we inspect per image */
#define MAX_WORK (512u << 20)   /* content + image bytes per document */
#define MAX_CONTENT (64u << 20) /* decoded content bytes per stream/page */

enum cs_kind {
	CS_GRAY,    /* always neutral */
	CS_RGB,     /* neutral when r = g = b */
	CS_CMYK,    /* neutral when c = m = y */
	CS_LAB,     /* neutral when a = b = 0 */
	CS_COLOR,   /* always colour (spot colours, DeviceN inks) */
	CS_INDEXED, /* decided by the lookup entry */
	CS_PATTERN, /* decided by the pattern */
};

struct cspace {
	enum cs_kind kind;
	enum cs_kind base; /* of an Indexed space */
	unsigned ncomp;    /* components in base */
	const uint8_t *lut;
	size_t lutlen;
};

struct gstate {
	bool fill_color, stroke_color;
	struct cspace fill_cs, stroke_cs;
};

struct scan {
	qpdf_data q;
	struct fm_pagetally *t;
	uint64_t work;
	bool inexact;
	/* Lookup tables we decoded stay alive until the page is done. */
	uint8_t *luts[16];
	unsigned nluts;
};

static bool run_content(
    struct scan *s, const uint8_t *d, size_t n, qpdf_oh res, int depth);

static bool
name_is(struct scan *s, qpdf_oh oh, const char *name)
{
	return qpdf_oh_is_name_and_equals(s->q, oh, name);
}

static qpdf_oh
dict_get(struct scan *s, qpdf_oh dict, const char *key)
{
	if (qpdf_oh_is_stream(s->q, dict))
		dict = qpdf_oh_get_dict(s->q, dict);
	return qpdf_oh_get_key(s->q, dict, key);
}

/*
 * Decoding with a ceiling.  qpdf decodes a stream whole, however large
 * it becomes, so a few kilobytes of deflate bomb would cost gigabytes.
 * Plain Flate (the usual filter of content streams and images) is
 * inflated here with zlib and stopped at the ceiling; any other filter
 * chain is handed to qpdf only when its worst-case expansion of the raw
 * length stays under the ceiling, and JPEG only when the frame header's
 * size does.
 */
static bool
inflate_capped(const uint8_t *in, size_t inlen, size_t cap, unsigned char **out,
    size_t *outlen)
{
	z_stream z;
	unsigned char *buf = NULL;
	size_t size = 0;
	int r;

	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return false;
	z.next_in = (Bytef *)in;
	z.avail_in = inlen > UINT32_MAX ? UINT32_MAX : (uInt)inlen;
	do {
		if (z.total_out == size) {
			size_t nsize = size ? size * 2 : 65536;
			unsigned char *nb;
			if (size >= cap + 1) {
				r = Z_MEM_ERROR; /* over the ceiling */
				break;
			}
			if (nsize > cap + 1)
				nsize = cap + 1;
			if ((nb = realloc(buf, nsize)) == NULL) {
				r = Z_MEM_ERROR;
				break;
			}
			buf = nb;
			size = nsize;
		}
		z.next_out = buf + z.total_out;
		z.avail_out = (uInt)(size - z.total_out);
		r = inflate(&z, Z_NO_FLUSH);
	} while (r == Z_OK);
	inflateEnd(&z);
	/* A truncated stream still gives what it has, as qpdf would. */
	if ((r != Z_STREAM_END && r != Z_BUF_ERROR && r != Z_DATA_ERROR) ||
	    z.total_out > cap) {
		free(buf);
		return false;
	}
	*out = buf;
	*outlen = z.total_out;
	return true;
}

/* Width x height x components of a JPEG from its frame header. */
static uint64_t
jpeg_samples(const uint8_t *d, size_t n)
{
	size_t p = 2;

	if (n < 4 || d[0] != 0xff || d[1] != 0xd8)
		return UINT64_MAX;
	while (p + 4 <= n) {
		uint8_t m;
		size_t seg;
		if (d[p] != 0xff) {
			p++;
			continue;
		}
		m = d[p + 1];
		if (m == 0xff || m == 0x01 || (m >= 0xd0 && m <= 0xd7)) {
			p++;
			continue;
		}
		seg = (size_t)d[p + 2] << 8 | d[p + 3];
		if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 &&
		    m != 0xcc) {
			if (p + 10 > n)
				return UINT64_MAX;
			return (uint64_t)((d[p + 5] << 8) | d[p + 6]) *
			    (uint64_t)((d[p + 7] << 8) | d[p + 8]) *
			    (uint64_t)d[p + 9];
		}
		if (m == 0xda)
			break;
		p += 2 + seg;
	}
	return UINT64_MAX;
}

/* Worst-case expansion of one filter; 0 = not decoded here. */
static double
filter_ratio(const char *f)
{
	if (!strcmp(f, "/FlateDecode") || !strcmp(f, "/Fl"))
		return 1100; /* deflate cannot exceed ~1032:1 */
	if (!strcmp(f, "/LZWDecode") || !strcmp(f, "/LZW"))
		return 4200;
	if (!strcmp(f, "/RunLengthDecode") || !strcmp(f, "/RL"))
		return 130;
	if (!strcmp(f, "/ASCIIHexDecode") || !strcmp(f, "/AHx") ||
	    !strcmp(f, "/ASCII85Decode") || !strcmp(f, "/A85"))
		return 1;
	return 0;
}

/*
 * The decoded data of stream st, at most cap bytes, in *out (malloc'd,
 * caller frees).  lossy: JPEG may be decoded (images).  Returns false,
 * with nothing to free, when the data is over the ceiling or cannot be
 * decoded; the caller then does not know what the stream draws.
 */
static bool
stream_bytes(struct scan *s, qpdf_oh st, size_t cap, bool lossy,
    unsigned char **out, size_t *outlen)
{
	qpdf_oh f = dict_get(s, st, "/Filter");
	qpdf_oh parms = dict_get(s, st, "/DecodeParms");
	char names[8][24];
	int nf = 0;
	unsigned char *raw = NULL;
	size_t rawlen = 0;
	double bound;
	bool predictor = false, dct = false, ok = false;
	QPDF_BOOL filtered = QPDF_FALSE;

	*out = NULL;
	*outlen = 0;
	if (qpdf_oh_is_name(s->q, f)) {
		snprintf(names[nf++], sizeof(names[0]), "%s",
		    qpdf_oh_get_name(s->q, f));
	} else if (qpdf_oh_is_array(s->q, f)) {
		int k = qpdf_oh_get_array_n_items(s->q, f);
		if (k > 8)
			return false;
		for (int i = 0; i < k; i++) {
			qpdf_oh e = qpdf_oh_get_array_item(s->q, f, i);
			if (!qpdf_oh_is_name(s->q, e))
				return false;
			snprintf(names[nf++], sizeof(names[0]), "%s",
			    qpdf_oh_get_name(s->q, e));
		}
	}
	if (qpdf_oh_is_array(s->q, parms))
		parms = qpdf_oh_get_array_item(s->q, parms, 0);
	if (qpdf_oh_is_dictionary(s->q, parms)) {
		qpdf_oh pr = qpdf_oh_get_key(s->q, parms, "/Predictor");
		predictor = qpdf_oh_is_integer(s->q, pr) &&
		    qpdf_oh_get_int_value(s->q, pr) > 1;
	}
	if (qpdf_oh_get_stream_data(
	        s->q, st, qpdf_dl_none, NULL, &raw, &rawlen) &
	    QPDF_ERRORS) {
		(void)qpdf_get_error(s->q);
		free(raw);
		return false;
	}
	if (nf == 0) {
		if (rawlen > cap) {
			free(raw);
			return false;
		}
		*out = raw;
		*outlen = rawlen;
		return true;
	}
	if (nf == 1 && filter_ratio(names[0]) == 1100 && !predictor) {
		ok = inflate_capped(raw, rawlen, cap, out, outlen);
		free(raw);
		return ok;
	}
	bound = (double)rawlen;
	for (int i = 0; i < nf; i++) {
		double r = filter_ratio(names[i]);
		if ((!strcmp(names[i], "/DCTDecode") ||
		        !strcmp(names[i], "/DCT")) &&
		    lossy && i == nf - 1) {
			dct = true;
			continue;
		}
		if (r == 0) {
			free(raw);
			return false;
		}
		bound *= r;
	}
	/* A JPEG at the end of the chain: its frame header says its size
	 * (only readable here when it is the only filter). */
	if (dct && (nf != 1 || jpeg_samples(raw, rawlen) > cap))
		bound = (double)cap + 1;
	free(raw);
	if (bound > (double)cap)
		return false;
	if ((qpdf_oh_get_stream_data(s->q, st,
	         lossy ? qpdf_dl_all : qpdf_dl_specialized, &filtered, out,
	         outlen) &
	        QPDF_ERRORS) ||
	    !filtered || *out == NULL || *outlen > cap) {
		(void)qpdf_get_error(s->q);
		free(*out);
		*out = NULL;
		*outlen = 0;
		return false;
	}
	return true;
}

/* Resources of a page, inherited from its ancestors when absent. */
static qpdf_oh
page_resources(struct scan *s, qpdf_oh page)
{
	for (int i = 0; i < 32 && qpdf_oh_is_dictionary(s->q, page); i++) {
		qpdf_oh r = qpdf_oh_get_key(s->q, page, "/Resources");
		if (qpdf_oh_is_dictionary(s->q, r))
			return r;
		page = qpdf_oh_get_key(s->q, page, "/Parent");
	}
	return qpdf_oh_new_null(s->q);
}

static qpdf_oh
resource(struct scan *s, qpdf_oh res, const char *cat, const char *name)
{
	qpdf_oh d = qpdf_oh_get_key(s->q, res, cat);

	return qpdf_oh_get_key(s->q, d, name);
}

static bool
colorant_is_black(const char *n)
{
	return strcmp(n, "/Black") == 0 || strcmp(n, "/All") == 0 ||
	    strcmp(n, "/None") == 0;
}

/* Resolves a colour space object (a name or an array). */
static void
resolve_cs(struct scan *s, qpdf_oh cs, struct cspace *out, int depth)
{
	const char *fam;
	qpdf_oh a0;

	memset(out, 0, sizeof(*out));
	out->kind = CS_COLOR;
	if (depth > 4)
		return;
	if (qpdf_oh_is_name(s->q, cs)) {
		fam = qpdf_oh_get_name(s->q, cs);
	} else if (qpdf_oh_is_array(s->q, cs) &&
	    qpdf_oh_get_array_n_items(s->q, cs) >= 1) {
		a0 = qpdf_oh_get_array_item(s->q, cs, 0);
		if (!qpdf_oh_is_name(s->q, a0))
			return;
		fam = qpdf_oh_get_name(s->q, a0);
	} else {
		return;
	}
	if (!strcmp(fam, "/DeviceGray") || !strcmp(fam, "/G") ||
	    !strcmp(fam, "/CalGray")) {
		out->kind = CS_GRAY;
	} else if (!strcmp(fam, "/DeviceRGB") || !strcmp(fam, "/RGB") ||
	    !strcmp(fam, "/CalRGB")) {
		out->kind = CS_RGB;
	} else if (!strcmp(fam, "/DeviceCMYK") || !strcmp(fam, "/CMYK")) {
		out->kind = CS_CMYK;
	} else if (!strcmp(fam, "/Lab")) {
		out->kind = CS_LAB;
	} else if (!strcmp(fam, "/Pattern")) {
		out->kind = CS_PATTERN;
	} else if (!strcmp(fam, "/ICCBased")) {
		qpdf_oh st = qpdf_oh_get_array_item(s->q, cs, 1);
		qpdf_oh n = dict_get(s, st, "/N");
		long long nc = qpdf_oh_is_integer(s->q, n)
		    ? qpdf_oh_get_int_value(s->q, n)
		    : 0;
		out->kind = nc == 1 ? CS_GRAY
		    : nc == 3       ? CS_RGB
		    : nc == 4       ? CS_CMYK
		                    : CS_COLOR;
	} else if (!strcmp(fam, "/Indexed") || !strcmp(fam, "/I")) {
		struct cspace base;
		qpdf_oh lut = qpdf_oh_get_array_item(s->q, cs, 3);
		resolve_cs(
		    s, qpdf_oh_get_array_item(s->q, cs, 1), &base, depth + 1);
		out->kind = CS_INDEXED;
		out->base = base.kind;
		out->ncomp = base.kind == CS_GRAY ? 1
		    : base.kind == CS_CMYK        ? 4
		                                  : 3;
		if (base.kind == CS_GRAY) {
			out->kind = CS_GRAY;
		} else if (qpdf_oh_is_string(s->q, lut) && s->nluts < 16) {
			/* The C API returns strings in one scratch buffer that
			 * the next string or name call overwrites: copy. */
			size_t l = 0;
			const char *v =
			    qpdf_oh_get_binary_string_value(s->q, lut, &l);
			uint8_t *c = v != NULL && l > 0 ? malloc(l) : NULL;
			if (c != NULL) {
				memcpy(c, v, l);
				s->luts[s->nluts++] = c;
				out->lut = c;
				out->lutlen = l;
			}
		} else if (qpdf_oh_is_stream(s->q, lut) && s->nluts < 16) {
			unsigned char *b = NULL;
			size_t l = 0;
			if (stream_bytes(s, lut, 65536, false, &b, &l) &&
			    b != NULL) {
				s->luts[s->nluts++] = b;
				out->lut = b;
				out->lutlen = l;
			} else {
				free(b);
			}
		}
	} else if (!strcmp(fam, "/Separation")) {
		qpdf_oh n = qpdf_oh_get_array_item(s->q, cs, 1);
		out->kind = qpdf_oh_is_name(s->q, n) &&
		        colorant_is_black(qpdf_oh_get_name(s->q, n))
		    ? CS_GRAY
		    : CS_COLOR;
	} else if (!strcmp(fam, "/DeviceN")) {
		qpdf_oh names = qpdf_oh_get_array_item(s->q, cs, 1);
		int k = qpdf_oh_get_array_n_items(s->q, names);
		out->kind = CS_GRAY;
		for (int i = 0; i < k; i++) {
			qpdf_oh n = qpdf_oh_get_array_item(s->q, names, i);
			if (!qpdf_oh_is_name(s->q, n) ||
			    !colorant_is_black(qpdf_oh_get_name(s->q, n)))
				out->kind = CS_COLOR;
		}
	}
}

/* A colour space operand of cs/CS: a family name or a resource name. */
static void
cs_by_name(struct scan *s, qpdf_oh res, const char *name, struct cspace *out)
{
	qpdf_oh r = resource(s, res, "/ColorSpace", name);

	if (!qpdf_oh_is_null(s->q, r))
		resolve_cs(s, r, out, 0);
	else
		resolve_cs(s, qpdf_oh_new_name(s->q, name), out, 0);
}

static bool
values_color(const struct cspace *cs, const double *v, int nv)
{
	switch (cs->kind) {
	case CS_GRAY:
		return false;
	case CS_RGB:
	case CS_CMYK:
		return nv >= 3 &&
		    (fabs(v[0] - v[1]) > 1e-3 || fabs(v[0] - v[2]) > 1e-3);
	case CS_LAB:
		return nv >= 3 && (fabs(v[1]) > 0.5 || fabs(v[2]) > 0.5);
	case CS_INDEXED: {
		size_t i;
		if (nv < 1 || !(v[0] >= 0 && v[0] < 65536) || cs->lut == NULL)
			return true;
		i = (size_t)v[0] * cs->ncomp;
		if (i + cs->ncomp > cs->lutlen)
			return true;
		if (cs->base == CS_RGB || cs->base == CS_CMYK)
			return cs->lut[i] != cs->lut[i + 1] ||
			    cs->lut[i] != cs->lut[i + 2];
		return true;
	}
	case CS_COLOR:
	case CS_PATTERN:
		return true;
	}
	return true;
}

/* Tests decoded image samples; false = neutral, true = colour. */
static bool
samples_color(const uint8_t *d, size_t n, const struct cspace *cs)
{
	unsigned k = cs->kind == CS_CMYK ? 4 : 3;

	for (size_t i = 0; i + k <= n; i += k)
		if (d[i] != d[i + 1] || d[i] != d[i + 2])
			return true;
	return false;
}

static bool
image_color(struct scan *s, qpdf_oh img, const struct gstate *gs)
{
	qpdf_oh mask = dict_get(s, img, "/ImageMask");
	qpdf_oh bpc = dict_get(s, img, "/BitsPerComponent");
	unsigned char *b = NULL;
	size_t l = 0;
	struct cspace cs;
	bool color;
	qpdf_oh w, h;

	if (qpdf_oh_is_bool(s->q, mask) && qpdf_oh_get_bool_value(s->q, mask))
		return gs
		    ->fill_color; /* a stencil painted in the fill colour */
	resolve_cs(s, dict_get(s, img, "/ColorSpace"), &cs, 0);
	if (cs.kind == CS_GRAY)
		return false;
	if (cs.kind == CS_COLOR || cs.kind == CS_LAB || cs.kind == CS_PATTERN) {
		s->inexact |= cs.kind == CS_LAB;
		return true;
	}
	w = dict_get(s, img, "/Width");
	h = dict_get(s, img, "/Height");
	if (!qpdf_oh_is_integer(s->q, bpc) ||
	    qpdf_oh_get_int_value(s->q, bpc) != 8 ||
	    !qpdf_oh_is_integer(s->q, w) || !qpdf_oh_is_integer(s->q, h) ||
	    qpdf_oh_get_int_value(s->q, w) <= 0 ||
	    qpdf_oh_get_int_value(s->q, h) <= 0 ||
	    (double)qpdf_oh_get_int_value(s->q, w) *
	            (double)qpdf_oh_get_int_value(s->q, h) * 4 >
	        MAX_IMAGE ||
	    s->work > MAX_WORK) {
		s->inexact = true;
		return true;
	}
	if (!stream_bytes(s, img,
	        (size_t)qpdf_oh_get_int_value(s->q, w) *
	                (size_t)qpdf_oh_get_int_value(s->q, h) * 4 +
	            4096,
	        true, &b, &l) ||
	    b == NULL) {
		free(b);
		s->inexact = true;
		return true;
	}
	s->work += l;
	if (cs.kind == CS_INDEXED) {
		color = false;
		for (size_t i = 0; i < l && !color; i++) {
			double v = b[i];
			color = values_color(&cs, &v, 1);
		}
	} else {
		color = samples_color(b, l, &cs);
	}
	free(b);
	return color;
}

/*
 * The content of a form XObject or a tiling pattern, run one level
 * deeper with its resources.  Content we cannot decode may paint
 * anything: colour, and inexact.
 */
static bool
nested_color(struct scan *s, qpdf_oh st, qpdf_oh res, int depth)
{
	unsigned char *b = NULL;
	size_t l = 0;
	bool color;

	if (!stream_bytes(s, st, MAX_CONTENT, false, &b, &l) || b == NULL) {
		free(b);
		s->inexact = true;
		return true;
	}
	color = run_content(s, b, l, res, depth + 1);
	free(b);
	return color;
}

static bool
xobject_color(
    struct scan *s, qpdf_oh res, const char *name, struct gstate *gs, int depth)
{
	qpdf_oh xo = resource(s, res, "/XObject", name);
	qpdf_oh st = dict_get(s, xo, "/Subtype");

	if (!qpdf_oh_is_stream(s->q, xo))
		return false;
	if (name_is(s, st, "/Image"))
		return image_color(s, xo, gs);
	if (name_is(s, st, "/Form")) {
		qpdf_oh fres = dict_get(s, xo, "/Resources");

		if (depth >= MAX_DEPTH || s->work > MAX_WORK) {
			s->inexact = true;
			return true;
		}
		return nested_color(s, xo,
		    qpdf_oh_is_dictionary(s->q, fres) ? fres : res, depth);
	}
	return false;
}

static bool
shading_color(struct scan *s, qpdf_oh sh)
{
	struct cspace cs;

	resolve_cs(s, dict_get(s, sh, "/ColorSpace"), &cs, 0);
	if (cs.kind == CS_GRAY)
		return false;
	s->inexact = true; /* a gradient in RGB may still be grey */
	return true;
}

static bool
pattern_color(struct scan *s, qpdf_oh res, const char *name, int depth)
{
	qpdf_oh pat = resource(s, res, "/Pattern", name);
	qpdf_oh pt = dict_get(s, pat, "/PatternType");

	if (qpdf_oh_is_integer(s->q, pt) &&
	    qpdf_oh_get_int_value(s->q, pt) == 2)
		return shading_color(s, dict_get(s, pat, "/Shading"));
	if (qpdf_oh_is_stream(s->q, pat) && depth < MAX_DEPTH)
		return nested_color(
		    s, pat, dict_get(s, pat, "/Resources"), depth);
	s->inexact = true;
	return true;
}

/* The interpreter of one content stream: the graphics state and the
 * operands seen since the last operator. */
struct content {
	struct scan *s;
	qpdf_oh res;
	int depth;
	struct fm_pslex lx;
	struct gstate g, stack[MAX_STACK];
	int sp;
	struct fm_pslex_numbers nums;
	char name[128]; /* the last name, with its "/" */
};

static bool *
color_flag(struct content *c, bool fill)
{
	return fill ? &c->g.fill_color : &c->g.stroke_color;
}

static struct cspace *
color_space(struct content *c, bool fill)
{
	return fill ? &c->g.fill_cs : &c->g.stroke_cs;
}

/* q: the stack keeps MAX_STACK states; deeper saves are only counted,
 * so that their Q do not pop a state saved earlier. */
static bool
op_save(struct content *c, int arg)
{
	(void)arg;
	if (c->sp < MAX_STACK)
		c->stack[c->sp] = c->g;
	c->sp++;
	return false;
}

static bool
op_restore(struct content *c, int arg)
{
	(void)arg;
	if (c->sp > 0 && --c->sp < MAX_STACK)
		c->g = c->stack[c->sp];
	return false;
}

/* g/G, rg/RG, k/K: a device space and its n operands at once. */
static bool
set_device_color(struct content *c, bool fill, enum cs_kind kind, int n)
{
	struct cspace *cs = color_space(c, fill);

	memset(cs, 0, sizeof(*cs));
	cs->kind = kind;
	*color_flag(c, fill) =
	    c->nums.n >= n && values_color(cs, c->nums.v + c->nums.n - n, n);
	return false;
}

static bool
op_gray(struct content *c, int fill)
{
	return set_device_color(c, fill, CS_GRAY, 1);
}

static bool
op_rgb(struct content *c, int fill)
{
	return set_device_color(c, fill, CS_RGB, 3);
}

static bool
op_cmyk(struct content *c, int fill)
{
	return set_device_color(c, fill, CS_CMYK, 4);
}

/* cs/CS: the initial colour of every space but spot and DeviceN inks
 * is black or neutral. */
static bool
op_space(struct content *c, int fill)
{
	struct cspace *cs = color_space(c, fill);

	cs_by_name(c->s, c->res, c->name, cs);
	*color_flag(c, fill) = cs->kind == CS_COLOR;
	return false;
}

/* sc/scn/SC/SCN: operands in the current space, or a pattern's name. */
static bool
op_color(struct content *c, int fill)
{
	struct cspace *cs = color_space(c, fill);
	int need = cs->kind == CS_CMYK                 ? 4
	    : cs->kind == CS_RGB || cs->kind == CS_LAB ? 3
	                                               : 1;
	bool color;

	if (cs->kind == CS_PATTERN) {
		color = pattern_color(c->s, c->res, c->name, c->depth);
	} else if (cs->kind == CS_COLOR && c->nums.n >= 1) {
		/* A spot ink at tint 0 prints nothing. */
		color = false;
		for (int i = 0; i < c->nums.n; i++)
			color |= c->nums.v[i] > 0;
	} else {
		color = c->nums.n >= need &&
		    values_color(cs, c->nums.v + c->nums.n - need, need);
	}
	*color_flag(c, fill) = color;
	return false;
}

#define USES_FILL 1
#define USES_STROKE 2

/* Painting operators: colour when a colour they use is. */
static bool
op_paint(struct content *c, int uses)
{
	return ((uses & USES_FILL) && c->g.fill_color) ||
	    ((uses & USES_STROKE) && c->g.stroke_color);
}

static bool
op_shade(struct content *c, int arg)
{
	(void)arg;
	return shading_color(c->s, resource(c->s, c->res, "/Shading", c->name));
}

static bool
op_xobject(struct content *c, int arg)
{
	(void)arg;
	return xobject_color(c->s, c->res, c->name, &c->g, c->depth);
}

/*
 * An inline image's dictionary, from after BI up to the ID that follows
 * white space: whether it is an image mask (/IM true) and whether its
 * colour space is grey.  Returns the offset of that ID (or of the end).
 */
static size_t
inline_image_dict(const uint8_t *d, size_t n, size_t p, bool *gray, bool *mask)
{
	char key[32] = "";

	while (p + 1 < n &&
	    !(d[p] == 'I' && d[p + 1] == 'D' && fm_pslex_is_space(d[p - 1]))) {
		if (d[p] == '/') {
			size_t k = 0;
			char tok[32];
			p++;
			while (p < n && !fm_pslex_is_space(d[p]) &&
			    !fm_pslex_is_delim(d[p]) && k + 1 < 32)
				tok[k++] = (char)d[p++];
			tok[k] = '\0';
			if (!strcmp(key, "CS") || !strcmp(key, "ColorSpace")) {
				*gray = !strcmp(tok, "G") ||
				    !strcmp(tok, "DeviceGray");
				key[0] = '\0';
			} else {
				snprintf(key, sizeof(key), "%s", tok);
			}
		} else if (d[p] == 't' && !strcmp(key, "IM")) {
			*mask = true;
			p++;
		} else {
			p++;
		}
	}
	return p;
}

/*
 * BI: the image data is binary, not tokens: after its dictionary, it
 * is skipped to the EI that follows white space.
 */
static bool
op_inline_image(struct content *c, int arg)
{
	const uint8_t *d = c->lx.buf;
	size_t n = c->lx.len, p;
	bool gray = false, mask = false;

	(void)arg;
	p = inline_image_dict(d, n, c->lx.pos, &gray, &mask) + 2;
	while (p + 2 < n &&
	    !(fm_pslex_is_space(d[p]) && d[p + 1] == 'E' && d[p + 2] == 'I'))
		p++;
	c->lx.pos = p + 3 < n ? p + 3 : n;
	if (mask ? c->g.fill_color : !gray) {
		c->s->inexact |= !mask;
		return true;
	}
	return false;
}

static const struct content_op {
	const char *name;
	bool (*run)(struct content *c, int arg); /* true: colour painted */
	int arg;                                 /* fill (or USES_*) */
} content_ops[] = {
    {"q", op_save, 0},
    {"Q", op_restore, 0},
    {"g", op_gray, true},
    {"G", op_gray, false},
    {"rg", op_rgb, true},
    {"RG", op_rgb, false},
    {"k", op_cmyk, true},
    {"K", op_cmyk, false},
    {"cs", op_space, true},
    {"CS", op_space, false},
    {"sc", op_color, true},
    {"scn", op_color, true},
    {"SC", op_color, false},
    {"SCN", op_color, false},
    {"f", op_paint, USES_FILL},
    {"F", op_paint, USES_FILL},
    {"f*", op_paint, USES_FILL},
    {"Tj", op_paint, USES_FILL},
    {"TJ", op_paint, USES_FILL},
    {"'", op_paint, USES_FILL},
    {"\"", op_paint, USES_FILL},
    {"S", op_paint, USES_STROKE},
    {"s", op_paint, USES_STROKE},
    {"B", op_paint, USES_FILL | USES_STROKE},
    {"B*", op_paint, USES_FILL | USES_STROKE},
    {"b", op_paint, USES_FILL | USES_STROKE},
    {"b*", op_paint, USES_FILL | USES_STROKE},
    {"sh", op_shade, 0},
    {"Do", op_xobject, 0},
    {"BI", op_inline_image, 0},
};

static bool
run_operator(struct content *c, const struct fm_pslex_token *tok)
{
	for (size_t i = 0; i < sizeof(content_ops) / sizeof(content_ops[0]);
	     i++)
		if (fm_pslex_text_is(tok, content_ops[i].name))
			return content_ops[i].run(c, content_ops[i].arg);
	return false;
}

/*
 * Walks one content stream.  Returns true as soon as something is
 * painted in colour.  Operands are kept as the last few numbers and the
 * last name; strings, arrays and dictionaries are passed over.
 */
static bool
run_content(struct scan *s, const uint8_t *d, size_t n, qpdf_oh res, int depth)
{
	struct content c;
	struct fm_pslex_token tok;

	memset(&c, 0, sizeof(c));
	c.s = s;
	c.res = res;
	c.depth = depth;
	c.g.fill_cs.kind = c.g.stroke_cs.kind = CS_GRAY;
	fm_pslex_init(&c.lx, d, n, FM_PSLEX_PDF);
	s->work += n;
	while (fm_pslex_next(&c.lx, &tok)) {
		switch (tok.kind) {
		case FM_PSLEX_NAME:
			c.name[0] = '/';
			fm_pslex_text_copy(
			    &tok, c.name + 1, sizeof(c.name) - 1);
			break;
		case FM_PSLEX_NUMBER:
			fm_pslex_numbers_push(&c.nums, tok.num);
			break;
		case FM_PSLEX_WORD:
			if (run_operator(&c, &tok))
				return true;
			c.nums.n = 0;
			break;
		default:
			break;
		}
	}
	return false;
}

static bool
page_color_fast(struct scan *s, qpdf_oh page)
{
	qpdf_oh contents = qpdf_oh_get_key(s->q, page, "/Contents");
	unsigned char *b = NULL;
	size_t l = 0;
	bool color, ok = true;
	int n = 1;

	/*
	 * The page's content streams, each decoded under the ceiling and
	 * joined with a line break (streams may split anywhere between
	 * tokens), as qpdf_oh_get_page_content_data() would without the
	 * ceiling.
	 */
	if (qpdf_oh_is_array(s->q, contents))
		n = qpdf_oh_get_array_n_items(s->q, contents);
	for (int i = 0; i < n && ok; i++) {
		qpdf_oh st = qpdf_oh_is_array(s->q, contents)
		    ? qpdf_oh_get_array_item(s->q, contents, i)
		    : contents;
		unsigned char *part = NULL, *nb;
		size_t pl = 0;
		if (!qpdf_oh_is_stream(s->q, st))
			continue; /* nothing drawn */
		if (l >= MAX_CONTENT ||
		    !stream_bytes(s, st, MAX_CONTENT - l, false, &part, &pl)) {
			ok = false;
			break;
		}
		if ((nb = realloc(b, l + pl + 1)) == NULL) {
			free(part);
			ok = false;
			break;
		}
		b = nb;
		if (pl > 0)
			memcpy(b + l, part, pl);
		b[l + pl] = '\n';
		l += pl + 1;
		free(part);
	}
	if (!ok) {
		/* Over the ceiling or undecodable: we cannot say it is
		 * mono. */
		free(b);
		s->inexact = true;
		color = true;
	} else {
		color = b != NULL &&
		    run_content(s, b, l, page_resources(s, page), 0);
		free(b);
	}
	for (unsigned i = 0; i < s->nluts; i++)
		free(s->luts[i]);
	s->nluts = 0;
	return color;
}

/* Does the data carry the "%PDF-" header where readers look for it (in
 * its first kilobyte)? */
static bool
pdf_has_header(const uint8_t *buf, size_t len)
{
	size_t lim = len < 1024 ? len : 1024;

	for (size_t i = 0; i + 5 <= lim; i++)
		if (buf[i] == '%' && memcmp(buf + i, "%PDF-", 5) == 0)
			return true;
	return false;
}

/*
 * qpdf walks the page tree recursively: a tree nested a few ten
 * thousand levels deep overflows the stack.  This walks it first,
 * iteratively, and refuses trees deeper than MAX_TREE_DEPTH or with more
 * than MAX_TREE_NODES nodes visited (shared subtrees could otherwise make
 * the walk exponential).  Returns NULL when fine, or a reason.  A tree
 * deeper than MAX_FALLBACK_DEPTH is not worth Ghostscript's time either
 * (it spends minutes on ten thousand levels): *hopeless says so.
 */
#define MAX_TREE_DEPTH 1024
#define MAX_FALLBACK_DEPTH 4096
#define MAX_TREE_NODES 4000000

struct tree_item {
	qpdf_oh node;
	unsigned depth;
};

static const char *
check_page_tree(struct scan *s, bool *hopeless)
{
	struct tree_item *stack;
	size_t sp = 0, cap = 64;
	uint64_t visited = 0;
	const char *why = NULL, *deep = NULL;
	qpdf_oh root;

	if ((stack = malloc(cap * sizeof(*stack))) == NULL)
		return "out of memory";
	root = qpdf_get_root(s->q);
	stack[sp++] =
	    (struct tree_item){qpdf_oh_get_key(s->q, root, "/Pages"), 0};
	while (sp > 0 && why == NULL) {
		struct tree_item it = stack[--sp];
		qpdf_oh kids = qpdf_oh_get_key(s->q, it.node, "/Kids");
		int nk = qpdf_oh_is_array(s->q, kids)
		    ? qpdf_oh_get_array_n_items(s->q, kids)
		    : 0;

		for (int i = 0; i < nk && why == NULL; i++) {
			qpdf_oh kid = qpdf_oh_get_array_item(s->q, kids, i);
			if (++visited > MAX_TREE_NODES) {
				why = "page tree too large";
			} else if (!qpdf_oh_has_key(s->q, kid, "/Kids")) {
				qpdf_oh_release(s->q, kid); /* a page */
			} else if (it.depth + 1 > MAX_FALLBACK_DEPTH) {
				why =
				    "page tree nested too deep for any reader";
				*hopeless = true;
			} else {
				if (it.depth + 1 > MAX_TREE_DEPTH)
					deep = "page tree nested too deep";
				if (sp == cap) {
					struct tree_item *ns = realloc(
					    stack, cap * 2 * sizeof(*ns));
					if (ns == NULL) {
						why = "out of memory";
						break;
					}
					stack = ns;
					cap *= 2;
				}
				stack[sp++] =
				    (struct tree_item){kid, it.depth + 1};
			}
		}
		qpdf_oh_release(s->q, kids);
		qpdf_oh_release(s->q, it.node);
	}
	free(stack);
	qpdf_oh_release_all(s->q);
	(void)qpdf_get_error(s->q); /* errors here are qpdf's to report */
	return why != NULL ? why : deep;
}

/*
 * The second reader: where qpdf cannot count a PDF (damaged beyond its
 * repair, a page tree too deep or with a node reached twice), Ghostscript
 * renders it at a low resolution in its limited child and every page it
 * paints is counted, with its colour from the pixels.  A file without
 * its "%PDF-" header is given one, as Ghostscript would otherwise read
 * it as PostScript.  Only when that fails too is the file uncounted,
 * with qpdf's status and both reasons.  False on a system error.
 */
static bool
gs_fallback(const uint8_t *buf, size_t len,
    const struct fm_pagecount_opts *opts, struct fm_pagetally *t,
    enum fm_pc_status status, const char *why)
{
	static const char header[] = "%PDF-1.7\n";
	struct fm_gsrun_limits lim = {
	    opts->timeout_sec, opts->gs_memory_mb, opts->gs_path};
	enum fm_gsrun_result r;
	uint8_t *copy = NULL;
	bool *flags = NULL;
	uint64_t n = 0;

	if (!opts->allow_ghostscript) {
		t->needs_renderer = fm_pagetally_ok(t);
		fm_pagetally_fail(t, status, "%s", why);
		return true;
	}
	if (!pdf_has_header(buf, len)) {
		if ((copy = malloc(len + sizeof(header) - 1)) == NULL)
			return false;
		memcpy(copy, header, sizeof(header) - 1);
		memcpy(copy + sizeof(header) - 1, buf, len);
		buf = copy;
		len += sizeof(header) - 1;
	}
	r = fm_gsrun_render_colors(&lim, buf, len,
	    opts->accurate_color ? 50 : 18, 1000000, &flags, &n);
	free(copy);
	if (r == FM_GSRUN_SYSERR) {
		fm_pagetally_fail(t, FM_PC_TOO_COMPLEX, "%s; Ghostscript: %s",
		    why, fm_gsrun_result_name(r));
		return false;
	}
	if (r != FM_GSRUN_OK || n == 0) {
		fm_pagetally_fail(t, status, "%s; Ghostscript: %s", why,
		    r != FM_GSRUN_OK ? fm_gsrun_result_name(r) : "no page");
		free(flags);
		return true;
	}
	for (uint64_t i = 0; i < n; i++)
		fm_pagetally_add(t,
		    opts->color_mode != FM_COLOR_MODE_MONOCHROME && flags[i],
		    1);
	free(flags);
	t->color_exact = opts->accurate_color;
	snprintf(
	    t->reason, sizeof(t->reason), "counted by Ghostscript (%s)", why);
	return true;
}

bool
fm_pagecount_pdf_scan(const uint8_t *buf, size_t len,
    const struct fm_pagecount_opts *opts, bool pclm, struct fm_pagetally *t)
{
	struct scan s;
	bool *flags = NULL, ok = true;
	uint64_t nflags = 0;
	char why[128];
	int n;

	memset(&s, 0, sizeof(s));
	s.t = t;
	s.q = qpdf_init();
	if (s.q == NULL)
		return false;
	qpdf_silence_errors(s.q);
	qpdf_set_suppress_warnings(s.q, QPDF_TRUE);
	if (qpdf_read_memory(
	        s.q, pclm ? "pclm" : "pdf", (const char *)buf, len, NULL) &
	    QPDF_ERRORS) {
		qpdf_error e = qpdf_get_error(s.q);
		enum qpdf_error_code_e code = qpdf_get_error_code(s.q, e);
		const char *msg = qpdf_get_error_message_detail(s.q, e);
		/* Without the password no reader can count it. */
		if (code == qpdf_e_password) {
			fm_pagetally_fail(
			    t, FM_PC_ENCRYPTED, "needs a user password");
			goto done;
		}
		snprintf(why, sizeof(why), "%s", msg ? msg : "unreadable PDF");
		qpdf_cleanup(&s.q);
		return gs_fallback(buf, len, opts, t, FM_PC_DAMAGED, why);
	}
	{
		bool hopeless = false;
		const char *tree = check_page_tree(&s, &hopeless);
		if (tree != NULL && hopeless) {
			fm_pagetally_fail(t, FM_PC_TOO_COMPLEX, "%s", tree);
			goto done;
		}
		if (tree != NULL) {
			snprintf(why, sizeof(why), "%s", tree);
			qpdf_cleanup(&s.q);
			return gs_fallback(
			    buf, len, opts, t, FM_PC_TOO_COMPLEX, why);
		}
	}
	n = qpdf_get_num_pages(s.q);
	if (n < 0 || qpdf_has_error(s.q)) {
		qpdf_error e = qpdf_get_error(s.q);
		const char *msg =
		    e ? qpdf_get_error_message_detail(s.q, e) : NULL;
		snprintf(why, sizeof(why), "page tree: %s",
		    msg ? msg : "unreadable");
		qpdf_cleanup(&s.q);
		return gs_fallback(buf, len, opts, t, FM_PC_DAMAGED, why);
	}
	if (qpdf_more_warnings(s.q))
		snprintf(t->reason, sizeof(t->reason), "%s",
		    "counted after qpdf repaired the file");

	if (opts->accurate_color && opts->allow_ghostscript && n > 0 &&
	    opts->color_mode != FM_COLOR_MODE_MONOCHROME) {
		struct fm_gsrun_limits lim = {
		    opts->timeout_sec, opts->gs_memory_mb, opts->gs_path};
		enum fm_gsrun_result r = fm_gsrun_render_colors(
		    &lim, buf, len, 50, (uint64_t)n + 1, &flags, &nflags);
		if (r == FM_GSRUN_SYSERR) {
			ok = false;
			fm_pagetally_fail(t, FM_PC_TOO_COMPLEX, "%s",
			    fm_gsrun_result_name(r));
			goto done;
		}
		if (r != FM_GSRUN_OK || nflags != (uint64_t)n) {
			/* Fall back to the fast mode, and say so. */
			snprintf(t->reason, sizeof(t->reason),
			    "accurate colour failed (%s), fast colour used",
			    r != FM_GSRUN_OK ? fm_gsrun_result_name(r)
			                     : "page count differs");
			free(flags);
			flags = NULL;
		}
	}
	for (int i = 0; i < n; i++) {
		qpdf_oh page = qpdf_get_page_n(s.q, (size_t)i);
		bool color;

		if (flags != NULL)
			color = flags[i];
		else if (opts->color_mode == FM_COLOR_MODE_MONOCHROME)
			color = false;
		else
			color = page_color_fast(&s, page);
		fm_pagetally_add(t, color, 1);
		qpdf_oh_release_all(s.q);
	}
	t->color_exact = flags != NULL || (pclm && !s.inexact);
done:
	free(flags);
	qpdf_cleanup(&s.q);
	return ok;
}
