/*
 * statement.c - an account's statement, from the ledger.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/statement.h"

#include <stddef.h>

#include "store/sql.h"

#define C(kind, member) FM_COL_##kind(struct fm_statement_line, member)
static const struct fm_sql_col line_cols[] = {C(INT, id), C(INT, at),
    C(TEXT, kind), C(INT, amount), C(INT, job_id), C(TEXT, printer),
    C(INT, pages), C(TEXT, reason), FM_COL_END};
#undef C

bool
fm_statement_lines(fm_store_t *store, int64_t account_id, int64_t since,
    int64_t offset, int64_t limit,
    bool (*fn)(const struct fm_statement_line *line, void *arg), void *arg)
{
	struct fm_statement_line line;
	struct fm_sql_rows rows;
	bool ok;

	if (store == NULL || fn == NULL || account_id <= 0 || offset < 0 ||
	    limit < 0)
		return false;
	ok = fm_sql_open(&rows, store,
	    "SELECT id, at, kind, amount, coalesce(job_id, 0), printer,"
	    " mono_simplex + mono_duplex + colour_simplex + colour_duplex,"
	    " reason FROM ledger"
	    " WHERE at >= ?4 AND account_id = ?1 AND kind <> 'reserve'"
	    " ORDER BY at DESC, id DESC LIMIT ?2 OFFSET ?3",
	    FM_ARG_ID(account_id), FM_ARG_INT(limit), FM_ARG_INT(offset),
	    FM_ARG_INT(since));
	while (ok && fm_sql_next(&rows, line_cols, &line))
		ok = fn(&line, arg);
	return fm_sql_close(&rows) && ok;
}
