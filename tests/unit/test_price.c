/*
 * test_price.c - unit tests for quota/price.c: every dimension, units,
 * versions, defaults and errors.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/price.h"
#include "tests/unit/harness.h"
#include "tests/unit/store_fixture.h"

static bool
set(fm_store_t *s, const char *printer, const char *media, int colour,
    int duplex, bool per_sheet, int64_t amount, int *version)
{
	struct fm_price_entry e = {"", colour, duplex, per_sheet, amount};
	const char *errstr = NULL;

	snprintf(e.media, sizeof(e.media), "%s", media);
	return fm_price_set(s, printer, &e, "admin", version, &errstr);
}

static void
test_every_dimension(fm_store_t *s)
{
	struct fm_usage u = {"A4", {{0}}, {{0}}};
	struct fm_quote q;
	int v = 0;

	/* Distinct prime-ish prices so that each term is identifiable. */
	ASSERT_TRUE(set(s, "", "A4", 0, 0, false, 1, &v));
	ASSERT_TRUE(set(s, "", "A4", 0, 1, false, 10, &v));
	ASSERT_TRUE(set(s, "", "A4", 1, 0, false, 100, &v));
	ASSERT_TRUE(set(s, "", "A4", 1, 1, true, 1000, &v));
	ASSERT_TRUE(set(s, "", "A3", 0, 0, false, 7, &v));
	ASSERT_TRUE(set(s, "", "Letter", 0, 0, false, 3, &v));
	ASSERT_TRUE(set(s, "", "Legal", 1, 1, false, 5, &v));
	ASSERT_INT_EQ(v, 7);
	u.impressions[0][0] = 2; /* 2 x 1 */
	u.impressions[0][1] = 3; /* 3 x 10 */
	u.impressions[1][0] = 4; /* 4 x 100 */
	u.impressions[1][1] = 9; /* per sheet: ignored */
	u.sheets[1][1] = 5;      /* 5 x 1000 */
	ASSERT_TRUE(fm_price_quote(s, "any-printer", &u, &q));
	ASSERT_INT_EQ(q.amount, 2 + 30 + 400 + 5000);
	ASSERT_INT_EQ(q.version, 7);
	memset(&u, 0, sizeof(u));
	snprintf(u.media, sizeof(u.media), "A3");
	u.impressions[0][0] = 3;
	ASSERT_TRUE(fm_price_quote(s, "p", &u, &q));
	ASSERT_INT_EQ(q.amount, 21);
	snprintf(u.media, sizeof(u.media), "Letter");
	ASSERT_TRUE(fm_price_quote(s, "p", &u, &q));
	ASSERT_INT_EQ(q.amount, 9);
	/* Legal has only colour duplex: mono simplex has no price. */
	snprintf(u.media, sizeof(u.media), "Legal");
	ASSERT_FALSE(fm_price_quote(s, "p", &u, &q));
	ASSERT_STR_CONTAINS(q.error, "no price for Legal mono simplex");
}

static void
test_printer_list_and_versions(fm_store_t *s)
{
	struct fm_usage u = {"A4", {{4, 0}, {0, 0}}, {{0}}};
	struct fm_quote q;
	int v1 = 0, v2 = 0, v3 = 0;
	bool own;

	ASSERT_FALSE(fm_price_quote(s, "lobby", &u, &q));
	ASSERT_STR_CONTAINS(q.error, "no price list");
	ASSERT_TRUE(set(s, "", "A4", 0, 0, false, 5, &v1));
	ASSERT_TRUE(set(s, "lobby", "A4", 0, 0, false, 8, &v2));
	ASSERT_TRUE(fm_price_quote(s, "lobby", &u, &q));
	ASSERT_INT_EQ(q.amount, 32);
	ASSERT_INT_EQ(q.version, v2);
	ASSERT_INT_EQ(fm_price_current(s, "lobby", &own), v2);
	ASSERT_TRUE(own);
	ASSERT_TRUE(fm_price_quote(s, "cellar", &u, &q));
	ASSERT_INT_EQ(q.amount, 20);
	ASSERT_INT_EQ(q.version, v1);
	/* A change is a new version; the old one still prices old jobs. */
	ASSERT_TRUE(set(s, "lobby", "A4", 0, 0, false, 9, &v3));
	ASSERT_TRUE(v3 > v2);
	ASSERT_TRUE(fm_price_quote(s, "lobby", &u, &q));
	ASSERT_INT_EQ(q.amount, 36);
	ASSERT_TRUE(fm_price_quote_version(s, v2, &u, &q));
	ASSERT_INT_EQ(q.amount, 32);
}

static void
test_bad_input(fm_store_t *s)
{
	struct fm_usage u = {"A4", {{-1, 0}, {0, 0}}, {{0}}};
	struct fm_quote q;
	int v = 0;

	ASSERT_FALSE(set(s, "", "B4", 0, 0, false, 5, &v));
	ASSERT_FALSE(set(s, "", "A4", 0, 0, false, -5, &v));
	ASSERT_FALSE(set(s, "", "A4", 2, 0, false, 5, &v));
	ASSERT_TRUE(set(s, "", "A4", 0, 0, false, INT64_MAX / 2, &v));
	ASSERT_FALSE(fm_price_quote(s, "p", &u, &q));
	ASSERT_STR_CONTAINS(q.error, "negative");
	u.impressions[0][0] = 3;
	ASSERT_FALSE(fm_price_quote(s, "p", &u, &q));
	ASSERT_STR_CONTAINS(q.error, "too large");
}

/* Dimensions to the list's sizes: either orientation, within 2 mm. */
static void
test_media_for(void)
{
	static const struct {
		int32_t width, length;
		const char *size;
	} rows[] = {
	    {21000, 29700, "A4"},
	    /* The PPD's 595 x 842 points. */
	    {20990, 29704, "A4"},
	    {29700, 42000, "A3"},
	    {14800, 21000, "A5"},
	    {21590, 27940, "Letter"},
	    {21590, 35560, "Legal"},
	    {27940, 43180, "Tabloid"},
	    /* ISO B4, JIS B4, RA3, and A4 2.5 mm too long. */
	    {25000, 35300, NULL},
	    {25700, 36400, NULL},
	    {30500, 43000, NULL},
	    {21000, 29950, NULL},
	};

	for (EACH_ROW(i, rows)) {
		struct fm_media m = {rows[i].width, rows[i].length, "x"};
		const char *got = fm_price_media_for(&m);
		if (rows[i].size == NULL)
			ASSERT_NULL(got);
		else
			ASSERT_STR_EQ(got, rows[i].size);
	}
	ASSERT_NULL(fm_price_media_for(NULL));
}

int
main(void)
{
	RUN(test_media_for);
	RUN_STORE(test_every_dimension);
	RUN_STORE(test_printer_list_and_versions);
	RUN_STORE(test_bad_input);
	return harness_done();
}
