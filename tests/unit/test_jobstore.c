/*
 * test_jobstore.c - unit tests for quota/store.c and quota/jobstore.c on
 * a real SQLite file.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/jobstore.h"
#include "store/store-private.h"
#include "tests/unit/harness.h"

static char dir[] = "/tmp/fm-jobstore-XXXXXX";
static char path[256];

static fm_store_t *
fresh_store(void)
{
	const char *err = NULL;
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "rm -f %s %s-wal %s-shm", path, path, path);
	if (system(cmd) != 0)
		return NULL;
	return fm_store_open(path, &err);
}

static void
ticket(struct fm_ticket *t, const char *uuid, const char *attempt)
{
	memset(t, 0, sizeof(*t));
	t->cups_job_id = 5;
	snprintf(t->uuid, sizeof(t->uuid), "%s", uuid);
	snprintf(t->attempt, sizeof(t->attempt), "%s", attempt);
	strcpy(t->owner, "alice");
	strcpy(t->title, "T");
	t->copies = 1;
	t->number_up = 1;
	strcpy(t->sides, "one-sided");
}

static enum fm_claim
add(fm_store_t *s, int64_t job, int seq, size_t size)
{
	struct fm_document d = {0};

	d.job_id = job;
	d.seq = seq;
	d.size = size;
	d.pages = -1;
	snprintf(
	    d.spool_file, sizeof(d.spool_file), "%lld-%d", (long long)job, seq);
	strcpy(d.count_status, "unknown");
	return fm_jobstore_add_document(s, &d, 100, NULL, NULL);
}

static bool
count_job(const struct fm_job *job, void *arg)
{
	(void)job;
	(*(int *)arg)++;
	return true;
}

static void
test_open_creates_0600_and_migrates(void)
{
	fm_store_t *s = fresh_store();
	struct stat st;

	ASSERT_NOT_NULL(s);
	ASSERT_INT_EQ(stat(path, &st), 0);
	ASSERT_INT_EQ(st.st_mode & 0777, 0600);
	ASSERT_INT_EQ(fm_store_schema_version(s), fm_schema_migration_count);
	fm_store_close(s);
	/* Reopening is a no-op migration. */
	s = fm_store_open(path, NULL);
	ASSERT_NOT_NULL(s);
	fm_store_close(s);
}

/* Opening an up-to-date store writes nothing: while one connection keeps
 * the WAL, another open leaves it as it was (it wrote user_version, and
 * so waited for the write lock and the disk, at every open). */
static void
test_open_writes_nothing(void)
{
	fm_store_t *s = fresh_store(), *again;
	char wal[300];
	struct stat before, after;

	ASSERT_NOT_NULL(s);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	ASSERT_INT_EQ(stat(wal, &before), 0);
	again = fm_store_open(path, NULL);
	ASSERT_NOT_NULL(again);
	ASSERT_INT_EQ(stat(wal, &after), 0);
	ASSERT_INT_EQ(after.st_size, before.st_size);
	fm_store_close(again);
	fm_store_close(s);
}

static void
test_newer_schema_refused(void)
{
	fm_store_t *s = fresh_store();
	sqlite3 *db;
	const char *err = NULL;

	fm_store_close(s);
	ASSERT_INT_EQ(sqlite3_open(path, &db), SQLITE_OK);
	ASSERT_INT_EQ(
	    sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	ASSERT_NULL(fm_store_open(path, &err));
	ASSERT_STR_CONTAINS(err, "newer Followme");
}

static void
test_claim_numbers_by_attempt(void)
{
	fm_store_t *s = fresh_store();
	struct fm_ticket t;
	int64_t job, job2;
	int seq;
	int n = 0;

	ticket(&t, "urn:uuid:1", "1000");
	ASSERT_INT_EQ(
	    fm_jobstore_claim(s, &t, 100, 200, &job, &seq), FM_CLAIM_NEW);
	ASSERT_INT_EQ(seq, 1);
	/* Not visible until a document is stored. */
	ASSERT_TRUE(fm_jobstore_list(s, NULL, NULL, count_job, &n));
	ASSERT_INT_EQ(n, 0);
	ASSERT_INT_EQ(add(s, job, 1, 10), FM_CLAIM_NEW);
	ASSERT_INT_EQ(
	    fm_jobstore_claim(s, &t, 100, 200, &job2, &seq), FM_CLAIM_NEW);
	ASSERT_INT_EQ(job2, job);
	ASSERT_INT_EQ(seq, 2); /* second document of the same attempt */
	ASSERT_INT_EQ(add(s, job, 2, 20), FM_CLAIM_NEW);
	/* CUPS retries the job from its first document: a new attempt. */
	ticket(&t, "urn:uuid:1", "1005");
	ASSERT_INT_EQ(fm_jobstore_claim(s, &t, 100, 200, &job2, &seq),
	    FM_CLAIM_DUPLICATE);
	ASSERT_INT_EQ(seq, 1);
	ASSERT_INT_EQ(fm_jobstore_claim(s, &t, 100, 200, &job2, &seq),
	    FM_CLAIM_DUPLICATE);
	ASSERT_INT_EQ(seq, 2);
	ASSERT_INT_EQ(
	    fm_jobstore_claim(s, &t, 100, 200, &job2, &seq), FM_CLAIM_NEW);
	ASSERT_INT_EQ(seq, 3);
	/* A racing duplicate insert is reported, not doubled. */
	ASSERT_INT_EQ(add(s, job, 2, 20), FM_CLAIM_DUPLICATE);
	n = 0;
	ASSERT_TRUE(fm_jobstore_list(s, "alice", "held", count_job, &n));
	ASSERT_INT_EQ(n, 1);
	struct fm_job j;
	ASSERT_TRUE(fm_jobstore_get(s, job, &j));
	ASSERT_INT_EQ(j.documents, 2);
	ASSERT_UINT_EQ(j.ticket.size, 30);
	fm_store_close(s);
}

static void
test_end_and_expiry(void)
{
	fm_store_t *s = fresh_store();
	struct fm_ticket t;
	int64_t a, b, ids[8];
	int seq;

	ticket(&t, "urn:uuid:a", "1");
	fm_jobstore_claim(s, &t, 100, 150, &a, &seq);
	add(s, a, 1, 1);
	ticket(&t, "urn:uuid:b", "1");
	fm_jobstore_claim(s, &t, 100, 300, &b, &seq);
	add(s, b, 1, 1);
	ASSERT_INT_EQ(fm_jobstore_next_expiry(s), 150);
	ASSERT_INT_EQ(fm_jobstore_count_held(s), 2);
	ASSERT_INT_EQ(fm_jobstore_count_held(NULL), -1);
	ASSERT_INT_EQ(fm_jobstore_expired(s, 149, ids, 8), 0);
	ASSERT_INT_EQ(fm_jobstore_expired(s, 150, ids, 8), 1);
	ASSERT_INT_EQ(ids[0], a);
	ASSERT_TRUE(fm_jobstore_file_is_live(s, "1-1"));
	ASSERT_TRUE(fm_jobstore_end(s, a, "expired", "not charged", 150));
	/* Only a held job can end, and only once. */
	ASSERT_FALSE(fm_jobstore_end(s, a, "deleted", "", 151));
	ASSERT_FALSE(fm_jobstore_file_is_live(s, "1-1"));
	ASSERT_FALSE(fm_jobstore_file_is_live(s, "99-1"));
	ASSERT_INT_EQ(fm_jobstore_next_expiry(s), 300);
	ASSERT_INT_EQ(fm_jobstore_count_held(s), 1);
	/* A retried submission of an ended job is not held again. */
	ticket(&t, "urn:uuid:a", "2");
	ASSERT_INT_EQ(
	    fm_jobstore_claim(s, &t, 160, 300, &a, &seq), FM_CLAIM_ENDED);
	fm_store_close(s);
}

/* Documents held "pending" are listed for the analysis pool until
 * their count is recorded, once; a job that ended is no longer listed. */
static void
test_pending_counts(void)
{
	fm_store_t *s = fresh_store();
	struct fm_document d = {0};
	struct fm_ticket t;
	struct fm_job j;
	int64_t a, b, ids[4];
	int seq, seqs[4];

	ticket(&t, "urn:uuid:p", "1");
	fm_jobstore_claim(s, &t, 100, 900, &a, &seq);
	d = (struct fm_document){.job_id = a, .seq = 1, .size = 1, .pages = -1};
	strcpy(d.spool_file, "1-1");
	strcpy(d.count_status, "pending");
	ASSERT_INT_EQ(
	    fm_jobstore_add_document(s, &d, 100, NULL, NULL), FM_CLAIM_NEW);
	ticket(&t, "urn:uuid:q", "1");
	fm_jobstore_claim(s, &t, 100, 900, &b, &seq);
	ASSERT_INT_EQ(add(s, b, 1, 1), FM_CLAIM_NEW); /* "unknown" */
	d.job_id = b;
	d.seq = 2;
	strcpy(d.spool_file, "2-2");
	ASSERT_INT_EQ(
	    fm_jobstore_add_document(s, &d, 100, NULL, NULL), FM_CLAIM_NEW);
	ASSERT_INT_EQ(fm_jobstore_pending(s, 0, ids, seqs, 4), 2);
	ASSERT_INT_EQ(ids[0], a);
	ASSERT_INT_EQ(seqs[0], 1);
	ASSERT_INT_EQ(ids[1], b);
	ASSERT_INT_EQ(seqs[1], 2);
	ASSERT_INT_EQ(fm_jobstore_pending(s, 1, ids, seqs, 4), 1);
	ASSERT_INT_EQ(ids[0], b);
	ASSERT_INT_EQ(fm_jobstore_pending(s, 0, ids, seqs, 1), 1);
	ASSERT_INT_EQ(fm_jobstore_is_pending(s, a, 1), 1);
	ASSERT_INT_EQ(fm_jobstore_is_pending(s, b, 2), 1);
	ASSERT_INT_EQ(fm_jobstore_is_pending(s, b, 9), 0);
	ASSERT_TRUE(fm_jobstore_get(s, a, &j));
	ASSERT_INT_EQ(j.pages, -1);
	ASSERT_TRUE(j.counting);
	ASSERT_TRUE(fm_jobstore_get(s, b, &j));
	ASSERT_TRUE(j.counting); /* one of its two documents is pending */

	d = (struct fm_document){.job_id = a,
	    .seq = 1,
	    .pages = 3,
	    .color_pages = 1,
	    .mono_pages = 2,
	    .impressions = 3,
	    .sheets = 3};
	strcpy(d.count_status, "ok");
	ASSERT_TRUE(fm_jobstore_set_count(s, &d, "3 page(s)", 110));
	/* Counted once: a second count (a retried analysis) is refused. */
	d.pages = 9;
	ASSERT_FALSE(fm_jobstore_set_count(s, &d, "", 111));
	ASSERT_TRUE(fm_jobstore_get(s, a, &j));
	ASSERT_INT_EQ(j.pages, 3);
	ASSERT_INT_EQ(j.color_pages, 1);
	ASSERT_FALSE(j.counting);
	/* Only a document that was pending takes a count. */
	d.job_id = b;
	ASSERT_FALSE(fm_jobstore_set_count(s, &d, "", 111));
	strcpy(d.count_status, "pending");
	d.seq = 2;
	ASSERT_FALSE(fm_jobstore_set_count(s, &d, "", 111));
	ASSERT_INT_EQ(fm_jobstore_pending(s, 0, ids, seqs, 4), 1);
	ASSERT_INT_EQ(ids[0], b);
	ASSERT_INT_EQ(fm_jobstore_is_pending(s, a, 1), 0); /* counted */
	ASSERT_TRUE(fm_jobstore_end(s, b, "deleted", "", 120));
	ASSERT_INT_EQ(fm_jobstore_pending(s, 0, ids, seqs, 4), 0);
	ASSERT_INT_EQ(fm_jobstore_is_pending(s, b, 2), 0); /* job ended */
	fm_store_close(s);
}

/* Counts recorded together: each pending document takes its own, one
 * counted already or not pending is skipped without undoing the others,
 * and each gets its "counted" event. */
static void
test_set_counts_together(void)
{
	fm_store_t *s = fresh_store();
	struct fm_document d[3], pend = {0};
	const char *details[3] = {"one", "two", "three"};
	bool recorded[3];
	struct fm_ticket t;
	struct fm_job j;
	int64_t a, ids[4];
	int seq, seqs[4];

	ticket(&t, "urn:uuid:s", "1");
	fm_jobstore_claim(s, &t, 100, 900, &a, &seq);
	for (int i = 1; i <= 3; i++) {
		pend = (struct fm_document){
		    .job_id = a, .seq = i, .size = 1, .pages = -1};
		snprintf(pend.spool_file, sizeof(pend.spool_file), "9-%d", i);
		strcpy(pend.count_status, i == 2 ? "unknown" : "pending");
		ASSERT_INT_EQ(
		    fm_jobstore_add_document(s, &pend, 100, NULL, NULL),
		    FM_CLAIM_NEW);
	}
	ASSERT_INT_EQ(fm_jobstore_pending(s, 0, ids, seqs, 4), 2);
	for (int i = 0; i < 3; i++) {
		d[i] = (struct fm_document){.job_id = a,
		    .seq = i + 1,
		    .pages = i + 1,
		    .mono_pages = i + 1,
		    .impressions = i + 1,
		    .sheets = i + 1};
		strcpy(d[i].count_status, "ok");
	}
	ASSERT_TRUE(fm_jobstore_set_counts(s, d, details, 3, 110, recorded));
	ASSERT_TRUE(recorded[0]);
	ASSERT_FALSE(recorded[1]); /* not pending: skipped */
	ASSERT_TRUE(recorded[2]);
	ASSERT_INT_EQ(fm_jobstore_pending(s, 0, ids, seqs, 4), 0);
	ASSERT_TRUE(fm_jobstore_get(s, a, &j));
	ASSERT_FALSE(j.counting);
	ASSERT_INT_EQ(fm_jobstore_is_pending(s, a, 3), 0);
	/* Once: a second call records nothing. */
	ASSERT_TRUE(fm_jobstore_set_counts(s, d, details, 3, 111, recorded));
	ASSERT_FALSE(recorded[0] || recorded[1] || recorded[2]);
	/* A "pending" result is no count. */
	strcpy(d[0].count_status, "pending");
	ASSERT_TRUE(fm_jobstore_set_counts(s, d, details, 1, 111, recorded));
	ASSERT_FALSE(recorded[0]);
	ASSERT_TRUE(fm_jobstore_set_counts(s, d, details, 0, 111, NULL));
	ASSERT_FALSE(fm_jobstore_set_counts(NULL, d, details, 1, 111, NULL));
	fm_store_close(s);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/test.db", dir);
	RUN(test_open_creates_0600_and_migrates);
	RUN(test_newer_schema_refused);
	RUN(test_open_writes_nothing);
	RUN(test_claim_numbers_by_attempt);
	RUN(test_end_and_expiry);
	RUN(test_pending_counts);
	RUN(test_set_counts_together);
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return harness_done();
}
