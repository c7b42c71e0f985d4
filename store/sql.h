/*
 * sql.h - running SQL against the store: bind parameters, fetch one row,
 * iterate rows, copy columns into structs by table.  Private to store/
 * and quota/ (scripts/check-includes refuses it elsewhere): the only code
 * that speaks SQL.
 *
 * Parameters are given as a list of tagged values, bound to ?1, ?2, ...
 * in order:
 *
 *	fm_sql_exec(store, "UPDATE jobs SET state = ?2 WHERE id = ?1",
 *	    FM_ARG_INT(id), FM_ARG_TEXT("held"));
 *
 * and result columns are copied into a struct by a column table, column i
 * of the result into cols[i] (the way proto.c describes wire fields).  A
 * table names its struct once, through a macro C defined around it:
 *
 *	#define C(kind, member) FM_COL_##kind(struct fm_printer, member)
 *	static const struct fm_sql_col printer_cols[] = {C(INT, id),
 *	    C(TEXT, name), C(TEXT, uri), FM_COL_END};
 *	#undef C
 *	switch (fm_sql_get(store, "SELECT id, name, uri FROM printers"
 *	    " WHERE name = ?1", printer_cols, &p, FM_ARG_TEXT(name))) ...
 *
 * Statements of the one-shot calls (exec, get, int) are cached by the
 * address of their SQL, which must therefore be a string literal.  An
 * iteration (fm_sql_open) gets a statement of its own, so the code run
 * for each row may query the store again, even with the same SQL.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_SQL_H
#define FM_SQL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store-private.h"

/* --- parameters ---------------------------------------------------- */

enum fm_sql_arg_kind {
	FM_SQL_ARG_END, /* terminates a list */
	FM_SQL_ARG_INT,
	FM_SQL_ARG_ID,   /* an integer, NULL when <= 0 (optional reference) */
	FM_SQL_ARG_TEXT, /* NULL binds NULL */
	FM_SQL_ARG_BLOB,
	FM_SQL_ARG_NULL,
	FM_SQL_ARG_SKIP, /* leaves the parameter unbound (NULL) */
};

struct fm_sql_arg {
	enum fm_sql_arg_kind kind;
	int64_t i;
	const void *p;
	size_t len;
};

#define FM_ARG_INT(v) ((struct fm_sql_arg){FM_SQL_ARG_INT, (int64_t)(v), 0, 0})
#define FM_ARG_ID(v) ((struct fm_sql_arg){FM_SQL_ARG_ID, (int64_t)(v), 0, 0})
#define FM_ARG_TEXT(s) ((struct fm_sql_arg){FM_SQL_ARG_TEXT, 0, (s), 0})
#define FM_ARG_BLOB(b, n) ((struct fm_sql_arg){FM_SQL_ARG_BLOB, 0, (b), (n)})
#define FM_ARG_NULL ((struct fm_sql_arg){FM_SQL_ARG_NULL, 0, 0, 0})
#define FM_ARG_SKIP ((struct fm_sql_arg){FM_SQL_ARG_SKIP, 0, 0, 0})
/* For a statement without parameters. */
#define FM_NO_ARGS ((struct fm_sql_arg){FM_SQL_ARG_END, 0, 0, 0})

/* The list the macros below pass: the arguments, then an end marker. */
#define FM_SQL_ARGS(...) ((const struct fm_sql_arg[]){__VA_ARGS__, FM_NO_ARGS})

/* --- column tables ------------------------------------------------- */

enum fm_sql_col_kind {
	FM_SQL_COL_END,
	FM_SQL_COL_INT,  /* an integer member of 1, 2, 4 or 8 bytes; NULL: 0 */
	FM_SQL_COL_BOOL, /* a bool member: any non-zero value is true */
	FM_SQL_COL_OPT,  /* an int64_t member; NULL: -1 (not known) */
	FM_SQL_COL_TEXT, /* a char array member, cut to fit; NULL: "" */
	FM_SQL_COL_SKIP, /* a column the struct does not keep */
};

struct fm_sql_col {
	enum fm_sql_col_kind kind;
	size_t offset, size;
};

#define FM_COL_(kind, type, member)                                            \
	{                                                                      \
		kind, offsetof(type, member), sizeof(((type *)0)->member)      \
	}
#define FM_COL_INT(type, member) FM_COL_(FM_SQL_COL_INT, type, member)
#define FM_COL_BOOL(type, member) FM_COL_(FM_SQL_COL_BOOL, type, member)
#define FM_COL_OPT(type, member) FM_COL_(FM_SQL_COL_OPT, type, member)
#define FM_COL_TEXT(type, member) FM_COL_(FM_SQL_COL_TEXT, type, member)
#define FM_COL_SKIP                                                            \
	{                                                                      \
		FM_SQL_COL_SKIP, 0, 0                                          \
	}
#define FM_COL_END                                                             \
	{                                                                      \
		FM_SQL_COL_END, 0, 0                                           \
	}

/* --- one-shot statements ------------------------------------------- */

enum fm_sql_found {
	FM_SQL_ERROR, /* the statement failed (logged) */
	FM_SQL_NONE,  /* no row */
	FM_SQL_FOUND, /* the first row was read */
};

/*
 * 'fm_sql_exec()' - run sql with its parameters to completion (an INSERT,
 * UPDATE or DELETE); true if it ran, false on any error.
 * fm_sql_changes() then tells how many rows it changed.
 * 'fm_sql_exec_args()' takes the parameters as an FM_SQL_ARGS() list.
 */
#define fm_sql_exec(store, sql, ...)                                           \
	fm_sql_exec_args(store, sql, FM_SQL_ARGS(__VA_ARGS__))
bool fm_sql_exec_args(
    fm_store_t *store, const char *sql, const struct fm_sql_arg *args);

/* 'fm_sql_changes()' - rows changed by the last INSERT, UPDATE or DELETE
 * on store. */
int64_t fm_sql_changes(fm_store_t *store);

/* 'fm_sql_last_id()' - the rowid of the last row inserted on store. */
int64_t fm_sql_last_id(fm_store_t *store);

/*
 * 'fm_sql_get()' - run sql and copy the first row's columns into out by
 * cols.  Only the members cols names are written, and only when a row
 * is found.
 */
#define fm_sql_get(store, sql, cols, out, ...)                                 \
	fm_sql_get_args(store, sql, cols, out, FM_SQL_ARGS(__VA_ARGS__))
enum fm_sql_found fm_sql_get_args(fm_store_t *store, const char *sql,
    const struct fm_sql_col *cols, void *out, const struct fm_sql_arg *args);

/*
 * 'fm_sql_int()' - run sql and read its first row's first column as an
 * integer into *out (NULL reads as 0; *out is left alone unless found).
 */
#define fm_sql_int(store, sql, out, ...)                                       \
	fm_sql_int_args(store, sql, out, FM_SQL_ARGS(__VA_ARGS__))
enum fm_sql_found fm_sql_int_args(fm_store_t *store, const char *sql,
    int64_t *out, const struct fm_sql_arg *args);

/* --- iterating rows ------------------------------------------------ */

struct fm_sql_rows {
	fm_store_t *store;
	sqlite3_stmt *st; /* the current row's columns, while next is true */
	int rc;
};

/*
 * 'fm_sql_open()' - start iterating the rows of sql.  False (logged) if
 * it cannot be prepared.  Either way, call fm_sql_next() while it
 * returns true and then fm_sql_close(), which tells whether all went
 * well ('fm_sql_open_args()' takes an FM_SQL_ARGS() list):
 *
 *	struct fm_sql_rows r;
 *	bool ok = fm_sql_open(&r, store, SQL, FM_ARG_TEXT(owner));
 *	while (ok && fm_sql_next(&r, job_cols, &job))
 *		ok = fn(&job, arg);
 *	return fm_sql_close(&r) && ok;
 */
#define fm_sql_open(rows, store, sql, ...)                                     \
	fm_sql_open_args(rows, store, sql, FM_SQL_ARGS(__VA_ARGS__))
bool fm_sql_open_args(struct fm_sql_rows *rows, fm_store_t *store,
    const char *sql, const struct fm_sql_arg *args);

/* 'fm_sql_next()' - step to the next row and copy it into the members
 * of out that cols names (cols NULL: read rows->st yourself).  True if
 * there is a row; false at the end, on an error (fm_sql_close() tells
 * which) or after a failed fm_sql_open(). */
bool fm_sql_next(
    struct fm_sql_rows *rows, const struct fm_sql_col *cols, void *out);

/* 'fm_sql_close()' - free the statement; true if the rows were read to
 * their end or the caller stopped early, false if a step or the open
 * failed. */
bool fm_sql_close(struct fm_sql_rows *rows);

/* --- columns and parameters of a raw statement ---------------------- */

/* 'fm_sql_bind()' - bind args to st's ?1, ?2, ...; false on an error. */
bool fm_sql_bind(sqlite3_stmt *st, const struct fm_sql_arg *args);

/* 'fm_sql_columns()' - copy the current row of st into out by cols. */
void fm_sql_columns(sqlite3_stmt *st, const struct fm_sql_col *cols, void *out);

/* 'fm_sql_text()' - column col of st's current row (borrowed until the
 * next step), "" for NULL. */
const char *fm_sql_text(sqlite3_stmt *st, int col);

#endif
