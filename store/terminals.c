/*
 * terminals.c - release terminals: the SQL side.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "store/terminals.h"

#include <stdio.h>
#include <string.h>

#include "store/sql.h"

#define SELECT_TERMINAL                                                        \
	"SELECT id, name, printer, cert_serial, created_at,"                   \
	" coalesce(removed_at, 0), web, connected, last_seen, protocol"        \
	" FROM terminals"

#define C(kind, member) FM_COL_##kind(struct fm_terminal, member)
static const struct fm_sql_col terminal_cols[] = {C(INT, id), C(TEXT, name),
    C(TEXT, printer), C(TEXT, cert_serial), C(INT, created_at),
    C(INT, removed_at), C(BOOL, web), C(BOOL, connected), C(INT, last_seen),
    C(INT, protocol), FM_COL_END};
#undef C

bool
fm_terminals_add(fm_store_t *store, const char *name, const char *printer,
    const char *cert_serial, int64_t now)
{
	if (store == NULL || name == NULL || printer == NULL ||
	    cert_serial == NULL)
		return false;
	return fm_sql_exec(store,
	    "INSERT INTO terminals (name, printer, cert_serial, created_at)"
	    " VALUES (?1, ?2, ?3, ?4)",
	    FM_ARG_TEXT(name), FM_ARG_TEXT(printer), FM_ARG_TEXT(cert_serial),
	    FM_ARG_INT(now));
}

bool
fm_terminals_add_web(
    fm_store_t *store, const char *name, const char *cert_serial, int64_t now)
{
	if (store == NULL || name == NULL || cert_serial == NULL)
		return false;
	return fm_sql_exec(store,
	    "INSERT INTO terminals (name, printer, cert_serial, created_at, "
	    "web)"
	    " VALUES (?1, '', ?2, ?3, 1)",
	    FM_ARG_TEXT(name), FM_ARG_TEXT(cert_serial), FM_ARG_INT(now));
}

bool
fm_terminals_remove(fm_store_t *store, const char *name, int64_t now)
{
	return fm_sql_exec(store,
	           "UPDATE terminals SET removed_at = ?2"
	           " WHERE name = ?1 AND removed_at IS NULL",
	           FM_ARG_TEXT(name), FM_ARG_INT(now)) &&
	    fm_sql_changes(store) == 1;
}

bool
fm_terminals_find_active(fm_store_t *store, const char *name,
    const char *cert_serial, struct fm_terminal *out)
{
	memset(out, 0, sizeof(*out));
	return fm_sql_get(store,
	           SELECT_TERMINAL " WHERE name = ?1 AND cert_serial = ?2"
	                           " AND removed_at IS NULL",
	           terminal_cols, out, FM_ARG_TEXT(name),
	           FM_ARG_TEXT(cert_serial)) == FM_SQL_FOUND;
}

enum fm_terminal_state
fm_terminals_state(fm_store_t *store, int64_t id)
{
	int64_t one;

	if (store == NULL)
		return FM_TERMINAL_UNKNOWN;
	switch (fm_sql_int(store,
	    "SELECT 1 FROM terminals WHERE id = ?1 AND removed_at IS NULL",
	    &one, FM_ARG_INT(id))) {
	case FM_SQL_FOUND:
		return FM_TERMINAL_ACTIVE;
	case FM_SQL_NONE:
		return FM_TERMINAL_REMOVED;
	case FM_SQL_ERROR:
		break;
	}
	return FM_TERMINAL_UNKNOWN;
}

bool
fm_terminals_list(fm_store_t *store, bool include_removed,
    bool (*fn)(const struct fm_terminal *t, void *arg), void *arg)
{
	struct fm_sql_rows rows;
	struct fm_terminal t;
	bool ok = fm_sql_open(&rows, store,
	    SELECT_TERMINAL " WHERE ?1 OR removed_at IS NULL"
	                    " ORDER BY removed_at IS NOT NULL, name, id",
	    FM_ARG_INT(include_removed));

	while (ok && fm_sql_next(&rows, terminal_cols, &t))
		ok = fn(&t, arg);
	return fm_sql_close(&rows) && ok;
}

bool
fm_terminals_seen(fm_store_t *store, int64_t id, bool connected,
    int64_t protocol, int64_t now)
{
	return fm_sql_exec(store,
	    "UPDATE terminals SET connected = ?2, last_seen = ?3,"
	    " protocol = CASE WHEN ?4 > 0 THEN ?4 ELSE protocol END"
	    " WHERE id = ?1",
	    FM_ARG_INT(id), FM_ARG_INT(connected ? 1 : 0), FM_ARG_INT(now),
	    FM_ARG_INT(protocol));
}

bool
fm_terminals_all_gone(fm_store_t *store)
{
	return fm_sql_exec(store,
	    "UPDATE terminals SET connected = 0 WHERE connected = ?1",
	    FM_ARG_INT(1));
}
