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

int
main(void)
{
	RUN(test_encode);
	RUN(test_encode_bounds);
	RUN(test_digit);
	return harness_done();
}
