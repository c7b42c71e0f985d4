/*
 * accounts.h - what pays for printing: one account per user, department
 * and project.
 *
 * An account's balance and held (reserved) amounts are caches of the
 * ledger's sums, maintained in the same transaction as every ledger row
 * and checked by fm_ledger_verify().  A restricted account may not go
 * below -overdraft; an unrestricted one may go as low as it likes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_ACCOUNTS_H
#define FM_ACCOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

#define FM_ACCOUNTS_NAMEMAX 64
/* Department and project codes ("O10"): shorter than this. */
#define FM_ACCOUNTS_CODEMAX 32

struct fm_account {
	int64_t id;
	char kind[16];                  /* "user", "department", "project" */
	char name[FM_ACCOUNTS_NAMEMAX]; /* login or department code */
	bool restricted;
	int64_t overdraft; /* >= 0, minor units */
	int64_t balance;   /* settled money */
	int64_t held;      /* reserved for jobs being printed */
};

/* 'fm_accounts_code_is_valid()' - a department or project code: 1 to 31
 * of A-Z a-z 0-9 . _ - */
bool fm_accounts_code_is_valid(const char *code);

/* 'fm_accounts_available()' - what a can still spend: balance - held +
 * overdraft; INT64_MAX for an unrestricted account. */
int64_t fm_accounts_available(const struct fm_account *a);

/*
 * 'fm_accounts_create()' - add an account (inside the caller's
 * transaction); returns its id, or -1 (for one, if it already exists).
 */
int64_t fm_accounts_create(fm_store_t *store, const char *kind,
    const char *name, bool restricted, int64_t now);

/* 'fm_accounts_get()' - fill *out with account id; false if none. */
bool fm_accounts_get(fm_store_t *store, int64_t id, struct fm_account *out);

/* 'fm_accounts_find()' - fill *out with the account (kind, name); false
 * if there is none. */
bool fm_accounts_find(fm_store_t *store, const char *kind, const char *name,
    struct fm_account *out);

/*
 * 'fm_accounts_set_limits()' - make account id restricted or not, with
 * overdraft (>= 0; negative leaves it unchanged).  False if no account.
 */
bool fm_accounts_set_limits(
    fm_store_t *store, int64_t id, bool restricted, int64_t overdraft);

/*
 * 'fm_accounts_add_project()' - create a project account code (the rules
 * of a department code) that users named by fm_accounts_allow() may
 * charge jobs to (job-account-id).  False with *errstr on a bad code or a
 * duplicate.
 */
bool fm_accounts_add_project(
    fm_store_t *store, const char *code, const char **errstr);

/*
 * 'fm_accounts_allow()' - let user login charge account_id (a project or
 * another department).  Idempotent.  False with *errstr if either does
 * not exist.
 */
bool fm_accounts_allow(fm_store_t *store, int64_t account_id, const char *login,
    const char **errstr);

/* 'fm_accounts_list()' - call fn for each account of kind, by name. */
bool fm_accounts_list(fm_store_t *store, const char *kind,
    bool (*fn)(const struct fm_account *a, int members, void *arg), void *arg);

#endif
