/*
 * log.c - logging to syslog or stderr.
 *
 * The logger's settings are the one piece of process-wide state we allow
 * outside signal flags: every module logs, and threading a logger through
 * every call would buy nothing.  They are written once, before any other
 * work, and only read afterwards.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/log.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>

static struct {
	const char *progname;
	enum fm_log_target target;
	bool debug;
	bool journal;
} logger = {"followme", FM_LOG_STDERR, false, false};

/* One decimal number of at most 20 digits from buf[*i] on. */
static bool
parse_number(const char *buf, size_t len, size_t *i, uintmax_t *out)
{
	uintmax_t v = 0;
	size_t start = *i;

	while (*i < len && buf[*i] >= '0' && buf[*i] <= '9') {
		unsigned d = (unsigned)(buf[*i] - '0');
		if (v > (UINTMAX_MAX - d) / 10)
			return false;
		v = v * 10 + d;
		(*i)++;
	}
	*out = v;
	return *i > start;
}

bool
fm_log_parse_journal_stream(const char *buf, size_t len, dev_t *dev, ino_t *ino)
{
	uintmax_t d, n;
	size_t i = 0;

	if (buf == NULL || dev == NULL || ino == NULL)
		return false;
	if (!parse_number(buf, len, &i, &d) || i >= len || buf[i++] != ':' ||
	    !parse_number(buf, len, &i, &n) || i != len)
		return false;
	if ((uintmax_t)(dev_t)d != d || (uintmax_t)(ino_t)n != n)
		return false;
	*dev = (dev_t)d;
	*ino = (ino_t)n;
	return true;
}

/* stderr is the journal's stream if it is the very file JOURNAL_STREAM
 * names: a program that redirected stderr (a test, a pipe to a file)
 * keeps plain lines even when it inherited the variable. */
static bool
stderr_is_journal(void)
{
	const char *v = getenv("JOURNAL_STREAM");
	struct stat st;
	dev_t dev;
	ino_t ino;

	if (v == NULL ||
	    !fm_log_parse_journal_stream(v, strlen(v), &dev, &ino) ||
	    fstat(2, &st) != 0)
		return false;
	return st.st_dev == dev && st.st_ino == ino;
}

void
fm_log_init(const char *progname, enum fm_log_target target, bool debug)
{
	logger.progname = progname ? progname : "followme";
	logger.target = target;
	logger.debug = debug;
	logger.journal = target == FM_LOG_STDERR && stderr_is_journal();
	if (target == FM_LOG_SYSLOG)
		openlog(logger.progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
fm_log_reopen(void)
{
	if (logger.target != FM_LOG_SYSLOG)
		return;
	closelog();
	openlog(logger.progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

bool
fm_log_is_journal(void)
{
	return logger.journal;
}

static void __attribute__((format(printf, 3, 0)))
vlog(int priority, const char *label, const char *fmt, va_list ap)
{
	if (logger.target == FM_LOG_SYSLOG) {
		vsyslog(priority, fmt, ap);
		return;
	}
	flockfile(stderr);
	if (logger.journal)
		fprintf(stderr, "<%d>", priority);
	fprintf(stderr, "%s: %s", logger.progname, label);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	funlockfile(stderr);
}

void
fm_log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!logger.debug)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, "debug: ", fmt, ap);
	va_end(ap);
}

void
fm_log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, "", fmt, ap);
	va_end(ap);
}

void
fm_log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, "warning: ", fmt, ap);
	va_end(ap);
}

void
fm_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, "fatal: ", fmt, ap);
	va_end(ap);
	exit(1);
}
