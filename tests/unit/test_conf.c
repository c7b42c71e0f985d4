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
test_unknown_key_names_line(void)
{
	struct settings s = {0};
	char err[FM_CONF_ERRMAX] = "";

	ASSERT_FALSE(parse("[server]\nuser = a\n\nusr = b\n", &s, err));
	ASSERT_STR_CONTAINS(err, "line 4");
	ASSERT_STR_CONTAINS(err, "unknown setting 'usr'");
}

static void
test_unknown_section(void)
{
	struct settings s = {0};
	char err[FM_CONF_ERRMAX] = "";

	ASSERT_FALSE(parse("[sever]\nuser = a\n", &s, err));
	ASSERT_STR_CONTAINS(err, "line 2: unknown section [sever]");
}

static void
test_bad_values(void)
{
	struct settings s = {0};
	char err[FM_CONF_ERRMAX] = "";

	ASSERT_FALSE(parse("[hold]\nmax_job_size = -5M\n", &s, err));
	ASSERT_STR_CONTAINS(err, "line 2: max_job_size: expected a size");
	ASSERT_FALSE(parse("[hold]\nexpire_after = 8 h\n", &s, err));
	ASSERT_STR_CONTAINS(err, "expected a duration");
	ASSERT_FALSE(parse("[hold]\nexpire_after = 5s\n", &s, err));
	ASSERT_STR_CONTAINS(err, "out of range");
	ASSERT_FALSE(
	    parse("[hold]\nworkers = 99999999999999999999999\n", &s, err));
	ASSERT_STR_CONTAINS(err, "expected a whole number");
	ASSERT_FALSE(parse("[server]\nlog_titles = maybe\n", &s, err));
	ASSERT_STR_CONTAINS(err, "expected yes or no");
	ASSERT_FALSE(parse("[hold]\nmax_job_size = 99999999999G\n", &s, err));
}

static void
test_syntax_error_and_nul(void)
{
	struct settings s = {0};
	char err[FM_CONF_ERRMAX] = "";

	ASSERT_FALSE(parse("[server\nuser = a\n", &s, err));
	ASSERT_STR_CONTAINS(err, "line 1");
	ASSERT_FALSE(fm_conf_parse(
	    "[server]\0x", 10, keys, NKEYS, &s, err, sizeof(err)));
	ASSERT_STR_CONTAINS(err, "NUL");
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
	RUN(test_unknown_key_names_line);
	RUN(test_unknown_section);
	RUN(test_bad_values);
	RUN(test_syntax_error_and_nul);
	RUN(test_long_string_refused);
	return harness_done();
}
