/*
 * badgenum.c - badge numbers from the directory to UID bytes
 * (badgenum.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "directory/badgenum.h"

#include <string.h>

static bool
refuse(const char **errstr, const char *why)
{
	if (errstr != NULL)
		*errstr = why;
	return false;
}

bool
fm_badgenum_parse(const char *buf, size_t len, const struct fm_uid_format *fmt,
    unsigned bytes, uint8_t *uid, size_t *uidlen, const char **errstr)
{
	char text[FM_UID_TEXTMAX + 1];
	size_t n = 0, digits = 0, i;
	bool hex;

	if (buf == NULL || fmt == NULL || uid == NULL || uidlen == NULL ||
	    bytes > FM_UID_MAX)
		return refuse(errstr, "missing argument");
	hex = fmt->base != FM_UID_DECIMAL;
	while (len > 0 && (buf[0] == ' ' || buf[0] == '\t')) {
		buf++;
		len--;
	}
	while (len > 0 && (buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	if (hex && len >= 2 && buf[0] == '0' &&
	    (buf[1] == 'x' || buf[1] == 'X')) {
		buf += 2;
		len -= 2;
	}
	/* Separators between hex bytes only: "04:A1", never "0:4A1". */
	for (i = 0; i < len; i++) {
		char c = buf[i];

		if (hex && (c == ':' || c == '-' || c == ' ')) {
			if (digits == 0 || digits % 2 != 0 || i + 1 == len ||
			    buf[i + 1] == ':' || buf[i + 1] == '-' ||
			    buf[i + 1] == ' ')
				return refuse(errstr,
				    "misplaced separator in "
				    "a hex badge number");
			continue;
		}
		if (n == FM_UID_TEXTMAX)
			return refuse(errstr, "badge number too long");
		text[n++] = c;
		digits++;
	}
	if (n == 0)
		return refuse(errstr, "empty badge number");
	if (fmt->width > 0 && n > (hex ? 2 * fmt->width : fmt->width))
		return refuse(errstr,
		    "badge number wider than the format's "
		    "width");
	if (!fm_uid_from_text(text, n,
	        hex ? FM_UID_INPUT_HEX : FM_UID_INPUT_DECIMAL, uid, uidlen,
	        errstr))
		return false;
	/* Leading zeros the directory left out come back: to the format's
	 * width in bytes (hex), or to the reader's UID length. */
	size_t want = bytes > 0     ? bytes
	    : hex && fmt->width > 0 ? fmt->width
	                            : *uidlen;
	if (*uidlen > want) {
		/* Leading zero bytes of a padded number are no part of a
		 * shorter UID; anything else is. */
		size_t extra = *uidlen - want;

		for (i = 0; i < extra; i++)
			if (uid[i] != 0)
				return refuse(errstr,
				    "badge number larger "
				    "than badge_bytes");
		memmove(uid, uid + extra, want);
		*uidlen = want;
	}
	if (*uidlen < want) {
		memmove(uid + (want - *uidlen), uid, *uidlen);
		memset(uid, 0, want - *uidlen);
		*uidlen = want;
	}
	if (fmt->reversed)
		for (i = 0; i < *uidlen / 2; i++) {
			uint8_t t = uid[i];

			uid[i] = uid[*uidlen - 1 - i];
			uid[*uidlen - 1 - i] = t;
		}
	return true;
}
