/*
 * aggregates.c - per-day aggregates of the ledger: incremental update at
 * each append, rebuild and verification by recomputing from the ledger.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/aggregates.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/sql.h"
#include "store/store-private.h"

/* The local date of a UNIX time as YYYYMMDD.  SQLite's 'localtime' is
 * the C library's localtime_r(), the same clock as quota/period.c. */
#define DAY(t)                                                                 \
	"CAST(strftime('%Y%m%d', " t ", 'unixepoch', 'localtime') AS INTEGER)"
#define DAY_AT DAY("at")
/* The day of the year (0-365) of a YYYYMMDD day. */
#define DOY_OF_DAY                                                             \
	"CAST(strftime('%j', printf('%04d-%02d-%02d', day / 10000,"            \
	" day / 100 % 100, day % 100)) AS INTEGER) - 1"

/* What ledger_days should hold, computed from the whole ledger; the
 * same figures as schema migration 16 fills the table with, and the
 * per-project migration after it jobs_account. */
#define EXPECTED_DAYS                                                          \
	"SELECT day, dept, user, printer, account_id,"                         \
	" sum(kind = 'commit') AS commits, sum(fd) AS jobs_dept,"              \
	" sum(fu) AS jobs_user, sum(fp) AS jobs_printer,"                      \
	" sum(fm) AS jobs_month,"                                              \
	" sum(mono_simplex) AS mono_simplex, sum(mono_duplex) AS mono_duplex," \
	" sum(colour_simplex) AS colour_simplex,"                              \
	" sum(colour_duplex) AS colour_duplex, sum(sheets) AS sheets,"         \
	" sum(amount) AS amount, sum(fa) AS jobs_account"                      \
	" FROM (SELECT *, kind = 'commit' AND job_id IS NOT NULL AND"          \
	" row_number() OVER (PARTITION BY job_id, kind, day, dept"             \
	" ORDER BY id) = 1 AS fd,"                                             \
	" kind = 'commit' AND job_id IS NOT NULL AND row_number() OVER"        \
	" (PARTITION BY job_id, kind, day, dept, user ORDER BY id) = 1 AS fu," \
	" kind = 'commit' AND job_id IS NOT NULL AND row_number() OVER"        \
	" (PARTITION BY job_id, kind, day, printer ORDER BY id) = 1 AS fp,"    \
	" kind = 'commit' AND job_id IS NOT NULL AND row_number() OVER"        \
	" (PARTITION BY job_id, kind, day / 100, dept ORDER BY id) = 1 AS fm," \
	" kind = 'commit' AND job_id IS NOT NULL AND row_number() OVER"        \
	" (PARTITION BY job_id, kind, day, account_id ORDER BY id) = 1 AS fa"  \
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
	"WITH c AS (SELECT job_id, " DAY_AT " AS day, dept, user, printer,"    \
	" account_id FROM ledger"                                              \
	" WHERE kind = 'commit' AND job_id IS NOT NULL)"                       \
	" SELECT DISTINCT * FROM c WHERE job_id IN (SELECT job_id FROM c"      \
	" GROUP BY job_id HAVING min(day) < max(day))"

/* One commit or refund row waiting for fm_aggregates_flush(): its
 * ledger_days key, what it adds there, and the day of the year it
 * marks in ledger_user_years (commits only). */
struct fm_aggregates_note {
	int64_t day; /* YYYYMMDD, local */
	int doy;     /* 0-365 */
	char *dept, *user, *printer;
	int64_t account_id;
	bool commit;
	/* The first commit of its job on its day within the department,
	 * the department and user, the printer, the paying account; in its
	 * month within the department (quota/export.h). */
	bool first_dept, first_user, first_printer, first_account;
	bool first_month;
	int64_t sums[6]; /* mono s/d, colour s/d, sheets, amount */
};

/* The local day of UNIX time t as YYYYMMDD and its day of the year, as
 * DAY() gives them (SQLite's 'localtime' is localtime_r()). */
static bool
local_day(int64_t t, int64_t *day, int *doy)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL)
		return false;
	*day = (int64_t)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 +
	    tm.tm_mday;
	*doy = tm.tm_yday;
	return true;
}

/* Which groups row r is the first commit of its job in on its day (or
 * month): one look at the job's earlier commits (a job has a few rows,
 * found by ledger_by_job).  A job whose commits span several days gets
 * them all recorded in ledger_job_days, which exports subtract. */
static bool
first_commit(fm_store_t *store, const struct fm_aggregates_row *r,
    struct fm_aggregates_note *n)
{
	bool several_days = false;
	sqlite3_stmt *st;
	int rc;

	n->first_dept = n->first_user = n->first_printer = n->first_account =
	    n->first_month = true;
	st = fm_store_cached(store,
	    "SELECT at, dept, user, printer, account_id FROM ledger"
	    " WHERE job_id = ?1"
	    " AND kind = 'commit' AND id < ?2");
	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, r->job_id);
	sqlite3_bind_int64(st, 2, r->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *dept = fm_sql_text(st, 1);
		int64_t day;
		int doy;

		if (!local_day(sqlite3_column_int64(st, 0), &day, &doy)) {
			rc = SQLITE_ERROR;
			break;
		}
		if (day != n->day) {
			several_days = true;
			if (day / 100 == n->day / 100 &&
			    strcmp(dept, n->dept) == 0)
				n->first_month = false;
			continue;
		}
		if (strcmp(dept, n->dept) == 0) {
			n->first_dept = n->first_month = false;
			if (strcmp(fm_sql_text(st, 2), n->user) == 0)
				n->first_user = false;
		}
		if (strcmp(fm_sql_text(st, 3), n->printer) == 0)
			n->first_printer = false;
		if (sqlite3_column_int64(st, 4) == n->account_id)
			n->first_account = false;
	}
	fm_store_release(store, st);
	if (rc != SQLITE_DONE)
		return false;
	if (!several_days)
		return true;
	return fm_sql_exec(store,
	    "INSERT OR IGNORE INTO ledger_job_days (job_id, day, dept, user,"
	    " printer, account_id) SELECT DISTINCT job_id, " DAY_AT ", dept,"
	    " user, printer, account_id FROM ledger"
	    " WHERE job_id = ?1 AND kind = 'commit'",
	    FM_ARG_INT(r->job_id));
}

static void
free_note(struct fm_aggregates_note *n)
{
	free(n->dept);
	free(n->user);
	free(n->printer);
}

bool
fm_aggregates_note(struct fm_aggregates_pending *p, fm_store_t *store,
    const struct fm_aggregates_row *r)
{
	struct fm_aggregates_note *n;
	bool commit;

	if (p == NULL || store == NULL || r == NULL || r->kind == NULL)
		return false;
	commit = strcmp(r->kind, "commit") == 0;
	if (!commit && strcmp(r->kind, "refund") != 0)
		return true;
	if (p->n == p->cap) {
		size_t cap = p->cap == 0 ? 16 : p->cap * 2;
		void *grown = realloc(p->notes, cap * sizeof(*p->notes));

		if (grown == NULL)
			return false;
		p->notes = grown;
		p->cap = cap;
	}
	n = &p->notes[p->n];
	memset(n, 0, sizeof(*n));
	n->dept = strdup(r->dept != NULL ? r->dept : "");
	n->user = strdup(r->user != NULL ? r->user : "");
	n->printer = strdup(r->printer != NULL ? r->printer : "");
	n->account_id = r->account_id;
	n->commit = commit;
	for (int i = 0; i < 5; i++)
		n->sums[i] = r->usage[i];
	n->sums[5] = r->amount;
	if (n->dept == NULL || n->user == NULL || n->printer == NULL ||
	    !local_day(r->at, &n->day, &n->doy) ||
	    (commit && r->job_id > 0 && !first_commit(store, r, n))) {
		free_note(n);
		return false;
	}
	if (!commit || r->job_id <= 0)
		n->first_dept = n->first_user = n->first_printer =
		    n->first_account = n->first_month = false;
	p->n++;
	return true;
}

void
fm_aggregates_undo(struct fm_aggregates_pending *p, size_t mark)
{
	if (p == NULL)
		return;
	while (p->n > mark)
		free_note(&p->notes[--p->n]);
}

void
fm_aggregates_pending_free(struct fm_aggregates_pending *p)
{
	if (p == NULL)
		return;
	fm_aggregates_undo(p, 0);
	free(p->notes);
	p->notes = NULL;
	p->cap = 0;
}

/* The groupings a flush applies: notes with the same key in one
 * grouping make one upsert. */
enum grouping { BY_DAY_ROW, BY_DEPT_DAY, BY_DEPT_MONTH, BY_USER_YEAR };

static bool
same_key(enum grouping g, const struct fm_aggregates_note *a,
    const struct fm_aggregates_note *b)
{
	switch (g) {
	case BY_DAY_ROW:
		return a->day == b->day && a->account_id == b->account_id &&
		    strcmp(a->dept, b->dept) == 0 &&
		    strcmp(a->user, b->user) == 0 &&
		    strcmp(a->printer, b->printer) == 0;
	case BY_DEPT_DAY:
		return a->day == b->day && strcmp(a->dept, b->dept) == 0;
	case BY_DEPT_MONTH:
		return a->day / 100 == b->day / 100 &&
		    strcmp(a->dept, b->dept) == 0;
	case BY_USER_YEAR:
		return a->day / 10000 == b->day / 10000 &&
		    strcmp(a->dept, b->dept) == 0 &&
		    strcmp(a->user, b->user) == 0;
	}
	return false;
}

/* What a group of notes adds to one row. */
struct delta {
	int64_t commits, jobs_dept, jobs_user, jobs_printer, jobs_account;
	int64_t jobs_month;
	int64_t sums[6];
	uint64_t words[6]; /* ledger_user_years' bits */
};

static void
add_note(struct delta *d, const struct fm_aggregates_note *n)
{
	d->commits += n->commit;
	d->jobs_dept += n->first_dept;
	d->jobs_user += n->first_user;
	d->jobs_printer += n->first_printer;
	d->jobs_account += n->first_account;
	d->jobs_month += n->first_month;
	for (int i = 0; i < 6; i++)
		d->sums[i] += n->sums[i];
	if (n->commit && n->doy >= 0 && n->doy < 366)
		d->words[n->doy / 64] |= UINT64_C(1) << (n->doy % 64);
}

#define ADD_SUMS                                                               \
	" mono_simplex = mono_simplex + excluded.mono_simplex,"                \
	" mono_duplex = mono_duplex + excluded.mono_duplex,"                   \
	" colour_simplex = colour_simplex + excluded.colour_simplex,"          \
	" colour_duplex = colour_duplex + excluded.colour_duplex,"             \
	" sheets = sheets + excluded.sheets, amount = amount + "               \
	"excluded.amount"
#define SUM_ARGS(d)                                                            \
	FM_ARG_INT((d)->sums[0]), FM_ARG_INT((d)->sums[1]),                    \
	    FM_ARG_INT((d)->sums[2]), FM_ARG_INT((d)->sums[3]),                \
	    FM_ARG_INT((d)->sums[4]), FM_ARG_INT((d)->sums[5])

/* One upsert of grouping g for the key of n adding d. */
static bool
upsert(fm_store_t *store, enum grouping g, const struct fm_aggregates_note *n,
    const struct delta *d)
{
	switch (g) {
	case BY_DAY_ROW:
		return fm_sql_exec(store,
		    "INSERT INTO ledger_days (mono_simplex, mono_duplex,"
		    " colour_simplex, colour_duplex, sheets, amount, day,"
		    " dept, user, printer, account_id, commits, jobs_dept,"
		    " jobs_user, jobs_printer, jobs_month, jobs_account)"
		    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
		    " ?12, ?13, ?14, ?15, ?16, ?17)"
		    " ON CONFLICT (day, dept, user, printer, account_id)"
		    " DO UPDATE SET commits = commits + excluded.commits,"
		    " jobs_dept = jobs_dept + excluded.jobs_dept,"
		    " jobs_user = jobs_user + excluded.jobs_user,"
		    " jobs_printer = jobs_printer + excluded.jobs_printer,"
		    " jobs_month = jobs_month + excluded.jobs_month,"
		    " jobs_account = jobs_account + excluded.jobs_account,"
		    "" ADD_SUMS,
		    SUM_ARGS(d), FM_ARG_INT(n->day), FM_ARG_TEXT(n->dept),
		    FM_ARG_TEXT(n->user), FM_ARG_TEXT(n->printer),
		    FM_ARG_INT(n->account_id), FM_ARG_INT(d->commits),
		    FM_ARG_INT(d->jobs_dept), FM_ARG_INT(d->jobs_user),
		    FM_ARG_INT(d->jobs_printer), FM_ARG_INT(d->jobs_month),
		    FM_ARG_INT(d->jobs_account));
	case BY_DEPT_DAY:
		return fm_sql_exec(store,
		    "INSERT INTO ledger_dept_days (mono_simplex, mono_duplex,"
		    " colour_simplex, colour_duplex, sheets, amount, day,"
		    " dept, jobs) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
		    " ON CONFLICT (day, dept) DO UPDATE"
		    " SET jobs = jobs + excluded.jobs," ADD_SUMS,
		    SUM_ARGS(d), FM_ARG_INT(n->day), FM_ARG_TEXT(n->dept),
		    FM_ARG_INT(d->jobs_dept));
	case BY_DEPT_MONTH:
		return fm_sql_exec(store,
		    "INSERT INTO ledger_dept_months (mono_simplex, mono_duplex,"
		    " colour_simplex, colour_duplex, sheets, amount, month,"
		    " dept, jobs) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
		    " ON CONFLICT (month, dept) DO UPDATE"
		    " SET jobs = jobs + excluded.jobs," ADD_SUMS,
		    SUM_ARGS(d), FM_ARG_INT(n->day / 100), FM_ARG_TEXT(n->dept),
		    FM_ARG_INT(d->jobs_month));
	case BY_USER_YEAR:
		if (d->commits == 0)
			return true;
		/* SQLite's integers are signed: the words go as their
		 * two's complement, which | treats bit for bit. */
		return fm_sql_exec(store,
		    "INSERT INTO ledger_user_years (year, dept, user, w0, w1,"
		    " w2, w3, w4, w5) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
		    " ?9)"
		    " ON CONFLICT (year, dept, user) DO UPDATE"
		    " SET w0 = w0 | excluded.w0, w1 = w1 | excluded.w1,"
		    " w2 = w2 | excluded.w2, w3 = w3 | excluded.w3,"
		    " w4 = w4 | excluded.w4, w5 = w5 | excluded.w5"
		    /* The user's day is usually marked already: then the
		     * page is left as it is, not written again. */
		    " WHERE (w0 | excluded.w0) != w0 OR (w1 | excluded.w1) != "
		    "w1"
		    " OR (w2 | excluded.w2) != w2 OR (w3 | excluded.w3) != w3"
		    " OR (w4 | excluded.w4) != w4 OR (w5 | excluded.w5) != w5",
		    FM_ARG_INT(n->day / 10000), FM_ARG_TEXT(n->dept),
		    FM_ARG_TEXT(n->user), FM_ARG_INT((int64_t)d->words[0]),
		    FM_ARG_INT((int64_t)d->words[1]),
		    FM_ARG_INT((int64_t)d->words[2]),
		    FM_ARG_INT((int64_t)d->words[3]),
		    FM_ARG_INT((int64_t)d->words[4]),
		    FM_ARG_INT((int64_t)d->words[5]));
	}
	return false;
}

/* The upserts of grouping g: one per distinct key among the notes. */
static bool
flush_grouping(fm_store_t *store, struct fm_aggregates_pending *p,
    enum grouping g, bool *done)
{
	memset(done, 0, p->n * sizeof(*done));
	for (size_t i = 0; i < p->n; i++) {
		struct delta d = {0};

		if (done[i])
			continue;
		for (size_t j = i; j < p->n; j++)
			if (!done[j] &&
			    same_key(g, &p->notes[i], &p->notes[j])) {
				add_note(&d, &p->notes[j]);
				done[j] = true;
			}
		if (!upsert(store, g, &p->notes[i], &d))
			return false;
	}
	return true;
}

bool
fm_aggregates_flush(struct fm_aggregates_pending *p, fm_store_t *store)
{
	static const enum grouping order[] = {
	    BY_DAY_ROW, BY_DEPT_DAY, BY_DEPT_MONTH, BY_USER_YEAR};
	bool *done, ok = true;

	if (p == NULL || store == NULL)
		return false;
	if (p->n == 0)
		return true;
	if ((done = malloc(p->n * sizeof(*done))) == NULL)
		ok = false;
	for (size_t i = 0; ok && i < sizeof(order) / sizeof(order[0]); i++)
		ok = flush_grouping(store, p, order[i], done);
	free(done);
	fm_aggregates_undo(p, 0);
	return ok;
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
	        "day, dept, user, printer, account_id, job_id",
	        "6, 1, 2, 3, 4, 5"),
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
