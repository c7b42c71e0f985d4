/*
 * test_child.c - unit tests for common/child.c: real children, each
 * checking from the inside one property its spec asked for, and saying
 * which failed through its exit status.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <string.h>
#include <unistd.h>

#include "common/child.h"
#include "tests/unit/harness.h"

/* The child's verdict: 0 if every check held, else the failed check's
 * number. */
static int
wait_status(pid_t pid)
{
	int status;

	if (pid <= 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFSIGNALED(status))
		return 1000 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static bool
is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static void
test_closes_all_but_kept(void)
{
	int p[2], q[2], file;
	pid_t pid;

	ASSERT_INT_EQ(pipe2(p, O_CLOEXEC), 0);
	ASSERT_INT_EQ(pipe(q), 0);
	file = open("/dev/null", O_RDONLY);
	ASSERT_TRUE(file >= 0);
	struct fm_child_fd keep[] = {{p[1], -1}};
	struct fm_child_spec spec = {.keep = keep, .nkeep = 1};
	if ((pid = fm_child_fork(&spec, NULL)) == 0) {
		if (!is_open(p[1]))
			_exit(1);
		/* Left where it was, it keeps its close-on-exec. */
		if (!(fcntl(p[1], F_GETFD) & FD_CLOEXEC))
			_exit(2);
		if (is_open(p[0]) || is_open(q[0]) || is_open(q[1]))
			_exit(3);
		if (is_open(file))
			_exit(4);
		if (!is_open(0) || !is_open(1) || !is_open(2))
			_exit(5);
		_exit(0);
	}
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
	close(file);
	ASSERT_INT_EQ(wait_status(pid), 0);
}

static void
test_moves_and_swaps(void)
{
	int a[2], b[2], lo, hi;
	pid_t pid;
	char c = 0;

	ASSERT_INT_EQ(pipe2(a, O_CLOEXEC), 0);
	ASSERT_INT_EQ(pipe2(b, O_CLOEXEC), 0);
	lo = a[0];
	hi = b[1];
	/* a[0] and b[1] trade numbers; a[1] goes to 40. */
	struct fm_child_fd keep[] = {{a[0], hi}, {b[1], lo}, {a[1], 40}};
	struct fm_child_spec spec = {.keep = keep, .nkeep = 3};
	if ((pid = fm_child_fork(&spec, NULL)) == 0) {
		if (!is_open(hi) || !is_open(lo) || !is_open(40))
			_exit(1);
		if (fcntl(40, F_GETFD) & FD_CLOEXEC)
			_exit(2); /* moved: meant for an exec */
		if (is_open(b[0]))
			_exit(3);
		/* hi is now a's read end: what goes into 40 (a's write
		 * end) comes out of it. */
		if (write(40, "x", 1) != 1 || read(hi, &c, 1) != 1 || c != 'x')
			_exit(4);
		/* lo is now b's write end. */
		_exit(write(lo, "y", 1) == 1 ? 0 : 5);
	}
	close(a[1]);
	close(b[1]);
	ASSERT_INT_EQ(read(b[0], &c, 1), 1);
	ASSERT_INT_EQ(c, 'y');
	ASSERT_INT_EQ(wait_status(pid), 0);
	close(a[0]);
	close(b[0]);
}

static void
test_move_onto_stdio(void)
{
	int p[2];
	pid_t pid;
	char buf[8] = "";

	ASSERT_INT_EQ(pipe2(p, O_CLOEXEC), 0);
	struct fm_child_fd keep[] = {{p[1], STDOUT_FILENO}};
	struct fm_child_spec spec = {.keep = keep, .nkeep = 1};
	if ((pid = fm_child_fork(&spec, NULL)) == 0) {
		if (is_open(p[1]) || is_open(p[0]))
			_exit(1);
		_exit(write(STDOUT_FILENO, "out", 3) == 3 ? 0 : 2);
	}
	close(p[1]);
	ASSERT_INT_EQ(read(p[0], buf, sizeof(buf)), 3);
	ASSERT_STR_EQ(buf, "out");
	close(p[0]);
	ASSERT_INT_EQ(wait_status(pid), 0);
}

static void
test_keep_files(void)
{
	char path[] = "/tmp/fm-test-child-XXXXXX";
	int file = mkstemp(path), p[2];
	pid_t pid;

	ASSERT_TRUE(file >= 0);
	unlink(path);
	ASSERT_INT_EQ(pipe2(p, O_CLOEXEC), 0);
	struct fm_child_spec spec = {.keep_files = true};
	if ((pid = fm_child_fork(&spec, NULL)) == 0) {
		if (!is_open(file))
			_exit(1);
		if (is_open(p[0]) || is_open(p[1]))
			_exit(2);
		_exit(0);
	}
	ASSERT_INT_EQ(wait_status(pid), 0);
	close(file);
	close(p[0]);
	close(p[1]);
}

/* A socket pair: the child's end where asked, the parent's end gone from
 * the child, and bytes both ways. */
static void
test_linked_socket(void)
{
	struct fm_child_spec spec = {0};
	char c = 0;
	pid_t pid;
	int fd = -1, mine;

	pid = fm_child_fork_linked(&spec, SOCK_STREAM, 7, &fd, NULL);
	if (pid == 0) {
		if (fd != 7 || !is_open(7))
			_exit(1);
		for (int other = 3; other < 64; other++)
			if (other != 7 && is_open(other))
				_exit(2);
		if (read(fd, &c, 1) != 1 || c != 'p')
			_exit(3);
		_exit(write(fd, "c", 1) == 1 ? 0 : 4);
	}
	ASSERT_TRUE(pid > 0);
	ASSERT_TRUE(fd > STDERR_FILENO);
	ASSERT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	mine = fd;
	ASSERT_INT_EQ(write(mine, "p", 1), 1);
	ASSERT_INT_EQ(read(mine, &c, 1), 1);
	ASSERT_INT_EQ(c, 'c');
	ASSERT_INT_EQ(wait_status(pid), 0);
	/* The child's end was closed here: the child gone, we read EOF. */
	ASSERT_INT_EQ(read(mine, &c, 1), 0);
	close(mine);
}

/* Type 0: a pipe the child reports into; the spec's own descriptors are
 * kept too. */
static void
test_linked_pipe(void)
{
	int other[2], fd = -1;
	char buf[8] = "";
	pid_t pid;

	ASSERT_INT_EQ(pipe2(other, O_CLOEXEC), 0);
	struct fm_child_fd keep[] = {{other[1], -1}};
	struct fm_child_spec spec = {.keep = keep, .nkeep = 1};
	pid = fm_child_fork_linked(&spec, 0, -1, &fd, NULL);
	if (pid == 0) {
		if (!is_open(other[1]) || is_open(other[0]))
			_exit(1);
		_exit(write(fd, "done", 4) == 4 ? 0 : 2);
	}
	ASSERT_TRUE(pid > 0);
	close(other[1]);
	close(other[0]);
	ASSERT_INT_EQ(read(fd, buf, sizeof(buf)), 4);
	ASSERT_STR_EQ(buf, "done");
	ASSERT_INT_EQ(wait_status(pid), 0);
	close(fd);
	/* A spec with no room for the channel is refused. */
	const char *errstr = NULL;
	struct fm_child_fd full[FM_CHILD_KEEPMAX] = {{0, -1}};
	struct fm_child_spec no_room = {
	    .keep = full, .nkeep = FM_CHILD_KEEPMAX};
	ASSERT_INT_EQ(fm_child_fork_linked(&no_room, 0, -1, &fd, &errstr), -1);
	ASSERT_STR_EQ(errstr, "too many entries in a child spec");
}

static void
on_usr1(int sig)
{
	(void)sig;
}

static bool
disposition_is(int sig, void (*handler)(int))
{
	struct sigaction sa;

	return sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == handler;
}

static void
test_signals_reset(void)
{
	struct sigaction sa = {0}, old_usr1, old_usr2, old_hup;
	sigset_t block, old_mask;
	pid_t pid;

	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, &old_usr1);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGUSR2, &sa, &old_usr2);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGHUP, &sa, &old_hup);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old_mask);
	const int ignore[] = {SIGHUP};
	struct fm_child_spec spec = {.ignore = ignore, .nignore = 1};
	if ((pid = fm_child_fork(&spec, NULL)) == 0) {
		sigset_t now;
		if (!disposition_is(SIGUSR1, SIG_DFL))
			_exit(1);
		if (!disposition_is(SIGUSR2, SIG_DFL))
			_exit(2);
		if (!disposition_is(SIGHUP, SIG_IGN))
			_exit(3);
		if (sigprocmask(SIG_SETMASK, NULL, &now) != 0 ||
		    sigismember(&now, SIGTERM))
			_exit(4);
		/* Unblocked and at its default, SIGTERM ends us. */
		raise(SIGTERM);
		_exit(5);
	}
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	sigaction(SIGUSR1, &old_usr1, NULL);
	sigaction(SIGUSR2, &old_usr2, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	ASSERT_INT_EQ(wait_status(pid), 1000 + SIGTERM);
}

/*
 * A middle process forks a grandchild with a death signal and exits; we
 * are the subreaper, so the grandchild becomes ours and we see how it
 * ended.  With tell set, the middle waits until the grandchild is set up
 * (the signal is then sent by the kernel); without, it exits at once,
 * which now and then wins the race with the prctl() call.
 */
static int
orphan_end(int death_signal, bool tell)
{
	int p[2], ready[2], status;
	pid_t middle, grandchild = -1;

	if (pipe2(p, O_CLOEXEC) != 0 || pipe2(ready, O_CLOEXEC) != 0)
		return -1;
	fflush(stdout);
	if ((middle = fork()) == 0) {
		struct fm_child_fd keep[] = {{ready[1], -1}};
		struct fm_child_spec spec = {
		    .death_signal = death_signal, .keep = keep, .nkeep = 1};
		pid_t pid = fm_child_fork(&spec, NULL);
		char c;
		if (pid == 0) {
			if (tell && write(ready[1], "r", 1) != 1)
				_exit(2);
			/* Only a signal ends this. */
			for (;;)
				pause();
		}
		close(ready[1]);
		if (pid < 0 ||
		    write(p[1], &pid, sizeof(pid)) != (ssize_t)sizeof(pid))
			_exit(3);
		if (tell && read(ready[0], &c, 1) != 1)
			_exit(4);
		_exit(0);
	}
	close(p[1]);
	close(ready[0]);
	close(ready[1]);
	if (waitpid(middle, &status, 0) != middle || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0 ||
	    read(p[0], &grandchild, sizeof(grandchild)) !=
	        (ssize_t)sizeof(grandchild)) {
		close(p[0]);
		return -2;
	}
	close(p[0]);
	/* A grandchild that missed its signal would pause forever. */
	for (int i = 0; i < 500; i++) {
		pid_t r = waitpid(grandchild, &status, WNOHANG);
		if (r == grandchild)
			return WIFSIGNALED(status) ? WTERMSIG(status) : -3;
		poll(NULL, 0, 10);
	}
	kill(grandchild, SIGKILL);
	waitpid(grandchild, NULL, 0);
	return -4;
}

static void
test_parent_death(void)
{
	ASSERT_INT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	ASSERT_INT_EQ(orphan_end(SIGTERM, true), SIGTERM);
	ASSERT_INT_EQ(orphan_end(SIGKILL, true), SIGKILL);
	/* The parent gone before the child's prctl(): the child must
	 * still end, whichever side of the race it falls on. */
	for (int i = 0; i < 20; i++)
		ASSERT_INT_EQ(orphan_end(SIGKILL, false), SIGKILL);
	prctl(PR_SET_CHILD_SUBREAPER, 0);
}

static void
test_limits(void)
{
	const struct fm_child_limit limits[] = {
	    {RLIMIT_NOFILE, 16},
	    {RLIMIT_CPU, 30},
	    {RLIMIT_CORE, 0},
	};
	struct fm_child_spec spec = {.limits = limits, .nlimits = 3};
	pid_t pid;

	if ((pid = fm_child_fork(&spec, NULL)) == 0) {
		struct rlimit got;
		int n = 0;
		if (getrlimit(RLIMIT_NOFILE, &got) != 0 || got.rlim_cur != 16 ||
		    got.rlim_max != 16)
			_exit(1);
		if (getrlimit(RLIMIT_CPU, &got) != 0 || got.rlim_cur != 30 ||
		    got.rlim_max != 30)
			_exit(2);
		if (getrlimit(RLIMIT_CORE, &got) != 0 || got.rlim_max != 0)
			_exit(3);
		/* The limit bites: 3 to 15 is 13 more descriptors. */
		while (open("/dev/null", O_RDONLY) >= 0)
			n++;
		_exit(n == 13 && errno == EMFILE ? 0 : 4);
	}
	ASSERT_INT_EQ(wait_status(pid), 0);
}

/* A limit is only ever lowered: asked for more than the inherited hard
 * limit, the child gets that hard limit (even as root). */
static void
test_limits_never_raised(void)
{
	struct rlimit rl;
	pid_t pid;

	ASSERT_INT_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
	ASSERT_TRUE(rl.rlim_max != RLIM_INFINITY);
	const struct fm_child_limit limits[] = {
	    {RLIMIT_NOFILE, (uint64_t)rl.rlim_max + 1000}};
	struct fm_child_spec spec = {.limits = limits, .nlimits = 1};
	if ((pid = fm_child_fork(&spec, NULL)) == 0) {
		struct rlimit got;
		_exit(getrlimit(RLIMIT_NOFILE, &got) == 0 &&
		            got.rlim_max == rl.rlim_max
		        ? 0
		        : 1);
	}
	ASSERT_INT_EQ(wait_status(pid), 0);
}

static void
test_name(void)
{
	struct fm_child_spec spec = {.name = "fm-test-role"};
	pid_t pid;

	if ((pid = fm_child_fork(&spec, NULL)) == 0) {
		char name[17] = "";
		if (prctl(PR_GET_NAME, name) != 0)
			_exit(1);
		_exit(strcmp(name, "fm-test-role") == 0 ? 0 : 2);
	}
	ASSERT_INT_EQ(wait_status(pid), 0);
}

/* A child whose set-up fails ends before the caller's code runs. */
static void
test_setup_failure(void)
{
	const struct fm_child_limit limits[] = {{-1, 1}};
	struct fm_child_spec spec = {.limits = limits, .nlimits = 1};
	pid_t pid;

	if ((pid = fm_child_fork(&spec, NULL)) == 0)
		_exit(0);
	ASSERT_INT_EQ(wait_status(pid), FM_CHILD_SETUP_FAILED);
}

static void
test_invalid_specs(void)
{
	const char *errstr = NULL;
	int fds[FM_CHILD_KEEPMAX + 1] = {0};

	ASSERT_INT_EQ(fm_child_fork(NULL, &errstr), -1);
	ASSERT_STR_EQ(errstr, "no child spec");

	struct fm_child_spec none = {.nkeep = 1};
	ASSERT_INT_EQ(fm_child_fork(&none, &errstr), -1);
	ASSERT_STR_EQ(errstr, "invalid child spec");

	struct fm_child_fd neg[] = {{-1, -1}};
	struct fm_child_spec negative = {.keep = neg, .nkeep = 1};
	ASSERT_INT_EQ(fm_child_fork(&negative, &errstr), -1);
	ASSERT_STR_EQ(errstr, "invalid descriptor in a child spec");

	/* Two moves to one number, or a move onto a descriptor that
	 * stays. */
	struct fm_child_fd two[] = {{0, 5}, {1, 5}};
	struct fm_child_spec twice = {.keep = two, .nkeep = 2};
	ASSERT_INT_EQ(fm_child_fork(&twice, &errstr), -1);
	ASSERT_STR_EQ(errstr, "two descriptors for one number in a child spec");
	struct fm_child_fd onto[] = {{2, -1}, {1, 2}};
	struct fm_child_spec in_the_way = {.keep = onto, .nkeep = 2};
	ASSERT_INT_EQ(fm_child_fork(&in_the_way, &errstr), -1);

	struct fm_child_fd many[FM_CHILD_KEEPMAX + 1];
	for (int i = 0; i <= FM_CHILD_KEEPMAX; i++)
		many[i] = (struct fm_child_fd){fds[i], -1};
	struct fm_child_spec lots = {
	    .keep = many, .nkeep = FM_CHILD_KEEPMAX + 1};
	ASSERT_INT_EQ(fm_child_fork(&lots, &errstr), -1);
	ASSERT_STR_EQ(errstr, "too many entries in a child spec");
}

int
main(void)
{
	RUN(test_closes_all_but_kept);
	RUN(test_moves_and_swaps);
	RUN(test_move_onto_stdio);
	RUN(test_keep_files);
	RUN(test_linked_socket);
	RUN(test_linked_pipe);
	RUN(test_signals_reset);
	RUN(test_parent_death);
	RUN(test_limits);
	RUN(test_limits_never_raised);
	RUN(test_name);
	RUN(test_setup_failure);
	RUN(test_invalid_specs);
	return harness_done();
}
