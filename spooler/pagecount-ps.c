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
 * Colour, fast mode: within each page (tokenised by spooler/pslex.c),
 * setrgbcolor, setcmykcolor and sethsbcolor with non-neutral operands
 * (also through one-operator procedures defined in the prolog, like
 * "/rgb {setrgbcolor} bind def") and colorimage make the page colour.
 * Accurate mode renders instead.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
/* _GNU_SOURCE comes from the build (CMakeLists.txt). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spooler/gsrun.h"
#include "spooler/pagecount-ps.h"
#include "spooler/pslex.h"

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

/* A run of regular characters: what a procedure body's operator is. */
static bool
is_run(const struct fm_pslex_token *tok)
{
	return tok->kind == FM_PSLEX_WORD || tok->kind == FM_PSLEX_NUMBER;
}

/*
 * After "/name" in the prolog (at is the lexer just after it): "{ op }"
 * (with bind/def after it) or "/op load" define name as a colour
 * operator under another name, as drivers and Ghostscript's ps2write do
 * ("/rg/setrgbcolor load def").  Only these exact token sequences count:
 * a comment or anything else in between is not an alias.
 */
static void
prolog_alias(struct ps *ps, const struct fm_pslex *at, const char *name)
{
	struct fm_pslex la = *at;
	struct fm_pslex_token t1, t2, t3;
	char body[32];
	enum color_op o = OP_NONE;

	if (ps->naliases >= MAX_ALIASES || name[0] == '\0' ||
	    !fm_pslex_next(&la, &t1) || !fm_pslex_next(&la, &t2))
		return;
	if (t1.kind == FM_PSLEX_PROC_OPEN && is_run(&t2) &&
	    fm_pslex_next(&la, &t3) && t3.kind == FM_PSLEX_PROC_CLOSE)
		o = op_of(fm_pslex_text_copy(&t2, body, sizeof(body)), ps);
	else if (t1.kind == FM_PSLEX_NAME && t2.kind == FM_PSLEX_WORD &&
	    fm_pslex_text_is(&t2, "load"))
		o = op_of(fm_pslex_text_copy(&t1, body, sizeof(body)), ps);
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

/* What scan_tokens() carries from one token to the next. */
struct tokens {
	struct ps *ps;
	struct fm_pslex lx;
	bool prolog;
	struct fm_pslex_numbers nums; /* the next operator's operands */
	char lastname[32]; /* the literal name just before, "/NumCopies 2" */
	int inline_data;   /* 1 hex, 2 base-85 data follows the image */
	bool color;
	unsigned showpages;
};

static void
on_name(struct tokens *ts, const struct fm_pslex_token *tok)
{
	fm_pslex_text_copy(tok, ts->lastname, sizeof(ts->lastname));
	if (ts->prolog)
		prolog_alias(ts->ps, &ts->lx, ts->lastname);
}

static void
on_number(struct tokens *ts, double x)
{
	fm_pslex_numbers_push(&ts->nums, x);
	copies_from_token(ts->ps, ts->lastname, x);
	ts->lastname[0] = '\0';
}

static bool
is_image_op(const char *word)
{
	return !strcmp(word, "image") || !strcmp(word, "colorimage") ||
	    !strcmp(word, "imagemask");
}

/*
 * "currentfile /ASCIIHexDecode filter ... image": the image data follows
 * in the file up to its end-of-data marker.  Skipping it with memchr is
 * what makes DSC counting of image-heavy PostScript fast.
 */
static void
skip_image_data(struct tokens *ts)
{
	const uint8_t *d = ts->lx.buf, *e;
	size_t p = ts->lx.pos, b = ts->lx.len;

	e = ts->inline_data == 1 ? memchr(d + p, '>', b - p)
	                         : memmem(d + p, b - p, "~>", 2);
	ts->lx.pos = e != NULL ? (size_t)(e - d) + (size_t)ts->inline_data : b;
	ts->inline_data = 0;
}

/* Whether operator op, with the numbers before it, paints in colour. */
static bool
paints_color(const struct tokens *ts, enum color_op op)
{
	const double *v = ts->nums.v;
	int nv = ts->nums.n;

	switch (op) {
	case OP_RGB:
		return nv >= 3 &&
		    (v[nv - 3] != v[nv - 2] || v[nv - 3] != v[nv - 1]);
	case OP_CMYK:
		return nv >= 4 &&
		    (v[nv - 4] != v[nv - 3] || v[nv - 4] != v[nv - 2]);
	case OP_HSB:
		/* Saturation 0 is grey whatever the hue. */
		return nv >= 3 && v[nv - 2] != 0 && v[nv - 1] != 0;
	case OP_COLORIMAGE:
		return true;
	default:
		return false;
	}
}

static void
on_word(struct tokens *ts, const struct fm_pslex_token *tok)
{
	char word[32];

	if (tok->len >= sizeof(word)) {
		ts->nums.n = 0; /* longer than any operator we look for */
		return;
	}
	fm_pslex_text_copy(tok, word, sizeof(word));
	if (ts->inline_data != 0 && is_image_op(word)) {
		skip_image_data(ts);
		ts->color |= word[0] == 'c';
		ts->nums.n = 0;
		return;
	}
	if (!strcmp(word, "filter")) {
		if (!strcmp(ts->lastname, "ASCIIHexDecode") ||
		    !strcmp(ts->lastname, "AHx"))
			ts->inline_data = 1;
		else if (!strcmp(ts->lastname, "ASCII85Decode") ||
		    !strcmp(ts->lastname, "A85"))
			ts->inline_data = 2;
	}
	ts->lastname[0] = '\0';
	if (!strcmp(word, "showpage"))
		ts->showpages++;
	ts->color |= paints_color(ts, op_of(word, ts->ps));
	ts->nums.n = 0;
}

/*
 * Tokenises buf[a..b): records colour use (returns true on colour),
 * in-document copies, the showpage operators written out, and, in the
 * prolog, one-operator colour aliases.
 */
static bool
scan_tokens(struct ps *ps, size_t a, size_t b, bool prolog, unsigned *showpages)
{
	struct tokens ts;
	struct fm_pslex_token tok;

	memset(&ts, 0, sizeof(ts));
	ts.ps = ps;
	ts.prolog = prolog;
	fm_pslex_init(&ts.lx, ps->buf + a, b - a, FM_PSLEX_POSTSCRIPT);
	while (fm_pslex_next(&ts.lx, &tok)) {
		switch (tok.kind) {
		case FM_PSLEX_NUMBER:
			on_number(&ts, tok.num);
			break;
		case FM_PSLEX_NAME:
			on_name(&ts, &tok);
			break;
		case FM_PSLEX_WORD:
			on_word(&ts, &tok);
			break;
		case FM_PSLEX_STRING:
		case FM_PSLEX_HEX:
		case FM_PSLEX_BASE85:
			ts.nums.n = 0; /* an operand that is not a number */
			break;
		default:
			break; /* brackets and comments change nothing */
		}
	}
	*showpages += ts.showpages;
	return ts.color;
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
		t->needs_renderer = fm_pagetally_ok(t);
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

/* What the DSC comments say about the document's structure. */
struct dsc {
	size_t *starts; /* offset of each %%Page: line outside documents */
	size_t cap;
	uint64_t npage;
	uint64_t declared; /* the %%Pages: count */
	bool have_declared, atend;
	uint64_t nested; /* %%BeginDocument depth */
	bool damaged;    /* recorded in the tally */
};

static bool
add_page_start(struct dsc *dsc, size_t off)
{
	if (dsc->npage == dsc->cap) {
		size_t ncap = dsc->cap ? dsc->cap * 2 : 256;
		size_t *ns = realloc(dsc->starts, ncap * sizeof(*ns));
		if (ns == NULL)
			return false;
		dsc->starts = ns;
		dsc->cap = ncap;
	}
	dsc->starts[dsc->npage++] = off;
	return true;
}

/*
 * "%%BeginData:" / "%%BeginBinary:" at l[0..n): the raw bytes that
 * follow the line (*p) are skipped.  Only "Bytes" counts skip raw
 * bytes; "Lines" and hex data stay line-structured.
 */
static void
skip_binary(struct ps *ps, struct dsc *dsc, const uint8_t *l, size_t n,
    size_t *p, struct fm_pagetally *t)
{
	size_t k = l[7] == 'D' ? 12 : 14;
	bool ok, lines = false;
	uint64_t bytes = parse_uint(l + k, n - k, &ok);

	for (size_t i = k; i + 5 <= n; i++)
		if (!memcmp(l + i, "Lines", 5))
			lines = true;
	if (!ok || lines)
		return;
	if (bytes > ps->len - *p) {
		fm_pagetally_fail(
		    t, FM_PC_DAMAGED, "binary section beyond the end");
		dsc->damaged = true;
		return;
	}
	*p += (size_t)bytes;
}

/* "%%Pages: N" in the header, or in the trailer when the header said
 * "(atend)". */
static void
pages_comment(struct dsc *dsc, const uint8_t *l, size_t n)
{
	bool ok;
	uint64_t v = parse_uint(l + 8, n - 8, &ok);

	if (!ok) {
		dsc->atend = true;
	} else if (!dsc->have_declared || dsc->atend) {
		dsc->declared = v;
		dsc->have_declared = true;
		dsc->atend = false;
	}
}

/* One comment line l[0..n), whose next line starts at *p.  Returns
 * false on a system error. */
static bool
dsc_line(struct ps *ps, struct dsc *dsc, const uint8_t *l, size_t n, size_t *p,
    struct fm_pagetally *t)
{
	if (line_is(l, n, "%%BeginDocument")) {
		dsc->nested++;
	} else if (line_is(l, n, "%%EndDocument")) {
		if (dsc->nested > 0)
			dsc->nested--;
	} else if (line_is(l, n, "%%BeginData:") ||
	    line_is(l, n, "%%BeginBinary:")) {
		skip_binary(ps, dsc, l, n, p, t);
	} else if (dsc->nested > 0) {
		return true;
	} else if (line_is(l, n, "%%Page:")) {
		return add_page_start(dsc, (size_t)(l - ps->buf));
	} else if (line_is(l, n, "%%Pages:")) {
		pages_comment(dsc, l, n);
	} else {
		dsc_copies(ps, l, n);
	}
	return true;
}

/* One pass over the lines: DSC structure and copies.  Returns false on
 * a system error. */
static bool
read_dsc(struct ps *ps, struct dsc *dsc, struct fm_pagetally *t)
{
	const uint8_t *buf = ps->buf;
	size_t p = 0, len = ps->len;

	while (p < len && !dsc->damaged) {
		const uint8_t *l = buf + p, *eol;
		size_t n, rest = len - p;

		eol = memchr(l, '\n', rest);
		n = eol ? (size_t)(eol - l) : rest;
		if (n > 0 && l[n - 1] == '\r')
			n--;
		p += eol ? (size_t)(eol - l) + 1 : rest;
		if (n >= 2 && l[0] == '%' && !dsc_line(ps, dsc, l, n, &p, t))
			return false;
	}
	return true;
}

/*
 * The fast colour of each page, from its tokens.  A page with more than
 * one showpage written out means the DSC does not describe what prints:
 * then *several is set and Ghostscript decides.  Returns NULL on a
 * system error.
 */
static bool *
page_colors(struct ps *ps, const struct dsc *dsc, bool *several)
{
	bool *colors = calloc(dsc->npage, sizeof(bool));

	for (uint64_t i = 0; colors != NULL && i < dsc->npage; i++) {
		size_t a = dsc->starts[i];
		size_t b = i + 1 < dsc->npage ? dsc->starts[i + 1] : ps->len;
		unsigned sp = 0;
		colors[i] = scan_tokens(ps, a, b, false, &sp);
		if (sp > 1) {
			*several = true;
			break;
		}
	}
	return colors;
}

/* Accurate mode: colours[0..npage) from a rendering, or a reason in the
 * tally saying why the fast ones stay. */
static void
accurate_colors(const struct ps *ps, const struct fm_pagecount_opts *opts,
    bool *colors, uint64_t npage, struct fm_pagetally *t)
{
	struct fm_gsrun_limits lim = {
	    opts->timeout_sec, opts->gs_memory_mb, opts->gs_path};
	bool *flags = NULL;
	uint64_t n = 0;
	enum fm_gsrun_result r = fm_gsrun_render_colors(&lim, ps->buf, ps->len,
	    50, npage * (ps->copies ? ps->copies : 1) + 1, &flags, &n);

	/* Ghostscript prints the copies too; the first npage pages are one
	 * copy. */
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

bool
fm_pagecount_ps_scan(const uint8_t *buf, size_t len,
    const struct fm_pagecount_opts *opts, struct fm_pagetally *t)
{
	struct ps ps;
	struct dsc dsc;
	bool *colors = NULL, adobe, several = false, ok = true;
	unsigned sp = 0;

	memset(&ps, 0, sizeof(ps));
	memset(&dsc, 0, sizeof(dsc));
	ps.buf = buf;
	ps.len = len;
	if (len >= 1 && buf[0] == 0x04) {
		ps.buf++;
		ps.len--;
	}
	adobe = line_is(ps.buf, ps.len, "%!PS-Adobe-");
	if (!read_dsc(&ps, &dsc, t)) {
		ok = false;
		goto out;
	}
	if (dsc.damaged)
		goto out;

	/* "#copies"/"NumCopies" in the code itself (prolog and setup). */
	(void)scan_tokens(
	    &ps, 0, dsc.npage ? dsc.starts[0] : ps.len, true, &sp);

	if (!adobe || dsc.npage == 0 ||
	    (dsc.have_declared && dsc.declared != dsc.npage)) {
		const char *why = !adobe ? "no DSC header"
		    : dsc.npage == 0     ? "no DSC page comments"
		                         : "DSC page count disagrees";
		ok = gs_fallback(&ps, opts, t, why);
		goto out;
	}
	if ((colors = page_colors(&ps, &dsc, &several)) == NULL) {
		ok = false;
		goto out;
	}
	if (several) {
		ok = gs_fallback(
		    &ps, opts, t, "several showpage in one DSC page");
		goto out;
	}
	if (ps.copies > 1)
		t->doc_copies = fm_pagetally_mul(t->doc_copies, ps.copies);
	if (opts->accurate_color && opts->allow_ghostscript &&
	    opts->color_mode != FM_COLOR_MODE_MONOCHROME)
		accurate_colors(&ps, opts, colors, dsc.npage, t);
	for (uint64_t i = 0; i < dsc.npage; i++)
		fm_pagetally_add(t,
		    opts->color_mode != FM_COLOR_MODE_MONOCHROME && colors[i],
		    1);
out:
	free(colors);
	free(dsc.starts);
	return ok;
}
