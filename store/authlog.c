/*
 * authlog.c - failed logins: the SQL side.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "store/authlog.h"

#include <stddef.h>

#include "store/sql.h"

static const char *
kind_name(enum fm_authlog_kind kind)
{
	return kind == FM_AUTHLOG_USER ? "user" : "terminal";
}

bool
fm_authlog_fail(
    fm_store_t *store, enum fm_authlog_kind kind, const char *key, int64_t now)
{
	return fm_sql_exec(store,
	    "INSERT INTO auth_failures (kind, key, at) VALUES (?1, ?2, ?3)",
	    FM_ARG_TEXT(kind_name(kind)), FM_ARG_TEXT(key), FM_ARG_INT(now));
}

bool
fm_authlog_locked(fm_store_t *store, enum fm_authlog_kind kind, const char *key,
    int64_t now, int64_t window, int64_t max, int64_t *until)
{
	int64_t at;

	/* The max-th newest failure decides: while it is inside the window,
	 * there were max failures within it. */
	switch (fm_sql_int(store,
	    "SELECT at FROM auth_failures WHERE kind = ?1 AND key = ?2"
	    " AND at > ?3 ORDER BY at DESC LIMIT 1 OFFSET ?4",
	    &at, FM_ARG_TEXT(kind_name(kind)), FM_ARG_TEXT(key),
	    FM_ARG_INT(now - window), FM_ARG_INT(max - 1))) {
	case FM_SQL_FOUND:
		*until = at + window;
		return true;
	case FM_SQL_NONE:
		return false;
	default:
		*until = now + window; /* fail closed */
		return true;
	}
}

int
fm_authlog_clear(fm_store_t *store, enum fm_authlog_kind kind, const char *key)
{
	if (!fm_sql_exec(store,
	        "DELETE FROM auth_failures WHERE kind = ?1 AND key = ?2",
	        FM_ARG_TEXT(kind_name(kind)), FM_ARG_TEXT(key)))
		return -1;
	return (int)fm_sql_changes(store);
}
