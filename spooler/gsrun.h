/*
 * gsrun.h - Ghostscript in a sandboxed, time- and memory-limited child.
 *
 * The document is handed to the child as a sealed in-memory file on fd 3
 * (never a path the caller chose), Ghostscript runs with -dSAFER, an
 * address-space limit, a CPU limit, no core files and no right to create
 * files, and is killed when the wall-clock deadline passes.  Its output
 * comes back over a pipe to a sink callback, so the parent decides what
 * it means and can stop early.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_GSRUN_H
#define FM_GSRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fm_gsrun_limits {
	unsigned timeout_sec; /* wall clock, >= 1 */
	unsigned memory_mb;   /* RLIMIT_AS of the child, >= 64 */
	const char *gs_path;  /* NULL = "gs" from PATH */
};

enum fm_gsrun_result {
	FM_GSRUN_OK,      /* exited 0 */
	FM_GSRUN_FAILED,  /* exited non-zero: Ghostscript reported an error */
	FM_GSRUN_TIMEOUT, /* killed at the deadline */
	FM_GSRUN_KILLED,  /* died of a signal (usually the memory limit) */
	FM_GSRUN_STOPPED, /* the sink asked to stop; child killed */
	FM_GSRUN_SYSERR,  /* could not start it (errno is set) */
};

/* A sink gets the child's output in arbitrary pieces; false = stop. */
typedef bool (*fm_gsrun_sink)(void *arg, const uint8_t *data, size_t len);

/*
 * fm_gsrun_exec() - runs "gs -q -dSAFER -dBATCH -dNOPAUSE args... FILE"
 * where FILE is a copy of buf[0..len).  args is a NULL-terminated list
 * of at most 16 arguments.  The child's stdout (and stderr when
 * merge_stderr, else it goes to /dev/null) is fed to sink.  Blocks until
 * the child is gone; never leaves a zombie.
 */
enum fm_gsrun_result fm_gsrun_exec(const struct fm_gsrun_limits *lim,
    const void *buf, size_t len, const char *const *args, bool merge_stderr,
    fm_gsrun_sink sink, void *arg);

/*
 * fm_gsrun_render_colors() - renders every page (all copies the data
 * asks for) to RGB at dpi and decides for each whether any pixel is not
 * neutral grey (R, G and B differing by more than 2 of 255).  On
 * FM_GSRUN_OK, *flags is a malloc'd array of *npages booleans the caller
 * frees; otherwise *flags is NULL.  Stops (FM_GSRUN_STOPPED) beyond
 * max_pages pages.
 */
enum fm_gsrun_result fm_gsrun_render_colors(const struct fm_gsrun_limits *lim,
    const void *buf, size_t len, unsigned dpi, uint64_t max_pages, bool **flags,
    uint64_t *npages);

/* 'fm_gsrun_result_name()' - static text for a result,
 * for reasons. */
const char *fm_gsrun_result_name(enum fm_gsrun_result r);

#endif
