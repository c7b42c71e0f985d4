/*
 * test_period.c - unit tests for quota/period.c (run with TZ=UTC and
 * TZ=Europe/Berlin for a DST change).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <time.h>

#include "quota/period.h"
#include "tests/unit/harness.h"

static bool
date(const char *s, int64_t *t)
{
	return fm_period_parse_date(s, strlen(s), t);
}

static void
test_dates(void)
{
	int64_t t = 0;
	char buf[FM_PERIOD_STRMAX];

	setenv("TZ", "UTC", 1);
	tzset();
	ASSERT_TRUE(date("2026-11-22", &t));
	ASSERT_INT_EQ(t, 1795305600);
	ASSERT_TRUE(date("2024-02-29", &t));
	ASSERT_STR_EQ(fm_period_format_date(t, buf, sizeof(buf)), "2024-02-29");
	ASSERT_INT_EQ(fm_period_next_day(t) - t, 86400);
}

static void
test_bad_dates(void)
{
	static const char *const bad[] = {"", "2026-11-31", "2025-02-29",
	    "2026-13-01", "2026-00-10", "1969-12-31", "2026-1-01", "2026/11/22",
	    "2026-11-22 ", "20261122", "2026-11-2x", "-026-11-22"};
	int64_t t = 7;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (date(bad[i], &t))
			HARNESS_FAIL("accepted '%s'", bad[i]);
	ASSERT_INT_EQ(t, 7);
}

static void
test_dst_day(void)
{
	int64_t t = 0;

	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	/* 2026-03-29 has 23 hours in Berlin. */
	ASSERT_TRUE(date("2026-03-29", &t));
	ASSERT_INT_EQ(fm_period_next_day(t) - t, 23 * 3600);
	setenv("TZ", "UTC", 1);
	tzset();
}

static void
test_keys(void)
{
	char buf[FM_PERIOD_STRMAX];
	int64_t t = 0;
	enum fm_period p;

	setenv("TZ", "UTC", 1);
	tzset();
	ASSERT_TRUE(date("2026-11-22", &t));
	t += 13 * 3600;
	ASSERT_STR_EQ(
	    fm_period_key(FM_PERIOD_DAILY, t, buf, sizeof(buf)), "2026-11-22");
	ASSERT_STR_EQ(
	    fm_period_key(FM_PERIOD_WEEKLY, t, buf, sizeof(buf)), "2026-W47");
	ASSERT_STR_EQ(
	    fm_period_key(FM_PERIOD_MONTHLY, t, buf, sizeof(buf)), "2026-11");
	/* ISO week-year: 2027-01-01 is a Friday of 2026-W53. */
	ASSERT_TRUE(date("2027-01-01", &t));
	ASSERT_STR_EQ(
	    fm_period_key(FM_PERIOD_WEEKLY, t, buf, sizeof(buf)), "2026-W53");
	ASSERT_TRUE(fm_period_parse("weekly", &p));
	ASSERT_INT_EQ(p, FM_PERIOD_WEEKLY);
	ASSERT_FALSE(fm_period_parse("yearly", &p));
	ASSERT_FALSE(fm_period_parse(NULL, &p));
}

int
main(void)
{
	RUN(test_dates);
	RUN(test_bad_dates);
	RUN(test_dst_day);
	RUN(test_keys);
	return harness_done();
}
