/*
 * test_gsrun.c - unit tests for spooler/gsrun.c: Ghostscript in a limited
 * child (needs gs on PATH, which scripts/deps.sh installs).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <time.h>

#include "spooler/gsrun.h"
#include "tests/unit/elapsed.h"
#include "tests/unit/harness.h"

static const struct fm_gsrun_limits lim = {10, 512, NULL};

static void
test_render_colors(void)
{
	static const char ps[] =
	    "%!PS\n0.5 0.5 0.5 setrgbcolor 0 0 300 300 rectfill showpage\n"
	    "0 0 1 setrgbcolor 10 10 5 5 rectfill showpage\n"
	    "0 0 0 1 setcmykcolor 0 0 300 300 rectfill showpage\n";
	bool *flags = NULL;
	uint64_t n = 0;

	ASSERT_INT_EQ(fm_gsrun_render_colors(
	                  &lim, ps, sizeof(ps) - 1, 20, 100, &flags, &n),
	    FM_GSRUN_OK);
	ASSERT_NOT_NULL(flags);
	ASSERT_UINT_EQ(n, 3);
	ASSERT_FALSE(flags[0]); /* grey in RGB */
	ASSERT_TRUE(flags[1]);  /* a small blue square */
	ASSERT_FALSE(flags[2]); /* CMYK black stays neutral */
	free(flags);
}

static void
test_page_limit_stops(void)
{
	static const char ps[] = "%!PS\n1 1 50 { pop showpage } for\n";
	bool *flags = NULL;
	uint64_t n = 0;

	ASSERT_INT_EQ(
	    fm_gsrun_render_colors(&lim, ps, sizeof(ps) - 1, 10, 5, &flags, &n),
	    FM_GSRUN_STOPPED);
	ASSERT_NULL(flags);
}

static void
test_timeout_kills(void)
{
	static const char ps[] = "%!PS\n{ 1 pop } loop\n";
	struct fm_gsrun_limits quick = {1, 512, NULL};
	bool *flags = NULL;
	uint64_t n = 0;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_INT_EQ(fm_gsrun_render_colors(
	                  &quick, ps, sizeof(ps) - 1, 10, 5, &flags, &n),
	    FM_GSRUN_TIMEOUT);
	ASSERT_TRUE(elapsed_ms(&t0) < 5000);
}

static void
test_memory_limit(void)
{
	/* 600 MB of strings under a 200 MB address-space limit. */
	static const char ps[] = "%!PS\n/a 60 array def\n"
	                         "0 1 59 { a exch 10000000 string put } for\n"
	                         "showpage\n";
	struct fm_gsrun_limits small = {20, 200, NULL};
	bool *flags = NULL;
	uint64_t n = 0;
	enum fm_gsrun_result r = fm_gsrun_render_colors(
	    &small, ps, sizeof(ps) - 1, 10, 5, &flags, &n);

	ASSERT_TRUE(r == FM_GSRUN_FAILED || r == FM_GSRUN_KILLED);
	ASSERT_NULL(flags);
}

static void
test_missing_binary(void)
{
	struct fm_gsrun_limits bad = {5, 512, "/nonexistent/gs"};
	bool *flags = NULL;
	uint64_t n = 0;

	ASSERT_INT_EQ(
	    fm_gsrun_render_colors(&bad, "%!\n", 3, 10, 5, &flags, &n),
	    FM_GSRUN_SYSERR);
}

int
main(void)
{
	RUN(test_render_colors);
	RUN(test_page_limit_stops);
	RUN(test_timeout_kills);
	RUN(test_memory_limit);
	RUN(test_missing_binary);
	return harness_done();
}
