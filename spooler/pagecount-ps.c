/*
 * pagecount-ps.c - PostScript page counting.
 *
 * Trusted DSC first: a "%!PS-Adobe-" header, "%%Page:" comments outside
 * embedded documents (%%BeginDocument ... %%EndDocument) and binary
 * sections (%%BeginData / %%BeginBinary with their byte counts), and a
 * "%%Pages:" count (in the header, or the trailer when "(atend)") that
 * agrees with them.  Copies in the data: "/#copies N def", "/NumCopies
 * N" (setpagedevice), "%%BeginNonPPDFeature: NumCopies N",
 * "%%Requirements: numcopies(N)" and "%RBINumCopies: N" - the last one
 * found wins, as it is the one the interpreter sees last.
 *
 * Otherwise (no DSC, no page comments, or a count that disagrees),
 * Ghostscript renders the document in a limited child and the pages are
 * what it printed; a document that does not finish within the time
 * limit or the memory limit is "too-complex", one that stops with a
 * PostScript error is "damaged".
 *
 * Colour, fast mode: within each page, setrgbcolor, setcmykcolor and
 * sethsbcolor with non-neutral operands (also through one-operator
 * procedures defined in the prolog, like "/rgb {setrgbcolor} bind def")
 * and colorimage make the page colour.  Accurate mode renders instead.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
/* _GNU_SOURCE comes from the build (CMakeLists.txt). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spooler/gsrun.h"
#include "spooler/pagecount-ps.h"

#define MAX_ALIASES 32

enum color_op {
	OP_NONE,
	OP_RGB,
	OP_CMYK,
	OP_HSB,
	OP_GRAY,
	OP_COLORIMAGE,
};

struct alias {
	char name[32];
	enum color_op op;
};

struct ps {
	const uint8_t *buf;
	size_t len;
	struct alias aliases[MAX_ALIASES];
	unsigned naliases;
	uint64_t copies;
};

static bool
line_is(const uint8_t *l, size_t n, const char *s)
{
	size_t k = strlen(s);

	return n >= k && memcmp(l, s, k) == 0;
}

static uint64_t
parse_uint(const uint8_t *p, size_t n, bool *ok)
{
	uint64_t v = 0;
	size_t i = 0;

	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	*ok = i < n && p[i] >= '0' && p[i] <= '9';
	while (i < n && p[i] >= '0' && p[i] <= '9') {
		if (v < 1000000000000ULL)
			v = v * 10 + (uint64_t)(p[i] - '0');
		i++;
	}
	return v;
}

static enum color_op
op_of(const char *w, const struct ps *ps)
{
	if (!strcmp(w, "setrgbcolor"))
		return OP_RGB;
	if (!strcmp(w, "setcmykcolor"))
		return OP_CMYK;
	if (!strcmp(w, "sethsbcolor"))
		return OP_HSB;
	if (!strcmp(w, "setgray"))
		return OP_GRAY;
	if (!strcmp(w, "colorimage"))
		return OP_COLORIMAGE;
	for (unsigned i = 0; i < ps->naliases; i++)
		if (!strcmp(w, ps->aliases[i].name))
			return ps->aliases[i].op;
	return OP_NONE;
}

/* Character classes: 1 white space, 2 delimiter, 0 regular. */
static const uint8_t cclass[256] = {[0] = 1,
    ['\t'] = 1,
    ['\n'] = 1,
    ['\f'] = 1,
    ['\r'] = 1,
    [' '] = 1,
    ['('] = 2,
    [')'] = 2,
    ['<'] = 2,
    ['>'] = 2,
    ['['] = 2,
    [']'] = 2,
    ['{'] = 2,
    ['}'] = 2,
    ['/'] = 2,
    ['%'] = 2};

static bool
is_ws(uint8_t c)
{
	return cclass[c] == 1;
}

static bool
is_delim(uint8_t c)
{
	return cclass[c] == 2;
}

/* Reads a word of regular characters at d[q] into w; returns its end. */
static size_t
read_word(const uint8_t *d, size_t q, size_t b, char *w, size_t wmax)
{
	size_t k = 0;

	while (q < b && cclass[d[q]] == 0) {
		if (k + 1 < wmax)
			w[k++] = (char)d[q];
		q++;
	}
	w[k] = '\0';
	return q;
}

/*
 * After "/name" in the prolog: "{ op }" (with bind/def after it) or
 * "/op load" define name as a colour operator under another name, as
 * drivers and Ghostscript's ps2write do ("/rg/setrgbcolor load def").
 */
static void
prolog_alias(struct ps *ps, size_t q, size_t b, const char *name)
{
	const uint8_t *d = ps->buf;
	char body[32], word[8];
	enum color_op o = OP_NONE;

	if (ps->naliases >= MAX_ALIASES || name[0] == '\0')
		return;
	while (q < b && is_ws(d[q]))
		q++;
	if (q < b && d[q] == '{') {
		size_t s0;
		q++;
		while (q < b && is_ws(d[q]))
			q++;
		s0 = q;
		q = read_word(d, q, b, body, sizeof(body));
		while (q < b && is_ws(d[q]))
			q++;
		if (q < b && d[q] == '}' && q > s0)
			o = op_of(body, ps);
	} else if (q < b && d[q] == '/') {
		q = read_word(d, q + 1, b, body, sizeof(body));
		while (q < b && is_ws(d[q]))
			q++;
		read_word(d, q, b, word, sizeof(word));
		if (!strcmp(word, "load"))
			o = op_of(body, ps);
	}
	if (o != OP_NONE) {
		struct alias *al = &ps->aliases[ps->naliases++];
		snprintf(al->name, sizeof(al->name), "%s", name);
		al->op = o;
	}
}

static void
copies_from_token(struct ps *ps, const char *prev_name, double v)
{
	if (v >= 1 && v < 1e6 &&
	    (!strcmp(prev_name, "#copies") || !strcmp(prev_name, "NumCopies")))
		ps->copies = (uint64_t)v;
}

/*
 * Tokenises buf[a..b): records colour use (returns true on colour),
 * in-document copies, the showpage operators written out, and, in the
 * prolog, one-operator colour aliases.
 */
static bool
scan_tokens(struct ps *ps, size_t a, size_t b, bool prolog, unsigned *showpages)
{
	const uint8_t *d = ps->buf;
	double v[4] = {0};
	int nv = 0;
	char lastname[32] = "", word[32];
	bool color = false;
	size_t p = a;
	int inline_data = 0; /* 1 hex, 2 base-85 data follows the image */

	while (p < b) {
		uint8_t c = d[p];
		size_t st;

		if (is_ws(c)) {
			p++;
			continue;
		}
		if (c == '%') {
			while (p < b && d[p] != '\n' && d[p] != '\r')
				p++;
			continue;
		}
		if (c == '(') {
			int lvl = 0;
			for (; p < b; p++) {
				if (d[p] == '\\') {
					p++;
					continue;
				}
				if (d[p] == '(')
					lvl++;
				else if (d[p] == ')' && --lvl == 0) {
					p++;
					break;
				}
			}
			nv = 0;
			continue;
		}
		if ((c == '<' || c == '>') && p + 1 < b && d[p + 1] == c) {
			p += 2; /* a dictionary bracket */
			continue;
		}
		if (c == '<') {
			/* Hex or base-85 string: skip to its end. */
			uint8_t end = p + 1 < b && d[p + 1] == '~' ? '~' : '>';
			while (p < b && d[p] != end)
				p++;
			p++;
			nv = 0;
			continue;
		}
		if (c == '/') {
			size_t k = 0;
			p++;
			while (p < b && !is_ws(d[p]) && !is_delim(d[p])) {
				if (k + 1 < sizeof(lastname))
					lastname[k++] = (char)d[p];
				p++;
			}
			lastname[k] = '\0';
			if (prolog)
				prolog_alias(ps, p, b, lastname);
			continue;
		}
		if (is_delim(c)) {
			p++;
			continue;
		}
		st = p;
		while (p < b && cclass[d[p]] == 0)
			p++;
		if (p - st >= sizeof(word)) {
			nv = 0;
			continue;
		}
		memcpy(word, d + st, p - st);
		word[p - st] = '\0';
		if ((word[0] >= '0' && word[0] <= '9') || word[0] == '-' ||
		    word[0] == '.' || word[0] == '+') {
			char *end;
			double x = strtod(word, &end);
			if (*end == '\0') {
				if (nv == 4) {
					memmove(v, v + 1, 3 * sizeof(double));
					nv = 3;
				}
				v[nv++] = x;
				copies_from_token(ps, lastname, x);
				lastname[0] = '\0';
				continue;
			}
		}
		/*
		 * "currentfile /ASCIIHexDecode filter ... image": the image
		 * data follows in the file up to its end-of-data marker.
		 * Skipping it with memchr is what makes DSC counting of
		 * image-heavy PostScript fast.
		 */
		if (!strcmp(word, "filter")) {
			if (!strcmp(lastname, "ASCIIHexDecode") ||
			    !strcmp(lastname, "AHx"))
				inline_data = 1;
			else if (!strcmp(lastname, "ASCII85Decode") ||
			    !strcmp(lastname, "A85"))
				inline_data = 2;
		} else if (inline_data != 0 &&
		    (!strcmp(word, "image") || !strcmp(word, "colorimage") ||
		        !strcmp(word, "imagemask"))) {
			const uint8_t *e = inline_data == 1
			    ? memchr(d + p, '>', b - p)
			    : memmem(d + p, b - p, "~>", 2);
			p = e != NULL ? (size_t)(e - d) + (size_t)inline_data
			              : b;
			inline_data = 0;
			if (word[0] == 'c')
				color = true;
			nv = 0;
			continue;
		}
		lastname[0] = '\0';
		if (!strcmp(word, "showpage"))
			(*showpages)++;
		switch (op_of(word, ps)) {
		case OP_RGB:
			if (nv >= 3 &&
			    (v[nv - 3] != v[nv - 2] || v[nv - 3] != v[nv - 1]))
				color = true;
			break;
		case OP_CMYK:
			if (nv >= 4 &&
			    (v[nv - 4] != v[nv - 3] || v[nv - 4] != v[nv - 2]))
				color = true;
			break;
		case OP_HSB:
			/* Saturation 0 is grey whatever the hue. */
			if (nv >= 3 && v[nv - 2] != 0 && v[nv - 1] != 0)
				color = true;
			break;
		case OP_COLORIMAGE:
			color = true;
			break;
		default:
			break;
		}
		nv = 0;
	}
	return color;
}

/* A DSC comment's value after "NAME:". */
static void
dsc_copies(struct ps *ps, const uint8_t *l, size_t n)
{
	static const char *const keys[] = {"%%BeginNonPPDFeature: NumCopies",
	    "%%BeginFeature: *NumCopies", "%RBINumCopies:"};
	bool ok;
	uint64_t v;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		size_t k = strlen(keys[i]);
		if (line_is(l, n, keys[i])) {
			v = parse_uint(l + k, n - k, &ok);
			if (ok && v >= 1)
				ps->copies = v;
		}
	}
	if (line_is(l, n, "%%Requirements:")) {
		for (size_t i = 0; i + 11 < n; i++)
			if (!memcmp(l + i, "numcopies(", 10)) {
				v = parse_uint(l + i + 10, n - i - 10, &ok);
				if (ok && v >= 1)
					ps->copies = v;
			}
	}
}

static bool
gs_fallback(struct ps *ps, const struct fm_pagecount_opts *opts,
    struct fm_pagetally *t, const char *why)
{
	struct fm_gsrun_limits lim = {
	    opts->timeout_sec, opts->gs_memory_mb, opts->gs_path};
	enum fm_gsrun_result r;
	uint64_t n = 0, pages, c = ps->copies ? ps->copies : 1;
	bool *flags = NULL;

	if (!opts->allow_ghostscript) {
		fm_pagetally_fail(t, FM_PC_TOO_COMPLEX,
		    "%s, and Ghostscript is not allowed", why);
		return true;
	}
	r = fm_gsrun_render_colors(&lim, ps->buf, ps->len,
	    opts->accurate_color ? 50 : 18, 1000000, &flags, &n);
	switch (r) {
	case FM_GSRUN_OK:
		break;
	case FM_GSRUN_FAILED:
		fm_pagetally_fail(
		    t, FM_PC_DAMAGED, "%s; %s", why, fm_gsrun_result_name(r));
		return true;
	case FM_GSRUN_SYSERR:
		fm_pagetally_fail(t, FM_PC_TOO_COMPLEX, "%s; %s", why,
		    fm_gsrun_result_name(r));
		return false;
	default:
		fm_pagetally_fail(t, FM_PC_TOO_COMPLEX, "%s; %s", why,
		    fm_gsrun_result_name(r));
		return true;
	}
	/* Ghostscript printed every copy the data asked for. */
	pages = n;
	if (c > 1 && n % c == 0) {
		pages = n / c;
		t->doc_copies = fm_pagetally_mul(t->doc_copies, c);
	}
	for (uint64_t i = 0; i < pages; i++)
		fm_pagetally_add(t,
		    opts->color_mode != FM_COLOR_MODE_MONOCHROME && flags[i],
		    1);
	t->color_exact = true;
	snprintf(
	    t->reason, sizeof(t->reason), "%s; counted by Ghostscript", why);
	free(flags);
	return true;
}

bool
fm_pagecount_ps_scan(const uint8_t *buf, size_t len,
    const struct fm_pagecount_opts *opts, struct fm_pagetally *t)
{
	struct ps ps;
	size_t p = 0, first_page = 0, cap = 0;
	size_t *starts = NULL;
	bool *colors = NULL;
	uint64_t npage = 0, declared = 0, nested = 0;
	bool have_declared = false, atend = false, adobe, ok = true;

	memset(&ps, 0, sizeof(ps));
	ps.buf = buf;
	ps.len = len;
	if (len >= 1 && buf[0] == 0x04) {
		ps.buf++;
		ps.len--;
	}
	buf = ps.buf;
	len = ps.len;
	adobe = line_is(buf, len, "%!PS-Adobe-");

	/* One pass over the lines: DSC structure and copies. */
	while (p < len) {
		const uint8_t *l = buf + p, *eol;
		size_t n, rest = len - p;

		eol = memchr(l, '\n', rest);
		n = eol ? (size_t)(eol - l) : rest;
		if (n > 0 && l[n - 1] == '\r')
			n--;
		p += eol ? (size_t)(eol - l) + 1 : rest;
		if (n < 2 || l[0] != '%')
			continue;
		if (line_is(l, n, "%%BeginDocument")) {
			nested++;
		} else if (line_is(l, n, "%%EndDocument")) {
			if (nested > 0)
				nested--;
		} else if (line_is(l, n, "%%BeginData:") ||
		    line_is(l, n, "%%BeginBinary:")) {
			bool okn;
			size_t k = l[7] == 'D' ? 12 : 14;
			uint64_t bytes = parse_uint(l + k, n - k, &okn);
			/* Only "Bytes" counts skip raw bytes; "Lines" and
			 * hex data stay line-structured. */
			bool lines = false;
			for (size_t i = k; i + 5 <= n; i++)
				if (!memcmp(l + i, "Lines", 5))
					lines = true;
			if (okn && !lines) {
				if (bytes > len - p) {
					fm_pagetally_fail(t, FM_PC_DAMAGED,
					    "binary section beyond the end");
					goto out;
				}
				p += (size_t)bytes;
			}
		} else if (nested > 0) {
			continue;
		} else if (line_is(l, n, "%%Page:")) {
			if (npage == cap) {
				size_t ncap = cap ? cap * 2 : 256;
				size_t *ns =
				    realloc(starts, ncap * sizeof(*ns));
				if (ns == NULL) {
					ok = false;
					goto out;
				}
				starts = ns;
				cap = ncap;
			}
			if (npage == 0)
				first_page = (size_t)(l - buf);
			starts[npage++] = (size_t)(l - buf);
		} else if (line_is(l, n, "%%Pages:")) {
			bool okn;
			uint64_t v = parse_uint(l + 8, n - 8, &okn);
			if (okn) {
				/* The header's count, or the trailer's when
				 * the header deferred it. */
				if (!have_declared || atend) {
					declared = v;
					have_declared = true;
					atend = false;
				}
			} else {
				atend = true;
			}
		} else {
			dsc_copies(&ps, l, n);
		}
	}

	/* "#copies"/"NumCopies" in the code itself (prolog and setup). */
	{
		size_t end = npage ? first_page : len;
		unsigned sp = 0;
		(void)scan_tokens(&ps, 0, end, true, &sp);
	}

	if (!adobe || npage == 0 || (have_declared && declared != npage)) {
		const char *why = !adobe ? "no DSC header"
		    : npage == 0         ? "no DSC page comments"
		                         : "DSC page count disagrees";
		ok = gs_fallback(&ps, opts, t, why);
		goto out;
	}

	/*
	 * Each page is tokenised: for its colour, and because a page with
	 * more than one showpage written out means the DSC does not
	 * describe what prints - then Ghostscript decides.
	 */
	if ((colors = calloc(npage, sizeof(bool))) == NULL) {
		ok = false;
		goto out;
	}
	for (uint64_t i = 0; i < npage; i++) {
		size_t a = starts[i], b = i + 1 < npage ? starts[i + 1] : len;
		unsigned sp = 0;
		colors[i] = scan_tokens(&ps, a, b, false, &sp);
		if (sp > 1) {
			free(colors);
			colors = NULL;
			ok = gs_fallback(
			    &ps, opts, t, "several showpage in one DSC page");
			goto out;
		}
	}
	if (ps.copies > 1)
		t->doc_copies = fm_pagetally_mul(t->doc_copies, ps.copies);
	if (opts->accurate_color && opts->allow_ghostscript &&
	    opts->color_mode != FM_COLOR_MODE_MONOCHROME) {
		struct fm_gsrun_limits lim = {
		    opts->timeout_sec, opts->gs_memory_mb, opts->gs_path};
		bool *flags = NULL;
		uint64_t n = 0;
		enum fm_gsrun_result r = fm_gsrun_render_colors(&lim, buf, len,
		    50, npage * (ps.copies ? ps.copies : 1) + 1, &flags, &n);
		/* Ghostscript prints the copies too; the first npage
		 * pages are one copy. */
		if (r == FM_GSRUN_OK && n >= npage) {
			memcpy(colors, flags, npage * sizeof(bool));
			t->color_exact = true;
		} else {
			snprintf(t->reason, sizeof(t->reason),
			    "accurate colour failed (%s), fast colour used",
			    r == FM_GSRUN_OK ? "page count differs"
			                     : fm_gsrun_result_name(r));
		}
		free(flags);
	}
	for (uint64_t i = 0; i < npage; i++)
		fm_pagetally_add(t,
		    opts->color_mode != FM_COLOR_MODE_MONOCHROME && colors[i],
		    1);
out:
	free(colors);
	free(starts);
	return ok;
}
