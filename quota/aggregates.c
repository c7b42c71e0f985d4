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
/* The day of the year (0-365) of a YYYYMMDD day. */
#define DOY_OF_DAY                                                             \
	"CAST(strftime('%j', printf('%04d-%02d-%02d', day / 10000,"            \
	" day / 100 % 100, day % 100)) AS INTEGER) - 1"

/* A commit row is the first of its job on its day within a group when
 * no earlier commit of the job that day is in the same group; that row
 * counts the job once for the group's day (quota/export.h). */
#define FIRST(group)                                                           \
	"l.kind = 'commit' AND l.job_id IS NOT NULL AND NOT EXISTS ("          \
	"SELECT 1 FROM ledger p WHERE p.job_id = l.job_id"                     \
	" AND p.kind = 'commit' AND p.id < l.id AND " group " AND " DAY_P      \
	" = " DAY_L ")"

#define FIRST_DEPT FIRST("p.dept = l.dept")
#define FIRST_MONTH                                                            \
	"l.kind = 'commit' AND l.job_id IS NOT NULL AND NOT EXISTS ("          \
	"SELECT 1 FROM ledger p WHERE p.job_id = l.job_id"                     \
	" AND p.kind = 'commit' AND p.id < l.id AND p.dept = l.dept"           \
	" AND " DAY_P " / 100 = " DAY_L " / 100)"
#define FIRST_USER FIRST("p.dept = l.dept AND p.user = l.user")
#define FIRST_PRINTER FIRST("p.printer = l.printer")

/* What ledger_days should hold, computed from the whole ledger; the
 * same query as schema migration 12 fills the table with. */
#define EXPECTED_DAYS                                                          \
	"SELECT day, dept, user, printer, account_id,"                         \
	" sum(kind = 'commit') AS commits, sum(fd) AS jobs_dept,"              \
	" sum(fu) AS jobs_user, sum(fp) AS jobs_printer,"                      \
	" sum(fm) AS jobs_month,"                                              \
	" sum(mono_simplex) AS mono_simplex, sum(mono_duplex) AS mono_duplex," \
	" sum(colour_simplex) AS colour_simplex,"                              \
	" sum(colour_duplex) AS colour_duplex, sum(sheets) AS sheets,"         \
	" sum(amount) AS amount"                                               \
	" FROM (SELECT *, kind = 'commit' AND job_id IS NOT NULL AND"          \
	" row_number() OVER (PARTITION BY job_id, kind, day, dept"             \
	" ORDER BY id) = 1 AS fd,"                                             \
	" kind = 'commit' AND job_id IS NOT NULL AND row_number() OVER"        \
	" (PARTITION BY job_id, kind, day, dept, user ORDER BY id) = 1 AS fu," \
	" kind = 'commit' AND job_id IS NOT NULL AND row_number() OVER"        \
	" (PARTITION BY job_id, kind, day, printer ORDER BY id) = 1 AS fp,"    \
	" kind = 'commit' AND job_id IS NOT NULL AND row_number() OVER"        \
	" (PARTITION BY job_id, kind, day / 100, dept ORDER BY id) = 1 AS fm"  \
	" FROM (SELECT id, " DAY_AT " AS day, dept, user, printer,"            \
	" account_id, kind, job_id, mono_simplex, mono_duplex,"                \
	" colour_simplex, colour_duplex, sheets, amount FROM ledger"           \
	" WHERE kind IN ('commit', 'refund')))"                                \
	" GROUP BY day, dept, user, printer, account_id"

/* ledger_dept_days and ledger_user_years are functions of ledger_days
 * (days, a table of its shape). */
#define EXPECTED_DEPT_DAYS(days)                                               \
	"SELECT day, dept, sum(jobs_dept), sum(mono_simplex),"                 \
	" sum(mono_duplex), sum(colour_simplex), sum(colour_duplex),"          \
	" sum(sheets), sum(amount) FROM " days " GROUP BY day, dept"

#define EXPECTED_DEPT_MONTHS(days)                                             \
	"SELECT day / 100 AS month, dept, sum(jobs_month), sum(mono_simplex)," \
	" sum(mono_duplex), sum(colour_simplex), sum(colour_duplex),"          \
	" sum(sheets), sum(amount) FROM " days " GROUP BY day / 100, dept"

/* Bit d of a year's words: each (dept, user, day) once, so that the
 * sum of the bits is their OR. */
#define EXPECTED_USER_YEARS(days)                                              \
	"SELECT day / 10000 AS year, dept, user,"                              \
	" sum(CASE WHEN d / 64 = 0 THEN 1 << d % 64 ELSE 0 END),"              \
	" sum(CASE WHEN d / 64 = 1 THEN 1 << d % 64 ELSE 0 END),"              \
	" sum(CASE WHEN d / 64 = 2 THEN 1 << d % 64 ELSE 0 END),"              \
	" sum(CASE WHEN d / 64 = 3 THEN 1 << d % 64 ELSE 0 END),"              \
	" sum(CASE WHEN d / 64 = 4 THEN 1 << d % 64 ELSE 0 END),"              \
	" sum(CASE WHEN d / 64 = 5 THEN 1 << d % 64 ELSE 0 END)"               \
	" FROM (SELECT DISTINCT day, dept, user, " DOY_OF_DAY " AS d"          \
	" FROM " days " WHERE commits > 0) GROUP BY day / 10000, dept, "       \
	"user"

/* What ledger_job_days should hold: every (job, day, group) of the
 * commits of jobs committed on more than one local day. */
#define EXPECTED_JOB_DAYS                                                      \
	"WITH c AS (SELECT job_id, " DAY_AT " AS day, dept, user, printer"     \
	" FROM ledger WHERE kind = 'commit' AND job_id IS NOT NULL)"           \
	" SELECT DISTINCT * FROM c WHERE job_id IN (SELECT job_id FROM c"      \
	" GROUP BY job_id HAVING min(day) < max(day))"

/* The sums a commit or refund row adds, after its key columns. */
#define SUMS                                                                   \
	" l.mono_simplex, l.mono_duplex, l.colour_simplex, l.colour_duplex,"   \
	" l.sheets, l.amount FROM ledger l WHERE l.id = ?1"
#define ADD_SUMS                                                               \
	" mono_simplex = mono_simplex + excluded.mono_simplex,"                \
	" mono_duplex = mono_duplex + excluded.mono_duplex,"                   \
	" colour_simplex = colour_simplex + excluded.colour_simplex,"          \
	" colour_duplex = colour_duplex + excluded.colour_duplex,"             \
	" sheets = sheets + excluded.sheets, amount = amount + "               \
	"excluded.amount"

/* The day of the year of row l, and the bit of word n it sets. */
#define DOY_L                                                                  \
	"(CAST(strftime('%j', l.at, 'unixepoch', 'localtime') AS INTEGER) - "  \
	"1)"
#define BIT(n) "CASE WHEN d / 64 = " n " THEN 1 << d % 64 ELSE 0 END"
#define BITS                                                                   \
	BIT("0")                                                               \
	", " BIT("1") ", " BIT("2") ", " BIT("3") ", " BIT("4") ", " BIT("5")

/* The work of fm_aggregates_add() for a commit or refund row. */
static bool
add_row(fm_store_t *store, int64_t id, bool commit, int64_t job_id)
{
	if (!fm_sql_exec(store,
	        "INSERT INTO ledger_days (day, dept, user, printer,"
	        " account_id, commits, jobs_dept, jobs_user, jobs_printer,"
	        " jobs_month,"
	        " mono_simplex, mono_duplex, colour_simplex, colour_duplex,"
	        " sheets, amount)"
	        " SELECT " DAY_L ", l.dept, l.user, l.printer, l.account_id,"
	        " l.kind = 'commit', " FIRST_DEPT ", " FIRST_USER
	        ", " FIRST_PRINTER ", " FIRST_MONTH "," SUMS
	        " ON CONFLICT (day, dept, user, printer, account_id)"
	        " DO UPDATE SET commits = commits + excluded.commits,"
	        " jobs_dept = jobs_dept + excluded.jobs_dept,"
	        " jobs_user = jobs_user + excluded.jobs_user,"
	        " jobs_printer = jobs_printer + excluded.jobs_printer,"
	        " jobs_month = jobs_month + excluded.jobs_month," ADD_SUMS,
	        FM_ARG_INT(id)) ||
	    !fm_sql_exec(store,
	        "INSERT INTO ledger_dept_days (day, dept, jobs, mono_simplex,"
	        " mono_duplex, colour_simplex, colour_duplex, sheets, amount)"
	        " SELECT " DAY_L ", l.dept, " FIRST_DEPT "," SUMS
	        " ON CONFLICT (day, dept) DO UPDATE"
	        " SET jobs = jobs + excluded.jobs," ADD_SUMS,
	        FM_ARG_INT(id)) ||
	    !fm_sql_exec(store,
	        "INSERT INTO ledger_dept_months (month, dept, jobs,"
	        " mono_simplex, mono_duplex, colour_simplex, colour_duplex,"
	        " sheets, amount)"
	        " SELECT " DAY_L " / 100, l.dept, " FIRST_MONTH "," SUMS
	        " ON CONFLICT (month, dept) DO UPDATE"
	        " SET jobs = jobs + excluded.jobs," ADD_SUMS,
	        FM_ARG_INT(id)))
		return false;
	if (!commit)
		return true;
	if (!fm_sql_exec(store,
	        "INSERT INTO ledger_user_years (year, dept, user, w0, w1, w2,"
	        " w3, w4, w5) SELECT y, dept, user, " BITS
	        " FROM (SELECT " DAY_L " / 10000 AS y, l.dept, l.user,"
	        " " DOY_L " AS d FROM ledger l WHERE l.id = ?1) WHERE 1"
	        " ON CONFLICT (year, dept, user) DO UPDATE"
	        " SET w0 = w0 | excluded.w0, w1 = w1 | excluded.w1,"
	        " w2 = w2 | excluded.w2, w3 = w3 | excluded.w3,"
	        " w4 = w4 | excluded.w4, w5 = w5 | excluded.w5",
	        FM_ARG_INT(id)))
		return false;
	if (job_id <= 0)
		return true;
	/* A job committed again on another day: record every day and group
	 * of its commits, which exports subtract (quota/export.h).  A job
	 * has a few ledger rows, found by ledger_by_job. */
	return fm_sql_exec(store,
	    "INSERT OR IGNORE INTO ledger_job_days (job_id, day, dept, user,"
	    " printer) SELECT DISTINCT job_id, " DAY_AT ", dept, user, printer"
	    " FROM ledger WHERE job_id = ?1 AND kind = 'commit'"
	    " AND (SELECT min(" DAY_AT ") < max(" DAY_AT ") FROM ledger"
	    " WHERE job_id = ?1 AND kind = 'commit')",
	    FM_ARG_INT(job_id));
}

bool
fm_aggregates_add(
    fm_store_t *store, int64_t id, const char *kind, int64_t job_id)
{
	if (store == NULL || kind == NULL)
		return false;
	if (strcmp(kind, "commit") == 0)
		return add_row(store, id, true, job_id);
	if (strcmp(kind, "refund") == 0)
		return add_row(store, id, false, job_id);
	return true;
}

/* The work of fm_aggregates_rebuild(), inside its transaction. */
static bool
rebuild_in(fm_store_t *store, int64_t *rows)
{
	if (!fm_store_exec(store, "DELETE FROM ledger_days") ||
	    !fm_store_exec(store, "DELETE FROM ledger_dept_days") ||
	    !fm_store_exec(store, "DELETE FROM ledger_dept_months") ||
	    !fm_store_exec(store, "DELETE FROM ledger_user_years") ||
	    !fm_store_exec(store, "DELETE FROM ledger_job_days") ||
	    !fm_sql_exec(
	        store, "INSERT INTO ledger_days " EXPECTED_DAYS, FM_NO_ARGS))
		return false;
	*rows = fm_sql_changes(store);
	return fm_sql_exec(store,
	           "INSERT INTO ledger_dept_days " EXPECTED_DEPT_DAYS(
	               "ledger_days"),
	           FM_NO_ARGS) &&
	    fm_sql_exec(store,
	        "INSERT INTO ledger_dept_months "
	        "" EXPECTED_DEPT_MONTHS("ledger_days"),
	        FM_NO_ARGS) &&
	    fm_sql_exec(store,
	        "INSERT INTO ledger_user_years " EXPECTED_USER_YEARS(
	            "ledger_days"),
	        FM_NO_ARGS) &&
	    fm_sql_exec(store, "INSERT INTO ledger_job_days " EXPECTED_JOB_DAYS,
	        FM_NO_ARGS);
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
 * printer, account_id, job_id) of table; false on a database error. */
static bool
each_diff(struct fm_sql_rows *rows, enum fm_aggregates_table table,
    bool (*fn)(const struct fm_aggregates_diff *d, void *arg), void *arg,
    int64_t *count)
{
	bool more = true;

	while (fm_sql_next(rows, NULL, NULL)) {
		struct fm_aggregates_diff d = {
		    table,
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

/* The keys of table's rows that are missing, extra or hold other
 * figures than expected (a CTE e): the union of both differences. */
#define DIFF(table, keys, order)                                               \
	" SELECT DISTINCT " keys " FROM ("                                     \
	" SELECT * FROM (SELECT * FROM e EXCEPT SELECT * FROM " table ")"      \
	" UNION ALL SELECT * FROM (SELECT * FROM " table                       \
	" EXCEPT SELECT * FROM e)) ORDER BY " order

/* The comparisons, inside fm_aggregates_verify()'s read transaction,
 * each table against what the ledger gives (per-day rows computed once,
 * into a temporary table), so that a tampered table is reported alone. */
static bool
verify_in(fm_store_t *store,
    bool (*fn)(const struct fm_aggregates_diff *d, void *arg), void *arg,
    int64_t *count)
{
	struct fm_sql_rows rows;

	if (!fm_store_exec(store,
	        "CREATE TEMP TABLE expected_days AS "
	        "" EXPECTED_DAYS))
		return false;
	fm_sql_open(&rows, store,
	    "WITH e AS (SELECT * FROM temp.expected_days)" DIFF("ledger_days",
	        "day, dept, user, printer, account_id, 0", "1, 2, 3, 4, 5"),
	    FM_NO_ARGS);
	if (!each_diff(&rows, FM_AGGREGATES_DAYS, fn, arg, count))
		return false;
	fm_sql_open(&rows, store,
	    "WITH e AS (" EXPECTED_DEPT_DAYS("temp.expected_days") ")" DIFF(
	        "ledger_dept_days", "day, dept, '', '', 0, 0", "1, 2"),
	    FM_NO_ARGS);
	if (!each_diff(&rows, FM_AGGREGATES_DEPT_DAYS, fn, arg, count))
		return false;
	fm_sql_open(&rows, store,
	    "WITH e AS (" EXPECTED_DEPT_MONTHS("temp.expected_days") ")" DIFF(
	        "ledger_dept_months", "month, dept, '', '', 0, 0", "1, 2"),
	    FM_NO_ARGS);
	if (!each_diff(&rows, FM_AGGREGATES_DEPT_MONTHS, fn, arg, count))
		return false;
	fm_sql_open(&rows, store,
	    "WITH e AS (" EXPECTED_USER_YEARS("temp.expected_days") ")" DIFF(
	        "ledger_user_years", "year, dept, user, '', 0, 0", "1, 2, 3"),
	    FM_NO_ARGS);
	if (!each_diff(&rows, FM_AGGREGATES_USER_YEARS, fn, arg, count))
		return false;
	fm_sql_open(&rows, store,
	    "WITH e AS (" EXPECTED_JOB_DAYS ")" DIFF("ledger_job_days",
	        "day, dept, user, printer, 0, job_id", "6, 1, 2, 3, 4"),
	    FM_NO_ARGS);
	return each_diff(&rows, FM_AGGREGATES_JOB_DAYS, fn, arg, count);
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
	fm_store_exec(store, "DROP TABLE IF EXISTS temp.expected_days");
	fm_store_exec(store, ok ? "COMMIT" : "ROLLBACK");
	if (ok && differences != NULL)
		*differences = count;
	return ok;
}
