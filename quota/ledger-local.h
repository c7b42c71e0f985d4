/*
 * ledger-local.h - a ledger handle that charges in this process, on the
 * caller's store: what followme-admin, the ledger writer itself and
 * followmed's recovery use.  Appending needs the ledger key on the store
 * (fm_ledger_load_key()); sessions never have it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_LEDGER_LOCAL_H
#define FM_LEDGER_LOCAL_H

#include <stdbool.h>

#include "quota/ledger.h"
#include "store/store.h"

/*
 * 'fm_ledger_local_open()' - a handle whose reservations, commits and
 * refunds run here, each in its own transaction on store (borrowed: it
 * must outlive the handle); or, inside a batch of the store
 * (fm_store_batch_begin()), each in a savepoint of the batch.  NULL if
 * store is NULL or memory is short.  Free with fm_ledger_close().
 */
fm_ledger_t *fm_ledger_local_open(fm_store_t *store);

/*
 * 'fm_ledger_local_batch()' - the handle's settlements from now on run in
 * a batch of the store: the aggregates of their commits and refunds wait
 * for fm_ledger_local_flush(), so that a batch makes one upsert per
 * aggregate row however many charges it holds.
 */
void fm_ledger_local_batch(fm_ledger_t *ledger);

/*
 * 'fm_ledger_local_flush()' - end fm_ledger_local_batch(): add the
 * batch's commits and refunds to the aggregates, inside the batch,
 * before its COMMIT.  False on a database error: the batch must then be
 * rolled back, not committed.
 */
bool fm_ledger_local_flush(fm_ledger_t *ledger);

#endif
