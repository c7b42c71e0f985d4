/*
 * test_uid.c - unit tests for badge/uid.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "badge/uid.h"
#include "tests/unit/harness.h"

static const uint8_t uid4[] = {0x04, 0xa1, 0xb2, 0xc3};
static const uint8_t uid7[] = {0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66};
static const uint8_t uid10[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
static const uint8_t zeros[] = {0x00, 0x00, 0x12, 0x34};

/* Normalises with the format spec; "(fail)" if either step fails. */
static const char *
norm(const uint8_t *uid, size_t len, const char *spec)
{
	static char out[FM_UID_STRMAX];
	struct fm_uid_format f;
	const char *err = NULL;

	if (!fm_uid_format_parse(spec, strlen(spec), &f, &err))
		return "(bad spec)";
	if (!fm_uid_normalise(uid, len, &f, out, sizeof(out)))
		return "(fail)";
	return out;
}

static const uint8_t zero[] = {0, 0, 0, 0};
static const uint8_t ff[FM_UID_MAX] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void
test_normalise(void)
{
	static const struct {
		const uint8_t *uid;
		size_t len;
		const char *spec, *want;
	} rows[] = {
	    /* Hex, either case, either byte order. */
	    {uid4, 4, "hex", "04A1B2C3"},
	    {uid4, 4, "hex-lower", "04a1b2c3"},
	    {uid4, 4, "hex-reversed", "C3B2A104"},
	    {uid4, 4, "hex-lower-reversed", "c3b2a104"},
	    {uid7, 7, "hex", "04112233445566"},
	    {uid7, 7, "hex-reversed", "66554433221104"},
	    {uid10, 10, "hex", "0102030405060708090A"},
	    {uid10, 10, "hex-reversed", "0A090807060504030201"},
	    /* A width pads with leading zero bytes, or keeps the low bytes. */
	    {uid4, 4, "hex:6", "000004A1B2C3"},
	    {uid4, 4, "hex:2", "B2C3"},
	    {uid4, 4, "hex-reversed:2", "A104"},
	    {uid7, 7, "hex:4", "33445566"},
	    {uid4, 4, "hex:16", "00000000000000000000000004A1B2C3"},
	    {zeros, 4, "hex", "00001234"},
	    /* Decimal; 7-byte UIDs exceed 2^32: no 32-bit arithmetic. */
	    {uid4, 4, "decimal", "77705923"},
	    {uid4, 4, "decimal-reversed", "3283263748"},
	    {uid7, 7, "decimal", "1144738493519206"},
	    {uid7, 7, "decimal-reversed", "28804199028494596"},
	    {uid10, 10, "decimal", "4759477275222530853130"},
	    {uid10, 10, "decimal-reversed", "47390263963055590408705"},
	    /* Decimal widths, zeros, and the largest UID. */
	    {zeros, 4, "decimal", "4660"},
	    {zeros, 4, "decimal:10", "0000004660"},
	    {uid4, 4, "decimal:10", "0077705923"},
	    {uid4, 4, "decimal:4", "5923"},
	    {zero, 4, "decimal", "0"},
	    {zero, 4, "decimal:3", "000"},
	    {ff, sizeof(ff), "decimal",
	        "340282366920938463463374607431768211455"},
	    {ff, sizeof(ff), "decimal:40",
	        "0340282366920938463463374607431768211455"},
	};

	for (EACH_ROW(i, rows))
		ASSERT_STR_EQ(
		    norm(rows[i].uid, rows[i].len, rows[i].spec), rows[i].want);
}

static void
test_normalise_refuses(void)
{
	struct fm_uid_format f = {FM_UID_HEX_UPPER, false, 0};
	uint8_t big[FM_UID_MAX + 1] = {0};
	char out[9];

	ASSERT_FALSE(fm_uid_normalise(uid4, 0, &f, out, sizeof(out)));
	ASSERT_STR_EQ(out, "");
	ASSERT_FALSE(fm_uid_normalise(big, sizeof(big), &f, out, sizeof(out)));
	ASSERT_TRUE(fm_uid_normalise(uid4, 4, &f, out, sizeof(out)));
	ASSERT_STR_EQ(out, "04A1B2C3");
	/* One byte short for the NUL. */
	ASSERT_FALSE(fm_uid_normalise(uid4, 4, &f, out, 8));
	ASSERT_FALSE(fm_uid_normalise(NULL, 4, &f, out, sizeof(out)));
	f.base = FM_UID_DECIMAL;
	f.width = 9;
	ASSERT_FALSE(fm_uid_normalise(uid4, 4, &f, out, sizeof(out)));
}

static void
test_format_parse(void)
{
	struct fm_uid_format f = {FM_UID_HEX_UPPER, false, 0};
	const char *err = NULL;
	static const char *bad[] = {"", "hexx", "hex:", "hex:0", "hex:17",
	    "decimal:41", "decimal:10x", "HEX", "hex-reversed-reversed",
	    "decimal:0010", "hex :4", "decimal:-1", "reversed", "hex-lowe"};
	size_t i;

	ASSERT_TRUE(fm_uid_format_parse("decimal-reversed:10", 19, &f, &err));
	ASSERT_INT_EQ(f.base, FM_UID_DECIMAL);
	ASSERT_TRUE(f.reversed);
	ASSERT_UINT_EQ(f.width, 10);
	ASSERT_TRUE(fm_uid_format_parse("hex-lower:16", 12, &f, &err));
	ASSERT_INT_EQ(f.base, FM_UID_HEX_LOWER);
	ASSERT_FALSE(f.reversed);
	ASSERT_UINT_EQ(f.width, 16);
	ASSERT_TRUE(fm_uid_format_parse("decimal:40", 10, &f, &err));
	/* Only len bytes count: no NUL needed, trailing text ignored. */
	ASSERT_TRUE(fm_uid_format_parse("hexGARBAGE", 3, &f, &err));
	ASSERT_INT_EQ(f.base, FM_UID_HEX_UPPER);
	ASSERT_UINT_EQ(f.width, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = NULL;
		if (fm_uid_format_parse(bad[i], strlen(bad[i]), &f, &err))
			HARNESS_FAIL("accepted bad spec \"%s\"", bad[i]);
		ASSERT_NOT_NULL(err);
	}
	/* A refused spec leaves *fmt alone. */
	ASSERT_INT_EQ(f.base, FM_UID_HEX_UPPER);
}

/* Typed text through fm_uid_from_text() and then a format. */
static const char *
typed(const char *text, enum fm_uid_input in, const char *spec)
{
	uint8_t uid[FM_UID_MAX];
	size_t len = 0;
	const char *err = NULL;

	if (!fm_uid_from_text(text, strlen(text), in, uid, &len, &err))
		return "(refused)";
	return norm(uid, len, spec);
}

static void
test_from_text(void)
{
	static const struct {
		const char *text;
		enum fm_uid_input in;
		const char *spec, *want;
	} rows[] = {
	    /* The same card typed in decimal or hex gives the same id as
	     * read by an NFC reader. */
	    {"77705923", FM_UID_INPUT_DECIMAL, "hex", "04A1B2C3"},
	    {"0077705923", FM_UID_INPUT_DECIMAL, "decimal:10", "0077705923"},
	    {"04a1b2c3", FM_UID_INPUT_HEX, "hex", "04A1B2C3"},
	    {"4A1B2C3", FM_UID_INPUT_HEX, "hex", "04A1B2C3"},
	    {"04a1b2c3", FM_UID_INPUT_HEX, "decimal", "77705923"},
	    {" 1144738493519206\t", FM_UID_INPUT_DECIMAL, "hex",
	        "04112233445566"},
	    {"0", FM_UID_INPUT_DECIMAL, "hex", "00"},
	    {"0000", FM_UID_INPUT_HEX, "hex", "0000"},
	    /* 32 nines fit (under 2^107). */
	    {"99999999999999999999999999999999", FM_UID_INPUT_DECIMAL,
	        "decimal", "99999999999999999999999999999999"},
	};
	static const struct {
		const char *text;
		enum fm_uid_input in;
	} refused[] = {
	    {"12a", FM_UID_INPUT_DECIMAL},
	    {"12g", FM_UID_INPUT_HEX},
	    {"", FM_UID_INPUT_HEX},
	    {"   ", FM_UID_INPUT_DECIMAL},
	    {"123456789012345678901234567890123", FM_UID_INPUT_DECIMAL},
	    {"1 2", FM_UID_INPUT_DECIMAL},
	};

	for (EACH_ROW(i, rows))
		ASSERT_STR_EQ(typed(rows[i].text, rows[i].in, rows[i].spec),
		    rows[i].want);
	for (EACH_ROW(i, refused))
		ASSERT_STR_EQ(
		    typed(refused[i].text, refused[i].in, "hex"), "(refused)");
}

/* What fm_uid_input_parse() makes of name; -1 if it refuses it. */
static int
input_of(const char *name)
{
	enum fm_uid_input in = (enum fm_uid_input)(-1);

	return fm_uid_input_parse(name, strlen(name), &in) ? (int)in : -1;
}

static void
test_input_parse(void)
{
	ASSERT_INT_EQ(input_of("decimal"), FM_UID_INPUT_DECIMAL);
	ASSERT_INT_EQ(input_of("hex"), FM_UID_INPUT_HEX);
	ASSERT_INT_EQ(input_of("hexa"), -1);
	ASSERT_INT_EQ(input_of(""), -1);
}

int
main(void)
{
	RUN(test_normalise);
	RUN(test_normalise_refuses);
	RUN(test_format_parse);
	RUN(test_from_text);
	RUN(test_input_parse);
	return harness_done();
}
