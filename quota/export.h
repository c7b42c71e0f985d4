/*
 * export.h - finance exports and usage reports from the ledger.
 *
 * Export columns (stable; documented in followme-admin(8)):
 *
 *   period_start, period_end, [user, full_name,] department_code,
 *   department_name, users, jobs, pages_mono, pages_colour, impressions,
 *   sheets, simplex_impressions, duplex_impressions, cost
 *
 * (user and full_name only with FM_EXPORT_BY_USER).  Rows are ordered by
 * department code (then user).  cost is a decimal string ("12.40"): the
 * commits less the refunds stamped inside the period.  CSV follows
 * RFC 4180 (CRLF line ends, quotes doubled, UTF-8); a text cell beginning
 * with =, +, -, @, tab or CR is prefixed with ' so that spreadsheets do
 * not run it as a formula.  JSON has the same rows as objects with the
 * same keys.  For a closed period the output is byte-for-byte the same
 * every time: it depends only on ledger rows, which never change.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_EXPORT_H
#define FM_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store/store.h"

enum fm_export_by {
	FM_EXPORT_BY_DEPARTMENT,
	FM_EXPORT_BY_USER,
	FM_EXPORT_BY_PRINTER, /* reports only */
};

enum fm_export_format { FM_EXPORT_CSV, FM_EXPORT_JSON, FM_EXPORT_TEXT };

struct fm_export_totals {
	int64_t rows, jobs, impressions, sheets, cost;
};

/*
 * 'fm_export_write()' - write the export of [from, to) grouped by, in
 * format, to f.  from_date and to_date are the inclusive dates printed in
 * the period columns.  *totals (may be NULL) receives the sums of the
 * rows written.  False on a database or write error.
 */
bool fm_export_write(fm_store_t *store, enum fm_export_by by, int64_t from,
    int64_t to, const char *from_date, const char *to_date,
    enum fm_export_format format, FILE *f, struct fm_export_totals *totals);

/*
 * 'fm_export_csv_cell()' - write len bytes of s to f as one CSV cell:
 * quoted when it holds a comma, quote, CR or LF; neutralised with a
 * leading ' when text is true and it begins with =, +, -, @, tab or CR.
 */
void fm_export_csv_cell(FILE *f, const char *s, size_t len, bool text);

/* The SQL of the department export, for the benchmark's baseline (bind
 * ?1 = from, ?2 = to). */
extern const char fm_export_department_sql[];

#endif
