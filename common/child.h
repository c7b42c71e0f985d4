/*
 * child.h - forking a role child: a process that starts clean, whatever
 * its parent had set up.
 *
 * Every Followme process that forks a worker goes through
 * fm_child_fork(): followmed's ingest workers, sessions and ledger
 * writer, a session's decryptor and PAM checks, followme-pamhelper's
 * checks, the terminal's badge reader and feedback commands, Ghostscript
 * and the isolated page count.  What a child inherits is then written in
 * one place, its spec, instead of in a dozen hand-made set-ups:
 *  - whether it dies with its parent (PR_SET_PDEATHSIG), the race of a
 *    parent that died before the call handled;
 *  - its signals: every disposition at its default but for the ones the
 *    spec ignores, none blocked (a parent's handlers and its mask, opened
 *    only inside ppoll, are of no use to the child);
 *  - its descriptors: standard input, output and error and the ones the
 *    spec keeps, nothing else (a listening socket or another terminal's
 *    connection is none of a worker's business);
 *  - its resource limits and its name in ps and top.
 *
 * The child side is meant for single-threaded callers (every Followme
 * process is): it may allocate, and it reopens syslog.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_CHILD_H
#define FM_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The exit status of a child that could not be set up as its spec asks
 * (a descriptor not moved, a limit not applied): it exits before running
 * any of the caller's code. */
#define FM_CHILD_SETUP_FAILED 126

/* How many descriptors, ignored signals and limits a spec may list. */
#define FM_CHILD_KEEPMAX 8
#define FM_CHILD_IGNOREMAX 8
#define FM_CHILD_LIMITMAX 8

/* A descriptor the child keeps. */
struct fm_child_fd {
	int fd;
	int to; /* its number in the child; -1 leaves it where it is */
};

/* A resource limit, set as both soft and hard limit in the child. */
struct fm_child_limit {
	int resource; /* RLIMIT_AS, RLIMIT_CPU, RLIMIT_NOFILE, ... */
	uint64_t max; /* lowered to the inherited hard limit, never raised */
};

struct fm_child_spec {
	const char
	    *name; /* in ps and top (15 bytes); NULL keeps the parent's */
	int death_signal;  /* sent to the child when its parent dies; 0: none */
	const int *ignore; /* signals the child ignores (nignore of them) */
	size_t nignore;
	const struct fm_child_fd *keep; /* besides 0, 1 and 2 (nkeep) */
	size_t nkeep;
	/*
	 * Keep every open regular file as well (sockets, pipes, directories
	 * and devices are still closed).  For a child that opens the SQLite
	 * store its parent has open: SQLite's lock and shared-memory state
	 * of a file is process-wide, survives fork() and names the parent's
	 * descriptors, so the child's own connection fails if they are
	 * closed.  Needs /proc.
	 */
	bool keep_files;
	const struct fm_child_limit *limits; /* nlimits of them */
	size_t nlimits;
};

/*
 * 'fm_child_fork()' - fork a child set up as spec says.
 *
 * Returns the child's pid in the parent, 0 in the child, -1 with *errstr
 * (a static string; errstr may be NULL) if spec is NULL or invalid (too
 * many entries, a negative descriptor, two descriptors given one number,
 * a kept descriptor in the way of a moved one) or fork() fails.  Stdio
 * buffers are flushed before the fork, so that a child that calls exit()
 * does not write the parent's pending output again.
 *
 * In the child, before it returns: signals, then the parent-death signal
 * (if the parent is already gone, the child gets the signal at once),
 * then descriptors -- moved ones lose close-on-exec, being meant for the
 * program the child may exec; ones left where they are keep their flags
 * -- with syslog's connection reopened, then limits, then the name.  A
 * step that fails ends the child with FM_CHILD_SETUP_FAILED.
 */
pid_t fm_child_fork(const struct fm_child_spec *spec, const char **errstr);

/*
 * 'fm_child_fork_linked()' - fm_child_fork() with a channel between
 * parent and child: a socket pair of type (SOCK_STREAM, SOCK_SEQPACKET),
 * or for type 0 a pipe the child writes into (a child that reports
 * back).  The child's end is kept on top of spec's descriptors, at
 * child_at (-1: where it is); the parent's end is not kept.  *fd gets
 * the caller's end: the parent's (close-on-exec) in the parent, the
 * child's in the child.  In the parent the child's end is closed, and on
 * failure both (-1 with *errstr as for fm_child_fork(), or "cannot
 * create a channel to the child").
 */
pid_t fm_child_fork_linked(const struct fm_child_spec *spec, int type,
    int child_at, int *fd, const char **errstr);

#endif
