/*
 * groupsync.c - one fdatasync() of the WAL for the commits of many
 * processes (see groupsync.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "store/groupsync.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"

#define SYNC_MAGIC UINT64_C(0x666d73796e630001) /* "fmsync", version 1 */
#define SYNC_FILE_SIZE 4096

/* The shared page.  durable <= issued always holds: durable is only
 * ever set to a value read from issued. */
struct shared {
	uint64_t magic;
	uint64_t issued;  /* tickets handed out (one per commit) */
	uint64_t durable; /* every ticket up to this one is on disk */
};

struct fm_groupsync {
	int fd; /* the sync file; its locks elect who syncs and who writes */
	struct shared *map;
	char wal[PATH_MAX];
	char dir[PATH_MAX];
	bool dir_synced;
	struct fm_groupsync_stats stats;
};

/* Bytes of the sync file locked (open file description locks: per
 * open(), released if the process dies). */
#define LOCK_SYNCER 0 /* held by the process syncing the WAL */
#define LOCK_WRITER 1 /* held from BEGIN to COMMIT */

static bool
range_lock(int fd, short type, off_t byte)
{
	struct flock fl = {
	    .l_type = type, .l_whence = SEEK_SET, .l_start = byte, .l_len = 1};

	while (fcntl(fd, F_OFD_SETLKW, &fl) < 0)
		if (errno != EINTR)
			return false;
	return true;
}

static bool
lock(int fd, off_t byte)
{
	return range_lock(fd, F_WRLCK, byte);
}

static void
unlock(int fd, off_t byte)
{
	range_lock(fd, F_UNLCK, byte);
}

/* Creates the sync file or checks the one there: a regular file, not a
 * link, owned by us or by the database's owner (who could rewrite the
 * database anyway).  Root hands a new file to the database's owner, as
 * SQLite does with the -wal and -shm files. */
static int
open_sync_file(const char *path, const struct stat *db)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		fm_log_warn("store: cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		fm_log_warn("store: %s is not a regular file", path);
		goto fail;
	}
	if (geteuid() == 0 && st.st_uid == 0 && db->st_uid != 0 &&
	    fchown(fd, db->st_uid, db->st_gid) == 0)
		st.st_uid = db->st_uid;
	if (st.st_uid != geteuid() && st.st_uid != db->st_uid) {
		fm_log_warn("store: %s belongs to someone else", path);
		goto fail;
	}
	if ((st.st_mode & 077) != 0 && fchmod(fd, 0600) < 0) {
		fm_log_warn("store: %s is open to others", path);
		goto fail;
	}
	if (st.st_size < SYNC_FILE_SIZE && ftruncate(fd, SYNC_FILE_SIZE) < 0) {
		fm_log_warn("store: cannot size %s: %s", path, strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

fm_groupsync_t *
fm_groupsync_open(const char *db_path)
{
	fm_groupsync_t *g;
	struct stat db;
	char path[PATH_MAX];
	const char *slash;
	void *map;

	if (db_path == NULL || stat(db_path, &db) < 0 ||
	    (size_t)snprintf(path, sizeof(path), "%s-sync", db_path) >=
	        sizeof(path))
		return NULL;
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	snprintf(g->wal, sizeof(g->wal), "%s-wal", db_path);
	slash = strrchr(db_path, '/');
	if (slash == NULL)
		snprintf(g->dir, sizeof(g->dir), ".");
	else
		snprintf(g->dir, sizeof(g->dir), "%.*s",
		    (int)(slash == db_path ? 1 : slash - db_path), db_path);
	if ((g->fd = open_sync_file(path, &db)) < 0) {
		free(g);
		return NULL;
	}
	map = mmap(
	    NULL, SYNC_FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, g->fd, 0);
	if (map == MAP_FAILED) {
		fm_log_warn("store: cannot map %s: %s", path, strerror(errno));
		close(g->fd);
		free(g);
		return NULL;
	}
	g->map = map;
	/* A new file, or one that makes no sense: start over.  Forgetting
	 * what was durable only costs a sync; believing too much would
	 * skip one. */
	if (!lock(g->fd, LOCK_SYNCER)) {
		fm_groupsync_close(g);
		return NULL;
	}
	if (g->map->magic != SYNC_MAGIC || g->map->durable > g->map->issued) {
		g->map->issued = 0;
		g->map->durable = 0;
		__atomic_store_n(&g->map->magic, SYNC_MAGIC, __ATOMIC_RELEASE);
	}
	unlock(g->fd, LOCK_SYNCER);
	return g;
}

/* Makes everything written to the WAL so far durable. */
static bool
sync_wal(fm_groupsync_t *g)
{
	int fd;
	bool ok;

	fd = open(g->wal, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		/* No WAL: the last connection checkpointed it into the
		 * database, synced that, and removed it. */
		if (errno == ENOENT)
			return true;
		fm_log_warn(
		    "store: cannot open %s: %s", g->wal, strerror(errno));
		return false;
	}
	ok = fdatasync(fd) == 0;
	if (!ok)
		fm_log_warn(
		    "store: cannot sync %s: %s", g->wal, strerror(errno));
	close(fd);
	g->stats.syncs++;
	/* The WAL's own name must survive a power loss too, once. */
	if (ok && !g->dir_synced) {
		int dfd = open(g->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			g->dir_synced = fsync(dfd) == 0;
			close(dfd);
		}
	}
	return ok;
}

bool
fm_groupsync_wait(fm_groupsync_t *g)
{
	uint64_t ticket, upto;
	bool ok = true;

	g->stats.waits++;
	/* The commit's frames are in the WAL already: any sync that starts
	 * after this ticket was counted covers them. */
	ticket = __atomic_add_fetch(&g->map->issued, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&g->map->durable, __ATOMIC_ACQUIRE) >= ticket)
		return true;
	if (!lock(g->fd, LOCK_SYNCER)) {
		fm_log_warn(
		    "store: cannot lock the sync file: %s", strerror(errno));
		return false;
	}
	if (__atomic_load_n(&g->map->durable, __ATOMIC_ACQUIRE) < ticket) {
		upto = __atomic_load_n(&g->map->issued, __ATOMIC_SEQ_CST);
		ok = sync_wal(g);
		if (ok)
			__atomic_store_n(
			    &g->map->durable, upto, __ATOMIC_RELEASE);
	}
	unlock(g->fd, LOCK_SYNCER);
	return ok;
}

bool
fm_groupsync_sync_now(fm_groupsync_t *g)
{
	uint64_t upto;
	bool ok;

	if (!lock(g->fd, LOCK_SYNCER))
		return false;
	upto = __atomic_load_n(&g->map->issued, __ATOMIC_SEQ_CST);
	if ((ok = sync_wal(g)) &&
	    upto > __atomic_load_n(&g->map->durable, __ATOMIC_ACQUIRE))
		__atomic_store_n(&g->map->durable, upto, __ATOMIC_RELEASE);
	unlock(g->fd, LOCK_SYNCER);
	return ok;
}

bool
fm_groupsync_lock_writer(fm_groupsync_t *g)
{
	return lock(g->fd, LOCK_WRITER);
}

void
fm_groupsync_unlock_writer(fm_groupsync_t *g)
{
	unlock(g->fd, LOCK_WRITER);
}

void
fm_groupsync_close(fm_groupsync_t *g)
{
	if (g == NULL)
		return;
	if (g->map != NULL)
		munmap(g->map, SYNC_FILE_SIZE);
	close(g->fd);
	free(g);
}

void
fm_groupsync_stats(const fm_groupsync_t *g, struct fm_groupsync_stats *s)
{
	static const struct fm_groupsync_stats none;

	*s = g != NULL ? g->stats : none;
}
