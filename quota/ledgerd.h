/*
 * ledgerd.h - the ledger writer: one process that applies the charges of
 * all release sessions, several in one transaction (group commit).
 *
 * A charge is a reservation and a commit, each a small transaction that
 * must be durable.  Alone, each pays for its own WAL pages and its own
 * fsync; in one transaction, the charges that arrived together share
 * both.  followmed forks the writer and gives every session a link to it
 * (fm_ledgerd_link()), on which the session opens its ledger handle
 * (fm_ledger_link_open(), ledger-link.h).  Each request runs in its own
 * savepoint, so one that fails undoes only itself, and no reply leaves
 * before the transaction is on disk.  The writer holds the ledger key
 * (ledger.key) that MACs every row; sessions do not.  If the writer is
 * gone or does not answer, the session's call fails (ledger-link.h):
 * a reservation refuses the release, a settle is left to followmed's
 * recovery, whose idempotency key makes it a replay if the writer
 * applied it after all.
 *
 *	followmed                 writer                  session
 *	fm_ledgerd_link(ctl) --fd over ctl-->  serves fd
 *	        (other end inherited by the session's fork)
 *	                                          fm_ledger_link_open(fd)
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_LEDGERD_H
#define FM_LEDGERD_H

#include <stdbool.h>
#include <stdint.h>

#include "quota/ledgerwire.h"

/* Links one writer serves at once; more are refused (closed), and their
 * sessions charge directly. */
#define FM_LEDGERD_MAXLINKS 256

struct fm_ledgerd_stats {
	uint64_t requests, batches;
};

/*
 * 'fm_ledgerd_run()' - the writer's main loop, in its own process: opens
 * the store at db_path with the ledger key at key_path (which must
 * exist: fm_ledger_load_key()), takes links from control (a
 * SOCK_SEQPACKET socket; each message carries one link as SCM_RIGHTS)
 * and serves them.  Returns when control is closed (0) or on a fatal
 * error, such as a missing key (1); stats (may be NULL) gets what it
 * did.
 */
int fm_ledgerd_run(const char *db_path, const char *key_path, int control,
    struct fm_ledgerd_stats *stats);

/*
 * 'fm_ledgerd_link()' - make a link: sends one end to the writer over
 * control and returns the other (close-on-exec), or -1 (logged).
 */
int fm_ledgerd_link(int control);

#endif
