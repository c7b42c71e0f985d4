/*
 * test_stop.c - unit tests for common/stop.c: real signals, each case in
 * a child, where a wrong disposition can only kill the child.
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

/* Runs fn(hup, sig) in a child; its exit status, or 1000 + the signal
 * that ended it. */
static int
in_child(int (*fn)(bool hup, int sig), bool hup, int sig)
{
	int status;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(fm_stop_catch_signals(hup) ? fn(hup, sig) : 100);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFSIGNALED(status) ? 1000 + WTERMSIG(status)
	                           : WEXITSTATUS(status);
}

/* 0 if sig set the stop flag, 1 if not. */
static int
raise_and_look(bool hup, int sig)
{
	(void)hup;
	raise(sig);
	return fm_stop_is_requested() ? 0 : 1;
}

/* Catching again starts afresh; the program itself may ask too. */
static int
clear_and_request(bool hup, int sig)
{
	raise(sig);
	if (!fm_stop_catch_signals(hup) || fm_stop_is_requested())
		return 1;
	fm_stop_request();
	return fm_stop_is_requested() ? 0 : 2;
}

/* A blocking wait is cut short, not restarted; a write to a closed pipe
 * fails instead of killing. */
static int
poll_and_pipe(bool hup, int sig)
{
	pid_t self = getpid();
	int p[2];

	(void)hup;
	if (pipe(p) != 0)
		return 1;
	close(p[0]);
	if (write(p[1], "x", 1) != -1 || errno != EPIPE)
		return 2;
	if (fork() == 0) {
		poll(NULL, 0, 50);
		kill(self, sig);
		_exit(0);
	}
	if (poll(NULL, 0, 10000) != -1 || errno != EINTR)
		return 3;
	wait(NULL);
	return fm_stop_is_requested() ? 0 : 4;
}

static void
test_signals(void)
{
	ASSERT_INT_EQ(in_child(raise_and_look, false, SIGTERM), 0);
	ASSERT_INT_EQ(in_child(raise_and_look, false, SIGINT), 0);
	ASSERT_INT_EQ(in_child(raise_and_look, true, SIGHUP), 0);
	/* Not asked for: SIGHUP keeps its default action. */
	ASSERT_INT_EQ(in_child(raise_and_look, false, SIGHUP), 1000 + SIGHUP);
	/* Ignored, and no reason to stop. */
	ASSERT_INT_EQ(in_child(raise_and_look, false, SIGPIPE), 1);
}

static void
test_clear_and_request(void)
{
	ASSERT_INT_EQ(in_child(clear_and_request, false, SIGTERM), 0);
}

static void
test_poll_and_pipe(void)
{
	ASSERT_INT_EQ(in_child(poll_and_pipe, false, SIGTERM), 0);
}

int
main(void)
{
	RUN(test_signals);
	RUN(test_clear_and_request);
	RUN(test_poll_and_pipe);
	return harness_done();
}
