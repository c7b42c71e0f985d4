/*
 * store-private.h - what the store modules (and only they) share.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_STORE_PRIVATE_H
#define FM_STORE_PRIVATE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define FM_STORE_LEDGER_KEYLEN 32

/*
 * 'fm_store_set_ledger_key()', 'fm_store_ledger_key()' - the ledger's
 * MAC key (FM_STORE_LEDGER_KEYLEN bytes) held with the handle for
 * quota/ledger.c, which sets it (fm_ledger_set_key()) and uses it: the
 * handle copies key (NULL forgets it) and wipes it when closed.  The
 * getter returns a borrowed pointer, or NULL when no key was set.
 */
void fm_store_set_ledger_key(fm_store_t *store, const uint8_t *key);
const uint8_t *fm_store_ledger_key(const fm_store_t *store);

/* 'fm_store_db()' - the connection behind a store handle (borrowed). */
sqlite3 *fm_store_db(fm_store_t *store);

/* 'fm_store_begin()', 'fm_store_commit()', 'fm_store_rollback()' -
 * transactions: BEGIN IMMEDIATE takes the write lock up front, so a
 * read-then-write sequence can never fail half-way with SQLITE_BUSY. */
bool fm_store_begin(fm_store_t *store);
bool fm_store_commit(fm_store_t *store);
void fm_store_rollback(fm_store_t *store);

/*
 * 'fm_store_begin_read()', 'fm_store_lock_writes()' - a transaction that reads
 * first and writes later, if at all (BEGIN DEFERRED): nobody waits for it while
 * it only reads.  Before its first write, fm_store_lock_writes() queues it
 * behind the other writers; that write then fails with SQLITE_BUSY_SNAPSHOT
 * (fm_store_busy()) if someone committed since it first read: roll back
 * and do it again with fm_store_begin().  fm_store_end() ends it.
 */
bool fm_store_begin_read(fm_store_t *store);
bool fm_store_lock_writes(fm_store_t *store);

/* 'fm_store_busy()' - whether the last failure was SQLite's "busy": a
 * lock not granted, or a read snapshot that can no longer write. */
bool fm_store_busy(fm_store_t *store);

/*
 * 'fm_store_end()' - end the transaction fm_store_begin() started:
 * commit if ok, else roll back.  True only if ok and the commit held.
 * Write the work between as a function that returns false at the first
 * failure, so that each transaction has this one exit:
 *
 *	if (!fm_store_begin(store))
 *		return false;
 *	return fm_store_end(store, do_the_work(store, ...));
 */
bool fm_store_end(fm_store_t *store, bool ok);

/*
 * 'fm_store_set_lazy()' - commit return once durable (group commit,
 * groupsync.h), except while the store is lazy: then they return as soon as the
 * WAL is written, and become durable with the next durable commit by anyone.
 */
void fm_store_set_lazy(fm_store_t *store, bool lazy);

/*
 * 'fm_store_batch_begin()', 'fm_store_batch_end()' - a batch: one transaction
 * (one fsync) around several operations that each begin and commit or roll back
 * on their own -- inside a batch those are savepoints, so one operation failing
 * undoes only itself. fm_store_batch_end() commits (durably unless lazy); false
 * if the transaction could not be committed, which undoes every operation in
 * it.  The ledger writer (ledgerd.c) batches concurrent charges.
 */
bool fm_store_batch_begin(fm_store_t *store);
bool fm_store_batch_end(fm_store_t *store, bool lazy);

/* 'fm_store_batch_abort()' - undo the whole batch and end it. */
void fm_store_batch_abort(fm_store_t *store);

/* 'fm_store_group_commit()' - whether commits go through group commit; if not,
 * every commit other than a lazy one is durable by itself (synchronous = FULL).
 */
bool fm_store_group_commit(fm_store_t *store);

/* 'fm_store_durable()' - wait until every commit made so far (by anyone) is
 * durable: for a retried call that finds its work already done, perhaps by a
 * process that died before that work reached the disk. */
bool fm_store_durable(fm_store_t *store);

struct fm_groupsync_stats;

/* 'fm_store_sync_stats()' - what group commit did through this handle (zeros
 * without it). */
void fm_store_sync_stats(fm_store_t *store, struct fm_groupsync_stats *stats);

/*
 * 'fm_store_defer_checkpoint()', 'fm_store_deferred_checkpoint()' - the
 * next commits leave the WAL as it is instead of copying it into the
 * database once it holds 1,000 pages (SQLite's automatic checkpoint, in
 * the commit); fm_store_deferred_checkpoint() does then what they left
 * (a PASSIVE checkpoint, if the WAL reached 1,000 pages) and restores the
 * automatic one.  False if that checkpoint failed.  For a caller that
 * times its commit and its checkpoint apart (quota/dirsync.c).
 */
void fm_store_defer_checkpoint(fm_store_t *store);
bool fm_store_deferred_checkpoint(fm_store_t *store);

/*
 * 'fm_store_start_writeback()', 'fm_store_spill()' - for a long write
 * transaction: the disk started (not waited for) on what is in the WAL
 * so far, which includes the pages SQLite wrote there, uncommitted, when
 * its cache was full; fm_store_spill() first writes there every page
 * the transaction changed so far.  Uncommitted: a rollback or a crash
 * still undoes them.  The commit then writes and waits for less.
 * fm_store_spill() is false on a database error.
 */
void fm_store_start_writeback(fm_store_t *store);
bool fm_store_spill(fm_store_t *store);

/* 'fm_store_cache_pages()' - how many pages this connection's cache may
 * hold (SQLite's default: 2 MB worth); allocated only as needed. */
void fm_store_cache_pages(fm_store_t *store, int pages);

/*
 * 'fm_store_map_reads()' - up to bytes of the database file read through
 * a memory map rather than copied into the cache, for a connection that
 * reads a whole table (0: copied again, SQLite's default).  Pages already
 * in the kernel's page cache come without a copy, many to a fault;
 * writes still go through the WAL as before.
 */
void fm_store_map_reads(fm_store_t *store, int64_t bytes);

/* 'fm_store_prepare()' - prepare sql; logs and returns NULL on failure. */
sqlite3_stmt *fm_store_prepare(fm_store_t *store, const char *sql);

/*
 * 'fm_store_cached()' - a cached statement for a hot path: sql must be a string
 * literal (the cache is keyed by its address).  The statement comes reset with
 * its bindings cleared; hand it back with fm_store_release(), never
 * sqlite3_finalize().
 */
sqlite3_stmt *fm_store_cached(fm_store_t *store, const char *sql);

/* 'fm_store_release()' - reset a statement from fm_store_cached() (or finalizes
 * one that the full cache could not hold). */
void fm_store_release(fm_store_t *store, sqlite3_stmt *st);

/* 'fm_store_exec()' - run a statement with no parameters and no result rows. */
bool fm_store_exec(fm_store_t *store, const char *sql);

/* The numbered migrations, in order: migration i brings the schema from
 * version i to i + 1 (schema.c). */
extern const char *const fm_schema_migrations[];
extern const int fm_schema_migration_count;

#endif
