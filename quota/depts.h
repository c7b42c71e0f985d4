/*
 * depts.h - departments (cost centres): a code such as "O10", a name,
 * and a shared account with its own balance and quota.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_DEPTS_H
#define FM_DEPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "quota/accounts.h"
#include "store/store.h"

#define FM_DEPTS_CODEMAX FM_ACCOUNTS_CODEMAX
#define FM_DEPTS_NAMEMAX 128

struct fm_dept {
	int64_t id;
	char code[FM_DEPTS_CODEMAX];
	char name[FM_DEPTS_NAMEMAX];
	int users; /* members (users whose primary department it is) */
	struct fm_account account;
};

/*
 * 'fm_depts_add()' - create department code with name and its account
 * (restricted, no overdraft).  False with *errstr on a bad code, a
 * duplicate or a database error.
 */
bool fm_depts_add(
    fm_store_t *store, const char *code, const char *name, const char **errstr);

/* 'fm_depts_get()' - fill *out with department code; false if none. */
bool fm_depts_get(fm_store_t *store, const char *code, struct fm_dept *out);

/* 'fm_depts_list()' - call fn for each department by code; false on a
 * database error or if fn returns false. */
bool fm_depts_list(fm_store_t *store,
    bool (*fn)(const struct fm_dept *dept, void *arg), void *arg);

#endif
