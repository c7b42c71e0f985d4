/*
 * hold.h - a job leaves the hold queue: the one way to end a held job
 * (deleted by its owner or an admin, expired) and to destroy its spool
 * files, used by followmed's expiry, the terminal sessions and
 * followme-admin.
 *
 * Files go first, then the record that they are gone: a crash in
 * between leaves a record naming a missing file, never a file no record
 * names (and followmed's start-up sweep removes what a crash left).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_HOLD_H
#define FM_HOLD_H

#include <stdbool.h>
#include <stdint.h>

#include "spooler/spool.h"
#include "store/store.h"

enum fm_hold_result {
	FM_HOLD_ENDED,      /* ended, and its spool files destroyed */
	FM_HOLD_NOT_HELD,   /* not held (or no such job): nothing changed */
	FM_HOLD_FILES_LEFT, /* ended, but a spool file could not be removed */
};

/*
 * 'fm_hold_end()' - move held job job_id to state ("deleted",
 * "expired") with detail in its history (fm_jobstore_end()), then
 * destroy its documents' spool files and keys (fm_hold_destroy()), and
 * checkpoint the store (fm_store_checkpoint()) so that the keys' bytes
 * leave the WAL too.  spool may be opened without a key.  FM_HOLD_NOT_HELD also
 * for a NULL store, spool or state.  With FM_HOLD_FILES_LEFT the job is ended
 * all the same; the files left are removed by followmed's start-up sweep.
 */
enum fm_hold_result fm_hold_end(fm_store_t *store, fm_spool_t *spool,
    int64_t job_id, const char *state, const char *detail, int64_t now);

/*
 * 'fm_hold_destroy()' - remove the spool files of job job_id's documents,
 * record each as gone and erase its wrapped key (fm_jobstore_forget_file());
 * for a job that
 * has left the hold (printed, or ended by fm_hold_end()).  False if a
 * file could not be removed (its record then still names it), or for a
 * NULL store or spool.
 */
bool fm_hold_destroy(fm_store_t *store, fm_spool_t *spool, int64_t job_id);

#endif
