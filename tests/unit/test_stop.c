/*
 * test_stop.c - unit tests for common/stop.c: real signals, in a child
 * where a mistake would kill the process.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/stop.h"
#include "tests/unit/harness.h"

/* Runs fn in a child; its exit status (1000 + signal if one killed it). */
static int
in_child(int (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(fn());
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFSIGNALED(status) ? 1000 + WTERMSIG(status)
	                           : WEXITSTATUS(status);
}

static int
term_sets_the_flag(void)
{
	if (!fm_stop_catch_signals(false) || fm_stop_is_requested())
		return 1;
	raise(SIGTERM);
	if (!fm_stop_is_requested())
		return 2;
	/* Installing again starts afresh. */
	if (!fm_stop_catch_signals(false) || fm_stop_is_requested())
		return 3;
	raise(SIGINT);
	return fm_stop_is_requested() ? 0 : 4;
}

static int
hup_when_asked(void)
{
	if (!fm_stop_catch_signals(true))
		return 1;
	raise(SIGHUP);
	return fm_stop_is_requested() ? 0 : 2;
}

static int
hup_left_alone(void)
{
	if (!fm_stop_catch_signals(false))
		return 1;
	/* Not caught: its default action ends the process. */
	raise(SIGHUP);
	return 2;
}

static int
pipe_is_ignored(void)
{
	int p[2];

	if (!fm_stop_catch_signals(false) || pipe(p) != 0)
		return 1;
	close(p[0]);
	if (write(p[1], "x", 1) != -1 || errno != EPIPE)
		return 2;
	return fm_stop_is_requested() ? 3 : 0;
}

/* A blocking wait is cut short, not restarted. */
static int
poll_is_interrupted(void)
{
	pid_t self = getpid();

	if (!fm_stop_catch_signals(false))
		return 1;
	if (fork() == 0) {
		poll(NULL, 0, 50);
		kill(self, SIGTERM);
		_exit(0);
	}
	if (poll(NULL, 0, 10000) != -1 || errno != EINTR)
		return 2;
	wait(NULL);
	return fm_stop_is_requested() ? 0 : 3;
}

static int
request_from_code(void)
{
	if (!fm_stop_catch_signals(false))
		return 1;
	fm_stop_request();
	return fm_stop_is_requested() ? 0 : 2;
}

static void
test_term_and_int(void)
{
	ASSERT_INT_EQ(in_child(term_sets_the_flag), 0);
}

static void
test_hup(void)
{
	ASSERT_INT_EQ(in_child(hup_when_asked), 0);
	ASSERT_INT_EQ(in_child(hup_left_alone), 1000 + SIGHUP);
}

static void
test_pipe(void)
{
	ASSERT_INT_EQ(in_child(pipe_is_ignored), 0);
}

static void
test_poll(void)
{
	ASSERT_INT_EQ(in_child(poll_is_interrupted), 0);
}

static void
test_request(void)
{
	ASSERT_INT_EQ(in_child(request_from_code), 0);
}

int
main(void)
{
	RUN(test_term_and_int);
	RUN(test_hup);
	RUN(test_pipe);
	RUN(test_poll);
	RUN(test_request);
	return harness_done();
}
