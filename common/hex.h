/*
 * hex.h - bytes as hexadecimal text: certificate serials, badge UIDs,
 * anything shown to people or stored as text that is really bytes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_HEX_H
#define FM_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * 'fm_hex_encode()' - write the len bytes at buf as 2 * len lower-case hex
 * digits and a NUL into out (size bytes).  False if that does not fit (or
 * buf or out is NULL); out is then the empty string when size allows.
 */
bool fm_hex_encode(const void *buf, size_t len, char *out, size_t size);

/* 'fm_hex_encode_upper()' - the same with upper-case digits. */
bool fm_hex_encode_upper(const void *buf, size_t len, char *out, size_t size);

/*
 * 'fm_hex_digit()' - the value (0 to 15) of hex digit c, either case, into
 * *value; false, *value untouched, if c is not a hex digit.
 */
bool fm_hex_digit(char c, uint8_t *value);

/*
 * 'fm_hex_decode()' - the size bytes that the first 2 * size characters
 * of s spell in hex (either case) into out; false if s has fewer or one
 * of them is not a hex digit (out then holds garbage).  What follows
 * them in s is the caller's to check.
 */
bool fm_hex_decode(const char *s, uint8_t *out, size_t size);

#endif
