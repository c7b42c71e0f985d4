/*
 * aggregates.h - the ledger's per-day aggregates (tables ledger_days,
 * ledger_dept_days, ledger_dept_months, ledger_user_years and
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
 * 'fm_aggregates_rebuild()' - recompute the tables from the ledger in
 * one transaction; *rows (may be NULL) receives the number of per-day
 * rows written.  False (reason in *errstr, may be NULL) on a database
 * error, the tables then unchanged.
 */
bool fm_aggregates_rebuild(
    fm_store_t *store, int64_t *rows, const char **errstr);

/* The tables: per day and group; per day and department, and per month
 * and department (the sums of the first); the days each user of a department
 * charged in a year; the days of the jobs charged on several days. */
enum fm_aggregates_table {
	FM_AGGREGATES_DAYS,
	FM_AGGREGATES_DEPT_DAYS,
	FM_AGGREGATES_DEPT_MONTHS,
	FM_AGGREGATES_USER_YEARS,
	FM_AGGREGATES_JOB_DAYS,
};

/* One difference between the stored aggregates and the ledger's: the
 * key of a row missing, extra or holding other figures. */
struct fm_aggregates_diff {
	enum fm_aggregates_table table;
	int64_t
	    day; /* YYYYMMDD, local; DEPT_MONTHS: YYYYMM; USER_YEARS: YYYY */
	const char *dept, *user, *printer; /* "" when not in the key */
	int64_t account_id;                /* FM_AGGREGATES_DAYS; else 0 */
	int64_t job_id;                    /* FM_AGGREGATES_JOB_DAYS; else 0 */
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
