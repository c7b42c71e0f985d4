/*
 * privacy.c - anonymising old job records.
 */
#include "quota/privacy.h"

#include "quota/store-private.h"

bool
fm_privacy_anonymise(fm_store_t *store, int64_t cutoff, int64_t *count)
{
	sqlite3_stmt *st;
	int64_t n;

	if (store == NULL)
		return false;
	if (!fm_store_begin(store))
		return false;
	st = fm_store_prepare(store,
	    "UPDATE jobs SET title = '', host = ''"
	    " WHERE state IN ('released', 'deleted', 'expired')"
	    " AND coalesce(ended_at, created_at) < ?1"
	    " AND (title != '' OR host != '')");
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, cutoff);
	if (!fm_store_step_done(st))
		goto fail;
	n = sqlite3_changes(fm_store_db(store));
	st = fm_store_prepare(store,
	    "UPDATE documents SET name = '' WHERE name != '' AND job_id IN"
	    " (SELECT id FROM jobs WHERE state IN ('released', 'deleted',"
	    " 'expired') AND coalesce(ended_at, created_at) < ?1)");
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, cutoff);
	if (!fm_store_step_done(st) || !fm_store_commit(store))
		goto fail;
	if (count != NULL)
		*count = n;
	return true;
fail:
	fm_store_rollback(store);
	return false;
}
