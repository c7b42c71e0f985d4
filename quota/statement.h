/*
 * statement.h - an account's statement: the ledger lines that moved its
 * money (charges, refunds, allocations, adjustments), newest first.
 * Reservations are left out: they are settled by a charge or a refund.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_STATEMENT_H
#define FM_STATEMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

struct fm_statement_line {
	int64_t id, at;
	char kind[16];    /* "commit", "refund", "allocation", "adjustment" */
	int64_t amount;   /* signed, minor units: a charge is negative */
	int64_t job_id;   /* 0 when none */
	char printer[64]; /* "" when none */
	int64_t pages;    /* impressions the line counts (charges), else 0 */
	char reason[256];
};

/*
 * 'fm_statement_lines()' - call fn for the lines of account_id stamped at
 * or after since, newest first, at most limit of them after skipping
 * offset.  The ledger has no index by account (one would cost every
 * charge a B-tree write: bench/ledger), so since bounds what is read
 * through its index by time.  False on a store error or a bad argument.
 */
bool fm_statement_lines(fm_store_t *store, int64_t account_id, int64_t since,
    int64_t offset, int64_t limit,
    bool (*fn)(const struct fm_statement_line *line, void *arg), void *arg);

#endif
