/*
 * pamauth.h - checking a PIN or password through PAM, in a child process.
 *
 * PAM stacks can be slow (pam_unix sleeps ~2 s after a failure, LDAP may
 * hang), so the check runs in a child that reports over a pipe and is
 * killed after a deadline: whatever the stack does, the caller gets an
 * answer in bounded time.  The secret is never logged and is wiped in
 * both processes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_PAMAUTH_H
#define FM_PAMAUTH_H

#include <stdbool.h>
#include <stddef.h>

enum fm_pamauth_result {
	FM_PAMAUTH_OK,
	FM_PAMAUTH_DENIED,      /* wrong PIN/password, unknown user */
	FM_PAMAUTH_ACCOUNT,     /* authenticated, but the account may not */
	FM_PAMAUTH_UNAVAILABLE, /* the stack failed or timed out */
};

/*
 * 'fm_pamauth_check()' - authenticate user with secret through PAM
 * service, then check the account (pam_acct_mgmt).  rhost (may be NULL)
 * is given to PAM as PAM_RHOST, for logs and per-terminal rules.  The
 * whole check is bounded by timeout_ms.  On FM_PAMAUTH_OK the user name
 * PAM settled on (it may map names) is copied into canon (canon_size).
 *
 * With helper (a socket path, or NULL or ""), the check is asked of
 * followme-pamhelper(8) instead, which runs its own service as root.
 */
enum fm_pamauth_result fm_pamauth_check(const char *service, const char *helper,
    const char *user, const char *secret, const char *rhost,
    unsigned timeout_ms, char *canon, size_t canon_size);

/*
 * 'fm_pamauth_run()' - the PAM conversation itself, in this process and
 * without a deadline: for the child above and for followme-pamhelper.
 */
enum fm_pamauth_result fm_pamauth_run(const char *service, const char *user,
    const char *secret, const char *rhost, char *canon, size_t canon_size);

/* 'fm_pamauth_result_text()' - "ok", "denied", "account refused",
 * "unavailable". */
const char *fm_pamauth_result_text(enum fm_pamauth_result r);

#endif
