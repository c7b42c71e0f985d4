/*
 * termtext.c - untrusted text made safe for the terminal screen.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "terminal/termtext.h"

#include <string.h>
#include <wchar.h>

#include "common/utf8.h"

static bool
is_control(long cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0x2028 ||
	    cp == 0x2029;
}

struct out {
	char *dst;
	size_t size, len, cells;
};

/* Appends cp if its bytes fit; false if not. */
static bool
put(struct out *o, long cp, size_t width)
{
	char tmp[4];
	size_t n;

	if (cp < 0x80) {
		tmp[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		tmp[0] = (char)(0xc0 | (cp >> 6));
		tmp[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		tmp[0] = (char)(0xe0 | (cp >> 12));
		tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		tmp[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		tmp[0] = (char)(0xf0 | (cp >> 18));
		tmp[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		tmp[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		tmp[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (o->dst != NULL) {
		if (o->len + n >= o->size)
			return false;
		memcpy(o->dst + o->len, tmp, n);
	}
	o->len += n;
	o->cells += width;
	return true;
}

/*
 * Emits src into o within limit cells; true if all of it fitted.  With
 * o->dst NULL it only measures.
 */
static bool
emit(struct out *o, const unsigned char *src, size_t len, size_t limit,
    bool utf8)
{
	size_t i = 0, n, combining = 0;
	bool have_base = false;
	long cp;
	int w;

	while (i < len) {
		n = fm_utf8_next(src + i, len - i, &cp);
		i += n;
		if (cp < 0)
			cp = utf8 ? 0xfffd : '?';
		if (fm_utf8_is_invisible(cp))
			continue;
		if (is_control(cp))
			cp = ' ';
		if (!utf8 && cp >= 0x80)
			cp = '?';
		w = cp < 0x80 ? 1 : wcwidth((wchar_t)cp);
		if (w < 0) {
			cp = 0xfffd;
			w = 1;
		}
		if (w == 0) {
			/* A mark needs a base, and a stack of them would
			 * draw over the rows above and below. */
			if (!have_base || combining >= FM_TERMTEXT_MAXCOMBINING)
				continue;
			if (!put(o, cp, 0))
				return false;
			combining++;
			continue;
		}
		if (o->cells + (size_t)w > limit || !put(o, cp, (size_t)w))
			return false;
		have_base = true;
		combining = 0;
	}
	return true;
}

size_t
fm_termtext_width(const char *src, size_t len, bool utf8)
{
	struct out o = {NULL, 0, 0, 0};

	if (src == NULL)
		return 0;
	emit(&o, (const unsigned char *)src, len, (size_t)-1, utf8);
	return o.cells;
}

size_t
fm_termtext_fit(char *dst, size_t size, const char *src, size_t len,
    size_t columns, bool utf8)
{
	struct out o = {NULL, 0, 0, 0};

	if (dst == NULL || size == 0)
		return 0;
	dst[0] = '\0';
	if (src == NULL || columns == 0)
		return 0;
	if (emit(&o, (const unsigned char *)src, len, columns, utf8) &&
	    o.len < size) {
		o = (struct out){dst, size, 0, 0};
		emit(&o, (const unsigned char *)src, len, columns, utf8);
		dst[o.len] = '\0';
		return o.cells;
	}
	/* Too wide or too long: cut, and say so with an ellipsis. */
	o = (struct out){dst, size > 4 ? size - 3 : 1, 0, 0};
	emit(&o, (const unsigned char *)src, len, columns - 1, utf8);
	o.size = size;
	put(&o, utf8 ? 0x2026 : '~', 1);
	dst[o.len] = '\0';
	return o.cells;
}
