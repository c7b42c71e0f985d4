/*
 * audit.h - the audit trail: every change an admin makes, kept in the
 * store (who, when, through what, what, before and after).
 *
 * A change and its entry are one transaction (fm_audit_change()): there
 * is no change without its entry, and no entry for a change that did not
 * happen.  The table refuses updates and deletes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_AUDIT_H
#define FM_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

#define FM_AUDIT_TEXTMAX 256

struct fm_audit_entry {
	int64_t id, at;
	char actor[FM_AUDIT_TEXTMAX]; /* the admin's login */
	char via[8];                  /* "web" or "admin" */
	char action[64];              /* "user.enable", "auth.unlock", ... */
	char target[FM_AUDIT_TEXTMAX];
	char before[FM_AUDIT_TEXTMAX], after[FM_AUDIT_TEXTMAX];
};

/*
 * 'fm_audit_change()' - in one transaction, run change(store, arg) and,
 * if it returns true, record e (its at and id are set here).  Returns
 * change's answer; false with nothing changed on a store error (then
 * *store_error is true, when not NULL).
 */
bool fm_audit_change(fm_store_t *store, struct fm_audit_entry *e,
    bool (*change)(fm_store_t *store, void *arg), void *arg, bool *store_error);

/* 'fm_audit_list()' - call fn for the newest entries, newest first, at
 * most limit of them after skipping offset; false on a store error. */
bool fm_audit_list(fm_store_t *store, int64_t offset, int64_t limit,
    bool (*fn)(const struct fm_audit_entry *e, void *arg), void *arg);

#endif
