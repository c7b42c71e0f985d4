/*
 * printers.c - the printer table.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "store/printers.h"

#include <string.h>

#include "common/name.h"
#include "store/sql.h"

bool
fm_printers_name_is_valid(const char *name)
{
	return fm_name_is_valid(name, FM_PRINTERS_NAMEMAX, NULL);
}

static bool
uri_ok(const char *uri)
{
	size_t len = uri ? strlen(uri) : 0;

	if (len == 0 || len >= FM_PRINTERS_URIMAX)
		return false;
	if (strncmp(uri, "ipp://", 6) == 0 || strncmp(uri, "ipps://", 7) == 0) {
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)uri[i] <= ' ' || uri[i] == 0x7f)
				return false;
		return strlen(uri + (uri[3] == 's' ? 7 : 6)) > 0;
	}
	return fm_printers_name_is_valid(uri);
}

bool
fm_printers_add(fm_store_t *store, const char *name, const char *uri,
    const char *location, const char **errstr)
{
	const char *dummy;

	if (errstr == NULL)
		errstr = &dummy;
	if (store == NULL || !fm_printers_name_is_valid(name)) {
		*errstr = "a printer name is 1 to 63 letters, digits, '.', '_' "
		          "or '-'";
		return false;
	}
	if (!uri_ok(uri)) {
		*errstr = "the destination must be a CUPS queue name or an "
		          "ipp:// or ipps:// URI";
		return false;
	}
	if (location != NULL && strlen(location) >= 128) {
		*errstr = "the location is too long";
		return false;
	}
	if (!fm_sql_exec(store,
	        "INSERT INTO printers (name, uri, location, created_at)"
	        " VALUES (?1, ?2, ?3, ?4)",
	        FM_ARG_TEXT(name), FM_ARG_TEXT(uri),
	        FM_ARG_TEXT(location ? location : ""),
	        FM_ARG_INT(fm_store_now(store)))) {
		*errstr = "that printer already exists";
		return false;
	}
	return true;
}

#define SELECT_PRINTER                                                         \
	"SELECT id, name, uri, location, created_at FROM printers"

#define C(kind, member) FM_COL_##kind(struct fm_printer, member)
static const struct fm_sql_col printer_cols[] = {C(INT, id), C(TEXT, name),
    C(TEXT, uri), C(TEXT, location), C(INT, created_at), FM_COL_END};
#undef C

bool
fm_printers_get(fm_store_t *store, const char *name, struct fm_printer *out)
{
	if (store == NULL || name == NULL || out == NULL)
		return false;
	return fm_sql_get(store, SELECT_PRINTER " WHERE name = ?1",
	           printer_cols, out, FM_ARG_TEXT(name)) == FM_SQL_FOUND;
}

bool
fm_printers_list(fm_store_t *store,
    bool (*fn)(const struct fm_printer *p, void *arg), void *arg)
{
	struct fm_sql_rows rows;
	struct fm_printer p;
	bool ok;

	if (store == NULL || fn == NULL)
		return false;
	ok = fm_sql_open(
	    &rows, store, SELECT_PRINTER " ORDER BY name", FM_NO_ARGS);
	while (ok && fm_sql_next(&rows, printer_cols, &p))
		ok = fn(&p, arg);
	return fm_sql_close(&rows) && ok;
}
