/*
 * log.h - logging to syslog, or to stderr when running in the foreground.
 *
 * When stderr is the systemd journal (a unit's StandardError=journal:
 * $JOURNAL_STREAM names the device and inode of that stream), each line
 * starts with its syslog priority as sd-daemon(3) defines it ("<4>" for
 * a warning), so journald files it at that level and `journalctl -p
 * warning` shows warnings.  A line about a job or a terminal goes to
 * journald's native socket instead, with FOLLOWME_JOB= and
 * FOLLOWME_TERMINAL= fields (`journalctl FOLLOWME_JOB=12`): ids, never a
 * person's name or a title.
 * One logger per process, configured once at start-up.  Nothing secret
 * (keys, PINs) and nothing personal (titles, unless the admin allows it)
 * may be passed to these functions.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_LOG_H
#define FM_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The longest terminal name a log field carries (longer ones are cut). */
#define FM_LOG_TERMINALMAX 64

enum fm_log_target {
	FM_LOG_SYSLOG,
	FM_LOG_STDERR,
};

/* 'fm_log_init()' - set the program name (kept, not copied; NULL:
 * "followme"), the target and whether debug lines are emitted; with
 * syslog, connects at once (before any sandbox); with stderr, looks
 * whether stderr is the journal ($JOURNAL_STREAM) to prefix each line
 * with its priority. */
void fm_log_init(const char *progname, enum fm_log_target target, bool debug);

/*
 * 'fm_log_reopen()' - connect to syslog afresh, as fm_log_init() did; for
 * a child that has closed the descriptors it inherited (common/child.h),
 * which closelog()s first so that a number syslog held and that is now
 * reused is never written to.  A no-op when logging to stderr.
 */
void fm_log_reopen(void);

/*
 * 'fm_log_parse_journal_stream()' - read a $JOURNAL_STREAM value of len
 * bytes, "<device>:<inode>" in decimal, into *dev and *ino.  False (and
 * nothing written) if it is not exactly that.
 */
bool fm_log_parse_journal_stream(
    const char *buf, size_t len, dev_t *dev, ino_t *ino);

/* 'fm_log_is_journal()' - whether lines go to the journal with their
 * priority prefix (what fm_log_init() found). */
bool fm_log_is_journal(void);

/* 'fm_log_set_terminal()' - name the terminal (copied; NULL or "":
 * none) every later line of this process is about, as its
 * FOLLOWME_TERMINAL= field; a session sets it once it knows. */
void fm_log_set_terminal(const char *name);

/* 'fm_log_set_journal_socket()' - where journald's native socket is
 * (default /run/systemd/journal/socket; tests point it at their own).
 * False, and nothing changed, if path is NULL or too long. */
bool fm_log_set_journal_socket(const char *path);

/* 'fm_log_debug()' - log a line at debug level, if debug lines are on. */
void fm_log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* 'fm_log_info()' - log a line at info level. */
void fm_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* 'fm_log_warn()' - log a line at warning level. */
void fm_log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* 'fm_log_job_info()', 'fm_log_job_warn()' - as fm_log_info() and
 * fm_log_warn(), about job (its id, > 0) as the FOLLOWME_JOB= field. */
void fm_log_job_info(int64_t job, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void fm_log_job_warn(int64_t job, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* 'fm_fatal()' - log a line at error level and exit() with status 1
 * (atexit handlers and stdio flushing run). */
void fm_fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#endif
