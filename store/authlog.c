/*
 * authlog.c - failed logins: the SQL side.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "store/authlog.h"

#include <stddef.h>

#include "store/store-private.h"

static const char *
kind_name(enum fm_authlog_kind kind)
{
	return kind == FM_AUTHLOG_USER ? "user" : "terminal";
}

bool
fm_authlog_fail(
    fm_store_t *store, enum fm_authlog_kind kind, const char *key, int64_t now)
{
	sqlite3_stmt *st;
	int rc;

	st = fm_store_prepare(store,
	    "INSERT INTO auth_failures (kind, key, at) VALUES (?1, ?2, ?3)");
	if (st == NULL)
		return false;
	sqlite3_bind_text(st, 1, kind_name(kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE;
}

bool
fm_authlog_locked(fm_store_t *store, enum fm_authlog_kind kind, const char *key,
    int64_t now, int64_t window, int64_t max, int64_t *until)
{
	sqlite3_stmt *st;
	bool locked = false;

	/* The max-th newest failure decides: while it is inside the window,
	 * there were max failures within it. */
	st = fm_store_prepare(store,
	    "SELECT at FROM auth_failures WHERE kind = ?1 AND key = ?2"
	    " AND at > ?3 ORDER BY at DESC LIMIT 1 OFFSET ?4");
	if (st == NULL)
		return true; /* fail closed */
	sqlite3_bind_text(st, 1, kind_name(kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, now - window);
	sqlite3_bind_int64(st, 4, max - 1);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		locked = true;
		*until = sqlite3_column_int64(st, 0) + window;
		break;
	case SQLITE_DONE:
		break;
	default:
		locked = true;
		*until = now + window;
	}
	sqlite3_finalize(st);
	return locked;
}

int
fm_authlog_clear(fm_store_t *store, enum fm_authlog_kind kind, const char *key)
{
	sqlite3_stmt *st;
	int n = -1;

	st = fm_store_prepare(
	    store, "DELETE FROM auth_failures WHERE kind = ?1 AND key = ?2");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, kind_name(kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_DONE)
		n = sqlite3_changes(fm_store_db(store));
	sqlite3_finalize(st);
	return n;
}
