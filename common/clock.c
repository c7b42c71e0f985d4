/*
 * clock.c - the monotonic clock in milliseconds and microseconds.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/clock.h"

#include <time.h>

uint64_t
fm_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t
fm_clock_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}
