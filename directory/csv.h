/*
 * csv.h - an RFC 4180 reader for the HR spreadsheets the directory import
 * takes: UTF-8 with or without a byte order mark, fields separated by
 * commas, quoted fields with doubled quotes, commas and line breaks in
 * them, CRLF or LF line ends.  Text in any other encoding is refused with
 * the line it is first seen on.  Cells are data: nothing in them is ever
 * evaluated (a cell starting with '=', '+', '-' or '@' is text).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_CSV_H
#define FM_CSV_H

#include <stdbool.h>
#include <stddef.h>

#define FM_CSV_FIELDMAX 1024 /* bytes in one field */
#define FM_CSV_FIELDS 64     /* fields in one record */
#define FM_CSV_MAXLEN (256UL * 1024 * 1024)

/* One record: its fields, NUL-terminated, and the line it starts on. */
struct fm_csv_record {
	const char *field[FM_CSV_FIELDS];
	size_t len[FM_CSV_FIELDS];
	size_t nfields;
	size_t line;
};

/*
 * 'fm_csv_parse()' - read the len bytes of buf as CSV, calling fn with
 * each record in order (the first is the header row); a blank line is no
 * record.  The record and its fields are valid only during the call.
 * Stops and returns false with "line N: reason" in err (errlen bytes) at
 * the first fault: not UTF-8, a NUL byte, a quote inside an unquoted
 * field or text after a closing quote, a quoted field left open, a field
 * or record over the limits above; also when fn returns false (fn then
 * writes err).
 */
bool fm_csv_parse(const char *buf, size_t len,
    bool (*fn)(
        const struct fm_csv_record *rec, void *arg, char *err, size_t errlen),
    void *arg, char *err, size_t errlen);

#endif
