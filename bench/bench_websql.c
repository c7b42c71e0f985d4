/*
 * bench_websql.c - bench/web's baseline: the SQL of the department export
 * (quota/export.c) for the whole days FROM to TO, with its parameters
 * written in, for the sqlite3 shell to run over the raw ledger.
 *
 *	bench_websql FROM TO     (YYYY-MM-DD, inclusive)
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "quota/export.h"
#include "quota/period.h"

int
main(int argc, char **argv)
{
	int64_t from, last;

	if (argc != 3 ||
	    !fm_period_parse_date(argv[1], strlen(argv[1]), &from) ||
	    !fm_period_parse_date(argv[2], strlen(argv[2]), &last)) {
		fprintf(stderr, "usage: bench_websql FROM TO (YYYY-MM-DD)\n");
		return 2;
	}
	for (const char *p = fm_export_department_sql; *p != '\0'; p++) {
		if (p[0] == '?' && (p[1] == '1' || p[1] == '2')) {
			printf("%" PRId64,
			    p[1] == '1' ? from : fm_period_next_day(last));
			p++;
		} else
			putchar(*p);
	}
	putchar('\n');
	return 0;
}
