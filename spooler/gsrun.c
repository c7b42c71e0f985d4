/*
 * gsrun.c - Ghostscript in a sandboxed child, and a PPM page reader on
 * top of it for colour decisions.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
/* _GNU_SOURCE comes from the build (CMakeLists.txt). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/child.h"
#include "spooler/gsrun.h"

#define MAX_ARGS 16

const char *
fm_gsrun_result_name(enum fm_gsrun_result r)
{
	switch (r) {
	case FM_GSRUN_OK:
		return "ok";
	case FM_GSRUN_FAILED:
		return "Ghostscript reported an error";
	case FM_GSRUN_TIMEOUT:
		return "Ghostscript time limit reached";
	case FM_GSRUN_KILLED:
		return "Ghostscript killed (memory limit)";
	case FM_GSRUN_STOPPED:
		return "Ghostscript output over the limit";
	case FM_GSRUN_SYSERR:
		return "cannot start Ghostscript";
	}
	return "?";
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A copy of the data in a sealed memfd: Ghostscript reads it as a file. */
static int
doc_memfd(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	int fd;

	fd = memfd_create("fm-doc", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd == -1)
		return -1;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	(void)fcntl(fd, F_ADD_SEALS,
	    F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL);
	return fd;
}

/*
 * Forks Ghostscript: the document on fd 3, its output into outfd, its
 * errors there too or nowhere, nothing else open, no core, no files
 * written, no processes (SAFER already forbids pipes; this is belt and
 * braces for a non-root user), signals at their defaults, and killed
 * with us.  Limits may only go down: a caller that is itself limited
 * (the isolated analysis child) keeps the lower of the two.  A set-up
 * that fails exits 126 (FM_CHILD_SETUP_FAILED).  Returns the pid, or -1.
 */
static pid_t
start_gs(const struct fm_gsrun_limits *lim, int docfd, int outfd,
    bool merge_stderr, char *const *argv)
{
	static const char *const envp[] = {
	    "PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C", NULL};
	const struct fm_child_limit limits[] = {
	    {RLIMIT_AS, (uint64_t)lim->memory_mb * 1024 * 1024},
	    {RLIMIT_CPU, (uint64_t)lim->timeout_sec + 1},
	    {RLIMIT_CORE, 0},
	    {RLIMIT_FSIZE, 0},
	    {RLIMIT_NPROC, 0},
	};
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	struct fm_child_fd keep[] = {{null, STDIN_FILENO},
	    {outfd, STDOUT_FILENO},
	    {merge_stderr ? outfd : null, STDERR_FILENO}, {docfd, 3}};
	struct fm_child_spec spec = {.death_signal = SIGKILL,
	    .keep = keep,
	    .nkeep = 4,
	    .limits = limits,
	    .nlimits = 5};
	pid_t pid;

	if (null == -1)
		return -1;
	if ((pid = fm_child_fork(&spec, NULL)) == 0) {
		/* A fixed environment: GS_OPTIONS or GS_LIB from the
		 * caller's environment could otherwise turn SAFER off or
		 * swap resources. */
		execvpe(argv[0], argv, (char *const *)envp);
		_exit(127);
	}
	close(null);
	return pid;
}

static void
reap(pid_t pid, int *status, int64_t deadline, bool *timed_out)
{
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid || (r == -1 && errno != EINTR))
			return;
		if (now_ms() >= deadline) {
			*timed_out = true;
			kill(pid, SIGKILL);
			while (waitpid(pid, status, 0) == -1 && errno == EINTR)
				;
			return;
		}
		usleep(2000);
	}
}

enum fm_gsrun_result
fm_gsrun_exec(const struct fm_gsrun_limits *lim, const void *buf, size_t len,
    const char *const *args, bool merge_stderr, fm_gsrun_sink sink, void *arg)
{
	char *argv[MAX_ARGS + 8];
	uint8_t chunk[65536];
	int docfd = -1, pfd[2] = {-1, -1}, status = 0, n = 0;
	bool timed_out = false, stopped = false;
	int64_t deadline;
	pid_t pid;

	if (lim == NULL || sink == NULL || args == NULL) {
		errno = EINVAL;
		return FM_GSRUN_SYSERR;
	}
	argv[n++] = (char *)(lim->gs_path ? lim->gs_path : "gs");
	argv[n++] = (char *)"-q";
	argv[n++] = (char *)"-dSAFER";
	argv[n++] = (char *)"-dBATCH";
	argv[n++] = (char *)"-dNOPAUSE";
	for (int i = 0; args[i] != NULL; i++) {
		if (i >= MAX_ARGS) {
			errno = E2BIG;
			return FM_GSRUN_SYSERR;
		}
		argv[n++] = (char *)args[i];
	}
	argv[n++] = (char *)"/dev/fd/3";
	argv[n] = NULL;

	if ((docfd = doc_memfd(buf, len)) == -1)
		return FM_GSRUN_SYSERR;
	if (pipe2(pfd, O_CLOEXEC) == -1) {
		close(docfd);
		return FM_GSRUN_SYSERR;
	}
	deadline = now_ms() + (int64_t)lim->timeout_sec * 1000;
	pid = start_gs(lim, docfd, pfd[1], merge_stderr, argv);
	if (pid == -1) {
		close(docfd);
		close(pfd[0]);
		close(pfd[1]);
		return FM_GSRUN_SYSERR;
	}
	close(docfd);
	close(pfd[1]);

	for (;;) {
		struct pollfd p = {.fd = pfd[0], .events = POLLIN};
		int64_t left = deadline - now_ms();
		ssize_t got;

		if (left <= 0) {
			timed_out = true;
			break;
		}
		if (poll(&p, 1, (int)(left > 1000 ? 1000 : left)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p.revents == 0)
			continue;
		got = read(pfd[0], chunk, sizeof(chunk));
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got <= 0)
			break;
		if (!sink(arg, chunk, (size_t)got)) {
			stopped = true;
			break;
		}
	}
	close(pfd[0]);
	if (timed_out || stopped)
		kill(pid, SIGKILL);
	reap(pid, &status, timed_out || stopped ? now_ms() + 5000 : deadline,
	    &timed_out);

	if (stopped)
		return FM_GSRUN_STOPPED;
	if (timed_out)
		return FM_GSRUN_TIMEOUT;
	if (WIFSIGNALED(status))
		return WTERMSIG(status) == SIGXCPU ? FM_GSRUN_TIMEOUT
		                                   : FM_GSRUN_KILLED;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		errno = ENOENT;
		return FM_GSRUN_SYSERR;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? FM_GSRUN_OK
	                                                     : FM_GSRUN_FAILED;
}

/*
 * A reader for concatenated binary PPM (P6) pages, fed in arbitrary
 * pieces.  It keeps only the page being read: one colour flag per page.
 */
struct ppm_reader {
	char hdr[256];
	size_t hlen;
	bool in_pixels;
	uint64_t left; /* pixel bytes left in this page */
	unsigned phase;
	uint8_t r, g;
	bool color;
	bool *flags;
	uint64_t npages, cap, max_pages;
	bool bad;
};

/* Parses "P6 w h max" with comments; 1 = complete, 0 = need more, -1 bad. */
static int
ppm_header(struct ppm_reader *pr, size_t *used)
{
	unsigned long long v[3];
	size_t i = 2;
	int nv = 0;

	if (pr->hlen >= 2 && (pr->hdr[0] != 'P' || pr->hdr[1] != '6'))
		return -1;
	while (nv < 3) {
		while (i < pr->hlen &&
		    (pr->hdr[i] == ' ' || pr->hdr[i] == '\n' ||
		        pr->hdr[i] == '\r' || pr->hdr[i] == '\t' ||
		        pr->hdr[i] == '#')) {
			if (pr->hdr[i] == '#') {
				while (i < pr->hlen && pr->hdr[i] != '\n')
					i++;
				if (i == pr->hlen)
					return 0;
			}
			i++;
		}
		if (i >= pr->hlen)
			return 0;
		if (pr->hdr[i] < '0' || pr->hdr[i] > '9')
			return -1;
		v[nv] = 0;
		while (i < pr->hlen && pr->hdr[i] >= '0' && pr->hdr[i] <= '9') {
			if (v[nv] > 1000000)
				return -1;
			v[nv] = v[nv] * 10 + (unsigned)(pr->hdr[i] - '0');
			i++;
		}
		if (i >= pr->hlen)
			return 0;
		nv++;
	}
	/* Exactly one whitespace byte separates the header from the data. */
	if (v[2] == 0 || v[2] > 255)
		return -1;
	*used = i + 1;
	pr->left = v[0] * v[1] * 3;
	return 1;
}

static bool
ppm_end_page(struct ppm_reader *pr)
{
	if (pr->npages >= pr->max_pages)
		return false;
	if (pr->npages == pr->cap) {
		uint64_t ncap = pr->cap ? pr->cap * 2 : 64;
		bool *nf = realloc(pr->flags, ncap * sizeof(bool));
		if (nf == NULL)
			return false;
		pr->flags = nf;
		pr->cap = ncap;
	}
	pr->flags[pr->npages++] = pr->color;
	pr->in_pixels = false;
	pr->hlen = 0;
	pr->color = false;
	pr->phase = 0;
	return true;
}

static bool
ppm_sink(void *arg, const uint8_t *data, size_t len)
{
	struct ppm_reader *pr = arg;

	while (len > 0) {
		if (!pr->in_pixels) {
			size_t take = sizeof(pr->hdr) - pr->hlen, used = 0;
			int r;
			if (take > len)
				take = len;
			memcpy(pr->hdr + pr->hlen, data, take);
			pr->hlen += take;
			r = ppm_header(pr, &used);
			if (r < 0 || (r == 0 && pr->hlen == sizeof(pr->hdr))) {
				pr->bad = true;
				return false;
			}
			if (r == 0) {
				data += take;
				len -= take;
				continue;
			}
			/* Give back what the header did not use. */
			data += take - (pr->hlen - used);
			len -= take - (pr->hlen - used);
			pr->in_pixels = true;
			pr->phase = 0;
			if (pr->left == 0 && !ppm_end_page(pr))
				return false;
			continue;
		}
		size_t n = len < pr->left ? len : (size_t)pr->left;
		for (size_t i = 0; i < n && !pr->color; i++) {
			uint8_t b = data[i];
			if (pr->phase == 0) {
				pr->r = b;
			} else if (pr->phase == 1) {
				pr->g = b;
			} else {
				uint8_t lo = pr->r, hi = pr->r;
				if (pr->g < lo)
					lo = pr->g;
				if (pr->g > hi)
					hi = pr->g;
				if (b < lo)
					lo = b;
				if (b > hi)
					hi = b;
				if (hi - lo > 2)
					pr->color = true;
			}
			pr->phase = (pr->phase + 1) % 3;
		}
		/* Once colour is found the rest of the page is only skipped,
		 * so the phase no longer matters. */
		data += n;
		len -= n;
		pr->left -= n;
		if (pr->left == 0 && !ppm_end_page(pr))
			return false;
	}
	return true;
}

enum fm_gsrun_result
fm_gsrun_render_colors(const struct fm_gsrun_limits *lim, const void *buf,
    size_t len, unsigned dpi, uint64_t max_pages, bool **flags,
    uint64_t *npages)
{
	struct ppm_reader pr;
	char res[32];
	/* PostScript's own output (print, error reports) goes to stderr so
	 * that stdout carries nothing but pages. */
	const char *args[] = {"-sstdout=%stderr", "-sDEVICE=ppmraw", res,
	    "-dUseFastColor=true", "-dTextAlphaBits=1", "-dGraphicsAlphaBits=1",
	    "-sOutputFile=-", NULL};
	enum fm_gsrun_result r;

	*flags = NULL;
	*npages = 0;
	memset(&pr, 0, sizeof(pr));
	pr.max_pages = max_pages;
	snprintf(res, sizeof(res), "-r%u", dpi ? dpi : 36);
	r = fm_gsrun_exec(lim, buf, len, args, false, ppm_sink, &pr);
	if (r == FM_GSRUN_OK && (pr.in_pixels || pr.hlen > 0 || pr.bad))
		r = FM_GSRUN_FAILED; /* a page cut short */
	if (r != FM_GSRUN_OK) {
		free(pr.flags);
		return r;
	}
	*flags = pr.flags;
	*npages = pr.npages;
	return r;
}
