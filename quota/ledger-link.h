/*
 * ledger-link.h - a ledger handle that charges through the ledger writer
 * (ledgerd.h), which applies the charges of all sessions that arrive
 * together in one transaction and one fsync.
 *
 * If the writer is gone or does not answer within FM_LEDGER_LINK_TIMEOUT_MS,
 * the handle drops the link for good and charges here on the store, as
 * fm_ledger_local_open() would: idempotency keys make that safe even if
 * the writer applied the request after all (the retry is a replay).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_LEDGER_LINK_H
#define FM_LEDGER_LINK_H

#include <stdbool.h>

#include "quota/ledger.h"
#include "store/store.h"

/* How long a session waits for the writer's answer before it charges
 * by itself. */
#define FM_LEDGER_LINK_TIMEOUT_MS 15000

/*
 * 'fm_ledger_link_open()' - a handle that sends its reservations,
 * commits and refunds over link (a SOCK_SEQPACKET socket from
 * fm_ledgerd_link(); the handle owns it now and closes it), and runs
 * them on store (borrowed) when the writer cannot.  A link of -1 gives a
 * handle that charges here from the start.  NULL if store is NULL or
 * memory is short (link is closed then too).
 */
fm_ledger_t *fm_ledger_link_open(fm_store_t *store, int link);

/* 'fm_ledger_link_is_up()' - whether ledger still charges through the
 * writer (false once it fell back to charging here). */
bool fm_ledger_link_is_up(const fm_ledger_t *ledger);

#endif
