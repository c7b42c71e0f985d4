/*
 * stop.h - the signals that ask a program's event loop to stop.
 *
 * A program with one loop (followme-terminal, followme-pamhelper's
 * listener, followme-badgetest, a badge reader process, the PN532
 * simulator) stops on SIGINT and SIGTERM: the handler only sets a flag,
 * which the loop reads between two waits.  The flag is the one piece of
 * state this module keeps: a volatile sig_atomic_t, as CONVENTIONS.md
 * allows.  (followmed, which blocks its signals outside ppoll, has its
 * own.)
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_STOP_H
#define FM_STOP_H

#include <stdbool.h>

/*
 * 'fm_stop_catch_signals()' - clear the stop flag, and make SIGINT and
 * SIGTERM (and SIGHUP when hup is true) set it.  They do not restart
 * system calls, so a blocking poll() returns EINTR and the loop sees the
 * flag at once.  SIGPIPE is ignored: a peer gone mid-write is an error
 * the loop handles.  Returns false if a handler cannot be installed.
 */
bool fm_stop_catch_signals(bool hup);

/* 'fm_stop_request()' - set the stop flag from the program itself (a
 * fatal condition found by the loop); async-signal-safe. */
void fm_stop_request(void);

/* 'fm_stop_is_requested()' - has a stop been asked for? */
bool fm_stop_is_requested(void);

#endif
