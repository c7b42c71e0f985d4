/*
 * printers.c - the printer table.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "store/printers.h"

#include <string.h>

#include "common/i18n.h"
#include "common/name.h"
#include "common/utf8.h"
#include "store/sql.h"

bool
fm_printers_name_is_valid(const char *name)
{
	return fm_name_is_valid(name, FM_PRINTERS_NAMEMAX, NULL);
}

/* Why uri is no destination: FM_PRINTERS_FINE if it is one. */
static enum fm_printers_fault
uri_fault(const char *uri)
{
	size_t len = uri ? strlen(uri) : 0, scheme;

	if (len >= FM_PRINTERS_URIMAX)
		return FM_PRINTERS_URI_TOO_LONG;
	if (strncmp(uri ? uri : "", "ipp://", 6) != 0 &&
	    strncmp(uri ? uri : "", "ipps://", 7) != 0)
		return fm_printers_name_is_valid(uri) ? FM_PRINTERS_FINE
		                                      : FM_PRINTERS_BAD_URI;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)uri[i] <= ' ' || uri[i] == 0x7f)
			return FM_PRINTERS_URI_FORM;
	/* A host after the scheme: "ipp://" or "ipp:///x" names none. */
	scheme = uri[3] == 's' ? 7 : 6;
	return uri[scheme] != '\0' && uri[scheme] != '/' ? FM_PRINTERS_FINE
	                                                 : FM_PRINTERS_URI_FORM;
}

enum fm_printers_fault
fm_printers_check(const char *name, const char *uri, const char *location,
    const char **errstr)
{
	enum fm_printers_fault f = FM_PRINTERS_FINE;
	const char *why = NULL, *loc = location ? location : "";

	if (name != NULL && strlen(name) >= FM_PRINTERS_NAMEMAX) {
		f = FM_PRINTERS_NAME_TOO_LONG;
		why = N_("A printer's name is 63 characters at most.");
	} else if (!fm_printers_name_is_valid(name)) {
		f = FM_PRINTERS_BAD_NAME;
		why = N_("A printer's name is letters, digits, '.', '_' or "
		         "'-'.");
	} else if ((f = uri_fault(uri)) == FM_PRINTERS_URI_TOO_LONG)
		why = N_("The printer's address is 255 characters at most.");
	else if (f == FM_PRINTERS_BAD_URI)
		why = N_("The printer's address must be an ipp:// or ipps:// "
		         "URI, or the name of a CUPS queue of this server.");
	else if (f == FM_PRINTERS_URI_FORM)
		why = N_("The printer's URI needs a host after ipp:// or "
		         "ipps://, and no spaces.");
	else if (strlen(loc) >= FM_PRINTERS_LOCATIONMAX) {
		f = FM_PRINTERS_LOCATION_TOO_LONG;
		why = N_("The location is 127 bytes at most.");
	} else {
		/* Shown on labels and pages: text, on one line. */
		size_t len = strlen(loc);

		for (size_t i = 0; i < len;) {
			long cp;

			i += fm_utf8_next(
			    (const unsigned char *)loc + i, len - i, &cp);
			if (cp < ' ' || (cp >= 0x7f && cp < 0xa0)) {
				f = FM_PRINTERS_BAD_LOCATION;
				why = N_("The location is one line of text "
				         "(UTF-8), without control "
				         "characters.");
				break;
			}
		}
	}
	if (errstr != NULL)
		*errstr = why;
	return f;
}

bool
fm_printers_add(fm_store_t *store, const char *name, const char *uri,
    const char *location, const char **errstr)
{
	struct fm_printer p;
	const char *dummy;

	if (errstr == NULL)
		errstr = &dummy;
	if (fm_printers_check(name, uri, location, errstr) != FM_PRINTERS_FINE)
		return false;
	if (store == NULL) {
		*errstr = "no store";
		return false;
	}
	if (fm_printers_get(store, name, &p)) {
		*errstr = N_("A printer has that name already.");
		return false;
	}
	if (!fm_sql_exec(store,
	        "INSERT INTO printers (name, uri, location, created_at)"
	        " VALUES (?1, ?2, ?3, ?4)",
	        FM_ARG_TEXT(name), FM_ARG_TEXT(uri),
	        FM_ARG_TEXT(location ? location : ""),
	        FM_ARG_INT(fm_store_now(store)))) {
		*errstr = fm_store_last_error(store);
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
