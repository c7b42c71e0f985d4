/*
 * table.h - followme-admin's list output: a plain table or JSON.
 *
 * A list declares its columns once.  A column has a table heading, a
 * JSON key, or both; the table shows the columns with a heading in their
 * order, JSON the columns with a key in theirs, so a value shown
 * differently in each (a time: a date in the table, a number in JSON)
 * is two columns.  Each row is an array of cells, one per column.
 *
 * Tables: a heading line before the first row, columns padded to their
 * width and separated by one space (or the column's separator).  JSON:
 * an array of objects, or one object per row for single things.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_TABLE_H
#define FM_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/i18n.h"

/* Room for a time as fm_table_time() writes it. */
#define FM_TABLE_TIMEMAX 32

enum fm_table_type {
	FM_TABLE_TEXT,  /* cell.text; NULL: "" in a table, null in JSON */
	FM_TABLE_INT,   /* cell.number */
	FM_TABLE_BOOL,  /* cell.number != 0: true or false */
	FM_TABLE_MONEY, /* cell.number in minor units, "1.25" (a JSON string) */
	FM_TABLE_TIME,  /* cell.number, UNIX time: local date and time in a
	                   table (fm_table_time()), the number in JSON */
};

/* Column flags. */
enum {
	/* Table: the text without control characters or invalid UTF-8,
	 * cut to 63 bytes -- stored names are no terminal's business. */
	FM_TABLE_CLEAN = 1 << 0,
};

struct fm_table_column {
	const char *header; /* table heading; NULL: JSON only */
	int width;       /* > 0: right-aligned, < 0: left-aligned, 0: as is */
	const char *sep; /* before the column in a table; NULL: " " */
	const char *key; /* JSON key; NULL: table only */
	enum fm_table_type type;
	unsigned flags; /* FM_TABLE_CLEAN */
};

/*
 * Column constructors, one short call a column: each sets the column at
 * index i of the array and names its type without the prefix (TEXT, INT,
 * BOOL, MONEY, TIME).
 *
 *	static const struct fm_table_column printer_columns[P_NCOLUMNS] = {
 *	    FM_TABLE_COLUMN(P_NAME, "NAME", -16, "name", TEXT),
 *	    FM_TABLE_JSON(P_ID, "id", INT), ...};
 *
 * FM_TABLE_COLUMN: a heading (of that width) and a JSON key;
 * FM_TABLE_JSON: a JSON key only; FM_TABLE_SHOWN: a heading only;
 * FM_TABLE_CLEANED: a stored text shown FM_TABLE_CLEAN in the last
 * column of a table, after sep (NULL: " "), and under key in JSON (NULL:
 * not at all).
 *
 * A long table names its index prefix once, through a macro C defined
 * around it (as store/sql.h's column tables name their struct), and
 * reads as a few packed lines:
 *
 *	#define C(kind, col, ...) FM_TABLE_##kind(J_##col, __VA_ARGS__)
 *	static const struct fm_table_column job_columns[J_NCOLUMNS] = {
 *	    C(COLUMN, ID, "ID", -6, "id", INT), C(JSON, UUID, "uuid", TEXT),
 *	    ...};
 *	#undef C
 */
#define FM_TABLE_COLUMN(i, header, width, key, type)                           \
	[(i)] = {(header), (width), NULL, (key), FM_TABLE_##type, 0}
#define FM_TABLE_JSON(i, key, type)                                            \
	[(i)] = {NULL, 0, NULL, (key), FM_TABLE_##type, 0}
#define FM_TABLE_SHOWN(i, header, width, type)                                 \
	[(i)] = {(header), (width), NULL, NULL, FM_TABLE_##type, 0}
#define FM_TABLE_CLEANED(i, header, sep, key)                                  \
	[(i)] = {(header), 0, (sep), (key), FM_TABLE_TEXT, FM_TABLE_CLEAN}

struct fm_table_cell {
	const char *text;
	int64_t number;
};

struct fm_table {
	FILE *f;
	const struct fm_table_column *columns;
	size_t ncolumns;
	bool json;
	int rows; /* rows written so far */
	/* How a table (never JSON) writes amounts and times: English as
	 * it always did ("1.25", "2026-12-06 14:05:00"), French with the
	 * site's currency ("1,25 €", "06/12/2026 14:05:00"). */
	enum fm_i18n_lang lang;
	char currency[8];
};

/*
 * 'fm_table_init()' - set t up to write the ncolumns columns (borrowed:
 * they must outlive t) to f, as JSON if json.
 */
void fm_table_init(struct fm_table *t, FILE *f,
    const struct fm_table_column *columns, size_t ncolumns, bool json);

/*
 * 'fm_table_localize()' - write t's table (not its JSON) for people
 * reading lang, amounts in currency (ISO 4217, "" for none); headings
 * are translated in either case.
 */
void fm_table_localize(
    struct fm_table *t, enum fm_i18n_lang lang, const char *currency);

/* 'fm_table_begin()' - start a list: "[" in JSON, nothing in a table. */
void fm_table_begin(struct fm_table *t);

/*
 * 'fm_table_row()' - write one row of cells (one per column): in a table
 * a line, after the heading line if it is the first row; in JSON an
 * object, after a comma if it is not the first.
 */
void fm_table_row(struct fm_table *t, const struct fm_table_cell *cells);

/*
 * 'fm_table_fields()' - write only the members of the row's JSON object,
 * "key":value,..., without braces, for an object the caller completes.
 * Nothing in a table.
 */
void fm_table_fields(struct fm_table *t, const struct fm_table_cell *cells);

/*
 * 'fm_table_end()' - end a list: "]" and a newline in JSON; in a table
 * without rows, the line none (if not NULL).
 */
void fm_table_end(struct fm_table *t, const char *none);

/*
 * 'fm_table_object()' - write one row of cells to f as a JSON object and
 * a newline: the --json output of a single thing.
 */
void fm_table_object(FILE *f, const struct fm_table_column *columns,
    size_t ncolumns, const struct fm_table_cell *cells);

/*
 * 'fm_table_time()' - write the UNIX time t as local "YYYY-MM-DD
 * HH:MM:SS" into buf (FM_TABLE_TIMEMAX bytes), or "-" when t is not
 * after 1970 or cannot be shown; returns buf.
 */
const char *fm_table_time(int64_t t, char *buf, size_t size);

#endif
