/*
 * pagecount.h - page analysis of print data: pages, colour, impressions,
 * sheets.
 *
 * One small API over a buffer or a seekable file.  The data's format is
 * sniffed (PDF, PostScript, PCL 5, PCL XL, PJL-wrapped data, PWG raster,
 * Apple URF, PCLm); each format has its own parser module
 * (pagecount-<format>.c) that reports pages and their colour to a tally
 * (pagetally.c), and this module turns the tally and the job options
 * (copies, number-up, sides, colour mode) into impressions and sheets.
 * The counting rules are stated in docs/followme-pagecount.1.
 *
 * A file that cannot be counted is never given a guessed number: the
 * result then has a status other than FM_PC_OK and its counts are zero.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_PAGECOUNT_H
#define FM_PAGECOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fm_sides {
	FM_SIDES_ONE_SIDED,
	FM_SIDES_TWO_SIDED_LONG_EDGE,
	FM_SIDES_TWO_SIDED_SHORT_EDGE,
};

enum fm_color_mode {
	FM_COLOR_MODE_AUTO,
	FM_COLOR_MODE_MONOCHROME,
	FM_COLOR_MODE_COLOR,
};

enum fm_pc_status {
	FM_PC_OK,
	FM_PC_ENCRYPTED,   /* needs a user password we do not have */
	FM_PC_DAMAGED,     /* malformed or truncated beyond recovery */
	FM_PC_UNSUPPORTED, /* not a format we can count exactly */
	FM_PC_TOO_COMPLEX, /* over a time, memory or size limit */
};

struct fm_pagecount_opts {
	unsigned copies;    /* CUPS/IPP copies, >= 1 */
	unsigned number_up; /* pages per side, >= 1 (1 if already imposed) */
	enum fm_sides sides;
	enum fm_color_mode color_mode;
	bool accurate_color;  /* PDF/PS: render with Ghostscript to decide */
	unsigned timeout_sec; /* per Ghostscript child; 0 = default (60) */
	/* Added fields. */
	bool allow_ghostscript; /* false: never start a child (fuzzing) */
	unsigned gs_memory_mb;  /* address-space limit of a child; 0 = 1024 */
	const char *gs_path;    /* NULL = "gs" from PATH */
	bool isolate;       /* analyse in a limited child process (default) */
	unsigned memory_mb; /* address-space limit of that child; 0 = 2048 */
	/* That child, and Ghostscript, at SCHED_IDLE: they run only on CPU
	 * time nothing else wants (followmed's analyses during a burst). */
	bool idle;
	/* Called in that child before it parses anything (NULL: nothing):
	 * a caller holding other documents unmaps them there. */
	void (*in_child)(void *arg);
	void *in_child_arg;
};

struct fm_pagecount {
	enum fm_pc_status status;
	const char *format;   /* static string: "pdf", "postscript", ... */
	uint64_t pages;       /* pages in the document (one copy) */
	uint64_t color_pages; /* of those, colour pages */
	uint64_t mono_pages;  /* of those, mono pages */
	uint64_t impressions; /* page sides printed, all copies, after N-up */
	uint64_t sheets;      /* sheets of media, all copies */
	uint64_t copies;      /* effective copies (CUPS and in-document) */
	char reason[128];     /* human-readable detail, "" when none */
	/* Added fields. */
	uint64_t color_impressions; /* impressions with colour on them */
	uint64_t mono_impressions;  /* impressions - color_impressions */
	uint64_t doc_copies;        /* copies requested inside the data */
	bool color_exact; /* colour from pixels (raster, accurate mode) */
	/* Not counted only because it needs Ghostscript and
	 * opts->allow_ghostscript was false, or libqpdf and the program
	 * links fm_pagecount_stream (the backend): worth counting later,
	 * where they are. */
	bool needs_renderer;
};

/*
 * 'fm_pagecount_opts_init()' - fills *opts with the defaults: 1 copy,
 * 1-up, one-sided, colour mode auto, fast colour, 60 s timeout,
 * Ghostscript allowed, analysis isolated in a child process limited to
 * 2 GiB of address space and 2 x timeout + 5 s of wall clock.  NULL opts
 * is a no-op.
 */
void fm_pagecount_opts_init(struct fm_pagecount_opts *opts);

/*
 * 'fm_pagecount_buf()' - analyses len bytes at buf.  opts may be NULL for
 * the defaults.  Fills *out.  Returns false only on a system error
 * (out of memory, fork failure), with out->reason set; data that cannot
 * be counted returns true with a non-OK out->status.  With opts->isolate
 * the parsers (and libqpdf) run in a forked child with an address-space,
 * CPU and wall-clock limit: a file that exhausts them, or crashes the
 * child, gives FM_PC_TOO_COMPLEX, never a crash of the caller.  The call
 * blocks until the analysis is over; it forks, so call it from a process
 * that may (the CUPS backend), not from an event loop.  NULL out
 * returns false; NULL buf with len > 0 is a system error (EINVAL).
 */
bool fm_pagecount_buf(const void *buf, size_t len,
    const struct fm_pagecount_opts *opts, struct fm_pagecount *out);

/*
 * 'fm_pagecount_fd()' - analyses the seekable regular file open on fd,
 * as fm_pagecount_buf().  The file is mapped read-only; the fd stays the
 * caller's and its offset is not changed.  Returns false on a system
 * error (fd not a regular file, mmap failure) with out->reason set;
 * NULL out returns false.
 */
bool fm_pagecount_fd(
    int fd, const struct fm_pagecount_opts *opts, struct fm_pagecount *out);

/*
 * 'fm_pagecount_status_name()' - the static name of a status: "ok",
 * "encrypted", "damaged", "unsupported", "too-complex" ("unknown" for a
 * value outside the enum).
 */
const char *fm_pagecount_status_name(enum fm_pc_status status);

/*
 * 'fm_pagecount_parse_sides()' - parses the IPP/CUPS keyword of the
 * sides option ("one-sided", "two-sided-long-edge",
 * "two-sided-short-edge").  Returns false, leaving *sides alone, on an
 * unknown word or a NULL argument.
 */
bool fm_pagecount_parse_sides(const char *s, enum fm_sides *sides);

/*
 * 'fm_pagecount_parse_color_mode()' - parses print-color-mode ("auto",
 * "monochrome", "color"; also "bi-level", "process-monochrome" and
 * "auto-monochrome", which are monochrome for accounting).  Returns
 * false, leaving *mode alone, on an unknown word or a NULL argument.
 */
bool fm_pagecount_parse_color_mode(const char *s, enum fm_color_mode *mode);

/*
 * 'fm_pagecount_sides_name()' - the static IPP keyword of a sides value
 * ("one-sided" for a value outside the enum).
 */
const char *fm_pagecount_sides_name(enum fm_sides sides);

/*
 * 'fm_pagecount_color_mode_name()' - the static IPP keyword of a colour
 * mode ("auto" for a value outside the enum).
 */
const char *fm_pagecount_color_mode_name(enum fm_color_mode mode);

#endif
