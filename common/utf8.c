/*
 * utf8.c - validating and cleaning UTF-8 text.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/utf8.h"

#include <string.h>

size_t
fm_utf8_next(const unsigned char *s, size_t len, long *cp)
{
	unsigned char c = s[0];
	size_t n;
	long v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
		min = 0x10000;
	} else {
		*cp = -1;
		return 1;
	}
	if (len < n) {
		*cp = -1;
		return 1;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = -1;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
		*cp = -1;
		return 1;
	}
	*cp = v;
	return n;
}

bool
fm_utf8_is_invisible(long cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb);
}

/* fm_utf8_clean(), dropping the invisible characters if shown. */
static bool
clean(char *dst, size_t size, const char *src, size_t len, bool shown)
{
	static const char replacement[] = "\xef\xbf\xbd";
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, o = 0;

	if (dst == NULL || size == 0 || (src == NULL && len > 0))
		return false;
	while (i < len) {
		long cp;
		size_t n = fm_utf8_next(s + i, len - i, &cp);
		const char *out = (const char *)s + i;
		size_t outlen = n;

		if (cp < 0) {
			out = replacement;
			outlen = 3;
		} else if (cp < 0x20 || cp == 0x7f ||
		    (cp >= 0x80 && cp < 0xa0)) {
			out = " ";
			outlen = 1;
		} else if (shown && fm_utf8_is_invisible(cp)) {
			outlen = 0;
		}
		if (o + outlen >= size) {
			dst[o] = '\0';
			return false;
		}
		memcpy(dst + o, out, outlen);
		o += outlen;
		i += n;
	}
	dst[o] = '\0';
	return true;
}

bool
fm_utf8_clean(char *dst, size_t size, const char *src, size_t len)
{
	return clean(dst, size, src, len, false);
}

bool
fm_utf8_clean_shown(char *dst, size_t size, const char *src, size_t len)
{
	return clean(dst, size, src, len, true);
}
