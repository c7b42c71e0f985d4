/*
 * test_csv.c - unit tests for directory/csv.c: RFC 4180 records, BOM,
 * line ends, quoting faults and encodings refused with their line.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <string.h>

#include "directory/csv.h"
#include "tests/unit/harness.h"

/* The records read, as "f1|f2;" with each record's line: "@N ". */
struct seen {
	char text[2048];
};

static bool
collect(const struct fm_csv_record *rec, void *arg, char *err, size_t errlen)
{
	struct seen *s = arg;
	size_t used = strlen(s->text);

	(void)err;
	(void)errlen;
	used += (size_t)snprintf(
	    s->text + used, sizeof(s->text) - used, "@%zu ", rec->line);
	for (size_t i = 0; i < rec->nfields; i++) {
		if (strlen(rec->field[i]) != rec->len[i])
			return false; /* a field's length is its text's */
		used += (size_t)snprintf(s->text + used, sizeof(s->text) - used,
		    "%s%s", i ? "|" : "", rec->field[i]);
	}
	snprintf(s->text + used, sizeof(s->text) - used, ";");
	return true;
}

static const struct {
	const char *in;
	const char *want;
} good[] = {
    {"a,b\n1,2\n", "@1 a|b;@2 1|2;"},
    {"a,b\r\n1,2\r\n", "@1 a|b;@2 1|2;"},
    {"a,b\n1,2", "@1 a|b;@2 1|2;"}, /* no final line end */
    {"\xEF\xBB\xBFlogin\nx\n", "@1 login;@2 x;"},
    {"a,\"b, c\"\n", "@1 a|b, c;"},
    {"\"say \"\"hi\"\"\",x\n", "@1 say \"hi\"|x;"},
    {"\"two\nlines\",x\ny\n", "@1 two\nlines|x;@3 y;"},
    {"=SUM(A1),+1,-2,@x\n", "@1 =SUM(A1)|+1|-2|@x;"},
    {"a,,b\n", "@1 a||b;"},
    {",\n", "@1 |;"},
    {"a\n\n\nb\n", "@1 a;@4 b;"},
    {"caf\xC3\xA9\n", "@1 caf\xC3\xA9;"},
    {"\"\"\n", "@1 ;"},
    {"", ""},
};

static void
test_good(void)
{
	for (EACH_ROW(i, good)) {
		struct seen s = {""};
		char err[FM_CSV_FIELDMAX];

		ASSERT_TRUE(fm_csv_parse(good[i].in, strlen(good[i].in),
		    collect, &s, err, sizeof(err)));
		ASSERT_STR_EQ(s.text, good[i].want);
	}
}

static const struct {
	const char *in;
	size_t len;
	const char *err;
} bad[] = {
    {"a,b\n1,2\nRen\xE9,3\n", 0, "line 3: not UTF-8 (byte 0xe9)"},
    {"a\n\"open\n", 0, "line 2: a quoted field is not closed"},
    {"a\nx\"y\n", 0, "line 2: a quote inside unquoted field 1"},
    {"a\n\"x\"y\n", 0, "line 2: text after the closing quote of field 1"},
    {"a\0b\n", 4, "line 1: a NUL byte"},
    {"\xFF\xFE"
     "a\0,\0",
        6, "line 1:"},
};

static void
test_bad(void)
{
	for (EACH_ROW(i, bad)) {
		struct seen s = {""};
		char err[256];
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].in);

		ASSERT_FALSE(fm_csv_parse(
		    bad[i].in, len, collect, &s, err, sizeof(err)));
		ASSERT_STR_CONTAINS(err, bad[i].err);
	}
}

static void
test_limits(void)
{
	static char big[FM_CSV_FIELDMAX + 16], wide[FM_CSV_FIELDS * 2 + 8];
	struct seen s = {""};
	char err[256];

	memset(big, 'x', FM_CSV_FIELDMAX + 1);
	big[FM_CSV_FIELDMAX + 1] = '\n';
	ASSERT_FALSE(fm_csv_parse(
	    big, FM_CSV_FIELDMAX + 2, collect, &s, err, sizeof(err)));
	ASSERT_STR_CONTAINS(err, "longer than");
	for (size_t i = 0; i < FM_CSV_FIELDS + 1; i++) {
		wide[2 * i] = 'a';
		wide[2 * i + 1] = ',';
	}
	wide[2 * (FM_CSV_FIELDS + 1) - 1] = '\n';
	ASSERT_FALSE(fm_csv_parse(
	    wide, 2 * (FM_CSV_FIELDS + 1), collect, &s, err, sizeof(err)));
	ASSERT_STR_CONTAINS(err, "more than");
	ASSERT_FALSE(fm_csv_parse("a", 1, NULL, NULL, err, sizeof(err)));
}

int
main(void)
{
	RUN(test_good);
	RUN(test_bad);
	RUN(test_limits);
	return harness_done();
}
