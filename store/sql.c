/*
 * sql.c - binding parameters, reading rows and columns (sql.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "store/sql.h"

#include <stdio.h>
#include <string.h>

#include "common/log.h"

bool
fm_sql_bind(sqlite3_stmt *st, const struct fm_sql_arg *args)
{
	int rc = SQLITE_OK;

	for (int i = 0;
	     args != NULL && args[i].kind != FM_SQL_ARG_END && rc == SQLITE_OK;
	     i++) {
		const struct fm_sql_arg *a = &args[i];

		switch (a->kind) {
		case FM_SQL_ARG_INT:
			rc = sqlite3_bind_int64(st, i + 1, a->i);
			break;
		case FM_SQL_ARG_ID:
			rc = a->i > 0 ? sqlite3_bind_int64(st, i + 1, a->i)
			              : sqlite3_bind_null(st, i + 1);
			break;
		case FM_SQL_ARG_TEXT:
			rc = a->p == NULL ? sqlite3_bind_null(st, i + 1)
			                  : sqlite3_bind_text(st, i + 1, a->p,
			                        -1, SQLITE_TRANSIENT);
			break;
		case FM_SQL_ARG_BLOB:
			rc = sqlite3_bind_blob(
			    st, i + 1, a->p, (int)a->len, SQLITE_TRANSIENT);
			break;
		case FM_SQL_ARG_NULL:
			rc = sqlite3_bind_null(st, i + 1);
			break;
		case FM_SQL_ARG_SKIP:
		case FM_SQL_ARG_END:
			break;
		}
	}
	if (rc != SQLITE_OK)
		fm_log_warn(
		    "store: cannot bind a parameter: %s", sqlite3_errstr(rc));
	return rc == SQLITE_OK;
}

const char *
fm_sql_text(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return s != NULL ? (const char *)s : "";
}

static void
store_int(void *dst, size_t size, int64_t v)
{
	/* Through fixed-width temporaries, so that the member's own type
	 * (bool, int, uint32_t, int64_t) gets the value, not its bytes. */
	switch (size) {
	case 1: {
		uint8_t b = (uint8_t)v;
		memcpy(dst, &b, 1);
		break;
	}
	case 2: {
		uint16_t h = (uint16_t)v;
		memcpy(dst, &h, 2);
		break;
	}
	case 4: {
		uint32_t w = (uint32_t)v;
		memcpy(dst, &w, 4);
		break;
	}
	default:
		memcpy(dst, &v, 8);
	}
}

/* Column col's text into dst (size bytes, terminated, cut if longer):
 * what snprintf("%s") did, without parsing a format for every row of a
 * large read. */
static void
copy_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const char *s = fm_sql_text(st, col);
	size_t n = (size_t)sqlite3_column_bytes(st, col);

	if (size == 0)
		return;
	if (n > size - 1)
		n = size - 1;
	n = strnlen(s, n);
	memcpy(dst, s, n);
	dst[n] = '\0';
}

void
fm_sql_columns(sqlite3_stmt *st, const struct fm_sql_col *cols, void *out)
{
	char *base = out;

	for (int i = 0; cols[i].kind != FM_SQL_COL_END; i++) {
		char *dst = base + cols[i].offset;

		switch (cols[i].kind) {
		case FM_SQL_COL_INT:
			store_int(
			    dst, cols[i].size, sqlite3_column_int64(st, i));
			break;
		case FM_SQL_COL_BOOL:
			*(bool *)dst = sqlite3_column_int64(st, i) != 0;
			break;
		case FM_SQL_COL_OPT:
			store_int(dst, cols[i].size,
			    sqlite3_column_type(st, i) == SQLITE_NULL
			        ? -1
			        : sqlite3_column_int64(st, i));
			break;
		case FM_SQL_COL_TEXT:
			copy_text(dst, cols[i].size, st, i);
			break;
		case FM_SQL_COL_SKIP:
		case FM_SQL_COL_END:
			break;
		}
	}
}

/* A cached statement with args bound, or NULL (logged). */
static sqlite3_stmt *
start(fm_store_t *store, const char *sql, const struct fm_sql_arg *args)
{
	sqlite3_stmt *st;

	if (store == NULL || (st = fm_store_cached(store, sql)) == NULL)
		return NULL;
	if (!fm_sql_bind(st, args)) {
		fm_store_release(store, st);
		return NULL;
	}
	return st;
}

static void
log_step_error(fm_store_t *store, int rc)
{
	/* A constraint is the caller's answer ("already exists"), not a
	 * fault worth a log line; nor is a read snapshot too old to write,
	 * which its caller does again (fm_store_begin_read()). */
	if ((rc & 0xff) != SQLITE_CONSTRAINT && rc != SQLITE_BUSY_SNAPSHOT)
		fm_log_warn("store: %s", fm_store_last_error(store));
}

bool
fm_sql_exec_args(
    fm_store_t *store, const char *sql, const struct fm_sql_arg *args)
{
	sqlite3_stmt *st = start(store, sql, args);
	int rc;

	if (st == NULL)
		return false;
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		log_step_error(store, rc);
	fm_store_release(store, st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

int64_t
fm_sql_changes(fm_store_t *store)
{
	return sqlite3_changes(fm_store_db(store));
}

int64_t
fm_sql_last_id(fm_store_t *store)
{
	return sqlite3_last_insert_rowid(fm_store_db(store));
}

enum fm_sql_found
fm_sql_get_args(fm_store_t *store, const char *sql,
    const struct fm_sql_col *cols, void *out, const struct fm_sql_arg *args)
{
	sqlite3_stmt *st = start(store, sql, args);
	enum fm_sql_found found;
	int rc;

	if (st == NULL)
		return FM_SQL_ERROR;
	switch ((rc = sqlite3_step(st))) {
	case SQLITE_ROW:
		/* The struct's size is not known here: the caller's
		 * table covers every member it cares about, and memset
		 * by the table's reach would miss padding. */
		fm_sql_columns(st, cols, out);
		found = FM_SQL_FOUND;
		break;
	case SQLITE_DONE:
		found = FM_SQL_NONE;
		break;
	default:
		log_step_error(store, rc);
		found = FM_SQL_ERROR;
	}
	fm_store_release(store, st);
	return found;
}

enum fm_sql_found
fm_sql_int_args(fm_store_t *store, const char *sql, int64_t *out,
    const struct fm_sql_arg *args)
{
	static const struct fm_sql_col col[] = {
	    {FM_SQL_COL_INT, 0, sizeof(int64_t)}, FM_COL_END};

	return fm_sql_get_args(store, sql, col, out, args);
}

bool
fm_sql_open_args(struct fm_sql_rows *rows, fm_store_t *store, const char *sql,
    const struct fm_sql_arg *args)
{
	memset(rows, 0, sizeof(*rows));
	rows->rc = SQLITE_ROW;
	if (store == NULL || (rows->st = fm_store_prepare(store, sql)) == NULL)
		return false;
	rows->store = store;
	if (!fm_sql_bind(rows->st, args)) {
		fm_sql_close(rows);
		return false;
	}
	return true;
}

bool
fm_sql_next(struct fm_sql_rows *rows, const struct fm_sql_col *cols, void *out)
{
	if (rows->st == NULL || rows->rc != SQLITE_ROW)
		return false;
	rows->rc = sqlite3_step(rows->st);
	if (rows->rc != SQLITE_ROW && rows->rc != SQLITE_DONE)
		log_step_error(rows->store, rows->rc);
	if (rows->rc != SQLITE_ROW)
		return false;
	if (cols != NULL)
		fm_sql_columns(rows->st, cols, out);
	return true;
}

bool
fm_sql_close(struct fm_sql_rows *rows)
{
	bool ok = rows->st != NULL &&
	    (rows->rc == SQLITE_ROW || rows->rc == SQLITE_DONE);

	sqlite3_finalize(rows->st);
	rows->st = NULL;
	return ok;
}
