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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

static struct {
	const char *progname;
	enum fm_log_target target;
	bool debug;
	bool journal;
	/* The terminal every line of this process is about, or "". */
	char terminal[FM_LOG_TERMINALMAX];
	char journal_socket[sizeof(((struct sockaddr_un *)0)->sun_path)];
} logger = {
    "followme", FM_LOG_STDERR, false, false, "", "/run/systemd/journal/socket"};

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

void
fm_log_set_terminal(const char *name)
{
	snprintf(logger.terminal, sizeof(logger.terminal), "%s",
	    name != NULL ? name : "");
}

bool
fm_log_set_journal_socket(const char *path)
{
	if (path == NULL || strlen(path) >= sizeof(logger.journal_socket))
		return false;
	memcpy(logger.journal_socket, path, strlen(path) + 1);
	return true;
}

/*
 * Appends one field to buf in the native protocol's binary form (name,
 * newline, 64-bit little-endian length, value, newline), which takes
 * any bytes: a newline in a message cannot start a field of its own.
 * Returns the new length, or 0 if it does not fit.
 */
static size_t
put_field(char *buf, size_t size, size_t at, const char *name,
    const char *value, size_t len)
{
	size_t nlen = strlen(name);

	if (nlen + 1 + 8 + len + 1 > size - at)
		return 0;
	memcpy(buf + at, name, nlen);
	at += nlen;
	buf[at++] = '\n';
	for (int i = 0; i < 8; i++)
		buf[at++] = (char)((uint64_t)len >> (8 * i) & 0xff);
	memcpy(buf + at, value, len);
	at += len;
	buf[at++] = '\n';
	return at;
}

/*
 * Sends the line to journald's native socket with the fields it is
 * about (FOLLOWME_JOB=, FOLLOWME_TERMINAL=): ids only, never a person's
 * name or a title.  False if it could not (no journald there): the
 * caller writes the line to stderr instead.
 */
static bool __attribute__((format(printf, 4, 0))) send_native(
    int priority, const char *label, int64_t job, const char *fmt, va_list ap)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char msg[2048], buf[4096], num[32];
	size_t at, n;
	ssize_t sent;
	int fd, len;

	len = snprintf(msg, sizeof(msg), "%s: %s", logger.progname, label);
	if (len < 0 || (size_t)len >= sizeof(msg))
		return false;
	vsnprintf(msg + len, sizeof(msg) - (size_t)len, fmt, ap);
	snprintf(num, sizeof(num), "%d", priority);
	at = put_field(buf, sizeof(buf), 0, "PRIORITY", num, strlen(num));
	if (at > 0)
		at = put_field(buf, sizeof(buf), at, "SYSLOG_IDENTIFIER",
		    logger.progname, strlen(logger.progname));
	if (at > 0)
		at = put_field(
		    buf, sizeof(buf), at, "MESSAGE", msg, strlen(msg));
	if (at > 0 && job > 0) {
		snprintf(num, sizeof(num), "%lld", (long long)job);
		at = put_field(
		    buf, sizeof(buf), at, "FOLLOWME_JOB", num, strlen(num));
	}
	if (at > 0 && logger.terminal[0] != '\0')
		at = put_field(buf, sizeof(buf), at, "FOLLOWME_TERMINAL",
		    logger.terminal, strlen(logger.terminal));
	if (at == 0)
		return false;
	n = strlen(logger.journal_socket);
	memcpy(sa.sun_path, logger.journal_socket, n + 1);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return false;
	sent = sendto(fd, buf, at, MSG_NOSIGNAL, (struct sockaddr *)&sa,
	    (socklen_t)sizeof(sa));
	close(fd);
	return sent >= 0 && (size_t)sent == at;
}

static void __attribute__((format(printf, 4, 0)))
vlog(int priority, const char *label, int64_t job, const char *fmt, va_list ap)
{
	if (logger.target == FM_LOG_SYSLOG) {
		vsyslog(priority, fmt, ap);
		return;
	}
	if (logger.journal && (job > 0 || logger.terminal[0] != '\0')) {
		va_list copy;
		bool sent;

		va_copy(copy, ap);
		sent = send_native(priority, label, job, fmt, copy);
		va_end(copy);
		if (sent)
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
	vlog(LOG_DEBUG, "debug: ", 0, fmt, ap);
	va_end(ap);
}

void
fm_log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, "", 0, fmt, ap);
	va_end(ap);
}

void
fm_log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, "warning: ", 0, fmt, ap);
	va_end(ap);
}

void
fm_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, "fatal: ", 0, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fm_log_job_info(int64_t job, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, "", job, fmt, ap);
	va_end(ap);
}

void
fm_log_job_warn(int64_t job, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, "warning: ", job, fmt, ap);
	va_end(ap);
}
