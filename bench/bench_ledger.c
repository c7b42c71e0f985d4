/*
 * bench_ledger.c - ledger benchmark (not a ctest test; no assertions on
 * timing).
 *
 *	bench_ledger [DIR] [CHARGES] [ROWS_SMALL] [ROWS_LARGE]
 *
 * 1. Fills a store with ROWS_SMALL (default 1,000,000) ledger rows --
 *    one INSERT ... SELECT from a recursive CTE, in one transaction, run
 *    by the sqlite3 shell -- then times CHARGES (default 20,000) charges
 *    (fm_ledger_reserve + fm_ledger_commit) in one process, then from 4
 *    processes at once each charging on its own, then from 4, 8 and 16
 *    processes linked to a ledger writer, as followmed's sessions charge
 *    (target >= 5,000/s).  The baseline is the disk: durable one-row
 *    transactions per second by the sqlite3 shell, i.e. what one fsync
 *    per charge would allow.
 * 2. Grows the same file to ROWS_LARGE (default 10,000,000) rows and times
 *    the department export (fm_export_write, CSV) of the whole range
 *    against `sqlite3 -csv` running the same GROUP BY on the same file,
 *    and prints the ratio (target <= 1.5).  Each is run twice, the better
 *    time counts, so both see a warm page cache.
 *
 * DIR (default /var/tmp) receives a temporary directory, removed at the
 * end; the 10M-row file takes about 2 GB.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/benchutil.h"
#include "quota/depts.h"
#include "quota/export.h"
#include "quota/ledger-link.h"
#include "quota/ledger-local.h"
#include "quota/ledger.h"
#include "quota/ledgerd.h"
#include "quota/price.h"
#include "quota/users.h"

#define NDEPTS 50
#define NUSERS 200

/* Appends rows first..last as committed charges spread over 2025. */
static void
generate(const char *db, int64_t first, int64_t last)
{
	char cmd[4096];
	double t = bench_now_s();

	snprintf(cmd, sizeof(cmd),
	    "sqlite3 '%s' \"BEGIN;"
	    " INSERT INTO ledger (id, at, account_id, kind, amount, held, user,"
	    " dept, printer, job_id, price_version, measured, media,"
	    " mono_simplex, mono_duplex, colour_simplex, colour_duplex, sheets,"
	    " prev_hash, hash)"
	    " WITH RECURSIVE c(i) AS (SELECT %" PRId64
	    " UNION ALL SELECT i + 1 FROM c WHERE i < %" PRId64 ")"
	    " SELECT i, 1735689600 + i * 31536000 / %" PRId64 ","
	    " %d + i %% %d, 'commit', -(1 + i %% 50), 0, 'u' || (i %% %d),"
	    " 'D' || ((i %% %d) %% %d), 'p' || (i %% 10), i, 1, 1, 'A4',"
	    " i %% 7, i %% 5, i %% 3, 0, i %% 9, zeroblob(32), zeroblob(32)"
	    " FROM c; COMMIT;\"",
	    db, first, last, last, NDEPTS + 1, NUSERS, NUSERS, NUSERS, NDEPTS);
	bench_run(cmd);
	printf("generated rows %" PRId64 "..%" PRId64 " in %.1f s\n", first,
	    last, bench_now_s() - t);
}

/* The ledger key beside the database at db (created on first use). */
static void
key_path(const char *db, char *buf, size_t size)
{
	const char *slash = strrchr(db, '/');
	int dirlen = slash != NULL ? (int)(slash - db) : 1;

	snprintf(buf, size, "%.*s/ledger.key", dirlen, slash ? db : ".");
}

/* The store at db, with the ledger key: charging here appends. */
static fm_store_t *
open_store(const char *db)
{
	const char *errstr = NULL;
	fm_store_t *s = fm_store_open(db, &errstr);
	char key[640];

	if (s == NULL)
		bench_die(errstr);
	key_path(db, key, sizeof(key));
	if (!fm_ledger_load_key(s, key, true, &errstr))
		bench_die(errstr);
	return s;
}

static void
setup(const char *db)
{
	struct fm_price_entry e = {"A4", 0, 0, false, 5};
	fm_store_t *s = open_store(db);
	const char *errstr = NULL;
	char code[16], login[16];

	/* Departments take account ids 1..NDEPTS, users the next NUSERS,
	 * as generate() assumes. */
	for (int i = 0; i < NDEPTS; i++) {
		snprintf(code, sizeof(code), "D%d", i);
		if (!fm_depts_add(s, code, code, &errstr))
			bench_die(errstr);
	}
	for (int i = 0; i < NUSERS; i++) {
		snprintf(login, sizeof(login), "u%d", i);
		snprintf(code, sizeof(code), "D%d", i % NDEPTS);
		if (!fm_users_add(s, login, login, code, &errstr))
			bench_die(errstr);
	}
	if (!fm_price_set(s, "", &e, "bench", NULL, &errstr))
		bench_die(errstr);
	fm_store_close(s);
}

/* n charges in a row; through the ledger writer at the end of link
 * unless it is -1. */
static double
charges(const char *db, int n, int64_t first_job, int link)
{
	struct fm_usage u = {"A4", {{4, 0}, {0, 0}}, {{4, 0}, {0, 0}}};
	fm_store_t *s = open_store(db);
	/* A link of -1 charges here: a handle of the same interface. */
	fm_ledger_t *l =
	    link >= 0 ? fm_ledger_link_open(s, link) : fm_ledger_local_open(s);
	struct fm_quote q;
	double t;

	if (l == NULL)
		bench_die("out of memory");
	if (!fm_price_quote(s, "p1", &u, &q))
		bench_die(q.error);
	t = bench_now_s();
	for (int i = 0; i < n; i++) {
		struct fm_reservation r;
		char key[32], ckey[32], login[16], denial[FM_LEDGER_DENIALMAX];
		const char *errstr = NULL;
		int64_t job = first_job + i;

		snprintf(key, sizeof(key), "b-%" PRId64, job);
		snprintf(ckey, sizeof(ckey), "b-%" PRId64 "-c", job);
		snprintf(login, sizeof(login), "u%d", i % NUSERS);
		struct fm_ledger_request req = {
		    login, NULL, q.amount, key, job, q.version};
		struct fm_ledger_settle settle = {
		    0, q.amount, true, "p1", &u, ckey};

		if (!fm_ledger_reserve(l, &req, &r, denial, sizeof(denial)))
			bench_die(denial);
		settle.reservation = r.id;
		if (!fm_ledger_commit(l, &settle, &errstr))
			bench_die(errstr);
	}
	t = bench_now_s() - t;
	fm_ledger_close(l);
	fm_store_close(s);
	return n / t;
}

/* The same from procs processes at once, as several terminals' sessions
 * charge side by side: n charges in all; each through its own link to
 * the ledger writer at the other end of control, unless it is -1. */
static double
charges_concurrent(
    const char *db, int n, int64_t first_job, int procs, int control)
{
	double t = bench_now_s();
	int status, failed = 0;

	fflush(stdout);
	for (int p = 0; p < procs; p++) {
		int link = control >= 0 ? fm_ledgerd_link(control) : -1;
		pid_t pid;

		if (control >= 0 && link < 0)
			bench_die("no link to the ledger writer");
		if ((pid = fork()) < 0)
			bench_die("fork");
		if (pid == 0)
			_exit(
			    charges(db, n / procs,
			        first_job + (int64_t)p * (n / procs), link) > 0
			        ? 0
			        : 1);
		if (link >= 0)
			close(link);
	}
	for (int p = 0; p < procs; p++)
		if (wait(&status) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			failed++;
	if (failed)
		bench_die("a charging process failed");
	return (n / procs) * procs / (bench_now_s() - t);
}

/* Starts a ledger writer on db, as followmed does; *control links to
 * it.  It prints how it batched the requests when control closes. */
static pid_t
start_writer(const char *db, int *control)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		bench_die("socketpair");
	fflush(stdout);
	if ((pid = fork()) < 0)
		bench_die("fork");
	if (pid == 0) {
		struct fm_ledgerd_stats st;
		int rc;

		close(sv[0]);
		char key[640];

		key_path(db, key, sizeof(key));
		rc = fm_ledgerd_run(db, key, sv[1], &st);
		/* Where the writer's time goes, beside the wall time that
		 * the machine's other load makes noisy: its CPU and the
		 * blocks it wrote per request (a charge is two requests). */
		struct rusage ru;

		memset(&ru, 0, sizeof(ru));
		double cpu = 0, req = st.requests ? (double)st.requests : 1;

		if (getrusage(RUSAGE_SELF, &ru) == 0)
			cpu = (double)ru.ru_utime.tv_sec +
			    (double)ru.ru_stime.tv_sec +
			    ((double)ru.ru_utime.tv_usec +
			        (double)ru.ru_stime.tv_usec) /
			        1e6;
		printf("  (ledger writer: %" PRIu64 " requests in %" PRIu64
		       " transactions, %.1f per transaction; CPU %.2f s ="
		       " %.0f us per request, %.2f blocks written per"
		       " request)\n",
		    st.requests, st.batches,
		    st.batches ? (double)st.requests / (double)st.batches : 0.0,
		    cpu, cpu * 1e6 / req, (double)ru.ru_oublock / req);
		fflush(stdout);
		_exit(rc);
	}
	close(sv[1]);
	*control = sv[0];
	return pid;
}

static void
stop_writer(pid_t pid, int control)
{
	close(control);
	waitpid(pid, NULL, 0);
}

/* Durable one-row transactions per second the disk allows (WAL,
 * synchronous=FULL, as the store runs).  A charge waits for one fsync
 * (the commit's; the reservation rides on it), so this bounds the charge
 * rate whatever the code does. */
static double
fsync_limit(const char *dir)
{
	char path[700], cmd[1600];
	FILE *f;
	double t;
	int n = 2000;

	snprintf(path, sizeof(path), "%s/fsync.sql", dir);
	if ((f = fopen(path, "w")) == NULL)
		bench_die("cannot write fsync.sql");
	fputs("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
	      " CREATE TABLE t (a);\n",
	    f);
	for (int i = 0; i < n; i++)
		fprintf(f,
		    "BEGIN IMMEDIATE; INSERT INTO t VALUES (%d); COMMIT;\n", i);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s/fsync.db' < '%s' > /dev/null",
	    dir, path);
	t = bench_now_s();
	bench_run(cmd);
	return n / (bench_now_s() - t);
}

static double
time_ours(const char *db, const char *out)
{
	fm_store_t *s = open_store(db);
	FILE *f = fopen(out, "w");
	double t;

	if (f == NULL)
		bench_die("cannot write the export");
	t = bench_now_s();
	if (!fm_export_write(s, FM_EXPORT_BY_DEPARTMENT, 0, INT64_MAX / 2,
	        "1970-01-01", "9999-12-31", FM_EXPORT_CSV, f, NULL))
		bench_die("export failed");
	fflush(f);
	t = bench_now_s() - t;
	fclose(f);
	fm_store_close(s);
	return t;
}

int
main(int argc, char **argv)
{
	const char *base = argc > 1 ? argv[1] : "/var/tmp";
	int n = argc > 2 ? atoi(argv[2]) : 20000;
	int64_t small = argc > 3 ? strtoll(argv[3], NULL, 10) : 1000000;
	int64_t large = argc > 4 ? strtoll(argv[4], NULL, 10) : 10000000;
	char dir[512], db[600], out[600], cmd[700];
	double rate, disk, ours = 1e9, theirs = 1e9;
	int64_t first;

	setenv("TZ", "UTC", 1);
	snprintf(dir, sizeof(dir), "%s/fm-bench-XXXXXX", base);
	if (mkdtemp(dir) == NULL)
		bench_die("cannot create a temporary directory");
	snprintf(db, sizeof(db), "%s/followme.db", dir);
	setup(db);
	generate(db, 1, small);
	disk = fsync_limit(dir);
	printf("disk: %.0f durable transactions/s (WAL, synchronous=FULL) -> "
	       "at most that many charges/s (one fsync per charge)\n",
	    disk);
	rate = charges(db, n, small + 1, -1);
	printf("charges (reserve + commit) into %" PRId64 " rows, one "
	       "process: %d in %.2f s = %.0f charges/s = %.2f x disk\n",
	    small, n, n / rate, rate, rate / disk);
	first = small + n + 1;
	rate = charges_concurrent(db, n, first, 4, -1);
	printf("charges from 4 processes at once, each on its own: "
	       "%d in %.2f s = %.0f charges/s = %.2f x disk\n",
	    n, n / rate, rate, rate / disk);
	for (int procs = 4; procs <= 16; procs *= 2) {
		int control;
		pid_t writer = start_writer(db, &control);

		first += n;
		rate = charges_concurrent(db, n, first, procs, control);
		printf("charges from %d sessions through the ledger writer "
		       "(as followmed runs): %d in %.2f s = %.0f charges/s = "
		       "%.2f x disk (target >= 5000)\n",
		    procs, n, n / rate, rate, rate / disk);
		fflush(stdout);
		stop_writer(writer, control);
	}
	/* Each charge wrote two rows. */
	generate(db, small + 2 * (first + n - 1 - small) + 1, large);
	for (int i = 0; i < 2; i++) {
		double a, b;
		snprintf(out, sizeof(out), "%s/ours.csv", dir);
		a = time_ours(db, out);
		snprintf(out, sizeof(out), "%s/sqlite3.csv", dir);
		b = bench_time_export_sql(db, out, 0, INT64_MAX / 2);
		printf("export by department of %" PRId64 " rows: followme "
		       "%.2f s, sqlite3 -csv %.2f s\n",
		    large, a, b);
		ours = a < ours ? a : ours;
		theirs = b < theirs ? b : theirs;
	}
	printf("export ratio followme / sqlite3 = %.2f (target <= 1.5)\n",
	    ours / theirs);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	bench_run(cmd);
	return 0;
}
