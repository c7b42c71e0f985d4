/*
 * test_ledger.c - unit tests for quota/ledger.c: overdraft, payer order,
 * reserve/commit/refund, idempotency, concurrency and the hash chain.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <signal.h>
#include <sys/wait.h>

#include "quota/accounts.h"
#include "quota/depts.h"
#include "store/groupsync.h"
#include "quota/ledger.h"
#include "quota/policy.h"
#include "store/store-private.h"
#include "quota/users.h"
#include "tests/unit/harness.h"
#include "tests/unit/ledger_fixture.h"
#include "tests/unit/store_fixture.h"

/* What a reservation came to: r if granted, else the denial. */
struct outcome {
	struct fm_reservation r;
	char denial[FM_LEDGER_DENIALMAX];
};

/* Reserves amount for user on account (NULL: whoever pays first) under
 * key, for job, at price version 0. */
static bool
reserve(fm_store_t *s, const char *user, const char *account, int64_t amount,
    const char *key, int64_t job, struct outcome *o)
{
	return fixture_reserve(s, user, account, amount, key, job, 0, &o->r,
	    o->denial, sizeof(o->denial));
}

/* alice (restricted, in O10) with user_money and O10 with dept_money. */
static bool
setup(fm_store_t *s, int64_t user_money, int64_t dept_money)
{
	struct fm_account a;
	const char *errstr = NULL;

	if (!fm_depts_add(s, "O10", "Finance", &errstr) ||
	    !fm_users_add(s, "alice", "Alice A", "O10", &errstr) ||
	    !fm_accounts_find(s, "user", "alice", &a) ||
	    !fm_accounts_set_limits(s, a.id, true, 0))
		return false;
	if (user_money != 0 &&
	    !fm_ledger_adjust(s, a.id, user_money, false, "start", "test", NULL,
	        NULL, &errstr))
		return false;
	if (!fm_accounts_find(s, "department", "O10", &a))
		return false;
	return dept_money == 0 ||
	    fm_ledger_adjust(s, a.id, dept_money, false, "start", "test", NULL,
	        NULL, &errstr);
}

static void
test_reserve_commit_refund(fm_store_t *s)
{
	struct outcome o, o2;
	const char *errstr = NULL;
	struct fm_groupsync_stats sync0, sync1, sync2;

	ASSERT_TRUE(setup(s, 500, 0));
	/* Group commit: SQLite does not sync, fm_store_commit() does. */
	ASSERT_INT_EQ(fixture_synchronous(s), 1);
	fm_store_sync_stats(s, &sync0);
	ASSERT_TRUE(reserve(s, "alice", NULL, 120, "rel-1", 1, &o));
	ASSERT_INT_EQ(o.r.amount, 120);
	ASSERT_FALSE(o.r.replayed);
	/* The reservation does not wait for the disk... */
	fm_store_sync_stats(s, &sync1);
	ASSERT_INT_EQ(sync1.waits, sync0.waits);
	ASSERT_INT_EQ(fixture_held(s, "user", "alice"), 120);
	ASSERT_TRUE(fixture_commit(
	    s, o.r.id, 100, true, "lobby", NULL, "rel-1-commit", &errstr));
	/* ...but its laxity must not leak: the commit syncs (alone, it
	 * syncs itself). */
	fm_store_sync_stats(s, &sync2);
	ASSERT_INT_EQ(sync2.waits, sync1.waits + 1);
	ASSERT_INT_EQ(sync2.syncs, sync1.syncs + 1);
	ASSERT_INT_EQ(fixture_balance(s, "user", "alice"), 400);
	ASSERT_INT_EQ(fixture_held(s, "user", "alice"), 0);
	ASSERT_INT_EQ(fm_ledger_job_charged(s, 1), 100);
	/* Settled: a commit under another key is refused. */
	ASSERT_FALSE(fixture_commit(
	    s, o.r.id, 100, true, "lobby", NULL, "other", &errstr));
	ASSERT_STR_CONTAINS(errstr, "already settled");
	ASSERT_TRUE(reserve(s, "alice", NULL, 50, "rel-2", 2, &o2));
	ASSERT_TRUE(fixture_refund(s, o2.r.id, "rel-2-refund", &errstr));
	ASSERT_INT_EQ(fixture_balance(s, "user", "alice"), 400);
	ASSERT_INT_EQ(fixture_held(s, "user", "alice"), 0);
	ASSERT_FALSE(fixture_commit(s, 999, 1, true, "p", NULL, "k", &errstr));
	ASSERT_STR_CONTAINS(errstr, "no such reservation");
	ASSERT_FALSE(
	    fixture_commit(s, o2.r.id, -1, true, "p", NULL, "k2", &errstr));
	/* Admin refund of a committed job, once. */
	int64_t back = 0;
	ASSERT_TRUE(
	    fm_ledger_refund_job(s, 1, "jammed", "root", &back, &errstr));
	ASSERT_INT_EQ(back, 100);
	ASSERT_INT_EQ(fixture_balance(s, "user", "alice"), 500);
	ASSERT_FALSE(
	    fm_ledger_refund_job(s, 1, "again", "root", &back, &errstr));
	ASSERT_STR_CONTAINS(errstr, "already refunded");
	ASSERT_FALSE(fm_ledger_refund_job(s, 2, "x", "root", &back, &errstr));
	ASSERT_TRUE(fixture_verify(s, NULL));
}

static void
test_overdraft(fm_store_t *s)
{
	struct outcome o;
	struct fm_account a;

	ASSERT_TRUE(setup(s, 100, 0));
	ASSERT_TRUE(fm_accounts_find(s, "user", "alice", &a));
	ASSERT_TRUE(fm_accounts_set_limits(s, a.id, true, 50));
	ASSERT_FALSE(reserve(s, "alice", NULL, 190, "k1", 1, &o));
	ASSERT_STR_EQ(o.denial, "needs 0.40 more");
	ASSERT_INT_EQ(fixture_held(s, "user", "alice"), 0);
	ASSERT_TRUE(reserve(s, "alice", NULL, 150, "k2", 1, &o));
	ASSERT_FALSE(reserve(s, "alice", NULL, 1, "k3", 2, &o));
	ASSERT_STR_EQ(o.denial, "needs 0.01 more");
	/* Unrestricted: no limit at all. */
	ASSERT_TRUE(fm_accounts_set_limits(s, a.id, false, -1));
	ASSERT_TRUE(reserve(s, "alice", NULL, 100000, "k4", 2, &o));
	/* Disabled users are refused whatever their balance. */
	ASSERT_TRUE(fm_users_set_enabled(s, "alice", false));
	ASSERT_FALSE(reserve(s, "alice", NULL, 1, "k5", 3, &o));
	ASSERT_STR_EQ(o.denial, "account disabled");
	ASSERT_FALSE(reserve(s, "alice", NULL, -1, "k6", 3, &o));
	ASSERT_FALSE(reserve(s, "bad user!", NULL, 1, "k7", 3, &o));
	ASSERT_STR_EQ(o.denial, "unknown user");
}

static bool
collect_overdrawn(const struct fm_ledger_overdrawn *o, void *arg)
{
	struct fm_ledger_overdrawn *rows = arg;

	for (int i = 0; i < 4; i++)
		if (rows[i].id == 0) {
			rows[i] = *o;
			break;
		}
	return true;
}

/* A commit past the overdraft (the printer counted more than was
 * reserved) still stands, and is listed: once, with what was reserved,
 * charged and left.  Commits within the overdraft, and an unrestricted
 * account's, are not. */
static void
test_overdrawn_commit_listed(fm_store_t *s)
{
	struct fm_ledger_overdrawn rows[4];
	const char *errstr = NULL;
	struct outcome o;
	struct fm_account a;

	ASSERT_TRUE(setup(s, 5, 0));
	/* within the reservation: not listed */
	ASSERT_TRUE(reserve(s, "alice", NULL, 5, "ok-1", 1, &o));
	ASSERT_TRUE(
	    fixture_commit(s, o.r.id, 3, true, "p", NULL, "ok-1-c", &errstr));
	memset(rows, 0, sizeof(rows));
	ASSERT_TRUE(fm_ledger_overdrawn_each(s, collect_overdrawn, rows));
	ASSERT_INT_EQ(rows[0].id, 0);
	/* 0.02 left, 0.02 reserved, the printer counted 0.30 worth */
	ASSERT_TRUE(reserve(s, "alice", NULL, 2, "over-1", 2, &o));
	ASSERT_TRUE(fixture_commit(
	    s, o.r.id, 30, true, "lobby", NULL, "over-1-c", &errstr));
	ASSERT_INT_EQ(fixture_balance(s, "user", "alice"), -28);
	memset(rows, 0, sizeof(rows));
	ASSERT_TRUE(fm_ledger_overdrawn_each(s, collect_overdrawn, rows));
	ASSERT_INT_EQ(rows[0].job_id, 2);
	ASSERT_STR_EQ(rows[0].user, "alice");
	ASSERT_STR_EQ(rows[0].account_kind, "user");
	ASSERT_STR_EQ(rows[0].account_name, "alice");
	ASSERT_STR_EQ(rows[0].printer, "lobby");
	ASSERT_INT_EQ(rows[0].reserved, 2);
	ASSERT_INT_EQ(rows[0].charged, 30);
	ASSERT_INT_EQ(rows[0].balance_after, -28);
	ASSERT_INT_EQ(rows[0].overdraft, 0);
	ASSERT_INT_EQ(rows[1].id, 0);
	/* with an overdraft of 0.50 it was within bounds */
	ASSERT_TRUE(fm_accounts_find(s, "user", "alice", &a));
	ASSERT_TRUE(fm_accounts_set_limits(s, a.id, true, 50));
	memset(rows, 0, sizeof(rows));
	ASSERT_TRUE(fm_ledger_overdrawn_each(s, collect_overdrawn, rows));
	ASSERT_INT_EQ(rows[0].id, 0);
	ASSERT_TRUE(fixture_verify(s, NULL));
}

static void
test_payer_order(fm_store_t *s)
{
	struct outcome o;
	const char *errstr = NULL;

	ASSERT_TRUE(setup(s, 30, 100));
	/* User first: alice pays 30, the department the other 20. */
	ASSERT_TRUE(reserve(s, "alice", NULL, 50, "a", 1, &o));
	ASSERT_INT_EQ(fixture_held(s, "user", "alice"), 30);
	ASSERT_INT_EQ(fixture_held(s, "department", "O10"), 20);
	/* Measured more than the estimate: the excess goes to the last
	 * payer. */
	ASSERT_TRUE(
	    fixture_commit(s, o.r.id, 60, true, "p", NULL, "a-c", &errstr));
	ASSERT_INT_EQ(fixture_balance(s, "user", "alice"), 0);
	ASSERT_INT_EQ(fixture_balance(s, "department", "O10"), 70);
	ASSERT_INT_EQ(fixture_held(s, "department", "O10"), 0);
	/* Department first. */
	ASSERT_TRUE(fm_policy_set(s, "payer", "department-first", &errstr));
	ASSERT_TRUE(reserve(s, "alice", NULL, 70, "b", 2, &o));
	ASSERT_INT_EQ(fixture_held(s, "department", "O10"), 70);
	ASSERT_INT_EQ(fixture_held(s, "user", "alice"), 0);
	ASSERT_FALSE(reserve(s, "alice", NULL, 1, "c", 3, &o));
	ASSERT_STR_EQ(o.denial, "needs 0.01 more");
	ASSERT_FALSE(fm_policy_set(s, "payer", "nobody-first", &errstr));
}

static void
test_chosen_account(fm_store_t *s)
{
	struct outcome o;
	const char *errstr = NULL;

	ASSERT_TRUE(setup(s, 0, 100));
	ASSERT_TRUE(fm_depts_add(s, "O20", "Sales", &errstr));
	ASSERT_TRUE(reserve(s, "alice", "O10", 10, "a", 1, &o));
	ASSERT_FALSE(reserve(s, "alice", "O20", 10, "b", 1, &o));
	ASSERT_STR_EQ(o.denial, "may not charge O20");
	ASSERT_FALSE(reserve(s, "alice", "X99", 10, "c", 1, &o));
	ASSERT_STR_EQ(o.denial, "no account X99");
	/* A project: only for members, and it pays alone. */
	struct fm_account p;
	ASSERT_TRUE(fm_accounts_add_project(s, "P1", &errstr));
	ASSERT_FALSE(fm_accounts_add_project(s, "O20", &errstr));
	ASSERT_TRUE(fm_accounts_find(s, "project", "P1", &p));
	ASSERT_TRUE(fm_accounts_set_limits(s, p.id, false, -1));
	ASSERT_FALSE(reserve(s, "alice", "P1", 10, "d", 1, &o));
	ASSERT_STR_EQ(o.denial, "may not charge P1");
	ASSERT_TRUE(fm_accounts_allow(s, p.id, "alice", &errstr));
	ASSERT_TRUE(fm_accounts_allow(s, p.id, "alice", &errstr));
	ASSERT_FALSE(fm_accounts_allow(s, p.id, "nobody", &errstr));
	ASSERT_TRUE(reserve(s, "alice", "P1", 10, "e", 1, &o));
	ASSERT_INT_EQ(fixture_held(s, "project", "P1"), 10);
	ASSERT_INT_EQ(fixture_held(s, "user", "alice"), 0);
}

/* Forks a second process that opens the store at fx->path itself and
 * exits with work(c, arg), or 1 if it cannot open it; its pid, or -1. */
static pid_t
fork_charger(
    const struct fixture *fx, int (*work)(fm_store_t *c, int arg), int arg)
{
	pid_t pid = fork();

	if (pid == 0) {
		fm_store_t *c = fixture_store_open(fx->path);

		_exit(c == NULL ? 1 : work(c, arg));
	}
	return pid;
}

/* Waits for pid: true if it exited, with status 0. */
static bool
exited_ok(pid_t pid)
{
	int status;

	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0;
}

/* Job 42 charged (reserve 300, commit 250), the store left as it is, as
 * if followmed crashed right after the commit but before hearing about
 * it: 0, or 1 if a step failed. */
static int
charge_42_and_crash(fm_store_t *c, int unused)
{
	struct outcome o;
	const char *e;

	(void)unused;
	if (!reserve(c, "alice", NULL, 300, "release-42", 42, &o) ||
	    !fixture_commit(
	        c, o.r.id, 250, true, "p", NULL, "release-42-commit", &e))
		return 1;
	return 0;
}

static void
test_retry_after_crash(struct fixture *fx)
{
	fm_store_t *s = fx->store;
	struct outcome o;
	const char *errstr = NULL;
	pid_t pid;

	ASSERT_TRUE(setup(s, 1000, 0));
	ASSERT_TRUE((pid = fork_charger(fx, charge_42_and_crash, 0)) > 0);
	ASSERT_TRUE(exited_ok(pid));
	/* The restarted service retries both steps with the same keys. */
	ASSERT_TRUE(reserve(s, "alice", NULL, 300, "release-42", 42, &o));
	ASSERT_TRUE(o.r.replayed);
	ASSERT_INT_EQ(o.r.amount, 300);
	ASSERT_TRUE(fixture_commit(
	    s, o.r.id, 250, true, "p", NULL, "release-42-commit", &errstr));
	ASSERT_INT_EQ(fixture_balance(s, "user", "alice"), 750);
	ASSERT_INT_EQ(fixture_held(s, "user", "alice"), 0);
	ASSERT_INT_EQ(fm_ledger_job_charged(s, 42), 250);
}

/* Charges job i (reserve 9, commit 5) under keys derived from i. */
static bool
charge_job(fm_store_t *s, int i)
{
	struct outcome o;
	char key[32], ckey[32];
	const char *e;

	snprintf(key, sizeof(key), "kill-%d", i);
	snprintf(ckey, sizeof(ckey), "kill-%d-c", i);
	return reserve(s, "alice", NULL, 9, key, 1000 + i, &o) &&
	    fixture_commit(s, o.r.id, 5, true, "p", NULL, ckey, &e);
}

/* Charges jobs 0, 1, ... until killed: 2 if a charge fails, 1 if it
 * runs out of jobs. */
static int
charge_until_killed(fm_store_t *c, int unused)
{
	(void)unused;
	for (int i = 0; i < 100000; i++)
		if (!charge_job(c, i))
			return 2;
	return 1;
}

static void
test_killed_mid_charge(struct fixture *fx)
{
	fm_store_t *s = fx->store;
	int64_t rows = 0;
	int status;
	pid_t pid;

	ASSERT_TRUE(setup(s, 100000, 0));
	/* The child charges until SIGKILL stops it at some arbitrary point,
	 * perhaps inside a transaction or between reserve and commit. */
	ASSERT_TRUE((pid = fork_charger(fx, charge_until_killed, 0)) > 0);
	usleep(300 * 1000);
	kill(pid, SIGKILL);
	ASSERT_TRUE(waitpid(pid, &status, 0) == pid);
	ASSERT_TRUE(WIFSIGNALED(status));
	/* Recovery retries every charge the child may have started, and a
	 * few more; each must be applied exactly once. */
	int64_t done = 0;
	for (int i = 0; i < 100000; i++) {
		if (fm_ledger_job_charged(s, 1000 + i) == 0 && i > 0 &&
		    fm_ledger_job_charged(s, 1000 + i - 1) == 0 &&
		    fm_ledger_job_charged(s, 1000 + i + 1) == 0)
			break;
		done = i + 1;
	}
	for (int i = 0; i < done + 5; i++)
		ASSERT_TRUE(charge_job(s, i));
	ASSERT_TRUE(done > 0);
	ASSERT_INT_EQ(
	    fixture_balance(s, "user", "alice"), 100000 - 5 * (done + 5));
	ASSERT_INT_EQ(fixture_held(s, "user", "alice"), 0);
	ASSERT_TRUE(fixture_verify(s, &rows));
	ASSERT_INT_EQ(rows, 1 + 2 * (done + 5));
}

#define PER_CHILD 150

/* Process p's PER_CHILD charges (reserve 7, commit 3) to O10: 0, or 2 if
 * one fails. */
static int
charge_as_process(fm_store_t *c, int p)
{
	const char *e;

	for (int i = 0; i < PER_CHILD; i++) {
		struct outcome o;
		char key[64], ckey[64];

		snprintf(key, sizeof(key), "p%d-%d", p, i);
		snprintf(ckey, sizeof(ckey), "p%d-%d-c", p, i);
		if (!reserve(c, "alice", "O10", 7, key, 1 + i, &o) ||
		    !fixture_commit(c, o.r.id, 3, true, "p", NULL, ckey, &e))
			return 2;
	}
	fm_store_close(c);
	return 0;
}

static void
test_concurrent_processes(struct fixture *fx)
{
	fm_store_t *s = fx->store;
	int64_t rows = 0;
	pid_t pids[2];

	ASSERT_TRUE(setup(s, 0, 100000));
	for (int p = 0; p < 2; p++)
		ASSERT_TRUE(
		    (pids[p] = fork_charger(fx, charge_as_process, p)) > 0);
	for (int p = 0; p < 2; p++)
		ASSERT_TRUE(exited_ok(pids[p]));
	ASSERT_INT_EQ(fixture_balance(s, "department", "O10"),
	    100000 - 2 * PER_CHILD * 3);
	ASSERT_INT_EQ(fixture_held(s, "department", "O10"), 0);
	ASSERT_TRUE(fixture_verify(s, &rows));
	ASSERT_INT_EQ(rows, 1 + 4 * PER_CHILD);
}

static int
sqlite_cli(const char *path, const char *sql)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"%s\"", path, sql);
	return system(cmd);
}

static void
test_hash_chain(struct fixture *fx)
{
	fm_store_t *s = fx->store;
	struct outcome o;
	const char *errstr = NULL;
	char report[2048];
	int64_t rows = 0;
	static const struct {
		const char *sql, *report, *also;
	} tampered[] = {
	    {"DROP TRIGGER ledger_no_update; DROP TRIGGER ledger_no_delete; "
	     "UPDATE ledger SET amount = 0 WHERE id = 3; UPDATE accounts SET "
	     "balance = balance + 10 WHERE kind = 'user'",
	        "row 3: content does not match its MAC", NULL},
	    /* Deleting a row in the middle breaks the link of the next. */
	    {"DELETE FROM ledger WHERE id = 5", "row 6: does not follow row 4",
	        NULL},
	    /* Deleting the newest row shows against the chain head, and the
	     * cached balance no longer matches the ledger. */
	    {"DELETE FROM ledger WHERE id = 7", "chain head names row 7",
	        "account user alice: cached balance"},
	};

	ASSERT_TRUE(setup(s, 1000, 0));
	for (int i = 1; i <= 3; i++) {
		char k[16], c[16];
		snprintf(k, sizeof(k), "r%d", i);
		snprintf(c, sizeof(c), "c%d", i);
		ASSERT_TRUE(reserve(s, "alice", NULL, 10, k, i, &o));
		ASSERT_TRUE(
		    fixture_commit(s, o.r.id, 10, true, "p", NULL, c, &errstr));
	}
	ASSERT_TRUE(fixture_verify(s, &rows));
	ASSERT_INT_EQ(rows, 7);
	fm_store_close(s);
	fx->store = NULL;
	/* The triggers refuse edits through SQL... */
	ASSERT_TRUE(sqlite_cli(fx->path,
	                "UPDATE ledger SET amount = 0 "
	                "WHERE id = 3") != 0);
	/* ...but someone with the file can drop them; verify catches each
	 * tampering, one on top of the other. */
	for (EACH_ROW(i, tampered)) {
		fm_store_close(fx->store);
		fx->store = NULL;
		ASSERT_INT_EQ(sqlite_cli(fx->path, tampered[i].sql), 0);
		fx->store = s = fixture_store_open(fx->path);
		ASSERT_NOT_NULL(s);
		ASSERT_FALSE(
		    fm_ledger_verify(s, &rows, report, sizeof(report)));
		ASSERT_STR_CONTAINS(report, tampered[i].report);
		if (tampered[i].also != NULL)
			ASSERT_STR_CONTAINS(report, tampered[i].also);
	}
}

/* Reopens fx's store after sql ran on its file (NULL: none), with key
 * (NULL: none): as another process would see it. */
static fm_store_t *
reopen(struct fixture *fx, const char *sql, const uint8_t *key)
{
	const char *errstr = NULL;

	fm_store_close(fx->store);
	fx->store = NULL;
	if (sql != NULL && sqlite_cli(fx->path, sql) != 0)
		return NULL;
	fx->store = fm_store_open(fx->path, &errstr);
	if (key != NULL)
		fm_ledger_set_key(fx->store, key);
	return fx->store;
}

/*
 * The chain is keyed with the ledger key: a process without it can
 * neither charge nor verify; another key, a moved or removed record of
 * where keying starts, are all reported; a missing key file is a clear
 * error, and a new one starts the keyed chain after the rows there.
 */
static void
test_ledger_key(struct fixture *fx)
{
	static const uint8_t other[FM_LEDGER_LEDGERKEYLEN] = {'x'};
	fm_store_t *s = fx->store;
	struct outcome o;
	const char *errstr = NULL;
	char report[2048], path[160];
	int64_t rows = 0;

	ASSERT_TRUE(setup(s, 1000, 0));
	ASSERT_TRUE(reserve(s, "alice", NULL, 10, "k1", 1, &o));
	ASSERT_INT_EQ(fm_ledger_keyed_from(s), 1);
	ASSERT_TRUE(fixture_verify(s, &rows));
	/* Without the key: no charge, no verification. */
	ASSERT_NOT_NULL((s = reopen(fx, NULL, NULL)));
	ASSERT_FALSE(reserve(s, "alice", NULL, 10, "k2", 2, &o));
	ASSERT_FALSE(fm_ledger_verify(s, &rows, report, sizeof(report)));
	ASSERT_STR_CONTAINS(report, "no ledger key");
	/* Another key: every keyed row and the record fail. */
	ASSERT_NOT_NULL((s = reopen(fx, NULL, other)));
	ASSERT_FALSE(fm_ledger_verify(s, &rows, report, sizeof(report)));
	ASSERT_STR_CONTAINS(report, "row 1: content does not match its MAC");
	ASSERT_STR_CONTAINS(report, "does not carry the key's MAC");
	/* The key file: missing is an error unless created. */
	snprintf(path, sizeof(path), "%s/none.key", fx->dir);
	ASSERT_FALSE(fm_ledger_load_key(s, path, false, &errstr));
	ASSERT_STR_EQ(errstr, "the key file does not exist");
	ASSERT_TRUE(fm_ledger_load_key(s, fx->ledger_key, false, &errstr));
	ASSERT_TRUE(fm_ledger_verify(s, &rows, report, sizeof(report)));
	/* Moving where keying starts (to call keyed rows unkeyed) is seen. */
	ASSERT_NOT_NULL(
	    (s = reopen(fx, "UPDATE ledger_keying SET keyed_from = 99",
	         fixture_ledger_key)));
	ASSERT_FALSE(fm_ledger_verify(s, &rows, report, sizeof(report)));
	ASSERT_STR_CONTAINS(report, "does not carry the key's MAC");
	/* So is removing it, and nothing is charged on top of that. */
	ASSERT_NOT_NULL(
	    (s = reopen(fx, "DELETE FROM ledger_keying", fixture_ledger_key)));
	ASSERT_FALSE(fm_ledger_verify(s, &rows, report, sizeof(report)));
	ASSERT_STR_CONTAINS(report, "no row is keyed");
	ASSERT_FALSE(reserve(s, "alice", NULL, 10, "k3", 3, &o));
	/* A new key (as after an upgrade) keys the rows after those there. */
	ASSERT_TRUE(fm_ledger_load_key(s, path, true, &errstr));
	ASSERT_INT_EQ(fm_ledger_keyed_from(s), rows + 1);
	ASSERT_TRUE(reserve(s, "alice", NULL, 10, "k4", 4, &o));
}

#define DAY0 INT64_C(1767225600) /* 2026-01-01 UTC */

static void
test_closed_period(fm_store_t *s)
{
	const char *errstr = NULL;
	struct fm_account a;

	ASSERT_TRUE(setup(s, 0, 0));
	ASSERT_TRUE(fm_accounts_find(s, "user", "alice", &a));
	fm_store_set_now(s, DAY0 + 86400 * 3);
	ASSERT_FALSE(fm_ledger_close_period(s, DAY0 + 86400 * 3, &errstr));
	ASSERT_STR_CONTAINS(errstr, "over");
	ASSERT_TRUE(fm_ledger_close_period(s, DAY0, &errstr));
	ASSERT_INT_EQ(fm_ledger_closed_until(s), DAY0 + 86400);
	ASSERT_FALSE(fm_ledger_close_period(s, DAY0 - 86400, &errstr));
	/* A clock set back into the closed period cannot write there. */
	fm_store_set_now(s, DAY0 + 3600);
	ASSERT_FALSE(fm_ledger_adjust(
	    s, a.id, 5, false, "late", "root", NULL, NULL, &errstr));
	fm_store_set_now(s, 0);
	ASSERT_TRUE(fm_ledger_adjust(
	    s, a.id, 5, false, "now", "root", NULL, NULL, &errstr));
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	RUN_STORE(test_reserve_commit_refund);
	RUN_STORE(test_overdraft);
	RUN_STORE(test_overdrawn_commit_listed);
	RUN_STORE(test_payer_order);
	RUN_STORE(test_chosen_account);
	RUN_FIXTURE(test_retry_after_crash);
	RUN_FIXTURE(test_concurrent_processes);
	RUN_FIXTURE(test_killed_mid_charge);
	RUN_FIXTURE(test_hash_chain);
	RUN_FIXTURE(test_ledger_key);
	RUN_STORE(test_closed_period);
	return harness_done();
}
