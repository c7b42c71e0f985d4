/*
 * groupsync.h - group commit for the store: many processes' commits made
 * durable by one fsync of the write-ahead log.
 *
 * The store commits with synchronous = NORMAL, which appends the
 * transaction to the WAL without waiting for the disk, and then calls
 * fm_groupsync_wait().  Every commit takes a ticket from a counter shared
 * through a small mapped file beside the database (<db>-sync); one
 * process at a time (flock on that file) fdatasync()s the WAL and marks
 * every ticket issued before its sync as durable.  A process whose ticket
 * is already marked returns at once, so while one process waits for the
 * disk, the commits of all the others pile up behind it and share the
 * next sync.  One process alone still pays one sync per commit.
 *
 * This is safe because tickets are taken after the commit's WAL frames
 * were written, and a checkpoint in NORMAL mode syncs the WAL before it
 * copies it and the database after.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_GROUPSYNC_H
#define FM_GROUPSYNC_H

#include <stdbool.h>
#include <stdint.h>

typedef struct fm_groupsync fm_groupsync_t;

/*
 * 'fm_groupsync_open()' - open (creating it 0600, owned like the database)
 * the sync file of the database at db_path.  NULL, with the reason
 * logged, if it cannot: the store then commits with synchronous = FULL.
 */
fm_groupsync_t *fm_groupsync_open(const char *db_path);

/*
 * 'fm_groupsync_wait()' - call after a commit returned: returns true once
 * that commit is on disk, false (logged) if the WAL could not be synced.
 */
bool fm_groupsync_wait(fm_groupsync_t *g);

/*
 * 'fm_groupsync_sync_now()' - make every commit on the database so far
 * durable, whoever made it (the ledger writer's syncer calls this for
 * the batches it committed without waiting).
 */
bool fm_groupsync_sync_now(fm_groupsync_t *g);

/*
 * 'fm_groupsync_unlock_writer()' - 'fm_groupsync_lock_writer()' - wait for the
 * other processes' write transactions on the database: taken before BEGIN and
 * released after COMMIT (before waiting for the disk).  SQLite's own busy
 * handler polls in steps of milliseconds, longer than a whole charge; this lock
 * hands over at once.
 */
bool fm_groupsync_lock_writer(fm_groupsync_t *g);
void fm_groupsync_unlock_writer(fm_groupsync_t *g);

/* 'fm_groupsync_close()' - unmap and close; NULL is a no-op. */
void fm_groupsync_close(fm_groupsync_t *g);

struct fm_groupsync_stats {
	uint64_t waits, syncs;
};

/* 'fm_groupsync_stats()' - what this handle did, for tests and benchmarks:
 * commits waited for and the fdatasync() calls it made itself. */
void fm_groupsync_stats(const fm_groupsync_t *g, struct fm_groupsync_stats *s);

#endif
