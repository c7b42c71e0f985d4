/*
 * jobstore.h - held jobs and their documents in the store.
 *
 * A job is created by its first document and is visible (listed,
 * releasable) once it has at least one stored document.  States:
 * held -> releasing -> released, or held -> deleted | expired.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_JOBSTORE_H
#define FM_JOBSTORE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "store/store.h"
#include "store/ticket.h"

struct fm_job {
	int64_t id;
	struct fm_ticket ticket; /* size = sum of the documents' sizes */
	char state[16];
	int64_t created_at, expires_at, ended_at;
	int documents;
	int64_t pages;       /* -1 when any document's count is unknown */
	int64_t color_pages; /* of those, in colour; -1 when pages is */
	bool counting;       /* a document's pages are still being counted */
};

#define FM_JOBSTORE_WRAPPEDMAX 64 /* a document's wrapped key, bytes */

struct fm_document {
	int64_t job_id;
	int seq;
	char name[FM_TICKET_NAMEMAX];
	char format[FM_TICKET_NAMEMAX];
	uint64_t size;
	char spool_file[64]; /* "" once destroyed */
	int64_t pages, color_pages, mono_pages, impressions, sheets;
	char count_status[32];
	/* The document's key, wrapped (spooler/spool.h); wrapped_len 0 for
	 * a document stored before document keys, or once destroyed. */
	uint8_t wrapped_key[FM_JOBSTORE_WRAPPEDMAX];
	size_t wrapped_len;
};

enum fm_claim {
	FM_CLAIM_NEW,       /* store the document as (job_id, seq) */
	FM_CLAIM_DUPLICATE, /* already stored: acknowledge, store nothing */
	FM_CLAIM_ENDED,     /* the job was released, deleted or expired */
	FM_CLAIM_ERROR,
};

/*
 * 'fm_jobstore_claim()' - number an arriving document.
 *
 * Finds or creates the job for t->uuid and gives the document the next
 * number within its attempt (t->attempt): CUPS restarts a retried job from
 * its first document, so numbering by arrival within an attempt makes the
 * retry of an already stored document a duplicate.  expires_at applies to
 * a newly created job.  Fills *job_id and *seq.
 */
enum fm_claim fm_jobstore_claim(fm_store_t *store, const struct fm_ticket *t,
    int64_t now, int64_t expires_at, int64_t *job_id, int *seq);

/*
 * 'fm_jobstore_add_document()' - record a stored document.
 *
 * commit_file is called inside the transaction, after the row is written
 * and before COMMIT (it renames the spool file into place); if it fails
 * the row is rolled back.  Returns FM_CLAIM_NEW when recorded,
 * FM_CLAIM_DUPLICATE if the row already existed (the caller discards its
 * file), FM_CLAIM_ERROR otherwise.
 */
enum fm_claim fm_jobstore_add_document(fm_store_t *store,
    const struct fm_document *doc, int64_t now, bool (*commit_file)(void *arg),
    void *arg);

/* 'fm_jobstore_get()' - copy job id into *out; false if there is none. */
bool fm_jobstore_get(fm_store_t *store, int64_t id, struct fm_job *out);

/*
 * 'fm_jobstore_list()' - call fn for each visible job, oldest first.
 *
 * owner NULL lists all owners; state NULL lists all states.  Stops early
 * and returns false if fn returns false or on a database error.
 */
bool fm_jobstore_list(fm_store_t *store, const char *owner, const char *state,
    bool (*fn)(const struct fm_job *job, void *arg), void *arg);

/* 'fm_jobstore_documents()' - call fn for each document of job_id, in order. */
bool fm_jobstore_documents(fm_store_t *store, int64_t job_id,
    bool (*fn)(const struct fm_document *doc, void *arg), void *arg);

/*
 * 'fm_jobstore_end()' - move a held job to state ("deleted", "expired")
 * and record the event with detail.  Returns false (and changes nothing)
 * unless the job was held.  Its documents' files are then destroyed by
 * the caller, which calls fm_jobstore_forget_file() for each.
 */
bool fm_jobstore_end(fm_store_t *store, int64_t job_id, const char *state,
    const char *detail, int64_t now);

/* 'fm_jobstore_extend()' - move a held job's expiry to expires_at (never
 * earlier than it was) and record who did it; false unless job_id is held and
 * owned by owner. */
bool fm_jobstore_extend(fm_store_t *store, int64_t job_id, const char *owner,
    int64_t expires_at, const char *detail, int64_t now);

/*
 * 'fm_jobstore_forget_file()' - mark a document's spool file as destroyed
 * and erase its wrapped key: without it nobody, even with the master key
 * and a copy of the file, can open the document again.  With the store's
 * secure_delete the key's bytes are overwritten in the database file;
 * fm_store_checkpoint() then clears them from the WAL.
 */
bool fm_jobstore_forget_file(fm_store_t *store, int64_t job_id, int seq);

/* 'fm_jobstore_expired()' - the ids of held jobs whose expires_at <= now, at
 * most max, into ids; returns how many, or -1 on error. */
int fm_jobstore_expired(fm_store_t *store, int64_t now, int64_t *ids, int max);

/* 'fm_jobstore_next_expiry()' - the soonest expires_at of a held job, or -1 if
 * none. */
int64_t fm_jobstore_next_expiry(fm_store_t *store);

/* 'fm_jobstore_count_held()' - how many jobs are held, or -1 on error
 * (for the daemon's status line). */
int64_t fm_jobstore_count_held(fm_store_t *store);

/* 'fm_jobstore_file_is_live()' - is spool_file the file of a document of a held
 * or releasing job?  Used by the start-up sweep to delete orphans left by a
 * crash. */
bool fm_jobstore_file_is_live(fm_store_t *store, const char *spool_file);

/* 'fm_jobstore_file_is_owned()' - is spool_file the file of a document of
 * a held or releasing job of owner?  False too on an error.  The
 * decryptor's check before it opens a document for a session. */
bool fm_jobstore_file_is_owned(
    fm_store_t *store, const char *spool_file, const char *owner);

/*
 * 'fm_jobstore_pending()' - the documents of held jobs whose pages are
 * still to be counted (count_status "pending"), oldest first, skipping
 * the first skip of them: at most max, their job ids into job_ids and
 * numbers into seqs.  Returns how many, or -1 on an error.
 */
int fm_jobstore_pending(
    fm_store_t *store, int skip, int64_t *job_ids, int *seqs, int max);
/*
 * 'fm_jobstore_is_pending()' - 1 when document seq of job job_id is one
 * fm_jobstore_pending() would list, 0 when not (counted, or its job
 * ended), -1 on an error.
 */
int fm_jobstore_is_pending(fm_store_t *store, int64_t job_id, int seq);

/*
 * 'fm_jobstore_set_count()' - record the page analysis of a pending
 * document: doc's job_id, seq, pages (-1: not counted), color_pages,
 * mono_pages, impressions, sheets and count_status, with a "counted"
 * event carrying detail.  Changes nothing, and returns false, unless
 * the document is still pending: a count never overwrites another.
 */
bool fm_jobstore_set_count(fm_store_t *store, const struct fm_document *doc,
    const char *detail, int64_t now);
/*
 * 'fm_jobstore_set_counts()' - fm_jobstore_set_count() for n documents
 * (details[i] for docs[i]) in one transaction, whose commit does not wait
 * for the disk: a count lost to a power cut leaves its document pending,
 * to be counted again, and the next durable commit by anyone (a
 * release's) makes it durable first.  A document that is not pending any
 * more is skipped, the others recorded; recorded[i] (recorded may be
 * NULL) says which.  False on a store error, when nothing is recorded.
 */
bool fm_jobstore_set_counts(fm_store_t *store, const struct fm_document *docs,
    const char *const *details, size_t n, int64_t now, bool *recorded);
/* 'fm_jobstore_event()' - record an event for a job (shown by followme-admin
 * jobs show). */
bool fm_jobstore_event(fm_store_t *store, int64_t job_id, const char *event,
    const char *detail, int64_t now);

/* 'fm_jobstore_events()' - call fn for each event of job_id, oldest first. */
bool fm_jobstore_events(fm_store_t *store, int64_t job_id,
    bool (*fn)(int64_t at, const char *event, const char *detail, void *arg),
    void *arg);

/* Jobs that ended without printing, and the pages they would have. */
struct fm_jobstore_unprinted {
	int64_t jobs;
	int64_t pages;     /* counted pages times copies */
	int64_t uncounted; /* jobs whose pages were never known */
};

/*
 * 'fm_jobstore_unprinted()' - the jobs that ended in state ("expired",
 * "deleted") within [from, to), into *out.  False on a store error.
 */
bool fm_jobstore_unprinted(fm_store_t *store, const char *state, int64_t from,
    int64_t to, struct fm_jobstore_unprinted *out);

#endif
