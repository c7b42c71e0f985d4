/*
 * store.h - the SQLite store shared by followmed and followme-admin.
 *
 * fm_store_open() opens (creating if needed) the database, applies the
 * defensive settings and runs the numbered schema migrations.  The store
 * modules (jobstore.c, ledger.c, ...) are the only code that speaks SQL;
 * everything else goes through their functions.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_STORE_H
#define FM_STORE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct fm_store fm_store_t;

/*
 * 'fm_store_open()' - open the database file at path.
 *
 * The file is created 0600 if missing.  Returns NULL and sets *errstr to a
 * static message on failure.  The caller owns the handle and frees it with
 * fm_store_close().  A handle belongs to one thread at a time: SQLite
 * does not lock it (a thread of its own opens its own).
 */
fm_store_t *fm_store_open(const char *path, const char **errstr);

/* 'fm_store_close()' - close the handle; NULL is a no-op. */
void fm_store_close(fm_store_t *store);

/*
 * 'fm_store_checkpoint()' - copy the WAL into the database file and
 * truncate it (SQLITE_CHECKPOINT_TRUNCATE), so that page images holding
 * deleted data (a destroyed document's key) leave the WAL.  Outside a
 * transaction only; false if it could not complete now (a reader of an
 * older snapshot: a later checkpoint completes it).
 */
bool fm_store_checkpoint(fm_store_t *store);

/* 'fm_store_schema_version()' - the schema version now in the file. */
int fm_store_schema_version(fm_store_t *store);

/* 'fm_store_last_error()' - SQLite's message for the last failure
 * (borrowed; valid until the next call on the handle). */
const char *fm_store_last_error(fm_store_t *store);

/*
 * 'fm_store_now()' - the time the store stamps on new rows: the real
 * clock, unless fm_store_set_now() fixed it (tests, replays of a period).
 */
int64_t fm_store_now(fm_store_t *store);

/* 'fm_store_set_now()' - fix the store's clock at now; 0 restores the
 * real clock. */
void fm_store_set_now(fm_store_t *store, int64_t now);

#endif
