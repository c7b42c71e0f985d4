/*
 * authlog.h - failed logins, for lockouts per user and per terminal.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_AUTHLOG_H
#define FM_AUTHLOG_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

enum fm_authlog_kind { FM_AUTHLOG_USER, FM_AUTHLOG_TERMINAL };

/* 'fm_authlog_fail()' - record a failed login against key (a user or a terminal
 * name). */
bool fm_authlog_fail(
    fm_store_t *store, enum fm_authlog_kind kind, const char *key, int64_t now);

/*
 * 'fm_authlog_locked()' - is key locked out: max or more failures since
 * now - window?  *until receives when the oldest counted failure leaves
 * the window (the lockout's end).
 */
bool fm_authlog_locked(fm_store_t *store, enum fm_authlog_kind kind,
    const char *key, int64_t now, int64_t window, int64_t max, int64_t *until);

/* 'fm_authlog_clear()' - forget key's failures (a successful login, or an
 * admin's unlock); returns how many were forgotten, -1 on error. */
int fm_authlog_clear(
    fm_store_t *store, enum fm_authlog_kind kind, const char *key);

#endif
