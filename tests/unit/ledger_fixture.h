/*
 * ledger_fixture.h - the ledger's charging calls in one line each, for
 * tests: on a handle (fixture_*_on), or on a local handle opened over a
 * store for the one call (fixture_*).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_TEST_LEDGER_FIXTURE_H
#define FM_TEST_LEDGER_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

#endif
