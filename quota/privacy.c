/*
 * privacy.c - anonymising old job records.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/privacy.h"

#include "store/sql.h"

/* Jobs per transaction: a year of records must not hold the store's
 * write lock (and every charge waiting on it) for long. */
#define BATCH 500

#define ENDED_BEFORE                                                           \
	" state IN ('released', 'deleted', 'expired')"                         \
	" AND coalesce(ended_at, created_at) < ?1"

/* The work of anonymise_batch(), inside its transaction. */
static bool
batch_in(fm_store_t *store, int64_t cutoff, int64_t after, int64_t *last,
    int64_t *changed)
{
	int64_t n;

	if (fm_sql_int(store,
	        "SELECT coalesce(max(id), ?2) FROM (SELECT id FROM jobs"
	        " WHERE id > ?2 AND" ENDED_BEFORE " ORDER BY id LIMIT ?3)",
	        last, FM_ARG_INT(cutoff), FM_ARG_INT(after),
	        FM_ARG_INT(BATCH)) == FM_SQL_ERROR)
		return false;
	if (!fm_sql_exec(store,
	        "UPDATE jobs SET title = '', host = '' WHERE id > ?2"
	        " AND id <= ?3 AND" ENDED_BEFORE
	        " AND (title != '' OR host != '')",
	        FM_ARG_INT(cutoff), FM_ARG_INT(after), FM_ARG_INT(*last)))
		return false;
	n = fm_sql_changes(store);
	if (!fm_sql_exec(store,
	        "UPDATE documents SET name = '' WHERE name != '' AND job_id IN"
	        " (SELECT id FROM jobs WHERE id > ?2 AND id <= ?3"
	        " AND" ENDED_BEFORE ")",
	        FM_ARG_INT(cutoff), FM_ARG_INT(after), FM_ARG_INT(*last)))
		return false;
	*changed += n;
	return true;
}

/* Anonymises the ended jobs with ids in (after, ...] up to BATCH of them
 * in one transaction: *last gets the highest id covered (after if none
 * is left), *changed adds the jobs whose title or host went. */
static bool
anonymise_batch(fm_store_t *store, int64_t cutoff, int64_t after, int64_t *last,
    int64_t *changed)
{
	int64_t n = 0;

	*last = after;
	if (!fm_store_begin(store))
		return false;
	if (!fm_store_end(store, batch_in(store, cutoff, after, last, &n)))
		return false;
	*changed += n;
	return true;
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
