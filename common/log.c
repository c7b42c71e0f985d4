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

#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

static struct {
	const char *progname;
	enum fm_log_target target;
	bool debug;
} logger = {"followme", FM_LOG_STDERR, false};

void
fm_log_init(const char *progname, enum fm_log_target target, bool debug)
{
	logger.progname = progname ? progname : "followme";
	logger.target = target;
	logger.debug = debug;
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

static void __attribute__((format(printf, 3, 0)))
vlog(int priority, const char *label, const char *fmt, va_list ap)
{
	if (logger.target == FM_LOG_SYSLOG) {
		vsyslog(priority, fmt, ap);
		return;
	}
	flockfile(stderr);
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
