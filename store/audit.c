/*
 * audit.c - the audit trail: the SQL side.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "store/audit.h"

#include <stddef.h>
#include <time.h>

#include "store/sql.h"
#include "store/store-private.h"

bool
fm_audit_change(fm_store_t *store, struct fm_audit_entry *e,
    bool (*change)(fm_store_t *store, void *arg), void *arg, bool *store_error)
{
	bool changed;

	if (store_error != NULL)
		*store_error = false;
	/* A batch: a change that opens a transaction of its own (a new
	 * price list version, a department and its account) runs in a
	 * savepoint of this one. */
	if (store == NULL || e == NULL || change == NULL ||
	    !fm_store_batch_begin(store)) {
		if (store_error != NULL)
			*store_error = true;
		return false;
	}
	e->at = (int64_t)time(NULL);
	changed = change(store, arg);
	if (changed &&
	    (!fm_sql_exec(store,
	         "INSERT INTO audit (at, actor, via, action, target, before,"
	         " after) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	         FM_ARG_INT(e->at), FM_ARG_TEXT(e->actor), FM_ARG_TEXT(e->via),
	         FM_ARG_TEXT(e->action), FM_ARG_TEXT(e->target),
	         FM_ARG_TEXT(e->before), FM_ARG_TEXT(e->after)) ||
	        (e->id = fm_sql_last_id(store),
	            !fm_store_batch_end(store, false)))) {
		fm_store_batch_abort(store);
		if (store_error != NULL)
			*store_error = true;
		return false;
	}
	if (!changed)
		fm_store_batch_abort(store);
	return changed;
}

#define C(kind, member) FM_COL_##kind(struct fm_audit_entry, member)
static const struct fm_sql_col entry_cols[] = {C(INT, id), C(INT, at),
    C(TEXT, actor), C(TEXT, via), C(TEXT, action), C(TEXT, target),
    C(TEXT, before), C(TEXT, after), FM_COL_END};
#undef C

bool
fm_audit_list(fm_store_t *store, int64_t offset, int64_t limit,
    bool (*fn)(const struct fm_audit_entry *e, void *arg), void *arg)
{
	struct fm_sql_rows rows;
	struct fm_audit_entry e;
	bool ok;

	if (store == NULL || fn == NULL || offset < 0 || limit < 0)
		return false;
	ok = fm_sql_open(&rows, store,
	    "SELECT id, at, actor, via, action, target, before, after"
	    " FROM audit ORDER BY id DESC LIMIT ?1 OFFSET ?2",
	    FM_ARG_INT(limit), FM_ARG_INT(offset));
	while (ok && fm_sql_next(&rows, entry_cols, &e))
		ok = fn(&e, arg);
	return fm_sql_close(&rows) && ok;
}
