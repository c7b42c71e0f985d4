/*
 * bench_websql.c - bench/web's baseline: the SQL of the department export
 * (quota/export.c) for the whole days FROM to TO, with its parameters
 * written in, for the sqlite3 shell to run over the raw ledger.
 *
 *	bench_websql FROM TO     (YYYY-MM-DD, inclusive)
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <string.h>

#include "bench/benchutil.h"
#include "quota/period.h"

int
main(int argc, char **argv)
{
	char sql[4096];
	int64_t from, last;

	if (argc != 3 ||
	    !fm_period_parse_date(argv[1], strlen(argv[1]), &from) ||
	    !fm_period_parse_date(argv[2], strlen(argv[2]), &last)) {
		fprintf(stderr, "usage: bench_websql FROM TO (YYYY-MM-DD)\n");
		return 2;
	}
	if (!bench_export_sql(from, fm_period_next_day(last), sql, sizeof(sql)))
		bench_die("the export's SQL is too long");
	fputs(sql, stdout);
	putchar('\n');
	return 0;
}
