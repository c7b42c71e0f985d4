/*
 * test_ledgerd.c - the ledger writer on a real SQLite file: requests that
 * arrive together run in one transaction, each failing alone; sessions
 * charging side by side through it keep exact balances; a writer that
 * dies leaves its sessions charging directly, each charge applied once.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "quota/accounts.h"
#include "quota/aggregates.h"
#include "quota/depts.h"
#include "quota/ledger-link.h"
#include "quota/ledger.h"
#include "quota/ledgerd.h"
#include "store/sql.h"
#include "store/store-private.h"
#include "quota/users.h"
#include "ledger_fixture.h"
#include "store_fixture.h"

struct writer_proc {
	pid_t pid;
	int control;
	int stats; /* the writer's fm_ledgerd_stats arrive here at its end */
};

/* alice and bob (restricted, 1000 each) in O10. */
static bool
setup(fm_store_t *s)
{
	static const char *const logins[] = {"alice", "bob"};
	const char *errstr = NULL;

	if (!fm_depts_add(s, "O10", "Finance", &errstr))
		return false;
	for (int i = 0; i < 2; i++) {
		struct fm_account a;

		if (!fm_users_add(s, logins[i], logins[i], "O10", &errstr) ||
		    !fm_accounts_find(s, "user", logins[i], &a) ||
		    !fm_accounts_set_limits(s, a.id, true, 0) ||
		    !fm_ledger_adjust(s, a.id, 1000, false, "start", "test",
		        NULL, NULL, &errstr))
			return false;
	}
	return true;
}

static bool
writer_start(
    struct writer_proc *w, const char *db, const char *key, int control_end)
{
	int p[2];

	if (pipe(p) < 0)
		return false;
	if ((w->pid = fork()) == 0) {
		struct fm_ledgerd_stats st = {0};
		int rc;

		close(w->control);
		close(p[0]);
		rc = fm_ledgerd_run(db, key, control_end, &st);
		if (write(p[1], &st, sizeof(st)) != sizeof(st))
			rc = 2;
		_exit(rc);
	}
	close(control_end);
	close(p[1]);
	w->stats = p[0];
	return w->pid > 0;
}

/* Closes the control socket (the writer ends) and collects its stats. */
static bool
writer_stop(struct writer_proc *w, struct fm_ledgerd_stats *st)
{
	int status;
	bool ok;

	close(w->control);
	ok = read(w->stats, st, sizeof(*st)) == sizeof(*st);
	close(w->stats);
	return waitpid(w->pid, &status, 0) == w->pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0 && ok;
}

static bool
writer_pair(struct writer_proc *w, int *control_end)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return false;
	w->control = sv[0];
	*control_end = sv[1];
	return true;
}

/* Stops the writer the hard way: SIGKILL, reaped, its sockets closed. */
static void
writer_kill(struct writer_proc *w)
{
	kill(w->pid, SIGKILL);
	waitpid(w->pid, NULL, 0);
	close(w->control);
	close(w->stats);
}

/* A test's world: a fresh store with alice and bob (s is fx.store), and
 * a writer for it, whose end of the control socket is end until it
 * starts. */
struct served {
	struct fixture fx;
	struct writer_proc w;
	fm_store_t *s;
	int end;
};

/* Runs test in a fresh world, its writer started first if start; the
 * store is removed after, even if the test fails. */
static void
served_run(void (*test)(struct served *), bool start)
{
	struct served v;

	if ((v.s = fixture_open(&v.fx)) == NULL || !setup(v.s) ||
	    !writer_pair(&v.w, &v.end) ||
	    (start && !writer_start(&v.w, v.fx.path, v.fx.ledger_key, v.end))) {
		fprintf(stderr, "served: no store or no writer\n");
		harness_current_failed = true;
	} else
		test(&v);
	fixture_close(&v.fx);
}

/* RUN_SERVED(fn): fn(struct served *) with the writer serving;
 * RUN_UNSERVED(fn): with the writer not started yet. */
#define RUN_SERVED(fn) RUN_CALL(fn, served_run(fn, true))
#define RUN_UNSERVED(fn) RUN_CALL(fn, served_run(fn, false))

static bool
send_request(int link, const struct fm_ledgerwire_request *q)
{
	uint8_t buf[FM_LEDGERWIRE_MAX];
	size_t n = fm_ledgerwire_encode_request(q, buf, sizeof(buf));

	return n > 0 && send(link, buf, n, 0) == (ssize_t)n;
}

static bool
read_reply(int link, struct fm_ledgerwire_reply *p)
{
	uint8_t buf[FM_LEDGERWIRE_MAX];
	const char *err;
	ssize_t n = recv(link, buf, sizeof(buf), 0);

	return n > 0 && fm_ledgerwire_decode_reply(buf, (size_t)n, p, &err);
}

static struct fm_ledgerwire_request
reserve_request(const char *user, const char *account, int64_t amount,
    const char *key, int64_t job)
{
	struct fm_ledgerwire_request q = {.op = FM_LEDGERWIRE_RESERVE};

	snprintf(q.user, sizeof(q.user), "%s", user);
	snprintf(q.account, sizeof(q.account), "%s", account);
	snprintf(q.key, sizeof(q.key), "%s", key);
	q.amount = amount;
	q.job_id = job;
	return q;
}

/*
 * Four requests wait on their links before the writer starts, so they
 * arrive together: one transaction, and the two that fail undo only
 * themselves.
 */
static void
test_batch_isolates_failures(struct served *v)
{
	fm_store_t *s = v->s;
	struct fm_ledgerd_stats st;
	struct fm_ledgerwire_request q[4];
	struct fm_ledgerwire_reply p[4];
	int links[4];

	q[0] = reserve_request("alice", "", 100, "k1", 1);
	q[1] = reserve_request("bob", "NOPE", 10, "k2", 2);
	q[2] = (struct fm_ledgerwire_request){
	    .op = FM_LEDGERWIRE_COMMIT, .reservation = 999, .amount = 5};
	snprintf(q[2].key, sizeof(q[2].key), "k3");
	q[3] = reserve_request("bob", "", 50, "k4", 4);
	for (int i = 0; i < 4; i++) {
		ASSERT_TRUE((links[i] = fm_ledgerd_link(v->w.control)) >= 0);
		ASSERT_TRUE(send_request(links[i], &q[i]));
	}
	ASSERT_TRUE(writer_start(&v->w, v->fx.path, v->fx.ledger_key, v->end));
	for (int i = 0; i < 4; i++)
		ASSERT_TRUE(read_reply(links[i], &p[i]));
	ASSERT_TRUE(p[0].ok);
	ASSERT_FALSE(p[0].replayed);
	ASSERT_INT_EQ(p[0].amount, 100);
	ASSERT_FALSE(p[1].ok);
	ASSERT_STR_EQ(p[1].message, "no account NOPE");
	ASSERT_FALSE(p[2].ok);
	ASSERT_STR_EQ(p[2].message, "no such reservation");
	ASSERT_TRUE(p[3].ok);
	ASSERT_TRUE(writer_stop(&v->w, &st));
	ASSERT_UINT_EQ(st.requests, 4);
	ASSERT_UINT_EQ(st.batches, 1);
	for (int i = 0; i < 4; i++)
		close(links[i]);
	ASSERT_INT_EQ(fixture_held(s, "user", "alice"), 100);
	ASSERT_INT_EQ(fixture_held(s, "user", "bob"), 50);
	ASSERT_TRUE(fixture_verify(s, NULL));
}

/* A session's n charges of 3 through a ledger handle on a link: 0
 * if all went through the writer, 2 if the writer went away and the
 * handle refused the rest (the session has no ledger key and never
 * charges by itself), 1 on any other error. */
static int
charge_through(const char *db, int link, const char *user, int first, int n)
{
	const char *errstr = NULL;
	fm_store_t *s = fm_store_open(db, &errstr);
	fm_ledger_t *l = fm_ledger_link_open(s, link);
	bool ok = l != NULL;
	int rc;

	for (int i = first; ok && i < first + n; i++) {
		struct fm_reservation r;
		char key[32], ckey[40], denial[FM_LEDGER_DENIALMAX] = "";

		snprintf(key, sizeof(key), "c-%d", i);
		snprintf(ckey, sizeof(ckey), "c-%d-settle", i);
		errstr = NULL;
		ok = fixture_reserve_on(l, user, NULL, 7, key, i, 0, &r, denial,
		         sizeof(denial)) &&
		    fixture_commit_on(
		        l, r.id, 3, true, "lobby", NULL, ckey, &errstr);
		if (!ok && !fm_ledger_link_is_up(l) &&
		    (strcmp(denial, FM_LEDGER_LINK_DOWN) == 0 ||
		        (errstr != NULL &&
		            strcmp(errstr, FM_LEDGER_LINK_DOWN) == 0))) {
			fm_ledger_close(l);
			fm_store_close(s);
			return 2;
		}
	}
	rc = !ok ? 1 : fm_ledger_link_is_up(l) ? 0 : 2;
	fm_ledger_close(l);
	fm_store_close(s);
	return rc;
}

/* Forks 4 sessions linked to w, alternately alice and bob, each making
 * n charges of 3 (on a store without the ledger key, as sessions have
 * it); false if a link cannot be made. */
static bool
spawn_sessions(const char *db, const struct writer_proc *w, int n, pid_t *pids)
{
	for (int p = 0; p < 4; p++) {
		int link = fm_ledgerd_link(w->control);

		if (link < 0)
			return false;
		if ((pids[p] = fork()) == 0)
			_exit(charge_through(
			    db, link, p % 2 ? "bob" : "alice", 1 + n * p, n));
		close(link);
	}
	return true;
}

/* Waits for the 4 sessions: how many failed, and how many stopped
 * because the writer was gone. */
static void
wait_sessions(const pid_t *pids, int *failed, int *fell_back)
{
	int status;

	*failed = *fell_back = 0;
	for (int p = 0; p < 4; p++) {
		if (waitpid(pids[p], &status, 0) != pids[p] ||
		    !WIFEXITED(status) || WEXITSTATUS(status) == 1)
			(*failed)++;
		else if (WEXITSTATUS(status) == 2)
			(*fell_back)++;
	}
}

static void
test_sessions_side_by_side(struct served *v)
{
	fm_store_t *s = v->s;
	struct fm_ledgerd_stats st;
	pid_t pids[4];
	int failed, fell_back;
	int64_t differences = -1, sum = 0;

	ASSERT_TRUE(spawn_sessions(v->fx.path, &v->w, 40, pids));
	wait_sessions(pids, &failed, &fell_back);
	ASSERT_INT_EQ(failed, 0);
	ASSERT_INT_EQ(fell_back, 0);
	ASSERT_TRUE(writer_stop(&v->w, &st));
	ASSERT_UINT_EQ(st.requests, 4 * 40 * 2);
	/* 80 charges of 3 each per user, nothing left held. */
	ASSERT_INT_EQ(fixture_balance(s, "user", "alice"), 1000 - 80 * 3);
	ASSERT_INT_EQ(fixture_balance(s, "user", "bob"), 1000 - 80 * 3);
	ASSERT_INT_EQ(fixture_held(s, "user", "alice"), 0);
	ASSERT_TRUE(fixture_verify(s, NULL));
	/* The batches' aggregates: every charge, as the ledger has them. */
	ASSERT_TRUE(fm_aggregates_verify(s, NULL, NULL, &differences));
	ASSERT_INT_EQ(differences, 0);
	ASSERT_TRUE(fm_sql_int(s,
	                "SELECT sum(amount) FROM ledger_dept_days"
	                " WHERE dept = 'O10'",
	                &sum, FM_NO_ARGS) == FM_SQL_FOUND);
	ASSERT_INT_EQ(sum, -2 * 80 * 3);
}

/*
 * The writer is killed while 4 sessions charge through it: none charges
 * by itself (each stops with FM_LEDGER_LINK_DOWN), no charge is applied
 * twice, and the ledger verifies.
 */
static void
test_writer_killed_under_load(struct served *v)
{
	fm_store_t *s = v->s;
	pid_t pids[4];
	int failed, stopped;

	ASSERT_TRUE(spawn_sessions(v->fx.path, &v->w, 150, pids));
	/* Kill it once some charges went through, long before the end. */
	for (int i = 0; i < 5000 &&
	     fixture_int(s, "SELECT count(*) FROM ledger") < 2 + 100;
	     i++)
		usleep(1000);
	writer_kill(&v->w);
	wait_sessions(pids, &failed, &stopped);
	ASSERT_INT_EQ(failed, 0);
	/* The kill came in the middle, not after the end. */
	ASSERT_TRUE(stopped > 0);
	ASSERT_INT_EQ(fixture_int(s,
	                  "SELECT count(*) FROM (SELECT reservation FROM"
	                  " ledger WHERE kind = 'commit' GROUP BY"
	                  " reservation HAVING count(*) > 1)"),
	    0);
	ASSERT_TRUE(fixture_balance(s, "user", "alice") > 1000 - 300 * 3);
	ASSERT_TRUE(fixture_verify(s, NULL));
}

/*
 * The writer dies between a reservation and its commit: the session's
 * commit fails (it holds no ledger key, so it cannot charge by itself),
 * the link is dropped; a local ledger without the key cannot charge
 * either.  followmed's recovery, with the key, settles it under the
 * same idempotency key, once.
 */
static void
test_writer_gone(struct served *v)
{
	fm_store_t *s = v->s, *keyless;
	struct fm_reservation r;
	char denial[FM_LEDGER_DENIALMAX];
	const char *errstr = NULL;
	fm_ledger_t *l, *local;
	int link;

	ASSERT_TRUE((link = fm_ledgerd_link(v->w.control)) >= 0);
	ASSERT_NOT_NULL((keyless = fm_store_open(v->fx.path, &errstr)));
	ASSERT_NOT_NULL((l = fm_ledger_link_open(keyless, link)));
	ASSERT_TRUE(fixture_reserve_on(
	    l, "alice", NULL, 40, "g-1", 1, 0, &r, denial, sizeof(denial)));
	ASSERT_TRUE(fm_ledger_link_is_up(l));
	writer_kill(&v->w);
	ASSERT_FALSE(fixture_commit_on(
	    l, r.id, 40, true, "lobby", NULL, "g-1-settle", &errstr));
	ASSERT_STR_EQ(errstr, FM_LEDGER_LINK_DOWN);
	ASSERT_FALSE(fm_ledger_link_is_up(l));
	ASSERT_FALSE(fixture_reserve_on(
	    l, "alice", NULL, 10, "g-2", 2, 0, &r, denial, sizeof(denial)));
	ASSERT_STR_EQ(denial, FM_LEDGER_LINK_DOWN);
	fm_ledger_close(l);
	ASSERT_NOT_NULL((local = fm_ledger_local_open(keyless)));
	ASSERT_FALSE(fixture_commit_on(
	    local, r.id, 40, true, "lobby", NULL, "g-1-settle", &errstr));
	fm_ledger_close(local);
	fm_store_close(keyless);
	ASSERT_INT_EQ(fixture_held(s, "user", "alice"), 40);
	/* Recovery, with the key (v->s has it): settled once. */
	ASSERT_NOT_NULL((local = fm_ledger_local_open(s)));
	ASSERT_TRUE(fixture_reserve_on(
	    local, "alice", NULL, 40, "g-1", 1, 0, &r, denial, sizeof(denial)));
	ASSERT_TRUE(r.replayed);
	ASSERT_TRUE(fixture_commit_on(
	    local, r.id, 40, true, "lobby", NULL, "g-1-settle", &errstr));
	ASSERT_TRUE(fixture_commit_on(
	    local, r.id, 40, true, "lobby", NULL, "g-1-settle", &errstr));
	fm_ledger_close(local);
	ASSERT_INT_EQ(fm_ledger_job_charged(s, 1), 40);
	ASSERT_INT_EQ(fixture_balance(s, "user", "alice"), 960);
	ASSERT_INT_EQ(fixture_held(s, "user", "alice"), 0);
	ASSERT_TRUE(fixture_verify(s, NULL));
}

/* A commit request through the writer on link: its reply. */
static bool
commit_through(int link, int64_t reservation, int64_t amount, const char *key,
    struct fm_ledgerwire_reply *p)
{
	struct fm_ledgerwire_request q = {.op = FM_LEDGERWIRE_COMMIT,
	    .reservation = reservation,
	    .amount = amount,
	    .measured = true};

	snprintf(q.key, sizeof(q.key), "%s", key);
	snprintf(q.printer, sizeof(q.printer), "lobby");
	return send_request(link, &q) && read_reply(link, p);
}

/*
 * The aggregates cannot be written at the end of a batch (a trigger
 * refuses): the whole batch is rolled back -- its charges answered with
 * an error, nothing of them in the ledger -- and the same commit,
 * retried once the aggregates can be written, goes through, with
 * aggregates equal to the ledger's.
 */
static void
test_aggregates_fail(struct served *v)
{
	fm_store_t *s = v->s;
	struct fm_ledgerd_stats st;
	struct fm_ledgerwire_reply p;
	struct fm_reservation r;
	char denial[FM_LEDGER_DENIALMAX] = "";
	int64_t commits = -1, differences = -1;
	int link;

	ASSERT_TRUE(fixture_reserve(
	    s, "alice", NULL, 40, "a-1", 1, 0, &r, denial, sizeof(denial)));
	ASSERT_TRUE(fm_store_exec(s,
	    "CREATE TRIGGER no_dept_days BEFORE INSERT ON ledger_dept_days"
	    " BEGIN SELECT RAISE(ABORT, 'no aggregates'); END"));
	ASSERT_TRUE((link = fm_ledgerd_link(v->w.control)) >= 0);
	ASSERT_TRUE(commit_through(link, r.id, 30, "a-1-settle", &p));
	ASSERT_FALSE(p.ok);
	ASSERT_STR_EQ(p.message, "server error");
	ASSERT_TRUE(
	    fm_sql_int(s, "SELECT count(*) FROM ledger WHERE kind = 'commit'",
	        &commits, FM_NO_ARGS) == FM_SQL_FOUND);
	ASSERT_INT_EQ(commits, 0);
	ASSERT_INT_EQ(fixture_balance(s, "user", "alice"), 1000);
	ASSERT_INT_EQ(fixture_held(s, "user", "alice"), 40);
	ASSERT_TRUE(fm_store_exec(s, "DROP TRIGGER no_dept_days"));
	ASSERT_TRUE(commit_through(link, r.id, 30, "a-1-settle", &p));
	ASSERT_TRUE(p.ok);
	close(link);
	ASSERT_TRUE(writer_stop(&v->w, &st));
	ASSERT_INT_EQ(fixture_balance(s, "user", "alice"), 970);
	ASSERT_INT_EQ(fixture_held(s, "user", "alice"), 0);
	ASSERT_TRUE(fm_aggregates_verify(s, NULL, NULL, &differences));
	ASSERT_INT_EQ(differences, 0);
	ASSERT_TRUE(fixture_verify(s, NULL));
}

/* Garbage on a link gets an answer saying why; the link and the writer
 * go on serving. */
static void
test_bad_request(struct served *v)
{
	struct fm_ledgerd_stats st;
	struct fm_ledgerwire_reply p;
	struct fm_ledgerwire_request q;
	static const uint8_t junk[] = {1, 9, 'x'};
	int link;

	ASSERT_TRUE((link = fm_ledgerd_link(v->w.control)) >= 0);
	ASSERT_TRUE(send(link, junk, sizeof(junk), 0) == sizeof(junk));
	ASSERT_TRUE(read_reply(link, &p));
	ASSERT_FALSE(p.ok);
	ASSERT_STR_EQ(p.message, "unknown operation");
	q = reserve_request("alice", "", 10, "b-1", 1);
	ASSERT_TRUE(send_request(link, &q));
	ASSERT_TRUE(read_reply(link, &p));
	ASSERT_TRUE(p.ok);
	close(link);
	ASSERT_TRUE(writer_stop(&v->w, &st));
	ASSERT_UINT_EQ(st.requests, 1);
	ASSERT_INT_EQ(fixture_held(v->s, "user", "alice"), 10);
}

/* A client that sends before reading its answers (sessions never do)
 * still gets every answer, in order, each request applied once. */
static void
test_pipelined_requests(struct served *v)
{
	struct fm_ledgerd_stats st;
	struct fm_ledgerwire_request q, c[3];
	struct fm_ledgerwire_reply p;
	int link;

	ASSERT_TRUE((link = fm_ledgerd_link(v->w.control)) >= 0);
	q = reserve_request("alice", "", 30, "p-1", 1);
	ASSERT_TRUE(send_request(link, &q));
	ASSERT_TRUE(read_reply(link, &p));
	ASSERT_TRUE(p.ok);
	for (int i = 0; i < 3; i++) {
		c[i] = (struct fm_ledgerwire_request){
		    .op = i == 1 ? FM_LEDGERWIRE_REFUND : FM_LEDGERWIRE_COMMIT,
		    .reservation = i == 1 ? 999 : p.id,
		    .amount = i == 1 ? 0 : 20};
		snprintf(c[i].key, sizeof(c[i].key), i == 1 ? "p-x" : "p-1-c");
		ASSERT_TRUE(send_request(link, &c[i]));
	}
	ASSERT_TRUE(read_reply(link, &p));
	ASSERT_TRUE(p.ok);
	ASSERT_TRUE(read_reply(link, &p));
	ASSERT_FALSE(p.ok);
	ASSERT_STR_EQ(p.message, "no such reservation");
	ASSERT_TRUE(read_reply(link, &p));
	ASSERT_TRUE(p.ok); /* the same commit again: a replay */
	close(link);
	ASSERT_TRUE(writer_stop(&v->w, &st));
	ASSERT_UINT_EQ(st.requests, 4);
	ASSERT_INT_EQ(fixture_balance(v->s, "user", "alice"), 980);
	ASSERT_INT_EQ(fixture_held(v->s, "user", "alice"), 0);
}

/* The writer's children (its syncer), from /proc. */
static pid_t
child_of(pid_t parent)
{
	char path[64];
	FILE *f;
	long pid = -1;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)parent,
	    (int)parent);
	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = -1;
		fclose(f);
	}
	return (pid_t)pid;
}

/* The syncer dies: the writer syncs by itself and goes on answering. */
static void
test_syncer_gone(struct served *v)
{
	struct fm_ledgerd_stats st;
	struct fm_reservation r;
	char denial[FM_LEDGER_DENIALMAX];
	const char *errstr = NULL;
	pid_t syncer;
	fm_ledger_t *l;
	int link;

	ASSERT_TRUE((link = fm_ledgerd_link(v->w.control)) >= 0);
	ASSERT_NOT_NULL((l = fm_ledger_link_open(v->s, link)));
	ASSERT_TRUE(fixture_reserve_on(
	    l, "bob", NULL, 25, "s-1", 1, 0, &r, denial, sizeof(denial)));
	ASSERT_TRUE((syncer = child_of(v->w.pid)) > 0);
	ASSERT_INT_EQ(kill(syncer, SIGKILL), 0);
	ASSERT_TRUE(fixture_commit_on(
	    l, r.id, 25, true, "lobby", NULL, "s-1-settle", &errstr));
	/* Answered by the writer, not by falling back. */
	ASSERT_TRUE(fm_ledger_link_is_up(l));
	ASSERT_TRUE(fixture_reserve_on(
	    l, "bob", NULL, 5, "s-2", 2, 0, &r, denial, sizeof(denial)));
	ASSERT_TRUE(fixture_commit_on(
	    l, r.id, 5, true, "lobby", NULL, "s-2-settle", &errstr));
	ASSERT_TRUE(fm_ledger_link_is_up(l));
	fm_ledger_close(l);
	ASSERT_TRUE(writer_stop(&v->w, &st));
	ASSERT_UINT_EQ(st.requests, 4);
	ASSERT_INT_EQ(fixture_balance(v->s, "user", "bob"), 970);
}

int
main(void)
{
	RUN_UNSERVED(test_batch_isolates_failures);
	RUN_SERVED(test_sessions_side_by_side);
	RUN_SERVED(test_writer_killed_under_load);
	RUN_SERVED(test_writer_gone);
	RUN_SERVED(test_aggregates_fail);
	RUN_SERVED(test_bad_request);
	RUN_SERVED(test_pipelined_requests);
	RUN_SERVED(test_syncer_gone);
	return harness_done();
}
