/*
 * badgenum.h - badge numbers as a directory or a spreadsheet holds them,
 * turned back into the UID bytes a reader sends, so that they hash (and
 * match) as the badge itself does.
 *
 * The site says how its directory writes the number with a badge/uid.h
 * format spec (hex, hex-lower or decimal; "-reversed" when the number was
 * made from the UID's bytes in reverse order; ":N" the width), the same
 * spec a reader's "format" uses.  Hex may be written with ':', '-' or
 * ' ' between bytes and a "0x" prefix; blanks around are ignored.  A
 * decimal number is the UID's bytes as one big-endian number: it is
 * turned into the fewest bytes that hold it (as a keyboard-wedge reader
 * does), or into exactly "bytes" bytes when the site sets badge_bytes
 * (an NFC reader sends 4, 7 or 10 bytes, leading zeros included).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_BADGENUM_H
#define FM_BADGENUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badge/uid.h"

/*
 * 'fm_badgenum_parse()' - the UID bytes (into uid, FM_UID_MAX bytes, and
 * *uidlen) of the badge number in buf (len bytes, not NUL-terminated)
 * written in format fmt, padded to bytes bytes if bytes > 0.  False with
 * a static *errstr when it is empty, not a number of that base, longer
 * than the format's width or than bytes, or over FM_UID_MAX bytes.
 */
bool fm_badgenum_parse(const char *buf, size_t len,
    const struct fm_uid_format *fmt, unsigned bytes, uint8_t *uid,
    size_t *uidlen, const char **errstr);

#endif
