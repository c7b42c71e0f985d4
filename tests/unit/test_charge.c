/*
 * test_charge.c - what a release is charged for: colour per page, split
 * from the measured impressions.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"
#include "quota/price.h"
#include "release/charge.h"

static struct fm_job job;
static struct fm_release rel;

/* A job of pages (colour_pages in colour), copies, N-up, simplex. */
static void
setup(int64_t pages, int64_t colour_pages, uint32_t copies, uint32_t up)
{
	memset(&job, 0, sizeof(job));
	memset(&rel, 0, sizeof(rel));
	job.pages = pages;
	job.color_pages = colour_pages;
	job.ticket.copies = copies;
	job.ticket.number_up = up;
	snprintf(job.ticket.color_mode, sizeof(job.ticket.color_mode), "auto");
	rel.copies = copies;
	snprintf(rel.sides, sizeof(rel.sides), "one-sided");
	snprintf(rel.color_mode, sizeof(rel.color_mode), "auto");
}

static void
test_colour_per_page(void)
{
	struct fm_usage u;

	setup(3, 1, 2, 1);
	ASSERT_INT_EQ(fm_charge_estimate_impressions(&job, &rel, 0), 6);
	fm_charge_usage(&job, &rel, 6, -1, &u);
	ASSERT_INT_EQ(u.impressions[FM_PRICE_COLOUR][FM_PRICE_SIMPLEX], 2);
	ASSERT_INT_EQ(u.impressions[FM_PRICE_MONO][FM_PRICE_SIMPLEX], 4);
	ASSERT_INT_EQ(u.sheets[FM_PRICE_COLOUR][FM_PRICE_SIMPLEX], 2);
	ASSERT_INT_EQ(u.sheets[FM_PRICE_MONO][FM_PRICE_SIMPLEX], 4);
	ASSERT_INT_EQ(u.impressions[FM_PRICE_COLOUR][FM_PRICE_DUPLEX], 0);
	ASSERT_STR_EQ(u.media, "A4");
}

static void
test_fewer_printed_than_estimated(void)
{
	struct fm_usage u;

	/* Cancelled after one side: never more colour than printed. */
	setup(3, 3, 2, 1);
	fm_charge_usage(&job, &rel, 1, -1, &u);
	ASSERT_INT_EQ(u.impressions[FM_PRICE_COLOUR][FM_PRICE_SIMPLEX], 1);
	ASSERT_INT_EQ(u.impressions[FM_PRICE_MONO][FM_PRICE_SIMPLEX], 0);
	/* Fewer copies at release: the colour scales with them. */
	setup(3, 1, 4, 1);
	rel.copies = 1;
	fm_charge_usage(&job, &rel, 3, -1, &u);
	ASSERT_INT_EQ(u.impressions[FM_PRICE_COLOUR][FM_PRICE_SIMPLEX], 1);
	ASSERT_INT_EQ(u.impressions[FM_PRICE_MONO][FM_PRICE_SIMPLEX], 2);
}

static void
test_monochrome_and_unknown(void)
{
	struct fm_usage u;

	setup(3, 3, 1, 1);
	snprintf(rel.color_mode, sizeof(rel.color_mode), "monochrome");
	ASSERT_INT_EQ(fm_charge_color_impressions(&job, &rel, 3), 0);
	setup(3, 3, 1, 1);
	snprintf(
	    job.ticket.color_mode, sizeof(job.ticket.color_mode), "monochrome");
	ASSERT_INT_EQ(fm_charge_color_impressions(&job, &rel, 3), 0);
	/* Unknown pages: all colour, as the printer may have printed. */
	setup(-1, -1, 1, 1);
	fm_charge_usage(&job, &rel, 5, -1, &u);
	ASSERT_INT_EQ(u.impressions[FM_PRICE_COLOUR][FM_PRICE_SIMPLEX], 5);
	ASSERT_INT_EQ(u.impressions[FM_PRICE_MONO][FM_PRICE_SIMPLEX], 0);
	/* All mono pages. */
	setup(4, 0, 1, 1);
	ASSERT_INT_EQ(fm_charge_color_impressions(&job, &rel, 4), 0);
	ASSERT_INT_EQ(fm_charge_color_impressions(&job, &rel, 0), 0);
}

/* A job whose pages are unknown is estimated at the site's reserve,
 * in pages per copy, all colour but on a monochrome release: never at
 * nothing.  Counted pages ignore the reserve. */
static void
test_unknown_pages_reserved(void)
{
	struct fm_usage u;
	int64_t n;

	setup(0, 0, 2, 1);
	ASSERT_FALSE(fm_charge_pages_known(&job));
	ASSERT_FALSE(fm_charge_pages_known(NULL));
	n = fm_charge_estimate_impressions(&job, &rel, 25);
	ASSERT_INT_EQ(n, 50);
	fm_charge_usage(&job, &rel, n, -1, &u);
	ASSERT_INT_EQ(u.impressions[FM_PRICE_COLOUR][FM_PRICE_SIMPLEX], 50);
	ASSERT_INT_EQ(u.impressions[FM_PRICE_MONO][FM_PRICE_SIMPLEX], 0);
	snprintf(rel.color_mode, sizeof(rel.color_mode), "monochrome");
	fm_charge_usage(&job, &rel, n, -1, &u);
	ASSERT_INT_EQ(u.impressions[FM_PRICE_MONO][FM_PRICE_SIMPLEX], 50);
	/* 2-up: 25 pages on 13 sides a copy */
	setup(0, 0, 1, 2);
	ASSERT_INT_EQ(fm_charge_estimate_impressions(&job, &rel, 25), 13);
	setup(3, 0, 1, 1);
	ASSERT_TRUE(fm_charge_pages_known(&job));
	ASSERT_INT_EQ(fm_charge_estimate_impressions(&job, &rel, 25), 3);
}

static void
test_nup_and_duplex(void)
{
	struct fm_usage u;

	/* 4 pages 2-up are 2 sides; 3 colour pages colour both. */
	setup(4, 3, 1, 2);
	ASSERT_INT_EQ(fm_charge_estimate_impressions(&job, &rel, 0), 2);
	ASSERT_INT_EQ(fm_charge_color_impressions(&job, &rel, 2), 2);
	/* 3 pages, 1 colour, two-sided: 3 sides on 2 sheets, one of them
	 * colour. */
	setup(3, 1, 1, 1);
	snprintf(rel.sides, sizeof(rel.sides), "two-sided-long-edge");
	fm_charge_usage(&job, &rel, 3, -1, &u);
	ASSERT_INT_EQ(u.impressions[FM_PRICE_COLOUR][FM_PRICE_DUPLEX], 1);
	ASSERT_INT_EQ(u.impressions[FM_PRICE_MONO][FM_PRICE_DUPLEX], 2);
	ASSERT_INT_EQ(u.sheets[FM_PRICE_COLOUR][FM_PRICE_DUPLEX], 1);
	ASSERT_INT_EQ(u.sheets[FM_PRICE_MONO][FM_PRICE_DUPLEX], 1);
	/* Sheets the printer reported are split the same way. */
	fm_charge_usage(&job, &rel, 3, 2, &u);
	ASSERT_INT_EQ(u.sheets[FM_PRICE_COLOUR][FM_PRICE_DUPLEX] +
	        u.sheets[FM_PRICE_MONO][FM_PRICE_DUPLEX],
	    2);
}

static void
test_media_by_size(void)
{
	static const struct {
		const char *media, *cls;
	} rows[] = {
	    {"", "A4"},
	    {"iso_a4_210x297mm", "A4"},
	    {"A4.Fullbleed", "A4"},
	    {"na_letter_8.5x11in", "Letter"},
	    {"na_legal_8.5x14in", "Legal"},
	    {"iso_a5_148x210mm", "A5"},
	    /* Tabloid by any name is Tabloid, not A4. */
	    {"Tabloid", "Tabloid"},
	    {"na_ledger_11x17in", "Tabloid"},
	    {"11x17", "Tabloid"},
	    {"Custom.792x1224", "Tabloid"},
	    /* Sizes the list has no price for. */
	    {"iso_b4_250x353mm", NULL},
	    {"B4", NULL},
	    {"iso_ra3_305x430mm", NULL},
	    {"na_executive_7.25x10.5in", NULL},
	    {"mystery", NULL},
	};
	char name[FM_MEDIA_DESCMAX];
	struct fm_usage u;

	for (EACH_ROW(i, rows)) {
		const char *cls =
		    fm_charge_media_class(rows[i].media, name, sizeof(name));
		if (rows[i].cls == NULL)
			ASSERT_NULL(cls);
		else
			ASSERT_STR_EQ(cls, rows[i].cls);
	}
	/* The size for people, in the refusal. */
	ASSERT_NULL(fm_charge_media_class("B4", name, sizeof(name)));
	ASSERT_STR_EQ(name, "B4 (257 x 364 mm)");
	ASSERT_NULL(fm_charge_media_class("mystery", name, sizeof(name)));
	ASSERT_STR_EQ(name, "mystery");
	/* A size the list cannot price is priced as no size at all. */
	setup(3, 1, 1, 1);
	snprintf(
	    job.ticket.media, sizeof(job.ticket.media), "iso_ra3_305x430mm");
	fm_charge_usage(&job, &rel, 3, -1, &u);
	ASSERT_STR_EQ(u.media, "");
	snprintf(
	    job.ticket.media, sizeof(job.ticket.media), "na_ledger_11x17in");
	fm_charge_usage(&job, &rel, 3, -1, &u);
	ASSERT_STR_EQ(u.media, "Tabloid");
}

int
main(void)
{
	RUN(test_colour_per_page);
	RUN(test_fewer_printed_than_estimated);
	RUN(test_monochrome_and_unknown);
	RUN(test_unknown_pages_reserved);
	RUN(test_nup_and_duplex);
	RUN(test_media_by_size);
	return harness_done();
}
