/*
 * aggregates.h - the ledger's per-day aggregates (tables ledger_days,
 * ledger_dept_days, ledger_dept_months, ledger_user_years and
 * ledger_job_days, schema migration 16 and the per-project one after
 * it): kept up to date in the transaction of every ledger append -- the
 * commits and refunds it appends are noted, and added just before its
 * COMMIT with one upsert per aggregate row they change; rebuilt and
 * checked against the ledger by followme-admin ledger
 * rebuild-aggregates and ledger verify.  What they hold and how exports
 * read them: quota/export.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_AGGREGATES_H
#define FM_AGGREGATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* A ledger row as the aggregates see it (strings borrowed). */
struct fm_aggregates_row {
	int64_t id, at, account_id, job_id; /* job_id 0: none */
	const char *kind, *dept, *user, *printer;
	int64_t amount;
	const int64_t *usage; /* mono s/d, colour s/d, sheets */
};

/* The rows a transaction appended, waiting to be added to the
 * aggregates at its end; zero-initialised before first use. */
struct fm_aggregates_note;
struct fm_aggregates_pending {
	struct fm_aggregates_note *notes;
	size_t n, cap;
};

/*
 * 'fm_aggregates_note()' - note row r (just appended to the ledger, in
 * the caller's transaction) for fm_aggregates_flush().  Rows other than
 * commits and refunds are not noted.  What the aggregates need from the
 * ledger (whether r is its job's first commit of the day) is read now.
 * False on a database error or out of memory, nothing noted.
 */
bool fm_aggregates_note(struct fm_aggregates_pending *p, fm_store_t *store,
    const struct fm_aggregates_row *r);

/*
 * 'fm_aggregates_flush()' - add the noted rows to the aggregates, in the
 * caller's transaction, before its COMMIT: one upsert per row of each
 * table they change, however many rows changed it.  p is empty after,
 * either way.  False on a database error (the transaction must then be
 * rolled back).
 */
bool fm_aggregates_flush(struct fm_aggregates_pending *p, fm_store_t *store);

/* 'fm_aggregates_undo()' - forget the rows noted after mark (a value of
 * p->n taken before), whose savepoint was rolled back. */
void fm_aggregates_undo(struct fm_aggregates_pending *p, size_t mark);

/* 'fm_aggregates_pending_free()' - forget every note and free p's
 * memory (p stays usable). */
void fm_aggregates_pending_free(struct fm_aggregates_pending *p);

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
	int64_t account_id; /* FM_AGGREGATES_DAYS, _JOB_DAYS; else 0 */
	int64_t job_id;     /* FM_AGGREGATES_JOB_DAYS; else 0 */
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
