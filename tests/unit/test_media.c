/*
 * test_media.c - unit tests for common/media.c: paper sizes from IPP,
 * PPD and custom names.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/media.h"
#include "tests/unit/harness.h"

static bool
parse(const char *s, struct fm_media *m)
{
	return fm_media_parse(s, strlen(s), m);
}

static void
test_names(void)
{
	static const struct {
		const char *media, *name;
		int32_t width, length;
	} rows[] = {
	    {"iso_a4_210x297mm", "A4", 21000, 29700},
	    {"na_letter_8.5x11in", "Letter", 21590, 27940},
	    {"na_ledger_11x17in", "Ledger", 27940, 43180},
	    {"iso_b4_250x353mm", "B4", 25000, 35300},
	    {"iso_ra3_305x430mm", "RA3", 30500, 43000},
	    {"na_number-10_4.125x9.5in", "Number-10", 10478, 24130},
	    {"A4", "A4", 21000, 29700},
	    {"a3", "A3", 29700, 42000},
	    {"Tabloid", "Tabloid", 27940, 43180},
	    {"B4", "B4", 25700, 36400},
	    {"A4.Fullbleed", "A4", 21000, 29700},
	    {"LetterSmall", "Letter", 21590, 27940},
	    {"Custom.595x842", "Custom", 20990, 29704},
	    {"Custom.100x200mm", "Custom", 10000, 20000},
	    /* The short side first, whatever the name's order. */
	    {"Custom.11x8.5in", "Custom", 21590, 27940},
	    /* A source or type after the size, or a size after a word. */
	    {"A4,Tray1", "A4", 21000, 29700},
	    {"auto,iso_a3_297x420mm", "A3", 29700, 42000},
	};
	struct fm_media m;

	for (EACH_ROW(i, rows)) {
		ASSERT_TRUE(parse(rows[i].media, &m));
		ASSERT_STR_EQ(m.name, rows[i].name);
		ASSERT_INT_EQ(m.width, rows[i].width);
		ASSERT_INT_EQ(m.length, rows[i].length);
	}
}

static void
test_bad(void)
{
	static const char *const bad[] = {"", "A7", "iso_a4", "iso_a4_210mm",
	    "iso_a4_210x297", "iso_a4_210x297pt", "_a4_210x297mm",
	    "iso_a4_0x297mm", "iso_a4_210x99999999mm", "Custom.x",
	    "Custom.8.5x", "Custom.8.x11in", "iso_a4_.5x297mm", ",", "x"};
	struct fm_media m = {.width = 7};

	for (EACH_ROW(i, bad))
		ASSERT_FALSE(parse(bad[i], &m));
	ASSERT_INT_EQ(m.width, 7);
	/* An embedded NUL ends no name. */
	ASSERT_FALSE(fm_media_parse("A4\0", 3, &m));
	ASSERT_FALSE(fm_media_parse(NULL, 0, &m));
}

static void
test_describe(void)
{
	char buf[FM_MEDIA_DESCMAX];
	struct fm_media m;

	ASSERT_TRUE(parse("iso_b4_250x353mm", &m));
	ASSERT_STR_EQ(
	    fm_media_describe(&m, buf, sizeof(buf)), "B4 (250 x 353 mm)");
	ASSERT_TRUE(parse("na_letter_8.5x11in", &m));
	ASSERT_STR_EQ(fm_media_describe(&m, buf, sizeof(buf)),
	    "Letter (215.9 x 279.4 mm)");
	/* What a screen cannot show is replaced. */
	ASSERT_TRUE(parse("oe_a\tb_1x2in", &m));
	ASSERT_STR_EQ(m.name, "A?b");
}

int
main(void)
{
	RUN(test_names);
	RUN(test_bad);
	RUN(test_describe);
	return harness_done();
}
