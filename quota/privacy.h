/*
 * privacy.h - removing personal data from old records.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_PRIVACY_H
#define FM_PRIVACY_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

/*
 * 'fm_privacy_anonymise()' - blank the titles, hosts and document names
 * of jobs that ended (released, deleted, expired) before cutoff.  Charges
 * stay: the ledger holds no titles or hosts.  *count gets how many jobs
 * were changed.  Runs in transactions of 500 jobs, so that charges never
 * wait long; stopped half-way (false), what it did stays done and a
 * second run finishes it.
 */
bool fm_privacy_anonymise(fm_store_t *store, int64_t cutoff, int64_t *count);

#endif
