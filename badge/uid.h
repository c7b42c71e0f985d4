/*
 * uid.h - badge identifiers: normalisation to the site's canonical text.
 *
 * A reader delivers a UID as bytes (ISO 14443A: 4, 7 or 10 bytes; 14443B:
 * the 4-byte PUPI; FeliCa: the 8-byte IDm) or, for keyboard-wedge readers,
 * as typed text.  Sites match badges against the number printed on the
 * card or held in their directory, so the canonical text form is
 * configurable per site with a format spec:
 *
 *   spec  = base [ "-reversed" ] [ ":" N ]
 *   base  = "hex" (upper case) | "hex-lower" | "decimal"
 *
 * "-reversed" reverses the byte order before conversion (some directories
 * hold UIDs read least-significant byte first).  ":N" fixes the width:
 * N bytes for hex (1..FM_UID_MAX), N digits for decimal (1..40).  Shorter
 * values get leading zeros; longer ones keep their N least significant
 * bytes or digits, as a number modulo 256^N or 10^N would.  Examples:
 * "hex", "hex-reversed", "decimal:10", "decimal-reversed", "hex-lower:4".
 *
 * Decimal treats the ordered bytes as one unsigned big-endian number of
 * any length (a 10-byte UID is an 80-bit number), so no precision is lost.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_UID_H
#define FM_UID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FM_UID_MAX 16     /* bytes in any UID we handle */
#define FM_UID_STRMAX 64  /* canonical text, NUL included */
#define FM_UID_TEXTMAX 32 /* characters a wedge reader may type */
#define FM_UID_DIGITSMAX 40

enum fm_uid_base {
	FM_UID_HEX_UPPER,
	FM_UID_HEX_LOWER,
	FM_UID_DECIMAL,
};

struct fm_uid_format {
	enum fm_uid_base base;
	bool reversed;  /* reverse the byte order before conversion */
	unsigned width; /* 0 = natural width; else bytes (hex), digits */
};

/* How a keyboard-wedge reader types the card number. */
enum fm_uid_input {
	FM_UID_INPUT_DECIMAL,
	FM_UID_INPUT_HEX,
};

/*
 * 'fm_uid_format_parse()' - parse a format spec of len bytes (grammar
 * above) into *fmt.
 *
 * Returns false with a static *errstr if the spec is not valid; *fmt is
 * then unchanged.  buf need not be NUL-terminated.
 */
bool fm_uid_format_parse(const char *buf, size_t len, struct fm_uid_format *fmt,
    const char **errstr);

/*
 * 'fm_uid_normalise()' - write the canonical text of the len-byte uid,
 * according to fmt, into out (outlen bytes, NUL-terminated).
 *
 * len must be 1..FM_UID_MAX.  Returns false if an argument is invalid or
 * the text does not fit; out is then the empty string (if outlen > 0).
 */
bool fm_uid_normalise(const uint8_t *uid, size_t len,
    const struct fm_uid_format *fmt, char *out, size_t outlen);

/*
 * 'fm_uid_from_text()' - convert what a keyboard-wedge reader typed (len
 * bytes, digits or hex digits per in) into UID bytes for fm_uid_normalise().
 *
 * Decimal text becomes the shortest big-endian byte string of its value
 * (at least one byte); hex text keeps its length (an odd count gets a
 * leading zero nibble).  Leading and trailing blanks are ignored.  uid
 * must hold FM_UID_MAX bytes.  Returns false with a static *errstr for
 * empty, over-long (> FM_UID_TEXTMAX) or non-digit text, or a value over
 * FM_UID_MAX bytes.
 */
bool fm_uid_from_text(const char *buf, size_t len, enum fm_uid_input in,
    uint8_t *uid, size_t *uidlen, const char **errstr);

/*
 * 'fm_uid_input_parse()' - parse "decimal" or "hex" (len bytes) into *in;
 * false if it is neither.
 */
bool fm_uid_input_parse(const char *buf, size_t len, enum fm_uid_input *in);

#endif
