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
#include <unistd.h>

#include "store/store-private.h"

struct fixture {
	char dir[64];
	char path[128];
	fm_store_t *store;
};

static inline fm_store_t *
fixture_open(struct fixture *fx)
{
	const char *errstr = NULL;

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/fm-test-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return NULL;
	snprintf(fx->path, sizeof(fx->path), "%s/followme.db", fx->dir);
	fx->store = fm_store_open(fx->path, &errstr);
	if (fx->store == NULL)
		fprintf(stderr, "fixture: %s\n", errstr);
	return fx->store;
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

#endif
