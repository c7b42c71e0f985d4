/*
 * pagecount.c - counting pages, in a sandboxed child process.
 */
#include "spooler/pagecount.h"

#include <errno.h>
#include <qpdf/qpdf-c.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define MEMORY_LIMIT (1024UL * 1024 * 1024)

/* AddressSanitizer reserves terabytes of address space for its shadow
 * memory: under it, the memory limit cannot be an address-space limit. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FM_UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FM_UNDER_ASAN 1
#endif

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
	return "unsupported";
}

bool
fm_pagecount_is_pdf(const uint8_t *buf, size_t len)
{
	/* "%PDF-" at the start, or after a PJL job header. */
	if (len > 1024)
		len = 1024;
	for (size_t i = 0; i + 5 <= len; i++)
		if (memcmp(buf + i, "%PDF-", 5) == 0)
			return i == 0 || buf[0] == 0x1b || buf[0] == '@';
	return false;
}

/* In the child: count with qpdf and write the result. */
static void __attribute__((noreturn)) count_pdf(int fd, int out)
{
	struct {
		uint8_t status;
		uint64_t pages;
	} r = {FM_PC_DAMAGED, 0};
	char path[64];
	qpdf_data q = qpdf_init();
	int n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	if (qpdf_read(q, path, NULL) & QPDF_ERRORS) {
		const char *msg =
		    qpdf_get_error_full_text(q, qpdf_get_error(q));
		if (msg != NULL && strstr(msg, "password") != NULL)
			r.status = FM_PC_ENCRYPTED;
	} else if ((n = qpdf_get_num_pages(q)) >= 0) {
		r.status = FM_PC_OK;
		r.pages = (uint64_t)n;
	}
	qpdf_cleanup(&q);
	(void)!write(out, &r, sizeof(r));
	_exit(0);
}

bool
fm_pagecount_fd(int fd, unsigned timeout_sec, struct fm_pagecount *out)
{
	struct {
		uint8_t status;
		uint64_t pages;
	} r;
	uint8_t head[1024];
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	out->status = FM_PC_UNSUPPORTED;
	out->format = "unknown";
	out->pages = 0;
	if ((n = pread(fd, head, sizeof(head), 0)) < 0)
		return false;
	if (!fm_pagecount_is_pdf(head, (size_t)n))
		return true;
	out->format = "pdf";
	if (pipe(fds) != 0)
		return false;
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return false;
	}
	if (pid == 0) {
		struct rlimit mem = {MEMORY_LIMIT, MEMORY_LIMIT};
		struct rlimit cpu = {timeout_sec, timeout_sec + 1};
		close(fds[0]);
#ifndef FM_UNDER_ASAN
		setrlimit(RLIMIT_AS, &mem);
#else
		(void)mem;
#endif
		setrlimit(RLIMIT_CPU, &cpu);
		alarm(timeout_sec);
		count_pdf(fd, fds[1]);
	}
	close(fds[1]);
	do
		n = read(fds[0], &r, sizeof(r));
	while (n < 0 && errno == EINTR);
	close(fds[0]);
	/* The child's alarm bounds the wait; nothing else to reap. */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(r) || r.status > FM_PC_TOO_COMPLEX) {
		out->status = FM_PC_TOO_COMPLEX;
		return true;
	}
	out->status = (enum fm_pc_status)r.status;
	out->pages = r.pages;
	/* A PDF that claims an absurd number of pages is not believed. */
	if (out->status == FM_PC_OK && out->pages > 1000000) {
		out->status = FM_PC_DAMAGED;
		out->pages = 0;
	}
	return true;
}
