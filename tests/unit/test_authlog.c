/*
 * test_authlog.c - unit tests for store/authlog.c: attempts reserved
 * before the check, the user's lockout, the terminal's growing delay,
 * one check at a time per terminal, and processes racing for the last
 * attempts of a user.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/wait.h>

#include "store/authlog.h"
#include "tests/unit/harness.h"
#include "tests/unit/store_fixture.h"

#define T0 1000000

static const struct fm_authlog_limits lim = {
    .window = 300, .max = 3, .delay_max = 20, .busy_max = 15};

/* One check of user at terminal at now, reserved and settled with
 * outcome; the verdict of the reservation. */
static enum fm_authlog_verdict
attempt(fm_store_t *s, const char *terminal, const char *user, bool slow,
    int64_t now, enum fm_authlog_outcome outcome)
{
	struct fm_authlog_attempt a;
	enum fm_authlog_verdict v;

	v = fm_authlog_reserve(s, &lim, terminal, user, slow, now, &a);
	if (v == FM_AUTHLOG_GO && !fm_authlog_settle(s, &a, outcome, now))
		return FM_AUTHLOG_ERROR;
	return v;
}

static int64_t
failures(fm_store_t *s, const char *kind, const char *key)
{
	char sql[160];

	snprintf(sql, sizeof(sql),
	    "SELECT count(*) FROM auth_failures WHERE kind = '%s' AND key = "
	    "'%s'",
	    kind, key);
	return fixture_int(s, sql);
}

/* max failures lock the user out until the oldest leaves the window,
 * at whichever terminal they happen. */
static void
test_user_lockout(fm_store_t *s)
{
	struct fm_authlog_attempt a;

	ASSERT_INT_EQ(attempt(s, "t1", "alice", false, T0, FM_AUTHLOG_FAILED),
	    FM_AUTHLOG_GO);
	ASSERT_INT_EQ(
	    attempt(s, "t2", "alice", false, T0 + 10, FM_AUTHLOG_FAILED),
	    FM_AUTHLOG_GO);
	ASSERT_INT_EQ(
	    attempt(s, "t3", "alice", false, T0 + 20, FM_AUTHLOG_FAILED),
	    FM_AUTHLOG_GO);
	ASSERT_INT_EQ(
	    fm_authlog_reserve(s, &lim, "t4", "alice", false, T0 + 30, &a),
	    FM_AUTHLOG_USER_LOCKED);
	ASSERT_INT_EQ(a.until, T0 + 300);
	/* The refusal counted nothing. */
	ASSERT_INT_EQ(failures(s, "user", "alice"), 3);
	ASSERT_INT_EQ(failures(s, "terminal", "t4"), 0);
	/* Another user is not concerned. */
	ASSERT_INT_EQ(
	    attempt(s, "t4", "bob", false, T0 + 30, FM_AUTHLOG_SUCCEEDED),
	    FM_AUTHLOG_GO);
	ASSERT_INT_EQ(
	    fm_authlog_reserve(s, &lim, "t4", "alice", false, T0 + 299, &a),
	    FM_AUTHLOG_USER_LOCKED);
	ASSERT_INT_EQ(
	    attempt(s, "t4", "alice", false, T0 + 300, FM_AUTHLOG_SUCCEEDED),
	    FM_AUTHLOG_GO);
	/* Failures out of the window are gone. */
	ASSERT_INT_EQ(failures(s, "terminal", "t1"), 0);
}

/* A reservation counts before its check settles: a check that never
 * settles stays a failure. */
static void
test_reserved_counts(fm_store_t *s)
{
	struct fm_authlog_attempt a;

	for (int i = 0; i < 3; i++) {
		char t[8];
		snprintf(t, sizeof(t), "t%d", i);
		ASSERT_INT_EQ(
		    fm_authlog_reserve(s, &lim, t, "alice", true, T0, &a),
		    FM_AUTHLOG_GO);
	}
	ASSERT_INT_EQ(fm_authlog_reserve(s, &lim, "t9", "alice", true, T0, &a),
	    FM_AUTHLOG_USER_LOCKED);
}

/* Success forgets the user's failures and itself, not the terminal's
 * other failures; an undecided check counts nothing. */
static void
test_success_and_undecided(fm_store_t *s)
{
	ASSERT_INT_EQ(attempt(s, "t1", "alice", true, T0, FM_AUTHLOG_FAILED),
	    FM_AUTHLOG_GO);
	ASSERT_INT_EQ(attempt(s, "t1", "alice", true, T0, FM_AUTHLOG_FAILED),
	    FM_AUTHLOG_GO);
	ASSERT_INT_EQ(attempt(s, "t2", "bob", true, T0, FM_AUTHLOG_FAILED),
	    FM_AUTHLOG_GO);
	ASSERT_INT_EQ(attempt(s, "t1", "alice", true, T0, FM_AUTHLOG_UNDECIDED),
	    FM_AUTHLOG_GO);
	ASSERT_INT_EQ(failures(s, "user", "alice"), 2);
	ASSERT_INT_EQ(failures(s, "terminal", "t1"), 2);
	ASSERT_INT_EQ(attempt(s, "t1", "alice", true, T0, FM_AUTHLOG_SUCCEEDED),
	    FM_AUTHLOG_GO);
	ASSERT_INT_EQ(failures(s, "user", "alice"), 0);
	ASSERT_INT_EQ(failures(s, "user", "bob"), 1);
	ASSERT_INT_EQ(failures(s, "terminal", "t1"), 2);
	ASSERT_INT_EQ(fixture_int(s, "SELECT count(*) FROM auth_checks"), 0);
}

/* A failure is stamped when its check ended: a terminal's wait runs from
 * there. */
static void
test_failure_stamped_at_end(fm_store_t *s)
{
	struct fm_authlog_attempt a;

	for (int i = 0; i < 2; i++)
		ASSERT_INT_EQ(
		    attempt(s, "t1", "alice", true, T0, FM_AUTHLOG_FAILED),
		    FM_AUTHLOG_GO);
	ASSERT_INT_EQ(fm_authlog_reserve(s, &lim, "t1", "bob", true, T0, &a),
	    FM_AUTHLOG_GO);
	ASSERT_TRUE(fm_authlog_settle(s, &a, FM_AUTHLOG_FAILED, T0 + 7));
	ASSERT_INT_EQ(
	    fm_authlog_reserve(s, &lim, "t1", "carol", true, T0 + 7, &a),
	    FM_AUTHLOG_SLOW_DOWN);
	ASSERT_INT_EQ(a.until, T0 + 8);
}

/* Past max failures, the terminal's next check waits 1 s after the last
 * one, then 2, 4, ... up to delay_max; unknown badges count; a check
 * that may not be slowed (a badge with its PIN) is not. */
static void
test_terminal_delay(fm_store_t *s)
{
	struct fm_authlog_attempt a;
	int64_t t = T0;
	static const int64_t waits[] = {1, 2, 4, 8, 16, 20, 20};

	ASSERT_INT_EQ(
	    attempt(s, "t1", "u1", true, t, FM_AUTHLOG_FAILED), FM_AUTHLOG_GO);
	ASSERT_TRUE(fm_authlog_fail(s, FM_AUTHLOG_TERMINAL, "t1", t));
	ASSERT_INT_EQ(
	    attempt(s, "t1", "u2", true, t, FM_AUTHLOG_FAILED), FM_AUTHLOG_GO);
	for (EACH_ROW(i, waits)) {
		ASSERT_INT_EQ(
		    fm_authlog_reserve(s, &lim, "t1", "u9", true, t, &a),
		    FM_AUTHLOG_SLOW_DOWN);
		ASSERT_INT_EQ(a.until, t + waits[i]);
		ASSERT_INT_EQ(fm_authlog_reserve(s, &lim, "t1", "u9", true,
		                  t + waits[i] - 1, &a),
		    FM_AUTHLOG_SLOW_DOWN);
		/* Never a badge's PIN, nor another terminal. */
		ASSERT_INT_EQ(
		    attempt(s, "t1", "b1", false, t + 1, FM_AUTHLOG_SUCCEEDED),
		    FM_AUTHLOG_GO);
		ASSERT_INT_EQ(
		    attempt(s, "t2", "u9", true, t, FM_AUTHLOG_SUCCEEDED),
		    FM_AUTHLOG_GO);
		t += waits[i];
		ASSERT_INT_EQ(
		    attempt(s, "t1", "u9", true, t,
		        i % 2 ? FM_AUTHLOG_UNDECIDED : FM_AUTHLOG_FAILED),
		    FM_AUTHLOG_GO);
		if (i % 2) /* undecided: counted nothing, same wait again */
			ASSERT_TRUE(
			    fm_authlog_fail(s, FM_AUTHLOG_TERMINAL, "t1", t));
		ASSERT_TRUE(fm_authlog_clear(s, FM_AUTHLOG_USER, "u9") >= 0);
	}
	/* The window forgets them all; an admin's unlock too. */
	ASSERT_INT_EQ(attempt(s, "t1", "u9", true, t + 300, FM_AUTHLOG_FAILED),
	    FM_AUTHLOG_GO);
	ASSERT_INT_EQ(fm_authlog_clear(s, FM_AUTHLOG_TERMINAL, "t1"), 1);
}

/* One check at a time per terminal; a hold never settled lapses. */
static void
test_one_check_per_terminal(fm_store_t *s)
{
	struct fm_authlog_attempt a, b;

	ASSERT_INT_EQ(fm_authlog_reserve(s, &lim, "t1", "alice", true, T0, &a),
	    FM_AUTHLOG_GO);
	ASSERT_INT_EQ(fm_authlog_reserve(s, &lim, "t1", "bob", false, T0, &b),
	    FM_AUTHLOG_BUSY);
	ASSERT_INT_EQ(b.until, T0 + lim.busy_max);
	ASSERT_INT_EQ(failures(s, "user", "bob"), 0);
	ASSERT_INT_EQ(fm_authlog_reserve(s, &lim, "t2", "bob", true, T0, &b),
	    FM_AUTHLOG_GO);
	ASSERT_TRUE(fm_authlog_settle(s, &a, FM_AUTHLOG_SUCCEEDED, T0));
	ASSERT_INT_EQ(fm_authlog_reserve(s, &lim, "t1", "bob", false, T0, &a),
	    FM_AUTHLOG_GO);
	/* Neither is settled: t1's hold lapses, and its failure stays. */
	ASSERT_INT_EQ(fm_authlog_reserve(s, &lim, "t1", "carol", false,
	                  T0 + lim.busy_max - 1, &b),
	    FM_AUTHLOG_BUSY);
	ASSERT_INT_EQ(fm_authlog_reserve(
	                  s, &lim, "t1", "carol", false, T0 + lim.busy_max, &b),
	    FM_AUTHLOG_GO);
	ASSERT_INT_EQ(failures(s, "user", "bob"), 2);
	/* Settling a lapsed hold frees nobody else's. */
	ASSERT_TRUE(fm_authlog_settle(s, &a, FM_AUTHLOG_FAILED, T0));
	ASSERT_INT_EQ(fm_authlog_reserve(
	                  s, &lim, "t1", "dave", false, T0 + lim.busy_max, &a),
	    FM_AUTHLOG_BUSY);
}

static void
test_bad_arguments(fm_store_t *s)
{
	struct fm_authlog_attempt a;
	struct fm_authlog_limits zero = lim;

	zero.max = 0;
	ASSERT_INT_EQ(fm_authlog_reserve(NULL, &lim, "t1", "a", true, T0, &a),
	    FM_AUTHLOG_ERROR);
	ASSERT_INT_EQ(fm_authlog_reserve(s, &lim, NULL, "a", true, T0, &a),
	    FM_AUTHLOG_ERROR);
	ASSERT_INT_EQ(fm_authlog_reserve(s, &lim, "t1", NULL, true, T0, &a),
	    FM_AUTHLOG_ERROR);
	ASSERT_INT_EQ(fm_authlog_reserve(s, &zero, "t1", "a", true, T0, &a),
	    FM_AUTHLOG_ERROR);
	ASSERT_INT_EQ(fm_authlog_reserve(s, &lim, "t1", "a", true, T0, NULL),
	    FM_AUTHLOG_ERROR);
	ASSERT_FALSE(fm_authlog_settle(s, NULL, FM_AUTHLOG_FAILED, T0));
	memset(&a, 0, sizeof(a));
	ASSERT_FALSE(fm_authlog_settle(s, &a, FM_AUTHLOG_FAILED, T0));
	ASSERT_INT_EQ(fm_authlog_clear(NULL, FM_AUTHLOG_USER, "a"), -1);
}

#define RACERS 12

/* A racer: opens the store, waits for the start, reserves the victim's
 * attempt at a terminal of its own and exits with the verdict. */
static int
race(const char *path, int start_fd, int n)
{
	struct fm_authlog_attempt a;
	const char *e;
	char terminal[16], go;
	fm_store_t *c = fm_store_open(path, &e);

	snprintf(terminal, sizeof(terminal), "t%d", n);
	if (c == NULL || read(start_fd, &go, 1) != 1)
		return 100;
	return (int)fm_authlog_reserve(
	    c, &lim, terminal, "victim", true, T0, &a);
}

/* Processes starting at once get max attempts of a user between them,
 * not one each. */
static void
test_processes_race(struct fixture *fx)
{
	int go[2], verdicts[FM_AUTHLOG_ERROR + 2] = {0};
	pid_t pids[RACERS];

	ASSERT_TRUE(pipe(go) == 0);
	for (int i = 0; i < RACERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			close(go[1]);
			_exit(race(fx->path, go[0], i));
		}
		ASSERT_TRUE(pids[i] > 0);
	}
	close(go[0]);
	ASSERT_INT_EQ(write(go[1], "gggggggggggggggg", RACERS), RACERS);
	close(go[1]);
	for (int i = 0; i < RACERS; i++) {
		int status = 0;
		ASSERT_INT_EQ(waitpid(pids[i], &status, 0), pids[i]);
		ASSERT_TRUE(WIFEXITED(status));
		int v = WEXITSTATUS(status);
		verdicts[v <= FM_AUTHLOG_ERROR ? v : FM_AUTHLOG_ERROR + 1]++;
	}
	ASSERT_INT_EQ(verdicts[FM_AUTHLOG_GO], lim.max);
	ASSERT_INT_EQ(verdicts[FM_AUTHLOG_USER_LOCKED], RACERS - lim.max);
	ASSERT_INT_EQ(failures(fx->store, "user", "victim"), lim.max);
}

/* The read-only view of a terminal's wait agrees with a reservation's,
 * and writes nothing. */
static void
test_terminal_wait(fm_store_t *s)
{
	struct fm_authlog_attempt a;
	int64_t until = -1;

	ASSERT_TRUE(
	    fm_authlog_terminal_wait(s, &lim, "web 192.0.2.1", T0, &until));
	ASSERT_INT_EQ(until, 0);
	for (int i = 0; i < 4; i++)
		ASSERT_TRUE(fm_authlog_fail(
		    s, FM_AUTHLOG_TERMINAL, "web 192.0.2.1", T0));
	ASSERT_TRUE(
	    fm_authlog_terminal_wait(s, &lim, "web 192.0.2.1", T0, &until));
	ASSERT_INT_EQ(until, T0 + 2);
	ASSERT_INT_EQ(
	    fm_authlog_reserve(s, &lim, "web 192.0.2.1", "u1", true, T0, &a),
	    FM_AUTHLOG_SLOW_DOWN);
	ASSERT_INT_EQ(a.until, until);
	ASSERT_TRUE(
	    fm_authlog_terminal_wait(s, &lim, "web 192.0.2.1", T0 + 2, &until));
	ASSERT_INT_EQ(until, 0);
	/* Another address is not held back. */
	ASSERT_TRUE(
	    fm_authlog_terminal_wait(s, &lim, "web 192.0.2.2", T0, &until));
	ASSERT_INT_EQ(until, 0);
	ASSERT_INT_EQ(fixture_int(s, "SELECT count(*) FROM auth_failures"), 4);
	ASSERT_FALSE(fm_authlog_terminal_wait(s, NULL, "t", T0, &until));
	ASSERT_FALSE(fm_authlog_terminal_wait(s, &lim, NULL, T0, &until));
}

int
main(void)
{
	RUN_STORE(test_user_lockout);
	RUN_STORE(test_reserved_counts);
	RUN_STORE(test_success_and_undecided);
	RUN_STORE(test_failure_stamped_at_end);
	RUN_STORE(test_terminal_delay);
	RUN_STORE(test_one_check_per_terminal);
	RUN_STORE(test_bad_arguments);
	RUN_STORE(test_terminal_wait);
	RUN_FIXTURE(test_processes_race);
	return harness_done();
}
