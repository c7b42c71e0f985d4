/*
 * export.c - per-department and per-user exports, usage reports.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/export.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/json.h"
#include "common/money.h"
#include "quota/period.h"
#include "store/sql.h"

/* Only the first commit row of a charge carries page counts (ledger.c),
 * so sums over rows count each page once. */
#define AGGREGATES                                                             \
	"count(DISTINCT CASE WHEN l.kind = 'commit' THEN l.user END),"         \
	" count(DISTINCT CASE WHEN l.kind = 'commit' THEN l.job_id END),"      \
	" sum(l.mono_simplex + l.mono_duplex),"                                \
	" sum(l.colour_simplex + l.colour_duplex),"                            \
	" sum(l.mono_simplex + l.mono_duplex + l.colour_simplex"               \
	" + l.colour_duplex),"                                                 \
	" sum(l.sheets), sum(l.mono_simplex + l.colour_simplex),"              \
	" sum(l.mono_duplex + l.colour_duplex), -sum(l.amount)"

#define RANGE                                                                  \
	" WHERE l.kind IN ('commit', 'refund') AND l.at >= ?1 AND l.at < ?2"

const char fm_export_department_sql[] =
    "SELECT l.dept, coalesce(d.name, ''), " AGGREGATES
    " FROM ledger l LEFT JOIN departments d ON d.code = l.dept" RANGE
    " GROUP BY l.dept ORDER BY l.dept";

static const char user_sql[] =
    "SELECT l.dept, coalesce(d.name, ''), " AGGREGATES
    ", l.user, coalesce(u.full_name, '')"
    " FROM ledger l LEFT JOIN departments d ON d.code = l.dept"
    " LEFT JOIN users u ON u.login = l.user" RANGE
    " GROUP BY l.dept, l.user ORDER BY l.dept, l.user";

static const char printer_sql[] =
    "SELECT l.printer, '', " AGGREGATES " FROM ledger l" RANGE
    " GROUP BY l.printer ORDER BY l.printer";

/* Only the rows charged to project accounts; a project's code is its
 * account's name, unique among projects.  CROSS JOIN keeps the period's
 * rows the outer loop: with the accounts outside, SQLite could read the
 * period once per project. */
#define PROJECTS(t)                                                            \
	" CROSS JOIN accounts p ON p.id = " t ".account_id"                    \
	" AND p.kind = 'project'"

static const char project_sql[] =
    "SELECT p.name, '', " AGGREGATES " FROM ledger l" PROJECTS("l") RANGE
    " GROUP BY l.account_id ORDER BY p.name";

/* The same figures from the per-day aggregates (quota/export.h), ?1 and
 * ?2 the first day and the day after the last as YYYYMMDD.  jobs sums
 * each day's distinct jobs of the group, less, for each job committed
 * on several days of the period in the group, its days after the
 * first. */
#define AGG_AGGREGATES(jobs)                                                   \
	"count(DISTINCT CASE WHEN a.commits > 0 THEN a.user END),"             \
	" sum(a." jobs ") - coalesce(max(x.extra), 0),"                        \
	" sum(a.mono_simplex + a.mono_duplex),"                                \
	" sum(a.colour_simplex + a.colour_duplex),"                            \
	" sum(a.mono_simplex + a.mono_duplex + a.colour_simplex"               \
	" + a.colour_duplex),"                                                 \
	" sum(a.sheets), sum(a.mono_simplex + a.colour_simplex),"              \
	" sum(a.mono_duplex + a.colour_duplex), -sum(a.amount)"

/* Per group, the days after the first of jobs committed on several. */
#define AGG_EXTRA(keys)                                                        \
	" LEFT JOIN (SELECT " keys ", sum(n) AS extra FROM (SELECT " keys      \
	", count(DISTINCT day) - 1 AS n FROM ledger_job_days"                  \
	" WHERE day >= ?1 AND day < ?2 GROUP BY " keys ", job_id)"             \
	" GROUP BY " keys ") x"

#define AGG_RANGE " WHERE a.day >= ?1 AND a.day < ?2"

/* The department report reads per day and department totals, and
 * counts users over one row per user and year: those whose days of the
 * year (bits of w0..w5) meet the period's, ?3 and ?4 the first and last
 * years, ?5..?10 the first year's days from the first day on, ?11..?16
 * the last year's days up to the last day. */
#define DAYS_MET(n, first, last)                                               \
	"(w" n " & CASE WHEN year = ?3 THEN ?" first " ELSE -1 END"            \
	" & CASE WHEN year = ?4 THEN ?" last " ELSE -1 END)"
#define DAYS_MET_0 DAYS_MET("0", "5", "11")
#define DAYS_MET_1 DAYS_MET("1", "6", "12")
#define DAYS_MET_2 DAYS_MET("2", "7", "13")
#define DAYS_MET_3 DAYS_MET("3", "8", "14")
#define DAYS_MET_4 DAYS_MET("4", "9", "15")
#define DAYS_MET_5 DAYS_MET("5", "10", "16")
/* users: count(DISTINCT user), or count(*) for a period within one year
 * (a user has one row per year and department). */
#define USERS_MET(users)                                                       \
	" LEFT JOIN (SELECT dept, " users " AS n"                              \
	" FROM ledger_user_years WHERE year >= ?3 AND year <= ?4"              \
	" AND (" DAYS_MET_0 " | " DAYS_MET_1 " | " DAYS_MET_2 " | " DAYS_MET_3 \
	" | " DAYS_MET_4 " | " DAYS_MET_5 ") != 0"                             \
	" GROUP BY dept) u ON u.dept = a.dept"

#define AGG_DEPT AGG_AGGREGATES("jobs_dept")
#define AGG_USER AGG_AGGREGATES("jobs_user")
#define AGG_PRINTER AGG_AGGREGATES("jobs_printer")
#define EXTRA_USER                                                             \
	AGG_EXTRA("dept, user") " ON x.dept = a.dept AND x.user = a.user"
#define EXTRA_PRINTER AGG_EXTRA("printer") " ON x.printer = a.printer"
#define AGG_PROJECT AGG_AGGREGATES("jobs_account")
#define EXTRA_PROJECT AGG_EXTRA("account_id") " ON x.account_id = a.account_id"

/* The department report's figures come from the months the period
 * holds whole (?17 to ?18, YYYYMM) and the days of the others (before
 * ?19 and from ?20, YYYYMMDD), each table read over its range; a job
 * is counted once in each of those units it was committed in, less its
 * units after the first. */
#define DEPT_UNITS                                                             \
	" (SELECT month AS unit, dept, jobs, mono_simplex, mono_duplex,"       \
	" colour_simplex, colour_duplex, sheets, amount"                       \
	" FROM ledger_dept_months WHERE month BETWEEN ?17 AND ?18"             \
	" UNION ALL SELECT day, dept, jobs, mono_simplex, mono_duplex,"        \
	" colour_simplex, colour_duplex, sheets, amount"                       \
	" FROM ledger_dept_days WHERE day >= ?1 AND day < ?19"                 \
	" UNION ALL SELECT day, dept, jobs, mono_simplex, mono_duplex,"        \
	" colour_simplex, colour_duplex, sheets, amount"                       \
	" FROM ledger_dept_days WHERE day >= ?20 AND day < ?2) a"
#define DEPT_EXTRA                                                             \
	" LEFT JOIN (SELECT dept, sum(n) AS extra FROM (SELECT dept,"          \
	" count(DISTINCT CASE WHEN day / 100 BETWEEN ?17 AND ?18"              \
	" THEN day / 100 ELSE day END) - 1 AS n FROM ledger_job_days"          \
	" WHERE day >= ?1 AND day < ?2 GROUP BY dept, job_id)"                 \
	" GROUP BY dept) x ON x.dept = a.dept"

#define AGG_DEPARTMENT_SQL(users)                                              \
	"SELECT a.dept, coalesce(d.name, ''), coalesce(max(u.n), 0),"          \
	" sum(a.jobs) - coalesce(max(x.extra), 0),"                            \
	" sum(a.mono_simplex + a.mono_duplex),"                                \
	" sum(a.colour_simplex + a.colour_duplex),"                            \
	" sum(a.mono_simplex + a.mono_duplex + a.colour_simplex"               \
	" + a.colour_duplex),"                                                 \
	" sum(a.sheets), sum(a.mono_simplex + a.colour_simplex),"              \
	" sum(a.mono_duplex + a.colour_duplex), -sum(a.amount)"                \
	" FROM" DEPT_UNITS " LEFT JOIN departments d ON d.code = a.dept"       \
	"" USERS_MET(users) DEPT_EXTRA " GROUP BY a.dept ORDER BY a.dept"

static const char agg_department_sql[] =
    AGG_DEPARTMENT_SQL("count(DISTINCT user)");
/* Within one year: no DISTINCT, whose temporary index was a third of a
 * year's report over 100,000 users. */
static const char agg_department_year_sql[] = AGG_DEPARTMENT_SQL("count(*)");

static const char agg_user_sql[] =
    "SELECT a.dept, coalesce(d.name, ''), " AGG_USER
    ", a.user, coalesce(u.full_name, '') FROM ledger_days a"
    " LEFT JOIN departments d ON d.code = a.dept"
    " LEFT JOIN users u ON u.login = a.user" EXTRA_USER AGG_RANGE
    " GROUP BY a.dept, a.user ORDER BY a.dept, a.user";

static const char agg_printer_sql[] =
    "SELECT a.printer, '', " AGG_PRINTER
    " FROM ledger_days a" EXTRA_PRINTER AGG_RANGE
    " GROUP BY a.printer ORDER BY a.printer";

#define PROJECT_DAYS " FROM ledger_days a" PROJECTS("a") EXTRA_PROJECT

static const char agg_project_sql[] =
    "SELECT p.name, '', " AGG_PROJECT PROJECT_DAYS AGG_RANGE
    " GROUP BY a.account_id ORDER BY p.name";

static const char *const number_columns[] = {"users", "jobs", "pages_mono",
    "pages_colour", "impressions", "sheets", "simplex_impressions",
    "duplex_impressions"};
#define NNUMBERS 8

void
fm_export_csv_cell(FILE *f, const char *s, size_t len, bool text)
{
	bool quote = false, neutralise = false;

	if (text && len > 0 &&
	    (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
	        s[0] == '\t' || s[0] == '\r'))
		neutralise = true;
	for (size_t i = 0; i < len; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			quote = true;
	if (quote)
		fputc('"', f);
	if (neutralise)
		fputc('\'', f);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			fputc('"', f);
		fputc(s[i], f);
	}
	if (quote)
		fputc('"', f);
}

static void
csv_text(FILE *f, const char *s, bool first)
{
	if (!first)
		fputc(',', f);
	fm_export_csv_cell(f, s ? s : "", s ? strlen(s) : 0, true);
}

/* One row of an export: its strings are borrowed from the statement's
 * current row.  The header and footer see the period and grouping. */
struct row {
	enum fm_export_by by;
	const char *from_date, *to_date;
	const char *key, *name;  /* department (printer, project) code, name */
	const char *user, *full; /* FM_EXPORT_BY_USER only */
	int64_t v[NNUMBERS], cost;
	char money[FM_MONEY_STRMAX];
};

/* What an export is written with: one emitter per format. */
struct emitter {
	void (*header)(FILE *f, const struct row *r);
	void (*row)(FILE *f, const struct row *r, int n); /* n: rows before */
	void (*footer)(FILE *f);
};

/* --- CSV (RFC 4180) ----------------------------------------------- */

static void
csv_header(FILE *f, const struct row *r)
{
	fputs("period_start,period_end,", f);
	if (r->by == FM_EXPORT_BY_USER)
		fputs("user,full_name,", f);
	if (r->by == FM_EXPORT_BY_PRINTER)
		fputs("printer,", f);
	else if (r->by == FM_EXPORT_BY_PROJECT)
		fputs("project,", f);
	else
		fputs("department_code,department_name,", f);
	for (int i = 0; i < NNUMBERS; i++)
		fprintf(f, "%s,", number_columns[i]);
	fputs("cost\r\n", f);
}

static void
csv_row(FILE *f, const struct row *r, int n)
{
	(void)n;
	csv_text(f, r->from_date, true);
	csv_text(f, r->to_date, false);
	if (r->by == FM_EXPORT_BY_USER) {
		csv_text(f, r->user, false);
		csv_text(f, r->full, false);
	}
	csv_text(f, r->key, false);
	if (r->by == FM_EXPORT_BY_DEPARTMENT || r->by == FM_EXPORT_BY_USER)
		csv_text(f, r->name, false);
	for (int i = 0; i < NNUMBERS; i++)
		fprintf(f, ",%" PRId64, r->v[i]);
	fprintf(f, ",%s\r\n", r->money);
}

static void
no_footer(FILE *f)
{
	(void)f;
}

/* --- JSON ---------------------------------------------------------- */

static const char *
by_name(enum fm_export_by by)
{
	return by == FM_EXPORT_BY_USER   ? "user"
	    : by == FM_EXPORT_BY_PRINTER ? "printer"
	    : by == FM_EXPORT_BY_PROJECT ? "project"
	                                 : "department";
}

static void
json_period(FILE *f, const struct row *r)
{
	fm_json_key_string(f, "period_start", r->from_date);
	fputc(',', f);
	fm_json_key_string(f, "period_end", r->to_date);
	fputc(',', f);
}

static void
json_header(FILE *f, const struct row *r)
{
	fputc('{', f);
	json_period(f, r);
	fm_json_key_string(f, "by", by_name(r->by));
	fputs(",\"rows\":[", f);
}

static void
json_row(FILE *f, const struct row *r, int n)
{
	fputs(n > 0 ? ",{" : "{", f);
	json_period(f, r);
	if (r->by == FM_EXPORT_BY_USER) {
		fm_json_key_string(f, "user", r->user);
		fputc(',', f);
		fm_json_key_string(f, "full_name", r->full);
		fputc(',', f);
	}
	if (r->by == FM_EXPORT_BY_PRINTER || r->by == FM_EXPORT_BY_PROJECT) {
		fm_json_key_string(f, by_name(r->by), r->key);
	} else {
		fm_json_key_string(f, "department_code", r->key);
		fputc(',', f);
		fm_json_key_string(f, "department_name", r->name);
	}
	for (int i = 0; i < NNUMBERS; i++) {
		fputc(',', f);
		fm_json_key_int(f, number_columns[i], r->v[i]);
	}
	fputc(',', f);
	fm_json_key_string(f, "cost", r->money);
	fputc('}', f);
}

static void
json_footer(FILE *f)
{
	fputs("]}\n", f);
}

/* --- text, for a terminal ------------------------------------------ */

static void
text_header(FILE *f, const struct row *r)
{
	if (r->by == FM_EXPORT_BY_USER)
		fprintf(f, "%-16s ", "USER");
	fprintf(f, "%-16s %6s %6s %8s %8s %8s %8s %12s\n",
	    r->by == FM_EXPORT_BY_PRINTER       ? "PRINTER"
	        : r->by == FM_EXPORT_BY_PROJECT ? "PROJECT"
	                                        : "DEPARTMENT",
	    "USERS", "JOBS", "MONO", "COLOUR", "IMPR", "SHEETS", "COST");
}

static void
text_row(FILE *f, const struct row *r, int n)
{
	(void)n;
	if (r->by == FM_EXPORT_BY_USER)
		fprintf(f, "%-16s ", r->user ? r->user : "");
	fprintf(f,
	    "%-16s %6" PRId64 " %6" PRId64 " %8" PRId64 " %8" PRId64
	    " %8" PRId64 " %8" PRId64 " %12s\n",
	    r->key && r->key[0] ? r->key : "-", r->v[0], r->v[1], r->v[2],
	    r->v[3], r->v[4], r->v[5], r->money);
}

static const struct emitter emitters[] = {
    [FM_EXPORT_CSV] = {csv_header, csv_row, no_footer},
    [FM_EXPORT_JSON] = {json_header, json_row, json_footer},
    [FM_EXPORT_TEXT] = {text_header, text_row, no_footer},
};

/* Reads the statement's current row (a query of this file's shape). */
static void
read_row(sqlite3_stmt *st, struct row *r)
{
	bool by_user = r->by == FM_EXPORT_BY_USER;

	r->key = fm_sql_text(st, 0);
	r->name = fm_sql_text(st, 1);
	r->user = by_user ? fm_sql_text(st, 11) : NULL;
	r->full = by_user ? fm_sql_text(st, 12) : NULL;
	for (int i = 0; i < NNUMBERS; i++)
		r->v[i] = sqlite3_column_int64(st, 2 + i);
	r->cost = sqlite3_column_int64(st, 10);
	fm_money_format(r->cost, r->money, sizeof(r->money));
}

/* The local date of the day that starts at t as YYYYMMDD, or -1 when t
 * is not the start of a local day. */
static int64_t
day_key(int64_t t)
{
	char date[FM_PERIOD_STRMAX];
	int64_t start;

	fm_period_format_date(t, date, sizeof(date));
	if (strlen(date) != 10 ||
	    !fm_period_parse_date(date, strlen(date), &start) || start != t)
		return -1;
	return strtoll(date, NULL, 10) * 10000 +
	    strtoll(date + 5, NULL, 10) * 100 + strtoll(date + 8, NULL, 10);
}

bool
fm_export_whole_days(
    int64_t from, int64_t to, int64_t *day_from, int64_t *day_to)
{
	int64_t f, t;

	/* SQLite's 'localtime' takes the offset of an equivalent year
	 * before 1970 and after 2037, where it may differ from the C
	 * library's: those days are read from the ledger. */
	if (from > to || (f = day_key(from)) < 0 || (t = day_key(to)) < 0 ||
	    f < 19700101 || t > 20380101)
		return false;
	if (day_from != NULL)
		*day_from = f;
	if (day_to != NULL)
		*day_to = t;
	return true;
}

/* The query of an export by, and its two parameters: from the per-day
 * aggregates when the period is whole local days (unless from_ledger),
 * else over the ledger's rows. */
static const char *
choose_sql(enum fm_export_by by, int64_t *from, int64_t *to, bool from_ledger)
{
	static const char *const aggregates[] = {
	    [FM_EXPORT_BY_DEPARTMENT] = agg_department_sql,
	    [FM_EXPORT_BY_USER] = agg_user_sql,
	    [FM_EXPORT_BY_PRINTER] = agg_printer_sql,
	    [FM_EXPORT_BY_PROJECT] = agg_project_sql,
	};
	static const char *const ledger[] = {
	    [FM_EXPORT_BY_DEPARTMENT] = fm_export_department_sql,
	    [FM_EXPORT_BY_USER] = user_sql,
	    [FM_EXPORT_BY_PRINTER] = printer_sql,
	    [FM_EXPORT_BY_PROJECT] = project_sql,
	};

	if ((unsigned)by >= sizeof(ledger) / sizeof(ledger[0]))
		return NULL;
	if (!from_ledger && fm_export_whole_days(*from, *to, from, to))
		return aggregates[by];
	return ledger[by];
}

/* The days of the year of word i (days 64 i to 64 i + 63) from lo to
 * hi. */
static int64_t
days_mask(int i, int lo, int hi)
{
	uint64_t m = 0;

	for (int b = 0; b < 64; b++)
		if (64 * i + b >= lo && 64 * i + b <= hi)
			m |= UINT64_C(1) << b;
	return (int64_t)m;
}

/* Runs the department report from the aggregates over [from, to), whole
 * local days, their dates day_from and day_to (YYYYMMDD). */
static bool
open_department(struct fm_sql_rows *rows, fm_store_t *store, int64_t from,
    int64_t to, int64_t day_from, int64_t day_to)
{
	time_t first = (time_t)from, last = (time_t)(to - 1);
	struct tm f, l;
	int64_t fm[6], lm[6], first_month, last_month, head_end, tail_start;

	if (localtime_r(&first, &f) == NULL || localtime_r(&last, &l) == NULL)
		return false;
	for (int i = 0; i < 6; i++) {
		fm[i] = days_mask(i, f.tm_yday, 365);
		lm[i] = days_mask(i, 0, l.tm_yday);
	}
	/* The months held whole: from the first day's, if it is the 1st,
	 * to the one before the day after the period's. */
	first_month = day_from / 100 + (day_from % 100 != 1);
	if (first_month % 100 == 13)
		first_month += 100 - 12;
	last_month = day_to / 100 - 1;
	if (last_month % 100 == 0)
		last_month -= 100 - 12;
	/* The days before the first whole month, and from the day after
	 * the last: the period's days when it holds no whole month. */
	head_end = day_to;
	tail_start = day_to;
	if (first_month <= last_month) {
		head_end = first_month * 100 + 1;
		tail_start =
		    (last_month + (last_month % 100 == 12 ? 89 : 1)) * 100 + 1;
	}
	return fm_sql_open(rows, store,
	    f.tm_year == l.tm_year ? agg_department_year_sql
	                           : agg_department_sql,
	    FM_ARG_INT(day_from), FM_ARG_INT(day_to),
	    FM_ARG_INT(f.tm_year + 1900), FM_ARG_INT(l.tm_year + 1900),
	    FM_ARG_INT(fm[0]), FM_ARG_INT(fm[1]), FM_ARG_INT(fm[2]),
	    FM_ARG_INT(fm[3]), FM_ARG_INT(fm[4]), FM_ARG_INT(fm[5]),
	    FM_ARG_INT(lm[0]), FM_ARG_INT(lm[1]), FM_ARG_INT(lm[2]),
	    FM_ARG_INT(lm[3]), FM_ARG_INT(lm[4]), FM_ARG_INT(lm[5]),
	    FM_ARG_INT(first_month), FM_ARG_INT(last_month),
	    FM_ARG_INT(head_end), FM_ARG_INT(tail_start));
}

bool
fm_export_write(fm_store_t *store, enum fm_export_by by, int64_t from,
    int64_t to, const char *from_date, const char *to_date,
    enum fm_export_format format, FILE *f, struct fm_export_totals *totals)
{
	return fm_export_write_from(
	    store, by, from, to, from_date, to_date, format, f, totals, false);
}

bool
fm_export_write_from(fm_store_t *store, enum fm_export_by by, int64_t from,
    int64_t to, const char *from_date, const char *to_date,
    enum fm_export_format format, FILE *f, struct fm_export_totals *totals,
    bool from_ledger)
{
	struct fm_export_totals t = {0};
	int64_t day_from = from, day_to = to;
	const char *sql = choose_sql(by, &day_from, &day_to, from_ledger);
	bool opened;
	struct row r = {
	    by, from_date, to_date, NULL, NULL, NULL, NULL, {0}, 0, ""};
	const struct emitter *e;
	struct fm_sql_rows rows = {0};

	if (store == NULL || f == NULL || from_date == NULL ||
	    to_date == NULL || sql == NULL ||
	    (unsigned)format >= sizeof(emitters) / sizeof(emitters[0]))
		return false;
	e = &emitters[format];
	if (sql == agg_department_sql)
		opened =
		    open_department(&rows, store, from, to, day_from, day_to);
	else
		opened = fm_sql_open(&rows, store, sql, FM_ARG_INT(day_from),
		    FM_ARG_INT(day_to));
	if (!opened) {
		fm_sql_close(&rows);
		return false;
	}
	e->header(f, &r);
	while (fm_sql_next(&rows, NULL, NULL)) {
		read_row(rows.st, &r);
		e->row(f, &r, (int)t.rows);
		t.rows++;
		t.jobs += r.v[1];
		t.impressions += r.v[4];
		t.sheets += r.v[5];
		t.cost += r.cost;
	}
	if (!fm_sql_close(&rows))
		return false;
	e->footer(f);
	if (totals != NULL)
		*totals = t;
	return !ferror(f);
}
