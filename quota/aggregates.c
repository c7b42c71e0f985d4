/*
 * aggregates.c - per-day aggregates of the ledger: incremental update at
 * each append, rebuild and verification by recomputing from the ledger.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/aggregates.h"

#include <string.h>

#include "store/sql.h"

/* The local date of a UNIX time as YYYYMMDD.  SQLite's 'localtime' is
 * the C library's localtime_r(), the same clock as quota/period.c. */
#define DAY(t)                                                                 \
	"CAST(strftime('%Y%m%d', " t ", 'unixepoch', 'localtime') AS INTEGER)"
#define DAY_AT DAY("at")
#define DAY_L DAY("l.at")
#define DAY_P DAY("p.at")

/* A commit row is the first of its job on its day within a group when
 * no earlier commit of the job that day is in the same group; that row
 * counts the job once for the group's day (quota/export.h). */
#define FIRST(group)                                                           \
	"l.kind = 'commit' AND l.job_id IS NOT NULL AND NOT EXISTS ("          \
	"SELECT 1 FROM ledger p WHERE p.job_id = l.job_id"                     \
	" AND p.kind = 'commit' AND p.id < l.id AND " group " AND " DAY_P      \
	" = " DAY_L ")"

#define FIRST_DEPT FIRST("p.dept = l.dept")
#define FIRST_USER FIRST("p.dept = l.dept AND p.user = l.user")
#define FIRST_PRINTER FIRST("p.printer = l.printer")

/* What ledger_days should hold, computed from the whole ledger; the
 * same query as schema migration 12 fills the table with. */
#define EXPECTED_DAYS                                                          \
	"SELECT day, dept, user, printer, account_id, sum(kind = 'commit'),"   \
	" sum(fd), sum(fu), sum(fp), sum(mono_simplex), sum(mono_duplex),"     \
	" sum(colour_simplex), sum(colour_duplex), sum(sheets), sum(amount)"   \
	" FROM (SELECT *, kind = 'commit' AND job_id IS NOT NULL AND"          \
	" row_number() OVER (PARTITION BY job_id, kind, day, dept"             \
	" ORDER BY id) = 1 AS fd,"                                             \
	" kind = 'commit' AND job_id IS NOT NULL AND row_number() OVER"        \
	" (PARTITION BY job_id, kind, day, dept, user ORDER BY id) = 1 AS fu," \
	" kind = 'commit' AND job_id IS NOT NULL AND row_number() OVER"        \
	" (PARTITION BY job_id, kind, day, printer ORDER BY id) = 1 AS fp"     \
	" FROM (SELECT id, " DAY(                                              \
	    "at") " AS day, dept, user, printer,"                              \
	          " account_id, kind, job_id, mono_simplex, mono_duplex,"      \
	          " colour_simplex, colour_duplex, sheets, amount FROM ledger" \
	          " WHERE kind IN ('commit', 'refund')))"                      \
	          " GROUP BY day, dept, user, printer, account_id"

/* What ledger_job_days should hold: every (job, day, group) of the
 * commits of jobs committed on more than one local day. */
#define EXPECTED_JOB_DAYS                                                      \
	"WITH c AS (SELECT job_id, " DAY(                                      \
	    "at") " AS day, dept, user,"                                       \
	          " printer FROM ledger WHERE kind = 'commit' AND job_id IS "  \
	          "NOT NULL)"                                                  \
	          " SELECT DISTINCT * FROM c WHERE job_id IN (SELECT job_id "  \
	          "FROM c"                                                     \
	          " GROUP BY job_id HAVING min(day) < max(day))"

bool
fm_aggregates_add(
    fm_store_t *store, int64_t id, const char *kind, int64_t job_id)
{
	if (store == NULL || kind == NULL)
		return false;
	if (strcmp(kind, "commit") != 0 && strcmp(kind, "refund") != 0)
		return true;
	if (!fm_sql_exec(store,
	        "INSERT INTO ledger_days (day, dept, user, printer,"
	        " account_id, commits, jobs_dept, jobs_user, jobs_printer,"
	        " mono_simplex, mono_duplex, colour_simplex, colour_duplex,"
	        " sheets, amount)"
	        " SELECT " DAY_L ", l.dept, l.user, l.printer,"
	        " l.account_id, l.kind = 'commit', " FIRST_DEPT ", " FIRST_USER
	        ", " FIRST_PRINTER ","
	        " l.mono_simplex, l.mono_duplex, l.colour_simplex,"
	        " l.colour_duplex, l.sheets, l.amount FROM ledger l"
	        " WHERE l.id = ?1"
	        " ON CONFLICT (day, dept, user, printer, "
	        "account_id) DO UPDATE"
	        " SET commits = commits + excluded.commits,"
	        " jobs_dept = jobs_dept + excluded.jobs_dept,"
	        " jobs_user = jobs_user + excluded.jobs_user,"
	        " jobs_printer = jobs_printer + "
	        "excluded.jobs_printer,"
	        " mono_simplex = mono_simplex + "
	        "excluded.mono_simplex,"
	        " mono_duplex = mono_duplex + excluded.mono_duplex,"
	        " colour_simplex = colour_simplex + "
	        "excluded.colour_simplex,"
	        " colour_duplex = colour_duplex + "
	        "excluded.colour_duplex,"
	        " sheets = sheets + excluded.sheets,"
	        " amount = amount + excluded.amount",
	        FM_ARG_INT(id)))
		return false;
	if (strcmp(kind, "commit") != 0 || job_id <= 0)
		return true;
	/* A job committed again on another day: record every day and group
	 * of its commits, which exports subtract (quota/export.h).  A job
	 * has a few ledger rows, found by ledger_by_job. */
	return fm_sql_exec(store,
	    "INSERT OR IGNORE INTO ledger_job_days (job_id, day, dept, user,"
	    " printer) SELECT DISTINCT job_id, " DAY_AT ", dept, user,"
	    " printer FROM ledger WHERE job_id = ?1 AND kind = "
	    "'commit'"
	    " AND (SELECT min(" DAY_AT ") < max(" DAY_AT ") FROM ledger"
	    " WHERE job_id = ?1 AND kind = 'commit')",
	    FM_ARG_INT(job_id));
}

/* The work of fm_aggregates_rebuild(), inside its transaction. */
static bool
rebuild_in(fm_store_t *store, int64_t *rows)
{
	if (!fm_store_exec(store, "DELETE FROM ledger_days") ||
	    !fm_store_exec(store, "DELETE FROM ledger_job_days") ||
	    !fm_sql_exec(
	        store, "INSERT INTO ledger_days " EXPECTED_DAYS, FM_NO_ARGS))
		return false;
	*rows = fm_sql_changes(store);
	return fm_sql_exec(store,
	    "INSERT INTO ledger_job_days " EXPECTED_JOB_DAYS, FM_NO_ARGS);
}

bool
fm_aggregates_rebuild(fm_store_t *store, int64_t *rows, const char **errstr)
{
	const char *dummy;
	int64_t n = 0;
	bool ok;

	if (errstr == NULL)
		errstr = &dummy;
	if (store == NULL) {
		*errstr = "no store";
		return false;
	}
	if (!fm_store_begin(store)) {
		*errstr = "cannot lock the database";
		return false;
	}
	ok = rebuild_in(store, &n);
	if (!fm_store_end(store, ok)) {
		*errstr = ok ? "cannot commit" : "database error";
		return false;
	}
	if (rows != NULL)
		*rows = n;
	return true;
}

/* Calls fn for each row of a difference query (day, dept, user,
 * printer, account_id, job_id); false on a database error. */
static bool
each_diff(struct fm_sql_rows *rows,
    bool (*fn)(const struct fm_aggregates_diff *d, void *arg), void *arg,
    int64_t *count)
{
	bool more = true;

	while (fm_sql_next(rows, NULL, NULL)) {
		struct fm_aggregates_diff d = {
		    sqlite3_column_int64(rows->st, 0),
		    fm_sql_text(rows->st, 1),
		    fm_sql_text(rows->st, 2),
		    fm_sql_text(rows->st, 3),
		    sqlite3_column_int64(rows->st, 4),
		    sqlite3_column_int64(rows->st, 5),
		};

		++*count;
		if (more && fn != NULL)
			more = fn(&d, arg);
	}
	return fm_sql_close(rows);
}

/* The comparisons, inside fm_aggregates_verify()'s read transaction. */
static bool
verify_in(fm_store_t *store,
    bool (*fn)(const struct fm_aggregates_diff *d, void *arg), void *arg,
    int64_t *count)
{
	struct fm_sql_rows rows;

	/* A key is reported once whether its row is missing, extra or
	 * holds other sums: the union of both differences, keys only. */
	fm_sql_open(&rows, store,
	    "WITH e AS (" EXPECTED_DAYS ")"
	    " SELECT DISTINCT day, dept, user, printer, account_id, 0 FROM ("
	    "  SELECT * FROM (SELECT * FROM e EXCEPT"
	    "   SELECT * FROM ledger_days)"
	    "  UNION ALL SELECT * FROM (SELECT * FROM ledger_days EXCEPT"
	    "   SELECT * FROM e))"
	    " ORDER BY day, dept, user, printer, account_id",
	    FM_NO_ARGS);
	if (!each_diff(&rows, fn, arg, count))
		return false;
	fm_sql_open(&rows, store,
	    "WITH e AS (" EXPECTED_JOB_DAYS ")"
	    " SELECT DISTINCT day, dept, user, printer, 0, job_id FROM ("
	    "  SELECT * FROM (SELECT * FROM e EXCEPT"
	    "   SELECT * FROM ledger_job_days)"
	    "  UNION ALL SELECT * FROM (SELECT * FROM ledger_job_days EXCEPT"
	    "   SELECT * FROM e))"
	    " ORDER BY job_id, day, dept, user, printer",
	    FM_NO_ARGS);
	return each_diff(&rows, fn, arg, count);
}

bool
fm_aggregates_verify(fm_store_t *store,
    bool (*fn)(const struct fm_aggregates_diff *d, void *arg), void *arg,
    int64_t *differences)
{
	int64_t count = 0;
	bool ok;

	/* One snapshot of the ledger and the aggregates, even while
	 * followmed keeps charging. */
	if (store == NULL || !fm_store_exec(store, "BEGIN"))
		return false;
	ok = verify_in(store, fn, arg, &count);
	fm_store_exec(store, ok ? "COMMIT" : "ROLLBACK");
	if (ok && differences != NULL)
		*differences = count;
	return ok;
}
