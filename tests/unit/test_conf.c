/*
 * test_conf.c - unit tests for common/conf.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>

#include "common/conf.h"
#include "tests/unit/harness.h"

struct settings {
	char user[FM_CONF_STRMAX];
	bool log_titles;
	uint64_t max_size;
	uint64_t expire;
	uint64_t workers;
};

static const struct fm_conf_key keys[] = {
    {"server", "user", FM_CONF_STRING, offsetof(struct settings, user), 0, 0},
    {"server", "log_titles", FM_CONF_BOOL,
        offsetof(struct settings, log_titles), 0, 0},
    {"hold", "max_job_size", FM_CONF_SIZE, offsetof(struct settings, max_size),
        1, UINT64_MAX},
    {"hold", "expire_after", FM_CONF_DURATION,
        offsetof(struct settings, expire), 60, 86400 * 30},
    {"hold", "workers", FM_CONF_UINT, offsetof(struct settings, workers), 1,
        16},
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static bool
parse(const char *text, struct settings *s, char *err)
{
	return fm_conf_parse(
	    text, strlen(text), keys, NKEYS, s, err, FM_CONF_ERRMAX);
}

static void
test_all_types(void)
{
	struct settings s = {"nobody", false, 0, 0, 4};
	char err[FM_CONF_ERRMAX] = "";

	ASSERT_TRUE(parse("[server]\nuser = followme\nlog_titles = yes\n"
	                  "[hold]\nmax_job_size = 512M\nexpire_after = 8h\n",
	    &s, err));
	ASSERT_STR_EQ(s.user, "followme");
	ASSERT_TRUE(s.log_titles);
	ASSERT_UINT_EQ(s.max_size, 512ULL * 1024 * 1024);
	ASSERT_UINT_EQ(s.expire, 8 * 3600);
	ASSERT_UINT_EQ(s.workers, 4); /* default kept */
}

static void
test_refusals(void)
{
	static const struct {
		const char *text;
		size_t len;             /* 0: strlen(text) */
		const char *err, *also; /* parts of err; "": not checked */
	} rows[] = {
	    /* An unknown key or section, named with its line. */
	    {"[server]\nuser = a\n\nusr = b\n", 0, "line 4",
	        "unknown setting 'usr'"},
	    {"[sever]\nuser = a\n", 0, "line 2: unknown section [sever]", ""},
	    /* Values that are not of their key's type, or out of range. */
	    {"[hold]\nmax_job_size = -5M\n", 0,
	        "line 2: max_job_size: expected a size", ""},
	    {"[hold]\nexpire_after = 8 h\n", 0, "expected a duration", ""},
	    {"[hold]\nexpire_after = 5s\n", 0, "out of range", ""},
	    {"[hold]\nworkers = 99999999999999999999999\n", 0,
	        "expected a whole number", ""},
	    {"[server]\nlog_titles = maybe\n", 0, "expected yes or no", ""},
	    {"[hold]\nmax_job_size = 99999999999G\n", 0, "", ""},
	    /* A syntax error, and a NUL byte. */
	    {"[server\nuser = a\n", 0, "line 1", ""},
	    {"[server]\0x", 10, "NUL", ""},
	};

	for (EACH_ROW(i, rows)) {
		struct settings s = {0};
		char err[FM_CONF_ERRMAX] = "";
		size_t len = rows[i].len ? rows[i].len : strlen(rows[i].text);

		ASSERT_FALSE(fm_conf_parse(
		    rows[i].text, len, keys, NKEYS, &s, err, sizeof(err)));
		ASSERT_STR_CONTAINS(err, rows[i].err);
		ASSERT_STR_CONTAINS(err, rows[i].also);
	}
}

static void
test_long_string_refused(void)
{
	struct settings s = {0};
	char err[FM_CONF_ERRMAX] = "", text[1024];

	snprintf(text, sizeof(text), "[server]\nuser = %0400d\n", 1);
	ASSERT_FALSE(parse(text, &s, err));
	ASSERT_STR_CONTAINS(err, "line 2: longer than");
}

int
main(void)
{
	RUN(test_all_types);
	RUN(test_refusals);
	RUN(test_long_string_refused);
	return harness_done();
}
