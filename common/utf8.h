/*
 * utf8.h - validating and cleaning UTF-8 text from untrusted sources.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_UTF8_H
#define FM_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/*
 * 'fm_utf8_next()' - decode one code point from s (len bytes).
 *
 * Returns the number of bytes consumed (1 to 4) and stores the code point
 * in *cp, or returns 1 with *cp = -1 for an invalid or truncated sequence
 * (overlong forms and surrogates are invalid).  len must be > 0.
 */
size_t fm_utf8_next(const unsigned char *s, size_t len, long *cp);

/*
 * 'fm_utf8_clean()' - copy len bytes of src into dst (size bytes) as valid
 * UTF-8 with no control characters: invalid sequences become U+FFFD,
 * C0/C1 controls and DEL become a space.  Output is NUL-terminated and cut
 * on a character boundary if dst is too small.  Returns true if the whole
 * input fitted.
 */
bool fm_utf8_clean(char *dst, size_t size, const char *src, size_t len);

#endif
