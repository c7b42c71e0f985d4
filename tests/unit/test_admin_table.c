/*
 * test_admin_table.c - unit tests for admin/table.c, followme-admin's
 * list output: the same columns as a padded table or as JSON.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>

#include "admin/table.h"
#include "tests/unit/harness.h"

enum { C_ID, C_NAME, C_WHEN_SHOWN, C_BALANCE, C_ON, C_WHEN, C_LABEL, C_N };

static const struct fm_table_column columns[C_N] = {
    [C_ID] = {"ID", -4, NULL, "id", FM_TABLE_INT, 0},
    [C_NAME] = {"NAME", 6, NULL, "name", FM_TABLE_TEXT, 0},
    [C_WHEN_SHOWN] = {"WHEN", -19, NULL, NULL, FM_TABLE_TIME, 0},
    [C_BALANCE] = {NULL, 0, NULL, "balance", FM_TABLE_MONEY, 0},
    [C_ON] = {NULL, 0, NULL, "on", FM_TABLE_BOOL, 0},
    [C_WHEN] = {NULL, 0, NULL, "at", FM_TABLE_TIME, 0},
    [C_LABEL] = {"LABEL", 0, "  ", "label", FM_TABLE_TEXT, FM_TABLE_CLEAN},
};

struct out {
	char *buf;
	size_t len;
	FILE *f;
};

static void
row(struct fm_table *t, int64_t id, const char *name, const char *label)
{
	struct fm_table_cell c[C_N] = {
	    [C_ID] = {NULL, id},
	    [C_NAME] = {name, 0},
	    [C_WHEN_SHOWN] = {NULL, 0},
	    [C_BALANCE] = {NULL, -250},
	    [C_ON] = {NULL, id % 2},
	    [C_WHEN] = {NULL, 1727740800},
	    [C_LABEL] = {label, 0},
	};

	fm_table_row(t, c);
}

/* Writes two rows (or none) as a list; returns what was written. */
static char *
list(bool json, int rows)
{
	struct fm_table t;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	fm_table_init(&t, f, columns, C_N, json);
	fm_table_begin(&t);
	if (rows > 0)
		row(&t, 7, "alice", "blue\x1b[2J");
	if (rows > 1)
		row(&t, 12344, NULL, "");
	fm_table_end(&t, "Nothing.");
	fclose(f);
	return buf;
}

static void
test_table(void)
{
	char *out = list(false, 2);

	ASSERT_STR_EQ(out,
	    "ID     NAME WHEN                 LABEL\n"
	    "7     alice -                    blue [2J\n"
	    "12344        -                    \n");
	free(out);
}

static void
test_json(void)
{
	char *out = list(true, 2);

	ASSERT_STR_EQ(out,
	    "[{\"id\":7,\"name\":\"alice\",\"balance\":\"-2.50\",\"on\":true,"
	    "\"at\":1727740800,\"label\":\"blue\\u001b[2J\"},"
	    "{\"id\":12344,\"name\":null,\"balance\":\"-2.50\",\"on\":false,"
	    "\"at\":1727740800,\"label\":\"\"}]\n");
	free(out);
}

static void
test_empty(void)
{
	char *out = list(false, 0);

	ASSERT_STR_EQ(out, "Nothing.\n");
	free(out);
	out = list(true, 0);
	ASSERT_STR_EQ(out, "[]\n");
	free(out);
}

static void
test_fields_and_clean_cut(void)
{
	static const struct fm_table_column one[] = {
	    {"T", 0, NULL, "t", FM_TABLE_TEXT, FM_TABLE_CLEAN}};
	char long_text[200], *buf = NULL;
	size_t len = 0;
	struct fm_table_cell c = {long_text, 0};
	struct fm_table t;
	FILE *f = open_memstream(&buf, &len);

	ASSERT_NOT_NULL(f);
	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	fm_table_init(&t, f, one, 1, false);
	fm_table_row(&t, &c);
	/* Nothing from fields in a table; JSON members without braces. */
	fm_table_fields(&t, &c);
	fflush(f);
	/* The heading, then the text cut to 63 bytes. */
	ASSERT_INT_EQ(len, 2 + 63 + 1);
	fm_table_init(&t, f, one, 1, true);
	c.text = "a\"b";
	fm_table_fields(&t, &c);
	fclose(f);
	ASSERT_STR_CONTAINS(buf, "\"t\":\"a\\\"b\"");
	free(buf);
}

static void
test_object(void)
{
	struct fm_table_cell c[C_N] = {
	    [C_ID] = {NULL, 3}, [C_NAME] = {"x", 0}, [C_LABEL] = {"y", 0}};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ASSERT_NOT_NULL(f);
	fm_table_object(f, columns, C_N, c);
	fclose(f);
	ASSERT_STR_EQ(buf,
	    "{\"id\":3,\"name\":\"x\",\"balance\":\"0.00\","
	    "\"on\":false,\"at\":0,\"label\":\"y\"}\n");
	free(buf);
}

static void
test_time(void)
{
	char buf[FM_TABLE_TIMEMAX];

	ASSERT_STR_EQ(fm_table_time(0, buf, sizeof(buf)), "-");
	ASSERT_STR_EQ(fm_table_time(-5, buf, sizeof(buf)), "-");
	ASSERT_STR_EQ(
	    fm_table_time(1727740800, buf, sizeof(buf)), "2024-10-01 00:00:00");
	ASSERT_STR_EQ(fm_table_time(1, NULL, 0), "");
}

int
main(void)
{
	/* Times are shown in local time. */
	setenv("TZ", "UTC", 1);
	RUN(test_table);
	RUN(test_json);
	RUN(test_empty);
	RUN(test_fields_and_clean_cut);
	RUN(test_object);
	RUN(test_time);
	return harness_done();
}
