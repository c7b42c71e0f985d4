/*
 * clock.h - the monotonic clock in milliseconds, for timeouts and
 * backoff (never the wall clock: it jumps).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_CLOCK_H
#define FM_CLOCK_H

#include <stdint.h>

/* 'fm_clock_ms()' - millisecond since an arbitrary start (CLOCK_MONOTONIC). */
uint64_t fm_clock_ms(void);

/* 'fm_clock_us()' - microseconds on the same clock, to time short steps
 * that are added up (the directory sync's report). */
uint64_t fm_clock_us(void);

#endif
