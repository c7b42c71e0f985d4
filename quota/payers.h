/*
 * payers.h - who pays for a print job, and how much each: the ledger's
 * reservation policy as pure functions, without the store.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_PAYERS_H
#define FM_PAYERS_H

#include <stdbool.h>
#include <stdint.h>

#include "quota/accounts.h"

/* Accounts one charge may be split over. */
#define FM_PAYERS_MAX 2

/*
 * 'fm_payers_choose()' - the accounts that pay, in order, into out:
 * chosen alone when the job names an account (job-account-id, already
 * checked as one the user may use); otherwise the user's own account and
 * their department's (dept, NULL when none), the department first if
 * dept_first.  Returns how many (1 or 2).
 */
int fm_payers_choose(const struct fm_account *own,
    const struct fm_account *dept, bool dept_first,
    const struct fm_account *chosen, struct fm_account out[FM_PAYERS_MAX]);

/*
 * 'fm_payers_split()' - how much of amount each of the n payers takes
 * (take[i]), each in turn covering what it can (fm_accounts_available());
 * returns what none could cover: 0 when the charge is covered.
 */
int64_t fm_payers_split(const struct fm_account *payers, int n, int64_t amount,
    int64_t take[FM_PAYERS_MAX]);

#endif
