/*
 * pagecount.c - format sniffing and the counting rules: from the pages a
 * parser saw to impressions and sheets.
 *
 * The rules (also in docs/followme-pagecount.1):
 *  - copies: the CUPS copies option and the copies the data asks for
 *    (PostScript #copies/NumCopies, PJL QTY/COPIES, PCL ESC&l#X, PCL XL
 *    PageCopies) multiply, except when both are the same number above
 *    one: then a filter has written the CUPS option into the data and it
 *    is one request, counted once;
 *  - impressions: pages (with their in-data page repeats) grouped
 *    number-up to a side, per copy, times the copies;
 *  - sheets: impressions for one-sided; for two-sided, each copy's sides
 *    rounded up to whole sheets, times the copies;
 *  - colour: a side is colour if any page on it is; monochrome colour
 *    mode makes everything mono.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
/* _GNU_SOURCE (pipe2) comes from the build (CMakeLists.txt). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/child.h"
#include "spooler/pagecount-pcl.h"
#include "spooler/pagecount-pclxl.h"
#include "spooler/pagecount-pdf.h"
#include "spooler/pagecount-pjl.h"
#include "spooler/pagecount-ps.h"
#include "spooler/pagecount-pwg.h"
#include "spooler/pagecount-text.h"
#include "spooler/pagecount-urf.h"
#include "spooler/pagecount.h"
#include "spooler/pagetally.h"

enum format {
	F_UNKNOWN,
	F_PDF,
	F_PCLM,
	F_PS,
	F_PCL5,
	F_PCLXL,
	F_PWG,
	F_URF,
	F_TEXT,
};

static const char *const plain_names[] = {"unknown", "pdf", "pclm",
    "postscript", "pcl5", "pclxl", "pwg-raster", "urf", "text"};
static const char *const pjl_names[] = {"pjl", "pjl+pdf", "pjl+pclm",
    "pjl+postscript", "pjl+pcl5", "pjl+pclxl", "pjl+pwg-raster", "pjl+urf",
    "pjl+text"};

void
fm_pagecount_opts_init(struct fm_pagecount_opts *opts)
{
	if (opts == NULL)
		return;
	memset(opts, 0, sizeof(*opts));
	opts->copies = 1;
	opts->number_up = 1;
	opts->sides = FM_SIDES_ONE_SIDED;
	opts->color_mode = FM_COLOR_MODE_AUTO;
	opts->accurate_color = false;
	opts->timeout_sec = 60;
	opts->allow_ghostscript = true;
	opts->gs_memory_mb = 1024;
	opts->gs_path = NULL;
	opts->isolate = true;
	opts->memory_mb = 2048;
}

const char *
fm_pagecount_status_name(enum fm_pc_status status)
{
	switch (status) {
	case FM_PC_OK:
		return "ok";
	case FM_PC_ENCRYPTED:
		return "encrypted";
	case FM_PC_DAMAGED:
		return "damaged";
	case FM_PC_UNSUPPORTED:
		return "unsupported";
	case FM_PC_TOO_COMPLEX:
		return "too-complex";
	}
	return "unknown";
}

/* The IPP keywords of an option.  A value's first word is its name, the
 * others are synonyms; the table's first entry is the default. */
struct keyword {
	const char *word;
	int value;
};

static const struct keyword sides_words[] = {
    {"one-sided", FM_SIDES_ONE_SIDED},
    {"two-sided-long-edge", FM_SIDES_TWO_SIDED_LONG_EDGE},
    {"two-sided-short-edge", FM_SIDES_TWO_SIDED_SHORT_EDGE},
    {NULL, 0},
};

/* The monochrome synonyms are monochrome for accounting. */
static const struct keyword color_mode_words[] = {
    {"auto", FM_COLOR_MODE_AUTO},
    {"monochrome", FM_COLOR_MODE_MONOCHROME},
    {"color", FM_COLOR_MODE_COLOR},
    {"bi-level", FM_COLOR_MODE_MONOCHROME},
    {"process-monochrome", FM_COLOR_MODE_MONOCHROME},
    {"auto-monochrome", FM_COLOR_MODE_MONOCHROME},
    {NULL, 0},
};

/* The entry for word s (NULL: none), and for a value. */
static const struct keyword *
find_word(const struct keyword *k, const char *s)
{
	for (; s != NULL && k->word != NULL; k++)
		if (strcmp(k->word, s) == 0)
			return k;
	return NULL;
}

static const char *
word_of(const struct keyword *k, int value)
{
	for (const struct keyword *e = k; e->word != NULL; e++)
		if (e->value == value)
			return e->word;
	return k[0].word;
}

bool
fm_pagecount_parse_sides(const char *s, enum fm_sides *sides)
{
	const struct keyword *k = find_word(sides_words, s);

	if (k != NULL && sides != NULL)
		*sides = (enum fm_sides)k->value;
	return k != NULL && sides != NULL;
}

bool
fm_pagecount_parse_color_mode(const char *s, enum fm_color_mode *mode)
{
	const struct keyword *k = find_word(color_mode_words, s);

	if (k != NULL && mode != NULL)
		*mode = (enum fm_color_mode)k->value;
	return k != NULL && mode != NULL;
}

const char *
fm_pagecount_sides_name(enum fm_sides sides)
{
	return word_of(sides_words, (int)sides);
}

const char *
fm_pagecount_color_mode_name(enum fm_color_mode mode)
{
	return word_of(color_mode_words, (int)mode);
}

static bool
has_prefix(const uint8_t *b, size_t len, const char *s, size_t n)
{
	return len >= n && memcmp(b, s, n) == 0;
}

/* Finds needle in the first lim bytes of b. */
static bool
find_early(const uint8_t *b, size_t len, size_t lim, const char *needle)
{
	size_t n = strlen(needle);

	if (len > lim)
		len = lim;
	for (size_t i = 0; i + n <= len; i++)
		if (b[i] == (uint8_t)needle[0] && memcmp(b + i, needle, n) == 0)
			return true;
	return false;
}

static enum format
sniff(const uint8_t *b, size_t len, bool text)
{
	if (has_prefix(b, len, "RaS2", 4))
		return F_PWG;
	if (has_prefix(b, len, "UNIRAST\0", 8))
		return F_URF;
	if (has_prefix(b, len, "%!", 2) || has_prefix(b, len, "\x04%!", 3))
		return F_PS;
	/* PDF readers accept the header anywhere in the first kilobyte. */
	if (find_early(b, len, 1024, "%PDF-"))
		return find_early(b, len, 1024, "%PCLm") ? F_PCLM : F_PDF;
	if (len >= 11 && (b[0] == ')' || b[0] == '(' || b[0] == '\'') &&
	    memcmp(b + 1, " HP-PCL XL", 10) == 0)
		return F_PCLXL;
	if (len >= 2 && b[0] == 0x1b &&
	    (b[1] == 'E' || b[1] == '&' || b[1] == '*' || b[1] == '(' ||
	        b[1] == ')' || b[1] == '%' || b[1] == '9' || b[1] == '='))
		return F_PCL5;
	/* A PDF that lost its header still has its objects up front and
	 * its end-of-file marker at the end: qpdf (or Ghostscript after
	 * it) can read it. */
	if (find_early(b, len, 1024, " obj") &&
	    find_early(len > 1024 ? b + len - 1024 : b, len, 1024, "%%EOF"))
		return F_PDF;
	/* Text last: a PJL body is never taken for text (its language
	 * says what it is). */
	if (text && fm_pagecount_text_is_text(b, len))
		return F_TEXT;
	return F_UNKNOWN;
}

static enum format
from_language(const char *lang)
{
	if (strcmp(lang, "PCL") == 0)
		return F_PCL5;
	if (strcmp(lang, "PCLXL") == 0)
		return F_PCLXL;
	if (strcmp(lang, "POSTSCRIPT") == 0)
		return F_PS;
	if (strcmp(lang, "PDF") == 0)
		return F_PDF;
	return F_UNKNOWN;
}

/* The parsers that need nothing but the data. */
static bool (*const data_scanners[])(
    const uint8_t *, size_t, struct fm_pagetally *) = {
    [F_PCL5] = fm_pagecount_pcl_scan,
    [F_PCLXL] = fm_pagecount_pclxl_scan,
    [F_PWG] = fm_pagecount_pwg_scan,
    [F_URF] = fm_pagecount_urf_scan,
    [F_TEXT] = fm_pagecount_text_scan,
};

/* Runs format f's parser over the data into *t; false on a system
 * error. */
static bool
scan(enum format f, const uint8_t *b, size_t len,
    const struct fm_pagecount_opts *opts, struct fm_pagetally *t)
{
	if (f == F_PDF || f == F_PCLM)
		return fm_pagecount_pdf_scan(b, len, opts, f == F_PCLM, t);
	if (f == F_PS)
		return fm_pagecount_ps_scan(b, len, opts, t);
	if (data_scanners[f] != NULL)
		return data_scanners[f](b, len, t);
	fm_pagetally_fail(t, FM_PC_UNSUPPORTED, "unknown format");
	return true;
}

/* The counting rules: from a parser's tally of a countable document and
 * the job options to the result. */
static void
apply_rules(struct fm_pagetally *t, const struct fm_pagecount_opts *opts,
    struct fm_pagecount *out)
{
	uint64_t cups, factor, repeat, in_data;

	fm_pagetally_finish(t);
	snprintf(out->reason, sizeof(out->reason), "%s", t->reason);
	if (opts->color_mode == FM_COLOR_MODE_MONOCHROME) {
		t->color_pages = 0;
		t->color_sides = 0;
	}
	/*
	 * In-data copies are the document-wide ones times a page repeat
	 * that all pages share; the repeats are already in t->sides.  When
	 * they equal the CUPS copies, a filter wrote the CUPS option into
	 * the data: one request, counted once.
	 */
	cups = opts->copies;
	repeat = !t->repeat_mixed && t->repeat > 1 ? t->repeat : 1;
	in_data = fm_pagetally_mul(t->doc_copies, repeat);
	factor = in_data > 1 && in_data == cups
	    ? t->doc_copies
	    : fm_pagetally_mul(t->doc_copies, cups);

	out->pages = t->pages;
	out->color_pages = t->color_pages;
	out->mono_pages = t->pages - t->color_pages;
	out->copies = fm_pagetally_mul(factor, repeat);
	out->doc_copies = in_data;
	out->impressions = fm_pagetally_mul(t->sides, factor);
	out->color_impressions = fm_pagetally_mul(t->color_sides, factor);
	out->mono_impressions = out->impressions - out->color_impressions;
	out->color_exact = t->color_exact;
	if (opts->sides == FM_SIDES_ONE_SIDED)
		out->sheets = out->impressions;
	else
		out->sheets =
		    fm_pagetally_mul(t->sides / 2 + t->sides % 2, factor);
	out->status = FM_PC_OK;
}

static void
set_fail(struct fm_pagecount *out, enum fm_pc_status st, const char *reason)
{
	out->status = st;
	snprintf(out->reason, sizeof(out->reason), "%s", reason);
}

#if defined(__SANITIZE_ADDRESS__)
#define FM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FM_ASAN 1
#endif
#endif

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What the isolated child sends back: the result, as one write. */
struct wire {
	bool ok;
	int err;
	struct fm_pagecount r;
};

/* A format pointer from the child is only trusted if it is one of ours
 * (the child is a fork: same addresses). */
static const char *
known_format(const char *f)
{
	for (size_t i = 0; i < sizeof(plain_names) / sizeof(plain_names[0]);
	     i++) {
		if (f == plain_names[i])
			return plain_names[i];
		if (f == pjl_names[i])
			return pjl_names[i];
	}
	return plain_names[F_UNKNOWN];
}

static void __attribute__((noreturn)) isolated_child(
    const void *buf, size_t len, const struct fm_pagecount_opts *opts, int fd)
{
	struct fm_pagecount_opts o = *opts;
	struct wire w;
	size_t off = 0;

	/* Its own process group, so that a Ghostscript grandchild goes
	 * down with it. */
	(void)setpgid(0, 0);
	if (o.in_child != NULL)
		o.in_child(o.in_child_arg);
	if (o.idle) {
		struct sched_param sp = {0};
		(void)sched_setscheduler(0, SCHED_IDLE, &sp);
	}
	o.isolate = false;
	memset(&w, 0, sizeof(w));
	w.ok = fm_pagecount_buf(buf, len, &o, &w.r);
	w.err = errno;
	while (off < sizeof(w)) {
		ssize_t n = write(fd, (const char *)&w + off, sizeof(w) - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(1);
		off += (size_t)n;
	}
	_exit(0);
}

/*
 * Runs the analysis in a forked child with address-space, CPU and wall
 * clock limits, and takes its result from a pipe.  A child that runs out
 * of time, dies of its limits or crashes gives FM_PC_TOO_COMPLEX.
 */
static bool
run_isolated(const void *buf, size_t len, const struct fm_pagecount_opts *opts,
    struct fm_pagecount *out)
{
	unsigned timeout = opts->timeout_sec ? opts->timeout_sec : 60;
	unsigned wall = 2 * timeout + 5;
	struct wire w;
	size_t got = 0;
	int64_t deadline = now_ms() + (int64_t)wall * 1000;
	int pfd[2], status = 0;
	bool timed_out = false;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) == -1) {
		set_fail(out, FM_PC_TOO_COMPLEX, "cannot create a pipe");
		return false;
	}
	/* Only the pipe kept; killed with us; no core, and CPU (and
	 * address space, but for AddressSanitizer, which reserves
	 * terabytes of it up front) limited. */
	const struct fm_child_limit limits[] = {
	    {RLIMIT_CORE, 0},
	    {RLIMIT_CPU, (uint64_t)wall + 1},
	    {RLIMIT_AS,
	        (uint64_t)(opts->memory_mb ? opts->memory_mb : 2048) * 1024 *
	            1024},
	};
	struct fm_child_fd keep[] = {{pfd[1], -1}};
	struct fm_child_spec spec = {
	    .death_signal = SIGKILL,
	    .keep = keep,
	    .nkeep = 1,
	    .limits = limits,
#ifndef FM_ASAN
	    .nlimits = 3,
#else
	    .nlimits = 2,
#endif
	};
	if ((pid = fm_child_fork(&spec, NULL)) == -1) {
		close(pfd[0]);
		close(pfd[1]);
		set_fail(out, FM_PC_TOO_COMPLEX, "cannot fork");
		return false;
	}
	if (pid == 0)
		isolated_child(buf, len, opts, pfd[1]);
	close(pfd[1]);
	while (got < sizeof(w)) {
		struct pollfd p = {.fd = pfd[0], .events = POLLIN};
		int64_t left = deadline - now_ms();
		ssize_t n;
		if (left <= 0) {
			timed_out = true;
			break;
		}
		if (poll(&p, 1, (int)(left > 1000 ? 1000 : left)) <= 0)
			continue;
		n = read(pfd[0], (char *)&w + got, sizeof(w) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(pfd[0]);
	if (got < sizeof(w)) {
		(void)kill(-pid, SIGKILL);
		(void)kill(pid, SIGKILL);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (got < sizeof(w)) {
		char why[96];
		if (timed_out)
			snprintf(why, sizeof(why), "time limit (%u s) reached",
			    wall);
		else if (WIFSIGNALED(status))
			snprintf(why, sizeof(why),
			    "analysis stopped by signal %d (memory limit?)",
			    WTERMSIG(status));
		else
			snprintf(why, sizeof(why), "analysis failed");
		set_fail(out, FM_PC_TOO_COMPLEX, why);
		return true;
	}
	*out = w.r;
	out->format = known_format(w.r.format);
	out->reason[sizeof(out->reason) - 1] = '\0';
	if (!w.ok)
		errno = w.err;
	return w.ok;
}

bool
fm_pagecount_buf(const void *buf, size_t len,
    const struct fm_pagecount_opts *optsp, struct fm_pagecount *out)
{
	struct fm_pagecount_opts opts;
	struct fm_pagecount_pjl pjl;
	struct fm_pagetally t;
	const uint8_t *b = buf;
	bool is_pjl = false;
	enum format f;

	if (out == NULL)
		return false;
	memset(out, 0, sizeof(*out));
	out->format = plain_names[F_UNKNOWN];
	if (optsp != NULL && optsp->isolate)
		return run_isolated(buf, len, optsp, out);
	if (buf == NULL && len > 0) {
		set_fail(out, FM_PC_UNSUPPORTED, "no data");
		errno = EINVAL;
		return false;
	}
	if (optsp != NULL)
		opts = *optsp;
	else
		fm_pagecount_opts_init(&opts);
	if (opts.copies == 0)
		opts.copies = 1;
	if (opts.number_up == 0)
		opts.number_up = 1;
	if (opts.timeout_sec == 0)
		opts.timeout_sec = 60;
	if (opts.gs_memory_mb < 64)
		opts.gs_memory_mb = 1024;

	fm_pagetally_init(&t, opts.number_up);
	t.want_color = opts.color_mode != FM_COLOR_MODE_MONOCHROME;
	f = F_UNKNOWN;
	if (fm_pagecount_pjl_is_pjl(b, len)) {
		is_pjl = true;
		if (!fm_pagecount_pjl_parse(b, len, &pjl)) {
			out->format = pjl_names[F_UNKNOWN];
			set_fail(out, FM_PC_UNSUPPORTED,
			    "PJL job without printable data");
			return true;
		}
		b += pjl.body;
		len -= pjl.body;
		f = sniff(b, len, false);
		if (f == F_UNKNOWN)
			f = from_language(pjl.language);
		t.doc_copies = fm_pagetally_mul(pjl.qty, pjl.copies);
	} else {
		f = sniff(b, len, true);
	}
	out->format = is_pjl ? pjl_names[f] : plain_names[f];

	if (!scan(f, b, len, &opts, &t)) {
		set_fail(out, FM_PC_TOO_COMPLEX,
		    t.reason[0] ? t.reason : "system error");
		return false;
	}
	if (!fm_pagetally_ok(&t)) {
		set_fail(out, t.status, t.reason);
		out->needs_renderer = t.needs_renderer;
		return true;
	}
	apply_rules(&t, &opts, out);
	return true;
}

bool
fm_pagecount_fd(
    int fd, const struct fm_pagecount_opts *opts, struct fm_pagecount *out)
{
	struct stat st;
	void *map;
	bool ok;

	if (out == NULL)
		return false;
	memset(out, 0, sizeof(*out));
	out->format = "unknown";
	if (fstat(fd, &st) == -1) {
		set_fail(out, FM_PC_UNSUPPORTED, "cannot stat the file");
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		set_fail(out, FM_PC_UNSUPPORTED, "not a regular file");
		return false;
	}
	if (st.st_size == 0)
		return fm_pagecount_buf("", 0, opts, out);
	if ((uint64_t)st.st_size > SIZE_MAX) {
		errno = EFBIG;
		set_fail(out, FM_PC_TOO_COMPLEX, "file too large");
		return false;
	}
	/*
	 * A private read-only mapping leaves the fd's offset alone.  The
	 * caller owns the file: if someone truncates it under us we would
	 * take SIGBUS, which is why callers pass spool files they control.
	 */
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		set_fail(out, FM_PC_TOO_COMPLEX, "cannot map the file");
		return false;
	}
	/* qpdf jumps between the trailer, the xref and the objects; the
	 * other parsers stream from start to end. */
	(void)madvise(map, (size_t)st.st_size,
	    find_early(map, (size_t)st.st_size, 1024, "%PDF-")
	        ? MADV_RANDOM
	        : MADV_SEQUENTIAL);
	ok = fm_pagecount_buf(map, (size_t)st.st_size, opts, out);
	munmap(map, (size_t)st.st_size);
	return ok;
}
