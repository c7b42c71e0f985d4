/*
 * printers.h - the printers jobs are released to: a name, a CUPS queue
 * on this server or an ipp:// / ipps:// URI, and a location.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_PRINTERS_H
#define FM_PRINTERS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

#define FM_PRINTERS_NAMEMAX 64
#define FM_PRINTERS_URIMAX 256
#define FM_PRINTERS_LOCATIONMAX 128

struct fm_printer {
	int64_t id;
	char name[FM_PRINTERS_NAMEMAX];
	char uri[FM_PRINTERS_URIMAX]; /* queue name or ipp(s):// URI */
	char location[FM_PRINTERS_LOCATIONMAX];
	int64_t created_at;
};

/* 'fm_printers_name_is_valid()' - 1 to 63 letters, digits, '.', '_',
 * '-' (the rules of a CUPS queue name, tightened). */
bool fm_printers_name_is_valid(const char *name);

/* What is wrong with a printer to add, as fm_printers_check() says. */
enum fm_printers_fault {
	FM_PRINTERS_FINE,
	FM_PRINTERS_BAD_NAME, /* empty, or not the name rule's characters */
	FM_PRINTERS_NAME_TOO_LONG,
	FM_PRINTERS_BAD_URI,  /* not ipp://, ipps:// nor a queue name */
	FM_PRINTERS_URI_FORM, /* ipp(s):// with no host, or spaces */
	FM_PRINTERS_URI_TOO_LONG,
	FM_PRINTERS_BAD_LOCATION, /* control characters, or not UTF-8 */
	FM_PRINTERS_LOCATION_TOO_LONG,
};

/*
 * 'fm_printers_check()' - the checks of fm_printers_add() on its values
 * alone (followme-admin printer add, the web console's), without the
 * store: FM_PRINTERS_FINE, or the first fault with *errstr (if not NULL)
 * a static English sentence for people, marked for translation.  NULL
 * location is "".
 */
enum fm_printers_fault fm_printers_check(const char *name, const char *uri,
    const char *location, const char **errstr);

/*
 * 'fm_printers_add()' - add printer name printing to uri (a CUPS queue
 * name or an ipp:// or ipps:// URI) at location.  False with *errstr
 * (fm_printers_check()'s, "A printer has that name already.", or the
 * store's error) otherwise.
 */
bool fm_printers_add(fm_store_t *store, const char *name, const char *uri,
    const char *location, const char **errstr);

/* 'fm_printers_get()' - fill *out with printer name; false if none. */
bool fm_printers_get(
    fm_store_t *store, const char *name, struct fm_printer *out);

/* 'fm_printers_list()' - call fn for each printer by name. */
bool fm_printers_list(fm_store_t *store,
    bool (*fn)(const struct fm_printer *p, void *arg), void *arg);

#endif
