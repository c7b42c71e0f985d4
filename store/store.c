/*
 * store.c - opening the SQLite store: defensive settings and migrations.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "store/store-private.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/aead.h"
#include "common/log.h"
#include "store/groupsync.h"

/* Statements the one-shot calls of sql.h keep prepared: every distinct
 * statement a long-lived process runs, with room to spare. */
#define STMT_CACHE 64

struct fm_store {
	sqlite3 *db;
	int64_t now; /* 0: the real clock */
	/* NULL: every commit is synchronous = FULL.  Otherwise commits are
	 * NORMAL and made durable together with other processes' (group
	 * commit), except while lazy. */
	fm_groupsync_t *sync;
	bool lazy;
	bool writing; /* holds the group's writer lock */
	/* A batch (fm_store_batch_begin) is one transaction around many
	 * begin/commit pairs, which become savepoints nested depth deep. */
	bool batch;
	int depth;
	/* Prepared statements of the hot paths, keyed by the address of
	 * their SQL text (a string literal), so that a charge does not
	 * re-parse a dozen statements. */
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} cache[STMT_CACHE];
	/* The ledger's MAC key (quota/ledger.c), in the processes that
	 * write or verify the ledger; wiped on close. */
	uint8_t ledger_key[FM_STORE_LEDGER_KEYLEN];
	bool has_ledger_key;
	/* fm_store_defer_checkpoint(): the WAL's frames at the last commit
	 * (-1: SQLite checkpoints at commits, as by default). */
	int wal_frames;
};

sqlite3_stmt *
fm_store_cached(fm_store_t *store, const char *sql)
{
	int i;

	for (i = 0; i < STMT_CACHE && store->cache[i].sql != NULL; i++)
		if (store->cache[i].sql == sql) {
			sqlite3_reset(store->cache[i].st);
			sqlite3_clear_bindings(store->cache[i].st);
			return store->cache[i].st;
		}
	if (i == STMT_CACHE)
		return fm_store_prepare(store, sql); /* full: uncached */
	if (sqlite3_prepare_v3(store->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	        &store->cache[i].st, NULL) != SQLITE_OK) {
		fm_log_warn("store: cannot prepare statement: %s",
		    sqlite3_errmsg(store->db));
		return NULL;
	}
	store->cache[i].sql = sql;
	return store->cache[i].st;
}

void
fm_store_release(fm_store_t *store, sqlite3_stmt *st)
{
	if (st == NULL)
		return;
	for (int i = 0; i < STMT_CACHE && store->cache[i].sql != NULL; i++)
		if (store->cache[i].st == st) {
			sqlite3_reset(st);
			return;
		}
	sqlite3_finalize(st);
}

int64_t
fm_store_now(fm_store_t *store)
{
	return store != NULL && store->now > 0 ? store->now
	                                       : (int64_t)time(NULL);
}

void
fm_store_set_now(fm_store_t *store, int64_t now)
{
	if (store != NULL)
		store->now = now;
}

sqlite3 *
fm_store_db(fm_store_t *store)
{
	return store->db;
}

const char *
fm_store_last_error(fm_store_t *store)
{
	return store ? sqlite3_errmsg(store->db) : "no store";
}

bool
fm_store_exec(fm_store_t *store, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(store->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fm_log_warn("store: %s", msg ? msg : "unknown error");
		sqlite3_free(msg);
		return false;
	}
	return true;
}

sqlite3_stmt *
fm_store_prepare(fm_store_t *store, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(store->db, sql, -1, &st, NULL) != SQLITE_OK) {
		fm_log_warn("store: cannot prepare statement: %s",
		    sqlite3_errmsg(store->db));
		return NULL;
	}
	return st;
}

static void
end_writing(fm_store_t *store)
{
	if (store->writing)
		fm_groupsync_unlock_writer(store->sync);
	store->writing = false;
}

bool
fm_store_begin(fm_store_t *store)
{
	bool locked = false;

	if (store->batch) {
		/* An error that ended the batch's transaction must fail
		 * what follows, not let it run on its own. */
		if (sqlite3_get_autocommit(store->db) ||
		    !fm_store_exec(store, "SAVEPOINT fm_batch"))
			return false;
		store->depth++;
		return true;
	}
	if (store->sync != NULL && !store->writing) {
		if (!fm_groupsync_lock_writer(store->sync))
			return false;
		store->writing = locked = true;
	}
	if (fm_store_exec(store, "BEGIN IMMEDIATE"))
		return true;
	if (locked)
		end_writing(store);
	return false;
}

bool
fm_store_begin_read(fm_store_t *store)
{
	return !store->batch && fm_store_exec(store, "BEGIN DEFERRED");
}

bool
fm_store_lock_writes(fm_store_t *store)
{
	if (store->sync == NULL || store->writing)
		return true;
	if (!fm_groupsync_lock_writer(store->sync))
		return false;
	store->writing = true;
	return true;
}

bool
fm_store_busy(fm_store_t *store)
{
	return store != NULL &&
	    (sqlite3_extended_errcode(store->db) & 0xff) == SQLITE_BUSY;
}

bool
fm_store_commit(fm_store_t *store)
{
	if (store->batch) {
		if (store->depth == 0)
			return false;
		store->depth--;
		return fm_store_exec(store, "RELEASE fm_batch");
	}
	if (!fm_store_exec(store, "COMMIT")) {
		fm_store_rollback(store);
		return false;
	}
	end_writing(store);
	if (store->sync == NULL || store->lazy)
		return true;
	return fm_groupsync_wait(store->sync);
}

bool
fm_store_end(fm_store_t *store, bool ok)
{
	if (!ok) {
		fm_store_rollback(store);
		return false;
	}
	return fm_store_commit(store);
}

void
fm_store_set_lazy(fm_store_t *store, bool lazy)
{
	if (store->batch)
		return; /* the batch decides, and a pragma cannot run in it */
	if (store->sync == NULL)
		fm_store_exec(store,
		    lazy ? "PRAGMA synchronous = NORMAL"
		         : "PRAGMA synchronous = FULL");
	store->lazy = lazy;
}

bool
fm_store_group_commit(fm_store_t *store)
{
	return store->sync != NULL;
}

bool
fm_store_durable(fm_store_t *store)
{
	return store->sync == NULL || fm_groupsync_wait(store->sync);
}

void
fm_store_sync_stats(fm_store_t *store, struct fm_groupsync_stats *stats)
{
	fm_groupsync_stats(store->sync, stats);
}

void
fm_store_rollback(fm_store_t *store)
{
	if (store->batch) {
		if (store->depth > 0) {
			store->depth--;
			sqlite3_exec(store->db,
			    "ROLLBACK TO fm_batch; RELEASE fm_batch", NULL,
			    NULL, NULL);
		}
		return;
	}
	if (!sqlite3_get_autocommit(store->db))
		sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
	end_writing(store);
}

bool
fm_store_batch_begin(fm_store_t *store)
{
	if (store->batch || !fm_store_begin(store))
		return false;
	store->batch = true;
	store->depth = 0;
	return true;
}

bool
fm_store_batch_end(fm_store_t *store, bool lazy)
{
	bool was_lazy = store->lazy, ok;

	if (!store->batch)
		return false;
	/* Savepoints left open are a bug in the caller: undo them. */
	while (store->depth > 0)
		fm_store_rollback(store);
	store->batch = false;
	if (sqlite3_get_autocommit(store->db)) {
		end_writing(store); /* SQLite ended it on an error */
		return false;
	}
	store->lazy = lazy;
	ok = fm_store_commit(store);
	store->lazy = was_lazy;
	return ok;
}

void
fm_store_batch_abort(fm_store_t *store)
{
	store->batch = false;
	store->depth = 0;
	fm_store_rollback(store);
}

int
fm_store_schema_version(fm_store_t *store)
{
	sqlite3_stmt *st = fm_store_prepare(store, "PRAGMA user_version");
	int v = -1;

	if (st != NULL && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static bool
migrate(fm_store_t *store, const char **errstr)
{
	int version;
	char sql[64];

	/* Up to date, as it is at every open but the first after an
	 * upgrade: nothing to write, so no write lock to wait for (every
	 * held job opens the store). */
	if (fm_store_schema_version(store) == fm_schema_migration_count)
		return true;
	if (!fm_store_begin(store)) {
		*errstr = "cannot lock the database for migration";
		return false;
	}
	/* Read again under the lock: another process may have migrated
	 * meanwhile. */
	version = fm_store_schema_version(store);
	if (version < 0 || version > fm_schema_migration_count) {
		fm_store_rollback(store);
		*errstr = version < 0 ? "cannot read the schema version"
		                      : "database was written by a newer "
		                        "Followme; refusing to touch it";
		return false;
	}
	for (int i = version; i < fm_schema_migration_count; i++) {
		if (!fm_store_exec(store, fm_schema_migrations[i])) {
			fm_store_rollback(store);
			*errstr = "schema migration failed";
			return false;
		}
	}
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
	    fm_schema_migration_count);
	if (!fm_store_exec(store, sql) || !fm_store_commit(store)) {
		*errstr = "cannot record the schema version";
		return false;
	}
	return true;
}

/* WAL mode is what makes group commit possible; a file system without
 * shared memory would leave the database in another journal mode. */
static bool
in_wal_mode(fm_store_t *store)
{
	sqlite3_stmt *st = fm_store_prepare(store, "PRAGMA journal_mode");
	bool wal = false;

	if (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		const char *mode = (const char *)sqlite3_column_text(st, 0);
		wal = mode != NULL && sqlite3_stricmp(mode, "wal") == 0;
	}
	sqlite3_finalize(st);
	return wal;
}

void
fm_store_close(fm_store_t *store)
{
	if (store == NULL)
		return;
	for (int i = 0; i < STMT_CACHE; i++)
		sqlite3_finalize(store->cache[i].st);
	sqlite3_close_v2(store->db);
	fm_groupsync_close(store->sync);
	fm_wipe(store->ledger_key, sizeof(store->ledger_key));
	free(store);
}

fm_store_t *
fm_store_open(const char *path, const char **errstr)
{
	static const char *const pragmas[] = {
	    "PRAGMA journal_mode = WAL",
	    /* An ingest is acknowledged only once durable: FULL makes
	     * every commit survive power loss, not just a crash (or group
	     * commit does, set below). */
	    "PRAGMA synchronous = FULL",
	    "PRAGMA foreign_keys = ON",
	    "PRAGMA trusted_schema = OFF",
	    /* Deleted content (a destroyed document's wrapped key) is
	     * overwritten, not left in free space of the file. */
	    "PRAGMA secure_delete = ON",
	};
	fm_store_t *store = NULL;
	const char *dummy;
	int fd;

	if (errstr == NULL)
		errstr = &dummy;
	if (path == NULL) {
		*errstr = "no database path";
		return NULL;
	}
	/* Create the file ourselves so it is 0600 whatever the umask, and
	 * never follow a link planted in its place. */
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		*errstr = errno == ELOOP ? "database path is a symbolic link"
		                         : "cannot open or create the database";
		return NULL;
	}
	close(fd);
	if ((store = calloc(1, sizeof(*store))) == NULL) {
		*errstr = "out of memory";
		return NULL;
	}
	store->wal_frames = -1;
	/* A store handle belongs to one thread (store.h): SQLite need not
	 * lock a mutex around every call (a directory sync makes some
	 * 300,000 of them). */
	if (sqlite3_open_v2(path, &store->db,
	        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW |
	            SQLITE_OPEN_NOMUTEX,
	        NULL) != SQLITE_OK) {
		*errstr = "cannot open the database";
		goto fail;
	}
	sqlite3_extended_result_codes(store->db, 1);
	sqlite3_busy_timeout(store->db, 10000);
	sqlite3_db_config(store->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(
	    store->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	for (size_t i = 0; i < sizeof(pragmas) / sizeof(pragmas[0]); i++) {
		if (!fm_store_exec(store, pragmas[i])) {
			*errstr = "cannot configure the database (is it a "
			          "Followme database?)";
			goto fail;
		}
	}
	if (in_wal_mode(store) &&
	    (store->sync = fm_groupsync_open(path)) != NULL)
		fm_store_exec(store, "PRAGMA synchronous = NORMAL");
	if (!migrate(store, errstr))
		goto fail;
	return store;
fail:
	fm_store_close(store);
	return NULL;
}

void
fm_store_set_ledger_key(fm_store_t *store, const uint8_t *key)
{
	if (store == NULL)
		return;
	if (key == NULL)
		fm_wipe(store->ledger_key, sizeof(store->ledger_key));
	else
		memcpy(store->ledger_key, key, sizeof(store->ledger_key));
	store->has_ledger_key = key != NULL;
}

const uint8_t *
fm_store_ledger_key(const fm_store_t *store)
{
	return store != NULL && store->has_ledger_key ? store->ledger_key
	                                              : NULL;
}

bool
fm_store_checkpoint(fm_store_t *store)
{
	int rc;

	if (store == NULL || !sqlite3_get_autocommit(store->db))
		return false;
	rc = sqlite3_wal_checkpoint_v2(
	    store->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	if (rc != SQLITE_OK) {
		/* A reader of an older snapshot keeps its frames: they go
		 * with the next checkpoint that completes. */
		fm_log_debug(
		    "store: WAL not truncated: %s", sqlite3_errstr(rc));
		return false;
	}
	return true;
}

/* SQLite's own threshold (SQLITE_DEFAULT_WAL_AUTOCHECKPOINT). */
#define AUTOCHECKPOINT_FRAMES 1000

static int
note_wal_frames(void *arg, sqlite3 *db, const char *name, int frames)
{
	(void)db;
	(void)name;
	((fm_store_t *)arg)->wal_frames = frames;
	return SQLITE_OK;
}

void
fm_store_defer_checkpoint(fm_store_t *store)
{
	store->wal_frames = 0;
	sqlite3_wal_hook(store->db, note_wal_frames, store);
}

bool
fm_store_deferred_checkpoint(fm_store_t *store)
{
	int frames = store->wal_frames, rc = SQLITE_OK;

	store->wal_frames = -1;
	sqlite3_wal_autocheckpoint(store->db, AUTOCHECKPOINT_FRAMES);
	if (frames >= AUTOCHECKPOINT_FRAMES &&
	    sqlite3_get_autocommit(store->db))
		rc = sqlite3_wal_checkpoint_v2(
		    store->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return rc == SQLITE_OK;
}

void
fm_store_start_writeback(fm_store_t *store)
{
	const char *db = sqlite3_db_filename(store->db, "main");
	char wal[PATH_MAX];
	int fd;

	if (db == NULL || db[0] == '\0' ||
	    (size_t)snprintf(wal, sizeof(wal), "%s-wal", db) >= sizeof(wal))
		return;
	fd = open(wal, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		/* Started, not waited for: the next sync waits for less. */
		sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
		close(fd);
	}
}

bool
fm_store_spill(fm_store_t *store)
{
	if (sqlite3_db_cacheflush(store->db) != SQLITE_OK)
		return false;
	fm_store_start_writeback(store);
	return true;
}

void
fm_store_map_reads(fm_store_t *store, int64_t bytes)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA mmap_size = %lld", (long long)bytes);
	fm_store_exec(store, sql);
}

void
fm_store_cache_pages(fm_store_t *store, int pages)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA cache_size = %d", pages);
	fm_store_exec(store, sql);
}
