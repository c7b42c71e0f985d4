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

struct fm_printer {
	int64_t id;
	char name[FM_PRINTERS_NAMEMAX];
	char uri[FM_PRINTERS_URIMAX]; /* queue name or ipp(s):// URI */
	char location[128];
	int64_t created_at;
};

/* 'fm_printers_name_is_valid()' - 1 to 63 letters, digits, '.', '_',
 * '-' (the rules of a CUPS queue name, tightened). */
bool fm_printers_name_is_valid(const char *name);

/*
 * 'fm_printers_add()' - add printer name printing to uri (a CUPS queue
 * name or an ipp:// or ipps:// URI) at location.  False with *errstr on
 * bad values or a duplicate.
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
