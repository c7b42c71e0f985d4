/*
 * export.h - finance exports and usage reports from the ledger.
 *
 * Export columns (stable; documented in followme-admin(8)):
 *
 *   period_start, period_end, [user, full_name,] department_code,
 *   department_name, users, jobs, pages_mono, pages_colour, impressions,
 *   sheets, simplex_impressions, duplex_impressions, cost
 *
 * (user and full_name only with FM_EXPORT_BY_USER).  Rows are ordered by
 * department code (then user).  FM_EXPORT_BY_PROJECT has one column,
 * project (the project account's code: a project has no other name),
 * instead of the department's two, a row per project account that
 * commits or refunds were charged to in the period, ordered by code; its
 * users are the distinct users whose commits the project paid, its
 * figures those of the rows charged to the project only (a charge split
 * between a user and a project: the project's share of the amount, and
 * the page counts if its row is the charge's first, which carries them).
 * FM_EXPORT_BY_PRINTER has printer instead, for reports.
 *
 * cost is a decimal string ("12.40"): the commits less the refunds
 * stamped inside the period.  CSV follows RFC 4180 (CRLF line ends,
 * quotes doubled, UTF-8); a text cell beginning with =, +, -, @, tab or
 * CR is prefixed with ' so that spreadsheets do not run it as a
 * formula.  JSON has the same rows as objects with the
 * same keys.  For a closed period the output is byte-for-byte the same
 * every time: it depends only on ledger rows, which never change.
 *
 * Where the figures come from.  For a period of whole local days (the
 * admin's dates always are) an export reads the per-day aggregates, not
 * the ledger, and gives the same bytes as the GROUP BY over the ledger's
 * commit and refund rows stamped in [from, to) (fm_export_department_sql
 * and its siblings), which any other period still runs.  The aggregates
 * (schema migration 16 and the per-project one after it,
 * quota/aggregates.c) are:
 *
 *   ledger_days: one row per local day, department code, user, printer
 *   and paying account (user, department or project account) having a
 *   commit or refund row that day, with the sums of their page counts,
 *   sheets and amounts, the number of commit rows (commits), and four
 *   job counts: jobs_dept (resp. jobs_user, jobs_printer, jobs_account)
 *   counts the commit rows that are the first commit of their job that
 *   day within the same department (resp. department and user, printer,
 *   paying account; jobs_account since the per-project migration that
 *   follows 16, for the project report).  Summed
 *   over a group's rows of one day it is the number of distinct jobs
 *   committed in the group that day: a charge split over several commit
 *   rows (one per paying account) counts once.
 *
 *   ledger_dept_days: per local day and department, the sums of
 *   ledger_days (jobs: of jobs_dept), so that the department report
 *   reads one row per department and day whatever the number of users.
 *
 *   ledger_dept_months: the same per month and department (jobs: the
 *   commit rows that are the first of their job in the month and
 *   department), for the months a period holds whole: a year's report
 *   reads twelve rows per department.
 *
 *   ledger_user_years: per year, department and user, the days of the
 *   year (0-365) on which the user committed a charge in the department,
 *   as bits of six 64-bit words: one row per user and year.
 *
 *   ledger_job_days: for the rare job committed on more than one local
 *   day (a second release), every (job, day, department, user, printer,
 *   paying account) of its commits.
 *
 * users is count(DISTINCT user) over ledger_days rows with commits > 0
 * (exact, since user is part of the key); for the department report,
 * over the ledger_user_years rows whose days meet the period's (the
 * same users).  jobs is the sum of the per-day (per-month) job counts,
 * less, for each job of ledger_job_days committed in several days (or
 * whole months) of the period in the same group, their number less one:
 * exact as well.  A refund on a later day adds its amount (and any
 * page counts it carries) to that day and counts no user or job, as in
 * the ledger.  Allocations, reserves and adjustments are not in any
 * report and not in the aggregates.  Days are local dates in the time
 * zone of the process that appends (TZ), as the admin's dates are; the
 * two must agree, as they must for period close.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_EXPORT_H
#define FM_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store/store.h"

enum fm_export_by {
	FM_EXPORT_BY_DEPARTMENT,
	FM_EXPORT_BY_USER,
	FM_EXPORT_BY_PRINTER, /* reports only */
	FM_EXPORT_BY_PROJECT, /* project accounts' rows only */
};

enum fm_export_format { FM_EXPORT_CSV, FM_EXPORT_JSON, FM_EXPORT_TEXT };

struct fm_export_totals {
	int64_t rows, jobs, impressions, sheets, cost;
};

/*
 * 'fm_export_write()' - write the export of [from, to) grouped by, in
 * format, to f.  from_date and to_date are the inclusive dates printed in
 * the period columns.  *totals (may be NULL) receives the sums of the
 * rows written.  False on a database or write error.
 */
bool fm_export_write(fm_store_t *store, enum fm_export_by by, int64_t from,
    int64_t to, const char *from_date, const char *to_date,
    enum fm_export_format format, FILE *f, struct fm_export_totals *totals);

/*
 * 'fm_export_write_from()' - fm_export_write(), reading the ledger's rows
 * when from_ledger is true even for whole days (tests and benchmarks
 * compare both ways).
 */
bool fm_export_write_from(fm_store_t *store, enum fm_export_by by, int64_t from,
    int64_t to, const char *from_date, const char *to_date,
    enum fm_export_format format, FILE *f, struct fm_export_totals *totals,
    bool from_ledger);

/*
 * 'fm_export_whole_days()' - whether [from, to) is a period of whole
 * local days (from and to each the start of a local day, from <= to);
 * if so *day_from and *day_to (may be NULL) receive their dates as
 * YYYYMMDD.
 */
bool fm_export_whole_days(
    int64_t from, int64_t to, int64_t *day_from, int64_t *day_to);

/*
 * 'fm_export_csv_cell()' - write len bytes of s to f as one CSV cell:
 * quoted when it holds a comma, quote, CR or LF; neutralised with a
 * leading ' when text is true and it begins with =, +, -, @, tab or CR.
 */
void fm_export_csv_cell(FILE *f, const char *s, size_t len, bool text);

/* The SQL of the department export, for the benchmark's baseline (bind
 * ?1 = from, ?2 = to). */
extern const char fm_export_department_sql[];

#endif
