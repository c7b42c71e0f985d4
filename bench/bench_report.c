/*
 * bench_report.c - the finance report benchmark (not a ctest test; no
 * assertions on timing).
 *
 *	bench_report gen DB ROWS USERS DEPTS
 *	bench_report run DB [RUNS] [BASELINE_RUNS]
 *
 * gen creates the store DB (the schema through fm_store_open()), then,
 * with the sqlite3 shell, in one transaction: DEPTS departments, USERS
 * users spread over them, each with its account, and ROWS ledger rows
 * over the year 2025 (UTC) -- jobs of a reserve row and a commit row
 * (every 50th job refunded instead of reserved), each by a user spread
 * over the users, at one of 500 printers, with page counts.  The rows
 * carry zero hashes: the chain is not valid (ledger verify says so),
 * which no report reads.  Then it fills the per-day aggregates as
 * ledger rebuild-aggregates does (fm_aggregates_rebuild()) and prints
 * each step's time.
 *
 * run times the per-department report of the whole year 2025
 * (fm_export_write(), CSV to /dev/null, from the aggregates) RUNS times
 * (default 20), and the same GROUP BY over the raw ledger
 * (fm_export_department_sql) with the sqlite3 shell BASELINE_RUNS times
 * (default RUNS), checks that the report is byte-identical to the one
 * fm_export_write_from() makes from the ledger, and prints the p95 of
 * each, side by side, and their ratio (target <= 0.05).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/benchutil.h"
#include "quota/aggregates.h"
#include "quota/export.h"
#include "quota/period.h"

#define YEAR_START INT64_C(1735689600) /* 2025-01-01 00:00 UTC */
#define YEAR_SECONDS INT64_C(31536000)
#define MAXRUNS 1000

static fm_store_t *
open_store(const char *db)
{
	const char *errstr = NULL;
	fm_store_t *s = fm_store_open(db, &errstr);

	if (s == NULL)
		bench_die(errstr);
	return s;
}

static void
generate(const char *db, int64_t rows, int64_t users, int64_t depts)
{
	char cmd[8192];
	const char *errstr = NULL;
	fm_store_t *s = open_store(db);
	double t = bench_now_s();
	int64_t n = 0;

	fm_store_close(s);
	/* Departments own accounts 1..depts, users the next ones; a job j
	 * is user 1 + (j * 7919) % users's, of that user's department. */
	snprintf(cmd, sizeof(cmd),
	    "sqlite3 '%s' \"BEGIN;"
	    " INSERT INTO accounts (id, kind, name, restricted, created_at)"
	    " WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c"
	    " WHERE i < %" PRId64 ") SELECT i, 'department', printf('D%%04d',"
	    " i), 0, %" PRId64 " FROM c;"
	    " INSERT INTO departments (id, code, name, account_id)"
	    " SELECT id, name, 'Department ' || id, id FROM accounts;"
	    " INSERT INTO accounts (id, kind, name, restricted, created_at)"
	    " WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c"
	    " WHERE i < %" PRId64 ") SELECT %" PRId64 " + i, 'user',"
	    " printf('u%%06d', i), 0, %" PRId64 " FROM c;"
	    " INSERT INTO users (id, login, full_name, department_id,"
	    " account_id, created_at) SELECT id - %" PRId64 ", name,"
	    " 'User ' || (id - %" PRId64 "), 1 + (id - %" PRId64 ") %% %" PRId64
	    ", id, created_at FROM accounts WHERE kind = 'user';"
	    " INSERT INTO ledger (id, at, account_id, kind, amount, held, user,"
	    " dept, printer, job_id, reservation, price_version, measured,"
	    " media, mono_simplex, mono_duplex, colour_simplex, colour_duplex,"
	    " sheets, prev_hash, hash)"
	    " WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c"
	    " WHERE i < %" PRId64 "), j(i, job, u) AS (SELECT i, (i + 1) / 2,"
	    " 1 + ((i + 1) / 2 * 7919) %% %" PRId64 " FROM c)"
	    " SELECT i, %" PRId64 " + i * %" PRId64 " / %" PRId64 ","
	    " %" PRId64 " + u, CASE WHEN i %% 2 = 0 THEN 'commit'"
	    " WHEN job %% 50 = 0 THEN 'refund' ELSE 'reserve' END,"
	    " CASE WHEN i %% 2 = 0 THEN -(1 + job %% 50) WHEN job %% 50 = 0"
	    " THEN 1 + job %% 40 ELSE 0 END,"
	    " CASE WHEN i %% 2 = 0 OR job %% 50 = 0 THEN 0"
	    " ELSE -(1 + job %% 50) END,"
	    " printf('u%%06d', u), printf('D%%04d', 1 + u %% %" PRId64 "),"
	    " printf('p%%03d', u %% 500), job, (i + 1) / 2 * 2 - 1, 1, 1, 'A4',"
	    " CASE WHEN i %% 2 = 0 THEN job %% 7 ELSE 0 END,"
	    " CASE WHEN i %% 2 = 0 THEN job %% 5 ELSE 0 END,"
	    " CASE WHEN i %% 2 = 0 THEN job %% 3 ELSE 0 END, 0,"
	    " CASE WHEN i %% 2 = 0 THEN job %% 7 + (job %% 5 + 1) / 2"
	    " + job %% 3 ELSE 0 END, zeroblob(32), zeroblob(32) FROM j;"
	    " COMMIT;\"",
	    db, depts, YEAR_START - 86400, users, depts, YEAR_START - 86400,
	    depts, depts, depts, depts, rows, users, YEAR_START, YEAR_SECONDS,
	    rows + 1, depts, depts);
	bench_run(cmd);
	printf("generated %" PRId64 " departments, %" PRId64
	       " users and %" PRId64
	       " ledger rows in %.1f s (zero hashes: the chain is not valid)\n",
	    depts, users, rows, bench_now_s() - t);
	fflush(stdout);
	s = open_store(db);
	t = bench_now_s();
	if (!fm_aggregates_rebuild(s, &n, &errstr))
		bench_die(errstr);
	printf("filled the per-day aggregates (%" PRId64 " rows) in %.1f s\n",
	    n, bench_now_s() - t);
	fm_store_close(s);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The 95th percentile of the n times in t (nearest rank). */
static double
p95(double *t, int n)
{
	int rank = (95 * n + 99) / 100;

	qsort(t, (size_t)n, sizeof(t[0]), cmp_double);
	return t[rank > 0 ? rank - 1 : 0];
}

/* One report of 2025 from the aggregates into out; its time. */
static double
time_ours(fm_store_t *s, const char *out)
{
	FILE *f = fopen(out, "w");
	int64_t from = YEAR_START, to = YEAR_START + YEAR_SECONDS;
	double t;

	if (f == NULL)
		bench_die("cannot write the report");
	if (!fm_export_whole_days(from, to, NULL, NULL))
		bench_die(
		    "2025 is not whole local days here (run with TZ=UTC)");
	t = bench_now_s();
	if (!fm_export_write(s, FM_EXPORT_BY_DEPARTMENT, from, to, "2025-01-01",
	        "2025-12-31", FM_EXPORT_CSV, f, NULL))
		bench_die("report failed");
	fflush(f);
	t = bench_now_s() - t;
	fclose(f);
	return t;
}

static void
bench(const char *db, int runs, int baseline_runs)
{
	static double ours[MAXRUNS], base[MAXRUNS];
	fm_store_t *s = open_store(db);
	double po, pb;
	FILE *f;

	for (int i = 0; i < runs; i++)
		ours[i] = time_ours(s, "/tmp/bench_report.ours.csv");
	fm_store_close(s);
	for (int i = 0; i < baseline_runs; i++)
		base[i] =
		    bench_time_export_sql(db, "/tmp/bench_report.base.csv",
		        YEAR_START, YEAR_START + YEAR_SECONDS);
	/* The same bytes as the export reading the ledger. */
	s = open_store(db);
	f = fopen("/tmp/bench_report.ledger.csv", "w");
	if (f == NULL ||
	    !fm_export_write_from(s, FM_EXPORT_BY_DEPARTMENT, YEAR_START,
	        YEAR_START + YEAR_SECONDS, "2025-01-01", "2025-12-31",
	        FM_EXPORT_CSV, f, NULL, true) ||
	    fclose(f) != 0)
		bench_die("the report from the ledger failed");
	fm_store_close(s);
	if (system("cmp -s /tmp/bench_report.ours.csv "
	           "/tmp/bench_report.ledger.csv") != 0)
		printf("WARNING: the reports from the aggregates and from the "
		       "ledger differ (/tmp/bench_report.ours.csv, "
		       "/tmp/bench_report.ledger.csv)\n");
	po = p95(ours, runs);
	pb = p95(base, baseline_runs);
	printf("per-department report of 2025, p95:\n"
	       "  from the aggregates (fm_export_write, %d runs): %8.3f s\n"
	       "  GROUP BY over the ledger (sqlite3, %d runs):    %8.3f s\n"
	       "  ratio: %.4f (target <= 0.05)\n",
	    runs, po, baseline_runs, pb, po / pb);
}

int
main(int argc, char **argv)
{
	int runs, baseline_runs;

	setenv("TZ", "UTC", 1);
	if (argc == 6 && strcmp(argv[1], "gen") == 0) {
		generate(argv[2], strtoll(argv[3], NULL, 10),
		    strtoll(argv[4], NULL, 10), strtoll(argv[5], NULL, 10));
		return 0;
	}
	if (argc >= 3 && argc <= 5 && strcmp(argv[1], "run") == 0) {
		runs = argc > 3 ? atoi(argv[3]) : 20;
		baseline_runs = argc > 4 ? atoi(argv[4]) : runs;
		if (runs < 1 || runs > MAXRUNS || baseline_runs < 1 ||
		    baseline_runs > MAXRUNS)
			bench_die("RUNS is 1 to 1000");
		bench(argv[2], runs, baseline_runs);
		return 0;
	}
	fprintf(stderr,
	    "usage: bench_report gen DB ROWS USERS DEPTS\n"
	    "       bench_report run DB [RUNS] [BASELINE_RUNS]\n");
	return 2;
}
