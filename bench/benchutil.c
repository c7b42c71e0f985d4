/*
 * benchutil.c - what the benchmarks in C share.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "bench/benchutil.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/clock.h"
#include "quota/export.h"

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

bool
bench_export_sql(int64_t from, int64_t to, char *buf, size_t size)
{
	size_t n = 0;

	for (const char *p = fm_export_department_sql; *p != '\0'; p++) {
		if (n + 24 >= size)
			return false;
		if (p[0] == '?' && (p[1] == '1' || p[1] == '2')) {
			n += (size_t)snprintf(buf + n, size - n, "%" PRId64,
			    p[1] == '1' ? from : to);
			p++;
		} else
			buf[n++] = *p;
	}
	buf[n] = '\0';
	return true;
}

double
bench_time_export_sql(const char *db, const char *out, int64_t from, int64_t to)
{
	char sql[2048], cmd[4096];
	double t;

	if (!bench_export_sql(from, to, sql, sizeof(sql)))
		bench_die("the export's SQL is too long");
	snprintf(
	    cmd, sizeof(cmd), "sqlite3 -csv '%s' \"%s\" > '%s'", db, sql, out);
	t = bench_now_s();
	bench_run(cmd);
	return bench_now_s() - t;
}
