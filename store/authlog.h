/*
 * authlog.h - failed logins, for the lockout of a user and the slowing
 * down of a terminal, and the one PIN check at a time per terminal.
 *
 * A PIN or password check reserves its attempt before it runs
 * (fm_authlog_reserve): one transaction checks the limits and records
 * the attempt as a failure of the user and of the terminal, so checks
 * running at the same time in other session processes count each
 * other, however many start together.  fm_authlog_settle() then makes
 * the reservation what the check said: a success takes the attempt back
 * and forgets the user's failures, a failure keeps it, an undecided
 * check (PAM unavailable) takes it back.
 *
 * A user with max failures within the window is locked out.  A terminal
 * is never locked out (badge logins must keep working there, whoever
 * typed wrong PINs at its keypad): past max failures within the window,
 * each further check there waits after the last failure, twice as long
 * as the one before, 1 s, 2 s, 4 s, ... up to delay_max.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_AUTHLOG_H
#define FM_AUTHLOG_H

#include <stdbool.h>
#include <stdint.h>

#include "store/authevents.h"
#include "store/store.h"

enum fm_authlog_kind { FM_AUTHLOG_USER, FM_AUTHLOG_TERMINAL };

struct fm_authlog_limits {
	int64_t window;    /* seconds a failure counts */
	int64_t max;       /* failures that lock a user out, or after which
	                      a terminal's checks wait */
	int64_t delay_max; /* the longest wait at a terminal, seconds */
	int64_t busy_max;  /* seconds a check may hold its terminal: the
	                      hold of a check that never settled lapses */
};

enum fm_authlog_verdict {
	FM_AUTHLOG_GO,          /* reserved: run the check, then settle it */
	FM_AUTHLOG_USER_LOCKED, /* the user is locked out */
	FM_AUTHLOG_SLOW_DOWN,   /* the terminal must wait */
	FM_AUTHLOG_BUSY,        /* another check runs at the terminal */
	FM_AUTHLOG_ERROR,       /* the store failed: refuse the login */
};

enum fm_authlog_outcome {
	FM_AUTHLOG_SUCCEEDED,
	FM_AUTHLOG_FAILED,
	FM_AUTHLOG_UNDECIDED, /* the check could not say (PAM unavailable) */
};

/* A reservation: the rows fm_authlog_reserve() wrote. */
struct fm_authlog_attempt {
	int64_t user_row, terminal_row, busy_row;
	int64_t at;    /* when it was reserved */
	int64_t until; /* refused: when the refusal ends (UNIX time) */
};

/*
 * 'fm_authlog_reserve()' - may user try a PIN or password at terminal
 * now?  In one transaction: a check in progress at the terminal (BUSY),
 * the user's failures (USER_LOCKED) and, with slow_terminal, the
 * terminal's (SLOW_DOWN) refuse it, and *a->until says until when;
 * otherwise (GO) the attempt is recorded as a failure of both and holds
 * the terminal, and *a is what fm_authlog_settle() needs.  Failures that
 * left the window are deleted on the way.  ERROR on bad arguments or a
 * store failure: nothing is reserved and the login must be refused.
 */
enum fm_authlog_verdict fm_authlog_reserve(fm_store_t *store,
    const struct fm_authlog_limits *lim, const char *terminal, const char *user,
    bool slow_terminal, int64_t now, struct fm_authlog_attempt *a);

/*
 * 'fm_authlog_settle()' - end the reservation a with what the check
 * said, and free its terminal: SUCCEEDED forgets the attempt and every
 * failure of its user, FAILED keeps it as failures at now, UNDECIDED
 * forgets it.  False on a store failure (a failure stays counted; a
 * terminal's hold lapses after busy_max).
 */
bool fm_authlog_settle(fm_store_t *store, const struct fm_authlog_attempt *a,
    enum fm_authlog_outcome outcome, int64_t now);

/* 'fm_authlog_settle_logged()' - fm_authlog_settle(), and e written to
 * the authentication log (authevents.h) in the same transaction (e NULL:
 * nothing is). */
bool fm_authlog_settle_logged(fm_store_t *store,
    const struct fm_authlog_attempt *a, enum fm_authlog_outcome outcome,
    int64_t now, struct fm_authevent *e, int64_t keep_days);

/* 'fm_authlog_fail()' - record a failed login against key (a user or a
 * terminal name) that no reservation preceded (an unknown badge). */
bool fm_authlog_fail(
    fm_store_t *store, enum fm_authlog_kind kind, const char *key, int64_t now);

/* 'fm_authlog_clear()' - forget key's failures (an admin's unlock); returns
 * how many were forgotten, -1 on error. */
int fm_authlog_clear(
    fm_store_t *store, enum fm_authlog_kind kind, const char *key);

/* 'fm_authlog_fail_logged()' - fm_authlog_fail(), and e written to the
 * authentication log in the same transaction. */
bool fm_authlog_fail_logged(fm_store_t *store, enum fm_authlog_kind kind,
    const char *key, int64_t now, struct fm_authevent *e, int64_t keep_days);

/* 'fm_authlog_unlock()' - forget user's failures (an admin's unlock) and
 * write e (the unlock, its actor) to the authentication log, in one
 * transaction; returns how many failures were forgotten, -1 on error. */
int fm_authlog_unlock(fm_store_t *store, const char *user,
    struct fm_authevent *e, int64_t keep_days);

/*
 * 'fm_authlog_terminal_wait()' - until when must checks at terminal wait
 * (its failures within lim's window, as fm_authlog_reserve() counts
 * them with slow_terminal), without reserving anything: *until is 0 if
 * they need not, else the UNIX time.  Reads only.  False on bad
 * arguments or a store failure.
 */
bool fm_authlog_terminal_wait(fm_store_t *store,
    const struct fm_authlog_limits *lim, const char *terminal, int64_t now,
    int64_t *until);

#endif
