/*
 * benchutil.h - what the benchmarks in C share: a clock in seconds, and
 * stopping with a message (benchmarks are not tests: any failure ends
 * the run).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_BENCHUTIL_H
#define FM_BENCHUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 'bench_now_s()' - seconds on the monotonic clock (common/clock.h). */
double bench_now_s(void);

/* 'bench_die()' - print "PROGRAM: what" and exit 1. */
_Noreturn void bench_die(const char *what);

/* 'bench_run()' - run cmd through the shell; exit 1 if it fails. */
void bench_run(const char *cmd);

/*
 * 'bench_export_sql()' - the department export's own GROUP BY over the
 * ledger (fm_export_department_sql) with from and to written in for its
 * ?1 and ?2, into buf (size bytes); false if it does not fit.
 */
bool bench_export_sql(int64_t from, int64_t to, char *buf, size_t size);

/*
 * 'bench_time_export_sql()' - bench_export_sql() for [from, to) run by
 * the sqlite3 shell on db into out as CSV: the baseline the export is
 * measured against; its time in seconds.
 */
double bench_time_export_sql(
    const char *db, const char *out, int64_t from, int64_t to);

#endif
