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

/*
 * 'fm_utf8_is_invisible()' - whether code point cp reorders or hides text
 * without showing itself: the bidirectional embeddings, overrides and
 * isolates (U+202A-202E, U+2066-2069), the direction marks, the byte
 * order mark and the interlinear annotation controls.  A title made of
 * them can show a file name backwards ("gpj.exe" as "exe.jpg").
 */
bool fm_utf8_is_invisible(long cp);

/*
 * 'fm_utf8_clean_shown()' - fm_utf8_clean() for text a person reads (an
 * admin's table, a terminal): the invisible characters above are dropped
 * as well.  The stored text keeps them; only what is shown loses them.
 */
bool fm_utf8_clean_shown(char *dst, size_t size, const char *src, size_t len);

#endif
