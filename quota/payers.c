/*
 * payers.c - who pays, and how much each (payers.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/payers.h"

#include <stddef.h>

int
fm_payers_choose(const struct fm_account *own, const struct fm_account *dept,
    bool dept_first, const struct fm_account *chosen,
    struct fm_account out[FM_PAYERS_MAX])
{
	int n = 0;

	if (chosen != NULL) {
		out[n++] = *chosen;
		return n;
	}
	if (dept != NULL && dept_first)
		out[n++] = *dept;
	out[n++] = *own;
	if (dept != NULL && !dept_first)
		out[n++] = *dept;
	return n;
}

int64_t
fm_payers_split(const struct fm_account *payers, int n, int64_t amount,
    int64_t take[FM_PAYERS_MAX])
{
	int64_t remaining = amount;

	for (int i = 0; i < n && i < FM_PAYERS_MAX; i++) {
		int64_t avail = fm_accounts_available(&payers[i]);

		take[i] = avail <= 0    ? 0
		    : avail < remaining ? avail
		                        : remaining;
		remaining -= take[i];
	}
	return remaining;
}
