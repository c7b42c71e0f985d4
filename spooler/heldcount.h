/*
 * heldcount.h - counting held documents' pages after the hold.
 *
 * The backend counts what its streaming analysers can (DSC PostScript,
 * PCL, PCL XL, PJL, PWG, URF, text) and holds the rest as "pending":
 * PDF and PCLm (the backend does not load libqpdf, whose start-up with
 * GnuTLS would slow every job) and what needs Ghostscript are counted
 * here, in one of followmed's analysis children, so that no CUPS queue
 * waits for them.  The child reads the held copies through their
 * document keys (plaintext only in its memory, never on disk), streams
 * each to the limited analysis child, libqpdf and Ghostscript
 * (pagecount.h, gsrun.h), and records the results in the store.
 *
 * One child counts several documents in a row: forking it, opening the
 * store and the spool, and committing cost about as much as Ghostscript's
 * run on a one-page document (bench/RESULTS.md), so a burst of such jobs
 * shares them.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_HELDCOUNT_H
#define FM_HELDCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spooler/spool.h"
#include "store/store.h"

/* Documents one call counts at most. */
#define FM_HELDCOUNT_MAX 64

/* A document to count: document seq of job job_id. */
struct fm_heldcount_doc {
	int64_t job_id;
	int seq;
};

/* Where a call is, for the process that watches it: before reading
 * document i, before counting it, after counting it. */
enum fm_heldcount_step {
	FM_HELDCOUNT_READ,
	FM_HELDCOUNT_COUNT,
	FM_HELDCOUNT_DONE,
};

/* A progress record (what an analysis child writes on its pipe): the
 * step, then the document's index. */
#define FM_HELDCOUNT_PROGRESS_LEN 2

/* 'fm_heldcount_progress_encode()' - the record for step of document i
 * (0 <= i < FM_HELDCOUNT_MAX) into rec. */
void fm_heldcount_progress_encode(
    int i, enum fm_heldcount_step step, uint8_t rec[FM_HELDCOUNT_PROGRESS_LEN]);

/*
 * 'fm_heldcount_progress_decode()' - from the records in buf[0..len) a
 * child wrote for its ndocs documents, the index of the document it was
 * on into *on: its first document before any record, -1 once it had
 * counted the last one it started.  False if a record is malformed (an
 * unknown step, an index out of range, or a piece of a record): *on then
 * says what the records before it said.
 */
bool fm_heldcount_progress_decode(
    const uint8_t *buf, size_t len, int ndocs, int *on);

typedef void (*fm_heldcount_progress)(
    void *arg, int i, enum fm_heldcount_step step);

struct fm_heldcount_opts {
	unsigned timeout_sec; /* per Ghostscript run */
	/* The plaintext read ahead at most, in bytes: the first document is
	 * read whatever its size, the next ones while their sum stays
	 * within it; those left are not counted (they stay pending). */
	uint64_t max_bytes;
	/* Counts are recorded together, once this long (microseconds) has
	 * passed since the call began or last recorded, and at the end. */
	uint64_t commit_usec;
	/* Run the analyses at SCHED_IDLE (pagecount.h: idle). */
	bool idle;
};

/*
 * 'fm_heldcount_documents()' - count the pages of docs[0..n) (n at most
 * FM_HELDCOUNT_MAX), each a document of a held job, and record them
 * (fm_jobstore_set_counts()): the count, or the status that says why
 * there is none ("damaged" for a held copy that does not open).
 * Documents not pending (counted, or their job ended) are skipped.
 * spool must have been opened with the master key; it becomes this
 * function's, which closes it (wiping the key) once the documents are
 * read, before any of them is parsed and before the analysis forks.
 * progress (may be NULL) is told of each step, in order, before it is
 * taken.  Blocks for as long as the analyses take.  Returns how many
 * documents it recorded, or -1 on a store error (counts not recorded yet
 * are then lost: their documents stay pending).
 */
int fm_heldcount_documents(fm_store_t *store, fm_spool_t *spool,
    const struct fm_heldcount_doc *docs, int n,
    const struct fm_heldcount_opts *opts, fm_heldcount_progress progress,
    void *arg);

/*
 * 'fm_heldcount_failed()' - record that the analysis of document seq of
 * job job_id ended without a result (its child died): the document gets
 * status "too-complex" and no pages, and only it.  False when it was not
 * pending.
 */
bool fm_heldcount_failed(
    fm_store_t *store, int64_t job_id, int seq, const char *why, int64_t now);

#endif
