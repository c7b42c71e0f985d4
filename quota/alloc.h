/*
 * alloc.h - periodic allocations: an amount credited to a user or
 * department account every day, week or month, up to a cap.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_ALLOC_H
#define FM_ALLOC_H

#include <stdbool.h>
#include <stdint.h>

#include "quota/period.h"
#include "store/store.h"

struct fm_alloc {
	int64_t account_id;
	char kind[16];
	char name[64];
	int64_t amount;
	enum fm_period period;
	int64_t cap; /* 0: no cap */
};

/*
 * 'fm_alloc_set()' - give account_id amount (>= 0) every period, never
 * raising the balance above cap (0: no cap; otherwise cap >= amount is
 * not required: the credit is min(amount, cap - balance)).  Replaces an
 * earlier allocation of the account.  amount 0 removes it.
 */
bool fm_alloc_set(fm_store_t *store, int64_t account_id, int64_t amount,
    enum fm_period period, int64_t cap, const char **errstr);

/* 'fm_alloc_get()' - the allocation of account_id; false if none. */
bool fm_alloc_get(fm_store_t *store, int64_t account_id, struct fm_alloc *out);

/*
 * 'fm_alloc_run()' - credit every allocation whose current period (the
 * one containing now) has not been credited yet.
 *
 * Called by followmed's timer and by followme-admin quota run-allocations.
 * Idempotent per period: each credit carries the key
 * "alloc:<account>:<period>" (e.g. "alloc:7:2026-W47"), so running twice
 * in a period never allocates twice, even from two processes at once.
 * *credited (may be NULL) gets how many accounts were credited.  The
 * store's clock (fm_store_now) stamps the rows; now picks the period.
 */
bool fm_alloc_run(
    fm_store_t *store, int64_t now, int *credited, const char **errstr);

/*
 * 'fm_alloc_credited()' - what account_id's allocation has credited for
 * the period (of its allocation's kind) that contains now, top-ups
 * included, into *amount; false if it has no allocation or on a database
 * error.  0 when the period has not been credited yet.
 */
bool fm_alloc_credited(
    fm_store_t *store, int64_t account_id, int64_t now, int64_t *amount);

/*
 * 'fm_alloc_top_up()' - after a raise, credit now what the current period
 * is owed under account_id's allocation: the whole amount if the period
 * has not been credited yet (as fm_alloc_run() would), otherwise the
 * difference between the amount and what the period got, never above
 * the cap.  Idempotent: a second call for the same allocation in the same
 * period credits nothing (the key names the period and the total
 * reached).  *credited gets the amount added (0 if none).
 */
bool fm_alloc_top_up(fm_store_t *store, int64_t account_id, int64_t now,
    int64_t *credited, const char **errstr);

#endif
