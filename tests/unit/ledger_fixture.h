/*
 * ledger_fixture.h - the ledger's charging calls in one line each, for
 * tests: on a handle (fixture_*_on), or on a local handle opened over a
 * store for the one call (fixture_*); and what tests check afterwards:
 * an account's balance and held amount, the ledger's verification.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_TEST_LEDGER_FIXTURE_H
#define FM_TEST_LEDGER_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "quota/accounts.h"
#include "quota/ledger-local.h"
#include "quota/ledger.h"

static inline bool
fixture_reserve_on(fm_ledger_t *l, const char *user, const char *account,
    int64_t amount, const char *key, int64_t job, int version,
    struct fm_reservation *out, char *denial, size_t denial_len)
{
	struct fm_ledger_request req = {
	    user, account, amount, key, job, version};

	return fm_ledger_reserve(l, &req, out, denial, denial_len);
}

static inline bool
fixture_commit_on(fm_ledger_t *l, int64_t reservation, int64_t amount,
    bool measured, const char *printer, const struct fm_usage *usage,
    const char *key, const char **errstr)
{
	struct fm_ledger_settle s = {
	    reservation, amount, measured, printer, usage, key};

	return fm_ledger_commit(l, &s, errstr);
}

static inline bool
fixture_reserve(fm_store_t *s, const char *user, const char *account,
    int64_t amount, const char *key, int64_t job, int version,
    struct fm_reservation *out, char *denial, size_t denial_len)
{
	fm_ledger_t *l = fm_ledger_local_open(s);
	bool ok = fixture_reserve_on(l, user, account, amount, key, job,
	    version, out, denial, denial_len);

	fm_ledger_close(l);
	return ok;
}

static inline bool
fixture_commit(fm_store_t *s, int64_t reservation, int64_t amount,
    bool measured, const char *printer, const struct fm_usage *usage,
    const char *key, const char **errstr)
{
	fm_ledger_t *l = fm_ledger_local_open(s);
	bool ok = fixture_commit_on(
	    l, reservation, amount, measured, printer, usage, key, errstr);

	fm_ledger_close(l);
	return ok;
}

static inline bool
fixture_refund(
    fm_store_t *s, int64_t reservation, const char *key, const char **errstr)
{
	fm_ledger_t *l = fm_ledger_local_open(s);
	bool ok = fm_ledger_refund(l, reservation, key, errstr);

	fm_ledger_close(l);
	return ok;
}

/* The balance of the account kind/name; -999999 if there is none. */
static inline int64_t
fixture_balance(fm_store_t *s, const char *kind, const char *name)
{
	struct fm_account a;

	return fm_accounts_find(s, kind, name, &a) ? a.balance : -999999;
}

/* The amount held on the account kind/name; -999999 if there is none. */
static inline int64_t
fixture_held(fm_store_t *s, const char *kind, const char *name)
{
	struct fm_account a;

	return fm_accounts_find(s, kind, name, &a) ? a.held : -999999;
}

/* fm_ledger_verify() on s, its report printed if it fails; the number
 * of rows checked goes to *rows unless rows is NULL. */
static inline bool
fixture_verify(fm_store_t *s, int64_t *rows)
{
	char report[1024];
	int64_t n = 0;
	bool ok = fm_ledger_verify(s, &n, report, sizeof(report));

	if (!ok)
		fprintf(stderr, "fm_ledger_verify: %s\n", report);
	if (rows != NULL)
		*rows = n;
	return ok;
}

#endif
