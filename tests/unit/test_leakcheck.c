/*
 * test_leakcheck.c - unit tests for common/leakcheck.c: real children
 * that end through fm_leakcheck_exit(), non-dumpable as the daemons'
 * are, with and without a leak.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/leakcheck.h"
#include "tests/unit/harness.h"

/* Where a leaked block's address goes, and is forgotten. */
static void *volatile sink;

/* Blocks nothing points to any more, allocated in a frame of their own
 * so that no stale copy of an address is left where the check scans. */
static void __attribute__((noinline)) leak_blocks(void)
{
	for (int i = 0; i < 16; i++) {
		sink = malloc(256);
		sink = NULL;
	}
}

/* Overwrites the stack the allocations used. */
static void __attribute__((noinline)) scrub_stack(void)
{
	volatile char buf[16384];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = 0;
}

/*
 * Forks a non-dumpable child that leaks (or not) and ends with
 * fm_leakcheck_exit(status); returns its exit status (1000 + signal if
 * it was killed) and what it wrote on stderr into err.
 */
static int
run_child(bool leak, int status, char *err, size_t errlen)
{
	int p[2], st;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	err[0] = '\0';
	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	fflush(NULL);
	if ((pid = fork()) == 0) {
		dup2(p[1], 2);
		(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		if (leak)
			leak_blocks();
		scrub_stack();
		fm_leakcheck_exit(status);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -1;
	}
	/* Bounded by the child's end (EOF) and by errlen. */
	while (len + 1 < errlen &&
	    ((n = read(p[0], err + len, errlen - 1 - len)) > 0 ||
	        (n < 0 && errno == EINTR)))
		len += n > 0 ? (size_t)n : 0;
	err[len] = '\0';
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFSIGNALED(st) ? 1000 + WTERMSIG(st) : WEXITSTATUS(st);
}

/* A child with nothing leaked ends with its own status, in every
 * build, and says nothing. */
static void
test_clean_child(void)
{
	char err[8192];

	ASSERT_INT_EQ(run_child(false, 7, err, sizeof(err)), 7);
	ASSERT_STR_EQ(err, "");
}

/* A leak in a non-dumpable child: reported and a failure in a
 * sanitizer build (the check runs though the process is not dumpable);
 * plain _exit() otherwise. */
static void
test_leaky_child(void)
{
	char err[8192];
	int status = run_child(true, 0, err, sizeof(err));

#ifdef FM_LEAKCHECK_ON
	ASSERT_TRUE(status != 0 && status < 1000);
	ASSERT_STR_CONTAINS(err, "ERROR: LeakSanitizer: detected memory leaks");
	ASSERT_STR_CONTAINS(err, "leak_blocks");
#else
	ASSERT_INT_EQ(status, 0);
	ASSERT_STR_EQ(err, "");
#endif
}

int
main(void)
{
	RUN(test_clean_child);
	RUN(test_leaky_child);
	return harness_done();
}
