/*
 * printers.c - the printer table.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "store/printers.h"

#include <string.h>

#include "store/store-private.h"

bool
fm_printers_name_is_valid(const char *name)
{
	size_t len;

	if (name == NULL || (len = strlen(name)) == 0 ||
	    len >= FM_PRINTERS_NAMEMAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		        (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		        c == '-'))
			return false;
	}
	return true;
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
	sqlite3_stmt *st;

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
	st = fm_store_prepare(store,
	    "INSERT INTO printers (name, uri, location, created_at)"
	    " VALUES (?1, ?2, ?3, ?4)");
	if (st == NULL) {
		*errstr = "database error";
		return false;
	}
	fm_store_bind_text(st, 1, name);
	fm_store_bind_text(st, 2, uri);
	fm_store_bind_text(st, 3, location ? location : "");
	sqlite3_bind_int64(st, 4, fm_store_now(store));
	if (!fm_store_step_done(st)) {
		*errstr = "that printer already exists";
		return false;
	}
	return true;
}

static void
read_printer(sqlite3_stmt *st, struct fm_printer *out)
{
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(st, 0);
	fm_store_copy_text(out->name, sizeof(out->name), st, 1);
	fm_store_copy_text(out->uri, sizeof(out->uri), st, 2);
	fm_store_copy_text(out->location, sizeof(out->location), st, 3);
	out->created_at = sqlite3_column_int64(st, 4);
}

bool
fm_printers_get(fm_store_t *store, const char *name, struct fm_printer *out)
{
	sqlite3_stmt *st;
	bool found = false;

	if (store == NULL || name == NULL || out == NULL)
		return false;
	st = fm_store_prepare(store,
	    "SELECT id, name, uri, location, created_at FROM printers"
	    " WHERE name = ?1");
	if (st == NULL)
		return false;
	fm_store_bind_text(st, 1, name);
	if (sqlite3_step(st) == SQLITE_ROW) {
		read_printer(st, out);
		found = true;
	}
	sqlite3_finalize(st);
	return found;
}

bool
fm_printers_list(fm_store_t *store,
    bool (*fn)(const struct fm_printer *p, void *arg), void *arg)
{
	struct fm_printer p;
	sqlite3_stmt *st;
	bool ok = true;
	int rc;

	if (store == NULL || fn == NULL)
		return false;
	st = fm_store_prepare(store,
	    "SELECT id, name, uri, location, created_at FROM printers"
	    " ORDER BY name");
	if (st == NULL)
		return false;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_printer(st, &p);
		if (!fn(&p, arg)) {
			ok = false;
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ok = false;
	sqlite3_finalize(st);
	return ok;
}
