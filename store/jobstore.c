/*
 * jobstore.c - held jobs and documents: the SQL side of the hold queue.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "store/jobstore.h"

#include <stdio.h>
#include <string.h>

#include "common/aead.h"
#include "store/sql.h"

/* The job with uuid: its id and state, or 0 if none; -1 on error. */
static int64_t
find_job(fm_store_t *store, const char *uuid, char *state, size_t statelen)
{
	struct {
		int64_t id;
		char state[16];
	} row;
	static const struct fm_sql_col cols[] = {
	    FM_COL_INT(__typeof__(row), id),
	    FM_COL_TEXT(__typeof__(row), state), FM_COL_END};

	switch (fm_sql_get(store, "SELECT id, state FROM jobs WHERE uuid = ?1",
	    cols, &row, FM_ARG_TEXT(uuid))) {
	case FM_SQL_FOUND:
		snprintf(state, statelen, "%s", row.state);
		return row.id;
	case FM_SQL_NONE:
		return 0;
	default:
		return -1;
	}
}

static int64_t
insert_job(fm_store_t *store, const struct fm_ticket *t, int64_t now,
    int64_t expires_at)
{
	if (!fm_sql_exec(store,
	        "INSERT INTO jobs (uuid, cups_job_id, owner, host, title, "
	        "copies,"
	        " sides, number_up, color_mode, media, account, options, queue,"
	        " created_at, expires_at)"
	        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
	        " ?13, ?14, ?15)",
	        FM_ARG_TEXT(t->uuid), FM_ARG_INT(t->cups_job_id),
	        FM_ARG_TEXT(t->owner), FM_ARG_TEXT(t->host),
	        FM_ARG_TEXT(t->title), FM_ARG_INT(t->copies),
	        FM_ARG_TEXT(t->sides), FM_ARG_INT(t->number_up),
	        FM_ARG_TEXT(t->color_mode), FM_ARG_TEXT(t->media),
	        FM_ARG_TEXT(t->account), FM_ARG_TEXT(t->options),
	        FM_ARG_TEXT(t->queue), FM_ARG_INT(now), FM_ARG_INT(expires_at)))
		return -1;
	return fm_sql_last_id(store);
}

/* Increments the attempt's arrival counter and returns the new value. */
static int
next_seq(fm_store_t *store, int64_t job_id, const char *attempt)
{
	int64_t seq = -1;

	fm_sql_int(store,
	    "INSERT INTO ingest_attempts (job_id, attempt, received)"
	    " VALUES (?1, ?2, 1) ON CONFLICT (job_id, attempt)"
	    " DO UPDATE SET received = received + 1 RETURNING received",
	    &seq, FM_ARG_INT(job_id), FM_ARG_TEXT(attempt));
	return (int)seq;
}

/* The work of fm_jobstore_claim(), inside its transaction. */
static enum fm_claim
claim_in(fm_store_t *store, const struct fm_ticket *t, int64_t now,
    int64_t expires_at, int64_t *job_id, int *seq)
{
	char state[16] = "";
	int64_t id, one;

	if ((id = find_job(store, t->uuid, state, sizeof(state))) < 0)
		return FM_CLAIM_ERROR;
	if (id > 0 && strcmp(state, "held") != 0) {
		*job_id = id;
		return FM_CLAIM_ENDED;
	}
	if (id == 0 && (id = insert_job(store, t, now, expires_at)) < 0)
		return FM_CLAIM_ERROR;
	if ((*seq = next_seq(store, id, t->attempt)) < 0)
		return FM_CLAIM_ERROR;
	*job_id = id;
	switch (fm_sql_int(store,
	    "SELECT 1 FROM documents WHERE job_id = ?1 AND seq = ?2", &one,
	    FM_ARG_INT(id), FM_ARG_INT(*seq))) {
	case FM_SQL_FOUND:
		return FM_CLAIM_DUPLICATE;
	case FM_SQL_NONE:
		return FM_CLAIM_NEW;
	default:
		return FM_CLAIM_ERROR;
	}
}

enum fm_claim
fm_jobstore_claim(fm_store_t *store, const struct fm_ticket *t, int64_t now,
    int64_t expires_at, int64_t *job_id, int *seq)
{
	enum fm_claim result;

	if (store == NULL || t == NULL || job_id == NULL || seq == NULL)
		return FM_CLAIM_ERROR;
	if (!fm_store_begin(store))
		return FM_CLAIM_ERROR;
	/* Every outcome but an error is committed: the arrival counter
	 * moved, and a retry must see that. */
	result = claim_in(store, t, now, expires_at, job_id, seq);
	if (!fm_store_end(store, result != FM_CLAIM_ERROR))
		return FM_CLAIM_ERROR;
	return result;
}

/* The work of fm_jobstore_add_document(), inside its transaction. */
static enum fm_claim
add_document_in(fm_store_t *store, const struct fm_document *doc, int64_t now,
    bool (*commit_file)(void *arg), void *arg)
{
	bool counted = doc->pages >= 0;

	if (doc->wrapped_len > sizeof(doc->wrapped_key))
		return FM_CLAIM_ERROR;
	if (!fm_sql_exec(store,
	        "INSERT INTO documents (job_id, seq, name, format, size,"
	        " spool_file, pages, color_pages, mono_pages, impressions,"
	        " sheets, count_status, wrapped_key) VALUES (?1, ?2, ?3, ?4,"
	        " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
	        " ON CONFLICT DO NOTHING",
	        FM_ARG_INT(doc->job_id), FM_ARG_INT(doc->seq),
	        FM_ARG_TEXT(doc->name), FM_ARG_TEXT(doc->format),
	        FM_ARG_INT(doc->size), FM_ARG_TEXT(doc->spool_file),
	        counted ? FM_ARG_INT(doc->pages) : FM_ARG_NULL,
	        counted ? FM_ARG_INT(doc->color_pages) : FM_ARG_NULL,
	        counted ? FM_ARG_INT(doc->mono_pages) : FM_ARG_NULL,
	        counted ? FM_ARG_INT(doc->impressions) : FM_ARG_NULL,
	        counted ? FM_ARG_INT(doc->sheets) : FM_ARG_NULL,
	        FM_ARG_TEXT(doc->count_status),
	        doc->wrapped_len > 0
	            ? FM_ARG_BLOB(doc->wrapped_key, doc->wrapped_len)
	            : FM_ARG_NULL))
		return FM_CLAIM_ERROR;
	if (fm_sql_changes(store) == 0)
		return FM_CLAIM_DUPLICATE;
	if (!fm_jobstore_event(store, doc->job_id, "document-held", "", now))
		return FM_CLAIM_ERROR;
	if (commit_file != NULL && !commit_file(arg))
		return FM_CLAIM_ERROR;
	return FM_CLAIM_NEW;
}

enum fm_claim
fm_jobstore_add_document(fm_store_t *store, const struct fm_document *doc,
    int64_t now, bool (*commit_file)(void *arg), void *arg)
{
	enum fm_claim result;

	if (store == NULL || doc == NULL)
		return FM_CLAIM_ERROR;
	if (!fm_store_begin(store))
		return FM_CLAIM_ERROR;
	result = add_document_in(store, doc, now, commit_file, arg);
	if (!fm_store_end(store, result == FM_CLAIM_NEW))
		return result == FM_CLAIM_NEW ? FM_CLAIM_ERROR : result;
	return result;
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
	"  FROM documents d WHERE d.job_id = j.id),"                           \
	" EXISTS (SELECT 1 FROM documents d WHERE d.job_id = j.id"             \
	"  AND d.count_status = 'pending')"

#define C(kind, member) FM_COL_##kind(struct fm_job, member)
static const struct fm_sql_col job_cols[] = {C(INT, id), C(TEXT, ticket.uuid),
    C(INT, ticket.cups_job_id), C(TEXT, ticket.owner), C(TEXT, ticket.host),
    C(TEXT, ticket.title), C(INT, ticket.copies), C(TEXT, ticket.sides),
    C(INT, ticket.number_up), C(TEXT, ticket.color_mode), C(TEXT, ticket.media),
    C(TEXT, ticket.account), C(TEXT, ticket.options), C(TEXT, ticket.queue),
    C(TEXT, state), C(INT, created_at), C(INT, expires_at), C(INT, ended_at),
    C(INT, documents), C(INT, ticket.size), C(OPT, pages),
    C(TEXT, ticket.format), C(OPT, color_pages), C(BOOL, counting), FM_COL_END};
#undef C

/* The members no column fills are zero; colour is unknown with pages. */
static void
finish_job(struct fm_job *job)
{
	if (job->pages < 0)
		job->color_pages = -1;
}

bool
fm_jobstore_get(fm_store_t *store, int64_t id, struct fm_job *out)
{
	if (store == NULL || out == NULL)
		return false;
	memset(out, 0, sizeof(*out));
	if (fm_sql_get(store,
	        "SELECT " JOB_COLUMNS " FROM jobs j WHERE j.id = ?1", job_cols,
	        out, FM_ARG_INT(id)) != FM_SQL_FOUND)
		return false;
	finish_job(out);
	return true;
}

bool
fm_jobstore_list(fm_store_t *store, const char *owner, const char *state,
    bool (*fn)(const struct fm_job *job, void *arg), void *arg)
{
	struct fm_sql_rows rows;
	struct fm_job job;
	bool ok;

	if (store == NULL || fn == NULL)
		return false;
	memset(&job, 0, sizeof(job));
	ok = fm_sql_open(&rows, store,
	    "SELECT " JOB_COLUMNS " FROM jobs j"
	    " WHERE (?1 IS NULL OR j.owner = ?1)"
	    " AND (?2 IS NULL OR j.state = ?2)"
	    " AND EXISTS (SELECT 1 FROM documents d WHERE d.job_id = j.id)"
	    " ORDER BY j.created_at, j.id",
	    FM_ARG_TEXT(owner), FM_ARG_TEXT(state));
	while (ok && fm_sql_next(&rows, job_cols, &job)) {
		finish_job(&job);
		ok = fn(&job, arg);
	}
	return fm_sql_close(&rows) && ok;
}

#define C(kind, member) FM_COL_##kind(struct fm_document, member)
static const struct fm_sql_col document_cols[] = {C(INT, seq), C(TEXT, name),
    C(TEXT, format), C(INT, size), C(TEXT, spool_file), C(OPT, pages),
    C(INT, color_pages), C(INT, mono_pages), C(INT, impressions),
    C(INT, sheets), C(TEXT, count_status), FM_COL_END};
#undef C

bool
fm_jobstore_documents(fm_store_t *store, int64_t job_id,
    bool (*fn)(const struct fm_document *doc, void *arg), void *arg)
{
	struct fm_sql_rows rows;
	struct fm_document doc;
	bool ok;

	if (store == NULL || fn == NULL)
		return false;
	memset(&doc, 0, sizeof(doc));
	doc.job_id = job_id;
	ok = fm_sql_open(&rows, store,
	    "SELECT seq, name, format, size, spool_file, pages, color_pages,"
	    " mono_pages, impressions, sheets, count_status, wrapped_key"
	    " FROM documents WHERE job_id = ?1 ORDER BY seq",
	    FM_ARG_INT(job_id));
	while (ok && fm_sql_next(&rows, document_cols, &doc)) {
		int n = sqlite3_column_bytes(rows.st, 11);

		/* A key of any other size would not unwrap: drop it. */
		doc.wrapped_len = 0;
		if (n > 0 && (size_t)n <= sizeof(doc.wrapped_key)) {
			memcpy(doc.wrapped_key,
			    sqlite3_column_blob(rows.st, 11), (size_t)n);
			doc.wrapped_len = (size_t)n;
		}
		ok = fn(&doc, arg);
	}
	fm_wipe(doc.wrapped_key, sizeof(doc.wrapped_key));
	return fm_sql_close(&rows) && ok;
}

/* A document (d) of a job (j) that an analysis child should count. */
#define COUNT_DUE                                                              \
	"(d.count_status = 'pending' AND j.state = 'held'"                     \
	" AND d.spool_file IS NOT NULL)"

int
fm_jobstore_pending(
    fm_store_t *store, int skip, int64_t *job_ids, int *seqs, int max)
{
	static const struct fm_sql_col pending_cols[] = {
	    FM_COL_INT(struct fm_document, job_id),
	    FM_COL_INT(struct fm_document, seq), FM_COL_END};
	struct fm_document doc = {0};
	struct fm_sql_rows rows;
	int n = 0;
	bool ok;

	if (store == NULL || job_ids == NULL || seqs == NULL || max <= 0 ||
	    skip < 0)
		return -1;
	ok = fm_sql_open(&rows, store,
	    "SELECT d.job_id, d.seq FROM documents d JOIN jobs j"
	    " ON j.id = d.job_id WHERE " COUNT_DUE
	    " ORDER BY d.job_id, d.seq LIMIT ?1 OFFSET ?2",
	    FM_ARG_INT(max), FM_ARG_INT(skip));
	while (ok && fm_sql_next(&rows, pending_cols, &doc) && n < max) {
		job_ids[n] = doc.job_id;
		seqs[n++] = doc.seq;
	}
	return fm_sql_close(&rows) && ok ? n : -1;
}

int
fm_jobstore_is_pending(fm_store_t *store, int64_t job_id, int seq)
{
	static const struct fm_sql_col cols[] = {
	    FM_COL_INT(struct fm_document, seq), FM_COL_END};
	struct fm_document doc = {0};
	struct fm_sql_rows rows;
	bool ok, found = false;

	if (store == NULL)
		return -1;
	ok = fm_sql_open(&rows, store,
	    "SELECT d.seq FROM documents d JOIN jobs j ON j.id = d.job_id"
	    " WHERE d.job_id = ?1 AND d.seq = ?2 AND " COUNT_DUE,
	    FM_ARG_INT(job_id), FM_ARG_INT(seq));
	if (ok)
		found = fm_sql_next(&rows, cols, &doc);
	return fm_sql_close(&rows) && ok ? found : -1;
}

/* The work of fm_jobstore_set_count(), inside its transaction. */
static bool
set_count_in(fm_store_t *store, const struct fm_document *doc,
    const char *detail, int64_t now)
{
	bool counted = doc->pages >= 0;

	if (!fm_sql_exec(store,
	        "UPDATE documents SET pages = ?3, color_pages = ?4,"
	        " mono_pages = ?5, impressions = ?6, sheets = ?7,"
	        " count_status = ?8 WHERE job_id = ?1 AND seq = ?2"
	        " AND count_status = 'pending'",
	        FM_ARG_INT(doc->job_id), FM_ARG_INT(doc->seq),
	        counted ? FM_ARG_INT(doc->pages) : FM_ARG_NULL,
	        counted ? FM_ARG_INT(doc->color_pages) : FM_ARG_NULL,
	        counted ? FM_ARG_INT(doc->mono_pages) : FM_ARG_NULL,
	        counted ? FM_ARG_INT(doc->impressions) : FM_ARG_NULL,
	        counted ? FM_ARG_INT(doc->sheets) : FM_ARG_NULL,
	        FM_ARG_TEXT(doc->count_status)) ||
	    fm_sql_changes(store) != 1)
		return false;
	return fm_jobstore_event(store, doc->job_id, "counted", detail, now);
}

bool
fm_jobstore_set_count(fm_store_t *store, const struct fm_document *doc,
    const char *detail, int64_t now)
{
	bool ok;

	if (store == NULL || doc == NULL ||
	    strcmp(doc->count_status, "pending") == 0)
		return false;
	if (!fm_store_begin(store))
		return false;
	ok = set_count_in(store, doc, detail, now);
	return fm_store_end(store, ok) && ok;
}

bool
fm_jobstore_set_counts(fm_store_t *store, const struct fm_document *docs,
    const char *const *details, size_t n, int64_t now, bool *recorded)
{
	bool ok;

	if (store == NULL || (n > 0 && (docs == NULL || details == NULL)))
		return false;
	for (size_t i = 0; recorded != NULL && i < n; i++)
		recorded[i] = false;
	if (n == 0)
		return true;
	if (!fm_store_batch_begin(store))
		return false;
	/* Each in its savepoint: a document counted or ended meanwhile
	 * undoes only itself. */
	for (size_t i = 0; i < n; i++) {
		if (strcmp(docs[i].count_status, "pending") == 0 ||
		    !fm_store_begin(store))
			continue;
		ok = fm_store_end(
		    store, set_count_in(store, &docs[i], details[i], now));
		if (recorded != NULL)
			recorded[i] = ok;
	}
	if (fm_store_batch_end(store, true))
		return true;
	for (size_t i = 0; recorded != NULL && i < n; i++)
		recorded[i] = false;
	return false;
}

bool
fm_jobstore_event(fm_store_t *store, int64_t job_id, const char *event,
    const char *detail, int64_t now)
{
	return fm_sql_exec(store,
	    "INSERT INTO job_events (job_id, at, event, detail)"
	    " VALUES (?1, ?2, ?3, ?4)",
	    FM_ARG_INT(job_id), FM_ARG_INT(now), FM_ARG_TEXT(event),
	    FM_ARG_TEXT(detail ? detail : ""));
}

bool
fm_jobstore_events(fm_store_t *store, int64_t job_id,
    bool (*fn)(int64_t at, const char *event, const char *detail, void *arg),
    void *arg)
{
	struct fm_sql_rows rows;
	bool ok = fm_sql_open(&rows, store,
	    "SELECT at, event, detail FROM job_events WHERE job_id = ?1"
	    " ORDER BY id",
	    FM_ARG_INT(job_id));

	while (ok && fm_sql_next(&rows, NULL, NULL))
		ok = fn(sqlite3_column_int64(rows.st, 0),
		    fm_sql_text(rows.st, 1), fm_sql_text(rows.st, 2), arg);
	return fm_sql_close(&rows) && ok;
}

/* Changes a held job (one row) and records event with detail, in one
 * transaction. */
static bool
change_held_job(fm_store_t *store, int64_t job_id, const char *event,
    const char *detail, int64_t now, const char *sql,
    const struct fm_sql_arg *args)
{
	if (!fm_store_begin(store))
		return false;
	return fm_store_end(store,
	    fm_sql_exec_args(store, sql, args) && fm_sql_changes(store) == 1 &&
	        fm_jobstore_event(store, job_id, event, detail, now));
}

bool
fm_jobstore_end(fm_store_t *store, int64_t job_id, const char *state,
    const char *detail, int64_t now)
{
	if (store == NULL || state == NULL)
		return false;
	return change_held_job(store, job_id, state, detail, now,
	    "UPDATE jobs SET state = ?2, ended_at = ?3"
	    " WHERE id = ?1 AND state = 'held'",
	    FM_SQL_ARGS(
	        FM_ARG_INT(job_id), FM_ARG_TEXT(state), FM_ARG_INT(now)));
}

bool
fm_jobstore_extend(fm_store_t *store, int64_t job_id, const char *owner,
    int64_t expires_at, const char *detail, int64_t now)
{
	if (store == NULL || owner == NULL)
		return false;
	return change_held_job(store, job_id, "extended", detail, now,
	    "UPDATE jobs SET expires_at = max(expires_at, ?3)"
	    " WHERE id = ?1 AND owner = ?2 AND state = 'held'",
	    FM_SQL_ARGS(FM_ARG_INT(job_id), FM_ARG_TEXT(owner),
	        FM_ARG_INT(expires_at)));
}

bool
fm_jobstore_forget_file(fm_store_t *store, int64_t job_id, int seq)
{
	return fm_sql_exec(store,
	    "UPDATE documents SET spool_file = NULL, wrapped_key = NULL"
	    " WHERE job_id = ?1 AND seq = ?2",
	    FM_ARG_INT(job_id), FM_ARG_INT(seq));
}

int
fm_jobstore_expired(fm_store_t *store, int64_t now, int64_t *ids, int max)
{
	struct fm_sql_rows rows;
	int n = 0;

	fm_sql_open(&rows, store,
	    "SELECT id FROM jobs WHERE state = 'held' AND expires_at <= ?1"
	    " ORDER BY expires_at LIMIT ?2",
	    FM_ARG_INT(now), FM_ARG_INT(max));
	while (n < max && fm_sql_next(&rows, NULL, NULL))
		ids[n++] = sqlite3_column_int64(rows.st, 0);
	return fm_sql_close(&rows) ? n : -1;
}

int64_t
fm_jobstore_next_expiry(fm_store_t *store)
{
	int64_t at = -1;

	/* min() of no rows is NULL: no held job, nothing to wait for. */
	if (fm_sql_int(store,
	        "SELECT coalesce(min(expires_at), -1) FROM jobs"
	        " WHERE state = 'held'",
	        &at, FM_NO_ARGS) != FM_SQL_FOUND)
		return -1;
	return at;
}

int64_t
fm_jobstore_count_held(fm_store_t *store)
{
	int64_t n = -1;

	if (store == NULL ||
	    fm_sql_int(store, "SELECT count(*) FROM jobs WHERE state = 'held'",
	        &n, FM_NO_ARGS) != FM_SQL_FOUND)
		return -1;
	return n;
}

bool
fm_jobstore_file_is_live(fm_store_t *store, const char *spool_file)
{
	int64_t one;

	/* On an error, keep the file. */
	return fm_sql_int(store,
	           "SELECT 1 FROM documents d JOIN jobs j ON j.id = d.job_id"
	           " WHERE d.spool_file = ?1"
	           " AND j.state IN ('held', 'releasing')",
	           &one, FM_ARG_TEXT(spool_file)) != FM_SQL_NONE;
}

bool
fm_jobstore_file_is_owned(
    fm_store_t *store, const char *spool_file, const char *owner)
{
	int64_t one;

	if (store == NULL || spool_file == NULL || owner == NULL ||
	    owner[0] == '\0')
		return false;
	return fm_sql_int(store,
	           "SELECT 1 FROM documents d JOIN jobs j ON j.id = d.job_id"
	           " WHERE d.spool_file = ?1 AND j.owner = ?2"
	           " AND j.state IN ('held', 'releasing')",
	           &one, FM_ARG_TEXT(spool_file),
	           FM_ARG_TEXT(owner)) == FM_SQL_FOUND;
}

#define C(kind, member) FM_COL_##kind(struct fm_jobstore_unprinted, member)
static const struct fm_sql_col unprinted_cols[] = {
    C(INT, jobs), C(INT, pages), C(INT, uncounted), FM_COL_END};
#undef C

bool
fm_jobstore_unprinted(fm_store_t *store, const char *state, int64_t from,
    int64_t to, struct fm_jobstore_unprinted *out)
{
	memset(out, 0, sizeof(*out));
	/* The pages a job would have printed: its counted pages times its
	 * copies; a job whose pages were never known is counted apart. */
	return fm_sql_get(store,
	           "SELECT count(*),"
	           " coalesce(sum(CASE WHEN p >= 0 THEN p * copies END), 0),"
	           " coalesce(sum(p < 0), 0) FROM ("
	           "  SELECT j.copies AS copies,"
	           "  (SELECT CASE WHEN count(*) = count(d.pages)"
	           "   THEN coalesce(sum(d.pages), 0) ELSE -1 END"
	           "   FROM documents d WHERE d.job_id = j.id) AS p"
	           "  FROM jobs j WHERE j.state = ?1"
	           "  AND j.ended_at >= ?2 AND j.ended_at < ?3)",
	           unprinted_cols, out, FM_ARG_TEXT(state), FM_ARG_INT(from),
	           FM_ARG_INT(to)) == FM_SQL_FOUND;
}
