/*
 * test_hold.c - unit tests for spooler/hold.c on a real store and a real
 * spool directory.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spooler/hold.h"
#include "store/jobstore.h"
#include "tests/unit/harness.h"
#include "tests/unit/store_fixture.h"

struct env {
	struct fixture fx;
	char spool_dir[128];
	fm_spool_t *spool;
};

static bool
env_open(struct env *e)
{
	const char *errstr = NULL;

	memset(e, 0, sizeof(*e));
	if (fixture_open(&e->fx) == NULL)
		return false;
	snprintf(e->spool_dir, sizeof(e->spool_dir), "%s/spool", e->fx.dir);
	/* Removal needs no key, as for followme-admin. */
	e->spool = fm_spool_open(e->spool_dir, NULL, &errstr);
	return e->spool != NULL;
}

static void
env_close(struct env *e)
{
	fm_spool_close(e->spool);
	fixture_close(&e->fx);
}

static bool
spool_has(struct env *e, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", e->spool_dir, name);
	return access(path, F_OK) == 0;
}

/* A held job of ndocs documents, each with a file in the spool. */
static int64_t
held_job(struct env *e, const char *uuid, int ndocs)
{
	struct fm_ticket t = {0};
	int64_t job = 0;
	int seq = 0;

	snprintf(t.uuid, sizeof(t.uuid), "%s", uuid);
	snprintf(t.attempt, sizeof(t.attempt), "1");
	snprintf(t.owner, sizeof(t.owner), "alice");
	t.copies = t.number_up = 1;
	snprintf(t.sides, sizeof(t.sides), "one-sided");
	for (int i = 0; i < ndocs; i++) {
		struct fm_document d = {0};
		char path[256];
		int fd;

		if (fm_jobstore_claim(e->fx.store, &t, 100, 1000, &job, &seq) !=
		    FM_CLAIM_NEW)
			return -1;
		d.job_id = job;
		d.seq = seq;
		d.size = 3;
		d.pages = -1;
		fm_spool_document_name(
		    job, seq, d.spool_file, sizeof(d.spool_file));
		snprintf(d.count_status, sizeof(d.count_status), "unknown");
		snprintf(
		    path, sizeof(path), "%s/%s", e->spool_dir, d.spool_file);
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0)
			return -1;
		close(fd);
		if (fm_jobstore_add_document(
		        e->fx.store, &d, 100, NULL, NULL) != FM_CLAIM_NEW)
			return -1;
	}
	return job;
}

struct files {
	int named; /* documents whose record still names a file */
	char first[64];
};

static bool
note_document(const struct fm_document *doc, void *arg)
{
	struct files *f = arg;

	if (doc->spool_file[0] != '\0' && f->named++ == 0)
		snprintf(f->first, sizeof(f->first), "%s", doc->spool_file);
	return true;
}

static int
files_named(struct env *e, int64_t job)
{
	struct files f = {0};

	fm_jobstore_documents(e->fx.store, job, note_document, &f);
	return f.named;
}

static bool
note_event(int64_t at, const char *event, const char *detail, void *arg)
{
	char *last = arg;

	(void)at;
	snprintf(last, 128, "%s: %s", event, detail);
	return true;
}

static void
test_end_destroys_files(void)
{
	struct env e;
	struct fm_job job;
	char name1[64], name2[64], last[128] = "";
	int64_t id;

	ASSERT_TRUE(env_open(&e));
	ASSERT_TRUE((id = held_job(&e, "urn:uuid:h1", 2)) > 0);
	fm_spool_document_name(id, 1, name1, sizeof(name1));
	fm_spool_document_name(id, 2, name2, sizeof(name2));
	ASSERT_TRUE(spool_has(&e, name1) && spool_has(&e, name2));
	ASSERT_INT_EQ(
	    fm_hold_end(e.fx.store, e.spool, id, "expired", "not charged", 500),
	    FM_HOLD_ENDED);
	ASSERT_FALSE(spool_has(&e, name1));
	ASSERT_FALSE(spool_has(&e, name2));
	ASSERT_INT_EQ(files_named(&e, id), 0);
	ASSERT_TRUE(fm_jobstore_get(e.fx.store, id, &job));
	ASSERT_STR_EQ(job.state, "expired");
	ASSERT_INT_EQ(job.ended_at, 500);
	fm_jobstore_events(e.fx.store, id, note_event, last);
	ASSERT_STR_EQ(last, "expired: not charged");
	/* Only once: the job is no longer held. */
	ASSERT_INT_EQ(
	    fm_hold_end(e.fx.store, e.spool, id, "deleted", "again", 600),
	    FM_HOLD_NOT_HELD);
	ASSERT_TRUE(fm_jobstore_get(e.fx.store, id, &job));
	ASSERT_STR_EQ(job.state, "expired");
	env_close(&e);
}

static void
test_not_held_changes_nothing(void)
{
	struct env e;
	int64_t id;

	ASSERT_TRUE(env_open(&e));
	ASSERT_TRUE((id = held_job(&e, "urn:uuid:h2", 1)) > 0);
	ASSERT_INT_EQ(fm_hold_end(e.fx.store, e.spool, id + 100, "deleted",
	                  "by nobody", 500),
	    FM_HOLD_NOT_HELD);
	ASSERT_INT_EQ(fm_hold_end(NULL, e.spool, id, "deleted", "", 500),
	    FM_HOLD_NOT_HELD);
	ASSERT_INT_EQ(fm_hold_end(e.fx.store, NULL, id, "deleted", "", 500),
	    FM_HOLD_NOT_HELD);
	ASSERT_INT_EQ(fm_hold_end(e.fx.store, e.spool, id, NULL, "", 500),
	    FM_HOLD_NOT_HELD);
	ASSERT_INT_EQ(files_named(&e, id), 1);
	ASSERT_FALSE(fm_hold_destroy(NULL, e.spool, id));
	ASSERT_FALSE(fm_hold_destroy(e.fx.store, NULL, id));
	env_close(&e);
}

/* A file that will not go: the job is ended all the same, the other
 * files are destroyed, and the record keeps naming the one left. */
static void
test_files_left(void)
{
	struct env e;
	struct fm_job job;
	char name1[64], name2[64], path[256];
	int64_t id;

	ASSERT_TRUE(env_open(&e));
	ASSERT_TRUE((id = held_job(&e, "urn:uuid:h3", 2)) > 0);
	fm_spool_document_name(id, 1, name1, sizeof(name1));
	fm_spool_document_name(id, 2, name2, sizeof(name2));
	/* A directory in the file's place cannot be unlinked. */
	snprintf(path, sizeof(path), "%s/%s", e.spool_dir, name1);
	ASSERT_INT_EQ(unlink(path), 0);
	ASSERT_INT_EQ(mkdir(path, 0700), 0);
	ASSERT_INT_EQ(
	    fm_hold_end(e.fx.store, e.spool, id, "deleted", "by an admin", 500),
	    FM_HOLD_FILES_LEFT);
	ASSERT_TRUE(fm_jobstore_get(e.fx.store, id, &job));
	ASSERT_STR_EQ(job.state, "deleted");
	ASSERT_FALSE(spool_has(&e, name2));
	ASSERT_INT_EQ(files_named(&e, id), 1);
	/* Once it can go, destroying again finishes the work. */
	ASSERT_INT_EQ(rmdir(path), 0);
	ASSERT_TRUE(fm_hold_destroy(e.fx.store, e.spool, id));
	ASSERT_INT_EQ(files_named(&e, id), 0);
	env_close(&e);
}

/* A printed job has left the hold by its release: only its files go. */
static void
test_destroy_after_release(void)
{
	struct env e;
	struct fm_job job;
	char name[64];
	int64_t id;

	ASSERT_TRUE(env_open(&e));
	ASSERT_TRUE((id = held_job(&e, "urn:uuid:h4", 1)) > 0);
	fm_spool_document_name(id, 1, name, sizeof(name));
	ASSERT_TRUE(fm_hold_destroy(e.fx.store, e.spool, id));
	ASSERT_FALSE(spool_has(&e, name));
	ASSERT_INT_EQ(files_named(&e, id), 0);
	ASSERT_TRUE(fm_jobstore_get(e.fx.store, id, &job));
	ASSERT_STR_EQ(job.state, "held");
	/* Nothing left to do is not an error. */
	ASSERT_TRUE(fm_hold_destroy(e.fx.store, e.spool, id));
	env_close(&e);
}

int
main(void)
{
	RUN(test_end_destroys_files);
	RUN(test_not_held_changes_nothing);
	RUN(test_files_left);
	RUN(test_destroy_after_release);
	return harness_done();
}
