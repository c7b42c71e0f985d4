/*
 * test_sql.c - the row helper (store/sql.h) on a real store: parameters
 * of every kind, column tables, one-row results, iteration with the
 * same SQL run again inside the loop, errors.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "store/sql.h"
#include "store_fixture.h"

struct thing {
	int64_t id;
	char name[8]; /* short on purpose: values are cut to fit */
	bool on;
	uint32_t count;
	int64_t maybe; /* -1 when NULL */
	int small;
};

#define C(kind, member) FM_COL_##kind(struct thing, member)
static const struct fm_sql_col thing_cols[] = {C(INT, id), C(TEXT, name),
    C(BOOL, on), C(INT, count), C(OPT, maybe), FM_COL_SKIP, C(INT, small),
    FM_COL_END};
#undef C

#define SELECT_THING                                                           \
	"SELECT id, name, on_, count, maybe, 'skipped', small FROM t"

/* Creates the table t the tests work on. */
static bool
make_table(fm_store_t *s)
{
	return fm_store_exec(s,
	    "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE,"
	    " on_ INTEGER, count INTEGER, maybe INTEGER, small INTEGER,"
	    " blob BLOB, ref INTEGER)");
}

/* The rows in t; -1 if they cannot be counted. */
static int64_t
rows_in_t(fm_store_t *s)
{
	int64_t v = -1;

	if (fm_sql_int(s, "SELECT count(*) FROM t", &v, FM_NO_ARGS) !=
	    FM_SQL_FOUND)
		return -1;
	return v;
}

static void
test_exec_and_get(fm_store_t *s)
{
	struct thing t;
	int64_t v = 0;
	static const uint8_t bytes[3] = {0, 1, 2};

	ASSERT_TRUE(make_table(s));
	ASSERT_TRUE(fm_sql_exec(s,
	    "INSERT INTO t (name, on_, count, maybe, small, blob, ref)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	    FM_ARG_TEXT("a-rather-long-name"), FM_ARG_INT(2),
	    FM_ARG_INT(4000000000u), FM_ARG_NULL, FM_ARG_INT(-7),
	    FM_ARG_BLOB(bytes, sizeof(bytes)), FM_ARG_ID(0)));
	ASSERT_INT_EQ(fm_sql_changes(s), 1);
	ASSERT_INT_EQ(fm_sql_last_id(s), 1);
	memset(&t, 0x55, sizeof(t));
	ASSERT_INT_EQ(fm_sql_get(s, SELECT_THING " WHERE id = ?1", thing_cols,
	                  &t, FM_ARG_INT(1)),
	    FM_SQL_FOUND);
	ASSERT_INT_EQ(t.id, 1);
	ASSERT_STR_EQ(t.name, "a-rathe");
	ASSERT_TRUE(t.on);
	ASSERT_UINT_EQ(t.count, 4000000000u);
	ASSERT_INT_EQ(t.maybe, -1);
	ASSERT_INT_EQ(t.small, -7);
	/* An id of 0 binds NULL; a blob keeps its NUL byte. */
	ASSERT_INT_EQ(
	    fm_sql_int(s, "SELECT ref IS NULL FROM t", &v, FM_NO_ARGS),
	    FM_SQL_FOUND);
	ASSERT_INT_EQ(v, 1);
	ASSERT_INT_EQ(fm_sql_int(s,
	                  "SELECT length(blob) FROM t WHERE"
	                  " blob = ?1",
	                  &v, FM_ARG_BLOB(bytes, sizeof(bytes))),
	    FM_SQL_FOUND);
	ASSERT_INT_EQ(v, 3);
	/* None: out is left alone. */
	v = 42;
	ASSERT_INT_EQ(
	    fm_sql_int(s, "SELECT id FROM t WHERE id = ?1", &v, FM_ARG_INT(99)),
	    FM_SQL_NONE);
	ASSERT_INT_EQ(v, 42);
	/* A constraint refuses the row: false, nothing changed. */
	ASSERT_FALSE(fm_sql_exec(s, "INSERT INTO t (name) VALUES (?1)",
	    FM_ARG_TEXT("a-rather-long-name")));
	ASSERT_INT_EQ(rows_in_t(s), 1);
	/* SQL that does not compile is an error, not "none". */
	ASSERT_INT_EQ(
	    fm_sql_int(s, "SELECT nope FROM t", &v, FM_NO_ARGS), FM_SQL_ERROR);
	ASSERT_FALSE(fm_sql_exec(s, "UPDATE nothing SET x = 1", FM_NO_ARGS));
	/* A skipped parameter stays NULL. */
	ASSERT_INT_EQ(fm_sql_int(s, "SELECT ?1 IS NULL AND ?2 = 5", &v,
	                  FM_ARG_SKIP, FM_ARG_INT(5)),
	    FM_SQL_FOUND);
	ASSERT_INT_EQ(v, 1);
}

static void
test_iterate(fm_store_t *s)
{
	struct fm_sql_rows rows, inner;
	struct thing t;
	int64_t sum = 0, nested = 0, v;
	int n = 0;

	ASSERT_TRUE(make_table(s));
	for (int i = 1; i <= 5; i++)
		ASSERT_TRUE(fm_sql_exec(s,
		    "INSERT INTO t (id, count) VALUES"
		    " (?1, ?2)",
		    FM_ARG_INT(i), FM_ARG_INT(10 * i)));
	ASSERT_TRUE(fm_sql_open(&rows, s,
	    SELECT_THING " WHERE id >= ?1"
	                 " ORDER BY id",
	    FM_ARG_INT(2)));
	while (fm_sql_next(&rows, thing_cols, &t)) {
		sum += t.count;
		n++;
		/* The loop's body may query the store again, even with the
		 * loop's own SQL: each iteration has its own statement. */
		ASSERT_TRUE(fm_sql_open(&inner, s,
		    SELECT_THING " WHERE id >= ?1"
		                 " ORDER BY id",
		    FM_ARG_INT(t.id)));
		while (fm_sql_next(&inner, NULL, NULL))
			nested++;
		ASSERT_TRUE(fm_sql_close(&inner));
		ASSERT_INT_EQ(fm_sql_int(s, "SELECT count FROM t WHERE id = ?1",
		                  &v, FM_ARG_INT(t.id)),
		    FM_SQL_FOUND);
		ASSERT_INT_EQ(v, t.count);
	}
	ASSERT_TRUE(fm_sql_close(&rows));
	ASSERT_INT_EQ(n, 4);
	ASSERT_INT_EQ(sum, 20 + 30 + 40 + 50);
	ASSERT_INT_EQ(nested, 4 + 3 + 2 + 1);
	/* Stopping early is not an error. */
	ASSERT_TRUE(fm_sql_open(&rows, s, "SELECT id FROM t", FM_NO_ARGS));
	ASSERT_TRUE(fm_sql_next(&rows, NULL, NULL));
	ASSERT_TRUE(fm_sql_close(&rows));
	/* Nor is no row at all; SQL that does not compile is. */
	ASSERT_TRUE(
	    fm_sql_open(&rows, s, "SELECT id FROM t WHERE id < 0", FM_NO_ARGS));
	ASSERT_FALSE(fm_sql_next(&rows, NULL, NULL));
	ASSERT_TRUE(fm_sql_close(&rows));
	ASSERT_FALSE(fm_sql_open(&rows, s, "SELECT nope FROM t", FM_NO_ARGS));
	ASSERT_FALSE(fm_sql_next(&rows, NULL, NULL));
	ASSERT_FALSE(fm_sql_close(&rows));
}

/* A step that fails half-way through the rows is reported by close. */
static void
test_iterate_error(fm_store_t *s)
{
	struct fm_sql_rows rows;
	int n = 0;

	ASSERT_TRUE(make_table(s));
	/* abs() of a text that is not a number is fine; of the integer
	 * minimum it overflows: an error on the row where it happens. */
	ASSERT_TRUE(fm_sql_exec(s,
	    "INSERT INTO t (id, name, count) VALUES (1, 'z', NULL),"
	    " (2, 'y', NULL), (3, 'x', ?1)",
	    FM_ARG_INT(INT64_MIN)));
	ASSERT_TRUE(fm_sql_open(
	    &rows, s, "SELECT abs(count) FROM t ORDER BY id", FM_NO_ARGS));
	while (fm_sql_next(&rows, NULL, NULL))
		n++;
	ASSERT_INT_EQ(n, 2);
	ASSERT_FALSE(fm_sql_close(&rows));
}

/* One exit per transaction: fm_store_end() commits or rolls back. */
static void
test_store_end(fm_store_t *s)
{
	static const struct {
		const char *insert;
		bool commit;  /* fm_store_end()'s ok, and what it returns */
		int64_t rows; /* in t after it */
	} rows[] = {
	    {"INSERT INTO t (id) VALUES (1)", false, 0},
	    {"INSERT INTO t (id) VALUES (2)", true, 1},
	};

	ASSERT_TRUE(make_table(s));
	for (EACH_ROW(i, rows)) {
		ASSERT_TRUE(fm_store_begin(s));
		ASSERT_TRUE(fm_sql_exec(s, rows[i].insert, FM_NO_ARGS));
		ASSERT_INT_EQ(fm_store_end(s, rows[i].commit), rows[i].commit);
		ASSERT_INT_EQ(rows_in_t(s), rows[i].rows);
	}
}

int
main(void)
{
	RUN_STORE(test_exec_and_get);
	RUN_STORE(test_iterate);
	RUN_STORE(test_iterate_error);
	RUN_STORE(test_store_end);
	return harness_done();
}
