/*
 * heldcount.h - counting a held document's pages after the hold.
 *
 * The backend counts what its streaming analysers can (DSC PostScript,
 * PCL, PCL XL, PJL, PWG, URF, text) and holds the rest as "pending":
 * PDF and PCLm (the backend does not load libqpdf, whose start-up with
 * GnuTLS would slow every job) and what needs Ghostscript are counted
 * here, in one of followmed's analysis children, so that no CUPS queue
 * waits for them.  The child reads the held copy through its document
 * key (plaintext only in its memory, never on disk), streams it to the
 * limited analysis child, libqpdf and Ghostscript (pagecount.h,
 * gsrun.h), and records the result in the store.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_HELDCOUNT_H
#define FM_HELDCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "spooler/spool.h"
#include "store/store.h"

/*
 * 'fm_heldcount_document()' - count the pages of document seq of held
 * job job_id, which must be pending, and record them
 * (fm_jobstore_set_count()): the count, or the status that says why
 * there is none ("damaged" for a held copy that does not open).  spool
 * must have been opened with the master key; it becomes this function's,
 * which closes it (wiping the key) once the document is read, before
 * any of it is parsed and before the analysis forks.  Blocks for as long as the
 * analysis takes (timeout_sec per Ghostscript run).  Returns false,
 * recording nothing, when the document is not pending any more (counted,
 * or its job ended) or on a store error.
 */
bool fm_heldcount_document(fm_store_t *store, fm_spool_t *spool, int64_t job_id,
    int seq, unsigned timeout_sec, int64_t now);

/*
 * 'fm_heldcount_failed()' - record that the analysis of document seq of
 * job job_id ended without a result (its child died): the document gets
 * status "too-complex" and no pages, and only it.  False when it was not
 * pending.
 */
bool fm_heldcount_failed(
    fm_store_t *store, int64_t job_id, int seq, const char *why, int64_t now);

#endif
