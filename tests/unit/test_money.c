/*
 * test_money.c - unit tests for quota/money.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/money.h"
#include "tests/unit/harness.h"

static bool
parse(const char *s, bool neg, int64_t *v)
{
	return fm_money_parse(s, strlen(s), neg, v);
}

static void
test_parse_good(void)
{
	int64_t v = 0;

	ASSERT_TRUE(parse("1.25", false, &v));
	ASSERT_INT_EQ(v, 125);
	ASSERT_TRUE(parse("3", false, &v));
	ASSERT_INT_EQ(v, 300);
	ASSERT_TRUE(parse("0.4", false, &v));
	ASSERT_INT_EQ(v, 40);
	ASSERT_TRUE(parse("0.05", false, &v));
	ASSERT_INT_EQ(v, 5);
	ASSERT_TRUE(parse("-2.50", true, &v));
	ASSERT_INT_EQ(v, -250);
	ASSERT_TRUE(parse("+7", false, &v));
	ASSERT_INT_EQ(v, 700);
	ASSERT_TRUE(parse("10000000000000", false, &v));
	ASSERT_INT_EQ(v, FM_MONEY_MAX);
}

static void
test_parse_bad(void)
{
	static const char *const bad[] = {"", "-", ".5", "1.", "1.234", "1e3",
	    " 1", "1 ", "1,50", "abc", "0x10", "--1", "1.2.3",
	    "10000000000000.01", "99999999999999999999999"};
	int64_t v = 42;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], true, &v))
			HARNESS_FAIL("accepted '%s'", bad[i]);
	}
	ASSERT_FALSE(parse("-1", false, &v));
	ASSERT_INT_EQ(v, 42);
	/* An embedded NUL is not the end of the text. */
	ASSERT_FALSE(fm_money_parse("1\0"
	                            "5",
	    3, false, &v));
}

static void
test_format(void)
{
	char buf[FM_MONEY_STRMAX];

	ASSERT_STR_EQ(fm_money_format(40, buf, sizeof(buf)), "0.40");
	ASSERT_STR_EQ(fm_money_format(-40, buf, sizeof(buf)), "-0.40");
	ASSERT_STR_EQ(fm_money_format(123456, buf, sizeof(buf)), "1234.56");
	ASSERT_STR_EQ(fm_money_format(0, buf, sizeof(buf)), "0.00");
	ASSERT_STR_EQ(fm_money_format(INT64_MIN, buf, sizeof(buf)),
	    "-92233720368547758.08");
}

int
main(void)
{
	RUN(test_parse_good);
	RUN(test_parse_bad);
	RUN(test_format);
	return harness_done();
}
