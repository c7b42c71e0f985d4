/*
 * benchutil.c - what the benchmarks in C share.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "bench/benchutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/clock.h"

double
bench_now_s(void)
{
	return (double)fm_clock_us() / 1e6;
}

void
bench_die(const char *what)
{
	fprintf(stderr, "%s: %s\n", program_invocation_short_name, what);
	exit(1);
}

void
bench_run(const char *cmd)
{
	if (system(cmd) != 0) {
		fprintf(stderr, "%s: failed: %s\n",
		    program_invocation_short_name, cmd);
		exit(1);
	}
}
