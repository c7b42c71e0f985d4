/*
 * ledger-private.h - what the ledger's implementations share: the
 * handle with its table of operations (the way OpenSMTPD's queue backend
 * has a local and a process implementation behind one table), and the
 * book itself -- rows, the hash chain, idempotency keys.
 *
 * Only quota/ledger*.c include it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_LEDGER_PRIVATE_H
#define FM_LEDGER_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quota/aggregates.h"
#include "quota/ledger.h"

/* One implementation of the charging operations. */
struct fm_ledger_ops {
	bool (*reserve)(fm_ledger_t *ledger,
	    const struct fm_ledger_request *req, struct fm_reservation *out,
	    char *denial, size_t denial_len);
	/* Commits s, or refunds it when refund is true (s->amount 0). */
	bool (*settle)(fm_ledger_t *ledger, const struct fm_ledger_settle *s,
	    bool refund, const char **errstr);
};

struct fm_ledger {
	const struct fm_ledger_ops *ops;
	fm_store_t *store; /* borrowed: the caller's store */
	int link;          /* the ledger writer's link; -1 once gone */
	/* Local: the commits and refunds of the open transaction, added to
	 * the aggregates at its end -- the end of each settlement, or of
	 * the ledger writer's batch while batched is true. */
	struct fm_aggregates_pending pending;
	bool batched;
};

/* The local implementation (ledger-local.c). */
extern const struct fm_ledger_ops fm_ledger_local_ops;

/* One ledger row.  Strings are borrowed; NULL reads as "" except key. */
struct fm_ledger_entry {
	int64_t id, at, account_id;
	const char *kind;
	int64_t amount, held;
	const char *user, *dept, *printer;
	int64_t job_id, reservation, price_version; /* 0: none */
	int64_t measured;
	const char *media;
	int64_t usage[5]; /* mono s/d, colour s/d, sheets */
	const char *key;  /* NULL: none */
	const char *reason, *admin;
	/* Where a commit or refund is noted for the aggregates, added at
	 * the end of the transaction (fm_aggregates_flush()); NULL: added
	 * at once. */
	struct fm_aggregates_pending *pending;
};

/*
 * 'fm_ledger_append()' - append e inside the caller's transaction:
 * number it, link it to the chain, update the account's cached sums and
 * the aggregates (or note it in e->pending for them).
 * e->id and e->at are filled in.  False if the clock is inside a closed
 * period or on a database error.
 */
bool fm_ledger_append(fm_store_t *store, struct fm_ledger_entry *e);

enum fm_ledger_key {
	FM_LEDGER_KEY_ERROR,
	FM_LEDGER_KEY_NEW,
	FM_LEDGER_KEY_USED
};

/*
 * 'fm_ledger_find_key()' - whether a row carries idempotency key; when
 * it does, its kind (kindlen bytes) and reservation (0: none).
 */
enum fm_ledger_key fm_ledger_find_key(fm_store_t *store, const char *key,
    char *kind, size_t kindlen, int64_t *reservation);

/* 'fm_ledger_key_is_valid()' - a key the ledger accepts: 1 to
 * FM_LEDGER_KEYMAX - 1 bytes. */
bool fm_ledger_key_is_valid(const char *key);

#endif
