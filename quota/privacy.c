/*
 * privacy.c - anonymising old job records.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/privacy.h"

#include "store/store-private.h"

/* Jobs per transaction: a year of records must not hold the store's
 * write lock (and every charge waiting on it) for long. */
#define BATCH 500

#define ENDED_BEFORE                                                           \
	" state IN ('released', 'deleted', 'expired')"                         \
	" AND coalesce(ended_at, created_at) < ?1"

/* Runs an UPDATE over the ended jobs with ids in (after, last]: sql
 * binds ?1 cutoff, ?2 after, ?3 last.  Its changes, or -1. */
static int64_t
update_range(fm_store_t *store, const char *sql, int64_t cutoff, int64_t after,
    int64_t last)
{
	sqlite3_stmt *st = fm_store_prepare(store, sql);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, cutoff);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int64(st, 3, last);
	if (!fm_store_step_done(st))
		return -1;
	return sqlite3_changes(fm_store_db(store));
}

/* Anonymises the ended jobs with ids in (after, ...] up to BATCH of them
 * in one transaction: *last gets the highest id covered (after if none
 * is left), *changed adds the jobs whose title or host went. */
static bool
anonymise_batch(fm_store_t *store, int64_t cutoff, int64_t after, int64_t *last,
    int64_t *changed)
{
	sqlite3_stmt *st;
	int64_t n;

	*last = after;
	if (!fm_store_begin(store))
		return false;
	st = fm_store_prepare(store,
	    "SELECT coalesce(max(id), ?2) FROM (SELECT id FROM jobs"
	    " WHERE id > ?2 AND" ENDED_BEFORE " ORDER BY id LIMIT ?3)");
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, cutoff);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int(st, 3, BATCH);
	if (sqlite3_step(st) == SQLITE_ROW)
		*last = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	n = update_range(store,
	    "UPDATE jobs SET title = '', host = '' WHERE id > ?2 AND id <= ?3"
	    " AND" ENDED_BEFORE " AND (title != '' OR host != '')",
	    cutoff, after, *last);
	if (n < 0 ||
	    update_range(store,
	        "UPDATE documents SET name = '' WHERE name != '' AND job_id IN"
	        " (SELECT id FROM jobs WHERE id > ?2 AND id <= ?3"
	        " AND" ENDED_BEFORE ")",
	        cutoff, after, *last) < 0 ||
	    !fm_store_commit(store))
		goto fail;
	*changed += n;
	return true;
fail:
	fm_store_rollback(store);
	return false;
}

bool
fm_privacy_anonymise(fm_store_t *store, int64_t cutoff, int64_t *count)
{
	int64_t after = 0, last, n = 0;

	if (store == NULL)
		return false;
	for (;;) {
		if (!anonymise_batch(store, cutoff, after, &last, &n))
			return false;
		if (last == after)
			break;
		after = last;
	}
	if (count != NULL)
		*count = n;
	return true;
}
