/*
 * benchutil.h - what the benchmarks in C share: a clock in seconds, and
 * stopping with a message (benchmarks are not tests: any failure ends
 * the run).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_BENCHUTIL_H
#define FM_BENCHUTIL_H

/* 'bench_now_s()' - seconds on the monotonic clock (common/clock.h). */
double bench_now_s(void);

/* 'bench_die()' - print "PROGRAM: what" and exit 1. */
_Noreturn void bench_die(const char *what);

/* 'bench_run()' - run cmd through the shell; exit 1 if it fails. */
void bench_run(const char *cmd);

#endif
