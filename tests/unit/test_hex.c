/*
 * test_hex.c - unit tests for common/hex.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/hex.h"
#include "tests/unit/harness.h"

static void
test_encode(void)
{
	static const uint8_t b[] = {0x00, 0x0f, 0xa1, 0xff, 0x10};
	char out[11];

	ASSERT_TRUE(fm_hex_encode(b, sizeof(b), out, sizeof(out)));
	ASSERT_STR_EQ(out, "000fa1ff10");
	ASSERT_TRUE(fm_hex_encode_upper(b, sizeof(b), out, sizeof(out)));
	ASSERT_STR_EQ(out, "000FA1FF10");
	ASSERT_TRUE(fm_hex_encode(b, 0, out, 1));
	ASSERT_STR_EQ(out, "");
}

/* Exactly 2 * len + 1 bytes are needed; one less is refused, cleanly. */
static void
test_encode_bounds(void)
{
	static const uint8_t b[] = {1, 2, 3};
	char out[8] = "xxxxxxx";

	ASSERT_FALSE(fm_hex_encode(b, sizeof(b), out, 6));
	ASSERT_STR_EQ(out, "");
	ASSERT_TRUE(fm_hex_encode(b, sizeof(b), out, 7));
	ASSERT_STR_EQ(out, "010203");
	ASSERT_FALSE(fm_hex_encode(b, 0, out, 0));
	ASSERT_FALSE(fm_hex_encode(b, SIZE_MAX / 2 + 1, out, sizeof(out)));
	ASSERT_FALSE(fm_hex_encode(NULL, 1, out, sizeof(out)));
	ASSERT_FALSE(fm_hex_encode(b, 1, NULL, 8));
}

static void
test_digit(void)
{
	static const char digits[] = "0123456789abcdefABCDEF";
	uint8_t v = 99;

	for (size_t i = 0; i < sizeof(digits) - 1; i++) {
		ASSERT_TRUE(fm_hex_digit(digits[i], &v));
		ASSERT_UINT_EQ(v, i < 16 ? i : i - 6);
	}
	v = 99;
	ASSERT_FALSE(fm_hex_digit('g', &v));
	ASSERT_FALSE(fm_hex_digit('G', &v));
	ASSERT_FALSE(fm_hex_digit('/', &v));
	ASSERT_FALSE(fm_hex_digit(':', &v));
	ASSERT_FALSE(fm_hex_digit('\0', &v));
	ASSERT_UINT_EQ(v, 99);
}

static void
test_decode(void)
{
	uint8_t out[3] = {0};
	static const uint8_t want[3] = {0x0a, 0xbc, 0xef};

	ASSERT_TRUE(fm_hex_decode("0aBcEf", out, 3));
	ASSERT_MEM_EQ(out, want, 3);
	/* What follows is the caller's: a '$' or more digits are fine. */
	ASSERT_TRUE(fm_hex_decode("0abcef$", out, 3));
	ASSERT_TRUE(fm_hex_decode("0abcef99", out, 3));
	/* Too short: the NUL is no digit, and nothing is read past it. */
	ASSERT_FALSE(fm_hex_decode("0abce", out, 3));
	ASSERT_FALSE(fm_hex_decode("", out, 1));
	ASSERT_FALSE(fm_hex_decode("0g", out, 1));
	ASSERT_FALSE(fm_hex_decode(NULL, out, 1));
	ASSERT_TRUE(fm_hex_decode("", out, 0));
}

int
main(void)
{
	RUN(test_encode);
	RUN(test_encode_bounds);
	RUN(test_digit);
	RUN(test_decode);
	return harness_done();
}
