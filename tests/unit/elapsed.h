/*
 * elapsed.h - time on the monotonic clock, for unit tests that bound how
 * long something takes:
 *
 *	struct timespec t0;
 *
 *	clock_gettime(CLOCK_MONOTONIC, &t0);
 *	...
 *	ASSERT_TRUE(elapsed_ms(&t0) < 5000);
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_TEST_ELAPSED_H
#define FM_TEST_ELAPSED_H

#include <time.h>

/* Whole milliseconds since t0, which clock_gettime(CLOCK_MONOTONIC)
 * filled. */
static inline long
elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)(t1.tv_sec - t0->tv_sec) * 1000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

#endif
