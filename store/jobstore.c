/*
 * jobstore.c - held jobs and documents: the SQL side of the hold queue.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "store/jobstore.h"

#include <stdio.h>
#include <string.h>

#include "store/store-private.h"

static int64_t
find_job(fm_store_t *store, const char *uuid, char *state, size_t statelen)
{
	sqlite3_stmt *st;
	int64_t id = 0;

	st = fm_store_prepare(
	    store, "SELECT id, state FROM jobs WHERE uuid = ?1");
	if (st == NULL)
		return -1;
	fm_store_bind_text(st, 1, uuid);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		id = sqlite3_column_int64(st, 0);
		fm_store_copy_text(state, statelen, st, 1);
		break;
	case SQLITE_DONE:
		break;
	default:
		id = -1;
	}
	sqlite3_finalize(st);
	return id;
}

static int64_t
insert_job(fm_store_t *store, const struct fm_ticket *t, int64_t now,
    int64_t expires_at)
{
	sqlite3_stmt *st;
	int64_t id = -1;

	st = fm_store_prepare(store,
	    "INSERT INTO jobs (uuid, cups_job_id, owner, host, title, copies,"
	    " sides, number_up, color_mode, media, account, options, queue,"
	    " created_at, expires_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
	    " ?14, ?15)");
	if (st == NULL)
		return -1;
	fm_store_bind_text(st, 1, t->uuid);
	sqlite3_bind_int64(st, 2, t->cups_job_id);
	fm_store_bind_text(st, 3, t->owner);
	fm_store_bind_text(st, 4, t->host);
	fm_store_bind_text(st, 5, t->title);
	sqlite3_bind_int64(st, 6, t->copies);
	fm_store_bind_text(st, 7, t->sides);
	sqlite3_bind_int64(st, 8, t->number_up);
	fm_store_bind_text(st, 9, t->color_mode);
	fm_store_bind_text(st, 10, t->media);
	fm_store_bind_text(st, 11, t->account);
	fm_store_bind_text(st, 12, t->options);
	fm_store_bind_text(st, 13, t->queue);
	sqlite3_bind_int64(st, 14, now);
	sqlite3_bind_int64(st, 15, expires_at);
	if (sqlite3_step(st) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(fm_store_db(store));
	sqlite3_finalize(st);
	return id;
}

/* Increments the attempt's arrival counter and returns the new value. */
static int
next_seq(fm_store_t *store, int64_t job_id, const char *attempt)
{
	sqlite3_stmt *st;
	int seq = -1;

	st = fm_store_prepare(store,
	    "INSERT INTO ingest_attempts (job_id, attempt, received)"
	    " VALUES (?1, ?2, 1) ON CONFLICT (job_id, attempt)"
	    " DO UPDATE SET received = received + 1 RETURNING received");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, job_id);
	fm_store_bind_text(st, 2, attempt);
	if (sqlite3_step(st) == SQLITE_ROW)
		seq = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return seq;
}

static int
document_exists(fm_store_t *store, int64_t job_id, int seq)
{
	sqlite3_stmt *st;
	int rc;

	st = fm_store_prepare(
	    store, "SELECT 1 FROM documents WHERE job_id = ?1 AND seq = ?2");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, job_id);
	sqlite3_bind_int(st, 2, seq);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

enum fm_claim
fm_jobstore_claim(fm_store_t *store, const struct fm_ticket *t, int64_t now,
    int64_t expires_at, int64_t *job_id, int *seq)
{
	char state[16] = "";
	enum fm_claim result = FM_CLAIM_ERROR;
	int64_t id;
	int exists;

	if (store == NULL || t == NULL || job_id == NULL || seq == NULL)
		return FM_CLAIM_ERROR;
	if (!fm_store_begin(store))
		return FM_CLAIM_ERROR;
	if ((id = find_job(store, t->uuid, state, sizeof(state))) < 0)
		goto out;
	if (id > 0 && strcmp(state, "held") != 0) {
		result = FM_CLAIM_ENDED;
		*job_id = id;
		goto out;
	}
	if (id == 0 && (id = insert_job(store, t, now, expires_at)) < 0)
		goto out;
	if ((*seq = next_seq(store, id, t->attempt)) < 0)
		goto out;
	if ((exists = document_exists(store, id, *seq)) < 0)
		goto out;
	*job_id = id;
	result = exists ? FM_CLAIM_DUPLICATE : FM_CLAIM_NEW;
out:
	if (result == FM_CLAIM_ERROR || !fm_store_commit(store))
		result = FM_CLAIM_ERROR;
	return result;
}

enum fm_claim
fm_jobstore_add_document(fm_store_t *store, const struct fm_document *doc,
    int64_t now, bool (*commit_file)(void *arg), void *arg)
{
	sqlite3_stmt *st;
	int rc;

	if (store == NULL || doc == NULL)
		return FM_CLAIM_ERROR;
	if (!fm_store_begin(store))
		return FM_CLAIM_ERROR;
	st = fm_store_prepare(store,
	    "INSERT INTO documents (job_id, seq, name, format, size,"
	    " spool_file, pages, color_pages, mono_pages, impressions, sheets,"
	    " count_status) VALUES (?1, ?2, ?3, ?4, ?5, ?7, ?8, ?9, ?10,"
	    " ?11, ?12, ?13) ON CONFLICT DO NOTHING");
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, doc->job_id);
	sqlite3_bind_int(st, 2, doc->seq);
	fm_store_bind_text(st, 3, doc->name);
	fm_store_bind_text(st, 4, doc->format);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)doc->size);
	fm_store_bind_text(st, 7, doc->spool_file);
	if (doc->pages >= 0) {
		sqlite3_bind_int64(st, 8, doc->pages);
		sqlite3_bind_int64(st, 9, doc->color_pages);
		sqlite3_bind_int64(st, 10, doc->mono_pages);
		sqlite3_bind_int64(st, 11, doc->impressions);
		sqlite3_bind_int64(st, 12, doc->sheets);
	}
	fm_store_bind_text(st, 13, doc->count_status);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto fail;
	if (sqlite3_changes(fm_store_db(store)) == 0) {
		fm_store_rollback(store);
		return FM_CLAIM_DUPLICATE;
	}
	if (!fm_jobstore_event(store, doc->job_id, "document-held", "", now))
		goto fail;
	if (commit_file != NULL && !commit_file(arg))
		goto fail;
	if (!fm_store_commit(store))
		return FM_CLAIM_ERROR;
	return FM_CLAIM_NEW;
fail:
	fm_store_rollback(store);
	return FM_CLAIM_ERROR;
}

#define JOB_COLUMNS                                                            \
	"j.id, j.uuid, j.cups_job_id, j.owner, j.host, j.title, j.copies,"     \
	" j.sides, j.number_up, j.color_mode, j.media, j.account, j.options,"  \
	" j.queue, j.state, j.created_at, j.expires_at, j.ended_at,"           \
	" (SELECT count(*) FROM documents d WHERE d.job_id = j.id),"           \
	" (SELECT coalesce(sum(d.size), 0) FROM documents d"                   \
	"  WHERE d.job_id = j.id),"                                            \
	" (SELECT CASE WHEN count(*) = count(d.pages) THEN sum(d.pages)"       \
	"  ELSE -1 END FROM documents d WHERE d.job_id = j.id),"               \
	" (SELECT d.format FROM documents d WHERE d.job_id = j.id"             \
	"  ORDER BY d.seq LIMIT 1),"                                           \
	" (SELECT CASE WHEN count(*) = count(d.pages)"                         \
	"  THEN coalesce(sum(d.color_pages), 0) ELSE -1 END"                   \
	"  FROM documents d WHERE d.job_id = j.id)"

static void
read_job(sqlite3_stmt *st, struct fm_job *job)
{
	struct fm_ticket *t = &job->ticket;

	memset(job, 0, sizeof(*job));
	job->id = sqlite3_column_int64(st, 0);
	fm_store_copy_text(t->uuid, sizeof(t->uuid), st, 1);
	t->cups_job_id = (uint32_t)sqlite3_column_int64(st, 2);
	fm_store_copy_text(t->owner, sizeof(t->owner), st, 3);
	fm_store_copy_text(t->host, sizeof(t->host), st, 4);
	fm_store_copy_text(t->title, sizeof(t->title), st, 5);
	t->copies = (uint32_t)sqlite3_column_int64(st, 6);
	fm_store_copy_text(t->sides, sizeof(t->sides), st, 7);
	t->number_up = (uint32_t)sqlite3_column_int64(st, 8);
	fm_store_copy_text(t->color_mode, sizeof(t->color_mode), st, 9);
	fm_store_copy_text(t->media, sizeof(t->media), st, 10);
	fm_store_copy_text(t->account, sizeof(t->account), st, 11);
	fm_store_copy_text(t->options, sizeof(t->options), st, 12);
	fm_store_copy_text(t->queue, sizeof(t->queue), st, 13);
	fm_store_copy_text(job->state, sizeof(job->state), st, 14);
	job->created_at = sqlite3_column_int64(st, 15);
	job->expires_at = sqlite3_column_int64(st, 16);
	job->ended_at = sqlite3_column_int64(st, 17);
	job->documents = sqlite3_column_int(st, 18);
	t->size = (uint64_t)sqlite3_column_int64(st, 19);
	job->pages = sqlite3_column_type(st, 20) == SQLITE_NULL
	    ? -1
	    : sqlite3_column_int64(st, 20);
	fm_store_copy_text(t->format, sizeof(t->format), st, 21);
	job->color_pages = sqlite3_column_type(st, 22) == SQLITE_NULL
	    ? -1
	    : sqlite3_column_int64(st, 22);
	if (job->pages < 0)
		job->color_pages = -1;
}

bool
fm_jobstore_get(fm_store_t *store, int64_t id, struct fm_job *out)
{
	sqlite3_stmt *st;
	bool found = false;

	if (store == NULL || out == NULL)
		return false;
	st = fm_store_prepare(
	    store, "SELECT " JOB_COLUMNS " FROM jobs j WHERE j.id = ?1");
	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		read_job(st, out);
		found = true;
	}
	sqlite3_finalize(st);
	return found;
}

bool
fm_jobstore_list(fm_store_t *store, const char *owner, const char *state,
    bool (*fn)(const struct fm_job *job, void *arg), void *arg)
{
	sqlite3_stmt *st;
	struct fm_job job;
	bool ok = true;
	int rc;

	if (store == NULL || fn == NULL)
		return false;
	st = fm_store_prepare(store,
	    "SELECT " JOB_COLUMNS " FROM jobs j"
	    " WHERE (?1 IS NULL OR j.owner = ?1)"
	    " AND (?2 IS NULL OR j.state = ?2)"
	    " AND EXISTS (SELECT 1 FROM documents d WHERE d.job_id = j.id)"
	    " ORDER BY j.created_at, j.id");
	if (st == NULL)
		return false;
	if (owner != NULL)
		fm_store_bind_text(st, 1, owner);
	if (state != NULL)
		fm_store_bind_text(st, 2, state);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_job(st, &job);
		if (!fn(&job, arg)) {
			ok = false;
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ok = false;
	sqlite3_finalize(st);
	return ok;
}

bool
fm_jobstore_documents(fm_store_t *store, int64_t job_id,
    bool (*fn)(const struct fm_document *doc, void *arg), void *arg)
{
	sqlite3_stmt *st;
	struct fm_document doc;
	bool ok = true;
	int rc;

	if (store == NULL || fn == NULL)
		return false;
	st = fm_store_prepare(store,
	    "SELECT seq, name, format, size, NULL, spool_file, pages,"
	    " color_pages, mono_pages, impressions, sheets, count_status"
	    " FROM documents WHERE job_id = ?1 ORDER BY seq");
	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, job_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&doc, 0, sizeof(doc));
		doc.job_id = job_id;
		doc.seq = sqlite3_column_int(st, 0);
		fm_store_copy_text(doc.name, sizeof(doc.name), st, 1);
		fm_store_copy_text(doc.format, sizeof(doc.format), st, 2);
		doc.size = (uint64_t)sqlite3_column_int64(st, 3);
		fm_store_copy_text(
		    doc.spool_file, sizeof(doc.spool_file), st, 5);
		doc.pages = sqlite3_column_type(st, 6) == SQLITE_NULL
		    ? -1
		    : sqlite3_column_int64(st, 6);
		doc.color_pages = sqlite3_column_int64(st, 7);
		doc.mono_pages = sqlite3_column_int64(st, 8);
		doc.impressions = sqlite3_column_int64(st, 9);
		doc.sheets = sqlite3_column_int64(st, 10);
		fm_store_copy_text(
		    doc.count_status, sizeof(doc.count_status), st, 11);
		if (!fn(&doc, arg)) {
			ok = false;
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ok = false;
	sqlite3_finalize(st);
	return ok;
}

bool
fm_jobstore_event(fm_store_t *store, int64_t job_id, const char *event,
    const char *detail, int64_t now)
{
	sqlite3_stmt *st;
	int rc;

	st = fm_store_prepare(store,
	    "INSERT INTO job_events (job_id, at, event, detail)"
	    " VALUES (?1, ?2, ?3, ?4)");
	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, job_id);
	sqlite3_bind_int64(st, 2, now);
	fm_store_bind_text(st, 3, event);
	fm_store_bind_text(st, 4, detail ? detail : "");
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE;
}

bool
fm_jobstore_events(fm_store_t *store, int64_t job_id,
    bool (*fn)(int64_t at, const char *event, const char *detail, void *arg),
    void *arg)
{
	sqlite3_stmt *st;
	bool ok = true;
	int rc;

	st = fm_store_prepare(store,
	    "SELECT at, event, detail FROM job_events WHERE job_id = ?1"
	    " ORDER BY id");
	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, job_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!fn(sqlite3_column_int64(st, 0),
		        (const char *)sqlite3_column_text(st, 1),
		        (const char *)sqlite3_column_text(st, 2), arg)) {
			ok = false;
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ok = false;
	sqlite3_finalize(st);
	return ok;
}

bool
fm_jobstore_end(fm_store_t *store, int64_t job_id, const char *state,
    const char *detail, int64_t now)
{
	sqlite3_stmt *st;
	bool ok = false;

	if (store == NULL || state == NULL)
		return false;
	if (!fm_store_begin(store))
		return false;
	st = fm_store_prepare(store,
	    "UPDATE jobs SET state = ?2, ended_at = ?3"
	    " WHERE id = ?1 AND state = 'held'");
	if (st == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, job_id);
	fm_store_bind_text(st, 2, state);
	sqlite3_bind_int64(st, 3, now);
	ok = sqlite3_step(st) == SQLITE_DONE &&
	    sqlite3_changes(fm_store_db(store)) == 1;
	sqlite3_finalize(st);
	if (ok)
		ok = fm_jobstore_event(store, job_id, state, detail, now);
out:
	if (!ok) {
		fm_store_rollback(store);
		return false;
	}
	return fm_store_commit(store);
}

bool
fm_jobstore_forget_file(fm_store_t *store, int64_t job_id, int seq)
{
	sqlite3_stmt *st;
	int rc;

	st = fm_store_prepare(store,
	    "UPDATE documents SET spool_file = NULL"
	    " WHERE job_id = ?1 AND seq = ?2");
	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, job_id);
	sqlite3_bind_int(st, 2, seq);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE;
}

int
fm_jobstore_expired(fm_store_t *store, int64_t now, int64_t *ids, int max)
{
	sqlite3_stmt *st;
	int n = 0, rc;

	st = fm_store_prepare(store,
	    "SELECT id FROM jobs WHERE state = 'held' AND expires_at <= ?1"
	    " ORDER BY expires_at LIMIT ?2");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? n : -1;
}

int64_t
fm_jobstore_next_expiry(fm_store_t *store)
{
	sqlite3_stmt *st;
	int64_t at = -1;

	st = fm_store_prepare(
	    store, "SELECT min(expires_at) FROM jobs WHERE state = 'held'");
	if (st == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		at = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return at;
}

bool
fm_jobstore_file_is_live(fm_store_t *store, const char *spool_file)
{
	sqlite3_stmt *st;
	bool live = true; /* on error, keep the file */

	st = fm_store_prepare(store,
	    "SELECT 1 FROM documents d JOIN jobs j ON j.id = d.job_id"
	    " WHERE d.spool_file = ?1 AND j.state IN ('held', 'releasing')");
	if (st == NULL)
		return true;
	fm_store_bind_text(st, 1, spool_file);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		break;
	case SQLITE_DONE:
		live = false;
		break;
	default:
		break;
	}
	sqlite3_finalize(st);
	return live;
}

bool
fm_jobstore_extend(fm_store_t *store, int64_t job_id, const char *owner,
    int64_t expires_at, const char *detail, int64_t now)
{
	sqlite3_stmt *st;
	bool ok = false;

	if (store == NULL || owner == NULL || !fm_store_begin(store))
		return false;
	st = fm_store_prepare(store,
	    "UPDATE jobs SET expires_at = max(expires_at, ?3)"
	    " WHERE id = ?1 AND owner = ?2 AND state = 'held'");
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, job_id);
		fm_store_bind_text(st, 2, owner);
		sqlite3_bind_int64(st, 3, expires_at);
		ok = sqlite3_step(st) == SQLITE_DONE &&
		    sqlite3_changes(fm_store_db(store)) == 1;
		sqlite3_finalize(st);
	}
	if (ok)
		ok = fm_jobstore_event(store, job_id, "extended", detail, now);
	if (!ok) {
		fm_store_rollback(store);
		return false;
	}
	return fm_store_commit(store);
}
