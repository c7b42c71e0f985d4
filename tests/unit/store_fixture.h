/*
 * store_fixture.h - a fresh store in a temporary directory for unit tests.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_TEST_STORE_FIXTURE_H
#define FM_TEST_STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store-private.h"

struct fixture {
	char dir[64];
	char path[128];
	char ledger_key[128]; /* the ledger key's file, beside the store */
	fm_store_t *store;
};

/* The ledger key of every fixture (in its file and on its stores). */
static const uint8_t fixture_ledger_key[FM_STORE_LEDGER_KEYLEN] = {
    'f', 'i', 'x', 't', 'u', 'r', 'e', ' ', 'l', 'e', 'd', 'g', 'e', 'r'};

/* A store opened at path with the fixture's ledger key, as a process
 * that writes the ledger has it; NULL (logged) on failure. */
static inline fm_store_t *
fixture_store_open(const char *path)
{
	const char *errstr = NULL;
	fm_store_t *s = fm_store_open(path, &errstr);

	if (s == NULL)
		fprintf(stderr, "fixture: %s\n", errstr);
	fm_store_set_ledger_key(s, fixture_ledger_key);
	return s;
}

static inline fm_store_t *
fixture_open(struct fixture *fx)
{
	FILE *f;

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/fm-test-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return NULL;
	snprintf(fx->path, sizeof(fx->path), "%s/followme.db", fx->dir);
	snprintf(
	    fx->ledger_key, sizeof(fx->ledger_key), "%s/ledger.key", fx->dir);
	if ((f = fopen(fx->ledger_key, "w")) == NULL ||
	    fwrite(fixture_ledger_key, sizeof(fixture_ledger_key), 1, f) != 1 ||
	    fclose(f) != 0 || chmod(fx->ledger_key, 0600) != 0) {
		fprintf(stderr, "fixture: cannot write %s\n", fx->ledger_key);
		return NULL;
	}
	return fx->store = fixture_store_open(fx->path);
}

/* The first column of the first row sql yields, or -1. */
static inline int64_t
fixture_int(fm_store_t *s, const char *sql)
{
	sqlite3_stmt *st = fm_store_prepare(s, sql);
	int64_t v = -1;

	if (st != NULL && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The connection's PRAGMA synchronous (1 = NORMAL, 2 = FULL). */
static inline int
fixture_synchronous(fm_store_t *s)
{
	return (int)fixture_int(s, "PRAGMA synchronous");
}

static inline void
fixture_close(struct fixture *fx)
{
	char cmd[192];

	fm_store_close(fx->store);
	fx->store = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fixture: cannot remove %s\n", fx->dir);
}

/* Runs fn on a fresh fixture, which is removed after even if fn fails (a
 * failed assertion returns from fn); a fixture that cannot be made fails
 * the test.  For RUN_STORE and RUN_FIXTURE (harness.h must come first). */
static inline void
fixture_run(
    void (*on_store)(fm_store_t *s), void (*on_fixture)(struct fixture *fx))
{
	struct fixture fx;

	if (fixture_open(&fx) == NULL) {
		fprintf(stderr, "fixture: no store\n");
		harness_current_failed = true;
	} else if (on_store != NULL)
		on_store(fx.store);
	else
		on_fixture(&fx);
	fixture_close(&fx);
}

/* RUN_STORE(fn): the test fn(fm_store_t *s) on a fresh store. */
#define RUN_STORE(fn) RUN_CALL(fn, fixture_run(fn, NULL))

/* RUN_FIXTURE(fn): the test fn(struct fixture *fx), for a test that also
 * needs the database's path (fx->path) or reopens it (fx->store). */
#define RUN_FIXTURE(fn) RUN_CALL(fn, fixture_run(NULL, fn))

#endif
