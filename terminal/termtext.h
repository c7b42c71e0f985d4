/*
 * termtext.h - untrusted text made safe to draw on a terminal screen.
 *
 * Job titles come from whoever printed: they may hold escape sequences,
 * bidirectional overrides, stacks of combining marks or kilobytes of
 * text.  fm_termtext_fit() turns such text into a string that takes no
 * more cells than it is given and cannot move the cursor, change
 * colours, reorder the rest of the line or spill into the rows around it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_TERMTEXT_H
#define FM_TERMTEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Combining marks kept on one base character; the rest are dropped. */
#define FM_TERMTEXT_MAXCOMBINING 2

/*
 * 'fm_termtext_fit()' - write the displayable form of len bytes of src
 * into dst (size bytes, NUL-terminated), at most columns cells wide.
 *
 * Invalid UTF-8 becomes U+FFFD; controls (C0, C1, DEL, line and
 * paragraph separators) become spaces; bidirectional controls and byte
 * order marks are dropped; combining marks are kept only after a base
 * character and at most FM_TERMTEXT_MAXCOMBINING of them.  Text that does
 * not fit is cut and ends with an ellipsis.  When utf8 is false (the
 * screen is not UTF-8), every non-ASCII character becomes '?'.  Widths
 * come from wcwidth(), so the locale's LC_CTYPE must be UTF-8 when utf8
 * is true.  Returns the number of cells written.
 */
size_t fm_termtext_fit(char *dst, size_t size, const char *src, size_t len,
    size_t columns, bool utf8);

/*
 * 'fm_termtext_width()' - the cells len bytes of src take once made safe
 * by fm_termtext_fit(): display width, never bytes ("é" is one cell
 * whether precomposed or e + U+0301, a CJK ideograph two, a combining
 * mark none).  Same rules and locale as fm_termtext_fit().
 */
size_t fm_termtext_width(const char *src, size_t len, bool utf8);

#endif
