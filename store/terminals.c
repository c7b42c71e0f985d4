/*
 * terminals.c - release terminals: the SQL side.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "store/terminals.h"

#include <stdio.h>
#include <string.h>

#include "store/store-private.h"

static void
read_terminal(sqlite3_stmt *st, struct fm_terminal *t)
{
	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(st, 0);
	snprintf(t->name, sizeof(t->name), "%s",
	    (const char *)sqlite3_column_text(st, 1));
	snprintf(t->printer, sizeof(t->printer), "%s",
	    (const char *)sqlite3_column_text(st, 2));
	snprintf(t->cert_serial, sizeof(t->cert_serial), "%s",
	    (const char *)sqlite3_column_text(st, 3));
	t->created_at = sqlite3_column_int64(st, 4);
	t->removed_at = sqlite3_column_int64(st, 5);
}

bool
fm_terminals_add(fm_store_t *store, const char *name, const char *printer,
    const char *cert_serial, int64_t now)
{
	sqlite3_stmt *st;
	int rc;

	if (store == NULL || name == NULL || printer == NULL ||
	    cert_serial == NULL)
		return false;
	st = fm_store_prepare(store,
	    "INSERT INTO terminals (name, printer, cert_serial, created_at)"
	    " VALUES (?1, ?2, ?3, ?4)");
	if (st == NULL)
		return false;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, printer, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, cert_serial, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE;
}

bool
fm_terminals_remove(fm_store_t *store, const char *name, int64_t now)
{
	sqlite3_stmt *st;
	bool ok;

	st = fm_store_prepare(store,
	    "UPDATE terminals SET removed_at = ?2"
	    " WHERE name = ?1 AND removed_at IS NULL");
	if (st == NULL)
		return false;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	ok = sqlite3_step(st) == SQLITE_DONE &&
	    sqlite3_changes(fm_store_db(store)) == 1;
	sqlite3_finalize(st);
	return ok;
}

bool
fm_terminals_find_active(fm_store_t *store, const char *name,
    const char *cert_serial, struct fm_terminal *out)
{
	sqlite3_stmt *st;
	bool found = false;

	st = fm_store_prepare(store,
	    "SELECT id, name, printer, cert_serial, created_at,"
	    " coalesce(removed_at, 0) FROM terminals"
	    " WHERE name = ?1 AND cert_serial = ?2 AND removed_at IS NULL");
	if (st == NULL)
		return false;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, cert_serial, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		read_terminal(st, out);
		found = true;
	}
	sqlite3_finalize(st);
	return found;
}

bool
fm_terminals_list(fm_store_t *store, bool include_removed,
    bool (*fn)(const struct fm_terminal *t, void *arg), void *arg)
{
	struct fm_terminal t;
	sqlite3_stmt *st;
	bool ok = true;
	int rc;

	st = fm_store_prepare(store,
	    "SELECT id, name, printer, cert_serial, created_at,"
	    " coalesce(removed_at, 0) FROM terminals"
	    " WHERE ?1 OR removed_at IS NULL"
	    " ORDER BY removed_at IS NOT NULL, name, id");
	if (st == NULL)
		return false;
	sqlite3_bind_int(st, 1, include_removed);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_terminal(st, &t);
		if (!fn(&t, arg)) {
			ok = false;
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ok = false;
	sqlite3_finalize(st);
	return ok;
}
