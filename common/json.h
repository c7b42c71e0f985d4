/*
 * json.h - writing JSON to a stdio stream.
 *
 * Just enough for --json listings: strings are escaped (control
 * characters, quotes, backslashes) and invalid UTF-8 is replaced with
 * U+FFFD, so any text from a user yields valid JSON.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_JSON_H
#define FM_JSON_H

#include <stdint.h>
#include <stdio.h>

/* 'fm_json_string()' - write s (NUL-terminated; NULL writes null) as a JSON
 * string. */
void fm_json_string(FILE *f, const char *s);

/* 'fm_json_key_string()', 'fm_json_key_int()' - write "name": and then the
 * value; comma handling is the caller's. */
void fm_json_key_string(FILE *f, const char *name, const char *value);
void fm_json_key_int(FILE *f, const char *name, int64_t value);

#endif
