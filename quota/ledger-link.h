/*
 * ledger-link.h - a ledger handle that charges through the ledger writer
 * (ledgerd.h), which applies the charges of all sessions that arrive
 * together in one transaction and one fsync.
 *
 * If the writer is gone or does not answer within FM_LEDGER_LINK_TIMEOUT_MS,
 * the handle drops the link for good and every later call fails with
 * FM_LEDGER_LINK_DOWN: a session holds no ledger key and never charges
 * by itself.  A reservation then fails (the release is refused); a
 * settle that fails stays recorded in its release, and followmed, which
 * can read the ledger key, settles it with the same idempotency key
 * (a replay if the writer applied it after all).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_LEDGER_LINK_H
#define FM_LEDGER_LINK_H

#include <stdbool.h>

#include "quota/ledger.h"
#include "store/store.h"

/* How long a session waits for the writer's answer before it gives up
 * on it. */
#define FM_LEDGER_LINK_TIMEOUT_MS 15000

/* Why a call through a link without a writer fails (a denial, and the
 * *errstr of a settle). */
#define FM_LEDGER_LINK_DOWN                                                    \
	"the charging service is not available; try again in a minute"

/*
 * 'fm_ledger_link_open()' - a handle that sends its reservations,
 * commits and refunds over link (a SOCK_SEQPACKET socket from
 * fm_ledgerd_link(); the handle owns it now and closes it); store is
 * borrowed.  A link of -1 gives a handle whose every call fails with
 * FM_LEDGER_LINK_DOWN.  NULL if store is NULL or memory is short (link
 * is closed then too).
 */
fm_ledger_t *fm_ledger_link_open(fm_store_t *store, int link);

/* 'fm_ledger_link_is_up()' - whether ledger still charges through the
 * writer (false once the writer was gone). */
bool fm_ledger_link_is_up(const fm_ledger_t *ledger);

#endif
