/*
 * aggregates.h - the ledger's per-day aggregates (tables ledger_days and
 * ledger_job_days, schema migration 12): kept up to date by every ledger
 * append, in its transaction; rebuilt and checked against the ledger by
 * followme-admin ledger rebuild-aggregates and ledger verify.  What they
 * hold and how exports read them: quota/export.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_AGGREGATES_H
#define FM_AGGREGATES_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

/*
 * 'fm_aggregates_add()' - add ledger row id (of kind, for job_id, 0:
 * none) to the aggregates, inside the caller's transaction.  Rows other
 * than commits and refunds change nothing.  False on a database error.
 */
bool fm_aggregates_add(
    fm_store_t *store, int64_t id, const char *kind, int64_t job_id);

/*
 * 'fm_aggregates_rebuild()' - recompute both tables from the ledger in
 * one transaction; *rows (may be NULL) receives the number of per-day
 * rows written.  False (reason in *errstr, may be NULL) on a database
 * error, the tables then unchanged.
 */
bool fm_aggregates_rebuild(
    fm_store_t *store, int64_t *rows, const char **errstr);

/* One difference between the stored aggregates and the ledger's: a
 * per-day row (job 0) or a row of a job charged on several days. */
struct fm_aggregates_diff {
	int64_t day; /* YYYYMMDD, local */
	const char *dept, *user, *printer;
	int64_t account_id; /* per-day rows */
	int64_t job_id;     /* rows of jobs charged on several days; else 0 */
};

/*
 * 'fm_aggregates_verify()' - recompute the aggregates from the ledger in
 * one read transaction and call fn(d, arg) for each key whose stored row
 * is missing, extra or different (the strings are borrowed for the
 * call), in key order, until fn returns false.  *differences (may be
 * NULL) receives how many were found.  False on a database error.
 */
bool fm_aggregates_verify(fm_store_t *store,
    bool (*fn)(const struct fm_aggregates_diff *d, void *arg), void *arg,
    int64_t *differences);

#endif
