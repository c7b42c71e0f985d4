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
	ASSERT_INT_EQ(fm_charge_estimate_impressions(&job, &rel), 6);
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

static void
test_nup_and_duplex(void)
{
	struct fm_usage u;

	/* 4 pages 2-up are 2 sides; 3 colour pages colour both. */
	setup(4, 3, 1, 2);
	ASSERT_INT_EQ(fm_charge_estimate_impressions(&job, &rel), 2);
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

int
main(void)
{
	RUN(test_colour_per_page);
	RUN(test_fewer_printed_than_estimated);
	RUN(test_monochrome_and_unknown);
	RUN(test_nup_and_duplex);
	return harness_done();
}
