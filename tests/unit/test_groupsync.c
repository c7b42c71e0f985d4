/*
 * test_groupsync.c - group commit's shared counters and locks on real
 * files: a commit alone syncs itself, a sync file that claims too much is
 * not believed, a planted link is refused (and the store then falls back
 * to synchronous = FULL), and the writer lock excludes other processes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "store/groupsync.h"
#include "store/store-private.h"
#include "store_fixture.h"

static void
remove_dir(const char *dir)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* The sync file beside the fixture's database, opened with flags; -1 if
 * it cannot be. */
static int
open_sync(const struct fixture *fx, int flags)
{
	char path[160];

	snprintf(path, sizeof(path), "%s-sync", fx->path);
	return open(path, flags | O_CLOEXEC);
}

/* The writer lock (byte 1 of the sync file fd) as another process sees
 * it: F_WRLCK if it is held, F_UNLCK if not; -1 if it cannot tell. */
static int
writer_lock(int fd)
{
	struct flock fl = {
	    .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 1, .l_len = 1};

	return fcntl(fd, F_OFD_GETLK, &fl) == 0 ? fl.l_type : -1;
}

static void
test_sync_file(struct fixture *fx)
{
	struct stat st;
	int fd;

	ASSERT_TRUE((fd = open_sync(fx, O_RDONLY)) >= 0);
	ASSERT_INT_EQ(fstat(fd, &st), 0);
	close(fd);
	ASSERT_INT_EQ(st.st_mode & 0777, 0600);
	ASSERT_INT_EQ(st.st_size, 4096);
	ASSERT_INT_EQ(fixture_synchronous(fx->store), 1);
}

/* One process alone: each wait syncs; sync_now covers earlier commits,
 * not later ones. */
static void
test_alone_every_commit_syncs(struct fixture *fx)
{
	fm_groupsync_t *g;
	struct fm_groupsync_stats st;

	ASSERT_NOT_NULL(g = fm_groupsync_open(fx->path));
	for (int i = 0; i < 3; i++)
		ASSERT_TRUE(fm_groupsync_wait(g));
	fm_groupsync_stats(g, &st);
	ASSERT_UINT_EQ(st.waits, 3);
	ASSERT_UINT_EQ(st.syncs, 3);
	ASSERT_TRUE(fm_groupsync_sync_now(g));
	ASSERT_TRUE(fm_groupsync_wait(g));
	fm_groupsync_stats(g, &st);
	ASSERT_UINT_EQ(st.syncs, 5);
	fm_groupsync_close(g);
}

/* A sync file saying everything up to 2^40 is durable, with nothing
 * issued, must not let a commit skip its sync. */
static void
test_lying_sync_file(struct fixture *fx)
{
	uint64_t words[3] = {0x666d73796e630001, 5, UINT64_C(1) << 40};
	fm_groupsync_t *g;
	struct fm_groupsync_stats st;
	int fd;

	ASSERT_TRUE((fd = open_sync(fx, O_WRONLY)) >= 0);
	ASSERT_TRUE(pwrite(fd, words, sizeof(words), 0) == sizeof(words));
	close(fd);
	ASSERT_NOT_NULL(g = fm_groupsync_open(fx->path));
	ASSERT_TRUE(fm_groupsync_wait(g));
	fm_groupsync_stats(g, &st);
	ASSERT_UINT_EQ(st.syncs, 1);
	fm_groupsync_close(g);
}

static void
test_planted_link(void)
{
	char dir[] = "/tmp/fm-test-XXXXXX", db[64], sync[80];
	const char *errstr = NULL;
	fm_store_t *s;

	ASSERT_NOT_NULL(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/followme.db", dir);
	snprintf(sync, sizeof(sync), "%s-sync", db);
	ASSERT_INT_EQ(symlink("/etc/passwd", sync), 0);
	ASSERT_NULL(fm_groupsync_open(db)); /* no database yet */
	ASSERT_NOT_NULL(s = fm_store_open(db, &errstr));
	/* Refused the link: every commit syncs by itself instead. */
	ASSERT_INT_EQ(fixture_synchronous(s), 2);
	ASSERT_FALSE(fm_store_group_commit(s));
	fm_store_close(s);
	unlink(sync);
	ASSERT_NOT_NULL(s = fm_store_open(db, &errstr));
	ASSERT_TRUE(fm_store_group_commit(s));
	fm_store_close(s);
	remove_dir(dir);
}

/* While one process is inside a write transaction, another cannot take
 * the writer lock; it can once the first commits. */
static void
test_writer_lock(struct fixture *fx)
{
	int fd;

	ASSERT_TRUE((fd = open_sync(fx, O_RDWR)) >= 0);
	ASSERT_TRUE(fm_store_begin(fx->store));
	ASSERT_INT_EQ(writer_lock(fd), F_WRLCK);
	ASSERT_TRUE(fm_store_commit(fx->store));
	ASSERT_INT_EQ(writer_lock(fd), F_UNLCK);
	/* A rollback lets go too. */
	ASSERT_TRUE(fm_store_begin(fx->store));
	fm_store_rollback(fx->store);
	ASSERT_INT_EQ(writer_lock(fd), F_UNLCK);
	close(fd);
}

int
main(void)
{
	RUN_FIXTURE(test_sync_file);
	RUN_FIXTURE(test_alone_every_commit_syncs);
	RUN_FIXTURE(test_lying_sync_file);
	RUN(test_planted_link);
	RUN_FIXTURE(test_writer_lock);
	return harness_done();
}
