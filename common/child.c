/*
 * child.c - forking a role child: parent-death signal, signals,
 * descriptors, limits and name set as its spec says.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/child.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "common/log.h"

/* The number a kept descriptor has in the child. */
static int
number_in_child(const struct fm_child_fd *k)
{
	return k->to >= 0 ? k->to : k->fd;
}

static bool
spec_is_valid(const struct fm_child_spec *spec, const char **errstr)
{
	const struct fm_child_fd *k = spec->keep;

	if ((spec->nkeep > 0 && k == NULL) ||
	    (spec->nignore > 0 && spec->ignore == NULL) ||
	    (spec->nlimits > 0 && spec->limits == NULL) ||
	    spec->death_signal < 0 || spec->death_signal >= NSIG) {
		*errstr = "invalid child spec";
		return false;
	}
	if (spec->nkeep > FM_CHILD_KEEPMAX ||
	    spec->nignore > FM_CHILD_IGNOREMAX ||
	    spec->nlimits > FM_CHILD_LIMITMAX) {
		*errstr = "too many entries in a child spec";
		return false;
	}
	for (size_t i = 0; i < spec->nkeep; i++) {
		if (k[i].fd < 0 || k[i].to < -1) {
			*errstr = "invalid descriptor in a child spec";
			return false;
		}
		/* Two descriptors may not end at one number: the second
		 * would silently replace the first. */
		for (size_t j = 0; j < i; j++) {
			if (number_in_child(&k[i]) == number_in_child(&k[j]) &&
			    (k[i].to >= 0 || k[j].to >= 0)) {
				*errstr = "two descriptors for one number in "
				          "a child spec";
				return false;
			}
		}
	}
	return true;
}

/* Every signal back to its default, the spec's ignored, none blocked. */
static bool
reset_signals(const struct fm_child_spec *spec)
{
	struct sigaction sa = {0};
	sigset_t none;

	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_DFL;
	/* SIGKILL, SIGSTOP and the C library's own signals refuse; that is
	 * as it should be. */
	for (int sig = 1; sig < NSIG; sig++)
		(void)sigaction(sig, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	for (size_t i = 0; i < spec->nignore; i++)
		if (sigaction(spec->ignore[i], &sa, NULL) != 0)
			return false;
	sigemptyset(&none);
	return sigprocmask(SIG_SETMASK, &none, NULL) == 0;
}

static bool
is_kept(const struct fm_child_spec *spec, int fd)
{
	if (fd <= STDERR_FILENO)
		return true;
	for (size_t i = 0; i < spec->nkeep; i++)
		if (number_in_child(&spec->keep[i]) == fd)
			return true;
	return false;
}

/* Moves the descriptors that have a number to go to.  Each is first
 * copied above every number in play, so that a move never overwrites a
 * descriptor another move still needs (swaps included). */
static bool
move_fds(const struct fm_child_spec *spec)
{
	int tmp[FM_CHILD_KEEPMAX], above = STDERR_FILENO + 1;
	bool ok = true;

	for (size_t i = 0; i < spec->nkeep; i++) {
		const struct fm_child_fd *k = &spec->keep[i];
		if (k->fd >= above)
			above = k->fd + 1;
		if (k->to >= above)
			above = k->to + 1;
	}
	for (size_t i = 0; i < spec->nkeep; i++) {
		tmp[i] = -1;
		if (spec->keep[i].to >= 0 &&
		    (tmp[i] = fcntl(spec->keep[i].fd, F_DUPFD_CLOEXEC, above)) <
		        0)
			ok = false;
	}
	for (size_t i = 0; ok && i < spec->nkeep; i++)
		if (tmp[i] >= 0 && dup2(tmp[i], spec->keep[i].to) < 0)
			ok = false;
	for (size_t i = 0; i < spec->nkeep; i++)
		if (tmp[i] >= 0)
			close(tmp[i]);
	return ok;
}

/* Closes what is not kept, sparing regular files (see keep_files). */
static bool
close_all_but_files(const struct fm_child_spec *spec)
{
	struct dirent *e;
	struct stat st;
	DIR *dir;

	if ((dir = opendir("/proc/self/fd")) == NULL)
		return false;
	while ((e = readdir(dir)) != NULL) {
		char *end;
		long fd = strtol(e->d_name, &end, 10);
		if (end == e->d_name || *end != '\0' || fd == dirfd(dir) ||
		    is_kept(spec, (int)fd))
			continue;
		if (fstat((int)fd, &st) == 0 && S_ISREG(st.st_mode))
			continue;
		close((int)fd);
	}
	closedir(dir);
	return true;
}

/* Closes every descriptor above stderr that is not kept. */
static bool
close_all(const struct fm_child_spec *spec)
{
	unsigned from = STDERR_FILENO + 1;

	/* The kept ones are few: close the gaps between them, lowest
	 * first. */
	for (;;) {
		int next = -1;
		for (size_t i = 0; i < spec->nkeep; i++) {
			int n = number_in_child(&spec->keep[i]);
			if (n >= (int)from && (next < 0 || n < next))
				next = n;
		}
		if (next < 0)
			return close_range(from, ~0U, 0) == 0;
		if ((unsigned)next > from &&
		    close_range(from, (unsigned)next - 1, 0) != 0)
			return false;
		from = (unsigned)next + 1;
	}
}

static bool
apply_limits(const struct fm_child_spec *spec)
{
	for (size_t i = 0; i < spec->nlimits; i++) {
		const struct fm_child_limit *l = &spec->limits[i];
		rlim_t v = (rlim_t)l->max;
		struct rlimit rl;

		if (getrlimit(l->resource, &rl) != 0)
			return false;
		/* A caller that is itself limited keeps the lower of the
		 * two: an unprivileged child could not raise it anyway. */
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < v)
			v = rl.rlim_max;
		rl.rlim_cur = rl.rlim_max = v;
		if (setrlimit(l->resource, &rl) != 0)
			return false;
	}
	return true;
}

/* The child's side; false if a step failed. */
static bool
become(const struct fm_child_spec *spec, pid_t parent)
{
	if (!reset_signals(spec))
		return false;
	if (spec->death_signal != 0) {
		if (prctl(PR_SET_PDEATHSIG, spec->death_signal) != 0)
			return false;
		/* A parent that died before the call will never send it. */
		if (getppid() != parent) {
			raise(spec->death_signal);
			_exit(FM_CHILD_SETUP_FAILED);
		}
	}
	/* syslog's descriptor is about to go: were its number reused
	 * later, log lines would be written into whatever took it. */
	closelog();
	if (!move_fds(spec) ||
	    !(spec->keep_files ? close_all_but_files(spec) : close_all(spec)))
		return false;
	fm_log_reopen();
	if (!apply_limits(spec))
		return false;
	if (spec->name != NULL && prctl(PR_SET_NAME, spec->name) != 0)
		return false;
	return true;
}

pid_t
fm_child_fork(const struct fm_child_spec *spec, const char **errstr)
{
	const char *dummy;
	pid_t parent = getpid(), pid;

	if (errstr == NULL)
		errstr = &dummy;
	if (spec == NULL) {
		*errstr = "no child spec";
		return -1;
	}
	if (!spec_is_valid(spec, errstr))
		return -1;
	fflush(NULL);
	if ((pid = fork()) < 0) {
		*errstr = "cannot fork";
		return -1;
	}
	if (pid > 0)
		return pid;
	if (!become(spec, parent))
		_exit(FM_CHILD_SETUP_FAILED);
	return 0;
}

pid_t
fm_child_fork_linked(const struct fm_child_spec *spec, int type, int child_at,
    int *fd, const char **errstr)
{
	struct fm_child_fd keep[FM_CHILD_KEEPMAX];
	struct fm_child_spec linked;
	const char *dummy;
	int ends[2]; /* the parent's, the child's */
	pid_t pid;

	if (errstr == NULL)
		errstr = &dummy;
	if (spec == NULL || fd == NULL) {
		*errstr = "no child spec";
		return -1;
	}
	if (spec->nkeep >= FM_CHILD_KEEPMAX) {
		*errstr = "too many entries in a child spec";
		return -1;
	}
	if ((type == 0
	            ? pipe2(ends, O_CLOEXEC)
	            : socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, ends)) != 0) {
		*errstr = "cannot create a channel to the child";
		return -1;
	}
	if (spec->nkeep > 0)
		memcpy(keep, spec->keep, spec->nkeep * sizeof(keep[0]));
	keep[spec->nkeep] = (struct fm_child_fd){ends[1], child_at};
	linked = *spec;
	linked.keep = keep;
	linked.nkeep = spec->nkeep + 1;
	if ((pid = fm_child_fork(&linked, errstr)) < 0) {
		close(ends[0]);
		close(ends[1]);
		return -1;
	}
	if (pid == 0) {
		*fd = child_at >= 0 ? child_at : ends[1];
		return 0;
	}
	close(ends[1]);
	*fd = ends[0];
	return pid;
}
